"""The ``anklet`` command, driven in-process through ``anklet.cli.app.main``.

Every command gets a happy path (the effect is really stored, ``--json`` parses and
has the expected keys) and bad input (the right exit code, a message naming the
field, the value and what is accepted, no traceback, nothing half-written). A round
trip export → delete → import → export loses nothing, on SQLite and PostgreSQL. One
test runs the installed console script in a real subprocess.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cliasserts import json_error, ok, refused
from sqlalchemy import create_engine, text

from anklet.store.db import make_engine
from anklet.store.repository import StoredDecision
from anklet.store.uow import UnitOfWork

Cli = Callable[..., Any]  # conftest.Result: .code, .out, .err, .json(), .text

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)
START = TODAY - dt.timedelta(days=7)
REPO = Path(__file__).resolve().parents[3]

EXIT_INPUT, EXIT_DATAFILE, EXIT_NOT_FOUND, EXIT_CONFLICT, EXIT_STORE = 2, 3, 4, 5, 6


# --- helpers --------------------------------------------------------------------------------





def exported(cli: Cli, person: str = "sam") -> dict[str, Any]:
    """The person's stored history, read back with ``anklet export``."""
    doc: dict[str, Any] = ok(cli("export", person)).json()
    return doc


def add_person(cli: Cli, person: str = "sam", *extra: str, screen: bool = True) -> None:
    ok(cli("add-person", person, "--name", f"Person {person}", *extra))
    if screen:
        ok(cli("screen", person, "--none"))


def red_flag_ids(cli: Cli) -> list[str]:
    return [f["id"] for f in ok(cli("red-flags", "--json")).json()]


def stored_decision(cli_url: str, person: str = "sam") -> StoredDecision | None:
    """The person's stored decision (what `anklet people` and the coach's list read)."""
    engine = make_engine(cli_url)
    try:
        with UnitOfWork(engine) as uow:
            return uow.people.get_decision(person)
    finally:
        engine.dispose()


def _stored(cli_url: str, person: str) -> tuple[str | None, set[str]]:
    """The status and flags of the person's stored decision."""
    d = stored_decision(cli_url, person)
    assert d is not None
    return d.status, set(d.summary["flags"])


def _wipe_decision(cli_url: str) -> None:
    engine = create_engine(cli_url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM decisions"))
    engine.dispose()

# --- people: add-person, people, delete ---------------------------------------------------


def test_add_person_stores_the_intake(cli: Cli) -> None:
    r = ok(cli("add-person", "sam", "--name", "Sam Example", "--activity", "running",
               "--activity", "lifting", "--goal", "Run hills without calf pain",
               "--dominant", "right", "--left-sprains", "2", "--left-last-sprain", "2025-08-10",
               "--right-surgery", "--date", START.isoformat(), "--json"))
    assert r.json() == {"created": "sam"}
    doc = exported(cli)
    assert doc["person"] == {"id": "sam", "name": "Sam Example", "created": START.isoformat(),
                             "dominant_side": "right"}
    assert doc["intake"] == {
        "date": START.isoformat(), "goals": ["Run hills without calf pain"],
        "activities": ["running", "lifting"],
        "left": {"sprains": 2, "last_sprain": "2025-08-10", "surgery": False},
        "right": {"sprains": 0, "surgery": True}}
    human = ok(cli("add-person", "ada", "--name", "Ada"))
    assert "Created ada (Ada)" in human.text
    assert "anklet screen ada" in human.text


def test_add_person_rejects_a_bad_id_and_stores_nobody(cli: Cli) -> None:
    r = refused(cli("add-person", "Bad Id!", "--name", "X"), EXIT_INPUT,
                "id", "'Bad Id!'", "lower-case letters, digits, - and _")
    assert r.err.startswith("Error:")
    data = json_error(cli("add-person", "Bad Id!", "--name", "X", "--json"), EXIT_INPUT,
                      "InputError")
    assert data["field"] == "id"
    assert data["value"] == "Bad Id!"
    assert "lower-case letters" in data["accepted"]
    assert ok(cli("people", "--json")).json() == []


def test_add_person_rejects_a_duplicate_id_and_keeps_the_first(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam First"))
    refused(cli("add-person", "sam", "--name", "Sam Second"), EXIT_CONFLICT,
            "'sam'", "already exists")
    json_error(cli("add-person", "sam", "--name", "Sam Second", "--json"), EXIT_CONFLICT,
               "ConflictError")
    assert [p["name"] for p in ok(cli("people", "--json")).json()] == ["Sam First"]


@pytest.mark.parametrize(("args", "words"), [
    (("--date", "2026-13-40"), ("date", "'2026-13-40'", "YYYY-MM-DD")),
    (("--left-last-sprain", "2025-02-30", "--left-sprains", "1"),
     ("left-last-sprain", "'2025-02-30'", "YYYY-MM-DD")),
    (("--left-last-sprain", "2025-01-01"), ("left-last-sprain", "'2025-01-01'",
                                            "--left-sprains 1 or more")),
    (("--right-sprains", "-1"), ("right-sprains", "-1", "greater than or equal to 0")),
    (("--activity", "swimming"), ("swimming", "running")),
])
def test_add_person_rejects_bad_intake_values(cli: Cli, args: tuple[str, ...],
                                              words: tuple[str, ...]) -> None:
    refused(cli("add-person", "bob", "--name", "Bob", *args), EXIT_INPUT, *words)
    assert ok(cli("people", "--json")).json() == []


def test_a_name_with_brackets_is_printed_as_typed_not_read_as_markup(cli: Cli) -> None:
    # Rich markup in a name used to crash the output with a MarkupError traceback.
    r = ok(cli("add-person", "brk", "--name", "[/x] Bo [bold]Brackets"))
    assert "[/x] Bo [bold]Brackets" in r.text
    assert "[/x] Bo [bold]Brackets" in ok(cli("people")).text
    refused(cli("status", "[/nobody]"), EXIT_NOT_FOUND, "'[/nobody]'")


def test_people_lists_everyone_with_stage_and_status(cli: Cli) -> None:
    assert "No people yet" in ok(cli("people")).text
    add_person(cli, "sam")
    add_person(cli, "ada", screen=False)
    rows = ok(cli("people", "--json")).json()
    assert [r["id"] for r in rows] == ["ada", "sam"]
    assert all(set(r) == {"id", "name", "created", "stage", "status", "profile"} for r in rows)
    ok(cli("status", "sam"))  # stores a decision
    rows = {r["id"]: r for r in ok(cli("people", "--json")).json()}
    assert rows["sam"]["stage"] == 1
    assert rows["sam"]["status"] == "working"
    assert rows["ada"]["status"] is None
    human = ok(cli("people")).text
    assert "Person sam" in human
    assert "not evaluated yet" in human


def test_people_rejects_an_unknown_option(cli: Cli) -> None:
    refused(cli("people", "--everyone"), EXIT_INPUT, "--everyone")


def test_delete_needs_yes_and_then_removes_everything(cli: Cli) -> None:
    add_person(cli)
    ok(cli("log", "sam", "--pain-during", "0", "-e", "seated-arch-roll"))
    refused(cli("delete", "sam"), EXIT_INPUT, "yes", "pass --yes to confirm")
    assert exported(cli)["sessions"]  # still there
    refused(cli("delete", "nobody", "--yes"), EXIT_NOT_FOUND, "'nobody'")
    assert ok(cli("delete", "sam", "--yes", "--json")).json() == {"deleted": "sam"}
    assert ok(cli("people", "--json")).json() == []
    refused(cli("export", "sam"), EXIT_NOT_FOUND, "No person 'sam'")


# --- export and import-history --------------------------------------------------------------


def test_export_to_stdout_and_to_a_file(cli: Cli, tmp_path: Path) -> None:
    add_person(cli)
    doc = exported(cli)
    assert doc["format"] == "anklet-history"
    assert doc["version"] == 1
    assert doc["person"]["id"] == "sam"
    f = tmp_path / "sam.json"
    r = ok(cli("export", "sam", "-o", f))
    assert "Wrote" in r.err
    assert json.loads(f.read_text(encoding="utf-8")) == doc
    g = tmp_path / "sam2.json"
    assert ok(cli("export", "sam", "--output", g, "--json")).json() == {"written": str(g)}
    assert g.read_text(encoding="utf-8") == f.read_text(encoding="utf-8")


def test_export_refuses_an_unknown_person_and_an_unwritable_file(cli: Cli,
                                                                 tmp_path: Path) -> None:
    refused(cli("export", "nobody"), EXIT_NOT_FOUND, "No person 'nobody' was found")
    json_error(cli("export", "nobody", "--json"), EXIT_NOT_FOUND, "NotFoundError")
    add_person(cli)
    missing = tmp_path / "no-such-folder" / "sam.json"
    refused(cli("export", "sam", "-o", missing), EXIT_INPUT, "output", str(missing),
            "a file that can be written")
    refused(cli("export", "sam", "-o", tmp_path), EXIT_INPUT, "output", str(tmp_path))


def test_import_history_stores_the_document(cli: Cli, tmp_path: Path) -> None:
    doc = {"format": "anklet-history", "version": 1,
           "person": {"id": "imp", "name": "Imported"},
           "intake": {"date": "2026-01-05", "goals": ["squat"], "activities": ["lifting"]},
           "measurements": [{"date": "2026-01-05", "side": "left", "kind": "knee_to_wall",
                             "value": 9.5}],
           "sessions": [{"date": "2026-01-06", "pain_during": 2,
                         "exercises": [{"exercise_id": "seated-arch-roll", "seconds": 60}]}]}
    f = tmp_path / "imp.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    r = ok(cli("import-history", f, "--json"))
    assert r.json() == {"imported": "imp", "sessions": 1, "measurements": 1}
    back = exported(cli, "imp")
    assert back["measurements"][0]["value"] == 9.5
    assert back["sessions"][0]["exercises"][0] == {"exercise_id": "seated-arch-roll",
                                                   "side": "both", "seconds": 60}
    assert back["intake"]["goals"] == ["squat"]


def test_import_history_refuses_an_existing_person_unless_replace(cli: Cli,
                                                                  tmp_path: Path) -> None:
    add_person(cli)
    ok(cli("log", "sam", "--pain-during", "0", "-e", "seated-arch-roll"))
    doc = exported(cli)
    doc["person"]["name"] = "Sam Renamed"
    doc["sessions"] = []
    f = tmp_path / "sam.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    refused(cli("import-history", f), EXIT_CONFLICT, "'sam'", "already exists", "--replace")
    json_error(cli("import-history", f, "--json"), EXIT_CONFLICT, "ConflictError")
    before = exported(cli)
    assert before["person"]["name"] == "Person sam"
    assert len(before["sessions"]) == 1
    assert "Imported sam" in ok(cli("import-history", f, "--replace")).text
    after = exported(cli)
    assert after["person"]["name"] == "Sam Renamed"
    assert after["sessions"] == []


def test_import_history_names_an_unknown_field_and_stores_nothing(cli: Cli,
                                                                  tmp_path: Path) -> None:
    f = tmp_path / "unk.json"
    f.write_text(json.dumps({"format": "anklet-history", "version": 1,
                             "person": {"id": "x", "name": "X", "shoe_size": 42}}),
                 encoding="utf-8")
    refused(cli("import-history", f), EXIT_INPUT, str(f), "person.shoe_size", "42",
            "unknown field")
    data = json_error(cli("import-history", f, "--json"), EXIT_INPUT, "HistoryError")
    assert data["problems"][0]["field"] == "person.shoe_size"
    assert ok(cli("people", "--json")).json() == []


def test_import_history_names_the_line_and_column_of_invalid_json(cli: Cli,
                                                                  tmp_path: Path) -> None:
    f = tmp_path / "bad.json"
    f.write_text('{"format": "anklet-history",\n "version": 1,\n'
                 ' "person": {"id": "x", "name": "X"},, }', encoding="utf-8")
    refused(cli("import-history", f), EXIT_INPUT, str(f), "line 3, column 37", "valid JSON")
    assert ok(cli("people", "--json")).json() == []


def test_import_history_refuses_unknown_exercises_and_missing_files(cli: Cli,
                                                                    tmp_path: Path) -> None:
    f = tmp_path / "ex.json"
    f.write_text(json.dumps({
        "format": "anklet-history", "version": 1, "person": {"id": "x", "name": "X"},
        "sessions": [{"date": "2026-01-06", "exercises": [
            {"exercise_id": "seated-arch-roll"}, {"exercise_id": "moonwalk"}]}]}),
        encoding="utf-8")
    refused(cli("import-history", f), EXIT_INPUT, "sessions[0].exercises[1].exercise_id",
            "'moonwalk'", "an id from `anklet exercises`")
    refused(cli("import-history", tmp_path / "missing.json"), EXIT_INPUT, "FILE",
            "missing.json", "an existing history JSON file")
    assert ok(cli("people", "--json")).json() == []


# --- assessment: screen, red-flags, measure, observe-foot ------------------------------------


def test_screen_records_symptoms_and_answers(cli: Cli) -> None:
    add_person(cli, screen=False)
    r = ok(cli("screen", "sam", "--none", "--left-pain-rest", "1", "--left-pain-activity", "3",
               "--left-giving-way", "--right-swelling", "--date", START.isoformat(), "--json"))
    assert r.json() == {"recorded": START.isoformat(), "red_flags": []}
    (s,) = exported(cli)["screenings"]
    assert s["date"] == START.isoformat()
    assert s["left"] == {"pain_rest": 1, "pain_activity": 3, "swelling": False,
                         "giving_way": True}
    assert s["right"]["swelling"] is True
    assert s["red_flags"] == dict.fromkeys(red_flag_ids(cli), False)
    assert "no red flags" in ok(cli("screen", "sam", "--none")).text


def test_screen_with_a_red_flag_says_see_a_clinician(cli: Cli) -> None:
    add_person(cli, screen=False)
    r = ok(cli("screen", "sam", "--yes", "numbness_tingling", "--none"))
    assert "Red flag" in r.text
    assert "see a clinician first" in r.text
    assert exported(cli)["screenings"][0]["red_flags"]["numbness_tingling"] is True


def test_screen_without_answers_is_refused_when_it_cannot_ask(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    add_person(cli, screen=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal
    refused(cli("screen", "sam"), EXIT_INPUT, "red flags", "pass --none", "--yes ID")
    data = json_error(cli("screen", "sam", "--yes", "numbness_tingling", "--json"),
                      EXIT_INPUT, "InputError")
    assert data["field"] == "red flags"
    assert exported(cli)["screenings"] == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_screen_asks_each_question_on_a_terminal(cli: Cli,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    add_person(cli, screen=False)
    flags = red_flag_ids(cli)
    # numbness_tingling is given as present, so only the other questions are asked:
    # one answer too few would end the run at end of input.
    answers = ["y" if f == "ottawa_midfoot" else "n" for f in flags if f != "numbness_tingling"]
    monkeypatch.setattr(sys, "stdin", _Terminal("\n".join(answers) + "\n"))
    r = ok(cli("screen", "sam", "--yes", "numbness_tingling"))
    assert "see a clinician first" in r.text
    stored = exported(cli)["screenings"][0]["red_flags"]
    assert {f for f, v in stored.items() if v} == {"numbness_tingling", "ottawa_midfoot"}
    assert set(stored) == set(flags)


@pytest.mark.parametrize(("args", "words"), [
    (("--yes", "broken_leg", "--none"), ("yes", "'broken_leg'", "one of: ottawa_malleolus")),
    (("--none", "--left-pain-rest", "11"), ("left-pain-rest", "11", "less than or equal to 10")),
    (("--none", "--right-pain-activity", "-1"),
     ("right-pain-activity", "-1", "greater than or equal to 0")),
    (("--none", "--date", "2026-13-40"), ("date", "'2026-13-40'", "YYYY-MM-DD")),
])
def test_screen_rejects_bad_values(cli: Cli, args: tuple[str, ...],
                                   words: tuple[str, ...]) -> None:
    add_person(cli, screen=False)
    refused(cli("screen", "sam", *args), EXIT_INPUT, *words)
    assert exported(cli)["screenings"] == []


def test_screen_of_an_unknown_person(cli: Cli) -> None:
    refused(cli("screen", "nobody", "--none"), EXIT_NOT_FOUND, "'nobody'")


def test_red_flags_lists_the_questions(cli: Cli) -> None:
    flags = ok(cli("red-flags", "--json")).json()
    assert len(flags) >= 5
    assert all(set(f) == {"id", "question", "source"} for f in flags)
    assert "numbness_tingling" in {f["id"] for f in flags}
    human = ok(cli("red-flags")).text
    assert "see a clinician first" in human
    assert "ottawa_malleolus" in human


def test_a_broken_protocol_file_is_named_with_its_line(cli: Cli, tmp_path: Path) -> None:
    shipped = resources.files("anklet.data").joinpath("protocol.yaml").read_text("utf-8")
    lines = shipped.splitlines()
    entry = next(i for i, line in enumerate(lines) if "id: ottawa_malleolus" in line)
    src = next(i for i in range(entry, len(lines)) if "source:" in lines[i])
    lines[src] = lines[src].split("source:")[0] + "source: NoSuchStudy"
    broken = tmp_path / "my-protocol.yaml"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = refused(cli("--protocol", broken, "red-flags", db=False), EXIT_DATAFILE,
                str(broken), "NoSuchStudy")
    found = re.search(r"line (\d+)", r.text)
    assert found, r.text
    line = int(found.group(1))
    assert entry + 1 <= line <= src + 1  # the entry's lines, 1-based
    data = json_error(cli("--protocol", broken, "people", "--json", db=False), EXIT_DATAFILE,
                      "DataFileError")
    assert data["file"] == str(broken)
    assert entry + 1 <= data["line"] <= src + 1
    refused(cli("--protocol", tmp_path / "none.yaml", "people"), EXIT_DATAFILE, "none.yaml",
            "file not found")
    refused(cli("--exercises", tmp_path / "none.yaml", "exercises"), EXIT_DATAFILE,
            "none.yaml", "file not found")


def test_measure_stores_both_sides(cli: Cli) -> None:
    add_person(cli)
    r = ok(cli("measure", "sam", "knee-to-wall", "--left", "7.5", "--right", "11",
               "--left-pain", "2", "--method", "tape", "--rater", "physio B", "--json"))
    assert [(m["side"], m["value"]) for m in r.json()["recorded"]] == [("left", 7.5),
                                                                      ("right", 11.0)]
    reach = ok(cli("measure", "sam", "y_balance_anterior", "--left", "58", "--right", "64",
                   "--leg-length", "90"))
    assert "left 58 (64% of leg length), right 64 (71% of leg length)" in reach.text
    human = ok(cli("measure", "sam", "lunge-angle", "--left", "30"))
    assert "lunge angle for sam: left 30" in human.text
    assert "(method: inclinometer)" in human.text
    ms = exported(cli)["measurements"]
    assert ms[0] == {"date": TODAY.isoformat(), "side": "left", "kind": "knee_to_wall",
                     "value": 7.5, "method": "tape", "pain": 2, "rater": "physio B"}
    assert ms[1]["side"] == "right"
    assert "pain" not in ms[1]
    assert [m["kind"] for m in ms] == ["knee_to_wall"] * 2 + ["y_balance_anterior"] * 2 + [
        "lunge_angle"]
    assert ms[2]["leg_length_cm"] == 90
    # no --method given: the test's usual method is stored, so the record says how it was taken
    assert ms[-1]["method"] == "inclinometer"


def test_measure_with_one_bad_side_stores_neither(cli: Cli) -> None:
    add_person(cli)
    refused(cli("measure", "sam", "knee-to-wall", "--left", "8", "--right", "40"), EXIT_INPUT,
            "right", "40", "accepted: 0 to 25 cm")
    data = json_error(cli("measure", "sam", "knee-to-wall", "--left", "8", "--right", "40",
                          "--json"), EXIT_INPUT, "InputError")
    assert data["field"] == "right"
    assert data["value"] == 40
    refused(cli("measure", "sam", "knee-to-wall", "--left", "8", "--right", "9",
                "--right-pain", "12"), EXIT_INPUT, "right-pain", "12", "0 to 10")
    assert exported(cli)["measurements"] == []


@pytest.mark.parametrize(("args", "words"), [
    (("ankle-wiggle", "--left", "3"), ("kind", "'ankle-wiggle'", "knee-to-wall",
                                       "y-balance-anterior")),
    (("knee-to-wall",), ("left/right", "--left, --right or both")),
    (("heel-raise", "--left", "8", "--leg-length", "90"), ("leg-length", "90", "leg_length_cm only")),
    (("knee-to-wall", "--left", "8", "--date", "2026-13-40"), ("date", "'2026-13-40'")),
    # Typer's own number parsing names the option and the type, not the value.
    (("knee-to-wall", "--left", "eight"), ("--left", "valid number")),
])
def test_measure_rejects_bad_input(cli: Cli, args: tuple[str, ...],
                                   words: tuple[str, ...]) -> None:
    add_person(cli)
    refused(cli("measure", "sam", *args), EXIT_INPUT, *words)
    assert exported(cli)["measurements"] == []


def test_measure_of_an_unknown_person(cli: Cli) -> None:
    refused(cli("measure", "nobody", "knee-to-wall", "--left", "8"), EXIT_NOT_FOUND,
            "'nobody'")


def test_observe_foot_stores_the_observation(cli: Cli) -> None:
    add_person(cli)
    r = ok(cli("observe-foot", "sam", "--side", "left", "--posture", "pronated", "--arch",
               "collapsed", "--notes", "navicular drop", "--json"))
    assert r.json()["recorded"] == {"date": TODAY.isoformat(), "side": "left",
                                    "posture": "pronated", "arch": "collapsed",
                                    "notes": "navicular drop"}
    assert "right foot: neutral, arch typical" in ok(cli(
        "observe-foot", "sam", "--side", "right", "--posture", "neutral", "--arch",
        "typical")).text
    assert [(o["side"], o["posture"]) for o in exported(cli)["foot_observations"]] == [
        ("left", "pronated"), ("right", "neutral")]


def test_status_shows_the_latest_observation_of_each_foot(cli: Cli) -> None:
    add_person(cli)
    ok(cli("observe-foot", "sam", "--side", "left", "--posture", "pronated", "--arch",
           "collapsed", "--date", "2026-01-05"))
    ok(cli("observe-foot", "sam", "--side", "left", "--posture", "neutral", "--arch",
           "typical", "--date", "2026-02-05"))
    feet = ok(cli("status", "sam", "--json")).json()["feet"]
    assert feet == {"left": {"date": "2026-02-05", "side": "left", "posture": "neutral",
                             "arch": "typical"}}
    assert "left neutral, arch typical (2026-02-05)" in ok(cli("status", "sam")).text


@pytest.mark.parametrize(("args", "words"), [
    (("--side", "left", "--posture", "flat", "--arch", "high"),
     ("--posture", "'flat'", "pronated", "supinated")),
    (("--side", "middle", "--posture", "neutral", "--arch", "high"), ("--side", "'middle'")),
    (("--side", "left", "--posture", "neutral", "--arch", "high", "--date", "2026-02-30"),
     ("date", "'2026-02-30'", "YYYY-MM-DD")),
    (("--side", "left", "--posture", "neutral"), ("--arch",)),
])
def test_observe_foot_rejects_bad_input(cli: Cli, args: tuple[str, ...],
                                        words: tuple[str, ...]) -> None:
    add_person(cli)
    refused(cli("observe-foot", "sam", *args), EXIT_INPUT, *words)
    assert exported(cli)["foot_observations"] == []


# --- availability and runs -------------------------------------------------------------------


def test_availability_is_stored_and_a_bad_value_changes_nothing(cli: Cli) -> None:
    add_person(cli)
    r = ok(cli("availability", "sam", "--mon", "20", "--tue", "15", "--wed", "30", "--sat",
               "45", "--json"))
    week = {"mon": 20, "tue": 15, "wed": 30, "thu": 0, "fri": 0, "sat": 45, "sun": 0}
    assert r.json() == week
    assert exported(cli)["availability"] == week
    refused(cli("availability", "sam", "--mon", "10", "--tue", "300"), EXIT_INPUT,
            "tue", "300", "less than or equal to 240")
    refused(cli("availability", "sam", "--mon", "ten"), EXIT_INPUT, "--mon", "valid integer")
    refused(cli("availability", "nobody", "--mon", "10"), EXIT_NOT_FOUND, "'nobody'")
    assert exported(cli)["availability"] == week


def test_add_run_stores_the_run(cli: Cli) -> None:
    add_person(cli)
    day = TODAY + dt.timedelta(days=5)
    r = ok(cli("add-run", "sam", day.isoformat(), "long", "--minutes", "90", "--title",
               "Hill loop", "--json"))
    assert r.json() == {"date": day.isoformat(), "kind": "long", "minutes": 90,
                        "title": "Hill loop"}
    assert "Planned a easy run" in ok(cli("add-run", "sam", TODAY.isoformat(), "easy")).text
    assert exported(cli)["planned_runs"] == [
        {"date": TODAY.isoformat(), "kind": "easy"},
        {"date": day.isoformat(), "kind": "long", "minutes": 90, "title": "Hill loop"}]


@pytest.mark.parametrize(("args", "words"), [
    (("2026-02-30", "long"), ("date", "'2026-02-30'", "YYYY-MM-DD")),
    (("2026-02-03", "jog"), ("kind", "'jog'", "easy", "race")),
    (("2026-02-03", "long", "--minutes", "0"), ("minutes", "0", "greater than or equal to 1")),
])
def test_add_run_rejects_bad_input(cli: Cli, args: tuple[str, ...],
                                   words: tuple[str, ...]) -> None:
    add_person(cli)
    refused(cli("add-run", "sam", *args), EXIT_INPUT, *words)
    assert exported(cli)["planned_runs"] == []


# --- remove-run ------------------------------------------------------------------------------

SUNDAY = TODAY + dt.timedelta(days=6 - TODAY.weekday())  # this week's


@pytest.fixture
def cli_both(cli_for: Callable[[str], Cli], db_url: str) -> Cli:
    """``cli`` on a fresh database of each kind: SQLite, and PostgreSQL (marked postgres)."""
    return cli_for(db_url)


def runs_of(cli: Cli, person: str = "sam") -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = exported(cli, person)["planned_runs"]
    return runs


def sunday_gait(cli: Cli) -> list[Any]:
    """The runs this Sunday's gait drills go before, from ``plan --json`` (date, kind and
    title: the plan leaves the minutes out)."""
    day = next(d for d in ok(cli("plan", "sam", "--json")).json()["days"]
               if d["date"] == SUNDAY.isoformat())
    return [b["before_run"] for b in day["blocks"] if b["target"] == "gait"]


def test_remove_run_removes_one_of_two_alike_and_the_gait_prep_goes(cli_both: Cli) -> None:
    cli = cli_both
    add_person(cli)
    ok(cli("availability", "sam", *(f"--{d}=30" for d in
                                    ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))))
    ok(cli("override", "sam", "--stage", "3", "--reason", "moves well, gait next"))
    hill = {"date": SUNDAY.isoformat(), "kind": "long", "minutes": 90, "title": "Hill loop"}
    easy = {"date": SUNDAY.isoformat(), "kind": "easy"}
    for _ in range(2):
        ok(cli("add-run", "sam", SUNDAY.isoformat(), "long", "--minutes", "90", "--title",
               "Hill loop"))
    ok(cli("add-run", "sam", SUNDAY.isoformat(), "easy"))
    before_hill = {k: v for k, v in hill.items() if k != "minutes"}
    assert sunday_gait(cli) == [before_hill]
    # the two long runs are alike: --kind picks them, and one of them goes
    r = ok(cli("remove-run", "sam", "--date", SUNDAY.isoformat(), "--kind", "long", "--json"))
    assert r.json() == {"removed": hill, "alike_still_planned": 1}
    assert runs_of(cli) == [hill, easy]
    assert sunday_gait(cli) == [before_hill]
    r = ok(cli("remove-run", "sam", "--date", SUNDAY.isoformat(), "--title", "HILL LOOP"))
    assert f"Removed the long run on {SUNDAY.isoformat()}, 90 min, Hill loop." in r.text
    assert f"Its gait drills are out of the plan for {SUNDAY:%a %-d %b}." in r.text
    assert runs_of(cli) == [easy]
    assert sunday_gait(cli) == []
    r = ok(cli("remove-run", "sam", "--date", SUNDAY.isoformat()))
    assert f"Removed the easy run on {SUNDAY.isoformat()}." in r.text
    assert "gait" not in r.text
    assert runs_of(cli) == []


def test_remove_run_refuses_when_different_runs_match_and_names_the_option(
        cli: Cli, cli_url: str) -> None:
    add_person(cli)
    day = SUNDAY.isoformat()
    ok(cli("add-run", "sam", day, "long", "--minutes", "90", "--title", "Hill loop"))
    ok(cli("add-run", "sam", day, "easy"))
    ok(cli("add-run", "sam", day, "long"))
    before = runs_of(cli)
    decided = stored_decision(cli_url)
    r = refused(cli("remove-run", "sam", "--date", day), EXIT_INPUT,
                f"3 different runs on {day} match; nothing was removed",
                "Say which with --kind, --minutes or --title",
                f"- long run on {day}, 90 min, Hill loop", f"- easy run on {day}",
                f"- long run on {day}")
    assert r.text.count(" - ") == 3
    refused(cli("remove-run", "sam", "--date", day, "--kind", "long"), EXIT_INPUT,
            "2 different runs", "Say which with --minutes or --title:",
            "give what it has and add --exact")
    data = json_error(cli("remove-run", "sam", "--date", day, "--kind", "long", "--json"),
                      EXIT_INPUT, "InputError")
    assert (data["field"], data["value"]) == ("date", day)
    assert "--minutes or --title" in data["accepted"]
    assert runs_of(cli) == before
    assert stored_decision(cli_url) == decided  # nothing decided again
    # --exact: the long run with no minutes and no title
    r = ok(cli("remove-run", "sam", "--date", day, "--kind", "long", "--exact", "--json"))
    assert r.json() == {"removed": {"date": day, "kind": "long"}, "alike_still_planned": 0}
    # a removal decides again and saves the decision the people list shows
    after = stored_decision(cli_url)
    assert after is not None
    assert decided is not None
    assert after.evaluated_at > decided.evaluated_at
    assert ok(cli("people", "--json")).json()[0]["status"] == "working"
    ok(cli("remove-run", "sam", "--date", day, "--kind", "long"))
    assert runs_of(cli) == [{"date": day, "kind": "easy"}]


@pytest.mark.parametrize(("args", "code", "words"), [
    (("--date", "2026-02-03"), EXIT_NOT_FOUND,
     ("No planned run 'run on 2026-02-03' was found.", "No run is planned that day.",
      "Nothing was removed.")),
    (("--date", SUNDAY.isoformat(), "--kind", "race"), EXIT_NOT_FOUND,
     (f"'race run on {SUNDAY.isoformat()}'",
      f"That day has: long run on {SUNDAY.isoformat()}, 90 min, Hill loop.")),
    (("--date", SUNDAY.isoformat(), "--minutes", "60", "--title", "Hill loop"), EXIT_NOT_FOUND,
     (f"'run on {SUNDAY.isoformat()}, 60 min, Hill loop'",)),
    (("--date", SUNDAY.isoformat(), "--exact"), EXIT_NOT_FOUND, ("That day has:",)),
    (("--date", "2026-02-30"), EXIT_INPUT, ("date", "'2026-02-30'", "YYYY-MM-DD")),
    (("--date", "9999-01-01"), EXIT_INPUT, ("date", "9999-01-01")),
    (("--date", SUNDAY.isoformat(), "--minutes", "0"), EXIT_INPUT, ("minutes", "0", "1 to 1440")),
    (("--date", SUNDAY.isoformat(), "--kind", "jog"), EXIT_INPUT, ("--kind", "'jog'", "race")),
    ((), EXIT_INPUT, ("Missing option '--date'",)),
])
def test_remove_run_refuses_what_matches_no_run(cli: Cli, args: tuple[str, ...], code: int,
                                                words: tuple[str, ...]) -> None:
    add_person(cli)
    ok(cli("add-run", "sam", SUNDAY.isoformat(), "long", "--minutes", "90", "--title",
           "Hill loop"))
    before = runs_of(cli)
    refused(cli("remove-run", "sam", *args), code, *words)
    if code == EXIT_NOT_FOUND:
        assert json_error(cli("remove-run", "sam", *args, "--json"), code,
                          "NotFoundError")["message"].startswith("No planned run")
    assert runs_of(cli) == before


def test_remove_run_for_nobody_is_not_found(cli: Cli) -> None:
    refused(cli("remove-run", "nobody", "--date", SUNDAY.isoformat()), EXIT_NOT_FOUND,
            "No person 'nobody' was found.")


# --- log and morning ---------------------------------------------------------------------------


def test_log_stores_the_session_with_every_exercise(cli: Cli) -> None:
    add_person(cli)
    r = ok(cli("log", "sam", "-e", "seated-arch-roll,seconds=60",
               "-e", "calf-roll-seated,sets=3,seconds=60,side=left", "--rpe", "4",
               "--pain-before", "0", "--pain-during", "1", "--notes", "easy", "--json"))
    assert r.json()["exercises"][1] == {"exercise_id": "calf-roll-seated", "side": "left",
                                        "sets": 3, "seconds": 60}
    (s,) = exported(cli)["sessions"]
    assert s == {"date": TODAY.isoformat(), "rpe": 4, "pain_before": 0, "pain_during": 1,
                 "notes": "easy", "gait_off": False, "exercises": [
                     {"exercise_id": "seated-arch-roll", "side": "both", "seconds": 60},
                     {"exercise_id": "calf-roll-seated", "side": "left", "sets": 3,
                      "seconds": 60}]}
    human = ok(cli("log", "sam", "-e", "seated-arch-roll", "--pain-during", "7"))
    assert "Logged 1 exercise(s)" in human.text
    assert "more pain than the plan allows" in human.text


def test_log_planned_logs_the_days_planned_exercises(cli: Cli) -> None:
    add_person(cli)
    ok(cli("availability", "sam", *[a for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
                                    for a in (f"--{d}", "30")]))
    plan = ok(cli("plan", "sam", "--json")).json()
    today = next(d for d in plan["days"] if d["date"] == TODAY.isoformat())
    planned = [e["id"] for b in today["blocks"] for e in b["exercises"]]
    assert planned
    r = ok(cli("log", "sam", "--planned", "--pain-during", "2", "--rpe", "5", "--json"))
    assert [e["exercise_id"] for e in r.json()["exercises"]] == planned
    (s,) = exported(cli)["sessions"]
    assert [e["exercise_id"] for e in s["exercises"]] == planned
    assert s["pain_during"] == 2


def test_log_planned_on_a_day_with_nothing_planned_says_so(cli: Cli) -> None:
    add_person(cli)  # no availability: nothing can be planned
    refused(cli("log", "sam", "--pain-during", "0", "--planned"), EXIT_INPUT, "planned", TODAY.isoformat(),
            "nothing is planned that day")
    assert exported(cli)["sessions"] == []


def test_log_planned_for_a_red_flag_person_is_refused(cli: Cli) -> None:
    add_person(cli, screen=False)
    ok(cli("screen", "sam", "--yes", "numbness_tingling", "--none"))
    ok(cli("availability", "sam", "--mon", "30", "--tue", "30", "--wed", "30", "--thu", "30",
           "--fri", "30", "--sat", "30", "--sun", "30"))
    refused(cli("log", "sam", "--pain-during", "0", "--planned"), EXIT_INPUT, "planned", "a day with a plan",
            "clinician")
    assert exported(cli)["sessions"] == []


@pytest.mark.parametrize(("args", "words"), [
    (("-e", "seated-arch-roll", "-e", "moonwalk"),
     ("exercises[1].exercise_id", "'moonwalk'", "an id from `anklet exercises`")),
    (("-e", "seated-arch-roll", "--pain-during", "11"), ("pain-during", "11", "0 to 10")),
    (("-e", "seated-arch-roll", "--rpe", "12"), ("rpe", "12", "0 to 10")),
    (("-e", "seated-arch-roll,sets=abc"), ("seated-arch-roll", "sets", "'abc'", "integer")),
    (("-e", "seated-arch-roll,tempo=3"), ("exercise", "'seated-arch-roll,tempo=3'",
                                          "key=value pairs with keys")),
    (("-e", "seated-arch-roll,side=middle"), ("side", "'middle'")),
    (("-e", "seated-arch-roll", "--date", "2026-13-40"), ("date", "'2026-13-40'")),
    ((), ("exercise", "at least one --exercise, or --planned")),
])
def test_log_rejects_bad_input_and_stores_no_session(cli: Cli, args: tuple[str, ...],
                                                     words: tuple[str, ...]) -> None:
    add_person(cli)
    refused(cli("log", "sam", "--pain-during", "0", *args), EXIT_INPUT, *words)
    assert exported(cli)["sessions"] == []


def test_log_without_pain_during_is_refused_and_never_taken_as_none(cli: Cli) -> None:
    add_person(cli)
    refused(cli("log", "sam", "-e", "seated-arch-roll"), EXIT_INPUT, "pain-during", "0–10")
    assert exported(cli)["sessions"] == []  # a missing answer would have counted as pain-free


def test_log_for_an_unknown_person(cli: Cli) -> None:
    refused(cli("log", "nobody", "--pain-during", "0", "-e", "seated-arch-roll"), EXIT_NOT_FOUND, "'nobody'")


def test_morning_adds_next_morning_pain(cli: Cli) -> None:
    add_person(cli)
    ok(cli("log", "sam", "--pain-during", "0", "-e", "seated-arch-roll", "--date", YESTERDAY.isoformat()))
    ok(cli("log", "sam", "--pain-during", "0", "-e", "seated-arch-roll"))
    r = ok(cli("morning", "sam", "3", "--json"))  # default: yesterday's session
    assert r.json() == {"session": YESTERDAY.isoformat(), "pain_next_morning": 3}
    assert "Next-morning pain 1/10" in ok(cli("morning", "sam", "1", "--session-date",
                                              TODAY.isoformat())).text
    assert [s.get("pain_next_morning") for s in exported(cli)["sessions"]] == [3, 1]


def test_morning_rejects_bad_input(cli: Cli) -> None:
    add_person(cli)
    ok(cli("log", "sam", "--pain-during", "0", "-e", "seated-arch-roll", "--date", YESTERDAY.isoformat()))
    refused(cli("morning", "sam", "11"), EXIT_INPUT, "pain", "11", "0 to 10")
    refused(cli("morning", "sam", "2", "--session-date", "2026-13-40"), EXIT_INPUT,
            "session-date", "'2026-13-40'", "YYYY-MM-DD")
    refused(cli("morning", "sam", "2", "--session-date", TODAY.isoformat()), EXIT_NOT_FOUND,
            "session", TODAY.isoformat())
    refused(cli("morning", "nobody", "2"), EXIT_NOT_FOUND, "'nobody'")
    assert "pain_next_morning" not in exported(cli)["sessions"][0]



def test_each_write_stores_the_persons_decision_again(cli: Cli, cli_url: str) -> None:
    # `anklet people` and the coach's list read the stored decision, which is kept for the
    # day: a red flag or a flare written here must show there at once, not tomorrow
    two_days_ago = TODAY - dt.timedelta(days=2)
    add_person(cli, screen=False)
    ok(cli("screen", "sam", "--yes", "numbness_tingling", "--none",
           "--date", two_days_ago.isoformat()))
    assert _stored(cli_url, "sam")[0] == "refer"
    assert {r["id"]: r["status"] for r in ok(cli("people", "--json")).json()} == {"sam": "refer"}
    ok(cli("screen", "sam", "--none", "--date", YESTERDAY.isoformat()))
    assert _stored(cli_url, "sam") == ("working", set())
    ok(cli("log", "sam", "-e", "seated-arch-roll", "--pain-during", "8"))
    assert "pain_flare" in _stored(cli_url, "sam")[1]
    add_person(cli, "ada")
    ok(cli("log", "ada", "-e", "seated-arch-roll", "--pain-during", "1"))
    assert _stored(cli_url, "ada") == ("working", set())
    # worse the morning after than before the session
    ok(cli("morning", "ada", "6", "--session-date", TODAY.isoformat()))
    assert "not_settled" in _stored(cli_url, "ada")[1]
    # the writes with nothing to flag store a decision too (the intake moves the start)
    for args in (("measure", "sam", "knee-to-wall", "--left", "9", "--right", "11"),
                 ("observe-foot", "sam", "--side", "left", "--posture", "neutral",
                  "--arch", "typical"),
                 ("availability", "sam", "--mon", "20"),
                 ("add-run", "sam", TODAY.isoformat(), "long"),
                 ("intake", "sam", "--left-sprains", "2"),
                 ("questionnaire", "confidence", "sam", "7")):
        _wipe_decision(cli_url)
        ok(cli(*args))
        assert _stored(cli_url, "sam")[0] == "working", args


# --- decisions and plans -------------------------------------------------------------------------


def test_status_decides_and_stores_the_decision(cli: Cli) -> None:
    add_person(cli)
    d = ok(cli("status", "sam", "--json")).json()
    assert {"person", "as_of", "status", "stage", "stage_name", "gate", "asymmetries",
            "flags", "reasons", "timeline", "clear_to_train"} <= set(d)
    assert d["person"] == "sam"
    assert d["stage"] == 1
    assert d["status"] == "working"
    assert d["clear_to_train"] is False
    assert ok(cli("people", "--json")).json()[0]["status"] == "working"
    human = ok(cli("status", "sam")).text
    assert "Stage 1" in human
    assert "What moves you to stage 2" in human
    assert "Why" in human


def test_status_without_a_screen_asks_for_one(cli: Cli) -> None:
    add_person(cli, screen=False)
    d = ok(cli("status", "sam", "--json")).json()
    assert d["status"] == "screen_needed"
    assert d["missing_screen"]


def test_status_and_plan_of_a_red_flag_person(cli: Cli) -> None:
    add_person(cli, screen=False)
    ok(cli("screen", "sam", "--yes", "numbness_tingling", "--none"))
    ok(cli("availability", "sam", "--mon", "30", "--sat", "30"))
    human = ok(cli("status", "sam")).text
    assert "See a clinician first" in human
    assert "Please see a clinician" in human
    assert ok(cli("status", "sam", "--json")).json()["status"] == "refer"
    assert "No plan this week" in ok(cli("plan", "sam")).text
    p = ok(cli("plan", "sam", "--json")).json()
    assert p["refused"]
    assert all(d["blocks"] == [] for d in p["days"])


def test_status_and_plan_refuse_bad_input(cli: Cli, cli_url: str) -> None:
    add_person(cli)
    decided = stored_decision(cli_url)
    refused(cli("status", "nobody"), EXIT_NOT_FOUND, "No person 'nobody' was found")
    json_error(cli("status", "nobody", "--json"), EXIT_NOT_FOUND, "NotFoundError")
    refused(cli("status", "sam", "--as-of", "2026-13-40"), EXIT_INPUT, "as-of",
            "'2026-13-40'", "YYYY-MM-DD")
    refused(cli("plan", "nobody"), EXIT_NOT_FOUND, "'nobody'")
    refused(cli("plan", "sam", "--week", "soon"), EXIT_INPUT, "week", "'soon'", "YYYY-MM-DD")
    assert stored_decision(cli_url) == decided  # nothing was decided again


def test_plan_shows_the_week(cli: Cli) -> None:
    add_person(cli)
    ok(cli("availability", "sam", "--mon", "20", "--tue", "20", "--wed", "20", "--thu", "20",
           "--fri", "20", "--sat", "20", "--sun", "20"))
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    p = ok(cli("plan", "sam", "--json")).json()
    assert {"person", "week_start", "stage", "stage_name", "dose_level", "ok", "refused",
            "issues", "days"} <= set(p)
    assert p["week_start"] == monday.isoformat()
    assert p["days"][0]["weekday"] == "Monday"
    assert len(p["days"]) == 7
    assert p["refused"] is None
    assert any(d["blocks"] for d in p["days"])
    assert all(d["minutes"] <= d["available"] for d in p["days"])
    human = ok(cli("plan", "sam", "--details")).text
    assert f"Week of {monday.isoformat()}" in human
    assert "how:" in human
    later = ok(cli("plan", "sam", "--week", (monday + dt.timedelta(days=9)).isoformat(),
                   "--json")).json()
    assert later["week_start"] == (monday + dt.timedelta(days=7)).isoformat()


def test_adherence_counts_the_weeks_sessions(cli: Cli) -> None:
    add_person(cli)
    ok(cli("log", "sam", "--pain-during", "0", "-e", "seated-arch-roll"))
    a = ok(cli("adherence", "sam", "--json")).json()
    assert set(a) == {"start", "end", "stage", "pct", "targets"}
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    assert a["start"] == monday.isoformat()
    foot = next(t for t in a["targets"] if t["id"] == "foot_release")
    assert foot["done"] == 1
    assert "Foot release" in ok(cli("adherence", "sam")).text
    earlier = ok(cli("adherence", "sam", "--week",
                     (monday - dt.timedelta(days=7)).isoformat(), "--json")).json()
    assert all(t["done"] == 0 for t in earlier["targets"])


def test_adherence_rejects_bad_input(cli: Cli) -> None:
    add_person(cli)
    refused(cli("adherence", "sam", "--week", "2026-13-40"), EXIT_INPUT, "week",
            "'2026-13-40'", "YYYY-MM-DD")
    refused(cli("adherence", "nobody"), EXIT_NOT_FOUND, "'nobody'")


def test_evaluate_decides_from_a_file_and_stores_nothing(cli: Cli, tmp_path: Path) -> None:
    add_person(cli)
    ok(cli("availability", "sam", "--mon", "20", "--wed", "20", "--fri", "20"))
    f = tmp_path / "sam.json"
    ok(cli("export", "sam", "-o", f))
    ok(cli("delete", "sam", "--yes"))
    before = ok(cli("people", "--json")).json()
    r = ok(cli("evaluate", f, "--json"))
    data = r.json()
    assert set(data) == {"decision", "plan"}
    assert data["decision"]["person"] == "sam"
    assert data["decision"]["stage"] == 1
    assert data["plan"]["person"] == "sam"
    assert len(data["plan"]["days"]) == 7
    human = ok(cli("evaluate", f)).text
    assert "Stage 1" in human
    assert "Week of" in human
    assert ok(cli("people", "--json")).json() == before == []


def test_evaluate_refuses_bad_files(cli: Cli, tmp_path: Path) -> None:
    refused(cli("evaluate", tmp_path / "missing.json"), EXIT_INPUT, "FILE", "missing.json",
            "an existing history JSON file")
    json_error(cli("evaluate", tmp_path / "missing.json", "--json"), EXIT_INPUT, "InputError")
    f = tmp_path / "list.json"
    f.write_text("[]", encoding="utf-8")
    refused(cli("evaluate", f), EXIT_INPUT, "document", "a JSON object")
    g = tmp_path / "g.json"
    g.write_text(json.dumps({"format": "anklet-history", "version": 1,
                             "person": {"id": "x", "name": "X"}}), encoding="utf-8")
    refused(cli("evaluate", g, "--as-of", "2026-13-40"), EXIT_INPUT, "as-of", "'2026-13-40'")


def test_demo_creates_people_at_every_stage_and_reevaluate_counts_them(cli: Cli) -> None:
    created = ok(cli("demo", "--json")).json()["created"]
    assert len(created) == 6
    rows = ok(cli("people", "--json")).json()
    assert sorted(r["id"] for r in rows) == sorted(created)
    statuses = {r["status"] for r in rows}
    assert {"refer", "clear"} <= statuses
    assert {1, 2, 3, 4} <= {r["stage"] for r in rows}
    refer = next(r["id"] for r in rows if r["status"] == "refer")
    assert "see a clinician" in ok(cli("status", refer)).text.lower()
    assert "No plan this week" in ok(cli("plan", refer)).text
    assert ok(cli("demo", "--if-empty", "--json")).json() == {"created": []}
    assert "already has people" in ok(cli("demo", "--if-empty")).text
    assert ok(cli("people", "--json")).json() == rows
    assert ok(cli("reevaluate", "--json")).json() == {"reevaluated": 6}
    assert "Re-evaluated 6 people" in ok(cli("reevaluate")).text


def test_demo_if_empty_adds_nobody_beside_a_real_person(cli: Cli) -> None:
    add_person(cli)
    assert ok(cli("demo", "--if-empty", "--json")).json() == {"created": []}
    assert [r["id"] for r in ok(cli("people", "--json")).json()] == ["sam"]


def test_demo_on_an_unusable_database(cli: Cli) -> None:
    refused(cli("--db", "garbage", "demo", db=False), EXIT_STORE, "'garbage'",
            "is not a database URL")


def test_reevaluate_stores_a_decision_for_everyone(cli: Cli) -> None:
    assert ok(cli("reevaluate", "--json")).json() == {"reevaluated": 0}
    add_person(cli, "sam")
    add_person(cli, "ada", screen=False)
    assert ok(cli("reevaluate", "--json")).json() == {"reevaluated": 2}
    rows = {r["id"]: r for r in ok(cli("people", "--json")).json()}
    assert rows["sam"]["status"] == "working"
    assert rows["ada"]["status"] == "screen_needed"
    refused(cli("reevaluate", "--as-of", "2026-13-40"), EXIT_INPUT, "as-of", "'2026-13-40'")
    refused(cli("reevaluate", "--workers", "100"), EXIT_INPUT, "workers", "100", "0 to 64")


# --- library and misc ------------------------------------------------------------------------------


def test_exercises_filters(cli: Cli) -> None:
    everything = ok(cli("exercises", "--json")).json()
    assert len(everything) > 50
    assert {"id", "name", "stages", "category", "region", "planes", "equipment", "how",
            "cautions", "why"} <= set(everything[0])
    found = ok(cli("exercises", "--stage", "3", "--plane", "transverse", "--json")).json()
    assert found
    assert [e["id"] for e in found] == [
        e["id"] for e in everything if 3 in e["stages"] and "transverse" in e["planes"]]
    balls = ok(cli("exercises", "--equipment", "ball", "--json")).json()
    assert balls
    assert [e["id"] for e in balls] == [e["id"] for e in everything if "ball" in e["equipment"]]
    human = ok(cli("exercises", "--stage", "3", "--plane", "transverse")).text
    assert f"{len(found)} exercises" in human


@pytest.mark.parametrize(("args", "code", "words"), [
    (("--stage", "9"), EXIT_INPUT, ("stage", "9", "accepted: 1 to 4")),
    (("--stage", "0"), EXIT_INPUT, ("stage", "0", "accepted: 1 to 4")),
    (("--plane", "diagonal"), EXIT_INPUT, ("--plane", "'diagonal'", "transverse")),
    (("--equipment", "spaceship"), EXIT_INPUT, ("--equipment", "'spaceship'")),
])
def test_exercises_rejects_bad_filters(cli: Cli, args: tuple[str, ...], code: int,
                                       words: tuple[str, ...]) -> None:
    refused(cli("exercises", *args), code, *words)


def test_exercises_stage_error_as_json(cli: Cli) -> None:
    data = json_error(cli("exercises", "--stage", "9", "--json"), EXIT_INPUT, "InputError")
    assert data["field"] == "stage"
    assert data["value"] == 9


def test_exercise_shows_one(cli: Cli) -> None:
    e = ok(cli("exercise", "toe-elevated-rdl-dumbbell", "--json")).json()
    assert e["id"] == "toe-elevated-rdl-dumbbell"
    assert e["how"]
    assert e["why"]
    assert 3 in e["stages"]
    human = ok(cli("exercise", "toe-elevated-rdl-dumbbell")).text
    assert e["name"] in human
    assert "how:" in human
    assert "why:" in human


def test_exercise_refuses_an_unknown_id(cli: Cli) -> None:
    refused(cli("exercise", "moonwalk"), EXIT_NOT_FOUND, "exercise", "'moonwalk'")
    data = json_error(cli("exercise", "moonwalk", "--json"), EXIT_NOT_FOUND, "NotFoundError")
    assert "moonwalk" in data["message"]


def test_schema_is_the_published_one_and_exports_validate_against_it(cli: Cli) -> None:
    schema = ok(cli("schema")).json()
    assert schema["title"] == "Anklet history document, version 1"
    assert ok(cli("schema", "--json")).json() == schema
    published = json.loads((REPO / "schema" / "history.schema.json").read_text("utf-8"))
    assert schema == published, "schema/history.schema.json is stale: run `make schema`"
    add_person(cli, "sam", "--left-sprains", "1", "--left-last-sprain", "2025-08-10")
    ok(cli("measure", "sam", "knee-to-wall", "--left", "8", "--right", "10"))
    ok(cli("log", "sam", "--pain-during", "0", "-e", "seated-arch-roll,seconds=60"))
    jsonschema.validate(exported(cli), schema)


def test_schema_rejects_an_unknown_option(cli: Cli) -> None:
    refused(cli("schema", "--yaml"), EXIT_INPUT, "--yaml")


def test_where_shows_the_database(cli: Cli, cli_url: str, tmp_path: Path) -> None:
    assert ok(cli("where", "--json")).json() == {"database": cli_url}
    assert cli_url in ok(cli("where")).text
    # without --db the environment decides (set to the test folder by conftest)
    env = ok(cli("where", "--json", db=False)).json()
    assert env == {"database": f"sqlite:///{tmp_path / 'env.db'}"}
    pg = ok(cli("--db", "postgresql+psycopg://coach:s3cret@db.example/anklet", "where",
                db=False)).text
    assert "s3cret" not in pg
    assert "coach:***@db.example/anklet" in pg


def test_where_refuses_a_url_that_is_not_one(cli: Cli) -> None:
    refused(cli("--db", "garbage", "where", db=False), EXIT_STORE, "'garbage'",
            "is not a database URL", "sqlite:///")


# --- the database option ----------------------------------------------------------------------


def test_a_garbage_database_url_is_a_clear_error(cli: Cli) -> None:
    r = refused(cli("--db", "garbage", "people", db=False), EXIT_STORE, "'garbage'",
                "is not a database URL", "sqlite:///path/to/anklet.db",
                "postgresql+psycopg://")
    assert r.out == ""
    data = json_error(cli("--db", "garbage", "people", "--json", db=False), EXIT_STORE,
                      "StoreError")
    assert "garbage" in data["message"]
    refused(cli("--db", "mysql://u@h/db", "people", db=False), EXIT_STORE, "mysql",
            "not supported")


def test_an_unreachable_database_is_a_clear_error(cli: Cli) -> None:
    refused(cli("--db", "postgresql+psycopg://nobody@127.0.0.1:1/anklet", "people", db=False),
            EXIT_STORE, "127.0.0.1:1/anklet", "cannot be used")


def test_the_environment_chooses_the_database(cli: Cli, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'from-env.db'}"
    monkeypatch.setenv("ANKLET_DATABASE_URL", url)
    add_person(cli, "envy", screen=False)  # through --db
    ok(cli("add-person", "only-env", "--name", "Env", db=False))
    assert [p["id"] for p in ok(cli("people", "--json", db=False)).json()] == ["only-env"]
    assert [p["id"] for p in ok(cli("people", "--json")).json()] == ["envy"]
    assert (tmp_path / "from-env.db").exists()


# --- round trip -----------------------------------------------------------------------------------


def build_full_person(cli: Cli) -> None:
    """Everything a person can have, through the command line."""
    ok(cli("add-person", "sam", "--name", "Sam Example", "--activity", "running",
           "--goal", "Run hills without calf pain", "--goal", "Deep squat", "--dominant", "left",
           "--left-sprains", "2", "--left-last-sprain", "2025-08-10", "--right-surgery",
           "--date", START.isoformat()))
    ok(cli("screen", "sam", "--none", "--left-pain-rest", "1", "--left-pain-activity", "3",
           "--left-giving-way", "--date", START.isoformat()))
    ok(cli("measure", "sam", "knee-to-wall", "--left", "7.5", "--right", "11", "--left-pain",
           "2", "--rater", "physio B", "--date", START.isoformat()))
    ok(cli("measure", "sam", "lunge-angle", "--left", "30", "--method", "inclinometer"))
    ok(cli("measure", "sam", "heel-raise", "--left", "18", "--right", "25"))
    ok(cli("measure", "sam", "balance-eyes-open", "--left", "21", "--right", "35"))
    ok(cli("measure", "sam", "y-balance-anterior", "--left", "58", "--right", "64",
           "--leg-length", "90"))
    ok(cli("measure", "sam", "side-hop", "--left", "10.4", "--right", "9.1"))
    ok(cli("observe-foot", "sam", "--side", "left", "--posture", "pronated", "--arch",
           "collapsed", "--notes", "navicular drop ~9 mm, ünïcödé", "--date", START.isoformat()))
    ok(cli("observe-foot", "sam", "--side", "right", "--posture", "neutral", "--arch",
           "typical"))
    ok(cli("availability", "sam", "--mon", "20", "--tue", "15", "--wed", "30", "--thu", "25",
           "--fri", "20", "--sat", "45", "--sun", "15"))
    ok(cli("add-run", "sam", (TODAY + dt.timedelta(days=5)).isoformat(), "long", "--minutes",
           "90", "--title", "Sunday long"))
    ok(cli("add-run", "sam", (TODAY + dt.timedelta(days=2)).isoformat(), "easy"))
    ok(cli("log", "sam", "-e", "seated-arch-roll,seconds=60",
           "-e", "calf-roll-seated,sets=3,seconds=60,side=left,load=2.5,reps=10,rounds=2",
           "--pain-during", "1", "--pain-before", "0", "--rpe", "3", "--notes", "fine",
           "--date", (START + dt.timedelta(days=1)).isoformat()))
    ok(cli("log", "sam", "-e", "seated-arch-roll", "--pain-during", "2", "--gait-off",
           "--date", YESTERDAY.isoformat()))
    ok(cli("morning", "sam", "1"))
    ok(cli("log", "sam", "--planned", "--pain-during", "2", "--rpe", "5"))


def round_trip(cli: Cli, folder: Path) -> None:
    build_full_person(cli)
    first, second = folder / "sam.json", folder / "sam-again.json"
    ok(cli("export", "sam", "-o", first))
    doc = json.loads(first.read_text(encoding="utf-8"))
    # nothing was lost on the way in
    assert len(doc["screenings"]) == 1
    assert len(doc["measurements"]) == 11
    assert len(doc["foot_observations"]) == 2
    assert len(doc["planned_runs"]) == 2
    assert len(doc["sessions"]) == 3
    assert doc["sessions"][1]["pain_next_morning"] == 1
    assert [s["gait_off"] for s in doc["sessions"]] == [False, True, False]
    assert doc["sessions"][0]["exercises"][1] == {
        "exercise_id": "calf-roll-seated", "side": "left", "sets": 3, "reps": 10,
        "seconds": 60, "load_kg": 2.5, "rounds": 2}
    assert doc["sessions"][2]["exercises"]  # the planned session
    assert doc["intake"]["goals"] == ["Run hills without calf pain", "Deep squat"]
    assert doc["foot_observations"][0]["notes"] == "navicular drop ~9 mm, ünïcödé"
    assert ok(cli("delete", "sam", "--yes")).code == 0
    assert ok(cli("people", "--json")).json() == []
    assert ok(cli("import-history", first, "--json")).json() == {
        "imported": "sam", "sessions": 3, "measurements": 11}
    ok(cli("export", "sam", "-o", second))
    assert json.loads(second.read_text(encoding="utf-8")) == doc
    assert second.read_bytes() == first.read_bytes()
    # deciding from the file stores nothing
    people_before = ok(cli("people", "--json")).json()
    ev = ok(cli("evaluate", first, "--json")).json()
    assert ev["decision"]["person"] == "sam"
    assert ev["decision"]["status"] == "working"
    assert ev["decision"]["stage"] in (1, 2, 3, 4)
    assert len(ev["plan"]["days"]) == 7
    assert ok(cli("people", "--json")).json() == people_before
    assert exported(cli) == doc


def test_round_trip_loses_nothing(cli: Cli, tmp_path: Path) -> None:
    round_trip(cli, tmp_path)


@pytest.fixture
def postgres_cli_url(postgres_url: str) -> Iterator[str]:
    """A new, empty database on the throwaway PostgreSQL server (dropped afterwards)."""
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    name = f"cli_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield postgres_url.rsplit("/", 1)[0] + f"/{name}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_round_trip_loses_nothing_on_postgresql(cli_for: Callable[[str], Cli],
                                                postgres_cli_url: str, tmp_path: Path) -> None:
    cli = cli_for(postgres_cli_url)
    assert postgres_cli_url.split("@")[-1] in ok(cli("where")).text
    round_trip(cli, tmp_path)
    refused(cli("add-person", "sam", "--name", "Again"), EXIT_CONFLICT, "already exists")


# --- the installed command --------------------------------------------------------------------------


def test_the_installed_command_runs_and_refuses_bad_input_cleanly(tmp_path: Path) -> None:
    exe = shutil.which("anklet", path=str(Path(sys.executable).parent))
    assert exe, f"no `anklet` console script next to {sys.executable}"
    env = os.environ | {"ANKLET_DATABASE_URL": f"sqlite:///{tmp_path / 'sub.db'}",
                        "HOME": str(tmp_path), "COLUMNS": "200"}
    env.pop("ANKLET_PROTOCOL_FILE", None)
    env.pop("ANKLET_EXERCISES_FILE", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([exe, *args], capture_output=True, text=True, env=env,
                              timeout=60, check=False)

    good = run("add-person", "sam", "--name", "Sam", "--json")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout) == {"created": "sam"}
    bad = run("measure", "sam", "knee-to-wall", "--left", "8", "--right", "40")
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr + bad.stdout
    assert "Error: right: 40.0 is not accepted" in bad.stderr
    assert "accepted: 0 to 25 cm" in bad.stderr
    listed = run("people", "--json")
    assert listed.returncode == 0
    assert [p["id"] for p in json.loads(listed.stdout)] == ["sam"]
    assert json.loads(run("export", "sam").stdout)["measurements"] == []


def test_usage_mistakes_are_answered_in_json_with_json(cli: Cli) -> None:
    data = json_error(cli("measure", "sam", "knee-to-wall", "--left", "eight", "--json"),
                      EXIT_INPUT, "UsageError")
    assert "--left" in data["message"]
    data = json_error(cli("people", "--bogus", "--json"), EXIT_INPUT, "UsageError")
    assert "--bogus" in data["message"]


def test_intake_changes_only_what_is_given(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam", "--activity", "running", "--goal", "hills"))
    r = ok(cli("intake", "sam", "--left-sprains", "2", "--left-last-sprain", "2026-01-10",
               "--right-surgery", "--json"))
    assert r.json()["left"] == {"sprains": 2, "last_sprain": "2026-01-10", "surgery": False}
    intake = exported(cli)["intake"]
    assert intake["goals"] == ["hills"]
    assert intake["activities"] == ["running"]
    assert intake["right"]["surgery"] is True
    assert intake["left"]["last_sprain"] == "2026-01-10"
    # a later change keeps the sprain date and the goals
    ok(cli("intake", "sam", "--activity", "lifting"))
    intake = exported(cli)["intake"]
    assert intake["activities"] == ["lifting"]
    assert intake["left"]["last_sprain"] == "2026-01-10"
    assert intake["goals"] == ["hills"]


def test_intake_refuses_bad_input_and_keeps_the_old_one(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam"))
    before = exported(cli)["intake"]
    refused(cli("intake", "sam", "--left-last-sprain", "2026-01-10"), EXIT_INPUT,
            "left-last-sprain", "only with --left-sprains 1 or more")
    refused(cli("intake", "sam", "--right-sprains", "-1"), EXIT_INPUT, "right-sprains", "-1")
    refused(cli("intake", "sam", "--left-sprains", "1", "--left-last-sprain", "2026-02-30"),
            EXIT_INPUT, "left-last-sprain", "YYYY-MM-DD")
    assert exported(cli)["intake"] == before
    refused(cli("intake", "nobody", "--left-sprains", "1"), EXIT_NOT_FOUND, "'nobody'")
