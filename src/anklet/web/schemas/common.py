"""What every route may answer with: the error body, and the accepted range of dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from anklet.domain.errors import Problem

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
DATE_ACCEPTED = f"accepted: a date from {EARLIEST} to {LATEST}"
"""Dates the API accepts anywhere: wide enough for any real record, narrow enough that
the planner's date arithmetic (weeks, look-backs) never runs off the calendar."""


class PublicModel(BaseModel):
    """Base of the response models: every field is documented, nothing else is sent."""

    model_config = ConfigDict(extra="forbid")


class ProblemPublic(PublicModel):
    """One thing wrong with the request."""

    field: str = Field(description="where: a field name, or a path such as sessions[0].date")
    value: Any = Field(default=None, description="the value given (null when none was given)")
    accepted: str = Field(description="what would be accepted, in words")


class ErrorPublic(PublicModel):
    """An error: its kind, a message in plain words and, for bad input, what was wrong."""

    error: str = Field(description="the kind of error, e.g. InputError, NotFoundError, "
                                   "HistoryError, SignInError")
    message: str
    field: str | None = None
    value: Any = None
    accepted: str | None = None
    problems: list[ProblemPublic] | None = Field(
        default=None, description="every problem found, when there were several")


Responses = dict[int | str, dict[str, Any]]
"""Extra answers a route documents (FastAPI's ``responses=``)."""


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorPublic, "description": description}


UNAUTHORIZED: Responses = {401: _error("No API token, or one that is not valid. Send "
                            "`Authorization: Bearer ank_…` (make a token on your account page).")}
INVALID: Responses = {422: _error("A value is not accepted: `field`, `value` and `accepted` say which and "
                       "why; `problems` lists each when there are several.")}
NOT_FOUND: Responses = {404: _error("No such person, or not one this account may see (the two look the "
                         "same).")}
FORBIDDEN: Responses = {403: _error("This account's role may not do this (a client does not assess, "
                         "only a coach adds or deletes people).")}


def date_problems(value: Any, path: str = "") -> list[Problem]:
    """Every date (or time) in ``value`` outside :data:`EARLIEST`..:data:`LATEST`, by path."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if EARLIEST <= value <= LATEST:
            return []
        return [(path or "date", value.isoformat(), DATE_ACCEPTED)]
    out: list[Problem] = []
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            out += date_problems(getattr(value, name), f"{path}.{name}" if path else name)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            out += date_problems(item, f"{path}[{i}]")
    return out
