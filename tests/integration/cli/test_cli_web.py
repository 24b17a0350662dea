"""``anklet account`` (create, reset-password, list) and ``anklet serve``."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cliasserts import json_error, ok, refused

from anklet.domain.errors import SignInError
from anklet.services import accounts as account_service
from anklet.services.context import open_context
from anklet.settings import Settings

Cli = Callable[..., Any]  # conftest.Result: .code, .out, .err, .json(), .text
PW = "a long enough password"


def _sign_in(db: Path, email: str, password: str) -> str:
    ctx = open_context(Settings(database_url=f"sqlite:///{db}"))
    try:
        with ctx.uow() as uow:
            account = account_service.sign_in(uow, email=email, password=password,
                                              address="test")
            uow.commit()
            return account.role
    finally:
        ctx.engine.dispose()


def test_create_coach_then_client_and_list(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam"))
    r = ok(cli("account", "create", "Coach@Example.org", "--name", "Casey", "--password", PW))
    assert "Created the coach account coach@example.org" in r.text
    ok(cli("account", "create", "sam@example.org", "--name", "Sam", "--role", "client",
           "--person", "sam", "--coach", "coach@example.org", "--password", PW))
    data = ok(cli("account", "list", "--json")).json()
    assert data == [
        {"email": "coach@example.org", "name": "Casey", "role": "coach", "person": None},
        {"email": "sam@example.org", "name": "Sam", "role": "client", "person": "sam"},
    ]


def _coach_of(db: Path, key: str) -> int | None:
    ctx = open_context(Settings(database_url=f"sqlite:///{db}"))
    try:
        with ctx.uow(write=False) as uow:
            return uow.accounts.coach_of(key)
    finally:
        ctx.engine.dispose()


def _coach_and_client(cli: Cli) -> None:
    ok(cli("add-person", "sam", "--name", "Sam"))
    ok(cli("account", "create", "coach@example.org", "--name", "Casey", "--password", PW))
    ok(cli("account", "create", "sam@example.org", "--name", "Sam", "--role", "client",
           "--person", "sam", "--coach", "coach@example.org", "--password", PW))


def test_delete_takes_the_persons_sign_in_with_them(cli: Cli) -> None:
    _coach_and_client(cli)
    ok(cli("delete", "sam", "--yes"))
    data = ok(cli("account", "list", "--json")).json()
    assert [a["email"] for a in data] == ["coach@example.org"]  # no sign-in to nobody


def test_import_history_replace_keeps_the_sign_in_and_the_coach(cli: Cli, db_path: Path,
                                                                 tmp_path: Path) -> None:
    _coach_and_client(cli)
    doc = tmp_path / "sam.json"
    ok(cli("export", "sam", "-o", str(doc)))
    coach = _coach_of(db_path, "sam")
    assert coach is not None
    ok(cli("import-history", str(doc), "--replace"))
    data = ok(cli("account", "list", "--json")).json()
    assert {"email": "sam@example.org", "name": "Sam", "role": "client",
            "person": "sam"} in data
    assert _coach_of(db_path, "sam") == coach
    assert _sign_in(db_path, "sam@example.org", PW) == "client"


def test_demo_again_keeps_demo_sign_ins_linked(cli: Cli) -> None:
    created = ok(cli("demo", "--json")).json()["created"]
    ok(cli("account", "create", "c@example.org", "--name", "C", "--role", "client",
           "--person", created[0], "--password", PW))
    ok(cli("demo", "--json"))
    data = ok(cli("account", "list", "--json")).json()
    assert {"email": "c@example.org", "name": "C", "role": "client",
            "person": created[0]} in data


def test_create_refuses_bad_input_and_stores_nothing(cli: Cli) -> None:
    refused(cli("account", "create", "not-an-email", "--name", "X", "--password", PW), 2,
            "email", "not-an-email", "an email address")
    refused(cli("account", "create", "a@example.org", "--name", "X", "--password", "short"), 2,
            "password", "at least 10 characters")
    refused(cli("account", "create", "a@example.org", "--name", "X", "--role", "boss",
                "--password", PW), 2, "role", "boss", "coach, client, self")
    refused(cli("account", "create", "a@example.org", "--name", "X", "--role", "client",
                "--person", "nobody", "--password", PW), 4, "nobody")
    json_error(cli("account", "create", "a@example.org", "--name", "X", "--role", "client",
                   "--password", PW, "--json"), 2, "InputError")
    assert ok(cli("account", "list", "--json")).json() == []


def test_the_same_email_twice_is_a_conflict(cli: Cli) -> None:
    ok(cli("account", "create", "a@example.org", "--name", "A", "--password", PW))
    refused(cli("account", "create", "A@example.org", "--name", "B", "--password", PW), 5,
            "already exists")


def test_reset_password(cli: Cli, db_path: Path) -> None:
    db = db_path
    ok(cli("account", "create", "a@example.org", "--name", "A", "--password", PW))
    r = ok(cli("account", "reset-password", "a@example.org", "--password", "another password"))
    assert "New password set" in r.text
    assert _sign_in(db, "a@example.org", "another password") == "coach"
    with pytest.raises(SignInError):
        _sign_in(db, "a@example.org", PW)
    refused(cli("account", "reset-password", "nobody@example.org", "--password", PW), 4,
            "nobody@example.org")


def _account_state(db: Path, email: str) -> tuple[int, bool]:
    """How many API tokens the account has, and whether it must choose a password."""
    ctx = open_context(Settings(database_url=f"sqlite:///{db}"))
    try:
        with ctx.uow() as uow:
            account = uow.accounts.by_email(email)
            assert account is not None
            return len(uow.accounts.tokens(account.id)), account.must_change_password
    finally:
        ctx.engine.dispose()


def test_reset_password_deletes_the_api_tokens_and_says_so(cli: Cli, db_path: Path) -> None:
    ok(cli("account", "create", "a@example.org", "--name", "A", "--password", PW))
    ctx = open_context(Settings(database_url=f"sqlite:///{db_path}"))
    try:
        with ctx.uow() as uow:
            account = uow.accounts.by_email("a@example.org")
            assert account is not None
            token = account_service.create_token(uow, account=account, name="app")
            uow.commit()
    finally:
        ctx.engine.dispose()
    r = ok(cli("account", "reset-password", "a@example.org", "--password", "violet kettle marching uphill",
               "--json"))
    assert r.json() == {"email": "a@example.org", "reset": True, "one_time": False,
                        "tokens_deleted": 1}
    assert _account_state(db_path, "a@example.org") == (0, False)
    ctx = open_context(Settings(database_url=f"sqlite:///{db_path}"))
    try:
        with ctx.uow() as uow:
            assert account_service.token_account(uow, token) is None
    finally:
        ctx.engine.dispose()


def test_one_time_passwords_from_the_command_line(cli: Cli, db_path: Path) -> None:
    r = ok(cli("account", "create", "a@example.org", "--name", "A", "--password", PW,
               "--one-time"))
    assert "they choose their own" in r.text
    assert _account_state(db_path, "a@example.org") == (0, True)
    r = ok(cli("account", "reset-password", "a@example.org", "--password", "violet kettle marching uphill"))
    assert "signed out everywhere" in r.text
    assert _account_state(db_path, "a@example.org") == (0, False)
    ok(cli("account", "reset-password", "a@example.org", "--password", "amber lantern quietly swimming",
           "--one-time"))
    assert _account_state(db_path, "a@example.org") == (0, True)


def test_password_is_required_without_a_terminal(cli: Cli) -> None:
    refused(cli("account", "create", "a@example.org", "--name", "A"), 2, "--password")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


STARTUP_DEADLINE_S = 90  # generous: a busy 2-core machine starting several processes


def _serve(tmp_path: Path, *args: str, env: dict[str, str] | None = None
           ) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if k != "ANKLET_SECRET_KEY"}
    environ.update({"ANKLET_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
                    "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
                    **(env or {})})
    cmd = [sys.executable, "-c", "from anklet.cli.app import main; main()",
           "serve", "--port", str(port), *args]
    proc = subprocess.Popen(cmd, env=environ, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    return proc, port


def _get(proc: subprocess.Popen[str], url: str) -> str:
    """The page at ``url`` once the server answers (polled up to the deadline)."""
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while True:
        try:
            return str(urllib.request.urlopen(url, timeout=10).read().decode())
        except OSError:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, f"no answer from {url} in {STARTUP_DEADLINE_S} s"
            time.sleep(0.2)


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return " ".join(out.split())


def test_serve_starts_the_app_prints_the_address_and_offers_demo_accounts(tmp_path: Path) -> None:
    proc, port = _serve(tmp_path, "--demo-if-empty")
    try:
        page = _get(proc, f"http://127.0.0.1:{port}/sign-in?next=/people")
        assert "Sign in" in page
    finally:
        text = _stop(proc)
    assert f"http://127.0.0.1:{port}/" in text
    assert re.search(r"Demo coach: sign in as coach@demo\.anklet with password \S+", text), text
    secret = tmp_path / "serve.db.secret"
    assert f"Sessions are signed with the secret in {secret}" in text
    assert secret.read_text().strip() not in text
    assert "GET /sign-in 200" in text
    assert "next=" not in text


def test_serve_with_two_workers_serves_and_logs_nothing_when_quiet(tmp_path: Path) -> None:
    proc, port = _serve(tmp_path, "--workers", "2", "--quiet", "--proxy-headers")
    try:
        health = _get(proc, f"http://127.0.0.1:{port}/healthz")
        assert health == '{"status":"ok","database":"ok"}'
        assert "Sign in" in _get(proc, f"http://127.0.0.1:{port}/sign-in")
    finally:
        text = _stop(proc)
    assert "2 workers" in text, text
    assert "127.0.0.1,::1" in text  # proxy headers believed from a proxy on this computer
    assert "GET /" not in text


def test_serve_refuses_the_placeholder_secret_outside_development(cli: Cli,
                                                                 monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    monkeypatch.delenv("ANKLET_SECRET_KEY", raising=False)
    monkeypatch.setenv("ANKLET_ENVIRONMENT", "production")
    refused(cli("serve"), 3, "ANKLET_SECRET_KEY")


@pytest.mark.parametrize("how", ["option", "environment"])
def test_serve_refuses_to_listen_beyond_loopback_without_a_secret(
        cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, how: str) -> None:
    monkeypatch.delenv("ANKLET_SECRET_KEY", raising=False)
    if how == "option":
        r = cli("serve", "--host", "0.0.0.0")
    else:
        monkeypatch.setenv("ANKLET_HOST", "0.0.0.0")
        r = cli("serve")
    refused(r, 2, "--host", "0.0.0.0", "ANKLET_SECRET_KEY", "127.0.0.1")
    assert "Traceback" not in r.text
    assert not list(tmp_path.glob("*.secret"))  # refused before anything was written


def test_serve_refuses_a_short_secret_and_many_workers_in_memory(
        cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANKLET_SECRET_KEY", "too short")
    r = refused(cli("serve", "--host", "0.0.0.0"), 3, "ANKLET_SECRET_KEY", "at least 32")
    assert "too short" not in r.text  # the secret is never shown
    monkeypatch.delenv("ANKLET_SECRET_KEY")
    refused(cli("--db", "sqlite://", "serve", "--workers", "2", db=False), 2, "--workers",
            "in memory")
