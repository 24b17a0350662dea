"""The session flag "my gait feels off": old documents load without it, a wrong value is
named, and :func:`gait_off_since` finds the latest flagged session from a day on."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from anklet.domain.errors import HistoryError
from anklet.domain.history import History, gait_off_since, parse_history
from factories import day, full_history, minimal_history, session


def _with_sessions(*flags: tuple[int, bool]) -> History:
    return minimal_history(sessions=[session(n, gait_off=off) for n, off in flags])


def test_parse_history_reads_a_session_without_gait_off_as_not_off() -> None:
    doc = copy.deepcopy(full_history().to_dict())
    for s in doc["sessions"]:
        s.pop("gait_off", None)
    h = parse_history(doc)
    assert [s.gait_off for s in h.sessions] == [False, False, False]


def test_parse_history_keeps_gait_off_through_export() -> None:
    h = full_history()
    assert [s.gait_off for s in h.sessions] == [False, True, False]
    assert parse_history(h.to_dict()) == h


def test_parse_history_names_a_gait_off_that_is_not_yes_or_no() -> None:
    doc = copy.deepcopy(full_history().to_dict())
    doc["sessions"][0]["gait_off"] = "sometimes"
    with pytest.raises(HistoryError) as info:
        parse_history(doc)
    assert [(f, v) for f, v, _ in info.value.problems] == [("sessions[0].gait_off", "sometimes")]


def test_gait_off_since_none_when_no_session_is_flagged() -> None:
    assert gait_off_since(_with_sessions((1, False), (3, False)), day(0)) is None


def test_gait_off_since_none_when_no_sessions() -> None:
    assert gait_off_since(minimal_history(), day(0)) is None


def test_gait_off_since_counts_a_flag_on_the_day_itself() -> None:
    assert gait_off_since(_with_sessions((5, True)), day(5)) == day(5)


def test_gait_off_since_skips_a_flag_the_day_before() -> None:
    assert gait_off_since(_with_sessions((4, True)), day(5)) is None


def test_gait_off_since_counts_a_flag_the_day_after() -> None:
    assert gait_off_since(_with_sessions((6, True)), day(5)) == day(6)


def test_gait_off_since_gives_the_latest_flagged_date() -> None:
    h = _with_sessions((2, True), (7, True), (9, False), (4, True))
    assert gait_off_since(h, day(1)) == day(7)
    assert gait_off_since(h, day(8)) is None


def test_gait_off_since_reads_any_day_as_a_date() -> None:
    assert gait_off_since(_with_sessions((3, True)), dt.date(1900, 1, 1)) == day(3)
