"""Shared fixtures: a throwaway PostgreSQL server and a fresh migrated database per test.

``db_url`` runs each database test twice, on SQLite (a file in ``tmp_path``)
and on PostgreSQL (a new database in one server started for the whole test
session with ``initdb`` and ``pg_ctl``). The PostgreSQL half is marked
``postgres`` (deselect it with ``-m "not postgres"``) and is skipped, with the
reason, where no PostgreSQL binaries are installed.

Every fresh database is a copy of one migrated per test session (per xdist worker): a
SQLite template file copied, a PostgreSQL template database cloned with ``CREATE DATABASE
… TEMPLATE``. Running the migrations once instead of for every test is most of the set-up
time saved; what a test gets is the same as a freshly migrated database (the migrations
themselves are tested from an empty database in ``tests/integration/store``).

``initdb`` refuses to run as root; under root (containers, CI) the server is
run as the ``postgres`` user (or ``nobody``) through ``runuser``, in a
temporary folder owned by that user.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from anklet.services import accounts as account_service
from anklet.store import throwaway
from anklet.store.db import make_engine, migrate


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> None:
    """argon2id with its smallest sensible cost: the tests sign in hundreds of times, and the
    real cost (about 0.1–0.5 s a hash here) is for guessers, not for tests of the logic."""
    from argon2 import PasswordHasher

    account_service.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of the ``anklet`` database in a PostgreSQL server started for this test session."""
    try:
        with throwaway.server() as url:
            yield url
    except throwaway.UnavailableError as e:
        pytest.skip(str(e))


@pytest.fixture(scope="session")
def _postgres_admin(postgres_url: str) -> Iterator[Engine]:
    """An autocommit engine on the throwaway server, for creating and dropping databases."""
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest revision, copied for each fresh database. The
    migrations run in WAL mode; closing the last connection folds the log into the file and
    removes it, so the one file is the whole database (checked)."""
    path = tmp_path_factory.mktemp("template") / "anklet.db"
    _migrate(f"sqlite:///{path}")
    for leftover in ("-wal", "-journal"):
        assert not path.with_name(path.name + leftover).exists(), f"{leftover} left by migrate"
    return path


@pytest.fixture(scope="session")
def _postgres_template(_postgres_admin: Engine, postgres_url: str) -> str:
    """The name of a database migrated to the newest revision on the session's server, the
    template each fresh PostgreSQL database is cloned from (no one stays connected to it:
    PostgreSQL copies a template only while it has no sessions)."""
    name = "anklet_template"
    with _postgres_admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    _migrate(postgres_url.rsplit("/", 1)[0] + f"/{name}")
    return name


FreshDatabase = Callable[[str, Path], AbstractContextManager[str]]


@pytest.fixture(scope="session")
def fresh_database(request: pytest.FixtureRequest) -> FreshDatabase:
    """``with fresh_database(kind, folder) as url``: a new migrated database for the block —
    a SQLite file in ``folder``, or a new database on the session's PostgreSQL server
    (dropped afterwards). ``db_url`` uses it per test; a module may use it once for all."""

    @contextmanager
    def make(kind: str, folder: Path) -> Iterator[str]:
        if kind == "sqlite":
            template: Path = request.getfixturevalue("_sqlite_template")
            shutil.copyfile(template, folder / "anklet.db")
            yield f"sqlite:///{folder / 'anklet.db'}"
            return
        base: str = request.getfixturevalue("postgres_url")
        admin: Engine = request.getfixturevalue("_postgres_admin")
        source: str = request.getfixturevalue("_postgres_template")
        name = f"test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
        try:
            url = base.rsplit("/", 1)[0] + f"/{name}"
            yield url
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return make


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path,
           fresh_database: FreshDatabase) -> Iterator[str]:
    """URL of a fresh, migrated database: a SQLite file, or a new PostgreSQL database."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the fresh database of ``db_url`` (disposed after the test)."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()
