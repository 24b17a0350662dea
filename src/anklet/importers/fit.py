"""FIT files (Garmin and most watches), read with fitdecode.

- **Activity files** become one :class:`~anklet.domain.history.RecordedActivity` per
  ``session`` message: a triathlon or a multisport watch file becomes one activity per
  sport, and its transitions (sport "transition") are left out. Each has its session's
  sport, start, duration (timer time, pauses left out) and distance; the laps that start
  within it; and, for runs, cadence from the ``record`` messages written during it, where
  it is per leg: steps per minute = 2 × (cadence + fractional_cadence). A file without
  sessions gives one activity from its records. The local UTC offset comes from the
  ``activity`` message (``local_timestamp`` − ``timestamp``), rounded to 15 minutes. A swim
  (pool or open water) is stored as a swim; sports the gait rules do not tell apart
  (rowing, skiing) as "other"; the report names either as the file does ("pool swim").
- **Device-relative clocks**: FIT times count seconds from 1989-12-31 UTC, except values
  below 0x10000000, which count from when the watch was switched on (older watches write
  them until they know the time). The real time is recovered from a
  ``timestamp_correlation`` message (``timestamp`` against ``system_timestamp``), or from an
  ``activity`` message whose ``timestamp`` is real while the session's end is relative (both
  are written when the activity ends). A ``local_timestamp`` beside a relative
  ``timestamp`` is not used: it is local time without its offset, and the Forerunner 70
  files in python-fitparse's tests carry the same one on two runs nine days apart.
  Otherwise the file is refused, naming its clock as the reason.
- **Workout files** become a planned run on ``--workout-date`` (they carry no date): an
  interval run when a repeat step repeats steps (at least twice, or until a time, distance
  or heart rate) or when two or more work steps (active or interval) have a rest or
  recovery step between them; otherwise the kind the workout's name says, by the word lists
  calendar titles are read by (:func:`~anklet.domain.run_titles.run_kind`), else easy.
  Minutes only when every step is timed. A workout for another sport (a swim, a ride) is
  not planned; one that names no sport is planned only with ``--sport run`` and is
  otherwise skipped, asking for it.
- **Other FIT files** (monitoring, settings, weight scale, courses, …) are named for what
  they are and not stored.

CRC mismatches and decoding problems raise (a damaged file stores nothing).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

import fitdecode

from anklet.domain.errors import FileImportError
from anklet.domain.history import Lap, PlannedRun, RunKind, Sport
from anklet.domain.run_titles import run_kind
from anklet.importers.base import (
    ActivitiesDraft,
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
FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)
RELATIVE_BELOW = 0x10000000
"""FIT times below this count seconds from when the device was switched on."""

_SPORTS = {
    "running": Sport.RUN,
    "walking": Sport.WALK,
    "hiking": Sport.WALK,
    "cycling": Sport.RIDE,
    "e_biking": Sport.RIDE,
    "swimming": Sport.SWIM,  # in a pool or open water (its sub-sport says which)
}

_SPORT_WORDS = {
    "swimming": "swim",
    "lap_swimming": "pool swim",
    "open_water": "open-water swim",
    "rowing": "row",
    "cross_country_skiing": "cross-country ski",
    "alpine_skiing": "ski",
    "snowboarding": "snowboard session",
    "running": "run",
    "walking": "walk",
    "hiking": "hike",
    "cycling": "ride",
    "e_biking": "e-bike ride",
}
"""Plain words for FIT sports (and the sub-sports that say more than their sport)."""

_NOT_NAMED = frozenset({"generic", "all", "transition"})

_NAMED = frozenset({Sport.OTHER, Sport.SWIM})
"""Sports whose file's own word goes into the import's report ("rowing", "pool swim")."""

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


def sport_word(sport: Any, sub_sport: Any = None) -> str | None:
    """A FIT sport in plain words ("pool swim", "ride"); None where it names none."""
    if not isinstance(sport, str) or sport in _NOT_NAMED:
        return None
    if isinstance(sub_sport, str) and sub_sport in _SPORT_WORDS and sport == "swimming":
        return _SPORT_WORDS[sub_sport]
    return _SPORT_WORDS.get(sport) or f"{sport.replace('_', ' ')} session"


@dataclass
class _Fit:
    """The messages of a FIT file this importer uses, as plain values."""

    file_type: Any = None
    sessions: list[dict[str, Any]] = field(default_factory=list)
    laps: list[dict[str, Any]] = field(default_factory=list)
    records: list[tuple[Any, float | None]] = field(default_factory=list)
    """(timestamp, steps per minute or None) of each record, in file order."""
    last_distance: Any = None
    sport: Any = None
    sub_sport: Any = None
    activity_time: Any = None
    activity_local: Any = None
    correlation: dict[str, Any] = field(default_factory=dict)
    workout: dict[str, Any] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)


_SESSION_FIELDS = ("sport", "sub_sport", "start_time", "timestamp", "total_timer_time",
                   "total_elapsed_time", "total_distance")
_LAP_FIELDS = ("start_time", "timestamp", "total_timer_time", "total_elapsed_time",
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
                d = get("distance", fallback=None)
                if d is not None:
                    fit.last_distance = d
                cad = number(get("cadence", fallback=None))
                if cad is not None:
                    # per leg: steps per minute = 2 × (cadence + fractional_cadence)
                    cad = 2 * (cad + (number(get("fractional_cadence", fallback=None)) or 0.0))
                fit.records.append((get("timestamp", fallback=None), cad))
            elif kind == "lap":
                fit.laps.append({f: get(f, fallback=None) for f in _LAP_FIELDS})
            elif kind == "session":
                fit.sessions.append({f: get(f, fallback=None) for f in _SESSION_FIELDS})
            elif kind == "file_id":
                if fit.file_type is None:
                    fit.file_type = get("type", fallback=None)
            elif kind == "sport":
                if fit.sport is None:
                    fit.sport = get("sport", fallback=None)
                    fit.sub_sport = get("sub_sport", fallback=None)
            elif kind == "activity":
                fit.activity_time = get("timestamp", fallback=None)
                fit.activity_local = get("local_timestamp", fallback=None)
            elif kind == "timestamp_correlation":
                if not fit.correlation:
                    fit.correlation = {f: get(f, fallback=None) for f in
                                       ("timestamp", "system_timestamp", "local_timestamp")}
            elif kind == "workout":
                fit.workout = {f: get(f, fallback=None) for f in ("wkt_name", "sport",
                                                                   "sub_sport")}
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


def _is_relative(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)
            and 0 <= value < RELATIVE_BELOW)


@dataclass(frozen=True, slots=True)
class _Clock:
    """The file's times as UTC: real ones as they are, relative ones from ``base``."""

    base: dt.datetime | None = None
    how: str | None = None
    """How the real time of relative ones was found, for the notes."""

    def __call__(self, value: Any) -> dt.datetime | None:
        if _is_relative(value):
            if self.base is None:
                return None
            return self.base + dt.timedelta(seconds=value)
        return as_utc(value)


_NO_CLOCK = ("its times count from when the watch was switched on, and it does not say when "
             "that was (no timestamp correlation, no real end time), so the day and time of "
             "the activity cannot be known; nothing was stored")


def _clock(fit: _Fit, name: str) -> _Clock:
    """How to read the file's times; raises when they are relative and cannot be placed.

    The sessions' times decide (the records', in a file without sessions): a few records
    written before the watch knew the time do not make a file unreadable."""
    if fit.sessions:
        times = [v for s in fit.sessions for v in (s["start_time"], s["timestamp"])]
        ends = [s["timestamp"] for s in fit.sessions]
    else:
        times = ends = [fit.records[-1][0]] if fit.records else []
    if not any(_is_relative(v) for v in times):
        return _Clock()
    corr = fit.correlation
    real, system = as_utc(corr.get("timestamp")), corr.get("system_timestamp")
    if real is not None and isinstance(system, int) and _is_relative(system):
        return _Clock(real - dt.timedelta(seconds=system),
                      "a timestamp correlation message")
    # the activity message is written as the recording ends, with its last session
    end, last = as_utc(fit.activity_time), [v for v in ends if _is_relative(v)]
    if end is not None and last:
        return _Clock(end - dt.timedelta(seconds=max(last)), "the activity's real end time")
    raise FileImportError(name, _NO_CLOCK)


def _activity(fit: _Fit, name: str) -> ActivityDraft | ActivitiesDraft:
    clock = _clock(fit, name)
    notes: list[str] = []
    if clock.how is not None:
        notes.append(f"the watch counted time from when it was switched on; the real time "
                     f"comes from {clock.how}")
    offset = _offset(fit)
    sessions = []
    for s in fit.sessions:
        start = clock(s["start_time"])
        seconds = number(s["total_timer_time"]) or number(s["total_elapsed_time"]) or 0.0
        if start is None and (end := clock(s["timestamp"])) is not None:
            start = end - dt.timedelta(seconds=number(s["total_elapsed_time"]) or seconds)
        if start is not None:
            sessions.append((start, seconds, s))
    if not sessions:
        if fit.sessions:
            raise FileImportError(name, "its session has no start time, so the day of the "
                                        "activity cannot be known; nothing was stored")
        return _from_records(fit, name, clock, offset, notes)
    sessions.sort(key=lambda x: x[0])
    single = len(sessions) == 1
    starts = [start for start, _, _ in sessions]
    laps: list[list[Lap]] = [[] for _ in sessions]
    for lap in fit.laps:
        if (made := _lap(lap)) is None:
            continue
        laps[0 if single else _which(starts, _lap_middle(lap, clock))].append(made)
    cadence: list[list[float]] = [[] for _ in sessions]
    for ts, spm in fit.records:
        if spm is not None:
            cadence[0 if single else _which(starts, clock(ts))].append(spm)
    parts = []
    transitions = 0
    for i, (start, seconds, s) in enumerate(sessions):
        sport_name, sub = s["sport"], s["sub_sport"]
        if not isinstance(sport_name, str) and single:
            sport_name, sub = fit.sport, fit.sub_sport
        if sport_name == "transition":
            transitions += 1
            continue
        sport = _SPORTS.get(sport_name, Sport.OTHER) if isinstance(sport_name, str) else None
        if sport_name in _NOT_NAMED:
            sport = None
        parts.append(ActivityDraft(
            sport=sport, start=start, duration_s=seconds,
            distance_m=number(s["total_distance"]), laps=laps[i], cadence=cadence[i],
            cadence_per_leg=False, utc_offset_min=offset,
            sport_word=sport_word(sport_name, sub) if sport in _NAMED else None))
    if transitions:
        notes.append(f"{transitions} transition(s) between sports left out")
    if not parts:
        raise FileImportError(name, "it holds only transitions between sports, no activity")
    if len(parts) == 1:
        return dataclasses.replace(parts[0], notes=tuple(notes))
    notes.insert(0, f"{len(parts)} sports recorded in one file: each is its own activity")
    return ActivitiesDraft(tuple(parts), notes=tuple(notes))


def _which(starts: list[dt.datetime], t: dt.datetime | None) -> int:
    """The session a moment belongs to: the last one started by then (the first if none)."""
    if t is None:
        return 0
    return max(0, bisect.bisect_right(starts, t) - 1)


def _lap(lap: dict[str, Any]) -> Lap | None:
    seconds = number(lap["total_timer_time"]) or number(lap["total_elapsed_time"])
    if seconds is None or seconds < 0:
        return None
    d = number(lap["total_distance"])
    return Lap(duration_s=round(seconds, 3), distance_m=None if d is None or d < 0 else round(d, 2))


def _lap_middle(lap: dict[str, Any], clock: _Clock) -> dt.datetime | None:
    """The middle of a lap (laps may start a second before their session does)."""
    elapsed = number(lap["total_elapsed_time"]) or number(lap["total_timer_time"]) or 0.0
    if (start := clock(lap["start_time"])) is not None:
        return start + dt.timedelta(seconds=elapsed / 2)
    if (end := clock(lap["timestamp"])) is not None:
        return end - dt.timedelta(seconds=elapsed / 2)
    return None


def _from_records(fit: _Fit, name: str, clock: _Clock, offset: int | None,
                  notes: list[str]) -> ActivityDraft:
    """One activity from the records of a file without a session summary."""
    times = [t for ts, _ in fit.records if (t := clock(ts)) is not None]
    if not times:
        raise FileImportError(name, "it holds no recorded activity (no session and no "
                                    "timed records)")
    first, last = times[0], times[-1]
    notes.append("no session summary in the file: times and distance come from the records")
    sport_name = fit.sport
    sport = _SPORTS.get(sport_name, Sport.OTHER) if isinstance(sport_name, str) else None
    if sport_name in _NOT_NAMED:
        sport = None
    return ActivityDraft(
        sport=sport, start=first, duration_s=(last - first).total_seconds(),
        distance_m=number(fit.last_distance), laps=[m for lap in fit.laps if (m := _lap(lap))],
        cadence=[spm for _, spm in fit.records if spm is not None], cadence_per_leg=False,
        utc_offset_min=offset, notes=tuple(notes),
        sport_word=sport_word(sport_name, fit.sub_sport) if sport in _NAMED else None)


def _offset(fit: _Fit) -> int | None:
    """Minutes from UTC to local time, to the nearest 15: from the activity message, else
    from a timestamp correlation message."""
    for t_raw, local_raw in ((fit.activity_time, fit.activity_local),
                             (fit.correlation.get("timestamp"),
                              fit.correlation.get("local_timestamp"))):
        t, local = as_utc(t_raw), as_utc(local_raw)
        if t is None or local is None:
            continue
        minutes = round((local - t).total_seconds() / 60 / 15) * 15
        return minutes if abs(minutes) <= 14 * 60 else None
    return None


def _workout(fit: _Fit, name: str, options: ImportOptions) -> Draft:
    sport, sub = fit.workout.get("sport"), fit.workout.get("sub_sport")
    if not isinstance(sport, str) or sport in _NOT_NAMED:
        sport, sub = fit.sport, fit.sub_sport
    named = sport_word(sport, sub)
    if named is None:
        if options.sport is None:
            return NotActivity("a planned workout that does not say which sport it is for, "
                               "so it was not planned; if it is a run, import it again with "
                               "--sport run")
        if options.sport is not Sport.RUN:
            return NotActivity(f"a planned workout for a {options.sport.value} (--sport), "
                               f"not a run; not planned")
    elif sport != "running":
        return NotActivity(f"a planned {named} workout, not a run; not planned")
    if not fit.steps:
        raise FileImportError(name, "it is a workout file without steps")
    steps = sorted(fit.steps, key=lambda s: number(s.get("message_index")) or 0)
    title_raw = fit.workout.get("wkt_name")
    title = (title_raw if isinstance(title_raw, str) and title_raw.strip()
             else name.replace("\\", "/").rsplit("/", 1)[-1])[:200]
    kind = run_kind(title)  # the words calendar titles are read by
    if kind is not RunKind.RACE and _has_intervals(steps):
        kind = RunKind.INTERVAL
    seconds = _timed_seconds(steps)
    minutes = None if seconds is None else max(1, min(1440, round(seconds / 60)))
    run = PlannedRun(date=options.workout_date, kind=kind, minutes=minutes, title=title)
    return PlannedDraft((run,), notes=("workout files carry no date: planned on "
                                       f"{options.workout_date.isoformat()} (--workout-date)",))


def _has_intervals(steps: list[dict[str, Any]]) -> bool:
    """Repeated steps, or two or more work steps with a rest or recovery step between."""
    for i, s in enumerate(steps):
        kind = s.get("duration_type")
        if kind not in _REPEAT_TYPES:
            continue
        back = number(s.get("duration_step"))
        if back is None:
            back = number(s.get("duration_value"))
        if back is None or not 0 <= back < i:
            continue
        if kind != "repeat_until_steps_cmplt" or (number(s.get("repeat_steps")) or 0) >= 2:
            return True  # repeating until a time, distance or heart rate: at least twice
    work_seen = rest_after_work = False
    for s in steps:
        intensity = s.get("intensity")
        if intensity in _WORK:
            if rest_after_work:
                return True
            work_seen = True
        elif intensity in _REST and work_seen:
            rest_after_work = True
    return False


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

