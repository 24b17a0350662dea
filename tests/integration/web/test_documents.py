"""The printable plan (PDF and print page) and the calendar feed (ICS), through HTTP.

The client of ``coach`` is put in stage 3 by an override three weeks ago, with time every
day and a long run on this week's Sunday and an interval run next Wednesday, so the plan
holds gait prep before runs. What the documents show is checked against the engine's own
plan for the same person and week.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import unicodedata
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import select
from webtools import Web, WebClient

from anklet.domain.exercises import HEEL_WARNING
from anklet.domain.history import Availability, History, Override, PlannedRun, RunKind, Screening
from anklet.domain.planner import WeekPlan
from anklet.services import calendar as calendar_service
from anklet.services import evaluation
from anklet.store import tables as t
from anklet.web.pages.documents import local_only_fetcher

TODAY = dt.date.today()
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())
SUNDAY = MONDAY + dt.timedelta(days=6)
NEXT_WEDNESDAY = MONDAY + dt.timedelta(days=9)
CLIENT_NAME = "Cleo Client"


def prepare(web: Web, key: str) -> History:
    """Screened, stage 3 by the coach's decision, free every day, two key runs planned."""
    start = TODAY - dt.timedelta(days=21)
    with web.ctx.uow() as uow:
        uow.people.add_screening(key, Screening(
            date=start, red_flags={f.id: False for f in web.ctx.protocol.red_flags}))
        uow.people.add_override(key, Override(date=start, stage=3, by="coach@example.org",
                                              reason="Moves well; ready to load the range."))
        uow.people.set_availability(key, Availability(mon=30, tue=30, wed=30, thu=30, fri=30,
                                                      sat=45, sun=30))
        uow.people.add_planned_run(key, PlannedRun(date=SUNDAY, kind=RunKind.LONG, minutes=95,
                                                   title="Sunday long run"))
        uow.people.add_planned_run(key, PlannedRun(date=NEXT_WEDNESDAY, kind=RunKind.INTERVAL,
                                                   minutes=50))
        uow.commit()
        return uow.people.get(key)


def engine_plan(web: Web, history: History, week: dt.date) -> WeekPlan:
    ev = evaluation.evaluate(history=history, protocol=web.ctx.protocol,
                             library=web.ctx.library,
                             as_of=min(TODAY, week + dt.timedelta(days=6)), week_start=week)
    return ev.plan


@pytest.fixture
def client_key(web: Web, client_of_coach: WebClient) -> str:
    assert client_of_coach.person_key is not None
    prepare(web, client_of_coach.person_key)
    return client_of_coach.person_key


def flat(text: str) -> str:
    """Text with ligatures unfolded and every run of white space made one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian: poppler-utils) is not installed")
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, timeout=60)
    return flat(out.stdout.decode())


# -- the printable plan ----------------------------------------------------------------------


def test_plan_pdf_holds_the_weeks_exercises_doses_and_cautions(
        web: Web, coach: WebClient, client_key: str, tmp_path: Path) -> None:
    r = coach.get(f"/people/{client_key}/plan.pdf")
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == (
        f'inline; filename="anklet-plan-{client_key}-{MONDAY.isoformat()}.pdf"')
    assert r.content.startswith(b"%PDF")
    text = pdf_text(r.content, tmp_path)
    with web.ctx.uow() as uow:
        plan = engine_plan(web, uow.people.get(client_key), MONDAY)
    assert plan.stage == 3
    assert not plan.refused
    assert CLIENT_NAME in text
    assert "Stage 3: Build" in text
    items = [i for d in plan.days for b in d.blocks for i in b.items]
    assert items
    for item in items:
        assert flat(item.exercise.name) in text
        assert flat(item.dose) in text
        for caution in item.exercise.cautions:
            assert flat(caution) in text
        assert flat(item.exercise.how[0]) in text
    for day in plan.days:
        assert f"{day.date:%A} {day.date.day} {day.date:%B}" in text
    assert "Gait prep before your long run" in text
    assert "Sunday long run" in text


def test_plan_pdf_shows_the_heel_warning_with_foot_release(
        web: Web, coach: WebClient, client_key: str, tmp_path: Path) -> None:
    with web.ctx.uow() as uow:
        plan = engine_plan(web, uow.people.get(client_key), MONDAY)
    has_release = any(i.exercise.category.value == "foot_release"
                      for d in plan.days for b in d.blocks for i in b.items)
    assert has_release  # stage 3 keeps foot and shin release three times a week
    text = pdf_text(coach.get(f"/people/{client_key}/plan.pdf").content, tmp_path)
    assert flat(HEEL_WARNING) in text


def test_plan_pdf_for_another_week_plans_that_week(
        web: Web, client_of_coach: WebClient, client_key: str, tmp_path: Path) -> None:
    wednesday = NEXT_WEDNESDAY.isoformat()
    next_monday = MONDAY + dt.timedelta(days=7)
    r = client_of_coach.get(f"/people/{client_key}/plan.pdf?week={wednesday}")
    assert r.status_code == 200
    assert next_monday.isoformat() in r.headers["content-disposition"]
    text = pdf_text(r.content, tmp_path)
    assert f"{next_monday:%A} {next_monday.day} {next_monday:%B}" in text
    assert "Gait prep before your interval session" in text


def test_plan_pdf_refused_plan_says_why(web: Web, coach: WebClient, tmp_path: Path) -> None:
    key = web.add_client("coach@example.org", "Una Unscreened")  # no red-flag screen yet
    r = coach.get(f"/people/{key}/plan.pdf")
    assert r.status_code == 200
    text = pdf_text(r.content, tmp_path)
    assert "No exercises this week" in text
    assert "red-flag screen" in text


def test_plan_week_that_is_not_a_date_is_a_422_naming_the_field(
        coach: WebClient, client_key: str) -> None:
    for url in (f"/people/{client_key}/plan.pdf?week=next-tuesday",
                f"/people/{client_key}/plan/print?week=2026-13-01"):
        r = coach.get(url)
        assert r.status_code == 422
        assert "week" in r.text
        assert "YYYY-MM-DD" in r.text


def test_plan_print_page_is_the_same_document_as_html(
        web: Web, self_coached: WebClient, tmp_path: Path) -> None:
    key = self_coached.person_key
    assert key is not None
    prepare(web, key)
    r = self_coached.get(f"/people/{key}/plan/print")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "Week plan for" in r.text
    assert "Sol Solo" in r.text
    assert f'href="/people/{key}/plan.pdf?week={MONDAY.isoformat()}"' in r.text
    assert "@page" in r.text
    assert "<link" not in r.text  # nothing to fetch: the style is inline
    with web.ctx.uow() as uow:
        plan = engine_plan(web, uow.people.get(key), MONDAY)
    for item in (i for d in plan.days for b in d.blocks for i in b.items):
        assert item.exercise.name.replace("'", "&#39;") in r.text
    pdf = self_coached.get(f"/people/{key}/plan.pdf")
    assert pdf.status_code == 200
    assert "Sol Solo" in pdf_text(pdf.content, tmp_path)


def test_pdf_fetcher_refuses_everything_but_inline_data() -> None:
    fetcher = local_only_fetcher()
    for url in ("http://example.org/logo.png", "https://example.org/font.woff2",
                "file:///etc/passwd", "ftp://example.org/x"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
    ok = fetcher.fetch("data:text/plain,hello")
    assert ok is not None


# -- the calendar feed -----------------------------------------------------------------------


def issue(b: WebClient, key: str) -> str:
    """Make a calendar address: it is on the page that answers (once, not cached)."""
    page = b.form(f"/people/{key}/calendar/issue")
    assert page.status_code == 200, page.text[:300]
    assert page.headers["cache-control"] == "no-store"
    marker = 'data-testid="feed-url"'
    line = next(ln for ln in page.text.splitlines() if marker in ln)
    url = line.split('value="', 1)[1].split('"', 1)[0]
    assert url.startswith("http://testserver/calendar/")
    assert url.endswith(".ics")
    assert f"webcal://testserver/calendar/{url.rsplit('/', 1)[1]}" in page.text
    return url.removeprefix("http://testserver")


def events(body: bytes) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(body)
    return list(cal.walk("VEVENT"))


def test_feed_holds_the_planned_sessions_for_four_weeks_with_gait_prep(
        web: Web, coach: WebClient, client_key: str) -> None:
    path = issue(coach, client_key)
    anon = web.browser()
    r = anon.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(r.content)
    assert str(cal["X-WR-CALNAME"]) == f"Anklet plan — {CLIENT_NAME}"
    assert "REFRESH-INTERVAL" in cal
    assert str(cal["X-PUBLISHED-TTL"]) == "PT4H"
    got = events(r.content)
    with web.ctx.uow() as uow:
        history = uow.people.get(client_key)
    plans = calendar_service.plans(history, protocol=web.ctx.protocol, library=web.ctx.library,
                                   today=TODAY)
    assert [p.week_start for p in plans] == [MONDAY + dt.timedelta(days=7 * k) for k in range(4)]
    sessions = {e["DTSTART"].dt: e for e in got if str(e["UID"]).endswith("-session@anklet")}
    gait = {e["DTSTART"].dt: e for e in got if str(e["UID"]).endswith("-gait@anklet")}
    expected_days = [d for p in plans for d in p.days if any(b.uses_free_time for b in d.blocks)]
    assert sorted(sessions) == [d.date for d in expected_days]
    for day in expected_days:
        event = sessions[day.date]
        assert not isinstance(event["DTSTART"].dt, dt.datetime)  # an all-day event
        text = str(event["DESCRIPTION"])
        for block in (b for b in day.blocks if b.uses_free_time):
            assert block.label in str(event["SUMMARY"])
            for item in block.items:
                assert f"{item.exercise.name}: {item.dose}" in text
    # gait prep on the days of the long run and the interval run, with the drills
    assert sorted(gait) == [SUNDAY, NEXT_WEDNESDAY]
    assert str(gait[SUNDAY]["SUMMARY"]) == "Anklet: gait prep before your long run"
    assert "Sunday long run" in str(gait[SUNDAY]["DESCRIPTION"])
    (prep,) = [b for d in plans[0].days if d.date == SUNDAY for b in d.blocks if b.before_run]
    for item in prep.items:
        assert item.exercise.name in str(gait[SUNDAY]["DESCRIPTION"])
    assert str(gait[NEXT_WEDNESDAY]["SUMMARY"]) == "Anklet: gait prep before your interval session"


def test_feed_uids_are_stable_between_fetches(web: Web, coach: WebClient, client_key: str) -> None:
    path = issue(coach, client_key)
    first = [str(e["UID"]) for e in events(web.browser().get(path).content)]
    second = [str(e["UID"]) for e in events(web.browser().get(path).content)]
    assert first
    assert first == second
    assert len(set(first)) == len(first)


def test_reissue_stops_the_old_address_and_revoke_stops_the_new(
        web: Web, client_of_coach: WebClient, client_key: str) -> None:
    old = issue(client_of_coach, client_key)  # the client subscribes on their own phone
    anon = web.browser()
    assert anon.get(old).status_code == 200
    new = issue(client_of_coach, client_key)
    assert new != old
    gone = anon.get(old)
    assert gone.status_code == 404
    assert gone.text == "No such calendar.\n"
    assert anon.get(new).status_code == 200
    r = client_of_coach.form(f"/people/{client_key}/calendar/revoke")
    assert r.status_code == 303
    assert anon.get(new).status_code == 404
    page = client_of_coach.get(f"/people/{client_key}/calendar")
    assert "No calendar address yet" in page.text
    assert 'data-testid="feed-url"' not in page.text
    with web.ctx.uow() as uow:
        actions = [a.action for a in uow.accounts.audit_for(client_key)]
    assert actions.count("calendar_issued") == 2
    assert "calendar_revoked" in actions


def test_unknown_calendar_token_is_a_bare_404(web: Web) -> None:
    anon = web.browser()
    for path in ("/calendar/not-a-token.ics", "/calendar/" + "x" * 300 + ".ics"):
        r = anon.get(path)
        assert r.status_code == 404
        assert r.text == "No such calendar.\n"


def test_feed_of_a_refused_plan_says_why_once_a_week(web: Web, coach: WebClient) -> None:
    key = web.add_client("coach@example.org", "Una Unscreened")
    path = issue(coach, key)
    got = events(web.browser().get(path).content)
    assert len(got) == 4
    assert {e["DTSTART"].dt for e in got} == {MONDAY + dt.timedelta(days=7 * k) for k in range(4)}
    assert all("red-flag screen" in str(e["DESCRIPTION"]) for e in got)


def test_calendar_page_explains_how_to_subscribe(coach: WebClient, client_key: str) -> None:
    r = coach.get(f"/people/{client_key}/calendar")
    assert r.status_code == 200
    assert CLIENT_NAME in r.text
    assert "No calendar address yet" in r.text
    issue(coach, client_key)
    r = coach.get(f"/people/{client_key}/calendar")
    for words in ("Make a new address", "Turn off the calendar", "shows an address only once"):
        assert words in r.text
    assert 'data-testid="feed-url"' not in r.text  # kept hashed: never shown again
    r = coach.form(f"/people/{client_key}/calendar/issue")
    for words in ("iPhone", "Google Calendar", "Outlook", "Make a new address",
                  "Turn off the calendar", "New calendar address made"):
        assert words in r.text


def test_feed_token_is_stored_hashed_and_the_address_still_opens_the_feed(
        web: Web, coach: WebClient, client_key: str) -> None:
    path = issue(coach, client_key)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    with web.ctx.engine.connect() as conn:
        stored = conn.execute(select(t.calendar_feeds.c.token_hash)).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in str(stored)
    assert web.browser().get(path).status_code == 200
    # the hash itself is no address
    assert web.browser().get(f"/calendar/{stored[0]}.ics").status_code == 404


# -- tenancy ---------------------------------------------------------------------------------


ROUTES = [("get", "/people/{key}/plan.pdf"), ("get", "/people/{key}/plan.pdf?week=2026-01-05"),
          ("get", "/people/{key}/plan/print"), ("get", "/people/{key}/calendar"),
          ("post", "/people/{key}/calendar/issue"), ("post", "/people/{key}/calendar/revoke")]


def outsiders(web: Web, other_coach: WebClient, self_coached: WebClient) -> dict[str, WebClient]:
    other_client = web.account("client", "their-client@example.org", "Theo Theirs",
                               coach_email="other@example.org")
    sibling = web.account("client", "sibling@example.org", "Sid Sibling",
                          coach_email="coach@example.org")
    return {"other coach": other_coach, "other coach's client": other_client,
            "same coach's other client": sibling, "self-coached": self_coached,
            "signed out": web.browser()}


def test_nobody_else_reaches_a_persons_documents(
        web: Web, coach: WebClient, client_key: str, other_coach: WebClient,
        self_coached: WebClient) -> None:
    path = issue(coach, client_key)
    for who, b in outsiders(web, other_coach, self_coached).items():
        for method, route in ROUTES:
            url = route.format(key=client_key)
            r = b.get(url) if method == "get" else (
                b.form(url) if who != "signed out" else b.post(url, data={}))
            if who == "signed out":
                assert r.status_code in (303, 403), (who, url, r.status_code)
                if r.status_code == 303:
                    assert r.headers["location"].startswith("/sign-in")
            else:
                assert r.status_code == 404, (who, url, r.status_code)
            assert CLIENT_NAME not in r.text, (who, url)
            assert b"%PDF" not in r.content[:10]
    # the address still works: nobody could revoke or re-issue it
    assert web.browser().get(path).status_code == 200


def test_a_client_cannot_reach_another_persons_calendar_even_with_their_own(
        web: Web, coach: WebClient, client_of_coach: WebClient, client_key: str,
        self_coached: WebClient) -> None:
    solo = self_coached.person_key
    assert solo is not None
    for url in (f"/people/{solo}/calendar", f"/people/{solo}/plan.pdf"):
        r = client_of_coach.get(url)
        assert r.status_code == 404
        assert "Sol Solo" not in r.text
    r = client_of_coach.form(f"/people/{solo}/calendar/issue")
    assert r.status_code == 404
    with web.ctx.uow() as uow:
        assert uow.accounts.feed_made_at(solo) is None
    # a coach reaches only their own clients' feeds: issuing here made none
    r = coach.form(f"/people/{solo}/calendar/issue")
    assert r.status_code == 404
    with web.ctx.uow() as uow:
        assert uow.accounts.feed_made_at(solo) is None
