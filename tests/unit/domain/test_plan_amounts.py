"""Each plan item carries its dose in numbers (what the log form and ``log --planned`` fill
in), and the numbers are exactly the ones its words say: the library dose at the plan's
level, a coach's pin (test_pins_while_dose_is_cut), or a day's lunge cap at a lower level."""

from __future__ import annotations

import datetime as dt

import pytest

from anklet.domain.decisions import Decision
from anklet.domain.exercises import load_library, seconds_words
from anklet.domain.history import Availability, History, Person, PlanChange
from anklet.domain.plan_changes import dose_bounds
from anklet.domain.planner import Amounts, PlanBlock, PlanItem, WeekPlan, _cap_lunges, plan_week
from anklet.domain.protocol import load_protocol

PROTOCOL = load_protocol()
LIBRARY = load_library()
MONDAY = dt.date(2026, 11, 23)


def _plan(stage: int, level: float, changes: list[PlanChange] | None = None) -> WeekPlan:
    d = Decision(person_id="p", as_of=MONDAY, status="working", stage=stage,
                 stage_name=PROTOCOL.stage(stage).name, stage_since=MONDAY - dt.timedelta(30),
                 dose_level=level, variant_level=2, gate=None, clear_to_train=False,
                 asymmetries=(), flags=(), reasons=("a reason",), timeline=())
    h = History(person=Person(id="p", name="P"), plan_changes=changes or [],
                availability=Availability(mon=90, tue=90, wed=90, thu=90, fri=90, sat=90,
                                          sun=90))
    return plan_week(d, h, week_start=MONDAY, protocol=PROTOCOL, library=LIBRARY)


def _words(item: PlanItem, a: Amounts) -> list[str]:
    """The pieces of ``item.dose`` that ``a`` should produce."""
    head = f"{a.sets} × " if a.sets > 1 else ""
    if a.rounds:
        return [f"{a.rounds} rounds"]
    return [f"{head}{w}" for w in (f"{a.reps} reps" if a.reps else "",
                                    seconds_words(a.seconds) if a.seconds else "") if w]


@pytest.mark.parametrize(("stage", "level"), [(1, 1.0), (2, 0.8), (3, 1.0), (3, 1.6), (4, 1.2)])
def test_every_items_numbers_are_the_ones_its_words_say(stage: int, level: float) -> None:
    plan = _plan(stage, level)
    items = [i for d in plan.days for b in d.blocks for i in b.items]
    assert items
    for i in items:
        assert i.amounts is not None  # the planner always says it in numbers
        assert all(w in i.dose for w in _words(i, i.amounts)), (i.dose, i.amounts)


def test_a_lunge_cut_by_the_days_cap_carries_the_lower_numbers() -> None:
    load = PROTOCOL.planner.load
    ids = ("lateral-lunge", "reverse-lunge")
    items = tuple(PlanItem(LIBRARY.get(i), LIBRARY.get(i).dose.describe(1.6),
                           amounts=Amounts.at(LIBRARY.get(i), 1.6)) for i in ids)
    blocks = [[PlanBlock("three_plane", "Three-plane work", items)]]
    _cap_lunges(blocks, load.lunge_words, int(load.lunge_reps_per_leg_max.value), 1.6,
                int(load.lunge_min_reps_per_set.value))
    for i in blocks[0][0].items:
        a = i.prescribed(1.6)
        full = Amounts.at(i.exercise, 1.6).reps
        assert a.reps is not None
        assert full is not None
        assert a.reps < full
        assert all(w in i.dose for w in _words(i, a)), (i.dose, a)


def test_a_hand_built_item_reads_as_the_library_dose_at_the_plans_level() -> None:
    e = LIBRARY.get("reverse-lunge")
    assert PlanItem(e, "").prescribed(1.2) == Amounts.at(e, 1.2)


# --- timed amounts in steps a person can count ------------------------------------------


def _levels() -> list[float]:
    low, high = PROTOCOL.dosing.min_level.value, PROTOCOL.dosing.max_level.value
    return [round(low + k / 100, 2) for k in range(round((high - low) * 100) + 1)]


def test_every_timed_amount_is_in_five_second_steps_within_the_exercises_range() -> None:
    # 16 s or 12 s is not a hold anyone counts: every level, every timed exercise
    low, high = PROTOCOL.dosing.min_level.value, PROTOCOL.dosing.max_level.value
    timed_ones = [e for e in LIBRARY.exercises if e.dose.seconds]
    assert len(timed_ones) >= 30
    for e in timed_ones:
        least, most = e.dose.scaled(low)["seconds"], e.dose.scaled(high)["seconds"]
        assert least is not None
        assert most is not None
        assert least >= 5
        for level in _levels():
            s = e.dose.scaled(level)["seconds"]
            assert s is not None
            assert s % 5 == 0, (e.id, level, s)
            assert least <= s <= most, (e.id, level, s)
        assert e.dose.scaled(1.0)["seconds"] == e.dose.seconds


@pytest.mark.parametrize(("level", "seconds"), [(0.6, 10), (0.8, 15), (1.0, 20), (1.1, 20),
                                                (1.2, 25), (1.4, 30), (1.5, 30)])
def test_a_twenty_second_hold_moves_in_five_second_steps(level: float, seconds: int) -> None:
    e = LIBRARY.get("single-leg-eyes-closed")
    assert e.dose.seconds == 20
    assert e.dose.scaled(level)["seconds"] == seconds


def test_a_fifteen_second_hold_at_a_cut_dose_is_ten_seconds_in_the_plan_and_its_numbers() -> None:
    # the plan's words, the numbers the log form is filled in with and the guided session
    # (both read PlanItem.prescribed) say the same counted amount
    plan = _plan(3, 0.8)
    items = [i for d in plan.days for b in d.blocks for i in b.items if i.exercise.dose.seconds]
    assert items
    for i in items:
        a = i.prescribed(plan.dose_level)
        assert a.seconds is not None
        assert a.seconds % 5 == 0, (i.exercise.id, a.seconds)
        assert seconds_words(a.seconds) in i.dose


def test_a_coach_may_pin_every_timed_amount_a_plan_can_give() -> None:
    for e in LIBRARY.exercises:
        if not e.dose.seconds or not e.dose.grows:
            continue
        lo, hi = dose_bounds(e, PROTOCOL)["seconds"]
        given = {e.dose.scaled(level)["seconds"] for level in _levels()}
        assert min(given) == lo, e.id
        assert max(given) == hi, e.id


@pytest.mark.parametrize(("seconds", "words"), [(45, "45 s"), (115, "115 s"), (120, "2 min"),
                                                (330, "5 min 30 s"), (600, "10 min")])
def test_a_long_timed_amount_reads_in_minutes(seconds: int, words: str) -> None:
    assert seconds_words(seconds) == words


def test_a_ten_minute_walk_moves_in_half_minutes_and_reads_in_minutes() -> None:
    e = LIBRARY.get("barefoot-home-walking")
    assert e.dose.seconds == 600
    assert e.dose.describe(1.0) == "10 min"
    for level in _levels():
        s = e.dose.scaled(level)["seconds"]
        assert s is not None
        assert s % 30 == 0, (level, s)
    assert e.dose.describe(0.88) == "9 min"  # not "528 s" or "8 min 50 s"
