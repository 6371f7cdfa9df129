"""Training-needs analysis: skills wanted vs offered by enrolled participants, by department.

The department × skill grid is an aggregate: a department with fewer than k
enrolled participants has its cells hidden (DESIGN.md, k-suppression). The
"who wants / who offers" list for one skill is an operational list the
coordinator needs to run the programme (names, no content) and is shown whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from core.access import COORDINATOR, Viewer, require_role
from core.errors import NotFound
from core.i18n import t
from core.settings import k_threshold
from db.models import Enrolment, EnrolmentSkill, Person, Programme, Skill


@dataclass(frozen=True)
class NeedsCell:
    department: str | None  # None: people without a department
    skill_id: int
    skill: str
    category: str
    people: int  # enrolled participants of the department: what the cell is computed over
    suppressed: bool
    wanted: int | None  # None when suppressed
    offered: int | None

    @property
    def gap(self) -> int | None:
        """Wanted − offered: > 0 a gap, < 0 a surplus; None when suppressed."""
        if self.wanted is None or self.offered is None:
            return None
        return self.wanted - self.offered


@dataclass(frozen=True)
class SkillTotal:
    skill_id: int
    skill: str
    category: str
    wanted: int | None
    offered: int | None

    @property
    def gap(self) -> int | None:
        if self.wanted is None or self.offered is None:
            return None
        return self.wanted - self.offered


@dataclass(frozen=True)
class NeedsGrid:
    programme_id: int
    k: int
    enrolled: int
    departments: tuple[tuple[str | None, int], ...]  # (department, enrolled people)
    cells: tuple[NeedsCell, ...]
    totals: tuple[SkillTotal, ...]  # across all departments (suppressed if enrolled < k)

    @property
    def suppressed_departments(self) -> tuple[str | None, ...]:
        return tuple(d for d, n in self.departments if n < self.k)


@dataclass(frozen=True)
class PersonLine:
    person_id: int
    name: str
    department: str | None
    level: str | None
    location: str | None


@dataclass(frozen=True)
class SkillPeople:
    skill_id: int
    skill: str
    wanted_by: tuple[PersonLine, ...]
    offered_by: tuple[PersonLine, ...]


def _programme(s: Session, programme_id: int) -> Programme:
    p = s.get(Programme, programme_id)
    if p is None:
        raise NotFound(t("This programme does not exist (any more)."))
    return p


def _canonical(s: Session) -> dict[int, Skill]:
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


def needs_grid(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> NeedsGrid:
    """Wanted, offered and gap per department × skill, k-suppressed per department."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        _programme(s, programme_id)
        k = k_threshold(s)
        enrolled = (Enrolment.programme_id == programme_id) & (Enrolment.status == "enrolled")
        sizes: dict[str | None, int] = {
            department: n
            for department, n in s.execute(
                select(Person.department, func.count())
                .join(Enrolment, Enrolment.person_id == Person.id)
                .where(enrolled)
                .group_by(Person.department)
            )
        }
        canonical = _canonical(s)
        counts: dict[tuple[str | None, int, str], int] = {}
        # One row per (department, skill, kind, person) so a merged skill counts a person once.
        seen: set[tuple[int, int, str]] = set()
        for person_id, department, skill_id, kind in s.execute(
            select(Person.id, Person.department, EnrolmentSkill.skill_id, EnrolmentSkill.kind)
            .join(Enrolment, Enrolment.id == EnrolmentSkill.enrolment_id)
            .join(Person, Person.id == Enrolment.person_id)
            .where(enrolled)
        ):
            skill = canonical.get(skill_id)
            if skill is None or (person_id, skill.id, kind) in seen:
                continue
            seen.add((person_id, skill.id, kind))
            key = (department, skill.id, kind)
            counts[key] = counts.get(key, 0) + 1
        used = sorted(
            {canonical[skill_id] for (_dept, skill_id, _kind) in counts}
            | set(_programme_skills(s, programme_id)),
            key=lambda sk: (sk.category, sk.name),
        )
        departments = tuple(
            sorted(sizes.items(), key=lambda item: (item[0] is None, item[0] or ""))
        )
        cells = []
        for department, n in departments:
            hidden = n < k
            for skill in used:
                wanted = counts.get((department, skill.id, "wanted"), 0)
                offered = counts.get((department, skill.id, "offered"), 0)
                cells.append(
                    NeedsCell(
                        department=department,
                        skill_id=skill.id,
                        skill=skill.name,
                        category=skill.category,
                        people=n,
                        suppressed=hidden,
                        wanted=None if hidden else wanted,
                        offered=None if hidden else offered,
                    )
                )
        total = sum(sizes.values())
        totals = []
        for skill in used:
            wanted = sum(
                v for (_, i, kind), v in counts.items() if i == skill.id and kind == "wanted"
            )
            offered = sum(
                v for (_, i, kind), v in counts.items() if i == skill.id and kind == "offered"
            )
            hidden = total < k
            totals.append(
                SkillTotal(
                    skill.id,
                    skill.name,
                    skill.category,
                    None if hidden else wanted,
                    None if hidden else offered,
                )
            )
        return NeedsGrid(
            programme_id=programme_id,
            k=k,
            enrolled=total,
            departments=departments,
            cells=tuple(cells),
            totals=tuple(totals),
        )


def _programme_skills(s: Session, programme_id: int) -> list[Skill]:
    return list(
        s.scalars(
            select(Skill).where(
                (Skill.programme_id == programme_id) | Skill.programme_id.is_(None),
                Skill.merged_into_id.is_(None),
            )
        )
    )


def skill_people(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int, skill_id: int
) -> SkillPeople:
    """Who wants a skill and who offers it, among enrolled participants (names only)."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        _programme(s, programme_id)
        canonical = _canonical(s)
        target = canonical.get(skill_id)
        if target is None:
            raise NotFound(t("This skill does not exist (any more)."))
        ids = [i for i, sk in canonical.items() if sk.id == target.id]
        rows = s.execute(
            select(EnrolmentSkill.kind, Person)
            .join(Enrolment, Enrolment.id == EnrolmentSkill.enrolment_id)
            .join(Person, Person.id == Enrolment.person_id)
            .where(
                Enrolment.programme_id == programme_id,
                Enrolment.status == "enrolled",
                EnrolmentSkill.skill_id.in_(ids),
            )
            .order_by(Person.department, Person.full_name)
        ).all()
        lines: dict[str, dict[int, PersonLine]] = {"wanted": {}, "offered": {}}
        for kind, p in rows:
            lines.setdefault(kind, {})[p.id] = PersonLine(
                p.id, p.full_name, p.department, p.level, p.location
            )
        return SkillPeople(
            target.id,
            target.name,
            tuple(lines["wanted"].values()),
            tuple(lines["offered"].values()),
        )
