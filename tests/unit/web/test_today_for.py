"""today_for: the date now for the person a page is about, at the edges of days and of DST.

No database is reached: the account is the signed-in one (or the page is about its own
person), so nothing is looked up; the person-behind-a-key case is in the web integration
tests (test_time_zone_pages.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine

from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web import deps
from anklet.web.deps import today_for, zone_today


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _account(zone: str | None, person_key: str | None = "p-1") -> Account:
    return Account(id=1, email="a@example.org", name="A", role="self", person_key=person_key,
                   session_version=1, password_hash="x", time_zone=zone)


@pytest.fixture
def uow() -> Iterator[UnitOfWork]:
    engine = create_engine("sqlite://")  # never queried here: see the module docstring
    yield UnitOfWork(engine, write=False)
    engine.dispose()


@pytest.mark.parametrize(("zone", "at", "day"), [
    # ahead of UTC, just before and just after its midnight
    ("Asia/Tokyo", "2026-12-06T14:59", "2026-12-06"),
    ("Asia/Tokyo", "2026-12-06T15:00", "2026-12-07"),
    ("Pacific/Kiritimati", "2026-12-06T12:00", "2026-12-07"),
    # behind UTC: 23:30 in New York is 04:30 UTC the next day
    ("America/New_York", "2026-12-07T04:30", "2026-12-06"),
    ("America/New_York", "2026-12-07T05:00", "2026-12-07"),
    ("Pacific/Pago_Pago", "2026-12-06T05:00", "2026-12-05"),
    # Berlin, spring forward (29 Mar 2026, 01:00 UTC): 00:30 on the 29th in winter time, and
    # 22:30 UTC that evening is already the 30th in summer time (+2)
    ("Europe/Berlin", "2026-03-28T23:30", "2026-03-29"),
    ("Europe/Berlin", "2026-03-29T22:30", "2026-03-30"),
    ("Europe/Berlin", "2026-03-29T21:59", "2026-03-29"),
    # Berlin, fall back (25 Oct 2026, 01:00 UTC): 22:30 UTC is 23:30 on the 25th (+1)
    ("Europe/Berlin", "2026-10-24T22:30", "2026-10-25"),
    ("Europe/Berlin", "2026-10-25T22:30", "2026-10-25"),
    # New York, spring forward (8 Mar 2026, 07:00 UTC): 04:30 UTC on the 9th is 00:30 (EDT)
    ("America/New_York", "2026-03-08T04:30", "2026-03-07"),
    ("America/New_York", "2026-03-09T04:30", "2026-03-09"),
    # New York, fall back (1 Nov 2026, 06:00 UTC): 04:30 UTC on the 2nd is 23:30 (EST) the 1st
    ("America/New_York", "2026-11-01T04:30", "2026-11-01"),
    ("America/New_York", "2026-11-02T04:30", "2026-11-01"),
    ("America/New_York", "2026-11-02T05:00", "2026-11-02"),
])
def test_today_for_is_the_date_in_the_accounts_zone(uow: UnitOfWork, zone: str, at: str,
                                                     day: str) -> None:
    expected = dt.date.fromisoformat(day)
    assert today_for(uow, _account(zone), at=_utc(at)) == expected
    # a page about the account's own person reads the same zone, with no look-up
    assert today_for(uow, _account(zone), "p-1", at=_utc(at)) == expected


@pytest.mark.parametrize("zone", [None, "", "Gone/Nowhere"])
def test_an_unknown_zone_gives_the_servers_date(uow: UnitOfWork, zone: str | None) -> None:
    at = _utc("2026-12-06T23:30")
    assert today_for(uow, _account(zone), at=at) == at.astimezone().date()
    assert zone_today(zone, at) == at.astimezone().date()


def test_nobody_signed_in_gives_the_servers_date(uow: UnitOfWork) -> None:
    at = _utc("2026-07-01T00:10")
    assert today_for(uow, None, at=at) == at.astimezone().date()


def test_the_clock_is_one_seam(uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``at``, today_for reads deps.now, as the request's ``get_now`` does."""
    monkeypatch.setattr(deps, "now", lambda: _utc("2026-12-06T12:00"))
    assert deps.get_now() == _utc("2026-12-06T12:00")
    assert today_for(uow, _account("Pacific/Kiritimati")) == dt.date(2026, 12, 7)
