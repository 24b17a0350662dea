"""Engines and schema migrations.

:func:`make_engine` opens SQLite (a file, WAL mode, foreign keys on, a busy
timeout, transactions begun by SQLAlchemy so that savepoints and DDL work, and
``BEGIN IMMEDIATE`` for work that will write: :func:`writing`)
or PostgreSQL (``postgresql+psycopg://``). :func:`migrate` brings a database
to the newest schema with Alembic, using the migrations shipped inside the
package, so no ``alembic.ini`` is needed at run time. Library errors about
the URL or the connection become :class:`~anklet.store.errors.StoreError`.
"""

from __future__ import annotations

import functools
import re
import threading
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from anklet.store.errors import StoreError

if TYPE_CHECKING:  # Alembic is imported only when the schema has to change (it is slow)
    from alembic.config import Config

__all__ = [
    "BEGIN_OPTION",
    "BUSY_TIMEOUT_S",
    "MIGRATIONS_DIR",
    "alembic_config",
    "check",
    "describe_url",
    "head_revision",
    "make_engine",
    "migrate",
    "store_error",
    "writing",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
"""The Alembic script directory shipped inside the package."""

BUSY_TIMEOUT_S = 15
"""How long a SQLite connection waits for another writer before giving up."""

PG_CONNECT_TIMEOUT_S = 10
"""How long to wait for a PostgreSQL server to answer before giving up."""

POOL_SIZE, POOL_OVERFLOW = 10, 30
"""Connections kept open, and opened beyond that under load: 40 in all, one for each thread
of the web server's thread pool (AnyIO's default of 40), each request holding one. With
SQLAlchemy's default (5 + 10) a busy web worker waited for a connection and timed out."""

_SUPPORTED = "sqlite:///path/to/anklet.db or postgresql+psycopg://user:password@host/dbname"


def describe_url(url: URL | str) -> str:
    """The URL as text with any password hidden, for messages."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return repr(str(url))
    return parsed.render_as_string(hide_password=True)


def store_error(e: DBAPIError, url: URL | str) -> StoreError:
    """A :class:`StoreError` naming the database and the driver's first line of complaint."""
    orig = getattr(e, "orig", None) or e
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    return StoreError(f"The database at {describe_url(url)} cannot be used: {first}")


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as e:
        raise StoreError(f"{url!r} is not a database URL; expected {_SUPPORTED}.") from e
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres") and parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"{describe_url(parsed)}: the {backend!r} database is not supported; "
            f"expected {_SUPPORTED}.")
    return parsed


def _sqlite_file(url: URL) -> URL:
    """Expand ``~`` in a SQLite file path and create its directory."""
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or url.query.get("uri"):
        return url
    path = Path(database).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"Cannot create the folder {str(path.parent)!r} for the database: "
                         f"{e.strerror or e}.") from e
    return url.set(database=str(path))


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take BEGIN away from the sqlite3 module (see _on_sqlite_begin), then set the pragmas,
    # which cannot run inside a transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")  # safe with WAL; much faster commits
    finally:
        cursor.close()


BEGIN_OPTION = "anklet_begin"
"""The execution option that says how a SQLite transaction begins: ``"IMMEDIATE"`` for work
that will write (see :func:`writing`), plain ``BEGIN`` (deferred) otherwise."""


def writing(engine: Engine) -> Engine:
    """The same engine (pool, events) for work that will write: on SQLite its transactions
    begin with ``BEGIN IMMEDIATE``; on PostgreSQL nothing changes.

    A deferred SQLite transaction that has read and then writes must upgrade its lock, and in
    WAL mode that fails at once ("database is locked", SQLITE_BUSY_SNAPSHOT) whenever another
    writer committed after it began reading: the busy timeout is never consulted. Taking the
    writer's lock at BEGIN instead waits up to :data:`BUSY_TIMEOUT_S` for it and then reads
    a fresh snapshot, so concurrent writers queue rather than fail.
    """
    return engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})


def _on_sqlite_begin(connection: Any) -> None:
    # SQLAlchemy emits BEGIN itself so that reads and writes share one transaction and
    # SAVEPOINT and transactional DDL behave (SQLAlchemy's "SQLite transactions" recipe);
    # work that will write begins IMMEDIATE (see writing()).
    mode = connection.get_execution_options().get(BEGIN_OPTION)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")


WRITER_QUEUES: weakref.WeakKeyDictionary[Engine, _WriterQueue] = weakref.WeakKeyDictionary()
"""The writer queue of each SQLite file engine (see :class:`_WriterQueue`)."""

_WRITER = "anklet_writer"
"""Where a connection keeps the process's writer queue while its write transaction lasts."""


class _WriterQueue:
    """One writer at a time in this process, the others asleep until it is done.

    SQLite's own busy handler polls with growing sleeps (up to 100 ms), so with dozens of
    threads waiting, one that sleeps is overtaken again and again and can wait out the whole
    busy timeout while the database is busy but far from stuck ("database is locked" after
    15 s). Waiting on a lock in the process first wakes the next writer as soon as the last
    one ends; SQLite then arbitrates only between processes. It never fails on its own: after
    the busy timeout it lets the writer try SQLite as before.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def begin(self, connection: Any) -> None:
        if connection.get_execution_options().get(BEGIN_OPTION) != "IMMEDIATE":
            _on_sqlite_begin(connection)
            return
        held = self._lock.acquire(timeout=BUSY_TIMEOUT_S)
        try:
            _on_sqlite_begin(connection)
        except BaseException:
            if held:
                self._lock.release()
            raise
        if held:
            connection.info[_WRITER] = self._lock

    def end(self, connection: Any) -> None:
        self.release(connection.info)

    def release(self, info: dict[Any, Any]) -> None:
        lock = info.pop(_WRITER, None)
        if lock is not None:
            lock.release()

    def busy(self) -> bool:
        """Whether a write transaction of this process is under way (for the tests)."""
        return self._lock.locked()

    def listen(self, engine: Engine) -> None:
        WRITER_QUEUES[engine] = self
        event.listen(engine, "begin", self.begin)
        event.listen(engine, "commit", self.end)
        event.listen(engine, "rollback", self.end)
        # a connection handed back to the pool without either (closed mid-way): let go
        event.listen(engine, "checkin", lambda _dbapi, record: self.release(record.info))


def make_engine(url: str) -> Engine:
    """Open an engine for a SQLite or PostgreSQL URL; raise :class:`StoreError` if it is bad."""
    parsed = _parse(url)
    try:
        if parsed.get_backend_name() == "sqlite":
            parsed = _sqlite_file(parsed)
            in_memory = parsed.database in (None, "", ":memory:") or "mode=memory" in str(parsed)
            pool = {} if in_memory else {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}
            engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S}, **pool)
            event.listen(engine, "connect", _on_sqlite_connect)
            if in_memory:
                event.listen(engine, "begin", _on_sqlite_begin)
            else:
                _WriterQueue().listen(engine)
        else:
            engine = create_engine(parsed, pool_pre_ping=True,
                                   pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW,
                                   connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S})
    except (NoSuchModuleError, ImportError) as e:
        raise StoreError(f"{describe_url(parsed)}: no database driver for this URL "
                         f"({e}); expected {_SUPPORTED}.") from e
    except ArgumentError as e:
        raise StoreError(f"{describe_url(parsed)} is not a usable database URL: {e}.") from e
    return engine


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic configuration built in code, pointing at the packaged migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if engine is not None:
        cfg.set_main_option(
            "sqlalchemy.url",
            engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


@functools.cache
def head_revision() -> str:
    """The newest revision of the packaged migrations, read from the ``revision`` and
    ``down_revision`` lines of their files (once per process): the one no other revision
    follows. Alembic's own script directory gives the same answer (a test holds them equal)
    but takes a good part of a second to import and scan, on every command."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = {m.group(1): m.group(2)
                 for m in _REVISION_LINE.finditer(script.read_text("utf-8"))}
        if "revision" not in found:
            continue
        revisions.add(found["revision"].strip("'\""))
        followed.update(re.findall(r"['\"]([^'\"]+)['\"]", found.get("down_revision", "")))
    heads = revisions - followed
    if len(heads) != 1:
        raise StoreError(f"The packaged migrations have {len(heads)} newest revisions "
                         f"({', '.join(sorted(heads)) or 'none'}); expected exactly one.")
    return heads.pop()


def at_head(engine: Engine) -> bool:
    """Whether the database's schema is at :func:`head_revision` already: one read of the
    ``alembic_version`` table in a plain read transaction (it takes no writer's lock). A new
    database (no such table yet) or one that cannot be read answers False, and
    :func:`migrate` then leaves it to Alembic (which also reports a database that cannot be
    used)."""
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    except DBAPIError:
        return False
    return [r[0] for r in rows] == [head_revision()]


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database schema to ``revision`` (the newest by default), in one transaction.

    A database at the newest revision already is only read (see :func:`at_head`): Alembic is
    imported and run only when there is something to do."""
    if revision == "head" and at_head(engine):
        return
    from alembic import command

    cfg = alembic_config()
    try:
        with writing(engine).begin() as connection:  # two first starts at once: one waits
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
    except DBAPIError as e:
        raise store_error(e, engine.url) from e


def check(engine: Engine) -> None:
    """Connect once and run a trivial query; raise :class:`StoreError` if that fails."""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except DBAPIError as e:
        raise store_error(e, engine.url) from e
