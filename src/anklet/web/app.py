"""The web app: pages for coaches and their clients, and the JSON API under ``/api/v1``.

:func:`create_app` builds it from settings (or an already open context, for tests). Errors
from the one error tree become HTTP answers in :func:`_anklet_error`: a page gets a page,
the API gets JSON with the same fields the CLI's ``--json`` prints.
"""

from __future__ import annotations

import logging
import math
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import anklet
from anklet.domain.errors import (
    AnkletError,
    ConflictError,
    DataFileError,
    FileImportError,
    InputError,
    NotFoundError,
    SignInError,
    TooManyAttemptsError,
)
from anklet.domain.text import safe_echo
from anklet.services import accounts as account_service
from anklet.services.context import Context, open_context
from anklet.settings import Settings, get_settings
from anklet.store.accounts import Account
from anklet.store.errors import StoreError
from anklet.web.api.common import MAX_BODY as API_MAX_BODY
from anklet.web.deps import (
    SESSION_KEY,
    CsrfError,
    ForbiddenError,
    PasswordChangeNeededError,
    SignInNeededError,
)
from anklet.web.mailer import lifespan as mail_lifespan
from anklet.web.ops import RequestLog
from anklet.web.ops import router as ops_router
from anklet.web.pages.exercises import MAX_MEDIA_BODY as MEDIA_MAX_BODY
from anklet.web.schemas.common import openapi_truth
from anklet.web.secret import resolve_secret
from anklet.web.security import SecurityHeaders
from anklet.web.templating import STATIC_DIR, render

SESSION_COOKIE = "anklet_session"

_STATUS: list[tuple[type[AnkletError], int]] = [
    (SignInNeededError, 401), (SignInError, 401), (CsrfError, 403), (ForbiddenError, 403),
    (PasswordChangeNeededError, 403),
    (NotFoundError, 404), (ConflictError, 409), (TooManyAttemptsError, 429),
    (InputError, 422), (FileImportError, 422), (DataFileError, 500), (StoreError, 503),
]


def status_for(e: AnkletError) -> int:
    for cls, code in _STATUS:
        if isinstance(e, cls):
            return code
    return 400


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _signed_in(request: Request, e: Exception | None = None) -> Account | None:
    """The signed-in account for an error page's navigation (None if the store is the
    problem, or nobody is signed in)."""
    token = request.session.get(SESSION_KEY)
    if isinstance(e, StoreError) or not isinstance(token, str):
        return None
    try:
        ctx: Context = request.app.state.ctx
        with ctx.uow(write=False) as uow:
            found = account_service.session_account(uow, token)
            return found.account if found is not None else None
    except AnkletError:
        return None


_log = logging.getLogger("anklet.web")

_SERVER_SIDE = {
    StoreError: "The database is not available right now. Please try again in a moment; if "
                "it keeps happening, tell the person who runs this server.",
    DataFileError: "The server's set-up has a problem, so this cannot be shown. Please tell "
                   "the person who runs this server.",
}
"""What a person is told when the server itself is the problem. The error's own message
names the database (a path or a host) or a data file: that goes to the server's log only."""


def _server_side(request: Request, e: AnkletError) -> dict[str, Any] | None:
    """The answer's fields for a server-side error (logged in full here), else None."""
    for cls, message in _SERVER_SIDE.items():
        if isinstance(e, cls):
            _log.error("%s %s answered %d: %s", request.method, request.url.path,
                       status_for(e), e)
            return {"error": cls.__name__, "message": message}
    return None


async def _anklet_error(request: Request, e: Exception) -> Response:
    assert isinstance(e, AnkletError)
    code = status_for(e)
    hidden = _server_side(request, e)
    if hidden is not None:
        if _is_api(request):
            return JSONResponse(hidden, status_code=code)
        return render(request, "error.html", account=None, status_code=code,
                      title=_TITLES.get(code, "Problem"), message=hidden["message"])
    if _is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if code == 401 else {}
        if isinstance(e, TooManyAttemptsError):
            headers["Retry-After"] = str(e.retry_after_s)
        return JSONResponse(json_safe(e.to_dict()), status_code=code, headers=headers)
    if isinstance(e, SignInNeededError):
        from urllib.parse import quote

        return RedirectResponse(f"/sign-in?next={quote(e.next_url, safe='/?=&')}", 303)
    if isinstance(e, PasswordChangeNeededError):
        return RedirectResponse("/account/choose-password", 303)
    return render(request, "error.html", account=_signed_in(request, e), status_code=code,
                  title=_TITLES.get(code, "Problem"), message=safe_echo(str(e)))


_MEDIA_UPLOAD = re.compile(r"/api/v1/exercises/[^/]+/media(/[0-9]+)?")


class ApiBodyLimit:
    """An API request whose ``Content-Length`` is over the API's limit is answered 413 in
    the API's JSON (field, value, accepted) before anything reads it; the routers' own
    limit (Starlette's, plain text) still stops a body of unknown length as it streams."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            length = Headers(scope=scope).get("content-length", "")
            # a coach's photo or video for an exercise may be larger (its own limits apply)
            limit = (MEDIA_MAX_BODY if _MEDIA_UPLOAD.fullmatch(scope["path"])
                     else API_MAX_BODY)
            if length.isdigit() and int(length) > limit:
                e = InputError("body", f"{int(length)} bytes",
                               f"a request body of at most {limit} bytes "
                               f"({limit // (1024 * 1024)} MB)")
                await JSONResponse(e.to_dict(), status_code=413)(scope, receive, send)
                return
        await self.app(scope, receive, send)


UNEXPECTED = ("Something went wrong on our side; it was not anything you did. Please try "
              "again in a moment; if it keeps happening, tell the person who runs this server.")


class Unexpected:
    """An exception no handler knows (a bug) answers like every other error: the error page,
    or the API's JSON, never a traceback; the traceback goes to the server's log. It sits
    inside the session and the security headers, so this answer gets the headers too:
    Starlette's last resort answered plain text from outside every middleware, without
    them. An answer already under way when the exception comes cannot be replaced: it is
    left to the server to end."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            if started:
                raise
            _log.exception("%s %s failed", scope.get("method", "?"), scope.get("path", "?"))
            await _unexpected_answer(Request(scope))(scope, receive, send)


def _unexpected_answer(request: Request) -> Response:
    if _is_api(request):
        return JSONResponse({"error": "ServerError", "message": UNEXPECTED}, status_code=500)
    try:
        return render(request, "error.html", account=_signed_in(request), status_code=500,
                      title="Something went wrong", message=UNEXPECTED)
    except Exception:  # the page itself failed (the bug may be in the templates): plain words
        _log.exception("The error page failed too")
        return PlainTextResponse(UNEXPECTED, status_code=500)


_TITLES = {401: "Please sign in", 403: "Not allowed", 404: "Not found", 409: "Already there",
           422: "Please check what you entered", 429: "Too many tries",
           503: "The database is not available", 500: "Set-up problem"}


def _allowed_methods(request: Request) -> str | None:
    """Every method the API's document gives this path (Starlette's 405 names only the
    first route that matched the path, so ``/api/v1/people`` said ``GET`` and not
    ``POST``); None for a path the document does not have."""
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods |= {m.upper() for m in operations if m.upper() in _METHODS}
    if not methods:
        return None
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(m for m in _METHODS if m in methods)


_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


async def _http_error(request: Request, e: Exception) -> Response:
    assert isinstance(e, StarletteHTTPException)
    headers = e.headers
    if e.status_code == 405 and _is_api(request) and (allowed := _allowed_methods(request)):
        headers = {**(headers or {}), "Allow": allowed}
    if _is_api(request):
        return JSONResponse({"error": "HTTPError", "message": str(e.detail)},
                            status_code=e.status_code, headers=headers)
    message = "There is no such page." if e.status_code == 404 else str(e.detail)
    page = render(request, "error.html", account=_signed_in(request), status_code=e.status_code,
                  title=_TITLES.get(e.status_code, "Problem"), message=message)
    if e.status_code == 405 and headers and "Allow" in headers:
        page.headers["Allow"] = headers["Allow"]
    return page


def json_safe(value: Any) -> Any:
    """``value`` as JSON can always carry it: an error answer echoes what was sent, and
    NaN, Infinity or a string with a lone surrogate or a NUL would make the answer itself
    fail (a 500 instead of the 422). Such a number becomes its text; such a string shows
    the characters as escapes."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, str):
        return safe_echo(value)
    if isinstance(value, dict):
        return {json_safe(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


async def _validation_error(request: Request, e: Exception) -> Response:
    assert isinstance(e, RequestValidationError)
    problems: list[dict[str, Any]] = []
    for err in e.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
        value = err.get("input")
        problems.append({"field": ".".join(loc) or "request", "message": err.get("msg", ""),
                         "value": value if isinstance(value, str | int | float | bool) else None})
    problems = json_safe(problems)
    message = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    if _is_api(request):
        return JSONResponse({"error": "InputError", "message": message, "problems": problems},
                            status_code=422)
    return render(request, "error.html", account=_signed_in(request), status_code=422,
                  title=_TITLES[422], message=message)


def _with_truthful_openapi(app: FastAPI) -> None:
    """The OpenAPI document with what the API checks at its door added (see
    :func:`~anklet.web.schemas.common.openapi_truth`), built once."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            ctx: Context = app.state.ctx
            app.openapi_schema = openapi_truth(
                build(), red_flags=[f.id for f in ctx.protocol.red_flags],
                exercises=sorted(ctx.library.by_id))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None, *, context: Context | None = None) -> FastAPI:
    """The app on the settings' database (created and migrated), or on ``context``."""
    settings = settings or (context.settings if context else get_settings())
    secret = resolve_secret(settings)  # never a placeholder: see anklet.web.secret
    ctx = context or open_context(settings)
    app = FastAPI(title="Anklet", version=anklet.__version__,
                  summary="Assess, stage, plan and track ankle and foot work.",
                  docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json",
                  lifespan=mail_lifespan)  # sends queued emails while it runs (web.mailer)
    app.state.ctx = ctx
    app.state.settings = settings
    app.add_middleware(Unexpected)  # innermost: its answer passes the session and headers
    app.add_middleware(ApiBodyLimit)
    app.state.secret = secret
    app.add_middleware(SessionMiddleware, secret_key=secret.value,
                       session_cookie=SESSION_COOKIE, max_age=settings.session_days * 86400,
                       same_site="lax", https_only=settings.secure_cookies)
    # outside the session and the API's body limit: every answer gets the headers, the
    # early 413 and the error pages included
    app.add_middleware(SecurityHeaders, hsts=settings.secure_cookies)
    app.add_middleware(RequestLog)  # one line per request, timed around everything
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.add_exception_handler(AnkletError, _anklet_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)

    from anklet.web.api import docs, v1
    from anklet.web.pages import auth, coach, documents, me, person, photo

    app.include_router(auth.router)
    app.include_router(coach.router)
    app.include_router(person.router)
    app.include_router(photo.router)
    app.include_router(me.router)
    app.include_router(documents.router)
    from anklet.web.pages import exercises as exercise_pages

    app.include_router(exercise_pages.router)  # /exercises: the library, any signed-in user
    from anklet.web.pages import questionnaires as questionnaire_pages

    app.include_router(questionnaire_pages.router)  # CAIT, FAAM, readiness on the web
    from anklet.web.pages import imports as import_pages
    from anklet.web.pages import onboarding

    app.include_router(onboarding.router)  # /welcome walk-through, /people/{key}/time
    app.include_router(import_pages.router)  # /people/{key}/imports: files from the web
    from anklet.web.pages import recovery

    app.include_router(recovery.router)  # /forgot-password, /reset-password/{token}
    from anklet.web.pages import plan_changes as plan_change_pages

    app.include_router(plan_change_pages.router)  # the person page's "Plan changes" forms
    from anklet.web.pages import corrections as correction_pages

    app.include_router(correction_pages.router)  # /people/{key}/records: edit, delete
    from anklet.web.pages import reminders as reminder_pages

    app.include_router(reminder_pages.router)  # /reminders: settings, links in reminder emails
    app.include_router(reminder_pages.one_click)  # RFC 8058 one-click stop: no session
    from anklet.web.pages import guided

    app.include_router(guided.router)  # /people/{key}/guided: today's session step by step
    from anklet.web.pages import messages as message_pages

    app.include_router(message_pages.router)  # /people/{key}/messages: coach and client
    from anklet.web.pages import offline

    app.include_router(offline.router)  # /sw.js, /offline/state: Anklet on a phone offline
    app.include_router(v1.router)
    app.include_router(docs.router)  # /api/docs: Swagger UI from static/swagger, no CDN
    _with_truthful_openapi(app)
    app.include_router(ops_router)  # /healthz
    return app


def app_from_env() -> FastAPI:
    """The app from ``ANKLET_*`` environment variables alone: the factory each worker of
    ``anklet serve --workers N`` calls (``uvicorn --factory anklet.web.app:app_from_env``)."""
    return create_app(get_settings())
