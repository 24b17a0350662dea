"""The JSON API, ``/api/v1``: every route as a coach, a client and a self-coached person,
with bad input, and as the wrong account (another coach, another client, a self-coached
person, no token), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import select
from webtools import PASSWORD, Web

from anklet.domain.errors import HistoryError
from anklet.domain.history import (
    History,
    Intake,
    Override,
    Person,
    load_history_text,
    parse_history,
)
from anklet.domain.views import adherence_dict, decision_dict, plan_dict
from anklet.services import accounts as account_service
from anklet.services import demo as demo_service
from anklet.services import evaluation
from anklet.store import tables as t
from anklet.web.schemas.assessments import MeasurementsPublic
from anklet.web.schemas.common import DATE_ACCEPTED, ErrorPublic
from anklet.web.schemas.decisions import (
    AdherencePublic,
    DecisionPublic,
    EvaluationPublic,
    PlanPublic,
)
from anklet.web.schemas.people import PeoplePublic, PersonDetailPublic
from anklet.web.schemas.sessions import SessionListed, SessionsPublic

TODAY = dt.date.today()
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())
A_WEEK_AGO = TODAY - dt.timedelta(days=7)
EXERCISE = "seated-forefoot-roll"


class Api(TestClient):
    """An API client: JSON in and out, with this account's token (or none)."""

    key: str | None = None  # the person a client or self-coached account signs in as


@dataclass
class People:
    web: Web
    coach: Api
    other_coach: Api
    client: Api  # signs in as the coach's client `client.key`
    other_client: Api  # the other coach's client
    solo: Api  # self-coached
    nobody: Api  # no token
    quiet_key: str  # another client of the coach, without a sign-in

    def token_for(self, email: str) -> str:
        with self.web.ctx.uow() as uow:
            account = uow.accounts.by_email(email)
            assert account is not None
            token = account_service.create_token(uow, account=account, name="tests")
            uow.commit()
        return token


@functools.cache
def _hash() -> str:
    return account_service.hash_password(PASSWORD)


def _api(web: Web, token: str | None, key: str | None = None) -> Api:
    api = Api(web.app, headers={"Authorization": f"Bearer {token}"} if token else {})
    api.key = key
    return api


@pytest.fixture
def people(web: Web) -> People:
    """Two coaches with a client each (with sign-ins), one more client without a sign-in,
    and a self-coached person; an API token for each account."""
    made: dict[str, tuple[str, str | None]] = {}
    with web.ctx.uow() as uow:
        def account(role: str, email: str, name: str, coach: Any = None) -> Any:
            key = None
            if role == "client":
                key = account_service.add_client(
                    uow, coach=coach, name=name,
                    intake=Intake(date=TODAY - dt.timedelta(days=21))).person.id
            if role == "self":
                key = f"sol-solo-{len(made)}"
                uow.people.add(History(person=Person(id=key, name=name),
                                       intake=Intake(date=TODAY - dt.timedelta(days=21))))
            # the API never asks for a password: one hash made once will do for everyone
            a = uow.accounts.add(email=email, name=name, role=role, password_hash=_hash(),
                                 person_key=key)
            made[email] = (account_service.create_token(uow, account=a, name="tests"),
                           a.person_key)
            return a

        coach = account("coach", "coach@example.org", "Casey Coach")
        other = account("coach", "other@example.org", "Olive Other")
        account("client", "client@example.org", "Cleo Client", coach)
        account("client", "otherclient@example.org", "Otto Otherclient", other)
        account("self", "solo@example.org", "Sol Solo")
        quiet = account_service.add_client(uow, coach=coach, name="Quinn Quiet",
                                           intake=Intake(date=TODAY - dt.timedelta(days=21)))
        uow.commit()

    def api(email: str) -> Api:
        return _api(web, *made[email])

    return People(web, api("coach@example.org"), api("other@example.org"),
                  api("client@example.org"), api("otherclient@example.org"),
                  api("solo@example.org"), _api(web, None), quiet.person.id)


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json() if r.content else None


def _problem(r: Any, field: str) -> dict[str, Any]:
    """The 422 answer names ``field``, with the value given and what is accepted."""
    assert r.status_code == 422, r.text
    body = r.json()
    ErrorPublic.model_validate(body)
    assert body["error"] in ("InputError", "HistoryError")
    found = [p for p in body.get("problems") or [body] if p["field"] == field]
    assert found, f"no problem for {field!r} in {body}"
    assert found[0]["accepted"]
    return found[0]


def _valid(model: type[BaseModel], data: Any) -> Any:
    """The answer matches its documented model (extra fields are refused by the models)."""
    model.model_validate(data)
    return data


def _screening(**flags: bool) -> dict[str, Any]:
    return {"date": A_WEEK_AGO.isoformat(), "red_flags": {
        "ottawa_malleolus": False, "ottawa_midfoot": False, "ottawa_weight_bearing": False,
        "numbness_tingling": False, "hot_swollen_fever": False, "calf_pain_swelling": False,
        "pop_weak_pushoff": False, "night_rest_pain": False, "surgery_not_cleared": False,
        "diabetes_low_sensation": False, **flags}}


def _measure(side: str, value: float, kind: str = "knee_to_wall", **kw: Any) -> dict[str, Any]:
    return {"date": A_WEEK_AGO.isoformat(), "side": side, "kind": kind, "value": value, **kw}


def _session(day: dt.date = TODAY, **kw: Any) -> dict[str, Any]:
    return {"date": day.isoformat(), "exercises": [
        {"exercise_id": EXERCISE, "sets": 2, "seconds": 60},
        {"exercise_id": "ankle-circles", "side": "left", "reps": 10}], "rpe": 4,
        "pain_during": 2, **kw}


def _assess(api: Api, key: str) -> None:
    _ok(api.post(f"/api/v1/people/{key}/screenings", json=_screening()), 201)
    for side, value in (("left", 6.0), ("right", 9.5)):
        _ok(api.post(f"/api/v1/people/{key}/measurements", json=_measure(side, value)), 201)


# --- authentication ---------------------------------------------------------------------------


def test_requests_without_a_valid_token_answer_401_with_a_bearer_challenge(
        people: People) -> None:
    bad = [{}, {"Authorization": "Bearer ank_not-a-real-token"},
           {"Authorization": "Bearer something-else"}, {"Authorization": "Basic Zm9vOmJhcg=="}]
    for headers in bad:
        r = people.nobody.get("/api/v1/people", headers=headers)
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == "Bearer"
        assert r.json()["error"] == "SignInError"
    # a deleted token stops working at once
    with people.web.ctx.uow() as uow:
        coach = uow.accounts.by_email("coach@example.org")
        assert coach is not None
        for token in uow.accounts.tokens(coach.id):
            uow.accounts.delete_token(coach.id, token.id)
        uow.commit()
    assert people.coach.get("/api/v1/people").status_code == 401


# --- people -----------------------------------------------------------------------------------


def test_people_list_shows_a_coachs_own_clients_with_their_stored_decision(
        people: People) -> None:
    data = _valid(PeoplePublic, _ok(people.coach.get("/api/v1/people")))
    rows = {p["key"]: p for p in data["data"]}
    assert set(rows) == {people.client.key, people.quiet_key}
    assert data["count"] == 2
    assert rows[people.client.key]["has_account"] is True
    assert rows[people.quiet_key]["has_account"] is False
    _assess(people.coach, people.quiet_key)
    rows = {p["key"]: p for p in _ok(people.coach.get("/api/v1/people"))["data"]}
    assert rows[people.quiet_key]["stage"] == 1
    assert rows[people.quiet_key]["status"] == "working"
    assert rows[people.quiet_key]["as_of"] == TODAY.isoformat()
    assert rows[people.quiet_key]["summary"]["stage_name"]


def test_people_list_for_a_client_or_self_coached_person_is_just_themself(
        people: People) -> None:
    for api in (people.client, people.solo):
        data = _valid(PeoplePublic, _ok(api.get("/api/v1/people")))
        assert [p["key"] for p in data["data"]] == [api.key]


def test_a_coach_adds_a_client_who_is_decided_at_once(people: People) -> None:
    r = people.coach.post("/api/v1/people", json={
        "name": "Nia New", "intake": {"date": A_WEEK_AGO.isoformat(), "goals": ["run 10k"],
                                      "activities": ["running"], "left": {"sprains": 2}}})
    data = _valid(PersonDetailPublic, _ok(r, 201))
    key = data["key"]
    assert r.headers["location"] == f"/api/v1/people/{key}"
    assert data["name"] == "Nia New"
    assert data["intake"]["left"]["sprains"] == 2
    assert data["decision"]["status"] == "screen_needed"
    assert key in {p["key"] for p in _ok(people.coach.get("/api/v1/people"))["data"]}
    assert key not in {p["key"] for p in _ok(people.other_coach.get("/api/v1/people"))["data"]}
    with people.web.ctx.uow() as uow:
        assert [e.action for e in uow.accounts.audit_for(key)] == ["client_added"]


def test_adding_a_client_with_bad_values_names_each_field(people: People) -> None:
    assert _problem(people.coach.post("/api/v1/people", json={"name": ""}), "name")
    p = _problem(people.coach.post("/api/v1/people", json={"name": "   "}), "name")
    assert p["value"] == "   "
    p = _problem(people.coach.post("/api/v1/people", json={
        "name": "Ann", "intake": {"date": "2024-02-30"}}), "intake.date")
    assert p["value"] == "2024-02-30"
    p = _problem(people.coach.post("/api/v1/people", json={
        "name": "Ann", "intake": {"date": "2024-01-01", "left": {"sprains": 1,
                                                                 "last_sprain": "1066-10-14"}}}),
        "intake.left.last_sprain")
    assert p == {"field": "intake.left.last_sprain", "value": "1066-10-14",
                 "accepted": DATE_ACCEPTED}
    r = people.coach.post("/api/v1/people", json={"name": "Ann", "nickname": "A"})
    assert "unknown field" in _problem(r, "nickname")["accepted"]
    r = people.coach.post("/api/v1/people", content=b"{not json",
                          headers={"content-type": "application/json"})
    assert "valid JSON" in _problem(r, "request body")["accepted"]
    r = people.coach.post("/api/v1/people", content=b"\xff\xfe",
                          headers={"content-type": "application/json"})
    _problem(r, "request body")
    r = people.coach.post("/api/v1/people", content=b'{"name": "Ann"}',
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert "Content-Type: application/json" in _problem(r, "request body")["accepted"]
    r = people.coach.post("/api/v1/people", content=b"",
                          headers={"content-type": "application/json"})
    assert _problem(r, "request body")["value"] is None
    assert len(_ok(people.coach.get("/api/v1/people"))["data"]) == 2  # nothing was added


def test_only_a_coach_adds_people(people: People) -> None:
    for api in (people.client, people.solo):
        r = api.post("/api/v1/people", json={"name": "Sneaky"})
        assert r.status_code == 403
        assert r.json()["error"] == "ForbiddenError"


def test_person_detail_has_intake_time_and_stored_decision(people: People) -> None:
    key = people.quiet_key
    _ok(people.coach.put(f"/api/v1/people/{key}/availability",
                         json={"mon": 20, "wed": 30, "sat": 45}))
    data = _valid(PersonDetailPublic, _ok(people.coach.get(f"/api/v1/people/{key}")))
    assert data["key"] == key
    assert data["name"] == "Quinn Quiet"
    assert data["intake"]["date"] == (TODAY - dt.timedelta(days=21)).isoformat()
    assert data["availability"]["wed"] == 30
    assert data["decision"]["status"] == "screen_needed"
    for api in (people.client, people.solo):
        assert _ok(api.get(f"/api/v1/people/{api.key}"))["key"] == api.key


def test_a_coach_deletes_a_client_with_their_sign_in_and_the_audit_log_keeps_it(
        people: People) -> None:
    key = people.client.key
    assert people.client.get("/api/v1/people").status_code == 200
    r = people.coach.delete(f"/api/v1/people/{key}")
    assert r.status_code == 204
    assert r.content == b""
    assert people.coach.get(f"/api/v1/people/{key}").status_code == 404
    assert people.client.get("/api/v1/people").status_code == 401  # sign-in gone, token too
    with people.web.ctx.uow() as uow:
        assert not uow.people.exists(key)
        assert uow.accounts.by_email("client@example.org") is None
        [(actor, detail)] = uow.connection.execute(
            select(t.audit_log.c.actor, t.audit_log.c.detail)
            .where(t.audit_log.c.action == "client_deleted")).all()
    assert actor == "coach@example.org"
    assert detail["person"] == key
    assert detail["name"] == "Cleo Client"
    assert detail["sign_in"] == "client@example.org"


def test_only_a_coach_deletes_and_nothing_is_lost_when_refused(people: People) -> None:
    for api in (people.client, people.solo):
        assert api.delete(f"/api/v1/people/{api.key}").status_code == 403
        assert _ok(api.get(f"/api/v1/people/{api.key}"))["key"] == api.key


# --- assessments ------------------------------------------------------------------------------


def test_an_assessment_is_stored_and_re_decides_the_person(people: People) -> None:
    key = people.quiet_key
    data = _ok(people.coach.post(f"/api/v1/people/{key}/screenings", json=_screening()), 201)
    assert data["red_flags"]["ottawa_midfoot"] is False
    m = _ok(people.coach.post(f"/api/v1/people/{key}/measurements",
                              json=_measure("left", 6, method="tape", pain=2)), 201)
    assert m == {**_measure("left", 6.0, method="tape", pain=2), "leg_length_cm": None,
                 "rater": None, "notes": None, "id": m["id"]}  # the id to correct it by
    assert isinstance(m["id"], int)
    _ok(people.coach.post(f"/api/v1/people/{key}/measurements", json=_measure("right", 9.5)),
        201)
    listed = _valid(MeasurementsPublic, _ok(people.coach.get(f"/api/v1/people/{key}/measurements")))
    assert listed["count"] == 2
    assert [x["side"] for x in listed["data"]] == ["left", "right"]
    with people.web.ctx.uow() as uow:
        stored = uow.people.get_decision(key)
    assert stored is not None
    assert (stored.stage, stored.status) == (1, "working")


def test_a_red_flag_refers_the_person_and_the_plan_is_refused(people: People) -> None:
    key = people.quiet_key
    _ok(people.coach.post(f"/api/v1/people/{key}/screenings",
                          json=_screening(calf_pain_swelling=True)), 201)
    decision = _ok(people.coach.get(f"/api/v1/people/{key}/decision"))
    assert decision["status"] == "refer"
    assert [f["id"] for f in decision["red_flags"]] == ["calf_pain_swelling"]
    plan = _ok(people.coach.get(f"/api/v1/people/{key}/plan"))
    assert plan["refused"]
    assert plan["ok"] is False


def test_a_screening_must_answer_every_red_flag_question(people: People) -> None:
    url = f"/api/v1/people/{people.quiet_key}/screenings"
    partial = _screening()
    del partial["red_flags"]["night_rest_pain"]
    p = _problem(people.coach.post(url, json=partial), "red_flags")
    assert p["value"] == "night_rest_pain"
    p = _problem(people.coach.post(url, json=_screening(bitten_by_a_shark=False)), "red_flags")
    assert p["value"] == "bitten_by_a_shark"
    assert "ottawa_midfoot" in p["accepted"]
    _problem(people.coach.post(url, json={**_screening(), "left": {"pain_rest": 11}}),
             "left.pain_rest")
    assert _ok(people.coach.get(f"/api/v1/people/{people.quiet_key}/export"))["screenings"] == []


def test_a_measurement_out_of_range_is_refused_with_field_value_and_range(
        people: People) -> None:
    url = f"/api/v1/people/{people.quiet_key}/measurements"
    p = _problem(people.coach.post(url, json=_measure("left", 40)), "value")
    assert p["value"] == 40
    assert "0 to 25 cm" in p["accepted"]
    p = _problem(people.coach.post(url, json=_measure("middle", 5)), "side")
    assert p["value"] == "middle"
    p = _problem(people.coach.post(url, json=_measure("left", 5, leg_length_cm=90)),
                 "leg_length_cm")
    assert "y_balance_anterior" in p["accepted"]
    r = people.coach.post(url, json={"side": "left", "kind": "weight", "value": 1})
    assert {x["field"] for x in r.json()["problems"]} >= {"date", "kind"}
    p = _problem(people.coach.post(url, json={**_measure("left", 5), "date": "0001-01-01"}),
                 "date")
    assert p["accepted"] == DATE_ACCEPTED
    assert _ok(people.coach.get(url))["count"] == 0


def test_feet_intake_time_and_runs_are_stored_and_reach_the_plan(people: People) -> None:
    key = people.quiet_key
    base = f"/api/v1/people/{key}"
    _assess(people.coach, key)
    obs = _ok(people.coach.post(f"{base}/foot-observations", json={
        "date": A_WEEK_AGO.isoformat(), "side": "left", "posture": "pronated",
        "arch": "collapsed"}), 201)
    assert obs["posture"] == "pronated"
    intake = _ok(people.coach.put(f"{base}/intake", json={
        "date": A_WEEK_AGO.isoformat(), "goals": ["squat deep"], "activities": ["lifting"],
        "right": {"sprains": 1, "last_sprain": "2023-05-01"}}))
    assert intake["right"]["last_sprain"] == "2023-05-01"
    minutes = {"mon": 20, "tue": 0, "wed": 25, "thu": 0, "fri": 20, "sat": 30, "sun": 0}
    assert _ok(people.coach.put(f"{base}/availability", json=minutes)) == minutes
    run_day = MONDAY + dt.timedelta(days=5)
    run = _ok(people.coach.post(f"{base}/planned-runs", json={
        "date": run_day.isoformat(), "kind": "long", "minutes": 90, "title": "Long run"}), 201)
    assert run == {"date": run_day.isoformat(), "kind": "long", "minutes": 90,
                   "title": "Long run", "calendar": None, "event": None}  # entered by hand
    doc = _ok(people.coach.get(f"{base}/export"))
    assert doc["foot_observations"][0]["arch"] == "collapsed"
    assert doc["intake"]["goals"] == ["squat deep"]
    assert doc["availability"]["sat"] == 30
    plan = _valid(PlanPublic, _ok(people.coach.get(f"{base}/plan")))
    days = {d["date"]: d for d in plan["days"]}
    assert [d["available"] for d in plan["days"]] == list(minutes.values())
    assert days[run_day.isoformat()]["runs"] == [{"kind": "long", "minutes": 90,
                                                  "title": "Long run"}]
    # bad values are named, and nothing changes
    _problem(people.coach.put(f"{base}/availability", json={**minutes, "mon": 300}), "mon")
    _problem(people.coach.post(f"{base}/planned-runs", json={
        "date": run_day.isoformat(), "kind": "sprint"}), "kind")
    _problem(people.coach.post(f"{base}/planned-runs", json={  # only an import sets these
        "date": run_day.isoformat(), "kind": "easy", "calendar": "club.ics"}), "calendar")
    _problem(people.coach.post(f"{base}/foot-observations", json={
        "date": A_WEEK_AGO.isoformat(), "side": "left", "posture": "flat", "arch": "high"}),
        "posture")
    _problem(people.coach.put(f"{base}/intake", json={
        "date": A_WEEK_AGO.isoformat(), "left": {"sprains": 0, "last_sprain": "2020-01-01"}}),
        "left")
    assert _ok(people.coach.get(f"{base}/export"))["availability"]["mon"] == 20


def test_a_client_reads_and_logs_but_does_not_assess(people: People) -> None:
    key = people.client.key
    base = f"/api/v1/people/{key}"
    writes: list[tuple[str, str, Any]] = [
        ("POST", "measurements", _measure("left", 6)), ("POST", "screenings", _screening()),
        ("POST", "foot-observations", {"date": A_WEEK_AGO.isoformat(), "side": "left",
                                       "posture": "neutral", "arch": "typical"}),
        ("PUT", "intake", {"date": A_WEEK_AGO.isoformat()}), ("PUT", "availability", {"mon": 5}),
        ("POST", "planned-runs", {"date": TODAY.isoformat(), "kind": "easy"})]
    for method, part, body in writes:
        r = people.client.request(method, f"{base}/{part}", json=body)
        assert r.status_code == 403, (part, r.text)
        assert "coach" in r.json()["message"]
    doc = _ok(people.client.get(f"{base}/export"))
    assert doc["measurements"] == []
    assert doc["screenings"] == []
    for part in ("", "/decision", "/plan", "/adherence", "/sessions", "/measurements"):
        _ok(people.client.get(base + part))
    _ok(people.client.post(f"{base}/sessions", json=_session(A_WEEK_AGO)), 201)


def test_a_self_coached_person_assesses_themself(people: People) -> None:
    key = people.solo.key
    assert key is not None
    _assess(people.solo, key)
    _ok(people.solo.put(f"/api/v1/people/{key}/availability", json={"sat": 30}))
    decision = _ok(people.solo.get(f"/api/v1/people/{key}/decision"))
    assert (decision["stage"], decision["status"]) == (1, "working")


def _stage_three(people: People, key: str) -> None:
    """The person set in stage 3 by hand (screen clear), with time every day: gait drills go
    before their long runs."""
    _ok(people.coach.post(f"/api/v1/people/{key}/screenings", json=_screening()), 201)
    _ok(people.coach.put(f"/api/v1/people/{key}/availability",
                         json=dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), 30)))
    with people.web.ctx.uow() as uow:
        uow.people.add_override(key, Override(date=A_WEEK_AGO, stage=3, reason="moves well",
                                              by="coach@example.org"))
        uow.commit()


def test_a_planned_run_is_removed_by_its_details_and_its_gait_prep_goes(
        people: People) -> None:
    key = people.quiet_key
    base = f"/api/v1/people/{key}"
    _stage_three(people, key)
    sunday = MONDAY + dt.timedelta(days=6)
    hill = {"date": sunday.isoformat(), "kind": "long", "minutes": 90, "title": "Hill loop"}
    easy = {"date": sunday.isoformat(), "kind": "easy", "minutes": None, "title": None}
    for run in (hill, hill, easy):
        _ok(people.coach.post(f"{base}/planned-runs", json=run), 201)

    def gait() -> list[Any]:
        plan = _ok(people.coach.get(f"{base}/plan"))
        day = next(d for d in plan["days"] if d["date"] == sunday.isoformat())
        return [b["before_run"] for b in day["blocks"] if b["target"] == "gait"]

    def runs() -> list[dict[str, Any]]:
        return [{"minutes": None, "title": None} | r
                for r in _ok(people.coach.get(f"{base}/export"))["planned_runs"]]

    assert gait() == [{"date": sunday.isoformat(), "kind": "long", "title": "Hill loop"}]
    query = {"date": sunday.isoformat(), "kind": "long", "minutes": 90, "title": "Hill loop"}
    # the run was added twice: one copy goes, and the other keeps its gait drills
    r = people.coach.delete(f"{base}/planned-runs", params=query)
    assert (r.status_code, r.content) == (204, b"")
    assert runs() == [hill, easy]
    assert len(gait()) == 1
    # the title as a person reads it: no case, spaces squeezed
    r = people.coach.delete(f"{base}/planned-runs", params={**query, "title": " hill  LOOP"})
    assert r.status_code == 204
    assert runs() == [easy]
    assert gait() == []
    # gone: a 404 in the API's JSON that says which run, and nothing else changes
    for params, text in (
            (query, f"long run on {sunday.isoformat()}, 90 min, Hill loop"),
            ({**query, "date": MONDAY.isoformat()}, f"long run on {MONDAY.isoformat()}, 90 min, "
                                                    "Hill loop"),
            ({"date": sunday.isoformat(), "kind": "easy", "minutes": 30},  # it has none
             f"easy run on {sunday.isoformat()}, 30 min"),
            ({"date": sunday.isoformat(), "kind": "easy", "title": "Easy"},  # it has none
             f"easy run on {sunday.isoformat()}, Easy")):
        r = people.coach.delete(f"{base}/planned-runs", params=params)
        assert r.status_code == 404, r.text
        assert r.json() == {"error": "NotFoundError", "message": f"No planned run {text!r} was found."}
    assert runs() == [easy]
    # left out, the minutes and title mean a run without them
    r = people.coach.delete(f"{base}/planned-runs",
                            params={"date": sunday.isoformat(), "kind": "easy"})
    assert r.status_code == 204
    assert runs() == []
    # each removal re-decided the person and saved the decision the lists show
    with people.web.ctx.uow() as uow:
        stored = uow.people.get_decision(key)
    assert stored is not None
    assert stored.stage == 3


def test_removing_a_planned_run_names_each_bad_value_and_removes_nothing(
        people: People) -> None:
    key = people.solo.key
    base = f"/api/v1/people/{key}"
    run = {"date": TODAY.isoformat(), "kind": "race", "minutes": 45, "title": "Club 10k"}
    _ok(people.solo.post(f"{base}/planned-runs", json=run), 201)
    good = {"date": TODAY.isoformat(), "kind": "race", "minutes": "45", "title": "Club 10k"}
    for change, field in (({"kind": "sprint"}, "kind"), ({"kind": None}, "kind"),
                          ({"date": "2026-02-30"}, "date"), ({"date": None}, "date"),
                          ({"date": "9999-01-01"}, "date"), ({"minutes": "0"}, "minutes"),
                          ({"minutes": "1441"}, "minutes"), ({"minutes": "ninety"}, "minutes"),
                          ({"title": "x" * 201}, "title")):
        params = {k: v for k, v in (good | change).items() if v is not None}
        _problem(people.solo.delete(f"{base}/planned-runs", params=params), field)
    assert _problem(people.solo.delete(f"{base}/planned-runs",
                                       params=good | {"date": "9999-01-01"}),
                    "date")["accepted"] == DATE_ACCEPTED
    # a client's runs are their coach's to change, as adding one is
    client = people.client.key
    _ok(people.coach.post(f"/api/v1/people/{client}/planned-runs", json=run), 201)
    r = people.client.delete(f"/api/v1/people/{client}/planned-runs", params=good)
    assert r.status_code == 403
    assert "coach" in r.json()["message"]
    assert len(_ok(people.coach.get(f"/api/v1/people/{client}/export"))["planned_runs"]) == 1
    # the self-coached person removes their own
    assert _ok(people.solo.get(f"{base}/export"))["planned_runs"] == [run]
    assert people.solo.delete(f"{base}/planned-runs", params=good).status_code == 204
    assert _ok(people.solo.get(f"{base}/export"))["planned_runs"] == []


# --- decisions, plans, adherence --------------------------------------------------------------


def test_decision_plan_and_adherence_are_what_the_cli_prints(people: People) -> None:
    key = people.quiet_key
    base = f"/api/v1/people/{key}"
    _assess(people.coach, key)
    _ok(people.coach.put(f"{base}/availability", json={"mon": 20, "wed": 20, "fri": 20}))
    _ok(people.coach.post(f"{base}/sessions", json=_session(MONDAY)), 201)
    ctx = people.web.ctx
    wednesday = MONDAY + dt.timedelta(days=2)
    with ctx.uow() as uow:
        ev = evaluation.get(uow, key=key, protocol=ctx.protocol, library=ctx.library, save=False)
        past = evaluation.get(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                              as_of=A_WEEK_AGO, save=False)
        week = evaluation.get(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                              as_of=MONDAY - dt.timedelta(days=7),
                              week_start=MONDAY - dt.timedelta(days=7), save=False)
        _, adh = evaluation.adherence(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                                      week_start=MONDAY, as_of=min(TODAY, MONDAY + dt.timedelta(6)))
    decision = _valid(DecisionPublic, _ok(people.coach.get(f"{base}/decision")))
    assert decision == decision_dict(ev.decision, ctx.protocol)
    assert decision["reasons"]
    assert decision["gate"]["criteria"][0]["reason"]
    assert decision["clearance"]["domains"]
    r = people.coach.get(f"{base}/decision", params={"as_of": A_WEEK_AGO.isoformat()})
    assert _ok(r) == decision_dict(past.decision, ctx.protocol)
    plan = _valid(PlanPublic, _ok(people.coach.get(f"{base}/plan")))
    assert plan == plan_dict(ev.plan, ctx.library)
    assert plan["week_start"] == MONDAY.isoformat()
    r = people.coach.get(f"{base}/plan", params={"week": (wednesday - dt.timedelta(7)).isoformat()})
    assert _ok(r) == plan_dict(week.plan, ctx.library)
    adherence = _valid(AdherencePublic, _ok(people.coach.get(f"{base}/adherence")))
    assert adherence == adherence_dict(adh)
    r = people.coach.get(f"{base}/adherence", params={"week": wednesday.isoformat()})
    assert _ok(r) == adherence


def test_bad_dates_in_the_query_are_named(people: People) -> None:
    base = f"/api/v1/people/{people.quiet_key}"
    p = _problem(people.coach.get(f"{base}/decision", params={"as_of": "yesterday"}), "as_of")
    assert p["value"] == "yesterday"
    p = _problem(people.coach.get(f"{base}/decision", params={"as_of": "0001-01-01"}), "as_of")
    assert p["accepted"] == DATE_ACCEPTED
    _problem(people.coach.get(f"{base}/plan", params={"week": "9999-12-31"}), "week")
    _problem(people.coach.get(f"{base}/adherence", params={"week": "2025-13-01"}), "week")
    _problem(people.coach.get("/api/v1/people/Not_A_Key/decision"), "key")


# --- sessions ---------------------------------------------------------------------------------


def test_a_session_log_is_validated_like_anklet_log(people: People) -> None:
    url = f"/api/v1/people/{people.quiet_key}/sessions"
    bad = _session()
    bad["exercises"][1]["exercise_id"] = "moonwalk"
    p = _problem(people.coach.post(url, json=bad), "exercises[1].exercise_id")
    assert p["value"] == "moonwalk"
    p = _problem(people.coach.post(url, json=_session(pain_during=11)), "pain_during")
    assert p["value"] == 11
    _problem(people.coach.post(url, json={**_session(), "exercises": []}), "exercises")
    _problem(people.coach.post(url, json=_session(rpe="hard")), "rpe")
    no_pain = _session()
    del no_pain["pain_during"]  # left out: never taken as "no pain"
    _problem(people.coach.post(url, json=no_pain), "pain_during")
    p = _problem(people.coach.post(url, json=_session(dt.date(2300, 1, 1))), "date")
    assert p["accepted"] == DATE_ACCEPTED
    assert _ok(people.coach.get(url))["count"] == 0  # nothing half-written
    logged = _valid(SessionListed, _ok(people.coach.post(url, json=_session(notes="easy")), 201))
    assert logged["exercises"][1] == {"exercise_id": "ankle-circles", "side": "left",
                                      "sets": None, "reps": 10, "seconds": None,
                                      "load_kg": None, "rounds": None}
    listed = _valid(SessionsPublic, _ok(people.coach.get(url)))
    assert listed["count"] == 1
    assert listed["data"][0] == logged


def test_a_client_logs_a_session_and_its_morning_pain(people: People) -> None:
    key = people.client.key
    base = f"/api/v1/people/{key}/sessions"
    yesterday = TODAY - dt.timedelta(days=1)
    _ok(people.client.post(base, json=_session(yesterday, pain_during=7)), 201)
    data = _ok(people.client.put(f"{base}/{yesterday}/morning-pain",
                                 json={"pain_next_morning": 4}))
    assert data["pain_next_morning"] == 4
    assert data["pain_during"] == 7
    assert _ok(people.client.get(base))["data"][0]["pain_next_morning"] == 4
    r = people.client.put(f"{base}/{TODAY - dt.timedelta(days=3)}/morning-pain",
                          json={"pain_next_morning": 1})
    assert r.status_code == 404
    assert r.json()["error"] == "NotFoundError"
    p = _problem(people.client.put(f"{base}/{yesterday}/morning-pain",
                                   json={"pain_next_morning": 11}), "pain_next_morning")
    assert p["value"] == 11
    _problem(people.client.put(f"{base}/someday/morning-pain", json={"pain_next_morning": 1}),
             "date")
    with people.web.ctx.uow() as uow:
        stored = uow.people.get_decision(key)
    assert stored is not None
    assert stored.as_of == TODAY  # each write re-decided and saved


def test_a_session_log_takes_gait_off_and_gives_it_back(people: People) -> None:
    url = f"/api/v1/people/{people.quiet_key}/sessions"
    _problem(people.coach.post(url, json=_session(gait_off="sometimes")), "gait_off")
    assert _ok(people.coach.get(url))["count"] == 0  # nothing half-written
    off = _valid(SessionListed, _ok(people.coach.post(url, json=_session(gait_off=True)), 201))
    assert off["gait_off"] is True
    plain = _valid(SessionListed, _ok(people.coach.post(url, json=_session()), 201))
    assert plain["gait_off"] is False
    assert [s["gait_off"] for s in _ok(people.coach.get(url))["data"]] == [True, False]
    with people.web.ctx.uow() as uow:
        assert [s.gait_off for s in uow.people.get(people.quiet_key).sessions] == [True, False]
    doc = _ok(people.coach.get(f"/api/v1/people/{people.quiet_key}/export"))
    assert [s["gait_off"] for s in doc["sessions"]] == [True, False]
    assert [s.gait_off for s in parse_history(doc).sessions] == [True, False]


def test_a_client_logs_their_own_gait_off(people: People) -> None:
    base = f"/api/v1/people/{people.client.key}/sessions"
    _ok(people.client.post(base, json=_session(gait_off=True)), 201)
    with people.web.ctx.uow() as uow:
        assert [s.gait_off for s in uow.people.get(people.client.key).sessions] == [True]


# --- export and evaluate ----------------------------------------------------------------------


def test_export_is_the_history_document_and_evaluates_to_the_same_decision(
        people: People) -> None:
    key = people.quiet_key
    _assess(people.coach, key)
    _ok(people.coach.post(f"/api/v1/people/{key}/sessions", json=_session()), 201)
    doc = _ok(people.coach.get(f"/api/v1/people/{key}/export"))
    with people.web.ctx.uow() as uow:
        assert doc == uow.people.get(key).to_dict()
    assert parse_history(doc).person.id == key
    both = _valid(EvaluationPublic, _ok(people.coach.post("/api/v1/evaluate", json=doc)))
    assert both["decision"] == _ok(people.coach.get(f"/api/v1/people/{key}/decision"))
    assert both["plan"] == _ok(people.coach.get(f"/api/v1/people/{key}/plan"))


def test_evaluate_stores_nothing_and_any_account_may_use_it(people: People) -> None:
    doc = {"person": {"id": "visitor", "name": "Vi Visitor"},
           "screenings": [_screening()],
           "measurements": [_measure("left", 6), _measure("right", 9)]}
    for api in (people.coach, people.client, people.solo):
        r = api.post("/api/v1/evaluate", json=doc,
                     params={"as_of": TODAY.isoformat(), "week": TODAY.isoformat()})
        data = _valid(EvaluationPublic, _ok(r))
        assert data["decision"]["person"] == "visitor"
        assert data["decision"]["stage"] == 1
        assert data["plan"]["week_start"] == MONDAY.isoformat()
    with people.web.ctx.uow() as uow:
        assert not uow.people.exists("visitor")
    assert people.nobody.post("/api/v1/evaluate", json=doc).status_code == 401


def test_evaluate_lists_every_problem_as_anklet_evaluate_does(people: People) -> None:
    doc: dict[str, Any] = {"person": {"id": "Bad Id"}, "sessions": [{"date": "2025-01-01"}],
                           "measurements": [_measure("left", 99)], "extra": 1}
    r = people.coach.post("/api/v1/evaluate", json=doc)
    assert r.status_code == 422
    with pytest.raises(HistoryError) as cli:
        parse_history(doc, source="request body")
    assert r.json() == cli.value.to_dict()
    assert len(r.json()["problems"]) == 5
    # text that is not JSON names the line and column, as for a file
    text = '{"person": {"id": "a",\n "name": }}'
    r = people.coach.post("/api/v1/evaluate", content=text.encode(),
                          headers={"content-type": "application/json"})
    with pytest.raises(HistoryError) as cli:
        load_history_text(text, source="request body")
    assert r.json() == cli.value.to_dict()
    assert r.json()["problems"][0]["field"] == "line 2, column 10"
    # an exercise the library does not have, and a date the planner cannot reach
    r = people.coach.post("/api/v1/evaluate", json={
        "person": {"id": "a", "name": "A"},
        "sessions": [{"date": TODAY.isoformat(), "exercises": [{"exercise_id": "moonwalk"}]}]})
    assert r.status_code == 422
    assert r.json()["error"] == "HistoryError"
    assert "moonwalk" in r.text
    r = people.coach.post("/api/v1/evaluate", json={
        "person": {"id": "a", "name": "A"}, "intake": {"date": "0001-01-01"}})
    assert r.json()["problems"] == [{"field": "intake.date", "value": "0001-01-01",
                                     "accepted": DATE_ACCEPTED}]
    _problem(people.coach.post("/api/v1/evaluate", json=[1, 2]), "document")
    r = people.coach.post("/api/v1/evaluate", content=b'{"person": {"id": "a", "name": "A"}}')
    assert "Content-Type" in _problem(r, "request body")["accepted"]


# --- tenancy ----------------------------------------------------------------------------------

ROUTES: list[tuple[str, str, Callable[[], Any] | None]] = [
    ("GET", "", None),
    ("GET", "/measurements", None),
    ("POST", "/measurements", lambda: _measure("left", 6)),
    ("POST", "/screenings", _screening),
    ("POST", "/foot-observations", lambda: {"date": A_WEEK_AGO.isoformat(), "side": "left",
                                            "posture": "neutral", "arch": "typical"}),
    ("PUT", "/intake", lambda: {"date": A_WEEK_AGO.isoformat()}),
    ("PUT", "/availability", lambda: {"mon": 10}),
    ("POST", "/planned-runs", lambda: {"date": TODAY.isoformat(), "kind": "easy"}),
    # after the line above: the coach's own call there adds the run this one removes
    ("DELETE", f"/planned-runs?date={TODAY.isoformat()}&kind=easy", None),
    ("GET", "/decision", None),
    ("GET", "/plan", None),
    ("GET", "/adherence", None),
    ("GET", "/changes", None),
    ("GET", "/sessions", None),
    ("POST", "/sessions", _session),
    ("PUT", f"/sessions/{A_WEEK_AGO}/morning-pain", lambda: {"pain_next_morning": 3}),
    ("GET", "/export", None),
    ("DELETE", "", None),  # last: the coach's own call ends the client
]


def test_every_person_route_keeps_other_peoples_data_out_of_reach(people: People) -> None:
    key = people.client.key
    assert key is not None
    _ok(people.coach.post(f"/api/v1/people/{key}/sessions", json=_session(A_WEEK_AGO)), 201)
    outsiders = {"another coach": people.other_coach, "another client": people.other_client,
                 "a self-coached person": people.solo, "no token": people.nobody}
    for method, part, body in ROUTES:
        url = f"/api/v1/people/{key}{part}"
        route = f"{method} {url}"
        with people.web.ctx.uow() as uow:
            before = uow.people.get(key).to_dict()
        for who, api in outsiders.items():
            r = api.request(method, url, json=body() if body else None)
            expected = {401} if who == "no token" else {403, 404}
            assert r.status_code in expected, (route, who, r.status_code, r.text)
            assert "Cleo" not in r.text, (route, who)
            if r.status_code == 404:
                assert r.json() == {"error": "NotFoundError",
                                    "message": f"No person {key!r} was found."}, (route, who)
            # exactly as for nobody at all
            missing = api.request(method, url.replace(key, "no-such-person-0"),
                                  json=body() if body else None)
            assert missing.status_code == r.status_code, (route, who)
        with people.web.ctx.uow() as uow:
            assert uow.people.get(key).to_dict() == before, route
        # while their coach does reach them
        r = people.coach.request(method, url, json=body() if body else None)
        assert r.status_code < 300, (route, r.text)


def test_a_malformed_person_id_is_named_on_every_route(people: People) -> None:
    for method, part, body in ROUTES:
        r = people.coach.request(method, f"/api/v1/people/Not%20An%20Id{part}",
                                 json=body() if body else None)
        p = _problem(r, "key")
        assert p["value"] == "Not An Id", (method, part)
        assert "lower-case letters" in p["accepted"]


def test_people_lists_never_show_someone_elses_people(people: People) -> None:
    seen = {name: {p["key"] for p in _ok(api.get("/api/v1/people"))["data"]}
            for name, api in (("coach", people.coach), ("other", people.other_coach),
                              ("client", people.client), ("otherclient", people.other_client),
                              ("solo", people.solo))}
    assert seen["coach"] == {people.client.key, people.quiet_key}
    assert seen["other"] == {people.other_client.key}
    assert seen["client"] == {people.client.key}
    assert seen["otherclient"] == {people.other_client.key}
    assert seen["solo"] == {people.solo.key}


# --- the documented shapes, over people in every state ----------------------------------------


def test_answers_match_the_documented_models_for_the_demo_people(people: People) -> None:
    ctx = people.web.ctx
    with ctx.uow() as uow:
        keys = demo_service.create(uow, protocol=ctx.protocol, library=ctx.library, today=TODAY)
        coach = uow.accounts.by_email("coach@example.org")
        assert coach is not None
        for key in keys:
            uow.accounts.set_coach(key, coach.id)
        evaluation.reevaluate_all(uow, protocol=ctx.protocol, library=ctx.library)
        uow.commit()
    statuses = set()
    _valid(PeoplePublic, _ok(people.coach.get("/api/v1/people")))
    for key in keys:
        base = f"/api/v1/people/{key}"
        _valid(PersonDetailPublic, _ok(people.coach.get(base)))
        decision = _valid(DecisionPublic, _ok(people.coach.get(f"{base}/decision")))
        statuses.add(decision["status"])
        for week in (None, (MONDAY - dt.timedelta(days=14)).isoformat()):
            params = {"week": week} if week else {}
            _valid(PlanPublic, _ok(people.coach.get(f"{base}/plan", params=params)))
            _valid(AdherencePublic, _ok(people.coach.get(f"{base}/adherence", params=params)))
        _valid(SessionsPublic, _ok(people.coach.get(f"{base}/sessions")))
        _valid(MeasurementsPublic, _ok(people.coach.get(f"{base}/measurements")))
        doc = _ok(people.coach.get(f"{base}/export"))
        History.model_validate(doc)
        _valid(EvaluationPublic, _ok(people.coach.post("/api/v1/evaluate", json=doc)))
    assert statuses >= {"refer", "working", "clear"}


# --- the documentation ------------------------------------------------------------------------


def test_openapi_names_operations_tags_and_the_bearer_scheme(people: People) -> None:
    spec = _ok(people.nobody.get("/api/v1/openapi.json"))
    ops = {op["operationId"]: (method, path, op) for path, item in spec["paths"].items()
           for method, op in item.items()}
    assert {"list_people", "create_person", "get_person", "delete_person",
            "list_measurements", "create_measurement", "create_screening", "create_check_in",
            "create_foot_observation", "update_intake", "update_availability",
            "create_planned_run", "delete_planned_run", "get_decision", "get_plan", "get_adherence",
            "get_changes",
            "list_sessions", "log_session", "update_morning_pain", "export_person",
            "list_plan_changes", "make_plan_change", "end_plan_change",
            "list_messages", "post_message",
            "list_media", "add_media", "replace_media", "delete_media", "media_file",
            "list_questionnaires", "answer_questionnaire",
            "list_screenings", "list_check_ins", "list_foot_observations",
            *(f"{verb}_{kind}" for verb in ("edit", "delete")
              for kind in ("measurement", "screening", "check_in", "foot_observation",
                           "questionnaire", "session")),
            "evaluate"} == set(ops)
    assert all(path.startswith("/api/v1/") for _, path, _ in ops.values())
    assert {op["tags"][0] for _, _, op in ops.values()} == {
        "people", "assessments", "decisions", "sessions", "export", "evaluate",
        "plan changes", "messages", "questionnaires", "corrections", "media"}
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for _, path, op in ops.values():
        assert op["security"] == [{"HTTPBearer": []}], path
        assert "401" in op["responses"], path
        ok = next(code for code in op["responses"] if code.startswith("2"))
        if op["operationId"] == "media_file":  # a photo's or video's bytes, not JSON
            assert {"image/jpeg", "video/mp4"} <= set(op["responses"][ok]["content"]), path
        elif ok != "204":
            assert "$ref" in op["responses"][ok]["content"]["application/json"]["schema"], path
        if "422" in op["responses"]:
            assert op["responses"]["422"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorPublic"}, path
    decision = spec["paths"]["/api/v1/people/{key}/decision"]["get"]
    assert decision["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DecisionPublic"}


def test_docs_page_loads_only_files_served_here(people: People) -> None:
    r = people.nobody.get("/api/docs")
    assert r.status_code == 200
    assert "http" not in r.text  # no CDN, no external link: everything from /static
    assert 'data-openapi-url="/api/v1/openapi.json"' in r.text
    assert "<script>" not in r.text  # started by a file: the CSP allows no inline script
    init = people.nobody.get("/static/swagger-init.js").text
    assert "validatorUrl: null" in init  # the badge would send the document to swagger.io
    for asset in ("/static/swagger/swagger-ui-bundle.js", "/static/swagger/swagger-ui.css",
                  "/static/favicon.svg", "/static/swagger-init.js"):
        assert asset in r.text
        assert people.nobody.get(asset).status_code == 200, asset


def test_a_body_over_the_limit_is_refused_in_the_apis_json_before_it_is_read(
        people: People) -> None:
    from anklet.web.api.common import MAX_BODY

    for path in ("/api/v1/evaluate", f"/api/v1/people/{people.client.key}/sessions"):
        r = people.coach.post(path, content=b" " * (MAX_BODY + 1),
                              headers={"Content-Type": "application/json"})
        assert r.status_code == 413, r.text
        body = r.json()
        ErrorPublic.model_validate(body)
        assert (body["field"], body["value"]) == ("body", f"{MAX_BODY + 1} bytes")
        assert "5 MB" in body["accepted"]
    # at the limit the body is read (and found not to be a history)
    r = people.coach.post("/api/v1/evaluate", content=b" " * MAX_BODY,
                          headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text


# --- intake profile, check-ins, single-leg hop ---------------------------------------------------


def test_intake_profile_is_stored_and_shown_with_the_person(people: People) -> None:
    key = people.quiet_key
    profile = {"age": 34, "sex": "female", "falls_12m": 1, "fear_of_falling": 6,
               "goal_type": "court_field_sport"}
    intake = _ok(people.coach.put(f"/api/v1/people/{key}/intake", json={
        "date": A_WEEK_AGO.isoformat(), **profile}))
    assert {k: intake[k] for k in profile} == profile
    detail = _valid(PersonDetailPublic, _ok(people.coach.get(f"/api/v1/people/{key}")))
    assert {k: detail["intake"][k] for k in profile} == profile


@pytest.mark.parametrize(("field", "value"), [
    ("age", 4), ("age", 111), ("sex", "x"), ("falls_12m", 101), ("fear_of_falling", 11),
    ("goal_type", "swimmer")])
def test_intake_profile_out_of_range_is_refused_and_nothing_changes(people: People, field: str,
                                                                    value: Any) -> None:
    key = people.quiet_key
    before = _ok(people.coach.get(f"/api/v1/people/{key}/export"))["intake"]
    _problem(people.coach.put(f"/api/v1/people/{key}/intake", json={
        "date": A_WEEK_AGO.isoformat(), field: value}), field)
    assert _ok(people.coach.get(f"/api/v1/people/{key}/export"))["intake"] == before


def test_check_in_is_stored_as_symptoms_without_red_flags(people: People) -> None:
    key = people.quiet_key
    _assess(people.coach, key)
    data = _ok(people.coach.post(f"/api/v1/people/{key}/check-ins", json={
        "date": TODAY.isoformat(), "left": {"pain_rest": 2, "giving_way": True},
        "right": {"swelling": True}}), 201)
    assert data["kind"] == "check_in"
    assert data["red_flags"] == {}
    assert data["left"] == {"pain_rest": 2, "pain_activity": 0, "swelling": False,
                            "giving_way": True}
    stored = _ok(people.coach.get(f"/api/v1/people/{key}/export"))["screenings"]
    assert [s["kind"] for s in stored][-1] == "check_in"


@pytest.mark.parametrize("who", ["client", "solo"])
def test_check_in_a_client_or_solo_person_for_themself(people: People, who: str) -> None:
    api: Api = getattr(people, who)
    assert api.key is not None
    _ok(api.post(f"/api/v1/people/{api.key}/check-ins", json={
        "date": TODAY.isoformat(), "right": {"pain_activity": 3}}), 201)
    with people.web.ctx.uow() as uow:
        h = uow.people.get(api.key)
        stored = uow.people.get_decision(api.key)
    assert [(s.kind, s.right.pain_activity) for s in h.screenings] == [("check_in", 3)]
    assert stored is not None  # decided again with the write
    assert stored.as_of == TODAY


@pytest.mark.parametrize(("who", "target"), [
    ("other_coach", "quiet"), ("other_client", "client"), ("client", "quiet"),
    ("solo", "client"), ("nobody", "client")])
def test_check_in_for_someone_else_is_refused_and_stores_nothing(people: People, who: str,
                                                                 target: str) -> None:
    key = people.quiet_key if target == "quiet" else people.client.key
    assert key is not None
    r = getattr(people, who).post(f"/api/v1/people/{key}/check-ins",
                                  json={"date": TODAY.isoformat()})
    assert r.status_code in (401, 404), r.text
    with people.web.ctx.uow() as uow:
        assert uow.people.get(key).screenings == []


@pytest.mark.parametrize(("body", "field"), [
    ({"left": {"pain_rest": 11}}, "left.pain_rest"),
    ({"red_flags": {"night_rest_pain": False}}, "red_flags"),
    ({"kind": "screen"}, "kind"),
    ({"date": "1899-12-31"}, "date"),
])
def test_check_in_with_a_bad_value_is_refused(people: People, body: dict[str, Any],
                                              field: str) -> None:
    key = people.quiet_key
    _problem(people.coach.post(f"/api/v1/people/{key}/check-ins",
                               json={"date": TODAY.isoformat(), **body}), field)
    assert _ok(people.coach.get(f"/api/v1/people/{key}/export"))["screenings"] == []


def test_a_check_in_posted_as_a_screening_may_not_carry_red_flags(people: People) -> None:
    url = f"/api/v1/people/{people.quiet_key}/screenings"
    _problem(people.coach.post(url, json={**_screening(), "kind": "check_in"}), "red_flags")


@pytest.mark.parametrize(("value", "ok"), [(-1, False), (0, True), (10, True), (10.5, False)])
def test_single_leg_hop_is_accepted_from_0_to_10(people: People, value: float, ok: bool) -> None:
    url = f"/api/v1/people/{people.quiet_key}/measurements"
    r = people.coach.post(url, json=_measure("left", value, "single_leg_hop", pain=3))
    if ok:
        assert _ok(r, 201)["kind"] == "single_leg_hop"
        return
    _problem(r, "value")
