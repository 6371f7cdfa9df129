"""The dashboard's filters (programme, department, period) and the notes that explain them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from core.insights import dashboard, figures
from core.insights.figures import DepartmentChoices, Filters, Options, ProgrammeOption
from core.insights.shared_parts import servers_shelf
from core.insights.table_cache import TableCache
from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.i18n import format_date, t
from core.kernel.store import Store

ALL = 0  # "every running programme" in the programme filter


@dataclass(frozen=True)
class Picked:
    """What the coordinator chose, and the labels the rest of the page shows for it."""

    pid: int
    dept: str
    period: str
    programme: ProgrammeOption | None
    start: dt.date | None
    end: dt.date
    title: str
    dept_label: str
    offered: DepartmentChoices


@st.cache_data(ttl=600, max_entries=200, show_spinner=False)
def load(
    db: str,
    version: str,
    lang: str,
    pid: int | None,
    dept: str | None,
    start: dt.date | None,
    end: dt.date,
    _store: Store,
    _viewer: Viewer,
) -> figures.Dashboard:
    # Part of the key: the database, its data version (every committed write, through any
    # server, changes it: a figure is never older than the data), the reader's language.
    # The parts whose tables no write touched since are taken from this server's tables.
    return dashboard.dashboard(
        _store.sf, _viewer, Filters(pid, dept, start, end), kept_parts(_store)
    )


@st.cache_resource(show_spinner=False)
def tables(db: str) -> TableCache:
    """The dashboard parts this server keeps (core.insights.table_cache), per database, and
    shares with the other servers through it (core.insights.shared_parts)."""
    return TableCache(shared=servers_shelf())


def kept_parts(store: Store) -> TableCache:
    """The parts this server keeps for ``store``'s database (the dashboard, the survey
    results, the warm-up at start: one key, so they share them)."""
    return tables(str(store.engine.url))


def pick(viewer: Viewer, options: Options) -> Picked:
    """Draw the filters' row; what they say."""
    programmes = options.programmes
    by_id = {p.id: p for p in programmes}
    running = [p for p in programmes if p.status == "running"]
    mine = [p for p in running if p.created_by_id == viewer.person_id]
    default = (mine or running or programmes)[0].id
    labels = {p.id: p.name for p in programmes} | {ALL: t("Every running programme")}
    order = [p.id for p in programmes] + [ALL]
    c1, c2, c3 = st.columns([3, 2, 2])
    pid = c1.selectbox(
        t("Programme"),
        order,
        index=order.index(default),
        format_func=labels.__getitem__,
        key="dash_programme",
    )
    offered = options.offered[pid or None]
    dept_labels = {"": t("All departments")} | {d: d for d in offered.offered}
    dept = c2.selectbox(
        t("Department"),
        list(dept_labels),
        format_func=dept_labels.__getitem__,
        key="dash_department",
    )
    period_labels = {code: t(label) for code, label in dashboard.PERIODS.items()}
    if pid == ALL:
        period_labels.pop("programme")
    period = c3.selectbox(
        t("Period"), list(period_labels), format_func=period_labels.__getitem__, key="dash_period"
    )
    programme = by_id.get(pid)
    start, end = dashboard.period_bounds(period, programme, clock.today())
    return Picked(pid, dept, period, programme, start, end, labels[pid], dept_labels[dept], offered)


def notes(d: figures.Dashboard, f: Picked) -> None:
    """What the figures cover, what is hidden and why, and an empty programme's hint."""
    k = d.k
    st.caption(
        t(
            "Charts over time follow the period, in whole weeks from Monday ({start} – {end}); "
            "match rate, pair health, engagement, KPIs and retention are as of today. A figure "
            "over fewer than {k} people is hidden, and so is any figure that would give such a "
            "group back by subtraction from the others (a total, another filter or period). "
            "Every saved change shows at once.",
            start=format_date(f.start) if f.start else t("the beginning"),
            end=format_date(f.end),
            k=k,
        )
    )
    if f.offered.withheld:
        st.caption(
            t(
                "Departments not offered as a filter: {names}. Each has fewer than {k} "
                "participants, or the other departments together would be fewer than {k}; "
                "their people are counted with the other departments.",
                names=", ".join(f.offered.withheld),
                k=k,
            )
        )
    overall = d.match_rate.overall
    if f.programme is not None and overall.denominator == 0 and not overall.suppressed:
        st.info(
            t(
                "Nobody is enrolled in this programme yet: the charts fill in as people enrol, "
                "meet and answer surveys."
            )
        )
