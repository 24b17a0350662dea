"""Histories read back from the store are built without validating them again (the bulk read
path builds the frozen models directly): they must be exactly what full validation gives,
field for field and type for type, and decide the same, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
from concurrent.futures.process import BrokenProcessPool

import pytest
from pydantic import BaseModel
from sqlalchemy import Engine, update

from anklet.domain.decisions import decide
from anklet.domain.errors import HistoryError, NotFoundError
from anklet.domain.exercises import load_library
from anklet.domain.history import History
from anklet.domain.protocol import load_protocol
from anklet.services import evaluation
from anklet.services.demo import people
from anklet.store import tables as t
from anklet.store.errors import StoreError
from anklet.store.uow import UnitOfWork
from factories import (
    exercise,
    full_history,
    measurement,
    minimal_history,
    session,
    synthetic_history,
    with_library_ids,
)

TODAY = dt.date(2026, 11, 24)
P, L = load_protocol(), load_library()


def _histories() -> list[History]:
    """The demo cast, the factories' full and minimal histories and a few random ones."""
    rng = random.Random(7)
    return [*people(TODAY, P, L), with_library_ids(full_history("ada")), minimal_history("bo"),
            *(with_library_ids(synthetic_history(f"s{i}", rng)) for i in range(4))]


def _validated(h: History) -> History:
    """The same history through full validation, as ``anklet import-history`` reads it."""
    return History.model_validate(h.to_dict())


def _models(value: object) -> list[BaseModel]:
    """Every model inside ``value`` (itself included), depth first."""
    if isinstance(value, BaseModel):
        return [value, *(m for v in value.__dict__.values() for m in _models(v))]
    if isinstance(value, list | tuple):
        return [m for v in value for m in _models(v)]
    return []


@pytest.fixture
def stored(engine: Engine) -> list[History]:
    histories = _histories()
    with UnitOfWork(engine) as uow:
        uow.people.add_many(histories)
        uow.commit()
    return histories


def test_read_back_histories_are_what_validation_gives(engine: Engine,
                                                        stored: list[History]) -> None:
    with UnitOfWork(engine) as uow:
        batches = [h for bounds in uow.people.id_ranges(3)
                   for h in uow.people.histories_between(*bounds)]
        one_by_one = [uow.people.get(h.person.id) for h in stored]
    for original, batch, single in zip(stored, batches, one_by_one, strict=True):
        expected = _validated(original)
        # equal, and with the same types (repr shows an enum member, an int for a float)
        assert batch == single == expected == original
        assert repr(batch) == repr(single) == repr(expected)
        assert batch.to_json() == expected.to_json()
        for model in _models(batch):  # every field set, nothing left to a default lookup
            assert list(model.__dict__) == list(type(model).model_fields), type(model)


def test_read_back_histories_decide_as_validated_ones(engine: Engine,
                                                       stored: list[History]) -> None:
    with UnitOfWork(engine) as uow:
        loaded = [h for batch in uow.people.iter_histories(batch_size=4) for h in batch]
    statuses = set()
    for original, h in zip(stored, loaded, strict=True):
        for as_of in (TODAY, TODAY - dt.timedelta(days=30)):
            for with_clearance in (False, True):
                got = decide(h, protocol=P, library=L, as_of=as_of,
                             with_clearance=with_clearance)
                assert got == decide(_validated(original), protocol=P, library=L, as_of=as_of,
                                     with_clearance=with_clearance)
                statuses.add(got.status)
    assert statuses >= {"refer", "clear", "working", "screen_needed"}


@pytest.mark.parametrize("workers", [1, 3])
def test_batch_reevaluation_stores_the_summary_of_the_validated_decision(
        engine: Engine, stored: list[History], workers: int) -> None:
    with UnitOfWork(engine) as uow:
        n = evaluation.reevaluate_all(uow, protocol=P, library=L, as_of=TODAY, batch_size=2,
                                      workers=workers)
        uow.commit()
    assert n == len(stored)
    with UnitOfWork(engine) as uow:
        for h in stored:
            d = decide(_validated(h), protocol=P, library=L, as_of=TODAY, with_clearance=False)
            saved = uow.people.get_decision(h.person.id)
            assert saved is not None
            assert (saved.stage, saved.status, saved.clear_to_train) == (
                d.stage, d.status, d.clear_to_train)
            assert saved.summary == evaluation.summary(
                d, evaluation.activity(_validated(h), d, P, L, TODAY))


def test_models_read_back_share_nothing_that_a_copy_changes(engine: Engine,
                                                           stored: list[History]) -> None:
    with UnitOfWork(engine) as uow:
        first, second = uow.people.get(stored[0].person.id), uow.people.get(stored[1].person.id)
    renamed = first.person.model_copy(update={"name": "Someone else"})
    assert renamed.name == "Someone else"
    assert first.person.name == stored[0].person.name
    assert second.person.model_fields_set == set(type(second.person).model_fields)
    assert renamed.model_dump() == {**first.person.model_dump(), "name": "Someone else"}


def test_a_stored_value_this_version_does_not_know_is_named(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(minimal_history("ada", measurements=[measurement(0)]))
        uow.commit()
    with engine.begin() as conn:  # as a newer Anklet with another kind of test might store it
        conn.execute(update(t.measurements).values(kind="hop_for_distance"))
    with UnitOfWork(engine) as uow, pytest.raises(StoreError, match="'hop_for_distance'"):
        uow.people.get("ada")


@pytest.mark.parametrize("bad", [0, 11])  # in the first batch (a worker's) or the last (ours)
def test_a_batch_that_fails_fails_the_whole_reevaluation(engine: Engine, bad: int) -> None:
    histories = [minimal_history(f"p{i:02d}") for i in range(12)]
    histories[bad] = minimal_history(f"p{bad:02d}", intake=full_history().intake,
                                     screenings=full_history().screenings,
                                     sessions=[session(1, exercises=[exercise("no_such_move")])])
    with UnitOfWork(engine) as uow:
        uow.people.add_many(histories)
        uow.commit()
    # (a worker's NotFoundError cannot cross back: its arguments do not pickle, so the pool
    # reports the worker broken; this process's own raises as it is)
    with UnitOfWork(engine) as uow, pytest.raises((NotFoundError, BrokenProcessPool)):
        evaluation.reevaluate_all(uow, protocol=P, library=L, as_of=TODAY, batch_size=2,
                                  workers=2)
    with UnitOfWork(engine) as uow:  # nothing was kept
        assert all(uow.people.get_decision(h.person.id) is None for h in histories)


def test_refresh_after_a_write_stores_what_a_full_evaluation_stores(
        engine: Engine, stored: list[History]) -> None:
    # The web's writes re-decide with evaluation.refresh (no plan, no clearance checklist):
    # what it stores must be what get(save=True) and the batch store for the same person.
    checked = 0
    for h in stored:
        with UnitOfWork(engine) as uow:
            try:
                evaluation.get(uow, key=h.person.id, protocol=P, library=L, save=False)
            except HistoryError:  # the factories' made-up red flags: both refuse alike
                with pytest.raises(HistoryError):
                    evaluation.refresh(uow, key=h.person.id, protocol=P, library=L)
                continue
            checked += 1
            got = evaluation.refresh(uow, key=h.person.id, protocol=P, library=L, as_of=TODAY)
            quick = uow.people.get_decision(h.person.id)
            full = evaluation.get(uow, key=h.person.id, protocol=P, library=L, as_of=TODAY,
                                  save=True)
            slow = uow.people.get_decision(h.person.id)
        assert quick is not None
        assert slow is not None
        assert (quick.stage, quick.status, quick.clear_to_train, quick.summary) == (
            slow.stage, slow.status, slow.clear_to_train, slow.summary)
        assert got.history == full.history
        assert got.decision.clearance is None or got.decision.stage >= 3
        assert evaluation.summary(got.decision) == evaluation.summary(full.decision)
    assert checked >= len(stored) // 2
