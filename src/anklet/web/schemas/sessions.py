"""Sessions: what was done, effort, and pain during and the next morning."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from anklet.domain.history import Pain, Session
from anklet.web.schemas.common import PublicModel


class SessionCreate(Session):
    """A session as ``anklet log`` takes it: at least one exercise (ids from the exercise
    library), effort (rpe 0–10), pain (0–10) before, during and the next morning, and
    ``gait_off`` (true when walking or running felt off that day; false when left out).
    Pain during is required: it decides whether the dose steps up, so it is never taken as
    0 when left out."""

    pain_during: Pain


class SessionPublic(Session):
    """A stored session."""


class SessionListed(SessionPublic):
    """A stored session with its id (to correct or delete it)."""

    id: int = Field(ge=1, le=2**31 - 1, description="the record's id")


class SessionsPublic(PublicModel):
    """A person's sessions, oldest first, each with its id."""

    data: list[SessionListed]
    count: int


class MorningPainUpdate(BaseModel):
    """Pain the morning after a session (0 = none, 10 = worst imaginable)."""

    model_config = ConfigDict(extra="forbid")

    pain_next_morning: Pain
