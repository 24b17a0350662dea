"""``anklet status`` and ``anklet measure`` say how each re-test changed: a real change or
within measurement error, against the last test and the first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from cliasserts import ok

Cli = Callable[..., Any]  # conftest.Result: .code, .out, .err, .json(), .text

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=40)
MID = TODAY - dt.timedelta(days=20)
NOW = TODAY - dt.timedelta(days=1)


@pytest.fixture
def sam(cli: Cli) -> str:
    ok(cli("add-person", "sam", "--name", "Sam", "--date", START.isoformat()))
    ok(cli("screen", "sam", "--none", "--date", START.isoformat()))
    return "sam"


def kw(cli: Cli, when: dt.date, *args: str) -> Any:
    return ok(cli("measure", "sam", "knee-to-wall", *args, "--date", when.isoformat()))


def test_status_shows_changes_since_last_test_and_baseline(cli: Cli, sam: str) -> None:
    kw(cli, START, "--left", "7.5", "--rater", "Ann")
    kw(cli, MID, "--left", "9.0", "--rater", "Ann")
    kw(cli, NOW, "--left", "9.8", "--rater", "ann")
    text = ok(cli("status", "sam")).text
    assert "Changes since last test" in text
    assert ("Left knee-to-wall 9.0 → 9.8 cm (+0.8): within measurement error (1.9 cm, same "
            f"rater, Powden2015); since baseline 7.5 cm ({START.isoformat()}): +2.3 cm, real "
            "change (improved)") in text


def test_status_json_carries_the_changes(cli: Cli, sam: str) -> None:
    kw(cli, START, "--left", "8.0", "--right", "10.0", "--rater", "Ann")
    kw(cli, NOW, "--left", "9.7", "--right", "10.1", "--rater", "Bo")
    data = ok(cli("status", "sam", "--json")).json()
    left, right = data["changes"]
    assert (left["side"], left["measure"], left["unit"]) == ("left", "knee_to_wall", "cm")
    assert left["previous"]["verdict"] == "real_change"  # 1.7 cm > 1.6 cm between raters
    assert (left["previous"]["raters"], left["previous"]["error"]) == ("different", 1.6)
    assert right["previous"]["verdict"] == "within_error"
    assert right["text"].startswith("Right knee-to-wall 10.0 → 10.1 cm (+0.1)")


def test_status_as_of_leaves_out_later_tests(cli: Cli, sam: str) -> None:
    kw(cli, START, "--left", "8.0")
    kw(cli, NOW, "--left", "12.0")
    data = ok(cli("status", "sam", "--as-of", MID.isoformat(), "--json")).json()
    (only,) = data["changes"]
    assert (only["value"], only["previous"]) == (8.0, None)


def test_status_keeps_degrees_and_centimetres_apart(cli: Cli, sam: str) -> None:
    kw(cli, START, "--left", "8.0")
    ok(cli("measure", "sam", "lunge-angle", "--left", "35", "--date", MID.isoformat()))
    kw(cli, NOW, "--left", "8.5")
    data = ok(cli("status", "sam", "--json")).json()
    by_kind = {c["measure"]: c for c in data["changes"]}
    assert by_kind["knee_to_wall"]["previous"]["value"] == 8.0
    assert by_kind["lunge_angle"]["previous"] is None


def test_measure_prints_the_change_of_a_retest_one_line_per_side(cli: Cli, sam: str) -> None:
    first = kw(cli, START, "--left", "8.0", "--right", "10.0")
    assert "Changes" not in first.text
    assert "knee-to-wall 8.0" not in first.text  # a first test has nothing to compare
    r = kw(cli, NOW, "--left", "10.0", "--right", "10.5")
    assert "Left knee-to-wall 8.0 → 10.0 cm (+2.0): real change (improved)" in r.text
    assert "Right knee-to-wall 10.0 → 10.5 cm (+0.5): within measurement error" in r.text


def test_measure_with_another_method_says_not_comparable(cli: Cli, sam: str) -> None:
    ok(cli("measure", "sam", "lunge-angle", "--left", "30", "--method", "app",
           "--date", START.isoformat()))
    r = ok(cli("measure", "sam", "lunge-angle", "--left", "40", "--method", "inclinometer",
               "--date", NOW.isoformat(), "--json"))
    (change,) = r.json()["changes"]
    assert change["previous"]["verdict"] == "not_comparable"
    assert change["previous"]["methods"] == ["app", "inclinometer"]
    text = ok(cli("status", "sam")).text
    assert "different method: not comparable (app then inclinometer)" in text


def test_measure_json_has_no_change_for_a_first_test(cli: Cli, sam: str) -> None:
    r = kw(cli, NOW, "--left", "9.0", "--json")
    assert r.json()["changes"] == []
    assert r.json()["recorded"][0]["value"] == 9.0
