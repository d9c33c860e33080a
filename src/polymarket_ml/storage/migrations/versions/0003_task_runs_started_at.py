"""An index on ``task_runs.started_at``: task activity and ``/metrics`` read runs by time window.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 20:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task_runs", schema=None) as batch_op:
        batch_op.create_index("ix_task_runs_started_at", ["started_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_task_runs_started_at")
