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


def test_password_is_required_without_a_terminal(cli: Cli) -> None:
    refused(cli("account", "create", "a@example.org", "--name", "A"), 2, "--password")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_the_app_prints_the_address_and_offers_demo_accounts(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "ANKLET_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
           "HOME": str(tmp_path)}
    cmd = [sys.executable, "-c", "from anklet.cli.app import main; main()",
           "serve", "--port", str(port), "--demo-if-empty"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        page = ""
        for _ in range(200):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in",
                                              timeout=2).read().decode()
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                time.sleep(0.1)
        assert "Sign in" in page
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    text = " ".join(out.split())
    assert f"http://127.0.0.1:{port}/" in text
    assert re.search(r"Demo coach: sign in as coach@demo\.anklet with password \S+", text), text


def test_serve_refuses_the_placeholder_secret_outside_development(cli: Cli,
                                                                 monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    monkeypatch.setenv("ANKLET_ENVIRONMENT", "production")
    refused(cli("serve"), 3, "ANKLET_SECRET_KEY")
