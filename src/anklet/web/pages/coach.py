"""Coach pages: the dashboard of clients and who needs attention, adding clients."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from anklet.domain.errors import InputError
from anklet.domain.history import Intake
from anklet.services import accounts as account_service
from anklet.services import dashboard, evaluation, messages
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web.deps import Ctx, ForbiddenError, PageAccount, PageToday, Uow, check_csrf, today_for
from anklet.web.pages.person import ACTIVITY_LABELS, Errors, Reader, Values, error_text, read_form
from anklet.web.templating import flash, render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)


def _coach(account: Account) -> Account:
    if account.role != "coach":
        raise ForbiddenError("The client list is for coaches. Your own pages are under Today, "
                             "Progress and Week.")
    return account


def _board(request: Request, uow: UnitOfWork, ctx: Ctx, coach: Account, *,
           values: Values | None = None, errors: Errors | None = None,
           status_code: int = 200) -> Response:
    today = today_for(uow, coach)
    # the search, filters, sort and page: one that cannot be used is named and left out
    query, query_errors = dashboard.read_query(request.query_params)
    if query_errors and status_code == 200:
        status_code = 422
    if uow.writes or not any(dashboard.stale(p, today) for p in uow.accounts.coached(coach.id)):
        board = dashboard.get(uow, coach=coach, protocol=ctx.protocol, library=ctx.library,
                              today=today, query=query)
        if board.refreshed:
            uow.commit()  # the decisions re-made on the way: the next visit reads them
    else:  # a view that re-makes decisions stores them in a short write of its own
        with ctx.writing(uow) as w:
            board = dashboard.get(w, coach=coach, protocol=ctx.protocol, library=ctx.library,
                                  today=today, query=query)
    return render(request, "coach/dashboard.html", account=coach, status_code=status_code,
                  board=board, values=values or {"activities": []}, errors=errors or {},
                  activity_labels=ACTIVITY_LABELS, open_form=bool(errors),
                  query_errors=query_errors, statuses=dashboard.STATUSES,
                  stages=dashboard.STAGES, flags=dashboard.FLAGS, sorts=dashboard.SORTS,
                  unread=messages.unread_for_coach(uow, coach))  # one query, whole list


@router.get("/coach")
def coach_dashboard(request: Request, account: PageAccount, uow: Uow, ctx: Ctx) -> Response:
    return _board(request, uow, ctx, _coach(account))


@router.post("/coach/clients")
async def add_client(request: Request, account: PageAccount, uow: Uow, ctx: Ctx,
                     today: PageToday) -> Response:
    coach = _coach(account)
    r = Reader(await read_form(request))
    acts, goals = r.activities_and_goals()
    if not r.text("name"):
        r.errors["name"] = "Give the client's name."
    intake = None if r.errors else r.model(
        Intake, lambda f: "activities" if f.startswith("activities") else "goals",
        date=today, goals=goals, activities=acts)
    if intake is None:
        return _board(request, uow, ctx, coach, values=r.values, errors=r.errors,
                      status_code=422)
    try:
        h = account_service.add_client(uow, coach=coach, name=r.text("name"), intake=intake,
                                       today=today)
    except InputError as e:
        uow.rollback()
        return _board(request, uow, ctx, coach, values=r.values,
                      errors={"name": error_text(e)}, status_code=422)
    evaluation.refresh(uow, key=h.person.id, protocol=ctx.protocol, library=ctx.library)
    uow.commit()
    flash(request, f"{h.person.name} is on your list. Start with the assessment: the red-flag "
                   f"screen comes before any exercise.")
    return RedirectResponse(f"/people/{h.person.id}", 303)
