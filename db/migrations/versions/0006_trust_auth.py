"""trust_auth: authority and sign-in (issue 8 §3 and §5).

* ``login_throttle`` counts sign-in attempts per (username, source address) as well
  as per username for every address together (``source`` = "*"), and remembers the
  last successful sign-in from an address. Existing rows (one per username) become
  the all-addresses rows; a downgrade keeps those and drops the per-address ones.
* ``invitation.purpose``: "account" (an invitation, as before) or "reset" (an admin
  reset someone's password: a one-time link to choose a new one), and
  ``invitation.notice_dismissed_at`` for the "an admin reset your password" notice.

Only tables without children are rebuilt (SQLite batch mode), so no ``ON DELETE
CASCADE`` can empty another table while a table is copied.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALL_SOURCES = "*"


def upgrade() -> None:
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=64), server_default=ALL_SOURCES, nullable=False)
        )
        batch_op.add_column(sa.Column("last_success_at", sa.DateTime(), nullable=True))
        batch_op.drop_constraint(batch_op.f("pk_login_throttle"), type_="primary")
        batch_op.create_primary_key(batch_op.f("pk_login_throttle"), ["username", "source"])

    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("purpose", sa.String(length=20), server_default="account", nullable=False)
        )
        batch_op.add_column(sa.Column("notice_dismissed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # The rows stay, reset links included: before 0006 such a link is an invitation for
    # someone who already has an account, which that code refuses with a clear message.
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_column("notice_dismissed_at")
        batch_op.drop_column("purpose")

    # Before 0006 a username had one row: keep each username's all-addresses row (what
    # 0005 counted), after giving a username seen only per address such a row.
    op.execute(
        sa.text(
            "INSERT INTO login_throttle (username, source, failures, locked_until, last_failure_at)"
            " SELECT username, :all, MAX(failures), MAX(locked_until), MAX(last_failure_at)"
            " FROM login_throttle WHERE username NOT IN"
            " (SELECT username FROM login_throttle WHERE source = :all) GROUP BY username"
        ).bindparams(all=ALL_SOURCES)
    )
    op.execute(
        sa.text("DELETE FROM login_throttle WHERE source <> :all").bindparams(all=ALL_SOURCES)
    )
    with op.batch_alter_table("login_throttle", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("pk_login_throttle"), type_="primary")
        batch_op.create_primary_key(batch_op.f("pk_login_throttle"), ["username"])
        batch_op.drop_column("last_success_at")
        batch_op.drop_column("source")
