"""Importing into the database: one savepoint per file, duplicates stored once.

Runs on SQLite and PostgreSQL (the ``engine`` fixture). Zips are built in the test from
the real files; a broken file stores nothing while the good ones are kept.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from activity_files import DATA
from sqlalchemy import Engine, func, select

from anklet.domain.errors import NotFoundError
from anklet.domain.history import History, Person, RunKind, Sport
from anklet.importers import ImportOptions, read_bytes, read_paths
from anklet.services import activities
from anklet.services.activities import FileReport
from anklet.store import tables as t
from anklet.store.uow import UnitOfWork

GOOD = ["activity-small-fenix2-run.fit", "garmin-fenix-5-run.fit", "garmin-fenix-5-walk.fit",
        "garmin-fenix-5-bike.fit", "sample-activity-indoor-trainer.fit", "Activity.fit",
        "cerknicko-jezero.gpx", "korita-zbevnica.gpx", "track-with-empty-segment.gpx"]


def _person(engine: Engine, key: str = "sam") -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(History(person=Person(id=key, name="Sam")))
        uow.commit()


def _import(engine: Engine, sources: object, key: str = "sam",
            options: ImportOptions | None = None) -> list[FileReport]:
    with UnitOfWork(engine) as uow:
        reports = activities.create(uow, key=key, sources=sources,  # type: ignore[arg-type]
                                    options=options)
        uow.commit()
    return reports


def _count(engine: Engine, table: t.Table = t.recorded_activities) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_import_zip_keeps_the_good_files_and_reports_the_broken_one(
        engine: Engine, shared: Path) -> None:
    _person(engine)
    members = {name: (shared / name).read_bytes() for name in GOOD}
    members["broken/activity-unexpected-eof.fit"] = (
        shared / "activity-unexpected-eof.fit").read_bytes()
    members["again/garmin-fenix-5-run.fit"] = members["garmin-fenix-5-run.fit"]  # duplicate
    reports = _import(engine, read_bytes(_zip(members), "export.zip"))
    by_status = {s: [r.file for r in reports if r.status == s]
                 for s in ("imported", "duplicate", "refused")}
    assert len(by_status["imported"]) == 9
    assert by_status["refused"] == ["export.zip:broken/activity-unexpected-eof.fit"]
    assert by_status["duplicate"] == ["export.zip:again/garmin-fenix-5-run.fit"]
    failed = next(r for r in reports if r.status == "refused")
    assert "truncated" in failed.message
    assert _count(engine) == 9


def test_import_the_same_files_again_skips_them_as_duplicates(
        engine: Engine, shared: Path) -> None:
    _person(engine)
    paths = [shared / "garmin-fenix-5-run.fit", shared / "cerknicko-jezero.gpx"]
    assert [r.status for r in _import(engine, read_paths(paths))] == ["imported", "imported"]
    again = _import(engine, read_paths(paths))
    assert [r.status for r in again] == ["duplicate", "duplicate"]
    assert all("already imported" in r.message for r in again)
    assert _count(engine) == 2


def test_import_stores_what_the_file_holds(engine: Engine, shared: Path) -> None:
    _person(engine)
    [report] = _import(engine, read_paths([shared / "activity-small-fenix2-run.fit"]))
    with UnitOfWork(engine) as uow:
        [stored] = uow.people.recorded_activities("sam")
        assert uow.people.get("sam").recorded_activities == [stored]
    assert stored == report.activity
    assert (stored.duration_s, stored.distance_m, len(stored.laps), stored.cadence_spm) == (
        2832.0, 9008.22, 4, 162.95)
    assert stored.start.tzinfo is not None


def test_import_non_activity_and_workout_files(engine: Engine, shared: Path) -> None:
    _person(engine)
    day = dt.date(2026, 3, 10)
    reports = _import(engine, read_paths([shared / "MonitoringFile.fit",
                                          shared / "WorkoutRepeatSteps.fit",
                                          shared / "WorkoutRepeatSteps.fit"]),
                      options=ImportOptions(workout_date=day, sport=Sport.RUN))
    assert [r.status for r in reports] == ["skipped", "imported", "skipped"]
    assert "not an activity" in reports[0].message
    assert reports[2].message == "every run in it is already planned"
    assert _count(engine) == 0
    with UnitOfWork(engine) as uow:
        runs = uow.people.planned_runs("sam")
    assert [(r.date, r.kind, r.title) for r in runs] == [(day, RunKind.INTERVAL, "Example 2")]


MARCH = ImportOptions(today=dt.date(2026, 3, 1))
"""runs.ics is imported as on 1 March 2026 (its runs are in the weeks after)."""


def test_import_calendar_twice_plans_each_run_once(engine: Engine) -> None:
    _person(engine)
    first = _import(engine, read_paths([DATA / "runs.ics"]), options=MARCH)
    assert [r.status for r in first] == ["imported"]
    assert len(first[0].planned_runs) == 3
    again = _import(engine, read_paths([DATA / "runs.ics"]), options=MARCH)
    assert [r.status for r in again] == ["skipped"]
    assert _count(engine, t.planned_runs) == 3


def test_import_failure_inside_a_file_leaves_none_of_its_rows(engine: Engine) -> None:
    _person(engine)
    # the last run's title holds a NUL, which the store refuses after the others were added
    text = (DATA / "runs.ics").read_text().replace("SUMMARY:Sunday long run",
                                                   "SUMMARY:Sunday long run \\x00")
    data = text.replace("\\x00", "\x00").encode()
    reports = _import(engine, read_bytes(data, "nul.ics"), options=MARCH)
    assert [r.status for r in reports] == ["refused"]
    assert "NUL" in reports[0].message
    assert _count(engine, t.planned_runs) == 0


def test_import_for_an_unknown_person_is_not_found(engine: Engine, shared: Path) -> None:
    with pytest.raises(NotFoundError):
        _import(engine, read_paths([shared / "Activity.fit"]), key="nobody")


def test_delete_person_deletes_their_recorded_activities(engine: Engine, shared: Path) -> None:
    _person(engine)
    _person(engine, "kim")
    _import(engine, read_paths([shared / "Activity.fit"]))
    _import(engine, read_paths([shared / "Activity.fit"]), key="kim")  # per person: stored
    assert _count(engine) == 2
    with UnitOfWork(engine) as uow:
        uow.people.delete("sam")
        uow.commit()
    assert _count(engine) == 1
