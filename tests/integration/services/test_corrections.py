"""services.corrections: edit and delete each kind of record by id, validated as a new
record, audited (old → new), the person decided again; a refused correction and one left
uncommitted change nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, select

from anklet.domain.errors import InputError, NotFoundError
from anklet.domain.exercises import load_library
from anklet.domain.history import (
    ExerciseLog,
    FootObservation,
    History,
    Intake,
    Measurement,
    Person,
    QuestionnaireResponse,
    Screening,
    Session,
    Symptoms,
)
from anklet.domain.measures import ArchShape, FootPosture, MeasureKind
from anklet.domain.protocol import load_protocol
from anklet.domain.units import Side
from anklet.services import corrections, evaluation
from anklet.store import tables as t
from anklet.store.uow import UnitOfWork

P = load_protocol()
L = load_library()
TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=20)
FLAGS = {f.id: False for f in P.red_flags}
CAIT = {"1": "sport", "2": "sport_sometimes", "3": "never", "4": "fast", "5": "ball",
        "6": "never", "7": "run_uneven", "8": "never_rolled", "9": "never_rolled"}


def _add(engine: Engine, *, red_flag: bool = False) -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(History(
            person=Person(id="sam", name="Sam"), intake=Intake(date=START),
            screenings=[Screening(date=START, red_flags={**FLAGS, "ottawa_malleolus": red_flag}),
                        Screening(date=TODAY, kind="check_in", left=Symptoms(pain_rest=2))],
            measurements=[Measurement(date=START, side=Side.LEFT, kind=MeasureKind.KNEE_TO_WALL,
                                      value=6.0),
                          Measurement(date=START, side=Side.RIGHT,
                                      kind=MeasureKind.KNEE_TO_WALL, value=11.0)],
            foot_observations=[FootObservation(date=START, side=Side.LEFT,
                                               posture=FootPosture.NEUTRAL,
                                               arch=ArchShape.TYPICAL)],
            questionnaires=[QuestionnaireResponse(date=START, instrument="cait", side=Side.LEFT,
                                                  answers=CAIT)],
            sessions=[Session(date=TODAY - dt.timedelta(days=d),
                              exercises=[ExerciseLog(exercise_id="seated-forefoot-roll",
                                                     seconds=60)],
                              pain_during=1) for d in (1, 2)]))
        evaluation.refresh(uow, key="sam", protocol=P, library=L)
        uow.commit()


def _id(engine: Engine, kind: str, n: int = 0) -> int:
    with UnitOfWork(engine, write=False) as uow:
        return uow.people.records("sam", kind)[n][0]


def _audit(engine: Engine) -> list[tuple[str, str, dict[str, Any]]]:
    with UnitOfWork(engine, write=False) as uow:
        al = t.audit_log
        return [(a, actor, d) for a, actor, d in uow.connection.execute(
            select(al.c.action, al.c.actor, al.c.detail).order_by(al.c.id))]


def _edit(engine: Engine, kind: str, changes: dict[str, Any], n: int = 0,
          commit: bool = True) -> corrections.Correction:
    record_id = _id(engine, kind, n)
    with UnitOfWork(engine) as uow:
        done = corrections.edit(uow, key="sam", kind=kind, record_id=record_id,
                                changes=changes, protocol=P, library=L, actor="coach@x.org")
        if commit:
            uow.commit()
    return done


def _history(engine: Engine) -> History:
    with UnitOfWork(engine, write=False) as uow:
        return uow.people.get("sam")


EDITS = [
    ("measurement", {"value": 6.5, "pain": 1}, lambda h: (h.measurements[0].value,
                                                          h.measurements[0].pain), (6.5, 1)),
    ("screen", {"left": {"pain_rest": 4}}, lambda h: h.screenings[0].left.pain_rest, 4),
    ("check_in", {"date": TODAY - dt.timedelta(days=1), "right": {"swelling": True}},
     lambda h: (h.screenings[1].date, h.screenings[1].right.swelling),
     (TODAY - dt.timedelta(days=1), True)),
    ("foot_observation", {"posture": "pronated", "notes": "looked again"},
     lambda h: (h.foot_observations[0].posture, h.foot_observations[0].notes),
     (FootPosture.PRONATED, "looked again")),
    ("questionnaire", {"side": "right"}, lambda h: h.questionnaires[0].side, Side.RIGHT),
    ("session", {"pain_during": 4, "gait_off": True},
     lambda h: (h.sessions[0].pain_during, h.sessions[0].gait_off), (4, True)),
]


@pytest.mark.parametrize(("kind", "changes", "read", "expected"), EDITS,
                         ids=[e[0] for e in EDITS])
def test_edit_each_kind_changes_it_and_audits_old_and_new(
        engine: Engine, kind: str, changes: dict[str, Any], read: Any, expected: Any) -> None:
    _add(engine)
    done = _edit(engine, kind, changes)
    assert read(_history(engine)) == expected
    assert done.changed
    [(action, actor, detail)] = _audit(engine)
    assert (action, actor, detail["record"], detail["person"]) == ("edit", "coach@x.org", kind,
                                                                   "sam")
    assert set(detail["old"]) == set(detail["new"]) == set(done.changed)
    assert detail["old"] != detail["new"]


@pytest.mark.parametrize("kind", list(corrections.EDITABLE))
def test_delete_each_kind_removes_only_that_record(engine: Engine, kind: str) -> None:
    _add(engine)
    with UnitOfWork(engine, write=False) as uow:
        before = uow.people.records("sam", kind)
    with UnitOfWork(engine) as uow:
        corrections.delete(uow, key="sam", kind=kind, record_id=before[0][0], protocol=P,
                           library=L, actor="coach@x.org")
        uow.commit()
    with UnitOfWork(engine, write=False) as uow:
        assert uow.people.records("sam", kind) == before[1:]
    [(action, _, detail)] = _audit(engine)
    assert action == "delete"
    assert detail["old"] == before[0][1].model_dump(mode="json")


def test_edit_refused_like_a_new_record_changes_nothing(engine: Engine) -> None:
    _add(engine)
    before = _history(engine)
    with pytest.raises(InputError) as e:
        _edit(engine, "measurement", {"value": 30})
    assert (e.value.field, e.value.value) == ("value", 30)
    assert "0 to 25 cm" in e.value.accepted
    with pytest.raises(InputError) as e:
        _edit(engine, "screen", {"red_flags": {"no_such_flag": True}})
    assert e.value.field == "red_flags"
    with pytest.raises(InputError) as e:
        _edit(engine, "session", {"exercises": [{"exercise_id": "no-such-move"}]})
    assert e.value.field == "exercises[0].exercise_id"
    with pytest.raises(InputError) as e:
        _edit(engine, "questionnaire", {"side": None})
    with pytest.raises(InputError) as e:
        _edit(engine, "measurement", {"kind": "lunge_angle"})
    assert e.value.field == "kind"
    _edit(engine, "measurement", {"value": 7.0}, commit=False)  # not committed: not kept
    assert _history(engine) == before
    assert _audit(engine) == []


def test_another_persons_record_is_not_found(engine: Engine) -> None:
    _add(engine)
    with UnitOfWork(engine) as uow:
        uow.people.add(History(person=Person(id="ann", name="Ann"), intake=Intake(date=START),
                               measurements=[Measurement(date=START, side=Side.LEFT,
                                                         kind=MeasureKind.KNEE_TO_WALL,
                                                         value=3.0)]))
        uow.commit()
    with UnitOfWork(engine, write=False) as uow:
        [(ann_id, _)] = uow.people.records("ann", "measurement")
        check_in = uow.people.records("sam", "check_in")[0][0]
    with UnitOfWork(engine) as uow, pytest.raises(NotFoundError):
        corrections.edit(uow, key="sam", kind="measurement", record_id=ann_id,
                         changes={"value": 1.0}, protocol=P, library=L, actor="x")
    with UnitOfWork(engine) as uow, pytest.raises(NotFoundError):  # a check-in is no screen
        corrections.delete(uow, key="sam", kind="screen", record_id=check_in, protocol=P,
                           library=L, actor="x")
    with UnitOfWork(engine) as uow, pytest.raises(NotFoundError):
        corrections.delete(uow, key="sam", kind="session", record_id=2**40, protocol=P,
                           library=L, actor="x")


def test_a_corrected_red_flag_re_decides_the_person(engine: Engine) -> None:
    _add(engine, red_flag=True)
    with UnitOfWork(engine, write=False) as uow:
        stored = uow.people.get_decision("sam")
    assert stored is not None
    assert stored.status == "refer"
    done = _edit(engine, "screen", {"red_flags": {"ottawa_malleolus": False}})
    assert done.decision.status != "refer"
    assert "has changed" in done.message
    with UnitOfWork(engine, write=False) as uow:
        stored = uow.people.get_decision("sam")
    assert stored is not None
    assert stored.status == done.decision.status


def test_an_edited_measurement_feeds_the_decision(engine: Engine) -> None:
    _add(engine)

    def knee_to_wall() -> tuple[float, float, bool]:
        with UnitOfWork(engine, write=False) as uow:
            d = evaluation.get(uow, key="sam", protocol=P, library=L, save=False).decision
        a = next(a for a in d.asymmetries if a.measure == "dorsiflexion")
        return a.left, a.right, a.meaningful

    assert knee_to_wall() == (6.0, 11.0, True)  # 5 cm apart: a side difference that counts
    _edit(engine, "measurement", {"value": 10.5})  # the left one, mistyped
    assert knee_to_wall() == (10.5, 11.0, False)


def test_a_deleted_session_no_longer_counts(engine: Engine) -> None:
    _add(engine)
    monday = TODAY - dt.timedelta(days=TODAY.weekday())

    def credited() -> float:
        with UnitOfWork(engine, write=False) as uow:
            _, adh = evaluation.adherence(uow, key="sam", protocol=P, library=L,
                                          week_start=monday - dt.timedelta(days=7))
            _, adh2 = evaluation.adherence(uow, key="sam", protocol=P, library=L,
                                           week_start=monday)
        return sum(x.credited for x in adh.targets) + sum(x.credited for x in adh2.targets)

    before = credited()
    with UnitOfWork(engine) as uow:
        for record_id, _ in uow.people.records("sam", "session"):
            corrections.delete(uow, key="sam", kind="session", record_id=record_id,
                               protocol=P, library=L, actor="x")
        uow.commit()
    assert credited() < before
    assert _history(engine).sessions == []
