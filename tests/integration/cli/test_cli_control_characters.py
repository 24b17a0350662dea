"""Text from the database never drives the operator's terminal.

A name or a reason holding terminal escape sequences (colour, a new window title, clear the
screen) or C1 controls reaches the CLI's tables, status and messages with those characters
taken out; Rich markup in a name prints as typed; ``--json`` keeps every character, as JSON
escapes. The names are written straight into the database (as an older version, an import
or another program could have left them), so the test does not depend on what the input
checks accept today.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cliasserts import ok

from anklet.cli.render import CONTROL, clean

EVIL = "\x1b[31mEvil\x1b[0m\x1b]0;pwned\x07 \x9b2J\u202eeman[bold red]x[/]"
Cli = Callable[..., Any]  # conftest.Result: .code, .out, .err, .json(), .text
SHOWN = "[31mEvil[0m]0;pwned 2Jeman[bold red]x[/]"  # what is left is shown as it is


def _person_named(cli: Cli, db_path: Path, name: str) -> None:
    ok(cli("add-person", "evil", "--name", "Plain Name"))
    with sqlite3.connect(db_path) as con:
        con.execute("UPDATE people SET name = ? WHERE key = 'evil'", (name,))


def _no_control(text: str) -> None:
    assert CONTROL.search(text) is None, repr(text)


def test_clean_takes_out_c0_c1_and_bidi_controls_and_keeps_the_rest() -> None:
    assert clean(EVIL) == SHOWN
    assert clean("Zoë\tO'Neil\n") == "Zoë\tO'Neil\n"  # tab, newline and letters stay
    for c in ("\x00", "\x07", "\x08", "\x0d", "\x1b", "\x7f", "\x80", "\x9b", "\x9f",
              "\u202a", "\u202e", "\u2066", "\u2069"):
        assert clean(f"a{c}b") == "ab", repr(c)
    for c in ("\x20", "\xa0", "\u200d", "\u2070"):  # just outside the ranges: kept
        assert clean(f"a{c}b") == f"a{c}b", repr(c)


def test_people_shows_a_name_with_escape_sequences_without_them(cli: Cli,
                                                                db_path: Path) -> None:
    _person_named(cli, db_path, EVIL)
    r = ok(cli("people"))
    _no_control(r.out)
    assert SHOWN in r.text  # markup printed as typed, not read as bold red


def test_status_shows_a_reason_with_escape_sequences_without_them(cli: Cli,
                                                                  db_path: Path) -> None:
    _person_named(cli, db_path, EVIL)
    ok(cli("screen", "evil", "--none"))
    ok(cli("override", "evil", "--stage", "2", "--reason", "Checked by hand: fine"))
    with sqlite3.connect(db_path) as con:
        con.execute("UPDATE overrides SET reason = ?", (f"Because {EVIL}",))
    r = ok(cli("status", "evil"))
    _no_control(r.out)
    assert f"Because {SHOWN}" in r.text


def test_json_keeps_every_character_as_a_json_escape(cli: Cli, db_path: Path) -> None:
    _person_named(cli, db_path, EVIL)
    r = ok(cli("people", "--json"))
    _no_control(r.out)
    for escaped in ("\\u001b", "\\u009b", "\\u202e"):
        assert escaped in r.out
    assert r.json()[0]["name"] == EVIL


@pytest.mark.parametrize(("person", "shown"), [("\x1b]0;pwned\x07", "pwned"),
                                              ("x\x9b2Jy", "2Jy"), ("[bold]who[/]", "[bold]who[/]")])
def test_an_error_naming_a_typed_value_shows_it_without_controls(cli: Cli, person: str,
                                                                 shown: str) -> None:
    r = cli("status", person)
    assert r.code == 4  # not found
    _no_control(r.out + r.err)
    assert shown in r.text


def test_people_shows_a_name_with_emoji_codes_as_typed(cli: Cli, db_path: Path) -> None:
    _person_named(cli, db_path, "Ann :warning: :smile:")
    r = ok(cli("people"))
    assert "Ann :warning: :smile:" in r.text  # not turned into ⚠ and 😄
