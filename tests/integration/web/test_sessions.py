"""Sessions and tokens end when they should (issue #16, item 3), on SQLite and PostgreSQL.

Sessions are rows of ``web_sessions``: signing out ends the row, so a copy of the cookie is
refused; a password change, a reset and "sign out everywhere" end the account's sessions and
delete its API tokens; a coach's one-time password opens only the "choose your own password"
page, and stops working once the person has chosen theirs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from webtools import PASSWORD, Web, WebClient

from anklet.services import accounts as account_service
from anklet.store import tables as t

NEW_PASSWORD = "violet kettle marching uphill"


def _copy(web: Web, b: WebClient) -> WebClient:
    """Another browser holding an exact copy of ``b``'s cookies (a stolen cookie)."""
    thief = web.browser()
    for cookie in b.cookies.jar:
        thief.cookies.set(cookie.name, cookie.value or "", domain=cookie.domain,
                          path=cookie.path)
    thief.account_email = b.account_email
    return thief


def _token(b: WebClient) -> str:
    r = b.form("/account/tokens", {"name": "my app"})
    assert r.status_code == 200, r.text[:300]
    m = re.search(r'data-testid="new-token">(ank_[^<]+)<', r.text)
    assert m
    return m.group(1)


def _api_status(web: Web, token: str) -> int:
    with TestClient(web.app) as api:
        return api.get("/api/v1/people", headers={"Authorization": f"Bearer {token}"}
                       ).status_code


def _sessions(web: Web) -> list[tuple[str, int]]:
    with web.ctx.engine.connect() as conn:
        return [(sid, aid) for sid, aid in conn.execute(
            select(t.web_sessions.c.id, t.web_sessions.c.account_id))]


# -- signing out -----------------------------------------------------------------------------


def test_sign_out_refuses_a_copied_cookie(web: Web) -> None:
    me = web.account("coach", "c@example.org")
    thief = _copy(web, me)
    assert thief.get("/account").status_code == 200  # a copy works while the session lives
    assert me.form("/sign-out").status_code == 303
    assert me.get("/account").status_code == 303
    r = thief.get("/account")
    assert r.status_code == 303
    assert r.headers["location"].startswith("/sign-in")
    # nor can the copy make an API token any more
    r = thief.post("/account/tokens", data={"name": "mine now", "csrf_token": "x"})
    assert r.status_code in (303, 403)
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email("c@example.org")
        assert account is not None
        assert uow.accounts.tokens(account.id) == []
    assert _sessions(web) == []


def test_sign_out_ends_only_this_browser(web: Web) -> None:
    phone = web.account("coach", "c@example.org")
    laptop = web.browser()
    assert laptop.sign_in("c@example.org").status_code == 303
    phone.form("/sign-out")
    assert phone.get("/account").status_code == 303
    assert laptop.get("/account").status_code == 200


def test_session_is_stored_only_as_a_hash(web: Web) -> None:
    web.account("coach", "c@example.org")
    [(sid, _)] = _sessions(web)
    assert re.fullmatch(r"[0-9a-f]{64}", sid)


def test_an_expired_session_is_refused(web: Web) -> None:
    me = web.account("coach", "c@example.org")
    with web.ctx.engine.begin() as conn:
        conn.execute(update(t.web_sessions).values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert me.get("/account").status_code == 303


def test_a_page_view_writes_the_last_seen_time_only_when_it_is_due(web: Web) -> None:
    me = web.account("coach", "c@example.org")
    long_ago = dt.datetime.now(dt.UTC) - account_service.SESSION_TOUCH_EVERY - \
        dt.timedelta(seconds=5)
    just_now = dt.datetime.now(dt.UTC) - account_service.SESSION_TOUCH_EVERY + \
        dt.timedelta(seconds=30)

    def seen(at: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
        with web.ctx.engine.begin() as conn:
            if at is not None:
                conn.execute(update(t.web_sessions).values(last_seen_at=at, expires_at=at +
                                                           dt.timedelta(days=14)))
            row = conn.execute(select(t.web_sessions.c.last_seen_at,
                                      t.web_sessions.c.expires_at)).one()
        return row[0], row[1]

    seen(just_now)
    assert me.get("/account").status_code == 200
    assert seen()[0] == just_now  # not due: the GET wrote nothing
    seen(long_ago)
    before = dt.datetime.now(dt.UTC)
    assert me.get("/account").status_code == 200
    last, expires = seen()
    assert last >= before - dt.timedelta(seconds=1)  # due: written, and the expiry slides
    assert expires >= before + dt.timedelta(days=web.ctx.settings.session_days - 1)


# -- password change, reset, sign out everywhere: sessions and API tokens end ------------------


def test_password_change_ends_api_tokens_and_other_sessions_but_not_this_one(web: Web) -> None:
    me = web.account("coach", "c@example.org")
    other = web.browser()
    assert other.sign_in("c@example.org").status_code == 303
    token = _token(me)
    assert _api_status(web, token) == 200
    r = me.form("/account/password", {"current_password": PASSWORD,
                                      "new_password": NEW_PASSWORD})
    assert r.status_code == 303
    page = me.get("/account")
    assert page.status_code == 200  # this browser stays in
    assert "API tokens were deleted" in page.text
    assert other.get("/account").status_code == 303
    assert _api_status(web, token) == 401
    assert len(_sessions(web)) == 1


def test_reset_password_ends_api_tokens_and_every_session(web: Web) -> None:
    me = web.account("coach", "c@example.org")
    token = _token(me)
    with web.ctx.uow() as uow:
        account_service.reset_password(uow, email="c@example.org", new=NEW_PASSWORD)
        uow.commit()
    assert _api_status(web, token) == 401
    assert me.get("/account").status_code == 303
    assert _sessions(web) == []
    with web.ctx.uow() as uow:
        [entry] = [a for a in uow.accounts.all() if a.email == "c@example.org"]
        assert not entry.must_change_password


def test_sign_out_everywhere_ends_api_tokens_and_says_so(web: Web) -> None:
    me = web.account("coach", "c@example.org")
    other = web.browser()
    assert other.sign_in("c@example.org").status_code == 303
    page = me.get("/account")
    assert "deletes your API tokens" in page.text  # said before the button is pressed
    token = _token(me)
    r = me.form("/account/sign-out-everywhere")
    assert r.status_code == 303
    assert "your 1 API token was deleted" in me.get("/sign-in").text
    assert me.get("/account").status_code == 303
    assert other.get("/account").status_code == 303
    assert _api_status(web, token) == 401
    assert _sessions(web) == []


def test_sign_out_everywhere_leaves_other_accounts_alone(web: Web) -> None:
    me = web.account("coach", "c@example.org")
    someone = web.account("coach", "d@example.org")
    their_token = _token(someone)
    me.form("/account/sign-out-everywhere")
    assert someone.get("/account").status_code == 200
    assert _api_status(web, their_token) == 200


# -- a coach's one-time password ------------------------------------------------------------


@pytest.fixture
def one_time(web: Web, coach: WebClient) -> tuple[str, str]:
    """A client given a sign-in by their coach on the person page: (email, password)."""
    key = web.add_client("coach@example.org", "Nia New")
    r = coach.form(f"/people/{key}/sign-in", {"signin_email": "nia@example.org"})
    assert r.status_code == 200, r.text[:300]
    m = re.search(r'<code class="secret">([^<]+)</code>', r.text)
    assert m
    return "nia@example.org", m.group(1)


def test_one_time_password_leads_only_to_choosing_ones_own(web: Web,
                                                           one_time: tuple[str, str]) -> None:
    email, password = one_time
    b = web.browser()
    assert b.sign_in(email, password).status_code == 303
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email(email)
        assert account is not None
        assert account.must_change_password
        key = account.person_key
    for page in ("/me", "/account", f"/people/{key}/log", f"/people/{key}/plan"):
        r = b.get(page)
        assert r.status_code == 303, page
        assert r.headers["location"] == "/account/choose-password", page
    # forms too: nothing is made on the way
    r = b.form("/account/tokens", {"name": "sneaky"})
    assert r.status_code == 303
    assert r.headers["location"] == "/account/choose-password"
    with web.ctx.uow() as uow:
        assert uow.accounts.tokens(account.id) == []
    page = b.get("/account/choose-password")
    assert page.status_code == 200
    assert "Choose your own password" in page.text


def test_one_time_password_cannot_be_kept_or_used_again(web: Web,
                                                        one_time: tuple[str, str]) -> None:
    email, password = one_time
    b = web.browser()
    b.sign_in(email, password)
    r = b.form("/account/choose-password", {"new_password": password,
                                            "confirm_password": password})
    assert r.status_code == 422
    assert "not the one you were given" in r.text
    r = b.form("/account/choose-password", {"new_password": NEW_PASSWORD,
                                            "confirm_password": NEW_PASSWORD + "x"})
    assert r.status_code == 422
    assert "not the same" in r.text
    r = b.form("/account/choose-password", {"new_password": NEW_PASSWORD,
                                            "confirm_password": NEW_PASSWORD})
    assert r.status_code == 303
    assert r.headers["location"] == "/welcome"  # a new client: on to getting started
    assert b.get("/me").status_code == 200  # this browser stays signed in
    assert b.get("/account/choose-password").status_code == 303  # done: back to the account
    assert web.browser().sign_in(email, password).status_code == 401
    assert web.browser().sign_in(email, NEW_PASSWORD).status_code == 303


def test_one_time_password_gets_a_clear_403_from_the_api(web: Web,
                                                         one_time: tuple[str, str]) -> None:
    email, _ = one_time
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email(email)
        assert account is not None
        token = account_service.create_token(uow, account=account, name="made by a program")
        uow.commit()
    with TestClient(web.app) as api:
        r = api.get("/api/v1/people", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403
    assert "Choose your own password first" in r.json()["message"]


def test_the_coach_page_says_the_password_works_once(web: Web, coach: WebClient) -> None:
    key = web.add_client("coach@example.org", "Nia New")
    r = coach.form(f"/people/{key}/sign-in", {"signin_email": "nia@example.org"})
    assert "choose a password of their own" in r.text
    assert r.headers["cache-control"] == "no-store"


def test_choose_password_page_needs_a_sign_in(web: Web) -> None:
    r = web.browser().get("/account/choose-password")
    assert r.status_code == 303
    assert r.headers["location"].startswith("/sign-in")


def test_session_id_is_the_sha256_of_the_cookie_token() -> None:
    assert account_service.session_id_for("abc") == hashlib.sha256(b"abc").hexdigest()
