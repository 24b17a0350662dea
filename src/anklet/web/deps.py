"""What routes depend on: the context, one unit of work per request, the signed-in account.

Aliases (``Ctx``, ``Uow``, ``PageAccount``, ``ApiAccount``) are what route functions take as
parameters. A route that writes calls ``uow.commit()`` once at its end; leaving without it
(an error, say) rolls everything back, so a failed request stores nothing.

Sessions are kept on the server (``web_sessions``): the signed cookie (Starlette's
SessionMiddleware, itsdangerous) carries a random session token, whose SHA-256 names the row,
and the CSRF token of the session. Signing out deletes the row, so a copied cookie stops
working; a password change, a reset or "sign out everywhere" deletes the account's rows.

"Today" is the person's day, not the server's (:func:`today_for`): the date now in the time
zone of the person the page is about, if they have an account with a zone; else in the
signed-in account's zone; else the server's own date. The time now comes from one seam,
:func:`get_now` (tests override it with ``app.dependency_overrides``); routes take the day as
``today: PageToday`` or ``today: ApiToday``.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import zoneinfo
from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from anklet.domain.errors import AnkletError, InputError, SignInError
from anklet.domain.text import TEXT_ACCEPTED, safe_echo, text_problem
from anklet.services import accounts as account_service
from anklet.services import reminders
from anklet.services.context import Context
from anklet.store.accounts import Account
from anklet.store.errors import StoreError
from anklet.store.uow import UnitOfWork


async def close_form(request: Request) -> AsyncIterator[None]:
    """For upload pages: whatever happens (a refusal included), the uploaded files' temporary
    copies are closed."""
    try:
        yield
    finally:
        await request.close()


CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SignInNeededError(AnkletError):
    """A page needs a signed-in account; the handler sends the browser to the sign-in page."""

    exit_code = 7

    def __init__(self, next_url: str = "/"):
        self.next_url = next_url
        super().__init__("Please sign in first.")


class CsrfError(AnkletError):
    """A form arrived without this session's CSRF token (an old tab, or another site)."""

    exit_code = 7

    def __init__(self) -> None:
        super().__init__("This form has expired or did not come from Anklet. Go back, reload "
                         "the page and try again; nothing was changed.")


class PasswordChangeNeededError(AnkletError):
    """Signed in with a one-time password: pages send the browser to choose its own password
    first, the API answers 403."""

    exit_code = 7

    def __init__(self) -> None:
        super().__init__("Choose your own password first: the one you were given works only "
                         "until you do. Open Anklet in a browser, sign in and you will be "
                         "asked for it.")


class ForbiddenError(AnkletError):
    """Signed in, but this account's role cannot do this (e.g. a client running an assessment)."""

    exit_code = 7


def get_context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


Ctx = Annotated[Context, Depends(get_context)]


def get_uow(request: Request, ctx: Ctx) -> Iterator[UnitOfWork]:
    """One unit of work per request: a writing one for POST, PUT, PATCH and DELETE (on
    SQLite it queues for the writer's lock at its start instead of failing halfway), a
    read-only one for GET and HEAD, which never waits for writers."""
    with ctx.uow(write=request.method in UNSAFE) as uow:
        yield uow


Uow = Annotated[UnitOfWork, Depends(get_uow)]


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """On every unsafe request from a browser: the form field or header must match."""
    if request.method not in UNSAFE:
        return
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()  # cached by Starlette for the route's own Form fields
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    if not isinstance(expected, str) or given is None or not hmac.compare_digest(expected, given):
        raise CsrfError()
    await _check_form_text(request)


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def _check_form_text(request: Request) -> None:
    """No form field of any page carries a NUL or another control character (PostgreSQL
    cannot store a NUL; tabs and line breaks are fine): 422 naming the field, its value
    shown with escapes (a password field's never shown)."""
    if not request.headers.get("content-type", "").startswith(_FORMS):
        return
    form = await request.form()  # cached by Starlette
    for name, value in form.multi_items():
        if isinstance(value, str) and (why := text_problem(value)) is not None:
            shown = "(not shown)" if "password" in name else safe_echo(value)
            raise InputError(name, shown, f"{TEXT_ACCEPTED}: {why}")


SESSION_KEY = "sid"  # the cookie's session token (the server keeps its SHA-256)


def _lifetime(ctx: Context) -> dt.timedelta:
    return dt.timedelta(days=ctx.settings.session_days)


def session_account(request: Request, uow: Uow, ctx: Ctx) -> Account | None:
    """The account this browser is signed in as, or None.

    Reads only; at most every few minutes (``SESSION_TOUCH_EVERY``) the session's last-seen
    time is written in a short write of its own, so a GET's unit of work stays read-only.
    """
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str):
        request.session.pop("aid", None)  # a cookie from before server-side sessions
        request.session.pop("v", None)
        return None
    found = account_service.session_account(uow, token)
    if found is None:
        request.session.pop(SESSION_KEY, None)
        return None
    if found.touch_due:
        lifetime = _lifetime(ctx)
        if request.method in UNSAFE:  # kept with the request's own writes
            account_service.touch_session(uow, found.session_id, lifetime=lifetime)
        else:  # a GET's unit of work only reads: a short write of its own
            try:
                with ctx.uow() as own:
                    account_service.touch_session(own, found.session_id, lifetime=lifetime)
                    own.commit()
            except StoreError:
                pass  # only bookkeeping: the database is busy, the next request tries again
    return found.account


MaybeAccount = Annotated[Account | None, Depends(session_account)]


def signed_in_account(request: Request, account: MaybeAccount) -> Account:
    """The signed-in account, or off to the sign-in page (coming back here afterwards).
    Only the "choose your own password" page takes this directly: see :func:`page_account`."""
    if account is None:
        path = request.url.path
        if request.url.query:
            path += "?" + request.url.query
        raise SignInNeededError(path if request.method == "GET" else "/")
    return account


def page_account(account: Annotated[Account, Depends(signed_in_account)]) -> Account:
    """The signed-in account, once it has a password of its own: someone who signed in with
    a one-time password is sent to choose theirs first."""
    if account.must_change_password:
        raise PasswordChangeNeededError()
    return account


PageAccount = Annotated[Account, Depends(page_account)]


def current_session_id(request: Request) -> str | None:
    """The stored id of this browser's session (to keep it when the others end)."""
    token = request.session.get(SESSION_KEY)
    return account_service.session_id_for(token) if isinstance(token, str) else None


def sign_in_session(request: Request, account: Account, uow: UnitOfWork | None = None) -> None:
    """Start a fresh session for this account, with a new CSRF token (no session fixation).
    The session is stored in ``uow``, the sign-in's own writing unit of work, which the caller
    then commits (one write, not two); without one, in a short unit of work of its own."""
    ctx = get_context(request)
    lifetime = _lifetime(ctx)
    if uow is not None:
        token = account_service.start_session(uow, account, lifetime=lifetime)
    else:
        with ctx.uow() as own:
            token = account_service.start_session(own, account, lifetime=lifetime)
            own.commit()
    request.session.clear()
    request.session.update({SESSION_KEY: token, "csrf": secrets.token_urlsafe(32)})


def sign_out_session(request: Request, uow: UnitOfWork) -> None:
    """End this browser's session on the server (a copy of the cookie stops working too)."""
    token = request.session.get(SESSION_KEY)
    if isinstance(token, str):
        account_service.end_session(uow, token)
    request.session.clear()


_bearer = HTTPBearer(auto_error=False, description="An API token from your account page: "
                                                   "`Authorization: Bearer ank_…`")


def api_account(uow: Uow, ctx: Ctx,
                creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
                ) -> Account:
    """The account an API token belongs to; 401 without a valid one (tokens end with a
    password change, a reset or "sign out everywhere"); 403 until a one-time password is
    replaced."""
    if creds is None or creds.scheme.lower() != "bearer":
        raise SignInError("Send an API token: Authorization: Bearer <token> (make one on your "
                          "account page).")
    account = account_service.token_account(uow, creds.credentials)
    if account is None:
        raise SignInError("That API token is not valid (it may have been deleted).")
    if account.must_change_password:
        raise PasswordChangeNeededError()
    if (due := uow.accounts.token_to_touch) is not None:  # at most once an hour a token
        try:
            with ctx.writing(uow) as w:
                w.accounts.touch_token(due)
        except StoreError:
            pass  # only bookkeeping: the database is busy, a later request stamps it
    return account


ApiAccount = Annotated[Account, Depends(api_account)]


def now() -> dt.datetime:
    """The time now (aware, UTC): the clock every web "today" reads."""
    return dt.datetime.now(dt.UTC)


def get_now() -> dt.datetime:
    """The clock as a dependency: tests set ``app.dependency_overrides[get_now]``."""
    return now()


Now = Annotated[dt.datetime, Depends(get_now)]


def _zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The stored zone ``name`` through the one check of a zone (services.reminders.zone);
    None when there is none, or when this server's tz database no longer knows it (then it
    is as if unknown)."""
    if not name:
        return None
    try:
        return reminders.zone(name)
    except InputError:
        return None


def zone_today(zone_name: str | None, at: dt.datetime) -> dt.date:
    """The date at ``at`` in the zone ``zone_name``; the server's own date without one."""
    zone = _zone(zone_name)
    return at.astimezone(zone).date() if zone is not None else at.astimezone().date()


def today_for(uow: UnitOfWork, account: Account | None, key: str | None = None, *,
              at: dt.datetime | None = None) -> dt.date:
    """The date it is now (``at``, else :func:`now`) for the person a page is about: in the
    time zone of ``key``'s own account when they have one with a zone, else in the
    signed-in ``account``'s zone, else the server's own date (as before zones were kept).
    Only the zone is read: whether ``account`` may see ``key`` is the route's check."""
    zone = None
    if key is not None and (account is None or key != account.person_key):
        own = uow.accounts.by_person(key)
        zone = own.time_zone if own is not None and _zone(own.time_zone) else None
    if zone is None and account is not None:
        zone = account.time_zone
    return zone_today(zone, at if at is not None else now())


def _today(request: Request, uow: UnitOfWork, account: Account | None, at: dt.datetime
           ) -> dt.date:
    key = request.path_params.get("key")
    day = today_for(uow, account, key if isinstance(key, str) else None, at=at)
    request.state.today = day  # the templates' ``today`` (see templating.render)
    return day


def page_today(request: Request, uow: Uow, account: MaybeAccount, at: Now) -> dt.date:
    """A page's "today": see :func:`today_for` (the person is the route's ``{key}``)."""
    return _today(request, uow, account, at)


def api_today(request: Request, uow: Uow, account: ApiAccount, at: Now) -> dt.date:
    """The API's "today" (default ``as_of`` and dates): see :func:`today_for`."""
    return _today(request, uow, account, at)


PageToday = Annotated[dt.date, Depends(page_today)]
ApiToday = Annotated[dt.date, Depends(api_today)]


def client_address(request: Request) -> str:
    """Where the request came from, for the sign-in and sign-up limits. Behind a reverse
    proxy listed in ``ANKLET_TRUSTED_PROXIES`` (Settings.trusted_proxies) the server has
    already put the forwarded address here; from anyone else a forwarded header is ignored,
    so a client cannot pick its own address."""
    return request.client.host if request.client else "unknown"
