"""Every chart Tandem draws writes its axis and legend words at WCAG AA (issue 12).

Charts are drawn on a canvas, out of axe-core's reach. Streamlit's theme gives their axis
and legend words a fixed grey, #808495 (3.7:1 on white), that no theme option changes;
every chart goes through core.insights.chart_parts.finish, whose configuration wins.
"""

from __future__ import annotations

import json

import pytest

from tests.pages.conftest import dashboard_sections
from tests.wcag import contrast

WHITE = "#ffffff"
CHART_PAGES = [
    ("coord", "pages/coord_dashboard.py"),
    ("coord", "pages/coord_surveys.py"),
    ("coord", "pages/coord_needs.py"),
    ("hugo", "pages/home.py"),
]


@pytest.mark.parametrize(("user", "page"), CHART_PAGES)
def test_each_chart_writes_its_axis_and_legend_words_at_aa_on_white(open_app, user, page):
    at = open_app(user, page=page)
    charts = list(at.get("vega_lite_chart"))
    if page.endswith("coord_dashboard.py"):  # every section's charts
        charts = [c for _ in dashboard_sections(at) for c in at.get("vega_lite_chart")]
    assert charts, "the demo draws charts on this page"
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        config = spec.get("config", {})
        for part in ("axis", "legend"):
            for key in ("labelColor", "titleColor"):
                colour = config.get(part, {}).get(key)
                assert colour, (spec.get("description"), part, key)
                assert contrast(colour, WHITE) >= 4.5, (spec.get("description"), part, key)
