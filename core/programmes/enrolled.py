"""Who enrolled in a programme (coordinators): the operational list with each enrolment
profile — skills, themes, availability, languages, motivation; nothing more private."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.paging import PAGE_SIZE, Page, clamp_page
from core.kernel.search import contains, departments_having, name_contains
from core.kernel.tx import reading
from core.people.roster import PersonFacts, person_facts
from core.programmes.answers import Answers, answers_of
from core.programmes.programmes import programme_or_404
from db.models import NAME_ORDER, Enrolment, EnrolmentSkill, Person, Skill


@dataclass(frozen=True)
class EnrolmentRow(PersonFacts, Answers):
    """One line of the coordinator's list: the enrolment profile, nothing more private."""

    enrolment_id: int
    status: str
    role: str
    enrolled_at: dt.datetime
    withdrawn_at: dt.datetime | None
    offered: tuple[str, ...]
    wanted: tuple[str, ...]


def _rows(s: Session, rows: Sequence[Any]) -> list[EnrolmentRow]:
    """These (enrolment, person) pairs as list rows, in their order, with their skills."""
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
            **person_facts(person),
            **answers_of(e),
            enrolment_id=e.id,
            status=e.status,
            role=e.role,
            enrolled_at=e.created_at,
            withdrawn_at=e.withdrawn_at,
            offered=tuple(skills.get(e.id, {}).get("offered", ())),
            wanted=tuple(skills.get(e.id, {}).get("wanted", ())),
        )
        for e, person in rows
    ]


# --------------------------------------------------------------------------- one page


def _filtered(
    programme_id: int,
    status: str | None,
    departments: Sequence[str],
    search: str,
    *,
    people: bool = False,
) -> Select[Any]:
    """The enrolments shown; their people joined when a filter is on them or ``people`` (the
    name order): counting a programme's 8 000 enrolments joined to their people was most of
    the count's time."""
    query = select(Enrolment.id).where(Enrolment.programme_id == programme_id)
    if status:
        query = query.where(Enrolment.status == status)
    if people or departments or search.strip():
        query = query.join(Person, Person.id == Enrolment.person_id)
    if departments:
        query = query.where(Person.department.in_(list(departments)))
    if search.strip():
        query = query.where(or_(name_contains(search), contains(Person.email, search)))
    return query


def enrolment_page(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    *,
    status: str | None = None,
    departments: Sequence[str] = (),
    search: str = "",
    page: int = 1,
    size: int = PAGE_SIZE,
) -> Page[EnrolmentRow]:
    """One page of who enrolled, by name; ``search`` is a part of the name (case and accents
    aside) or of the e-mail (core.kernel.search). Only the page's rows are read in full; the
    count is one query."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        programme_id = programme_or_404(s, programme_id).id
        counted = _filtered(programme_id, status, departments, search)
        total = s.scalar(select(func.count()).select_from(counted.subquery())) or 0
        page = clamp_page(page, total, size)
        chosen = list(
            s.scalars(
                _filtered(programme_id, status, departments, search, people=True)
                .order_by(*NAME_ORDER, Enrolment.id)
                .limit(size)
                .offset((page - 1) * size)
            )
        )
        found = (
            {
                e.id: (e, person)
                for e, person in s.execute(
                    select(Enrolment, Person)
                    .join(Person, Person.id == Enrolment.person_id)
                    .where(Enrolment.id.in_(chosen))
                ).tuples()
            }
            if chosen
            else {}
        )
        rows = _rows(s, [found[i] for i in chosen])
        return Page.of(tuple(rows), total, page, size)


def departments_of(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int, *, status: str | None = None
) -> list[str]:
    """The departments of the people enrolled (with ``status``, if given), sorted."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        programme_id = programme_or_404(s, programme_id).id
        enrolled = (
            select(Enrolment.id)
            .join(Person, Person.id == Enrolment.person_id)
            .where(Enrolment.programme_id == programme_id)
        )
        if status:
            enrolled = enrolled.where(Enrolment.status == status)
        return sorted(d for d in s.scalars(departments_having(enrolled)) if d)
