"""The ``anklet`` command: every command has ``--json``; bad input gets a clear
message and a non-zero exit, never a traceback.

This module holds the one Typer app, its global options and the error handling of
:func:`main`, and adds every command group to the app in one place (below). The groups
live in their own modules, which import :mod:`anklet.cli.common` and never this module,
so there is no import circle. Each imports what its commands need when they run (the
database, importers, the web app, the vision stack), so ``anklet --help`` and a command
that needs little answer at once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.markup import escape

from anklet.cli import (
    activities,
    assessment,
    corrections,
    library,
    people,
    photo,
    plans,
    questionnaires,
    schedule,
    sessions,
    web,
)
from anklet.cli.common import err, state
from anklet.domain.errors import AnkletError

app = typer.Typer(
    name="anklet",
    help="Assess, stage, plan and track ankle and foot mobility work.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Every command, in the order `anklet --help` lists them: the groups' commands first, then
# the commands with subcommands of their own.
for group in (people, assessment, schedule, sessions, corrections, plans, library, activities,
              photo, questionnaires, web):
    app.add_typer(group.commands)
app.add_typer(questionnaires.questionnaire_app, name="questionnaire")
app.add_typer(web.account_app, name="account")


@app.callback()
def _main(
    db: Annotated[str | None, typer.Option(
        "--db", help="SQLAlchemy database URL (default: SQLite in your data folder; "
                     "or set ANKLET_DATABASE_URL).")] = None,
    protocol: Annotated[Path | None, typer.Option(
        "--protocol", help="An adjusted protocol YAML file (default: the shipped one).")] = None,
    exercises: Annotated[Path | None, typer.Option(
        "--exercises", help="An adjusted exercise library YAML file.")] = None,
) -> None:
    state.db, state.protocol, state.exercises, state.ctx = db, protocol, exercises, None


def fail(e: AnkletError, as_json: bool) -> NoReturn:
    if as_json:
        print(json.dumps(e.to_dict(), ensure_ascii=False, default=str))
    else:
        # soft_wrap: the terminal wraps, so a long path or value is never cut in two
        err.print(f"[bold red]Error:[/] {escape(str(e))}", highlight=False, soft_wrap=True)
    raise SystemExit(e.exit_code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning product errors into clear messages."""
    args = sys.argv[1:] if argv is None else argv
    as_json = "--json" in args
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
