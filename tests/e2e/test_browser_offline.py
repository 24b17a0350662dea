"""Anklet on a phone without a connection (#18 item 4), in Chromium at 390 px.

Online, Today is opened: the service worker installs and keeps the week's plan pages and
their pictures. Then the network is switched off (for the page and for the worker): the
guided session still opens, from what the phone kept, with the offline banner; the session
is done (a hold stopped early, on Playwright's fake clock) and saved: it is kept on the
phone and the person is told so. Back online, two tabs and a reload all try to send it, and
sending the same item again is answered "already logged": exactly one session reaches the
database, with the seconds actually held. A session the server refuses shows the server's
reason and stays until it is discarded.

``context.set_offline`` cuts the service worker's own requests too (with Playwright 1.65 and
Chromium 150; older Playwright did not: microsoft/playwright#2311): if it ever stops doing
so, the worker would fetch the page from the server and the offline banner check fails, so
the test cannot pass by accident. Nothing waits a fixed time: every step waits for a
condition (a busy 2-core machine is slow); the page's clock is fake, so conditions on the
server's side are polled from here.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from browsertools import TIMEOUT_MS, Pages, Server, make_client, make_coach, no_sideways_scroll, shot, sign_in
from playwright.sync_api import expect
from test_accessibility import AXE, _violations

from anklet.domain.exercises import Exercise
from anklet.services import evaluation

COACH = "otto@coach.example"
EMAIL = "olga@client.example"
SAVED = "Saved on this phone. It will be sent when you're back online."


def _today(server: Server, key: str) -> list[Exercise]:
    ctx = server.ctx
    with ctx.uow() as uow:
        ev = evaluation.get(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                            save=False)
    day = next(d for d in ev.plan.days if d.date == dt.date.today())
    return [i.exercise for b in day.blocks for i in b.items]


def _sessions_today(server: Server, key: str) -> list[Any]:
    with server.ctx.uow() as uow:
        return [s for s in uow.people.get(key).sessions if s.date == dt.date.today()]


def _until(page: Any, what: str, check: Any, why: str | None = None) -> Any:
    """Wait for ``check()`` to be truthy, polled from here (the page's clock is fake, so
    nothing in the page may do the waiting). Between polls Playwright handles its events
    (``wait_for_timeout`` is Playwright's own wait, not the page's clock)."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            seen = f" ({page.evaluate(why)})" if why else ""
            raise AssertionError(f"still not so after {TIMEOUT_MS // 1000} s: {what}{seen}")
        page.wait_for_timeout(250)


def _kept(page: Any, url: str) -> bool:
    return bool(page.evaluate(
        "async (u) => !!(await (await caches.open('anklet-pages')).match(u))", url))


def test_offline_session_is_kept_on_the_phone_and_arrives_once(server: Server,
                                                                pages: Pages) -> None:
    make_coach(server, COACH, "Otto Coach")
    key, password = make_client(server, coach_email=COACH, name="Olga Offline", email=EMAIL,
                                minutes=10)
    assert password
    plan = _today(server, key)
    hold = next(e for e in plan if e.dose.seconds)
    secs = hold.dose.scaled(1.0)["seconds"]
    assert secs
    assert secs > 12

    page = pages.phone()
    context = page.context
    page.clock.install()
    sign_in(page, server, EMAIL, password)
    page.goto(f"{server}/me")
    expect(page.locator("link[rel=manifest]")).to_have_attribute(
        "href", "/static/manifest.webmanifest")
    # the worker takes the page over and keeps the week's pages, with their pictures
    registration = """navigator.serviceWorker.getRegistration().then(r => r ? JSON.stringify({
        installing: !!r.installing, waiting: !!r.waiting,
        active: r.active && r.active.state}) : 'no registration')"""
    _until(page, "the service worker is active", lambda: '"active":"activated"' in str(
        page.evaluate(registration)), why=registration)
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        # Today loaded while the worker was still installing (a busy machine): the worker
        # claims the pages open when it starts, but one still loading may be missed
        page.reload()
    _until(page, "a service worker controls Today",
           lambda: page.evaluate("!!navigator.serviceWorker.controller"), why=registration)
    guided = f"/people/{key}/guided"
    for url in ("/me", guided, f"/people/{key}/plan", f"/people/{key}/log"):
        _until(page, f"{url} is kept on the phone", lambda u=url: _kept(page, u))
    page.goto(server + guided)
    pictures = page.evaluate("JSON.parse(document.getElementById('g-data').textContent).pictures")
    if pictures:
        _until(page, "the hold's picture is kept",
               lambda: _kept(page, f"/exercises/{hold.id}/illustration.svg"))
    expect(page.get_by_test_id("offline-banner")).to_have_count(0)

    # no connection: the kept plan, marked as offline
    context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("offline-banner")).to_contain_text(
        "You're offline — this is the plan as of ")
    expect(page.get_by_role("heading", name="Guided session")).to_be_visible()
    if pictures:
        expect(page.locator(f"img[src='/exercises/{hold.id}/illustration.svg']")).to_have_js_property(
            "complete", True)
    no_sideways_scroll(page)
    shot(page, "offline-guided")

    # the session, offline: the hold stopped early, the rest skipped
    page.get_by_role("button", name="Start the session").tap()
    name = page.locator("#g-name")
    for ex in plan:
        expect(name).to_have_text(ex.name)
        if ex.id == hold.id:
            page.get_by_role("button", name=f"Start the hold: {secs} seconds").tap()
            page.clock.run_for(10_000)
            expect(page.get_by_test_id("guided-timer")).to_have_text(str(secs - 10))
            page.get_by_role("button", name="Stop the hold early").tap()
        page.get_by_role("button", name="Skip this exercise").tap()
    summary = page.get_by_test_id("guided-summary")
    expect(summary).to_contain_text(f"{hold.name}: 1 set of 10 s")
    expect(summary).to_contain_text("Held 10 seconds of")
    page.get_by_role("group", name="Pain during").get_by_text("1", exact=True).tap()
    page.get_by_role("button", name="Save session").tap()
    page.wait_for_url(f"{server}/me")
    status = page.locator("#offline-status")
    expect(status).to_contain_text(SAVED)
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    shot(page, "offline-saved")
    if AXE.exists():
        assert _violations(page) == []
    assert _sessions_today(server, key) == []
    (item,) = page.evaluate("AnkletOutbox.all()")
    assert item["state"] == "waiting"
    assert item["key"]

    # a second tab sees it too; signing out there warns that it is waiting
    tab = context.new_page()
    tab.goto(f"{server}/me")
    expect(tab.locator("#offline-status")).to_contain_text(SAVED)
    tab.get_by_role("button", name="Sign out").click()
    expect(tab.locator(".offline-warning")).to_contain_text(
        "A session saved on this phone has not reached Anklet yet. If you sign out, it stays "
        "on this phone and is sent when you sign in here again.")
    expect(tab.get_by_role("button", name="Sign out anyway")).to_be_focused()
    tab.get_by_role("button", name="Stay signed in").click()
    expect(tab.locator(".offline-warning")).to_have_count(0)
    # back online, both tabs and a reload send it
    context.set_offline(False)
    page.reload()
    _until(page, "the session reached the server", lambda: _sessions_today(server, key))
    _until(page, "the queue is empty", lambda: page.evaluate("AnkletOutbox.all()") == [])
    expect(page.locator("#offline-status")).not_to_contain_text(SAVED)
    expect(tab.locator("#offline-status")).not_to_contain_text(SAVED)
    sent = "Sent: your session of "
    _until(page, "someone says it was sent",
           lambda: sent in (page.locator("#offline-status").text_content() or "")
           + (tab.locator("#offline-status").text_content() or ""))
    # the same item sent once more (a phone that never heard the answer): logged once
    page.evaluate("(item) => AnkletOutbox.add(item).then(() => AnkletOutbox.sendAll())", item)
    _until(page, "the repeat is answered", lambda: page.evaluate("AnkletOutbox.all()") == [])
    (session,) = _sessions_today(server, key)
    (log,) = [x for x in session.exercises if x.exercise_id == hold.id]
    assert log.seconds == 10  # what was held, not the planned seconds
    assert log.sets == 1
    assert session.pain_during == 1
    assert session.notes
    assert "Held 10 seconds of" in session.notes
    tab.close()

    # a session the server refuses: its reason shown, kept until discarded
    today = dt.date.today().isoformat()
    page.evaluate("""([url, today]) => AnkletOutbox.add({
        key: AnkletOutbox.uuid(), account: document.body.dataset.account, url: url,
        body: 'date=' + today + '&ex0_id=no-such-exercise&ex0_done=on&pain_during=1',
        date: today, created: new Date().toISOString(), state: 'waiting', reason: ''
    }).then(() => AnkletOutbox.sendAll())""", [f"/people/{key}/log", today])
    refused = page.locator(".offline-refused")
    expect(refused).to_contain_text("Anklet did not take the session of ")
    expect(refused).to_contain_text("“no-such-exercise” is not an exercise Anklet knows")
    shot(page, "offline-refused")
    page.reload()  # still there after a reload: never dropped unsaid
    expect(refused).to_contain_text("no-such-exercise")
    refused.get_by_role("button", name="Discard it").tap()
    expect(refused).to_have_count(0)
    assert page.evaluate("AnkletOutbox.all()") == []
    assert len(_sessions_today(server, key)) == 1
    # the refusal above was on purpose: the queue's post answered 422 (nothing else may fail)
    refusal = f"422 {server}/people/{key}/log"
    assert refusal in pages.failed_loads
    pages.failed_loads[:] = [f for f in pages.failed_loads if f != refusal]

    # signing out forgets the kept pages; a session left waiting asks to sign in to send it
    me = page.evaluate("document.body.dataset.account")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{server}/sign-in")
    assert not page.evaluate("async () => (await caches.keys()).includes('anklet-pages')"
                             " && !!(await (await caches.open('anklet-pages')).match('/me'))")
    page.evaluate("""([url, today, me]) => AnkletOutbox.add({
        key: AnkletOutbox.uuid(), account: me, url: url,
        body: 'date=' + today + '&ex0_id=' + 'seated-forefoot-roll' + '&ex0_done=on&pain_during=0',
        date: today, created: new Date().toISOString(), state: 'waiting', reason: ''
    }).then(() => AnkletOutbox.sendAll())""", [f"/people/{key}/log", today, me])
    expect(page.locator("#offline-status")).to_contain_text(
        "A session saved on this phone is waiting: sign in to send it.")
    assert len(_sessions_today(server, key)) == 1
    sign_in(page, server, EMAIL, password)
    page.wait_for_url(f"{server}/me")
    expect(page.locator("#offline-status")).to_contain_text(sent)
    _until(page, "the waiting session arrived", lambda: len(_sessions_today(server, key)) == 2)
