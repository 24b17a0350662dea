"""The ``anklet`` command: every command has ``--json``; bad input gets a clear
message and a non-zero exit, never a traceback.

This module holds the one Typer app, its global options and the error handling of
:func:`main`, and adds the command groups to the app in one place (:func:`add_commands`):
all of them for ``anklet --help``, only the one holding the command that runs otherwise.
The groups live in their own modules, which import :mod:`anklet.cli.common` and never this
module, so there is no import circle. Each imports what its commands need when they run
(the database, importers, the web app, the vision stack), so ``anklet --help`` and a
command that needs little answer at once.
"""

from __future__ import annotations

import gc
import importlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from anklet.domain.errors import AnkletError

# Nothing of anklet's is imported here: main() first holds the garbage collector off (in the
# anklet process itself), then imports the rest (the command modules' shared part brings
# pydantic and the history's models), so that start-up is not walked by the collector.


def _app() -> typer.Typer:
    """The ``anklet`` app with its global options and no commands yet (see
    :func:`add_commands`)."""
    app = typer.Typer(
        name="anklet",
        help="Assess, stage, plan and track ankle and foot mobility work.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(_main)
    return app

GROUPS = ("people", "assessment", "schedule", "sessions", "corrections", "plans", "library",
          "activities", "photo", "questionnaires", "web")
"""The modules of ``anklet.cli`` holding commands (each a Typer app ``commands``), in the
order ``anklet --help`` lists them."""

SUBCOMMANDS = {"questionnaire": ("questionnaires", "questionnaire_app"),
               "account": ("web", "account_app"),
               "plan-change": ("plan_changes", "plan_change_app")}
"""The commands with subcommands of their own: name → (module, its Typer app)."""

COMMANDS = {
    **dict.fromkeys(("add-person", "intake", "people", "delete", "export", "import-history"),
                    "people"),
    **dict.fromkeys(("screen", "check-in", "red-flags", "measure", "observe-foot"),
                    "assessment"),
    **dict.fromkeys(("availability", "add-run", "remove-run"), "schedule"),
    **dict.fromkeys(("log", "morning"), "sessions"),
    **dict.fromkeys(("records", "edit", "delete-record"), "corrections"),
    **dict.fromkeys(("status", "override", "plan", "adherence", "evaluate", "reevaluate"),
                    "plans"),
    **dict.fromkeys(("exercises", "exercise", "schema", "where", "demo"), "library"),
    **dict.fromkeys(("import", "runs"), "activities"),
    "measure-photo": "photo",
    "scores": "questionnaires",
    "serve": "web",
    "mail-test": "web",
    "send-mail": "web",
    "send-reminders": "web",
    **{name: module for name, (module, _) in SUBCOMMANDS.items()},
}
"""Which module holds each command, so that a run imports and builds only the command it
runs (Typer builds every command it was given, options and all, before it runs one).
``tests/integration/cli/test_cli_startup.py`` checks this against the modules."""

GLOBAL_OPTIONS = ("--db", "--protocol", "--exercises")


def add_commands(target: typer.Typer, only: str | None = None) -> typer.Typer:
    """Add every command to ``target`` (in the order ``anklet --help`` lists them: the groups'
    commands first, then those with subcommands), or only the module holding ``only``."""
    module_of = COMMANDS.get(only or "")
    for name in GROUPS:
        if module_of in (None, name):
            target.add_typer(importlib.import_module(f"anklet.cli.{name}").commands)
    for command, (name, attribute) in SUBCOMMANDS.items():
        if module_of in (None, name):
            module = importlib.import_module(f"anklet.cli.{name}")
            target.add_typer(getattr(module, attribute), name=command)
    return target


def command_of(args: list[str]) -> str | None:
    """The command named in ``args`` (after the global options), or None when there is none
    (``anklet --help``, ``anklet`` alone) or it is unknown (the whole app then says so)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in GLOBAL_OPTIONS:
            i += 2
        elif arg.startswith(tuple(f"{o}=" for o in GLOBAL_OPTIONS)):
            i += 1
        elif arg.startswith("-"):
            return None
        else:
            return arg if arg in COMMANDS else None
    return None


def _main(
    db: Annotated[str | None, typer.Option(
        "--db", help="SQLAlchemy database URL (default: SQLite in your data folder; "
                     "or set ANKLET_DATABASE_URL).")] = None,
    protocol: Annotated[Path | None, typer.Option(
        "--protocol", help="An adjusted protocol YAML file (default: the shipped one).")] = None,
    exercises: Annotated[Path | None, typer.Option(
        "--exercises", help="An adjusted exercise library YAML file.")] = None,
) -> None:
    from anklet.cli.common import state

    state.db, state.protocol, state.exercises, state.ctx = db, protocol, exercises, None


def fail(e: AnkletError, as_json: bool) -> NoReturn:
    from rich.markup import escape

    from anklet.cli.common import err

    if as_json:
        print(json.dumps(e.to_dict(), ensure_ascii=False, default=str))
    else:
        # soft_wrap: the terminal wraps, so a long path or value is never cut in two
        err.print(f"[bold red]Error:[/] {escape(str(e))}", highlight=False, soft_wrap=True)
    raise SystemExit(e.exit_code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning product errors into clear messages.

    Without ``argv`` this is the ``anklet`` process itself (the console script), which
    starts with the garbage collector held off (see :func:`anklet.cli.common.settle`); a
    caller in a process of its own (a test) passes ``argv`` and keeps its collector as it
    was."""
    if argv is None:
        gc.disable()
    from anklet.cli.common import err, state
    from anklet.domain.errors import AnkletError

    args = sys.argv[1:] if argv is None else argv
    state.own_process = argv is None
    as_json = "--json" in args
    app = add_commands(_app(), command_of(args))
    try:
        if not as_json:
            app(args=args, prog_name="anklet", standalone_mode=True)
            return
        # with --json, a usage mistake (unknown option, a value of the wrong type) is
        # answered in JSON too, on stdout, like every other error
        rv = app(args=args, prog_name="anklet", standalone_mode=False)
        raise SystemExit(rv if isinstance(rv, int) else 0)
    except typer.Abort:
        raise SystemExit(1) from None
    except typer.TyperException as e:  # usage errors: unknown option, wrong type, ...
        message = e.format_message() if hasattr(e, "format_message") else str(e)
        print(json.dumps({"error": "UsageError", "message": message}, ensure_ascii=False))
        raise SystemExit(getattr(e, "exit_code", 2)) from None
    except AnkletError as e:
        fail(e, as_json)
    except KeyboardInterrupt:
        err.print("Stopped.")
        raise SystemExit(130) from None
