"""The training needs' protected table: the enrolled people who want and who offer each
skill, per department row and for all of them (core.insights.tna draws the grid from it).

A part the server keeps (core.insights.table_cache, "needs"): at company scale the table
is a few hundred cells of a hundred people each, and protecting it exactly (every cell a
small group of its own, checked on the actual people) is most of the page's time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.insights.scope import ALL, Scope
from core.kernel.bags import python_bag, read_whole
from core.kernel.privacy import Cell, Table
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
    """skill id → the skill it now counts as (merged skills follow their target)."""
    skills = {k.id: k for k in s.scalars(select(Skill))}
    resolved: dict[int, Skill] = {}
    for skill_id, skill in skills.items():
        seen = {skill_id}
        while skill.merged_into_id and skill.merged_into_id in skills:
            if skill.merged_into_id in seen:  # a cycle would be a data error: stop
                break
            seen.add(skill.merged_into_id)
            skill = skills[skill.merged_into_id]
        resolved[skill_id] = skill
    return resolved


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
    """Wanted and offered per department row × skill, protected (core.kernel.privacy)."""
    k, programme_id = scope.k, scope.programme_id
    resolved = canonical(s)
    # One (person, skill, kind) each: a merged skill counts a person once.
    found: dict[tuple[str, int, str], set[int]] = defaultdict(set)
    for person_id, department, skill_id, kind in s.execute(
        select(Person.id, Person.department, EnrolmentSkill.skill_id, EnrolmentSkill.kind)
        .join(Enrolment, Enrolment.id == EnrolmentSkill.enrolment_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Enrolment.programme_id == programme_id, Enrolment.status == EnrolmentStatus.ENROLLED)
    ):
        skill = resolved.get(skill_id)
        if skill is not None:
            found[(scope.row(department), skill.id, kind)].add(int(person_id))
    used = sorted(
        {resolved[skill_id] for (_row, skill_id, _kind) in found}
        | set(programme_skills(s, programme_id)),
        key=lambda sk: (sk.category, sk.name),
    )
    # A large table is checked on its declared sums only, like every table read in SQL:
    # a cell's things (person, skill, kind) are in no other base cell, so the actual
    # groups add nothing to its sums (measured: 32 568 things, 260 ms more a build).
    whole = read_whole(sum(len(people) for people in found.values()))
    table = Table(k, f"tna:{programme_id}")
    cells: dict[tuple[str, int, str], Cell] = {}
    for skill in used:
        for kind in KINDS:
            for row in scope.rows:
                people = found.get((row, skill.id, kind), set())
                bag = python_bag(
                    ((("tna", programme_id, p, skill.id, kind), p) for p in people), k, whole=whole
                )
                cells[(row, skill.id, kind)] = table.add(("tna", row, skill.id, kind), bag)
            cells[(ALL, skill.id, kind)] = table.total(
                ("tna", ALL, skill.id, kind),
                [cells[(row, skill.id, kind)] for row in scope.rows],
                disjoint_people=True,
            )
    table.protect()
    return NeedsTable(table, tuple(SkillRef(sk.id, sk.name, sk.category) for sk in used), cells)
