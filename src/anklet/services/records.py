"""Recording what happens: intake, screenings, measurements, foot observations,
sessions, availability and planned runs. Each checks the value against the
protocol and library before anything is stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from anklet.domain.decisions import Decision, stage_numbers_text
from anklet.domain.errors import ConflictError, InputError, NotFoundError
from anklet.domain.exercises import Library
from anklet.domain.history import (
    Availability,
    FootObservation,
    History,
    Intake,
    Measurement,
    Override,
    PlannedRun,
    RunKind,
    Screening,
    Session,
)
from anklet.domain.protocol import Protocol
from anklet.store.session_keys import SessionKeyRepository
from anklet.store.uow import UnitOfWork


def update_intake(uow: UnitOfWork, *, key: str, intake: Intake) -> None:
    """Set (or replace) a person's intake."""
    uow.people.set_intake(key, intake)


def create_screening(uow: UnitOfWork, *, key: str, screening: Screening,
                     protocol: Protocol) -> None:
    """Record a red-flag screen and symptoms; every protocol question must be answered.
    A check-in (symptoms only; the model refuses red-flag answers on one) is stored as is."""
    check_screening(screening, protocol)
    uow.people.add_screening(key, screening)


def check_screening(screening: Screening, protocol: Protocol) -> None:
    """What a screen must have beyond its model: an answer to every red-flag question of the
    protocol and no other (a check-in asks none). For a new screen and a corrected one."""
    if screening.kind == "check_in":
        return
    known = {f.id for f in protocol.red_flags}
    for flag in screening.red_flags:
        if flag not in known:
            raise InputError("red_flags", flag, f"one of: {', '.join(sorted(known))}")
    missing = sorted(known - set(screening.red_flags))
    if missing:
        raise InputError("red_flags", ", ".join(missing), "an answer (yes or no) to every "
                         "red-flag question")


def create_measurement(uow: UnitOfWork, *, key: str, measurement: Measurement) -> None:
    """Record one measurement for one side."""
    uow.people.add_measurement(key, measurement)


def create_foot_observation(uow: UnitOfWork, *, key: str, observation: FootObservation) -> None:
    """Record how a foot looks (posture and arch)."""
    uow.people.add_foot_observation(key, observation)


@dataclass(frozen=True)
class Once:
    """An idempotency key a session is sent with, and a fingerprint of what was sent (the
    same key with another fingerprint is not a repeat but a mistake, and is refused)."""

    key: str
    fingerprint: str


@dataclass(frozen=True)
class Logged:
    """A session logged: its id (None only for a repeat whose session was deleted since) and
    whether it was stored before, by an earlier request with the same key."""

    session_id: int | None
    date: dt.date | None
    repeat: bool = False


def create_session(uow: UnitOfWork, *, key: str, session: Session, library: Library,
                   once: Once | None = None) -> Logged:
    """Log a session; every exercise id must be in the library. With ``once``, a repeat of
    the same key stores nothing and answers with the session stored the first time
    (ConflictError if the key came with something else)."""
    check_session(session, library)
    keys = SessionKeyRepository(uow.connection) if once is not None else None
    if keys is not None and once is not None:
        earlier = keys.claim(key, once.key, once.fingerprint, dt.datetime.now(dt.UTC))
        if earlier is not None:
            if earlier.fingerprint != once.fingerprint:
                raise ConflictError(
                    f"A different session was already sent with the key {once.key!r} "
                    f"({earlier.created_at:%Y-%m-%d %H:%M} UTC); nothing was stored. Send "
                    f"a new session with a new key.")
            return Logged(earlier.session_id, earlier.session_date, repeat=True)
    session_id = uow.people.add_session(key, session)
    if keys is not None and once is not None:
        keys.attach(key, once.key, session_id)
    return Logged(session_id, session.date)


def check_session(session: Session, library: Library) -> None:
    """What a session must have beyond its model: every exercise id in the library. For a
    new session and a corrected one."""
    for i, log in enumerate(session.exercises):
        if log.exercise_id not in library:
            raise InputError(f"exercises[{i}].exercise_id", log.exercise_id,
                             "an id from `anklet exercises`")


def before_first_screen(history: History, day: dt.date) -> str | None:
    """A note for a session dated before the person's first screen: it is kept, but nothing
    was planned before the screen, so it counts toward no target or gate week."""
    if history.screenings and day < history.screenings[0].date:
        first = history.screenings[0].date.isoformat()
        return (f"Note: this session is dated before the first screen ({first}). It is kept "
                f"in the record, but the plan starts on {first}, so it counts toward nothing.")
    return None


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


def run_text(run: PlannedRun) -> str:
    """A planned run in a few words: ``long run on 2026-03-15, 90 min, Hill loop``."""
    parts = [f"{run.kind.value} run on {run.date.isoformat()}"]
    if run.minutes is not None:
        parts.append(f"{run.minutes} min")
    if run.title and run.title.strip():
        parts.append(" ".join(run.title.split()))
    return ", ".join(parts)


def _same_title(stored: str | None, given: str) -> bool:
    """Titles compared as a person reads them: no case, runs of spaces (and line breaks,
    which a browser sends as CR LF) as one space, an empty title the same as none."""
    return " ".join((stored or "").split()).casefold() == " ".join(given.split()).casefold()


def list_planned_runs(uow: UnitOfWork, *, key: str, date: dt.date, kind: RunKind | None = None,
                      minutes: int | None = None, title: str | None = None,
                      exact: bool = False) -> list[PlannedRun]:
    """The person's planned runs on ``date`` that have the kind, minutes and title given
    (oldest first); with ``exact``, a run must also lack the minutes or title not given."""
    if exact:
        title = title or ""
    return [r for r in uow.people.planned_runs(key)
            if r.date == date
            and (kind is None or r.kind == kind)
            and ((minutes is None and not exact) or r.minutes == minutes)
            and (title is None or _same_title(r.title, title))]


def delete_planned_run(uow: UnitOfWork, *, key: str, run: PlannedRun) -> None:
    """Remove one planned run exactly like ``run`` (the oldest, if it was added twice)."""
    if not uow.people.delete_planned_run(key, run):
        raise NotFoundError("planned run", run_text(run))


def gait_prep_dropped(run: PlannedRun, *, history: History, decision: Decision,
                      protocol: Protocol) -> bool:
    """Whether the plan had gait drills before ``run`` that its removal took out: a long,
    interval or race run, a stage that puts drills before runs, and no such run left that
    day (``history`` and ``decision`` as they are after the removal)."""
    stage = decision.stage
    return (run.needs_gait_prep and decision.can_prescribe and stage is not None
            and any(t.before_runs for t in protocol.stage(stage).targets)
            and not any(r.date == run.date and r.needs_gait_prep for r in history.planned_runs))


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
