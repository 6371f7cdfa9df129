"""Enrolment over time, match rate and engagement: one population, one protected table."""

from __future__ import annotations

import datetime as dt
from array import array
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from core.insights.headcounts import counted, held_meetings
from core.insights.scope import ALL, OTHERS, Scope, active_match, as_date, monday
from core.insights.series import Series, dept_week, weekly_columns, weekly_series
from core.kernel.bags import WEEK, fetch_bags, python_bag
from core.kernel.privacy import Bag, Cell, Table, combine, fixed_rate, is_recording, is_small
from db.models import Enrolment, EnrolmentStatus, Match, MatchMember, Person

ENGAGED_MEETINGS = 3  # DESIGN.md: engaged participant = at least 3 meetings held
ENGAGEMENT_BUCKETS = ("0", "1", "2", "3+")


@dataclass
class EnrolTable:
    """Enrolment over time, match rate and engagement: one population, one table."""

    table: Table
    new: Series  # new enrolments per row and week
    cumulative: dict[dt.date, Cell]  # ALL only: a department's view has no cumulative line
    enrolled: dict[str, Cell]  # per row and ALL; ALL is the end of the cumulative line
    matched: dict[str, Cell]
    buckets: dict[str, dict[str, Cell]]  # row → "0", "1", "2", "3+" → people


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
    held = held_meetings(Match.programme_id == pid)
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
        .where(Enrolment.programme_id == pid, Enrolment.status == EnrolmentStatus.ENROLLED)
    )


def engagement_reading(held: dict[int, tuple[int, dt.datetime]]) -> bytes:
    """All the enrolment part reads of the meetings: each match's meetings held so far
    (``held``: :func:`core.insights.headcounts.held_by_match`), up to three — a member's
    bucket, their matches' meetings summed up to three, is the same from these — as bytes.
    A meeting written that leaves it as it was — planned, cancelled, or held by a pair
    already at three — keeps the part (``Family.enrol``)."""
    return array(
        "q",
        [v for match in sorted(held) for v in (match, min(held[match][0], ENGAGED_MEETINGS))],
    ).tobytes()


def _engagement(
    table: Table,
    row: str,
    enrolled: Cell,
    parts: dict[str, list[Cell]],
    latent: bool = False,
) -> dict[str, Cell]:
    """The engagement buckets of ``row`` (each the sum of its ``parts``), declared to
    add up to its enrolled people, and the not-engaged ones (buckets below 3+) to the rest."""
    buckets = {
        b: table.total(("engagement", row, b), parts[b], disjoint_people=True, latent=latent)
        for b in ENGAGEMENT_BUCKETS
    }
    table.sum_of(enrolled, list(buckets.values()))
    rest = table.total(
        ("not_engaged", row),
        [buckets[b] for b in ENGAGEMENT_BUCKETS[:3]],
        disjoint_people=True,
        latent=True,
    )
    table.sum_of(enrolled, [buckets["3+"], rest])
    return buckets


def enrol_table(s: Session, scope: Scope) -> EnrolTable:
    k = scope.k
    pid = scope.programme_id
    table = Table(k, f"enrolment:{pid}")
    # A person enrols once per programme: the unit is the person in this programme.
    kind = f"enrolled:{pid}"

    def base(when: Any, *where: ColumnElement[bool]) -> Select[Any]:
        return (
            select(*weekly_columns(when, Enrolment.person_id, Enrolment.person_id))
            .join(Person, Person.id == Enrolment.person_id)
            .where(Enrolment.programme_id == pid, *where)
        )

    new_bags = fetch_bags(s, base(Enrolment.created_at), dept_week(), k, kind, week_key="week")
    gone_at = func.coalesce(Enrolment.withdrawn_at, Enrolment.created_at)
    left_bags = fetch_bags(
        s,
        base(gone_at, Enrolment.status == EnrolmentStatus.WITHDRAWN),
        dept_week(),
        k,
        kind,
        week_key="week",
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
            (
                int(p),
                monday(as_date(c)),
                monday(as_date(w or c)) if st == EnrolmentStatus.WITHDRAWN else None,
            )
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
            bag = counted(size)
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
        by_bucket = {b: [atoms[(True, b)], atoms[(False, b)]] for b in ENGAGEMENT_BUCKETS}
        buckets[row] = _engagement(table, row, e, by_bucket, latent=row == OTHERS)
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
    by_bucket = {b: [buckets[r][b] for r in scope.rows] for b in ENGAGEMENT_BUCKETS}
    buckets[ALL] = _engagement(table, ALL, e_all, by_bucket)
    return EnrolTable(table.protect(), new_series, cumulative, enrolled, matched, buckets)
