"""Time of ``core.notify.sources.collect`` on the 10 000-person company (demo/large.py).

    .venv/bin/python -m bench.bench_notify [--url URL]

Prints, per source, how many messages are due now, its SQL statements and how long it
took, then the whole ``collect`` cold (fresh engine) and warm (median of three). The
statements must not grow with the number of people (tests/integration/test_notify_queries.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from sqlalchemy import event

from bench.bench_dashboard import DEFAULT_URL, ensure_dataset
from core.kernel import clock
from core.kernel.store import open_store
from core.notify import sources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default=DEFAULT_URL)
    args = parser.parse_args(argv)
    seconds = ensure_dataset(args.url)
    if seconds is not None:
        print(f"company generated in {seconds:.0f} s")
    store = open_store(args.url)
    statements = [0]

    def seen(*_: object) -> None:
        statements[0] += 1

    event.listen(store.engine, "before_cursor_execute", seen)
    now = clock.now()
    start = time.perf_counter()
    with store.sf() as s:
        cold = sum(1 for _ in sources.collect(s, now))
    print(
        f"collect cold: {time.perf_counter() - start:.2f} s, {cold} messages, "
        f"{statements[0]} SQL statements"
    )
    for source in sources.SOURCES:
        statements[0] = 0
        start = time.perf_counter()
        with store.sf() as s:
            n = sum(1 for _ in source(s, now))
        took = time.perf_counter() - start
        print(f"  {source.__name__:<20} {n:>6} messages {statements[0]:>4} SQL  {took:6.2f} s")
    warm = []
    for _ in range(3):
        start = time.perf_counter()
        with store.sf() as s:
            sum(1 for _ in sources.collect(s, now))
        warm.append(time.perf_counter() - start)
    print(f"collect warm (median of 3): {statistics.median(warm):.2f} s")
    store.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
