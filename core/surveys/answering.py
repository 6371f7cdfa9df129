"""Answering a survey: which surveys wait for me, their form, my answer (once), what I answered.

A participant sees their own answers only; the rows below carry no one else's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.kernel.i18n import N_, format_date, t
from core.kernel.tx import reading
from core.surveys.questions import RESULT_KINDS, QuestionView, question_views, validate_answers
from db.models import (
    Enrolment,
    EnrolmentStatus,
    Person,
    Programme,
    Survey,
    SurveyAnswer,
    SurveyResponse,
)

ALREADY_ANSWERED = N_("You have already answered this survey: each person answers once.")


class SurveyState(StrEnum):
    """Where a survey stands in time (not stored: computed from its dates)."""

    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


def survey_state(survey: Survey, now: dt.datetime) -> SurveyState:
    """Scheduled before it opens, closed from ``closes_at`` on, open in between."""
    if survey.opens_at > now:
        return SurveyState.SCHEDULED
    if survey.closes_at is not None and survey.closes_at <= now:
        return SurveyState.CLOSED
    return SurveyState.OPEN


def _is_enrolled(s: Session, person_id: int, programme_id: int) -> bool:
    return (
        s.scalar(
            select(Enrolment.id).where(
                Enrolment.programme_id == programme_id,
                Enrolment.person_id == person_id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
        )
        is not None
    )


def _already_answered(s: Session, survey_id: int, person_id: int) -> bool:
    return (
        s.scalar(
            select(SurveyResponse.id).where(
                SurveyResponse.survey_id == survey_id, SurveyResponse.person_id == person_id
            )
        )
        is not None
    )


def store_response(
    s: Session, survey: Survey, person_id: int, answers: Mapping[int, object]
) -> SurveyResponse:
    """Validate and store one person's answers (never commits; refuses a second answer)."""
    if _already_answered(s, survey.id, person_id):
        raise Conflict(t(ALREADY_ANSWERED))
    values = validate_answers(survey.questions, answers)
    person = s.get(Person, person_id)
    response = SurveyResponse(
        survey_id=survey.id,
        person_id=person_id,
        # Copied now, so department statistics stay right after a move or an erasure.
        department=person.department if person else None,
        submitted_at=clock.now(),
    )
    try:
        with s.begin_nested():  # two submits at once: the unique key refuses the second
            s.add(response)
            s.flush()
    except IntegrityError:
        raise Conflict(t(ALREADY_ANSWERED)) from None
    for question_id, value in values.items():
        s.add(
            SurveyAnswer(
                response_id=response.id,
                question_id=question_id,
                value_int=value if isinstance(value, int) else None,
                value_text=value if isinstance(value, str) else None,
            )
        )
    s.flush()
    return response


@dataclass(frozen=True)
class OpenSurvey:
    survey_id: int
    programme_id: int
    programme: str
    kind: str
    title: str
    opens_at: dt.datetime
    closes_at: dt.datetime | None


@dataclass(frozen=True)
class SurveyForm:
    survey_id: int
    programme: str
    kind: str
    title: str
    closes_at: dt.datetime | None
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class AnsweredSurvey:
    survey_id: int
    programme: str
    kind: str
    title: str
    submitted_at: dt.datetime


def open_surveys(s: Session, person_id: int, now: dt.datetime) -> list[OpenSurvey]:
    """Pulse and end surveys open at ``now`` in the person's programmes, not answered yet
    (never commits: for a service that counts them with other things)."""
    mine = select(Enrolment.programme_id).where(
        Enrolment.person_id == person_id, Enrolment.status == EnrolmentStatus.ENROLLED
    )
    answered = select(SurveyResponse.survey_id).where(SurveyResponse.person_id == person_id)
    rows = s.execute(
        select(Survey, Programme.name)
        .join(Programme, Programme.id == Survey.programme_id)
        .where(
            Survey.programme_id.in_(mine),
            Survey.kind.in_(RESULT_KINDS),
            Survey.opens_at <= now,
            (Survey.closes_at.is_(None)) | (Survey.closes_at > now),
            Survey.id.not_in(answered),
        )
        .order_by(Survey.closes_at.asc().nulls_last(), Survey.opens_at, Survey.id)
    ).all()
    return [
        OpenSurvey(sv.id, sv.programme_id, name, sv.kind, sv.title, sv.opens_at, sv.closes_at)
        for sv, name in rows
    ]


def open_surveys_for(sf: sessionmaker[Session], viewer: Viewer) -> list[OpenSurvey]:
    """Pulse and end surveys open now in my programmes that I have not answered yet."""
    now = clock.now()
    with reading(sf) as s:
        return open_surveys(s, viewer.person_id, now)


def _answerable(s: Session, viewer: Viewer, survey_id: int) -> Survey:
    survey = s.get(Survey, survey_id)
    if survey is None or survey.kind not in RESULT_KINDS:
        raise NotFound(t("This survey does not exist."))
    if not _is_enrolled(s, viewer.person_id, survey.programme_id):
        raise NotAllowed(t("This survey is for the participants of another programme."))
    state = survey_state(survey, clock.now())
    if state == SurveyState.SCHEDULED:
        raise InvalidInput(
            t("This survey opens on {date}.", date=format_date(survey.opens_at, "long"))
        )
    if state == SurveyState.CLOSED:
        raise InvalidInput(t("This survey is closed: answers are no longer accepted."))
    return survey


def survey_form(sf: sessionmaker[Session], viewer: Viewer, survey_id: int) -> SurveyForm:
    """The questions of an open survey I may answer."""
    with reading(sf) as s:
        survey = _answerable(s, viewer, survey_id)
        return SurveyForm(
            survey.id,
            s.get_one(Programme, survey.programme_id).name,
            survey.kind,
            survey.title,
            survey.closes_at,
            question_views(s, survey),
        )


def answer_survey(
    sf: sessionmaker[Session], viewer: Viewer, survey_id: int, answers: Mapping[int, object]
) -> None:
    """Answer an open survey once: question id → 1–5, 0–10, or text."""
    with sf.begin() as s:
        survey = _answerable(s, viewer, survey_id)
        store_response(s, survey, viewer.person_id, answers)


def answered_surveys(sf: sessionmaker[Session], viewer: Viewer) -> list[AnsweredSurvey]:
    """The surveys and fit checks I answered, newest first."""
    with reading(sf) as s:
        rows = s.execute(
            select(Survey, Programme.name, SurveyResponse.submitted_at)
            .join(SurveyResponse, SurveyResponse.survey_id == Survey.id)
            .join(Programme, Programme.id == Survey.programme_id)
            .where(SurveyResponse.person_id == viewer.person_id)
            .order_by(SurveyResponse.submitted_at.desc(), Survey.id.desc())
        ).all()
        return [AnsweredSurvey(sv.id, name, sv.kind, sv.title, at) for sv, name, at in rows]
