"""Reminders a person chooses: queued once from the settings and the time, sent by the
outbox to a real SMTP server on loopback with one-click unsubscribe headers, their links
(stop; record the morning pain once), and the calendar feed's alarm. SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import icalendar
import pytest

from anklet.domain.history import Availability, ExerciseLog, Intake, Measurement, Screening, Session
from anklet.domain.measures import DEFAULT_METHOD, MeasureKind
from anklet.domain.units import Side
from anklet.services import accounts as account_service
from anklet.services import calendar, evaluation, outbox, records, reminders
from anklet.services.context import Context, open_context
from anklet.services.recovery import LinkError
from anklet.settings import Settings
from anklet.store.accounts import Account
from anklet.store.reminders import PASSED_OVER
from mailtools import Mailbox

DAY = dt.timedelta(days=1)
PASSWORD = "correct horse battery"
ZONE = "Europe/Berlin"


def _people(ctx: Context, *, logged_yesterday: bool = True) -> tuple[Account, Account, str]:
    """A coach, and their client (with their own account), screened and measured, who
    logged a session yesterday without the next-morning pain."""
    today = dt.date.today()
    with ctx.uow() as uow:
        coach = account_service.create_account(uow, email="casey@example.org",
                                               name="Casey Coach", password=PASSWORD,
                                               role="coach")
        key = account_service.add_client(uow, coach=coach, name="Cleo Client",
                                         intake=Intake(date=today - 21 * DAY)).person.id
        client, _ = account_service.give_client_sign_in(uow, coach=coach, key=key,
                                                        email="cleo@example.org")
        answers = {f.id: False for f in ctx.protocol.red_flags}
        records.create_screening(uow, key=key, protocol=ctx.protocol,
                                 screening=Screening(date=today - 3 * DAY, red_flags=answers))
        for side, cm in ((Side.LEFT, 7.0), (Side.RIGHT, 11.0)):
            records.create_measurement(uow, key=key, measurement=Measurement(
                date=today - 3 * DAY, side=side, kind=MeasureKind.KNEE_TO_WALL, value=cm,
                method=DEFAULT_METHOD[MeasureKind.KNEE_TO_WALL]))
        records.update_availability(uow, key=key, availability=Availability(
            mon=30, tue=30, wed=30, thu=30, fri=30, sat=30, sun=30))
        if logged_yesterday:
            first = ctx.library.exercises[0].id
            records.create_session(uow, key=key, library=ctx.library, session=Session(
                date=today - DAY, exercises=[ExerciseLog(exercise_id=first, sets=2, reps=10)],
                pain_during=2))
        evaluation.refresh(uow, key=key, protocol=ctx.protocol, library=ctx.library)
        uow.commit()
    return coach, client, key


def _choose(ctx: Context, account: Account, kind: str, at: str = "07:30",
            tz: str = ZONE) -> None:
    with ctx.uow() as uow:
        reminders.save(uow, account, {kind: reminders.Choice(
            kind, True, frozenset(range(7)), reminders.parse_time(at, "at"), tz)})
        uow.commit()


def _at(day: dt.date, at: str, tz: str = ZONE, minutes: int = 1) -> dt.datetime:
    """An aware UTC moment ``minutes`` after ``at`` local time on ``day``."""
    from zoneinfo import ZoneInfo

    local = dt.datetime.combine(day, reminders.parse_time(at, "at"), tzinfo=ZoneInfo(tz))
    return (local + dt.timedelta(minutes=minutes)).astimezone(dt.UTC)


def _queued(ctx: Context) -> list[tuple[str, dt.datetime | None, int, str | None]]:
    with ctx.uow(write=False) as uow:
        return uow.accounts.queued_mail()


def _link(message_text: str, path: str) -> str:
    found = [w for w in message_text.split() if path in w]
    assert found, f"no link to {path} in:\n{message_text}"
    return found[0]


def _token(link: str, path: str) -> str:
    return urlsplit(link).path.removeprefix(path)


def test_queue_due_queues_a_reminder_once_over_two_runs(ctx: Context) -> None:
    _, client, _ = _people(ctx)
    _choose(ctx, client, reminders.MORNING_PAIN, "08:00")
    now = _at(dt.date.today(), "08:00")
    assert reminders.queue_due(ctx, now=now) == 1
    assert reminders.queue_due(ctx, now=now + dt.timedelta(minutes=5)) == 0
    keys = [k for k, *_ in _queued(ctx)]
    assert keys == [f"reminder:{client.id}:morning_pain:{dt.date.today().isoformat()}"]


def test_queue_due_leaves_a_reminder_more_than_an_hour_late(ctx: Context) -> None:
    _, client, _ = _people(ctx)
    _choose(ctx, client, reminders.MORNING_PAIN, "08:00")
    assert reminders.queue_due(ctx, now=_at(dt.date.today(), "08:00", minutes=61)) == 0
    assert reminders.queue_due(ctx, now=_at(dt.date.today(), "08:00", minutes=-1)) == 0
    assert _queued(ctx) == []


def test_queue_due_asks_no_pain_question_without_a_session_the_day_before(ctx: Context) -> None:
    _, client, _ = _people(ctx, logged_yesterday=False)
    _choose(ctx, client, reminders.MORNING_PAIN, "08:00")
    assert reminders.queue_due(ctx, now=_at(dt.date.today(), "08:00")) == 0


def _rest_today(ctx: Context, key: str, minutes_today: int = 0) -> None:
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    with ctx.uow() as uow:
        records.update_availability(uow, key=key, availability=Availability(**{
            d: minutes_today if i == dt.date.today().weekday() else 30
            for i, d in enumerate(names)}))
        uow.commit()


def test_a_rest_day_reminder_is_planned_once_not_every_round_of_its_hour(
        ctx: Context, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sender runs every 30 s; a day with nothing planned is looked at in the first
    round of its hour, noted as passed over with why, and never planned again that day."""
    _, client, key = _people(ctx)
    _rest_today(ctx, key)
    _choose(ctx, client, reminders.DAY_PLAN, "07:30")
    plans: list[dt.date] = []
    real = evaluation.evaluate

    def counted(**kw: Any) -> Any:
        plans.append(kw["as_of"])
        return real(**kw)

    monkeypatch.setattr(evaluation, "evaluate", counted)
    start = _at(dt.date.today(), "07:30", minutes=0)
    rounds = [start + dt.timedelta(seconds=30 * n) for n in range(4)]
    assert [reminders.queue_due(ctx, now=t) for t in rounds[:2]] == [0, 0]
    assert len(plans) == 1
    key_today = f"reminder:{client.id}:day_plan:{dt.date.today().isoformat()}"
    assert _queued(ctx) == [(key_today, None, PASSED_OVER, reminders.NOTHING_TODAY)]
    _rest_today(ctx, key, 30)  # time found later in the hour: the day's reminder is past
    assert [reminders.queue_due(ctx, now=t) for t in rounds[2:]] == [0, 0]
    assert len(plans) == 1
    assert outbox.deliver(ctx, now=rounds[-1]).sent == 0  # a passed-over row never goes
    assert mailbox.received == []
    # the next day is planned afresh
    assert reminders.queue_due(ctx, now=start + DAY) == 1
    assert len(plans) == 2


def test_deliver_sends_a_queued_reminder_too_late_not_at_all(ctx: Context,
                                                             mailbox: Mailbox) -> None:
    _, client, _ = _people(ctx)
    _choose(ctx, client, reminders.MORNING_PAIN, "08:00")
    now = _at(dt.date.today(), "08:00", minutes=0)
    # queued 58 minutes late; the mail server took it 3 minutes later: too late, counted
    # from the time chosen (08:00), not from when it was queued
    assert reminders.queue_due(ctx, now=now + dt.timedelta(minutes=58)) == 1
    done = outbox.deliver(ctx, now=now + dt.timedelta(minutes=61))
    assert (done.sent, done.too_old) == (0, 1)
    assert _queued(ctx)[0][3] == "too late to send"
    assert mailbox.received == []


def test_pain_question_mail_has_one_click_unsubscribe_and_records_pain_once(
        ctx: Context, mailbox: Mailbox) -> None:
    _, client, key = _people(ctx)
    _choose(ctx, client, reminders.MORNING_PAIN, "08:00")
    now = _at(dt.date.today(), "08:00")
    queued, done = outbox.send_due(ctx, now=now)
    assert (queued, done.sent) == (1, 1)
    msg = mailbox.wait(1)[0]
    assert msg["To"] == "cleo@example.org"
    assert msg["Subject"] == "How does your ankle feel this morning?"
    text = Mailbox.text(msg)
    stop_link = _link(text, reminders.STOP_PATH)
    assert msg["List-Unsubscribe"] == f"<{stop_link}>"
    assert stop_link.startswith("https://anklet.example.org/reminders/stop/")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert stop_link in (Mailbox.html(msg) or "")
    pain_links = [w for w in text.split() if reminders.PAIN_PATH in w]
    assert [urlsplit(u).query for u in pain_links] == [f"pain={n}" for n in range(11)]
    yesterday = (dt.date.today() - DAY).strftime("%a %-d %b").replace(" 0", " ")
    assert f"{yesterday}" in text
    assert "-" + str(dt.date.today().year) not in text
    token = _token(pain_links[3], reminders.PAIN_PATH)
    with ctx.uow() as uow:
        link, got = reminders.record_pain(ctx, uow, token, 3)
        uow.commit()
    assert got == key
    assert link.day == dt.date.today() - DAY
    with ctx.uow(write=False) as uow:
        assert uow.people.get(key).sessions[-1].pain_next_morning == 3
    with ctx.uow() as uow, pytest.raises(LinkError):  # a second tap: refused
        reminders.record_pain(ctx, uow, token, 7)
    with ctx.uow(write=False) as uow:
        assert uow.people.get(key).sessions[-1].pain_next_morning == 3


def test_stop_link_turns_that_reminder_off_and_nothing_more_is_queued(
        ctx: Context, mailbox: Mailbox) -> None:
    _, client, _ = _people(ctx)
    _choose(ctx, client, reminders.MORNING_PAIN, "08:00")
    outbox.send_due(ctx, now=_at(dt.date.today(), "08:00"))
    token = _token(_link(Mailbox.text(mailbox.wait(1)[0]), reminders.STOP_PATH),
                   reminders.STOP_PATH)
    with ctx.uow() as uow:
        assert reminders.stop(uow, token).kind == reminders.MORNING_PAIN
        uow.commit()
    with ctx.uow() as uow:
        reminders.stop(uow, token)  # again: still off, no error
        choices = reminders.settings_for(uow, client)
    assert choices[reminders.MORNING_PAIN].enabled is False
    with ctx.uow() as uow, pytest.raises(LinkError):
        reminders.stop(uow, "not-a-token")


def test_day_plan_mail_lists_the_days_exercises_with_doses(ctx: Context,
                                                           mailbox: Mailbox) -> None:
    _, client, key = _people(ctx)
    _choose(ctx, client, reminders.DAY_PLAN, "07:30")
    # the first day of the coming week with exercises planned
    for n in range(8):
        day = dt.date.today() + n * DAY
        queued, _ = outbox.send_due(ctx, now=_at(day, "07:30"))
        if queued:
            break
    else:
        pytest.fail("no day with exercises in the coming week")
    msg = mailbox.wait(1)[0]
    text = Mailbox.text(msg)
    assert msg["Subject"] == f"Your exercises for {day:%a} {day.day} {day:%b}"
    with ctx.uow(write=False) as uow:
        plan = evaluation.evaluate(history=uow.people.get(key), protocol=ctx.protocol,
                                   library=ctx.library, as_of=day,
                                   week_start=day - dt.timedelta(days=day.weekday())).plan
    items = [i for d in plan.days if d.date == day for b in d.blocks for i in b.items]
    assert items
    assert all(f"{i.exercise.name}: {i.dose}" in text for i in items)
    assert f"https://anklet.example.org/people/{key}/log" in text
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_coach_weekly_summary_names_who_needs_attention(ctx: Context,
                                                        mailbox: Mailbox) -> None:
    coach, _, _ = _people(ctx)
    with ctx.uow() as uow:  # a second client, never screened: needs a screen
        account_service.add_client(uow, coach=coach, name="Nico New",
                                   intake=Intake(date=dt.date.today()))
        uow.commit()
    _choose(ctx, coach, reminders.WEEKLY_SUMMARY, "08:00")
    queued, done = outbox.send_due(ctx, now=_at(dt.date.today(), "08:00"))
    assert (queued, done.sent) == (1, 1)
    text = Mailbox.text(mailbox.wait(1)[0])
    assert "Nico New" in text
    assert "https://anklet.example.org/coach" in text


def test_queue_due_does_nothing_without_a_public_address(db_url: str,
                                                         mailbox: Mailbox) -> None:
    c = open_context(Settings(database_url=db_url,
                              smtp_url=f"smtp://127.0.0.1:{mailbox.port}"),
                     migrate_schema=False)
    try:
        _, client, _ = _people(c)
        _choose(c, client, reminders.MORNING_PAIN, "08:00")
        assert reminders.queue_due(c, now=_at(dt.date.today(), "08:00")) == 0
    finally:
        c.engine.dispose()


def test_calendar_feed_rings_at_the_day_plan_time_when_chosen(ctx: Context) -> None:
    coach, client, key = _people(ctx)
    with ctx.uow() as uow:
        token = account_service.issue_feed(uow, account=coach, key=key)
        uow.commit()

    def sessions() -> list[icalendar.Event]:
        with ctx.uow(write=False) as uow:
            feed = calendar.feed_for_token(uow, token=token, protocol=ctx.protocol,
                                           library=ctx.library)
        assert feed is not None
        cal = icalendar.Calendar.from_ical(feed)
        return [e for e in cal.walk("VEVENT") if str(e["uid"]).endswith("-session@anklet")]

    assert sessions()
    assert all(not e.walk("VALARM") for e in sessions())
    _choose(ctx, client, reminders.DAY_PLAN, "07:30")
    for event in sessions():
        (alarm,) = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm["trigger"].dt == dt.timedelta(hours=7, minutes=30)
        assert alarm["trigger"].params["RELATED"] == "START"
