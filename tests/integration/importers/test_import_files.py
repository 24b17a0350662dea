"""Every real file in shared/data/activities, and our own TCX and ICS samples, parsed.

Each test writes down what the file produced (read once by running the importer, then
checked against the files' README: the Fenix 2 run is 47 minutes with 4 laps and cadence
on every record, in steps per minute a runner reaches). Nothing here touches a database.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from activity_files import DATA, parse

from anklet.domain.errors import FileImportError
from anklet.domain.history import Lap, RunKind, Sport
from anklet.importers import ImportOptions, Limits, Parsed, importer_for
from anklet.importers.base import cadence_stats
from anklet.importers.fit import FitImporter
from anklet.importers.gpx import GpxImporter
from anklet.importers.tcx import TcxImporter
from anklet.services import activities

UTC = dt.UTC

# --- FIT activities ------------------------------------------------------------------------


def test_parse_fenix2_run_gives_47_minutes_4_laps_and_cadence_in_steps(shared: Path) -> None:
    a = parse(shared / "activity-small-fenix2-run.fit").activity
    assert a is not None
    assert a.sport is Sport.RUN
    assert a.start == dt.datetime(2015, 8, 15, 14, 45, 8, tzinfo=UTC)
    assert a.utc_offset_min == 120
    assert a.date == dt.date(2015, 8, 15)
    assert a.duration_s == 2832.0  # 47.2 min
    assert a.distance_m == 9008.22
    assert a.laps == [Lap(duration_s=270.0, distance_m=848.94),
                      Lap(duration_s=836.0, distance_m=2987.88),
                      Lap(duration_s=758.0, distance_m=2978.79),
                      Lap(duration_s=965.98, distance_m=2192.61)]
    # per-leg cadence doubled: 2 × (cadence + fractional_cadence), zeros (standing) left out
    assert a.cadence_spm == 162.95
    assert a.cadence_sd == 13.08
    assert 140 <= a.cadence_spm <= 200
    assert a.source == "fit"
    assert a.name == "activity-small-fenix2-run.fit"


def test_parse_fenix5_run_gives_a_57_second_run_with_cadence(shared: Path) -> None:
    a = parse(shared / "garmin-fenix-5-run.fit").activity
    assert a is not None
    assert (a.sport, a.duration_s, a.distance_m, len(a.laps)) == (Sport.RUN, 56.887, 157.56, 1)
    assert (a.cadence_spm, a.cadence_sd) == (173.89, 18.83)
    assert a.utc_offset_min == -420
    assert a.start == dt.datetime(2017, 6, 11, 14, 34, 9, tzinfo=UTC)


def test_parse_fenix5_walk_is_a_walk_without_running_cadence(shared: Path) -> None:
    a = parse(shared / "garmin-fenix-5-walk.fit").activity
    assert a is not None
    assert (a.sport, a.duration_s, a.distance_m, len(a.laps)) == (Sport.WALK, 45.379, 67.85, 1)
    assert a.cadence_spm is None


def test_parse_fenix5_bike_is_a_ride_not_a_run(shared: Path) -> None:
    a = parse(shared / "garmin-fenix-5-bike.fit").activity
    assert a is not None
    assert (a.sport, a.duration_s, a.distance_m, len(a.laps)) == (Sport.RIDE, 60.363, 459.52, 1)
    assert a.cadence_spm is None  # pedal rpm is not running cadence


def test_parse_indoor_trainer_imports_without_positions_or_distance(shared: Path) -> None:
    a = parse(shared / "sample-activity-indoor-trainer.fit").activity
    assert a is not None
    assert (a.sport, a.duration_s, len(a.laps)) == (Sport.RIDE, 2261.85, 5)
    assert a.distance_m is None  # 0 m over 38 minutes: not measured
    assert [lap.duration_s for lap in a.laps] == [377.075, 601.075, 370.975, 600.975, 311.75]
    assert a.utc_offset_min is None  # its activity message has no local time


def test_parse_sdk_example_is_a_14_second_run(shared: Path) -> None:
    a = parse(shared / "Activity.fit").activity
    assert a is not None
    assert (a.sport, a.duration_s, a.distance_m, len(a.laps)) == (Sport.RUN, 13.749, 5.73, 1)
    assert a.cadence_spm is None  # no cadence recorded
    assert a.utc_offset_min == -240


# --- FIT: not activities, workouts, broken files -------------------------------------------


def test_parse_monitoring_file_says_it_is_not_an_activity(shared: Path) -> None:
    p = parse(shared / "MonitoringFile.fit")
    assert p.kind == "not_activity"
    assert p.activity is None
    assert p.not_activity is not None
    assert "monitoring" in p.not_activity
    assert "not an activity" in p.not_activity


def test_parse_workout_with_repeats_is_a_planned_interval_run(shared: Path) -> None:
    day = dt.date(2026, 3, 10)
    p = parse(shared / "WorkoutRepeatSteps.fit", _options(day, Sport.RUN))  # names no sport
    assert p.kind == "planned"
    [run] = p.planned_runs
    assert (run.date, run.kind, run.title, run.minutes) == (day, RunKind.INTERVAL, "Example 2",
                                                           None)
    assert run.needs_gait_prep


def test_parse_workout_of_single_steps_is_a_planned_easy_run(shared: Path) -> None:
    day = dt.date(2026, 3, 11)
    p = parse(shared / "WorkoutIndividualSteps.fit", _options(day, Sport.RUN))
    [run] = p.planned_runs
    # 60 s warm-up, two 500 m steps, a cool-down until the heart rate drops: no repeats,
    # and not every step is timed, so no minutes
    assert (run.date, run.kind, run.title, run.minutes) == (day, RunKind.EASY, "Example 1", None)


def test_parse_truncated_fit_fails_clearly(shared: Path) -> None:
    with pytest.raises(FileImportError) as e:
        parse(shared / "activity-unexpected-eof.fit")
    assert e.value.file == "activity-unexpected-eof.fit"
    assert "ends too early" in e.value.problem
    assert "truncated" in e.value.problem


def test_parse_fit_with_corrupt_header_fails_clearly(shared: Path) -> None:
    with pytest.raises(FileImportError) as e:
        parse(shared / "activity-settings-corruptheader.fit")
    assert "header is damaged" in e.value.problem
    assert "771" in e.value.problem


def test_parse_fit_with_a_changed_byte_fails_on_its_checksum(shared: Path) -> None:
    data = bytearray((shared / "garmin-fenix-5-run.fit").read_bytes())
    data[400] ^= 0x01
    with pytest.raises(FileImportError) as e:
        FitImporter().process(bytes(data), name="flipped.fit")
    assert e.value.file == "flipped.fit"


def test_parse_text_named_fit_is_not_a_fit_file() -> None:
    with pytest.raises(FileImportError, match="not a FIT file"):
        FitImporter().process(b"hello, this is text and not a watch file", name="notes.fit")


# --- GPX -------------------------------------------------------------------------------------


def test_parse_gpx_with_times_gives_duration_of_its_timed_segments(shared: Path) -> None:
    p = parse(shared / "cerknicko-jezero.gpx")
    a = p.activity
    assert a is not None
    assert a.start == dt.datetime(2010, 8, 5, 14, 23, 59, tzinfo=UTC)
    assert (a.duration_s, a.distance_m, a.laps) == (4239.0, 4580.14, [])
    assert a.sport is Sport.OTHER  # the file names no sport
    assert p.notes == ("1 empty track segment(s) ignored",)


def test_parse_multitrack_gpx_leaves_out_segments_without_times(shared: Path) -> None:
    p = parse(shared / "korita-zbevnica.gpx")
    a = p.activity
    assert a is not None
    assert a.start == dt.datetime(2010, 10, 3, 9, 36, 30, tzinfo=UTC)
    assert (a.duration_s, a.distance_m) == (13093.0, 6268.55)
    assert "1 track segment(s) without times left out" in p.notes


def test_parse_gpx_without_times_fails_with_a_clear_message(shared: Path) -> None:
    with pytest.raises(FileImportError) as e:
        parse(shared / "cerknicko-without-times.gpx")
    assert "no times" in e.value.problem
    assert "5 of 296 points" in e.value.problem


def test_parse_gpx_with_empty_segment_imports_it_ignored(shared: Path) -> None:
    p = parse(shared / "track-with-empty-segment.gpx")
    a = p.activity
    assert a is not None
    assert (a.duration_s, a.distance_m) == (76.0, 85.95)
    assert p.notes == ("1 empty track segment(s) ignored",)


def test_parse_gpx_sport_option_names_the_sport_of_a_file_without_one(shared: Path) -> None:
    a = parse(shared / "cerknicko-jezero.gpx", _options(sport=Sport.WALK)).activity
    assert a is not None
    assert a.sport is Sport.WALK


GPX_RUN = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"
 xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
<trk><type>running</type><trkseg>
<trkpt lat="46.0" lon="14.0"><time>2026-03-01T07:00:00Z</time>
 <extensions><gpxtpx:TrackPointExtension><gpxtpx:cad>85</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>
<trkpt lat="46.001" lon="14.0"><time>2026-03-01T07:01:00Z</time>
 <extensions><gpxtpx:TrackPointExtension><gpxtpx:cad>87</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>
</trkseg></trk></gpx>
"""


def test_parse_gpx_run_reads_type_and_per_leg_cadence() -> None:
    a = GpxImporter().process(GPX_RUN.encode(), name="run.gpx").activity
    assert a is not None
    assert (a.sport, a.duration_s, a.cadence_spm, a.cadence_sd) == (Sport.RUN, 60.0, 172.0, 2.0)


@pytest.mark.parametrize("kind", ["swim", "Swimming", "open_water_swimming"])
def test_parse_gpx_swim_is_a_swim_even_with_sport_run(kind: str) -> None:
    data = GPX_RUN.replace("<type>running</type>", f"<type>{kind}</type>").encode()
    a = GpxImporter().process(data, name="swim.gpx", options=_options(sport=Sport.RUN)).activity
    assert a is not None
    assert (a.sport, a.cadence_spm) == (Sport.SWIM, None)  # arm strokes are not steps


def test_parse_tcx_swimming_is_a_swim() -> None:
    data = (DATA / "intervals-3x1200.tcx").read_text(encoding="utf-8")
    assert 'Sport="Running"' in data
    p = TcxImporter().process(data.replace('Sport="Running"', 'Sport="Swimming"').encode(),
                              name="swim.tcx")
    a = p.activity
    assert a is not None
    assert (a.sport, a.cadence_spm) == (Sport.SWIM, None)
    assert activities.describe(a).startswith("a 36 min swim, 7.80 km")


def test_parse_gpx_with_a_dtd_is_refused_before_parsing() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><gpx>&b;</gpx>')
    with pytest.raises(FileImportError, match="DTD"):
        GpxImporter().process(bomb.encode(), name="bomb.gpx")


# --- TCX and ICS (our own samples in tests/data) --------------------------------------------


def test_parse_tcx_reads_laps_distance_and_run_cadence() -> None:
    p = parse(DATA / "intervals-3x1200.tcx")
    a = p.activity
    assert a is not None
    assert (a.sport, a.source) == (Sport.RUN, "tcx")
    assert a.start == dt.datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    assert (a.duration_s, a.distance_m) == (2160.0, 7800.0)
    assert [(lap.duration_s, lap.distance_m) for lap in a.laps] == [
        (600.0, 1800.0), (240.0, 1200.0), (120.0, 300.0), (240.0, 1200.0), (120.0, 300.0),
        (240.0, 1200.0), (600.0, 1800.0)]
    # RunCadence is per leg (85-ish): doubled; the one 0 (standing) is left out
    assert (a.cadence_spm, a.cadence_sd) == (174.46, 10.23)


def test_parse_tcx_with_entities_is_refused() -> None:
    evil = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<TrainingCenterDatabase>&e;</TrainingCenterDatabase>')
    with pytest.raises(FileImportError, match="not a readable TCX file"):
        TcxImporter().process(evil, name="evil.tcx")


def test_parse_xml_that_is_not_tcx_says_so() -> None:
    with pytest.raises(FileImportError, match="not a TCX file"):
        TcxImporter().process(b"<html><body>hi</body></html>", name="page.tcx")


MARCH = ImportOptions(today=dt.date(2026, 3, 1))
"""runs.ics is planned as imported on 1 March 2026 (its runs are in the weeks after)."""


def test_parse_ics_plans_the_run_events_with_their_kinds() -> None:
    p = parse(DATA / "runs.ics", MARCH)
    assert p.kind == "planned"
    got = [(r.date, r.kind, r.minutes, r.title) for r in p.planned_runs]
    assert got == [
        (dt.date(2026, 3, 4), RunKind.INTERVAL, 60, "Track: 6 x 400m"),
        (dt.date(2026, 3, 6), RunKind.EASY, None, "Easy run"),
        (dt.date(2026, 3, 8), RunKind.LONG, 120, "Sunday long run"),
    ]  # the dentist is not a run; the cancelled parkrun is left out
    assert p.notes == ("runs planned from 2026-03-01 to 2026-05-23 (the 12 weeks ahead)",
                       "1 event(s) that are not runs ignored")


def test_parse_broken_ics_fails_clearly() -> None:
    data = (DATA / "runs.ics").read_bytes().replace(b"END:VCALENDAR", b"")
    with pytest.raises(FileImportError) as e:
        parse_bytes(data, "broken.ics")
    assert e.value.file == "broken.ics"


# --- shared steps ------------------------------------------------------------------------------


def test_process_refuses_a_file_over_the_size_limit(shared: Path) -> None:
    data = (shared / "garmin-fenix-5-run.fit").read_bytes()
    with pytest.raises(FileImportError, match="not imported"):
        FitImporter().process(data, name="big.fit", limits=Limits(file_bytes=len(data) - 1))
    assert FitImporter().process(data, name="ok.fit", limits=Limits(file_bytes=len(data))).activity


def test_process_refuses_an_empty_file() -> None:
    with pytest.raises(FileImportError, match="empty"):
        GpxImporter().process(b"  \n", name="empty.gpx")


@pytest.mark.parametrize(("samples", "per_leg", "expected"), [
    ([80.0, 90.0], None, (170.0, 10.0)),  # median below 120: one leg's count, doubled
    ([160.0, 180.0], None, (170.0, 10.0)),  # already steps per minute
    ([0.0, 0.0, 170.0], False, (170.0, 0.0)),  # standing still is left out
    ([0.0], False, None),
    ([400.0, 170.0], False, (170.0, 0.0)),  # a glitch above 300 is dropped
])
def test_cadence_stats_in_steps_per_minute(samples: list[float], per_leg: bool | None,
                                           expected: tuple[float, float] | None) -> None:
    assert cadence_stats(samples, per_leg) == expected


def parse_bytes(data: bytes, name: str) -> Parsed:
    importer = importer_for(name, data)
    assert importer is not None
    return importer.process(data, name=name)


def _options(day: dt.date | None = None, sport: Sport | None = None) -> ImportOptions:
    return ImportOptions(workout_date=day or dt.date(2026, 1, 1), sport=sport)


def test_parse_ics_ignores_a_run_event_with_a_broken_date() -> None:
    # found by the fuzz test: icalendar reports a malformed date only when it is read
    data = (DATA / "runs.ics").read_bytes().replace(b"DTSTART:20260304T170000Z",
                                                    b"DTSTART:20261304T170000Z")
    p = importer_for("broken-date.ics", data).process(  # type: ignore[union-attr]
        data, name="broken-date.ics", options=MARCH)
    assert [r.title for r in p.planned_runs] == ["Easy run", "Sunday long run"]
    assert "1 event(s) without a valid start date ignored" in p.notes
