"""Reading recorded runs: which were long, which were intervals, and where cadence is heading.

Every number comes from the ``runs`` section of the protocol file (see there for the
reasons). The rules, in words:

- **Long run.** A run lasting at least ``max(long_floor_min, long_median_factor × median)``
  where the median is of the durations of the person's runs in the ``long_lookback_days``
  before it. The median only counts once ``long_min_previous_runs`` runs are on record in
  that window; until then the floor alone decides. Long is relative to the person (a
  runner whose usual is 70 minutes is not on a long run at 80) with an absolute floor (a
  40-minute run is not long for anyone, even a beginner whose usual is 20 minutes). Shipped
  numbers: 75 min, 1.5 ×, 28 days, 3 runs.
- **Interval session.** Laps alternate fast and slow: at least ``interval_min_work_laps``
  work laps, each at least ``interval_speed_gap_pct`` % faster (by speed, distance over
  time) than the recovery lap on either side of it, in one alternating chain
  (work, recovery, work, recovery, work). A standing recovery (no distance) is a slow lap.
  Laps without a distance break the chain. Shipped numbers: 3 laps, 15 %.
- **Cadence trend.** A least-squares line of steps per minute against the date and time of
  the last ``cadence_trend_runs`` runs that have a cadence. The change over the period is
  the line's slope times the days between the first and the last of those runs, as a
  percentage of the line's value at the first run. It is ``falling`` at
  ``-cadence_drop_pct`` % or lower, ``rising`` at ``+cadence_drop_pct`` % or higher, and
  ``steady`` in between; with fewer than ``cadence_min_runs`` runs it is ``too_few_runs``.
  The 5 % shipped comes from Heiderscheit2011: a 5 % rise in step rate reduced the load
  absorbed at the knee, so a 5 % fall gives that back.

Everything here is pure: recorded activities in, frozen results out.
"""

from __future__ import annotations

import bisect
import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from anklet.domain.history import Lap, RecordedActivity, Sport
from anklet.domain.protocol import RunRules

__all__ = [
    "CadenceTrend",
    "RunTags",
    "cadence_trend",
    "interval_work_laps",
    "is_interval",
    "key_run_dates",
    "long_threshold_min",
    "tag_runs",
]


# --- interval sessions from laps -------------------------------------------------------------


def interval_work_laps(laps: Sequence[Lap], gap_pct: float) -> int:
    """The most work laps in one alternating fast/slow chain of ``laps``.

    Lap ``i`` is a work lap when its speed is at least ``1 + gap_pct/100`` times the speed
    of each neighbouring lap (the first and last lap have one neighbour). Work laps two
    apart form a chain; the recovery lap between them is slower by construction.
    """
    factor = 1 + gap_pct / 100
    speeds: list[float | None] = [
        (lap.distance_m / lap.duration_s) if lap.distance_m is not None and lap.duration_s > 0
        else None
        for lap in laps]
    n = len(speeds)
    work = [False] * n
    for i, v in enumerate(speeds):
        if v is None or v <= 0:
            continue
        neighbours = [speeds[j] for j in (i - 1, i + 1) if 0 <= j < n]
        if not neighbours or any(w is None for w in neighbours):
            continue
        work[i] = all(v >= factor * w for w in neighbours if w is not None)
    best = 0
    for start in range(n):
        if not work[start] or (start >= 2 and work[start - 2]):
            continue  # only count each chain from its first work lap
        length, i = 0, start
        while i < n and work[i]:
            length += 1
            i += 2
        best = max(best, length)
    return best


def is_interval(activity: RecordedActivity, rules: RunRules) -> bool:
    """Whether a recorded run's laps show an interval session (see the module rules)."""
    if activity.sport is not Sport.RUN:
        return False
    work = interval_work_laps(activity.laps, rules.interval_speed_gap_pct.value)
    return work >= rules.interval_min_work_laps.value


# --- long runs relative to the person's own runs --------------------------------------------


def long_threshold_min(previous_minutes: Sequence[float], rules: RunRules) -> float:
    """Minutes from which a run is long, given the durations of the runs in the window before."""
    floor = rules.long_floor_min.value
    if len(previous_minutes) < rules.long_min_previous_runs.value:
        return floor
    return max(floor, rules.long_median_factor.value * statistics.median(previous_minutes))


@dataclass(frozen=True, slots=True)
class RunTags:
    """What one recorded run was, with the threshold that decided ``long``."""

    activity: RecordedActivity
    long: bool
    interval: bool
    long_threshold_min: float
    previous_runs: int

    @property
    def key(self) -> bool:
        """A run that gait preparation should come before (long or intervals)."""
        return self.long or self.interval

    @property
    def why(self) -> str:
        """The rule that tagged this run, in words ('' for an untagged run)."""
        parts = []
        if self.long:
            basis = (f"set by the median of {self.previous_runs} recent runs or the floor"
                     if self.previous_runs else "the floor; too few recent runs for a median")
            parts.append(f"long: {self.activity.minutes:.0f} min ≥ {self.long_threshold_min:.0f} "
                         f"min ({basis})")
        if self.interval:
            parts.append("intervals: alternating fast and slow laps")
        return "; ".join(parts)


def tag_runs(activities: Iterable[RecordedActivity], rules: RunRules) -> list[RunTags]:
    """Tags for every recorded run (``sport == run``), in start order."""
    runs = sorted((a for a in activities if a.sport is Sport.RUN), key=lambda a: a.start)
    starts = [a.start for a in runs]
    window = dt.timedelta(days=rules.long_lookback_days.value)
    out = []
    for i, a in enumerate(runs):
        lo = bisect.bisect_left(starts, a.start - window, 0, i)
        previous = [r.minutes for r in runs[lo:i]]
        threshold = long_threshold_min(previous, rules)
        used = len(previous) if len(previous) >= rules.long_min_previous_runs.value else 0
        out.append(RunTags(a, a.minutes >= threshold, is_interval(a, rules), threshold, used))
    return out


def key_run_dates(activities: Iterable[RecordedActivity], rules: RunRules) -> frozenset[dt.date]:
    """Local dates of recorded long or interval runs: the runs gait prep must come before."""
    return frozenset(t.activity.date for t in tag_runs(activities, rules) if t.key)


# --- cadence trend ------------------------------------------------------------------------------

TrendStatus = Literal["falling", "steady", "rising", "too_few_runs"]


@dataclass(frozen=True, slots=True)
class CadenceTrend:
    """The cadence line through the latest runs and what it says."""

    status: TrendStatus
    runs: int
    slope_spm_per_week: float | None = None
    change_pct: float | None = None
    first: dt.date | None = None
    last: dt.date | None = None
    threshold_pct: float = 5.0

    @property
    def text(self) -> str:
        if self.status == "too_few_runs":
            return (f"Cadence trend: {self.runs} run(s) with cadence; a trend needs more runs.")
        change = f"{self.change_pct:+.1f} %" if self.change_pct is not None else "?"
        base = (f"Cadence trend over {self.runs} runs ({self.first} to {self.last}): {change} "
                f"({self.slope_spm_per_week or 0:+.1f} steps/min a week)")
        if self.status == "falling":
            return (base + f" — falling: a drop of {self.threshold_pct:g} % or more gives back "
                    f"what a cadence rise gains (Heiderscheit2011).")
        return base + f" — {self.status}."


def cadence_trend(activities: Iterable[RecordedActivity], rules: RunRules) -> CadenceTrend:
    """Least-squares trend of running cadence over the latest runs (see the module rules)."""
    threshold = rules.cadence_drop_pct.value
    runs = sorted((a for a in activities if a.sport is Sport.RUN and a.cadence_spm is not None),
                  key=lambda a: a.start)[-int(rules.cadence_trend_runs.value):]
    if len(runs) < rules.cadence_min_runs.value:
        return CadenceTrend("too_few_runs", len(runs), threshold_pct=threshold)
    t0 = runs[0].start
    xs = [(a.start - t0).total_seconds() / 86400 for a in runs]
    ys = [a.cadence_spm or 0.0 for a in runs]
    span = xs[-1] - xs[0]
    mean_x = statistics.fmean(xs)
    mean_y = statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if span <= 0 or sxx == 0:
        return CadenceTrend("too_few_runs", len(runs), threshold_pct=threshold)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    at_first = mean_y - slope * mean_x
    change_pct = 100 * slope * span / at_first if at_first > 0 else 0.0
    change_pct = round(change_pct, 6)  # 5 % on paper is 5 %, not 4.9999999
    status: TrendStatus = ("falling" if change_pct <= -threshold else
                           "rising" if change_pct >= threshold else "steady")
    return CadenceTrend(status, len(runs), slope * 7, change_pct, runs[0].date, runs[-1].date,
                        threshold)
