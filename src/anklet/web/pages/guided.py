"""The guided session: today's plan step by step on the phone (issue #18, items 3 and 5).

``/people/{key}/guided`` lists the day's exercises as steps: the exercise, its picture where
the library has one, how to do it, and the sets and sides to do. With JavaScript
(``static/guided.js``) the same page runs the session: one step at a time, countdowns for
holds with a beep and a buzz at the end, rests between sets, "make it easier", skip, pause.
At the end the person taps pain and effort and the page posts the normal log form
(``POST /people/{key}/log``) filled from what was actually done, so the same checks apply
and a refused value shows the log form with the message and nothing saved. Without
JavaScript the page is a plain list with a link to the log form.

Who may see it is decided as for the log form (:func:`anklet.services.accounts.person_for`):
someone else's person answers 404, exactly like a missing one. A person with a red flag, or
whose plan is refused, gets no session, as on Today.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from anklet.domain.exercises import Exercise, Library
from anklet.domain.history import PlanChangeKind
from anklet.domain.planner import Amounts, WeekPlan
from anklet.services import accounts as account_service
from anklet.services import evaluation
from anklet.services.context import Context
from anklet.web.deps import Ctx, PageAccount, PageToday, Uow, check_csrf
from anklet.web.pages.exercises import media_marks
from anklet.web.pages.me import _elsewhere, _fields_for, _is_own, _own_key, _pain_zones
from anklet.web.templating import render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)

PICTURE = "/exercises/{id}/illustration.svg"


def has_pictures(request: Request) -> bool:
    """Whether this server draws exercise pictures (the route exists): the plain page shows
    an ``<img>`` only then, so it is never a broken image. The script also checks each
    picture loads before it shows one."""
    def paths(routes: Any) -> Iterator[str]:
        for r in routes:
            if hasattr(r, "original_router"):  # an included router (FastAPI keeps it whole)
                yield from paths(r.original_router.routes)
            else:
                yield str(getattr(r, "path", ""))

    return any(p.startswith("/exercises/") and p.endswith("/illustration.svg")
               for p in paths(request.app.routes))


def _exercise(ex: Exercise, level: float | None) -> dict[str, Any]:
    """What a step needs of an exercise: its words and its numbers at the plan's level."""
    scaled = ex.dose.scaled(level if level is not None else 1.0)
    return {"id": ex.id, "name": ex.name, "how": list(ex.how), "cautions": list(ex.cautions),
            "sets": scaled["sets"] or 1, "reps": scaled["reps"], "seconds": scaled["seconds"],
            "rounds": scaled["rounds"], "per_side": ex.dose.per_side, "load": ex.dose.load,
            "dose": ex.dose.describe(level if level is not None else 1.0),
            "fields": list(_fields_for(ex)), "picture": PICTURE.format(id=ex.id)}


def steps(plan: WeekPlan, date: dt.date, library: Library, *, extra_sets: int
          ) -> list[dict[str, Any]]:
    """The day's exercises in the plan's order, each with its easier version (if any) and
    the extra sets on a side that is behind."""
    day = next((d for d in plan.days if d.date == date), None)
    pins = {s.change.exercise: s.change for s in plan.coach_changes
            if s.applied and s.change.kind is PlanChangeKind.PIN}
    out: list[dict[str, Any]] = []
    for b in day.blocks if day else ():
        for item in b.items:
            ex = item.exercise
            step = _exercise(ex, plan.dose_level)
            pin = pins.get(ex.id) if item.pinned else None
            if pin is not None:  # the coach's dose, as the plan gives it in words
                step.update(sets=pin.sets or 1, reps=pin.reps, seconds=pin.seconds,
                            rounds=None, dose=item.dose)
            elif item.amounts is not None and item.amounts != Amounts.at(ex, plan.dose_level):
                a = item.amounts  # a day's lunge cap: fewer reps than the week's level
                step.update(sets=a.sets, reps=a.reps, seconds=a.seconds, rounds=a.rounds)
            step["block"] = b.label
            step["plan_text"] = item.dose
            step["extra_side"] = b.extra_side if ex.dose.per_side and not item.pinned else None
            step["extra_sets"] = extra_sets if step["extra_side"] else 0
            easier = library.by_id.get(ex.easier) if ex.easier else None
            step["easier"] = None if easier is None else _exercise(easier, plan.dose_level)
            out.append(step)
    return out


def _evaluate(ctx: Context, history: Any, today: dt.date) -> evaluation.Evaluation:
    return evaluation.evaluate(history=history, protocol=ctx.protocol, library=ctx.library,
                               as_of=today)


@router.get("/me/guided")
def my_guided(request: Request, account: PageAccount) -> Response:
    key = _own_key(account)
    if key is None:
        return _elsewhere(request, account)
    return RedirectResponse(f"/people/{key}/guided", 303)


@router.get("/people/{key}/guided")
def guided_page(request: Request, key: str, account: PageAccount, uow: Uow,
                ctx: Ctx, today: PageToday) -> Response:
    history = account_service.person_for(uow, account, key)
    ev = _evaluate(ctx, history, today)
    own = _is_own(account, key)
    items = ([] if ev.decision.status == "refer" or ev.plan.refused else
             steps(ev.plan, today, ctx.library,
                   extra_sets=int(ctx.protocol.planner.lagging_side_extra_sets.value)))
    marks = media_marks(uow, account, {"exercises": items})
    for step in items:  # a link to the coach's own photos, videos and links, where there are
        mark = marks.get(step["id"])
        step["media"] = None if mark is None else {
            "href": mark["href"], "text": f"{mark['whose']}: {mark['what']}"}
    rest = int(ctx.protocol.settings.rest_between_sets_s.value)
    data = {"steps": items, "rest": rest, "date": today.isoformat(),
            "pictures": has_pictures(request)}
    return render(request, "guided/session.html", account=account, person=history.person,
                  key=key, own=own, decision=ev.decision, refused=ev.plan.refused,
                  steps=items, rest=rest, pictures=data["pictures"],
                  data_json=json.dumps(data, ensure_ascii=True).replace("<", "\\u003c"),
                  back="/me" if own else f"/people/{key}", today=today,
                  pain_zones=_pain_zones(request))
