"""Two Streamlit servers on one PostgreSQL, behind deploy/Caddyfile: one Tandem.

The deployment of the README's "Several servers" section, for real: two ``streamlit
run`` processes on their own ports and state folders, one throwaway PostgreSQL 15, the
cookie key shared through the environment, and Caddy (Debian's package) running the
project's own Caddyfile in front with sticky sessions, WebSocket and TLS (its internal
CA). Each check goes through the server it names: a browser's cookie is sent to both
ports of localhost, as it is to every server behind one name.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import func, select

from core.growth import goals
from core.kernel.store import Store, open_store
from db.models import Account, Feedback, GoalStep, JournalEntry, Person
from demo.company import seed_demo
from tests.builders import PASSWORD, make_pair
from tests.e2e.conftest import (
    ARTIFACTS,
    BUTTON,
    CHROMIUM,
    ROOT,
    _free_port,
    _wait_healthy,
    add_goal,
    by_key,
    open_signed_in,
    screenshot,
    sign_in,
    start_streamlit,
    wait_idle,
)
from tests.pg import PgCluster

pytestmark = pytest.mark.browser

CADDY = shutil.which("caddy") or "/usr/bin/caddy"
PAIRS = 10  # 20 participants, one browser session each


@dataclass
class Deployment:
    servers: list[str]  # http://127.0.0.1:port, one per Streamlit server
    proxy: str  # https://localhost:port, Caddy in front of both
    store: Store  # the shared database, to arrange and check
    logs: list[Path]
    tmp: Path


def _server(tmp: Path, name: str, env: dict[str, str]) -> tuple[subprocess.Popen, int, Path]:
    port = _free_port()
    log = tmp / f"{name}.log"
    proc = start_streamlit(
        port, {**env, "TANDEM_STATE_DIR": str(tmp / f"state-{name}")}, log.open("w")
    )
    return proc, port, log


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    if os.environ.get("TANDEM_SKIP_PG") == "1":
        pytest.skip("TANDEM_SKIP_PG=1: PostgreSQL tests skipped on request")
    for tool in (CHROMIUM, CADDY):
        if not Path(tool).exists():
            pytest.fail(f"{tool} not found: `make test-deps` installs Debian's chromium and caddy")
    tmp = tmp_path_factory.mktemp("two-servers")
    cluster = PgCluster()
    url = cluster.start()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TANDEM_DEMO": "1",
        "TANDEM_COOKIE_KEY": secrets.token_urlsafe(48),
        "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_urlsafe(32),
        "TANDEM_BCRYPT_ROUNDS": os.environ.get("TANDEM_BCRYPT_ROUNDS", "4"),
    }
    procs: list[subprocess.Popen] = []
    try:
        started = [_server(tmp, f"server{i}", env) for i in (1, 2)]
        procs = [p for p, _, _ in started]
        servers = [f"http://127.0.0.1:{port}" for _, port, _ in started]
        for proc, port, _ in started:
            _wait_healthy(f"http://127.0.0.1:{port}", proc, timeout=120)

        proxy_port = _free_port()
        caddy_env = {
            **os.environ,
            "XDG_DATA_HOME": str(tmp / "caddy-data"),
            "XDG_CONFIG_HOME": str(tmp / "caddy-config"),
            "TANDEM_CADDY_OPTIONS": "admin off\nskip_install_trust\nauto_https disable_redirects",
            "TANDEM_SITE": f"https://localhost:{proxy_port}",
            "TANDEM_TLS": "tls internal",
            "TANDEM_UPSTREAMS": " ".join(s.removeprefix("http://") for s in servers),
            "TANDEM_LB_SECRET": secrets.token_hex(16),
        }
        caddy_log = tmp / "caddy.log"
        procs.append(
            subprocess.Popen(
                [
                    CADDY,
                    "run",
                    "--config",
                    str(ROOT / "deploy" / "Caddyfile"),
                    "--adapter",
                    "caddyfile",
                ],
                cwd=ROOT,
                env=caddy_env,
                stdout=caddy_log.open("w"),
                stderr=subprocess.STDOUT,
            )
        )
        store = open_store(url, migrate=False)
        yield Deployment(
            servers,
            f"https://localhost:{proxy_port}",
            store,
            [*(log for _, _, log in started), caddy_log],
            tmp,
        )
        store.engine.dispose()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        ARTIFACTS.mkdir(exist_ok=True)
        for log in tmp.glob("*.log"):
            shutil.copy(log, ARTIFACTS / f"two-servers-{log.name}")
        cluster.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _context(browser):  # type: ignore[no-untyped-def]
    return browser.new_context(
        locale="en-GB", viewport={"width": 1300, "height": 900}, ignore_https_errors=True
    )


def _open(page, url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/{path}")
    wait_idle(page)


# --------------------------------------------------------------------------- start-up


def _open_both(deployment: Deployment, browser) -> None:  # type: ignore[no-untyped-def]
    """Open the first page of both servers at once (a server opens its store then)."""
    pages = [_context(browser).new_page() for _ in deployment.servers]
    for page, url in zip(pages, deployment.servers, strict=True):
        page.goto(url, wait_until="commit")  # both first runs start before either ends
    for page in pages:
        page.get_by_role("button", name="Sign in").wait_for(timeout=120_000)
        page.context.close()


def test_both_servers_starting_together_seed_the_demo_once(deployment, browser) -> None:
    """The first page of each server opens the store: migrate and seed, under one lock."""
    _open_both(deployment, browser)
    logs = [log.read_text() for log in deployment.logs[:2]]
    assert sorted(log.count("demo company seeded") for log in logs) == [0, 1]
    assert not any("Traceback" in log for log in logs)
    reference = open_store(f"sqlite:///{deployment.tmp / 'reference.db'}")
    seed_demo(reference.sf)  # the demo seeded once, alone
    for table in (Account, Person):
        with reference.sf() as s, deployment.store.sf() as shared:
            count = select(func.count()).select_from(table)
            assert shared.scalar(count) == s.scalar(count), table.__name__
    reference.engine.dispose()


# --------------------------------------------------------------------------- one Tandem


def test_a_write_through_one_server_is_seen_through_the_other_at_once(deployment, browser) -> None:
    one, two = deployment.servers
    marker = f"Shared-state goal {secrets.token_hex(3)}"
    page = _context(browser).new_page()
    sign_in(page, one, "hugo")
    open_signed_in(page, one, "goals")
    add_goal(page, marker)

    open_signed_in(page, two, "goals")  # the same browser, the other server: the cookie
    page.get_by_text(marker).first.wait_for()
    screenshot(page, "two-servers-goal-seen-on-the-other")


def test_signing_out_on_one_server_ends_the_session_on_the_other(deployment, browser) -> None:
    one, two = deployment.servers
    ctx = _context(browser)
    page = ctx.new_page()
    sign_in(page, one, "hugo")
    copied = [c for c in ctx.cookies() if c["name"] == "tandem_auth"]
    assert copied
    elsewhere = _context(browser)  # another device holding the same cookie, on server two
    elsewhere.add_cookies(copied)
    other = elsewhere.new_page()
    open_signed_in(other, two, "")

    page.get_by_role("button", name="Sign out").click()  # on server one
    page.get_by_role("button", name="Sign in").wait_for()

    _open(other, two, "profile")
    other.get_by_role("button", name="Sign in").wait_for()
    assert other.get_by_role("button", name="Sign out").count() == 0


def test_a_lockout_counted_on_one_server_holds_on_the_other(deployment, browser) -> None:
    one, two = deployment.servers
    page = _context(browser).new_page()
    for _ in range(5):  # the per-address limit (core.accounts.auth.PER_ADDRESS)
        _open(page, one, "")
        _refused(page, "coord", "not-the-password")
    page = _context(browser).new_page()
    _open(page, two, "")
    _refused(page, "coord", "tandem-demo")  # the right password, refused on the other server
    assert page.get_by_text(re.compile("this account is locked")).count()
    assert page.get_by_role("button", name="Sign out").count() == 0


def _refused(page, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """A failed sign-in through the form, seen refused. A click right after the page loaded
    can be dropped (the cookie component's late rerun): then, and only then, click again —
    five failures must count five."""
    user = page.get_by_role("textbox", name="Username")
    secret = page.get_by_role("textbox", name="Password")
    user.fill(username)
    secret.fill(password)
    assert user.input_value() == username and secret.input_value() == password
    said = page.get_by_text(re.compile("Username or password is incorrect|this account is locked"))
    for attempt in range(2):
        page.get_by_role("button", name="Sign in").click()
        try:
            said.first.wait_for(timeout=20_000)
            return
        except PlaywrightError:
            if attempt:
                screenshot(page, "two-servers-not-refused")
                raise
            wait_idle(page)


# --------------------------------------------------------------------------- 20 at once


@dataclass
class Person_:
    username: str
    peer: str
    step_id: int


def _twenty(store: Store) -> list[Person_]:
    """Ten pairs in live matches, each person with a goal of one step."""
    people = []
    for i in range(PAIRS):
        a, b = f"load{i:02d}a", f"load{i:02d}b"
        group = make_pair(store.sf, a, b, name=f"Load {i:02d}")
        for viewer, peer in zip(group.members, reversed(group.members), strict=True):
            goal = goals.create_goal(
                store.sf,
                viewer,
                title=f"Goal of {viewer.username}",
                target_date=dt.date.today() + dt.timedelta(days=60),
                steps=[f"Step of {viewer.username}"],
            )
            people.append(Person_(viewer.username, peer.name, goal.steps[0].id))
    return people


def _twenty_at_once(deployment: Deployment, pages: list[Any], people: list[Person_]) -> None:
    """Each step: every session fills its form, then all of them send it at once."""
    # Journal: every session fills a reflection, then all twenty save at once.
    for page in pages:
        open_signed_in(page, deployment.proxy, "journal")
    for page, p in zip(pages, people, strict=True):
        field = by_key(page, "journal_discussed", "textarea")
        field.fill(f"Reflection of {p.username}")
        assert field.input_value() == f"Reflection of {p.username}"
    for page in pages:
        by_key(page, "journal_finalise", BUTTON).click(no_wait_after=True)
    for page in pages:
        wait_idle(page)
        by_key(page, "journal_share_now", BUTTON).wait_for()

    # Goals: each ticks their step, all at once.
    for page in pages:
        open_signed_in(page, deployment.proxy, "goals")
    for page, p in zip(pages, people, strict=True):
        by_key(page, f"step_done_{p.step_id}", "label").click(no_wait_after=True)
    for page in pages:
        wait_idle(page)

    # Feedback: each sends kudos to their peer, all at once.
    for page in pages:
        open_signed_in(page, deployment.proxy, "feedback")
        kudos = by_key(page, "give_kind").get_by_text("Kudos", exact=True)
        for _ in range(3):  # a click that lands during a rerun may not switch the tab
            page.get_by_role("tab", name="Give feedback or kudos").click()
            try:
                kudos.wait_for(state="visible", timeout=10_000)
                break
            except PlaywrightError:
                wait_idle(page)
        kudos.click()
        wait_idle(page)
    for page, p in zip(pages, people, strict=True):
        kudos = by_key(page, "give_kudos", "textarea")
        kudos.fill(f"Kudos from {p.username}")
        assert kudos.input_value() == f"Kudos from {p.username}"
    for page in pages:
        by_key(page, "give_submit", BUTTON).click(no_wait_after=True)
    for page in pages:
        wait_idle(page)
    screenshot(pages[0], "two-servers-twenty-sessions")

    for page in pages:
        assert page.locator("[data-testid='stException']").count() == 0


def test_twenty_sessions_over_both_servers_lose_and_duplicate_nothing(deployment, browser) -> None:
    _open_both(deployment, browser)  # the schema and the demo are there (when run alone)
    people = _twenty(deployment.store)
    contexts = [_context(browser) for _ in people]
    pages = [ctx.new_page() for ctx in contexts]
    for page, p in zip(pages, people, strict=True):
        sign_in(page, deployment.proxy, p.username, PASSWORD)
    pinned = Counter(
        next(c["value"] for c in ctx.cookies() if c["name"] == "tandem_server") for ctx in contexts
    )
    assert len(pinned) == 2, f"Caddy spread the sessions over {len(pinned)} server(s)"

    try:
        _twenty_at_once(deployment, pages, people)
    except Exception:
        for i, page in enumerate(pages):
            screenshot(page, f"two-servers-failed-{i:02d}")
        raise
    with deployment.store.sf() as s:
        for p in people:
            person_id = s.scalar(select(Account.person_id).where(Account.username == p.username))
            entries = [
                e.discussed
                for e in s.scalars(select(JournalEntry).where(JournalEntry.author_id == person_id))
                if e.discussed == f"Reflection of {p.username}"
            ]
            assert len(entries) == 1, (p.username, len(entries))
            assert s.get_one(GoalStep, p.step_id).done_at is not None, p.username
            kudos = [
                f
                for f in s.scalars(select(Feedback).where(Feedback.giver_id == person_id))
                if f.worked == f"Kudos from {p.username}"
            ]
            assert len(kudos) == 1, (p.username, len(kudos))
    for ctx in contexts:
        ctx.close()
