"""time_zones: a person's time zone (issue 11).

One new nullable column, ``person.time_zone`` (an IANA name such as Europe/Paris); empty
means the zone the browser reports. Times stay stored in UTC.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("person", sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    # A SQLite rebuild of person: env.py turns foreign keys off around every migration, so
    # the tables cascading from person keep their rows (the round-trip test checks it).
    with op.batch_alter_table("person") as batch:
        batch.drop_column("time_zone")
