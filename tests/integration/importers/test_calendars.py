"""Calendars as people export them: repeating events over the weeks ahead, and importing
the calendar again after editing it.

tests/data/google_calendar.ics is written the way Google Calendar exports (VTIMEZONE,
X-WR-TIMEZONE, times in UTC and floating): a weekly long run that began in June with a
cancelled first Sunday, a skipped Sunday (EXDATE), one moved to Saturday and one cancelled
(RECURRENCE-ID); Tuesday intervals that end in December plus one extra date (RDATE); an
all-day race; a committee lunch that is no run; a cancelled fartlek; runs before and after
the twelve weeks. It is imported as on Monday 7 December 2026.
"""

from __future__ import annotations

import datetime as dt

from activity_files import DATA, parse
from sqlalchemy import Engine

from anklet.domain.history import History, Person, PlannedRun, RunKind
from anklet.importers import ImportOptions, read_bytes, read_paths
from anklet.services import activities
from anklet.services.activities import FileReport
from anklet.store.uow import UnitOfWork

TODAY = dt.date(2026, 12, 7)
OPTIONS = ImportOptions(today=TODAY)
CALENDAR = DATA / "google_calendar.ics"
LONG, INTERVAL, EASY, RACE = RunKind.LONG, RunKind.INTERVAL, RunKind.EASY, RunKind.RACE
SUNDAY = "Sunday long run"
TRACK = "Track: intervals 6x800"

EXPECTED = [
    ("2026-12-08", INTERVAL, 60, TRACK),
    ("2026-12-10", EASY, 45, "Easy jog"),  # floating 07:00: read as local time
    ("2026-12-12", EASY, 60, "Midnight run"),  # 23:30 UTC is 00:30 next day in Berlin
    ("2026-12-13", LONG, 120, SUNDAY),
    ("2026-12-15", INTERVAL, 60, TRACK),  # the cancelled fartlek that day is left out
    ("2026-12-20", LONG, 120, SUNDAY),
    ("2026-12-22", INTERVAL, 60, TRACK),
    # 27 December: EXDATE
    ("2026-12-29", INTERVAL, 60, TRACK),  # the last Tuesday before UNTIL
    ("2027-01-03", LONG, 120, SUNDAY),
    ("2027-01-07", INTERVAL, 60, TRACK),  # RDATE
    ("2027-01-10", LONG, 120, SUNDAY),
    ("2027-01-16", LONG, 150, "Sunday long run (Saturday this week)"),  # moved from the 17th
    ("2027-01-23", RACE, None, "Winter 10k race"),  # all day: no minutes
    ("2027-01-24", LONG, 120, SUNDAY),
    ("2027-01-31", LONG, 120, SUNDAY),
    # 7 February: that occurrence is cancelled
    ("2027-02-14", LONG, 120, SUNDAY),
    ("2027-02-21", LONG, 120, SUNDAY),
    ("2027-02-28", LONG, 120, SUNDAY),  # the last Sunday of the twelve weeks
]  # 20 November (before today) and the April marathon (after the twelve weeks): left out


def _runs(runs: list[PlannedRun] | tuple[PlannedRun, ...]) -> list[tuple[str, RunKind,
                                                                       int | None, str | None]]:
    return [(r.date.isoformat(), r.kind, r.minutes, r.title) for r in runs]


def test_parse_google_calendar_plans_each_occurrence_in_the_weeks_ahead() -> None:
    p = parse(CALENDAR, OPTIONS)
    assert _runs(p.planned_runs) == EXPECTED
    assert "1 event(s) that are not runs ignored" in p.notes  # the committee lunch
    assert p.notes[0] == "runs planned from 2026-12-07 to 2027-02-28 (the 12 weeks ahead)"
    assert {r.calendar for r in p.planned_runs} == {"Training"}  # X-WR-CALNAME
    moved = next(r for r in p.planned_runs if r.date == dt.date(2027, 1, 16))
    assert moved.event == "5k2p9v1c0q8r7s6t4u3w2x1y0z@google.com/2027-01-17"
    race = next(r for r in p.planned_runs if r.kind is RACE)
    assert race.event == "race-winter-10k@google.com"  # a single event: its UID alone


def test_parse_calendar_never_plans_a_cancelled_first_occurrence() -> None:
    # imported the day the series began: its first Sunday is cancelled
    p = parse(CALENDAR, ImportOptions(today=dt.date(2026, 6, 7)))
    sundays = [r.date for r in p.planned_runs if r.title == SUNDAY]
    assert sundays[:2] == [dt.date(2026, 6, 14), dt.date(2026, 6, 21)]


def _person(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(History(person=Person(id="sam", name="Sam")))
        uow.commit()


def _import(engine: Engine, sources: object, today: dt.date = TODAY) -> list[FileReport]:
    with UnitOfWork(engine) as uow:
        reports = activities.create(uow, key="sam", sources=sources,  # type: ignore[arg-type]
                                    options=ImportOptions(today=today))
        uow.commit()
    return reports


def _stored(engine: Engine) -> list[PlannedRun]:
    with UnitOfWork(engine) as uow:
        return uow.people.planned_runs("sam")


def _edited() -> bytes:
    """The calendar after a week of edits in the calendar app."""
    text = CALENDAR.read_bytes().decode()
    # the moved long run moves again, to Friday
    text = text.replace("DTSTART;TZID=Europe/Berlin:20270116T090000",
                        "DTSTART;TZID=Europe/Berlin:20270115T090000")
    text = text.replace("DTEND;TZID=Europe/Berlin:20270116T113000",
                        "DTEND;TZID=Europe/Berlin:20270115T113000")
    # one more Sunday off
    text = text.replace("EXDATE;TZID=Europe/Berlin:20261227T080000",
                        "EXDATE;TZID=Europe/Berlin:20261227T080000,20270131T080000")
    # the race is renamed and the Tuesday intervals end a week earlier
    text = text.replace("SUMMARY:Winter 10k race", "SUMMARY:Winter 10k race (club champs)")
    text = text.replace("UNTIL=20261229T225959Z", "UNTIL=20261222T225959Z")
    return text.encode()


def test_import_calendar_again_after_editing_updates_instead_of_adding(engine: Engine) -> None:
    _person(engine)
    with UnitOfWork(engine) as uow:  # one planned by hand, one from another calendar
        uow.people.add_planned_run("sam", PlannedRun(date=dt.date(2027, 1, 31), kind=EASY,
                                                     title="Easy run with Jo"))
        uow.people.add_planned_run("sam", PlannedRun(
            date=dt.date(2027, 1, 20), kind=RACE, title="Indoor 3k", calendar="Races",
            event="indoor-3k@example.org"))
        uow.commit()
    [first] = _import(engine, read_paths([CALENDAR]))
    assert first.status == "imported"
    assert len(_stored(engine)) == len(EXPECTED) + 2

    [again] = _import(engine, read_bytes(_edited(), "google_calendar.ics"))
    assert again.status == "imported"
    assert again.message.endswith("(2 moved or changed, 2 no longer in the calendar, "
                                  "taken off)")
    stored = _runs(_stored(engine))
    expected = [r for r in EXPECTED if r[0] not in ("2026-12-29", "2027-01-31")]
    expected = [("2027-01-15", *r[1:]) if r[0] == "2027-01-16" else
                (r[0], r[1], r[2], "Winter 10k race (club champs)") if r[1] is RACE else r
                for r in expected]
    expected += [("2027-01-20", RACE, None, "Indoor 3k"),
                 ("2027-01-31", EASY, None, "Easy run with Jo")]
    assert stored == sorted(expected, key=lambda r: (r[0], r[3] or ""))

    # the same file once more: nothing changes, nothing is added
    [same] = _import(engine, read_bytes(_edited(), "google_calendar.ics"))
    assert (same.status, same.message) == ("skipped", "every run in it is already planned")
    assert _runs(_stored(engine)) == stored


def test_import_calendar_later_keeps_its_past_runs_and_adds_the_new_weeks(
        engine: Engine) -> None:
    _person(engine)
    _import(engine, read_paths([CALENDAR]))
    later = TODAY + dt.timedelta(weeks=4)  # 4 January 2027
    [report] = _import(engine, read_paths([CALENDAR]), today=later)
    assert report.status == "imported"
    dates = [r.date.isoformat() for r in _stored(engine)]
    assert dates[:8] == [r[0] for r in EXPECTED[:8]]  # before 4 January: kept as they were
    assert dates[-4:] == ["2027-03-07", "2027-03-14", "2027-03-21", "2027-03-28"]
    assert len(dates) == len(set(zip(dates, [r.title for r in _stored(engine)],
                                     strict=True)))  # no run twice


def test_import_calendar_claims_runs_it_planned_before_runs_knew_their_event(
        engine: Engine) -> None:
    _person(engine)
    with UnitOfWork(engine) as uow:  # as stored by an earlier version: no calendar, no event
        uow.people.add_planned_run("sam", PlannedRun(date=dt.date(2026, 12, 13), kind=LONG,
                                                     minutes=120, title=SUNDAY))
        uow.commit()
    _import(engine, read_paths([CALENDAR]))
    stored = _stored(engine)
    assert len(stored) == len(EXPECTED)
    assert stored[3].event == "5k2p9v1c0q8r7s6t4u3w2x1y0z@google.com/2026-12-13"
