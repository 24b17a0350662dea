"""Bad input never becomes a server error: NaN, Infinity, numbers too large for a float,
lone surrogates, NUL and control characters in JSON bodies, queries and forms are refused
with 422 naming the field (on SQLite and PostgreSQL); dates are YYYY-MM-DD text only,
booleans are not minutes; a 405 lists every method of the path; names are one line."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webtools import Web, WebClient

from anklet.domain.errors import InputError
from anklet.domain.history import Intake, Person
from anklet.services import accounts as account_service
from anklet.services import people as people_service
from anklet.web.schemas.common import ErrorPublic

TODAY = dt.date.today()
DAY = (TODAY - dt.timedelta(days=2)).isoformat()


@pytest.fixture
def api(web: Web) -> tuple[TestClient, str]:
    """A coach's API client and the key of their client."""
    with web.ctx.uow() as uow:
        coach = account_service.create_account(uow, email="bad@example.org", name="Bea Bad",
                                               password="correct horse battery", role="coach")
        key = account_service.add_client(uow, coach=coach, name="Cal Client",
                                         intake=Intake(date=TODAY - dt.timedelta(days=21))
                                         ).person.id
        token = account_service.create_token(uow, account=coach, name="tests")
        uow.commit()
    return TestClient(web.app, headers={"Authorization": f"Bearer {token}"}), key


def _send(client: TestClient, method: str, url: str, text: str) -> Any:
    """JSON text sent as it is (json.dumps would refuse NaN or write \\ud800 escaped)."""
    return client.request(method, url, content=text.encode("utf-8", "surrogatepass"),
                          headers={"Content-Type": "application/json"})


def _refused(r: Any, field: str) -> dict[str, Any]:
    assert r.status_code == 422, r.text
    body = r.json()
    ErrorPublic.model_validate(body)
    found = [p for p in body.get("problems") or [body] if p["field"] == field]
    assert found, f"no problem for {field!r} in {body}"
    assert found[0]["accepted"]
    return found[0]


NUMBERS = ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"]


def _number_bodies(key: str, bad: str) -> list[tuple[str, str, str, str]]:
    """(method, url, JSON text, the field named) with ``bad`` where a number goes."""
    return [
        ("POST", f"/api/v1/people/{key}/measurements",
         f'{{"date": "{DAY}", "side": "left", "kind": "knee_to_wall", "value": {bad}}}', "value"),
        ("POST", f"/api/v1/people/{key}/sessions",
         f'{{"date": "{DAY}", "exercises": [{{"exercise_id": "seated-forefoot-roll", '
         f'"load_kg": {bad}}}], "pain_during": 0}}', "exercises[0].load_kg"),
        ("PUT", f"/api/v1/people/{key}/availability", f'{{"mon": {bad}}}', "mon"),
        ("PUT", f"/api/v1/people/{key}/intake", f'{{"date": "{DAY}", "age": {bad}}}', "age"),
        ("POST", "/api/v1/evaluate",
         f'{{"format": "anklet-history", "version": 1, "person": {{"id": "x", "name": "X"}}, '
         f'"measurements": [{{"date": "{DAY}", "side": "left", "kind": "balance", '
         f'"value": {bad}}}]}}', "measurements[0].value"),
    ]


@pytest.mark.parametrize("bad", NUMBERS)
def test_api_refuses_a_number_json_floats_cannot_hold(api: tuple[TestClient, str], bad: str
                                                      ) -> None:
    client, key = api
    for method, url, text, field in _number_bodies(key, bad):
        problem = _refused(_send(client, method, url, text), field)
        assert problem["value"] == bad  # named as sent, never as a float JSON cannot carry


def _text_bodies(key: str, bad: str) -> list[tuple[str, str, str, str]]:
    """(method, url, JSON text, the field named) with ``bad`` inside a string."""
    return [
        ("POST", "/api/v1/people", f'{{"name": "Ann{bad}"}}', "name"),
        ("POST", f"/api/v1/people/{key}/measurements",
         f'{{"date": "{DAY}", "side": "left", "kind": "knee_to_wall", "value": 5, '
         f'"notes": "x{bad}"}}', "notes"),
        ("POST", f"/api/v1/people/{key}/sessions",
         f'{{"date": "{DAY}", "exercises": [{{"exercise_id": "seated-forefoot-roll"}}], '
         f'"pain_during": 0, "notes": "ok{bad}"}}', "notes"),
        ("POST", f"/api/v1/people/{key}/planned-runs",
         f'{{"date": "{DAY}", "kind": "long", "title": "{bad}"}}', "title"),
        ("PUT", f"/api/v1/people/{key}/intake",
         f'{{"date": "{DAY}", "goals": ["run{bad}"]}}', "goals[0]"),
        ("POST", "/api/v1/evaluate",
         f'{{"format": "anklet-history", "version": 1, "person": {{"id": "x", '
         f'"name": "X{bad}"}}}}', "person.name"),
    ]


@pytest.mark.parametrize("bad", [r"\ud800", r"\udfff", r"\u0000", r"\u001b[31m", "\\u0007"])
def test_api_refuses_text_that_is_not_text(api: tuple[TestClient, str], bad: str) -> None:
    client, key = api
    for method, url, text, field in _text_bodies(key, bad):
        r = _send(client, method, url, text)
        problem = _refused(r, field)
        assert "\\u" in str(problem["value"]) or problem["value"] is None
    with client.app.state.ctx.uow() as uow:  # type: ignore[attr-defined]
        assert all(not s.notes for s in uow.people.get(key).sessions)  # nothing stored


def test_api_refuses_a_raw_lone_surrogate_and_nul_in_the_body(api: tuple[TestClient, str]
                                                               ) -> None:
    """Sent as bytes no UTF-8 encoder makes: the surrogate itself, and a raw NUL."""
    client, _key = api
    for raw in (b'{"name": "A\xed\xa0\x80"}', b'{"name": "A\x00"}'):
        r = client.post("/api/v1/people", content=raw,
                        headers={"Content-Type": "application/json"})
        assert r.status_code == 422, r.text
        ErrorPublic.model_validate(r.json())


def test_api_refuses_a_name_with_a_line_break(api: tuple[TestClient, str]) -> None:
    client, _ = api
    _refused(client.post("/api/v1/people", json={"name": "Ann\nBee"}), "name")
    _refused(client.post("/api/v1/people", json={"name": "Ann\tBee"}), "name")


def test_api_keeps_line_breaks_and_tabs_in_notes(api: tuple[TestClient, str]) -> None:
    client, key = api
    r = client.post(f"/api/v1/people/{key}/sessions", json={
        "date": DAY, "exercises": [{"exercise_id": "seated-forefoot-roll"}],
        "pain_during": 0, "notes": "felt fine\n\tthen sore"})
    assert r.status_code == 201, r.text
    assert r.json()["notes"] == "felt fine\n\tthen sore"


@pytest.mark.parametrize("value", ["0", "0.0", "1700000000", "20240101", "2024-1-1", "x"])
def test_api_refuses_a_date_that_is_not_yyyy_mm_dd(api: tuple[TestClient, str], value: str
                                                    ) -> None:
    client, key = api
    for url, field in ((f"/api/v1/people/{key}/decision?as_of={value}", "as_of"),
                       (f"/api/v1/people/{key}/changes?as_of={value}", "as_of"),
                       (f"/api/v1/people/{key}/plan?week={value}", "week"),
                       (f"/api/v1/people/{key}/adherence?week={value}", "week")):
        _refused(client.get(url), field)
    _refused(client.put(f"/api/v1/people/{key}/sessions/{value}/morning-pain",
                        json={"pain_next_morning": 1}), "date")


def test_api_takes_a_yyyy_mm_dd_date_in_a_query(api: tuple[TestClient, str]) -> None:
    client, key = api
    r = client.get(f"/api/v1/people/{key}/decision?as_of={DAY}")
    assert r.status_code == 200, r.text
    assert r.json()["as_of"] == DAY


def test_api_refuses_a_nul_in_a_query(api: tuple[TestClient, str]) -> None:
    client, key = api
    r = client.delete(f"/api/v1/people/{key}/planned-runs?date={DAY}&kind=long&title=a%00b")
    _refused(r, "title")


@pytest.mark.parametrize("body", [{"mon": True}, {"sun": False}, {"tue": "30"}, {"wed": 30.5}])
def test_api_refuses_minutes_that_are_not_a_whole_number(api: tuple[TestClient, str],
                                                          body: dict[str, Any]) -> None:
    client, key = api
    _refused(client.put(f"/api/v1/people/{key}/availability", json=body), next(iter(body)))


@pytest.mark.parametrize(("body", "field"), [
    ({"pain_next_morning": True}, "pain_next_morning"),
    ({"pain_next_morning": "3"}, "pain_next_morning"),
])
def test_api_refuses_a_value_of_the_wrong_json_type(api: tuple[TestClient, str],
                                                     body: dict[str, Any], field: str) -> None:
    client, key = api
    _refused(client.put(f"/api/v1/people/{key}/sessions/{DAY}/morning-pain", json=body), field)


def test_api_check_in_refuses_a_number_for_giving_way(api: tuple[TestClient, str]) -> None:
    client, key = api
    r = client.post(f"/api/v1/people/{key}/check-ins",
                    json={"date": DAY, "left": {"giving_way": 0}})
    _refused(r, "left.giving_way")


@pytest.mark.parametrize(("path", "methods"), [
    ("/api/v1/people", {"GET", "POST"}),
    ("/api/v1/people/{key}", {"GET", "DELETE"}),
    ("/api/v1/people/{key}/planned-runs", {"POST", "DELETE"}),
    ("/api/v1/people/{key}/sessions", {"GET", "POST"}),
])
def test_options_lists_every_method_of_the_path(api: tuple[TestClient, str], path: str,
                                                methods: set[str]) -> None:
    client, key = api
    r = client.options(path.format(key=key))
    assert r.status_code == 405
    allowed = {m.strip() for m in r.headers["allow"].split(",")}
    assert methods <= allowed
    assert allowed - methods <= {"HEAD"}


def test_openapi_document_says_the_date_range_and_text_rules(web: Web) -> None:
    doc = TestClient(web.app).get("/api/v1/openapi.json").json()
    params = {p["name"]: p["schema"] for p in
              doc["paths"]["/api/v1/people/{key}/decision"]["get"]["parameters"]}
    as_of = params["as_of"]["anyOf"][0]
    assert as_of["format"] == "date"
    assert as_of["pattern"].startswith("^(19")
    create = doc["components"]["schemas"]["PersonCreate"]["properties"]["name"]
    assert "\\x00-\\x1f" in create["pattern"]
    notes = doc["components"]["schemas"]["SessionCreate"]["properties"]["notes"]["anyOf"][0]
    assert "\\x0b" in notes["pattern"]  # line breaks and tabs are kept in notes


# --- pages and services ---------------------------------------------------------------------


def test_sign_in_with_a_nul_in_the_email_is_not_a_server_error(web: Web) -> None:
    b = web.browser()
    r = b.form("/sign-in", {"email": "a\x00b@example.org", "password": "correct horse battery"})
    assert r.status_code < 500, r.text
    assert r.status_code != 303


@pytest.mark.parametrize("name", ["Ann\nBee", "Ann\x00", "Ann\x1b[2J", "Ann\u2028Bee", "A\rB"])
def test_new_names_on_more_than_one_line_are_refused(web: Web, name: str) -> None:
    with web.ctx.uow() as uow:
        coach = account_service.create_account(uow, email="n@example.org", name="Nia Name",
                                               password="correct horse battery", role="coach")
        with pytest.raises(InputError) as e:
            account_service.add_client(uow, coach=coach, name=name)
        assert e.value.field == "name"
        with pytest.raises(InputError) as e:
            account_service.create_account(uow, email="m@example.org", name=name,
                                           password="correct horse battery", role="coach")
        assert e.value.field == "name"
        with pytest.raises(InputError) as e:
            account_service.create_token(uow, account=coach, name=name)
        assert e.value.field == "name"
        with pytest.raises(InputError) as e:
            people_service.create(uow, person=Person(id="nn", name=name))
        assert e.value.field == "name"
        with pytest.raises(InputError) as e:
            account_service.normalise_email(f"x{name}@example.org")
        assert e.value.field == "email"


def test_api_takes_a_whole_number_written_with_a_point(api: tuple[TestClient, str]) -> None:
    """JSON Schema's integer includes 30.0, so the API takes it as 30."""
    client, key = api
    r = client.put(f"/api/v1/people/{key}/availability", json={"wed": 30.0})
    assert r.status_code == 200, r.text
    assert r.json()["wed"] == 30


def test_a_page_form_with_a_nul_is_refused_naming_the_field(web: Web, coach: WebClient
                                                            ) -> None:
    key = web.add_client("coach@example.org", "Nell Null")
    r = coach.form(f"/people/{key}/runs", {"run_date": DAY, "run_kind": "long",
                                           "run_title": "Hill\x00loop"})
    assert r.status_code == 422, r.text[:300]
    assert "run_title" in r.text
    with web.ctx.uow() as uow:
        assert uow.people.get(key).planned_runs == []  # nothing stored


def test_a_page_form_with_plain_text_is_taken(web: Web, coach: WebClient) -> None:
    key = web.add_client("coach@example.org", "Lin Breaks")
    r = coach.form(f"/people/{key}/runs", {"run_date": DAY, "run_kind": "long",
                                           "run_title": "Hill loop"})
    assert r.status_code == 303, r.text[:300]


def test_api_refuses_a_query_parameter_the_address_does_not_take(
        api: tuple[TestClient, str]) -> None:
    client, key = api
    r = client.get(f"/api/v1/people/{key}/decision", params={"asof": "2026-01-01"})
    assert r.status_code == 422, r.text
    assert "asof" in r.text  # the misspelling
    assert "as_of" in r.text  # and what the address takes
    r = client.post("/api/v1/evaluate?=true", json={"person": {"id": "x", "name": "X"}})
    assert r.status_code == 422, r.text
