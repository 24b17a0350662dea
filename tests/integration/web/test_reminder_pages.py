"""The reminders page (choices, errors naming field, value and what is accepted; works
without JavaScript) and the links in reminder emails: stop (a page that asks, and the
RFC 8058 one-click POST without a session) and the morning pain (a page that asks; the POST
records once)."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re

from webtools import Web, WebClient

from anklet.domain.history import ExerciseLog, Session
from anklet.services import reminders
from anklet.store.reminders import ReminderRepository

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def _choices(web: Web, email: str) -> dict[str, reminders.Choice]:
    with web.ctx.uow(write=False) as uow:
        account = uow.accounts.by_email(email)
        assert account is not None
        return reminders.settings_for(uow, account)


def _link(web: Web, email: str, purpose: str, kind: str, token: str,
          day: dt.date | None = None) -> None:
    now = dt.datetime.now(dt.UTC)
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email(email)
        assert account is not None
        ReminderRepository(uow.connection).add_link(
            token_hash=hashlib.sha256(token.encode()).hexdigest(), account_id=account.id,
            kind=kind, purpose=purpose, day=day, now=now, expires_at=now + dt.timedelta(days=1))
        uow.commit()


def test_reminders_page_offers_a_client_the_plan_and_the_pain_question(
        client_of_coach: WebClient) -> None:
    r = client_of_coach.get("/reminders")
    assert r.status_code == 200
    text = html.unescape(r.text)
    assert "The day's plan" in text
    assert "The morning pain question" in text
    assert "weekly summary" not in text
    assert '<script src="/static/zone.js" defer>' in r.text
    assert 'name="browser_zone"' in r.text


def test_reminders_page_starts_with_the_accounts_own_time_zone(
        client_of_coach: WebClient) -> None:
    """Before any reminder is saved, the time zone field holds the zone the account already
    has (kept from the browser at sign-in, or set on the account page), so saving the page
    as it is sends reminders on the person's clock, not UTC."""
    assert 'name="time_zone" value=""' in client_of_coach.get("/reminders").text
    assert client_of_coach.form("/account/time-zone",
                                {"time_zone": "Asia/Tokyo"}).status_code == 303
    assert 'name="time_zone" value="Asia/Tokyo"' in client_of_coach.get("/reminders").text


def test_reminders_page_offers_a_coach_the_weekly_summary(coach: WebClient) -> None:
    text = html.unescape(coach.get("/reminders").text)
    assert "A weekly summary of your clients" in text
    assert "The day's plan" not in text


def test_account_page_links_to_reminders(self_coached: WebClient) -> None:
    assert 'href="/reminders"' in self_coached.get("/account").text


def test_save_reminders_stores_the_choices(web: Web, self_coached: WebClient) -> None:
    r = self_coached.form("/reminders", {
        "day_plan_on": "on", "day_plan_days": ["0", "2", "4"], "day_plan_at": "06:45",
        "morning_pain_at": "08:00", "time_zone": "America/New_York",
        "browser_zone": "Europe/Berlin"})
    assert r.status_code == 303, r.text
    got = _choices(web, "solo@example.org")
    assert got["day_plan"].enabled
    assert got["day_plan"].days == frozenset({0, 2, 4})
    assert got["day_plan"].at == dt.time(6, 45)
    assert got["day_plan"].time_zone == "America/New_York"
    assert not got["morning_pain"].enabled
    page = html.unescape(self_coached.get("/reminders").text)
    assert "America/New_York" in page
    assert "Saved" in page


def test_save_reminders_takes_the_browsers_zone_when_none_is_typed(
        web: Web, self_coached: WebClient) -> None:
    self_coached.form("/reminders", {"morning_pain_on": "on", "morning_pain_days": ["1"],
                                     "morning_pain_at": "08:00", "time_zone": "",
                                     "browser_zone": "Asia/Tokyo"})
    assert _choices(web, "solo@example.org")["morning_pain"].time_zone == "Asia/Tokyo"


def test_save_reminders_without_any_zone_uses_utc(web: Web, self_coached: WebClient) -> None:
    self_coached.form("/reminders", {"morning_pain_on": "on", "morning_pain_days": ["1"],
                                     "morning_pain_at": "08:00"})
    assert _choices(web, "solo@example.org")["morning_pain"].time_zone == "UTC"


def test_save_reminders_with_bad_values_names_each_and_saves_nothing(
        web: Web, self_coached: WebClient) -> None:
    r = self_coached.form("/reminders", {
        "day_plan_on": "on", "day_plan_days": ["9"], "day_plan_at": "25:00",
        "morning_pain_on": "on", "morning_pain_at": "08:00", "time_zone": "Mars/Base"})
    assert r.status_code == 422
    text = html.unescape(r.text)
    assert "Nothing was saved" in text
    assert "Time zone: 'Mars/Base' is not accepted" in text
    assert "Europe/Berlin" in text
    assert ("The day's plan, time: '25:00' is not accepted; accepted: a time from 00:00 to "
            "23:59") in text
    assert "The day's plan, days: '9' is not accepted; accepted: 0 (Monday) to 6 (Sunday)" in text
    assert "The morning pain question, days: none chosen" in text
    assert 'value="Mars/Base"' in r.text  # what was typed stays in the form
    assert not any(c.enabled for c in _choices(web, "solo@example.org").values())


def test_reminders_page_needs_signing_in(web: Web) -> None:
    b = web.browser()
    r = b.get("/reminders")
    assert r.status_code in (303, 401)
    assert "sign-in" in r.headers.get("location", "/sign-in")


def test_stop_link_page_asks_first_and_one_click_post_turns_it_off(
        web: Web, self_coached: WebClient) -> None:
    self_coached.form("/reminders", {"day_plan_on": "on", "day_plan_days": ["0"],
                                     "day_plan_at": "07:00", "time_zone": "UTC"})
    _link(web, "solo@example.org", "stop", "day_plan", "stop-token-0123456789")
    anyone = web.browser()  # a mail program or a scanner: no session
    page = anyone.get("/reminders/stop/stop-token-0123456789")
    assert page.status_code == 200
    assert "Stop getting the day's plan" in html.unescape(page.text)
    assert _choices(web, "solo@example.org")["day_plan"].enabled  # a GET changes nothing
    r = anyone.post("/reminders/stop/stop-token-0123456789", data=ONE_CLICK)
    assert r.status_code == 200, r.text
    assert "you will not get the day's plan by email any more" in html.unescape(r.text)
    assert not _choices(web, "solo@example.org")["day_plan"].enabled
    again = anyone.post("/reminders/stop/stop-token-0123456789", data=ONE_CLICK)
    assert again.status_code == 200


def test_stop_link_unknown_is_refused_plainly(web: Web) -> None:
    r = web.browser().post("/reminders/stop/no-such-token", data=ONE_CLICK)
    assert r.status_code == 410
    assert "expired" in r.text


def test_pain_link_asks_first_then_records_once(web: Web, self_coached: WebClient) -> None:
    key = self_coached.person_key
    assert key is not None
    yesterday = dt.date.today() - dt.timedelta(days=1)
    with web.ctx.uow() as uow:
        uow.people.add_session(key, Session(
            date=yesterday, exercises=[ExerciseLog(exercise_id="ankle-circles", reps=10)],
            pain_during=1))
        uow.commit()
    _link(web, "solo@example.org", "pain", "morning_pain", "pain-token-0123456789",
          day=yesterday)
    phone = web.browser()  # the email opened on a phone, not signed in
    page = phone.get("/reminders/pain/pain-token-0123456789?pain=4")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "Record 4/10" in text
    assert f"{yesterday:%a} {yesterday.day} {yesterday:%b}" in text
    assert yesterday.isoformat() not in text
    with web.ctx.uow(write=False) as uow:
        assert uow.people.get(key).sessions[-1].pain_next_morning is None  # GET: nothing
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    r = phone.post("/reminders/pain/pain-token-0123456789",
                   data={"csrf_token": csrf.group(1), "pain": "4"})
    assert r.status_code == 200, r.text
    assert "Morning pain 4/10 is noted" in html.unescape(r.text)
    with web.ctx.uow(write=False) as uow:
        assert uow.people.get(key).sessions[-1].pain_next_morning == 4
    second = phone.post("/reminders/pain/pain-token-0123456789",
                        data={"csrf_token": csrf.group(1), "pain": "9"})
    assert second.status_code == 410
    with web.ctx.uow(write=False) as uow:
        assert uow.people.get(key).sessions[-1].pain_next_morning == 4


def test_pain_link_with_a_bad_number_names_it(web: Web, self_coached: WebClient) -> None:
    _link(web, "solo@example.org", "pain", "morning_pain", "pain-token-abcdefghij",
          day=dt.date.today() - dt.timedelta(days=1))
    phone = web.browser()
    page = phone.get("/reminders/pain/pain-token-abcdefghij?pain=eleven")
    assert page.status_code == 200
    assert 'value="10"' in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    r = phone.post("/reminders/pain/pain-token-abcdefghij",
                   data={"csrf_token": csrf.group(1), "pain": "11"})
    assert r.status_code == 422
    assert "pain" in r.text
    assert "0 to 10" in r.text
