"""Change over time: each test's latest result against the previous and the first test.

For every measure kind and side (and every questionnaire scale of CAIT and FAAM) this
takes the latest test on or before a date and compares it with the test before it and with
the first (baseline) test of the same kind and side, and says whether the change is a
**real change** (improved or worse) or **within measurement error**.

What is compared and how:

* Only a measure with itself: a lunge angle (degrees) with lunge angles, a knee-to-wall
  distance (cm) with distances. A person with both gets one line for each.
* The figure is the protocol's ``change`` section (``protocol.yaml``): the minimal
  detectable change (MDC) with the same rater or between raters, or for CAIT the minimal
  clinically important difference (MCID). Same rater: both tests name the same rater, or
  neither does. Different raters: both name a rater and they differ. One test names a
  rater and the other does not: the larger of the two figures (the cautious reading).
* An MDC must be exceeded: a change no larger than it is within measurement error. An MCID
  must be reached: a change smaller than it is within measurement error. Changes are
  compared at 6 decimals, so 9.8 − 7.9 counts as the 1.9 it is on paper.
* Two tests taken with different methods (tape, inclinometer, app, photo) are never
  compared: devices differ by 4–16° (evidence.md), so the change is "different method:
  not comparable". A test without a method counts as the kind's usual method.
* Higher is better except where ``MEASURE_INFO`` says otherwise (the side hop: lower time
  is better).
* A measure without a figure in the protocol is reported with its change and "no
  measurement-error figure", never called real.

Pure: a history and a protocol in, frozen dataclasses out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from anklet.domain.datafile import Number
from anklet.domain.history import History, Measurement
from anklet.domain.measures import DEFAULT_METHOD, MEASURE_INFO, MeasureKind, Method
from anklet.domain.protocol import CHANGE_SCALES, ChangeRule, Protocol
from anklet.domain.questionnaires import Instruments, Score, load_instruments, scores
from anklet.domain.units import Side

Verdict = Literal["real_change", "within_error", "not_comparable", "no_figure"]
Direction = Literal["improved", "worse", "same"]
Raters = Literal["same", "not_recorded", "different", "one_recorded"]
"""Who measured the two tests: the same rater, neither recorded (read as the same),
two different raters, or only one of the two recorded."""

LABELS: dict[str, str] = {
    MeasureKind.KNEE_TO_WALL: "knee-to-wall",
    MeasureKind.LUNGE_ANGLE: "lunge angle",
    MeasureKind.HEEL_RAISE: "heel raises",
    MeasureKind.BALANCE_EYES_OPEN: "balance, eyes open",
    MeasureKind.BALANCE_EYES_CLOSED: "balance, eyes closed",
    MeasureKind.Y_BALANCE_ANTERIOR: "Y-balance forward reach",
    MeasureKind.SIDE_HOP: "side hop",
    "cait": "CAIT ankle stability",
    "faam_adl": "FAAM daily activities",
    "faam_sports": "FAAM sports",
}
"""Short labels for the change lines; a kind not listed uses its MEASURE_INFO label."""

VERDICT_TEXT: dict[Verdict, str] = {
    "real_change": "real change",
    "within_error": "within measurement error",
    "not_comparable": "different method: not comparable",
    "no_figure": "no measurement-error figure known",
}

RATERS_TEXT: dict[Raters, str] = {
    "same": "same rater",
    "not_recorded": "rater not recorded, same rater assumed",
    "different": "different raters",
    "one_recorded": "rater recorded for one test only, the larger figure",
}


@dataclass(frozen=True, slots=True)
class Comparison:
    """The latest test against one earlier test of the same measure and side."""

    against: Literal["previous", "baseline"]
    date: dt.date
    """The earlier test's date."""
    value: float
    """The earlier test's value."""
    change: float
    """Latest minus earlier, in the measure's unit."""
    verdict: Verdict
    direction: Direction
    """Which way the change went, whatever the verdict ("improved" even when it is within
    measurement error); "same" when there is no change."""
    error: float | None
    """The figure used (MDC or MCID, in the measure's unit); None when none applies."""
    figure: Literal["mdc", "mcid"] | None
    raters: Raters | None
    """None for a questionnaire (self-rated)."""
    source: str | None
    note: str | None
    methods: tuple[str, str] | None
    """(earlier, latest) method of a measurement; None for a questionnaire."""

    @property
    def real(self) -> bool:
        return self.verdict == "real_change"

    @property
    def verdict_text(self) -> str:
        """``real change (improved)``, ``within measurement error``, …"""
        if self.verdict == "real_change":
            return f"real change ({self.direction})"
        return VERDICT_TEXT[self.verdict]

    def to_dict(self) -> dict[str, Any]:
        return {"against": self.against, "date": self.date.isoformat(), "value": self.value,
                "change": self.change, "verdict": self.verdict,
                "verdict_text": self.verdict_text, "direction": self.direction,
                "error": self.error, "figure": self.figure, "raters": self.raters,
                "source": self.source, "note": self.note,
                "methods": None if self.methods is None else list(self.methods)}


@dataclass(frozen=True, slots=True)
class MeasureChange:
    """The latest test of one measure and side, with its change since the previous test
    and since the first. ``previous`` and ``baseline`` are None for a first test; with two
    tests both compare with the same (first) test."""

    measure: str
    """A measure kind (``knee_to_wall``) or a questionnaire scale (``cait``)."""
    label: str
    side: Side | None
    unit: str
    date: dt.date
    value: float
    method: str | None
    rater: str | None
    tests: int
    """How many tests of this measure and side there are up to the date."""
    previous: Comparison | None
    baseline: Comparison | None

    @property
    def first(self) -> bool:
        return self.previous is None

    @property
    def name(self) -> str:
        """``Left knee-to-wall``; ``CAIT ankle stability (left)``; ``FAAM sports``."""
        if self.measure in CHANGE_SCALES:
            return f"{self.label} ({self.side.value})" if self.side else self.label
        side = self.side.value.capitalize() if self.side else ""
        return f"{side} {self.label}".strip()

    def to_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "label": self.label,
                "side": None if self.side is None else self.side.value, "unit": self.unit,
                "date": self.date.isoformat(), "value": self.value, "method": self.method,
                "rater": self.rater, "tests": self.tests,
                "previous": None if self.previous is None else self.previous.to_dict(),
                "baseline": None if self.baseline is None else self.baseline.to_dict(),
                "text": line(self)}


# --- judging one change ------------------------------------------------------------------


def _rater(value: str | None) -> str | None:
    return (value or "").strip().casefold() or None


def raters_of(earlier: str | None, latest: str | None) -> Raters:
    """Whether two tests had the same rater (names compared ignoring case and spaces)."""
    a, b = _rater(earlier), _rater(latest)
    if a is None and b is None:
        return "not_recorded"
    if a is None or b is None:
        return "one_recorded"
    return "same" if a == b else "different"


def figure_for(rule: ChangeRule, raters: Raters | None) -> Number:
    """The figure a rule gives for these raters (None: self-rated, the same-rater figure)."""
    between = rule.between_raters or rule.same_rater
    if raters == "different":
        return between
    if raters == "one_recorded":
        return max(rule.same_rater, between, key=lambda n: n.value)
    return rule.same_rater


def judge(change: float, *, rule: ChangeRule | None, raters: Raters | None,
          higher_is_better: bool) -> tuple[Verdict, Direction, Number | None]:
    """Real change or within measurement error, which way, and the figure used."""
    size = round(abs(change), 6)
    direction: Direction = ("same" if size == 0 else
                            "improved" if (change > 0) == higher_is_better else "worse")
    if rule is None:
        return "no_figure", direction, None
    fig = figure_for(rule, raters)
    limit = round(fig.value, 6)
    real = size >= limit if rule.figure == "mcid" else size > limit
    return ("real_change" if real else "within_error"), direction, fig


def compare(against: Literal["previous", "baseline"], earlier: Measurement,
            latest: Measurement, rule: ChangeRule | None) -> Comparison:
    """One measurement against an earlier one of the same kind and side."""
    if earlier.kind is not latest.kind or earlier.side is not latest.side:
        raise ValueError(f"cannot compare {earlier.kind} {earlier.side} with "
                         f"{latest.kind} {latest.side}")
    change = round(latest.value - earlier.value, 6)
    m_earlier, m_latest = method_of(earlier), method_of(latest)
    raters = raters_of(earlier.rater, latest.rater)
    verdict, direction, fig = judge(change, rule=rule, raters=raters,
                                    higher_is_better=MEASURE_INFO[latest.kind][2])
    methods = (m_earlier, m_latest)
    if m_earlier != m_latest:
        return Comparison(against, earlier.date, earlier.value, change, "not_comparable",
                          direction, None, None, raters, None, None, methods)
    return Comparison(against, earlier.date, earlier.value, change, verdict, direction,
                      None if fig is None else fig.value,
                      None if rule is None else rule.figure, raters,
                      None if fig is None else fig.source, None if fig is None else fig.note,
                      methods)


def method_of(m: Measurement) -> str:
    """The method a measurement was taken with (its kind's usual one when not recorded)."""
    method: Method | None = m.method or DEFAULT_METHOD.get(m.kind)
    return method.value if method is not None else "unknown"


# --- over a history ------------------------------------------------------------------------


def measure_changes(history: History, protocol: Protocol, as_of: dt.date,
                    kinds: Iterable[MeasureKind] | None = None) -> list[MeasureChange]:
    """The latest test of each measure kind and side up to ``as_of``, with its changes;
    in the order of :class:`MeasureKind`, left before right."""
    wanted = set(kinds) if kinds is not None else set(MeasureKind)
    series: dict[tuple[MeasureKind, Side], list[Measurement]] = {}
    for m in history.measurements:  # date order
        if m.date <= as_of and m.kind in wanted:
            series.setdefault((m.kind, m.side), []).append(m)
    order = {k: i for i, k in enumerate(MeasureKind)}
    out = []
    for (kind, side), tests in sorted(series.items(),
                                      key=lambda kv: (order[kv[0][0]], kv[0][1] is Side.RIGHT)):
        rule = protocol.change_rule(kind.value)
        latest = tests[-1]
        previous = baseline = None
        if len(tests) > 1:
            previous = compare("previous", tests[-2], latest, rule)
            baseline = compare("baseline", tests[0], latest, rule)
        out.append(MeasureChange(
            kind.value, LABELS.get(kind, MEASURE_INFO[kind][0].lower()), side,
            MEASURE_INFO[kind][1].unit, latest.date, latest.value, method_of(latest),
            latest.rater, len(tests), previous, baseline))
    return out


def _score_compare(against: Literal["previous", "baseline"], earlier: Score, latest: Score,
                   rule: ChangeRule | None, higher_is_better: bool) -> Comparison:
    assert earlier.value is not None
    assert latest.value is not None
    change = round(latest.value - earlier.value, 6)
    verdict, direction, fig = judge(change, rule=rule, raters=None,
                                    higher_is_better=higher_is_better)
    return Comparison(against, earlier.date, earlier.value, change, verdict, direction,
                      None if fig is None else fig.value,
                      None if rule is None else rule.figure, None,
                      None if fig is None else fig.source, None if fig is None else fig.note,
                      None)


def questionnaire_changes(history: History, protocol: Protocol, as_of: dt.date,
                          instruments: Instruments | None = None) -> list[MeasureChange]:
    """The latest scorable CAIT (per ankle) and FAAM (daily activities, sports) score up
    to ``as_of`` with its changes, scored as :func:`questionnaires.score_response` does.
    A response that is not scorable is left out: it has no number to compare."""
    instruments = instruments or load_instruments()
    responses = [r for r in history.questionnaires if r.date <= as_of]
    series: dict[tuple[str, Side | None], list[Score]] = {}
    for s in scores(responses, instruments):
        if s.scale in CHANGE_SCALES and s.value is not None:
            series.setdefault((s.scale, s.side), []).append(s)
    out = []
    for scale_id in CHANGE_SCALES:
        for side in (None, Side.LEFT, Side.RIGHT):
            tests = series.get((scale_id, side))
            if not tests:
                continue
            scale = instruments.scale(scale_id)[1]
            rule = protocol.change_rule(scale_id)
            latest = tests[-1]
            assert latest.value is not None
            previous = baseline = None
            if len(tests) > 1:
                previous = _score_compare("previous", tests[-2], latest, rule,
                                          scale.higher_is_better)
                baseline = _score_compare("baseline", tests[0], latest, rule,
                                          scale.higher_is_better)
            out.append(MeasureChange(scale_id, LABELS.get(scale_id, scale.label), side,
                                     scale.unit, latest.date, latest.value, None, None,
                                     len(tests), previous, baseline))
    return out


def changes(history: History, protocol: Protocol, as_of: dt.date,
            instruments: Instruments | None = None) -> list[MeasureChange]:
    """Every measure's and questionnaire scale's latest result with its changes."""
    return (measure_changes(history, protocol, as_of)
            + questionnaire_changes(history, protocol, as_of, instruments))


def changes_dict(items: Sequence[MeasureChange]) -> list[dict[str, Any]]:
    """The JSON of :func:`changes` (the CLI's ``--json`` and the API send the same)."""
    return [c.to_dict() for c in items]


# --- words -----------------------------------------------------------------------------------


def num(value: float, unit: str) -> str:
    """A value in its unit: ``9.8 cm``, ``40°``, ``12 reps``, ``85.7%``."""
    whole = unit in ("reps", "points", "hops")
    text = f"{value:.0f}" if whole and float(value).is_integer() else f"{value:.1f}"
    return text + unit if unit in ("°", "%") else f"{text} {unit}"


def signed(change: float, unit: str) -> str:
    """``+0.8``, ``−1.5``, ``±0`` (the unit is said elsewhere in the line)."""
    text = num(abs(change), unit).removesuffix(unit).strip()
    if round(change, 6) == 0:
        return "±0"
    return ("+" if change > 0 else "−") + text


def _why(c: Comparison, unit: str) -> str:
    """What the verdict rests on, in brackets: the figure, the raters, the source."""
    if c.verdict == "not_comparable":
        assert c.methods is not None
        return f" ({c.methods[0]} then {c.methods[1]})"
    if c.error is None:
        return ""
    parts = [num(c.error, unit)]
    if c.figure == "mcid":
        parts.append("smallest important change")
    if c.raters is not None:
        parts.append(RATERS_TEXT[c.raters])
    parts.append(c.source or "")
    return " (" + ", ".join(p for p in parts if p) + ")"


def line(c: MeasureChange) -> str:
    """One line in words, e.g. ``Left knee-to-wall 9.0 → 9.8 cm (+0.8): within measurement
    error (1.9 cm, same rater, Powden2015); since baseline 7.5 cm: +2.3 cm, real change
    (improved)``."""
    u = c.unit
    if c.previous is None:
        return f"{c.name} {num(c.value, u)} ({c.date.isoformat()}): first test, nothing to compare yet"
    p = c.previous
    earlier = num(p.value, u).removesuffix(u).strip()
    text = (f"{c.name} {earlier} → {num(c.value, u)} ({signed(p.change, u)}): "
            f"{p.verdict_text}{_why(p, u)}")
    b = c.baseline
    if b is not None and c.tests > 2:
        why = _why(b, u)
        text += (f"; since baseline {num(b.value, u)} ({b.date.isoformat()}): "
                 f"{signed(b.change, u)}{'' if u in ('°', '%') else ' ' + u}, "
                 f"{b.verdict_text}{'' if why == _why(p, u) else why}")
    return text
