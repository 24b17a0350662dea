"""What routes depend on: the context, one unit of work per request, the signed-in account.

Aliases (``Ctx``, ``Uow``, ``PageAccount``, ``ApiAccount``) are what route functions take as
parameters. A route that writes calls ``uow.commit()`` once at its end; leaving without it
(an error, say) rolls everything back, so a failed request stores nothing.

Sessions live in a signed cookie (Starlette's SessionMiddleware, itsdangerous): the account
id, the account's session version (bumped by a password change or "sign out everywhere",
which ends every older cookie) and the CSRF token of the session.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from anklet.domain.errors import AnkletError, SignInError
from anklet.services import accounts as account_service
from anklet.services.context import Context
from anklet.store.accounts import Account
from anklet.store.errors import StoreError
from anklet.store.uow import UnitOfWork

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


def session_account(request: Request, uow: Uow) -> Account | None:
    """The account this browser is signed in as, or None."""
    aid, version = request.session.get("aid"), request.session.get("v")
    if not isinstance(aid, int) or not isinstance(version, int):
        return None
    account = account_service.session_account(uow, aid, version)
    if account is None:
        request.session.pop("aid", None)
        request.session.pop("v", None)
    return account


MaybeAccount = Annotated[Account | None, Depends(session_account)]


def page_account(request: Request, account: MaybeAccount) -> Account:
    """The signed-in account, or off to the sign-in page (coming back here afterwards)."""
    if account is None:
        path = request.url.path
        if request.url.query:
            path += "?" + request.url.query
        raise SignInNeededError(path if request.method == "GET" else "/")
    return account


PageAccount = Annotated[Account, Depends(page_account)]


def sign_in_session(request: Request, account: Account) -> None:
    """Start a fresh session for this account (a new CSRF token: no session fixation)."""
    request.session.clear()
    request.session.update({"aid": account.id, "v": account.session_version,
                            "csrf": secrets.token_urlsafe(32)})


_bearer = HTTPBearer(auto_error=False, description="An API token from your account page: "
                                                   "`Authorization: Bearer ank_…`")


def api_account(uow: Uow, ctx: Ctx,
                creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
                ) -> Account:
    """The account an API token belongs to; 401 without a valid one."""
    if creds is None or creds.scheme.lower() != "bearer":
        raise SignInError("Send an API token: Authorization: Bearer <token> (make one on your "
                          "account page).")
    account = account_service.token_account(uow, creds.credentials)
    if account is None:
        raise SignInError("That API token is not valid (it may have been deleted).")
    if (due := uow.accounts.token_to_touch) is not None:  # at most once an hour a token
        try:
            with ctx.writing(uow) as w:
                w.accounts.touch_token(due)
        except StoreError:
            pass  # only bookkeeping: the database is busy, a later request stamps it
    return account


ApiAccount = Annotated[Account, Depends(api_account)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
