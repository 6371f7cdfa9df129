"""Everything that waits for somebody now: the sources of the outbox, one per kind.

``collect(s, now)`` yields every item; the outbox keeps each key once, so the sources
yield what is true now, again and again, and only what is new is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

from sqlalchemy.orm import Session

from core.notify import about_me, about_programmes
from core.notify.message import Outgoing

SOURCES: tuple[Callable[[Session, dt.datetime], Iterable[Outgoing]], ...] = (
    about_me.proposals,
    about_me.meetings_tomorrow,
    about_me.meetings_overdue,
    about_me.feedback_requests,
    about_me.feedback_received,
    about_me.actions_due,
    about_me.surveys_open,
    about_programmes.concerns_raised,
    about_programmes.weekly,
)


def collect(s: Session, now: dt.datetime) -> Iterator[Outgoing]:
    for source in SOURCES:
        yield from source(s, now)
