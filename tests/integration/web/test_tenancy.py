"""Every route that names a person, tried by everyone who must not reach that person.

The routes are read from the app itself, so a route added later is tried here without
anyone remembering to: a page or API route with ``{key}`` in its path that has no example
below fails :func:`test_every_person_route_has_an_example`.

The victim is Vera, a client of coach Casey, with a sign-in, a calendar feed, sessions,
measurements and an override. The intruders are another coach, that coach's client, a
self-coached person and a signed-out browser. For each route and intruder we check that:

* the answer is a refusal (pages: 401/403/404, or a redirect to sign-in or away; API:
  401/403/404) — never a page or JSON about Vera;
* neither Vera's name nor her coach's name appears anywhere in the answer;
* nothing about Vera changed: her whole history, her feed, her account and her coach's
  API tokens are exactly as before.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from webtools import PASSWORD, Web, WebClient

from anklet.domain.history import ExerciseLog as Log
from anklet.domain.history import (
    FootObservation,
    Intake,
    MeasureKind,
    Measurement,
    Override,
    PlanChange,
    PlanChangeKind,
    PlannedRun,
    QuestionnaireResponse,
    RunKind,
    Screening,
    Session,
)
from anklet.domain.measures import ArchShape, FootPosture
from anklet.domain.units import Side
from anklet.services import accounts as account_service
from anklet.services import messages
from anklet.store.messages import MessageRepository

TODAY = dt.date.today()
EARLIER = TODAY - dt.timedelta(days=3)
VICTIM = "Vera Victim"
VICTIM_COACH = "Casey Coach"
RED_FLAGS = ["ottawa_malleolus", "ottawa_midfoot", "ottawa_weight_bearing", "numbness_tingling",
             "hot_swollen_fever", "calf_pain_swelling", "pop_weak_pushoff", "night_rest_pain",
             "surgery_not_cleared", "diabetes_low_sensation"]

# A valid request for each API route, so the refusal comes from tenancy, not from the body.
API_BODIES: dict[tuple[str, str], Any] = {
    ("DELETE", "/api/v1/people/{key}"): None,
    ("POST", "/api/v1/people/{key}/measurements"): {
        "date": EARLIER.isoformat(), "side": "left", "kind": "knee_to_wall", "value": 9.0},
    ("POST", "/api/v1/people/{key}/screenings"): {
        "date": EARLIER.isoformat(), "red_flags": dict.fromkeys(RED_FLAGS, False)},
    ("POST", "/api/v1/people/{key}/check-ins"): {
        "date": EARLIER.isoformat(), "left": {"pain_rest": 2}},
    ("POST", "/api/v1/people/{key}/foot-observations"): {
        "date": EARLIER.isoformat(), "side": "left", "posture": "neutral", "arch": "typical"},
    ("PUT", "/api/v1/people/{key}/intake"): {"date": EARLIER.isoformat()},
    ("PUT", "/api/v1/people/{key}/availability"): {"mon": 20},
    ("POST", "/api/v1/people/{key}/planned-runs"): {
        "date": (TODAY + dt.timedelta(days=3)).isoformat(), "kind": "long", "minutes": 60},
    ("POST", "/api/v1/people/{key}/sessions"): {
        "date": TODAY.isoformat(), "exercises": [{"exercise_id": "ankle-circles", "reps": 10}],
        "pain_during": 1},
    ("PUT", "/api/v1/people/{key}/sessions/{date}/morning-pain"): {
        "pain_next_morning": 3},
    ("DELETE", "/api/v1/people/{key}/planned-runs"): None,  # her run: see API_QUERIES
    # corrections of her records (each has a record with the id of PATH_VALUES)
    ("PATCH", "/api/v1/people/{key}/measurements/{record_id}"): {"value": 9.5},
    ("DELETE", "/api/v1/people/{key}/measurements/{record_id}"): None,
    ("PATCH", "/api/v1/people/{key}/screenings/{record_id}"): {"left": {"pain_rest": 1}},
    ("DELETE", "/api/v1/people/{key}/screenings/{record_id}"): None,
    ("PATCH", "/api/v1/people/{key}/check-ins/{record_id}"): {"left": {"pain_rest": 1}},
    ("DELETE", "/api/v1/people/{key}/check-ins/{record_id}"): None,
    ("PATCH", "/api/v1/people/{key}/foot-observations/{record_id}"): {"notes": "looked again"},
    ("DELETE", "/api/v1/people/{key}/foot-observations/{record_id}"): None,
    ("PATCH", "/api/v1/people/{key}/questionnaires/{record_id}"): {"date": EARLIER.isoformat()},
    ("DELETE", "/api/v1/people/{key}/questionnaires/{record_id}"): None,
    ("PATCH", "/api/v1/people/{key}/sessions/{record_id}"): {"pain_during": 2},
    ("DELETE", "/api/v1/people/{key}/sessions/{record_id}"): None,
    # a coach's plan changes (hers has the id of PATH_VALUES)
    ("POST", "/api/v1/people/{key}/plan-changes"): {
        "kind": "remove", "exercise": "ankle-circles", "note": "Not for her"},
    ("DELETE", "/api/v1/people/{key}/plan-changes/{change_id}"): None,
    ("POST", "/api/v1/people/{key}/questionnaires"): {
        "instrument": "confidence", "date": EARLIER.isoformat(),
        "answers": {"confidence": "8", "pain_24h": "1"}},
    ("POST", "/api/v1/people/{key}/messages"): {"body": "Let me in"},
}
# The query of a route that names what it acts on there (a run of hers that exists).
VICTIMS_RUN = PlannedRun(date=TODAY + dt.timedelta(days=2), kind=RunKind.LONG, minutes=80,
                         title="Vera's long run")
API_QUERIES: dict[tuple[str, str], dict[str, str]] = {
    ("DELETE", "/api/v1/people/{key}/planned-runs"): {
        "date": VICTIMS_RUN.date.isoformat(), "kind": "long", "minutes": "80",
        "title": "Vera's long run"},
}

# Pages are posted with an empty form plus the CSRF token: a route must refuse the person
# before (or whatever) it reads the form, and an error page must not name them either.
# (The form names her run, so that a page that removes runs would find it.)
PAGE_RUN = {"date": VICTIMS_RUN.date.isoformat(), "kind": "long", "minutes": "80",
            "title": "Vera's long run"}
PATH_VALUES = {"date": EARLIER.isoformat(), "instrument": "cait", "record_id": "1",
               "change_id": "1", "kind": "measurement"}


def _routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, full path) of every route, including those of included routers."""
    def walk(routes: Any, prefix: str) -> Iterator[tuple[str, str]]:
        for r in routes:
            if hasattr(r, "original_router"):
                ctx = r.include_context
                yield from walk(r.original_router.routes, prefix + (getattr(ctx, "prefix", "")
                                                                    or ""))
            elif getattr(r, "methods", None):
                for m in sorted(r.methods - {"HEAD"}):
                    yield m, prefix + r.path
    return walk(app.routes, "")


def person_routes(app: FastAPI) -> list[tuple[str, str]]:
    return [(m, p) for m, p in _routes(app) if "{key}" in p]


class World:
    def __init__(self, web: Web) -> None:
        self.web = web
        with web.ctx.uow() as uow:
            coach = account_service.create_account(uow, email="casey@example.org",
                                                   name=VICTIM_COACH, password=PASSWORD,
                                                   role="coach")
            self.key = account_service.add_client(
                uow, coach=coach, name=VICTIM,
                intake=Intake(date=TODAY - dt.timedelta(days=30))).person.id
            account_service.create_account(uow, email="vera@example.org", name=VICTIM,
                                           password=PASSWORD, role="client",
                                           person_key=self.key)
            uow.people.add_measurement(self.key, Measurement(
                date=EARLIER, side=Side.LEFT, kind=MeasureKind.KNEE_TO_WALL, value=7.5))
            uow.people.add_session(self.key, Session(
                date=EARLIER, exercises=[Log(exercise_id="ankle-circles", reps=10)],
                pain_during=1))
            # her first record of each kind (id 1: nobody else has one): the corrections
            uow.people.add_screening(self.key, Screening(date=EARLIER, kind="check_in"))
            uow.people.add_foot_observation(self.key, FootObservation(
                date=EARLIER, side=Side.LEFT, posture=FootPosture.NEUTRAL,
                arch=ArchShape.TYPICAL))
            uow.people.add_questionnaire(self.key, QuestionnaireResponse(
                date=EARLIER, instrument="confidence", answers={"confidence": "8"}))
            uow.people.add_override(self.key, Override(date=EARLIER, stage=2,
                                                       reason="Moves well.", by="casey"))
            uow.people.add_planned_run(self.key, VICTIMS_RUN)
            uow.people.add_plan_change(self.key, PlanChange(
                date=EARLIER, kind=PlanChangeKind.SWAP, exercise="ankle-circles",
                replacement="ankle-alphabet", note="Easier on her knee", by="casey"))
            messages.post(uow, coach, self.key, "How is the ankle?")  # her thread
            self.feed = account_service.issue_feed(uow, account=coach, key=self.key)
            account_service.create_token(uow, account=coach, name="casey's app")
            other = account_service.create_account(uow, email="olive@example.org",
                                                   name="Olive Other", password=PASSWORD,
                                                   role="coach")
            other_client = account_service.add_client(uow, coach=other, name="Otto Other",
                                                      intake=Intake(date=EARLIER)).person.id
            account_service.create_account(uow, email="otto@example.org", name="Otto Other",
                                           password=PASSWORD, role="client",
                                           person_key=other_client)
            account_service.sign_up(uow, email="sol@example.org", name="Sol Solo",
                                    password=PASSWORD, role="self")
            self.tokens = {
                email: account_service.create_token(uow, account=a, name="t")
                for email in ("olive@example.org", "otto@example.org", "sol@example.org")
                if (a := uow.accounts.by_email(email)) is not None}
            uow.commit()

    def snapshot(self) -> Any:
        with self.web.ctx.uow() as uow:
            coach = uow.accounts.by_email("casey@example.org")
            vera = uow.accounts.by_email("vera@example.org")
            assert coach is not None
            return (uow.people.get(self.key).to_dict(), uow.accounts.feed_made_at(self.key),
                    account_service.feed_person(uow, self.feed),
                    vera, [tk.id for tk in uow.accounts.tokens(coach.id)],
                    uow.accounts.coach_of(self.key),
                    MessageRepository(uow.connection).thread(self.key))

    def browsers(self) -> dict[str, WebClient]:
        out = {"signed out": self.web.browser()}
        for email in ("olive@example.org", "otto@example.org", "sol@example.org"):
            b = self.web.browser()
            assert b.sign_in(email).status_code == 303
            out[email] = b
        return out


@pytest.fixture
def world(web: Web) -> World:
    return World(web)


def _path(path: str, key: str) -> str:
    out = path.replace("{key}", key)
    for name, value in PATH_VALUES.items():
        out = out.replace("{" + name + "}", value)
    assert "{" not in out, f"no value for a path parameter in {path}"
    return out


def _assert_nothing_leaked(text: str, where: str) -> None:
    plain = html.unescape(text)
    assert VICTIM not in plain, f"{where}: the victim's name leaked"
    assert VICTIM_COACH not in plain, f"{where}: the victim's coach leaked"


def test_every_person_route_has_an_example(app: FastAPI) -> None:
    api = {(m, p) for m, p in person_routes(app) if p.startswith("/api/") and m != "GET"}
    missing = api - set(API_BODIES)
    assert not missing, f"add a valid example body to API_BODIES for: {sorted(missing)}"


def test_no_page_route_reaches_someone_elses_person(world: World, app: FastAPI) -> None:
    before = world.snapshot()
    routes = [(m, p) for m, p in person_routes(app) if not p.startswith("/api/")]
    assert len(routes) >= 15  # the person pages exist
    for who, b in world.browsers().items():
        for method, path in routes:
            url = _path(path, world.key)
            where = f"{who} {method} {url}"
            if method == "GET":
                r = b.get(url)
            else:
                r = b.request(method, url, data={"csrf_token": b.csrf(), "name": VICTIM,
                                                 "confirm": VICTIM, **PAGE_RUN})
            assert r.status_code in (303, 401, 403, 404), f"{where}: {r.status_code}"
            if r.status_code == 303:
                location = r.headers["location"]
                # to sign in (and back to the URL asked for), or away: never to her pages
                assert location.startswith("/sign-in") or world.key not in location, \
                    f"{where}: redirected to {location}"
            _assert_nothing_leaked(r.text, where)
    assert world.snapshot() == before


def test_no_api_route_reaches_someone_elses_person(world: World, app: FastAPI) -> None:
    before = world.snapshot()
    routes = [(m, p) for m, p in person_routes(app) if p.startswith("/api/")]
    assert len(routes) >= 10  # the API exists
    clients = {"no token": TestClient(app)}
    for email, token in world.tokens.items():
        clients[email] = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    for who, c in clients.items():
        for method, path in routes:
            url = _path(path, world.key)
            body = API_BODIES.get((method, path))
            query = API_QUERIES.get((method, path))
            r = (c.request(method, url, json=body, params=query) if body is not None
                 else c.request(method, url, params=query))
            where = f"{who} {method} {url}"
            assert r.status_code in (401, 403, 404), f"{where}: {r.status_code} {r.text[:200]}"
            _assert_nothing_leaked(r.text, where)
    assert world.snapshot() == before


def test_the_victims_own_coach_and_client_do_reach_her(world: World, app: FastAPI) -> None:
    """The refusals above are about who asks: the same requests work for the right people."""
    casey, vera = world.web.browser(), world.web.browser()
    assert casey.sign_in("casey@example.org").status_code == 303
    assert vera.sign_in("vera@example.org").status_code == 303
    assert VICTIM in casey.get(f"/people/{world.key}").text
    assert casey.get(f"/people/{world.key}/plan.pdf").content.startswith(b"%PDF")
    assert vera.get(f"/people/{world.key}/progress").status_code == 200
    assert vera.get(f"/people/{world.key}/plan").status_code == 200
    assert vera.get("/me").status_code == 200
    for url in (f"/people/{world.key}/time", f"/people/{world.key}/imports",
                f"/people/{world.key}/guided"):
        assert vera.get(url).status_code == 200
        assert VICTIM in casey.get(url).text
    for path in ("questionnaires", "questionnaires/cait?side=left"):
        assert vera.get(f"/people/{world.key}/{path}").status_code == 200
        assert casey.get(f"/people/{world.key}/{path}").status_code == 200
    for who in (casey, vera):  # her thread: her coach and herself
        assert "How is the ankle?" in who.get(f"/people/{world.key}/messages").text


def test_someone_elses_api_token_cannot_be_deleted(world: World) -> None:
    before = world.snapshot()
    token_ids = before[4]
    for who, b in world.browsers().items():
        r = b.request("POST", f"/account/tokens/{token_ids[0]}/delete",
                      data={"csrf_token": b.csrf()})
        assert r.status_code in (303, 401, 403, 404), who
    assert world.snapshot() == before


def test_reminders_pages_and_links_reach_only_their_own_account(world: World) -> None:
    """/reminders names no person: each account sees and changes only its own choices;
    a link's token opens only what it was made for (a wrong one: 410, nothing changed)."""
    import hashlib

    from anklet.services import reminders
    from anklet.store.reminders import ReminderRepository

    now = dt.datetime.now(dt.UTC)
    with world.web.ctx.uow() as uow:
        vera = uow.accounts.by_email("vera@example.org")
        assert vera is not None
        reminders.save(uow, vera, {"day_plan": reminders.Choice(
            "day_plan", True, frozenset({0, 3}), dt.time(6, 45), "Asia/Tokyo")})
        for purpose, kind in (("stop", "day_plan"), ("pain", "morning_pain")):
            ReminderRepository(uow.connection).add_link(
                token_hash=hashlib.sha256(f"vera-{purpose}".encode()).hexdigest(),
                account_id=vera.id, kind=kind, purpose=purpose, day=EARLIER, now=now,
                expires_at=now + dt.timedelta(days=1))
        uow.commit()

    def veras() -> object:
        with world.web.ctx.uow(write=False) as uow:
            account = uow.accounts.by_email("vera@example.org")
            assert account is not None
            return reminders.settings_for(uow, account)

    before, choices = world.snapshot(), veras()
    for who, b in world.browsers().items():
        page = b.get("/reminders")
        if who == "signed out":
            assert page.status_code in (303, 401), who
        else:
            assert page.status_code == 200, who
            assert "Asia/Tokyo" not in page.text, who
            _assert_nothing_leaked(page.text, f"{who} GET /reminders")
        r = b.request("POST", "/reminders", data={
            "csrf_token": b.csrf(), "day_plan_on": "on", "day_plan_days": "1",
            "day_plan_at": "09:00", "weekly_summary_on": "on", "weekly_summary_days": "1",
            "time_zone": "UTC"})
        assert r.status_code in (303, 401, 403), who
        for url in ("/reminders/stop/not-veras", "/reminders/pain/not-veras"):
            r = b.request("POST", url, data={"csrf_token": b.csrf(), "pain": "9",
                                             "List-Unsubscribe": "One-Click"})
            assert r.status_code == 410, (who, url)
            _assert_nothing_leaked(r.text, f"{who} POST {url}")
            got = b.get(url + "?pain=9")
            assert got.status_code == 410, (who, url)
            _assert_nothing_leaked(got.text, f"{who} GET {url}")
    assert veras() == choices
    assert world.snapshot() == before


def test_a_coachs_media_reaches_only_the_coach_and_their_clients(world: World,
                                                                  app: FastAPI) -> None:
    """Every media route (read from the app, page and API) tried by everyone who must not
    reach Casey's photo and link for an exercise: refused (404 as for nothing, 403 for a
    change by a role that may not change, 401/303 signed out), nothing of them in the
    answer, nothing changed; Casey and her client Vera do reach them."""
    import io

    from PIL import Image

    from anklet.services import media

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 20, 30)).save(buf, "JPEG")
    with world.web.ctx.uow() as uow:
        casey = uow.accounts.by_email("casey@example.org")
        assert casey is not None
        photo = media.create(uow, account=casey, library=world.web.ctx.library,
                             exercise_id="ankle-circles",
                             upload=media.Upload(caption="Casey's secret cue",
                                                 data=buf.getvalue(), filename="cue.jpg"))
        media.create(uow, account=casey, library=world.web.ctx.library,
                     exercise_id="ankle-circles",
                     upload=media.Upload(caption="Casey's link", url="https://example.org/c"))
        uow.commit()

    def stored() -> object:
        with world.web.ctx.uow(write=False) as uow:
            return [(m.id, m.caption, m.version) for m in media.list(
                uow, account=casey, exercise_id="ankle-circles")]

    before = stored()
    values = {"exercise_id": "ankle-circles", "media_id": str(photo.id)}
    routes = [(m, p) for m, p in _routes(app) if "/media" in p and "{exercise_id}" in p]
    assert len(routes) >= 9  # pages: file, edit, add, replace, delete; API: five

    def url(path: str) -> str:
        for name, value in values.items():
            path = path.replace("{" + name + "}", value)
        return path

    def clean(raw: str, where: str) -> None:
        text = html.unescape(raw)
        assert "Casey's secret cue" not in text, f"{where}: her caption leaked"
        assert "Casey's link" not in text, f"{where}: her link leaked"
        assert "example.org/c" not in text, f"{where}: her link leaked"

    for who, b in world.browsers().items():
        for method, path in routes:
            if path.startswith("/api/"):
                continue
            where = f"{who} {method} {url(path)}"
            r = (b.get(url(path)) if method == "GET" else
                 b.request(method, url(path), data={"csrf_token": b.csrf(), "caption": "mine",
                                                    "url": "https://example.org/x"}))
            assert r.status_code in (303, 401, 403, 404), f"{where}: {r.status_code}"
            if r.status_code == 303:  # to sign in, or (adding one's own) back to the page
                own_add = path.endswith("/media") and who != "signed out"
                assert r.headers["location"].startswith("/sign-in") or (
                    own_add and r.headers["location"].startswith("/exercises/ankle-circles")), \
                    where
            clean(r.text, where)
        page = b.get("/exercises/ankle-circles")
        clean(page.text, f"{who} GET the exercise page")
    clients = {"no token": TestClient(app)}
    for email, token in world.tokens.items():
        clients[email] = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    for who, c in clients.items():
        for method, path in routes:
            if not path.startswith("/api/"):
                continue
            where = f"{who} {method} {url(path)}"
            r = c.request(method, url(path), data={"caption": "mine"}
                          if method in ("POST", "PUT") else None)
            if method == "GET" and path.endswith("/media") and who != "no token":
                assert r.status_code == 200, where  # the list: their own (or their coach's)
                assert all(m["caption"] == "mine" for m in r.json()["data"]), where
            elif method == "POST" and who in ("olive@example.org", "sol@example.org"):
                assert r.status_code == 422, where  # their own add: nothing was sent
            else:
                assert r.status_code in (401, 403, 404), f"{where}: {r.status_code}"
            clean(r.text, where)
    assert stored() == before
    casey_b, vera_b = world.web.browser(), world.web.browser()
    assert casey_b.sign_in("casey@example.org").status_code == 303
    assert vera_b.sign_in("vera@example.org").status_code == 303
    for b in (casey_b, vera_b):
        assert "Casey's secret cue" in html.unescape(b.get("/exercises/ankle-circles").text)
        assert b.get(url("/exercises/{exercise_id}/media/{media_id}")).status_code == 200


def test_the_offline_routes_and_session_keys_reach_only_their_own(world: World) -> None:
    """/sw.js and /offline/state name no person; /offline/state names only this browser's
    own account (a tag). A key the victim's phone sent her session with lets nobody else
    log, repeat or learn of it: the queue's post to her log is 404 (signed out: sign in)."""
    form = {"date": TODAY.isoformat(), "ex0_id": "ankle-circles", "ex0_done": "on",
            "ex0_reps": "10", "ex0_side": "both", "pain_during": "1"}
    key = "c0ffee00-1234-4abc-8def-0123456789ab"

    def queue_post(b: WebClient) -> Any:
        token = b.csrf()
        return b.post(f"/people/{world.key}/log", data={**form, "csrf_token": token},
                      headers={"Accept": "application/json", "Idempotency-Key": key,
                               "X-CSRF-Token": token})

    vera = world.web.browser()
    assert vera.sign_in("vera@example.org").status_code == 303
    assert queue_post(vera).status_code == 201
    before = world.snapshot()
    tags = {vera.get("/offline/state").json()["account"]}
    for who, b in world.browsers().items():
        for path in ("/sw.js", "/offline/state"):
            _assert_nothing_leaked(b.get(path).text, f"{who}: {path}")
        r = queue_post(b)
        if who == "signed out":
            assert r.status_code == 303, who
            assert r.headers["location"].startswith("/sign-in")
            continue
        assert r.status_code == 404, who
        assert r.json()["status"] == "refused"
        _assert_nothing_leaked(r.text, f"{who}: the queue's post")
        tag = b.get("/offline/state").json()["account"]
        assert tag not in tags, f"{who} has another account's tag"
        tags.add(tag)
    assert world.snapshot() == before


def test_the_time_zone_route_changes_only_the_signed_in_account(world: World) -> None:
    """/account/time-zone names no person: each account sets only its own zone; Vera's,
    which her pages' "today" is read from, stays as it was, and no page shows it to others."""
    with world.web.ctx.uow() as uow:
        vera = uow.accounts.by_email("vera@example.org")
        assert vera is not None
        account_service.set_time_zone(uow, account=vera, zone="Pacific/Kiritimati")
        uow.commit()
    before = world.snapshot()
    for who, b in world.browsers().items():
        r = b.post("/account/time-zone", data={"time_zone": "Asia/Tokyo",
                                               "csrf_token": b.csrf()})
        if who == "signed out":
            assert r.status_code == 303, who
            assert r.headers["location"].startswith("/sign-in"), who
            continue
        assert r.status_code == 303, who
        page = b.get("/account").text
        assert 'data-testid="time-zone">Asia/Tokyo<' in page, who  # their own, not Vera's
        _assert_nothing_leaked(page, f"{who}: GET /account")
    assert world.snapshot() == before
