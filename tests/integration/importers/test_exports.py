"""Exports as people have them: Strava bulk exports (gzip files and ``activities.csv``),
Garmin exports (zips inside the zip), single ``.gz`` files; and the limits that keep a
bomb of nested zips or gzip files from expanding. Built in the tests from the real files.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine

from anklet.domain.history import History, Person, Sport
from anklet.importers import Limits, read_bytes, read_paths
from anklet.importers.bundle import Source, strava_sport
from anklet.services import activities
from anklet.services.activities import FileReport
from anklet.store.uow import UnitOfWork

MiB = 1024 * 1024
CSV_HEADER = ("Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
              "Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Gear,"
              "Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance\n")


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _row(activity_id: int, name: str, kind: str, filename: str) -> str:
    name = '"' + name.replace('"', '""') + '"'
    return (f'{activity_id},"Aug 15, 2015, 7:12:04 AM",{name},{kind},,2832,9.01,,,false,,'
            f"{filename},,,2832.0,2800.0,9008.2\n")


def strava_export(shared: Path) -> bytes:
    """A Strava bulk export: gzip activity files, one plain one, one the list leaves out,
    the list itself and the other files such an export holds."""
    def gz(name: str) -> bytes:
        return gzip.compress((shared / name).read_bytes())

    listing = CSV_HEADER + "".join([
        _row(101, "Morning Run, by the river", "Run", "activities/101.fit.gz"),
        _row(102, "Lake loop", "Hike", "activities/102.gpx.gz"),
        _row(103, "Commute", "Ride", "activities/103.fit"),
        _row(104, "Not a run at all", "Run", "activities/104.fit.gz"),  # the file says walk
        _row(105, "Manual entry, no file", "Swim", ""),
    ])
    return _zip({
        "activities.csv": listing.encode(),
        "activities/101.fit.gz": gz("activity-small-fenix2-run.fit"),
        "activities/102.gpx.gz": gz("cerknicko-jezero.gpx"),
        "activities/103.fit": (shared / "garmin-fenix-5-bike.fit").read_bytes(),
        "activities/104.fit.gz": gz("garmin-fenix-5-walk.fit"),
        "activities/999.gpx.gz": gz("korita-zbevnica.gpx"),  # not in the list
        "profile.csv": b"Athlete ID,Email Address\n1,a@example.org\n",
    })


def garmin_export(shared: Path) -> bytes:
    """A Garmin Connect export: the uploaded files are zips inside the zip."""
    part1 = _zip({"sam_101.fit": (shared / "activity-small-fenix2-run.fit").read_bytes(),
                  "sam_102.fit": (shared / "garmin-fenix-5-walk.fit").read_bytes()})
    part2 = _zip({"sam_103.fit": (shared / "garmin-fenix-5-run.fit").read_bytes()})
    up = "DI_CONNECT/DI-Connect-Uploaded-Files/"
    return _zip({"DI_CONNECT/DI-Connect-Fitness/sam_personalRecord.json": b"[]",
                 up + "UploadedFiles_0-_Part1.zip": part1,
                 up + "UploadedFiles_0-_Part2.zip": part2})


def _person(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(History(person=Person(id="sam", name="Sam")))
        uow.commit()


def _import(engine: Engine, sources: list[Source]) -> list[FileReport]:
    with UnitOfWork(engine) as uow:
        reports = activities.create(uow, key="sam", sources=sources)
        uow.commit()
    return reports


def _by_file(reports: list[FileReport]) -> dict[str, FileReport]:
    return {r.file.rsplit(":", 1)[-1]: r for r in reports}


# --- Strava -------------------------------------------------------------------------------


def test_read_strava_export_unpacks_gzip_and_names_files_from_the_list(shared: Path) -> None:
    got = {s.name: s for s in read_bytes(strava_export(shared), "export_1.zip")}
    assert "export_1.zip:activities.csv" not in got  # read for its names, not reported
    run = got["export_1.zip:activities/101.fit.gz"]
    assert run.data == (shared / "activity-small-fenix2-run.fit").read_bytes()
    assert (run.gzipped, run.plain_name) == (True, "export_1.zip:activities/101.fit")
    assert (run.title, run.sport) == ("Morning Run, by the river", Sport.RUN)
    assert (got["export_1.zip:activities/102.gpx.gz"].sport, got[
        "export_1.zip:activities/103.fit"].title) == (Sport.WALK, "Commute")
    unlisted = got["export_1.zip:activities/999.gpx.gz"]
    assert unlisted.data is not None
    assert (unlisted.title, unlisted.sport) == (None, None)


def test_import_strava_export_takes_names_and_sports_from_the_list(
        engine: Engine, shared: Path) -> None:
    _person(engine)
    reports = _import(engine, list(read_bytes(strava_export(shared), "export_1.zip")))
    by = _by_file(reports)
    assert {f: r.status for f, r in by.items()} == {
        "activities/101.fit.gz": "imported", "activities/102.gpx.gz": "imported",
        "activities/103.fit": "imported", "activities/104.fit.gz": "imported",
        "activities/999.gpx.gz": "imported", "profile.csv": "skipped"}
    got = {f: (r.activities[0].name, r.activities[0].sport)
           for f, r in by.items() if r.activities}
    assert got == {
        "activities/101.fit.gz": ("Morning Run, by the river", Sport.RUN),
        "activities/102.gpx.gz": ("Lake loop", Sport.WALK),  # the GPX names no sport
        "activities/103.fit": ("Commute", Sport.RIDE),
        "activities/104.fit.gz": ("Not a run at all", Sport.WALK),  # the file's own sport
        "activities/999.gpx.gz": ("999.gpx.gz", Sport.OTHER),  # not listed: still imported
    }
    assert by["activities/101.fit.gz"].message.startswith(
        '"Morning Run, by the river", a 47 min run, 9.01 km')
    run = by["activities/101.fit.gz"].activities[0]
    assert run.cadence_spm == 162.95
    with UnitOfWork(engine) as uow:
        stored = {a.name: a.sport for a in uow.people.recorded_activities("sam")}
    assert stored["Lake loop"] is Sport.WALK


def test_import_strava_export_again_reports_every_file_as_a_duplicate(
        engine: Engine, shared: Path) -> None:
    _person(engine)
    data = strava_export(shared)
    _import(engine, list(read_bytes(data, "export_1.zip")))
    again = _by_file(_import(engine, list(read_bytes(data, "export_1.zip"))))
    assert [f for f, r in again.items() if r.status == "duplicate"] == [
        "activities/101.fit.gz", "activities/102.gpx.gz", "activities/103.fit",
        "activities/104.fit.gz", "activities/999.gpx.gz"]


def test_import_a_gzip_file_and_the_same_file_plain_is_a_duplicate(
        engine: Engine, shared: Path, tmp_path: Path) -> None:
    _person(engine)
    packed = tmp_path / "run.fit.gz"
    packed.write_bytes(gzip.compress((shared / "garmin-fenix-5-run.fit").read_bytes()))
    gpx = tmp_path / "x.gpx.gz"
    gpx.write_bytes(gzip.compress((shared / "cerknicko-jezero.gpx").read_bytes()))
    reports = _import(engine, list(read_paths([packed, gpx, shared / "garmin-fenix-5-run.fit"])))
    assert [r.status for r in reports] == ["imported", "imported", "duplicate"]
    assert reports[0].activities[0].sport is Sport.RUN
    assert reports[1].activities[0].duration_s == 4239.0


def test_import_strava_swim_is_stored_as_a_swim_and_named_so(
        engine: Engine, shared: Path) -> None:
    _person(engine)
    listing = CSV_HEADER + _row(7, "Open water", "Swim", "activities/7.gpx.gz")
    data = _zip({"activities.csv": listing.encode(), "activities/7.gpx.gz": gzip.compress(
        (shared / "korita-zbevnica.gpx").read_bytes())})
    [report] = _import(engine, list(read_bytes(data, "e.zip")))
    assert report.status == "imported"
    assert report.message.startswith('"Open water", a 3 h 38 min swim, 6.27 km')
    assert report.activities[0].sport is Sport.SWIM  # a GPX without a type: the list says


def test_strava_sport_names_the_activity_types() -> None:
    assert [strava_sport(k) for k in ("Run", "Trail Run", "Virtual Run", "Walk", "Hike",
                                      "Ride", "Virtual Ride", "E-Bike Ride", "Yoga", " ")] == [
        Sport.RUN, Sport.RUN, Sport.RUN, Sport.WALK, Sport.WALK, Sport.RIDE, Sport.RIDE,
        Sport.RIDE, Sport.OTHER, None]
    assert strava_sport("Swim") is Sport.SWIM


def test_read_strava_list_without_its_columns_is_reported_and_the_files_still_read(
        shared: Path) -> None:
    run = (shared / "garmin-fenix-5-run.fit").read_bytes()
    data = _zip({"activities.csv": b"id;name\n1;Run\n", "activities/1.fit": run})
    got = list(read_bytes(data, "e.zip"))
    assert got[0].skipped is not None
    assert "does not have the columns" in got[0].skipped
    assert "imported without its names" in got[0].skipped
    assert (got[1].data, got[1].title) == (run, None)


# --- Garmin: zips inside the zip ------------------------------------------------------


def test_import_garmin_export_opens_the_zips_inside(engine: Engine, shared: Path) -> None:
    _person(engine)
    reports = _import(engine, list(read_bytes(garmin_export(shared), "garmin.zip")))
    by = _by_file(reports)
    assert {f: r.status for f, r in by.items()} == {
        "DI_CONNECT/DI-Connect-Fitness/sam_personalRecord.json": "skipped",
        "sam_101.fit": "imported",
        "sam_102.fit": "imported", "sam_103.fit": "imported"}
    assert by["sam_101.fit"].file == ("garmin.zip:DI_CONNECT/DI-Connect-Uploaded-Files/"
                                      "UploadedFiles_0-_Part1.zip:sam_101.fit")
    assert [by[f].activities[0].sport for f in ("sam_101.fit", "sam_102.fit")] == [
        Sport.RUN, Sport.WALK]


def _nest(levels: int) -> bytes:
    data = _zip({"run.gpx": b"<gpx/>"})
    for i in range(levels - 1):
        data = _zip({f"level{levels - 1 - i}.zip": data})
    return data


def test_read_zip_opens_zips_nested_up_to_the_depth_limit() -> None:
    [src] = list(read_bytes(_nest(3), "a.zip"))  # the outer zip and two inside: 3 deep
    assert (src.name, src.data) == ("a.zip:level1.zip:level2.zip:run.gpx", b"<gpx/>")


def test_read_zip_refuses_a_zip_nested_one_deeper_than_the_limit() -> None:
    [src] = list(read_bytes(_nest(4), "a.zip"))
    assert src.name == "a.zip:level1.zip:level2.zip:level3.zip"
    assert src.error is not None
    assert src.error.problem == ("it is a zip inside 3 zips; archives are opened at most 3 "
                                 "deep (a zip bomb?). It was not read")


def _two_nested(member: int) -> tuple[bytes, int]:
    """An archive holding two zips of one member each; and all it unpacks, counted."""
    inner = [_zip({f"{n}.gpx": bytes([65 + n]) * member}, zipfile.ZIP_STORED) for n in (0, 1)]
    outer = _zip({"a.zip": inner[0], "b.zip": inner[1]}, zipfile.ZIP_STORED)
    return outer, len(inner[0]) + len(inner[1]) + 2 * member


def test_read_zip_nested_within_the_total_budget_reads_everything() -> None:
    outer, total = _two_nested(1000)
    got = list(read_bytes(outer, "o.zip", Limits(total_bytes=total)))
    assert [(s.name, s.error) for s in got] == [("o.zip:a.zip:0.gpx", None),
                                                ("o.zip:b.zip:1.gpx", None)]


def test_read_zip_refuses_the_nested_zip_that_passes_the_total_budget() -> None:
    outer, total = _two_nested(1000)
    got = list(read_bytes(outer, "o.zip", Limits(total_bytes=total - 1)))
    assert got[0].data == b"A" * 1000
    assert got[1].name == "o.zip:b.zip"
    assert got[1].error is not None
    assert "left of the" in got[1].error.problem
    assert "Nothing in it was read" in got[1].error.problem


def test_read_zip_counts_the_files_of_nested_zips_against_the_file_limit() -> None:
    inner = _zip({f"f{i}.gpx": b"x" for i in range(3)})
    outer = _zip({"in.zip": inner})
    assert len(list(read_bytes(outer, "o.zip", Limits(members=4)))) == 3
    [src] = list(read_bytes(outer, "o.zip", Limits(members=3)))
    assert src.error is not None
    assert "counting the archives around it" in src.error.problem


def test_read_zip_refuses_a_nested_zip_bomb_with_default_limits() -> None:
    # each inner zip declares 8 files of 40 MB of zeros (320 MB, about 300 kB packed): the
    # first fits the 512 MB budget (its files are each refused for their ratio), the second
    # does not and is refused whole, unread
    member = bytes(40 * MiB)
    inner = _zip({f"z{i}.gpx": member for i in range(8)})
    assert len(inner) < MiB
    got = list(read_bytes(_zip({"one.zip": inner, "two.zip": inner}), "bomb.zip"))
    assert len(got) == 9
    assert all(s.error is not None and "zip bomb" in s.error.problem for s in got)
    assert got[-1].name == "bomb.zip:two.zip"
    assert got[-1].error is not None
    assert got[-1].error.problem.startswith("the archive expands to 320 MB, more than the ")


def test_read_paths_tells_how_many_files_each_archive_adds(
        shared: Path, tmp_path: Path) -> None:
    path = tmp_path / "garmin.zip"
    path.write_bytes(garmin_export(shared))
    added: list[int] = []
    got = list(read_paths([path], found=added.append))
    # the export's 3 files replace it; then each inner zip's files replace that zip
    assert added == [2, 1, 0]
    assert 1 + sum(added) == len(got) == 4


# --- gzip ------------------------------------------------------------------------------


def test_read_paths_refuses_a_damaged_gzip_file(shared: Path, tmp_path: Path) -> None:
    path = tmp_path / "run.fit.gz"
    path.write_bytes(gzip.compress((shared / "garmin-fenix-5-run.fit").read_bytes())[:-20])
    [src] = list(read_paths([path]))
    assert src.error is not None
    assert src.error.problem.startswith("it is not a readable gzip file")


@pytest.mark.parametrize(("size", "ok"), [(1000, True), (1001, False)])
def test_read_gzip_unpacking_to_more_than_a_file_may_hold_is_refused(
        tmp_path: Path, size: int, ok: bool) -> None:
    path = tmp_path / "x.gpx.gz"
    path.write_bytes(gzip.compress(bytes(range(256)) * 3 + b"<" * (size - 768)))
    [src] = list(read_paths([path], Limits(file_bytes=1000, ratio_from_bytes=10**6)))
    assert (src.error is None) is ok
    if not ok:
        assert src.error is not None
        assert "unpacks to more than" in src.error.problem


def test_read_zip_refuses_a_gzip_bomb_inside_it() -> None:
    bomb = gzip.compress(bytes(20 * MiB))  # 20 kB that unpack to 20 MB of zeros
    [src] = list(read_bytes(_zip({"activities/1.fit.gz": bomb}, zipfile.ZIP_STORED), "s.zip"))
    assert src.error is not None
    assert "compressed more than 100 to 1" in src.error.problem
    assert "gzip bomb" in src.error.problem


def test_read_zip_gzip_files_spend_the_archive_budget() -> None:
    packed = gzip.compress(bytes(range(256)) * 40)  # 10 kB, a few kB packed
    data = _zip({"1.gpx.gz": packed, "2.gpx.gz": packed}, zipfile.ZIP_STORED)
    limits = Limits(total_bytes=2 * len(packed) + 10240 - len(packed) + 100)
    got = list(read_bytes(data, "s.zip", limits))
    assert got[0].data == bytes(range(256)) * 40
    assert got[1].error is not None
    assert "allowed together" in got[1].error.problem
