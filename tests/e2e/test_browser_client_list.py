"""The coach's client list and the person page on a phone (390 px), in the browser: search
and filter the list, page through 60 clients, then jump around a person's page with its
section links (no script needed) and open a folded list."""

from __future__ import annotations

from browsertools import Pages, Server, make_client, make_coach, no_sideways_scroll, shot, sign_in
from playwright.sync_api import expect

COACH = "lister@coach.example"


def test_coach_finds_a_client_in_a_long_list_and_moves_around_their_page_on_a_phone(
        server: Server, pages: Pages) -> None:
    make_coach(server, COACH, "Lee Lister")
    for i in range(58):
        make_client(server, coach_email=COACH, name=f"Client {i:02d}", minutes=20)
    key, _ = make_client(server, coach_email=COACH, name="Zoe Zephyr", minutes=30)
    make_client(server, coach_email=COACH, name="Red Rover", red_flag=next(
        f.id for f in server.ctx.protocol.red_flags))

    page = pages.phone()
    sign_in(page, server, COACH)
    page.goto(server + "/coach")
    expect(page.get_by_role("heading", name="Your clients")).to_be_visible()
    expect(page.get_by_text("Showing 1–50 of 60")).to_be_visible()
    # the red flag comes first, and says why in words
    first = page.locator("table.clients tbody tr").first
    expect(first.get_by_role("link", name="Red Rover")).to_be_visible()
    expect(first.get_by_text("should see a clinician before any exercise")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, "client-list-phone")

    # the next page keeps the query
    page.get_by_label("Sort by").select_option("name")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(lambda url: "sort=name" in url)  # the form sends its empty fields too
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url(server + "/coach?sort=name&page=2")
    expect(page.get_by_text("Showing 51–60 of 60")).to_be_visible()
    expect(page.get_by_role("link", name="Zoe Zephyr")).to_be_visible()

    # search by name and filter
    page.get_by_label("Search by name").fill("zep")
    page.get_by_label("Stage").select_option("1")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(lambda url: "q=zep" in url and "stage=1" in url)
    expect(page.locator("table.clients tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Zoe Zephyr").click()
    page.wait_for_url(server + f"/people/{key}")

    # the person page: section links that work without a script
    toc = page.get_by_role("navigation", name="On this page")
    expect(toc).to_be_visible()
    toc.get_by_role("link", name="Records").click()
    page.wait_for_url(server + f"/people/{key}#history")
    expect(page.get_by_role("heading", name="Recent records")).to_be_in_viewport()
    expect(toc).to_be_in_viewport()  # the links stay at hand while reading
    toc.get_by_role("link", name="This week").click()
    expect(page.locator("#week")).to_be_in_viewport()
    no_sideways_scroll(page)
    shot(page, "person-page-phone-week")
