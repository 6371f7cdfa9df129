"""Passwords, sign-in with lockout, and server-side session revocation.

The rules the UI's streamlit-authenticator wrappers rely on (see
shared/notes/auth-hardening.md): failed sign-ins counted in the database for
every typed username, known or not; a lock that expires by itself; the same
bcrypt work and message for an unknown username; passwords over 72 bytes refused
clearly; any session issued at or before ``sessions_revoked_before`` is void.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass

import bcrypt
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from core import audit, clock
from core.access import Viewer
from core.errors import AccountLocked, InvalidInput
from core.i18n import t, tn
from db.models import Account, LoginThrottle, Person

MAX_PASSWORD_BYTES = 72  # bcrypt ignores (bcrypt 5: refuses) anything longer
MIN_PASSWORD_CHARS = 10
LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15


def bcrypt_rounds() -> int:
    """bcrypt cost: the library's default (12) unless TANDEM_BCRYPT_ROUNDS says (tests: 4)."""
    return max(4, min(16, int(os.environ.get("TANDEM_BCRYPT_ROUNDS", "12"))))


# Built at import (server start), with the same cost as real hashes, so that an
# unknown username costs the same bcrypt work as a known one.
_DUMMY_HASH = bcrypt.hashpw(b"tandem-dummy-password", bcrypt.gensalt(bcrypt_rounds()))


def normalise_username(username: str) -> str:
    # Same normalisation as streamlit-authenticator's controller.
    return (username or "").strip().lower()


def password_problems(password: str) -> Iterator[str]:
    """Readable reasons why ``password`` cannot be used, none when it is fine."""
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        yield t(
            "The password is too long: at most {max} bytes (accented letters and emoji count for 2 to 4).",
            max=MAX_PASSWORD_BYTES,
        )
    if len(password) < MIN_PASSWORD_CHARS:
        yield t("The password is too short: at least {min} characters.", min=MIN_PASSWORD_CHARS)
    if password != password.strip():
        yield t("The password cannot start or end with a space.")


def hash_password(password: str) -> str:
    problems = list(password_problems(password))
    if problems:
        raise InvalidInput(" ".join(problems))
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(bcrypt_rounds())).decode()


def _check(password: str, hashed: str | None) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), (hashed or "").encode())
    except ValueError:  # malformed hash or over-long password: never a match
        return False


def dummy_check(password: str) -> None:
    """The bcrypt work of a real check, for a username that does not exist."""
    _check(password[:MAX_PASSWORD_BYTES], _DUMMY_HASH.decode())


# --------------------------------------------------------------------------- sign-in


@dataclass(frozen=True)
class SignedIn:
    viewer: Viewer
    email: str
    at: dt.datetime


def viewer_of(account: Account, person: Person) -> Viewer:
    return Viewer(
        account_id=account.id,
        person_id=person.id,
        username=account.username,
        name=person.full_name,
        roles=frozenset(r.role for r in account.roles),
        language=account.language,
    )


def _load(s: Session, username: str) -> tuple[Account, Person] | None:
    row = s.execute(
        select(Account, Person)
        .join(Person, Person.id == Account.person_id)
        .where(Account.username == username)
    ).first()
    return (row[0], row[1]) if row else None


def _locked_message(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, int((until - now).total_seconds() + 59) // 60)
    return tn(
        "Too many failed sign-ins: this account is locked. Try again in {n} minute.",
        "Too many failed sign-ins: this account is locked. Try again in {n} minutes.",
        minutes,
    )


def sign_in(sf: sessionmaker[Session], username: str, password: str) -> SignedIn | None:
    """Check a password. ``None`` for a wrong pair; raises :class:`AccountLocked` when locked.

    Unknown usernames, deactivated accounts and wrong passwords all cost one bcrypt
    check, count as failures and return ``None``: nothing tells them apart.
    """
    username = normalise_username(username)
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise InvalidInput(next(password_problems(password)))
    now = clock.now()
    locked_until: dt.datetime | None = None
    with sf.begin() as s:
        throttle = s.get(LoginThrottle, username)
        if throttle and throttle.locked_until and throttle.locked_until > now:
            dummy_check(password)
            audit.record(s, "login_locked", actor_username=username)
            locked_until = throttle.locked_until
        else:
            signed = _verify(s, username, password, throttle, now)
            if signed:
                return signed
            locked_until = _count_failure(s, username, now)
            audit.record(s, "login_failed", actor_username=username)
            if locked_until:
                audit.record(s, "account_locked", actor_username=username, target=username)
    # Raised after the commit, so the failure count and the audit line are kept.
    if locked_until:
        raise AccountLocked(_locked_message(locked_until, now))
    return None


def _verify(
    s: Session, username: str, password: str, throttle: LoginThrottle | None, now: dt.datetime
) -> SignedIn | None:
    found = _load(s, username)
    if not (found and found[0].is_active and found[1].is_active and found[0].password_hash):
        dummy_check(password)
        return None
    account, person = found
    if not _check(password, account.password_hash):
        return None
    if throttle:
        s.delete(throttle)
    account.last_login_at = now
    audit.record(s, "login", actor_account_id=account.id, actor_username=username)
    return SignedIn(viewer_of(account, person), person.email, now)


def _count_failure(s: Session, username: str, now: dt.datetime) -> dt.datetime | None:
    """One atomic increment; the LOCK_AFTER_FAILURES-th failure locks. Returns the lock end."""
    updated = s.execute(
        update(LoginThrottle)
        .where(LoginThrottle.username == username)
        .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
        .returning(LoginThrottle.failures)
    ).scalar()
    if updated is None:
        s.add(LoginThrottle(username=username, failures=1, last_failure_at=now))
        s.flush()
        updated = 1
    if updated >= LOCK_AFTER_FAILURES:
        until = now + dt.timedelta(minutes=LOCK_MINUTES)
        s.execute(
            update(LoginThrottle)
            .where(LoginThrottle.username == username)
            .values(failures=0, locked_until=until)
        )
        return until
    return None


# --------------------------------------------------------------------------- sessions


def is_revoked(issued_at: dt.datetime, revoked_before: dt.datetime | None) -> bool:
    """A session or cookie issued at or before the account's revocation time is void."""
    return revoked_before is not None and issued_at <= revoked_before


def resume_session(
    sf: sessionmaker[Session], username: str, issued_at: dt.datetime
) -> SignedIn | None:
    """The viewer for a session (or cookie) issued at ``issued_at``, or ``None`` if void.

    Void when the account is unknown, deactivated, or its sessions were revoked
    after the session was issued (logout, password change, deactivation).
    """
    with sf.begin() as s:
        found = _load(s, normalise_username(username))
        if not found:
            return None
        account, person = found
        if not (account.is_active and person.is_active):
            return None
        if is_revoked(issued_at, account.sessions_revoked_before):
            return None
        return SignedIn(viewer_of(account, person), person.email, issued_at)


def sign_out(sf: sessionmaker[Session], username: str) -> None:
    """Revoke every session of ``username`` server-side (all tabs, every copied cookie)."""
    now = clock.now()
    with sf.begin() as s:
        found = _load(s, normalise_username(username))
        if not found:
            return
        account = found[0]
        account.sessions_revoked_before = now
        audit.record(s, "logout", actor_account_id=account.id, actor_username=account.username)
