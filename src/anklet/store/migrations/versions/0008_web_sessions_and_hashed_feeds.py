"""Sessions kept on the server, one-time passwords that ask for a new one, hashed feed tokens.

* ``web_sessions``: one row per signed-in browser, named by the SHA-256 of the random token
  its cookie carries. Signing out deletes the row, so a copied cookie stops working. The
  old cookies (account id and ``session_version``) are not read any more: everyone signs in
  once more after the upgrade. ``accounts.session_version`` stays, unread, because dropping
  it would rebuild ``accounts`` on SQLite, and four tables refer to it.
* ``accounts.must_change_password`` (false for every existing account): set when a coach
  gives a one-time password; the person then has to choose their own before anything else.
* ``calendar_feeds.token`` becomes ``token_hash``, the SHA-256 of the token, as API tokens
  are kept. Existing rows are converted, so every calendar address in use keeps working.

The downgrade drops the sessions (everyone signs in again) and the flag, and gives
``calendar_feeds`` its plain ``token`` column back *empty*: a hash cannot be turned back
into the address, so feeds made before the downgrade stop working and need a new address.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _feeds_table(column: str) -> None:
    # calendar_feeds is referred to by nothing, so it is simply made again (SQLite cannot
    # rename a unique constraint in place; this keeps the constraint names right on both)
    op.create_table(
        "calendar_feeds",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(column, sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_calendar_feeds_person_id_people"),
            ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint(column, name=op.f(f"uq_calendar_feeds_{column}")),
    )


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_web_sessions_account_id_accounts"),
            ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
    )
    op.create_index(op.f("ix_web_sessions_account_id"), "web_sessions", ["account_id"])
    op.create_index(op.f("ix_web_sessions_expires_at"), "web_sessions", ["expires_at"])

    # a plain ADD COLUMN with a constant default: no batch rebuild of accounts on SQLite
    # (a rebuild drops the table, and with foreign keys on that would cascade)
    op.add_column("accounts", sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))

    conn = op.get_bind()
    feeds = conn.execute(sa.text(
        "SELECT person_id, token, created_at FROM calendar_feeds")).all()
    op.drop_table("calendar_feeds")
    _feeds_table("token_hash")
    # the time goes back exactly as it was read (text in SQLite, a timestamp in PostgreSQL)
    for pid, token, created in feeds:
        conn.execute(sa.text("INSERT INTO calendar_feeds (person_id, token_hash, created_at) "
                             "VALUES (:pid, :hash, :created)"),
                     {"pid": pid, "hash": hashlib.sha256(token.encode()).hexdigest(),
                      "created": created})


def downgrade() -> None:
    """Undo this revision."""
    op.drop_table("calendar_feeds")  # hashes cannot become addresses again: feeds end
    _feeds_table("token")
    op.drop_column("accounts", "must_change_password")
    op.drop_index(op.f("ix_web_sessions_expires_at"), table_name="web_sessions")
    op.drop_index(op.f("ix_web_sessions_account_id"), table_name="web_sessions")
    op.drop_table("web_sessions")
