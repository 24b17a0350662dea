"""A coach's plan changes: each rule just inside and just outside, the planner applying
them, and a change the stage no longer allows shown as paused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from anklet.domain.decisions import Decision, decide
from anklet.domain.errors import InputError
from anklet.domain.exercises import load_library, scale
from anklet.domain.history import (
    Availability,
    ExerciseLog,
    History,
    Intake,
    Person,
    PlanChange,
    PlanChangeKind,
    Screening,
    Session,
    SideHistory,
    load_history_text,
)
from anklet.domain.plan_changes import dose_bounds
from anklet.domain.planner import check_plan_change, plan_week
from anklet.domain.protocol import load_protocol

PROTOCOL = load_protocol()
LIBRARY = load_library()
MONDAY = dt.date(2026, 11, 23)
EVERY_DAY = Availability(mon=60, tue=60, wed=60, thu=60, fri=60, sat=60, sun=60)


def decision(stage: int, level: float = 1.0) -> Decision:
    return Decision(person_id="p", as_of=MONDAY, status="working", stage=stage,
                    stage_name=PROTOCOL.stage(stage).name, stage_since=MONDAY - dt.timedelta(30),
                    dose_level=level, variant_level=1, gate=None, clear_to_train=False,
                    asymmetries=(), flags=(), reasons=("a reason",), timeline=())


def change(kind: str, exercise: str, **kw: Any) -> PlanChange:
    return PlanChange(date=kw.pop("date", MONDAY), kind=PlanChangeKind(kind), exercise=exercise,
                      note=kw.pop("note", "Coach's choice"), by="coach@example.org", **kw)


def history(*changes: PlanChange, **kw: Any) -> History:
    return History(person=Person(id="p", name="P"), availability=EVERY_DAY,
                   plan_changes=list(changes), **kw)


def check(c: PlanChange, stage: int, *others: PlanChange, **kw: Any) -> list[str]:
    return check_plan_change(c, decision(stage), history(*others, **kw), protocol=PROTOCOL,
                             library=LIBRARY)


def planned(plan: Any) -> set[str]:
    return {i.exercise.id for d in plan.days for b in d.blocks for i in b.items}


# --- the record itself ------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "fields", "words"), [
    ("swap", {}, "replacement"),
    ("swap", {"replacement": "ankle-circles"}, "other than"),
    ("remove", {"replacement": "ankle-circles"}, "swap only"),
    ("pin", {"sets": 2}, "either reps or seconds"),
    ("pin", {"sets": 2, "reps": 10, "seconds": 30}, "either reps or seconds"),
    ("add", {"reps": 10}, "pinned dose only"),
    ("add", {"ended": MONDAY - dt.timedelta(days=1)}, "on or after"),
])
def test_plan_change_with_fields_of_another_kind_is_refused(kind: str, fields: dict[str, Any],
                                                            words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        change(kind, "ankle-circles", **fields)


def test_plan_change_applies_from_its_date_until_it_ended() -> None:
    c = change("remove", "ankle-circles", ended=MONDAY + dt.timedelta(days=3))
    assert not c.active_on(MONDAY - dt.timedelta(days=1))
    assert c.active_on(MONDAY)
    assert c.active_on(MONDAY + dt.timedelta(days=2))
    assert not c.active_on(MONDAY + dt.timedelta(days=3))


# --- swap ---------------------------------------------------------------------------------------


def test_swap_within_the_category_is_accepted() -> None:
    assert check(change("swap", "ankle-circles", replacement="ankle-alphabet"), 2) == []


def test_swap_that_moves_the_ankle_fewer_ways_warns() -> None:
    e = LIBRARY.get("ankle-circles")
    b = next(x for x in LIBRARY.exercises if x.category is e.category and 2 in x.stages
             and set(e.motions) - set(x.motions))
    warnings = check(change("swap", e.id, replacement=b.id), 2)
    assert any("all four motions" in w for w in warnings)


def test_swap_to_another_category_is_refused_naming_both_kinds() -> None:
    with pytest.raises(InputError) as err:
        check(change("swap", "ankle-circles", replacement="single-leg-stance"), 2)
    assert err.value.field == "replacement"
    assert "ankle mobility" in str(err.value)
    assert "balance" in str(err.value)


def test_swap_to_an_exercise_of_a_later_stage_is_refused() -> None:
    with pytest.raises(InputError, match="gate into the build stage"):
        check(change("swap", "single-leg-heel-raise",
                     replacement="step-single-leg-heel-raise"), 2)
    assert check(change("swap", "single-leg-heel-raise",
                        replacement="step-single-leg-heel-raise"), 3) == []


def test_swap_to_an_unknown_exercise_is_refused() -> None:
    with pytest.raises(InputError) as err:
        check(change("swap", "ankle-circles", replacement="moon-walk"), 2)
    assert err.value.field == "replacement"
    assert "exercise library" in str(err.value)


# --- add ----------------------------------------------------------------------------------------


def test_add_hopping_before_the_gate_is_refused() -> None:
    with pytest.raises(InputError) as err:
        check(change("add", "pogo-hops"), 2)
    assert err.value.field == "exercise"
    assert "waits until they pass the gate into the build stage" in str(err.value)


def test_add_hopping_after_the_gate_is_accepted_with_a_hard_work_warning() -> None:
    warnings = check(change("add", "pogo-hops"), 3)
    assert any("hard work" in w for w in warnings)


def test_add_hopping_after_a_recent_sprain_is_refused_even_in_the_build_stage() -> None:
    recent = Intake(date=MONDAY - dt.timedelta(days=3),
                    left=SideHistory(sprains=1, last_sprain=MONDAY - dt.timedelta(days=10)))
    with pytest.raises(InputError, match="not safe for this person now"):
        check(change("add", "pogo-hops"), 3, intake=recent)


def test_add_with_a_prerequisite_not_logged_is_refused() -> None:
    with pytest.raises(InputError, match="hop stick turning"):
        check(change("add", "bounding"), 3)


# --- remove -------------------------------------------------------------------------------------


def test_remove_one_of_a_gate_block_is_accepted() -> None:
    assert check(change("remove", "ankle-circles"), 2) == []


def test_remove_the_last_exercise_of_a_gate_block_is_refused() -> None:
    mobility = [e.id for e in LIBRARY.exercises if e.category.value == "ankle_mobility"
                and 2 in e.stages]
    others = [change("remove", x) for x in mobility[:-1]]
    with pytest.raises(InputError, match="counts toward the next stage"):
        check(change("remove", mobility[-1]), 2, *others)


def test_remove_the_last_exercise_of_a_block_not_gate_counted_warns() -> None:
    balance = [e.id for e in LIBRARY.exercises if e.category.value == "balance" and 2 in e.stages]
    others = [change("remove", x) for x in balance[:-1]]
    warnings = check(change("remove", balance[-1]), 2, *others)
    assert any("balance has no exercise left" in w for w in warnings)


def test_plan_says_the_coach_left_out_a_block_that_has_no_exercise_left() -> None:
    balance = [e.id for e in LIBRARY.exercises if e.category.value == "balance" and 2 in e.stages]
    plan = plan_week(decision(2), history(*(change("remove", x) for x in balance)),
                     week_start=MONDAY)
    issue = next(i for i in plan.issues if i.target_id == "balance")
    assert "your coach left out" in issue.message


def test_second_change_for_the_same_exercise_is_refused() -> None:
    with pytest.raises(InputError, match="already has a change in force"):
        check(change("pin", "ankle-circles", sets=1, reps=10), 2, change("remove", "ankle-circles"))


def test_change_for_a_person_without_a_plan_is_refused() -> None:
    d = Decision(person_id="p", as_of=MONDAY, status="refer", stage=None, stage_name=None,
                 stage_since=None, dose_level=1.0, variant_level=1, gate=None,
                 clear_to_train=False, asymmetries=(), flags=(),
                 reasons=("Referred: a red flag.",), timeline=())
    with pytest.raises(InputError) as err:
        check_plan_change(change("remove", "ankle-circles"), d, history())
    assert err.value.field == "person"


# --- pin ----------------------------------------------------------------------------------------


def test_pin_at_the_stage_limits_is_accepted_and_just_outside_refused() -> None:
    e = LIBRARY.get("knee-to-wall-rocks")  # 2 × 15 reps
    bounds = dose_bounds(e, PROTOCOL)
    lo, hi = bounds["reps"]
    assert (lo, hi) == (scale(15, PROTOCOL.dosing.min_level.value),
                        scale(15, PROTOCOL.dosing.max_level.value))
    s_lo, s_hi = bounds["sets"]
    assert (s_lo, s_hi) == (1, 3)
    check(change("pin", e.id, sets=s_lo, reps=lo), 2)
    check(change("pin", e.id, sets=s_hi, reps=hi), 2)
    for fields, field in (({"sets": s_lo, "reps": lo - 1}, "reps"),
                          ({"sets": s_hi, "reps": hi + 1}, "reps"),
                          ({"sets": s_hi + 1, "reps": hi}, "sets")):
        with pytest.raises(InputError) as err:
            check(change("pin", e.id, **fields), 2)
        assert err.value.field == field


def test_pin_above_todays_dose_warns() -> None:
    warnings = check(change("pin", "knee-to-wall-rocks", sets=2, reps=20), 2)
    assert any("more than the plan gives now" in w for w in warnings)
    assert check(change("pin", "knee-to-wall-rocks", sets=2, reps=12), 2) == []


def test_pin_in_the_wrong_unit_is_refused() -> None:
    with pytest.raises(InputError) as err:
        check(change("pin", "calf-wall-stretch", sets=2, reps=10), 2)
    assert err.value.field == "reps"


def test_pin_of_an_exercise_dosed_in_rounds_is_refused() -> None:
    with pytest.raises(InputError, match="rounds"):
        check(change("pin", "ladder-two-in", sets=1, reps=10), 3)


# --- the planner applies them --------------------------------------------------------------------


def test_plan_applies_a_removal_and_says_so_to_the_coach() -> None:
    before = plan_week(decision(2), history(), week_start=MONDAY)
    gone = next(iter(sorted(planned(before) & {"ankle-circles", "seated-active-dorsiflexion",
                                                "calf-wall-stretch", "hands-assisted-sole-turns"})))
    plan = plan_week(decision(2), history(change("remove", gone)), week_start=MONDAY)
    assert gone not in planned(plan)
    (status,) = plan.coach_changes
    assert status.applied


def test_plan_applies_a_swap_and_marks_it_for_the_client() -> None:
    before = plan_week(decision(2), history(), week_start=MONDAY)
    mobility = sorted(i.exercise.id for d in before.days for b in d.blocks for i in b.items
                      if i.exercise.category.value == "ankle_mobility")
    a = mobility[0]
    b = next(e.id for e in LIBRARY.exercises if e.category.value == "ankle_mobility"
             and e.id not in mobility and 2 in e.stages)
    plan = plan_week(decision(2), history(change("swap", a, replacement=b)), week_start=MONDAY)
    items = [i for d in plan.days for bl in d.blocks for i in bl.items]
    assert a not in {i.exercise.id for i in items}
    swapped = [i for i in items if i.exercise.id == b]
    assert swapped
    assert all(i.coach and "Changed by your coach" in i.coach for i in swapped)


def test_plan_gives_an_added_exercise_a_block_of_its_own_when_no_block_is_for_it() -> None:
    plan = plan_week(decision(2), history(change("add", "single-leg-heel-raise")),
                     week_start=MONDAY)
    days = [d for d in plan.days if d.has("coach_calf_strength")]
    assert len(days) == int(PROTOCOL.planner.coach_added_per_week.value)
    item = next(i for b in days[0].blocks for i in b.items
                if i.exercise.id == "single-leg-heel-raise")
    assert item.coach == "Added by your coach"


def test_plan_adds_an_exercise_to_the_block_of_its_kind() -> None:
    plan = plan_week(decision(2), history(change("add", "star-reach")), week_start=MONDAY)
    blocks = [b for d in plan.days for b in d.blocks if b.target_id == "balance"]
    assert blocks
    assert all("star-reach" in {i.exercise.id for i in b.items} for b in blocks)


def test_plan_writes_a_pinned_dose_whatever_the_dose_level() -> None:
    c = change("pin", "ankle-circles", sets=2, reps=12)
    for level in (0.8, 1.4):
        plan = plan_week(decision(2, level), history(c), week_start=MONDAY)
        items = [i for d in plan.days for b in d.blocks for i in b.items
                 if i.exercise.id == "ankle-circles"]
        assert items
        assert {i.dose for i in items} == {"2 × 12 reps, each side"}
        assert all(i.pinned and i.coach == "Dose set by your coach" for i in items)


def test_plan_pauses_a_change_the_stage_no_longer_allows_with_the_reason() -> None:
    c = change("add", "pogo-hops")
    plan = plan_week(decision(3), history(c), week_start=MONDAY)
    assert plan.coach_changes[0].applied
    assert "pogo-hops" in planned(plan)
    back = plan_week(decision(2), history(c), week_start=MONDAY)
    (status,) = back.coach_changes
    assert not status.applied
    assert status.reason is not None
    assert "gate into the build stage" in status.reason
    assert "pogo-hops" not in planned(back)


def test_plan_pauses_a_change_whose_exercise_left_the_library() -> None:
    c = change("swap", "ankle-circles", replacement="ankle-alphabet")
    lib = LIBRARY.__class__(LIBRARY.version,
                            tuple(e for e in LIBRARY.exercises if e.id != "ankle-alphabet"),
                            "test")
    plan = plan_week(decision(2), history(c), week_start=MONDAY, library=lib)
    (status,) = plan.coach_changes
    assert not status.applied
    assert status.reason == "the exercise is no longer in the exercise library"


def test_plan_leaves_out_an_ended_change() -> None:
    c = change("remove", "ankle-circles", date=MONDAY - dt.timedelta(days=10),
               ended=MONDAY - dt.timedelta(days=1))
    plan = plan_week(decision(2), history(c), week_start=MONDAY)
    assert plan.coach_changes == ()


# --- gates are not made easier ----------------------------------------------------------------


def test_removing_gate_work_does_not_change_the_decision() -> None:
    """Stage 1's gate counts foot-release days; a person who logged none does not pass it
    however many foot-release exercises the coach leaves out."""
    start = MONDAY - dt.timedelta(days=28)
    screen = Screening(date=start, red_flags={f.id: False for f in PROTOCOL.red_flags})
    sessions = [Session(date=start + dt.timedelta(days=k), pain_during=0,
                        exercises=[ExerciseLog(exercise_id="toe-splay")]) for k in range(27)]
    release = [e.id for e in LIBRARY.exercises if e.category.value == "foot_release"]
    base = History(person=Person(id="p", name="P"), availability=EVERY_DAY,
                   screenings=[screen], sessions=sessions)
    changed = base.model_copy(update={"plan_changes": [
        change("remove", x, date=start) for x in release]})
    d0 = decide(base, protocol=PROTOCOL, library=LIBRARY, as_of=MONDAY)
    d1 = decide(changed, protocol=PROTOCOL, library=LIBRARY, as_of=MONDAY)
    assert d0.stage == d1.stage == 1
    assert d0.gate == d1.gate
    # and the planner keeps the gate block: the last removal is paused, not applied
    plan = plan_week(d1, changed, week_start=MONDAY)
    assert any(not s.applied for s in plan.coach_changes)
    assert any(d.has("foot_release") for d in plan.days)


def test_history_round_trip_keeps_plan_changes() -> None:
    h = history(change("pin", "knee-to-wall-rocks", sets=3, reps=12),
                change("remove", "ankle-circles", ended=MONDAY + dt.timedelta(days=7)))
    again = load_history_text(h.to_json())
    assert again == h
