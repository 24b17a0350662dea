"""A session sent from a phone is stored once (#18 item 4): ``session_keys``.

A phone that logged a session without a connection sends it when the connection returns,
with an idempotency key it made once for that session (a random UUID). ``session_keys``
keeps each key a person's sessions were sent with: the key (unique per person), a
fingerprint of what was sent (SHA-256 of the form), the session it made (``SET NULL`` if
that session is deleted later: the key still says "already received") and when. A repeat
of the same key answers with the session already stored; the same key with something
else is refused. The downgrade drops the table: sessions stay, only the memory of their
keys goes (a phone's repeat after that would log the session again).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "session_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_session_keys_person_id_people"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"],
                                name=op.f("fk_session_keys_session_id_sessions"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_keys")),
        sa.UniqueConstraint("person_id", "key", name=op.f("uq_session_keys_person_id_key")),
    )
    op.create_index(op.f("ix_session_keys_session_id"), "session_keys", ["session_id"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_session_keys_session_id"), table_name="session_keys")
    op.drop_table("session_keys")
