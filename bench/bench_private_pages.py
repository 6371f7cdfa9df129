"""Cost of encryption at rest (issue 13) on the reads of a busy participant's journal and goals pages.

    .venv/bin/python -m bench.bench_private_pages [--url URL] [--rounds N]

The 10 000-person company of demo/large.py (data/bench-large.db, generated on first
use like bench_dashboard) is read as it is stored now ("after": every private text
sealed with AES-256-GCM, opened on each read) and from a copy whose private columns
were decrypted in place ("before": the same rows, plain text, read by the same code
with the column type passing values through, as before issue 13). The participant is
the one with the most journal entries. Each mode runs in its own process (a column
type's result processor is fixed once compiled), ``--rounds`` times, alternating;
a page's time is the median of 7 warm calls, and the best round is kept on each side.
Target: "after" at most 10 % slower than "before".
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'data' / 'bench-large.db'}"
TARGET = 0.10


def _pages(store: Any, viewer: Any) -> dict[str, Callable[[], Any]]:
    from core.growth import actions, goals, journal
    from core.privacy import retention

    sf = store.sf

    def journal_page() -> None:  # pages/journal.py: its reads, in order
        journal.current_draft(sf, viewer)
        journal.meeting_choices(sf, viewer)
        journal.my_entries(sf, viewer, limit=journal.PAGE_SIZE)
        journal.peer_entries(sf, viewer, limit=journal.PAGE_SIZE)
        actions.my_actions(sf, viewer)

    def goals_page() -> None:  # pages/goals.py
        goals.my_goals(sf, viewer)
        goals.peer_goals(sf, viewer)

    return {
        "journal page": journal_page,
        "goals page": goals_page,
        "erase-date notice": lambda: retention.my_erase_dates(sf, viewer),
    }


def _busy_viewer(store: Any) -> Any:
    from sqlalchemy import func, select

    from core.kernel.access import Viewer
    from db.models import Account, AccountRole, JournalEntry, Person

    with store.sf() as s:
        person_id = s.execute(
            select(JournalEntry.author_id, func.count())
            .group_by(JournalEntry.author_id)
            .order_by(func.count().desc())
            .limit(1)
        ).first()[0]
        person = s.get_one(Person, person_id)
        account = s.scalar(select(Account).where(Account.person_id == person_id))
        roles = frozenset(
            s.scalars(select(AccountRole.role).where(AccountRole.account_id == account.id))
            if account
            else ["participant"]
        ) or frozenset(["participant"])
        return Viewer(
            account_id=account.id if account else 0,
            person_id=person_id,
            username=account.username if account else "busy",
            name=person.full_name,
            roles=roles,
            language="en",
        )


def _ms(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def measure(url: str, plain: bool) -> dict[str, Any]:
    """In this process: the pages' times on ``url`` (``plain``: values passed through)."""
    from db import crypto

    if plain:  # "before": the column reads what is stored, as a Text column did
        crypto.EncryptedText.process_result_value = (  # type: ignore[method-assign]
            lambda self, value, dialect: value
        )
    from core.kernel.store import open_store

    store = open_store(url, migrate=False)
    viewer = _busy_viewer(store)
    out: dict[str, Any] = {"person_id": viewer.person_id}
    pages = _pages(store, viewer)
    for name, fn in pages.items():
        cold = _ms(fn)
        warm = statistics.median(_ms(fn) for _ in range(7))
        out[name] = {"cold": cold, "warm": warm}
    if not plain:  # one more call per page, counting the values opened and the time it took
        opened = [0, 0.0]
        real_open = crypto.column.open_value  # the name EncryptedText calls

        def timed_open(*args: Any) -> tuple[str, str]:
            start = time.perf_counter()
            try:
                return real_open(*args)
            finally:
                opened[0] += 1
                opened[1] += time.perf_counter() - start

        crypto.column.open_value = timed_open  # type: ignore[assignment]
        for name, fn in pages.items():
            opened[:] = [0, 0.0]
            fn()
            out[name] |= {"values": opened[0], "decrypt_ms": opened[1] * 1000}
        crypto.column.open_value = real_open
    with store.sf() as s:
        from sqlalchemy import func, select

        from db.models import Goal, JournalEntry

        out["entries"] = s.scalar(
            select(func.count()).where(JournalEntry.author_id == viewer.person_id)
        )
        out["goals"] = s.scalar(select(func.count()).where(Goal.owner_id == viewer.person_id))
    store.engine.dispose()
    return out


def plain_copy(url: str) -> str:
    """A copy of the SQLite database ``url`` with every private value decrypted in place."""
    from core.kernel.config import encryption_ring
    from db import crypto

    src = Path(url.removeprefix("sqlite:///"))
    dst = src.with_name(src.stem + "-plain" + src.suffix)
    if dst.exists() and dst.stat().st_mtime > src.stat().st_mtime:
        return f"sqlite:///{dst}"
    started = time.monotonic()
    ring = encryption_ring(may_generate=False)
    tmp = dst.with_suffix(".tmp")
    with closing(sqlite3.connect(src)) as a, closing(sqlite3.connect(tmp)) as b:
        a.backup(b)
        for t in crypto.protected_tables():
            cols = ", ".join(t.columns)
            rows = b.execute(f"SELECT rowid, {cols} FROM {t.name}").fetchall()  # noqa: S608
            sets = ", ".join(f"{c} = ?" for c in t.columns)
            b.executemany(
                f"UPDATE {t.name} SET {sets} WHERE rowid = ?",  # noqa: S608
                [
                    (
                        *(
                            crypto.open_value(ring, f"{t.name}.{c}", v)[0] if v else v
                            for c, v in zip(t.columns, row[1:], strict=True)
                        ),
                        row[0],
                    )
                    for row in rows
                ],
            )
            b.commit()
        b.execute("VACUUM")
    tmp.replace(dst)
    print(f"Plain copy written in {time.monotonic() - started:.0f} s: {dst}", flush=True)
    return f"sqlite:///{dst}"


def _run(url: str, plain: bool) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.bench_private_pages", "--measure", url]
    if plain:
        cmd.append("--plain")
    done = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=None, help=f"SQLite database (default {DEFAULT_URL})")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.plain)))
        return 0
    url = args.url or DEFAULT_URL
    from bench.bench_dashboard import ensure_dataset

    seconds = ensure_dataset(url)
    if seconds is not None:
        print(f"Dataset generated in {seconds:.0f} s")
    plain_url = plain_copy(url)
    before: list[dict[str, Any]] = []
    after: list[dict[str, Any]] = []
    for _ in range(max(1, args.rounds)):
        before.append(_run(plain_url, plain=True))
        after.append(_run(url, plain=False))
    first = after[0]
    load = os.getloadavg()[0]
    print(
        f"\nA busy participant's pages (person {first['person_id']}: {first['entries']} journal "
        f"entries, {first['goals']} goals) on {url} (ms; best of {len(after)} rounds, "
        f"warm = median of 7; {os.cpu_count()} CPUs, load {load:.1f})"
    )
    print(
        f"  {'reads of':<20} {'before':>8} {'after':>8} {'change':>8}   "
        "cold before/after   values opened, time opening them"
    )
    worst = -1.0
    for name in ("journal page", "goals page", "erase-date notice"):
        b = min(r[name]["warm"] for r in before)
        a = min(r[name]["warm"] for r in after)
        cb = min(r[name]["cold"] for r in before)
        ca = min(r[name]["cold"] for r in after)
        change = (a - b) / b if b else 0.0
        if name != "erase-date notice":
            worst = max(worst, change)
        values = first[name]["values"]
        opening = min(r[name]["decrypt_ms"] for r in after)
        print(
            f"  {name:<20} {b:8.1f} {a:8.1f} {change:+8.1%}   {cb:6.0f} / {ca:<6.0f}"
            f"       {values:6d}, {opening:5.2f} ms ({opening / b:.1%} of before)"
        )
    verdict = "within" if worst <= TARGET else "OVER"
    print(f"\n  Slowest page change {worst:+.1%}: {verdict} the {TARGET:.0%} target.")
    print(
        "  (On a loaded machine the change is mostly noise; the time spent opening values is"
        " the cost encryption adds to each page.)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
