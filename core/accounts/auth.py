"""Passwords, sign-in with throttling, and server-side session revocation.

The rules the UI's streamlit-authenticator wrappers rely on (see
shared/notes/auth-hardening.md): attempts counted in the database for every typed
username, known or not; the same bcrypt work and message for an unknown username;
passwords over 72 bytes refused clearly; any session issued at or before
``sessions_revoked_before`` is void.

Throttling (issue 8): an attempt is *reserved* before bcrypt runs, with one atomic
upsert per counter (``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on PostgreSQL and
SQLite alike), so that however many attempts arrive at once, at most the allowed
number of guesses is ever checked. Two counters:

* per (username, source address): :data:`PER_ADDRESS`, 5 failures lock that pair
  for 15 minutes — what a person mistyping meets;
* per username, every address together: :data:`ALL_ADDRESSES`, slower (30 failures
  in an hour lock for an hour) against guessing from many addresses. It does not
  apply to an address that signed in to this account successfully in the last
  :data:`TRUSTED_DAYS` days, so a stranger cannot keep the account's owner out.

The password is checked with no transaction open: a short transaction reserves the
attempt and reads the hash, bcrypt runs, a short transaction records the outcome
(on SQLite every transaction holds the write lock, so bcrypt inside one would stall
everybody else's saves).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import bcrypt
from sqlalchemy import and_, case, func, not_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from core.accounts.passwords import (
    MAX_PASSWORD_BYTES,
    bcrypt_rounds,
    normalise_username,
    password_problems,
)
from core.accounts.passwords import hash_password as hash_password  # read from here too
from core.accounts.passwords import validate_username as validate_username
from core.kernel import audit, clock
from core.kernel.access import Viewer
from core.kernel.errors import AccountLocked, InvalidInput, NotAllowed
from core.kernel.i18n import t, tn
from core.kernel.text import stored_username
from core.kernel.tx import reading
from db.models import Account, LoginThrottle, Person, Setting

MAX_SOURCE_CHARS = 64
ALL_SOURCES = "*"  # the throttle row that counts every address together
UNKNOWN_SOURCE = "unknown"  # no address (local connection, some proxies, AppTest)


@dataclass(frozen=True)
class Limit:
    """``failures`` within ``minutes`` lock for ``minutes``."""

    failures: int
    minutes: int

    @property
    def window(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.minutes)


PER_ADDRESS = Limit(failures=5, minutes=15)
ALL_ADDRESSES = Limit(failures=30, minutes=60)
LIMITS = {"address": PER_ADDRESS, "all_addresses": ALL_ADDRESSES}
TRUSTED_DAYS = 30
# Kept for readers of the old names (README, tests): the per-address limit.
LOCK_AFTER_FAILURES = PER_ADDRESS.failures
LOCK_MINUTES = PER_ADDRESS.minutes


PASSWORDS_SETTING = "passwords_enabled"  # "0": an admin turned local passwords off (sso.py)


def passwords_enabled(s: Session) -> bool:
    row = s.get(Setting, PASSWORDS_SETTING)
    return row is None or row.value != "0"


# Built at import (server start), with the same cost as real hashes, so that an
# unknown username costs the same bcrypt work as a known one.
_DUMMY_HASH = bcrypt.hashpw(b"tandem-dummy-password", bcrypt.gensalt(bcrypt_rounds()))


def _check(password: str, hashed: str | None) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), (hashed or "").encode())
    except ValueError:  # malformed hash or over-long password: never a match
        return False


def dummy_check(password: str) -> None:
    """The bcrypt work of a real check, for a username that does not exist."""
    _check(password[:MAX_PASSWORD_BYTES], _DUMMY_HASH.decode())


def check_password(password: str, hashed: str | None) -> bool:
    """One bcrypt check, the dummy one when there is no hash. Never inside a transaction."""
    if not hashed:
        dummy_check(password)
        return False
    return _check(password, hashed)


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


def source_key(address: str | None) -> str:
    """The throttle's name for a client address; ``None`` (no address known) is one address."""
    address = address.strip() if isinstance(address, str) else ""
    return address[:MAX_SOURCE_CHARS] if address else UNKNOWN_SOURCE


@dataclass(frozen=True)
class _Count:
    failures: int  # this attempt included
    locked_until: dt.datetime | None
    last_success_at: dt.datetime | None


def _count_attempt(
    s: Session, username: str, source: str, limit: Limit, now: dt.datetime
) -> _Count:
    """Reserve one attempt on a counter: one atomic statement, whatever runs at the same time.

    The count restarts when the last lock is over or the last failure is older than the
    window; the attempt that reaches ``limit.failures`` sets the lock (and may still be
    checked); any attempt beyond it is refused until the lock ends.
    """
    c = LoginThrottle.__table__.c
    until = now + limit.window
    locked = and_(c.locked_until.is_not(None), c.locked_until > now)
    restart = and_(
        not_(locked),
        or_(
            c.locked_until.is_not(None),  # a lock that is over
            c.last_failure_at.is_(None),
            c.last_failure_at <= now - limit.window,
        ),
    )
    failures = case((restart, 1), else_=c.failures + 1)
    insert = postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(LoginThrottle)
        .values(
            username=username,
            source=source,
            failures=1,
            last_failure_at=now,
            locked_until=until if limit.failures <= 1 else None,
        )
        .on_conflict_do_update(
            index_elements=[c.username, c.source],
            set_={
                "failures": failures,
                "last_failure_at": now,
                "locked_until": case(
                    (locked, c.locked_until), (failures >= limit.failures, until), else_=None
                ),
            },
        )
        .returning(c.failures, c.locked_until, c.last_success_at)
    )
    row = s.execute(stmt).one()
    return _Count(row.failures, row.locked_until, row.last_success_at)


@dataclass(frozen=True)
class _Attempt:
    refused_until: dt.datetime | None  # set: refused without checking the password
    counted_everywhere: bool  # the all-addresses counter was reserved too
    locks: tuple[str, ...]  # the counters this attempt locks if it fails


def _reserve(s: Session, username: str, source: str, now: dt.datetime) -> _Attempt:
    mine = _count_attempt(s, username, source, PER_ADDRESS, now)
    if mine.failures > PER_ADDRESS.failures:
        return _Attempt(mine.locked_until or now + PER_ADDRESS.window, False, ())
    locks = ("address",) if mine.failures == PER_ADDRESS.failures else ()
    trusted = (
        source != UNKNOWN_SOURCE
        and mine.last_success_at is not None
        and mine.last_success_at > now - dt.timedelta(days=TRUSTED_DAYS)
    )
    if trusted:
        return _Attempt(None, False, locks)
    every = _count_attempt(s, username, ALL_SOURCES, ALL_ADDRESSES, now)
    if every.failures > ALL_ADDRESSES.failures:
        return _Attempt(every.locked_until or now + ALL_ADDRESSES.window, True, ())
    if every.failures == ALL_ADDRESSES.failures:
        locks = (*locks, "all_addresses")
    return _Attempt(None, True, locks)


def _record_success(
    s: Session, username: str, source: str, attempt: _Attempt, now: dt.datetime
) -> None:
    """Forgive this address its failures and trust it; hand back the all-addresses reservation."""
    c = LoginThrottle.__table__.c
    s.execute(
        update(LoginThrottle)
        .where(c.username == username, c.source == source)
        .values(failures=0, locked_until=None, last_success_at=now)
    )
    if attempt.counted_everywhere:
        left = case((c.failures > 0, c.failures - 1), else_=0)
        s.execute(
            update(LoginThrottle)
            .where(c.username == username, c.source == ALL_SOURCES)
            .values(
                failures=left,
                locked_until=case((left < ALL_ADDRESSES.failures, None), else_=c.locked_until),
            )
        )


@dataclass(frozen=True)
class _Candidate:
    account_id: int
    password_hash: str


def sign_in(
    sf: sessionmaker[Session], username: str, password: str, source: str | None = None
) -> SignedIn | None:
    """Check a password. ``None`` for a wrong pair; raises :class:`AccountLocked` when locked.

    ``source`` is the client's address (``st.context.ip_address``; ``None`` when
    unknown). Unknown usernames, deactivated accounts and wrong passwords all cost one
    bcrypt check, count as failures and return ``None``: nothing tells them apart.
    """
    # Capped and cleaned as the throttle and audit columns can hold it, whatever was typed.
    typed = stored_username(normalise_username(username))
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise InvalidInput(next(password_problems(password)))
    where = source_key(source)
    now = clock.now()
    with sf.begin() as s:
        if not passwords_enabled(s):
            raise NotAllowed(t("Password sign-in is turned off here: sign in with single sign-on."))
    candidate: _Candidate | None = None
    # 1. Reserve the attempt and read the hash: a short transaction.
    with sf.begin() as s:
        attempt = _reserve(s, typed, where, now)
        if attempt.refused_until:
            audit.record(s, "login_locked", actor_username=typed, source=where)
        else:
            found = _load(s, typed)
            if found and found[0].is_active and found[1].is_active and found[0].password_hash:
                candidate = _Candidate(found[0].id, found[0].password_hash)
    if attempt.refused_until:
        # No bcrypt at all: a locked username costs nothing, known or not.
        raise AccountLocked(_locked_message(attempt.refused_until, now))
    # 2. bcrypt, with no transaction open.
    matched = check_password(password, candidate.password_hash if candidate else None)
    # 3. Record the outcome: a short transaction.
    with sf.begin() as s:
        if matched and candidate:
            account = s.get(Account, candidate.account_id)
            person = s.get(Person, account.person_id) if account else None
            # Changed meanwhile (deactivated, password reset or changed): not this password.
            if (
                account
                and person
                and account.is_active
                and person.is_active
                and account.password_hash == candidate.password_hash
            ):
                _record_success(s, typed, where, attempt, now)
                account.last_login_at = now
                audit.record(s, "login", actor_account_id=account.id, actor_username=typed)
                return SignedIn(viewer_of(account, person), person.email, now)
        audit.record(s, "login_failed", actor_username=typed, source=where)
        if attempt.locks:
            audit.record(
                s,
                "account_locked",
                actor_username=typed,
                target=typed,
                source=where,
                scope=list(attempt.locks),
            )
    if attempt.locks:  # this failure locked: say so now rather than at the next attempt
        window = max(LIMITS[scope].window for scope in attempt.locks)
        raise AccountLocked(_locked_message(now + window, now))
    return None


def lock_state(s: Session, usernames: list[str], now: dt.datetime) -> dict[str, dt.datetime]:
    """The end of the latest sign-in lock of each of ``usernames`` that is locked anywhere."""
    c = LoginThrottle.__table__.c
    locked: dict[str, dt.datetime] = {}
    for name, until in s.execute(
        select(c.username, c.locked_until).where(c.username.in_(usernames), c.locked_until > now)
    ):
        locked[name] = max(until, locked.get(name, until))
    return locked


def lift_locks(s: Session, username: str, now: dt.datetime) -> int:
    """End every sign-in lock of ``username`` (every address); returns how many were on."""
    c = LoginThrottle.__table__.c
    on = s.scalar(select(func.count()).where(c.username == username, c.locked_until > now))
    s.execute(
        update(LoginThrottle)
        .where(c.username == username, or_(c.locked_until.is_not(None), c.failures > 0))
        .values(failures=0, locked_until=None)
    )
    return int(on or 0)


# --------------------------------------------------------------------------- sessions


def is_revoked(issued_at: dt.datetime, revoked_before: dt.datetime | None) -> bool:
    """A session or cookie issued at or before the account's revocation time is void."""
    return revoked_before is not None and issued_at <= revoked_before


def resume_session(
    sf: sessionmaker[Session], username: str, issued_at: dt.datetime
) -> SignedIn | None:
    """The viewer for a session (or cookie) issued at ``issued_at``, or ``None`` if void.

    Void when the account is unknown, deactivated, or its sessions were revoked
    after the session was issued (logout, password change, deactivation). Read without
    the write lock: every page load asks, and waits for no one's write.
    """
    with reading(sf) as s:
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
