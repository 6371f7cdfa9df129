"""The pairing-fit check: after a match's first held meeting, each member says whether
the pairing fits them (1–5). A poor fit (≤ 2) flags the pair for the coordinator,
who can reach out and offer a new match.

Privacy: the optional note stays the participant's own (only :func:`my_fit_answers`
returns it, to its author). The flag is a Concern of kind 'fit' with no words and
no author: the coordinator learns that *a member* of the pair reported a poor fit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotFound
from core.kernel.i18n import t
from core.surveys.surveys import (
    FIT,
    FIT_QUESTIONS,
    KIND_LABELS,
    POOR_FIT_MAX,
    QuestionResult,
    fit_results,
    new_questions,
    store_response,
)
from db.models import (
    Concern,
    Match,
    MatchMember,
    Meeting,
    Person,
    Programme,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)

FIT_STATES = ("published", "active", "paused")  # a live match (core.relationship.membership)


@dataclass(frozen=True)
class FitCheck:
    """A fit check waiting for my answer, about one of my matches."""

    match_id: int
    programme: str
    peers: tuple[str, ...]
    first_meeting_at: dt.datetime


@dataclass(frozen=True)
class MyFitAnswer:
    match_id: int | None
    peers: tuple[str, ...]
    score: int | None
    note: str
    answered_at: dt.datetime


@dataclass(frozen=True)
class FitFlag:
    """A pair flagged for the coordinator: names and dates only, no words."""

    concern_id: int
    match_id: int | None
    match_status: str | None
    members: tuple[str, ...]
    flagged_at: dt.datetime
    status: str  # open|handled
    handled_at: dt.datetime | None


def _first_held(s: Session, match_id: int) -> dt.datetime | None:
    return s.scalar(
        select(func.min(Meeting.scheduled_at)).where(
            Meeting.match_id == match_id, Meeting.status == "held"
        )
    )


def _answered_fit(s: Session, match_id: int, person_id: int) -> bool:
    return bool(
        s.scalar(
            select(
                exists().where(
                    SurveyResponse.survey_id == Survey.id,
                    Survey.match_id == match_id,
                    Survey.kind == FIT,
                    SurveyResponse.person_id == person_id,
                )
            )
        )
    )


def _names(s: Session, ids: list[int]) -> dict[int, str]:
    return dict(
        s.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids))).tuples().all()
    )


def fit_checks_due(sf: sessionmaker[Session], viewer: Viewer) -> list[FitCheck]:
    """My live matches that held their first meeting and whose fit I have not rated yet."""
    with sf.begin() as s:
        mine = select(MatchMember.match_id).where(MatchMember.person_id == viewer.person_id)
        held = (
            select(Meeting.match_id, func.min(Meeting.scheduled_at).label("first"))
            .where(Meeting.status == "held")
            .group_by(Meeting.match_id)
            .subquery()
        )
        answered = (
            select(Survey.match_id)
            .join(SurveyResponse, SurveyResponse.survey_id == Survey.id)
            .where(
                Survey.kind == FIT,
                Survey.match_id.is_not(None),
                SurveyResponse.person_id == viewer.person_id,
            )
        )
        rows = s.execute(
            select(Match, Programme.name, held.c.first)
            .join(held, held.c.match_id == Match.id)
            .join(Programme, Programme.id == Match.programme_id)
            .where(
                Match.id.in_(mine),
                Match.status.in_(FIT_STATES),
                Match.id.not_in(answered),
            )
            .order_by(held.c.first)
        ).all()
        checks = []
        for match, programme, first in rows:
            others = [m.person_id for m in match.members if m.person_id != viewer.person_id]
            names = _names(s, others)
            checks.append(
                FitCheck(match.id, programme, tuple(names[i] for i in others if i in names), first)
            )
        return checks


def _fit_survey(s: Session, match: Match) -> Survey:
    """The fit survey of a match, created on first use."""
    survey = s.scalar(
        select(Survey)
        .where(Survey.match_id == match.id, Survey.kind == FIT)
        .order_by(Survey.id)
        .limit(1)
    )
    if survey is None:
        now = clock.now()
        survey = Survey(
            programme_id=match.programme_id,
            match_id=match.id,
            kind=FIT,
            title=KIND_LABELS[FIT],  # English; shown translated by kind
            opens_at=now,
            closes_at=None,
            created_at=now,
            questions=new_questions(FIT_QUESTIONS),
        )
        s.add(survey)
        s.flush()
    return survey


def answer_fit(
    sf: sessionmaker[Session], viewer: Viewer, match_id: int, score: object, note: str = ""
) -> bool:
    """Rate the fit of my pairing once; returns True when the pair was flagged (score ≤ 2)."""
    with sf.begin() as s:
        match = s.get(Match, match_id)
        if match is None or viewer.person_id not in {m.person_id for m in match.members}:
            raise NotFound(t("This pairing does not exist or is not yours."))
        if match.status not in FIT_STATES:
            raise InvalidInput(t("This pairing has ended: its fit can no longer be rated."))
        if _first_held(s, match.id) is None:
            raise InvalidInput(t("You can rate the fit after your first meeting has been held."))
        if _answered_fit(s, match.id, viewer.person_id):
            raise Conflict(t("You have already rated the fit of this pairing."))
        survey = _fit_survey(s, match)
        by_code = {q.code: q.id for q in survey.questions}
        store_response(
            s, survey, viewer.person_id, {by_code["fit"]: score, by_code["fit_note"]: note}
        )
        flagged = isinstance(score, int) and score <= POOR_FIT_MAX
        if flagged:
            already = s.scalar(
                select(Concern.id).where(
                    Concern.match_id == match.id, Concern.kind == "fit", Concern.status == "open"
                )
            )
            if already is None:
                # No author and no words: only that a member reported a poor fit.
                s.add(
                    Concern(
                        programme_id=match.programme_id,
                        match_id=match.id,
                        raised_by_id=None,
                        kind="fit",
                        body="",
                        status="open",
                        created_at=clock.now(),
                    )
                )
        return flagged


def my_fit_answers(sf: sessionmaker[Session], viewer: Viewer) -> list[MyFitAnswer]:
    """My own fit ratings and notes (only ever returned to their author)."""
    with sf.begin() as s:
        rows = s.execute(
            select(Survey.match_id, SurveyResponse.id, SurveyResponse.submitted_at)
            .join(SurveyResponse, SurveyResponse.survey_id == Survey.id)
            .where(Survey.kind == FIT, SurveyResponse.person_id == viewer.person_id)
            .order_by(SurveyResponse.submitted_at.desc())
        ).all()
        answers = []
        for match_id, response_id, at in rows:
            values = dict(
                s.execute(
                    select(SurveyQuestion.code, SurveyAnswer)
                    .join(SurveyAnswer, SurveyAnswer.question_id == SurveyQuestion.id)
                    .where(SurveyAnswer.response_id == response_id)
                )
                .tuples()
                .all()
            )
            peers: tuple[str, ...] = ()
            if match_id is not None:
                others = list(
                    s.scalars(
                        select(MatchMember.person_id).where(
                            MatchMember.match_id == match_id,
                            MatchMember.person_id != viewer.person_id,
                        )
                    )
                )
                names = _names(s, others)
                peers = tuple(names[i] for i in others if i in names)
            fit, note = values.get("fit"), values.get("fit_note")
            answers.append(
                MyFitAnswer(
                    match_id,
                    peers,
                    fit.value_int if fit else None,
                    (note.value_text or "") if note else "",
                    at,
                )
            )
        return answers


# --------------------------------------------------------------------------- coordinator


def fit_flags(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int, *, include_handled: bool = False
) -> list[FitFlag]:
    """Pairs where a member reported a poor fit: who is in the pair, and when. No words."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        query = select(Concern).where(Concern.programme_id == programme_id, Concern.kind == "fit")
        if not include_handled:
            query = query.where(Concern.status == "open")
        flags = []
        for c in s.scalars(query.order_by(Concern.created_at.desc(), Concern.id.desc())):
            match = s.get(Match, c.match_id) if c.match_id else None
            ids = [m.person_id for m in match.members] if match else []
            names = _names(s, ids)
            flags.append(
                FitFlag(
                    c.id,
                    c.match_id,
                    match.status if match else None,
                    tuple(names[i] for i in ids if i in names),
                    c.created_at,
                    c.status,
                    c.handled_at,
                )
            )
        return flags


def _open_flag(s: Session, concern_id: int) -> Concern:
    concern = s.get(Concern, concern_id)
    if concern is None or concern.kind != "fit":
        raise NotFound(t("This flag does not exist."))
    if concern.status != "open":
        raise Conflict(t("This flag was already handled."))
    return concern


def mark_fit_flag_handled(sf: sessionmaker[Session], viewer: Viewer, concern_id: int) -> None:
    """The coordinator talked to the pair: the flag leaves the list (a second click changes
    nothing, like core.relationship.relationship.mark_concern_handled, which lists these flags too)."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        concern = s.get(Concern, concern_id)
        if concern is None or concern.kind != "fit":
            raise NotFound(t("This flag does not exist."))
        if concern.status == "handled":
            return
        concern.status, concern.handled_at = "handled", clock.now()
        audit.record(
            s,
            "concern_handled",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
            target=f"concern {concern.id}",
        )


def end_pairing_for_rematch(sf: sessionmaker[Session], viewer: Viewer, concern_id: int) -> None:
    """End a flagged pairing so that both members can be matched again."""
    require_role(viewer, COORDINATOR)
    try:
        with sf.begin() as s:
            concern = _open_flag(s, concern_id)
            match = s.get(Match, concern.match_id) if concern.match_id else None
            if match is None or match.status not in FIT_STATES:
                raise Conflict(t("This pairing has already ended."))
            now = clock.now()
            match.status, match.ended_at = "ended", now
            match.end_reason = "Poor fit reported; ended by the coordinator to re-match."
            concern.status, concern.handled_at = "handled", now
            audit.record(
                s,
                "pairing_ended_poor_fit",
                actor_account_id=viewer.account_id,
                actor_username=viewer.username,
                target=f"match:{match.id}",
            )
    except StaleDataError:
        raise Conflict(t("This pairing was changed meanwhile: look again and retry.")) from None


def fit_summary(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> QuestionResult:
    """Fit ratings of a programme (1–5), protected (core.surveys.surveys.fit_results); never the notes."""
    return fit_results(sf, viewer, programme_id).result
