"""Recording what happens: intake, screenings, measurements, foot observations,
sessions, availability and planned runs. Each checks the value against the
protocol and library before anything is stored."""

from __future__ import annotations

import datetime as dt

from anklet.domain.decisions import stage_numbers_text
from anklet.domain.errors import InputError, NotFoundError
from anklet.domain.exercises import Library
from anklet.domain.history import (
    Availability,
    FootObservation,
    Intake,
    Measurement,
    Override,
    PlannedRun,
    Screening,
    Session,
)
from anklet.domain.protocol import Protocol
from anklet.store.uow import UnitOfWork


def update_intake(uow: UnitOfWork, *, key: str, intake: Intake) -> None:
    """Set (or replace) a person's intake."""
    uow.people.set_intake(key, intake)


def create_screening(uow: UnitOfWork, *, key: str, screening: Screening,
                     protocol: Protocol) -> None:
    """Record a red-flag screen and symptoms; every protocol question must be answered."""
    known = {f.id for f in protocol.red_flags}
    for flag in screening.red_flags:
        if flag not in known:
            raise InputError("red_flags", flag, f"one of: {', '.join(sorted(known))}")
    missing = sorted(known - set(screening.red_flags))
    if missing:
        raise InputError("red_flags", ", ".join(missing), "an answer (yes or no) to every "
                         "red-flag question")
    uow.people.add_screening(key, screening)


def create_measurement(uow: UnitOfWork, *, key: str, measurement: Measurement) -> None:
    """Record one measurement for one side."""
    uow.people.add_measurement(key, measurement)


def create_foot_observation(uow: UnitOfWork, *, key: str, observation: FootObservation) -> None:
    """Record how a foot looks (posture and arch)."""
    uow.people.add_foot_observation(key, observation)


def create_session(uow: UnitOfWork, *, key: str, session: Session, library: Library) -> None:
    """Log a session; every exercise id must be in the library."""
    for i, log in enumerate(session.exercises):
        if log.exercise_id not in library:
            raise InputError(f"exercises[{i}].exercise_id", log.exercise_id,
                             "an id from `anklet exercises`")
    uow.people.add_session(key, session)


def update_morning_pain(uow: UnitOfWork, *, key: str, date: dt.date, pain: int) -> None:
    """Add the next-morning pain to the session logged on ``date``."""
    if not 0 <= pain <= 10:
        raise InputError("pain_next_morning", pain, "accepted: 0 to 10")
    if not uow.people.set_next_morning_pain(key, date, pain):
        raise NotFoundError("session on", date.isoformat())


def update_availability(uow: UnitOfWork, *, key: str, availability: Availability) -> None:
    """Set the minutes a person can give on each weekday."""
    uow.people.set_availability(key, availability)


def create_planned_run(uow: UnitOfWork, *, key: str, run: PlannedRun) -> None:
    """Add a planned run (long and interval runs get gait prep before them)."""
    uow.people.add_planned_run(key, run)


REASON_CHARS = (3, 1000)
"""How long an override's reason may be (the :class:`Override` model says the same)."""


def create_override(uow: UnitOfWork, *, key: str, override: Override, protocol: Protocol,
                    account_id: int | None = None, actor: str) -> None:
    """Record a coach's stage override with its reason, and note it in the audit log."""
    if override.stage not in {s.number for s in protocol.stages}:
        raise InputError("stage", override.stage, stage_numbers_text(protocol))
    reason = override.reason.strip()
    low, high = REASON_CHARS
    if not low <= len(reason) <= high:
        raise InputError("reason", override.reason,
                         f"accepted: {low} to {high} characters saying why")
    if reason != override.reason:
        override = override.model_copy(update={"reason": reason})
    uow.people.add_override(key, override)
    uow.accounts.audit(account_id=account_id, actor=actor, action="override", person_key=key,
                       detail={"stage": override.stage, "reason": reason,
                               "date": override.date.isoformat()})
