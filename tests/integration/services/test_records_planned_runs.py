"""records.list_planned_runs and records.delete_planned_run: finding a day's runs by what is
known of them, removing exactly one, a clear NotFoundError when there is none, and the plan
that follows (the gait prep before a removed long run leaves the week); on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine

from anklet.domain.errors import NotFoundError
from anklet.domain.exercises import load_library
from anklet.domain.history import (
    Availability,
    History,
    Intake,
    Override,
    Person,
    PlannedRun,
    RunKind,
    Screening,
)
from anklet.domain.protocol import load_protocol
from anklet.services import evaluation, records
from anklet.store.uow import UnitOfWork

P = load_protocol()
L = load_library()
MONDAY = dt.date(2026, 11, 2)
SUNDAY = MONDAY + dt.timedelta(days=6)
LONG = PlannedRun(date=SUNDAY, kind=RunKind.LONG, minutes=90, title="Hill loop")
BARE_LONG = PlannedRun(date=SUNDAY, kind=RunKind.LONG)
EASY = PlannedRun(date=SUNDAY, kind=RunKind.EASY, minutes=30)


def _person(engine: Engine, *runs: PlannedRun) -> None:
    """Sam, in stage 3 (set by hand, screen clear), with time every day and these runs."""
    with UnitOfWork(engine) as uow:
        uow.people.add(History(
            person=Person(id="sam", name="Sam"), intake=Intake(date=MONDAY),
            screenings=[Screening(date=MONDAY, red_flags={f.id: False for f in P.red_flags})],
            overrides=[Override(date=MONDAY, stage=3, reason="moves well", by="coach")],
            availability=Availability(mon=30, tue=30, wed=30, thu=30, fri=30, sat=30, sun=30),
            planned_runs=list(runs)))
        uow.commit()


def _runs(engine: Engine) -> list[PlannedRun]:
    with UnitOfWork(engine) as uow:
        return uow.people.planned_runs("sam")


def _gait_days(engine: Engine) -> dict[dt.date, PlannedRun | None]:
    """The days of the week's plan with gait drills, and the run each goes before."""
    with UnitOfWork(engine) as uow:
        ev = evaluation.get(uow, key="sam", protocol=P, library=L, as_of=MONDAY,
                            week_start=MONDAY, save=False)
    return {d.date: b.before_run for d in ev.plan.days for b in d.blocks
            if b.target_id == "gait"}


def test_delete_planned_run_removes_one_of_two_identical_runs(engine: Engine) -> None:
    _person(engine, LONG, EASY, LONG)
    with UnitOfWork(engine) as uow:
        records.delete_planned_run(uow, key="sam", run=LONG)
        uow.commit()
    assert _runs(engine) == [EASY, LONG]


def test_delete_planned_run_on_the_wrong_date_is_not_found_and_changes_nothing(
        engine: Engine) -> None:
    _person(engine, LONG)
    wrong = LONG.model_copy(update={"date": SUNDAY - dt.timedelta(days=1)})
    with UnitOfWork(engine) as uow, pytest.raises(NotFoundError) as e:
        records.delete_planned_run(uow, key="sam", run=wrong)
    assert (e.value.what, e.value.key) == ("planned run",
                                           "long run on 2026-11-07, 90 min, Hill loop")
    assert str(e.value) == "No planned run 'long run on 2026-11-07, 90 min, Hill loop' was found."
    assert _runs(engine) == [LONG]
    with UnitOfWork(engine) as uow, pytest.raises(NotFoundError, match="'nobody'"):
        records.delete_planned_run(uow, key="nobody", run=LONG)


def test_removing_the_long_run_takes_its_gait_prep_out_of_the_week(engine: Engine) -> None:
    _person(engine, LONG, EASY)
    assert _gait_days(engine) == {SUNDAY: LONG}
    with UnitOfWork(engine) as uow:
        records.delete_planned_run(uow, key="sam", run=LONG)
        uow.commit()
    after = _gait_days(engine)
    assert SUNDAY not in after
    # stage 3 still wants gait drills once a week: on a free day, before no run
    assert len(after) == 1
    assert list(after.values()) == [None]
    assert _runs(engine) == [EASY]


def test_a_second_long_run_that_day_keeps_the_gait_prep(engine: Engine) -> None:
    _person(engine, LONG, BARE_LONG)
    with UnitOfWork(engine) as uow:
        records.delete_planned_run(uow, key="sam", run=LONG)
        uow.commit()
    assert _gait_days(engine) == {SUNDAY: BARE_LONG}


@pytest.mark.parametrize(("runs", "removed", "stage", "dropped"), [
    ((LONG, EASY), LONG, 3, True),
    ((LONG, BARE_LONG), LONG, 3, False),  # the other long run keeps the drills that day
    ((LONG, EASY), EASY, 3, False),  # an easy run never had any
    ((LONG, EASY), LONG, 1, False),  # stage 1 puts no drills before runs
])
def test_gait_prep_dropped_says_whether_the_removal_took_drills_out(
        engine: Engine, runs: tuple[PlannedRun, ...], removed: PlannedRun, stage: int,
        dropped: bool) -> None:
    _person(engine, *runs)
    with UnitOfWork(engine) as uow:
        if stage != 3:
            uow.people.add_override("sam", Override(date=MONDAY, stage=stage, reason="back",
                                                    by="coach"))
        records.delete_planned_run(uow, key="sam", run=removed)
        now = evaluation.refresh(uow, key="sam", protocol=P, library=L, as_of=MONDAY)
        assert now.decision.stage == stage
        assert records.gait_prep_dropped(removed, history=now.history, decision=now.decision,
                                         protocol=P) is dropped


@pytest.mark.parametrize(("given", "expected"), [
    ({}, [LONG, EASY, BARE_LONG]),
    ({"kind": RunKind.LONG}, [LONG, BARE_LONG]),
    ({"kind": RunKind.LONG, "minutes": 90}, [LONG]),
    ({"title": "  HILL   loop "}, [LONG]),  # no case, spaces as a person reads them
    ({"title": ""}, [EASY, BARE_LONG]),  # an empty title: runs without one
    ({"kind": RunKind.LONG, "exact": True}, [BARE_LONG]),  # nothing beyond what is given
    ({"kind": RunKind.EASY, "exact": True}, []),  # the easy run has minutes
    ({"kind": RunKind.EASY, "minutes": 30, "exact": True}, [EASY]),
    ({"kind": RunKind.RACE}, []),
    ({"date": SUNDAY - dt.timedelta(days=1)}, []),
])
def test_list_planned_runs_finds_a_days_runs_by_what_is_given(
        engine: Engine, given: dict[str, Any], expected: list[PlannedRun]) -> None:
    _person(engine, LONG, EASY, BARE_LONG, LONG.model_copy(update={"date": MONDAY}))
    args: dict[str, Any] = {"date": SUNDAY} | given
    with UnitOfWork(engine) as uow:
        assert records.list_planned_runs(uow, key="sam", **args) == expected


def test_run_text_names_a_run_in_a_few_words() -> None:
    assert records.run_text(LONG) == "long run on 2026-11-08, 90 min, Hill loop"
    assert records.run_text(BARE_LONG) == "long run on 2026-11-08"
    assert records.run_text(LONG.model_copy(update={"title": " two\nlines "})) == (
        "long run on 2026-11-08, 90 min, two lines")
