"""Re-evaluating everyone stores one current decision per person, in parallel or not."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from anklet.domain.decisions import decide
from anklet.domain.exercises import load_library
from anklet.domain.protocol import load_protocol
from anklet.services import evaluation
from anklet.services.demo import people
from anklet.store.uow import UnitOfWork

TODAY = dt.date(2026, 11, 24)
P, L = load_protocol(), load_library()


def stored(engine: Engine) -> dict[str, tuple[int | None, str, bool]]:
    with UnitOfWork(engine) as uow:
        return {s.key: (s.stage, s.status or "", s.clear_to_train) for s in uow.people.list()}


def test_reevaluate_all_in_worker_processes_matches_deciding_one_by_one(engine: Engine) -> None:
    cast = people(TODAY, P, L)
    with UnitOfWork(engine) as uow:
        uow.people.add_many(cast)
        uow.commit()
    expected = {}
    for h in cast:
        d = decide(h, protocol=P, library=L, as_of=TODAY)
        expected[h.person.id] = (d.stage, d.status, d.clear_to_train)
    # batches of two people, read and decided by two worker processes
    with UnitOfWork(engine) as uow:
        n = evaluation.reevaluate_all(uow, protocol=P, library=L, as_of=TODAY, batch_size=2,
                                      workers=2)
        uow.commit()
    assert n == len(cast)
    assert stored(engine) == expected
    # and once more in this process: the same decisions, still one row per person
    with UnitOfWork(engine) as uow:
        assert evaluation.reevaluate_all(uow, protocol=P, library=L, as_of=TODAY,
                                         batch_size=4) == len(cast)
        uow.commit()
    assert stored(engine) == expected
    assert {s for _, s, _ in expected.values()} >= {"refer", "clear", "working"}
