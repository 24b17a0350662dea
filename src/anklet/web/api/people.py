"""People: the list, one person, adding a client, deleting, and the whole-history export."""

from __future__ import annotations

from fastapi import Response

from anklet.domain.history import History
from anklet.services import accounts as account_service
from anklet.services import people as people_service
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web.api.common import Key, check_dates, make_router, must_coach, redecide, send, visible
from anklet.web.deps import ApiAccount, Ctx, Uow
from anklet.web.schemas.assessments import AvailabilityPublic, IntakePublic
from anklet.web.schemas.common import FORBIDDEN, INVALID, NOT_FOUND
from anklet.web.schemas.people import (
    PeoplePublic,
    PersonCreate,
    PersonDetailPublic,
    PersonPublic,
    StoredDecisionPublic,
)

router = make_router("people")
export_router = make_router("export")


def _own_row(uow: UnitOfWork, account: Account) -> list[PersonPublic]:
    """A client's or self-coached person's own line (nothing if the person is gone)."""
    key = account.person_key
    if key is None or not uow.people.exists(key):
        return []
    stored = uow.people.get_decision(key)
    name = uow.people.get(key).person.name
    return [PersonPublic.model_validate({
        "key": key, "name": name, "has_account": True,
        "stage": stored.stage if stored else None, "status": stored.status if stored else None,
        "clear_to_train": stored.clear_to_train if stored else None,
        "as_of": stored.as_of if stored else None, "summary": stored.summary if stored else None})]


@router.get("/people", response_model=PeoplePublic)
def list_people(account: ApiAccount, uow: Uow) -> Response:
    """A coach's clients with their stored stage and status; for a client or a self-coached
    person, just themself."""
    if account.role == "coach":
        rows = [PersonPublic.model_validate({
            "key": c.key, "name": c.name, "stage": c.stage, "status": c.status,
            "clear_to_train": c.clear_to_train, "as_of": c.as_of, "summary": c.summary,
            "has_account": c.has_account}) for c in uow.accounts.coached(account.id)]
    else:
        rows = _own_row(uow, account)
    return send(PeoplePublic(data=rows, count=len(rows)).model_dump(mode="json"))


def person_detail(uow: UnitOfWork, key: str) -> PersonDetailPublic:
    h = uow.people.get(key)
    stored = uow.people.get_decision(key)
    decision = None if stored is None else StoredDecisionPublic.model_validate({
        "as_of": stored.as_of, "evaluated_at": stored.evaluated_at, "stage": stored.stage,
        "status": stored.status, "clear_to_train": stored.clear_to_train,
        "summary": stored.summary})
    return PersonDetailPublic(
        key=h.person.id, name=h.person.name, created=h.person.created,
        dominant_side=h.person.dominant_side,
        has_account=uow.accounts.by_person(key) is not None,
        intake=None if h.intake is None else IntakePublic.model_validate(h.intake.model_dump()),
        availability=AvailabilityPublic.model_validate(h.availability.model_dump()),
        decision=decision)


@router.post("/people", status_code=201, response_model=PersonDetailPublic,
             responses={**FORBIDDEN, **INVALID})
def create_person(body: PersonCreate, account: ApiAccount, uow: Uow, ctx: Ctx) -> Response:
    """A coach adds a client (without a sign-in of their own: give them one on the client's
    page)."""
    must_coach(account, "add people (clients are added by their coach)")
    check_dates(body)
    history = account_service.add_client(uow, coach=account, name=body.name, intake=body.intake)
    key = history.person.id
    redecide(uow, ctx, key)
    data = person_detail(uow, key).model_dump(mode="json")
    uow.commit()
    response = send(data, 201)
    response.headers["Location"] = f"/api/v1/people/{key}"
    return response


@router.get("/people/{key}", response_model=PersonDetailPublic,
            responses={**NOT_FOUND, **INVALID})
def get_person(key: Key, account: ApiAccount, uow: Uow) -> Response:
    """One person: who they are, their intake, weekly time and stored decision."""
    visible(uow, account, key)
    return send(person_detail(uow, key).model_dump(mode="json"))


@router.delete("/people/{key}", status_code=204, response_class=Response,
               responses={**NOT_FOUND, **FORBIDDEN, **INVALID})
def delete_person(key: Key, account: ApiAccount, uow: Uow) -> Response:
    """A coach deletes a client, their sign-in and everything recorded about them (the audit
    log keeps who did it, when, and the name)."""
    must_coach(account, "delete a person and their records")
    visible(uow, account, key)
    name = uow.people.get(key).person.name
    client = uow.accounts.by_person(key)
    # as the client page does: the audit entry, then the client's sign-in, then the person
    uow.accounts.audit(account_id=account.id, actor=account.email, action="client_deleted",
                       person_key=key, detail={"name": name, "via": "api",
                                               "sign_in": client.email if client else None})
    if client is not None:
        uow.accounts.delete(client.id)
    people_service.delete(uow, key=key)
    uow.commit()
    return Response(status_code=204)


@export_router.get("/people/{key}/export", response_model=History,
                   responses={**NOT_FOUND, **INVALID})
def export_person(key: Key, account: ApiAccount, uow: Uow) -> Response:
    """Everything about the person as one history document: the format ``anklet export``
    writes and ``anklet import-history``, ``anklet evaluate`` and ``POST /evaluate`` read."""
    visible(uow, account, key)
    return send(people_service.export(uow, key=key).to_dict())
