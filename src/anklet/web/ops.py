"""What whoever runs Anklet needs from the web app: a health check and a request log.

``GET /healthz`` needs no sign-in: 200 ``{"status": "ok", "database": "ok"}`` when a
trivial query works, 503 when the database cannot be reached (the reason goes to the
log, never into the answer: no path, no URL).

:class:`RequestLog` writes one line per request to the ``anklet.access`` logger: method,
path (never the query string, and a calendar feed's secret link hidden), status and
duration. ``anklet serve`` shows it (``--quiet`` hides it); elsewhere it goes wherever
logging is configured.
"""

from __future__ import annotations

import logging
import re
import time

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from anklet.services.context import Context
from anklet.store.db import check
from anklet.store.errors import StoreError

__all__ = ["ACCESS_LOG", "RequestLog", "log_path", "router"]

ACCESS_LOG = "anklet.access"
_access = logging.getLogger(ACCESS_LOG)
_log = logging.getLogger("anklet.web")

router = APIRouter()

_NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz", include_in_schema=False)
def healthz(request: Request) -> JSONResponse:
    """Whether the app is up and its database answers."""
    ctx: Context = request.app.state.ctx
    try:
        check(ctx.engine)
    except StoreError as e:
        _log.warning("Health check: %s", e)
        return JSONResponse({"status": "unavailable", "database": "unavailable"},
                            status_code=503, headers=_NO_STORE)
    return JSONResponse({"status": "ok", "database": "ok"}, headers=_NO_STORE)


_FEED = re.compile(r"^/calendar/[^/]+\.ics$")
_MAIL_LINK = re.compile(r"^(/reset-password/|/invite/|/confirm-email/)[^/]+$")  # links sent by email
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
_MAX_PATH = 300


def log_path(scope: Scope) -> str:
    """The request's path for the log: as sent (percent-encoded), no query string, no
    control characters, a feed's secret link hidden, at most 300 characters."""
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else str(scope.get("path", ""))
    path = path.split("?", 1)[0]
    if _FEED.match(path):
        return "/calendar/(hidden).ics"
    if (link := _MAIL_LINK.match(path)) is not None:
        return f"{link.group(1)}(hidden)"
    path = _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", path)
    return path if len(path) <= _MAX_PATH else path[:_MAX_PATH] + "…"


class RequestLog:
    """One line per HTTP request: ``GET /people 200 12.3 ms``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _access.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # what the server answers if the app fails before it starts a response

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            ms = (time.perf_counter() - start) * 1000
            _access.info("%s %s %d %.1f ms", scope.get("method", "?"), log_path(scope),
                         status, ms)
