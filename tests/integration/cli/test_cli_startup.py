"""The command line imports what a command needs when it runs, and its modules form no circle.

Each run is a fresh Python process (as the ``anklet`` command is), and the test reads which
modules it had imported when it ended: a behaviour, not a timing (the timing is
``benchmarks/bench_cli.py``).
"""

from __future__ import annotations

import ast
import gc
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main

import anklet.cli
import anklet.cli.app as cli_app
from anklet.store.db import make_engine, migrate

# What only some commands need: the web app, the importers and their parsers, Alembic, the
# vision stack, password hashing and strength, PDF and templates, the process pool of a
# parallel re-evaluation; and pydantic-settings, which the settings no longer need.
NEVER_AT_START = ("alembic", "fastapi", "starlette", "uvicorn", "jinja2", "weasyprint", "cv2",
                  "numpy", "mediapipe", "PIL", "argon2", "zxcvbn", "fitdecode", "gpxpy",
                  "icalendar", "anklet.importers", "anklet.web", "anklet.vision",
                  "anklet.services.photo", "anklet.services.accounts",
                  "anklet.services.activities", "multiprocessing", "concurrent.futures.process",
                  "pydantic_settings", "dotenv")
# --help needs neither the database nor the decision engine.
NOT_FOR_HELP = (*NEVER_AT_START, "sqlalchemy", "anklet.store", "anklet.services",
                "anklet.domain.decisions", "anklet.domain.planner", "anklet.cli.render")

RUN = """
import json, sys
from anklet.cli.app import main
try:
    main(sys.argv[2:])
except SystemExit as e:
    code = e.code
else:
    code = 0
with open(sys.argv[1], "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""


def _imported(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> list[str]:
    """The modules a fresh ``anklet ARGS`` process had imported when it ended."""
    report = tmp_path / "modules.json"
    subprocess.run([sys.executable, "-c", RUN, str(report), *args], check=True,
                   capture_output=True, env=env, timeout=120)
    data = json.loads(report.read_text())
    assert data["code"] in (0, None), data["code"]
    return list(data["modules"])


def _heavy(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


def test_help_imports_no_database_no_engine_and_no_heavy_library(tmp_path: Path) -> None:
    modules = _imported(tmp_path, "--help")
    assert "anklet.cli.app" in modules
    assert _heavy(modules, NOT_FOR_HELP) == []


def test_a_command_s_help_imports_no_heavy_library(tmp_path: Path) -> None:
    for command in (["import", "--help"], ["serve", "--help"], ["measure-photo", "--help"],
                    ["account", "create", "--help"]):
        assert _heavy(_imported(tmp_path, *command), NOT_FOR_HELP) == [], command


@pytest.mark.parametrize("command", [["status", "ann"], ["people"], ["plan", "ann"]])
def test_a_command_on_a_database_at_the_newest_schema_imports_no_heavy_library(
        tmp_path: Path, command: list[str]) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    subprocess.run([sys.executable, "-c", "from anklet.cli.app import main; main()", "--db",
                    url, "add-person", "ann", "--name", "Ann"], check=True,
                   capture_output=True, timeout=120)
    modules = _imported(tmp_path, "--db", url, *command)
    assert "sqlalchemy" in modules  # it did read the database
    assert _heavy(modules, (*NEVER_AT_START, "sqlalchemy.dialects.postgresql")) == []


def test_a_new_database_is_still_created_with_its_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    modules = _imported(tmp_path, "--db", url, "people")
    assert "alembic" in modules  # the schema had to be made: Alembic ran
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM people").scalar() == 0
    engine.dispose()


def _cli_imports() -> dict[str, set[str]]:
    """Each module of ``anklet.cli`` and the ``anklet.cli`` modules it imports, at any level
    (in a function too)."""
    folder = Path(anklet.cli.__file__).parent
    found: dict[str, set[str]] = {}
    for path in sorted(folder.glob("*.py")):
        name = f"anklet.cli.{path.stem}" if path.stem != "__init__" else "anklet.cli"
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.startswith("anklet.cli.")}
            elif isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "anklet.cli":
                    targets |= {f"anklet.cli.{a.name}" for a in node.names}
                elif node.module.startswith("anklet.cli."):
                    targets.add(node.module)
        found[name] = targets - {name}
    return found


def test_cli_modules_import_each_other_without_a_circle() -> None:
    graph = _cli_imports()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for target in graph.get(module, set()):
            visit(target, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def test_commands_are_added_to_the_app_in_one_place_only() -> None:
    graph = _cli_imports()
    importers_of_app = [m for m, targets in graph.items() if "anklet.cli.app" in targets]
    assert importers_of_app == []
    folder = Path(anklet.cli.__file__).parent
    with_commands = {p.stem for p in folder.glob("*.py")
                     if "\ncommands = typer.Typer(" in p.read_text(encoding="utf-8")}
    assert set(cli_app.GROUPS) == with_commands
    for g in cli_app.GROUPS:
        assert not graph[f"anklet.cli.{g}"] & {f"anklet.cli.{o}" for o in cli_app.GROUPS}, g


def _names(app: typer.Typer) -> dict[str, str]:
    """Each command of ``app`` (as the whole app is built for ``anklet --help``) and the module
    of ``anklet.cli`` its function lives in."""
    group: Any = typer.main.get_command(app)
    found = {}
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # `account`, `questionnaire`: a Typer of their own
            command = next(iter(command.commands.values()))
        found[name] = inspect.unwrap(command.callback).__module__
    return found


def test_the_command_map_names_every_command_and_its_module() -> None:
    whole = _names(cli_app.add_commands(cli_app._app()))
    assert {n: m.removeprefix("anklet.cli.") for n, m in whole.items()} == cli_app.COMMANDS


@pytest.mark.parametrize("args", [["status", "ann"], ["--db", "x", "plan", "ann"],
                                  ["--db=x", "--protocol", "p.yaml", "account", "create"],
                                  ["questionnaire", "--help"]])
def test_a_run_builds_only_the_group_of_its_command(args: list[str]) -> None:
    command = cli_app.command_of(args)
    assert command is not None
    only = _names(cli_app.add_commands(cli_app._app(), command))
    assert command in only
    assert set(only.values()) == {f"anklet.cli.{cli_app.COMMANDS[command]}"}


@pytest.mark.parametrize("args", [[], ["--help"], ["--db", "x"], ["--db", "x", "--help"],
                                  ["stauts", "ann"], ["-x", "status"]])
def test_help_and_unknown_commands_get_the_whole_app(args: list[str]) -> None:
    assert cli_app.command_of(args) is None


def _status(tmp_path: Path, url: str, *, cache: bool) -> tuple[str, list[str]]:
    env = dict(os.environ, HOME=str(tmp_path / "home"), COLUMNS="100",
               ANKLET_DATA_CACHE="1" if cache else "0")
    env.pop("XDG_CACHE_HOME", None)
    report = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", RUN, str(report), "--db", url, "status", "demo-runner"],
                          check=True, capture_output=True, text=True, env=env, timeout=120)
    return done.stdout, json.loads(report.read_text())["modules"]


def test_status_shows_the_same_with_the_data_files_parsed_or_from_the_cache(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    subprocess.run([sys.executable, "-c", "from anklet.cli.app import main; main()",
                    "--db", url, "demo"], check=True, capture_output=True,
                   env=dict(os.environ, HOME=str(tmp_path / "home")), timeout=300)
    parsed, parsed_modules = _status(tmp_path, url, cache=False)
    first, _ = _status(tmp_path, url, cache=True)  # parses, then fills the cache
    cached, cached_modules = _status(tmp_path, url, cache=True)
    assert "Clearance checklist" in parsed
    assert "Knee-to-wall" in parsed
    assert first == parsed
    assert cached == parsed
    assert "yaml" in parsed_modules
    assert "yaml" not in cached_modules  # nothing was parsed: all came from the cache


# The ``anklet`` process itself: main() with no arguments, as the console script calls it.
OWN = """
import gc, json, sys
report = sys.argv[1]
sys.argv = ["anklet", *sys.argv[2:]]
from anklet.cli.app import main
from anklet.cli.common import state
early = []  # a collection that started before the command had its context
gc.callbacks.append(lambda phase, info: early.append(1)
                    if phase == "start" and state.ctx is None else None)
try:
    main()
except SystemExit as e:
    code = e.code
else:
    code = 0
with open(report, "w") as f:
    json.dump({"code": code, "enabled": gc.isenabled(), "frozen": gc.get_freeze_count(),
               "early": len(early)}, f)
"""


def _own(tmp_path: Path, *args: str) -> dict[str, Any]:
    """How the collector stood when a fresh ``anklet ARGS`` process (main() with no
    arguments, as the console script calls it) ended."""
    report = tmp_path / "gc.json"
    subprocess.run([sys.executable, "-c", OWN, str(report), *args], check=True,
                   capture_output=True, env=dict(os.environ, HOME=str(tmp_path / "home")),
                   timeout=120)
    return dict(json.loads(report.read_text()))


def test_the_anklet_process_starts_without_collecting_and_collects_afterwards(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    subprocess.run([sys.executable, "-c", "from anklet.cli.app import main; main()", "--db",
                    url, "add-person", "ann", "--name", "Ann"], check=True,
                   capture_output=True, timeout=120)
    found = _own(tmp_path, "--db", url, "status", "ann")
    assert found["code"] in (0, None)
    # what start-up made is frozen, not walked again and again; from the context on, the
    # collector is back for what the command makes
    assert found["early"] == 0
    assert found["frozen"] > 10_000
    assert found["enabled"] is True
    found = _own(tmp_path, "--db", url, "exercises")  # no database: the files alone
    assert found["enabled"] is True
    assert found["frozen"] > 0


def test_main_called_with_arguments_in_a_test_leaves_the_collector_as_it_was(
        capsys: pytest.CaptureFixture[str]) -> None:
    frozen = gc.get_freeze_count()
    with pytest.raises(SystemExit):
        cli_app.main(["--help"])
    capsys.readouterr()
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_the_app_module_alone_imports_nothing_of_anklet_s_own() -> None:
    # main() holds the collector off before it imports the rest (see test above): what the
    # console script imports first must stay this small
    done = subprocess.run([sys.executable, "-c", "import sys, anklet.cli.app; print(sorted("
                           "m for m in sys.modules if m.startswith(('anklet', 'pydantic.'))))"],
                          check=True, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "['anklet', 'anklet.cli', 'anklet.cli.app']"
