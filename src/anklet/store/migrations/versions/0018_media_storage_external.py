"""A coach's video is stored uncompressed on PostgreSQL, so a piece of it reads only that piece.

A file is sent 256 KiB at a time, each piece read with ``substr`` on ``exercise_media.data``.
PostgreSQL reads just the asked-for slice of an out-of-line ``bytea`` only when the value is
stored uncompressed; a compressed one is read and decompressed whole for every piece. Video
and photo bytes are already compressed, so PostgreSQL keeps most of them uncompressed anyway,
but not all: ``SET STORAGE EXTERNAL`` makes it certain for every value written from now on
(out of line, never compressed). Nothing changes on SQLite, which reads a slice with its
incremental blob I/O. The downgrade puts back PostgreSQL's default (``EXTENDED``).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _storage(mode: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE exercise_media ALTER COLUMN data SET STORAGE {mode}")


def upgrade() -> None:
    """Apply this revision."""
    _storage("EXTERNAL")


def downgrade() -> None:
    """Revert this revision."""
    _storage("EXTENDED")
