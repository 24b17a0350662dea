"""Choosing reminders on a phone: from the account page, the morning pain question on, the
time zone left empty: the browser's own zone is stored (a deferred script fills a hidden
field); without JavaScript the same form saves with UTC."""

from __future__ import annotations

from typing import Any

from browsertools import (
    PHONE,
    Pages,
    Server,
    make_client,
    make_coach,
    no_sideways_scroll,
    shot,
    sign_in,
)
from playwright.sync_api import expect

from anklet.services import reminders

COACH = "rita@coach.example"


def _choose_morning_pain(page: Any, server: Server, email: str, password: str) -> None:
    sign_in(page, server, email, password)
    page.goto(server + "/account")
    page.get_by_role("link", name="Reminders by email").click()
    expect(page.get_by_role("heading", name="Reminders by email")).to_be_visible()
    section = page.locator("#morning_pain")
    section.get_by_label("Email me this").check()
    section.get_by_label("At", exact=True).fill("07:15")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Save reminders").click()


def _stored_zone(server: Server, email: str) -> str:
    with server.ctx.uow(write=False) as uow:
        account = uow.accounts.by_email(email)
        assert account is not None
        choice = reminders.settings_for(uow, account)["morning_pain"]
    assert choice.enabled
    return choice.time_zone


def test_reminders_take_the_browsers_time_zone(server: Server, pages: Pages) -> None:
    make_coach(server, COACH, "Rita Coach")
    _, password = make_client(server, coach_email=COACH, name="Rob Remind",
                              email="rob@client.example")
    assert password
    page = pages._open(viewport=PHONE, is_mobile=True, has_touch=True,
                       timezone_id="Asia/Tokyo")
    _choose_morning_pain(page, server, "rob@client.example", password)
    # the saved flash (the page also has the offline queue's status line, empty here)
    expect(page.locator("p.flash[role=status]")).to_contain_text("Asia/Tokyo")
    assert _stored_zone(server, "rob@client.example") == "Asia/Tokyo"
    shot(page, "reminders-saved")
    pages.check()


def test_reminders_without_javascript_save_with_utc(server: Server, pages: Pages) -> None:
    make_coach(server, "nora@coach.example", "Nora Coach")
    _, password = make_client(server, coach_email="nora@coach.example", name="Noel NoScript",
                              email="noel@client.example")
    assert password
    page = pages._open(viewport=PHONE, is_mobile=True, has_touch=True,
                       timezone_id="America/Chicago", java_script_enabled=False)
    _choose_morning_pain(page, server, "noel@client.example", password)
    page.wait_for_url(server + "/reminders")
    assert _stored_zone(server, "noel@client.example") == "UTC"
