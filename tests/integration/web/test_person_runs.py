"""Removing a planned run from the person page: each run in the list has a Remove button (a
form of its own with the CSRF token and the run's details); removing takes the run, and the
gait drills before it, out of the week; a run that is gone already is a plain message; a
tampered form is refused; nobody else can remove anything. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from webtools import Web, WebClient

from anklet.domain.history import (
    Availability,
    History,
    Intake,
    Override,
    Person,
    PlannedRun,
    RunKind,
    Screening,
)

TODAY = dt.date.today()
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())
SUNDAY = MONDAY + dt.timedelta(days=6)
COACH = "coach@example.org"
HILL = PlannedRun(date=SUNDAY, kind=RunKind.LONG, minutes=90, title="Hill loop")
EASY = PlannedRun(date=SUNDAY - dt.timedelta(days=2), kind=RunKind.EASY)
REMOVE = "/runs/remove"


class _Forms(HTMLParser):
    """The page's forms: action, fields (name -> value) and the deepest nesting seen."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.depth = self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)
            self.forms.append((a.get("action") or "", {}))
        elif tag == "input" and self.depth and a.get("name"):
            self.forms[-1][1][a["name"] or ""] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.depth -= 1


def _forms(page: str) -> _Forms:
    p = _Forms()
    p.feed(page)
    return p


def _remove_forms(page: str, key: str) -> list[dict[str, str]]:
    """What each Remove button would post, as a browser would (CSRF token included)."""
    return [fields for action, fields in _forms(page).forms
            if action == f"/people/{key}{REMOVE}"]


def _text(page: str) -> str:
    no_tags = re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", " ", page, flags=re.S))
    return re.sub(r"\s+", " ", html.unescape(no_tags))


def _sunday_row(page: str) -> str:
    """The words of this week's table row for Sunday."""
    rows = re.findall(r"<tr[^>]*>\s*<td><strong>Sun</strong>.*?</tr>", page, re.S)
    assert len(rows) == 1
    return _text(rows[0])


def _store(web: Web, *runs: PlannedRun, key: str = "rosa", name: str = "Rosa Runner",
           coach_email: str | None = COACH) -> str:
    """A person in stage 3 (set by hand, red-flag screen clear) with time every day."""
    start = MONDAY - dt.timedelta(days=14)
    with web.ctx.uow() as uow:
        uow.people.add(History(
            person=Person(id=key, name=name, created=start), intake=Intake(date=start),
            screenings=[Screening(date=start, red_flags={f.id: False
                                                         for f in web.ctx.protocol.red_flags})],
            overrides=[Override(date=start, stage=3, reason="Moves well.", by=COACH)],
            availability=Availability(mon=30, tue=30, wed=30, thu=30, fri=30, sat=30, sun=30),
            planned_runs=list(runs)))
        if coach_email is not None:
            coach = uow.accounts.by_email(coach_email)
            assert coach is not None
            uow.accounts.set_coach(key, coach.id)
        uow.commit()
    return key


def _runs(web: Web, key: str) -> list[PlannedRun]:
    with web.ctx.uow() as uow:
        return uow.people.planned_runs(key)


def _flash(b: WebClient, r: Any) -> str:
    """The flash message the redirect leads to, from the page it names."""
    assert r.status_code == 303, r.text[:300]
    page = b.get(r.headers["location"].split("#")[0])
    found = re.findall(r'<p class="flash (flash-\w+)" role="status">(.*?)</p>', page.text, re.S)
    assert len(found) == 1, found
    return f"{found[0][0]}: {html.unescape(found[0][1])}"


def test_each_listed_run_has_its_own_remove_form(web: Web, coach: WebClient) -> None:
    key = _store(web, HILL, EASY, HILL.model_copy(update={"date": MONDAY - dt.timedelta(days=1)}))
    page = coach.get(f"/people/{key}").text
    forms = _forms(page)
    assert forms.deepest == 1  # no form inside another (the add form keeps to itself)
    removes = _remove_forms(page, key)
    token = removes[0]["csrf_token"]
    assert token
    # the runs from this week on, by date; last week's run is not listed
    assert removes == [
        {"csrf_token": token, "date": EASY.date.isoformat(), "kind": "easy", "title": ""},
        {"csrf_token": token, "date": SUNDAY.isoformat(), "kind": "long", "minutes": "90",
         "title": "Hill loop"}]
    assert f'aria-label="Remove the long run on {SUNDAY:%a %-d %b}"' in page


def test_removing_a_run_takes_it_and_its_gait_drills_out_of_the_week(
        web: Web, coach: WebClient) -> None:
    key = _store(web, HILL, EASY, HILL)
    page = coach.get(f"/people/{key}").text
    assert "Gait drills (before the run)" in _sunday_row(page)
    hill_form = _remove_forms(page, key)[-1]
    # the run was added twice: one goes, the other keeps the gait drills
    r = coach.post(f"/people/{key}{REMOVE}", data=hill_form)
    assert r.headers["location"] == f"/people/{key}#runs"
    assert _flash(coach, r) == (f"flash-ok: Removed: Long run on {SUNDAY:%a %-d %b}, 90 min, "
                                "“Hill loop”.")
    assert _runs(web, key) == [EASY, HILL]
    page = coach.get(f"/people/{key}").text
    assert "Gait drills (before the run)" in _sunday_row(page)
    r = coach.post(f"/people/{key}{REMOVE}", data=_remove_forms(page, key)[-1])
    assert _flash(coach, r).endswith("“Hill loop”. Its gait drills are out of the plan.")
    assert _runs(web, key) == [EASY]
    page = coach.get(f"/people/{key}").text
    sunday = _sunday_row(page)
    assert "before the run" not in sunday
    assert "Long run" not in sunday
    assert "Hill loop" not in _text(page).split("Plan a run")[-1].split("Stage history")[0]
    assert len(_remove_forms(page, key)) == 1
    # who removed what, in the history a coach reads
    assert (f"{COACH} Run removed — date: {SUNDAY.isoformat()}; kind: long; minutes: 90; "
            "title: Hill loop") in _text(page)


def test_a_run_removed_already_is_a_plain_message(web: Web, coach: WebClient) -> None:
    key = _store(web, HILL, EASY)
    form = _remove_forms(coach.get(f"/people/{key}").text, key)[-1]
    assert _flash(coach, coach.post(f"/people/{key}{REMOVE}", data=form)).startswith(
        "flash-ok: Removed")
    r = coach.post(f"/people/{key}{REMOVE}", data=form)  # the same button again (another tab)
    assert _flash(coach, r) == ("flash-warn: That run is not planned any more (removed already, "
                                "perhaps in another window): nothing was changed.")
    assert _runs(web, key) == [EASY]


def test_two_removals_before_the_page_shows_both_messages(web: Web, coach: WebClient) -> None:
    key = _store(web, HILL, EASY)
    easy, hill = _remove_forms(coach.get(f"/people/{key}").text, key)
    assert coach.post(f"/people/{key}{REMOVE}", data=hill).status_code == 303
    assert coach.post(f"/people/{key}{REMOVE}", data=easy).status_code == 303
    words = _text(coach.get(f"/people/{key}").text)
    assert f"Removed: Long run on {SUNDAY:%a %-d %b}, 90 min, “Hill loop”." in words
    assert f"Removed: Easy run on {EASY.date:%a %-d %b}." in words
    assert _runs(web, key) == []


def test_a_title_kept_as_typed_elsewhere_is_removed_as_the_list_shows_it(
        web: Web, self_coached: WebClient) -> None:
    """Titles from the command line or a calendar file keep their spaces and line breaks; a
    browser sends a line break as CR LF: the run the button belongs to is still found."""
    key = self_coached.person_key
    assert key is not None
    odd = PlannedRun(date=SUNDAY, kind=RunKind.RACE, title="  Club 10k\nbring pins ")
    with web.ctx.uow() as uow:
        uow.people.add_planned_run(key, odd)
        uow.commit()
    form = _remove_forms(self_coached.get(f"/people/{key}").text, key)[0]
    assert form["title"] == odd.title
    r = self_coached.post(f"/people/{key}{REMOVE}",
                          data={**form, "title": form["title"].replace("\n", "\r\n")})
    assert _flash(self_coached, r) == (f"flash-ok: Removed: Race on {SUNDAY:%a %-d %b}, "
                                       "“Club 10k bring pins”.")
    assert _runs(web, key) == []


@pytest.mark.parametrize("change", [
    {"date": "next sunday"}, {"date": ""}, {"kind": "sprint"}, {"kind": None},
    {"minutes": "ninety"}, {"minutes": "0"},
])
def test_a_tampered_remove_form_is_refused_and_removes_nothing(
        web: Web, coach: WebClient, change: dict[str, str | None]) -> None:
    key = _store(web, HILL)
    form = {**_remove_forms(coach.get(f"/people/{key}").text, key)[0], **change}
    r = coach.post(f"/people/{key}{REMOVE}", data={k: v for k, v in form.items() if v is not None})
    assert r.status_code == 422
    assert "use the Remove button next to it" in html.unescape(r.text)
    assert _runs(web, key) == [HILL]


def test_a_changed_detail_matches_no_run_and_removes_nothing(web: Web, coach: WebClient) -> None:
    key = _store(web, HILL, HILL.model_copy(update={"title": None}))
    form = next(f for f in _remove_forms(coach.get(f"/people/{key}").text, key)
                if f["title"] == "")  # the run without a title
    for change in ({"minutes": "91"}, {"title": "Hill loops"}, {"kind": "race"},
                   {"date": MONDAY.isoformat()}):
        r = coach.post(f"/people/{key}{REMOVE}", data={**form, **change})
        assert _flash(coach, r).startswith("flash-warn: That run is not planned any more")
    assert len(_runs(web, key)) == 2
    r = coach.post(f"/people/{key}{REMOVE}", data=form)
    assert _runs(web, key) == [HILL]  # the one without a title went; the titled one stays


def test_nobody_else_can_remove_a_run(web: Web, coach: WebClient, other_coach: WebClient,
                                      client_of_coach: WebClient,
                                      self_coached: WebClient) -> None:
    key = _store(web, HILL, key="tara", name="Tara Target")
    form = _remove_forms(coach.get(f"/people/{key}").text, key)[0]
    url = f"/people/{key}{REMOVE}"
    fields = {k: v for k, v in form.items() if k != "csrf_token"}
    signed_out = web.browser()
    for who, expected in ((other_coach, 404), (self_coached, 404), (client_of_coach, 403),
                          (signed_out, 303)):
        r = who.form(url, fields)
        assert r.status_code == expected, (who.account_email, r.status_code)
        assert "Tara Target" not in r.text
        if expected == 303:
            assert r.headers["location"].startswith("/sign-in")
        if expected == 404:  # exactly as for nobody at all
            missing = who.form(f"/people/no-such-person{REMOVE}", fields)
            assert r.text.replace(key, "X") == missing.text.replace("no-such-person", "X")
    # a client's own run is their coach's to change, as adding one is
    own = client_of_coach.person_key
    assert own is not None
    with web.ctx.uow() as uow:
        uow.people.add_planned_run(own, HILL)
        uow.commit()
    assert client_of_coach.form(f"/people/{own}{REMOVE}", fields).status_code == 403
    assert _runs(web, own) == [HILL]
    # without the CSRF token, not even the coach
    assert coach.post(url, data=fields).status_code == 403
    assert _runs(web, key) == [HILL]
    with web.ctx.uow() as uow:
        assert not [a for a in uow.accounts.audit_for(key) if a.action == "planned_run_removed"]
    assert coach.post(url, data=form).status_code == 303
    assert _runs(web, key) == []
