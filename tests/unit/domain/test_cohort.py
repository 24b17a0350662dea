"""A seeded cohort of about 200 synthetic people walked 16 weeks through the real engine
(``benchmarks/cohort.py``): the engine must work for people who follow it.

The three targets of the cohort issue: no exact follower whose week can hold the gate is
kept in a stage by frequency criteria alone; everyone whose week cannot hold a gate is told
so with the fix; nothing unsafe is planned. ``make bench`` prints the same figures for a
bigger cohort (``benchmarks/bench_cohort.py``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))

import cohort
from anklet.domain.exercises import load_library
from anklet.domain.protocol import load_protocol

PEOPLE = 200
SEED = 20260
WEEKS = 16


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    _, out = cohort.run_cohort(PEOPLE, SEED, weeks=WEEKS)
    return out


def _shown(figures: dict[str, Any], *keys: str) -> str:
    return json.dumps({k: figures[k] for k in keys}, indent=1, default=str)


def test_cohort_covers_every_profile_behaviour_and_injury(figures: dict[str, Any]) -> None:
    people = cohort.make_people(PEOPLE, SEED, weeks=WEEKS)
    assert {p.profile for p in people} == set(cohort.PROFILES)
    assert {p.behaviour for p in people} == set(cohort.BEHAVIOURS)
    assert {p.injury for p in people} == set(cohort.INJURIES)
    assert figures["people"] == PEOPLE
    assert figures["days_simulated"] == PEOPLE * WEEKS * 7
    assert figures["sessions_logged"] > 0


def test_cohort_exact_followers_who_can_hold_the_gate_are_never_stuck(
        figures: dict[str, Any]) -> None:
    assert figures["exact_followers_who_can_hold"] > 0
    assert figures["stuck_rate"] == 0, _shown(
        figures, "stuck_rate", "stuck_people", "exact_followers_who_can_hold", "stuck_examples")


def test_cohort_people_whose_week_cannot_hold_a_gate_are_told_the_fix(
        figures: dict[str, Any]) -> None:
    assert figures["infeasible_said_plainly"] in (None, 1.0), _shown(
        figures, "infeasible_said_plainly", "infeasible_people", "infeasible_told_with_fix",
        "infeasible_examples")


def test_cohort_plans_nothing_unsafe(figures: dict[str, Any]) -> None:
    assert figures["unsafe_exposures"] == 0, _shown(
        figures, "unsafe_exposures", "unsafe_by_rule", "unsafe_people", "unsafe_examples")


def test_walk_deciding_on_event_days_matches_deciding_every_day() -> None:
    # the cohort decides only on the days that can change the plan; deciding every day must
    # give the same stages, sessions and exposures
    protocol, library = load_protocol(), load_library()
    for p in cohort.make_people(6, SEED + 1, weeks=8):
        quick = cohort.walk(p, weeks=8, protocol=protocol, library=library)
        daily = cohort.walk(p, weeks=8, protocol=protocol, library=library, daily=True)
        assert [(s.stage, s.first, s.last) for s in quick.stints] == [
            (s.stage, s.first, s.last) for s in daily.stints], p.id
        assert quick.reached == daily.reached, p.id
        assert quick.sessions == daily.sessions, p.id
        assert quick.exposures == daily.exposures, p.id
