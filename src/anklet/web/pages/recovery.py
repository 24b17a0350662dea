"""Links by email: "forgot password" and a coach's invitation to their client.

The request page answers the same whatever the email (the email is sent, or not, after the
answer has gone), so it tells nobody who has an account. Without a mail server the page says
so up front and who can help instead: a coach can give their client a new one-time password,
and whoever runs Anklet can use ``anklet account reset-password``.
"""

from __future__ import annotations

import functools
import logging

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from anklet.domain.errors import ConflictError, InputError, TooManyAttemptsError
from anklet.services import accounts as account_service
from anklet.services import mail
from anklet.services import recovery as recovery_service
from anklet.settings import Settings
from anklet.web.deps import (
    Ctx,
    MaybeAccount,
    PageAccount,
    Uow,
    check_csrf,
    client_address,
    sign_in_session,
)
from anklet.web.templating import flash, render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
_log = logging.getLogger("anklet.web")

RESET_PATH = "/reset-password/"
CONFIRM_PATH = "/confirm-email/"


def site_base(request: Request, settings: Settings) -> str:
    """The address links in emails start with: ANKLET_PUBLIC_URL, else this request's."""
    return settings.public_url or str(request.base_url).rstrip("/")


def send_later(settings: Settings, message: mail.Message) -> None:
    """Send after the answer has gone (a failure goes to the server's log)."""
    try:
        mail.send(settings, message)
    except mail.MailError as e:
        _log.warning("An email to %s was not sent: %s", message.to, e)


def _home(account: MaybeAccount) -> str | None:
    if account is None:
        return None
    return "/coach" if account.role == "coach" else "/me"


@router.get("/forgot-password")
def forgot_password_page(request: Request, account: MaybeAccount, ctx: Ctx) -> Response:
    if (home := _home(account)) is not None:
        return RedirectResponse(home, 303)
    return render(request, "auth/forgot_password.html", values={}, errors={}, sent=False,
                  mail_on=ctx.settings.smtp_server() is not None)


@router.post("/forgot-password")
async def forgot_password(request: Request, uow: Uow, ctx: Ctx) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    email = form.get("email", "")
    mail_on = ctx.settings.smtp_server() is not None
    if not mail_on:
        return render(request, "auth/forgot_password.html", status_code=503, values=form,
                      errors={}, sent=False, mail_on=False)
    links = recovery_service.LinkMaker(site_base(request, ctx.settings), RESET_PATH)
    try:
        wanted = recovery_service.request_reset(uow, email=email,
                                                address=client_address(request),
                                                link_for=links)
    except InputError as e:
        return render(request, "auth/forgot_password.html", status_code=422, values=form,
                      errors={"email": str(e)}, sent=False, mail_on=True)
    except TooManyAttemptsError as e:
        response = render(request, "auth/forgot_password.html", status_code=429, values=form,
                          errors={"form": str(e)}, sent=False, mail_on=True)
        response.headers["Retry-After"] = str(e.retry_after_s)
        return response
    uow.commit()
    response = render(request, "auth/forgot_password.html", values={"email": email.strip()},
                      errors={}, sent=True, mail_on=True)
    if wanted.message is not None:  # sent after the answer: the timing tells nothing
        response.background = BackgroundTask(send_later, ctx.settings, wanted.message)
    return response


@router.get(RESET_PATH + "{token}")
def reset_page(request: Request, token: str, account: MaybeAccount, uow: Uow) -> Response:
    try:
        who = recovery_service.reset_account(uow, token)
    except recovery_service.LinkError as e:
        return render(request, "auth/reset_password.html", status_code=410, account=account,
                      expired=str(e), errors={}, token=token, email="")
    return render(request, "auth/reset_password.html", account=account, expired=None,
                  errors={}, token=token, email=who.email)


@router.post(RESET_PATH + "{token}")
async def reset_password(request: Request, token: str, uow: Uow) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    new = form.get("new_password", "")
    try:
        who = recovery_service.reset_account(uow, token)
    except recovery_service.LinkError as e:
        return render(request, "auth/reset_password.html", status_code=410, expired=str(e),
                      errors={}, token=token, email="")
    if new != form.get("confirm_password", ""):
        return render(request, "auth/reset_password.html", status_code=422, expired=None,
                      token=token, email=who.email, errors={
                          "new_password": "The two passwords are not the same; type it "
                                          "twice, exactly the same."})
    try:
        account = await run_in_threadpool(functools.partial(
            recovery_service.reset_password, uow, token=token, new=new))
    except InputError as e:
        return render(request, "auth/reset_password.html", status_code=422, expired=None,
                      token=token, email=who.email, errors={"new_password": str(e)})
    except recovery_service.LinkError as e:
        return render(request, "auth/reset_password.html", status_code=410, expired=str(e),
                      errors={}, token=token, email="")
    account = account_service.note_browser_zone(uow, account=account,
                                                zone=form.get("browser_zone"))
    sign_in_session(request, account, uow)
    uow.commit()
    flash(request, "Your new password is set. You are signed in here, and signed out "
                   "everywhere else.")
    return RedirectResponse("/coach" if account.role == "coach" else "/me", 303)


# --- invitations --------------------------------------------------------------------------

INVITE_PATH = "/invite/"


@router.post("/people/{key}/invite")
async def invite(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx
                 ) -> Response:
    """A coach invites their client: by email when a mail server is set, else (or when the
    email fails) the page shows the link for the coach to pass on."""
    from anklet.web.pages.person import check_person

    check_person(uow, account, key, coach_only=True)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    email = form.get("signin_email", "")
    links = recovery_service.LinkMaker(site_base(request, ctx.settings), INVITE_PATH)
    name = uow.people.get(key).person.name
    try:
        invitation = await run_in_threadpool(functools.partial(
            recovery_service.invite_client, uow, coach=account, key=key, email=email,
            link_for=links))
    except InputError as e:
        return render(request, "auth/invitation.html", account=account, status_code=422,
                      key=key, client_name=name, error=str(e), email=email, invitation=None)
    except ConflictError as e:
        return render(request, "auth/invitation.html", account=account, status_code=409,
                      key=key, client_name=name, error=str(e), email=email, invitation=None)
    uow.commit()
    emailed, problem = False, None
    if ctx.settings.smtp_server() is not None:
        try:
            await run_in_threadpool(mail.send, ctx.settings, invitation.message)
            emailed = True
        except mail.MailError as e:
            problem = str(e)
    response = render(request, "auth/invitation.html", account=account, key=key,
                      client_name=name,
                      error=None, email=invitation.account.email, invitation=invitation,
                      emailed=emailed, problem=problem,
                      mail_on=ctx.settings.smtp_server() is not None)
    response.headers["Cache-Control"] = "no-store"  # the link is on this page
    return response


@router.get(INVITE_PATH + "{token}")
def invitation_page(request: Request, token: str, account: MaybeAccount, uow: Uow) -> Response:
    try:
        who = recovery_service.invited_account(uow, token)
    except recovery_service.LinkError as e:
        return render(request, "auth/accept_invitation.html", status_code=410, account=account,
                      expired=str(e), errors={}, token=token, who=None)
    return render(request, "auth/accept_invitation.html", account=account, expired=None,
                  errors={}, token=token, who=who)


@router.post(INVITE_PATH + "{token}")
async def accept_invitation(request: Request, token: str, uow: Uow, ctx: Ctx) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    new = form.get("new_password", "")
    try:
        who = recovery_service.invited_account(uow, token)
    except recovery_service.LinkError as e:
        return render(request, "auth/accept_invitation.html", status_code=410, expired=str(e),
                      errors={}, token=token, who=None)
    if new != form.get("confirm_password", ""):
        return render(request, "auth/accept_invitation.html", status_code=422, expired=None,
                      token=token, who=who, errors={
                          "new_password": "The two passwords are not the same; type it "
                                          "twice, exactly the same."})
    try:
        account = await run_in_threadpool(functools.partial(
            recovery_service.accept_invitation, uow, token=token, new=new))
    except InputError as e:
        return render(request, "auth/accept_invitation.html", status_code=422, expired=None,
                      token=token, who=who, errors={"new_password": str(e)})
    except recovery_service.LinkError as e:
        return render(request, "auth/accept_invitation.html", status_code=410, expired=str(e),
                      errors={}, token=token, who=None)
    account = account_service.note_browser_zone(uow, account=account,
                                                zone=form.get("browser_zone"))
    sign_in_session(request, account, uow)
    uow.commit()
    flash(request, "Welcome! Your password is set; from now on, sign in with this email and "
                   "your password.")
    from anklet.web.pages import onboarding  # the walk-through while it is due, else Today

    return RedirectResponse(onboarding.start_for(uow, ctx, account), 303)


# --- confirming a self sign-up's email ----------------------------------------------------


@router.get(CONFIRM_PATH + "{token}")
def confirm_page(request: Request, token: str, account: MaybeAccount, uow: Uow) -> Response:
    """Shows a button that confirms (a GET changes nothing: mail scanners open links)."""
    return render(request, "auth/confirm_email.html", account=account, token=token,
                  expired=None, resent=False, values={}, errors={})


@router.post(CONFIRM_PATH + "resend")
async def resend_confirmation(request: Request, uow: Uow, ctx: Ctx) -> Response:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    links = recovery_service.LinkMaker(site_base(request, ctx.settings), CONFIRM_PATH)
    try:
        message = recovery_service.resend_confirmation(
            uow, email=form.get("email", ""), address=client_address(request), link_for=links)
    except (InputError, TooManyAttemptsError) as e:
        return render(request, "auth/confirm_email.html", status_code=422 if isinstance(
            e, InputError) else 429, token=None, expired=str(e), resent=False, values=form,
            errors={})
    uow.commit()
    response = render(request, "auth/confirm_email.html", token=None, expired=None,
                      resent=True, values=form, errors={})
    if message is not None and ctx.settings.smtp_server() is not None:
        response.background = BackgroundTask(send_later, ctx.settings, message)
    return response


@router.post(CONFIRM_PATH + "{token}")
def confirm(request: Request, token: str, uow: Uow) -> Response:
    try:
        account = recovery_service.confirm_email(uow, token)
    except recovery_service.LinkError as e:
        return render(request, "auth/confirm_email.html", status_code=410, token=None,
                      expired=str(e), resent=False, values={}, errors={})
    uow.commit()
    request.session["signed_up_email"] = account.email
    flash(request, "Thank you: your email is confirmed. Sign in below.")
    return RedirectResponse("/sign-in", 303)


# --- a coach's alert emails -----------------------------------------------------------------


@router.post("/account/alerts")
async def alert_emails(request: Request, account: PageAccount, uow: Uow) -> Response:
    """A coach turns the alert emails on or off (``on``: yes or no)."""
    if account.role != "coach":
        return RedirectResponse("/account", 303)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    on = form.get("on", "")
    if on not in ("yes", "no"):
        raise InputError("on", on, "yes or no")
    uow.accounts.set_alert_emails(account.id, on == "yes")
    uow.accounts.audit(account_id=account.id, actor=account.email,
                       action="alert_emails_on" if on == "yes" else "alert_emails_off")
    uow.commit()
    flash(request, "Alert emails are on." if on == "yes" else
          "Alert emails are off; your client list still shows who needs attention.")
    return RedirectResponse("/account#alerts", 303)
