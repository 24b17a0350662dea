"""Initial schema: people and every kind of record about them, and current decisions.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created", sa.Date(), nullable=True),
        sa.Column("dominant_side", sa.String(length=5), nullable=True),
        sa.CheckConstraint(
            "dominant_side IS NULL OR dominant_side IN ('left', 'right')",
            name=op.f("ck_people_dominant_side"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("key", name=op.f("uq_people_key")),
    )
    op.create_table(
        "availability",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("mon", sa.Integer(), nullable=False),
        sa.Column("tue", sa.Integer(), nullable=False),
        sa.Column("wed", sa.Integer(), nullable=False),
        sa.Column("thu", sa.Integer(), nullable=False),
        sa.Column("fri", sa.Integer(), nullable=False),
        sa.Column("sat", sa.Integer(), nullable=False),
        sa.Column("sun", sa.Integer(), nullable=False),
        sa.CheckConstraint("fri BETWEEN 0 AND 240", name=op.f("ck_availability_fri")),
        sa.CheckConstraint("mon BETWEEN 0 AND 240", name=op.f("ck_availability_mon")),
        sa.CheckConstraint("sat BETWEEN 0 AND 240", name=op.f("ck_availability_sat")),
        sa.CheckConstraint("sun BETWEEN 0 AND 240", name=op.f("ck_availability_sun")),
        sa.CheckConstraint("thu BETWEEN 0 AND 240", name=op.f("ck_availability_thu")),
        sa.CheckConstraint("tue BETWEEN 0 AND 240", name=op.f("ck_availability_tue")),
        sa.CheckConstraint("wed BETWEEN 0 AND 240", name=op.f("ck_availability_wed")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_availability_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_availability")),
    )
    op.create_table(
        "decisions",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("clear_to_train", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.CheckConstraint("stage IS NULL OR stage >= 0", name=op.f("ck_decisions_stage")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_decisions_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_decisions")),
    )
    op.create_table(
        "foot_observations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("posture", sa.String(length=20), nullable=False),
        sa.Column("arch", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint("side IN ('left', 'right')", name=op.f("ck_foot_observations_side")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_foot_observations_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foot_observations")),
    )
    op.create_index(
        op.f("ix_foot_observations_person_id"), "foot_observations", ["person_id"], unique=False
    )
    op.create_table(
        "intakes",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.Column("left_sprains", sa.Integer(), nullable=False),
        sa.Column("left_last_sprain", sa.Date(), nullable=True),
        sa.Column("left_surgery", sa.Boolean(), nullable=False),
        sa.Column("left_surgery_date", sa.Date(), nullable=True),
        sa.Column("right_sprains", sa.Integer(), nullable=False),
        sa.Column("right_last_sprain", sa.Date(), nullable=True),
        sa.Column("right_surgery", sa.Boolean(), nullable=False),
        sa.Column("right_surgery_date", sa.Date(), nullable=True),
        sa.CheckConstraint("left_sprains BETWEEN 0 AND 100", name=op.f("ck_intakes_left_sprains")),
        sa.CheckConstraint(
            "right_sprains BETWEEN 0 AND 100", name=op.f("ck_intakes_right_sprains")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_intakes_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_intakes")),
    )
    op.create_table(
        "measurements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=True),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.Column("leg_length_cm", sa.Float(), nullable=True),
        sa.Column("rater", sa.String(length=80), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint("side IN ('left', 'right')", name=op.f("ck_measurements_side")),
        sa.CheckConstraint(
            "pain IS NULL OR pain BETWEEN 0 AND 10", name=op.f("ck_measurements_pain")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_measurements_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measurements")),
    )
    op.create_index(
        op.f("ix_measurements_person_id_kind_date"),
        "measurements",
        ["person_id", "kind", "date"],
        unique=False,
    )
    op.create_table(
        "planned_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "minutes IS NULL OR minutes BETWEEN 1 AND 1440", name=op.f("ck_planned_runs_minutes")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_planned_runs_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_runs")),
    )
    op.create_index(op.f("ix_planned_runs_person_id"), "planned_runs", ["person_id"], unique=False)
    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("left_pain_rest", sa.Integer(), nullable=False),
        sa.Column("left_pain_activity", sa.Integer(), nullable=False),
        sa.Column("left_swelling", sa.Boolean(), nullable=False),
        sa.Column("left_giving_way", sa.Boolean(), nullable=False),
        sa.Column("right_pain_rest", sa.Integer(), nullable=False),
        sa.Column("right_pain_activity", sa.Integer(), nullable=False),
        sa.Column("right_swelling", sa.Boolean(), nullable=False),
        sa.Column("right_giving_way", sa.Boolean(), nullable=False),
        sa.Column("red_flags", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "left_pain_activity BETWEEN 0 AND 10", name=op.f("ck_screenings_left_pain_activity")
        ),
        sa.CheckConstraint(
            "left_pain_rest BETWEEN 0 AND 10", name=op.f("ck_screenings_left_pain_rest")
        ),
        sa.CheckConstraint(
            "right_pain_activity BETWEEN 0 AND 10", name=op.f("ck_screenings_right_pain_activity")
        ),
        sa.CheckConstraint(
            "right_pain_rest BETWEEN 0 AND 10", name=op.f("ck_screenings_right_pain_rest")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_screenings_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screenings")),
    )
    op.create_index(op.f("ix_screenings_person_id"), "screenings", ["person_id"], unique=False)
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("rpe", sa.Integer(), nullable=True),
        sa.Column("pain_before", sa.Integer(), nullable=True),
        sa.Column("pain_during", sa.Integer(), nullable=False),
        sa.Column("pain_next_morning", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "pain_before IS NULL OR pain_before BETWEEN 0 AND 10",
            name=op.f("ck_sessions_pain_before"),
        ),
        sa.CheckConstraint("pain_during BETWEEN 0 AND 10", name=op.f("ck_sessions_pain_during")),
        sa.CheckConstraint(
            "pain_next_morning IS NULL OR pain_next_morning BETWEEN 0 AND 10",
            name=op.f("ck_sessions_pain_next_morning"),
        ),
        sa.CheckConstraint("rpe IS NULL OR rpe BETWEEN 0 AND 10", name=op.f("ck_sessions_rpe")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_sessions_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
    )
    op.create_index(op.f("ix_sessions_person_id"), "sessions", ["person_id"], unique=False)
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


def downgrade() -> None:
    """Undo this revision."""
    op.drop_table("session_exercises")
    op.drop_index(op.f("ix_sessions_person_id"), table_name="sessions")
    op.drop_table("sessions")
    op.drop_index(op.f("ix_screenings_person_id"), table_name="screenings")
    op.drop_table("screenings")
    op.drop_index(op.f("ix_planned_runs_person_id"), table_name="planned_runs")
    op.drop_table("planned_runs")
    op.drop_index(op.f("ix_measurements_person_id_kind_date"), table_name="measurements")
    op.drop_table("measurements")
    op.drop_table("intakes")
    op.drop_index(op.f("ix_foot_observations_person_id"), table_name="foot_observations")
    op.drop_table("foot_observations")
    op.drop_table("decisions")
    op.drop_table("availability")
    op.drop_table("people")
