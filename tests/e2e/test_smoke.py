"""The first steps in a real browser: sign up, land on the right page, sign out."""

from __future__ import annotations

from browsertools import PHONE, Pages, shot


def test_a_coach_signs_up_and_out(server: str, pages: Pages) -> None:
    page = pages.desktop()
    page.goto(server + "/")
    assert page.url.endswith("/sign-in")
    page.click("text=Create an account")
    page.fill("#f-name", "Casey Coach")
    page.fill("#f-email", "casey@example.org")
    page.fill("#f-password", "short")
    page.click("button.primary")
    # the browser's own check (minlength) stops it first; the server's message is tested
    # in the integration tests
    assert page.url.endswith("/sign-up")
    page.fill("#f-password", "correct horse battery")
    page.click("button.primary")
    # sign-up never signs in by itself (it would tell whether the email was new): the
    # sign-in page follows, with the email filled in
    page.wait_for_url(server + "/sign-in")
    assert "Thank you. Sign in below" in page.content()
    assert page.input_value("#f-email") == "casey@example.org"
    page.fill("#f-password", "correct horse battery")
    page.click("button.primary")
    page.wait_for_url(server + "/coach")
    shot(page, "coach-after-sign-up")
    page.click("text=Sign out")
    page.wait_for_url(server + "/sign-in")
    assert "You are signed out." in page.content()


def test_sign_in_page_fits_a_phone(server: str, pages: Pages) -> None:
    page = pages.phone()
    page.goto(server + "/sign-in")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    box = page.locator("button.primary").bounding_box()
    assert box is not None
    assert box["height"] >= 44  # a thumb-sized target
    shot(page, "sign-in-phone")
