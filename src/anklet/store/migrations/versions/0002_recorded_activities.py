"""Recorded activities imported from watch and app files (FIT, GPX, TCX).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "recorded_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("utc_offset_min", sa.Integer(), nullable=True),
        sa.Column("sport", sa.String(length=10), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("laps", sa.JSON(), nullable=False),
        sa.Column("cadence_spm", sa.Float(), nullable=True),
        sa.Column("cadence_sd", sa.Float(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.CheckConstraint("source IN ('fit', 'gpx', 'tcx')",
                           name=op.f("ck_recorded_activities_source")),
        sa.CheckConstraint("sport IN ('run', 'walk', 'ride', 'other')",
                           name=op.f("ck_recorded_activities_sport")),
        sa.CheckConstraint("cadence_spm IS NULL OR (cadence_spm > 0 AND cadence_spm <= 300)",
                           name=op.f("ck_recorded_activities_cadence_spm")),
        sa.CheckConstraint("distance_m IS NULL OR distance_m >= 0",
                           name=op.f("ck_recorded_activities_distance_m")),
        sa.CheckConstraint("duration_s > 0", name=op.f("ck_recorded_activities_duration_s")),
        sa.CheckConstraint("utc_offset_min IS NULL OR utc_offset_min BETWEEN -960 AND 960",
                           name=op.f("ck_recorded_activities_utc_offset_min")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_recorded_activities_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recorded_activities")),
        sa.UniqueConstraint("person_id", "content_hash",
                            name=op.f("uq_recorded_activities_person_id_content_hash")),
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_table("recorded_activities")
