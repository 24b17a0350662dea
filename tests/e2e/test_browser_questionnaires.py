"""A client answers CAIT for one ankle on a phone: from the link on their progress page,
through a reload halfway (the answers tapped so far stay), to the score and the clearance
checklist item met."""

from __future__ import annotations

import datetime as dt

from browsertools import Pages, Server, make_client, make_coach, no_sideways_scroll, shot, sign_in
from playwright.sync_api import expect

from anklet.domain.history import QuestionnaireResponse

COACH = "quinn@coach.example"
CLIENT_EMAIL = "cara@client.example"
CAIT_28 = {"1": "never", "2": "never", "3": "never", "4": "never", "5": "never",
           "6": "side_hops", "7": "run_uneven", "8": "immediately", "9": "at_once"}
TAPS = [("1", "Never"), ("2", "Never"), ("3", "Never"), ("4", "Never"), ("5", "Never"),
        ("6", "Hopping side to side"), ("7", "Running on uneven ground"),
        ("8", "Straight away"), ("9", "Almost at once")]
"""The answers of CAIT_28 as the page labels them."""


def test_client_answers_cait_on_a_phone_through_a_reload(server: Server, pages: Pages) -> None:
    make_coach(server, COACH, "Quinn Coach")
    key, password = make_client(server, coach_email=COACH, name="Cara Cait", email=CLIENT_EMAIL)
    assert password
    with server.ctx.uow() as uow:  # the right ankle was answered in clinic
        uow.people.add_questionnaire(key, QuestionnaireResponse(
            date=dt.date.today(), instrument="cait", side="right", answers=CAIT_28))
        uow.commit()

    page = pages.phone()
    sign_in(page, server, CLIENT_EMAIL, password)
    page.goto(f"{server}/people/{key}/progress")
    due = page.get_by_test_id("questionnaires-due")
    due.get_by_role("link", name="Answer CAIT for your left ankle").tap()
    page.wait_for_url(f"{server}/people/{key}/questionnaires/cait?side=left")
    expect(page.get_by_role("heading", level=1)).to_contain_text("your left ankle")
    no_sideways_scroll(page)

    count = page.locator("[data-q-count]")
    for item, label in TAPS[:5]:
        page.locator(f"#q-{item}").get_by_text(label, exact=True).tap()
    expect(count).to_have_text("5")
    shot(page, "questionnaire-cait-half")

    page.reload()  # a lost connection or a closed tab: the answers stay on the phone
    expect(page.locator("[data-q-restored]")).to_be_visible()
    expect(count).to_have_text("5")
    for item, _ in TAPS[:5]:
        expect(page.locator(f"#q-{item} input[value='{CAIT_28[item]}']")).to_be_checked()

    for item, label in TAPS[5:]:
        page.locator(f"#q-{item}").get_by_text(label, exact=True).tap()
    expect(count).to_have_text("9")
    page.get_by_role("button", name="See my score").tap()
    page.wait_for_url(f"{server}/people/{key}/questionnaires/cait/result?side=left")

    score = page.get_by_test_id("q-score")
    expect(score).to_contain_text("28 out of 30")
    expect(score).to_contain_text("This one meets it.")
    checklist = page.get_by_test_id("q-checklist")
    expect(checklist).to_contain_text("CAIT ankle stability score: met")
    no_sideways_scroll(page)
    shot(page, "questionnaire-cait-result")
    # saved on the server, so the copy kept on the phone is gone
    assert page.evaluate(f"localStorage.getItem('anklet-q:{key}:cait:left')") is None
    with server.ctx.uow() as uow:
        stored = uow.people.questionnaires(key)
    assert [(q.side, dict(q.answers)) for q in stored] == [("right", CAIT_28),
                                                          ("left", CAIT_28)]

    page.goto(f"{server}/people/{key}/progress")
    expect(page.get_by_test_id("questionnaires-due")).not_to_contain_text("CAIT")
