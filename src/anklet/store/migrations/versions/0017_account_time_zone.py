"""Each account keeps its person's time zone: ``accounts.time_zone``.

"Today" on the web pages and in the API is the day in the zone of the person the page is
about (or of whoever is signed in), not the server's day: at 23:30 in New York a server on
UTC is already on tomorrow. The column holds an IANA name (``Europe/Berlin``), at most 64
characters; NULL means not known yet (an account from before this revision, or a browser
that ran no script), and the server's date is used then, as before. The browser fills it in
at the next sign-in; the account page changes it. The downgrade drops the column (only the
zones go).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # a plain ADD COLUMN: no batch rebuild of accounts on SQLite (a rebuild drops the table,
    # and with foreign keys on that would cascade to the tables that refer to it)
    op.add_column("accounts", sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    op.drop_column("accounts", "time_zone")  # SQLite 3.35+ drops a column in place
