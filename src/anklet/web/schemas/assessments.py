"""Assessments and set-up: intake, red-flag screens, measurements, feet, time, runs.

Each ``…Create``/``…Update`` is the domain model itself (same fields, same ranges, same
messages as the CLI); each ``…Public`` is what was stored, sent back.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from anklet.domain.history import (
    Availability,
    Day,
    FootObservation,
    Intake,
    Measurement,
    PlannedRun,
    Screening,
    Symptoms,
)
from anklet.web.schemas.common import PublicModel


class IntakeUpdate(Intake):
    """The intake: goals, activities, each side's sprains and surgery, and the optional
    profile (age on the intake date, sex, falls in the last 12 months, fear of falling 0–10,
    main goal). Replaces the old one."""


class IntakePublic(Intake):
    """A person's intake."""


class ScreeningCreate(Screening):
    """A red-flag screen with symptoms per side. ``red_flags`` must answer every question of
    the protocol (question id → true when present); a missing or unknown id is named in the
    error, with the ids accepted."""


class ScreeningPublic(Screening):
    """A stored red-flag screen (``kind`` "screen") or symptom check-in ("check_in")."""


class CheckInCreate(BaseModel):
    """A quick symptom check per side, with no red-flag questions: pain at rest and when
    active (0–10), swelling, and whether the ankle gave way since the last check. The
    gates only trust answers from the last 14 days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: Day
    left: Symptoms = Symptoms()
    right: Symptoms = Symptoms()


class MeasurementCreate(Measurement):
    """One measurement of one side. The accepted range of ``value`` depends on ``kind``
    (knee_to_wall 0–25 cm, lunge_angle 0–90°, heel_raise 0–200 reps, balance 0–300 s,
    y_balance_anterior 0–150 cm, side_hop 1–120 s, single_leg_hop 0–10 hops; the pain
    during the test goes in ``pain``)."""


class MeasurementPublic(Measurement):
    """A stored measurement."""


class MeasurementListed(MeasurementPublic):
    """A stored measurement with its id (to correct or delete it)."""

    id: int = Field(ge=1, le=2**31 - 1, description="the record's id")


class MeasurementsPublic(PublicModel):
    """A person's measurements, oldest first, each with its id."""

    data: list[MeasurementListed]
    count: int


class FootObservationCreate(FootObservation):
    """How one foot looks: posture and arch (observed, not judged)."""


class FootObservationPublic(FootObservation):
    """A stored foot observation."""


class AvailabilityUpdate(Availability):
    """Minutes the person can give on each weekday (0–240); replaces the old ones."""


class AvailabilityPublic(Availability):
    """Minutes the person can give on each weekday."""


class PlannedRunCreate(PlannedRun):
    """A planned run; long, interval and race runs get gait prep before them in the plan."""

    calendar: None = Field(default=None, description="Set only by a calendar import.")
    event: None = Field(default=None, description="Set only by a calendar import.")


class PlannedRunPublic(PlannedRun):
    """A stored planned run."""
