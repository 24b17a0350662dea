"""A multisport FIT file in the database: one activity per sport, tagged, stored once.

Runs on SQLite and PostgreSQL (the ``engine`` fixture); the file is written with fit-tool.
"""

from __future__ import annotations

import datetime as dt

from fit_tool.profile.profile_type import Sport as FitSport
from fit_writer import Part, activity_file, fit_time
from sqlalchemy import Engine

from anklet.domain.history import History, Person, Sport
from anklet.domain.protocol import load_protocol
from anklet.importers import read_bytes
from anklet.services import activities
from anklet.store.uow import UnitOfWork

T0 = dt.datetime(2026, 3, 1, 7, 0, tzinfo=dt.UTC)


def _brick(run_minutes: int) -> bytes:
    """A run (84 per leg), a transition, then a ride (pedalling at 90)."""
    t = fit_time(T0)
    run_s = run_minutes * 60
    return activity_file([
        Part(FitSport.RUNNING, t, run_s, run_s * 3.2, cadence=84),
        Part(FitSport.TRANSITION, t + run_s, 90, 60.0, cadence=40),
        Part(FitSport.CYCLING, t + run_s + 90, 3600, 30000.0, cadence=90)],
        local_offset_s=3600)


def test_import_multisport_file_twice_stores_it_once(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(History(person=Person(id="sam", name="Sam")))
        uow.commit()
    data = _brick(run_minutes=100)

    def run_import() -> list[activities.FileReport]:
        with UnitOfWork(engine) as uow:
            reports = activities.create(uow, key="sam", sources=read_bytes(data, "brick.fit"))
            uow.commit()
        return reports

    [first] = run_import()
    assert first.status == "imported"
    assert [a.sport for a in first.activities] == [Sport.RUN, Sport.RIDE]
    assert "a 1 h 40 min run" in first.message
    assert "a 60 min ride" in first.message
    [again] = run_import()
    assert again.status == "duplicate"
    with UnitOfWork(engine) as uow:
        view = activities.list(uow, key="sam", protocol=load_protocol())
    assert [a.sport for a in view.activities] == [Sport.RUN, Sport.RIDE]
    run = view.activities[0]
    assert run.cadence_spm == 168.0
    assert view.tags[run.content_hash].long  # 100 min ≥ the 75 min floor
