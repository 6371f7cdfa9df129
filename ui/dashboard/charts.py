"""The dashboard's charts, two to a row, and the retention chart with its notes.

A section of the page (ui.dashboard.sections) asks for its charts by name: only those are
built and drawn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.insights import charts, figures
from core.insights.chart_parts import pixel_height, with_top
from core.insights.chart_table import drawn_table
from core.insights.figures import Point
from core.kernel.i18n import format_date, t
from core.kernel.privacy import NOT_OFFERED
from ui.widgets import draw_chart, figures_as_text, md_escape


@dataclass(frozen=True)
class Chart:
    """One chart of the grid: its title, its name in charts.BUILDERS, what to say
    when it is empty, the part of a department's view it belongs to, its points."""

    title: str
    name: str
    empty: str | None = None
    part: str = ""
    points: Sequence[Point] = ()
    note: str | None = None  # a caption under the chart
    key: str = ""  # the widget key, "c_" + name unless given


def chart(d: figures.Dashboard, spec: Chart, built: Any) -> None:
    st.markdown(f"**{md_escape(spec.title)}**")
    if spec.part and spec.part in d.not_offered:
        if spec.part in figures.WEEKLY_SECTIONS:
            st.caption(
                t(
                    "Week by week, this chart is shown for all departments together only: one "
                    "department in one week is too few people to protect. The numbers above "
                    "cover the department."
                )
            )
        else:
            st.caption(
                t(
                    "Pairs and circles can span departments, so this part is shown for all "
                    "departments only."
                )
            )
    elif "all" in d.not_offered:
        st.caption(figures.hidden_text(d.k, NOT_OFFERED))
    elif built is None and any(p.suppressed for p in spec.points):
        st.caption(
            t(
                "Every figure of this chart is hidden: each covers fewer than {k} people, or "
                "would reveal such a group by subtraction from the others.",
                k=d.k,
            )
        )
    elif built is None:
        st.caption(spec.empty or t("Nothing to show for these filters yet."))
    else:
        # Streamlit does not take the height from the spec: give it the chart's own.
        draw_chart(
            with_top(built, description=spec.title),
            width="stretch",
            height=pixel_height(built),
            key=spec.key or f"c_{spec.name}",
        )
        text_alternative(spec.title, built, spec.name)


def text_alternative(title: str, built: Any, name: str) -> None:
    """The chart's figures as words: a summary, and the table of exactly what it draws."""
    figures_as_text(title, drawn_table(built), f"t_{name}")


def grid(d: figures.Dashboard, dept: str, names: Sequence[str]) -> None:
    """The charts ``names`` (of :func:`specs`), two to a row, built when drawn."""
    by_name = {spec.name: spec for spec in specs(d, dept)}
    for i in range(0, len(names), 2):
        for column, name in zip(st.columns(2, gap="large"), names[i : i + 2], strict=False):
            spec = by_name[name]
            with column:
                chart(d, spec, charts.chart_of(d, name))
                if spec.note:
                    st.caption(spec.note)


def specs(d: figures.Dashboard, dept: str) -> tuple[Chart, ...]:
    """Every chart but retention: how each is titled and explained."""
    k = d.k
    no_total = d.enrolment and not any(p.series == "enrolled" for p in d.enrolment) and not dept
    return (
        Chart(t("Match rate by department, against the 70% target"), "match_rate"),
        Chart(
            t("Pair health"),
            "health",
            t("No active pair or circle yet."),
            "health",
            d.health.buckets,
        ),
        Chart(
            t("Enrolment over time"),
            "enrolment",
            None,
            "enrolment",
            d.enrolment,
            note=t(
                "The running total is not drawn: a week with fewer than {k} newcomers or "
                "leavers would show in its jumps.",
                k=k,
            )
            if no_total
            else None,
        ),
        Chart(
            t("Meetings per week: held, cancelled, moved, missed"),
            "meetings",
            t("No meeting planned in this period."),
            "meetings",
            d.meetings,
        ),
        Chart(
            t("Meetings held per participant"),
            "engagement",
            points=d.engagement.distribution,
        ),
        Chart(
            t("Goals set and achieved"),
            "goals",
            t("No goal set in this period."),
            "goals_weekly",
            d.goals.weekly,
        ),
        Chart(
            t("Journal and feedback activity (counts only)"),
            "activity",
            t("No reflection or feedback in this period."),
            "activity",
            d.activity,
        ),
        Chart(
            t("Net Promoter Score over time"),
            "nps",
            t("No survey answer in this period."),
            points=d.surveys.nps_by_survey,
        ),
        Chart(
            t("Survey answers"),
            "survey_questions",
            t("No survey answer in this period."),
            key="c_survey",
        ),
        Chart(
            t("Mentor-skills self-assessment: at enrolment and at the end"),
            "skills",
            t("No end-of-programme self-assessment yet, or fewer than {k} people with both.", k=k),
        ),
    )


def retention(d: figures.Dashboard) -> None:
    """Retention against eligible colleagues, when each horizon becomes measurable."""
    st.header(t("Retention: still employed after 6 and 12 months"))
    st.caption(
        t(
            "Of the people eligible for the programme on its first day: participants against "
            "eligible colleagues who did not take part (leave dates from the people import)."
        )
    )
    built = charts.chart_of(d, "retention")
    if built is not None:
        title = t("Retention: still employed after 6 and 12 months")
        draw_chart(
            with_top(built, description=title),
            width="stretch",
            height=pixel_height(built),
            key="c_retention",
        )
        text_alternative(title, built, "retention")
    pending = sorted({(r.months, r.horizon) for r in d.retention.rows if r.pending})
    for months, horizon in pending:
        st.caption(
            t(
                "After {months} months: measurable from {date}.",
                months=months,
                date=format_date(horizon),
            )
        )
    st.info(d.retention.caveat, icon=":material/info:")
