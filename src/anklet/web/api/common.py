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
from collections.abc import Callable, Coroutine, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from anklet.domain.errors import HistoryError, NotFoundError, Problem, ProblemsError
from anklet.domain.history import History, load_history_text, parse_history
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
                return await handler(request)
            except RequestValidationError as e:
                raise self.input_error(e) from e
            except HTTPException as e:
                if e.status_code != 400:  # FastAPI's answer to a body it cannot read
                    raise
                raise self.unreadable(e) from e

        return route_handler

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


def make_router(tag: str, *, route_class: type[ApiRoute] = ApiRoute) -> APIRouter:
    """A router for one resource: its tag, readable operation ids, the 401 documented."""
    return APIRouter(tags=[tag], route_class=route_class, responses={**UNAUTHORIZED},
                     generate_unique_id_function=_operation_id, max_body_size=MAX_BODY)


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
