"""decide() with a coach's stage overrides.

From an override's date the person is in the override's stage, whatever the rules said that
day; from the next day on the rules take over again: a flare can still step them back, and
they move up only through a gate, on a Monday, after the stage's minimum time. Red flags are
never overridden. Each rule is checked the day before, the day of and the day after the
override.

Days are counted from :data:`DAY0` (a Monday). Someone who does every category of exercise
daily but is never tested reaches stage 2 on :data:`S2` and stays there (the stage-2 gate
needs test results).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from anklet.domain.decisions import Decision, decide, validate_references
from anklet.domain.errors import HistoryError, InputError
from anklet.domain.exercises import load_library
from anklet.domain.history import (
    ExerciseLog,
    History,
    Intake,
    Override,
    Person,
    Screening,
    Session,
    SideHistory,
    load_history_text,
)
from anklet.domain.protocol import load_protocol
from anklet.domain.views import decision_dict

PROTOCOL = load_protocol()
LIBRARY = load_library()
DAY0 = dt.date(2025, 3, 3)  # a Monday
assert DAY0.weekday() == 0

ACCEPTABLE = int(PROTOCOL.pain_monitoring.acceptable_max.value)
WINDOW = int(PROTOCOL.pain_monitoring.flare_window_days.value)
MIN_DAYS_1 = int(PROTOCOL.stage(1).min_days.value)
S2 = 7 * math.ceil(MIN_DAYS_1 / 7)  # the Monday a daily exerciser reaches stage 2
WED = S2 + 9                         # a Wednesday in stage 2, long before stage 3 could start
assert (DAY0 + dt.timedelta(days=WED)).weekday() == 2

EVERYTHING = ("seated-forefoot-roll", "toe-splay", "calf-roll-seated", "ankle-circles",
              "single-leg-stance", "wall-tibialis-raise", "reverse-lunge", "ladder-two-in",
              "a-march")
"""One exercise of every category: every stage's weekly targets are kept by doing it daily."""

SPRAIN_BEFORE = 120
"""Long enough ago for every gate, recent enough to start at stage 1."""

COACH = "coach@example.org"
REASON = "moves well, tape test was off"


# --- builders ------------------------------------------------------------------------------


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


def screening(n: int = 0, *, yes: Iterable[str] = ()) -> Screening:
    """Every protocol red flag answered on day ``n``: no, unless in ``yes``."""
    return Screening(date=day(n), red_flags={f.id: f.id in set(yes) for f in PROTOCOL.red_flags})


def check_ins(last: int) -> list[Screening]:
    """A clean symptom check-in every 7 days up to day ``last``: symptom answers count only
    for ``settings.self_report_days``, so the stage-1 gate's pain at rest stays answered."""
    return [Screening(date=day(n), kind="check_in") for n in range(7, last + 1, 7)]


def session(n: int, **kw: Any) -> Session:
    logs = []
    for eid in EVERYTHING:
        d = LIBRARY.get(eid).dose
        logs.append(ExerciseLog(exercise_id=eid, sets=d.sets, reps=d.reps, seconds=d.seconds,
                                rounds=d.rounds))
    return Session(date=day(n), exercises=logs, **kw)


def override(n: int, stage: int, reason: str = REASON, by: str = COACH) -> Override:
    return Override(date=day(n), stage=stage, reason=reason, by=by)


def history(overrides: Iterable[Override] = (), *, last: int = 70,
            pain: Mapping[int, int] | None = None,
            screenings: Iterable[Screening] | None = None) -> History:
    """Everything daily from day 0 to ``last`` (``pain`` maps a day to its pain during), a
    check-in weekly, no tests: stage 2 from S2, never past it unless overridden. The left
    ankle was sprained :data:`SPRAIN_BEFORE` days before the intake, so the person starts
    with the feet."""
    pain = pain or {}
    intake = Intake(date=day(0), left=SideHistory(sprains=1,
                                                  last_sprain=day(-SPRAIN_BEFORE)))
    return History(person=Person(id="tess", name="Tess Test"), intake=intake,
                   screenings=list([screening(0), *check_ins(last)] if screenings is None
                                   else screenings),
                   sessions=[session(n, pain_during=pain.get(n, 0)) for n in range(last + 1)],
                   overrides=list(overrides))


def run(h: History, as_of: int) -> Decision:
    return decide(h, protocol=PROTOCOL, library=LIBRARY, as_of=day(as_of))


def kinds(d: Decision) -> list[str]:
    return [c.kind for c in d.timeline]


def flag_kinds(d: Decision) -> set[str]:
    return {f.kind for f in d.flags}


def text(stage: int, n: int, reason: str = REASON, by: str = COACH) -> str:
    return f"Stage {stage} ({PROTOCOL.stage(stage).name}) set by {by} on {day(n)}: {reason}."


def next_monday_at_least(n: int, days: int) -> int:
    """The first Monday at least ``days`` after day ``n``."""
    return 7 * math.ceil((n + days) / 7)


# --- sanity of the builder ---------------------------------------------------------------------


def test_builder_without_override_stays_in_stage_2() -> None:
    h = history()
    assert run(h, S2 - 1).stage == 1
    d = run(h, 70)
    assert d.stage == 2
    assert d.override is None
    assert "override" not in kinds(d)


# --- up and down ---------------------------------------------------------------------------------


def test_override_up_takes_effect_on_its_date() -> None:
    o = override(WED, 3)
    h = history([o])
    before, on, after = run(h, WED - 1), run(h, WED), run(h, WED + 1)
    assert (before.stage, before.override) == (2, None)
    assert "override" not in kinds(before)
    for d in (on, after):
        assert d.stage == 3
        assert d.stage_name == PROTOCOL.stage(3).name
        assert d.stage_since == day(WED)
        assert d.override == o
        change = d.timeline[-1]
        assert (change.kind, change.date, change.from_stage, change.to_stage, change.cause) == (
            "override", day(WED), 2, 3, "override")
    assert on.days_in_stage == 0
    assert after.days_in_stage == 1
    assert on.dose_level == PROTOCOL.dosing.start_level.value


def test_override_up_keeps_a_dose_cut_that_is_still_in_force() -> None:
    # a session above 5/10 two days before the override cuts the dose: the coach moves
    # the stage, not the pain response, so stage 3 starts at the cut dose, with the reason
    flare = WED - 2
    h = history([override(WED, 3)], pain={flare: ACCEPTABLE + 1})
    before, d = run(h, WED - 1), run(h, WED)
    assert before.stage == 2
    assert before.dose_level < PROTOCOL.dosing.start_level.value
    assert d.stage == 3
    assert d.dose_level == before.dose_level
    assert any("still cut" in r and day(flare).isoformat() in r for r in d.reasons)


def test_override_down_takes_effect_and_the_gate_moves_them_up_on_a_monday() -> None:
    o = override(WED, 1, "ankle sore after a fall")
    h = history([o])
    assert run(h, WED - 1).stage == 2
    for n in (WED, WED + 1):
        d = run(h, n)
        assert (d.stage, d.stage_since, d.override) == (1, day(WED), o)
        assert (d.timeline[-1].from_stage, d.timeline[-1].to_stage) == (2, 1)
    # the stage-1 gate is met all along: back up on the first Monday the minimum time allows
    back = next_monday_at_least(WED, MIN_DAYS_1)
    assert day(back).weekday() == 0
    assert run(h, back - 1).stage == 1
    up = run(h, back)
    assert up.stage == 2
    assert up.stage_since == day(back)
    assert kinds(up)[-2:] == ["override", "advance"]
    assert up.override is None  # a rule moved them since: no longer set by hand
    assert not any(r.startswith("Set by hand") for r in up.reasons)


def test_override_up_advances_further_only_through_the_gate() -> None:
    # stage 3 by hand; the stage-3 gate needs tests this person never did: no stage 4 ever
    h = history([override(WED, 3)], last=WED + 60)
    d = run(h, WED + 60)
    assert d.stage == 3
    assert "advance" not in kinds(d)[kinds(d).index("override"):]


def test_override_before_the_start_applies_from_the_start() -> None:
    o = override(-10, 2)
    h = history([o])
    d = run(h, 0)
    assert (d.stage, d.stage_since, d.override) == (2, day(0), o)
    assert kinds(d) == ["start", "override"]


def test_override_to_the_same_stage_keeps_the_stage_start() -> None:
    o = override(WED, 2, "stays here until the tape test is redone")
    d = run(history([o]), WED + 1)
    assert (d.stage, d.stage_since, d.override) == (2, day(S2), o)
    assert d.timeline[-1].kind == "override"
    assert (d.timeline[-1].from_stage, d.timeline[-1].to_stage) == (2, 2)


# --- which override counts -----------------------------------------------------------------------


@pytest.mark.parametrize(("stages", "wins"), [((3, 1), 1), ((1, 3), 3), ((4, 3, 1, 2), 2)])
def test_override_same_date_last_given_wins(stages: tuple[int, ...], wins: int) -> None:
    given = [override(WED, s, f"choice {i}") for i, s in enumerate(stages)]
    d = run(history(given), WED)
    assert d.stage == wins
    assert d.override == given[-1]
    assert kinds(d).count("override") == 1
    assert d.timeline[-1].reason == text(wins, WED, f"choice {len(stages) - 1}")


def test_override_later_one_replaces_earlier_one() -> None:
    first, second = override(WED, 3), override(WED + 2, 1, "too sore after all")
    h = history([second, first])  # the history sorts them by date
    assert run(h, WED + 1).stage == 3
    d = run(h, WED + 2)
    assert (d.stage, d.override) == (1, second)
    assert [(c.from_stage, c.to_stage) for c in d.timeline if c.kind == "override"] == [
        (2, 3), (3, 1)]


@pytest.mark.parametrize("as_of", [WED - 2, WED - 1])
def test_override_after_as_of_has_no_effect_yet(as_of: int) -> None:
    with_it = run(history([override(WED, 3)]), as_of)
    without = run(history(), as_of)
    assert with_it.override is None
    assert "override" not in kinds(with_it)
    assert decision_dict(with_it, PROTOCOL) == decision_dict(without, PROTOCOL)


# --- the rules take over again -------------------------------------------------------------------


def test_override_flares_after_it_step_back() -> None:
    first, second = WED + 1, WED + 3  # two flares within the window after the override
    o = override(WED, 3)
    h = history([o], pain={first: ACCEPTABLE + 1, second: ACCEPTABLE + 1})
    one = run(h, first)
    assert (one.stage, one.override) == (3, o)  # one flare cuts the dose, stage kept
    assert kinds(one)[-2:] == ["override", "reduce_dose"]
    assert any(r == f"Set by hand: {text(3, WED)}" for r in one.reasons)
    two = run(h, second)
    assert two.stage == 2
    back = two.timeline[-1]
    assert (back.kind, back.date, back.from_stage, back.to_stage, back.cause) == (
        "step_back", day(second), 3, 2, "pain_flare")
    assert two.override is None
    assert run(h, second + 1).stage == 2


def test_override_a_flare_on_its_day_does_not_undo_it_but_holds() -> None:
    # the override has the last word on its day; the flare still holds any advance
    h = history([override(WED, 1, "restart gently")], pain={WED: ACCEPTABLE + 1})
    d = run(h, WED)
    assert d.stage == 1
    assert kinds(d)[-2:] == ["reduce_dose", "override"]
    hold = next(f.message for f in d.flags if f.kind == "hold")
    assert hold.startswith("Holding at stage 1:")


def test_override_flare_before_it_counts_toward_a_later_step_back() -> None:
    # a flare the day before the override does not undo it; with a second one the day after,
    # two flares fall within the window and the rules step back from the overridden stage
    h = history([override(WED, 3)], pain={WED - 1: ACCEPTABLE + 1, WED + 1: ACCEPTABLE + 1})
    assert run(h, WED - 1).stage == 2
    assert run(h, WED).stage == 3
    d = run(h, WED + 1)
    assert d.stage == 2
    back = d.timeline[-1]
    assert (back.kind, back.from_stage, back.to_stage) == ("step_back", 3, 2)


# --- red flags -----------------------------------------------------------------------------------


@pytest.mark.parametrize("flag_day", [WED - 1, WED, WED + 1])
def test_override_red_flag_still_refers(flag_day: int) -> None:
    rf = PROTOCOL.red_flags[0].id
    h = history([override(WED, 3)], screenings=[screening(0), screening(flag_day, yes=[rf])])
    for as_of in (max(flag_day, WED), WED + 2):
        d = run(h, as_of)
        assert (d.stage, d.override) == (3, h.overrides[0])  # the stage is set, yet
        assert d.status == "refer"
        assert not d.can_prescribe
        assert "red_flag" in flag_kinds(d)
        assert [r.id for r in d.red_flags] == [rf]


def test_override_to_stage_4_does_not_clear_to_train() -> None:
    # the clearance checklist still decides "clear": by hand the person only maintains
    d = run(history([override(WED, 4, "wants to maintain")]), WED + 1)
    assert d.stage == 4
    assert d.status == "maintain_check"
    assert d.clear_to_train is False
    assert "clear_to_train" not in flag_kinds(d)


# --- bad stage -----------------------------------------------------------------------------------


def test_override_to_a_stage_the_protocol_lacks_is_rejected() -> None:
    n_stages = len(PROTOCOL.stages)
    h = history([override(WED, 2), override(WED + 1, n_stages + 1)])
    with pytest.raises(HistoryError) as e:
        validate_references(h, PROTOCOL, LIBRARY)
    assert isinstance(e.value, InputError)
    assert (e.value.field, e.value.value) == ("overrides[1].stage", n_stages + 1)
    for s in PROTOCOL.stages:
        assert f"{s.number} ({s.name})" in e.value.accepted
    assert "overrides[1].stage" in str(e.value)
    assert e.value.problems == [("overrides[1].stage", n_stages + 1, e.value.accepted)]
    with pytest.raises(HistoryError, match=r"overrides\[1\]\.stage"):
        run(h, WED + 2)  # decide() refuses it too, whatever the caller checked


def test_override_to_a_known_stage_passes_validation() -> None:
    validate_references(history([override(WED, s.number) for s in PROTOCOL.stages]),
                        PROTOCOL, LIBRARY)


# --- the reason in words -------------------------------------------------------------------------


def test_override_reason_names_who_when_and_why() -> None:
    d = run(history([override(WED, 3)]), WED + 1)
    want = f"Stage 3 (Build) set by {COACH} on {day(WED)}: {REASON}."
    assert want == text(3, WED)
    assert d.timeline[-1].reason == want
    assert f"Last change {day(WED)}: {want}" in d.reasons
    assert any(f.kind == "override" and f.message == want for f in d.flags)


def test_override_reason_keeps_its_own_full_stop() -> None:
    d = run(history([override(WED, 1, "Sore after the race. Rest first!")]), WED)
    assert d.timeline[-1].reason.endswith(": Sore after the race. Rest first!")


def test_override_flag_lasts_the_window_then_the_reason_stays() -> None:
    h = history([override(WED, 3)])
    assert "override" in flag_kinds(run(h, WED + WINDOW - 1))
    later = run(h, WED + WINDOW)
    assert "override" not in flag_kinds(later)
    assert later.override is not None
    assert f"Last change {day(WED)}: {text(3, WED)}" in later.reasons


def test_override_in_the_decision_dict() -> None:
    data = json.loads(json.dumps(decision_dict(run(history([override(WED, 3)]), WED),
                                               PROTOCOL)))
    assert data["override"] == {"date": day(WED).isoformat(), "stage": 3, "reason": REASON,
                                "by": COACH}
    assert data["stage"] == 3
    assert data["timeline"][-1] == {"date": day(WED).isoformat(), "kind": "override",
                                    "from_stage": 2, "to_stage": 3, "cause": "override",
                                    "reason": text(3, WED)}
    assert decision_dict(run(history(), WED), PROTOCOL)["override"] is None


# --- the history document ------------------------------------------------------------------------


def test_override_round_trips_through_history_json() -> None:
    given = [override(WED, 3), override(WED, 1, "second thoughts", by="lead coach"),
             override(WED + 7, 2, "ünïcödé — “quoted”")]
    h = history(given)
    back = load_history_text(h.to_json())
    assert back == h
    assert back.overrides == given  # same-date order kept: the last given still wins
    assert decision_dict(run(back, WED + 8), PROTOCOL) == decision_dict(run(h, WED + 8), PROTOCOL)
    assert run(back, WED).stage == 1
