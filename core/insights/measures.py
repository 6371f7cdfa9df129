"""The protected tables behind every coordinator figure of one programme.

``core.insights.metrics`` builds its views (every filter of the dashboard, the KPIs, the
exports, Home's counts, the training-needs grid's sizes) from these tables, so a
figure has one decision wherever it appears. Each table holds, for the whole
history of the programme, every department row that can be filtered on, every
week and every period a coordinator can pick, and protects them together
(:mod:`core.kernel.privacy`): a week hidden on the chart stays hidden in every
period, a department hidden in its own view cannot be worked out from the total,
and no total minus its shown parts describes a small group.

Design choices that keep the tables exact:

* **Departments** that can be filtered on are those of :func:`suppression.offered_groups`
  (at least k enrolled, and at least k, or none, left for the rest); the others and
  people without a department form one never-shown row, protected like a hidden cell.
  Every person-based figure is a sum over the department rows. Week by week there
  is one row only (all departments): a department gets the totals of each period.
* **Periods** start on a Monday: every period total is a sum of whole weeks, the
  weeks are the same cells in every period, and all periods are protected together.
* **Pairs and circles** can span departments, so their figures (meetings, pair
  health) are not broken down by department: those parts of a department's view
  are not offered.
* Everything is computed in SQL as ``GROUP BY`` counts; people's ids are read only
  for groups of fewer than k people (needed to count a union exactly). A small
  table (core.kernel.privacy.DETAIL_UNITS) is read row by row, so that the rule is also
  checked on its actual groups; so is every table while recording for the
  adversary test.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

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
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import FunctionElement

from core.kernel import clock
from core.kernel.privacy import (
    DETAIL_UNITS,
    EMPTY,
    SMALL,
    Bag,
    Cell,
    Table,
    combine,
    fixed_rate,
    is_recording,
    is_small,
    offered_groups,
)
from core.relationship import meeting_rules
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
)

ALL = "*"  # the row of every department
OTHERS = "…"  # departments not offered, and people without one, together
ENGAGED_MEETINGS = 3  # DESIGN.md: engaged participant = at least 3 meetings held
HELD, PLANNED = "held", "planned"
MISSED_STATUSES = ("cancelled", "moved", "missed")
assert set(MISSED_STATUSES) == meeting_rules.NOT_HELD
MEETING_SERIES = (HELD, *MISSED_STATUSES, PLANNED)
TOO_EARLY, NEEDS_CHECKIN, ON_TRACK = (
    meeting_rules.TOO_EARLY,
    meeting_rules.CHECK_IN,
    meeting_rules.ON_TRACK,
)
HEALTH_BUCKETS = (TOO_EARLY, NEEDS_CHECKIN, ON_TRACK)
NO_FIRST_MEETING, OVERDUE, MISSED_TWICE = "no_first_meeting", "overdue", "missed_twice"
ENGAGEMENT_BUCKETS = ("0", "1", "2", "3+")
WEEK = dt.timedelta(days=7)

# A period: (first Monday, or None for "from the beginning"; last Monday).
Window = tuple[dt.date | None, dt.date]


# --------------------------------------------------------------------------- SQL helpers


class _week(FunctionElement[dt.date]):  # noqa: N801 - a SQL function
    """Monday of the week of a datetime, as a DATE (SQLite and PostgreSQL)."""

    type = Date()
    inherit_cache = True
    name = "tandem_week"


@compiles(_week)
def _week_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    # 'weekday 0' moves forward to Sunday (or stays on it); six days back is Monday.
    arg = compiler.process(element.clauses, **kw)
    return f"date({arg}, 'weekday 0', '-6 days')"


@compiles(_week, "postgresql")
def _week_pg(element: Any, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return f"CAST(date_trunc('week', {arg}) AS DATE)"


def as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):  # SQLite without the declared type
        return dt.date.fromisoformat(value[:10])
    assert isinstance(value, dt.date)
    return value


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def active_match() -> ColumnElement[bool]:
    """Active match (DESIGN.md): published, accepted by every member, not ended."""
    other = aliased(MatchMember)
    not_accepted = exists().where(other.match_id == Match.id, other.response != "accepted")
    return and_(Match.status == "active", ~not_accepted)


def fetch_bags(
    s: Session,
    base: Select[Any],
    keys: Sequence[tuple[str, Callable[[Any], Hashable] | None]],
    k: int,
    kind: str,
    *,
    sums: int = 0,
    week_key: str | None = None,
    distinct_units: bool = False,
) -> dict[tuple[Any, ...], Bag]:
    """Group ``base`` (labelled columns: the keys, ``who``, ``unit``, ``v0``… and,
    with ``week_key``, ``at``) into bags: counts from SQL, people's ids for the
    groups of fewer than k people, every unit and id while recording. A unit is
    ``(kind, unit)``, or ``(kind, unit, unit2)`` when ``base`` has a ``unit2``."""
    sub = base.subquery()
    kcols = [sub.c[name] for name, _ in keys]
    convert = [fn or (lambda v: v) for _, fn in keys]
    width = len(keys)

    def key_of(row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(fn(v) for fn, v in zip(convert, row[:width], strict=True))

    vcols = [sub.c[f"v{i}"] for i in range(sums)]
    bags: dict[tuple[Any, ...], Bag] = {}
    conn = s.connection()  # plain rows: no ORM bookkeeping for thousands of them
    for row in conn.execute(
        select(
            *kcols,
            func.count(distinct(sub.c.unit)) if distinct_units else func.count(),
            func.count(distinct(sub.c.who)),
            *(func.sum(c) for c in vcols),
        ).group_by(*kcols)
    ):
        totals = tuple(float(x or 0) for x in row[width + 2 :])
        bags[key_of(row)] = Bag(int(row[width]), int(row[width + 1]), totals, None, None)
    # A small table is read whole (suppression.DETAIL_UNITS): its cells then know what
    # they count, and the rule is checked on the actual groups.
    testing = is_recording()
    whole = testing or sum(b.n for b in bags.values()) <= DETAIL_UNITS
    small = {key for key, b in bags.items() if is_small(b.people, k)}
    if not whole and not small:
        return bags
    extra = [sub.c.unit2] if "unit2" in sub.c else []
    vals = [sub.c[f"v{i}"] for i in range(sums)]
    q = select(*kcols, sub.c.who, sub.c.unit, *extra, *vals)
    if not whole and week_key is not None:
        # Only the weeks that hold a small group: index-friendly ranges on the raw time.
        at = sub.c.at
        i = [name for name, _ in keys].index(week_key)
        weeks: list[dt.date] = sorted({key[i] for key in small})
        q = q.where(or_(*(and_(at >= _at(w), at < _at(w + WEEK)) for w in weeks)))
    elif not whole and len(small) <= 50:
        # Only the small groups, by their keys.
        q = q.where(
            or_(
                *(
                    and_(
                        *(
                            c.is_(None) if v is None else c == v
                            for c, v in zip(kcols, key, strict=True)
                        )
                    )
                    for key in small
                )
            )
        )
    # unit → its values; a unit may count several people (a meeting: its members).
    found: dict[tuple[Any, ...], dict[Hashable, tuple[float, ...]]] = defaultdict(dict)
    pairs: dict[tuple[Any, ...], set[tuple[Hashable, int]]] = defaultdict(set)
    for row in conn.execute(q):
        key = key_of(row)
        if whole or key in small:
            who = int(row[width])
            unit: Hashable = (kind, *row[width + 1 : width + 2 + len(extra)])
            found[key][unit] = tuple(float(x or 0) for x in row[width + 2 + len(extra) :])
            pairs[key].add((unit, who))
    for key in found.keys() | (bags.keys() if whole else set()):
        units = found.get(key, {})
        ids = frozenset(who for _, who in pairs.get(key, ()))
        if not whole:
            bags[key] = replace(bags[key], ids=ids)
            continue
        read = Bag(
            len(units),
            len(ids),
            tuple(sum(v[i] for v in units.values()) for i in range(sums)),
            ids,
            frozenset(units),
            pairs=frozenset(pairs.get(key, ())),
        )
        if testing and key in bags and (read.n, read.people) != (bags[key].n, bags[key].people):
            # Counted, then read row by row, in one transaction: they must agree.
            raise AssertionError(f"{kind} {key}: counted {bags[key].n}, read {read.n}")
        # Read row by row, the rows are the truth (a write may land between two reads).
        bags[key] = read
    return {key: bag for key, bag in bags.items() if not bag.empty}


def python_bag(units: Iterable[tuple[Hashable, int]], k: int, *sums: Sequence[float]) -> Bag:
    """A bag from (unit, person) pairs read in Python (small tables: matches, enrolments)."""
    pairs = list(units)
    ids = frozenset(p for _, p in pairs)
    n = len({u for u, _ in pairs})
    keep_units = is_recording() or len(pairs) <= DETAIL_UNITS
    return Bag(
        n,
        len(ids),
        tuple(float(sum(x)) for x in sums),
        ids if keep_units or is_small(len(ids), k) else None,
        frozenset(u for u, _ in pairs) if keep_units else None,
        pairs=frozenset(pairs) if keep_units else None,
    )


# --------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    """What every table of one programme is protected over."""

    programme_id: int
    k: int
    today: dt.date
    offered: tuple[str, ...]  # departments that can be filtered on
    withheld: tuple[str, ...]  # the others (with people without a department: OTHERS)
    windows: tuple[Window, ...]  # every period a coordinator can pick (and the asked one)
    enrolled: int  # enrolled participants (the population of the department rule)

    @property
    def this_week(self) -> dt.date:
        return monday(self.today)

    @property
    def rows(self) -> tuple[str, ...]:
        return (*self.offered, OTHERS)

    def row(self, department: str | None) -> str:
        return department if department in self.offered else OTHERS  # type: ignore[return-value]


def preset_windows(
    today: dt.date, opens: dt.date | None = None, start: dt.date | None = None
) -> dict[str, Window]:
    """The periods of the dashboard, each a run of whole weeks ending this week."""
    this = monday(today)
    windows: dict[str, Window] = {
        "4w": (this - 3 * WEEK, this),
        "3m": (monday(add_months(today, -3) + dt.timedelta(days=1)), this),
        "12m": (monday(add_months(today, -12) + dt.timedelta(days=1)), this),
        "all": (None, this),
    }
    first = [d for d in (opens, start) if d]
    if first:
        windows["programme"] = (monday(min(first)), this)
    return windows


def window_of(start: dt.date | None, end: dt.date | None, today: dt.date) -> Window:
    """The whole weeks of a period (a period always starts on a Monday)."""
    return (monday(start) if start else None, monday(end or today))


def enrolled_by_department(s: Session, programme_ids: Sequence[int]) -> dict[str | None, int]:
    """Enrolled participants per department, over these programmes (enrolments)."""
    if not programme_ids:
        return {}
    return {
        dept: int(n)
        for dept, n in s.execute(
            select(Person.department, func.count())
            .join(Enrolment, Enrolment.person_id == Person.id)
            .where(Enrolment.programme_id.in_(programme_ids), Enrolment.status == "enrolled")
            .group_by(Person.department)
        )
    }


def scope_of(s: Session, programme: Programme, k: int, asked: Window | None = None) -> Scope:
    today = clock.today()
    sizes = enrolled_by_department(s, [programme.id])
    offered, withheld = offered_groups(sizes, k)
    windows = list(preset_windows(today, programme.enrolment_opens, programme.start_date).values())
    if asked is not None and asked not in windows:
        windows.append(asked)
    return Scope(
        programme.id,
        k,
        today,
        offered,
        withheld,
        tuple(sorted(set(windows), key=lambda w: (w[0] or dt.date.min, w[1]))),
        sum(sizes.values()),
    )


def _inside(inner: Window, outer: Window) -> bool:
    """Every week of ``inner`` is in ``outer``."""
    if outer[0] is not None and (inner[0] is None or inner[0] < outer[0]):
        return False
    return inner[1] <= outer[1]


def in_window(week: dt.date, window: Window) -> bool:
    first, last = window
    return (first is None or week >= first) and week <= last


# --------------------------------------------------------------------------- weekly series


@dataclass
class Series:
    """Cells of one weekly series: per row (department, OTHERS, ALL) and week, and the
    total of every period."""

    name: str
    weekly: dict[str, dict[dt.date, Cell]] = field(default_factory=dict)  # ALL only
    totals: dict[str, dict[Window, Cell]] = field(default_factory=dict)
    everything: Window = (None, dt.date.min)  # every week of data

    def all_time(self, row: str) -> Cell:
        return self.totals[row][self.everything]

    def week(self, row: str, week: dt.date) -> Cell | None:
        return self.weekly.get(row, {}).get(week)

    def weeks(self) -> list[dt.date]:
        return sorted(self.weekly.get(ALL, {}))


def weekly_series(
    table: Table,
    scope: Scope,
    name: str,
    bags: dict[tuple[Hashable, ...], Bag],
    *,
    latent_weeks: bool = False,
    latent_totals: bool = False,
    totals: bool = True,
) -> Series:
    """A weekly series from bags keyed (department, week).

    Week by week for all departments together (the ALL row); for each department
    (and the others together, never shown) its total of every period, and of all
    time (key None). A department's weeks are not cells: one department in one week
    is too fine to protect, and so the chart of a department's view is not offered;
    its totals are (nobody is in two departments, so ALL is their sum).
    """
    by_row: dict[str, dict[dt.date, list[Bag]]] = defaultdict(lambda: defaultdict(list))
    for (dept, week), bag in bags.items():
        by_row[scope.row(dept)][week].append(bag)  # type: ignore[arg-type,index]
    series = Series(name)
    k = scope.k
    weeks = sorted({w for row in by_row.values() for w in row})
    series.weekly[ALL] = {
        w: table.add(
            (name, ALL, w),
            combine(
                [b for row in by_row.values() for b in row.get(w, [])], k, disjoint_people=True
            ),
            latent=latent_weeks,
        )
        for w in weeks
    }
    everything: Window = (None, max([w[1] for w in scope.windows] + weeks))
    windows = list(dict.fromkeys([*scope.windows, everything]))
    row_totals: dict[str, dict[Window, Cell]] = {}
    for row in scope.rows:
        mine = {
            w: combine(found, k, disjoint_people=True) for w, found in by_row.get(row, {}).items()
        }
        latent = latent_totals or row == OTHERS
        inside = {window: {w for w in mine if in_window(w, window)} for window in windows}
        cells = {
            window: table.add(
                (name + "_total", row, window),
                combine([mine[w] for w in sorted(inside[window])], k),
                latent=latent,
            )
            for window in windows
        }
        for outer in windows:
            for inner in windows:
                if inner == outer or not _inside(inner, outer):
                    continue
                gap = table.add(
                    (name + "_total", row, "between", outer, inner),
                    combine([mine[w] for w in sorted(inside[outer] - inside[inner])], k),
                    latent=True,
                )
                table.sum_of(cells[outer], [cells[inner], gap])
        row_totals[row] = cells
    all_totals = window_totals(
        table, (name + "_total", ALL), series.weekly[ALL], windows, latent=latent_totals
    )
    for window in windows:
        table.sum_of(all_totals[window], [row_totals[r][window] for r in scope.rows])
    series.totals = {row: cells for row, cells in row_totals.items()}
    series.totals[ALL] = all_totals
    series.everything = everything
    if not totals:
        for row in scope.rows:  # still cells (relations), but none is shown
            for cell in row_totals[row].values():
                cell.latent = True
        for cell in all_totals.values():
            cell.latent = True
    return series


def window_totals(
    table: Table,
    key: tuple[Hashable, ...],
    weekly: dict[dt.date, Cell],
    windows: Sequence[Window],
    *,
    latent: bool = False,
) -> dict[Window, Cell]:
    """The total of every period, and, for two periods one inside the other, the
    weeks between them: never shown, so protected like a hidden cell (the last 3
    months minus the last 4 weeks must not be a small group)."""
    totals = {
        window: table.total(
            (*key, window),
            [c for w, c in weekly.items() if in_window(w, window)],
            disjoint_people=False,
            latent=latent,
        )
        for window in windows
    }
    for outer in windows:
        for inner in windows:
            if inner == outer or not _inside(inner, outer):
                continue
            between = [
                c for w, c in weekly.items() if in_window(w, outer) and not in_window(w, inner)
            ]
            gap = table.total(
                (*key, "between", outer, inner), between, disjoint_people=False, latent=True
            )
            table.sum_of(totals[outer], [totals[inner], gap])
    return totals


def _dept_week(key: str = "week") -> list[tuple[str, Callable[[Any], Hashable] | None]]:
    return [("dept", None), (key, as_date)]


# --------------------------------------------------------------------------- enrolment


Pairs = list[tuple[Hashable, int]]  # (unit, person)


@dataclass
class EnrolTable:
    """Enrolment over time, match rate and engagement: one population, one table."""

    table: Table
    new: Series  # new enrolments per row and week
    cumulative: dict[dt.date, Cell]  # ALL only: a department's view has no cumulative line
    enrolled: dict[str, Cell]  # per row and ALL; ALL is the end of the cumulative line
    matched: dict[str, Cell]
    buckets: dict[str, dict[str, Cell]]  # row → "0", "1", "2", "3+" → people


def snapshot_people(
    s: Session, programme_ids: Sequence[int]
) -> dict[int, dict[int, tuple[bool, int]]]:
    """Per programme, enrolled person → (in an active match, meetings held so far)."""
    if not programme_ids:
        return {}
    matched = (
        select(MatchMember.person_id.label("person_id"), Match.programme_id.label("programme_id"))
        .join(Match, Match.id == MatchMember.match_id)
        .where(Match.programme_id.in_(programme_ids), active_match())
        .distinct()
        .subquery()
    )
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
            Match.programme_id.in_(programme_ids),
        )
        .group_by(MatchMember.person_id, Match.programme_id)
        .subquery()
    )
    rows = s.execute(
        select(
            Enrolment.programme_id,
            Enrolment.person_id,
            matched.c.person_id.is_not(None),
            func.coalesce(held.c.n, 0),
        )
        .outerjoin(
            matched,
            and_(
                matched.c.person_id == Enrolment.person_id,
                matched.c.programme_id == Enrolment.programme_id,
            ),
        )
        .outerjoin(
            held,
            and_(
                held.c.person_id == Enrolment.person_id,
                held.c.programme_id == Enrolment.programme_id,
            ),
        )
        .where(Enrolment.programme_id.in_(programme_ids), Enrolment.status == "enrolled")
    )
    out: dict[int, dict[int, tuple[bool, int]]] = defaultdict(dict)
    for pid, person, is_matched, n_held in rows:
        out[int(pid)][int(person)] = (bool(is_matched), int(n_held))
    return out


def anchors(s: Session, programme_ids: Sequence[int], k: int) -> dict[int, tuple[Bag, Bag]]:
    """Enrolled and matched people per programme, as bags (Home reads only these)."""
    state = snapshot_people(s, programme_ids)
    out = {}
    for pid in programme_ids:
        people = state.get(pid, {})
        out[pid] = (
            python_bag((((f"enrolled:{pid}", p), p) for p in people), k),
            python_bag((((f"enrolled:{pid}", p), p) for p, (m, _) in people.items() if m), k),
        )
    return out


def _snapshot(pid: int) -> Any:
    """Enrolled participants of a programme: department, in an active match (0/1),
    meetings held so far capped at 3 (the engagement bucket)."""
    matched = (
        select(MatchMember.person_id.label("person_id"))
        .join(Match, Match.id == MatchMember.match_id)
        .where(Match.programme_id == pid, active_match())
        .distinct()
        .subquery()
    )
    held = (
        select(MatchMember.person_id.label("person_id"), func.count().label("n"))
        .select_from(Meeting)
        .join(MatchMember, MatchMember.match_id == Meeting.match_id)
        .join(Match, Match.id == Meeting.match_id)
        .where(
            Meeting.status == HELD, Meeting.scheduled_at <= clock.now(), Match.programme_id == pid
        )
        .group_by(MatchMember.person_id)
        .subquery()
    )
    n_held = func.coalesce(held.c.n, 0)
    return (
        select(
            Person.department.label("dept"),
            case((matched.c.person_id.is_not(None), 1), else_=0).label("matched"),
            case((n_held >= ENGAGED_MEETINGS, ENGAGED_MEETINGS), else_=n_held).label("bucket"),
            Enrolment.person_id.label("who"),
            Enrolment.person_id.label("unit"),
        )
        .join(Person, Person.id == Enrolment.person_id)
        .outerjoin(matched, matched.c.person_id == Enrolment.person_id)
        .outerjoin(held, held.c.person_id == Enrolment.person_id)
        .where(Enrolment.programme_id == pid, Enrolment.status == "enrolled")
    )


def enrol_table(s: Session, scope: Scope) -> EnrolTable:
    k = scope.k
    pid = scope.programme_id
    table = Table(k, f"enrolment:{pid}")
    # A person enrols once per programme: the unit is the person in this programme.
    kind = f"enrolled:{pid}"

    def base(when: Any, *where: ColumnElement[bool]) -> Select[Any]:
        return (
            select(
                Person.department.label("dept"),
                _week(when).label("week"),
                Enrolment.person_id.label("who"),
                Enrolment.person_id.label("unit"),
                when.label("at"),
            )
            .join(Person, Person.id == Enrolment.person_id)
            .where(Enrolment.programme_id == pid, *where)
        )

    new_bags = fetch_bags(s, base(Enrolment.created_at), _dept_week(), k, kind, week_key="week")
    gone_at = func.coalesce(Enrolment.withdrawn_at, Enrolment.created_at)
    left_bags = fetch_bags(
        s, base(gone_at, Enrolment.status == "withdrawn"), _dept_week(), k, kind, week_key="week"
    )
    atom_bags = fetch_bags(
        s, _snapshot(pid), [("dept", None), ("matched", int), ("bucket", int)], k, kind
    )
    new_by_week: dict[dt.date, list[Bag]] = defaultdict(list)
    for (_, week), bag in new_bags.items():
        new_by_week[week].append(bag)
    left_by_week: dict[dt.date, list[Bag]] = defaultdict(list)
    left_by_row: dict[str, list[Bag]] = defaultdict(list)
    for (dept, week), bag in left_bags.items():
        left_by_week[week].append(bag)
        left_by_row[scope.row(dept)].append(bag)
    # (row, in an active match, meetings held): the finest groups of the snapshot.
    atoms_by: dict[tuple[str, bool, str], list[Bag]] = defaultdict(list)
    for (dept, is_matched, bucket), bag in atom_bags.items():
        atoms_by[(scope.row(dept), bool(is_matched), ENGAGEMENT_BUCKETS[bucket])].append(bag)
    new_series = weekly_series(table, scope, "enrol_new", new_bags, totals=False)
    # The cumulative line: E_w + left_w = E_w−1 + new_w, from nobody before the first week.
    # Any two of its points differ by who joined and who left in between, so it is
    # drawn only when no week has a small group of newcomers or of leavers: then
    # every difference is a sum of groups of 0 or at least k (DESIGN.md "across views").
    weekly = [
        combine(found, k, disjoint_people=True)
        for found in (*new_by_week.values(), *left_by_week.values())
    ]
    line = not any(is_small(b.people, k) for b in weekly)
    first = min([*new_by_week, *left_by_week], default=scope.this_week)
    last = max(w[1] for w in scope.windows)
    # The line's points know their people when needed (a small point, a small table,
    # the adversary test): read row by row then.
    sizes, size, week = [], 0, first
    while week <= last:
        size += sum(b.n for b in new_by_week.get(week, []))
        size -= sum(b.n for b in left_by_week.get(week, []))
        sizes.append(size)
        week += WEEK
    rows: list[tuple[int, dt.date, dt.date | None]] | None = None
    if line and (
        is_recording()
        or all(b.units is not None for b in new_bags.values())
        or any(is_small(n, k) for n in sizes)
    ):
        rows = [
            (int(p), monday(as_date(c)), monday(as_date(w or c)) if st == "withdrawn" else None)
            for p, c, w, st in s.execute(
                select(
                    Enrolment.person_id,
                    Enrolment.created_at,
                    Enrolment.withdrawn_at,
                    Enrolment.status,
                ).where(Enrolment.programme_id == pid)
            )
        ]
    cumulative: dict[dt.date, Cell] = {}
    previous: Cell | None = None
    left_cells: list[Cell] = []
    size = 0
    week = first
    while line and week <= last:
        arrived_bag = combine(new_by_week.get(week, []), k, disjoint_people=True)
        gone_bag = combine(left_by_week.get(week, []), k, disjoint_people=True)
        size += arrived_bag.n - gone_bag.n
        if rows is not None:
            here = [
                ((kind, p), p)
                for p, joined, left in rows
                if joined <= week and (left is None or left > week)
            ]
            bag = python_bag(here, k)
        else:
            bag = Bag(size, size, (), None, None)
        cell = table.add(("enrolled", ALL, week), bag)
        gone_cell = table.add(("enrol_left", ALL, week), gone_bag, latent=True)
        left_cells.append(gone_cell)
        arrived = new_series.week(ALL, week)
        table.equation([cell, gone_cell], [c for c in (previous, arrived) if c is not None])
        cumulative[week] = cell
        previous = cell
        week += WEEK
    enrolled: dict[str, Cell] = {}
    matched: dict[str, Cell] = {}
    unmatched: dict[str, Cell] = {}
    buckets: dict[str, dict[str, Cell]] = {}
    left_rows: list[Cell] = []
    for row in scope.rows:
        # The finest groups (never shown): every snapshot figure is a sum of them, so a
        # group that two figures happen to pin down is protected too (matched people
        # of a department who all held exactly one meeting …).
        atoms = {
            (m_, b): table.add(
                ("enrol_atom", row, m_, b),
                combine(atoms_by[(row, m_, b)], k, disjoint_people=True),
                latent=True,
            )
            for m_ in (True, False)
            for b in ENGAGEMENT_BUCKETS
        }
        # Headline figures (the department's view, the match-rate bars): hidden to
        # protect another figure only when nothing else can be.
        e = table.total(
            ("enrolled_now", row), list(atoms.values()), disjoint_people=True, keep=True
        )
        m = table.total(
            ("matched", row),
            [c for (m_, _), c in atoms.items() if m_],
            disjoint_people=True,
            keep=True,
        )
        u = table.total(
            ("unmatched", row),
            [c for (m_, _), c in atoms.items() if not m_],
            disjoint_people=True,
            latent=True,
        )
        table.sum_of(e, [m, u])
        # Everyone who enrolled = still enrolled + withdrawn (a department's bars add up).
        gone_row = table.add(
            ("enrol_left", row), combine(left_by_row[row], k, disjoint_people=True), latent=True
        )
        left_rows.append(gone_row)
        table.equation([e, gone_row], [new_series.all_time(row)])
        buckets[row] = {
            b: table.total(
                ("engagement", row, b),
                [atoms[(True, b)], atoms[(False, b)]],
                disjoint_people=True,
                latent=row == OTHERS,
            )
            for b in ENGAGEMENT_BUCKETS
        }
        table.sum_of(e, list(buckets[row].values()))
        rest = table.total(
            ("not_engaged", row),
            [buckets[row][b] for b in ENGAGEMENT_BUCKETS[:3]],
            disjoint_people=True,
            latent=True,
        )
        table.sum_of(e, [buckets[row]["3+"], rest])
        enrolled[row], matched[row], unmatched[row] = e, m, u
    if left_cells:
        table.equation(left_rows, left_cells)
    # ALL: the current total, which is also the end of the cumulative line.
    if scope.this_week in cumulative:
        e_all = cumulative[scope.this_week]
        table.sum_of(e_all, [enrolled[r] for r in scope.rows])
    else:
        e_all = table.total(
            ("enrolled_now", ALL), [enrolled[r] for r in scope.rows], disjoint_people=True
        )
    m_all = table.total(("matched", ALL), [matched[r] for r in scope.rows], disjoint_people=True)
    u_all = table.total(
        ("unmatched", ALL), [unmatched[r] for r in scope.rows], disjoint_people=True, latent=True
    )
    table.sum_of(e_all, [m_all, u_all])
    # Home shows these two for every programme: they follow their own rule only.
    e_all.fixed = m_all.fixed = True
    e_all.hidden, m_all.hidden = fixed_rate(m_all.bag, e_all.bag, k)
    enrolled[ALL], matched[ALL] = e_all, m_all
    buckets[ALL] = {
        b: table.total(
            ("engagement", ALL, b), [buckets[r][b] for r in scope.rows], disjoint_people=True
        )
        for b in ENGAGEMENT_BUCKETS
    }
    table.sum_of(e_all, list(buckets[ALL].values()))
    rest_all = table.total(
        ("not_engaged", ALL),
        [buckets[ALL][b] for b in ENGAGEMENT_BUCKETS[:3]],
        disjoint_people=True,
        latent=True,
    )
    table.sum_of(e_all, [buckets[ALL]["3+"], rest_all])
    return EnrolTable(table.protect(), new_series, cumulative, enrolled, matched, buckets)


# --------------------------------------------------------------------------- goals


@dataclass
class GoalsTable:
    table: Table
    set: Series  # goals set, per week of creation
    achieved: Series  # goals achieved, per week of achievement
    done: Series  # goals set that are achieved now, per week of creation (the completion)


def goals_table(s: Session, scope: Scope) -> GoalsTable:
    k = scope.k
    table = Table(k, f"goals:{scope.programme_id}")

    achieved = and_(Goal.status == "achieved", Goal.achieved_at.is_not(None))

    def base(when: Any, *extra: Any) -> Select[Any]:
        return (
            select(
                Person.department.label("dept"),
                _week(when).label("week"),
                *extra,
                Goal.owner_id.label("who"),
                Goal.id.label("unit"),
                when.label("at"),
            )
            .join(Person, Person.id == Goal.owner_id)
            .where(Goal.programme_id == scope.programme_id)
        )

    keys = _dept_week()
    # Setting a goal and achieving it are two events: each its own kind of unit.
    by_state = fetch_bags(
        s,
        base(Goal.created_at, case((achieved, 1), else_=0).label("done")),
        [*keys, ("done", int)],
        k,
        "goal set",
        week_key="week",
    )
    done_bags = {key[:2]: bag for key, bag in by_state.items() if key[2]}
    open_bags = {key[:2]: bag for key, bag in by_state.items() if not key[2]}
    set_bags = {
        key: combine([done_bags.get(key, EMPTY), open_bags.get(key, EMPTY)], k)
        for key in done_bags.keys() | open_bags.keys()
    }
    set_ = weekly_series(table, scope, "goals_set", set_bags)
    done = weekly_series(table, scope, "goals_done", done_bags, latent_weeks=True)
    still = weekly_series(
        table, scope, "goals_open", open_bags, latent_weeks=True, latent_totals=True
    )
    ach = weekly_series(
        table,
        scope,
        "goals_achieved",
        fetch_bags(
            s, base(Goal.achieved_at).where(achieved), keys, k, "goal achieved", week_key="week"
        ),
    )
    for w, cell in set_.weekly[ALL].items():
        table.sum_of(cell, [c for c in (done.week(ALL, w), still.week(ALL, w)) if c])
    everything = next(w for w in scope.windows if w[0] is None)
    for row, totals in set_.totals.items():
        for window, cell in totals.items():
            table.sum_of(cell, [done.totals[row][window], still.totals[row][window]])
        # Over all time, the goals achieved are the goals set that are achieved.
        table.equation([done.totals[row][everything]], [ach.totals[row][everything]])
    return GoalsTable(table.protect(), set_, ach, done)


# --------------------------------------------------------------------------- activity


ACTIVITY_SERIES = ("reflections", "feedback_given", "feedback_requested")


@dataclass
class ActivityTable:
    table: Table
    series: dict[str, Series]


def _items(
    programme_id: int, when: Any, person: Any, unit: Any, match_col: Any, *extra: Any
) -> Select[Any]:
    """Items of a programme: through their match, or, free-standing, through the
    author's enrolment; labelled for :func:`fetch_bags`."""
    cols = (
        Person.department.label("dept"),
        _week(when).label("week"),
        person.label("who"),
        unit.label("unit"),
        when.label("at"),
    )
    enrolled = select(Enrolment.person_id).where(Enrolment.programme_id == programme_id)
    matches = select(Match.id).where(Match.programme_id == programme_id)
    # Two index-friendly branches instead of an OR that forces a full scan.
    union = union_all(
        select(*cols).join(Person, Person.id == person).where(*extra, match_col.in_(matches)),
        select(*cols)
        .join(Person, Person.id == person)
        .where(*extra, match_col.is_(None), person.in_(enrolled)),
    ).subquery()
    return select(union.c.dept, union.c.week, union.c.who, union.c.unit, union.c.at)


def activity_table(s: Session, scope: Scope) -> ActivityTable:
    k, pid = scope.k, scope.programme_id
    table = Table(k, f"activity:{pid}")
    keys = _dept_week()
    sources = {
        "reflections": _items(
            pid,
            JournalEntry.created_at,
            JournalEntry.author_id,
            JournalEntry.id,
            JournalEntry.match_id,
            JournalEntry.status == "final",
        ),
        "feedback_given": _items(
            pid, Feedback.created_at, Feedback.recipient_id, Feedback.id, Feedback.match_id
        ),
        "feedback_requested": _items(
            pid,
            FeedbackRequest.created_at,
            FeedbackRequest.requester_id,
            FeedbackRequest.id,
            FeedbackRequest.match_id,
        ),
    }
    series = {
        name: weekly_series(
            table,
            scope,
            name,
            # Free-standing items count in every programme of their author: the unit
            # is the item in this programme.
            fetch_bags(s, base, keys, k, f"{name}:{pid}", week_key="week"),
            totals=name == "reflections",  # only reflections have a headline total
        )
        for name, base in sources.items()
    }
    return ActivityTable(table.protect(), series)


# --------------------------------------------------------------------------- meetings and pairs


def health_of(
    *,
    started: dt.date,
    today: dt.date,
    cadence_days: int,
    last_held: dt.date | None,
    missed_twice: bool,
) -> tuple[str, str | None]:
    """Pair health bucket and, for "needs a check-in", why.

    The bucket is core.relationship.meetings.pair_health, the rule the pair's own page uses
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
class PairState:
    match_id: int
    programme_id: int
    members: tuple[int, ...]
    departments: frozenset[str | None]
    bucket: str
    reason: str | None
    started: dt.datetime
    last_held: dt.datetime | None


def match_scope(programme_ids: Sequence[int], department: str | None = None) -> Select[Any]:
    """Matches of these programmes (with a member in ``department`` when given)."""
    q = select(Match.id).where(Match.programme_id.in_(programme_ids))
    if department is not None:
        q = q.where(
            Match.id.in_(
                select(MatchMember.match_id)
                .join(Person, Person.id == MatchMember.person_id)
                .where(Person.department == department)
            )
        )
    return q


def pair_states(s: Session, programme_ids: Sequence[int]) -> list[PairState]:
    """One line per active match of these programmes: its dates and counts, classified."""
    if not programme_ids:
        return []
    now = clock.now()
    in_scope = match_scope(programme_ids)
    held = (
        select(
            Meeting.match_id.label("match_id"),
            func.max(Meeting.scheduled_at).label("last_held"),
        )
        .where(Meeting.match_id.in_(in_scope), Meeting.status == HELD, Meeting.scheduled_at <= now)
        .group_by(Meeting.match_id)
        .subquery()
    )
    rows = s.execute(
        select(
            Match.id,
            Match.programme_id,
            func.coalesce(Match.started_at, Match.published_at, Match.created_at),
            func.coalesce(Agreement.cadence_days, Programme.cadence_days, 14),
            held.c.last_held,
        )
        .join(Programme, Programme.id == Match.programme_id)
        .outerjoin(Agreement, Agreement.match_id == Match.id)
        .outerjoin(held, held.c.match_id == Match.id)
        .where(Match.id.in_(in_scope), active_match())
    ).all()
    # The last two settled meetings (any not still planned, as core.relationship.meetings counts
    # them) both went wrong exactly when at least two were cancelled, moved or
    # missed after the last one held.
    missed_twice = set(
        s.scalars(
            select(Meeting.match_id)
            .outerjoin(held, held.c.match_id == Meeting.match_id)
            .where(
                Meeting.match_id.in_(in_scope),
                Meeting.status.in_(MISSED_STATUSES),
                or_(held.c.last_held.is_(None), Meeting.scheduled_at > held.c.last_held),
            )
            .group_by(Meeting.match_id)
            .having(func.count() >= 2)
        )
    )
    members: dict[int, list[tuple[int, str | None]]] = defaultdict(list)
    for match_id, person, dept in s.execute(
        select(MatchMember.match_id, MatchMember.person_id, Person.department)
        .join(Person, Person.id == MatchMember.person_id)
        .where(MatchMember.match_id.in_(in_scope))
    ):
        members[int(match_id)].append((int(person), dept))
    states = []
    for match_id, programme_id, started, cadence, last_held in rows:
        bucket, reason = health_of(
            started=as_date(started),
            today=now.date(),
            cadence_days=int(cadence),
            last_held=as_date(last_held) if last_held else None,
            missed_twice=match_id in missed_twice,
        )
        who = members.get(int(match_id), [])
        states.append(
            PairState(
                int(match_id),
                int(programme_id),
                tuple(p for p, _ in who),
                frozenset(d for _, d in who),
                bucket,
                reason,
                started,
                last_held,
            )
        )
    return states


@dataclass
class MeetingsTable:
    """Meetings per week and status, pair health, and what the pair KPIs need.

    Pairs span departments: none of this is broken down by department.
    """

    table: Table
    weekly: dict[str, dict[dt.date, Cell]]  # status → week → meetings
    held: dict[Window, Cell]  # meetings held in each period
    buckets: dict[str, Cell]  # health bucket → active matches (the check-in one is public)
    active: Cell  # active matches (fixed: Home shows it)
    states: list[PairState]
    settled: Cell | None  # meetings whose outcome is known (meetings_held_share KPI)
    started: Cell | None  # pairs and circles that started (meetings_per_pair KPI)


def kpi_metrics(s: Session, programme_id: int) -> set[str]:
    return set(
        s.scalars(select(ProgrammeKPI.metric).where(ProgrammeKPI.programme_id == programme_id))
    )


def meetings_table(s: Session, scope: Scope) -> MeetingsTable:
    k, pid = scope.k, scope.programme_id
    table = Table(k, f"meetings:{pid}")
    last = max(w[1] for w in scope.windows)
    base = (
        select(
            _week(Meeting.scheduled_at).label("week"),
            Meeting.status.label("status"),
            MatchMember.person_id.label("who"),
            Meeting.id.label("unit"),
            Meeting.scheduled_at.label("at"),
        )
        .join(MatchMember, MatchMember.match_id == Meeting.match_id)
        .where(Meeting.match_id.in_(match_scope([pid])), Meeting.scheduled_at < _at(last + WEEK))
    )
    bags = fetch_bags(
        s,
        base,
        [("week", as_date), ("status", None)],
        k,
        "meeting",
        week_key="week",
        distinct_units=True,
    )
    weekly: dict[str, dict[dt.date, Cell]] = {status: {} for status in MEETING_SERIES}
    for (week, status), bag in sorted(bags.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        if status in weekly:
            weekly[str(status)][week] = table.add(("meetings", status, week), bag)  # type: ignore[index]
    held = window_totals(table, ("meetings_held",), weekly[HELD], scope.windows)
    kpis = kpi_metrics(s, pid)
    everything = next(w for w in scope.windows if w[0] is None)
    settled = None
    if "meetings_held_share" in kpis:
        not_held = [
            table.total(
                ("meetings_all", status),
                list(weekly[status].values()),
                disjoint_people=False,
                latent=True,
            )
            for status in MISSED_STATUSES
        ]
        rest = table.total(("meetings_not_held",), not_held, disjoint_people=False, latent=True)
        settled = table.total(
            ("meetings_settled",), [held[everything], rest], disjoint_people=False
        )
    health = health_table(s, k, pid, pair_states(s, [pid]), kpis)
    return MeetingsTable(
        table.protect(),
        weekly,
        held,
        health.buckets,
        health.active,
        health.states,
        settled,
        health.started,
    )


@dataclass
class HealthTable:
    """Pair health and the active pairs: its own table (Home reads it too)."""

    table: Table
    buckets: dict[str, Cell]
    active: Cell
    states: list[PairState]
    started: Cell | None


def health_table(
    s: Session, k: int, pid: int, states: list[PairState], kpis: set[str]
) -> HealthTable:
    table = Table(k, f"health:{pid}")
    by_bucket: dict[str, Pairs] = defaultdict(list)
    for st in states:
        by_bucket[st.bucket] += [(("match", st.match_id), p) for p in st.members]
    buckets = {
        b: table.add(("health", b), python_bag(by_bucket[b], k), public=b == NEEDS_CHECKIN)
        for b in HEALTH_BUCKETS
    }
    # The pairs needing a check-in are listed by name (an operational list): public.
    active = table.total(("active",), list(buckets.values()), disjoint_people=False, fixed=True)
    active.hidden = SMALL if is_small(active.people, k) else ""
    if "on_track_share" in kpis:
        rest = table.total(
            ("not_on_track",),
            [buckets[TOO_EARLY], buckets[NEEDS_CHECKIN]],
            disjoint_people=False,
            latent=True,
        )
        table.sum_of(active, [buckets[ON_TRACK], rest])
    started = (
        _started_matches(s, table, pid, states, active, k) if "meetings_per_pair" in kpis else None
    )
    return HealthTable(table.protect(), buckets, active, states, started)


def _started_matches(
    s: Session, table: Table, pid: int, states: list[PairState], active: Cell, k: int
) -> Cell:
    """Pairs and circles that started (active, paused or ended), with the active ones:
    the two overlap, so their difference is protected as well."""
    rows = s.execute(
        select(Match.id, MatchMember.person_id)
        .join(MatchMember, MatchMember.match_id == Match.id)
        .where(
            Match.programme_id == pid,
            Match.started_at.is_not(None),
            Match.status.in_(("active", "paused", "ended")),
        )
    ).all()
    started_ids = {int(m) for m, _ in rows}
    active_ids = {st.match_id for st in states}
    pairs = [(("match", int(m)), int(p)) for m, p in rows]
    both = table.add(
        ("started_active",), python_bag([x for x in pairs if x[0][1] in active_ids], k), latent=True
    )
    only_started = table.add(
        ("started_only",),
        python_bag([x for x in pairs if x[0][1] not in active_ids], k),
        latent=True,
    )
    only_active = table.add(
        ("active_only",),
        python_bag(
            [
                (("match", st.match_id), p)
                for st in states
                if st.match_id not in started_ids
                for p in st.members
            ],
            k,
        ),
        latent=True,
    )
    started = table.total(("started",), [both, only_started], disjoint_people=False)
    table.sum_of(active, [both, only_active])
    return started


# --------------------------------------------------------------------------- skills


@dataclass
class SkillsTable:
    table: Table
    cells: dict[str, dict[str, Cell]]  # row → skill → people with both assessments
    overall: Cell  # ALL, every skill together (the skills_growth KPI)


def skills_table(s: Session, scope: Scope) -> SkillsTable:
    k = scope.k
    table = Table(k, f"skills:{scope.programme_id}")
    end = aliased(SelfAssessment)
    base = (
        select(
            Person.department.label("dept"),
            SelfAssessment.skill.label("skill"),
            Enrolment.person_id.label("who"),
            SelfAssessment.id.label("unit"),
            SelfAssessment.score.label("v0"),
            end.score.label("v1"),
        )
        .join(
            end,
            and_(
                end.enrolment_id == SelfAssessment.enrolment_id,
                end.skill == SelfAssessment.skill,
                end.phase == "end",
            ),
        )
        .join(Enrolment, Enrolment.id == SelfAssessment.enrolment_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(SelfAssessment.phase == "baseline", Enrolment.programme_id == scope.programme_id)
    )
    bags = fetch_bags(s, base, [("dept", None), ("skill", None)], k, "self_assessment", sums=2)
    by_row: dict[str, dict[str, list[Bag]]] = defaultdict(lambda: defaultdict(list))
    for (dept, skill), bag in bags.items():
        by_row[scope.row(dept)][str(skill)].append(bag)  # type: ignore[arg-type]
    skills = sorted({str(skill) for _, skill in bags})
    cells: dict[str, dict[str, Cell]] = {}
    for row in scope.rows:
        cells[row] = {
            skill: table.add(
                ("skill", row, skill),
                combine(by_row[row][skill], k, disjoint_people=True),
                latent=row == OTHERS,
            )
            for skill in skills
        }
    cells[ALL] = {
        skill: table.total(
            ("skill", ALL, skill), [cells[r][skill] for r in scope.rows], disjoint_people=True
        )
        for skill in skills
    }
    overall = table.total(("skills_all",), list(cells[ALL].values()), disjoint_people=False)
    return SkillsTable(table.protect(), cells, overall)


# --------------------------------------------------------------------------- retention


RETENTION_MONTHS = (6, 12)
RETENTION_GROUPS = ("participants", "others")


@dataclass
class RetentionTable:
    table: Table
    horizons: dict[int, dt.date]
    people: dict[tuple[str, str], Cell]  # (row, group) → eligible people
    stayed: dict[tuple[str, str, int], Cell]  # (row, group, months) → still employed


def _eligible(programme: Programme) -> list[ColumnElement[bool]]:
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
    return cond


def retention_table(s: Session, scope: Scope, programme: Programme) -> RetentionTable | None:
    if programme.start_date is None:
        return None
    k = scope.k
    table = Table(k, f"retention:{programme.id}")
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
    horizons = {m: add_months(programme.start_date, m) for m in RETENTION_MONTHS}

    def base(*where: ColumnElement[bool]) -> Select[Any]:
        return select(
            Person.department.label("dept"),
            group.label("grp"),
            Person.id.label("who"),
            Person.id.label("unit"),
        ).where(*_eligible(programme), *where)

    keys: list[tuple[str, Callable[[Any], Hashable] | None]] = [("dept", None), ("grp", None)]
    kind = f"person:{programme.id}"  # a person, as eligible for this programme
    people_bags = fetch_bags(s, base(), keys, k, kind)
    due = [m for m, h in horizons.items() if h <= scope.today]  # later ones: not yet
    stay_bags, left_bags = {}, {}
    before = programme.start_date
    for m in due:
        h = horizons[m]
        stay_bags[m] = fetch_bags(
            s, base(or_(Person.leave_date.is_(None), Person.leave_date > h)), keys, k, kind
        )
        # Left between the previous horizon and this one: read, not subtracted, so
        # that a small group of leavers has its ids.
        left_bags[m] = fetch_bags(
            s, base(Person.leave_date > before, Person.leave_date <= h), keys, k, kind
        )
        before = h
    people: dict[tuple[str, str], Cell] = {}
    stayed: dict[tuple[str, str, int], Cell] = {}
    left: dict[tuple[str, str, int], Cell] = {}

    def gather(found: dict[tuple[Hashable, ...], Bag], row: str, grp: str) -> Bag:
        return combine(
            [b for (d, g), b in found.items() if g == grp and scope.row(d) == row],  # type: ignore[arg-type]
            k,
            disjoint_people=True,
        )

    for grp in RETENTION_GROUPS:
        for row in scope.rows:
            outer = people[(row, grp)] = table.add(
                ("retention", row, grp), gather(people_bags, row, grp), latent=row == OTHERS
            )
            for m in due:
                inner = stayed[(row, grp, m)] = table.add(
                    ("stayed", row, grp, m), gather(stay_bags[m], row, grp), latent=row == OTHERS
                )
                gone = left[(row, grp, m)] = table.add(
                    ("left", row, grp, m), gather(left_bags[m], row, grp), latent=True
                )
                table.sum_of(outer, [inner, gone])
                outer = inner
        outer = people[(ALL, grp)] = table.total(
            ("retention", ALL, grp), [people[(r, grp)] for r in scope.rows], disjoint_people=True
        )
        for m in due:
            inner = stayed[(ALL, grp, m)] = table.total(
                ("stayed", ALL, grp, m),
                [stayed[(r, grp, m)] for r in scope.rows],
                disjoint_people=True,
            )
            gone = table.total(
                ("left", ALL, grp, m),
                [left[(r, grp, m)] for r in scope.rows],
                disjoint_people=True,
                latent=True,
            )
            table.sum_of(outer, [inner, gone])
            outer = inner
    return RetentionTable(table.protect(), horizons, people, stayed)


def active_bags(s: Session, programme_ids: Sequence[int], k: int) -> dict[int, Bag]:
    """Active matches per programme, with their members (as :func:`meetings_table`'s)."""
    if not programme_ids:
        return {}
    pairs: dict[int, Pairs] = defaultdict(list)
    for pid, match_id, person in s.execute(
        select(Match.programme_id, Match.id, MatchMember.person_id)
        .join(MatchMember, MatchMember.match_id == Match.id)
        .where(Match.programme_id.in_(programme_ids), active_match())
    ):
        pairs[int(pid)].append((("match", int(match_id)), int(person)))
    return {pid: python_bag(found, k) for pid, found in pairs.items()}
