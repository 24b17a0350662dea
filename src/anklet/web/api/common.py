"""What every API route shares: its router, input errors in the CLI's words, tenancy and
role checks, re-deciding after a write, and JSON answers.

Input errors: FastAPI's own validation errors are turned into the product's
:class:`~anklet.domain.errors.InputError` family here (:class:`ApiRoute`), so a bad
request answers 422 with ``field``, ``value`` and ``accepted`` (and ``problems``, each of
them), worded as the CLI words them. The history document of ``POST /evaluate`` goes
through :func:`~anklet.domain.history.parse_history`, exactly as ``anklet evaluate`` reads
a file (:class:`HistoryRoute`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Coroutine, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.exceptions import HTTPException

from anklet.domain.errors import HistoryError, NotFoundError, Problem, ProblemsError
from anklet.domain.history import History, load_history_text, parse_history
from anklet.domain.text import TEXT_ACCEPTED, safe_echo, text_problem
from anklet.services import accounts as account_service
from anklet.services import evaluation
from anklet.services.context import Context
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web.deps import ForbiddenError
from anklet.web.schemas.common import (
    DATE_ACCEPTED,
    EARLIEST,
    LATEST,
    UNAUTHORIZED,
    date_problems,
)

MAX_BODY = 5 * 1024 * 1024
"""Largest request body (5 MiB): years of sessions fit many times over."""

_PARTS = ("body", "query", "path", "header", "cookie")
SOURCE = "request body"
"""How a history document sent to the API is named in its errors (the CLI names the file)."""
NOT_JSON = "a JSON body, sent with the header Content-Type: application/json"
KEY_ACCEPTED = "a person id: lower-case letters, digits, - and _ (the key in the people list)"


class RequestInputError(ProblemsError):
    """One or more values of a request are not accepted (field, value, accepted each)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"The request has {len(problems)} problem(s):", problems,
                         ("request", None, "a valid request"))

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["error"] = "InputError"
        data["problems"] = problems = self.problem_dicts()
        data["value"] = problems[0]["value"]  # null stays null
        return data


class _NotFinite:
    """A number JSON text may hold but a float cannot (NaN, Infinity, 1e999), kept to be
    named with its field."""

    def __init__(self, text: str) -> None:
        self.text = text


def _float(text: str) -> float | _NotFinite:
    value = float(text)
    return value if math.isfinite(value) else _NotFinite(text)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _json_form(err: Any) -> bool:
    """A strict-mode error that only says a value came as the JSON text its type is written
    in: a field with its own validator sees the JSON text as Python, and strict Python wants
    a ``date`` object, not ``"2024-05-01"``. The lax pass that follows checks the rest."""
    value = err.get("input")
    kind = err.get("type")
    if kind in ("int_type", "int_from_float") and isinstance(value, float):
        return value.is_integer()  # 5.0 is an integer to JSON Schema; the lax pass takes it
    if not isinstance(value, str):
        return False
    if kind == "date_type":
        return _ISO_DATE.fullmatch(value) is not None
    if kind == "datetime_type":
        return "T" in value and _ISO_DATE.match(value) is not None
    return kind in ("enum", "is_instance_of")


INVALID_JSON = object()
"""What :func:`decode_json` gives for text that is not JSON."""
NUMBER_ACCEPTED = "a finite number (JSON has no NaN or Infinity; at most about 1.8e308)"
JsonProblem = tuple[tuple[int | str, ...], object, str]


def decode_json(raw: bytes) -> tuple[Any, list[JsonProblem]]:
    """JSON text as Python, and each value in it the API refuses before any model sees it:
    (path, the value as it can be shown, why). Invalid JSON itself is left to FastAPI."""
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_NotFinite, parse_float=_float)
    except (UnicodeDecodeError, ValueError):
        return INVALID_JSON, []  # FastAPI reads it again and says what is wrong
    problems: list[JsonProblem] = []

    def walk(item: Any, path: tuple[int | str, ...]) -> None:
        if isinstance(item, _NotFinite):
            problems.append((path, item.text, NUMBER_ACCEPTED))
        elif isinstance(item, str):
            why = text_problem(item)
            if why is not None:
                problems.append((path, safe_echo(item), f"{TEXT_ACCEPTED}: {why}"))
        elif isinstance(item, dict):
            for k, v in item.items():
                why = text_problem(k)
                if why is not None:
                    problems.append(((*path, safe_echo(k)), None, f"a field name: {why}"))
                else:
                    walk(v, (*path, k))
        elif isinstance(item, list):
            for i, v in enumerate(item):
                walk(v, (*path, i))

    walk(value, ())
    return value, problems


def _field(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def request_problems(errors: Sequence[Any]) -> list[Problem]:
    """FastAPI's validation errors as (field, value, accepted), worded as the CLI words them."""
    out: list[Problem] = []
    for e in errors:
        loc = [p for p in e.get("loc", ()) if not (isinstance(p, str) and p.startswith("function-"))]
        if loc and loc[0] in _PARTS:
            loc = loc[1:]
        kind, msg, value = e.get("type", ""), str(e.get("msg", "")), e.get("input")
        if isinstance(value, bytes | bytearray) and not loc:  # not sent as JSON
            out.append(("request body", None, NOT_JSON))
            continue
        if kind == "json_invalid":
            reason = (e.get("ctx") or {}).get("error", "not valid JSON")
            out.append(("request body", None, f"valid JSON ({reason} at character {loc[0]})"
                        if loc else f"valid JSON ({reason})"))
            continue
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        elif kind == "extra_forbidden":
            msg = "unknown field; remove it or check its spelling"
        elif kind == "string_pattern_mismatch" and loc == ["key"]:
            msg = KEY_ACCEPTED
        elif kind == "missing":
            msg, value = ("this field is required" if loc else "a JSON body (none was sent)"), None
        out.append((_field(loc) or "request body", value, msg))
    return out


class ApiRoute(APIRoute):
    """A route whose request validation errors come back as the product's InputError."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route_handler(request: Request) -> Response:
            try:
                await self.read_json(request)
                return await handler(request)
            except RequestValidationError as e:
                raise self.input_error(e) from e
            except HTTPException as e:
                if e.status_code != 400:  # FastAPI's answer to a body it cannot read
                    raise
                raise self.unreadable(e) from e

        return route_handler

    async def read_json(self, request: Request) -> None:
        """Refuse a query value with a NUL or other control character, and read a JSON body
        strictly before FastAPI does (it reuses what is read here).

        Refused, each with the field named: NaN, Infinity and numbers too large for a float
        (1e999), lone surrogates, NUL and other control characters in text (the error
        answer could not carry them, PostgreSQL cannot store a NUL); then the body is
        validated by its model in strict mode, so a number is not taken from a string, a
        boolean is not a number and a date is only ``YYYY-MM-DD`` text, as the OpenAPI
        document says."""
        bad: list[Problem] = [(name, safe_echo(value), f"{TEXT_ACCEPTED}: {why}")
               for name, value in request.query_params.multi_items()
               if (why := text_problem(name) or text_problem(value)) is not None]
        if bad:
            raise RequestInputError(bad)
        known = self._query_names()
        takes = (f"this address takes {', '.join(sorted(known))}" if known
                 else "this address takes none")
        unknown: list[Problem] = [(name, safe_echo(value), f"no such query parameter ({takes})")
                                  for name, value in request.query_params.multi_items()
                                  if name not in known]
        if unknown:  # a misspelt ?as_of would otherwise be ignored without a word
            raise RequestInputError(unknown)
        if self.body_field is None or request.method not in ("POST", "PUT", "PATCH"):
            return
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if not (kind == "application/json" or kind.endswith("+json")):
            return  # FastAPI answers: not JSON
        raw = await request.body()
        if not raw:
            return
        value, problems = decode_json(raw)
        if value is INVALID_JSON:
            return
        if problems:
            raise RequestInputError([(_field(loc) or "request body", shown, msg)
                                     for loc, shown, msg in problems])
        request._json = value  # Starlette's cache, which FastAPI's request.json() reads
        try:
            self._strict_adapter().validate_json(raw, strict=True)
        except ValidationError as e:
            errors = [err for err in e.errors(include_url=False) if not _json_form(err)]
            if errors and self._lax_accepts(value):  # else FastAPI's own errors say it all
                raise RequestValidationError(
                    [{**err, "loc": ("body", *err["loc"])} for err in errors], body=value
                ) from None

    def _query_names(self) -> frozenset[str]:
        """The query parameters this route declares, its dependencies' included."""
        names = getattr(self, "_query", None)
        if names is None:
            found: set[str] = set()
            todo = [self.dependant]
            while todo:
                dep = todo.pop()
                found.update(p.alias for p in dep.query_params)
                todo.extend(dep.dependencies)
            names = self._query = frozenset(found)
        return names

    def _lax_accepts(self, value: Any) -> bool:
        try:
            self._strict_adapter().validate_python(value)
        except ValidationError:
            return False
        return True

    def _strict_adapter(self) -> TypeAdapter[Any]:
        adapter = getattr(self, "_adapter", None)
        if adapter is None:
            assert self.body_field is not None
            adapter = self._adapter = TypeAdapter(self.body_field.field_info.annotation or Any)
        return adapter

    def input_error(self, e: RequestValidationError) -> Exception:
        return RequestInputError(request_problems(e.errors()))

    def unreadable(self, e: HTTPException) -> Exception:
        return RequestInputError([UNREADABLE])


UNREADABLE: Problem = ("request body", None, "JSON text in UTF-8 (the body could not be read)")


class HistoryRoute(ApiRoute):
    """A route whose body is a history document: read as ``anklet evaluate`` reads a file."""

    def input_error(self, e: RequestValidationError) -> Exception:
        in_body = any(err.get("loc", ())[:1] == ("body",) for err in e.errors())
        if in_body:
            body = e.body
            if isinstance(body, bytes | bytearray):  # not sent as JSON
                return HistoryError(SOURCE, [("request body", None, NOT_JSON)])
            try:
                if isinstance(body, str):  # not JSON: name the line and column
                    load_history_text(body, source=SOURCE)
                else:
                    parse_history(body, source=SOURCE)
            except HistoryError as he:
                return he
        return super().input_error(e)

    def unreadable(self, e: HTTPException) -> Exception:
        return HistoryError(SOURCE, [UNREADABLE])


def _operation_id(route: APIRoute) -> str:
    return route.name


def make_router(tag: str, *, route_class: type[ApiRoute] = ApiRoute,
                max_body_size: int = MAX_BODY) -> APIRouter:
    """A router for one resource: its tag, readable operation ids, the 401 documented."""
    return APIRouter(tags=[tag], route_class=route_class, responses={**UNAUTHORIZED},
                     generate_unique_id_function=_operation_id, max_body_size=max_body_size)


PERSON_KEY = r"^[a-z0-9][a-z0-9_-]*$"
Key = Annotated[str, Path(min_length=1, max_length=64, pattern=PERSON_KEY,
                          description="the person's id (``key`` in the people list)")]


def check_date(field: str, value: dt.date | None) -> dt.date | None:
    """The date, if the API accepts it (see :data:`EARLIEST` and :data:`LATEST`)."""
    if value is not None and not EARLIEST <= value <= LATEST:
        raise RequestInputError([(field, value.isoformat(), DATE_ACCEPTED)])
    return value


def check_dates(model: Any) -> None:
    """Every date in a request body must be in the accepted range."""
    problems = date_problems(model)
    if problems:
        raise RequestInputError(problems)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


# --- tenancy and roles -----------------------------------------------------------------------


def visible(uow: UnitOfWork, account: Account, key: str) -> None:
    """Someone this account may see; otherwise 404, exactly as for nobody at all."""
    if not account_service.can_see(uow, account, key):
        raise NotFoundError("person", key)


def must_assess(account: Account) -> None:
    """Coaches and self-coached people assess; a client is told what they can do instead."""
    if not account_service.can_assess(account):
        raise ForbiddenError("Assessments are made by your coach. With a client account you "
                             "can log sessions and next-morning pain, and read your plan, "
                             "decision and progress.")


def must_coach(account: Account, doing: str) -> None:
    """Adding and deleting people is for coaches."""
    if account.role != "coach":
        raise ForbiddenError(f"Only a coach can {doing}.")


# --- writes and answers ----------------------------------------------------------------------


def redecide(uow: UnitOfWork, ctx: Context, key: str) -> History:
    """Re-decide the person after a change and save the decision the lists show; returns
    their history as it now is."""
    return evaluation.refresh(uow, key=key, protocol=ctx.protocol,
                              library=ctx.library).history


def send(data: Any, status_code: int = 200) -> JSONResponse:
    """The JSON answer as built (the route's response model documents it)."""
    return JSONResponse(data, status_code=status_code)
