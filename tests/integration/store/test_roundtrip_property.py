"""Property: any valid history comes back from the store exactly as it went in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from anklet.domain.history import (
    Activity,
    Availability,
    ExerciseLog,
    FootObservation,
    GoalType,
    History,
    Intake,
    Measurement,
    Person,
    PlannedRun,
    QuestionnaireResponse,
    RunKind,
    Screening,
    Session,
    Sex,
    SideHistory,
    Symptoms,
)
from anklet.domain.measures import MEASURE_INFO, ArchShape, FootPosture, MeasureKind, Method
from anklet.domain.questionnaires import load_instruments
from anklet.domain.units import Side
from anklet.store.uow import UnitOfWork

# PostgreSQL text cannot hold NUL; the store refuses it everywhere (see test_repository.py).
TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
               max_size=40)
DATES = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))
PAIN = st.integers(0, 10)
SIDES = st.sampled_from(Side)


def _opt(s: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | s


@st.composite
def side_histories(draw: st.DrawFn) -> SideHistory:
    sprains = draw(st.integers(0, 100))
    surgery = draw(st.booleans())
    return SideHistory(sprains=sprains, last_sprain=draw(_opt(DATES)) if sprains else None,
                       surgery=surgery, surgery_date=draw(_opt(DATES)) if surgery else None)


@st.composite
def measurements(draw: st.DrawFn) -> Measurement:
    kind = draw(st.sampled_from(MeasureKind))
    rng = MEASURE_INFO[kind][1]
    leg = (draw(_opt(st.floats(40, 130))) if kind is MeasureKind.Y_BALANCE_ANTERIOR else None)
    return Measurement(date=draw(DATES), side=draw(SIDES), kind=kind,
                       value=draw(st.floats(rng.low, rng.high)),
                       method=draw(_opt(st.sampled_from(Method))), pain=draw(_opt(PAIN)),
                       leg_length_cm=leg, rater=draw(_opt(TEXT)), notes=draw(_opt(TEXT)))


@st.composite
def questionnaires(draw: st.DrawFn) -> QuestionnaireResponse:
    """Any valid response: each item any of its options (optional items sometimes left out)."""
    ins = draw(st.sampled_from(load_instruments().instruments))
    answers = {}
    for item in ins.items:
        if item.required or draw(st.booleans()):
            answers[item.id] = draw(st.sampled_from([o.id for o in item.options or ()]))
    return QuestionnaireResponse(date=draw(DATES), instrument=ins.id,  # type: ignore[arg-type]
                                 side=draw(SIDES) if ins.per_side else None, answers=answers)


exercise_logs = st.builds(
    ExerciseLog, exercise_id=TEXT.filter(bool),
    side=st.sampled_from([Side.LEFT, Side.RIGHT, "both"]),
    sets=_opt(st.integers(0, 50)), reps=_opt(st.integers(0, 500)),
    seconds=_opt(st.integers(0, 7200)), load_kg=_opt(st.floats(0, 500)),
    rounds=_opt(st.integers(0, 50)))

histories = st.builds(
    History,
    person=st.builds(Person, id=st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,20}\Z"),
                     name=TEXT.filter(bool), created=_opt(DATES), dominant_side=_opt(SIDES)),
    intake=_opt(st.builds(Intake, date=DATES, goals=st.lists(TEXT.filter(bool), max_size=3),
                          activities=st.lists(st.sampled_from(Activity), max_size=4),
                          left=side_histories(), right=side_histories(),
                          age=_opt(st.integers(5, 110)), sex=_opt(st.sampled_from(Sex)),
                          falls_12m=_opt(st.integers(0, 100)),
                          fear_of_falling=_opt(st.integers(0, 10)),
                          goal_type=_opt(st.sampled_from(GoalType)))),
    screenings=st.lists(st.builds(
        Screening, date=DATES,
        left=st.builds(Symptoms, pain_rest=PAIN, pain_activity=PAIN, swelling=st.booleans(),
                       giving_way=st.booleans()),
        right=st.builds(Symptoms, pain_rest=PAIN, pain_activity=PAIN, swelling=st.booleans(),
                        giving_way=st.booleans()),
        red_flags=st.dictionaries(TEXT, st.booleans(), max_size=4)) | st.builds(
        Screening, date=DATES, kind=st.just("check_in"),
        left=st.builds(Symptoms, pain_rest=PAIN, pain_activity=PAIN, swelling=st.booleans(),
                       giving_way=st.booleans())), max_size=3),
    measurements=st.lists(measurements(), max_size=6),
    foot_observations=st.lists(st.builds(
        FootObservation, date=DATES, side=SIDES, posture=st.sampled_from(FootPosture),
        arch=st.sampled_from(ArchShape), notes=_opt(TEXT)), max_size=3),
    sessions=st.lists(st.builds(
        Session, date=DATES, exercises=st.lists(exercise_logs, min_size=1, max_size=4),
        rpe=_opt(st.integers(0, 10)), pain_before=_opt(PAIN), pain_during=PAIN,
        pain_next_morning=_opt(PAIN), notes=_opt(TEXT), gait_off=st.booleans()), max_size=4),
    availability=st.builds(Availability, **{d: st.integers(0, 240) for d in
                                           ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}),
    planned_runs=st.lists(st.builds(
        PlannedRun, date=DATES, kind=st.sampled_from(RunKind),
        minutes=_opt(st.integers(1, 1440)), title=_opt(TEXT)), max_size=3),
    questionnaires=st.lists(questionnaires(), max_size=4),
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories)
def test_any_history_round_trips(engine: Engine, history: History) -> None:
    # Each example works in its own unit of work that is never committed: nothing persists.
    with UnitOfWork(engine) as uow:
        uow.people.add(history)
        loaded = uow.people.get(history.person.id)
        batches = list(uow.people.iter_histories())
    assert loaded == history
    assert loaded.to_json() == history.to_json()
    assert batches == [[history]]
