"""Retention: eligible participants and non-participants still employed 6 and 12 months after the start."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, or_, select
from sqlalchemy.orm import Session

from core.insights.scope import ALL, OTHERS, Scope, add_months
from core.kernel.bags import fetch_bags
from core.kernel.privacy import Bag, Cell, Table, combine
from db.models import Enrolment, EnrolmentStatus, Person, Programme

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
        Enrolment.status == EnrolmentStatus.ENROLLED,
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
