"""``anklet screen``, ``check-in``, ``red-flags``, ``measure`` and ``observe-foot``: the red-flag
screen, symptoms and tests.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

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
    FootObservation,
    Measurement,
    Screening,
    Symptoms,
)
from anklet.domain.measures import DEFAULT_METHOD, ArchShape, FootPosture, MeasureKind, Method
from anklet.domain.units import Side

if TYPE_CHECKING:
    from anklet.domain.change import MeasureChange

commands = typer.Typer()
"""This module's commands; :mod:`anklet.cli.app` adds them to the ``anklet`` command."""


@commands.command("screen")
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
    from anklet.services import records

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


@commands.command("check-in")
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
    from anklet.services import records

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


@commands.command("red-flags")
def red_flags(as_json: JsonOpt = False) -> None:
    """List the red-flag questions and their ids."""
    c = ctx()
    data = [{"id": f.id, "question": f.question, "source": f.source} for f in c.protocol.red_flags]
    if emit(as_json, data):
        return
    t = Table(title="Red-flag questions (any yes: see a clinician first)")
    for col in ("Id", "Question", "Source"):
        t.add_column(col, overflow="fold")  # a narrow terminal wraps an id, never cuts it
    for f in c.protocol.red_flags:
        t.add_row(f.id, f.question, f.source)
    out.print(t)


MEASURE_NAMES = {k.value.replace("_", "-"): k for k in MeasureKind} | {k.value: k for k in MeasureKind}


@commands.command("measure")
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
    from anklet.cli import render
    from anklet.domain.change import changes_dict
    from anklet.services import records

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
    from anklet.domain.change import measure_changes

    c = ctx()
    with c.uow(write=False) as uow:
        h = uow.people.get(person)
    return [x for x in measure_changes(h, c.protocol, day, kinds=[kind])
            if x.side in sides and not x.first and x.date == day]


@commands.command("observe-foot")
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
    from anklet.services import records

    o = build(FootObservation, date=parse_date(date), side=side, posture=posture, arch=arch,
              notes=notes)
    with person_write(person) as uow:
        records.create_foot_observation(uow, key=person, observation=o)
    if not emit(as_json, {"recorded": o.model_dump(mode="json", exclude_none=True)}):
        out.print(f"Recorded the {side.value} foot: {posture.value}, arch {arch.value}.")
