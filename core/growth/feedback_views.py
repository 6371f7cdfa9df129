"""What a page reads of feedback: requests and feedback as their two people see them.

Session-level helpers for :mod:`core.growth.feedback`: they take a Session and never commit.
A giver who erased their data reads "a former participant".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from core.growth.feedback_rules import FIELDS, KIND_FIELDS, OPEN
from core.kernel import clock
from core.kernel.views import from_row
from core.people.names import former
from db.models import Feedback, FeedbackRequest, Person

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Peer:
    person_id: int
    name: str
    department: str | None
    match_id: int


@dataclass(frozen=True)
class RequestView:
    id: int
    requester_id: int | None
    requester_name: str
    giver_id: int | None
    giver_name: str
    topic: str
    context: str
    wished_by: dt.date | None
    status: str
    created_at: dt.datetime
    feedback_id: int | None = None

    @property
    def overdue(self) -> bool:
        return self.status == OPEN and self.wished_by is not None and self.wished_by < clock.today()


@dataclass(frozen=True)
class FeedbackView:
    id: int
    kind: str
    giver_id: int | None
    giver_name: str
    recipient_id: int
    recipient_name: str
    topic: str | None  # the request's topic, None when unsolicited
    request_id: int | None
    worked: str
    improve: str
    suggestion: str
    situation: str
    behaviour: str
    impact: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    usefulness: int | None

    def fields(self) -> list[tuple[str, str]]:
        """(English label, text) of the fields this kind uses, in order, empty ones left out."""
        return [
            (FIELDS[name], getattr(self, name))
            for name in KIND_FIELDS[self.kind]
            if getattr(self, name)
        ]


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """The first items of a list, and whether more wait (shown on asking)."""

    items: tuple[T, ...]
    has_more: bool


FeedbackPage = Page[FeedbackView]


@dataclass(frozen=True)
class PendingFeedback:
    to_answer: tuple[RequestView, ...]
    to_acknowledge: tuple[FeedbackView, ...]

    @property
    def total(self) -> int:
        return len(self.to_answer) + len(self.to_acknowledge)


def _names(s: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = s.execute(
        select(Person.id, Person.full_name, Person.erased_at).where(Person.id.in_(wanted))
    ).all()
    return {pid: (former() if erased else name) for pid, name, erased in rows}


def _column_by(
    s: Session, key: InstrumentedAttribute[K], value: InstrumentedAttribute[V], keys: Iterable[Any]
) -> dict[K, V]:
    """``value`` by ``key`` for the rows whose ``key`` is one of ``keys`` (no query for none)."""
    wanted = list(keys)
    if not wanted:
        return {}
    return dict(s.execute(select(key, value).where(key.in_(wanted))).tuples().all())


def request_views(s: Session, rows: list[FeedbackRequest]) -> list[RequestView]:
    """Requests with their people's names and the id of their answer, if any."""
    names = _names(s, [r.requester_id for r in rows] + [r.giver_id for r in rows])
    answers = _column_by(s, Feedback.request_id, Feedback.id, [r.id for r in rows])
    return [
        from_row(
            RequestView,
            r,
            requester_name=names.get(r.requester_id or 0, former()),
            giver_name=names.get(r.giver_id or 0, former()),
            feedback_id=answers.get(r.id),
        )
        for r in rows
    ]


def feedback_views(s: Session, rows: list[Feedback]) -> list[FeedbackView]:
    """Feedback with its people's names and the topic of the request it answers."""
    names = _names(s, [f.giver_id for f in rows] + [f.recipient_id for f in rows])
    request_ids = {f.request_id for f in rows if f.request_id is not None}
    topics = _column_by(s, FeedbackRequest.id, FeedbackRequest.topic, request_ids)
    return [
        from_row(
            FeedbackView,
            f,
            giver_name=names.get(f.giver_id or 0, former()),
            recipient_name=names.get(f.recipient_id, former()),
            topic=topics.get(f.request_id) if f.request_id else None,
        )
        for f in rows
    ]


def feedback_view(s: Session, f: Feedback) -> FeedbackView:
    """One piece of feedback as it is after the changes of this transaction."""
    s.flush()
    return feedback_views(s, [f])[0]


def request_view(s: Session, r: FeedbackRequest) -> RequestView:
    """One request as it is after the changes of this transaction."""
    s.flush()
    return request_views(s, [r])[0]
