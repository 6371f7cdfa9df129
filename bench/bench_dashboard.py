"""Time of every dashboard metric on the 10 000-person company (demo/large.py).

    .venv/bin/python -m bench.bench_dashboard [--url URL] [--postgres]

Without --url the dataset lives in data/bench-large.db (SQLite) and is generated
on first use (its generation time is printed). --postgres starts a throwaway
PostgreSQL 15 cluster (Debian's binaries, like the tests), loads the same company
with COPY, and times it there too.

"cold" is the first call on a fresh engine (new connections, nothing compiled
yet); "warm" is the median of three calls after it. The page caches the whole
dashboard for 60 s per choice of filters, so a coordinator waits at most one
``dashboard`` call per minute and per filter.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from core.accounts.auth import viewer_of
from core.insights import dashboard as metrics
from core.insights.figures import Filters
from core.kernel.access import Viewer
from core.kernel.store import Store, open_store
from db.models import Account, Person, Programme

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'data' / 'bench-large.db'}"
FUNCTIONS = (
    "enrolment_by_week",
    "match_rate",
    "meetings_by_week",
    "pair_health",
    "pairs_needing_checkin",
    "engagement",
    "goals",
    "activity_by_week",
    "survey_results",
    "skills_growth",
    "kpis",
    "retention",
    "dashboard",
)


def ensure_dataset(url: str) -> float | None:
    """Generate the company into ``url`` unless it is there; the seconds it took, or None."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    store = open_store(url)
    with store.sf() as s:
        people = s.scalar(select(func.count()).select_from(Person))
    store.engine.dispose()
    if people:
        return None
    from demo.large import generate

    print(f"Generating the company into {url} …", flush=True)
    counts = generate(url, seed=20261127, today=dt.date.today())
    return float(counts["seconds"])


def viewer_named(store: Store, username: str) -> Viewer:
    """The viewer of the account ``username`` (a demo login, the bench's busy participant)."""
    with store.sf() as s:
        account = s.scalar(select(Account).where(Account.username == username))
        assert account is not None, f"no account {username}: not a demo database"
        return viewer_of(account, s.get_one(Person, account.person_id))


def coordinator(store: Store) -> Viewer:
    return viewer_named(store, "coord")


def scenarios(store: Store) -> list[tuple[str, Filters]]:
    with store.sf() as s:
        running = s.execute(
            select(Programme.id, Programme.name, Programme.enrolment_opens)
            .where(Programme.status == "running")
            .order_by(Programme.start_date.desc())
        ).first()
    assert running is not None
    pid, name, opens = running
    today = dt.date.today()
    return [
        (f"{name}, whole programme", Filters(programme_id=pid, start=opens, end=today)),
        (
            "every programme, last 12 months",
            Filters(start=today - dt.timedelta(days=365), end=today),
        ),
        (
            f"{name}, Sales, last 3 months",
            Filters(
                programme_id=pid, department="Sales", start=today - dt.timedelta(days=91), end=today
            ),
        ),
    ]


def _ms(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def bench(url: str) -> None:
    probe = open_store(url, migrate=False)
    viewer = coordinator(probe)
    cases = scenarios(probe)
    probe.engine.dispose()
    load = os.getloadavg()[0]
    print(
        f"\nDashboard metrics on {url.split('?')[0]} (ms; {os.cpu_count()} CPUs, load {load:.1f})"
    )
    for title, f in cases:
        print(f"\n  {title}")
        print(f"  {'function':<24} {'cold':>8} {'warm':>8}")
        for name in FUNCTIONS:
            fn = getattr(metrics, name)
            store = open_store(url, migrate=False)  # a fresh engine: the cold call
            call = lambda fn=fn, store=store, f=f: fn(store.sf, viewer, f)  # noqa: E731
            cold = _ms(call)
            warm = statistics.median(_ms(call) for _ in range(3))
            store.engine.dispose()
            print(f"  {name:<24} {cold:8.0f} {warm:8.0f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=None, help=f"database (default {DEFAULT_URL})")
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL")
    args = parser.parse_args(argv)
    url = args.url or DEFAULT_URL
    seconds = ensure_dataset(url)
    if seconds is not None:
        print(f"Dataset generated in {seconds:.0f} s")
    bench(url)
    if args.postgres:
        from tests.pg import PgCluster

        cluster = PgCluster()
        try:
            pg = cluster.start()
            seconds = ensure_dataset(pg)
            print(f"PostgreSQL dataset generated in {seconds:.0f} s (COPY)")
            bench(pg)
        finally:
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
