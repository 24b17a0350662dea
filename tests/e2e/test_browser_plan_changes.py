"""A coach on a phone leaves an exercise out of a client's plan, with a note, and the client
reads it on their week plan, in plain words."""

from __future__ import annotations

from browsertools import Pages, Server, make_client, make_coach, no_sideways_scroll, shot, sign_in

COACH = "pc-coach@example.org"
CLIENT = "pc-client@example.org"


def test_a_coach_leaves_an_exercise_out_and_the_client_reads_why(server: Server,
                                                                  pages: Pages) -> None:
    make_coach(server, COACH, "Pat Coach")
    key, password = make_client(server, coach_email=COACH, name="Cam Client", email=CLIENT)
    assert password is not None

    coach = pages.phone()
    sign_in(coach, server, COACH)
    coach.goto(f"{server}/people/{key}")
    section = coach.locator("#plan-changes")
    assert section.get_by_role("heading", name="Plan changes").is_visible()
    section.get_by_text("Leave an exercise out").tap()
    form = section.locator("form", has=coach.locator("input[value=remove]"))
    choice = form.get_by_label("Leave out")
    first = choice.locator("option").nth(1)
    name = first.inner_text().strip()
    choice.select_option(first.get_attribute("value"))
    form.get_by_label("Why").fill("No room for it at work")
    no_sideways_scroll(coach)
    form.get_by_role("button", name="Leave it out").tap()
    coach.wait_for_url(f"{server}/people/{key}#plan-changes")
    assert coach.get_by_text(f"Plan changed: {name} left out").is_visible()
    assert section.get_by_text("In force").first.is_visible()
    shot(coach, "plan-change-coach")

    client = pages.phone()
    sign_in(client, server, CLIENT, password)
    client.goto(f"{server}/people/{key}/plan")
    card = client.get_by_test_id("coach-changes")
    assert card.get_by_role("heading", name="Changed by your coach").is_visible()
    assert f"{name} left out" in card.inner_text()
    assert "No room for it at work" in card.inner_text()
    no_sideways_scroll(client)
    shot(client, "plan-change-client")
