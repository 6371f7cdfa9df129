"""Charts are drawn without Altair's schema check unless ``TANDEM_CHECK_CHARTS`` asks for it
(the tests do): the same specification either way, and a broken chart still fails where the
check is on."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest
from altair.utils.schemapi import SchemaValidationError
from streamlit.testing.v1 import AppTest

from core.insights.chart_parts import finish, unchecked, with_top

DATA = pd.DataFrame({"when": ["A", "B", "C"], "nps": [10.0, -5.0, 30.0]})


def _layered() -> alt.LayerChart:
    line = alt.Chart(DATA).mark_line().encode(x="when:N", y="nps:Q")
    text = line.mark_text(dy=-8).encode(text=alt.Text("nps:Q", format="+.0f"))
    return finish(alt.layer(line, text), height=260, description="NPS")


def _broken() -> alt.Chart:
    # "height" is a number or a step, never a word: the schema check refuses it
    return finish(alt.Chart(DATA).mark_bar().encode(x="when:N", y="nps:Q"), height="tall")


def test_an_unchecked_chart_serialises_to_the_same_specification():
    chart = _layered()
    assert unchecked(chart).to_dict() == chart.to_dict()
    assert unchecked(chart).to_dict(validate=True) == chart.to_dict()


def test_only_the_unchecked_copy_skips_the_check():
    broken = _broken()
    assert unchecked(broken).to_dict()["height"] == "tall"
    with pytest.raises(SchemaValidationError):
        broken.to_dict()  # the chart it was copied from is untouched
    with pytest.raises(SchemaValidationError):
        unchecked(broken).to_dict(validate=True)
    with pytest.raises(SchemaValidationError):
        unchecked(broken).copy().to_dict()  # a further copy is an ordinary chart
    with pytest.raises(SchemaValidationError):
        with_top(unchecked(broken), description="NPS").to_dict()


def test_a_copy_with_other_top_properties_draws_itself_not_its_original():
    chart = _layered()
    taller = with_top(unchecked(chart), height=400)
    assert taller.to_dict()["height"] == 400
    assert chart.to_dict()["height"] == unchecked(chart).to_dict()["height"] == 260


def _draw(which: str) -> None:
    import altair as alt
    import pandas as pd

    from core.insights.chart_parts import finish
    from ui.widgets import draw_chart

    data = pd.DataFrame({"when": ["A", "B", "C"], "nps": [10.0, -5.0, 30.0]})
    line = alt.Chart(data).mark_line().encode(x="when:N", y="nps:Q")
    if which == "broken":
        draw_chart(finish(line, height="tall"), width="stretch")
    else:
        text = line.mark_text(dy=-8).encode(text=alt.Text("nps:Q", format="+.0f"))
        draw_chart(finish(alt.layer(line, text), height=260, description="NPS"), width="stretch")


def _drawn(which: str) -> AppTest:
    at = AppTest.from_function(_draw, args=(which,), default_timeout=60)
    return at.run()


def _spec(at: AppTest) -> dict:
    (chart,) = at.get("vega_lite_chart")
    return json.loads(chart.proto.spec)


def test_a_server_draws_the_same_chart_as_the_checked_drawing(monkeypatch):
    checked = _drawn("layered")
    monkeypatch.setenv("TANDEM_CHECK_CHARTS", "0")
    served = _drawn("layered")
    assert not checked.exception and not served.exception
    assert _spec(served) == _spec(checked)
    assert _spec(served)["layer"][1]["mark"]["type"] == "text"


def test_a_broken_chart_fails_where_charts_are_checked(monkeypatch, caplog):
    assert _drawn("broken").exception
    assert "SchemaValidationError" in caplog.text
    monkeypatch.setenv("TANDEM_CHECK_CHARTS", "0")
    assert not _drawn("broken").exception
