"""Messages between a coach and their client: the request body and the answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from anklet.domain.history import MESSAGE_MAX
from anklet.web.schemas.common import PublicModel

_OK = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
BODY_PATTERN = rf"^[^{_OK}]*[^\s{_OK}][^{_OK}]*$"
"""Text without control characters (tabs and line breaks are fine) and not only spaces."""

Body = Annotated[str, Field(min_length=1, max_length=MESSAGE_MAX, pattern=BODY_PATTERN,
                            description="the message: 1 to 4000 characters, line breaks "
                                        "kept (\\r\\n and \\r are stored as \\n), spaces "
                                        "at either end dropped")]


class MessageCreate(BaseModel):
    """A message in the person's thread, or (a coach only) a comment on one of the person's
    logged sessions."""

    model_config = ConfigDict(extra="forbid")

    body: Body
    session: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(
        default=None, description="the coach's comment on this session of the person's (its "
                                  "id, as in the records); left out for a plain message")


class MessagePublic(PublicModel):
    """One message."""

    id: int = Field(ge=1, le=2**31 - 1)
    at: dt.datetime = Field(description="when it was sent (UTC)")
    author: Literal["coach", "client"] = Field(description="who wrote it")
    name: str = Field(description="the writer's name")
    mine: bool = Field(description="written by this account")
    body: str
    session: int | None = Field(default=None, description="a comment on this session (id)")
    session_date: dt.date | None = Field(default=None, description="that session's day")


class MessagesPublic(PublicModel):
    """A person's thread with their coach, oldest first."""

    data: list[MessagePublic]
    count: int = Field(ge=0)
    unread: int = Field(ge=0, description="messages from the other side this account had "
                                          "not read before this request (reading marks them "
                                          "read)")
