"""What every part of the demo shares: the company built so far, and how it acts.

The demo tells its history through the services a person would use (core's public
functions, each acting as a signed-in :class:`Viewer`), in one transaction:
:class:`OneTransaction` hands the services a session factory whose transactions are
savepoints of the seed's own, so the demo is seeded once, whole or not at all. The
services read the clock, so :meth:`DemoContext.at` moves it to each event's time.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.accounts.auth import viewer_of
from core.kernel import clock
from core.kernel.access import Viewer
from db.models import Match, MatchStatus, Person, Programme, Skill


class OneTransaction:
    """A session factory for services whose every ``begin()`` is a savepoint of one session.

    Services open ``with sf.begin() as s:``; given this, they all work in the demo's
    transaction (a failing service rolls back its savepoint only, and raises).
    """

    def __init__(self, s: Session) -> None:
        self.s = s

    @contextmanager
    def begin(self) -> Iterator[Session]:
        with self.s.begin_nested():
            yield self.s


def services(s: Session) -> sessionmaker[Session]:
    """What to hand to services as ``sf``: they run inside the seed's transaction."""
    return cast(sessionmaker[Session], OneTransaction(s))


def signed_in(s: Session, person: Person | int) -> Viewer:
    """``person`` signed in, as the services see them (only account holders act)."""
    found = s.get_one(Person, person if isinstance(person, int) else person.id)
    if found.account is None:
        raise ValueError(f"{found.full_name} has no account: only account holders act")
    return viewer_of(found.account, found)


def at(when: dt.datetime) -> None:
    """Services called from now on happen at ``when`` (what they stamp as now)."""
    clock.set_now(when)


@contextmanager
def clock_kept() -> Iterator[None]:
    """Give the clock back as it was (real, or frozen by a test) however seeding ends."""
    # kernel.clock has no public getter for a frozen time; the demo is the only code
    # outside tests that moves the clock (a clock.at() context manager would serve both).
    before = clock._override
    try:
        yield
    finally:
        clock.set_now(before)


@dataclass
class Staff:
    """The people :func:`demo.company._people` made (rows), for the rest of the seed."""

    admin: Person
    coord: Person
    camille: Person
    hugo: Person
    others: list[Person]  # the 42 other participants, in the order they were drawn
    opted_in: list[Person]  # who joins the expert directory


@dataclass
class DemoContext:
    """The demo company as the parts build on it (people, the running programme, its pair)."""

    s: Session
    rng: random.Random
    now: dt.datetime
    programme: Programme
    pair: Match
    camille: Person
    hugo: Person
    coord: Person
    admin: Person
    participants: list[Person] = field(default_factory=list)  # the 42 others
    skills: dict[str, Skill] = field(default_factory=dict)

    @property
    def sf(self) -> sessionmaker[Session]:
        """The session factory to hand to services (see :func:`services`)."""
        return services(self.s)

    def at(self, when: dt.datetime) -> dt.datetime:
        """Services called from now on happen at ``when``; returns it."""
        at(when)
        return when

    def ago(self, days: float = 0, **delta: float) -> dt.datetime:
        """The moment ``days`` (and hours…) before the demo's now; moves the clock there."""
        return self.at(self.now - dt.timedelta(days=days, **delta))

    def as_(self, person: Person | int) -> Viewer:
        """``person`` signed in (see :func:`signed_in`)."""
        return signed_in(self.s, person)

    def other_pairs(self) -> list[Match]:
        """The running programme's active matches other than camille and hugo's, oldest first."""
        return list(
            self.s.scalars(
                select(Match)
                .where(
                    Match.programme_id == self.programme.id,
                    Match.status == MatchStatus.ACTIVE,
                    Match.id != self.pair.id,
                )
                .order_by(Match.id)
            )
        )

    @property
    def coordinator(self) -> Viewer:
        """Corinne, who runs the programmes."""
        return signed_in(self.s, self.coord)
