"""The decision rules one by one (anklet.domain.rules), each on a small history, just inside
and just outside its threshold. The same rules seen through decide() are in
test_decisions.py."""

from __future__ import annotations

import datetime as dt

import pytest

from anklet.domain.decisions import View
from anklet.domain.exercises import load_library
from anklet.domain.history import (
    ExerciseLog,
    History,
    Intake,
    Measurement,
    Person,
    Screening,
    Session,
    Symptoms,
)
from anklet.domain.measures import MeasureKind
from anklet.domain.protocol import load_protocol
from anklet.domain.rules import (
    CHECKPOINT_RULES,
    Checkpoint,
    checkpoint_findings,
    clearance_pause,
    not_settled,
    pain_flare,
    range_loss,
    rising_pain,
)
from anklet.domain.units import Side

PROTOCOL = load_protocol()
LIBRARY = load_library()
DAY0 = dt.date(2025, 3, 3)  # a Monday
SAFE = int(PROTOCOL.pain_monitoring.safe_max.value)
ACCEPTABLE = int(PROTOCOL.pain_monitoring.acceptable_max.value)


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


def view(*, sessions: list[Session] = [], measurements: list[Measurement] = [],  # noqa: B006
         screenings: list[Screening] = []) -> View:  # noqa: B006
    h = History(person=Person(id="r", name="R"), intake=Intake(date=DAY0),
                sessions=sessions, measurements=measurements, screenings=screenings)
    return View(h, LIBRARY, PROTOCOL)


def session(n: int, pain: int, **kw: object) -> Session:
    return Session(date=day(n), pain_during=pain,
                   exercises=[ExerciseLog(exercise_id="seated-forefoot-roll")], **kw)  # type: ignore[arg-type]


def cp(n: int, stage: int = 2, prev: int | None = None, week: bool = False) -> Checkpoint:
    return Checkpoint(day(n), day(n - 1 if prev is None else prev), stage, week)


def test_rules_table_names_each_rule_once_in_precedence_order() -> None:
    assert [rid for rid, _ in CHECKPOINT_RULES] == ["rising_pain", "pain_flare", "not_settled",
                                                    "range_loss"]


@pytest.mark.parametrize(("pain", "action"), [(ACCEPTABLE, None), (ACCEPTABLE + 1, "reduce_dose")])
def test_pain_flare_one_session_cuts_the_dose(pain: int, action: str | None) -> None:
    f = pain_flare(view(sessions=[session(3, pain)]), PROTOCOL, cp(3))
    assert (f.action if f else None) == action


def test_pain_flare_two_in_the_window_step_back_but_not_from_stage_1() -> None:
    v = view(sessions=[session(1, ACCEPTABLE + 1), session(3, ACCEPTABLE + 2)])
    f = pain_flare(v, PROTOCOL, cp(3, stage=2, prev=2))
    assert f is not None
    assert f.action == "step_back"
    assert "2 sessions within 7 days" in f.text
    f1 = pain_flare(v, PROTOCOL, cp(3, stage=1, prev=2))
    assert f1 is not None
    assert f1.action == "reduce_dose"


@pytest.mark.parametrize(("morning", "found"), [(1, False), (2, True)])
def test_not_settled_when_morning_pain_is_above_the_pain_before(morning: int, found: bool) -> None:
    v = view(sessions=[session(3, 1, pain_before=1, pain_next_morning=morning)])
    assert (not_settled(v, PROTOCOL, cp(3)) is not None) is found


def test_rising_pain_only_on_a_week_start_and_above_the_safe_level() -> None:
    ss = [session(n, p) for n, p in ((1, 1), (8, 2), (15, SAFE + 1))]
    v = view(sessions=ss)
    assert rising_pain(v, PROTOCOL, cp(21, week=False)) is None
    f = rising_pain(v, PROTOCOL, cp(21, week=True))
    assert f is not None
    assert f.action == "step_back"
    flat = view(sessions=[session(n, p) for n, p in ((1, 1), (8, 2), (15, SAFE))])
    assert rising_pain(flat, PROTOCOL, cp(21, week=True)) is None


@pytest.mark.parametrize(("kind", "before", "after", "found"), [
    (MeasureKind.KNEE_TO_WALL, 10.0, 8.1, False),   # 1.9 cm: within the same-rater error
    (MeasureKind.KNEE_TO_WALL, 10.0, 8.0, True),    # 2.0 cm
    (MeasureKind.LUNGE_ANGLE, 40.0, 35.3, False),   # 4.7°
    (MeasureKind.LUNGE_ANGLE, 40.0, 35.2, True),    # 4.8°
])
def test_range_loss_in_each_test_s_own_unit(kind: MeasureKind, before: float, after: float,
                                            found: bool) -> None:
    ms = [Measurement(date=day(1), side=Side.LEFT, kind=kind, value=before),
          Measurement(date=day(10), side=Side.LEFT, kind=kind, value=after)]
    f = range_loss(view(measurements=ms), PROTOCOL, cp(10, stage=3))
    assert (f is not None) is found
    if f is not None:
        assert f.action == "step_back"
        assert ("°" in f.text) is (kind is MeasureKind.LUNGE_ANGLE)


def test_findings_keep_the_first_step_back_and_the_first_cut() -> None:
    v = view(sessions=[session(1, ACCEPTABLE + 1), session(3, ACCEPTABLE + 1,
                                                            pain_before=0, pain_next_morning=3)])
    step_back, reduce = checkpoint_findings(v, PROTOCOL, cp(3, stage=2, prev=2))
    assert step_back is not None
    assert step_back.cause == "pain_flare"
    assert reduce is None


@pytest.mark.parametrize(("pain", "paused"), [(SAFE, False), (SAFE + 1, True)])
def test_clearance_pause_on_session_pain_above_safe(pain: int, paused: bool) -> None:
    found = clearance_pause(view(sessions=[session(5, pain)]), PROTOCOL, day(0), day(10))
    assert (found is not None) is paused
    if found is not None:
        assert found[0] == day(5)


@pytest.mark.parametrize(("symptoms", "paused"), [
    (Symptoms(), False), (Symptoms(pain_activity=SAFE), False),
    (Symptoms(pain_activity=SAFE + 1), True), (Symptoms(giving_way=True), True)])
def test_clearance_pause_on_a_check_in(symptoms: Symptoms, paused: bool) -> None:
    scr = [Screening(date=day(4), kind="check_in", right=symptoms)]
    found = clearance_pause(view(screenings=scr), PROTOCOL, day(0), day(10))
    assert (found is not None) is paused


def test_clearance_pause_ignores_what_came_before_clearance() -> None:
    found = clearance_pause(view(sessions=[session(2, SAFE + 3)]), PROTOCOL, day(3), day(10))
    assert found is None
