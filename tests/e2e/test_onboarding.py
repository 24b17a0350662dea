"""A new self-coached person on a phone: sign up, then the getting-started walk-through —
weekly time, the safety questions, the first tests with how to do them at home — and the
first plan on Today. Leaving halfway and signing in again resumes where they were."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browsertools import (
    Pages,
    Server,
    make_client,
    make_coach,
    nav,
    no_sideways_scroll,
    shot,
    sign_in,
)

SHARED = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "activities"
          ).resolve()

NAME = "Nora New"
EMAIL = "nora@new.example"
PASSWORD = "my ankles feel stiff"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def test_sign_up_walk_through_and_first_plan_on_today(server: Server, pages: Pages) -> None:
    page = pages.phone()
    page.goto(server + "/sign-up")
    page.get_by_label("Your name").fill(NAME)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("radio", name="working on my own ankles").check()
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(server + "/sign-in")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # 1. weekly time
    page.wait_for_url(server + "/welcome/time")
    assert page.get_by_role("heading", name="When do you have time?").is_visible()
    no_sideways_scroll(page)
    shot(page, "onboarding-time")
    for day in DAYS:
        page.get_by_label(day, exact=True).fill("20")
    page.get_by_role("button", name="Save and go on").tap()

    # 2. the safety questions; leave halfway and come back: it resumes here
    page.wait_for_url(server + "/welcome/screen")
    assert page.get_by_text("Saved: 140 minutes a week.").is_visible()
    page.goto(server + "/me")
    assert page.get_by_test_id("setup-due").is_visible()
    page.get_by_test_id("setup-due").get_by_role("link", name="Carry on").tap()
    page.wait_for_url(server + "/welcome/screen")
    assert page.get_by_role("heading", name="A few safety questions").is_visible()
    assert page.get_by_role("button", name="I'll do this later").count() == 0  # never skipped
    no_sideways_scroll(page)
    for choice in page.locator("#red-flags").get_by_text("No", exact=True).all():
        choice.tap()
    for side in ("left", "right"):
        for field in ("Pain at rest", "Pain when active"):
            page.get_by_label(f"{field}, {side} ankle: 0 out of 10").check()
        for q in ("swelling", "giving_way"):
            page.locator(f"#f-{side}_{q}").get_by_text("No", exact=True).tap()
    shot(page, "onboarding-screen")
    page.get_by_role("button", name="Save my answers").tap()

    # 3. first tests, with how to do each at home
    page.wait_for_url(server + "/welcome/tests")
    assert page.get_by_text("no warning signs").is_visible()
    assert page.locator("#t-knee_to_wall").get_by_text("Face a wall").is_visible()
    page.locator("#t-heel_raise").get_by_text("How to do it at home").tap()
    assert page.locator("#t-heel_raise").get_by_text("Stand on one leg near a wall").is_visible()
    no_sideways_scroll(page)
    page.get_by_label("Left (cm)").fill("11")
    page.get_by_label("Right (cm)").fill("11,5")  # a comma works too
    page.get_by_label("Left: pain during it (0–10)").fill("0")
    page.get_by_label("Right: pain during it (0–10)").fill("1")
    shot(page, "onboarding-tests")
    page.get_by_role("button", name="Save my results").tap()

    # 4. the first plan, then Today with exercises
    page.wait_for_url(server + "/welcome/plan")
    assert page.get_by_role("heading", name="Your next seven days").is_visible()
    assert page.get_by_text("Stage 2 · Ankle").is_visible()
    no_sideways_scroll(page)
    shot(page, "onboarding-plan")
    page.get_by_role("link", name="Go to Today").tap()
    page.wait_for_url(server + "/me")
    assert page.locator("details.ex").count() >= 1
    assert page.get_by_test_id("setup-due").count() == 0
    assert page.get_by_test_id("time-missing").count() == 0
    shot(page, "onboarding-today")

    # through: signing in again goes straight to Today
    again = pages.phone()
    again.goto(server + "/sign-in")
    again.get_by_label("Email").fill(EMAIL)
    again.get_by_label("Password").fill(PASSWORD)
    again.get_by_role("button", name="Sign in").click()
    again.wait_for_url(server + "/me")


def test_client_adds_watch_files_from_the_week_page_on_a_phone(server: Server,
                                                              pages: Pages) -> None:
    fit = SHARED / "activity-small-fenix2-run.fit"
    broken = SHARED / "activity-unexpected-eof.fit"
    if not fit.is_file():
        pytest.skip(f"the real activity files are not at {SHARED}")
    make_coach(server, "files.coach@example.org", "Fay Coach")
    _, password = make_client(server, coach_email="files.coach@example.org",
                              name="Finn Files", email="finn@example.org")
    assert password
    page = pages.phone()
    sign_in(page, server, "finn@example.org", password)
    page.wait_for_url(server + "/me")
    nav(page, "Week").click()
    page.wait_for_url(re.compile(r"/people/[^/]+/plan"))
    page.get_by_test_id("self-service").get_by_role("link", name="Add runs from files").tap()
    page.wait_for_url(re.compile(r"/people/[^/]+/imports$"))
    no_sideways_scroll(page)
    page.get_by_label("Files").set_input_files([str(fit), str(broken)])
    page.get_by_role("button", name="Add the files").tap()
    report = page.get_by_test_id("import-report")
    report.wait_for()
    assert report.get_by_text("1 added, 0 already here, 0 passed over, 1 refused.").is_visible()
    assert report.get_by_text("a 47 min run", exact=False).is_visible()
    no_sideways_scroll(page)
    shot(page, "imports-report")

    # weekly time and a planned run from the same pages
    page.get_by_role("link", name="Your time and planned runs").tap()
    page.wait_for_url(re.compile(r"/people/[^/]+/time$"))
    page.get_by_label("Saturday", exact=True).fill("45")
    page.get_by_role("button", name="Save the weekly time").tap()
    saved = page.get_by_text("Weekly time saved: 225 minutes a week.")  # 6 x 30 + 45
    saved.wait_for()  # the same page again, after the save
    assert page.get_by_label("Saturday", exact=True).input_value() == "45"
    no_sideways_scroll(page)
    shot(page, "my-time")
