"""The coach's client list with many clients: search, filters, sorting, pages, "last logged",
targets kept this week and last, why each client needs attention, and one status each.

Most tests store people with a decision already made for today (as ``anklet reevaluate``
leaves them), so the list reads them as they are; the last ones let the engine decide real
histories."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from webtools import Web, WebClient

from anklet.domain.history import Availability, History, Intake, Person
from anklet.services import accounts as account_service
from anklet.services import evaluation
from anklet.services.demo import Script, simulate

TODAY = dt.date.today()
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())
COACH = "coach@example.org"

_ROW = re.compile(r'<tr class="([^"]*)">(.*?)</tr>', re.S)
_NAME = re.compile(r'class="client-name" href="/people/([^"]+)">([^<]+)</a>')
_STATUS = re.compile(r'<span class="status status-(\w+)">([^<]+)</span>')


def _rows(page: str) -> list[dict[str, Any]]:
    out = []
    for classes, body in _ROW.findall(page):
        m = _NAME.search(body)
        if m is None:
            continue
        status = _STATUS.search(body)
        text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))).strip()
        out.append({"key": m.group(1), "name": html.unescape(m.group(2)),
                    "classes": classes.split(), "text": text,
                    "status": status.group(1) if status else None})
    return out


def _names(page: str) -> list[str]:
    return [r["name"] for r in _rows(page)]


def _summary(stage_name: str | None = "Ankle", flags: tuple[str, ...] = (), *,
             logged: int | None = 1, this: int | None = 50, last: int | None = 80,
             gate: tuple[int, int] = (3, 10)) -> dict[str, Any]:
    return {"stage_name": stage_name, "stage_since": None, "flags": list(flags),
            "gate_met": gate[0], "gate_total": gate[1], "last_change": None,
            "last_logged": None if logged is None else (TODAY - dt.timedelta(days=logged))
            .isoformat(), "this_week_pct": this, "last_week_pct": last}


def _store(web: Web, people: list[dict[str, Any]]) -> dict[str, str]:
    """People on the coach's list, each with a decision stored for today; name → key."""
    with web.ctx.uow() as uow:
        coach = uow.accounts.by_email(COACH)
        assert coach is not None
        histories = [History(person=Person(id=f"p{i:04d}", name=p["name"],
                                           created=TODAY - dt.timedelta(days=30)))
                     for i, p in enumerate(people)]
        uow.people.add_many(histories)
        for h in histories:
            uow.accounts.set_coach(h.person.id, coach.id)
        uow.people.save_decisions([
            {"key": h.person.id, "as_of": TODAY, "stage": p.get("stage", 2),
             "status": p.get("status", "working"), "clear_to_train": p.get("status") == "clear",
             "summary": p.get("summary") or _summary()}
            for h, p in zip(histories, people, strict=True)])
        uow.commit()
    return {h.person.id: h.person.name for h in histories}


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


def _cast(web: Web) -> None:
    _store(web, [
        {"name": "Ada Attention", "summary": _summary(flags=("missed_sessions",), last=40)},
        {"name": "Ben Calm", "summary": _summary(logged=0, this=90, last=100)},
        {"name": "Cara Clear", "stage": 4, "status": "clear",
         "summary": _summary("Maintain", ("clear_to_train",), logged=2, this=70, last=100)},
        {"name": "Dan Slipping", "stage": 4, "status": "clear",
         "summary": _summary("Maintain", ("clear_to_train", "maintenance_slipping"),
                             logged=9, this=0, last=20)},
        {"name": "Eve Referred", "stage": 1, "status": "refer",
         "summary": _summary("Foot", ("red_flag",), logged=None, this=None, last=None)},
        {"name": "Fred Foot", "stage": 1,
         "summary": _summary("Foot", ("ready_to_advance",), logged=1, this=100, last=100,
                             gate=(2, 2))},
        {"name": "Gil New", "stage": None, "status": "screen_needed",
         "summary": _summary(None, ("screen_needed",), logged=None, this=None, last=None)},
    ])


# --- search, filters, sorting -------------------------------------------------------------


def test_search_by_part_of_a_name_ignores_case(web: Web, coach: WebClient) -> None:
    _cast(web)
    r = coach.get("/coach", params={"q": "  cAL "})
    assert r.status_code == 200
    assert _names(r.text) == ["Ben Calm"]
    assert "Showing 1–1 of 1 matching client" in r.text
    assert 'value="cAL"' in r.text  # the search stays in its box


def test_search_with_no_match_says_so(web: Web, coach: WebClient) -> None:
    _cast(web)
    r = coach.get("/coach", params={"q": "Zed"})
    assert r.status_code == 200
    assert _names(r.text) == []
    assert "No client matches" in r.text


@pytest.mark.parametrize(("params", "expected"), [
    ({"status": "clear"}, ["Cara Clear"]),
    ({"status": "slipping"}, ["Dan Slipping"]),
    ({"status": "refer"}, ["Eve Referred"]),
    ({"stage": "1"}, ["Eve Referred", "Fred Foot"]),
    ({"stage": "none"}, ["Gil New"]),
    ({"flag": "missed"}, ["Ada Attention", "Dan Slipping"]),
    ({"flag": "ready_to_advance"}, ["Fred Foot"]),
    ({"flag": "attention"}, ["Eve Referred", "Gil New", "Ada Attention", "Dan Slipping",
                             "Fred Foot"]),
    ({"flag": "no_sign_in", "stage": "4"}, ["Dan Slipping", "Cara Clear"]),
])
def test_filter_by_status_stage_and_flag(web: Web, coach: WebClient, params: dict[str, str],
                                         expected: list[str]) -> None:
    _cast(web)
    r = coach.get("/coach", params=params)
    assert r.status_code == 200
    assert _names(r.text) == expected


@pytest.mark.parametrize(("sort", "expected"), [
    ("name", ["Ada Attention", "Ben Calm", "Cara Clear", "Dan Slipping", "Eve Referred",
              "Fred Foot", "Gil New"]),
    # never logged first, then the longest ago
    ("last_logged", ["Eve Referred", "Gil New", "Dan Slipping", "Cara Clear", "Ada Attention",
                     "Fred Foot", "Ben Calm"]),
    # the lowest share of last week's targets first; those with no figure last
    # (then this week's so far)
    ("adherence", ["Dan Slipping", "Ada Attention", "Cara Clear", "Ben Calm", "Fred Foot",
                   "Eve Referred", "Gil New"]),
    ("status", ["Eve Referred", "Gil New", "Dan Slipping", "Ada Attention", "Fred Foot",
                "Ben Calm", "Cara Clear"]),
    ("attention", ["Eve Referred", "Gil New", "Ada Attention", "Dan Slipping", "Fred Foot",
                   "Ben Calm", "Cara Clear"]),
])
def test_sort_orders_the_list(web: Web, coach: WebClient, sort: str,
                              expected: list[str]) -> None:
    _cast(web)
    r = coach.get("/coach", params={"sort": sort})
    assert r.status_code == 200
    assert _names(r.text) == expected
    assert f'<option value="{sort}" selected>' in r.text


@pytest.mark.parametrize(("field", "value"), [("status", "happy"), ("stage", "7"),
                                              ("flag", "bad"), ("sort", "age"),
                                              ("page", "-2")])
def test_a_choice_not_offered_is_named_and_the_list_still_shows(
        web: Web, coach: WebClient, field: str, value: str) -> None:
    _cast(web)
    r = coach.get("/coach", params={field: value})
    assert r.status_code == 422
    text = html.unescape(r.text)
    assert f"“{value}”" in text  # the value, named
    assert len(_rows(r.text)) == 7  # that field is left out; everyone is listed


# --- what each row says -------------------------------------------------------------------


def test_rows_say_last_logged_and_targets_kept(web: Web, coach: WebClient) -> None:
    _cast(web)
    rows = {r["name"]: r["text"] for r in _rows(coach.get("/coach").text)}
    assert "Logged today" in rows["Ben Calm"]
    assert "Logged yesterday" in rows["Fred Foot"]
    assert "Logged 9 days ago" in rows["Dan Slipping"]
    assert "Nothing logged yet" in rows["Gil New"]
    assert "This week so far 90 % last week 100 %" in rows["Ben Calm"]
    assert "on hold" in rows["Eve Referred"]


def test_every_attention_says_why_in_plain_words(web: Web, coach: WebClient) -> None:
    _cast(web)
    rows = {r["name"]: r["text"] for r in _rows(coach.get("/coach").text)}
    assert "Kept 40 % of last week's targets." in rows["Ada Attention"]
    assert "Kept 20 % of last week's maintenance routine." in rows["Dan Slipping"]
    assert "should see a clinician before any exercise" in rows["Eve Referred"]
    assert "Meets all 2 criteria for the next stage" in rows["Fred Foot"]
    assert "start with the assessment" in rows["Gil New"]
    assert "Nothing today" in rows["Ben Calm"]


def test_each_client_has_one_status(web: Web, coach: WebClient) -> None:
    _cast(web)
    rows = {r["name"]: r for r in _rows(coach.get("/coach").text)}
    # clear to train and slipping: the slip is the status, clearance a note
    assert rows["Dan Slipping"]["status"] == "slipping"
    assert "Maintenance slipping" in rows["Dan Slipping"]["text"]
    assert "Still clear to train" in rows["Dan Slipping"]["text"]
    assert "Clear to train" not in rows["Dan Slipping"]["text"].replace("clear to train", "")
    assert rows["Cara Clear"]["status"] == "clear"
    assert "attention" not in rows["Cara Clear"]["classes"]  # clear is nothing to act on
    for r in rows.values():
        assert r["text"].count("Clear to train") <= 1


# --- many clients: pages, and a bounded number of queries ---------------------------------


def test_pages_of_fifty_keep_the_query_in_their_links(web: Web, coach: WebClient) -> None:
    _store(web, [{"name": f"Client {i:03d}"} for i in range(120)]
           + [{"name": f"Other {i:03d}"} for i in range(5)])
    first = coach.get("/coach")
    assert _names(first.text) == [f"Client {i:03d}" for i in range(50)]
    assert "Showing 1–50 of 125" in first.text
    assert 'href="/coach?page=2"' in first.text

    r = coach.get("/coach", params={"q": "client", "sort": "name", "page": "2"})
    assert r.status_code == 200
    assert _names(r.text) == [f"Client {i:03d}" for i in range(50, 100)]
    assert "Showing 51–100 of 120 matching clients" in r.text
    links = {html.unescape(m) for m in re.findall(r'href="(/coach\?[^"]*)"', r.text)}
    assert "/coach?q=client&sort=name&page=3" in links  # next
    assert "/coach?q=client&sort=name" in links  # previous: page 1
    assert 'aria-current="page">2<' in r.text

    last = coach.get("/coach", params={"q": "client", "page": "9"})  # past the end: the last
    assert _names(last.text) == [f"Client {i:03d}" for i in range(100, 120)]


def test_five_hundred_clients_take_the_same_few_queries_as_ten(web: Web,
                                                               coach: WebClient) -> None:
    _store(web, [{"name": f"Client {i:03d}", "summary": _summary(last=i % 101)}
                 for i in range(500)])
    coach.get("/coach")  # the first visit of a session reads the account once more
    with _count_queries(web) as many:
        r = coach.get("/coach", params={"sort": "adherence", "page": "3"})
    assert r.status_code == 200
    assert len(_rows(r.text)) == 50
    assert "Showing 101–150 of 500" in r.text
    with web.ctx.uow() as uow:
        for i in range(10, 500):
            uow.people.delete(f"p{i:04d}")
        uow.commit()
    with _count_queries(web) as few:
        coach.get("/coach", params={"sort": "adherence"})
    assert len(many) == len(few) <= 6, many


# --- the engine's own decisions -----------------------------------------------------------


def _person(key: str, name: str, start: dt.date) -> History:
    return History(person=Person(id=key, name=name, created=start), intake=Intake(date=start),
                   availability=Availability(mon=25, tue=20, wed=30, thu=20, fri=25, sat=45,
                                             sun=20))


def _add(web: Web, h: History) -> None:
    with web.ctx.uow() as uow:
        coach = uow.accounts.by_email(COACH)
        assert coach is not None
        uow.people.add(h)
        uow.accounts.set_coach(h.person.id, coach.id)
        uow.commit()


def test_cleared_client_who_slips_shows_one_status_with_clearance_as_a_note(
        web: Web, coach: WebClient) -> None:
    start = MONDAY - dt.timedelta(weeks=10)
    last_week = MONDAY - dt.timedelta(days=7)
    h = simulate(_person("cleo", "Cleo Slips", start), weeks=11, script=Script(
        retest_every=2, left_k2w=lambda w: min(12.0, 9.0 + 0.5 * w),
        right_k2w=lambda w: min(12.5, 10.0 + 0.4 * w),
        skip=lambda w, d: start + dt.timedelta(days=7 * w + d) >= last_week),
        protocol=web.ctx.protocol, library=web.ctx.library, until=TODAY)
    _add(web, h)
    r = coach.get("/coach")
    with web.ctx.uow() as uow:
        stored = uow.people.get_decision("cleo")
    assert stored is not None
    assert stored.summary is not None
    if stored.status != "clear" or "maintenance_slipping" not in stored.summary["flags"]:
        pytest.skip(f"the engine decided {stored.status} {stored.summary['flags']} here")
    row = _rows(r.text)[0]
    assert row["status"] == "slipping"
    assert "Still clear to train" in row["text"]
    assert "Kept 0 % of last week's maintenance routine." in row["text"]


def test_targets_kept_are_the_weeks_adherence(web: Web, coach: WebClient) -> None:
    start = MONDAY - dt.timedelta(weeks=4)
    h = simulate(_person("abe", "Abe Steady", start), weeks=5,
                 script=Script(retest_every=2, skip=lambda w, d: d in (1, 3)),
                 protocol=web.ctx.protocol, library=web.ctx.library, until=TODAY)
    _add(web, h)
    coach.get("/coach")  # decided and stored on the way
    with web.ctx.uow() as uow:
        stored = uow.people.get_decision("abe")
        _, this = evaluation.adherence(uow, key="abe", protocol=web.ctx.protocol,
                                       library=web.ctx.library, week_start=MONDAY,
                                       as_of=TODAY)
        _, last = evaluation.adherence(uow, key="abe", protocol=web.ctx.protocol,
                                       library=web.ctx.library,
                                       week_start=MONDAY - dt.timedelta(days=7), as_of=TODAY)
    assert stored is not None
    assert stored.summary is not None
    assert stored.summary["this_week_pct"] == round(this.pct)
    assert stored.summary["last_week_pct"] == round(last.pct)
    assert stored.summary["last_logged"] == max(s.date for s in h.sessions).isoformat()


def test_api_people_list_gives_the_same_activity_figures(web: Web, coach: WebClient) -> None:
    _cast(web)
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email(COACH)
        assert account is not None
        token = account_service.create_token(uow, account=account, name="tests")
        uow.commit()
    r = web.browser().get("/api/v1/people", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text
    rows = {p["name"]: p["summary"] for p in r.json()["data"]}
    assert rows["Ben Calm"]["last_logged"] == TODAY.isoformat()
    assert (rows["Ben Calm"]["this_week_pct"], rows["Ben Calm"]["last_week_pct"]) == (90, 100)
    assert rows["Eve Referred"]["last_week_pct"] is None
