"""Speeds no one reaches in a sport are refused with the numbers, in FIT, GPX and TCX files
and when ``--sport`` names the sport (limits: PLAUSIBLE_MAX_KMH in importers/base.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from activity_files import parse
from fit_tool.profile.profile_type import Sport as FitSport
from fit_writer import Part, activity_file, fit_time

from anklet.domain.errors import FileImportError
from anklet.domain.history import Sport
from anklet.importers import ImportOptions
from anklet.importers.base import PLAUSIBLE_MAX_KMH, check_plausible
from anklet.importers.fit import FitImporter
from anklet.importers.gpx import GpxImporter
from anklet.importers.tcx import TcxImporter

T0 = dt.datetime(2026, 3, 1, 7, 0, tzinfo=dt.UTC)


def _gpx(km: float, kmh: float, sport: str | None = None) -> bytes:
    """A track due north along a meridian, ``km`` long, at ``kmh``, 21 points."""
    deg = km / 111.3195  # one degree of latitude on gpxpy's sphere (radius 6378.137 km)
    seconds = km / kmh * 3600
    points = "".join(
        f'<trkpt lat="{45 + deg * i / 20:.7f}" lon="14.0"><time>'
        f'{(T0 + dt.timedelta(seconds=seconds * i / 20)).strftime("%Y-%m-%dT%H:%M:%SZ")}'
        f"</time></trkpt>" for i in range(21))
    kind = f"<type>{sport}</type>" if sport else ""
    return (f'<?xml version="1.0"?><gpx version="1.1" creator="t" '
            f'xmlns="http://www.topografix.com/GPX/1/1"><trk>{kind}<trkseg>{points}'
            f"</trkseg></trk></gpx>").encode()


def _speed(problem: str) -> float:
    m = re.search(r"average speed, ([0-9.]+) km/h \(([0-9.]+) km in ([^)]+)\)", problem)
    assert m, problem
    return float(m.group(1))


def test_import_gpx_named_a_run_with_sport_at_98_kmh_is_refused_with_numbers() -> None:
    with pytest.raises(FileImportError) as e:
        GpxImporter().process(_gpx(195, 98), name="train.gpx",
                              options=ImportOptions(sport=Sport.RUN))
    problem = e.value.problem
    assert 97.5 < _speed(problem) < 98.5
    assert "195.0 km in 1 h 59 min" in problem
    assert "not possible for a run, which is accepted up to 30 km/h" in problem
    assert "--sport" in problem
    assert "nothing was stored" in problem


def test_import_gpx_at_98_kmh_without_sport_is_kept_as_other() -> None:
    a = GpxImporter().process(_gpx(195, 98), name="train.gpx").activity
    assert a is not None
    assert a.sport is Sport.OTHER  # "other" has no limit: it may be a car, a ski run, a sail


def test_import_fit_run_at_98_kmh_is_refused_saying_what_the_file_says() -> None:
    data = activity_file([Part(FitSport.RUNNING, fit_time(T0), 7163, 195_000.0)])
    with pytest.raises(FileImportError) as e:
        FitImporter().process(data, name="drive.fit")
    assert _speed(e.value.problem) == 98.0
    assert "the file says it is a run" in e.value.problem


def test_import_fit_multisport_with_one_impossible_part_stores_nothing() -> None:
    t = fit_time(T0)
    data = activity_file([Part(FitSport.RUNNING, t, 1800, 5000.0),
                          Part(FitSport.CYCLING, t + 1800, 1800, 60_000.0)])  # 120 km/h
    with pytest.raises(FileImportError, match="not possible for a ride"):
        FitImporter().process(data, name="brick.fit")


def test_import_tcx_run_at_40_kmh_is_refused() -> None:
    tcx = (b'<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/'
           b'xmlschemas/TrainingCenterDatabase/v2"><Activities><Activity Sport="Running">'
           b"<Id>2026-03-01T07:00:00Z</Id><Lap StartTime=\"2026-03-01T07:00:00Z\">"
           b"<TotalTimeSeconds>3600</TotalTimeSeconds><DistanceMeters>40000</DistanceMeters>"
           b"</Lap></Activity></Activities></TrainingCenterDatabase>")
    with pytest.raises(FileImportError) as e:
        TcxImporter().process(tcx, name="fast.tcx")
    assert _speed(e.value.problem) == 40.0


def test_import_real_walk_named_a_run_with_sport_is_accepted(shared: Path) -> None:
    a = parse(shared / "cerknicko-jezero.gpx", ImportOptions(sport=Sport.RUN)).activity
    assert a is not None
    assert a.sport is Sport.RUN  # 4.6 km in 71 min: slow, but possible


@pytest.mark.parametrize(("sport", "kmh", "ok"), [
    (Sport.RUN, 29.9, True), (Sport.RUN, 30.0, True), (Sport.RUN, 30.1, False),
    (Sport.WALK, 19.9, True), (Sport.WALK, 20.0, True), (Sport.WALK, 20.1, False),
    (Sport.RIDE, 79.9, True), (Sport.RIDE, 80.0, True), (Sport.RIDE, 80.1, False),
    (Sport.OTHER, 900.0, True),
])
def test_check_plausible_at_each_sports_limit(sport: Sport, kmh: float, ok: bool) -> None:
    assert PLAUSIBLE_MAX_KMH.get(sport) in (None, 30.0, 20.0, 80.0)
    seconds = 3600.0
    metres = kmh * 1000  # one hour at kmh
    if ok:
        check_plausible("f.fit", sport, seconds, metres)
    else:
        with pytest.raises(FileImportError, match=f"{kmh} km/h"):
            check_plausible("f.fit", sport, seconds, metres)
