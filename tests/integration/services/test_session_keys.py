"""A session sent with an idempotency key is stored once (#18 item 4, migration 0016), on
SQLite and PostgreSQL: the same key again answers with the first session, the same key with
another session is refused, keys are per person, and a deleted session leaves its key
answering "already received" (the phone's repeat never logs it again)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, func, select, text

from anklet.domain.errors import ConflictError, InputError
from anklet.domain.history import ExerciseLog, History, Intake, Person, Session
from anklet.services import records
from anklet.services.context import Context, open_context
from anklet.settings import Settings
from anklet.store import tables as t

TODAY = dt.date.today()
FP = "a" * 64


@pytest.fixture
def ctx(db_url: str) -> Iterator[Context]:
    c = open_context(Settings(database_url=db_url), migrate_schema=False)
    with c.uow() as uow:
        for key in ("ana", "ben"):
            uow.people.add(History(person=Person(id=key, name=key.title()),
                                   intake=Intake(date=TODAY - dt.timedelta(days=21))))
        uow.commit()
    yield c
    c.engine.dispose()


def _session(pain: int = 1) -> Session:
    return Session(date=TODAY, pain_during=pain,
                   exercises=[ExerciseLog(exercise_id="seated-forefoot-roll", sets=2)])


def _log(ctx: Context, key: str, session: Session, once: records.Once | None
         ) -> records.Logged:
    with ctx.uow() as uow:
        logged = records.create_session(uow, key=key, session=session, library=ctx.library,
                                        once=once)
        uow.commit()
    return logged


def _rows(ctx: Context) -> int:
    with ctx.uow(write=False) as uow:
        return int(uow.connection.execute(select(func.count()).select_from(t.sessions)).scalar())


def test_the_same_key_twice_stores_one_session_and_answers_its_id(ctx: Context) -> None:
    once = records.Once("2f1c0a4e-0b57-4c53-9a55-8d1f0c7d2b11", FP)
    first = _log(ctx, "ana", _session(), once)
    again = _log(ctx, "ana", _session(), once)
    assert not first.repeat
    assert first.session_id is not None
    assert again == records.Logged(first.session_id, TODAY, repeat=True)
    assert _rows(ctx) == 1


def test_the_same_key_with_another_session_is_refused_and_stores_nothing(
        ctx: Context) -> None:
    _log(ctx, "ana", _session(pain=1), records.Once("key-0001", FP))
    with pytest.raises(ConflictError, match="A different session was already sent with the "
                                            "key 'key-0001'"):
        _log(ctx, "ana", _session(pain=5), records.Once("key-0001", "b" * 64))
    assert _rows(ctx) == 1


def test_without_a_key_every_post_is_a_session(ctx: Context) -> None:
    a = _log(ctx, "ana", _session(), None)
    b = _log(ctx, "ana", _session(), None)
    assert a.session_id != b.session_id
    assert _rows(ctx) == 2


def test_keys_belong_to_one_person(ctx: Context) -> None:
    once = records.Once("shared-key-1", FP)
    a = _log(ctx, "ana", _session(), once)
    b = _log(ctx, "ben", _session(), once)
    assert not b.repeat
    assert a.session_id != b.session_id
    assert _rows(ctx) == 2


def test_a_refused_session_leaves_its_key_unused(ctx: Context) -> None:
    once = records.Once("key-refused", FP)
    bad = Session(date=TODAY, pain_during=1,
                  exercises=[ExerciseLog(exercise_id="no-such-exercise", sets=1)])
    with pytest.raises(InputError, match="no-such-exercise"):
        _log(ctx, "ana", bad, once)
    assert not _log(ctx, "ana", _session(), once).repeat
    assert _rows(ctx) == 1


def test_a_deleted_session_keeps_its_key_answering_already_received(ctx: Context) -> None:
    once = records.Once("key-deleted", FP)
    first = _log(ctx, "ana", _session(), once)
    with ctx.uow() as uow:
        uow.connection.execute(delete(t.sessions).where(t.sessions.c.id == first.session_id))
        uow.commit()
    again = _log(ctx, "ana", _session(), once)
    assert again == records.Logged(None, None, repeat=True)
    assert _rows(ctx) == 0


def test_deleting_the_person_deletes_their_keys(ctx: Context) -> None:
    _log(ctx, "ana", _session(), records.Once("key-gone-1", FP))
    with ctx.uow() as uow:
        uow.people.delete("ana")
        uow.commit()
    with ctx.uow(write=False) as uow:
        assert uow.connection.execute(
            select(func.count()).select_from(t.session_keys)).scalar() == 0


def _waiting_on_a_lock(ctx: Context) -> bool:
    """Whether another connection of this PostgreSQL database waits on a lock now."""
    with ctx.engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar())


def test_the_same_key_sent_twice_at_once_stores_one_session(ctx: Context) -> None:
    """A phone that sends again before the first answer came: the second request arrives
    while the first has stored its session but not yet committed. It waits for the first
    (PostgreSQL: on the key's unique index; SQLite: for the writer's lock), then answers with
    the first's session; one session is stored."""
    once = records.Once("key-at-once-1", FP)
    second: list[records.Logged | BaseException] = []

    with ctx.uow() as uow:
        first = records.create_session(uow, key="ana", session=_session(), library=ctx.library,
                                       once=once)

        def send_again() -> None:
            try:
                second.append(_log(ctx, "ana", _session(), once))
            except BaseException as e:  # handed to the test below
                second.append(e)

        thread = threading.Thread(target=send_again)
        thread.start()
        if ctx.engine.dialect.name == "postgresql":
            # wait (generously) until the second request is blocked behind this one's key
            deadline = time.monotonic() + 120
            while not _waiting_on_a_lock(ctx):
                assert time.monotonic() < deadline, "the second request never waited"
                time.sleep(0.05)
        uow.commit()
    thread.join(timeout=300)
    assert not thread.is_alive()
    assert not first.repeat
    assert second == [records.Logged(first.session_id, TODAY, repeat=True)]
    assert _rows(ctx) == 1
