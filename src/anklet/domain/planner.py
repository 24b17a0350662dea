"""Decision + availability + runs → a week of sessions that keeps the method's rules.

Rules the plan keeps (each target comes from the protocol file):
- a daily target (``per_week: 7``, foot release in stages 1–2) on every day;
- every other target on ``per_week`` different days, never on two days in a
  row where its spacing says so (agility, three-plane loaded work);
- gait drills on the day of each long, interval or race run, before it (as
  part of the run's warm-up, so they do not use the day's free minutes);
- a day never holds more minutes than the person gave for it.

The daily targets are placed first. The rest are placed greedily, spreading
each target over the week; if that leaves a rule unkept, an exact search
over the week finds the plan that keeps the most sessions, so a rule is only
reported as unkept when no plan on that availability could keep it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from functools import cache

from anklet.domain.decisions import Decision
from anklet.domain.exercises import Exercise, Library, Motion, load_library
from anklet.domain.history import Activity, History, PlannedRun
from anklet.domain.protocol import Protocol, Stage, Target, load_protocol

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class PlanItem:
    exercise: Exercise
    dose: str

    @property
    def minutes(self) -> int:
        return self.exercise.minutes


@dataclass(frozen=True, slots=True)
class PlanBlock:
    target_id: str
    label: str
    items: tuple[PlanItem, ...]
    before_run: PlannedRun | None = None
    short: bool = False

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

    @property
    def ok(self) -> bool:
        return self.refused is None and not self.issues

    def count(self, target_id: str) -> int:
        return sum(d.has(target_id) for d in self.days)


# --- choosing exercises for a target -------------------------------------------------


def choose_exercises(target: Target, stage: int, library: Library, variant: int,
                     rotation: int = 0, activities: frozenset[Activity] = frozenset()
                     ) -> list[Exercise]:
    """Pick ``target.pick`` exercises for a block, near the person's variant level, putting
    those that suit the person's activities first."""
    cands = [e for e in library.exercises if stage in e.stages and e.category in target.categories]
    if not cands:
        return []

    def rank(e: Exercise) -> tuple[int, int, str]:
        # an exercise that serves the person's own activity comes first when it is within two
        # levels of where they are (a lifter gets the toe-elevated deadlift early)
        distance = abs(e.level - variant)
        suited = distance <= 2 and bool(activities.intersection(e.suits))
        return (-1 if suited else distance, e.level, e.id)

    cands.sort(key=rank)
    if rotation and len(cands) > target.pick:
        # vary the week's choice among the equally good candidates
        best = rank(cands[0])[0]
        tier = [e for e in cands if rank(e)[0] == best]
        k = rotation % len(tier)
        cands = tier[k:] + tier[:k] + [e for e in cands if e not in tier]
    chosen: list[Exercise] = []
    if target.cover_motions:
        # one exercise per motion, preferring those that train that motion alone
        for motion in Motion:
            if any(motion in e.motions for e in chosen):
                continue
            with_motion = [e for e in cands if motion in e.motions and e not in chosen]
            if with_motion:
                chosen.append(min(with_motion, key=lambda e: (len(e.motions) > 1, rank(e))))
        chosen += [e for e in cands if e not in chosen][: max(0, target.pick - len(chosen))]
    elif target.cover_planes:
        # closest to the person's level first, but each new pick should add a plane if it
        # can; a target of several categories takes one of each first (the maintenance
        # routine's 3D work keeps agility in it, which the clearance re-check asks for)
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
    elif len(target.categories) > 1:
        per_cat = {c: [e for e in cands if e.category is c] for c in target.categories}
        i = 0
        while len(chosen) < target.pick and any(per_cat.values()):
            lst = per_cat[target.categories[i % len(target.categories)]]
            if lst:
                chosen.append(lst.pop(0))
            i += 1
    else:
        chosen = cands[: target.pick]
    return chosen


def _block(target: Target, exercises: list[Exercise], level: float, *,
           before_run: PlannedRun | None = None, short: bool = False) -> PlanBlock:
    items = tuple(PlanItem(e, e.dose.describe(level)) for e in exercises)
    return PlanBlock(target.id, target.label, items, before_run, short)


# --- scheduling ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Job:
    """A non-daily target to place on ``need`` days, ``minutes`` each."""

    index: int
    need: int
    minutes: int
    spaced: bool


def _greedy(jobs: list[_Job], cap: list[int], taken: list[set[int]],
            avoid: set[int]) -> list[list[int]]:
    """Place each job's days one by one, spreading them; returns days per job."""
    cap = list(cap)
    out: list[list[int]] = [[] for _ in jobs]
    order = sorted(range(len(jobs)), key=lambda i: (not jobs[i].spaced, -jobs[i].minutes))
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
    """The placement that keeps the most job-days, by dynamic programming over the week."""
    n = len(jobs)

    @cache
    def best(day: int, needs: tuple[int, ...], prev: int) -> tuple[int, tuple[int, ...]]:
        """(job-days placed from ``day`` on, chosen subset mask per day)."""
        if day == 7 or not any(needs):
            return 0, ()
        result: tuple[int, tuple[int, ...]] = (-1, ())
        options = [i for i in range(n) if needs[i] > 0 and jobs[i].minutes <= cap[day]
                   and day not in taken[jobs[i].index]
                   and not (jobs[i].spaced and prev >> i & 1)]
        # enumerate subsets of the options that fit the day's minutes
        stack: list[tuple[int, int, int]] = [(0, 0, 0)]
        while stack:
            k, mask, used = stack.pop()
            if k == len(options):
                nxt = tuple(needs[i] - (mask >> i & 1) for i in range(n))
                sub, masks = best(day + 1, nxt, mask)
                total = sub + bin(mask).count("1")
                if total > result[0]:
                    result = (total, (mask, *masks))
                continue
            i = options[k]
            stack.append((k + 1, mask, used))
            if used + jobs[i].minutes <= cap[day]:
                stack.append((k + 1, mask | 1 << i, used + jobs[i].minutes))
        return result

    _, masks = best(0, tuple(j.need for j in jobs), 0)
    return [[d for d, m in enumerate(masks) if m >> i & 1] for i in range(n)]


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
    dates = [start + dt.timedelta(days=i) for i in range(7)]
    avail = history.availability.minutes()
    caps = [avail[d.weekday()] for d in dates]
    runs = [[r for r in history.planned_runs if r.date == d] for d in dates]
    if not decision.can_prescribe or decision.stage is None:
        why = (decision.reasons[0] if decision.reasons else "No plan can be made yet.")
        days = tuple(PlanDay(d, caps[i], (), tuple(runs[i])) for i, d in enumerate(dates))
        return WeekPlan(history.person.id, start, decision.stage, decision.stage_name,
                        decision.dose_level, days, (), (), refused=why)
    stage: Stage = protocol.stage(decision.stage)
    level = decision.dose_level
    rotation = start.toordinal() // 7
    blocks_by_day: list[list[PlanBlock]] = [[] for _ in range(7)]
    left = list(caps)
    issues: list[RuleIssue] = []
    activities = frozenset(history.intake.activities) if history.intake else frozenset()
    content = {t.id: choose_exercises(t, stage.number, library, decision.variant_level, rotation,
                                      activities)
               for t in stage.targets}

    # 1. gait prep on the day of each key run (part of the run's warm-up)
    key_run_days = {i for i in range(7) if any(r.needs_gait_prep for r in runs[i])}
    for t in stage.targets:
        if t.before_runs and content[t.id]:
            for i in sorted(key_run_days):
                run = next(r for r in runs[i] if r.needs_gait_prep)
                blocks_by_day[i].append(_block(t, content[t.id], level, before_run=run))

    # 2. daily targets
    for t in stage.targets:
        if not t.daily or not content[t.id]:
            continue
        full = sum(e.minutes for e in content[t.id])
        short = min(content[t.id], key=lambda e: e.minutes)
        missed = []
        for i in range(7):
            if left[i] >= full:
                blocks_by_day[i].append(_block(t, content[t.id], level))
                left[i] -= full
            elif left[i] >= short.minutes:
                blocks_by_day[i].append(_block(t, [short], level, short=True))
                left[i] -= short.minutes
            else:
                missed.append(i)
        if missed:
            names = ", ".join(DAY_NAMES[dates[i].weekday()] for i in missed)
            issues.append(RuleIssue(t.id, "every_day", (
                f"{t.label} is meant for every day, but {names} "
                f"{'has' if len(missed) == 1 else 'have'} less than {short.minutes} free "
                f"minutes. Add a few minutes there to keep this rule.")))

    # 3. every other target
    targets = [t for t in stage.targets if not t.daily and content[t.id]]
    jobs = []
    taken: list[set[int]] = []
    for idx, t in enumerate(targets):
        need = t.per_week
        done_days = {i for i in range(7) if any(b.target_id == t.id for b in blocks_by_day[i])}
        if t.before_runs:
            need = max(0, need - len(done_days))
        taken.append(done_days)
        jobs.append(_Job(idx, need, sum(e.minutes for e in content[t.id]),
                         t.spacing == "no_consecutive"))
    avoid = {i - 1 for i in key_run_days if i > 0}
    placed = _greedy(jobs, left, taken, avoid)
    if any(len(p) < j.need for p, j in zip(placed, jobs, strict=True)):
        placed = _exact(jobs, left, taken)
    for job, days_ in zip(jobs, placed, strict=True):
        t = targets[job.index]
        for i in days_:
            blocks_by_day[i].append(_block(t, content[t.id], level))
        if len(days_) < job.need:
            total = len(days_) + len(taken[job.index])
            want = job.need + len(taken[job.index])
            spacing = " with a rest day between them" if job.spaced else ""
            issues.append(RuleIssue(t.id, "per_week", (
                f"{t.label} needs {want} day(s) a week{spacing} ({job.minutes} min each); "
                f"your available days allow {total}. This plan keeps {total}.")))
    for t in stage.targets:
        if not content[t.id]:
            issues.append(RuleIssue(t.id, "no_exercises",
                                    f"No exercise in the library fits {t.label} at stage "
                                    f"{stage.number}."))
    order = {t.id: k for k, t in enumerate(stage.targets)}
    days = tuple(
        PlanDay(d, caps[i], tuple(sorted(blocks_by_day[i],
                                         key=lambda b: (b.uses_free_time, order[b.target_id]))),
                tuple(runs[i]))
        for i, d in enumerate(dates))
    return WeekPlan(history.person.id, start, stage.number, stage.name, level, days,
                    tuple(issues), tuple(stage.habits))


def check_plan(plan: WeekPlan, protocol: Protocol | None = None) -> list[str]:
    """Every rule the plan breaks, checked from scratch (used by tests and the CLI)."""
    protocol = protocol or load_protocol()
    if plan.stage is None or plan.refused:
        return []
    stage = protocol.stage(plan.stage)
    broken = []
    for d in plan.days:
        if d.minutes > d.available:
            broken.append(f"{d.date}: {d.minutes} min planned, {d.available} available")
    for t in stage.targets:
        on = [i for i, d in enumerate(plan.days) if d.has(t.id)]
        if t.daily and len(on) < 7:
            broken.append(f"{t.id}: every_day")
        elif not t.daily and len(on) < t.per_week:
            broken.append(f"{t.id}: per_week")
        if t.spacing == "no_consecutive" and any(b - a == 1 for a, b in itertools.pairwise(on)):
            broken.append(f"{t.id}: consecutive")
        if t.before_runs:
            for d in plan.days:
                if any(r.needs_gait_prep for r in d.runs) and not d.has(t.id):
                    broken.append(f"{t.id}: before_run {d.date}")
    return broken


__all__ = ["PlanBlock", "PlanDay", "PlanItem", "RuleIssue", "WeekPlan", "check_plan",
           "choose_exercises", "plan_week"]
