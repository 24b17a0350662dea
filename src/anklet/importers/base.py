"""The shape every importer shares: one fixed processing method, one subclass per format.

:meth:`Importer.process` is the same for every format and cannot be overridden::

    bytes ─▶ size check ─▶ SHA-256 ─▶ _decode (the format's library)   ─▶ _convert (ours)
                                        any library failure becomes       ─▶ Draft
                                        FileImportError naming the file
         ─▶ _finish: one model — RecordedActivities (one, or one per sport of a multisport
                     file), planned runs, or "not an activity"

A subclass supplies ``_decode`` (bytes to the library's objects; whatever the library
raises on a broken file is turned into :class:`FileImportError` here, in plain words) and
``_convert`` (the library's objects to a :class:`Draft`; it raises only
:class:`FileImportError`). Everything shared — cadence in steps per minute and its spread,
the sport a file does not name, the plausible speed of each sport
(:data:`PLAUSIBLE_MAX_KMH`), validation into the one
:class:`~anklet.domain.history.RecordedActivity` model — happens in :meth:`Importer._finish`.
No database is involved: parse a file anywhere with ``FitImporter().process(data, name=...)``.

Size limits (:class:`Limits`, each documented there) keep a hostile or mistaken file from
exhausting memory; zip archives are opened by :mod:`anklet.importers.bundle`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import statistics
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, TypeVar, final

from pydantic import ValidationError

from anklet.domain.errors import FileImportError
from anklet.domain.history import Lap, PlannedRun, RecordedActivity, Sport, problems_from

__all__ = [
    "DEFAULT_LIMITS",
    "PLAUSIBLE_MAX_KMH",
    "ActivitiesDraft",
    "ActivityDraft",
    "Calendar",
    "Draft",
    "ImportOptions",
    "Importer",
    "Limits",
    "NotActivity",
    "Parsed",
    "PlannedDraft",
    "as_utc",
    "cadence_stats",
    "check_plausible",
    "content_hash",
    "number",
    "part_hash",
]

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """How big an imported file or archive may be (bytes unless said otherwise)."""

    file_bytes: int = 64 * MiB
    """One activity, workout or calendar file. A 10-hour run recorded every second is
    about 2 MiB as FIT and 10 MiB as GPX; 64 MiB leaves room and bounds memory."""
    archive_bytes: int = 1024 * MiB
    """A zip archive on disk (it is read member by member, never whole)."""
    member_bytes: int = 64 * MiB
    """One member of a zip, uncompressed (the same as a file on its own)."""
    total_bytes: int = 512 * MiB
    """All members of a zip together, uncompressed, as the archive declares them. Over it
    the archive is refused before anything in it is read."""
    members: int = 10_000
    """Files in one zip."""
    ratio: float = 100.0
    """Most a member may be compressed (uncompressed size / compressed size). Activity and
    calendar files compress about 3 to 15 to 1; a zip bomb a thousand to one or more."""
    ratio_from_bytes: int = 1 * MiB
    """Members smaller than this are not held to ``ratio``: a tiny file of repeated bytes
    compresses far, but cannot hurt."""
    zip_depth: int = 3
    """Archives opened inside one another, the outer one counted: a Garmin export is two
    (its uploaded files are zips inside it); a bomb of zips in zips stops here. Sizes and
    file counts of all of them together are held to ``total_bytes`` and ``members``."""


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """Choices the files themselves do not make."""

    workout_date: dt.date = field(default_factory=dt.date.today)
    """The date to plan a FIT workout on: workout files carry no date."""
    sport: Sport | None = None
    """The sport of files that name none (a GPX track without a type, a TCX "Other")."""
    today: dt.date = field(default_factory=dt.date.today)
    """The day of the import: a calendar's runs are planned from this day on, for the weeks
    ahead (its events before it are left alone)."""


@dataclass(frozen=True, slots=True)
class ActivityDraft:
    """What a format's converter read from a recorded activity, before the shared steps."""

    sport: Sport | None
    start: dt.datetime
    duration_s: float
    distance_m: float | None = None
    laps: Sequence[Lap] = ()
    cadence: Sequence[float] = ()
    """Cadence samples as the file gives them (zeros, standing still, are dropped later)."""
    cadence_per_leg: bool | None = None
    """True: the samples count one leg (double them); False: steps per minute already;
    None: decide by their median (below 120 they can only be one leg's)."""
    utc_offset_min: int | None = None
    notes: tuple[str, ...] = ()
    sport_word: str | None = None
    """What the file calls a sport stored as "other" ("rowing") or a swim ("pool swim"):
    the import's report names it so."""


@dataclass(frozen=True, slots=True)
class ActivitiesDraft:
    """Several activities recorded in one file (a triathlon, a multisport watch file)."""

    parts: tuple[ActivityDraft, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Calendar:
    """A calendar file's name and the days its runs were read for (``start`` included,
    ``end`` excluded): its runs stored for those days are replaced by what it holds now."""

    name: str
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class PlannedDraft:
    runs: tuple[PlannedRun, ...]
    notes: tuple[str, ...] = ()
    calendar: Calendar | None = None


@dataclass(frozen=True, slots=True)
class NotActivity:
    what: str
    """What the file is instead, in words ("a daily monitoring file")."""


Draft = ActivityDraft | ActivitiesDraft | PlannedDraft | NotActivity


@dataclass(frozen=True, slots=True)
class Parsed:
    """The one model every importer produces: activities, planned runs, or neither.

    A file holds one activity, or several when it records several sports in a row (a
    triathlon): the first is stored under the file's own content hash, so importing the
    file again is known as a duplicate; each further one under a hash derived from it
    (:func:`part_hash`)."""

    name: str
    format: str
    content_hash: str
    activities: tuple[RecordedActivity, ...] = ()
    planned_runs: tuple[PlannedRun, ...] = ()
    not_activity: str | None = None
    notes: tuple[str, ...] = ()
    sport_words: tuple[str | None, ...] = ()
    """For each activity, what the file calls its sport where it is stored as "other"
    ("rowing") or is a swim ("pool swim"), else None."""
    calendar: Calendar | None = None
    """For a calendar: which one, and the days its runs were read for."""

    @property
    def activity(self) -> RecordedActivity | None:
        """The first (usually the only) activity."""
        return self.activities[0] if self.activities else None

    @property
    def kind(self) -> Literal["activity", "planned", "not_activity"]:
        if self.activities:
            return "activity"
        return "not_activity" if self.not_activity is not None else "planned"


def content_hash(data: bytes) -> str:
    """SHA-256 of a file's bytes, hex: the same file is stored once."""
    return hashlib.sha256(data).hexdigest()


def part_hash(digest: str, index: int) -> str:
    """The content hash of a file's ``index``-th activity (0: the file's own hash)."""
    if index == 0:
        return digest
    return hashlib.sha256(f"{digest}:part:{index}".encode()).hexdigest()


def number(value: Any) -> float | None:
    """A finite int or float from a parsed file, else None (broken files hold anything)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def as_utc(value: Any) -> dt.datetime | None:
    """A timestamp from a file as an aware UTC datetime (naive ones are taken as UTC)."""
    if not isinstance(value, dt.datetime):
        return None
    try:
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None


STEPS_PER_LEG_BELOW = 120.0
"""A running cadence whose median is below this counts one leg: nobody runs at fewer
than 120 steps a minute, and one leg's count of a runner is 75–100."""

MAX_SPM = 300.0
"""Samples above this (after doubling) are sensor glitches and are dropped."""


def cadence_stats(samples: Sequence[float], per_leg: bool | None) -> tuple[float, float] | None:
    """Mean and standard deviation of running cadence in steps per minute, or None.

    Zero samples (standing still) and glitches above :data:`MAX_SPM` are left out.
    """
    values = [v for v in samples if v > 0]
    if not values:
        return None
    if per_leg is None:
        per_leg = statistics.median(values) < STEPS_PER_LEG_BELOW
    if per_leg:
        values = [2 * v for v in values]
    values = [v for v in values if v <= MAX_SPM]
    if not values:
        return None
    return round(statistics.fmean(values), 2), round(statistics.pstdev(values), 2)


PLAUSIBLE_MAX_KMH: dict[Sport, float] = {
    Sport.RUN: 30.0,
    Sport.WALK: 20.0,
    Sport.RIDE: 80.0,
}
"""Fastest average speed (km/h, distance over moving time) an activity of each sport can
have; a faster one is refused with its numbers (a watch left on in a car or a train, a
ride imported as a run with ``--sport run``). Convention, set well above the world
records: the marathon record (2:00:35) averages 21.0 km/h and the 100 m record 37.6 km/h
over under 10 s; the 20 km race-walk record 15.7 km/h; the cycling hour record 56.8 km/h
(e-bikes assist to 25–45 km/h). Swims (a pool's length is often miscounted, open water
has currents) and "other" (skiing, rowing, a sport not named) are not checked, and no sport
has a lowest speed: stops, steep climbs and a watch left running make any slow average
possible. The gait rules never read these numbers; they only keep
impossible records out of the history."""


def check_plausible(name: str, sport: Sport, duration_s: float, distance_m: float | None,
                    *, sport_from_option: bool = False) -> None:
    """Refuse an activity whose average speed is impossible for its sport, with the numbers."""
    limit = PLAUSIBLE_MAX_KMH.get(sport)
    if limit is None or distance_m is None or not duration_s > 0:
        return
    kmh = distance_m * 3.6 / duration_s
    if round(kmh, 6) <= limit:  # at the limit is accepted, whatever the float rounding
        return
    why = (f"it was imported as a {sport.value} with --sport; name the sport it was, or "
           f"leave --sport out" if sport_from_option
           else f"the file says it is a {sport.value}: was the watch left on in a car or a "
                f"train?")
    raise FileImportError(name, f"its average speed, {kmh:.1f} km/h ({distance_m / 1000:.1f} "
                                f"km in {_hm(duration_s)}), is not possible for a "
                                f"{sport.value}, which is accepted up to {limit:.0f} km/h "
                                f"({why}); nothing was stored")


def _hm(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{seconds:.0f} s" if seconds < 60 else f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


D = TypeVar("D")


class Importer(ABC, Generic[D]):
    """Reads one file format into :class:`Parsed`; subclasses fill in the two format steps."""

    format: ClassVar[Literal["fit", "gpx", "tcx", "ics"]]
    label: ClassVar[str]
    """The format's name for messages ("FIT")."""
    extensions: ClassVar[tuple[str, ...]]

    @final
    def process(self, data: bytes, *, name: str, options: ImportOptions | None = None,
                limits: Limits = DEFAULT_LIMITS) -> Parsed:
        """Parse one file's bytes; raise :class:`FileImportError` (naming ``name``) if broken."""
        options = options or ImportOptions()
        if len(data) > limits.file_bytes:
            raise FileImportError(name, f"it is {len(data) / MiB:.1f} MB; files over "
                                        f"{limits.file_bytes / MiB:.0f} MB are not imported")
        if not data.strip():
            raise FileImportError(name, "the file is empty")
        digest = content_hash(data)
        try:
            decoded = self._decode(data, name)
        except FileImportError:
            raise
        except Exception as e:  # any library failure on a broken file becomes ours
            raise FileImportError(name, self._unreadable(e)) from e
        draft = self._convert(decoded, name, options)
        return self._finish(draft, name=name, digest=digest, options=options)

    @abstractmethod
    def _decode(self, data: bytes, name: str) -> D:
        """The format library's reading of the bytes (may raise whatever the library does)."""

    @abstractmethod
    def _convert(self, decoded: D, name: str, options: ImportOptions) -> Draft:
        """The library's objects to a draft; raises only :class:`FileImportError`."""

    def _unreadable(self, e: Exception) -> str:
        """A library's complaint about a broken file, in plain words."""
        detail = (str(e).strip().splitlines() or [type(e).__name__])[0][:200]
        return f"it is not a readable {self.label} file ({detail})"

    @final
    def _finish(self, draft: Draft, *, name: str, digest: str, options: ImportOptions) -> Parsed:
        if isinstance(draft, NotActivity):
            return Parsed(name, self.format, digest, not_activity=draft.what)
        if isinstance(draft, PlannedDraft):
            return Parsed(name, self.format, digest, planned_runs=draft.runs, notes=draft.notes,
                          calendar=draft.calendar)
        parts = (draft,) if isinstance(draft, ActivityDraft) else draft.parts
        if not parts:
            raise FileImportError(name, "it holds no recorded activity")
        label = _display_name(name)
        activities = []
        notes: list[str] = [] if isinstance(draft, ActivityDraft) else list(draft.notes)
        for i, part in enumerate(parts):
            if len(parts) > 1:
                label = f"{_display_name(name)[:190]} ({i + 1} of {len(parts)})"
            activities.append(self._activity(part, name=name, label=label,
                                             digest=part_hash(digest, i), options=options))
            notes.extend(part.notes)
        return Parsed(name, self.format, digest, activities=tuple(activities),
                      notes=tuple(notes), sport_words=tuple(p.sport_word for p in parts))

    @final
    def _activity(self, draft: ActivityDraft, *, name: str, label: str, digest: str,
                  options: ImportOptions) -> RecordedActivity:
        sport = draft.sport or options.sport or Sport.OTHER
        stats = cadence_stats(draft.cadence, draft.cadence_per_leg) if sport is Sport.RUN else None
        if not draft.duration_s > 0:
            raise FileImportError(name, "it has no duration: its start and end times are the same")
        # no distance at all over a positive duration means "not measured" (an indoor ride
        # without a speed sensor, a treadmill run without a foot pod), not "stood still"
        distance = draft.distance_m or None
        check_plausible(name, sport, draft.duration_s, distance,
                        sport_from_option=draft.sport is None and options.sport is not None)
        try:
            return RecordedActivity(
                start=draft.start, utc_offset_min=draft.utc_offset_min, sport=sport,
                duration_s=round(draft.duration_s, 3),
                distance_m=None if distance is None else round(distance, 2),
                laps=list(draft.laps), cadence_spm=stats[0] if stats else None,
                cadence_sd=stats[1] if stats else None, content_hash=digest,
                source=self.format, name=label)
        except ValidationError as e:
            where, value, accepted = problems_from(e)[0]
            raise FileImportError(name, f"its {where.replace('_', ' ')} {value!r} cannot be "
                                        f"right ({accepted})") from e


def _display_name(name: str) -> str:
    """The file's own name (no folders), printable, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    clean = "".join(c if c.isprintable() else "?" for c in base)
    return clean[:200] or "file"
