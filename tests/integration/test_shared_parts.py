"""The dashboard parts kept in the database for every server (core.insights.shared_parts):
a server that did not build a part takes it from there while the tables it reads keep
their versions — the same figures as built afresh —, builds it again after a write, and
never unpickles a row it cannot verify."""

from __future__ import annotations

import datetime as dt
import pickle
import time
import zlib

from sqlalchemy import delete, func, select, update

from core.growth import journal
from core.insights import dashboard
from core.insights.figures import Filters
from core.insights.shared_parts import Shelf, seal_key
from core.insights.table_cache import TIMED, TableCache
from core.kernel import clock
from core.privacy import mydata
from db.engine import make_session_factory
from db.models import KeptPart
from demo import company
from tests.builders import viewer_named
from tests.integration.kept_parts import final_entries, parts_built

KEY = seal_key("the servers' signing key, for the tests: 0123456789abcdef")


def _server(key: bytes = KEY, ttl: float = 600.0) -> TableCache:
    return TableCache(ttl=ttl, shared=Shelf(key))


def _view(sf, cache: TableCache):  # type: ignore[no-untyped-def]
    """The coordinator's dashboard of every running programme through ``cache``, its parts
    written to the database before it returns."""
    d = dashboard.dashboard(
        sf, viewer_named(sf, "coord"), Filters(None, None, None, clock.today()), cache
    )
    assert cache.shared is not None
    cache.shared.settle()
    return d


def _world(sf):  # type: ignore[no-untyped-def]
    company.seed_demo(sf)
    return sf


def test_a_second_server_takes_every_part_the_first_built_and_shows_the_same_figures(sf) -> None:
    world = _world(sf)
    one = _server()
    first = _view(world, one)
    assert one.misses and not one.taken
    with world() as s:
        rows = s.scalar(select(func.count()).select_from(KeptPart))
    assert rows == one.misses  # every part built, of each running programme, once
    two = _server()
    with parts_built() as built:
        second = _view(make_session_factory(world.kw["bind"]), two)
    assert built == [] and two.misses == 0 and two.taken
    assert (
        second
        == first
        == dashboard.dashboard(
            world, viewer_named(world, "coord"), Filters(None, None, None, clock.today())
        )
    )


def test_a_write_through_one_server_makes_the_other_build_what_it_touched_alone(sf) -> None:
    world = _world(sf)
    one, two = _server(), _server()
    before = _view(world, one)
    camille = viewer_named(world, "camille")
    journal.delete_entry(world, camille, final_entries(world, camille.person_id)[0])
    with parts_built() as built:
        after = _view(world, two)
    assert set(built) == {"reflections"}  # the other parts taken from the database
    assert after == dashboard.dashboard(
        world, viewer_named(world, "coord"), Filters(None, None, None, clock.today())
    )
    assert after.headline.reflections != before.headline.reflections
    # …and what the second built, the first now takes
    with parts_built() as built:
        assert _view(world, one) == after
    assert built == []


def test_a_row_whose_seal_does_not_match_is_never_unpickled(sf, tmp_path) -> None:
    """Someone who can write the database but has not the servers' key: a pickle that
    would run code on loading, under a valid row's versions, is built over, not run."""
    world = _world(sf)
    _view(world, _server())
    flag = tmp_path / "ran"

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (flag.write_text, ("the payload ran",))

    forged = zlib.compress(pickle.dumps(Payload()), 1)
    with world.begin() as s:
        s.execute(update(KeptPart).values(payload=forged))
    other = _server()
    seen = _view(world, other)
    assert not flag.exists()
    assert other.taken == 0 and other.misses
    assert seen == dashboard.dashboard(
        world, viewer_named(world, "coord"), Filters(None, None, None, clock.today())
    )


def test_a_server_with_another_key_takes_nothing(sf) -> None:
    world = _world(sf)
    _view(world, _server())
    stranger = _server(seal_key("another deployment's key, not ours: fedcba9876543210"))
    _view(world, stranger)
    assert stranger.taken == 0 and stranger.misses


def test_a_server_of_another_version_of_tandem_takes_nothing_and_its_parts_replace_ours(sf) -> None:
    """A rolling upgrade: the new code may build a part otherwise from the same rows."""
    world = _world(sf)
    _view(world, _server())
    newer = TableCache(shared=Shelf(KEY, code="the next version"))
    _view(world, newer)
    assert newer.taken == 0 and newer.misses
    again = TableCache(shared=Shelf(KEY, code="the next version"))
    _view(world, again)  # what the newer server wrote is there for its peers
    assert again.taken and not again.misses


def test_a_part_that_reads_the_time_of_day_is_not_taken_once_its_time_is_up(sf) -> None:
    world = _world(sf)
    _view(world, _server())
    with world.begin() as s:  # built eleven minutes ago, by the database's record
        for part in s.scalars(select(KeptPart)):
            part.built_at -= dt.timedelta(minutes=11)
    with parts_built() as built:
        _view(world, _server(ttl=600.0))
    assert set(built) == set(TIMED) - {"enrol"}  # the enrolment part: its reading, the same


def test_an_erasure_deletes_every_kept_part(sf) -> None:
    """The pairs needing a check-in name their members: no name outlives its person there."""
    world = _world(sf)
    _view(world, _server())
    camille = viewer_named(world, "camille")
    with world() as s:
        assert s.scalar(select(func.count()).select_from(KeptPart))
    mydata.erase_my_data(world, camille, mydata.confirmation_word())
    with world() as s:
        assert s.scalar(select(func.count()).select_from(KeptPart)) == 0


def _rows(sf) -> int:  # type: ignore[no-untyped-def]
    with sf() as s:
        return s.scalar(select(func.count()).select_from(KeptPart)) or 0


def _written_soon(sf, shelf: Shelf, touching: bool = False) -> bool:  # type: ignore[no-untyped-def]
    """Whether the parts put are written within ten seconds (views asking meanwhile)."""
    until = time.monotonic() + 10
    while time.monotonic() < until:
        if touching:
            shelf.touch()
        if _rows(sf):
            return True
        time.sleep(0.05)
    return False


def test_parts_are_written_when_the_views_are_quiet_or_at_the_latest_after_a_while(sf) -> None:
    """Pickling a part holds the interpreter: the writes wait until no view asks for a part
    (``quiet``), never longer than ``longest``, and ``settle`` writes them now."""
    world = _world(sf)
    waits = TableCache(shared=Shelf(KEY, quiet=3600, longest=3600))
    dashboard.dashboard(
        world, viewer_named(world, "coord"), Filters(None, None, None, clock.today()), waits
    )
    assert waits.misses
    time.sleep(0.5)
    assert _rows(world) == 0  # the views are not quiet for an hour yet
    assert waits.shared is not None
    waits.shared.settle()
    assert _rows(world) == waits.misses  # now

    with world.begin() as s:
        s.execute(delete(KeptPart))
    quiet = TableCache(shared=Shelf(KEY, quiet=0.1, longest=3600))
    dashboard.dashboard(
        world, viewer_named(world, "coord"), Filters(None, None, None, clock.today()), quiet
    )
    assert quiet.shared is not None and _written_soon(world, quiet.shared)

    with world.begin() as s:
        s.execute(delete(KeptPart))
    busy = TableCache(shared=Shelf(KEY, quiet=3600, longest=0.2))
    dashboard.dashboard(
        world, viewer_named(world, "coord"), Filters(None, None, None, clock.today()), busy
    )
    assert busy.shared is not None and _written_soon(world, busy.shared, touching=True)
    for shelf in (quiet.shared, busy.shared):
        shelf.settle()  # the rest, before the database goes
