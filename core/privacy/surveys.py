"""My survey answers: export and erasure.

Erased, free text goes; numeric answers stay for the statistics, no longer
linked to me. (Later home: ``core/surveys``, as its ``forget(s, person_id, now)``.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.privacy.rows import iso, update_rows
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
    update_rows(s, SurveyAnswer, SurveyAnswer.response_id.in_(mine), value_text=None)
    update_rows(s, SurveyResponse, SurveyResponse.person_id == person_id, person_id=None)
