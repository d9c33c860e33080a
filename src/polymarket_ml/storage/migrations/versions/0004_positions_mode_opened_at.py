"""An index on ``positions (mode, opened_at)``: the API lists the newest positions of a mode on
every dashboard poll, which without it scans and sorts every position ever held.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 02:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.create_index("ix_positions_mode_opened_at", ["mode", "opened_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_index("ix_positions_mode_opened_at")
