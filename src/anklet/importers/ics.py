"""Calendar files (ICS, iCalendar), read with icalendar: run events become planned runs.

- Events are expanded with recurring-ical-events over the **planning horizon**: from the day
  of the import (``ImportOptions.today``) for ``horizon_weeks`` weeks
  (``anklet/data/run_titles.yaml``). RRULE, RDATE and EXDATE, moved or changed occurrences
  (RECURRENCE-ID) and time zones (TZID with VTIMEZONE, Google's X-WR-TIMEZONE; floating
  times are read as local) are all honoured. Events before the horizon, or after it, are
  not planned: a weekly long run started months ago is planned on its coming Sundays.
- Cancelled events and cancelled occurrences (STATUS:CANCELLED) are not planned.
- An event is a run when its title says so, by the word lists of
  :mod:`anklet.domain.run_titles` (four languages, with exclusions that win: "Lunch with
  the running club committee" is not a run); its description is read only when its title
  says neither. The kind comes from the same words (race pace work, long, race, interval,
  long, else easy).
- The **date** is the occurrence's start date in the event's own time zone (what the person
  sees in their calendar); **minutes** come from DTEND or DURATION for a timed event
  (none for an all-day event); the **title** is the summary.
- Each planned run carries where it came from: the calendar (its X-WR-CALNAME, else the
  file's name) and the event (UID, plus the date an occurrence recurs on), so importing
  the calendar again updates, moves or removes its runs instead of adding them again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import icalendar
import recurring_ical_events

from anklet.domain.errors import FileImportError
from anklet.domain.history import PlannedRun, RunKind
from anklet.domain.run_titles import load_title_rules, title_verdict
from anklet.importers.base import (
    Calendar,
    Draft,
    Importer,
    ImportOptions,
    NotActivity,
    PlannedDraft,
)

__all__ = ["IcsImporter", "calendar_horizon"]

MAX_EVENTS = 20_000
"""Events read from one calendar; a bigger one is refused."""
MAX_OCCURRENCES = 20_000
"""Occurrences within the horizon; more (an event every minute, say) is refused."""
_UID_MAX = 250
"""A longer UID is kept as its SHA-256 (the stored event key has room for 300 characters)."""


def calendar_horizon(today: dt.date) -> tuple[dt.date, dt.date]:
    """The days a calendar's runs are planned on: from ``today`` (included) to the end
    (excluded), ``horizon_weeks`` later."""
    return today, today + dt.timedelta(weeks=load_title_rules().horizon_weeks)


def _text(component: Any, key: str) -> str:
    value = component.get(key)
    return str(value).strip() if value is not None else ""


def _prop(value: Any) -> Any:
    """A property's value; None for a broken one (icalendar reports those when read)."""
    try:
        return getattr(value, "dt", None)
    except Exception:  # a malformed date or duration in the file: treated as absent
        return None


def _when(value: Any) -> dt.date | dt.datetime | None:
    dt_value = _prop(value)
    return dt_value if isinstance(dt_value, dt.date) else None


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _minutes(event: Any, start: dt.date | dt.datetime) -> int | None:
    if not isinstance(start, dt.datetime):
        return None  # an all-day event has no length in minutes
    end = _when(event.get("DTEND"))
    length: dt.timedelta | None = None
    if isinstance(end, dt.datetime):
        try:
            length = end - start
        except TypeError:  # one naive, one aware
            return None
    else:
        duration = _prop(event.get("DURATION"))
        if isinstance(duration, dt.timedelta):
            length = duration
    if length is None:
        return None
    minutes = round(length.total_seconds() / 60)
    return minutes if 1 <= minutes <= 1440 else None


def _kind(summary: str, description: str) -> RunKind | None:
    """The title decides; the description only when the title names neither a run nor
    anything else ("Training" with "Long run, 2 h" below)."""
    verdict = title_verdict(summary)
    if verdict == "unknown" and description:
        verdict = title_verdict(description)
    return verdict if isinstance(verdict, RunKind) else None


def _uid(event: Any) -> str:
    uid = _text(event, "UID")
    if len(uid) > _UID_MAX:
        uid = "sha256:" + hashlib.sha256(uid.encode()).hexdigest()
    return uid


def _calendar_name(cal: icalendar.Calendar, name: str) -> str:
    label = _text(cal, "X-WR-CALNAME") or name.replace("\\", "/").rsplit("/", 1)[-1]
    return label[:200]


class IcsImporter(Importer[icalendar.Calendar]):
    format = "ics"
    label = "calendar (ICS)"
    extensions = (".ics", ".ical", ".ifb", ".icalendar")

    def _decode(self, data: bytes, name: str) -> icalendar.Calendar:
        cal = icalendar.Calendar.from_ical(data)
        if not isinstance(cal, icalendar.Calendar):
            raise FileImportError(name, "it is not a calendar (no VCALENDAR)")
        return cal

    def _convert(self, cal: icalendar.Calendar, name: str, options: ImportOptions) -> Draft:
        events = list(cal.walk("VEVENT"))
        if len(events) > MAX_EVENTS:
            raise FileImportError(name, f"it holds {len(events)} events; calendars of more "
                                        f"than {MAX_EVENTS} are not imported")
        if not events:
            return NotActivity("a calendar without events, so no planned runs")
        calendar = _calendar_name(cal, name)
        # events with more than one date: their runs are told apart by the date they recur on
        recurring = {_text(e, "UID") for e in events
                     if any(e.get(k) is not None for k in ("RRULE", "RDATE", "RECURRENCE-ID"))}
        undated = sum(1 for e in events if _when(e.get("DTSTART")) is None)
        start, end = calendar_horizon(options.today)
        try:
            query = recurring_ical_events.of(cal, skip_bad_series=True)
            occurrences = []
            for occurrence in query.between(start, end):
                occurrences.append(occurrence)
                if len(occurrences) > MAX_OCCURRENCES:
                    raise FileImportError(
                        name, f"it has more than {MAX_OCCURRENCES} events in the "
                              f"{(end - start).days // 7} weeks ahead; it is not imported")
        except FileImportError:
            raise
        except Exception as e:  # a rule the library cannot expand: said in plain words
            raise FileImportError(name, "its repeating events cannot be read "
                                        f"({type(e).__name__}: {e})") from e
        runs: dict[str, PlannedRun] = {}
        not_runs = 0
        for event in occurrences:
            if _text(event, "STATUS").upper() == "CANCELLED":
                continue
            when = _when(event.get("DTSTART"))
            if when is None or not start <= _day(when) < end:
                continue
            summary, description = _text(event, "SUMMARY"), _text(event, "DESCRIPTION")
            kind = _kind(summary, description)
            if kind is None:
                not_runs += 1
                continue
            uid = _uid(event)
            key: str | None = uid
            if _text(event, "UID") in recurring:
                recurs_on = _when(event.get("RECURRENCE-ID")) or when
                key = f"{uid}/{_day(recurs_on).isoformat()}"
            if not uid:  # no UID (not allowed, but seen): known by its date and title only
                key = None
            run = PlannedRun(date=_day(when), kind=kind, minutes=_minutes(event, when),
                             title=(summary or description)[:200] or None,
                             calendar=calendar, event=key)
            runs.setdefault(key or f"{run.date}/{run.title}", run)
        notes = [f"runs planned from {start.isoformat()} to "
                 f"{(end - dt.timedelta(days=1)).isoformat()} (the {(end - start).days // 7} "
                 "weeks ahead)"]
        if not_runs:
            notes.append(f"{not_runs} event(s) that are not runs ignored")
        if undated:
            notes.append(f"{undated} event(s) without a valid start date ignored")
        ordered = sorted(runs.values(), key=lambda r: (r.date, r.title or ""))
        return PlannedDraft(tuple(ordered), notes=tuple(notes),
                            calendar=Calendar(calendar, start, end))
