"""Plans a physio would sign: a harder balance variant only once plain single-leg balance holds
what it asks (the weaker side's last test), and timed soft-tissue release stays at its studied
amount however high the dose level climbs (it is still lowered while the dose is cut)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from anklet.domain.decisions import CriterionResult, Decision, GateResult
from anklet.domain.exercises import Category, load_library
from anklet.domain.history import Availability, History, Measurement, Person
from anklet.domain.measures import MeasureKind, reached_words
from anklet.domain.plan_changes import dose_bounds
from anklet.domain.planner import plan_week
from anklet.domain.protocol import load_protocol

PROTOCOL = load_protocol()
LIBRARY = load_library()
MONDAY = dt.date(2026, 11, 23)
HARDER_BALANCE = {e.id for e in LIBRARY.exercises if MeasureKind.BALANCE_EYES_OPEN in e.needs}


def _decision(stage: int, level: float, variant: int) -> Decision:
    return Decision(person_id="p", as_of=MONDAY, status="working", stage=stage,
                    stage_name=PROTOCOL.stage(stage).name, stage_since=MONDAY - dt.timedelta(30),
                    dose_level=level, variant_level=variant, gate=None, clear_to_train=False,
                    asymmetries=(), flags=(), reasons=("a reason",), timeline=())


def _plan(stage: int, level: float, variant: int, balance: tuple[float, float] | None = None):  # type: ignore[no-untyped-def]
    measures = []
    if balance is not None:
        for side, value in zip(("left", "right"), balance, strict=True):
            measures.append(Measurement(date=MONDAY - dt.timedelta(days=3), side=side,
                                        kind=MeasureKind.BALANCE_EYES_OPEN, value=value))
    h = History(person=Person(id="p", name="P"), measurements=measures,
                availability=Availability(mon=60, tue=60, wed=60, thu=60, fri=60, sat=60,
                                          sun=60))
    return plan_week(_decision(stage, level, variant), h, week_start=MONDAY, protocol=PROTOCOL,
                     library=LIBRARY)


def _items(plan):  # type: ignore[no-untyped-def]
    return [i for d in plan.days for b in d.blocks for i in b.items]


def test_every_balance_exercise_but_the_plain_stance_needs_thirty_seconds_first() -> None:
    balance = {e.id for e in LIBRARY.exercises if e.category is Category.BALANCE}
    assert balance - {"single-leg-stance"} == HARDER_BALANCE
    assert {LIBRARY.by_id[x].needs[MeasureKind.BALANCE_EYES_OPEN] for x in HARDER_BALANCE} == {30}


@pytest.mark.parametrize("variant", [2, 3])
def test_a_person_who_holds_twenty_seconds_gets_plain_single_leg_balance(variant: int) -> None:
    plan = _plan(3, 1.3, variant, balance=(35, 20))
    balance = {i.exercise.id for i in _items(plan) if i.exercise.category is Category.BALANCE}
    assert balance, "a stage-3 week has balance work"
    assert not balance & HARDER_BALANCE
    assert "single-leg-stance" in balance


def test_once_both_sides_hold_thirty_seconds_the_harder_variant_comes() -> None:
    plan = _plan(3, 1.3, 2, balance=(35, 31))
    balance = {i.exercise.id for i in _items(plan) if i.exercise.category is Category.BALANCE}
    assert balance & HARDER_BALANCE


def test_an_older_test_does_not_count_once_a_newer_one_is_in() -> None:
    # tested at 20 s on the weaker side, then retested a week later at 32 s
    measures = [Measurement(date=MONDAY - dt.timedelta(days=d), side=s,
                            kind=MeasureKind.BALANCE_EYES_OPEN, value=v)
                for d, s, v in ((10, "left", 35), (10, "right", 20),
                                (2, "left", 36), (2, "right", 32))]
    hist = History(person=Person(id="p", name="P"), measurements=measures,
                   availability=Availability(mon=60, tue=60, wed=60, thu=60, fri=60, sat=60,
                                             sun=60))
    again = plan_week(_decision(3, 1.3, 2), hist, week_start=MONDAY, protocol=PROTOCOL,
                      library=LIBRARY)
    balance = {i.exercise.id for i in _items(again) if i.exercise.category is Category.BALANCE}
    assert balance & HARDER_BALANCE


def test_timed_release_stays_at_its_studied_amount_at_the_top_dose_level() -> None:
    top = PROTOCOL.dosing.max_level.value
    release = [i for i in _items(_plan(2, top, 1))
               if i.exercise.category in (Category.FOOT_RELEASE, Category.SHIN_CALF_RELEASE)
               and i.exercise.dose.seconds]
    assert release, "a stage-2 week has timed release"
    for item in release:
        amounts = item.prescribed(top)
        assert amounts.seconds == item.exercise.dose.seconds, item.exercise.id
        assert f"{item.exercise.dose.seconds} s" in item.dose


def test_timed_release_is_still_lowered_while_the_dose_is_cut() -> None:
    calf = LIBRARY.by_id["calf-roll-seated"]
    assert calf.dose.scaled(0.8)["seconds"] == 50
    assert calf.dose.scaled(1.5)["seconds"] == 60


def test_strength_still_grows_with_the_dose_level() -> None:
    raise_ = next(e for e in LIBRARY.exercises if e.category is Category.CALF_STRENGTH
                  and e.dose.reps)
    assert raise_.dose.grows
    assert (raise_.dose.scaled(1.5)["reps"] or 0) > (raise_.dose.scaled(1.0)["reps"] or 0)


def test_every_test_kind_has_plain_words_for_the_result_an_exercise_waits_for() -> None:
    for kind in MeasureKind:
        words = reached_words(kind, 12)
        assert "12" in words, kind
        assert "{" not in words, kind
    assert reached_words(MeasureKind.BALANCE_EYES_OPEN, 30) == (
        "you can stand 30 s on each leg, eyes open, in the balance test")


def test_the_planners_reason_for_holding_back_a_variant_reads_as_the_exercise_page_does() -> None:
    from anklet.domain.planner import _person, _why_not

    measures = [Measurement(date=MONDAY - dt.timedelta(days=3), side=s,
                            kind=MeasureKind.BALANCE_EYES_OPEN, value=v)
                for s, v in (("left", 35), ("right", 20))]
    h = History(person=Person(id="p", name="P"), measurements=measures)
    who = _person(_decision(3, 1.0, 2), h, PROTOCOL, MONDAY)
    why = _why_not(LIBRARY.get("single-leg-eyes-closed"), who)
    assert why == ("it comes once you can stand 30 s on each leg, eyes open, in the balance "
                   "test (the weaker side had 20 s at the last test)")


SINGLE_LEG_RAISES = {e.id for e in LIBRARY.exercises if MeasureKind.HEEL_RAISE in e.needs}


def _calf_plan(heel: tuple[float, float], variant: int) -> set[str]:
    measures = [Measurement(date=MONDAY - dt.timedelta(days=3), side=side,
                            kind=MeasureKind.HEEL_RAISE, value=value)
                for side, value in zip(("left", "right"), heel, strict=True)]
    h = History(person=Person(id="p", name="P"), measurements=measures,
                availability=Availability(mon=60, tue=60, wed=60, thu=60, fri=60, sat=60,
                                          sun=60))
    lsi = round(100 * min(heel) / max(heel), 1)
    behind = CriterionResult(id="heel_raise_lsi", label="Heel raises, weaker side as % of "
                             "stronger", metric="heel_raise_lsi", op=">=", threshold=90,
                             unit="%", source="convention", met=lsi >= 90, assessed=True,
                             values={"both": lsi}, where="")
    d = dataclasses.replace(_decision(3, 1.5, variant), gate=GateResult(
        from_stage=3, to_stage=4, criteria=(behind,)))
    plan = plan_week(d, h, week_start=MONDAY, protocol=PROTOCOL, library=LIBRARY)
    assert plan.count("calf_strength") >= 2  # the blocker puts calf work in the week
    return {i.exercise.id for i in _items(plan) if i.exercise.category is Category.CALF_STRENGTH}


def test_every_single_leg_heel_raise_waits_for_a_calf_that_manages_its_sets() -> None:
    calf = {e.id for e in LIBRARY.exercises if e.category is Category.CALF_STRENGTH}
    assert calf - SINGLE_LEG_RAISES == {"double-leg-heel-raise"}
    for x in SINGLE_LEG_RAISES:
        e = LIBRARY.by_id[x]
        most = e.dose.scaled(PROTOCOL.dosing.max_level.value)["reps"]
        assert most is not None
        assert e.needs[MeasureKind.HEEL_RAISE] >= most, x  # the top dose is not past failure


def test_a_harder_version_never_waits_for_less_than_its_easier_one() -> None:
    checked = 0
    for e in LIBRARY.exercises:
        if e.harder is None:
            continue
        h = LIBRARY.by_id[e.harder]
        for kind, least in e.needs.items():
            assert h.needs.get(kind, 0) >= least, (e.id, h.id, kind)
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize("variant", [1, 2, 3])
def test_a_calf_that_manages_six_raises_gets_the_double_leg_raise(variant: int) -> None:
    # 6 single-leg raises to fatigue on the weaker side: 3 x 10 (or 3 x 15) on one leg is
    # out of reach; the double-leg raise builds the calf up first
    calf = _calf_plan((9, 6), variant)
    assert calf == {"double-leg-heel-raise"}


def test_once_the_weaker_calf_manages_fifteen_the_single_leg_raises_come() -> None:
    assert _calf_plan((19, 15), 2) & SINGLE_LEG_RAISES
    assert not _calf_plan((19, 14), 2) & SINGLE_LEG_RAISES
    # the bent-knee and step versions (exercise level 3) wait for 20
    assert not _calf_plan((25, 19), 3) & {"bent-knee-heel-raise", "step-single-leg-heel-raise"}
    assert _calf_plan((25, 20), 3) & {"bent-knee-heel-raise", "step-single-leg-heel-raise"}


def test_a_held_stretch_never_grows_past_thirty_seconds() -> None:
    # ACSM: static stretches held 10-30 s (about 60 s a muscle group); every timed
    # ankle-mobility exercise is such a hold, so a higher dose level does not lengthen it
    top, low = PROTOCOL.dosing.max_level.value, PROTOCOL.dosing.min_level.value
    holds = [e for e in LIBRARY.exercises
             if e.category is Category.ANKLE_MOBILITY and e.dose.seconds]
    assert len(holds) >= 5
    for e in holds:
        assert e.dose.seconds is not None
        assert e.dose.seconds <= 30, e.id
        assert e.dose.scaled(top)["seconds"] == e.dose.seconds, e.id
        least = e.dose.scaled(low)["seconds"]
        assert least is not None
        assert least < e.dose.seconds, e.id  # still lowered while the dose is cut


@pytest.mark.parametrize("level", [0.6, 0.8, 1.0, 1.2, 1.5])
def test_the_cadence_check_counts_for_thirty_seconds_at_every_level(level: float) -> None:
    # "count every foot strike for 30 seconds and double it": 25 or 35 s gives a wrong count
    e = LIBRARY.by_id["cadence-check"]
    assert "30 seconds" in e.how[0]
    assert e.dose.scaled(level)["seconds"] == 30
    assert "2 × 30 s" in e.dose.describe(level)
    assert dose_bounds(e, PROTOCOL)["seconds"] == (30, 30)


_TIME_WORDS = re.compile(r"\b(\d+|one|two|three|five|ten|twenty|thirty|forty|sixty)\s+"
                         r"(seconds?|minutes?)\b", re.IGNORECASE)


def test_a_timed_amount_that_grows_is_not_also_written_into_its_steps() -> None:
    # "Stand tall for 30 seconds" beside a plan that says 3 × 40 s: the steps say "for the
    # time in your plan" and the plan (and the exercise page's table) give the number
    checked = 0
    for e in LIBRARY.exercises:
        d = e.dose
        if not d.seconds or not d.grows or d.fixed:
            continue
        checked += 1
        for step in e.how:
            if "could" in step:  # a load: "ones you could carry for about a minute"
                continue
            assert not _TIME_WORDS.search(step), (e.id, step)
    assert checked >= 20
