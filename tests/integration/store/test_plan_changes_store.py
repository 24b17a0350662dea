"""Plan changes in the database: migration 0011 up and down, and the repository's add, list
and end (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from anklet.domain.history import History, Person, PlanChange, PlanChangeKind
from anklet.store import tables as t
from anklet.store.db import alembic_config, migrate
from anklet.store.uow import UnitOfWork

DAY = dt.date(2026, 11, 23)


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, t.metadata))


def _downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def _pin() -> PlanChange:
    return PlanChange(date=DAY, kind=PlanChangeKind.PIN, exercise="ankle-circles", sets=2,
                      reps=12, note="Keep it steady", by="coach@example.org")


def test_upgrade_to_0011_adds_an_empty_plan_changes_table(engine: Engine) -> None:
    _downgrade(engine, "0010")
    assert "plan_changes" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO people (id, key, name, created) "
                          "VALUES (1, 'ada', 'Ada', '2026-11-02')"))
    migrate(engine)
    assert _diff(engine) == []
    with UnitOfWork(engine) as uow:
        assert uow.people.get("ada").plan_changes == []


def test_downgrade_from_0011_drops_plan_changes_and_keeps_the_person(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(History(person=Person(id="ada", name="Ada"), plan_changes=[_pin()]))
        uow.commit()
    _downgrade(engine, "0010")
    with engine.connect() as conn:
        assert "plan_changes" not in inspect(conn).get_table_names()
        assert conn.execute(text("SELECT key FROM people")).scalars().all() == ["ada"]
    migrate(engine)
    assert _diff(engine) == []


def test_end_plan_change_keeps_the_record_with_the_day_it_ended(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(History(person=Person(id="ada", name="Ada")))
        change_id = uow.people.add_plan_change("ada", _pin())
        uow.commit()
    with UnitOfWork(engine) as uow:
        assert uow.people.end_plan_change("ada", change_id, DAY + dt.timedelta(days=3))
        assert not uow.people.end_plan_change("ada", change_id, DAY + dt.timedelta(days=4))
        uow.commit()
    with UnitOfWork(engine) as uow:
        [(found_id, c)] = uow.people.plan_changes("ada")
        history = uow.people.get("ada")
    assert found_id == change_id
    assert c.ended == DAY + dt.timedelta(days=3)
    assert history.plan_changes == [c]


def test_end_plan_change_of_another_person_changes_nothing(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add_many([History(person=Person(id="ada", name="Ada")),
                             History(person=Person(id="bo", name="Bo"))])
        change_id = uow.people.add_plan_change("ada", _pin())
        uow.commit()
    with UnitOfWork(engine) as uow:
        assert not uow.people.end_plan_change("bo", change_id, DAY)
        assert uow.people.get("ada").plan_changes[0].ended is None
