"""A client on their phone: sign in with the one-time password from their coach, choose their
own password, see today's exercises, log the session (one bad value first), see the charts
move, change the password."""

from __future__ import annotations

import datetime as dt
from typing import Any

from browsertools import (
    DAY,
    PHONE,
    Pages,
    Server,
    make_client,
    make_coach,
    nav,
    no_sideways_scroll,
    shot,
)
from playwright.sync_api import expect

COACH = "cora@coach.example"
CLIENT = "Sam Stiff"
CLIENT_EMAIL = "sam@client.example"
OWN_PASSWORD = "purple walrus juggling teacups"
NEW_PASSWORD = "my own new password"


def _charts(page: Any) -> dict[str, Any]:
    """What the progress charts show, read back from the attributes the chart module emits."""
    shown: dict[str, Any] = page.evaluate("""() => ({
        during: [...document.querySelectorAll('svg.chart-pain circle.point.during')]
            .map(c => [c.dataset.date, c.dataset.value]),
        weeks: [...document.querySelectorAll('svg.chart-adherence rect.bar')]
            .map(r => [r.dataset.week, Number(r.dataset.value)]),
    })""")
    return shown


def test_a_client_logs_a_session_on_a_phone_and_sees_the_charts_move(server: Server,
                                                                    pages: Pages) -> None:
    today = dt.date.today()
    make_coach(server, COACH, "Cora Coach")
    key, one_time = make_client(server, coach_email=COACH, name=CLIENT, email=CLIENT_EMAIL,
                                session_on=today - 2 * DAY, one_time=True)
    assert one_time
    page = pages.phone()

    # sign in with the password the coach passed on
    page.goto(server + "/")
    page.wait_for_url(server + "/sign-in")
    page.get_by_label("Email").fill(CLIENT_EMAIL)
    page.get_by_label("Password").fill(one_time)
    page.get_by_role("button", name="Sign in").click()
    # the one-time password opens only the page to choose their own
    page.wait_for_url(server + "/account/choose-password")
    no_sideways_scroll(page)
    shot(page, "client-choose-password")
    page.get_by_label("Your new password").fill(OWN_PASSWORD)
    page.get_by_label("The same password again").fill(OWN_PASSWORD)
    page.get_by_role("button", name="Save my password").click()
    page.wait_for_url(server + "/me")
    assert page.get_by_text("Your password is set.").is_visible()
    no_sideways_scroll(page)

    # Today: the exercises, each with its how-to a tap away
    assert page.get_by_role("heading", name="Today").is_visible()
    assert page.get_by_text("Stage 1 · Foot").is_visible()
    exercises = page.locator("details.ex")
    assert exercises.count() >= 2
    first = exercises.first
    how = first.get_by_role("heading", name="How to do it")
    assert not how.is_visible()
    first.locator(":scope > summary").tap()
    expect(how).to_be_visible()
    assert first.locator(".ex-body > ol > li").count() >= 2
    shot(page, "client-today")

    # progress before the log
    nav(page, "Progress").click()
    page.wait_for_url(f"{server}/people/{key}/progress")
    before = _charts(page)
    assert len(before["during"]) == 1  # the session two days ago
    no_sideways_scroll(page)
    shot(page, "client-progress-before")

    # the log form, from Today's big button
    nav(page, "Today").click()
    page.get_by_role("link", name="Log today's session").click()
    page.wait_for_url(f"{server}/people/{key}/log")
    no_sideways_scroll(page)
    save = page.get_by_role("button", name="Save session")
    save.scroll_into_view_if_needed()
    box = save.bounding_box()
    assert box is not None
    assert box["height"] >= 44, box
    assert box["y"] >= 0, box  # on screen, where a thumb reaches it
    assert box["y"] + box["height"] <= PHONE["height"], box
    assert box["x"] >= 0, box
    assert box["x"] + box["width"] <= PHONE["width"], box
    rows = page.locator(".logrow.is-done")
    assert rows.count() >= 2, "today's planned exercises come ticked"
    sets = rows.first.get_by_label("Sets")
    sets.fill("999")
    skipped = rows.nth(1).get_by_role("checkbox")
    skipped.uncheck()
    pain = page.get_by_role("group", name="Pain during")
    pain.get_by_text("2", exact=True).tap()
    effort = page.get_by_role("group", name="Effort")
    effort.get_by_text("4", exact=True).tap()
    page.get_by_label("Notes").fill("Left arch felt tight")
    gait = page.get_by_label("My walking or running felt off today")
    assert not gait.is_checked()
    gait.check()
    with page.expect_response(f"{server}/people/{key}/log") as sent:
        save.tap()
    assert sent.value.status == 422
    # the same address answers: wait for the new page itself, not for a change of URL
    expect(page.get_by_role("alert").filter(has_text="Nothing is saved yet")).to_be_visible()

    # the error in place, everything else as it was
    first_row = page.locator(".logrow").first
    assert first_row.get_by_label("Sets").get_attribute("aria-invalid") == "true"
    error = first_row.locator("small.error")
    assert error.is_visible()
    assert "999" in error.inner_text()
    assert "from 0 to 50" in error.inner_text()
    assert first_row.get_by_label("Sets").input_value() == "999"
    assert first_row.get_by_role("checkbox").is_checked()
    assert not page.locator(".logrow").nth(1).get_by_role("checkbox").is_checked()
    assert page.get_by_role("group", name="Pain during").get_by_role(
        "radio", name="2", exact=True).is_checked()
    assert page.get_by_role("group", name="Effort").get_by_role(
        "radio", name="4", exact=True).is_checked()
    assert page.get_by_label("Notes").input_value() == "Left arch felt tight"
    assert page.get_by_label("My walking or running felt off today").is_checked()
    no_sideways_scroll(page)
    shot(page, "client-log-error")

    # fixed and saved
    first_row.get_by_label("Sets").fill("2")
    page.get_by_role("button", name="Save session").tap()
    page.wait_for_url(server + "/me")
    assert page.get_by_text("Logged. Tomorrow morning, tell us how it feels.").is_visible()
    assert page.get_by_text("You logged a session today ✓").is_visible()

    # the charts moved: one more pain point (today's, at 2/10), and this week's bar went up
    nav(page, "Progress").click()
    page.wait_for_url(f"{server}/people/{key}/progress")
    after = _charts(page)
    assert len(after["during"]) == len(before["during"]) + 1
    assert [today.isoformat(), "2"] in after["during"]
    assert after["weeks"][-1][1] > (before["weeks"][-1][1] if before["weeks"] else 0)
    assert page.get_by_text("Last session (").first.is_visible()
    shot(page, "client-progress-after")

    # the week, on the phone too
    nav(page, "Week").click()
    page.wait_for_url(f"{server}/people/{key}/plan")
    assert page.get_by_role("heading", name="Your week").is_visible()
    today_card = page.locator(f"#d-{today.isoformat()}")
    assert today_card.get_by_text("Today", exact=True).is_visible()
    assert today_card.get_by_text("Logged ✓").is_visible()
    no_sideways_scroll(page)
    shot(page, "client-week")

    # the password of their own
    nav(page, "Account").click()
    page.wait_for_url(server + "/account")
    page.get_by_label("Current password").fill(OWN_PASSWORD)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed.")).to_be_visible()  # back on /account
    no_sideways_scroll(page)
    shot(page, "client-account")
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(server + "/sign-in")
    page.get_by_label("Email").fill(CLIENT_EMAIL)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server + "/me")
