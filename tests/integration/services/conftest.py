"""Fixtures of the service tests that send email: a real SMTP server on loopback and a
context that sends through it (``ctx``; a test module may define its own ``ctx`` instead)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from anklet.services.context import Context, open_context
from anklet.settings import Settings
from mailtools import Mailbox


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox().start()
    yield box
    box.stop()


@pytest.fixture
def ctx(db_url: str, mailbox: Mailbox) -> Iterator[Context]:
    c = open_context(Settings(database_url=db_url, smtp_url=f"smtp://127.0.0.1:{mailbox.port}",
                              public_url="https://anklet.example.org"),
                     migrate_schema=False)
    yield c
    c.engine.dispose()
