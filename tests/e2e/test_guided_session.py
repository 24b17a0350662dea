"""The guided session on a 390 px phone, with Playwright's fake clock driving every timer:
Start on Today, a timed hold that counts down and moves on by itself, a rest between sets,
"make it easier", skip, pause, then pain and effort taps, and the session on Today as done.

The client has ten minutes a day (a short stage-1 day: a timed foot release, then foot
awareness work); their coach swaps today's first foot-awareness exercise for one with an
easier version, so "make it easier" has something to switch to whatever the weekday.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from browsertools import (
    Pages,
    Server,
    make_client,
    make_coach,
    no_sideways_scroll,
    shot,
    sign_in,
)
from playwright.sync_api import expect
from test_accessibility import AXE, _violations

from anklet.domain.exercises import Category
from anklet.domain.history import PlanChange, PlanChangeKind
from anklet.services import evaluation
from anklet.services import plan_changes as plan_change_service

COACH = "gia@coach.example"
CLIENT_EMAIL = "guido@client.example"
HARDER = "short-foot-standing"  # 2 × 8 reps, not per side; easier: short-foot-seated


def _clock(secs: int) -> str:
    """A countdown as the page shows it: 45, 1:00, 1:30."""
    return f"{secs // 60}:{secs % 60:02d}" if secs >= 60 else str(secs)


def _today_steps(server: Server, key: str) -> list[Any]:
    ctx = server.ctx
    with ctx.uow() as uow:
        ev = evaluation.get(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                            save=False)
    day = next(d for d in ev.plan.days if d.date == dt.date.today())
    return [i.exercise for b in day.blocks for i in b.items]


def _client(server: Server) -> tuple[str, str]:
    make_coach(server, COACH, "Gia Coach")
    key, password = make_client(server, coach_email=COACH, name="Guido Guided",
                                email=CLIENT_EMAIL, minutes=10)
    assert password
    ctx = server.ctx
    awareness = next(e for e in _today_steps(server, key)
                     if e.category is Category.FOOT_AWARENESS and e.id != HARDER)
    with ctx.uow() as uow:
        plan_change_service.add(uow, key=key, change=PlanChange(
            date=dt.date.today(), kind=PlanChangeKind.SWAP, exercise=awareness.id,
            replacement=HARDER, note="Try standing", by=COACH), protocol=ctx.protocol,
            library=ctx.library, account_id=None, actor=COACH)
        uow.commit()
    return key, password


def test_guided_session_with_timers_easier_and_skip_is_logged(server: Server,
                                                              pages: Pages) -> None:
    key, password = _client(server)
    plan = _today_steps(server, key)
    ids = [e.id for e in plan]
    assert HARDER in ids
    hold = next(e for e in plan if e.dose.seconds)  # the first timed exercise
    assert ids.index(hold.id) < ids.index(HARDER)
    lib = server.ctx.library.by_id
    easier = lib[lib[HARDER].easier or ""]

    page = pages.phone()
    page.emulate_media(reduced_motion="reduce")  # and nothing may move on screen
    page.clock.install()
    sign_in(page, server, CLIENT_EMAIL, password)
    page.get_by_role("link", name="Start: step by step, with timers").tap()
    page.wait_for_url(f"{server}/people/{key}/guided")
    expect(page.get_by_role("heading", name="Guided session")).to_be_visible()
    shot(page, "guided-intro")
    page.get_by_label("Read the steps aloud").check()  # off by default; speech is in-browser
    page.get_by_role("button", name="Start the session").tap()

    run = page.locator("#g-run")
    prompt = page.get_by_test_id("guided-prompt")
    timer = page.get_by_test_id("guided-timer")
    live = page.locator("#g-live")
    name = page.locator("#g-name")
    expect(run).to_be_visible()
    expect(page.locator("#g-list")).to_be_hidden()

    done: dict[str, int] = {}
    for i, ex in enumerate(plan):
        expect(name).to_have_text(ex.name)
        expect(page.locator("#g-count")).to_have_text(f"Exercise {i + 1} of {len(plan)}")
        if ex.id == hold.id:
            secs = ex.dose.scaled(1.0)["seconds"]
            assert secs
            assert secs >= 40
            sides = ["left", "right"] if ex.dose.per_side else [None]
            for s in range(1, ex.dose.sets + 1):
                for side in sides:
                    words = f"Set {s} of {ex.dose.sets}" + (f" · {side} side" if side else "")
                    expect(prompt).to_have_text(words)
                    expect(timer).to_have_text(_clock(secs))
                    page.get_by_role("button", name=f"Start the hold: {secs} seconds").tap()
                    page.clock.run_for(secs * 1000 - 25_000)  # 25 s left
                    expect(timer).to_have_text("25")
                    expect(live).to_have_text("30 seconds left.")
                    assert page.evaluate("document.getAnimations().length") == 0
                    if s == 1 and side in ("left", None):  # pause: the hold waits
                        page.get_by_role("button", name="Pause").tap()
                        page.clock.run_for(60_000)
                        expect(timer).to_have_text("25")
                        expect(page.locator("#g-paused")).to_be_visible()
                        shot(page, "guided-paused")
                        page.get_by_role("button", name="Resume").tap()
                    page.clock.run_for(20_000)
                    expect(timer).to_have_text("5")
                    expect(live).to_have_text("5 seconds left.")
                    page.clock.run_for(5_000)  # the end: beep, buzz, and on by itself
                    if s < ex.dose.sets and side == sides[-1]:  # a rest between sets
                        expect(prompt).to_have_text("Rest")
                        page.clock.run_for(30_000)
            done[ex.id] = ex.dose.sets
        elif ex.id == HARDER:
            if page.evaluate("JSON.parse(document.getElementById('g-data').textContent)"
                             ".pictures"):  # the server draws pictures: shown once loaded
                expect(page.locator("#g-picture img")).to_have_attribute(
                    "alt", f"{ex.name}: how it looks")
            shot(page, "guided-exercise")
            if AXE.exists():  # the running session, as axe-core reads it
                assert _violations(page) == []
            page.get_by_role("button", name="Make it easier").tap()
            expect(name).to_have_text(easier.name)
            expect(page.get_by_role("button", name="Make it easier")).to_be_hidden()
            reps = easier.dose.scaled(1.0)["reps"]
            sides = ["left", "right"] if easier.dose.per_side else [None]
            for s in range(1, easier.dose.sets + 1):
                for side in sides:
                    words = f"Set {s} of {easier.dose.sets}" + (f" · {side} side" if side else "")
                    expect(prompt).to_have_text(words)
                    expect(page.locator("#g-target")).to_have_text(f"Do {reps} reps.")
                    page.get_by_role("button", name="Done with").tap()
                if s < easier.dose.sets:
                    expect(prompt).to_have_text("Rest")
                    expect(timer).to_have_text("30")
                    page.get_by_role("button", name="Start the next set now").tap()
            done[easier.id] = easier.dose.sets
        else:
            page.get_by_role("button", name="Skip this exercise").tap()

    # the end: what was done, then pain and effort
    expect(page.get_by_role("heading", name="Well done. How did it go?")).to_be_visible()
    summary = page.get_by_test_id("guided-summary")
    expect(summary).to_contain_text(f"{hold.name}: {hold.dose.sets} set")
    expect(summary).to_contain_text(f"{easier.name}: {easier.dose.sets} sets of")
    expect(summary).to_contain_text(f"Made easier: {easier.name} instead of {lib[HARDER].name}.")
    skipped = [e for e in plan if e.id not in (hold.id, HARDER)]
    for e in skipped:
        expect(summary).to_contain_text(f"Skipped: {e.name}.")
    save = page.get_by_role("button", name="Save session")
    save.tap()  # no pain tapped yet: said in place, nothing sent
    expect(page.locator("#e-pain_during")).to_have_text(
        "Tap how much it hurt during the session (0 if not at all).")
    assert page.url == f"{server}/people/{key}/guided"
    page.get_by_role("group", name="Pain during").get_by_text("2", exact=True).tap()
    page.get_by_role("group", name="Effort").get_by_text("6", exact=True).tap()
    no_sideways_scroll(page)
    shot(page, "guided-finish")
    if AXE.exists():  # the end form
        assert _violations(page) == []
    save.tap()
    page.wait_for_url(f"{server}/me")
    expect(page.get_by_test_id("logged-today")).to_contain_text("You logged a session today")
    expect(page.get_by_test_id("logged-today")).to_contain_text("pain during 2/10")
    shot(page, "guided-logged")

    with server.ctx.uow() as uow:
        (session,) = [s for s in uow.people.get(key).sessions if s.date == dt.date.today()]
    logged = {log.exercise_id: log for log in session.exercises}
    assert set(logged) == set(done)  # skipped ones left out, the easier one as done
    assert logged[hold.id].sets == done[hold.id]
    assert logged[hold.id].seconds == hold.dose.scaled(1.0)["seconds"]
    assert logged[easier.id].sets == done[easier.id]
    assert logged[easier.id].reps == easier.dose.scaled(1.0)["reps"]
    assert session.pain_during == 2
    assert session.rpe == 6
    assert session.notes
    assert f"Made easier: {easier.name}" in session.notes


def test_guided_page_without_javascript_is_a_plain_list_with_the_log_form(
        server: Server, pages: Pages) -> None:
    """Without JavaScript (at phone width) the steps are a plain list and the normal log
    form is one tap away; the coach at a desk sees the same list for their client."""
    coach = "gus@coach.example"
    make_coach(server, coach, "Gus Coach")
    key, password = make_client(server, coach_email=coach, name="Nia NoScript",
                                email="nia@client.example", minutes=10)
    assert password
    plan = _today_steps(server, key)
    page = pages._open(viewport={"width": 390, "height": 844}, is_mobile=True,
                       has_touch=True, java_script_enabled=False)
    sign_in(page, server, "nia@client.example", password)
    page.goto(f"{server}/people/{key}/guided")
    for ex in plan:
        expect(page.get_by_role("heading", name=ex.name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Start the session")).to_be_hidden()
    no_sideways_scroll(page)
    shot(page, "guided-no-script")
    page.get_by_role("link", name="Done? Log the session").tap()
    page.wait_for_url(f"{server}/people/{key}/log")

    desk = pages.desktop()
    sign_in(desk, server, coach)
    desk.goto(f"{server}/people/{key}/guided")
    expect(desk.get_by_role("heading", name="Guided session for Nia NoScript")).to_be_visible()
    expect(desk.get_by_role("button", name="Start the session")).to_be_visible()
    for ex in plan:
        expect(desk.get_by_role("heading", name=ex.name, exact=True)).to_be_visible()
    shot(desk, "guided-coach-desktop")
