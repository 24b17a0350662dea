"""The questionnaire API: ``GET`` and ``POST /api/v1/people/{key}/questionnaires``.

Answers are checked against the instruments' own items and answers (422 naming the item, the
value and every answer it takes), scored by the scorer the CLI uses, stored, and the person
re-decided; the answer and the list carry each score with its change, whether the change is
more than measurement error, and what the clearance checklist needs of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from webtools import Web

from anklet.domain.questionnaires import answers_scoring, load_instruments
from anklet.services import accounts as account_service

TODAY = dt.date.today()
CAIT_28 = {"1": "never", "2": "never", "3": "never", "4": "never", "5": "never",
           "6": "side_hops", "7": "run_uneven", "8": "immediately", "9": "at_once"}


def _api(web: Web, role: str = "coach") -> tuple[TestClient, str, TestClient]:
    """A coach's API client, their client's key, and the client's own API client."""
    with web.ctx.uow() as uow:
        coach = account_service.create_account(uow, email="qc@example.org", name="Quinn Coach",
                                               password="correct horse battery", role="coach")
        key = account_service.add_client(uow, coach=coach, name="Cleo Client").person.id
        client = account_service.create_account(uow, email="qk@example.org", name="Cleo Client",
                                                password="correct horse battery",
                                                role="client", person_key=key)
        tokens = (account_service.create_token(uow, account=coach, name="t"),
                  account_service.create_token(uow, account=client, name="t"))
        uow.commit()
    return (TestClient(web.app, headers={"Authorization": f"Bearer {tokens[0]}"}), key,
            TestClient(web.app, headers={"Authorization": f"Bearer {tokens[1]}"}))


def _post(c: TestClient, key: str, body: dict[str, Any]) -> Any:
    return c.post(f"/api/v1/people/{key}/questionnaires", json=body)


def test_post_cait_answers_with_score_change_and_clearance(web: Web) -> None:
    coach, key, _ = _api(web)
    earlier = (TODAY - dt.timedelta(days=10)).isoformat()
    first = answers_scoring(load_instruments().get("cait"), "cait", 22)
    r = _post(coach, key, {"instrument": "cait", "side": "left", "date": earlier,
                           "answers": first})
    assert r.status_code == 201, r.text
    [score] = r.json()["scores"]
    assert (score["value"], score["judgement"], score["clearance"]["met"]) == (22, "first", False)
    r = _post(coach, key, {"instrument": "cait", "side": "left", "answers": CAIT_28})
    assert r.status_code == 201
    data = r.json()
    assert (data["date"], data["side"], data["answers"]) == (TODAY.isoformat(), "left", CAIT_28)
    [score] = data["scores"]
    assert (score["value"], score["change"], score["judgement"], score["direction"]) == (
        28, 6, "important", "better")
    assert score["previous"]["value"] == 22
    assert score["clearance"] == {"criterion": "cait", "op": ">", "threshold": 25,
                                  "source": "Wright2014", "required": True, "met": True}
    assert "28 out of 30" in score["interpretation"]
    assert "a real change for the better" in score["interpretation"]


def test_get_lists_newest_first_with_their_scores(web: Web) -> None:
    coach, key, _ = _api(web)
    assert coach.get(f"/api/v1/people/{key}/questionnaires").json() == {"data": [], "count": 0}
    _post(coach, key, {"instrument": "cait", "side": "right", "answers": CAIT_28,
                       "date": (TODAY - dt.timedelta(days=1)).isoformat()})
    posted = _post(coach, key, {"instrument": "confidence", "answers": {"confidence": "7"}})
    data = coach.get(f"/api/v1/people/{key}/questionnaires").json()
    assert data["count"] == 2
    assert data["data"][0]["id"] == posted.json()["id"]  # the id corrections take
    assert data["data"][0]["id"] != data["data"][1]["id"]
    assert [d["instrument"] for d in data["data"]] == ["confidence", "cait"]
    assert [s["scale"] for s in data["data"][0]["scores"]] == ["confidence"]  # no pain asked
    assert data["data"][1]["scores"][0]["value"] == 28


def test_client_answers_for_themself_and_the_decision_reads_it(web: Web) -> None:
    _, key, client = _api(web)
    r = _post(client, key, {"instrument": "confidence",
                            "answers": {"confidence": "9", "pain_24h": "1"}})
    assert r.status_code == 201
    assert [s["clearance"]["met"] for s in r.json()["scores"]] == [True, True]
    with web.ctx.uow() as uow:
        assert uow.people.get_decision(key) is not None


def test_post_faam_na_is_left_out_and_too_few_answers_is_not_scorable(web: Web) -> None:
    coach, key, _ = _api(web)
    items = load_instruments().get("faam").items
    answers = {i.id: "none" for i in items} | {f"sports_{n}": "na" for n in (1, 2)}
    r = _post(coach, key, {"instrument": "faam", "answers": answers})
    assert r.status_code == 201
    adl, sports = r.json()["scores"]
    assert (adl["value"], adl["scorable"]) == (100, True)
    assert (sports["value"], sports["scorable"], sports["judgement"]) == (
        None, False, "not_scorable")


def test_post_bad_answers_names_item_value_and_accepted_and_stores_nothing(web: Web) -> None:
    coach, key, _ = _api(web)
    answers = dict(CAIT_28) | {"3": "sometimes"}
    del answers["9"]
    r = _post(coach, key, {"instrument": "cait", "side": "left", "answers": answers})
    assert r.status_code == 422
    problems = {p["field"]: p for p in r.json()["problems"]}
    assert problems["answers.3"]["value"] == "sometimes"
    assert problems["answers.3"]["accepted"].startswith("one of: never (3), run_sometimes (2)")
    assert problems["answers.9"]["value"] is None
    assert "an answer to every item" in problems["answers.9"]["accepted"]
    r = _post(coach, key, {"instrument": "lefs", "answers": {}})
    assert r.status_code == 422
    assert (r.json()["field"], r.json()["value"]) == ("instrument", "lefs")
    assert r.json()["accepted"] == "one of: cait, faam, confidence"
    r = _post(coach, key, {"instrument": "cait", "answers": CAIT_28})
    assert (r.status_code, r.json()["field"]) == (422, "side")
    r = _post(coach, key, {"instrument": "faam", "side": "left", "answers": {}})
    assert r.status_code == 422
    assert "side" in {p["field"] for p in r.json()["problems"]}
    r = _post(coach, key, {"instrument": "confidence", "answers": {"confidence": 8}})
    assert (r.status_code, r.json()["field"]) == (422, "answers.confidence")
    assert coach.get(f"/api/v1/people/{key}/questionnaires").json()["count"] == 0


def test_someone_elses_person_is_not_found(web: Web) -> None:
    coach, key, _ = _api(web)
    with web.ctx.uow() as uow:
        other = account_service.create_account(uow, email="oo@example.org", name="Other",
                                               password="correct horse battery", role="coach")
        token = account_service.create_token(uow, account=other, name="t")
        uow.commit()
    intruder = TestClient(web.app, headers={"Authorization": f"Bearer {token}"})
    assert intruder.get(f"/api/v1/people/{key}/questionnaires").status_code == 404
    r = _post(intruder, key, {"instrument": "confidence", "answers": {"confidence": "8"}})
    assert r.status_code == 404
    assert coach.get(f"/api/v1/people/{key}/questionnaires").json()["count"] == 0
