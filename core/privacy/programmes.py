"""My enrolments (with their skills and self-assessments): export and erasure.

Erased, an enrolment stays for the counts, withdrawn, without its free text
(motivation) and availability. (Later home: ``core/programmes``, as its
``forget(s, person_id, now)``.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.privacy.rows import row
from db.models import Enrolment, EnrolmentSkill, EnrolmentStatus, Programme, SelfAssessment, Skill

COLUMNS = (
    "id",
    "status",
    "role",
    "mentor_capacity",
    "goal_themes",
    "availability",
    "work_mode",
    "languages",
    "motivation",
    "charter_accepted_at",
    "created_at",
    "updated_at",
    "withdrawn_at",
)


def programme_names(s: Session) -> dict[int, str]:
    """Every programme's name by id (the export names programmes, not ids)."""
    return dict(s.execute(select(Programme.id, Programme.name)).tuples().all())


def export(s: Session, person_id: int) -> dict[str, Any]:
    """The "enrolments" section, each with its skills and self-assessments."""
    programmes = programme_names(s)
    skill_names = dict(s.execute(select(Skill.id, Skill.name)).tuples().all())
    enrolments = []
    for e in s.scalars(
        select(Enrolment).where(Enrolment.person_id == person_id).order_by(Enrolment.id)
    ):
        skills = s.execute(
            select(EnrolmentSkill.kind, EnrolmentSkill.skill_id).where(
                EnrolmentSkill.enrolment_id == e.id
            )
        ).all()
        line = row(e, COLUMNS)
        line["programme"] = programmes.get(e.programme_id)
        line["skills_offered"] = sorted(skill_names[i] for k, i in skills if k == "offered")
        line["skills_wanted"] = sorted(skill_names[i] for k, i in skills if k == "wanted")
        line["self_assessment"] = [
            row(a, ("phase", "skill", "score", "at"))
            for a in s.scalars(
                select(SelfAssessment)
                .where(SelfAssessment.enrolment_id == e.id)
                .order_by(SelfAssessment.id)
            )
        ]
        enrolments.append(line)
    return {"enrolments": enrolments}


def forget(s: Session, person_id: int, now: dt.datetime) -> None:
    """Enrolments stay for the counts, withdrawn, without free text."""
    for e in s.scalars(select(Enrolment).where(Enrolment.person_id == person_id)):
        e.motivation = ""
        e.availability = []
        if e.status == EnrolmentStatus.ENROLLED:
            e.status = EnrolmentStatus.WITHDRAWN
            e.withdrawn_at = now
        e.updated_at = now
