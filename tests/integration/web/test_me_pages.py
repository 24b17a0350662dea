"""The client's pages: today, the session log, next-morning pain, the week plan and progress.

Each person here gets a clear red-flag screen three weeks ago and time on every day, so the
plan has work for today (stage 1: foot release every day). Tenancy: every route is tried as
another coach, another coach's client, a self-coached person and signed out.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from webtools import Web, WebClient

from anklet.domain.history import Availability, PlanChange, PlanChangeKind, RunKind, Screening, Session
from anklet.domain.plan_changes import dose_bounds
from anklet.domain.planner import PlanDay
from anklet.services import demo, evaluation, records

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)
EVERY_DAY = Availability(mon=30, tue=30, wed=30, thu=30, fri=30, sat=30, sun=30)


# --- helpers --------------------------------------------------------------------------------


def ready(web: Web, key: str, *, red_flags: tuple[str, ...] = (),
          availability: Availability = EVERY_DAY) -> None:
    """A clear (or flagged) screen three weeks ago and time to train."""
    p = web.ctx.protocol
    with web.ctx.uow() as uow:
        records.create_screening(uow, key=key, protocol=p, screening=Screening(
            date=TODAY - 21 * DAY, red_flags={f.id: f.id in red_flags for f in p.red_flags}))
        records.update_availability(uow, key=key, availability=availability)
        evaluation.get(uow, key=key, protocol=p, library=web.ctx.library, save=True)
        uow.commit()


def short_today(web: Web, key: str) -> None:
    """Time for only the foot release today (30 minutes on the other days), so the week holds
    exercises that today's plan does not, whatever the weekday: with 30 minutes every day,
    some days' plans hold every exercise of the week."""
    weekdays = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    short = Availability(**{d: 12 if i == TODAY.weekday() else 30
                            for i, d in enumerate(weekdays)})
    with web.ctx.uow() as uow:
        records.update_availability(uow, key=key, availability=short)
        uow.commit()


def plan_day(web: Web, key: str, date: dt.date = TODAY) -> PlanDay:
    with web.ctx.uow() as uow:
        ev = evaluation.get(uow, key=key, protocol=web.ctx.protocol, library=web.ctx.library,
                            save=False, week_start=date - dt.timedelta(days=date.weekday()))
    return next(d for d in ev.plan.days if d.date == date)


def stale_decision(web: Web, key: str) -> None:
    """Store an old decision summary, so a test can see a write store a fresh one."""
    with web.ctx.uow() as uow:
        uow.people.save_decision(key, as_of=TODAY - 99 * DAY, stage=None, status="working",
                                 clear_to_train=False, summary={})
        uow.commit()


def stored_as_of(web: Web, key: str) -> dt.date:
    with web.ctx.uow() as uow:
        stored = uow.people.get_decision(key)
    assert stored is not None
    return stored.as_of


def sessions(web: Web, key: str) -> list[Session]:
    with web.ctx.uow() as uow:
        return list(uow.people.get(key).sessions)


def add_session(web: Web, key: str, date: dt.date, **kw: Any) -> None:
    from anklet.domain.history import ExerciseLog

    with web.ctx.uow() as uow:
        records.create_session(uow, key=key, library=web.ctx.library, session=Session(
            date=date, exercises=[ExerciseLog(exercise_id="seated-forefoot-roll", sets=1,
                                              seconds=60)], pain_during=1, **kw))
        uow.commit()


class Form(HTMLParser):
    """The values a browser would send from a page's form fields (inputs, selects, textareas),
    plus which checkboxes and radios are checked."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.checked: set[tuple[str, str]] = set()
        self.attrs: dict[str, dict[str, str | None]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.checked.add((name, a.get("value") or "on"))
                    self.values[name] = a.get("value") or "on"
            else:
                self.values[name] = a.get("value") or ""
                self.attrs[name] = a
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


def log_fields(text: str) -> Form:
    start = text.index('<form method="post" action="/people/')
    return Form(text[start:text.index("</form>", start)])


def row_ids(form: Form) -> dict[str, str]:
    """Exercise id -> its row prefix (``ex3_``)."""
    return {v: k[:-3] for k, v in form.values.items() if re.fullmatch(r"ex\d+_id", k)}


def count(progress_html: str, target: str) -> str:
    m = re.search(rf'data-target="{target}">([^<]+)<', progress_html)
    assert m, f"no adherence row for {target}"
    return m.group(1)


@pytest.fixture
def cleo(web: Web, client_of_coach: WebClient) -> WebClient:
    """The coach's client, signed in, with a clear screen and time every day."""
    assert client_of_coach.person_key
    ready(web, client_of_coach.person_key)
    return client_of_coach


# --- today ----------------------------------------------------------------------------------


def test_me_shows_todays_exercises_with_dose_how_cautions_why_and_variants(
        web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    assert key
    day = plan_day(web, key)
    assert day.blocks, "every day has foot release in stage 1"
    r = cleo.get("/me")
    assert r.status_code == 200
    page = html.unescape(r.text)
    assert "Stage 1" in page
    for block in day.blocks:
        assert block.label in page
        for item in block.items:
            ex = item.exercise
            assert ex.name in page
            assert item.dose in page
            assert ex.how[0] in page
            assert ex.cautions[0] in page
            assert ex.why in page
            for link in (ex.easier, ex.harder):
                if link:
                    assert web.ctx.library.get(link).name in page
    assert "Never roll or press on the heel" in page  # the heel warning with foot release
    assert page.count("<details class=\"ex\">") == sum(len(b.items) for b in day.blocks)
    assert f'href="/people/{key}/log"' in page
    assert "How is it this morning?" not in page  # nothing logged yesterday


def test_me_for_a_coach_goes_to_the_dashboard(coach: WebClient) -> None:
    for url in ("/me", "/me/plan", "/me/progress"):
        r = coach.get(url)
        assert r.status_code == 303
        assert r.headers["location"] == "/coach"


def test_me_signed_out_goes_to_sign_in(web: Web) -> None:
    r = web.browser().get("/me")
    assert r.status_code == 303
    assert r.headers["location"] == "/sign-in?next=/me"


def test_me_on_a_rest_day_says_so_and_shows_the_next_planned_day(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key
    minutes = [30] * 7
    minutes[TODAY.weekday()] = 0  # no time today: nothing can be planned
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    ready(web, key, availability=Availability(**dict(zip(days, minutes, strict=True))))
    r = client_of_coach.get("/me")
    assert r.status_code == 200
    page = html.unescape(r.text)
    assert "Nothing planned today" in page
    tomorrow = TODAY + DAY
    assert f"Next up: {tomorrow:%A %-d %B}" in page
    nxt = plan_day(web, key, tomorrow)
    assert nxt.blocks[0].items[0].exercise.name in page


def test_me_with_a_red_flag_shows_no_exercise_and_says_which_answer(
        web: Web, client_of_coach: WebClient, coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key
    ready(web, key, red_flags=("numbness_tingling",))
    r = client_of_coach.get("/me")
    assert r.status_code == 200
    page = html.unescape(r.text)
    assert "Please see a clinician first" in page
    question = web.ctx.protocol.red_flag("numbness_tingling").question
    assert question in page
    assert 'class="ex"' not in page
    assert "Log today" not in page
    for ex in web.ctx.library.exercises:
        assert ex.name not in page
    # the week plan shows the same and no exercises either
    page = html.unescape(client_of_coach.get(f"/people/{key}/plan").text)
    assert question in page
    assert 'class="ex"' not in page
    assert "tell your coach" in page
    assert "plan.pdf" not in page  # no empty plan to print
    page = html.unescape(coach.get(f"/people/{key}/plan").text)  # the coach is told what to do
    assert question in page
    assert "run a new safety screen" in page


def test_me_before_a_screen_asks_for_the_safety_questions(
        client_of_coach: WebClient, self_coached: WebClient) -> None:
    page = html.unescape(client_of_coach.get("/me").text)
    assert "A few safety questions first" in page
    assert 'href="/welcome/screen"' in page  # a client answers them too (or with the coach)
    assert "go through them with your coach" in page
    page = html.unescape(self_coached.get("/me").text)
    assert f'href="/people/{self_coached.person_key}/assess"' in page


# --- next-morning pain ----------------------------------------------------------------------


def test_morning_prompt_after_yesterdays_session_then_one_tap_answer(
        web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    assert key
    add_session(web, key, TODAY - DAY)
    page = cleo.get("/me").text
    assert "How is it this morning?" in page
    form = Form(page[page.index('<section class="card morning"'):])
    assert form.values["date"] == (TODAY - DAY).isoformat()
    assert page.count('name="pain" value=') == 11
    r = cleo.form(f"/people/{key}/morning", {"date": (TODAY - DAY).isoformat(), "pain": "3"})
    assert r.status_code == 303
    assert r.headers["location"] == "/me"
    assert sessions(web, key)[-1].pain_next_morning == 3
    page = cleo.get("/me").text
    assert "How is it this morning?" not in page
    assert "Morning pain 3/10 is noted" in html.unescape(page)


def test_morning_pain_with_htmx_answers_a_fragment(web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    assert key
    add_session(web, key, TODAY - DAY)
    stale_decision(web, key)
    r = cleo.form(f"/people/{key}/morning", {"pain": "7"}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert "<html" not in r.text
    assert 'id="morning"' in r.text
    assert "7/10 this morning is noted" in r.text
    assert sessions(web, key)[-1].pain_next_morning == 7
    assert stored_as_of(web, key) == TODAY  # the decision was worked out and stored again


@pytest.mark.parametrize("pain", ["11", "-1", "x", "", "²"])
def test_morning_pain_out_of_range_is_refused_and_nothing_changes(
        web: Web, cleo: WebClient, pain: str) -> None:
    key = cleo.person_key
    assert key
    add_session(web, key, TODAY - DAY)
    r = cleo.form(f"/people/{key}/morning", {"date": (TODAY - DAY).isoformat(), "pain": pain})
    assert r.status_code == 422
    r = cleo.form(f"/people/{key}/morning", {"pain": pain}, headers={"HX-Request": "true"})
    assert "Tap a number from 0" in r.text
    assert sessions(web, key)[-1].pain_next_morning is None


def test_morning_pain_without_a_session_that_day_is_not_found(web: Web, cleo: WebClient) -> None:
    r = cleo.form(f"/people/{cleo.person_key}/morning",
                  {"date": (TODAY - DAY).isoformat(), "pain": "2"})
    assert r.status_code == 404


# --- the session log ------------------------------------------------------------------------


def test_log_form_is_prefilled_from_todays_plan(web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    assert key
    short_today(web, key)
    day = plan_day(web, key)
    r = cleo.get(f"/people/{key}/log")
    assert r.status_code == 200
    form = log_fields(r.text)
    assert form.values["date"] == TODAY.isoformat()
    rows = row_ids(form)
    level = 1.0
    for block in day.blocks:
        for item in block.items:
            ex = item.exercise
            prefix = rows[ex.id]
            assert (f"{prefix}_done", "on") in form.checked
            assert form.values[f"{prefix}_planned"] == "1"
            scaled = ex.dose.scaled(level)
            for f in ("reps", "seconds", "rounds"):
                if scaled[f]:
                    assert form.values[f"{prefix}_{f}"] == str(scaled[f])
                    assert form.attrs[f"{prefix}_{f}"]["inputmode"] == "numeric"
            if ex.dose.per_side:
                assert form.values[f"{prefix}_side"] == "both"
    # the week's other exercises are offered too, not ticked
    others = [eid for eid in rows if eid not in {i.exercise.id for b in day.blocks
                                                 for i in b.items}]
    assert others
    assert all((f"{rows[e]}_done", "on") not in form.checked for e in others)
    assert 'name="pain_during"' in r.text
    assert 'inputmode="numeric"' in r.text


def test_log_form_offers_the_coachs_pinned_dose_as_the_plan_says_it(
        web: Web, cleo: WebClient) -> None:
    """A coach's pin is the dose the plan prescribes, so it is what the form is filled in
    with (not the library's dose at the person's level), and the row's words say it."""
    key = cleo.person_key
    assert key
    item = next(i for b in plan_day(web, key).blocks for i in b.items if i.exercise.dose.reps)
    ex = item.exercise
    lo, hi = dose_bounds(ex, web.ctx.protocol)["reps"]
    usual = ex.dose.scaled(1.0)["reps"]
    reps = hi if usual != hi else lo
    sets = ex.dose.sets + 1
    with web.ctx.uow() as uow:
        uow.people.add_plan_change(key, PlanChange(
            date=TODAY - DAY, kind=PlanChangeKind.PIN, exercise=ex.id, sets=sets, reps=reps,
            note="a steadier dose for now", by="coach@example.org"))
        uow.commit()
    r = cleo.get(f"/people/{key}/log")
    form = log_fields(r.text)
    prefix = row_ids(form)[ex.id]
    assert form.values[f"{prefix}_sets"] == str(sets)
    assert form.values[f"{prefix}_reps"] == str(reps)
    row = r.text.split(f'value="{ex.id}"')[1].split('class="nums"')[0]
    assert f"Plan: {sets} × {reps} reps" in html.unescape(row)
    # logging the form as filled in stores the pinned dose
    data = {**form.values, "pain_during": "1"}
    assert cleo.form(f"/people/{key}/log", data).status_code == 303
    (logged,) = [x for x in sessions(web, key)[-1].exercises if x.exercise_id == ex.id]
    assert (logged.sets, logged.reps) == (sets, reps)


def test_log_a_session_then_it_shows_and_the_adherence_count_moves(
        web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    assert key
    before = count(cleo.get(f"/people/{key}/progress").text, "foot_release")
    assert before.startswith("0 of ")
    form = log_fields(cleo.get(f"/people/{key}/log").text)
    stale_decision(web, key)
    data = {**form.values, "pain_during": "2", "rpe": "5", "notes": "Tight left calf"}
    r = cleo.form(f"/people/{key}/log", data)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/me"
    page = html.unescape(cleo.get("/me").text)
    assert "Logged. Tomorrow morning, tell us how it feels." in page
    assert "You logged a session today" in page
    [s] = sessions(web, key)
    assert s.date == TODAY
    assert s.pain_during == 2
    assert s.rpe == 5
    assert s.notes == "Tight left calf"
    planned = [i.exercise.id for b in plan_day(web, key).blocks for i in b.items]
    assert [e.exercise_id for e in s.exercises] == list(dict.fromkeys(planned))
    progress = cleo.get(f"/people/{key}/progress").text
    assert count(progress, "foot_release") == "1 of " + before.split(" of ")[1]
    assert stored_as_of(web, key) == TODAY  # the decision the dashboard reads was stored


def test_log_keeps_the_logged_numbers_and_sides(web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    assert key
    form = log_fields(cleo.get(f"/people/{key}/log").text)
    rows = row_ids(form)
    data = {k: v for k, v in form.values.items() if not k.endswith("_done")}
    first_id, first = next(iter(rows.items()))
    data[f"{first}_done"] = "on"
    data[f"{first}_side"] = "left"
    num = next(f for f in ("seconds", "reps", "rounds") if f"{first}_{f}" in data)
    data[f"{first}_{num}"] = "42"
    data[f"{first}_sets"] = data.get(f"{first}_sets", "1") or "1"
    r = cleo.form(f"/people/{key}/log", {**data, "pain_during": "0"})
    assert r.status_code == 303, r.text
    [s] = sessions(web, key)
    [e] = s.exercises
    assert e.exercise_id == first_id
    assert e.side == "left"
    assert getattr(e, num) == 42


def test_log_a_bad_field_keeps_everything_typed_and_stores_nothing(
        web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    assert key
    short_today(web, key)
    form = log_fields(cleo.get(f"/people/{key}/log").text)
    rows = list(row_ids(form).values())
    first, second, extra = rows[0], rows[1], rows[-1]
    assert (f"{extra}_done", "on") not in form.checked  # from later in the week
    data = dict(form.values)
    data.pop(f"{second}_done")          # the second exercise was skipped
    data[f"{extra}_done"] = "on"        # one from later in the week was done
    num = next(f for f in ("seconds", "reps", "rounds") if f"{first}_{f}" in data)
    data[f"{first}_{num}"] = "lots"     # the one bad field
    data.update({"pain_during": "3", "rpe": "6", "pain_before": "1",
                 "notes": "Left foot <b>tight</b> & sore"})
    r = cleo.form(f"/people/{key}/log", data)
    assert r.status_code == 422
    again = log_fields(r.text)
    assert again.values[f"{first}_{num}"] == "lots"
    assert (f"{first}_done", "on") in again.checked
    assert (f"{second}_done", "on") not in again.checked
    assert (f"{extra}_done", "on") in again.checked
    assert ("pain_during", "3") in again.checked
    assert ("rpe", "6") in again.checked
    assert again.values["pain_before"] == "1"
    assert again.values["notes"] == "Left foot <b>tight</b> & sore"
    assert again.values["date"] == TODAY.isoformat()
    assert "<b>tight</b>" not in r.text  # escaped, not markup
    # the error sits inside the exercise's row, next to the field
    row_html = r.text[r.text.index(f'name="{first}_id"'):r.text.index(f'name="{rows[1]}_id"')]
    assert f'id="e-{first}_{num}"' in row_html
    assert "“lots” is not" in html.unescape(row_html)
    assert f'aria-describedby="e-{first}_{num}"' in row_html
    assert "<details class=\"extra\" open>" in r.text  # the ticked extra row stays in view
    assert sessions(web, key) == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("pain_during", "11", "Pain during is a whole number from 0 to 10"),
    ("pain_during", "", "Pain during: please choose"),
    ("rpe", "-2", "Effort is a whole number from 0 to 10"),
    ("pain_before", "ten", "Pain before is a whole number from 0 to 10"),
    ("pain_before", "²", "Pain before is a whole number from 0 to 10"),
    ("date", "yesterday", "Give the date as YYYY-MM-DD"),
    ("date", (TODAY + DAY).isoformat(), "That day has not come yet"),
    ("notes", "x" * 2001, "Notes can be up to 2000 characters"),
])
def test_log_each_bad_field_is_named_in_place(web: Web, cleo: WebClient, field: str,
                                              value: str, message: str) -> None:
    key = cleo.person_key
    form = log_fields(cleo.get(f"/people/{key}/log").text)
    r = cleo.form(f"/people/{key}/log", {**form.values, "pain_during": "1", field: value})
    assert r.status_code == 422
    assert f'id="e-{field}"' in r.text
    assert message in html.unescape(r.text)
    assert sessions(web, str(key)) == []


def test_log_with_nothing_ticked_asks_for_an_exercise(web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    form = log_fields(cleo.get(f"/people/{key}/log").text)
    data = {k: v for k, v in form.values.items() if not k.endswith("_done")}
    r = cleo.form(f"/people/{key}/log", {**data, "pain_during": "0"})
    assert r.status_code == 422
    assert "Tick at least one exercise you did." in r.text
    assert sessions(web, str(key)) == []


def test_log_an_exercise_the_library_does_not_know_is_refused(web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    r = cleo.form(f"/people/{key}/log", {"date": TODAY.isoformat(), "pain_during": "0",
                                         "ex0_id": "made-up", "ex0_done": "on", "ex0_sets": "1"})
    assert r.status_code == 422
    assert "made-up" in r.text
    assert sessions(web, str(key)) == []


def test_log_for_an_earlier_day_prefills_that_days_plan(web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    day = TODAY - 2 * DAY
    r = cleo.get(f"/people/{key}/log?date={day.isoformat()}")
    assert r.status_code == 200
    form = log_fields(r.text)
    assert form.values["date"] == day.isoformat()
    r = cleo.form(f"/people/{key}/log", {**form.values, "pain_during": "1"})
    assert r.status_code == 303
    assert [s.date for s in sessions(web, str(key))] == [day]
    assert f"Logged for {day:%A %-d %B}." in cleo.get("/me").text
    assert cleo.get(f"/people/{key}/log?date={(TODAY + DAY).isoformat()}").status_code == 422
    assert cleo.get(f"/people/{key}/log?date=nonsense").status_code == 422


def test_log_before_the_first_screen_is_kept_with_a_note(web: Web, cleo: WebClient) -> None:
    key = str(cleo.person_key)
    with web.ctx.uow() as uow:
        first = uow.people.get(key).screenings[0].date
    day = first - DAY
    form = log_fields(cleo.get(f"/people/{key}/log").text)  # today's form, dated earlier
    r = cleo.form(f"/people/{key}/log", {**form.values, "date": day.isoformat(),
                                          "pain_during": "1"})
    assert r.status_code == 303, r.text
    assert [s.date for s in sessions(web, key)] == [day]
    page = html.unescape(cleo.get("/me").text)
    assert f"dated before the first screen ({first.isoformat()})" in page
    assert "counts toward nothing" in page


def test_coach_logs_for_a_client_and_goes_back_to_the_person_page(
        web: Web, coach: WebClient, cleo: WebClient) -> None:
    key = cleo.person_key
    r = coach.get(f"/people/{key}/log")
    assert r.status_code == 200
    assert "Log a session for Cleo Client" in r.text
    form = log_fields(r.text)
    r = coach.form(f"/people/{key}/log", {**form.values, "pain_during": "7"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/people/{key}"
    assert len(sessions(web, str(key))) == 1


def test_self_coached_logs_their_own_session(web: Web, self_coached: WebClient) -> None:
    key = self_coached.person_key
    assert key
    ready(web, key)
    form = log_fields(self_coached.get(f"/people/{key}/log").text)
    r = self_coached.form(f"/people/{key}/log", {**form.values, "pain_during": "0"})
    assert r.status_code == 303
    assert r.headers["location"] == "/me"
    assert len(sessions(web, key)) == 1


def test_log_page_with_a_red_flag_offers_nothing_to_tick(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key
    ready(web, key, red_flags=("numbness_tingling",))
    r = client_of_coach.get(f"/people/{key}/log")
    assert r.status_code == 200
    assert "_done" not in r.text
    assert "clinician" in r.text


# --- the week plan --------------------------------------------------------------------------


def test_plan_page_shows_each_day_with_its_exercises_and_the_week_picker(
        web: Web, cleo: WebClient) -> None:
    key = cleo.person_key
    assert key
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    r = cleo.get(f"/people/{key}/plan")
    assert r.status_code == 200
    page = html.unescape(r.text)
    for i in range(7):
        d = monday + i * DAY
        assert f'id="d-{d.isoformat()}"' in page
        assert f"{d:%A %-d %B}" in page
        for b in plan_day(web, key, d).blocks:
            for item in b.items:
                assert item.exercise.name in page
                assert item.dose in page
    assert "Never roll or press on the heel" in page
    assert f"?week={(monday - 7 * DAY).isoformat()}" in page
    assert f"?week={(monday + 7 * DAY).isoformat()}" in page
    assert f"/people/{key}/plan.pdf" in page
    assert f"/people/{key}/calendar" in page
    assert "This week" in page
    # another week
    later = monday + 7 * DAY
    page = cleo.get(f"/people/{key}/plan?week={(later + 3 * DAY).isoformat()}").text
    assert f'id="d-{later.isoformat()}"' in page
    assert f'id="d-{monday.isoformat()}"' not in page
    assert cleo.get(f"/people/{key}/plan?week=soon").status_code == 422


def test_plan_page_says_plainly_where_availability_could_not_hold_the_rules(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key
    ready(web, key, availability=Availability(mon=30, wed=1))
    page = html.unescape(client_of_coach.get(f"/people/{key}/plan").text)
    assert "Where the free time could not hold the plan" in page
    # foot release is what the stage-1 gate counts: the page says what the week allows and
    # the smallest change that would keep it
    assert "to count toward the next stage" in page
    assert "your week allows 1" in page
    assert "and 2 minutes on Wednesday to keep it" in page


def test_plan_page_shows_gait_prep_before_a_long_run(web: Web, coach: WebClient) -> None:
    runner = next(h for h in demo.people(TODAY, web.ctx.protocol, web.ctx.library)
                  if h.person.id == "demo-runner")
    with web.ctx.uow() as uow:
        uow.people.add(runner)
        c = uow.accounts.by_email("coach@example.org")
        assert c is not None
        uow.accounts.set_coach(runner.person.id, c.id)
        uow.commit()
    sunday = TODAY - dt.timedelta(days=TODAY.weekday()) + 6 * DAY
    assert [(r.kind, r.title) for r in runner.planned_runs if r.date == sunday] == [
        (RunKind.LONG, "Long run")]
    page = html.unescape(coach.get("/people/demo-runner/plan").text)
    assert "Rosa Runner: week plan" in page
    sunday_html = page[page.index(f'id="d-{sunday.isoformat()}"'):]
    assert "Gait drills" in sunday_html
    assert "Before your Long run: do these as part of the warm-up" in sunday_html


def test_my_plan_and_progress_go_to_the_own_person(cleo: WebClient) -> None:
    key = cleo.person_key
    r = cleo.get("/me/plan?week=2025-01-08")
    assert r.status_code == 303
    assert r.headers["location"] == f"/people/{key}/plan?week=2025-01-08"
    r = cleo.get("/me/progress")
    assert r.status_code == 303
    assert r.headers["location"] == f"/people/{key}/progress"


# --- progress -------------------------------------------------------------------------------


def test_progress_shows_four_charts_each_with_a_summary_and_the_adherence_table(
        web: Web, cleo: WebClient) -> None:
    from anklet.domain.history import Measurement
    from anklet.domain.measures import MeasureKind
    from anklet.domain.units import Side

    key = cleo.person_key
    assert key
    with web.ctx.uow() as uow:
        for side, cm in ((Side.LEFT, 8.5), (Side.RIGHT, 11.0)):
            records.create_measurement(uow, key=key, measurement=Measurement(
                date=TODAY - 3 * DAY, side=side, kind=MeasureKind.KNEE_TO_WALL, value=cm))
        uow.commit()
    add_session(web, key, TODAY - 2 * DAY, pain_next_morning=2)
    r = cleo.get(f"/people/{key}/progress")
    assert r.status_code == 200
    page = html.unescape(r.text)
    assert page.count("<svg") == 4
    for kind in ("dorsiflexion", "asymmetry", "pain", "adherence"):
        assert f'class="chart-{kind}"' in page
    assert "Left 8.5 cm, right 11 cm" in page
    assert "Right reaches 2.5 cm further than left" in page
    assert "1/10 during, 2/10 the next morning" in page
    assert "The aim is 80% or more" in page
    assert 'data-testid="adherence"' in page
    this_week = (TODAY - 2 * DAY).weekday() < TODAY.weekday()
    assert count(page, "foot_release") == ("1 of 7" if this_week else "0 of 7")


def test_progress_for_a_coach_links_back_to_the_person(coach: WebClient, cleo: WebClient) -> None:
    page = coach.get(f"/people/{cleo.person_key}/progress").text
    assert "Cleo Client: progress" in page
    assert f'href="/people/{cleo.person_key}"' in page


# --- tenancy --------------------------------------------------------------------------------


ROUTES = [("GET", "/people/{key}/log"), ("POST", "/people/{key}/log"),
          ("GET", "/people/{key}/plan"), ("GET", "/people/{key}/plan?week=2025-01-06"),
          ("GET", "/people/{key}/progress"), ("POST", "/people/{key}/morning")]


@pytest.fixture
def intruders(web: Web, other_coach: WebClient, self_coached: WebClient
              ) -> dict[str, WebClient]:
    other_client = web.account("client", "oscar@example.org", "Oscar Other",
                               coach_email="other@example.org")
    return {"another coach": other_coach, "another coach's client": other_client,
            "a self-coached person": self_coached}


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_someone_elses_client_is_not_found_on_every_route(
        web: Web, cleo: WebClient, intruders: dict[str, WebClient], method: str,
        route: str) -> None:
    key = cleo.person_key
    assert key
    add_session(web, key, TODAY - DAY)
    url = route.format(key=key)
    data = {"date": TODAY.isoformat(), "pain_during": "1", "pain": "4",
            "ex0_id": "seated-forefoot-roll", "ex0_done": "on", "ex0_sets": "1"}
    for who, b in intruders.items():
        r = b.get(url) if method == "GET" else b.form(url, data)
        assert r.status_code == 404, who
        assert "Cleo Client" not in r.text, who
        assert "seated-forefoot-roll" not in r.text, who
    signed_out = web.browser()
    r = signed_out.get(url) if method == "GET" else signed_out.form(url, data)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/sign-in")
    assert "Cleo Client" not in r.text
    stored = sessions(web, key)
    assert len(stored) == 1
    assert stored[0].pain_next_morning is None


def test_a_client_cannot_reach_a_self_coached_person(
        web: Web, cleo: WebClient, self_coached: WebClient, coach: WebClient) -> None:
    key = self_coached.person_key
    for b in (cleo, coach):
        for url in (f"/people/{key}/plan", f"/people/{key}/progress", f"/people/{key}/log"):
            r = b.get(url)
            assert r.status_code == 404
            assert "Sol Solo" not in r.text
    assert self_coached.get(f"/people/{key}/progress").status_code == 200


# --- "my gait feels off" on the session log ----------------------------------------------------


def test_log_form_offers_an_unticked_gait_off_box_with_its_label(cleo: WebClient) -> None:
    r = cleo.get(f"/people/{cleo.person_key}/log")
    form = log_fields(r.text)
    assert ("gait_off", "on") not in form.checked
    box = re.search(r'<label class="choice" for="f-gait_off-box"><input id="f-gait_off-box" '
                    r'name="gait_off" type="checkbox" value="on"[^>]*> ([^<]+)</label>', r.text)
    assert box, "no gait_off checkbox inside its label"
    assert box.group(1).strip() == "My walking or running felt off today"
    assert "The plan adds a short gait check." in r.text


def test_log_gait_off_ticked_is_stored(web: Web, cleo: WebClient) -> None:
    key = str(cleo.person_key)
    form = log_fields(cleo.get(f"/people/{key}/log").text)
    r = cleo.form(f"/people/{key}/log", {**form.values, "pain_during": "1", "gait_off": "on"})
    assert r.status_code == 303, r.text
    assert [s.gait_off for s in sessions(web, key)] == [True]


def test_log_gait_off_left_unticked_is_stored_as_not_off(web: Web, cleo: WebClient) -> None:
    key = str(cleo.person_key)
    form = log_fields(cleo.get(f"/people/{key}/log").text)
    r = cleo.form(f"/people/{key}/log", {**form.values, "pain_during": "1"})
    assert r.status_code == 303, r.text
    assert [s.gait_off for s in sessions(web, key)] == [False]


def test_log_gait_off_stays_ticked_when_another_field_is_wrong(web: Web,
                                                               cleo: WebClient) -> None:
    key = str(cleo.person_key)
    form = log_fields(cleo.get(f"/people/{key}/log").text)
    r = cleo.form(f"/people/{key}/log", {**form.values, "pain_during": "11", "gait_off": "on"})
    assert r.status_code == 422
    assert ("gait_off", "on") in log_fields(r.text).checked
    assert sessions(web, key) == []


def test_log_gait_off_with_a_made_up_value_is_named_and_stores_nothing(
        web: Web, cleo: WebClient) -> None:
    key = str(cleo.person_key)
    form = log_fields(cleo.get(f"/people/{key}/log").text)
    r = cleo.form(f"/people/{key}/log", {**form.values, "pain_during": "1",
                                          "gait_off": "sometimes"})
    assert r.status_code == 422
    assert 'id="e-gait_off"' in r.text
    assert "“sometimes” is not an answer here: tick the box" in html.unescape(r.text)
    assert sessions(web, key) == []


def test_coach_logs_gait_off_for_a_client(web: Web, coach: WebClient, cleo: WebClient) -> None:
    key = str(cleo.person_key)
    r = coach.get(f"/people/{key}/log")
    assert "Their walking or running felt off that day" in r.text
    form = log_fields(r.text)
    r = coach.form(f"/people/{key}/log", {**form.values, "pain_during": "2", "gait_off": "on"})
    assert r.status_code == 303, r.text
    assert [s.gait_off for s in sessions(web, key)] == [True]
