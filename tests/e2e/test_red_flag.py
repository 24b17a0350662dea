"""A red flag in the browser: one "yes" on the screen stops everything, and both the coach's
page and the client's Today say which answer it was and to see a clinician."""

from __future__ import annotations

from browsertools import Pages, Server, make_client, make_coach, no_sideways_scroll, shot, sign_in

COACH = "rita@coach.example"
CLIENT = "Nina Numb"
CLIENT_EMAIL = "nina@client.example"
QUESTION = "Do you have numbness or pins and needles in the foot or lower leg?"


def test_one_red_flag_answer_stops_the_exercises_on_both_sides(server: Server,
                                                                pages: Pages) -> None:
    assert QUESTION in [f.question for f in server.ctx.protocol.red_flags]
    make_coach(server, COACH, "Rita Coach")
    # a client whose last screen was clear: today's exercises are there before the new screen
    key, password = make_client(server, coach_email=COACH, name=CLIENT, email=CLIENT_EMAIL)
    assert password

    # the coach records a new screen with one "yes"
    coach = pages.desktop()
    sign_in(coach, server, COACH)
    coach.goto(f"{server}/people/{key}/assess")
    for radio in coach.locator("#red-flags").get_by_role("radio", name="No", exact=True).all():
        radio.check()
    coach.get_by_role("group", name=QUESTION).get_by_role("radio", name="Yes").check()
    coach.get_by_role("button", name="Save the assessment").click()
    coach.wait_for_url(f"{server}/people/{key}")

    # the person page: which answer, see a clinician, nothing prescribed
    assert coach.get_by_text("A red flag was answered yes").is_visible()
    alert = coach.get_by_role("alert").filter(has_text="See a clinician first")
    assert alert.is_visible()
    assert alert.get_by_text(QUESTION).is_visible()
    assert "doctor or physiotherapist" in alert.inner_text()
    assert coach.locator(".person-head .badge.bad").is_visible()  # the status, in red
    week = coach.locator("#week")
    assert week.get_by_text("No exercises this week").is_visible()
    assert week.locator("table.week").count() == 0
    shot(coach, "red-flag-person")

    # the client's Today on their phone says the same, and shows no exercise
    phone = pages.phone()
    sign_in(phone, server, CLIENT_EMAIL, password)
    assert phone.url == server + "/me"
    flag = phone.locator("[data-testid=red-flag]")
    assert flag.get_by_role("heading", name="Please see a clinician first").is_visible()
    assert flag.get_by_text(QUESTION).is_visible()
    assert "tell your coach" in flag.inner_text()
    assert phone.locator("details.ex").count() == 0
    assert phone.get_by_role("link", name="Log today's session").count() == 0
    no_sideways_scroll(phone)
    shot(phone, "red-flag-client-today")

    # and their week plan too
    phone.get_by_role("banner").get_by_role("link", name="Week", exact=True).click()
    phone.wait_for_url(f"{server}/people/{key}/plan")
    assert phone.locator("[data-testid=red-flag]").get_by_text(QUESTION).is_visible()
    assert phone.locator("details.ex").count() == 0
