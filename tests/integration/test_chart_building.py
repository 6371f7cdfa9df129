"""Every chart of the dashboard is built from typed channels (``alt.X(…)``, ``alt.Text(…)``,
``alt.XDatum(0)``, ``alt.ColorValue(…, condition=…)``), never from a shorthand string, an
``alt.datum``/``alt.value`` or an ``alt.condition`` dict: Altair turns each of those into
its channel class by resolving the schema the dict matches, 2–4 ms a channel — 33 of them
spent ~60 ms of every dashboard view. The specifications are the same either way (checked
on the demo and the company, every filter, both languages, when this was changed)."""

from __future__ import annotations

import pytest

from core.insights import charts, dashboard
from core.insights.figures import Filters
from core.kernel import clock
from core.kernel.i18n import speaking
from demo import company
from tests.builders import viewer_named


@pytest.fixture
def demo(sf):  # type: ignore[no-untyped-def]
    company.seed_demo(sf)
    return sf


def test_no_chart_of_the_dashboard_resolves_a_channel_from_a_dict(demo, resolved_channels) -> None:
    coord = viewer_named(demo, "coord")
    views = [
        dashboard.dashboard(demo, coord, Filters(pid, None, None, clock.today()))
        for pid in (None, *(p.id for p in dashboard.options(demo, coord).programmes))
    ]
    resolved_channels.clear()  # the charts alone
    built = 0
    for d in views:
        for lang in ("en", "fr"):
            with speaking(lang):
                built += sum(c is not None for c in charts.all_charts(d).values())
    assert built >= 10  # the demo draws most of them
    assert resolved_channels == []
