"""Today is the person's day: the pages and the API read the date in the account's time zone.

The clock is the app's one seam for "now" (``anklet.web.deps.get_now``, replaced here with
FastAPI's dependency overrides); the database is the real one of the web fixtures.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi import FastAPI
from webtools import Web, WebClient

from anklet.domain.history import Availability, Intake, Screening
from anklet.services import accounts as account_service
from anklet.services import records
from anklet.web.deps import get_now

NOON_UTC = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)  # 7 Dec 02:00 on Kiritimati
EARLY_UTC = dt.datetime(2026, 12, 6, 5, 0, tzinfo=dt.UTC)  # 5 Dec 18:00 in Pago Pago


def _at(app: FastAPI, moment: dt.datetime) -> None:
    app.dependency_overrides[get_now] = lambda: moment


def _client(web: Web, zone: str | None, moment: dt.datetime, email: str = "kim@example.org"
            ) -> WebClient:
    """A coach's client whose account is in ``zone``, screened three weeks before ``moment``
    and with time to train every day."""
    start = moment.date() - dt.timedelta(days=21)
    p = web.ctx.protocol
    with web.ctx.uow() as uow:
        coach = account_service.create_account(uow, email="cora@example.org", name="Cora Coach",
                                               password="correct horse battery", role="coach")
        key = account_service.add_client(
            uow, coach=coach, name="Kim Client", today=start, intake=Intake(date=start)).person.id
        records.create_screening(uow, key=key, protocol=p, screening=Screening(
            date=start, red_flags={f.id: False for f in p.red_flags}))
        records.update_availability(uow, key=key, availability=Availability(
            mon=30, tue=30, wed=30, thu=30, fri=30, sat=30, sun=30))
        account = account_service.create_account(uow, email=email, name="Kim Client",
                                                 password="correct horse battery",
                                                 role="client", person_key=key)
        if zone is not None:
            account_service.set_time_zone(uow, account=account, zone=zone)
        uow.commit()
    b = web.browser()
    assert b.sign_in(email).status_code == 303
    b.person_key = key
    return b


def _log_date(page: str) -> str:
    m = re.search(r'name="date"[^>]*value="([0-9-]+)"|value="([0-9-]+)"[^>]*name="date"', page)
    assert m, "no date field on the log form"
    return m.group(1) or m.group(2)


def test_a_client_ahead_of_utc_sees_the_next_day_on_today_and_the_log_form(
        web: Web, app: FastAPI) -> None:
    _at(app, NOON_UTC)
    b = _client(web, "Pacific/Kiritimati", NOON_UTC)
    today = b.get("/me")
    assert today.status_code == 200
    assert "Monday 7 December" in today.text
    log = b.get(f"/people/{b.person_key}/log")
    assert log.status_code == 200
    assert _log_date(log.text) == "2026-12-07"
    assert 'max="2026-12-07"' in log.text


def test_a_client_behind_utc_sees_the_previous_day(web: Web, app: FastAPI) -> None:
    _at(app, EARLY_UTC)
    b = _client(web, "Pacific/Pago_Pago", EARLY_UTC)
    assert "Saturday 5 December" in b.get("/me").text
    log = b.get(f"/people/{b.person_key}/log")
    assert _log_date(log.text) == "2026-12-05"
    # the day after the person's today is still the future there: refused, nothing stored
    ahead = b.get(f"/people/{b.person_key}/log?date=2026-12-06")
    assert ahead.status_code == 422


def test_without_a_zone_the_servers_date_is_used(web: Web, app: FastAPI) -> None:
    _at(app, NOON_UTC)
    b = _client(web, None, NOON_UTC)
    server_day = NOON_UTC.astimezone().date()
    assert f"{server_day:%A} {server_day.day} {server_day:%B}" in b.get("/me").text


def test_the_coach_sees_the_clients_day_on_the_clients_log_form(web: Web, app: FastAPI
                                                                 ) -> None:
    _at(app, NOON_UTC)
    b = _client(web, "Pacific/Kiritimati", NOON_UTC)
    coach = web.browser()
    assert coach.sign_in("cora@example.org").status_code == 303  # the coach has no zone
    assert _log_date(coach.get(f"/people/{b.person_key}/log").text) == "2026-12-07"


def test_the_api_defaults_to_the_persons_day(web: Web, app: FastAPI) -> None:
    _at(app, NOON_UTC)
    b = _client(web, "Pacific/Kiritimati", NOON_UTC)
    with web.ctx.uow() as uow:
        kim = uow.accounts.by_email("kim@example.org")
        assert kim is not None
        token = account_service.create_token(uow, account=kim, name="watch")
        uow.commit()
    r = b.get(f"/api/v1/people/{b.person_key}/decision",
              headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    assert r.json()["as_of"] == "2026-12-07"


def _zone_of(web: Web, email: str) -> str | None:
    with web.ctx.uow(write=False) as uow:
        account = uow.accounts.by_email(email)
        assert account is not None
        return account.time_zone


def test_the_account_page_saves_a_valid_zone(self_coached: WebClient, web: Web) -> None:
    page = self_coached.get("/account").text
    assert "We don’t know your time zone yet" in page
    assert '<option value="Europe/Berlin">' in page
    r = self_coached.form("/account/time-zone", {"time_zone": " America/New_York "})
    assert r.status_code == 303
    assert _zone_of(web, "solo@example.org") == "America/New_York"
    assert "America/New_York" in self_coached.get("/account").text


@pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "../../etc/passwd", "", "x" * 65])
def test_the_account_page_refuses_a_bad_zone_and_saves_nothing(
        self_coached: WebClient, web: Web, bad: str) -> None:
    assert self_coached.form("/account/time-zone", {"time_zone": "Asia/Tokyo"}
                             ).status_code == 303
    r = self_coached.form("/account/time-zone", {"time_zone": bad})
    assert r.status_code == 422
    assert f"Time zone: {bad!r} is not accepted".replace("'", "&#39;") in r.text
    assert "such as Europe/Berlin" in r.text
    assert _zone_of(web, "solo@example.org") == "Asia/Tokyo"


def test_signing_in_keeps_the_browsers_zone_only_when_none_is_known(
        web: Web, self_coached: WebClient) -> None:
    b = web.browser()
    r = b.post("/sign-in", data={"csrf_token": b.csrf(), "email": "solo@example.org",
                                 "password": "correct horse battery",
                                 "browser_zone": "Australia/Perth"})
    assert r.status_code == 303
    assert _zone_of(web, "solo@example.org") == "Australia/Perth"
    again = web.browser()
    again.post("/sign-in", data={"csrf_token": again.csrf(), "email": "solo@example.org",
                                 "password": "correct horse battery",
                                 "browser_zone": "Europe/Lisbon"})
    assert _zone_of(web, "solo@example.org") == "Australia/Perth"  # the person's own choice


def test_a_zone_that_is_no_zone_is_ignored_at_sign_in(web: Web, self_coached: WebClient
                                                      ) -> None:
    b = web.browser()
    r = b.post("/sign-in", data={"csrf_token": b.csrf(), "email": "solo@example.org",
                                 "password": "correct horse battery", "browser_zone": "Nowhere"})
    assert r.status_code == 303
    assert _zone_of(web, "solo@example.org") is None


def test_the_sign_in_and_sign_up_forms_carry_the_zone_field(web: Web) -> None:
    b = web.browser()
    for path in ("/sign-in", "/sign-up"):
        page = b.get(path).text
        assert 'name="browser_zone"' in page, path
        assert "/static/zone.js" in page, path
    assert b.get("/static/zone.js").status_code == 200


def test_signing_up_keeps_the_browsers_zone(web: Web) -> None:
    b = web.browser()
    r = b.post("/sign-up", data={"csrf_token": b.csrf(), "email": "new@example.org",
                                 "name": "Nia New", "password": "correct horse battery",
                                 "role": "self", "browser_zone": "America/Sao_Paulo"})
    assert r.status_code == 303
    assert _zone_of(web, "new@example.org") == "America/Sao_Paulo"


def test_accepting_an_invitation_keeps_the_browsers_zone(web: Web, coach: WebClient) -> None:
    key = web.add_client("coach@example.org", "Ines Invited")
    r = coach.form(f"/people/{key}/invite", {"signin_email": "ines@example.org"})
    m = re.search(r"http://testserver(/invite/[A-Za-z0-9_-]+)", r.text)
    assert m, r.text
    client = web.browser()
    password = "plum kettle orbit lantern"
    page = client.get(m.group(1)).text
    assert 'name="browser_zone"' in page
    r = client.form(m.group(1), {"new_password": password, "confirm_password": password,
                                 "browser_zone": "Africa/Nairobi"})
    assert r.status_code == 303
    assert _zone_of(web, "ines@example.org") == "Africa/Nairobi"
