"""``POST /evaluate``: a decision and a week's plan for a history document, stored nowhere."""

from __future__ import annotations

from typing import Annotated

from fastapi import Body, Response

from anklet.domain.errors import HistoryError
from anklet.domain.history import History
from anklet.domain.views import decision_dict, plan_dict
from anklet.services import evaluation
from anklet.web.api.common import SOURCE, HistoryRoute, check_date, make_router, send, week_start
from anklet.web.api.decisions import AsOf, Week
from anklet.web.deps import ApiAccount, Ctx
from anklet.web.schemas.common import INVALID, date_problems
from anklet.web.schemas.decisions import EvaluationPublic

router = make_router("evaluate", route_class=HistoryRoute)

@router.post("/evaluate", response_model=EvaluationPublic, responses={**INVALID})
def evaluate(history: Annotated[History, Body(description="a history document, as `anklet "
                                                          "export` writes it")],
             account: ApiAccount, ctx: Ctx, as_of: AsOf = None, week: Week = None) -> Response:
    """Decide and plan from a history document (the input of ``anklet evaluate``) without
    storing anything. Any account's token will do. A document that does not validate
    answers 422 with every problem listed (field, value, accepted), as the CLI lists them."""
    problems = date_problems(history)
    if problems:
        raise HistoryError(SOURCE, problems)
    check_date("as_of", as_of)
    start = None if week is None else week_start(check_date("week", week) or week)
    ev = evaluation.evaluate(history=history, protocol=ctx.protocol, library=ctx.library,
                             as_of=as_of, week_start=start, source=SOURCE)
    return send({"decision": decision_dict(ev.decision, ctx.protocol),
                 "plan": plan_dict(ev.plan, ctx.library)})
