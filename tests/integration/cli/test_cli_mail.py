"""`anklet mail-test`: a real message to a real SMTP server on loopback, and plain reasons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mailtools import Mailbox, free_port

Cli = Callable[..., Any]


def test_mail_test_sends_a_message(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    box = Mailbox().start()
    try:
        monkeypatch.setenv("ANKLET_SMTP_URL", f"smtp://127.0.0.1:{box.port}")
        monkeypatch.setenv("ANKLET_MAIL_FROM", "Anklet <team@example.org>")
        r = cli("mail-test", "Ada@Example.org", "--json")
        assert r.code == 0, r.text
        assert r.json() == {"sent": True, "to": "ada@example.org",
                            "server": f"127.0.0.1:{box.port}",
                            "secured": "unencrypted, on this computer",
                            "from": "Anklet <team@example.org>"}
        (message,) = box.wait()
        assert message["Subject"] == "Anklet can send email"
        assert message["To"] == "ada@example.org"
    finally:
        box.stop()


def test_mail_test_refused_connection_says_so(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANKLET_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    r = cli("mail-test", "ada@example.org")
    assert r.code == 8
    assert "refused the connection" in r.text
    assert "Traceback" not in r.text


def test_mail_test_without_a_server_says_what_to_set(cli: Cli,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANKLET_SMTP_URL", raising=False)
    r = cli("mail-test", "ada@example.org")
    assert r.code == 2
    assert "ANKLET_SMTP_URL" in r.text


def test_mail_test_bad_address_is_named(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANKLET_SMTP_URL", "smtp://127.0.0.1:25")
    r = cli("mail-test", "not-an-address")
    assert r.code == 2
    assert "'not-an-address'" in r.text


def test_send_mail_sends_the_queued_alerts_once(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    box = Mailbox().start()
    try:
        monkeypatch.setenv("ANKLET_SMTP_URL", f"smtp://127.0.0.1:{box.port}")
        assert cli("account", "create", "casey@example.org", "--name", "Casey Coach",
                   "--password", "correct horse battery").code == 0
        assert cli("add-person", "cleo", "--name", "Cleo Client").code == 0
        assert cli("account", "create", "cleo@example.org", "--name", "Cleo",
                   "--role", "client", "--person", "cleo", "--coach", "casey@example.org",
                   "--password", "correct horse battery").code == 0
        assert cli("screen", "cleo", "--none").code == 0
        r = cli("screen", "cleo", "--yes", "ottawa_malleolus", "--none")
        assert r.code == 0, r.text
        r = cli("send-mail", "--json")
        assert r.code == 0, r.text
        assert r.json() == {"reminders_queued": 0, "sent": 1, "failed": 0, "too_old": 0}
        (message,) = box.wait()
        assert message["Subject"] == "Cleo Client answered yes to a red-flag question"
        assert cli("send-mail", "--json").json() == {"reminders_queued": 0, "sent": 0,
                                                      "failed": 0, "too_old": 0}
    finally:
        box.stop()


def test_send_mail_without_a_server_says_what_to_set(cli: Cli,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANKLET_SMTP_URL", raising=False)
    r = cli("send-mail")
    assert r.code == 2
    assert "ANKLET_SMTP_URL" in r.text
