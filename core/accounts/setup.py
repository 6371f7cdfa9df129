"""First start without demo data: the first admin, created with a one-time code."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.accounts.accounts import NewAccount, add_account
from core.accounts.passwords import hash_password
from core.accounts.sso import enable_passwords
from core.kernel import audit, clock
from core.kernel.access import ADMIN, COORDINATOR
from core.kernel.errors import Conflict, InvalidInput
from core.kernel.i18n import t
from core.kernel.store import transaction_lock
from db.models import AccountRole, SetupCode

# What the first admin (and an admin made on the command line) can do.
FIRST_ROLES = (ADMIN, COORDINATOR)


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def _admin_exists(s: Session) -> bool:
    found = s.scalar(select(AccountRole.account_id).where(AccountRole.role == ADMIN).limit(1))
    return found is not None


def has_admin(sf: sessionmaker[Session]) -> bool:
    """Whether Tandem has an admin (else Home shows the set-up form)."""
    with sf.begin() as s:
        return _admin_exists(s)


# Servers starting together on an empty database: the first prints the code, the others
# point to its log instead of printing a newer code that would void the first one.
SHARED_FOR = dt.timedelta(minutes=10)


def issue_setup_code(sf: sessionmaker[Session]) -> str | None:
    """A fresh one-time code for the server log, or ``None`` when an admin exists or
    another server printed one less than :data:`SHARED_FOR` ago (see :func:`printed_at`)."""
    code = secrets.token_hex(6)
    with sf.begin() as s:
        transaction_lock(s, "setup")
        if _admin_exists(s) or _recent_code(s) is not None:
            return None
        for old in s.scalars(select(SetupCode).where(SetupCode.used_at.is_(None))):
            old.used_at = clock.now()  # only the newest printed code works
        s.add(SetupCode(code_hash=_digest(code), created_at=clock.now()))
    return code


def _recent_code(s: Session) -> dt.datetime | None:
    return s.scalar(
        select(SetupCode.created_at).where(
            SetupCode.used_at.is_(None), SetupCode.created_at > clock.now() - SHARED_FOR
        )
    )


def printed_at(sf: sessionmaker[Session]) -> dt.datetime | None:
    """When the code still valid was printed, if it was recently (by another server)."""
    with sf.begin() as s:
        return None if _admin_exists(s) else _recent_code(s)


def create_first_admin(
    sf: sessionmaker[Session],
    *,
    code: str,
    email: str,
    full_name: str,
    username: str,
    password: str,
) -> None:
    """Create the first admin, given the code from the server log. Works once."""
    new = NewAccount(email, full_name, username).checked()
    hashed = hash_password(password)
    with sf.begin() as s:
        transaction_lock(s, "setup")
        if _admin_exists(s):
            raise Conflict(t("Tandem is already set up: sign in instead."))
        current = s.scalars(select(SetupCode).where(SetupCode.used_at.is_(None))).all()
        if not any(hmac.compare_digest(c.code_hash, _digest(code)) for c in current):
            raise InvalidInput(
                t("This set-up code is not valid. Use the newest code printed in the server log.")
            )
        for c in current:
            c.used_at = clock.now()
        account = add_account(s, new, roles=FIRST_ROLES, password_hash=hashed)
        audit.record(
            s, "first_admin_created", actor_account_id=account.id, actor_username=new.username
        )


def create_admin_cli(
    sf: sessionmaker[Session], *, email: str, full_name: str, username: str, password: str
) -> None:
    """`make admin`: whoever runs a command on the server may create an admin."""
    new = NewAccount(email, full_name, username, password).checked()
    with sf.begin() as s:
        account = add_account(s, new, roles=FIRST_ROLES)
        audit.record(
            s,
            "account_created",
            actor_username="(command line)",
            target=account.username,
            roles=list(FIRST_ROLES),
        )
        enable_passwords(s)  # recovery: local passwords back on if an admin turned them off
