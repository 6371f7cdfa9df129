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

from core.kernel import audit, clock, tx
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotFound
from core.kernel.i18n import t
from core.kernel.tx import reading
from core.matching.mine import match_ids_of
from core.people.names import names_of
from core.relationship.concerns import FIT_FLAG, add_concern, handle
from core.relationship.lifecycle import close_match
from core.relationship.membership import is_live, member_names
from core.surveys.answering import store_response
from core.surveys.questions import FIT, FIT_QUESTIONS, KIND_LABELS, new_questions, poor_fit
from db.models import (
    LIVE_MATCH_STATUSES,
    Concern,
    ConcernStatus,
    Match,
    MatchMember,
    Meeting,
    MeetingStatus,
    Programme,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)

# The live-match rule under the name pages/coord_surveys.py reads (pages do not import db):
# a flag whose pairing is still live can end it. Prefer FitFlag.pairing_live.
FIT_STATES = LIVE_MATCH_STATUSES


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

    @property
    def pairing_live(self) -> bool:
        """Whether the flagged pairing still runs (so the coordinator can end it)."""
        return is_live(self.match_status)


def _first_held(s: Session, match_id: int) -> dt.datetime | None:
    return s.scalar(
        select(func.min(Meeting.scheduled_at)).where(
            Meeting.match_id == match_id, Meeting.status == MeetingStatus.HELD
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


def fit_checks_due(sf: sessionmaker[Session], viewer: Viewer) -> list[FitCheck]:
    """My live matches that held their first meeting and whose fit I have not rated yet."""
    with reading(sf) as s:
        mine = match_ids_of(viewer.person_id)
        held = (
            select(Meeting.match_id, func.min(Meeting.scheduled_at).label("first"))
            .where(Meeting.status == MeetingStatus.HELD, Meeting.match_id.in_(mine))
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
                Match.status.in_(LIVE_MATCH_STATUSES),
                Match.id.not_in(answered),
            )
            .order_by(held.c.first)
        ).all()
        return [
            FitCheck(match.id, programme, member_names(s, match, but=viewer.person_id), first)
            for match, programme, first in rows
        ]


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
        if not is_live(match.status):
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
        flagged = poor_fit(score)
        if flagged:
            already = s.scalar(
                select(Concern.id).where(
                    Concern.match_id == match.id,
                    Concern.kind == FIT_FLAG,
                    Concern.status == ConcernStatus.OPEN,
                )
            )
            if already is None:
                # No author and no words: only that a member reported a poor fit.
                add_concern(s, match, FIT_FLAG, "", None)
        return flagged


def my_fit_answers(sf: sessionmaker[Session], viewer: Viewer) -> list[MyFitAnswer]:
    """My own fit ratings and notes (only ever returned to their author)."""
    with reading(sf) as s:
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
                names = names_of(s, others)
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
        query = select(Concern).where(
            Concern.programme_id == programme_id, Concern.kind == FIT_FLAG
        )
        if not include_handled:
            query = query.where(Concern.status == ConcernStatus.OPEN)
        flags = []
        for c in s.scalars(query.order_by(Concern.created_at.desc(), Concern.id.desc())):
            match = s.get(Match, c.match_id) if c.match_id else None
            flags.append(
                FitFlag(
                    c.id,
                    c.match_id,
                    match.status if match else None,
                    member_names(s, match) if match else (),
                    c.created_at,
                    c.status,
                    c.handled_at,
                )
            )
        return flags


def _flag(s: Session, concern_id: int) -> Concern:
    concern = s.get(Concern, concern_id)
    if concern is None or concern.kind != FIT_FLAG:
        raise NotFound(t("This flag does not exist."))
    return concern


def mark_fit_flag_handled(sf: sessionmaker[Session], viewer: Viewer, concern_id: int) -> None:
    """The coordinator talked to the pair: the flag leaves the list (a second click changes
    nothing, like core.relationship.concerns.mark_concern_handled, which lists these flags too)."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        handle(s, viewer, _flag(s, concern_id))


def end_pairing_for_rematch(sf: sessionmaker[Session], viewer: Viewer, concern_id: int) -> None:
    """End a flagged pairing so that both members can be matched again."""
    require_role(viewer, COORDINATOR)
    stale = t("This pairing was changed meanwhile: look again and retry.")
    with tx.transaction(sf, stale=stale) as s:
        concern = _flag(s, concern_id)
        if concern.status != ConcernStatus.OPEN:
            raise Conflict(t("This flag was already handled."))
        match = s.get(Match, concern.match_id) if concern.match_id else None
        if match is None or not is_live(match.status):
            raise Conflict(t("This pairing has already ended."))
        now = clock.now()
        close_match(s, match, now)  # planned meetings cancelled too
        match.end_reason = "Poor fit reported; ended by the coordinator to re-match."
        # Handled by ending the pairing: its own audit line says so.
        concern.status, concern.handled_at = ConcernStatus.HANDLED, now
        audit.by(s, viewer, "pairing_ended_poor_fit", target=f"match:{match.id}")
