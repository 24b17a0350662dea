"""Reminders an account chose, and the links sent in reminder emails.

Works inside a unit of work's session and never commits, like the other repositories.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from anklet.store import tables as t

__all__ = ["PASSED_OVER", "ReminderLink", "ReminderRepository", "StoredReminder"]

PASSED_OVER = 10_000
"""The tries of an outbox row that is never to be sent (as the outbox marks a final failure)."""


@dataclass(frozen=True)
class StoredReminder:
    account_id: int
    kind: str
    enabled: bool
    days: str
    at: str
    time_zone: str


@dataclass(frozen=True)
class ReminderLink:
    id: int
    account_id: int
    kind: str
    purpose: str
    day: dt.date | None
    expires_at: dt.datetime
    used_at: dt.datetime | None


class ReminderRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def for_account(self, account_id: int) -> dict[str, StoredReminder]:
        r = t.reminders
        rows = self._conn.execute(
            select(r.c.account_id, r.c.kind, r.c.enabled, r.c.days, r.c.at, r.c.time_zone)
            .where(r.c.account_id == account_id))
        return {row[1]: StoredReminder(*row) for row in rows}

    def enabled(self) -> list[StoredReminder]:
        """Every reminder that is on, by account."""
        r = t.reminders
        rows = self._conn.execute(
            select(r.c.account_id, r.c.kind, r.c.enabled, r.c.days, r.c.at, r.c.time_zone)
            .where(r.c.enabled.is_(True)).order_by(r.c.account_id, r.c.kind))
        return [StoredReminder(*row) for row in rows]

    def save(self, reminder: StoredReminder, now: dt.datetime) -> None:
        """Insert or replace the account's reminder of this kind."""
        r = t.reminders
        values = {"enabled": reminder.enabled, "days": reminder.days, "at": reminder.at,
                  "time_zone": reminder.time_zone, "updated_at": now}
        done = self._conn.execute(
            update(r).where(r.c.account_id == reminder.account_id, r.c.kind == reminder.kind)
            .values(**values))
        if getattr(done, "rowcount", 0):
            return
        try:
            with self._conn.begin_nested():
                self._conn.execute(insert(r), {"account_id": reminder.account_id,
                                                  "kind": reminder.kind, **values})
        except IntegrityError:  # saved a moment ago by another request: update that one
            self._conn.execute(
                update(r).where(r.c.account_id == reminder.account_id,
                                r.c.kind == reminder.kind).values(**values))

    def turn_off(self, account_id: int, kind: str, now: dt.datetime) -> bool:
        """True when it was on."""
        r = t.reminders
        done = self._conn.execute(
            update(r).where(r.c.account_id == account_id, r.c.kind == kind,
                            r.c.enabled.is_(True)).values(enabled=False, updated_at=now))
        return bool(getattr(done, "rowcount", 0))

    def queued(self, key: str) -> bool:
        """Whether an email with this outbox key was ever queued."""
        ob = t.outbox
        return self._conn.execute(select(ob.c.id).where(ob.c.key == key)).first() is not None

    def queued_keys(self, keys: Sequence[str]) -> set[str]:
        """Which of these outbox keys were ever queued (or passed over)."""
        if not keys:
            return set()
        ob = t.outbox
        return set(self._conn.execute(select(ob.c.key).where(ob.c.key.in_(keys))).scalars())

    def pass_over(self, *, key: str, account_id: int, template: str, reason: str,
                  now: dt.datetime) -> None:
        """Note in the outbox that the reminder of ``key`` has nothing to send (its tries
        spent, ``reason`` as its last error): it is looked at once a day, never sent."""
        try:
            with self._conn.begin_nested():
                self._conn.execute(insert(t.outbox), {
                    "key": key, "account_id": account_id, "template": template, "values": {},
                    "created_at": now, "attempts": PASSED_OVER, "last_error": reason[:2000]})
        except IntegrityError:
            pass  # queued (or passed over) a moment ago by another writer

    # -- links ----------------------------------------------------------------------------

    def add_link(self, *, token_hash: str, account_id: int, kind: str, purpose: str,
                 day: dt.date | None, now: dt.datetime, expires_at: dt.datetime) -> None:
        self._conn.execute(insert(t.reminder_links), {
            "token_hash": token_hash, "account_id": account_id, "kind": kind,
            "purpose": purpose, "day": day, "created_at": now, "expires_at": expires_at})

    def link(self, token_hash: str, purpose: str) -> ReminderLink | None:
        rl = t.reminder_links
        row = self._conn.execute(
            select(rl.c.id, rl.c.account_id, rl.c.kind, rl.c.purpose, rl.c.day,
                   rl.c.expires_at, rl.c.used_at)
            .where(rl.c.token_hash == token_hash, rl.c.purpose == purpose)).first()
        return ReminderLink(*row) if row is not None else None

    def use_link(self, link_id: int, now: dt.datetime) -> bool:
        """Mark a link used; False when it was used already (another tab, a moment ago)."""
        rl = t.reminder_links
        done = self._conn.execute(update(rl).where(and_(rl.c.id == link_id,
                                                           rl.c.used_at.is_(None)))
                                     .values(used_at=now))
        return bool(getattr(done, "rowcount", 0))

    def delete_expired_links(self, now: dt.datetime) -> None:
        rl = t.reminder_links
        self._conn.execute(delete(rl).where(rl.c.expires_at < now))
