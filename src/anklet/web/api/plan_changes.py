"""A coach's changes to one person's plan: list them, make one, end one.

Anyone who may see the person reads them (a client sees what their coach changed). Making
and ending them is for the person's coach, or a self-coached person for themself (they
answer to the same rules a coach does); a client gets 403 (the role is checked first).
A well-formed change the person's stage or state does not allow (hopping before the gate,
a swap to another kind of work, a dose beyond the progression's range, an exercise not in
the library) answers 409, with the field, the value and why.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Response
from pydantic import ValidationError

from anklet.domain.errors import InputError
from anklet.domain.history import PlanChange, problems_from
from anklet.services import plan_changes as service
from anklet.web.api.common import Key, make_router, must_assess, send, visible
from anklet.web.deps import ApiAccount, ApiToday, Ctx, Uow
from anklet.web.schemas.common import FORBIDDEN, INVALID, NOT_FOUND, ErrorPublic, Responses
from anklet.web.schemas.plan_changes import (
    PlanChangeCreate,
    PlanChangeMade,
    PlanChangePublic,
    PlanChangesPublic,
)

router = make_router("plan changes")

REFUSED: Responses = {409: {"model": ErrorPublic, "description": (
    "The change is well formed but the person's stage or state does not allow it, the "
    "exercise is not in the library or already has a change in force, or a field does not "
    "fit the kind (a swap without a replacement, a pin without its dose): "
    "`field`, `value` and `accepted` say which and why. Nothing is stored.")}}

ChangeId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the change's id (`id` in "
                                                               "the list)")]


def _public(listed: service.Listed) -> dict[str, Any]:
    c = listed.change
    return PlanChangePublic(
        id=listed.id, date=c.date, kind=c.kind.value, exercise=c.exercise,
        replacement=c.replacement, sets=c.sets, reps=c.reps, seconds=c.seconds, note=c.note,
        by=c.by, ended=c.ended, state=listed.state,
        reason=listed.reason, words=listed.words).model_dump(mode="json")


def _refused(e: InputError) -> Response:
    return send({**e.to_dict(), "error": "PlanChangeRefused"}, 409)


@router.get("/people/{key}/plan-changes", response_model=PlanChangesPublic,
            responses={**NOT_FOUND, **INVALID})
def list_plan_changes(key: Key, account: ApiAccount, uow: Uow, ctx: Ctx,
                      today: ApiToday) -> Response:
    """Every change made to the person's plan: those in force first (newest first), each
    applied or paused this week with the reason, then the ended ones."""
    visible(uow, account, key)
    rows = service.listing(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                           as_of=today)
    data = [_public(x) for x in rows]
    return send(PlanChangesPublic.model_validate({"data": data, "count": len(data)})
                .model_dump(mode="json"))


@router.post("/people/{key}/plan-changes", status_code=201, response_model=PlanChangeMade,
             responses={**NOT_FOUND, **FORBIDDEN, **INVALID, **REFUSED})
def make_plan_change(key: Key, body: PlanChangeCreate, account: ApiAccount, uow: Uow,
                     ctx: Ctx, today: ApiToday) -> Response:
    """Swap, remove or add an exercise, or pin an exercise's dose, for this person from
    today. The engine checks it against the person's stage and state: a change that breaks
    a rule is refused (409, saying why); one that goes against advice is made, with the
    advice in `warnings`."""
    must_assess(account)
    visible(uow, account, key)
    fields = body.model_dump(exclude_none=True)
    try:
        try:
            change = PlanChange.model_validate({**fields, "date": today, "by": account.email})
        except ValidationError as err:
            field, value, accepted = problems_from(err)[0]
            raise InputError(field, value, accepted) from err
        made = service.add(uow, key=key, change=change, protocol=ctx.protocol,
                           library=ctx.library, account_id=account.id, actor=account.email)
    except InputError as e:
        uow.rollback()
        return _refused(e)
    listed = next(x for x in service.listing(uow, key=key, protocol=ctx.protocol,
                                             library=ctx.library, as_of=today)
                  if x.id == made.id)
    uow.commit()
    return send({**_public(listed), "warnings": list(made.warnings)}, 201)


@router.delete("/people/{key}/plan-changes/{change_id}", response_model=PlanChangePublic,
               responses={**NOT_FOUND, **FORBIDDEN, **INVALID})
def end_plan_change(key: Key, change_id: ChangeId, account: ApiAccount, uow: Uow,
                    ctx: Ctx, today: ApiToday) -> Response:
    """End a change in force from today: the plan goes back to what the engine gives. The
    change stays in the person's history, marked ended. 404 when the person has no such
    change in force."""
    must_assess(account)
    visible(uow, account, key)
    service.end(uow, key=key, change_id=change_id, day=today, protocol=ctx.protocol,
                library=ctx.library, account_id=account.id, actor=account.email)
    listed = next(x for x in service.listing(uow, key=key, protocol=ctx.protocol,
                                             library=ctx.library, as_of=today)
                  if x.id == change_id)
    uow.commit()
    return send(_public(listed))
