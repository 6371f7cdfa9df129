"""Two users saving at once: read-then-write transactions lose no update."""

import threading

from sqlalchemy import select

from db.models import Setting


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
