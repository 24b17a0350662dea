"""A coach's plan changes: the request bodies (one per kind) and the answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from anklet.domain.history import ExerciseId
from anklet.web.schemas.common import PublicModel

Note = Annotated[str, Field(min_length=3, max_length=1000,
                            description="why, in words (the client sees it with the change)")]


class PlanChangeCreate(BaseModel):
    """A plan change. ``kind`` says which, and which other fields it takes:

    * ``swap``: give ``replacement`` wherever the plan gives ``exercise`` (the same kind of
      work, of the person's stage and safe for them now);
    * ``remove``: leave ``exercise`` out (its block takes another; a block the stage's gate
      counts always keeps one);
    * ``add``: add ``exercise`` (of the person's stage and safe for them now) to the block of
      its kind, or to a block of its own;
    * ``pin``: always give ``exercise`` at ``sets`` × ``reps`` (or × ``seconds`` for a timed
      one), within one set of its own and the dose levels of the progression.

    Fields a kind does not take, or one it needs left out, answer 409 naming the field."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["swap", "remove", "add", "pin"]
    exercise: ExerciseId
    replacement: ExerciseId | None = Field(default=None, description="swap only")
    sets: Annotated[int, Field(ge=1, le=10)] | None = Field(default=None, description="pin only")
    reps: Annotated[int, Field(ge=1, le=100)] | None = Field(
        default=None, description="pin only: reps a set (or seconds, not both)")
    seconds: Annotated[int, Field(ge=5, le=1800)] | None = Field(
        default=None, description="pin only: seconds a set (or reps, not both)")
    note: Note


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
