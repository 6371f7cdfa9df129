"""Training-needs analysis: skills wanted vs offered by enrolled participants, by department.

The department × skill grid is an aggregate, protected like every coordinator
figure (core.kernel.privacy): a count of 1 … k−1 people is hidden, and so is
whatever would give it back by subtraction (the "all departments" row minus the
other rows). The rows are the departments the dashboard can be filtered on, then
the others together; their sizes are the dashboard's own cells. The "who wants /
who offers" list for one skill is an operational list the coordinator needs to
run the programme (names, no content) and is shown whole.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.insights.figures import Figure, figure_of
from core.insights.scope import ALL, OTHERS, Scope, programme_or_404, window_of
from core.insights.view import Family
from core.kernel import clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.bags import python_bag
from core.kernel.errors import NotFound
from core.kernel.i18n import t
from core.kernel.privacy import Cell, Table, emit
from core.kernel.settings import k_threshold
from db.models import Enrolment, EnrolmentSkill, EnrolmentStatus, Person, Programme, Skill


class _Gap:
    wanted: int | None
    offered: int | None

    @property
    def gap(self) -> int | None:
        """Wanted − offered: > 0 a gap, < 0 a surplus; None when either is hidden."""
        if self.wanted is None or self.offered is None:
            return None
        return self.wanted - self.offered


@dataclass(frozen=True)
class NeedsCell(_Gap):
    department: str  # a department, or core.insights.scope.OTHERS for the others together
    skill_id: int
    skill: str
    category: str
    people: int | None  # enrolled participants of the row (None when hidden)
    suppressed: bool  # wanted and offered both hidden
    wanted: int | None  # None when hidden
    offered: int | None
    reason: str = ""  # core.kernel.privacy: small | difference


@dataclass(frozen=True)
class SkillTotal(_Gap):
    skill_id: int
    skill: str
    category: str
    wanted: int | None
    offered: int | None


@dataclass(frozen=True)
class NeedsGrid:
    programme_id: int
    k: int
    enrolled: int | None  # None when hidden
    departments: tuple[tuple[str, int | None], ...]  # (row, enrolled people or None)
    cells: tuple[NeedsCell, ...]
    totals: tuple[SkillTotal, ...]  # across all departments
    withheld: tuple[str, ...] = ()  # departments counted in OTHERS (too small to show alone)

    @property
    def suppressed_departments(self) -> tuple[str, ...]:
        return tuple(d for d, n in self.departments if n is None)


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


def _enrolled_sizes(s: Session, programme: Programme, k: int) -> tuple[Scope, dict[str, Figure]]:
    """Enrolled people per department row (offered ones, then the others) and ALL: the
    protected cells of the dashboard, shown with the grid."""
    fam = Family(s, programme, k, window_of(None, None, clock.today()))
    where = f"sizes:{programme.id}"
    return fam.scope, {row: figure_of(where, cell) for row, cell in fam.enrol.enrolled.items()}


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
    """Wanted, offered and gap per department × skill, protected (core.kernel.privacy)."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        programme = programme_or_404(s, programme_id)
        k = k_threshold(s)
        scope, sizes = _enrolled_sizes(s, programme, k)
        canonical = _canonical(s)
        # One (person, skill, kind) each: a merged skill counts a person once.
        found: dict[tuple[str, int, str], set[int]] = defaultdict(set)
        for person_id, department, skill_id, kind in s.execute(
            select(Person.id, Person.department, EnrolmentSkill.skill_id, EnrolmentSkill.kind)
            .join(Enrolment, Enrolment.id == EnrolmentSkill.enrolment_id)
            .join(Person, Person.id == Enrolment.person_id)
            .where(
                Enrolment.programme_id == programme_id, Enrolment.status == EnrolmentStatus.ENROLLED
            )
        ):
            skill = canonical.get(skill_id)
            if skill is not None:
                found[(scope.row(department), skill.id, kind)].add(int(person_id))
        used = sorted(
            {canonical[skill_id] for (_row, skill_id, _kind) in found}
            | set(_programme_skills(s, programme_id)),
            key=lambda sk: (sk.category, sk.name),
        )
        table = Table(k, f"tna:{programme_id}")
        cells: dict[tuple[str, int, str], Cell] = {}
        for skill in used:
            for kind in ("wanted", "offered"):
                for row in scope.rows:
                    people = found.get((row, skill.id, kind), set())
                    bag = python_bag(
                        ((("tna", programme_id, p, skill.id, kind), p) for p in people), k
                    )
                    cells[(row, skill.id, kind)] = table.add(("tna", row, skill.id, kind), bag)
                cells[(ALL, skill.id, kind)] = table.total(
                    ("tna", ALL, skill.id, kind),
                    [cells[(row, skill.id, kind)] for row in scope.rows],
                    disjoint_people=True,
                )
        table.protect()
        where = f"tna:{programme_id}"
        rows = [r for r in scope.rows if r != OTHERS or sizes[OTHERS].value != 0]

        def value(cell: Cell) -> int | None:
            emit(where, cell)
            return None if cell.hidden else cell.n

        grid_cells = []
        for row in rows:
            size = sizes[row]
            for skill in used:
                wanted = cells[(row, skill.id, "wanted")]
                offered = cells[(row, skill.id, "offered")]
                w, o = value(wanted), value(offered)
                grid_cells.append(
                    NeedsCell(
                        department=row,
                        skill_id=skill.id,
                        skill=skill.name,
                        category=skill.category,
                        people=None if size.suppressed else int(size.value or 0),
                        suppressed=w is None and o is None,
                        wanted=w,
                        offered=o,
                        reason=wanted.hidden or offered.hidden,
                    )
                )
        totals = [
            SkillTotal(
                skill.id,
                skill.name,
                skill.category,
                value(cells[(ALL, skill.id, "wanted")]),
                value(cells[(ALL, skill.id, "offered")]),
            )
            for skill in used
        ]
        enrolled = sizes[ALL]
        return NeedsGrid(
            programme_id=programme_id,
            k=k,
            enrolled=None if enrolled.suppressed else int(enrolled.value or 0),
            departments=tuple(
                (row, None if sizes[row].suppressed else int(sizes[row].value or 0)) for row in rows
            ),
            cells=tuple(grid_cells),
            totals=tuple(totals),
            withheld=scope.withheld,
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
        programme_or_404(s, programme_id)
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
                Enrolment.status == EnrolmentStatus.ENROLLED,
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
