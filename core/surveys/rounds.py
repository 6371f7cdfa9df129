"""A programme's survey rounds (coordinator): the schedule, what exists of it, creating
rounds, questions of one's own before a round opens, deleting a round not yet open."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotFound
from core.kernel.i18n import t
from core.kernel.text import clean_line
from core.kernel.tx import reading
from core.programmes.programmes import programme_or_404
from core.surveys.questions import (
    CUSTOM_CODES,
    CUSTOM_SCALE,
    CUSTOM_TEXT,
    END,
    KIND_LABELS,
    PULSE,
    RESULT_KINDS,
    SCALE5,
    STANDARD_QUESTIONS,
    TEXT,
    new_questions,
)
from db.models import Match, Programme, ProgrammeStatus, Survey, SurveyQuestion

MAX_CUSTOM_QUESTIONS = 10

# --------------------------------------------------------------------------- pure rules


@dataclass(frozen=True)
class ScheduledSurvey:
    """One point of a programme's survey schedule."""

    kind: str  # pulse|end
    number: int  # 1, 2, … for pulses; 0 for the end survey
    opens_on: dt.date
    closes_on: dt.date  # last day to answer


def survey_schedule(
    start: dt.date,
    end: dt.date | None,
    matched_on: dt.date | None = None,
    *,
    first_after_days: int = 30,
    every_days: int = 60,
    at_end: bool = True,
    answer_days: int = 14,
    end_lead_days: int = 7,
    max_pulses: int = 12,
) -> list[ScheduledSurvey]:
    """When a programme's surveys open: ``first_after_days`` after matching, then every
    ``every_days``, and (``at_end``) ``end_lead_days`` before the programme ends.

    Matching is the day the first pair started (``matched_on``), else the programme
    start. A pulse that would open in the answer window of the end survey is dropped:
    nobody should get two surveys in the same fortnight.
    """
    if first_after_days < 0 or every_days < 1 or answer_days < 1:
        raise InvalidInput(t("The survey schedule needs positive numbers of days."))
    anchor = matched_on or start
    end_opens = end - dt.timedelta(days=end_lead_days) if end else None
    points: list[ScheduledSurvey] = []
    opens = anchor + dt.timedelta(days=first_after_days)
    while len(points) < max_pulses:
        if end is not None and end_opens is not None:
            if opens > end or (at_end and opens > end_opens - dt.timedelta(days=answer_days)):
                break
        points.append(
            ScheduledSurvey(
                PULSE, len(points) + 1, opens, opens + dt.timedelta(days=answer_days - 1)
            )
        )
        opens += dt.timedelta(days=every_days)
    if at_end and end_opens is not None:
        opens = max(end_opens, start)
        points.append(ScheduledSurvey(END, 0, opens, opens + dt.timedelta(days=answer_days - 1)))
    return points


class PlanStatus(StrEnum):
    """What exists of one point of the schedule (not stored)."""

    CREATED = "created"
    UPCOMING = "upcoming"
    DUE = "due"
    MISSED = "missed"


TO_CREATE = (PlanStatus.DUE, PlanStatus.UPCOMING)


@dataclass(frozen=True)
class PlannedSurvey:
    point: ScheduledSurvey
    survey_id: int | None  # the survey created for this point, if any
    status: PlanStatus


# --------------------------------------------------------------------------- session helpers


def _matched_on(s: Session, programme_id: int) -> dt.date | None:
    first = s.scalar(
        select(func.min(Match.started_at)).where(
            Match.programme_id == programme_id, Match.started_at.is_not(None)
        )
    )
    return first.date() if first else None


def _day(value: dt.date) -> dt.datetime:
    return dt.datetime.combine(value, dt.time.min)


def _status(point: ScheduledSurvey, survey_id: int | None, today: dt.date) -> PlanStatus:
    if survey_id is not None:
        return PlanStatus.CREATED
    if point.closes_on < today:
        return PlanStatus.MISSED
    if point.opens_on <= today:
        return PlanStatus.DUE
    return PlanStatus.UPCOMING


def _plan(
    s: Session, programme: Programme, today: dt.date, **options: int | bool
) -> list[PlannedSurvey]:
    if programme.start_date is None:
        raise InvalidInput(t("Set the programme's start date before planning its surveys."))
    points = survey_schedule(
        programme.start_date,
        programme.end_date,
        _matched_on(s, programme.id),
        **options,  # type: ignore[arg-type]
    )
    existing = {
        (kind, opens_at.date()): sid
        for sid, kind, opens_at in s.execute(
            select(Survey.id, Survey.kind, Survey.opens_at).where(
                Survey.programme_id == programme.id, Survey.kind.in_(RESULT_KINDS)
            )
        )
    }
    plan = []
    for p in points:
        sid = existing.get((p.kind, p.opens_on))
        plan.append(PlannedSurvey(p, sid, _status(p, sid, today)))
    return plan


def _new_survey(
    s: Session,
    viewer: Viewer,
    programme_id: int,
    kind: str,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime | None,
) -> Survey:
    survey = Survey(
        programme_id=programme_id,
        kind=kind,
        title=title,
        opens_at=opens_at,
        closes_at=closes_at,
        created_at=clock.now(),
        questions=new_questions(STANDARD_QUESTIONS),
    )
    s.add(survey)
    s.flush()
    audit.by(s, viewer, "survey_created", target=f"survey:{survey.id}", programme_id=programme_id)
    return survey


def _editable(s: Session, survey_id: int) -> Survey:
    survey = s.get(Survey, survey_id)
    if survey is None or survey.kind not in RESULT_KINDS:
        raise NotFound(t("This survey does not exist."))
    if survey.opens_at <= clock.now():
        raise Conflict(t("This survey is already open: its questions can no longer change."))
    return survey


# --------------------------------------------------------------------------- services


def programme_choices(sf: sessionmaker[Session], viewer: Viewer) -> list[tuple[int, str]]:
    """(id, name) of every programme for a coordinator's picker: running ones first
    (they have surveys to read), then the newest."""
    require_role(viewer, COORDINATOR)
    running_first = case((Programme.status == ProgrammeStatus.RUNNING, 0), else_=1)
    with reading(sf) as s:
        return [
            (pid, name)
            for pid, name in s.execute(
                select(Programme.id, Programme.name).order_by(
                    running_first, Programme.start_date.desc().nulls_last(), Programme.id.desc()
                )
            )
        ]


def plan_surveys(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int, **options: int | bool
) -> list[PlannedSurvey]:
    """The programme's schedule (options of :func:`survey_schedule`) and what exists of it."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        return _plan(s, programme_or_404(s, programme_id), clock.today(), **options)


def create_planned_surveys(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int, **options: int | bool
) -> int:
    """Create every due or upcoming survey of the schedule not created yet (idempotent).

    Upcoming ones open by themselves on their date, which leaves time to add questions.
    """
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        programme = programme_or_404(s, programme_id)
        created = 0
        for item in _plan(s, programme, clock.today(), **options):
            if item.status not in TO_CREATE:
                continue
            p = item.point
            title = t("Pulse survey {n}", n=p.number) if p.kind == PULSE else t(KIND_LABELS[END])
            opens_at, closes_at = _day(p.opens_on), _day(p.closes_on + dt.timedelta(days=1))
            _new_survey(s, viewer, programme.id, p.kind, title, opens_at, closes_at)
            created += 1
        return created


def create_survey(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    *,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date | None,
    kind: str = PULSE,
) -> Survey:
    """Create one survey with the standard questions; it opens on ``opens_on``."""
    require_role(viewer, COORDINATOR)
    if kind not in RESULT_KINDS:
        raise InvalidInput(t("Unknown kind of survey."))
    title = clean_line(title, t("Title"), max_chars=200)
    today = clock.today()
    if opens_on < today:
        raise InvalidInput(t("The opening date cannot be in the past."))
    if closes_on is not None and closes_on < opens_on:
        raise InvalidInput(t("The survey cannot close before it opens."))
    with sf.begin() as s:
        programme = programme_or_404(s, programme_id)
        # Opening today means open now, not at midnight past.
        opens_at = clock.now() if opens_on == today else _day(opens_on)
        closes_at = _day(closes_on + dt.timedelta(days=1)) if closes_on else None
        return _new_survey(s, viewer, programme.id, kind, title, opens_at, closes_at)


def add_custom_question(
    sf: sessionmaker[Session], viewer: Viewer, survey_id: int, *, kind: str, text: str
) -> int:
    """Add a question (``scale`` 1–5 or ``text``) to a survey that has not opened yet."""
    require_role(viewer, COORDINATOR)
    if kind not in ("scale", "text"):
        raise InvalidInput(t("A question is a 1–5 scale or a free text."))
    text = clean_line(text, t("Question"), max_chars=300)
    with sf.begin() as s:
        survey = _editable(s, survey_id)
        if sum(q.code in CUSTOM_CODES for q in survey.questions) >= MAX_CUSTOM_QUESTIONS:
            raise InvalidInput(t("A survey has at most 10 questions of your own."))
        question = SurveyQuestion(
            position=max((q.position for q in survey.questions), default=0) + 1,
            code=CUSTOM_SCALE if kind == "scale" else CUSTOM_TEXT,
            kind=SCALE5 if kind == "scale" else TEXT,
            text=text,
        )
        survey.questions.append(question)
        s.flush()
        return question.id


def remove_custom_question(sf: sessionmaker[Session], viewer: Viewer, question_id: int) -> None:
    """Remove a question of your own from a survey that has not opened yet."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        question = s.get(SurveyQuestion, question_id)
        if question is None or question.code not in CUSTOM_CODES:
            raise NotFound(t("This question does not exist or cannot be removed."))
        _editable(s, question.survey_id)
        s.delete(question)


def delete_survey(sf: sessionmaker[Session], viewer: Viewer, survey_id: int) -> None:
    """Delete a survey that has not opened yet."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        s.delete(_editable(s, survey_id))
        audit.by(s, viewer, "survey_deleted", target=f"survey:{survey_id}")
