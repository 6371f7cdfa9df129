"""A page that only shows takes no write lock: on SQLite, while another transaction writes
(an import of ten thousand people, a matching run, the purge: seconds), everyone's pages
open from a snapshot instead of waiting for it (``core.kernel.tx.reading``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import db.engine

PARTICIPANT_PAGES = [
    "home.py",
    "my_peer.py",
    "goals.py",
    "journal.py",
    "feedback.py",
    "surveys.py",
    "directory.py",
    "my_match.py",
    "profile.py",
    "enrol.py",
    "my_data.py",
]
COORDINATOR_PAGES = [
    "home.py",
    "coord_dashboard.py",
    "coord_enrolments.py",
    "coord_matching.py",
    "coord_people.py",
    "coord_programmes.py",
    "coord_skills.py",
    "coord_surveys.py",
    "coord_needs.py",
    "coord_announcements.py",
    "coord_concerns.py",
]
ADMIN_PAGES = ["admin_accounts.py", "admin_audit.py"]


@pytest.fixture
def writer(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[], sqlite3.Connection]]:
    """Hold SQLite's write lock from another connection (another server's long write), with
    the app's wait for it cut to a fifth of a second: a page that waits for it fails."""
    monkeypatch.setattr(db.engine, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = Path(demo_url.removeprefix("sqlite:///"))
    held: list[sqlite3.Connection] = []

    def hold() -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE setting SET value = value WHERE key = 'nothing'")
        held.append(conn)
        return conn

    yield hold
    for conn in held:
        if conn.in_transaction:
            conn.rollback()
        conn.close()


def _shown(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title or at.header, "the page shows its title"


@pytest.mark.parametrize(
    ("username", "page"),
    [("camille", p) for p in PARTICIPANT_PAGES]
    + [("coord", p) for p in COORDINATOR_PAGES]
    + [("admin", p) for p in ADMIN_PAGES],
)
def test_a_page_opens_while_another_server_writes(
    open_app: Callable[..., AppTest],
    writer: Callable[[], sqlite3.Connection],
    username: str,
    page: str,
) -> None:
    open_app(username, page=f"pages/{page}")  # the visitor's first run, before the write
    writer()
    _shown(open_app(username, page=f"pages/{page}"))  # a new visit, the lock held


def test_the_sign_in_page_opens_while_another_server_writes(
    open_app: Callable[..., AppTest], writer: Callable[[], sqlite3.Connection]
) -> None:
    open_app()
    writer()
    at = open_app()
    _shown(at)
    assert [i for i in at.text_input if i.label == "Username"], "the sign-in form is drawn"


def test_a_save_the_database_cannot_take_in_time_is_said_and_can_be_tried_again(
    open_app: Callable[..., AppTest], writer: Callable[[], sqlite3.Connection], demo_store
) -> None:
    """A write waits for the lock as long as SQLite's busy timeout, then is refused: the
    person reads why, in their language, and the same change goes through once it is free."""
    from db.models import Person

    at = open_app("hugo", page="pages/profile.py")
    lock = writer()
    at.selectbox(key="profile_zone").set_value("America/Montreal").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [
        "The database did not answer in time: nothing was saved. Try again in a moment."
    ]
    assert at.selectbox(key="profile_zone").value == "America/Montreal"  # kept as chosen
    lock.rollback()
    with demo_store.sf() as s:
        assert s.query(Person).filter_by(full_name="Hugo Bernard").one().time_zone is None
    at.selectbox(key="profile_zone").set_value("Europe/Paris").run()
    assert "Time zone saved" in " ".join(x.value for x in at.success)
    with demo_store.sf() as s:
        assert s.query(Person).filter_by(full_name="Hugo Bernard").one().time_zone == "Europe/Paris"
