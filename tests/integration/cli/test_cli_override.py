"""``anklet override``: a coach puts a person in a stage by hand, with the reason.

The override is stored with an audit entry, the decision is made again and saved (the
people list shows the new stage), and ``status`` names who set the stage, when and why.
Bad input (unknown person, a stage the protocol lacks, no reason, a bad date) is refused
with the field, the value and what is accepted, and stores nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cliasserts import json_error, ok, refused

from anklet.store.accounts import AuditEntry
from anklet.store.db import make_engine
from anklet.store.uow import UnitOfWork

Cli = Callable[..., Any]  # conftest.Result: .code, .out, .err, .json(), .text

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=30)
WHEN = TODAY - dt.timedelta(days=5)
COACH = "coach@example.org"
REASON = "moves well, tape test was off"
SET_TEXT = f"Stage 3 (Build) set by {COACH} on {WHEN.isoformat()}: {REASON}."
STAGES = "one of: 1 (Foot), 2 (Ankle), 3 (Build), 4 (Maintain)"

EXIT_INPUT, EXIT_NOT_FOUND = 2, 4


# --- helpers --------------------------------------------------------------------------------


def add_person(cli: Cli, person: str = "sam", *screen: str) -> None:
    ok(cli("add-person", person, "--name", f"Person {person}", "--date", START.isoformat()))
    ok(cli("screen", person, *screen, "--none", "--date", START.isoformat()))


def exported(cli: Cli, person: str = "sam") -> dict[str, Any]:
    doc: dict[str, Any] = ok(cli("export", person)).json()
    return doc


def audit(url: str, person: str = "sam") -> list[AuditEntry]:
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as uow:
            return list(uow.accounts.audit_for(person))
    finally:
        engine.dispose()


def stored_stage(cli: Cli, person: str = "sam") -> int | None:
    """The stage of the person's saved decision (what the people list shows)."""
    row = next(p for p in ok(cli("people", "--json")).json() if p["id"] == person)
    stage: int | None = row["stage"]
    return stage


def set_stage_3(cli: Cli, *extra: str) -> Any:
    return cli("override", "sam", "--stage", "3", "--reason", REASON, "--by", COACH,
               "--date", WHEN.isoformat(), *extra)


# --- happy paths ------------------------------------------------------------------------------


def test_override_stores_it_and_saves_the_new_decision(cli: Cli, cli_url: str) -> None:
    add_person(cli)
    assert ok(cli("status", "sam", "--json")).json()["stage"] == 1
    human = ok(set_stage_3(cli)).text
    assert f"Stored: {SET_TEXT}" in human
    assert "sam now: stage 3 (Build)" in human
    assert "Set by hand" in human
    assert stored_stage(cli) == 3  # saved without running status again
    assert exported(cli)["overrides"] == [{"date": WHEN.isoformat(), "stage": 3,
                                           "reason": REASON, "by": COACH}]
    [entry] = audit(cli_url)
    assert (entry.actor, entry.action) == (COACH, "override")
    assert entry.detail == {"stage": 3, "reason": REASON, "date": WHEN.isoformat(),
                            "person": "sam"}


def test_override_shows_in_status(cli: Cli) -> None:
    add_person(cli)
    ok(set_stage_3(cli))
    d = ok(cli("status", "sam", "--json")).json()
    assert (d["stage"], d["stage_since"]) == (3, WHEN.isoformat())
    assert d["override"] == {"date": WHEN.isoformat(), "stage": 3, "reason": REASON,
                             "by": COACH}
    assert d["timeline"][-1] == {"date": WHEN.isoformat(), "kind": "override",
                                 "from_stage": 1, "to_stage": 3, "cause": "override",
                                 "reason": SET_TEXT}
    assert f"Last change {WHEN.isoformat()}: {SET_TEXT}" in d["reasons"]
    human = ok(cli("status", "sam")).text
    assert "set to stage 3" in human
    assert "set by coach@example.org" in human


def test_override_reason_is_printed_as_typed(cli: Cli) -> None:
    # square brackets are Rich markup; a reason is shown as typed, never interpreted
    add_person(cli)
    reason = "tape [/] off, see [red]notes[/red]"
    human = ok(cli("override", "sam", "--stage", "2", "--reason", reason, "--by", "Cora",
                   "--date", WHEN.isoformat())).text
    assert f"set by Cora on {WHEN.isoformat()}: {reason}." in human
    assert f"{reason}." in ok(cli("status", "sam")).text


def test_override_json_output(cli: Cli) -> None:
    add_person(cli)
    data = ok(set_stage_3(cli, "--json")).json()
    assert data["override"] == {"date": WHEN.isoformat(), "stage": 3, "reason": REASON,
                                "by": COACH}
    assert data["in_effect"] is True
    assert data["decision"]["stage"] == 3
    assert data["decision"]["override"] == data["override"]


def test_override_defaults_to_today_by_cli(cli: Cli, cli_url: str) -> None:
    add_person(cli)
    data = ok(cli("override", "sam", "--stage", "2", "--reason", "  ready for the ankle work  ",
                  "--json")).json()
    assert data["override"] == {"date": TODAY.isoformat(), "stage": 2,
                                "reason": "ready for the ankle work", "by": "cli"}
    assert data["decision"]["stage"] == 2
    assert data["decision"]["stage_since"] == TODAY.isoformat()
    assert [(e.actor, e.detail["date"]) for e in audit(cli_url)] == [("cli", TODAY.isoformat())]


def test_override_down_again(cli: Cli) -> None:
    add_person(cli)
    ok(set_stage_3(cli))
    human = ok(cli("override", "sam", "--stage", "1", "--reason", "sore after the race",
                   "--by", COACH)).text
    assert "sam now: stage 1 (Foot)" in human
    assert stored_stage(cli) == 1
    d = ok(cli("status", "sam", "--json")).json()
    assert [(c["from_stage"], c["to_stage"]) for c in d["timeline"]
            if c["kind"] == "override"] == [(1, 3), (3, 1)]


def test_override_dated_after_today_waits(cli: Cli) -> None:
    add_person(cli)
    later = TODAY + dt.timedelta(days=3)
    human = ok(cli("override", "sam", "--stage", "2", "--reason", "from next week",
                   "--date", later.isoformat())).text
    assert f"It takes effect on {later.isoformat()}" in human
    assert stored_stage(cli) == 1
    data = ok(cli("status", "sam", "--json")).json()
    assert data["override"] is None
    assert len(exported(cli)["overrides"]) == 1


def test_override_the_rules_moved_since(cli: Cli) -> None:
    add_person(cli)
    # two painful sessions after the override's date step the person back from stage 2
    for days in (8, 7):
        ok(cli("log", "sam", "-e", "toe-splay", "--pain-during", "7",
               "--date", (TODAY - dt.timedelta(days=days)).isoformat()))
    human = ok(cli("override", "sam", "--stage", "2", "--reason", "coping fine",
                   "--date", (TODAY - dt.timedelta(days=10)).isoformat())).text
    assert "sam now: stage 1 (Foot)" in human
    assert "The rules have moved the stage since then" in human
    assert "Pain went above" in human
    d = ok(cli("status", "sam", "--json")).json()
    assert d["override"] is None
    assert [c["kind"] for c in d["timeline"]][-3:] == ["override", "reduce_dose", "step_back"]


def test_override_of_a_red_flag_person_still_refers(cli: Cli) -> None:
    add_person(cli, "sam", "--yes", "numbness_tingling")
    human = ok(set_stage_3(cli)).text
    assert "See a clinician first" in human
    d = ok(cli("status", "sam", "--json")).json()
    assert d["status"] == "refer"
    assert "red_flag" in {f["kind"] for f in d["flags"]}
    assert ok(cli("people", "--json")).json()[0]["status"] == "refer"


def test_override_survives_export_and_import(cli: Cli, tmp_path: Path) -> None:
    add_person(cli)
    ok(set_stage_3(cli))
    ok(cli("override", "sam", "--stage", "2", "--reason", "second thoughts", "--by", "lead",
           "--date", WHEN.isoformat()))
    file = tmp_path / "sam.json"
    ok(cli("export", "sam", "-o", file))
    ok(cli("delete", "sam", "--yes"))
    ok(cli("import-history", file))
    assert [o["stage"] for o in exported(cli)["overrides"]] == [3, 2]
    d = ok(cli("status", "sam", "--json")).json()
    assert d["stage"] == 2  # the last one given that day wins
    assert d["override"]["by"] == "lead"


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "words"), [
    (("--stage", "9", "--reason", REASON), ("stage", "9", STAGES)),
    (("--stage", "0", "--reason", REASON), ("stage", "0", STAGES)),
    (("--stage", "2", "--reason", ""), ("reason", "''", "3 to 1000 characters")),
    (("--stage", "2", "--reason", "   "), ("reason", "3 to 1000 characters")),
    (("--stage", "2", "--reason", "ok"), ("reason", "'ok'", "3 to 1000 characters")),
    (("--stage", "2", "--reason", "x" * 1001), ("reason", "3 to 1000 characters")),
    (("--stage", "2", "--reason", REASON, "--date", "2026-02-30"),
     ("date", "'2026-02-30'", "YYYY-MM-DD")),
    (("--stage", "2", "--reason", REASON, "--by", ""), ("by", "''")),
    (("--stage", "two", "--reason", REASON), ("--stage", "integer")),
    (("--reason", REASON), ("--stage",)),
    (("--stage", "2"), ("--reason",)),
])
def test_override_refuses_bad_input_and_stores_nothing(cli: Cli, cli_url: str,
                                                       args: tuple[str, ...],
                                                       words: tuple[str, ...]) -> None:
    add_person(cli)
    ok(cli("status", "sam"))
    refused(cli("override", "sam", *args), EXIT_INPUT, *words)
    assert exported(cli)["overrides"] == []
    assert audit(cli_url) == []
    assert stored_stage(cli) == 1


def test_override_bad_stage_as_json(cli: Cli) -> None:
    add_person(cli)
    data = json_error(cli("override", "sam", "--stage", "9", "--reason", REASON, "--json"),
                      EXIT_INPUT, "InputError")
    assert (data["field"], data["value"], data["accepted"]) == ("stage", 9, STAGES)
    assert exported(cli)["overrides"] == []


def test_override_unknown_person_is_not_found(cli: Cli, cli_url: str) -> None:
    add_person(cli)
    refused(cli("override", "nobody", "--stage", "2", "--reason", REASON), EXIT_NOT_FOUND,
            "'nobody'")
    json_error(cli("override", "nobody", "--stage", "2", "--reason", REASON, "--json"),
               EXIT_NOT_FOUND, "NotFoundError")
    assert exported(cli)["overrides"] == []


def test_import_refuses_an_override_to_a_missing_stage(cli: Cli, tmp_path: Path) -> None:
    add_person(cli)
    doc = exported(cli)
    doc["person"]["id"] = "kim"
    doc["overrides"] = [{"date": WHEN.isoformat(), "stage": 7, "reason": REASON, "by": COACH}]
    file = tmp_path / "kim.json"
    file.write_text(json.dumps(doc), encoding="utf-8")
    refused(cli("import-history", file), EXIT_INPUT, "overrides[0].stage", "7", STAGES)
    assert [p["id"] for p in ok(cli("people", "--json")).json()] == ["sam"]
