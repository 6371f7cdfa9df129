"""name order: lists of people in the order a reader expects.

``person.sort_name``, the full name without case or accents (db.folding), indexed: lists
order by it, then by full name and id. Ordering by ``full_name`` put "Élodie" after "Zoé"
and "de Villiers" after every capital on SQLite (bytes), and on PostgreSQL wherever the
cluster's collation is C. Filled here from every person's name, in batches.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.folding import sort_name

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000


def upgrade() -> None:
    op.add_column("person", sa.Column("sort_name", sa.String(length=200), nullable=True))
    conn = op.get_bind()
    person = sa.table("person", sa.column("id"), sa.column("full_name"), sa.column("sort_name"))
    fill = (
        person.update()
        .where(person.c.id == sa.bindparam("pid"))
        .values(sort_name=sa.bindparam("key"))
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(person.c.id, person.c.full_name)
            .where(person.c.id > last)
            .order_by(person.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        conn.execute(fill, [{"pid": pid, "key": sort_name(name or "")} for pid, name in rows])
        last = rows[-1][0]
    # A SQLite rebuild of person: env.py turns foreign keys off around every migration.
    with op.batch_alter_table("person") as batch:
        batch.alter_column("sort_name", existing_type=sa.String(length=200), nullable=False)
    op.create_index("ix_person_sort_name", "person", ["sort_name"])


def downgrade() -> None:
    op.drop_index("ix_person_sort_name", table_name="person")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("sort_name")
