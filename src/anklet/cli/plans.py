"""``anklet status``, ``override``, ``plan``, ``adherence``, ``evaluate`` and ``reevaluate``:
decisions and week plans.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from anklet.cli.common import (
    JsonOpt,
    PersonArg,
    build,
    ctx,
    emit,
    files_only,
    in_range,
    out,
    parse_date,
    profile_text,
    read_history,
    value_of,
)
from anklet.domain.errors import InputError
from anklet.domain.history import (
    FootObservation,
    History,
    Override,
)

commands = typer.Typer()
"""This module's commands; :mod:`anklet.cli.app` adds them to the ``anklet`` command."""


def _week(value: str | None) -> dt.date | None:
    return None if value is None else parse_date(value, "week")


@commands.command("status")
def status(
    person: PersonArg,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default today).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Current stage, the checklist for the next one, left/right, flags and reasons."""
    from anklet.cli import render
    from anklet.domain.change import changes, changes_dict
    from anklet.domain.views import decision_dict
    from anklet.services import evaluation

    c = ctx()
    with c.uow() as uow:  # the decision as `get` makes it, without the week plan it shows not
        ev = evaluation.refresh(uow, key=person, protocol=c.protocol, library=c.library,
                                as_of=parse_date(as_of, "as-of"), with_clearance=True)
        uow.commit()
    feet = latest_feet(ev.history)
    data = decision_dict(ev.decision, c.protocol)
    data["feet"] = {side: o.model_dump(mode="json", exclude_none=True) for side, o in feet.items()}
    found = changes(ev.history, c.protocol, ev.decision.as_of)
    data["changes"] = changes_dict(found)
    intake = ev.history.intake
    data["profile"] = None if intake is None else {
        "goal": value_of(intake.profile), "goal_given": intake.goal_type is not None,
        "age": intake.age_on(ev.decision.as_of), "sex": value_of(intake.sex),
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


@commands.command("override")
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
    from anklet.domain.decisions import override_text, stage_numbers_text
    from anklet.domain.views import decision_dict
    from anklet.services import evaluation, records

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


@commands.command("plan")
def plan(
    person: PersonArg,
    week: Annotated[str | None, typer.Option("--week", help="Any date in the week "
                                                            "(default: this week).")] = None,
    details: Annotated[bool, typer.Option("--details", help="Show how, cautions, why, and "
                                                           "easier/harder versions.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """The week's plan on the person's available days, around their runs."""
    from anklet.cli import render
    from anklet.domain.views import plan_dict
    from anklet.services import evaluation

    w = _week(week)
    start = None if w is None else w - dt.timedelta(days=w.weekday())
    as_of = dt.date.today() if start is None else max(min(dt.date.today(), start), start)
    c = ctx()
    with c.uow(write=False) as uow:
        ev = evaluation.get(uow, key=person, protocol=c.protocol, library=c.library,
                            as_of=as_of, week_start=start, save=False)
    if not emit(as_json, plan_dict(ev.plan, c.library)):
        render.plan(out, ev.plan, c.library, details=details)


@commands.command("adherence")
def adherence(
    person: PersonArg,
    week: Annotated[str | None, typer.Option("--week", help="Any date in the week "
                                                            "(default: this week).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Sessions done against the week's targets."""
    from anklet.cli import render
    from anklet.domain.views import adherence_dict
    from anklet.services import evaluation

    w = _week(week) or dt.date.today()
    start = w - dt.timedelta(days=w.weekday())
    c = ctx()
    with c.uow(write=False) as uow:
        _, a = evaluation.adherence(uow, key=person, protocol=c.protocol, library=c.library,
                                    week_start=start, as_of=min(dt.date.today(),
                                                                start + dt.timedelta(days=6)))
    if not emit(as_json, adherence_dict(a)):
        render.adherence(out, a)


@commands.command("evaluate")
def evaluate(
    file: Annotated[Path, typer.Argument(help="A history JSON document (see `anklet schema`).")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD (default today).")] = None,
    week: Annotated[str | None, typer.Option("--week", help="Plan the week holding this date "
                                                            "(default: the as-of week).")] = None,
    details: Annotated[bool, typer.Option("--details")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Decide and plan from a history document without storing anything."""
    from anklet.cli import render
    from anklet.domain.views import decision_dict, plan_dict
    from anklet.services import evaluation

    h = read_history(file)
    w = _week(week)
    c_protocol, c_library = files_only()
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

@commands.command("reevaluate")
def reevaluate(
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    workers: Annotated[int, typer.Option(
        help="Processes that read and decide in parallel (default: one per CPU).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Re-decide everyone in the database and store the results."""
    from anklet.services import evaluation

    in_range("workers", workers, 0, 64)
    c = ctx()
    with c.uow() as uow:
        n = evaluation.reevaluate_all(uow, protocol=c.protocol, library=c.library,
                                      as_of=parse_date(as_of, "as-of"),
                                      workers=workers or (os.cpu_count() or 1))
        uow.commit()
    if not emit(as_json, {"reevaluated": n}):
        out.print(f"Re-evaluated {n} people.")
