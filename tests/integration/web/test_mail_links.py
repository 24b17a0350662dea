"""Forgot password, end to end: the request page, the email on a real SMTP server on loopback,
the link followed, the new password, and everything the old password opened closed."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from webtools import PASSWORD, Web, WebClient

from anklet.services import recovery
from anklet.services.context import Context, open_context
from anklet.settings import Settings
from anklet.web.app import create_app
from anklet.web.ops import log_path
from mailtools import Mailbox

NEW = "purple tractor sings loudly"
LINK = re.compile(r"http://testserver(/reset-password/[A-Za-z0-9_-]+)")


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def web_ctx(db_url: str, mailbox: Mailbox) -> Iterator[Context]:
    ctx = open_context(Settings(database_url=db_url, secret_key="x" * 40,
                                smtp_url=f"smtp://127.0.0.1:{mailbox.port}",
                                mail_from="Anklet <anklet@example.org>"),
                       migrate_schema=False)
    yield ctx
    ctx.engine.dispose()


@pytest.fixture
def app(web_ctx: Context) -> FastAPI:
    return create_app(context=web_ctx)


@pytest.fixture
def web(app: FastAPI, web_ctx: Context) -> Web:
    return Web(app, web_ctx)


def _ask(browser: WebClient, email: str) -> str:
    r = browser.form("/forgot-password", {"email": email})
    assert r.status_code == 200, r.text
    return r.text


def _link(mailbox: Mailbox, n: int = 1) -> str:
    message = mailbox.wait(n)[n - 1]
    m = LINK.search(Mailbox.text(message))
    assert m, Mailbox.text(message)
    return m.group(1)


def test_reset_by_email_signs_in_and_ends_everything_else(web: Web, mailbox: Mailbox) -> None:
    old_browser = web.account("coach", "casey@example.org", "Casey Coach")
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email("casey@example.org")
        assert account is not None
        from anklet.services import accounts as account_service
        api_token = account_service.create_token(uow, account=account, name="script")
        uow.commit()
    stranger = web.browser()
    assert "Forgot your password?" in stranger.get("/sign-in").text
    page = _ask(stranger, "Casey@Example.org ")
    assert "we have emailed it a link" in page
    (message,) = mailbox.wait()
    assert message["To"] == "casey@example.org"
    assert message["Subject"] == "Choose a new Anklet password"
    path = _link(mailbox)

    form = stranger.get(path)
    assert form.status_code == 200
    assert "casey@example.org" in form.text
    r = stranger.form(path, {"new_password": NEW, "confirm_password": NEW})
    assert r.status_code == 303
    assert r.headers["location"] == "/coach"
    assert stranger.get("/coach").status_code == 200  # signed in with the new password
    # the old browser is signed out, the API token is gone, the old password fails
    assert old_browser.get("/coach").status_code == 303
    assert web.browser().get("/api/v1/people", headers={
        "Authorization": f"Bearer {api_token}"}).status_code == 401
    assert web.browser().sign_in("casey@example.org", PASSWORD).status_code == 401
    assert web.browser().sign_in("casey@example.org", NEW).status_code == 303
    # the link worked once
    again = stranger.get(path)
    assert again.status_code == 410
    assert "already been used" in again.text
    assert web.browser().form(path, {"new_password": "another long phrase here",
                                     "confirm_password": "another long phrase here"}
                              ).status_code == 410


def test_reset_unknown_email_answers_the_same_and_sends_nothing(web: Web,
                                                                mailbox: Mailbox) -> None:
    web.account("coach", "casey@example.org", "Casey Coach")
    known = _ask(web.browser(), "casey@example.org")
    unknown = _ask(web.browser(), "nobody@example.org")
    strip = re.compile(r'"X-CSRF-Token": "[^"]+"|name="csrf_token" value="[^"]+"|'
                       r'nobody@example\.org|casey@example\.org')
    assert strip.sub("", known) == strip.sub("", unknown)
    mailbox.wait(1)
    assert [m["To"] for m in mailbox.received] == ["casey@example.org"]


def test_reset_link_expires_after_an_hour(web: Web, mailbox: Mailbox) -> None:
    web.account("coach", "casey@example.org", "Casey Coach")
    _ask(web.browser(), "casey@example.org")
    token = _link(mailbox).rsplit("/", 1)[1]
    later = dt.datetime.now(dt.UTC) + recovery.RESET_LIFETIME + dt.timedelta(seconds=1)
    with web.ctx.uow() as uow:
        with pytest.raises(recovery.LinkError, match="expired"):
            recovery.reset_password(uow, token=token, new=NEW, now=later)
        # a moment before the hour is up it still works
        just_in_time = later - dt.timedelta(seconds=2)
        recovery.reset_password(uow, token=token, new=NEW, now=just_in_time)


def test_reset_password_weak_or_mismatched_is_refused_and_link_kept(web: Web,
                                                                     mailbox: Mailbox) -> None:
    web.account("coach", "casey@example.org", "Casey Coach")
    b = web.browser()
    _ask(b, "casey@example.org")
    path = _link(mailbox)
    r = b.form(path, {"new_password": NEW, "confirm_password": NEW + "x"})
    assert r.status_code == 422
    assert "not the same" in r.text
    r = b.form(path, {"new_password": "password123", "confirm_password": "password123"})
    assert r.status_code == 422
    assert b.get(path).status_code == 200  # still usable after the refusals
    assert b.form(path, {"new_password": NEW, "confirm_password": NEW}).status_code == 303


def test_reset_newer_link_ends_when_one_is_used(web: Web, mailbox: Mailbox) -> None:
    web.account("coach", "casey@example.org", "Casey Coach")
    _ask(web.browser(), "casey@example.org")
    _ask(web.browser(), "casey@example.org")
    first, second = _link(mailbox, 1), _link(mailbox, 2)
    b = web.browser()
    assert b.form(second, {"new_password": NEW, "confirm_password": NEW}).status_code == 303
    assert web.browser().get(first).status_code == 410


def test_reset_emails_per_account_are_limited(web: Web, mailbox: Mailbox) -> None:
    web.account("coach", "casey@example.org", "Casey Coach")
    for _ in range(recovery.RESETS_PER_ACCOUNT + 2):
        _ask(web.browser(), "casey@example.org")
    mailbox.wait(recovery.RESETS_PER_ACCOUNT)
    assert len(mailbox.received) == recovery.RESETS_PER_ACCOUNT


def test_reset_requests_per_address_are_limited(web: Web, mailbox: Mailbox) -> None:
    b = web.browser()
    for i in range(recovery.RESET_REQUESTS_PER_ADDRESS):
        _ask(b, f"someone{i}@example.org")
    r = b.form("/forgot-password", {"email": "one.more@example.org"})
    assert r.status_code == 429
    assert "Too many password reset requests" in r.text
    assert int(r.headers["Retry-After"]) > 0


def test_reset_request_with_a_malformed_email_names_it(web: Web) -> None:
    r = web.browser().form("/forgot-password", {"email": "not-an-email"})
    assert r.status_code == 422
    assert "an email address such as" in r.text


def test_reset_unknown_link_is_gone_not_an_error(web: Web) -> None:
    r = web.browser().get("/reset-password/made-up-token")
    assert r.status_code == 410
    assert "Ask for a new link" in r.text


def test_reset_links_are_hidden_in_the_request_log() -> None:
    assert log_path({"path": "/reset-password/abcDEF123"}) == "/reset-password/(hidden)"


def test_forgot_password_without_mail_server_says_who_can_help(db_url: str) -> None:
    ctx = open_context(Settings(database_url=db_url, secret_key="x" * 40), migrate_schema=False)
    try:
        web = Web(create_app(context=ctx), ctx)
        b = web.browser()
        page = b.get("/forgot-password")
        assert page.status_code == 200
        assert "cannot send email" in page.text
        assert "anklet account reset-password" in page.text
        assert 'action="/forgot-password"' not in page.text  # no form that can do nothing
        assert b.form("/forgot-password", {"email": "a@example.org"}).status_code == 503
    finally:
        ctx.engine.dispose()


# --- invitations ----------------------------------------------------------------------------

INVITE = re.compile(r"http://testserver(/invite/[A-Za-z0-9_-]+)")


def _invite_link(mailbox: Mailbox, n: int = 1) -> str:
    m = INVITE.search(Mailbox.text(mailbox.wait(n)[n - 1]))
    assert m
    return m.group(1)


def test_invite_by_email_then_client_chooses_password(web: Web, mailbox: Mailbox) -> None:
    coach = web.account("coach", "casey@example.org", "Casey Coach")
    key = web.add_client("casey@example.org", "Cleo Client")
    r = coach.form(f"/people/{key}/invite", {"signin_email": "Cleo@Example.org"})
    assert r.status_code == 200, r.text
    assert "We emailed an invitation to cleo@example.org" in r.text
    assert "/invite/" not in r.text  # emailed: the link is not shown to the coach
    assert r.headers["Cache-Control"] == "no-store"
    (message,) = mailbox.wait()
    assert message["To"] == "cleo@example.org"
    assert message["Subject"] == "Casey Coach invites you to Anklet"
    path = _invite_link(mailbox)

    client = web.browser()
    page = client.get(path)
    assert page.status_code == 200
    assert "cleo@example.org" in page.text
    r = client.form(path, {"new_password": NEW, "confirm_password": NEW})
    assert r.status_code == 303
    assert r.headers["location"] == "/welcome"  # getting started comes first
    assert client.get(f"/people/{key}/plan").status_code == 200  # signed in as the client
    assert client.get(path).status_code == 410  # once only
    assert web.browser().sign_in("cleo@example.org", NEW).status_code == 303
    # the person page no longer offers an invitation
    person = coach.get(f"/people/{key}").text
    assert "Send a new invitation" not in person
    assert coach.form(f"/people/{key}/invite",
                      {"signin_email": "cleo@example.org"}).status_code == 409


def test_invite_again_ends_the_older_link(web: Web, mailbox: Mailbox) -> None:
    coach = web.account("coach", "casey@example.org", "Casey Coach")
    key = web.add_client("casey@example.org", "Cleo Client")
    coach.form(f"/people/{key}/invite", {"signin_email": "cleo@example.org"})
    assert "Send a new invitation" in coach.get(f"/people/{key}").text
    coach.form(f"/people/{key}/invite", {"signin_email": "cleo@example.org"})
    first, second = _invite_link(mailbox, 1), _invite_link(mailbox, 2)
    assert web.browser().get(first).status_code == 410
    assert web.browser().get(second).status_code == 200


def test_invite_expires_after_seven_days(web: Web, mailbox: Mailbox) -> None:
    coach = web.account("coach", "casey@example.org", "Casey Coach")
    key = web.add_client("casey@example.org", "Cleo Client")
    coach.form(f"/people/{key}/invite", {"signin_email": "cleo@example.org"})
    token = _invite_link(mailbox).rsplit("/", 1)[1]
    week = dt.datetime.now(dt.UTC) + recovery.INVITE_LIFETIME
    with web.ctx.uow() as uow:
        with pytest.raises(recovery.LinkError, match="expired"):
            recovery.invited_account(uow, token, now=week + dt.timedelta(seconds=1))
        assert recovery.invited_account(uow, token, now=week - dt.timedelta(minutes=1))


def test_invite_another_coachs_client_is_not_found(web: Web) -> None:
    web.account("coach", "casey@example.org", "Casey Coach")
    other = web.account("coach", "olive@example.org", "Olive Other")
    key = web.add_client("casey@example.org", "Cleo Client")
    r = other.form(f"/people/{key}/invite", {"signin_email": "cleo@example.org"})
    assert r.status_code == 404
    with web.ctx.uow() as uow:
        assert uow.accounts.by_person(key) is None


def test_invite_taken_or_malformed_email_gets_one_answer(web: Web) -> None:
    coach = web.account("coach", "casey@example.org", "Casey Coach")
    web.account("coach", "olive@example.org", "Olive Other")
    key = web.add_client("casey@example.org", "Cleo Client")
    taken = coach.form(f"/people/{key}/invite", {"signin_email": "olive@example.org"})
    bad = coach.form(f"/people/{key}/invite", {"signin_email": "nonsense"})
    assert taken.status_code == bad.status_code == 422
    assert "cannot be used for a new sign-in" in taken.text
    assert "cannot be used for a new sign-in" in bad.text


def test_invite_without_mail_server_shows_the_link(db_url: str) -> None:
    ctx = open_context(Settings(database_url=db_url, secret_key="x" * 40), migrate_schema=False)
    try:
        web = Web(create_app(context=ctx), ctx)
        coach = web.account("coach", "casey@example.org", "Casey Coach")
        key = web.add_client("casey@example.org", "Cleo Client")
        r = coach.form(f"/people/{key}/invite", {"signin_email": "cleo@example.org"})
        assert r.status_code == 200
        assert "cannot send email" in r.text
        m = INVITE.search(r.text)
        assert m, r.text
        client = web.browser()
        assert client.form(m.group(1), {"new_password": NEW,
                                        "confirm_password": NEW}).status_code == 303
    finally:
        ctx.engine.dispose()


def test_invite_when_the_mail_server_fails_shows_the_link(db_url: str) -> None:
    from mailtools import free_port

    ctx = open_context(Settings(database_url=db_url, secret_key="x" * 40,
                                smtp_url=f"smtp://127.0.0.1:{free_port()}"),
                       migrate_schema=False)
    try:
        web = Web(create_app(context=ctx), ctx)
        coach = web.account("coach", "casey@example.org", "Casey Coach")
        key = web.add_client("casey@example.org", "Cleo Client")
        r = coach.form(f"/people/{key}/invite", {"signin_email": "cleo@example.org"})
        assert r.status_code == 200
        assert "The email could not be sent" in r.text
        assert "refused the connection" in r.text
        assert INVITE.search(r.text)
    finally:
        ctx.engine.dispose()


def test_invite_links_are_hidden_in_the_request_log() -> None:
    assert log_path({"path": "/invite/abcDEF123"}) == "/invite/(hidden)"


# --- confirming a self sign-up's email ------------------------------------------------------

CONFIRM = re.compile(r"http://testserver(/confirm-email/[A-Za-z0-9_-]+)")


def _sign_up(b: WebClient, email: str, role: str = "self") -> None:
    r = b.form("/sign-up", {"name": "Sam Self", "email": email, "password": NEW,
                            "role": role})
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/sign-in"


def test_sign_up_confirms_the_email_before_sign_in(web: Web, mailbox: Mailbox) -> None:
    b = web.browser()
    _sign_up(b, "sam@example.org")
    assert "We have sent an email to sam@example.org" in b.get("/sign-in").text
    refused = b.sign_in("sam@example.org", NEW)
    assert refused.status_code == 403
    assert "Please confirm your email first" in refused.text
    assert "Send me a new link" in refused.text
    assert web.browser().sign_in("sam@example.org", "wrong password here").status_code == 401
    (message,) = mailbox.wait()
    assert message["Subject"] == "Confirm your email for Anklet"
    m = CONFIRM.search(Mailbox.text(message))
    assert m
    page = b.get(m.group(1))  # opening the link changes nothing (mail scanners open links)
    assert page.status_code == 200
    assert b.sign_in("sam@example.org", NEW).status_code == 403
    r = b.form(m.group(1))
    assert r.status_code == 303
    assert b.sign_in("sam@example.org", NEW).status_code == 303
    assert web.browser().form(m.group(1)).status_code == 410  # once only


def test_sign_up_with_a_taken_email_tells_its_owner(web: Web, mailbox: Mailbox) -> None:
    web.account("coach", "casey@example.org", "Casey Coach")
    new, taken = web.browser(), web.browser()
    _sign_up(new, "fresh@example.org")
    _sign_up(taken, "casey@example.org")
    a = new.get("/sign-in").text.replace("fresh@example.org", "X")
    b = taken.get("/sign-in").text.replace("casey@example.org", "X")
    strip = re.compile(r'"X-CSRF-Token": "[^"]+"|name="csrf_token" value="[^"]+"')
    assert strip.sub("", a) == strip.sub("", b)
    mailbox.wait(2)
    by_to = {m["To"]: m for m in mailbox.received}
    assert by_to["casey@example.org"]["Subject"] == ("Someone tried to sign up to Anklet "
                                                     "with your email")
    assert "/confirm-email/" not in Mailbox.text(by_to["casey@example.org"])
    # the existing account still signs in with its own password
    assert web.browser().sign_in("casey@example.org", PASSWORD).status_code == 303


def test_confirmation_resend_sends_a_new_link_and_ends_the_old(web: Web,
                                                               mailbox: Mailbox) -> None:
    b = web.browser()
    _sign_up(b, "sam@example.org")
    first = CONFIRM.search(Mailbox.text(mailbox.wait(1)[0]))
    assert first
    r = b.form("/confirm-email/resend", {"email": "sam@example.org"})
    assert r.status_code == 200
    assert "we have sent it a new link" in r.text
    second = CONFIRM.search(Mailbox.text(mailbox.wait(2)[1]))
    assert second
    assert b.form(first.group(1)).status_code == 410
    assert b.form(second.group(1)).status_code == 303
    # a confirmed or unknown email gets the same answer and no mail
    for email in ("sam@example.org", "nobody@example.org"):
        assert "we have sent it a new link" in b.form("/confirm-email/resend",
                                                       {"email": email}).text
    assert len(mailbox.received) == 2


def test_reset_link_also_confirms_the_email(web: Web, mailbox: Mailbox) -> None:
    b = web.browser()
    _sign_up(b, "sam@example.org")
    _ask(web.browser(), "sam@example.org")
    path = _link(mailbox, 2)
    assert b.form(path, {"new_password": "a different long phrase",
                         "confirm_password": "a different long phrase"}).status_code == 303
    assert web.browser().sign_in("sam@example.org", "a different long phrase").status_code == 303


def test_sign_up_without_mail_server_needs_no_confirmation(db_url: str) -> None:
    ctx = open_context(Settings(database_url=db_url, secret_key="x" * 40), migrate_schema=False)
    try:
        web = Web(create_app(context=ctx), ctx)
        b = web.browser()
        _sign_up(b, "sam@example.org")
        assert b.sign_in("sam@example.org", NEW).status_code == 303
    finally:
        ctx.engine.dispose()


# --- a coach's alert emails -------------------------------------------------------------------


def test_coach_turns_alert_emails_off_and_on(web: Web) -> None:
    coach = web.account("coach", "casey@example.org", "Casey Coach")
    page = coach.get("/account").text
    assert "Alerts by email" in page
    assert "Stop the alert emails" in page
    r = coach.form("/account/alerts", {"on": "no"})
    assert r.status_code == 303
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email("casey@example.org")
        assert account is not None
        assert account.alert_emails is False
    assert "Email me these alerts" in coach.get("/account").text
    assert coach.form("/account/alerts", {"on": "maybe"}).status_code == 422
    coach.form("/account/alerts", {"on": "yes"})
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email("casey@example.org")
        assert account is not None
        assert account.alert_emails is True


def test_client_has_no_alert_setting(web: Web) -> None:
    web.account("coach", "casey@example.org", "Casey Coach")
    client = web.account("client", "cleo@example.org", "Cleo Client",
                         coach_email="casey@example.org")
    assert "Alerts by email" not in client.get("/account").text
    assert client.form("/account/alerts", {"on": "no"}).status_code == 303
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email("cleo@example.org")
        assert account is not None
        assert account.alert_emails is True  # unchanged
