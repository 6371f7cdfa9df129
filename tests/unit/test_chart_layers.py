"""A chart draws no layer that would be empty: an empty Vega mark group is an unnamed
graphic for a screen reader (axe-core's svg-img-alt, serious)."""

import datetime as dt

from core.insights import charts
from core.insights.figures import Point

WEEKS = [dt.date(2026, 9, 7) + dt.timedelta(weeks=i) for i in range(3)]


def _marks(chart) -> list[str]:  # type: ignore[no-untyped-def]
    """Every mark type of a (layered) chart's specification."""
    found: list[str] = []

    def walk(spec: dict) -> None:
        mark = spec.get("mark")
        if mark:
            found.append(mark if isinstance(mark, str) else mark["type"])
        for sub in spec.get("layer", []):
            walk(sub)

    walk(chart.to_dict())
    return found


def test_the_enrolment_chart_has_no_running_total_line_when_every_total_is_hidden():
    points = [Point(w, "new", 6.0) for w in WEEKS] + [
        Point(w, "enrolled", None, suppressed=True) for w in WEEKS
    ]
    assert "line" not in _marks(charts.enrolment(points, k=5))


def test_the_enrolment_chart_draws_the_running_total_when_it_shows_a_figure():
    points = [Point(w, "new", 6.0) for w in WEEKS] + [
        Point(w, "enrolled", 6.0 * (i + 1)) for i, w in enumerate(WEEKS)
    ]
    assert "line" in _marks(charts.enrolment(points, k=5))


def test_a_chart_is_still_checked_against_the_schema_when_drawn():
    """chart_parts turns off Altair's piecewise check as a chart is built; the whole chart
    is still checked when it is serialised (st.altair_chart, the report), so a wrong
    property is caught before anything is drawn."""
    import altair as alt
    import pandas as pd
    import pytest
    from altair.utils.schemapi import SchemaValidationError

    from core.insights import chart_parts

    wrong = (
        alt.Chart(pd.DataFrame({"a": [1]}))
        .mark_bar()
        .encode(
            x=alt.X("a:Q", axis=alt.Axis(labelAngle="sideways"))  # a number in the schema
        )
    )
    with pytest.raises(SchemaValidationError):
        chart_parts.finish(wrong).to_dict()
