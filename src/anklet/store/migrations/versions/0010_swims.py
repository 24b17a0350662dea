"""Swims are stored as swims.

``recorded_activities.sport`` accepts ``swim`` beside run, walk, ride and other: a pool or
open-water swim from a watch file or a Strava export was stored as "other" (and shown as
"sport not named"). Activities stored before keep their sport: what was imported as "other"
cannot be told apart any more (the file's own word was only in the import's report); a
swim imported again is a duplicate of its file and stays as it is.

The downgrade stores swims as "other" again (the gait rules read both the same: neither is
a run) and puts the older constraint back.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = "ck_recorded_activities_sport"


def _sports(allowed: str) -> None:
    # batch mode: SQLite changes a CHECK constraint only by rebuilding the table
    with op.batch_alter_table("recorded_activities", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(_NAME), type_="check")
        batch_op.create_check_constraint(op.f(_NAME), f"sport IN {allowed}")


def upgrade() -> None:
    """Apply this revision."""
    _sports("('run', 'walk', 'ride', 'swim', 'other')")


def downgrade() -> None:
    """Revert this revision."""
    op.execute(sa.text("UPDATE recorded_activities SET sport = 'other' WHERE sport = 'swim'"))
    _sports("('run', 'walk', 'ride', 'other')")
