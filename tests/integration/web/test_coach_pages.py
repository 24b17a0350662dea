"""The coach's dashboard (every client at a glance, who needs attention first) and adding a
client; tried as the coach, another coach, a client, a self-coached person and signed out."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from webtools import Web, WebClient

from anklet.domain.decisions import decide
from anklet.domain.history import Availability, History, Intake, Override, Person
from anklet.services import evaluation
from anklet.services.demo import Script, simulate

TODAY = dt.date.today()
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())


# --- helpers ------------------------------------------------------------------------------


def _person(key: str, name: str, start: dt.date) -> History:
    return History(person=Person(id=key, name=name, created=start), intake=Intake(date=start),
                   availability=Availability(mon=25, tue=20, wed=30, thu=20, fri=25, sat=45,
                                             sun=20))


def _store(web: Web, coach_email: str, h: History) -> str:
    with web.ctx.uow() as uow:
        coach = uow.accounts.by_email(coach_email)
        assert coach is not None
        uow.people.add(h)
        uow.accounts.set_coach(h.person.id, coach.id)
        uow.commit()
    return h.person.id


def _sim(web: Web, h: History, weeks: int, script: Script) -> History:
    return simulate(h, weeks=weeks, script=script, protocol=web.ctx.protocol,
                    library=web.ctx.library, until=TODAY)


def _cast(web: Web) -> dict[str, History]:
    """People whose histories really produce each attention badge (as the engine decides)."""
    cast: dict[str, History] = {}

    # a red flag at the screen
    cast["Reggie Red"] = _sim(web, _person("reggie", "Reggie Red", MONDAY - dt.timedelta(7)), 2,
                              Script(red_flags={"numbness_tingling"}))

    # pain above 5/10 in the sessions of the last few days
    start = MONDAY - dt.timedelta(weeks=4)

    def flare(w: int, d: int) -> int:
        date = start + dt.timedelta(days=7 * w + d)
        return 7 if 1 <= (TODAY - date).days <= 6 else 1

    cast["Fay Flare"] = _sim(web, _person("fay", "Fay Flare", start), 5,
                             Script(retest_every=2, pain_during=flare))

    # nothing logged since the start of last week
    start = MONDAY - dt.timedelta(weeks=4)
    cast["Milo Missed"] = _sim(web, _person("milo", "Milo Missed", start), 5, Script(
        skip=lambda w, d: start + dt.timedelta(days=7 * w + d) >= MONDAY - dt.timedelta(7)))

    # tested only at the start, six weeks ago
    cast["Stan Stale"] = _sim(web, _person("stan", "Stan Stale", MONDAY - dt.timedelta(weeks=6)),
                              7, Script(retest_every=100))

    # six days of foot work: stage 2 starts on Monday
    cast["Rita Ready"] = _sim(web, _person("rita", "Rita Ready", TODAY - dt.timedelta(days=6)),
                              2, Script())

    # ten weeks of steady work: clear to train
    start = MONDAY - dt.timedelta(weeks=10)
    cast["Cleo Clear"] = _sim(web, _person("cleo", "Cleo Clear", start), 11, Script(
        retest_every=2, left_k2w=lambda w: min(12.0, 9.0 + 0.5 * w),
        right_k2w=lambda w: min(12.5, 10.0 + 0.4 * w)))

    # added, never assessed
    cast["Nina New"] = _person("nina", "Nina New", TODAY)
    return cast


_ROW = re.compile(r'<tr class="([^"]*)">(.*?)</tr>', re.S)
_NAME = re.compile(r'class="client-name" href="/people/([^"]+)">([^<]+)</a>')
_BADGE = re.compile(r'<span class="badge (\w+)" title="[^"]*">([^<]+)</span>')


def _rows(page: str) -> list[dict[str, Any]]:
    """The dashboard's rows, in order: name, key, classes and badges (label, tone)."""
    out = []
    for classes, body in _ROW.findall(page):
        m = _NAME.search(body)
        if m is None:
            continue
        out.append({"key": m.group(1), "name": html.unescape(m.group(2)),
                    "classes": classes.split(),
                    "badges": [(html.unescape(label), tone) for tone, label in _BADGE.findall(body)]})
    return out


@contextmanager
def _count_queries(web: Web) -> Iterator[list[str]]:
    seen: list[str] = []

    def on(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(web.ctx.engine, "before_cursor_execute", on)
    try:
        yield seen
    finally:
        event.remove(web.ctx.engine, "before_cursor_execute", on)


# --- the dashboard ------------------------------------------------------------------------

EXPECTED = {
    "Reggie Red": ("red_flag", "Red flag", "bad"),
    "Fay Flare": ("pain_flare", "Pain flare", "bad"),
    "Milo Missed": ("missed_sessions", "Missed sessions", "warn"),
    "Stan Stale": ("retest_due", "Re-test due", "info"),
    "Rita Ready": ("ready_to_advance", "Ready to advance", "ok"),
    "Cleo Clear": ("clear_to_train", "Clear to train", "ok"),
    "Nina New": ("screen_needed", "Screen needed", "warn"),
}


def test_dashboard_shows_the_badges_the_engine_decided(web: Web, coach: WebClient) -> None:
    cast = _cast(web)
    for name, h in cast.items():
        d = decide(h, protocol=web.ctx.protocol, library=web.ctx.library, as_of=TODAY)
        kind = EXPECTED[name][0]
        assert kind in {f.kind for f in d.flags}, (name, d.flags)  # the engine says so
        _store(web, "coach@example.org", h)
    r = coach.get("/coach")
    assert r.status_code == 200
    rows = {row["name"]: row for row in _rows(r.text)}
    assert set(rows) == set(cast)
    for name, (_, label, tone) in EXPECTED.items():
        if name == "Cleo Clear":  # a status, not something to act on: no badge
            assert rows[name]["badges"] == []
            continue
        assert (label, tone) in rows[name]["badges"], (name, rows[name]["badges"])
    assert "See a clinician first" in r.text  # the referred person's status in words
    assert 'class="status status-clear">Clear to train<' in r.text


def test_dashboard_puts_people_needing_attention_first(web: Web, coach: WebClient) -> None:
    cast = _cast(web)
    for h in cast.values():
        _store(web, "coach@example.org", h)
    calm = _sim(web, _person("abe", "Abe Calm", MONDAY - dt.timedelta(weeks=3)), 4,
                Script(retest_every=2))
    d = decide(calm, protocol=web.ctx.protocol, library=web.ctx.library, as_of=TODAY)
    _store(web, "coach@example.org", calm)
    rows = _rows(coach.get("/coach").text)
    names = [r["name"] for r in rows]
    assert names[0] == "Reggie Red"  # a red flag before everything
    assert names.index("Fay Flare") < names.index("Nina New") < names.index("Milo Missed")
    assert names.index("Milo Missed") < names.index("Stan Stale") < names.index("Rita Ready")
    assert names[-1] in ("Abe Calm", "Cleo Clear")  # nothing to act on: last, by name
    attention = [r for r in rows if "attention" in r["classes"]]
    assert {r["name"] for r in attention} == set(cast) - {"Cleo Clear"}
    if not {f.kind for f in d.flags} - {"clear_to_train", "hold"}:
        assert names[-2:] == ["Abe Calm", "Cleo Clear"]


def test_dashboard_decides_missing_and_old_decisions_and_saves_them(web: Web,
                                                                   coach: WebClient) -> None:
    red = _store(web, "coach@example.org", _cast(web)["Reggie Red"])
    new = web.add_client("coach@example.org", "Nina New")
    with web.ctx.uow() as uow:  # an old decision that no longer holds
        uow.people.save_decision(red, as_of=TODAY - dt.timedelta(days=3), stage=2,
                                 status="working", clear_to_train=False,
                                 summary={"stage_name": "Ankle", "flags": []})
        uow.commit()
    r = coach.get("/coach")
    rows = {row["name"]: row for row in _rows(r.text)}
    assert ("Red flag", "bad") in rows["Reggie Red"]["badges"]
    assert ("Screen needed", "warn") in rows["Nina New"]["badges"]
    with web.ctx.uow() as uow:
        for key, status in ((red, "refer"), (new, "screen_needed")):
            stored = uow.people.get_decision(key)
            assert stored is not None
            assert (stored.as_of, stored.status) == (TODAY, status)


def test_dashboard_reads_fresh_decisions_without_loading_anyone(web: Web,
                                                               coach: WebClient) -> None:
    keys = [web.add_client("coach@example.org", f"Client {i:02d}") for i in range(50)]
    coach.get("/coach")  # decides everyone once and saves it
    with web.ctx.uow() as uow:  # a stored decision the engine would not make: shown as stored
        uow.people.save_decision(keys[7], as_of=TODAY, stage=3, status="working",
                                 clear_to_train=False,
                                 summary={"stage_name": "Build", "flags": ["range_loss"],
                                          "gate_met": 2, "gate_total": 5,
                                          "last_logged": None, "this_week_pct": 50,
                                          "last_week_pct": 40})
        uow.commit()
    with _count_queries(web) as fifty:
        r = coach.get("/coach")
    rows = _rows(r.text)
    assert len(rows) == 50
    seven = next(row for row in rows if row["key"] == keys[7])
    assert seven["badges"] == [("Range loss", "warn")]
    assert rows[0]["key"] == keys[7]  # more urgent than the screens the others need
    assert "2 of 5 criteria met" in r.text
    for key in keys[10:]:  # fewer clients: the same queries
        with web.ctx.uow() as uow:
            uow.people.delete(key)
            uow.commit()
    with _count_queries(web) as ten:
        coach.get("/coach")
    assert len(fifty) == len(ten) <= 6, fifty


def test_dashboard_with_no_clients_invites_the_first(coach: WebClient) -> None:
    r = coach.get("/coach")
    assert r.status_code == 200
    assert "Add your first client" in r.text
    assert 'action="/coach/clients"' in r.text


# --- adding a client ----------------------------------------------------------------------


def test_add_client_then_their_page(web: Web, coach: WebClient) -> None:
    r = coach.form("/coach/clients", {"name": "  Ada Lovelace ", "activities": ["running",
                                                                             "lifting"],
                                      "goals": "Squat deeper\n\n  Run 10 km  \n"})
    assert r.status_code == 303
    key = r.headers["location"].removeprefix("/people/")
    assert re.fullmatch(r"p-[0-9a-f]{10}", key)  # nothing of the name in addresses
    with web.ctx.uow() as uow:
        h = uow.people.get(key)
        coach_account = uow.accounts.by_email("coach@example.org")
        assert coach_account is not None
        assert uow.accounts.is_coached_by(key, coach_account.id)
        assert h.person.name == "Ada Lovelace"
        assert h.intake is not None
        assert [a.value for a in h.intake.activities] == ["running", "lifting"]
        assert h.intake.goals == ["Squat deeper", "Run 10 km"]
        assert [a.action for a in uow.accounts.audit_for(key)] == ["client_added"]
        stored = uow.people.get_decision(key)
        assert stored is not None
        assert stored.status == "screen_needed"
    page = coach.get(f"/people/{key}")
    assert page.status_code == 200
    assert "Ada Lovelace is on your list" in html.unescape(page.text)
    assert "The red-flag screen comes first" in page.text
    listed = _rows(coach.get("/coach").text)
    assert [(row["name"], row["badges"]) for row in listed] == [
        ("Ada Lovelace", [("Screen needed", "warn")])]


def test_add_client_with_bad_input_keeps_it_and_stores_nothing(web: Web,
                                                               coach: WebClient) -> None:
    r = coach.form("/coach/clients", {"name": "   ", "activities": ["lifting"],
                                      "goals": "Deadlift without toe raise"})
    assert r.status_code == 422
    assert "Give the client&#39;s name." in r.text
    assert "Deadlift without toe raise" in r.text  # the goals are kept
    assert re.search(r'value="lifting"\s+checked', r.text)
    r = coach.form("/coach/clients", {"name": "Ben Long", "goals": "x" * 201})
    assert r.status_code == 422
    assert 'value="Ben Long"' in r.text
    assert "Keep each goal to 200 characters" in r.text
    r = coach.form("/coach/clients", {"name": "Ben Long", "activities": ["knitting"]})
    assert r.status_code == 422
    assert "Choose from the activities listed" in r.text
    r = coach.form("/coach/clients", {"name": "B" * 121})
    assert r.status_code == 422
    assert "1 to 120 characters" in r.text
    with web.ctx.uow() as uow:
        assert uow.people.list() == []


# --- who may see it -----------------------------------------------------------------------


def test_clients_and_self_coached_people_get_no_client_list(
        web: Web, coach: WebClient, client_of_coach: WebClient, self_coached: WebClient) -> None:
    web.add_client("coach@example.org", "Tara Target")
    for who in (client_of_coach, self_coached):
        r = who.get("/coach")
        assert r.status_code == 403
        assert "Tara Target" not in r.text
        r = who.form("/coach/clients", {"name": "Sneaky Added"})
        assert r.status_code == 403
    with web.ctx.uow() as uow:
        assert "Sneaky Added" not in {p.name for p in uow.people.list()}


def test_signed_out_the_dashboard_asks_to_sign_in(web: Web) -> None:
    b = web.browser()
    r = b.get("/coach")
    assert r.status_code == 303
    assert r.headers["location"] == "/sign-in?next=/coach"
    r = b.form("/coach/clients", {"name": "Nobody Added"})
    assert r.status_code == 303
    assert r.headers["location"].startswith("/sign-in")
    with web.ctx.uow() as uow:
        assert uow.people.list() == []


def test_a_coach_sees_only_their_own_clients(web: Web, coach: WebClient,
                                             other_coach: WebClient) -> None:
    mine = web.add_client("coach@example.org", "Mina Mine")
    theirs = web.add_client("other@example.org", "Theo Theirs")
    r = coach.get("/coach")
    assert "Mina Mine" in r.text
    assert mine in r.text
    assert "Theo Theirs" not in r.text
    assert theirs not in r.text
    r = other_coach.get("/coach")
    assert "Theo Theirs" in r.text
    assert "Mina Mine" not in r.text
    assert mine not in r.text


def test_the_dashboard_survives_a_record_the_engine_refuses(web: Web, coach: WebClient) -> None:
    h = _person("odd", "Otto Odd", TODAY)
    key = _store(web, "coach@example.org", h)
    with web.ctx.uow() as uow:  # an override to a stage the protocol does not have
        uow.people.add_override(key, Override(date=TODAY, stage=9, reason="typo", by="x"))
        uow.commit()
    web.add_client("coach@example.org", "Nora Normal")
    r = coach.get("/coach")
    assert r.status_code == 200
    rows = {row["name"]: row for row in _rows(r.text)}
    assert rows["Otto Odd"]["badges"] == [("Check the record", "bad")]
    assert ("Screen needed", "warn") in rows["Nora Normal"]["badges"]
    with web.ctx.uow() as uow:
        assert uow.people.get_decision(key) is None


def test_summary_keeps_the_last_stage_change(web: Web) -> None:
    h = _cast(web)["Fay Flare"]
    ev = evaluation.evaluate(history=h, protocol=web.ctx.protocol, library=web.ctx.library,
                             as_of=TODAY)
    change = evaluation.summary(ev.decision)["last_change"]
    assert isinstance(change, dict)
    last = ev.decision.timeline[-1]
    assert change == {"date": last.date.isoformat(), "kind": last.kind,
                      "from_stage": last.from_stage, "to_stage": last.to_stage,
                      "cause": last.cause}
