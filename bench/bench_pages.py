"""What a person waits for: every page of every role, opened through the router.

    .venv/bin/python -m bench.bench_pages [--postgres] [--runs N] [--only PAGE,PAGE]

Each page is opened as its role would open it: a fresh AppTest session of Home.py (the
router), signed in, run once (Home), sent to the page with ``switch_page``, run. The figure is that run's
script time (the server's part of a page load); the median of ``--runs`` fresh sessions,
with Streamlit's data caches cleared before each, so a cached figure never hides a cost.

Datasets, measured in the same run (one session of each in turn, so that both see the same
load) so that the ratios mean something on a shared machine:

- **demo**: the demo company (``python -m tandem seed-demo``): camille is the participant;
- **company**: the 10 000-person company of demo/large.py (data/bench-large.db, generated
  on first use, copied so the bench never changes it), where the participant is the
  busiest real one (most goals, reflections and feedback), topped up to at least
  40 goals, 150 journal entries and 60 feedback items, and given a sign-in account.

Caches: every cache of the server is cleared before each measured run (a cold server), so a
kept figure never hides a cost. The dashboard is measured once more as a busy company's
server sees it ("coord_dashboard, after a write"): opened once, then a participant writes a
reflection, then opened again — the parts the reflection does not touch are kept
(core.insights.table_cache), the reflections part is built from its kept closed weeks and
this week's rows; and after a meeting recorded as held ("coord_dashboard, after a meeting"),
which the enrolment, meetings and check-in parts read; and after someone enrolled in the
next cycle ("coord_dashboard, after an enrolment elsewhere": a programme open for
enrolment while the running ones run; the company is given one for that measure alone). And as a coordinator finds it first
after a server started
("coord_dashboard, after a start"): the parts built by the server's warm-up
(core.insights.dashboard.warm, run in the background when a server opens its database,
here before the timed run; off while the other pages are timed: TANDEM_WARM_DASHBOARD=0);
the coordinator's Home likewise ("home, after a start": the warm-up counts every
programme's cards), the surveys page ("coord_surveys, after a start": its results read
the surveys, skills and department-size parts the warm-up builds) and the training needs
("coord_needs, after a start": the needs part).

The table gives each page at company scale against the same page at demo scale
(target ≤ 1.5×) and against the Profile page at company scale, the router's floor
(target ≤ 10×, the dashboard ≤ 20×). ``--postgres`` does the same on a throwaway
PostgreSQL 15 cluster. Exit status 0 whatever the figures: it measures, it does not judge.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, make_url, select

from bench.admin_load import admin_load
from bench.bench_dashboard import DEFAULT_URL, ensure_dataset, viewer_named
from core.kernel.access import ADMIN, COORDINATOR, PARTICIPANT, Viewer, pages_for
from core.kernel.store import Store, open_store
from db.models import (
    LIVE_MATCH_STATUSES,
    Account,
    AccountRole,
    Enrolment,
    Feedback,
    Goal,
    GoalStep,
    JournalEntry,
    Match,
    MatchMember,
    Person,
    Programme,
    ProgrammeStatus,
)

ROOT = Path(__file__).resolve().parent.parent
BUSY = {"goals": 40, "entries": 150, "feedback": 60}
BENCH_USER = "bench_busy"
TARGET_DEMO, TARGET_PROFILE, TARGET_DASHBOARD = 1.5, 10.0, 20.0
DASHBOARD = "coord_dashboard"
# The dashboard opened right after a participant wrote a reflection, on a server that had
# shown it before: the parts the reflection does not touch are kept (core.insights.table_cache).
AFTER_WRITE = "coord_dashboard, after a write"
# The same after a meeting recorded as held (the pairs' and the enrolment parts read it).
AFTER_MEETING = "coord_dashboard, after a meeting"
# The same after someone enrolled in the next cycle (open for enrolment while the running
# programmes run): enrolments are versioned per programme (db.freshness.PER_PROGRAMME).
AFTER_ENROLMENT = "coord_dashboard, after an enrolment elsewhere"
# The pages a server's warm-up (core.insights.dashboard.warm) builds parts for, each also
# measured as first opened on a server whose warm-up is done: the dashboard, Home (every
# programme's counts), the surveys page (its results' parts) and the training needs.
WARMED = (DASHBOARD, "home", "coord_surveys", "coord_needs")
AFTER_START = ", after a start"
# The same pages on a server whose memory is empty while another server (or this one
# before a restart) built the parts: taken from the database (core.insights.shared_parts).
ELSEWHERE = ", built by another server"


@dataclass(frozen=True)
class Dataset:
    name: str
    url: str
    users: dict[str, str]  # role → username


# --------------------------------------------------------------------------- datasets


def _count(s, model, column, person_id: int) -> int:  # type: ignore[no-untyped-def]
    return int(s.scalar(select(func.count()).select_from(model).where(column == person_id)) or 0)


def busiest_participant(store: Store) -> int:
    """The active person in a live match with the most goals, reflections and feedback."""
    with store.sf() as s:
        score: dict[int, int] = {}
        for column in (Goal.owner_id, JournalEntry.author_id, Feedback.recipient_id):
            for pid, n in s.execute(select(column, func.count()).group_by(column)):
                score[pid] = score.get(pid, 0) + n
        members = set(  # active people in a live match: a participant who signs in today
            s.scalars(
                select(MatchMember.person_id)
                .join(Match, Match.id == MatchMember.match_id)
                .join(Person, Person.id == MatchMember.person_id)
                .where(Match.status.in_(LIVE_MATCH_STATUSES), Person.is_active.is_(True))
                .distinct()
            )
        )
        return max((p for p in score if p in members), key=lambda p: (score[p], -p))


def make_busy(store: Store, person_id: int) -> dict[str, int]:
    """Top the person up to BUSY's counts and give them a participant account."""
    now = dt.datetime.now().replace(microsecond=0)
    with store.sf.begin() as s:
        match_id = s.scalar(
            select(MatchMember.match_id)
            .join(Match, Match.id == MatchMember.match_id)
            .where(MatchMember.person_id == person_id, Match.status.in_(LIVE_MATCH_STATUSES))
        )
        peer = s.scalar(
            select(MatchMember.person_id).where(
                MatchMember.match_id == match_id, MatchMember.person_id != person_id
            )
        )
        have = {
            "goals": _count(s, Goal, Goal.owner_id, person_id),
            "entries": _count(s, JournalEntry, JournalEntry.author_id, person_id),
            "feedback": _count(s, Feedback, Feedback.recipient_id, person_id),
        }
        for i in range(have["goals"], BUSY["goals"]):
            when = now - dt.timedelta(days=3 * i)
            goal = Goal(
                owner_id=person_id,
                match_id=match_id,
                title=f"Bench goal {i}",
                outcome="A measurable outcome",
                status="achieved" if i % 3 else "active",
                created_at=when,
                updated_at=when,
                achieved_at=when if i % 3 else None,
            )
            goal.steps = [
                GoalStep(position=k, title=f"Step {k}", done_at=when if k % 2 else None)
                for k in range(4)
            ]
            s.add(goal)
        for i in range(have["entries"], BUSY["entries"]):
            when = now - dt.timedelta(days=i)
            s.add(
                JournalEntry(
                    author_id=person_id,
                    match_id=match_id,
                    status="final",
                    discussed="What we discussed " * 5,
                    went_well="It went well",
                    learned="I learned something",
                    next_step="Next time",
                    usefulness=4,
                    wellbeing=4,
                    created_at=when,
                    updated_at=when,
                )
            )
        for i in range(have["feedback"], BUSY["feedback"]):
            when = now - dt.timedelta(days=2 * i)
            s.add(
                Feedback(
                    match_id=match_id,
                    giver_id=peer,
                    recipient_id=person_id,
                    kind="structured",
                    worked="What worked",
                    improve="What to improve",
                    suggestion="A suggestion",
                    created_at=when,
                    acknowledged_at=when if i % 4 else None,
                )
            )
        account = s.scalar(select(Account).where(Account.username == BENCH_USER))
        if account is None:
            account = Account(
                person_id=person_id,
                username=BENCH_USER,
                password_hash="!",  # never signs in with a password: the bench sets the session
                is_active=True,
                language="en",
                created_at=now,
            )
            s.add(account)
            s.flush()
            s.add(AccountRole(account_id=account.id, role=PARTICIPANT))
        have = {
            "goals": _count(s, Goal, Goal.owner_id, person_id),
            "entries": _count(s, JournalEntry, JournalEntry.author_id, person_id),
            "feedback": _count(s, Feedback, Feedback.recipient_id, person_id),
        }
    return have


NEXT_CYCLE = "Peer mentoring — next cycle (bench)"


def next_cycle(store: Store) -> int:
    """A programme open for enrolment: the next cycle, which people join while the running
    programmes run (the demo's own; else one opened for the measure, :data:`NEXT_CYCLE`,
    taken away after it by :func:`close_next_cycle`: pages showing the newest programme
    must not find it meanwhile)."""
    from core.kernel import clock

    today = clock.today()
    with store.sf.begin() as s:
        found = s.scalar(select(Programme.id).where(Programme.status == ProgrammeStatus.ENROLMENT))
        if found is not None:
            return int(found)
        coordinator = s.scalar(select(Programme.created_by_id).order_by(Programme.id.desc()))
        programme = Programme(
            name=NEXT_CYCLE,
            status=ProgrammeStatus.ENROLMENT,
            created_by_id=coordinator,
            enrolment_opens=today,
            enrolment_closes=today + dt.timedelta(days=21),
            start_date=today + dt.timedelta(days=28),
            **clock.stamps(),
        )
        s.add(programme)
        s.flush()
        return programme.id


def close_next_cycle(url: str) -> None:
    """Take away the programme :func:`next_cycle` opened for the measure, if it did."""
    store = open_store(url, migrate=False)
    try:
        with store.sf.begin() as s:
            found = s.scalar(select(Programme.id).where(Programme.name == NEXT_CYCLE))
            if found is not None:
                s.execute(delete(Enrolment).where(Enrolment.programme_id == found))
                s.execute(delete(Programme).where(Programme.id == found))
    finally:
        store.engine.dispose()


def demo_dataset(url: str) -> Dataset:
    from demo import company as demo

    store = open_store(url)
    demo.seed_demo(store.sf)
    store.engine.dispose()
    return Dataset("demo", url, {PARTICIPANT: "camille", COORDINATOR: "coord", ADMIN: "admin"})


def company_dataset(url: str) -> Dataset:
    seconds = ensure_dataset(url)
    if seconds is not None:
        print(f"Company generated in {seconds:.0f} s", flush=True)
    store = open_store(url)
    person = busiest_participant(store)
    counts = make_busy(store, person)
    load = admin_load(store)
    store.engine.dispose()
    print(f"Company participant {BENCH_USER} (person {person}): {counts}", flush=True)
    print(f"Company admin load: {load}", flush=True)
    return Dataset("company", url, {PARTICIPANT: BENCH_USER, COORDINATOR: "coord", ADMIN: "admin"})


# --------------------------------------------------------------------------- timing


def pages_of(store: Store, username: str) -> list[str]:
    return pages_for(viewer_named(store, username))


def page_ms(
    url: str,
    username: str,
    page_file: str,
    runs: int,
    before: Callable[[], None] | None = None,
    seen: bool = True,
) -> float:
    """The median script time of ``page_file`` opened by ``username``: every cache of the
    server cleared (a cold server), or, with ``before``, the page opened once (unless not
    ``seen``), then ``before`` run (a write by someone else, the server's warm-up), then
    the page opened again and timed."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.pages.conftest import sign_in_as
    from ui.dashboard.filters import tables

    os.environ["DATABASE_URL"] = url
    times = []
    for _ in range(runs):
        at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=600)
        sign_in_as(at, username)
        # Streamlit knows a page by its url_path (the page id) only after a first run: a
        # switch before it falls back to Home for every file not named like its page id.
        at.run()
        at.switch_page(f"pages/{page_file}")
        st.cache_data.clear()
        tables.clear()  # the dashboard parts a server keeps (core.insights.table_cache)
        forget_shared_parts(url)  # …and every server takes from the database
        if before is not None:
            if seen:
                at.run()
            before()
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(f"{page_file} as {username}: {[e.value for e in at.exception]}")
        if any(title.value == "Welcome to Tandem" for title in at.title):
            raise RuntimeError(f"{page_file} as {username}: the sign-in page was shown")
    return statistics.median(times)


def table_versions_of(store: Store, *tables: str) -> tuple[str, ...]:
    from db.freshness import table_versions

    with store.sf() as s:
        return table_versions(s, tables)


def written_by(
    url: str, username: str, table: str, write: Callable[[Store, Viewer], None]
) -> Callable[[], None]:
    """A write by ``username`` through a store of its own (another server's, as it were),
    checked to have changed ``table``'s version."""

    def run() -> None:
        store = open_store(url, migrate=False)
        try:
            before = table_versions_of(store, table)
            write(store, viewer_named(store, username))
            assert table_versions_of(store, table) != before, "nothing was written"
        finally:
            store.engine.dispose()

    return run


def reflection_written(url: str, username: str) -> Callable[[], None]:
    """A final reflection by ``username`` (the most frequent write of a programme)."""
    from core.growth import journal

    def write(store: Store, viewer: Viewer) -> None:
        # Words of its own each time: the same reflection sent again is not a new one.
        journal.finalise(store.sf, viewer, None, {"discussed": f"Bench {time.time_ns()}"})

    return written_by(url, username, "journal_entry", write)


def meeting_held(url: str, username: str) -> Callable[[], None]:
    """A meeting of ``username``'s live match with the most meetings held recorded as held,
    up to ten hours ago and this week: a pair under way, as most meetings written are (one
    of a pair's first three changes its members' engagement and builds the enrolment part
    again; one recorded late, for a closed week, makes the meetings' kept weeks stale: the
    meetings part is then built whole, as a cold one)."""
    import random

    from core.insights.headcounts import held_per_match
    from core.kernel import clock
    from core.kernel.errors import Conflict
    from core.relationship.membership import live_matches_of
    from core.relationship.schedule import record_held_meeting
    from db.freshness import week_split

    def write(store: Store, viewer: Viewer) -> None:
        with store.sf() as s:
            live = [m.id for m in live_matches_of(s, viewer.person_id)]
            per_match = held_per_match(Match.id.in_(live))
            held = dict(s.execute(select(per_match.c.match_id, per_match.c.n)).tuples().all())
            match_id = max(live, key=lambda m: (held.get(m, 0), -m))
        now = clock.now()
        span = int(min(600, (now - week_split(now)).total_seconds() // 60))
        for _ in range(20):  # a time no meeting of the pair has yet
            when = now - dt.timedelta(minutes=random.randint(1, max(1, span)))
            try:
                record_held_meeting(store.sf, viewer, match_id, when)
                return
            except Conflict:
                continue

    return written_by(url, username, "meeting", write)


def enrolled_elsewhere(url: str, username: str) -> Callable[[], None]:
    """Someone not yet in the programme open for enrolment enrols in it (the row the
    enrolment form writes; its answers are no figure's input)."""
    from core.kernel import clock

    def write(store: Store, viewer: Viewer) -> None:
        programme = next_cycle(store)
        with store.sf.begin() as s:
            enrolled = select(Enrolment.person_id).where(Enrolment.programme_id == programme)
            person = s.scalar(
                select(Person.id)
                .where(Person.is_active.is_(True), Person.id.not_in(enrolled))
                .order_by(Person.id.desc())
                .limit(1)
            )
            assert person is not None, "everyone is enrolled already"
            s.add(Enrolment(programme_id=programme, person_id=person, **clock.stamps()))

    return written_by(url, username, "enrolment", write)


def forget_shared_parts(url: str) -> None:
    """Delete the parts kept in the database for every server (none written later)."""
    from core.insights.shared_parts import forget_all
    from ui.dashboard.filters import tables

    shelf = tables(url).shared  # this server's, as the page under test opened it
    if shelf is not None:
        shelf.settle()
    store = open_store(url, migrate=False)
    with store.sf.begin() as s:
        forget_all(s)
    store.engine.dispose()


def built_elsewhere(url: str) -> Callable[[], None]:
    """Another server's warm-up: the parts built there and written to the database."""
    from core.insights.dashboard import warm
    from core.insights.shared_parts import servers_shelf
    from core.insights.table_cache import TableCache

    def start() -> None:
        store = open_store(url, migrate=False)
        other = TableCache(shared=servers_shelf())
        assert warm(store.sf, other), "nothing was built"
        assert other.shared is not None
        other.shared.settle()
        store.engine.dispose()

    return start


def warmed(url: str) -> Callable[[], None]:
    """What a starting server does in the background: build the dashboard's parts."""
    from core.insights.dashboard import warm
    from ui.dashboard.filters import kept_parts
    from ui.store import get_store

    def start() -> None:
        store = get_store()  # the server's, as the page under test opened it
        assert store.engine.url == make_url(url), (store.engine.url, url)
        assert warm(store.sf, kept_parts(store)), "nothing was built"

    return start


def plan(data: Dataset, only: set[str] | None) -> dict[tuple[str, str], tuple[str, str]]:
    """(role, page) → (username, page file): every page of every role of ``data``."""
    from ui.nav import PAGES

    files = {p.page_id: p.file for p in PAGES}
    store = open_store(data.url, migrate=False)
    roles = [(role, user, pages_of(store, user)) for role, user in data.users.items()]
    store.engine.dispose()
    out: dict[tuple[str, str], tuple[str, str]] = {}
    coordinator_pages = {p for role, _, pages in roles if role == COORDINATOR for p in pages}
    for role, user, pages in roles:
        for page in pages:
            if only and page not in only and page != "profile":
                continue
            if role == ADMIN and page in coordinator_pages and page != "profile":
                continue  # an admin's coordinator pages are the coordinator's
            out[(role, page)] = (user, files[page])
    return out


def measure(
    datasets: list[Dataset], runs: int, only: set[str] | None
) -> list[dict[tuple[str, str], float]]:
    """Each page on each dataset, their sessions interleaved (one of each in turn): on a
    shared machine the load changes from one minute to the next, and a ratio must compare
    sessions run under the same load."""
    plans = [plan(data, only) for data in datasets]
    for pages in plans:
        if (COORDINATOR, DASHBOARD) in pages:  # and right after a write, and a start
            pages[(COORDINATOR, AFTER_WRITE)] = pages[(COORDINATOR, DASHBOARD)]
            pages[(COORDINATOR, AFTER_MEETING)] = pages[(COORDINATOR, DASHBOARD)]
            pages[(COORDINATOR, AFTER_ENROLMENT)] = pages[(COORDINATOR, DASHBOARD)]
        for page in WARMED:
            if (COORDINATOR, page) in pages:
                pages[(COORDINATOR, page + AFTER_START)] = pages[(COORDINATOR, page)]
                pages[(COORDINATOR, page + ELSEWHERE)] = pages[(COORDINATOR, page)]
    for data, pages in zip(datasets, plans, strict=True):  # warm imports and the store
        page_ms(data.url, *pages[(PARTICIPANT, "profile")], 1)
    out: list[dict[tuple[str, str], float]] = [{} for _ in datasets]
    for key in dict.fromkeys(k for pages in plans for k in pages):
        if key[1] == AFTER_ENROLMENT:  # opened before the page is: no part built for it
            for data in datasets:
                store = open_store(data.url, migrate=False)
                next_cycle(store)
                store.engine.dispose()
        times: list[list[float]] = [[] for _ in datasets]
        failed: set[int] = set()
        for _ in range(runs):
            for i, (data, pages) in enumerate(zip(datasets, plans, strict=True)):
                if key not in pages or i in failed:
                    continue
                before, seen = None, True
                if key[1] == AFTER_WRITE:
                    before = reflection_written(data.url, data.users[PARTICIPANT])
                elif key[1] == AFTER_MEETING:
                    before = meeting_held(data.url, data.users[PARTICIPANT])
                elif key[1] == AFTER_ENROLMENT:
                    before = enrolled_elsewhere(data.url, data.users[PARTICIPANT])
                elif key[1].endswith(AFTER_START):
                    before, seen = warmed(data.url), False
                elif key[1].endswith(ELSEWHERE):
                    before, seen = built_elsewhere(data.url), False
                try:
                    times[i].append(page_ms(data.url, *pages[key], 1, before, seen))
                except RuntimeError as e:  # a page that fails is reported, the others run
                    print(f"  {data.name:<8} {key[0]:<12} {key[1]:<24} FAILED: {e}", flush=True)
                    failed.add(i)
        if key[1] == AFTER_ENROLMENT:
            for data in datasets:
                close_next_cycle(data.url)
        for i, data in enumerate(datasets):
            if key in plans[i]:
                ms = float("nan") if i in failed else statistics.median(times[i])
                out[i][key] = ms
                print(f"  {data.name:<8} {key[0]:<12} {key[1]:<24} {ms:9.0f} ms", flush=True)
    return out


def report(
    title: str, demo: dict[tuple[str, str], float], big: dict[tuple[str, str], float]
) -> int:
    """Print the ratio table; the number of targets missed."""
    print(f"\n{title} ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
    print(
        f"| {'role':<12} | {'page':<30} | demo ms | company ms | × demo | × Profile | targets |\n"
        f"|{'-' * 14}|{'-' * 32}|---------|------------|--------|-----------|---------|"
    )
    missed = 0
    for (role, page), ms in sorted(big.items()):
        floor = big.get((role, "profile")) or big.get((PARTICIPANT, "profile")) or ms
        base = demo.get((role, page))
        x_demo = ms / base if base else float("nan")
        x_profile = ms / floor
        limit = TARGET_DASHBOARD if page.startswith(DASHBOARD) else TARGET_PROFILE
        ok = (base is None or x_demo <= TARGET_DEMO) and x_profile <= limit  # NaN: failed
        missed += not ok
        print(
            f"| {role:<12} | {page:<30} | {base or 0:7.0f} | {ms:10.0f} | {x_demo:6.1f} "
            f"| {x_profile:9.1f} | {'met' if ok else 'MISSED':<7} |"
        )
    return missed


def run(name: str, demo_url: str, company_url: str, runs: int, only: set[str] | None) -> int:
    demo, big = measure([demo_dataset(demo_url), company_dataset(company_url)], runs, only)
    return report(f"Pages on {name}, script time (median of {runs} fresh sessions)", demo, big)


def databases(work: Path, postgres: bool) -> Iterator[tuple[str, str, str]]:
    """(name, demo url, company url) for SQLite and, with ``postgres``, a throwaway
    PostgreSQL 15: the company a copy of data/bench-large.db (generated on first use)."""
    # The state folder stays data/ (the default): the company dataset is upgraded and
    # encrypted at rest there once, with its key in data/encryption-keys; a key in a
    # temporary folder would leave data/bench-large.db unreadable after the run.
    ensure_dataset(DEFAULT_URL)
    company = work / "company.db"
    shutil.copy(DEFAULT_URL.removeprefix("sqlite:///"), company)
    yield "SQLite", f"sqlite:///{work / 'demo.db'}", f"sqlite:///{company}"
    if postgres:
        from tests.pg import PgCluster

        cluster = PgCluster()
        try:
            demo_pg = cluster.start()
            yield "PostgreSQL", demo_pg, cluster.create_database("tandem_company")
        finally:
            cluster.stop()


def arguments(argv: list[str] | None, doc: str) -> tuple[argparse.Namespace, set[str] | None]:
    """The options every page benchmark takes: --postgres, --runs, --only."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="also on a throwaway PostgreSQL")
    parser.add_argument("--runs", type=int, default=3, help="measures per page (median)")
    parser.add_argument("--only", default="", help="page ids, comma-separated (and profile)")
    args = parser.parse_args(argv)
    return args, {p for p in args.only.split(",") if p} or None


def main(argv: list[str] | None = None) -> int:
    args, only = arguments(argv, __doc__ or "")
    os.environ.setdefault("TANDEM_DEMO", "0")
    # A starting server's warm-up would run beside the pages timed: measured on its own.
    os.environ.setdefault("TANDEM_WARM_DASHBOARD", "0")
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's bare-mode warnings
    work = Path(tempfile.mkdtemp(prefix="tandem-bench-pages-"))
    try:
        missed = sum(
            run(name, demo, company, args.runs, only)
            for name, demo, company in databases(work, args.postgres)
        )
        print(f"\nTargets missed: {missed}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
