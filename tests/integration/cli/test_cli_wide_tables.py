"""No table cuts an id: at 80 and 100 columns (Rich's console width, from ``COLUMNS``) an
exercise id too long for its column wraps onto the next lines instead of ending in "…",
and the plan shows every exercise id whole."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

Cli = Callable[..., Any]


def _run(url: str, columns: int, *args: str) -> str:
    env = dict(os.environ, COLUMNS=str(columns), ANKLET_DATABASE_URL=url)
    done = subprocess.run([sys.executable, "-c", "from anklet.cli.app import main; main()",
                           *args], check=True, capture_output=True, text=True, env=env,
                          timeout=120)
    return done.stdout


def _first_cells(table: str) -> list[str]:
    """The text of the first column on each body line of a Rich table."""
    return [line.split("│")[1].strip() for line in table.splitlines()
            if line.startswith("│")]


@pytest.mark.parametrize("columns", [80, 100])
def test_exercises_table_shows_every_id_whole_at_narrow_widths(
        cli: Cli, cli_url: str, columns: int) -> None:
    ids = [e["id"] for e in cli("exercises", "--json").json()]
    assert max(map(len, ids)) > 20  # longer than the column can be at these widths
    table = _run(cli_url, columns, "exercises")
    assert "…" not in table
    assert max(map(len, table.splitlines())) <= columns
    # read down the Id column: the pieces of each wrapped id follow one another, in order
    assert "".join(_first_cells(table)) == "".join(ids)


@pytest.mark.parametrize("columns", [80, 100])
def test_plan_shows_every_exercise_id_whole_at_narrow_widths(
        cli: Cli, cli_url: str, columns: int) -> None:
    cli("demo")
    plan = cli("plan", "demo-runner", "--json").json()
    ids = {e["id"] for d in plan["days"] for b in d["blocks"] for e in b["exercises"]}
    assert ids
    text = _run(cli_url, columns, "plan", "demo-runner")
    assert "…" not in text
    for exercise_id in ids:
        assert f"({exercise_id})" in text


@pytest.mark.parametrize("columns", [80, 100])
def test_people_and_red_flag_tables_show_every_id_whole(
        cli: Cli, cli_url: str, columns: int) -> None:
    long_id = "a-person-whose-id-is-rather-long-indeed"
    cli("add-person", long_id, "--name", "Ann With A Long Name Too")
    table = _run(cli_url, columns, "people")
    assert "…" not in table
    assert "".join(_first_cells(table)) == long_id
    flags = [f["id"] for f in cli("red-flags", "--json").json()]
    table = _run(cli_url, columns, "red-flags")
    assert "…" not in table
    assert "".join(_first_cells(table)) == "".join(flags)
