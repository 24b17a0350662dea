"""The calendar feed: a person's planned sessions as an iCalendar (ICS) file.

A phone's calendar app subscribes to ``/calendar/{token}.ics``; the secret token is the only
key (see :func:`anklet.services.accounts.issue_feed` and ``revoke_feed``); only its SHA-256
is stored, so the address is shown once, when it is made. The feed holds the
week of ``today`` and the next :data:`WEEKS_AHEAD` weeks, each planned by the engine with
the decision as of today (a future week uses the current stage and dose; it is planned again
when the app next refreshes, so a change of stage reaches the calendar on its own).

Events are all-day (the plan gives days, not times):

* one **session** event for each day with exercises to do in free time, titled with the
  blocks and the minutes, the exercise list with doses in its description;
* one **gait prep** event on the day of each planned long, interval or race run, with the
  drills to do before it (the planner places them on that day as part of the warm-up).

When the person chose day-plan reminders (:mod:`anklet.services.reminders`), each session
event has an alarm (VALARM) at that time of its day.

UIDs are made from the person and the date (``{key}-{date}-session@anklet``), so a
calendar app updates an event when the plan changes instead of adding a second one. A plan
the engine refuses (a red flag, a missing screen) gives one event this week that says why.
"""

from __future__ import annotations

import datetime as dt
import re

import icalendar

from anklet.domain.decisions import decide, validate_references
from anklet.domain.exercises import HEEL_WARNING, Category, Library
from anklet.domain.history import History
from anklet.domain.planner import PlanBlock, PlanDay, WeekPlan, plan_week
from anklet.domain.protocol import Protocol
from anklet.services.accounts import feed_person
from anklet.services.reminders import day_plan_alarm
from anklet.store.uow import UnitOfWork

__all__ = ["REFRESH", "WEEKS_AHEAD", "build", "feed_for_token", "plans"]

WEEKS_AHEAD = 3
"""Weeks after the current one in the feed."""
REFRESH = dt.timedelta(hours=4)
"""How often calendar apps are asked to fetch the feed again."""
PRODID = "-//Anklet//Anklet plan feed//EN"
RUN_WORDS = {"long": "long run", "interval": "interval session", "race": "race",
             "easy": "easy run"}


def plans(history: History, *, protocol: Protocol, library: Library, today: dt.date,
          weeks_ahead: int = WEEKS_AHEAD) -> list[WeekPlan]:
    """This week's plan and the next ``weeks_ahead`` weeks', all from today's decision."""
    validate_references(history, protocol, library)
    decision = decide(history, protocol=protocol, library=library, as_of=today)
    monday = today - dt.timedelta(days=today.weekday())
    return [plan_week(decision, history, week_start=monday + dt.timedelta(days=7 * k),
                      protocol=protocol, library=library)
            for k in range(weeks_ahead + 1)]


def _block_lines(block: PlanBlock) -> list[str]:
    lines = [f"{block.label} ({block.minutes} min){' — short version' if block.short else ''}"]
    lines += [f"• {item.exercise.name}: {item.dose}" for item in block.items]
    if any(item.exercise.category is Category.FOOT_RELEASE for item in block.items):
        lines.append(HEEL_WARNING)
    return lines


_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029]")


def _text(value: str, *, lines: bool = False) -> icalendar.vText:
    """``value`` as iCalendar TEXT (RFC 5545, 3.3.11): control characters removed (a name
    stored before names were checked may hold them), line breaks kept as ``\\n`` only
    where ``lines`` (a description; a title or the calendar's name is one line), and
    backslash, semicolon and comma escaped by ``vText``, which also folds long lines at 75
    octets. Unknown ``X-`` properties are not escaped unless given as ``vText``."""
    clean = _NOT_TEXT.sub("", value)
    clean = _BREAKS.sub("\n" if lines else " ", clean)
    return icalendar.vText(clean)


def _event(uid: str, day: dt.date, summary: str, description: str,
           stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)  # a date: an all-day event
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", _text(summary))
    event.add("description", _text(description, lines=True))
    event.add("transp", "TRANSPARENT")  # does not make the person look busy
    event.add("categories", ["Anklet"])
    return event


def _alarm(at: dt.time) -> icalendar.Alarm:
    """A reminder at ``at`` on the day of an all-day event: relative to its start (midnight
    of that day where the calendar is), so it rings at that time of day whatever the zone
    and across a change of clocks."""
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _text("Time for your Anklet exercises"))
    alarm.add("trigger", dt.timedelta(hours=at.hour, minutes=at.minute),
              parameters={"RELATED": "START"})
    return alarm


def _day_events(key: str, day: PlanDay, stamp: dt.datetime,
                alarm: dt.time | None = None) -> list[icalendar.Event]:
    out = []
    free = [b for b in day.blocks if b.uses_free_time]
    if free:
        minutes = sum(b.minutes for b in free)
        summary = f"Anklet: {', '.join(b.label for b in free)} ({minutes} min)"
        text = "\n\n".join("\n".join(_block_lines(b)) for b in free)
        session = _event(f"{key}-{day.date.isoformat()}-session@anklet", day.date, summary,
                         text + "\n\nLog it in Anklet when you are done.", stamp)
        if alarm is not None:  # the person chose day-plan reminders at this time
            session.add_component(_alarm(alarm))
        out.append(session)
    prep = [b for b in day.blocks if b.before_run is not None]
    if prep:
        run = prep[0].before_run
        assert run is not None
        what = RUN_WORDS.get(run.kind.value, "run")
        title = f" ({_text(run.title)})" if run.title else ""
        summary = f"Anklet: gait prep before your {what}"
        text = (f"Do these drills as part of the warm-up, just before your {what}{title}.\n\n"
                + "\n\n".join("\n".join(_block_lines(b)) for b in prep))
        out.append(_event(f"{key}-{day.date.isoformat()}-gait@anklet", day.date, summary, text,
                          stamp))
    return out


def build(history: History, week_plans: list[WeekPlan], *,
          now: dt.datetime | None = None, alarm: dt.time | None = None) -> bytes:
    """The ICS file for these plans; with ``alarm``, each session rings at that time of
    its day (the person's day-plan reminder time)."""
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    key, name = history.person.id, history.person.name
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _text(f"Anklet plan — {name}"))
    cal.add("x-wr-caldesc", _text("The exercise sessions Anklet plans for the coming weeks, "
                                  "and gait prep before key runs."))
    hours = int(REFRESH.total_seconds() // 3600)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", f"PT{hours}H")
    for plan in week_plans:
        if plan.refused:
            cal.add_component(_event(
                f"{key}-{plan.week_start.isoformat()}-noplan@anklet", plan.week_start,
                "Anklet: no exercises planned this week",
                f"{plan.refused}\n\nOpen Anklet to see what to do next.", stamp))
            continue
        for day in plan.days:
            for event in _day_events(key, day, stamp, alarm):
                cal.add_component(event)
    return bytes(cal.to_ical())


def feed_for_token(uow: UnitOfWork, *, token: str, protocol: Protocol, library: Library,
                   today: dt.date | None = None, now: dt.datetime | None = None
                   ) -> bytes | None:
    """The feed the secret ``token`` opens, or None if no feed has that token."""
    key = feed_person(uow, token)  # only the token's SHA-256 is stored
    if key is None:
        return None
    history = uow.people.get(key)
    today = today or dt.date.today()
    chosen = day_plan_alarm(uow, key)
    return build(history, plans(history, protocol=protocol, library=library, today=today),
                 now=now, alarm=chosen[0] if chosen else None)
