"""History in, decision out: stage, gate checklist, flags and reasons.

:func:`decide` replays a person's history from the first assessment to
``as_of``. At each checkpoint (every date with new data, every week since
the start, and ``as_of``) it applies the protocol's pain-monitoring and
range-loss rules (step back, cut the dose, or hold) and checks the gate of
the current stage (advance when every criterion is met and the minimum time
in the stage has passed). A coach's :class:`~anklet.domain.history.Override`
puts the person in its stage on its date, whatever the rules said that day; the
rules take over again from the next checkpoint. The result is a frozen
:class:`Decision` that carries its reasons in words and numbers.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

from anklet.domain.adherence import (
    ALL_MOTIONS,
    Adherence,
    DayLog,
    index_days,
    week_adherence,
    week_pct,
)
from anklet.domain.errors import HistoryError
from anklet.domain.exercises import Category, Exercise, Library, load_library
from anklet.domain.history import ExerciseLog, History, Measurement, Override, Screening, Session
from anklet.domain.measures import DORSIFLEXION_KINDS, MeasureKind, dorsiflexion_cm
from anklet.domain.protocol import AsymmetryRule, Criterion, Protocol, Stage, load_protocol
from anklet.domain.questionnaires import Score, load_instruments, score_response
from anklet.domain.runs import key_run_dates
from anklet.domain.units import SIDES, Side

Status = Literal["refer", "screen_needed", "working", "clear", "maintain_check"]
DAY = dt.timedelta(days=1)
OP_TEXT = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}

STATUS_TEXT: dict[str, str] = {
    "refer": "See a clinician first",
    "screen_needed": "Red-flag screen needed",
    "working": "Working through the stages",
    "clear": "Clear to train normally",
    "maintain_check": "Maintaining — re-check needed",
}


# --- result objects -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CriterionResult:
    id: str
    label: str
    metric: str
    op: str
    threshold: float
    unit: str
    source: str
    met: bool
    assessed: bool
    values: dict[str, float | None]
    where: str
    note: str | None = None
    domain: str | None = None
    required: bool = True
    how: str | None = None
    stale: bool = False
    """Not assessed because a test is older than the protocol's re-test interval (``where``
    says when it was last done), not because it was never done."""

    @property
    def reason(self) -> str:
        """The result in words and numbers (built on demand: batch runs never read it)."""
        thr = self.threshold_text
        vals = self.values
        if not self.assessed:
            missing = [k for k, v in vals.items() if v is None]
            what = ("no data" if missing == ["both"]
                    else f"no current result for {' and '.join(missing)}")
            todo = "; ".join(x for x in (self.where,
                                         self.how and f"{self.how_verb}: {self.how}")
                             if x) or "test or log it"
            return f"{self.label}: {what} (needs {thr}; {todo})"
        shown = ", ".join(f"{k} {fmt(v, self.unit)}" if k != "both" else fmt(v, self.unit)
                          for k, v in vals.items())
        text = f"{self.label}: {shown} — {'meets' if self.met else 'does not meet'} {thr}"
        return f"{text} ({self.where})" if self.where else text

    @property
    def how_verb(self) -> str:
        """What to call doing ``how``: a re-test when the last test is out of date."""
        return "re-test with" if self.stale else "fill it with"

    @property
    def threshold_text(self) -> str:
        if self.unit == "yes_no":
            return "no" if self.threshold < 1 else "yes or no"
        return f"{OP_TEXT[self.op]} {fmt(self.threshold, self.unit)}"

    @property
    def value_text(self) -> str:
        if not self.assessed:
            return "out of date" if self.stale else "not assessed"
        if set(self.values) == {"left", "right"}:
            return (f"L {fmt(self.values['left'], self.unit)} · "
                    f"R {fmt(self.values['right'], self.unit)}")
        return fmt(next(iter(self.values.values())), self.unit)


@dataclass(frozen=True, slots=True)
class GateResult:
    from_stage: int
    to_stage: int
    criteria: tuple[CriterionResult, ...]

    @property
    def all_met(self) -> bool:
        """Every required criterion is met (``required: false`` ones are shown, not needed)."""
        return all(c.met for c in self.criteria if c.required)

    @property
    def met_count(self) -> int:
        """How many required criteria are met."""
        return sum(c.met for c in self.criteria if c.required)

    @property
    def required_count(self) -> int:
        return sum(c.required for c in self.criteria)


@dataclass(frozen=True, slots=True)
class AsymmetryResult:
    measure: str
    label: str
    left: float
    right: float
    unit: str
    difference: float
    lsi: float
    kind: str
    threshold: float
    threshold_unit: str
    source: str
    meaningful: bool
    measurement_error: float | None = None
    error_source: str | None = None

    @property
    def within_error(self) -> bool:
        """The left–right difference is no larger than the test's measurement error."""
        return (self.measurement_error is not None
                and round(self.difference, 6) <= self.measurement_error)

    @property
    def beyond_threshold(self) -> bool:
        """The difference or LSI is past the rule's threshold (before measurement error)."""
        if self.kind == "difference":
            return round(self.difference, 6) > self.threshold
        return round(self.lsi, 6) < self.threshold

    @property
    def behind(self) -> str:
        """The side that is behind (slower for timed tests, lower otherwise)."""
        if self.measure == "side_hop":
            return "left" if self.left > self.right else "right"
        return "left" if self.left < self.right else "right"

    @property
    def reason(self) -> str:
        """The comparison in words and numbers (built on demand)."""
        u = self.unit
        head = f"{self.label}: left {fmt(self.left, u)}, right {fmt(self.right, u)}; "
        if self.beyond_threshold and self.within_error:
            past = (f"difference {fmt(self.difference, u)} is above "
                    f"{fmt(self.threshold, self.threshold_unit)}" if self.kind == "difference"
                    else f"LSI {self.lsi:.0f}% is below {self.threshold:g}%")
            return head + (f"{past}, but the {fmt(self.difference, u)} gap is within the "
                           f"test's measurement error ({fmt(self.measurement_error, u)}, "
                           f"{self.error_source}): not called an asymmetry; re-test to be sure")
        if self.kind == "difference":
            thr = fmt(self.threshold, self.threshold_unit)
            return head + f"difference {fmt(self.difference, u)} " + (
                f"is above {thr} — the {self.behind} side is behind" if self.meaningful
                else f"is within {thr}")
        return head + f"weaker side at {self.lsi:.0f}% of the other " + (
            f"(below {self.threshold:g}% — the {self.behind} side is behind)" if self.meaningful
            else f"(at or above {self.threshold:g}%)")


FlagKind = Literal["red_flag", "screen_needed", "pain_flare", "not_settled", "rising_pain",
                   "range_loss", "retest_due", "missed_sessions", "maintenance_slipping",
                   "ready_to_advance", "clear_to_train", "hold", "override"]


@dataclass(frozen=True, slots=True)
class StageChange:
    date: dt.date
    kind: Literal["start", "advance", "step_back", "reduce_dose", "override"]
    from_stage: int
    to_stage: int
    text: str
    criteria: tuple[CriterionResult, ...] = ()
    cause: FlagKind | None = None
    """For a step back or dose cut: what caused it (pain_flare, not_settled, rising_pain,
    range_loss); ``override`` for a coach's override. Flagged while it is recent."""

    @property
    def reason(self) -> str:
        """Why it changed; an advance lists every criterion it met (built on demand)."""
        if not self.criteria:
            return self.text
        return f"{self.text}: " + "; ".join(c.reason for c in self.criteria) + "."


@dataclass(frozen=True, slots=True)
class Flag:
    kind: FlagKind
    message: str


@dataclass(frozen=True, slots=True)
class RedFlagHit:
    id: str
    question: str
    source: str
    date: dt.date


@dataclass(frozen=True)
class Decision:
    person_id: str
    as_of: dt.date
    status: Status
    stage: int | None
    stage_name: str | None
    stage_since: dt.date | None
    dose_level: float
    variant_level: int
    gate: GateResult | None
    clear_to_train: bool
    asymmetries: tuple[AsymmetryResult, ...]
    flags: tuple[Flag, ...]
    reasons: tuple[str, ...]
    timeline: tuple[StageChange, ...]
    red_flags: tuple[RedFlagHit, ...] = ()
    missing_screen: tuple[str, ...] = ()
    last_week: Adherence | None = None
    protocol_id: str = ""
    protocol_version: int = 0
    extra: dict[str, object] = field(default_factory=dict)
    clearance: GateResult | None = None
    """The clearance checklist at ``as_of`` (the gate into stage 4), whatever the stage."""
    override: Override | None = None
    """The coach's override that set the current stage, while no automatic stage change
    (advance or step back) has come after it: the stage is "set by hand"."""

    @property
    def can_prescribe(self) -> bool:
        return self.status not in ("refer", "screen_needed")

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]

    @property
    def days_in_stage(self) -> int | None:
        return None if self.stage_since is None else (self.as_of - self.stage_since).days


@dataclass(frozen=True, slots=True)
class DecisionSummary:
    """The headline of a decision: what lists, dashboards and the nightly re-evaluation
    keep of it (see :func:`summarize`)."""

    person_id: str
    as_of: dt.date
    status: Status
    stage: int | None
    stage_name: str | None
    stage_since: dt.date | None
    clear_to_train: bool
    flags: frozenset[FlagKind]
    gate_met: int
    """How many of the gate's required criteria are met (0 without a gate)."""
    gate_total: int
    last_change: StageChange | None
    """The latest advance, step back, dose cut or override (None while the person is still
    where they started), without an advance's checklist."""

    @classmethod
    def of(cls, d: Decision) -> DecisionSummary:
        last = d.timeline[-1] if d.timeline and d.timeline[-1].kind != "start" else None
        return cls(d.person_id, d.as_of, d.status, d.stage, d.stage_name, d.stage_since,
                   d.clear_to_train, frozenset(f.kind for f in d.flags),
                   d.gate.met_count if d.gate else 0, d.gate.required_count if d.gate else 0,
                   last if last is None or not last.criteria else replace(last, criteria=()))


# --- formatting ------------------------------------------------------------------


def fmt(value: float | None, unit: str = "") -> str:
    """A number in plain form with its unit (``yes_no`` units read yes/no)."""
    if value is None:
        return "—"
    if unit == "yes_no":
        return "yes" if value else "no"
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    if text in ("1", "-1") and len(unit) > 2 and unit.endswith("s"):
        unit = unit[:-1]  # 1 rep, 1 point, 1 session
    if unit in ("", "/10"):
        return text + unit
    if unit in ("%", "°"):
        return text + unit
    return f"{text} {unit}"


# --- the data view at a date ----------------------------------------------------


class _View:
    """Fast look-ups over one history: latest values at a date, windows of sessions."""

    def __init__(self, h: History, library: Library, protocol: Protocol) -> None:
        self.h = h
        self.protocol = protocol
        self.retest = int(protocol.settings.retest_days.value)
        series: dict[tuple[str, Side], list[tuple[dt.date, float, Measurement]]] = {}
        for m in h.measurements:
            kind = m.kind
            if kind in DORSIFLEXION_KINDS:
                key = "dorsiflexion"
                value = dorsiflexion_cm(kind, m.value)
            else:
                key = kind  # a StrEnum: hashes and compares as its string value
                value = m.value
            series.setdefault((key, m.side), []).append((m.date, value, m))
        self.series = series
        self.series_dates = {k: [d for d, _, _ in v] for k, v in series.items()}
        self.sessions: list[Session] = list(h.sessions)
        self.session_dates = [s.date for s in self.sessions]
        self.screenings: list[Screening] = list(h.screenings)
        self.screening_dates = [s.date for s in self.screenings]
        self.library = library
        self.questionnaire_dates = [q.date for q in h.questionnaires]
        self._scored: dict[int, dict[str, Score]] = {}
        self.days: dict[dt.date, DayLog] = index_days(h.sessions, library)
        self.day_dates = sorted(self.days)
        self.runs = [r for r in h.planned_runs if r.needs_gait_prep]
        # recorded long/interval runs: gait prep must precede them too (recorded_runs targets)
        self.recorded_runs = (key_run_dates(h.recorded_activities, protocol.runs)
                              if h.recorded_activities else frozenset())
        self._weeks: dict[tuple[int, dt.date], float] = {}
        # metric values of a gate check, kept for the advance's checklist (see _evaluate)
        self.gate_values: dict[tuple[int, dt.date, int], MetricValue] = {}
        acceptable = protocol.pain_monitoring.acceptable_max.value
        # per session, once: too painful during, or not settled by the next morning
        self.troubled = [s.pain_during > acceptable or self.unsettled(s) for s in self.sessions]

    def latest(self, key: str, side: Side, at: dt.date,
               current: bool = True) -> tuple[dt.date, float, Measurement] | None:
        dates = self.series_dates.get((key, side))
        if not dates:
            return None
        i = bisect_right(dates, at)
        if i == 0:
            return None
        item = self.series[(key, side)][i - 1]
        if current and (at - item[0]).days > self.retest:
            return None
        return item

    def latest_score(self, scale: str, side: Side | None, at: dt.date, days: int) -> Score | None:
        """The latest score of ``scale`` (and side) by ``at``, if no older than ``days``.

        Only the responses that can hold it are scored, newest first and each at most once
        (scoring every response up front cost more than the rest of a decision)."""
        instruments = load_instruments()
        ins, _ = instruments.scale(scale)
        responses = self.h.questionnaires  # by date, in the order given within a date
        for i in range(bisect_right(self.questionnaire_dates, at) - 1, -1, -1):
            r = responses[i]
            if (at - r.date).days > days:
                return None  # this one and every earlier one is too old
            if r.instrument != ins.id or r.side != side:
                continue
            scored = self._scored.get(i)
            if scored is None:
                scored = self._scored[i] = {
                    sc.scale: sc for sc in score_response(ins, r.answers, date=r.date,
                                                          side=r.side)}
            if (sc := scored.get(scale)) is not None:  # else the scale was not asked
                return sc
        return None

    def screening(self, at: dt.date) -> Screening | None:
        i = bisect_right(self.screening_dates, at)
        return self.screenings[i - 1] if i else None

    def sessions_in(self, start: dt.date, end: dt.date) -> list[Session]:
        lo = bisect_right(self.session_dates, start - DAY)
        hi = bisect_right(self.session_dates, end)
        return self.sessions[lo:hi]

    def week_pct(self, stage: Stage, monday: dt.date) -> float:
        """Adherence % to ``stage``'s targets in the week from ``monday`` (memoised)."""
        key = (stage.number, monday)
        pct = self._weeks.get(key)
        if pct is None:
            pct = self._weeks[key] = week_pct(stage, self.days, self.runs, monday,
                                              self.recorded_runs)
        return pct

    def troubled_in(self, start: dt.date, end: dt.date) -> list[Session]:
        """The sessions in the window that were too painful or had not settled, oldest first."""
        lo = bisect_right(self.session_dates, start - DAY)
        hi = bisect_right(self.session_dates, end)
        return [self.sessions[i] for i in range(lo, hi) if self.troubled[i]]

    def baseline_pain(self, s: Session) -> int:
        if s.pain_before is not None:
            return s.pain_before
        sc = self.screening(s.date)
        return max(sc.left.pain_rest, sc.right.pain_rest) if sc else 0

    def unsettled(self, s: Session) -> bool:
        return s.pain_next_morning is not None and s.pain_next_morning > self.baseline_pain(s)


# --- metrics ----------------------------------------------------------------------

MetricValue = tuple[dict[str, float | None], str]
"""Values by side ('left'/'right') or 'both', and a short note on where they came from."""


def _per_side(view: _View, key: str, at: dt.date,
              get: Callable[[tuple[dt.date, float, Measurement]], float | None] | None = None
              ) -> MetricValue:
    vals: dict[str, float | None] = {}
    notes = []
    for side in SIDES:
        item = view.latest(key, side, at)
        if item is None:
            vals[side.value] = None
            continue
        vals[side.value] = get(item) if get else item[1]
        notes.append(f"{side.value} tested {item[0].isoformat()}")
    return vals, "; ".join(notes)


_Pair = tuple[float, float, dt.date, dt.date]
"""Left and right value of a two-sided measure, and the dates they were tested."""


def _pair(view: _View, key: str, at: dt.date) -> _Pair | None:
    left = view.latest(key, Side.LEFT, at)
    right = view.latest(key, Side.RIGHT, at)
    if left is None or right is None:
        return None
    return left[1], right[1], left[0], right[0]


def _tested(p: _Pair) -> str:
    return f"tested {p[2].isoformat()} / {p[3].isoformat()}"


_SCORE_METRICS = {"cait_score": "cait", "faam_adl": "faam_adl", "faam_sports": "faam_sports",
                  "confidence": "confidence", "pain_24h": "pain_24h"}
"""Gate metric -> questionnaire scale (anklet/data/questionnaires.yaml)."""


def _score_metric(view: _View, c: Criterion, at: dt.date) -> MetricValue:
    days = int(c.params.get("days", view.retest))
    scale = _SCORE_METRICS[c.metric]
    sides: tuple[Side | None, ...] = SIDES if c.per_side else (None,)
    vals: dict[str, float | None] = {}
    notes: list[str] = []
    for side in sides:
        key = side.value if side else "both"
        sc = view.latest_score(scale, side, at, days)
        vals[key] = None if sc is None else sc.value
        who = f"{side.value} " if side else ""
        if sc is None:
            notes.append(f"{who}none answered in the last {days} days")
        elif sc.value is None:
            notes.append(f"{who}answered {sc.date.isoformat()}: {sc.value_text}")
        else:
            notes.append(f"{who}answered {sc.date.isoformat()}")
    return vals, "; ".join(notes)


_FULL_DOSE: dict[tuple[int | None, ...], tuple[tuple[str, int], ...]] = {}


def _full_dose(log: ExerciseLog, ex: Exercise) -> bool:
    """Logged at no less than the exercise's full (unreduced) dose: its library dose, or
    what a plan at dose level 1.0 asks where rounding or the 3–5 round limits give less."""
    d = ex.dose
    key = (d.sets, d.reps, d.seconds, d.rounds)
    need = _FULL_DOSE.get(key)
    if need is None:
        at_one = d.scaled(1.0)
        base = {"sets": d.sets, "reps": d.reps, "seconds": d.seconds, "rounds": d.rounds}
        need = _FULL_DOSE[key] = tuple(
            (k, min(v, at_one[k] or v)) for k, v in base.items() if v is not None)
    for field_name, least in need:
        got = getattr(log, field_name)
        if got is None or got < least:
            return False
    return True


_SPORT_LIKE = frozenset({Category.AGILITY, Category.THREE_PLANE})


def _session_metric(view: _View, c: Criterion, at: dt.date) -> MetricValue:
    days = int(c.params.get("days", 14))
    max_pain = int(c.params.get("max_pain", view.protocol.pain_monitoring.safe_max.value))
    ss = view.sessions_in(at - dt.timedelta(days=days - 1), at)
    if not ss:
        return {"both": None}, f"no sessions logged in the last {days} days"
    by_id = view.library.by_id
    good: set[dt.date] = set()
    for s in ss:
        if s.pain_during > max_pain:
            continue
        found = [(log, by_id.get(log.exercise_id)) for log in s.exercises]
        if c.metric == "agility_sessions":
            rounds = int(c.params.get("min_rounds", 3))
            if any(ex is not None and ex.category is Category.AGILITY
                   and (log.rounds or 0) >= rounds for log, ex in found):
                good.add(s.date)
        elif (all(ex is not None and _full_dose(log, ex) for log, ex in found)
              and any(ex is not None and ex.category in _SPORT_LIKE for _, ex in found)):
            good.add(s.date)
    return {"both": float(len(good))}, f"{len(ss)} sessions in the last {days} days"


def _lsi(a: float, b: float) -> float:
    hi, lo = max(a, b), min(a, b)
    return 100.0 if hi == 0 else 100.0 * lo / hi


_DIFFERENCE_METRICS = {"dorsiflexion_asymmetry_cm": "dorsiflexion",
                       "y_balance_anterior_diff_cm": MeasureKind.Y_BALANCE_ANTERIOR.value}
"""Gate metric -> the two-sided measure whose left–right gap it reads."""
_TESTED_METRICS: dict[str, str] = {
    **_DIFFERENCE_METRICS,
    "dorsiflexion_cm": "dorsiflexion", "dorsiflexion_test_pain": "dorsiflexion",
    "heel_raise_lsi": MeasureKind.HEEL_RAISE.value, "side_hop_lsi": MeasureKind.SIDE_HOP.value,
    "balance_eyes_open": MeasureKind.BALANCE_EYES_OPEN.value,
    "balance_eyes_closed": MeasureKind.BALANCE_EYES_CLOSED.value}
"""Gate metric read from a test -> the measure (``_View.series`` key) it reads: these go out
of date after the protocol's re-test interval."""


def _metric(view: _View, c: Criterion, at: dt.date, stage: Stage) -> MetricValue:
    m = c.metric
    if m == "category_days":
        days = int(c.params.get("days", 7))
        cat = Category(c.params["category"])
        dates = view.day_dates
        window = dates[bisect_left(dates, at - dt.timedelta(days=days - 1)):
                       bisect_right(dates, at)]
        # ankle mobility counts only on a day that moved the ankle in all four directions
        full = cat is Category.ANKLE_MOBILITY
        n = sum(1 for d in window if cat in (log := view.days[d]).categories
                and (not full or log.motions >= ALL_MOTIONS))
        return {"both": float(n)}, f"last {days} days"
    if m in ("pain_rest", "pain_activity", "giving_way"):
        sc = view.screening(at)
        if sc is None:
            return {"left": None, "right": None}, ""
        vals: dict[str, float | None] = {s.value: float(getattr(sc.side(s), m)) for s in SIDES}
        return vals, f"check-in of {sc.date.isoformat()}"
    if m == "dorsiflexion_cm":
        return _per_side(view, "dorsiflexion", at)
    if m == "dorsiflexion_test_pain":
        return _per_side(view, "dorsiflexion", at,
                         lambda it: float(it[2].pain) if it[2].pain is not None else None)
    if m in ("balance_eyes_open", "balance_eyes_closed"):
        return _per_side(view, m, at)
    if m in _DIFFERENCE_METRICS:
        p = _pair(view, _DIFFERENCE_METRICS[m], at)
        return ({"both": None}, "") if p is None else ({"both": abs(p[0] - p[1])}, _tested(p))
    if m in ("heel_raise_lsi", "side_hop_lsi"):
        key = m.removesuffix("_lsi")
        p = _pair(view, key, at)
        return ({"both": None}, "") if p is None else ({"both": _lsi(p[0], p[1])}, _tested(p))
    if m in ("session_pain_max", "unsettled_sessions"):
        days = int(c.params.get("days", 14))
        ss = view.sessions_in(at - dt.timedelta(days=days - 1), at)
        if not ss:
            return {"both": None}, f"no sessions logged in the last {days} days"
        if m == "session_pain_max":
            return {"both": float(max(s.pain_during for s in ss))}, f"{len(ss)} sessions"
        return {"both": float(sum(view.unsettled(s) for s in ss))}, f"{len(ss)} sessions"
    if m in _SCORE_METRICS:
        return _score_metric(view, c, at)
    if m in ("agility_sessions", "full_sessions"):
        return _session_metric(view, c, at)
    if m == "adherence_pct":
        weeks = max(1, int(c.params.get("days", 14)) // 7)
        pcts = [view.week_pct(stage, monday) for monday in complete_weeks(at, weeks)]
        return {"both": sum(pcts) / len(pcts)}, f"last {weeks} complete week(s)"
    raise AssertionError(f"metric {m!r} has no implementation")  # guarded by protocol load


def complete_weeks(at: dt.date, n: int) -> list[dt.date]:
    """Mondays of the last ``n`` complete calendar weeks (Monday–Sunday) ending by ``at``."""
    last_sunday = at if at.weekday() == 6 else at - dt.timedelta(days=at.weekday() + 1)
    return [last_sunday - dt.timedelta(days=6 + 7 * k) for k in range(n)]


def _evaluate(view: _View, c: Criterion, at: dt.date, stage: Stage) -> CriterionResult:
    # the gate that just passed for an advance has its values worked out already
    found = view.gate_values.pop((id(c), at, stage.number), None)
    vals, where = found if found is not None else _metric(view, c, at, stage)
    assessed = None not in vals.values()
    met = assessed and all(c.passes(v) for v in vals.values() if v is not None)
    stale = False
    if not assessed and (key := _TESTED_METRICS.get(c.metric)) is not None:
        old = _out_of_date(view, key, at)
        if old:
            stale = True
            where = f"{where}; {old}" if where else old
    return CriterionResult(c.id, c.label, c.metric, c.op, c.threshold, c.unit, c.source,
                           met, assessed, vals, where, c.note, c.domain, c.required, c.how,
                           stale)


def _out_of_date(view: _View, key: str, at: dt.date) -> str:
    """When each side of measure ``key`` with no current result by ``at`` was last tested,
    if it ever was ('' when neither was): a test older than the re-test interval no longer
    counts, and the person should hear that it is a re-test they need, not a first test."""
    last = {side.value: item[0] for side in SIDES
            if view.latest(key, side, at) is None
            and (item := view.latest(key, side, at, current=False)) is not None}
    if not last:
        return ""
    dates = set(last.values())
    when = (f"both sides last tested {dates.pop().isoformat()}"
            if len(last) == 2 and len(dates) == 1
            else ", ".join(f"{side} last tested {d.isoformat()}" for side, d in last.items()))
    return f"{when}, more than {view.retest} days ago"


_METRIC_COST = {
    **dict.fromkeys(("pain_rest", "pain_activity", "giving_way", "dorsiflexion_cm",
                     "dorsiflexion_test_pain", "balance_eyes_open", "balance_eyes_closed"), 0),
    **dict.fromkeys((*_DIFFERENCE_METRICS, "heel_raise_lsi", "side_hop_lsi"), 1),
    **dict.fromkeys(("session_pain_max", "unsettled_sessions", "category_days"), 2),
    **dict.fromkeys(_SCORE_METRICS, 3),
}
"""How much a metric costs to work out, roughly (4 for the rest: whole sessions or weeks)."""
_CHEAP_FIRST: dict[int, tuple[list[Criterion], tuple[Criterion, ...]]] = {}


def _required_cheap_first(gate: list[Criterion]) -> tuple[Criterion, ...]:
    """The gate's required criteria, the cheapest to work out first (a weekly check stops at
    the first one not met, and which one that is changes nothing)."""
    found = _CHEAP_FIRST.get(id(gate))
    if found is None or found[0] is not gate:
        found = _CHEAP_FIRST[id(gate)] = (gate, tuple(sorted(
            (c for c in gate if c.required), key=lambda c: _METRIC_COST.get(c.metric, 4))))
    return found[1]


def _gate_passes(view: _View, gate: list[Criterion], at: dt.date, stage: Stage) -> bool:
    for c in _required_cheap_first(gate):
        value = view.gate_values[(id(c), at, stage.number)] = _metric(view, c, at, stage)
        for v in value[0].values():
            if v is None or not c.passes(v):
                return False
    return True


def check_gate(view: _View, protocol: Protocol, stage_no: int, at: dt.date) -> GateResult:
    stage = protocol.stage(stage_no)
    gate_stage = protocol.stage(min(stage_no, 3))
    crit = tuple(_evaluate(view, c, at, stage) for c in gate_stage.gate)
    return GateResult(stage_no, min(stage_no + 1, 4), crit)


def check_clearance(view: _View, protocol: Protocol, stage_no: int, at: dt.date) -> GateResult:
    """The clearance checklist at ``at`` for someone in ``stage_no`` (any stage)."""
    stage = protocol.stage(stage_no)
    crit = tuple(_evaluate(view, c, at, stage) for c in protocol.clearance_gate)
    return GateResult(stage_no, 4, crit)


# --- the clearance checklist by PAASS domain -------------------------------------------------

DomainStatus = Literal["met", "unmet", "incomplete", "not_assessed", "not_required"]
DOMAIN_STATUS_TEXT: dict[str, str] = {
    "met": "met", "unmet": "not met yet", "incomplete": "partly assessed",
    "not_assessed": "not assessed yet", "not_required": "shown, not required"}


@dataclass(frozen=True, slots=True)
class DomainResult:
    """One domain of the clearance checklist with its criteria."""

    id: str
    label: str
    covers: str
    paass: bool
    criteria: tuple[CriterionResult, ...]

    @property
    def status(self) -> DomainStatus:
        req = [c for c in self.criteria if c.required]
        if not req:
            return "not_required"
        if not any(c.assessed for c in req):
            return "not_assessed"  # never silently passed
        if any(c.assessed and not c.met for c in req):
            return "unmet"
        return "met" if all(c.met for c in req) else "incomplete"

    @property
    def status_text(self) -> str:
        status = self.status
        if status == "not_assessed" and all(c.stale for c in self.criteria if c.required):
            return "out of date: re-test"  # every test it needs was done, too long ago
        return DOMAIN_STATUS_TEXT[status]

    @property
    def to_fill(self) -> tuple[str, ...]:
        """The tests or records that would fill the criteria not assessed yet."""
        return tuple(dict.fromkeys(c.how or c.label for c in self.criteria if not c.assessed))


def checklist(gate: GateResult, protocol: Protocol) -> tuple[DomainResult, ...]:
    """The clearance checklist grouped by domain, every protocol domain present (in order)."""
    known = {d.id for d in protocol.clearance_domains.domains}
    out = [DomainResult(d.id, d.label, d.covers, d.paass,
                        tuple(c for c in gate.criteria if c.domain == d.id))
           for d in protocol.clearance_domains.domains]
    other = tuple(c for c in gate.criteria if c.domain not in known)
    if other:
        out.append(DomainResult("other", "Other", "criteria without a domain", False, other))
    return tuple(out)


# --- asymmetry ---------------------------------------------------------------------


_UNITS = {"dorsiflexion": "cm", "heel_raise": "reps", "side_hop": "s", "y_balance_anterior": "cm"}


def asymmetries(view: _View, rules: list[AsymmetryRule], at: dt.date) -> list[AsymmetryResult]:
    out = []
    for r in rules:
        p = _pair(view, r.measure, at)
        if p is None:
            continue
        left, right, _, _ = p
        diff = abs(left - right)
        lsi = _lsi(left, right)
        beyond = (round(diff, 6) > r.threshold if r.kind == "difference"
                  else round(lsi, 6) < r.threshold)
        err = r.measurement_error
        within = err is not None and round(diff, 6) <= err.value
        out.append(AsymmetryResult(r.measure, r.label, left, right, _UNITS.get(r.measure, "s"),
                                   diff, lsi, r.kind, r.threshold, r.unit, r.source,
                                   beyond and not within, err.value if err else None,
                                   err.source if err else None))
    return out


# --- the replay ----------------------------------------------------------------------


def validate_references(h: History, protocol: Protocol, library: Library,
                        source: str = "history") -> None:
    """Every exercise id, red-flag id and override stage in ``h`` must be known, else
    :class:`HistoryError`."""
    problems: list[tuple[str, object, str]] = []
    for i, s in enumerate(h.sessions):
        for j, log in enumerate(s.exercises):
            if log.exercise_id not in library:
                problems.append((f"sessions[{i}].exercises[{j}].exercise_id", log.exercise_id,
                                 "an id from `anklet exercises`"))
    known = {f.id for f in protocol.red_flags}
    for i, sc in enumerate(h.screenings):
        for flag in sc.red_flags:
            if flag not in known:
                problems.append((f"screenings[{i}].red_flags.{flag}", flag,
                                 f"one of: {', '.join(sorted(known))}"))
    problems += _override_problems(h, protocol)
    if problems:
        raise HistoryError(source, problems)


def stage_numbers_text(protocol: Protocol) -> str:
    """The accepted stage numbers in words, e.g. ``one of: 1 (Foot), 2 (Ankle), ...``."""
    return "one of: " + ", ".join(f"{s.number} ({s.name})" for s in protocol.stages)


def _override_problems(h: History, protocol: Protocol) -> list[tuple[str, object, str]]:
    numbers = {s.number for s in protocol.stages}
    return [(f"overrides[{i}].stage", o.stage, stage_numbers_text(protocol))
            for i, o in enumerate(h.overrides) if o.stage not in numbers]


def override_text(o: Override, protocol: Protocol) -> str:
    """The override in words: the stage, who set it, when, and their reason."""
    reason = o.reason.strip()
    end = "" if reason.endswith((".", "!", "?", "…")) else "."
    return (f"Stage {o.stage} ({protocol.stage(o.stage).name}) set by {o.by} on "
            f"{o.date.isoformat()}: {reason}{end}")


def start_date(h: History) -> dt.date | None:
    """The day the person's record starts: intake, else the first data."""
    if h.intake is not None:
        return h.intake.date
    firsts = [x[0].date for x in (h.screenings, h.measurements, h.sessions) if x]
    return min(firsts) if firsts else None


def decide(
    history: History,
    *,
    protocol: Protocol | None = None,
    library: Library | None = None,
    as_of: dt.date | None = None,
    with_clearance: bool = True,
) -> Decision:
    """The decision for one person at ``as_of`` (default: today), with its reasons.

    Before stage 3 the clearance checklist is worked out as well (for showing what is
    still to do), unless ``with_clearance`` is false."""
    return _decide(history, protocol or load_protocol(), library or load_library(),
                   as_of or dt.date.today(), with_clearance=with_clearance, brief=False)


def summarize(history: History, *, protocol: Protocol | None = None,
              library: Library | None = None, as_of: dt.date | None = None) -> DecisionSummary:
    """``DecisionSummary.of(decide(...))``, for the nightly re-evaluation of everyone.

    The same replay, leaving out what a summary does not show: the dose level and the
    version of each exercise, the checklists of past advances and of clearance, left/right
    comparisons, last week's targets one by one, and the clearance reasons. That is a fifth
    to a quarter of a decision's work (measured on the demo cast).
    (tests/unit/domain/test_summarize.py holds the two to each other.)
    """
    return DecisionSummary.of(_decide(history, protocol or load_protocol(),
                                      library or load_library(), as_of or dt.date.today(),
                                      with_clearance=False, brief=True))


def _decide(h: History, protocol: Protocol, library: Library, as_of: dt.date, *,
            with_clearance: bool, brief: bool) -> Decision:
    """:func:`decide`; ``brief``: only what :class:`DecisionSummary` reads is worked out
    (the rest is left empty, or NaN for the dose level: only :func:`summarize` asks)."""
    view = _View(h, library, protocol)
    pm, dosing, rl = protocol.pain_monitoring, protocol.dosing, protocol.range_loss
    acceptable, safe = pm.acceptable_max.value, pm.safe_max.value
    window = int(pm.flare_window_days.value)

    start = start_date(h)
    reasons: list[str] = []
    flags: list[Flag] = []
    base = {"person_id": h.person.id, "as_of": as_of, "protocol_id": protocol.id,
            "protocol_version": protocol.version}

    screening = view.screening(as_of)
    if start is None or start > as_of or screening is None:
        msg = ("No red-flag screen is recorded yet. Answer the screening questions before "
               "any exercise is prescribed.")
        return Decision(**base, status="screen_needed", stage=None, stage_name=None,  # type: ignore[arg-type]
                        stage_since=None, dose_level=dosing.start_level.value, variant_level=1,
                        gate=None, clear_to_train=False, asymmetries=(),
                        flags=(Flag("screen_needed", msg),), reasons=(msg,), timeline=(),
                        missing_screen=tuple(f.id for f in protocol.red_flags))

    # -- replay ---------------------------------------------------------------------
    stage = 1
    stage_since = start
    level_base, level_since = dosing.start_level.value, start
    timeline: list[StageChange] = [StageChange(start, "start", 1, 1,
                                               "Everyone starts with the feet (stage 1).")]
    # a coach's overrides by the day they apply (one dated before the start applies on the
    # start; one after as_of is no checkpoint yet); on the same day the last one given wins
    overrides: dict[dt.date, Override] = {}
    if h.overrides:
        problems = _override_problems(h, protocol)
        if problems:
            raise HistoryError("history", problems)
        for o in h.overrides:  # sorted by date, in the order given within a date
            overrides[max(o.date, start)] = o
    in_effect: Override | None = None  # the override that set the stage, until a rule moves it

    kept_pct = protocol.settings.missed_sessions_pct.value

    def level_at(d: dt.date) -> float:
        # the dose rises once for each complete week in which the targets were kept
        st_now = protocol.stage(stage)
        first = level_since + dt.timedelta(days=(7 - level_since.weekday()) % 7)
        weeks = sum(1 for k in range(max(0, (d - first).days // 7))
                    if view.week_pct(st_now, first + dt.timedelta(days=7 * k)) >= kept_pct)
        return min(dosing.max_level.value, level_base + dosing.weekly_increase.value * weeks)

    def cut(d: dt.date) -> None:
        nonlocal level_base, level_since
        if brief:
            return  # no dose level in a summary
        level_base = max(dosing.min_level.value, level_at(d) * dosing.flare_factor.value)
        level_since = d

    # only these dates can change anything: a troubled session, a dorsiflexion re-test, the
    # start of a week (advancing, rising pain), an override and as_of itself
    events = {x.date for x, bad in zip(view.sessions, view.troubled, strict=True) if bad}
    for side in SIDES:
        events.update(view.series_dates.get(("dorsiflexion", side), ()))
    first_monday = start + dt.timedelta(days=7 - start.weekday())
    weeks = {first_monday + dt.timedelta(days=7 * k)
             for k in range(max(0, (as_of - first_monday).days // 7 + 1))}
    checkpoints = sorted(d for d in events | weeks | {as_of} | overrides.keys()
                         if start <= d <= as_of)
    prev = start - DAY
    last_rise_check: dt.date | None = None
    held_reason: str | None = None
    for c in checkpoints:
        new_sessions = view.troubled_in(prev + DAY, c)
        # (cause, words) of a step back or a dose cut at this checkpoint, if any
        step_back: tuple[FlagKind, str] | None = None
        reduce: tuple[FlagKind, str] | None = None
        for s in new_sessions:
            if s.pain_during > acceptable:
                recent = [x for x in view.sessions_in(c - dt.timedelta(days=window - 1), c)
                          if x.pain_during > acceptable]
                if len(recent) >= pm.step_back_flares.value and stage > 1:
                    step_back = ("pain_flare", (
                        f"Pain went above {acceptable:g}/10 in {len(recent)} sessions within "
                        f"{window} days (latest {s.pain_during}/10 on {s.date.isoformat()})."))
                else:
                    reduce = ("pain_flare", (
                        f"Pain reached {s.pain_during}/10 during the session on "
                        f"{s.date.isoformat()} (above {acceptable:g}/10)."))
            else:  # troubled but not too painful: it had not settled by the next morning
                reduce = ("not_settled", (
                    f"Pain the morning after {s.date.isoformat()} was {s.pain_next_morning}/10, "
                    f"higher than before the session ({view.baseline_pain(s)}/10)."))
        # week-over-week rising pain, checked at each weekly checkpoint
        if c in weeks and c != last_rise_check:
            last_rise_check = c
            n = int(pm.rising_weeks.value)
            means: list[float] = []
            for w in range(n, -1, -1):  # the calendar weeks that ended the day before, oldest first
                ss = view.sessions_in(c - dt.timedelta(days=7 * (w + 1)),
                                      c - dt.timedelta(days=7 * w + 1))
                if ss:
                    means.append(sum(x.pain_during for x in ss) / len(ss))
            if (len(means) == n + 1 and all(a < b for a, b in itertools.pairwise(means))
                    and means[-1] > safe):
                rising = ("Average session pain rose week over week ("
                          + " → ".join(f"{m:.1f}" for m in means)
                          + f"/10), now above {safe:g}/10.")
                if stage > 1:
                    step_back = ("rising_pain", rising)
                else:
                    reduce = ("rising_pain", rising)
        # range loss on a new dorsiflexion test
        for side in SIDES:
            item = view.latest("dorsiflexion", side, c, current=False)
            if item is None or item[0] != c:
                continue
            lo = c - dt.timedelta(days=int(rl.lookback_days.value))
            earlier = [v for d, v, _ in view.series[("dorsiflexion", side)] if lo <= d < c]
            if earlier and round(max(earlier) - item[1], 6) > rl.mdc_cm.value:
                why = (f"{side.value.capitalize()} knee-to-wall fell from {max(earlier):.1f} cm "
                       f"to {item[1]:.1f} cm on {c.isoformat()}, more than the "
                       f"{rl.mdc_cm.value:g} cm measurement error.")
                if stage >= 3:
                    step_back = step_back or ("range_loss", why)
                else:
                    reduce = reduce or ("range_loss", why)
        if step_back and stage > 1:
            cut(c)
            timeline.append(StageChange(c, "step_back", stage, stage - 1, step_back[1],
                                        cause=step_back[0]))
            stage -= 1
            stage_since = c
            in_effect = None
        elif reduce:
            cut(c)
            timeline.append(StageChange(c, "reduce_dose", stage, stage, reduce[1],
                                        cause=reduce[0]))
        # hold: no advancing while a flare or unsettled session is inside the window
        held_reason = None
        troubled = view.troubled_in(c - dt.timedelta(days=window - 1), c)
        if troubled:
            held_reason = _hold_text(stage, troubled[-1], window)
        if step_back or reduce:
            held_reason = held_reason or "Holding after a dose cut."
        # advance at the start of a week, on the results up to the Sunday before, so a
        # week's plan stays one stage from Monday to Sunday
        if (c in weeks and stage < 4 and held_reason is None
                and not (step_back or reduce)):
            st = protocol.stage(stage)
            sunday = c - DAY
            if ((c - stage_since).days >= st.min_days.value
                    and _gate_passes(view, st.gate, sunday, st)):
                timeline.append(StageChange(
                    c, "advance", stage, stage + 1,
                    f"Every criterion for stage {stage + 1} was met",
                    () if brief else check_gate(view, protocol, stage, sunday).criteria))
                stage += 1
                stage_since = c
                level_base, level_since = dosing.start_level.value, c
                in_effect = None
        # a coach's override has the last word on its day; the rules go on from the next
        override = overrides.get(c) if overrides else None
        if override is not None:
            timeline.append(StageChange(c, "override", stage, override.stage,
                                        override_text(override, protocol), cause="override"))
            if override.stage != stage:
                stage, stage_since = override.stage, c
                level_base, level_since = dosing.start_level.value, c
                if troubled:
                    held_reason = _hold_text(stage, troubled[-1], window)
            in_effect = override
        prev = c

    # -- the decision at as_of ----------------------------------------------------------
    st = protocol.stage(stage)
    gate = check_gate(view, protocol, stage, as_of)
    clearance = (gate if stage >= 3 else
                 check_clearance(view, protocol, stage, as_of)
                 if with_clearance and not brief else None)
    hits = tuple(
        RedFlagHit(fid, rf.question if rf else fid, rf.source if rf else "", screening.date)
        for fid, yes in screening.red_flags.items() if yes
        for rf in (protocol.red_flag(fid),))
    missing = tuple(f.id for f in protocol.red_flags if f.id not in screening.red_flags)
    days_in = (as_of - stage_since).days
    last_monday = complete_weeks(as_of, 1)[0]
    if brief:
        level, variant, easier_reasons = math.nan, 0, []
        asym: tuple[AsymmetryResult, ...] = ()
        last_week, last_pct = None, view.week_pct(st, last_monday)
    else:
        level = round(level_at(as_of), 2)
        variant = 1 + min(2, days_in // 14)
        easier_reasons = _easier_reasons(h, view, protocol, as_of)
        if easier_reasons:
            variant = max(1, variant - 1)
        asym = tuple(asymmetries(view, protocol.asymmetry, as_of))
        last_week = week_adherence(st, view.days, view.runs, last_monday, view.recorded_runs)
        last_pct = last_week.pct
    clear = False
    status: Status
    if hits:
        status = "refer"
        for hit in hits:
            msg = (f"Red flag on {hit.date.isoformat()}: “{hit.question}” was answered yes. "
                   f"Please see a clinician before doing these exercises; nothing is prescribed "
                   f"until a new screen is clear.")
            flags.append(Flag("red_flag", msg))
            reasons.append(msg)
    elif missing:
        status = "screen_needed"
        msg = (f"The red-flag screen of {screening.date.isoformat()} is missing "
               f"{len(missing)} answer(s): {', '.join(missing)}.")
        flags.append(Flag("screen_needed", msg))
        reasons.append(msg)
    elif stage == 4:
        clear = gate.all_met
        status = "clear" if clear else "maintain_check"
    else:
        status = "working"

    reasons.append(f"Stage {stage} ({st.name}) since {stage_since.isoformat()} "
                   f"({days_in} days). {st.summary}")
    last_change = timeline[-1]
    if last_change.kind != "start":
        reasons.append(f"Last change {last_change.date.isoformat()}: {last_change.reason}")
    if in_effect is not None and last_change.kind != "override":
        reasons.append(f"Set by hand: {override_text(in_effect, protocol)}")
    if held_reason:
        flags.append(Flag("hold", held_reason))
        reasons.append(held_reason)
    for ch in timeline:
        if ch.cause is not None and (as_of - ch.date).days < window:
            flags.append(Flag(ch.cause, ch.reason))
    if stage < 4:
        next_monday = as_of + dt.timedelta(days=7 - as_of.weekday())
        need = int(st.min_days.value) - (next_monday - stage_since).days
        if gate.all_met and held_reason:
            reasons.append(f"Every criterion for stage {stage + 1} is met, but the recent pain "
                           f"holds you here for now.")
        elif gate.all_met and need <= 0:
            flags.append(Flag("ready_to_advance", f"Every criterion for stage {stage + 1} is met: "
                                                  f"stage {stage + 1} starts on Monday "
                                                  f"{next_monday.isoformat()}."))
        elif gate.all_met:
            reasons.append(f"Every criterion is met; stage {stage} lasts at least "
                           f"{st.min_days.value:g} days, so it moves up {need} day(s) after "
                           f"Monday {next_monday.isoformat()}.")
        else:
            reasons.append(f"{gate.met_count} of {gate.required_count} criteria for stage "
                           f"{stage + 1} are met.")
        if stage == 3 and not gate.all_met and not brief:
            reasons.extend(_clearance_reasons(gate))
    elif clear:
        flags.append(Flag("clear_to_train", "Every clearance criterion is met: clear to train "
                                            "normally. Keep the weekly maintenance routine."))
        reasons.append("Every clearance criterion is met: you are clear to train normally.")
    else:
        unmet = [c.label for c in gate.criteria if c.required and not c.met]
        reasons.append("Still in maintenance, but clearance needs a re-check: "
                       + ", ".join(unmet) + ".")
        if not brief:
            reasons.extend(_clearance_reasons(gate))
    due = [c for c in gate.criteria
           if c.required and not c.assessed and c.metric in _TESTED_METRICS]
    if stage >= 2 and due:
        old = f"last done more than {view.retest} days ago"
        flags.append(Flag("retest_due", "Re-test due: " + ", ".join(
            f"{c.label} ({old if c.stale else 'not done yet'})" for c in due) + "."))
    if last_monday >= stage_since and status != "refer":
        threshold = protocol.settings.missed_sessions_pct.value
        if last_pct < threshold:
            unmet_t = ("" if last_week is None
                       else ": " + "; ".join(f"{t.label} {t.text}" for t in last_week.unmet()))
            slip: FlagKind = "maintenance_slipping" if stage == 4 else "missed_sessions"
            flags.append(Flag(slip, f"Week of {last_monday}: {last_pct:.0f}% of the targets "
                                    f"kept (below {threshold:g}%){unmet_t}."))
    if easier_reasons:
        reasons.append("Starting with easier versions: " + "; ".join(easier_reasons) + ".")
    for a in asym:
        if a.meaningful:
            reasons.append(a.reason)
    return Decision(**base, status=status, stage=stage, stage_name=st.name,  # type: ignore[arg-type]
                    stage_since=stage_since, dose_level=level, variant_level=variant, gate=gate,
                    clear_to_train=clear, asymmetries=asym, flags=tuple(flags),
                    reasons=tuple(reasons), timeline=tuple(timeline), red_flags=hits,
                    missing_screen=missing, last_week=last_week, clearance=clearance,
                    override=in_effect)


def _hold_text(stage: int, trouble: Session, window: int) -> str:
    return (f"Holding at stage {stage}: the session on {trouble.date.isoformat()} was too "
            f"painful or had not settled by the next morning. Progress resumes after {window} "
            f"calm days.")


def _clearance_reasons(gate: GateResult) -> list[str]:
    """Why clearance is not given yet: each unmet criterion with its value, threshold and
    source; the ones with no data named with the test that would fill them."""
    out = [f"Not clear to train yet — {c.reason} [{c.source}]."
           for c in gate.criteria if c.required and c.assessed and not c.met]
    todo = [c.label for c in gate.criteria if c.required and not c.assessed]
    if todo:
        out.append("Not assessed yet (needed for clearance): " + "; ".join(todo) + ".")
    return out


def _easier_reasons(h: History, view: _View, protocol: Protocol, at: dt.date) -> list[str]:
    out = []
    recent = int(protocol.settings.recent_sprain_days.value)
    if h.intake is not None:
        for side in SIDES:
            sh = h.intake.side(side)
            if sh.last_sprain and (at - sh.last_sprain).days <= recent:
                out.append(f"{side.value} sprain on {sh.last_sprain.isoformat()} is within "
                           f"{recent} days")
            if sh.surgery:
                out.append(f"past surgery on the {side.value} side")
    sc = view.screening(at)
    if sc is not None:
        worst = max(sc.left.pain_activity, sc.right.pain_activity)
        if worst > protocol.pain_monitoring.safe_max.value:
            out.append(f"pain in activity {worst}/10")
    return out
