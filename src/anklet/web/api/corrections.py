"""Corrections: PATCH and DELETE of one recorded measurement, red-flag screen, check-in,
foot observation, questionnaire or session, by the id its list gives; and the lists of
screens, check-ins and foot observations (with ids).

Sessions are corrected by id, not by date: a person may log two sessions on one day, and the
id says which one. The same roles as for a new record: a client corrects their own
check-ins, sessions and questionnaires; measurements, screens and foot observations are
corrected by a coach or a self-coached person (403 for a client). Another person's record
id answers 404, exactly as a missing one. A value the schema refuses answers 422; a value
the schema takes but the stored record does not (a knee-to-wall distance of 30 cm, CAIT
answers on a FAAM) answers 409, naming the field, the value and what is accepted. Every
correction is audited and the person decided again before it commits; nothing changes
when it is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Path, Response
from pydantic import BaseModel

from anklet.domain.errors import ConflictError, InputError
from anklet.domain.history import QuestionnaireResponse
from anklet.services import corrections
from anklet.services.context import Context
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web.api.common import (
    Key,
    RequestInputError,
    check_dates,
    make_router,
    must_assess,
    send,
    visible,
)
from anklet.web.deps import ApiAccount, Ctx, Uow
from anklet.web.schemas.assessments import MeasurementListed
from anklet.web.schemas.common import FORBIDDEN, INVALID, NOT_FOUND, Responses
from anklet.web.schemas.corrections import (
    CheckInPatch,
    Corrected,
    FootObservationListed,
    FootObservationPatch,
    FootObservationsPublic,
    MeasurementPatch,
    QuestionnairePatch,
    ScreeningListed,
    ScreeningsPublic,
    ScreenPatch,
    SessionPatch,
    listed,
)
from anklet.web.schemas.sessions import SessionListed

router = make_router("corrections")

RecordPath = Annotated[int, Path(ge=1, le=2**31 - 1, description=(
    "the record's id (``id`` in the person's list of these records)"))]

RECORD_NOT_FOUND: Responses = {404: {**NOT_FOUND[404], "description": (
    "No such person, or not one this account may see; or the person has no such record "
    "(another person's record id looks the same as none).")}}
DOES_NOT_FIT: Responses = {409: {**NOT_FOUND[404], "description": (
    "The change does not fit the record as stored: a value outside the range of the "
    "measurement's test, leg length on a test other than the Y-balance reach, answers or a "
    "side that are not the questionnaire's. `field`, `value` and `accepted` say which and "
    "why; nothing was changed.")}}


class QuestionnaireListed(QuestionnaireResponse):
    """A stored answered questionnaire, with its id."""

    id: int


class DoesNotFitError(ConflictError):
    """A correction the request's schema takes but the stored record does not."""

    def __init__(self, what: str, e: InputError):
        self.field, self.value, self.accepted = e.field, e.value, e.accepted
        super().__init__(f"This change does not fit the {what}: {e}")

    def to_dict(self) -> dict[str, Any]:
        value = self.value
        return {"error": "ConflictError", "message": str(self), "field": self.field,
                "value": value if value is None or isinstance(value, str | int | float | bool)
                else repr(value), "accepted": self.accepted}


KINDS: dict[str, tuple[str, type[BaseModel], bool]] = {
    # kind: (path, the listed model, whether only assessors may correct it)
    "measurement": ("measurements", MeasurementListed, True),
    "screen": ("screenings", ScreeningListed, True),
    "check_in": ("check-ins", ScreeningListed, False),
    "foot_observation": ("foot-observations", FootObservationListed, True),
    "questionnaire": ("questionnaires", QuestionnaireListed, False),
    "session": ("sessions", SessionListed, False),
}


def _who(account: Account) -> str:
    return account.email


def _edit(uow: UnitOfWork, ctx: Context, account: Account, key: str, kind: str,
          record_id: int, body: BaseModel) -> Response:
    _, model, assess = KINDS[kind]
    if assess:
        must_assess(account)
    visible(uow, account, key)
    check_dates(body)
    changes: dict[str, Any] = body.model_dump(exclude_unset=True)
    for side in ("left", "right"):
        if isinstance(changes.get(side), Mapping):  # only the symptoms given
            changes[side] = getattr(body, side).model_dump(exclude_unset=True)
    flags = changes.get("red_flags")
    if isinstance(flags, Mapping):
        known = {f.id for f in ctx.protocol.red_flags}
        unknown = [f for f in flags if f not in known]
        if unknown:
            raise RequestInputError([(f"red_flags.{f}", flags[f],
                                      f"a red-flag question id: {', '.join(sorted(known))}")
                                     for f in unknown])
    uow.people.record(key, kind, record_id)  # 404 first: a missing record is not a conflict
    try:
        done = corrections.edit(uow, key=key, kind=kind, record_id=record_id, changes=changes,
                                protocol=ctx.protocol, library=ctx.library,
                                actor=_who(account), account_id=account.id)
    except InputError as e:
        raise DoesNotFitError(corrections.KIND_NAMES[kind], e) from e
    assert done.new is not None
    data = {"record": listed(model, record_id, done.new), "changed": list(done.changed),
            "message": done.message, "stage": done.decision.stage,
            "status": done.decision.status}
    uow.commit()
    return send(data)


def _delete(uow: UnitOfWork, ctx: Context, account: Account, key: str, kind: str,
            record_id: int) -> Response:
    if KINDS[kind][2]:
        must_assess(account)
    visible(uow, account, key)
    corrections.delete(uow, key=key, kind=kind, record_id=record_id, protocol=ctx.protocol,
                       library=ctx.library, actor=_who(account), account_id=account.id)
    uow.commit()
    return Response(status_code=204)


EDIT: Responses = {**RECORD_NOT_FOUND, **FORBIDDEN, **INVALID, **DOES_NOT_FIT}
DELETE: Responses = {**RECORD_NOT_FOUND, **FORBIDDEN, **INVALID}
OWN_EDIT: Responses = {**RECORD_NOT_FOUND, **INVALID, **DOES_NOT_FIT}
OWN_DELETE: Responses = {**RECORD_NOT_FOUND, **INVALID}


# --- lists with ids ----------------------------------------------------------------------


@router.get("/people/{key}/screenings", response_model=ScreeningsPublic,
            responses={**NOT_FOUND, **INVALID})
def list_screenings(key: Key, account: ApiAccount, uow: Uow) -> Response:
    """Every red-flag screen of the person, oldest first, each with its id."""
    visible(uow, account, key)
    rows = [listed(ScreeningListed, i, s) for i, s in uow.people.records(key, "screen")]
    return send({"data": rows, "count": len(rows)})


@router.get("/people/{key}/check-ins", response_model=ScreeningsPublic,
            responses={**NOT_FOUND, **INVALID})
def list_check_ins(key: Key, account: ApiAccount, uow: Uow) -> Response:
    """Every symptom check-in of the person, oldest first, each with its id."""
    visible(uow, account, key)
    rows = [listed(ScreeningListed, i, s) for i, s in uow.people.records(key, "check_in")]
    return send({"data": rows, "count": len(rows)})


@router.get("/people/{key}/foot-observations", response_model=FootObservationsPublic,
            responses={**NOT_FOUND, **INVALID})
def list_foot_observations(key: Key, account: ApiAccount, uow: Uow) -> Response:
    """Every foot observation of the person, oldest first, each with its id."""
    visible(uow, account, key)
    rows = [listed(FootObservationListed, i, f)
            for i, f in uow.people.records(key, "foot_observation")]
    return send({"data": rows, "count": len(rows)})


# --- corrections -------------------------------------------------------------------------


@router.patch("/people/{key}/measurements/{record_id}",
              response_model=Corrected[MeasurementListed], responses=EDIT)
def edit_measurement(key: Key, record_id: RecordPath, body: MeasurementPatch,
                     account: ApiAccount, uow: Uow, ctx: Ctx) -> Response:
    """Correct a measurement: the fields given change, the rest stay; the plan is checked
    again."""
    return _edit(uow, ctx, account, key, "measurement", record_id, body)


@router.delete("/people/{key}/measurements/{record_id}", status_code=204,
               response_class=Response, responses=DELETE)
def delete_measurement(key: Key, record_id: RecordPath, account: ApiAccount, uow: Uow,
                       ctx: Ctx) -> Response:
    """Delete a measurement recorded by mistake; the plan is checked again."""
    return _delete(uow, ctx, account, key, "measurement", record_id)


@router.patch("/people/{key}/screenings/{record_id}",
              response_model=Corrected[ScreeningListed], responses=EDIT)
def edit_screening(key: Key, record_id: RecordPath, body: ScreenPatch, account: ApiAccount,
                   uow: Uow, ctx: Ctx) -> Response:
    """Correct a red-flag screen: its date, symptoms or red-flag answers."""
    return _edit(uow, ctx, account, key, "screen", record_id, body)


@router.delete("/people/{key}/screenings/{record_id}", status_code=204,
               response_class=Response, responses=DELETE)
def delete_screening(key: Key, record_id: RecordPath, account: ApiAccount, uow: Uow,
                     ctx: Ctx) -> Response:
    """Delete a red-flag screen recorded by mistake."""
    return _delete(uow, ctx, account, key, "screen", record_id)


@router.patch("/people/{key}/check-ins/{record_id}",
              response_model=Corrected[ScreeningListed], responses=OWN_EDIT)
def edit_check_in(key: Key, record_id: RecordPath, body: CheckInPatch, account: ApiAccount,
                  uow: Uow, ctx: Ctx) -> Response:
    """Correct a symptom check-in: its date or either side's symptoms."""
    return _edit(uow, ctx, account, key, "check_in", record_id, body)


@router.delete("/people/{key}/check-ins/{record_id}", status_code=204,
               response_class=Response, responses=OWN_DELETE)
def delete_check_in(key: Key, record_id: RecordPath, account: ApiAccount, uow: Uow,
                    ctx: Ctx) -> Response:
    """Delete a symptom check-in recorded by mistake."""
    return _delete(uow, ctx, account, key, "check_in", record_id)


@router.patch("/people/{key}/foot-observations/{record_id}",
              response_model=Corrected[FootObservationListed], responses=EDIT)
def edit_foot_observation(key: Key, record_id: RecordPath, body: FootObservationPatch,
                          account: ApiAccount, uow: Uow, ctx: Ctx) -> Response:
    """Correct a foot observation."""
    return _edit(uow, ctx, account, key, "foot_observation", record_id, body)


@router.delete("/people/{key}/foot-observations/{record_id}", status_code=204,
               response_class=Response, responses=DELETE)
def delete_foot_observation(key: Key, record_id: RecordPath, account: ApiAccount, uow: Uow,
                            ctx: Ctx) -> Response:
    """Delete a foot observation recorded by mistake."""
    return _delete(uow, ctx, account, key, "foot_observation", record_id)


@router.patch("/people/{key}/questionnaires/{record_id}",
              response_model=Corrected[QuestionnaireListed], responses=OWN_EDIT)
def edit_questionnaire(key: Key, record_id: RecordPath, body: QuestionnairePatch,
                       account: ApiAccount, uow: Uow, ctx: Ctx) -> Response:
    """Correct an answered questionnaire: its date, side (CAIT) or all its answers."""
    return _edit(uow, ctx, account, key, "questionnaire", record_id, body)


@router.delete("/people/{key}/questionnaires/{record_id}", status_code=204,
               response_class=Response, responses=OWN_DELETE)
def delete_questionnaire(key: Key, record_id: RecordPath, account: ApiAccount, uow: Uow,
                         ctx: Ctx) -> Response:
    """Delete an answered questionnaire recorded by mistake."""
    return _delete(uow, ctx, account, key, "questionnaire", record_id)


@router.patch("/people/{key}/sessions/{record_id}",
              response_model=Corrected[SessionListed], responses=OWN_EDIT)
def edit_session(key: Key, record_id: RecordPath, body: SessionPatch, account: ApiAccount,
                 uow: Uow, ctx: Ctx) -> Response:
    """Correct a logged session (by its id: two sessions on one day are told apart); the
    dose steps, adherence and gates read the corrected one."""
    return _edit(uow, ctx, account, key, "session", record_id, body)


@router.delete("/people/{key}/sessions/{record_id}", status_code=204,
               response_class=Response, responses=OWN_DELETE)
def delete_session(key: Key, record_id: RecordPath, account: ApiAccount, uow: Uow,
                   ctx: Ctx) -> Response:
    """Delete a session logged by mistake: it no longer counts toward adherence or gates."""
    return _delete(uow, ctx, account, key, "session", record_id)
