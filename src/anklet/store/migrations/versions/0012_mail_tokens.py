"""Email: links sent by email (password resets, invitations, confirmations) and alerts.

``mail_tokens`` keeps the SHA-256 of each link's token (never the token), what it is for,
when it expires and when it was used (each link works once). ``accounts.email_confirmed``:
a self sign-up made while email works confirms its address first; every account already
there counts as confirmed. ``accounts.alert_emails``: a coach's choice to be emailed
alerts (on by default). ``outbox``: emails waiting to be sent, queued in the transaction
that caused them. The downgrade drops them all: links not yet used stop working,
unconfirmed accounts can sign in, and alerts not yet sent are not sent.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "mail_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("purpose IN ('reset', 'invite', 'confirm')",
                           name=op.f("ck_mail_tokens_purpose")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_mail_tokens_account_id_accounts"),
            ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_mail_tokens_token_hash")),
    )
    op.create_index(op.f("ix_mail_tokens_account_id"), "mail_tokens", ["account_id"])
    # a plain ADD COLUMN with a constant default: no batch rebuild of accounts on SQLite
    op.add_column("accounts", sa.Column("email_confirmed", sa.Boolean(), nullable=False,
                                        server_default=sa.true()))
    op.add_column("accounts", sa.Column("alert_emails", sa.Boolean(), nullable=False,
                                        server_default=sa.true()))
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_outbox_account_id_accounts"),
            ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_key")),
    )
    op.create_index(op.f("ix_outbox_account_id"), "outbox", ["account_id"])
    op.create_index(op.f("ix_outbox_created_at"), "outbox", ["created_at"])


def downgrade() -> None:
    """Revert this revision."""
    # a plain DROP COLUMN (SQLite 3.35+), as 0008's downgrade: a batch rebuild of accounts
    # would drop the table, and with foreign keys on that cascades
    op.drop_index(op.f("ix_outbox_created_at"), table_name="outbox")
    op.drop_index(op.f("ix_outbox_account_id"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_column("accounts", "alert_emails")
    op.drop_column("accounts", "email_confirmed")
    op.drop_index(op.f("ix_mail_tokens_account_id"), table_name="mail_tokens")
    op.drop_table("mail_tokens")
