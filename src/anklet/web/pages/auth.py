"""Signing up, in and out, and the account page (password, sessions, API tokens)."""

from __future__ import annotations

import functools
import zoneinfo
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from anklet.domain.errors import ConflictError, InputError, SignInError, TooManyAttemptsError
from anklet.services import accounts as account_service
from anklet.services import recovery as recovery_service
from anklet.services.context import Context
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web.deps import (
    Ctx,
    MaybeAccount,
    PageAccount,
    Uow,
    check_csrf,
    client_address,
    current_session_id,
    sign_in_session,
    sign_out_session,
    signed_in_account,
)
from anklet.web.devices import known_device, remember_device
from anklet.web.pages import onboarding, recovery
from anklet.web.templating import flash, render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)


def home_for(account: Account) -> str:
    return "/coach" if account.role == "coach" else "/me"


def _safe_next(value: str | None) -> str | None:
    """Only a path on this site (no scheme, no host): never an open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None


SIGNED_UP_EMAIL = "signed_up_email"  # the sign-in page fills it in after a sign-up


def _field(form: dict[str, str], name: str) -> str:
    return form.get(name, "")


async def _form(request: Request) -> dict[str, str]:
    data = await request.form()
    return {k: v for k, v in data.items() if isinstance(v, str)}


ZONE_FIELD = "browser_zone"
"""The hidden field that ``static/zone.js`` fills with the browser's time zone on the sign-in,
sign-up and password forms (empty without JavaScript: the zone then stays unknown)."""


def _note_zone(uow: UnitOfWork, account: Account, form: dict[str, str]) -> Account:
    """The browser's zone is kept when the account has none yet."""
    return account_service.note_browser_zone(uow, account=account, zone=form.get(ZONE_FIELD))


@router.get("/")
def home(account: MaybeAccount) -> Response:
    return RedirectResponse(home_for(account) if account else "/sign-in", 303)


@router.get("/sign-up")
def sign_up_page(request: Request, account: MaybeAccount) -> Response:
    if account:
        return RedirectResponse(home_for(account), 303)
    return render(request, "auth/sign_up.html", values={"role": "coach"}, errors={})


SIGNED_UP = ("Thank you. Sign in below with the email and password you just used. (If that "
             "email already had an account, nothing was changed: use its own password.)")
SIGNED_UP_CONFIRM = ("Thank you. We have sent an email to {email}: open the link in it to "
                     "confirm the address, then sign in below. (If that email already had an "
                     "account, nothing was changed and its owner has been told.)")


@router.post("/sign-up")
async def sign_up(request: Request, uow: Uow, ctx: Ctx) -> Response:
    """A new account, or none when the email is taken, and from outside the two look alike:
    the same redirect to the sign-in page with the same message, after the same slow hashing
    and the same count towards the per-address limit. So sign-up never signs in by itself
    (only a sign-in with the password can tell whose account it is); see the commit that
    made it so for why."""
    form = await _form(request)
    account: Account | None = None
    mail_on = ctx.settings.smtp_server() is not None  # then the email is confirmed first
    taken = False
    try:
        account = await run_in_threadpool(functools.partial(
            account_service.sign_up, uow, email=_field(form, "email"),
            name=_field(form, "name"), password=_field(form, "password"),
            role=_field(form, "role"), address=client_address(request), confirm=mail_on))
    except InputError as e:
        return render(request, "auth/sign_up.html", status_code=422,
                      values={**form, "password": ""}, errors={e.field: str(e)})
    except TooManyAttemptsError as e:
        response = render(request, "auth/sign_up.html", status_code=429,
                          values={**form, "password": ""}, errors={"form": str(e)})
        response.headers["Retry-After"] = str(e.retry_after_s)
        return response
    except ConflictError:
        taken = True  # the email is taken: answered exactly as a new account is, below
    message = None
    if account is not None:
        account = _note_zone(uow, account, form)
        uow.accounts.audit(account_id=account.id, actor=account.email, action="signed_up",
                           person_key=account.person_key, detail={"role": account.role})
        if mail_on:
            message = recovery_service.confirmation(uow, account, link_for=_links(
                request, ctx, recovery.CONFIRM_PATH))
    elif taken and mail_on:
        owner = uow.accounts.by_email(account_service.normalise_email(_field(form, "email")))
        if owner is not None:
            message = recovery_service.taken_notice(
                owner, site=recovery.site_base(request, ctx.settings))
    uow.commit()  # the new account, or only the count of sign-ups from this address
    email = _field(form, "email").strip()[:254]
    request.session[SIGNED_UP_EMAIL] = email
    flash(request, SIGNED_UP_CONFIRM.format(email=email) if mail_on else SIGNED_UP)
    done = RedirectResponse("/sign-in", 303)
    if message is not None:  # sent after the answer, so the timing tells nothing
        done.background = BackgroundTask(recovery.send_later, ctx.settings, message)
    return done


def _links(request: Request, ctx: Context, path: str) -> recovery_service.LinkMaker:
    return recovery_service.LinkMaker(recovery.site_base(request, ctx.settings), path)


@router.get("/sign-in")
def sign_in_page(request: Request, account: MaybeAccount, next: str | None = None) -> Response:
    if account:
        return RedirectResponse(_safe_next(next) or home_for(account), 303)
    email = request.session.pop(SIGNED_UP_EMAIL, "")
    return render(request, "auth/sign_in.html", error=None,
                  values={"next": _safe_next(next) or "",
                          "email": email if isinstance(email, str) else ""})


@router.post("/sign-in")
async def sign_in(request: Request, uow: Uow, ctx: Ctx) -> Response:
    form = await _form(request)
    values = {"email": _field(form, "email"), "next": _safe_next(_field(form, "next")) or ""}
    device = known_device(request)
    try:
        account = await run_in_threadpool(functools.partial(
            account_service.sign_in, uow, email=values["email"],
            password=_field(form, "password"), address=client_address(request),
            device=device))
    except SignInError as e:
        uow.commit()  # keep the failed try: it counts towards the limit
        return render(request, "auth/sign_in.html", status_code=401, values=values,
                      error=str(e))
    except account_service.UnconfirmedEmailError as e:
        uow.commit()
        return render(request, "auth/sign_in.html", status_code=403, values=values,
                      error=str(e), unconfirmed=e.email)
    except TooManyAttemptsError as e:
        response = render(request, "auth/sign_in.html", status_code=429, values=values,
                          error=str(e))
        response.headers["Retry-After"] = str(e.retry_after_s)
        return response
    account = _note_zone(uow, account, form)
    sign_in_session(request, account, uow)  # the new session is stored with this commit
    uow.commit()
    # a client or self-coached person not yet through getting started goes on with it
    done = RedirectResponse(values["next"] or onboarding.start_for(uow, ctx, account), 303)
    remember_device(request, done, device, account.id)
    return done


@router.post("/sign-out")
def sign_out(request: Request, uow: Uow) -> Response:
    sign_out_session(request, uow)  # ended on the server: a copy of the cookie is refused too
    uow.commit()
    flash(request, "You are signed out.")
    return _forget_pages(RedirectResponse("/sign-in", 303))


CLEAR_CACHE = '"cache"'
"""``Clear-Site-Data`` at sign-out: the browser's copies of this site's pages go. Not
``"storage"``: that would also wipe a session saved on the phone and not yet sent (the
offline queue, ``static/outbox.js``); the pages the service worker kept are deleted by
``static/offline.js`` at sign-out and whenever a page shows another account, or nobody."""


def _forget_pages(response: Response) -> Response:
    response.headers["Clear-Site-Data"] = CLEAR_CACHE
    return response


@functools.cache
def zone_names() -> tuple[str, ...]:
    """Every time zone this server knows (Region/City, and UTC), for the account page's
    list of suggestions; read once."""
    return tuple(sorted(n for n in zoneinfo.available_timezones() if "/" in n or n == "UTC"))


def _account_page(request: Request, account: Account, uow: UnitOfWork, *,
                  status_code: int = 200, new_token: str | None = None,
                  errors: dict[str, str] | None = None,
                  values: dict[str, str] | None = None) -> Response:
    return render(request, "auth/account.html", account=account, status_code=status_code,
                  tokens=uow.accounts.tokens(account.id), new_token=new_token,
                  errors=errors or {}, values=values or {}, zones=zone_names())


@router.get("/account")
def account_page(request: Request, account: PageAccount, uow: Uow) -> Response:
    return _account_page(request, account, uow)


@router.post("/account/time-zone")
async def save_time_zone(request: Request, account: PageAccount, uow: Uow) -> Response:
    """The person's own time zone: "today" on every page is the day there."""
    form = await _form(request)
    given = _field(form, "time_zone")
    try:
        saved = account_service.set_time_zone(uow, account=account, zone=given)
    except InputError as e:  # nothing saved: the page again with the value and why
        return _account_page(request, account, uow, status_code=422,
                             errors={"time_zone": str(e)}, values={"time_zone": given})
    uow.accounts.audit(account_id=account.id, actor=account.email, action="time_zone_set",
                       detail={"time_zone": saved.time_zone})
    uow.commit()
    flash(request, f"Time zone saved: {saved.time_zone}. Today now follows the clock there.")
    return RedirectResponse("/account#time-zone", 303)


@router.post("/account/password")
async def change_password(request: Request, account: PageAccount, uow: Uow) -> Response:
    form = await _form(request)
    had_tokens = bool(uow.accounts.tokens(account.id))
    try:
        await run_in_threadpool(  # argon2 is slow on purpose: never on the event loop
            account_service.change_password,
            uow, account=account, current=_field(form, "current_password"),
            new=_field(form, "new_password"), keep_session=current_session_id(request))
    except InputError as e:
        field = "current_password" if e.field == "current_password" else "new_password"
        return _account_page(request, account, uow, status_code=422,
                             errors={field: str(e)})
    uow.accounts.audit(account_id=account.id, actor=account.email, action="password_changed")
    uow.commit()  # this browser stays signed in; the others are ended
    flash(request, "Password changed. Your other devices are signed out"
          + (" and your API tokens were deleted: make new ones below if you need them."
             if had_tokens else "."))
    return RedirectResponse("/account", 303)


ChoosingAccount = Annotated[Account, Depends(signed_in_account)]


@router.get("/account/choose-password")
def choose_password_page(request: Request, account: ChoosingAccount) -> Response:
    if not account.must_change_password:
        return RedirectResponse("/account", 303)
    # no navigation on this page: every other page leads back here until it is done
    return render(request, "auth/choose_password.html", who=account.name, errors={})


@router.post("/account/choose-password")
async def choose_password(request: Request, account: ChoosingAccount, uow: Uow, ctx: Ctx
                          ) -> Response:
    if not account.must_change_password:
        return RedirectResponse("/account", 303)
    form = await _form(request)
    new = _field(form, "new_password")
    error = None
    if new != _field(form, "confirm_password"):
        error = "The two passwords are not the same; type it twice, exactly the same."
    else:
        try:
            await run_in_threadpool(account_service.choose_password, uow, account=account,
                                    new=new, keep_session=current_session_id(request))
        except InputError as e:
            error = str(e)
    if error is not None:
        return render(request, "auth/choose_password.html", who=account.name,
                      status_code=422, errors={"new_password": error})
    _note_zone(uow, account, form)
    uow.commit()
    flash(request, "Your password is set. From now on, sign in with it; the one you were "
                   "given no longer works.")
    return RedirectResponse(onboarding.start_for(uow, ctx, account), 303)


@router.post("/account/sign-out-everywhere")
def sign_out_everywhere(request: Request, account: PageAccount, uow: Uow) -> Response:
    sessions, tokens = account_service.end_everywhere(uow, account)
    uow.accounts.audit(account_id=account.id, actor=account.email,
                       action="signed_out_everywhere",
                       detail={"sessions_ended": sessions, "tokens_deleted": tokens})
    uow.commit()
    request.session.clear()
    flash(request, "You are signed out on every device"
          + (f", and your {tokens} API token{'s were' if tokens != 1 else ' was'} deleted."
             if tokens else "."))
    return _forget_pages(RedirectResponse("/sign-in", 303))


@router.post("/account/tokens")
async def create_token(request: Request, account: PageAccount, uow: Uow) -> Response:
    form = await _form(request)
    try:
        token = account_service.create_token(uow, account=account, name=_field(form, "name"))
    except InputError as e:
        return _account_page(request, account, uow, status_code=422,
                             errors={"name": str(e)})
    uow.commit()
    return _account_page(request, account, uow, new_token=token)


@router.post("/account/tokens/{token_id}/delete")
def delete_token(request: Request, token_id: int, account: PageAccount, uow: Uow) -> Response:
    if uow.accounts.delete_token(account.id, token_id):
        uow.accounts.audit(account_id=account.id, actor=account.email,
                           action="api_token_deleted", detail={"token_id": token_id})
        uow.commit()
        flash(request, "Token deleted; it no longer works.")
    return RedirectResponse("/account", 303)
