"""The training needs' protected table: the enrolled people who want and who offer each
skill, per department row and for all of them (core.insights.tna draws the grid from it).

A part the server keeps (core.insights.table_cache, "needs"): at company scale the table
is a few hundred cells of a hundred people each, counted in SQL like every figure of the
dashboard; only a small table (DETAIL_UNITS things in all) is read row by row and checked
on its actual groups too.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from core.insights.scope import ALL, Scope
from core.kernel.bags import fetch_bags
from core.kernel.privacy import Bag, Cell, Table, combine
from db.models import Enrolment, EnrolmentSkill, EnrolmentStatus, Person, Skill

KINDS = ("wanted", "offered")


@dataclass(frozen=True)
class SkillRef:
    id: int
    name: str
    category: str


@dataclass
class NeedsTable:
    table: Table
    skills: tuple[SkillRef, ...]  # the grid's skills, by category then name
    cells: dict[tuple[str, int, str], Cell]  # (row or ALL, skill id, kind) → its people


def canonical(s: Session) -> dict[int, Skill]:
    """skill id → the skill it now counts as: a merged skill (an alias) its target, as
    db.models.skill_name names it (a merge re-points the aliases it had: one step)."""
    skills = {k.id: k for k in s.scalars(select(Skill))}
    return {i: skills.get(k.merged_into_id or i, k) for i, k in skills.items()}


def programme_skills(s: Session, programme_id: int) -> list[Skill]:
    return list(
        s.scalars(
            select(Skill).where(
                (Skill.programme_id == programme_id) | Skill.programme_id.is_(None),
                Skill.merged_into_id.is_(None),
            )
        )
    )


def needs_table(s: Session, scope: Scope) -> NeedsTable:
    """Wanted and offered per department row × skill, protected (core.kernel.privacy).

    Counted in SQL per department, skill (merged ones as their target) and kind, a person
    once; people's ids only for the groups of fewer than k people, and every row only for
    a small table (:func:`core.kernel.bags.fetch_bags`). A thing counted is a (person,
    skill, kind): it is in one department's cell and its column total alone."""
    k, programme_id = scope.k, scope.programme_id
    resolved = canonical(s)
    target = {skill_id: skill.id for skill_id, skill in resolved.items() if skill.id != skill_id}
    skill_col: Any = (
        case(target, value=EnrolmentSkill.skill_id, else_=EnrolmentSkill.skill_id)
        if target
        else EnrolmentSkill.skill_id
    )
    base = (
        select(
            Person.department.label("dept"),
            skill_col.label("skill"),
            EnrolmentSkill.kind.label("kind"),
            Person.id.label("who"),
            Person.id.label("unit"),
            skill_col.label("unit2"),
            EnrolmentSkill.kind.label("unit3"),
        )
        .join(Enrolment, Enrolment.id == EnrolmentSkill.enrolment_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Enrolment.programme_id == programme_id, Enrolment.status == EnrolmentStatus.ENROLLED)
    )
    # One (person, skill, kind) each: a merged skill counts a person once.
    by_department = fetch_bags(
        s,
        base,
        [("dept", None), ("skill", int), ("kind", None)],
        k,
        f"tna:{programme_id}",
        distinct_units=True,
    )
    found: dict[tuple[str, int, str], list[Bag]] = defaultdict(list)
    for (department, skill_id, kind), bag in by_department.items():
        found[(scope.row(department), skill_id, kind)].append(bag)
    used = sorted(
        {resolved[skill_id] for (_row, skill_id, _kind) in found}
        | set(programme_skills(s, programme_id)),
        key=lambda sk: (sk.category, sk.name),
    )
    table = Table(k, f"tna:{programme_id}")
    cells: dict[tuple[str, int, str], Cell] = {}
    for skill in used:
        for kind in KINDS:
            for row in scope.rows:
                # Departments are disjoint groups of people.
                bag = combine(found.get((row, skill.id, kind), []), k, disjoint_people=True)
                cells[(row, skill.id, kind)] = table.add(("tna", row, skill.id, kind), bag)
            cells[(ALL, skill.id, kind)] = table.total(
                ("tna", ALL, skill.id, kind),
                [cells[(row, skill.id, kind)] for row in scope.rows],
                disjoint_people=True,
            )
    table.protect()
    return NeedsTable(table, tuple(SkillRef(sk.id, sk.name, sk.category) for sk in used), cells)
