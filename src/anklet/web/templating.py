"""Jinja2 templates and the helpers every page gets.

``render(request, "page.html", account=..., **values)`` fills in the CSRF token, the
signed-in account and flash messages. Templates live in ``web/templates`` inside the
package; static files (CSS, the vendored htmx) in ``web/static``. Nothing is fetched from
the network: every script, style and chart is served from here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from anklet.store.accounts import Account
from anklet.web import words
from anklet.web.deps import CSRF_FIELD, csrf_token, get_now, zone_today

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def _csrf_input(request: Request) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        CSRF_FIELD, escape(csrf_token(request)))


def _date(value: dt.date | dt.datetime | None, fmt: str = "%a %-d %b %Y") -> str:
    return value.strftime(fmt) if value is not None else "—"


templates.env.filters["date"] = _date

RECENT = "recent"
"""A :func:`local_time` format: ``today 09:05``, ``yesterday 09:05`` or ``Fri 4 Dec 09:05``."""


def _recent(at: dt.datetime, today: dt.date) -> str:
    time = f"{at:%H:%M}"
    if at.date() == today:
        return f"today {time}"
    if at.date() == today - dt.timedelta(days=1):
        return f"yesterday {time}"
    return f"{at:%a} {at.day} {at:%b} {time}"


def local_time(value: dt.datetime | None, fmt: str = "%a %-d %b %Y %H:%M") -> Markup | str:
    """A stored moment for the reader's own clock: a ``<time>`` element whose text is the
    moment in UTC, saying so ("09:05 UTC"), which ``anklet.js`` rewrites in the browser's
    time zone with the same ``fmt`` (or :data:`RECENT`). Without JavaScript the page stays
    right, just in UTC; the server's own zone never shows."""
    if value is None:
        return "—"
    at = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    text = _recent(at, dt.datetime.now(dt.UTC).date()) if fmt == RECENT else at.strftime(fmt)
    if fmt == RECENT or "%H" in fmt:
        text += " UTC"
    return Markup('<time datetime="{}" data-format="{}">{}</time>').format(
        at.strftime("%Y-%m-%dT%H:%M:%SZ"), fmt, text)


templates.env.filters["local_time"] = local_time


def _cite(key: str | None) -> str:
    """A source key as people read a citation: "Silbernagel2007" → "Silbernagel 2007";
    "convention" (a number Anklet chose) → "Anklet's choice"."""
    if not key:
        return ""
    if key == "convention":
        return "Anklet's choice"
    return re.sub(r"(?<=[A-Za-z])(?=\d{4}$)", " ", key)


templates.env.filters["cite"] = _cite
@pass_context
def _plain(context: Any, text: object, coach: bool = False) -> str:
    """ISO dates and source keys in plain words; a date of another year than the reader's
    today (the page's ``today``) says its year."""
    today = context.get("today")
    return words.plain(text, coach, today=today if isinstance(today, dt.date) else None)


templates.env.filters["plain"] = _plain
templates.env.filters["amount"] = words.amount
templates.env.filters["parts"] = words.parts


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A one-time message shown on the next page (saved, deleted, signed out...)."""
    # assigned, not appended in place: the session cookie is only written again when the
    # session sees an assignment, so a second message before the next page was lost
    request.session["flash"] = [*request.session.get("flash", []), {"kind": kind, "text": message}]


def _unread_messages(ctx: Any, account: Account | None) -> int:
    """A client's unread messages from their coach, in a short read of its own (0 for
    anyone else, or when the database cannot say)."""
    if ctx is None or account is None or account.role != "client" or not account.person_key:
        return 0
    from anklet.services import messages
    from anklet.store.errors import StoreError

    try:
        with ctx.uow(write=False) as uow:
            return messages.unread_for_client(uow, account)
    except StoreError:
        return 0


def account_tag(request: Request, account: Account | None) -> str:
    """An opaque, stable name for an account on this server ("" for nobody): the phone keeps
    its saved pages and its offline queue per account by it (``static/offline.js``), never
    the account's id or email."""
    secret_ = getattr(request.app.state, "secret", None)
    if account is None or secret_ is None:
        return ""
    secret = secret_.value.encode()
    return hmac.new(secret, f"account:{account.id}".encode(), hashlib.sha256).hexdigest()[:20]


def _today(request: Request, account: Account | None) -> dt.date:
    """The page's "today": the one its route worked out (``PageToday``), else the date now in
    the reader's own zone (the server's date when it is not known)."""
    day = getattr(request.state, "today", None)
    if isinstance(day, dt.date):
        return day
    clock = request.app.dependency_overrides.get(get_now, get_now)
    return zone_today(account.time_zone if account else None, clock())


def render(request: Request, name: str, *, account: Account | None = None,
           status_code: int = 200, **values: Any) -> HTMLResponse:
    messages = request.session.pop("flash", []) if "flash" in request.session else []
    ctx = getattr(request.app.state, "ctx", None)
    context = {"account": account, "csrf_input": _csrf_input(request),
               "csrf_token": csrf_token(request), "flashes": messages, "today": _today(request, account),
               # whether this Anklet can send email (pages say what happens instead)
               "mail_on": ctx is not None and ctx.settings.smtp_server() is not None,
               # a client's unread messages from their coach (the top bar, Today)
               "unread_messages": _unread_messages(ctx, account),
               # the account as the phone's offline cache and queue know it (base.html)
               "offline_account": account_tag(request, account),
               **values}
    return templates.TemplateResponse(request, name, context, status_code=status_code)
