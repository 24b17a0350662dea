"""Reminders a person chooses (#17 items 4 and 7).

``reminders``: one row per account and kind of reminder (the day's plan, the next-morning
pain question, a coach's weekly summary): whether it is on, on which weekdays (``days``,
Monday = 0, e.g. "01234"), at what local time (``at``, "HH:MM") in which IANA time zone.
``reminder_links``: links sent in reminder emails (stop this kind of reminder; record the
morning pain), only the SHA-256 of each link's token, as ``mail_tokens`` keeps them. The
downgrade drops both: nobody is reminded any more and the links stop working.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("days", sa.String(length=7), nullable=False),
        sa.Column("at", sa.String(length=5), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('day_plan', 'morning_pain', 'weekly_summary')",
                           name=op.f("ck_reminders_kind")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_reminders_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("account_id", "kind", name=op.f("uq_reminders_account_id_kind")),
    )
    op.create_table(
        "reminder_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("purpose IN ('stop', 'pain')", name=op.f("ck_reminder_links_purpose")),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_reminder_links_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_reminder_links_token_hash")),
    )
    op.create_index(op.f("ix_reminder_links_account_id"), "reminder_links", ["account_id"])
    op.create_index(op.f("ix_reminder_links_expires_at"), "reminder_links", ["expires_at"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_reminder_links_expires_at"), table_name="reminder_links")
    op.drop_index(op.f("ix_reminder_links_account_id"), table_name="reminder_links")
    op.drop_table("reminder_links")
    op.drop_table("reminders")
