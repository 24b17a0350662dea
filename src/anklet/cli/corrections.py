"""``anklet records``, ``edit`` and ``delete-record``: list a person's records with their ids,
correct one, or delete one recorded by mistake.

One ``edit`` for every kind of record, with ``--set FIELD=VALUE`` (repeat it), rather than a
command per kind with an option per field: the fields differ by kind (a measurement's
value, a session's pain during, a screen's left ankle), ``anklet records`` shows them, and
the names are the same as in the history document and the API. Values are read as JSON
where they are JSON (numbers, true/false, null, lists and objects), else as text (dates,
sides, notes); ``left.pain_rest=3`` or ``red_flags.ottawa_malleolus=false`` changes one
part of a screen's side or red-flag answers.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from anklet.cli.common import JsonOpt, PersonArg, ctx, emit, out
from anklet.domain.errors import InputError

if TYPE_CHECKING:
    from anklet.services.corrections import Correction

commands = typer.Typer()
"""This module's commands; :mod:`anklet.cli.app` adds them to the ``anklet`` command."""

KINDS = {"measurement": "measurement", "screen": "screen", "check-in": "check_in",
         "foot": "foot_observation", "questionnaire": "questionnaire", "session": "session"}
"""The kinds of record as the command line names them → the service's names."""
KIND_HELP = "measurement, screen, check-in, foot, questionnaire or session"

KindArg = Annotated[str, typer.Argument(help=f"The kind of record: {KIND_HELP}.")]
IdArg = Annotated[int, typer.Argument(help="The record's id (see `anklet records PERSON`).")]


def _kind(kind: str) -> str:
    found = KINDS.get(kind.strip().lower().replace("_", "-"))
    if found is None:
        raise InputError("kind", kind, f"one of: {KIND_HELP}")
    return found


def _cli_kind(kind: str) -> str:
    return next(k for k, v in KINDS.items() if v == kind)


def _value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_sets(items: list[str]) -> dict[str, Any]:
    """``FIELD=VALUE`` pairs as the changes of a correction (``a.b=v`` as ``{"a": {"b": v}}``)."""
    changes: dict[str, Any] = {}
    for item in items:
        field, sep, text = item.partition("=")
        field = field.strip().replace("-", "_")
        if not sep or not field:
            raise InputError("set", item, "FIELD=VALUE, e.g. value=8.5 or date=2026-11-02")
        head, dot, rest = field.partition(".")
        if dot:
            part = changes.setdefault(head, {})
            if not isinstance(part, dict):
                raise InputError("set", item, f"either {head}=… or {head}.NAME=…, not both")
            part[rest] = _value(text)
        else:
            changes[field] = _value(text)
    return changes


def _print(done: Correction) -> None:
    out.print(escape(done.message))


def _correction_dict(done: Correction) -> dict[str, Any]:
    return {"kind": _cli_kind(done.kind), "id": done.record_id,
            "old": done.old.model_dump(mode="json"),
            "new": None if done.new is None else done.new.model_dump(mode="json"),
            "changed": list(done.changed), "message": done.message,
            "stage": done.decision.stage, "status": done.decision.status}


@commands.command("records")
def records(
    person: PersonArg,
    kind: Annotated[str | None, typer.Option(
        "--kind", help=f"Only this kind: {KIND_HELP}.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List a person's recorded measurements, screens, check-ins, foot observations,
    questionnaires and sessions, each with the id `anklet edit` and `delete-record` take."""
    from anklet.services import corrections

    c = ctx()
    kinds = (_kind(kind),) if kind else corrections.RECORD_KINDS
    with c.uow(write=False) as uow:
        rows = corrections.list_records(uow, key=person, kinds=kinds)
    if emit(as_json, [{"kind": _cli_kind(k), "id": i, "date": r.date.isoformat(),
                       "summary": corrections.summary(r), "record": r.model_dump(mode="json")}
                      for k, i, r in rows]):
        return
    if not rows:
        out.print(f"Nothing recorded for {escape(person)} yet.")
        return
    t = Table(title=f"Records of {escape(person)}")
    for col in ("Kind", "Id", "Date", "What"):
        t.add_column(col, overflow="fold")
    for k, i, r in rows:
        t.add_row(_cli_kind(k), str(i), r.date.isoformat(),
                  escape(f"{corrections.title(k, r)}: {corrections.summary(r)}"))
    out.print(t)


@commands.command("edit")
def edit(
    person: PersonArg,
    kind: KindArg,
    record_id: IdArg,
    sets: Annotated[list[str] | None, typer.Option(
        "--set", help="FIELD=VALUE to change, e.g. value=8.5, date=2026-11-02, "
                      "pain_during=3, left.pain_rest=2; repeat for more.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Correct one record: the fields given change, the rest stay. Checked like a new record,
    kept in the audit log, and the person's plan is checked again."""
    from anklet.services import corrections

    k = _kind(kind)
    if not sets:
        raise InputError("set", None, "at least one --set FIELD=VALUE; fields: "
                         + ", ".join(corrections.EDITABLE[k]))
    changes = parse_sets(sets)
    c = ctx()
    with c.uow() as uow:
        done = corrections.edit(uow, key=person, kind=k, record_id=record_id, changes=changes,
                                protocol=c.protocol, library=c.library, actor="command line")
        uow.commit()
    if not emit(as_json, _correction_dict(done)):
        _print(done)


@commands.command("delete-record")
def delete_record(
    person: PersonArg,
    kind: KindArg,
    record_id: IdArg,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: delete this record.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Delete one record made by mistake (kept in the audit log); the plan is checked
    again."""
    from anklet.services import corrections

    k = _kind(kind)
    if not yes:
        raise InputError("yes", False, "pass --yes to confirm deleting this record")
    c = ctx()
    with c.uow() as uow:
        done = corrections.delete(uow, key=person, kind=k, record_id=record_id,
                                  protocol=c.protocol, library=c.library, actor="command line")
        uow.commit()
    if not emit(as_json, _correction_dict(done)):
        _print(done)
