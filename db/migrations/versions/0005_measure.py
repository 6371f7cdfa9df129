"""measure: schema changes of the measure capability (issue 5).

Two engineers share this file: each keeps their operations inside their own
marked block, in upgrade() and downgrade() alike.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# --- dashboard (core/metrics.py)
DASHBOARD_INDEXES = (
    ("meeting", "ix_meeting_match_status_when", ["match_id", "status", "scheduled_at"]),
    ("journal_entry", "ix_journal_match_activity", ["match_id", "created_at", "status", "author_id"]),
    ("goal", "ix_goal_programme_activity", ["programme_id", "created_at", "status", "achieved_at", "owner_id"]),
    ("feedback", "ix_feedback_match_activity", ["match_id", "created_at", "recipient_id"]),
    ("feedback_request", "ix_feedback_request_match_activity", ["match_id", "created_at", "requester_id"]),
)
# --- end dashboard


def upgrade() -> None:
    # --- surveys (core/surveys.py): survey.match_id, the match a pairing-fit check is about
    # (batch mode rebuilds `survey` on SQLite: safe because db/migrations/env.py turns foreign
    # keys off for every migration run; with them on, the DROP emptied its child tables)
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.add_column(sa.Column("match_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_survey_match_id"), ["match_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_match_id_match"),
            "match",
            ["match_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # --- end surveys

    # --- dashboard (core/metrics.py): narrow covering indexes for the weekly aggregates,
    # so counting 200 000 journal entries never reads their text (same names in db/models.py)
    for table, name, columns in DASHBOARD_INDEXES:
        op.create_index(name, table, columns, unique=False)
    # --- end dashboard


def downgrade() -> None:
    # --- dashboard (core/metrics.py)
    for table, name, _columns in reversed(DASHBOARD_INDEXES):
        op.drop_index(name, table_name=table)
    # --- end dashboard

    # --- surveys (core/surveys.py)
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_survey_match_id_match"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_survey_match_id"))
        batch_op.drop_column("match_id")
    # --- end surveys
