"""The guided session page (/people/{key}/guided): the day's steps for the client and their
coach, nobody else's person, no session with a red flag, and a session posted from it saved
through the log form's checks (the page's script posts exactly these fields).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from test_me_pages import TODAY, plan_day, ready, sessions
from webtools import Web, WebClient

from anklet.web.pages.guided import steps


def _data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="g-data">(.*?)</script>', page, re.S)
    assert found, "the page carries its steps for the script"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_guided_page_lists_todays_exercises_for_the_client(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key
    ready(web, key)
    r = client_of_coach.get(f"/people/{key}/guided")
    assert r.status_code == 200
    page = html.unescape(r.text)
    day = plan_day(web, key)
    names = [i.exercise.name for b in day.blocks for i in b.items]
    assert names
    for name in names:
        assert f"<h2>{name}</h2>" in page
    # without the script: a plain list and a link to the normal log form
    assert f'href="/people/{key}/log"' in page
    assert '<script src="/static/guided.js" defer></script>' in page
    assert "<script>" not in page  # no inline script (the CSP forbids it)
    data = _data(r.text)
    assert [s["name"] for s in data["steps"]] == names
    assert data["rest"] == web.ctx.protocol.settings.rest_between_sets_s.value
    assert data["date"] == TODAY.isoformat()
    # a picture only where the server draws them (never a broken image)
    assert ('class="g-picture"' in page) == data["pictures"]
    first = data["steps"][0]
    ex = web.ctx.library.by_id[first["id"]]
    assert first["how"] == list(ex.how)
    assert first["fields"]  # which log fields the exercise takes
    # the form the script fills posts to the log form, with the page's CSRF token
    assert f'action="/people/{key}/log"' in page
    assert 'name="csrf_token"' in page
    assert 'name="pain_during"' in page
    assert 'name="rpe"' in page


def test_guided_page_from_today_and_for_the_coach(
        web: Web, client_of_coach: WebClient, coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key
    ready(web, key)
    today = client_of_coach.get("/me").text
    assert f'href="/people/{key}/guided"' in today  # the Start button
    r = client_of_coach.get("/me/guided")
    assert r.status_code == 303
    assert r.headers["location"] == f"/people/{key}/guided"
    r = coach.get(f"/people/{key}/guided")
    assert r.status_code == 200
    assert "Guided session for Cleo Client" in html.unescape(r.text)
    assert coach.get("/me/guided").headers["location"] == "/coach"


def test_guided_page_of_another_coachs_client_is_not_found(
        web: Web, client_of_coach: WebClient, other_coach: WebClient,
        self_coached: WebClient) -> None:
    key = client_of_coach.person_key
    assert key
    ready(web, key)
    for who in (other_coach, self_coached):
        r = who.get(f"/people/{key}/guided")
        assert r.status_code == 404
        assert "Cleo Client" not in r.text
    assert web.browser().get(f"/people/{key}/guided").status_code in (303, 401)


def test_guided_page_with_a_red_flag_offers_no_session(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key
    ready(web, key, red_flags=("numbness_tingling",))
    page = html.unescape(client_of_coach.get(f"/people/{key}/guided").text)
    assert "Please see a clinician first" in page
    assert "g-data" not in page
    assert "Start the session" not in page
    for ex in web.ctx.library.exercises:
        assert ex.name not in page
    assert "/guided" not in client_of_coach.get("/me").text  # no Start button on Today


def test_guided_steps_carry_the_easier_version_and_the_extra_sets() -> None:
    """The steps read from a plan: an exercise with an easier version carries it, at the
    plan's level; only a per-side exercise of a block with a side behind gets extra sets."""
    from anklet.domain.exercises import load_library
    from anklet.domain.planner import PlanBlock, PlanDay, PlanItem, WeekPlan

    lib = load_library()
    ex = next(e for e in lib.exercises if e.easier and e.dose.per_side)
    item = PlanItem(ex, ex.dose.describe(1.0))
    block = PlanBlock("t", "Balance", (item,), extra_side="left")
    plan = WeekPlan.__new__(WeekPlan)
    object.__setattr__(plan, "days", (PlanDay(TODAY, 30, (block,), ()),))
    object.__setattr__(plan, "dose_level", 1.0)
    object.__setattr__(plan, "coach_changes", ())
    (step,) = steps(plan, TODAY, lib, extra_sets=1)
    assert step["easier"]["id"] == ex.easier
    assert step["extra_side"] == "left"
    assert step["extra_sets"] == 1
    assert step["sets"] == ex.dose.sets


def test_guided_steps_follow_the_coachs_pinned_dose() -> None:
    """A dose the coach pinned is what the session counts (the plan says it in words)."""
    from anklet.domain.exercises import load_library
    from anklet.domain.history import PlanChange, PlanChangeKind
    from anklet.domain.plan_changes import ChangeStatus
    from anklet.domain.planner import PlanBlock, PlanDay, PlanItem, WeekPlan

    lib = load_library()
    ex = next(e for e in lib.exercises if e.dose.reps and e.dose.per_side)
    pin = PlanChange(date=TODAY, kind=PlanChangeKind.PIN, exercise=ex.id, sets=3, reps=7,
                     note="Go steady", by="coach")
    block = PlanBlock("t", "Strength", (PlanItem(ex, "3 × 7 reps, each side", pinned=True),),
                      extra_side="right")
    plan = WeekPlan.__new__(WeekPlan)
    object.__setattr__(plan, "days", (PlanDay(TODAY, 30, (block,), ()),))
    object.__setattr__(plan, "dose_level", 1.4)
    object.__setattr__(plan, "coach_changes", (ChangeStatus(pin, applied=True),))
    (step,) = steps(plan, TODAY, lib, extra_sets=1)
    assert (step["sets"], step["reps"], step["seconds"]) == (3, 7, None)
    assert step["plan_text"] == "3 × 7 reps, each side"
    assert step["extra_sets"] == 0  # a pinned dose is the coach's: no extra set added


def test_guided_steps_count_a_lunge_the_days_cap_cut() -> None:
    """A lunge the day's cap cut to fewer reps is counted at those reps, as the plan says."""
    from anklet.domain.exercises import load_library
    from anklet.domain.planner import Amounts, PlanBlock, PlanDay, PlanItem, WeekPlan

    lib = load_library()
    ex = lib.get("reverse-lunge")
    capped = Amounts.at(ex, 0.5)
    block = PlanBlock("t", "Three planes", (PlanItem(ex, ex.dose.describe(0.5),
                                                     amounts=capped),))
    plan = WeekPlan.__new__(WeekPlan)
    object.__setattr__(plan, "days", (PlanDay(TODAY, 30, (block,), ()),))
    object.__setattr__(plan, "dose_level", 1.4)
    object.__setattr__(plan, "coach_changes", ())
    (step,) = steps(plan, TODAY, lib, extra_sets=1)
    assert (step["sets"], step["reps"]) == (capped.sets, capped.reps)
    assert step["reps"] != Amounts.at(ex, 1.4).reps


def test_a_session_posted_as_the_guided_page_does_is_saved_and_shown_on_today(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key
    ready(web, key)
    data = _data(client_of_coach.get(f"/people/{key}/guided").text)
    first = data["steps"][0]
    form = {"date": data["date"], "ex0_id": first["id"], "ex0_done": "on", "ex0_side": "both",
            "ex0_sets": "1", "pain_during": "2", "rpe": "5", "notes": "Guided session."}
    if first["reps"]:
        form["ex0_reps"] = str(first["reps"])
    if first["seconds"]:
        form["ex0_seconds"] = str(first["seconds"])
    if first["rounds"]:
        form["ex0_rounds"] = "1"
    bad = client_of_coach.form(f"/people/{key}/log", {**form, "pain_during": "11"})
    assert bad.status_code == 422  # the log form's own check and message; nothing stored
    assert "Pain during is a whole number from 0 to 10" in html.unescape(bad.text)
    assert sessions(web, key) == []
    r = client_of_coach.form(f"/people/{key}/log", form)
    assert r.status_code == 303
    (saved,) = sessions(web, key)
    assert saved.exercises[0].exercise_id == first["id"]
    assert saved.exercises[0].sets == 1
    assert saved.pain_during == 2
    assert saved.rpe == 5
    assert "You logged a session today" in client_of_coach.get("/me").text
