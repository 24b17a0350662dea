"""Corrections in the API: PATCH and DELETE of measurements, screens, check-ins, foot
observations, questionnaires and sessions by id, on SQLite and PostgreSQL; the lists give
the ids; another person's id is 404; a refused edit changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from test_api import (  # the API tests' accounts and helpers
    A_WEEK_AGO,
    TODAY,
    People,
    _ok,
    _problem,
    _screening,
    _session,
    _valid,
    people,
)

from anklet.store import tables as t
from anklet.web.schemas.assessments import MeasurementsPublic
from anklet.web.schemas.corrections import FootObservationsPublic, ScreeningsPublic
from anklet.web.schemas.sessions import SessionsPublic

__all__ = ["people"]  # the fixture, used by name


def _ids(api: Any, key: str, part: str) -> list[int]:
    return [row["id"] for row in _ok(api.get(f"/api/v1/people/{key}/{part}"))["data"]]


def _audit(people: People) -> list[tuple[str, dict[str, Any]]]:
    with people.web.ctx.uow() as uow:
        al = t.audit_log
        rows = uow.connection.execute(select(al.c.action, al.c.detail).order_by(al.c.id)).all()
    return [(a, d) for a, d in rows if a in ("edit", "delete")]


def _measure(value: float, side: str = "left") -> dict[str, Any]:
    return {"date": A_WEEK_AGO.isoformat(), "side": side, "kind": "knee_to_wall",
            "value": value}


def test_patch_measurement_changes_it_audits_and_rechecks_the_plan(people: People) -> None:
    key = people.client.key
    assert key is not None
    _ok(people.coach.post(f"/api/v1/people/{key}/screenings", json=_screening()), 201)
    _ok(people.coach.post(f"/api/v1/people/{key}/measurements", json=_measure(8.0)), 201)
    listed = _valid(MeasurementsPublic, _ok(people.coach.get(f"/api/v1/people/{key}/measurements")))
    [row] = listed["data"]
    r = _ok(people.coach.patch(f"/api/v1/people/{key}/measurements/{row['id']}",
                               json={"value": 8.5}))
    assert r["record"]["value"] == 8.5
    assert r["record"]["id"] == row["id"]
    assert r["changed"] == ["value"]
    assert "changed from 8 cm to 8.5 cm" in r["message"]
    assert "The plan was checked again" in r["message"]
    assert r["stage"] == 1
    [m] = _ok(people.coach.get(f"/api/v1/people/{key}/measurements"))["data"]
    assert m["value"] == 8.5
    [(action, detail)] = _audit(people)
    assert action == "edit"
    assert detail["old"] == {"value": 8.0}
    assert detail["new"] == {"value": 8.5}
    assert detail["record"] == "measurement"


def test_patch_measurement_that_does_not_fit_its_test_answers_409_and_changes_nothing(
        people: People) -> None:
    key = people.client.key
    assert key is not None
    _ok(people.coach.post(f"/api/v1/people/{key}/measurements", json=_measure(8.0)), 201)
    [mid] = _ids(people.coach, key, "measurements")
    r = people.coach.patch(f"/api/v1/people/{key}/measurements/{mid}", json={"value": 30})
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["field"] == "value"
    assert body["value"] == 30
    assert "0 to 25 cm" in body["accepted"]
    p = _problem(people.coach.patch(f"/api/v1/people/{key}/measurements/{mid}",
                                    json={"value": "8"}), "value")
    assert p["value"] == "8"
    p = _problem(people.coach.patch(f"/api/v1/people/{key}/measurements/{mid}",
                                    json={"kind": "lunge_angle"}), "kind")
    assert "unknown field" in p["accepted"]
    [m] = _ok(people.coach.get(f"/api/v1/people/{key}/measurements"))["data"]
    assert m["value"] == 8.0
    assert _audit(people) == []


def test_delete_measurement_removes_it_and_audits_what_it_held(people: People) -> None:
    key = people.client.key
    assert key is not None
    _ok(people.coach.post(f"/api/v1/people/{key}/measurements", json=_measure(8.0)), 201)
    [mid] = _ids(people.coach, key, "measurements")
    r = people.coach.delete(f"/api/v1/people/{key}/measurements/{mid}")
    assert r.status_code == 204
    assert _ids(people.coach, key, "measurements") == []
    [(action, detail)] = _audit(people)
    assert action == "delete"
    assert detail["old"]["value"] == 8.0
    again = people.coach.delete(f"/api/v1/people/{key}/measurements/{mid}")
    assert again.status_code == 404


def test_another_persons_record_id_is_404_like_a_missing_one(people: People) -> None:
    mine, theirs = people.client.key, people.other_client.key
    assert mine is not None
    assert theirs is not None
    _ok(people.other_coach.post(f"/api/v1/people/{theirs}/measurements", json=_measure(7.0)),
        201)
    [their_id] = _ids(people.other_coach, theirs, "measurements")
    # Casey asks for Otto's record id under her own client: not found, never "not yours"
    r = people.coach.patch(f"/api/v1/people/{mine}/measurements/{their_id}",
                           json={"value": 1.0})
    missing = people.coach.patch(f"/api/v1/people/{mine}/measurements/999999",
                                 json={"value": 1.0})
    assert r.status_code == missing.status_code == 404
    assert r.json()["message"] == f"No measurement {their_id} was found."
    assert people.coach.delete(f"/api/v1/people/{mine}/measurements/{their_id}").status_code == 404
    [m] = _ok(people.other_coach.get(f"/api/v1/people/{theirs}/measurements"))["data"]
    assert m["value"] == 7.0


def test_a_client_corrects_their_sessions_and_check_ins_but_not_measurements(
        people: People) -> None:
    key = people.client.key
    assert key is not None
    _ok(people.client.post(f"/api/v1/people/{key}/sessions", json=_session(A_WEEK_AGO)), 201)
    _ok(people.client.post(f"/api/v1/people/{key}/sessions", json=_session(A_WEEK_AGO)), 201)
    _ok(people.coach.post(f"/api/v1/people/{key}/measurements", json=_measure(8.0)), 201)
    _ok(people.client.post(f"/api/v1/people/{key}/check-ins",
                           json={"date": TODAY.isoformat(), "left": {"pain_rest": 3}}), 201)
    sessions = _valid(SessionsPublic, _ok(people.client.get(f"/api/v1/people/{key}/sessions")))
    first, second = (s["id"] for s in sessions["data"])
    # two sessions on one day: the id says which one is corrected
    r = _ok(people.client.patch(f"/api/v1/people/{key}/sessions/{second}",
                                json={"pain_during": 5, "notes": "it was the evening one"}))
    assert r["changed"] == ["pain_during", "notes"]
    rows = _ok(people.client.get(f"/api/v1/people/{key}/sessions"))["data"]
    assert [s["pain_during"] for s in rows] == [2, 5]
    assert people.client.delete(f"/api/v1/people/{key}/sessions/{first}").status_code == 204
    assert _ids(people.client, key, "sessions") == [second]
    # a wrong exercise id is refused like a new session's (the schema names the ids)
    bad = people.client.patch(f"/api/v1/people/{key}/sessions/{second}",
                              json={"exercises": [{"exercise_id": "no-such-move"}]})
    assert bad.status_code in (409, 422)
    checks = _valid(ScreeningsPublic, _ok(people.client.get(f"/api/v1/people/{key}/check-ins")))
    [check] = checks["data"]
    r = _ok(people.client.patch(f"/api/v1/people/{key}/check-ins/{check['id']}",
                                json={"left": {"swelling": True}}))
    assert r["record"]["left"] == {"pain_rest": 3, "pain_activity": 0, "swelling": True,
                                   "giving_way": False}
    [mid] = _ids(people.client, key, "measurements")
    refused = people.client.patch(f"/api/v1/people/{key}/measurements/{mid}",
                                  json={"value": 9.0})
    assert refused.status_code == 403
    assert people.client.delete(f"/api/v1/people/{key}/measurements/{mid}").status_code == 403


def test_a_corrected_screen_lifts_the_referral(people: People) -> None:
    key = people.client.key
    assert key is not None
    _ok(people.coach.post(f"/api/v1/people/{key}/screenings",
                          json=_screening(ottawa_malleolus=True)), 201)
    assert _ok(people.coach.get(f"/api/v1/people/{key}/decision"))["status"] == "refer"
    [sid] = _ids(people.coach, key, "screenings")
    r = _ok(people.coach.patch(f"/api/v1/people/{key}/screenings/{sid}",
                               json={"red_flags": {"ottawa_malleolus": False}}))
    assert r["status"] != "refer"
    assert "has changed" in r["message"]
    assert _ok(people.coach.get(f"/api/v1/people/{key}/decision"))["status"] != "refer"
    p = _problem(people.coach.patch(f"/api/v1/people/{key}/screenings/{sid}",
                                    json={"red_flags": {"no_such_flag": True}}),
                 "red_flags.no_such_flag")
    assert "ottawa_malleolus" in p["accepted"]


def test_foot_observation_edit_and_delete(people: People) -> None:
    key = people.solo.key
    assert key is not None
    _ok(people.solo.post(f"/api/v1/people/{key}/foot-observations",
                         json={"date": A_WEEK_AGO.isoformat(), "side": "left",
                               "posture": "neutral", "arch": "typical"}), 201)
    feet = _valid(FootObservationsPublic,
                  _ok(people.solo.get(f"/api/v1/people/{key}/foot-observations")))
    [fid] = [f["id"] for f in feet["data"]]
    r = _ok(people.solo.patch(f"/api/v1/people/{key}/foot-observations/{fid}",
                              json={"side": "right", "notes": "it was the right foot"}))
    assert r["record"]["side"] == "right"
    assert "from left to right" in r["message"]
    assert people.solo.delete(f"/api/v1/people/{key}/foot-observations/{fid}").status_code == 204
    assert _ok(people.solo.get(f"/api/v1/people/{key}/foot-observations"))["count"] == 0
