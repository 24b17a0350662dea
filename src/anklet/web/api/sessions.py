"""Sessions: the log, logging one (as ``anklet log``), and next-morning pain (as
``anklet morning``). Clients log their own; coaches log for their clients.

Logging one takes an optional ``Idempotency-Key`` header (as the pages' offline queue sends
it): the same key again stores nothing and answers 200 with the session stored the first
time; the same key with another session is refused (409)."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import Header, Path, Response

from anklet.domain.errors import ConflictError
from anklet.domain.history import Session
from anklet.services import records
from anklet.web.api.common import Key, check_date, check_dates, make_router, redecide, send, visible
from anklet.web.deps import ApiAccount, Ctx, Uow
from anklet.web.schemas.common import (
    DATE_ACCEPTED,
    INVALID,
    NOT_FOUND,
    ErrorPublic,
    IsoDate,
    Responses,
)
from anklet.web.schemas.sessions import (
    MorningPainUpdate,
    SessionCreate,
    SessionListed,
    SessionPublic,
    SessionsPublic,
)

router = make_router("sessions")

IdempotencyKey = Annotated[str, Header(  # str, not str | None: OpenAPI says a string or none
    alias="Idempotency-Key", pattern=r"^[A-Za-z0-9_-]{8,64}$",
    description="optional: a key made once for this session (8 to 64 letters, digits, "
                "'-' or '_'; a UUID, say). Sent again, the session is not logged twice.")]
ONCE: Responses = {
    200: {"model": SessionListed, "description": "Already logged with this Idempotency-Key: "
                                                  "the session stored the first time."},
    409: {"model": ErrorPublic, "description": "This Idempotency-Key was already used for "
                                               "another session (or one since deleted); "
                                               "nothing was stored."}}

SessionDate = Annotated[IsoDate, Path(description="the date of the session, YYYY-MM-DD "
                                                  f"({DATE_ACCEPTED})")]


def _public(s: Session) -> SessionPublic:
    return SessionPublic.model_validate(dict(s))


@router.get("/people/{key}/sessions", response_model=SessionsPublic,
            responses={**NOT_FOUND, **INVALID})
def list_sessions(key: Key, account: ApiAccount, uow: Uow) -> Response:
    """Every session logged, oldest first."""
    visible(uow, account, key)
    rows = [SessionListed.model_validate({**dict(s), "id": i})
            for i, s in uow.people.records(key, "session")]
    return send(SessionsPublic(data=rows, count=len(rows)).model_dump(mode="json"))


@router.post("/people/{key}/sessions", status_code=201, response_model=SessionListed,
             responses={**NOT_FOUND, **INVALID, **ONCE})
def log_session(key: Key, body: SessionCreate, account: ApiAccount, uow: Uow,
                ctx: Ctx, idempotency_key: IdempotencyKey = "") -> Response:
    """Log a session: the exercises done (sets, reps, seconds, load, per side), effort, and
    pain before, during and (if known) the next morning, and whether walking or running
    felt off (``gait_off``). With an ``Idempotency-Key``, logged once however often it is
    sent."""
    visible(uow, account, key)
    check_dates(body)
    session = Session.model_validate(dict(body))
    once = None if not idempotency_key else records.Once(
        idempotency_key, hashlib.sha256(body.model_dump_json().encode()).hexdigest())
    logged = records.create_session(uow, key=key, session=session, library=ctx.library,
                                    once=once)
    if logged.repeat:
        if logged.session_id is None:
            raise ConflictError(f"The Idempotency-Key {idempotency_key!r} was used for a "
                                f"session that has since been deleted; nothing was stored.")
        stored = uow.people.record(key, "session", logged.session_id)
        return send({**_public(stored).model_dump(mode="json"),  # type: ignore[arg-type]
                     "id": logged.session_id})
    redecide(uow, ctx, key)
    data = {**_public(session).model_dump(mode="json"), "id": logged.session_id}
    uow.commit()
    return send(data, 201)


@router.put("/people/{key}/sessions/{date}/morning-pain", response_model=SessionPublic,
            responses={**NOT_FOUND, **INVALID})
def update_morning_pain(key: Key, date: SessionDate, body: MorningPainUpdate,
                        account: ApiAccount, uow: Uow, ctx: Ctx) -> Response:
    """Add the pain felt the morning after the session of ``date`` (the last one that day,
    if there were several). 404 if no session was logged that day."""
    visible(uow, account, key)
    check_date("date", date)
    records.update_morning_pain(uow, key=key, date=date, pain=body.pain_next_morning)
    history = redecide(uow, ctx, key)
    session = [s for s in history.sessions if s.date == date][-1]
    data = _public(session).model_dump(mode="json")
    uow.commit()
    return send(data)
