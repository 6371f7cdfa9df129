"""offer order index: a skill's offers read newest enrolment first, from the index alone.

``ix_enrolment_skill_skill_id_kind_enrolment_id`` (skill_id, kind, enrolment_id) replaces
``ix_enrolment_skill_skill_id_kind`` (skill_id, kind), which it still serves (the skills
page's counts, the foreign key). The directory asks, for each skill, whether someone listed
offers it, looking from the newest enrolment (an open programme's); on SQLite the old index
gave the offers in row order, sorted again for each skill (company: 42 → 2 ms).

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW, OLD = "ix_enrolment_skill_skill_id_kind_enrolment_id", "ix_enrolment_skill_skill_id_kind"


def upgrade() -> None:
    op.create_index(NEW, "enrolment_skill", ["skill_id", "kind", "enrolment_id"])
    op.drop_index(OLD, table_name="enrolment_skill")


def downgrade() -> None:
    op.create_index(OLD, "enrolment_skill", ["skill_id", "kind"])
    op.drop_index(NEW, table_name="enrolment_skill")
