"""A session's ``gait_off`` flag: the person felt their walking or running gait was off
that day (limping, favouring a side, a changed foot strike), so a gait check is due.

The column is NOT NULL with a server default of false: every existing session reads as
"gait felt normal", which is what the older code assumed.

The downgrade drops the column, and with it the flags: the older code has nowhere to keep
them and never read them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # batch mode, as in 0006: SQLite alters a table's columns only by rebuilding it (nothing
    # references sessions, so the rebuild cascades nowhere)
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gait_off", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("gait_off")
