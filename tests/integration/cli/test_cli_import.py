"""``anklet import`` and ``anklet runs``, driven in-process with the real files.

Exit codes: 0 when every file was imported or skipped, 2 when any failed (the good files
are stored all the same), 4 for an unknown person.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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
    assert "1 imported, 1 skipped, 1 failed." in r.text
    runs = cli("runs", sam, "--json").json()
    assert [a["name"] for a in runs["activities"]] == ["activity-small-fenix2-run.fit"]
    # the import decided Sam again (nothing else did): the list shows it
    assert [p["status"] for p in cli("people", "--json").json()] == ["screen_needed"]


def test_import_json_lists_every_file_with_its_status(cli: Cli, sam: str, shared: Path) -> None:
    first = cli("import", "-p", sam, shared / "garmin-fenix-5-run.fit", "--json")
    assert first.code == 0, first.text
    data = first.json()
    assert (data["imported"], data["skipped"], data["failed"]) == (1, 0, 0)
    [f] = data["files"]
    assert f["status"] == "imported"
    assert f["activity"]["sport"] == "run"
    assert f["activity"]["cadence_spm"] == 173.89
    assert f["activity"]["date"] == "2017-06-11"
    again = cli("import", "-p", sam, shared / "garmin-fenix-5-run.fit", "--json").json()
    assert again["files"][0]["status"] == "skipped"
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
    assert status == {"../../evil.fit": "imported", "walk.fit": "imported", "cut.fit": "failed",
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
