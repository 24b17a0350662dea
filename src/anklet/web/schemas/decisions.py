"""Decisions, week plans and adherence: the shapes of ``domain/views.py``'s dicts.

The routes send those dicts as they are (the CLI's ``--json`` prints the same ones); these
models document them, and the tests check every answer against them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from anklet.domain.decisions import DomainStatus, FlagKind, Status
from anklet.domain.history import Override, RunKind
from anklet.web.schemas.common import PublicModel

# --- adherence ----------------------------------------------------------------------------


class AdherenceTargetPublic(PublicModel):
    """One weekly target of the stage and how much of it was done."""

    id: str
    label: str
    required: int = Field(description="sessions (or days) the stage asks for in a week")
    done: int
    credited: int = Field(description="what counts towards the target")
    met: bool
    runs_needing_prep: int = Field(description="key runs this week that need gait prep")
    runs_kept: int = Field(description="of those, runs that had it")
    source: str


class AdherencePublic(PublicModel):
    """A week's sessions against the stage's targets."""

    start: dt.date
    end: dt.date
    stage: int
    pct: float = Field(description="share of the week's targets kept, 0–100")
    targets: list[AdherenceTargetPublic]


# --- decisions ----------------------------------------------------------------------------


class CriterionPublic(PublicModel):
    """One criterion of a gate: the values, the threshold, whether it is met, and why."""

    id: str
    label: str
    metric: str
    values: dict[str, float | None] = Field(description="value per side (left, right) or "
                                                        "``both``; null when not assessed")
    value_text: str
    op: str = Field(description="how the value compares with the threshold: >=, >, <=, <")
    threshold: float
    unit: str
    met: bool
    assessed: bool
    source: str = Field(description="key of the study or guideline behind the threshold")
    source_text: str
    reason: str = Field(description="the result in words and numbers")
    note: str | None
    domain: str | None
    required: bool
    how: str | None = Field(description="the test or record that fills it")
    where: str = Field(description="where the values come from (test dates, the window of "
                                   "sessions), and for a test out of date when it was last "
                                   "done; may be empty")
    stale: bool = Field(description="not assessed because the test is older than the "
                                    "protocol's re-test interval, not because it was never done")
    group: str | None = Field(default=None, description="criteria of one group measure the "
                              "same thing in different units (knee-to-wall cm or lunge angle "
                              "degrees); the one tested most recently counts")
    served_by: str | None = Field(default=None, description="for a criterion tested and not "
                                  "met: the work the plan adds for it, in words")


class GatePublic(PublicModel):
    """The checklist to move on to the next stage."""

    from_stage: int
    to_stage: int
    all_met: bool
    criteria: list[CriterionPublic]


class ChecklistDomainPublic(PublicModel):
    """One domain of the clearance checklist (PAASS, Smith2021) with its criteria."""

    id: str
    label: str
    covers: str
    paass: bool
    status: DomainStatus
    status_text: str
    to_fill: list[str]
    criteria: list[CriterionPublic]


class ChecklistPublic(PublicModel):
    """The clearance checklist (the gate into stage 4), grouped by domain."""

    all_met: bool
    met: int
    required: int
    source: str
    domains: list[ChecklistDomainPublic]


class AsymmetryPublic(PublicModel):
    """A left–right comparison of one test, judged against its threshold and measurement
    error."""

    measure: str
    label: str
    left: float
    right: float
    unit: str
    difference: float
    lsi: float = Field(description="limb symmetry index: the weaker side as % of the other")
    kind: str = Field(description="what the threshold applies to: difference or lsi")
    threshold: float
    meaningful: bool
    measurement_error: float | None
    error_source: str | None
    within_error: bool
    source: str
    reason: str


class FlagPublic(PublicModel):
    """Something that needs attention."""

    kind: FlagKind
    message: str


class RedFlagPublic(PublicModel):
    """A red flag answered yes: see a clinician first."""

    id: str
    question: str
    source: str
    date: dt.date


class StageChangePublic(PublicModel):
    """A change of stage or dose, with its cause and reason."""

    date: dt.date
    kind: Literal["start", "advance", "step_back", "reduce_dose", "override"]
    from_stage: int
    to_stage: int
    cause: FlagKind | None
    reason: str


class OverridePublic(Override):
    """A coach's decision to put the person in a stage, with the reason in words."""


class ProtocolPublic(PublicModel):
    id: str
    version: int


class DecisionPublic(PublicModel):
    """Where a person stands: stage and status, the next gate's checklist, left/right,
    flags and the reasons in words."""

    person: str
    as_of: dt.date
    protocol: ProtocolPublic
    status: Status
    status_text: str
    stage: int | None
    stage_name: str | None
    stage_since: dt.date | None
    days_in_stage: int | None
    dose_level: float
    variant_level: int
    clear_to_train: bool
    gate: GatePublic | None
    clearance: ChecklistPublic | None
    asymmetries: list[AsymmetryPublic]
    flags: list[FlagPublic]
    red_flags: list[RedFlagPublic]
    missing_screen: list[str] = Field(description="red-flag questions not answered yet")
    reasons: list[str]
    timeline: list[StageChangePublic]
    last_week: AdherencePublic | None
    override: OverridePublic | None = Field(
        default=None, description="the coach's override that set the current stage, while no "
                                  "automatic change has come after it")


# --- plans --------------------------------------------------------------------------------


class ExerciseLinkPublic(PublicModel):
    id: str
    name: str


class PlanExercisePublic(PublicModel):
    """An exercise of the plan with its dose, how-to, cautions and why."""

    id: str
    name: str
    dose: str
    minutes: int
    how: list[str]
    cautions: list[str]
    why: str
    easier: ExerciseLinkPublic | None
    harder: ExerciseLinkPublic | None
    coach: str | None = Field(default=None, description="what the person's coach changed "
                                                        "here, in words (null: nothing)")


class BeforeRunPublic(PublicModel):
    date: dt.date
    kind: RunKind
    title: str | None


class PlanBlockPublic(PublicModel):
    """A block of a day: exercises for one of the stage's targets."""

    target: str
    label: str
    minutes: int
    short: bool = Field(description="shortened to fit the time available")
    note: str | None = Field(description="why the block is there and how it was fitted")
    extra_side: str | None = Field(description="the side that is behind and gets extra sets")
    warning: str | None
    before_run: BeforeRunPublic | None = Field(description="gait prep: do it before this run")
    exercises: list[PlanExercisePublic]


class PlanRunPublic(PublicModel):
    kind: RunKind
    minutes: int | None
    title: str | None


class PlanDayPublic(PublicModel):
    date: dt.date
    weekday: str
    available: int = Field(description="minutes the person can give that day")
    minutes: int = Field(description="minutes of free time the plan uses")
    runs: list[PlanRunPublic]
    blocks: list[PlanBlockPublic]


class PlanIssuePublic(PublicModel):
    target: str
    rule: str
    message: str


class PlanMissingPublic(PublicModel):
    """Something the person must still give before the week can hold any exercise."""

    what: Literal["weekly_time"] = Field(
        description="weekly_time: no day has free minutes (set them with PUT "
                    "/api/v1/people/{key}/availability); an empty week then is not rest")
    message: str = Field(description="what is missing, in plain words")


class PlanCoachChangePublic(PublicModel):
    """A coach's change to the plan, as this week applies it."""

    kind: Literal["swap", "remove", "add", "pin"]
    exercise: str
    replacement: str | None
    since: dt.date = Field(description="the day it was made")
    applied: bool = Field(description="false: paused this week (``reason`` says why)")
    reason: str | None
    words: str = Field(description="what it does, in plain words")
    note: str = Field(description="why, in the coach's words")


class PlanPublic(PublicModel):
    """A week's plan, Monday to Sunday, on the person's available days and around runs."""

    person: str
    week_start: dt.date
    stage: int | None
    stage_name: str | None
    dose_level: float
    ok: bool
    refused: str | None = Field(description="why there is no plan (a red flag, say)")
    missing: list[PlanMissingPublic] = Field(
        description="what must be set before any exercise can be planned (empty when "
                    "nothing is missing): days without exercises are rest only when this is "
                    "empty")
    habits: list[str]
    notes: list[str] = Field(description="what shaped this week as a whole (race week, the "
                                         "week after, caution after a sprain)")
    dose_factor: float = Field(description="share of the normal dose this week is written at "
                                           "(lighter the week after a race); dose_level "
                                           "includes it")
    issues: list[PlanIssuePublic]
    days: list[PlanDayPublic]
    coach_changes: list[PlanCoachChangePublic] = Field(
        default_factory=list, description="the coach's changes in force this week, each "
                                          "applied or paused with the reason")


class EvaluationPublic(PublicModel):
    """A decision and the week's plan for a history document (nothing is stored)."""

    decision: DecisionPublic
    plan: PlanPublic


# --- change over time ----------------------------------------------------------------------


class ChangeComparisonPublic(PublicModel):
    """The latest test against one earlier test of the same measure and side."""

    against: Literal["previous", "baseline"]
    date: dt.date = Field(description="the earlier test's date")
    value: float = Field(description="the earlier test's value")
    change: float = Field(description="latest minus earlier, in the measure's unit")
    verdict: Literal["real_change", "within_error", "not_comparable", "no_figure"] = Field(
        description="real_change: beyond the measurement error; within_error: no larger than "
                    "it; not_comparable: measured with different methods; no_figure: the "
                    "protocol has no figure for this measure")
    verdict_text: str
    direction: Literal["improved", "worse", "same"] = Field(
        description="which way it went, whatever the verdict")
    error: float | None = Field(description="the measurement error used (MDC, or MCID for "
                                            "CAIT), in the measure's unit")
    figure: Literal["mdc", "mcid"] | None
    raters: Literal["same", "not_recorded", "different", "one_recorded"] | None = Field(
        description="who measured the two tests (null for a questionnaire)")
    source: str | None
    note: str | None
    methods: list[str] | None = Field(description="the methods of the earlier and the latest "
                                                   "test (null for a questionnaire)")


class MeasureChangePublic(PublicModel):
    """The latest test of one measure (or questionnaire scale) and side with its change
    since the previous test and since the first; both null for a first test."""

    measure: str = Field(description="a measure kind (knee_to_wall, lunge_angle, …) or a "
                                     "questionnaire scale (cait, faam_adl, faam_sports)")
    label: str
    side: Literal["left", "right"] | None
    unit: str
    date: dt.date
    value: float
    method: str | None
    rater: str | None
    tests: int = Field(description="how many tests of this measure and side up to as_of")
    previous: ChangeComparisonPublic | None
    baseline: ChangeComparisonPublic | None
    text: str = Field(description="the change in one line, as `anklet status` prints it")


class ChangesPublic(PublicModel):
    """Each measure's latest test and whether it changed for real since the last and the
    first test (degrees and centimetres apart, different methods never compared)."""

    person: str
    as_of: dt.date
    changes: list[MeasureChangePublic]
