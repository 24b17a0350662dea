"""The intake's profile (age, sex, falls in the last 12 months, fear of falling, main goal)
and the kind of each screening: a full ``screen`` or a symptoms-only ``check_in``.

Every new intake column is nullable (not given); the ranges repeat the domain's rules as
CHECK constraints, except the goal type, a list that may grow (like measurement kinds).
Existing screenings become screens (the server default).

The downgrade deletes the check-ins: the older code reads every row as a screen, and a
check-in (no red-flag answers) would then read as "no red flags", clearing a referral.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INTAKE_CHECKS = {
    "age": "age IS NULL OR age BETWEEN 5 AND 110",
    "sex": "sex IS NULL OR sex IN ('female', 'male')",
    "falls_12m": "falls_12m IS NULL OR falls_12m BETWEEN 0 AND 100",
    "fear_of_falling": "fear_of_falling IS NULL OR fear_of_falling BETWEEN 0 AND 10",
}


def upgrade() -> None:
    """Apply this revision."""
    # batch mode: SQLite adds a CHECK constraint only by rebuilding the table (nothing
    # references intakes or screenings, so the rebuild cascades nowhere)
    with op.batch_alter_table("intakes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("age", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sex", sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column("falls_12m", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("fear_of_falling", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("goal_type", sa.String(length=40), nullable=True))
        for name, rule in _INTAKE_CHECKS.items():
            batch_op.create_check_constraint(op.f(f"ck_intakes_{name}"), rule)

    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=10), nullable=False,
                                      server_default=sa.text("'screen'")))
        batch_op.create_check_constraint(op.f("ck_screenings_kind"),
                                         "kind IN ('screen', 'check_in')")


def downgrade() -> None:
    """Undo this revision."""
    op.execute(sa.text("DELETE FROM screenings WHERE kind = 'check_in'"))
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_screenings_kind"), type_="check")
        batch_op.drop_column("kind")

    with op.batch_alter_table("intakes", schema=None) as batch_op:
        for name in reversed(_INTAKE_CHECKS):
            batch_op.drop_constraint(op.f(f"ck_intakes_{name}"), type_="check")
        batch_op.drop_column("goal_type")
        batch_op.drop_column("fear_of_falling")
        batch_op.drop_column("falls_12m")
        batch_op.drop_column("sex")
        batch_op.drop_column("age")
