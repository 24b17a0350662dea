"""Assessments and set-up: measurements, red-flag screens, feet, intake, time and runs.

For a coach (their clients) and a self-coached person (themself); a client gets 403 (the
role is checked first: it says nothing about the person).
Every write re-decides the person and saves the decision before it commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Query, Response
from pydantic import BaseModel

from anklet.domain.errors import NotFoundError
from anklet.domain.history import (
    Availability,
    FootObservation,
    Intake,
    Measurement,
    PlannedRun,
    RunKind,
    Screening,
)
from anklet.services import records
from anklet.services.context import Context
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web.api.common import (
    Key,
    check_date,
    check_dates,
    make_router,
    must_assess,
    redecide,
    send,
    visible,
)
from anklet.web.deps import ApiAccount, Ctx, Uow
from anklet.web.schemas.assessments import (
    AvailabilityPublic,
    AvailabilityUpdate,
    CheckInCreate,
    FootObservationCreate,
    FootObservationPublic,
    IntakePublic,
    IntakeUpdate,
    MeasurementCreate,
    MeasurementListed,
    MeasurementPublic,
    MeasurementsPublic,
    PlannedRunCreate,
    PlannedRunPublic,
    ScreeningCreate,
    ScreeningPublic,
)
from anklet.web.schemas.common import (
    DATE_ACCEPTED,
    FORBIDDEN,
    INVALID,
    NOT_FOUND,
    IsoDate,
    Line,
    Responses,
)
from anklet.web.schemas.corrections import FootObservationListed, ScreeningListed

router = make_router("assessments")

WRITE: Responses = {**NOT_FOUND, **FORBIDDEN, **INVALID}

M = TypeVar("M", bound=BaseModel)


def _domain(body: BaseModel, model: type[M]) -> M:
    """The request body as the plain domain model (already validated by it)."""
    check_dates(body)
    return model.model_validate(dict(body))


def _public(value: BaseModel, model: type[BaseModel]) -> dict[str, object]:
    data: dict[str, object] = model.model_validate(dict(value)).model_dump(mode="json")
    return data


def _record(uow: UnitOfWork, ctx: Context, account: Account, key: str, body: BaseModel,
            model: type[M], store: Callable[[M], None], public: type[BaseModel],
            status: int = 200, kind: str | None = None) -> Response:
    """What every assessment write does: check the role and the person, turn the body into
    the domain model, store it, re-decide, commit once, and answer with what was stored
    (with ``kind``, and its ``id``, to correct or delete it by)."""
    must_assess(account)
    visible(uow, account, key)
    value = _domain(body, model)
    store(value)
    redecide(uow, ctx, key)
    data = _public(value, public)
    if kind is not None:
        data = {**data, "id": new_record_id(uow, key, kind, value)}
    uow.commit()
    return send(data, status)


def new_record_id(uow: UnitOfWork, key: str, kind: str, value: object) -> int:
    """The id of the record just stored: the newest of the person's records equal to it
    (of its kind: a screen posted with ``kind: check_in`` is stored as a check-in)."""
    if kind == "screen" and getattr(value, "kind", None) == "check_in":
        kind = "check_in"
    stored = uow.people.records(key, kind)
    return max([i for i, r in stored if r == value] or [i for i, _ in stored])


@router.get("/people/{key}/measurements", response_model=MeasurementsPublic,
            responses={**NOT_FOUND, **INVALID})
def list_measurements(key: Key, account: ApiAccount, uow: Uow) -> Response:
    """Every measurement of the person, oldest first."""
    visible(uow, account, key)
    rows = [MeasurementListed.model_validate({**dict(m), "id": i})
            for i, m in uow.people.records(key, "measurement")]
    return send(MeasurementsPublic(data=rows, count=len(rows)).model_dump(mode="json"))


@router.post("/people/{key}/measurements", status_code=201, response_model=MeasurementListed,
             responses=WRITE)
def create_measurement(key: Key, body: MeasurementCreate, account: ApiAccount, uow: Uow,
                       ctx: Ctx) -> Response:
    """Record one measurement of one side (knee-to-wall, lunge angle, heel raises, balance,
    Y-balance reach, side hop, single-leg hop)."""
    return _record(uow, ctx, account, key, body, Measurement,
                   lambda v: records.create_measurement(uow, key=key, measurement=v),
                   MeasurementPublic, 201, "measurement")


@router.post("/people/{key}/screenings", status_code=201, response_model=ScreeningListed,
             responses=WRITE)
def create_screening(key: Key, body: ScreeningCreate, account: ApiAccount, uow: Uow,
                     ctx: Ctx) -> Response:
    """Record a red-flag screen and symptoms per side; every red-flag question must be
    answered (true = present). A red flag refers the person to a clinician first."""
    return _record(uow, ctx, account, key, body, Screening,
                   lambda v: records.create_screening(uow, key=key, screening=v, protocol=ctx.protocol),
                   ScreeningPublic, 201, "screen")


@router.post("/people/{key}/check-ins", status_code=201, response_model=ScreeningListed,
             responses={**NOT_FOUND, **INVALID})
def create_check_in(key: Key, body: CheckInCreate, account: ApiAccount, uow: Uow,
                    ctx: Ctx) -> Response:
    """Record a quick symptom check per side (no red-flag questions): pain, swelling and
    giving way. Coaches for their clients, a client or self-coached person for themself."""
    visible(uow, account, key)
    check_dates(body)
    value = Screening(date=body.date, kind="check_in", left=body.left, right=body.right)
    records.create_screening(uow, key=key, screening=value, protocol=ctx.protocol)
    redecide(uow, ctx, key)
    data = {**_public(value, ScreeningPublic), "id": new_record_id(uow, key, "check_in", value)}
    uow.commit()
    return send(data, 201)


@router.post("/people/{key}/foot-observations", status_code=201,
             response_model=FootObservationListed, responses=WRITE)
def create_foot_observation(key: Key, body: FootObservationCreate, account: ApiAccount,
                            uow: Uow, ctx: Ctx) -> Response:
    """Record how one foot looks: posture and arch."""
    return _record(uow, ctx, account, key, body, FootObservation,
                   lambda v: records.create_foot_observation(uow, key=key, observation=v),
                   FootObservationPublic, 201, "foot_observation")


@router.put("/people/{key}/intake", response_model=IntakePublic, responses=WRITE)
def update_intake(key: Key, body: IntakeUpdate, account: ApiAccount, uow: Uow,
                  ctx: Ctx) -> Response:
    """Set or replace the intake: goals, activities, and each side's sprains and surgery."""
    return _record(uow, ctx, account, key, body, Intake,
                   lambda v: records.update_intake(uow, key=key, intake=v),
                   IntakePublic)


@router.put("/people/{key}/availability", response_model=AvailabilityPublic, responses=WRITE)
def update_availability(key: Key, body: AvailabilityUpdate, account: ApiAccount, uow: Uow,
                        ctx: Ctx) -> Response:
    """Set the minutes the person can give on each weekday; the plan fits into them."""
    return _record(uow, ctx, account, key, body, Availability,
                   lambda v: records.update_availability(uow, key=key, availability=v),
                   AvailabilityPublic)


@router.post("/people/{key}/planned-runs", status_code=201, response_model=PlannedRunPublic,
             responses=WRITE)
def create_planned_run(key: Key, body: PlannedRunCreate, account: ApiAccount, uow: Uow,
                       ctx: Ctx) -> Response:
    """Add a planned run; long, interval and race runs get gait prep before them."""
    return _record(uow, ctx, account, key, body, PlannedRun,
                   lambda v: records.create_planned_run(uow, key=key, run=v),
                   PlannedRunPublic, 201)


RUN_NOT_FOUND: Responses = {404: {**NOT_FOUND[404], "description": (
    "No such person, or not one this account may see (the two look the same); or no "
    "planned run with these details.")}}


@router.delete("/people/{key}/planned-runs", status_code=204, response_class=Response,
               responses={**WRITE, **RUN_NOT_FOUND})
def delete_planned_run(
    key: Key, account: ApiAccount, uow: Uow, ctx: Ctx,
    date: Annotated[IsoDate, Query(description=f"the run's date, YYYY-MM-DD ({DATE_ACCEPTED})")],
    kind: Annotated[RunKind, Query(description="the run's kind")],
    minutes: Annotated[int | None, Query(
        ge=1, le=1440, description="the run's minutes; leave out for a run without")] = None,
    title: Annotated[Line | None, Query(
        max_length=200, description="the run's title (compared without case or extra "
                                    "spaces); leave out for a run without")] = None,
) -> Response:
    """Remove a planned run, named as it was added: its date, kind, minutes and title (a run
    added twice loses one copy). Its gait prep leaves the plan."""
    must_assess(account)
    visible(uow, account, key)
    day = check_date("date", date) or date
    found = records.list_planned_runs(uow, key=key, date=day, kind=kind, minutes=minutes,
                                      title=title, exact=True)
    if not found:
        raise NotFoundError("planned run", records.run_text(
            PlannedRun(date=day, kind=kind, minutes=minutes, title=title)))
    records.delete_planned_run(uow, key=key, run=found[0])  # the oldest, if added twice
    redecide(uow, ctx, key)
    uow.commit()
    return Response(status_code=204)
