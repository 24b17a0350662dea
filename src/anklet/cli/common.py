"""What the command modules share: the global options' state, the options every command
has (``--json``, the person, the date), the consoles, the database context and the helpers
that turn command-line input into checked domain values.

Imported by every command module and by :mod:`anklet.cli.app`; it imports none of them.
It imports only what ``anklet --help`` needs as well (Typer, Rich, the domain's models):
the database, the services and the protocol are imported when a command first asks for
them (:func:`ctx`), so a command that needs none of them starts at once.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from anklet.cli.console import console, print_json
from anklet.domain.errors import InputError
from anklet.domain.history import Intake, check_day, load_history_text, problems_from

if TYPE_CHECKING:
    from anklet.domain.exercises import Library
    from anklet.domain.protocol import Protocol
    from anklet.services.context import Context
    from anklet.settings import Settings
    from anklet.store.uow import UnitOfWork

out = console()  # control characters in the data never reach the terminal
err = console(stderr=True)

M = TypeVar("M", bound=BaseModel)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
PersonArg = Annotated[str, typer.Argument(help="The person's id (see `anklet people`).")]
DateOpt = Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today).")]


class _State:
    db: str | None = None
    protocol: Path | None = None
    exercises: Path | None = None
    ctx: Context | None = None
    own_process: bool = False
    """Whether this run is the ``anklet`` process itself, its collector held off while it
    starts (see :func:`settle`)."""


state = _State()
"""The global options of this run (set by the app's callback) and its context, once opened."""


def open_context(settings: Settings) -> Context:
    """:func:`anklet.services.context.open_context`, imported when first needed (it brings
    the database layer)."""
    from anklet.services.context import open_context as open_

    return open_(settings)


def settings(**given: Any) -> Settings:
    from anklet.settings import get_settings

    return get_settings(**given)


def settle() -> None:
    """End of start-up in the ``anklet`` process itself (:func:`anklet.cli.app.main` with no
    arguments): what start-up made (modules, classes, the protocol and library, the
    database engine) lives until the process ends, so it is frozen out of the garbage
    collector's sight (:func:`gc.freeze`) and the collector, held off since the process
    began, comes back on for what the command makes from here (an import of thousands of
    files, the web server). Start-up made no garbage worth collecting, yet the collector
    walked its young objects again and again: a twentieth of ``anklet status``'s time.
    Called once the command has its context (:func:`ctx`, :func:`files_only`); a command
    that needs neither (``--help``, ``where``) ends with it still off. Elsewhere (a test
    calling :func:`anklet.cli.app.main` in its own process) it does nothing."""
    if state.own_process:
        gc.freeze()
        gc.enable()


def ctx() -> Context:
    if state.ctx is None:
        state.ctx = open_context(settings(database_url=state.db, protocol_file=state.protocol,
                                          exercises_file=state.exercises))
        settle()
    return state.ctx


@contextmanager
def person_write(person: str) -> Iterator[UnitOfWork]:
    """The unit of work of a command that writes to one person's record. When the block ends
    without an error the person is decided again and stored in the same transaction, as the
    web app's writes are, and it commits: the coach's list and `anklet people` read the
    stored decision, and a flare or a red flag logged here would otherwise show only the
    next day. An error leaves nothing written."""
    from anklet.services import evaluation

    c = ctx()
    with c.uow() as uow:
        yield uow
        evaluation.refresh(uow, key=person, protocol=c.protocol, library=c.library)
        uow.commit()


def value_of(member: Any) -> Any:
    """An enum member's value (None stays None)."""
    return None if member is None else member.value


def emit(as_json: bool, data: Any) -> bool:
    """Print ``data`` as JSON when asked; returns whether it did."""
    if as_json:
        print_json(out, data)  # every character kept, escaped as JSON
    return as_json


def build(model: type[M], prefix: str = "", **data: Any) -> M:
    """Validate CLI input into a domain model; a bad value becomes an InputError.

    ``prefix`` goes before the field's name (``left-`` for one side's values)."""
    try:
        return model.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as e:
        field, value, accepted = problems_from(e)[0]
        info = model.model_fields.get(field)
        if e.errors()[0]["type"] == "string_pattern_mismatch" and info and info.description:
            accepted = f"accepted: {info.description}"
        raise InputError(prefix + field.replace("_", "-"), value, accepted) from e


def parse_date(value: str | None, field: str = "date") -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(field, value, "accepted: a date as YYYY-MM-DD") from None
    check_day(field, day)
    return day


def in_range(field: str, value: int | None, low: int = 0, high: int = 10) -> int | None:
    if value is not None and not low <= value <= high:
        raise InputError(field, value, f"accepted: {low} to {high}")
    return value


def profile_text(intake: Intake | None, day: dt.date) -> str | None:
    """"runner, 34, female": the main goal, the age on ``day`` and the sex, as far as given."""
    if intake is None:
        return None
    goal = intake.profile
    age = intake.age_on(day)
    parts = [goal.value.replace("court_field_sport", "court or field sport") if goal else None,
             None if age is None else str(age),
             intake.sex.value if intake.sex else None]
    return ", ".join(p for p in parts if p) or None


def read_history(file: Path) -> Any:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("FILE", str(file), "an existing history JSON file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError("FILE", str(file), f"a readable UTF-8 JSON file ({e})") from None
    return load_history_text(text, source=str(file))


def files_only() -> tuple[Protocol, Library]:
    """Protocol and library without opening a database (for stateless commands)."""
    from anklet.services.data_files import load_library, load_protocol

    s = settings(protocol_file=state.protocol, exercises_file=state.exercises)
    found = load_protocol(s.protocol_file), load_library(s.exercises_file)
    settle()
    return found
