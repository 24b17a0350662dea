"""What was done against the week's targets.

A target counts once per day it was done. Ankle mobility that must cover
all four motions counts only on a day that covered all four. Gait prep
before a long or interval run counts as kept only when it was logged on the
day of that run.

The runs gait prep must precede are the planned long, interval and race runs
and, for a target marked ``recorded_runs`` in the protocol (the stage 4 gait
check), the recorded runs a watch file shows were long or intervals (see
:mod:`anklet.domain.runs`). Sessions are logged by date only, so a gait
session logged on the run's local date counts as done before it: the start
time of a recorded run is known, the time of the session is not, and the
same date is accepted. A planned and a recorded run on the same date are one
run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

from anklet.domain.exercises import Category, Library, Motion
from anklet.domain.history import PlannedRun, Session
from anklet.domain.protocol import Stage, Target

ALL_MOTIONS = frozenset(Motion)
_ANKLE = Category.ANKLE_MOBILITY  # looked up once: enum attribute access is slow in 3.11


@dataclass(frozen=True, slots=True)
class DayLog:
    """What was done on one date: categories touched and ankle motions covered."""

    categories: frozenset[Category]
    motions: frozenset[Motion]


def index_days(sessions: Iterable[Session], library: Library) -> dict[dt.date, DayLog]:
    """Group logged exercises by date (several sessions on one day merge)."""
    out: dict[dt.date, DayLog] = {}
    by_id = library.by_id
    seen: dict[tuple[str, ...], DayLog] = {}
    for s in sessions:
        ids = tuple([log.exercise_id for log in s.exercises])
        found = seen.get(ids)
        if found is None:  # plans repeat: most sessions share their exercises with another
            sc: set[Category] = set()
            sm: set[Motion] = set()
            for eid in ids:
                ex = by_id.get(eid) or library.get(eid)
                sc.add(ex.category)
                if ex.category is _ANKLE:
                    sm.update(ex.motions)
            found = seen[ids] = DayLog(frozenset(sc), frozenset(sm))
        before = out.get(s.date)
        # the logs are frozen, so a day with one session shares its session's log
        out[s.date] = found if before is None else DayLog(before.categories | found.categories,
                                                          before.motions | found.motions)
    return out


def done_on(target: Target, day: DayLog | None) -> bool:
    """Whether ``target`` counts as done on a day with this log."""
    if day is None or day.categories.isdisjoint(target.categories):
        return False
    if target.cover_motions and _ANKLE in target.categories:
        return day.motions >= ALL_MOTIONS
    return True


@dataclass(frozen=True, slots=True)
class TargetAdherence:
    target_id: str
    label: str
    required: int
    done: int
    credited: int
    runs_needing_prep: int
    runs_kept: int
    source: str

    @property
    def met(self) -> bool:
        return self.credited >= self.required

    @property
    def text(self) -> str:
        base = f"{self.credited} of {self.required}"
        if self.runs_needing_prep:
            base += f" (gait prep before {self.runs_kept} of {self.runs_needing_prep} key runs)"
        return base


@dataclass(frozen=True, slots=True)
class Adherence:
    start: dt.date
    end: dt.date
    stage: int
    targets: tuple[TargetAdherence, ...]

    @property
    def pct(self) -> float:
        """Share of the week's targets kept, 0–100 (100 when nothing was required)."""
        req = [t for t in self.targets if t.required > 0]
        if not req:
            return 100.0
        return 100.0 * sum(min(1.0, t.credited / t.required) for t in req) / len(req)

    def unmet(self) -> list[TargetAdherence]:
        return [t for t in self.targets if t.required > 0 and not t.met]


def week_adherence(
    stage: Stage,
    days: Mapping[dt.date, DayLog],
    runs: Iterable[PlannedRun],
    start: dt.date,
    recorded_key_dates: Collection[dt.date] = frozenset(),
    *,
    allowed: Mapping[str, int] | None = None,
) -> Adherence:
    """Adherence to ``stage``'s targets over the 7 days from ``start``.

    ``recorded_key_dates`` are the local dates of recorded long or interval runs
    (:func:`anklet.domain.runs.key_run_dates`); they count for ``recorded_runs`` targets.
    """
    return Adherence(start, start + _WEEK[6], stage.number, tuple(
        TargetAdherence(t.id, t.label, required, done, credited, n_runs, kept, t.source)
        for t, required, done, credited, n_runs, kept
        in _target_counts(stage, days, runs, start, recorded_key_dates, allowed)))


def week_pct(
    stage: Stage,
    days: Mapping[dt.date, DayLog],
    runs: Iterable[PlannedRun],
    start: dt.date,
    recorded_key_dates: Collection[dt.date] = frozenset(),
    *,
    allowed: Mapping[str, int] | None = None,
) -> float:
    """``week_adherence(...).pct``, without building the rest (decisions ask it of many
    weeks)."""
    shares = [min(1.0, credited / required) for _, required, _, credited, _, _
              in _target_counts(stage, days, runs, start, recorded_key_dates, allowed)
              if required > 0]
    if not shares:
        return 100.0
    return 100.0 * sum(shares) / len(shares)


_WEEK = tuple(dt.timedelta(days=i) for i in range(7))


def _target_counts(
    stage: Stage,
    days: Mapping[dt.date, DayLog],
    runs: Iterable[PlannedRun],
    start: dt.date,
    recorded_key_dates: Collection[dt.date],
    allowed: Mapping[str, int] | None = None,
) -> Iterator[tuple[Target, int, int, int, int, int]]:
    """For each of ``stage``'s targets over the 7 days from ``start``: the target, how many
    are required, done and credited, the key runs needing gait prep and those it was kept
    before (see :func:`week_adherence`). A target never requires more days than the
    person's week can hold (``allowed``: days per target id, from
    :func:`anklet.domain.feasibility.allowed_days`): only what a plan can hold is counted."""
    end = start + _WEEK[6]
    planned_days = {r.date for r in runs if start <= r.date <= end and r.needs_gait_prep}
    recorded_days = {d for d in recorded_key_dates if start <= d <= end}
    week = [start + delta for delta in _WEEK]
    logged = [(d, days[d]) for d in week if d in days]  # a day with no log counts for nothing
    for t in stage.targets:
        done_days = [d for d, day in logged if done_on(t, day)]
        done = len(done_days)
        if t.before_runs:
            key_run_days = sorted(planned_days | recorded_days if t.recorded_runs
                                  else planned_days)
            n_runs = len(key_run_days)
            kept = sum(1 for d in key_run_days if d in done_days)
            per_week = min(t.per_week, allowed.get(t.id, 7) if allowed else 7)
            required = max(per_week, n_runs)
            other = done - kept
            credited = min(required, kept + min(other, max(0, per_week - n_runs)))
            yield t, required, done, credited, n_runs, kept
        else:
            required = min(t.per_week, allowed.get(t.id, 7) if allowed else 7)
            yield t, required, done, min(done, required), 0, 0
