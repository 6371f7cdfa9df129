"""The dashboard's sections, drawn one at a time like tabs: only the open section's charts
are built and drawn (a company's dashboard drew eleven charts on every view). The headline
numbers stay above every section."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.insights import figures
from core.kernel.i18n import N_, t
from ui.dashboard import charts as chart_grid
from ui.dashboard import lists, numbers
from ui.dashboard.filters import Picked

SECTIONS: dict[str, str] = {
    "overview": N_("Overview"),
    "participation": N_("Participation"),
    "growth": N_("Goals and growth"),
    "surveys": N_("Surveys"),
    "retention": N_("Retention"),
    "exports": N_("Exports"),
}
# The charts of each section, by their name in core.insights.charts.BUILDERS.
CHARTS: dict[str, tuple[str, ...]] = {
    "overview": ("match_rate", "health"),
    "participation": ("enrolment", "meetings", "engagement"),
    "growth": ("goals", "activity", "skills"),
    "surveys": ("nps", "survey_questions"),
}


def pick() -> str:
    """The section row; the open section (Overview until another is picked)."""
    labels = {code: t(label) for code, label in SECTIONS.items()}  # worded now, once
    section: str = st.segmented_control(
        t("Section of the dashboard"),
        list(SECTIONS),
        format_func=labels.__getitem__,
        default="overview",
        required=True,
        key="dash_section",
        label_visibility="collapsed",
    )
    return section


def draw(
    section: str,
    d: figures.Dashboard,
    f: Picked,
    db: str,
    version: str,
    lang: str,
    zone: Callable[[], str],
) -> None:
    """What ``section`` shows (``zone()``: the reader's time zone, which dates the report,
    read only when the report is made)."""
    if section == "overview":
        numbers.kpis(d, one_programme=bool(f.pid))
    if section in CHARTS:
        chart_grid.grid(d, f.dept, CHARTS[section])
    if section == "overview":
        lists.checkins(d)
    elif section == "growth":
        lists.needs_link()
    elif section == "retention":
        chart_grid.retention(d)
    elif section == "exports":
        lists.numbers(lists.downloads(d, f, db, version, lang, zone))
