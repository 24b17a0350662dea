"""What every route may answer with: the error body, and the accepted range of dates."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from anklet.domain.errors import Problem
from anklet.domain.measures import LEG_LENGTH, MEASURE_INFO, MeasureKind
from anklet.domain.text import LINE_ACCEPTED, LINE_PATTERN, TEXT_PATTERN, line_problem

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


DATE_PATTERN = r"^(19[0-9][0-9]|2[01][0-9][0-9])-[0-9][0-9]-[0-9][0-9]$"
"""The years :data:`EARLIEST`..:data:`LATEST` as the OpenAPI document can say them (with
``format: date`` for the month and day)."""
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    # pydantic's lax mode reads "0" or "0.0" as a Unix time (1970-01-01); the API takes
    # only the YYYY-MM-DD text its document names
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("a date as YYYY-MM-DD")
    if isinstance(value, int | float):
        raise ValueError("a date as YYYY-MM-DD, not a number")
    return value


def _in_range(value: dt.date) -> dt.date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(DATE_ACCEPTED)
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date), AfterValidator(_in_range)]
"""A date in a query or the path: ``YYYY-MM-DD`` only, from :data:`EARLIEST` to
:data:`LATEST`."""


def _line(value: str) -> str:
    problem = line_problem(value)
    if problem is not None:
        raise ValueError(f"{LINE_ACCEPTED}; {problem}")
    return value


Line = Annotated[str, AfterValidator(_line), Field(json_schema_extra={"pattern": LINE_PATTERN})]
"""Text on one line (a name, a title): no line breaks or other control characters."""


def openapi_truth(doc: dict[str, Any], *, red_flags: list[str] | None = None,
                  exercises: list[str] | None = None) -> dict[str, Any]:
    """Say in the document what the API checks at its door, for every request body and
    parameter: a date's year range (``pattern`` beside ``format: date``), and that text
    holds no control characters other than tabs and line breaks (``pattern``; the
    strict JSON reading in :mod:`anklet.web.api.common` refuses the rest); and the rules
    that tie one field to another (:func:`_cross_field_rules`), with the protocol's
    red-flag question ids and the library's exercise ids when given. Changes ``doc`` in
    place and returns it."""
    components = doc.get("components", {}).get("schemas", {})
    _cross_field_rules(components, red_flags or [], exercises or [])
    seen: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen and name in components:
                seen.add(name)
                walk(components[name])
        extra = node.get("additionalProperties")
        if node.get("type") == "object" and isinstance(extra, dict):  # a map: its keys too
            names = node.setdefault("propertyNames", {})
            names.setdefault("pattern", TEXT_PATTERN)
        if node.get("type") == "string" and not {"enum", "const", "pattern"} & node.keys():
            if node.get("format") == "date":
                node["pattern"] = DATE_PATTERN
            elif "format" not in node:
                node["pattern"] = TEXT_PATTERN
        for key, value in node.items():
            if key not in ("$ref", "example", "examples", "default", "description"):
                walk(value)

    for path in doc.get("paths", {}).values():
        for operation in path.values():
            if isinstance(operation, dict):
                walk(operation.get("parameters", []))
                walk(operation.get("requestBody", {}))
    return doc


def _when(field: str, condition: dict[str, Any], then: dict[str, Any]) -> dict[str, Any]:
    return {"if": {"properties": {field: condition}, "required": [field]}, "then": then}


def _cross_field_rules(components: dict[str, Any], red_flags: list[str],
                       exercises: list[str]) -> None:
    """The domain's checks across fields, as JSON Schema (``if``/``then``), so a request the
    document calls valid is one the API takes: a measurement's range by kind, leg length
    only for the Y-balance reach, a last sprain only with sprains, a surgery date only
    with surgery; a screen answers every red-flag question and a check-in none; logged
    exercises are the library's."""
    for name in ("MeasurementCreate", "Measurement"):
        model = components.get(name)
        if model is None:
            continue
        rules = [_when("kind", {"const": kind.value}, {"properties": {"value": {
                     "minimum": rng.low, "maximum": rng.high}}})
                 for kind, (_, rng, _) in MEASURE_INFO.items()]
        rules.append(_when("kind", {"not": {"const": MeasureKind.Y_BALANCE_ANTERIOR.value}},
                           {"properties": {"leg_length_cm": {"type": "null"}}}))
        model["allOf"] = rules
        leg = model["properties"]["leg_length_cm"]
        for option in leg.get("anyOf", []):
            if option.get("type") == "number":
                option.update(minimum=LEG_LENGTH.low, maximum=LEG_LENGTH.high)
    side = components.get("SideHistory")
    if side is not None:
        side["allOf"] = [
            _when("last_sprain", {"type": "string"},
                  {"properties": {"sprains": {"minimum": 1}}, "required": ["sprains"]}),
            _when("surgery_date", {"type": "string"},
                  {"properties": {"surgery": {"const": True}}, "required": ["surgery"]})]
    screen = components.get("ScreeningCreate")
    if screen is not None and red_flags:
        answers = {"type": "object", "additionalProperties": False,
                   "properties": {flag: {"type": "boolean"} for flag in red_flags}}
        screen["properties"]["red_flags"].update(answers)
        screen["allOf"] = [
            _when("kind", {"const": "check_in"},
                  {"properties": {"red_flags": {"maxProperties": 0}}}),
            {"if": {"not": _when("kind", {"const": "check_in"}, {})["if"]},
             "then": {"properties": {"red_flags": {"required": red_flags}},
                      "required": ["red_flags"]}}]
    patch = components.get("ScreenPatch")  # a screen's correction: only the protocol's ids
    if patch is not None and red_flags:
        patch["properties"]["red_flags"].update(
            {"type": "object", "additionalProperties": False,
             "properties": {flag: {"type": "boolean"} for flag in red_flags}})
    log = components.get("ExerciseLog")
    if log is not None and exercises:
        log["properties"]["exercise_id"]["enum"] = exercises


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
