"""Corrections: edit or delete one recorded measurement, screen, check-in, foot observation,
questionnaire answer or session, by its id.

Each correction is one write in the caller's unit of work: the record is read (another
person's id is not found, exactly as a missing one), the edit is validated exactly as a new
record of its kind is (the model's ranges and rules, then the same checks the create path
makes: every red-flag question answered, exercises from the library), stored in place,
written to the audit log (who, when, which record, old → new), and the person is decided
again, so the stage, the gates and the adherence read the corrected record. Nothing is
changed when any step refuses: the caller commits only after all of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import ValidationError

from anklet.domain.decisions import STATUS_TEXT, Decision
from anklet.domain.errors import InputError
from anklet.domain.exercises import Library
from anklet.domain.history import (
    FootObservation,
    Measurement,
    QuestionnaireResponse,
    Screening,
    Session,
    Symptoms,
    problems_from,
)
from anklet.domain.measures import MEASURE_INFO
from anklet.domain.protocol import Protocol
from anklet.services import evaluation, records
from anklet.store.repository import RECORD_KINDS, Record, StoredDecision
from anklet.store.uow import UnitOfWork

__all__ = ["EDITABLE", "KIND_NAMES", "RECORD_KINDS", "Correction", "delete", "describe", "edit",
           "field_label", "list_records", "summary", "title"]

EDITABLE: dict[str, tuple[str, ...]] = {
    "measurement": ("date", "side", "value", "method", "pain", "leg_length_cm", "rater",
                    "notes"),
    "screen": ("date", "left", "right", "red_flags"),
    "check_in": ("date", "left", "right"),
    "foot_observation": ("date", "side", "posture", "arch", "notes"),
    "questionnaire": ("date", "side", "answers"),
    "session": ("date", "exercises", "rpe", "pain_before", "pain_during", "pain_next_morning",
                "notes", "gait_off"),
}
"""The fields a correction may change, per kind of record. What the record *is* stays: a
measurement's test, a questionnaire's instrument (record a new one and delete the wrong
one instead)."""

KIND_NAMES: dict[str, str] = {
    "measurement": "measurement", "screen": "red-flag screen", "check_in": "check-in",
    "foot_observation": "foot observation", "questionnaire": "questionnaire",
    "session": "session",
}
"""Each kind of record in plain words."""

_FIELD_LABELS: dict[str, str] = {
    "date": "date", "side": "side", "value": "result", "method": "how it was measured",
    "pain": "pain during the test", "leg_length_cm": "leg length", "rater": "measured by",
    "notes": "notes", "left": "left ankle", "right": "right ankle",
    "red_flags": "red-flag answers", "posture": "posture", "arch": "arch",
    "answers": "answers", "exercises": "exercises", "rpe": "effort (0–10)",
    "pain_before": "pain before", "pain_during": "pain during",
    "pain_next_morning": "pain the next morning", "gait_off": "walking or running felt off",
}

_SYMPTOMS = {"pain_rest": "pain at rest", "pain_activity": "pain when active",
             "swelling": "swelling", "giving_way": "giving way"}

_QUESTIONNAIRE_NAMES = {"cait": "ankle instability questionnaire",
                        "faam": "foot and ankle ability questionnaire",
                        "confidence": "confidence questionnaire"}


def field_label(field: str) -> str:
    """A field of a record in plain words."""
    return _FIELD_LABELS.get(field, field.replace("_", " "))


def _day(value: dt.date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def describe(kind: str, record: Record) -> str:
    """A record in a few plain words: "Knee-to-wall distance, left, on Mon 2 Nov 2026"."""
    when = _day(record.date)
    if isinstance(record, Measurement):
        label = MEASURE_INFO[record.kind][0]
        return f"{label}, {record.side.value}, on {when}"
    if isinstance(record, FootObservation):
        return f"The {record.side.value} foot observation on {when}"
    if isinstance(record, QuestionnaireResponse):
        name = _QUESTIONNAIRE_NAMES.get(record.instrument, record.instrument)
        side = f" ({record.side.value} ankle)" if record.side else ""
        return f"The {name}{side} on {when}"
    if isinstance(record, Session):
        return f"The session on {when}"
    return f"The {KIND_NAMES[kind]} on {when}"


def title(kind: str, record: Record) -> str:
    """The name of a record's kind, or of its test or questionnaire: "Knee-to-wall distance"."""
    if isinstance(record, Measurement):
        return MEASURE_INFO[record.kind][0]
    if isinstance(record, QuestionnaireResponse):
        return _QUESTIONNAIRE_NAMES.get(record.instrument, record.instrument).capitalize()
    return KIND_NAMES[kind].capitalize()


def _shown(record: Record, field: str, value: Any) -> str:
    """A field's value as a person reads it."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return _day(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, float):
        text = f"{value:g}"
        if field == "value" and isinstance(record, Measurement):
            return f"{text} {MEASURE_INFO[record.kind][1].unit}"
        return f"{text} cm" if field == "leg_length_cm" else text
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Correction:
    """What a correction did, for the answer and the page that reports it."""

    kind: str
    record_id: int
    old: Record
    new: Record | None
    """The record as it is now; None when it was deleted."""
    changed: tuple[str, ...]
    before: StoredDecision | None
    decision: Decision

    @property
    def message(self) -> str:
        """What happened, in plain words, with what the plan check found."""
        what = describe(self.kind, self.old)
        if self.new is None:
            head = f"{what} was deleted."
        elif not self.changed:
            head = f"{what}: nothing was changed."
        else:
            new = self.new
            parts = []
            for f in self.changed:
                old_v, new_v = getattr(self.old, f), getattr(new, f)
                if isinstance(old_v, Symptoms) and isinstance(new_v, Symptoms):
                    parts += [f"{field_label(f)} {_SYMPTOMS[name]} changed from "
                              f"{_shown(new, name, getattr(old_v, name))} to "
                              f"{_shown(new, name, getattr(new_v, name))}"
                              for name in _SYMPTOMS
                              if getattr(old_v, name) != getattr(new_v, name)]
                elif isinstance(old_v, dict | list) or hasattr(old_v, "model_dump"):
                    parts.append(f"the {field_label(f)} were changed" if f.endswith("s")
                                 else f"the {field_label(f)} was changed")
                else:
                    parts.append(f"the {field_label(f)} changed from "
                                 f"{_shown(self.old, f, old_v)} to {_shown(new, f, new_v)}")
            head = f"{what}: " + "; ".join(parts) + "."
        return f"{head} {self.plan_text}"

    @property
    def plan_text(self) -> str:
        d = self.decision
        now = _state(d.stage, d.stage_name, d.status)
        b = self.before
        if b is None or (b.stage == d.stage and b.status == d.status):
            return f"The plan was checked again and has not changed: {now}."
        was = _state(b.stage, b.summary.get("stage_name"), b.status)
        return f"The plan was checked again and has changed: now {now} (before: {was})."


def _state(stage: int | None, name: object, status: str) -> str:
    """Where a person stands, in words: "stage 2 (Ankle)", "see a clinician first"."""
    if stage is None or status in ("refer", "screen_needed"):
        return STATUS_TEXT[status].lower()
    text = f"stage {stage} ({name})" if name else f"stage {stage}"
    return text if status == "working" else f"{text}, {STATUS_TEXT[status].lower()}"


def _validated(kind: str, data: dict[str, Any]) -> Record:
    model = {"measurement": Measurement, "screen": Screening, "check_in": Screening,
             "foot_observation": FootObservation, "questionnaire": QuestionnaireResponse,
             "session": Session}[kind]
    try:
        value: Record = model.model_validate(data)  # type: ignore[attr-defined]
    except ValidationError as e:
        field, given, accepted = problems_from(e)[0]
        raise InputError(field, given, accepted) from e
    return value


def _check(kind: str, value: Record, protocol: Protocol, library: Library) -> None:
    """The checks a new record of this kind gets after its model's."""
    if isinstance(value, Screening):
        records.check_screening(value, protocol)
    elif isinstance(value, Session):
        records.check_session(value, library)


def _kind(kind: str) -> str:
    if kind not in EDITABLE:
        raise InputError("kind", kind, f"one of: {', '.join(EDITABLE)}")
    return kind


def edit(uow: UnitOfWork, *, key: str, kind: str, record_id: int,
         changes: Mapping[str, Any], protocol: Protocol, library: Library, actor: str,
         account_id: int | None = None) -> Correction:
    """Change some fields of one record (``changes``: field → new value, as a new record
    takes them; ``left``/``right`` of a screen and its ``red_flags`` may give only the
    parts that change). Validated as a new record is; audited; the person re-decided."""
    allowed = EDITABLE[_kind(kind)]
    for field, value in changes.items():
        if field not in allowed:
            raise InputError(field, value, f"a field that can be corrected: {', '.join(allowed)}")
    old = uow.people.record(key, kind, record_id)
    data = old.model_dump()
    for field, value in changes.items():
        current = data.get(field)
        if isinstance(current, dict) and isinstance(value, Mapping) and field != "answers":
            data[field] = {**current, **value}  # a screen's side or red flags: only what changes
        else:
            data[field] = value
    new = _validated(kind, data)
    _check(kind, new, protocol, library)
    changed = tuple(f for f in allowed if getattr(old, f) != getattr(new, f))
    before = uow.people.get_decision(key)
    if changed:
        uow.people.replace_record(key, kind, record_id, new)
        uow.accounts.audit(account_id=account_id, actor=actor, action="edit", person_key=key,
                           detail={"record": kind, "id": record_id,
                                   "date": old.date.isoformat(),
                                   "old": {f: _jsonable(getattr(old, f)) for f in changed},
                                   "new": {f: _jsonable(getattr(new, f)) for f in changed}})
    decision = evaluation.refresh(uow, key=key, protocol=protocol, library=library).decision
    return Correction(kind, record_id, old, new, changed, before, decision)


def delete(uow: UnitOfWork, *, key: str, kind: str, record_id: int, protocol: Protocol,
           library: Library, actor: str, account_id: int | None = None) -> Correction:
    """Delete one record; audited with everything it held; the person re-decided."""
    old = uow.people.record(key, _kind(kind), record_id)
    before = uow.people.get_decision(key)
    uow.people.delete_record(key, kind, record_id)
    uow.accounts.audit(account_id=account_id, actor=actor, action="delete", person_key=key,
                       detail={"record": kind, "id": record_id, "date": old.date.isoformat(),
                               "old": _jsonable(old)})
    decision = evaluation.refresh(uow, key=key, protocol=protocol, library=library).decision
    return Correction(kind, record_id, old, None, (), before, decision)


def summary(record: Record) -> str:
    """What a record holds, in a few words, for lists: "left 8.5 cm", "no red flags"."""
    if isinstance(record, Measurement):
        text = f"{record.side.value} {_shown(record, 'value', record.value)}"
        return text if record.pain is None else f"{text}, pain {record.pain}"
    if isinstance(record, FootObservation):
        return f"{record.side.value} foot: {record.posture.value}, arch {record.arch.value}"
    if isinstance(record, QuestionnaireResponse):
        return f"{len(record.answers)} answers"
    if isinstance(record, Session):
        n = len(record.exercises)
        return (f"{n} exercise{'s' if n != 1 else ''}, pain during {record.pain_during}"
                + (", walking or running felt off" if record.gait_off else ""))
    sides = "; ".join(
        f"{side} pain {s.pain_rest} at rest, {s.pain_activity} active"
        + (", swollen" if s.swelling else "") + (", gave way" if s.giving_way else "")
        for side, s in (("left", record.left), ("right", record.right)))
    if record.kind == "check_in":
        return sides
    flags = sum(record.red_flags.values())
    said = ("no red flags" if not flags else
            f"{flags} red-flag question{'s' if flags != 1 else ''} answered yes")
    return f"{said}; {sides}"


def list_records(uow: UnitOfWork, *, key: str,
                 kinds: tuple[str, ...] = RECORD_KINDS) -> list[tuple[str, int, Record]]:
    """The person's records of ``kinds`` with their ids, by date (then kind, then id)."""
    found = [(kind, i, r) for kind in kinds for i, r in uow.people.records(key, _kind(kind))]
    order = {k: n for n, k in enumerate(RECORD_KINDS)}
    return sorted(found, key=lambda x: (x[2].date, order[x[0]], x[1]))
