"""Invitations: a single-use link with which an imported person creates their account.

The same mechanism (purpose "reset") carries an admin's password reset: a link with
which the person chooses a new password for their existing account.

The token is 256 random bits (``secrets.token_urlsafe(32)``); only its SHA-256 is
stored, so the database never holds a usable link: a SHA-256 of a high-entropy
token is safe without bcrypt, and issuing 10 000 links takes no time. The links
exist once, in what :func:`issue_invitations` returns (the coordinator downloads
them as CSV). Issuing again replaces a person's older unused links.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import ColumnElement, exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.accounts.passwords import new_password_hash, validate_username
from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, PARTICIPANT, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from core.kernel.i18n import N_, format_date, t
from db.models import NAME_ORDER, Account, AccountRole, Invitation, Person

INVITATION_DAYS = 14
RESET_DAYS = 3  # a reset link works for 3 days
ACCOUNT, RESET = "account", "reset"  # Invitation.purpose
DEFAULT_BASE_URL = "http://localhost:8501"
# Who to invite, besides a list of person ids.
ALL_WITHOUT_ACCOUNT = "all without account"  # replaces links already sent
NOT_YET_INVITED = "not yet invited"  # no account and no valid invitation
_CHUNK = 1000
_MAX_TOKEN_CHARS = 200
T = TypeVar("T")


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def base_url() -> str:
    """Where people open Tandem: TANDEM_BASE_URL, default http://localhost:8501."""
    url = (os.environ.get("TANDEM_BASE_URL") or "").strip() or DEFAULT_BASE_URL
    return url.rstrip("/")


def invitation_link(token: str) -> str:
    """The link a person opens to use ``token``."""
    return f"{base_url()}/invite?token={token}"


def token_from(text: str) -> str:
    """The token in what a person pasted: the whole link or only the code."""
    text = (text or "").strip()
    if "token=" in text:
        values = parse_qs(urlsplit(text).query).get("token") or [""]
        text = values[0].strip()
    return text


def invitation_state(invitation: Invitation, now: dt.datetime) -> str:
    """pending | used | replaced | expired."""
    if invitation.used_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "replaced"
    if invitation.expires_at <= now:
        return "expired"
    return "pending"


def valid_at(now: dt.datetime) -> ColumnElement[bool]:
    """The rule "this link still works at ``now``", as a condition on Invitation rows."""
    return (
        Invitation.used_at.is_(None)
        & Invitation.revoked_at.is_(None)
        & (Invitation.expires_at > now)
    )


# --------------------------------------------------------------------------- issuing


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """``items`` by runs of :data:`_CHUNK` (one statement each, under the drivers' limits)."""
    return (items[start : start + _CHUNK] for start in range(0, len(items), _CHUNK))


@dataclass(frozen=True)
class IssuedInvitation:
    person_id: int
    name: str
    email: str
    department: str | None
    link: str  # holds the raw token: shown once, never stored
    expires_at: dt.datetime


def issue_invitations(
    sf: sessionmaker[Session],
    viewer: Viewer,
    people: Sequence[int] | str = NOT_YET_INVITED,
    *,
    days: int = INVITATION_DAYS,
) -> list[IssuedInvitation]:
    """New invitation links for active people without an account, in one transaction.

    ``people`` is a list of person ids, :data:`NOT_YET_INVITED` or
    :data:`ALL_WITHOUT_ACCOUNT`. People who have an account or are deactivated are
    left out. Their older unused links stop working.
    """
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        return issue(s, viewer, people, days=days)


def issue(
    s: Session,
    viewer: Viewer,
    people: Sequence[int] | str = NOT_YET_INVITED,
    *,
    days: int = INVITATION_DAYS,
) -> list[IssuedInvitation]:
    """:func:`issue_invitations` in the caller's transaction (never commits)."""
    require_role(viewer, COORDINATOR)
    now = clock.now()
    expires = now + dt.timedelta(days=days)
    stmt = (
        select(Person.id, Person.full_name, Person.email, Person.department)
        .where(Person.is_active.is_(True), Person.erased_at.is_(None))
        .where(~exists().where(Account.person_id == Person.id))
        .order_by(*NAME_ORDER, Person.id)
    )
    if isinstance(people, str):
        if people == NOT_YET_INVITED:
            stmt = stmt.where(~exists().where(Invitation.person_id == Person.id, valid_at(now)))
        elif people != ALL_WITHOUT_ACCOUNT:
            raise InvalidInput(t("Choose whom to invite."))
    elif not people:
        raise InvalidInput(t("Choose whom to invite."))
    if isinstance(people, str):
        targets = s.execute(stmt).all()
    else:
        ids = sorted(set(people))
        targets = [r for c in _chunks(ids) for r in s.execute(stmt.where(Person.id.in_(c)))]
    if not targets:
        return []
    target_ids = [r.id for r in targets]
    for chunk in _chunks(target_ids):
        _revoke_unused(s, now, Invitation.person_id.in_(chunk), Invitation.purpose == ACCOUNT)
    issued, rows = [], []
    for r in targets:
        token, row = _new_row(r.id, ACCOUNT, now, expires)
        rows.append(row)
        issued.append(
            IssuedInvitation(
                r.id, r.full_name, r.email, r.department, invitation_link(token), expires
            )
        )
    for chunk in _chunks(rows):
        s.execute(insert(Invitation), chunk)
    audit.by(
        s,
        viewer,
        "invitations_issued",
        target=issued[0].email if len(issued) == 1 else None,
        count=len(issued),
        expires=expires.date().isoformat(),
    )
    return issued


def new_link(
    s: Session, person_id: int, purpose: str, now: dt.datetime, days: int = RESET_DAYS
) -> tuple[str, dt.datetime]:
    """A new one-time link for one person (their older unused ones of that purpose stop).

    Returns the raw token (only its SHA-256 is stored) and when it expires.
    """
    expires = now + dt.timedelta(days=days)
    _revoke_unused(s, now, Invitation.person_id == person_id, Invitation.purpose == purpose)
    token, row = _new_row(person_id, purpose, now, expires)
    s.add(Invitation(**row))
    s.flush()
    return token, expires


def _new_row(
    person_id: int, purpose: str, now: dt.datetime, expires: dt.datetime
) -> tuple[str, dict[str, Any]]:
    """A fresh random token and the Invitation row that stores only its digest."""
    token = secrets.token_urlsafe(32)
    row = {
        "person_id": person_id,
        "token_hash": digest(token),
        "purpose": purpose,
        "created_at": now,
        "expires_at": expires,
    }
    return token, row


def _revoke_unused(s: Session, now: dt.datetime, *where: ColumnElement[bool]) -> None:
    """Stop the unused links that match ``where`` (a newer link replaces them)."""
    s.execute(
        update(Invitation)
        .where(*where, Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
        .values(revoked_at=now)
    )


# --------------------------------------------------------------------------- accepting


@dataclass(frozen=True)
class InvitationInfo:
    name: str
    expires_at: dt.datetime
    purpose: str = ACCOUNT  # account: create an account; reset: choose a new password
    username: str | None = None  # a reset: the account whose password is chosen


@dataclass(frozen=True)
class Accepted:
    username: str
    name: str


# What a spent link says (used, replaced, expired), by purpose: an invitation, or an
# admin's password reset.
_SPENT: dict[str, tuple[str, str, str]] = {
    ACCOUNT: (
        N_(
            "This invitation link was already used. Sign in with the username you chose; if you forgot your password, ask an admin to reset it."
        ),
        N_(
            "This invitation link was replaced by a newer one. Use the most recent link you received."
        ),
        N_("This invitation link expired on {date}. Ask your coordinator for a new one."),
    ),
    RESET: (
        N_(
            "This password-reset link was already used. Sign in with your new password, or ask an admin for a new link."
        ),
        N_(
            "This password-reset link was replaced by a newer one. Use the most recent link an admin gave you."
        ),
        N_("This password-reset link expired on {date}. Ask an admin for a new one."),
    ),
}


def _find(
    s: Session, token: str, now: dt.datetime, purpose: str | None = ACCOUNT
) -> tuple[Invitation, Person]:
    """The link behind ``token`` if it can still be used; otherwise a clear refusal.

    ``purpose`` None accepts either kind (the page asks first, then acts on its kind).
    """
    token = token_from(token)
    invitation = None
    if token and len(token) <= _MAX_TOKEN_CHARS:
        invitation = s.scalar(select(Invitation).where(Invitation.token_hash == digest(token)))
    if invitation is not None and purpose is not None and invitation.purpose != purpose:
        invitation = None
    if invitation is None:
        raise InvalidInput(
            t(
                "This invitation link is not valid. Check that you copied the whole link, or ask your coordinator for a new one."
            )
        )
    person = s.get_one(Person, invitation.person_id)
    account = s.scalar(select(Account).where(Account.person_id == person.id))
    state = invitation_state(invitation, now)
    used, replaced, expired = _SPENT[invitation.purpose]
    if state == "used":
        raise Conflict(t(used))
    if invitation.purpose == ACCOUNT and account is not None:
        raise Conflict(
            t(
                "You already have an account: sign in with it. If you forgot your password, ask an admin to reset it."
            )
        )
    if state == "replaced":
        raise InvalidInput(t(replaced))
    if state == "expired":
        raise InvalidInput(t(expired, date=format_date(invitation.expires_at)))
    if invitation.purpose == RESET:
        if account is None or not account.is_active or not person.is_active:
            raise NotAllowed(
                t("This account is deactivated, so this link cannot be used. Ask an admin.")
            )
    elif not person.is_active or person.erased_at is not None:
        raise NotAllowed(
            t(
                "Your profile is deactivated, so this invitation cannot be used. Ask your coordinator."
            )
        )
    return invitation, person


def _mark_used(s: Session, invitation: Invitation, now: dt.datetime, used_message: str) -> None:
    # Conditional update: of two submits racing, only one marks the link used.
    marked = s.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=now)
    )
    if marked.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(used_message)


def check_invitation(sf: sessionmaker[Session], token: str) -> InvitationInfo:
    """Whose link this is (an invitation or a password reset), before they choose a
    password; refuses unusable links."""
    with sf.begin() as s:
        invitation, person = _find(s, token, clock.now(), purpose=None)
        username = None
        if invitation.purpose == RESET:
            username = s.scalar(select(Account.username).where(Account.person_id == person.id))
        return InvitationInfo(person.full_name, invitation.expires_at, invitation.purpose, username)


def accept_invitation(
    sf: sessionmaker[Session], token: str, username: str, password: str, repeat: str
) -> Accepted:
    """Create the invited person's account (participant) with the password they chose."""
    username = validate_username(username)
    # Hashed before the transaction: bcrypt is slow on purpose.
    hashed = new_password_hash(password, repeat, t("The two passwords differ."))
    now = clock.now()
    try:
        with sf.begin() as s:
            invitation, person = _find(s, token, now)
            if s.scalar(select(Account.id).where(Account.username == username)):
                raise Conflict(t("The username “{username}” is already taken.", username=username))
            _mark_used(s, invitation, now, t("This invitation link was already used."))
            _revoke_unused(
                s, now, Invitation.person_id == person.id, Invitation.id != invitation.id
            )
            account = Account(
                person_id=person.id,
                username=username,
                password_hash=hashed,
                language=person.language,
                created_at=now,
                password_changed_at=now,
                roles=[AccountRole(role=PARTICIPANT)],
            )
            s.add(account)
            s.flush()
            audit.record(
                s,
                "invitation_accepted",
                actor_account_id=account.id,
                actor_username=username,
                target=person.email,
            )
            return Accepted(username, person.full_name)
    except IntegrityError as e:  # the username or the account was created meanwhile
        raise Conflict(t("The username “{username}” is already taken.", username=username)) from e


def accept_reset(sf: sessionmaker[Session], token: str, password: str, repeat: str) -> Accepted:
    """Choose a new password with the one-time link an admin's reset produced."""
    # Hashed before the transaction: bcrypt is slow on purpose.
    hashed = new_password_hash(password, repeat, t("The two passwords differ."))
    now = clock.now()
    with sf.begin() as s:
        invitation, person = _find(s, token, now, purpose=RESET)
        _mark_used(s, invitation, now, t("This password-reset link was already used."))
        account = s.scalars(select(Account).where(Account.person_id == person.id)).one()
        account.password_hash = hashed
        account.password_changed_at = now
        audit.record(
            s,
            "password_set_with_link",
            actor_account_id=account.id,
            actor_username=account.username,
        )
        return Accepted(account.username, person.full_name)
