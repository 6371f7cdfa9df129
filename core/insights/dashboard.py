"""The coordinator dashboard: its filters, and every number of it, read from protected tables.

DESIGN.md point 12, "Definitions" and "Who sees what". Rules kept here:

- The figures come from one protected table per part of a programme (enrolment,
  goals and activity, meetings and pair health, skills, retention, surveys: see
  :mod:`core.insights.scope`), holding every week (for all departments
  together), every period and every department that can be filtered on (its
  period totals and snapshot figures), protected together by
  :mod:`core.kernel.privacy`. A view (:mod:`core.insights.view`, one choice of filters) only reads cells
  (:mod:`core.insights.sections`, :mod:`core.insights.kpis`): the
  chart, the headline, the KPIs, the exports, the printed report and Home show the
  same decision for the same group, whatever the filter it is reached from.
- Nothing here selects a private text column (journal, feedback, goal titles,
  meeting notes, survey free text): results are numbers, dates and labels.
  ``tests/integration/test_metrics_privacy.py`` holds that rule.
- A hidden figure comes back with ``value=None, suppressed=True`` and a reason:
  ``small`` (fewer than k people), ``difference`` (it would reveal a small group
  by subtraction from other figures) or ``not_offered`` (this filter does not
  offer that part). Zero is shown (it describes nobody).
- Filters: a programme (None = every running programme: each figure is then the
  sum of the programmes' figures, shown only when each of them is, so it says
  nothing their own views do not), a department (only those of
  the ``offered`` of :func:`options`; pairs and weekly charts are for all departments
  together), a period (whole weeks from a Monday to this week; survey figures
  cover the whole rounds that opened in it). Snapshot figures (match rate, pair
  health, engagement, KPIs, retention) are as of today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import distinct, select
from sqlalchemy.orm import Session, sessionmaker

from core.insights import sections
from core.insights.figures import (
    PAIR_SECTIONS,
    WEEKLY_SECTIONS,
    Dashboard,
    DepartmentChoices,
    Engagement,
    Figure,
    Filters,
    Goals,
    Headline,
    MatchRate,
    Options,
    ProgrammeOption,
    Surveys,
    figure_of,
)
from core.insights.headcounts import headcounts
from core.insights.kpis import programme_kpis
from core.insights.scope import ALL, department_sizes, preset_windows
from core.insights.survey_results import dashboard_surveys
from core.insights.table_cache import READS, TableCache
from core.insights.view import Family, View
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.i18n import N_
from core.kernel.privacy import NOT_OFFERED, offered_groups
from core.kernel.settings import k_threshold
from core.kernel.tx import reading
from db.models import Person, Programme, ProgrammeStatus

T = TypeVar("T")


def _headline(v: View, mr: MatchRate, eng: Engagement, g: Goals, sv: Surveys) -> Headline:
    o = mr.overall
    if not v.offered:
        hidden = Figure(None, suppressed=True, reason=NOT_OFFERED)
        return Headline(
            hidden,
            hidden,
            hidden,
            sections.active_matches(v),
            sections.meetings_held(v),
            hidden,
            hidden,
            hidden,
            hidden,
        )
    enrolled = figure_of(v.where, v.enrolled_cell)
    matched = figure_of(v.where, v.matched_cell)
    engaged = next(p for p in eng.distribution if p.x == "3+")
    return Headline(
        enrolled=enrolled,
        matched=matched,
        match_rate=Figure(o.value, suppressed=o.suppressed, reason=o.reason),
        active_matches=mr.active_matches,
        meetings_held=sections.meetings_held(v),
        engaged=Figure(engaged.value, suppressed=engaged.suppressed, reason=engaged.reason),
        goals_achieved=g.achieved,
        reflections=sections.reflections(v),
        nps=sv.nps,
    )


def assemble(v: View) -> Dashboard:
    mr = sections.match_rate(v)
    eng = sections.engagement(v)
    g = sections.goals(v)
    sv = dashboard_surveys(v)
    not_offered: tuple[str, ...] = () if v.row == ALL else PAIR_SECTIONS + WEEKLY_SECTIONS
    if not v.offered:
        not_offered = ("all", *PAIR_SECTIONS, *WEEKLY_SECTIONS)
    return Dashboard(
        filters=v.f,
        k=v.k,
        headline=_headline(v, mr, eng, g, sv),
        enrolment=sections.enrolment(v),
        match_rate=mr,
        meetings=sections.meetings(v),
        health=sections.health(v),
        engagement=eng,
        goals=g,
        activity=sections.activity(v),
        surveys=sv,
        skills=sections.skills(v),
        kpis=programme_kpis(v),
        retention=sections.retention(v),
        checkins=sections.checkins(v),
        not_offered=not_offered,
        period=v.window,
    )


PERIODS: dict[str, str] = {
    "programme": N_("Whole programme"),
    "4w": N_("Last 4 weeks"),
    "3m": N_("Last 3 months"),
    "12m": N_("Last 12 months"),
    "all": N_("All time"),
}


def period_bounds(
    code: str, programme: ProgrammeOption | None, today: dt.date
) -> tuple[dt.date | None, dt.date]:
    """First and last day of a period preset: whole weeks, from a Monday to today.

    Every period starts on a Monday so that its total is a sum of whole weeks, the
    same weeks in every period: no two periods differ by part of a week.
    """
    windows = preset_windows(
        today,
        programme.enrolment_opens if programme else None,
        programme.start_date if programme else None,
    )
    first, _ = windows.get(code, windows["12m"])
    return first, today


def _view(
    sf: sessionmaker[Session],
    viewer: Viewer,
    f: Filters,
    fn: Callable[[View], T],
    tables: TableCache | None = None,
) -> T:
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        return fn(View(s, k_threshold(s), f, tables=tables))


def _part(
    name: str, fn: Callable[[View], T], doc: str
) -> Callable[[sessionmaker[Session], Viewer, Filters], T]:
    """A service reading one part of the dashboard, for one choice of filters."""

    def read(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> T:
        return _view(sf, viewer, f, fn)

    read.__name__ = read.__qualname__ = name
    read.__doc__ = doc
    return read


def options(sf: sessionmaker[Session], viewer: Viewer, tables: TableCache | None = None) -> Options:
    """The choices of the dashboard's filters, in one read: programmes, departments
    (every one people belong to) and those each programme offers as a filter; ``tables``:
    the parts this server keeps (each programme's enrolled people per department)."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        rows = s.execute(
            select(
                Programme.id,
                Programme.name,
                Programme.status,
                Programme.start_date,
                Programme.enrolment_opens,
                Programme.created_by_id,
            ).order_by(Programme.start_date.desc().nulls_last(), Programme.id.desc())
        ).all()
        departments = s.scalars(
            select(distinct(Person.department))
            .where(Person.department.is_not(None))
            .order_by(Person.department)
        ).all()
        programmes = tuple(ProgrammeOption(*row) for row in rows)
        k = k_threshold(s)
        sizes = {p.id: department_sizes(s, p.id, tables) for p in programmes}
        offered: dict[int | None, DepartmentChoices] = {
            p.id: _department_choices([sizes[p.id]], k) for p in programmes
        }
        running = [sizes[p.id] for p in programmes if p.status == ProgrammeStatus.RUNNING]
        offered[None] = _department_choices(running, k)
        return Options(programmes, tuple(d for d in departments if d is not None), offered)


def _department_choices(programmes: list[dict[str | None, int]], k: int) -> DepartmentChoices:
    """Departments the dashboard may be filtered on, given the enrolled people per
    department of each programme: a department must be offered by each of them."""
    offered: set[str] | None = None
    everyone: set[str] = set()
    for sizes in programmes:
        if not sum(sizes.values()):
            continue
        mine, withheld = offered_groups(sizes, k)
        everyone |= {*mine, *withheld}
        offered = set(mine) if offered is None else offered & set(mine)
    kept = tuple(sorted(offered or ()))
    return DepartmentChoices(kept, tuple(sorted(everyone - set(kept))))


# One part of the dashboard each: the reads ``make bench`` times part by part.
enrolment_by_week = _part(
    "enrolment_by_week",
    sections.enrolment,
    "New enrolments per week and the enrolled total at the end of each week.",
)
match_rate = _part(
    "match_rate",
    sections.match_rate,
    "Participants in an active match ÷ participants enrolled, overall and by department.",
)
meetings_by_week = _part(
    "meetings_by_week",
    sections.meetings,
    "Meetings planned per week, by what became of them (held, cancelled, moved, missed).",
)
pair_health = _part(
    "pair_health",
    sections.health,
    "Active matches per health bucket (too early / needs a check-in / on track).",
)
pairs_needing_checkin = _part(
    "pairs_needing_checkin",
    sections.checkins,
    "Who to reach out to: names and dates only (an operational list, not an aggregate).",
)
engagement = _part(
    "engagement",
    sections.engagement,
    "Enrolled participants by meetings held; engaged = 3 or more.",
)
goals = _part("goals", sections.goals, "Goals set and achieved (counts only, never a title).")
activity_by_week = _part(
    "activity_by_week",
    sections.activity,
    "Reflections written, feedback given and requested per week (counts only).",
)
survey_results = _part(
    "survey_results",
    dashboard_surveys,
    "Survey means and NPS over the survey rounds opened in the period (whole rounds).",
)
skills_growth = _part(
    "skills_growth",
    sections.skills,
    "Mean mentor-skills self-assessment at enrolment and at the end, per skill.",
)
kpis = _part(
    "kpis",
    programme_kpis,
    "Each programme's KPIs (set when it was created) against the measured value.",
)
retention = _part(
    "retention",
    sections.retention,
    "Share of eligible people still employed 6 and 12 months after the start.",
)


def warm(sf: sessionmaker[Session], tables: TableCache) -> int:
    """Build every part of every running programme into ``tables``, as a server does when
    it starts, and Home's counts of every programme: the first coordinator then finds them
    kept, and the departments each programme offers as a filter. Nothing is read out (no viewer,
    no figure leaves); the parts are the ones any preset period asks for (a preset is in
    every scope). One part a transaction, each only reading (no save waits for it).
    The number of parts built."""
    built = tables.misses
    with reading(sf) as s:
        k = k_threshold(s)
        running = s.scalars(
            select(Programme.id)
            .where(Programme.status == ProgrammeStatus.RUNNING)
            .order_by(Programme.id)
        ).all()
    for programme_id in running:
        for part in READS:
            with reading(sf) as s:
                programme = s.get(Programme, programme_id)
                if programme is None or programme.status != ProgrammeStatus.RUNNING:
                    break  # deleted or closed meanwhile
                getattr(Family(s, programme, k, None, tables), part)
    with reading(sf) as s:  # Home's cards and the dashboard's filters, of every programme
        every = s.scalars(select(Programme.id)).all()
        headcounts(s, every, tables)
        for programme_id in every:
            department_sizes(s, programme_id, tables)
    return tables.misses - built


def dashboard(
    sf: sessionmaker[Session], viewer: Viewer, f: Filters, tables: TableCache | None = None
) -> Dashboard:
    """Everything the dashboard shows, for one choice of filters; ``tables``: the parts
    this server keeps between views (core.insights.table_cache), if any."""
    return _view(sf, viewer, f, assemble, tables)


__all__ = [
    "PERIODS",
    "activity_by_week",
    "assemble",
    "dashboard",
    "engagement",
    "enrolment_by_week",
    "goals",
    "kpis",
    "match_rate",
    "meetings_by_week",
    "options",
    "pair_health",
    "pairs_needing_checkin",
    "period_bounds",
    "retention",
    "skills_growth",
    "survey_results",
    "warm",
]
