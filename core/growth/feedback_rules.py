"""The rules of feedback: its kinds and fields, a request's states, limits, who exchanges with whom.

Session-level helpers for :mod:`core.growth.feedback`: they take a Session and never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session

from core.kernel import validate
from core.kernel.errors import NotAllowed, NotFound
from core.kernel.i18n import N_, t
from core.kernel.text import clean_text
from core.relationship.membership import live_matches_of, peers_of
from db.models import Feedback, FeedbackRequest, RequestStatus

# Kinds of feedback and the fields each one uses (all stored on Feedback).
STRUCTURED, SBI, KUDOS = "structured", "sbi", "kudos"
KINDS: dict[str, str] = {
    STRUCTURED: N_("What worked, what to improve, a suggestion"),
    SBI: N_("Situation, behaviour, impact"),
    KUDOS: N_("Kudos"),
}
FIELDS: dict[str, str] = {
    "worked": N_("What worked"),
    "improve": N_("What to improve"),
    "suggestion": N_("One concrete suggestion"),
    "situation": N_("Situation"),
    "behaviour": N_("Behaviour"),
    "impact": N_("Impact"),
}
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    STRUCTURED: ("worked", "improve", "suggestion"),
    SBI: ("situation", "behaviour", "impact"),
    KUDOS: ("worked",),
}
# The essential fields: without them the feedback does not help anyone.
REQUIRED: dict[str, tuple[str, ...]] = {
    STRUCTURED: ("worked", "improve"),
    SBI: ("situation", "behaviour", "impact"),
    KUDOS: ("worked",),
}

OPEN, ANSWERED, DECLINED, CLOSED = (
    RequestStatus.OPEN,
    RequestStatus.ANSWERED,
    RequestStatus.DECLINED,
    RequestStatus.CLOSED,
)
REQUEST_STATUSES: dict[str, str] = {
    OPEN: N_("Waiting for an answer"),
    ANSWERED: N_("Answered"),
    DECLINED: N_("Declined"),
    CLOSED: N_("Closed: the colleague left Tandem"),
}

MAX_TOPIC = 200
MAX_CONTEXT = 2_000
MAX_FIELD = 5_000
MAX_KUDOS = 500
# A second identical submission within this window is the same click twice.
DOUBLE_SUBMIT_WINDOW = dt.timedelta(minutes=10)


def shared_match(s: Session, person_id: int, other_id: int) -> int:
    """The id of a live match both people are in, or NotAllowed."""
    if other_id != person_id and other_id in peers_of(s, person_id):
        for match in live_matches_of(s, person_id):
            if any(mm.person_id == other_id for mm in match.members):
                return match.id
    raise NotAllowed(t("You can only exchange feedback with a peer of your pair or circle."))


def clean_fields(kind: str, values: Mapping[str, str | None]) -> dict[str, str]:
    """The fields ``kind`` uses, checked; fields of another kind (another tab of the form) go."""
    validate.choice(kind, KINDS, t("Unknown kind of feedback."))
    limit = MAX_KUDOS if kind == KUDOS else MAX_FIELD
    return {
        name: clean_text(
            values.get(name),
            t(FIELDS[name]) if kind != KUDOS else t("Kudos"),
            max_chars=limit,
            required=name in REQUIRED[kind],
        )
        for name in KIND_FIELDS[kind]
    }


def same_content(f: Feedback, kind: str, fields: dict[str, str]) -> bool:
    return f.kind == kind and all(getattr(f, k) == v for k, v in fields.items())


def feedback_of_mine(s: Session, person_id: int, feedback_id: object) -> Feedback:
    """Feedback I gave or received; anything else is not found."""
    f = validate.get(s, Feedback, feedback_id)
    if f is None or person_id not in (f.giver_id, f.recipient_id):
        raise NotFound(t("This feedback does not exist or is not yours to see."))
    return f


def request_of_mine(s: Session, person_id: int, request_id: object) -> FeedbackRequest:
    """A request I made or was asked; anything else is not found."""
    r = validate.get(s, FeedbackRequest, request_id)
    if r is None or person_id not in (r.requester_id, r.giver_id):
        raise NotFound(t("This feedback request does not exist or is not yours to see."))
    return r


def request_to_me(s: Session, person_id: int, request_id: object) -> FeedbackRequest:
    """A request asked of me (the requester may read it, not answer it)."""
    request = request_of_mine(s, person_id, request_id)
    if request.giver_id != person_id:
        raise NotAllowed(t("Only the colleague who was asked can answer this request."))
    return request


def close_if_open(s: Session, request_id: int, status: str) -> bool:
    """Move an open request to ``status`` in one conditional update; False if it was not open.

    Of two concurrent answers (or an answer and a decline) only one moves the request on.
    """
    # Session.execute() is typed as Result; a DML statement gives a CursorResult.
    result = cast(
        "CursorResult[Any]",
        s.execute(
            update(FeedbackRequest)
            .where(FeedbackRequest.id == request_id, FeedbackRequest.status == OPEN)
            .values(status=status)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1
