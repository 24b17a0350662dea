"""PersonRepository.delete_planned_run: one row with exactly the run's details goes (the one
added first, when there are copies), nothing else; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from anklet.domain.errors import NotFoundError
from anklet.domain.history import History, PlannedRun, RunKind
from anklet.store import tables as t
from anklet.store.uow import UnitOfWork
from factories import day, minimal_history, planned_run

RUN = planned_run(6, minutes=90, title="Hill loop")  # long, on Sunday


def _add(engine: Engine, *histories: History) -> None:
    with UnitOfWork(engine) as uow:
        for h in histories:
            uow.people.add(h)
        uow.commit()


def _rows(engine: Engine) -> list[tuple[object, ...]]:
    """Every planned-run row: (id, person key, date, kind, minutes, title), by id."""
    pr = t.planned_runs
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(
            select(pr.c.id, t.people.c.key, pr.c.date, pr.c.kind, pr.c.minutes, pr.c.title)
            .join(t.people).order_by(pr.c.id))]


def _delete(engine: Engine, run: PlannedRun, key: str = "bo", *, commit: bool = True) -> bool:
    with UnitOfWork(engine) as uow:
        done = uow.people.delete_planned_run(key, run)
        if commit:
            uow.commit()
    return done


def test_delete_planned_run_removes_one_of_two_copies_the_first_added(engine: Engine) -> None:
    _add(engine, minimal_history("bo", planned_runs=[RUN, planned_run(5, RunKind.EASY), RUN]))
    easy, first, second = _rows(engine)  # History sorts its runs by date
    assert _delete(engine, RUN)
    assert _rows(engine) == [easy, second]
    assert _delete(engine, RUN)
    assert _rows(engine) == [easy]
    assert not _delete(engine, RUN)
    assert _rows(engine) == [easy]
    assert first[3:] == ("long", 90, "Hill loop")


@pytest.mark.parametrize("other", [
    RUN.model_copy(update={"date": day(7)}),  # another day
    RUN.model_copy(update={"kind": RunKind.RACE}),
    RUN.model_copy(update={"minutes": 91}),
    RUN.model_copy(update={"minutes": None}),  # the stored run has minutes
    RUN.model_copy(update={"title": "hill loop"}),  # the store compares titles exactly
    RUN.model_copy(update={"title": None}),
    RUN.model_copy(update={"title": ""}),
    RUN.model_copy(update={"title": "Hill\x00loop"}),  # never stored; PostgreSQL would refuse
], ids=["date", "kind", "minutes", "no-minutes", "title-case", "no-title", "empty-title",
        "nul-title"])
def test_delete_planned_run_needs_every_detail_to_match(engine: Engine,
                                                         other: PlannedRun) -> None:
    _add(engine, minimal_history("bo", planned_runs=[RUN]))
    before = _rows(engine)
    assert not _delete(engine, other)
    assert _rows(engine) == before


def test_delete_planned_run_matches_missing_minutes_and_title(engine: Engine) -> None:
    bare = PlannedRun(date=day(6), kind=RunKind.LONG)
    _add(engine, minimal_history("bo", planned_runs=[RUN, bare]))
    assert _delete(engine, bare)
    assert [r[3:] for r in _rows(engine)] == [("long", 90, "Hill loop")]


def test_delete_planned_run_leaves_other_people_alone(engine: Engine) -> None:
    _add(engine, minimal_history("bo", planned_runs=[RUN]),
         minimal_history("cy", planned_runs=[RUN]))
    assert _delete(engine, RUN, "cy")
    assert [r[1] for r in _rows(engine)] == ["bo"]
    assert not _delete(engine, RUN, "cy")
    with pytest.raises(NotFoundError, match="nobody"):
        _delete(engine, RUN, "nobody")
    assert [r[1] for r in _rows(engine)] == ["bo"]


def test_delete_planned_run_without_commit_removes_nothing(engine: Engine) -> None:
    _add(engine, minimal_history("bo", planned_runs=[RUN]))
    before = _rows(engine)
    assert _delete(engine, RUN, commit=False)
    assert _rows(engine) == before
    with UnitOfWork(engine) as uow:
        assert uow.people.get("bo").planned_runs == [RUN]
