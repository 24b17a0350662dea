"""Reading is reading: GET requests answer while another writer holds SQLite's lock, and an API
token's last-used time is written at most once an hour, in a short write of its own.

(A GET that wrote — every API read stamped its token — had to upgrade its read to a write,
which SQLite refuses at once when anyone else is writing: "database is locked", 503.)
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from webtools import Web, WebClient

from anklet.domain.history import History, Person
from anklet.services import accounts as account_service
from anklet.store import tables as t
from anklet.store.uow import UnitOfWork


def _token(web: Web, email: str) -> str:
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email(email)
        assert account is not None
        token = account_service.create_token(uow, account=account, name="tests")
        uow.commit()
    return token


def _last_used(web: Web) -> dt.datetime | None:
    with web.ctx.engine.connect() as conn:
        value: dt.datetime | None = conn.execute(
            select(t.api_tokens.c.last_used_at)).scalar_one()
    return value


def _api(web: Web, token: str) -> TestClient:
    return TestClient(web.app, headers={"Authorization": f"Bearer {token}"})


@contextmanager
def _writer_holding_the_lock(web: Web) -> Iterator[None]:
    """Another writer in the middle of its transaction (it holds SQLite's writer lock)."""
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with UnitOfWork(web.ctx.engine) as uow:
            uow.people.add(History(person=Person(id="busy-writer", name="Busy")))
            holding.set()
            release.wait(timeout=300)
            uow.commit()

    other = threading.Thread(target=hold)
    other.start()
    try:
        assert holding.wait(timeout=120)
        yield
    finally:
        release.set()
        other.join(timeout=120)


def test_api_read_stamps_the_token_once_an_hour(web: Web, coach: WebClient) -> None:
    api = _api(web, _token(web, "coach@example.org"))
    assert _last_used(web) is None
    assert api.get("/api/v1/people").status_code == 200
    first = _last_used(web)
    assert first is not None
    assert api.get("/api/v1/people").status_code == 200
    assert _last_used(web) == first  # within the hour: the read wrote nothing
    with web.ctx.engine.begin() as conn:  # an hour and a minute ago
        conn.execute(update(t.api_tokens).values(
            last_used_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1, minutes=1)))
    assert api.get("/api/v1/people").status_code == 200
    later = _last_used(web)
    assert later is not None
    assert later.replace(tzinfo=None) > first.replace(tzinfo=None)


def test_api_write_also_stamps_the_token(web: Web, coach: WebClient) -> None:
    api = _api(web, _token(web, "coach@example.org"))
    r = api.post("/api/v1/people", json={"name": "Pat Post"})
    assert r.status_code == 201, r.text
    assert _last_used(web) is not None


@pytest.mark.parametrize("path", ["/api/v1/people", "/api/v1/people/{key}",
                                  "/api/v1/people/{key}/decision"])
def test_api_read_answers_while_another_writer_holds_the_lock(
        web: Web, coach: WebClient, path: str) -> None:
    key = web.add_client("coach@example.org", "Rae Reader")
    api = _api(web, _token(web, "coach@example.org"))
    assert api.get("/api/v1/people").status_code == 200  # the token's stamp for this hour
    with _writer_holding_the_lock(web):
        r = api.get(path.format(key=key))
    assert r.status_code == 200, r.text


def test_pages_that_store_decisions_answer_while_another_writer_holds_the_lock(
        web: Web, coach: WebClient) -> None:
    key = web.add_client("coach@example.org", "Dee Decided")
    assert coach.get("/coach").status_code == 200  # decisions made and stored today
    assert coach.get(f"/people/{key}").status_code == 200
    with _writer_holding_the_lock(web):
        assert coach.get("/coach").status_code == 200
        assert coach.get(f"/people/{key}").status_code == 200


def test_views_store_a_decision_that_is_out_of_date(web: Web, coach: WebClient) -> None:
    key = web.add_client("coach@example.org", "Old Decision")
    with web.ctx.engine.begin() as conn:  # as if decided last week
        conn.execute(update(t.decisions).values(as_of=dt.date.today() - dt.timedelta(days=7)))
    assert coach.get(f"/people/{key}").status_code == 200
    with web.ctx.engine.connect() as conn:
        assert conn.execute(select(t.decisions.c.as_of)).scalar_one() == dt.date.today()
    with web.ctx.engine.begin() as conn:
        conn.execute(update(t.decisions).values(as_of=dt.date.today() - dt.timedelta(days=7)))
    assert coach.get("/coach").status_code == 200
    with web.ctx.engine.connect() as conn:
        assert conn.execute(select(t.decisions.c.as_of)).scalar_one() == dt.date.today()
