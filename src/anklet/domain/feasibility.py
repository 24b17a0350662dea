"""What a person's week can hold: the smallest effective form of a target and on how many
days it fits when placed first.

Pure and free of decisions: the planner places work with it, and the decision engine reads
it so that a frequency criterion or a weekly target never asks for more days than the
person's availability can hold (a perfect follower can always pass).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence

from anklet.domain.exercises import Exercise, Library
from anklet.domain.protocol import Stage, Target


def smallest_form(target: Target, candidates: Sequence[Exercise]) -> list[Exercise]:
    """The shortest block that still does the target's job: for ankle mobility that must
    cover all four motions, the fewest minutes that move the ankle all four ways (one
    exercise such as ankle circles); for three-plane work, the planes the candidates
    reach; otherwise the single shortest, easiest exercise."""
    cands = sorted(candidates, key=lambda e: (e.minutes, e.level, e.id))
    if not cands:
        return []
    if not (target.cover_motions or target.cover_planes):
        return cands[:1]

    def covers(es: Iterable[Exercise]) -> frozenset[str]:
        if target.cover_motions:
            return frozenset(m.value for e in es for m in e.motions)
        return frozenset(p.value for e in es for p in e.planes)

    want = covers(cands)
    for k in range(1, min(4, len(cands)) + 1):
        fits = [c for c in itertools.combinations(cands[:16], k) if covers(c) >= want]
        if fits:
            best = min(fits, key=lambda c: (sum(e.minutes for e in c),
                                            max(e.level for e in c), [e.id for e in c]))
            return list(best)
    return cands[:1]


def stage_candidates(target: Target, stage: int, library: Library,
                      allowed: Callable[[Exercise], bool] | None = None) -> list[Exercise]:
    return [e for e in library.exercises if stage in e.stages and e.category in target.categories
            and (allowed is None or allowed(e))]


def most_days(usable: Sequence[bool], spaced: bool) -> int:
    """How many of the week's days can hold a target: the usable ones, with a rest day
    between them when ``spaced``."""
    if not spaced:
        return sum(usable)
    count, last = 0, -2
    for d, ok in enumerate(usable):
        if ok and d - last > 1:
            count, last = count + 1, d
    return count


def allowed_days(stage: Stage, minutes: tuple[int, ...], library: Library) -> dict[str, int]:
    """Per target of ``stage``: on how many days of a week with these free ``minutes``
    (Monday first) it fits when it is placed first at its smallest form. A target with no
    exercise in the library allows 0. Pure; the gate and adherence code read it to judge
    whether a frequency criterion can be met on the person's availability."""
    out: dict[str, int] = {}
    for t in stage.targets:
        short = smallest_form(t, stage_candidates(t, stage.number, library))
        need = sum(e.minutes for e in short)
        out[t.id] = 0 if not short else most_days(
            [m >= need for m in minutes], t.spacing == "no_consecutive")
    return out


def gate_days_needed(stage: Stage, target: Target) -> int:
    """Days a week the stage's gate counts for ``target`` (from its category-days criteria),
    0 when the gate counts none of its days."""
    need = 0
    for c in stage.gate:
        if c.metric != "category_days" or str(c.params.get("category")) not in target.categories:
            continue
        window = int(c.params.get("days", 7))
        need = max(need, math.ceil(c.threshold * 7 / window))
    return need


def allowance(stage: Stage, minutes: tuple[int, ...], library: Library) -> dict[str, int] | None:
    """:func:`allowed_days` for adherence: None when no availability is given at all (then
    targets count as the stage sets them)."""
    return allowed_days(stage, minutes, library) if any(minutes) else None


__all__ = ["allowance", "allowed_days", "gate_days_needed", "most_days", "smallest_form", "stage_candidates"]
