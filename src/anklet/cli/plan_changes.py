"""``anklet plan-change``: a coach's changes to one person's plan (list, swap, remove, add,
pin, end). Each is checked against the person's stage and state before it is stored, with
an entry in the audit log; a change the stage does not allow is refused, saying why.

Everything heavy (the database, the planner) is imported when a command runs.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich.markup import escape

from anklet.cli.common import JsonOpt, PersonArg, build, ctx, emit, out, parse_date

plan_change_app = typer.Typer(
    name="plan-change", no_args_is_help=True,
    help="A coach's changes to one person's plan: swap, remove or add an exercise, pin a "
         "dose, list and end them.")
"""Added by :mod:`anklet.cli.app` as ``anklet plan-change`` (a command with subcommands, so
this module has no plain ``commands``)."""

ExerciseArg = Annotated[str, typer.Argument(help="An exercise id (see `anklet exercises`).")]
NoteOpt = Annotated[str, typer.Option("--note", help="Why, in words (3–1000 characters); the "
                                                     "client sees it with the change.")]
ByOpt = Annotated[str, typer.Option("--by", help="Who made it (a name or email).")]
DateOpt = Annotated[str | None, typer.Option("--date", help="From when, YYYY-MM-DD "
                                                            "(default: today).")]


def _row(x: Any) -> dict[str, Any]:
    return {"id": x.id, **x.change.model_dump(mode="json", exclude_none=True),
            "state": x.state, "reason": x.reason, "words": x.words}


def _make(person: str, as_json: bool, date: str | None, **fields: Any) -> None:
    from anklet.domain.history import PlanChange
    from anklet.services import plan_changes

    change = build(PlanChange, date=parse_date(date), **fields)
    c = ctx()
    with c.uow() as uow:
        made = plan_changes.add(uow, key=person, change=change, protocol=c.protocol,
                                library=c.library, account_id=None, actor=change.by)
        rows = plan_changes.listing(uow, key=person, protocol=c.protocol, library=c.library,
                                    as_of=max(change.date, dt.date.today()))
        uow.commit()
    row = next(x for x in rows if x.id == made.id)
    if emit(as_json, {**_row(row), "warnings": list(made.warnings)}):
        return
    out.print(f"Stored (id {made.id}): {escape(row.words)}.", highlight=False, soft_wrap=True)
    for w in made.warnings:
        out.print(f"Note: {escape(w)}", highlight=False, soft_wrap=True)


@plan_change_app.command("list")
def list_changes(person: PersonArg, as_json: JsonOpt = False) -> None:
    """The person's plan changes: in force first (applied, or paused with why), then ended."""
    from anklet.services import plan_changes

    c = ctx()
    with c.uow(write=False) as uow:
        rows = plan_changes.listing(uow, key=person, protocol=c.protocol, library=c.library,
                                    as_of=dt.date.today())
    if emit(as_json, [_row(x) for x in rows]):
        return
    if not rows:
        out.print(f"No plan changes for {escape(person)}: the plan is the stage's own.",
                  highlight=False)
        return
    for x in rows:
        state = x.state + (f" ({x.reason})" if x.reason else "")
        out.print(f"{x.id}  {x.change.date.isoformat()}  {escape(x.words)} · {escape(state)} · "
                  f"by {escape(x.change.by)}: {escape(x.change.note)}", highlight=False,
                  soft_wrap=True)


@plan_change_app.command("swap")
def swap(person: PersonArg, exercise: ExerciseArg,
         replacement: Annotated[str, typer.Argument(help="The exercise to give instead.")],
         note: NoteOpt, by: ByOpt = "cli", date: DateOpt = None,
         as_json: JsonOpt = False) -> None:
    """Give REPLACEMENT wherever the plan gives EXERCISE (the same kind of work)."""
    _make(person, as_json, date, kind="swap", exercise=exercise, replacement=replacement,
          note=note.strip(), by=by.strip())


@plan_change_app.command("remove")
def remove(person: PersonArg, exercise: ExerciseArg, note: NoteOpt, by: ByOpt = "cli",
           date: DateOpt = None, as_json: JsonOpt = False) -> None:
    """Leave EXERCISE out of the plan (its block takes another where it can)."""
    _make(person, as_json, date, kind="remove", exercise=exercise, note=note.strip(),
          by=by.strip())


@plan_change_app.command("add")
def add(person: PersonArg, exercise: ExerciseArg, note: NoteOpt, by: ByOpt = "cli",
        date: DateOpt = None, as_json: JsonOpt = False) -> None:
    """Add EXERCISE to the plan (of the person's stage and safe for them now)."""
    _make(person, as_json, date, kind="add", exercise=exercise, note=note.strip(),
          by=by.strip())


@plan_change_app.command("pin")
def pin(person: PersonArg, exercise: ExerciseArg,
        sets: Annotated[int, typer.Option("--sets", help="Sets.")],
        note: NoteOpt,
        reps: Annotated[int | None, typer.Option("--reps", help="Reps a set.")] = None,
        seconds: Annotated[int | None, typer.Option("--seconds", help="Seconds a set.")] = None,
        by: ByOpt = "cli", date: DateOpt = None, as_json: JsonOpt = False) -> None:
    """Always give EXERCISE at this dose (--reps or --seconds, as it is counted)."""
    _make(person, as_json, date, kind="pin", exercise=exercise, sets=sets, reps=reps,
          seconds=seconds, note=note.strip(), by=by.strip())


@plan_change_app.command("end")
def end(person: PersonArg,
        change_id: Annotated[int, typer.Argument(help="The change's id (see `anklet "
                                                      "plan-change list`).")],
        by: ByOpt = "cli", date: DateOpt = None, as_json: JsonOpt = False) -> None:
    """End a change: from DATE on the plan is the stage's own again (it stays listed)."""
    from anklet.domain.plan_changes import change_words
    from anklet.services import plan_changes

    day = parse_date(date)
    c = ctx()
    with c.uow() as uow:
        ended = plan_changes.end(uow, key=person, change_id=change_id, day=day,
                                 protocol=c.protocol, library=c.library, account_id=None,
                                 actor=by.strip())
        uow.commit()
    words = change_words(ended, c.library)
    if emit(as_json, {"id": change_id, "ended": day.isoformat(), "words": words}):
        return
    out.print(f"Ended (id {change_id}, from {day.isoformat()}): {escape(words)}.",
              highlight=False, soft_wrap=True)
