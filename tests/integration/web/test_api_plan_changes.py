"""Plan changes in the API: a coach (or a self-coached person) swaps, removes, adds and pins;
the engine refuses what the stage does not allow (409, saying why) and nothing is stored;
a client reads but may not change (403); another coach's client is 404; ending a change
keeps it in the history and the export; SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from test_api import A_WEEK_AGO, People, _ok, _screening, _valid, people

from anklet.domain.history import Override
from anklet.store import tables as t
from anklet.web.schemas.plan_changes import PlanChangeMade, PlanChangePublic, PlanChangesPublic

__all__ = ["people"]  # the fixture, used by name


def _in_stage(people: People, key: str, stage: int, api: Any = None) -> None:
    _ok((api or people.coach).post(f"/api/v1/people/{key}/screenings", json=_screening()), 201)
    _ok((api or people.coach).put(f"/api/v1/people/{key}/availability", json=dict.fromkeys(
        ("mon", "tue", "wed", "thu", "fri", "sat", "sun"), 40)))
    with people.web.ctx.uow() as uow:
        uow.people.add_override(key, Override(date=A_WEEK_AGO, stage=stage, reason="set",
                                              by="coach@example.org"))
        uow.commit()


def _url(key: str) -> str:
    return f"/api/v1/people/{key}/plan-changes"


def _audit(people: People) -> list[str]:
    with people.web.ctx.uow() as uow:
        al = t.audit_log
        rows = uow.connection.execute(select(al.c.action).order_by(al.c.id)).scalars().all()
    return [a for a in rows if a.startswith("plan_change")]


def test_a_coach_swaps_an_exercise_and_the_client_sees_it_in_the_plan(people: People) -> None:
    key = people.client.key
    assert key is not None
    _in_stage(people, key, 2)
    made = _valid(PlanChangeMade, _ok(people.coach.post(_url(key), json={
        "kind": "swap", "exercise": "ankle-circles", "replacement": "ankle-alphabet",
        "note": "Circles bother her knee"}), 201))
    assert made["state"] == "applied"
    assert made["by"] == "coach@example.org"
    assert "in place of" in made["words"]
    listed = _valid(PlanChangesPublic, _ok(people.client.get(_url(key))))
    assert [x["id"] for x in listed["data"]] == [made["id"]]
    assert _audit(people) == ["plan_change"]


def test_a_coach_pins_a_dose_and_a_dose_out_of_range_is_refused(people: People) -> None:
    key = people.client.key
    assert key is not None
    _in_stage(people, key, 2)
    ok = _ok(people.coach.post(_url(key), json={
        "kind": "pin", "exercise": "knee-to-wall-rocks", "sets": 3, "reps": 22,
        "note": "Keep it steady"}), 201)
    assert ok["sets"] == 3
    assert ok["reps"] == 22
    assert any("more than the plan gives now" in w for w in ok["warnings"])
    r = people.coach.post(_url(key), json={
        "kind": "pin", "exercise": "calf-wall-stretch", "sets": 2, "seconds": 600,
        "note": "Longer holds"})
    assert r.status_code == 409, r.text
    assert r.json()["field"] == "seconds"
    assert "accepted for" in r.json()["message"]


def test_hopping_before_the_gate_is_refused_and_nothing_is_stored(people: People) -> None:
    key = people.client.key
    assert key is not None
    _in_stage(people, key, 2)
    r = people.coach.post(_url(key), json={"kind": "add", "exercise": "pogo-hops",
                                           "note": "She wants to jump"})
    assert r.status_code == 409, r.text
    body = r.json()
    assert (body["field"], body["value"]) == ("exercise", "pogo-hops")
    assert "gate into the build stage" in body["message"]
    assert _ok(people.coach.get(_url(key)))["count"] == 0
    assert _audit(people) == []


def test_a_swap_to_another_kind_of_work_is_refused(people: People) -> None:
    key = people.client.key
    assert key is not None
    _in_stage(people, key, 2)
    r = people.coach.post(_url(key), json={"kind": "swap", "exercise": "ankle-circles",
                                           "replacement": "single-leg-stance", "note": "why"})
    assert r.status_code == 409, r.text
    assert r.json()["field"] == "replacement"


def test_a_body_of_the_wrong_shape_is_422_and_fields_of_another_kind_409(
        people: People) -> None:
    key = people.client.key
    assert key is not None
    _in_stage(people, key, 2)
    r = people.coach.post(_url(key), json={"kind": "pin", "exercise": "ankle-circles",
                                           "dose": {"sets": 2}, "note": "nested"})
    assert r.status_code == 422, r.text
    assert "dose" in r.text
    r = people.coach.post(_url(key), json={"kind": "add", "exercise": "ankle-circles"})
    assert r.status_code == 422
    assert "note" in r.text
    r = people.coach.post(_url(key), json={"kind": "pin", "exercise": "ankle-circles",
                                           "sets": 2, "reps": 10, "seconds": 30,
                                           "note": "both"})
    assert r.status_code == 409, r.text
    assert "either reps or seconds" in r.json()["message"]
    assert _ok(people.coach.get(_url(key)))["count"] == 0


def test_ending_a_change_keeps_it_in_the_history_and_the_export(people: People) -> None:
    key = people.client.key
    assert key is not None
    _in_stage(people, key, 2)
    made = _ok(people.coach.post(_url(key), json={"kind": "remove",
                                                  "exercise": "ankle-circles",
                                                  "note": "No room"}), 201)
    ended = _valid(PlanChangePublic, _ok(people.coach.delete(f"{_url(key)}/{made['id']}")))
    assert ended["state"] == "ended"
    assert ended["ended"] is not None
    again = people.coach.delete(f"{_url(key)}/{made['id']}")
    assert again.status_code == 404
    exported = _ok(people.coach.get(f"/api/v1/people/{key}/export"))
    [c] = exported["plan_changes"]
    assert (c["kind"], c["exercise"], c["ended"]) == ("remove", "ankle-circles",
                                                      ended["ended"])
    assert _audit(people) == ["plan_change", "plan_change_ended"]


def test_a_client_reads_but_may_not_change_their_plan(people: People) -> None:
    key = people.client.key
    assert key is not None
    _in_stage(people, key, 2)
    r = people.client.post(_url(key), json={"kind": "remove", "exercise": "ankle-circles",
                                            "note": "I don't like it"})
    assert r.status_code == 403
    made = _ok(people.coach.post(_url(key), json={"kind": "remove", "exercise": "ankle-circles",
                                                  "note": "No room"}), 201)
    assert people.client.delete(f"{_url(key)}/{made['id']}").status_code == 403
    assert _ok(people.client.get(_url(key)))["count"] == 1


def test_another_coachs_client_is_404_for_every_plan_change_route(people: People) -> None:
    key = people.other_client.key
    assert key is not None
    assert people.coach.get(_url(key)).status_code == 404
    assert people.coach.post(_url(key), json={"kind": "remove", "exercise": "ankle-circles",
                                              "note": "x" * 5}).status_code == 404
    assert people.coach.delete(f"{_url(key)}/1").status_code == 404


def test_a_self_coached_person_changes_their_own_plan(people: People) -> None:
    key = people.solo.key
    assert key is not None
    _in_stage(people, key, 2, people.solo)
    made = _ok(people.solo.post(_url(key), json={"kind": "add", "exercise": "star-reach",
                                                 "note": "I like reaching"}), 201)
    assert made["state"] == "applied"
    r = people.solo.post(_url(key), json={"kind": "add", "exercise": "pogo-hops",
                                          "note": "Jumping now"})
    assert r.status_code == 409
