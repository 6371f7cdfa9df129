"""Mentor-skills growth: the protected table of self-assessments, and mean end − mean baseline per skill."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from core.insights.scope import ALL, OTHERS, Scope, programme_or_404, scope_of
from core.insights.table_cache import TableCache, kept_or_built
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.bags import fetch_bags
from core.kernel.privacy import NOT_OFFERED, Bag, Cell, Table, combine, emit
from core.kernel.settings import k_threshold
from core.kernel.tx import reading
from core.surveys.self_assessment import BASELINE, END, SKILLS, skill_label
from db.models import Enrolment, Person, SelfAssessment


@dataclass
class SkillsTable:
    table: Table
    cells: dict[str, dict[str, Cell]]  # row → skill → people with both assessments
    overall: Cell  # ALL, every skill together (the skills_growth KPI)


def skills_table(s: Session, scope: Scope) -> SkillsTable:
    k = scope.k
    table = Table(k, f"skills:{scope.programme_id}")
    end, ended = aliased(SelfAssessment), aliased(SelfAssessment)
    base = (
        select(
            Person.department.label("dept"),
            SelfAssessment.skill.label("skill"),
            Enrolment.person_id.label("who"),
            SelfAssessment.id.label("unit"),
            SelfAssessment.score.label("v0"),
            end.score.label("v1"),
        )
        .join(
            end,
            and_(
                end.enrolment_id == SelfAssessment.enrolment_id,
                end.skill == SelfAssessment.skill,
                end.phase == END,
            ),
        )
        .join(Enrolment, Enrolment.id == SelfAssessment.enrolment_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(
            SelfAssessment.phase == BASELINE,
            Enrolment.programme_id == scope.programme_id,
            # Implied by the join on the end's score, said first: SQLite then skips the
            # enrolments with no end assessment (every one of a running programme) before
            # reading their person and their baseline (company, programme running: 19 → 4 ms).
            Enrolment.id.in_(select(ended.enrolment_id).where(ended.phase == END)),
        )
    )
    bags = fetch_bags(s, base, [("dept", None), ("skill", None)], k, "self_assessment", sums=2)
    by_row: dict[str, dict[str, list[Bag]]] = defaultdict(lambda: defaultdict(list))
    for (dept, skill), bag in bags.items():
        by_row[scope.row(dept)][str(skill)].append(bag)  # type: ignore[arg-type]
    skills = sorted({str(skill) for _, skill in bags})
    cells: dict[str, dict[str, Cell]] = {}
    for row in scope.rows:
        cells[row] = {
            skill: table.add(
                ("skill", row, skill),
                combine(by_row[row][skill], k, disjoint_people=True),
                latent=row == OTHERS,
            )
            for skill in skills
        }
    cells[ALL] = {
        skill: table.total(
            ("skill", ALL, skill), [cells[r][skill] for r in scope.rows], disjoint_people=True
        )
        for skill in skills
    }
    overall = table.total(("skills_all",), list(cells[ALL].values()), disjoint_people=False)
    return SkillsTable(table.protect(), cells, overall)


@dataclass(frozen=True)
class SkillGrowth:
    """Growth of one skill over a programme; means are None when suppressed."""

    skill: str
    label: str
    n: int | None  # people with both a baseline and an end score
    baseline: float | None
    end: float | None
    growth: float | None
    suppressed: bool
    reason: str = ""  # core.kernel.privacy: small | difference | not_offered


def mentor_skills_growth(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    department: str | None = None,
    tables: TableCache | None = None,
) -> list[SkillGrowth]:
    """Per skill: mean end − mean baseline over the people with both (programme result).

    Read from the protected skills table of the dashboard (:func:`skills_table`), so a skill
    hidden there is hidden here, for the same reason: the very part the server keeps for
    the dashboard when ``tables`` are given.
    """
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        programme = programme_or_404(s, programme_id)
        scope = scope_of(s, programme, k_threshold(s), tables=tables)
        out = []
        if department is not None and department not in scope.offered:
            return [
                SkillGrowth(x, skill_label(x), None, None, None, None, True, NOT_OFFERED)
                for x in SKILLS
            ]
        table = kept_or_built(tables, s, "skills", scope, lambda: skills_table(s, scope))
        row = ALL if department is None else department
        for skill in SKILLS:
            cell = table.cells.get(row, {}).get(skill)
            if cell is None or cell.empty:
                out.append(SkillGrowth(skill, skill_label(skill), None, None, None, None, True))
                continue
            emit(f"skills_growth:{programme_id}:{department}", cell)
            if cell.hidden:
                out.append(
                    SkillGrowth(
                        skill, skill_label(skill), None, None, None, None, True, cell.hidden
                    )
                )
                continue
            base, end = (x / cell.n for x in cell.bag.totals[:2])
            out.append(SkillGrowth(skill, skill_label(skill), cell.n, base, end, end - base, False))
        return out
