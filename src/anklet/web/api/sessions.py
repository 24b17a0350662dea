"""Sessions: the log, logging one (as ``anklet log``), and next-morning pain (as
``anklet morning``). Clients log their own; coaches log for their clients."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response

from anklet.domain.history import Session
from anklet.services import records
from anklet.web.api.assessments import new_record_id
from anklet.web.api.common import Key, check_date, check_dates, make_router, redecide, send, visible
from anklet.web.deps import ApiAccount, Ctx, Uow
from anklet.web.schemas.common import DATE_ACCEPTED, INVALID, NOT_FOUND, IsoDate
from anklet.web.schemas.sessions import (
    MorningPainUpdate,
    SessionCreate,
    SessionListed,
    SessionPublic,
    SessionsPublic,
)

router = make_router("sessions")

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
             responses={**NOT_FOUND, **INVALID})
def log_session(key: Key, body: SessionCreate, account: ApiAccount, uow: Uow,
                ctx: Ctx) -> Response:
    """Log a session: the exercises done (sets, reps, seconds, load, per side), effort, and
    pain before, during and (if known) the next morning, and whether walking or running
    felt off (``gait_off``)."""
    visible(uow, account, key)
    check_dates(body)
    session = Session.model_validate(dict(body))
    records.create_session(uow, key=key, session=session, library=ctx.library)
    redecide(uow, ctx, key)
    data = {**_public(session).model_dump(mode="json"),
            "id": new_record_id(uow, key, "session", session)}
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
