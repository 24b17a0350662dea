"""Email journeys in the browser, with a real SMTP server on loopback: a coach invites a
client who chooses a password and lands on their pages; someone who forgot their password
gets a link and is signed in with the new one."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import pytest
from browsertools import (
    PASSWORD,
    TIMEOUT_MS,
    Pages,
    Server,
    free_port,
    make_coach,
    shot,
    sign_in,
)

from anklet.services.context import open_context
from anklet.settings import Settings
from anklet.web.app import create_app
from mailtools import Mailbox

NEW = "lemon kayak whistles softly"


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox) -> Iterator[Server]:
    """The app with email on, served by uvicorn on a fresh SQLite file."""
    import uvicorn

    db = tmp_path_factory.mktemp("e2e-mail") / "anklet.db"
    port = free_port()
    ctx = open_context(Settings(database_url=f"sqlite:///{db}",
                                smtp_url=f"smtp://127.0.0.1:{mailbox.port}",
                                public_url=f"http://127.0.0.1:{port}"))
    srv = uvicorn.Server(uvicorn.Config(create_app(context=ctx), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    base = Server(f"http://127.0.0.1:{port}")
    base.ctx = ctx
    yield base
    srv.should_exit = True
    thread.join(10)
    ctx.engine.dispose()


def _link(mailbox: Mailbox, n: int, path: str) -> str:
    text = Mailbox.text(mailbox.wait(n)[n - 1])
    m = re.search(r"(http://127\.0\.0\.1:\d+" + path + r"[A-Za-z0-9_-]+)", text)
    assert m, text
    return m.group(1)


def test_invited_client_chooses_a_password_and_lands_on_their_pages(
        server: Server, pages: Pages, mailbox: Mailbox) -> None:
    make_coach(server, "ivy.coach@example.org", "Ivy Coach")
    coach = pages.desktop()
    sign_in(coach, server, "ivy.coach@example.org")
    coach.get_by_label("Name", exact=True).fill("Iris Invited")
    coach.locator("#add-client").get_by_role("button").click()
    coach.wait_for_url(re.compile(r"/people/[^/]+$"))
    coach.get_by_label("Their email").fill("iris@example.org")
    coach.get_by_role("button", name="Invite them").click()
    sent = coach.get_by_test_id("invitation-sent")
    sent.wait_for()
    assert "iris@example.org" in sent.inner_text()
    shot(coach, "coach-invitation-sent")

    link = _link(mailbox, len(mailbox.received) or 1, "/invite/")
    phone = pages.phone()
    phone.goto(link)
    phone.get_by_label("Your password").fill(NEW)
    phone.get_by_label("The same password again").fill(NEW)
    phone.get_by_role("button", name="Save my password").click()
    phone.wait_for_url(re.compile(r"/welcome"))  # signed in, getting started comes first
    assert phone.get_by_text("Welcome! Your password is set").is_visible()
    shot(phone, "client-after-invitation")


def test_forgotten_password_is_reset_by_email_and_signs_in(
        server: Server, pages: Pages, mailbox: Mailbox) -> None:
    make_coach(server, "fern.coach@example.org", "Fern Coach")
    before = len(mailbox.received)
    phone = pages.phone()
    phone.goto(server + "/sign-in")
    phone.get_by_role("link", name="Forgot your password?").click()
    phone.get_by_label("Email").fill("fern.coach@example.org")
    phone.get_by_role("button", name="Send me a link").click()
    phone.get_by_test_id("reset-sent").wait_for()
    link = _link(mailbox, before + 1, "/reset-password/")
    phone.goto(link)
    phone.get_by_label("New password").fill(NEW)
    phone.get_by_label("The same password again").fill(NEW)
    phone.get_by_role("button", name="Save my new password").click()
    phone.wait_for_url(server + "/coach")
    assert phone.get_by_text("Your new password is set").is_visible()
    shot(phone, "coach-after-reset")
    # the old password no longer works; the new one does
    other = pages.desktop()
    other.goto(server + "/sign-in")
    other.get_by_label("Email").fill("fern.coach@example.org")
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Sign in").click()
    assert other.get_by_role("alert").is_visible()
    sign_in(other, server, "fern.coach@example.org", NEW)
    assert other.url.endswith("/coach")
