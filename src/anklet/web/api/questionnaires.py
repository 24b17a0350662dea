"""Questionnaires: the answered ones (newest first), and answering one (as ``anklet
questionnaire``): CAIT for one ankle, FAAM, the readiness check.

A client answers for themself, a coach for their clients, a self-coached person for
themself; anyone else's person answers 404. Answering re-decides the person, so the
clearance checklist reads the new score at once. A wrong answer is named with its item,
the value given and every answer the item takes.
"""

from __future__ import annotations

from typing import Any

from fastapi import Response
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter

from anklet.domain.history import QuestionnaireResponse
from anklet.domain.questionnaires import Change, Instruments, load_instruments
from anklet.domain.views import change_dict
from anklet.services import questionnaires as service
from anklet.services.context import Context
from anklet.web.api.common import (
    ApiRoute,
    Key,
    RequestInputError,
    check_dates,
    make_router,
    redecide,
    request_problems,
    send,
    visible,
)
from anklet.web.deps import ApiAccount, ApiToday, Ctx, Uow
from anklet.web.schemas.common import INVALID, NOT_FOUND
from anklet.web.schemas.questionnaires import (
    QuestionnaireCreate,
    QuestionnairePublic,
    QuestionnairesPublic,
    answers_dict,
)

_TAGS_ORDER = load_instruments().ids
_TAGS = frozenset(_TAGS_ORDER)


class QuestionnaireRoute(ApiRoute):
    """Errors name the item as sent (``answers.3``, without the instrument the body was
    matched by) and list the item's answers with their meaning."""

    def input_error(self, e: RequestValidationError) -> Exception:
        instruments = load_instruments()
        errors: list[dict[str, Any]] = []
        for err in e.errors():
            loc = list(err.get("loc", ()))
            if err.get("type") in ("union_tag_invalid", "union_tag_not_found"):
                given = (err.get("ctx") or {}).get("tag")
                errors.append({"type": "value_error", "loc": ("body", "instrument"),
                               "input": given, "msg": f"Value error, one of: {', '.join(_TAGS_ORDER)}"
                               if given is not None else "Value error, this field is required "
                               f"(one of: {', '.join(_TAGS_ORDER)})"})
                continue
            tag = loc[1] if len(loc) > 1 and loc[0] == "body" else None
            if tag in _TAGS:
                loc = [loc[0], *loc[2:]]
                ins = instruments.get(str(tag))
                if len(loc) == 3 and loc[1] == "answers" and (item := ins.item(str(loc[2]))):
                    accepted = f"one of: {item.describe_options()}"
                    if err.get("type") == "missing":
                        accepted = (f"an answer to every item ({ins.short} item {item.id}, "
                                    f"{item.label.lower()}: {item.describe_options()})")
                        err = {**err, "input": None}
                    err = {**err, "msg": f"Value error, {accepted}"}
            errors.append({**err, "loc": tuple(loc)})
        return RequestInputError(request_problems(errors))


    def _strict_adapter(self) -> TypeAdapter[Any]:
        # the body's union with its discriminator (FastAPI's field keeps it apart from the
        # type), so the strict reading checks the one instrument named, not all three
        adapter = getattr(self, "_adapter", None)
        if adapter is None:
            adapter = self._adapter = TypeAdapter(QuestionnaireCreate)
        return adapter


router = make_router("questionnaires", route_class=QuestionnaireRoute)


def _public(record_id: int, response: QuestionnaireResponse, got: list[Change], ctx: Context,
            instruments: Instruments) -> dict[str, Any]:
    scores = []
    for ch in got:
        data = change_dict(ch, ctx.protocol)
        words = service.meaning(ch, ctx.protocol, instruments)
        data["interpretation"] = " ".join(
            part for part in (f"{words.name}: {words.score}.", words.change, words.clearance)
            if part)
        scores.append(data)
    out = {"id": record_id, "date": response.date.isoformat(), "instrument": response.instrument,
           "name": instruments.get(response.instrument).name,
           "side": response.side.value if response.side else None,
           "answers": dict(response.answers), "scores": scores}
    return QuestionnairePublic.model_validate(out).model_dump(mode="json")


@router.get("/people/{key}/questionnaires", response_model=QuestionnairesPublic,
            responses={**NOT_FOUND, **INVALID})
def list_questionnaires(key: Key, account: ApiAccount, uow: Uow, ctx: Ctx) -> Response:
    """Every answered questionnaire, newest first, each with its scores: the change since
    the previous score of the same scale (and ankle), whether that is more than
    measurement error, and what the clearance checklist asks of it."""
    visible(uow, account, key)
    instruments = load_instruments()
    rows = [_public(i, r, got, ctx, instruments)
            for i, r, got in reversed(service.answered(uow, key=key, instruments=instruments))]
    return send({"data": rows, "count": len(rows)})


@router.post("/people/{key}/questionnaires", status_code=201,
             response_model=QuestionnairePublic, responses={**NOT_FOUND, **INVALID})
def answer_questionnaire(key: Key, body: QuestionnaireCreate, account: ApiAccount, uow: Uow,
                         ctx: Ctx, today: ApiToday) -> Response:
    """Answer a questionnaire: ``cait`` for one ankle (``side``), ``faam`` or ``confidence``
    (the readiness check). Every required item must be answered with one of its answer ids
    (see each item's description). The answer carries its scores with their change and
    meaning; the person is re-decided, so their clearance checklist reads it at once."""
    visible(uow, account, key)
    check_dates(body)
    response = QuestionnaireResponse(
        date=body.date or today, instrument=body.instrument,
        side=getattr(body, "side", None), answers=answers_dict(body.answers))
    got = service.create(uow, key=key, response=response)
    record_id = max(i for i, _ in uow.people.records(key, "questionnaire"))  # the new one
    redecide(uow, ctx, key)
    data = _public(record_id, response, got, ctx, load_instruments())
    uow.commit()
    return send(data, 201)
