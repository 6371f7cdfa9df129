"""A server builds the dashboard's parts when it opens its database (ui.store): the first
coordinator's dashboard then builds none, and shows what it shows when nothing was kept; a
restarted server takes them from the database (core.insights.shared_parts)."""

from __future__ import annotations

import datetime as dt
import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from core.insights.shared_parts import forget_all
from core.insights.table_cache import TableCache
from tests.pages.conftest import dashboard_texts
from ui import store
from ui.dashboard import filters


@pytest.fixture(autouse=True)
def _nothing_left_frozen() -> Iterator[None]:
    """A warm-up freezes what the process holds (ui.store._set_aside): not the tests' next."""
    yield
    gc.unfreeze()


def _warm_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "tandem-warm"]


def test_a_starting_server_builds_the_parts_the_first_dashboard_reads(
    open_app, demo_url, demo_store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TANDEM_WARM_DASHBOARD", "1")
    filters.tables.clear()
    filters.load.clear()
    at = open_app()  # the sign-in page: the server opens its database
    for thread in _warm_threads():
        thread.join(timeout=120)
    kept = filters.tables(demo_url)
    built = kept.misses
    assert built and not _warm_threads()
    at = open_app("coord", page="pages/coord_dashboard.py")
    shown = dashboard_texts(at)
    assert kept.misses == built and kept.hits  # every part was kept
    # restarted: the parts this server wrote to the database are taken (shared_parts)
    assert kept.shared is not None
    kept.shared.settle()
    filters.tables.clear()
    filters.load.clear()
    assert dashboard_texts(open_app("coord", page="pages/coord_dashboard.py")) == shown
    again = filters.tables(demo_url)
    assert again.taken and not again.misses
    # nothing kept anywhere: built afresh, the same
    with demo_store.sf.begin() as s:
        forget_all(s)
    filters.tables.clear()
    filters.load.clear()
    assert dashboard_texts(open_app("coord", page="pages/coord_dashboard.py")) == shown
    assert filters.tables(demo_url).misses  # built afresh this time


def test_with_warming_off_a_starting_server_builds_nothing(open_app, demo_url) -> None:
    filters.tables.clear()
    open_app()
    assert not _warm_threads()
    assert filters.tables(demo_url).misses == 0


def test_a_server_opening_its_store_collects_young_objects_less_often(open_app) -> None:
    before = gc.get_threshold()
    gc.set_threshold(700, *before[1:])  # Python's default
    try:
        store._store.clear()
        open_app()
        assert gc.get_threshold() == (store.YOUNG_OBJECTS, *before[1:])
    finally:
        gc.set_threshold(*before)


def test_a_server_builds_the_parts_again_just_after_each_midnight() -> None:
    """Today is in every part's scope: the first view of a day would build them all."""
    evening = dt.datetime(2026, 12, 7, 23, 59, 0)
    assert 65 <= store.until_next_day(evening, spread=120) <= 65 + 120
    morning = dt.datetime(2026, 12, 8, 0, 0, 10)
    assert store.until_next_day(morning, spread=0) == 24 * 3600 - 5


class _Cycle:
    me: object = None


def test_after_a_warm_up_the_collector_skips_what_is_kept_until_the_next_one(demo_store) -> None:
    """A full collection looked at every kept part (64 ms at company scale); what is alive
    after a warm-up is set aside, and looked at again at the next one (a day later)."""
    left = _Cycle()
    left.me = left  # freed only by the collector
    alive = weakref.ref(left)
    store._warm(demo_store, TableCache())
    assert gc.get_freeze_count() > 0
    del left
    gc.collect()
    assert alive() is not None  # set aside: the collector skipped it
    store._warm(demo_store, TableCache())  # the next day's warm-up
    assert alive() is None
