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

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, sessionmaker

from core.insights.figures import figure_of
from core.insights.needs_table import canonical
from core.insights.scope import ALL, OTHERS, programme_or_404, window_of
from core.insights.table_cache import TableCache
from core.insights.view import Family
from core.kernel import clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import NotFound
from core.kernel.i18n import t
from core.kernel.privacy import Cell, emit
from core.kernel.settings import k_threshold
from core.kernel.tx import reading
from db.models import NAME_ORDER, Enrolment, EnrolmentSkill, EnrolmentStatus, Person


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
    wanted_by: tuple[PersonLine, ...]  # the first SHOWN, by department then name
    offered_by: tuple[PersonLine, ...]
    wanted_total: int  # how many in all
    offered_total: int


SHOWN = 100  # names of each list read at a time: a company's skill has thousands


def needs_grid(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    tables: TableCache | None = None,
) -> NeedsGrid:
    """Wanted, offered and gap per department × skill, protected (core.kernel.privacy);
    ``tables``: the parts this server keeps (the enrolment and the needs tables)."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        programme = programme_or_404(s, programme_id)
        fam = Family(s, programme, k_threshold(s), window_of(None, None, clock.today()), tables)
        scope, k = fam.scope, fam.scope.k
        # Enrolled people per department row and ALL: the dashboard's own protected cells.
        sizes = {
            row: figure_of(f"sizes:{programme.id}", cell)
            for row, cell in fam.enrol.enrolled.items()
        }
        needs = fam.needs
        cells = needs.cells
        where = f"tna:{programme_id}"
        rows = [r for r in scope.rows if r != OTHERS or sizes[OTHERS].value != 0]

        def value(cell: Cell) -> int | None:
            emit(where, cell)
            return None if cell.hidden else cell.n

        grid_cells = []
        for row in rows:
            size = sizes[row]
            for skill in needs.skills:
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
            for skill in needs.skills
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


def skill_people(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    skill_id: int,
    department: str | None = None,
    shown: int = SHOWN,
) -> SkillPeople:
    """Who wants a skill and who offers it, among enrolled participants (names only): how
    many, and the first ``shown`` of each by department and name (of ``department`` only,
    when given)."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        programme_or_404(s, programme_id)
        resolved = canonical(s)
        target = resolved.get(skill_id)
        if target is None:
            raise NotFound(t("This skill does not exist (any more)."))
        ids = [i for i, sk in resolved.items() if sk.id == target.id]
        among = (
            select(EnrolmentSkill.kind)
            .join(Enrolment, Enrolment.id == EnrolmentSkill.enrolment_id)
            .join(Person, Person.id == Enrolment.person_id)
            .where(
                Enrolment.programme_id == programme_id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
                EnrolmentSkill.skill_id.in_(ids),
            )
        )
        if department is not None:
            among = among.where(Person.department == department)
        totals = dict(
            s.execute(
                among.add_columns(func.count(distinct(Person.id))).group_by(EnrolmentSkill.kind)
            )
            .tuples()
            .all()
        )
        # Columns, not people as objects; one page of each list (DISTINCT: PostgreSQL wants
        # what it orders by among them).
        columns = (
            Person.id,
            Person.full_name,
            Person.department,
            Person.level,
            Person.location,
            Person.sort_name,
        )
        lines = {
            kind: tuple(
                PersonLine(*row[:-1])
                for row in s.execute(
                    among.with_only_columns(*columns)
                    .where(EnrolmentSkill.kind == kind)
                    .distinct()
                    .order_by(Person.department.nulls_last(), *NAME_ORDER, Person.id)
                    .limit(shown)
                )
            )
            for kind in ("wanted", "offered")
        }
        return SkillPeople(
            target.id,
            target.name,
            lines["wanted"],
            lines["offered"],
            totals.get("wanted", 0),
            totals.get("offered", 0),
        )
