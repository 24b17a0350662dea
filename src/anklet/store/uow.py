"""The unit of work: one database transaction per command or request.

The owner (a web dependency, a CLI command) opens it, passes it to services,
and commits once at the end; repositories and services never commit. Leaving
the block without :meth:`UnitOfWork.commit` — or with an exception — rolls
everything back, so a failed operation leaves nothing half-written::

    with UnitOfWork(engine) as uow:
        uow.people.add(history)
        uow.commit()

A unit of work writes unless it is opened with ``write=False``: on SQLite a writing one
begins its transactions with ``BEGIN IMMEDIATE`` (it queues for the writer's lock, up to the
busy timeout, and then reads a fresh snapshot), so two writers at once both succeed; a
read-only one begins a deferred transaction that never blocks or waits for writers, and must
not write (a read that turns into a write fails at once when someone else wrote since).
On PostgreSQL both are the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DatabaseError, DBAPIError, InterfaceError, OperationalError

from anklet.store.db import store_error, writing
from anklet.store.repository import PersonRepository

if TYPE_CHECKING:
    from anklet.store.accounts import AccountRepository

__all__ = ["UnitOfWork"]


def _unusable(exc: BaseException | None) -> bool:
    """The database went away, is locked, refused us, or is not a database at all (a file
    overwritten with something else: SQLite's "file is not a database", a plain
    DatabaseError) — not a constraint or a bad statement, which are the caller's to handle."""
    return isinstance(exc, OperationalError | InterfaceError) or type(exc) is DatabaseError


class UnitOfWork:
    """A connection and its repositories for one transaction; rolls back unless committed.

    The store speaks SQLAlchemy Core only: a :class:`~sqlalchemy.Connection` in "commit as
    you go" mode, whose transaction begins with the first statement (``BEGIN IMMEDIATE`` for
    a writing one on SQLite) and ends with :meth:`commit` or :meth:`rollback`.
    """

    people: PersonRepository

    def __init__(self, engine: Engine, *, write: bool = True) -> None:
        self._engine = engine
        self._write = write
        self._conn: Connection | None = None
        self._accounts: AccountRepository | None = None

    @property
    def writes(self) -> bool:
        """Whether this unit of work was opened to write (``BEGIN IMMEDIATE`` on SQLite)."""
        return self._write

    @property
    def engine(self) -> Engine:
        """The engine this unit of work opens its connection on."""
        return self._engine

    @property
    def connection(self) -> Connection:
        """The database connection of this unit of work (only inside the ``with`` block)."""
        if self._conn is None:
            raise RuntimeError("the unit of work is not open; use it in a `with` block")
        return self._conn

    def __enter__(self) -> Self:
        bind = writing(self._engine) if self._write else self._engine
        try:
            self._conn = bind.connect()
        except DBAPIError as e:
            if not _unusable(e):
                raise
            raise store_error(e, self._engine.url) from e  # not there, or refuses us
        self.people = PersonRepository(self._conn)
        self._accounts = None
        return self

    @property
    def accounts(self) -> AccountRepository:
        """Accounts, sign-ins and tokens (imported when first asked for: most commands never
        touch an account)."""
        if self._accounts is None:
            from anklet.store.accounts import AccountRepository

            self._accounts = AccountRepository(self.connection)
        return self._accounts

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        conn, self._conn, self._accounts = self._conn, None, None
        if conn is not None:
            try:
                conn.rollback()  # undoes whatever was not committed; harmless otherwise
            except DBAPIError as e:
                if exc is None:  # otherwise the error that brought us here says more
                    raise store_error(e, self._engine.url) from e
            finally:
                conn.close()
        if _unusable(exc):
            assert isinstance(exc, DBAPIError)
            # The database went away, is locked, or refused us: say so without a traceback.
            raise store_error(exc, self._engine.url) from exc

    def commit(self) -> None:
        """Commit everything done so far in this unit of work."""
        try:
            self.connection.commit()
        except (OperationalError, InterfaceError, DatabaseError) as e:
            if not _unusable(e):
                raise
            raise store_error(e, self._engine.url) from e

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an exception inside undoes only what was done inside.

        For work in parts (one imported file after another) where a failed part must leave
        nothing behind while the others are kept; the owner still commits once.
        """
        with self.connection.begin_nested():
            yield

    def rollback(self) -> None:
        """Throw away everything done since the last commit."""
        self.connection.rollback()
