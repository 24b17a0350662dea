"""FIT files (Garmin and most watches), read with fitdecode.

- **Activity files** become one :class:`~anklet.domain.history.RecordedActivity`: start,
  duration (timer time, pauses left out) and distance from the ``session`` messages (from
  the records when a file has none), one lap per ``lap`` message, the sport of the longest
  session. Running cadence comes from the ``record`` messages, where it is per leg: steps
  per minute = 2 × (cadence + fractional_cadence). The local UTC offset comes from the
  ``activity`` message (``local_timestamp`` − ``timestamp``), rounded to 15 minutes.
- **Workout files** become a planned run on ``--workout-date`` (they carry no date): an
  interval run when a repeat step repeats a block of at least two steps (work and
  recovery) at least twice, or when three or more work steps alternate with rest steps;
  otherwise the kind the workout's name says (see
  :func:`~anklet.domain.runs.kind_from_text`), else easy. Minutes only when every step is
  timed. A workout for another sport is not planned.
- **Other FIT files** (monitoring, settings, weight scale, courses, …) are named for what
  they are and not stored.

CRC mismatches and decoding problems raise (a damaged file stores nothing).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from dataclasses import dataclass, field
from typing import Any

import fitdecode

from anklet.domain.errors import FileImportError
from anklet.domain.history import Lap, PlannedRun, RunKind, Sport
from anklet.domain.runs import kind_from_text
from anklet.importers.base import (
    ActivityDraft,
    Draft,
    Importer,
    ImportOptions,
    NotActivity,
    PlannedDraft,
    as_utc,
    number,
)

__all__ = ["FitImporter"]

FIT_MAGIC = b".FIT"

_SPORTS = {
    "running": Sport.RUN,
    "walking": Sport.WALK,
    "hiking": Sport.WALK,
    "cycling": Sport.RIDE,
    "e_biking": Sport.RIDE,
}

_NOT_ACTIVITY = {
    "monitoring_a": "a daily monitoring file (steps and heart rate through the day)",
    "monitoring_b": "a daily monitoring file (steps and heart rate through the day)",
    "monitoring_daily": "a daily monitoring file (steps and heart rate through the day)",
    "settings": "a device settings file",
    "device": "a device description file",
    "sport": "a sport settings file",
    "weight": "a weight scale file",
    "blood_pressure": "a blood pressure file",
    "totals": "a totals file (lifetime sums)",
    "goals": "a goals file",
    "course": "a course (a route to follow)",
    "schedules": "a workout schedule file",
    "segment": "a segment file",
    "segment_list": "a segment list file",
    "activity_summary": "an activity summary without the recorded data",
}

_REPEAT_TYPES = frozenset({"repeat_until_steps_cmplt", "repeat_until_time",
                           "repeat_until_distance", "repeat_until_calories",
                           "repeat_until_hr_less_than", "repeat_until_hr_greater_than",
                           "repeat_until_power_less_than", "repeat_until_power_greater_than"})
_WORK = frozenset({"active", "interval"})
_REST = frozenset({"rest", "recovery"})


@dataclass
class _Fit:
    """The messages of a FIT file this importer uses, as plain values."""

    file_type: Any = None
    sessions: list[dict[str, Any]] = field(default_factory=list)
    laps: list[tuple[Any, Any, Any]] = field(default_factory=list)
    cadence: list[float] = field(default_factory=list)
    first_record: Any = None
    last_record: Any = None
    last_distance: Any = None
    sport: Any = None
    activity_time: Any = None
    activity_local: Any = None
    workout: dict[str, Any] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)


_SESSION_FIELDS = ("sport", "start_time", "total_timer_time", "total_elapsed_time",
                   "total_distance")
_STEP_FIELDS = ("message_index", "wkt_step_name", "duration_type", "duration_value",
                "duration_time", "duration_step", "repeat_steps", "intensity")


class FitImporter(Importer[_Fit]):
    format = "fit"
    label = "FIT"
    extensions = (".fit",)

    def _decode(self, data: bytes, name: str) -> _Fit:
        if data[8:12] != FIT_MAGIC:
            raise FileImportError(name, "it is not a FIT file (no FIT header at its start)")
        fit = _Fit()
        reader = fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE,
                                     error_handling=fitdecode.ErrorHandling.RAISE)
        for frame in reader:
            if not isinstance(frame, fitdecode.FitDataMessage):
                continue
            kind = frame.name
            get = frame.get_value
            if kind == "record":
                ts = get("timestamp", fallback=None)
                if fit.first_record is None:
                    fit.first_record = ts
                if ts is not None:
                    fit.last_record = ts
                d = get("distance", fallback=None)
                if d is not None:
                    fit.last_distance = d
                cad = number(get("cadence", fallback=None))
                if cad is not None:
                    # per leg: steps per minute = 2 × (cadence + fractional_cadence)
                    fraction = number(get("fractional_cadence", fallback=None)) or 0.0
                    fit.cadence.append(2 * (cad + fraction))
            elif kind == "lap":
                fit.laps.append((get("total_timer_time", fallback=None),
                                 get("total_elapsed_time", fallback=None),
                                 get("total_distance", fallback=None)))
            elif kind == "session":
                fit.sessions.append({f: get(f, fallback=None) for f in _SESSION_FIELDS})
            elif kind == "file_id":
                if fit.file_type is None:
                    fit.file_type = get("type", fallback=None)
            elif kind == "sport":
                fit.sport = fit.sport or get("sport", fallback=None)
            elif kind == "activity":
                fit.activity_time = get("timestamp", fallback=None)
                fit.activity_local = get("local_timestamp", fallback=None)
            elif kind == "workout":
                fit.workout = {f: get(f, fallback=None) for f in ("wkt_name", "sport")}
            elif kind == "workout_step":
                fit.steps.append({f: get(f, fallback=None) for f in _STEP_FIELDS})
        return fit

    def _unreadable(self, e: Exception) -> str:
        where = ""
        text = str(e)
        if " @ " in text:
            where = f" at byte {text.rsplit(' @ ', 1)[1].strip()}"
        if isinstance(e, fitdecode.FitEOFError):
            return (f"the file ends too early{where}: it looks truncated (cut off while "
                    f"copying or saving); nothing was stored")
        if isinstance(e, fitdecode.FitHeaderError):
            return f"a FIT header is damaged{where}; nothing was stored"
        if isinstance(e, fitdecode.FitCRCError):
            return "its checksum does not match its content: the file is damaged"
        return super()._unreadable(e) + "; nothing was stored"

    def _convert(self, fit: _Fit, name: str, options: ImportOptions) -> Draft:
        kind = fit.file_type
        if kind == "workout":
            return _workout(fit, name, options)
        if kind is not None and kind != "activity":
            what = (_NOT_ACTIVITY.get(kind) if isinstance(kind, str) else None) or (
                f"a FIT file of type {kind!r}")
            return NotActivity(f"{what}, not an activity")
        return _activity(fit, name)


def _activity(fit: _Fit, name: str) -> ActivityDraft:
    starts = [t for s in fit.sessions if (t := as_utc(s["start_time"])) is not None]
    sessions = [s for s in fit.sessions if as_utc(s["start_time"]) is not None]
    notes: list[str] = []
    start: dt.datetime
    if sessions:
        start = min(starts)
        durations = [number(s["total_timer_time"]) or number(s["total_elapsed_time"]) or 0.0
                     for s in sessions]
        duration = sum(durations)
        distances = [d for s in sessions if (d := number(s["total_distance"])) is not None]
        distance = sum(distances) if distances else None
        longest = sessions[max(range(len(sessions)), key=lambda i: durations[i])]
        sport_name = longest["sport"]
    else:
        first, last = as_utc(fit.first_record), as_utc(fit.last_record)
        if first is None or last is None:
            raise FileImportError(name, "it holds no recorded activity (no session and no "
                                        "timed records)")
        start, duration = first, (last - first).total_seconds()
        distance = number(fit.last_distance)
        sport_name = fit.sport
        notes.append("no session summary in the file: times and distance come from the records")
    if not isinstance(sport_name, str):
        sport_name = fit.sport if isinstance(fit.sport, str) else None
    laps = []
    for timer, elapsed, dist in fit.laps:
        seconds = number(timer) or number(elapsed)
        if seconds is None or seconds < 0:
            continue
        d = number(dist)
        laps.append(Lap(duration_s=round(seconds, 3),
                        distance_m=None if d is None or d < 0 else round(d, 2)))
    return ActivityDraft(
        sport=_SPORTS.get(sport_name, Sport.OTHER) if sport_name else None,
        start=start, duration_s=duration, distance_m=distance, laps=laps,
        cadence=fit.cadence, cadence_per_leg=False, utc_offset_min=_offset(fit),
        notes=tuple(notes))


def _offset(fit: _Fit) -> int | None:
    """Minutes from UTC to local time, from the activity message, to the nearest 15."""
    t, local = as_utc(fit.activity_time), as_utc(fit.activity_local)
    if t is None or local is None:
        return None
    minutes = round((local - t).total_seconds() / 60 / 15) * 15
    return minutes if abs(minutes) <= 14 * 60 else None


def _workout(fit: _Fit, name: str, options: ImportOptions) -> Draft:
    sport = fit.workout.get("sport")
    if isinstance(sport, str) and sport not in ("running", "generic"):
        return NotActivity(f"a {sport.replace('_', ' ')} workout, not a run; not planned")
    if not fit.steps:
        raise FileImportError(name, "it is a workout file without steps")
    steps = sorted(fit.steps, key=lambda s: number(s.get("message_index")) or 0)
    title_raw = fit.workout.get("wkt_name")
    title = (title_raw if isinstance(title_raw, str) and title_raw.strip()
             else name.replace("\\", "/").rsplit("/", 1)[-1])[:200]
    kind = kind_from_text(title) or RunKind.EASY
    if kind is not RunKind.RACE and _has_intervals(steps):
        kind = RunKind.INTERVAL
    seconds = _timed_seconds(steps)
    minutes = None if seconds is None else max(1, min(1440, round(seconds / 60)))
    run = PlannedRun(date=options.workout_date, kind=kind, minutes=minutes, title=title)
    return PlannedDraft((run,), notes=("workout files carry no date: planned on "
                                       f"{options.workout_date.isoformat()} (--workout-date)",))


def _has_intervals(steps: list[dict[str, Any]]) -> bool:
    """Repeated work/recovery blocks, or three or more work steps alternating with rest."""
    for i, s in enumerate(steps):
        if s.get("duration_type") in _REPEAT_TYPES:
            back = number(s.get("duration_step"))
            if back is None:
                back = number(s.get("duration_value"))
            times = number(s.get("repeat_steps")) or 0
            if back is not None and i - back >= 2 and times >= 2:
                return True
    intensities = [s.get("intensity") for s in steps]
    work = 0
    for prev, cur in itertools.pairwise(intensities):
        if cur in _WORK and prev in _REST:
            work += 1
    if intensities and intensities[0] in _WORK:
        work += 1
    return work >= 3 and any(i in _REST for i in intensities)


def _timed_seconds(steps: list[dict[str, Any]]) -> float | None:
    """Total seconds when every step is timed (repeats counted), else None."""
    per_step: list[float] = []
    for i, s in enumerate(steps):
        kind = s.get("duration_type")
        if kind == "time":
            t = number(s.get("duration_time"))
            if t is None:
                return None
            per_step.append(t)
        elif kind == "repeat_until_steps_cmplt":
            back = number(s.get("duration_step"))
            times = number(s.get("repeat_steps"))
            if back is None or times is None or not 0 <= back < i:
                return None
            per_step.append(sum(per_step[int(back):i]) * (max(times, 1) - 1))
        else:
            return None
    return sum(per_step) if per_step else None

