"""The repository of a coach's own media for library exercises: photos, short videos and
links, each owned by one account.

Like the other repositories it works inside a unit of work's connection and never commits.
A file's bytes are read only when asked for (:meth:`MediaRepository.read`), and then only
the part wanted: a file is sent in pieces and a video played in a browser is read in
ranges, straight from the column (PostgreSQL: ``substr`` on the ``bytea``, which reads only
the TOAST chunks of the part when the value is stored uncompressed, as a video's bytes
are; SQLite: incremental blob I/O, as its ``substr`` loads the whole blob each time).
"""

from __future__ import annotations

import builtins
import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from anklet.store import tables as t

__all__ = ["MediaRepository", "NewMedia", "StoredMedia"]


@dataclass(frozen=True)
class StoredMedia:
    """One item, without its bytes."""

    id: int
    owner_id: int
    exercise_id: str
    kind: str  # photo | video | link
    caption: str
    url: str | None
    content_type: str | None
    filename: str | None
    size: int
    width: int | None
    height: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class NewMedia:
    """What is stored for an item (already checked): a link's ``url``, or a file's bytes."""

    kind: str
    caption: str
    url: str | None = None
    content_type: str | None = None
    filename: str | None = None
    data: bytes | None = None
    width: int | None = None
    height: int | None = None


_m = t.exercise_media
_COLS = (_m.c.id, _m.c.owner_id, _m.c.exercise_id, _m.c.kind, _m.c.caption, _m.c.url,
         _m.c.content_type, _m.c.filename, _m.c.size, _m.c.width, _m.c.height, _m.c.version,
         _m.c.created_at, _m.c.updated_at)


def _item(row: Any) -> StoredMedia:
    return StoredMedia(*row)


def _values(new: NewMedia) -> dict[str, object]:
    return {"kind": new.kind, "caption": new.caption, "url": new.url,
            "content_type": new.content_type, "filename": new.filename, "data": new.data,
            "size": len(new.data) if new.data is not None else 0, "width": new.width,
            "height": new.height}


class MediaRepository:
    """Coach media, inside one unit of work's session."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, owner_id: int, exercise_id: str, new: NewMedia, *, now: dt.datetime) -> int:
        """Store an item; its id."""
        made = self._conn.execute(
            insert(_m).returning(_m.c.id),
            {"owner_id": owner_id, "exercise_id": exercise_id, "created_at": now,
             "updated_at": now, "version": 1, **_values(new)}).scalar_one()
        return int(made)

    def replace(self, media_id: int, new: NewMedia, *, now: dt.datetime) -> None:
        """Put new content (and caption) in place of an item's, under the same id."""
        self._conn.execute(update(_m).where(_m.c.id == media_id).values(
            updated_at=now, version=_m.c.version + 1, **_values(new)))

    def set_caption(self, media_id: int, caption: str, *, now: dt.datetime) -> None:
        self._conn.execute(update(_m).where(_m.c.id == media_id).values(
            caption=caption, updated_at=now))

    def get(self, media_id: int) -> StoredMedia | None:
        row = self._conn.execute(select(*_COLS).where(_m.c.id == media_id)).one_or_none()
        return _item(row) if row is not None else None

    def list(self, owner_id: int, exercise_id: str | None = None) -> list[StoredMedia]:
        """The owner's items (for one exercise, when given), oldest first."""
        q = select(*_COLS).where(_m.c.owner_id == owner_id)
        if exercise_id is not None:
            q = q.where(_m.c.exercise_id == exercise_id)
        return [_item(r) for r in self._conn.execute(q.order_by(_m.c.id))]

    def count(self, owner_id: int, exercise_id: str) -> int:
        return int(self._conn.execute(
            select(func.count()).select_from(_m)
            .where(_m.c.owner_id == owner_id, _m.c.exercise_id == exercise_id)).scalar_one())

    def by_exercise(self, owner_id: int, exercise_ids: Iterable[str]
                    ) -> dict[str, builtins.list[StoredMedia]]:
        """The owner's items for each of these exercises, in one query (those with none are
        left out)."""
        wanted = sorted(set(exercise_ids))
        if not wanted:
            return {}
        out: dict[str, builtins.list[StoredMedia]] = {}
        for r in self._conn.execute(select(*_COLS).where(
                _m.c.owner_id == owner_id, _m.c.exercise_id.in_(wanted)).order_by(_m.c.id)):
            item = _item(r)
            out.setdefault(item.exercise_id, []).append(item)
        return out

    def read(self, media_id: int, start: int = 0, length: int | None = None, *,
             version: int | None = None) -> bytes:
        """The item's bytes from ``start`` (0-based), ``length`` of them (all to the end when
        None); only that part is read from the database. Empty when the item is gone, has no
        file, or (``version`` given) was replaced since."""
        q = select(_m.c.size).where(_m.c.id == media_id, _m.c.data.is_not(None))
        if version is not None:
            q = q.where(_m.c.version == version)
        size = self._conn.execute(q).scalar_one_or_none()  # also begins the transaction
        start = max(0, start)
        stop = 0 if size is None else size if length is None else min(size, start + length)
        if stop <= start:
            return b""
        raw = self._conn.connection.dbapi_connection
        if isinstance(raw, sqlite3.Connection):
            # substr() on a SQLite blob loads the whole blob for every call (about 0.1 s for
            # a 50 MB video); incremental blob I/O reads only the pages of the part, inside
            # this connection's transaction (the id is the table's rowid).
            with raw.blobopen(_m.name, "data", media_id, readonly=True) as blob:
                blob.seek(start)
                return blob.read(stop - start)
        q = select(func.substr(_m.c.data, start + 1, stop - start)).where(_m.c.id == media_id)
        if version is not None:
            q = q.where(_m.c.version == version)
        data = self._conn.execute(q).scalar_one_or_none()
        return bytes(data) if data is not None else b""

    def delete(self, media_id: int) -> None:
        self._conn.execute(delete(_m).where(_m.c.id == media_id))
