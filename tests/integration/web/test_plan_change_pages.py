"""The person page's "Plan changes" section: a coach swaps, leaves out, adds and sets a dose;
a refused change shows the reason under its field and stores nothing; the client sees
"Changed by your coach" on Today and the week plan; ending a change keeps it listed; a
client may not post (403), another coach gets 404; a self-coached person changes their own."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from webtools import Web, WebClient

from anklet.domain.history import Availability, Override, Screening

TODAY = dt.date.today()
EVERY_DAY = Availability(mon=40, tue=40, wed=40, thu=40, fri=40, sat=40, sun=40)


def _text(page: str) -> str:
    no_tags = re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", " ", page, flags=re.S))
    return re.sub(r"\s+", " ", html.unescape(no_tags))


def _in_stage(web: Web, key: str, stage: int) -> None:
    with web.ctx.uow() as uow:
        uow.people.add_screening(key, Screening(
            date=TODAY - dt.timedelta(days=7),
            red_flags={f.id: False for f in web.ctx.protocol.red_flags}))
        uow.people.set_availability(key, EVERY_DAY)
        uow.people.add_override(key, Override(date=TODAY - dt.timedelta(days=7), stage=stage,
                                              reason="set for the test", by="coach"))
        uow.commit()


def _changes(web: Web, key: str) -> list[Any]:
    with web.ctx.uow() as uow:
        return [c for _, c in uow.people.plan_changes(key)]


def _planned(web: Web, key: str) -> set[str]:
    with web.ctx.uow() as uow:
        from anklet.services import evaluation

        ev = evaluation.get(uow, key=key, protocol=web.ctx.protocol, library=web.ctx.library,
                            save=False)
    return {i.exercise.id for d in ev.plan.days for b in d.blocks for i in b.items}


def test_person_page_shows_plan_changes_with_allowed_choices_only(
        web: Web, coach: WebClient, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    _in_stage(web, key, 2)
    page = coach.get(f"/people/{key}")
    assert page.status_code == 200
    assert 'id="plan-changes"' in page.text
    add_form = page.text.split('value="add"')[1].split("</form>")[0]
    assert "Pogo hops" not in add_form  # hopping waits for the gate: never offered
    assert "Star reach" in add_form or "star-reach" in add_form


def test_coach_swaps_and_the_client_sees_changed_by_your_coach(
        web: Web, coach: WebClient, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    _in_stage(web, key, 2)
    planned = _planned(web, key)
    a = sorted(x for x in planned if web.ctx.library.get(x).category.value == "ankle_mobility")[0]
    b = next(e.id for e in web.ctx.library.exercises if e.category.value == "ankle_mobility"
             and e.id not in planned and 2 in e.stages)
    r = coach.form(f"/people/{key}/plan-changes", {
        "pc_kind": "swap", "pc_exercise": a, "pc_replacement": b,
        "pc_note": "Easier on her knee"})
    assert r.status_code == 303, _text(r.text)
    [c] = _changes(web, key)
    assert (c.kind.value, c.exercise, c.replacement, c.by) == ("swap", a, b, "coach@example.org")
    page = _text(coach.get(f"/people/{key}").text)
    assert "In force" in page
    assert "Easier on her knee" in page
    week = _text(client_of_coach.get(f"/people/{key}/plan").text)
    assert "Changed by your coach" in week
    assert web.ctx.library.get(b).name in week


def test_adding_hopping_before_the_gate_is_refused_under_the_field(
        web: Web, coach: WebClient) -> None:
    key = web.add_client("coach@example.org", "Hal Hopper")
    _in_stage(web, key, 2)
    r = coach.form(f"/people/{key}/plan-changes", {
        "pc_kind": "add", "pc_exercise": "pogo-hops", "pc_note": "wants to jump"})
    assert r.status_code == 422
    text = _text(r.text)
    assert "waits until they pass the gate into the build stage" in text
    assert 'id="e-add-pc_exercise"' in r.text
    assert _changes(web, key) == []


def test_a_pin_out_of_range_and_a_missing_note_are_named(web: Web, coach: WebClient) -> None:
    key = web.add_client("coach@example.org", "Pia Pinned")
    _in_stage(web, key, 2)
    r = coach.form(f"/people/{key}/plan-changes", {
        "pc_kind": "pin", "pc_exercise": "knee-to-wall-rocks", "pc_sets": "9",
        "pc_amount": "12", "pc_unit": "reps", "pc_note": "steady"})
    assert r.status_code == 422
    assert "accepted for" in _text(r.text).lower()
    assert 'id="e-pin-pc_sets"' in r.text
    r = coach.form(f"/people/{key}/plan-changes", {
        "pc_kind": "remove", "pc_exercise": "ankle-circles", "pc_note": ""})
    assert r.status_code == 422
    assert 'id="e-remove-pc_note"' in r.text
    assert _changes(web, key) == []
    ok = coach.form(f"/people/{key}/plan-changes", {
        "pc_kind": "pin", "pc_exercise": "knee-to-wall-rocks", "pc_sets": "2",
        "pc_amount": "12", "pc_unit": "reps", "pc_note": "steady"})
    assert ok.status_code == 303


def test_ending_a_change_keeps_it_listed_as_ended(web: Web, coach: WebClient) -> None:
    key = web.add_client("coach@example.org", "Eve Ended")
    _in_stage(web, key, 2)
    coach.form(f"/people/{key}/plan-changes", {
        "pc_kind": "remove", "pc_exercise": "ankle-circles", "pc_note": "no room"})
    with web.ctx.uow() as uow:
        [(change_id, _)] = uow.people.plan_changes(key)
    r = coach.form(f"/people/{key}/plan-changes/{change_id}/end")
    assert r.status_code == 303
    [c] = _changes(web, key)
    assert c.ended == TODAY
    page = _text(coach.get(f"/people/{key}").text)
    assert "Ended" in page
    assert coach.form(f"/people/{key}/plan-changes/{change_id}/end").status_code == 404


def test_a_client_may_not_change_their_plan_and_another_coach_gets_404(
        web: Web, coach: WebClient, client_of_coach: WebClient, other_coach: WebClient
) -> None:
    key = client_of_coach.person_key
    assert key is not None
    _in_stage(web, key, 2)
    data = {"pc_kind": "remove", "pc_exercise": "ankle-circles", "pc_note": "don't like it"}
    assert client_of_coach.form(f"/people/{key}/plan-changes", data).status_code == 403
    assert other_coach.form(f"/people/{key}/plan-changes", data).status_code == 404
    assert other_coach.form(f"/people/{key}/plan-changes/1/end").status_code == 404
    assert _changes(web, key) == []


def test_a_self_coached_person_changes_their_own_plan(web: Web, self_coached: WebClient) -> None:
    key = self_coached.person_key
    assert key is not None
    _in_stage(web, key, 2)
    page = self_coached.get(f"/people/{key}")
    assert 'id="plan-changes"' in page.text
    r = self_coached.form(f"/people/{key}/plan-changes", {
        "pc_kind": "add", "pc_exercise": "star-reach", "pc_note": "I like reaching"})
    assert r.status_code == 303
    assert [c.exercise for c in _changes(web, key)] == ["star-reach"]
