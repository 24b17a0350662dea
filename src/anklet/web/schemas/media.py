"""A coach's own media for exercises: the answers (an item is added or replaced with a
multipart form: ``file`` or ``url``, and ``caption``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from anklet.web.schemas.common import PublicModel


class MediaPublic(PublicModel):
    """One photo, video or link of a coach's for an exercise."""

    id: int = Field(ge=1, le=2**31 - 1)
    exercise: str = Field(description="the library exercise's id")
    kind: Literal["photo", "video", "link"]
    caption: str = Field(description="a line from the coach (may be empty)")
    url: str | None = Field(default=None, description="a link's address (links only)")
    file: str | None = Field(default=None, description="where the API serves a photo's or "
                                                       "video's bytes (byte ranges accepted)")
    content_type: str | None = Field(default=None, description="image/jpeg, image/png, "
                                                               "video/mp4 or video/webm")
    size: int = Field(ge=0, description="bytes of the file (0 for a link)")
    width: int | None = Field(default=None, description="a photo's width in pixels")
    height: int | None = Field(default=None, description="a photo's height in pixels")
    version: int = Field(ge=1, description="grows each time the item is replaced")
    created_at: dt.datetime
    updated_at: dt.datetime


class MediaListPublic(PublicModel):
    """The media this account sees for one exercise (a coach's own; a client's coach's),
    oldest first."""

    data: list[MediaPublic]
    count: int = Field(ge=0)
