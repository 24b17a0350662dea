"""Calendar files (ICS, iCalendar), read with icalendar: run events become planned runs.

- An event is a run when its summary, or else its description, looks like one, and its
  kind is read from the summary and description together, by the keyword rule of
  :func:`anklet.domain.runs.kind_from_text` (race, then interval, then long, else easy).
- The **date** is the event's start date in the event's own time zone (what the person
  sees in their calendar); **minutes** come from DTEND or DURATION for a timed event
  (none for an all-day event); the **title** is the summary.
- Cancelled events are skipped. A recurring event is planned on its first date only (a
  note says how many recur).
- Events that are not runs are counted in the notes and otherwise ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar

from anklet.domain.errors import FileImportError
from anklet.domain.history import PlannedRun
from anklet.domain.runs import kind_from_text
from anklet.importers.base import Draft, Importer, ImportOptions, NotActivity, PlannedDraft

__all__ = ["IcsImporter"]

MAX_EVENTS = 20_000
"""Events read from one calendar; a bigger one is refused."""


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
        runs: list[PlannedRun] = []
        not_runs = recurring = undated = 0
        for event in events:
            if _text(event, "STATUS").upper() == "CANCELLED":
                continue
            summary, description = _text(event, "SUMMARY"), _text(event, "DESCRIPTION")
            if kind_from_text(summary) is None and kind_from_text(description) is None:
                not_runs += 1
                continue
            start = _when(event.get("DTSTART"))
            if start is None:
                undated += 1
                continue
            kind = kind_from_text(f"{summary}. {description}")
            if kind is None:  # pragma: no cover - one of the two parts is a run
                continue
            if event.get("RRULE") is not None:
                recurring += 1
            day = start.date() if isinstance(start, dt.datetime) else start
            runs.append(PlannedRun(date=day, kind=kind, minutes=_minutes(event, start),
                                   title=(summary or description)[:200] or None))
        notes = []
        if not_runs:
            notes.append(f"{not_runs} event(s) that are not runs ignored")
        if undated:
            notes.append(f"{undated} run event(s) without a valid start date ignored")
        if recurring:
            notes.append(f"{recurring} recurring run event(s) planned on their first date only")
        return PlannedDraft(tuple(runs), notes=tuple(notes))
