"""The "Plan changes" section of the person page, and its forms: swap an exercise, leave
one out, add one, set a dose, end a change.

For the person's coach, and for a self-coached person on their own page: they answer to the
same rules a coach does (the engine refuses what the stage does not allow), and leaving out
an exercise they have no room or kit for is what they would otherwise do silently. A client
gets 403, another coach's person 404 (the person page's own checks). A refused form shows the
person page again with the reason under the field (422) and stores nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from anklet.domain.errors import InputError, NotFoundError
from anklet.domain.exercises import Category, Exercise
from anklet.domain.history import PlanChange, problems_from
from anklet.domain.plan_changes import category_words, change_words, dose_bounds
from anklet.domain.planner import WeekPlan, allowed_exercises
from anklet.services import accounts as account_service
from anklet.services import plan_changes as service
from anklet.services.context import Context
from anklet.services.evaluation import Evaluation
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web.deps import Ctx, ForbiddenError, PageAccount, PageToday, Uow, check_csrf
from anklet.web.templating import flash

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)

KINDS = ("swap", "remove", "add", "pin")
STATE_TEXT = {"applied": "In force", "paused": "Paused", "ended": "Ended",
              "waiting": "From a later day"}


def _day(d: dt.date) -> str:
    return f"{d:%a} {d.day} {d:%b}"


def _in_plan(plan: WeekPlan) -> list[Exercise]:
    seen: dict[str, Exercise] = {}
    for day in plan.days:
        for b in day.blocks:
            for i in b.items:
                seen.setdefault(i.exercise.id, i.exercise)
    return sorted(seen.values(), key=lambda e: e.name)


def _grouped(exercises: Sequence[Exercise]) -> list[tuple[str, list[Exercise]]]:
    by: dict[Category, list[Exercise]] = {}
    for e in exercises:
        by.setdefault(e.category, []).append(e)
    return [(category_words(c).capitalize(), sorted(es, key=lambda e: e.name))
            for c, es in by.items()]


def _range_text(e: Exercise, ctx: Context) -> str:
    b = dose_bounds(e, ctx.protocol)
    unit = "reps" if "reps" in b else "seconds" if "seconds" in b else None
    if unit is None:
        return ""
    (s0, s1), (a0, a1) = b["sets"], b[unit]
    return f"{s0}–{s1} sets of {a0}–{a1} {'s' if unit == 'seconds' else unit}"


def may_change(account: Account) -> bool:
    """Coaches and self-coached people make plan changes; clients do not."""
    return account.role in ("coach", "self")


def section(uow: UnitOfWork, ctx: Context, account: Account, key: str, ev: Evaluation,
            forms: dict[str, Any]) -> dict[str, Any] | None:
    """What the person page's "Plan changes" section shows (None: not for this account)."""
    if not may_change(account):
        return None
    d = ev.decision
    rows = service.listing(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                           as_of=d.as_of, week=ev.plan.coach_changes)
    in_plan = _in_plan(ev.plan)
    allowed = allowed_exercises(d, ev.history, protocol=ctx.protocol, library=ctx.library)
    planned = {e.id for e in in_plan}
    pinnable = [(e, _range_text(e, ctx)) for e in in_plan if _range_text(e, ctx)]
    return {
        "can_plan": d.can_prescribe and d.stage is not None,
        "changes": [{
            "id": x.id, "state": x.state, "state_text": STATE_TEXT[x.state],
            "words": x.words, "reason": x.reason, "note": x.change.note, "by": x.change.by,
            "since": _day(x.change.date),
            "ended": _day(x.change.ended) if x.change.ended else None}
            for x in rows],
        "in_plan": in_plan,
        "alternatives": _grouped(allowed),
        "addable": _grouped([e for e in allowed if e.id not in planned]),
        "pinnable": pinnable,
        "forms": {k: forms.get(f"plan_change_{k}") for k in KINDS},
    }


# --- the forms --------------------------------------------------------------------------------


def _check(uow: UnitOfWork, account: Account, key: str) -> None:
    if not may_change(account):
        raise ForbiddenError("Only a coach can change the plan. Tell your coach what does not "
                             "suit you and they can swap it.")
    if not account_service.can_see(uow, account, key):
        raise NotFoundError("person", key)


def _whole(values: dict[str, str], name: str, errors: dict[str, str]) -> int | None:
    text = values.get(name, "").strip()
    if not text:
        return None
    if not text.isdigit():
        errors[name] = f"A whole number (you entered {text})."
        return None
    return int(text)


_FIELDS = {"exercise": "pc_exercise", "replacement": "pc_replacement", "sets": "pc_sets",
           "reps": "pc_amount", "seconds": "pc_amount", "note": "pc_note",
           "person": "pc_exercise", "kind": "pc_exercise"}


def _change_from(values: dict[str, str], kind: str, account: Account,
                 errors: dict[str, str], today: dt.date) -> PlanChange | None:
    fields: dict[str, Any] = {"kind": kind, "exercise": values.get("pc_exercise", ""),
                              "note": values.get("pc_note", "").strip(),
                              "date": today, "by": account.email}
    if not fields["exercise"]:
        errors["pc_exercise"] = "Choose the exercise."
    if len(fields["note"]) < 3:
        errors["pc_note"] = ("Write why, in a few words: the client sees it with the change, "
                             "and it is kept in their history.")
    if kind == "swap":
        fields["replacement"] = values.get("pc_replacement", "")
        if not fields["replacement"]:
            errors["pc_replacement"] = "Choose the exercise to give instead."
    if kind == "pin":
        fields["sets"] = _whole(values, "pc_sets", errors)
        amount = _whole(values, "pc_amount", errors)
        unit = values.get("pc_unit", "reps")
        fields["reps" if unit != "seconds" else "seconds"] = amount
        if fields["sets"] is None and "pc_sets" not in errors:
            errors["pc_sets"] = "Give the number of sets."
        if amount is None and "pc_amount" not in errors:
            errors["pc_amount"] = "Give the reps or seconds a set."
    if errors:
        return None
    try:
        return PlanChange.model_validate(fields)
    except ValidationError as err:
        field, value, accepted = problems_from(err)[0]
        errors[_FIELDS.get(field.split(".")[0], "pc_exercise")] = (
            f"{accepted[:1].upper()}{accepted[1:]}" + ("" if value in (None, "") else
                                                        f" (you entered {value})") + ".")
        return None


def _again(request: Request, uow: UnitOfWork, ctx: Context, account: Account, key: str,
           kind: str, values: dict[str, str], errors: dict[str, str]) -> Response:
    from anklet.web.pages.person import FormState, person_page

    uow.rollback()  # nothing of a refused form is kept
    return person_page(request, uow, ctx, account, key, status_code=422,
                       forms={f"plan_change_{kind}": FormState(values, errors)})


@router.post("/people/{key}/plan-changes")
async def make(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx,
               today: PageToday) -> Response:
    from anklet.web.pages.person import read_form

    _check(uow, account, key)
    values = {k: v for k, v in (await read_form(request)).items() if isinstance(v, str)}
    kind = values.get("pc_kind", "")
    if kind not in KINDS:
        raise InputError("pc_kind", kind, "accepted: swap, remove, add or pin")
    errors: dict[str, str] = {}
    change = _change_from(values, kind, account, errors, today)
    if change is None:
        return _again(request, uow, ctx, account, key, kind, values, errors)
    try:
        made = service.add(uow, key=key, change=change, protocol=ctx.protocol,
                           library=ctx.library, account_id=account.id, actor=account.email)
    except InputError as e:
        reason = e.accepted.replace(". Accepted:", ". What would do:")
        errors[_FIELDS.get(e.field, "pc_exercise")] = f"{reason[:1].upper()}{reason[1:]}."
        return _again(request, uow, ctx, account, key, kind, values, errors)
    uow.commit()
    flash(request, f"Plan changed: {change_words(made.change, ctx.library)}. "
          + " ".join(made.warnings))
    return RedirectResponse(f"/people/{key}#plan-changes", 303)


@router.post("/people/{key}/plan-changes/{change_id}/end")
async def end(request: Request, key: str, change_id: int, account: PageAccount, uow: Uow,
              ctx: Ctx, today: PageToday) -> Response:
    _check(uow, account, key)
    ended = service.end(uow, key=key, change_id=change_id, day=today,
                        protocol=ctx.protocol, library=ctx.library, account_id=account.id,
                        actor=account.email)
    uow.commit()
    flash(request, f"Change ended: {change_words(ended, ctx.library)}. The plan is back to "
                   f"what the stage gives.")
    return RedirectResponse(f"/people/{key}#plan-changes", 303)


__all__ = ["KINDS", "may_change", "router", "section"]
