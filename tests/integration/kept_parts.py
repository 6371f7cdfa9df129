"""What the tests of the kept dashboard parts share (test_table_cache, test_closed_weeks,
test_tna)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.insights.figures import Filters
from core.insights.table_cache import TableCache, programmes_of
from core.kernel import clock
from core.kernel.access import Viewer
from db.models import JournalEntry, JournalStatus, Programme
from tests.builders import viewer_named


def coord_camille_and_cache(sf: sessionmaker[Session]) -> tuple[Viewer, Viewer, TableCache]:
    """The demo's coordinator, its participant camille, and an empty cache of parts."""
    return viewer_named(sf, "coord"), viewer_named(sf, "camille"), TableCache()


def every_filter(sf: sessionmaker[Session]) -> list[Filters]:
    """The whole of each programme, then every running one together."""
    with sf() as s:
        ids = s.scalars(select(Programme.id).order_by(Programme.id)).all()
    today = clock.today()
    return [Filters(pid, None, None, today) for pid in ids] + [Filters(None, None, None, today)]


def final_entries(sf: sessionmaker[Session], person_id: int) -> list[int]:
    """The final reflections ``person_id`` wrote (the demo gives camille several)."""
    with sf() as s:
        found = s.scalars(
            select(JournalEntry.id).where(
                JournalEntry.author_id == person_id, JournalEntry.status == JournalStatus.FINAL
            )
        ).all()
    assert found
    return list(found)


def member_of(sf: sessionmaker[Session], match_id: int) -> Viewer:
    """A member of match ``match_id``, signed in (given an account when they have none)."""
    from db.models import Account, MatchMember, Person
    from tests.builders import make_account

    with sf.begin() as s:
        person = s.scalar(
            select(MatchMember.person_id)
            .where(MatchMember.match_id == match_id)
            .order_by(MatchMember.person_id)
            .limit(1)
        )
        assert person is not None
        username = s.scalar(select(Account.username).where(Account.person_id == person))
        if username is None:
            username = f"member_{person}"
            make_account(s, username, person=s.get_one(Person, person))
    return viewer_named(sf, username)


@contextmanager
def parts_built(programmes: bool = False) -> Iterator[list[Any]]:
    """The names of the parts any TableCache builds (not takes kept) within the block;
    ``programmes``: each as (name, the programmes of its scope)."""
    built: list[Any] = []
    original = TableCache.part

    def spy(self, s, name, scope, build, narrow=None):  # type: ignore[no-untyped-def]
        seen = (name, programmes_of(scope)) if programmes else name
        return original(self, s, name, scope, lambda: (built.append(seen), build())[1], narrow)

    TableCache.part = spy  # type: ignore[method-assign]
    try:
        yield built
    finally:
        TableCache.part = original  # type: ignore[method-assign]


@contextmanager
def calls(owner: Any, name: str, what: Callable[..., Any]) -> Iterator[list[Any]]:
    """``what(*args, **kwargs)`` of every call of ``owner.name`` within the block (the call
    itself runs as ever): e.g. which tables were checked on actual groups."""
    seen: list[Any] = []
    original = getattr(owner, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(what(*args, **kwargs))
        return original(*args, **kwargs)

    setattr(owner, name, spy)
    try:
        yield seen
    finally:
        setattr(owner, name, original)
