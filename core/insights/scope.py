"""What the protected tables of one programme are built over: department rows, periods, weeks.

Every coordinator figure of a programme comes from one protected table per part
(:mod:`~core.insights.enrolment`, :mod:`~core.insights.activity`,
:mod:`~core.insights.pairs`, :mod:`~core.insights.skills_growth`,
:mod:`~core.insights.retention`, :mod:`~core.insights.survey_table`), each built
over the :class:`Scope` below. :mod:`core.insights.dashboard` builds its views (every filter of the dashboard, the KPIs, the
exports, Home's counts, the training-needs grid's sizes) from these tables, so a
figure has one decision wherever it appears. Each table holds, for the whole
history of the programme, every department row that can be filtered on, every
week and every period a coordinator can pick, and protects them together
(:mod:`core.kernel.privacy`): a week hidden on the chart stays hidden in every
period, a department hidden in its own view cannot be worked out from the total,
and no total minus its shown parts describes a small group.

Design choices that keep the tables exact:

* **Departments** that can be filtered on are those of :func:`core.kernel.privacy.offered_groups`
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, exists, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import FunctionElement

from core.insights.table_cache import TableCache, kept_or_built
from core.kernel import clock
from core.kernel.bags import WEEK
from core.kernel.i18n import t
from core.kernel.privacy import offered_groups
from core.kernel.tx import get_or_404
from db.models import (
    Enrolment,
    EnrolmentStatus,
    Match,
    MatchMember,
    MatchStatus,
    MemberResponse,
    Person,
    Programme,
)

ALL = "*"  # the row of every department
OTHERS = "…"  # departments not offered, and people without one, together


# A period: (first Monday, or None for "from the beginning"; last Monday).
Window = tuple[dt.date | None, dt.date]


class week_of(FunctionElement[dt.date]):  # noqa: N801 - a SQL function
    """Monday of the week of a datetime, as a DATE (SQLite and PostgreSQL)."""

    type = Date()
    inherit_cache = True
    name = "tandem_week"


@compiles(week_of)
def _week_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    # 'weekday 0' moves forward to Sunday (or stays on it); six days back is Monday.
    arg = compiler.process(element.clauses, **kw)
    return f"date({arg}, 'weekday 0', '-6 days')"


@compiles(week_of, "postgresql")
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


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def active_match() -> ColumnElement[bool]:
    """Active match (DESIGN.md): published, accepted by every member, not ended."""
    other = aliased(MatchMember)
    not_accepted = exists().where(
        other.match_id == Match.id, other.response != MemberResponse.ACCEPTED
    )
    return and_(Match.status == MatchStatus.ACTIVE, ~not_accepted)


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
    asked: Window | None = None  # the period picked by hand, when no preset is it

    @property
    def slot(self) -> tuple[int, Window | None]:
        """Where a server keeps this scope's parts (core.insights.table_cache): one place per
        programme for the presets, one per period picked by hand; a newer scope (the next
        day, another k) takes its place."""
        return self.programme_id, self.asked

    @property
    def custom(self) -> bool:
        """A period picked by hand: its parts are kept apart, a few at a time."""
        return self.asked is not None

    @property
    def this_week(self) -> dt.date:
        return monday(self.today)

    @property
    def rows(self) -> tuple[str, ...]:
        return (*self.offered, OTHERS)

    def row(self, department: str | None) -> str:
        return department if department in self.offered else OTHERS  # type: ignore[return-value]


def programme_or_404(s: Session, programme_id: object) -> Programme:
    """The programme a coordinator picked, or NotFound (it may have been deleted meanwhile)."""
    return get_or_404(
        s, Programme, programme_id, missing=t("This programme does not exist (any more).")
    )


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
            .where(
                Enrolment.programme_id.in_(programme_ids),
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
            .group_by(Person.department)
            # one order whatever plan the database picks (after ANALYZE PostgreSQL hashes)
            .order_by(Person.department.nulls_first())
        )
    }


def department_sizes(
    s: Session, programme_id: int, tables: TableCache | None = None
) -> dict[str | None, int]:
    """Enrolled participants per department of a programme: kept by the server (``tables``)
    while the enrolments and the people keep their versions (every view of a programme's
    figures reads it, several times a page)."""
    return kept_or_built(
        tables, s, "sizes", programme_id, lambda: enrolled_by_department(s, [programme_id])
    )


def scope_of(
    s: Session,
    programme: Programme,
    k: int,
    asked: Window | None = None,
    tables: TableCache | None = None,
) -> Scope:
    today = clock.today()
    sizes = department_sizes(s, programme.id, tables)
    offered, withheld = offered_groups(sizes, k)
    windows = list(preset_windows(today, programme.enrolment_opens, programme.start_date).values())
    custom = asked if asked is not None and asked not in windows else None
    if custom is not None:
        windows.append(custom)
    return Scope(
        programme.id,
        k,
        today,
        offered,
        withheld,
        tuple(sorted(set(windows), key=lambda w: (w[0] or dt.date.min, w[1]))),
        sum(sizes.values()),
        custom,
    )


def window_inside(inner: Window, outer: Window) -> bool:
    """Every week of ``inner`` is in ``outer``."""
    if outer[0] is not None and (inner[0] is None or inner[0] < outer[0]):
        return False
    return inner[1] <= outer[1]


def nested(windows: Sequence[Window]) -> Iterator[tuple[Window, Window]]:
    """Every (outer, inner) pair of the periods, the inner one inside the outer one."""
    for outer in windows:
        for inner in windows:
            if inner != outer and window_inside(inner, outer):
                yield outer, inner


def in_window(week: dt.date, window: Window) -> bool:
    first, last = window
    return (first is None or week >= first) and week <= last
