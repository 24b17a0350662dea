"""The intake profile (age, sex, falls, fear of falling, main goal), the symptom check-in
and the single-leg hop test from the terminal: stored, shown, refused with a clear message
when wrong, and nothing half-written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from cliasserts import json_error, ok, refused
from sqlalchemy import create_engine, text

from anklet.store.db import make_engine
from anklet.store.uow import UnitOfWork

Cli = Callable[..., Any]

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=7)
EXIT_INPUT, EXIT_NOT_FOUND = 2, 4

PROFILE = ("--age", "34", "--sex", "female", "--falls", "2", "--fear-of-falling", "3",
           "--goal-type", "runner")


def exported(cli: Cli, person: str = "sam") -> dict[str, Any]:
    doc: dict[str, Any] = ok(cli("export", person)).json()
    return doc


def _decision_time(cli_url: str, person: str = "sam") -> dt.datetime | None:
    engine = make_engine(cli_url)
    try:
        with UnitOfWork(engine) as uow:
            d = uow.people.get_decision(person)
            return None if d is None else d.evaluated_at
    finally:
        engine.dispose()


def _wipe_decisions(cli_url: str) -> None:
    engine = create_engine(cli_url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM decisions"))
    engine.dispose()


# --- the profile ------------------------------------------------------------------------------


def test_add_person_stores_the_profile(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam", "--date", START.isoformat(), *PROFILE))
    intake = exported(cli)["intake"]
    assert {k: intake[k] for k in ("age", "sex", "falls_12m", "fear_of_falling",
                                   "goal_type")} == {
        "age": 34, "sex": "female", "falls_12m": 2, "fear_of_falling": 3,
        "goal_type": "runner"}


def test_add_person_without_a_profile_stores_none_of_it(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam"))
    intake = exported(cli)["intake"]
    assert not set(intake) & {"age", "sex", "falls_12m", "fear_of_falling", "goal_type"}


@pytest.mark.parametrize(("option", "value", "ok_", "accepted"), [
    ("--age", "4", False, "5 to 110"), ("--age", "5", True, ""), ("--age", "110", True, ""),
    ("--age", "111", False, "5 to 110"),
    ("--falls", "-1", False, "0 to 100"), ("--falls", "0", True, ""),
    ("--falls", "100", True, ""), ("--falls", "101", False, "0 to 100"),
    ("--fear-of-falling", "-1", False, "0 to 10"), ("--fear-of-falling", "10", True, ""),
    ("--fear-of-falling", "11", False, "0 to 10"),
    ("--sex", "other", False, "female"), ("--goal-type", "swimmer", False, "court_field_sport"),
])
def test_add_person_checks_each_profile_option(cli: Cli, option: str, value: str, ok_: bool,
                                               accepted: str) -> None:
    r = cli("add-person", "sam", "--name", "Sam", option, value)
    if ok_:
        ok(r)
        return
    refused(r, EXIT_INPUT, option.lstrip("-"), value, accepted)
    assert "Traceback" not in r.text
    assert ok(cli("people", "--json")).json() == []


def test_add_person_json_error_names_the_option(cli: Cli) -> None:
    data = json_error(cli("add-person", "sam", "--name", "Sam", "--age", "200", "--json"),
                      EXIT_INPUT, "InputError")
    assert (data["field"], data["value"]) == ("age", 200)
    assert "5 to 110" in data["accepted"]


def test_intake_changes_the_profile_and_keeps_the_rest(cli: Cli, cli_url: str) -> None:
    ok(cli("add-person", "sam", "--name", "Sam", "--activity", "running", "--left-sprains",
           "2", *PROFILE))
    ok(cli("screen", "sam", "--none"))
    _wipe_decisions(cli_url)
    r = ok(cli("intake", "sam", "--goal-type", "court_field_sport", "--fear-of-falling", "0"))
    assert "profile: court or field sport, 34, female" in r.text
    intake = exported(cli)["intake"]
    assert intake["goal_type"] == "court_field_sport"
    assert intake["fear_of_falling"] == 0
    assert (intake["age"], intake["sex"], intake["falls_12m"]) == (34, "female", 2)
    assert intake["left"]["sprains"] == 2
    assert intake["activities"] == ["running"]
    assert _decision_time(cli_url) is not None  # decided again in the same transaction


def test_intake_age_is_today_and_stored_as_the_age_on_the_intake_date(cli: Cli) -> None:
    two_years_ago = TODAY.replace(year=TODAY.year - 2) if not (
        TODAY.month == 2 and TODAY.day == 29) else dt.date(TODAY.year - 2, 2, 28)
    ok(cli("add-person", "sam", "--name", "Sam", "--date", two_years_ago.isoformat()))
    ok(cli("intake", "sam", "--age", "40"))
    assert exported(cli)["intake"]["age"] == 38
    assert ok(cli("status", "sam", "--json")).json()["profile"]["age"] == 40


def test_intake_refuses_a_bad_profile_value_and_changes_nothing(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam", *PROFILE))
    before = exported(cli)
    refused(cli("intake", "sam", "--fear-of-falling", "12"), EXIT_INPUT, "fear-of-falling",
            "12", "0 to 10")
    refused(cli("intake", "sam", "--goal-type", "flyer"), EXIT_INPUT, "goal-type", "flyer",
            "walker")
    assert exported(cli) == before


def test_status_shows_the_profile_in_one_line(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam", "--date", TODAY.isoformat(), *PROFILE))
    ok(cli("screen", "sam", "--none"))
    assert "Profile: runner, 34, female" in ok(cli("status", "sam")).text
    data = ok(cli("status", "sam", "--json")).json()
    assert data["profile"] == {"goal": "runner", "goal_given": True, "age": 34,
                               "sex": "female", "falls_12m": 2, "fear_of_falling": 3}


def test_status_derives_the_goal_from_the_activities_when_none_is_given(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam", "--activity", "lifting", "--activity",
           "daily_life"))
    ok(cli("screen", "sam", "--none"))
    assert "Profile: lifter" in ok(cli("status", "sam")).text
    profile = ok(cli("status", "sam", "--json")).json()["profile"]
    assert (profile["goal"], profile["goal_given"], profile["age"]) == ("lifter", False, None)


def test_people_json_shows_each_profile(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam", "--date", TODAY.isoformat(), *PROFILE))
    ok(cli("add-person", "ada", "--name", "Ada", "--activity", "daily_life"))
    ok(cli("add-person", "bo", "--name", "Bo"))
    rows = {r["id"]: r["profile"] for r in ok(cli("people", "--json")).json()}
    assert rows == {"sam": {"goal": "runner", "age": 34, "sex": "female"},
                    "ada": {"goal": "walker", "age": None, "sex": None},
                    "bo": {"goal": None, "age": None, "sex": None}}


# --- check-in ---------------------------------------------------------------------------------


def test_check_in_stores_symptoms_without_red_flags(cli: Cli, cli_url: str) -> None:
    ok(cli("add-person", "sam", "--name", "Sam"))
    ok(cli("screen", "sam", "--none", "--date", START.isoformat()))
    _wipe_decisions(cli_url)
    r = ok(cli("check-in", "sam", "--left-pain-rest", "1", "--right-pain-activity", "4",
               "--left-swelling", "--right-giving-way", "--json"))
    assert r.json()["kind"] == "check_in"
    assert _decision_time(cli_url) is not None  # decided again in the same transaction
    screenings = exported(cli)["screenings"]
    assert [s["kind"] for s in screenings] == ["screen", "check_in"]
    last = screenings[-1]
    assert last["red_flags"] == {}
    assert last["date"] == TODAY.isoformat()
    assert last["left"] == {"pain_rest": 1, "pain_activity": 0, "swelling": True,
                            "giving_way": False}
    assert last["right"] == {"pain_rest": 0, "pain_activity": 4, "swelling": False,
                             "giving_way": True}
    human = ok(cli("check-in", "sam", "--left-pain-activity", "2")).text
    assert "Check-in recorded for sam" in human


def test_check_in_help_says_what_it_is_for(cli: Cli) -> None:
    text_ = ok(cli("check-in", "--help")).text
    assert "no red-flag questions" in text_
    assert "last 14 days" in text_


@pytest.mark.parametrize(("args", "words"), [
    (("--left-pain-rest", "11"), ("left-pain-rest", "11", "10")),
    (("--right-pain-activity", "-1"), ("right-pain-activity", "-1", "0")),
    (("--date", "2026-02-30"), ("date", "2026-02-30", "YYYY-MM-DD")),
    (("--yes", "fever"), ("--yes",)),
])
def test_check_in_refuses_bad_values_and_stores_nothing(cli: Cli, args: tuple[str, ...],
                                                        words: tuple[str, ...]) -> None:
    ok(cli("add-person", "sam", "--name", "Sam"))
    refused(cli("check-in", "sam", *args), EXIT_INPUT, *words)
    assert exported(cli).get("screenings", []) == []


def test_check_in_of_an_unknown_person(cli: Cli) -> None:
    refused(cli("check-in", "nobody", "--left-pain-rest", "1"), EXIT_NOT_FOUND, "'nobody'")


# --- single-leg hop --------------------------------------------------------------------------


def test_measure_single_leg_hop_stores_hops_and_pain(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam"))
    r = ok(cli("measure", "sam", "single-leg-hop", "--left", "10", "--right", "6",
               "--left-pain", "0", "--right-pain", "3", "--json"))
    assert [(m["side"], m["value"], m["pain"], m["method"]) for m in r.json()["recorded"]] == [
        ("left", 10, 0, "count"), ("right", 6, 3, "count")]
    kinds = [m["kind"] for m in exported(cli)["measurements"]]
    assert kinds == ["single_leg_hop", "single_leg_hop"]


@pytest.mark.parametrize(("value", "ok_"), [("-1", False), ("0", True), ("10", True),
                                            ("11", False)])
def test_measure_single_leg_hop_accepts_0_to_10(cli: Cli, value: str, ok_: bool) -> None:
    ok(cli("add-person", "sam", "--name", "Sam"))
    r = cli("measure", "sam", "single_leg_hop", "--left", value)
    if ok_:
        ok(r)
        return
    refused(r, EXIT_INPUT, "left", value, "0 to 10 hops")
    assert exported(cli).get("measurements", []) == []


# --- round trip --------------------------------------------------------------------------------


def test_export_import_keeps_the_profile_check_ins_and_hops(cli: Cli, tmp_path: Any) -> None:
    ok(cli("add-person", "sam", "--name", "Sam", "--date", START.isoformat(), *PROFILE))
    ok(cli("screen", "sam", "--none", "--date", START.isoformat()))
    ok(cli("check-in", "sam", "--left-pain-rest", "2", "--left-giving-way"))
    ok(cli("measure", "sam", "single-leg-hop", "--left", "7", "--left-pain", "2"))
    before = exported(cli)
    path = tmp_path / "sam.json"
    path.write_text(ok(cli("export", "sam")).out)
    ok(cli("delete", "sam", "--yes"))
    ok(cli("import-history", str(path)))
    assert exported(cli) == before
