"""import_undo: an import's deactivations can be undone for 30 days (issue 11).

Two new tables: ``people_import``, one line per applied import that deactivated people
(when, by whom, the file's name, when it was undone), and ``import_deactivation``, the
people it deactivated and the account it deactivated with them.

Revision ID: 0012
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _account_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        ["account.id"],
        name=op.f(f"fk_{table}_{column}_account"),
        ondelete="SET NULL",
    )


def upgrade() -> None:
    op.create_table(
        "people_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by_account_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by_account_id", sa.Integer(), nullable=True),
        _account_fk("people_import", "by_account_id"),
        _account_fk("people_import", "undone_by_account_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people_import")),
    )
    for column in ("at", "by_account_id", "undone_by_account_id"):
        op.create_index(op.f(f"ix_people_import_{column}"), "people_import", [column])
    op.create_table(
        "import_deactivation",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        _account_fk("import_deactivation", "account_id"),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["people_import.id"],
            name=op.f("fk_import_deactivation_import_id_people_import"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_import_deactivation_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "person_id", name=op.f("pk_import_deactivation")),
    )
    for column in ("account_id", "person_id"):
        op.create_index(op.f(f"ix_import_deactivation_{column}"), "import_deactivation", [column])


def downgrade() -> None:
    # Both tables are new in this revision: no table that exists at 0008 loses a row.
    op.drop_table("import_deactivation")
    op.drop_table("people_import")
