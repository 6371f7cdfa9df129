"""One choice of the dashboard's filters over the protected tables of its programmes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.insights.activity import ActivityTable, activity_table, goals_table
from core.insights.checkins import named_checkins, next_meetings
from core.insights.enrolment import EnrolTable, engagement_reading, enrol_table
from core.insights.figures import CheckIn, Filters, Point, point_of
from core.insights.headcounts import headcounts, held_by_match
from core.insights.needs_table import needs_table
from core.insights.pairs import MeetingsTable, Pair, active_pairs, meetings_table
from core.insights.retention import RetentionTable, retention_table
from core.insights.scope import (
    ALL,
    Scope,
    Window,
    department_sizes,
    programme_or_404,
    scope_of,
    window_of,
)
from core.insights.series import Series
from core.insights.skills_growth import skills_table
from core.insights.survey_table import survey_table
from core.insights.table_cache import Narrow, TableCache, kept_or_built
from core.kernel import clock
from core.kernel.bags import WEEK, Closed
from core.kernel.privacy import Cell, combine
from db.models import Match, Programme, ProgrammeStatus

T = TypeVar("T")


def _table(name: str, build: Callable[[Session, Scope], T]) -> cached_property[T]:
    """Protected table ``name`` of the family's scope, built by ``build`` when first read
    (or taken from the server's :class:`TableCache`)."""
    return cached_property(lambda family: family.part(name, lambda: build(family.s, family.scope)))


def _series(name: str) -> cached_property[ActivityTable]:
    """Activity series ``name`` of the family's scope (:meth:`Family.series`)."""
    return cached_property(lambda family: family.series(name))


class Family:
    """The protected tables of one programme, built when first read."""

    def __init__(
        self,
        s: Session,
        programme: Programme,
        k: int,
        asked: Window | None,
        tables: TableCache | None = None,
    ) -> None:
        self.s, self.programme, self.tables = s, programme, tables
        self.scope = scope_of(s, programme, k, asked, tables)

    def part(self, name: str, build: Callable[[], T], narrow: Narrow | None = None) -> T:
        return kept_or_built(self.tables, self.s, name, self.scope, build, narrow)

    def closed(self, name: str) -> Closed | None:
        """The closed weeks of weekly part ``name`` the server keeps (None: no server)."""
        sc = self.scope
        if self.tables is None:
            return None
        return self.tables.closed(self.s, name, sc.programme_id, sc.k, sc.today)

    def series(self, name: str) -> ActivityTable:
        """Activity series ``name``, its closed weeks kept apart by the server."""
        return self.part(
            name, lambda: activity_table(self.s, self.scope, (name,), {name: self.closed(name)})
        )

    @cached_property
    def held(self) -> dict[int, tuple[int, dt.datetime]]:
        """Each match's meetings held so far, how many and the last: read once a view for
        the enrolment part's reading and the pairs' health (after a meeting, both)."""
        return held_by_match(self.s, Match.programme_id == self.programme.id)

    @cached_property
    def enrol(self) -> EnrolTable:
        """The enrolment table: kept across a meeting written that leaves every match's
        meetings held (up to three) as they were."""
        return self.part(
            "enrol",
            lambda: enrol_table(self.s, self.scope),
            Narrow("meeting", lambda: engagement_reading(self.held)),
        )

    goals = _table("goals", goals_table)
    reflections = _series("reflections")
    feedback_given = _series("feedback_given")
    feedback_requested = _series("feedback_requested")

    @cached_property
    def activity(self) -> ActivityTable:
        """The activity series, each protected on its own: a reflection rebuilds one."""
        parts = (self.reflections, self.feedback_given, self.feedback_requested)
        return ActivityTable(
            tuple(t for p in parts for t in p.tables),
            {name: series for p in parts for name, series in p.series.items()},
        )

    @cached_property
    def pairs(self) -> list[Pair]:
        """Its active pairs and their members: kept while only meetings are written."""
        return self.part("pairs", lambda: active_pairs(self.s, [self.programme.id]))

    @cached_property
    def meetings(self) -> MeetingsTable:
        """The meetings part, its closed weeks and active pairs kept apart by the server."""
        return self.part(
            "meetings",
            lambda: meetings_table(
                self.s, self.scope, self.closed("meetings"), self.pairs, self.held
            ),
        )

    @cached_property
    def checkins(self) -> tuple[CheckIn, ...]:
        """Its pairs needing a check-in, named (an operational list, kept like a part)."""
        return self.part("checkins", lambda: named_checkins(self.s, self.meetings.states))

    @cached_property
    def next_meetings(self) -> dict[int, dt.date]:
        """Its pairs' next planned meetings: kept until a meeting is written (even one
        planned for a later week, which no other part reads)."""
        return self.part("next_meetings", lambda: next_meetings(self.s, self.programme.id))

    skills = _table("skills", skills_table)
    needs = _table("needs", needs_table)  # the training needs (core.insights.tna)
    surveys = _table("surveys", survey_table)

    @cached_property
    def headcounts(self) -> tuple[int, int, int, int]:
        """Enrolled, matched, active matches and their members (Home's card)."""
        return headcounts(self.s, [self.programme.id], self.tables)[self.programme.id]

    @cached_property
    def sizes(self) -> dict[str | None, int]:
        """Enrolled participants per department: what the scope was decided from."""
        return department_sizes(self.s, self.programme.id, self.tables)

    @cached_property
    def retention(self) -> RetentionTable | None:
        return self.part("retention", lambda: retention_table(self.s, self.scope, self.programme))

    @cached_property
    def everything(self) -> Window:
        return next(w for w in self.scope.windows if w[0] is None)


def compose(parts: Sequence[Cell | None], key: tuple[str, ...], k: int) -> Cell | None:
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


class View:
    """One choice of filters over one programme or every running programme."""

    def __init__(
        self,
        s: Session,
        k: int,
        f: Filters,
        cache: dict[int, Family] | None = None,
        tables: TableCache | None = None,
    ) -> None:
        """``cache``: families already built in this transaction (the periods of the
        dashboard are in every family, so one family serves every filter); ``tables``:
        the parts this server keeps between transactions."""
        self.s, self.k, self.f = s, k, f
        today = clock.today()
        self.today = today
        self.window: Window = window_of(f.start, f.end, today)
        if f.programme_id is None:
            programmes = s.scalars(
                select(Programme)
                .where(Programme.status == ProgrammeStatus.RUNNING)
                .order_by(Programme.id)
            ).all()
        else:
            programmes = [programme_or_404(s, f.programme_id)]
        cache = {} if cache is None else cache
        for p in programmes:
            if p.id not in cache or self.window not in cache[p.id].scope.windows:
                cache[p.id] = Family(s, p, k, self.window, tables)
        self.families = [cache[p.id] for p in programmes]
        self.row = ALL if f.department is None else f.department
        self.offered = f.department is None or all(
            f.department in fam.scope.offered or fam.scope.enrolled == 0 for fam in self.families
        )
        self.where = f"dashboard:{f.programme_id}:{f.department}:{self.window}"

    @cached_property
    def fams(self) -> list[Family]:
        """The programmes a figure sums over (a department: where anybody is enrolled)."""
        if self.row == ALL:
            return self.families
        return [fam for fam in self.families if fam.scope.enrolled]

    def comp(self, parts: list[Cell | None], *key: str) -> Cell | None:
        return compose(parts, (self.where, *key), self.k)

    def weeks(self, found: Sequence[dt.date]) -> list[dt.date]:
        """Every Monday of the period (from the first week with data when unbounded)."""
        first, last = self.window
        start = first or (min(found) if found else None)
        if start is None or start > last:
            return []
        out, week = [], start
        while week <= last:
            out.append(week)
            week += WEEK
        return out

    def series_points(
        self, series: Sequence[tuple[str, Callable[[Family], Series]]]
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
                points.append(point_of(self.where, week, name, cell))
        return tuple(points)

    def total(self, get: Callable[[Family], Series], name: str) -> Cell | None:
        return self.comp(
            [get(fam).totals.get(self.row, {}).get(self.window) for fam in self.fams], name, "total"
        )

    @cached_property
    def enrolled_cell(self) -> Cell | None:
        return self.comp([fam.enrol.enrolled.get(self.row) for fam in self.fams], "enrolled_now")

    @cached_property
    def matched_cell(self) -> Cell | None:
        return self.comp([fam.enrol.matched.get(self.row) for fam in self.fams], "matched")
