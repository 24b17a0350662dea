"""Signing up, in and out; sessions, CSRF, the sign-in limit and the secret-key guard."""

from __future__ import annotations

import html
import re

import pytest
from webtools import PASSWORD, Web, WebClient

from anklet.domain.errors import DataFileError
from anklet.services import accounts as account_service
from anklet.settings import Settings
from anklet.web.app import create_app


def _sign_up(b: WebClient, **data: str) -> object:
    return b.form("/sign-up", {"name": "Ann", "email": "ann@example.org",
                               "password": PASSWORD, "role": "coach", **data})


def test_signed_out_pages_go_to_sign_in_and_come_back(web: Web) -> None:
    b = web.browser()
    r = b.get("/account")
    assert r.status_code == 303
    assert r.headers["location"] == "/sign-in?next=/account"
    web.account("coach", "c@example.org")
    r = b.form("/sign-in", {"email": "c@example.org", "password": PASSWORD, "next": "/account"})
    assert r.status_code == 303
    assert r.headers["location"] == "/account"


def test_sign_up_coach_then_self_coached_gets_a_person(web: Web) -> None:
    b = web.browser()
    r = _sign_up(b)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/sign-in"  # sign-up never signs in by itself
    assert 'value="ann@example.org"' in b.get("/sign-in").text  # filled in for them
    assert b.sign_in("ann@example.org").headers["location"] == "/coach"
    s = web.browser()
    r = _sign_up(s, email="solo@example.org", role="self", name="Sol Solo")
    assert r.headers["location"] == "/sign-in"
    # a new self-coached person goes on to getting started
    assert s.sign_in("solo@example.org").headers["location"] == "/welcome"
    with web.ctx.uow() as uow:
        solo = uow.accounts.by_email("solo@example.org")
        assert solo is not None
        assert solo.person_key is not None
        assert re.fullmatch(r"p-[0-9a-f]{10}", solo.person_key)
        assert uow.people.get(solo.person_key).person.name == "Sol Solo"
        ann = uow.accounts.by_email("ann@example.org")
        assert ann is not None
        assert ann.person_key is None


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "not-an-email", "email: 'not-an-email' is not accepted"),
    ("password", "123456789", "at least 10 characters"),
    ("name", "", "name: '' is not accepted"),
    ("role", "client", "coach or self"),
])
def test_sign_up_errors_show_in_place_and_keep_what_was_typed(
        web: Web, field: str, value: str, message: str) -> None:
    b = web.browser()
    r = _sign_up(b, **{field: value, "name": "Ann Typed" if field != "name" else ""})
    assert r.status_code == 422
    assert message in html.unescape(r.text)
    if field != "name":
        assert 'value="Ann Typed"' in r.text
    assert PASSWORD not in r.text  # the password is never sent back
    with web.ctx.uow() as uow:
        assert uow.accounts.count() == 0


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(web: Web) -> None:
    web.account("coach", "c@example.org")
    b = web.browser()
    wrong_pw = b.sign_in("c@example.org", "wrong password!")
    no_account = b.sign_in("nobody@example.org", PASSWORD)
    assert wrong_pw.status_code == no_account.status_code == 401
    assert "do not match an account" in wrong_pw.text
    assert "do not match an account" in no_account.text


def test_sign_in_is_limited_per_account(web: Web) -> None:
    web.account("coach", "c@example.org")
    b = web.browser()
    for _ in range(account_service.FREE_FAILS_PER_ACCOUNT):
        assert b.sign_in("c@example.org", "wrong password!").status_code == 401
    r = b.sign_in("c@example.org", PASSWORD)  # even the right password waits now
    assert r.status_code == 429
    assert "Too many failed sign-ins" in r.text
    assert int(r.headers["retry-after"]) > 0
    assert web.browser().sign_in("other@example.org", "x" * 12).status_code == 401


def test_a_good_sign_in_clears_the_count(web: Web) -> None:
    web.account("coach", "c@example.org")
    b = web.browser()
    for _ in range(account_service.FREE_FAILS_PER_ACCOUNT - 1):
        b.sign_in("c@example.org", "wrong password!")
    assert b.sign_in("c@example.org").status_code == 303
    assert web.browser().sign_in("c@example.org", "wrong password!").status_code == 401
    assert web.browser().sign_in("c@example.org").status_code == 303


def test_forms_without_the_csrf_token_are_refused_and_change_nothing(coach: WebClient,
                                                                      web: Web) -> None:
    r = coach.post("/account/tokens", data={"name": "sneaky"})
    assert r.status_code == 403
    r = coach.post("/account/tokens", data={"name": "sneaky", "csrf_token": "forged"})
    assert r.status_code == 403
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email("coach@example.org")
        assert account is not None
        assert uow.accounts.tokens(account.id) == []


def test_session_cookie_is_httponly_and_samesite(web: Web) -> None:
    web.account("coach", "c@example.org")
    b = web.browser()
    r = b.sign_in("c@example.org")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_password_change_ends_other_sessions(web: Web) -> None:
    first = web.account("coach", "c@example.org")
    second = web.browser()
    assert second.sign_in("c@example.org").status_code == 303
    r = first.form("/account/password", {"current_password": PASSWORD,
                                         "new_password": "a brand new password"})
    assert r.status_code == 303
    assert first.get("/account").status_code == 200  # this browser stays in
    assert second.get("/account").status_code == 303  # the other one is out
    assert web.browser().sign_in("c@example.org", "a brand new password").status_code == 303


def test_password_change_needs_the_current_password(coach: WebClient) -> None:
    r = coach.form("/account/password", {"current_password": "not it at all",
                                         "new_password": "a brand new password"})
    assert r.status_code == 422
    assert "not your current password" in r.text


def test_sign_out_everywhere(web: Web) -> None:
    a = web.account("coach", "c@example.org")
    b = web.browser()
    b.sign_in("c@example.org")
    assert a.form("/account/sign-out-everywhere").status_code == 303
    assert a.get("/account").status_code == 303
    assert b.get("/account").status_code == 303


def test_next_never_leaves_the_site(web: Web) -> None:
    web.account("coach", "c@example.org")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        b = web.browser()
        r = b.form("/sign-in", {"email": "c@example.org", "password": PASSWORD, "next": evil})
        assert r.status_code == 303
        assert r.headers["location"] == "/coach"


def test_api_token_is_shown_once_and_can_be_deleted(coach: WebClient, web: Web) -> None:
    r = coach.form("/account/tokens", {"name": "my app"})
    assert r.status_code == 200
    assert 'data-testid="new-token">ank_' in r.text
    page = coach.get("/account")
    assert "my app" in page.text
    assert "ank_" not in page.text
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email("coach@example.org")
        assert account is not None
        [token] = uow.accounts.tokens(account.id)
    assert coach.form(f"/account/tokens/{token.id}/delete").status_code == 303
    with web.ctx.uow() as uow:
        assert uow.accounts.tokens(account.id) == []


def test_the_app_refuses_to_start_outside_development_with_the_placeholder_secret() -> None:
    with pytest.raises(DataFileError, match="ANKLET_SECRET_KEY"):
        create_app(Settings(environment="production"))
    with pytest.raises(DataFileError, match="ANKLET_SECRET_KEY"):
        create_app(Settings(environment="production", secret_key="short"))


def test_error_pages_keep_the_navigation_for_a_signed_in_account(coach: WebClient) -> None:
    r = coach.get("/people/nobody-here")
    assert r.status_code == 404
    assert 'href="/account"' in r.text  # the nav is there, so the way back is one tap
    assert coach.get("/no/such/page").status_code == 404
    assert 'href="/account"' in coach.get("/no/such/page").text
