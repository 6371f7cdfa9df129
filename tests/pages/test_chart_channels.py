"""Every chart a page draws gives its channels as typed objects (docs/CONVENTIONS.md):
Altair resolves a channel given as a dict or shorthand string against its schema, ~2–4 ms a
channel on every view (tests/integration/test_chart_building.py holds it for the
dashboard's charts built outside a page)."""

from __future__ import annotations

import pytest

from tests.pages.conftest import dashboard_sections
from tests.pages.test_chart_contrast import CHART_PAGES


@pytest.mark.parametrize(("user", "page"), CHART_PAGES)
def test_no_chart_of_a_page_resolves_a_channel_from_a_dict(open_app, resolved_channels, user, page):
    at = open_app(user, page=page)
    charts = list(at.get("vega_lite_chart"))
    if page.endswith("coord_dashboard.py"):  # every section's charts
        charts = [c for _ in dashboard_sections(at) for c in at.get("vega_lite_chart")]
    assert charts, "the demo draws charts on this page"
    assert resolved_channels == []
