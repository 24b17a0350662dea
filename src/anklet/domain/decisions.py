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
from anklet.domain.feasibility import allowance
from anklet.domain.history import ExerciseLog, History, Measurement, Override, Screening, Session
from anklet.domain.measures import MeasureKind
from anklet.domain.protocol import AsymmetryRule, Criterion, Protocol, Stage, load_protocol
from anklet.domain.questionnaires import Score, load_instruments, score_response
from anklet.domain.rules import Checkpoint, checkpoint_findings, clearance_pause, see_clinician
from anklet.domain.runs import key_run_dates
from anklet.domain.units import SIDES, Side, amount

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
    """Not assessed because a test (or a symptom answer) is older than the protocol allows
    (``where`` says when it was last done), not because it was never done."""
    group: str | None = None
    """Criteria of one group measure the same thing in different units; one counts."""
    served_by: str | None = None
    """For a criterion tested and not met: the work the plan adds for it (the protocol's
    ``planner.blockers``), in words."""

    @property
    def not_applicable(self) -> bool:
        """Nothing to judge (no sprain on record for a time-since-sprain criterion)."""
        return not self.values

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
        if not vals:
            return f"{self.label}: {self.where} — nothing to wait for"
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
        if not self.values:
            return self.where or "not applicable"
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
        """The comparison in words and numbers, with the LSI (built on demand). A difference
        past the threshold is always called one; where it is within the test's own error for
        a left–right difference, the text adds that a re-test would confirm it."""
        u = self.unit
        head = (f"{self.label}: left {fmt(self.left, u)}, right {fmt(self.right, u)} "
                f"(weaker side at {self.lsi:.0f}% of the other); ")
        if self.kind == "difference":
            thr = fmt(self.threshold, self.threshold_unit)
            text = head + f"difference {fmt(self.difference, u)} " + (
                f"is above {thr} — the {self.behind} side is behind" if self.meaningful
                else f"is within {thr}")
        else:
            text = head + (f"below {self.threshold:g}% — the {self.behind} side is behind"
                           if self.meaningful else f"at or above {self.threshold:g}%")
        if self.meaningful and self.within_error:
            text += (f" (the test itself can differ by up to {fmt(self.measurement_error, u)} "
                     f"between sides, {self.error_source}: a re-test would confirm it)")
        return text


FlagKind = Literal["red_flag", "screen_needed", "pain_flare", "not_settled", "rising_pain",
                   "range_loss", "retest_due", "missed_sessions", "maintenance_slipping",
                   "ready_to_advance", "clear_to_train", "hold", "override",
                   "see_clinician"]


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


def _count(n: int, word: str) -> str:
    """``n`` and the word, in the plural unless it is one: "1 day", "3 days"."""
    return f"{n} {word}{'' if n == 1 else 's'}"


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
            # each test in its own unit: a knee-to-wall distance (cm) is never mixed with a
            # lunge angle (degrees)
            key = "dorsiflexion" if m.kind is MeasureKind.KNEE_TO_WALL else str(m.kind)
            series.setdefault((key, m.side), []).append((m.date, m.value, m))
        self.series = series
        self.series_dates = {k: [d for d, _, _ in v] for k, v in series.items()}
        self.sessions: list[Session] = list(h.sessions)
        self.session_dates = [s.date for s in self.sessions]
        self.start = start_date(h)
        self.week_stage: dict[dt.date, int] = {}
        """The stage the person was in on each Monday (set by the replay as it goes)."""
        self.screenings: list[Screening] = list(h.screenings)
        self.screening_dates = [s.date for s in self.screenings]
        # the red-flag screens alone (a check-in asks only about symptoms)
        self.screens = [s for s in self.screenings if s.kind == "screen"]
        self.screen_dates = [s.date for s in self.screens]
        intake = h.intake
        profile = intake.profile if intake is not None else None
        self.profile: str = profile.value if profile is not None else "unknown"
        self.sex: str | None = intake.sex.value if intake is not None and intake.sex else None
        self.self_report_days = int(protocol.settings.self_report_days.value)
        # per stage: the days the person's availability holds each target (see allowed())
        self._allowed: dict[int, dict[str, int] | None] = {}
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
        # a gate's criteria as they apply to this person (see _applicable)
        self.personal: dict[tuple[object, ...], list[Criterion]] = {}
        self.cheap: dict[int, tuple[list[Criterion], tuple[Criterion, ...]]] = {}
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

    def allowed(self, stage: Stage) -> dict[str, int] | None:
        """Per target of ``stage``, the days a week the person's availability can hold it
        (None when no availability is given: targets count as the stage sets them)."""
        if stage.number not in self._allowed:
            minutes = self.h.availability.minutes()
            allowed = allowance(stage, minutes, self.library)
            if allowed is not None:
                # what the plan holds with every target competing for the time (the planner
                # imports this module, so it is imported here, when first needed)
                from anklet.domain.planner import week_capacity
                held = week_capacity(stage, minutes, self.protocol, self.library)
                allowed = {k: min(v, held.get(k, v)) for k, v in allowed.items()}
            self._allowed[stage.number] = allowed
        return self._allowed[stage.number]

    def screening(self, at: dt.date) -> Screening | None:
        """The latest screen or check-in by ``at`` (symptoms)."""
        i = bisect_right(self.screening_dates, at)
        return self.screenings[i - 1] if i else None

    def red_flag_screen(self, at: dt.date) -> Screening | None:
        """The latest red-flag screen by ``at`` (check-ins do not answer red flags)."""
        i = bisect_right(self.screen_dates, at)
        return self.screens[i - 1] if i else None

    def reports_in(self, start: dt.date, end: dt.date) -> list[Screening]:
        """Screens and check-ins dated from ``start`` to ``end``."""
        lo = bisect_left(self.screening_dates, start)
        hi = bisect_right(self.screening_dates, end)
        return self.screenings[lo:hi]

    def age(self, at: dt.date) -> int | None:
        return self.h.intake.age_on(at) if self.h.intake is not None else None

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
                                              self.recorded_runs,
                                              allowed=self.allowed(stage))
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


View = _View
"""The look-ups the rules read (:mod:`anklet.domain.rules`)."""


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
                       "lunge_angle_asymmetry_deg": MeasureKind.LUNGE_ANGLE.value,
                       "y_balance_anterior_diff_cm": MeasureKind.Y_BALANCE_ANTERIOR.value}
"""Gate metric -> the two-sided measure whose left–right gap it reads."""
_SIDE_TESTS: dict[str, str] = {
    "dorsiflexion_cm": "dorsiflexion", "lunge_angle_deg": MeasureKind.LUNGE_ANGLE.value,
    "heel_raise_reps": MeasureKind.HEEL_RAISE.value,
    "single_leg_hop": MeasureKind.SINGLE_LEG_HOP.value,
    "balance_eyes_open": MeasureKind.BALANCE_EYES_OPEN.value,
    "balance_eyes_closed": MeasureKind.BALANCE_EYES_CLOSED.value}
"""Gate metric -> the test whose value it reads on each side."""
_TESTED_METRICS: dict[str, str] = {
    **_DIFFERENCE_METRICS, **_SIDE_TESTS,
    "dorsiflexion_test_pain": "dorsiflexion",
    "lunge_angle_test_pain": MeasureKind.LUNGE_ANGLE.value,
    "single_leg_hop_pain": MeasureKind.SINGLE_LEG_HOP.value,
    "heel_raise_lsi": MeasureKind.HEEL_RAISE.value, "side_hop_lsi": MeasureKind.SIDE_HOP.value}
"""Gate metric read from a test -> the measure (``_View.series`` key) it reads: these go out
of date after the protocol's re-test interval."""


_SELF_REPORTS = ("pain_rest", "pain_activity", "swelling", "giving_way")
"""Metrics answered in a screen or check-in: they go out of date like tests do."""


def _self_report(view: _View, c: Criterion, at: dt.date) -> MetricValue:
    """A symptom from the latest screen or check-in, if it is no older than the protocol's
    ``self_report_days``. ``giving_way`` reads 1 on a side if any answer within the
    criterion's ``days`` (default: the same) said the ankle gave way."""
    fresh = view.self_report_days
    days = int(c.params.get("days", fresh))
    sc = view.screening(at)
    if sc is None or (at - sc.date).days >= min(fresh, days):
        return {"left": None, "right": None}, ""
    if c.metric != "giving_way":
        vals: dict[str, float | None] = {
            s.value: float(getattr(sc.side(s), c.metric)) for s in SIDES}
        return vals, f"answered {sc.date.isoformat()}"
    window = view.reports_in(at - dt.timedelta(days=days - 1), at)
    gave: dict[str, float | None] = {
        s.value: float(any(r.side(s).giving_way for r in window)) for s in SIDES}
    return gave, (f"{_count(len(window), 'answer')} in the last {days} days, latest "
                  f"{sc.date.isoformat()}")


def _days_since_sprain(view: _View, at: dt.date) -> MetricValue:
    """Days since the latest sprain on either side; ``{}`` (not applicable) with none."""
    intake = view.h.intake
    dates = [d for side in SIDES if intake is not None
             and (d := intake.side(side).last_sprain) is not None and d <= at]
    if not dates:
        return {}, "no sprain on record"
    last = max(dates)
    return {"both": float((at - last).days)}, f"last sprain {last.isoformat()}"


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
    if m in _SELF_REPORTS:
        return _self_report(view, c, at)
    if m in _SIDE_TESTS:
        return _per_side(view, _SIDE_TESTS[m], at)
    if m in ("dorsiflexion_test_pain", "lunge_angle_test_pain", "single_leg_hop_pain"):
        key = _TESTED_METRICS[m]
        found = _per_side(view, key, at,
                          lambda it: float(it[2].pain) if it[2].pain is not None else None)
        if key == "single_leg_hop" and None in found[0].values() and found[1]:
            return found[0], found[1] + " (pain during the hops not recorded)"
        return found
    if m == "days_since_sprain":
        return _days_since_sprain(view, at)
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
        # each week is kept against the targets of the stage the person was in that week
        # (set by the replay), and nothing was planned before the start
        weeks = max(1, int(c.params.get("days", 14)) // 7)
        start = view.start
        mondays = [d for d in complete_weeks(at, weeks) if start is not None and d >= start]
        if not mondays:
            return {"both": None}, "no complete week since the start yet"
        pcts = [view.week_pct(view.protocol.stage(view.week_stage.get(monday, stage.number)),
                              monday) for monday in mondays]
        return {"both": sum(pcts) / len(pcts)}, f"last {_count(len(mondays), 'complete week')}"
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
    if not assessed:
        old = ""
        if (key := _TESTED_METRICS.get(c.metric)) is not None:
            old = _out_of_date(view, key, at)
        elif c.metric in _SELF_REPORTS:
            old = _answer_out_of_date(view, at)
        if old:
            stale = True
            where = f"{where}; {old}" if where else old
    return CriterionResult(c.id, c.label, c.metric, c.op, c.threshold, c.unit, c.source,
                           met, assessed, vals, where, c.note, c.domain, c.required, c.how,
                           stale, c.group)


def _answer_out_of_date(view: _View, at: dt.date) -> str:
    """When the symptoms were last answered, if they were and it is too long ago."""
    sc = view.screening(at)
    if sc is None:
        return ""
    return (f"last answered {sc.date.isoformat()}, more than {view.self_report_days} days "
            f"ago: a check-in renews it")


# --- the criteria that apply to one person ---------------------------------------------------


def _personal(view: _View, c: Criterion, stage: Stage) -> Criterion:
    """``c`` as it applies to this person: a threshold by sex (published norms), and for a
    count of days, the days the person's week can hold that work where that is fewer (the
    same figure the plan and adherence use: :meth:`_View.allowed`)."""
    if c.by_sex is not None:
        sex = view.sex
        if sex in c.by_sex:
            return c.model_copy(update={"threshold": c.by_sex[sex]})
        low = min(c.by_sex.values())
        note = (f"{c.note} " if c.note else "") + (
            f"Sex not given: the lower norm ({fmt(low, c.unit)}) applies.")
        return c.model_copy(update={"threshold": low, "note": note})
    allowed = view.allowed(stage) if c.params.get("or_every_available_day") else None
    if allowed is not None:
        category = str(c.params.get("category"))
        target = next((t for t in stage.targets if category in t.categories), None)
        days = int(c.params.get("days", 7))
        can = allowed.get(target.id, 0) * days // 7 if target is not None else 0
        if 0 < can < c.threshold:
            note = (f"Your week can hold this on {_count(can, 'day')}; doing it on "
                    f"{'that day' if can == 1 else f'all {can}'} counts "
                    f"(add time on another day to reach {c.threshold:g}).")
            return c.model_copy(update={"threshold": float(can), "note": note})
    return c


def _applicable(view: _View, gate: list[Criterion], at: dt.date,
                stage: Stage) -> list[Criterion]:
    """The gate's criteria for this person (their goal and age), made personal for someone
    in ``stage``."""
    age = view.age(at)
    # keyed by the criteria themselves (protocol objects that live as long as the view), not
    # by the list, which may be a temporary one
    key = (*map(id, gate), age, stage.number)
    found = view.personal.get(key)
    if found is None:
        found = view.personal[key] = [_personal(view, c, stage) for c in gate
                                      if c.applies(view.profile, age)]
    return found


def _test_date(view: _View, metric: str, at: dt.date) -> tuple[bool, dt.date] | None:
    """Whether both sides of the test behind ``metric`` are current by ``at``, and the date
    of its newest current result (None when neither side is)."""
    key = _TESTED_METRICS.get(metric)
    if key is None:
        return None
    dates = [item[0] for side in SIDES if (item := view.latest(key, side, at)) is not None]
    return (len(dates) == len(SIDES), max(dates)) if dates else None


def _group_choice(view: _View, crit: list[Criterion], at: dt.date) -> set[int]:
    """The ids of grouped criteria that do NOT count: in each group the test with both sides
    current and tested most recently counts (a one-sided test only when no test has both;
    the first listed when none is tested)."""
    groups: dict[str, list[Criterion]] = {}
    for c in crit:
        if c.group is not None:
            groups.setdefault(c.group, []).append(c)
    idle: set[int] = set()
    for members in groups.values():
        dated = [(*d, -i) for i, c in enumerate(members)
                 if (d := _test_date(view, c.metric, at)) is not None]
        pick = -max(dated)[2] if dated else 0
        idle.update(id(c) for i, c in enumerate(members) if i != pick)
    return idle


def _results(view: _View, gate: list[Criterion], at: dt.date,
             stage: Stage) -> tuple[CriterionResult, ...]:
    crit = _applicable(view, gate, at, stage)
    idle = _group_choice(view, crit, at)
    out = []
    for c in crit:
        r = _evaluate(view, c, at, stage)
        if id(c) in idle:
            r = replace(r, required=False,
                        note="Not needed: the other test of the same range counts.")
        elif r.assessed and not r.met and (served := _served_by(view, c, stage)):
            r = replace(r, served_by=served)
        out.append(r)
    return tuple(out)


def _served_by(view: _View, c: Criterion, stage: Stage) -> str | None:
    """The work the planner adds for an unmet ``c`` at ``stage`` (only categories that have
    exercises at that stage), in words; None when it adds none."""
    for b in view.protocol.planner.blockers:
        if c.metric not in b.metrics:
            continue
        cats = [cat for cat in b.categories
                if any(stage.number in e.stages and e.category is cat
                       for e in view.library.exercises)]
        if not cats:
            return None
        names = " and ".join(cat.value.replace("_", " ") for cat in cats)
        return (f"your plan adds {names} for your {b.label}, "
                f"{b.per_week.value:g} days a week")
    return None


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


def _required_cheap_first(view: _View, crit: list[Criterion]) -> tuple[Criterion, ...]:
    """The required criteria, the cheapest to work out first (a weekly check stops at the
    first one not met, and which one that is changes nothing); kept for the view's life."""
    found = view.cheap.get(id(crit))
    if found is None or found[0] is not crit:
        found = view.cheap[id(crit)] = (crit, tuple(sorted(
            (c for c in crit if c.required), key=lambda c: _METRIC_COST.get(c.metric, 4))))
    return found[1]


def _gate_passes(view: _View, gate: list[Criterion], at: dt.date, stage: Stage) -> bool:
    crit = _applicable(view, gate, at, stage)
    idle = _group_choice(view, crit, at) if any(c.group for c in crit) else set()
    for c in _required_cheap_first(view, crit):
        if id(c) in idle:
            continue
        value = view.gate_values[(id(c), at, stage.number)] = _metric(view, c, at, stage)
        for v in value[0].values():
            if v is None or not c.passes(v):
                return False
    return True


def check_gate(view: _View, protocol: Protocol, stage_no: int, at: dt.date) -> GateResult:
    stage = protocol.stage(stage_no)
    gate_stage = protocol.stage(min(stage_no, 3))
    return GateResult(stage_no, min(stage_no + 1, 4),
                      _results(view, gate_stage.gate, at, stage))


def check_clearance(view: _View, protocol: Protocol, stage_no: int, at: dt.date) -> GateResult:
    """The clearance checklist at ``at`` for someone in ``stage_no`` (any stage)."""
    stage = protocol.stage(stage_no)
    return GateResult(stage_no, 4, _results(view, protocol.clearance_gate, at, stage))


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


_UNITS = {"dorsiflexion": "cm", "lunge_angle": "°", "heel_raise": "reps", "side_hop": "s",
          "y_balance_anterior": "cm"}


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
        out.append(AsymmetryResult(r.measure, r.label, left, right, _UNITS.get(r.measure, "s"),
                                   diff, lsi, r.kind, r.threshold, r.unit, r.source,
                                   beyond, err.value if err else None,
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
    start = start_date(h)
    base = {"person_id": h.person.id, "as_of": as_of, "protocol_id": protocol.id,
            "protocol_version": protocol.version}
    screen = view.red_flag_screen(as_of)
    if start is None or start > as_of or screen is None:
        msg = ("No red-flag screen is recorded yet. Answer the screening questions before "
               "any exercise is prescribed.")
        return Decision(**base, status="screen_needed", stage=None, stage_name=None,  # type: ignore[arg-type]
                        stage_since=None, dose_level=protocol.dosing.start_level.value,
                        variant_level=1, gate=None, clear_to_train=False, asymmetries=(),
                        flags=(Flag("screen_needed", msg),), reasons=(msg,), timeline=(),
                        missing_screen=tuple(f.id for f in protocol.red_flags))
    r = _replay(view, protocol, start, as_of, brief)
    return _at(view, protocol, r, screen, as_of, base, with_clearance=with_clearance,
               brief=brief)


@dataclass(slots=True)
class _Replay:
    """Where the replay of a history stands: the stage, since when, the dose's base."""

    stage: int
    stage_since: dt.date
    level_base: float
    level_since: dt.date
    timeline: list[StageChange]
    in_effect: Override | None = None
    """The override that set the stage, until a rule moves it."""
    held_reason: str | None = None
    good_weeks: int = 0
    """Calm, kept weeks in the stage so far (what raises the exercise level)."""
    fresh_since: dt.date | None = None
    """The Monday harder versions came in and the amounts started afresh (see
    :func:`_fresh_start`), until a cut or a stage change."""


def _placement(view: _View, protocol: Protocol, start: dt.date) -> tuple[int, str]:
    """The stage a person starts in, and why (protocol ``placement``): someone with no
    injury in the last year, no symptoms, no surgery and a range test on each side by the
    first day, with its pain recorded and in the safe zone, starts with the ankle; if the tests
    of the gate into stage 3 already pass on the first day, with the build stage."""
    pl = protocol.placement
    intake = view.h.intake
    sc = view.screening(start)
    first = "Everyone starts with the feet (stage 1)."
    if pl is None or intake is None or sc is None:
        return 1, first
    free = int(pl.injury_free_days.value)
    safe = protocol.pain_monitoring.safe_max.value
    for side in SIDES:
        sh, sym = intake.side(side), sc.side(side)
        if sh.surgery or (sh.last_sprain and (start - sh.last_sprain).days < free):
            return 1, first + f" ({side.value} ankle: a sprain or surgery within {free} days.)"
        if sym.pain_rest or sym.pain_activity or sym.swelling or sym.giving_way:
            return 1, first + f" ({side.value} ankle: symptoms at the first screen.)"
        # capability is measured, not assumed: a range test on this side by the first day,
        # with its pain recorded and in the safe zone
        test = max((it for key in ("dorsiflexion", MeasureKind.LUNGE_ANGLE.value)
                    if (it := view.latest(key, side, start)) is not None),
                   key=lambda it: it[0], default=None)
        if test is None or test[2].pain is None or test[2].pain > safe:
            return 1, first
    stage = int(pl.clean_start_stage.value)
    why = (f"No ankle injury in the last {free} days, no surgery and no symptoms: starting "
           f"at stage {stage} ({protocol.stage(stage).name}).")
    gate = protocol.stage(2).gate
    tests = [c for c in gate if c.metric not in _FREQUENCY_METRICS]
    if pl.tested_start_stage is not None and tests and all(
            r.met for r in _results(view, tests, start, protocol.stage(2)) if r.required):
        stage = int(pl.tested_start_stage.value)
        why = (f"No ankle injury in the last {free} days, no surgery, no symptoms, and the "
               f"tests for stage 3 already pass: starting at stage {stage} "
               f"({protocol.stage(stage).name}).")
    return stage, why


_FREQUENCY_METRICS = frozenset({"category_days", "adherence_pct", "agility_sessions",
                                "full_sessions", "session_pain_max", "unsettled_sessions"})
"""Metrics that count what was done over time (not a test or an answer)."""


def _overrides(h: History, protocol: Protocol, start: dt.date) -> dict[dt.date, Override]:
    """A coach's overrides by the day they apply (one dated before the start applies on the
    start); on the same day the last one given wins."""
    out: dict[dt.date, Override] = {}
    if h.overrides:
        problems = _override_problems(h, protocol)
        if problems:
            raise HistoryError("history", problems)
        for o in h.overrides:  # sorted by date, in the order given within a date
            out[max(o.date, start)] = o
    return out


def _level_at(view: _View, protocol: Protocol, r: _Replay, d: dt.date) -> float:
    """The dose level on ``d``: it rises once for each complete week in which the targets
    were kept, and stays flat in maintenance."""
    dosing = protocol.dosing
    if r.stage == 4:
        return r.level_base
    st_now = protocol.stage(r.stage)
    kept_pct = protocol.settings.missed_sessions_pct.value
    first = r.level_since + dt.timedelta(days=(7 - r.level_since.weekday()) % 7)
    weeks = sum(1 for k in range(max(0, (d - first).days // 7))
                if view.week_pct(st_now, first + dt.timedelta(days=7 * k)) >= kept_pct)
    return min(dosing.max_level.value, r.level_base + dosing.weekly_increase.value * weeks)


def _replay(view: _View, protocol: Protocol, start: dt.date, as_of: dt.date,
            brief: bool) -> _Replay:
    """Walk the history from ``start`` to ``as_of``, applying the rules at each checkpoint:
    a date with a troubled session or a range test, the start of each week, an override."""
    stage, why = _placement(view, protocol, start)
    start_level = protocol.dosing.start_level.value
    r = _Replay(stage, start, start_level, start, [StageChange(start, "start", stage, stage, why)])
    overrides = _overrides(view.h, protocol, start)
    events = {x.date for x, bad in zip(view.sessions, view.troubled, strict=True) if bad}
    for key, side in itertools.product(("dorsiflexion", MeasureKind.LUNGE_ANGLE.value), SIDES):
        events.update(view.series_dates.get((key, side), ()))
    first_monday = start + dt.timedelta(days=7 - start.weekday())
    weeks = {first_monday + dt.timedelta(days=7 * k)
             for k in range(max(0, (as_of - first_monday).days // 7 + 1))}
    prev = start - DAY
    view.week_stage[start - dt.timedelta(days=start.weekday())] = stage
    for c in sorted(d for d in events | weeks | {as_of} | overrides.keys() if start <= d <= as_of):
        _checkpoint(view, protocol, r, Checkpoint(c, prev, r.stage, c in weeks), brief)
        if (o := overrides.get(c)) is not None:
            _apply_override(view, protocol, r, o, c)
        if c in weeks:
            view.week_stage[c] = r.stage
        prev = c
    return r


def _cut(view: _View, protocol: Protocol, r: _Replay, d: dt.date, brief: bool) -> None:
    if brief:
        return  # no dose level in a summary
    dosing = protocol.dosing
    r.level_base = max(dosing.min_level.value,
                       _level_at(view, protocol, r, d) * dosing.flare_factor.value)
    r.level_since, r.fresh_since = d, None


def _checkpoint(view: _View, protocol: Protocol, r: _Replay, cp: Checkpoint,
                brief: bool) -> None:
    """The rules at one checkpoint: step back or cut the dose, hold, or advance."""
    c = cp.date
    window = int(protocol.pain_monitoring.flare_window_days.value)
    step_back, reduce = checkpoint_findings(view, protocol, cp)
    if step_back and r.stage > 1:
        _cut(view, protocol, r, c, brief)
        r.timeline.append(StageChange(c, "step_back", r.stage, r.stage - 1, step_back.text,
                                      cause=step_back.cause))  # type: ignore[arg-type]
        r.stage, r.stage_since, r.in_effect = r.stage - 1, c, None
        r.good_weeks = 0
    elif reduce or step_back:
        found = reduce or step_back
        assert found is not None
        _cut(view, protocol, r, c, brief)
        r.timeline.append(StageChange(c, "reduce_dose", r.stage, r.stage, found.text,
                                      cause=found.cause))  # type: ignore[arg-type]
    troubled = view.troubled_in(c - dt.timedelta(days=window - 1), c)
    r.held_reason = _hold_text(r.stage, troubled[-1], window) if troubled else None
    if step_back or reduce:
        r.held_reason = r.held_reason or "Holding after a dose cut."
    if cp.week_start and not brief:
        _fresh_start(view, protocol, r, c)
    # advance at the start of a week, on the results up to the Sunday before, so a week's
    # plan stays one stage from Monday to Sunday
    if not cp.week_start or r.stage >= 4 or r.held_reason is not None:
        return
    st = protocol.stage(r.stage)
    sunday = c - DAY
    if (c - r.stage_since).days >= st.min_days.value and _gate_passes(view, st.gate, sunday, st):
        met = () if brief else tuple(
            x for x in check_gate(view, protocol, r.stage, sunday).criteria if x.required)
        r.timeline.append(StageChange(
            c, "advance", r.stage, r.stage + 1, f"Every criterion for stage {r.stage + 1} was met",
            met))
        level = _new_stage_level(view, protocol, r, c, brief)
        r.stage, r.stage_since, r.in_effect = r.stage + 1, c, None
        r.level_base, r.level_since = level, c
        r.good_weeks, r.fresh_since = 0, None


def _new_stage_level(view: _View, protocol: Protocol, r: _Replay, c: dt.date,
                     brief: bool) -> float:
    """The dose level a new stage starts at on ``c`` (worked out before the stage changes):
    the protocol's start level, or the level now while a dose cut still holds it below that.
    The pain-monitoring model (Silbernagel2007) sets the load by how the body answered the
    last sessions; a new stage's exercises are new and mostly harder load, so starting them
    at full amounts right after a cut would undo the cut. The level climbs back as usual,
    one step each week the targets are kept."""
    start = protocol.dosing.start_level.value
    if brief:
        return start  # no dose level in a summary
    return min(start, _level_at(view, protocol, r, c))


def _apply_override(view: _View, protocol: Protocol, r: _Replay, o: Override,
                    c: dt.date) -> None:
    """A coach's override has the last word on its day; the rules go on from the next."""
    r.timeline.append(StageChange(c, "override", r.stage, o.stage, override_text(o, protocol),
                                  cause="override"))
    if o.stage != r.stage:
        level = _new_stage_level(view, protocol, r, c, brief=False)
        r.stage, r.stage_since = o.stage, c
        r.level_base, r.level_since = level, c
        r.good_weeks, r.fresh_since = 0, None
        window = int(protocol.pain_monitoring.flare_window_days.value)
        troubled = view.troubled_in(c - dt.timedelta(days=window - 1), c)
        if troubled:
            r.held_reason = _hold_text(r.stage, troubled[-1], window)
    r.in_effect = o


def _good_week(view: _View, protocol: Protocol, st: Stage, monday: dt.date) -> bool:
    """A week whose targets were kept with session pain at most the safe level and every
    session settled by the next morning."""
    kept_pct = protocol.settings.missed_sessions_pct.value
    safe = protocol.pain_monitoring.safe_max.value
    ss = view.sessions_in(monday, monday + dt.timedelta(days=6))
    return bool(ss) and view.week_pct(st, monday) >= kept_pct and all(
        s.pain_during <= safe and not view.unsettled(s) for s in ss)


def _variant(view: _View, protocol: Protocol, r: _Replay, as_of: dt.date) -> int:
    """The exercise level (1–3): it rises one step for every two complete weeks in the stage
    whose targets were kept with session pain at most the safe level and every session
    settled by the next morning: on what was done and felt, not on the calendar."""
    st = protocol.stage(r.stage)
    good = sum(1 for monday in complete_weeks(as_of - DAY, 8)
               if monday >= r.stage_since and _good_week(view, protocol, st, monday))
    return 1 + min(2, good // 2)


def _fresh_start(view: _View, protocol: Protocol, r: _Replay, c: dt.date) -> None:
    """At the start of week ``c``: when the week just ended is the second or fourth calm,
    kept week of the stage, harder versions come in this week (:func:`_variant`), and their
    amounts start afresh from the start level (never above the level as it was, so a cut
    still in force stays). One thing gets harder at a time: a first go at a harder version
    at 40 % more than its own starting amount is a jump nobody would prescribe."""
    monday = c - dt.timedelta(days=7)
    if monday < r.stage_since or not _good_week(view, protocol, protocol.stage(r.stage), monday):
        return
    r.good_weeks += 1
    if r.good_weeks in (2, 4) and r.stage < 4:
        r.level_base = min(protocol.dosing.start_level.value, _level_at(view, protocol, r, c))
        r.level_since = r.fresh_since = c


def _at(view: _View, protocol: Protocol, r: _Replay, screen: Screening, as_of: dt.date,
        base: dict[str, object], *, with_clearance: bool, brief: bool) -> Decision:
    """The decision at ``as_of`` once the replay is done."""
    st = protocol.stage(r.stage)
    gate = check_gate(view, protocol, r.stage, as_of)
    clearance = (gate if r.stage >= 3 else
                 check_clearance(view, protocol, r.stage, as_of)
                 if with_clearance and not brief else None)
    hits = tuple(
        RedFlagHit(fid, rf.question if rf else fid, rf.source if rf else "", screen.date)
        for fid, yes in screen.red_flags.items() if yes
        for rf in (protocol.red_flag(fid),))
    missing = tuple(f.id for f in protocol.red_flags if f.id not in screen.red_flags)
    last_monday = complete_weeks(as_of - DAY, 1)[0]
    # last week is kept against the stage the person was in then
    last_st = protocol.stage(view.week_stage.get(last_monday, r.stage))
    easier_reasons: list[str] = []
    fresh_reason: str | None = None
    if brief:
        level, variant = math.nan, 0
        asym: tuple[AsymmetryResult, ...] = ()
        last_week, last_pct = None, view.week_pct(last_st, last_monday)
    else:
        level = round(_level_at(view, protocol, r, as_of), 2)
        variant = _variant(view, protocol, r, as_of)
        easier_reasons = _easier_reasons(view.h, view, protocol, as_of)
        if easier_reasons:
            variant = 1
        if (r.fresh_since is not None and r.level_since == r.fresh_since
                and as_of < r.fresh_since + dt.timedelta(days=7)):
            fresh_reason = "Harder versions of the exercises this week: " + (
                "their amounts start again from the starting amount and build up each week "
                "the targets are kept." if level >= protocol.dosing.start_level.value else
                f"their amounts stay cut ({amount(level)}) and build up each week the targets "
                f"are kept.")
        asym = tuple(asymmetries(view, protocol.asymmetry, as_of))
        last_week = week_adherence(last_st, view.days, view.runs, last_monday,
                                   view.recorded_runs, allowed=view.allowed(last_st))
        last_pct = last_week.pct
    flags: list[Flag] = []
    reasons: list[str] = []
    status, clear = _status(view, protocol, r, gate, hits, missing, as_of, flags, reasons)
    _stage_reasons(protocol, r, gate, as_of, clear, flags, reasons, brief)
    _reminders(view, protocol, r, gate, status, last_monday, last_pct, last_week, flags)
    if not brief and (referral := see_clinician(view, protocol, as_of)) is not None:
        flags.append(Flag("see_clinician", referral))
        reasons.append(referral)
    if not brief and (carried := _carried_cut(protocol, r, level)) is not None:
        reasons.append(carried)
    if fresh_reason:
        reasons.append(fresh_reason)
    if easier_reasons:
        reasons.append("Starting with easier versions: " + "; ".join(easier_reasons) + ".")
    reasons.extend(a.reason for a in asym if a.meaningful)
    return Decision(**base, status=status, stage=r.stage, stage_name=st.name,  # type: ignore[arg-type]
                    stage_since=r.stage_since, dose_level=level, variant_level=variant,
                    gate=gate, clear_to_train=clear, asymmetries=asym, flags=tuple(flags),
                    reasons=tuple(reasons), timeline=tuple(r.timeline), red_flags=hits,
                    missing_screen=missing, last_week=last_week, clearance=clearance,
                    override=r.in_effect)


def _carried_cut(protocol: Protocol, r: _Replay, level: float) -> str | None:
    """Why the amounts are still below the start in a stage that began after a dose cut (see
    :func:`_new_stage_level`); None when they are not, or the cut came in this stage (its
    own timeline entry says why)."""
    if level >= protocol.dosing.start_level.value:
        return None
    cut = next((ch for ch in reversed(r.timeline) if ch.kind in ("reduce_dose", "step_back")),
               None)
    if cut is None or cut.date >= r.stage_since:
        return None
    return (f"Stage {r.stage} started with the amounts still cut ({amount(level)}), not at "
            f"its full amounts. {cut.text} The amounts were cut on {cut.date.isoformat()} and "
            f"had not climbed back, so the new exercises start lighter too; they rise again "
            f"each week the targets are kept.")


def _status(view: _View, protocol: Protocol, r: _Replay, gate: GateResult,
            hits: tuple[RedFlagHit, ...], missing: tuple[str, ...], as_of: dt.date,
            flags: list[Flag], reasons: list[str]) -> tuple[Status, bool]:
    """The status and "clear to train". Once cleared (advanced into stage 4 on a passed
    checklist), a person stays clear: tests going out of date become reminders, and only
    pain above the clearance level, the ankle giving way or a red flag pause it (a loss of
    range steps back a stage). A paused or hand-set clearance needs the checklist again."""
    if hits:
        for hit in hits:
            msg = (f"Red flag on {hit.date.isoformat()}: “{hit.question}” was answered yes. "
                   f"Please see a clinician before doing these exercises; nothing is prescribed "
                   f"until a new screen is clear.")
            flags.append(Flag("red_flag", msg))
            reasons.append(msg)
        return "refer", False
    if missing:
        msg = (f"The red-flag screen of {view.red_flag_screen(as_of).date.isoformat()} is "  # type: ignore[union-attr]
               f"missing {_count(len(missing), 'answer')}: {', '.join(missing)}.")
        flags.append(Flag("screen_needed", msg))
        reasons.append(msg)
        return "screen_needed", False
    if r.stage != 4:
        return "working", False
    if gate.all_met:
        return "clear", True
    earned = r.timeline[-1].kind == "advance" and r.in_effect is None
    paused = _paused(view, protocol, r.stage_since, as_of) if earned else None
    if earned and paused is None:
        return "clear", True
    if paused is not None:
        reasons.append(f"Clear to train is paused: {paused}. Passing the checklist again "
                       f"restores it.")
    return "maintain_check", False


def _paused(view: _View, protocol: Protocol, since: dt.date, as_of: dt.date) -> str | None:
    """Why clearance earned on ``since`` is paused at ``as_of``, if it is: the latest pausing
    event, unless the checklist passed again on a Sunday after it (then only later events
    count)."""
    stage3 = protocol.stage(3)
    while (found := clearance_pause(view, protocol, since, as_of)) is not None:
        day, why = found
        sunday = day + dt.timedelta(days=6 - day.weekday())
        while sunday < as_of and not _gate_passes(view, stage3.gate, sunday, stage3):
            sunday += dt.timedelta(days=7)
        if sunday >= as_of:
            return why
        since = sunday + DAY
    return None


def _stage_reasons(protocol: Protocol, r: _Replay, gate: GateResult, as_of: dt.date,
                   clear: bool, flags: list[Flag], reasons: list[str], brief: bool) -> None:
    """Where the person stands and what moves them on, in words."""
    st = protocol.stage(r.stage)
    window = int(protocol.pain_monitoring.flare_window_days.value)
    days_in = (as_of - r.stage_since).days
    reasons.append(f"Stage {r.stage} ({st.name}) since {r.stage_since.isoformat()} "
                   f"({days_in} day{'' if days_in == 1 else 's'}). {st.summary}")
    last_change = r.timeline[-1]
    if last_change.kind != "start":
        reasons.append(f"Last change {last_change.date.isoformat()}: {last_change.reason}")
    if r.in_effect is not None and last_change.kind != "override":
        reasons.append(f"Set by hand: {override_text(r.in_effect, protocol)}")
    if r.held_reason:
        flags.append(Flag("hold", r.held_reason))
        reasons.append(r.held_reason)
    for ch in r.timeline:
        if ch.cause is not None and (as_of - ch.date).days < window:
            flags.append(Flag(ch.cause, ch.reason))
    if r.stage < 4:
        next_monday = as_of + dt.timedelta(days=7 - as_of.weekday())
        need = int(st.min_days.value) - (next_monday - r.stage_since).days
        if gate.all_met and r.held_reason:
            reasons.append(f"Every criterion for stage {r.stage + 1} is met, but the recent "
                           f"pain holds you here for now.")
        elif gate.all_met and need <= 0:
            flags.append(Flag("ready_to_advance", f"Every criterion for stage {r.stage + 1} is "
                                                  f"met: stage {r.stage + 1} starts on Monday "
                                                  f"{next_monday.isoformat()}."))
        elif gate.all_met:
            reasons.append(f"Every criterion is met; stage {r.stage} lasts at least "
                           f"{st.min_days.value:g} days, so it moves up {_count(need, 'day')} after "
                           f"Monday {next_monday.isoformat()}.")
        else:
            reasons.append(f"{gate.met_count} of {gate.required_count} criteria for stage "
                           f"{r.stage + 1} are met.")
        if r.stage == 3 and not gate.all_met and not brief:
            reasons.extend(_clearance_reasons(gate))
    elif clear:
        flags.append(Flag("clear_to_train", "Clear to train normally. Keep the weekly "
                                            "maintenance routine."))
        reasons.append("You are clear to train normally." + (
            "" if gate.all_met else " Some tests are due again: re-test when you can (being "
                                    "out of date does not take clearance away)."))
    else:
        unmet = [c.label for c in gate.criteria if c.required and not c.met]
        reasons.append("Still in maintenance, but clearance needs a re-check: "
                       + ", ".join(unmet) + ".")
        if not brief:
            reasons.extend(_clearance_reasons(gate))


def _reminders(view: _View, protocol: Protocol, r: _Replay, gate: GateResult, status: Status,
               last_monday: dt.date, last_pct: float, last_week: Adherence | None,
               flags: list[Flag]) -> None:
    """Re-tests due and last week's missed targets."""
    due = [c for c in gate.criteria
           if c.required and not c.assessed and c.metric in _TESTED_METRICS]
    if r.stage >= 2 and due:
        old = f"last done more than {view.retest} days ago"
        flags.append(Flag("retest_due", "Re-test due: " + ", ".join(
            f"{c.label} ({old if c.stale else 'not done yet'})" for c in due) + "."))
    if last_monday >= r.stage_since and status != "refer":
        threshold = protocol.settings.missed_sessions_pct.value
        if last_pct < threshold:
            unmet_t = ("" if last_week is None
                       else ": " + "; ".join(f"{t.label} {t.text}" for t in last_week.unmet()))
            slip: FlagKind = "maintenance_slipping" if r.stage == 4 else "missed_sessions"
            flags.append(Flag(slip, f"Week of {last_monday}: {last_pct:.0f}% of the targets "
                                    f"kept (below {threshold:g}%){unmet_t}."))


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
