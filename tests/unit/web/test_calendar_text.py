"""The calendar feed writes text as RFC 5545 says (3.3.11 TEXT, 3.1 folding): a name or a
run title stored before names were checked, with a line break, a semicolon, a comma, a
backslash or a control character in it, still gives a feed every calendar app can read."""

from __future__ import annotations

import datetime as dt

import icalendar

from anklet.domain.exercises import load_library
from anklet.domain.history import (
    Availability,
    History,
    Intake,
    Person,
    PlannedRun,
    RunKind,
    Screening,
)
from anklet.domain.protocol import load_protocol
from anklet.services import calendar as calendar_service

TODAY = dt.date(2026, 3, 4)  # a Wednesday
SUNDAY = dt.date(2026, 3, 8)
NAME = "Ann\nBee; Co, \\Dee\x07\x00\x1b[2J\u2028End"


def _feed() -> bytes:
    protocol, library = load_protocol(), load_library()
    history = History(
        person=Person(id="ann", name=NAME),  # as stored before names were checked
        intake=Intake(date=TODAY - dt.timedelta(days=30)),
        screenings=[Screening(date=TODAY - dt.timedelta(days=2),
                              red_flags={f.id: False for f in protocol.red_flags})],
        availability=Availability(mon=30, wed=30, fri=30, sun=20),
        planned_runs=[PlannedRun(date=SUNDAY, kind=RunKind.LONG, title="Park\r\nrun\x0b")])
    plans = calendar_service.plans(history, protocol=protocol, library=library, today=TODAY)
    return calendar_service.build(history, plans, now=dt.datetime(2026, 3, 4, 8, tzinfo=dt.UTC))


def test_feed_escapes_and_cleans_a_name_with_line_breaks_and_control_characters() -> None:
    body = _feed()
    lines = body.split(b"\r\n")
    assert lines[-1] == b""  # every line ends with CRLF, nothing after the last
    for line in lines:
        assert len(line) <= 75  # folded at 75 octets
        assert b"\n" not in line
        assert b"\r" not in line
        assert not any(c < 0x20 and c != 0x09 for c in line), line  # no control characters
        assert b"\x7f" not in line
    unfolded = body.replace(b"\r\n ", b"")
    (calname,) = [x for x in unfolded.split(b"\r\n") if x.startswith(b"X-WR-CALNAME:")]
    assert calname.decode() == "X-WR-CALNAME:Anklet plan — Ann Bee\\; Co\\, \\\\Dee[2J End"


def test_feed_with_such_a_name_parses_back_with_the_text_kept() -> None:
    cal = icalendar.Calendar.from_ical(_feed())
    assert "Ann Bee" in str(cal["X-WR-CALNAME"])
    found = list(cal.walk("VEVENT"))
    assert found
    for event in found:
        summary, description = str(event["SUMMARY"]), str(event["DESCRIPTION"])
        assert summary.startswith("Anklet: ")
        assert "\n" not in summary
        assert "\n" in description  # the description's own line breaks are kept
