"""A coach's first day, in the browser: sign up, add a client, assess them (one bad value
first), read the decision, give them time and a plan, print it, give them a sign-in, and set
their stage by hand."""

from __future__ import annotations

import re
from typing import Any

from browsertools import ARTIFACTS, Pages, Server, shot
from playwright.sync_api import expect

COACH = ("Casey Coach", "casey@coach.example")
CLIENT = "Robin Runner"
CLIENT_EMAIL = "robin@client.example"


def _person_key(page: Any) -> str:
    m = re.search(r"/people/([^/#?]+)", page.url)
    assert m, page.url
    return m.group(1)


def _fill_assessment(page: Any, left_cm: str) -> None:
    for radio in page.locator("#red-flags").get_by_role("radio", name="No", exact=True).all():
        radio.check()
    page.get_by_label("left pain at rest", exact=True).fill("1")
    page.get_by_label("right pain at rest", exact=True).fill("0")
    page.get_by_label("left ankle bend", exact=True).fill(left_cm)
    page.get_by_label("right ankle bend", exact=True).fill("11.5")
    page.get_by_label("left pain during the ankle bend test", exact=True).fill("1")
    page.get_by_label("right pain during the ankle bend test", exact=True).fill("0")
    page.get_by_label("left Single-leg heel raises", exact=True).fill("18")
    page.get_by_label("right Single-leg heel raises", exact=True).fill("25")
    page.get_by_label("left Single-leg balance, eyes open", exact=True).fill("20")
    page.get_by_label("right Single-leg balance, eyes open", exact=True).fill("31")
    # the two feet have fields with the same labels; their ids tell them apart
    page.locator("#f-left_posture").select_option(label="Pronated (rolls in)")
    page.locator("#f-left_arch").select_option(label="Collapsed")
    page.locator("#f-left_foot_notes").fill("Big toe barely lifts")


def test_a_coach_signs_up_assesses_a_client_and_prints_the_plan(server: Server,
                                                                 pages: Pages) -> None:
    page = pages.desktop()

    # sign up through the page
    page.goto(server + "/sign-up")
    page.get_by_label("Your name").fill(COACH[0])
    page.get_by_label("Email").fill(COACH[1])
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("radio", name="a coach or trainer with clients").check()
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(server + "/sign-in")  # with the email filled in
    assert page.get_by_text("Thank you. Sign in below").is_visible()
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server + "/coach")
    assert page.get_by_role("heading", name="Your clients").is_visible()
    assert page.get_by_role("heading", name="Add your first client").is_visible()
    shot(page, "coach-dashboard-empty")

    # add a client
    page.get_by_label("Name", exact=True).fill(CLIENT)
    page.get_by_role("checkbox", name="Running").check()
    page.get_by_label("Goals").fill("Squat deeper without the heels lifting")
    page.get_by_role("button", name="Add the client").click()
    page.wait_for_url(re.compile(r"/people/[^/]+$"))
    key = _person_key(page)
    assert page.get_by_role("heading", name=CLIENT, exact=True).is_visible()
    assert page.get_by_text("No stage yet").is_visible()

    # the assessment: one impossible knee-to-wall first
    page.get_by_role("link", name="Assess", exact=True).click()
    page.wait_for_url(f"{server}/people/{key}/assess")
    _fill_assessment(page, left_cm="40")
    with page.expect_response(f"{server}/people/{key}/assess") as sent:
        page.get_by_role("button", name="Save the assessment").click()
    assert sent.value.status == 422
    # the same address answers: wait for the new page itself, not for a change of URL
    expect(page.get_by_role("alert").filter(has_text="Nothing was saved yet")).to_be_visible()
    bad = page.get_by_label("left ankle bend", exact=True)
    assert bad.get_attribute("aria-invalid") == "true"
    error = page.locator("#e-left_dorsiflexion")
    assert error.is_visible()
    assert "25" in error.inner_text()  # says what is accepted (0 to 25 cm)
    # the error sits in the same cell as its field
    cell = page.locator("td", has=bad)
    assert cell.locator("small.error").inner_text() == error.inner_text()
    # everything else typed is still there
    assert bad.input_value() == "40"
    assert page.get_by_label("right ankle bend", exact=True).input_value() == "11.5"
    assert page.get_by_label("right Single-leg heel raises", exact=True).input_value() == "25"
    assert page.get_by_label("left Single-leg balance, eyes open", exact=True).input_value() == "20"
    assert page.locator("#f-left_posture").input_value() == "pronated"
    assert page.locator("#f-left_foot_notes").input_value() == "Big toe barely lifts"
    no_answers = page.locator("#red-flags").get_by_role("radio", name="No", exact=True)
    assert no_answers.count() == len(server.ctx.protocol.red_flags)
    assert all(r.is_checked() for r in no_answers.all())
    assert page.get_by_role("checkbox", name="Running").is_checked()
    shot(page, "coach-assessment-error")

    # fixed, and saved
    bad.fill("6")
    page.get_by_role("button", name="Save the assessment").click()
    page.wait_for_url(f"{server}/people/{key}")
    assert page.get_by_text(f"Assessment saved for {CLIENT}").is_visible()
    assert page.get_by_text("Stage 1 · Foot").first.is_visible()
    checklist = page.locator("#checklist")
    assert checklist.get_by_role("heading", name=f"What moves {CLIENT} to stage 2").is_visible()
    assert checklist.get_by_role("row", name=re.compile("Pain at rest")).is_visible()
    # the knee-to-wall criterion, with the value and the threshold, on the clearance list
    clearance = page.locator("details", has_text="Clearance to train normally")
    clearance.get_by_text("Clearance to train normally").click()
    row = clearance.get_by_role("row", name=re.compile("Knee-to-wall distance"))
    assert row.is_visible()
    row_text = row.inner_text()
    for part in ("L 6 cm", "R 11.5 cm", "≥ 10 cm"):
        assert part in row_text, row_text
    # left and right compared: the left is well behind
    asym = page.locator("table.asym").get_by_role("row", name=re.compile("^Knee-to-wall"))
    asym_text = asym.inner_text()
    for part in ("6 cm", "11.5 cm", "5.5 cm", "left behind"):
        assert part in asym_text, asym_text
    # the foot observation is on record
    assert page.get_by_text("left foot: pronated, arch collapsed (Big toe barely lifts)").is_visible()
    shot(page, "coach-person-page")

    # the weekly time
    for day, minutes in (("Mon", 20), ("Tue", 15), ("Wed", 20), ("Thu", 15), ("Fri", 20),
                         ("Sat", 30), ("Sun", 0)):
        page.get_by_label(day, exact=True).fill(str(minutes))
    page.get_by_role("button", name="Save the weekly time").click()
    page.wait_for_url(f"{server}/people/{key}#week")
    assert page.get_by_text("Weekly time saved: 120 minutes a week.").is_visible()
    assert page.get_by_label("Sat", exact=True).input_value() == "30"

    # the week plan
    page.get_by_role("link", name="Week plan").click()
    page.wait_for_url(f"{server}/people/{key}/plan")
    assert page.get_by_role("heading", name=f"{CLIENT}: week plan").is_visible()
    assert page.locator("details.ex").count() > 0  # exercises, each with its how-to
    shot(page, "coach-week-plan")

    # the printable plan: the PDF behind the page's own link, with this browser's cookies
    link = page.get_by_role("link", name="Print this week (PDF)")
    href = link.get_attribute("href")
    assert href is not None
    assert href.startswith(f"/people/{key}/plan.pdf")
    pdf = page.request.get(server + href)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF"), pdf.body()[:20]
    (ARTIFACTS / "coach-plan.pdf").write_bytes(pdf.body())  # to look at, as the pictures
    # and the same document as a page for the browser's print
    page.goto(f"{server}/people/{key}/plan/print")
    assert page.get_by_text(CLIENT).first.is_visible()
    shot(page, "coach-print-page")

    # a sign-in for the client: the one-time password is shown once
    page.goto(f"{server}/people/{key}")
    page.get_by_label("Their email").fill(CLIENT_EMAIL)
    page.get_by_role("button", name="Make a one-time password instead").click()
    made = page.get_by_role("status").filter(has_text=f"Sign-in made for {CLIENT}")
    expect(made).to_be_visible()
    password = made.locator("code.secret").inner_text().strip()
    assert len(password) >= 10
    assert page.get_by_text(f"{CLIENT} signs in as {CLIENT_EMAIL}").is_visible()
    # it works, once: it leads to choosing their own (the client's journey is the next test)
    other = pages.phone()
    other.goto(server + "/sign-in")
    other.get_by_label("Email").fill(CLIENT_EMAIL)
    other.get_by_label("Password").fill(password)
    other.get_by_role("button", name="Sign in").click()
    other.wait_for_url(server + "/account/choose-password")

    # the stage set by hand, with the reason
    page.goto(f"{server}/people/{key}")
    page.get_by_text("Set the stage by hand").click()
    page.get_by_label("Stage", exact=True).select_option(label="2 · Ankle")
    reason = "Foot work done with their physio over the winter"
    page.get_by_label("Why (kept with the decision)").fill(reason)
    page.get_by_role("button", name="Set the stage").click()
    page.wait_for_url(f"{server}/people/{key}#overrides")
    assert page.get_by_text("Stage set to 2.").is_visible()
    assert page.get_by_text("Stage 2 · Ankle").first.is_visible()
    assert page.get_by_text(f"stage set by {COACH[1]}").is_visible()
    overrides = page.locator("#overrides")
    assert overrides.get_by_text(reason).first.is_visible()
    assert overrides.get_by_text("set to stage 2").is_visible()
    assert page.locator("#audit").get_by_text("Stage set by hand").is_visible()
    shot(page, "coach-person-override")

    # back on the dashboard, the client is listed with their stage
    page.get_by_role("link", name="← All clients").click()
    page.wait_for_url(server + "/coach")
    row = page.get_by_role("row", name=re.compile(CLIENT))
    assert "Stage 2" in row.inner_text()
    shot(page, "coach-dashboard")
