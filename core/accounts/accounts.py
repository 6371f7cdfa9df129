"""Accounts: what an admin does to them, and what a person changes on their own."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.accounts import auth, invitations
from core.accounts.passwords import hash_password, validate_username
from core.kernel import audit, clock, submissions
from core.kernel.access import ADMIN, Viewer, require_role, validate_roles
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from core.kernel.i18n import LANGUAGES, t
from core.kernel.paging import PAGE_SIZE, Page, clamp_page
from core.kernel.search import contains, name_contains
from core.kernel.text import clean_line
from core.kernel.tx import get_or_404, reading
from core.kernel.zones import check_zone
from db.models import NAME_ORDER, Account, AccountRole, Invitation, Person

EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
RESET_NOTICE_DAYS = 30  # how long Home says that an admin reset one's password


@dataclass(frozen=True)
class AccountRow:
    account_id: int
    username: str
    name: str
    email: str
    department: str | None
    roles: tuple[str, ...]
    is_active: bool
    last_login_at: dt.datetime | None
    locked_until: dt.datetime | None = None  # sign-in locked (from some address) until


def validate_email(email: str) -> str:
    """An e-mail address as stored (trimmed, lower case), or a clear refusal."""
    email = (email or "").strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise InvalidInput(t("“{email}” is not a valid e-mail address.", email=email[:80]))
    return email


def _row(account: Account, person: Person, locked_until: dt.datetime | None = None) -> AccountRow:
    return AccountRow(
        account.id,
        account.username,
        person.full_name,
        person.email,
        person.department,
        tuple(sorted(r.role for r in account.roles)),
        account.is_active,
        account.last_login_at,
        locked_until,
    )


def list_accounts(
    sf: sessionmaker[Session],
    viewer: Viewer,
    query: str = "",
    *,
    page: int = 1,
    limit: int = PAGE_SIZE,
) -> Page[AccountRow]:
    """Accounts matching ``query`` (name, username, e-mail), a page of ``limit`` at a time
    by name (core.kernel.paging). Admins only.

    The fields shown, not whole accounts and people: at company scale building those
    objects (with their roles) took twice the time of the rest."""
    require_role(viewer, ADMIN)
    stmt = select(
        Account.id,
        Account.username,
        Person.full_name,
        Person.email,
        Person.department,
        Account.is_active,
        Account.last_login_at,
    ).join(Person, Person.id == Account.person_id)
    if query.strip():
        stmt = stmt.where(
            or_(
                name_contains(query),
                contains(Account.username, query),
                contains(Person.email, query),
            )
        )
    with reading(sf) as s:
        total = s.scalar(stmt.with_only_columns(func.count())) or 0
        page = clamp_page(page, total, limit)
        rows = (
            s.execute(
                stmt.order_by(*NAME_ORDER, Account.id).limit(limit).offset((page - 1) * limit)
            )
            .tuples()
            .all()
        )
        roles: dict[int, list[str]] = {}
        for account_id, role in s.execute(
            select(AccountRole.account_id, AccountRole.role).where(
                AccountRole.account_id.in_([r[0] for r in rows])
            )
        ).tuples():
            roles.setdefault(account_id, []).append(role)
        locked = auth.lock_state(s, [r[1] for r in rows], clock.now())
    found = tuple(
        AccountRow(
            account_id,
            username,
            name,
            email,
            department,
            tuple(sorted(roles.get(account_id, ()))),
            is_active,
            last_login_at,
            locked.get(username),
        )
        for account_id, username, name, email, department, is_active, last_login_at in rows
    )
    return Page.of(found, total, page, limit)


@dataclass(frozen=True)
class NewAccount:
    """Who a new account is for, as typed; :meth:`checked` is the one validation of every way in."""

    email: str
    full_name: str
    username: str
    password: str | None = None

    def checked(self) -> NewAccount:
        """The same fields as stored (e-mail in lower case, name trimmed), or a clear refusal."""
        email = validate_email(self.email)
        username = validate_username(self.username)
        full_name = clean_line(self.full_name, t("Name"))
        return replace(self, email=email, username=username, full_name=full_name)


def add_account(
    s: Session,
    new: NewAccount,
    *,
    roles: Iterable[str],
    department: str | None = None,
    language: str = "en",
    password_hash: str | None = None,
) -> Account:
    """Create an account (and its person when the e-mail is new) in the caller's transaction;
    ``new`` is already :meth:`NewAccount.checked`."""
    email, username, password = new.email, new.username, new.password
    now = clock.now()
    if s.scalar(select(Account.id).where(Account.username == username)):
        raise Conflict(t("The username “{username}” is already taken.", username=username))
    person = s.scalar(select(Person).where(Person.email == email))
    if person is None:
        person = Person(
            email=email,
            full_name=new.full_name,
            department=department,
            language=language,
            **clock.stamps(now),
        )
        s.add(person)
        s.flush()
    elif s.scalar(select(Account.id).where(Account.person_id == person.id)):
        raise Conflict(t("{email} already has an account.", email=email))
    account = Account(
        person_id=person.id,
        username=username,
        password_hash=password_hash or (hash_password(password) if password else None),
        language=language,
        created_at=now,
        password_changed_at=now,
        roles=[AccountRole(role=r) for r in sorted(validate_roles(roles))],
    )
    s.add(account)
    s.flush()
    return account


def create_account(
    sf: sessionmaker[Session],
    viewer: Viewer,
    new: NewAccount,
    *,
    roles: Sequence[str],
    department: str = "",
    key: str | None = None,
) -> AccountRow:
    """Create an account (and its person when the e-mail is new). Admins only.

    ``key``: the form's submission key — the same form sent twice creates one account
    (the second send reads the first one's, instead of "username taken")."""
    require_role(viewer, ADMIN)
    new = new.checked()
    if not roles:
        raise InvalidInput(t("Choose at least one role."))

    def create(s: Session) -> tuple[AccountRow, int]:
        account = add_account(s, new, roles=roles, department=department.strip() or None)
        audit.by(s, viewer, "account_created", target=new.username, roles=sorted(roles))
        return _row(account, s.get_one(Person, account.person_id)), account.id

    def replay(s: Session, account_id: int) -> AccountRow:
        account = _get_account(s, account_id)
        return _row(account, s.get_one(Person, account.person_id))

    return submissions.once(sf, viewer, key, "account_create", create, replay)


def _get_account(s: Session, account_id: object) -> Account:
    return get_or_404(s, Account, account_id, missing=t("This account no longer exists."))


def set_roles(
    sf: sessionmaker[Session], viewer: Viewer, account_id: int, roles: Sequence[str]
) -> None:
    """Replace an account's roles. An admin cannot remove their own admin role."""
    require_role(viewer, ADMIN)
    new = validate_roles(roles)
    if not new:
        raise InvalidInput(t("Choose at least one role."))
    if account_id == viewer.account_id and ADMIN not in new:
        raise NotAllowed(t("You cannot remove your own admin role; ask another admin."))
    with sf.begin() as s:
        account = _get_account(s, account_id)
        old = sorted(r.role for r in account.roles)
        account.roles = [AccountRole(role=r) for r in sorted(new)]
        audit.by(s, viewer, "roles_changed", target=account.username, before=old, after=sorted(new))


@dataclass(frozen=True)
class ResetLink:
    username: str
    name: str
    link: str  # holds the raw token: shown once to the admin, never stored
    expires_at: dt.datetime


def reset_password(sf: sessionmaker[Session], viewer: Viewer, account_id: int) -> ResetLink:
    """Reset someone's password: a one-time link for them to choose a new one. Admins only.

    The admin never chooses nor sees a password. At once the old password stops
    working and every open session of the account ends; the person's Home says
    that an admin reset their password, and when.
    """
    require_role(viewer, ADMIN)
    if account_id == viewer.account_id:
        raise NotAllowed(t("To change your own password, use My profile."))
    now = clock.now()
    with sf.begin() as s:
        account = _get_account(s, account_id)
        person = s.get_one(Person, account.person_id)
        if not (account.is_active and person.is_active):
            raise InvalidInput(
                t("This account is deactivated: reactivate it before resetting its password.")
            )
        token, expires = invitations.new_link(s, person.id, invitations.RESET, now)
        account.password_hash = None
        account.password_changed_at = now
        account.sessions_revoked_before = now
        audit.by(
            s,
            viewer,
            "password_reset",
            target=account.username,
            expires=expires.isoformat(timespec="minutes"),
        )
        return ResetLink(
            account.username, person.full_name, invitations.invitation_link(token), expires
        )


def lift_lock(sf: sessionmaker[Session], viewer: Viewer, account_id: int) -> int:
    """End the sign-in locks of an account, from every address. Admins only."""
    require_role(viewer, ADMIN)
    with sf.begin() as s:
        account = _get_account(s, account_id)
        lifted = auth.lift_locks(s, account.username, clock.now())
        audit.by(s, viewer, "sign_in_lock_lifted", target=account.username)
        return lifted


def set_active(sf: sessionmaker[Session], viewer: Viewer, account_id: int, active: bool) -> None:
    """Deactivate (sessions end at once) or reactivate an account. Admins only."""
    require_role(viewer, ADMIN)
    if account_id == viewer.account_id and not active:
        raise NotAllowed(t("You cannot deactivate your own account."))
    with sf.begin() as s:
        account = _get_account(s, account_id)
        account.is_active = active
        if not active:
            account.sessions_revoked_before = clock.now()
        audit.by(
            s,
            viewer,
            "account_reactivated" if active else "account_deactivated",
            target=account.username,
        )


# --------------------------------------------------------------------------- own profile


def set_language(sf: sessionmaker[Session], viewer: Viewer, language: str) -> str:
    """Save the viewer's language."""
    if language not in LANGUAGES:
        raise InvalidInput(t("Unknown language."))
    with sf.begin() as s:
        account = _get_account(s, viewer.account_id)
        account.language = language
        s.get_one(Person, viewer.person_id).language = language
        audit.by(s, viewer, "language_changed", language=language)
    return language


def set_time_zone(sf: sessionmaker[Session], viewer: Viewer, zone: str) -> str:
    """Save the viewer's time zone (an IANA name); "" goes back to the browser's."""
    name = check_zone(zone) if zone.strip() else ""
    with sf.begin() as s:
        s.get_one(Person, viewer.person_id).time_zone = name or None
    return name


def my_time_zone(sf: sessionmaker[Session], viewer: Viewer) -> str:
    """The viewer's saved time zone ("" when they follow their browser's)."""
    with reading(sf) as s:
        return s.get_one(Person, viewer.person_id).time_zone or ""


def change_password(
    sf: sessionmaker[Session], viewer: Viewer, current: str, new: str, repeat: str
) -> dt.datetime:
    """Change one's own password; every other session ends. Returns the revocation time."""
    if new != repeat:
        raise InvalidInput(t("The two new passwords differ."))
    if new == current:
        raise InvalidInput(t("The new password must differ from the current one."))
    hashed = hash_password(new)
    with sf.begin() as s:
        old_hash = _get_account(s, viewer.account_id).password_hash
    # bcrypt with no transaction open (on SQLite a transaction holds the write lock).
    if not auth.check_password(current, old_hash):
        raise InvalidInput(t("The current password is incorrect."))
    with sf.begin() as s:
        account = _get_account(s, viewer.account_id)
        if account.password_hash != old_hash:  # changed or reset meanwhile
            raise Conflict(t("Your password was changed meanwhile: sign in again."))
        now = clock.now()
        account.password_hash = hashed
        account.password_changed_at = now
        account.sessions_revoked_before = now
        audit.by(s, viewer, "password_changed")
        return now


def reset_notice(sf: sessionmaker[Session], viewer: Viewer) -> dt.datetime | None:
    """When an admin last reset my password, for Home to say so (until dismissed, 30 days)."""
    since = clock.now() - dt.timedelta(days=RESET_NOTICE_DAYS)
    with reading(sf) as s:
        latest = s.scalars(
            select(Invitation)
            .where(
                Invitation.person_id == viewer.person_id,
                Invitation.purpose == invitations.RESET,
                Invitation.created_at > since,
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
            .limit(1)
        ).first()
        if latest is None or latest.notice_dismissed_at is not None:
            return None
        return latest.created_at


def dismiss_reset_notice(sf: sessionmaker[Session], viewer: Viewer) -> None:
    """Hide the "an admin reset your password" notice on my Home."""
    with sf.begin() as s:
        s.execute(
            update(Invitation)
            .where(
                Invitation.person_id == viewer.person_id,
                Invitation.purpose == invitations.RESET,
                Invitation.notice_dismissed_at.is_(None),
            )
            .values(notice_dismissed_at=clock.now())
        )
