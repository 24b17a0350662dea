"""``anklet records``, ``edit`` and ``delete-record``: list with ids, correct one record or
delete it; checked like a new record, audited, the person decided again; a refused
correction changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from cliasserts import json_error, ok, refused

Cli = Callable[..., Any]

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=20)
EXIT_INPUT, EXIT_NOT_FOUND = 2, 4


def _setup(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam", "--date", START.isoformat()))
    ok(cli("screen", "sam", "--none", "--date", START.isoformat()))
    ok(cli("measure", "sam", "knee-to-wall", "--left", "8", "--right", "11",
           "--date", START.isoformat()))
    ok(cli("log", "sam", "--exercise", "ankle-circles,reps=10", "--pain-during", "2",
           "--date", TODAY.isoformat()))


def _records(cli: Cli, kind: str | None = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = ok(cli("records", "sam", "--json",
                                        *(["--kind", kind] if kind else []))).json()
    return rows


def test_records_lists_every_kind_with_ids(cli: Cli) -> None:
    _setup(cli)
    rows = _records(cli)
    assert [(r["kind"], r["date"]) for r in rows] == [
        ("measurement", START.isoformat()), ("measurement", START.isoformat()),
        ("screen", START.isoformat()), ("session", TODAY.isoformat())]
    assert all(isinstance(r["id"], int) for r in rows)
    text = ok(cli("records", "sam")).text
    assert "Knee-to-wall distance: left 8 cm" in text
    assert [r["kind"] for r in _records(cli, "session")] == ["session"]


def test_edit_changes_the_record_and_says_so(cli: Cli) -> None:
    _setup(cli)
    left = next(r for r in _records(cli, "measurement") if r["record"]["side"] == "left")
    r = ok(cli("edit", "sam", "measurement", left["id"], "--set", "value=8.5"))
    assert "changed from 8 cm to 8.5 cm" in r.text
    assert "The plan was checked again" in r.text
    again = next(x for x in _records(cli, "measurement") if x["id"] == left["id"])
    assert again["record"]["value"] == 8.5
    doc = ok(cli("export", "sam")).json()
    assert sorted(m["value"] for m in doc["measurements"]) == [8.5, 11]


def test_edit_refuses_what_a_new_record_refuses_and_changes_nothing(cli: Cli) -> None:
    _setup(cli)
    before = _records(cli)
    left = next(r for r in before if r["kind"] == "measurement")
    refused(cli("edit", "sam", "measurement", left["id"], "--set", "value=30"), EXIT_INPUT,
            "value", "30", "0 to 25 cm")
    refused(cli("edit", "sam", "measurement", left["id"], "--set", "kind=lunge_angle"),
            EXIT_INPUT, "kind", "a field that can be corrected")
    session = next(r for r in before if r["kind"] == "session")
    refused(cli("edit", "sam", "session", session["id"], "--set",
                'exercises=[{"exercise_id": "no-such-move"}]'), EXIT_INPUT,
            "exercises[0].exercise_id", "no-such-move")
    refused(cli("edit", "sam", "sessions", session["id"], "--set", "rpe=3"), EXIT_INPUT,
            "kind", "measurement, screen")
    err = json_error(cli("edit", "sam", "session", 99999, "--set", "rpe=3", "--json"),
                     EXIT_NOT_FOUND, "NotFoundError")
    assert "99999" in err["message"]
    assert _records(cli) == before


def test_delete_record_needs_yes_and_the_session_stops_counting(cli: Cli) -> None:
    _setup(cli)
    session = _records(cli, "session")[0]
    refused(cli("delete-record", "sam", "session", session["id"]), EXIT_INPUT, "--yes")
    assert _records(cli, "session") == [session]
    r = ok(cli("delete-record", "sam", "session", session["id"], "--yes", "--json")).json()
    assert r["new"] is None
    assert "was deleted" in r["message"]
    assert _records(cli, "session") == []
    assert ok(cli("export", "sam")).json()["sessions"] == []
