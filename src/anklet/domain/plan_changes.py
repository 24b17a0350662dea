"""A coach's changes to one person's plan, checked against the stage's rules.

A change (:class:`~anklet.domain.history.PlanChange`) swaps one exercise for another of the
same kind, leaves one out, adds one, or pins one's dose. Every change is checked here, when
it is made and again every week the planner applies it:

hard rules (a change that breaks one is refused when made, and paused later, with why):
- the exercises must be in the library;
- an added or swapped-in exercise must belong to the person's stage (hopping, landing and
  agility wait for the gate into the build stage, as for everyone) and suit the person now
  (nothing hard after a recent sprain or with swelling or giving way on record, no high
  impact for walkers and older people, a prerequisite logged first);
- a swap keeps the kind of work (its category): the block still does its job;
- a removal never leaves a block the stage's gate counts without an exercise;
- a pinned dose keeps the exercise's way of counting (reps or seconds) and stays within one
  set of its own sets (``planner.coach_pin_sets_extra``) and within the dose levels the
  progression uses (``dosing.min_level`` to ``dosing.max_level`` of its own reps or seconds);
- one active change per exercise: end the old one first.

advice (accepted, with a warning): a removal that leaves a block that is not gate-counted
without exercises, a pin above the dose the plan gives now, a swap that moves the ankle in
fewer directions in a block that must cover all four, an added exercise that is hard work
(kept off the days around hard runs).

Changes never touch the decision: gates and clearance count what was logged, the same for
everyone, so no change can make a gate easier to pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from anklet.domain.errors import InputError
from anklet.domain.exercises import Category, Exercise, Library, scale, seconds_words, timed
from anklet.domain.history import PlanChange, PlanChangeKind
from anklet.domain.protocol import Protocol, Stage

WhyNot = Callable[[Exercise], str | None]
"""Why an exercise may not be planned for the person now, in words (None: it may)."""


@dataclass(frozen=True, slots=True)
class ChangeStatus:
    """One change as a week's plan applies it."""

    change: PlanChange
    applied: bool
    reason: str | None = None
    """Why it is paused (None when applied)."""
    words: str = ""
    """What it does, in plain words for the client."""


def category_words(c: Category) -> str:
    """A category as a person reads it: ``ankle mobility``."""
    return c.value.replace("_", " ")


def _stages_words(numbers: Sequence[int], protocol: Protocol) -> str:
    names = [f"{protocol.stage(n).name.lower()} stage" for n in sorted(numbers)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _name(exercise_id: str, library: Library) -> str:
    return library.by_id[exercise_id].name if exercise_id in library else exercise_id


def change_words(change: PlanChange, library: Library) -> str:
    """What a change does, in plain words (no ids where the library knows the exercise)."""
    a = _name(change.exercise, library)
    if change.kind is PlanChangeKind.SWAP:
        return f"{_name(change.replacement or '', library)} in place of {a}"
    if change.kind is PlanChangeKind.REMOVE:
        return f"{a} left out"
    if change.kind is PlanChangeKind.ADD:
        return f"{a} added"
    return f"{a} always at {pin_text(change, library)}"


def pin_text(change: PlanChange, library: Library) -> str:
    """A pinned dose in words: ``3 × 12 reps each side``."""
    e = library.by_id.get(change.exercise)
    head = f"{change.sets} × " if (change.sets or 1) > 1 else ""
    body = (f"{change.reps} reps" if change.reps is not None
            else seconds_words(change.seconds or 0))
    tail = ", each side" if e is not None and e.dose.per_side else ""
    load = f", {e.dose.load}" if e is not None and e.dose.load else ""
    return f"{head}{body}{tail}{load}"


def _in_stage(e: Exercise, stage: Stage, protocol: Protocol, field: str) -> None:
    if stage.number in e.stages:
        return
    later = [n for n in e.stages if n > stage.number]
    if later:
        why = (f"{e.name} belongs to the {_stages_words(e.stages, protocol)}; this person "
               f"is in the {stage.name.lower()} stage, and it waits until they pass the "
               f"gate into the {protocol.stage(min(later)).name.lower()} stage")
    else:
        why = (f"{e.name} belongs to the {_stages_words(e.stages, protocol)}, not the "
               f"{stage.name.lower()} stage this person is in")
    raise InputError(field, e.id, f"{why}. Accepted: an exercise of the "
                     f"{stage.name.lower()} stage")


def _known(exercise_id: str, library: Library, field: str) -> Exercise:
    e = library.by_id.get(exercise_id)
    if e is None:
        raise InputError(field, exercise_id, "it is not in the exercise library. Accepted: an "
                         "id from the exercise library (anklet exercises)")
    return e


def _suits(e: Exercise, why_not: WhyNot, field: str) -> None:
    if (why := why_not(e)) is not None:
        raise InputError(field, e.id, f"{e.name} is not safe for this person now: {why}")


def _gate_keeps_work(change: PlanChange, others: Sequence[PlanChange], stage: Stage,
                     library: Library, why_not: WhyNot) -> None:
    """A removal may not empty a block the stage's gate counts."""
    removed = {c.exercise for c in (*others, change) if c.kind is PlanChangeKind.REMOVE}
    e = library.by_id[change.exercise]
    for t in stage.targets:
        if t.priority != "gate" or e.category not in t.categories:
            continue
        left = [x for x in library.exercises if stage.number in x.stages
                and x.category in t.categories and x.id not in removed and why_not(x) is None]
        if not left:
            raise InputError("exercise", change.exercise, (
                f"{t.label} counts toward the next stage, and leaving out {e.name} would "
                f"leave it with no exercise this person can do. Accepted: leave in at least "
                f"one exercise of {t.label.lower()} (or swap it for another)"))


def dose_bounds(e: Exercise, protocol: Protocol) -> dict[str, tuple[int, int]]:
    """The sets and the reps or seconds a pinned dose of ``e`` may have (both ends in)."""
    extra = int(protocol.planner.coach_pin_sets_extra.value)
    low, high = protocol.dosing.min_level.value, protocol.dosing.max_level.value
    if e.dose.fixed:  # the amount is how the exercise works: only the sets may change
        low = high = 1.0
    out = {"sets": (max(1, e.dose.sets - extra), min(10, e.dose.sets + extra))}
    if e.dose.reps is not None:
        out["reps"] = (scale(e.dose.reps, low), scale(e.dose.reps, high))
    if e.dose.seconds is not None:
        # in the plan's own steps, so every amount a plan can give is one a coach can pin
        out["seconds"] = (timed(e.dose.seconds, low), timed(e.dose.seconds, high))
    return out


def _pin_ok(change: PlanChange, e: Exercise, protocol: Protocol) -> None:
    bounds = dose_bounds(e, protocol)
    if "reps" not in bounds and "seconds" not in bounds:
        raise InputError("exercise", e.id, f"{e.name} is dosed in rounds, which the plan "
                         f"sets. Accepted: an exercise dosed in reps or seconds")
    for field, value in (("reps", change.reps), ("seconds", change.seconds)):
        if value is not None and field not in bounds:
            other = "seconds" if field == "reps" else "reps"
            raise InputError(field, value, f"{e.name} is counted in {other}, not {field}. "
                             f"Accepted: {other}")
    for field in ("sets", "reps", "seconds"):
        value = getattr(change, field)
        if value is None or field not in bounds:
            continue
        lo, hi = bounds[field]
        if not lo <= value <= hi:
            raise InputError(field, value, f"accepted for {e.name}: {lo} to {hi} {field} "
                             f"(its own dose at the lowest to the highest dose level)")


def _refusal(change: PlanChange, others: Sequence[PlanChange], stage: Stage,
             protocol: Protocol, library: Library, why_not: WhyNot) -> None:
    """Raise :class:`InputError` naming the field when ``change`` breaks a hard rule."""
    kind = change.kind
    e = _known(change.exercise, library, "exercise")
    if kind is PlanChangeKind.SWAP:
        b = _known(change.replacement or "", library, "replacement")
        if b.category is not e.category:
            raise InputError("replacement", b.id, (
                f"a swap keeps the same kind of work: {e.name} is {category_words(e.category)}"
                f" and {b.name} is {category_words(b.category)}. Accepted: an exercise of "
                f"{category_words(e.category)}"))
        _in_stage(b, stage, protocol, "replacement")
        _suits(b, why_not, "replacement")
    elif kind is PlanChangeKind.ADD:
        _in_stage(e, stage, protocol, "exercise")
        _suits(e, why_not, "exercise")
    elif kind is PlanChangeKind.PIN:
        _in_stage(e, stage, protocol, "exercise")
        _pin_ok(change, e, protocol)
    elif kind is PlanChangeKind.REMOVE:
        _gate_keeps_work(change, others, stage, library, why_not)


def check_new(change: PlanChange, active: Sequence[PlanChange], *, stage: Stage,
              protocol: Protocol, library: Library, why_not: WhyNot,
              dose_level: float) -> list[str]:
    """Check a change about to be made: raise :class:`InputError` (the field, the value and
    why, in words) when it breaks a hard rule; else the warnings (advice) it earns.
    ``active`` are the person's changes in force (it must not repeat one of them)."""
    for c in active:
        if c.exercise == change.exercise:
            raise InputError("exercise", change.exercise, (
                f"{_name(c.exercise, library)} already has a change in force "
                f"({change_words(c, library)}, since {c.date:%-d %B %Y}). Accepted: end that "
                f"change first, or choose another exercise"))
    _refusal(change, active, stage, protocol, library, why_not)
    return _warnings(change, active, stage, protocol, library, why_not, dose_level)


def _warnings(change: PlanChange, active: Sequence[PlanChange], stage: Stage,
              protocol: Protocol, library: Library, why_not: WhyNot,
              dose_level: float) -> list[str]:
    out: list[str] = []
    e = library.by_id[change.exercise]
    if change.kind is PlanChangeKind.REMOVE:
        removed = {c.exercise for c in (*active, change) if c.kind is PlanChangeKind.REMOVE}
        for t in stage.targets:
            if t.priority == "gate" or e.category not in t.categories:
                continue
            if not any(stage.number in x.stages and x.category in t.categories
                       and x.id not in removed and why_not(x) is None
                       for x in library.exercises):
                out.append(f"With {e.name} left out, {t.label.lower()} has no exercise left "
                           f"for this person: the plan will go without it.")
    if change.kind is PlanChangeKind.PIN:
        now = e.dose.scaled(dose_level)
        for field in ("reps", "seconds"):
            pinned, plan = getattr(change, field), now[field]
            if pinned is not None and plan is not None and (
                    pinned > plan or (change.sets or 0) > e.dose.sets):
                out.append(f"This is more than the plan gives now ({e.dose.describe(dose_level)}):"
                           f" while it is pinned the dose no longer follows the weekly steps. "
                           f"It waits whenever the plan cuts the dose for pain or after a race.")
    if change.kind is PlanChangeKind.SWAP and (b := library.by_id.get(change.replacement or "")):
        lost = [m.value for m in e.motions if m not in b.motions]
        if lost and any(t.cover_motions and e.category in t.categories for t in stage.targets):
            out.append(f"{b.name} does not move the ankle into {' or '.join(lost)} as "
                       f"{e.name} does: the stage's gate counts days whose ankle work covers "
                       f"all four motions, so check the block still does.")
    added = library.by_id.get(change.replacement or change.exercise)
    if (change.kind in (PlanChangeKind.ADD, PlanChangeKind.SWAP) and added is not None
            and added.category in protocol.planner.hard_run_categories):
        out.append(f"{added.name} is hard work: like all such work it is kept off the day of "
                   f"a long, interval or race run and the day before.")
    return out


def statuses(changes: Sequence[PlanChange], day: dt.date, *, stage: Stage,
             protocol: Protocol, library: Library, why_not: WhyNot) -> list[ChangeStatus]:
    """The changes in force on ``day``, each applied or paused with the reason: a change the
    person's stage or state no longer allows (or whose exercise has left the library) is
    paused, never silently dropped or applied. The first change for an exercise wins."""
    out: list[ChangeStatus] = []
    seen: set[str] = set()
    applied: list[PlanChange] = []
    for c in (c for c in changes if c.active_on(day)):
        words = change_words(c, library)
        if c.exercise in seen:
            out.append(ChangeStatus(c, False, "an earlier change for the same exercise is in "
                                    "force", words))
            continue
        seen.add(c.exercise)
        try:
            _refusal(c, applied, stage, protocol, library, why_not)
        except InputError as err:
            out.append(ChangeStatus(c, False, _paused_reason(err), words))
            continue
        applied.append(c)
        out.append(ChangeStatus(c, True, None, words))
    return out


def _paused_reason(err: InputError) -> str:
    """The reason of a refusal, without its 'Accepted: …' tail (a paused change needs none)."""
    text = err.accepted.split(". Accepted:")[0]
    if text.startswith("it is not in"):
        return "the exercise is no longer in the exercise library"
    return text


__all__ = [
    "ChangeStatus",
    "WhyNot",
    "category_words",
    "change_words",
    "check_new",
    "dose_bounds",
    "pin_text",
    "statuses",
]
