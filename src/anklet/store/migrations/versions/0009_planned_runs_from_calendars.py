"""Planned runs remember the calendar event they came from.

``planned_runs.calendar`` (the calendar's name) and ``planned_runs.event`` (the event's UID,
with the date an occurrence of a repeating event recurs on) let a calendar imported again
update, move or remove its runs instead of adding them a second time. Runs already stored
get NULL in both: they were imported before, or entered by hand, and are left as they are.

The downgrade drops the two columns (the runs stay, a later import adds new ones).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("planned_runs") as batch:
        batch.add_column(sa.Column("calendar", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("event", sa.String(length=300), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("planned_runs") as batch:
        batch.drop_column("event")
        batch.drop_column("calendar")
