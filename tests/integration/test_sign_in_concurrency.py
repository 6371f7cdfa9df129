"""Sign-in under concurrency: attempts reserved atomically before bcrypt, and bcrypt
runs with no transaction open (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from core.accounts import auth
from core.kernel import clock
from core.kernel.errors import AccountLocked
from db.models import LoginThrottle, Setting
from tests.builders import PASSWORD, make_user

THREADS = 30
WAIT = 20  # seconds: only bounds a hang when the behaviour is wrong, never a timing assert


@pytest.fixture
def alice(sf):
    clock.set_now(dt.datetime(2026, 11, 27, 9, 0))
    return make_user(sf, "alice", ["participant"])


@pytest.fixture
def bcrypt_calls(monkeypatch) -> list[int]:
    """Every bcrypt check that runs (real or dummy), from any thread."""
    calls: list[int] = []
    real = auth.bcrypt.checkpw

    def counting(password: bytes, hashed: bytes) -> bool:
        calls.append(1)  # list.append is atomic
        return real(password, hashed)

    monkeypatch.setattr(auth.bcrypt, "checkpw", counting)
    return calls


def _at_once(sf, sources: list[str | None], password: str = "wrong-password-123") -> list[object]:
    """Run one sign-in per source, all released together; return what each ended with."""
    start = threading.Barrier(len(sources))
    results: list[object] = [None] * len(sources)

    def run(i: int, source: str | None) -> None:
        start.wait(timeout=WAIT)
        try:
            results[i] = auth.sign_in(sf, "alice", password, source)
        except Exception as e:  # noqa: BLE001 - every outcome is collected and asserted
            results[i] = e

    threads = [threading.Thread(target=run, args=(i, src)) for i, src in enumerate(sources)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    return results


def test_thirty_parallel_guesses_from_one_address_check_at_most_five(sf, alice, bcrypt_calls):
    results = _at_once(sf, [None] * THREADS)
    unexpected = [r for r in results if r is not None and not isinstance(r, AccountLocked)]
    assert unexpected == []  # no UniqueViolation, no "database is locked"
    assert len(bcrypt_calls) <= auth.PER_ADDRESS.failures
    assert sum(isinstance(r, AccountLocked) for r in results) >= THREADS - auth.PER_ADDRESS.failures
    with sf.begin() as s:
        row = s.get_one(LoginThrottle, ("alice", auth.UNKNOWN_SOURCE))
    assert row.failures == THREADS and row.locked_until is not None


def test_thirty_parallel_guesses_from_thirty_addresses_check_at_most_the_global_limit(
    sf, alice, bcrypt_calls, monkeypatch
):
    monkeypatch.setattr(auth, "ALL_ADDRESSES", auth.Limit(failures=10, minutes=60))
    results = _at_once(sf, [f"198.51.100.{n}" for n in range(THREADS)])
    unexpected = [r for r in results if r is not None and not isinstance(r, AccountLocked)]
    assert unexpected == []
    assert len(bcrypt_calls) <= 10
    with sf.begin() as s:
        every = s.get_one(LoginThrottle, ("alice", auth.ALL_SOURCES))
        per_address = s.scalars(
            select(LoginThrottle.failures).where(LoginThrottle.source.like("198.51.100.%"))
        ).all()
    assert every.failures == THREADS and sorted(set(per_address)) == [1]


def test_the_right_password_among_parallel_guesses_signs_in_at_most_once_each(sf, alice):
    results = _at_once(sf, [None] * 3, password=PASSWORD)
    assert all(isinstance(r, auth.SignedIn) for r in results)


def test_another_persons_save_is_not_blocked_while_a_password_is_checked(sf, alice, monkeypatch):
    """On SQLite every transaction holds the write lock: bcrypt must run outside one."""
    checking, release, saved = threading.Event(), threading.Event(), threading.Event()
    real = auth._check

    def slow_check(password: str, hashed: str | None) -> bool:
        checking.set()
        release.wait(timeout=WAIT)  # bcrypt "takes" until the other save is done
        return real(password, hashed)

    monkeypatch.setattr(auth, "_check", slow_check)
    outcome: list[object] = []
    signing = threading.Thread(
        target=lambda: outcome.append(auth.sign_in(sf, "alice", PASSWORD, "10.0.0.7"))
    )

    def save() -> None:
        with sf.begin() as s:
            s.add(Setting(key="someone_else", value="saved"))
        saved.set()

    signing.start()
    try:
        assert checking.wait(timeout=WAIT)
        saver = threading.Thread(target=save)
        saver.start()
        committed = saved.wait(timeout=WAIT)
    finally:
        release.set()
        signing.join(timeout=60)
    saver.join(timeout=60)
    assert committed, "the save waited for the password check"
    assert isinstance(outcome[0], auth.SignedIn)
    with sf.begin() as s:
        assert s.get_one(Setting, "someone_else").value == "saved"
