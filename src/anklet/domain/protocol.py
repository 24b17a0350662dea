"""Stages, gates, pain rules and dosing, loaded from a versioned data file.

The shipped protocol is ``anklet/data/protocol.yaml``; a coach can load an
adjusted copy. Loading checks everything a mistake could break: unknown
metrics, categories or source keys, a threshold outside what the metric can
ever read (an "impossible" threshold), stages out of order. Each problem is
reported with the file and the line of the entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from anklet.domain.datafile import (
    DataModel,
    Number,
    file_checks,
    parse_yaml,
    read_text,
    strip_lines,
    validate_file_model,
)
from anklet.domain.errors import DataFileError
from anklet.domain.exercises import Category
from anklet.domain.measures import MeasureKind

Op = Literal[">=", ">", "<=", "<"]


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """What a metric reads: per side or not, the values it can take, the params it needs."""

    per_side: bool
    low: float
    high: float
    params: frozenset[str] = frozenset()


METRICS: dict[str, MetricSpec] = {
    # ``or_every_available_day``: where the person's week can hold the work on fewer days than
    # the threshold, doing it on every such day counts instead (a perfect follower can pass)
    "category_days": MetricSpec(False, 0, 28, frozenset({"category", "days",
                                                         "or_every_available_day"})),
    # self-reports from the latest screen or check-in within ``days`` (default: settings.
    # self_report_days); ``giving_way`` reads 1 if any answer within ``days`` said so
    "pain_rest": MetricSpec(True, 0, 10, frozenset({"days"})),
    "pain_activity": MetricSpec(True, 0, 10, frozenset({"days"})),
    "giving_way": MetricSpec(True, 0, 1, frozenset({"days"})),
    "swelling": MetricSpec(True, 0, 1, frozenset({"days"})),
    # knee-to-wall distance (cm) and lunge angle (degrees) are judged each in its own unit,
    # never converted (a criterion ``group`` lets either test count)
    "dorsiflexion_cm": MetricSpec(True, 0, 25),
    "lunge_angle_deg": MetricSpec(True, 0, 90),
    "dorsiflexion_test_pain": MetricSpec(True, 0, 10),
    "lunge_angle_test_pain": MetricSpec(True, 0, 10),
    "dorsiflexion_asymmetry_cm": MetricSpec(False, 0, 25),
    "lunge_angle_asymmetry_deg": MetricSpec(False, 0, 90),
    "heel_raise_lsi": MetricSpec(False, 0, 100),
    "heel_raise_reps": MetricSpec(True, 0, 200),
    "single_leg_hop": MetricSpec(True, 0, 10),
    "single_leg_hop_pain": MetricSpec(True, 0, 10),
    # days since the latest sprain on either side (no sprain on record: not applicable)
    "days_since_sprain": MetricSpec(False, 0, 36500),
    "side_hop_lsi": MetricSpec(False, 0, 100),
    "balance_eyes_open": MetricSpec(True, 0, 300),
    "balance_eyes_closed": MetricSpec(True, 0, 300),
    "y_balance_anterior_diff_cm": MetricSpec(False, 0, 150),
    "session_pain_max": MetricSpec(False, 0, 10, frozenset({"days"})),
    "unsettled_sessions": MetricSpec(False, 0, 100, frozenset({"days"})),
    "adherence_pct": MetricSpec(False, 0, 100, frozenset({"days"})),
    # self-report scores (anklet/data/questionnaires.yaml); ``days``: how recent (default:
    # settings.retest_days)
    "cait_score": MetricSpec(True, 0, 30, frozenset({"days"})),
    "faam_adl": MetricSpec(False, 0, 100, frozenset({"days"})),
    "faam_sports": MetricSpec(False, 0, 100, frozenset({"days"})),
    "confidence": MetricSpec(False, 0, 10, frozenset({"days"})),
    "pain_24h": MetricSpec(False, 0, 10, frozenset({"days"})),
    # days in the window with a qualifying logged session
    "agility_sessions": MetricSpec(False, 0, 28, frozenset({"days", "min_rounds", "max_pain"})),
    "full_sessions": MetricSpec(False, 0, 28, frozenset({"days", "max_pain"})),
}
"""Every metric a gate may name, under a stable string key."""


class RedFlag(DataModel):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    question: Annotated[str, Field(min_length=10)]
    source: str


class Target(DataModel):
    """A weekly frequency target the planner schedules and adherence checks."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    label: str
    categories: Annotated[list[Category], Field(min_length=1)]
    per_week: Annotated[int, Field(ge=0, le=7)]
    pick: Annotated[int, Field(ge=1, le=6)]
    spacing: Literal["no_consecutive"] | None = None
    before_runs: bool = False
    recorded_runs: bool = False
    """With ``before_runs``: recorded long or interval runs (imported from a watch) also
    count as runs this target must come before, not only the planned ones."""
    cover_motions: bool = False
    cover_planes: bool = False
    priority: Literal["gate"] | None = None
    """``gate``: the stage's gate counts this target's days, so the planner places it before
    anything else, shrunk to its smallest effective form when time is short."""
    source: str

    @property
    def daily(self) -> bool:
        return self.per_week == 7


class Audience(DataModel):
    """Who a criterion is for: goal types (``unknown`` when none is given) and an age."""

    profiles: list[Literal["walker", "runner", "lifter", "court_field_sport", "other",
                           "unknown"]] | None = None
    min_age: Annotated[int, Field(ge=0, le=120)] | None = None

    def matches(self, profile: str, age: int | None) -> bool:
        if self.profiles is not None and profile not in self.profiles:
            return False
        return self.min_age is None or (age is not None and age >= self.min_age)


class Criterion(DataModel):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    label: str
    metric: str
    params: dict[str, Any] = Field(default_factory=dict)
    op: Op
    threshold: float
    unit: str = ""
    source: str
    note: str | None = None
    domain: str | None = None
    """The clearance-checklist domain (a PAASS domain, Smith2021) this criterion belongs to."""
    required: bool = True
    """False: shown on the checklist but not needed to pass the gate."""
    how: str | None = None
    """The test or record that fills this criterion (shown while it is not assessed)."""
    group: str | None = None
    """Criteria of one group are alternatives measuring the same thing in different units
    (a knee-to-wall distance or a lunge angle): the one tested most recently counts, the
    others are shown as not needed."""
    only: Audience | None = None
    """The criterion applies only to people who match (their goal and age)."""
    unless: Audience | None = None
    """The criterion does not apply to people who match."""
    by_sex: dict[Literal["female", "male"], float] | None = None
    """A threshold per sex (published norms); ``threshold`` applies when sex is not given."""

    def applies(self, profile: str, age: int | None) -> bool:
        """Whether the criterion applies to a person with this goal type and age."""
        if self.only is not None and not self.only.matches(profile, age):
            return False
        return self.unless is None or not self.unless.matches(profile, age)

    @property
    def per_side(self) -> bool:
        return METRICS[self.metric].per_side

    def passes(self, value: float) -> bool:
        """Whether ``value`` meets the threshold; values are compared at 6 decimals, so a
        difference such as 12.0 − 10.1 counts as the 1.9 it is on paper."""
        value = round(value, 6)
        t = self.threshold
        if self.op == ">=":
            return value >= t
        if self.op == ">":
            return value > t
        if self.op == "<=":
            return value <= t
        return value < t


class Habit(DataModel):
    """An everyday habit shown on the plan; ``profiles`` limits it to some people."""

    text: Annotated[str, Field(min_length=3)]
    profiles: list[Literal["walker", "runner", "lifter", "court_field_sport", "other"]] = Field(
        default_factory=list)


class Stage(DataModel):
    number: Annotated[int, Field(ge=1, le=4)]
    name: str
    summary: str
    why: str
    min_days: Number
    habits: list[str | Habit] = Field(default_factory=list)
    targets: list[Target]
    gate: list[Criterion] = Field(default_factory=list)


class PainMonitoring(DataModel):
    safe_max: Number
    acceptable_max: Number
    flare_window_days: Number
    step_back_flares: Number
    rising_weeks: Number


class RangeLoss(DataModel):
    mdc_cm: Number
    mdc_deg: Number = Number.model_construct(value=4.7, source="Powden2015")
    lookback_days: Number


class Dosing(DataModel):
    start_level: Number
    weekly_increase: Number
    max_level: Number
    flare_factor: Number
    min_level: Number


class Settings(DataModel):
    retest_days: Number
    recent_sprain_days: Number
    missed_sessions_pct: Number
    self_report_days: Number = Number.model_construct(value=14.0, source="convention")
    """Symptom answers (pain, swelling, giving way) older than this no longer count."""
    referral_after_days: Number = Number.model_construct(value=90.0, source="convention")
    """Swelling or giving way this long after a sprain, with an unstable-ankle CAI score,
    suggests seeing a clinician for an assessment."""
    referral_cait_max: Number = Number.model_construct(value=25.0, source="Wright2014")
    rest_between_sets_s: Number = Number.model_construct(value=30.0, source="convention")
    """The rest a guided session gives between two sets of an exercise, in seconds."""


class Placement(DataModel):
    """Where a person starts: someone with no ankle injury for ``injury_free_days``, no
    surgery and no symptoms at the first screen starts at ``clean_start_stage``; if the tests
    of the gate into stage 3 already pass on the first day, at ``tested_start_stage``."""

    injury_free_days: Number
    clean_start_stage: Number
    tested_start_stage: Number | None = None


class RunRules(DataModel):
    """How recorded runs are read: what counts as long, as intervals, as falling cadence."""

    long_floor_min: Number
    long_median_factor: Number
    long_lookback_days: Number
    long_min_previous_runs: Number
    interval_min_work_laps: Number
    interval_speed_gap_pct: Number
    cadence_trend_runs: Number
    cadence_min_runs: Number
    cadence_drop_pct: Number


class AsymmetryRule(DataModel):
    """How to judge a left/right difference for one two-sided test."""

    measure: Literal["dorsiflexion", "lunge_angle", "heel_raise", "balance_eyes_open", "balance_eyes_closed",
                     "y_balance_anterior", "side_hop"]
    label: str
    kind: Literal["difference", "lsi"]
    threshold: float
    unit: str
    source: str
    measurement_error: Number | None = None
    """The test's left–right measurement error in the test's own unit: a difference no
    larger than this is not called an asymmetry, whatever the LSI."""


CHANGE_SCALES = ("cait", "faam_adl", "faam_sports")
"""Questionnaire scales whose change over time is judged (ids in questionnaires.yaml)."""


class ChangeRule(DataModel):
    """How large a change between two tests of one measure must be to be real, not error.

    ``same_rater`` applies when the same person measured both tests (or neither rater was
    recorded; for a questionnaire the person is their own rater); ``between_raters`` when
    two different people did (default: the same figure). ``figure``: ``mdc`` (a change must
    be larger than it) or ``mcid`` (a change must be at least it)."""

    measure: str
    figure: Literal["mdc", "mcid"] = "mdc"
    same_rater: Number
    between_raters: Number | None = None


class ChecklistDomain(DataModel):
    """One group of the clearance checklist; the PAASS domains (Smith2021) and any extra."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    label: str
    covers: str
    paass: bool = True


class ClearanceDomains(DataModel):
    source: str
    domains: Annotated[list[ChecklistDomain], Field(min_length=1)]


class Blocker(DataModel):
    """What the planner adds when a criterion reading one of ``metrics`` is assessed and
    unmet: blocks of ``categories`` on ``per_week`` days, extra sets on the lagging side of
    the ``asymmetry`` measure."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    label: str
    metrics: Annotated[list[str], Field(min_length=1)]
    asymmetry: str | None = None
    categories: Annotated[list[Category], Field(min_length=1)]
    per_week: Number


class LoadRules(DataModel):
    """What is kept off the days around hard runs and races."""

    gait_prep_before_long_max_min: Number
    lunge_reps_per_leg_max: Number
    lunge_min_reps_per_set: Number
    lunge_words: Annotated[list[Annotated[str, Field(min_length=3)]], Field(min_length=1)]
    race_week_categories: Annotated[list[Category], Field(min_length=1)]
    after_race_dose_factor: Number
    after_race_days: Number


class PlannerRules(DataModel):
    """How the planner fits the work into a week (the ``planner`` section)."""

    blockers: list[Blocker] = Field(default_factory=list)
    lagging_side_extra_sets: Number
    recent_sprain_max_level: Number
    older_age: Number
    lifter_early_days: Number
    no_form_work_before_race_weeks: Number
    hard_run_categories: list[Category] = Field(default_factory=list)
    load: LoadRules
    low_impact_agility_max_level: Number = Number.model_construct(value=2.0, source="convention")
    """The highest agility or landing level for walkers and people 60 and over."""
    gait_off_days: Number = Number.model_construct(value=7.0, source="Method")
    """A session logged with "my gait feels off" this many days before a week (or in it so
    far) puts a gait check in that week."""
    coach_pin_sets_extra: Number = Number.model_construct(value=1.0, source="convention")
    """A coach's pinned dose may have at most this many sets more or fewer than the
    exercise's own (its reps or seconds keep to the dose levels of ``dosing``)."""
    coach_added_per_week: Number = Number.model_construct(value=2.0, source="convention")
    """Days a week for a coach's added exercise that no target of the stage holds."""


class Protocol(DataModel):
    id: str
    version: Annotated[int, Field(ge=1)]
    title: str
    sources: dict[str, str]
    red_flags: Annotated[list[RedFlag], Field(min_length=1)]
    settings: Settings
    pain_monitoring: PainMonitoring
    range_loss: RangeLoss
    dosing: Dosing
    runs: RunRules
    stages: Annotated[list[Stage], Field(min_length=4, max_length=4)]
    asymmetry: list[AsymmetryRule] = Field(default_factory=list)
    clearance_domains: ClearanceDomains
    planner: PlannerRules
    change: list[ChangeRule] = Field(default_factory=list)
    """Measurement error of each test over time; a file without it judges no change."""
    placement: Placement | None = None
    """Placement at intake by capability; without it everyone starts at stage 1."""

    def stage(self, number: int) -> Stage:
        return self.stages[number - 1]

    @property
    def clearance_gate(self) -> list[Criterion]:
        """The checklist that clears a person to train normally (the gate into stage 4)."""
        return self.stages[2].gate

    def red_flag(self, flag_id: str) -> RedFlag | None:
        return next((f for f in self.red_flags if f.id == flag_id), None)

    def domain(self, domain_id: str) -> ChecklistDomain | None:
        return next((d for d in self.clearance_domains.domains if d.id == domain_id), None)

    def change_rule(self, measure: str) -> ChangeRule | None:
        """The change rule of a measure kind or questionnaire scale, if the file has one."""
        return next((r for r in self.change if r.measure == measure), None)


# --- loading and validation -------------------------------------------------


def parse_protocol(text: str, *, name: str) -> Protocol:
    """Parse and validate protocol YAML text."""
    raw = parse_yaml(text, name=name)
    if not isinstance(raw, dict):
        raise DataFileError(name, None, "expected a mapping at the top of the file")
    proto = validate_file_model(Protocol, strip_lines(raw), raw=raw, name=name)
    _check(proto, raw, name)
    return proto


def _check(p: Protocol, raw: dict[str, Any], name: str) -> None:
    """Every rule a protocol file must keep beyond its schema, in the order of ``_CHECKS``:
    the first one broken is reported with the file and its line."""
    fail, check_source = file_checks(raw, name, p.sources)
    for check in _CHECKS:
        check(p, fail, check_source)


def _check_red_flags(p: Protocol, fail: Any, check_source: Any) -> None:
    """Each red flag has a known source and an id of its own."""
    ids = [f.id for f in p.red_flags]
    for i, f in enumerate(p.red_flags):
        check_source(("red_flags", i), f.source)
        if ids.count(f.id) > 1:
            fail(("red_flags", i), f"red flag id {f.id!r} appears twice")


def _check_section_sources(p: Protocol, fail: Any, check_source: Any) -> None:
    """Every number of the plain sections names a known source."""
    for section in ("settings", "pain_monitoring", "range_loss", "dosing", "runs"):
        for key, num in getattr(p, section):
            check_source((section, key), num.source)


def _check_pain_and_dosing(p: Protocol, fail: Any, check_source: Any) -> None:
    """Pain limits on the 0-10 scale, in order; dose levels in order; a flare cuts the dose."""
    pm, d = p.pain_monitoring, p.dosing
    for key in ("safe_max", "acceptable_max"):
        v = getattr(pm, key).value
        if not 0 <= v <= 10:
            fail(("pain_monitoring", key), f"{key} {v:g} is impossible; pain is rated 0 to 10")
    if pm.safe_max.value > pm.acceptable_max.value:
        fail(("pain_monitoring",), "safe_max must not be above acceptable_max")
    if not 0 < d.min_level.value <= d.start_level.value <= d.max_level.value:
        fail(("dosing",), "dose levels must satisfy 0 < min_level <= start_level <= max_level")
    if not 0 < d.flare_factor.value < 1:
        fail(("dosing", "flare_factor"), "flare_factor must be between 0 and 1")


def _check_asymmetry(p: Protocol, fail: Any, check_source: Any) -> None:
    """Asymmetry rules: known sources, a measurement error above 0, thresholds that fit
    their kind (an LSI in (0, 100], a difference not negative)."""
    for ai, a in enumerate(p.asymmetry):
        check_source(("asymmetry", ai), a.source)
        if a.measurement_error is not None:
            check_source(("asymmetry", ai, "measurement_error"), a.measurement_error.source)
            if a.measurement_error.value <= 0:
                fail(("asymmetry", ai, "measurement_error"), "measurement_error must be above 0")
        if a.kind == "lsi" and not 0 < a.threshold <= 100:
            fail(("asymmetry", ai), f"an LSI threshold must be above 0 and at most 100, "
                                    f"got {a.threshold:g}")
        if a.kind == "difference" and a.threshold < 0:
            fail(("asymmetry", ai), "a difference threshold must not be negative")


def _check_settings(p: Protocol, fail: Any, check_source: Any) -> None:
    """Settings a person's data is judged by: a percentage and day counts that can be met."""
    if not 0 <= p.settings.missed_sessions_pct.value <= 100:
        fail(("settings", "missed_sessions_pct"), "missed_sessions_pct must be 0 to 100")
    for key in ("retest_days", "recent_sprain_days", "self_report_days",
                "referral_after_days"):
        if getattr(p.settings, key).value < 1:
            fail(("settings", key), f"{key} must be at least 1 day")
    if not 0 <= p.settings.referral_cait_max.value <= 30:
        fail(("settings", "referral_cait_max"), "referral_cait_max must be 0 to 30 (a CAIT "
                                                "score)")


def _check_run_rules(p: Protocol, fail: Any, check_source: Any) -> None:
    """The run rules (see ``_check_runs``)."""
    _check_runs(p.runs, fail)


def _check_range_loss(p: Protocol, fail: Any, check_source: Any) -> None:
    """A range loss is only real beyond a detectable change above 0."""
    if p.range_loss.mdc_cm.value <= 0:
        fail(("range_loss", "mdc_cm"), "mdc_cm must be above 0")


def _check_stages(p: Protocol, fail: Any, check_source: Any) -> None:
    """Stages in order, each with sourced days, sound targets and (but the last) a gate of
    sound criteria."""
    for si, stage in enumerate(p.stages):
        if stage.number != si + 1:
            fail(("stages", si), f"stage {stage.number} is out of order; expected {si + 1}")
        check_source(("stages", si, "min_days"), stage.min_days.source)
        if stage.min_days.value < 0:
            fail(("stages", si, "min_days"), "min_days must not be negative")
        _check_targets(si, stage, fail, check_source)
        if si < 3 and not stage.gate:
            fail(("stages", si), f"stage {stage.number} needs a gate to the next stage")
        for ci, c in enumerate(stage.gate):
            _check_criterion(p, ("stages", si, "gate", ci), si, c, fail, check_source)


def _check_targets(si: int, stage: Stage, fail: Any, check_source: Any) -> None:
    """A stage's targets: known sources, ``recorded_runs`` only with ``before_runs``, ids
    once."""
    tids = [t.id for t in stage.targets]
    for ti, t in enumerate(stage.targets):
        check_source(("stages", si, "targets", ti), t.source)
        if t.recorded_runs and not t.before_runs:
            fail(("stages", si, "targets", ti), "recorded_runs only applies to a target "
                                                "with before_runs: true")
        if tids.count(t.id) > 1:
            fail(("stages", si, "targets", ti), f"target id {t.id!r} appears twice in a stage")


def _check_criterion(p: Protocol, loc: tuple[int | str, ...], si: int, c: Criterion,
                     fail: Any, check_source: Any) -> None:
    """A gate criterion: a known metric with its own parameters, a known domain (every
    clearance criterion has one), and a threshold the metric can read and can meet."""
    check_source(loc, c.source)
    spec = METRICS.get(c.metric)
    if spec is None:
        fail(loc, f"unknown metric {c.metric!r}; known: {', '.join(sorted(METRICS))}")
        return
    _check_params(loc, c, spec, fail)
    if c.domain is not None and p.domain(c.domain) is None:
        fail(loc, f"unknown domain {c.domain!r}; known: "
                  f"{', '.join(d.id for d in p.clearance_domains.domains)}")
    if si == 2 and c.domain is None:
        fail(loc, f"clearance criterion {c.id!r} needs a domain (one of: "
                  f"{', '.join(d.id for d in p.clearance_domains.domains)})")
    if not spec.low <= c.threshold <= spec.high:
        fail(loc, f"threshold {c.threshold:g} is impossible for {c.metric!r}, which reads "
                  f"{spec.low:g} to {spec.high:g}")
    never = (c.op == ">" and c.threshold >= spec.high) or (
        c.op == "<" and c.threshold <= spec.low)
    if never:
        fail(loc, f"'{c.op} {c.threshold:g}' can never be met: {c.metric!r} reads "
                  f"{spec.low:g} to {spec.high:g}")


def _check_params(loc: tuple[int | str, ...], c: Criterion, spec: MetricSpec,
                  fail: Any) -> None:
    """A criterion's parameters: only those its metric takes, each with a value it accepts."""
    extra = set(c.params) - spec.params
    if extra:
        fail(loc, f"metric {c.metric!r} takes no parameter(s) {sorted(extra)}")
    if "category" in spec.params:
        cat = c.params.get("category")
        if cat not in {x.value for x in Category}:
            fail(loc, f"unknown category {cat!r}; known: "
                      f"{', '.join(x.value for x in Category)}")
    if "days" in c.params:
        days = c.params["days"]
        if not isinstance(days, int) or not 1 <= days <= 28:
            fail(loc, f"days {days!r} must be a whole number from 1 to 28")
    for key, low, high in (("min_rounds", 1, 50), ("max_pain", 0, 10)):
        v = c.params.get(key)
        if key in c.params and (not isinstance(v, int) or not low <= v <= high):
            fail(loc, f"{key} {v!r} must be a whole number from {low} to {high}")


def _check_change(p: Protocol, fail: Any, check_source: Any) -> None:
    """Each change rule names a known measure once, with figures above 0 and known sources."""
    known = [k.value for k in MeasureKind] + list(CHANGE_SCALES)
    seen: set[str] = set()
    for ri, r in enumerate(p.change):
        if r.measure not in known:
            fail(("change", ri), f"unknown measure {r.measure!r}; known: {', '.join(known)}")
        if r.measure in seen:
            fail(("change", ri), f"measure {r.measure!r} appears twice")
        seen.add(r.measure)
        for key in ("same_rater", "between_raters"):
            num = getattr(r, key)
            if num is None:
                continue
            check_source(("change", ri, key), num.source)
            if not num.value > 0:
                fail(("change", ri, key), f"{key} {num.value:g} must be above 0")


def _check_domains(p: Protocol, fail: Any, check_source: Any) -> None:
    """Every checklist domain once; every PAASS domain holds a clearance criterion."""
    cd = p.clearance_domains
    check_source(("clearance_domains", "source"), cd.source)
    ids = [d.id for d in cd.domains]
    for di, d in enumerate(cd.domains):
        if ids.index(d.id) != di:
            fail(("clearance_domains", "domains", di), f"domain id {d.id!r} appears twice")
        if d.paass and not any(c.domain == d.id for c in p.clearance_gate):
            fail(("clearance_domains", "domains", di),
                 f"PAASS domain {d.id!r} has no clearance criterion; give at least one "
                 f"(required: false to show it without needing it)")


def _check_planner(p: Protocol, fail: Any, check_source: Any) -> None:
    """Planner rules: known metrics, sourced numbers in range, gate priorities that a gate
    really counts."""
    pl = p.planner
    numbers: dict[tuple[str, ...], tuple[Number, float, float, bool]] = {
        ("lagging_side_extra_sets",): (pl.lagging_side_extra_sets, 0, 5, True),
        ("recent_sprain_max_level",): (pl.recent_sprain_max_level, 1, 5, True),
        ("older_age",): (pl.older_age, 18, 110, True),
        ("lifter_early_days",): (pl.lifter_early_days, 0, 28, True),
        ("no_form_work_before_race_weeks",): (pl.no_form_work_before_race_weeks, 0, 26, True),
        ("load", "gait_prep_before_long_max_min"): (pl.load.gait_prep_before_long_max_min, 1,
                                                    60, False),
        ("load", "lunge_reps_per_leg_max"): (pl.load.lunge_reps_per_leg_max, 1, 500, True),
        ("load", "lunge_min_reps_per_set"): (pl.load.lunge_min_reps_per_set, 1, 50, True),
        ("load", "after_race_dose_factor"): (pl.load.after_race_dose_factor, 0.1, 1, False),
        ("load", "after_race_days"): (pl.load.after_race_days, 0, 28, True),
        ("gait_off_days",): (pl.gait_off_days, 0, 28, True),
        ("low_impact_agility_max_level",): (pl.low_impact_agility_max_level, 1, 5, True),
    }
    for bi, b in enumerate(pl.blockers):
        numbers[("blockers", str(bi), "per_week")] = (b.per_week, 1, 7, True)
        for m in b.metrics:
            if m not in METRICS and m not in PLANNER_METRICS:
                fail(("planner", "blockers", bi), f"unknown metric {m!r}; known: "
                                                  f"{', '.join(sorted(METRICS))}")
        if b.asymmetry is not None and b.asymmetry not in {a.measure for a in p.asymmetry}:
            fail(("planner", "blockers", bi), f"unknown asymmetry measure {b.asymmetry!r}")
    for key, (num, low, high, whole) in numbers.items():
        loc: tuple[int | str, ...] = ("planner", *(int(k) if k.isdigit() else k for k in key))
        check_source(loc, num.source)
        v = num.value
        if not low <= v <= high:
            fail(loc, f"{key[-1]} {v:g} must be from {low:g} to {high:g}")
        if whole and v != int(v):
            fail(loc, f"{key[-1]} {v:g} must be a whole number")
    for si, stage in enumerate(p.stages):
        counted = {str(c.params.get("category")) for c in stage.gate
                   if c.metric == "category_days"}
        for ti, t in enumerate(stage.targets):
            if t.priority == "gate" and counted.isdisjoint(t.categories):
                fail(("stages", si, "targets", ti),
                     f"target {t.id!r} has priority: gate, but stage {stage.number}'s gate "
                     f"counts no day of its categories; remove the priority or add a gate "
                     f"criterion (metric category_days)")


PLANNER_METRICS = frozenset({"lunge_angle_deg", "lunge_angle_asymmetry_deg", "heel_raise_reps"})
"""Metrics a planner blocker may name before any gate reads them."""


def _check_runs(r: RunRules, fail: Any) -> None:
    """The run rules must be numbers that can be met: whole counts, sensible ranges."""
    ranges: dict[str, tuple[float, float, bool]] = {  # key: (low, high, whole number)
        "long_floor_min": (1, 1440, False),
        "long_median_factor": (1, 10, False),
        "long_lookback_days": (1, 365, True),
        "long_min_previous_runs": (1, 100, True),
        "interval_min_work_laps": (2, 100, True),
        "interval_speed_gap_pct": (1, 200, False),
        "cadence_trend_runs": (3, 1000, True),
        "cadence_min_runs": (3, 1000, True),
        "cadence_drop_pct": (0.1, 50, False),
    }
    for key, (low, high, whole) in ranges.items():
        v = getattr(r, key).value
        if not low <= v <= high:
            fail(("runs", key), f"{key} {v:g} must be from {low:g} to {high:g}")
        if whole and v != int(v):
            fail(("runs", key), f"{key} {v:g} must be a whole number")
    if r.cadence_min_runs.value > r.cadence_trend_runs.value:
        fail(("runs", "cadence_min_runs"), "cadence_min_runs must not be above cadence_trend_runs")


_CHECKS: tuple[Callable[[Protocol, Any, Any], None], ...] = (
    _check_red_flags,
    _check_section_sources,
    _check_pain_and_dosing,
    _check_asymmetry,
    _check_settings,
    _check_run_rules,
    _check_range_loss,
    _check_stages,
    _check_domains,
    _check_planner,
    _check_change,
)
"""The protocol file's own checks, in the order they run: ``fail`` stops at the first."""


_DEFAULT: Protocol | None = None


def load_protocol(path: str | Path | None = None) -> Protocol:
    """Load the shipped protocol (cached) or a coach-supplied file."""
    global _DEFAULT
    if path is None and _DEFAULT is not None:
        return _DEFAULT
    text, name = read_text(path, "protocol.yaml")
    proto = parse_protocol(text, name=name)
    if path is None:
        _DEFAULT = proto
    return proto
