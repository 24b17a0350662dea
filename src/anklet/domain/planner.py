"""Decision + availability + runs → a week of sessions a person can follow all the way.

Rules the plan keeps (each target and number comes from the protocol file):
- the targets a stage's gate counts (``priority: gate``: foot release in stage 1, ankle
  mobility in stage 2) are placed before anything else, shrunk to their smallest effective
  form (for ankle mobility one exercise that moves the ankle all four ways) before they
  are dropped; when the week cannot hold them the plan says so and names the smallest
  change of availability that would;
- a daily target (``per_week: 7``) on every day (but race day);
- every other target on ``per_week`` different days, never on two days in a row where its
  spacing says so; a block shrinks before it is dropped;
- what holds the person back (an assessed, unmet gate or clearance criterion on range,
  balance or calf strength: ``planner.blockers``) gets its own blocks, with extra sets on
  the lagging side;
- gait drills on the day of each long, interval or race run, before it (part of the run's
  warm-up, so they do not use the day's free minutes), at most
  ``gait_prep_before_long_max_min`` before a long run or race;
- no three-plane, agility, landing or loaded dorsiflexion work on a long, interval or race
  day or the day before; lunges capped per day; race week a taper; the week after lighter;
- a day never holds more minutes than the person gave for it.

Exercises are chosen easy first: one that suits the person's activity only wins a tie at
or below their level. After a recent sprain, or with swelling or giving way on record,
nothing above ``recent_sprain_max_level`` and no agility, landing or jumping; walkers and
older people get no high-impact or heavy work; an exercise with a prerequisite waits
until the prerequisite has been logged.

Placement is greedy, spreading each target over the week; if that leaves a rule unkept an
exact search over the week finds the plan that keeps the most sessions, so a rule is only
reported as unkept when no plan on that availability could keep it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from anklet.domain.decisions import CriterionResult, Decision, fmt
from anklet.domain.errors import InputError
from anklet.domain.exercises import Category, Exercise, Impact, Library, LoadType, Motion, load_library
from anklet.domain.feasibility import (
    allowed_days,
    gate_days_needed,
    most_days,
    smallest_form,
    stage_candidates,
)
from anklet.domain.history import (
    Activity,
    Availability,
    History,
    Person,
    PlanChange,
    PlanChangeKind,
    PlannedRun,
    RunKind,
    gait_off_since,
)
from anklet.domain.measures import MEASURE_INFO, MeasureKind, reached_words
from anklet.domain.plan_changes import ChangeStatus, category_words, check_new, pin_text, statuses
from anklet.domain.protocol import Blocker, Habit, PlannerRules, Protocol, Stage, Target, load_protocol
from anklet.domain.runs import cadence_trend

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_RUN_WORDS = {RunKind.LONG: "long run", RunKind.INTERVAL: "interval session",
              RunKind.RACE: "race", RunKind.EASY: "easy run"}
_NO_LANDING = (Category.AGILITY, Category.LANDING)
_IMPACT_ORDER = {Impact.NONE: 0, Impact.LOW: 1, Impact.MODERATE: 2, Impact.HIGH: 3}


@dataclass(frozen=True, slots=True)
class Amounts:
    """The numbers of a prescribed dose: what a log form is filled in with."""

    sets: int
    reps: int | None = None
    seconds: int | None = None
    rounds: int | None = None

    @classmethod
    def at(cls, e: Exercise, level: float) -> Amounts:
        """``e``'s own dose at ``level``."""
        d = e.dose.scaled(level)
        return cls(d["sets"] or 1, d["reps"], d["seconds"], d["rounds"])

    def as_dict(self) -> dict[str, int | None]:
        return {"sets": self.sets, "reps": self.reps, "seconds": self.seconds,
                "rounds": self.rounds}


@dataclass(frozen=True, slots=True)
class PlanItem:
    exercise: Exercise
    dose: str
    coach: str | None = None
    """What the person's coach changed here, in words (None: nothing)."""
    pinned: bool = False
    """The dose is the coach's pinned dose (not scaled with the dose level)."""
    amounts: Amounts | None = None
    """The dose in numbers, exactly as ``dose`` says it in words (the coach's pin, a lunge
    cap's lower level); None only for an item built by hand, read as the exercise's own
    dose at the plan's level (see :meth:`prescribed`)."""

    @property
    def minutes(self) -> int:
        return self.exercise.minutes

    def prescribed(self, level: float) -> Amounts:
        """The numbers this item prescribes, in a plan written at ``level``."""
        return self.amounts or Amounts.at(self.exercise, level)


@dataclass(frozen=True, slots=True)
class PlanBlock:
    target_id: str
    label: str
    items: tuple[PlanItem, ...]
    before_run: PlannedRun | None = None
    short: bool = False
    note: str | None = None
    """Why the block is there and how it was fitted, in words."""
    extra_side: str | None = None
    """The side that is behind and gets extra sets ("left" or "right")."""

    @property
    def minutes(self) -> int:
        return sum(i.minutes for i in self.items)

    @property
    def uses_free_time(self) -> bool:
        return self.before_run is None


@dataclass(frozen=True, slots=True)
class PlanDay:
    date: dt.date
    available: int
    blocks: tuple[PlanBlock, ...]
    runs: tuple[PlannedRun, ...]

    @property
    def weekday(self) -> str:
        return DAY_NAMES[self.date.weekday()]

    @property
    def minutes(self) -> int:
        """Minutes of free time this day's plan uses (gait prep before a run is not counted)."""
        return sum(b.minutes for b in self.blocks if b.uses_free_time)

    def has(self, target_id: str) -> bool:
        return any(b.target_id == target_id for b in self.blocks)


@dataclass(frozen=True, slots=True)
class RuleIssue:
    target_id: str
    rule: str
    message: str


@dataclass(frozen=True)
class WeekPlan:
    person_id: str
    week_start: dt.date
    stage: int | None
    stage_name: str | None
    dose_level: float
    days: tuple[PlanDay, ...]
    issues: tuple[RuleIssue, ...]
    habits: tuple[str, ...]
    refused: str | None = None
    notes: tuple[str, ...] = ()
    """What shaped this week as a whole (race week, the week after, easy-first caution)."""
    dose_factor: float = 1.0
    """The share of the normal dose this week's doses are written at (the week after a race
    is lighter); ``dose_level`` already includes it."""
    race_days: tuple[dt.date, ...] = field(default=())
    coach_changes: tuple[ChangeStatus, ...] = ()
    """The coach's changes in force this week, each applied or paused with the reason."""

    @property
    def ok(self) -> bool:
        return self.refused is None and not self.issues

    def count(self, target_id: str) -> int:
        return sum(d.has(target_id) for d in self.days)


# --- who the plan is for ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Person:
    activities: frozenset[Activity] = frozenset()
    profile: str | None = None
    age: int | None = None
    low_impact: bool = False
    """A walker or an older person: no high impact, no heavy loads, low-impact agility."""
    caution: str | None = None
    """Why nothing hard is planned (a recent sprain, swelling, giving way), in words."""
    max_level: int = 5
    logged: frozenset[str] = frozenset()
    form_work: bool = True
    """Runners' foot-strike and cadence work is on (not in the weeks before a race)."""
    quick_feet_max_level: int = 5
    """The highest level of agility or landing work (quick footwork is a fall risk for a
    walker or an older person; ``planner.low_impact_agility_max_level``)."""
    weaker: Mapping[MeasureKind, float] = field(default_factory=dict)
    """The weaker side's latest result of each test (what an exercise's ``needs`` reads)."""


def _person(decision: Decision, history: History, protocol: Protocol, start: dt.date) -> _Person:
    rules = protocol.planner
    intake = history.intake
    activities = frozenset(intake.activities) if intake else frozenset()
    profile = intake.profile.value if intake and intake.profile else None
    age = intake.age_on(decision.as_of) if intake else None
    older = age is not None and age >= rules.older_age.value
    low_impact = profile == "walker" or older
    caution = None
    recent = int(protocol.settings.recent_sprain_days.value)
    if intake:
        for side, sh in (("left", intake.left), ("right", intake.right)):
            if sh.last_sprain and 0 <= (decision.as_of - sh.last_sprain).days <= recent:
                caution = (f"your {side} ankle was sprained on {sh.last_sprain:%-d %B}, less "
                           f"than {recent} days ago")
                break
    latest = next((s for s in reversed(history.screenings) if s.date <= decision.as_of), None)
    if latest is not None and caution is None:
        for side in ("left", "right"):
            sym = getattr(latest, side)
            if sym.giving_way or sym.swelling:
                what = "gave way" if sym.giving_way else "was swollen"
                caution = f"your {side} ankle {what} at your last check on {latest.date:%-d %B}"
                break
    max_level = int(rules.recent_sprain_max_level.value) if caution else 5
    race_window = dt.timedelta(weeks=int(rules.no_form_work_before_race_weeks.value))
    race_ahead = any(r.kind is RunKind.RACE and start <= r.date < start + race_window
                     for r in history.planned_runs)
    logged = frozenset(x.exercise_id for s in history.sessions if s.date <= decision.as_of
                       for x in s.exercises)
    quick = int(rules.low_impact_agility_max_level.value) if low_impact else 5
    return _Person(activities, profile, age, low_impact, caution, max_level, logged,
                   form_work=not race_ahead, quick_feet_max_level=quick,
                   weaker=_weaker_side(history, decision.as_of))


def _weaker_side(history: History, as_of: dt.date) -> dict[MeasureKind, float]:
    """Each test's result on the weaker side: the lower of each side's latest up to ``as_of``."""
    latest: dict[tuple[MeasureKind, str], float] = {}
    for m in sorted((m for m in history.measurements if m.date <= as_of), key=lambda m: m.date):
        latest[m.kind, m.side] = m.value
    out: dict[MeasureKind, float] = {}
    for (kind, _side), value in latest.items():
        out[kind] = min(value, out.get(kind, value))
    return out


def _suitable(e: Exercise, who: _Person) -> bool:
    """Whether ``e`` may be planned for this person at all (safety and prerequisites)."""
    return _why_not(e, who) is None


def _why_not(e: Exercise, who: _Person) -> str | None:
    """Why ``e`` may not be planned for this person now, in words (None: it may)."""
    if e.prerequisite is not None and e.prerequisite not in who.logged:
        return f"it comes after {e.prerequisite.replace('-', ' ')}, which is not logged yet"
    for kind, least in e.needs.items():
        have = who.weaker.get(kind)
        if have is not None and have < least:
            unit = MEASURE_INFO[kind][1].unit
            return (f"it comes once {reached_words(kind, least)} (the weaker side had "
                    f"{have:g} {unit} at the last test)")
    if who.caution and (e.level > who.max_level or e.category in _NO_LANDING
                        or e.load is LoadType.PLYOMETRIC):
        return (f"{who.caution}, so no agility, landing or jumping and nothing above "
                f"level {who.max_level} for now")
    if who.low_impact:
        why = "for a walker or a person 60 or over"
        if e.heavy or e.impact is Impact.HIGH:
            return f"no high impact or heavy loads {why}"
        if e.category is Category.AGILITY and _IMPACT_ORDER[e.impact] > 1:
            return f"only low-impact agility {why}"
        if e.category in (Category.AGILITY, Category.LANDING) and e.level > who.quick_feet_max_level:
            return f"no quick footwork above level {who.quick_feet_max_level} {why}"
    if not who.form_work and _is_form_work(e):
        return "no changes to foot strike or cadence in the weeks before a race"
    return None


def _is_form_work(e: Exercise) -> bool:
    """Runners' foot-strike and cadence changes (kept out of the weeks before a race)."""
    return _runners_only(e) and (e.category is Category.FOOT_HABIT or "cadence" in e.id)


def _runners_only(e: Exercise) -> bool:
    return set(e.suits) == {Activity.RUNNING}


# --- choosing exercises for a target -------------------------------------------------


_Rank = Callable[[Exercise], tuple[int, int, int, str]]


def choose_exercises(target: Target, stage: int, library: Library, variant: int,
                     rotation: int = 0, activities: frozenset[Activity] = frozenset(),
                     allowed: Callable[[Exercise], bool] | None = None) -> list[Exercise]:
    """Pick ``target.pick`` exercises for a block, easy first: closest to the person's variant
    level, then the easier; an exercise that suits the person's activities only wins a tie,
    and only at or below their level. ``allowed`` filters out what the person may not do."""
    cands = [e for e in library.exercises if stage in e.stages and e.category in target.categories
             and (allowed is None or allowed(e))]
    if not cands:
        return []

    def rank(e: Exercise) -> tuple[int, int, int, str]:
        suited = e.level <= variant and bool(activities.intersection(e.suits))
        return (abs(e.level - variant), e.level, 0 if suited else 1, e.id)

    cands.sort(key=rank)
    if rotation and len(cands) > target.pick:
        cands = _rotated(cands, rank, rotation)
    if target.cover_motions:
        return _by_motion(target, cands, rank)
    if target.cover_planes:
        return _by_plane(target, cands)
    if len(target.categories) > 1:
        return _by_category(target, cands)
    return cands[: target.pick]


def _rotated(cands: list[Exercise], rank: _Rank, rotation: int) -> list[Exercise]:
    """Vary the week's choice among the equally good candidates (``cands`` sorted by rank)."""
    best = rank(cands[0])[:3]
    tier = [e for e in cands if rank(e)[:3] == best]
    k = rotation % len(tier)
    return tier[k:] + tier[:k] + [e for e in cands if e not in tier]


def _by_motion(target: Target, cands: list[Exercise], rank: _Rank) -> list[Exercise]:
    """One exercise per ankle motion, preferring those that train that motion alone, then
    the best ranked up to ``target.pick``."""
    chosen: list[Exercise] = []
    for motion in Motion:
        if any(motion in e.motions for e in chosen):
            continue
        with_motion = [e for e in cands if motion in e.motions and e not in chosen]
        if with_motion:
            chosen.append(min(with_motion, key=lambda e: (len(e.motions) > 1, rank(e))))
    chosen += [e for e in cands if e not in chosen][: max(0, target.pick - len(chosen))]
    return chosen


def _by_plane(target: Target, cands: list[Exercise]) -> list[Exercise]:
    """Closest to the person's level first, but each new pick adds a plane if it can; a
    target of several categories takes one of each first (the maintenance routine's 3D work
    keeps agility in it, which the clearance re-check asks for)."""
    chosen: list[Exercise] = []

    def add_from(pool: list[Exercise]) -> None:
        have = {p for e in chosen for p in e.planes}
        chosen.append(next((e for e in pool if set(e.planes) - have), pool[0]))

    if len(target.categories) > 1:
        for cat in target.categories[:target.pick]:
            if pool := [e for e in cands if e.category is cat]:
                add_from(pool)
    while len(chosen) < target.pick:
        rest = [e for e in cands if e not in chosen]
        if not rest:
            break
        add_from(rest)
    return chosen


def _by_category(target: Target, cands: list[Exercise]) -> list[Exercise]:
    """The best ranked of each of the target's categories in turn, up to ``target.pick``."""
    chosen: list[Exercise] = []
    per_cat = {c: [e for e in cands if e.category is c] for c in target.categories}
    i = 0
    while len(chosen) < target.pick and any(per_cat.values()):
        lst = per_cat[target.categories[i % len(target.categories)]]
        if lst:
            chosen.append(lst.pop(0))
        i += 1
    return chosen


def _join(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _smallest_change(need: int, usable: list[bool], room: list[int], minutes: int,
                     spaced: bool) -> list[tuple[int, int]]:
    """The fewest extra minutes, day by day, that let a target of ``minutes`` reach ``need``
    days: the days closest to fitting are topped up first. [] when no change does it."""
    chosen = list(usable)
    adds: list[tuple[int, int]] = []
    for d in sorted((d for d in range(7) if not usable[d]),
                    key=lambda d: (minutes - room[d], d)):
        if most_days(chosen, spaced) >= need:
            break
        trial = list(chosen)
        trial[d] = True
        if most_days(trial, spaced) > most_days(chosen, spaced):
            chosen = trial
            adds.append((d, minutes - max(0, room[d])))
    return sorted(adds) if most_days(chosen, spaced) >= need else []


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _add_text(adds: list[tuple[int, int]], dates: Sequence[dt.date]) -> str:
    adds = [(d, m) for d, m in adds if m > 0]  # a day with room already needs no minutes
    if not adds:
        return ""
    by_minutes: dict[int, list[str]] = {}
    for d, m in adds:
        by_minutes.setdefault(m, []).append(DAY_NAMES[dates[d].weekday()])
    parts = [f"{m} minute{'s' if m != 1 else ''} on {_join(names)}"
             for m, names in sorted(by_minutes.items(), key=lambda kv: -len(kv[1]))]
    glue = " and " if len(parts) == 2 and not any(" and " in x for x in parts) else ", and "
    return f" Add {glue.join(parts)} to keep it."


# --- blocks --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Work:
    """One target as this week plans it."""

    target: Target
    full: tuple[Exercise, ...]
    short: tuple[Exercise, ...]
    need: int
    gate: bool = False
    weight: int = 1
    note: str | None = None
    extra_side: str | None = None
    barred: frozenset[int] = frozenset()
    """Days it may not go on (around hard runs)."""
    pins: Mapping[str, tuple[str, Amounts]] = field(default_factory=dict)
    """The coach's pinned doses in words and in numbers, by exercise id."""
    marks: Mapping[str, str] = field(default_factory=dict)
    """What the coach changed, in words, by exercise id."""

    @property
    def full_minutes(self) -> int:
        return sum(e.minutes for e in self.full)

    @property
    def short_minutes(self) -> int:
        return sum(e.minutes for e in self.short)

    @property
    def spaced(self) -> bool:
        return self.target.spacing == "no_consecutive"


def _dose(e: Exercise, level: float, extra_side: str | None, extra_sets: int) -> str:
    text = e.dose.describe(level)
    if extra_side and e.dose.per_side and extra_sets:
        text += f"; {extra_sets} more set{'s' if extra_sets > 1 else ''} on the {extra_side}"
    return text


def _item(w: _Work, e: Exercise, level: float, extra_sets: int) -> PlanItem:
    """``e`` at the coach's pinned dose, or at its own dose scaled to ``level``."""
    pin = w.pins.get(e.id)
    if pin is None:
        return PlanItem(e, _dose(e, level, w.extra_side, extra_sets), w.marks.get(e.id),
                        amounts=Amounts.at(e, level))
    words, amounts = pin
    return PlanItem(e, words, w.marks.get(e.id), True, amounts)


def _block(w: _Work, level: float, extra_sets: int, *, short: bool = False,
           before_run: PlannedRun | None = None, note: str | None = None,
           exercises: Sequence[Exercise] | None = None) -> PlanBlock:
    chosen = exercises if exercises is not None else (w.short if short else w.full)
    items = tuple(_item(w, e, level, extra_sets) for e in chosen)
    notes = [n for n in (w.note, note) if n]
    return PlanBlock(w.target.id, w.target.label, items, before_run, short,
                     "; ".join(notes) or None, w.extra_side)


# --- scheduling ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Job:
    """A non-daily target to place on ``need`` days, ``minutes`` each."""

    index: int
    need: int
    minutes: int
    spaced: bool
    weight: int = 1


def _greedy(jobs: list[_Job], cap: list[int], taken: list[set[int]],
            avoid: set[int]) -> list[list[int]]:
    """Place each job's days one by one, spreading them; returns days per job."""
    cap = list(cap)
    out: list[list[int]] = [[] for _ in jobs]
    order = sorted(range(len(jobs)),
                   key=lambda i: (-jobs[i].weight, not jobs[i].spaced, -jobs[i].minutes))
    for i in order:
        job = jobs[i]
        for _ in range(job.need):
            best: tuple[float, int, int, int] | None = None
            for d in range(7):
                if d in out[i] or d in taken[job.index] or cap[d] < job.minutes:
                    continue
                if job.spaced and (d - 1 in out[i] or d + 1 in out[i]):
                    continue
                spread = min((abs(d - x) for x in out[i]), default=7)
                score = (spread, -(d in avoid and job.spaced), cap[d], -d)
                if best is None or score > best:
                    best = score
                    best_day = d
            if best is None:
                break
            out[i].append(best_day)
            cap[best_day] -= job.minutes
    return out


def _exact(jobs: list[_Job], cap: list[int], taken: list[set[int]]) -> list[list[int]]:
    """The placement that keeps the most (weighted) job-days, by dynamic programming over
    the week."""
    n = len(jobs)
    spaced = sum(1 << i for i, j in enumerate(jobs) if j.spaced)
    visited = [0]
    fits: dict[tuple[int, tuple[int, ...]], list[tuple[int, int]]] = {}
    drops: dict[int, tuple[int, ...]] = {}

    def subsets(day: int, options: tuple[int, ...]) -> list[tuple[int, int]]:
        """(mask, weight) of each subset of ``options`` that fits the day's minutes, the
        subsets taking a job before those leaving it out (the order the search tries them,
        which decides between equally good placements). Many week states share a day's
        options, so each list is made once."""
        found = fits.get((day, options))
        if found is None:
            found = []
            stack: list[tuple[int, int, int, int]] = [(0, 0, 0, 0)]
            while stack:
                k, mask, used, weight = stack.pop()
                if k == len(options):
                    found.append((mask, weight))
                    continue
                i = options[k]
                stack.append((k + 1, mask, used, weight))
                if used + jobs[i].minutes <= cap[day]:
                    stack.append((k + 1, mask | 1 << i, used + jobs[i].minutes,
                                  weight + jobs[i].weight))
            fits[day, options] = found
        return found

    @cache
    def best(day: int, needs: tuple[int, ...], prev: int) -> tuple[int, tuple[int, ...]]:
        """(weighted job-days placed from ``day`` on, chosen subset mask per day)."""
        visited[0] += 1
        if visited[0] > EXACT_BUDGET:
            raise _TooBigError
        if day == 7 or not any(needs):
            return 0, ()
        result: tuple[int, tuple[int, ...]] = (-1, ())
        options = tuple(i for i in range(n) if needs[i] > 0 and jobs[i].minutes <= cap[day]
                        and day not in taken[jobs[i].index]
                        and not (jobs[i].spaced and prev >> i & 1))
        for mask, weight in subsets(day, options):
            drop = drops.get(mask)
            if drop is None:
                drop = drops[mask] = tuple(mask >> i & 1 for i in range(n))
            # only the spaced jobs' days matter to the next day: a smaller memo
            sub, masks = best(day + 1, tuple(map(operator.sub, needs, drop)), mask & spaced)
            total = sub + weight
            if total > result[0]:
                result = (total, (mask, *masks))
        return result

    _, masks = best(0, tuple(j.need for j in jobs), 0)
    return [[d for d, m in enumerate(masks) if m >> i & 1] for i in range(n)]


EXACT_BUDGET = 8_000
"""Most week states the exact search visits (a stage's own targets need a few thousand at
most; a week with many added blocks on tight days can need far more, and then the greedy
placement stands)."""


class _TooBigError(Exception):
    pass


def _place(works: list[_Work], needs: list[int], left: list[int], taken: list[set[int]],
           minutes: list[int], avoid: set[int]) -> list[list[int]]:
    jobs = [_Job(i, needs[i], minutes[i], w.spaced, w.weight) for i, w in enumerate(works)]
    blocked = [taken[i] | set(w.barred) for i, w in enumerate(works)]
    placed = _greedy(jobs, left, blocked, avoid)
    # a job short only because no free day could ever hold it is as good as it gets: the
    # exact search is for jobs that crowd each other out
    bound = [min(j.need, most_days([d not in blocked[i] and left[d] >= j.minutes
                                     for d in range(7)], j.spaced)) for i, j in enumerate(jobs)]
    if any(len(p) < b for p, b in zip(placed, bound, strict=True)):
        try:
            exact = _exact(jobs, left, blocked)
        except _TooBigError:
            return placed
        if _score(exact, jobs) > _score(placed, jobs):
            placed = exact
    return placed


def _score(placed: list[list[int]], jobs: list[_Job]) -> int:
    return sum(min(len(p), j.need) * j.weight for p, j in zip(placed, jobs, strict=True))


@dataclass
class _Fill:
    """One way of filling the week (the planner tries a few and keeps the best)."""

    blocks: list[list[PlanBlock]]
    left: list[int]
    short_of: dict[str, int]
    """Target id -> days it is short of its need."""

    @property
    def missing(self) -> int:
        return sum(self.short_of.values())


@dataclass
class _Filler:
    """One filling of the week in progress: the blocks so far, the minutes left per day, and
    the moves that add blocks (each move keeps the day's minutes within what was given)."""

    works: list[_Work]
    caps: list[int]
    skip_days: set[int]
    level: float
    extra_sets: int
    gate_short: bool
    avoid: set[int]
    blocks: list[list[PlanBlock]]
    left: list[int]
    short_of: dict[str, int] = field(default_factory=dict)

    def on(self, i: int, tid: str) -> bool:
        """Whether day ``i`` already holds a block of target ``tid``."""
        return any(b.target_id == tid for b in self.blocks[i])

    def days_with(self, tid: str) -> int:
        """On how many days of the week target ``tid`` is placed so far."""
        return sum(self.on(i, tid) for i in range(7))

    def block(self, w: _Work, *, short: bool = False, note: str | None = None) -> PlanBlock:
        """A block of ``w`` written at this week's dose."""
        return _block(w, self.level, self.extra_sets, short=short, note=note)

    def put_daily(self, w: _Work) -> None:
        """Place a daily target on every open day: full if it fits, else at its smallest form
        (saying why), else the day is counted as missed."""
        if not w.full:
            return
        missed = 0
        for i in range(7):
            if i in self.skip_days or i in w.barred:
                continue
            if self.left[i] >= w.full_minutes and not (w.gate and self.gate_short):
                self.blocks[i].append(self.block(w))
                self.left[i] -= w.full_minutes
            elif self.left[i] >= w.short_minutes:
                self.blocks[i].append(self.block(w, short=True, note=self._shortened_why(i)))
                self.left[i] -= w.short_minutes
            else:
                missed += 1
        if missed:
            self.short_of[w.target.id] = missed

    def _shortened_why(self, i: int) -> str:
        """Why a daily block on day ``i`` is at its smallest form, in words."""
        first = [b.label.split(",")[0].lower() for b in self.blocks[i] if b.uses_free_time]
        return (f"shortened to make room for {_join(first)}, which comes first today"
                if first else f"shortened to fit {self.caps[i]} min")

    def put_jobs(self, group: list[_Work], short_only: bool) -> None:
        """Place non-daily targets on the days they still need, spread over the week (the
        exact search steps in when the greedy placement leaves one short)."""
        if not group:
            return
        # days already holding the target (gait prep before a run, an earlier pass) count
        have = [{i for i in range(7) if self.on(i, w.target.id)} for w in group]
        needs = [max(0, w.need - len(h)) for w, h in zip(group, have, strict=True)]
        # a spaced target keeps its rest day beside the days it already holds
        taken = [h | self.skip_days | ({d + k for d in h for k in (-1, 1)} if w.spaced else set())
                 for w, h in zip(group, have, strict=True)]
        mins = [w.short_minutes if short_only else w.full_minutes for w in group]
        placed = _place(group, needs, self.left, taken, mins, self.avoid)
        for w, days_ in zip(group, placed, strict=True):
            for i in days_:
                self.blocks[i].append(self.block(
                    w, short=short_only,
                    note=f"shortened to fit {self.caps[i]} min" if short_only else None))
                self.left[i] -= w.short_minutes if short_only else w.full_minutes

    def mark_shortest(self, gate_jobs: list[_Work]) -> None:
        """Gate work shortened on purpose says so: at its shortest, so the rest fits."""
        for day in self.blocks:
            for k, b in enumerate(day):
                if b.short and b.note and "shortened to fit" in b.note and any(
                        w.target.id == b.target_id for w in gate_jobs):
                    day[k] = replace(b, note=b.note.split("; shortened")[0]
                                     + "; at its shortest, so the rest of the week fits")

    def squeeze(self, w: _Work) -> None:
        """Shorten full blocks to make room for a target still short of its days: a block
        shrinks before another is dropped. Daily blocks shrink for anything; a weekly block
        only for work at least as important as its own (it keeps its day either way); never
        gate-counted work."""
        if not w.full:
            return
        by_id = {x.target.id: x for x in self.works}
        while self.days_with(w.target.id) < w.need:
            options = self._squeeze_options(w, by_id)
            if not options:
                return
            i = min(options)[1]
            self._shorten_dailies(i, w, by_id)
            fits_full = self.left[i] >= w.full_minutes
            self.blocks[i].append(self.block(w, short=not fits_full))
            self.left[i] -= w.full_minutes if fits_full else w.short_minutes

    def _squeeze_options(self, w: _Work, by_id: dict[str, _Work]) -> list[tuple[int, int]]:
        """The days that could hold ``w`` once their full daily blocks shrink, as
        (minus the minutes there would be, day), best first when sorted."""
        have = {i for i in range(7) if self.on(i, w.target.id)}
        options = []
        for i in range(7):
            if i in have or i in self.skip_days or i in w.barred:
                continue
            if w.spaced and (i - 1 in have or i + 1 in have):
                continue
            spare = sum(by_id[b.target_id].full_minutes - by_id[b.target_id].short_minutes
                        for b in self.blocks[i] if b.uses_free_time and not b.short
                        and b.target_id in by_id and _may_shrink_for(by_id[b.target_id], w))
            if self.left[i] + spare >= w.short_minutes:
                options.append((-(self.left[i] + spare), i))
        return options

    def _shorten_dailies(self, i: int, w: _Work, by_id: dict[str, _Work]) -> None:
        """Shrink day ``i``'s full daily blocks (not gate-counted) until ``w`` fits there."""
        for k, b in enumerate(self.blocks[i]):
            x = by_id.get(b.target_id)
            if (self.left[i] < w.short_minutes and x is not None and _may_shrink_for(x, w)
                    and not b.short and b.uses_free_time):
                self.blocks[i][k] = self.block(
                    x, short=True, note=f"shortened to make room for {w.target.label.lower()}")
                self.left[i] += x.full_minutes - x.short_minutes

    def tally(self, jobs: list[_Work]) -> None:
        """Record how many days each non-daily target is still short of its need."""
        for w in jobs:
            got = self.days_with(w.target.id)
            if got < w.need:
                self.short_of[w.target.id] = w.need - got
            else:
                self.short_of.pop(w.target.id, None)


def _may_shrink_for(x: _Work, w: _Work) -> bool:
    """Whether ``x``'s full block may shrink to its short form to make room for ``w``."""
    if x.gate or x is w or x.short_minutes >= x.full_minutes:
        return False
    return x.target.daily or x.weight <= w.weight


def _fill(works: list[_Work], caps: list[int], blocks0: list[list[PlanBlock]],
          skip_days: set[int], level: float, extra_sets: int, *, gate_short: bool,
          gate_first: bool, avoid: set[int]) -> _Fill:
    """One filling of the week in priority order: gate-counted daily work, gate-counted
    weekly work (when ``gate_first``), the other daily work, the rest, then squeezing."""
    f = _Filler(works, caps, skip_days, level, extra_sets, gate_short, avoid,
                [list(b) for b in blocks0], list(caps))
    daily = [w for w in works if w.target.daily and w.full]
    jobs = [w for w in works if not w.target.daily and w.full]
    for w in daily:
        if w.gate:
            f.put_daily(w)
    rest_jobs = jobs
    if gate_first:
        gate_jobs = [w for w in jobs if w.gate]
        f.put_jobs(gate_jobs, gate_short)
        if gate_short:  # shortened on purpose, so that the rest of the week fits
            f.mark_shortest(gate_jobs)
        f.put_jobs(gate_jobs, True)
        rest_jobs = [w for w in jobs if not w.gate]
    for w in daily:
        if not w.gate:
            f.put_daily(w)
    f.put_jobs(rest_jobs, False)
    f.put_jobs([w for w in rest_jobs if w.short_minutes < w.full_minutes], True)
    for w in rest_jobs:
        f.squeeze(w)
    f.tally(jobs)
    return _Fill(f.blocks, f.left, f.short_of)


# --- the week -----------------------------------------------------------------------------


def _failing_text(c: CriterionResult) -> str:
    """A criterion that holds the person back, in words: which side, what, what it needs."""
    thr = c.threshold_text
    label = c.label[0].lower() + c.label[1:]
    sides = [(k, v) for k, v in c.values.items() if v is not None and k in ("left", "right")]
    failing = []
    for k, v in sides:
        ok = {">=": v >= c.threshold, ">": v > c.threshold, "<=": v <= c.threshold,
              "<": v < c.threshold}[c.op]
        if not ok:
            failing.append((k, v))
    if failing:
        return " and ".join(f"your {k} {label} is {fmt(v, c.unit)}" for k, v in failing) + (
            f" (the next step needs {thr})")
    value = next((v for v in c.values.values() if v is not None), None)
    return f"your {label} is {fmt(value, c.unit)} (the next step needs {thr})"


def _blockers(decision: Decision, rules: list[Blocker]) -> list[tuple[Blocker, str]]:
    """The protocol's blockers that an assessed, unmet gate or clearance criterion shows."""
    crits = [*(decision.gate.criteria if decision.gate else ()),
             *(decision.clearance.criteria if decision.clearance else ())]
    out = []
    for b in rules:
        hit = next((c for c in crits if c.metric in b.metrics and c.assessed and not c.met),
                   None)
        if hit is not None:
            out.append((b, _failing_text(hit)))
    return out


def _habits(stage: Stage, who: _Person, library: Library, variant: int) -> tuple[str, ...]:
    out: list[str] = []
    for h in stage.habits:
        if isinstance(h, Habit):
            if h.profiles and who.profile not in h.profiles:
                continue
            out.append(h.text)
        else:
            out.append(h)
    habits = [e for e in library.exercises if e.category is Category.FOOT_HABIT
              and stage.number in e.stages and _suitable(e, who)]
    # everyone: the easiest everyday habits (barefoot walking); runners: one foot-strike
    # habit, the one nearest their level
    chosen = [e for e in habits if not _runners_only(e) and e.level <= 1]
    if who.profile == "runner":
        runners = sorted((e for e in habits if _runners_only(e)),
                         key=lambda e: (abs(e.level - variant), e.level, e.id))
        chosen += runners[:1]
    out += [f"{e.name}, about {e.minutes} minutes on most days: {e.why}" for e in chosen]
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Wanted:
    """A target this week asks for, before its exercises are chosen: the stage's own or one
    a blocker added or grew, with why (``note``), the lagging side and its placing weight."""

    target: Target
    note: str | None = None
    side: str | None = None
    weight: int = 1


@dataclass
class _Week:
    """Everything one week's plan is built from, and what its steps have made so far."""

    decision: Decision
    history: History
    protocol: Protocol
    library: Library
    start: dt.date
    dates: list[dt.date]
    caps: list[int]
    runs: list[list[PlannedRun]]
    stage: Stage
    who: _Person
    race_days: set[int]
    past_race: PlannedRun | None
    dose_factor: float
    level: float
    key_run_days: set[int]
    hard: set[int]
    """The days of a long, interval or race run and the days before them."""
    notes: list[str] = field(default_factory=list)
    wanted: list[_Wanted] = field(default_factory=list)
    works: list[_Work] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    """Targets whose agility or landing work this week gives way to balance."""
    blocks: list[list[PlanBlock]] = field(default_factory=lambda: [[] for _ in range(7)])
    short_of: dict[str, int] = field(default_factory=dict)
    issues: list[RuleIssue] = field(default_factory=list)
    coach: list[ChangeStatus] = field(default_factory=list)
    """The coach's changes in force this week, applied or paused."""
    added_done: set[str] = field(default_factory=set)
    """Coach-added exercises already given a block this week."""

    def applied(self, kind: PlanChangeKind) -> list[PlanChange]:
        """The coach's changes of ``kind`` applied this week."""
        return [s.change for s in self.coach if s.applied and s.change.kind is kind]

    @property
    def removed(self) -> frozenset[str]:
        return frozenset(c.exercise for c in self.applied(PlanChangeKind.REMOVE))

    @property
    def rules(self) -> PlannerRules:
        return self.protocol.planner

    @property
    def extra_sets(self) -> int:
        return int(self.rules.lagging_side_extra_sets.value)

    @property
    def rotation(self) -> int:
        """Varies the exercises chosen from week to week."""
        return self.start.toordinal() // 7

    @property
    def skip(self) -> set[int]:
        """Days nothing but the warm-up goes on (race days)."""
        return set(self.race_days)

    def allowed(self, e: Exercise) -> bool:
        """Whether ``e`` may go in this week: suitable for the person, and no agility,
        landing or jumping in the week after a race."""
        recovering = self.past_race is not None and (e.category in _NO_LANDING
                                                     or e.load is LoadType.PLYOMETRIC)
        return _suitable(e, self.who) and not recovering and e.id not in self.removed

    def candidates(self, t: Target) -> list[Exercise]:
        """The exercises of this stage that could serve ``t`` for this person this week."""
        return stage_candidates(t, self.stage.number, self.library, self.allowed)

    def day_names(self, days: Iterable[int]) -> str:
        """Days of this week by name, joined for a sentence."""
        return _join([DAY_NAMES[self.dates[i].weekday()] for i in days])


def _calendar(history: History, start: dt.date
              ) -> tuple[list[dt.date], list[int], list[list[PlannedRun]]]:
    """The week's dates, free minutes per day and planned runs per day."""
    dates = [start + dt.timedelta(days=i) for i in range(7)]
    avail = history.availability.minutes()
    caps = [avail[d.weekday()] for d in dates]
    runs = [[r for r in history.planned_runs if r.date == d] for d in dates]
    return dates, caps, runs


def _refused(decision: Decision, history: History, start: dt.date) -> WeekPlan:
    """An empty week that says why no plan can be made (a red flag, no stage yet)."""
    dates, caps, runs = _calendar(history, start)
    why = (decision.reasons[0] if decision.reasons else "No plan can be made yet.")
    days = tuple(PlanDay(d, caps[i], (), tuple(runs[i])) for i, d in enumerate(dates))
    return WeekPlan(history.person.id, start, decision.stage, decision.stage_name,
                    decision.dose_level, days, (), (), refused=why)


def _past_race(history: History, start: dt.date, rules: PlannerRules) -> PlannedRun | None:
    """The latest race in the few days before this week (the week after it is lighter)."""
    after_days = int(rules.load.after_race_days.value)
    return next((r for r in reversed(history.planned_runs) if r.kind is RunKind.RACE
                 and start - dt.timedelta(days=after_days) <= r.date < start), None)


def _week(decision: Decision, history: History, protocol: Protocol, library: Library,
          start: dt.date, stage: Stage) -> _Week:
    """The week's context: its days, minutes and runs, the person, the races around it and
    the dose it is written at."""
    rules = protocol.planner
    dates, caps, runs = _calendar(history, start)
    race_days = {i for i in range(7) if any(r.kind is RunKind.RACE for r in runs[i])}
    past_race = _past_race(history, start, rules)
    dose_factor = 1.0
    level = decision.dose_level
    if not race_days and past_race is not None:
        dose_factor = rules.load.after_race_dose_factor.value
        level = round(level * dose_factor, 4)
    key_run_days = {i for i in range(7) if any(r.needs_gait_prep for r in runs[i])}
    hard = key_run_days | {i - 1 for i in key_run_days if i > 0}
    return _Week(decision, history, protocol, library, start, dates, caps, runs, stage,
                 _person(decision, history, protocol, start), race_days, past_race,
                 dose_factor, level, key_run_days, hard)


# --- the week's steps, in order -------------------------------------------------------------


def _race_notes_step(w: _Week) -> None:
    """Race week is a taper; the week after a race is lighter: say so first."""
    if w.race_days:
        race_date = w.dates[min(w.race_days)]
        w.notes.append(f"Race week: a taper. Only mobility, release and gait prep this week, "
                       f"and nothing but your warm-up on race day ({race_date:%A %-d %B}), so "
                       f"your legs are fresh for it.")
    elif w.past_race is not None:
        w.notes.append(f"The week after your race ({w.past_race.date:%-d %B}) is lighter: "
                       f"doses at {w.dose_factor:.0%} and no agility or jumping while your legs "
                       f"recover.")


def _caution_notes_step(w: _Week) -> None:
    """Say why the week is easy first (a recent sprain, swelling, giving way) and why a
    runner's form work waits until after a race."""
    if w.who.caution:
        w.notes.append(f"Easy first: {w.who.caution}, so this week has no agility, landing or "
                       f"jumping and nothing above level {w.who.max_level}; balance and "
                       f"mobility take their place.")
    if not w.who.form_work and w.who.profile == "runner":
        w.notes.append("No changes to your foot strike or cadence this close to your race: "
                       "keep running the way you know.")


def _coach_step(w: _Week) -> None:
    """The coach's changes in force this week, each checked against the stage's rules:
    applied, or paused with the reason."""
    day = w.decision.as_of if w.start <= w.decision.as_of else w.start
    w.coach = [_pin_while_cut(s, w) for s in statuses(
        w.history.plan_changes, day, stage=w.stage, protocol=w.protocol, library=w.library,
        why_not=lambda e: _why_not(e, w.who))]


_PAIN_TROUBLE = frozenset({"pain_flare", "not_settled", "rising_pain"})


def _pin_while_cut(s: ChangeStatus, w: _Week) -> ChangeStatus:
    """A pinned dose above what the plan gives this week waits while the dose is cut for
    pain (a flare, pain not settled by the morning, rising pain) or after a race: a pin
    holds the dose up, and these are exactly the weeks the engine takes it down."""
    c = s.change
    if not s.applied or c.kind is not PlanChangeKind.PIN:
        return s
    trouble = sorted(_PAIN_TROUBLE & {f.kind for f in w.decision.flags})
    if not trouble and w.dose_factor >= 1:
        return s
    e = w.library.by_id[c.exercise]
    now = e.dose.scaled(w.level)
    above = any(pinned is not None and plan is not None and pinned > plan
                for pinned, plan in ((c.reps, now["reps"]), (c.seconds, now["seconds"])))
    if not above and (c.sets or 0) <= e.dose.sets:
        return s
    why = ("the dose is lighter this week after your race" if not trouble
           else "the dose is cut while pain settles")
    return ChangeStatus(c, False, f"{why}, so {e.name} follows the plan's dose "
                        f"({e.dose.describe(w.level)}) until then", s.words)


def _stage_targets_step(w: _Week) -> None:
    """The stage's own targets, in the protocol's order."""
    w.wanted = [_Wanted(t) for t in w.stage.targets]


def _coach_targets_step(w: _Week) -> None:
    """An exercise the coach added that none of the week's blocks is for gets a block of
    its own, on ``planner.coach_added_per_week`` days."""
    by_cat: dict[Category, list[Exercise]] = {}
    for c in w.applied(PlanChangeKind.ADD):
        e = w.library.by_id[c.exercise]
        if not any(e.category in x.target.categories for x in w.wanted):
            by_cat.setdefault(e.category, []).append(e)
    for cat, es in by_cat.items():
        t = Target(id=f"coach_{cat.value}",
                   label=f"Added by your coach: {category_words(cat)}", categories=[cat],
                   per_week=int(w.rules.coach_added_per_week.value), pick=min(6, len(es)),
                   source=w.rules.coach_added_per_week.source)
        w.wanted.append(_Wanted(t, None, None, 1))


def _blockers_step(w: _Week) -> None:
    """What holds the person back gets work of its own: a target the stage has grows to the
    blocker's days; one it lacks is added (when the library has exercises for it)."""
    asym = {a.measure: a for a in w.decision.asymmetries if a.meaningful}
    for b, why in _blockers(w.decision, w.rules.blockers):
        side = asym[b.asymmetry].behind if b.asymmetry in asym else None
        for cat in b.categories:
            k = next((k for k, x in enumerate(w.wanted) if cat in x.target.categories), None)
            if k is None:
                _add_blocker_target(w, b, cat, why, side)
            else:
                w.wanted[k] = _grown(w.wanted[k], b, why, side)


def _gait_off_step(w: _Week) -> None:
    """A session logged with "my gait feels off" in the days before the week (or this week so
    far) puts a gait check in the week, for anyone: the method asks for one whenever the gait
    feels off."""
    days = int(w.rules.gait_off_days.value)
    since = gait_off_since(w.history, w.dates[0] - dt.timedelta(days=days))
    if since is None or since > w.decision.as_of:
        return
    why = (f"added: you noted on {since:%A %-d %B} that your walking or running felt off; "
           f"a short gait check this week")
    k = next((k for k, x in enumerate(w.wanted) if x.target.categories == [Category.GAIT]),
             None)
    if k is not None:
        x = w.wanted[k]
        t = x.target if x.target.per_week >= 1 else x.target.model_copy(update={"per_week": 1})
        w.wanted[k] = _Wanted(t, x.note or why, x.side, max(x.weight, 3))
        return
    t = Target(id="gait_check", label="Gait check", categories=[Category.GAIT], per_week=1,
               pick=2, source=w.rules.gait_off_days.source)
    if w.candidates(t):
        w.wanted.append(_Wanted(t, why, None, 3))


def _add_blocker_target(w: _Week, b: Blocker, cat: Category, why: str,
                        side: str | None) -> None:
    """A target of one category for a blocker the stage has no target for."""
    t = Target(id=cat.value, label=cat.value.replace("_", " ").capitalize(), categories=[cat],
               per_week=int(b.per_week.value),
               pick=2 if cat is not Category.ANKLE_MOBILITY else 4,
               cover_motions=cat is Category.ANKLE_MOBILITY, source=b.per_week.source)
    if w.candidates(t):
        w.wanted.append(_Wanted(t, f"added for your {b.label}: {why}", side, 3))


def _grown(x: _Wanted, b: Blocker, why: str, side: str | None) -> _Wanted:
    """A stage target aimed at a blocker: at least the blocker's days, and weighted up."""
    t = x.target
    per_week = max(t.per_week, int(b.per_week.value))
    grown = t.model_copy(update={"per_week": per_week}) if per_week != t.per_week else t
    more = (f", {per_week} days this week" if per_week > t.per_week else "")
    return _Wanted(grown, x.note or f"aimed at your {b.label}{more}: {why}", x.side or side,
                   max(x.weight, 3))


def _content_step(w: _Week) -> None:
    """Choose each target's exercises, its smallest form, its days and why, in words."""
    for x in w.wanted:
        work = _work_for(w, x)
        if work is not None:
            w.works.append(work)


def _work_for(w: _Week, x: _Wanted) -> _Work | None:
    """One target as this week plans it; None when race week leaves none of its work."""
    t, note, weight = x.target, x.note, x.weight
    cats = list(t.categories)
    if w.race_days:
        cats = [c for c in cats if c in w.rules.load.race_week_categories]
        if not cats:
            return None
    if cats != list(t.categories):
        t = t.model_copy(update={"categories": cats})
    full = choose_exercises(t, w.stage.number, w.library, w.decision.variant_level, w.rotation,
                            w.who.activities, w.allowed)
    if not full and (w.who.caution or w.past_race) and set(t.categories) & set(_NO_LANDING):
        full, note = _balance_instead(w, t)
    if t.categories == [Category.GAIT] and w.who.low_impact:
        walking = [e for e in w.candidates(t) if Activity.DAILY_LIFE in e.suits]
        if walking:
            full = walking[: t.pick]
    short = _short_form(w, t, full)
    gate = t.priority == "gate"
    need = max(t.per_week, gate_days_needed(w.stage, t)) if gate else t.per_week
    if gate:
        note = note or f"kept first: the stage {w.stage.number} gate counts it"
    barred: set[int] = set()
    if set(w.rules.hard_run_categories).intersection(t.categories):
        barred = set(w.hard)
        note = note or _hard_run_note(w)
    if _lifter_early(w) and Category.LOADED_DORSIFLEXION in t.categories:
        weight = max(weight, 3)
        note = note or "placed early: you lift, so loaded dorsiflexion starts this week"
    if Category.LOADED_DORSIFLEXION in t.categories and w.stage.number == 3 and not note:
        note = f"a building dose, {t.per_week} days a week"
    full, short, marks = _coach_edit(w, t, full, short)
    side = x.side if x.side and any(e.dose.per_side for e in full) else None
    pins = {c.exercise: (pin_text(c, w.library),
                         Amounts(c.sets or 1, c.reps, c.seconds))
            for c in w.applied(PlanChangeKind.PIN)}
    return _Work(t, tuple(full), tuple(short), need, gate, 100 if gate else weight, note,
                 side, frozenset(barred), pins, marks)


def _coach_edit(w: _Week, t: Target, full: list[Exercise], short: list[Exercise]
                ) -> tuple[list[Exercise], list[Exercise], dict[str, str]]:
    """The coach's swaps and additions applied to one block: a swapped-out exercise gives
    way to its replacement, an added one joins the block of its kind (once a week)."""
    marks = {c.exercise: "Dose set by your coach" for c in w.applied(PlanChangeKind.PIN)}
    swaps = {c.exercise: w.library.by_id[c.replacement or ""]
             for c in w.applied(PlanChangeKind.SWAP)}

    def swapped(es: list[Exercise]) -> list[Exercise]:
        out: list[Exercise] = []
        for e in es:
            b = swaps.get(e.id)
            if b is not None and w.allowed(b):
                marks[b.id] = f"Changed by your coach: in place of {e.name}"
                e = b
            if e not in out:
                out.append(e)
        return out

    full, short = swapped(full), swapped(short)
    added = [w.library.by_id[c.exercise] for c in w.applied(PlanChangeKind.ADD)]
    if t.id.startswith("coach_"):
        full = []
    for e in added:
        if e.category in t.categories and e.id not in w.added_done and w.allowed(e):
            w.added_done.add(e.id)
            marks[e.id] = "Added by your coach"
            if e not in full:
                full.append(e)
    if t.id.startswith("coach_"):
        short = list(full)
    return full, short, marks


def _balance_instead(w: _Week, t: Target) -> tuple[list[Exercise], str]:
    """No agility or landing now (easy first, or the week after a race): balance in its
    place, with why."""
    sub = t.model_copy(update={"categories": [Category.BALANCE], "spacing": None,
                               "cover_planes": False})
    # not the exercises the stage's own balance block gives: a day may hold both blocks,
    # and the same stance twice in one session reads as a mistake
    own = {e.id for x in w.stage.targets if x.categories == [Category.BALANCE]
           for e in choose_exercises(x, w.stage.number, w.library, w.decision.variant_level,
                                     w.rotation, w.who.activities, w.allowed)}
    full = choose_exercises(sub, w.stage.number, w.library, w.decision.variant_level,
                            w.rotation + 1, w.who.activities,
                            lambda e: w.allowed(e) and e.id not in own)
    if not full:
        full = choose_exercises(sub, w.stage.number, w.library, w.decision.variant_level,
                                w.rotation + 1, w.who.activities, w.allowed)
    why = w.who.caution or "the week after a race is for recovery"
    w.replaced.append(t.id)
    return full, f"balance in place of {t.label.lower()}: {why}"


def _short_form(w: _Week, t: Target, full: list[Exercise]) -> list[Exercise]:
    """The target's smallest block this week: never longer than its full block, and none
    when it has no exercises."""
    cands = w.candidates(t)
    short = smallest_form(t, [e for e in cands if e in full] if not t.cover_motions else cands)
    if not full:
        return []
    if not short or sum(e.minutes for e in short) > sum(e.minutes for e in full):
        return list(full)
    return short


def _hard_run_note(w: _Week) -> str | None:
    """Why hard work is kept off the key run days and the days before (None when those
    days have no free minutes anyway)."""
    hit = [i for i in sorted(w.hard) if w.caps[i] > 0]
    if not hit:
        return None
    if len(w.key_run_days) == 1:
        first = min(w.key_run_days)
        run_word = next(_RUN_WORDS[r.kind] for r in w.runs[first] if r.needs_gait_prep)
        return (f"kept off {w.day_names(hit)}: the day of and the day before your {run_word} "
                f"({w.dates[first]:%A})")
    return f"kept off {w.day_names(hit)}: hard runs and the days before them"


def _lifter_early(w: _Week) -> bool:
    """A lifter early in stage 3 starts loaded dorsiflexion first."""
    days_in_stage = w.decision.days_in_stage
    return (w.who.profile == "lifter" and w.stage.number == 3 and days_in_stage is not None
            and days_in_stage < w.rules.lifter_early_days.value)


def _gait_check_step(w: _Week) -> None:
    """A falling cadence: a gait check this week (a cadence drill in the gait block, or a
    note to count steps on an easy run when there is no gait block)."""
    trend = cadence_trend(w.history.recorded_activities, w.protocol.runs)
    if trend.status != "falling" or not w.who.form_work:
        return
    gait = next((x for x in w.works if x.target.categories == [Category.GAIT]), None)
    check = [e for e in w.library.exercises if "cadence" in e.id
             and w.stage.number in e.stages and w.allowed(e)]
    fell = f"{abs(trend.change_pct or 0):.0f} %"
    if gait is not None and check:
        why = (f"added: your cadence fell {fell} over your last {trend.runs} runs; check it "
               f"on an easy run this week")
        w.works[w.works.index(gait)] = replace(
            gait, full=tuple(check[:1]), short=tuple(check[:1]), need=max(1, gait.need),
            note=why, weight=3)
    else:
        w.notes.append(f"Your running cadence fell {fell} over your last {trend.runs} runs: "
                       f"count your steps for a minute on an easy run this week.")


def _gait_prep_step(w: _Week) -> None:
    """Gait drills on the day of each long, interval or race run, as part of its warm-up
    (they use none of the day's free minutes); kept short before a long effort."""
    prep_cap = int(w.rules.load.gait_prep_before_long_max_min.value)
    for work in w.works:
        if not (work.target.before_runs and work.full):
            continue
        for i in sorted(w.key_run_days):
            run = next(r for r in w.runs[i] if r.needs_gait_prep)
            chosen = list(work.full)
            trim = None
            if run.kind in (RunKind.LONG, RunKind.RACE):
                while len(chosen) > 1 and sum(e.minutes for e in chosen) > prep_cap:
                    chosen.pop()
                if len(chosen) < len(work.full):
                    trim = f"kept to {sum(e.minutes for e in chosen)} min before a long effort"
            w.blocks[i].append(_block(replace(work, note=None), w.level, w.extra_sets,
                                      before_run=run, note=trim, exercises=chosen))


def _placement_step(w: _Week) -> None:
    """Everything else, gate-counted work first: a few fillings of the week are tried (gate
    work at its full form first) and the one that leaves the gate least short wins."""
    gate_ids = {x.target.id for x in w.works if x.gate}

    def rank(f: _Fill) -> tuple[int, int]:
        return (sum(v for k, v in f.short_of.items() if k in gate_ids), f.missing)

    def fill(gate_short: bool, gate_first: bool) -> _Fill:
        return _fill(w.works, w.caps, w.blocks, w.skip, w.level, w.extra_sets,
                     gate_short=gate_short, gate_first=gate_first, avoid=w.hard)

    best = fill(False, True)
    tries = [(True, True)] if gate_ids else []
    if any(x.gate and not x.target.daily for x in w.works):
        tries.append((False, False))
    for gate_short, gate_first in tries:
        if not best.missing:
            break
        other = fill(gate_short, gate_first)
        if rank(other) < rank(best):  # the first of equals: gate work at its full form
            best = other
    w.blocks, w.short_of = best.blocks, best.short_of


def _lunge_cap_step(w: _Week) -> None:
    """No day holds more lunges per leg than the protocol allows. A lunge the cap leaves out
    gives its place to work of the same target that is not a lunge (a carry, a rotational
    squat), moving in the planes it moved in where one can, within the day's minutes: a
    three-plane block made only of lunges would otherwise leave the day, and the week,
    without three-plane work and without saying so."""
    load = w.rules.load
    dropped = _cap_lunges(w.blocks, load.lunge_words, int(load.lunge_reps_per_leg_max.value),
                          w.level, int(load.lunge_min_reps_per_set.value))
    by_id = {x.target.id: x for x in w.works}
    lost: dict[tuple[int, str], list[Exercise]] = {}
    for i, tid, e in dropped:
        lost.setdefault((i, tid), []).append(e)
    for (i, tid), gone in lost.items():
        work = by_id.get(tid)
        if work is not None:
            _fill_in_for_lunges(w, i, work, gone)
    for tid in {tid for _, tid in lost}:
        work = by_id.get(tid)
        if work is not None and not work.target.daily:
            got = sum(any(b.target_id == tid for b in day) for day in w.blocks)
            if got < work.need:
                w.short_of[tid] = work.need - got


def _fill_in_for_lunges(w: _Week, i: int, work: _Work, gone: list[Exercise]) -> None:
    """Put non-lunge work of ``work``'s target on day ``i`` in place of the lunges ``gone``
    (see :func:`_lunge_cap_step`)."""
    words = w.rules.load.lunge_words
    day = w.blocks[i]
    on_day = {it.exercise.id for b in day for it in b.items} | {e.id for e in gone}
    room = w.caps[i] - sum(b.minutes for b in day if b.uses_free_time)
    variant = w.decision.variant_level
    pool = sorted((e for e in w.candidates(work.target)
                   if not _is_lunge(e, words) and e.id not in on_day),
                  key=lambda e: (abs(e.level - variant), e.level, e.id))
    added: list[Exercise] = []
    for e in gone:
        fits = [x for x in pool if x not in added and x.minutes <= room]
        if not fits:
            break
        best = next((x for x in fits if set(x.planes) & set(e.planes)), fits[0])
        added.append(best)
        room -= best.minutes
    if not added:
        return
    words_in = ", ".join(x.name.lower() for x in added)
    k = next((k for k, b in enumerate(day) if b.target_id == work.target.id), None)
    if k is None:
        lead = f"lunges kept to {int(w.rules.load.lunge_reps_per_leg_max.value)} a leg for the day"
        day.append(_block(work, w.level, w.extra_sets, exercises=added,
                          note=f"{lead}: {words_in} in place of the lunges"))
        return
    b = day[k]
    items = b.items + tuple(_item(work, x, w.level, w.extra_sets) for x in added)
    day[k] = replace(b, items=items, note=f"{b.note}, {words_in} in their place" if b.note
                     else f"{words_in} in place of the lunges")


def _issues_step(w: _Week) -> None:
    """What the plan could not keep, in words, with the smallest change that would."""
    free = [0 if i in w.skip else w.caps[i] for i in range(7)]
    for work in w.works:
        issue = _issue_for(w, work, free)
        if issue is not None:
            w.issues.append(issue)


_STEPS: tuple[Callable[[_Week], None], ...] = (
    _coach_step,
    _race_notes_step,
    _caution_notes_step,
    _stage_targets_step,
    _blockers_step,
    _gait_off_step,
    _coach_targets_step,
    _content_step,
    _gait_check_step,
    _gait_prep_step,
    _placement_step,
    _lunge_cap_step,
    _issues_step,
)
"""The planner's steps, in the order they run; each reads and extends the week."""


# --- what the plan could not keep -----------------------------------------------------------


def _issue_for(w: _Week, work: _Work, free: list[int]) -> RuleIssue | None:
    """The one rule a target's placement leaves unkept, if any, most important first."""
    if not work.full:
        return None if work.target.id in w.replaced else _no_exercises_issue(w, work)
    if work.gate and (issue := _gate_days_issue(w, work, free)) is not None:
        return issue
    if not w.short_of.get(work.target.id, 0):
        return None
    if work.target.daily:
        return _every_day_issue(w, work)
    return _per_week_issue(w, work, free)


def _no_exercises_issue(w: _Week, work: _Work) -> RuleIssue:
    """The library has nothing this person may do for the target at this stage (or the
    coach left out all there was)."""
    if any(w.library.by_id[x].category in work.target.categories for x in w.removed
           if x in w.library):
        return RuleIssue(work.target.id, "no_exercises",
                         f"{work.target.label} has no exercise this week: your coach left "
                         f"out the ones there were.")
    return RuleIssue(work.target.id, "no_exercises",
                     f"No exercise in the library fits {work.target.label} at "
                     f"stage {w.stage.number} for you this week.")


def _gate_days_issue(w: _Week, work: _Work, free: list[int]) -> RuleIssue | None:
    """The week's free minutes cannot hold the days the gate counts, even at the target's
    smallest form: say so, and name the smallest change of availability that would."""
    t = work.target
    gate_need = gate_days_needed(w.stage, t)
    usable = [free[i] >= work.short_minutes and i not in work.barred for i in range(7)]
    allows = most_days(usable, work.spaced)
    if allows >= gate_need:
        return None
    adds = _smallest_change(gate_need, usable, free, work.short_minutes, work.spaced)
    got = sum(any(b.target_id == t.id for b in day) for day in w.blocks)
    where = ("" if not allows or got < allows else
             " This plan puts it on the one day you have" if allows == 1 else
             " This plan puts it on both days you have" if allows == 2 else
             f" This plan puts it on all {allows} days you have")
    every = any(c.metric == "category_days" and c.params.get("or_every_available_day")
                and str(c.params.get("category")) in t.categories for c in w.stage.gate)
    if where:
        where += ("." if not every else
                  ", and doing it there counts toward the next stage." if allows == 1 else
                  ", and doing it on each of them counts toward the next stage.")
    return RuleIssue(t.id, "gate_days", (
        f"{t.label} needs {_days(gate_need)} a week to count toward the next stage "
        f"({work.short_minutes} min each at its shortest); your week allows "
        f"{allows}.{where}{_add_text(adds, w.dates)}"))


def _every_day_issue(w: _Week, work: _Work) -> RuleIssue:
    """A daily target missed some days: name them and the minutes that would keep it."""
    t = work.target
    missed = [i for i in range(7) if i not in w.skip and not any(
        b.target_id == t.id for b in w.blocks[i])]
    return RuleIssue(t.id, "every_day", (
        f"{t.label} is meant for every day, but {w.day_names(missed)} "
        f"{'has' if len(missed) == 1 else 'have'} less than {work.short_minutes} free "
        f"minutes. Add {work.short_minutes - max(w.caps[missed[0]], 0)} minutes or more "
        f"there to keep it."))


def _per_week_issue(w: _Week, work: _Work, free: list[int]) -> RuleIssue:
    """A weekly target got fewer days than it needs: say how many it got, and the smallest
    change that would give it the rest."""
    t = work.target
    on = [any(b.target_id == t.id for b in w.blocks[i]) for i in range(7)]
    got = sum(on)
    room = [free[i] - sum(b.minutes for b in w.blocks[i] if b.uses_free_time)
            if i not in work.barred else -999 for i in range(7)]
    adds = [(d, m) for d, m in _smallest_change(work.need, on, room, work.short_minutes,
                                                 work.spaced) if m < 500]
    spacing = " with a rest day between them" if work.spaced else ""
    first = "with the work that comes first, " if not work.gate else ""
    return RuleIssue(t.id, "per_week", (
        f"{t.label} needs {_days(work.need)} a week{spacing} ({work.short_minutes} min each at "
        f"its shortest); {first}this week has room for {got}, so this plan keeps {got}."
        f"{_add_text(adds, w.dates)}"))


def _assemble(w: _Week) -> WeekPlan:
    """The finished week: each day's blocks in order (gait prep first, then the targets in
    the order they were planned), the issues, habits and notes."""
    order = {x.target.id: k for k, x in enumerate(w.works)}
    days = tuple(
        PlanDay(d, w.caps[i], tuple(sorted(w.blocks[i],
                                           key=lambda b: (b.uses_free_time,
                                                          order.get(b.target_id, 99)))),
                tuple(w.runs[i]))
        for i, d in enumerate(w.dates))
    return WeekPlan(w.history.person.id, w.start, w.stage.number, w.stage.name, w.level, days,
                    tuple(w.issues), _habits(w.stage, w.who, w.library, w.decision.variant_level),
                    notes=tuple(w.notes), dose_factor=w.dose_factor,
                    race_days=tuple(w.dates[i] for i in sorted(w.race_days)),
                    coach_changes=tuple(w.coach))


def plan_week(
    decision: Decision,
    history: History,
    *,
    week_start: dt.date | None = None,
    protocol: Protocol | None = None,
    library: Library | None = None,
) -> WeekPlan:
    """The week's plan for the person's current stage, or a refusal that says why."""
    protocol = protocol or load_protocol()
    library = library or load_library()
    start = week_start or (decision.as_of - dt.timedelta(days=decision.as_of.weekday()))
    if not decision.can_prescribe or decision.stage is None:
        return _refused(decision, history, start)
    w = _week(decision, history, protocol, library, start, protocol.stage(decision.stage))
    for step in _STEPS:
        step(w)
    return _assemble(w)


def check_plan_change(change: PlanChange, decision: Decision, history: History, *,
                      protocol: Protocol | None = None, library: Library | None = None
                      ) -> list[str]:
    """Check a coach's change before it is made, against the person's stage and state on
    ``decision.as_of``: :class:`InputError` (the field, the value and why) when it breaks a
    hard rule, else its warnings (advice), in words. No change is made for a person the
    plan is refused for (a red flag, no screen yet)."""
    protocol = protocol or load_protocol()
    library = library or load_library()
    if not decision.can_prescribe or decision.stage is None:
        why = decision.reasons[0] if decision.reasons else "no plan is made for them now"
        raise InputError("person", history.person.id, f"no plan is made for this person now "
                         f"({why.rstrip('.')}), so there is nothing to change")
    start = decision.as_of - dt.timedelta(days=decision.as_of.weekday())
    who = _person(decision, history, protocol, start)
    active = [c for c in history.plan_changes if c.active_on(decision.as_of)]
    return check_new(change, active, stage=protocol.stage(decision.stage), protocol=protocol,
                     library=library, why_not=lambda e: _why_not(e, who),
                     dose_level=decision.dose_level)


def allowed_exercises(decision: Decision, history: History, *,
                      protocol: Protocol | None = None, library: Library | None = None
                      ) -> list[Exercise]:
    """The exercises of the person's stage they may do now (what a coach may swap in or
    add); none when no plan is made for them."""
    protocol = protocol or load_protocol()
    library = library or load_library()
    if not decision.can_prescribe or decision.stage is None:
        return []
    start = decision.as_of - dt.timedelta(days=decision.as_of.weekday())
    who = _person(decision, history, protocol, start)
    return [e for e in library.exercises if decision.stage in e.stages
            and _why_not(e, who) is None]


def _lunge_reps(item: PlanItem, level: float) -> int:
    d = item.exercise.dose.scaled(level)
    return (d["reps"] or 0) * item.exercise.dose.sets


def _floored(item: PlanItem, lv: float, level: float, min_reps: int) -> float:
    """``lv``, raised towards ``level`` until a set holds at least ``min_reps`` reps."""
    sets = item.exercise.dose.sets
    while lv < level and _lunge_reps(item, lv) < min_reps * sets:
        lv = min(level, lv / 0.9)
    return lv


def _fit_lunges(lunges: list[PlanItem], cap: int, level: float,
                min_reps: int) -> tuple[dict[int, float], list[PlanItem]]:
    """Levels for the lunges kept (by position) and the ones left out for the day.

    Every lunge is scaled down evenly, none below ``min_reps`` a set; when even that is too
    many, the last lunge of the day (the least important: blocks come in priority order)
    is left out and the rest are fitted again.
    """
    kept = list(range(len(lunges)))
    while kept:
        lv = level
        while True:
            levels = {k: _floored(lunges[k], lv, level, min_reps) for k in kept}
            total = sum(_lunge_reps(lunges[k], levels[k]) for k in kept)
            if total <= cap or lv <= 0.05 or all(levels[k] > lv for k in kept):
                break
            lv *= 0.9
        if total <= cap:
            return levels, [lunges[k] for k in range(len(lunges)) if k not in kept]
        kept.pop()
    return {}, list(lunges)


def _is_lunge(e: Exercise, words: Sequence[str]) -> bool:
    return any(w in e.id for w in words)


def _cap_lunges(blocks: list[list[PlanBlock]], words: Sequence[str], cap: int,
                level: float, min_reps: int) -> list[tuple[int, str, Exercise]]:
    """Keep a day's lunges within ``cap`` reps per leg: scaled down evenly but never below
    ``min_reps`` a set; past that, whole lunges are left out, the day's last first. Returns
    what was left out: (day, target id, exercise)."""
    def is_lunge(e: Exercise) -> bool:
        return _is_lunge(e, words)

    out: list[tuple[int, str, Exercise]] = []
    for n, day in enumerate(blocks):
        lunges = [i for b in day for i in b.items if is_lunge(i.exercise)]
        if sum(_lunge_reps(i, level) for i in lunges) <= cap:
            continue
        levels, left_out = _fit_lunges(lunges, cap, level, min_reps)
        at = {id(i): k for k, i in enumerate(lunges)}
        for k, b in enumerate(day):
            if not any(is_lunge(i.exercise) for i in b.items):
                continue
            items = tuple(replace(i, dose=_dose(i.exercise, levels[at[id(i)]], b.extra_side, 0),
                                  amounts=Amounts.at(i.exercise, levels[at[id(i)]]))
                          if is_lunge(i.exercise) and at[id(i)] in levels and not i.pinned
                          else i
                          for i in b.items if not (is_lunge(i.exercise)
                                                   and at[id(i)] not in levels))
            dropped = [i.exercise.name.lower() for i in b.items if i in left_out]
            out += [(n, b.target_id, i.exercise) for i in b.items if i in left_out]
            note = f"lunges kept to {cap} a leg for the day"
            if dropped:
                note += f": {' and '.join(dropped)} left out today"
            day[k] = replace(b, items=items, note="; ".join(x for x in (b.note, note) if x))
        day[:] = [b for b in day if b.items]
    return out


_CAPACITY: dict[tuple[int, int, int, tuple[int, ...]],
                tuple[Protocol, Library, dict[str, int]]] = {}
_CAPACITY_WEEK = dt.date(2001, 1, 1)  # a Monday; the capacity plan has no runs or dates


def week_capacity(stage: Stage, minutes: tuple[int, ...], protocol: Protocol,
                  library: Library) -> dict[str, int]:
    """Per target of ``stage``: on how many days the plan for a week with these free
    ``minutes`` (and no runs) holds it, with every target of the stage competing for the
    time. What a perfect follower of that plan can do: adherence asks no more (a person who
    did everything they were asked is never short). Kept per process, by availability."""
    key = (id(protocol), id(library), stage.number, minutes)
    found = _CAPACITY.get(key)
    if found is not None and found[0] is protocol and found[1] is library:
        return found[2]
    decision = Decision(person_id="capacity", as_of=_CAPACITY_WEEK, status="working",
                        stage=stage.number, stage_name=stage.name, stage_since=_CAPACITY_WEEK,
                        dose_level=1.0, variant_level=1, gate=None, clear_to_train=False,
                        asymmetries=(), flags=(), reasons=(), timeline=())
    mon, tue, wed, thu, fri, sat, sun = minutes
    # made without validating (model_construct, from known-good values): validating would
    # build the history models' validators, a third of a quick command's own time
    history = History.model_construct(
        person=Person.model_construct(id="capacity", name="capacity"),
        availability=Availability.model_construct(mon=mon, tue=tue, wed=wed, thu=thu, fri=fri,
                                                  sat=sat, sun=sun))
    plan = plan_week(decision, history, week_start=_CAPACITY_WEEK, protocol=protocol,
                     library=library)
    counts = {t.id: plan.count(t.id) for t in stage.targets}
    if len(_CAPACITY) > 10_000:
        _CAPACITY.clear()
    _CAPACITY[key] = (protocol, library, counts)
    return counts


def check_plan(plan: WeekPlan, protocol: Protocol | None = None) -> list[str]:
    """Every rule the plan breaks, checked from scratch (used by tests and the CLI)."""
    protocol = protocol or load_protocol()
    if plan.stage is None or plan.refused:
        return []
    stage = protocol.stage(plan.stage)
    rules = protocol.planner
    broken = []
    race = set(plan.race_days)
    key = {i for i, d in enumerate(plan.days) if any(r.needs_gait_prep for r in d.runs)}
    hard = key | {i - 1 for i in key if i > 0}
    for i, d in enumerate(plan.days):
        if d.minutes > d.available:
            broken.append(f"{d.date}: {d.minutes} min planned, {d.available} available")
        for b in d.blocks:
            if i in hard and b.uses_free_time and any(
                    it.exercise.category in rules.hard_run_categories for it in b.items):
                broken.append(f"{b.target_id}: hard-run day {d.date}")
    for t in stage.targets:
        if race and not set(t.categories) & set(rules.load.race_week_categories):
            continue
        on = [i for i, d in enumerate(plan.days) if d.has(t.id)]
        if t.daily and len([i for i in range(7) if i not in {
                j for j, d in enumerate(plan.days) if d.date in race}]) > len(on):
            broken.append(f"{t.id}: every_day")
        elif not t.daily and len(on) < t.per_week:
            broken.append(f"{t.id}: per_week")
        if t.priority == "gate" and len(on) < gate_days_needed(stage, t):
            broken.append(f"{t.id}: gate_days")
        if t.spacing == "no_consecutive" and any(b - a == 1 for a, b in itertools.pairwise(on)):
            broken.append(f"{t.id}: consecutive")
        if t.before_runs:
            for d in plan.days:
                if any(r.needs_gait_prep for r in d.runs) and not d.has(t.id):
                    broken.append(f"{t.id}: before_run {d.date}")
    return broken


__all__ = [
    "Amounts",
    "PlanBlock",
    "PlanDay",
    "PlanItem",
    "RuleIssue",
    "WeekPlan",
    "allowed_days",
    "allowed_exercises",
    "check_plan",
    "check_plan_change",
    "choose_exercises",
    "gate_days_needed",
    "plan_week",
    "smallest_form",
    "week_capacity",
]
