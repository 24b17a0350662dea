"""Where a person stands: the decision with its reasons, the week's plan, and adherence.

Reading these stores nothing (every write already re-decides and saves). The JSON is the
CLI's ``--json`` (``domain/views.py``): ``anklet status``, ``plan`` and ``adherence``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query, Response

from anklet.domain.change import changes, changes_dict
from anklet.domain.views import adherence_dict, decision_dict, plan_dict
from anklet.services import evaluation
from anklet.web.api.common import Key, check_date, make_router, send, visible, week_start
from anklet.web.deps import ApiAccount, ApiToday, Ctx, Uow
from anklet.web.schemas.common import DATE_ACCEPTED, INVALID, NOT_FOUND, IsoDate, Responses
from anklet.web.schemas.decisions import (
    AdherencePublic,
    ChangesPublic,
    DecisionPublic,
    PlanPublic,
)

router = make_router("decisions")

AsOf = Annotated[IsoDate | None, Query(description="decide as of this date, YYYY-MM-DD "
                                                   f"(default today; {DATE_ACCEPTED})")]
Week = Annotated[IsoDate | None, Query(description="any date in the week, YYYY-MM-DD "
                                                   f"(default this week; {DATE_ACCEPTED})")]
READ: Responses = {**NOT_FOUND, **INVALID}


@router.get("/people/{key}/decision", response_model=DecisionPublic, responses=READ)
def get_decision(key: Key, account: ApiAccount, uow: Uow, ctx: Ctx,
                 today: ApiToday, as_of: AsOf = None) -> Response:
    """Stage and status, the next gate's checklist with values and thresholds, the
    clearance checklist, left/right, flags, and the reasons in words."""
    visible(uow, account, key)
    ev = evaluation.get(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                        as_of=check_date("as_of", as_of) or today, save=False)
    return send(decision_dict(ev.decision, ctx.protocol))


@router.get("/people/{key}/changes", response_model=ChangesPublic, responses=READ)
def get_changes(key: Key, account: ApiAccount, uow: Uow, ctx: Ctx,
                today: ApiToday, as_of: AsOf = None) -> Response:
    """Each test's latest result and its change since the last and the first test: a real
    change (improved or worse) or within measurement error, with the figure and its source
    (the same rater or not); tests taken with different methods are not compared."""
    visible(uow, account, key)
    day = check_date("as_of", as_of) or today
    found = changes(uow.people.get(key), ctx.protocol, day)
    return send({"person": key, "as_of": day.isoformat(), "changes": changes_dict(found)})


@router.get("/people/{key}/plan", response_model=PlanPublic, responses=READ)
def get_plan(key: Key, account: ApiAccount, uow: Uow, ctx: Ctx, today: ApiToday,
             week: Week = None) -> Response:
    """The week's plan, Monday to Sunday: each day's exercises with dose, how-to, cautions
    and why, fitted into the person's time and around their runs."""
    visible(uow, account, key)
    start = None if week is None else week_start(check_date("week", week) or week)
    # as `anklet plan`: a given week is decided as of its Monday
    ev = evaluation.get(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                        as_of=start or today, week_start=start, save=False)
    return send(plan_dict(ev.plan, ctx.library))


@router.get("/people/{key}/adherence", response_model=AdherencePublic, responses=READ)
def get_adherence(key: Key, account: ApiAccount, uow: Uow, ctx: Ctx,
                  today: ApiToday, week: Week = None) -> Response:
    """Sessions done in the week against the stage's weekly targets."""
    visible(uow, account, key)
    start = week_start(check_date("week", week) or today)
    _, a = evaluation.adherence(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                                week_start=start,
                                as_of=min(today, start + dt.timedelta(days=6)))
    return send(adherence_dict(a))
