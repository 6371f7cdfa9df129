"""What a person waits for in the browser: full page loads and sign-in-to-Home.

    .venv/bin/python -m bench.bench_browser [--postgres] [--runs N] [--only PAGE,PAGE]

A real ``streamlit run Home.py`` serves each dataset; Debian's Chromium (through Playwright)
signs in as each role with the real form, then loads every page the role has by its
address, as a person opening a bookmark would: the time from the request to the page drawn
signed in with the script finished (the tests' own ``open_signed_in``). The figure is the
median of ``--runs`` loads. Sign-in-to-Home is timed through the real form (the tests'
``sign_in``), from the click on "Sign in" to Home drawn signed in.

Datasets, as in bench.bench_pages and measured in the same run: the demo company and the
10 000-person company, whose participant is the busiest real one topped up to 40 goals,
150 reflections and 60 feedback items. Targets (issue 10): every load and the sign-in at
company scale ≤ 2× the Profile page's load at company scale. Exit status 0 whatever the
figures: it measures, it does not judge.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select, update

from bench.bench_pages import (
    BENCH_USER,
    Dataset,
    arguments,
    company_dataset,
    databases,
    demo_dataset,
    pages_of,
)
from core.accounts.auth import hash_password
from core.kernel.access import ADMIN, COORDINATOR
from core.kernel.store import open_store
from db.models import Account
from demo.company import DEMO_PASSWORD
from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _free_port,
    _wait_healthy,
    open_signed_in,
    sign_in,
    start_streamlit,
)

ROOT = Path(__file__).resolve().parent.parent
TARGET_PROFILE = 2.0
SIGN_IN = "sign-in → Home"


def _give_password(url: str, username: str) -> None:
    """The bench's busy participant signs in with the form like everybody else."""
    store = open_store(url, migrate=False)
    with store.sf.begin() as s:
        s.execute(
            update(Account)
            .where(Account.username == username)
            .values(password_hash=hash_password(DEMO_PASSWORD))
        )
        assert s.scalar(select(Account.id).where(Account.username == username)) is not None
    store.engine.dispose()


@contextmanager
def server(url: str, work: Path) -> Iterator[str]:
    port = _free_port()
    # The warm-up of a starting server (the dashboard's parts) off: it would run beside
    # the first pages timed; bench_pages measures the dashboard after it.
    env = {**os.environ, "DATABASE_URL": url, "TANDEM_DEMO": "0", "TANDEM_WARM_DASHBOARD": "0"}
    log = open(work / f"server-{port}.log", "w")
    proc = start_streamlit(port, env, log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc, timeout=120)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def _seconds(action, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action(*args)
    return time.perf_counter() - start


def measure(
    data: Dataset, browser, work: Path, runs: int, only: set[str] | None
) -> dict[tuple[str, str], float]:  # type: ignore[no-untyped-def]
    store = open_store(data.url, migrate=False)
    plan = [(role, user, pages_of(store, user)) for role, user in data.users.items()]
    store.engine.dispose()
    out: dict[tuple[str, str], float] = {}
    with server(data.url, work) as base:
        for role, user, pages in plan:
            signs = []
            for _ in range(runs):
                ctx = browser.new_context(locale="en-GB", viewport={"width": 1300, "height": 900})
                page = ctx.new_page()
                clicked: list[float] = []
                sign_in(
                    page,
                    base,
                    user,
                    DEMO_PASSWORD,
                    on_submit=lambda c=clicked: c.append(time.perf_counter()),
                    patient=True,
                )
                signs.append(time.perf_counter() - clicked[0])
                ctx.close()
            out[(role, SIGN_IN)] = statistics.median(signs)
            print(f"  {data.name:<8} {role:<12} {SIGN_IN:<20} {out[(role, SIGN_IN)]:6.2f} s")
            ctx = browser.new_context(locale="en-GB", viewport={"width": 1300, "height": 900})
            page = ctx.new_page()
            sign_in(page, base, user, DEMO_PASSWORD)
            open_signed_in(page, base, "profile")  # warm this session's imports
            for path in pages:
                if only and path not in only and path != "profile":
                    continue
                if role == ADMIN and path.startswith("coord_"):
                    continue  # an admin's coordinator pages are the coordinator's
                loads = [_seconds(open_signed_in, page, base, path) for _ in range(runs)]
                out[(role, path)] = statistics.median(loads)
                print(f"  {data.name:<8} {role:<12} {path:<20} {out[(role, path)]:6.2f} s")
            ctx.close()
    return out


def report(
    title: str, demo: dict[tuple[str, str], float], big: dict[tuple[str, str], float]
) -> int:
    print(f"\n{title} ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
    print(
        f"| {'role':<12} | {'page':<20} | demo s | company s | × demo | × Profile | target |\n"
        f"|{'-' * 14}|{'-' * 22}|--------|-----------|--------|-----------|--------|"
    )
    missed = 0
    for (role, page), s in sorted(big.items()):
        floor = big.get((role, "profile")) or big.get((COORDINATOR, "profile")) or s
        base = demo.get((role, page))
        x_profile = s / floor
        ok = x_profile <= TARGET_PROFILE
        missed += not ok
        print(
            f"| {role:<12} | {page:<20} | {base or 0:6.2f} | {s:9.2f} "
            f"| {s / base if base else float('nan'):6.1f} | {x_profile:9.1f} "
            f"| {'met' if ok else 'MISSED':<6} |"
        )
    return missed


def run(name: str, demo_url: str, company_url: str, work: Path, runs: int, only) -> int:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    demo = demo_dataset(demo_url)
    company = company_dataset(company_url)
    _give_password(company_url, BENCH_USER)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            small = measure(demo, browser, work, runs, only)
            big = measure(company, browser, work, runs, only)
        finally:
            browser.close()
    return report(f"Browser on {name}, full loads (median of {runs})", small, big)


def main(argv: list[str] | None = None) -> int:
    args, only = arguments(argv, __doc__ or "")
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: `make test-deps` installs it", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="tandem-bench-browser-"))
    try:
        missed = sum(
            run(name, demo, company, work, args.runs, only)
            for name, demo, company in databases(work, args.postgres)
        )
        print(f"\nTargets missed: {missed}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
