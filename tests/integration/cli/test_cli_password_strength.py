"""``anklet account create`` and ``reset-password`` refuse a password that is easy to guess,
saying why in plain words and never printing it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cliasserts import ok, refused

Cli = Callable[..., Any]  # conftest.Result: .code, .out, .err, .json(), .text
GOOD = "kettle orbit mango"


@pytest.mark.parametrize(("password", "why"), [
    ("password12", "passwords people pick most often"),
    ("1234567890", "passwords people pick most often"),
    ("aaaaaaaaaa", "repeats the same characters"),
    ("casey@example.org", "built from your email or name"),
    (" " * 10, "only spaces"),
])
def test_account_create_refuses_a_weak_password(cli: Cli, password: str, why: str) -> None:
    r = refused(cli("account", "create", "casey@example.org", "--name", "Casey",
                    "--password", password), 2, "password: ", why)
    if password.strip():
        assert password not in r.text
    ok(cli("account", "create", "casey@example.org", "--name", "Casey", "--password", GOOD))
    refused(cli("account", "reset-password", "casey@example.org", "--password", password),
            2, "password: ", why)
