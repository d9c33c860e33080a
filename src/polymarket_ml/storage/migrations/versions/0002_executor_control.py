"""Executor control state: the drawdown latch and the time of the last resume.

``executor_state.entries_paused`` keeps a drawdown breach latched across restarts until a person
resumes; ``executor_state.resumed_at`` tells a running executor that a person resumed (it then
resets its peak equity to its current equity).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import polymarket_ml.storage.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("executor_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("entries_paused", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column(
                "resumed_at",
                polymarket_ml.storage.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("executor_state", schema=None) as batch_op:
        batch_op.drop_column("resumed_at")
        batch_op.drop_column("entries_paused")
