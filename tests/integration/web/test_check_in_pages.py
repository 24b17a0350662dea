"""The symptom check-in on the web: the client's one-screen ``/me/check-in`` (with its reminder
on Today) and the coach's form on the person page (``/people/{key}/check-in``).

Each check-in is stored as a ``check_in`` screening with the answers per side, and the
decision is stored afresh in the same transaction. A bad answer stores nothing and is named
on its field with everything chosen kept. Tenancy: another coach gets 404 as for nobody; a
client gets 403 on the coach's form (even for themself) and ``/me/check-in`` names no person.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from webtools import Web, WebClient

from anklet.domain.history import Screening, Symptoms
from anklet.services import records

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)
COACH = "coach@example.org"

GOOD: dict[str, str] = {
    "left_pain_rest": "1", "left_pain_activity": "3", "left_swelling": "yes",
    "left_giving_way": "no",
    "right_pain_rest": "0", "right_pain_activity": "0", "right_swelling": "no",
    "right_giving_way": "yes",
}


def _text(page: str) -> str:
    no_tags = re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", " ", page, flags=re.S))
    return re.sub(r"\s+", " ", html.unescape(no_tags))


def screen(web: Web, key: str, days_ago: int) -> None:
    """A clear red-flag screen ``days_ago`` days ago, and the decision stored as of then."""
    p = web.ctx.protocol
    with web.ctx.uow() as uow:
        records.create_screening(uow, key=key, protocol=p, screening=Screening(
            date=TODAY - days_ago * DAY, red_flags={f.id: False for f in p.red_flags}))
        uow.commit()


def stale_decision(web: Web, key: str) -> None:
    with web.ctx.uow() as uow:
        uow.people.save_decision(key, as_of=TODAY - 99 * DAY, stage=None, status="working",
                                 clear_to_train=False, summary={})
        uow.commit()


def screenings(web: Web, key: str) -> list[Screening]:
    with web.ctx.uow() as uow:
        return list(uow.people.get(key).screenings)


def stored_as_of(web: Web, key: str) -> dt.date:
    with web.ctx.uow() as uow:
        stored = uow.people.get_decision(key)
    assert stored is not None
    return stored.as_of


def check_ins(web: Web, key: str) -> list[Screening]:
    return [s for s in screenings(web, key) if s.kind == "check_in"]


EXPECTED_LEFT = Symptoms(pain_rest=1, pain_activity=3, swelling=True, giving_way=False)
EXPECTED_RIGHT = Symptoms(pain_rest=0, pain_activity=0, swelling=False, giving_way=True)


@pytest.fixture
def cleo(web: Web, client_of_coach: WebClient) -> WebClient:
    """The coach's client, signed in, screened clear 10 days ago."""
    assert client_of_coach.person_key
    screen(web, client_of_coach.person_key, 10)
    return client_of_coach


# --- the reminder on Today ------------------------------------------------------------------


def test_today_asks_for_a_check_in_when_the_answers_are_older_than_a_week(
        web: Web, cleo: WebClient) -> None:
    r = cleo.get("/me")
    assert r.status_code == 200
    words = _text(r.text)
    day = TODAY - 10 * DAY
    assert f"Your symptom answers are from {day:%-d %B}." in words
    assert 'href="/me/check-in"' in r.text
    assert "Check in (1 minute)" in words


@pytest.mark.parametrize(("days_ago", "asked"), [(6, False), (7, False), (8, True)])
def test_today_asks_for_a_check_in_only_after_seven_days(
        web: Web, client_of_coach: WebClient, days_ago: int, asked: bool) -> None:
    key = client_of_coach.person_key
    assert key
    screen(web, key, days_ago)
    r = client_of_coach.get("/me")
    assert ('data-testid="check-in-due"' in r.text) is asked


def test_today_asks_for_a_check_in_when_there_are_no_answers(
        client_of_coach: WebClient) -> None:
    r = client_of_coach.get("/me")
    assert 'data-testid="check-in-due"' in r.text
    assert "We have no answers yet about pain, swelling or giving way." in _text(r.text)


# --- the client's check-in ------------------------------------------------------------------


def test_check_in_page_labels_every_answer_for_both_ankles(cleo: WebClient) -> None:
    r = cleo.get("/me/check-in")
    assert r.status_code == 200
    words = _text(r.text)
    for text in ("Left ankle", "Right ankle", "Pain at rest", "Pain when active",
                 "Is it swollen?", "Has it given way since the last check-in?"):
        assert text in words
    for name in GOOD:
        assert f'name="{name}"' in r.text
    assert 'action="/me/check-in"' in r.text
    assert 'name="csrf_token"' in r.text
    assert 'aria-label="Pain at rest, left ankle: 10 out of 10"' in r.text


def test_client_checks_in_and_the_check_in_is_stored_and_decided(
        web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    assert key
    stale_decision(web, key)
    r = cleo.form("/me/check-in", GOOD)
    assert r.status_code == 303
    assert r.headers["location"] == "/me"
    [stored] = check_ins(web, key)
    assert stored.date == TODAY
    assert stored.left == EXPECTED_LEFT
    assert stored.right == EXPECTED_RIGHT
    assert stored.red_flags == {}
    assert stored_as_of(web, key) == TODAY  # re-decided in the same transaction
    today = cleo.get("/me")
    words = _text(today.text)
    assert "Thanks, your check-in is saved." in words
    assert 'data-testid="check-in-due"' not in today.text  # the reminder has gone


@pytest.mark.parametrize(("field", "value", "message"), [
    ("left_pain_rest", "11", "Left ankle, pain at rest is a number from 0 (none) to 10 "
                             "(worst); “11” is not."),
    ("right_pain_activity", "-1", "Right ankle, pain when active is a number from 0 (none) "
                                  "to 10 (worst); “-1” is not."),
    ("left_pain_activity", "", "Left ankle, pain when active: tap a number from 0 to 10."),
    ("right_swelling", "maybe", "Right ankle: is it swollen? Choose yes or no."),
    ("left_giving_way", "", "Left ankle: has it given way since the last check-in? Choose "
                            "yes or no."),
])
def test_check_in_with_a_bad_answer_names_it_keeps_the_rest_and_stores_nothing(
        web: Web, cleo: WebClient, field: str, value: str, message: str) -> None:
    key = cleo.person_key
    assert key
    stale_decision(web, key)
    r = cleo.form("/me/check-in", {**GOOD, field: value})
    assert r.status_code == 422
    assert message in html.unescape(r.text)
    assert f'id="e-{field}"' in r.text
    assert len(re.findall(r'class="error" id="e-', r.text)) == 1
    for name, kept in GOOD.items():
        if name != field:
            assert re.search(rf'name="{name}" value="{kept}"[^>]*checked', r.text), name
    assert check_ins(web, key) == []
    assert stored_as_of(web, key) == TODAY - 99 * DAY


def test_check_in_pain_eleven_is_refused_at_ten_accepted(web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    assert key
    assert cleo.form("/me/check-in", {**GOOD, "left_pain_rest": "11"}).status_code == 422
    assert check_ins(web, key) == []
    assert cleo.form("/me/check-in", {**GOOD, "left_pain_rest": "10"}).status_code == 303
    assert [s.left.pain_rest for s in check_ins(web, key)] == [10]


def test_self_coached_person_checks_in_for_themself(web: Web, self_coached: WebClient) -> None:
    key = self_coached.person_key
    assert key
    assert self_coached.form("/me/check-in", GOOD).status_code == 303
    assert [s.left for s in check_ins(web, key)] == [EXPECTED_LEFT]


def test_a_coach_has_no_own_check_in_page(web: Web, coach: WebClient) -> None:
    assert coach.get("/me/check-in").headers["location"] == "/coach"
    r = coach.form("/me/check-in", GOOD)
    assert r.status_code == 303
    assert r.headers["location"] == "/coach"


def test_signed_out_check_in_goes_to_sign_in(web: Web) -> None:
    b = web.browser()
    for r in (b.get("/me/check-in"), b.form("/me/check-in", GOOD)):
        assert r.status_code == 303
        assert r.headers["location"].startswith("/sign-in")


def test_check_in_without_the_csrf_token_is_refused(web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    assert key
    r = cleo.post("/me/check-in", data=GOOD)
    assert r.status_code in (400, 403)
    assert check_ins(web, key) == []


def test_a_client_cannot_check_in_for_someone_else(
        web: Web, cleo: WebClient, coach: WebClient) -> None:
    """Neither through the coach's form nor by naming someone in their own form."""
    other = web.add_client(COACH, "Tara Target")
    r = cleo.form(f"/people/{other}/check-in", {**GOOD, "check_in_date": TODAY.isoformat()})
    assert r.status_code == 403
    assert "Tara Target" not in r.text
    r = cleo.form("/me/check-in", {**GOOD, "key": other, "person": other})
    assert r.status_code == 303
    assert check_ins(web, other) == []
    assert cleo.person_key
    assert len(check_ins(web, cleo.person_key)) == 1


# --- the coach's check-in on the person page ------------------------------------------------


def _coach_form(**changes: Any) -> dict[str, str]:
    return {**GOOD, "check_in_date": (TODAY - DAY).isoformat(), **changes}


def test_person_page_has_the_check_in_form(web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Tara Target")
    r = coach.get(f"/people/{key}")
    assert r.status_code == 200
    assert f'action="/people/{key}/check-in"' in r.text
    for name in (*GOOD, "check_in_date"):
        assert f'name="{name}"' in r.text
    assert "Symptom check-in" in _text(r.text)


def test_coach_checks_in_their_client(web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Tara Target")
    screen(web, key, 20)
    stale_decision(web, key)
    r = coach.form(f"/people/{key}/check-in", _coach_form())
    assert r.status_code == 303
    assert r.headers["location"] == f"/people/{key}#check-in"
    [stored] = check_ins(web, key)
    assert (stored.date, stored.left, stored.right) == (TODAY - DAY, EXPECTED_LEFT,
                                                        EXPECTED_RIGHT)
    assert stored_as_of(web, key) == TODAY
    words = _text(coach.get(f"/people/{key}").text)
    assert f"Check-in of {TODAY - DAY:%-d %B} saved." in words
    assert "Check-in (symptoms only)" in words  # in the list of screens and check-ins


@pytest.mark.parametrize(("changes", "field"), [
    ({"left_pain_rest": "11"}, "left_pain_rest"),
    ({"right_giving_way": ""}, "right_giving_way"),
    ({"check_in_date": (TODAY + DAY).isoformat()}, "check_in_date"),
    ({"check_in_date": "yesterday"}, "check_in_date"),
    ({"check_in_date": "1800-01-01"}, "check_in_date"),
])
def test_coach_check_in_with_a_bad_value_keeps_it_and_stores_nothing(
        web: Web, coach: WebClient, changes: dict[str, str], field: str) -> None:
    key = web.add_client(COACH, "Tara Target")
    before = screenings(web, key)
    r = coach.form(f"/people/{key}/check-in", _coach_form(**changes))
    assert r.status_code == 422
    assert f'id="e-{field}"' in r.text
    assert "<details open>" in r.text  # the form is open on its errors
    if field == "check_in_date":
        assert f'value="{changes[field]}"' in r.text
    assert re.search(r'name="left_swelling" value="yes"[^>]*checked', r.text)
    assert screenings(web, key) == before


def test_another_coach_gets_not_found_as_for_nobody(
        web: Web, coach: WebClient, other_coach: WebClient) -> None:
    key = web.add_client(COACH, "Tara Target")
    r = other_coach.form(f"/people/{key}/check-in", _coach_form())
    missing = other_coach.form("/people/no-such-person/check-in", _coach_form())
    assert r.status_code == missing.status_code == 404
    assert "Tara Target" not in r.text
    assert r.text.replace(key, "X") == missing.text.replace("no-such-person", "X")
    assert check_ins(web, key) == []


def test_a_client_cannot_use_the_coach_check_in_even_for_themself(
        web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    assert key
    r = cleo.form(f"/people/{key}/check-in", _coach_form())
    assert r.status_code == 403
    assert check_ins(web, key) == []


def test_a_self_coached_person_uses_the_person_page_form_for_themself(
        web: Web, self_coached: WebClient) -> None:
    key = self_coached.person_key
    assert key
    r = self_coached.form(f"/people/{key}/check-in", _coach_form())
    assert r.status_code == 303
    assert len(check_ins(web, key)) == 1

