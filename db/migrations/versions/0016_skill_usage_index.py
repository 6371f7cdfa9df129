"""skill usage index: the skills page counts who offers and wants each skill from an index.

``ix_enrolment_skill_skill_id_kind`` (skill_id, kind) replaces ``ix_enrolment_skill_skill_id``
(it still serves the foreign key): each count of a skill's offers or wants reads that range
of the index alone, not every enrolment row of the skill (the company's shared skills, 53 387
rows: 23 → 3 ms on SQLite).

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_enrolment_skill_skill_id_kind", "enrolment_skill", ["skill_id", "kind"])
    op.drop_index("ix_enrolment_skill_skill_id", table_name="enrolment_skill")


def downgrade() -> None:
    op.create_index("ix_enrolment_skill_skill_id", "enrolment_skill", ["skill_id"])
    op.drop_index("ix_enrolment_skill_skill_id_kind", table_name="enrolment_skill")
