"""Pulse surveys: schedule, creation, answering once, and k-suppressed results.

Who sees what (DESIGN.md): a participant sees their own answers; a coordinator
sees aggregates over at least k answers only, and free text only when at least k
people wrote some, sorted so that nothing links a sentence to a person. The
result types below have no person field on purpose.

Standard question texts are translated at display (``question_text``); the
``text`` column holds the words of custom questions only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.bags import fetch_bags
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.kernel.i18n import N_, format_date, t
from core.kernel.privacy import (
    SMALL,
    Cell,
    Table,
    emit,
)
from core.kernel.settings import k_threshold
from core.kernel.text import clean_line, clean_text
from db.models import (
    Enrolment,
    Match,
    Person,
    Programme,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)

PULSE, END, FIT = "pulse", "end", "fit"
RESULT_KINDS = (PULSE, END)  # fit checks have their own summary (core.relationship.fit)
SCALE5, SCALE10, TEXT = "scale5", "scale10", "text"
SCALE_RANGE: dict[str, tuple[int, int]] = {SCALE5: (1, 5), SCALE10: (0, 10)}
MAX_ANSWER_CHARS = 2_000

# code -> (kind, English text): asked in every pulse and end survey, in this order.
STANDARD_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("satisfaction", SCALE5, N_("Overall, how satisfied are you with the programme?")),
    ("nps", SCALE10, N_("How likely are you to recommend the programme to a colleague?")),
    ("peer_help", SCALE5, N_("My peer gives me the help I need.")),
    ("progress", SCALE5, N_("I am making progress on my goals.")),
    ("free", TEXT, N_("Anything you would like the coordinators to know?")),
)
# Texts of the pairing-fit check (core.relationship.fit) live here too, so display is in one place.
FIT_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("fit", SCALE5, N_("Is this pairing a good fit for you?")),
    ("fit_note", TEXT, N_("A note for yourself (optional)")),
)
CUSTOM_SCALE, CUSTOM_TEXT = "custom_scale", "custom_text"
_TEXTS = {code: text for code, _kind, text in STANDARD_QUESTIONS + FIT_QUESTIONS}
HINTS: dict[str, str] = {
    "satisfaction": N_("1 = very dissatisfied · 5 = very satisfied"),
    "nps": N_("0 = not at all likely · 10 = extremely likely"),
    "peer_help": N_("1 = strongly disagree · 5 = strongly agree"),
    "progress": N_("1 = strongly disagree · 5 = strongly agree"),
    CUSTOM_SCALE: N_("1 = strongly disagree · 5 = strongly agree"),
    "fit": N_("1 = not at all · 5 = very much"),
    "free": N_(
        "Shared with the coordinators without your name, and only once at least {k} people have written something."
    ),
    "fit_note": N_("Only you can read it; the coordinator never sees it."),
}
KIND_LABELS: dict[str, str] = {
    PULSE: N_("Pulse survey"),
    END: N_("End-of-programme survey"),
    FIT: N_("Pairing fit"),
}


def question_text(code: str, text: str = "") -> str:
    """What a question says, in the reader's language (custom ones as typed)."""
    return t(_TEXTS[code]) if code in _TEXTS else text


def question_hint(code: str, k: int = 5) -> str:
    return t(HINTS[code], k=k) if code in HINTS else ""


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


def validate_answers(
    questions: Sequence[SurveyQuestion], answers: Mapping[int, object]
) -> dict[int, int | str]:
    """The answers to store, question id → value; scale answers required, text optional."""
    by_id = {q.id: q for q in questions}
    unknown = set(answers) - set(by_id)
    if unknown:
        raise InvalidInput(t("These answers do not belong to this survey."))
    clean: dict[int, int | str] = {}
    for q in questions:
        value = answers.get(q.id)
        label = question_text(q.code, q.text)
        if q.kind == TEXT:
            text = clean_text(
                value if isinstance(value, str) else None, label, max_chars=MAX_ANSWER_CHARS
            )
            if text:
                clean[q.id] = text
            continue
        low, high = SCALE_RANGE[q.kind]
        if value is None or value == "":
            raise InvalidInput(t("Please answer “{question}”.", question=label))
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(
                t(
                    "“{question}”: choose a whole number from {low} to {high}.",
                    question=label,
                    low=low,
                    high=high,
                )
            )
        clean[q.id] = value
    return clean


# --------------------------------------------------------------------------- shared helpers


def new_questions(specs: Iterable[tuple[str, str, str]]) -> list[SurveyQuestion]:
    """Fresh question rows for (code, kind, English text) specs; the text stays in code."""
    return [
        SurveyQuestion(position=i, code=code, kind=kind, text="")
        for i, (code, kind, _text) in enumerate(specs)
    ]


def _state(survey: Survey, now: dt.datetime) -> str:
    if survey.opens_at > now:
        return "scheduled"
    if survey.closes_at is not None and survey.closes_at <= now:
        return "closed"
    return "open"


def _is_enrolled(s: Session, person_id: int, programme_id: int) -> bool:
    return (
        s.scalar(
            select(Enrolment.id).where(
                Enrolment.programme_id == programme_id,
                Enrolment.person_id == person_id,
                Enrolment.status == "enrolled",
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


ALREADY_ANSWERED = N_("You have already answered this survey: each person answers once.")


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


# --------------------------------------------------------------------------- participant


@dataclass(frozen=True)
class QuestionView:
    id: int
    code: str
    kind: str  # scale5|scale10|text
    text: str  # in the reader's language
    hint: str


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


def _question_views(s: Session, survey: Survey) -> tuple[QuestionView, ...]:
    k = k_threshold(s)
    return tuple(
        QuestionView(q.id, q.code, q.kind, question_text(q.code, q.text), question_hint(q.code, k))
        for q in survey.questions
    )


def open_surveys_for(sf: sessionmaker[Session], viewer: Viewer) -> list[OpenSurvey]:
    """Pulse and end surveys open now in my programmes that I have not answered yet."""
    now = clock.now()
    with sf.begin() as s:
        mine = select(Enrolment.programme_id).where(
            Enrolment.person_id == viewer.person_id, Enrolment.status == "enrolled"
        )
        answered = select(SurveyResponse.survey_id).where(
            SurveyResponse.person_id == viewer.person_id
        )
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


def survey_form(sf: sessionmaker[Session], viewer: Viewer, survey_id: int) -> SurveyForm:
    """The questions of an open survey I may answer."""
    with sf.begin() as s:
        survey = _answerable(s, viewer, survey_id)
        return SurveyForm(
            survey.id,
            s.get_one(Programme, survey.programme_id).name,
            survey.kind,
            survey.title,
            survey.closes_at,
            _question_views(s, survey),
        )


def _answerable(s: Session, viewer: Viewer, survey_id: int) -> Survey:
    survey = s.get(Survey, survey_id)
    if survey is None or survey.kind not in RESULT_KINDS:
        raise NotFound(t("This survey does not exist."))
    if not _is_enrolled(s, viewer.person_id, survey.programme_id):
        raise NotAllowed(t("This survey is for the participants of another programme."))
    state = _state(survey, clock.now())
    if state == "scheduled":
        raise InvalidInput(
            t("This survey opens on {date}.", date=format_date(survey.opens_at, "long"))
        )
    if state == "closed":
        raise InvalidInput(t("This survey is closed: answers are no longer accepted."))
    return survey


def answer_survey(
    sf: sessionmaker[Session], viewer: Viewer, survey_id: int, answers: Mapping[int, object]
) -> None:
    """Answer an open survey once: question id → 1–5, 0–10, or text."""
    with sf.begin() as s:
        survey = _answerable(s, viewer, survey_id)
        store_response(s, survey, viewer.person_id, answers)


def answered_surveys(sf: sessionmaker[Session], viewer: Viewer) -> list[AnsweredSurvey]:
    """The surveys and fit checks I answered, newest first."""
    with sf.begin() as s:
        rows = s.execute(
            select(Survey, Programme.name, SurveyResponse.submitted_at)
            .join(SurveyResponse, SurveyResponse.survey_id == Survey.id)
            .join(Programme, Programme.id == Survey.programme_id)
            .where(SurveyResponse.person_id == viewer.person_id)
            .order_by(SurveyResponse.submitted_at.desc(), Survey.id.desc())
        ).all()
        return [AnsweredSurvey(sv.id, name, sv.kind, sv.title, at) for sv, name, at in rows]


# --------------------------------------------------------------------------- coordinator


@dataclass(frozen=True)
class PlannedSurvey:
    point: ScheduledSurvey
    survey_id: int | None  # the survey created for this point, if any
    status: str  # created|upcoming|due|missed


def _programme(s: Session, programme_id: int) -> Programme:
    programme = s.get(Programme, programme_id)
    if programme is None:
        raise NotFound(t("This programme does not exist."))
    return programme


def _enrolled_count(s: Session, programme_id: int) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(Enrolment.programme_id == programme_id, Enrolment.status == "enrolled")
        )
        or 0
    )


def programme_choices(sf: sessionmaker[Session], viewer: Viewer) -> list[tuple[int, str]]:
    """(id, name) of every programme for a coordinator's picker: running ones first
    (they have surveys to read), then the newest."""
    require_role(viewer, COORDINATOR)
    running_first = case((Programme.status == "running", 0), else_=1)
    with sf.begin() as s:
        return [
            (pid, name)
            for pid, name in s.execute(
                select(Programme.id, Programme.name).order_by(
                    running_first, Programme.start_date.desc().nulls_last(), Programme.id.desc()
                )
            )
        ]


def k_value(sf: sessionmaker[Session]) -> int:
    """k of k-suppression, for the pages' explanations."""
    with sf.begin() as s:
        return k_threshold(s)


def _matched_on(s: Session, programme_id: int) -> dt.date | None:
    first = s.scalar(
        select(func.min(Match.started_at)).where(
            Match.programme_id == programme_id, Match.started_at.is_not(None)
        )
    )
    return first.date() if first else None


def _day(value: dt.date) -> dt.datetime:
    return dt.datetime.combine(value, dt.time.min)


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
        if sid is not None:
            status = "created"
        elif p.closes_on < today:
            status = "missed"
        elif p.opens_on <= today:
            status = "due"
        else:
            status = "upcoming"
        plan.append(PlannedSurvey(p, sid, status))
    return plan


def plan_surveys(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int, **options: int | bool
) -> list[PlannedSurvey]:
    """The programme's schedule (options of :func:`survey_schedule`) and what exists of it."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        return _plan(s, _programme(s, programme_id), clock.today(), **options)


def _new_survey(
    s: Session,
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
    return survey


def create_planned_surveys(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int, **options: int | bool
) -> int:
    """Create every due or upcoming survey of the schedule not created yet (idempotent).

    Upcoming ones open by themselves on their date, which leaves time to add questions.
    """
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        programme = _programme(s, programme_id)
        created = 0
        for item in _plan(s, programme, clock.today(), **options):
            if item.status not in ("due", "upcoming"):
                continue
            p = item.point
            title = t("Pulse survey {n}", n=p.number) if p.kind == PULSE else t(KIND_LABELS[END])
            survey = _new_survey(
                s,
                programme.id,
                p.kind,
                title,
                _day(p.opens_on),
                _day(p.closes_on + dt.timedelta(days=1)),
            )
            audit.record(
                s,
                "survey_created",
                actor_account_id=viewer.account_id,
                actor_username=viewer.username,
                target=f"survey:{survey.id}",
                programme_id=programme.id,
            )
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
        programme = _programme(s, programme_id)
        # Opening today means open now, not at midnight past.
        opens_at = clock.now() if opens_on == today else _day(opens_on)
        closes_at = _day(closes_on + dt.timedelta(days=1)) if closes_on else None
        survey = _new_survey(s, programme.id, kind, title, opens_at, closes_at)
        audit.record(
            s,
            "survey_created",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
            target=f"survey:{survey.id}",
            programme_id=programme.id,
        )
        return survey


def _editable(s: Session, survey_id: int) -> Survey:
    survey = s.get(Survey, survey_id)
    if survey is None or survey.kind not in RESULT_KINDS:
        raise NotFound(t("This survey does not exist."))
    if survey.opens_at <= clock.now():
        raise Conflict(t("This survey is already open: its questions can no longer change."))
    return survey


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
        if sum(q.code in (CUSTOM_SCALE, CUSTOM_TEXT) for q in survey.questions) >= 10:
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
        if question is None or question.code not in (CUSTOM_SCALE, CUSTOM_TEXT):
            raise NotFound(t("This question does not exist or cannot be removed."))
        _editable(s, question.survey_id)
        s.delete(question)


def delete_survey(sf: sessionmaker[Session], viewer: Viewer, survey_id: int) -> None:
    """Delete a survey that has not opened yet."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        survey = _editable(s, survey_id)
        s.delete(survey)
        audit.record(
            s,
            "survey_deleted",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
            target=f"survey:{survey_id}",
        )


# --------------------------------------------------------------------------- results
#
# One protected table per programme (core.kernel.privacy) holds every figure of the
# results, for every survey round, every department that can be filtered on, all
# rounds together and every period of the dashboard: a number hidden in one view
# cannot come back by subtracting two others. Free text is read per whole survey
# round only (never for a date window, never for one department), with at least k
# people who wrote.


@dataclass(frozen=True)
class QuestionResult:
    """One question's answers. ``n``/``mean`` are None when hidden; a hidden bar of the
    distribution is ``(value, None)``, and the distribution is empty when all is hidden."""

    code: str
    question_id: int | None  # None: a standard question, pooled over the surveys
    kind: str
    text: str
    n: int | None
    mean: float | None
    distribution: tuple[tuple[int, int | None], ...]  # (value, answers), every value
    suppressed: bool
    reason: str = ""  # core.kernel.privacy: small | difference | not_offered


def _who() -> Any:
    # Erased people keep their answers, anonymous: each such response stands for one person.
    return func.coalesce(SurveyResponse.person_id, -SurveyResponse.id).label("who")


@dataclass(frozen=True)
class FitResults:
    result: QuestionResult
    poor_share: float | None  # share of 1–2 ratings; None when hidden
    poor_reason: str


def fit_table(s: Session, programme_id: int, k: int) -> tuple[Table, Cell, dict[int, Cell], Cell]:
    """The pairing-fit ratings of a programme (1–5): never the notes."""
    table = Table(k, f"fit:{programme_id}")
    base = (
        select(
            SurveyAnswer.value_int.label("val"),
            _who(),
            SurveyAnswer.response_id.label("unit"),
            SurveyAnswer.question_id.label("unit2"),
            SurveyAnswer.value_int.label("v0"),
        )
        .select_from(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .join(Survey, Survey.id == SurveyQuestion.survey_id)
        .where(
            Survey.programme_id == programme_id,
            Survey.kind == FIT,
            SurveyQuestion.code == "fit",
            SurveyAnswer.value_int.is_not(None),
        )
    )
    bags = fetch_bags(s, base, [("val", int)], k, "answer", sums=1)
    values = {int(v): table.add(("fit", v), bag) for (v,), bag in sorted(bags.items())}  # type: ignore[call-overload]
    answered = table.total(("fit_answered",), list(values.values()), disjoint_people=True)
    poor = table.total(
        ("fit_poor",), [c for v, c in values.items() if v <= POOR_FIT_MAX], disjoint_people=True
    )
    rest = table.total(
        ("fit_not_poor",),
        [c for v, c in values.items() if v > POOR_FIT_MAX],
        disjoint_people=True,
        latent=True,
    )
    table.sum_of(answered, [poor, rest])
    table.protect()
    return table, answered, values, poor


POOR_FIT_MAX = 2  # a rating of 1 or 2 is a poor fit (core.relationship.fit flags the pair)


def fit_results(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> FitResults:
    """Fit ratings of a programme, protected: mean, distribution and poor-fit share."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        _programme(s, programme_id)
        _table, answered, values, poor = fit_table(s, programme_id, k_threshold(s))
    where = f"fit:{programme_id}"
    text = question_text("fit")
    emit(where, answered)
    if answered.hidden or answered.empty:
        hidden = answered.hidden or SMALL
        result = QuestionResult("fit", None, SCALE5, text, None, None, (), True, hidden)
        return FitResults(result, None, hidden)
    dist = []
    for v in range(1, 6):
        cell = values.get(v)
        if cell is not None:
            emit(where, cell)
        dist.append((v, 0 if cell is None else (None if cell.hidden else cell.n)))
    emit(where, poor)
    result = QuestionResult(
        "fit",
        None,
        SCALE5,
        text,
        answered.n,
        answered.bag.totals[0] / answered.n,
        tuple(dist),
        False,
    )
    return FitResults(result, None if poor.hidden else poor.n / answered.n, poor.hidden)
