"""Getting started, and a person's own weekly time and runs.

The walk-through (``/welcome``) follows a self sign-up or a client's first sign-in: weekly
time (which days suit, how many minutes) → the red-flag screen → first tests, each with how
to do it at home → the first plan. It is a sequence over what already exists: the weekly
time is the person page's availability form, the screen is the symptom check-in and the
assessment's red-flag questions, the tests are the assessment's tests. Each step is saved
as it goes; where a person stands is read from their data, never kept as a flag of its own:

* weekly time: done once any day has minutes;
* the screen: done once the decision no longer asks for one (every red-flag question
  answered); it is never skipped, and a yes ends the walk-through at Today's referral;
* first tests: done once the ankle bend is measured on both sides.

"Later" (weekly time and tests only) is kept as an audit entry (``onboarding_skipped``),
so leaving and coming back, on any device, resumes at the first step neither done nor left
for later. Someone who is through goes to Today.

The same weekly-time form, with the planned runs, is the person's own page
``/people/{key}/time``: a client (coached or not) sets their time and runs there, and their
coach can too. Every route that names a person goes through
:func:`anklet.services.accounts.person_for` (404 for anyone else's); the walk-through names
nobody: it is always the signed-in person's own.

A sign-in whose person is gone (deleted by their coach) gets :func:`no_person_page`: what
happened and what to do, never a loop between ``/me``, ``/coach`` and a refusal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from anklet.domain.decisions import Decision
from anklet.domain.errors import AnkletError, NotFoundError
from anklet.domain.history import History, Intake
from anklet.domain.measures import DORSIFLEXION_KINDS, MEASURE_INFO, MeasureKind
from anklet.domain.units import SIDES
from anklet.domain.views import plan_dict
from anklet.services import accounts as account_service
from anklet.services import evaluation, records
from anklet.services.context import Context
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web import checkin
from anklet.web.deps import Ctx, PageAccount, PageToday, Uow, check_csrf, today_for
from anklet.web.pages.person import (
    RUN_GONE,
    RUN_LABELS,
    WEEKDAYS,
    Errors,
    Reader,
    Values,
    assessment_values,
    parse_assessment,
    read_availability,
    read_form,
    read_measurement,
    read_run,
    remove_listed_run,
    store_assessment,
    store_availability,
    store_run,
)
from anklet.web.templating import flash, render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)

STEPS: tuple[tuple[str, str], ...] = (("time", "Your time"), ("screen", "Safety questions"),
                                      ("tests", "First tests"), ("plan", "Your plan"))
LATER_OK = frozenset({"time", "tests"})
"""Steps that may be left for later: never the red-flag screen."""
SKIPPED = "onboarding_skipped"


# --- where a person stands --------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Each step of the walk-through, read from the person's data."""

    time: bool
    screen: bool
    tests: bool
    referred: bool
    """A red flag was answered yes: nothing is prescribed, Today says whom to see."""
    skipped: frozenset[str]

    @property
    def finished(self) -> bool:
        return self.time and self.screen and self.tests

    @property
    def due(self) -> bool:
        """Whether signing in leads to the walk-through (not once through, nor referred)."""
        return not self.finished and not self.referred

    def step(self) -> str:
        """The first step neither done nor left for later; ``plan`` once through."""
        for name, done in (("time", self.time), ("screen", self.screen),
                           ("tests", self.tests)):
            if not done:
                return name
        return "plan"


def has_range_tests(h: History) -> bool:
    """The ankle bend (knee-to-wall or lunge angle) is measured on both sides."""
    return {m.side for m in h.measurements if m.kind in DORSIFLEXION_KINDS} >= set(SIDES)


def progress(uow: UnitOfWork, ctx: Context, h: History,
             decision: Decision | None = None) -> Progress:
    timed, tested = sum(h.availability.minutes()) > 0, has_range_tests(h)
    skipped: frozenset[str] = frozenset()
    if not (timed and tested):  # the audit log is read only while a step is open
        skipped = frozenset(str(a.detail.get("step"))
                            for a in uow.accounts.audit_for(h.person.id, limit=AUDIT_READ)
                            if a.action == SKIPPED)
    d = decision or evaluation.evaluate(history=h, protocol=ctx.protocol, library=ctx.library,
                                        as_of=today_for(uow, None, h.person.id)).decision
    return Progress(time=timed or "time" in skipped, screen=d.status != "screen_needed",
                    tests=tested or "tests" in skipped, referred=d.status == "refer",
                    skipped=skipped)


AUDIT_READ = 5000
"""Audit entries read for a "later" (newest first): far more than a person gathers before
the steps they left are done."""


def start_for(uow: UnitOfWork, ctx: Context, account: Account) -> str:
    """Where signing in leads: the walk-through while it is due, else the account's home."""
    key = account.person_key
    if account.role == "coach":
        return "/coach"
    if key is None or not uow.people.exists(key):
        return "/me"  # says what happened to their records
    try:
        due = progress(uow, ctx, uow.people.get(key)).due
    except AnkletError:  # a history the engine refuses: Today says why; signing in works
        return "/me"
    return "/welcome" if due else "/me"


# --- a sign-in without a person ---------------------------------------------------------------


def no_person_page(request: Request, account: Account) -> Response:
    """What a client or self-coached sign-in whose records are gone sees instead of Today."""
    return render(request, "onboarding/no_person.html", account=account, status_code=200)


def _own(uow: UnitOfWork, request: Request, account: Account) -> str | Response:
    """The account's own person, or where to go instead (a coach to their list; a sign-in
    whose person is gone to the page that says so)."""
    if account.role == "coach":
        return RedirectResponse("/coach", 303)
    key = account.person_key
    if key is None or not uow.people.exists(key):
        return no_person_page(request, account)
    return key


@router.post("/welcome/delete-account")
async def delete_stranded_account(request: Request, account: PageAccount, uow: Uow
                                  ) -> Response:
    """A sign-in whose person is gone may delete itself (it holds nothing else); one with a
    person is refused here (a coach deletes a client, with everything about them)."""
    r = Reader(await read_form(request))
    key = account.person_key
    if account.role == "coach" or (key is not None and uow.people.exists(key)):
        flash(request, "This is only for a sign-in whose records are gone: nothing was "
                       "changed.", "warn")
        return RedirectResponse("/", 303)
    if r.text("confirm_email").casefold() != account.email.casefold():
        return render(request, "onboarding/no_person.html", account=account, status_code=422,
                      errors={"confirm_email": f"Type your email, {account.email}, to "
                                               f"confirm. Nothing was deleted."})
    uow.accounts.audit(account_id=None, actor=account.email, action="account_deleted",
                       detail={"role": account.role, "why": "its person was gone"})
    uow.accounts.delete(account.id)
    uow.commit()
    request.session.clear()
    flash(request, "Your sign-in is deleted. Thank you for using Anklet.")
    return RedirectResponse("/sign-in", 303)


# --- the walk-through -------------------------------------------------------------------------


def _step_page(request: Request, account: Account, step: str, template: str,
               status_code: int = 200, **values: Any) -> Response:
    names = [s for s, _ in STEPS]
    return render(request, f"onboarding/{template}", account=account, status_code=status_code,
                  steps=STEPS, step=step, step_no=names.index(step) + 1,
                  later_ok=step in LATER_OK, **values)


def _next(uow: UnitOfWork, ctx: Context, key: str) -> Response:
    p = progress(uow, ctx, uow.people.get(key))
    if p.referred:
        return RedirectResponse("/me", 303)  # Today says whom to see, and why
    return RedirectResponse(f"/welcome/{p.step()}", 303)


@router.get("/welcome")
def welcome(request: Request, account: PageAccount, uow: Uow, ctx: Ctx) -> Response:
    """Resume at the first unfinished step; Today once through."""
    key = _own(uow, request, account)
    if not isinstance(key, str):
        return key
    p = progress(uow, ctx, uow.people.get(key))
    if p.referred or p.finished:
        return RedirectResponse("/me", 303)
    return RedirectResponse(f"/welcome/{p.step()}", 303)


@router.post("/welcome/{step}/later")
def later(request: Request, step: str, account: PageAccount, uow: Uow, ctx: Ctx) -> Response:
    """Leave a step for later (weekly time or tests; never the red-flag screen)."""
    key = _own(uow, request, account)
    if not isinstance(key, str):
        return key
    if step == "screen":
        flash(request, "The safety questions cannot wait: they come before any exercise.",
              "warn")
        return _next(uow, ctx, key)
    if step not in LATER_OK:
        raise NotFoundError("step that can wait", step)
    if step not in progress(uow, ctx, uow.people.get(key)).skipped:
        uow.accounts.audit(account_id=account.id, actor=account.email, action=SKIPPED,
                           person_key=key, detail={"step": step})
        uow.commit()
    flash(request, LATER_TEXT[step])
    return _next(uow, ctx, key)


LATER_TEXT = {
    "time": "Left for later. Until you give your time, Today will ask for it instead of "
            "showing exercises.",
    "tests": "Left for later. You start with the feet; the tests can move you on sooner, "
             "whenever you do them.",
}


# step 1: weekly time -------------------------------------------------------------------------


def _time_values(h: History) -> Values:
    a = h.availability
    return {k: str(getattr(a, k)) if getattr(a, k) else "" for k, _ in WEEKDAYS}


@router.get("/welcome/time")
def time_step(request: Request, account: PageAccount, uow: Uow) -> Response:
    key = _own(uow, request, account)
    if not isinstance(key, str):
        return key
    return _step_page(request, account, "time", "time.html", key=key,
                      values=_time_values(uow.people.get(key)), errors={}, weekdays=WEEKDAYS)


@router.post("/welcome/time")
async def save_time_step(request: Request, account: PageAccount, uow: Uow, ctx: Ctx
                         ) -> Response:
    key = _own(uow, request, account)
    if not isinstance(key, str):
        return key
    r = Reader(await read_form(request))
    a = read_availability(r)
    if a is not None and not sum(a.minutes()):
        r.errors["mon"] = ("Give some minutes on at least one day, or choose “Later” below "
                           "(Today will ask again).")
    if a is None or r.errors:
        return _step_page(request, account, "time", "time.html", status_code=422, key=key,
                          values=r.values, errors=r.errors, weekdays=WEEKDAYS)
    store_availability(uow, ctx, account, key, a)
    uow.commit()
    flash(request, f"Saved: {sum(a.minutes())} minutes a week.")
    return _next(uow, ctx, key)


# step 2: the red-flag screen -------------------------------------------------------------------


def _screen_page(request: Request, account: Account, ctx: Context, values: Values,
                 errors: Errors, status_code: int = 200) -> Response:
    return _step_page(request, account, "screen", "screen.html", status_code=status_code,
                      values=values, errors=errors, red_flags=ctx.protocol.red_flags,
                      sides=checkin.SIDES, pain_fields=checkin.PAIN_FIELDS,
                      yes_no_fields=FIRST_YES_NO)


FIRST_YES_NO = (("swelling", "Is it swollen?"), ("giving_way", "Has it given way recently?"))
"""The check-in's yes/no questions as a first screen asks them (there is no "last check-in"
yet); the same fields and answers."""


SCREEN_HISTORY = tuple(f"{side}_{f}" for side in ("left", "right")
                       for f in ("sprains", "last_sprain", "surgery"))
"""The injury history the screen step asks (the rest of the intake is kept as it is)."""


@router.get("/welcome/screen")
def screen_step(request: Request, account: PageAccount, uow: Uow, ctx: Ctx,
                today: PageToday) -> Response:
    key = _own(uow, request, account)
    if not isinstance(key, str):
        return key
    values = {k: v for k, v in assessment_values(uow.people.get(key), today).items()
              if k in SCREEN_HISTORY}
    return _screen_page(request, account, ctx, values, {})


@router.post("/welcome/screen")
async def save_screen_step(request: Request, account: PageAccount, uow: Uow, ctx: Ctx,
                           today: PageToday) -> Response:
    """The symptoms (as the check-in asks them: every answer needed), the red-flag questions
    and the injury history, checked and stored as the assessment does, tests left out."""
    key = _own(uow, request, account)
    if not isinstance(key, str):
        return key
    h = uow.people.get(key)
    posted = await read_form(request)
    answers = checkin.read({k: v for k, v in posted.items() if isinstance(v, str)})
    # the rest of the intake (activities, goals, profile) stays as it is
    kept = {k: v for k, v in assessment_values(h, today).items() if k not in SCREEN_HISTORY}
    values = {**kept, **{k: v for k, v in posted.items() if k in SCREEN_HISTORY or
                         k.startswith("rf_") or k in checkin.FIELDS}, "date": today.isoformat()}
    current = h.intake or Intake(date=h.person.created or today)
    found, errors = parse_assessment(values, protocol=ctx.protocol, current=current,
                                     today=today)
    errors = {**answers.errors, **errors}
    if found is None or errors:
        return _screen_page(request, account, ctx, posted, errors, 422)
    d = store_assessment(uow, ctx, account, key, found)
    uow.commit()
    if d.status == "refer":
        flash(request, "Thank you. One answer means a doctor or physiotherapist should see "
                       "your ankle before any exercise: Today says more.", "bad")
    else:
        flash(request, "Thank you: no warning signs. Next, a few simple tests.")
    return _next(uow, ctx, key)


# step 3: first tests ---------------------------------------------------------------------------


TESTS: tuple[tuple[str, MeasureKind, bool], ...] = (
    ("knee_to_wall", MeasureKind.KNEE_TO_WALL, True),
    ("heel_raise", MeasureKind.HEEL_RAISE, False),
    ("balance_eyes_open", MeasureKind.BALANCE_EYES_OPEN, False),
)
"""The tests the first step asks for: (form field suffix, kind, with its pain). The ankle
bend decides where a person starts (with no injury, no surgery and no symptoms, a pain-free
bend on both sides starts them with the ankle, not the feet); heel raises and balance are the
next stages' checks, and their first values make progress visible."""


def _tests_page(request: Request, account: Account, values: Values, errors: Errors,
                status_code: int = 200) -> Response:
    return _step_page(request, account, "tests", "tests.html", status_code=status_code,
                      values=values, errors=errors, tests=TESTS, info=MEASURE_INFO,
                      sides=("left", "right"))


@router.get("/welcome/tests")
def tests_step(request: Request, account: PageAccount, uow: Uow) -> Response:
    key = _own(uow, request, account)
    if not isinstance(key, str):
        return key
    return _tests_page(request, account, {}, {})


@router.post("/welcome/tests")
async def save_tests_step(request: Request, account: PageAccount, uow: Uow, ctx: Ctx,
                          today: PageToday) -> Response:
    key = _own(uow, request, account)
    if not isinstance(key, str):
        return key
    r = Reader(await read_form(request))
    found = []
    for suffix, kind, with_pain in TESTS:
        for side in ("left", "right"):
            m = read_measurement(r, kind, side, f"{side}_{suffix}",
                                 f"{side}_{suffix}_pain" if with_pain else None, on=today)
            if m is not None:
                found.append(m)
    bend = [m for m in found if m.kind is MeasureKind.KNEE_TO_WALL]
    for m in bend:  # where to start reads the pain of the bend: it is asked with it
        if m.pain is None:
            r.errors[f"{m.side.value}_knee_to_wall_pain"] = (
                "How much did it hurt while you did it? 0 if not at all, up to 10.")
    if len(bend) == 1:
        missing = "right" if bend[0].side.value == "left" else "left"
        r.errors.setdefault(f"{missing}_knee_to_wall", "Measure both sides: the two are "
                            "compared. Or leave both blank and choose “Later”.")
    if not found and not r.errors:
        r.errors["left_knee_to_wall"] = ("Give at least the knee-to-wall distance on both "
                                         "sides, or choose “Later” below.")
    if r.errors:
        return _tests_page(request, account, r.values, r.errors, 422)
    for m in found:
        records.create_measurement(uow, key=key, measurement=m)
    uow.accounts.audit(account_id=account.id, actor=account.email, action="assessment_recorded",
                       person_key=key, detail={"date": today.isoformat(), "tests": len(found)})
    evaluation.refresh(uow, key=key, protocol=ctx.protocol, library=ctx.library)
    uow.commit()
    flash(request, f"Saved {len(found)} test result{'s' if len(found) != 1 else ''}.")
    return _next(uow, ctx, key)


# step 4: the first plan ------------------------------------------------------------------------


@router.get("/welcome/plan")
def plan_step(request: Request, account: PageAccount, uow: Uow, ctx: Ctx,
              today: PageToday) -> Response:
    key = _own(uow, request, account)
    if not isinstance(key, str):
        return key
    h = uow.people.get(key)
    ev = evaluation.evaluate(history=h, protocol=ctx.protocol, library=ctx.library,
                             as_of=today)
    p = progress(uow, ctx, h, ev.decision)
    if not p.finished:
        return RedirectResponse(f"/welcome/{p.step()}", 303)
    # the seven days from today: the rest of this week, then the start of the next
    nxt = evaluation.evaluate(history=h, protocol=ctx.protocol, library=ctx.library,
                              as_of=today, week_start=ev.plan.week_start + dt.timedelta(7))
    plan = plan_dict(ev.plan, ctx.library)
    days = [d for d in plan["days"] + plan_dict(nxt.plan, ctx.library)["days"]
            if d["date"] >= today.isoformat()][:7]
    for d in days:
        d["when"] = dt.date.fromisoformat(d["date"])
    return _step_page(request, account, "plan", "plan.html", key=key, decision=ev.decision,
                      plan=plan, days=days, progress=p)


# --- a person's own weekly time and runs ------------------------------------------------------


def _time_page(request: Request, uow: UnitOfWork, account: Account, h: History, *,
               values: Values | None = None, errors: Errors | None = None,
               run_values: Values | None = None, run_errors: Errors | None = None,
               status_code: int = 200) -> Response:
    key = h.person.id
    own = account.role != "coach"
    today = today_for(uow, account, key)
    monday = today - dt.timedelta(days=today.weekday())
    return render(request, "onboarding/my_time.html", account=account, status_code=status_code,
                  key=key, person=h.person, own=own,
                  back="/me" if own else f"/people/{key}",
                  values=_time_values(h) if values is None else values, errors=errors or {},
                  run_values=run_values or {"run_kind": "long"}, run_errors=run_errors or {},
                  weekdays=WEEKDAYS, run_labels=RUN_LABELS,
                  runs=[r for r in h.planned_runs if r.date >= monday][:20])


@router.get("/me/time")
def my_time(request: Request, account: PageAccount, uow: Uow) -> Response:
    key = _own(uow, request, account)
    if not isinstance(key, str):
        return key
    return RedirectResponse(f"/people/{key}/time", 303)


@router.get("/people/{key}/time")
def time_page(request: Request, key: str, account: PageAccount, uow: Uow) -> Response:
    h = account_service.person_for(uow, account, key)
    return _time_page(request, uow, account, h)


@router.post("/people/{key}/time")
async def save_time(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx
                    ) -> Response:
    h = account_service.person_for(uow, account, key)
    r = Reader(await read_form(request))
    a = read_availability(r)
    if a is None:
        return _time_page(request, uow, account, h, values=r.values, errors=r.errors,
                          status_code=422)
    store_availability(uow, ctx, account, key, a)
    uow.commit()
    total = sum(a.minutes())
    flash(request, f"Weekly time saved: {total} minutes a week. The plan follows it."
          if total else "Weekly time saved: no time on any day, so no exercises are planned "
                        "until you give some.", "ok" if total else "warn")
    return RedirectResponse(f"/people/{key}/time", 303)


@router.post("/people/{key}/time/runs")
async def add_run(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx
                  ) -> Response:
    h = account_service.person_for(uow, account, key)
    r = Reader(await read_form(request))
    run = read_run(r)
    if run is None:
        return _time_page(request, uow, account, h, run_values=r.values, run_errors=r.errors,
                          status_code=422)
    said = store_run(uow, ctx, account, key, run)
    uow.commit()
    flash(request, said)
    return RedirectResponse(f"/people/{key}/time#runs", 303)


@router.post("/people/{key}/time/runs/remove")
async def remove_run(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx
                     ) -> Response:
    account_service.person_for(uow, account, key)
    said = remove_listed_run(uow, ctx, account, key, Reader(await read_form(request)))
    if said is None:
        flash(request, RUN_GONE, "warn")
    else:
        uow.commit()
        flash(request, said)
    return RedirectResponse(f"/people/{key}/time#runs", 303)
