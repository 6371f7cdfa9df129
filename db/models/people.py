"""People, their accounts and sign-in records, the audit log, submissions and settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from db.folding import sort_name
from db.models.base import Base, _fk


def _sort_name_of_insert(context: DefaultExecutionContext) -> str:
    """A Core insert without a sort name (the importer's executemany) gets it here."""
    return sort_name(context.get_current_parameters()["full_name"])


class Person(Base):
    """An employee, imported or created by hand. Accounts sign in; people exist without one."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # The folded full name lists order by (db.folding): kept by ``_keep_sort_name`` on every
    # ORM write and by the insert default; a Core UPDATE of full_name sets it too.
    sort_name: Mapped[str] = mapped_column(String(200), default=_sort_name_of_insert, index=True)
    department: Mapped[str | None] = mapped_column(String(120), index=True)
    level: Mapped[str | None] = mapped_column(String(60))
    job_title: Mapped[str | None] = mapped_column(String(160))
    manager_id: Mapped[int | None] = _fk("person.id", nullable=True, ondelete="SET NULL")
    location: Mapped[str | None] = mapped_column(String(120))
    hire_date: Mapped[dt.date | None] = mapped_column(Date)
    leave_date: Mapped[dt.date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(8), default="en")
    time_zone: Mapped[str | None] = mapped_column(String(64))  # IANA name; None: the browser's
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    directory_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    erased_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    account: Mapped[Account | None] = relationship(back_populates="person", uselist=False)

    @validates("full_name")
    def _keep_sort_name(self, _key: str, value: str) -> str:
        self.sort_name = sort_name(value)
        return value


# How every list of people is ordered in SQL (then by an id, for ties): the folded name, so
# "Élodie" comes among the Es on SQLite and under PostgreSQL's C collation too.
NAME_ORDER = (Person.sort_name, Person.full_name)


class Account(Base):
    """A way to sign in. One per person at most."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    # Server-side revocation: any session or cookie issued at or before this is void.
    sessions_revoked_before: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    person: Mapped[Person] = relationship(back_populates="account")
    roles: Mapped[list[AccountRole]] = relationship(
        back_populates="account", cascade="all, delete-orphan", lazy="selectin"
    )


class AccountRole(Base):
    __tablename__ = "account_role"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    account: Mapped[Account] = relationship(back_populates="roles")


class LoginThrottle(Base):
    """Sign-in attempts per typed username (known or not, so a lock reveals nothing).

    One row per (username, source address) and one row per username for every
    address together (``source`` = ``"*"``): see core/accounts/auth.py for the limits.
    """

    __tablename__ = "login_throttle"
    username: Mapped[str] = mapped_column(String(120), primary_key=True)
    source: Mapped[str] = mapped_column(String(64), primary_key=True, server_default="*")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The last successful sign-in from this address: it is then exempt from the
    # all-addresses limit, so a stranger cannot keep the account's owner out.
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Invitation(Base):
    """A single-use link to set a password; only the SHA-256 of the token is kept.

    ``purpose``: "account" (an invitation: create one's account) or "reset" (an admin
    reset the password of an existing account: choose a new one).
    """

    __tablename__ = "invitation"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = _fk("person.id")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20), default="account", server_default="account")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Set when a newer invitation for the same person replaces this one.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # A reset: when its owner dismissed the "an admin reset your password" notice.
    notice_dismissed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SetupCode(Base):
    """One-time code printed in the server log to create the first admin (demo off)."""

    __tablename__ = "setup_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditLog(Base):
    __tablename__ = "audit_log"
    # The admin's filter by action (core.kernel.audit.read_log): that action's lines in the
    # period, newest first, counted and paged from the index alone.
    __table_args__ = (Index("ix_audit_log_action_at", "action", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor_account_id: Mapped[int | None] = _fk("account.id", nullable=True, ondelete="SET NULL")
    actor_username: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class PeopleImport(Base):
    """An applied people import that deactivated people: what "undo this import" reverses."""

    __tablename__ = "people_import"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    by_account_id: Mapped[int | None] = _fk("account.id", nullable=True, ondelete="SET NULL")
    filename: Mapped[str] = mapped_column(String(200))
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    undone_by_account_id: Mapped[int | None] = _fk("account.id", nullable=True, ondelete="SET NULL")


class ImportDeactivation(Base):
    """A person that import deactivated, and whether it also deactivated their account."""

    __tablename__ = "import_deactivation"
    import_id: Mapped[int] = mapped_column(
        ForeignKey("people_import.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    account_id: Mapped[int | None] = _fk("account.id", nullable=True, ondelete="SET NULL")


class Submission(Base):
    """A create form, sent once: the key drawn with the form names what it created.

    A replayed or concurrent second send of the same form finds this row (the
    unique constraint makes the second insert wait, then fail) and returns the
    first result instead of creating another (issue 8 §6, core/kernel/submissions.py).
    """

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("account_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(30))  # what was created: goal, journal_entry …
    result_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Setting(Base):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class KeptPart(Base):
    """A part of the dashboard as a server built it, for every server to take while the
    tables it reads keep ``versions`` (core.insights.shared_parts): aggregates, no private
    text; sealed, so that only a server holding the signing key can have written it."""

    __tablename__ = "kept_part"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of part and slot
    versions: Mapped[str] = mapped_column(Text)  # the table versions it was built at
    built_at: Mapped[dt.datetime] = mapped_column(DateTime)
    seal: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256 of key, versions, payload
    payload: Mapped[bytes] = mapped_column(LargeBinary)  # zlib of the pickled part
