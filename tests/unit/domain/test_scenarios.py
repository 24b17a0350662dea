"""People walked week by week through evaluate, as a coach would see them."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from anklet.domain.decisions import Decision, decide
from anklet.domain.exercises import load_library
from anklet.domain.history import (
    Activity,
    ExerciseLog,
    History,
    Screening,
    Session,
    SideHistory,
    Symptoms,
)
from anklet.domain.planner import check_plan, plan_week
from anklet.domain.protocol import load_protocol
from anklet.services.demo import Script, _person, _runs, simulate

P, L = load_protocol(), load_library()
START = dt.date(2026, 1, 5)  # a Monday
WEEK = dt.timedelta(days=7)


def weekly(h: History, weeks: int) -> list[Decision]:
    return [decide(h, protocol=P, library=L, as_of=START + w * WEEK) for w in range(weeks + 1)]


def stages(ds: list[Decision]) -> list[int | None]:
    return [d.stage for d in ds]


def test_scenario_runner_with_stiff_left_ankle_progresses_to_clearance() -> None:
    h = _person("runner", "Rosa", START, activities=[Activity.RUNNING], goals=["half marathon"],
                left=SideHistory(sprains=2, last_sprain=dt.date(2024, 6, 1)))
    h = h.model_copy(update={"planned_runs": _runs(START, 12)})
    h = simulate(h, weeks=12, protocol=P, library=L, script=Script(
        left_k2w=lambda w: 6.0 + 0.5 * w, right_k2w=lambda w: 11.0))
    ds = weekly(h, 12)
    # the gate into hopping and cutting needs the two sides within 1.5 cm: the ankle stage
    # holds her until the left side (+0.5 cm a week) catches up with the right in week 7
    assert stages(ds) == [1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4]
    # the stiff left side is named as behind at the start, with the numbers
    first = ds[0]
    k2w = next(a for a in first.asymmetries if a.measure == "dorsiflexion")
    assert k2w.meaningful
    assert "left side is behind" in k2w.reason
    assert "6 cm" in k2w.reason
    # in stage 2 the left–right difference is the one thing that holds her back
    for w in (2, 4, 6):
        mid = ds[w]
        assert mid.stage == 2
        assert mid.gate is not None
        unmet = [c for c in mid.gate.criteria if c.required and not c.met]
        assert [c.id for c in unmet] == ["range_symmetry"], w
        assert unmet[0].values == {"both": 11.0 - (6.0 + 0.5 * w)}
        assert not mid.clear_to_train
    advance = next(c for c in ds[8].timeline if c.kind == "advance" and c.to_stage == 3)
    assert advance.date == START + 8 * WEEK
    assert "Knee-to-wall left–right difference: 1.5 cm — meets ≤ 1.5 cm" in advance.reason
    # clearance once every criterion is met, never before
    assert [d.clear_to_train for d in ds] == [False] * 11 + [True] * 2
    assert all(c.met for c in ds[11].gate.criteria if c.required)  # type: ignore[union-attr]
    # gait drills sit before every long and interval run in a stage-3 week
    d = ds[9]
    assert d.stage == 3
    plan = plan_week(d, h, week_start=d.as_of, protocol=P, library=L)
    # a target the week has no room for is one the plan tells her about (what to add);
    # nothing else is broken, and the gait drills are never what gives way
    broken = check_plan(plan, P)
    assert {b.split(":")[0] for b in broken} <= {i.target_id for i in plan.issues}
    assert not any(b.startswith("gait") for b in broken)
    for day in plan.days:
        if any(r.needs_gait_prep for r in day.runs):
            assert any(b.target_id == "gait" and b.before_run for b in day.blocks)


def test_scenario_lifter_gets_toe_elevated_deadlift_in_build_stage() -> None:
    # easy first: the lifter's own lift (the toe-elevated deadlift, level 3) waits for their
    # level; until then loaded dorsiflexion is the easier work, on at least 2 days a week
    h = _person("lifter", "Leo", START, activities=[Activity.LIFTING],
                goals=["deadlift without raising the toes"])
    h = simulate(h, weeks=6, protocol=P, library=L, script=Script(
        left_k2w=lambda w: 7.0 + 0.5 * w, right_k2w=lambda w: 7.5 + 0.5 * w))
    d = decide(h, protocol=P, library=L, as_of=START + 6 * WEEK)
    assert d.stage == 3
    plan = plan_week(d, h, week_start=d.as_of, protocol=P, library=L)
    assert plan.count("loaded_dorsiflexion") >= 2
    loaded = [i.exercise for day in plan.days for b in day.blocks for i in b.items
              if b.target_id == "loaded_dorsiflexion"]
    assert all(e.level <= max(d.variant_level, 2) for e in loaded)
    at_three = dataclasses.replace(d, variant_level=3)
    plan = plan_week(at_three, h, week_start=d.as_of, protocol=P, library=L)
    ids = {i.exercise.id for day in plan.days for b in day.blocks for i in b.items}
    assert any(e.startswith("toe-elevated-rdl") for e in ids)
    # a runner at the same level gets other loaded dorsiflexion work first
    r = h.model_copy(update={"intake": h.intake.model_copy(  # type: ignore[union-attr]
        update={"activities": [Activity.RUNNING]})})
    plan_r = plan_week(at_three, r, week_start=START + 6 * WEEK, protocol=P, library=L)
    ids_r = {i.exercise.id for day in plan_r.days for b in day.blocks for i in b.items}
    assert not any(e.startswith("toe-elevated-rdl") for e in ids_r)


def test_scenario_pain_flare_in_week_3_steps_back_then_recovers() -> None:
    h = _person("flare", "Fay", START, activities=[Activity.RUNNING], goals=[])
    h = simulate(h, weeks=10, protocol=P, library=L, script=Script(
        pain_during=lambda w, day: 7 if w == 2 and day in (0, 2) else 1))
    ds = weekly(h, 10)
    assert stages(ds) == [1, 2, 2, 1, 2, 2, 3, 3, 3, 4, 4]
    flare_week = ds[2]  # Monday of week 3: the first flare that day cuts the dose and holds
    assert flare_week.dose_level < 1.0
    assert {f.kind for f in flare_week.flags} >= {"pain_flare", "hold"}
    step_back = next(c for c in ds[3].timeline if c.kind == "step_back")
    assert step_back.date == START + 2 * WEEK + dt.timedelta(days=2)
    assert "7/10" in step_back.reason
    assert "2 sessions" in step_back.reason
    # the plan the week after the flare is lighter than the one before it
    assert ds[3].dose_level < ds[1].dose_level
    assert ds[-1].clear_to_train


def test_scenario_red_flag_stops_prescribing_until_a_clear_screen() -> None:
    h = _person("flag", "Reggie", START, activities=[Activity.DAILY_LIFE], goals=[])
    h = simulate(h, weeks=2, protocol=P, library=L,
                 script=Script(red_flags={"calf_pain_swelling"}))
    d = decide(h, protocol=P, library=L, as_of=START + 2 * WEEK)
    assert d.status == "refer"
    assert not d.can_prescribe
    assert any("calf pain with swelling" in r for r in d.reasons)
    plan = plan_week(d, h, protocol=P, library=L)
    assert plan.refused
    assert all(not day.blocks for day in plan.days)
    # a clinician clears it: a new, clear screen resumes the plan
    clear = Screening(date=START + 2 * WEEK + dt.timedelta(days=1), left=Symptoms(),
                      right=Symptoms(), red_flags={f.id: False for f in P.red_flags})
    h2 = h.model_copy(update={"screenings": [*h.screenings, clear]})
    d2 = decide(h2, protocol=P, library=L, as_of=clear.date)
    assert d2.status == "working"
    assert d2.can_prescribe
    assert plan_week(d2, h2, protocol=P, library=L).refused is None


def test_scenario_cleared_person_keeps_or_stops_maintenance() -> None:
    h = _person("keeper", "Kim", START, activities=[Activity.RUNNING], goals=[])
    h = h.model_copy(update={"planned_runs": _runs(START, 16)})
    keeps = simulate(h, weeks=16, protocol=P, library=L, script=Script(retest_every=2))
    ds = weekly(keeps, 16)
    cleared_at = next(i for i, d in enumerate(ds) if d.clear_to_train)
    assert all(d.clear_to_train for d in ds[cleared_at:])
    assert not any(f.kind == "maintenance_slipping" for d in ds[cleared_at:] for f in d.flags)
    # the same person stops logging and testing two weeks after clearance
    stops = simulate(h, weeks=16, protocol=P, library=L, script=Script(
        retest_every=2, stop_logging_after=cleared_at + 2))
    ds2 = weekly(stops, 16)
    after = ds2[cleared_at + 3]
    slipping = [f for f in after.flags if f.kind == "maintenance_slipping"]
    assert slipping
    assert "0%" in slipping[0].message
    # out-of-date sessions, answers and tests are reminders: clearance is not taken away
    late = ds2[cleared_at + 5]
    assert late.stage == 4
    assert late.gate is not None
    assert any(c.required and not c.assessed for c in late.gate.criteria)
    assert late.status == "clear"
    assert late.clear_to_train
    assert any("Some tests are due again" in r for r in late.reasons)
    # but a session that hurts above the safe level (2/10) pauses it until a re-check
    hurt = Session(date=late.as_of - dt.timedelta(days=1), pain_during=3,
                   exercises=[ExerciseLog(exercise_id="ankle-circles")])
    paused = decide(stops.model_copy(update={"sessions": [*stops.sessions, hurt]}),
                    protocol=P, library=L, as_of=late.as_of)
    assert (paused.stage, paused.status, paused.clear_to_train) == (4, "maintain_check", False)
    assert any(r.startswith("Clear to train is paused: pain reached 3/10") for r in paused.reasons)


@pytest.mark.parametrize("weeks_later", range(4))
def test_scenario_cleared_person_following_the_plan_stays_clear_on_every_day(
        weeks_later: int) -> None:
    # not only on Mondays: the clearance re-check reads rolling windows (agility days in the
    # last 2 weeks), and the maintenance plan must keep them filled on any weekday, whichever
    # week's choice of exercises the person got
    start = START + weeks_later * WEEK
    h = _person("daily", "Dee", start, activities=[Activity.RUNNING], goals=[])
    h = h.model_copy(update={"planned_runs": _runs(start, 14)})
    keeps = simulate(h, weeks=14, protocol=P, library=L, script=Script(retest_every=2))
    cleared = next(d for w in range(15)
                   for d in (decide(keeps, protocol=P, library=L, as_of=start + w * WEEK),)
                   if d.clear_to_train).as_of
    days = [cleared + dt.timedelta(days=k) for k in range((start + 14 * WEEK - cleared).days)]
    assert len(days) >= 14
    for day in days:
        d = decide(keeps, protocol=P, library=L, as_of=day)
        assert d.clear_to_train, (day, [c.label for c in d.gate.criteria  # type: ignore[union-attr]
                                        if c.required and not c.met])

def test_scenario_range_back_but_cait_still_unstable_is_not_cleared() -> None:
    # knee-to-wall 10.5 cm both sides and every other test passing, but the left CAIT stays
    # at 24 (25 or less suggests an unstable ankle, Wright2014)
    h = _person("wobbly", "Wes", START, activities=[Activity.COURT_FIELD_SPORT], goals=[])
    h = simulate(h, weeks=14, protocol=P, library=L, script=Script(cait=lambda w: (24, 29)))
    ds = weekly(h, 14)
    assert max(stages(ds)) == 3
    assert not any(d.clear_to_train for d in ds)
    last = ds[-1]
    assert last.gate is not None
    k2w = next(c for c in last.gate.criteria if c.id == "dorsiflexion")
    assert k2w.met
    assert k2w.values["left"] is not None
    assert k2w.values["right"] is not None
    assert k2w.values["left"] >= 10
    assert k2w.values["right"] >= 10
    unmet = [c for c in last.gate.criteria if c.required and not c.met]
    assert [c.id for c in unmet] == ["cait"]
    # the lunge angle was never tested: the knee-to-wall counts and the angle is shown only
    assert {c.id for c in last.gate.criteria if not c.required} == {"lunge_angle",
                                                                    "lunge_angle_asymmetry"}
    cait = unmet[0]
    assert (cait.values, cait.op, cait.threshold, cait.source) == (
        {"left": 24.0, "right": 29.0}, ">", 25.0, "Wright2014")
    assert cait.domain == "athlete_perception"
    assert any("CAIT ankle stability score: left 24 points, right 29 points — does not meet "
               "> 25 points" in r and "[Wright2014]" in r for r in last.reasons)
    # the same person answering 26 on the left is cleared
    h2 = simulate(h.model_copy(update={"questionnaires": [], "measurements": [],
                                       "sessions": [], "screenings": []}),
                  weeks=14, protocol=P, library=L, script=Script(cait=lambda w: (26, 29)))
    assert weekly(h2, 14)[-1].clear_to_train
