"""Every page, checked by axe-core in the real browser: zero violations, minor ones included
(and, at phone width, no page wider than the phone).

axe-core is fetched from the npm registry by ``make test`` at set-up (see the Makefile; it
lands in ``.cache/``) and evaluated in each page by Playwright — not added as a script tag,
which the Content-Security-Policy rightly refuses. Nothing is fetched while the tests run.
Without the file (no npm, no registry) the test is skipped and says how to get it.

The pages are seen as the people who use them — a coach, their client, and someone signed
out — on the demo cast (weeks of history made by following the engine's own plans), at
desktop and phone width. A new page belongs in :data:`PAGES`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from browsertools import PASSWORD, Pages, Server, make_coach, sign_in
from PIL import Image

from anklet.domain.history import PlanChange, PlanChangeKind
from anklet.services import accounts as account_service
from anklet.services import demo as demo_service
from anklet.services import evaluation, media, messages
from anklet.services import people as people_service

AXE_VERSION = "4.14.1"
AXE = Path(__file__).resolve().parents[2] / ".cache" / f"axe-core-{AXE_VERSION}" / "axe.min.js"

COACH = "access.coach@example.org"
CLIENT = "access.client@example.org"
PERSON = "demo-runner"  # a client of the coach, with a sign-in

# (who, path) — {key} is the client's person key. Signed out: None.
PAGES: list[tuple[str | None, str]] = [
    (None, "/sign-in"),
    (None, "/sign-up"),
    (None, "/no-such-page"),
    (None, "/forgot-password"),
    (None, "/reset-password/an-unknown-link"),
    (None, "/invite/an-unknown-link"),
    ("coach", "/coach"),
    ("coach", "/coach?q=a&flag=attention&sort=adherence"),  # a search with filters kept
    ("coach", "/coach?stage=9"),  # a filter value not offered: named on the form
    ("coach", "/people/{key}"),
    ("coach", "/people/{key}/assess"),
    ("coach", "/people/{key}/calendar"),
    ("coach", "/people/{key}/photo"),
    ("coach", "/people/{key}/plan/print"),
    ("coach", "/account"),
    ("client", "/me"),
    ("client", "/me/check-in"),
    ("client", "/people/{key}/log"),
    ("client", "/me/plan"),
    ("client", "/me/progress"),
    ("client", "/exercises"),
    ("client", "/exercises?q=zzz&stage=9"),
    ("coach", "/exercises/standing-forefoot-press"),
    ("client", "/exercises/no-such-exercise"),
    ("client", "/people/{key}/questionnaires"),
    ("client", "/people/{key}/questionnaires/cait?side=left"),
    ("client", "/people/{key}/questionnaires/cait/result?side=right"),
    ("client", "/people/{key}/questionnaires/faam"),
    ("coach", "/people/{key}/questionnaires/confidence"),
    ("client", "/welcome/time"),
    ("client", "/welcome/screen"),
    ("client", "/welcome/tests"),
    ("client", "/welcome/plan"),
    ("client", "/people/{key}/time"),
    ("client", "/people/{key}/imports"),
    ("coach", "/people/{key}/time"),
    ("coach", "/people/{key}/imports"),
    ("coach", "/people/{key}/records"),
    ("client", "/people/{key}/records"),
    # the guided session before Start; test_guided_session checks it running and at the end
    ("client", "/people/{key}/guided"),
    ("coach", "/people/{key}/guided"),
    # reminders by email: the choices, and an email's links when the link is unknown
    ("client", "/reminders"),
    ("coach", "/reminders"),
    (None, "/reminders/stop/an-unknown-link"),
    (None, "/reminders/pain/an-unknown-link?pain=3"),
    # messages: the thread (a comment on a session in it), after the client's pages above
    # have shown the unread count in the top bar and on Today
    ("coach", "/people/{key}/messages"),
    ("client", "/people/{key}/messages"),
    # a coach's own photo and link for an exercise (made in `cast`): managed, and seen
    ("coach", "/exercises/ankle-circles"),
    ("coach", "/exercises/ankle-circles/media/1/edit"),
    ("client", "/exercises/ankle-circles"),
]

PLAN_CHANGES = [
    PlanChange(date=dt.date.today(), kind=PlanChangeKind.REMOVE, exercise="towel-calf-pull",
               note="No towel at work", by=COACH),
    PlanChange(date=dt.date.today(), kind=PlanChangeKind.ADD, exercise="pogo-hops",
               note="Jumping when the stage allows it", by=COACH),
]
"""A coach's changes for the person: the person page lists them (applied, or paused where the
stage does not allow them), the client's Today and week plan mark them."""

# WCAG 2.2 A and AA, plus axe's best practices (the "minor" findings count too).
RUN_OPTIONS = {"resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def cast(server: Server) -> str:
    """The demo people (weeks of history) under one coach, one of them with a sign-in."""
    ctx = server.ctx
    make_coach(server, COACH, "Access Coach")
    with ctx.uow() as uow:
        demo_service.create(uow, protocol=ctx.protocol, library=ctx.library,
                            today=dt.date.today())
        evaluation.reevaluate_all(uow, protocol=ctx.protocol, library=ctx.library)
        coach = uow.accounts.by_email(COACH)
        assert coach is not None
        for p in people_service.list(uow):
            uow.accounts.set_coach(p.key, coach.id)
        client = account_service.create_account(uow, email=CLIENT, name="Access Client",
                                                password=PASSWORD, role="client",
                                                person_key=PERSON)
        for change in PLAN_CHANGES:  # the person page lists them, the client's pages mark them
            uow.people.add_plan_change(PERSON, change)
        # a thread: a comment on the latest session, a message and an answer
        session_ids, _ = messages.comments_by_session(uow, PERSON)
        messages.post(uow, coach, PERSON, "Good work.", session_id=session_ids[-1])
        messages.post(uow, coach, PERSON, "How did the ankle feel\nthis morning?")
        messages.post(uow, client, PERSON, "Stiff, then fine.")
        # the coach's own photo (id 1) and link for an exercise
        picture = io.BytesIO()
        Image.new("RGB", (480, 320), (30, 110, 90)).save(picture, "JPEG")
        for upload in (media.Upload(caption="Keep the knee still", data=picture.getvalue(),
                                    filename="knee.jpg"),
                       media.Upload(caption="A slow version", url="https://example.org/slow")):
            media.create(uow, account=coach, library=ctx.library, exercise_id="ankle-circles",
                         upload=upload)
        uow.commit()
    return PERSON


def _violations(page: Any) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("options => axe.run(document, options)", RUN_OPTIONS)
    found = []
    for v in result["violations"]:
        where = [" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                 for n in v["nodes"]][:5]
        found.append(f"{v['id']} ({v['impact']}): {v['help']} at {json.dumps(where)}")
    return found


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_every_page_has_no_accessibility_violations(server: Server, pages: Pages, cast: str,
                                                    width: str) -> None:
    if not AXE.exists():
        pytest.skip(f"axe-core {AXE_VERSION} is not at {AXE}: `make test` fetches it with "
                    "npm from the npm registry")
    browsers: dict[str | None, Any] = {}
    for who in ("coach", "client", None):
        page = pages.desktop() if width == "desktop" else pages.phone()
        if who is not None:
            sign_in(page, server, COACH if who == "coach" else CLIENT)
        browsers[who] = page
    problems: dict[str, list[str]] = {}
    for who, path in PAGES:
        page = browsers[who]
        url = server + path.format(key=cast)
        page.goto(url)
        page.wait_for_load_state("load")
        assert "/sign-in" not in page.url or who is None, f"{path}: not signed in as {who}"
        found = _violations(page)
        if width == "phone":  # and nothing makes a phone scroll sideways
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > page.viewport_size["width"]:
                found.append(f"the page is {wide} px wide on a "
                             f"{page.viewport_size['width']} px phone (it scrolls sideways)")
        if found:
            problems[f"{who or 'signed out'} {path}"] = found
    assert not problems, "axe-core found:\n" + "\n".join(
        f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())
