"""A person's time zone comes from their browser: signing in from Chromium set to Tokyo
stores Asia/Tokyo on the account (a deferred script fills a hidden field of the sign-in
form), and the account page shows it."""

from __future__ import annotations

from browsertools import PHONE, Pages, Server, make_client, make_coach, no_sideways_scroll, shot
from browsertools import sign_in as sign_in_page
from playwright.sync_api import expect

COACH = "tomo@coach.example"
CLIENT = "kaito@client.example"


def _stored_zone(server: Server, email: str) -> str | None:
    with server.ctx.uow(write=False) as uow:
        account = uow.accounts.by_email(email)
        assert account is not None
        return account.time_zone


def test_signing_in_from_tokyo_keeps_asia_tokyo(server: Server, pages: Pages) -> None:
    make_coach(server, COACH, "Tomo Coach")
    _, password = make_client(server, coach_email=COACH, name="Kaito Client", email=CLIENT)
    assert password
    assert _stored_zone(server, CLIENT) is None
    page = pages._open(viewport=PHONE, is_mobile=True, has_touch=True,
                       timezone_id="Asia/Tokyo")
    sign_in_page(page, server, CLIENT, password)
    assert _stored_zone(server, CLIENT) == "Asia/Tokyo"
    page.goto(server + "/account")
    expect(page.get_by_test_id("time-zone")).to_have_text("Asia/Tokyo")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    no_sideways_scroll(page)
    shot(page, "account-time-zone")
    pages.check()
