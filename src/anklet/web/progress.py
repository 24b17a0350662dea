"""Progress for every test and questionnaire score: what the progress page, its PDF and its
CSV show.

For each test (knee-to-wall, heel raises, balance, Y-balance reach, side hops, hops in
place) and each questionnaire scale (ankle stability, daily activities, sport, confidence,
pain over 24 hours) this module gathers the person's results over time, per side where the
test has sides, and the value they are working toward.

The value drawn is the person's own **next** step, not a fixed stage: the criterion of the
gate out of their current stage (the engine's decision, so a threshold by sex or age is
already theirs), named "Needed for stage 3"; a test their next gate does not ask for shows
the clearance value it will need later ("Later, for stage 4"); someone in stage 4 sees the
level that keeps them there. A criterion on the two sides compared (heel raises and side
hops as a share of the better side, Y-balance reach as a difference) is drawn from the
better side's latest result: the line the other side has to reach.

Nothing here writes or decides; all numbers come from the decision and the protocol.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from markupsafe import Markup

from anklet.domain.decisions import CriterionResult, Decision
from anklet.domain.history import History
from anklet.domain.measures import MeasureKind
from anklet.domain.protocol import Protocol
from anklet.domain.questionnaires import load_instruments, scores
from anklet.domain.units import SIDES
from anklet.web import charts
from anklet.web.charts import Reading, Target, num

Shape = Literal["each", "better_pct", "faster_pct", "difference"]
"""How a criterion reads the two sides: each side against the value; the weaker side as a
share of the stronger; the slower time as a share of the faster; the gap between them."""


@dataclass(frozen=True, slots=True)
class Test:
    """A test (or questionnaire scale) the progress page follows."""

    id: str
    title: str
    unit: str
    how: str
    metrics: tuple[tuple[str, Shape], ...]
    """The gate metrics that read this test, and how."""
    measure: MeasureKind | None = None
    scale: str | None = None
    """The questionnaire scale, for a score."""
    top: float | None = None
    """The top of the chart's scale (a score's maximum)."""


TESTS: tuple[Test, ...] = (
    Test("knee_to_wall", "Knee-to-wall", "cm",
         "Kneel facing a wall and measure how far the big toe can be from it while the knee "
         "still touches the wall, heel down.", (("dorsiflexion_cm", "each"),),
         MeasureKind.KNEE_TO_WALL),
    Test("lunge_angle", "Lunge angle", "°",
         "The knee-to-wall lunge measured as the shin's angle, with a phone or an "
         "inclinometer.", (("lunge_angle_deg", "each"),), MeasureKind.LUNGE_ANGLE),
    Test("heel_raise", "Heel raises on one leg", "reps",
         "Rise onto the toes of one foot as many times as you can at a steady pace.",
         (("heel_raise_reps", "each"), ("heel_raise_lsi", "better_pct")),
         MeasureKind.HEEL_RAISE),
    Test("balance_eyes_open", "Standing on one leg, eyes open", "s",
         "Stand on one leg, hands on hips, and time how long until the other foot touches "
         "down.", (("balance_eyes_open", "each"),), MeasureKind.BALANCE_EYES_OPEN),
    Test("balance_eyes_closed", "Standing on one leg, eyes closed", "s",
         "The same as eyes open, with the eyes shut.", (("balance_eyes_closed", "each"),),
         MeasureKind.BALANCE_EYES_CLOSED),
    Test("y_balance", "Reaching forward on one leg", "cm",
         "Stand on one leg and slide the other foot as far forward as you can, then measure "
         "the reach.", (("y_balance_anterior_diff_cm", "difference"),),
         MeasureKind.Y_BALANCE_ANTERIOR),
    Test("side_hop", "Side hops", "s",
         "Hop sideways over a 30 cm strip ten times there and back on one leg, timed.",
         (("side_hop_lsi", "faster_pct"),), MeasureKind.SIDE_HOP),
    Test("single_leg_hop", "Hops in place on one leg", "hops",
         "Hop on the spot on one leg, up to ten easy hops.", (("single_leg_hop", "each"),),
         MeasureKind.SINGLE_LEG_HOP),
    Test("cait", "How steady each ankle feels", "points",
         "A short questionnaire for each ankle (0–30, higher is steadier).",
         (("cait_score", "each"),), scale="cait", top=30),
    Test("faam_adl", "Everyday activities", "%",
         "A questionnaire on daily activities (higher is better).", (("faam_adl", "each"),),
         scale="faam_adl", top=100),
    Test("faam_sports", "Sport and exercise", "%",
         "A questionnaire on sport and exercise (higher is better).",
         (("faam_sports", "each"),), scale="faam_sports", top=100),
    Test("confidence", "Confidence in the ankle", "/10",
         "How ready the ankle feels, from 0 to 10.", (("confidence", "each"),),
         scale="confidence", top=10),
    Test("pain_24h", "Worst pain over 24 hours", "/10",
         "The worst ankle pain of the last day, from 0 to 10, asked with the readiness check.",
         (("pain_24h", "each"),), scale="pain_24h", top=10),
)

OP_WORDS = {">=": "or more", ">": "more than", "<=": "or less", "<": "less than"}
OP_SIGN = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def _unit(value: float, unit: str) -> str:
    return f"{num(value)}{unit}" if unit in ("%", "/10", "°") else f"{num(value)} {unit}"


def _amount(op: str, value: float, unit: str) -> str:
    """"10 cm or more", "more than 23.5 s"."""
    words = OP_WORDS.get(op, "")
    if op in (">", "<"):
        return f"{words} {_unit(value, unit)}"
    return f"{_unit(value, unit)} {words}".strip()


@dataclass(frozen=True, slots=True)
class Goal:
    """One criterion a test is judged by, for this person, and the stage it leads to."""

    metric: str
    shape: Shape
    op: str
    threshold: float
    unit: str
    stage: int
    when: Literal["next", "later", "keep"]

    @property
    def phrase(self) -> str:
        if self.when == "keep":
            return f"Kept in stage {self.stage}"
        if self.when == "later":
            return f"Later, for stage {self.stage}"
        return f"Needed for stage {self.stage}"

    def describe(self, test_unit: str) -> str:
        """The criterion in words, e.g. "21 reps or more on each side"."""
        if self.shape == "each":
            sides = " on each side" if self.metric != "pain_24h" and test_unit not in (
                "%", "/10") else ""
            return _amount(self.op, self.threshold, self.unit) + sides
        if self.shape == "difference":
            return f"the two sides within {_unit(self.threshold, self.unit)} of each other"
        if self.shape == "faster_pct":
            return (f"the slower side at most {num(100 * 100 / self.threshold - 100)}% "
                    f"slower than the faster")
        return f"the weaker side at least {num(self.threshold)}% of the stronger"


def _goal_from(c: CriterionResult, shape: Shape, stage: int,
               when: Literal["next", "later", "keep"]) -> Goal:
    return Goal(c.metric, shape, c.op, c.threshold, c.unit, stage, when)


def goals_for(test: Test, decision: Decision | None, protocol: Protocol) -> list[Goal]:
    """The criteria the person's next step asks of this test (or, when the next gate does
    not test it, what the clearance gate will ask later)."""
    out: list[Goal] = []
    current = decision.stage if decision is not None else None
    for metric, shape in test.metrics:
        found: Goal | None = None
        gate = decision.gate if decision is not None else None
        if gate is not None and current is not None:
            c = next((c for c in gate.criteria if c.metric == metric and c.required
                      and not c.not_applicable), None)
            if c is not None:
                found = _goal_from(c, shape, gate.to_stage,
                                   "keep" if current >= gate.to_stage else "next")
        clearance = decision.clearance if decision is not None else None
        if found is None and clearance is not None:
            c = next((c for c in clearance.criteria if c.metric == metric and c.required
                      and not c.not_applicable), None)
            if c is not None:
                found = _goal_from(c, shape, clearance.to_stage,
                                   "keep" if (current or 0) >= clearance.to_stage
                                   else "later")
        if found is None and decision is None:  # nobody decided yet: the protocol's own
            for stage in protocol.stages:
                p = next((p for p in stage.gate if p.metric == metric), None)
                if p is not None:
                    found = Goal(metric, shape, p.op, p.threshold, p.unit,
                                 min(stage.number + 1, 4), "later")
                    break
        if found is not None:
            out.append(found)
    return out


def readings(history: History, test: Test, as_of: dt.date) -> list[Reading]:
    """The test's results up to ``as_of``, by date: one per side and day (the day's last)."""
    if test.measure is not None:
        day: dict[tuple[dt.date, str], Reading] = {}
        for m in history.measurements:
            if m.kind is test.measure and m.date <= as_of:
                day[(m.date, m.side.value)] = Reading(m.date, m.side.value, m.value, m.notes)
        return sorted(day.values(), key=lambda r: (r.date, r.series))
    if test.scale is None:
        return []
    out: dict[tuple[dt.date, str], Reading] = {}
    for s in scores(history.questionnaires, load_instruments()):
        if s.scale == test.scale and s.value is not None and s.date <= as_of:
            series = s.side.value if s.side is not None else "Score"
            out[(s.date, series)] = Reading(s.date, series, s.value)
    return sorted(out.values(), key=lambda r: (r.date, r.series))


def _latest(rs: Sequence[Reading]) -> dict[str, Reading]:
    latest: dict[str, Reading] = {}
    for r in rs:
        latest[r.series] = r
    return latest


def targets(goals: Sequence[Goal], rs: Sequence[Reading], unit: str) -> list[Target]:
    """The lines to draw: an absolute value as it is, a two-sided criterion as the value the
    other side has to reach (from the better side's latest result)."""
    out: list[Target] = []
    latest = _latest(rs)
    both = [latest[s.value].value for s in SIDES if s.value in latest]
    for g in goals:
        if g.shape == "each":
            value = g.threshold
            label = f"{g.phrase}: {OP_SIGN.get(g.op, g.op)} {_unit(value, unit)}"
            out.append(Target(value, label, g.phrase, f"{g.phrase}: {g.describe(unit)}"))
            continue
        if len(both) < 2:
            continue
        if g.shape == "better_pct":
            value, who, sign = max(both) * g.threshold / 100, "weaker side", "≥"
        elif g.shape == "faster_pct":
            value, who, sign = min(both) * 100 / g.threshold, "slower side", "≤"
        else:
            value, who, sign = max(both) - g.threshold, "other side", "≥"
        value = round(value, 1)
        label = f"{g.phrase}: {who} {sign} {_unit(value, unit)}"
        out.append(Target(value, label, f"{who.capitalize()}, stage {g.stage}",
                          f"{g.phrase}: {g.describe(unit)}"))
    return out


def _passes(op: str, value: float, threshold: float) -> bool:
    return {">=": value >= threshold, ">": value > threshold, "<=": value <= threshold,
            "<": value < threshold}.get(op, False)


def summary(test: Test, goals: Sequence[Goal], rs: Sequence[Reading]) -> str:
    """One line in plain words: the latest result, and what the next step asks."""
    if not rs:
        text = "Not tested yet."
    else:
        latest = _latest(rs)
        parts = [f"{n if n in ('left', 'right') else 'latest'} {_unit(r.value, test.unit)}"
                 for n, r in latest.items()]
        when = max(r.date for r in latest.values())
        text = ", ".join(parts).capitalize() + f" ({when:%a %-d %b})."
    for g in goals:
        text += f" {g.phrase}: {g.describe(test.unit)}"
        if rs and g.shape == "each":
            latest = _latest(rs)
            ok = [_passes(g.op, r.value, g.threshold) for r in latest.values()]
            if ok and all(ok):
                text += " — reached"
            elif any(ok):
                text += " — one side there"
        text += "."
    return text


@dataclass(frozen=True, slots=True)
class Section:
    """One test on the progress page: its chart, its line of words and its table."""

    test: Test
    summary: str
    svg: Markup
    readings: tuple[Reading, ...]
    goals: tuple[Goal, ...] = field(default=())

    @property
    def tested(self) -> bool:
        return bool(self.readings)

    def value_text(self, r: Reading) -> str:
        return _unit(r.value, self.test.unit)


def section(history: History, test: Test, decision: Decision | None, protocol: Protocol,
            as_of: dt.date) -> Section:
    rs = readings(history, test, as_of)
    goals = goals_for(test, decision, protocol)
    lines = targets(goals, rs, test.unit)
    if test.id == "knee_to_wall":  # lunge angles drawn too, converted roughly
        svg = charts.dorsiflexion_chart(history, protocol, as_of=as_of, targets=lines)
    else:
        svg = charts.series_chart(f"{test.title} for {history.person.name}", rs,
                                  kind=test.id.replace("_", "-"), unit=test.unit,
                                  targets=lines, hint="A result will show here.", hi=test.top)
    return Section(test, summary(test, goals, rs), svg, tuple(rs), tuple(goals))


def sections(history: History, decision: Decision | None, protocol: Protocol,
             as_of: dt.date) -> list[Section]:
    """Every test and score, in the order of :data:`TESTS`."""
    return [section(history, t, decision, protocol, as_of) for t in TESTS]


# --- the report's rows (CSV and PDF) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    date: dt.date
    test: str
    side: str
    value: float
    unit: str
    threshold: str
    needed_for: str


CSV_HEADER = ("date", "test", "side", "value", "unit", "threshold", "needed_for")


def report_rows(found: Sequence[Section]) -> list[Row]:
    """One row per result, by date then test: the threshold the person is working toward
    (as on the chart) and the stage it is for."""
    rows: list[Row] = []
    for s in found:
        thr = "; ".join(f"{OP_SIGN.get(g.op, g.op)} {_unit(g.threshold, g.unit)}"
                        + ("" if g.shape == "each" else f" ({g.describe(s.test.unit)})")
                        for g in s.goals)
        stage = "; ".join(dict.fromkeys(g.phrase for g in s.goals))
        for r in s.readings:
            side = r.series if r.series in ("left", "right") else ""
            rows.append(Row(r.date, s.test.title, side, r.value, s.test.unit, thr, stage))
    rows.sort(key=lambda r: (r.date, r.test, r.side))
    return rows


def row_value_text(r: Row) -> str:
    return _unit(r.value, r.unit)


@dataclass(frozen=True, slots=True)
class PairedRow:
    """One test on one day, both sides together (the PDF's table)."""

    date: dt.date
    test: str
    left: str
    right: str
    result: str
    """The value of a test without sides (a score); "" for a test with sides."""
    threshold: str
    needed_for: str


def paired_rows(rows: Sequence[Row]) -> list[PairedRow]:
    """:func:`report_rows` with a day's left and right of a test on one line."""
    out: dict[tuple[dt.date, str], dict[str, str]] = {}
    for r in rows:
        line = out.setdefault((r.date, r.test), {"threshold": r.threshold,
                                                 "needed_for": r.needed_for})
        line[r.side or "result"] = row_value_text(r)
    return [PairedRow(d, t, v.get("left", ""), v.get("right", ""), v.get("result", ""),
                      v["threshold"], v["needed_for"]) for (d, t), v in out.items()]
