"""The person repository: whole histories in and out of the database.

A :class:`PersonRepository` works inside the session of a unit of work and
never commits. It speaks the domain's language (:class:`History` and its
parts) and keeps the table layout to itself. Reads and writes go through
SQLAlchemy Core, one statement per table, so that loading a batch of a
thousand people costs a dozen queries and no ORM object building:
:meth:`PersonRepository.iter_histories` and :meth:`PersonRepository.save_decisions`
are the bulk paths for re-evaluating everyone.

Records come back in the order they were added within a date (rows are read
in insertion order and :class:`History` sorts each list by date, stably), so
``get`` returns exactly the history that ``add`` was given.
"""

from __future__ import annotations

import builtins
import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from operator import attrgetter
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import from_json
from sqlalchemy import (
    ColumnElement,
    Connection,
    CursorResult,
    Dialect,
    Select,
    Table,
    Text,
    bindparam,
    cast,
    delete,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import BindParameter

from anklet.domain.errors import ConflictError, InputError, NotFoundError
from anklet.domain.history import (
    FORMAT,
    VERSION,
    Activity,
    Availability,
    ExerciseLog,
    FootObservation,
    GoalType,
    History,
    Intake,
    Lap,
    Measurement,
    Override,
    Person,
    PlanChange,
    PlanChangeKind,
    PlannedRun,
    QuestionnaireResponse,
    RecordedActivity,
    RunKind,
    Screening,
    Session,
    Sex,
    SideHistory,
    Sport,
    Symptoms,
    profile_of,
    whole_years,
)
from anklet.domain.measures import ArchShape, FootPosture, MeasureKind, Method
from anklet.domain.units import Side
from anklet.store import tables as t
from anklet.store.errors import StoreError

__all__ = ["RECORD_ID_MAX", "RECORD_KINDS", "PersonRepository", "PersonSummary", "Record",
           "StoredDecision", "gc_paused"]

_Rows = Sequence[Any]
"""Result rows of one table, unpacked by position (the column order of the ``_*_COLS``)."""

_KEY_CHUNK = 500
"""Keys per ``IN (...)`` list; well under every driver's limit on bound parameters."""

_DECISION_FIELDS = ("evaluated_at", "as_of", "stage", "status", "clear_to_train", "summary")


@dataclass(frozen=True, slots=True)
class PersonSummary:
    """One line of the people list: who, and the current decision if there is one."""

    key: str
    name: str
    created: dt.date | None
    stage: int | None = None
    status: str | None = None
    clear_to_train: bool | None = None
    as_of: dt.date | None = None
    profile: GoalType | None = None
    """The main goal (given, or derived from the activities: :attr:`Intake.profile`)."""
    age_at_intake: int | None = None
    intake_date: dt.date | None = None
    sex: Sex | None = None

    def age_on(self, day: dt.date) -> int | None:
        """The age on ``day`` (see :meth:`Intake.age_on`); None when no age was given."""
        if self.age_at_intake is None or self.intake_date is None:
            return None
        return self.age_at_intake + whole_years(self.intake_date, day)


@dataclass(frozen=True, slots=True)
class StoredDecision:
    """The current decision row for a person, as saved by ``save_decision(s)``."""

    key: str
    evaluated_at: dt.datetime
    as_of: dt.date
    stage: int | None
    status: str
    clear_to_train: bool
    summary: dict[str, Any]


def _v(value: Any) -> Any:
    """An enum member as its plain value (drivers may dump enums by name)."""
    return value.value if isinstance(value, Enum) else value


def _check_text(table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
    """Refuse text holding NUL characters, which PostgreSQL cannot store, on every database
    (in JSON values too: a session's exercises, say)."""
    for row in rows:
        for column, value in row.items():
            _check_value(f"{table.name}.{column}", value)


def _check_value(field: str, value: Any) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise InputError(field, value, "text without NUL (\\x00) characters")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_value(f"{field}[{i}]", item)
    elif isinstance(value, dict):
        for k, item in value.items():
            _check_value(f"{field}.{k}", item)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- domain -> row parameters ------------------------------------------------------------


def _person_params(history: History) -> dict[str, Any]:
    p = history.person
    return {"key": p.id, "name": p.name, "created": p.created,
            "dominant_side": _v(p.dominant_side)}


def _intake_params(person_id: int, intake: Intake) -> dict[str, Any]:
    params: dict[str, Any] = {
        "person_id": person_id, "date": intake.date, "goals": list(intake.goals),
        "activities": [_v(a) for a in intake.activities],
    }
    for side, h in (("left", intake.left), ("right", intake.right)):
        params[f"{side}_sprains"] = h.sprains
        params[f"{side}_last_sprain"] = h.last_sprain
        params[f"{side}_surgery"] = h.surgery
        params[f"{side}_surgery_date"] = h.surgery_date
    params |= {"age": intake.age, "sex": _v(intake.sex), "falls_12m": intake.falls_12m,
               "fear_of_falling": intake.fear_of_falling, "goal_type": _v(intake.goal_type)}
    return params


def _screening_params(person_id: int, s: Screening) -> dict[str, Any]:
    params: dict[str, Any] = {"person_id": person_id, "date": s.date, "kind": s.kind,
                              "red_flags": dict(s.red_flags)}
    for side, sym in (("left", s.left), ("right", s.right)):
        params[f"{side}_pain_rest"] = sym.pain_rest
        params[f"{side}_pain_activity"] = sym.pain_activity
        params[f"{side}_swelling"] = sym.swelling
        params[f"{side}_giving_way"] = sym.giving_way
    return params


def _measurement_params(person_id: int, m: Measurement) -> dict[str, Any]:
    return {"person_id": person_id, "date": m.date, "side": _v(m.side), "kind": _v(m.kind),
            "value": m.value, "method": _v(m.method), "pain": m.pain,
            "leg_length_cm": m.leg_length_cm, "rater": m.rater, "notes": m.notes}


def _foot_params(person_id: int, f: FootObservation) -> dict[str, Any]:
    return {"person_id": person_id, "date": f.date, "side": _v(f.side),
            "posture": _v(f.posture), "arch": _v(f.arch), "notes": f.notes}


def _session_params(person_id: int, s: Session) -> dict[str, Any]:
    return {"person_id": person_id, "date": s.date, "rpe": s.rpe, "pain_before": s.pain_before,
            "pain_during": s.pain_during, "pain_next_morning": s.pain_next_morning,
            "notes": s.notes, "exercises": [_exercise_doc(e) for e in s.exercises],
            "gait_off": s.gait_off}


_EXERCISE_AMOUNTS = ("sets", "reps", "seconds", "load_kg", "rounds")


def _exercise_doc(e: ExerciseLog) -> dict[str, Any]:
    """A logged exercise as kept in its session's JSON list: what was not given is left out."""
    doc: dict[str, Any] = {"exercise_id": e.exercise_id, "side": _v(e.side)}
    for name in _EXERCISE_AMOUNTS:
        if (value := getattr(e, name)) is not None:
            doc[name] = value
    return doc


def _availability_params(person_id: int, a: Availability) -> dict[str, Any]:
    params: dict[str, Any] = dict(zip(t.WEEKDAY_COLUMNS, a.minutes(), strict=True))
    params["person_id"] = person_id
    return params


def _run_params(person_id: int, r: PlannedRun) -> dict[str, Any]:
    return {"person_id": person_id, "date": r.date, "kind": _v(r.kind), "minutes": r.minutes,
            "title": r.title, "calendar": r.calendar, "event": r.event}


def _questionnaire_params(person_id: int, q: QuestionnaireResponse) -> dict[str, Any]:
    return {"person_id": person_id, "date": q.date, "instrument": q.instrument,
            "side": _v(q.side), "answers": dict(q.answers)}


def _override_params(person_id: int, o: Override) -> dict[str, Any]:
    return {"person_id": person_id, "date": o.date, "stage": o.stage, "reason": o.reason,
            "by": o.by}


def _plan_change_params(person_id: int, c: PlanChange,
                        created_at: dt.datetime | None = None) -> dict[str, Any]:
    return {"person_id": person_id, "date": c.date,
            "created_at": created_at or dt.datetime.now(dt.UTC), "kind": c.kind.value,
            "exercise": c.exercise, "replacement": c.replacement, "sets": c.sets,
            "reps": c.reps, "seconds": c.seconds, "note": c.note, "author": c.by,
            "active": c.ended is None, "ended": c.ended}


def _activity_params(person_id: int, a: RecordedActivity) -> dict[str, Any]:
    return {"person_id": person_id, "start": a.start, "utc_offset_min": a.utc_offset_min,
            "sport": _v(a.sport), "duration_s": a.duration_s, "distance_m": a.distance_m,
            "laps": [{"duration_s": lap.duration_s, "distance_m": lap.distance_m}
                     for lap in a.laps],
            "cadence_spm": a.cadence_spm, "cadence_sd": a.cadence_sd,
            "content_hash": a.content_hash, "source": a.source, "name": a.name}


# --- rows -> history documents -----------------------------------------------------------
#
# Each query selects its columns in a fixed order and the builders below unpack rows by
# position: this is the hot loop of a batch re-evaluation. Whole histories are built as
# trusted models (see _trusted); the single-record readers validate theirs.

def _json_text(column: ColumnElement[Any]) -> ColumnElement[str]:
    """A JSON column read as its text, decoded by :func:`_decode` (see there)."""
    return cast(column, Text)


_decode = from_json
"""Decodes the JSON text of a row: pydantic's JSON parser (in Rust) takes half the time of
the json module that SQLAlchemy's JSON type (and psycopg's) calls for every row, and the
questionnaire answers are read for every response of every person."""

_PEOPLE_COLS = (t.people.c.id, t.people.c.key, t.people.c.name, t.people.c.created,
                t.people.c.dominant_side)
_INTAKE_COLS = (t.intakes.c.person_id, t.intakes.c.date, _json_text(t.intakes.c.goals),
                _json_text(t.intakes.c.activities),
                t.intakes.c.left_sprains, t.intakes.c.left_last_sprain,
                t.intakes.c.left_surgery, t.intakes.c.left_surgery_date,
                t.intakes.c.right_sprains, t.intakes.c.right_last_sprain,
                t.intakes.c.right_surgery, t.intakes.c.right_surgery_date,
                t.intakes.c.age, t.intakes.c.sex, t.intakes.c.falls_12m,
                t.intakes.c.fear_of_falling, t.intakes.c.goal_type)
_SCREENING_COLS = (t.screenings.c.person_id, t.screenings.c.date, t.screenings.c.kind,
                   t.screenings.c.left_pain_rest, t.screenings.c.left_pain_activity,
                   t.screenings.c.left_swelling, t.screenings.c.left_giving_way,
                   t.screenings.c.right_pain_rest, t.screenings.c.right_pain_activity,
                   t.screenings.c.right_swelling, t.screenings.c.right_giving_way,
                   _json_text(t.screenings.c.red_flags))
_MEASUREMENT_COLS = (t.measurements.c.person_id, t.measurements.c.date, t.measurements.c.side,
                     t.measurements.c.kind, t.measurements.c.value, t.measurements.c.method,
                     t.measurements.c.pain, t.measurements.c.leg_length_cm,
                     t.measurements.c.rater, t.measurements.c.notes)
_FOOT_COLS = (t.foot_observations.c.person_id, t.foot_observations.c.date,
              t.foot_observations.c.side, t.foot_observations.c.posture,
              t.foot_observations.c.arch, t.foot_observations.c.notes)
_SESSION_COLS = (t.sessions.c.person_id, t.sessions.c.date, t.sessions.c.rpe,
                 t.sessions.c.pain_before, t.sessions.c.pain_during,
                 t.sessions.c.pain_next_morning, t.sessions.c.notes,
                 _json_text(t.sessions.c.exercises), t.sessions.c.gait_off)
_AVAILABILITY_COLS = (t.availability.c.person_id,
                      *(t.availability.c[day] for day in t.WEEKDAY_COLUMNS))
_RUN_COLS = (t.planned_runs.c.person_id, t.planned_runs.c.date, t.planned_runs.c.kind,
             t.planned_runs.c.minutes, t.planned_runs.c.title, t.planned_runs.c.calendar,
             t.planned_runs.c.event)

_QUESTIONNAIRE_COLS = (t.questionnaire_responses.c.person_id, t.questionnaire_responses.c.date,
                       t.questionnaire_responses.c.instrument, t.questionnaire_responses.c.side,
                       _json_text(t.questionnaire_responses.c.answers))

_ACTIVITY_COLS = (t.recorded_activities.c.person_id, t.recorded_activities.c.start,
                  t.recorded_activities.c.utc_offset_min, t.recorded_activities.c.sport,
                  t.recorded_activities.c.duration_s, t.recorded_activities.c.distance_m,
                  _json_text(t.recorded_activities.c.laps), t.recorded_activities.c.cadence_spm,
                  t.recorded_activities.c.cadence_sd, t.recorded_activities.c.content_hash,
                  t.recorded_activities.c.source, t.recorded_activities.c.name)

_OVERRIDE_COLS = (t.overrides.c.person_id, t.overrides.c.date, t.overrides.c.stage,
                  t.overrides.c.reason, t.overrides.c.by)
_PLAN_CHANGE_COLS = (t.plan_changes.c.person_id, t.plan_changes.c.date, t.plan_changes.c.kind,
                     t.plan_changes.c.exercise, t.plan_changes.c.replacement,
                     t.plan_changes.c.sets, t.plan_changes.c.reps, t.plan_changes.c.seconds,
                     t.plan_changes.c.note, t.plan_changes.c.author, t.plan_changes.c.ended)
_PLAN_CHANGE_KINDS: dict[str, PlanChangeKind] = {k.value: k for k in PlanChangeKind}


# Stored text -> enum member (None stays None where the column may be empty).
_SIDES: dict[str | None, Side | None] = {None: None, **{s.value: s for s in Side}}
_EXERCISE_SIDES: dict[str, Side | str] = {**{s.value: s for s in Side}, "both": "both"}
_KINDS: dict[str, MeasureKind] = {k.value: k for k in MeasureKind}
_METHODS: dict[str | None, Method | None] = {None: None, **{m.value: m for m in Method}}
_ACTIVITIES: dict[str, Activity] = {a.value: a for a in Activity}
_SEXES: dict[str | None, Sex | None] = {None: None, **{x.value: x for x in Sex}}
_GOAL_TYPES: dict[str | None, GoalType | None] = {None: None, **{g.value: g for g in GoalType}}
_SCREENING_KINDS: dict[str, str] = {"screen": "screen", "check_in": "check_in"}
_POSTURES: dict[str, FootPosture] = {p.value: p for p in FootPosture}
_ARCHES: dict[str, ArchShape] = {a.value: a for a in ArchShape}
_RUN_KINDS: dict[str, RunKind] = {k.value: k for k in RunKind}
_SPORTS: dict[str, Sport] = {k.value: k for k in Sport}


_DATE = attrgetter("date")
_START = attrgetter("start")

_M = TypeVar("_M", bound=BaseModel)
_setattr = object.__setattr__


def _trusted(cls: type[_M], fields: dict[str, Any]) -> _M:
    """A frozen history model made from values read back from our own database.

    Everything in the database was validated on the way in (and the tables repeat the cheap
    rules as CHECK constraints), so reading builds the models without validating again, as
    pydantic's ``model_construct`` does but without its per-field Python loop: validating
    every record of a batch again cost more than fetching it, and ``model_construct`` more
    still. ``fields`` holds every field of ``cls`` in order, with the types validation gives
    (enum members, floats); tests/integration/store/test_trusted_load.py holds the two
    ways to each other.
    """
    obj = cls.__new__(cls)
    _setattr(obj, "__dict__", fields)
    # One set of field names per model, shared by its instances (a set each cost a tenth of
    # the read): pydantic adds to it only when a field is assigned, which frozen models
    # refuse, and ``model_copy`` copies it before adding the updated names.
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = set(cls.model_fields)
    _setattr(obj, "__pydantic_fields_set__", names)
    _setattr(obj, "__pydantic_extra__", None)
    _setattr(obj, "__pydantic_private__", None)
    return obj


_FIELD_NAMES: dict[type[BaseModel], set[str]] = {}


def _in_order(items: list[_M], key: Callable[[_M], Any]) -> list[_M]:
    """``items`` sorted in place by ``key``, stably, as :class:`History` sorts its lists."""
    if len(items) > 1:
        items.sort(key=key)
    return items


def _same(value: Any) -> Any:
    return value


def _day_reader(dialect: str) -> Callable[[Any], dt.date]:
    """Reads a date column of :meth:`PersonRepository._plain` rows: SQLite keeps dates as
    ``YYYY-MM-DD`` text (as SQLAlchemy writes them), PostgreSQL's driver gives dates."""
    return dt.date.fromisoformat if dialect == "sqlite" else _same


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


# --- single records by id (corrections) ----------------------------------------------------

Record = Measurement | Screening | FootObservation | QuestionnaireResponse | Session
"""A record a person can correct (edit or delete) by its id."""


def _measurement_doc(row: Sequence[Any]) -> dict[str, Any]:
    _, date, side, kind, value, method, pain, leg, rater, notes = row
    return {"date": date, "side": side, "kind": kind, "value": value, "method": method,
            "pain": pain, "leg_length_cm": leg, "rater": rater, "notes": notes}


def _screening_doc(row: Sequence[Any]) -> dict[str, Any]:
    _, date, kind, lrest, lact, lswell, lgive, rrest, ract, rswell, rgive, flags = row
    return {"date": date, "kind": kind,
            "left": {"pain_rest": lrest, "pain_activity": lact, "swelling": bool(lswell),
                     "giving_way": bool(lgive)},
            "right": {"pain_rest": rrest, "pain_activity": ract, "swelling": bool(rswell),
                      "giving_way": bool(rgive)},
            "red_flags": _decode(flags)}


def _foot_doc(row: Sequence[Any]) -> dict[str, Any]:
    _, date, side, posture, arch, notes = row
    return {"date": date, "side": side, "posture": posture, "arch": arch, "notes": notes}


def _session_doc(row: Sequence[Any]) -> dict[str, Any]:
    _, date, rpe, before, during, morning, notes, exercises, gait_off = row
    return {"date": date, "exercises": _decode(exercises), "rpe": rpe, "pain_before": before,
            "pain_during": during, "pain_next_morning": morning, "notes": notes,
            "gait_off": bool(gait_off)}


@dataclass(frozen=True, slots=True)
class _RecordSpec:
    table: Table
    cols: tuple[ColumnElement[Any], ...]
    model: type[BaseModel]
    doc: Callable[[Sequence[Any]], dict[str, Any]]
    params: Callable[[int, Any], dict[str, Any]]
    screening_kind: str | None = None


_RECORD_SPECS: dict[str, _RecordSpec] = {
    "measurement": _RecordSpec(t.measurements, _MEASUREMENT_COLS, Measurement,
                               _measurement_doc, _measurement_params),
    "screen": _RecordSpec(t.screenings, _SCREENING_COLS, Screening, _screening_doc,
                          _screening_params, "screen"),
    "check_in": _RecordSpec(t.screenings, _SCREENING_COLS, Screening, _screening_doc,
                            _screening_params, "check_in"),
    "foot_observation": _RecordSpec(t.foot_observations, _FOOT_COLS, FootObservation,
                                    _foot_doc, _foot_params),
    "questionnaire": _RecordSpec(t.questionnaire_responses, _QUESTIONNAIRE_COLS,
                                 QuestionnaireResponse,
                                 lambda row: _questionnaire_doc(row),  # defined below
                                 _questionnaire_params),
    "session": _RecordSpec(t.sessions, _SESSION_COLS, Session, _session_doc, _session_params),
}
RECORD_KINDS = tuple(_RECORD_SPECS)
"""The kinds of record that can be corrected by id: a screen and a check-in share a table
but are told apart (an id of one is not found as the other)."""

RECORD_ID_MAX = 2**31 - 1
"""The largest record id (the tables' integer ids); a larger one is never found."""


class _Parts:
    """The lists of one history while its batch is assembled."""

    __slots__ = ("foot_observations", "measurements", "overrides", "plan_changes",
                 "planned_runs", "questionnaires", "recorded_activities", "screenings",
                 "sessions")

    def __init__(self) -> None:
        self.screenings: list[Screening] = []
        self.measurements: list[Measurement] = []
        self.foot_observations: list[FootObservation] = []
        self.sessions: list[Session] = []
        self.planned_runs: list[PlannedRun] = []
        self.recorded_activities: list[RecordedActivity] = []
        self.questionnaires: list[QuestionnaireResponse] = []
        self.overrides: list[Override] = []
        self.plan_changes: list[PlanChange] = []


class PersonRepository:
    """People and their whole histories, inside one unit of work's connection; never commits."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        # Internal ids of people already looked up in this unit of work, by key: a request
        # that logs a session, re-decides and saves the decision asks for the same id three
        # times. A key never changes its id while the person exists; the cache is dropped on
        # delete and whenever the transaction (or a savepoint) rolls back, which could undo
        # the row an id was read from.
        self._known: dict[str, int] = {}
        event.listen(conn, "rollback", self._forget)
        event.listen(conn, "rollback_savepoint", self._forget)

    def _forget(self, *_: object) -> None:
        self._known.clear()

    # -- helpers ---------------------------------------------------------------------------

    def _id(self, key: str) -> int:
        if (known := self._known.get(key)) is not None:
            return known
        person_id = self._conn.execute(
            select(t.people.c.id).where(t.people.c.key == key)).scalar_one_or_none()
        if person_id is None:
            raise NotFoundError("person", key)
        self._known[key] = int(person_id)
        return int(person_id)

    def _ids(self, keys: Iterable[str]) -> dict[str, int]:
        wanted = list(dict.fromkeys(keys))
        if len(wanted) == 1 and wanted[0] in self._known:
            return {wanted[0]: self._known[wanted[0]]}
        found: dict[str, int] = {}
        for i in range(0, len(wanted), _KEY_CHUNK):
            chunk = wanted[i:i + _KEY_CHUNK]
            rows = self._conn.execute(
                select(t.people.c.key, t.people.c.id).where(t.people.c.key.in_(chunk)))
            found.update({key: int(pid) for key, pid in rows})
        return found

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            _check_text(table, rows)
            self._conn.execute(insert(table), rows)

    def _upsert(self, table: Table, rows: list[dict[str, Any]], key_cols: Sequence[str],
                update_cols: Sequence[str]) -> None:
        """Insert rows, replacing ``update_cols`` where a row with the same key exists."""
        if not rows:
            return
        _check_text(table, rows)
        dialect = self._conn.dialect.name
        self._conn.execute(_upsert_statement(dialect, table, tuple(key_cols),
                                                tuple(update_cols)), rows)

    # -- whole people ----------------------------------------------------------------------

    def add(self, history: History) -> None:
        """Insert a whole history; raise ConflictError if the person's id is taken."""
        self.add_many([history])

    def add_many(self, histories: Iterable[History]) -> None:
        """Insert many whole histories at once; raise ConflictError if any id is taken."""
        batch = list(histories)
        if not batch:
            return
        keys = [h.person.id for h in batch]
        seen: set[str] = set()
        for key in keys:
            if key in seen:
                raise ConflictError(f"The person id {key!r} appears twice in what is being added.")
            seen.add(key)
        taken = self._ids(keys)
        if taken:
            key = next(k for k in keys if k in taken)
            raise ConflictError(f"A person with the id {key!r} already exists.")
        rows = [_person_params(h) for h in batch]
        _check_text(t.people, rows)
        stmt = insert(t.people).returning(t.people.c.id, sort_by_parameter_order=True)
        try:
            ids = [int(i) for i in self._conn.execute(stmt, rows).scalars()]
        except IntegrityError as e:  # someone else added the same id since we looked
            which = f"the id {keys[0]!r}" if len(keys) == 1 else "one of these ids"
            raise ConflictError(f"A person with {which} already exists "
                                "(added at the same moment by someone else).") from e
        pairs = list(zip(ids, batch, strict=True))
        self._insert(t.intakes, [_intake_params(pid, h.intake) for pid, h in pairs
                                 if h.intake is not None])
        self._insert(t.screenings, [_screening_params(pid, s) for pid, h in pairs
                                    for s in h.screenings])
        self._insert(t.measurements, [_measurement_params(pid, m) for pid, h in pairs
                                      for m in h.measurements])
        self._insert(t.foot_observations, [_foot_params(pid, f) for pid, h in pairs
                                           for f in h.foot_observations])
        self._insert(t.sessions, [_session_params(pid, s) for pid, h in pairs
                                  for s in h.sessions])
        self._insert(t.availability, [_availability_params(pid, h.availability)
                                      for pid, h in pairs])
        self._insert(t.planned_runs, [_run_params(pid, r) for pid, h in pairs
                                      for r in h.planned_runs])
        self._insert(t.recorded_activities, [_activity_params(pid, a) for pid, h in pairs
                                             for a in h.recorded_activities])
        self._insert(t.questionnaire_responses, [_questionnaire_params(pid, q) for pid, h in pairs
                                                 for q in h.questionnaires])
        self._insert(t.overrides, [_override_params(pid, o) for pid, h in pairs
                                   for o in h.overrides])
        self._insert(t.plan_changes, [_plan_change_params(pid, c) for pid, h in pairs
                                      for c in h.plan_changes])

    def get(self, key: str) -> History:
        """The whole history of one person; raise NotFoundError if there is none."""
        row = self._conn.execute(
            select(*_PEOPLE_COLS).where(t.people.c.key == key)).one_or_none()
        if row is None:
            raise NotFoundError("person", key)
        self._known[key] = int(row[0])
        if self._conn.dialect.name == "postgresql":
            return self._build_one_pipelined(tuple(row))
        return self._build([tuple(row)])[0]

    def exists(self, key: str) -> bool:
        """Whether a person with this id is stored."""
        return self._conn.execute(
            select(t.people.c.id).where(t.people.c.key == key)).first() is not None

    def list(self) -> list[PersonSummary]:
        """Everyone, ordered by person id, with their current decision where one is saved
        and their profile where the intake gives one."""
        stmt = (select(t.people.c.key, t.people.c.name, t.people.c.created, t.decisions.c.stage,
                       t.decisions.c.status, t.decisions.c.clear_to_train, t.decisions.c.as_of,
                       t.intakes.c.goal_type, _json_text(t.intakes.c.activities),
                       t.intakes.c.age, t.intakes.c.date, t.intakes.c.sex)
                .select_from(t.people.outerjoin(t.decisions).outerjoin(t.intakes))
                .order_by(t.people.c.key))
        out = []
        for (key, name, created, stage, status, clear, as_of, goal_type, activities, age, date,
             sex) in self._conn.execute(stmt):
            profile = None if activities is None else profile_of(
                _GOAL_TYPES[goal_type], [_ACTIVITIES[a] for a in _decode(activities)])
            out.append(PersonSummary(key, name, created, stage, status, clear, as_of,
                                     profile=profile, age_at_intake=age, intake_date=date,
                                     sex=_SEXES[sex]))
        return out

    def delete(self, key: str) -> None:
        """Delete a person and everything recorded about them; NotFoundError if missing."""
        person_id = self._id(key)
        # ON DELETE CASCADE removes the records (SQLite: foreign_keys=ON, set by make_engine).
        self._conn.execute(delete(t.people).where(t.people.c.id == person_id))
        self._known.pop(key, None)

    # -- parts of a history ----------------------------------------------------------------

    def set_intake(self, key: str, intake: Intake) -> None:
        """Set (or replace) the person's intake."""
        person_id = self._id(key)
        self._conn.execute(delete(t.intakes).where(t.intakes.c.person_id == person_id))
        self._insert(t.intakes, [_intake_params(person_id, intake)])

    def add_screening(self, key: str, screening: Screening) -> None:
        """Record a screening."""
        self._insert(t.screenings, [_screening_params(self._id(key), screening)])

    def add_measurement(self, key: str, measurement: Measurement) -> None:
        """Record a measurement."""
        self._insert(t.measurements, [_measurement_params(self._id(key), measurement)])

    def add_foot_observation(self, key: str, observation: FootObservation) -> None:
        """Record a foot observation."""
        self._insert(t.foot_observations, [_foot_params(self._id(key), observation)])

    def add_session(self, key: str, session: Session) -> int:
        """Record an exercise session with its exercises; its id."""
        row = _session_params(self._id(key), session)
        _check_text(t.sessions, [row])
        stmt = insert(t.sessions).returning(t.sessions.c.id)
        return int(self._conn.execute(stmt, row).scalar_one())

    def set_next_morning_pain(self, key: str, date: dt.date, pain: int) -> bool:
        """Set next-morning pain on the person's last session of ``date``; False if none."""
        person_id = self._id(key)
        row = self._conn.execute(
            select(t.sessions.c.id).where(t.sessions.c.person_id == person_id,
                                          t.sessions.c.date == date)
            .order_by(t.sessions.c.id.desc()).limit(1)).scalar_one_or_none()
        if row is None:
            return False
        self._conn.execute(update(t.sessions).where(t.sessions.c.id == row)
                              .values(pain_next_morning=pain))
        return True

    def set_availability(self, key: str, availability: Availability) -> None:
        """Set (or replace) the minutes the person can give each weekday."""
        self._upsert(t.availability, [_availability_params(self._id(key), availability)],
                     ["person_id"], t.WEEKDAY_COLUMNS)

    def add_planned_run(self, key: str, run: PlannedRun) -> None:
        """Record a planned run."""
        self._insert(t.planned_runs, [_run_params(self._id(key), run)])

    def delete_planned_run(self, key: str, run: PlannedRun) -> bool:
        """Delete one planned run with exactly ``run``'s date, kind, minutes and title (the
        one added first, if it was added more than once); False if there is none."""
        pr = t.planned_runs
        person_id = self._id(key)
        if run.title is not None and "\x00" in run.title:
            return False  # never stored (see _check_text); PostgreSQL refuses to compare it
        same = (pr.c.person_id == person_id, pr.c.date == run.date,
                pr.c.kind == _v(run.kind),
                pr.c.minutes.is_(None) if run.minutes is None else pr.c.minutes == run.minutes,
                pr.c.title.is_(None) if run.title is None else pr.c.title == run.title)
        first = select(pr.c.id).where(*same).order_by(pr.c.id).limit(1).scalar_subquery()
        result = self._conn.execute(delete(pr).where(pr.c.id == first))
        assert isinstance(result, CursorResult)  # what a Core delete gives
        return bool(result.rowcount)

    def sync_calendar_runs(self, key: str, calendar: str, runs: Sequence[PlannedRun],
                           start: dt.date, end: dt.date) -> tuple[int, int, int]:
        """Store a calendar's runs for the days ``start`` (included) to ``end`` (excluded):
        a run whose event is stored already is updated (moved, renamed) in place; a new one
        is added, unless the same date, kind and title is planned already without an event
        (planned by hand, or imported before runs knew their event: that one takes the
        event); runs of this ``calendar`` in those days whose event is not in ``runs`` any
        more (removed or cancelled) are deleted. Runs before ``start``, and other
        calendars' runs, are left alone. Returns (added, updated, removed)."""
        pr = t.planned_runs
        person_id = self._id(key)
        rows = self._conn.execute(
            select(pr.c.id, *_RUN_COLS[1:]).where(pr.c.person_id == person_id)
            .order_by(pr.c.date, pr.c.id)).all()
        by_event = {row.event: row for row in rows if row.event is not None}
        loose = {(row.date, row.kind, row.title): row for row in reversed(rows)
                 if row.event is None}
        added = updated = 0
        keep: set[int] = set()
        for run in runs:
            params = _run_params(person_id, run)
            old = by_event.get(run.event) if run.event is not None else None
            if old is None:
                old = loose.pop((run.date, _v(run.kind), run.title), None)
            if old is None:
                self._insert(pr, [params])
                added += 1
                continue
            keep.add(old.id)
            if any(getattr(old, c) != params[c] for c in
                   ("date", "kind", "minutes", "title", "calendar", "event")):
                self._conn.execute(update(pr).where(pr.c.id == old.id).values(**params))
                updated += old.event is not None
        gone = [row.id for row in rows if row.calendar == calendar and row.id not in keep
                and start <= row.date < end]
        if gone:
            self._conn.execute(delete(pr).where(pr.c.id.in_(gone)))
        return added, updated, len(gone)

    def planned_runs(self, key: str) -> builtins.list[PlannedRun]:
        """The person's planned runs, by date."""
        rows = self._conn.execute(
            select(*_RUN_COLS).where(t.planned_runs.c.person_id == self._id(key))
            .order_by(t.planned_runs.c.date, t.planned_runs.c.id))
        return [PlannedRun(date=date, kind=_RUN_KINDS[kind], minutes=minutes, title=title,
                           calendar=calendar, event=event)
                for _, date, kind, minutes, title, calendar, event in rows]

    def add_recorded_activity(self, key: str, activity: RecordedActivity) -> None:
        """Record an imported activity; ConflictError if the same file is already stored."""
        try:
            with self._conn.begin_nested():
                self._insert(t.recorded_activities, [_activity_params(self._id(key), activity)])
        except IntegrityError as e:
            raise ConflictError(f"This file is already stored for {key!r} (same content "
                                f"hash {activity.content_hash[:12]}…).") from e

    def has_activity_hash(self, key: str, content_hash: str) -> bool:
        """Whether a file with this content hash is already stored for the person."""
        ra = t.recorded_activities
        return self._conn.execute(
            select(ra.c.id).where(ra.c.person_id == self._id(key),
                                  ra.c.content_hash == content_hash)).first() is not None

    def recorded_activities(self, key: str) -> builtins.list[RecordedActivity]:
        """The person's recorded activities, by start time."""
        rows = self._conn.execute(
            select(*_ACTIVITY_COLS).where(t.recorded_activities.c.person_id == self._id(key))
            .order_by(t.recorded_activities.c.start, t.recorded_activities.c.id)).all()
        return [RecordedActivity.model_validate(_activity_doc(row)) for row in rows]

    def add_questionnaire(self, key: str, response: QuestionnaireResponse) -> None:
        """Record an answered questionnaire (its answers)."""
        self._insert(t.questionnaire_responses, [_questionnaire_params(self._id(key), response)])

    def questionnaires(self, key: str) -> builtins.list[QuestionnaireResponse]:
        """The person's answered questionnaires, by date (in the order added within a date)."""
        qr = t.questionnaire_responses
        rows = self._conn.execute(
            select(*_QUESTIONNAIRE_COLS).where(qr.c.person_id == self._id(key))
            .order_by(qr.c.date, qr.c.id)).all()
        return [QuestionnaireResponse.model_validate(_questionnaire_doc(row)) for row in rows]

    def add_override(self, key: str, override: Override) -> None:
        """Record a coach's stage override."""
        self._insert(t.overrides, [_override_params(self._id(key), override)])

    def add_plan_change(self, key: str, change: PlanChange) -> int:
        """Record a coach's change to the person's plan; its id."""
        row = _plan_change_params(self._id(key), change)
        _check_text(t.plan_changes, [row])
        new_id = self._conn.execute(
            insert(t.plan_changes).returning(t.plan_changes.c.id), row).scalar_one()
        return int(new_id)

    def plan_changes(self, key: str) -> builtins.list[tuple[int, PlanChange]]:
        """The person's plan changes with their ids, ended ones too, oldest first."""
        rows = self._conn.execute(
            select(t.plan_changes.c.id, *_PLAN_CHANGE_COLS[1:])
            .where(t.plan_changes.c.person_id == self._id(key))
            .order_by(t.plan_changes.c.date, t.plan_changes.c.id)).all()
        return [(int(i), PlanChange(date=date, kind=_PLAN_CHANGE_KINDS[kind], exercise=ex,
                                    replacement=rep, sets=sets, reps=reps, seconds=secs,
                                    note=note, by=by, ended=ended))
                for i, date, kind, ex, rep, sets, reps, secs, note, by, ended in rows]

    def end_plan_change(self, key: str, change_id: int, day: dt.date) -> bool:
        """End the person's plan change ``change_id`` on ``day`` (it no longer applies from
        then; the record stays). False when the person has no such change in force."""
        c = t.plan_changes.c
        where = (c.id == change_id, c.person_id == self._id(key), c.active.is_(True))
        made = self._conn.execute(select(c.date).where(*where)).scalar_one_or_none()
        if made is None:
            return False
        self._conn.execute(update(t.plan_changes).where(*where)
                              .values(active=False, ended=max(made, day)))
        return True

    # -- single records by id (corrections) ------------------------------------------------

    def _spec(self, kind: str) -> _RecordSpec:
        spec = _RECORD_SPECS.get(kind)
        if spec is None:
            raise InputError("kind", kind, f"one of: {', '.join(RECORD_KINDS)}")
        return spec

    def _record_where(self, spec: _RecordSpec,
                      person_id: int) -> builtins.list[ColumnElement[bool]]:
        where = [spec.table.c.person_id == person_id]
        if spec.screening_kind is not None:
            where.append(spec.table.c.kind == spec.screening_kind)
        return where

    def records(self, key: str, kind: str) -> builtins.list[tuple[int, Record]]:
        """The person's records of ``kind`` (see :data:`RECORD_KINDS`) with their ids, by
        date and in the order added within a date, as the history lists them."""
        spec = self._spec(kind)
        table = spec.table
        rows = self._conn.execute(
            select(table.c.id, *spec.cols).where(*self._record_where(spec, self._id(key)))
            .order_by(table.c.date, table.c.id)).all()
        out: builtins.list[tuple[int, Record]] = []
        for row in rows:
            value = spec.model.model_validate(spec.doc(tuple(row)[1:]))
            out.append((int(row[0]), value))  # type: ignore[arg-type]
        return out

    def record(self, key: str, kind: str, record_id: int) -> Record:
        """One record of the person by its id; NotFoundError when the person has no
        ``kind`` record with that id (another person's id looks the same as none)."""
        spec = self._spec(kind)
        table = spec.table
        row = None
        if 1 <= record_id <= RECORD_ID_MAX:
            row = self._conn.execute(
                select(*spec.cols).where(table.c.id == record_id,
                                         *self._record_where(spec, self._id(key)))
            ).one_or_none()
        if row is None:
            raise NotFoundError(kind.replace("_", "-"), record_id)
        return spec.model.model_validate(spec.doc(tuple(row)))  # type: ignore[return-value]

    def replace_record(self, key: str, kind: str, record_id: int, value: Record) -> None:
        """Store ``value`` in place of the person's record ``record_id`` (same id)."""
        spec = self._spec(kind)
        self.record(key, kind, record_id)  # NotFoundError unless it is theirs
        params = spec.params(self._id(key), value)
        _check_text(spec.table, [params])
        self._conn.execute(update(spec.table).where(spec.table.c.id == record_id)
                              .values(**params))

    def delete_record(self, key: str, kind: str, record_id: int) -> None:
        """Delete the person's record ``record_id``; NotFoundError unless it is theirs."""
        spec = self._spec(kind)
        self.record(key, kind, record_id)
        self._conn.execute(delete(spec.table).where(spec.table.c.id == record_id))

    # -- decisions -------------------------------------------------------------------------

    def save_decision(self, key: str, *, as_of: dt.date, stage: int | None, status: str,
                      clear_to_train: bool, summary: Mapping[str, Any],
                      evaluated_at: dt.datetime | None = None) -> None:
        """Save (or replace) the person's current decision; ``summary`` must be JSON-ready."""
        self.save_decisions([{"key": key, "as_of": as_of, "stage": stage, "status": status,
                              "clear_to_train": clear_to_train, "summary": summary,
                              "evaluated_at": evaluated_at}])

    def save_decisions(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Upsert many current decisions: rows of key plus save_decision's keyword arguments."""
        if not rows:
            return
        ids = self._ids(row["key"] for row in rows)
        missing = next((row["key"] for row in rows if row["key"] not in ids), None)
        if missing is not None:
            raise NotFoundError("person", missing)
        now = _now()
        latest: dict[int, dict[str, Any]] = {}  # one row per person: the last one given wins
        for row in rows:
            latest[ids[row["key"]]] = {
                "person_id": ids[row["key"]],
                "evaluated_at": row.get("evaluated_at") or now,
                "as_of": row["as_of"], "stage": row["stage"], "status": row["status"],
                "clear_to_train": bool(row["clear_to_train"]), "summary": dict(row["summary"]),
            }
        self._upsert(t.decisions, list(latest.values()), ["person_id"], _DECISION_FIELDS)

    def get_decision(self, key: str) -> StoredDecision | None:
        """The person's current saved decision, or None; NotFoundError if no such person."""
        person_id = self._id(key)
        row = self._conn.execute(
            select(*(t.decisions.c[f] for f in _DECISION_FIELDS))
            .where(t.decisions.c.person_id == person_id)).one_or_none()
        if row is None:
            return None
        evaluated_at, as_of, stage, status, clear, summary = row
        return StoredDecision(key=key, evaluated_at=evaluated_at, as_of=as_of, stage=stage,
                              status=status, clear_to_train=bool(clear), summary=dict(summary))

    # -- bulk reading ----------------------------------------------------------------------

    def iter_histories(self, batch_size: int = 1000) -> Iterator[builtins.list[History]]:
        """Every history, in batches ordered by insertion, each loaded with one query per table."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        last_id = 0
        while True:
            people = [tuple(row) for row in self._conn.execute(
                select(*_PEOPLE_COLS).where(t.people.c.id > last_id)
                .order_by(t.people.c.id).limit(batch_size))]
            if not people:
                return
            yield self._build(people)
            last_id = people[-1][0]

    def id_ranges(self, batch_size: int = 1000) -> builtins.list[tuple[int, int]]:
        """Inclusive (first, last) internal id of each batch of ``batch_size`` people."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        ids = self._conn.execute(select(t.people.c.id).order_by(t.people.c.id)).scalars().all()
        return [(ids[i], ids[min(i + batch_size, len(ids)) - 1])
                for i in range(0, len(ids), batch_size)]

    def histories_between(self, first: int, last: int) -> builtins.list[History]:
        """The histories of people whose internal id is in ``[first, last]`` (see id_ranges)."""
        people = [tuple(row) for row in self._conn.execute(
            select(*_PEOPLE_COLS).where(t.people.c.id.between(first, last))
            .order_by(t.people.c.id))]
        return self._build(people) if people else []

    def _rows(self, table: Table, cols: Sequence[ColumnElement[Any]], lo: int,
              hi: int, *, plain: bool = False) -> _Rows:
        """Rows of a person table for person ids in ``[lo, hi]``, in insertion order
        (``plain``: as the driver gives them, see :meth:`_plain`)."""
        stmt: Select[Any] = select(*cols).where(table.c.person_id.between(lo, hi))
        if "id" in table.c:
            stmt = stmt.order_by(table.c.person_id, table.c.id)
        return self._plain(stmt) if plain else self._conn.execute(stmt).all()

    def _plain(self, stmt: Select[Any]) -> _Rows:
        """The rows of ``stmt`` as plain tuples from the driver, without SQLAlchemy's row
        objects and type conversions (a tenth of the read of a batch): only for columns
        that both drivers return as the models want them, and dates (text on SQLite: see
        :func:`_day_reader`)."""
        result = self._conn.execute(stmt)
        assert isinstance(result, CursorResult)  # what a Core select gives
        try:
            rows: _Rows = result.cursor.fetchall()
        finally:
            result.close()
        return rows

    def _build(self, people: builtins.list[tuple[Any, ...]]) -> builtins.list[History]:
        """Histories for people rows whose ids cover ``[first id, last id]`` with no gaps."""
        lo, hi = people[0][0], people[-1][0]
        with gc_paused():
            return _assemble(
                people,
                day=_day_reader(self._conn.dialect.name),
                intakes=self._rows(t.intakes, _INTAKE_COLS, lo, hi),
                screenings=self._rows(t.screenings, _SCREENING_COLS, lo, hi),
                measurements=self._rows(t.measurements, _MEASUREMENT_COLS, lo, hi, plain=True),
                foot_observations=self._rows(t.foot_observations, _FOOT_COLS, lo, hi),
                sessions=self._rows(t.sessions, _SESSION_COLS, lo, hi, plain=True),
                availability=self._rows(t.availability, _AVAILABILITY_COLS, lo, hi),
                planned_runs=self._rows(t.planned_runs, _RUN_COLS, lo, hi, plain=True),
                recorded_activities=self._rows(t.recorded_activities, _ACTIVITY_COLS, lo, hi),
                questionnaires=self._rows(t.questionnaire_responses, _QUESTIONNAIRE_COLS, lo, hi,
                                          plain=True),
                overrides=self._rows(t.overrides, _OVERRIDE_COLS, lo, hi),
                plan_changes=self._rows(t.plan_changes, _PLAN_CHANGE_COLS, lo, hi),
            )

    def _build_one_pipelined(self, person: tuple[Any, ...]) -> History:
        """One person's history on PostgreSQL: every table's rows asked for at once, in one
        round trip (psycopg's pipeline mode), straight from the driver.

        The same rows as :meth:`_build` reads, for one person: a web request that logs a
        session or shows a page loads one history, and a dozen statements each waiting for
        the server and going through SQLAlchemy's execution cost more than the rest of the
        request. PostgreSQL's driver already gives every column as the models want it, but
        for the UTC timestamps (see :func:`_utc_rows`); the statements are compiled once.
        """
        raw = self._conn.connection.driver_connection
        params = {"pid": person[0]}
        cursors = []
        with raw.pipeline():  # type: ignore[union-attr]  # psycopg's connection
            for sql in _one_person_sql(self._conn.dialect):
                cur = raw.cursor()  # type: ignore[union-attr]
                cur.execute(sql, params)
                cursors.append(cur)
        (intakes, screenings, measurements, foot, sessions, availability, runs, activities,
         questionnaires, overrides, plan_changes) = (cur.fetchall() for cur in cursors)
        for cur in cursors:
            cur.close()
        with gc_paused():
            return _assemble([person], intakes=intakes, screenings=screenings,
                             measurements=measurements, foot_observations=foot,
                             sessions=sessions, availability=availability,
                             planned_runs=runs, recorded_activities=_utc_rows(activities, 1),
                             questionnaires=questionnaires, overrides=overrides,
                             plan_changes=plan_changes)[0]


_ONE_PERSON_TABLES: tuple[tuple[Table, tuple[ColumnElement[Any], ...]], ...] = (
    (t.intakes, _INTAKE_COLS), (t.screenings, _SCREENING_COLS),
    (t.measurements, _MEASUREMENT_COLS), (t.foot_observations, _FOOT_COLS),
    (t.sessions, _SESSION_COLS), (t.availability, _AVAILABILITY_COLS),
    (t.planned_runs, _RUN_COLS), (t.recorded_activities, _ACTIVITY_COLS),
    (t.questionnaire_responses, _QUESTIONNAIRE_COLS), (t.overrides, _OVERRIDE_COLS),
    (t.plan_changes, _PLAN_CHANGE_COLS))
_one_person_compiled: dict[str, tuple[str, ...]] = {}


def _one_person_sql(dialect: Dialect) -> tuple[str, ...]:
    """The statements of :meth:`PersonRepository._build_one_pipelined`, compiled for the
    dialect once: each table's rows for person ``pid`` in the order :meth:`_build` reads
    them."""
    if (done := _one_person_compiled.get(dialect.name)) is not None:
        return done
    pid: BindParameter[int] = bindparam("pid")

    def rows(table: Table, cols: Sequence[ColumnElement[Any]]) -> Select[Any]:
        stmt: Select[Any] = select(*cols).where(table.c.person_id == pid)
        return stmt.order_by(table.c.id) if "id" in table.c else stmt

    done = tuple(str(rows(*spec).compile(dialect=dialect)) for spec in _ONE_PERSON_TABLES)
    _one_person_compiled[dialect.name] = done
    return done


def _utc_rows(rows: _Rows, column: int) -> _Rows:
    """Rows with the timestamp in ``column`` in UTC, as :class:`tables.UTCDateTime` gives it
    (the driver gives it in the connection's time zone)."""
    utc = dt.UTC
    return [(*row[:column], row[column].astimezone(utc), *row[column + 1:]) for row in rows]


_upserts: dict[tuple[str, str, tuple[str, ...], tuple[str, ...]], Any] = {}


def _upsert_statement(dialect: str, table: Table, key_cols: tuple[str, ...],
                      update_cols: tuple[str, ...]) -> Any:
    """INSERT … ON CONFLICT DO UPDATE for the dialect, built once per table and columns."""
    cache_key = (dialect, table.name, key_cols, update_cols)
    if (stmt := _upserts.get(cache_key)) is not None:
        return stmt
    if dialect == "postgresql":  # each dialect imported when its database is used
        from sqlalchemy.dialects import postgresql

        pg = postgresql.insert(table)
        stmt = pg.on_conflict_do_update(
            index_elements=list(key_cols), set_={c: pg.excluded[c] for c in update_cols})
    elif dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        lite = sqlite.insert(table)
        stmt = lite.on_conflict_do_update(
            index_elements=list(key_cols), set_={c: lite.excluded[c] for c in update_cols})
    else:  # make_engine opens nothing else
        raise StoreError(f"The {dialect} database is not supported; use SQLite or PostgreSQL.")
    _upserts[cache_key] = stmt
    return stmt


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a batch is built (or decided).

    Building a batch allocates hundreds of thousands of container objects and none of them
    form cycles; left on, the collector keeps re-scanning them and doubles the build time.
    Only the build itself runs paused, never the caller's work between batches. Nested
    uses leave the collector as the outermost found it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _assemble(people: Sequence[tuple[Any, ...]], *, intakes: _Rows, screenings: _Rows,
              measurements: _Rows, foot_observations: _Rows, sessions: _Rows,
              availability: _Rows, planned_runs: _Rows,
              recorded_activities: _Rows = (), questionnaires: _Rows = (),
              overrides: _Rows = (), plan_changes: _Rows = (),
              day: Callable[[Any], dt.date] = _same) -> list[History]:
    """Build histories from the rows of each table (the columns of ``_*_COLS``).

    The models are built as trusted (see :func:`_trusted`): each part as the frozen model
    itself, each list sorted by date as :class:`History` sorts it. Rows of a person not in
    ``people`` are skipped: under READ COMMITTED another transaction may commit a person
    inside the id range between two of our queries.
    """
    try:
        return _assemble_trusted(people, intakes, screenings, measurements, foot_observations,
                                 sessions, availability, planned_runs,
                                 recorded_activities, questionnaires, overrides, plan_changes,
                                 day)
    except KeyError as e:  # a stored enum text no member has (a newer Anklet wrote it)
        raise StoreError(f"The database holds {e.args[0]!r}, a value this version of Anklet "
                         f"does not know; use the version that stored it.") from None


def _assemble_trusted(people: Sequence[tuple[Any, ...]], intakes: _Rows, screenings: _Rows,
                      measurements: _Rows, foot_observations: _Rows, sessions: _Rows,
                      availability: _Rows, planned_runs: _Rows,
                      recorded_activities: _Rows, questionnaires: _Rows,
                      overrides: _Rows, plan_changes: _Rows,
                      day: Callable[[Any], dt.date]) -> list[History]:
    new = _trusted
    parts: dict[int, _Parts] = {pid: _Parts() for pid, *_ in people}
    intake_of: dict[int, Intake] = {}
    for (pid, date, goals, activities, lsp, llast, lsurg, lsdate, rsp, rlast, rsurg,
         rsdate, age, sex, falls, fear, goal_type) in intakes:
        if pid in parts:
            intake_of[pid] = new(Intake, {
                "date": date, "goals": _decode(goals),
                "activities": [_ACTIVITIES[a] for a in _decode(activities)],
                "left": new(SideHistory, {"sprains": lsp, "last_sprain": llast,
                                          "surgery": lsurg, "surgery_date": lsdate}),
                "right": new(SideHistory, {"sprains": rsp, "last_sprain": rlast,
                                           "surgery": rsurg, "surgery_date": rsdate}),
                "age": age, "sex": _SEXES[sex], "falls_12m": falls, "fear_of_falling": fear,
                "goal_type": _GOAL_TYPES[goal_type]})
    for (pid, date, kind, lrest, lact, lswell, lgive, rrest, ract, rswell, rgive,
         flags) in screenings:
        if (p := parts.get(pid)) is not None:
            p.screenings.append(new(Screening, {
                "date": date, "kind": _SCREENING_KINDS[kind],
                "left": new(Symptoms, {"pain_rest": lrest, "pain_activity": lact,
                                       "swelling": lswell, "giving_way": lgive}),
                "right": new(Symptoms, {"pain_rest": rrest, "pain_activity": ract,
                                        "swelling": rswell, "giving_way": rgive}),
                "red_flags": _decode(flags)}))
    for pid, date, side, kind, value, method, pain, leg, rater, notes in measurements:
        if (p := parts.get(pid)) is not None:
            p.measurements.append(new(Measurement, {
                "date": day(date), "side": _SIDES[side], "kind": _KINDS[kind], "value": value,
                "method": _METHODS[method], "pain": pain, "leg_length_cm": leg,
                "rater": rater, "notes": notes}))
    for pid, date, side, posture, arch, notes in foot_observations:
        if (p := parts.get(pid)) is not None:
            p.foot_observations.append(new(FootObservation, {
                "date": date, "side": _SIDES[side], "posture": _POSTURES[posture],
                "arch": _ARCHES[arch], "notes": notes}))
    # A session's exercises come as the JSON text of its list, and plans repeat: within one
    # person, each distinct text is decoded once, and each distinct logged exercise is one
    # frozen instance shared by the sessions that hold it (each session gets a list of its
    # own). Rows come by person; the shared ones start afresh whenever the person changes,
    # so no two people share one.
    lists_of: dict[str, list[ExerciseLog]] = {}
    logs: dict[tuple[Any, ...], ExerciseLog] = {}
    last_pid = None
    for pid, date, rpe, before, during, morning, notes, exercises, gait_off in sessions:
        if (p := parts.get(pid)) is None:
            continue
        if pid != last_pid:
            lists_of, logs, last_pid = {}, {}, pid
        found = lists_of.get(exercises)
        if found is None:
            found = lists_of[exercises] = []
            for e in _decode(exercises):
                key = (*e.items(), repr(e.get("load_kg")))  # -0.0 == 0.0, but not as text
                if (log := logs.get(key)) is None:
                    log = logs[key] = new(ExerciseLog, {
                        "exercise_id": e["exercise_id"], "side": _EXERCISE_SIDES[e["side"]],
                        "sets": e.get("sets"), "reps": e.get("reps"),
                        "seconds": e.get("seconds"), "load_kg": _float(e.get("load_kg")),
                        "rounds": e.get("rounds")})
                found.append(log)
        p.sessions.append(new(Session, {
            "date": day(date), "exercises": found.copy(), "rpe": rpe, "pain_before": before,
            "pain_during": during, "pain_next_morning": morning, "notes": notes,
            "gait_off": bool(gait_off)}))  # SQLite's driver gives 0 or 1
    availability_of: dict[int, Availability] = {}
    for pid, *minutes in availability:
        if pid in parts:
            availability_of[pid] = new(Availability, dict(zip(t.WEEKDAY_COLUMNS, minutes,
                                                              strict=True)))
    for pid, date, kind, minutes, title, calendar, event_key in planned_runs:
        if (p := parts.get(pid)) is not None:
            p.planned_runs.append(new(PlannedRun, {"date": day(date), "kind": _RUN_KINDS[kind],
                                                   "minutes": minutes, "title": title,
                                                   "calendar": calendar, "event": event_key}))
    for (pid, start, offset, sport, duration, distance, laps, cadence, cadence_sd,
         content_hash, source, name) in recorded_activities:
        if (p := parts.get(pid)) is not None:
            p.recorded_activities.append(new(RecordedActivity, {
                "start": start, "utc_offset_min": offset, "sport": _SPORTS[sport],
                "duration_s": duration, "distance_m": distance,
                "laps": [new(Lap, {"duration_s": float(lap["duration_s"]),
                                   "distance_m": _float(lap.get("distance_m"))})
                         for lap in _decode(laps)],
                "cadence_spm": cadence, "cadence_sd": cadence_sd, "content_hash": content_hash,
                "source": source, "name": name}))
    for pid, date, instrument, side, answers in questionnaires:
        if (p := parts.get(pid)) is not None:
            p.questionnaires.append(new(QuestionnaireResponse, {
                "date": day(date), "instrument": instrument, "side": _SIDES[side],
                "answers": _decode(answers)}))
    for pid, date, stage, reason, by in overrides:
        if (p := parts.get(pid)) is not None:
            p.overrides.append(new(Override, {"date": date, "stage": stage, "reason": reason,
                                              "by": by}))
    for pid, date, kind, exercise, replacement, sets, reps, seconds, note, by, ended in plan_changes:
        if (p := parts.get(pid)) is not None:
            p.plan_changes.append(new(PlanChange, {
                "date": date, "kind": _PLAN_CHANGE_KINDS[kind], "exercise": exercise,
                "replacement": replacement, "sets": sets, "reps": reps, "seconds": seconds,
                "note": note, "by": by, "ended": ended}))
    default_availability = Availability()
    out = []
    for pid, key, name, created, dominant in people:
        p = parts[pid]
        out.append(new(History, {
            "format": FORMAT, "version": VERSION,
            "person": new(Person, {"id": key, "name": name, "created": created,
                                   "dominant_side": _SIDES[dominant]}),
            "intake": intake_of.get(pid),
            # by date (and start) as History sorts them; rows come in insertion order
            "screenings": _in_order(p.screenings, _DATE),
            "measurements": _in_order(p.measurements, _DATE),
            "foot_observations": _in_order(p.foot_observations, _DATE),
            "sessions": _in_order(p.sessions, _DATE),
            "availability": availability_of.get(pid, default_availability),
            "planned_runs": _in_order(p.planned_runs, _DATE),
            "recorded_activities": _in_order(p.recorded_activities, _START),
            "questionnaires": _in_order(p.questionnaires, _DATE),
            "overrides": _in_order(p.overrides, _DATE),
            "plan_changes": _in_order(p.plan_changes, _DATE),
            "messages": None,  # the thread is exported by services.messages, not read here
        }))
    return out


def _questionnaire_doc(row: Sequence[Any]) -> dict[str, Any]:
    """A questionnaire response as a dict from a row of ``_QUESTIONNAIRE_COLS``."""
    _, date, instrument, side, answers = row
    return {"date": date, "instrument": instrument, "side": _SIDES.get(side, side),
            "answers": _decode(answers)}


def _activity_doc(row: Sequence[Any]) -> dict[str, Any]:
    """A recorded activity as a dict from a row of ``_ACTIVITY_COLS``."""
    (_, start, offset, sport, duration, distance, laps, cadence, cadence_sd, content_hash,
     source, name) = row
    return {"start": start, "utc_offset_min": offset, "sport": _SPORTS.get(sport, sport),
            "duration_s": duration, "distance_m": distance, "laps": _decode(laps),
            "cadence_spm": cadence, "cadence_sd": cadence_sd, "content_hash": content_hash,
            "source": source, "name": name}
