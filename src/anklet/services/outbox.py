"""Sends the queued emails (:mod:`anklet.services.alerts` queues them), each once.

:func:`deliver` claims a batch in one short write (a conditional update per email, so two
senders — several server workers, or ``anklet send-mail`` from cron beside the server — never
take the same one), sends them outside any transaction (SQLite is not held while the mail
server answers), then records each result. A failed email is tried again on the next round,
up to ``MAX_ATTEMPTS`` times; one claimed by a sender that died is free again after
``CLAIM_TIMEOUT``. Emails older than ``MAX_AGE`` are not sent at all (an alert a week late,
say after email was first set up, would mislead more than help): they are marked as failed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace

from anklet.services import mail, reminders
from anklet.services.context import Context

MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
MAX_AGE = dt.timedelta(days=2)
BATCH = 50
_log = logging.getLogger("anklet.mail")


@dataclass(frozen=True)
class Delivery:
    sent: int = 0
    failed: int = 0
    too_old: int = 0


def deliver(ctx: Context, *, now: dt.datetime | None = None, limit: int = BATCH) -> Delivery:
    """Send what is queued (at most ``limit``); nothing at all without a mail server."""
    if ctx.settings.smtp_server() is None:
        return Delivery()
    now = now or dt.datetime.now(dt.UTC)
    with ctx.uow() as uow:
        batch = uow.accounts.claim_mail(now=now, stale_before=now - CLAIM_TIMEOUT,
                                        limit=limit, max_attempts=MAX_ATTEMPTS)
        accounts = {m.account_id: uow.accounts.by_id(m.account_id) for m in batch}
        # reminders get their links now (only the tokens' hashes are stored), or a reason
        # not to go after all (turned off since, too late)
        ready = {m.id: reminders.prepare(uow, m, base=ctx.settings.public_url, now=now)
                 for m in batch if reminders.is_reminder(m.template)}
        uow.commit()
    results: list[tuple[int, str | None]] = []
    sent = failed = too_old = 0
    base = ctx.settings.public_url
    for m in batch:
        account = accounts.get(m.account_id)
        if account is None:
            continue
        if now - m.created_at > MAX_AGE:
            results.append((m.id, "too old to send"))
            too_old += 1
            continue
        prepared = ready.get(m.id)
        if isinstance(prepared, str):
            results.append((m.id, prepared))
            too_old += 1
            continue
        path = m.values.get("path") or f"/people/{m.values.get('person', '')}"
        link = f"{base}{path}" if base else ""
        values = m.values | (prepared.values if prepared else {})
        message = mail.compose(m.template, to=account.email, link=link, **values)
        if prepared:
            message = replace(message, headers=message.headers | prepared.headers)
        try:
            mail.send(ctx.settings, message)
            results.append((m.id, None))
            sent += 1
        except mail.MailError as e:
            _log.warning("An email to %s was not sent: %s", account.email, e)
            results.append((m.id, str(e)))
            failed += 1
    if results:
        with ctx.uow() as uow:
            for mail_id, error in results:
                if error is None:
                    uow.accounts.mail_sent(mail_id, now)
                elif error == "too old to send" or error in reminders.NOT_SENT:
                    uow.accounts.mail_failed(mail_id, error, final=True)
                else:
                    uow.accounts.mail_failed(mail_id, error)
            uow.commit()
    return Delivery(sent, failed, too_old)


def send_due(ctx: Context, *, now: dt.datetime | None = None) -> tuple[int, Delivery]:
    """One round of the sender: queue the reminders due now (:mod:`anklet.services.reminders`),
    then send what is queued. The server's loop and ``anklet send-mail`` both do this."""
    if ctx.settings.smtp_server() is None:
        return 0, Delivery()
    queued = reminders.queue_due(ctx, now=now)
    return queued, deliver(ctx, now=now)
