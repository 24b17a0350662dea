"""decide(): stage gates, minimum time in a stage, pain monitoring, range loss, red flags,
dose level, left/right asymmetry and clearance.

Every history here is built by hand with the small builders below, on days counted from
:data:`DAY0` (a Monday). Thresholds are read from the shipped protocol, so a test checks the
value just below, at and just above each one.

The replay advances only on a Monday (on the results up to the Sunday before), so a person
who meets every criterion from day 0 reaches stage 2 on the first Monday at least
``min_days`` after the start, stage 3 ``min_days`` of stage 2 later, and so on:
:data:`S2`, :data:`S3` and :data:`S4` are those Mondays.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import pytest

from anklet.domain.decisions import (
    CriterionResult,
    Decision,
    _full_dose,
    checklist,
    decide,
    fmt,
    validate_references,
)
from anklet.domain.errors import HistoryError
from anklet.domain.exercises import Dose, load_library
from anklet.domain.history import (
    Availability,
    ExerciseLog,
    GoalType,
    History,
    Intake,
    Measurement,
    Person,
    QuestionnaireResponse,
    Screening,
    Session,
    Sex,
    SideHistory,
    Symptoms,
)
from anklet.domain.measures import MeasureKind
from anklet.domain.protocol import Criterion, Protocol, RedFlag, load_protocol, parse_protocol
from anklet.domain.questionnaires import answers_scoring, load_instruments
from anklet.domain.units import Side

PROTOCOL = load_protocol()
LIBRARY = load_library()
INSTRUMENTS = load_instruments()
DAY0 = dt.date(2025, 3, 3)  # a Monday
assert DAY0.weekday() == 0

PM = PROTOCOL.pain_monitoring
SAFE = int(PM.safe_max.value)
ACCEPTABLE = int(PM.acceptable_max.value)
WINDOW = int(PM.flare_window_days.value)
RETEST = int(PROTOCOL.settings.retest_days.value)
DOSING = PROTOCOL.dosing
MDC = PROTOCOL.range_loss.mdc_cm.value


def _monday_on_or_after(n: int) -> int:
    return 7 * math.ceil(n / 7)


S2 = _monday_on_or_after(int(PROTOCOL.stage(1).min_days.value))
S3 = S2 + _monday_on_or_after(int(PROTOCOL.stage(2).min_days.value))
S4 = S3 + _monday_on_or_after(int(PROTOCOL.stage(3).min_days.value))
IN_STAGE2 = S2 + 7       # a Monday in stage 2, before stage 3 can start
IN_STAGE3 = S3 + 14      # a Monday in stage 3 after two complete weeks there, before stage 4
assert IN_STAGE2 < S3
assert IN_STAGE3 < S4

# Exercise ids from the shipped library, one per category.
FOOT_RELEASE = "seated-forefoot-roll"
FOOT_AWARENESS = "toe-splay"
SHIN_CALF = "calf-roll-seated"
ANKLE_ALL_FOUR = "ankle-circles"          # covers all four ankle motions on its own
ANKLE_DORSI_ONLY = "knee-to-wall-rocks"   # dorsiflexion only
BALANCE = "single-leg-stance"
LOADED_DORSI = "wall-tibialis-raise"
THREE_PLANE = "reverse-lunge"
AGILITY = "ladder-two-in"
GAIT = "a-march"
EVERYTHING = (FOOT_RELEASE, FOOT_AWARENESS, SHIN_CALF, ANKLE_ALL_FOUR, BALANCE, LOADED_DORSI,
              THREE_PLANE, AGILITY, GAIT)
"""One session with every category: every stage's weekly targets are kept by doing it daily."""


# --- builders ------------------------------------------------------------------------------


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


def crit(stage: int, criterion_id: str) -> Criterion:
    return next(c for c in PROTOCOL.stage(stage).gate if c.id == criterion_id)


def screening(n: int = 0, *, yes: Iterable[str] = (), omit: Iterable[str] = (),
              left: Symptoms | None = None, right: Symptoms | None = None) -> Screening:
    """A screening on day ``n``: every protocol red flag answered, False unless in ``yes``."""
    yes, omit = set(yes), set(omit)
    return Screening(date=day(n), left=left or Symptoms(), right=right or Symptoms(),
                     red_flags={f.id: f.id in yes for f in PROTOCOL.red_flags if f.id not in omit})


def full_dose(exercise_id: str, **kw: Any) -> ExerciseLog:
    """The exercise logged at its full library dose (``kw`` changes a field)."""
    d = LIBRARY.get(exercise_id).dose
    fields = {"sets": d.sets, "reps": d.reps, "seconds": d.seconds, "rounds": d.rounds}
    return ExerciseLog(exercise_id=exercise_id, **(fields | kw))


def session(n: int, ids: Iterable[str | ExerciseLog] = EVERYTHING, **kw: Any) -> Session:
    """A session on day ``n`` with each exercise at its full dose (or as logged)."""
    return Session(date=day(n), exercises=[i if isinstance(i, ExerciseLog) else full_dose(i)
                                           for i in ids], **kw)


def sessions(first: int, last: int, ids: Iterable[str] = EVERYTHING,
             override: Mapping[int, Mapping[str, Any]] | None = None) -> list[Session]:
    """A session on every day from ``first`` to ``last``; ``override`` maps a day to the
    Session fields to change that day (``ids`` for its exercises)."""
    out = []
    for n in range(first, last + 1):
        kw = dict((override or {}).get(n, {}))
        out.append(session(n, kw.pop("ids", ids), **kw))
    return out


def pair(n: int, kind: MeasureKind, left: float, right: float, **kw: Any) -> list[Measurement]:
    return [Measurement(date=day(n), side=Side.LEFT, kind=kind, value=left, **kw),
            Measurement(date=day(n), side=Side.RIGHT, kind=kind, value=right, **kw)]


def check_in(n: int, left: Symptoms | None = None,
             right: Symptoms | None = None) -> Screening:
    """A symptom check-in on day ``n`` (no red-flag questions)."""
    return Screening(date=day(n), kind="check_in", left=left or Symptoms(),
                     right=right or Symptoms())


def weekly_check_ins(first: int, last: int) -> list[Screening]:
    """A clean check-in every 7 days from ``first`` to ``last``: symptom answers stay fresh."""
    return [check_in(n) for n in range(first, last + 1, 7)]


def fresh(*given: Screening, start: int = 0) -> list[Screening]:
    """``given`` with a clean weekly check-in on every other 7th day after ``start`` (for a
    year), so that symptom answers never go out of date unless a test wants them to."""
    taken = {s.date for s in given}
    return [*given, *(c for c in weekly_check_ins(start + 7, start + 365) if c.date not in taken)]


SPRAIN_BEFORE = 120
"""The test person sprained the left ankle this many days before the intake: long enough ago
for every gate, recent enough to start with the feet (stage 1)."""


def history(*, screenings: Iterable[Screening] | None = None,
            measurements: Iterable[Measurement] = (), sessions: Iterable[Session] = (),
            start: int = 0, questionnaires: Iterable[QuestionnaireResponse] = (),
            intake: Intake | None = None) -> History:
    """A person with an intake on day ``start`` (a left sprain :data:`SPRAIN_BEFORE` days
    earlier) and (by default) a clean screening that day."""
    intake = intake or Intake(date=day(start), left=SideHistory(
        sprains=1, last_sprain=day(start - SPRAIN_BEFORE)))
    return History(person=Person(id="tess", name="Tess Test"), intake=intake,
                   screenings=list(fresh(screening(start), start=start) if screenings is None
                                   else screenings),
                   measurements=list(measurements), sessions=list(sessions),
                   questionnaires=list(questionnaires))


def cait(n: int, side: Side, total: int) -> QuestionnaireResponse:
    """A CAIT for one ankle on day ``n`` adding up to ``total`` (0–30)."""
    return QuestionnaireResponse(date=day(n), instrument="cait", side=side,
                                 answers=answers_scoring(INSTRUMENTS.get("cait"), "cait", total))


def faam(n: int, adl: int = 84, sports: int = 32,
         na: Iterable[str] = ()) -> QuestionnaireResponse:
    """A FAAM on day ``n`` whose ADL and Sports raw sums are ``adl`` (of 84) and ``sports``
    (of 32); items in ``na`` are marked 'does not apply' (on top of those sums)."""
    ins = INSTRUMENTS.get("faam")
    answers = answers_scoring(ins, "faam_adl", adl)
    answers = answers_scoring(ins, "faam_sports", sports, base=answers)
    return QuestionnaireResponse(date=day(n), instrument="faam",
                                 answers=answers | dict.fromkeys(na, "na"))


def readiness(n: int, confidence: int = 9, pain_24h: int | None = 0) -> QuestionnaireResponse:
    answers = {"confidence": str(confidence)}
    if pain_24h is not None:
        answers["pain_24h"] = str(pain_24h)
    return QuestionnaireResponse(date=day(n), instrument="confidence", answers=answers)


def self_reports(n: int, *, cait_lr: tuple[int, int] = (30, 30), adl: int = 84,
                 sports: int = 32, confidence: int = 9,
                 pain_24h: int | None = 0) -> list[QuestionnaireResponse]:
    """Every questionnaire the clearance checklist reads, answered on day ``n`` (passing by
    default)."""
    return [cait(n, Side.LEFT, cait_lr[0]), cait(n, Side.RIGHT, cait_lr[1]),
            faam(n, adl, sports), readiness(n, confidence, pain_24h)]


def ankle_tests(n: int, *, k2w: float = 8.0, pain: int = 0, balance: float = 30.0,
                hops: int = 10, hop_pain: int = 0) -> list[Measurement]:
    """What the stage-2 gate reads: knee-to-wall (with its test pain), balance and the
    single-leg hop test (with its pain)."""
    return [*pair(n, MeasureKind.KNEE_TO_WALL, k2w, k2w, pain=pain),
            *pair(n, MeasureKind.BALANCE_EYES_OPEN, balance, balance),
            *pair(n, MeasureKind.SINGLE_LEG_HOP, hops, hops, pain=hop_pain)]


PASSING_CLEARANCE: dict[MeasureKind, tuple[float, float]] = {
    MeasureKind.KNEE_TO_WALL: (11.0, 11.0),
    MeasureKind.HEEL_RAISE: (25, 25),
    MeasureKind.BALANCE_EYES_OPEN: (30.0, 30.0),
    MeasureKind.Y_BALANCE_ANTERIOR: (62.0, 62.0),
    MeasureKind.SIDE_HOP: (9.0, 9.0),
}


def clearance_tests(n: int, values: Mapping[MeasureKind, tuple[float, float] | None] = {},
                    ) -> list[Measurement]:
    """Every test the clearance gate reads, passing, on day ``n``; ``values`` replaces a kind's
    (left, right) or drops it (None)."""
    out: list[Measurement] = []
    for kind, default in PASSING_CLEARANCE.items():
        lr = values.get(kind, default)
        if lr is None:
            continue
        extra = {"pain": 0} if kind is MeasureKind.KNEE_TO_WALL else {}
        out += pair(n, kind, lr[0], lr[1], **extra)
    return out


def progressed(*, tests: list[Measurement] | None = None, last_day: int = S4 + 28,
               override: Mapping[int, Mapping[str, Any]] | None = None,
               screenings: Iterable[Screening] | None = None,
               extra_tests: Iterable[Measurement] = (),
               reports: list[QuestionnaireResponse] | None = None,
               weekly_readiness: bool = True) -> History:
    """Someone who does everything daily and passes every test: stage 2 on S2, stage 3 on S3
    and stage 4 on S4. ``tests`` replaces the clearance tests taken a week into stage 3 and
    ``reports`` the questionnaires answered then; the readiness check is answered again
    every week after that."""
    ms = [*ankle_tests(S2 + 7), *(clearance_tests(S3 + 7) if tests is None else tests),
          *extra_tests]
    qs = self_reports(S3 + 7) if reports is None else reports
    if weekly_readiness:
        qs += [readiness(n) for n in range(S3 + 14, last_day + 1, 7)]
    return history(screenings=screenings, measurements=ms,
                   sessions=sessions(0, last_day, override=override), questionnaires=qs)


def run(h: History, as_of: int, protocol: Protocol = PROTOCOL) -> Decision:
    return decide(h, protocol=protocol, library=LIBRARY, as_of=day(as_of))


def criterion_result(d: Decision, criterion_id: str) -> CriterionResult:
    assert d.gate is not None
    return next(c for c in d.gate.criteria if c.id == criterion_id)


def kinds(d: Decision) -> list[str]:
    return [c.kind for c in d.timeline]


def flag_kinds(d: Decision) -> set[str]:
    return {f.kind for f in d.flags}


def assert_judged(r: CriterionResult, *, met: bool, shown: Iterable[float]) -> None:
    """Assessed, met as expected, and the reason names each value and the threshold."""
    assert r.assessed
    assert r.met is met
    for v in shown:
        assert fmt(v, r.unit) in r.reason, (fmt(v, r.unit), r.reason)
    assert r.threshold_text in r.reason
    assert f"{r.threshold:g}" in r.threshold_text
    assert ("does not meet" in r.reason) is (not met)


def near(threshold: float, step: float) -> list[tuple[float, bool]]:
    """(value, passes) just below, at and just above a '>=' threshold."""
    return [(round(threshold - step, 2), False), (threshold, True),
            (round(threshold + step, 2), True)]


# --- sanity of the builders -------------------------------------------------------------------


def test_builder_progressed_reaches_each_stage_on_its_monday() -> None:
    h = progressed()
    assert [run(h, n).stage for n in (S2 - 1, S2, S3 - 1, S3, S4 - 1, S4)] == [1, 2, 2, 3, 3, 4]
    d = run(h, S4)
    assert [(c.kind, c.date) for c in d.timeline] == [
        ("start", day(0)), ("advance", day(S2)), ("advance", day(S3)), ("advance", day(S4))]


# --- stage 1 → 2 ------------------------------------------------------------------------------


FOOT_DAYS = crit(1, "foot_release_days")
REST_PAIN = crit(1, "rest_pain")


@pytest.mark.parametrize("done", [int(FOOT_DAYS.threshold) - 1, int(FOOT_DAYS.threshold),
                                  int(FOOT_DAYS.threshold) + 1])
def test_gate_foot_release_days_met_when_count_reaches_threshold(done: int) -> None:
    as_of = S2 - 1  # the Sunday before the first Monday: still in stage 1
    h = history(sessions=[session(as_of - i, [FOOT_RELEASE]) for i in range(done)])
    d = run(h, as_of)
    assert d.stage == 1
    r = criterion_result(d, "foot_release_days")
    assert r.values == {"both": float(done)}
    assert_judged(r, met=done >= FOOT_DAYS.threshold, shown=[done])


def test_gate_foot_release_days_ignores_days_before_the_window() -> None:
    # Sessions on days 0..6 and a check on day 9: only days 3..6 are in the last 7 days.
    sc = screening(0, left=Symptoms(pain_rest=int(REST_PAIN.threshold) + 1))  # keeps stage 1
    h = history(screenings=[sc], sessions=sessions(0, 6, [FOOT_RELEASE]))
    r = criterion_result(run(h, 9), "foot_release_days")
    assert r.values == {"both": 4.0}


def test_gate_foot_release_days_counts_a_day_with_two_sessions_once() -> None:
    h = history(sessions=[session(3, [FOOT_RELEASE]), session(3, [FOOT_RELEASE, SHIN_CALF])])
    assert criterion_result(run(h, 4), "foot_release_days").values == {"both": 1.0}


def test_gate_foot_release_days_ignores_other_categories() -> None:
    h = history(sessions=sessions(0, 6, [FOOT_AWARENESS, BALANCE]))
    r = criterion_result(run(h, 6), "foot_release_days")
    assert r.values == {"both": 0.0}
    assert not r.met


@pytest.mark.parametrize(("pain", "met"), [(int(REST_PAIN.threshold) - 1, True),
                                           (int(REST_PAIN.threshold), True),
                                           (int(REST_PAIN.threshold) + 1, False)])
def test_gate_rest_pain_met_up_to_threshold(pain: int, met: bool) -> None:
    h = history(screenings=[screening(0, left=Symptoms(pain_rest=pain))])
    r = criterion_result(run(h, 3), "rest_pain")
    assert r.values == {"left": float(pain), "right": 0.0}
    assert_judged(r, met=met, shown=[pain])


def test_gate_rest_pain_reads_the_latest_screening() -> None:
    h = history(screenings=[screening(0, left=Symptoms(pain_rest=6)),
                            screening(2, right=Symptoms(pain_rest=1))])
    r = criterion_result(run(h, 3), "rest_pain")
    assert r.values == {"left": 0.0, "right": 1.0}
    assert day(2).isoformat() in r.reason


# --- stage 2 → 3 ------------------------------------------------------------------------------


MOBILITY_DAYS = crit(2, "ankle_mobility_days")
TEST_PAIN = crit(2, "test_pain")
ACTIVITY_PAIN = crit(2, "activity_pain")
BALANCE_OPEN = crit(2, "balance_open")


def in_stage2(*, tests: list[Measurement] | None = None,
              mobility_ids: Iterable[Iterable[str]] | None = None,
              screenings: Iterable[Screening] | None = None,
              intake: Intake | None = None) -> History:
    """In stage 2 from S2; checked on IN_STAGE2. ``mobility_ids`` gives each day's extra
    exercises in the last week (default: ankle circles daily)."""
    week = list(range(IN_STAGE2 - 6, IN_STAGE2 + 1))
    extra = list(mobility_ids) if mobility_ids is not None else [[ANKLE_ALL_FOUR]] * 7
    extra += [[]] * (7 - len(extra))
    ss = sessions(0, IN_STAGE2 - 7, [FOOT_RELEASE, ANKLE_ALL_FOUR])
    ss += [session(n, [FOOT_RELEASE, *ids]) for n, ids in zip(week, extra, strict=True)]
    return history(screenings=screenings,
                   measurements=ankle_tests(IN_STAGE2 - 4) if tests is None else tests,
                   sessions=ss, intake=intake)


def test_builder_in_stage2_is_in_stage_2_with_every_criterion_met() -> None:
    d = run(in_stage2(), IN_STAGE2)
    assert d.stage == 2
    assert d.gate is not None
    assert d.gate.all_met


@pytest.mark.parametrize("done", [int(MOBILITY_DAYS.threshold) - 1, int(MOBILITY_DAYS.threshold),
                                  int(MOBILITY_DAYS.threshold) + 1])
def test_gate_ankle_mobility_days_met_when_count_reaches_threshold(done: int) -> None:
    d = run(in_stage2(mobility_ids=[[ANKLE_ALL_FOUR]] * done), IN_STAGE2)
    assert d.stage == 2
    r = criterion_result(d, "ankle_mobility_days")
    assert r.values == {"both": float(done)}
    assert_judged(r, met=done >= MOBILITY_DAYS.threshold, shown=[done])


def test_gate_ankle_mobility_days_counts_a_day_covering_four_motions_across_exercises() -> None:
    four = ["seated-active-dorsiflexion", "hands-assisted-point", "active-sole-turns"]
    d = run(in_stage2(mobility_ids=[four] * int(MOBILITY_DAYS.threshold)), IN_STAGE2)
    r = criterion_result(d, "ankle_mobility_days")
    assert r.values == {"both": MOBILITY_DAYS.threshold}
    assert r.met


def test_gate_ankle_mobility_days_ignores_days_missing_a_motion() -> None:
    days = int(MOBILITY_DAYS.threshold) + 2
    d = run(in_stage2(mobility_ids=[[ANKLE_DORSI_ONLY]] * days), IN_STAGE2)
    r = criterion_result(d, "ankle_mobility_days")
    assert r.values == {"both": 0.0}
    assert not r.met


@pytest.mark.parametrize(("pain", "met"), [(int(TEST_PAIN.threshold) - 1, True),
                                           (int(TEST_PAIN.threshold), True),
                                           (int(TEST_PAIN.threshold) + 1, False)])
def test_gate_knee_to_wall_test_pain_met_up_to_threshold(pain: int, met: bool) -> None:
    n = IN_STAGE2 - 4
    tests = [Measurement(date=day(n), side=Side.LEFT, kind=MeasureKind.KNEE_TO_WALL, value=8.0,
                         pain=pain),
             Measurement(date=day(n), side=Side.RIGHT, kind=MeasureKind.KNEE_TO_WALL, value=8.0,
                         pain=0),
             *pair(n, MeasureKind.BALANCE_EYES_OPEN, 30.0, 30.0)]
    r = criterion_result(run(in_stage2(tests=tests), IN_STAGE2), "test_pain")
    assert r.values == {"left": float(pain), "right": 0.0}
    assert_judged(r, met=met, shown=[pain])


def test_gate_knee_to_wall_test_pain_not_assessed_when_pain_not_recorded() -> None:
    tests = [*pair(IN_STAGE2 - 4, MeasureKind.KNEE_TO_WALL, 8.0, 8.0),  # no pain given
             *pair(IN_STAGE2 - 4, MeasureKind.BALANCE_EYES_OPEN, 30.0, 30.0)]
    r = criterion_result(run(in_stage2(tests=tests), IN_STAGE2), "test_pain")
    assert r.values == {"left": None, "right": None}
    assert not r.assessed
    assert not r.met


@pytest.mark.parametrize(("pain", "met"), [(int(ACTIVITY_PAIN.threshold) - 1, True),
                                           (int(ACTIVITY_PAIN.threshold), True),
                                           (int(ACTIVITY_PAIN.threshold) + 1, False)])
def test_gate_activity_pain_met_up_to_threshold(pain: int, met: bool) -> None:
    later = screening(IN_STAGE2 - 2, right=Symptoms(pain_activity=pain))
    d = run(in_stage2(screenings=[screening(0), later]), IN_STAGE2)
    assert d.stage == 2
    r = criterion_result(d, "activity_pain")
    assert r.values == {"left": 0.0, "right": float(pain)}
    assert_judged(r, met=met, shown=[pain])


@pytest.mark.parametrize(("seconds", "met"), [(round(BALANCE_OPEN.threshold - 0.1, 1), False),
                                              (BALANCE_OPEN.threshold, False),
                                              (round(BALANCE_OPEN.threshold + 0.1, 1), True)])
def test_gate_balance_eyes_open_met_only_above_threshold(seconds: float, met: bool) -> None:
    n = IN_STAGE2 - 4
    tests = [*pair(n, MeasureKind.KNEE_TO_WALL, 8.0, 8.0, pain=0),
             *pair(n, MeasureKind.BALANCE_EYES_OPEN, seconds, 30.0)]
    d = run(in_stage2(tests=tests), IN_STAGE2)
    r = criterion_result(d, "balance_open")
    assert r.values == {"left": seconds, "right": 30.0}
    assert_judged(r, met=met, shown=[seconds, 30.0])


def test_gate_balance_eyes_open_names_the_missing_side() -> None:
    n = IN_STAGE2 - 4
    tests = [*pair(n, MeasureKind.KNEE_TO_WALL, 8.0, 8.0, pain=0),
             Measurement(date=day(n), side=Side.LEFT, kind=MeasureKind.BALANCE_EYES_OPEN,
                         value=30.0)]
    r = criterion_result(run(in_stage2(tests=tests), IN_STAGE2), "balance_open")
    assert r.values == {"left": 30.0, "right": None}
    assert not r.assessed
    assert not r.met
    assert "no current result for right" in r.reason
    assert r.threshold_text in r.reason


# --- stage 3 → 4: the clearance checklist ------------------------------------------------------


def clearance(values: Mapping[MeasureKind, tuple[float, float] | None] = {},
              **kw: Any) -> Decision:
    """The decision on IN_STAGE3 for someone in stage 3 whose clearance tests a week earlier
    are ``values`` (the rest passing)."""
    d = run(progressed(tests=clearance_tests(S3 + 7, values), **kw), IN_STAGE3)
    assert d.stage == 3
    return d


APPLICABLE_CLEARANCE = [c.id for c in PROTOCOL.clearance_gate if c.applies("unknown", None)]
"""The clearance criteria for someone who gave no goal and no age."""


def test_builder_clearance_meets_every_criterion_in_stage_3() -> None:
    d = clearance()
    assert d.gate is not None
    assert [c.id for c in d.gate.criteria] == APPLICABLE_CLEARANCE
    assert d.gate.all_met
    assert not d.clear_to_train
    assert d.status == "working"


DORSI = crit(3, "dorsiflexion")


@pytest.mark.parametrize(("cm", "met"), near(DORSI.threshold, 0.1))
def test_gate_knee_to_wall_met_from_threshold_on_each_side(cm: float, met: bool) -> None:
    r = criterion_result(clearance({MeasureKind.KNEE_TO_WALL: (11.0, cm)}), "dorsiflexion")
    assert r.values == {"left": 11.0, "right": cm}
    assert_judged(r, met=met, shown=[11.0, cm])


@pytest.mark.parametrize(("degrees", "met"), [(36.4, False), (36.5, True), (36.6, True)])
def test_gate_lunge_angle_judged_as_an_angle_against_36_5(degrees: float, met: bool) -> None:
    # a lunge angle is never converted to centimetres: 36.0° once read as "10 cm" and passed
    n = S3 + 7
    tests = [m for m in clearance_tests(n) if m.kind is not MeasureKind.KNEE_TO_WALL]
    tests += pair(n, MeasureKind.LUNGE_ANGLE, degrees, 40.0, pain=0)
    d = run(progressed(tests=tests), IN_STAGE3)
    r = criterion_result(d, "lunge_angle")
    assert r.values == {"left": degrees, "right": 40.0}
    assert r.required
    assert r.assessed
    assert r.met is met
    assert r.threshold_text == "≥ 36.5°"
    # the knee-to-wall criterion stands aside for the newer test, shown as not needed
    k2w = criterion_result(d, "dorsiflexion")
    assert not k2w.required
    assert d.gate is not None
    assert d.gate.all_met is met


def test_gate_range_counts_the_latest_of_the_two_tests() -> None:
    n = S3 + 7
    tests = [*clearance_tests(n), *pair(n + 1, MeasureKind.LUNGE_ANGLE, 30.0, 30.0, pain=0)]
    d = run(progressed(tests=tests), IN_STAGE3)
    assert criterion_result(d, "lunge_angle").required
    assert not criterion_result(d, "lunge_angle").met
    assert not criterion_result(d, "dorsiflexion").required
    assert d.gate is not None
    assert not d.gate.all_met


DORSI_ASYM = crit(3, "dorsiflexion_asymmetry")


@pytest.mark.parametrize(("right", "met"), [(11.4, True), (11.5, True), (11.6, False)])
def test_gate_knee_to_wall_difference_met_up_to_threshold(right: float, met: bool) -> None:
    assert DORSI_ASYM.threshold == 1.5
    r = criterion_result(clearance({MeasureKind.KNEE_TO_WALL: (10.0, right)}),
                         "dorsiflexion_asymmetry")
    assert r.values["both"] == pytest.approx(right - 10.0)
    assert_judged(r, met=met, shown=[round(right - 10.0, 1)])


@pytest.mark.parametrize(("criterion_id", "kind", "left", "right"), [
    ("dorsiflexion_asymmetry", MeasureKind.KNEE_TO_WALL, 9.3, 7.8),
    ("y_balance_difference", MeasureKind.Y_BALANCE_ANTERIOR, 64.4, 60.4),
])
def test_gate_difference_at_threshold_with_common_decimals_met(
        criterion_id: str, kind: MeasureKind, left: float, right: float) -> None:
    assert round(left - right, 1) == crit(3, criterion_id).threshold
    assert criterion_result(clearance({kind: (left, right)}), criterion_id).met


HEEL_LSI = crit(3, "heel_raise_lsi")


@pytest.mark.parametrize(("reps", "met"), [((17, 19), False), ((18, 20), True), ((19, 21), True)])
def test_gate_heel_raise_lsi_met_from_threshold(reps: tuple[int, int], met: bool) -> None:
    assert HEEL_LSI.threshold == 90
    weaker, stronger = reps
    r = criterion_result(clearance({MeasureKind.HEEL_RAISE: (stronger, weaker)}), "heel_raise_lsi")
    lsi = 100 * weaker / stronger
    assert r.values["both"] == pytest.approx(lsi)
    assert_judged(r, met=met, shown=[lsi])


BALANCE_CLEAR = crit(3, "balance_open")


@pytest.mark.parametrize(("seconds", "met"), [(round(BALANCE_CLEAR.threshold - 0.1, 1), False),
                                              (BALANCE_CLEAR.threshold, False),
                                              (round(BALANCE_CLEAR.threshold + 0.1, 1), True)])
def test_gate_clearance_balance_met_only_above_threshold(seconds: float, met: bool) -> None:
    r = criterion_result(clearance({MeasureKind.BALANCE_EYES_OPEN: (seconds, seconds)}),
                         "balance_open")
    assert r.values == {"left": seconds, "right": seconds}
    assert_judged(r, met=met, shown=[seconds])


Y_DIFF = crit(3, "y_balance_difference")


@pytest.mark.parametrize(("right", "met"), [(65.9, True), (66.0, True), (66.1, False)])
def test_gate_y_balance_difference_met_up_to_threshold(right: float, met: bool) -> None:
    assert Y_DIFF.threshold == 4.0
    r = criterion_result(clearance({MeasureKind.Y_BALANCE_ANTERIOR: (62.0, right)}),
                         "y_balance_difference")
    assert r.values["both"] == pytest.approx(right - 62.0)
    assert_judged(r, met=met, shown=[round(right - 62.0, 1)])


HOP_LSI = crit(3, "side_hop_lsi")


@pytest.mark.parametrize(("faster", "met"), [(8.9, False), (9.0, True), (9.1, True)])
def test_gate_side_hop_lsi_compares_faster_time_to_slower(faster: float, met: bool) -> None:
    # Lower time is better: the LSI is the faster time as % of the slower one.
    assert HOP_LSI.threshold == 90
    r = criterion_result(clearance({MeasureKind.SIDE_HOP: (10.0, faster)}), "side_hop_lsi")
    assert r.values["both"] == pytest.approx(faster * 10)
    assert_judged(r, met=met, shown=[faster * 10])


SESSION_PAIN = crit(3, "session_pain")


@pytest.mark.parametrize(("pain", "met"), [(int(SESSION_PAIN.threshold) - 1, True),
                                           (int(SESSION_PAIN.threshold), True),
                                           (int(SESSION_PAIN.threshold) + 1, False)])
def test_gate_session_pain_max_met_up_to_threshold(pain: int, met: bool) -> None:
    d = clearance(override={IN_STAGE3 - 3: {"pain_during": pain}})
    r = criterion_result(d, "session_pain")
    assert r.values == {"both": float(pain)}
    assert_judged(r, met=met, shown=[pain])


def test_gate_session_pain_max_ignores_sessions_before_its_window() -> None:
    days = int(SESSION_PAIN.params["days"])
    pain = int(SESSION_PAIN.threshold) + 1
    d = clearance(override={IN_STAGE3 - days: {"pain_during": pain}})
    assert criterion_result(d, "session_pain").values == {"both": 0.0}
    d = clearance(override={IN_STAGE3 - days + 1: {"pain_during": pain}})
    assert criterion_result(d, "session_pain").values == {"both": float(pain)}


def test_gate_session_pain_max_not_assessed_without_sessions() -> None:
    days = int(SESSION_PAIN.params["days"])
    h = progressed(last_day=IN_STAGE3 - days)
    r = criterion_result(run(h, IN_STAGE3), "session_pain")
    assert r.values == {"both": None}
    assert not r.assessed
    assert not r.met
    assert "no data" in r.reason


MORNING = crit(3, "morning_after")


@pytest.mark.parametrize(("unsettled", "met"), [(0, True), (1, False), (2, False)])
def test_gate_unsettled_sessions_met_only_at_zero(unsettled: int, met: bool) -> None:
    assert MORNING.threshold == 0
    override = {IN_STAGE3 - 10 + 3 * i: {"pain_before": 1, "pain_next_morning": 2}
                for i in range(unsettled)}
    r = criterion_result(clearance(override=override), "morning_after")
    assert r.values == {"both": float(unsettled)}
    assert_judged(r, met=met, shown=[unsettled])


@pytest.mark.parametrize(("giving_way", "met"), [(False, True), (True, False)])
def test_gate_giving_way_met_only_when_no(giving_way: bool, met: bool) -> None:
    later = screening(IN_STAGE3 - 3, left=Symptoms(giving_way=giving_way))
    r = criterion_result(clearance(screenings=fresh(screening(0), later)), "giving_way")
    assert r.values == {"left": float(giving_way), "right": 0.0}
    assert r.met is met
    assert r.assessed
    assert ("left yes" if giving_way else "left no") in r.reason
    assert r.threshold_text == "no"
    assert ("does not meet" in r.reason) is (not met)


ADHERENCE = crit(3, "adherence")
KEPT_THREE = (FOOT_RELEASE, LOADED_DORSI, THREE_PLANE)
"""Done daily, these keep 3 of the 6 stage-3 targets (release, loaded dorsiflexion, 3 planes)."""


@pytest.mark.parametrize(("extra", "pct"), [
    # Stage-3 targets ask for 1, 2 or 3 days a week, so a two-week mean moves in steps of
    # 100/72 %: exactly 80 % cannot happen with the shipped targets. These are the nearest
    # values on either side (first week: everything daily, 100 %).
    ({0: AGILITY}, 100 * (6 + 3 + 1 / 2) / 12),               # agility 1 of 2 days: 79.2 %
    ({0: BALANCE, 2: BALANCE}, 100 * (6 + 3 + 2 / 3) / 12),   # balance 2 of 3 days: 80.6 %
    (dict.fromkeys(range(7), GAIT), 100 * (6 + 4) / 12),        # 83.3 %
    ({}, 100 * (6 + 3) / 12),                                 # 75 %
], ids=["79.2", "80.6", "83.3", "75"])
def test_gate_adherence_met_from_threshold(extra: dict[int, str], pct: float) -> None:
    week2 = range(S3 + 7, S3 + 14)
    override = {n: {"ids": (*KEPT_THREE, *([extra[i]] if i in extra else []))}
                for i, n in enumerate(week2)}
    r = criterion_result(clearance(override=override), "adherence")
    assert r.values["both"] == pytest.approx(pct)
    assert_judged(r, met=pct >= ADHERENCE.threshold, shown=[pct])


def test_gate_adherence_full_when_every_target_kept() -> None:
    r = criterion_result(clearance(), "adherence")
    assert r.values == {"both": 100.0}
    assert r.met


# --- no data, stale tests --------------------------------------------------------------------


TESTED = {
    "dorsiflexion": MeasureKind.KNEE_TO_WALL,
    "dorsiflexion_asymmetry": MeasureKind.KNEE_TO_WALL,
    "heel_raise_lsi": MeasureKind.HEEL_RAISE,
    "balance_open": MeasureKind.BALANCE_EYES_OPEN,
    "y_balance_difference": MeasureKind.Y_BALANCE_ANTERIOR,
    "side_hop_lsi": MeasureKind.SIDE_HOP,
}


@pytest.mark.parametrize(("criterion_id", "kind"), TESTED.items())
def test_gate_criterion_without_data_is_not_assessed_and_not_met(criterion_id: str,
                                                                  kind: MeasureKind) -> None:
    # The stage-2 tests are taken early enough to be stale by the check day, so only the
    # stage-3 tests (without `kind`) count.
    h = history(measurements=[*ankle_tests(IN_STAGE3 - RETEST - 1),
                              *clearance_tests(S3 + 7, {kind: None})],
                sessions=sessions(0, IN_STAGE3))
    d = run(h, IN_STAGE3)
    assert d.stage == 3
    r = criterion_result(d, criterion_id)
    assert not r.assessed
    assert not r.met
    assert r.values
    assert all(v is None for v in r.values.values())
    assert ("no data" in r.reason) or ("no current result for left and right" in r.reason)
    assert r.threshold_text in r.reason
    # knee-to-wall and balance were tested for stage 2, too long ago: a re-test is due, not
    # a first test
    stale = kind in (MeasureKind.KNEE_TO_WALL, MeasureKind.BALANCE_EYES_OPEN)
    assert r.stale is stale
    assert r.value_text == ("out of date" if stale else "not assessed")
    tested = day(IN_STAGE3 - RETEST - 1).isoformat()
    assert (f"both sides last tested {tested}, more than {RETEST} days ago" in r.where) is stale
    assert f"{'re-test' if stale else 'fill it'} with: " in r.reason
    [due] = [f.message for f in d.flags if f.kind == "retest_due"]
    assert (f"{r.label} ({'last done more than 28 days ago' if stale else 'not done yet'})"
            in due)
    assert d.gate is not None
    assert not d.gate.all_met
    assert "retest_due" in flag_kinds(d)


@pytest.mark.parametrize(("age", "counts"), [(RETEST - 1, True), (RETEST, True),
                                             (RETEST + 1, False)])
def test_gate_tests_count_until_retest_days_old(age: int, counts: bool) -> None:
    # All tests taken once, `age` days before the check (early enough for stage 2 as well).
    n = IN_STAGE3 - age
    assert 0 <= n <= S3 - 1
    h = history(measurements=[*ankle_tests(n), *clearance_tests(n)],
                sessions=sessions(0, IN_STAGE3))
    d = run(h, IN_STAGE3)
    assert d.stage == 3
    for criterion_id in TESTED:
        r = criterion_result(d, criterion_id)
        assert r.assessed is counts, criterion_id
        assert r.met is counts, criterion_id
        assert r.stale is not counts, criterion_id  # tested, but too long ago
        assert r.value_text != "out of date" if counts else r.value_text == "out of date"
        assert (f"last tested {day(n).isoformat()}" in r.where) is not counts
        assert (f"last tested {day(n).isoformat()}" in r.reason) is not counts
    due = [f.message for f in d.flags if f.kind == "retest_due"]
    if counts:
        assert due == []
    else:
        assert len(due) == 1
        for criterion_id in TESTED:
            assert f"{crit(3, criterion_id).label} (last done more than 28 days ago)" in due[0]


def test_out_of_date_on_one_side_only() -> None:
    old, new = IN_STAGE3 - RETEST - 1, IN_STAGE3 - 2
    left_only = [m for m in clearance_tests(new) if m.side is Side.LEFT]
    h = history(measurements=[*ankle_tests(old), *clearance_tests(old), *left_only],
                sessions=sessions(0, IN_STAGE3))
    d = run(h, IN_STAGE3)
    r = criterion_result(d, "side_hop_lsi")
    assert not r.assessed
    assert r.stale
    assert f"right last tested {day(old).isoformat()}, more than {RETEST} days ago" in r.where
    assert "left last tested" not in r.where
    assert r.value_text == "out of date"


# --- minimum days in a stage -------------------------------------------------------------------


@pytest.mark.parametrize(("min_days", "advanced"), [(6, True), (7, True), (8, False)])
def test_advance_needs_min_days_in_stage(min_days: int, advanced: bool) -> None:
    text = resources.files("anklet.data").joinpath("protocol.yaml").read_text(encoding="utf-8")
    old = "min_days: {value: 7, source: convention}"
    assert text.count(old) == 1
    proto = parse_protocol(text.replace(old, f"min_days: {{value: {min_days}, "
                                             f"source: convention}}"), name="coach.yaml")
    h = history(sessions=sessions(0, 14, [FOOT_RELEASE]))
    d = run(h, 7, protocol=proto)  # 7 days after the start, a Monday
    assert d.stage == (2 if advanced else 1)
    assert (("advance", day(7)) in [(c.kind, c.date) for c in d.timeline]) is advanced
    if not advanced:
        assert run(h, 14, protocol=proto).stage == 2


def test_advance_not_one_day_before_min_days() -> None:
    # Starting on a Tuesday, the first Monday is 6 days in: one day short of stage 1's 7.
    start = 1
    h = history(screenings=[screening(start)], sessions=sessions(start, start + 14, [FOOT_RELEASE]),
                start=start)
    assert int(PROTOCOL.stage(1).min_days.value) == 7
    d = run(h, 7)
    assert d.stage == 1
    assert d.gate is not None
    assert d.gate.all_met
    d = run(h, 14)
    assert d.stage == 2
    assert d.stage_since == day(14)


@pytest.mark.parametrize(("as_of", "stage"), [(S2 - 1, 1), (S2, 2), (S3 - 1, 2), (S3, 3),
                                              (S4 - 1, 3), (S4, 4)])
def test_advance_at_exactly_min_days_of_each_stage(as_of: int, stage: int) -> None:
    d = run(progressed(), as_of)
    assert d.stage == stage
    assert d.stage_since == day({1: 0, 2: S2, 3: S3, 4: S4}[stage])


def test_advance_reason_lists_every_criterion_that_counted() -> None:
    d = run(progressed(), S3)
    adv = d.timeline[-1]
    assert (adv.kind, adv.from_stage, adv.to_stage) == ("advance", 2, 3)
    # the lunge-angle alternatives were not tested: the knee-to-wall ones counted, and only
    # those are listed (never "no current result" inside an advance)
    standing_aside = {"test_pain_angle", "range_symmetry_angle"}
    for c in PROTOCOL.stage(2).gate:
        assert (c.label in adv.reason) is (c.id not in standing_aside), c.id
    assert "no current result" not in adv.reason


# --- pain monitoring (Silbernagel2007) ------------------------------------------------------


def foot_person(override: Mapping[int, Mapping[str, Any]] | None = None, last: int = 20,
                scr: Iterable[Screening] | None = None) -> History:
    """Foot release every day: meets the stage-1 gate throughout."""
    return history(screenings=scr, sessions=sessions(0, last, [FOOT_RELEASE], override=override))


@pytest.mark.parametrize(("pain", "cut"), [(ACCEPTABLE - 1, False), (ACCEPTABLE, False),
                                           (ACCEPTABLE + 1, True)])
def test_pain_monitoring_cuts_dose_only_above_acceptable(pain: int, cut: bool) -> None:
    h = foot_person({3: {"pain_during": pain}})
    d = run(h, 4)
    assert (("reduce_dose", day(3)) in [(c.kind, c.date) for c in d.timeline]) is cut
    assert ("pain_flare" in flag_kinds(d)) is cut
    assert ("hold" in flag_kinds(d)) is cut
    if cut:
        change = next(c for c in d.timeline if c.kind == "reduce_dose")
        assert (change.from_stage, change.to_stage) == (1, 1)
        assert f"{pain}/10" in change.reason


@pytest.mark.parametrize(("pain", "held"), [(ACCEPTABLE, False), (ACCEPTABLE + 1, True)])
def test_pain_monitoring_flare_holds_advance_within_window(pain: int, held: bool) -> None:
    # The stage-1 gate is met on every Monday; a flare 4 days before the first one holds it.
    h = foot_person({S2 - 4: {"pain_during": pain}})
    d = run(h, S2)
    assert d.gate is not None
    assert d.stage == (1 if held else 2)
    if held:
        assert "hold" in flag_kinds(d)
        assert "advance" not in kinds(d)
        later = run(h, S2 + 7)  # the flare is out of the window by the next Monday
        assert later.stage == 2
        assert later.stage_since == day(S2 + 7)


def test_pain_monitoring_hold_lasts_the_whole_window() -> None:
    # A flare on the Tuesday before the Monday (6 days earlier) still holds.
    h = foot_person({S2 - (WINDOW - 1): {"pain_during": ACCEPTABLE + 1}}, last=S2 + 7)
    assert run(h, S2).stage == 1
    # A flare WINDOW days before the Monday is outside the window: no hold.
    h = foot_person({S2 - WINDOW: {"pain_during": ACCEPTABLE + 1}}, last=S2 + 7)
    d = run(h, S2)
    assert d.stage == 2


def stage2_person(override: Mapping[int, Mapping[str, Any]] | None = None,
                  last: int = 40) -> History:
    """Everything daily but no tests: stage 2 from S2, and never past it."""
    return history(sessions=sessions(0, last, override=override))


@pytest.mark.parametrize(("gap", "steps_back"), [(WINDOW - 2, True), (WINDOW - 1, True),
                                                 (WINDOW, False)])
def test_pain_monitoring_two_flares_within_window_step_back(gap: int, steps_back: bool) -> None:
    first = S2 + 1
    second = first + gap
    h = stage2_person({first: {"pain_during": ACCEPTABLE + 1},
                       second: {"pain_during": ACCEPTABLE + 1}})
    assert run(h, second - 1).stage == 2
    d = run(h, second)
    if steps_back:
        assert d.stage == 1
        change = d.timeline[-1]
        assert (change.kind, change.date, change.from_stage, change.to_stage) == (
            "step_back", day(second), 2, 1)
        assert d.stage_since == day(second)
        assert "2 sessions" in change.reason
    else:
        assert d.stage == 2
        assert kinds(d).count("reduce_dose") == 2
        assert "step_back" not in kinds(d)


def test_pain_monitoring_never_steps_below_stage_one() -> None:
    h = foot_person({1: {"pain_during": 9}, 2: {"pain_during": 8}, 3: {"pain_during": 10}})
    d = run(h, 4)
    assert d.stage == 1
    assert kinds(d) == ["start", "reduce_dose", "reduce_dose", "reduce_dose"]
    assert all(c.to_stage >= 1 for c in d.timeline)


@pytest.mark.parametrize(("before", "morning", "cut"), [(1, 0, False), (1, 1, False),
                                                         (1, 2, True), (0, 1, True)])
def test_pain_monitoring_cuts_dose_when_morning_pain_above_before(before: int, morning: int,
                                                                   cut: bool) -> None:
    h = foot_person({3: {"pain_before": before, "pain_next_morning": morning}})
    d = run(h, 4)
    assert ("reduce_dose" in kinds(d)) is cut
    assert ("not_settled" in flag_kinds(d)) is cut
    if cut:
        change = d.timeline[-1]
        assert change.date == day(3)
        assert f"{morning}/10" in change.reason
        assert f"({before}/10)" in change.reason


@pytest.mark.parametrize(("morning", "cut"), [(2, False), (3, True)])
def test_pain_monitoring_uses_rest_pain_when_before_not_given(morning: int, cut: bool) -> None:
    scr = [screening(0, left=Symptoms(pain_rest=2))]
    h = foot_person({3: {"pain_next_morning": morning}}, scr=scr)
    assert ("reduce_dose" in kinds(run(h, 4))) is cut


@pytest.mark.parametrize(("weekly", "steps_back"), [
    ((0, SAFE - 1, SAFE, SAFE + 1), True),      # rising twice, ending above safe
    ((0, SAFE - 2, SAFE - 1, SAFE), False),     # rising twice, but never above safe
    ((0, SAFE + 1, SAFE + 1, SAFE + 2), False),  # rising once only
    ((0, SAFE + 2, SAFE + 1, SAFE + 3), False),  # down then up
])
def test_pain_monitoring_rising_weekly_pain_steps_back(weekly: tuple[int, ...],
                                                       steps_back: bool) -> None:
    assert int(PM.rising_weeks.value) == 2
    # Week k is days 7k..7k+6; stage 2 from day 7. Checked on the Monday after week 3.
    override = {n: {"pain_during": weekly[n // 7]} for n in range(28)}
    h = stage2_person(override, last=27)
    before = run(h, 27)
    assert before.stage == 2
    d = run(h, 28)
    if steps_back:
        assert d.stage == 1
        change = d.timeline[-1]
        assert (change.kind, change.date, change.from_stage, change.to_stage) == (
            "step_back", day(28), 2, 1)
        assert "rose week over week" in change.reason
        assert "rising_pain" in flag_kinds(d)
    else:
        assert d.stage == 2
        assert "step_back" not in kinds(d)


# --- range loss ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("best", "new", "steps_back"), [
    (9.1, 7.3, False),   # 1.8 cm lower
    (9.1, 7.2, False),   # exactly the MDC (these two decimals subtract to exactly 1.9)
    (9.1, 7.1, True),    # 2.0 cm lower
])
def test_range_loss_beyond_mdc_steps_back_from_stage_3(best: float, new: float,
                                                       steps_back: bool) -> None:
    assert MDC == 1.9
    tests = clearance_tests(S3 + 7, {MeasureKind.KNEE_TO_WALL: (best, 11.0)})
    retest = [Measurement(date=day(IN_STAGE3), side=Side.LEFT, kind=MeasureKind.KNEE_TO_WALL,
                          value=new, pain=0)]
    d = run(progressed(tests=tests, extra_tests=retest), IN_STAGE3)
    if steps_back:
        assert d.stage == 2
        change = d.timeline[-1]
        assert (change.kind, change.date, change.from_stage, change.to_stage) == (
            "step_back", day(IN_STAGE3), 3, 2)
        assert f"{best:.1f} cm" in change.reason
        assert f"{new:.1f} cm" in change.reason
        assert "Left" in change.reason
        assert "range_loss" in flag_kinds(d)
    else:
        assert d.stage == 3
        assert kinds(d)[-1] == "advance"


def test_range_loss_exactly_mdc_with_common_decimals_does_not_step_back() -> None:
    tests = clearance_tests(S3 + 7, {MeasureKind.KNEE_TO_WALL: (12.0, 12.0)})
    retest = [Measurement(date=day(IN_STAGE3), side=Side.LEFT, kind=MeasureKind.KNEE_TO_WALL,
                          value=10.1, pain=0)]
    d = run(progressed(tests=tests, extra_tests=retest), IN_STAGE3)
    assert d.stage == 3


def test_range_loss_below_stage_3_only_cuts_dose() -> None:
    retest = pair(IN_STAGE2, MeasureKind.KNEE_TO_WALL, 5.0, 8.0, pain=0)
    d = run(in_stage2(tests=[*ankle_tests(IN_STAGE2 - 4), *retest]), IN_STAGE2)
    assert d.stage == 2
    change = d.timeline[-1]
    assert (change.kind, change.date) == ("reduce_dose", day(IN_STAGE2))
    assert "knee-to-wall fell" in change.reason
    assert "range_loss" in flag_kinds(d)


@pytest.mark.parametrize(("age", "steps_back"), [
    (int(PROTOCOL.range_loss.lookback_days.value), True),
    (int(PROTOCOL.range_loss.lookback_days.value) + 1, False),
])
def test_range_loss_compares_with_best_within_lookback(age: int, steps_back: bool) -> None:
    # Best left 12.5 cm on S3 + 7; a 10.0 cm re-test `age` days later (in stage 4 by then).
    best_day = S3 + 7
    tests = clearance_tests(best_day, {MeasureKind.KNEE_TO_WALL: (12.5, 12.5)})
    retest = [Measurement(date=day(best_day + age), side=Side.LEFT,
                          kind=MeasureKind.KNEE_TO_WALL, value=10.0, pain=0)]
    h = progressed(tests=tests, extra_tests=retest, last_day=best_day + age + 7)
    d = run(h, best_day + age)
    assert (d.timeline[-1].kind == "step_back") is steps_back
    assert d.stage == (3 if steps_back else 4)


# --- red flags --------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", PROTOCOL.red_flags, ids=lambda f: f.id)
def test_red_flag_yes_refers_and_stops_prescribing(flag: RedFlag) -> None:
    h = foot_person(scr=[screening(0, yes=[flag.id])])
    d = run(h, 3)
    assert d.status == "refer"
    assert not d.can_prescribe
    assert not d.clear_to_train
    assert [hit.id for hit in d.red_flags] == [flag.id]
    assert d.red_flags[0].question == flag.question
    assert any(flag.question in r for r in d.reasons)
    assert "red_flag" in flag_kinds(d)


def test_red_flag_every_yes_is_named() -> None:
    ids = [f.id for f in PROTOCOL.red_flags[:3]]
    d = run(foot_person(scr=[screening(0, yes=ids)]), 3)
    assert [hit.id for hit in d.red_flags] == ids
    assert sum(f.kind == "red_flag" for f in d.flags) == 3


def test_red_flag_cleared_by_a_later_screening_resumes() -> None:
    flag = PROTOCOL.red_flags[0]
    h = foot_person(scr=[screening(0, yes=[flag.id]), screening(4)])
    assert run(h, 3).status == "refer"
    d = run(h, 4)
    assert d.status == "working"
    assert d.can_prescribe
    assert d.red_flags == ()
    assert not any(flag.question in r for r in d.reasons)


def test_screen_needed_when_screening_misses_answers() -> None:
    missing = [PROTOCOL.red_flags[1].id, PROTOCOL.red_flags[-1].id]
    d = run(foot_person(scr=[screening(0, omit=missing)]), 3)
    assert d.status == "screen_needed"
    assert not d.can_prescribe
    assert list(d.missing_screen) == missing
    assert all(any(m in r for r in d.reasons) for m in missing)
    assert "screen_needed" in flag_kinds(d)


def test_screen_needed_without_any_screening() -> None:
    d = run(foot_person(scr=[]), 3)
    assert d.status == "screen_needed"
    assert not d.can_prescribe
    assert d.stage is None
    assert d.gate is None
    assert d.missing_screen == tuple(f.id for f in PROTOCOL.red_flags)


def test_screen_needed_when_the_only_screening_is_after_as_of() -> None:
    d = run(foot_person(scr=[screening(5)]), 3)
    assert d.status == "screen_needed"


# --- dose level ---------------------------------------------------------------------------------


KEPT_PAIN = SAFE + 1
"""Session pain in the acceptable zone: no cut, but not the calm weeks that bring harder
versions (and with them a fresh start of the amounts), so only the dose level moves."""


def kept_weeks_history(days: int, *, extra: Iterable[Session] = (),
                       pain: int = KEPT_PAIN) -> History:
    """Stage-1 targets kept every day (foot release and awareness), but rest pain 3/10 holds
    the person in stage 1, so only the dose moves (and, with calm sessions, the exercise
    level)."""
    sore = Symptoms(pain_rest=3)
    return history(screenings=[screening(0, left=sore, right=sore)],
                   sessions=[*(session(n, [FOOT_RELEASE, FOOT_AWARENESS], pain_during=pain)
                               for n in range(days + 1)), *extra])


@pytest.mark.parametrize("weeks", range(8))
def test_dose_level_rises_each_kept_week_up_to_max(weeks: int) -> None:
    h = kept_weeks_history(7 * weeks + 6)
    expected = min(DOSING.max_level.value,
                   DOSING.start_level.value + DOSING.weekly_increase.value * weeks)
    d = run(h, 7 * weeks)
    assert d.stage == 1
    assert d.dose_level == pytest.approx(expected)
    assert run(h, 7 * weeks + 6).dose_level == pytest.approx(expected)


@pytest.mark.parametrize(("days", "words"), [
    (1, "Your week can hold this on 1 day; doing it on that day counts"),
    (2, "Your week can hold this on 2 days; doing it on all 2 counts")])
def test_a_gate_lowered_to_the_week_says_so_in_plain_words(days: int, words: str) -> None:
    minutes = [30] * days + [0] * (7 - days)
    h = foot_person().model_copy(update={"availability": Availability(
        **dict(zip(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), minutes, strict=True)))})
    d = run(h, 3)
    assert d.gate is not None
    c = next(x for x in d.gate.criteria if x.id == "foot_release_days")
    assert words in (c.note or ""), c.note


@pytest.mark.parametrize(("as_of", "words"), [(0, "(0 days)"), (1, "(1 day)"), (2, "(2 days)")])
def test_days_in_the_stage_read_in_plain_words(as_of: int, words: str) -> None:
    d = run(foot_person(), as_of)
    assert d.reasons[0].startswith(f"Stage 1 ({PROTOCOL.stage(1).name}) since {day(0)} {words}.")


@pytest.mark.parametrize(("as_of", "variant", "level"), [
    (13, 1, 1.1), (14, 2, 1.0), (21, 2, 1.1), (27, 2, 1.1), (28, 3, 1.0), (35, 3, 1.1),
    (42, 3, 1.2)])
def test_harder_versions_start_their_amounts_afresh(as_of: int, variant: int,
                                                    level: float) -> None:
    # calm kept weeks: the exercise level rises after weeks 2 and 4; the amounts then start
    # again from the start level and build up, one thing harder at a time
    h = kept_weeks_history(7 * 7 + 6, pain=0)
    d = run(h, as_of)
    assert d.stage == 1
    assert d.variant_level == variant
    start, step = DOSING.start_level.value, DOSING.weekly_increase.value
    assert d.dose_level == pytest.approx(start + step * round((level - start) / step))
    # said in the week the harder versions come in
    fresh = [r for r in d.reasons if r.startswith("Harder versions")]
    assert bool(fresh) is (as_of in (14, 28))


def test_harder_versions_during_a_cut_keep_the_cut_amounts() -> None:
    # two painful sessions in the first week cut the dose twice; weeks 1 and 2 are calm, so
    # harder versions come on day 21 while the cut has not climbed back: the amounts stay
    # where the cut left them (they never go up for harder versions)
    flares = [session(n, [FOOT_AWARENESS], pain_during=ACCEPTABLE + 1) for n in (2, 4)]
    h = kept_weeks_history(27, pain=0, extra=flares)
    before, d = run(h, 20), run(h, 21)
    assert d.variant_level == before.variant_level + 1
    assert d.dose_level == pytest.approx(before.dose_level + DOSING.weekly_increase.value)
    assert d.dose_level < DOSING.start_level.value
    fresh = [r for r in d.reasons if r.startswith("Harder versions")]
    assert len(fresh) == 1
    assert "stay cut" in fresh[0]


def test_a_cut_after_harder_versions_came_in_governs_the_dose() -> None:
    h = kept_weeks_history(27, pain=0, extra=[session(15, [FOOT_AWARENESS],
                                                      pain_during=ACCEPTABLE + 1)])
    d = run(h, 16)
    assert d.dose_level == pytest.approx(round(DOSING.start_level.value
                                               * DOSING.flare_factor.value, 2))
    assert not [r for r in d.reasons if r.startswith("Harder versions")]


def test_dose_level_does_not_rise_without_training() -> None:
    h = history()  # no sessions at all
    assert run(h, 7 * 6).dose_level == pytest.approx(DOSING.start_level.value)


def test_dose_level_skips_a_week_whose_targets_were_missed() -> None:
    # week 0 kept, week 1 empty, week 2 kept: two rises by day 21, not three
    sore = Symptoms(pain_rest=3)
    kept = [session(n, [FOOT_RELEASE, FOOT_AWARENESS], pain_during=KEPT_PAIN)
            for n in (*range(7), *range(14, 21))]
    h = history(screenings=[screening(0, left=sore, right=sore)], sessions=kept)
    assert run(h, 21).dose_level == pytest.approx(
        DOSING.start_level.value + 2 * DOSING.weekly_increase.value)


def test_dose_level_reaches_max_and_stays_there() -> None:
    steps = round((DOSING.max_level.value - DOSING.start_level.value)
                  / DOSING.weekly_increase.value)
    h = kept_weeks_history(7 * steps + 70)
    assert run(h, 7 * steps - 1).dose_level < DOSING.max_level.value
    assert run(h, 7 * steps).dose_level == pytest.approx(DOSING.max_level.value)
    assert run(h, 7 * steps + 70).dose_level == pytest.approx(DOSING.max_level.value)


def test_dose_level_cut_by_flare_factor_on_flare() -> None:
    h = kept_weeks_history(27, extra=[session(14, [FOOT_AWARENESS], pain_during=ACCEPTABLE + 1)])
    level_before = DOSING.start_level.value + 2 * DOSING.weekly_increase.value
    assert run(h, 13).dose_level == pytest.approx(
        DOSING.start_level.value + DOSING.weekly_increase.value)
    assert run(h, 14).dose_level == pytest.approx(
        round(level_before * DOSING.flare_factor.value, 2))
    # and it rises again once the next complete week with the targets kept is over
    assert run(h, 20).dose_level == pytest.approx(
        round(level_before * DOSING.flare_factor.value, 2))
    assert run(h, 21).dose_level == pytest.approx(
        round(level_before * DOSING.flare_factor.value + DOSING.weekly_increase.value, 2))


@pytest.mark.parametrize("flares", [1, 2, 3, 4, 5])
def test_dose_level_never_below_min_level(flares: int) -> None:
    h = history(sessions=[session(n, [FOOT_AWARENESS], pain_during=9)
                          for n in range(1, flares + 1)])
    expected = max(DOSING.min_level.value,
                   DOSING.start_level.value * DOSING.flare_factor.value ** flares)
    assert run(h, flares).dose_level == pytest.approx(round(expected, 2))
    assert run(h, flares).dose_level >= DOSING.min_level.value


def test_dose_level_resets_to_start_on_advancing() -> None:
    # targets kept from day 0; rest pain 3/10 until a calm check-in on day 10, so the gate is
    # first met on the Sunday of day 13 and stage 2 starts on day 14
    sore = Symptoms(pain_rest=3)
    h = history(screenings=[screening(0, left=sore, right=sore), screening(10)],
                sessions=sessions(0, 13, [FOOT_RELEASE, FOOT_AWARENESS]))
    d = run(h, 13)
    assert d.stage == 1
    assert d.dose_level == pytest.approx(DOSING.start_level.value + DOSING.weekly_increase.value)
    d = run(h, 14)
    assert d.stage == 2
    assert d.dose_level == pytest.approx(DOSING.start_level.value)


@pytest.mark.parametrize(("pain", "cut"), [(ACCEPTABLE, False), (ACCEPTABLE + 1, True)])
def test_a_new_stage_starts_with_the_dose_still_cut_after_a_pain_cut(pain: int,
                                                                     cut: bool) -> None:
    # as above, with a painful session on day 5: its cut (to 80 %) is out of the hold window
    # by day 14 and has climbed one kept week (to 90 %): stage 2 starts there, not at 100 %
    sore = Symptoms(pain_rest=3)
    h = history(screenings=[screening(0, left=sore, right=sore), screening(10)],
                sessions=sessions(0, 20, [FOOT_RELEASE, FOOT_AWARENESS],
                                  override={5: {"pain_during": pain}}))
    d = run(h, 14)
    assert d.stage == 2
    assert kinds(d) == (["start", "reduce_dose", "advance"] if cut else ["start", "advance"])
    carried = [r for r in d.reasons if "still cut" in r]
    if cut:
        expected = DOSING.start_level.value * DOSING.flare_factor.value \
            + DOSING.weekly_increase.value
        assert d.dose_level == pytest.approx(round(expected, 2))
        assert d.dose_level < DOSING.start_level.value
        assert len(carried) == 1
        assert f"{pain}/10" in carried[0]
        assert day(5).isoformat() in carried[0]
        assert "10 % less than at the start" in carried[0]
    else:
        assert d.dose_level == pytest.approx(DOSING.start_level.value)
        assert carried == []


def test_a_cut_dose_climbs_back_in_the_new_stage_and_the_reason_goes_with_it() -> None:
    sore = Symptoms(pain_rest=3)
    daily = [FOOT_RELEASE, FOOT_AWARENESS, SHIN_CALF, ANKLE_ALL_FOUR, BALANCE]
    h = history(screenings=[screening(0, left=sore, right=sore), screening(10), screening(20)],
                sessions=sessions(0, 27, daily, override={5: {"pain_during": ACCEPTABLE + 1}}))
    d = run(h, 21)  # a kept week in stage 2: back at the start level
    assert d.stage == 2
    assert d.dose_level == pytest.approx(DOSING.start_level.value)
    assert not [r for r in d.reasons if "still cut" in r]


# --- asymmetry ----------------------------------------------------------------------------------


def asym(kind: MeasureKind, left: float, right: float) -> Any:
    rule_measure = "dorsiflexion" if kind is MeasureKind.KNEE_TO_WALL else kind.value
    d = run(history(measurements=pair(3, kind, left, right)), 3)
    result = next(a for a in d.asymmetries if a.measure == rule_measure)
    rule = next(r for r in PROTOCOL.asymmetry if r.measure == rule_measure)
    assert (result.kind, result.threshold, result.source) == (rule.kind, rule.threshold,
                                                              rule.source)
    return d, result


@pytest.mark.parametrize(("kind", "left", "right", "behind"), [
    (MeasureKind.KNEE_TO_WALL, 10.0, 11.4, None),
    (MeasureKind.KNEE_TO_WALL, 10.0, 11.5, None),        # at 1.5 cm: within
    (MeasureKind.KNEE_TO_WALL, 10.0, 11.6, "left"),
    (MeasureKind.KNEE_TO_WALL, 11.6, 10.0, "right"),
    (MeasureKind.Y_BALANCE_ANTERIOR, 62.0, 65.9, None),
    (MeasureKind.Y_BALANCE_ANTERIOR, 62.0, 66.0, None),  # at 4 cm: within
    # above 4 cm but within the 5.5 cm measurement error: see the tests further down
    (MeasureKind.Y_BALANCE_ANTERIOR, 62.0, 67.6, "left"),
    (MeasureKind.Y_BALANCE_ANTERIOR, 67.6, 62.0, "right"),
])
def test_asymmetry_difference_meaningful_only_above_threshold(
        kind: MeasureKind, left: float, right: float, behind: str | None) -> None:
    d, a = asym(kind, left, right)
    assert a.kind == "difference"
    assert a.difference == pytest.approx(abs(left - right))
    assert a.meaningful is (behind is not None)
    assert fmt(left, a.unit) in a.reason
    assert fmt(right, a.unit) in a.reason
    if behind:
        assert f"the {behind} side is behind" in a.reason
        assert a.reason in d.reasons
    else:
        assert "behind" not in a.reason
        assert a.reason not in d.reasons


@pytest.mark.parametrize(("kind", "left", "right"), [
    (MeasureKind.KNEE_TO_WALL, 8.3, 6.8),
    (MeasureKind.Y_BALANCE_ANTERIOR, 64.4, 60.4),
])
def test_asymmetry_difference_at_threshold_with_common_decimals_not_meaningful(
        kind: MeasureKind, left: float, right: float) -> None:
    _, a = asym(kind, left, right)
    assert not a.meaningful


@pytest.mark.parametrize(("left", "right", "behind"), [
    (18, 20, None),      # 90 %: at the threshold, not meaningful
    (89, 100, "left"),   # 89 %
    (100, 89, "right"),
    (20, 20, None),
])
def test_asymmetry_lsi_meaningful_only_below_threshold(left: int, right: int,
                                                       behind: str | None) -> None:
    d, a = asym(MeasureKind.HEEL_RAISE, left, right)
    assert a.kind == "lsi"
    assert a.lsi == pytest.approx(100 * min(left, right) / max(left, right))
    assert a.meaningful is (behind is not None)
    if behind:
        assert f"the {behind} side is behind" in a.reason
        assert "89%" in a.reason
        assert a.reason in d.reasons
    else:
        assert "behind" not in a.reason


@pytest.mark.parametrize(("left", "right", "behind"), [
    (10.0, 9.0, None),     # 90 %
    (10.0, 8.9, "left"),   # left slower: 89 %
    (8.9, 10.0, "right"),  # right slower
])
def test_asymmetry_side_hop_names_the_slower_side(left: float, right: float,
                                                  behind: str | None) -> None:
    _, a = asym(MeasureKind.SIDE_HOP, left, right)
    assert a.meaningful is (behind is not None)
    if behind:
        assert f"the {behind} side is behind" in a.reason


def test_asymmetry_skipped_without_both_sides() -> None:
    h = history(measurements=[Measurement(date=day(3), side=Side.LEFT,
                                          kind=MeasureKind.HEEL_RAISE, value=10)])
    assert run(h, 3).asymmetries == ()


# --- clearance ----------------------------------------------------------------------------------


def test_clear_to_train_in_stage_4_with_every_criterion_met() -> None:
    d = run(progressed(), S4)
    assert d.stage == 4
    assert d.gate is not None
    assert d.gate.all_met
    assert d.clear_to_train
    assert d.status == "clear"
    assert "clear_to_train" in flag_kinds(d)


def test_clear_to_train_never_before_stage_4() -> None:
    d = run(progressed(), S4 - 1)
    assert d.stage == 3
    assert d.gate is not None
    assert d.gate.all_met
    assert not d.clear_to_train
    assert d.status == "working"


def test_clear_stays_when_tests_lapse_in_stage_4() -> None:
    # Once cleared, out-of-date tests are reminders: clearance does not flip off for them.
    h = progressed()
    tested = S3 + 7
    assert run(h, tested + RETEST).status == "clear"
    d = run(h, tested + RETEST + 1)
    assert d.stage == 4
    assert d.status == "clear"
    assert d.clear_to_train
    assert "retest_due" in flag_kinds(d)
    unmet = [c for c in d.gate.criteria if not c.met and c.required]  # type: ignore[union-attr]
    # the tests and the questionnaires answered with them lapse together
    assert {c.id for c in unmet} == {*TESTED, "heel_raise_reps", "cait", "faam_adl",
                                     "faam_sports"}
    assert all(not c.assessed for c in unmet)
    assert any("Some tests are due again" in r for r in d.reasons)


def test_clearance_paused_by_session_pain_above_safe_in_stage_4() -> None:
    for pain, clear in ((SAFE, True), (SAFE + 1, False)):
        d = run(progressed(override={S4 + 2: {"pain_during": pain}}), S4 + 3)
        assert d.stage == 4
        assert d.clear_to_train is clear, pain
        assert any("Clear to train is paused: pain reached" in r for r in d.reasons) is not clear


def test_maintain_check_when_giving_way_in_stage_4() -> None:
    scr = fresh(screening(0), check_in(S4 + 3, right=Symptoms(giving_way=True)))
    d = run(progressed(screenings=scr), S4 + 3)
    assert d.stage == 4
    assert d.status == "maintain_check"
    assert not d.clear_to_train
    assert not criterion_result(d, "giving_way").met
    assert any(r.startswith("Clear to train is paused: the right ankle gave way") for r in d.reasons)


# --- references ---------------------------------------------------------------------------------


def test_validate_references_accepts_known_ids() -> None:
    validate_references(progressed(), PROTOCOL, LIBRARY)


def test_validate_references_names_unknown_exercise_and_red_flag() -> None:
    bad_session = Session(date=day(2), exercises=[ExerciseLog(exercise_id=FOOT_RELEASE),
                                                  ExerciseLog(exercise_id="moonwalk")])
    sc = screening(0)
    sc = sc.model_copy(update={"red_flags": {**sc.red_flags, "broken_leg": False}})
    h = history(screenings=[sc], sessions=[session(1, [FOOT_RELEASE]), bad_session])
    with pytest.raises(HistoryError) as info:
        validate_references(h, PROTOCOL, LIBRARY, source="ada.json")
    err = info.value
    assert err.source == "ada.json"
    fields = {f: (v, a) for f, v, a in err.problems}
    assert fields["sessions[1].exercises[1].exercise_id"][0] == "moonwalk"
    assert fields["screenings[0].red_flags.broken_leg"][0] == "broken_leg"
    assert PROTOCOL.red_flags[0].id in fields["screenings[0].red_flags.broken_leg"][1]
    assert len(err.problems) == 2
    assert "moonwalk" in str(err)
    assert "broken_leg" in str(err)


# --- self-report criteria on the clearance checklist ----------------------------------------------


def reported(reports: list[QuestionnaireResponse], as_of: int = IN_STAGE3, **kw: Any) -> Decision:
    """The decision on ``as_of`` (in stage 3) for someone who passes every test and answered
    ``reports`` (no weekly readiness check besides)."""
    d = run(progressed(reports=reports, weekly_readiness=False, **kw), as_of)
    assert d.stage == 3
    return d


@pytest.mark.parametrize(("total", "met"), [(24, False), (25, False), (26, True), (27, True)])
def test_gate_cait_needs_more_than_25_on_each_side(total: int, met: bool) -> None:
    # Wright2014: a CAIT of 25 or less suggests an unstable ankle, so 25 fails and 26 passes
    r = criterion_result(reported(self_reports(S3 + 7, cait_lr=(30, total))), "cait")
    assert r.values == {"left": 30.0, "right": float(total)}
    assert_judged(r, met=met, shown=[30, total])
    assert r.source == "Wright2014"
    assert r.domain == "athlete_perception"


def test_gate_cait_not_assessed_without_one_side() -> None:
    reports = [q for q in self_reports(S3 + 7) if q.side is not Side.RIGHT]
    r = criterion_result(reported(reports), "cait")
    assert r.values == {"left": 30.0, "right": None}
    assert not r.assessed
    assert "right none answered in the last 28 days" in r.reason
    assert "anklet questionnaire cait" in r.reason


@pytest.mark.parametrize(("adl", "na", "pct", "met"), [
    (75, [], 75 / 84 * 100, False),          # 21 answered: 75 ÷ 84 = 89.29 %
    (76, ["adl_21"], 90.0, True),            # 20 answered: (76 − 4) ÷ 80 = 90 %
    (76, [], 76 / 84 * 100, True),           # 21 answered: 76 ÷ 84 = 90.48 %
])
def test_gate_faam_adl_met_from_90_percent(adl: int, na: list[str], pct: float,
                                           met: bool) -> None:
    reports = [*self_reports(S3 + 7)[:2], faam(S3 + 7, adl=adl, na=na), readiness(S3 + 7)]
    r = criterion_result(reported(reports), "faam_adl")
    assert r.values["both"] == pytest.approx(pct)
    assert_judged(r, met=met, shown=[pct])
    assert r.source == "convention"
    assert r.note is not None
    assert "derived from IAC2014" in r.note


@pytest.mark.parametrize(("sports", "met"), [(25, False), (26, True)])  # 78.1 %, 81.25 %
def test_gate_faam_sports_met_from_80_percent(sports: int, met: bool) -> None:
    reports = [*self_reports(S3 + 7)[:2], faam(S3 + 7, sports=sports), readiness(S3 + 7)]
    r = criterion_result(reported(reports), "faam_sports")
    assert r.values["both"] == pytest.approx(sports / 32 * 100)
    assert r.met is met


def test_gate_faam_sports_exactly_80_percent_passes() -> None:
    # 80 % cannot come out of 7 or 8 answered items (it needs 3.2 points a item); the rule
    # itself is checked at the threshold and either side of it
    c = crit(3, "faam_sports")
    assert (c.passes(79.99), c.passes(80.0), c.passes(80.01)) == (False, True, True)
    c = crit(3, "faam_adl")
    assert (c.passes(89.99), c.passes(90.0)) == (False, True)


def test_gate_faam_not_scorable_is_not_assessed_and_says_why() -> None:
    reports = [*self_reports(S3 + 7)[:2], faam(S3 + 7, na=["adl_1", "adl_2", "adl_3"]),
               readiness(S3 + 7)]
    d = reported(reports)
    r = criterion_result(d, "faam_adl")
    assert not r.assessed
    assert not r.met
    assert "not scorable (18 of 21 items answered; 19 needed)" in r.reason
    assert criterion_result(d, "faam_sports").met


@pytest.mark.parametrize(("confidence", "met"), [(7, False), (8, True), (9, True)])
def test_gate_confidence_met_from_8(confidence: int, met: bool) -> None:
    r = criterion_result(reported(self_reports(S3 + 7, confidence=confidence)), "confidence")
    assert r.values == {"both": float(confidence)}
    assert_judged(r, met=met, shown=[confidence])


@pytest.mark.parametrize(("age", "counts"), [(13, True), (14, True), (15, False)])
def test_gate_confidence_counts_for_14_days(age: int, counts: bool) -> None:
    reports = [*self_reports(S3 + 7)[:3], readiness(IN_STAGE3 - age)]
    r = criterion_result(reported(reports), "confidence")
    assert r.assessed is counts


@pytest.mark.parametrize(("pain", "met"), [(1, True), (2, True), (3, False)])
def test_gate_pain_24h_met_up_to_2(pain: int, met: bool) -> None:
    d = reported(self_reports(S3 + 7, pain_24h=pain))
    r = criterion_result(d, "pain_24h")
    assert_judged(r, met=met, shown=[pain])
    assert r.domain == "pain"


def test_gate_pain_24h_not_assessed_when_not_asked() -> None:
    r = criterion_result(reported(self_reports(S3 + 7, pain_24h=None)), "pain_24h")
    assert not r.assessed
    assert "--pain-24h" in r.reason
    # the confidence from the same check still counts
    assert criterion_result(reported(self_reports(S3 + 7, pain_24h=None)), "confidence").met


def test_gate_with_every_self_report_and_test_passing_is_met() -> None:
    d = reported(self_reports(S3 + 7))
    assert d.gate is not None
    assert d.gate.all_met


# --- sessions: agility and a full session -----------------------------------------------------


NO_AGILITY = tuple(i for i in EVERYTHING if i != AGILITY)
NO_SPORT = tuple(i for i in EVERYTHING if i not in (AGILITY, THREE_PLANE))
WINDOW_14 = range(IN_STAGE3 - 13, IN_STAGE3 + 1)


@pytest.mark.parametrize(("days", "met"), [(1, False), (2, True), (3, True)])
def test_gate_agility_counts_days_with_three_rounds_or_more(days: int, met: bool) -> None:
    override: dict[int, dict[str, Any]] = {n: {"ids": NO_AGILITY} for n in WINDOW_14}
    for n in list(WINDOW_14)[:days]:
        override[n] = {"ids": EVERYTHING}
    r = criterion_result(clearance(override=override), "agility")
    assert r.values == {"both": float(days)}
    assert_judged(r, met=met, shown=[days])


def test_gate_agility_ignores_fewer_rounds_and_painful_sessions() -> None:
    override: dict[int, dict[str, Any]] = {n: {"ids": NO_AGILITY} for n in WINDOW_14}
    two_rounds = full_dose(AGILITY, rounds=2)
    override[IN_STAGE3 - 1] = {"ids": (*NO_AGILITY, two_rounds)}
    override[IN_STAGE3 - 2] = {"ids": EVERYTHING, "pain_during": 3}
    override[IN_STAGE3 - 3] = {"ids": (*NO_AGILITY, full_dose(AGILITY, rounds=3))}
    r = criterion_result(clearance(override=override), "agility")
    assert r.values == {"both": 1.0}  # only the day with 3 rounds at pain ≤ 2


def test_gate_full_session_needs_sport_work_at_full_dose() -> None:
    light = ExerciseLog(exercise_id=FOOT_RELEASE)  # no dose logged: not shown to be full
    override: dict[int, dict[str, Any]] = {n: {"ids": (*EVERYTHING, light)} for n in WINDOW_14}
    override[IN_STAGE3 - 4] = {"ids": NO_SPORT}                        # full dose, no sport work
    override[IN_STAGE3 - 5] = {"ids": (*NO_AGILITY, full_dose(AGILITY, rounds=3))}  # 3 < 4 rounds
    r = criterion_result(clearance(override=override), "full_session")
    assert r.values == {"both": 0.0}
    assert not r.met
    override[IN_STAGE3 - 6] = {"ids": EVERYTHING}
    r = criterion_result(clearance(override=override), "full_session")
    assert r.values == {"both": 1.0}
    assert r.met


@pytest.mark.parametrize(("pain", "counts"), [(2, True), (3, False)])
def test_gate_full_session_needs_pain_at_most_2(pain: int, counts: bool) -> None:
    light = ExerciseLog(exercise_id=FOOT_RELEASE)
    override: dict[int, dict[str, Any]] = {n: {"ids": (*EVERYTHING, light)} for n in WINDOW_14}
    override[IN_STAGE3 - 1] = {"ids": EVERYTHING, "pain_during": pain}
    r = criterion_result(clearance(override=override), "full_session")
    assert r.values == {"both": float(counts)}


# --- required: false, and the checklist by PAASS domain -----------------------------------------


def optional_cait_protocol() -> Protocol:
    text = resources.files("anklet.data").joinpath("protocol.yaml").read_text(encoding="utf-8")
    old = "{id: cait, domain: athlete_perception,"
    assert text.count(old) == 1
    return parse_protocol(text.replace(old, old + " required: false,"), name="coach.yaml")


def test_required_false_criterion_is_shown_but_not_needed_for_clearance() -> None:
    h = progressed(reports=self_reports(S3 + 7, cait_lr=(20, 20)))
    assert run(h, S4).stage == 3  # the shipped protocol holds clearance on the CAIT
    proto = optional_cait_protocol()
    d = run(h, S4, protocol=proto)
    assert d.stage == 4
    assert d.clear_to_train
    assert d.gate is not None
    r = criterion_result(d, "cait")
    assert (r.required, r.assessed, r.met) == (False, True, False)
    assert d.gate.all_met
    # the CAIT, and the lunge-angle criteria that stand in for knee-to-wall ones
    assert d.gate.required_count == len(d.gate.criteria) - 3
    group = next(g for g in checklist(d.gate, proto) if g.id == "athlete_perception")
    assert group.status == "met"
    assert r in group.criteria


def test_checklist_groups_every_paass_domain_in_protocol_order() -> None:
    d = run(progressed(), S4)
    assert d.gate is not None
    groups = checklist(d.gate, PROTOCOL)
    assert [g.id for g in groups] == ["pain", "ankle_impairments", "athlete_perception",
                                      "sensorimotor_control", "sport_performance", "programme"]
    assert [g.paass for g in groups] == [True] * 5 + [False]
    assert all(g.status == "met" for g in groups)
    assert sum(len(g.criteria) for g in groups) == len(d.gate.criteria)
    by_id = {g.id: {c.id for c in g.criteria} for g in groups}
    assert by_id["athlete_perception"] == {"cait", "faam_adl", "faam_sports", "confidence",
                                           "giving_way"}
    assert by_id["pain"] == {"session_pain", "morning_after", "pain_24h"}
    assert by_id["sport_performance"] == {"side_hop_lsi", "agility", "full_session"}


def test_checklist_domain_without_data_is_not_assessed_and_names_the_test() -> None:
    d = run(history(sessions=sessions(0, 3, [FOOT_RELEASE])), 3)
    assert d.stage == 1
    assert d.clearance is not None
    assert [c.id for c in d.clearance.criteria] == APPLICABLE_CLEARANCE
    groups = {g.id: g for g in checklist(d.clearance, PROTOCOL)}
    sensorimotor = groups["sensorimotor_control"]
    assert sensorimotor.status == "not_assessed"
    assert sensorimotor.status_text == "not assessed yet"
    assert len(sensorimotor.to_fill) == 2
    assert "single-leg balance" in sensorimotor.to_fill[0]
    assert "Y-balance" in sensorimotor.to_fill[1]
    assert groups["ankle_impairments"].status == "not_assessed"
    # giving way is known from the check-in; the questionnaires are not answered yet
    assert groups["athlete_perception"].status == "incomplete"
    assert not d.clearance.all_met


@pytest.mark.parametrize("all_old", [True, False])
def test_checklist_domain_whose_tests_are_all_old_says_re_test(all_old: bool) -> None:
    # Every sensorimotor test done long ago (or the Y-balance never): out of date when every
    # test the domain needs was done, else still "not assessed yet".
    old = 1
    tests = [*pair(old, MeasureKind.BALANCE_EYES_OPEN, 30.0, 30.0),
             *(pair(old, MeasureKind.Y_BALANCE_ANTERIOR, 62.0, 62.0) if all_old else [])]
    at = old + RETEST + 1
    d = run(history(measurements=tests, sessions=sessions(0, at, [FOOT_RELEASE])), at)
    assert d.clearance is not None
    group = next(g for g in checklist(d.clearance, PROTOCOL) if g.id == "sensorimotor_control")
    assert group.status == "not_assessed"  # never silently passed
    assert group.status_text == ("out of date: re-test" if all_old else "not assessed yet")
    assert [c.stale for c in group.criteria if c.required] == [True, all_old]
    # a day earlier the same tests still count
    d = run(history(measurements=tests, sessions=sessions(0, at, [FOOT_RELEASE])), at - 1)
    assert d.clearance is not None
    balance = next(c for c in d.clearance.criteria if c.metric == "balance_eyes_open")
    assert balance.assessed
    assert not balance.stale


def test_clearance_is_the_gate_from_stage_3_on() -> None:
    d = run(progressed(), IN_STAGE3)
    assert d.clearance is d.gate


def test_stage_3_reasons_say_which_criterion_holds_clearance_and_its_source() -> None:
    d = reported(self_reports(S3 + 7, cait_lr=(25, 30)))
    assert d.gate is not None
    assert [c.id for c in d.gate.criteria if not c.met and c.required] == ["cait"]
    why = [r for r in d.reasons if r.startswith("Not clear to train yet")]
    assert why == ["Not clear to train yet — CAIT ankle stability score: left 25 points, "
                   "right 30 points — does not meet > 25 points (left answered "
                   f"{day(S3 + 7).isoformat()}; right answered {day(S3 + 7).isoformat()}) "
                   "[Wright2014]."]


# --- asymmetry and measurement error -------------------------------------------------------------


@pytest.mark.parametrize(("kind", "left", "right"), [
    (MeasureKind.HEEL_RAISE, 9, 15),               # 60 %: once "within ±6 reps", now behind
    (MeasureKind.BALANCE_EYES_OPEN, 26.0, 30.0),   # 87 %
    (MeasureKind.SIDE_HOP, 9.9, 8.9),              # 89.9 %
])
def test_asymmetry_past_the_threshold_is_called_one_without_a_borrowed_error(
        kind: MeasureKind, left: float, right: float) -> None:
    # a same-leg between-day figure (±6 heel raises) is not an error for the difference
    # between legs: these rules carry no left–right error and the threshold decides
    d, a = asym(kind, left, right)
    rule = next(r for r in PROTOCOL.asymmetry if r.measure == kind.value)
    assert rule.measurement_error is None
    assert a.meaningful
    assert "side is behind" in a.reason
    assert f"weaker side at {a.lsi:.0f}% of the other" in a.reason
    assert "within" not in a.reason
    assert a.reason in d.reasons


@pytest.mark.parametrize(("right", "meaningful", "confirm"), [
    (66.0, False, False),   # 4.0 cm: at the threshold
    (66.1, True, True),     # 4.1 cm: past 4 cm, within the 5.5 cm left–right error
    (67.6, True, False),    # 5.6 cm: past both
])
def test_asymmetry_y_balance_past_threshold_adds_retest_note_within_error(
        right: float, meaningful: bool, confirm: bool) -> None:
    d, a = asym(MeasureKind.Y_BALANCE_ANTERIOR, 62.0, right)
    assert a.meaningful is meaningful
    assert ("a re-test would confirm it" in a.reason) is confirm
    assert "not called an asymmetry" not in a.reason
    # never "within error" next to a failed criterion
    assert d.clearance is not None
    r = next(c for c in d.clearance.criteria if c.id == "y_balance_difference")
    assert r.met is not meaningful


def test_decide_without_clearance_skips_the_checklist_before_stage_3_only() -> None:
    h = progressed()
    early = decide(h, protocol=PROTOCOL, library=LIBRARY, as_of=day(3), with_clearance=False)
    assert early.clearance is None
    assert early.gate is not None
    late = decide(h, protocol=PROTOCOL, library=LIBRARY, as_of=day(S4), with_clearance=False)
    assert late.clearance is late.gate
    assert late.clear_to_train


@pytest.mark.parametrize(("dose", "logged", "full"), [
    ({"sets": 2, "reps": 10}, {"sets": 2, "reps": 10}, True),
    ({"sets": 2, "reps": 10}, {"sets": 2, "reps": 9}, False),
    ({"sets": 2, "reps": 10}, {"reps": 10}, False),                  # sets not logged
    ({"seconds": 77}, {"sets": 1, "seconds": 75}, True),             # a plan at 1.0 asks 75 s
    ({"seconds": 77}, {"sets": 1, "seconds": 70}, False),
    ({"rounds": 4}, {"sets": 1, "rounds": 3}, False),
])
def test_full_dose_is_the_library_dose_or_what_a_plan_at_level_1_asks(
        dose: dict[str, int], logged: dict[str, int], full: bool) -> None:
    ex = LIBRARY.get(AGILITY).model_copy(update={"dose": Dose(**dose)})
    assert _full_dose(ExerciseLog(exercise_id=AGILITY, **logged), ex) is full


def test_clearance_pause_ends_once_the_checklist_passes_again() -> None:
    # paused by a 3/10 session, re-cleared by passing the checklist, then the tests go out of
    # date: the old session must not pause clearance a second time
    h = progressed(last_day=S4 + 60, override={S4 + 2: {"pain_during": SAFE + 1}},
                   extra_tests=clearance_tests(S4 + 10),
                   reports=[*self_reports(S3 + 7), *self_reports(S4 + 10)])
    assert run(h, S4 + 3).status == "maintain_check"
    assert run(h, S4 + 17).status == "clear"
    late = run(h, S4 + 45)
    assert late.status == "clear"
    assert not any("paused" in r for r in late.reasons)



# --- the gate into hopping and cutting: each new criterion either side of its threshold ---------


def stage2_result(criterion_id: str, **kw: Any) -> CriterionResult:
    d = run(in_stage2(**kw), IN_STAGE2)
    assert d.stage == 2
    return criterion_result(d, criterion_id)


@pytest.mark.parametrize(("pain", "met"), [(1, True), (2, True), (3, False)])
def test_gate_activity_pain_safe_zone_only(pain: int, met: bool) -> None:
    scr = fresh(screening(0), check_in(IN_STAGE2, left=Symptoms(pain_activity=pain)))
    r = stage2_result("activity_pain", screenings=scr)
    assert r.values == {"left": float(pain), "right": 0.0}
    assert_judged(r, met=met, shown=[pain])


@pytest.mark.parametrize(("age", "counts"), [(12, True), (13, True), (14, False)])
def test_gate_symptom_answers_count_for_14_days(age: int, counts: bool) -> None:
    # one screen only, `age` days before the check: no check-in since
    n = IN_STAGE2 - age
    h = in_stage2(screenings=[screening(0), check_in(n)])
    d = run(h, IN_STAGE2)
    for cid in ("activity_pain", "swelling", "giving_way"):
        r = criterion_result(d, cid)
        assert r.assessed is counts, cid
        assert r.stale is not counts, cid
        if not counts:
            assert "a check-in renews it" in r.where
            assert r.value_text == "out of date"


@pytest.mark.parametrize(("swollen", "met"), [(False, True), (True, False)])
def test_gate_swelling_holds_hopping(swollen: bool, met: bool) -> None:
    scr = fresh(screening(0), check_in(IN_STAGE2, right=Symptoms(swelling=swollen)))
    r = stage2_result("swelling", screenings=scr)
    assert r.values == {"left": 0.0, "right": float(swollen)}
    assert r.met is met


@pytest.mark.parametrize(("ago", "met"), [(26, False), (27, False), (28, True)])
def test_gate_giving_way_counts_for_28_days(ago: int, met: bool) -> None:
    # the ankle gave way `ago` days before the check; clean check-ins since
    n = IN_STAGE2 + 21 - ago
    h = in_stage2(screenings=fresh(screening(0), check_in(n, left=Symptoms(giving_way=True))))
    h = h.model_copy(update={"sessions": [*h.sessions, *sessions(IN_STAGE2 + 1, IN_STAGE2 + 21,
                                                                  [FOOT_RELEASE, ANKLE_ALL_FOUR])]})
    d = run(h, IN_STAGE2 + 21)
    r = criterion_result(d, "giving_way")
    assert r.assessed
    assert r.met is met


@pytest.mark.parametrize(("days", "met"), [(41, False), (42, True), (43, True)])
def test_gate_days_since_sprain(days: int, met: bool) -> None:
    sprain = day(IN_STAGE2 - days)
    intake = Intake(date=day(0), right=SideHistory(sprains=1, last_sprain=sprain))
    r = stage2_result("since_sprain", intake=intake)
    assert r.values == {"both": float(days)}
    assert_judged(r, met=met, shown=[days])


def test_gate_days_since_sprain_not_applicable_without_a_sprain() -> None:
    r = stage2_result("since_sprain", intake=Intake(date=day(0)))
    assert r.not_applicable
    assert r.assessed
    assert r.met
    assert r.value_text == "no sprain on record"


@pytest.mark.parametrize(("hops", "met"), [(9, False), (10, True)])
def test_gate_single_leg_hops(hops: int, met: bool) -> None:
    r = stage2_result("hop_test", tests=ankle_tests(IN_STAGE2 - 4, hops=hops))
    assert_judged(r, met=met, shown=[hops])


@pytest.mark.parametrize(("pain", "met"), [(1, True), (2, True), (3, False)])
def test_gate_single_leg_hop_pain(pain: int, met: bool) -> None:
    r = stage2_result("hop_pain", tests=ankle_tests(IN_STAGE2 - 4, hop_pain=pain))
    assert_judged(r, met=met, shown=[pain])


@pytest.mark.parametrize(("right", "met"), [(9.4, True), (9.5, True), (9.6, False)])
def test_gate_range_symmetry_before_hopping(right: float, met: bool) -> None:
    tests = [*pair(IN_STAGE2 - 4, MeasureKind.KNEE_TO_WALL, 8.0, right, pain=0),
             *[m for m in ankle_tests(IN_STAGE2 - 4) if m.kind is not MeasureKind.KNEE_TO_WALL]]
    r = stage2_result("range_symmetry", tests=tests)
    assert r.values["both"] == pytest.approx(right - 8.0)
    assert r.met is met


# --- clearance: calf floor by sex, criteria by goal and age --------------------------------------


@pytest.mark.parametrize(("sex", "reps", "met"), [
    (Sex.FEMALE, 20, False), (Sex.FEMALE, 21, True), (Sex.FEMALE, 22, True),
    (Sex.MALE, 23, False), (Sex.MALE, 24, True), (Sex.MALE, 25, True),
    (None, 20, False), (None, 21, True)])
def test_clearance_heel_raise_floor_by_sex(sex: Sex | None, reps: int, met: bool) -> None:
    intake = Intake(date=day(0), sex=sex,
                    left=SideHistory(sprains=1, last_sprain=day(-SPRAIN_BEFORE)))
    h = history(measurements=pair(3, MeasureKind.HEEL_RAISE, reps, reps), intake=intake)
    d = run(h, 3)
    assert d.clearance is not None
    r = next(c for c in d.clearance.criteria if c.id == "heel_raise_reps")
    assert r.threshold == {Sex.FEMALE: 21, Sex.MALE: 24, None: 21}[sex]
    assert r.met is met
    # symmetry alone would have passed them
    assert next(c for c in d.clearance.criteria if c.id == "heel_raise_lsi").met


@pytest.mark.parametrize(("goal", "age", "expect", "absent"), [
    (GoalType.WALKER, 60, {"balance_open_older"},
     {"balance_open", "y_balance_difference", "side_hop_lsi", "faam_sports", "agility"}),
    (GoalType.WALKER, 59, {"balance_open"},
     {"balance_open_older", "side_hop_lsi", "faam_sports", "agility"}),
    (GoalType.RUNNER, 65, {"balance_open", "side_hop_lsi", "faam_sports", "agility"},
     {"balance_open_older"}),
    (None, None, {"balance_open", "side_hop_lsi", "faam_sports", "agility"},
     {"balance_open_older"}),
])
def test_clearance_criteria_follow_goal_and_age(goal: GoalType | None, age: int | None,
                                                expect: set[str], absent: set[str]) -> None:
    intake = Intake(date=day(0), goal_type=goal, age=age,
                    left=SideHistory(sprains=1, last_sprain=day(-SPRAIN_BEFORE)))
    d = run(history(intake=intake), 3)
    assert d.clearance is not None
    ids = {c.id for c in d.clearance.criteria}
    assert expect <= ids
    assert not absent & ids


@pytest.mark.parametrize(("seconds", "met"), [(4.9, False), (5.0, True), (5.1, True)])
def test_clearance_balance_for_walkers_over_60(seconds: float, met: bool) -> None:
    intake = Intake(date=day(0), goal_type=GoalType.WALKER, age=70,
                    left=SideHistory(sprains=1, last_sprain=day(-SPRAIN_BEFORE)))
    h = history(measurements=pair(3, MeasureKind.BALANCE_EYES_OPEN, seconds, 12.0),
                intake=intake)
    d = run(h, 3)
    assert d.clearance is not None
    r = next(c for c in d.clearance.criteria if c.id == "balance_open_older")
    assert r.source == "Vellas1997"
    assert r.met is met


# --- see a clinician ----------------------------------------------------------------------------


@pytest.mark.parametrize(("since", "cait_total", "suggested"), [
    (89, 20, False), (90, 20, True), (91, 20, True),
    (120, 25, True), (120, 26, False)])
def test_see_a_clinician_for_lasting_swelling_with_an_unstable_ankle(
        since: int, cait_total: int, suggested: bool) -> None:
    n = 10
    intake = Intake(date=day(0), left=SideHistory(sprains=1, last_sprain=day(n - since)))
    h = history(intake=intake,
                screenings=[screening(0), check_in(n, left=Symptoms(swelling=True))],
                questionnaires=[cait(n, Side.LEFT, cait_total)])
    d = run(h, n)
    found = [f.message for f in d.flags if f.kind == "see_clinician"]
    assert bool(found) is suggested
    assert d.status != "refer"  # a suggestion, never a red-flag stop
    if suggested:
        assert "see a clinician for an assessment" in found[0]


# --- placement at intake ----------------------------------------------------------------------------


@pytest.mark.parametrize(("since", "stage"), [(364, 1), (365, 2), (366, 2)])
def test_placement_after_a_year_without_injury(since: int, stage: int) -> None:
    intake = Intake(date=day(0), left=SideHistory(sprains=1, last_sprain=day(-since)))
    k2w = pair(0, MeasureKind.KNEE_TO_WALL, 8.0, 11.0, pain=0)
    d = run(history(intake=intake, measurements=k2w), 0)
    assert d.stage == stage
    assert d.timeline[0].kind == "start"
    assert (f"starting at stage {stage}" in d.timeline[0].text) is (stage > 1)


@pytest.mark.parametrize(("pain", "stage"), [(None, 1), (2, 2), (3, 1)])
def test_placement_needs_a_pain_free_range_test(pain: int | None, stage: int) -> None:
    k2w = pair(0, MeasureKind.KNEE_TO_WALL, 8.0, 8.0, pain=pain)
    d = run(history(intake=Intake(date=day(0)), measurements=k2w), 0)
    assert d.stage == stage


def test_placement_with_stage_3_tests_passing_starts_at_stage_3() -> None:
    d = run(history(intake=Intake(date=day(0)), measurements=ankle_tests(0)), 0)
    assert d.stage == 3
    assert "tests for stage 3 already pass" in d.timeline[0].text


def test_placement_not_past_the_feet_with_symptoms() -> None:
    scr = [screening(0, left=Symptoms(pain_activity=1)), *weekly_check_ins(7, 60)]
    d = run(history(intake=Intake(date=day(0)), screenings=scr,
                    measurements=ankle_tests(0)), 0)
    assert d.stage == 1


# --- level and dose on evidence ---------------------------------------------------------------------


def test_exercise_level_rises_on_clean_weeks_not_the_calendar() -> None:
    clean = run(progressed(), IN_STAGE3)
    painful = run(progressed(override={n: {"pain_during": 3} for n in range(S3, IN_STAGE3)}),
                  IN_STAGE3)
    assert clean.stage == painful.stage == 3
    assert clean.variant_level == 2  # two complete clean weeks in stage 3
    assert painful.variant_level == 1  # the same two weeks, at 3/10: no step up


def test_dose_held_flat_in_maintenance() -> None:
    h = progressed(last_day=S4 + 56)
    assert run(h, S4 + 7).dose_level == run(h, S4 + 56).dose_level == DOSING.start_level.value


def test_adherence_judges_each_week_against_the_stage_it_was_in() -> None:
    # stage-2 work only while in stage 2, everything from stage 3 on: a week in stage 2 must
    # not count as a poor stage-3 week (a runner fresh into stage 3 read 51 %)
    stage2_work = (FOOT_RELEASE, FOOT_AWARENESS, SHIN_CALF, ANKLE_ALL_FOUR, BALANCE)
    h = progressed(override={n: {"ids": stage2_work} for n in range(S2, S3)})
    d = run(h, S3 + 7)
    assert d.stage == 3
    r = criterion_result(d, "adherence")
    assert r.values == {"both": 100.0}


def test_four_training_days_perfect_follower_leaves_stage_1_and_is_not_flagged() -> None:
    # foot release is meant for every day and the gate counts 5; a week with 4 training days
    # can hold 4, so doing it on all 4 passes, and adherence counts only those 4
    avail = Availability(mon=20, tue=0, wed=20, thu=0, fri=20, sat=20, sun=0)
    trained = [n for n in range(21) if day(n).weekday() in (0, 2, 4, 5)]
    h = history(sessions=[session(n, [FOOT_RELEASE, FOOT_AWARENESS]) for n in trained])
    h = h.model_copy(update={"availability": avail})
    at_first_monday = run(h, 7)
    assert at_first_monday.stage == 2
    r = next(c for c in at_first_monday.timeline[-1].criteria if c.id == "foot_release_days")
    assert r.threshold == 4
    assert r.met
    assert at_first_monday.last_week is not None
    assert at_first_monday.last_week.pct == 100.0
    assert "missed_sessions" not in flag_kinds(at_first_monday)


def test_three_training_days_short_of_four_is_not_a_pass() -> None:
    avail = Availability(mon=20, tue=0, wed=20, thu=0, fri=20, sat=20, sun=0)
    trained = [n for n in range(7) if day(n).weekday() in (0, 2, 4)]
    h = history(sessions=[session(n, [FOOT_RELEASE]) for n in trained])
    d = run(h.model_copy(update={"availability": avail}), 7)
    assert d.stage == 1



@pytest.mark.parametrize(("age", "asked"), [(59, True), (60, False)])
def test_gate_hop_test_not_asked_of_walkers_60_and_over(age: int, asked: bool) -> None:
    intake = Intake(date=day(0), goal_type=GoalType.WALKER, age=age,
                    left=SideHistory(sprains=1, last_sprain=day(-SPRAIN_BEFORE)))
    d = run(in_stage2(intake=intake), IN_STAGE2)
    assert d.gate is not None
    ids = {c.id for c in d.gate.criteria}
    assert ("hop_test" in ids) is asked
    assert ("hop_pain" in ids) is asked
