"""Reminders a person chooses (#17 item 4): the settings page, and the links in reminder
emails (stop a kind of reminder; record the morning pain with one tap).

The settings page works without JavaScript. Its time zone field starts with the account's own
zone when one is known (see anklet.web.deps.today_for); the deferred script shared with the
sign-in forms (``static/zone.js``) only fills a hidden field with the browser's time zone,
used when the time zone field is left empty (else UTC). The links work without signing in: the token
in each is the key. A link's page asks before it changes anything (mail scanners follow
links), except the one-click POST of RFC 8058 that mail programs send for "unsubscribe".
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from anklet.domain.errors import InputError
from anklet.services import reminders as service
from anklet.services.recovery import LinkError
from anklet.store.accounts import Account
from anklet.web.deps import Ctx, MaybeAccount, PageAccount, Uow, check_csrf
from anklet.web.templating import flash, render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
one_click = APIRouter(include_in_schema=False)
"""Routes a mail program POSTs to without a session (RFC 8058): the token is the key."""


def _page(request: Request, account: Account, choices: dict[str, service.Choice],
          errors: dict[str, str], zone_name: str, saved: bool, ctx_public: bool,
          status_code: int = 200) -> Response:
    return render(request, "reminders/settings.html", account=account, status_code=status_code,
                  choices=choices, errors=errors, kinds=service.KINDS, what=service.WHAT,
                  day_names=service.DAY_NAMES, zone_name=zone_name, saved=saved,
                  public_url=ctx_public)


@router.get("/reminders")
def reminders_page(request: Request, account: PageAccount, uow: Uow, ctx: Ctx) -> Response:
    choices = service.settings_for(uow, account)
    saved = service.has_saved(uow, account)
    zone_name = (next(iter(choices.values())).time_zone if saved
                 else account.time_zone or "")
    return _page(request, account, choices, {}, zone_name, saved,
                 bool(ctx.settings.public_url))


@router.post("/reminders")
async def save_reminders(request: Request, account: PageAccount, uow: Uow,
                         ctx: Ctx) -> Response:
    form = await request.form()
    fields: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(name, []).append(value)
    result = service.read_form(service.kinds_for(account), fields)
    if result.errors:
        return _page(request, account, result.choices, result.errors,
                     (fields.get("time_zone") or [""])[0], True,
                     bool(ctx.settings.public_url), status_code=422)
    service.save(uow, account, result.choices)
    uow.commit()
    on = [service.KINDS[k].lower() for k, c in result.choices.items() if c.enabled]
    flash(request, (f"Saved: you get {' and '.join(on)} by email, in the time zone "
                    f"{result.zone_name}.") if on else "Saved: no reminders by email.")
    return RedirectResponse("/reminders", 303)


# -- stop links ----------------------------------------------------------------------------------


def _stop_page(request: Request, account: Account | None, token: str, *, kind: str | None,
               done: bool, expired: str | None, status_code: int = 200) -> Response:
    return render(request, "reminders/stop.html", account=account, token=token,
                  what=service.KINDS.get(kind or "", "these reminders"), done=done,
                  expired=expired, status_code=status_code)


@router.get(service.STOP_PATH + "{token}")
def stop_page(request: Request, token: str, uow: Uow, account: MaybeAccount) -> Response:
    try:
        link = service.stop_link(uow, token)
    except LinkError as e:
        return _stop_page(request, account, token, kind=None, done=False, expired=str(e),
                          status_code=410)
    return _stop_page(request, account, token, kind=link.kind, done=False, expired=None)


@one_click.post(service.STOP_PATH + "{token}")
def stop(request: Request, token: str, uow: Uow, account: MaybeAccount) -> Response:
    """One click in a mail program (``List-Unsubscribe=One-Click``) or the button on the
    page: no session or CSRF token needed, the link's token is the key."""
    try:
        link = service.stop(uow, token)
    except LinkError as e:
        return _stop_page(request, account, token, kind=None, done=False, expired=str(e),
                          status_code=410)
    uow.commit()
    return _stop_page(request, account, token, kind=link.kind, done=True, expired=None)


# -- morning pain links ------------------------------------------------------------------------


def _pain_page(request: Request, account: Account | None, token: str, *, pain: int | None,
               day: dt.date | None, done: bool, expired: str | None,
               status_code: int = 200) -> Response:
    return render(request, "reminders/pain.html", account=account, token=token, pain=pain,
                  day=day, done=done, expired=expired, status_code=status_code,
                  scores=list(service.PAIN_SCORES))


@router.get(service.PAIN_PATH + "{token}")
def pain_page(request: Request, token: str, uow: Uow, account: MaybeAccount) -> Response:
    """Asks before it records (a mail scanner that follows the link records nothing)."""
    raw = request.query_params.get("pain")
    try:
        link = service.pain_link(uow, token)
    except LinkError as e:
        return _pain_page(request, account, token, pain=None, day=None, done=False,
                          expired=str(e), status_code=410)
    try:
        pain = service.parse_pain(raw) if raw is not None else None
    except InputError:
        pain = None  # the page offers every number instead
    return _pain_page(request, account, token, pain=pain, day=link.day, done=False,
                      expired=None)


@router.post(service.PAIN_PATH + "{token}")
async def record_pain(request: Request, token: str, uow: Uow, ctx: Ctx,
                      account: MaybeAccount) -> Response:
    form = await request.form()
    value = form.get("pain")
    pain = service.parse_pain(value if isinstance(value, str) else None)  # 422 names it
    try:
        link, _key = service.record_pain(ctx, uow, token, pain)
    except LinkError as e:
        return _pain_page(request, account, token, pain=None, day=None, done=False,
                          expired=str(e), status_code=410)
    uow.commit()
    return _pain_page(request, account, token, pain=pain, day=link.day, done=True,
                      expired=None)
