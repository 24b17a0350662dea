"""Questionnaires: answering CAIT, FAAM and the readiness check, and the scores they give.

The bodies are made from ``anklet/data/questionnaires.yaml`` itself, so the OpenAPI document
lists, for every item, exactly the answers the scorer takes (the option ids, each with its
meaning and score in the description): one model per instrument, told apart by
``instrument``. A CAIT names the ankle (``side``); FAAM and the readiness check do not.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from anklet.domain.history import Day
from anklet.domain.questionnaires import Instrument, load_instruments
from anklet.domain.units import Side
from anklet.web.schemas.common import PublicModel

INSTRUMENTS = load_instruments()

WEB_NAMES = {"cait": "CAIT", "faam": "FAAM", "confidence": "Readiness"}
"""How each instrument's models are named in the document."""


def _option_text(ins: Instrument, item_id: str) -> str:
    item = ins.item(item_id)
    assert item is not None
    opts = "; ".join(f"{o.id} = {o.label} ({'left out of the score' if o.score is None else o.score})"
                     for o in item.options or ())
    need = "" if item.required else " Optional."
    return f"{item.label}. Answers: {opts}.{need}"


def _field_name(item_id: str) -> str:
    return f"item_{item_id}"


def answers_model(ins: Instrument) -> type[BaseModel]:
    """Item id → one of its option ids, for every item of ``ins``; required items must be
    answered, and nothing else is accepted."""
    fields: dict[str, Any] = {}
    for item in ins.items:
        options = tuple(o.id for o in item.options or ())
        kind: Any = Literal.__getitem__(options)
        info = Field(... if item.required else None, alias=item.id,
                     description=_option_text(ins, item.id))
        fields[_field_name(item.id)] = (kind, info)
    model: type[BaseModel] = create_model(
        f"{WEB_NAMES[ins.id]}Answers",
        __config__=ConfigDict(extra="forbid", frozen=True, populate_by_name=False),
        __doc__=f"The answers to {ins.short}: item id → option id.",
        **fields)
    return model


CaitAnswers = answers_model(INSTRUMENTS.get("cait"))
FaamAnswers = answers_model(INSTRUMENTS.get("faam"))
ReadinessAnswers = answers_model(INSTRUMENTS.get("confidence"))


def answers_dict(answers: BaseModel) -> dict[str, str]:
    """The answers as item id → option id, the unanswered optional items left out."""
    return {k: v for k, v in answers.model_dump(by_alias=True).items() if v is not None}


_BODY = ConfigDict(extra="forbid", frozen=True)
DateField = Field(default=None, description="the day it was answered, YYYY-MM-DD (from "
                                            "1900-01-01 to 2199-12-31); today when left out")


def _example(instrument: str, answers: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"examples": [{"instrument": instrument, **extra, "answers": answers}]}


_CAIT_EXAMPLE = {"1": "sport", "2": "sport_sometimes", "3": "never", "4": "never", "5": "never",
                 "6": "side_hops", "7": "run_uneven", "8": "often", "9": "under_a_day"}
_FAAM_EXAMPLE = {i.id: "none" for i in INSTRUMENTS.get("faam").items} | {
    "adl_20": "slight", "sports_1": "slight", "sports_7": "moderate", "sports_8": "na"}


class CaitCreate(BaseModel):
    """The Cumberland Ankle Instability Tool for one ankle: all 9 items (0–30 points,
    higher is steadier)."""

    model_config = ConfigDict(**_BODY, json_schema_extra=_example(
        "cait", _CAIT_EXAMPLE, side="left"))

    instrument: Literal["cait"]
    side: Side = Field(description="the ankle answered for")
    date: Day | None = DateField
    answers: CaitAnswers  # type: ignore[valid-type]


class FaamCreate(BaseModel):
    """The Foot and Ankle Ability Measure: the 21 daily-activity items and the 8 sports
    items, each answered; ``na`` (limited by something other than the foot or ankle) is
    left out of the score. A part with too few scored answers (under 19 of 21, 7 of 8) is
    stored and reported as not scorable."""

    model_config = ConfigDict(**_BODY, json_schema_extra=_example("faam", _FAAM_EXAMPLE))

    instrument: Literal["faam"]
    date: Day | None = DateField
    answers: FaamAnswers  # type: ignore[valid-type]


class ReadinessCreate(BaseModel):
    """The readiness check before clearance: confidence that the ankle is ready (0–10) and,
    optionally, the worst ankle pain over the last 24 hours (0–10)."""

    model_config = ConfigDict(**_BODY, json_schema_extra=_example(
        "confidence", {"confidence": "8", "pain_24h": "1"}))

    instrument: Literal["confidence"]
    date: Day | None = DateField
    answers: ReadinessAnswers  # type: ignore[valid-type]


QuestionnaireCreate = Annotated[CaitCreate | FaamCreate | ReadinessCreate,
                                Field(discriminator="instrument")]
"""One answered questionnaire, told apart by ``instrument``."""


# --- answers ------------------------------------------------------------------------------


class ScorePublic(PublicModel):
    """One scale of one answered questionnaire."""

    date: dt.date
    instrument: Literal["cait", "faam", "confidence"]
    scale: Literal["cait", "faam_adl", "faam_sports", "confidence", "pain_24h"]
    label: str
    side: Side | None = Field(description="the ankle (CAIT only)")
    value: float | None = Field(description="the score; null when too few items were "
                                            "answered to score it")
    scorable: bool
    answered: int = Field(description="items answered with a score")
    needed: int = Field(description="items that must be answered for a score")
    items: int = Field(description="items in the scale")
    unit: str
    value_text: str


class ClearancePublic(PublicModel):
    """What the clearance checklist asks of this scale."""

    criterion: str = Field(description="the checklist item that reads this scale")
    op: str = Field(description="how the score is compared: >, >=, < or <=")
    threshold: float
    source: str = Field(description="where the threshold comes from (a source key)")
    required: bool
    met: bool | None = Field(description="whether this score meets it (null: not scorable)")


class ScoreChangePublic(ScorePublic):
    """A score with its change since the previous score of the same scale (and ankle), and
    whether that change is more than answers vary by on their own."""

    previous: ScorePublic | None = Field(description="the previous scorable score, if any")
    change: float | None = Field(description="this score minus the previous one")
    judgement: Literal["first", "within_error", "beyond_error", "important", "no_figure",
                       "not_scorable"] = Field(
        description="first: nothing to compare with; within_error: no larger than the "
                    "measurement error (MDC, or under the MCID where no MDC is known); "
                    "beyond_error: a real change, under the MCID; important: a real change of "
                    "at least the MCID; no_figure: no error figure is known; not_scorable")
    direction: Literal["better", "worse", "same"] | None
    change_text: str = Field(description="the change and its judgement, as the CLI prints it")
    interpretation: str = Field(description="what the score and its change mean, in plain "
                                            "words (as the web page says it)")
    clearance: ClearancePublic | None = Field(
        description="the clearance checklist's need for this scale; null when it has none")


class QuestionnairePublic(PublicModel):
    """An answered questionnaire: its answers and each of its scores."""

    id: int = Field(description="the answer's id: PATCH or DELETE "
                                "/people/{key}/questionnaires/{id} corrects it")
    date: dt.date
    instrument: Literal["cait", "faam", "confidence"]
    name: str = Field(description="the questionnaire's name")
    side: Side | None = Field(description="the ankle answered for (CAIT only)")
    answers: dict[str, str] = Field(description="item id → option id")
    scores: list[ScoreChangePublic]


class QuestionnairesPublic(PublicModel):
    """A person's answered questionnaires, newest first."""

    data: list[QuestionnairePublic]
    count: int
