"""Each plan item carries its dose in numbers (what the log form and ``log --planned`` fill
in), and the numbers are exactly the ones its words say: the library dose at the plan's
level, a coach's pin (test_pins_while_dose_is_cut), or a day's lunge cap at a lower level."""

from __future__ import annotations

import datetime as dt

import pytest

from anklet.domain.decisions import Decision
from anklet.domain.exercises import load_library
from anklet.domain.history import Availability, History, Person, PlanChange
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
    return [f"{head}{n} {unit}" for n, unit in ((a.reps, "reps"), (a.seconds, "s")) if n]


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
