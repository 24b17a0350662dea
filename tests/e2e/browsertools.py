"""What the browser tests share: the server handle, the watching pages, set-up helpers.

Imported by the tests as ``browsertools`` (a name no other test folder uses; ``conftest``
is a different module in each folder, so it is never imported by name).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anklet.domain.exercises import Category
from anklet.domain.history import (
    Availability,
    ExerciseLog,
    Intake,
    Measurement,
    Screening,
    Session,
)
from anklet.domain.measures import DEFAULT_METHOD, MeasureKind
from anklet.domain.units import Side
from anklet.services import accounts as account_service
from anklet.services import evaluation, records
from anklet.services.context import Context

CHROMIUM = os.environ.get("ANKLET_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 90_000
"""How long any step may wait: generous, since on a busy 2-core machine (the suite beside
another job) a page load or a file handed to an input has taken 10 s and more. A passing
step waits only as long as it needs; only a broken one waits this long."""
CSP_WATCH = """document.addEventListener("securitypolicyviolation", (e) => {
    console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
                  + ` at ${e.sourceFile || document.URL}:${e.lineNumber}`);
});"""
"""Added to every page before its own scripts: a Content-Security-Policy violation becomes
a console error, which :class:`Pages` collects (Chromium's own "Refused to ..." messages
are collected too)."""
PASSWORD = "correct horse battery"
DAY = dt.timedelta(days=1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server(str):
    """The server's base URL, carrying the app's context for set-up through the services."""

    ctx: Context


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as a test artifact and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- pages that watch what they do ----------------------------------------------------------


@dataclass
class Pages:
    """Opens pages, each in its own browser context (its own cookies), and watches them."""

    browser: Any = field(repr=False)
    base: str
    contexts: list[Any] = field(default_factory=list, repr=False)
    requests: list[str] = field(default_factory=list, repr=False)
    script_errors: list[str] = field(default_factory=list)
    failed_loads: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)

    def _open(self, **options: Any) -> Any:
        context = self.browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("response", self._check_response)
        context.add_init_script(CSP_WATCH)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda e: self.script_errors.append(f"{page.url}: {e}"))
        page.on("console", self._check_console)
        return page

    def _check_response(self, response: Any) -> None:
        # a page itself may answer 404 or 422 on purpose; what it loads may not fail. The
        # service worker's own fetch of a page's request is left out: the page's request is
        # checked itself (a page fetched by the worker is that page answering, not a load)
        if response.request.service_worker is not None:
            return
        if response.request.resource_type != "document" and response.status >= 400:
            self.failed_loads.append(f"{response.status} {response.url}")

    def _check_console(self, message: Any) -> None:
        text = str(message.text)
        if ("CSP violation" in text or "Content Security Policy" in text
                or "Permissions-Policy" in text):  # a header the browser could not read
            self.csp_violations.append(text)

    def desktop(self) -> Any:
        return self._open(viewport=DESKTOP)

    def phone(self, **options: Any) -> Any:
        """A 390 px phone; ``options`` are more of Playwright's (``timezone_id=...``)."""
        return self._open(viewport=PHONE, is_mobile=True, has_touch=True,
                          device_scale_factor=2, **options)

    def open_pages(self) -> list[Any]:
        return [p for c in self.contexts for p in c.pages]

    def check(self) -> None:
        outside = [u for u in self.requests if not u.startswith(self.base + "/")]
        assert not outside, f"requests outside the server: {outside}"
        assert not self.script_errors, f"script errors: {self.script_errors}"
        assert not self.failed_loads, f"failed loads: {self.failed_loads}"
        assert not self.csp_violations, f"Content-Security-Policy violations: {self.csp_violations}"

    def close(self) -> None:
        for c in self.contexts:
            c.close()


# --- set-up through the services ------------------------------------------------------------


def make_coach(server: Server, email: str, name: str, password: str = PASSWORD) -> None:
    """A coach account, made directly (not what the test is about)."""
    with server.ctx.uow() as uow:
        account_service.sign_up(uow, email=email, name=name, password=password, role="coach")
        uow.commit()


def foot_release_id(server: Server) -> str:
    return next(e.id for e in server.ctx.library.by_id.values()
                if e.category is Category.FOOT_RELEASE)


def make_client(server: Server, *, coach_email: str, name: str, email: str | None = None,
                red_flag: str | None = None, minutes: int = 30,
                knee_to_wall: tuple[float, float] = (7.0, 11.5),
                session_on: dt.date | None = None, one_time: bool = False
                ) -> tuple[str, str | None]:
    """A client of ``coach_email`` with an intake three weeks old, a screen (all "no", or
    ``red_flag`` "yes") and knee-to-wall tests from three days ago, ``minutes`` free every
    day and, with ``session_on``, a foot-release session logged that day (no morning pain
    yet). With ``email``, a sign-in made the way the coach's page makes it: returns the
    person's key and the password. Unless ``one_time``, the client has already made that
    password their own (signing in leads straight to their pages, not to "choose your own
    password")."""
    ctx = server.ctx
    today = dt.date.today()
    tested = today - 3 * DAY
    with ctx.uow() as uow:
        coach = uow.accounts.by_email(coach_email)
        assert coach is not None, "make the coach first"
        key = account_service.add_client(uow, coach=coach, name=name,
                                         intake=Intake(date=today - 21 * DAY)).person.id
        answers = {f.id: f.id == red_flag for f in ctx.protocol.red_flags}
        assert red_flag is None or red_flag in answers
        records.create_screening(uow, key=key, protocol=ctx.protocol,
                                 screening=Screening(date=tested, red_flags=answers))
        kind = MeasureKind.KNEE_TO_WALL
        for side, cm in zip((Side.LEFT, Side.RIGHT), knee_to_wall, strict=True):
            records.create_measurement(uow, key=key, measurement=Measurement(
                date=tested, side=side, kind=kind, value=cm, method=DEFAULT_METHOD[kind]))
        records.update_availability(uow, key=key, availability=Availability(
            **dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), minutes)))
        if session_on is not None:
            records.create_session(uow, key=key, library=ctx.library, session=Session(
                date=session_on, pain_during=1,
                exercises=[ExerciseLog(exercise_id=foot_release_id(server), sets=1)]))
        password = None
        if email is not None:
            client, password = account_service.give_client_sign_in(uow, coach=coach, key=key,
                                                                   email=email)
            if not one_time:
                uow.accounts.set_password(client.id, client.password_hash, must_change=False)
        evaluation.get(uow, key=key, protocol=ctx.protocol, library=ctx.library, save=True)
        uow.commit()
    return key, password


def sign_in(page: Any, server: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in page."""
    page.goto(server + "/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: not url.endswith("/sign-in"))


def nav(page: Any, name: str) -> Any:
    """A link in the top bar."""
    return page.get_by_role("banner").get_by_role("link", name=name, exact=True)


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} scrolls sideways: {width} px wide on {viewport}"
