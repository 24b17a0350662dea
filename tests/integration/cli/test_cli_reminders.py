"""`anklet send-reminders` (the same as `anklet send-mail`): from cron, the reminders due now
are queued and sent to a real SMTP server on loopback, each once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from anklet.services import reminders
from anklet.services.context import open_context
from anklet.settings import Settings
from mailtools import Mailbox

Cli = Callable[..., Any]


def test_send_reminders_queues_and_sends_whats_due_once(
        cli: Cli, cli_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    box = Mailbox().start()
    try:
        monkeypatch.setenv("ANKLET_SMTP_URL", f"smtp://127.0.0.1:{box.port}")
        monkeypatch.setenv("ANKLET_PUBLIC_URL", "https://anklet.example.org")
        assert cli("account", "create", "casey@example.org", "--name", "Casey Coach",
                   "--password", "correct horse battery").code == 0
        now = dt.datetime.now(dt.UTC)
        ctx = open_context(Settings(database_url=cli_url), migrate_schema=False)
        try:
            with ctx.uow() as uow:
                coach = uow.accounts.by_email("casey@example.org")
                assert coach is not None
                reminders.save(uow, coach, {"weekly_summary": reminders.Choice(
                    "weekly_summary", True, frozenset(range(7)),
                    dt.time(now.hour, now.minute), "UTC")})
                uow.commit()
        finally:
            ctx.engine.dispose()
        r = cli("send-reminders", "--json")
        assert r.code == 0, r.text
        assert r.json() == {"reminders_queued": 1, "sent": 1, "failed": 0, "too_old": 0}
        (message,) = box.wait()
        assert message["To"] == "casey@example.org"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Unsubscribe"].startswith("<https://anklet.example.org/reminders/")
        again = cli("send-reminders")
        assert again.code == 0
        assert "Sent 0 emails." in again.text
    finally:
        box.stop()


def test_send_reminders_is_listed_with_the_web_commands(cli: Cli) -> None:
    r = cli("send-reminders", "--help", db=False)
    assert r.code == 0
    assert "same as" in r.text
