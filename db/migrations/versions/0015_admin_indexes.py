"""admin indexes: the outbox's latest SMTP errors without reading the whole outbox (issue 10).

``ix_notification_errors``: a partial index on ``next_attempt_at`` of the notifications with
an error, which the Accounts page's e-mail section lists newest first (ten of them); before
it, SQLite and PostgreSQL read every notification ever queued to find them.

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


def downgrade() -> None:
    op.drop_index("ix_notification_errors", table_name="notification")
