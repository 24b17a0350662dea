"""The history document: everything known about one person.

This one model is what ``anklet evaluate`` reads, what ``anklet export``
writes and ``anklet import-history`` reads back, and what the store loads
for a person. Its JSON Schema is published at ``schema/history.schema.json``
(regenerate with ``anklet schema``). Every model forbids unknown fields so
a typo is named instead of silently ignored.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from anklet.domain.errors import HistoryError, InputError
from anklet.domain.measures import (
    LEG_LENGTH,
    MEASURE_INFO,
    ArchShape,
    FootPosture,
    MeasureKind,
    Method,
)
from anklet.domain.units import Side

FORMAT = "anklet-history"
VERSION = 1

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2199, 12, 31)


def _date_not_number(value: Any) -> Any:
    # pydantic reads a bare number as a Unix time; in a history that is always a mistake
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("a date as YYYY-MM-DD, not a number")
    return value


def _date_in_range(value: dt.date) -> dt.date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValueError(f"accepted: a date from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}")
    return value


Day = Annotated[dt.date, BeforeValidator(_date_not_number), AfterValidator(_date_in_range),
                Field(description="a date, YYYY-MM-DD, from 1900-01-01 to 2199-12-31")]
"""A calendar date from 1900 to 2199: far outside that is a typo, and date arithmetic near
the ends of the calendar (year 1 or 9999) would overflow."""



def check_day(field: str, value: dt.date | None) -> None:
    """InputError unless ``value`` (an as-of date, a week) is within :data:`Day`'s range."""
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise InputError(field, value.isoformat(),
                         f"accepted: a date from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}")


Pain = Annotated[int, Field(ge=0, le=10, description="0 = no pain, 10 = worst imaginable")]
Minutes = Annotated[int, Field(ge=0, le=240)]


class _Model(BaseModel):
    # defer_build: each model's validator is built when it first validates, not at import. A
    # command that only reads (the store builds its models without validating) never pays
    # for the thirty validators. The web app builds them all first (build_models). For the
    # same reason a default that is itself a model is made with model_construct (its
    # defaults, unvalidated): calling the model would build its validator at import.
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False,
                              defer_build=True)


def build_models() -> None:
    """Build every history model's validator now (they are built on first use otherwise),
    and stop deferring: a type adapter over a model (FastAPI's request bodies) follows the
    model's ``defer_build``, and one built later, outside FastAPI's set-up, warns about the
    body's ``alias``."""
    todo: list[type[BaseModel]] = [_Model]
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        if model is not _Model:
            model.model_rebuild()
        model.model_config["defer_build"] = False


class Activity(StrEnum):
    RUNNING = "running"
    LIFTING = "lifting"
    COURT_FIELD_SPORT = "court_field_sport"
    DAILY_LIFE = "daily_life"


class Person(_Model):
    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$",
                             description="short id: lower-case letters, digits, - and _")]
    name: Annotated[str, Field(min_length=1, max_length=120)]
    created: Day | None = None
    dominant_side: Side | None = None


class SideHistory(_Model):
    sprains: Annotated[int, Field(ge=0, le=100)] = 0
    last_sprain: Day | None = None
    surgery: bool = False
    surgery_date: Day | None = None

    @model_validator(mode="after")
    def _consistent(self) -> SideHistory:
        if self.last_sprain is not None and self.sprains == 0:
            raise ValueError("last_sprain is set but sprains is 0; give the number of sprains")
        if self.surgery_date is not None and not self.surgery:
            raise ValueError("surgery_date is set but surgery is false")
        return self


def whole_years(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (negative when ``end`` is before ``start``); a
    29 February start counts its anniversary on 1 March."""
    if end < start:
        return -whole_years(end, start)
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


class Sex(StrEnum):
    """Used only to pick published norms; left out (None) means "not given"."""

    FEMALE = "female"
    MALE = "male"


class GoalType(StrEnum):
    """The person's main goal, which decides the profile the plan is written for."""

    WALKER = "walker"
    RUNNER = "runner"
    LIFTER = "lifter"
    COURT_FIELD_SPORT = "court_field_sport"
    OTHER = "other"


AGE_MIN, AGE_MAX = 5, 110
"""Accepted age in years on the intake date: outside that is a typo."""


class Intake(_Model):
    """What a person told us when they started. Every profile field is optional, so older
    documents without them still load."""

    date: Day
    goals: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)
    left: SideHistory = SideHistory.model_construct()
    right: SideHistory = SideHistory.model_construct()
    age: Annotated[int, Field(ge=AGE_MIN, le=AGE_MAX,
                              description="age in years on the intake date")] | None = None
    sex: Sex | None = Field(default=None, description="used only to pick published norms")
    falls_12m: Annotated[int, Field(ge=0, le=100,
                                    description="falls in the last 12 months")] | None = None
    fear_of_falling: Annotated[int, Field(ge=0, le=10, description=(
        "0 = not at all afraid of falling, 10 = extremely afraid"))] | None = None
    goal_type: GoalType | None = Field(
        default=None, description="the main goal; when left out it is derived from activities")

    def side(self, side: Side) -> SideHistory:
        return self.left if side is Side.LEFT else self.right

    def age_on(self, day: dt.date) -> int | None:
        """The age on ``day``: the age given plus the whole years since the intake date
        (minus the whole years before it); None when no age was given."""
        if self.age is None:
            return None
        return self.age + whole_years(self.date, day)

    @property
    def profile(self) -> GoalType | None:
        """``goal_type`` when given; otherwise derived from the activities: a court or field
        sport, else running, else lifting, else daily life only (a walker); None when
        nothing is known."""
        return profile_of(self.goal_type, self.activities)


def profile_of(goal_type: GoalType | None, activities: list[Activity]) -> GoalType | None:
    """:attr:`Intake.profile` from its two fields (the people list reads only these)."""
    if goal_type is not None:
        return goal_type
    acts = set(activities)
    if Activity.COURT_FIELD_SPORT in acts:
        return GoalType.COURT_FIELD_SPORT
    if Activity.RUNNING in acts:
        return GoalType.RUNNER
    if Activity.LIFTING in acts:
        return GoalType.LIFTER
    if acts == {Activity.DAILY_LIFE}:
        return GoalType.WALKER
    return None


class Symptoms(_Model):
    pain_rest: Pain = 0
    pain_activity: Pain = 0
    swelling: bool = False
    giving_way: bool = Field(default=False, description=(
        "the ankle gave way since the last screen or check-in (or in the last 4 weeks for "
        "the first one)"))
    """The ankle gave way since the last screen or check-in (or in the last 4 weeks for the
    first one)."""


class Screening(_Model):
    """A dated check of symptoms per side, and for a screen the red-flag questions.

    ``kind`` is ``"screen"`` (symptoms and the red-flag questions) or ``"check_in"`` (a
    quick symptom check: pain at rest, pain in activity, swelling and giving way per side,
    with no red-flag questions, so its ``red_flags`` must stay empty). Red-flag status is
    read from the latest ``screen``; symptoms from the latest screen or check-in.
    """

    date: Day
    kind: Literal["screen", "check_in"] = Field(
        default="screen", description="screen: symptoms and red flags; check_in: symptoms only")
    left: Symptoms = Symptoms.model_construct()
    right: Symptoms = Symptoms.model_construct()
    red_flags: dict[str, bool] = Field(
        default_factory=dict, description="red-flag question id -> answer (true = present); "
                                          "empty for a check_in")

    @field_validator("red_flags")
    @classmethod
    def _check_in_has_no_red_flags(cls, value: dict[str, bool],
                                   info: ValidationInfo) -> dict[str, bool]:
        if info.data.get("kind") == "check_in" and value:
            raise ValueError("a check_in asks no red-flag questions: leave red_flags empty, or "
                             "record a screen (kind \"screen\") to answer them")
        return value

    def side(self, side: Side) -> Symptoms:
        return self.left if side is Side.LEFT else self.right


class Measurement(_Model):
    date: Day
    side: Side
    kind: MeasureKind
    value: float
    method: Method | None = None
    pain: Pain | None = Field(default=None, description="pain during the test, 0-10")
    leg_length_cm: float | None = Field(
        default=None, description="for y_balance_anterior: leg length to normalise the reach")
    rater: Annotated[str, Field(max_length=80)] | None = None
    notes: Annotated[str, Field(max_length=1000)] | None = None

    @field_validator("value")
    @classmethod
    def _value_in_range(cls, value: float, info: ValidationInfo) -> float:
        kind = info.data.get("kind")
        if kind is None:  # the kind itself was invalid; that error is reported
            return value
        label, rng, _ = MEASURE_INFO[kind]
        if value != value or not (rng.low <= value <= rng.high):
            raise ValueError(f"{label} {value:g} is out of range ({rng.describe()})")
        return value

    @field_validator("leg_length_cm")
    @classmethod
    def _leg_length(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is None:
            return value
        if info.data.get("kind") is not MeasureKind.Y_BALANCE_ANTERIOR:
            raise ValueError("leg_length_cm only applies to y_balance_anterior")
        if value != value or not (LEG_LENGTH.low <= value <= LEG_LENGTH.high):
            raise ValueError(f"leg_length_cm {value:g} is out of range ({LEG_LENGTH.describe()})")
        return value

    @property
    def normalised_reach(self) -> float | None:
        """Anterior reach as % of leg length (Plisky2006), when leg length is known."""
        if self.kind is MeasureKind.Y_BALANCE_ANTERIOR and self.leg_length_cm:
            return self.value / self.leg_length_cm * 100
        return None


class FootObservation(_Model):
    date: Day
    side: Side
    posture: FootPosture
    arch: ArchShape
    notes: Annotated[str, Field(max_length=1000)] | None = None


class ExerciseLog(_Model):
    exercise_id: Annotated[str, Field(min_length=1, max_length=80)]
    side: Side | Literal["both"] = "both"
    sets: Annotated[int, Field(ge=0, le=50)] | None = None
    reps: Annotated[int, Field(ge=0, le=500)] | None = None
    seconds: Annotated[int, Field(ge=0, le=7200)] | None = None
    load_kg: Annotated[float, Field(ge=0, le=500)] | None = None
    rounds: Annotated[int, Field(ge=0, le=50)] | None = None


class Session(_Model):
    date: Day
    exercises: list[ExerciseLog] = Field(min_length=1)
    rpe: Annotated[int, Field(ge=0, le=10)] | None = None
    pain_before: Pain | None = None
    pain_during: Pain = 0
    pain_next_morning: Pain | None = None
    notes: Annotated[str, Field(max_length=2000)] | None = None
    gait_off: bool = Field(default=False, description=(
        "the person felt their walking or running gait was off (limping, favouring a side, "
        "a changed foot strike)"))
    """The person felt their walking or running gait was off that day; a gait check is due."""


class Availability(_Model):
    """Minutes a person can give on each weekday."""

    mon: Minutes = 0
    tue: Minutes = 0
    wed: Minutes = 0
    thu: Minutes = 0
    fri: Minutes = 0
    sat: Minutes = 0
    sun: Minutes = 0

    def minutes(self) -> tuple[int, ...]:
        return (self.mon, self.tue, self.wed, self.thu, self.fri, self.sat, self.sun)


class RunKind(StrEnum):
    EASY = "easy"
    LONG = "long"
    INTERVAL = "interval"
    RACE = "race"


class PlannedRun(_Model):
    date: Day
    kind: RunKind
    minutes: Annotated[int, Field(ge=1, le=1440)] | None = None
    title: Annotated[str, Field(max_length=200)] | None = None
    calendar: Annotated[str, Field(max_length=200)] | None = None
    """The calendar it was imported from (its name, else its file's name); None when entered
    by hand. Importing that calendar again updates or removes its runs ahead."""
    event: Annotated[str, Field(max_length=300)] | None = None
    """The calendar event it stands for: its UID, and the date it recurs on for one
    occurrence of a repeating event (``UID/2027-01-17``)."""

    @property
    def needs_gait_prep(self) -> bool:
        return self.kind in (RunKind.LONG, RunKind.INTERVAL, RunKind.RACE)


class Sport(StrEnum):
    """What a recorded activity was, as far as the gait rules care."""

    RUN = "run"
    WALK = "walk"
    RIDE = "ride"
    SWIM = "swim"
    """A pool or open-water swim: no impact, never a run."""
    OTHER = "other"


MAX_ACTIVITY_S = 7 * 24 * 3600
"""Longest recorded activity accepted (a week): anything longer is a broken file."""

MAX_DISTANCE_M = 2_000_000.0
"""Longest distance accepted (2000 km)."""


class Lap(_Model):
    """One lap of a recorded activity: how long it took and how far it went."""

    duration_s: Annotated[float, Field(ge=0, le=MAX_ACTIVITY_S)]
    distance_m: Annotated[float, Field(ge=0, le=MAX_DISTANCE_M)] | None = None


class RecordedActivity(_Model):
    """An activity recorded by a watch or an app and imported from its file (FIT, GPX, TCX).

    ``start`` is in UTC; ``utc_offset_min`` is the local offset the device reported (FIT
    files carry it), used for the activity's local :attr:`date`. Running cadence is in
    steps per minute (both legs), its spread is the standard deviation over the records.
    ``content_hash`` is the SHA-256 of the file's bytes: the same file is stored once.
    """

    start: AwareDatetime
    utc_offset_min: Annotated[int, Field(ge=-16 * 60, le=16 * 60)] | None = None
    sport: Sport
    duration_s: Annotated[float, Field(gt=0, le=MAX_ACTIVITY_S)]
    distance_m: Annotated[float, Field(ge=0, le=MAX_DISTANCE_M)] | None = None
    laps: list[Lap] = Field(default_factory=list)
    cadence_spm: Annotated[float, Field(gt=0, le=300, description="mean steps per minute")] | None = None
    cadence_sd: Annotated[float, Field(ge=0, le=300, description="standard deviation of the "
                                       "steps per minute")] | None = None
    content_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$",
                                       description="SHA-256 of the imported file, hex")]
    source: Literal["fit", "gpx", "tcx"]
    name: Annotated[str, Field(max_length=200)] | None = None

    @field_validator("start")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        return value.astimezone(dt.UTC)

    @model_validator(mode="after")
    def _cadence_pair(self) -> RecordedActivity:
        if self.cadence_sd is not None and self.cadence_spm is None:
            raise ValueError("cadence_sd is set but cadence_spm is not")
        return self

    @property
    def date(self) -> dt.date:
        """The local date it was done on (the UTC date when the file gave no offset)."""
        if self.utc_offset_min is None:
            return self.start.date()
        return (self.start + dt.timedelta(minutes=self.utc_offset_min)).date()

    @property
    def minutes(self) -> float:
        return self.duration_s / 60


class QuestionnaireResponse(_Model):
    """One answered questionnaire: the answers (item id → option id), not just a total, so
    every score can be recomputed. ``side`` is the ankle a per-side instrument (CAIT) was
    answered for. The instruments, their items and options are in
    ``anklet/data/questionnaires.yaml`` (see ``anklet questionnaire items``)."""

    date: Day
    instrument: Literal["cait", "faam", "confidence"]
    side: Side | None = Field(default=None, description="the ankle answered for (CAIT only)")
    answers: dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=40)]] = (
        Field(description="item id -> option id"))

    @model_validator(mode="before")
    @classmethod
    def _answers_in_item_order(cls, data: Any) -> Any:
        # the instruments are data: checked here (imported late, they import this module)
        from anklet.domain.questionnaires import answer_problems, answers_ok, load_instruments

        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
            return data
        instruments = load_instruments()
        if data.get("instrument") not in instruments.ids:
            return data  # the Literal names the accepted instruments
        ins = instruments.get(data["instrument"])
        answers = data["answers"]
        if not answers_ok(ins, answers):
            problems = answer_problems(ins, answers)
            raise ValueError("; ".join(f"{f}: {a}" if v is None else f"{f}: {v!r} is not "
                                       f"accepted; {a}" for f, v, a in problems))
        ordered = {k: answers[k] for k in ins.answer_table if k in answers}
        side = data.get("side")
        if ins.per_side and side is None:
            raise ValueError(f"{ins.short} is answered for one ankle: give side (left or right)")
        if not ins.per_side and side is not None:
            raise ValueError(f"{ins.short} is not answered per side: leave side out")
        return {**data, "answers": ordered}


class Override(_Model):
    """A coach's decision to put a person in a stage, with the reason in words.

    From ``date`` on, the person is in ``stage`` whatever the automatic rules said; the rules
    take over again from there (a later flare can still step them back, and they still
    advance only through the gates). Red flags are never overridden: a person with one is
    referred whatever the coach chose.
    """

    date: Day
    stage: Annotated[int, Field(ge=1, le=20, description="the stage number to put the person in")]
    reason: Annotated[str, Field(min_length=3, max_length=1000, description="why, in words")]
    by: Annotated[str, Field(min_length=1, max_length=254, description="who decided")]


class PlanChangeKind(StrEnum):
    """What a coach changed in one person's plan."""

    SWAP = "swap"
    """``exercise`` is replaced by ``replacement`` wherever the plan would have it."""
    REMOVE = "remove"
    """``exercise`` is left out; the plan picks another for its block where it can."""
    ADD = "add"
    """``exercise`` is added to the block of its kind (or a block of its own)."""
    PIN = "pin"
    """``exercise`` is always given at ``sets`` × ``reps`` (or ``seconds``), whatever the
    dose level says."""


ExerciseId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80,
                                  description="an exercise id from the library")]


class PlanChange(_Model):
    """A coach's change to one person's plan, with who made it and why.

    It applies from ``date`` until the day before ``ended`` (or for good). The planner
    checks it against the stage's rules every week: a change the person's stage or state no
    longer allows is paused, with the reason, never silently applied or dropped. A change
    never touches the gates: they count what was logged, as for everyone.
    """

    date: Day = Field(description="the day the change was made; it applies from then")
    kind: PlanChangeKind
    exercise: ExerciseId
    replacement: ExerciseId | None = Field(default=None, description="swap only: the "
                                           "exercise given instead")
    sets: Annotated[int, Field(ge=1, le=10)] | None = Field(default=None,
                                                            description="pin only")
    reps: Annotated[int, Field(ge=1, le=100)] | None = Field(
        default=None, description="pin only: reps a set (or seconds, not both)")
    seconds: Annotated[int, Field(ge=5, le=1800)] | None = Field(
        default=None, description="pin only: seconds a set (or reps, not both)")
    note: Annotated[str, Field(min_length=3, max_length=1000, description="why, in words")]
    by: Annotated[str, Field(min_length=1, max_length=254, description="who made it")]
    ended: Day | None = Field(default=None, description="the day the change was ended; it "
                              "no longer applies from then")

    @model_validator(mode="after")
    def _fields_of_kind(self) -> PlanChange:
        kind = self.kind
        if kind is PlanChangeKind.SWAP:
            if self.replacement is None:
                raise ValueError("a swap needs a replacement exercise")
            if self.replacement == self.exercise:
                raise ValueError("a swap needs a replacement other than the exercise itself")
        elif self.replacement is not None:
            raise ValueError(f"replacement is for a swap only, not a {kind.value}")
        if kind is PlanChangeKind.PIN:
            if self.sets is None or (self.reps is None) == (self.seconds is None):
                raise ValueError("a pinned dose needs sets and either reps or seconds")
        elif self.sets is not None or self.reps is not None or self.seconds is not None:
            raise ValueError(f"sets, reps and seconds are for a pinned dose only, not a "
                             f"{kind.value}")
        if self.ended is not None and self.ended < self.date:
            raise ValueError("ended must be on or after the day the change was made")
        return self

    def active_on(self, day: dt.date) -> bool:
        """Whether the change applies on ``day`` (made by then and not yet ended)."""
        return self.date <= day and (self.ended is None or day < self.ended)


MESSAGE_MAX = 4000
"""The longest message, in characters (a few paragraphs; a longer one belongs in a call)."""


class ThreadMessage(_Model):
    """A message between the person and their coach, or the coach's comment on a session.

    Kept in the export so a move to another Anklet keeps the conversation; the decisions
    never read it."""

    at: AwareDatetime = Field(description="when it was sent")
    author: Literal["coach", "client"] = Field(description="who wrote it: the coach or the "
                                                           "person")
    name: Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[^\x00-\x1f\x7f-\x9f]*$",
                               description="the writer's name as it was then")]
    text: Annotated[str, Field(min_length=1, max_length=MESSAGE_MAX,
                               pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$",
                               description="the message (line breaks kept)")]
    session: Day | None = Field(default=None, description=(
        "a comment on the session logged that day (the first one that day, when there "
        "were several)"))


class History(_Model):
    """Everything known about one person, in one document."""

    format: Literal["anklet-history"] = "anklet-history"
    version: Literal[1] = 1
    person: Person
    intake: Intake | None = None
    screenings: list[Screening] = Field(default_factory=list)
    measurements: list[Measurement] = Field(default_factory=list)
    foot_observations: list[FootObservation] = Field(default_factory=list)
    sessions: list[Session] = Field(default_factory=list)
    availability: Availability = Availability.model_construct()
    planned_runs: list[PlannedRun] = Field(default_factory=list)
    recorded_activities: list[RecordedActivity] = Field(default_factory=list)
    questionnaires: list[QuestionnaireResponse] = Field(default_factory=list)
    overrides: list[Override] = Field(default_factory=list)
    plan_changes: list[PlanChange] = Field(default_factory=list)
    messages: list[ThreadMessage] | None = Field(default=None, description=(
        "the person's messages with their coach, oldest first (left out when there are "
        "none; the decisions never read them)"))

    @field_validator("screenings", "measurements", "foot_observations", "sessions",
                     "planned_runs", "questionnaires", "overrides", "plan_changes")
    @classmethod
    def _sorted(cls, v: list[Any]) -> list[Any]:
        return sorted(v, key=lambda x: x.date)

    @field_validator("recorded_activities")
    @classmethod
    def _by_start(cls, v: list[RecordedActivity]) -> list[RecordedActivity]:
        seen: set[str] = set()
        for a in v:
            if a.content_hash in seen:
                raise ValueError(f"content_hash {a.content_hash} appears twice; the same file "
                                 f"is recorded once")
            seen.add(a.content_hash)
        return sorted(v, key=lambda a: a.start)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = self.model_dump(mode="json", exclude_none=True)
        return data


def gait_off_since(history: History, day: dt.date) -> dt.date | None:
    """The date of the latest session on or after ``day`` flagged ``gait_off`` (the person
    felt their gait was off); None when there is none."""
    latest: dt.date | None = None
    for s in history.sessions:
        if s.gait_off and s.date >= day and (latest is None or s.date > latest):
            latest = s.date
    return latest


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "document"


def problems_from(err: ValidationError) -> list[tuple[str, object, str]]:
    """Turn a pydantic error into (field, value, accepted) triples in plain words."""
    out: list[tuple[str, object, str]] = []
    for e in err.errors(include_url=False):
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = e["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        elif e["type"] == "extra_forbidden":
            msg = "unknown field; remove it or check its spelling"
        elif e["type"] == "missing":
            msg = "this field is required"
        out.append((_loc(loc), e.get("input"), msg))
    return out


def parse_history(data: Any, *, source: str = "history") -> History:
    """Validate a decoded JSON document as a :class:`History`, or raise :class:`HistoryError`."""
    if not isinstance(data, dict):
        raise HistoryError(source, [("document", type(data).__name__, "a JSON object")])
    try:
        return History.model_validate(data)
    except ValidationError as e:
        raise HistoryError(source, problems_from(e)) from e


def load_history_text(text: str, *, source: str = "history") -> History:
    """Parse JSON text as a history document, naming the line of a syntax error."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise HistoryError(source, [(f"line {e.lineno}, column {e.colno}", None,
                                     f"valid JSON ({e.msg})")]) from e
    return parse_history(data, source=source)


def history_json_schema() -> dict[str, Any]:
    """The JSON Schema of the history document (published in the repository)."""
    schema = History.model_json_schema(mode="validation")
    # the accepted range of ``value`` depends on ``kind``: say so in the schema too
    schema["$defs"]["Measurement"]["allOf"] = [
        {"if": {"properties": {"kind": {"const": kind.value}}, "required": ["kind"]},
         "then": {"properties": {"value": {"minimum": rng.low, "maximum": rng.high}}}}
        for kind, (_, rng, _) in MEASURE_INFO.items()
    ]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://anklet.dev/schema/history-v1.json"
    schema["title"] = "Anklet history document, version 1"
    return schema
