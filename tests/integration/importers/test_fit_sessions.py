"""FIT files as watches write them: several sports in one file, clocks that count from when
the watch was switched on, workouts with and without a sport, swims.

Real files from python-fitparse's test suite (tests/data/fitparse, README there) and files
written here with fit-tool (fit_writer.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from activity_files import DATA, parse
from fit_tool.profile.profile_type import Intensity, SubSport
from fit_tool.profile.profile_type import Sport as FitSport
from fit_writer import Part, Step, activity_file, fit_time, workout_file

from anklet.domain.errors import FileImportError
from anklet.domain.history import RunKind, Sport
from anklet.domain.protocol import load_protocol
from anklet.domain.runs import tag_runs
from anklet.importers import ImportOptions, Parsed, content_hash
from anklet.importers.fit import FitImporter
from anklet.services import activities

UTC = dt.UTC
FITPARSE = DATA / "fitparse"
T0 = dt.datetime(2026, 3, 1, 7, 0, tzinfo=UTC)


def _fit(data: bytes, name: str = "gen.fit", sport: Sport | None = None,
         day: dt.date = dt.date(2026, 3, 10)) -> Parsed:
    return FitImporter().process(data, name=name,
                                 options=ImportOptions(workout_date=day, sport=sport))


def _brick(run_minutes: int = 40) -> bytes:
    """A run (84 per leg), a transition, then a ride (pedalling at 90)."""
    t = fit_time(T0)
    run_s = run_minutes * 60
    return activity_file([
        Part(FitSport.RUNNING, t, run_s, run_s * 3.2, cadence=84),
        Part(FitSport.TRANSITION, t + run_s, 90, 60.0, cadence=40),
        Part(FitSport.CYCLING, t + run_s + 90, 3600, 30000.0, cadence=90)],
        local_offset_s=3600)


# --- several sports in one file ------------------------------------------------------------


def test_parse_multisport_file_gives_one_activity_per_sport_without_transition() -> None:
    p = _fit(_brick(), name="brick.fit")
    run, ride = p.activities
    assert (run.sport, run.start, run.duration_s, run.distance_m) == (Sport.RUN, T0, 2400.0,
                                                                      7680.0)
    # the run's own records: 84 per leg is 168 steps a minute (the ride's 90 rpm is not in it)
    assert (run.cadence_spm, run.cadence_sd) == (168.0, 0.0)
    assert [lap.duration_s for lap in run.laps] == [2400.0]
    assert (ride.sport, ride.start, ride.duration_s, ride.distance_m) == (
        Sport.RIDE, T0 + dt.timedelta(seconds=2490), 3600.0, 30000.0)
    assert ride.cadence_spm is None
    assert [lap.distance_m for lap in ride.laps] == [30000.0]
    assert run.utc_offset_min == ride.utc_offset_min == 60
    assert "1 transition(s) between sports left out" in p.notes
    # the first activity carries the file's hash (so the file is known again), the next its own
    assert run.content_hash == content_hash(_brick())
    assert ride.content_hash != run.content_hash
    assert (run.name, ride.name) == ("brick.fit (1 of 2)", "brick.fit (2 of 2)")


def test_parse_triathlon_gives_swim_ride_and_run_with_its_cadence() -> None:
    p = parse(FITPARSE / "sample_mulitple_header.fit")
    assert [(a.sport, round(a.minutes)) for a in p.activities] == [
        (Sport.SWIM, 33), (Sport.RIDE, 74), (Sport.RUN, 48)]
    assert p.sport_words == ("open-water swim", None, None)
    run = p.activities[2]
    assert (run.start, run.distance_m, run.cadence_spm) == (
        dt.datetime(2018, 5, 27, 9, 23, 41, tzinfo=UTC), 9805.92, 167.04)
    assert "2 transition(s) between sports left out" in p.notes


def test_parse_fenix2_multisport_keeps_both_runs_and_the_long_one_is_tagged_long() -> None:
    p = parse(FITPARSE / "activity-large-fenxi2-multisport.fit")
    assert [(a.sport, round(a.minutes)) for a in p.activities] == [
        (Sport.OTHER, 196), (Sport.RUN, 38), (Sport.RUN, 113), (Sport.RIDE, 54)]
    runs = [a for a in p.activities if a.sport is Sport.RUN]
    assert [a.cadence_spm for a in runs] == [114.8, 151.99]
    tags = tag_runs(p.activities, load_protocol().runs)
    assert [(t.activity.minutes > 100, t.long) for t in tags] == [(False, False), (True, True)]


def test_parse_single_session_file_is_one_activity_named_after_the_file() -> None:
    t = fit_time(T0)
    p = _fit(activity_file([Part(FitSport.RUNNING, t, 1800, 5400.0, cadence=85)]),
             name="run.fit")
    [a] = p.activities
    assert (a.sport, a.cadence_spm, a.name, a.content_hash) == (Sport.RUN, 170.0, "run.fit",
                                                                p.content_hash)


# --- clocks that count from when the watch was switched on ------------------------------------


def test_parse_relative_clock_is_placed_by_its_timestamp_correlation() -> None:
    # the watch was switched on 4000 s before T0; the run starts 5000 s after switch-on
    data = activity_file([Part(FitSport.RUNNING, 5000, 1800, 5400.0, cadence=85)],
                         correlation=(fit_time(T0), 4000), local_offset_s=7200)
    [a] = _fit(data).activities
    assert a.start == T0 + dt.timedelta(seconds=1000)
    assert (a.duration_s, a.cadence_spm, a.utc_offset_min) == (1800.0, 170.0, 120)


def test_parse_relative_clock_is_placed_by_the_activity_real_end_time() -> None:
    end = T0 + dt.timedelta(seconds=1800)
    data = activity_file([Part(FitSport.RUNNING, 5000, 1800, 5400.0)],
                         activity_end=fit_time(end))
    p = _fit(data)
    assert p.activities[0].start == T0
    assert any("switched on" in n for n in p.notes)


def test_parse_relative_clock_without_a_real_time_is_refused_naming_the_clock() -> None:
    data = activity_file([Part(FitSport.RUNNING, 5000, 1800, 5400.0)])
    with pytest.raises(FileImportError) as e:
        _fit(data)
    assert "its times count from when the watch was switched on" in e.value.problem
    assert "does not say when that was" in e.value.problem
    assert "no session" not in e.value.problem


def test_parse_records_before_the_watch_knew_the_time_do_not_refuse_the_file() -> None:
    data = activity_file([Part(FitSport.RUNNING, fit_time(T0), 1800, 5400.0, cadence=85)],
                         early_records=[100, 101])
    [a] = _fit(data).activities
    assert (a.start, a.cadence_spm) == (T0, 170.0)


def test_parse_real_forerunner70_file_with_relative_clock_is_refused_naming_the_clock() -> None:
    with pytest.raises(FileImportError) as e:
        parse(FITPARSE / "antfs-dump.63.fit")
    assert "switched on" in e.value.problem
    assert "does not say when that was" in e.value.problem
    assert "no session" not in e.value.problem


# --- workouts ----------------------------------------------------------------------------


def test_parse_workout_without_sport_is_skipped_asking_for_sport(shared: Path) -> None:
    p = parse(shared / "WorkoutRepeatSteps.fit")
    assert p.kind == "not_activity"
    assert p.not_activity is not None
    assert "does not say which sport" in p.not_activity
    assert "--sport run" in p.not_activity


def test_parse_workout_repeating_until_heart_rate_is_intervals() -> None:
    p = parse(FITPARSE / "WorkoutRepeatGreaterThanStep.fit",
              ImportOptions(workout_date=dt.date(2026, 3, 10), sport=Sport.RUN))
    assert [r.kind for r in p.planned_runs] == [RunKind.INTERVAL]


WARM = Step(Intensity.WARMUP, seconds=600)
COOL = Step(Intensity.COOLDOWN, seconds=600)


@pytest.mark.parametrize(("steps", "kind"), [
    # 1 min hard, 1 min easy, repeated 6 times
    ([WARM, Step(Intensity.ACTIVE, seconds=60), Step(Intensity.RECOVERY, seconds=60),
      Step(Intensity.ACTIVE, repeat_from=1, times=6), COOL], RunKind.INTERVAL),
    # one block of one step, repeated twice: still a repeat
    ([WARM, Step(Intensity.ACTIVE, metres=400), Step(Intensity.ACTIVE, repeat_from=1, times=2),
      COOL], RunKind.INTERVAL),
    # "repeated" once is no repeat
    ([WARM, Step(Intensity.ACTIVE, metres=400), Step(Intensity.ACTIVE, repeat_from=1, times=1),
      COOL], RunKind.EASY),
    # two work steps with rest between, written out
    ([WARM, Step(Intensity.ACTIVE, seconds=1200), Step(Intensity.REST, seconds=120),
      Step(Intensity.ACTIVE, seconds=1200), COOL], RunKind.INTERVAL),
    # one work step, then recovery: a steady run
    ([WARM, Step(Intensity.ACTIVE, seconds=1200), Step(Intensity.RECOVERY, seconds=300), COOL],
     RunKind.EASY),
])
def test_parse_run_workout_with_repeats_or_work_and_rest_is_intervals(
        steps: list[Step], kind: RunKind) -> None:
    p = _fit(workout_file("Tuesday session", steps, sport=FitSport.RUNNING))
    [run] = p.planned_runs
    assert run.kind is kind
    assert run.needs_gait_prep is (kind is RunKind.INTERVAL)


@pytest.mark.parametrize(("name", "kind"), [
    ("LSD", RunKind.LONG), ("Long", RunKind.LONG), ("Sortie longue", RunKind.LONG),
    ("Threshold", RunKind.INTERVAL), ("Parkrun", RunKind.RACE), ("Recovery", RunKind.EASY)])
def test_parse_steady_run_workout_takes_its_kind_from_its_name(name: str,
                                                               kind: RunKind) -> None:
    steady = [WARM, Step(Intensity.ACTIVE, seconds=5400), COOL]
    [run] = _fit(workout_file(name, steady, sport=FitSport.RUNNING)).planned_runs
    assert (run.title, run.kind, run.minutes) == (name, kind, 110)


def test_parse_swim_workout_is_named_a_swim_and_not_planned() -> None:
    p = _fit(workout_file("Pool 10x100", [WARM], sport=FitSport.SWIMMING,
                          sub_sport=SubSport.LAP_SWIMMING), sport=Sport.RUN)
    assert p.not_activity == "a planned pool swim workout, not a run; not planned"


def test_parse_workout_without_sport_with_sport_ride_is_not_planned() -> None:
    p = _fit(workout_file("Spin", [WARM]), sport=Sport.RIDE)
    assert p.not_activity is not None
    assert "for a ride (--sport), not a run" in p.not_activity


# --- swims -------------------------------------------------------------------------------


def test_parse_pool_swim_is_a_swim_named_a_pool_swim() -> None:
    p = parse(FITPARSE / "event_timestamp.fit")
    [a] = p.activities
    assert (a.sport, round(a.minutes), a.distance_m, len(a.laps)) == (Sport.SWIM, 73, 2606.04,
                                                                      99)
    assert a.cadence_spm is None  # strokes are not steps
    assert p.sport_words == ("pool swim",)
    assert activities.describe(a, p.sport_words[0]).startswith("a 73 min pool swim, 2.61 km")
    assert activities.describe(a).startswith("a 73 min swim, 2.61 km")


def test_parse_generated_open_water_swim_is_a_swim_and_never_a_run() -> None:
    t = fit_time(T0)
    p = _fit(activity_file([Part(FitSport.SWIMMING, t, 3600, 3000.0, cadence=30,
                                 sub_sport=SubSport.OPEN_WATER)]), sport=Sport.RUN)
    [a] = p.activities
    assert (a.sport, a.cadence_spm) == (Sport.SWIM, None)  # --sport run names no sport here
    assert p.sport_words == ("open-water swim",)
    assert tag_runs(p.activities, load_protocol().runs) == []  # no long-run tag, no gait prep
