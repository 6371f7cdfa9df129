"""My account: its part of the my-data export (account fields, audit lines) and of the erasure.

Erased, the account can never sign in again: no password hash, sessions revoked,
username replaced (in the audit log too), invitations and sign-in throttles gone.
(Later home: ``core/accounts``, as its ``forget(s, person_id, now)``.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from core.privacy.rows import iso, row, update_rows
from db.models import Account, AuditLog, Invitation, LoginThrottle


def erased_username(account_id: int) -> str:
    """The username an erased account keeps (unique, and says what happened)."""
    return f"erased-{account_id}"


def export(s: Session, person_id: int, account_id: int | None) -> dict[str, Any]:
    """The account's fields (added to the profile) and the audit lines about it."""
    account = s.get(Account, account_id) if account_id else None
    fields: dict[str, Any] = {}
    if account is not None:
        fields = dict(
            username=account.username,
            account_language=account.language,
            roles=sorted(r.role for r in account.roles),
            account_created_at=iso(account.created_at),
            last_login_at=iso(account.last_login_at),
            password_changed_at=iso(account.password_changed_at),
        )
    about_me = [AuditLog.actor_account_id == account_id] if account_id else []
    if account is not None:
        about_me += [
            AuditLog.actor_username == account.username,
            AuditLog.target == account.username,
        ]
    lines = (
        [
            row(line, ("at", "actor_username", "action", "target"))
            for line in s.scalars(
                select(AuditLog).where(or_(*about_me)).order_by(AuditLog.at, AuditLog.id)
            )
        ]
        if about_me
        else []
    )
    return {"account": fields, "audit": lines}


def forget(s: Session, person_id: int, now: dt.datetime) -> None:
    """No way back in, and every open session ends; my old username leaves the log."""
    s.execute(delete(Invitation).where(Invitation.person_id == person_id))
    account = s.scalar(select(Account).where(Account.person_id == person_id))
    if account is None:
        return
    old_username, new_username = account.username, erased_username(account.id)
    account.username = new_username
    account.password_hash = None
    account.is_active = False
    account.sessions_revoked_before = now
    account.last_login_at = None
    s.execute(delete(LoginThrottle).where(LoginThrottle.username == old_username))
    for audit_column in (AuditLog.actor_username, AuditLog.target):
        update_rows(s, AuditLog, audit_column == old_username, **{audit_column.key: new_username})
