"""``anklet add-person``, ``intake``, ``people``, ``delete``, ``export`` and ``import-history``:
people and their intake in and out.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from anklet.cli.common import (
    DateOpt,
    JsonOpt,
    PersonArg,
    build,
    ctx,
    emit,
    err,
    in_range,
    out,
    parse_date,
    person_write,
    profile_text,
    read_history,
    value_of,
)
from anklet.domain.errors import InputError
from anklet.domain.history import (
    AGE_MAX,
    AGE_MIN,
    Activity,
    GoalType,
    Intake,
    Person,
    Sex,
    SideHistory,
    whole_years,
)
from anklet.domain.units import Side

commands = typer.Typer()
"""This module's commands; :mod:`anklet.cli.app` adds them to the ``anklet`` command."""


ActivityOpt = Annotated[list[Activity] | None, typer.Option(
    "--activity", help="Repeat for each: running, lifting, court_field_sport, daily_life.")]
GoalOpt = Annotated[list[str] | None, typer.Option("--goal", help="A goal in words; repeat.")]
SprainsOpt = Annotated[int | None, typer.Option(help="Number of ankle sprains on that side.")]
LastSprainOpt = Annotated[str | None, typer.Option(help="Date of the last sprain on that side.")]
SurgeryOpt = Annotated[bool | None, typer.Option(help="Foot/ankle surgery on that side.")]
AgeOpt = Annotated[int | None, typer.Option("--age", help="Age in years, 5 to 110.")]
SexOpt = Annotated[Sex | None, typer.Option(
    "--sex", help="female or male; used only to compare results with published norms.")]
FallsOpt = Annotated[int | None, typer.Option(
    "--falls", help="How many times you fell in the last 12 months (0 to 100).")]
FearOpt = Annotated[int | None, typer.Option(
    "--fear-of-falling", help="How afraid of falling: 0 = not at all, 10 = extremely.")]
GoalTypeOpt = Annotated[GoalType | None, typer.Option(
    "--goal-type", help="Main goal: walker, runner, lifter, court_field_sport or other.")]


def profile_options(age: int | None, sex: Sex | None, falls: int | None, fear: int | None,
                    goal_type: GoalType | None) -> dict[str, Any]:
    """The profile options given, checked, as Intake fields (left-out ones are left out)."""
    in_range("age", age, AGE_MIN, AGE_MAX)
    in_range("falls", falls, 0, 100)
    in_range("fear-of-falling", fear, 0, 10)
    given = {"age": age, "sex": sex, "falls_12m": falls, "fear_of_falling": fear,
             "goal_type": goal_type}
    return {k: v for k, v in given.items() if v is not None}


def side_history(side: str, current: SideHistory, sprains: int | None, last: str | None,
                 surgery: bool | None) -> SideHistory:
    """One side's injury history from the options given; what is left out stays as it was."""
    n = current.sprains if sprains is None else sprains
    if last is None:
        last_date = current.last_sprain if n else None
    else:
        if n == 0:
            raise InputError(f"{side}-last-sprain", last, f"only with --{side}-sprains 1 or more")
        last_date = parse_date(last, f"{side}-last-sprain")
    return build(SideHistory, f"{side}-", sprains=n, last_sprain=last_date,
                 surgery=current.surgery if surgery is None else surgery,
                 surgery_date=current.surgery_date if surgery in (None, True) else None)


def intake_from(current: Intake, *, activity: list[Activity] | None, goal: list[str] | None,
                left: tuple[int | None, str | None, bool | None],
                right: tuple[int | None, str | None, bool | None],
                profile: dict[str, Any] | None = None) -> Intake:
    """An intake with the options given applied over ``current`` (``profile``: the new
    profile fields, with the age on the intake date)."""
    kept = {f: getattr(current, f) for f in ("age", "sex", "falls_12m", "fear_of_falling",
                                             "goal_type")}
    return build(Intake, date=current.date,
                 goals=current.goals if goal is None else goal,
                 activities=current.activities if activity is None else activity,
                 left=side_history("left", current.left, *left),
                 right=side_history("right", current.right, *right),
                 **(kept | (profile or {})))


@commands.command("add-person")
def add_person(
    person_id: Annotated[str, typer.Argument(help="Short id: lower-case letters, digits, - _")],
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    activity: ActivityOpt = None,
    goal: GoalOpt = None,
    dominant: Annotated[Side | None, typer.Option("--dominant", help="Dominant leg.")] = None,
    left_sprains: SprainsOpt = None,
    left_last_sprain: LastSprainOpt = None,
    left_surgery: SurgeryOpt = None,
    right_sprains: SprainsOpt = None,
    right_last_sprain: LastSprainOpt = None,
    right_surgery: SurgeryOpt = None,
    age: AgeOpt = None,
    sex: SexOpt = None,
    falls: FallsOpt = None,
    fear_of_falling: FearOpt = None,
    goal_type: GoalTypeOpt = None,
    date: DateOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Create a person with their intake (goals, activities, injury history per side, and
    age, sex, falls and main goal if you like)."""
    from anklet.services import people

    d = parse_date(date)
    person = build(Person, id=person_id, name=name, created=d, dominant_side=dominant)
    intake = intake_from(Intake(date=d), activity=activity, goal=goal,
                         left=(left_sprains, left_last_sprain, left_surgery),
                         right=(right_sprains, right_last_sprain, right_surgery),
                         profile=profile_options(age, sex, falls, fear_of_falling, goal_type))
    c = ctx()
    with c.uow() as uow:
        people.create(uow, person=person, intake=intake)
        uow.commit()
    if not emit(as_json, {"created": person.id}):
        out.print(f"Created [bold]{person.id}[/] ({escape(person.name)}). Next: "
                  f"`anklet screen {person.id}` for the red-flag screen.")


@commands.command("intake")
def update_intake(
    person: PersonArg,
    activity: ActivityOpt = None,
    goal: GoalOpt = None,
    left_sprains: SprainsOpt = None,
    left_last_sprain: LastSprainOpt = None,
    left_surgery: SurgeryOpt = None,
    right_sprains: SprainsOpt = None,
    right_last_sprain: LastSprainOpt = None,
    right_surgery: SurgeryOpt = None,
    age: Annotated[int | None, typer.Option("--age", help="Age in years today, 5 to 110.")] = None,
    sex: SexOpt = None,
    falls: FallsOpt = None,
    fear_of_falling: FearOpt = None,
    goal_type: GoalTypeOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change a person's intake (a new sprain, surgery, goals, age, main goal); what you
    leave out stays."""
    from anklet.services import people, records

    profile = profile_options(age, sex, falls, fear_of_falling, goal_type)
    with person_write(person) as uow:
        h = people.get(uow, key=person)
        current = h.intake or Intake(date=h.person.created or dt.date.today())
        if age is not None:  # the intake keeps the age on its own date
            profile["age"] = age - whole_years(current.date, dt.date.today())
            if not AGE_MIN <= profile["age"] <= AGE_MAX:
                raise InputError("age", age, f"accepted: an age that was {AGE_MIN} to "
                                 f"{AGE_MAX} on the intake date, {current.date.isoformat()}")
        new = intake_from(current, activity=activity, goal=goal,
                          left=(left_sprains, left_last_sprain, left_surgery),
                          right=(right_sprains, right_last_sprain, right_surgery),
                          profile=profile)
        records.update_intake(uow, key=person, intake=new)
    if not emit(as_json, new.model_dump(mode="json", exclude_none=True)):
        shown = profile_text(new, dt.date.today())
        out.print(f"Intake of {person} updated: left {new.left.sprains} sprain(s), right "
                  f"{new.right.sprains}; activities: "
                  f"{', '.join(a.value for a in new.activities) or 'none given'}"
                  + (f"; profile: {shown}." if shown else "."))


@commands.command("people")
def list_people(as_json: JsonOpt = False) -> None:
    """List everyone with their last decided stage and status."""
    from anklet.domain.decisions import STATUS_TEXT
    from anklet.services import people

    c = ctx()
    with c.uow(write=False) as uow:
        rows = people.list(uow)
    today = dt.date.today()
    data = [{"id": r.key, "name": r.name, "created": r.created, "stage": r.stage,
             "status": r.status,
             "profile": {"goal": value_of(r.profile), "age": r.age_on(today), "sex": value_of(r.sex)}}
            for r in rows]
    if emit(as_json, data):
        return
    if not rows:
        out.print("No people yet. Add one with `anklet add-person`, or try `anklet demo`.")
        return
    t = Table(title="People")
    for col in ("Id", "Name", "Stage", "Status"):
        t.add_column(col, overflow="fold")  # a narrow terminal wraps an id, never cuts it
    for r in rows:
        t.add_row(escape(r.key), escape(r.name), str(r.stage or "—"),
                  STATUS_TEXT.get(r.status, r.status) if r.status else "not evaluated yet")
    out.print(t)


@commands.command("delete")
def delete_person(
    person: PersonArg,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: delete with all their data.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Delete a person and everything recorded about them."""
    from anklet.services import people

    if not yes:
        raise InputError("yes", False, "pass --yes to confirm deleting the person and all "
                                       "their data")
    c = ctx()
    with c.uow() as uow:
        people.delete(uow, key=person)
        uow.commit()
    if not emit(as_json, {"deleted": person}):
        out.print(f"Deleted {person} and all their data.")


@commands.command("export")
def export(
    person: PersonArg,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="File to write (default: stdout).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The document is JSON already; "
                                          "with -o, print where it went as JSON.")] = False,
) -> None:
    """Write everything about a person as a history JSON document."""
    from anklet.services import people

    c = ctx()
    with c.uow(write=False) as uow:
        h = people.export(uow, key=person)
    text = h.to_json()
    if output is None:
        sys.stdout.write(text + "\n")
    else:
        try:
            output.write_text(text + "\n", encoding="utf-8")
        except OSError as e:
            raise InputError("output", str(output),
                             f"a file that can be written ({e.strerror or e})") from None
        if not emit(as_json, {"written": str(output)}):
            err.print(f"Wrote {escape(str(output))}")

@commands.command("import-history")
def import_history(
    file: Annotated[Path, typer.Argument(help="A history JSON document (see `anklet schema`).")],
    replace: Annotated[bool, typer.Option("--replace",
                                          help="Replace an existing person's data.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Read a history document (as written by `anklet export`) into the database."""
    from anklet.services import people

    h = read_history(file)
    c = ctx()
    with c.uow() as uow:
        people.import_history(uow, history=h, protocol=c.protocol, library=c.library,
                              replace=replace, source=str(file))
        uow.commit()
    if not emit(as_json, {"imported": h.person.id, "sessions": len(h.sessions),
                          "measurements": len(h.measurements)}):
        out.print(f"Imported {h.person.id}: {len(h.measurements)} measurements, "
                  f"{len(h.sessions)} sessions, {len(h.screenings)} screenings.")
