"""Messages between a coach and a client, and a coach's comments on logged sessions.

``messages``: one thread per person; each message keeps its author's role and name (the
thread reads the same after an account is deleted, or in an imported history), and a comment
names the session it is about (``session_id``; a deleted session leaves the comment as a
plain message). ``message_reads``: how far each account has read each thread, for the
unread counts. Deleting a person deletes both. The downgrade drops them with every message.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_role", sa.String(length=6), nullable=False),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("author_role IN ('coach', 'client')",
                           name=op.f("ck_messages_author_role")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_messages_person_id_people"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["accounts.id"],
                                name=op.f("fk_messages_author_id_accounts"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"],
                                name=op.f("fk_messages_session_id_sessions"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index(op.f("ix_messages_person_id_id"), "messages", ["person_id", "id"])
    op.create_index(op.f("ix_messages_session_id"), "messages", ["session_id"])
    op.create_table(
        "message_reads",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("last_read_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_message_reads_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_message_reads_person_id_people"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", "person_id", name=op.f("pk_message_reads")),
    )
    op.create_index(op.f("ix_message_reads_person_id"), "message_reads", ["person_id"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_message_reads_person_id"), table_name="message_reads")
    op.drop_table("message_reads")
    op.drop_index(op.f("ix_messages_session_id"), table_name="messages")
    op.drop_index(op.f("ix_messages_person_id_id"), table_name="messages")
    op.drop_table("messages")
