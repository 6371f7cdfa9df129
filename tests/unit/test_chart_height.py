"""The height the dashboard gives Streamlit for a chart: the plot's own, its axes, and the
room of a legend drawn below it — read from the chart's parts, never from its data."""

import datetime as dt
import json

import altair as alt
import pandas as pd

from core.insights import chart_parts, charts
from core.insights.figures import Point

WEEKS = [dt.date(2026, 9, 7) + dt.timedelta(weeks=i) for i in range(3)]
DATA = pd.DataFrame({"x": [1, 2], "y": [3, 4], "c": ["a", "b"]})


def _from_spec(chart) -> int | str:  # type: ignore[no-untyped-def]
    """The same height read the long way, from the whole specification."""
    spec = chart.to_dict()
    height = spec.get("height")
    if not isinstance(height, int):
        return "content"
    return height + 70 + (60 if '"orient": "bottom"' in json.dumps(spec) else 0)


def test_a_chart_without_a_legend_gets_its_height_and_room_for_its_axes():
    chart = alt.Chart(DATA).mark_bar().encode(x="x:Q", y="y:Q").properties(height=100)
    assert chart_parts.pixel_height(chart) == 170


def test_a_legend_below_a_layer_adds_its_room():
    bottom = alt.Legend(orient="bottom")
    bars = alt.Chart(DATA).mark_bar().encode(x="x:Q", y="y:Q")
    line = (
        alt.Chart(DATA).mark_line().encode(x="x:Q", y="y:Q", color=alt.Color("c:N", legend=bottom))
    )
    assert chart_parts.pixel_height(alt.layer(bars, line).properties(height=100)) == 230
    assert chart_parts.pixel_height(alt.layer(bars, bars).properties(height=100)) == 170


def test_a_legend_on_the_right_adds_nothing_and_a_chart_without_a_height_sizes_itself():
    right = alt.Color("c:N", legend=alt.Legend(orient="right"))
    chart = alt.Chart(DATA).mark_bar().encode(x="x:Q", y="y:Q", color=right)
    assert chart_parts.pixel_height(chart.properties(height=100)) == 170
    assert chart_parts.pixel_height(chart) == "content"
    assert chart_parts.pixel_height(chart.facet(row="c:N")) == "content"


def test_a_dashboard_chart_gets_the_height_its_whole_specification_gives():
    points = [Point(w, "new", 6.0) for w in WEEKS] + [
        Point(w, "enrolled", 6.0 * (i + 1)) for i, w in enumerate(WEEKS)
    ]
    chart = charts.enrolment(points, k=5)
    assert chart_parts.pixel_height(chart) == _from_spec(chart)
