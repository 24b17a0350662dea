"""``anklet plan-change``: a coach swaps, removes, adds and pins for one person; the engine
refuses what the stage does not allow (exit 2, saying why) and stores nothing; changes are
listed and ended, audited, and kept through export, import-history and evaluate."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cliasserts import json_error, ok, refused

from anklet.store.db import make_engine
from anklet.store.uow import UnitOfWork

Cli = Callable[..., Any]

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=30)
EXIT_INPUT, EXIT_NOT_FOUND = 2, 4


def _stage_two(cli: Cli, person: str = "sam") -> None:
    ok(cli("add-person", person, "--name", "Sam", "--date", START.isoformat()))
    ok(cli("screen", person, "--none", "--date", START.isoformat()))
    ok(cli("availability", person, *(x for d in ("--mon", "--tue", "--wed", "--thu", "--fri",
                                                 "--sat", "--sun") for x in (d, "40"))))
    ok(cli("override", person, "--stage", "2", "--reason", "moves well",
           "--date", START.isoformat()))


def _audit(url: str, person: str = "sam") -> list[str]:
    engine = make_engine(url)
    try:
        with UnitOfWork(engine) as uow:
            return [a.action for a in uow.accounts.audit_for(person)]
    finally:
        engine.dispose()


def test_plan_change_swap_is_stored_audited_and_listed(cli: Cli, cli_url: str) -> None:
    _stage_two(cli)
    r = ok(cli("plan-change", "swap", "sam", "ankle-circles", "ankle-alphabet",
               "--note", "Circles bother her", "--by", "casey", "--json")).json()
    assert (r["kind"], r["state"], r["by"]) == ("swap", "applied", "casey")
    listed = ok(cli("plan-change", "list", "sam", "--json")).json()
    assert [x["id"] for x in listed] == [r["id"]]
    assert "plan_change" in _audit(cli_url)
    assert "Ankle alphabet in place of Ankle circles" in ok(cli("plan-change", "list",
                                                                "sam")).text
    assert "Coach's change: Ankle alphabet in place of Ankle circles" in ok(cli("plan",
                                                                              "sam")).text


def test_plan_change_hopping_before_the_gate_is_refused(cli: Cli) -> None:
    _stage_two(cli)
    refused(cli("plan-change", "add", "sam", "pogo-hops", "--note", "wants to jump"),
            EXIT_INPUT, "exercise", "'pogo-hops'", "gate into the build stage")
    data = json_error(cli("plan-change", "add", "sam", "pogo-hops", "--note", "jump",
                          "--json"), EXIT_INPUT, "InputError")
    assert data["field"] == "exercise"
    assert ok(cli("plan-change", "list", "sam", "--json")).json() == []


def test_plan_change_pin_out_of_range_and_bad_fields_are_named(cli: Cli) -> None:
    _stage_two(cli)
    refused(cli("plan-change", "pin", "sam", "knee-to-wall-rocks", "--sets", "2", "--reps",
                "30", "--note", "more"), EXIT_INPUT, "reps", "30", "9 to 22")
    refused(cli("plan-change", "pin", "sam", "knee-to-wall-rocks", "--sets", "2",
                "--note", "more"), EXIT_INPUT, "either reps or seconds")
    refused(cli("plan-change", "remove", "sam", "ankle-circles", "--note", "x"),
            EXIT_INPUT, "note")
    refused(cli("plan-change", "remove", "nobody", "ankle-circles", "--note", "why not"),
            EXIT_NOT_FOUND, "'nobody'")
    assert ok(cli("plan-change", "list", "sam", "--json")).json() == []


def test_plan_change_end_keeps_it_listed_as_ended(cli: Cli, cli_url: str) -> None:
    _stage_two(cli)
    made = ok(cli("plan-change", "remove", "sam", "ankle-circles", "--note", "no room",
                  "--json")).json()
    ok(cli("plan-change", "end", "sam", str(made["id"])))
    [row] = ok(cli("plan-change", "list", "sam", "--json")).json()
    assert (row["state"], row["ended"]) == ("ended", TODAY.isoformat())
    refused(cli("plan-change", "end", "sam", str(made["id"])), EXIT_NOT_FOUND, "plan change")
    assert _audit(cli_url)[:2] == ["plan_change_ended", "plan_change"]


def test_plan_changes_survive_export_import_history_and_evaluate(cli: Cli,
                                                                  tmp_path: Path) -> None:
    _stage_two(cli)
    ok(cli("plan-change", "add", "sam", "single-leg-heel-raise", "--note", "calf work"))
    ended = ok(cli("plan-change", "remove", "sam", "ankle-circles", "--note", "no room",
                   "--json")).json()
    ok(cli("plan-change", "end", "sam", str(ended["id"])))
    f = tmp_path / "sam.json"
    ok(cli("export", "sam", "-o", f))
    doc = json.loads(f.read_text("utf-8"))
    assert [(c["kind"], c["exercise"], c.get("ended")) for c in doc["plan_changes"]] == [
        ("add", "single-leg-heel-raise", None), ("remove", "ankle-circles", TODAY.isoformat())]
    ok(cli("delete", "sam", "--yes"))
    ok(cli("import-history", f))
    again = tmp_path / "again.json"
    ok(cli("export", "sam", "-o", again))
    assert json.loads(again.read_text("utf-8")) == doc
    evaluated = ok(cli("evaluate", f, "--json")).json()
    [applied] = evaluated["plan"]["coach_changes"]
    assert (applied["kind"], applied["applied"]) == ("add", True)
    names = {e["id"] for d in evaluated["plan"]["days"] for b in d["blocks"]
             for e in b["exercises"] if e.get("coach")}
    assert names == {"single-leg-heel-raise"}


def test_log_planned_logs_a_pinned_exercise_at_the_pinned_dose(cli: Cli) -> None:
    from anklet.domain.exercises import load_library
    from anklet.domain.plan_changes import dose_bounds
    from anklet.domain.protocol import load_protocol

    _stage_two(cli)
    library = load_library()
    plan = ok(cli("plan", "sam", "--json")).json()
    (today,) = [d for d in plan["days"] if d["date"] == TODAY.isoformat()]
    ex = next(library.by_id[e["id"]] for b in today["blocks"] for e in b["exercises"]
              if library.by_id[e["id"]].dose.reps)
    lo, hi = dose_bounds(ex, load_protocol())["reps"]
    reps = hi if ex.dose.reps != hi else lo
    ok(cli("plan-change", "pin", "sam", ex.id, "--sets", str(ex.dose.sets + 1), "--reps",
           str(reps), "--note", "a steadier dose", "--date", (TODAY - dt.timedelta(days=1))
           .isoformat()))
    r = ok(cli("log", "sam", "--planned", "--pain-during", "1", "--json")).json()
    (logged,) = [e for e in r["exercises"] if e["exercise_id"] == ex.id]
    assert (logged["sets"], logged["reps"]) == (ex.dose.sets + 1, reps)
