"""Idempotency keys of logged sessions (migration 0016): a session sent twice is stored once.

A phone that logged a session without a connection sends it again when the connection
returns, with the key it made once for that session. :meth:`SessionKeyRepository.claim`
takes a key for a person before their session is stored: the first claim wins; a claim of
a key already taken answers with what the first one stored. Two requests with the same key
at the same moment are settled by the unique key (the second waits for the first, then
finds its key taken), never by reading first and writing later.

Like the other repositories it works inside a unit of work's session and never commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from anklet.domain.errors import NotFoundError
from anklet.store import tables as t

__all__ = ["KEY_MAX", "SessionKeyRepository", "StoredKey"]

KEY_MAX = 64
"""The longest key kept (a UUID is 36 characters)."""


@dataclass(frozen=True)
class StoredKey:
    """A key already used: what it was sent with, and the session it made (None if that
    session has since been deleted)."""

    fingerprint: str
    session_id: int | None
    session_date: dt.date | None
    created_at: dt.datetime


class SessionKeyRepository:
    """Keys of the people in one unit of work's connection, by person key."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _person_id(self, key: str) -> int:
        found = self._conn.execute(
            select(t.people.c.id).where(t.people.c.key == key)).scalar_one_or_none()
        if found is None:
            raise NotFoundError("person", key)
        return int(found)

    def get(self, key: str, idempotency_key: str) -> StoredKey | None:
        """What the person's ``idempotency_key`` was used for; None if it is new."""
        k, s = t.session_keys, t.sessions
        row = self._conn.execute(
            select(k.c.fingerprint, k.c.session_id, s.c.date, k.c.created_at)
            .select_from(k.outerjoin(s, s.c.id == k.c.session_id))
            .where(k.c.person_id == self._person_id(key), k.c.key == idempotency_key)
        ).one_or_none()
        return None if row is None else StoredKey(*row)

    def claim(self, key: str, idempotency_key: str, fingerprint: str,
              now: dt.datetime) -> StoredKey | None:
        """Take ``idempotency_key`` for the person: None when it was free (now it is theirs,
        to :meth:`attach` the session to), else what it was taken with earlier."""
        pid = self._person_id(key)
        try:
            with self._conn.begin_nested():
                self._conn.execute(insert(t.session_keys), {
                    "person_id": pid, "key": idempotency_key, "fingerprint": fingerprint,
                    "session_id": None, "created_at": now})
        except IntegrityError:  # taken, by an earlier request or one at the same moment
            return self.get(key, idempotency_key)
        return None

    def attach(self, key: str, idempotency_key: str, session_id: int) -> None:
        """The session made with the person's just-claimed key."""
        k = t.session_keys
        self._conn.execute(update(k).where(k.c.person_id == self._person_id(key),
                                              k.c.key == idempotency_key)
                              .values(session_id=session_id))
