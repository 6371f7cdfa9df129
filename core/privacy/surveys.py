"""My survey answers: export and erasure.

Erased, free text goes; numeric answers stay for the statistics, no longer
linked to me. (Later home: ``core/surveys``, as its ``forget(s, person_id, now)``.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.privacy.rows import iso
from db.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse


def export(s: Session, person_id: int) -> dict[str, Any]:
    """The "survey_answers" section: every answer I gave, with its question."""
    answers = s.execute(
        select(Survey.title, SurveyResponse.submitted_at, SurveyQuestion, SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.survey_id == Survey.id)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyResponse.person_id == person_id)
        .order_by(SurveyResponse.id, SurveyQuestion.position)
    ).all()
    return {
        "survey_answers": [
            {
                "survey": title,
                "submitted_at": iso(submitted),
                "question": q.code,
                "question_text": q.text,
                "value": a.value_int,
                "text": a.value_text,
            }
            for title, submitted, q, a in answers
        ]
    }


def forget(s: Session, person_id: int, now: dt.datetime) -> None:
    """Free text goes; numeric answers stay, no longer linked to me."""
    mine = select(SurveyResponse.id).where(SurveyResponse.person_id == person_id)
    s.execute(
        update(SurveyAnswer)
        .where(SurveyAnswer.response_id.in_(mine))
        .values(value_text=None)
        .execution_options(synchronize_session=False)
    )
    s.execute(
        update(SurveyResponse)
        .where(SurveyResponse.person_id == person_id)
        .values(person_id=None)
        .execution_options(synchronize_session=False)
    )
