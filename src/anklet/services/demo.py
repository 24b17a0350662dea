"""Sample people with weeks of history, made by following the engine's own plans.

:func:`simulate` plays a person forward week by week: decide, plan the
week, log the planned sessions (skipping some, with the pain the script
says), and re-test on schedule. The demo, the scenario tests and the
benchmarks all build their people this way, so their histories look like
real use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from anklet.domain.decisions import decide
from anklet.domain.exercises import Library
from anklet.domain.history import (
    Activity,
    Availability,
    ExerciseLog,
    FootObservation,
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
from anklet.domain.measures import ArchShape, FootPosture, MeasureKind
from anklet.domain.planner import plan_week
from anklet.domain.protocol import Protocol
from anklet.domain.questionnaires import answers_scoring, load_instruments
from anklet.domain.units import Side
from anklet.services.people import replace_data
from anklet.store.uow import UnitOfWork

WEEK = dt.timedelta(days=7)


@dataclass
class Script:
    """How a simulated person behaves. Functions take the week number (0 = first)."""

    left_k2w: Callable[[int], float] = lambda w: 10.5
    right_k2w: Callable[[int], float] = lambda w: 10.5
    heel_raise: Callable[[int], tuple[int, int]] = lambda w: (24, 25)
    balance: Callable[[int], tuple[float, float]] = lambda w: (30.0, 30.0)
    y_balance: Callable[[int], tuple[float, float]] = lambda w: (62.0, 63.0)
    side_hop: Callable[[int], tuple[float, float]] = lambda w: (9.0, 8.8)
    cait: Callable[[int], tuple[int, int]] = lambda w: (28, 29)   # CAIT total, left and right
    faam: Callable[[int], tuple[int, int]] = lambda w: (82, 30)   # FAAM raw ADL /84, sports /32
    confidence: Callable[[int], int] = lambda w: 9
    pain_24h: Callable[[int], int] = lambda w: 1
    pain_during: Callable[[int, int], int] = lambda w, day: 1
    pain_morning: Callable[[int, int], int] = lambda w, day: 0
    skip: Callable[[int, int], bool] = lambda w, day: False
    red_flags: set[str] = field(default_factory=set)
    stop_logging_after: int | None = None
    retest_every: int = 1
    pain_activity: Callable[[int], int] = lambda w: 1
    """Left ankle pain in activity at the first screen (week 0) and each weekly check-in."""
    hops: Callable[[int], tuple[int, int]] = lambda w: (10, 10)


def _screening(date: dt.date, protocol: Protocol, flags: set[str], pain_rest: int = 0,
               pain_activity: int = 1, giving_way: bool = False) -> Screening:
    return Screening(
        date=date,
        left=Symptoms(pain_rest=pain_rest, pain_activity=pain_activity, giving_way=giving_way),
        right=Symptoms(pain_rest=0, pain_activity=0),
        red_flags={f.id: f.id in flags for f in protocol.red_flags})


def _check_in(date: dt.date, pain_activity: int) -> Screening:
    """The weekly symptom check-in that keeps the answers current."""
    return Screening(date=date, kind="check_in", left=Symptoms(pain_activity=pain_activity))


def _tests(date: dt.date, w: int, s: Script) -> list[Measurement]:
    hr, bal, yb, hop = s.heel_raise(w), s.balance(w), s.y_balance(w), s.side_hop(w)
    out = []
    for i, side in enumerate((Side.LEFT, Side.RIGHT)):
        k2w = s.left_k2w(w) if side is Side.LEFT else s.right_k2w(w)
        out += [
            Measurement(date=date, side=side, kind=MeasureKind.KNEE_TO_WALL, value=round(k2w, 1),
                        pain=0),
            Measurement(date=date, side=side, kind=MeasureKind.HEEL_RAISE, value=hr[i]),
            Measurement(date=date, side=side, kind=MeasureKind.BALANCE_EYES_OPEN, value=bal[i]),
            Measurement(date=date, side=side, kind=MeasureKind.Y_BALANCE_ANTERIOR, value=yb[i],
                        leg_length_cm=88),
            Measurement(date=date, side=side, kind=MeasureKind.SIDE_HOP, value=hop[i]),
            Measurement(date=date, side=side, kind=MeasureKind.SINGLE_LEG_HOP,
                        value=s.hops(w)[i], pain=0),
        ]
    return out


def _reports(date: dt.date, w: int, s: Script, *, full: bool) -> list[QuestionnaireResponse]:
    """The readiness check; with ``full``, CAIT for each ankle and FAAM as well (answered
    with the tests)."""
    out = [QuestionnaireResponse(date=date, instrument="confidence", answers={
        "confidence": str(s.confidence(w)), "pain_24h": str(s.pain_24h(w))})]
    if full:
        ins = load_instruments()
        cait, faam = ins.get("cait"), ins.get("faam")
        for side, total in zip((Side.LEFT, Side.RIGHT), s.cait(w), strict=True):
            out.append(QuestionnaireResponse(date=date, instrument="cait", side=side,
                                             answers=answers_scoring(cait, "cait", total)))
        adl, sports = s.faam(w)
        answers = answers_scoring(faam, "faam_sports", sports,
                                  base=answers_scoring(faam, "faam_adl", adl))
        out.append(QuestionnaireResponse(date=date, instrument="faam", answers=answers))
    return out


def simulate(history: History, *, weeks: int, script: Script, protocol: Protocol,
             library: Library, until: dt.date | None = None) -> History:
    """Play ``history`` forward ``weeks`` weeks from its intake date, following each week's plan
    (logging nothing on or after ``until``)."""
    assert history.intake is not None
    start = history.intake.date
    h = history.model_copy(update={
        "screenings": [_screening(start, protocol, script.red_flags,
                                  pain_activity=script.pain_activity(0))],
        "measurements": _tests(start, 0, script),
        "questionnaires": _reports(start, 0, script, full=True),
    })
    for w in range(weeks):
        monday = start + w * WEEK
        if until is not None and monday >= until:
            break
        if w and (script.stop_logging_after is None or w < script.stop_logging_after):
            h = h.model_copy(update={"screenings": [
                *h.screenings, _check_in(monday, script.pain_activity(w))]})
        if w and w % script.retest_every == 0:
            h = h.model_copy(update={"measurements": [*h.measurements,
                                                      *_tests(monday, w, script)]})
        if w and (script.stop_logging_after is None or w < script.stop_logging_after):
            # the readiness check weekly; CAIT and FAAM with the tests
            full = w % script.retest_every == 0
            h = h.model_copy(update={"questionnaires": [
                *h.questionnaires, *_reports(monday, w, script, full=full)]})
        d = decide(h, protocol=protocol, library=library, as_of=monday)
        plan = plan_week(d, h, week_start=monday, protocol=protocol, library=library)
        sessions = list(h.sessions)
        for i, day in enumerate(plan.days):
            if not day.blocks or script.skip(w, i) or (until is not None and day.date >= until):
                continue
            if script.stop_logging_after is not None and w >= script.stop_logging_after:
                continue
            logs = [ExerciseLog(exercise_id=it.exercise.id, sets=it.exercise.dose.sets,
                                reps=it.exercise.dose.reps, seconds=it.exercise.dose.seconds,
                                rounds=it.exercise.dose.rounds)
                    for b in day.blocks for it in b.items]
            sessions.append(Session(date=day.date, exercises=logs, rpe=4,
                                    pain_before=0, pain_during=script.pain_during(w, i),
                                    pain_next_morning=script.pain_morning(w, i)))
        h = h.model_copy(update={"sessions": sessions})
    return History.model_validate(h.model_dump())


def _person(pid: str, name: str, start: dt.date, *, activities: list[Activity],
            goals: list[str], left: SideHistory | None = None, age: int | None = None,
            sex: Sex | None = None) -> History:
    return History(
        person=Person(id=pid, name=name, created=start),
        intake=Intake(date=start, goals=goals, activities=activities, age=age, sex=sex,
                      left=left or SideHistory(), right=SideHistory()),
        availability=Availability(mon=25, tue=20, wed=30, thu=20, fri=25, sat=45, sun=20),
    )


def _runs(start: dt.date, weeks: int) -> list[PlannedRun]:
    runs = []
    for w in range(weeks + 1):
        monday = start + w * WEEK
        runs.append(PlannedRun(date=monday + dt.timedelta(days=2), kind=RunKind.INTERVAL,
                               minutes=45, title="Intervals 6 × 3 min"))
        runs.append(PlannedRun(date=monday + dt.timedelta(days=6), kind=RunKind.LONG,
                               minutes=90, title="Long run"))
        runs.append(PlannedRun(date=monday + dt.timedelta(days=4), kind=RunKind.EASY,
                               minutes=40))
    return runs


def people(today: dt.date, protocol: Protocol, library: Library) -> list[History]:
    """The demo cast, each at a different point of the progression as of ``today``. They
    re-test (tests, CAIT, FAAM) every two weeks, as a coach would; the readiness check is
    weekly."""
    monday = today - dt.timedelta(days=today.weekday())
    cast: list[History] = []

    # A runner with a stiff left ankle, 7 weeks in: the ankle stage held her until the left
    # side caught up with the right (the gate into hopping needs the two within 1.5 cm); now
    # building.
    weeks = 7
    start = monday - weeks * WEEK
    h = _person("demo-runner", "Rosa Runner", start, activities=[Activity.RUNNING],
                goals=["Run a half marathon without knee pain"], age=34, sex=Sex.FEMALE,
                left=SideHistory(sprains=2, last_sprain=start - dt.timedelta(days=400)))
    h = h.model_copy(update={"planned_runs": _runs(start, weeks)})
    cast.append(simulate(h, weeks=weeks + 1, protocol=protocol, library=library, until=today, script=Script(
        retest_every=2,
        left_k2w=lambda w: 7.0 + 0.5 * w, right_k2w=lambda w: 11.0,
        heel_raise=lambda w: (18 + w, 25), skip=lambda w, d: d == 3 and w % 2 == 1)))

    # A lifter who needs the toes raised to deadlift well, with no injury and no pain: placed
    # straight into the ankle stage at intake.
    weeks = 3
    start = monday - weeks * WEEK
    h = _person("demo-lifter", "Leo Lifter", start, activities=[Activity.LIFTING],
                goals=["Deadlift without raising the toes", "Squat deeper"], age=41,
                sex=Sex.MALE)
    cast.append(simulate(h, weeks=weeks + 1, protocol=protocol, library=library, until=today, script=Script(
        retest_every=2, pain_activity=lambda w: 0,
        left_k2w=lambda w: 6.0 + 0.5 * w, right_k2w=lambda w: 6.5 + 0.5 * w,
        balance=lambda w: (16.0 + 2 * w, 20.0 + 2 * w))))

    # Pain flared two weeks ago; stepped back and easing in again.
    weeks = 6
    start = monday - weeks * WEEK
    h = _person("demo-flare", "Fay Flare", start, activities=[Activity.COURT_FIELD_SPORT],
                goals=["Back to five-a-side football"], age=27, sex=Sex.FEMALE)
    cast.append(simulate(h, weeks=weeks + 1, protocol=protocol, library=library, until=today, script=Script(
        retest_every=2,
        left_k2w=lambda w: 9.0 + 0.3 * w, right_k2w=lambda w: 10.5,
        pain_during=lambda w, d: 7 if w == 4 and d in (0, 2) else 1)))

    # A red flag at the screen: nothing is prescribed.
    start = monday - WEEK
    h = _person("demo-redflag", "Reggie Referral", start, activities=[Activity.DAILY_LIFE],
                goals=["Walk without pain"])
    cast.append(simulate(h, weeks=2, protocol=protocol, library=library, until=today,
                         script=Script(retest_every=2, red_flags={"numbness_tingling"})))

    # Cleared to train and keeping the maintenance routine.
    weeks = 10
    start = monday - weeks * WEEK
    h = _person("demo-cleared", "Cleo Cleared", start,
                activities=[Activity.RUNNING, Activity.LIFTING], goals=["Stay healthy"],
                age=45, sex=Sex.FEMALE)
    h = h.model_copy(update={"planned_runs": _runs(start, weeks)})
    cast.append(simulate(h, weeks=weeks + 1, protocol=protocol, library=library, until=today, script=Script(
        retest_every=2,
        left_k2w=lambda w: min(12.0, 9.0 + 0.5 * w), right_k2w=lambda w: min(12.5, 10.0 + 0.4 * w))))

    # Brand new: intake and first tests today-ish, in the foot stage.
    start = monday
    h = _person("demo-new", "Nia New", start, activities=[Activity.DAILY_LIFE],
                goals=["Less stiffness on stairs"], age=63, sex=Sex.FEMALE)
    h = simulate(h, weeks=1, protocol=protocol, library=library, until=today, script=Script())
    h = h.model_copy(update={"foot_observations": [
        FootObservation(date=start, side=Side.LEFT, posture=FootPosture.PRONATED,
                        arch=ArchShape.COLLAPSED),
        FootObservation(date=start, side=Side.RIGHT, posture=FootPosture.NEUTRAL,
                        arch=ArchShape.TYPICAL)]})
    cast.append(h)
    return cast


def create(uow: UnitOfWork, *, protocol: Protocol, library: Library, today: dt.date) -> list[str]:
    """Store the demo cast (replacing earlier demo people); returns their ids."""
    ids = []
    for h in people(today, protocol, library):
        if uow.people.exists(h.person.id):
            replace_data(uow, h)  # their demo sign-ins and coach stay linked
        else:
            uow.people.add(h)
        ids.append(h.person.id)
    return ids
