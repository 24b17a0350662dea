"""Is a calendar event a run, and what kind: read from its title by word lists. The one rule
for words that name runs: calendar titles (:func:`title_verdict`) and the names of running
workouts (:func:`run_kind`) are read by it.

The words (English, German, Spanish, French) and the order they are tried in live in
``anklet/data/run_titles.yaml``, which also says how a title is read; this module only
applies them. In short: a few phrases are runs whatever else is said ("Lunch run"); then a
title naming something that is not a run wins over every running word ("Lunch with the
running club committee", "Swim intervals"); then a running word makes it a run; its kind is
the first kind with a word in the title (race-pace work, "long run", race, interval, long), else
easy. A workout file says itself that it is a run (its sport), so its name only sets the
kind: "Long" or "Track" alone are a long run and an interval session there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import Field

from anklet.domain.datafile import (
    DataModel,
    Number,
    parse_yaml,
    read_text,
    strip_lines,
    validate_file_model,
)
from anklet.domain.history import RunKind

__all__ = ["TitleRules", "load_title_rules", "run_kind", "title_kind", "title_verdict"]


class _KindWords(DataModel):
    kind: RunKind
    run_words: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)


class _TitleFile(DataModel):
    horizon_weeks: Number
    runs_anyway: list[str]
    not_runs: list[str]
    runs: list[str]
    kinds: list[_KindWords]


def _plain(text: str) -> str:
    """Lower case without accents: "Fractionné" -> "fractionne", "Frühstück" -> "fruhstuck"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _pattern(entries: list[str]) -> re.Pattern[str] | None:
    parts = []
    for entry in entries:
        if entry.startswith("re:"):
            parts.append(f"(?:{entry[3:]})")
            continue
        words = _plain(entry).split()
        body = r"[\s_/-]+".join(re.escape(w).replace(r"\*", r"\w*") for w in words)
        parts.append(rf"(?<!\w){body}(?!\w)")
    return re.compile("|".join(parts)) if parts else None


def _search(pattern: re.Pattern[str] | None, text: str) -> bool:
    return pattern is not None and pattern.search(text) is not None


@dataclass(frozen=True, slots=True)
class TitleRules:
    """The word lists, compiled."""

    horizon_weeks: int
    runs_anyway: re.Pattern[str] | None
    not_runs: re.Pattern[str] | None
    runs: re.Pattern[str] | None
    kinds: tuple[tuple[RunKind, re.Pattern[str] | None, re.Pattern[str] | None], ...]
    """(kind, words that make a run of that kind, words that only set the kind), in order."""


@cache
def load_title_rules() -> TitleRules:
    """The shipped word lists (read once)."""
    text, name = read_text(None, "run_titles.yaml")
    raw = parse_yaml(text, name=name)
    data = validate_file_model(_TitleFile, strip_lines(raw), raw=raw, name=name)
    return TitleRules(
        horizon_weeks=int(data.horizon_weeks.value),
        runs_anyway=_pattern(data.runs_anyway), not_runs=_pattern(data.not_runs),
        runs=_pattern(data.runs),
        kinds=tuple((k.kind, _pattern(k.run_words), _pattern(k.words)) for k in data.kinds))


Verdict = RunKind | Literal["not_run", "unknown"]


def title_verdict(title: str, rules: TitleRules | None = None) -> Verdict:
    """The kind of run ``title`` names; ``"not_run"`` when it names something else (or a
    non-run meaning of a running word); ``"unknown"`` when it names neither."""
    r = rules or load_title_rules()
    text = _plain(title)
    anyway = _search(r.runs_anyway, text)
    if not anyway and _search(r.not_runs, text):
        return "not_run"
    is_run = anyway or _search(r.runs, text) or any(_search(rw, text) for _, rw, _ in r.kinds)
    if not is_run:
        return "unknown"
    return _kind(text, r)


def run_kind(name: str, rules: TitleRules | None = None) -> RunKind:
    """The kind of a run already known to be one (a running workout) that its name says:
    the first kind with a word in ``name``, else easy. Whether it is a run is not asked
    again: the words that make a calendar event no run ("Lunch", "Swim") do not apply."""
    return _kind(_plain(name), rules or load_title_rules())


def _kind(text: str, r: TitleRules) -> RunKind:
    for kind, run_words, words in r.kinds:
        if _search(run_words, text) or _search(words, text):
            return kind
    return RunKind.EASY


def title_kind(title: str, rules: TitleRules | None = None) -> RunKind | None:
    """The kind of run ``title`` names, or None when it is not a run."""
    verdict = title_verdict(title, rules)
    return verdict if isinstance(verdict, RunKind) else None
