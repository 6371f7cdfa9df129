"""A chart's one-line summary reads as its language writes."""

import pandas as pd

from core.insights.chart_table import summary
from core.kernel.i18n import speaking


def _table() -> pd.DataFrame:
    return pd.DataFrame({"Of": ["Engineering", "Sales"], "Figure": ["100 %", "50 %"]})


def test_an_english_summary_puts_no_space_before_its_colons():
    with speaking("en"):
        assert summary("Pairs", _table()) == "Pairs — Engineering: 100 %; Sales: 50 %."


def test_a_french_summary_puts_a_space_before_each_colon():
    with speaking("fr"):
        text = summary("Binômes", _table())
    assert "Engineering : 100 % ; Sales : 50 %" in text
    assert "Engineering:" not in text


def test_a_summary_with_series_names_the_series_before_the_figure():
    table = pd.DataFrame({"Of": ["A"], "Series": ["Joined"], "Figure": ["3"]})
    with speaking("fr"):
        assert "A, Joined : 3" in summary("T", table)


def test_a_summary_writes_its_numbers_as_its_language_does():
    """The survey charts hand numbers, not words: 16.7 is "16,7" in French."""
    table = pd.DataFrame({"When": ["Kick-off", "Check-in"], "NPS": [16.7, 41.0]})
    with speaking("fr"):
        text = summary("NPS", table)
    assert "Kick-off : 16,7 ; Check-in : 41." in text
    with speaking("en"):
        assert summary("NPS", table) == "NPS — Kick-off: 16.7; Check-in: 41."
