"""The symptom check-in form, shared by the client's own page (``/me/check-in``) and the
coach's person page (``/people/{key}/check-in``).

Per side it asks pain at rest (0-10), pain when active (0-10), whether the ankle is swollen
and whether it gave way since the last check-in. Every answer is needed: a blank one is
named, like a wrong one, and nothing is stored until all of them are good. The check-in is
stored, the person re-decided and the decision saved in one transaction, like every write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from anklet.domain.history import History, Screening, Symptoms
from anklet.services import evaluation, records
from anklet.services.context import Context
from anklet.store.uow import UnitOfWork

SIDES = (("left", "Left ankle"), ("right", "Right ankle"))
PAIN_FIELDS = (("pain_rest", "Pain at rest"), ("pain_activity", "Pain when active"))
YES_NO_FIELDS = (("swelling", "Is it swollen?"),
                 ("giving_way", "Has it given way since the last check-in?"))
YES = "yes"
NO = "no"

NUDGE_DAYS = 7
"""Show the Today page's check-in reminder once the newest symptom answers are older than this
many days (or missing). Only a reminder on the page, decided by nothing: the protocol's own window
(answers older than that stop counting toward a gate) is twice as long, so a weekly reminder
leaves a week to answer it."""


def field_name(side: str, field: str) -> str:
    return f"{side}_{field}"


FIELDS = tuple(field_name(s, f) for s, _ in SIDES for f, _ in (*PAIN_FIELDS, *YES_NO_FIELDS))
"""Every answer's form field, in the order the form shows them (errors follow it)."""


@dataclass(frozen=True)
class Answers:
    """A check-in form read: the symptoms per side when every answer is good, else errors."""

    left: Symptoms | None
    right: Symptoms | None
    errors: dict[str, str]


def read(values: dict[str, str]) -> Answers:
    """The two sides' symptoms from the posted form, with one plain-words error per field."""
    errors: dict[str, str] = {}
    sides: dict[str, Symptoms | None] = {}
    for side, side_label in SIDES:
        answers: dict[str, int | bool] = {}
        for field, label in PAIN_FIELDS:
            name = field_name(side, field)
            raw = (values.get(name) or "").strip()
            if raw == "":
                errors[name] = f"{side_label}, {label.lower()}: tap a number from 0 to 10."
            elif not (raw.isascii() and raw.isdigit()) or not 0 <= int(raw) <= 10:
                errors[name] = (f"{side_label}, {label.lower()} is a number from 0 (none) to "
                                f"10 (worst); “{raw}” is not.")
            else:
                answers[field] = int(raw)
        for field, label in YES_NO_FIELDS:
            name = field_name(side, field)
            raw = (values.get(name) or "").strip().lower()
            if raw not in (YES, NO):
                errors[name] = f"{side_label}: {label[0].lower()}{label[1:]} Choose yes or no."
            else:
                answers[field] = raw == YES
        sides[side] = (Symptoms.model_validate(answers)
                       if len(answers) == len(PAIN_FIELDS) + len(YES_NO_FIELDS) else None)
    return Answers(sides["left"], sides["right"], errors)


def store(uow: UnitOfWork, ctx: Context, *, key: str, date: dt.date, left: Symptoms,
          right: Symptoms) -> Screening:
    """Store the check-in and re-decide in the same transaction (the caller commits)."""
    screening = Screening(date=date, kind="check_in", left=left, right=right)
    records.create_screening(uow, key=key, screening=screening, protocol=ctx.protocol)
    evaluation.refresh(uow, key=key, protocol=ctx.protocol, library=ctx.library)
    return screening


def latest_answers(history: History) -> dt.date | None:
    """The date of the newest screen or check-in (both answer the symptom questions)."""
    return max((s.date for s in history.screenings), default=None)


def due(history: History, today: dt.date) -> bool:
    """Whether the Today page asks for a check-in: no answers yet, or none this week."""
    last = latest_answers(history)
    return last is None or (today - last).days > NUDGE_DAYS


def saved_text(screening: Screening) -> str:
    """The confirmation after a check-in, in plain words."""
    text = "Thanks, your check-in is saved."
    unsettled = [side for side, _ in SIDES
                 if (s := getattr(screening, side)).swelling or s.giving_way]
    if unsettled:
        which = " and ".join(unsettled)
        text += (f" Swelling or giving way ({which}) keeps the harder stages on hold until it "
                 f"settles.")
    return text
