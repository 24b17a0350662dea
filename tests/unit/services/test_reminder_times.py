"""When a chosen reminder is due: local time, weekdays, time zones, clock changes, midnight
and week boundaries, and the rule that a reminder more than an hour late is not sent."""

from __future__ import annotations

import datetime as dt

import pytest

from anklet.domain.errors import InputError
from anklet.services.reminders import LATE, Choice, due_day, outbox_key, parse_time, zone

UTC = dt.UTC
EVERY_DAY = frozenset(range(7))


def _choice(at: str, tz: str = "Europe/Berlin", days: frozenset[int] = EVERY_DAY,
            on: bool = True) -> Choice:
    return Choice("day_plan", on, days, parse_time(at, "at"), tz)


def _utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_due_day_is_the_local_date_from_the_chosen_time_for_an_hour() -> None:
    c = _choice("07:30")  # Berlin in winter is UTC+1: 06:30 UTC
    assert due_day(c, _utc(2026, 12, 7, 6, 29, 59)) is None
    assert due_day(c, _utc(2026, 12, 7, 6, 30)) == dt.date(2026, 12, 7)
    assert due_day(c, _utc(2026, 12, 7, 7, 29, 59)) == dt.date(2026, 12, 7)
    assert due_day(c, _utc(2026, 12, 7, 7, 30)) is None  # an hour late: not at all


def test_due_day_follows_summer_time() -> None:
    c = _choice("07:30")  # UTC+2 in July
    assert due_day(c, _utc(2026, 7, 6, 5, 30)) == dt.date(2026, 7, 6)
    assert due_day(c, _utc(2026, 7, 6, 6, 30)) is None


def test_due_day_on_the_night_clocks_go_forward_comes_as_the_clock_passes_it() -> None:
    # 29 Mar 2026 in Berlin: 02:00 becomes 03:00; 02:30 never happens
    c = _choice("02:30")
    assert due_day(c, _utc(2026, 3, 29, 0, 59)) is None
    assert due_day(c, _utc(2026, 3, 29, 1, 30)) == dt.date(2026, 3, 29)  # 03:30 local
    assert due_day(c, _utc(2026, 3, 29, 2, 30)) is None
    # the day after: 02:30 local is 00:30 UTC again
    assert due_day(c, _utc(2026, 3, 30, 0, 30)) == dt.date(2026, 3, 30)


def test_due_day_on_the_night_clocks_go_back_counts_the_first_time() -> None:
    # 25 Oct 2026 in Berlin: 03:00 becomes 02:00; 02:30 happens twice
    c = _choice("02:30")
    first = _utc(2026, 10, 25, 0, 30)  # 02:30 summer time
    assert due_day(c, first) == dt.date(2026, 10, 25)
    assert due_day(c, first + LATE) is None  # 02:30 winter time: the same day, not again


def test_due_day_just_before_midnight_is_still_due_just_after_it_for_the_day_before() -> None:
    c = _choice("23:30", days=frozenset({6}))  # Sundays only
    sunday_late = _utc(2026, 12, 6, 22, 30)  # 23:30 Sun 6 Dec in Berlin
    assert due_day(c, sunday_late) == dt.date(2026, 12, 6)
    monday_early = _utc(2026, 12, 6, 23, 10)  # 00:10 Mon 7 Dec in Berlin
    assert due_day(c, monday_early) == dt.date(2026, 12, 6)  # Sunday's, across the week


def test_due_day_uses_the_weekday_where_the_person_lives() -> None:
    # 20:00 Sunday in Los Angeles is 04:00 Monday UTC
    c = _choice("20:00", tz="America/Los_Angeles", days=frozenset({6}))
    assert due_day(c, _utc(2026, 12, 7, 4, 0)) == dt.date(2026, 12, 6)
    monday = _choice("20:00", tz="America/Los_Angeles", days=frozenset({0}))
    assert due_day(monday, _utc(2026, 12, 7, 4, 0)) is None


def test_due_day_not_on_days_not_chosen_nor_when_off() -> None:
    weekdays = _choice("07:30", days=frozenset(range(5)))
    assert due_day(weekdays, _utc(2026, 12, 5, 6, 30)) is None  # Saturday
    assert due_day(weekdays, _utc(2026, 12, 4, 6, 30)) == dt.date(2026, 12, 4)  # Friday
    assert due_day(_choice("07:30", on=False), _utc(2026, 12, 4, 6, 30)) is None
    assert due_day(_choice("07:30", days=frozenset()), _utc(2026, 12, 4, 6, 30)) is None


def test_due_day_in_utc_at_midnight() -> None:
    c = _choice("00:00", tz="UTC")
    assert due_day(c, _utc(2026, 12, 31, 23, 59)) is None
    assert due_day(c, _utc(2027, 1, 1, 0, 0)) == dt.date(2027, 1, 1)


def test_outbox_key_names_account_kind_and_local_date() -> None:
    assert outbox_key(7, "morning_pain", dt.date(2026, 12, 6)) == \
        "reminder:7:morning_pain:2026-12-06"


@pytest.mark.parametrize("name", ["Mars/Base", "", "../etc/passwd", "/usr/share/zoneinfo/UTC",
                                  "Europe/" + "x" * 70])
def test_zone_refuses_unknown_names(name: str) -> None:
    with pytest.raises(InputError) as e:
        zone(name)
    assert e.value.field == "time_zone"
    assert "Europe/Berlin" in e.value.accepted


@pytest.mark.parametrize("value", ["7:30", "24:00", "12:60", "noon", "", "07:3O"])
def test_parse_time_refuses_what_is_not_hours_and_minutes(value: str) -> None:
    with pytest.raises(InputError) as e:
        parse_time(value, "day_plan_at")
    assert e.value.field == "day_plan_at"
    assert "00:00 to 23:59" in e.value.accepted
