"""A coach's changes to one client's plan.

``plan_changes`` holds each swap, removal, addition or pinned dose a coach made for one
person, with the day it applies from, when it was made, who made it and why. Ending a
change keeps its row (``active`` false and the day in ``ended``), so the person's history
still shows it. Nothing is stored yet, so the upgrade only creates the table; the downgrade
drops it (and with it any changes made since).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "plan_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("exercise", sa.String(length=80), nullable=False),
        sa.Column("replacement", sa.String(length=80), nullable=True),
        sa.Column("sets", sa.Integer(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=254), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("ended", sa.Date(), nullable=True),
        sa.CheckConstraint("kind IN ('swap', 'remove', 'add', 'pin')",
                           name=op.f("ck_plan_changes_kind")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_plan_changes_person_id_people"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_changes")),
    )
    with op.batch_alter_table("plan_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_changes_person_id_date"),
                              ["person_id", "date"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("plan_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_changes_person_id_date"))
    op.drop_table("plan_changes")
