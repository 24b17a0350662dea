"""Generated FIT files for the importer tests, written with fit-tool (a dev dependency).

Each builder writes what a watch writes: ``file_id``, then per sport its ``record``
messages (one a second-ish), a ``lap`` and a ``session``, then one ``activity`` message.
Times are given as FIT values: seconds since 1989-12-31 UTC, or, below 0x10000000, seconds
since the watch was switched on (fit-tool takes milliseconds since 1970, so each value is
turned into that on the way in).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.lap_message import LapMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.messages.timestamp_correlation_message import (
    TimestampCorrelationMessage,
)
from fit_tool.profile.messages.workout_message import WorkoutMessage
from fit_tool.profile.messages.workout_step_message import WorkoutStepMessage
from fit_tool.profile.profile_type import (
    FileType,
    Intensity,
    Manufacturer,
    Sport,
    SubSport,
    WorkoutStepDuration,
)

FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)
FIT_EPOCH_UNIX_S = 631065600


def fit_time(t: dt.datetime) -> int:
    """A real time as a FIT value (seconds since 1989-12-31 UTC)."""
    return int((t - FIT_EPOCH).total_seconds())


def _ms(value: int) -> int:
    """A FIT value as fit-tool wants it: milliseconds since 1970."""
    return (value + FIT_EPOCH_UNIX_S) * 1000


@dataclass(frozen=True, slots=True)
class Part:
    """One sport of a recorded file (one ``session``)."""

    sport: Sport
    start: int
    """FIT time of its start."""
    seconds: int
    metres: float
    cadence: int | None = None
    """Per leg, as watches write it (a runner's 84 is 168 steps a minute)."""
    sub_sport: SubSport = SubSport.GENERIC


def activity_file(parts: Sequence[Part], *, activity_end: int | None = None,
                  local_offset_s: int | None = None,
                  correlation: tuple[int, int] | None = None,
                  early_records: Sequence[int] = ()) -> bytes:
    """An activity file with one session per part.

    ``activity_end`` is the activity message's timestamp (default: the last part's end);
    ``local_offset_s`` adds its local_timestamp; ``correlation`` writes a
    timestamp_correlation message of (real FIT time, relative time) for the same moment;
    ``early_records`` are records at these (relative) times before the first part, as a
    watch writes them before it knows the time.
    """
    b = FitFileBuilder(auto_define=True, min_string_size=50)
    fid = FileIdMessage()
    fid.type = FileType.ACTIVITY
    fid.manufacturer = Manufacturer.DEVELOPMENT.value
    fid.product = 0
    fid.serial_number = 0x12345678
    fid.time_created = _ms(parts[0].start)
    b.add(fid)
    if correlation is not None:
        tc = TimestampCorrelationMessage()
        tc.timestamp = _ms(correlation[0])
        tc.system_timestamp = _ms(correlation[1])
        if local_offset_s is not None:
            tc.local_timestamp = correlation[0] + local_offset_s
        b.add(tc)
    for t in early_records:
        r = RecordMessage()
        r.timestamp = _ms(t)
        b.add(r)
    for p in parts:
        steps = max(1, p.seconds // 10)
        for i in range(steps + 1):
            r = RecordMessage()
            r.timestamp = _ms(p.start + i * p.seconds // steps)
            r.distance = p.metres * i / steps
            if p.cadence is not None:
                r.cadence = p.cadence
            b.add(r)
        end = p.start + p.seconds
        for message in (LapMessage(), SessionMessage()):
            message.timestamp = _ms(end)
            message.start_time = _ms(p.start)
            message.total_elapsed_time = float(p.seconds)
            message.total_timer_time = float(p.seconds)
            message.total_distance = p.metres
            message.sport = p.sport
            message.sub_sport = p.sub_sport
            b.add(message)
    act = ActivityMessage()
    end = activity_end if activity_end is not None else parts[-1].start + parts[-1].seconds
    act.timestamp = _ms(end)
    if local_offset_s is not None and correlation is None:
        act.local_timestamp = end + local_offset_s
    act.num_sessions = len(parts)
    b.add(act)
    return bytes(b.build().to_bytes())


@dataclass(frozen=True, slots=True)
class Step:
    """One workout step: timed (seconds), by distance (metres), or a repeat of steps."""

    intensity: Intensity
    seconds: float | None = None
    metres: float | None = None
    repeat_from: int | None = None
    times: int | None = None


def workout_file(name: str, steps: Sequence[Step], sport: Sport | None = None,
                 sub_sport: SubSport | None = None) -> bytes:
    """A workout file; ``sport`` None leaves the sport out, as many workout files do."""
    b = FitFileBuilder(auto_define=True, min_string_size=50)
    fid = FileIdMessage()
    fid.type = FileType.WORKOUT
    fid.manufacturer = Manufacturer.DEVELOPMENT.value
    fid.product = 0
    fid.serial_number = 0x12345678
    fid.time_created = _ms(fit_time(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)))
    b.add(fid)
    w = WorkoutMessage()
    w.workout_name = name
    w.num_valid_steps = len(steps)
    if sport is not None:
        w.sport = sport
    if sub_sport is not None:
        w.sub_sport = sub_sport
    b.add(w)
    for i, s in enumerate(steps):
        m = WorkoutStepMessage()
        m.message_index = i
        m.intensity = s.intensity
        if s.repeat_from is not None:
            m.duration_type = WorkoutStepDuration.REPEAT_UNTIL_STEPS_CMPLT
            m.duration_step = s.repeat_from
            m.target_repeat_steps = s.times or 0
        elif s.seconds is not None:
            m.duration_type = WorkoutStepDuration.TIME
            m.duration_time = s.seconds
        else:
            m.duration_type = WorkoutStepDuration.DISTANCE
            m.duration_distance = s.metres or 0.0
        b.add(m)
    return bytes(b.build().to_bytes())
