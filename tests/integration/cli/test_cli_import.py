"""``anklet import`` and ``anklet runs``, driven in-process with the real files.

Exit codes: 0 when every file was imported or skipped, 2 when any failed (the good files
are stored all the same), 4 for an unknown person.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

Cli = Callable[..., Any]

REPO = Path(__file__).resolve().parents[3]
SHARED = (REPO / ".." / "shared" / "data" / "activities").resolve()
DATA = REPO / "tests" / "data"


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "activity-small-fenix2-run.fit").is_file():
        pytest.skip(f"the real activity files are not at {SHARED}")
    return SHARED


@pytest.fixture
def sam(cli: Cli) -> str:
    assert cli("add-person", "sam", "--name", "Sam").code == 0
    return "sam"


def test_import_reports_each_file_and_exits_2_when_one_failed(
        cli: Cli, sam: str, shared: Path) -> None:
    r = cli("import", "--person", sam, shared / "activity-small-fenix2-run.fit",
            shared / "MonitoringFile.fit", shared / "activity-unexpected-eof.fit")
    assert r.code == 2, r.text
    assert "imported" in r.text
    assert "a 47 min run, 9.01 km, 4 laps, cadence 163 steps/min on 2015-08-15" in r.text
    assert "not an activity" in r.text
    assert "activity-unexpected-eof.fit: the file ends too early" in r.text
    assert "1 imported, 0 duplicates, 1 skipped, 1 refused." in r.text
    runs = cli("runs", sam, "--json").json()
    assert [a["name"] for a in runs["activities"]] == ["activity-small-fenix2-run.fit"]
    # the import decided Sam again (nothing else did): the list shows it
    assert [p["status"] for p in cli("people", "--json").json()] == ["screen_needed"]


def test_import_json_lists_every_file_with_its_status(cli: Cli, sam: str, shared: Path) -> None:
    first = cli("import", "-p", sam, shared / "garmin-fenix-5-run.fit", "--json")
    assert first.code == 0, first.text
    data = first.json()
    assert (data["imported"], data["duplicate"], data["skipped"], data["refused"]) == (1, 0, 0, 0)
    [f] = data["files"]
    assert f["status"] == "imported"
    assert f["activity"]["sport"] == "run"
    assert f["activity"]["cadence_spm"] == 173.89
    assert f["activity"]["date"] == "2017-06-11"
    again = cli("import", "-p", sam, shared / "garmin-fenix-5-run.fit", "--json").json()
    assert again["files"][0]["status"] == "duplicate"
    assert "already imported" in again["files"][0]["message"]


def test_import_zip_with_a_member_outside_and_a_broken_file(
        cli: Cli, sam: str, shared: Path, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("../../evil.fit", (shared / "Activity.fit").read_bytes())
        z.writestr("walk.fit", (shared / "garmin-fenix-5-walk.fit").read_bytes())
        z.writestr("cut.fit", (shared / "activity-unexpected-eof.fit").read_bytes())
        z.writestr("readme.txt", b"not an activity")
    r = cli("import", "--person", sam, archive, "--json")
    assert r.code == 2
    status = {f["file"].rsplit(":", 1)[1]: f["status"] for f in r.json()["files"]}
    assert status == {"../../evil.fit": "imported", "walk.fit": "imported", "cut.fit": "refused",
                      "readme.txt": "skipped"}
    assert not list(tmp_path.parent.rglob("evil.fit"))  # read in memory, never written


def test_import_workout_and_calendar_plan_runs(cli: Cli, sam: str, shared: Path,
                                               tmp_path: Path) -> None:
    # runs.ics moved to the coming days: a calendar's runs are planned from today on
    today = dt.date.today()
    text = (DATA / "runs.ics").read_text()
    for march_day, ahead in (("20260304", 2), ("20260305", 3), ("20260306", 4), ("20260307", 5),
                             ("20260308", 6), ("20260314", 12)):
        text = text.replace(march_day, (today + dt.timedelta(days=ahead)).strftime("%Y%m%d"))
    (tmp_path / "runs.ics").write_text(text)
    # the workout names no sport: --sport run says it is a run
    r = cli("import", "-p", sam, shared / "WorkoutRepeatSteps.fit", tmp_path / "runs.ics",
            "--workout-date", "2026-03-03", "--sport", "run", "--json")
    assert r.code == 0, r.text
    planned = cli("export", sam).json()["planned_runs"]
    assert [(p["date"], p["kind"]) for p in planned] == [
        ("2026-03-03", "interval")] + [
        ((today + dt.timedelta(days=ahead)).isoformat(), kind)
        for ahead, kind in ((2, "interval"), (4, "easy"), (6, "long"))]


def test_import_bad_paths_and_values_are_refused_clearly(cli: Cli, sam: str,
                                                        tmp_path: Path) -> None:
    r = cli("import", "-p", sam, tmp_path / "missing.fit")
    assert r.code == 2
    assert "missing.fit: there is no such file" in r.text
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    r = cli("import", "-p", sam, notes, "--json")
    assert r.code == 2
    assert "not an activity, workout or calendar file" in r.json()["files"][0]["message"]
    r = cli("import", "-p", "nobody", notes, "--json")
    assert (r.code, r.json()["error"]) == (4, "NotFoundError")
    r = cli("import", "-p", sam, notes, "--workout-date", "soon", "--json")
    assert (r.code, r.json()["error"]) == (2, "InputError")
    r = cli("import", "-p", sam, "--json")
    assert r.code == 2  # a usage mistake: no files given


def test_runs_lists_activities_with_tags_and_the_cadence_trend(cli: Cli, sam: str,
                                                               shared: Path) -> None:
    assert cli("import", "-p", sam, DATA / "intervals-3x1200.tcx",
               shared / "activity-small-fenix2-run.fit").code == 0
    data = cli("runs", sam, "--json").json()
    assert data["total"] == 2
    tcx = next(a for a in data["activities"] if a["source"] == "tcx")
    assert (tcx["interval"], tcx["long"], tcx["cadence_spm"]) == (True, False, 174.46)
    fenix = next(a for a in data["activities"] if a["source"] == "fit")
    assert (fenix["interval"], fenix["long"], fenix["long_threshold_min"]) == (False, False, 75.0)
    assert data["cadence_trend"]["status"] == "too_few_runs"
    text = cli("runs", sam).text
    assert "intervals" in text
    assert "Cadence trend" in text
    assert cli("runs", sam, "--last", "0").code == 2
    assert cli("runs", "nobody").code == 4


def test_runs_for_a_person_without_activities_says_how_to_import(cli: Cli, sam: str) -> None:
    assert "anklet import --person sam" in cli("runs", sam).text


def test_export_and_import_history_keep_recorded_activities(
        cli: Cli, sam: str, shared: Path, tmp_path: Path) -> None:
    assert cli("import", "-p", sam, shared / "activity-small-fenix2-run.fit",
               shared / "cerknicko-jezero.gpx").code == 0
    doc = cli("export", sam).json()
    assert len(doc["recorded_activities"]) == 2
    path = tmp_path / "sam.json"
    path.write_text(io.StringIO(cli("export", sam).out).getvalue())
    assert cli("delete", sam, "--yes").code == 0
    assert cli("import-history", path).code == 0
    assert cli("export", sam).json() == doc
    ev = cli("evaluate", path, "--json")
    assert ev.code == 0, ev.text


# --- exports as people have them, reported file by file ----------------------------------


def _strava(shared: Path, path: Path) -> Path:
    """A Strava-like bulk export: gzip activity files and activities.csv naming them."""
    listing = ("Activity ID,Activity Date,Activity Name,Activity Type,Filename\n"
               '1,"Aug 15, 2015, 7:12:04 AM",Long Sunday run,Run,activities/1.fit.gz\n'
               '2,"Jun 11, 2017, 6:00:00 AM",Lake loop,Hike,activities/2.gpx.gz\n')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("activities.csv", listing)
        z.writestr("activities/1.fit.gz", gzip.compress(
            (shared / "activity-small-fenix2-run.fit").read_bytes()))
        z.writestr("activities/2.gpx.gz", gzip.compress(
            (shared / "cerknicko-jezero.gpx").read_bytes()))
        z.writestr("media/photo.jpg", b"\xff\xd8\xff")
    return path


def test_import_strava_export_reports_each_file_and_the_counts(
        cli: Cli, sam: str, shared: Path, tmp_path: Path) -> None:
    export = _strava(shared, tmp_path / "export_1.zip")
    r = cli("import", "-p", sam, export)
    assert r.code == 0, r.text
    lines = r.out.splitlines()  # not a terminal: one plain line per file, no bar
    assert [line.split(" ", 1)[0] for line in lines] == [
        "imported", "imported", "skipped", "2"]
    assert lines[0].startswith(f'imported {export}:activities/1.fit.gz: "Long Sunday run", '
                               f"a 47 min run, 9.01 km")
    assert lines[1].startswith(f'imported {export}:activities/2.gpx.gz: "Lake loop", a 71 '
                               f"min walk")
    assert lines[2].startswith(f"skipped {export}:media/photo.jpg: not an activity")
    assert lines[3] == "2 imported, 0 duplicates, 1 skipped, 0 refused."
    runs = cli("runs", sam, "--json").json()["activities"]
    assert sorted((a["name"], a["sport"]) for a in runs) == [("Lake loop", "walk"),
                                                             ("Long Sunday run", "run")]
    again = cli("import", "-p", sam, export)
    assert again.code == 0
    assert f"duplicate {export}:activities/1.fit.gz: already imported" in again.text
    assert again.out.splitlines()[-1] == "0 imported, 2 duplicates, 1 skipped, 0 refused."


def test_import_json_prints_nothing_but_the_json(
        cli: Cli, sam: str, shared: Path, tmp_path: Path) -> None:
    single = tmp_path / "run.fit.gz"
    single.write_bytes(gzip.compress((shared / "garmin-fenix-5-run.fit").read_bytes()))
    r = cli("import", "-p", sam, single, _strava(shared, tmp_path / "s.zip"), "--json")
    assert r.code == 0, r.text
    data = r.json()  # the whole of stdout is one JSON document
    assert {k: data[k] for k in ("imported", "duplicate", "skipped", "refused",
                                 "interrupted")} == {
        "imported": 3, "duplicate": 0, "skipped": 1, "refused": 0, "interrupted": False}
    first = data["files"][0]
    assert (first["file"], first["status"]) == (str(single), "imported")
    assert [a["sport"] for a in first["activities"]] == ["run"]
    assert first["activity"]["name"] == "run.fit.gz"


def test_import_nested_zip_bomb_is_refused_with_a_clear_message(
        cli: Cli, sam: str, tmp_path: Path) -> None:
    inner: bytes = b""
    for level in range(4):  # a zip in a zip in a zip in a zip
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(f"level{level}.zip" if inner else "run.gpx", inner or b"<gpx/>")
        inner = buf.getvalue()
    path = tmp_path / "nested.zip"
    path.write_bytes(inner)
    r = cli("import", "-p", sam, path)
    assert r.code == 2
    assert "refused" in r.text
    assert "it is a zip inside 3 zips; archives are opened at most 3 deep" in r.text
    assert "0 imported, 0 duplicates, 0 skipped, 1 refused." in r.text


def test_import_in_a_terminal_shows_progress_and_each_file(
        cli: Cli, sam: str, shared: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import anklet.cli.activities as cli_activities

    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=120, color_system=None)
    monkeypatch.setattr(cli_activities, "out", terminal)
    r = cli("import", "-p", sam, _strava(shared, tmp_path / "s.zip"))
    assert r.code == 0, r.text
    shown = screen.getvalue()
    assert "Importing" in shown  # the bar (drawn, then cleared when done)
    assert "3/3" in shown  # files done of all found: the archive's 3 files replaced it
    assert 'activities/1.fit.gz: "Long Sunday run", a 47 min run' in shown
    assert "2 imported, 0 duplicates, 1 skipped, 0 refused." in shown


def test_import_stopped_keeps_what_was_done_and_the_rerun_reports_duplicates(
        cli: Cli, sam: str, shared: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import anklet.importers.bundle as bundle

    export = _strava(shared, tmp_path / "export_1.zip")
    real = bundle.read_zip

    def ctrl_c_after_the_first(*args: Any, **kwargs: Any) -> Any:
        members = real(*args, **kwargs)
        yield next(members)
        raise KeyboardInterrupt  # Ctrl-C in the middle of a long import

    monkeypatch.setattr(bundle, "read_zip", ctrl_c_after_the_first)
    r = cli("import", "-p", sam, export)
    assert r.code == 130
    assert "1 imported, 0 duplicates, 0 skipped, 0 refused." in r.text
    assert "Stopped before the end: what was imported is kept" in r.text
    monkeypatch.setattr(bundle, "read_zip", real)
    again = cli("import", "-p", sam, export)
    assert again.code == 0
    assert again.out.splitlines()[-1] == "1 imported, 1 duplicate, 1 skipped, 0 refused."
