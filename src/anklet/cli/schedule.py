"""``anklet availability``, ``add-run`` and ``remove-run``: the minutes a person has and the runs
they plan.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from anklet.cli.common import (
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
from anklet.domain.errors import InputError, NotFoundError
from anklet.domain.history import (
    Availability,
    PlannedRun,
    RunKind,
)

if TYPE_CHECKING:
    from anklet.store.uow import UnitOfWork

commands = typer.Typer()
"""This module's commands; :mod:`anklet.cli.app` adds them to the ``anklet`` command."""


@commands.command("availability")
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
    from anklet.services import records

    a = build(Availability, mon=mon, tue=tue, wed=wed, thu=thu, fri=fri, sat=sat, sun=sun)
    with person_write(person) as uow:
        records.update_availability(uow, key=person, availability=a)
    if not emit(as_json, a.model_dump()):
        out.print("Availability set: " + ", ".join(f"{k} {v} min" for k, v in a.model_dump().items()))


@commands.command("add-run")
def add_run(
    person: PersonArg,
    date: Annotated[str, typer.Argument(help="YYYY-MM-DD")],
    kind: Annotated[RunKind, typer.Argument(help="easy, long, interval or race")],
    minutes: Annotated[int | None, typer.Option()] = None,
    title: Annotated[str | None, typer.Option()] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add a planned run; long, interval and race runs get gait drills before them."""
    from anklet.services import records

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
    from anklet.services import records

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
    from anklet.services import records

    wanted = [f"{kind.value + ' ' if kind else ''}run on {day.isoformat()}"]
    wanted += [f"{minutes} min"] if minutes is not None else []
    wanted += [title] if title else []
    e = NotFoundError("planned run", ", ".join(wanted))
    on_day = records.list_planned_runs(uow, key=person, date=day)
    e.args = (f"{e} " + ("That day has: " + "; ".join(records.run_text(r) for r in on_day)
                         + "." if on_day else "No run is planned that day.")
              + " Nothing was removed.",)
    return e


@commands.command("remove-run")
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
    from anklet.services import evaluation, records

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
