"""Small factories that build :class:`History` documents and their parts for tests.

Each takes keyword overrides so that a test says only what matters to it::

    history = full_history("ada", person=person("ada", name="Ada L."))
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from anklet.domain.exercises import load_library
from anklet.domain.history import (
    Activity,
    Availability,
    ExerciseLog,
    FootObservation,
    GoalType,
    History,
    Intake,
    Lap,
    Measurement,
    Override,
    Person,
    PlanChange,
    PlanChangeKind,
    PlannedRun,
    QuestionnaireResponse,
    RecordedActivity,
    RunKind,
    Screening,
    Session,
    Sex,
    SideHistory,
    Sport,
    Symptoms,
)
from anklet.domain.measures import MEASURE_INFO, ArchShape, FootPosture, MeasureKind, Method
from anklet.domain.units import Side

DAY0 = dt.date(2025, 3, 3)


def day(n: int) -> dt.date:
    """The date ``n`` days after :data:`DAY0` (a Monday)."""
    return DAY0 + dt.timedelta(days=n)


def person(key: str = "ada", **kw: Any) -> Person:
    """A person with every field set."""
    fields: dict[str, Any] = {"id": key, "name": f"Person {key}", "created": day(0),
                              "dominant_side": Side.RIGHT}
    return Person(**(fields | kw))


def intake(**kw: Any) -> Intake:
    """An intake with every field set, different on each side."""
    fields: dict[str, Any] = {
        "date": day(0),
        "goals": ["run a half marathon", "deep squat without heel lift"],
        "activities": [Activity.RUNNING, Activity.COURT_FIELD_SPORT],
        "left": SideHistory(sprains=3, last_sprain=dt.date(2024, 11, 2), surgery=True,
                            surgery_date=dt.date(2023, 5, 17)),
        "right": SideHistory(sprains=1, last_sprain=dt.date(2022, 1, 9)),
        "age": 34,
        "sex": Sex.FEMALE,
        "falls_12m": 2,
        "fear_of_falling": 3,
        "goal_type": GoalType.RUNNER,
    }
    return Intake(**(fields | kw))


def screening(n: int = 0, **kw: Any) -> Screening:
    """A screening ``n`` days in, with symptoms on both sides and some red flags."""
    fields: dict[str, Any] = {
        "date": day(n),
        "left": Symptoms(pain_rest=1, pain_activity=4, swelling=True, giving_way=True),
        "right": Symptoms(pain_rest=0, pain_activity=2, swelling=False, giving_way=True),
        "red_flags": {"night_pain": False, "numbness": True, "fever": False},
    }
    return Screening(**(fields | kw))


def measurement(n: int = 0, kind: MeasureKind = MeasureKind.KNEE_TO_WALL,
                side: Side = Side.LEFT, value: float = 9.5, **kw: Any) -> Measurement:
    """A measurement ``n`` days in with every optional field set."""
    fields: dict[str, Any] = {"date": day(n), "side": side, "kind": kind, "value": value,
                              "method": Method.TAPE, "pain": 2, "rater": "physio B",
                              "notes": "heel stayed down; 'quoted' ünïcödé"}
    if kind is MeasureKind.Y_BALANCE_ANTERIOR:
        fields["leg_length_cm"] = 88.25
    return Measurement(**(fields | kw))


def foot_observation(n: int = 0, side: Side = Side.LEFT, **kw: Any) -> FootObservation:
    """A foot observation ``n`` days in."""
    fields: dict[str, Any] = {"date": day(n), "side": side, "posture": FootPosture.PRONATED,
                              "arch": ArchShape.COLLAPSED, "notes": "navicular drop ~9 mm"}
    return FootObservation(**(fields | kw))


def exercise(exercise_id: str = "calf_raise", side: Side | str = "both", **kw: Any) -> ExerciseLog:
    """An exercise log entry with every field set."""
    fields: dict[str, Any] = {"exercise_id": exercise_id, "side": side, "sets": 3, "reps": 12,
                              "seconds": 45, "load_kg": 7.5, "rounds": 2}
    return ExerciseLog(**(fields | kw))


def session(n: int = 0, **kw: Any) -> Session:
    """A session ``n`` days in with three exercises and every field set."""
    fields: dict[str, Any] = {
        "date": day(n),
        "exercises": [exercise("calf_raise", Side.LEFT), exercise("knee_to_wall_mob", "both"),
                      exercise("single_leg_balance", Side.RIGHT, load_kg=None, reps=None)],
        "rpe": 6, "pain_before": 1, "pain_during": 3, "pain_next_morning": 2,
        "notes": "felt tight at the start",
    }
    return Session(**(fields | kw))


def availability(**kw: Any) -> Availability:
    """Availability with a different number of minutes each day."""
    fields: dict[str, Any] = {"mon": 20, "tue": 0, "wed": 35, "thu": 10, "fri": 0, "sat": 60,
                              "sun": 15}
    return Availability(**(fields | kw))


def planned_run(n: int = 10, kind: RunKind = RunKind.LONG, **kw: Any) -> PlannedRun:
    """A planned run ``n`` days in."""
    fields: dict[str, Any] = {"date": day(n), "kind": kind, "minutes": 95,
                              "title": "Sunday long run"}
    return PlannedRun(**(fields | kw))


def recorded_activity(n: int = 10, minutes: float = 50.0, **kw: Any) -> RecordedActivity:
    """A recorded run ``n`` days in, starting 07:00 UTC, with two laps and cadence."""
    seconds = minutes * 60
    fields: dict[str, Any] = {
        "start": dt.datetime.combine(day(n), dt.time(7, 0), tzinfo=dt.UTC),
        "utc_offset_min": 60, "sport": Sport.RUN, "duration_s": seconds,
        "distance_m": round(seconds * 2.8, 2),
        "laps": [Lap(duration_s=seconds / 2, distance_m=round(seconds * 1.4, 2)),
                 Lap(duration_s=seconds / 2, distance_m=None)],
        "cadence_spm": 168.5, "cadence_sd": 6.25,
        "content_hash": hashlib.sha256(f"{n}/{minutes}/{sorted(kw)}".encode()).hexdigest(),
        "source": "fit", "name": "morning-run.fit",
    }
    return RecordedActivity(**(fields | kw))


CAIT_ANSWERS = {"1": "sport", "2": "sport_sometimes", "3": "never", "4": "fast", "5": "ball",
                "6": "never", "7": "run_uneven", "8": "never_rolled", "9": "never_rolled"}
"""A CAIT with every kind of answer: 4 + 3 + 3 + 2 + 1 + 3 + 3 + 3 + 3 = 25 points."""


def questionnaire(n: int = 0, instrument: str = "cait", **kw: Any) -> QuestionnaireResponse:
    """An answered questionnaire ``n`` days in: a left CAIT, a FAAM with some items 'does not
    apply', or a readiness check with both ratings."""
    answers: dict[str, str] = {
        "cait": CAIT_ANSWERS,
        "faam": {**{f"adl_{i}": "none" for i in range(1, 22)},
                 **{f"sports_{i}": "slight" for i in range(1, 9)},
                 "adl_3": "na", "adl_20": "unable", "sports_8": "na"},
        "confidence": {"confidence": "7", "pain_24h": "2"},
    }[instrument]
    fields: dict[str, Any] = {"date": day(n), "instrument": instrument, "answers": answers,
                              "side": Side.LEFT if instrument == "cait" else None}
    return QuestionnaireResponse(**(fields | kw))


def full_history(key: str = "ada", **kw: Any) -> History:
    """A history with every field of every part set, both sides, several records per list
    (some on the same date, to check that their order survives)."""
    fields: dict[str, Any] = {
        "person": person(key),
        "intake": intake(),
        "screenings": [screening(0), screening(14, red_flags={}),
                       screening(14, kind="check_in", red_flags={}), screening(14)],
        "measurements": [
            measurement(0, MeasureKind.KNEE_TO_WALL, Side.LEFT, 7.3),
            measurement(0, MeasureKind.KNEE_TO_WALL, Side.RIGHT, 11.1),
            measurement(0, MeasureKind.LUNGE_ANGLE, Side.LEFT, 33.3333333333333),
            measurement(7, MeasureKind.Y_BALANCE_ANTERIOR, Side.RIGHT, 61.7),
            measurement(7, MeasureKind.HEEL_RAISE, Side.LEFT, 18, method=Method.COUNT,
                        pain=None, rater=None, notes=None),
            measurement(14, MeasureKind.SIDE_HOP, Side.RIGHT, 12.04, method=None),
            measurement(14, MeasureKind.SINGLE_LEG_HOP, Side.LEFT, 8, method=Method.COUNT),
        ],
        "foot_observations": [foot_observation(0, Side.LEFT),
                              foot_observation(0, Side.RIGHT, posture=FootPosture.SUPINATED,
                                               arch=ArchShape.HIGH, notes=None)],
        "sessions": [session(1), session(3, rpe=None, pain_before=None, notes=None,
                                         gait_off=True),
                     session(3, exercises=[exercise("ankle_circles", Side.RIGHT)])],
        "availability": availability(),
        "planned_runs": [planned_run(10), planned_run(12, RunKind.INTERVAL, minutes=None,
                                                      title=None),
                         planned_run(12, RunKind.EASY)],
        "recorded_activities": [
            recorded_activity(10),
            recorded_activity(10, 95.5, sport=Sport.WALK, utc_offset_min=None, distance_m=None,
                              laps=[], cadence_spm=None, cadence_sd=None, source="gpx",
                              name=None)],
        "questionnaires": [questionnaire(7, "cait", side=Side.RIGHT), questionnaire(7, "cait"),
                           questionnaire(7, "faam"), questionnaire(0, "confidence"),
                           questionnaire(14, "confidence", answers={"confidence": "9"})],
        "overrides": [Override(date=day(15), stage=2, reason="Moves well; tape test was off.",
                               by="coach@example.org"),
                      Override(date=day(15), stage=1, reason="Second thoughts.", by="c")],
        "plan_changes": [
            PlanChange(date=day(15), kind=PlanChangeKind.SWAP, exercise="ankle-circles",
                       replacement="ankle-alphabet", note="Circles bother her knee.",
                       by="coach@example.org", ended=day(20)),
            PlanChange(date=day(15), kind=PlanChangeKind.PIN, exercise="knee-to-wall-rocks",
                       sets=3, reps=12, note="Keep the dose steady.", by="coach@example.org"),
            PlanChange(date=day(16), kind=PlanChangeKind.REMOVE, exercise="calf-wall-stretch",
                       note="No wall at work.", by="c"),
            PlanChange(date=day(16), kind=PlanChangeKind.ADD, exercise="star-reach",
                       note="More reach work.", by="c")],
    }
    return History(**(fields | kw))


def minimal_history(key: str = "bo", **kw: Any) -> History:
    """A history with only a person (name and id)."""
    return History(person=Person(id=key, name=f"Person {key}"), **kw)


def synthetic_history(key: str, rng: random.Random, *, measurements: int = 8,
                      sessions: int = 12) -> History:
    """A plausible random history (for bulk tests and benchmarks), reproducible from ``rng``."""
    kinds = list(MeasureKind)
    ms = []
    for i in range(measurements):
        kind = kinds[i % len(kinds)]
        rng_ = MEASURE_INFO[kind][1]
        ms.append(Measurement(
            date=day(rng.randrange(120)), side=rng.choice([Side.LEFT, Side.RIGHT]), kind=kind,
            value=round(rng.uniform(rng_.low, rng_.high), 1), pain=rng.choice([None, 0, 1, 3])))
    ss = [Session(date=day(rng.randrange(120)),
                  exercises=[ExerciseLog(exercise_id=rng.choice(["calf_raise", "kneeling_lunge",
                                                                  "single_leg_balance"]),
                                         sets=3, reps=rng.randrange(5, 20))
                             for _ in range(rng.randrange(1, 5))],
                  rpe=rng.randrange(11), pain_during=rng.randrange(4))
          for _ in range(sessions)]
    return History(
        person=Person(id=key, name=f"Person {key}", created=day(0),
                      dominant_side=rng.choice([Side.LEFT, Side.RIGHT])),
        intake=Intake(date=day(0), goals=["return to running"], activities=[Activity.RUNNING]),
        screenings=[Screening(date=day(0), red_flags={"night_pain": False})],
        measurements=ms,
        sessions=ss,
        availability=Availability(mon=20, wed=20, fri=30),
        planned_runs=[PlannedRun(date=day(rng.randrange(120)), kind=RunKind.LONG)],
    )


def with_library_ids(h: History) -> History:
    """``h`` with each logged exercise id swapped for one from the library (the factories
    make some up; decide needs known ones), spread over its categories."""
    ids = [e.id for e in load_library().exercises]
    swap: dict[str, str] = {}

    def known(log: ExerciseLog) -> ExerciseLog:
        new_id = swap.setdefault(log.exercise_id, ids[len(swap) * 7 % len(ids)])
        return log.model_copy(update={"exercise_id": new_id})

    return h.model_copy(update={"sessions": [
        s.model_copy(update={"exercises": [known(log) for log in s.exercises]})
        for s in h.sessions]})
