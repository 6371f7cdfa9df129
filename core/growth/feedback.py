"""Feedback exchange between peers: ask, answer (or decline), acknowledge and rate, kudos.

Only the two people involved ever see a request or a piece of feedback (DESIGN.md,
"Who sees what"): every action here checks that the viewer is one of them, and the
reads (:mod:`core.growth.feedback_reads`) filter on the viewer's own person id, so
another circle member, a coordinator or an admin gets nothing.

A giver who erased their data leaves their feedback with its recipient, unsigned
(``giver_id`` NULL): it then reads "a former participant". The rules live in
:mod:`core.growth.feedback_rules`, the views in :mod:`core.growth.feedback_views`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.growth.feedback_rules import (
    ANSWERED,
    CLOSED,
    DECLINED,
    DOUBLE_SUBMIT_WINDOW,
    FIELDS,
    KIND_FIELDS,
    KINDS,
    KUDOS,
    MAX_CONTEXT,
    MAX_FIELD,
    MAX_KUDOS,
    MAX_TOPIC,
    OPEN,
    REQUEST_STATUSES,
    REQUIRED,
    SBI,
    STRUCTURED,
    clean_fields,
    close_if_open,
    feedback_of_mine,
    request_to_me,
    same_content,
    shared_match,
)
from core.growth.feedback_views import (
    FeedbackView,
    Peer,
    PendingFeedback,
    RequestView,
    feedback_view,
    request_view,
)
from core.kernel import clock, submissions, validate
from core.kernel.access import PARTICIPANT, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.kernel.i18n import t
from core.kernel.text import clean_line, clean_text
from db.models import Feedback, FeedbackRequest

__all__ = [  # the rules and views a page reads through this module
    "ANSWERED",
    "CLOSED",
    "DECLINED",
    "FIELDS",
    "KINDS",
    "KIND_FIELDS",
    "KUDOS",
    "MAX_CONTEXT",
    "MAX_FIELD",
    "MAX_KUDOS",
    "MAX_TOPIC",
    "OPEN",
    "REQUEST_STATUSES",
    "REQUIRED",
    "SBI",
    "STRUCTURED",
    "FeedbackView",
    "Peer",
    "PendingFeedback",
    "RequestView",
]

# --------------------------------------------------------------------------- actions


def ask_feedback(
    sf: sessionmaker[Session],
    viewer: Viewer,
    giver_id: int,
    topic: str,
    context: str = "",
    wished_by: dt.date | None = None,
    *,
    key: str | None = None,
) -> RequestView:
    """Ask a peer for feedback on something concrete. The same request twice is one request.

    ``key``: the form's submission key; sent again (or at once), it returns the first request.
    """
    require_role(viewer, PARTICIPANT)
    topic = clean_line(topic, t("Topic"), max_chars=MAX_TOPIC)
    context = clean_text(context, t("Context"), max_chars=MAX_CONTEXT)
    if isinstance(wished_by, dt.date) and wished_by < clock.today():
        raise InvalidInput(t("The wished date cannot be in the past."))
    wished_by = validate.optional_date(wished_by, t("Wished by"))

    def create(s: Session) -> tuple[RequestView, int]:
        match_id = shared_match(s, viewer.person_id, giver_id)
        request = next(  # topics are encrypted at rest: compared here, not in SQL
            (
                r
                for r in s.scalars(
                    select(FeedbackRequest).where(
                        FeedbackRequest.requester_id == viewer.person_id,
                        FeedbackRequest.giver_id == giver_id,
                        FeedbackRequest.status == OPEN,
                    )
                )
                if r.topic == topic
            ),
            None,
        )
        if request is None:  # else a double click, or the same question asked again
            request = FeedbackRequest(
                match_id=match_id,
                requester_id=viewer.person_id,
                giver_id=giver_id,
                topic=topic,
                context=context,
                wished_by=wished_by,
                status=OPEN,
                created_at=clock.now(),
            )
            s.add(request)
        return request_view(s, request), request.id

    def replay(s: Session, request_id: int) -> RequestView:
        request = s.get(FeedbackRequest, request_id)
        if request is None or request.requester_id != viewer.person_id:
            raise NotFound(t("This feedback request does not exist or is not yours to see."))
        return request_view(s, request)

    return submissions.once(sf, viewer, key, "feedback_request", create, replay)


def answer_request(
    sf: sessionmaker[Session],
    viewer: Viewer,
    request_id: int,
    kind: str,
    *,
    key: str | None = None,
    **values: str,
) -> FeedbackView:
    """Answer a request in a structured form (structured or SBI).

    Submitting the same answer twice returns the first one; a different second
    answer is refused with a Conflict. ``key``: the form's submission key; the
    same form sent again returns the first answer.
    """
    require_role(viewer, PARTICIPANT)
    if kind == KUDOS:
        raise InvalidInput(t("Answer a request with structured feedback, not kudos."))
    fields = clean_fields(kind, values)

    def create(s: Session) -> tuple[FeedbackView, int]:
        view = _answer(s, viewer, request_id, kind, fields)
        return view, view.id

    return submissions.once(
        sf, viewer, key, "feedback", create, lambda s, found: _given_view(s, viewer, found)
    )


def _given_view(s: Session, viewer: Viewer, feedback_id: int) -> FeedbackView:
    """Feedback a form of mine already created, as I see it now."""
    f = s.get(Feedback, feedback_id)
    if f is None or f.giver_id != viewer.person_id:
        raise NotFound(t("This feedback does not exist or is not yours to see."))
    return feedback_view(s, f)


def _answer(
    s: Session, viewer: Viewer, request_id: int, kind: str, fields: dict[str, str]
) -> FeedbackView:
    """Answer an open request inside the caller's transaction (see :func:`answer_request`)."""
    request = request_to_me(s, viewer.person_id, request_id)
    if request.status != OPEN or not close_if_open(s, request.id, ANSWERED):
        s.refresh(request)
        return _already_answered(s, request, kind, fields)
    if request.requester_id is None:  # the requester erased their data meanwhile
        raise NotFound(t("This feedback request was withdrawn."))
    feedback = Feedback(
        request_id=request.id,
        match_id=request.match_id,
        giver_id=viewer.person_id,
        recipient_id=request.requester_id,
        kind=kind,
        created_at=clock.now(),
        **fields,
    )
    s.add(feedback)
    return feedback_view(s, feedback)


def _already_answered(
    s: Session, request: FeedbackRequest, kind: str, fields: dict[str, str]
) -> FeedbackView:
    if request.status == ANSWERED:
        existing = s.scalars(select(Feedback).where(Feedback.request_id == request.id)).first()
        if existing is not None and same_content(existing, kind, fields):
            return feedback_view(s, existing)
        raise Conflict(t("You already answered this request; your answer was kept as it was."))
    if request.status == DECLINED:
        raise Conflict(t("You declined this request; it can no longer be answered."))
    raise Conflict(t("This feedback request is closed."))


def decline_request(sf: sessionmaker[Session], viewer: Viewer, request_id: int) -> RequestView:
    """Decline politely: the requester sees that this time it was not possible."""
    require_role(viewer, PARTICIPANT)
    with sf.begin() as s:
        request = request_to_me(s, viewer.person_id, request_id)
        if request.status == OPEN:
            close_if_open(s, request.id, DECLINED)
            s.refresh(request)
        if request.status == ANSWERED:
            raise Conflict(t("You already answered this request; it can no longer be declined."))
        return request_view(s, request)


def give_feedback(
    sf: sessionmaker[Session],
    viewer: Viewer,
    recipient_id: int,
    kind: str,
    *,
    key: str | None = None,
    **values: str,
) -> FeedbackView:
    """Give feedback nobody asked for (structured, SBI) or kudos to a peer.

    ``key``: the form's submission key; the same form sent again returns the first one.
    """
    require_role(viewer, PARTICIPANT)
    fields = clean_fields(kind, values)

    def create(s: Session) -> tuple[FeedbackView, int]:
        match_id = shared_match(s, viewer.person_id, recipient_id)
        recent = s.scalars(
            select(Feedback).where(
                Feedback.giver_id == viewer.person_id,
                Feedback.recipient_id == recipient_id,
                Feedback.request_id.is_(None),
                Feedback.created_at >= clock.now() - DOUBLE_SUBMIT_WINDOW,
            )
        ).all()
        feedback = next((f for f in recent if same_content(f, kind, fields)), None)
        if feedback is None:  # else the same click twice
            feedback = Feedback(
                match_id=match_id,
                giver_id=viewer.person_id,
                recipient_id=recipient_id,
                kind=kind,
                created_at=clock.now(),
                **fields,
            )
            s.add(feedback)
        return feedback_view(s, feedback), feedback.id

    return submissions.once(
        sf, viewer, key, "feedback", create, lambda s, found: _given_view(s, viewer, found)
    )


def send_kudos(
    sf: sessionmaker[Session],
    viewer: Viewer,
    recipient_id: int,
    text: str,
    *,
    key: str | None = None,
) -> FeedbackView:
    """A short appreciation for a peer."""
    return give_feedback(sf, viewer, recipient_id, KUDOS, key=key, worked=text)


def acknowledge(
    sf: sessionmaker[Session], viewer: Viewer, feedback_id: int, usefulness: int | None
) -> FeedbackView:
    """The recipient acknowledges feedback and rates how useful it was (1–5; kudos: no rating).

    Acknowledging again changes the rating and keeps the first acknowledgement time.
    """
    require_role(viewer, PARTICIPANT)
    with sf.begin() as s:
        f = feedback_of_mine(s, viewer.person_id, feedback_id)
        if f.recipient_id != viewer.person_id:
            raise NotAllowed(t("Only the person who received this feedback can acknowledge it."))
        if f.kind == KUDOS:
            f.usefulness = None
        else:
            f.usefulness = validate.whole_number(
                usefulness, 1, 5, t("Rate how useful it was, from 1 to 5.")
            )
        if f.acknowledged_at is None:
            f.acknowledged_at = clock.now()
        return feedback_view(s, f)
