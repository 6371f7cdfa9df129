"""Two users saving at once: read-then-write transactions lose no update."""

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from core.insights import dashboard
from core.insights.figures import Filters
from core.kernel import clock
from core.kernel.tx import reading
from db.models import Setting
from tests.builders import make_user


def test_concurrent_read_then_write_loses_no_update_on_sqlite(sqlite_store):
    sf = sqlite_store.sf
    with sf.begin() as s:
        s.add(Setting(key="counter", value="0"))
    per_thread, threads = 25, 6

    def bump():
        for _ in range(per_thread):
            with sf.begin() as s:  # BEGIN IMMEDIATE: the read already holds the write lock
                row = s.scalars(select(Setting).where(Setting.key == "counter")).one()
                row.value = str(int(row.value) + 1)

    workers = [threading.Thread(target=bump) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    with sf.begin() as s:
        assert s.get(Setting, "counter").value == str(per_thread * threads)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_store):
    with sqlite_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # 64 MB of page cache (2 MB by default): a company's page no longer evicts its own reads
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -64 * 1024


def _hold_a_reading(sf, read, started: threading.Event, wrote: threading.Event, seen: dict):
    """In a transaction that only reads: ``read`` once, then wait (up to 10 s) for the
    other thread's write; what the transaction reads after it, and whether it came."""
    with reading(sf) as s:
        read(s)
        started.set()
        seen["in time"] = wrote.wait(10)
        seen["after"] = s.scalar(select(Setting.value).where(Setting.key == "counter"))


def test_a_save_does_not_wait_for_a_transaction_that_only_reads(sqlite_store):
    """Every other transaction takes SQLite's write lock first (BEGIN IMMEDIATE); one that
    only reads takes none, so a save goes through while it is open, and it keeps reading
    the state it started with (its snapshot)."""
    sf = sqlite_store.sf
    with sf.begin() as s:
        s.add(Setting(key="counter", value="0"))
    started, wrote, seen = threading.Event(), threading.Event(), {}
    reader = threading.Thread(
        target=_hold_a_reading,
        args=(sf, lambda s: s.get(Setting, "counter"), started, wrote, seen),
    )
    reader.start()
    assert started.wait(10)
    with sf.begin() as s:  # waited for the reader to end before: 10 s, then "in time" False
        s.get(Setting, "counter").value = "1"
    wrote.set()
    reader.join()
    assert seen == {"in time": True, "after": "0"}
    with sf() as s:
        assert s.get(Setting, "counter").value == "1"


def test_a_save_does_not_wait_for_a_coordinator_building_the_dashboard(sqlite_store, monkeypatch):
    """The dashboard's view (at company scale on SQLite, a cold one is a second of work)
    is a transaction that only reads: a participant's save goes through meanwhile."""
    sf = sqlite_store.sf
    coord = make_user(sf, "coord", ("coordinator",))
    with sf.begin() as s:
        s.add(Setting(key="counter", value="0"))
    started, wrote, seen = threading.Event(), threading.Event(), {}

    def assemble(v):  # the view's figures, built inside its transaction
        v.s.get(Setting, "counter")
        started.set()
        seen["in time"] = wrote.wait(10)

    monkeypatch.setattr(dashboard, "assemble", assemble)
    viewer = threading.Thread(
        target=dashboard.dashboard, args=(sf, coord, Filters(None, None, None, clock.today()))
    )
    viewer.start()
    assert started.wait(10)
    with sf.begin() as s:
        s.get(Setting, "counter").value = "1"
    wrote.set()
    viewer.join()
    assert seen == {"in time": True}


def test_a_transaction_that_only_reads_cannot_write(store):
    """A write in it fails (SQLite's query_only, PostgreSQL's READ ONLY) and nothing is
    kept; the connection it ran on writes again in the next ordinary transaction."""
    sf = store.sf
    with pytest.raises(DBAPIError):
        with reading(sf) as s:
            s.add(Setting(key="sneaked", value="in"))
    for _ in range(3):  # whichever pooled connection comes next
        with sf.begin() as s:
            s.merge(Setting(key="counter", value="1"))
    with sf() as s:
        assert s.get(Setting, "sneaked") is None
        assert s.get(Setting, "counter").value == "1"
