"""records.create_override: checks the stage and the reason, stores the override and an audit
entry in the caller's transaction (nothing without its commit), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, select

from anklet.domain.errors import InputError, NotFoundError
from anklet.domain.history import History, Intake, Override, Person
from anklet.domain.protocol import load_protocol
from anklet.services import accounts, records
from anklet.store import tables as t
from anklet.store.uow import UnitOfWork

P = load_protocol()
DAY = dt.date(2026, 11, 2)
STAGES = "one of: 1 (Foot), 2 (Ankle), 3 (Build), 4 (Maintain)"


def add_person(engine: Engine, key: str = "sam") -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(History(person=Person(id=key, name="Sam"), intake=Intake(date=DAY)))
        uow.commit()


def stored(engine: Engine, key: str = "sam") -> tuple[list[Override], list[tuple[object, ...]]]:
    """The person's overrides and the audit rows (account id, actor, action, detail)."""
    with UnitOfWork(engine) as uow:
        al = t.audit_log
        rows = uow.connection.execute(select(al.c.account_id, al.c.actor, al.c.action, al.c.detail)
                                   .where(al.c.action == "override")).all()
        return uow.people.get(key).overrides, [tuple(r) for r in rows]


def test_create_override_stores_it_with_an_audit_entry(engine: Engine) -> None:
    add_person(engine)
    with UnitOfWork(engine) as uow:
        coach = accounts.sign_up(uow, email="coach@example.org", name="Cora Coach",
                                 password="a long enough password", role="coach")
        uow.commit()
    o = Override(date=DAY, stage=3, reason="  moves well, tape test was off ",
                 by="coach@example.org")
    with UnitOfWork(engine) as uow:
        records.create_override(uow, key="sam", override=o, protocol=P, account_id=coach.id,
                                actor="coach@example.org")
        uow.commit()
    overrides, audit = stored(engine)
    assert overrides == [o.model_copy(update={"reason": "moves well, tape test was off"})]
    assert audit == [(coach.id, "coach@example.org", "override",
                      {"stage": 3, "reason": "moves well, tape test was off",
                       "date": "2026-11-02", "person": "sam"})]


def test_create_override_without_commit_stores_nothing(engine: Engine) -> None:
    add_person(engine)
    with UnitOfWork(engine) as uow:
        records.create_override(uow, key="sam", override=Override(
            date=DAY, stage=2, reason="ready", by="cli"), protocol=P, actor="cli")
    assert stored(engine) == ([], [])


@pytest.mark.parametrize(("fields", "field", "accepted"), [
    ({"stage": 5}, "stage", STAGES),
    ({"stage": 20}, "stage", STAGES),
    ({"reason": "   "}, "reason", "accepted: 3 to 1000 characters saying why"),
    ({"reason": " ab "}, "reason", "accepted: 3 to 1000 characters saying why"),
    ({"reason": "x" * 1001}, "reason", "accepted: 3 to 1000 characters saying why"),
])
def test_create_override_refuses_bad_values(engine: Engine, fields: dict[str, Any],
                                            field: str, accepted: str) -> None:
    add_person(engine)
    # model_construct: the service checks even what skipped the model's own validation
    o = Override.model_construct(**({"date": DAY, "stage": 2, "reason": "ready", "by": "cli"}
                                    | fields))
    with UnitOfWork(engine) as uow, pytest.raises(InputError) as e:
        records.create_override(uow, key="sam", override=o, protocol=P, actor="cli")
    assert (e.value.field, e.value.value, e.value.accepted) == (field, fields[field], accepted)
    assert stored(engine) == ([], [])


def test_create_override_unknown_person(engine: Engine) -> None:
    add_person(engine)
    o = Override(date=DAY, stage=2, reason="ready", by="cli")
    with UnitOfWork(engine) as uow, pytest.raises(NotFoundError, match="nobody"):
        records.create_override(uow, key="nobody", override=o, protocol=P, actor="cli")
    assert stored(engine) == ([], [])
