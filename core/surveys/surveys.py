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
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.insights.measures import ALL, OTHERS, Scope, Window, anchors, fetch_bags, scope_of
from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.kernel.i18n import N_, format_date, t
from core.kernel.privacy import (
    NOT_OFFERED,
    SMALL,
    Bag,
    Cell,
    Table,
    combine,
    emit,
    emit_texts,
    fixed_rate,
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
MAX_FREE_TEXTS = 200  # a coordinator reads a sample, never the whole table at once

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


def nps(counts: Mapping[int, int]) -> float | None:
    """Net Promoter Score from answer → count on 0–10: % of 9–10 minus % of 0–6."""
    n = sum(counts.values())
    if not n:
        return None
    promoters = sum(c for v, c in counts.items() if v >= 9)
    detractors = sum(c for v, c in counts.items() if v <= 6)
    return 100.0 * (promoters - detractors) / n


def mean_of(counts: Mapping[int, int]) -> float | None:
    n = sum(counts.values())
    return sum(v * c for v, c in counts.items()) / n if n else None


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
class SurveySummary:
    survey_id: int
    kind: str
    title: str
    opens_at: dt.datetime
    closes_at: dt.datetime | None
    state: str  # scheduled|open|closed
    responses: int | None  # people who answered; None when hidden (core.kernel.privacy)
    invited: int | None  # participants enrolled in the programme; None when hidden
    questions: tuple[QuestionView, ...]
    hidden: str = ""  # why responses is hidden


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


def programme_surveys(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int
) -> list[SurveySummary]:
    """A programme's pulse and end surveys, with how many people answered each: the
    results' own protected counts (a round's responses hidden there are hidden here)."""
    require_role(viewer, COORDINATOR)
    now = clock.now()
    with sf.begin() as s:
        programme = _programme(s, programme_id)
        k = k_threshold(s)
        table = survey_table(s, scope_of(s, programme, k))
        where = f"programme_surveys:{programme_id}"
        enrolled, matched = anchors(s, [programme_id], k)[programme_id]
        invited_hidden, _ = fixed_rate(matched, enrolled, k)
        surveys = s.scalars(
            select(Survey)
            .where(Survey.programme_id == programme_id, Survey.kind.in_(RESULT_KINDS))
            .order_by(Survey.opens_at, Survey.id)
        ).all()
        out = []
        for sv in surveys:
            cell = table.responses.get((ALL, sv.id))
            if cell is not None:
                emit(where, cell)
            hidden = cell.hidden if cell is not None else ""
            out.append(
                SurveySummary(
                    sv.id,
                    sv.kind,
                    sv.title,
                    sv.opens_at,
                    sv.closes_at,
                    _state(sv, now),
                    None if hidden else (cell.n if cell is not None else 0),
                    None if invited_hidden else enrolled.n,
                    _question_views(s, sv),
                    hidden,
                )
            )
        return out


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

QKey = str | tuple[str, int]  # a standard question's code, or ("custom", question id)


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


@dataclass(frozen=True)
class NpsPoint:
    label: str  # the survey's title, for a chart axis
    survey_id: int | None
    opens_at: dt.datetime | None
    n: int | None
    nps: float | None  # −100 … 100
    promoters: float | None  # share 0–1 (None when the promoters are too few to show)
    detractors: float | None
    suppressed: bool
    reason: str = ""


@dataclass(frozen=True)
class FreeTexts:
    """Free-text answers of one question of one whole survey round: only with at
    least k people who wrote, sorted, never named."""

    code: str
    question_id: int | None
    text: str
    n: int | None
    texts: tuple[str, ...]
    suppressed: bool
    reason: str = ""
    survey: str = ""  # the round's title


@dataclass(frozen=True)
class SurveyResults:
    k: int
    responses: int | None  # None when hidden
    suppressed: bool
    questions: tuple[QuestionResult, ...]
    nps: NpsPoint
    nps_by_survey: tuple[NpsPoint, ...]
    free_texts: tuple[FreeTexts, ...]
    reason: str = ""
    texts_note: str = ""  # why no free text is shown for this choice, if so


@dataclass(frozen=True)
class Round:
    survey_id: int
    title: str
    opens_at: dt.datetime
    questions: tuple[tuple[int, str, str, str], ...]  # (id, code, kind, text)


@dataclass
class SurveyTable:
    scope: Scope
    table: Table
    rounds: tuple[Round, ...]
    responses: dict[tuple[str, int | None], Cell]
    answered: dict[tuple[str, int | None, QKey], Cell]
    values: dict[tuple[str, int | None, QKey, int], Cell]
    promoters: dict[tuple[str, int | None], Cell]
    detractors: dict[tuple[str, int | None], Cell]
    windows: dict[tuple[str, Window, str], Cell]  # (row, period, code): the dashboard's
    window_rounds: dict[Window, tuple[int, ...]]
    texts: dict[tuple[int, int], Cell]  # (survey, question) → written answers (all people)

    def mean(self, cell: Cell) -> float | None:
        return cell.bag.totals[0] / cell.n if cell.n and cell.bag.totals else None


DASHBOARD_CODES = ("satisfaction", "peer_help", "progress", "nps")


def _qkey(qid: int, code: str) -> QKey:
    return ("custom", qid) if code == CUSTOM_SCALE else code


def _rounds(s: Session, programme_id: int) -> tuple[Round, ...]:
    surveys = s.scalars(
        select(Survey)
        .where(Survey.programme_id == programme_id, Survey.kind.in_(RESULT_KINDS))
        .order_by(Survey.opens_at, Survey.id)
    ).all()
    return tuple(
        Round(
            sv.id,
            sv.title,
            sv.opens_at,
            tuple((q.id, q.code, q.kind, question_text(q.code, q.text)) for q in sv.questions),
        )
        for sv in surveys
    )


def _who() -> Any:
    # Erased people keep their answers, anonymous: each such response stands for one person.
    return func.coalesce(SurveyResponse.person_id, -SurveyResponse.id).label("who")


def survey_table(s: Session, scope: Scope) -> SurveyTable:
    """Every result figure of a programme's pulse and end surveys, protected together.

    Per department: how many answered each question, with its mean and NPS. The
    distribution of answers (and the shares of promoters and detractors) only for
    all departments together: split by department, it is too fine to protect.
    """
    k, pid = scope.k, scope.programme_id
    table = Table(k, f"surveys:{pid}")
    rounds = _rounds(s, pid)
    in_programme = (Survey.programme_id == pid, Survey.kind.in_(RESULT_KINDS))

    def answers(*keys: Any) -> Select[Any]:
        return (
            select(
                *keys,
                _who(),
                SurveyAnswer.response_id.label("unit"),
                SurveyAnswer.question_id.label("unit2"),
                # Sums: of the values (means), of promoters and detractors (NPS).
                SurveyAnswer.value_int.label("v0"),
                case((SurveyAnswer.value_int >= 9, 1), else_=0).label("v1"),
                case((SurveyAnswer.value_int <= 6, 1), else_=0).label("v2"),
            )
            .select_from(SurveyAnswer)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
            .join(Survey, Survey.id == SurveyQuestion.survey_id)
            .where(*in_programme, SurveyQuestion.kind != TEXT, SurveyAnswer.value_int.is_not(None))
        )

    by_row = fetch_bags(
        s,
        answers(
            SurveyResponse.department.label("dept"),
            Survey.id.label("rnd"),
            SurveyQuestion.id.label("qid"),
        ),
        [("dept", None), ("rnd", int), ("qid", int)],
        k,
        "answer",
        sums=3,
    )
    by_value = fetch_bags(
        s,
        answers(
            Survey.id.label("rnd"),
            SurveyQuestion.id.label("qid"),
            SurveyAnswer.value_int.label("val"),
        ),
        [("rnd", int), ("qid", int), ("val", int)],
        k,
        "answer",
        sums=3,
    )
    respondents = (
        select(
            SurveyResponse.department.label("dept"),
            Survey.id.label("rnd"),
            _who(),
            SurveyResponse.id.label("unit"),
        )
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(*in_programme)
    )
    by_round = fetch_bags(s, respondents, [("dept", None), ("rnd", int)], k, "response")
    written = (
        select(
            Survey.id.label("rnd"),
            SurveyQuestion.id.label("qid"),
            _who(),
            SurveyAnswer.response_id.label("unit"),
            SurveyAnswer.question_id.label("unit2"),
        )
        .select_from(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .join(Survey, Survey.id == SurveyQuestion.survey_id)
        .where(
            *in_programme,
            SurveyQuestion.kind == TEXT,
            SurveyQuestion.code.in_(("free", CUSTOM_TEXT)),
            SurveyAnswer.value_text.is_not(None),
            SurveyAnswer.value_text != "",
        )
    )
    by_text = fetch_bags(s, written, [("rnd", int), ("qid", int)], k, "answer")

    rows = scope.rows
    codes = {q[0]: q[1] for r in rounds for q in r.questions}

    def total(
        key: tuple[Hashable, ...], parts: list[Cell], *, disjoint: bool, latent: bool = False
    ) -> Cell:
        return table.total(key, parts, disjoint_people=disjoint, latent=latent)

    # Answers per department, round and question (n, mean, NPS).
    grouped: dict[tuple[str, int, QKey], list[Bag]] = defaultdict(list)
    for (dept, rnd, qid), bag in by_row.items():
        grouped[(scope.row(dept), rnd, _qkey(qid, codes.get(qid, "")))].append(bag)
    answered: dict[tuple[str, int | None, QKey], Cell] = {}
    for (row, rnd, qkey), bags in sorted(grouped.items(), key=lambda kv: repr(kv[0])):
        answered[(row, rnd, qkey)] = table.add(
            ("answered", row, rnd, qkey),
            combine(bags, k, disjoint_people=True),
            latent=row == OTHERS,
        )
    round_keys = sorted({(rnd, qkey) for (_, rnd, qkey) in grouped}, key=repr)
    for rnd, qkey in round_keys:
        answered[(ALL, rnd, qkey)] = total(
            ("answered", ALL, rnd, qkey),
            [answered[(r, rnd, qkey)] for r in rows if (r, rnd, qkey) in answered],
            disjoint=True,
        )
    # The distribution, for everyone together.
    values: dict[tuple[str, int | None, QKey, int], Cell] = {}
    for (rnd, qid, val), bag in sorted(by_value.items()):
        qkey = _qkey(qid, codes.get(qid, ""))
        values[(ALL, rnd, qkey, val)] = table.add(("value", ALL, rnd, qkey, val), bag)
    for rnd, qkey in round_keys:
        table.sum_of(
            answered[(ALL, rnd, qkey)],
            [c for (_, r2, q2, _v), c in values.items() if (r2, q2) == (rnd, qkey)],
        )
    # All rounds together (standard questions only: a custom one belongs to its round).
    standard = sorted({qkey for _, qkey in round_keys if isinstance(qkey, str)})
    for qkey in standard:
        for row in (*rows, ALL):
            parts = [c for (r2, rnd, q2), c in answered.items() if (r2, q2) == (row, qkey) and rnd]
            if parts:
                answered[(row, None, qkey)] = total(
                    ("answered", row, None, qkey), parts, disjoint=False, latent=row == OTHERS
                )
        if (ALL, None, qkey) in answered:
            table.sum_of(
                answered[(ALL, None, qkey)],
                [answered[(r, None, qkey)] for r in rows if (r, None, qkey) in answered],
            )
        by_val: dict[int, list[Cell]] = defaultdict(list)
        for (_, rnd, q2, val), cell in list(values.items()):
            if q2 == qkey and rnd is not None:
                by_val[val].append(cell)
        for val, parts in sorted(by_val.items()):
            values[(ALL, None, qkey, val)] = total(
                ("value", ALL, None, qkey, val), parts, disjoint=False
            )
        if (ALL, None, qkey) in answered:
            table.sum_of(
                answered[(ALL, None, qkey)],
                [c for (_, rnd, q2, _v), c in values.items() if q2 == qkey and rnd is None],
            )
    # Promoters and detractors, for everyone together (their shares are shown with the
    # NPS), with the rest of each share and the passives: a subtraction away.
    promoters: dict[tuple[str, int | None], Cell] = {}
    detractors: dict[tuple[str, int | None], Cell] = {}
    for rnd in [*(r.survey_id for r in rounds), None]:
        whole = answered.get((ALL, rnd, "nps"))
        if whole is None:
            continue
        mine = [(v, c) for (_, r2, q2, v), c in values.items() if (r2, q2) == (rnd, "nps")]
        groups = {
            "promoters": [c for v, c in mine if v >= 9],
            "detractors": [c for v, c in mine if v <= 6],
            "passives": [c for v, c in mine if 6 < v < 9],
            "not_promoters": [c for v, c in mine if v < 9],
            "not_detractors": [c for v, c in mine if v > 6],
        }
        shares = {
            name: total(
                (name, ALL, rnd),
                parts,
                disjoint=rnd is not None,
                latent=name not in ("promoters", "detractors"),
            )
            for name, parts in groups.items()
        }
        promoters[(ALL, rnd)], detractors[(ALL, rnd)] = shares["promoters"], shares["detractors"]
        table.sum_of(whole, [shares["promoters"], shares["detractors"], shares["passives"]])
        table.sum_of(whole, [shares["promoters"], shares["not_promoters"]])
        table.sum_of(whole, [shares["detractors"], shares["not_detractors"]])
    # Responses per round, per department, and all rounds together.
    responses: dict[tuple[str, int | None], Cell] = {}
    resp_rows: dict[tuple[str, int], list[Bag]] = defaultdict(list)
    for (dept, rnd), bag in by_round.items():
        resp_rows[(scope.row(dept), rnd)].append(bag)
    for r in rounds:
        for row in rows:
            responses[(row, r.survey_id)] = table.add(
                ("responses", row, r.survey_id),
                combine(resp_rows.get((row, r.survey_id), []), k, disjoint_people=True),
                latent=row == OTHERS,
            )
        responses[(ALL, r.survey_id)] = total(
            ("responses", ALL, r.survey_id),
            [responses[(row, r.survey_id)] for row in rows],
            disjoint=True,
        )
    for row in (*rows, ALL):
        responses[(row, None)] = total(
            ("responses", row, None),
            [responses[(row, r.survey_id)] for r in rounds],
            disjoint=False,
            latent=row == OTHERS,
        )
    table.sum_of(responses[(ALL, None)], [responses[(r, None)] for r in rows])
    # The dashboard's periods: the rounds that opened in each (whole rounds only).
    window_rounds: dict[Window, tuple[int, ...]] = {}
    sets: dict[frozenset[int], tuple[int, ...]] = {}
    for window in scope.windows:
        first, last = window
        chosen = tuple(
            r.survey_id
            for r in rounds
            if (first is None or r.opens_at >= _day(first))
            and r.opens_at < _day(last + dt.timedelta(days=7))
        )
        window_rounds[window] = chosen
        sets[frozenset(chosen)] = chosen
    every = frozenset(r.survey_id for r in rounds)
    made: dict[tuple[str, frozenset[int], str], Cell] = {}
    for rset, chosen in sets.items():
        for code in DASHBOARD_CODES:
            for row in (*rows, ALL):
                parts = [
                    answered[(row, rnd, code)] for rnd in chosen if (row, rnd, code) in answered
                ]
                if rset == every and (row, None, code) in answered:
                    made[(row, rset, code)] = answered[(row, None, code)]
                elif len(parts) == 1:
                    made[(row, rset, code)] = parts[0]
                else:
                    made[(row, rset, code)] = total(
                        ("period", row, chosen, code), parts, disjoint=False, latent=row == OTHERS
                    )
            table.sum_of(made[(ALL, rset, code)], [made[(r, rset, code)] for r in rows])
    # Two periods, one inside the other, differ by the rounds between: protected too.
    for outer in sets:
        for inner in sets:
            if not inner < outer:
                continue
            for code in DASHBOARD_CODES:
                for row in (*rows, ALL):
                    between = [
                        answered[(row, rnd, code)]
                        for rnd in outer - inner
                        if (row, rnd, code) in answered
                    ]
                    gap = total(
                        ("period_between", row, tuple(sorted(outer)), tuple(sorted(inner)), code),
                        between,
                        disjoint=False,
                        latent=True,
                    )
                    table.sum_of(made[(row, outer, code)], [made[(row, inner, code)], gap])
    windows: dict[tuple[str, Window, str], Cell] = {
        (row, window, code): made[(row, frozenset(chosen), code)]
        for window, chosen in window_rounds.items()
        for row in (*scope.offered, ALL)
        for code in DASHBOARD_CODES
    }
    texts: dict[tuple[int, int], Cell] = {
        (rnd, qid): table.add(("written", rnd, qid), bag)
        for (rnd, qid), bag in sorted(by_text.items(), key=lambda kv: repr(kv[0]))
    }
    return SurveyTable(
        scope,
        table.protect(),
        rounds,
        responses,
        answered,
        values,
        promoters,
        detractors,
        windows,
        window_rounds,
        texts,
    )


def programme_scope(s: Session, programme_id: int, k: int | None = None) -> Scope:
    return scope_of(s, _programme(s, programme_id), k if k is not None else k_threshold(s))


def nps_of(cell: Cell) -> float | None:
    """NPS of the answers a cell counts: % of 9–10 minus % of 0–6 (from its sums)."""
    if not cell.n or len(cell.bag.totals) < 3:
        return None
    _, promoters, detractors = cell.bag.totals
    return 100.0 * (promoters - detractors) / cell.n


def nps_point(st: SurveyTable, row: str, rnd: int | None, label: str, where: str) -> NpsPoint:
    cell = st.answered.get((row, rnd, "nps"))
    survey = next((r for r in st.rounds if r.survey_id == rnd), None)
    opens = survey.opens_at if survey else None
    if cell is None:
        return NpsPoint(label, rnd, opens, 0, None, None, None, False)
    emit(where, cell)
    if cell.hidden:
        return NpsPoint(label, rnd, opens, None, None, None, None, True, cell.hidden)
    # The shares of promoters and detractors: for everyone together only.
    prom, det = st.promoters.get((row, rnd)), st.detractors.get((row, rnd))
    for c in (prom, det):
        if c is not None:
            emit(where, c)
    return NpsPoint(
        label,
        rnd,
        opens,
        cell.n,
        nps_of(cell),
        None if prom is None or prom.hidden else prom.n / cell.n,
        None if det is None or det.hidden else det.n / cell.n,
        False,
    )


def _question(st: SurveyTable, row: str, rnd: int | None, qkey: QKey, where: str) -> QuestionResult:
    cell = st.answered[(row, rnd, qkey)]
    if isinstance(qkey, tuple):
        qid: int | None = qkey[1]
        _, code, kind, text = next(q for r in st.rounds for q in r.questions if q[0] == qid)
    else:
        qid, code = None, qkey
        kind = next(q[2] for r in st.rounds for q in r.questions if q[1] == code)
        text = question_text(code)
    emit(where, cell)
    if cell.hidden:
        return QuestionResult(code, qid, kind, text, None, None, (), True, cell.hidden)
    low, high = SCALE_RANGE[kind]
    dist: list[tuple[int, int | None]] = []
    if row != ALL:  # the distribution is for everyone together only
        return QuestionResult(code, qid, kind, text, cell.n, st.mean(cell), (), False)
    for v in range(low, high + 1):
        bar = st.values.get((row, rnd, qkey, v))
        if bar is None:
            dist.append((v, 0))
        else:
            emit(where, bar)
            dist.append((v, None if bar.hidden else bar.n))
    return QuestionResult(code, qid, kind, text, cell.n, st.mean(cell), tuple(dist), False)


def results_view(
    s: Session, st: SurveyTable, department: str | None, survey_id: int | None
) -> SurveyResults:
    """The results for one choice of filters, read from the protected table."""
    k = st.scope.k
    where = f"survey_results:{st.scope.programme_id}:{department}:{survey_id}"
    row = ALL if department is None else department
    if department is not None and department not in st.scope.offered:
        hidden = NpsPoint(t("All answers"), None, None, None, None, None, None, True, NOT_OFFERED)
        return SurveyResults(k, None, True, (), hidden, (), (), NOT_OFFERED)
    rounds = [r for r in st.rounds if survey_id is None or r.survey_id == survey_id]
    responses = st.responses.get((row, survey_id))
    order = {code: i for i, (code, _k, _t) in enumerate(STANDARD_QUESTIONS)}
    qkeys = sorted(
        {
            q
            for (r2, rnd, q) in st.answered
            if r2 == row and rnd == survey_id and isinstance(q, str)
        },
        key=lambda q: order.get(q, 99),
    )
    questions = [_question(st, row, survey_id, q, where) for q in qkeys]
    for r in rounds:  # custom questions, in their own round
        for qid, code, _kind, _text in r.questions:
            if code == CUSTOM_SCALE and (row, r.survey_id, ("custom", qid)) in st.answered:
                questions.append(_question(st, row, r.survey_id, ("custom", qid), where))
    free: list[FreeTexts] = []
    note = ""
    if department is not None:
        note = NOT_OFFERED  # written answers are never split by department
    else:
        for r in rounds:
            for qid, code, _kind, text in r.questions:
                cell = st.texts.get((r.survey_id, qid))
                if cell is None:
                    continue
                emit(where, cell)
                if cell.hidden:
                    free.append(FreeTexts(code, qid, text, None, (), True, cell.hidden, r.title))
                    continue
                found = s.scalars(
                    select(SurveyAnswer.value_text).where(
                        SurveyAnswer.question_id == qid,
                        SurveyAnswer.value_text.is_not(None),
                        SurveyAnswer.value_text != "",
                    )
                ).all()
                # Sorted, not in answer order: the order must not point at anyone.
                ordered = tuple(sorted((x for x in found if x), key=lambda x: (x.casefold(), x)))
                emit_texts(where, ("round", r.survey_id), ordered)
                free.append(
                    FreeTexts(code, qid, text, cell.n, ordered[:MAX_FREE_TEXTS], False, "", r.title)
                )
    if responses is not None:
        emit(where, responses)
    return SurveyResults(
        k=k,
        responses=None if responses is None or responses.hidden else responses.n,
        suppressed=bool(responses is not None and responses.hidden),
        questions=tuple(questions),
        nps=nps_point(st, row, survey_id, t("All answers"), where),
        nps_by_survey=tuple(
            nps_point(st, row, r.survey_id, r.title, where)
            for r in rounds
            if (row, r.survey_id, "nps") in st.answered  # rounds with answers only
        ),
        free_texts=tuple(free),
        reason=responses.hidden if responses is not None else "",
        texts_note=note,
    )


def survey_results(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    department: str | None = None,
    *,
    survey_id: int | None = None,
) -> SurveyResults:
    """Results of a programme's pulse and end surveys for coordinators, protected.

    ``department`` is the respondent's department when they answered (only the
    departments of :func:`survey_departments`); ``survey_id`` keeps one survey round.
    There is no date window: a partial round minus another would isolate people.
    """
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        st = survey_table(s, programme_scope(s, programme_id))
        return results_view(s, st, department, survey_id)


def survey_departments(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> list[str]:
    """Departments the results can be filtered on (core.kernel.privacy.offered_groups)."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        return list(programme_scope(s, programme_id).offered)


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
