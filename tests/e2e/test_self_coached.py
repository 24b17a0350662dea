"""Someone working on their own ankles, on a phone: sign up, find the safety questions first,
assess themself, read their own stage, give the plan some time and see today's exercises."""

from __future__ import annotations

import re

from browsertools import Pages, Server, nav, no_sideways_scroll, shot

NAME = "Alex Alone"
EMAIL = "alex@self.example"


def test_a_self_coached_person_assesses_themself_on_a_phone(server: Server,
                                                            pages: Pages) -> None:
    page = pages.phone()
    page.goto(server + "/sign-up")
    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill("my ankles are stiff")
    page.get_by_role("radio", name="working on my own ankles").check()
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(server + "/sign-in")  # with the email filled in
    page.get_by_label("Password").fill("my ankles are stiff")
    page.get_by_role("button", name="Sign in").click()
    # a first sign-in starts getting started; this person goes their own way, to Today
    page.wait_for_url(re.compile(r"/welcome"))
    nav(page, "Today").click()
    page.wait_for_url(server + "/me")
    no_sideways_scroll(page)

    # Today: nothing to do before the safety questions
    assert page.get_by_role("heading", name="A few safety questions first").is_visible()
    assert page.locator("details.ex").count() == 0
    assert page.get_by_role("link", name="Answer them now").is_visible()

    # My stage: not started, the screen comes first
    nav(page, "My stage").click()
    page.wait_for_url(re.compile(r"/people/[^/]+$"))
    key = page.url.rsplit("/", 1)[1]
    assert page.get_by_text("No stage yet").is_visible()
    assert page.get_by_text("Their sign-in").count() == 0  # coach-only parts are not shown

    # the assessment, on the phone
    page.get_by_role("link", name="Assess", exact=True).click()
    page.wait_for_url(f"{server}/people/{key}/assess")
    assert page.get_by_role("heading", name=f"Assess {NAME}").is_visible()
    no_sideways_scroll(page)
    for radio in page.locator("#red-flags").get_by_role("radio", name="No", exact=True).all():
        radio.tap()
    page.get_by_label("left ankle bend", exact=True).fill("8")
    page.get_by_label("right ankle bend", exact=True).fill("8,5")  # a comma works too
    page.get_by_label("left Single-leg heel raises", exact=True).fill("20")
    page.get_by_label("right Single-leg heel raises", exact=True).fill("21")
    page.get_by_role("button", name="Save the assessment").tap()
    page.wait_for_url(f"{server}/people/{key}")

    # their own stage page, spoken to them
    assert page.get_by_text("Assessment saved: the screen, 4 test results").is_visible()
    assert page.get_by_text("Stage 1 · Foot").first.is_visible()
    assert page.get_by_role("heading", name="What moves you to stage 2").is_visible()
    assert "8.5 cm" in page.locator("#history").inner_text()
    assert page.get_by_text("Set the stage by hand").count() == 0  # a coach's tool
    no_sideways_scroll(page)
    shot(page, "self-stage")

    # some time each day, and today has exercises
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        page.get_by_label(day, exact=True).fill("15")
    page.get_by_role("button", name="Save the weekly time").tap()
    page.wait_for_url(f"{server}/people/{key}#week")
    assert page.get_by_text("Weekly time saved: 105 minutes a week.").is_visible()
    nav(page, "Today").click()
    page.wait_for_url(server + "/me")
    assert page.locator("details.ex").count() >= 1
    assert page.get_by_role("link", name="Log today's session").is_visible()
    shot(page, "self-today")
