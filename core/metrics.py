"""Every number of the coordinator dashboard, computed in SQL, returned as aggregates.

DESIGN.md point 12, "Definitions" and "Who sees what". Rules kept here:

- Every figure is a ``GROUP BY`` aggregate in the database; no table is loaded
  whole into Python. The one per-row read is one line per *active match* (dates
  and counts) to classify pair health, and the names of the pairs that need a
  check-in (an operational list, DESIGN.md allows names and dates, no content).
- Nothing here selects a private text column (journal, feedback, goal titles,
  meeting notes, survey free text): results are numbers, dates and labels
  (department, skill, programme names). ``tests/integration/test_metrics_privacy.py``
  holds that rule.
- k-suppression: a count over 1..k-1 people, or a rate whose denominator covers
  fewer than k people, comes back with ``value=None, suppressed=True``. Zero is
  shown (it describes nobody). k is ``core.settings.k_threshold``.
- Filters: a programme (None = every programme), a department (the people's
  department; a match belongs to a department when one member does), a period
  (applies to what happens over time: enrolments, meetings, goals, reflections,
  feedback, surveys). Snapshot figures (match rate, pair health, engagement,
  KPIs, retention) are as of today, over the programme's whole life. With every
  programme selected, snapshot figures cover running programmes only.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    case,
    distinct,
    exists,
    func,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased, sessionmaker
from sqlalchemy.sql.expression import FunctionElement

from core import clock, self_assessment
from core import meetings as meeting_rules
from core import surveys as surveys_service
from core.access import COORDINATOR, Viewer, require_role
from core.i18n import N_, t
from core.settings import k_threshold
from db.models import (
    Agreement,
    Enrolment,
    Feedback,
    FeedbackRequest,
    Goal,
    JournalEntry,
    Match,
    MatchMember,
    Meeting,
    Person,
    Programme,
    ProgrammeKPI,
    SelfAssessment,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)

MATCH_RATE_TARGET = 0.70  # DESIGN.md, figures from the field
ENGAGED_MEETINGS = 3  # DESIGN.md: engaged participant = at least 3 meetings held

# Meeting statuses (core.meetings): a planned meeting is later marked one of the others.
HELD, PLANNED = "held", "planned"
MISSED_STATUSES = ("cancelled", "moved", "missed")
assert set(MISSED_STATUSES) == meeting_rules.NOT_HELD
MEETING_SERIES = (HELD, *MISSED_STATUSES, PLANNED)

# Pair health buckets (DESIGN.md "Definitions", rules in core.meetings) and why a
# pair needs a check-in.
TOO_EARLY, NEEDS_CHECKIN, ON_TRACK = (
    meeting_rules.TOO_EARLY,
    meeting_rules.CHECK_IN,
    meeting_rules.ON_TRACK,
)
HEALTH_BUCKETS = (TOO_EARLY, NEEDS_CHECKIN, ON_TRACK)
NO_FIRST_MEETING, OVERDUE, MISSED_TWICE = "no_first_meeting", "overdue", "missed_twice"

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
}

T = TypeVar("T")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Filters:
    """What the coordinator picked. Dates are inclusive; None means no bound."""

    programme_id: int | None = None
    department: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Figure:
    """One headline number; ``value`` is None when suppressed or not defined."""

    value: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class Point:
    """One mark of a chart: x (a week, a month or a code), a series code, a value."""

    x: dt.date | str
    series: str
    value: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class Rate:
    """numerator ÷ denominator, over ``label`` (a department, or "" for everyone)."""

    label: str
    numerator: int | None
    denominator: int | None
    value: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class MatchRate:
    overall: Rate
    by_department: tuple[Rate, ...]
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
    nps_by_month: tuple[Point, ...]  # x = first day of the month, series "nps", −100…100
    nps: Figure  # over every answer of the period
    answers: Figure  # number of people who answered the NPS question


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


@dataclass(frozen=True)
class ProgrammeOption:
    id: int
    name: str
    status: str
    start_date: dt.date | None
    enrolment_opens: dt.date | None
    created_by_id: int | None


# --------------------------------------------------------------------------- SQL helpers


class _week(FunctionElement[dt.date]):  # noqa: N801 - a SQL function
    """Monday of the week of a datetime, as a DATE (SQLite and PostgreSQL)."""

    type = Date()
    inherit_cache = True
    name = "tandem_week"


class _month(FunctionElement[dt.date]):  # noqa: N801 - a SQL function
    type = Date()
    inherit_cache = True
    name = "tandem_month"


@compiles(_week)
def _week_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    # 'weekday 0' moves forward to Sunday (or stays on it); six days back is Monday.
    arg = compiler.process(element.clauses, **kw)
    return f"date({arg}, 'weekday 0', '-6 days')"


@compiles(_week, "postgresql")
def _week_pg(element: Any, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return f"CAST(date_trunc('week', {arg}) AS DATE)"


@compiles(_month)
def _month_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return f"date({arg}, 'start of month')"


@compiles(_month, "postgresql")
def _month_pg(element: Any, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return f"CAST(date_trunc('month', {arg}) AS DATE)"


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):  # SQLite without the declared type
        return dt.date.fromisoformat(value[:10])
    return value


def _in_period(col: Any, f: Filters) -> ColumnElement[bool]:
    cond: ColumnElement[bool] = true()
    if f.start:
        cond = and_(cond, col >= dt.datetime.combine(f.start, dt.time()))
    if f.end:
        cond = and_(cond, col < dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time()))
    return cond


def _programme_cond(col: Any, f: Filters, *, running_only: bool = False) -> ColumnElement[bool]:
    if f.programme_id is not None:
        return col == f.programme_id
    if running_only:
        return col.in_(select(Programme.id).where(Programme.status == "running"))
    return true()


def _dept_cond(person_col: Any, f: Filters) -> ColumnElement[bool]:
    """person_col belongs to the filtered department (true without a filter)."""
    if f.department is None:
        return true()
    return person_col.in_(select(Person.id).where(Person.department == f.department))


def _match_ids(f: Filters, *, running_only: bool = False) -> Select[Any]:
    """Matches in scope: the programme(s), and a member in the department if filtered."""
    q = select(Match.id).where(_programme_cond(Match.programme_id, f, running_only=running_only))
    if f.department is not None:
        q = q.where(
            Match.id.in_(
                select(MatchMember.match_id)
                .join(Person, Person.id == MatchMember.person_id)
                .where(Person.department == f.department)
            )
        )
    return q


def _active() -> ColumnElement[bool]:
    """Active match (DESIGN.md): published, accepted by every member, not ended."""
    other = aliased(MatchMember)
    not_accepted = exists().where(other.match_id == Match.id, other.response != "accepted")
    return and_(Match.status == "active", ~not_accepted)


def _hidden(people: int, k: int) -> bool:
    """k-suppression of a count: 1..k-1 people is hidden; zero describes nobody."""
    return 0 < people < k


def _figure(value: float, people: int, k: int) -> Figure:
    return Figure(None, True) if _hidden(people, k) else Figure(value)


def _rate(label: str, num: int, den: int, people: int, k: int) -> Rate:
    if people == 0 or den == 0:
        return Rate(label, 0, 0, None)
    if people < k:
        return Rate(label, None, None, None, True)
    return Rate(label, num, den, num / den)


def _week_range(f: Filters, found: Iterable[dt.date]) -> list[dt.date]:
    """Every Monday from the period's (or data's) first week to its last."""
    found = sorted(found)
    first = f.start or (found[0] if found else None)
    last = f.end or (found[-1] if found else None)
    if first is None or last is None or first > last:
        return []
    monday = first - dt.timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


def _weekly(
    s: Session,
    when: Any,
    person: Any,
    where: list[ColumnElement[bool]],
    f: Filters,
) -> dict[dt.date, tuple[int, int]]:
    """Week → (count(*), distinct ``person``) of rows whose ``when`` is in the period."""
    w = _week(when)
    rows = s.execute(
        select(w, func.count(), func.count(distinct(person)))
        .where(*where, _in_period(when, f))
        .group_by(w)
    ).all()
    return {_as_date(week): (n, people) for week, n, people in rows}


def _point(x: dt.date | str, series: str, n: float, people: int, k: int) -> Point:
    return Point(x, series, None, True) if _hidden(people, k) else Point(x, series, n)


def _series(
    weeks: list[dt.date], named: dict[str, dict[dt.date, tuple[int, int]]], k: int
) -> tuple[Point, ...]:
    """Week by week, one point per series (weeks without rows count zero)."""
    return tuple(
        _point(w, name, *found.get(w, (0, 0)), k) for w in weeks for name, found in named.items()
    )


# --------------------------------------------------------------------------- enrolment


def _enrolment(s: Session, f: Filters, k: int) -> tuple[Point, ...]:
    """New enrolments per week, and the enrolled total at the end of each week."""
    scope = [
        _programme_cond(Enrolment.programme_id, f),
        _dept_cond(Enrolment.person_id, f),
    ]
    new = _weekly(s, Enrolment.created_at, Enrolment.person_id, scope, f)
    left = _weekly(
        s, Enrolment.withdrawn_at, Enrolment.person_id, [*scope, Enrolment.status == "withdrawn"], f
    )
    total = 0
    if f.start:
        start = dt.datetime.combine(f.start, dt.time())
        total = (
            s.scalar(
                select(
                    func.count().filter(Enrolment.created_at < start)
                    - func.count().filter(
                        Enrolment.status == "withdrawn", Enrolment.withdrawn_at < start
                    )
                ).where(*scope)
            )
            or 0
        )
    points: list[Point] = []
    for week in _week_range(f, [*new, *left]):
        n, people = new.get(week, (0, 0))
        # The running total uses every week's true count; only what is shown is hidden.
        total += n - left.get(week, (0, 0))[0]
        points.append(_point(week, "new", n, people, k))
        points.append(_point(week, "enrolled", total, total, k))
    return tuple(points)


# --------------------------------------------------------------------------- match rate


def _protect_the_hidden(rows: tuple[Rate, ...], overall: Rate) -> tuple[Rate, ...]:
    """Complementary suppression: with one department hidden and the total shown, the
    hidden one is the total minus the others; hiding the next smallest prevents that."""
    hidden = [r for r in rows if r.suppressed]
    shown = [r for r in rows if not r.suppressed and r.denominator]
    if len(hidden) != 1 or overall.suppressed or not shown:
        return rows
    smallest = min(shown, key=lambda r: (r.denominator or 0, r.label))
    return tuple(Rate(r.label, None, None, None, True) if r is smallest else r for r in rows)


def _match_rate(s: Session, f: Filters, k: int) -> MatchRate:
    # (person, programme) pairs in an active match, found once, then joined.
    matched = (
        select(MatchMember.person_id.label("person_id"), Match.programme_id.label("programme_id"))
        .join(Match, Match.id == MatchMember.match_id)
        .where(_programme_cond(Match.programme_id, f, running_only=True), _active())
        .distinct()
        .subquery()
    )
    rows = s.execute(
        select(
            Person.department,
            func.count(),
            func.count(distinct(Enrolment.person_id)),
            func.count(matched.c.person_id),
        )
        .select_from(Enrolment)
        .join(Person, Person.id == Enrolment.person_id)
        .outerjoin(
            matched,
            and_(
                matched.c.person_id == Enrolment.person_id,
                matched.c.programme_id == Enrolment.programme_id,
            ),
        )
        .where(
            Enrolment.status == "enrolled",
            _programme_cond(Enrolment.programme_id, f, running_only=True),
            *([Person.department == f.department] if f.department is not None else []),
        )
        .group_by(Person.department)
        .order_by(Person.department)
    ).all()
    by_dept = tuple(
        _rate(dept or "—", int(matched or 0), n, people, k) for dept, n, people, matched in rows
    )
    enrolled = sum(int(r[1]) for r in rows)
    n_people = sum(int(r[2]) for r in rows)
    n_matched = sum(int(r[3] or 0) for r in rows)
    active = s.execute(
        select(func.count(distinct(Match.id)), func.count(distinct(MatchMember.person_id)))
        .join(MatchMember, MatchMember.match_id == Match.id)
        .where(Match.id.in_(_match_ids(f, running_only=True)), _active())
    ).one()
    overall = _rate("", n_matched, enrolled, n_people, k)
    return MatchRate(
        overall=overall,
        by_department=_protect_the_hidden(by_dept, overall),
        active_matches=_figure(active[0], active[1], k),
    )


# --------------------------------------------------------------------------- meetings


def _meetings(s: Session, f: Filters, k: int) -> tuple[Point, ...]:
    """Meetings per week of their date, by status; a week's bars hidden under k people."""
    w = _week(Meeting.scheduled_at)
    scope = [Meeting.match_id.in_(_match_ids(f)), _in_period(Meeting.scheduled_at, f)]
    counts = s.execute(
        select(w, Meeting.status, func.count()).where(*scope).group_by(w, Meeting.status)
    ).all()
    people: dict[dt.date, int] = {
        _as_date(week): n
        for week, n in s.execute(
            select(w, func.count(distinct(MatchMember.person_id)))
            .join(MatchMember, MatchMember.match_id == Meeting.match_id)
            .where(*scope)
            .group_by(w)
        )
    }
    by_week: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for week, status, n in counts:
        by_week[_as_date(week)][status] = n
    points = []
    for week in _week_range(f, by_week):
        hidden = _hidden(people.get(week, 0), k)
        for series in MEETING_SERIES:
            n = by_week.get(week, {}).get(series, 0)
            points.append(Point(week, series, None, True) if hidden else Point(week, series, n))
    return tuple(points)


# --------------------------------------------------------------------------- pair health


def health_of(
    *,
    started: dt.date,
    today: dt.date,
    cadence_days: int,
    last_held: dt.date | None,
    missed_twice: bool,
) -> tuple[str, str | None]:
    """Pair health bucket and, for "needs a check-in", why.

    The bucket is core.meetings.pair_health, the rule the pair's own page uses
    (DESIGN.md "Definitions"); only the last two settled outcomes matter to it,
    so ``missed_twice`` stands for them.
    """
    outcomes = ("missed", "missed") if missed_twice else ()
    bucket = meeting_rules.pair_health(started, today, cadence_days, last_held, outcomes)
    if bucket != NEEDS_CHECKIN:
        return bucket, None
    if last_held is None:
        return bucket, NO_FIRST_MEETING
    if meeting_rules.meeting_overdue(last_held, started, cadence_days, today):
        return bucket, OVERDUE
    return bucket, MISSED_TWICE


@dataclass(frozen=True)
class _PairState:
    match_id: int
    programme_id: int
    members: int
    bucket: str
    reason: str | None
    started: dt.datetime
    last_held: dt.datetime | None


def _pair_states(s: Session, f: Filters) -> list[_PairState]:
    """One line per active match in scope: its dates and counts, classified."""
    now = clock.now()
    in_scope = Match.id.in_(_match_ids(f, running_only=True))
    held = (
        select(
            Meeting.match_id.label("match_id"),
            func.count().label("held"),
            func.max(Meeting.scheduled_at).label("last_held"),
        )
        .where(
            Meeting.match_id.in_(_match_ids(f, running_only=True)),
            Meeting.status == HELD,
            Meeting.scheduled_at <= now,
        )
        .group_by(Meeting.match_id)
        .subquery()
    )
    members = (
        select(MatchMember.match_id.label("match_id"), func.count().label("n"))
        .group_by(MatchMember.match_id)
        .subquery()
    )
    rows = s.execute(
        select(
            Match.id,
            Match.programme_id,
            func.coalesce(Match.started_at, Match.published_at, Match.created_at),
            func.coalesce(Agreement.cadence_days, Programme.cadence_days, 14),
            func.coalesce(held.c.held, 0),
            held.c.last_held,
            members.c.n,
        )
        .join(Programme, Programme.id == Match.programme_id)
        .outerjoin(Agreement, Agreement.match_id == Match.id)
        .outerjoin(held, held.c.match_id == Match.id)
        .join(members, members.c.match_id == Match.id)
        .where(in_scope, _active())
    ).all()
    # The last two settled meetings (any not still planned, as core.meetings counts
    # them) both went wrong exactly when at least two were cancelled, moved or
    # missed after the last one held.
    missed_twice = set(
        s.scalars(
            select(Meeting.match_id)
            .outerjoin(held, held.c.match_id == Meeting.match_id)
            .where(
                Meeting.match_id.in_(_match_ids(f, running_only=True)),
                Meeting.status.in_(MISSED_STATUSES),
                or_(held.c.last_held.is_(None), Meeting.scheduled_at > held.c.last_held),
            )
            .group_by(Meeting.match_id)
            .having(func.count() >= 2)
        )
    )
    states = []
    for match_id, programme_id, started, cadence, _n_held, last_held, n_members in rows:
        bucket, reason = health_of(
            started=started.date(),
            today=now.date(),
            cadence_days=int(cadence),
            last_held=last_held.date() if last_held else None,
            missed_twice=match_id in missed_twice,
        )
        states.append(
            _PairState(match_id, programme_id, n_members, bucket, reason, started, last_held)
        )
    return states


def _health(states: list[_PairState], k: int) -> Health:
    pairs: dict[str, int] = defaultdict(int)
    people: dict[str, int] = defaultdict(int)
    for st in states:
        pairs[st.bucket] += 1
        people[st.bucket] += st.members
    buckets = tuple(
        Point(b, "matches", None, True) if _hidden(people[b], k) else Point(b, "matches", pairs[b])
        for b in HEALTH_BUCKETS
    )
    return Health(buckets, _figure(len(states), sum(people.values()), k))


def _checkins(s: Session, states: list[_PairState]) -> tuple[CheckIn, ...]:
    todo = {st.match_id: st for st in states if st.bucket == NEEDS_CHECKIN}
    if not todo:
        return ()
    names: dict[int, list[str]] = defaultdict(list)
    nexts: dict[int, dt.datetime] = {}
    programmes: dict[int, str] = {}
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
    for pid, name in s.execute(
        select(Programme.id, Programme.name).where(
            Programme.id.in_({st.programme_id for st in todo.values()})
        )
    ):
        programmes[pid] = name
    rows = [
        CheckIn(
            match_id=st.match_id,
            programme=programmes.get(st.programme_id, ""),
            members=tuple(names[st.match_id]),
            started=st.started.date(),
            last_meeting=st.last_held.date() if st.last_held else None,
            next_meeting=nexts[st.match_id].date() if st.match_id in nexts else None,
            reason=st.reason or "",
        )
        for st in todo.values()
    ]
    # Longest without a meeting first: they need the coordinator most.
    rows.sort(key=lambda c: (c.last_meeting or c.started, c.match_id))
    return tuple(rows)


# --------------------------------------------------------------------------- engagement


def _engagement(s: Session, f: Filters, k: int) -> Engagement:
    # Meetings held per (person, programme), grouped once, then joined to enrolments.
    held = (
        select(
            MatchMember.person_id.label("person_id"),
            Match.programme_id.label("programme_id"),
            func.count().label("n"),
        )
        .select_from(Meeting)
        .join(MatchMember, MatchMember.match_id == Meeting.match_id)
        .join(Match, Match.id == Meeting.match_id)
        .where(
            Meeting.status == HELD,
            Meeting.scheduled_at <= clock.now(),
            _programme_cond(Match.programme_id, f, running_only=True),
        )
        .group_by(MatchMember.person_id, Match.programme_id)
        .subquery()
    )
    per_person = (
        select(
            Enrolment.person_id.label("person_id"),
            func.coalesce(held.c.n, 0).label("held"),
        )
        .outerjoin(
            held,
            and_(
                held.c.person_id == Enrolment.person_id,
                held.c.programme_id == Enrolment.programme_id,
            ),
        )
        .where(
            Enrolment.status == "enrolled",
            _programme_cond(Enrolment.programme_id, f, running_only=True),
            _dept_cond(Enrolment.person_id, f),
        )
        .subquery()
    )
    bucket = case(
        (per_person.c.held >= ENGAGED_MEETINGS, ENGAGED_MEETINGS), else_=per_person.c.held
    )
    rows: dict[int, int] = {
        int(b): int(n)
        for b, n in s.execute(
            select(bucket, func.count(distinct(per_person.c.person_id))).group_by(bucket)
        )
    }
    codes = ["0", "1", "2", "3+"]
    dist = []
    for i, code in enumerate(codes):
        n = int(rows.get(i, 0))
        dist.append(
            Point(code, "people", None, True) if _hidden(n, k) else Point(code, "people", n)
        )
    enrolled = sum(int(v) for v in rows.values())
    engaged = int(rows.get(ENGAGED_MEETINGS, 0))
    # The share is over every enrolled person, so it is shown once they are k or more.
    return Engagement(tuple(dist), _rate("", engaged, enrolled, enrolled, k))


# --------------------------------------------------------------------------- goals


def _goals(s: Session, f: Filters, k: int) -> Goals:
    scope = [_programme_cond(Goal.programme_id, f), _dept_cond(Goal.owner_id, f)]
    named = {
        "goals_set": _weekly(s, Goal.created_at, Goal.owner_id, scope, f),
        "goals_achieved": _weekly(
            s, Goal.achieved_at, Goal.owner_id, [*scope, Goal.status == "achieved"], f
        ),
    }
    weekly = _series(_week_range(f, [w for found in named.values() for w in found]), named, k)
    n_set, owners_set, n_achieved_of_set = s.execute(
        select(
            func.count(),
            func.count(distinct(Goal.owner_id)),
            func.count().filter(Goal.status == "achieved"),
        ).where(*scope, _in_period(Goal.created_at, f))
    ).one()
    n_achieved, owners_achieved = s.execute(
        select(func.count(), func.count(distinct(Goal.owner_id))).where(
            *scope, Goal.status == "achieved", _in_period(Goal.achieved_at, f)
        )
    ).one()
    return Goals(
        weekly=weekly,
        set=_figure(n_set, owners_set, k),
        achieved=_figure(n_achieved, owners_achieved, k),
        completion=_rate("", int(n_achieved_of_set or 0), n_set, owners_set, k),
    )


# --------------------------------------------------------------------------- activity


def _items(f: Filters, when: Any, person: Any, match_col: Any, *extra: ColumnElement[bool]) -> Any:
    """(at, who) of the items in scope, as a subquery.

    An item belongs to a programme through its match, or, when free-standing,
    through its author's enrolment; to a department through its author (the
    recipient for feedback given, the requester for a request).
    """
    cols = (when.label("at"), person.label("who"))
    base = [*extra, _in_period(when, f), _dept_cond(person, f)]
    if f.programme_id is None:
        return select(*cols).where(*base).subquery()
    # Two index-friendly branches instead of an OR that forces a full scan.
    enrolled = select(Enrolment.person_id).where(Enrolment.programme_id == f.programme_id)
    return union_all(
        select(*cols).where(*base, match_col.in_(_match_ids(f))),
        select(*cols).where(*base, match_col.is_(None), person.in_(enrolled)),
    ).subquery()


def _reflections(f: Filters) -> Any:
    return _items(
        f,
        JournalEntry.created_at,
        JournalEntry.author_id,
        JournalEntry.match_id,
        JournalEntry.status == "final",
    )


def _activity(s: Session, f: Filters, k: int) -> tuple[Point, ...]:
    """Reflections, feedback given and asked for, per week: counts only, never text."""

    def weekly(rows: Any) -> dict[dt.date, tuple[int, int]]:
        w = _week(rows.c.at)
        return {
            _as_date(week): (n, people)
            for week, n, people in s.execute(
                select(w, func.count(), func.count(distinct(rows.c.who))).group_by(w)
            )
        }

    named = {
        "reflections": weekly(_reflections(f)),
        "feedback_given": weekly(
            _items(f, Feedback.created_at, Feedback.recipient_id, Feedback.match_id)
        ),
        "feedback_requested": weekly(
            _items(
                f,
                FeedbackRequest.created_at,
                FeedbackRequest.requester_id,
                FeedbackRequest.match_id,
            )
        ),
    }
    return _series(_week_range(f, [w for found in named.values() for w in found]), named, k)


def _totals(s: Session, f: Filters, k: int) -> tuple[Figure, Figure]:
    """Meetings held and reflections written over the whole period (headline numbers).

    Counted directly: a total over many people stays visible even when one of its
    weeks, alone, covers fewer than k people.
    """
    held, held_people = s.execute(
        select(func.count(distinct(Meeting.id)), func.count(distinct(MatchMember.person_id)))
        .join(MatchMember, MatchMember.match_id == Meeting.match_id)
        .where(
            Meeting.match_id.in_(_match_ids(f)),
            Meeting.status == HELD,
            _in_period(Meeting.scheduled_at, f),
        )
    ).one()
    rows = _reflections(f)
    written, writers = s.execute(select(func.count(), func.count(distinct(rows.c.who)))).one()
    return _figure(held, held_people, k), _figure(written, writers, k)


# --------------------------------------------------------------------------- surveys


def _survey_scope(f: Filters) -> list[ColumnElement[bool]]:
    cond = [_programme_cond(Survey.programme_id, f)]
    if f.department is not None:
        cond.append(SurveyResponse.department == f.department)
    return cond


def _nps(promoters: int, detractors: int, n: int) -> float:
    """NPS = % of 9–10 answers − % of 0–6 answers (DESIGN.md), from −100 to 100."""
    return 100.0 * (promoters - detractors) / n


def _answers(f: Filters) -> Select[Any]:
    """Scale answers in scope, joined to their response, question and survey."""
    return (
        select()
        .select_from(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .join(Survey, Survey.id == SurveyQuestion.survey_id)
        .where(
            SurveyAnswer.value_int.is_not(None),
            _in_period(SurveyResponse.submitted_at, f),
            *_survey_scope(f),
        )
    )


def _surveys(s: Session, f: Filters, k: int) -> Surveys:
    people = func.count(distinct(SurveyResponse.id))
    questions = []
    for code, n, avg in s.execute(
        _answers(f)
        .add_columns(SurveyQuestion.code, people, func.avg(SurveyAnswer.value_int))
        .where(SurveyQuestion.code.in_(SURVEY_SCALES))
        .group_by(SurveyQuestion.code)
    ):
        value = round(float(avg), 2)
        questions.append(
            Point(code, "mean", None, True) if _hidden(n, k) else Point(code, "mean", value)
        )
    questions.sort(key=lambda p: SURVEY_SCALES.index(str(p.x)))
    month = _month(SurveyResponse.submitted_at)
    nps_cols = (
        people,
        func.count().filter(SurveyAnswer.value_int >= 9),
        func.count().filter(SurveyAnswer.value_int <= 6),
    )
    by_month = []
    for when, n, promoters, detractors in s.execute(
        _answers(f)
        .add_columns(month, *nps_cols)
        .where(SurveyQuestion.code == NPS)
        .group_by(month)
        .order_by(month)
    ):
        value = round(_nps(promoters, detractors, n), 1)
        by_month.append(_point(_as_date(when), NPS, value, n, k))  # type: ignore[arg-type]
    n, promoters, detractors = s.execute(
        _answers(f).add_columns(*nps_cols).where(SurveyQuestion.code == NPS)
    ).one()
    nps = Figure(None) if n == 0 else _figure(round(_nps(promoters, detractors, n), 1), n, k)
    return Surveys(tuple(questions), tuple(by_month), nps, _figure(n, n, k))


# --------------------------------------------------------------------------- skills growth


def _skills(s: Session, f: Filters, k: int) -> tuple[Point, ...]:
    """Mentor-skills self-assessment: mean at enrolment and at the end, same people."""
    end = SelfAssessment.__table__.alias("sa_end")
    rows = s.execute(
        select(
            SelfAssessment.skill,
            func.count(distinct(SelfAssessment.enrolment_id)),
            func.avg(SelfAssessment.score),
            func.avg(end.c.score),
        )
        .join(
            end,
            and_(
                end.c.enrolment_id == SelfAssessment.enrolment_id,
                end.c.skill == SelfAssessment.skill,
                end.c.phase == "end",
            ),
        )
        .join(Enrolment, Enrolment.id == SelfAssessment.enrolment_id)
        .where(
            SelfAssessment.phase == "baseline",
            _programme_cond(Enrolment.programme_id, f),
            _dept_cond(Enrolment.person_id, f),
        )
        .group_by(SelfAssessment.skill)
        .order_by(SelfAssessment.skill)
    ).all()
    points = []
    for skill, n, before, after in rows:
        if _hidden(n, k):
            points += [Point(skill, "baseline", None, True), Point(skill, "end", None, True)]
        else:
            points += [
                Point(skill, "baseline", round(float(before), 2)),
                Point(skill, "end", round(float(after), 2)),
            ]
    return tuple(points)


# --------------------------------------------------------------------------- retention


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _eligible(programme: Programme, f: Filters) -> list[ColumnElement[bool]]:
    """People eligible for ``programme`` and employed on its first day."""
    rules = programme.eligibility or {}
    start = programme.start_date
    cond: list[ColumnElement[bool]] = [
        or_(Person.hire_date.is_(None), Person.hire_date <= start),
        or_(Person.leave_date.is_(None), Person.leave_date > start),
    ]
    for key, col in (
        ("departments", Person.department),
        ("levels", Person.level),
        ("locations", Person.location),
    ):
        values = [v for v in rules.get(key) or [] if isinstance(v, str)]
        if values:
            cond.append(col.in_(values))
    for key, op in (("hired_after", "ge"), ("hired_before", "le")):
        try:
            bound = dt.date.fromisoformat(str(rules[key])) if rules.get(key) else None
        except ValueError:
            bound = None
        if bound is not None:
            cond.append(Person.hire_date >= bound if op == "ge" else Person.hire_date <= bound)
    if f.department is not None:
        cond.append(Person.department == f.department)
    return cond


def retention_caveat() -> str:
    return t(
        "This is a comparison, not a proof: people who choose to join a programme may differ "
        "from those who do not (motivation, manager support, career plans), so a gap does not "
        "show that the programme caused it."
    )


def _retention(s: Session, f: Filters, k: int) -> Retention:
    programmes = s.scalars(
        select(Programme)
        .where(_programme_cond(Programme.id, f), Programme.start_date.is_not(None))
        .order_by(Programme.start_date)
    ).all()
    today = clock.today()
    rows = []
    for programme in programmes:
        enrolled = exists().where(
            Enrolment.person_id == Person.id, Enrolment.programme_id == programme.id
        )
        participated = exists().where(
            Enrolment.person_id == Person.id,
            Enrolment.programme_id == programme.id,
            Enrolment.status == "enrolled",
        )
        # Withdrawn people are in neither group: they neither stayed in nor stayed out.
        group = case((participated, "participants"), (enrolled, "withdrawn"), else_="others")
        assert programme.start_date is not None  # selected above
        horizons = {m: add_months(programme.start_date, m) for m in (6, 12)}
        cols = [group, func.count()]
        for h in horizons.values():
            cols.append(
                func.count().filter(or_(Person.leave_date.is_(None), Person.leave_date > h))
            )
        found = {
            g: (n, stay6, stay12)
            for g, n, stay6, stay12 in s.execute(
                select(*cols).where(*_eligible(programme, f)).group_by(group)
            )
        }
        for months, horizon in horizons.items():
            for g in ("participants", "others"):
                n, *stays = found.get(g, (0, 0, 0))
                stay = stays[0 if months == 6 else 1]
                pending = horizon > today
                hidden = n < k
                rows.append(
                    RetentionRow(
                        programme_id=programme.id,
                        programme=programme.name,
                        months=months,
                        group=g,
                        horizon=horizon,
                        people=None if hidden else n,
                        still_employed=None if hidden or pending or n == 0 else stay / n,
                        suppressed=hidden and n > 0,
                        pending=pending,
                    )
                )
    return Retention(tuple(rows), retention_caveat())


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


class _Reader:
    """The reads of one transaction, each done once per scope.

    Snapshot figures (match rate, pair health, engagement, retention) do not depend
    on the period, so the KPIs reuse what the charts already computed.
    """

    def __init__(self, s: Session, k: int) -> None:
        self.s, self.k = s, k
        self._done: dict[tuple[Any, ...], Any] = {}

    def _once(self, key: tuple[Any, ...], fn: Callable[[], T]) -> T:
        if key not in self._done:
            self._done[key] = fn()
        return self._done[key]  # type: ignore[no-any-return]

    @staticmethod
    def _snapshot(f: Filters) -> Filters:
        return Filters(programme_id=f.programme_id, department=f.department)

    def match_rate(self, f: Filters) -> MatchRate:
        f = self._snapshot(f)
        return self._once(("match_rate", f), lambda: _match_rate(self.s, f, self.k))

    def states(self, f: Filters) -> list[_PairState]:
        f = self._snapshot(f)
        return self._once(("states", f), lambda: _pair_states(self.s, f))

    def engagement(self, f: Filters) -> Engagement:
        f = self._snapshot(f)
        return self._once(("engagement", f), lambda: _engagement(self.s, f, self.k))

    def retention(self, f: Filters) -> Retention:
        f = self._snapshot(f)
        return self._once(("retention", f), lambda: _retention(self.s, f, self.k))

    def goals(self, f: Filters) -> Goals:
        return self._once(("goals", f), lambda: _goals(self.s, f, self.k))

    def surveys(self, f: Filters) -> Surveys:
        return self._once(("surveys", f), lambda: _surveys(self.s, f, self.k))


def _meetings_held_share(s: Session, f: Filters, k: int) -> tuple[float | None, bool]:
    """Meetings held ÷ meetings whose date has passed and whose outcome is known."""
    n, held, people = s.execute(
        select(
            func.count(distinct(Meeting.id)),
            func.count(distinct(Meeting.id)).filter(Meeting.status == HELD),
            func.count(distinct(MatchMember.person_id)),
        )
        .join(MatchMember, MatchMember.match_id == Meeting.match_id)
        .where(
            Meeting.match_id.in_(_match_ids(f)),
            Meeting.status != PLANNED,
            Meeting.scheduled_at <= clock.now(),
        )
    ).one()
    if people == 0 or n == 0:
        return None, False
    return (None, True) if people < k else (held / n, False)


def _meetings_per_pair(s: Session, f: Filters, k: int) -> tuple[float | None, bool]:
    """Meetings held so far ÷ pairs and circles that started (active, paused or ended)."""
    started = select(Match.id).where(
        Match.programme_id == f.programme_id,
        Match.started_at.is_not(None),
        Match.status.in_(("active", "paused", "ended")),
    )
    matches, people = s.execute(
        select(
            func.count(distinct(MatchMember.match_id)), func.count(distinct(MatchMember.person_id))
        ).where(MatchMember.match_id.in_(started))
    ).one()
    held = s.scalar(
        select(func.count()).where(
            Meeting.match_id.in_(started),
            Meeting.status == HELD,
            Meeting.scheduled_at <= clock.now(),
        )
    )
    if matches == 0:
        return None, False
    return (None, True) if people < k else (round((held or 0) / matches, 1), False)


def _kpi_actual(r: _Reader, programme_id: int, code: str) -> tuple[float | None, bool]:
    f, s, k = Filters(programme_id=programme_id), r.s, r.k

    def rate(x: Rate) -> tuple[float | None, bool]:
        return x.value, x.suppressed

    if code in ("match_rate", "enrolled"):
        overall = r.match_rate(f).overall
        if code == "match_rate":
            return rate(overall)
        return (None, True) if overall.suppressed else (overall.denominator, False)
    if code == "active_matches":
        active = r.match_rate(f).active_matches
        return active.value, active.suppressed
    if code in ("engaged_share", "engaged"):
        e = r.engagement(f).engaged
        return rate(e) if code == "engaged_share" else (e.numerator, e.suppressed)
    if code == "goal_completion":
        return rate(r.goals(f).completion)
    if code == "on_track_share":
        states = r.states(f)
        people = sum(st.members for st in states)
        on = sum(1 for st in states if st.bucket == ON_TRACK)
        return rate(_rate("", on, len(states), people, k))
    if code == "meetings_held_share":
        return _meetings_held_share(s, f, k)
    if code == "meetings_per_pair":
        return _meetings_per_pair(s, f, k)
    if code == "nps":
        nps = r.surveys(f).nps
        return nps.value, nps.suppressed
    if code in SURVEY_SCALES:
        return _scale_average(s, f, code, k)
    if code == "skills_growth":
        return _skills_growth(s, f, k)
    if code in ("retention_6m", "retention_12m"):
        months = 6 if code == "retention_6m" else 12
        row = next(
            x for x in r.retention(f).rows if x.months == months and x.group == "participants"
        )
        return row.still_employed, row.suppressed
    return None, False


def _scale_average(s: Session, f: Filters, code: str, k: int) -> tuple[float | None, bool]:
    n, avg = s.execute(
        _answers(f)
        .add_columns(func.count(distinct(SurveyResponse.id)), func.avg(SurveyAnswer.value_int))
        .where(SurveyQuestion.code == code)
    ).one()
    if n == 0:
        return None, False
    return (None, True) if n < k else (round(float(avg), 2), False)


def _skills_growth(s: Session, f: Filters, k: int) -> tuple[float | None, bool]:
    end = SelfAssessment.__table__.alias("sa_end")
    n, growth = s.execute(
        select(
            func.count(distinct(SelfAssessment.enrolment_id)),
            func.avg(end.c.score - SelfAssessment.score),
        )
        .join(
            end,
            and_(
                end.c.enrolment_id == SelfAssessment.enrolment_id,
                end.c.skill == SelfAssessment.skill,
                end.c.phase == "end",
            ),
        )
        .join(Enrolment, Enrolment.id == SelfAssessment.enrolment_id)
        .where(SelfAssessment.phase == "baseline", Enrolment.programme_id == f.programme_id)
    ).one()
    if n == 0:
        return None, False
    return (None, True) if n < k else (round(float(growth), 2), False)


def normalise_target(code: str, target: float) -> float:
    """A share's target may be typed as 70 or as 0.7: both mean 70 %."""
    if KPI_UNITS.get(code) == "share" and target > 1:
        return target / 100
    return target


def _kpis(r: _Reader, f: Filters) -> tuple[Kpi, ...]:
    rows = r.s.execute(
        select(ProgrammeKPI, Programme.name)
        .join(Programme, Programme.id == ProgrammeKPI.programme_id)
        .where(_programme_cond(ProgrammeKPI.programme_id, f, running_only=True))
        .order_by(Programme.start_date.desc().nulls_last(), Programme.name, ProgrammeKPI.id)
    ).all()
    out = []
    for kpi, name in rows:
        actual, suppressed = _kpi_actual(r, kpi.programme_id, kpi.metric)
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
                suppressed=suppressed,
            )
        )
    return tuple(out)


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
) -> tuple[dt.date | None, dt.date | None]:
    """First and last day of a period preset ("programme": from its enrolment opening)."""
    if code == "4w":
        return today - dt.timedelta(days=27), today
    if code == "3m":
        return add_months(today, -3) + dt.timedelta(days=1), today
    if code == "programme" and programme is not None:
        first = [d for d in (programme.enrolment_opens, programme.start_date) if d]
        return (min(first) if first else None), today
    if code == "all":
        return None, today
    return add_months(today, -12) + dt.timedelta(days=1), today


# --------------------------------------------------------------------------- public API


def _read(sf: sessionmaker[Session], viewer: Viewer, fn: Callable[[Session, int], T]) -> T:
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        return fn(s, k_threshold(s))


@dataclass(frozen=True)
class Options:
    """What the filters offer: programmes (newest first) and departments."""

    programmes: tuple[ProgrammeOption, ...]
    departments: tuple[str, ...]


def options(sf: sessionmaker[Session], viewer: Viewer) -> Options:
    """The choices of the dashboard's filters, in one read."""
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
            tuple(
                d for d in departments if d is not None
            ),  # the query excludes NULL; mypy cannot see it
        )


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
    return _read(sf, viewer, lambda s, k: _enrolment(s, f, k))


def match_rate(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> MatchRate:
    """Participants in an active match ÷ participants enrolled, overall and by department."""
    return _read(sf, viewer, lambda s, k: _match_rate(s, f, k))


def meetings_by_week(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> tuple[Point, ...]:
    """Meetings planned per week, by what became of them (held, cancelled, moved, missed)."""
    return _read(sf, viewer, lambda s, k: _meetings(s, f, k))


def pair_health(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> Health:
    """Active matches per health bucket (too early / needs a check-in / on track)."""
    return _read(sf, viewer, lambda s, k: _health(_pair_states(s, f), k))


def pairs_needing_checkin(
    sf: sessionmaker[Session], viewer: Viewer, f: Filters
) -> tuple[CheckIn, ...]:
    """Who to reach out to: names and dates only (an operational list, not an aggregate)."""
    return _read(sf, viewer, lambda s, k: _checkins(s, _pair_states(s, f)))


def engagement(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> Engagement:
    """Enrolled participants by meetings held; engaged = 3 or more."""
    return _read(sf, viewer, lambda s, k: _engagement(s, f, k))


def goals(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> Goals:
    """Goals set and achieved (counts only, never a title)."""
    return _read(sf, viewer, lambda s, k: _goals(s, f, k))


def activity_by_week(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> tuple[Point, ...]:
    """Reflections written, feedback given and requested per week (counts only)."""
    return _read(sf, viewer, lambda s, k: _activity(s, f, k))


def _period(f: Filters) -> tuple[dt.date, dt.date] | None:
    if f.start is None and f.end is None:
        return None
    return (f.start or dt.date(1970, 1, 1), f.end or clock.today())


def survey_results(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> Surveys:
    """Survey means and NPS per month; anything over fewer than k answers hidden.

    For one programme these are core.surveys' results (the Surveys page's numbers,
    pulse and end surveys); across every programme, the same definitions in one query.
    """
    if f.programme_id is None:
        return _read(sf, viewer, lambda s, k: _surveys(s, f, k))
    res = surveys_service.survey_results(sf, viewer, f.programme_id, f.department, _period(f))
    means = {q.code: q for q in res.questions if q.question_id is None}
    return Surveys(
        questions=tuple(
            Point(
                code,
                "mean",
                None if means[code].suppressed else means[code].mean,
                means[code].suppressed,
            )
            for code in SURVEY_SCALES
            if code in means
        ),
        nps_by_month=tuple(
            Point(p.month, NPS, None if p.suppressed else p.nps, p.suppressed)
            for p in res.nps_by_month
            if p.month is not None
        ),
        nps=Figure(res.nps.nps, res.nps.suppressed),
        answers=Figure(res.nps.n, res.nps.suppressed),
    )


def skills_growth(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> tuple[Point, ...]:
    """Mean mentor-skills self-assessment at enrolment and at the end, per skill.

    For one programme, core.self_assessment.mentor_skills_growth (every skill, the
    same people at both ends); across programmes, the same in one query here.
    """
    if f.programme_id is None:
        return _read(sf, viewer, lambda s, k: _skills(s, f, k))
    points: list[Point] = []
    for g in self_assessment.mentor_skills_growth(sf, viewer, f.programme_id, f.department):
        points.append(Point(g.skill, "baseline", g.baseline, g.suppressed))
        points.append(Point(g.skill, "end", g.end, g.suppressed))
    return tuple(points)


def kpis(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> tuple[Kpi, ...]:
    """Each programme's KPIs (set when it was created) against the measured value."""
    return _read(sf, viewer, lambda s, k: _kpis(_Reader(s, k), f))


def retention(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> Retention:
    """Share of eligible people still employed 6 and 12 months after the start."""
    return _read(sf, viewer, lambda s, k: _retention(s, f, k))


def _headline(
    mr: MatchRate, totals: tuple[Figure, Figure], eng: Engagement, g: Goals, sv: Surveys, k: int
) -> Headline:
    o = mr.overall
    held, reflections = totals
    return Headline(
        enrolled=Figure(o.denominator, o.suppressed),
        matched=Figure(o.numerator, o.suppressed),
        match_rate=Figure(o.value, o.suppressed),
        active_matches=mr.active_matches,
        meetings_held=held,
        # A count of people is hidden under k like a chart bar (the share is a rate).
        engaged=Figure(None, True)
        if eng.engaged.suppressed
        else _figure(eng.engaged.numerator or 0, eng.engaged.numerator or 0, k),
        goals_achieved=g.achieved,
        reflections=reflections,
        nps=sv.nps,
    )


def dashboard(sf: sessionmaker[Session], viewer: Viewer, f: Filters) -> Dashboard:
    """Everything the dashboard shows, for one choice of filters."""

    def build(s: Session, k: int) -> Dashboard:
        r = _Reader(s, k)
        mr = r.match_rate(f)
        meetings = _meetings(s, f, k)
        states = r.states(f)
        eng = r.engagement(f)
        g = r.goals(f)
        act = _activity(s, f, k)
        sv = r.surveys(f)
        return Dashboard(
            filters=f,
            k=k,
            headline=_headline(mr, _totals(s, f, k), eng, g, sv, k),
            enrolment=_enrolment(s, f, k),
            match_rate=mr,
            meetings=meetings,
            health=_health(states, k),
            engagement=eng,
            goals=g,
            activity=act,
            surveys=sv,
            skills=_skills(s, f, k),
            kpis=_kpis(r, f),
            retention=r.retention(f),
            checkins=_checkins(s, states),
        )

    d = _read(sf, viewer, build)
    if f.programme_id is None:
        return d
    # One programme: the surveys' and self-assessments' own services (their own
    # transactions, after ours: SQLite lets one writer-capable transaction at a time).
    sv = survey_results(sf, viewer, f)
    return replace(
        d,
        surveys=sv,
        skills=skills_growth(sf, viewer, f),
        headline=replace(d.headline, nps=sv.nps),
    )


def label(code: str) -> str:
    """The reader's words for a series, bucket, reason or mentor-skill code."""
    return t(LABELS[code]) if code in LABELS else self_assessment.skill_label(code)


__all__ = [
    "CheckIn",
    "Dashboard",
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
    "ProgrammeOption",
    "Rate",
    "Retention",
    "RetentionRow",
    "Surveys",
    "activity_by_week",
    "dashboard",
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
    "programmes",
    "retention",
    "skills_growth",
    "survey_results",
]
