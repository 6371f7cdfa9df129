"""Feedback as each of the two people involved reads it: my peers, my requests, the requests
asked of me, what I received and gave (a page at a time), what waits for me.

Every read filters on the viewer's own person id (DESIGN.md, "Who sees what"): another
circle member, a coordinator or an admin gets nothing. The actions live in
:mod:`core.growth.feedback`, the views in :mod:`core.growth.feedback_views`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, sessionmaker

from core.growth.feedback_rules import OPEN
from core.growth.feedback_views import (
    FeedbackPage,
    FeedbackView,
    Page,
    Peer,
    PendingFeedback,
    RequestView,
    feedback_views,
    request_views,
)
from core.kernel.access import Viewer
from core.kernel.tx import reading
from core.relationship.membership import live_matches_of
from db.folding import name_key
from db.models import Feedback, FeedbackRequest, Person

_NEWEST_FEEDBACK = (Feedback.created_at.desc(), Feedback.id.desc())
PAGE_SIZE = 10  # acknowledged or given feedback shown at a time


def my_peers(sf: sessionmaker[Session], viewer: Viewer) -> list[Peer]:
    """The people I can ask for feedback or give feedback to: my live matches' other members."""
    with reading(sf) as s:
        peers: dict[int, Peer] = {}
        for match in live_matches_of(s, viewer.person_id):
            others = [mm.person_id for mm in match.members if mm.person_id != viewer.person_id]
            for p in s.scalars(
                select(Person).where(Person.id.in_(others), Person.erased_at.is_(None))
            ):
                peers.setdefault(p.id, Peer(p.id, p.full_name, p.department, match.id))
        return sorted(peers.values(), key=lambda p: name_key(p.name))


R = TypeVar("R")
V = TypeVar("V")
_NEWEST_REQUEST = (FeedbackRequest.created_at.desc(), FeedbackRequest.id.desc())


def _requests(s: Session, where: ColumnElement[bool]) -> list[RequestView]:
    rows = list(s.scalars(select(FeedbackRequest).where(where).order_by(*_NEWEST_REQUEST)))
    return request_views(s, rows)


def _to_answer(s: Session, viewer: Viewer) -> list[RequestView]:
    asked = _requests(s, FeedbackRequest.giver_id == viewer.person_id)
    return [r for r in asked if r.status == OPEN]


def _feedback(s: Session, *where: ColumnElement[bool]) -> list[FeedbackView]:
    return feedback_views(s, _rows(s, *where))


def _page(
    s: Session,
    rows: Select[tuple[R]],
    limit: int | None,
    view: Callable[[Session, list[R]], list[V]],
) -> Page[V]:
    """The first ``limit`` rows (``None``: all) as views, and whether more wait: one row more
    than asked is read, never the rest."""
    found = list(s.scalars(rows.limit(None if limit is None else limit + 1)))
    return Page(tuple(view(s, found[:limit])), limit is not None and len(found) > limit)


def my_requests(
    sf: sessionmaker[Session], viewer: Viewer, limit: int | None = None
) -> Page[RequestView]:
    """Requests I made, newest first, with their status: the ``limit`` newest (``None``: all)."""
    with reading(sf) as s:
        mine = select(FeedbackRequest).where(FeedbackRequest.requester_id == viewer.person_id)
        return _page(s, mine.order_by(*_NEWEST_REQUEST), limit, request_views)


def settled_requests(
    sf: sessionmaker[Session], viewer: Viewer, limit: int | None = None
) -> Page[RequestView]:
    """Requests asked of me that no longer wait for me (answered, declined, or closed when
    their author left), newest first: the ``limit`` newest (``None``: all). The open ones
    are :func:`pending`'s."""
    with sf.begin() as s:
        asked = select(FeedbackRequest).where(
            FeedbackRequest.giver_id == viewer.person_id, FeedbackRequest.status != OPEN
        )
        return _page(s, asked.order_by(*_NEWEST_REQUEST), limit, request_views)


def received_page(
    sf: sessionmaker[Session], viewer: Viewer, limit: int | None = None
) -> FeedbackPage:
    """Feedback given to me: what still waits for my acknowledgement first, then what I
    acknowledged, newest first in each; the first ``limit`` (``None``: all). A busy
    person's page draws ``limit`` items, whatever the number received."""
    with sf.begin() as s:
        mine = select(Feedback).where(Feedback.recipient_id == viewer.person_id)
        waiting_first = mine.order_by(Feedback.acknowledged_at.is_not(None), *_NEWEST_FEEDBACK)
        return _page(s, waiting_first, limit, feedback_views)


def given_page(sf: sessionmaker[Session], viewer: Viewer, limit: int | None = None) -> FeedbackPage:
    """Feedback and kudos I gave, the ``limit`` newest (``None``: all)."""
    with sf.begin() as s:
        mine = select(Feedback).where(Feedback.giver_id == viewer.person_id)
        return _page(s, mine.order_by(*_NEWEST_FEEDBACK), limit, feedback_views)


def _rows(s: Session, *where: ColumnElement[bool]) -> list[Feedback]:
    """Newest first."""
    return list(s.scalars(select(Feedback).where(*where).order_by(*_NEWEST_FEEDBACK)))


def pending(sf: sessionmaker[Session], viewer: Viewer) -> PendingFeedback:
    """What waits for me: requests to answer, feedback received not yet acknowledged."""
    with reading(sf) as s:
        to_ack = _feedback(
            s, Feedback.recipient_id == viewer.person_id, Feedback.acknowledged_at.is_(None)
        )
        return PendingFeedback(tuple(_to_answer(s, viewer)), tuple(to_ack))
