"""A coach's plan changes: the request bodies (one per kind) and the answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from anklet.domain.history import ExerciseId
from anklet.web.schemas.common import PublicModel

Note = Annotated[str, Field(min_length=3, max_length=1000,
                            description="why, in words (the client sees it with the change)")]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SwapCreate(_Body):
    """Give ``replacement`` wherever the plan would give ``exercise``: the same kind of work
    (category), of the person's stage and safe for them now."""

    kind: Literal["swap"]
    exercise: ExerciseId
    replacement: ExerciseId
    note: Note


class RemoveCreate(_Body):
    """Leave ``exercise`` out of the plan (its block takes another; a block the stage's gate
    counts always keeps one)."""

    kind: Literal["remove"]
    exercise: ExerciseId
    note: Note


class AddCreate(_Body):
    """Add ``exercise`` (of the person's stage and safe for them now) to the block of its
    kind, or to a block of its own."""

    kind: Literal["add"]
    exercise: ExerciseId
    note: Note


class RepsDose(_Body):
    sets: Annotated[int, Field(ge=1, le=10)]
    reps: Annotated[int, Field(ge=1, le=100)]


class SecondsDose(_Body):
    sets: Annotated[int, Field(ge=1, le=10)]
    seconds: Annotated[int, Field(ge=5, le=1800)]


class PinCreate(_Body):
    """Always give ``exercise`` at this dose: sets and reps for an exercise counted in reps,
    sets and seconds for one that is timed; within one set of its own and within the dose
    levels of the progression."""

    kind: Literal["pin"]
    exercise: ExerciseId
    dose: RepsDose | SecondsDose
    note: Note


PlanChangeCreate = Annotated[SwapCreate | RemoveCreate | AddCreate | PinCreate,
                             Field(discriminator="kind")]


class PlanChangePublic(PublicModel):
    """One plan change and where it stands this week."""

    id: int = Field(ge=1, le=2**31 - 1, description="the change's id (to end it)")
    date: dt.date = Field(description="the day it was made; it applies from then")
    kind: Literal["swap", "remove", "add", "pin"]
    exercise: str
    replacement: str | None = None
    sets: int | None = None
    reps: int | None = None
    seconds: int | None = None
    note: str
    by: str = Field(description="who made it")
    ended: dt.date | None = Field(default=None, description="the day it was ended")
    state: Literal["applied", "paused", "ended", "waiting"] = Field(
        description="applied this week; paused (``reason`` says why: the stage or the "
                    "person's state no longer allows it); ended; or waiting for its day")
    reason: str | None = Field(default=None, description="why it is paused, in words")
    words: str = Field(description="what it does, in plain words")


class PlanChangeMade(PlanChangePublic):
    """A change just made, with the advice it earned."""

    warnings: list[str] = Field(description="advice about the change, in words (it was "
                                            "made all the same)")


class PlanChangesPublic(PublicModel):
    """A person's plan changes: those in force first, newest first, then the ended ones."""

    data: list[PlanChangePublic]
    count: int
