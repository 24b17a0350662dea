"""The next-morning pain prompt: one tap, answered in place by htmx without a page load."""

from __future__ import annotations

import datetime as dt

from browsertools import DAY, Pages, Server, make_client, make_coach, shot, sign_in
from playwright.sync_api import expect

COACH = "mona@coach.example"
CLIENT_EMAIL = "milo@client.example"


def test_morning_pain_is_one_tap_swapped_in_place(server: Server, pages: Pages) -> None:
    yesterday = dt.date.today() - DAY
    make_coach(server, COACH, "Mona Coach")
    key, password = make_client(server, coach_email=COACH, name="Milo Morning",
                                email=CLIENT_EMAIL, session_on=yesterday)
    assert password

    page = pages.phone()
    sign_in(page, server, CLIENT_EMAIL, password)
    assert page.url == server + "/me"
    prompt = page.locator("#morning")
    assert prompt.get_by_role("heading", name="How is it this morning?").is_visible()
    assert prompt.get_by_text(f"After the session of {yesterday:%A}").is_visible()
    assert prompt.get_by_role("button").count() == 11  # 0 to 10
    shot(page, "morning-prompt")

    # mark this document: a full page load would lose the mark
    page.evaluate("window.__anklet_mark = 'still here'")
    url, history = page.url, page.evaluate("history.length")
    loads: list[str] = []
    page.on("framenavigated", lambda frame: loads.append(frame.url))
    with page.expect_request(f"{server}/people/{key}/morning") as sent:
        prompt.get_by_role("button", name="3 out of 10").tap()
    assert sent.value.method == "POST"
    assert sent.value.headers.get("hx-request") == "true"

    thanks = page.locator("#morning").get_by_role("status")
    expect(thanks).to_have_text("Thanks: 3/10 this morning is noted.")
    expect(page.locator("#morning button")).to_have_count(0)  # the buttons are gone
    assert page.evaluate("window.__anklet_mark") == "still here"
    assert page.url == url
    assert page.evaluate("history.length") == history
    assert loads == []
    assert page.locator("#morning").count() == 1  # swapped, not nested
    shot(page, "morning-thanks")

    # it is stored: the session has its morning pain, and the prompt does not come back
    with server.ctx.uow() as uow:
        session = next(s for s in uow.people.get(key).sessions if s.date == yesterday)
    assert session.pain_next_morning == 3
    page.reload()
    assert page.locator("#morning").count() == 0
