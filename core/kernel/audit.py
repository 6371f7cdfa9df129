"""The audit log: who did what, when. Only admins read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock
from core.kernel.access import Viewer, require_role
from core.kernel.i18n import N_
from core.kernel.search import contains
from core.kernel.tx import reading
from db.models import AuditLog

# Every action written to the log, with its label for the admin's filter.
ACTIONS: dict[str, str] = {
    "login": N_("Signed in"),
    "login_failed": N_("Failed sign-in"),
    "login_sso": N_("Signed in via SSO"),
    "login_sso_refused": N_("SSO sign-in refused"),
    "passwords_enabled": N_("Local passwords turned on"),
    "passwords_disabled": N_("Local passwords turned off"),
    "login_locked": N_("Sign-in refused: locked"),
    "account_locked": N_("Account locked after failed sign-ins"),
    "logout": N_("Signed out"),
    "notification_unsubscribed": N_("Unsubscribed from an e-mail by its link"),
    "notification_test_sent": N_("Test e-mail sent"),
    "session_revoked": N_("Session refused: revoked"),
    "account_created": N_("Account created"),
    "roles_changed": N_("Roles changed"),
    "password_reset": N_("Password reset by an admin"),
    "password_set_with_link": N_("New password chosen with a reset link"),
    "sign_in_lock_lifted": N_("Sign-in lock lifted by an admin"),
    "password_changed": N_("Password changed"),
    "account_deactivated": N_("Account deactivated"),
    "account_reactivated": N_("Account reactivated"),
    "first_admin_created": N_("First admin created"),
    "language_changed": N_("Language changed"),
    "people_imported": N_("People imported"),
    "people_import_undone": N_("People import undone"),
    "chat_link_set": N_("Directory chat link set"),
    "match_left_on_withdrawal": N_("Match left on withdrawal"),
    "match_ended_by_coordinator": N_("Match ended by a coordinator"),
    "invitations_issued": N_("Invitation links created"),
    "invitation_accepted": N_("Invitation accepted: account created"),
    "skill_added": N_("Skill added"),
    "skill_renamed": N_("Skill renamed"),
    "skill_merged": N_("Skills merged"),
    "skill_deleted": N_("Skill deleted"),
    "survey_created": N_("Survey created"),
    "survey_deleted": N_("Survey deleted"),
    "pairing_ended_poor_fit": N_("Pairing ended after a poor fit"),
    "match_ended": N_("Relationship ended by a member"),
    "match_paused": N_("Relationship paused by a member"),
    "match_resumed": N_("Relationship resumed"),
    "concern_raised": N_("Concern raised to the coordinator"),
    "concern_handled": N_("Concern marked handled"),
    "data_exported": N_("Personal data downloaded"),
    "data_erased": N_("Personal data erased"),
    "programme_created": N_("Programme created"),
    "programme_updated": N_("Programme changed"),
    "programme_status_changed": N_("Programme state changed"),
    "programme_duplicated": N_("Programme duplicated as the next cycle"),
    "announcement_published": N_("Announcement published"),
    "announcement_unpublished": N_("Announcement unpublished"),
    "matching_run": N_("Matching computed"),
    "match_edited": N_("Suggestion changed by hand"),
    "matches_published": N_("Matches published"),
    "match_accepted": N_("Match accepted"),
    "match_declined": N_("Match declined"),
    "do_not_pair_added": N_("Do-not-pair entry added"),
    "do_not_pair_removed": N_("Do-not-pair entry removed"),
    "retention_changed": N_("Retention of private text changed"),
    "private_text_erased": N_("Private text erased after the retention period"),
}


def record(
    s: Session,
    action: str,
    *,
    actor_account_id: int | None = None,
    actor_username: str | None = None,
    target: str | None = None,
    **detail: Any,
) -> None:
    """Add one line to the audit log in the caller's transaction (never commits)."""
    s.add(
        AuditLog(
            at=clock.now(),
            actor_account_id=actor_account_id,
            actor_username=actor_username,
            action=action,
            target=target,
            detail=detail,
        )
    )


def by(
    s: Session, viewer: Viewer, action: str, *, target: str | None = None, **detail: Any
) -> None:
    """Record ``action`` done by ``viewer`` (the usual case: a signed-in person acted)."""
    record(
        s,
        action,
        actor_account_id=viewer.account_id,
        actor_username=viewer.username,
        target=target,
        **detail,
    )


@dataclass(frozen=True)
class AuditLine:
    at: dt.datetime
    actor: str | None
    action: str
    target: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class AuditPage:
    lines: Sequence[AuditLine]
    total: int


def read_log(
    sf: sessionmaker[Session],
    viewer: Viewer,
    *,
    actions: Sequence[str] = (),
    actor: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 200,
    offset: int = 0,
) -> AuditPage:
    """The audit log, newest first, filtered. Admins only."""
    require_role(viewer, "admin")
    query = select(AuditLog)
    if actions:
        query = query.where(AuditLog.action.in_(list(actions)))
    if actor.strip():
        query = query.where(
            contains(AuditLog.actor_username, actor) | contains(AuditLog.target, actor)
        )
    if since:
        query = query.where(AuditLog.at >= dt.datetime.combine(since, dt.time.min))
    if until:
        query = query.where(
            AuditLog.at < dt.datetime.combine(until, dt.time.min) + dt.timedelta(days=1)
        )
    with reading(sf) as s:
        total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = s.scalars(
            query.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit).offset(offset)
        ).all()
        return AuditPage(
            lines=[
                AuditLine(r.at, r.actor_username, r.action, r.target, dict(r.detail or {}))
                for r in rows
            ],
            total=total,
        )
