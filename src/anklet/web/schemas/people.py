"""People: the list a coach sees, one person's page in data, and adding a client."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from anklet.domain.decisions import FlagKind, Status
from anklet.domain.history import Intake
from anklet.domain.units import Side
from anklet.web.schemas.assessments import AvailabilityPublic, IntakePublic
from anklet.web.schemas.common import Line, PublicModel


class PersonBase(BaseModel):
    """What names a person."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[Line, Field(min_length=1, max_length=120, description="their name as you "
                                                                           "call them, on one "
                                                                           "line")]


class PersonCreate(PersonBase):
    """A new client on the coach's list; the intake is optional (today's date, no history,
    when left out)."""

    intake: Intake | None = None


class LastChangePublic(PublicModel):
    """The latest advance, step back or dose cut."""

    date: dt.date
    kind: Literal["advance", "step_back", "reduce_dose", "override"]
    from_stage: int
    to_stage: int
    cause: FlagKind | None


class DecisionSummaryPublic(PublicModel):
    """The small part of the last decision kept for lists and dashboards."""

    stage_name: str | None
    stage_since: dt.date | None
    flags: list[str] = Field(description="kinds of flag raised, e.g. pain_flare, retest_due")
    gate_met: int = Field(description="required criteria of the next gate that are met")
    gate_total: int = Field(description="required criteria of the next gate")
    last_change: LastChangePublic | None = Field(
        default=None, description="the latest change of stage or dose (null before any)")
    last_logged: dt.date | None = Field(
        default=None, description="the last day a session was logged (null before the first)")
    this_week_pct: int | None = Field(
        default=None, ge=0, le=100,
        description="share of this week's targets kept so far, 0–100, against the stage of "
                    "the week (null before the first stage and while nothing is prescribed)")
    last_week_pct: int | None = Field(
        default=None, ge=0, le=100,
        description="share of last week's targets kept, 0–100, against the stage of that week "
                    "(null before the first stage, for a week before it, and while nothing "
                    "is prescribed)")


class PersonPublic(PublicModel):
    """A person on the list, with their last stored decision (null before the first)."""

    key: str = Field(description="the person's id, used in every /people/{key} address")
    name: str
    stage: int | None
    status: Status | None
    clear_to_train: bool | None
    as_of: dt.date | None = Field(description="the date the stored decision was made for")
    summary: DecisionSummaryPublic | None
    has_account: bool = Field(description="the person signs in themself (a client or a "
                                          "self-coached account)")


class PeoplePublic(PublicModel):
    """The people this account may see: a coach's clients, or just oneself."""

    data: list[PersonPublic]
    count: int


class StoredDecisionPublic(PublicModel):
    """The last decision saved for a person (every change re-decides and saves it)."""

    as_of: dt.date
    evaluated_at: dt.datetime
    stage: int | None
    status: Status
    clear_to_train: bool
    summary: DecisionSummaryPublic


class PersonDetailPublic(PublicModel):
    """One person: who they are, their intake and weekly time, and their stored decision."""

    key: str
    name: str
    created: dt.date | None
    dominant_side: Side | None
    has_account: bool
    intake: IntakePublic | None
    availability: AvailabilityPublic
    decision: StoredDecisionPublic | None
