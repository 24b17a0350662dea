"""``anklet log`` and ``morning``: exercise sessions and next-morning pain.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from anklet.cli.common import (
    DateOpt,
    JsonOpt,
    PersonArg,
    build,
    ctx,
    emit,
    in_range,
    out,
    parse_date,
    person_write,
)
from anklet.domain.errors import InputError
from anklet.domain.history import (
    ExerciseLog,
    Session,
)

commands = typer.Typer()
"""This module's commands; :mod:`anklet.cli.app` adds them to the ``anklet`` command."""


_LOG_KEYS = {"side", "sets", "reps", "seconds", "load", "rounds"}


def parse_exercise_spec(spec: str) -> ExerciseLog:
    """``ID[,sets=3][,reps=10][,seconds=60][,load=20][,rounds=4][,side=left]``."""
    from pydantic import ValidationError

    from anklet.domain.history import problems_from

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


@commands.command("log")
def log_session(
    person: PersonArg,
    exercise: Annotated[list[str] | None, typer.Option(
        "--exercise", "-e", help="ID[,sets=3][,reps=10][,seconds=60][,load=20][,rounds=4]"
                                 "[,side=left]; repeat for each exercise.")] = None,
    planned: Annotated[bool, typer.Option(
        "--planned", help="Log the exercises planned for that day, at the planned dose.")] = False,
    rpe: Annotated[int | None, typer.Option(help="Effort 0–10.")] = None,
    pain_before: Annotated[int | None, typer.Option(help="Pain before, 0–10.")] = None,
    pain_during: Annotated[int | None, typer.Option(
        help="Highest pain during, 0–10 (0 = none). Needed: it decides whether the dose "
             "steps up, so it is never taken as 0.")] = None,
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
    from anklet.services import evaluation, records

    d = parse_date(date)
    for name, v in (("rpe", rpe), ("pain-before", pain_before), ("pain-during", pain_during),
                    ("pain-next-morning", pain_next_morning)):
        in_range(name, v)
    if pain_during is None:
        raise InputError("pain-during", None, "the highest pain during the session, 0–10 "
                         "(0 = none): it decides whether the dose steps up, so Anklet never "
                         "assumes it; add --pain-during N")
    logs = [parse_exercise_spec(s) for s in exercise or []]
    c = ctx()
    with person_write(person) as uow:
        if planned:
            ev = evaluation.get(uow, key=person, protocol=c.protocol, library=c.library,
                                as_of=d, save=False)
            day = next(x for x in ev.plan.days if x.date == d)
            if ev.plan.refused:
                raise InputError("planned", d.isoformat(), f"a day with a plan ({ev.plan.refused})")
            logs += [ExerciseLog(exercise_id=i.exercise.id,
                                 **i.prescribed(ev.plan.dose_level).as_dict())
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


@commands.command("morning")
def morning(
    person: PersonArg,
    pain: Annotated[int, typer.Argument(help="Pain this morning, 0–10.")],
    session_date: Annotated[str | None, typer.Option(
        help="Date of the session it follows (default: yesterday).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add next-morning pain to yesterday's (or a given day's) session."""
    from anklet.services import records

    d = (parse_date(session_date, "session-date") if session_date
         else dt.date.today() - dt.timedelta(days=1))
    in_range("pain", pain)
    with person_write(person) as uow:
        records.update_morning_pain(uow, key=person, date=d, pain=pain)
    if not emit(as_json, {"session": d.isoformat(), "pain_next_morning": pain}):
        out.print(f"Next-morning pain {pain}/10 added to the session of {d}.")
