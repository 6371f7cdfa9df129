"""kept parts: the dashboard's parts as one server built them, for every server.

``kept_part`` holds each part of the dashboard (core.insights.table_cache) under the
versions of the tables it read, sealed with the servers' signing key: a server that starts,
or a second server behind the same proxy, takes a part another built while those tables
keep their versions instead of counting the programme's rows again (company: a cold
dashboard read every reflection, goal and meeting of its programme).

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kept_part",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("versions", sa.Text(), nullable=False),
        sa.Column("built_at", sa.DateTime(), nullable=False),
        sa.Column("seal", sa.String(64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_kept_part")),
    )


def downgrade() -> None:
    op.drop_table("kept_part")
