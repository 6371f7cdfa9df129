"""Every number of the coordinator dashboard, read from protected tables.

DESIGN.md point 12, "Definitions" and "Who sees what". Rules kept here:

- The figures come from :mod:`core.insights.measures`: one protected table per part of a
  programme (enrolment, goals, activity, meetings, pair health, skills, retention;
  surveys in :mod:`core.surveys.surveys`), holding every week (for all departments
  together), every period and every department that can be filtered on (its
  period totals and snapshot figures), protected together by
  :mod:`core.kernel.privacy`. A view (one choice of filters) only reads cells: the
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
  :func:`department_choices`; pairs and weekly charts are for all departments
  together), a period (whole weeks from a Monday to this week; survey figures
  cover the whole rounds that opened in it). Snapshot figures (match rate, pair
  health, engagement, KPIs, retention) are as of today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import TypeVar

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, sessionmaker

from core.insights import measures as m
from core.insights import survey_table as surveys_table
from core.insights.measures import (
    ALL,
    ENGAGEMENT_BUCKETS,
    HEALTH_BUCKETS,
    HELD,
    MEETING_SERIES,
    MISSED_TWICE,
    NEEDS_CHECKIN,
    NO_FIRST_MEETING,
    ON_TRACK,
    OTHERS,
    OVERDUE,
    PLANNED,
    TOO_EARLY,
    Window,
    add_months,
    health_of,
)
from core.kernel import clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import NotFound
from core.kernel.i18n import N_, t
from core.kernel.privacy import NOT_OFFERED, Cell, combine, emit
from core.kernel.settings import k_threshold
from core.surveys import self_assessment
from db.models import MatchMember, Meeting, Person, Programme, ProgrammeKPI

MATCH_RATE_TARGET = 0.70  # DESIGN.md, figures from the field
ENGAGED_MEETINGS = m.ENGAGED_MEETINGS
MISSED_STATUSES = m.MISSED_STATUSES
SURVEY_SCALES = ("satisfaction", "peer_help", "progress")  # 1–5 questions
NPS = "nps"

LABELS: dict[str, str] = {
    # series and buckets, translated at display with t(LABELS[code])
    "new": N_("New enrolments"),
    "enrolled": N_("Enrolled (total)"),
    HELD: N_("Held"),
    "cancelled": N_("Cancelled"),
    "moved": N_("Moved"),
    "missed": N_("Missed (no-show)"),
    PLANNED: N_("Planned, not marked yet"),
    TOO_EARLY: N_("Too early to tell"),
    NEEDS_CHECKIN: N_("Needs a check-in"),
    ON_TRACK: N_("On track"),
    NO_FIRST_MEETING: N_("No first meeting 14 days after the match"),
    OVERDUE: N_("Meeting overdue"),
    MISSED_TWICE: N_("Two meetings in a row cancelled, moved or missed"),
    "goals_set": N_("Goals set"),
    "goals_achieved": N_("Goals achieved"),
    "reflections": N_("Reflections written"),
    "feedback_given": N_("Feedback given"),
    "feedback_requested": N_("Feedback requested"),
    "satisfaction": N_("Satisfaction (1–5)"),
    "peer_help": N_("My peer gives me the help I need (1–5)"),
    "progress": N_("I am making progress on my goals (1–5)"),
    NPS: N_("Net Promoter Score"),
    "baseline": N_("At enrolment"),
    "end": N_("At the end"),
    "participants": N_("Participants"),
    "others": N_("Eligible non-participants"),
    "0": N_("No meeting held"),
    "1": N_("1 meeting held"),
    "2": N_("2 meetings held"),
    "3+": N_("3 or more (engaged)"),
    OTHERS: N_("Other departments"),
}

# Parts of a department's view that are not offered: pairs and circles can span
# departments, so their figures are not split by department (core.insights.measures).
PAIR_SECTIONS = ("meetings", "health", "active_matches", "meetings_held")
# Week by week, one department is too fine to protect: a department's view has the
# period's totals, not the weekly charts (core.insights.measures.weekly_series).
WEEKLY_SECTIONS = ("enrolment", "goals_weekly", "activity")
PAIRS_ONLY = "pairs"  # the reason of such a figure in a department's view

T = TypeVar("T")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Filters:
    """What the coordinator picked. Dates are inclusive; None means no bound. A period
    counts whole weeks: it starts on the Monday of ``start``'s week."""

    programme_id: int | None = None
    department: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Figure:
    """One headline number; ``value`` is None when hidden or not defined."""

    value: float | None
    suppressed: bool = False
    reason: str = ""  # core.kernel.privacy: small | difference | not_offered


@dataclass(frozen=True)
class Point:
    """One mark of a chart: x (a week, a date or a code), a series code, a value."""

    x: dt.date | str
    series: str
    value: float | None
    suppressed: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Rate:
    """numerator ÷ denominator, over ``label`` (a department, or "" for everyone)."""

    label: str
    numerator: int | None
    denominator: int | None
    value: float | None
    suppressed: bool = False
    reason: str = ""


@dataclass(frozen=True)
class MatchRate:
    overall: Rate
    by_department: tuple[Rate, ...]  # departments that can be filtered on, then the others
    active_matches: Figure
    target: float = MATCH_RATE_TARGET


@dataclass(frozen=True)
class Health:
    buckets: tuple[Point, ...]  # x = bucket code, value = number of active matches
    active_matches: Figure


@dataclass(frozen=True)
class CheckIn:
    """A pair or circle needing a check-in: names and dates only, never content."""

    match_id: int
    programme: str
    members: tuple[str, ...]
    started: dt.date
    last_meeting: dt.date | None
    next_meeting: dt.date | None
    reason: str


@dataclass(frozen=True)
class Engagement:
    distribution: tuple[Point, ...]  # x = "0", "1", "2", "3+" held meetings; value = people
    engaged: Rate  # engaged participants ÷ enrolled participants


@dataclass(frozen=True)
class Goals:
    weekly: tuple[Point, ...]  # series goals_set / goals_achieved
    set: Figure
    achieved: Figure
    completion: Rate  # goals set in the period that are achieved now


@dataclass(frozen=True)
class Surveys:
    questions: tuple[Point, ...]  # x = question code (satisfaction…), series "mean", 1–5
    nps_by_survey: tuple[Point, ...]  # x = the day a survey round opened, series "nps"
    nps: Figure  # over every answer of the rounds opened in the period
    answers: Figure  # number of answers to the NPS question


@dataclass(frozen=True)
class Kpi:
    programme_id: int
    programme: str
    metric: str
    label: str
    unit: str  # share | score | nps | count
    target: float
    actual: float | None
    met: bool | None
    suppressed: bool = False
    reason: str = ""


@dataclass(frozen=True)
class RetentionRow:
    programme_id: int
    programme: str
    months: int
    group: str  # participants | others
    horizon: dt.date
    people: int | None
    still_employed: float | None
    suppressed: bool = False
    pending: bool = False  # the horizon is still in the future
    reason: str = ""


@dataclass(frozen=True)
class Retention:
    rows: tuple[RetentionRow, ...]
    caveat: str


@dataclass(frozen=True)
class Headline:
    enrolled: Figure
    matched: Figure
    match_rate: Figure
    active_matches: Figure
    meetings_held: Figure
    engaged: Figure
    goals_achieved: Figure
    reflections: Figure
    nps: Figure


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    k: int
    headline: Headline
    enrolment: tuple[Point, ...]
    match_rate: MatchRate
    meetings: tuple[Point, ...]
    health: Health
    engagement: Engagement
    goals: Goals
    activity: tuple[Point, ...]
    surveys: Surveys
    skills: tuple[Point, ...]
    kpis: tuple[Kpi, ...]
    retention: Retention
    checkins: tuple[CheckIn, ...]
    not_offered: tuple[str, ...] = ()  # parts this view does not offer (PAIR_SECTIONS, "all")
    period: tuple[dt.date | None, dt.date] | None = None  # the weeks counted (Mondays)


@dataclass(frozen=True)
class ProgrammeOption:
    id: int
    name: str
    status: str
    start_date: dt.date | None
    enrolment_opens: dt.date | None
    created_by_id: int | None


@dataclass(frozen=True)
class DepartmentChoices:
    """Departments a view may be filtered on, and those withheld (with why: fewer
    than k participants, or too few left for the rest)."""

    offered: tuple[str, ...]
    withheld: tuple[str, ...]


# --------------------------------------------------------------------------- cells to results


def _figure(where: str, cell: Cell | None) -> Figure:
    if cell is None:
        return Figure(0)
    emit(where, cell)
    return Figure(None, True, cell.hidden) if cell.hidden else Figure(cell.n)


def _point(where: str, x: dt.date | str, series: str, cell: Cell | None) -> Point:
    if cell is None:
        return Point(x, series, 0)
    emit(where, cell)
    return Point(x, series, None, True, cell.hidden) if cell.hidden else Point(x, series, cell.n)


def _rate(where: str, label: str, num: Cell | None, den: Cell | None) -> Rate:
    """A share, shown when its numerator and its denominator are (the rest, den − num,
    is protected in the table)."""
    if den is None or den.empty:
        return Rate(label, 0, 0, None)
    emit(where, den)
    if num is not None:
        emit(where, num)
    reason = den.hidden or (num.hidden if num is not None else "")
    if reason:
        return Rate(label, None, None, None, True, reason)
    n = num.n if num is not None else 0
    return Rate(label, n, den.n, n / den.n)


def _pairs_only() -> Figure:
    return Figure(None, True, PAIRS_ONLY)


def _mean(cell: Cell, i: int = 0) -> float | None:
    return cell.bag.totals[i] / cell.n if cell.n and len(cell.bag.totals) > i else None


# --------------------------------------------------------------------------- one programme


class _Family:
    """The protected tables of one programme, built when first read."""

    def __init__(self, s: Session, programme: Programme, k: int, asked: Window) -> None:
        self.s, self.programme = s, programme
        self.scope = m.scope_of(s, programme, k, asked)

    @cached_property
    def enrol(self) -> m.EnrolTable:
        return m.enrol_table(self.s, self.scope)

    @cached_property
    def goals(self) -> m.GoalsTable:
        return m.goals_table(self.s, self.scope)

    @cached_property
    def activity(self) -> m.ActivityTable:
        return m.activity_table(self.s, self.scope)

    @cached_property
    def meetings(self) -> m.MeetingsTable:
        return m.meetings_table(self.s, self.scope)

    @cached_property
    def skills(self) -> m.SkillsTable:
        return m.skills_table(self.s, self.scope)

    @cached_property
    def retention(self) -> m.RetentionTable | None:
        return m.retention_table(self.s, self.scope, self.programme)

    @cached_property
    def surveys(self) -> surveys_table.SurveyTable:
        return surveys_table.survey_table(self.s, self.scope)

    @cached_property
    def everything(self) -> Window:
        return next(w for w in self.scope.windows if w[0] is None)


def _compose(parts: Sequence[Cell | None], key: tuple[str, ...], k: int) -> Cell | None:
    """Every running programme: the sum of the programmes' cells, shown only when each
    is (so it says nothing their own views do not)."""
    found = [c for c in parts if c is not None]
    if not found:
        return None
    if len(found) == 1 and len(parts) == 1:
        return found[0]
    cell = Cell(key, combine([c.bag for c in found], k))
    cell.hidden = next((c.hidden for c in found if c.hidden and not c.empty), "")
    # A sum with an operational figure in it (pairs needing a check-in) is as public.
    cell.public = not cell.hidden and any(c.public and not c.empty for c in found)
    return cell


def _activity_series(fam: _Family, name: str) -> m.Series:
    return fam.activity.series[name]


class _View:
    """One choice of filters over one programme or every running programme."""

    def __init__(
        self, s: Session, k: int, f: Filters, cache: dict[int, _Family] | None = None
    ) -> None:
        """``cache``: families already built in this transaction (the periods of the
        dashboard are in every family, so one family serves every filter)."""
        self.s, self.k, self.f = s, k, f
        today = clock.today()
        self.today = today
        self.window: Window = m.window_of(f.start, f.end, today)
        if f.programme_id is None:
            programmes = s.scalars(
                select(Programme).where(Programme.status == "running").order_by(Programme.id)
            ).all()
        else:
            programme = s.get(Programme, f.programme_id)
            if programme is None:
                raise NotFound(t("This programme does not exist (any more)."))
            programmes = [programme]
        cache = {} if cache is None else cache
        for p in programmes:
            if p.id not in cache or self.window not in cache[p.id].scope.windows:
                cache[p.id] = _Family(s, p, k, self.window)
        self.families = [cache[p.id] for p in programmes]
        self.row = ALL if f.department is None else f.department
        self.offered = f.department is None or all(
            f.department in fam.scope.offered or fam.scope.enrolled == 0 for fam in self.families
        )
        self.where = f"dashboard:{f.programme_id}:{f.department}:{self.window}"

    # ---------------------------------------------------------------- reading cells

    @cached_property
    def fams(self) -> list[_Family]:
        """The programmes a figure sums over (a department: where anybody is enrolled)."""
        if self.row == ALL:
            return self.families
        return [fam for fam in self.families if fam.scope.enrolled]

    def comp(self, parts: list[Cell | None], *key: str) -> Cell | None:
        return _compose(parts, (self.where, *key), self.k)

    def weeks(self, found: Sequence[dt.date]) -> list[dt.date]:
        """Every Monday of the period (from the first week with data when unbounded)."""
        first, last = self.window
        start = first or (min(found) if found else None)
        if start is None or start > last:
            return []
        out, week = [], start
        while week <= last:
            out.append(week)
            week += m.WEEK
        return out

    def series_points(
        self, series: Sequence[tuple[str, Callable[[_Family], m.Series]]]
    ) -> tuple[Point, ...]:
        if self.row != ALL:
            return ()  # weekly, for all departments together only
        found = sorted(
            {
                w
                for _, get in series
                for fam in self.families
                for w in get(fam).weekly.get(self.row, {})
            }
        )
        points = []
        for week in self.weeks(found):
            for name, get in series:
                cell = self.comp(
                    [get(fam).week(self.row, week) for fam in self.fams],
                    name,
                    str(week),
                )
                points.append(_point(self.where, week, name, cell))
        return tuple(points)

    def total(self, get: Callable[[_Family], m.Series], name: str) -> Cell | None:
        return self.comp(
            [get(fam).totals.get(self.row, {}).get(self.window) for fam in self.fams], name, "total"
        )

    # ---------------------------------------------------------------- sections

    def enrolment(self) -> tuple[Point, ...]:
        if not self.offered:
            return ()
        points = list(self.series_points([("new", lambda fam: fam.enrol.new)]))
        if self.row != ALL or not all(fam.enrol.cumulative for fam in self.fams):
            # No cumulative line for a department, nor when a week has a small group of
            # newcomers or leavers (core.insights.measures.enrol_table): it would show the jump.
            return tuple(points)
        out = []
        for p in points:
            out.append(p)
            week = p.x
            assert isinstance(week, dt.date)
            cell = self.comp(
                [fam.enrol.cumulative.get(week) for fam in self.fams], "enrolled", str(week)
            )
            out.append(
                _point(self.where, week, "enrolled", cell) if cell else Point(week, "enrolled", 0)
            )
        return tuple(out)

    @cached_property
    def enrolled_cell(self) -> Cell | None:
        return self.comp([fam.enrol.enrolled.get(self.row) for fam in self.fams], "enrolled_now")

    @cached_property
    def matched_cell(self) -> Cell | None:
        return self.comp([fam.enrol.matched.get(self.row) for fam in self.fams], "matched")

    def match_rate(self) -> MatchRate:
        active = self.active_matches()
        if not self.offered:
            hidden = Rate("", None, None, None, True, NOT_OFFERED)
            return MatchRate(hidden, (), active)
        overall = _rate(self.where, "", self.matched_cell, self.enrolled_cell)
        rows: list[Rate] = []
        if self.row == ALL:
            labels = sorted({d for fam in self.families for d in fam.scope.offered})
            for dept in (*labels, OTHERS):
                num = self.comp([fam.enrol.matched.get(dept) for fam in self.fams], "matched", dept)
                den = self.comp(
                    [fam.enrol.enrolled.get(dept) for fam in self.fams], "enrolled_now", dept
                )
                if den is not None and not den.empty:
                    rows.append(_rate(self.where, dept, num, den))
        return MatchRate(overall, tuple(rows), active)

    def active_matches(self) -> Figure:
        if self.row != ALL:
            return _pairs_only()
        return _figure(self.where, self.comp([fam.meetings.active for fam in self.fams], "active"))

    def meetings(self) -> tuple[Point, ...]:
        if self.row != ALL:
            return ()
        found = sorted(
            {w for fam in self.families for st in fam.meetings.weekly.values() for w in st}
        )
        points = []
        for week in self.weeks(found):
            for status in MEETING_SERIES:
                cell = self.comp(
                    [fam.meetings.weekly[status].get(week) for fam in self.fams],
                    "meetings",
                    status,
                    str(week),
                )
                points.append(_point(self.where, week, status, cell))
        return tuple(points)

    def meetings_held(self) -> Figure:
        if self.row != ALL:
            return _pairs_only()
        return _figure(
            self.where, self.comp([fam.meetings.held.get(self.window) for fam in self.fams], "held")
        )

    def health(self) -> Health:
        if self.row != ALL:
            hidden = tuple(Point(b, "matches", None, True, PAIRS_ONLY) for b in HEALTH_BUCKETS)
            return Health(hidden, _pairs_only())
        buckets = tuple(
            _point(
                self.where,
                b,
                "matches",
                self.comp([fam.meetings.buckets[b] for fam in self.fams], "health", b),
            )
            for b in HEALTH_BUCKETS
        )
        return Health(buckets, self.active_matches())

    def checkins(self) -> tuple[CheckIn, ...]:
        states = [
            st
            for fam in self.families
            for st in fam.meetings.states
            if st.bucket == NEEDS_CHECKIN
            and (self.f.department is None or self.f.department in st.departments)
        ]
        return _checkins(self.s, states)

    def engagement(self) -> Engagement:
        if not self.offered:
            hidden = tuple(Point(b, "people", None, True, NOT_OFFERED) for b in ENGAGEMENT_BUCKETS)
            return Engagement(hidden, Rate("", None, None, None, True, NOT_OFFERED))
        cells = {
            b: self.comp(
                [fam.enrol.buckets.get(self.row, {}).get(b) for fam in self.fams],
                "engagement",
                b,
            )
            for b in ENGAGEMENT_BUCKETS
        }
        dist = tuple(_point(self.where, b, "people", cells[b]) for b in ENGAGEMENT_BUCKETS)
        return Engagement(dist, _rate(self.where, "", cells["3+"], self.enrolled_cell))

    def goals(self) -> Goals:
        if not self.offered:
            hidden = Figure(None, True, NOT_OFFERED)
            return Goals((), hidden, hidden, Rate("", None, None, None, True, NOT_OFFERED))
        weekly = self.series_points(
            [
                ("goals_set", lambda fam: fam.goals.set),
                ("goals_achieved", lambda fam: fam.goals.achieved),
            ]
        )
        set_ = self.total(lambda fam: fam.goals.set, "goals_set")
        achieved = self.total(lambda fam: fam.goals.achieved, "goals_achieved")
        done = self.total(lambda fam: fam.goals.done, "goals_done")
        return Goals(
            weekly,
            _figure(self.where, set_),
            _figure(self.where, achieved),
            _rate(self.where, "", done, set_),
        )

    def activity(self) -> tuple[Point, ...]:
        if not self.offered:
            return ()
        return self.series_points(
            [(name, partial(_activity_series, name=name)) for name in m.ACTIVITY_SERIES]
        )

    def reflections(self) -> Figure:
        if not self.offered:
            return Figure(None, True, NOT_OFFERED)
        return _figure(
            self.where, self.total(lambda fam: fam.activity.series["reflections"], "reflections")
        )

    def surveys(self) -> Surveys:
        if not self.offered:
            hidden = Figure(None, True, NOT_OFFERED)
            return Surveys((), (), hidden, hidden)
        questions = []
        for code in SURVEY_SCALES:
            cell = self.comp(
                [fam.surveys.windows.get((self.row, self.window, code)) for fam in self.fams],
                "survey",
                code,
            )
            if cell is None or cell.empty:
                continue
            emit(self.where, cell)
            questions.append(
                Point(code, "mean", None, True, cell.hidden)
                if cell.hidden
                else Point(code, "mean", round(_mean(cell) or 0, 2))
            )
        nps_cell = self.comp(
            [fam.surveys.windows.get((self.row, self.window, NPS)) for fam in self.fams],
            "survey",
            NPS,
        )
        by_survey = []
        for fam in self.fams:
            st = fam.surveys
            for r in st.rounds:
                if r.survey_id not in st.window_rounds.get(self.window, ()):
                    continue
                cell = st.answered.get((self.row, r.survey_id, NPS))
                if cell is None or cell.empty:
                    continue
                emit(self.where, cell)
                value = surveys_table.nps_of(cell)
                by_survey.append(
                    Point(r.opens_at.date(), NPS, None, True, cell.hidden)
                    if cell.hidden
                    else Point(r.opens_at.date(), NPS, round(value or 0, 1))
                )
        by_survey.sort(key=lambda p: p.x)
        if nps_cell is None or nps_cell.empty:
            return Surveys(tuple(questions), tuple(by_survey), Figure(None), Figure(0))
        emit(self.where, nps_cell)
        if nps_cell.hidden:
            hidden = Figure(None, True, nps_cell.hidden)
            return Surveys(tuple(questions), tuple(by_survey), hidden, hidden)
        value = surveys_table.nps_of(nps_cell)
        return Surveys(
            tuple(questions),
            tuple(by_survey),
            Figure(None if value is None else round(value, 1)),
            Figure(nps_cell.n),
        )

    def skills(self) -> tuple[Point, ...]:
        if not self.offered:
            return ()
        found = sorted({skill for fam in self.families for skill in fam.skills.cells.get(ALL, {})})
        points: list[Point] = []
        for skill in found:
            cell = self.comp(
                [fam.skills.cells.get(self.row, {}).get(skill) for fam in self.fams],
                "skill",
                skill,
            )
            if cell is None or cell.empty:
                continue
            emit(self.where, cell)
            if cell.hidden:
                points += [
                    Point(skill, "baseline", None, True, cell.hidden),
                    Point(skill, "end", None, True, cell.hidden),
                ]
            else:
                points += [
                    Point(skill, "baseline", round(_mean(cell, 0) or 0, 2)),
                    Point(skill, "end", round(_mean(cell, 1) or 0, 2)),
                ]
        return tuple(points)

    def retention(self) -> Retention:
        rows: list[RetentionRow] = []
        for fam in self.families:
            table = fam.retention
            if table is None:
                continue
            for months, horizon in table.horizons.items():
                pending = horizon > self.today
                for group in m.RETENTION_GROUPS:
                    if not self.offered:
                        rows.append(
                            RetentionRow(
                                fam.programme.id,
                                fam.programme.name,
                                months,
                                group,
                                horizon,
                                None,
                                None,
                                True,
                                pending,
                                NOT_OFFERED,
                            )
                        )
                        continue
                    people = table.people.get((self.row, group))
                    stayed = table.stayed.get((self.row, group, months))
                    if people is not None:
                        emit(self.where, people)
                    if stayed is not None:
                        emit(self.where, stayed)
                    hidden = people is not None and people.hidden
                    n = 0 if people is None else people.n
                    share: float | None = None
                    reason = people.hidden if people is not None else ""
                    if not pending and stayed is not None and n and not hidden:
                        reason = stayed.hidden
                        share = None if stayed.hidden else stayed.n / n
                    rows.append(
                        RetentionRow(
                            programme_id=fam.programme.id,
                            programme=fam.programme.name,
                            months=months,
                            group=group,
                            horizon=horizon,
                            people=None if hidden else n,
                            still_employed=share,
                            suppressed=bool(reason),
                            pending=pending,
                            reason=reason,
                        )
                    )
        return Retention(tuple(rows), retention_caveat())

    def kpis(self) -> tuple[Kpi, ...]:
        out = []
        by_id = {fam.programme.id: fam for fam in self.families}
        rows = self.s.execute(
            select(ProgrammeKPI, Programme.name)
            .join(Programme, Programme.id == ProgrammeKPI.programme_id)
            .where(ProgrammeKPI.programme_id.in_(list(by_id)))
            .order_by(Programme.start_date.desc().nulls_last(), Programme.name, ProgrammeKPI.id)
        ).all()
        for kpi, name in rows:
            actual, reason = _kpi_actual(
                by_id[kpi.programme_id], kpi.metric, f"kpi:{kpi.programme_id}"
            )
            target = normalise_target(kpi.metric, kpi.target)
            out.append(
                Kpi(
                    programme_id=kpi.programme_id,
                    programme=name,
                    metric=kpi.metric,
                    label=kpi.label or t(KPI_LABELS.get(kpi.metric, kpi.metric)),
                    unit=KPI_UNITS.get(kpi.metric, "count"),
                    target=target,
                    actual=actual,
                    met=None if actual is None else actual >= target,
                    suppressed=bool(reason),
                    reason=reason,
                )
            )
        return tuple(out)

    def headline(self, mr: MatchRate, eng: Engagement, g: Goals, sv: Surveys) -> Headline:
        o = mr.overall
        if not self.offered:
            hidden = Figure(None, True, NOT_OFFERED)
            return Headline(
                hidden,
                hidden,
                hidden,
                self.active_matches(),
                self.meetings_held(),
                hidden,
                hidden,
                hidden,
                hidden,
            )
        enrolled = _figure(self.where, self.enrolled_cell)
        matched = _figure(self.where, self.matched_cell)
        engaged = next(p for p in eng.distribution if p.x == "3+")
        return Headline(
            enrolled=enrolled,
            matched=matched,
            match_rate=Figure(o.value, o.suppressed, o.reason),
            active_matches=mr.active_matches,
            meetings_held=self.meetings_held(),
            engaged=Figure(engaged.value, engaged.suppressed, engaged.reason),
            goals_achieved=g.achieved,
            reflections=self.reflections(),
            nps=sv.nps,
        )

    def dashboard(self) -> Dashboard:
        mr = self.match_rate()
        eng = self.engagement()
        g = self.goals()
        sv = self.surveys()
        not_offered: tuple[str, ...] = () if self.row == ALL else PAIR_SECTIONS + WEEKLY_SECTIONS
        if not self.offered:
            not_offered = ("all", *PAIR_SECTIONS, *WEEKLY_SECTIONS)
        return Dashboard(
            filters=self.f,
            k=self.k,
            headline=self.headline(mr, eng, g, sv),
            enrolment=self.enrolment(),
            match_rate=mr,
            meetings=self.meetings(),
            health=self.health(),
            engagement=eng,
            goals=g,
            activity=self.activity(),
            surveys=sv,
            skills=self.skills(),
            kpis=self.kpis(),
            retention=self.retention(),
            checkins=self.checkins(),
            not_offered=not_offered,
            period=self.window,
        )


# --------------------------------------------------------------------------- check-ins


def _checkins(s: Session, states: list[m.PairState]) -> tuple[CheckIn, ...]:
    """Who to reach out to: names and dates only (an operational list, not an aggregate)."""
    if not states:
        return ()
    todo = {st.match_id: st for st in states}
    names: dict[int, list[str]] = {i: [] for i in todo}
    nexts: dict[int, dt.datetime] = {}
    ids = list(todo)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        for match_id, name in s.execute(
            select(MatchMember.match_id, Person.full_name)
            .join(Person, Person.id == MatchMember.person_id)
            .where(MatchMember.match_id.in_(chunk))
            .order_by(MatchMember.match_id, Person.full_name)
        ):
            names[match_id].append(name)
        for match_id, when in s.execute(
            select(Meeting.match_id, func.min(Meeting.scheduled_at))
            .where(
                Meeting.match_id.in_(chunk),
                Meeting.status == PLANNED,
                Meeting.scheduled_at > clock.now(),
            )
            .group_by(Meeting.match_id)
        ):
            nexts[match_id] = when
    programmes = dict(
        s.execute(
            select(Programme.id, Programme.name).where(
                Programme.id.in_({st.programme_id for st in todo.values()})
            )
        )
        .tuples()
        .all()
    )
    rows = [
        CheckIn(
            match_id=st.match_id,
            programme=programmes.get(st.programme_id, ""),
            members=tuple(names[st.match_id]),
            started=m.as_date(st.started),
            last_meeting=m.as_date(st.last_held) if st.last_held else None,
            next_meeting=m.as_date(nexts[st.match_id]) if st.match_id in nexts else None,
            reason=st.reason or "",
        )
        for st in todo.values()
    ]
    # Longest without a meeting first: they need the coordinator most.
    rows.sort(key=lambda c: (c.last_meeting or c.started, c.match_id))
    return tuple(rows)


# --------------------------------------------------------------------------- KPIs

# KPI codes a programme can set (issue 3), how each is measured and shown.
KPI_UNITS: dict[str, str] = {
    "match_rate": "share",
    "engaged_share": "share",
    "goal_completion": "share",
    "meetings_held_share": "share",
    "on_track_share": "share",
    "retention_6m": "share",
    "retention_12m": "share",
    "nps": "nps",
    "satisfaction": "score",
    "peer_help": "score",
    "progress": "score",
    "skills_growth": "score",
    "meetings_per_pair": "count",
    "enrolled": "count",
    "active_matches": "count",
    "engaged": "count",
}
KPI_LABELS: dict[str, str] = {
    "match_rate": N_("Match rate"),
    "engaged_share": N_("Engaged participants (3 meetings or more)"),
    "goal_completion": N_("Goals achieved"),
    "meetings_held_share": N_("Meetings held, of those due"),
    "on_track_share": N_("Pairs on track"),
    "retention_6m": N_("Participants still employed after 6 months"),
    "retention_12m": N_("Participants still employed after 12 months"),
    "nps": N_("Net Promoter Score"),
    "satisfaction": N_("Satisfaction (1–5)"),
    "peer_help": N_("My peer gives me the help I need (1–5)"),
    "progress": N_("I am making progress on my goals (1–5)"),
    "skills_growth": N_("Mentor-skills growth (points on 1–5)"),
    "meetings_per_pair": N_("Meetings held per pair or circle"),
    "enrolled": N_("Participants enrolled"),
    "active_matches": N_("Active pairs and circles"),
    "engaged": N_("Engaged participants"),
}


def _share(where: str, num: Cell | None, den: Cell | None) -> tuple[float | None, str]:
    r = _rate(where, "", num, den)
    return r.value, r.reason


def _count(where: str, cell: Cell | None) -> tuple[float | None, str]:
    f = _figure(where, cell)
    return f.value, f.reason


def _kpi_actual(fam: _Family, code: str, where: str) -> tuple[float | None, str]:
    """A KPI's measured value, over the whole programme: the cells the charts use."""
    everything = fam.everything
    if code == "match_rate":
        return _share(where, fam.enrol.matched[ALL], fam.enrol.enrolled[ALL])
    if code == "enrolled":
        return _count(where, fam.enrol.enrolled[ALL])
    if code == "active_matches":
        return _count(where, fam.meetings.active)
    if code == "engaged":
        return _count(where, fam.enrol.buckets[ALL]["3+"])
    if code == "engaged_share":
        return _share(where, fam.enrol.buckets[ALL]["3+"], fam.enrol.enrolled[ALL])
    if code == "goal_completion":
        return _share(
            where, fam.goals.done.totals[ALL][everything], fam.goals.set.totals[ALL][everything]
        )
    if code == "meetings_held_share":
        return _share(where, fam.meetings.held[everything], fam.meetings.settled)
    if code == "on_track_share":
        return _share(where, fam.meetings.buckets[ON_TRACK], fam.meetings.active)
    if code == "meetings_per_pair":
        started, held = fam.meetings.started, fam.meetings.held[everything]
        if started is None or started.empty:
            return None, ""
        for c in (started, held):
            emit(where, c)
        reason = started.hidden or held.hidden
        return (None, reason) if reason else (round(held.n / started.n, 1), "")
    if code in (NPS, *SURVEY_SCALES):
        cell = fam.surveys.answered.get((ALL, None, code))
        if cell is None or cell.empty:
            return None, ""
        emit(where, cell)
        if cell.hidden:
            return None, cell.hidden
        value = surveys_table.nps_of(cell) if code == NPS else _mean(cell)
        return (None if value is None else round(value, 1 if code == NPS else 2)), ""
    if code == "skills_growth":
        cell = fam.skills.overall
        if cell.empty:
            return None, ""
        emit(where, cell)
        if cell.hidden:
            return None, cell.hidden
        return round(((_mean(cell, 1) or 0) - (_mean(cell, 0) or 0)), 2), ""
    if code in ("retention_6m", "retention_12m"):
        months = 6 if code == "retention_6m" else 12
        table = fam.retention
        if table is None or (ALL, "participants", months) not in table.stayed:
            return None, ""
        return _share(
            where, table.stayed[(ALL, "participants", months)], table.people[(ALL, "participants")]
        )
    return None, ""


def normalise_target(code: str, target: float) -> float:
    """A share's target may be typed as 70 or as 0.7: both mean 70 %."""
    if KPI_UNITS.get(code) == "share" and target > 1:
        return target / 100
    return target


def retention_caveat() -> str:
    return t(
        "This is a comparison, not a proof: people who choose to join a programme may differ "
        "from those who do not (motivation, manager support, career plans), so a gap does not "
        "show that the programme caused it."
    )


# --------------------------------------------------------------------------- periods

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
    windows = m.preset_windows(
        today,
        programme.enrolment_opens if programme else None,
        programme.start_date if programme else None,
    )
    first, _ = windows.get(code, windows["12m"])
    return first, today


# --------------------------------------------------------------------------- public API


def _read(sf: sessionmaker[Session], viewer: Viewer, fn: Callable[[Session, int], T]) -> T:
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        return fn(s, k_threshold(s))


def _view(sf: sessionmaker[Session], viewer: Viewer, f: Filters, fn: Callable[[_View], T]) -> T:
    return _read(sf, viewer, lambda s, k: fn(_View(s, k, f)))


@dataclass(frozen=True)
class Options:
    """What the filters offer: programmes (newest first) and departments."""

    programmes: tuple[ProgrammeOption, ...]
    departments: tuple[str, ...]


def options(sf: sessionmaker[Session], viewer: Viewer) -> Options:
    """The choices of the dashboard's filters, in one read (departments: every one
    people belong to; :func:`department_choices` says which a programme offers)."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
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
        return Options(
            tuple(ProgrammeOption(*row) for row in rows),
            tuple(d for d in departments if d is not None),
        )


def department_choices(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int | None = None
) -> DepartmentChoices:
    """Departments the dashboard may be filtered on for this programme (None: every
    running programme, where a department must be offered by each of them)."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        k = k_threshold(s)
        if programme_id is None:
            ids = list(s.scalars(select(Programme.id).where(Programme.status == "running")))
        else:
            ids = [programme_id]
        offered: set[str] | None = None
        everyone: set[str] = set()
        for pid in ids:
            sizes = m.enrolled_by_department(s, [pid])
            if not sum(sizes.values()):
                continue
            mine, withheld = m.offered_groups(sizes, k)
            everyone |= {*mine, *withheld}
            offered = set(mine) if offered is None else offered & set(mine)
        kept = tuple(sorted(offered or ()))
        return DepartmentChoices(kept, tuple(sorted(everyone - set(kept))))


def programmes(sf: sessionmaker[Session], viewer: Viewer) -> list[ProgrammeOption]:
    """The programmes a coordinator can pick, newest first."""
    return list(options(sf, viewer).programmes)


def departments(sf: sessionmaker[Session], viewer: Viewer) -> list[str]:
    """Departments people belong to (the labels of the department filter)."""
    return list(options(sf, viewer).departments)


def k_value(sf: sessionmaker[Session], viewer: Viewer) -> int:
    return _read(sf, viewer, lambda s, k: k)


def enrolment_by_week(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> tuple[Point, ...]:
    """New enrolments per week and the enrolled total at the end of each week."""
    return _view(sf, viewer, f, lambda v: v.enrolment())


def match_rate(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> MatchRate:
    """Participants in an active match ÷ participants enrolled, overall and by department."""
    return _view(sf, viewer, f, lambda v: v.match_rate())


def meetings_by_week(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> tuple[Point, ...]:
    """Meetings planned per week, by what became of them (held, cancelled, moved, missed)."""
    return _view(sf, viewer, f, lambda v: v.meetings())


def pair_health(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> Health:
    """Active matches per health bucket (too early / needs a check-in / on track)."""
    return _view(sf, viewer, f, lambda v: v.health())


def pairs_needing_checkin(
    sf: sessionmaker[Session], viewer: Viewer, f: Filters
) -> tuple[CheckIn, ...]:
    """Who to reach out to: names and dates only (an operational list, not an aggregate)."""
    return _view(sf, viewer, f, lambda v: v.checkins())


def engagement(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> Engagement:
    """Enrolled participants by meetings held; engaged = 3 or more."""
    return _view(sf, viewer, f, lambda v: v.engagement())


def goals(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> Goals:
    """Goals set and achieved (counts only, never a title)."""
    return _view(sf, viewer, f, lambda v: v.goals())


def activity_by_week(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> tuple[Point, ...]:
    """Reflections written, feedback given and requested per week (counts only)."""
    return _view(sf, viewer, f, lambda v: v.activity())


def survey_results(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> Surveys:
    """Survey means and NPS over the survey rounds opened in the period (whole rounds)."""
    return _view(sf, viewer, f, lambda v: v.surveys())


def skills_growth(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> tuple[Point, ...]:
    """Mean mentor-skills self-assessment at enrolment and at the end, per skill."""
    return _view(sf, viewer, f, lambda v: v.skills())


def kpis(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> tuple[Kpi, ...]:
    """Each programme's KPIs (set when it was created) against the measured value."""
    return _view(sf, viewer, f, lambda v: v.kpis())


def retention(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> Retention:
    """Share of eligible people still employed 6 and 12 months after the start."""
    return _view(sf, viewer, f, lambda v: v.retention())


def dashboard(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> Dashboard:
    """Everything the dashboard shows, for one choice of filters."""
    return _view(sf, viewer, f, lambda v: v.dashboard())


def label(code: str) -> str:
    """The reader's words for a series, bucket, reason or mentor-skill code."""
    return t(LABELS[code]) if code in LABELS else self_assessment.skill_label(code)


# --------------------------------------------------------------------------- other pages


@dataclass(frozen=True)
class ProgrammeCounts:
    """Home's figures for one programme: the dashboard's headline cells, same rule."""

    programme_id: int
    enrolled: Figure
    matched: Figure
    active_matches: Figure

    @property
    def match_rate(self) -> float | None:
        if self.matched.suppressed or self.enrolled.suppressed or not self.enrolled.value:
            return None
        return (self.matched.value or 0) / self.enrolled.value


def programme_counts(s: Session, programme_ids: Sequence[int]) -> dict[int, ProgrammeCounts]:
    """Enrolled, matched and active pairs per programme: the dashboard's cells, decided
    by the same rules (enrolled and matched by their own; the active pairs with pair
    health, their own small table), so Home and the dashboard always agree."""
    k = k_threshold(s)
    found = m.anchors(s, programme_ids, k)
    out = {}
    where = "home"
    for pid in programme_ids:
        enrolled, matched = found[pid]
        e_reason, m_reason = m.fixed_rate(matched, enrolled, k)
        health = m.health_table(s, k, pid, m.pair_states(s, [pid]), m.kpi_metrics(s, pid))
        e_cell = Cell(("home", "enrolled", pid), enrolled, fixed=True, hidden=e_reason)
        m_cell = Cell(("home", "matched", pid), matched, fixed=True, hidden=m_reason)
        out[pid] = ProgrammeCounts(
            pid,
            _figure(where, e_cell),
            _figure(where, m_cell),
            _figure(where, health.active),
        )
    return out


def enrolled_sizes(s: Session, programme_id: int, k: int) -> tuple[m.Scope, dict[str, Figure]]:
    """Enrolled people per department row (offered ones, then the others) and ALL: the
    protected cells of the dashboard (the training-needs grid shows them too)."""
    programme = s.get(Programme, programme_id)
    if programme is None:
        raise NotFound(t("This programme does not exist (any more)."))
    fam = _Family(s, programme, k, m.window_of(None, None, clock.today()))
    where = f"sizes:{programme_id}"
    return fam.scope, {row: _figure(where, cell) for row, cell in fam.enrol.enrolled.items()}


__all__ = [
    "CheckIn",
    "Dashboard",
    "DepartmentChoices",
    "Engagement",
    "Figure",
    "Filters",
    "Goals",
    "Headline",
    "Health",
    "Kpi",
    "MatchRate",
    "Options",
    "Point",
    "ProgrammeCounts",
    "ProgrammeOption",
    "Rate",
    "Retention",
    "RetentionRow",
    "Surveys",
    "activity_by_week",
    "add_months",
    "dashboard",
    "department_choices",
    "departments",
    "enrolment_by_week",
    "engagement",
    "goals",
    "health_of",
    "k_value",
    "kpis",
    "label",
    "match_rate",
    "meetings_by_week",
    "options",
    "period_bounds",
    "pair_health",
    "pairs_needing_checkin",
    "programme_counts",
    "programmes",
    "retention",
    "skills_growth",
    "survey_results",
]
