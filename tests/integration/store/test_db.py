"""Engines: SQLite settings, PostgreSQL URLs, and clear errors for bad URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from anklet.domain.errors import AnkletError
from anklet.store.db import check, make_engine, migrate
from anklet.store.errors import StoreError
from anklet.store.uow import UnitOfWork
from factories import minimal_history


def test_sqlite_uses_wal_and_foreign_keys_on_every_connection(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        migrate(engine)
        for _ in range(3):  # new connections each time, not just the pooled first one
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 5000
            engine.dispose()
        assert (tmp_path / "a.db-wal").exists() or (tmp_path / "a.db").exists()
    finally:
        engine.dispose()


def test_sqlite_creates_the_parent_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "anklet.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate(engine)
    finally:
        engine.dispose()
    assert path.is_file()


def test_sqlite_folder_that_cannot_be_made_raises_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="Cannot create the folder"):
        make_engine(f"sqlite:///{blocker / 'sub' / 'anklet.db'}")


def test_sqlite_rejects_orphan_rows(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        migrate(engine)
        with engine.connect() as conn, pytest.raises(IntegrityError, match="FOREIGN KEY"):
            conn.exec_driver_sql("INSERT INTO planned_runs (person_id, date, kind) "
                                 "VALUES (999, '2025-01-01', 'easy')")
    finally:
        engine.dispose()


@pytest.mark.parametrize("url", ["not a url", "mysql+nosuchdriver://u@h/db", "oracle://u@h/db",
                                 "://nothing"])
def test_bad_url_raises_store_error(url: str) -> None:
    with pytest.raises(StoreError) as info:
        make_engine(url)
    assert isinstance(info.value, AnkletError)
    assert "expected sqlite:///" in str(info.value)


def test_plain_postgresql_url_uses_psycopg() -> None:
    engine = make_engine("postgresql://someone@localhost/anklet")
    try:
        assert engine.url.drivername == "postgresql+psycopg"
    finally:
        engine.dispose()


def test_unreachable_server_raises_store_error_without_the_password() -> None:
    engine = make_engine("postgresql+psycopg://someone:s3cret@127.0.0.1:1/anklet")
    try:
        with pytest.raises(StoreError, match="cannot be used") as info:
            migrate(engine)
        assert "s3cret" not in str(info.value)
        assert "***" in str(info.value)
        with pytest.raises(StoreError):
            check(engine)
        with pytest.raises(StoreError), UnitOfWork(engine) as uow:
            uow.people.add(minimal_history("ada"))
    finally:
        engine.dispose()


def test_in_memory_sqlite_works_within_one_thread() -> None:
    engine = make_engine("sqlite://")
    try:
        migrate(engine)
        with UnitOfWork(engine) as uow:
            uow.people.add(minimal_history("ada"))
            uow.commit()
        with UnitOfWork(engine) as uow:
            assert uow.people.get("ada") == minimal_history("ada")
    finally:
        engine.dispose()


def test_check_passes_on_a_working_database(engine: Engine) -> None:
    check(engine)


def test_migrate_twice_is_harmless(engine: Engine) -> None:
    migrate(engine)
    migrate(engine)
