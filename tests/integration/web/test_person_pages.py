"""The person page (stage, checklist, charts, plan, history, overrides, audit), the assessment
form, overrides, a client's sign-in, deleting a client, availability and planned runs; every
route tried as the coach, another coach, a client, a self-coached person and signed out."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from webtools import PASSWORD, Web, WebClient

from anklet.domain.decisions import decide
from anklet.domain.history import (
    Availability,
    History,
    Intake,
    Measurement,
    Person,
    Screening,
)
from anklet.domain.views import decision_dict
from anklet.services.demo import Script, simulate
from anklet.web.pages.person import threshold_text
from anklet.web.templating import _cite
from anklet.web.words import parts, plain

TODAY = dt.date.today()
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())
COACH = "coach@example.org"


def _text(page: str) -> str:
    """The page's words: tags dropped, entities decoded, spaces squeezed."""
    no_tags = re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", " ", page, flags=re.S))
    return re.sub(r"\s+", " ", html.unescape(no_tags))


def _store(web: Web, h: History, coach_email: str = COACH) -> str:
    with web.ctx.uow() as uow:
        coach = uow.accounts.by_email(coach_email)
        assert coach is not None
        uow.people.add(h)
        uow.accounts.set_coach(h.person.id, coach.id)
        uow.commit()
    return h.person.id


def _simulated(web: Web, key: str = "rosa", name: str = "Rosa Runner", weeks: int = 5,
               **script: Any) -> History:
    start = MONDAY - dt.timedelta(weeks=weeks)
    h = History(person=Person(id=key, name=name, created=start), intake=Intake(date=start),
                availability=Availability(mon=25, tue=20, wed=30, thu=20, fri=25, sat=45, sun=20))
    return simulate(h, weeks=weeks + 1, until=TODAY, protocol=web.ctx.protocol,
                    library=web.ctx.library,
                    script=Script(retest_every=2, left_k2w=lambda w: 7.0 + 0.5 * w,
                                  right_k2w=lambda w: 11.0, **script))


def _counts(web: Web, key: str) -> dict[str, Any]:
    """Everything a form on these pages could change, to check that nothing did."""
    with web.ctx.uow() as uow:
        if not uow.people.exists(key):
            return {"exists": False}
        h = uow.people.get(key)
        account = uow.accounts.by_person(key)
        return {"exists": True, "screenings": len(h.screenings),
                "measurements": len(h.measurements), "feet": len(h.foot_observations),
                "overrides": len(h.overrides), "runs": len(h.planned_runs),
                "intake": h.intake, "availability": h.availability,
                "account": account.email if account else None,
                "audit": len(uow.accounts.audit_for(key))}


def _assessment(web: Web, **changes: Any) -> dict[str, Any]:
    """A complete assessment form; ``changes`` replace fields (None leaves one out)."""
    data: dict[str, Any] = {
        "date": TODAY.isoformat(), "rater": "Casey", "dorsiflexion_kind": "knee_to_wall",
        "left_dorsiflexion": "8,5", "right_dorsiflexion": "11", "left_dorsiflexion_pain": "1",
        "left_heel_raise": "18", "right_heel_raise": "25",
        "left_y_balance_anterior": "60", "right_y_balance_anterior": "64", "leg_length": "88",
        "left_pain_rest": "1", "left_pain_activity": "3", "left_giving_way": "on",
        "right_pain_rest": "", "right_pain_activity": "0",
        "left_posture": "pronated", "left_arch": "collapsed",
        "left_sprains": "2", "left_last_sprain": "2024-06-01", "right_sprains": "0",
        "right_surgery": "on", "activities": ["running", "court_field_sport"],
        "goals": "Run a half marathon\nPlay five-a-side again",
    }
    for f in web.ctx.protocol.red_flags:
        data[f"rf_{f.id}"] = "no"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- the person page ----------------------------------------------------------------------


def test_person_page_shows_stage_checklist_plan_and_history(web: Web, coach: WebClient) -> None:
    key = _store(web, _simulated(web))
    r = coach.get(f"/people/{key}")
    assert r.status_code == 200
    words = _text(r.text)
    d = decide(_simulated(web), protocol=web.ctx.protocol, library=web.ctx.library, as_of=TODAY)
    data = decision_dict(d, web.ctx.protocol)
    assert f"Stage {d.stage} · {d.stage_name}" in words
    assert d.status_text in words
    for reason in d.reasons:  # in plain words ("Mon 2 Nov"), a long one folded into its parts
        head, items = parts(plain(reason, coach=True))
        assert head in words
        for item in items:
            assert item in words
    checklist = (data["gate"]["criteria"] if d.stage is not None and d.stage < 3
                 else [c for g in data["clearance"]["domains"] for c in g["criteria"]])
    assert checklist
    for c in checklist:  # the value that counts now, the threshold, met or not, the source
        row = re.search("<td>" + re.escape(html.escape(c["label"])) + r".*?</tr>", r.text, re.S)
        assert row, c["label"]
        cells = _text(row.group(0))
        assert c["value_text"] in cells
        assert threshold_text(c) in cells
        assert _cite(c["source"]) in cells  # "Silbernagel 2007", "Anklet's choice"
        assert ("✓" if c["met"] else ("✗" if c["assessed"] else "?")) in _text(
            r.text[max(0, row.start() - 400):row.start()])
    for a in d.asymmetries:
        assert a.reason in words
    assert r.text.count("<svg") >= 2  # the knee-to-wall and left/right charts
    for link in ("assess", "log", "plan", "progress", "plan.pdf", "calendar"):
        assert f'href="/people/{key}/{link}"' in r.text
    assert "This week" in words
    assert "Set the stage by hand" in words
    assert "Log of changes" in words
    with web.ctx.uow() as uow:
        stored = uow.people.get_decision(key)
    assert stored is not None
    assert (stored.as_of, stored.stage) == (TODAY, d.stage)


def test_a_test_taken_another_way_than_usual_says_how(web: Web, coach: WebClient) -> None:
    # the trend of one device cannot be read across another (evidence.md): a lunge angle
    # from a photo is marked as such, a tape measure (the usual way) is not
    key = _store(web, History(person=Person(id="pia", name="Pia Photo"),
                              intake=Intake(date=TODAY)))
    with web.ctx.uow() as uow:
        for side, kind, value, method in (("left", "lunge_angle", 31.5, "photo"),
                                          ("right", "knee_to_wall", 9.5, "tape")):
            uow.people.add_measurement(key, Measurement(date=TODAY, side=side, kind=kind,
                                                         value=value, method=method))
        uow.commit()
    words = _text(coach.get(f"/people/{key}").text)
    assert "31.5° (photo)" in words
    assert "9.5 cm" in words
    assert "(tape)" not in words


def test_a_test_too_old_to_count_is_shown_as_out_of_date(web: Web, coach: WebClient) -> None:
    # tested 29 days ago, one day past the protocol's re-test interval
    old = TODAY - dt.timedelta(days=29)
    key = _store(web, History(
        person=Person(id="otto", name="Otto Old"), intake=Intake(date=old),
        screenings=[Screening(date=old, red_flags={f.id: False
                                                   for f in web.ctx.protocol.red_flags})],
        measurements=[Measurement(date=old, side=side, kind="knee_to_wall", value=9.0)
                      for side in ("left", "right")]))
    page = coach.get(f"/people/{key}").text
    row = re.search(r"<td>Knee-to-wall distance.*?</tr>", page, re.S)
    assert row
    cells = _text(row.group(0))
    assert (f"Out of date: both sides last tested {old.isoformat()}, more than 28 days ago."
            in cells)
    assert "Re-test with: knee-to-wall test on both sides" in cells
    assert "out of date" in cells  # the value that counts now
    never = re.search(r"<td>Heel raises, weaker side.*?</tr>", page, re.S)
    assert never
    assert "Out of date" not in _text(never.group(0))
    assert "Fill it with: single-leg heel raises" in _text(never.group(0))
    # nor are the old tests compared left against right
    assert ("Left and right are compared once both sides have a test from the last 28 days."
            in _text(page))


def test_self_coached_person_sees_their_own_page_without_coach_tools(
        web: Web, self_coached: WebClient) -> None:
    key = self_coached.person_key
    r = self_coached.get(f"/people/{key}")
    assert r.status_code == 200
    assert "Sol Solo" in r.text
    assert "The red-flag screen comes first" in r.text
    for coach_only in ("Set the stage by hand", "Log of changes", "/delete", "/sign-in\""):
        assert coach_only not in r.text
    assert f'action="/people/{key}/availability"' in r.text
    assert f'<a href="/people/{key}">My stage</a>' in self_coached.get("/account").text


def test_a_client_is_sent_to_their_own_pages(client_of_coach: WebClient) -> None:
    r = client_of_coach.get(f"/people/{client_of_coach.person_key}")
    assert r.status_code == 303
    assert r.headers["location"] == "/me"


# --- the assessment -----------------------------------------------------------------------


def test_assessment_form_starts_from_the_intake(web: Web, coach: WebClient) -> None:
    key = _store(web, _simulated(web))
    r = coach.get(f"/people/{key}/assess")
    assert r.status_code == 200
    for f in web.ctx.protocol.red_flags:
        assert html.escape(f.question, quote=False).replace('"', "&#34;") in r.text \
            or html.escape(f.question) in r.text
        assert f'name="rf_{f.id}" value="yes"' in r.text
        assert f'name="rf_{f.id}" value="no" checked' not in r.text  # never pre-answered
    assert f'value="{TODAY.isoformat()}"' in r.text


def test_assessment_saves_everything_and_redecides(web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Ada Lovelace")
    r = coach.form(f"/people/{key}/assess", _assessment(web))
    assert r.status_code == 303, _text(r.text)[:2000]
    assert r.headers["location"] == f"/people/{key}"
    with web.ctx.uow() as uow:
        h = uow.people.get(key)
        stored = uow.people.get_decision(key)
        audit = uow.accounts.audit_for(key)
    (s,) = h.screenings
    assert s.date == TODAY
    assert set(s.red_flags) == {f.id for f in web.ctx.protocol.red_flags}
    assert not any(s.red_flags.values())
    assert (s.left.pain_rest, s.left.pain_activity, s.left.giving_way) == (1, 3, True)
    assert (s.right.pain_rest, s.right.swelling) == (0, False)
    got = {(m.kind.value, m.side.value): m for m in h.measurements}
    assert set(got) == {("knee_to_wall", "left"), ("knee_to_wall", "right"),
                        ("heel_raise", "left"), ("heel_raise", "right"),
                        ("y_balance_anterior", "left"), ("y_balance_anterior", "right")}
    assert got[("knee_to_wall", "left")].value == 8.5  # a decimal comma is read
    assert got[("knee_to_wall", "left")].pain == 1
    assert got[("knee_to_wall", "left")].method is not None
    assert got[("knee_to_wall", "left")].method.value == "tape"
    assert got[("y_balance_anterior", "right")].leg_length_cm == 88
    assert {m.rater for m in h.measurements} == {"Casey"}
    (foot,) = h.foot_observations
    assert (foot.side.value, foot.posture.value, foot.arch.value) == ("left", "pronated",
                                                                      "collapsed")
    assert h.intake is not None
    assert (h.intake.left.sprains, h.intake.left.last_sprain) == (2, dt.date(2024, 6, 1))
    assert h.intake.right.surgery
    assert not h.intake.left.surgery
    assert [a.value for a in h.intake.activities] == ["running", "court_field_sport"]
    assert h.intake.goals == ["Run a half marathon", "Play five-a-side again"]
    assert stored is not None
    assert (stored.as_of, stored.status) == (TODAY, "working")
    assert audit[0].action == "assessment_recorded"
    assert audit[0].actor == COACH
    page = coach.get(f"/people/{key}")
    words = _text(page.text)
    assert "Assessment saved for Ada Lovelace" in words
    assert "Stage 1 · Foot" in words
    assert "8.5 cm, pain 1/10" in words  # the new test in the history


def test_assessment_by_a_self_coached_person_for_themself(web: Web,
                                                        self_coached: WebClient) -> None:
    key = self_coached.person_key
    assert key is not None
    r = self_coached.form(f"/people/{key}/assess",
                          _assessment(web, dorsiflexion_kind="lunge_angle",
                                      left_dorsiflexion="32", right_dorsiflexion="38.5"))
    assert r.status_code == 303
    with web.ctx.uow() as uow:
        h = uow.people.get(key)
    words = _text(self_coached.get(r.headers["location"]).text)
    assert "Assessment saved: the screen, 6 test results and the intake." in words
    assert "What moves you to stage 2" in words
    lunges = sorted((m.side.value, m.value, m.method.value if m.method else None)
                    for m in h.measurements if m.kind.value == "lunge_angle")
    assert lunges == [("left", 32.0, "inclinometer"), ("right", 38.5, "inclinometer")]


def test_a_red_flag_says_which_answer_and_to_see_a_clinician(web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Reggie Referral")
    flag = web.ctx.protocol.red_flags[3]
    r = coach.form(f"/people/{key}/assess", _assessment(web, **{f"rf_{flag.id}": "yes"}))
    assert r.status_code == 303
    words = _text(coach.get(r.headers["location"]).text)
    assert f"“{flag.question}”" in words
    assert "See a clinician first" in words
    assert "should see a clinician before doing any of the exercises" in words
    assert "No exercises this week" in words
    with web.ctx.uow() as uow:
        stored = uow.people.get_decision(key)
        assert stored is not None
        assert stored.status == "refer"
        assert uow.accounts.audit_for(key)[0].detail["red_flags"] == [flag.id]
    board = coach.get("/coach").text
    assert "Red flag" in board


def test_assessment_with_bad_values_keeps_what_was_typed_and_stores_nothing(
        web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Bea Typo")
    before = _counts(web, key)
    flags = web.ctx.protocol.red_flags
    form = _assessment(web, left_dorsiflexion="30", right_heel_raise="lots",
                       left_pain_activity="11", right_sprains="-1",
                       left_side_hop="0.5", right_posture="neutral", leg_length="200",
                       date=(TODAY + dt.timedelta(days=2)).isoformat(),
                       goals="Keep this goal\nand this one",
                       **{f"rf_{flags[0].id}": None, f"rf_{flags[1].id}": "maybe"})
    r = coach.form(f"/people/{key}/assess", form)
    assert r.status_code == 422
    page = r.text
    assert "Nothing was saved yet" in page

    def error_of(field: str) -> str:
        m = re.search(rf'id="e-{field}">([^<]+)<', page)
        assert m, f"no error shown for {field}"
        return html.unescape(m.group(1))

    assert "out of range" in error_of("left_dorsiflexion")
    assert "25 cm" in error_of("left_dorsiflexion")
    assert "number" in error_of("right_heel_raise")
    assert "0 to 10" in error_of("left_pain_activity")
    assert "0 to 100" in error_of("right_sprains")
    assert "out of range" in error_of("left_side_hop")
    assert "40 to 130" in error_of("leg_length")
    assert "no later than today" in error_of("date")
    assert "Choose the arch too" in error_of("right_arch")
    for f in flags[:2]:  # unanswered questions say so in place
        block = re.search(rf'id="q-{f.id}".*?</fieldset>', page, re.S)
        assert block
        assert "Please answer yes or no." in block.group(0)
    for f in flags[2:]:
        assert f'name="rf_{f.id}" value="no" checked' in page  # the answers given are kept
    for kept in ('value="30"', 'value="lots"', 'value="11"', 'value="-1"', 'value="0.5"',
                 'value="200"', "Keep this goal\nand this one", 'value="Casey"'):
        assert kept in page, kept
    assert re.search(r'name="left_giving_way" checked', page)
    assert re.search(r'value="court_field_sport" checked', page)
    assert _counts(web, key) == before


def test_every_red_flag_question_must_be_answered(web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Una Answered")
    before = _counts(web, key)
    last = web.ctx.protocol.red_flags[-1]
    r = coach.form(f"/people/{key}/assess", _assessment(web, **{f"rf_{last.id}": None}))
    assert r.status_code == 422
    assert re.search(rf'id="q-{last.id}".*?Please answer yes or no', r.text, re.S)
    assert _counts(web, key) == before


def test_blank_tests_are_simply_not_recorded(web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Bo Blank")
    blank = {k: "" for k in _assessment(web) if k.startswith(("left_", "right_"))
             and not k.endswith(("pain_rest", "pain_activity", "sprains", "giving_way",
                                 "surgery", "last_sprain"))}
    r = coach.form(f"/people/{key}/assess",
                   _assessment(web, **blank, leg_length="", right_side_hop="9.2"))
    assert r.status_code == 303, _text(r.text)[:1500]
    with web.ctx.uow() as uow:
        h = uow.people.get(key)
    assert [(m.kind.value, m.side.value, m.value) for m in h.measurements] == [
        ("side_hop", "right", 9.2)]
    assert h.foot_observations == []
    assert len(h.screenings) == 1


# --- overrides ----------------------------------------------------------------------------


def test_coach_overrides_the_stage_with_a_reason(web: Web, coach: WebClient) -> None:
    key = _store(web, _simulated(web, weeks=2))
    r = coach.form(f"/people/{key}/override",
                   {"override_stage": "3", "override_reason": "Moves well; tested it myself."})
    assert r.status_code == 303
    with web.ctx.uow() as uow:
        h = uow.people.get(key)
        (o,) = h.overrides
        assert (o.stage, o.reason, o.by, o.date) == (3, "Moves well; tested it myself.", COACH,
                                                     TODAY)
        assert uow.accounts.audit_for(key)[0].action == "override"
        stored = uow.people.get_decision(key)
    assert stored is not None
    assert stored.stage == 3
    words = _text(coach.get(f"/people/{key}").text)
    assert "Stage set to 3" in words
    assert "Stage 3 · Build" in words
    assert f"set by {COACH}" in words
    assert "Moves well; tested it myself." in words


def test_an_override_needs_a_reason_and_a_real_stage(web: Web, coach: WebClient) -> None:
    key = _store(web, _simulated(web, weeks=2))
    before = _counts(web, key)
    r = coach.form(f"/people/{key}/override", {"override_stage": "3", "override_reason": " "})
    assert r.status_code == 422
    assert 'id="e-override_reason"' in r.text
    assert re.search(r'<option value="3" selected>', r.text)
    r = coach.form(f"/people/{key}/override",
                   {"override_stage": "7", "override_reason": "Keep this reason"})
    assert r.status_code == 422
    assert "Keep this reason" in r.text
    assert "1 to 4" in html.unescape(r.text)
    assert _counts(web, key) == before


# --- a client's sign-in -------------------------------------------------------------------


def test_coach_gives_a_client_a_sign_in_shown_once(web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Ada Lovelace")
    r = coach.form(f"/people/{key}/sign-in", {"signin_email": " Ada@Example.org "})
    assert r.status_code == 200
    m = re.search(r'<code class="secret">([^<]+)</code>', r.text)
    assert m
    password = html.unescape(m.group(1))
    assert "Pass this on to them yourself" in r.text
    assert "choose a password of their own" in r.text
    assert password not in coach.get(f"/people/{key}").text  # shown once only
    client = web.browser()
    assert client.sign_in("ada@example.org", password).status_code == 303
    assert client.get("/account/choose-password").status_code == 200  # a one-time password
    again = coach.form(f"/people/{key}/sign-in", {"signin_email": "second@example.org"})
    assert again.status_code == 409
    assert "already has a sign-in" in again.text
    with web.ctx.uow() as uow:
        assert uow.accounts.by_email("second@example.org") is None
        assert "client_sign_in_created" in [a.action for a in uow.accounts.audit_for(key)]


def test_a_bad_email_for_a_sign_in_is_shown_in_place(web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Ada Lovelace")
    r = coach.form(f"/people/{key}/sign-in", {"signin_email": "not-an-address"})
    assert r.status_code == 422
    assert 'id="e-signin_email"' in r.text
    assert 'value="not-an-address"' in r.text
    assert _counts(web, key)["account"] is None


# --- deleting a client --------------------------------------------------------------------


def test_deleting_a_client_needs_their_name(web: Web, coach: WebClient,
                                            client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    before = _counts(web, key)
    r = coach.form(f"/people/{key}/delete", {"confirm_name": "Someone Else"})
    assert r.status_code == 422
    assert "Type the client&#39;s name, Cleo Client, to confirm." in r.text
    assert _counts(web, key) == before
    r = coach.form(f"/people/{key}/delete", {"confirm_name": " cleo client "})
    assert r.status_code == 303
    assert r.headers["location"] == "/coach"
    assert _counts(web, key) == {"exists": False}
    with web.ctx.uow() as uow:
        assert uow.accounts.by_email("client@example.org") is None  # their sign-in too
    assert client_of_coach.get("/me").status_code == 303  # signed out: the account is gone
    board = coach.get("/coach").text
    assert "Deleted Cleo Client and everything recorded about them." in html.unescape(board)
    assert "Cleo Client" not in board.split("</p>", 1)[1]


# --- availability and planned runs --------------------------------------------------------


def test_availability_and_runs_change_the_plan(web: Web, coach: WebClient) -> None:
    key = _store(web, _simulated(web, weeks=2))
    r = coach.form(f"/people/{key}/availability",
                   {"mon": "30", "tue": "0", "wed": "15", "thu": "", "fri": "20", "sat": "60",
                    "sun": "10"})
    assert r.status_code == 303
    sunday = MONDAY + dt.timedelta(days=6)
    r = coach.form(f"/people/{key}/runs", {"run_date": sunday.isoformat(), "run_kind": "long",
                                           "run_minutes": "95", "run_title": "Sunday long run"})
    assert r.status_code == 303
    with web.ctx.uow() as uow:
        h = uow.people.get(key)
    assert h.availability == Availability(mon=30, tue=0, wed=15, thu=0, fri=20, sat=60, sun=10)
    assert [(x.date, x.kind.value, x.minutes, x.title) for x in h.planned_runs
            if x.title == "Sunday long run"] == [(sunday, "long", 95, "Sunday long run")]
    words = _text(coach.get(f"/people/{key}").text)
    assert "Long run planned for" in words
    assert "Sunday long run" in words
    assert "Long run 95 min" in words  # in this week's plan


def test_bad_availability_or_run_is_kept_and_not_stored(web: Web, coach: WebClient) -> None:
    key = _store(web, _simulated(web, weeks=2))
    before = _counts(web, key)
    r = coach.form(f"/people/{key}/availability",
                   {"mon": "300", "tue": "x", "wed": "15", "thu": "0", "fri": "0", "sat": "0",
                    "sun": "0"})
    assert r.status_code == 422
    assert 'value="300"' in r.text
    assert 'value="x"' in r.text
    assert "0 to 240 min" in html.unescape(r.text)
    assert 'id="e-tue"' in r.text
    r = coach.form(f"/people/{key}/runs", {"run_date": "next sunday", "run_kind": "sprint",
                                           "run_minutes": "0", "run_title": "Keep me"})
    assert r.status_code == 422
    for field in ("run_date", "run_kind", "run_minutes"):
        assert f'id="e-{field}"' in r.text
    assert 'value="next sunday"' in r.text
    assert 'value="Keep me"' in r.text
    assert _counts(web, key) == before


# --- who may do what ----------------------------------------------------------------------

ROUTES: list[tuple[str, str, dict[str, Any], bool]] = [
    # method, path under /people/{key}, form, coach only
    ("GET", "", {}, False),
    ("GET", "/assess", {}, False),
    ("POST", "/assess", {"date": TODAY.isoformat(), "left_dorsiflexion": "9"}, False),
    ("POST", "/override", {"override_stage": "4", "override_reason": "not yours to set"}, True),
    ("POST", "/sign-in", {"signin_email": "intruder@example.org"}, True),
    ("POST", "/delete", {"confirm_name": "Tara Target"}, True),
    ("POST", "/availability", {"mon": "60"}, False),
    ("POST", "/runs", {"run_date": TODAY.isoformat(), "run_kind": "race"}, False),
    ("POST", "/check-in", {"check_in_date": TODAY.isoformat(), "left_pain_rest": "1",
                           "left_pain_activity": "1", "left_swelling": "no",
                           "left_giving_way": "no", "right_pain_rest": "0",
                           "right_pain_activity": "0", "right_swelling": "no",
                           "right_giving_way": "no"}, False),
]


def _call(b: WebClient, method: str, url: str, form: dict[str, Any]) -> Any:
    return b.get(url) if method == "GET" else b.form(url, form)


@pytest.mark.parametrize(("method", "path", "form", "coach_only"), ROUTES,
                         ids=[f"{m} {p or '/'}" for m, p, _, _ in ROUTES])
def test_nobody_else_reaches_a_coachs_client(
        web: Web, coach: WebClient, other_coach: WebClient, client_of_coach: WebClient,
        self_coached: WebClient, method: str, path: str, form: dict[str, Any],
        coach_only: bool) -> None:
    key = _store(web, _simulated(web, key="tara", name="Tara Target", weeks=2))
    form = _assessment(web, **form) if path == "/assess" and method == "POST" else form
    before = _counts(web, key)
    url = f"/people/{key}{path}"
    signed_out = web.browser()
    tries = [(other_coach, 404), (self_coached, 403 if coach_only else 404),
             (client_of_coach, 303 if (method, path) == ("GET", "") else 403),
             (signed_out, 303)]
    for who, expected in tries:
        r = _call(who, method, url, form)
        assert r.status_code == expected, (who.account_email, r.status_code)
        assert "Tara Target" not in r.text
        if expected == 303:
            assert r.headers["location"] in ("/me", "/sign-in?next=/",
                                              f"/sign-in?next={url}")
        if expected == 404:  # someone else's person looks exactly like no one
            missing = _call(who, method, f"/people/no-such-person{path}", form)
            assert missing.status_code == 404
            assert r.text.replace(key, "X") == missing.text.replace("no-such-person", "X")
    assert _counts(web, key) == before
    with web.ctx.uow() as uow:
        assert uow.accounts.by_email("intruder@example.org") is None


@pytest.mark.parametrize(("method", "path", "form", "coach_only"), ROUTES,
                         ids=[f"{m} {p or '/'}" for m, p, _, _ in ROUTES])
def test_a_client_cannot_use_the_coach_pages_even_for_themself(
        web: Web, client_of_coach: WebClient, method: str, path: str, form: dict[str, Any],
        coach_only: bool) -> None:
    key = client_of_coach.person_key
    assert key is not None
    form = _assessment(web, **form) if path == "/assess" and method == "POST" else form
    form = {**form, "confirm_name": "Cleo Client"} if path == "/delete" else form
    before = _counts(web, key)
    r = _call(client_of_coach, method, f"/people/{key}{path}", form)
    assert r.status_code == (303 if (method, path) == ("GET", "") else 403)
    assert _counts(web, key) == before


@pytest.mark.parametrize("path", ["/override", "/sign-in", "/delete"])
def test_a_self_coached_person_cannot_use_the_coach_only_forms(
        web: Web, self_coached: WebClient, path: str) -> None:
    key = self_coached.person_key
    assert key is not None
    before = _counts(web, key)
    r = self_coached.form(f"/people/{key}{path}",
                          {"override_stage": "4", "override_reason": "skip ahead",
                           "signin_email": "x@example.org", "confirm_name": "Sol Solo"})
    assert r.status_code == 403
    assert _counts(web, key) == before


def test_signed_out_person_pages_go_to_sign_in(web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Tara Target")
    r = web.browser().get(f"/people/{key}/assess")
    assert r.status_code == 303
    assert r.headers["location"] == f"/sign-in?next=/people/{key}/assess"
    assert PASSWORD not in r.text


# --- the intake profile and the single-leg hop on the assessment ------------------------------


def test_assessment_saves_the_profile_and_single_leg_hops(web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Pia Profile")
    form = _assessment(web, age="34", sex="female", falls_12m="1", fear_of_falling="7",
                       goal_type="court_field_sport", left_single_leg_hop="10",
                       right_single_leg_hop="6")
    r = coach.form(f"/people/{key}/assess", form)
    assert r.status_code == 303, _text(r.text)[:2000]
    with web.ctx.uow() as uow:
        h = uow.people.get(key)
    assert h.intake is not None
    assert h.intake.age_on(TODAY) == 34
    assert (h.intake.sex, h.intake.falls_12m, h.intake.fear_of_falling, h.intake.goal_type) == (
        "female", 1, 7, "court_field_sport")
    hops = sorted((m.side.value, m.value) for m in h.measurements
                  if m.kind.value == "single_leg_hop")
    assert hops == [("left", 10.0), ("right", 6.0)]
    page = coach.get(f"/people/{key}/assess").text
    assert 'id="f-age" name="age" type="text" value="34"' in page
    assert '<option value="female" selected>' in page
    for label in ("Age", "Sex (used only to compare with published norms)",
                  "Falls in the last 12 months", "How afraid of falling are you? 0–10",
                  "What is your main goal?"):
        assert label in html.unescape(page), label


@pytest.mark.parametrize(("field", "value"), [
    ("age", "4"), ("age", "111"), ("sex", "other"), ("falls_12m", "101"),
    ("fear_of_falling", "11"), ("goal_type", "swimmer"), ("left_single_leg_hop", "11")])
def test_assessment_refuses_a_bad_profile_value_and_keeps_it(web: Web, coach: WebClient,
                                                             field: str, value: str) -> None:
    key = web.add_client(COACH, "Bea Typo")
    before = _counts(web, key)
    r = coach.form(f"/people/{key}/assess", _assessment(web, **{field: value}))
    assert r.status_code == 422
    assert f'id="e-{field}"' in r.text
    if field not in ("sex", "goal_type"):
        assert f'value="{value}"' in r.text
    assert _counts(web, key) == before
