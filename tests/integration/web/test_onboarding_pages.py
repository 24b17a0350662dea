"""Getting started (``/welcome``), a person's own weekly time and runs, the empty week that
asks for time instead of calling it rest, and a sign-in whose person is gone. On SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webtools import PASSWORD, Web, WebClient

from anklet.domain.history import Availability, MeasureKind, Measurement, Screening
from anklet.domain.units import Side
from anklet.services import accounts as account_service
from anklet.services import people, records

TODAY = dt.date.today()
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _sign_up_self(web: Web, email: str = "new@example.org") -> WebClient:
    b = web.browser()
    r = b.form("/sign-up", {"email": email, "name": "Nina New", "password": PASSWORD,
                            "role": "self"})
    assert r.status_code == 303
    r = b.sign_in(email)
    assert r.headers["location"] == "/welcome"
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email(email)
        assert account is not None
        b.person_key = account.person_key
    return b


def _history(web: Web, key: str) -> Any:
    with web.ctx.uow() as uow:
        return uow.people.get(key)


def screen_form(web: Web, *, yes: str | None = None, **extra: str) -> dict[str, str]:
    form = {f"rf_{f.id}": "yes" if f.id == yes else "no" for f in web.ctx.protocol.red_flags}
    for side in ("left", "right"):
        form |= {f"{side}_pain_rest": "0", f"{side}_pain_activity": "0",
                 f"{side}_swelling": "no", f"{side}_giving_way": "no", f"{side}_sprains": "0"}
    return form | extra


GOOD_TESTS = {"left_knee_to_wall": "11", "right_knee_to_wall": "11.5",
              "left_knee_to_wall_pain": "0", "right_knee_to_wall_pain": "1",
              "left_heel_raise": "22", "right_heel_raise": "20"}


# --- the walk-through ---------------------------------------------------------------------------


def test_walk_through_after_self_sign_up_ends_on_a_first_plan(web: Web) -> None:
    b = _sign_up_self(web)
    assert b.get("/welcome").headers["location"] == "/welcome/time"
    page = b.get("/welcome/time")
    assert page.status_code == 200
    assert 'aria-current="step"' in page.text
    assert "When do you have time?" in page.text

    r = b.form("/welcome/time", {"mon": "20", "wed": "20", "fri": "25"})
    assert r.headers["location"] == "/welcome/screen"
    r = b.form("/welcome/screen", screen_form(web))
    assert r.headers["location"] == "/welcome/tests"
    page = b.get("/welcome/tests")
    assert "How to do it at home" in page.text
    r = b.form("/welcome/tests", GOOD_TESTS)
    assert r.headers["location"] == "/welcome/plan"

    plan = b.get("/welcome/plan")
    assert plan.status_code == 200
    assert "Your next seven days" in plan.text
    assert "Stage 2" in plan.text  # no injury, pain-free bend on both sides: the ankle
    assert "Go to Today" in plan.text
    assert "2 test results" not in plan.text  # four were saved
    h = _history(web, b.person_key or "")
    assert h.availability.mon == 20
    assert h.availability.fri == 25
    assert len(h.screenings) == 1
    assert {(m.kind, m.side) for m in h.measurements} >= {
        (MeasureKind.KNEE_TO_WALL, Side.LEFT), (MeasureKind.HEEL_RAISE, Side.RIGHT)}

    # through: /welcome and the next sign-in lead to Today
    assert b.get("/welcome").headers["location"] == "/me"
    again = web.browser()
    assert again.sign_in("new@example.org").headers["location"] == "/me"
    assert "setup-due" not in b.get("/me").text


def test_walk_through_resumes_at_the_first_unfinished_step(web: Web) -> None:
    b = _sign_up_self(web)
    b.form("/welcome/time", {"tue": "15"})
    other_device = web.browser()
    assert other_device.sign_in("new@example.org").headers["location"] == "/welcome"
    assert other_device.get("/welcome").headers["location"] == "/welcome/screen"
    assert 'data-testid="setup-due"' in other_device.get("/me").text
    # a later step asked for early goes back to where they are
    assert b.get("/welcome/plan").headers["location"] == "/welcome/screen"


def test_later_leaves_time_or_tests_for_later_and_is_remembered(web: Web) -> None:
    b = _sign_up_self(web)
    r = b.form("/welcome/time/later")
    assert r.headers["location"] == "/welcome/screen"
    b.form("/welcome/screen", screen_form(web))
    r = b.form("/welcome/tests/later")
    assert r.headers["location"] == "/welcome/plan"
    plan = b.get("/welcome/plan").text
    assert 'data-testid="time-missing"' in plan  # the first plan says what is missing
    assert "Stage 1" in plan  # without the tests, the feet first
    # kept as data: another device is through too
    assert web.browser().sign_in("new@example.org").headers["location"] == "/me"
    with web.ctx.uow() as uow:
        skipped = [a.detail["step"] for a in uow.accounts.audit_for(b.person_key or "")
                   if a.action == "onboarding_skipped"]
    assert sorted(skipped) == ["tests", "time"]


def test_later_is_refused_for_the_red_flag_screen(web: Web) -> None:
    b = _sign_up_self(web)
    b.form("/welcome/time", {"mon": "20"})
    r = b.form("/welcome/screen/later")
    assert r.headers["location"] == "/welcome/screen"
    assert "cannot wait" in b.get("/welcome/screen").text
    assert b.get("/welcome").headers["location"] == "/welcome/screen"
    assert _history(web, b.person_key or "").screenings == []


def test_later_with_an_unknown_step_stores_nothing(web: Web) -> None:
    b = _sign_up_self(web)
    r = b.form("/welcome/plan/later")
    assert r.status_code == 404
    with web.ctx.uow() as uow:
        assert not [a for a in uow.accounts.audit_for(b.person_key or "")
                    if a.action == "onboarding_skipped"]


def test_time_step_without_any_minutes_asks_again(web: Web) -> None:
    b = _sign_up_self(web)
    r = b.form("/welcome/time", {"mon": "", "tue": "0"})
    assert r.status_code == 422
    assert "at least one day" in r.text
    r = b.form("/welcome/time", {"mon": "999"})
    assert r.status_code == 422
    assert "you entered 999" in r.text
    assert 'value="999"' in r.text  # kept
    assert sum(_history(web, b.person_key or "").availability.minutes()) == 0


def test_screen_step_with_an_answer_missing_stores_nothing(web: Web) -> None:
    b = _sign_up_self(web)
    form = screen_form(web)
    first = next(iter(form))
    del form[first]
    form.pop("right_giving_way")
    r = b.form("/welcome/screen", form)
    assert r.status_code == 422
    assert f'id="e-{first}"' in r.text
    assert 'id="e-right_giving_way"' in r.text
    assert _history(web, b.person_key or "").screenings == []


def test_screen_step_with_a_red_flag_ends_at_the_referral(web: Web) -> None:
    b = _sign_up_self(web)
    flag = web.ctx.protocol.red_flags[0]
    r = b.form("/welcome/screen", screen_form(web, yes=flag.id))
    assert r.headers["location"] == "/me"
    today = b.get("/me").text
    assert "doctor or physiotherapist" in today
    assert 'data-testid="setup-due"' not in today  # nothing more to do here for now
    assert web.browser().sign_in("new@example.org").headers["location"] == "/me"
    assert b.get("/welcome").headers["location"] == "/me"


def test_screen_step_keeps_the_rest_of_the_intake(web: Web, coach: WebClient) -> None:
    key = web.add_client("coach@example.org", "Runa Runner")
    with web.ctx.uow() as uow:
        h = uow.people.get(key)
        assert h.intake is not None
        records.update_intake(uow, key=key, intake=h.intake.model_copy(
            update={"activities": ["running"], "goals": ["a 10k in spring"]}))
        uow.commit()
    b = web.account("client", "runa@example.org", "Runa Runner", person_key=key)
    r = b.form("/welcome/screen", screen_form(web, left_sprains="2",
                                              left_last_sprain="2020-05-01",
                                              right_surgery="yes"))
    assert r.status_code == 303
    intake = _history(web, key).intake
    assert [a.value for a in intake.activities] == ["running"]
    assert intake.goals == ["a 10k in spring"]
    assert intake.left.sprains == 2
    assert intake.right.surgery


def test_tests_step_needs_both_sides_and_the_pain(web: Web) -> None:
    b = _sign_up_self(web)
    r = b.form("/welcome/tests", {"left_knee_to_wall": "10", "left_knee_to_wall_pain": "0"})
    assert r.status_code == 422
    assert 'id="e-right_knee_to_wall"' in r.text
    r = b.form("/welcome/tests", {"left_knee_to_wall": "10", "right_knee_to_wall": "9"})
    assert r.status_code == 422
    assert "How much did it hurt" in r.text
    r = b.form("/welcome/tests", {"left_knee_to_wall": "ten", "right_knee_to_wall": "9"})
    assert r.status_code == 422
    assert "you entered 'ten'" in html.unescape(r.text)
    r = b.form("/welcome/tests", {})
    assert r.status_code == 422
    assert _history(web, b.person_key or "").measurements == []


def test_client_first_sign_in_goes_to_the_walk_through(web: Web, coach: WebClient) -> None:
    key = web.add_client("coach@example.org", "Cleo Client")
    with web.ctx.uow() as uow:
        coach_account = uow.accounts.by_email("coach@example.org")
        assert coach_account is not None
        account_service.give_client_sign_in(uow, coach=coach_account, key=key,
                                            email="cleo@example.org")
        records.create_screening(uow, key=key, protocol=web.ctx.protocol, screening=Screening(
            date=TODAY, red_flags={f.id: False for f in web.ctx.protocol.red_flags}))
        uow.commit()
        account_service.reset_password(uow, email="cleo@example.org", new=PASSWORD,
                                       one_time=True)
        uow.commit()
    b = web.browser()
    assert b.sign_in("cleo@example.org").headers["location"] == "/welcome"
    assert b.get("/welcome").headers["location"] == "/account/choose-password"
    r = b.form("/account/choose-password", {"new_password": "a new long passphrase",
                                            "confirm_password": "a new long passphrase"})
    assert r.headers["location"] == "/welcome"
    # the coach did the screen: time, then the tests
    assert b.get("/welcome").headers["location"] == "/welcome/time"
    b.form("/welcome/time", {"sat": "30"})
    assert b.get("/welcome").headers["location"] == "/welcome/tests"


def test_coach_has_no_walk_through(coach: WebClient) -> None:
    assert coach.get("/welcome").headers["location"] == "/coach"
    assert coach.get("/welcome/time").headers["location"] == "/coach"
    assert coach.form("/welcome/time", {"mon": "10"}).headers["location"] == "/coach"


# --- the empty week: time missing is not rest ----------------------------------------------------


def _screened(web: Web, key: str, **minutes: int) -> None:
    with web.ctx.uow() as uow:
        records.create_screening(uow, key=key, protocol=web.ctx.protocol, screening=Screening(
            date=TODAY - dt.timedelta(days=1),
            red_flags={f.id: False for f in web.ctx.protocol.red_flags}))
        records.update_availability(uow, key=key, availability=Availability(**minutes))
        uow.commit()


def test_today_without_weekly_time_asks_for_it_instead_of_rest(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key or ""
    _screened(web, key)
    page = client_of_coach.get("/me").text
    assert 'data-testid="time-missing"' in page
    assert f'href="/people/{key}/time"' in page
    assert "Rest is part of the plan" not in page
    week = client_of_coach.get(f"/people/{key}/plan").text
    assert 'data-testid="time-missing"' in week
    assert "Rest day" not in week
    assert "No free time set" in week


def test_today_on_a_day_not_chosen_is_still_rest(web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key or ""
    others = {d: 20 for i, d in enumerate(DAYS) if i != TODAY.weekday()}
    _screened(web, key, **others)
    page = client_of_coach.get("/me").text
    assert 'data-testid="rest-day"' in page
    assert "Rest is part of the plan" in page
    assert 'data-testid="time-missing"' not in page
    assert "Rest day" in client_of_coach.get(f"/people/{key}/plan").text


# --- a person's own time and runs -------------------------------------------------------------------


def test_client_sets_their_own_weekly_time(web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key or ""
    assert client_of_coach.get("/me/time").headers["location"] == f"/people/{key}/time"
    page = client_of_coach.get(f"/people/{key}/time")
    assert page.status_code == 200
    assert "Your time and runs" in page.text
    r = client_of_coach.form(f"/people/{key}/time", {"mon": "15", "thu": "30"})
    assert r.headers["location"] == f"/people/{key}/time"
    assert "45 minutes a week" in client_of_coach.get(f"/people/{key}/time").text
    assert _history(web, key).availability.thu == 30
    with web.ctx.uow() as uow:
        entry = uow.accounts.audit_for(key)[0]
    assert (entry.action, entry.actor) == ("availability_updated", "client@example.org")


def test_weekly_time_with_a_bad_day_stores_nothing(web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key or ""
    r = client_of_coach.form(f"/people/{key}/time", {"mon": "15", "tue": "-5"})
    assert r.status_code == 422
    assert 'id="e-tue"' in r.text
    assert sum(_history(web, key).availability.minutes()) == 0


def test_client_adds_and_removes_a_planned_run(web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key or ""
    day = TODAY + dt.timedelta(days=3)
    r = client_of_coach.form(f"/people/{key}/time/runs",
                             {"run_date": day.isoformat(), "run_kind": "long",
                              "run_minutes": "80", "run_title": "Lake loop"})
    assert r.headers["location"] == f"/people/{key}/time#runs"
    page = client_of_coach.get(f"/people/{key}/time").text
    assert "Lake loop" in page
    assert "Gait drills go before it" in page
    assert len(_history(web, key).planned_runs) == 1
    r = client_of_coach.form(f"/people/{key}/time/runs/remove",
                             {"date": day.isoformat(), "kind": "long", "minutes": "80",
                              "title": "Lake loop"})
    assert r.status_code == 303
    assert "Removed: Long run" in client_of_coach.get(f"/people/{key}/time").text
    assert _history(web, key).planned_runs == []
    r = client_of_coach.form(f"/people/{key}/time/runs/remove",
                             {"date": day.isoformat(), "kind": "long", "minutes": "80",
                              "title": "Lake loop"})
    assert "not planned any more" in client_of_coach.get(f"/people/{key}/time").text


def test_a_bad_run_is_refused_with_the_field_named(web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key or ""
    r = client_of_coach.form(f"/people/{key}/time/runs",
                             {"run_date": "next week", "run_kind": "sprint"})
    assert r.status_code == 422
    assert 'id="e-run_date"' in r.text
    assert 'id="e-run_kind"' in r.text
    assert _history(web, key).planned_runs == []


def test_coach_reaches_their_clients_time_page(coach: WebClient, client_of_coach: WebClient
                                              ) -> None:
    key = client_of_coach.person_key or ""
    page = coach.get(f"/people/{key}/time")
    assert page.status_code == 200
    assert "Cleo Client: time and runs" in page.text
    assert coach.form(f"/people/{key}/time", {"sun": "10"}).status_code == 303


# --- a sign-in without a person ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["client", "self"])
def test_sign_in_whose_person_was_deleted_gets_a_clear_page(web: Web, coach: WebClient,
                                                            role: str) -> None:
    if role == "client":
        b = web.account("client", "gone@example.org", "Gina Gone",
                        coach_email="coach@example.org")
    else:
        b = web.account("self", "gone@example.org", "Gina Gone")
    with web.ctx.uow() as uow:
        key = b.person_key or ""
        uow.people.delete(key)  # the person goes; the sign-in stays without one
        uow.commit()
        account = uow.accounts.by_email("gone@example.org")
        assert account is not None
        assert account.person_key is None
    for url in ("/me", "/me/plan", "/me/progress", "/me/check-in", "/me/time", "/welcome"):
        r = b.get(url)
        assert r.status_code == 200, url
        assert 'data-testid="no-person"' in r.text, url
    assert b.get("/").headers["location"] == "/me"
    assert b.get("/coach").status_code == 403  # and its page leads to /me, above: no loop
    r = web.browser()
    assert r.sign_in("gone@example.org").headers["location"] == "/me"

    r = b.form("/welcome/delete-account", {"confirm_email": "someone@example.org"})
    assert r.status_code == 422
    assert "Type your email" in r.text
    r = b.form("/welcome/delete-account", {"confirm_email": "GONE@example.org"})
    assert r.headers["location"] == "/sign-in"
    with web.ctx.uow() as uow:
        assert uow.accounts.by_email("gone@example.org") is None


def test_delete_account_is_refused_while_the_person_is_there(web: Web,
                                                            client_of_coach: WebClient) -> None:
    r = client_of_coach.form("/welcome/delete-account",
                             {"confirm_email": "client@example.org"})
    assert r.status_code == 303
    with web.ctx.uow() as uow:
        assert uow.accounts.by_email("client@example.org") is not None


def test_coach_deleting_a_client_takes_the_sign_in(web: Web, coach: WebClient,
                                                   client_of_coach: WebClient) -> None:
    """The usual path (web or CLI delete): the sign-in goes with the person, and the old
    browser is simply signed out."""
    key = client_of_coach.person_key or ""
    with web.ctx.uow() as uow:
        people.delete(uow, key=key)
        uow.commit()
        assert uow.accounts.by_email("client@example.org") is None
    assert client_of_coach.get("/me").headers["location"].startswith("/sign-in")


def test_measurements_from_the_tests_step_are_dated_today(web: Web) -> None:
    b = _sign_up_self(web)
    b.form("/welcome/tests", GOOD_TESTS)
    ms: list[Measurement] = _history(web, b.person_key or "").measurements
    assert {m.date for m in ms} == {TODAY}
    assert all(m.rater is None for m in ms)


def test_api_plan_says_weekly_time_is_missing_until_it_is_set(web: Web,
                                                              self_coached: WebClient) -> None:
    key = self_coached.person_key or ""
    _screened(web, key)
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email("solo@example.org")
        assert account is not None
        token = account_service.create_token(uow, account=account, name="app")
        uow.commit()
    api = TestClient(web.app, headers={"Authorization": f"Bearer {token}"})
    plan = api.get(f"/api/v1/people/{key}/plan").json()
    assert [m["what"] for m in plan["missing"]] == ["weekly_time"]
    assert all(not d["blocks"] for d in plan["days"])
    assert api.put(f"/api/v1/people/{key}/availability", json={"mon": 20}).status_code == 200
    assert api.get(f"/api/v1/people/{key}/plan").json()["missing"] == []
