"""The exercise model and queries over the library.

The library lives in ``anklet/data/exercises.yaml``. Loading validates
every entry (missing fields, unknown values, easier/harder/prerequisite
links to unknown ids, an easier/harder link that does not point back) and fails with the file and
the line of the offending entry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from anklet.domain.datafile import line_of, parse_yaml, read_text, strip_lines
from anklet.domain.errors import DataFileError, NotFoundError
from anklet.domain.history import Activity, problems_from
from anklet.domain.measures import MeasureKind

HEEL_WARNING = ("Never roll or press on the heel: it has many sensitive nerves. Work the ball "
                "of the foot, the toe pads and the arch only.")
"""Shown wherever foot release is shown (the method insists on it)."""


class Category(StrEnum):
    """What an exercise is for; the planner schedules by category."""

    FOOT_RELEASE = "foot_release"
    FOOT_AWARENESS = "foot_awareness"
    FOOT_HABIT = "foot_habit"
    SHIN_CALF_RELEASE = "shin_calf_release"
    ANKLE_MOBILITY = "ankle_mobility"
    BALANCE = "balance"
    LOADED_DORSIFLEXION = "loaded_dorsiflexion"
    AGILITY = "agility"
    THREE_PLANE = "three_plane"
    GAIT = "gait"
    CALF_STRENGTH = "calf_strength"      # heel-raise progressions
    ANKLE_STRENGTH = "ankle_strength"    # banded eversion/inversion strength
    LANDING = "landing"                  # hop-and-stick landing progression


class Impact(StrEnum):
    """How hard the foot meets the ground: planners keep high impact for people ready for it."""

    NONE = "none"          # no landing: release, mobility, lifts, holds
    LOW = "low"            # steps and shuffles without a jump
    MODERATE = "moderate"  # hops in place, hop and stick
    HIGH = "high"          # bounding, skater bounds, sprint starts, depth landings


class Region(StrEnum):
    TOES = "toes"
    FOREFOOT = "forefoot"
    ARCH = "arch"
    WHOLE_FOOT = "whole_foot"
    SHIN = "shin"
    CALF = "calf"
    ANKLE = "ankle"
    LOWER_LEG = "lower_leg"
    WHOLE_BODY = "whole_body"


class Plane(StrEnum):
    SAGITTAL = "sagittal"
    FRONTAL = "frontal"
    TRANSVERSE = "transverse"


class Motion(StrEnum):
    DORSIFLEXION = "dorsiflexion"
    PLANTARFLEXION = "plantarflexion"
    INVERSION = "inversion"
    EVERSION = "eversion"


class LoadType(StrEnum):
    NONE = "none"            # release and awareness work
    BODYWEIGHT = "bodyweight"
    EXTERNAL = "external"    # dumbbell, kettlebell, barbell, sandbag
    ASSISTED = "assisted"    # band, hands or a partner help the motion
    PLYOMETRIC = "plyometric"


class Equipment(StrEnum):
    NONE = "none"
    BALL = "ball"                # golf, lacrosse or massage ball
    FOAM_ROLLER = "foam_roller"
    BAND = "band"
    WALL = "wall"
    STEP = "step"
    SLANT_BOARD = "slant_board"
    PLATE = "plate"              # a weight plate to raise the toes or heels
    DUMBBELL = "dumbbell"
    KETTLEBELL = "kettlebell"
    BARBELL = "barbell"
    SANDBAG = "sandbag"
    LADDER = "ladder"
    CONES = "cones"
    TOWEL = "towel"
    STICK = "stick"
    BENCH = "bench"
    CUSHION = "cushion"


class Dose(BaseModel):
    """A default dose; a plan scales reps/seconds/rounds with the person's dose level."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # see DataModel
    sets: Annotated[int, Field(ge=1, le=10)] = 1
    reps: Annotated[int, Field(ge=1, le=100)] | None = None
    seconds: Annotated[int, Field(ge=5, le=1800)] | None = None
    rounds: Annotated[int, Field(ge=1, le=10)] | None = None
    per_side: bool = True
    load: Annotated[str, Field(max_length=120)] | None = None
    grows: bool = Field(default=True, description=(
        "false: the amount is the studied one (soft-tissue release, a stretch's 30 s hold); "
        "a plan may lower it while the dose is cut, but never raises it above this"))
    fixed: bool = Field(default=False, description=(
        "true: the amount is part of how the exercise works (count strides for 30 s and "
        "double them); no dose level changes it, up or down"))

    def scaled(self, level: float = 1.0) -> dict[str, int | None]:
        """Sets, reps, seconds and rounds at ``level`` (timed work in steps a person can count:
        see :func:`timed`; a dose that does not grow stays at its own amount above level 1.0).
        Every prescribed amount (the plan, the log form, the guided session) comes from here."""
        if self.fixed:
            level = 1.0
        elif not self.grows:
            level = min(level, 1.0)
        return {
            "sets": self.sets,
            "reps": scale(self.reps, level) if self.reps else None,
            "seconds": timed(self.seconds, level) if self.seconds else None,
            "rounds": scale(self.rounds, level, 3, 5) if self.rounds else None,
        }

    def describe(self, level: float = 1.0) -> str:
        """The dose in words, scaled by ``level`` (1.0 = the default)."""
        d = self.scaled(level)
        parts: list[str] = []
        if d["rounds"]:
            parts.append(f"{d['rounds']} rounds")
        else:
            head = f"{self.sets} × " if self.sets > 1 else ""
            if d["reps"]:
                parts.append(f"{head}{d['reps']} reps")
            if d["seconds"]:
                parts.append(f"{head}{seconds_words(d['seconds'])}")
        if self.per_side:
            parts.append("each side")
        if self.load:
            parts.append(self.load)
        return ", ".join(parts)


def scale(base: int, level: float, low: int | None = None, high: int | None = None) -> int:
    """Scale an integer dose by ``level``, rounding, optionally clamped."""
    v = max(1, round(base * level))
    if low is not None:
        v = max(low, v)
    if high is not None:
        v = min(high, v)
    return v


SECONDS_STEP = 5
"""Timed amounts go in steps of this many seconds: nobody counts a 16 s hold or times 78 s."""
LONG_SECONDS, LONG_STEP = 120, 30
"""From two minutes on, in half minutes: a walk of 8 min 50 s is as odd as a 16 s hold."""


def seconds_words(seconds: int) -> str:
    """A timed amount as a person reads it: "45 s" below two minutes, then "10 min" or
    "5 min 30 s"."""
    if seconds < LONG_SECONDS:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min" + (f" {rest} s" if rest else "")


def timed(base: int, level: float) -> int:
    """A timed amount of ``base`` seconds at ``level``, in :data:`SECONDS_STEP` steps (half
    minutes from :data:`LONG_SECONDS` on): the nearest step (a tie goes toward ``base``, the
    smaller change), never below one step (the shortest hold the library allows). Rising
    with the level and equal to ``base`` at level 1.0 for any base in whole steps, so no
    level between the lowest and highest dose level gives less than the lowest level or more
    than the highest: a 20 s hold runs 10, 15, 20, 25, 30 s over levels 0.6 to 1.5, never 12
    or 16 s, and a 10-minute walk 6, 6 min 30 s, … 15 min, never 8 min 50 s."""
    exact = round(base * level, 6)  # 20 × 1.1 is 22.000000000000004
    step = LONG_STEP if exact >= LONG_SECONDS else SECONDS_STEP
    below = step * math.floor(exact / step)
    above = below + step
    if exact - below != above - exact:
        v = below if exact - below < above - exact else above
    else:
        v = below if exact > base else above
    return max(SECONDS_STEP, v)


class Exercise(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # see DataModel

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
    name: Annotated[str, Field(min_length=3, max_length=120)]
    stages: Annotated[list[Annotated[int, Field(ge=1, le=4)]], Field(min_length=1)]
    category: Category
    suits: list[Activity] = Field(
        default_factory=list, description="activities this exercise especially serves; the "
                                          "planner prefers it for people who do them")
    region: Region
    motions: list[Motion] = Field(default_factory=list)
    planes: Annotated[list[Plane], Field(min_length=1)]
    load: LoadType
    equipment: Annotated[list[Equipment], Field(min_length=1)]
    dose: Dose
    minutes: Annotated[int, Field(ge=1, le=30)]
    level: Annotated[int, Field(ge=1, le=5)]
    how: Annotated[list[Annotated[str, Field(min_length=3)]], Field(min_length=1)]
    cautions: Annotated[list[Annotated[str, Field(min_length=3)]], Field(min_length=1)]
    why: Annotated[str, Field(min_length=10)]
    easier: str | None = None
    harder: str | None = None
    impact: Impact = Impact.NONE
    heavy: bool = Field(default=False, description="a heavy external load (heavy carries, "
                                                    "heavy deadlifts)")
    prerequisite: str | None = Field(default=None, description="an exercise id to have done "
                                                               "before this one")
    needs: dict[MeasureKind, Annotated[float, Field(gt=0)]] = Field(
        default_factory=dict, description="a test result the weaker side must reach first "
                                          "(for example balance_eyes_open: 30)")


@dataclass(frozen=True)
class Library:
    """The exercise library: entries by id, in file order."""

    version: int
    exercises: tuple[Exercise, ...]
    source: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {e.id: e for e in self.exercises})

    @property
    def by_id(self) -> dict[str, Exercise]:
        """Exercises by id (a shared mapping: do not modify)."""
        by_id: dict[str, Exercise] = self._by_id  # type: ignore[attr-defined]
        return by_id

    def get(self, exercise_id: str) -> Exercise:
        """The exercise with this id, or :class:`NotFoundError` naming the id."""
        by_id: dict[str, Exercise] = self._by_id  # type: ignore[attr-defined]
        try:
            return by_id[exercise_id]
        except KeyError:
            raise NotFoundError("exercise", exercise_id) from None

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self._by_id  # type: ignore[attr-defined]

    def query(
        self,
        *,
        stage: int | None = None,
        category: Category | None = None,
        region: Region | None = None,
        plane: Plane | None = None,
        equipment: Equipment | None = None,
        motion: Motion | None = None,
    ) -> list[Exercise]:
        """Exercises matching every filter given."""
        return [
            e for e in self.exercises
            if (stage is None or stage in e.stages)
            and (category is None or e.category is category)
            and (region is None or e.region is region)
            and (plane is None or plane in e.planes)
            and (equipment is None or equipment in e.equipment)
            and (motion is None or motion in e.motions)
        ]


def parse_library(text: str, *, name: str) -> Library:
    """Parse and validate exercise library YAML text."""
    raw = parse_yaml(text, name=name)
    if not isinstance(raw, dict) or not isinstance(raw.get("exercises"), list):
        raise DataFileError(name, line_of(raw), "expected a mapping with an 'exercises' list")
    version = raw.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DataFileError(name, line_of(raw),
                            f"'version' must be a positive integer, got {version!r}")
    items: list[Exercise] = []
    lines: dict[str, int | None] = {}
    for entry in raw["exercises"]:
        line = line_of(entry)
        try:
            ex = Exercise.model_validate(strip_lines(entry))
        except ValidationError as e:
            field, value, accepted = problems_from(e)[0]
            # For a missing field pydantic's "input" is the whole entry, not the field's value.
            shown = "missing" if e.errors()[0]["type"] == "missing" else repr(value)
            ident = entry.get("id", "?") if isinstance(entry, dict) else "?"
            raise DataFileError(name, line,
                                f"exercise {ident!r}: {field}: {shown} – {accepted}") from e
        if ex.id in lines:
            raise DataFileError(name, line, f"exercise id {ex.id!r} appears twice "
                                f"(first at line {lines[ex.id]})")
        lines[ex.id] = line
        items.append(ex)
    _check_links(items, lines, name)
    return Library(version=version, exercises=tuple(items), source=name)


def _check_links(items: Iterable[Exercise], lines: dict[str, int | None], name: str) -> None:
    by_id = {e.id: e for e in items}
    for e in by_id.values():
        if e.prerequisite is not None:
            if e.prerequisite not in by_id:
                raise DataFileError(name, lines[e.id], f"exercise {e.id!r}: prerequisite points "
                                    f"to unknown id {e.prerequisite!r}")
            if e.prerequisite == e.id:
                raise DataFileError(name, lines[e.id],
                                    f"exercise {e.id!r}: prerequisite points to itself")
        for attr, back in (("easier", "harder"), ("harder", "easier")):
            target = getattr(e, attr)
            if target is None:
                continue
            if target not in by_id:
                raise DataFileError(name, lines[e.id],
                                    f"exercise {e.id!r}: {attr} points to unknown id {target!r}")
            if target == e.id:
                raise DataFileError(name, lines[e.id],
                                    f"exercise {e.id!r}: {attr} points to itself")
            if getattr(by_id[target], back) != e.id:
                raise DataFileError(name, lines[e.id],
                                    f"exercise {e.id!r}: {attr} is {target!r}, but {target!r} "
                                    f"does not list {e.id!r} as its {back} version")


_DEFAULT: Library | None = None


def load_library(path: str | Path | None = None) -> Library:
    """Load the shipped library (cached) or a coach-supplied file."""
    global _DEFAULT
    if path is None and _DEFAULT is not None:
        return _DEFAULT
    text, name = read_text(path, "exercises.yaml")
    lib = parse_library(text, name=name)
    if path is None:
        _DEFAULT = lib
    return lib


def as_public_dict(ex: Exercise) -> dict[str, Any]:
    """A JSON-ready view of an exercise."""
    data: dict[str, Any] = ex.model_dump(mode="json", exclude_none=True)
    return data
