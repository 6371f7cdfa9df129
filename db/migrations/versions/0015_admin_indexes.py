"""admin indexes: what the Accounts and Audit pages read, without reading whole tables (issue 10).

``ix_notification_errors``: a partial index on ``next_attempt_at`` of the notifications with
an error, which the Accounts page's e-mail section lists newest first (ten of them); before
it, SQLite and PostgreSQL read every notification ever queued to find them.

``ix_audit_log_action_at`` (action, at) replaces ``ix_audit_log_action``: the Audit page's
filter by action counts and pages that action's lines in the period from the index alone
(before: every line of the action in the whole log, then a sort).

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WITH_ERROR = sa.text("last_error IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_notification_errors",
        "notification",
        ["next_attempt_at"],
        sqlite_where=WITH_ERROR,
        postgresql_where=WITH_ERROR,
    )
    op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"])
    op.drop_index("ix_audit_log_action", table_name="audit_log")


def downgrade() -> None:
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    op.drop_index("ix_audit_log_action_at", table_name="audit_log")
    op.drop_index("ix_notification_errors", table_name="notification")
