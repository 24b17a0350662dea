"""Alerts to a coach: queued with the change that caused them, sent once, by a real SMTP
server on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from anklet.domain.history import Intake, Measurement, Screening
from anklet.domain.measures import DEFAULT_METHOD, MeasureKind
from anklet.domain.units import Side
from anklet.services import accounts as account_service
from anklet.services import evaluation, outbox, records
from anklet.services.context import Context, open_context
from anklet.settings import Settings
from mailtools import Mailbox, free_port

DAY = dt.timedelta(days=1)
PASSWORD = "correct horse battery"


def _client(ctx: Context, *, alerts: bool = True) -> str:
    """A coach's client with a clean screen and tests three days ago, decided and stored."""
    today = dt.date.today()
    with ctx.uow() as uow:
        coach = account_service.create_account(uow, email="casey@example.org",
                                               name="Casey Coach", password=PASSWORD,
                                               role="coach")
        uow.accounts.set_alert_emails(coach.id, alerts)
        key = account_service.add_client(uow, coach=coach, name="Cleo Client",
                                         intake=Intake(date=today - 21 * DAY)).person.id
        _screen(uow, ctx, key, today - 3 * DAY, red_flag=None)
        for side, cm in ((Side.LEFT, 7.0), (Side.RIGHT, 11.0)):
            records.create_measurement(uow, key=key, measurement=Measurement(
                date=today - 3 * DAY, side=side, kind=MeasureKind.KNEE_TO_WALL, value=cm,
                method=DEFAULT_METHOD[MeasureKind.KNEE_TO_WALL]))
        evaluation.refresh(uow, key=key, protocol=ctx.protocol, library=ctx.library)
        uow.commit()
    return key


def _screen(uow: object, ctx: Context, key: str, day: dt.date, red_flag: str | None) -> None:
    answers = {f.id: f.id == red_flag for f in ctx.protocol.red_flags}
    records.create_screening(uow, key=key, protocol=ctx.protocol,  # type: ignore[arg-type]
                             screening=Screening(date=day, red_flags=answers))


def _red_flag(ctx: Context, key: str) -> None:
    with ctx.uow() as uow:
        _screen(uow, ctx, key, dt.date.today(), red_flag=ctx.protocol.red_flags[0].id)
        evaluation.refresh(uow, key=key, protocol=ctx.protocol, library=ctx.library)
        uow.commit()


def _queued(ctx: Context) -> list[tuple[str, dt.datetime | None, int, str | None]]:
    with ctx.uow(write=False) as uow:
        return uow.accounts.queued_mail()


def test_red_flag_alerts_the_coach_once(ctx: Context, mailbox: Mailbox) -> None:
    key = _client(ctx)
    assert _queued(ctx) == []  # a first decision raises nothing
    _red_flag(ctx, key)
    _red_flag(ctx, key)  # the same red flag again: no second alert
    (row,) = _queued(ctx)
    assert row[0].startswith(f"alert:{key}:red_flag:")
    assert outbox.deliver(ctx) == outbox.Delivery(sent=1)
    (message,) = mailbox.wait()
    assert message["To"] == "casey@example.org"
    assert message["Subject"] == "Cleo Client answered yes to a red-flag question"
    text = Mailbox.text(message)
    assert f"https://anklet.example.org/people/{key}" in text
    assert "turn them off on your account page" in text
    assert outbox.deliver(ctx) == outbox.Delivery()  # sent once
    assert len(mailbox.received) == 1


def test_alert_not_queued_when_the_coach_turned_them_off(ctx: Context) -> None:
    key = _client(ctx, alerts=False)
    _red_flag(ctx, key)
    assert _queued(ctx) == []


def test_outbox_claim_goes_to_one_sender_only(ctx: Context) -> None:
    key = _client(ctx)
    _red_flag(ctx, key)
    now = dt.datetime.now(dt.UTC)
    with ctx.uow() as first, ctx.uow() as second:
        a = first.accounts.claim_mail(now=now, stale_before=now - outbox.CLAIM_TIMEOUT,
                                      limit=10, max_attempts=outbox.MAX_ATTEMPTS)
        first.commit()
        b = second.accounts.claim_mail(now=now, stale_before=now - outbox.CLAIM_TIMEOUT,
                                       limit=10, max_attempts=outbox.MAX_ATTEMPTS)
        second.commit()
    assert len(a) == 1
    assert b == []
    # a sender that died: its claim is free again after the timeout
    later = now + outbox.CLAIM_TIMEOUT + DAY / 24 / 60
    with ctx.uow() as third:
        c = third.accounts.claim_mail(now=later, stale_before=later - outbox.CLAIM_TIMEOUT,
                                      limit=10, max_attempts=outbox.MAX_ATTEMPTS)
    assert [m.id for m in c] == [m.id for m in a]


def test_failed_send_is_tried_again_then_given_up(db_url: str) -> None:
    dead = open_context(Settings(database_url=db_url,
                                 smtp_url=f"smtp://127.0.0.1:{free_port()}"),
                        migrate_schema=False)
    try:
        key = _client(dead)
        _red_flag(dead, key)
        for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
            assert outbox.deliver(dead) == outbox.Delivery(failed=1)
            ((_, sent, attempts, error),) = _queued(dead)
            assert (sent, attempts) == (None, attempt)
            assert error is not None
            assert "refused the connection" in error
        assert outbox.deliver(dead) == outbox.Delivery()  # given up after MAX_ATTEMPTS
    finally:
        dead.engine.dispose()


def test_alert_too_old_is_not_sent(ctx: Context, mailbox: Mailbox) -> None:
    key = _client(ctx)
    _red_flag(ctx, key)
    late = dt.datetime.now(dt.UTC) + outbox.MAX_AGE + DAY
    assert outbox.deliver(ctx, now=late) == outbox.Delivery(too_old=1)
    assert outbox.deliver(ctx, now=late) == outbox.Delivery()
    assert mailbox.received == []


def test_nothing_is_sent_without_a_mail_server(db_url: str) -> None:
    c = open_context(Settings(database_url=db_url), migrate_schema=False)
    try:
        key = _client(c)
        _red_flag(c, key)
        assert len(_queued(c)) == 1  # queued: the client list shows it either way
        assert outbox.deliver(c) == outbox.Delivery()
    finally:
        c.engine.dispose()
