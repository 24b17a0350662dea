"""A coach's pinned dose never holds the dose up while the engine takes it down for pain or
after a race: the pin waits (shown paused, with why) and the plan's own dose applies."""

from __future__ import annotations

import datetime as dt

import pytest

from anklet.domain.decisions import Decision, Flag
from anklet.domain.exercises import load_library
from anklet.domain.history import Availability, History, Person, PlanChange, PlanChangeKind
from anklet.domain.planner import plan_week
from anklet.domain.protocol import load_protocol

PROTOCOL = load_protocol()
LIBRARY = load_library()
MONDAY = dt.date(2026, 11, 23)
EXERCISE = "seated-active-dorsiflexion"


def _decision(level: float, *flags: str) -> Decision:
    return Decision(person_id="p", as_of=MONDAY, status="working", stage=2,
                    stage_name=PROTOCOL.stage(2).name, stage_since=MONDAY - dt.timedelta(30),
                    dose_level=level, variant_level=1, gate=None, clear_to_train=False,
                    asymmetries=(), flags=tuple(Flag(f, f"{f} text") for f in flags),  # type: ignore[arg-type]
                    reasons=("a reason",), timeline=())


def _plan(pin_reps: int, level: float, *flags: str):  # type: ignore[no-untyped-def]
    pin = PlanChange(date=MONDAY - dt.timedelta(days=7), kind=PlanChangeKind.PIN,
                     exercise=EXERCISE, sets=2, reps=pin_reps, note="holds the range",
                     by="coach@example.org")
    h = History(person=Person(id="p", name="P"), plan_changes=[pin],
                availability=Availability(mon=60, tue=60, wed=60, thu=60, fri=60, sat=60,
                                          sun=60))
    return plan_week(_decision(level, *flags), h, week_start=MONDAY, protocol=PROTOCOL,
                     library=LIBRARY)


def _status(plan):  # type: ignore[no-untyped-def]
    (s,) = [c for c in plan.coach_changes if c.change.exercise == EXERCISE]
    return s


def _today(level: float) -> int:
    reps = LIBRARY.by_id[EXERCISE].dose.scaled(level)["reps"]
    assert reps is not None
    return reps


@pytest.mark.parametrize("flag", ["pain_flare", "not_settled", "rising_pain"])
def test_pin_above_the_cut_dose_waits_while_pain_settles(flag: str) -> None:
    level = 0.8
    s = _status(_plan(_today(level) + 1, level, flag))
    assert not s.applied
    assert "the dose is cut while pain settles" in (s.reason or "")


def test_pin_at_the_cut_dose_stays_during_a_flare() -> None:
    level = 0.8
    assert _status(_plan(_today(level), level, "pain_flare")).applied


def test_pin_above_todays_dose_applies_without_pain_trouble() -> None:
    assert _status(_plan(_today(1.0) + 2, 1.0)).applied
    assert _status(_plan(_today(1.0) + 2, 1.0, "retest_due")).applied


def _items(plan):  # type: ignore[no-untyped-def]
    return [i for d in plan.days for b in d.blocks for i in b.items if i.exercise.id == EXERCISE]


def test_paused_pin_gives_the_plan_its_own_dose() -> None:
    level = 0.8
    held = _items(_plan(_today(level) + 3, level))
    assert held, "the exercise is planned this week"
    assert all(i.pinned for i in held)  # the pin holds the dose without pain trouble
    cut = _items(_plan(_today(level) + 3, level, "pain_flare"))
    assert cut
    assert not any(i.pinned for i in cut)  # ... and the plan's own dose with it


def test_items_carry_the_pinned_numbers_and_the_cut_ones_while_the_pin_waits() -> None:
    """What a log form is filled in with: the pin's numbers while it holds, the plan's own
    (cut) numbers while it waits, never the library's dose at the normal level."""
    level = 0.8
    pinned = _today(level) + 3
    held = _items(_plan(pinned, level))
    assert {(i.prescribed(level).sets, i.prescribed(level).reps) for i in held} == {(2, pinned)}
    cut = _items(_plan(pinned, level, "pain_flare"))
    assert {i.prescribed(level).reps for i in cut} == {_today(level)}
