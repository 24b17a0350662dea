"""``anklet import`` and ``anklet runs``: watch, workout and calendar files in, runs out.

Added to the ``anklet`` command by :mod:`anklet.cli.app`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from anklet.cli.common import JsonOpt, PersonArg, ctx, emit, out, parse_date, person_write
from anklet.domain.errors import InputError
from anklet.domain.history import RecordedActivity, Sport

if TYPE_CHECKING:  # the importers and the database are imported when a command runs
    from anklet.domain.runs import CadenceTrend, RunTags
    from anklet.services import activities

commands = typer.Typer()
"""This module's commands; :mod:`anklet.cli.app` adds them to the ``anklet`` command."""

EXIT_SOME_FAILED = 2
EXIT_INTERRUPTED = 130


def activity_dict(a: RecordedActivity, tags: RunTags | None = None) -> dict[str, Any]:
    """A recorded activity for ``--json``: the stored fields, its local date and its tags."""
    data: dict[str, Any] = a.model_dump(mode="json", exclude_none=True)
    data["date"] = a.date.isoformat()
    data["minutes"] = round(a.minutes, 1)
    if tags is not None:
        data["long"] = tags.long
        data["interval"] = tags.interval
        data["long_threshold_min"] = round(tags.long_threshold_min, 1)
        data["why"] = tags.why
    return data


def trend_dict(t: CadenceTrend) -> dict[str, Any]:
    return {"status": t.status, "runs": t.runs, "change_pct": t.change_pct,
            "slope_spm_per_week": None if t.slope_spm_per_week is None
            else round(t.slope_spm_per_week, 2),
            "first": t.first, "last": t.last, "threshold_pct": t.threshold_pct, "text": t.text}


_STYLE = {"imported": "green", "duplicate": "cyan", "skipped": "yellow",
          "refused": "bold red"}


def _summary(reports: list[activities.FileReport]) -> dict[str, int]:
    from anklet.services import activities

    return {s: sum(r.status == s for r in reports) for s in activities.STATUSES}


def _summary_line(counts: dict[str, int]) -> str:
    dup = counts["duplicate"]
    return (f"{counts['imported']} imported, {dup} duplicate{'' if dup == 1 else 's'}, "
            f"{counts['skipped']} skipped, {counts['refused']} refused.")


@commands.command("import")
def import_files(
    paths: Annotated[list[Path], typer.Argument(
        help="FIT, GPX, TCX or ICS files (or .gz of them), or zip archives of them: a "
             "Strava bulk export, a Garmin export.")],
    person: Annotated[str, typer.Option("--person", "-p",
                                        help="The person's id (see `anklet people`).")],
    workout_date: Annotated[str | None, typer.Option(
        "--workout-date", help="Plan FIT workouts on this date, YYYY-MM-DD (workout files "
                               "carry none; default: today).")] = None,
    sport: Annotated[Sport | None, typer.Option(
        "--sport", help="Sport of files that name none (GPX without a type, TCX 'Other', a "
                        "FIT workout); "
                        "a Strava export's own list of activities goes first.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import recorded activities (FIT, GPX, TCX), FIT workouts and calendar runs (ICS).

    Zip archives are opened, zips inside them too (a Garmin export), and gzip files
    unpacked; a Strava export's activities.csv names the activities and their sports.
    The same file is stored once (a duplicate); a broken file is refused and stores
    nothing while the others are imported. Each file is saved as soon as it is read, so an
    import that is stopped keeps what it had done: run it again to add the rest. A bar
    shows the progress in a terminal. Exits 2 when any file was refused."""
    from anklet.importers import ImportOptions, read_paths
    from anklet.services import activities

    options = ImportOptions(workout_date=parse_date(workout_date, "workout-date"), sport=sport)
    reports: list[activities.FileReport] = []

    def show(r: activities.FileReport) -> None:
        note = f" [dim]({escape('; '.join(r.notes))})[/]" if r.notes else ""
        out.print(f"[{_STYLE[r.status]}]{r.status}[/] {escape(r.file)}: "
                  f"{escape(r.message)}{note}", soft_wrap=True, highlight=False)

    def run(found: Callable[[int], None] | None = None,
            done: Callable[[activities.FileReport], None] | None = None) -> None:
        def report(r: activities.FileReport) -> None:
            reports.append(r)
            if not as_json:
                show(r)
            if done is not None:
                done(r)

        activities.create(uow, key=person, sources=read_paths(paths, found=found),
                          options=options, on_report=report)

    interrupted = False
    with person_write(person) as uow:
        try:
            if as_json or not out.is_terminal:
                run()
            else:
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeElapsedColumn,
                )

                with Progress(TextColumn("Importing"), BarColumn(), MofNCompleteColumn(),
                              TimeElapsedColumn(), TextColumn("[dim]{task.description}"),
                              console=out, transient=True) as bar:
                    task = bar.add_task("", total=len(paths))

                    def found(n: int) -> None:
                        bar.update(task, total=(bar.tasks[0].total or 0) + n)

                    def done(r: activities.FileReport) -> None:
                        name = r.file.replace("\\", "/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
                        bar.update(task, advance=1, description=escape(name[:40]))

                    run(found, done)
        except KeyboardInterrupt:
            interrupted = True  # what was stored is kept; the person is decided again
    counts = _summary(reports)
    data = {"person": person, **counts, "interrupted": interrupted, "files": [
        {"file": r.file, "status": r.status, "message": r.message,
         **({"activity": activity_dict(r.activities[0]),
             "activities": [activity_dict(a) for a in r.activities]} if r.activities else {}),
         **({"planned_runs": [p.model_dump(mode="json", exclude_none=True)
                              for p in r.planned_runs]} if r.planned_runs else {}),
         **({"notes": list(r.notes)} if r.notes else {})}
        for r in reports]}
    if not emit(as_json, data):
        out.print(_summary_line(counts))
        if interrupted:
            out.print("Stopped before the end: what was imported is kept. Run the same "
                      "command again to import the rest (the files already kept are "
                      "reported as duplicates).", soft_wrap=True)
    if interrupted:
        raise SystemExit(EXIT_INTERRUPTED)
    if counts["refused"]:
        raise SystemExit(EXIT_SOME_FAILED)


def _hm(minutes: float) -> str:
    h, m = divmod(round(minutes), 60)
    return f"{h}:{m:02d}" if h else f"{m} min"


@commands.command("runs")
def runs(
    person: PersonArg,
    last: Annotated[int, typer.Option("--last", help="Show the latest N activities.")] = 30,
    as_json: JsonOpt = False,
) -> None:
    """Recorded activities: cadence per run, long/interval tags, and the cadence trend.

    The trend is called falling when it drops 5 % or more over the latest runs.
    """
    from anklet.services import activities

    if last < 1:
        raise InputError("last", last, "accepted: 1 or more")
    c = ctx()
    with c.uow(write=False) as uow:
        view = activities.list(uow, key=person, protocol=c.protocol)
    shown = view.activities[-last:]
    data = {"person": person, "total": len(view.activities),
            "activities": [activity_dict(a, view.tags.get(a.content_hash)) for a in shown],
            "cadence_trend": trend_dict(view.trend)}
    if emit(as_json, data):
        return
    if not view.activities:
        out.print(f"No recorded activities for {person} yet. Import some with "
                  f"`anklet import --person {person} FILE...`.")
        return
    t = Table(title=f"Recorded activities of {person} ({len(shown)} of {len(view.activities)})")
    for col in ("Date", "Sport", "Time", "Distance", "Cadence (steps/min)", "Tags", "Name"):
        t.add_column(col)
    for a in shown:
        tags = view.tags.get(a.content_hash)
        labels = [x for x, on in (("long", tags and tags.long),
                                  ("intervals", tags and tags.interval)) if on]
        cadence = "—" if a.cadence_spm is None else (
            f"{a.cadence_spm:.0f} ± {a.cadence_sd:.0f}" if a.cadence_sd is not None
            else f"{a.cadence_spm:.0f}")
        t.add_row(a.date.isoformat(), a.sport.value, _hm(a.minutes),
                  "—" if a.distance_m is None else f"{a.distance_m / 1000:.2f} km",
                  cadence, ", ".join(labels), escape(a.name or ""))
    out.print(t)
    style = "bold red" if view.trend.status == "falling" else "default"
    out.print(f"[{style}]{escape(view.trend.text)}[/]", soft_wrap=True)

