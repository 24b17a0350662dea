"""Tenancy in the browser: another coach's client looks exactly like one that does not exist."""

from __future__ import annotations

from browsertools import Pages, Server, make_client, make_coach, shot, sign_in

OWNER = "olga@coach.example"
OTHER = "otto@coach.example"
CLIENT = "Zebulon Quartz"
PAGES = ("", "/assess", "/plan", "/plan/print", "/progress", "/log", "/calendar")


def test_another_coachs_client_is_not_found(server: Server, pages: Pages) -> None:
    make_coach(server, OWNER, "Olga Owner")
    make_coach(server, OTHER, "Otto Other")
    key, _ = make_client(server, coach_email=OWNER, name=CLIENT, email="zeb@client.example")
    missing = "no-such-person-0000"

    page = pages.desktop()
    sign_in(page, server, OTHER)
    assert page.url == server + "/coach"
    assert CLIENT not in page.content()  # not on their list
    for suffix in PAGES:
        theirs = page.goto(f"{server}/people/{key}{suffix}")
        assert theirs is not None
        assert theirs.status == 404, (suffix, theirs.status)
        assert page.get_by_role("heading", name="Not found").is_visible()
        text = page.locator("main").inner_text()
        assert CLIENT not in text
        assert "Zebulon" not in text
        if suffix == "":
            shot(page, "tenancy-not-found")
        # word for word what a person that does not exist gets
        nobody = page.goto(f"{server}/people/{missing}{suffix}")
        assert nobody is not None
        assert nobody.status == 404
        assert page.locator("main").inner_text().replace(missing, key) == text, suffix
    pdf = page.request.get(f"{server}/people/{key}/plan.pdf")
    assert pdf.status == 404
    assert b"%PDF" not in pdf.body()
    assert CLIENT.encode() not in pdf.body()

    # signed out, the page asks for a sign-in and shows nothing of the person
    stranger = pages.desktop()
    stranger.goto(f"{server}/people/{key}")
    assert stranger.url.startswith(server + "/sign-in")
    assert CLIENT not in stranger.content()

    # the coach it belongs to does see them
    owner = pages.desktop()
    sign_in(owner, server, OWNER)
    answer = owner.goto(f"{server}/people/{key}")
    assert answer is not None
    assert answer.status == 200
    assert owner.get_by_role("heading", name=CLIENT, exact=True).is_visible()
