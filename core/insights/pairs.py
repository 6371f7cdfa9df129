"""Pairs and circles: meetings per week, pair health and the active pairs (never split by department)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.insights.headcounts import held_by_match
from core.insights.scope import Scope, Window, active_match, as_date, week_of
from core.insights.series import window_totals
from core.kernel import clock
from core.kernel.bags import WEEK, Closed, midnight, python_bag, weekly_bags
from core.kernel.privacy import SMALL, Cell, Table, is_small
from core.relationship import meeting_rules
from db.folding import name_key
from db.models import (
    Agreement,
    Match,
    MatchMember,
    MatchStatus,
    Meeting,
    MeetingStatus,
    Person,
    Programme,
    ProgrammeKPI,
)

MISSED_STATUSES = (MeetingStatus.CANCELLED, MeetingStatus.MOVED, MeetingStatus.MISSED)


assert set(MISSED_STATUSES) == meeting_rules.NOT_HELD


MEETING_SERIES = (MeetingStatus.HELD, *MISSED_STATUSES, MeetingStatus.PLANNED)
TOO_EARLY, NEEDS_CHECKIN, ON_TRACK = (
    meeting_rules.TOO_EARLY,
    meeting_rules.CHECK_IN,
    meeting_rules.ON_TRACK,
)


HEALTH_BUCKETS = (TOO_EARLY, NEEDS_CHECKIN, ON_TRACK)
NO_FIRST_MEETING, OVERDUE, MISSED_TWICE = "no_first_meeting", "overdue", "missed_twice"


Pairs = list[tuple[Hashable, int]]  # (unit, person)


def health_of(
    *,
    started: dt.date,
    today: dt.date,
    cadence_days: int,
    last_held: dt.date | None,
    missed_twice: bool,
) -> tuple[str, str | None]:
    """Pair health bucket and, for "needs a check-in", why.

    The bucket is core.relationship.meeting_rules.pair_health, the rule the pair's own page uses
    (DESIGN.md "Definitions"); only the last two settled outcomes matter to it,
    so ``missed_twice`` stands for them.
    """
    outcomes = (MeetingStatus.MISSED, MeetingStatus.MISSED) if missed_twice else ()
    bucket = meeting_rules.pair_health(started, today, cadence_days, last_held, outcomes)
    if bucket != NEEDS_CHECKIN:
        return bucket, None
    if last_held is None:
        return bucket, NO_FIRST_MEETING
    if meeting_rules.meeting_overdue(last_held, started, cadence_days, today):
        return bucket, OVERDUE
    return bucket, MISSED_TWICE


@dataclass(frozen=True)
class Pair:
    """An active match, as its meetings leave it: members, start and cadence."""

    match_id: int
    programme_id: int
    members: tuple[int, ...]
    departments: frozenset[str | None]
    started: dt.datetime
    cadence_days: int
    names: tuple[str, ...]  # the members' names, in name order (a check-in's line)


@dataclass(frozen=True)
class PairState(Pair):
    """A pair with its health as of today: its bucket, why it needs a check-in (for that
    bucket), its last meeting held."""

    bucket: str
    reason: str | None
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


def active_pairs(s: Session, programme_ids: Sequence[int]) -> list[Pair]:
    """The active matches of these programmes with their members (no meeting read: kept
    by a server while only meetings are written, ``core.insights.view.Family.pairs``)."""
    if not programme_ids:
        return []
    in_scope = match_scope(programme_ids)
    conn = s.connection()  # plain rows: no ORM bookkeeping for thousands of them
    rows = conn.execute(
        select(
            Match.id,
            Match.programme_id,
            func.coalesce(Match.started_at, Match.published_at, Match.created_at),
            func.coalesce(Agreement.cadence_days, Programme.cadence_days, 14),
        )
        .join(Programme, Programme.id == Match.programme_id)
        .outerjoin(Agreement, Agreement.match_id == Match.id)
        .where(Match.id.in_(in_scope), active_match())
    ).all()
    members: dict[int, list[tuple[int, str | None, str]]] = defaultdict(list)
    for match_id, person, dept, name in conn.execute(
        select(MatchMember.match_id, MatchMember.person_id, Person.department, Person.full_name)
        .join(Person, Person.id == MatchMember.person_id)
        .where(MatchMember.match_id.in_(in_scope))
    ):
        members[int(match_id)].append((int(person), dept, name))
    pairs = []
    # In the matches' and members' order, whatever order the database read them in: the
    # part is the same build after build.
    for match_id, programme_id, started, cadence in sorted(rows, key=lambda r: int(r[0])):
        who = sorted(members.get(int(match_id), []), key=lambda m: m[0])
        pairs.append(
            Pair(
                int(match_id),
                int(programme_id),
                tuple(m[0] for m in who),
                frozenset(m[1] for m in who),
                started,
                int(cadence),
                tuple(sorted((m[2] for m in who), key=name_key)),
            )
        )
    return pairs


def missed_twice(
    s: Session,
    programme_ids: Sequence[int],
    held: dict[int, tuple[int, dt.datetime]],
    since: dt.datetime | None = None,
) -> set[int]:
    """The matches of these programmes whose last two settled meetings (any not still
    planned, as core.relationship.meeting_rules counts them) both went wrong: exactly those
    with at least two cancelled, moved or missed after the last one held (``held``: each
    match's meetings held, :func:`core.insights.headcounts.held_by_match`; ``since``: of
    the misses scheduled from then on)."""
    q = select(Meeting.match_id, Meeting.scheduled_at).where(
        Meeting.match_id.in_(match_scope(programme_ids)),
        Meeting.status.in_(MISSED_STATUSES),
    )
    if since is not None:
        q = q.where(Meeting.scheduled_at >= since)
    after: Counter[int] = Counter()
    for match_id, at in s.connection().execute(q):  # plain rows
        last = held.get(match_id)
        if last is None or at > last[1]:
            after[int(match_id)] += 1
    return {m for m, n in after.items() if n >= 2}


def misses_that_matter(pairs: Sequence[Pair], today: dt.date) -> dt.datetime:
    """Since when a pair's misses can decide its health: the two in a row count only for a
    pair that held a meeting and is not overdue, so whose last meeting held is at most
    1.5 × its cadence old — and the misses that count are after it. Older ones are read
    for nothing (a running programme's months of meetings: most of them)."""
    longest = max((p.cadence_days for p in pairs), default=0)
    days = math.ceil(meeting_rules.OVERDUE_FACTOR * longest) + 1  # a day for the rounding
    return midnight(today - dt.timedelta(days=days))


def pair_states(
    s: Session,
    programme_ids: Sequence[int],
    pairs: list[Pair] | None = None,
    held: dict[int, tuple[int, dt.datetime]] | None = None,
) -> list[PairState]:
    """One line per active match of these programmes: its dates and counts, classified;
    ``pairs``: their :func:`active_pairs`, ``held``: each match's meetings held
    (:func:`core.insights.headcounts.held_by_match`), when already read."""
    if not programme_ids:
        return []
    today = clock.today()
    pairs = active_pairs(s, programme_ids) if pairs is None else pairs
    if held is None:
        held = held_by_match(s, Match.programme_id.in_(programme_ids))
    twice = missed_twice(s, programme_ids, held, misses_that_matter(pairs, today))
    states = []
    for pair in pairs:
        last = held[pair.match_id][1] if pair.match_id in held else None
        bucket, reason = health_of(
            started=as_date(pair.started),
            today=today,
            cadence_days=pair.cadence_days,
            last_held=as_date(last) if last else None,
            missed_twice=pair.match_id in twice,
        )
        states.append(PairState(**vars(pair), bucket=bucket, reason=reason, last_held=last))
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
    return kpis_of(s, [programme_id])[programme_id]


def kpis_of(s: Session, programme_ids: Sequence[int]) -> dict[int, set[str]]:
    """The KPI metrics each programme tracks, in one query."""
    out: dict[int, set[str]] = {pid: set() for pid in programme_ids}
    if programme_ids:
        for pid, metric in s.execute(
            select(ProgrammeKPI.programme_id, ProgrammeKPI.metric).where(
                ProgrammeKPI.programme_id.in_(programme_ids)
            )
        ):
            out[int(pid)].add(metric)
    return out


def meetings_table(
    s: Session,
    scope: Scope,
    closed: Closed | None = None,
    pairs: list[Pair] | None = None,
    held_so_far: dict[int, tuple[int, dt.datetime]] | None = None,
) -> MeetingsTable:
    """The meetings part; ``closed``: its closed weeks (by the week a meeting is scheduled
    in) kept by the server, only this week's meetings counted again; ``pairs``: the
    programme's active pairs, when kept (:func:`active_pairs`); ``held_so_far``: each match's
    meetings held, when already read (:func:`core.insights.headcounts.held_by_match`)."""
    k, pid = scope.k, scope.programme_id
    table = Table(k, f"meetings:{pid}")
    last = max(w[1] for w in scope.windows)

    def base(since: dt.datetime | None) -> Select[Any]:
        q = (
            select(
                week_of(Meeting.scheduled_at).label("week"),
                Meeting.status.label("status"),
                MatchMember.person_id.label("who"),
                Meeting.id.label("unit"),
                Meeting.scheduled_at.label("at"),
            )
            .join(MatchMember, MatchMember.match_id == Meeting.match_id)
            .where(
                Meeting.match_id.in_(match_scope([pid])),
                Meeting.scheduled_at < midnight(last + WEEK),
            )
        )
        return q if since is None else q.where(Meeting.scheduled_at >= since)

    bags = weekly_bags(
        s, base, [("week", as_date), ("status", None)], k, "meeting", closed, distinct_units=True
    )
    weekly: dict[str, dict[dt.date, Cell]] = {status: {} for status in MEETING_SERIES}
    for (week, status), bag in sorted(bags.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        if status in weekly:
            weekly[str(status)][week] = table.add(("meetings", status, week), bag)  # type: ignore[index]
    held = window_totals(table, ("meetings_held",), weekly[MeetingStatus.HELD], scope.windows)
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
    health = health_table(s, k, pid, pair_states(s, [pid], pairs, held_so_far), kpis)
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
    # The Matching page lists every active pair by name: an operational figure, which
    # Home shows by its own rule whatever this table decides.
    active.public = not active.hidden
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
            Match.status.in_((MatchStatus.ACTIVE, MatchStatus.PAUSED, MatchStatus.ENDED)),
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
