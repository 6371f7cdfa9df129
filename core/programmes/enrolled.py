"""Who enrolled in a programme (coordinators): the operational list with each enrolment
profile — skills, themes, availability, languages, motivation; nothing more private."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel.access import COORDINATOR, Viewer, require_role
from core.people.roster import PersonFacts
from core.programmes.programmes import programme_or_404
from db.models import Enrolment, EnrolmentSkill, Person, Skill


@dataclass(frozen=True)
class EnrolmentRow(PersonFacts):
    """One line of the coordinator's list: the enrolment profile, nothing more private."""

    enrolment_id: int
    status: str
    role: str
    enrolled_at: dt.datetime
    withdrawn_at: dt.datetime | None
    offered: tuple[str, ...]
    wanted: tuple[str, ...]
    goal_themes: tuple[str, ...]
    availability: tuple[str, ...]
    work_mode: str
    languages: tuple[str, ...]
    motivation: str


def list_enrolments(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    *,
    status: str | None = None,
    departments: Sequence[str] = (),
    search: str = "",
    limit: int = 5_000,
) -> list[EnrolmentRow]:
    """Who enrolled in a programme (operational list with the enrolment profile), by name."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        programme_id = programme_or_404(s, programme_id).id
        query = (
            select(Enrolment, Person)
            .join(Person, Person.id == Enrolment.person_id)
            .where(Enrolment.programme_id == programme_id)
        )
        if status:
            query = query.where(Enrolment.status == status)
        if departments:
            query = query.where(Person.department.in_(list(departments)))
        if search.strip():
            like = f"%{search.strip().lower()}%"
            query = query.where(
                or_(func.lower(Person.full_name).like(like), func.lower(Person.email).like(like))
            )
        rows = s.execute(query.order_by(Person.full_name).limit(limit)).all()
        ids = [e.id for e, _ in rows]
        skills: dict[int, dict[str, list[str]]] = {}
        if ids:
            for enrolment_id, kind, name in s.execute(
                select(EnrolmentSkill.enrolment_id, EnrolmentSkill.kind, Skill.name)
                .join(Skill, Skill.id == EnrolmentSkill.skill_id)
                .where(EnrolmentSkill.enrolment_id.in_(ids))
                .order_by(Skill.name)
            ):
                skills.setdefault(enrolment_id, {}).setdefault(kind, []).append(name)
        return [
            EnrolmentRow(
                enrolment_id=e.id,
                person_id=person.id,
                name=person.full_name,
                email=person.email,
                department=person.department,
                level=person.level,
                location=person.location,
                status=e.status,
                role=e.role,
                enrolled_at=e.created_at,
                withdrawn_at=e.withdrawn_at,
                offered=tuple(skills.get(e.id, {}).get("offered", ())),
                wanted=tuple(skills.get(e.id, {}).get("wanted", ())),
                goal_themes=tuple(e.goal_themes or ()),
                availability=tuple(e.availability or ()),
                work_mode=e.work_mode,
                languages=tuple(e.languages or ()),
                motivation=e.motivation or "",
            )
            for e, person in rows
        ]
