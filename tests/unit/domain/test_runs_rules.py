"""Long runs, interval sessions and the cadence trend: just below, at and just above each rule.

The shipped numbers (protocol.yaml, ``runs``): long from max(75 min, 1.5 × the 28-day
median) once 3 runs are on record; intervals from 3 work laps 15 % faster than their
neighbours; cadence falling at a 5 % drop over the last 10 runs (Heiderscheit2011).
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from anklet.domain.adherence import index_days, week_adherence
from anklet.domain.exercises import load_library
from anklet.domain.history import ExerciseLog, Lap, RecordedActivity, Session, Sport
from anklet.domain.protocol import load_protocol
from anklet.domain.runs import (
    cadence_trend,
    interval_work_laps,
    is_interval,
    key_run_dates,
    long_threshold_min,
    tag_runs,
)

RULES = load_protocol().runs
T0 = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)  # a Monday


def run(day: int, minutes: float, *, laps: list[Lap] | None = None, cadence: float | None = None,
        sport: Sport = Sport.RUN) -> RecordedActivity:
    return RecordedActivity(
        start=T0 + dt.timedelta(days=day), sport=sport, duration_s=minutes * 60,
        laps=laps or [], cadence_spm=cadence,
        content_hash=hashlib.sha256(f"{day}/{minutes}/{cadence}".encode()).hexdigest(),
        source="fit")


# --- long runs -----------------------------------------------------------------------------


@pytest.mark.parametrize(("minutes", "long"), [(74.99, False), (75.0, True), (75.01, True)])
def test_long_run_floor_is_75_minutes_without_a_history(minutes: float, long: bool) -> None:
    [tags] = tag_runs([run(0, minutes)], RULES)
    assert (tags.long, tags.long_threshold_min, tags.previous_runs) == (long, 75.0, 0)


@pytest.mark.parametrize(("minutes", "long"), [(89.9, False), (90.0, True), (90.1, True)])
def test_long_run_is_one_and_a_half_times_the_recent_median(minutes: float, long: bool) -> None:
    history = [run(-10, 50), run(-7, 60), run(-3, 70)]  # median 60 -> 90
    tags = tag_runs([*history, run(0, minutes)], RULES)[-1]
    assert (tags.long, tags.long_threshold_min, tags.previous_runs) == (long, 90.0, 3)


def test_long_run_median_needs_three_runs_in_the_window() -> None:
    assert long_threshold_min([60, 60], RULES) == 75.0
    assert long_threshold_min([60, 60, 60], RULES) == 90.0
    assert long_threshold_min([20, 30, 40], RULES) == 75.0  # the floor still holds


def test_long_run_window_is_the_28_days_before() -> None:
    old = [run(-40, 80), run(-35, 80), run(-30, 80)]  # outside the 28 days
    assert tag_runs([*old, run(0, 80)], RULES)[-1].long  # so the floor decides
    recent = [run(-20, 80), run(-15, 80), run(-10, 80)]  # median 80 -> 120
    assert not tag_runs([*recent, run(0, 80)], RULES)[-1].long


def test_long_run_ignores_other_sports() -> None:
    rides = [run(-9, 200, sport=Sport.RIDE), run(-6, 200, sport=Sport.RIDE),
             run(-3, 200, sport=Sport.RIDE)]
    assert tag_runs([*rides, run(0, 80)], RULES)[-1].long  # rides make no running median
    assert tag_runs([run(0, 300, sport=Sport.WALK)], RULES) == []


# --- intervals -----------------------------------------------------------------------------


def laps(*speeds: float, seconds: float = 100.0) -> list[Lap]:
    return [Lap(duration_s=seconds, distance_m=v * seconds) for v in speeds]


@pytest.mark.parametrize(("work", "interval"), [(3.44, False), (3.45, True), (3.46, True)])
def test_interval_work_laps_must_be_15_percent_faster(work: float, interval: bool) -> None:
    # recovery 3.0 m/s; work needs 3.45 m/s (15 % faster)
    a = run(0, 30, laps=laps(3.0, work, 3.0, work, 3.0, work, 3.0))
    assert is_interval(a, RULES) is interval


@pytest.mark.parametrize(("n_work", "interval"), [(2, False), (3, True), (4, True)])
def test_interval_needs_three_work_laps(n_work: int, interval: bool) -> None:
    speeds = [2.5]
    for _ in range(n_work):
        speeds += [4.0, 2.5]
    assert is_interval(run(0, 30, laps=laps(*speeds)), RULES) is interval


def test_interval_counts_standing_recoveries_and_breaks_on_unknown_laps() -> None:
    standing = [Lap(duration_s=60, distance_m=0)]
    work = laps(4.0)
    assert interval_work_laps(work + standing + work + standing + work, 15) == 3
    unknown = [Lap(duration_s=60, distance_m=None)]
    # the second work lap has a lap of unknown speed beside it: it cannot count
    assert interval_work_laps(work + unknown + work + standing + work, 15) == 1


def test_interval_steady_run_with_auto_laps_is_not_intervals() -> None:
    assert not is_interval(run(0, 47, laps=laps(3.14, 3.57, 3.93, 2.27)), RULES)


def test_key_run_dates_are_long_or_interval_runs_local_dates() -> None:
    easy = run(0, 40)
    long_run = run(2, 100)
    reps = run(4, 40, laps=laps(2.5, 4.0, 2.5, 4.0, 2.5, 4.0, 2.5))
    assert key_run_dates([easy, long_run, reps], RULES) == {long_run.date, reps.date}


# --- cadence trend ---------------------------------------------------------------------------


def series(*cadences: float) -> list[RecordedActivity]:
    return [run(7 * i, 40, cadence=c) for i, c in enumerate(cadences)]


def test_cadence_trend_flat_is_steady() -> None:
    t = cadence_trend(series(170, 171, 169, 170, 170, 171), RULES)
    assert t.status == "steady"
    assert abs(t.change_pct or 0) < 1


def test_cadence_trend_dropping_is_falling() -> None:
    t = cadence_trend(series(176, 174, 171, 168, 165, 162), RULES)
    assert t.status == "falling"
    assert (t.change_pct or 0) < -5
    assert "Heiderscheit2011" in t.text


def test_cadence_trend_at_exactly_five_percent_is_falling() -> None:
    line = cadence_trend(series(200, 200 - 10 / 3, 200 - 20 / 3, 190), RULES)
    assert line.change_pct == -5.0
    assert line.status == "falling"
    just_above = cadence_trend(series(200, 200 - 9.9 / 3, 200 - 19.8 / 3, 190.1), RULES)
    assert just_above.status == "steady"


def test_cadence_trend_needs_four_runs_and_uses_the_last_ten() -> None:
    assert cadence_trend(series(170, 160, 150), RULES).status == "too_few_runs"
    old_drop = series(200, 190, 180, 170, 170, 170, 170, 170, 170, 170, 170, 170, 170)
    t = cadence_trend(old_drop, RULES)
    assert (t.runs, t.status) == (10, "steady")


# --- adherence: gait prep before recorded key runs (stage 4) ------------------------------------


def _gait_session(day: dt.date) -> Session:
    return Session(date=day, exercises=[ExerciseLog(exercise_id="a-skip")])


def test_stage4_gait_kept_when_logged_on_the_day_of_a_recorded_long_run() -> None:
    protocol = load_protocol()
    library = load_library()
    stage = protocol.stage(4)
    long_run = run(2, 100)  # Wednesday
    dates = key_run_dates([long_run], protocol.runs)
    monday = T0.date()
    kept = week_adherence(stage, index_days([_gait_session(long_run.date)], library), [],
                          monday, dates)
    gait = next(t for t in kept.targets if t.target_id == "gait")
    assert (gait.required, gait.runs_needing_prep, gait.runs_kept, gait.met) == (1, 1, 1, True)
    missed = week_adherence(stage, index_days([_gait_session(monday)], library), [], monday,
                            dates)
    gait = next(t for t in missed.targets if t.target_id == "gait")
    assert (gait.required, gait.runs_kept, gait.met) == (1, 0, False)


def test_stage4_recorded_easy_run_needs_no_gait_prep() -> None:
    protocol = load_protocol()
    dates = key_run_dates([run(2, 40)], protocol.runs)
    a = week_adherence(protocol.stage(4), {}, [], T0.date(), dates)
    gait = next(t for t in a.targets if t.target_id == "gait")
    assert (gait.required, gait.met) == (0, True)


def test_stage3_gait_counts_planned_runs_only() -> None:
    protocol = load_protocol()
    dates = key_run_dates([run(2, 100)], protocol.runs)
    a = week_adherence(protocol.stage(3), {}, [], T0.date(), dates)
    gait = next(t for t in a.targets if t.target_id == "gait")
    assert gait.runs_needing_prep == 0  # recorded_runs is set on stage 4's gait check only
