"""``anklet log --gait-off``: a person says their walking or running felt off; the flag is
stored, given back in the JSON output and kept by export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cliasserts import ok

Cli = Callable[..., Any]  # conftest.Result: .code, .out, .err, .json(), .text


def _add_person(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam"))
    ok(cli("screen", "sam", "--none"))


def _sessions(cli: Cli) -> list[dict[str, Any]]:
    doc: dict[str, Any] = ok(cli("export", "sam")).json()
    sessions: list[dict[str, Any]] = doc["sessions"]
    return sessions


def test_log_gait_off_stores_the_flag_and_returns_it(cli: Cli) -> None:
    _add_person(cli)
    r = ok(cli("log", "sam", "--pain-during", "0", "-e", "seated-arch-roll", "--gait-off", "--json"))
    assert r.json()["gait_off"] is True
    assert [s["gait_off"] for s in _sessions(cli)] == [True]


def test_log_without_gait_off_stores_not_off(cli: Cli) -> None:
    _add_person(cli)
    r = ok(cli("log", "sam", "--pain-during", "0", "-e", "seated-arch-roll", "--json"))
    assert r.json()["gait_off"] is False
    assert [s["gait_off"] for s in _sessions(cli)] == [False]


def test_log_gait_off_says_it_was_noted(cli: Cli) -> None:
    _add_person(cli)
    r = ok(cli("log", "sam", "--pain-during", "0", "-e", "seated-arch-roll", "--gait-off"))
    assert "walking or running felt off" in r.text
    assert "felt off" not in ok(cli("log", "sam", "--pain-during", "0", "-e", "seated-arch-roll")).text


def test_log_help_explains_gait_off(cli: Cli) -> None:
    text = ok(cli("log", "--help")).text
    assert "--gait-off" in text
    assert "Your walking or running felt off" in text
