"""Questionnaire responses (CAIT, FAAM, readiness check): the answers, not just totals.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "questionnaire_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("instrument", sa.String(length=20), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.CheckConstraint("side IS NULL OR side IN ('left', 'right')",
                           name=op.f("ck_questionnaire_responses_side")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_questionnaire_responses_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_responses")),
    )
    op.create_index(
        op.f("ix_questionnaire_responses_person_id_date"),
        "questionnaire_responses",
        ["person_id", "date"],
        unique=False,
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index(op.f("ix_questionnaire_responses_person_id_date"),
                  table_name="questionnaire_responses")
    op.drop_table("questionnaire_responses")
