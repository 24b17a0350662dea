"""Many writers at once on one SQLite file: they queue for the lock instead of failing.

A deferred SQLite transaction that reads and then writes fails at once ("database is
locked") when another writer got in first; writing units of work begin IMMEDIATE, so they
wait (up to the busy timeout) and go on. Nothing here is timed: a busy two-core machine
only makes the queue longer.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, select

from anklet.domain.history import History, Person
from anklet.store import tables as t
from anklet.store.db import WRITER_QUEUES, make_engine, migrate
from anklet.store.uow import UnitOfWork

THREADS, UNITS = 8, 20


@pytest.fixture
def sqlite(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'anklet.db'}")
    migrate(engine)
    return engine


def _people(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.people)).scalar_one())


def _read_then_write(engine: Engine, key: str) -> None:
    with UnitOfWork(engine) as uow:
        assert not uow.people.exists(key)  # a read first: the transaction has begun
        uow.people.add(History(person=Person(id=key, name=key)))
        uow.commit()


def _fail_halfway(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.people.exists("x")
        raise ValueError("boom")


def _run(threads: list[threading.Thread]) -> None:
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=600)
        assert not th.is_alive()


def test_many_threads_reading_then_writing_all_succeed(sqlite: Engine) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        for i in range(UNITS):
            try:
                _read_then_write(sqlite, f"t{n}-{i}")
            except BaseException as e:  # any failure is the finding
                errors.append(e)

    try:
        _run([threading.Thread(target=worker, args=(n,)) for n in range(THREADS)])
        assert errors == []
        assert _people(sqlite) == THREADS * UNITS
    finally:
        sqlite.dispose()


def test_write_unit_waits_for_another_writer_holding_the_lock(sqlite: Engine) -> None:
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with UnitOfWork(sqlite) as uow:
            uow.people.add(History(person=Person(id="first", name="First")))
            holding.set()
            release.wait(timeout=1)  # keep the writer's lock about a second
            uow.commit()

    other = threading.Thread(target=hold)
    other.start()
    try:
        assert holding.wait(timeout=120)
        with UnitOfWork(sqlite) as uow:  # queues behind "first", then reads after it
            saw_first = uow.people.exists("first")
            uow.people.add(History(person=Person(id="second", name="Second")))
            uow.commit()
        other.join(timeout=120)
        assert saw_first
        assert _people(sqlite) == 2
    finally:
        release.set()
        other.join(timeout=120)
        sqlite.dispose()


def test_read_only_unit_reads_while_another_writer_holds_the_lock(sqlite: Engine) -> None:
    _read_then_write(sqlite, "kept")
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with UnitOfWork(sqlite) as uow:
            uow.people.add(History(person=Person(id="pending", name="Pending")))
            holding.set()
            release.wait(timeout=120)
            uow.commit()

    other = threading.Thread(target=hold)
    other.start()
    try:
        assert holding.wait(timeout=120)
        with UnitOfWork(sqlite, write=False) as uow:  # no waiting: it reads the last commit
            assert uow.people.exists("kept")
            assert not uow.people.exists("pending")
    finally:
        release.set()
        other.join(timeout=120)
        sqlite.dispose()


def test_write_unit_begins_immediate_and_read_unit_deferred(sqlite: Engine) -> None:
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *_: object) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(sqlite, "before_cursor_execute", record)
    try:
        for write in (True, False):
            with UnitOfWork(sqlite, write=write) as uow:
                uow.people.exists("x")
        assert seen == ["BEGIN IMMEDIATE", "BEGIN"]
    finally:
        sqlite.dispose()


def test_writer_queue_is_let_go_however_a_write_unit_ends(sqlite: Engine) -> None:
    queue = WRITER_QUEUES[sqlite]
    try:
        _read_then_write(sqlite, "committed")
        assert not queue.busy()
        with UnitOfWork(sqlite) as uow:  # left without a commit: rolled back
            uow.people.add(History(person=Person(id="dropped", name="Dropped")))
            assert queue.busy()
        assert not queue.busy()
        with pytest.raises(ValueError, match="boom"):
            _fail_halfway(sqlite)
        assert not queue.busy()
        with UnitOfWork(sqlite) as uow:  # commit, then a second transaction in the same unit
            uow.people.add(History(person=Person(id="one", name="One")))
            uow.commit()
            assert not queue.busy()
            uow.people.add(History(person=Person(id="two", name="Two")))
            uow.commit()
        with UnitOfWork(sqlite, write=False) as uow:  # readers never queue
            uow.people.exists("one")
            assert not queue.busy()
        assert not queue.busy()
        assert _people(sqlite) == 3
    finally:
        sqlite.dispose()
