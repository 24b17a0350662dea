"""Anklet on a phone offline (#18 item 4), the server's side, on SQLite and PostgreSQL:
the log form's route with an idempotency key (a page's form and the phone's queue asking
for JSON), the service worker and the manifest with their headers, ``/offline/state``, the
account tag on every page, and sign-out clearing the browser's copies."""

from __future__ import annotations

import datetime as dt
import json
import re
import struct

from fastapi import FastAPI
from webtools import Web, WebClient

from anklet.services import accounts as account_service
from anklet.web.templating import STATIC_DIR

TODAY = dt.date.today().isoformat()
KEY = "6d0c54be-6c0e-4e57-a2a4-0b3b4d2f9c1e"
JSON = {"Accept": "application/json"}


def _form(pain: str = "2", date: str = TODAY) -> dict[str, str]:
    return {"date": date, "ex0_id": "seated-forefoot-roll", "ex0_done": "on", "ex0_sets": "2",
            "ex0_side": "both", "pain_during": pain}


def _sessions(web: Web, key: str) -> list[object]:
    with web.ctx.uow(write=False) as uow:
        return list(uow.people.get(key).sessions)


def _queue_post(b: WebClient, key: str, form: dict[str, str], idem: str = KEY) -> object:
    """As static/outbox.js sends: the key in a header, JSON asked for, CSRF in a header."""
    token = b.csrf()
    return b.post(f"/people/{key}/log", data={**form, "csrf_token": token},
                  headers={**JSON, "Idempotency-Key": idem, "X-CSRF-Token": token})


def test_a_form_sent_twice_with_one_key_is_logged_once(web: Web,
                                                       client_of_coach: WebClient) -> None:
    b, key = client_of_coach, client_of_coach.person_key
    assert key
    first = b.form(f"/people/{key}/log", {**_form(), "idempotency_key": KEY})
    again = b.form(f"/people/{key}/log", {**_form(), "idempotency_key": KEY})
    assert first.status_code == again.status_code == 303
    assert len(_sessions(web, key)) == 1
    assert "This session was already logged; it is logged once." in b.get("/me").text


def test_the_queue_gets_json_and_a_repeat_answers_the_same_session(
        web: Web, client_of_coach: WebClient) -> None:
    b, key = client_of_coach, client_of_coach.person_key
    assert key
    first = _queue_post(b, key, _form())
    assert first.status_code == 201, first.text
    data = first.json()
    assert data["status"] == "logged"
    assert data["date"] == TODAY
    assert data["next"] == "/me"
    again = _queue_post(b, key, _form())
    assert again.status_code == 200
    assert again.json()["status"] == "repeat"
    assert again.json()["id"] == data["id"]
    assert "already reached Anklet" in again.json()["message"]
    assert len(_sessions(web, key)) == 1
    assert "Logged." not in b.get("/me").text  # the queue's sends leave no message behind


def test_the_same_key_with_another_session_is_refused(web: Web,
                                                      client_of_coach: WebClient) -> None:
    b, key = client_of_coach, client_of_coach.person_key
    assert key
    assert _queue_post(b, key, _form(pain="2")).status_code == 201
    r = _queue_post(b, key, _form(pain="7"))
    assert r.status_code == 409
    assert r.json()["status"] == "refused"
    assert "A different session was already sent with the key" in r.json()["message"]
    page = b.form(f"/people/{key}/log", {**_form(pain="7"), "idempotency_key": KEY})
    assert page.status_code == 409  # a page's form: the error page says it
    assert "A different session was already sent" in page.text
    assert [s.pain_during for s in _sessions(web, key)] == [2]  # type: ignore[attr-defined]


def test_without_a_key_the_form_works_as_before(web: Web,
                                                client_of_coach: WebClient) -> None:
    b, key = client_of_coach, client_of_coach.person_key
    assert key
    assert b.form(f"/people/{key}/log", _form()).status_code == 303
    assert b.form(f"/people/{key}/log", _form()).status_code == 303
    assert len(_sessions(web, key)) == 2


def test_a_refusal_gives_the_reason_and_leaves_the_key_unused(
        web: Web, client_of_coach: WebClient) -> None:
    b, key = client_of_coach, client_of_coach.person_key
    assert key
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    r = _queue_post(b, key, _form(date=tomorrow))
    assert r.status_code == 422
    assert r.json()["errors"]["date"] == ("That day has not come yet; log a session on or "
                                          "after the day.")
    assert "That day has not come yet" in r.json()["message"]
    unknown = {**_form(), "ex0_id": "no-such-exercise"}
    r = _queue_post(b, key, unknown)
    assert r.status_code == 422
    assert "“no-such-exercise” is not an exercise Anklet knows" in r.json()["message"]
    assert _sessions(web, key) == []
    assert _queue_post(b, key, _form()).status_code == 201  # the key was never used


def test_a_key_that_is_not_one_is_refused_naming_the_field(
        web: Web, client_of_coach: WebClient) -> None:
    b, key = client_of_coach, client_of_coach.person_key
    assert key
    r = _queue_post(b, key, _form(), idem="no spaces!")
    assert r.status_code == 422
    assert r.json()["errors"]["idempotency_key"] == (
        "Idempotency-Key “no spaces!” is not a key: use 8 to 64 letters, digits, '-' or '_' "
        "(a UUID, say).")
    page = b.form(f"/people/{key}/log", {**_form(), "idempotency_key": "x" * 65})
    assert page.status_code == 422
    assert "is not a key" in page.text
    assert _sessions(web, key) == []


def test_the_queue_is_told_404_for_someone_elses_person(
        web: Web, client_of_coach: WebClient, other_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key
    r = _queue_post(other_coach, key, _form())
    assert r.status_code == 404
    assert r.json()["status"] == "refused"
    assert _sessions(web, key) == []


def test_a_signed_out_queue_is_sent_to_sign_in(web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key
    b = web.browser()
    token = b.csrf()
    r = b.post(f"/people/{key}/log", data={**_form(), "csrf_token": token},
               headers={**JSON, "Idempotency-Key": KEY, "X-CSRF-Token": token})
    assert r.status_code == 303  # the queue (redirect: manual) reads this as "sign in to send"
    assert r.headers["location"].startswith("/sign-in")
    state = b.get("/offline/state")
    assert state.status_code == 200  # an answer the queue reads, not an error
    assert state.json() == {"signed_in": False,
                            "message": "Sign in to send what is saved on this phone."}
    assert _sessions(web, key) == []


def test_offline_state_names_the_account_as_every_page_does(
        client_of_coach: WebClient, self_coached: WebClient) -> None:
    tags = []
    for b in (client_of_coach, self_coached):
        state = b.get("/offline/state")
        assert state.status_code == 200
        assert state.headers["cache-control"] == "no-store"
        data = state.json()
        page = b.get("/me")
        m = re.search(r'<body [^>]*data-account="([0-9a-f]{20})" data-person="([^"]*)"', page.text)
        assert m, "every page carries the account's tag and the person's key"
        assert data["account"] == m.group(1)
        assert m.group(2) == b.person_key
        assert data["csrf"] == re.findall(r'name="csrf_token" value="([^"]+)"', page.text)[0]
        assert b.account_email
        assert b.account_email not in json.dumps(data)
        tags.append(data["account"])
    assert tags[0] != tags[1]


def test_the_service_worker_is_served_from_the_root_with_its_version(
        web: Web, app: FastAPI) -> None:
    r = web.browser().get("/sw.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["cache-control"] == "no-cache"  # checked on every visit: deploys land
    assert r.headers["service-worker-allowed"] == "/"
    assert "worker-src 'self'" in r.headers["content-security-policy"]
    assert "__VERSION__" not in r.text
    assert "__PRECACHE__" not in r.text
    version = re.search(r'var VERSION = "([^"]+)";', r.text)
    assert version
    assert re.fullmatch(r"[0-9A-Za-z.+-]+-[0-9a-f]{12}", version.group(1))
    precache = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", r.text).group(1))  # type: ignore[union-attr]
    assert "/static/offline.js" in precache
    assert "/static/manifest.webmanifest" in precache
    assert "/static/sw.js" not in precache
    for path in precache:  # every file it keeps is there to keep
        assert web.browser().get(path).status_code == 200, path


def test_the_manifest_makes_anklet_installable(web: Web, client_of_coach: WebClient) -> None:
    page = client_of_coach.get("/me").text
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#1f6f5c">' in page
    r = web.browser().get("/static/manifest.webmanifest")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/manifest+json")
    m = r.json()
    assert m["short_name"] == "Anklet"
    assert m["start_url"] == "/me"
    assert m["display"] == "standalone"
    assert m["theme_color"] == "#1f6f5c"
    sizes = {(i["sizes"], i["purpose"]) for i in m["icons"] if i["type"] == "image/png"}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in m["icons"]:
        got = web.browser().get(icon["src"])
        assert got.status_code == 200, icon["src"]
        if icon["type"] == "image/png":  # a real PNG of the size it says
            assert got.content[:8] == b"\x89PNG\r\n\x1a\n"
            w, h = struct.unpack(">II", got.content[16:24])
            assert f"{w}x{h}" == icon["sizes"]
    assert (STATIC_DIR / "icon-maskable-512.png").exists()


def test_sign_out_clears_the_browsers_copies_but_not_its_storage(
        web: Web, client_of_coach: WebClient, self_coached: WebClient) -> None:
    r = client_of_coach.form("/sign-out")
    assert r.status_code == 303
    assert r.headers["clear-site-data"] == '"cache"'  # never "storage": the queue stays
    r = self_coached.form("/account/sign-out-everywhere")
    assert r.status_code == 303
    assert r.headers["clear-site-data"] == '"cache"'


def test_the_api_logs_a_session_once_per_idempotency_key(web: Web,
                                                         self_coached: WebClient) -> None:
    key = self_coached.person_key
    assert key
    with web.ctx.uow() as uow:
        me = uow.accounts.by_email("solo@example.org")
        assert me is not None
        token = account_service.create_token(uow, account=me, name="phone")
        uow.commit()
    api = web.browser()
    url = f"/api/v1/people/{key}/sessions"
    body = {"date": TODAY, "pain_during": 2,
            "exercises": [{"exercise_id": "seated-forefoot-roll", "sets": 2}]}
    auth = {"Authorization": f"Bearer {token}", "Idempotency-Key": KEY}
    first = api.post(url, json=body, headers=auth)
    assert first.status_code == 201, first.text
    again = api.post(url, json=body, headers=auth)
    assert again.status_code == 200
    assert again.json() == first.json()  # the same session, the same id
    other = api.post(url, json={**body, "pain_during": 6}, headers=auth)
    assert other.status_code == 409
    assert "A different session was already sent with the key" in other.json()["message"]
    bad = api.post(url, json=body, headers={**auth, "Idempotency-Key": "no good"})
    assert bad.status_code == 422
    plain = api.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    assert plain.status_code == 201  # no key: a session each time, as before
    assert len(_sessions(web, key)) == 2
