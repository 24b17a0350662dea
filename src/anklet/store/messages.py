"""The message repository: each person's thread with their coach, and how far each account
has read it.

Like the other repositories it works inside a unit of work's session and never commits.
People are named by their key; message and session ids are the store's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from anklet.domain.errors import NotFoundError
from anklet.store import tables as t

__all__ = ["MessageRepository", "StoredMessage"]


@dataclass(frozen=True)
class StoredMessage:
    id: int
    author_id: int | None
    author_role: str  # coach | client
    author_name: str
    body: str
    created_at: dt.datetime
    session_id: int | None
    session_date: dt.date | None


_COLS = (t.messages.c.id, t.messages.c.author_id, t.messages.c.author_role,
         t.messages.c.author_name, t.messages.c.body, t.messages.c.created_at,
         t.messages.c.session_id, t.sessions.c.date)


class MessageRepository:
    """Threads and read markers, inside one unit of work's session."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _person_id(self, key: str) -> int:
        pid = self._conn.execute(
            select(t.people.c.id).where(t.people.c.key == key)).scalar_one_or_none()
        if pid is None:
            raise NotFoundError("person", key)
        return int(pid)

    def person_name(self, key: str) -> str:
        name = self._conn.execute(
            select(t.people.c.name).where(t.people.c.key == key)).scalar_one_or_none()
        if name is None:
            raise NotFoundError("person", key)
        return str(name)

    def add(self, key: str, *, author_id: int | None, author_role: str, author_name: str,
            body: str, created_at: dt.datetime, session_id: int | None = None) -> int:
        """Store a message in the person's thread; its id."""
        new_id = self._conn.execute(
            insert(t.messages).returning(t.messages.c.id),
            {"person_id": self._person_id(key), "author_id": author_id,
             "author_role": author_role, "author_name": author_name[:120], "body": body,
             "created_at": created_at, "session_id": session_id}).scalar_one()
        return int(new_id)

    def thread(self, key: str, *, limit: int | None = None,
               session_id: int | None = None) -> list[StoredMessage]:
        """The person's messages, oldest first (the newest ``limit`` when given); only the
        comments on one session with ``session_id``."""
        m = t.messages
        q = (select(*_COLS).select_from(m.outerjoin(t.sessions, t.sessions.c.id == m.c.session_id))
             .where(m.c.person_id == self._person_id(key)))
        if session_id is not None:
            q = q.where(m.c.session_id == session_id)
        q = q.order_by(m.c.id.desc())
        if limit is not None:
            q = q.limit(limit)
        rows = [StoredMessage(*r) for r in self._conn.execute(q)]
        rows.reverse()
        return rows

    def comments(self, key: str) -> dict[int, list[StoredMessage]]:
        """Every comment on the person's sessions, by session id, oldest first."""
        out: dict[int, list[StoredMessage]] = {}
        for msg in self.thread(key):
            if msg.session_id is not None:
                out.setdefault(msg.session_id, []).append(msg)
        return out

    def session_ids(self, key: str) -> list[tuple[int, dt.date]]:
        """The person's sessions' ids and dates, in the order the history lists them (by
        date, then as added)."""
        s = t.sessions
        return [(int(i), d) for i, d in self._conn.execute(
            select(s.c.id, s.c.date).where(s.c.person_id == self._person_id(key))
            .order_by(s.c.date, s.c.id))]

    def session_of(self, key: str, session_id: int) -> dt.date | None:
        """The date of the person's session ``session_id``; None when it is not theirs."""
        s = t.sessions
        return self._conn.execute(
            select(s.c.date).where(s.c.id == session_id,
                                   s.c.person_id == self._person_id(key))).scalar_one_or_none()

    def mark_read(self, account_id: int, key: str, up_to: int) -> None:
        """The account has read the person's thread up to message ``up_to`` (never back)."""
        pid = self._person_id(key)
        r = t.message_reads
        done = self._conn.execute(
            update(r).where(r.c.account_id == account_id, r.c.person_id == pid,
                            r.c.last_read_id < up_to).values(last_read_id=up_to))
        if getattr(done, "rowcount", 0):
            return
        try:  # the first read (a marker at or past up_to already: its key is taken)
            with self._conn.begin_nested():
                self._conn.execute(insert(r), {"account_id": account_id, "person_id": pid,
                                                  "last_read_id": up_to})
        except IntegrityError:  # there already, or just made by another request
            self._conn.execute(
                update(r).where(r.c.account_id == account_id, r.c.person_id == pid,
                                r.c.last_read_id < up_to).values(last_read_id=up_to))

    def last_read(self, account_id: int, key: str) -> int:
        """The last message of the person's thread the account has read (0: none)."""
        r = t.message_reads
        found = self._conn.execute(
            select(r.c.last_read_id).where(r.c.account_id == account_id,
                                           r.c.person_id == self._person_id(key))
        ).scalar_one_or_none()
        return int(found or 0)

    def unread(self, account_id: int, keys: Iterable[str], *, from_role: str) -> dict[str, int]:
        """How many messages by ``from_role`` each person's thread has that the account has
        not read, in one query for all of ``keys`` (people with none are left out)."""
        wanted = list(keys)
        if not wanted:
            return {}
        m, r, p = t.messages, t.message_reads, t.people
        q = (select(p.c.key, func.count(m.c.id))
             .select_from(m.join(p, p.c.id == m.c.person_id)
                          .outerjoin(r, and_(r.c.person_id == m.c.person_id,
                                             r.c.account_id == account_id)))
             .where(p.c.key.in_(wanted), m.c.author_role == from_role,
                    m.c.id > func.coalesce(r.c.last_read_id, 0))
             .group_by(p.c.key))
        return {k: int(n) for k, n in self._conn.execute(q)}

    def unread_for_coach(self, coach_id: int) -> dict[str, int]:
        """How many client messages each of the coach's people has that the coach has not
        read, for the whole list in one query (people with none are left out)."""
        m, r, p, c = t.messages, t.message_reads, t.people, t.coaching
        q = (select(p.c.key, func.count(m.c.id))
             .select_from(c.join(p, p.c.id == c.c.person_id)
                          .join(m, m.c.person_id == c.c.person_id)
                          .outerjoin(r, and_(r.c.person_id == m.c.person_id,
                                             r.c.account_id == coach_id)))
             .where(c.c.coach_id == coach_id, m.c.author_role == "client",
                    m.c.id > func.coalesce(r.c.last_read_id, 0))
             .group_by(p.c.key))
        return {k: int(n) for k, n in self._conn.execute(q)}

    def delete_all(self, key: str) -> None:
        """Every message in the person's thread (an import replacing their history)."""
        self._conn.execute(delete(t.messages).where(
            t.messages.c.person_id == self._person_id(key)))

    def add_many(self, key: str, rows: Sequence[dict[str, object]]) -> None:
        """Messages restored from an export (already checked): author_role, author_name,
        body, created_at, and session_id or None."""
        if not rows:
            return
        pid = self._person_id(key)
        self._conn.execute(insert(t.messages), [
            {"person_id": pid, "author_id": None, **row} for row in rows])
