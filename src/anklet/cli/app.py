"""The ``anklet`` command: every command has ``--json``; bad input gets a clear
message and a non-zero exit, never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.markup import escape
from rich.table import Table

from anklet.cli import render
from anklet.domain.change import MeasureChange, changes, changes_dict, measure_changes
from anklet.domain.decisions import STATUS_TEXT, override_text, stage_numbers_text
from anklet.domain.errors import AnkletError, InputError, NotFoundError
from anklet.domain.exercises import (
    HEEL_WARNING,
    Category,
    Equipment,
    Plane,
    Region,
    as_public_dict,
)
from anklet.domain.history import (
    AGE_MAX,
    AGE_MIN,
    Activity,
    Availability,
    ExerciseLog,
    FootObservation,
    GoalType,
    History,
    Intake,
    Measurement,
    Override,
    Person,
    PlannedRun,
    RunKind,
    Screening,
    Session,
    Sex,
    SideHistory,
    Symptoms,
    check_day,
    history_json_schema,
    load_history_text,
    problems_from,
    whole_years,
)
from anklet.domain.measures import DEFAULT_METHOD, ArchShape, FootPosture, MeasureKind, Method
from anklet.domain.units import Side
from anklet.domain.views import adherence_dict, decision_dict, plan_dict
from anklet.services import evaluation, people, records
from anklet.services.context import Context, open_context
from anklet.settings import get_settings
from anklet.store.uow import UnitOfWork

app = typer.Typer(
    name="anklet",
    help="Assess, stage, plan and track ankle and foot mobility work.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = render.console()  # control characters in the data never reach the terminal
err = render.console(stderr=True)

M = TypeVar("M", bound=BaseModel)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
PersonArg = Annotated[str, typer.Argument(help="The person's id (see `anklet people`).")]
DateOpt = Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today).")]


class _State:
    db: str | None = None
    protocol: Path | None = None
    exercises: Path | None = None
    ctx: Context | None = None


state = _State()


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


def ctx() -> Context:
    if state.ctx is None:
        state.ctx = open_context(get_settings(database_url=state.db,
                                              protocol_file=state.protocol,
                                              exercises_file=state.exercises))
    return state.ctx


@contextmanager
def person_write(person: str) -> Iterator[UnitOfWork]:
    """The unit of work of a command that writes to one person's record. When the block ends
    without an error the person is decided again and stored in the same transaction, as the
    web app's writes are, and it commits: the coach's list and `anklet people` read the
    stored decision, and a flare or a red flag logged here would otherwise show only the
    next day. An error leaves nothing written."""
    c = ctx()
    with c.uow() as uow:
        yield uow
        evaluation.refresh(uow, key=person, protocol=c.protocol, library=c.library)
        uow.commit()


def _v(member: Any) -> Any:
    """An enum member's value (None stays None)."""
    return None if member is None else member.value


def emit(as_json: bool, data: Any) -> bool:
    """Print ``data`` as JSON when asked; returns whether it did."""
    if as_json:
        render.print_json(out, data)  # every character kept, escaped as JSON
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


# --- people ----------------------------------------------------------------------------


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


@app.command("add-person")
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


@app.command("intake")
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


@app.command("people")
def list_people(as_json: JsonOpt = False) -> None:
    """List everyone with their last decided stage and status."""
    c = ctx()
    with c.uow(write=False) as uow:
        rows = people.list(uow)
    today = dt.date.today()
    data = [{"id": r.key, "name": r.name, "created": r.created, "stage": r.stage,
             "status": r.status,
             "profile": {"goal": _v(r.profile), "age": r.age_on(today), "sex": _v(r.sex)}}
            for r in rows]
    if emit(as_json, data):
        return
    if not rows:
        out.print("No people yet. Add one with `anklet add-person`, or try `anklet demo`.")
        return
    t = Table(title="People")
    for col in ("Id", "Name", "Stage", "Status"):
        t.add_column(col)
    for r in rows:
        t.add_row(escape(r.key), escape(r.name), str(r.stage or "—"),
                  STATUS_TEXT.get(r.status, r.status) if r.status else "not evaluated yet")
    out.print(t)


@app.command("delete")
def delete_person(
    person: PersonArg,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: delete with all their data.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Delete a person and everything recorded about them."""
    if not yes:
        raise InputError("yes", False, "pass --yes to confirm deleting the person and all "
                                       "their data")
    c = ctx()
    with c.uow() as uow:
        people.delete(uow, key=person)
        uow.commit()
    if not emit(as_json, {"deleted": person}):
        out.print(f"Deleted {person} and all their data.")


@app.command("export")
def export(
    person: PersonArg,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="File to write (default: stdout).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The document is JSON already; "
                                          "with -o, print where it went as JSON.")] = False,
) -> None:
    """Write everything about a person as a history JSON document."""
    c = ctx()
    with c.uow(write=False) as uow:
        h = people.get(uow, key=person)
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


def _read_history(file: Path) -> Any:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("FILE", str(file), "an existing history JSON file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError("FILE", str(file), f"a readable UTF-8 JSON file ({e})") from None
    return load_history_text(text, source=str(file))


@app.command("import-history")
def import_history(
    file: Annotated[Path, typer.Argument(help="A history JSON document (see `anklet schema`).")],
    replace: Annotated[bool, typer.Option("--replace",
                                          help="Replace an existing person's data.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Read a history document (as written by `anklet export`) into the database."""
    h = _read_history(file)
    c = ctx()
    with c.uow() as uow:
        people.import_history(uow, history=h, protocol=c.protocol, library=c.library,
                              replace=replace, source=str(file))
        uow.commit()
    if not emit(as_json, {"imported": h.person.id, "sessions": len(h.sessions),
                          "measurements": len(h.measurements)}):
        out.print(f"Imported {h.person.id}: {len(h.measurements)} measurements, "
                  f"{len(h.sessions)} sessions, {len(h.screenings)} screenings.")


# --- assessment ----------------------------------------------------------------------------


@app.command("screen")
def screen(
    person: PersonArg,
    yes: Annotated[list[str] | None, typer.Option(
        "--yes", help="A red-flag id that IS present; repeat. See `anklet red-flags`.")] = None,
    none: Annotated[bool, typer.Option(
        "--none", help="Confirm that no other red flag is present.")] = False,
    left_pain_rest: Annotated[int, typer.Option(help="0–10")] = 0,
    left_pain_activity: Annotated[int, typer.Option(help="0–10")] = 0,
    left_swelling: Annotated[bool, typer.Option()] = False,
    left_giving_way: Annotated[bool, typer.Option(help="Ankle gives way / feels unstable.")] = False,
    right_pain_rest: Annotated[int, typer.Option(help="0–10")] = 0,
    right_pain_activity: Annotated[int, typer.Option(help="0–10")] = 0,
    right_swelling: Annotated[bool, typer.Option()] = False,
    right_giving_way: Annotated[bool, typer.Option()] = False,
    date: DateOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record current symptoms and the red-flag screen (asks each question if run interactively)."""
    c = ctx()
    present = set(yes or [])
    known = [f.id for f in c.protocol.red_flags]
    for f in present:
        if f not in known:
            raise InputError("yes", f, f"one of: {', '.join(known)}")
    if none or present == set(known):
        answers = {f: f in present for f in known}
    elif sys.stdin.isatty() and not as_json:
        answers = {}
        for flag in c.protocol.red_flags:
            answers[flag.id] = flag.id in present or typer.confirm(flag.question, default=False)
    else:
        raise InputError("red flags", "unanswered", "pass --none if no red flag is present, "
                         "with --yes ID for each one that is (see `anklet red-flags`)")
    s = build(Screening, date=parse_date(date), red_flags=answers,
              left=build(Symptoms, "left-", pain_rest=left_pain_rest, pain_activity=left_pain_activity,
                         swelling=left_swelling, giving_way=left_giving_way),
              right=build(Symptoms, "right-", pain_rest=right_pain_rest, pain_activity=right_pain_activity,
                          swelling=right_swelling, giving_way=right_giving_way))
    with person_write(person) as uow:
        records.create_screening(uow, key=person, screening=s, protocol=c.protocol)
    hits = [f for f, v in answers.items() if v]
    if emit(as_json, {"recorded": s.date.isoformat(), "red_flags": hits}):
        return
    if hits:
        out.print("[bold red]Red flag:[/] " + "; ".join(
            c.protocol.red_flag(h).question for h in hits if c.protocol.red_flag(h)))  # type: ignore[union-attr]
        out.print("[bold red]Please see a clinician first. Nothing will be prescribed until a "
                  "new screen is clear.[/]")
    else:
        out.print(f"Screen recorded for {person}: no red flags.")


@app.command("check-in")
def check_in(
    person: PersonArg,
    left_pain_rest: Annotated[int, typer.Option(help="Pain in the left ankle at rest, 0–10.")] = 0,
    right_pain_rest: Annotated[int, typer.Option(
        help="Pain in the right ankle at rest, 0–10.")] = 0,
    left_pain_activity: Annotated[int, typer.Option(
        help="Pain in the left ankle when active, 0–10.")] = 0,
    right_pain_activity: Annotated[int, typer.Option(
        help="Pain in the right ankle when active, 0–10.")] = 0,
    left_swelling: Annotated[bool, typer.Option(help="The left ankle is swollen.")] = False,
    right_swelling: Annotated[bool, typer.Option(help="The right ankle is swollen.")] = False,
    left_giving_way: Annotated[bool, typer.Option(
        help="The left ankle gave way since your last check.")] = False,
    right_giving_way: Annotated[bool, typer.Option(
        help="The right ankle gave way since your last check.")] = False,
    date: DateOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A quick symptom check (no red-flag questions): keeps your pain, swelling and
    giving-way answers current. Gates only trust answers from the last 14 days."""
    c = ctx()
    s = build(Screening, date=parse_date(date), kind="check_in",
              left=build(Symptoms, "left-", pain_rest=left_pain_rest,
                         pain_activity=left_pain_activity, swelling=left_swelling,
                         giving_way=left_giving_way),
              right=build(Symptoms, "right-", pain_rest=right_pain_rest,
                          pain_activity=right_pain_activity, swelling=right_swelling,
                          giving_way=right_giving_way))
    with person_write(person) as uow:
        records.create_screening(uow, key=person, screening=s, protocol=c.protocol)
    if emit(as_json, {"recorded": s.date.isoformat(), "kind": s.kind,
                      "left": s.left.model_dump(mode="json"),
                      "right": s.right.model_dump(mode="json")}):
        return
    out.print(f"Check-in recorded for {person} on {s.date.isoformat()}: "
              + "; ".join(f"{side} pain {sym.pain_rest} at rest, {sym.pain_activity} when "
                          f"active" + (", swollen" if sym.swelling else "")
                          + (", gave way" if sym.giving_way else "")
                          for side, sym in (("left", s.left), ("right", s.right))) + ".")


@app.command("red-flags")
def red_flags(as_json: JsonOpt = False) -> None:
    """List the red-flag questions and their ids."""
    c = ctx()
    data = [{"id": f.id, "question": f.question, "source": f.source} for f in c.protocol.red_flags]
    if emit(as_json, data):
        return
    t = Table(title="Red-flag questions (any yes: see a clinician first)")
    for col in ("Id", "Question", "Source"):
        t.add_column(col)
    for f in c.protocol.red_flags:
        t.add_row(f.id, f.question, f.source)
    out.print(t)


MEASURE_NAMES = {k.value.replace("_", "-"): k for k in MeasureKind} | {k.value: k for k in MeasureKind}


@app.command("measure")
def measure(
    person: PersonArg,
    kind: Annotated[str, typer.Argument(help="knee-to-wall (cm), lunge-angle (°), heel-raise "
                                             "(reps), balance-eyes-open / balance-eyes-closed "
                                             "(s), y-balance-anterior (cm), side-hop (s), "
                                             "single-leg-hop (hops done, of 10)")],
    left: Annotated[float | None, typer.Option("--left", help="Left side value.")] = None,
    right: Annotated[float | None, typer.Option("--right", help="Right side value.")] = None,
    left_pain: Annotated[int | None, typer.Option(help="Pain during the left test, 0–10.")] = None,
    right_pain: Annotated[int | None, typer.Option(help="Pain during the right test, 0–10.")] = None,
    method: Annotated[Method | None, typer.Option(help="How it was measured.")] = None,
    leg_length: Annotated[float | None, typer.Option(
        help="Leg length in cm (Y-balance only), to normalise the reach.")] = None,
    rater: Annotated[str | None, typer.Option(help="Who measured (for measurement error).")] = None,
    date: DateOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a test for one or both sides."""
    k = MEASURE_NAMES.get(kind)
    if k is None:
        raise InputError("kind", kind, "one of: " + ", ".join(x.value.replace("_", "-")
                                                              for x in MeasureKind))
    if left is None and right is None:
        raise InputError("left/right", None, "a value for --left, --right or both")
    d = parse_date(date)
    items = []
    for side, value, pain in ((Side.LEFT, left, left_pain), (Side.RIGHT, right, right_pain)):
        if value is None:
            continue
        in_range(f"{side.value}-pain", pain)
        try:
            items.append(build(Measurement, date=d, side=side, kind=k, value=value,
                               method=method or DEFAULT_METHOD[k],
                               pain=pain, leg_length_cm=leg_length, rater=rater))
        except InputError as e:
            if e.field != "value":  # e.g. leg-length, method: the field names itself
                raise
            raise InputError(side.value, value, e.accepted) from None
    with person_write(person) as uow:
        for m in items:
            records.create_measurement(uow, key=person, measurement=m)
    retests = _retest_changes(person, k, d, {m.side for m in items})
    if not emit(as_json, {"recorded": [m.model_dump(mode="json", exclude_none=True)
                                       for m in items], "changes": changes_dict(retests)}):
        out.print(f"Recorded {k.value.replace('_', ' ')} for {person}: "
                  + ", ".join(f"{m.side.value} {m.value:g}" + (
                      f" ({m.normalised_reach:.0f}% of leg length)" if m.normalised_reach else "")
                              for m in items) + f" (method: {items[0].method})")
        render.change_lines(out, retests)


def _retest_changes(person: str, kind: MeasureKind, day: dt.date,
                    sides: set[Side]) -> list[MeasureChange]:
    """The change of each side just re-tested (a first test has none), read back after
    the write so it compares with everything on record."""
    c = ctx()
    with c.uow(write=False) as uow:
        h = uow.people.get(person)
    return [x for x in measure_changes(h, c.protocol, day, kinds=[kind])
            if x.side in sides and not x.first and x.date == day]


@app.command("observe-foot")
def observe_foot(
    person: PersonArg,
    side: Annotated[Side, typer.Option("--side")],
    posture: Annotated[FootPosture, typer.Option(help="pronated, neutral or supinated")],
    arch: Annotated[ArchShape, typer.Option(help="collapsed, typical or high")],
    notes: Annotated[str | None, typer.Option()] = None,
    date: DateOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record how a foot looks — observed, not judged."""
    o = build(FootObservation, date=parse_date(date), side=side, posture=posture, arch=arch,
              notes=notes)
    with person_write(person) as uow:
        records.create_foot_observation(uow, key=person, observation=o)
    if not emit(as_json, {"recorded": o.model_dump(mode="json", exclude_none=True)}):
        out.print(f"Recorded the {side.value} foot: {posture.value}, arch {arch.value}.")


# --- availability and runs ------------------------------------------------------------------


@app.command("availability")
def availability(
    person: PersonArg,
    mon: Annotated[int, typer.Option(help="Free minutes on Mondays.")] = 0,
    tue: Annotated[int, typer.Option()] = 0,
    wed: Annotated[int, typer.Option()] = 0,
    thu: Annotated[int, typer.Option()] = 0,
    fri: Annotated[int, typer.Option()] = 0,
    sat: Annotated[int, typer.Option()] = 0,
    sun: Annotated[int, typer.Option()] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Set the minutes the person can give on each weekday."""
    a = build(Availability, mon=mon, tue=tue, wed=wed, thu=thu, fri=fri, sat=sat, sun=sun)
    with person_write(person) as uow:
        records.update_availability(uow, key=person, availability=a)
    if not emit(as_json, a.model_dump()):
        out.print("Availability set: " + ", ".join(f"{k} {v} min" for k, v in a.model_dump().items()))


@app.command("add-run")
def add_run(
    person: PersonArg,
    date: Annotated[str, typer.Argument(help="YYYY-MM-DD")],
    kind: Annotated[RunKind, typer.Argument(help="easy, long, interval or race")],
    minutes: Annotated[int | None, typer.Option()] = None,
    title: Annotated[str | None, typer.Option()] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a planned run; long, interval and race runs get gait drills before them."""
    r = build(PlannedRun, date=parse_date(date), kind=kind, minutes=minutes, title=title)
    with person_write(person) as uow:
        records.create_planned_run(uow, key=person, run=r)
    if not emit(as_json, r.model_dump(mode="json", exclude_none=True)):
        out.print(f"Planned a {kind.value} run on {r.date}.")


_RUN_DETAILS = (("kind", "--kind"), ("minutes", "--minutes"), ("title", "--title"))


def _alike(run: PlannedRun) -> tuple[object, ...]:
    """What tells runs of one day apart, as remove-run compares them (titles without case)."""
    return run.kind, run.minutes, " ".join((run.title or "").split()).casefold()


def _run_choice(day: dt.date, runs: list[PlannedRun]) -> InputError:
    """The error for a removal that matches several different runs: each of them, and the
    option(s) that tell them apart."""
    distinct = list({_alike(r): r for r in reversed(runs)}.values())[::-1]
    differ = [(i, opt) for i, (_, opt) in enumerate(_RUN_DETAILS)
              if len({_alike(r)[i] for r in distinct}) > 1]
    opts = [opt for _, opt in differ]
    which = opts[0] if len(opts) == 1 else f"{', '.join(opts[:-1])} or {opts[-1]}"
    lines = [f"{len(distinct)} different runs on {day.isoformat()} match; nothing was removed. "
             f"Say which with {which}:"]
    lines += [f"  - {records.run_text(r)}" for r in distinct]
    if any(_alike(r)[i] in (None, "") for r in distinct for i, _ in differ):
        lines.append("To pick one without minutes or a title, give what it has and add --exact.")
    return InputError("date", day.isoformat(), f"a day where one run matches; say which with "
                      f"{which} ({'; '.join(records.run_text(r) for r in distinct)})",
                      message="\n".join(lines))


def _not_planned(uow: UnitOfWork, person: str, day: dt.date, kind: RunKind | None,
                 minutes: int | None, title: str | None) -> NotFoundError:
    """The error for a removal that matches no run, naming the runs that day does have."""
    wanted = [f"{kind.value + ' ' if kind else ''}run on {day.isoformat()}"]
    wanted += [f"{minutes} min"] if minutes is not None else []
    wanted += [title] if title else []
    e = NotFoundError("planned run", ", ".join(wanted))
    on_day = records.list_planned_runs(uow, key=person, date=day)
    e.args = (f"{e} " + ("That day has: " + "; ".join(records.run_text(r) for r in on_day)
                         + "." if on_day else "No run is planned that day.")
              + " Nothing was removed.",)
    return e


@app.command("remove-run")
def remove_run(
    person: PersonArg,
    date: Annotated[str, typer.Option("--date", help="The run's date, YYYY-MM-DD.")],
    kind: Annotated[RunKind | None, typer.Option(
        help="easy, long, interval or race (when that day has runs of two kinds).")] = None,
    minutes: Annotated[int | None, typer.Option(help="The run's planned minutes.")] = None,
    title: Annotated[str | None, typer.Option(help="The run's title (any case).")] = None,
    exact: Annotated[bool, typer.Option(
        "--exact", help="Match only a run with no minutes or title beyond those given.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Remove a planned run (a wrong date, a cancelled race); its gait drills leave the plan."""
    d = parse_date(date)
    in_range("minutes", minutes, 1, 1440)
    c = ctx()
    with c.uow() as uow:
        found = records.list_planned_runs(uow, key=person, date=d, kind=kind, minutes=minutes,
                                          title=title, exact=exact)
        if not found:
            raise _not_planned(uow, person, d, kind, minutes, title)
        if len({_alike(r) for r in found}) > 1:
            raise _run_choice(d, found)
        run = found[0]  # the oldest of those alike
        records.delete_planned_run(uow, key=person, run=run)
        now = evaluation.refresh(uow, key=person, protocol=c.protocol, library=c.library)
        uow.commit()
    alike_left = len(found) - 1
    if emit(as_json, {"removed": run.model_dump(mode="json", exclude_none=True),
                      "alike_still_planned": alike_left}):
        return
    out.print(f"Removed the {escape(records.run_text(run))}.", highlight=False, soft_wrap=True)
    if alike_left:
        out.print(f"It was planned {alike_left + 1} times that day: {alike_left} still planned.",
                  highlight=False)
    elif records.gait_prep_dropped(run, history=now.history, decision=now.decision,
                                   protocol=c.protocol):
        out.print(f"Its gait drills are out of the plan for {d:%a %-d %b}.", highlight=False)


# --- logging ------------------------------------------------------------------------------

_LOG_KEYS = {"side", "sets", "reps", "seconds", "load", "rounds"}


def parse_exercise_spec(spec: str) -> ExerciseLog:
    """``ID[,sets=3][,reps=10][,seconds=60][,load=20][,rounds=4][,side=left]``."""
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if not parts:
        raise InputError("exercise", spec, "an exercise id, optionally followed by ,sets=N etc.")
    data: dict[str, Any] = {"exercise_id": parts[0]}
    for p in parts[1:]:
        key, sep, raw = p.partition("=")
        if not sep or key not in _LOG_KEYS:
            raise InputError("exercise", spec, f"ID followed by key=value pairs with keys "
                                               f"{', '.join(sorted(_LOG_KEYS))}")
        data["load_kg" if key == "load" else key] = raw
    try:
        return ExerciseLog.model_validate(data)
    except ValidationError as e:
        field, value, accepted = problems_from(e)[0]
        raise InputError(f"exercise {parts[0]} {field}", value, accepted) from e


@app.command("log")
def log_session(
    person: PersonArg,
    exercise: Annotated[list[str] | None, typer.Option(
        "--exercise", "-e", help="ID[,sets=3][,reps=10][,seconds=60][,load=20][,rounds=4]"
                                 "[,side=left]; repeat for each exercise.")] = None,
    planned: Annotated[bool, typer.Option(
        "--planned", help="Log the exercises planned for that day, at the planned dose.")] = False,
    rpe: Annotated[int | None, typer.Option(help="Effort 0–10.")] = None,
    pain_before: Annotated[int | None, typer.Option(help="Pain before, 0–10.")] = None,
    pain_during: Annotated[int, typer.Option(help="Highest pain during, 0–10.")] = 0,
    pain_next_morning: Annotated[int | None, typer.Option(
        help="Pain the next morning, 0–10 (or add later with `anklet morning`).")] = None,
    notes: Annotated[str | None, typer.Option()] = None,
    gait_off: Annotated[bool, typer.Option(
        "--gait-off", help="Your walking or running felt off today: the plan adds a short "
                           "gait check.")] = False,
    date: DateOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log a session: exercises done, effort, and pain during and next morning."""
    d = parse_date(date)
    for name, v in (("rpe", rpe), ("pain-before", pain_before), ("pain-during", pain_during),
                    ("pain-next-morning", pain_next_morning)):
        in_range(name, v)
    logs = [parse_exercise_spec(s) for s in exercise or []]
    c = ctx()
    with person_write(person) as uow:
        if planned:
            ev = evaluation.get(uow, key=person, protocol=c.protocol, library=c.library,
                                as_of=d, save=False)
            day = next(x for x in ev.plan.days if x.date == d)
            if ev.plan.refused:
                raise InputError("planned", d.isoformat(), f"a day with a plan ({ev.plan.refused})")
            logs += [ExerciseLog(exercise_id=i.exercise.id, **i.exercise.dose.scaled(ev.plan.dose_level))
                     for b in day.blocks for i in b.items]
        if not logs and planned:
            raise InputError("planned", d.isoformat(), "a day with exercises in the plan "
                             "(nothing is planned that day; name them with --exercise)")
        if not logs:
            raise InputError("exercise", None, "at least one --exercise, or --planned")
        s = build(Session, date=d, exercises=logs, rpe=rpe, pain_before=pain_before,
                  pain_during=pain_during, pain_next_morning=pain_next_morning, notes=notes,
                  gait_off=gait_off)
        records.create_session(uow, key=person, session=s, library=c.library)
        early = records.before_first_screen(uow.people.get(person), d)
    if not emit(as_json, s.model_dump(mode="json", exclude_none=True)):
        out.print(f"Logged {len(s.exercises)} exercise(s) for {person} on {d}.")
        if early:
            out.print(early, markup=False)
        if s.gait_off:
            out.print("Noted that your walking or running felt off today.")
        if s.pain_during > c.protocol.pain_monitoring.acceptable_max.value:
            out.print("[red]That is more pain than the plan allows. The dose will drop; "
                      "check `anklet status`.[/]")


@app.command("morning")
def morning(
    person: PersonArg,
    pain: Annotated[int, typer.Argument(help="Pain this morning, 0–10.")],
    session_date: Annotated[str | None, typer.Option(
        help="Date of the session it follows (default: yesterday).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add next-morning pain to yesterday's (or a given day's) session."""
    d = (parse_date(session_date, "session-date") if session_date
         else dt.date.today() - dt.timedelta(days=1))
    in_range("pain", pain)
    with person_write(person) as uow:
        records.update_morning_pain(uow, key=person, date=d, pain=pain)
    if not emit(as_json, {"session": d.isoformat(), "pain_next_morning": pain}):
        out.print(f"Next-morning pain {pain}/10 added to the session of {d}.")


# --- decisions and plans ---------------------------------------------------------------------


def _week(value: str | None) -> dt.date | None:
    return None if value is None else parse_date(value, "week")


@app.command("status")
def status(
    person: PersonArg,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default today).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Current stage, the checklist for the next one, left/right, flags and reasons."""
    c = ctx()
    with c.uow() as uow:
        ev = evaluation.get(uow, key=person, protocol=c.protocol, library=c.library,
                            as_of=parse_date(as_of, "as-of"))
        uow.commit()
    feet = latest_feet(ev.history)
    data = decision_dict(ev.decision, c.protocol)
    data["feet"] = {side: o.model_dump(mode="json", exclude_none=True) for side, o in feet.items()}
    found = changes(ev.history, c.protocol, ev.decision.as_of)
    data["changes"] = changes_dict(found)
    intake = ev.history.intake
    data["profile"] = None if intake is None else {
        "goal": _v(intake.profile), "goal_given": intake.goal_type is not None,
        "age": intake.age_on(ev.decision.as_of), "sex": _v(intake.sex),
        "falls_12m": intake.falls_12m, "fear_of_falling": intake.fear_of_falling}
    if not emit(as_json, data):
        shown = profile_text(intake, ev.decision.as_of)
        if shown:
            out.print(f"Profile: {escape(shown)}", highlight=False)
        render.decision(out, ev.decision, c.protocol)
        render.changes(out, found)
        if feet:
            out.print("[dim]Feet (observed, not judged):[/] " + "; ".join(
                f"{side} {o.posture.value}, arch {o.arch.value} ({o.date})"
                for side, o in feet.items()), highlight=False)


@app.command("override")
def override(
    person: PersonArg,
    stage: Annotated[int, typer.Option("--stage", help="The stage to put the person in.")],
    reason: Annotated[str, typer.Option("--reason", help="Why, in words (3–1000 characters).")],
    date: Annotated[str | None, typer.Option(
        "--date", help="From when, YYYY-MM-DD (default: today).")] = None,
    by: Annotated[str, typer.Option("--by", help="Who decided (a name or email).")] = "cli",
    as_json: JsonOpt = False,
) -> None:
    """Put a person in a stage by hand, with the reason; the rules go on from there."""
    d = parse_date(date)
    c = ctx()
    if stage not in {s.number for s in c.protocol.stages}:
        raise InputError("stage", stage, stage_numbers_text(c.protocol))
    low, high = records.REASON_CHARS
    if not low <= len(reason.strip()) <= high:
        raise InputError("reason", reason, f"accepted: {low} to {high} characters saying why")
    o = build(Override, date=d, stage=stage, reason=reason.strip(), by=by.strip())
    with c.uow() as uow:
        records.create_override(uow, key=person, override=o, protocol=c.protocol, actor=o.by)
        ev = evaluation.get(uow, key=person, protocol=c.protocol, library=c.library, save=True)
        uow.commit()
    dec = ev.decision
    in_effect = dec.override == o
    if emit(as_json, {"override": o.model_dump(mode="json"), "in_effect": in_effect,
                      "decision": decision_dict(dec, c.protocol)}):
        return
    out.print(f"Stored: {escape(override_text(o, c.protocol))}", highlight=False, soft_wrap=True)
    now = (f"stage {dec.stage} ({dec.stage_name}) · " if dec.stage is not None else "")
    out.print(f"{person} now: {now}{dec.status_text}.", highlight=False)
    last = dec.timeline[-1] if dec.timeline else None
    if in_effect:
        out.print("Set by hand; the rules take over again from here (a flare can still step "
                  "back, and moving up still goes through the checklist).", highlight=False,
                  soft_wrap=True)
    elif o.date > dec.as_of:
        out.print(f"It takes effect on {o.date.isoformat()}.", highlight=False)
    elif last is not None:
        out.print(f"The rules have moved the stage since then ({last.date.isoformat()}: "
                  f"{escape(last.reason)})", highlight=False, soft_wrap=True)
    else:
        out.print("It takes effect once the red-flag screen is answered "
                  f"(`anklet screen {person}`).", highlight=False, soft_wrap=True)


def latest_feet(h: History) -> dict[str, FootObservation]:
    """The latest foot observation of each side."""
    return {o.side.value: o for o in h.foot_observations}  # sorted by date: the last wins


@app.command("plan")
def plan(
    person: PersonArg,
    week: Annotated[str | None, typer.Option("--week", help="Any date in the week "
                                                            "(default: this week).")] = None,
    details: Annotated[bool, typer.Option("--details", help="Show how, cautions, why, and "
                                                           "easier/harder versions.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """The week's plan on the person's available days, around their runs."""
    w = _week(week)
    start = None if w is None else w - dt.timedelta(days=w.weekday())
    as_of = dt.date.today() if start is None else max(min(dt.date.today(), start), start)
    c = ctx()
    with c.uow(write=False) as uow:
        ev = evaluation.get(uow, key=person, protocol=c.protocol, library=c.library,
                            as_of=as_of, week_start=start, save=False)
    if not emit(as_json, plan_dict(ev.plan, c.library)):
        render.plan(out, ev.plan, c.library, details=details)


@app.command("adherence")
def adherence(
    person: PersonArg,
    week: Annotated[str | None, typer.Option("--week", help="Any date in the week "
                                                            "(default: this week).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Sessions done against the week's targets."""
    w = _week(week) or dt.date.today()
    start = w - dt.timedelta(days=w.weekday())
    c = ctx()
    with c.uow(write=False) as uow:
        _, a = evaluation.adherence(uow, key=person, protocol=c.protocol, library=c.library,
                                    week_start=start, as_of=min(dt.date.today(),
                                                                start + dt.timedelta(days=6)))
    if not emit(as_json, adherence_dict(a)):
        render.adherence(out, a)


@app.command("evaluate")
def evaluate(
    file: Annotated[Path, typer.Argument(help="A history JSON document (see `anklet schema`).")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default today).")] = None,
    week: Annotated[str | None, typer.Option("--week", help="Plan the week holding this date "
                                                            "(default: the as-of week).")] = None,
    details: Annotated[bool, typer.Option("--details")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Decide and plan from a history document without storing anything."""
    h = _read_history(file)
    w = _week(week)
    c_protocol, c_library = _files_only()
    ev = evaluation.evaluate(history=h, protocol=c_protocol, library=c_library,
                             as_of=parse_date(as_of, "as-of"),
                             week_start=None if w is None else w - dt.timedelta(days=w.weekday()),
                             source=str(file))
    if emit(as_json, {"decision": decision_dict(ev.decision, c_protocol),
                      "plan": plan_dict(ev.plan, c_library)}):
        return
    render.decision(out, ev.decision, c_protocol)
    out.print()
    render.plan(out, ev.plan, c_library, details=details)


def _files_only() -> tuple[Any, Any]:
    """Protocol and library without opening a database (for stateless commands)."""
    from anklet.domain.exercises import load_library
    from anklet.domain.protocol import load_protocol

    s = get_settings(protocol_file=state.protocol, exercises_file=state.exercises)
    return load_protocol(s.protocol_file), load_library(s.exercises_file)


@app.command("reevaluate")
def reevaluate(
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    workers: Annotated[int, typer.Option(
        help="Processes that read and decide in parallel (default: one per CPU).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Re-decide everyone in the database and store the results."""
    in_range("workers", workers, 0, 64)
    c = ctx()
    with c.uow() as uow:
        n = evaluation.reevaluate_all(uow, protocol=c.protocol, library=c.library,
                                      as_of=parse_date(as_of, "as-of"),
                                      workers=workers or (os.cpu_count() or 1))
        uow.commit()
    if not emit(as_json, {"reevaluated": n}):
        out.print(f"Re-evaluated {n} people.")


# --- library and misc -------------------------------------------------------------------------


@app.command("exercises")
def exercises(
    stage: Annotated[int | None, typer.Option(help="1–4")] = None,
    category: Annotated[Category | None, typer.Option()] = None,
    region: Annotated[Region | None, typer.Option()] = None,
    plane: Annotated[Plane | None, typer.Option()] = None,
    equipment: Annotated[Equipment | None, typer.Option()] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the exercise library, filtered by stage, category, region, plane or equipment."""
    in_range("stage", stage, 1, 4)
    _, lib = _files_only()
    found = lib.query(stage=stage, category=category, region=region, plane=plane,
                      equipment=equipment)
    if emit(as_json, [as_public_dict(e) for e in found]):
        return
    t = Table(title=f"{len(found)} exercises")
    for col in ("Id", "Name", "Stages", "Category", "Region", "Planes", "Equipment"):
        t.add_column(col)
    for e in found:
        t.add_row(e.id, e.name, ",".join(map(str, e.stages)), e.category.value, e.region.value,
                  ",".join(p.value for p in e.planes), ",".join(q.value for q in e.equipment))
    out.print(t)
    if any(e.category is Category.FOOT_RELEASE for e in found):
        out.print(f"[yellow]Foot release: {HEEL_WARNING}[/]")
    out.print("[dim]Details, cautions and easier/harder versions: anklet exercise ID[/]")


@app.command("exercise")
def exercise(
    exercise_id: Annotated[str, typer.Argument(help="An id from `anklet exercises`.")],
    as_json: JsonOpt = False,
) -> None:
    """How to do one exercise, its cautions, why, and easier/harder versions."""
    _, lib = _files_only()
    e = lib.get(exercise_id)
    if not emit(as_json, as_public_dict(e)):
        render.exercise(out, e, lib)


@app.command("schema")
def schema(
    as_json: Annotated[bool, typer.Option("--json", help="The schema is JSON already.")] = False,
) -> None:
    """Print the JSON Schema of the history document."""
    sys.stdout.write(json.dumps(history_json_schema(), indent=2, ensure_ascii=False) + "\n")


@app.command("where")
def where(as_json: JsonOpt = False) -> None:
    """Show which database is in use."""
    from anklet.store.db import describe_url, make_engine

    url = get_settings(database_url=state.db).database_url
    make_engine(url).dispose()  # a URL that cannot be used is an error here too
    if not emit(as_json, {"database": describe_url(url)}):
        out.print(escape(describe_url(url)), soft_wrap=True)  # a path is never cut in two


@app.command("demo")
def demo(
    if_empty: Annotated[bool, typer.Option("--if-empty",
                                           help="Only when the database has nobody yet.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create sample people with weeks of history at different stages."""
    from anklet.services import demo as demo_service

    c = ctx()
    with c.uow() as uow:
        if if_empty and people.list(uow):
            created: list[str] = []
        else:
            created = demo_service.create(uow, protocol=c.protocol, library=c.library,
                                          today=dt.date.today())
            evaluation.reevaluate_all(uow, protocol=c.protocol, library=c.library)
        uow.commit()
    if emit(as_json, {"created": created}):
        return
    if created:
        out.print(f"Created {len(created)} demo people: {', '.join(created)}.")
    else:
        out.print("The database already has people; no demo data added.")


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


# Commands kept in their own modules register themselves on `app` when imported.
import anklet.cli.activities  # noqa: E402, F401  (import, runs)
from anklet.cli import photo as _photo  # noqa: E402, F401  (measure-photo)
from anklet.cli import questionnaires as _questionnaires  # noqa: E402, F401  (questionnaire, scores)
from anklet.cli import web as _web  # noqa: E402, F401  (serve, account)
