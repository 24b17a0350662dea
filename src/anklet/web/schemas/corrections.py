"""Corrections: the PATCH bodies (only the fields a correction may change, each optional,
ranges as for a new record) and the answers of a correction and of the lists with ids."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from anklet.domain.history import Day, ExerciseLog, Pain, Screening
from anklet.domain.measures import ArchShape, FootPosture, Method
from anklet.domain.units import Side
from anklet.web.schemas.assessments import FootObservationPublic, ScreeningPublic
from anklet.web.schemas.common import PublicModel

RecordId = Annotated[int, Field(ge=1, le=2**31 - 1, description="the record's id (`id` in "
                                                               "the person's list)")]


_LEFT_OUT: Any = None
"""The default of a field that may not be null: left out, it is not in the body's set fields
(``exclude_unset``), so nothing changes; sent as null, it is refused."""


class _Patch(BaseModel):
    """A PATCH body: what is left out stays as it is."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Notes1000 = Annotated[str, Field(max_length=1000)]


class MeasurementPatch(_Patch):
    """The fields of a measurement that can be corrected (its test, ``kind``, cannot: record
    the right test and delete this one). ``value`` must be in the range of the measurement's
    test (knee_to_wall 0–25 cm, lunge_angle 0–65°, heel_raise 0–200 reps, balance 0–300 s,
    y_balance_anterior 0–150 cm, side_hop 1–120 s, single_leg_hop 0–10 hops), and
    ``leg_length_cm`` is only for y_balance_anterior: a value that does not fit the stored
    test answers 409, naming the field."""

    date: Day = Field(default=_LEFT_OUT)
    side: Side = Field(default=_LEFT_OUT)
    value: Annotated[float, Field(ge=0, le=300)] = Field(default=_LEFT_OUT)
    method: Method | None = None
    pain: Pain | None = Field(default=None, description="pain during the test, 0-10")
    leg_length_cm: Annotated[float, Field(ge=40, le=130)] | None = None
    rater: Annotated[str, Field(max_length=80)] | None = None
    notes: Notes1000 | None = None


class SymptomsPatch(_Patch):
    """One side's symptoms; what is left out stays as it is."""

    pain_rest: Pain = Field(default=_LEFT_OUT)
    pain_activity: Pain = Field(default=_LEFT_OUT)
    swelling: bool = Field(default=_LEFT_OUT)
    giving_way: bool = Field(default=_LEFT_OUT)


class CheckInPatch(_Patch):
    """The fields of a check-in that can be corrected: its date and each side's symptoms."""

    date: Day = Field(default=_LEFT_OUT)
    left: SymptomsPatch = Field(default=_LEFT_OUT)
    right: SymptomsPatch = Field(default=_LEFT_OUT)


class ScreenPatch(CheckInPatch):
    """The fields of a red-flag screen that can be corrected: its date, each side's symptoms
    and the answers to the red-flag questions (question id → true when present; only the
    answers that change need be given)."""

    red_flags: dict[str, bool] = Field(default=_LEFT_OUT)


class FootObservationPatch(_Patch):
    """The fields of a foot observation that can be corrected."""

    date: Day = Field(default=_LEFT_OUT)
    side: Side = Field(default=_LEFT_OUT)
    posture: FootPosture = Field(default=_LEFT_OUT)
    arch: ArchShape = Field(default=_LEFT_OUT)
    notes: Notes1000 | None = None


class QuestionnairePatch(_Patch):
    """The fields of an answered questionnaire that can be corrected (its instrument cannot:
    answer the right one and delete this one). ``answers`` replaces all the answers (item id
    → option id, every item of the instrument answered); ``side`` is for CAIT only. Answers
    or a side that do not fit the stored instrument answer 409, naming the item."""

    date: Day = Field(default=_LEFT_OUT)
    side: Side | None = None
    answers: dict[Annotated[str, Field(max_length=40)],
                  Annotated[str, Field(max_length=40)]] = Field(default=_LEFT_OUT)


class SessionPatch(_Patch):
    """The fields of a session that can be corrected; ``exercises`` replaces the whole list
    (at least one, ids from the exercise library)."""

    date: Day = Field(default=_LEFT_OUT)
    exercises: Annotated[list[ExerciseLog], Field(min_length=1)] = Field(default=_LEFT_OUT)
    rpe: Annotated[int, Field(ge=0, le=10)] | None = None
    pain_before: Pain | None = None
    pain_during: Pain = Field(default=_LEFT_OUT)
    pain_next_morning: Pain | None = None
    notes: Annotated[str, Field(max_length=2000)] | None = None
    gait_off: bool = Field(default=_LEFT_OUT)


class ScreeningListed(ScreeningPublic):
    """A stored red-flag screen or check-in, with its id."""

    id: RecordId


class ScreeningsPublic(PublicModel):
    """A person's screens (or check-ins), oldest first, each with its id."""

    data: list[ScreeningListed]
    count: int


class FootObservationListed(FootObservationPublic):
    """A stored foot observation, with its id."""

    id: RecordId


class FootObservationsPublic(PublicModel):
    """A person's foot observations, oldest first, each with its id."""

    data: list[FootObservationListed]
    count: int


R = TypeVar("R", bound=BaseModel)


class Corrected(PublicModel, Generic[R]):
    """What a correction did: the record as it now is, the fields that changed, the result in
    plain words, and where the person stands after the plan was checked again."""

    record: R
    changed: list[str] = Field(description="the fields whose value changed (empty: none did)")
    message: str = Field(description="what changed and what the plan check found, in words")
    stage: int | None = Field(description="the stage after the correction (null: none yet)")
    status: str = Field(description="the decision's status after the correction")


def listed(model: type[R], record_id: int, value: BaseModel) -> dict[str, Any]:
    """A stored record with its id, as the lists and corrections send it."""
    data: dict[str, Any] = model.model_validate({**dict(value), "id": record_id}).model_dump(
        mode="json")
    return data


__all__ = [
    "CheckInPatch",
    "Corrected",
    "FootObservationPatch",
    "FootObservationsPublic",
    "MeasurementPatch",
    "QuestionnairePatch",
    "RecordId",
    "ScreenPatch",
    "Screening",
    "ScreeningsPublic",
    "SessionPatch",
    "listed",
]
