"""A coach's own photos, short videos and links for library exercises.

``exercise_media``: one row per item, owned by the coach (or self-coached) account that
added it (deleting the account deletes them); a photo or video keeps its bytes in ``data``,
a link its ``url``. The downgrade drops the table with every item in it.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "exercise_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("content_type", sa.String(length=40), nullable=True),
        sa.Column("filename", sa.String(length=120), nullable=True),
        sa.Column("size", sa.Integer(), server_default="0", nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('photo', 'video', 'link')",
                           name=op.f("ck_exercise_media_kind")),
        sa.CheckConstraint("(kind = 'link' AND url IS NOT NULL AND data IS NULL) OR "
                           "(kind <> 'link' AND url IS NULL AND data IS NOT NULL)",
                           name=op.f("ck_exercise_media_content")),
        sa.ForeignKeyConstraint(["owner_id"], ["accounts.id"],
                                name=op.f("fk_exercise_media_owner_id_accounts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exercise_media")),
    )
    op.create_index(op.f("ix_exercise_media_owner_id_exercise_id"), "exercise_media",
                    ["owner_id", "exercise_id"])


def downgrade() -> None:
    """Revert this revision (every coach's media goes with the table)."""
    op.drop_index(op.f("ix_exercise_media_owner_id_exercise_id"), table_name="exercise_media")
    op.drop_table("exercise_media")
