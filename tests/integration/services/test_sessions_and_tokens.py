"""Sessions and API tokens end when they should, through the account service with a frozen
clock, on SQLite and PostgreSQL (the web side is tests/integration/web/test_sessions.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from anklet.domain.errors import InputError
from anklet.services import accounts
from anklet.store.uow import UnitOfWork

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
GOOD = "kettle orbit mango lantern"
NEW = "violet kettle marching uphill"
EMAIL = "owner@example.org"


@pytest.fixture
def owner(engine: Engine) -> int:
    with UnitOfWork(engine) as uow:
        account = accounts.create_account(uow, email=EMAIL, name="Olive Owner",
                                          password=GOOD, role="coach")
        uow.commit()
    return account.id


def _start(engine: Engine, account_id: int, at: dt.datetime = T0) -> str:
    with UnitOfWork(engine) as uow:
        account = uow.accounts.by_id(account_id)
        assert account is not None
        token = accounts.start_session(uow, account, lifetime=14 * DAY, now=at)
        uow.commit()
    return token


def _open(engine: Engine, token: str, at: dt.datetime = T0) -> bool:
    with UnitOfWork(engine) as uow:
        return accounts.session_account(uow, token, now=at) is not None


def _token(engine: Engine, account_id: int) -> str:
    with UnitOfWork(engine) as uow:
        account = uow.accounts.by_id(account_id)
        assert account is not None
        token = accounts.create_token(uow, account=account, name="app")
        uow.commit()
    return token


def _token_works(engine: Engine, token: str) -> bool:
    with UnitOfWork(engine) as uow:
        return accounts.token_account(uow, token) is not None


def test_session_lasts_until_it_expires_and_not_a_moment_longer(engine: Engine,
                                                                 owner: int) -> None:
    token = _start(engine, owner)
    assert _open(engine, token, T0 + 14 * DAY - dt.timedelta(seconds=1))
    assert not _open(engine, token, T0 + 14 * DAY)


def test_touch_is_due_only_after_the_throttle(engine: Engine, owner: int) -> None:
    token = _start(engine, owner)
    every = accounts.SESSION_TOUCH_EVERY
    with UnitOfWork(engine) as uow:
        early = accounts.session_account(uow, token, now=T0 + every - dt.timedelta(seconds=1))
        due = accounts.session_account(uow, token, now=T0 + every)
    assert early is not None
    assert not early.touch_due
    assert due is not None
    assert due.touch_due
    with UnitOfWork(engine) as uow:  # a touch slides the expiry
        accounts.touch_session(uow, due.session_id, lifetime=14 * DAY, now=T0 + 10 * DAY)
        uow.commit()
    assert _open(engine, token, T0 + 20 * DAY)


def test_end_session_ends_only_that_one(engine: Engine, owner: int) -> None:
    phone, laptop = _start(engine, owner), _start(engine, owner)
    with UnitOfWork(engine) as uow:
        accounts.end_session(uow, phone)
        uow.commit()
    assert not _open(engine, phone)
    assert _open(engine, laptop)


def test_change_password_keeps_this_session_and_ends_the_rest(engine: Engine,
                                                              owner: int) -> None:
    here, there = _start(engine, owner), _start(engine, owner)
    token = _token(engine, owner)
    with UnitOfWork(engine) as uow:
        account = uow.accounts.by_id(owner)
        assert account is not None
        accounts.change_password(uow, account=account, current=GOOD, new=NEW,
                                 keep_session=accounts.session_id_for(here))
        uow.commit()
    assert _open(engine, here)
    assert not _open(engine, there)
    assert not _token_works(engine, token)


def test_a_refused_password_change_ends_nothing(engine: Engine, owner: int) -> None:
    here = _start(engine, owner)
    token = _token(engine, owner)
    with UnitOfWork(engine) as uow:
        account = uow.accounts.by_id(owner)
        assert account is not None
        with pytest.raises(InputError):
            accounts.change_password(uow, account=account, current="not the password",
                                     new=NEW)
        uow.commit()
    assert _open(engine, here)
    assert _token_works(engine, token)


@pytest.mark.parametrize("one_time", [False, True])
def test_reset_ends_every_session_and_token(engine: Engine, owner: int, one_time: bool) -> None:
    here = _start(engine, owner)
    token = _token(engine, owner)
    with UnitOfWork(engine) as uow:
        fresh = accounts.reset_password(uow, email=EMAIL, new=NEW, one_time=one_time)
        uow.commit()
    assert fresh.must_change_password is one_time
    assert not _open(engine, here)
    assert not _token_works(engine, token)


def test_choose_password_replaces_a_one_time_password(engine: Engine, owner: int) -> None:
    with UnitOfWork(engine) as uow:
        accounts.reset_password(uow, email=EMAIL, new=NEW, one_time=True)
        uow.commit()
    here = _start(engine, owner)
    with UnitOfWork(engine) as uow:
        account = uow.accounts.by_id(owner)
        assert account is not None
        with pytest.raises(InputError, match="not the one you were given"):
            accounts.choose_password(uow, account=account, new=NEW)
        fresh = accounts.choose_password(uow, account=account, new=GOOD,
                                         keep_session=accounts.session_id_for(here))
        uow.commit()
    assert not fresh.must_change_password
    assert _open(engine, here)
    with UnitOfWork(engine) as uow:
        assert accounts.sign_in(uow, email=EMAIL, password=GOOD, address="x").id == owner
