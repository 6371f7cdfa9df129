"""Colour contrast (issue 12, accessibility): the colours Tandem chooses meet WCAG AA.

axe-core measured 44 elements on main below 4.5:1, all captions and help text: Streamlit
draws them in the theme's text colour at 60 % opacity, and with its default text colour
(#2f2d2b) that blends to #828180 on white, 3.9:1. The theme's text colour is the only
lever on them, so it is checked here through the same blend.

Chart words are drawn on a canvas, out of axe-core's reach: their colours are checked here.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from core.insights import chart_parts
from tests.wcag import contrast, over

ROOT = Path(__file__).resolve().parents[2]
AA_TEXT = 4.5  # WCAG 2.2 SC 1.4.3, normal-size text

# Streamlit 1.67's light theme, for what .streamlit/config.toml leaves unset (from
# `streamlit config show`).
LIGHT_DEFAULTS = {
    "backgroundColor": "#ffffff",
    "secondaryBackgroundColor": "#f8f8f7",
    "textColor": "#2f2d2b",
    "blueTextColor": "#244fb4",
}
SIDEBAR_BACKGROUND = "#f8f8f7"  # the sidebar's own default while the backgrounds are default
CAPTION_OPACITY = 0.6  # Streamlit's fadedText60: captions, help text, widget hints
WHITE = "#ffffff"  # the words on a primary button


def theme() -> dict[str, str]:
    with open(ROOT / ".streamlit" / "config.toml", "rb") as f:
        chosen = tomllib.load(f).get("theme", {})
    return {**LIGHT_DEFAULTS, **chosen}


def backgrounds() -> list[str]:
    th = theme()
    return [th["backgroundColor"], th["secondaryBackgroundColor"], SIDEBAR_BACKGROUND]


def test_the_formula_gives_wcag_reference_ratios():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the famous grey
    assert over("#000000", "#ffffff", 0.5) == "#808080"


def test_body_text_reads_at_aa_on_every_background_of_the_theme():
    th = theme()
    for bg in backgrounds():
        assert contrast(th["textColor"], bg) >= AA_TEXT, bg


def test_captions_and_help_text_read_at_aa_on_every_background_of_the_theme():
    """The elements axe-core flagged: the theme's text colour at 60 % over the background."""
    th = theme()
    for bg in backgrounds():
        seen = over(th["textColor"], bg, CAPTION_OPACITY)
        assert contrast(seen, bg) >= AA_TEXT, (bg, seen, round(contrast(seen, bg), 2))


def test_the_green_brand_colour_carries_white_button_words_and_reads_as_text():
    th = theme()
    assert contrast(WHITE, th["primaryColor"]) >= AA_TEXT
    for bg in backgrounds():  # a selected tab's or segment's words are drawn in it
        assert contrast(th["primaryColor"], bg) >= AA_TEXT, bg


def test_links_read_at_aa_on_every_background_of_the_theme():
    th = theme()
    link = th.get("linkColor", th["blueTextColor"])
    for bg in backgrounds():
        assert contrast(link, bg) >= AA_TEXT, bg


@pytest.mark.parametrize("name", ["TEXT", "QUIET_TEXT", "TARGET"])
def test_every_colour_tandem_draws_words_with_on_a_chart_reads_at_aa_on_white(name):
    assert contrast(getattr(chart_parts, name), WHITE) >= AA_TEXT


def test_the_words_on_the_training_needs_grid_read_at_aa_on_every_cell():
    """Dark words on the two darkest colours the cut red-blue scheme can give a cell (its
    anchors at 0.2 and 0.8: lighter towards the middle), grey words on a hidden cell. The
    full scheme's ends, #67001f and #053061, gave the dark words 1.4:1."""
    assert chart_parts.HEAT_SCHEME.extent == [0.2, 0.8]
    for cell in chart_parts.HEAT_ENDS:
        assert contrast(chart_parts.HEAT_TEXT, cell) >= AA_TEXT, cell
    assert contrast(chart_parts.QUIET_TEXT, chart_parts.HIDDEN_CELL) >= AA_TEXT
