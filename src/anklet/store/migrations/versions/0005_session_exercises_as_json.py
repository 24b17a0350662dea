"""A session's logged exercises kept on the session, as a JSON list, not in a table of their own.

A session's exercises are always written and read with their session and never queried
on their own (as a recorded activity's laps), so a table of their own only added a join:
about four rows a session, the largest read of a batch re-evaluation. Each element is an
object with ``exercise_id`` and ``side`` and, where given, ``sets``, ``reps``,
``seconds``, ``load_kg`` and ``rounds``, in the order they were logged. Their range rules
are the domain's, as for the other JSON columns (the table's CHECK constraints go with it).

The upgrade copies every logged exercise into its session and drops the table; the
downgrade rebuilds the table from the lists.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FIELDS = ("exercise_id", "side", "sets", "reps", "seconds", "load_kg", "rounds")
_CHUNK = 5000

_sessions = sa.table("sessions", sa.column("id", sa.Integer()),
                     sa.column("exercises", sa.JSON()))
_exercises = sa.table(
    "session_exercises", sa.column("session_id", sa.Integer()),
    sa.column("position", sa.Integer()), sa.column("exercise_id", sa.String()),
    sa.column("side", sa.String()), sa.column("sets", sa.Integer()),
    sa.column("reps", sa.Integer()), sa.column("seconds", sa.Integer()),
    sa.column("load_kg", sa.Float()), sa.column("rounds", sa.Integer()))


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("sessions", sa.Column("exercises", sa.JSON(), nullable=False,
                                        server_default=sa.text("'[]'")))
    conn = op.get_bind()
    rows = conn.execute(  # streamed: a database holds millions of these
        sa.select(_exercises.c.session_id, *(_exercises.c[f] for f in _FIELDS))
        .order_by(_exercises.c.session_id, _exercises.c.position)
        .execution_options(yield_per=_CHUNK))
    update = (sa.update(_sessions).where(_sessions.c.id == sa.bindparam("sid"))
              .values(exercises=sa.bindparam("logs", type_=sa.JSON())))
    batch: list[dict[str, Any]] = []
    for sid, logs in groupby(rows, key=itemgetter(0)):
        batch.append({"sid": sid, "logs": [
            {f: v for f, v in zip(_FIELDS, row[1:], strict=True) if v is not None}
            for row in logs]})
        if len(batch) >= _CHUNK:
            conn.execute(update, batch)
            batch = []
    if batch:
        conn.execute(update, batch)
    op.drop_table("session_exercises")


def downgrade() -> None:
    """Undo this revision."""
    op.create_table(
        "session_exercises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise_id", sa.String(length=80), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("load_kg", sa.Float(), nullable=True),
        sa.Column("rounds", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "side IN ('left', 'right', 'both')", name=op.f("ck_session_exercises_side")
        ),
        sa.CheckConstraint(
            "load_kg IS NULL OR (load_kg >= 0 AND load_kg <= 500)",
            name=op.f("ck_session_exercises_load_kg"),
        ),
        sa.CheckConstraint(
            "reps IS NULL OR reps BETWEEN 0 AND 500", name=op.f("ck_session_exercises_reps")
        ),
        sa.CheckConstraint(
            "rounds IS NULL OR rounds BETWEEN 0 AND 50", name=op.f("ck_session_exercises_rounds")
        ),
        sa.CheckConstraint(
            "seconds IS NULL OR seconds BETWEEN 0 AND 7200",
            name=op.f("ck_session_exercises_seconds"),
        ),
        sa.CheckConstraint(
            "sets IS NULL OR sets BETWEEN 0 AND 50", name=op.f("ck_session_exercises_sets")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_exercises_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_exercises")),
        sa.UniqueConstraint(
            "session_id", "position", name=op.f("uq_session_exercises_session_id_position")
        ),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(_sessions.c.id, _sessions.c.exercises)
                        .order_by(_sessions.c.id).execution_options(yield_per=_CHUNK))
    batch: list[dict[str, Any]] = []
    for sid, logs in rows:
        for position, log in enumerate(logs or []):
            batch.append({"session_id": sid, "position": position,
                          **{f: log.get(f) for f in _FIELDS}})
        if len(batch) >= _CHUNK:
            conn.execute(sa.insert(_exercises), batch)
            batch = []
    if batch:
        conn.execute(sa.insert(_exercises), batch)
    # Not in batch mode: on SQLite that copies ``sessions`` into a new table and drops the
    # old one, and with foreign keys on the drop deletes every row just rebuilt above
    # (ON DELETE CASCADE). SQLite drops a column in place since 3.35 (Python 3.11 has 3.37+
    # on every supported platform).
    op.drop_column("sessions", "exercises")
