"""Recorded activities and planned runs from files: import them, list them with their tags.

:func:`create` imports files one after another and commits each one as it is stored
(the one place a service commits: a bulk import must not hold the database's writer for
minutes, and one interrupted keeps what it had done; running it again stores only what is
missing, files being known by their content). A file that fails leaves nothing behind while
the others are kept; no transaction is open while a file is read, so other writers go on
between files. Per file it reports ``imported`` (its activities, or planned runs),
``duplicate`` (the same file already stored, known by its content: so a stopped import run
again reports what it had kept as duplicates), ``skipped`` (runs already planned, a file
that is not an activity such as a monitoring file, an unknown file inside a zip) or
``refused`` (the file and the problem in plain words; nothing of it is stored).

A file from an export's list of activities (Strava's ``activities.csv``) takes its sport
from the list where the file names none (before ``--sport``), and its title from the list.
"""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from anklet.domain.errors import AnkletError, ConflictError, FileImportError, NotFoundError
from anklet.domain.history import PlannedRun, RecordedActivity, RunKind, Sport
from anklet.domain.protocol import Protocol
from anklet.domain.runs import CadenceTrend, RunTags, cadence_trend, tag_runs
from anklet.importers import (
    DEFAULT_LIMITS,
    ImportOptions,
    Limits,
    Parsed,
    Source,
    content_hash,
    importer_for,
)
from anklet.store.uow import UnitOfWork

__all__ = ["STATUSES", "FileReport", "RunsView", "Status", "create", "describe", "list"]

Status = Literal["imported", "duplicate", "skipped", "refused"]
STATUSES: tuple[Status, ...] = ("imported", "duplicate", "skipped", "refused")
_RunKey = tuple[dt.date, RunKind, str | None]
"""Planned runs are the same when date, kind and title are (the dedupe rule)."""


@dataclass(frozen=True, slots=True)
class FileReport:
    """What became of one file."""

    file: str
    status: Status
    message: str
    activities: tuple[RecordedActivity, ...] = ()
    """What it became (several for a multisport file)."""
    planned_runs: tuple[PlannedRun, ...] = ()
    notes: tuple[str, ...] = ()
    error: FileImportError | None = None

    @property
    def activity(self) -> RecordedActivity | None:
        """The first activity it became, if any."""
        return self.activities[0] if self.activities else None


def describe(a: RecordedActivity, sport_word: str | None = None) -> str:
    """One activity in a few words: "a 47 min run, 9.01 km, 4 laps, cadence 163 steps/min"."""
    s = a.duration_s
    length = (f"{s:.0f} s" if s < 60 else f"{s / 60:.0f} min" if s < 90 * 60
              else f"{int(s // 3600)} h {round(s % 3600 / 60):02d} min")
    if a.sport is Sport.OTHER:
        noun = sport_word or "activity (sport not named)"
    else:  # a swim says which ("pool swim") where the file does
        noun = sport_word if a.sport is Sport.SWIM and sport_word else a.sport.value
    parts = [f"a {length} {noun}"]
    if a.distance_m is not None:
        parts.append(f"{a.distance_m / 1000:.2f} km")
    if a.laps:
        parts.append(f"{len(a.laps)} lap{'s' if len(a.laps) != 1 else ''}")
    if a.cadence_spm is not None:
        parts.append(f"cadence {a.cadence_spm:.0f} steps/min")
    return ", ".join(parts) + f" on {a.date.isoformat()}"


def _planned(runs: tuple[PlannedRun, ...]) -> str:
    items = ", ".join(f"{r.kind.value} run on {r.date.isoformat()}" +
                      (f" ({r.title})" if r.title else "") for r in runs[:5])
    more = f" and {len(runs) - 5} more" if len(runs) > 5 else ""
    return f"planned {len(runs)} run(s): {items}{more}"


def create(uow: UnitOfWork, *, key: str, sources: Iterable[Source],
           options: ImportOptions | None = None, limits: Limits = DEFAULT_LIMITS,
           on_report: Callable[[FileReport], None] | None = None) -> builtins.list[FileReport]:
    """Import files for a person, each committed on its own as it is stored (all of a file
    or none of it); report what became of every file, to ``on_report`` too as it goes.

    ``uow`` should be a writing unit of work; whatever it held before is committed first."""
    if not uow.people.exists(key):
        raise NotFoundError("person", key)
    options = options or ImportOptions()
    planned: set[_RunKey] = {(r.date, r.kind, r.title) for r in uow.people.planned_runs(key)}
    uow.commit()
    seen: set[str] = set()
    reports: builtins.list[FileReport] = []
    for src in sources:
        try:
            report = _one(uow, key, src, options, limits, planned, seen)
        finally:
            uow.rollback()  # a file not stored leaves nothing; no lock is kept between files
        reports.append(report)
        if on_report is not None:
            on_report(report)
    return reports


def _one(uow: UnitOfWork, key: str, src: Source, options: ImportOptions, limits: Limits,
         planned: set[_RunKey], seen: set[str]) -> FileReport:
    if src.error is not None:
        return FileReport(src.name, "refused", src.error.problem, error=src.error)
    if src.skipped is not None or src.data is None:
        return FileReport(src.name, "skipped", src.skipped or "nothing to read")
    importer = importer_for(src.plain_name, src.data)
    if importer is None:
        what = "not an activity, workout or calendar file (FIT, GPX, TCX or ICS)"
        if src.in_archive:
            return FileReport(src.name, "skipped", what)
        err = FileImportError(src.name, f"it is {what}")
        return FileReport(src.name, "refused", err.problem, error=err)
    digest = content_hash(src.data)
    if digest in seen or uow.people.has_activity_hash(key, digest):
        return FileReport(src.name, "duplicate", _DUPLICATE)
    uow.rollback()  # the check only read: let the writer's lock go while the file is read
    if src.sport is not None:
        options = dataclasses.replace(options, sport=src.sport)
    try:
        parsed = importer.process(src.data, name=src.name, options=options, limits=limits)
    except FileImportError as e:
        return FileReport(src.name, "refused", e.problem, error=e)
    if parsed.not_activity is not None:
        return FileReport(src.name, "skipped", f"{parsed.not_activity}; nothing stored")
    try:
        found = _activities_of(parsed)
        if src.title is not None:
            found = tuple(a.model_copy(update={"name": src.title}) for a in found)
        if found:
            for a in found:
                uow.people.add_recorded_activity(key, a)
            uow.commit()
            seen.add(digest)
            message = "; ".join(describe(a, w or src.sport_word) for a, w in
                                zip(found, parsed.sport_words or [None] * len(found),
                                    strict=True))
            if src.title is not None:
                message = f'"{src.title}", {message}'
            return FileReport(src.name, "imported", message, activities=found,
                              notes=parsed.notes)
        if parsed.calendar is not None:
            planned.update((r.date, r.kind, r.title) for r in parsed.planned_runs)
            return _calendar(uow, key, src.name, parsed)
        new = tuple(r for r in parsed.planned_runs if (r.date, r.kind, r.title) not in planned)
        if not new:
            why = ("every run in it is already planned" if parsed.planned_runs
                   else "no runs in it")
            return FileReport(src.name, "skipped", why, notes=parsed.notes)
        for r in new:
            uow.people.add_planned_run(key, r)
        uow.commit()
        planned.update((r.date, r.kind, r.title) for r in new)
        return FileReport(src.name, "imported", _planned(new), planned_runs=new,
                          notes=parsed.notes)
    except ConflictError:  # stored by someone else since we looked
        return FileReport(src.name, "duplicate", _DUPLICATE)
    except AnkletError as e:  # a value the store refuses (text with NUL characters, say)
        err = FileImportError(src.name, str(e))
        return FileReport(src.name, "refused", err.problem, error=err)


def _calendar(uow: UnitOfWork, key: str, name: str, parsed: Parsed) -> FileReport:
    """A calendar's runs replace what it planned before for the same days: changed events
    are updated, removed or cancelled ones deleted (``PeopleRepository.sync_calendar_runs``)."""
    cal = parsed.calendar
    assert cal is not None
    runs = parsed.planned_runs
    added, updated, removed = uow.people.sync_calendar_runs(key, cal.name, runs, cal.start,
                                                            cal.end)
    uow.commit()  # runs planned before they knew their event may have been given it
    if not (added or updated or removed):
        why = ("every run in it is already planned" if runs
               else "no runs in it for the weeks ahead")
        return FileReport(name, "skipped", why, notes=parsed.notes)
    changes = [f"{added} new"] if added else []
    if updated:
        changes.append(f"{updated} moved or changed")
    if removed:
        changes.append(f"{removed} no longer in the calendar, taken off")
    head = _planned(runs) if runs else "no runs ahead"
    return FileReport(name, "imported", f"{head} ({', '.join(changes)})", planned_runs=runs,
                      notes=parsed.notes)


_DUPLICATE = "already imported (the same file, by its content); stored once"


def _activities_of(parsed: Parsed) -> tuple[RecordedActivity, ...]:
    """The activities a file became (a multisport file becomes several)."""
    return parsed.activities


@dataclass(frozen=True, slots=True)
class RunsView:
    """A person's recorded activities, runs tagged, and the cadence trend."""

    key: str
    activities: tuple[RecordedActivity, ...]
    tags: dict[str, RunTags]
    """Tags of each run, by content hash."""
    trend: CadenceTrend


def list(uow: UnitOfWork, *, key: str, protocol: Protocol) -> RunsView:
    """Recorded activities (oldest first), long/interval tags for runs, the cadence trend."""
    activities = tuple(uow.people.recorded_activities(key))
    tags = {t.activity.content_hash: t for t in tag_runs(activities, protocol.runs)}
    return RunsView(key, activities, tags, cadence_trend(activities, protocol.runs))
