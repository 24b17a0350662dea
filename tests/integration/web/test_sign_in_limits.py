"""Sign-in limits in the browser: a known device is never kept out by others' failures, the
sign-up limit, answers that do not tell whether an email has an account, and password
hashing off the event loop (so a burst of sign-ins does not stall other requests)."""

from __future__ import annotations

import asyncio
import html
import re
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from webtools import PASSWORD, Web, WebClient

from anklet.services import accounts as account_service
from anklet.web.devices import COOKIE as DEVICE_COOKIE

EMAIL = "c@example.org"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _cheap_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # as tests/conftest.py


def signed_out(b: WebClient) -> WebClient:
    """The same browser, signed out (its known-device cookie stays)."""
    assert b.form("/sign-out").status_code == 303
    b.account_email = None
    return b


def fail(b: WebClient, times: int, email: str = EMAIL) -> None:
    for _ in range(times):
        assert b.sign_in(email, "wrong password!").status_code == 401


def test_sign_in_sets_a_long_lived_known_device_cookie(web: Web) -> None:
    b = web.account("coach", EMAIL)
    cookie = next(c for c in b.cookies.jar if c.name == DEVICE_COOKIE)
    assert cookie.expires is not None
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert web.browser().sign_in(EMAIL, "wrong password!").cookies.get(DEVICE_COOKIE) is None


def test_sign_in_known_device_gets_in_after_an_attackers_failures(web: Web) -> None:
    owner = signed_out(web.account("coach", EMAIL))
    fail(web.browser(), account_service.FREE_FAILS_PER_ACCOUNT)
    r = web.browser().sign_in(EMAIL)  # a browser never used before waits, right password or not
    assert r.status_code == 429
    assert 0 < int(r.headers["retry-after"]) <= 30
    assert "Too many failed sign-ins. Please wait about" in r.text
    assert owner.sign_in(EMAIL).status_code == 303  # the owner's own browser does not


def test_sign_in_tampered_device_cookie_is_not_believed(web: Web) -> None:
    owner = signed_out(web.account("coach", EMAIL))
    value = owner.cookies.get(DEVICE_COOKIE)
    assert value
    fail(web.browser(), account_service.FREE_FAILS_PER_ACCOUNT)
    forged = web.browser()
    forged.cookies.set(DEVICE_COOKIE, value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1])
    assert forged.sign_in(EMAIL).status_code == 429
    copied = web.browser()  # the genuine cookie works: it is as good as the browser it is in
    copied.cookies.set(DEVICE_COOKIE, value)
    assert copied.sign_in(EMAIL).status_code == 303


def test_sign_in_address_limit_does_not_keep_a_known_device_out(web: Web) -> None:
    owner = signed_out(web.account("coach", EMAIL))
    attacker = web.browser()  # every test browser comes from the same address
    for i in range(account_service.FREE_FAILS_PER_ADDRESS):
        fail(attacker, 1, f"guess{i}@example.org")
    assert web.browser().sign_in(EMAIL).status_code == 429
    assert owner.sign_in(EMAIL).status_code == 303


def test_sign_up_is_limited_per_address(web: Web) -> None:
    for i in range(account_service.SIGN_UPS_PER_ADDRESS):
        r = web.browser().form("/sign-up", {"name": "New", "email": f"n{i}@example.org",
                                            "password": PASSWORD, "role": "coach"})
        assert r.status_code == 303
    r = web.browser().form("/sign-up", {"name": "New", "email": "late@example.org",
                                        "password": PASSWORD, "role": "coach"})
    assert r.status_code == 429
    assert 3500 < int(r.headers["retry-after"]) <= 3600
    assert "Too many new accounts from your network. Please wait about 60 minutes" in r.text
    assert 'value="late@example.org"' in r.text
    with web.ctx.uow() as uow:
        assert uow.accounts.by_email("late@example.org") is None


def _sign_up_answer(web: Web, email: str) -> tuple[int, str, str]:
    """The status, the redirect and the page a new browser sees after it (the email it
    typed, which the sign-in page fills in, and the CSRF token taken out)."""
    b = web.browser()
    r = b.form("/sign-up", {"name": "Ann Other", "email": email, "password": PASSWORD,
                            "role": "self"})
    page = html.unescape(b.get(r.headers["location"]).text)
    token = _CSRF.search(page)
    assert token
    return (r.status_code, r.headers["location"],
            page.replace(token.group(1), "TOKEN").replace(email, "EMAIL"))


def test_sign_up_with_a_taken_email_answers_as_a_new_one(web: Web) -> None:
    web.account("coach", "ann@example.org", "Ann Owner")
    fresh = _sign_up_answer(web, "new@example.org")
    taken = _sign_up_answer(web, "ann@example.org")
    assert fresh == taken  # status, redirect and the page after it, word for word
    assert fresh[:2] == (303, "/sign-in")
    assert "Thank you. Sign in below" in fresh[2]
    with web.ctx.uow() as uow:
        assert uow.accounts.count() == 2  # the owner and the new one; nothing for the taken
        ann = uow.accounts.by_email("ann@example.org")
        assert ann is not None
        assert (ann.name, ann.role, ann.person_key) == ("Ann Owner", "coach", None)
        assert len(uow.people.list()) == 1  # only the new self-coached person


def test_give_sign_in_with_another_coachs_email_is_refused_like_a_bad_email(
        web: Web, coach: WebClient, other_coach: WebClient) -> None:
    web.account("client", "otto@example.org", "Otto Other", coach_email="other@example.org")
    key = web.add_client("coach@example.org", "Pat Client")
    answers = {}
    for email in ("otto@example.org", "other@example.org", "not-an-email"):
        r = coach.form(f"/people/{key}/sign-in", {"signin_email": email})
        text = html.unescape(r.text)
        assert "already exists" not in text
        assert "already has" not in text
        m = re.search(r'<small class="error" id="e-signin_email">(.*?)</small>', text, re.S)
        assert m, text
        answers[email] = (r.status_code, m.group(1).replace(email, "EMAIL"))
    assert len(set(answers.values())) == 1, answers
    assert answers["not-an-email"][0] == 422
    with web.ctx.uow() as uow:
        assert uow.accounts.by_person(key) is None


# -- argon2 off the event loop ---------------------------------------------------------------

def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class RecordingHasher(PasswordHasher):
    """Notes, for every hash and verify, whether it ran on a thread with a running event loop;
    ``gate``, if given, holds every verify until it is set (and says it was entered)."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.on_loop: list[bool] = []
        self.gate = gate
        self.entered = threading.Event()

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.on_loop.append(_on_event_loop())
        return super().hash(password, salt=salt)

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.on_loop.append(_on_event_loop())
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(5)
        return super().verify(hash, password)


@pytest.fixture
def recording() -> Iterator[RecordingHasher]:
    hasher = RecordingHasher()
    account_service.use_hasher(hasher)
    yield hasher
    account_service.use_hasher(_cheap_hasher())


def test_password_hashing_never_runs_on_the_event_loop(web: Web,
                                                        recording: RecordingHasher) -> None:
    b = web.browser()
    assert b.form("/sign-up", {"name": "Cora Coach", "email": EMAIL, "password": PASSWORD,
                               "role": "coach"}).status_code == 303
    assert b.sign_in(EMAIL, "wrong password!").status_code == 401
    assert b.sign_in(EMAIL).status_code == 303
    key = web.add_client(EMAIL, "Pat Client")
    assert b.form(f"/people/{key}/sign-in", {"signin_email": "pat@example.org"}
                  ).status_code == 200
    assert b.form("/account/password", {"current_password": PASSWORD,
                                        "new_password": "a brand new password"}
                  ).status_code == 303
    assert len(recording.on_loop) >= 6
    assert not any(recording.on_loop), recording.on_loop


def test_a_static_file_answers_while_sign_ins_are_hashing(app: FastAPI, web: Web) -> None:
    web.account("coach", EMAIL)
    gate = threading.Event()
    hasher = RecordingHasher(gate)
    account_service.use_hasher(hasher)
    try:
        statuses, static_done_first = asyncio.run(_burst(app, gate, hasher))
    finally:
        gate.set()
        account_service.use_hasher(_cheap_hasher())
    assert static_done_first  # answered while every sign-in was still inside argon2
    assert statuses == [303, 303, 303]


async def _call(app: FastAPI, method: str, path: str, *, cookie: str = "",
                body: bytes = b"") -> tuple[int, dict[str, str], str]:
    """One request straight through the ASGI interface, on the running event loop."""
    headers = [(b"host", b"testserver"), (b"cookie", cookie.encode())]
    if body:
        headers.append((b"content-type", b"application/x-www-form-urlencoded"))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}
    sent = False
    answer: dict[str, Any] = {"headers": {}, "body": b""}

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)  # never disconnects while the app is still answering
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return answer["status"], answer["headers"], answer["body"].decode(errors="replace")


async def _burst(app: FastAPI, gate: threading.Event, hasher: RecordingHasher
                 ) -> tuple[list[int], bool]:
    forms = []
    for _ in range(3):
        _, headers, page = await _call(app, "GET", "/sign-in")
        token = _CSRF.search(page)
        assert token
        cookie = headers["set-cookie"].split(";", 1)[0]
        forms.append((cookie, urlencode({"csrf_token": token.group(1), "email": EMAIL,
                                         "password": PASSWORD}).encode()))
    tasks = [asyncio.create_task(_call(app, "POST", "/sign-in", cookie=cookie, body=body))
             for cookie, body in forms]
    # wait (off the loop) until a sign-in is inside the hasher; on the loop it would block it
    assert await asyncio.to_thread(hasher.entered.wait, 10)
    status, _, _ = await _call(app, "GET", "/static/anklet.css")
    assert status == 200
    static_done_first = not any(t.done() for t in tasks)
    gate.set()
    return [status for status, _, _ in await asyncio.gather(*tasks)], static_done_first
