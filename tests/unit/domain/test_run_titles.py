"""Calendar titles read as runs by the word lists of anklet/data/run_titles.yaml.

The corpus (tests/data/calendar_titles.yaml) holds realistic titles in English, German,
Spanish and French, each with what it should be read as; every one is checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from anklet.domain.history import RunKind
from anklet.domain.run_titles import load_title_rules, run_kind, title_kind, title_verdict

CORPUS = Path(__file__).resolve().parents[2] / "data" / "calendar_titles.yaml"


def _corpus() -> list[tuple[str, RunKind | None]]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    return [(title, None if expected == "not_run" else RunKind(expected))
            for expected, titles in data.items() for title in titles]


def test_corpus_has_at_least_100_titles_of_every_kind() -> None:
    corpus = _corpus()
    assert len(corpus) >= 100
    assert {kind for _, kind in corpus} == {None, *RunKind}


@pytest.mark.parametrize(("title", "expected"), _corpus())
def test_title_kind_reads_the_corpus_title(title: str, expected: RunKind | None) -> None:
    assert title_kind(title) == expected


@pytest.mark.parametrize(("title", "verdict"), [
    ("Lunch", "not_run"),  # names something else
    ("Lunch run", RunKind.EASY),  # a run whatever else it says
    ("Lunch with the running club", "not_run"),  # the exclusion wins over "running"
    ("Quarterly planning", "unknown"),  # names neither: the description may tell
    ("Long day", "unknown"),  # a kind word alone makes no run
    ("Track", "unknown"),
    ("FRACTIONNÉ", RunKind.INTERVAL),  # case and accents do not matter
    ("fractionne", RunKind.INTERVAL),
    ("half-marathon", RunKind.RACE),  # a phrase's space matches a hyphen
    ("course", "unknown"),  # English "course", French "course": alone, not a run
    ("Course à pied", RunKind.EASY),
    ("Course des Lumières", RunKind.RACE),
    ("3x10 squats", "unknown"),  # sets of an exercise are no repeats of a distance
    ("6x800", RunKind.INTERVAL),
])
def test_title_verdict_at_the_edges_of_the_rules(title: str, verdict: object) -> None:
    assert title_verdict(title) == verdict


# Event and workout names the older workout-name rule (runs.kind_from_text, now removed) was
# checked against: the one rule reads them alike. "LSD" is long slow distance, a long run to
# a coach: "LSD 2h" is a long run (the older rule took it for no run at all).
@pytest.mark.parametrize(("title", "kind"), [
    ("Sunday long run", RunKind.LONG),
    ("LSD 2h", RunKind.LONG),
    ("Long run with 3 x 2 km at race pace", RunKind.INTERVAL),
    ("Track: 6 x 400m", RunKind.INTERVAL),
    ("Tempo 5k", RunKind.INTERVAL),
    ("Intervals", RunKind.INTERVAL),
    ("Parkrun", RunKind.RACE),
    ("10k race", RunKind.RACE),
    ("Half marathon", RunKind.RACE),
    ("Easy run", RunKind.EASY),
    ("jog with Ana", RunKind.EASY),
    ("Dentist", None),
    ("Bike 40 km", None),
    ("Swim 2k", None),
    ("Team meeting: run through slides", None),
])
def test_title_kind_reads_workout_and_event_names(title: str, kind: RunKind | None) -> None:
    assert title_kind(title) == kind


@pytest.mark.parametrize(("name", "kind"), [
    ("Long", RunKind.LONG),  # a running workout is a run: its name only sets the kind
    ("Track", RunKind.INTERVAL),
    ("Threshold", RunKind.INTERVAL),
    ("LSD", RunKind.LONG),
    ("Race pace 3 x 2 km", RunKind.INTERVAL),
    ("Parkrun", RunKind.RACE),
    ("Recovery", RunKind.EASY),
    ("Tuesday session", RunKind.EASY),
    ("Lunch intervals", RunKind.INTERVAL),  # "lunch" makes no event a run, nor a run no run
    ("Sortie longue", RunKind.LONG),
    ("Fractionné 10 x 400", RunKind.INTERVAL),
])
def test_run_kind_of_a_running_workout_s_name(name: str, kind: RunKind) -> None:
    assert run_kind(name) == kind


def test_run_kind_agrees_with_title_kind_on_every_corpus_run() -> None:
    for title, expected in _corpus():
        if expected is not None:
            assert run_kind(title) == expected, title


def test_load_title_rules_reads_the_horizon_from_the_data_file() -> None:
    assert load_title_rules().horizon_weeks == 12
