"""A person's pages for their coach (or themself, when self-coached): stage and checklist,
assessment, overrides, history.

Who may do what here:

* the person page, the assessment, availability and planned runs: their coach, or the
  self-coached person themself; a client account is sent to ``/me`` (the page) or refused
  (403, the forms): assessments are their coach's job;
* overrides, giving a client a sign-in and deleting a client: their coach only.

The role is checked before the person is looked up, and a person who is not the account's
own answers 404 exactly like a missing one, so nothing is told about other coaches' people.
Every form is validated whole before anything is stored: a bad value re-renders the form
with 422, each error next to its field and everything typed kept, and stores nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from anklet.domain.decisions import OP_TEXT, Decision, fmt
from anklet.domain.errors import ConflictError, InputError, NotFoundError
from anklet.domain.exercises import Library
from anklet.domain.history import (
    AGE_MAX,
    AGE_MIN,
    Activity,
    Availability,
    FootObservation,
    History,
    Intake,
    Measurement,
    Override,
    PlannedRun,
    RunKind,
    Screening,
    SideHistory,
    Symptoms,
    problems_from,
    whole_years,
)
from anklet.domain.measures import DEFAULT_METHOD, MEASURE_INFO, MeasureKind
from anklet.domain.protocol import Protocol
from anklet.domain.units import MINUTES_PER_DAY, PAIN, Range
from anklet.domain.views import decision_dict, plan_dict
from anklet.services import accounts as account_service
from anklet.services import evaluation, messages, people, records
from anklet.services.context import Context
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web import checkin
from anklet.web.changes import change_rows
from anklet.web.deps import (
    Ctx,
    ForbiddenError,
    PageAccount,
    PageToday,
    Uow,
    check_csrf,
    today_for,
)
from anklet.web.pages.plan_changes import section as plan_change_section
from anklet.web.templating import flash, render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)

Values = dict[str, Any]
Errors = dict[str, str]
M = TypeVar("M", bound=BaseModel)

SIDE_NAMES = ("left", "right")
WEEKDAYS = (("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"),
            ("fri", "Friday"), ("sat", "Saturday"), ("sun", "Sunday"))
ACTIVITY_LABELS = {Activity.RUNNING: "Running", Activity.LIFTING: "Lifting",
                   Activity.COURT_FIELD_SPORT: "Court or field sport",
                   Activity.DAILY_LIFE: "Daily life"}
RUN_LABELS = {RunKind.EASY: "Easy run", RunKind.LONG: "Long run",
              RunKind.INTERVAL: "Intervals", RunKind.RACE: "Race"}
MULTI = frozenset({"activities"})
"""Form fields that may come more than once (checkboxes with one name)."""


# --- reading forms ------------------------------------------------------------------------


async def read_form(request: Request) -> Values:
    """The posted form as a dict of strings (lists for the fields in :data:`MULTI`)."""
    form = await request.form()
    out: Values = {}
    for name in form:
        given = [v for v in form.getlist(name) if isinstance(v, str)]
        out[name] = given if name in MULTI else (given[-1] if given else "")
    out.pop("csrf_token", None)
    return out


def _num_text(x: float) -> str:
    return f"{x:g}"


class Reader:
    """Reads fields from a posted form, collecting one plain-words error per field."""

    def __init__(self, values: Values) -> None:
        self.values = values
        self.errors: Errors = {}

    def text(self, name: str) -> str:
        value = self.values.get(name)
        return value.strip() if isinstance(value, str) else ""

    def activities_and_goals(self) -> tuple[list[str], list[str]]:
        """The ticked activities and the goals (one per line), each checked."""
        acts = self.values.get("activities") or []
        acts = [acts] if isinstance(acts, str) else list(acts)
        known = {a.value for a in Activity}
        if any(a not in known for a in acts):
            self.errors["activities"] = "Choose from the activities listed."
        goals = [g.strip() for g in self.text("goals").splitlines() if g.strip()]
        if any(len(g) > 200 for g in goals):
            self.errors["goals"] = "Keep each goal to 200 characters (one goal per line)."
        elif len(goals) > 10:
            self.errors["goals"] = "Up to 10 goals, one per line."
        return acts, goals

    def number(self, name: str, rng: Range | None = None, *, integer: bool = False
               ) -> float | None:
        """A number (comma or point for decimals); None when left blank."""
        raw = self.text(name).replace(",", ".")
        if not raw:
            return None
        example = "a whole number, such as 3" if integer else "a number, such as 9.5"
        try:
            value = float(raw)
        except ValueError:
            self.errors[name] = f"Use {example} (you entered {self.text(name)!r})."
            return None
        if not math.isfinite(value) or (integer and not value.is_integer()):
            self.errors[name] = f"Use {example} (you entered {self.text(name)!r})."
            return None
        if rng is not None and not rng.low <= value <= rng.high:
            unit = f" {rng.unit}" if rng.unit else ""
            self.errors[name] = (f"Use {_num_text(rng.low)} to {_num_text(rng.high)}{unit} "
                                 f"(you entered {self.text(name)}).")
            return None
        return value

    def whole(self, name: str, rng: Range | None = None) -> int | None:
        value = self.number(name, rng, integer=True)
        return None if value is None else int(value)

    def date(self, name: str, *, not_after: dt.date | None = None) -> dt.date | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            self.errors[name] = f"Use a date such as 2025-03-14 (you entered {raw!r})."
            return None
        if not_after is not None and value > not_after:
            self.errors[name] = f"Use a date no later than today ({not_after.isoformat()})."
            return None
        return value

    def checked(self, name: str) -> bool:
        return self.text(name).lower() in ("on", "yes", "true", "1")

    def model(self, model: type[M], field_name: Callable[[str], str], **data: Any) -> M | None:
        """Validate ``data`` as ``model``; each problem goes to the form field
        ``field_name(model_field)``."""
        try:
            return model.model_validate(data)
        except ValidationError as e:
            for field, _, message in problems_from(e):
                self.errors.setdefault(field_name(field), message[:1].upper() + message[1:])
            return None


def error_text(e: InputError) -> str:
    """An InputError in words fit to stand under its field."""
    accepted = e.accepted.removeprefix("accepted: ")
    shown = "" if e.value in (None, "") else f" (you entered {e.value})"
    return f"{accepted[:1].upper()}{accepted[1:]}{shown}."


# --- who may do what ----------------------------------------------------------------------


def check_person(uow: UnitOfWork, account: Account, key: str, *, coach_only: bool = False
                 ) -> None:
    """The role first (it says nothing about the person), then tenancy (404 if not theirs)."""
    if account.role == "client":
        raise ForbiddenError("This is for your coach. Your own pages are under Today, "
                             "Progress and Week.")
    if coach_only and account.role != "coach":
        raise ForbiddenError("Only a coach can do this.")
    if not account_service.can_see(uow, account, key):
        raise NotFoundError("person", key)


# --- the person page ----------------------------------------------------------------------


@dataclass
class FormState:
    values: Values
    errors: Errors


_CLI_HINT = re.compile(r"\s*\((?:anklet|`anklet) [^)]*\)")


def _web_words(c: dict[str, Any]) -> dict[str, Any]:
    """A criterion dict for a page: its threshold in words, its 'how to fill it' without the
    command-line example the protocol gives."""
    c["threshold_text"] = threshold_text(c)
    if c.get("how"):
        c["how"] = _CLI_HINT.sub("", c["how"])
    return c


def threshold_text(c: dict[str, Any]) -> str:
    """A criterion's threshold in words (``≥ 9 cm``), from its dict form."""
    if c["unit"] == "yes_no":
        return "no" if c["threshold"] < 1 else "yes or no"
    return f"{OP_TEXT.get(c['op'], c['op'])} {fmt(c['threshold'], c['unit'])}"


def _measure_rows(h: History, dates: int = 3) -> list[dict[str, Any]]:
    """The tests of the last ``dates`` test days, one row per day and test, both sides."""
    days = sorted({m.date for m in h.measurements}, reverse=True)[:dates]
    rows: dict[tuple[dt.date, MeasureKind], dict[str, Any]] = {}
    order = {k: i for i, k in enumerate(MeasureKind)}
    for m in h.measurements:
        if m.date not in days:
            continue
        label, rng, _ = MEASURE_INFO[m.kind]
        value = fmt(m.value, rng.unit)
        if m.normalised_reach is not None:
            value += f" ({m.normalised_reach:.0f}% of leg)"
        if m.pain is not None:
            value += f", pain {m.pain}/10"
        if m.method is not None and m.method is not DEFAULT_METHOD[m.kind]:
            value += f" ({m.method.value})"  # devices differ: never read one trend across them
        row = rows.setdefault((m.date, m.kind), {"date": m.date, "label": label,
                                                 "left": "—", "right": "—"})
        row[m.side.value] = value
    return [rows[k] for k in sorted(rows, key=lambda k: (-k[0].toordinal(), order[k[1]]))]


def _symptoms_text(s: Symptoms) -> str:
    parts = [f"rest {s.pain_rest}/10", f"activity {s.pain_activity}/10"]
    if s.swelling:
        parts.append("swelling")
    if s.giving_way:
        parts.append("gives way")
    return " · ".join(parts)


def _screening_rows(h: History, protocol: Protocol, limit: int = 10) -> list[dict[str, Any]]:
    rows = []
    for s in sorted(h.screenings, key=lambda s: s.date, reverse=True)[:limit]:
        yes = [(protocol.red_flag(f).question if protocol.red_flag(f) else f)  # type: ignore[union-attr]
               for f, v in s.red_flags.items() if v]
        rows.append({"date": s.date, "kind": s.kind, "left": _symptoms_text(s.left),
                     "right": _symptoms_text(s.right), "yes": yes,
                     "answered": len(s.red_flags), "asked": len(protocol.red_flags)})
    return rows


def _session_rows(h: History, library: Library, limit: int = 8,
                  notes: tuple[list[int], dict[int, Any]] | None = None) -> list[dict[str, Any]]:
    """The latest sessions; with ``notes`` (session ids in the history's order and the
    comments on each, from services.messages) each row has its id and comments."""
    sids: list[int | None] = list(notes[0]) if notes else []
    if len(sids) != len(h.sessions):
        sids = [None] * len(h.sessions)
    rows = []
    for s, sid in sorted(zip(h.sessions, sids, strict=True), key=lambda p: p[0].date,
                         reverse=True)[:limit]:
        names = list(dict.fromkeys(
            library.get(x.exercise_id).name if x.exercise_id in library else x.exercise_id
            for x in s.exercises))
        ids = list(dict.fromkeys(x.exercise_id for x in s.exercises))  # for links to /exercises
        rows.append({"date": s.date, "exercises": names, "rpe": s.rpe,
                     "links": [i if i in library else None for i in ids],
                     "pain_during": s.pain_during, "pain_next_morning": s.pain_next_morning,
                     "notes": s.notes or "", "id": sid,
                     "comments": notes[1].get(sid, []) if notes and sid else []})
    return rows


AUDIT_TEXT = {
    "client_added": "Added as a client",
    "client_sign_in_created": "Sign-in created",
    "assessment_recorded": "Assessment recorded",
    "override": "Stage set by hand",
    "override_created": "Stage set by hand",
    "stage_override": "Stage set by hand",
    "availability_updated": "Weekly time changed",
    "planned_run_added": "Run planned",
    "planned_run_removed": "Run removed",
    "calendar_issued": "Calendar address issued",
    "calendar_revoked": "Calendar address revoked",
    "signed_up": "Signed up",
    "onboarding_skipped": "Left a getting-started step for later",
    "account_created": "Account created",
}


def _audit_rows(uow: UnitOfWork, key: str) -> list[dict[str, Any]]:
    rows = []
    for a in uow.accounts.audit_for(key, limit=50):
        detail = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in a.detail.items()
                           if k != "person" and v not in (None, "", [], {}))
        rows.append({"at": a.at, "actor": a.actor,
                     "action": AUDIT_TEXT.get(a.action, a.action.replace("_", " ").capitalize()),
                     "detail": detail})
    return rows


def _charts(h: History, protocol: Protocol, as_of: dt.date) -> dict[str, Any]:
    from anklet.web import charts

    return {"dorsiflexion": charts.dorsiflexion_chart(h, protocol, as_of=as_of),
            "asymmetry": charts.asymmetry_chart(h, protocol, as_of=as_of)}


def default_forms(h: History, d: Decision, today: dt.date) -> dict[str, FormState]:
    a = h.availability
    return {
        "override": FormState({"override_stage": str(d.stage or 1)}, {}),
        "sign_in": FormState({}, {}),
        "delete": FormState({}, {}),
        "availability": FormState({k: str(getattr(a, k)) for k, _ in WEEKDAYS}, {}),
        "run": FormState({"run_kind": RunKind.LONG.value}, {}),
        "check_in": FormState({"check_in_date": today.isoformat()}, {}), }


def _keep_decision(uow: UnitOfWork, ctx: Context, key: str, d: Decision,
                   h: History) -> None:
    """From a page that only reads: store the decision just made if the stored one differs
    (a new day, say), in a short write of its own, so that viewing stays a read."""
    s = uow.people.get_decision(key)
    if s is not None and ((s.as_of, s.stage, s.status, s.clear_to_train, s.summary)
                          == (d.as_of, d.stage, d.status, d.clear_to_train,
                              evaluation.summary(d, evaluation.activity(
                                  h, d, ctx.protocol, ctx.library, d.as_of)))):
        return
    with ctx.writing(uow) as w:
        evaluation.refresh(w, key=key, protocol=ctx.protocol, library=ctx.library,
                           as_of=d.as_of)  # the person's day, as the page decided it


def person_page(request: Request, uow: UnitOfWork, ctx: Context, account: Account, key: str,
                *, status_code: int = 200, forms: dict[str, FormState] | None = None,
                new_sign_in: dict[str, str] | None = None) -> Response:
    """Decide (and save the decision: the dashboard reads it) and show everything about them."""
    today = today_for(uow, account, key)  # the person's day, not the server's
    ev = evaluation.get(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                        as_of=today, save=uow.writes)
    if not uow.writes:
        _keep_decision(uow, ctx, key, ev.decision, ev.history)
    h, d = ev.history, ev.decision
    decision = decision_dict(d, ctx.protocol)
    for c in (decision["gate"] or {}).get("criteria", []):
        _web_words(c)
    for group in (decision["clearance"] or {}).get("domains", []):
        for c in group["criteria"]:
            _web_words(c)
    all_forms = default_forms(h, d, today) | (forms or {})
    is_coach = account.role == "coach"
    monday = d.as_of - dt.timedelta(days=d.as_of.weekday())
    upcoming = [r for r in h.planned_runs if r.date >= monday]
    return render(
        request, "person/page.html", account=account, status_code=status_code,
        key=key, person=h.person, history=h, d=decision, decision=d,
        plan=plan_dict(ev.plan, ctx.library), protocol=ctx.protocol,
        stages=[(s.number, s.name) for s in ctx.protocol.stages],
        measurements=_measure_rows(h), screenings=_screening_rows(h, ctx.protocol),
        sessions=_session_rows(h, ctx.library, notes=messages.comments_by_session(uow, key)
                               if is_coach else None),
        observations=sorted(h.foot_observations, key=lambda o: o.date, reverse=True)[:6],
        overrides=sorted(h.overrides, key=lambda o: o.date, reverse=True),
        timeline=[c for c in reversed(d.timeline) if c.kind != "start"],
        upcoming_runs=upcoming[:12],
        audit=_audit_rows(uow, key) if is_coach else [],
        client_account=uow.accounts.by_person(key) if is_coach else None,
        is_coach=is_coach, forms=all_forms, new_sign_in=new_sign_in,
        charts=_charts(h, ctx.protocol, d.as_of), weekdays=WEEKDAYS,
        changes=change_rows(h, ctx.protocol, d.as_of),
        activity_labels=ACTIVITY_LABELS, run_labels=RUN_LABELS, fmt=fmt,
        plan_changes=plan_change_section(uow, ctx, account, key, ev, all_forms),
        check_in_sides=checkin.SIDES, check_in_pain=checkin.PAIN_FIELDS,
        check_in_yes_no=checkin.YES_NO_FIELDS)


@router.get("/people/{key}")
def person(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx) -> Response:
    if account.role == "client":
        return RedirectResponse("/me", 303)
    check_person(uow, account, key)
    return person_page(request, uow, ctx, account, key)


def _page_with_errors(request: Request, uow: UnitOfWork, ctx: Context, account: Account,
                      key: str, form: str, reader: Reader, status_code: int = 422) -> Response:
    uow.rollback()  # nothing of a refused form is kept
    return person_page(request, uow, ctx, account, key, status_code=status_code,
                       forms={form: FormState(reader.values, reader.errors)})


def _refresh(uow: UnitOfWork, ctx: Context, key: str) -> Decision:
    return evaluation.refresh(uow, key=key, protocol=ctx.protocol,
                              library=ctx.library).decision


# --- override -----------------------------------------------------------------------------


@router.post("/people/{key}/override")
async def override(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx,
                   today: PageToday) -> Response:
    check_person(uow, account, key, coach_only=True)
    r = Reader(await read_form(request))
    numbers = [s.number for s in ctx.protocol.stages]
    stage = r.whole("override_stage", Range(min(numbers), max(numbers), ""))
    if stage is None and "override_stage" not in r.errors:
        r.errors["override_stage"] = "Choose the stage."
    reason = r.text("override_reason")
    if len(reason) < 3:
        r.errors["override_reason"] = ("Write why, in a few words: it is kept with the "
                                       "decision and shown to whoever reads it later.")
    o = None
    if not r.errors:
        o = r.model(Override, _prefixed("override"), date=today, stage=stage,
                    reason=reason, by=account.email)
    if o is None:
        return _page_with_errors(request, uow, ctx, account, key, "override", r)
    try:
        records.create_override(uow, key=key, override=o, protocol=ctx.protocol,
                                account_id=account.id, actor=account.email)
    except InputError as e:
        r.errors["override_stage" if "stage" in e.field else "override_reason"] = error_text(e)
        return _page_with_errors(request, uow, ctx, account, key, "override", r)
    d = _refresh(uow, ctx, key)
    uow.commit()
    flash(request, f"Stage set to {o.stage}. The reason is kept with the decision."
          + (" A red flag still comes first: nothing is prescribed until a new screen is clear."
             if d.status == "refer" else ""))
    return RedirectResponse(f"/people/{key}#overrides", 303)


# --- sign-in for a client -----------------------------------------------------------------


@router.post("/people/{key}/sign-in")
async def give_sign_in(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx
                       ) -> Response:
    check_person(uow, account, key, coach_only=True)
    r = Reader(await read_form(request))
    try:
        client, password = await run_in_threadpool(  # argon2: never on the event loop
            account_service.give_client_sign_in,
            uow, coach=account, key=key, email=r.text("signin_email"))
    except InputError as e:
        r.errors["signin_email"] = error_text(e)
        return _page_with_errors(request, uow, ctx, account, key, "sign_in", r)
    except ConflictError as e:
        r.errors["signin_email"] = str(e)
        return _page_with_errors(request, uow, ctx, account, key, "sign_in", r, 409)
    uow.commit()
    response = person_page(request, uow, ctx, account, key,
                           new_sign_in={"email": client.email, "password": password})
    response.headers["Cache-Control"] = "no-store"  # the password is on this page, once
    return response


# --- delete a client ----------------------------------------------------------------------


@router.post("/people/{key}/delete")
async def delete(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx
                 ) -> Response:
    check_person(uow, account, key, coach_only=True)
    r = Reader(await read_form(request))
    name = uow.people.get(key).person.name
    if r.text("confirm_name").casefold() != name.strip().casefold():
        r.errors["confirm_name"] = f"Type the client's name, {name}, to confirm."
        return _page_with_errors(request, uow, ctx, account, key, "delete", r)
    client = uow.accounts.by_person(key)
    uow.accounts.audit(account_id=account.id, actor=account.email, action="client_deleted",
                       person_key=key,
                       detail={"name": name, "sign_in": client.email if client else None})
    people.delete(uow, key=key)  # their sign-in goes with them
    uow.commit()
    flash(request, f"Deleted {name} and everything recorded about them.")
    return RedirectResponse("/coach", 303)


# --- symptom check-in ---------------------------------------------------------------------


@router.post("/people/{key}/check-in")
async def check_in(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx,
                   today: PageToday) -> Response:
    """A symptom check-in for the person (their coach, or a self-coached person for
    themself), dated today or earlier."""
    check_person(uow, account, key)
    r = Reader(await read_form(request))
    date = r.date("check_in_date", not_after=today)
    if date is None and "check_in_date" not in r.errors:
        r.errors["check_in_date"] = "Give the day of the check-in."
    answers = checkin.read({k: v for k, v in r.values.items() if isinstance(v, str)})
    r.errors.update(answers.errors)
    if r.errors or date is None or answers.left is None or answers.right is None:
        return _page_with_errors(request, uow, ctx, account, key, "check_in", r)
    try:
        checkin.store(uow, ctx, key=key, date=date, left=answers.left, right=answers.right)
    except ValidationError:  # the only thing left to refuse: a date before 1900
        r.errors["check_in_date"] = (f"Use a date from 1900-01-01 to today "
                                     f"(you entered {date.isoformat()}).")
        return _page_with_errors(request, uow, ctx, account, key, "check_in", r)
    uow.commit()
    flash(request, f"Check-in of {date:%-d %B} saved. The decision is brought up to date.")
    return RedirectResponse(f"/people/{key}#check-in", 303)


# --- availability and planned runs --------------------------------------------------------


def read_availability(r: Reader) -> Availability | None:
    """The minutes of each weekday from a form (blank is 0); None with ``r.errors`` set."""
    minutes = {k: r.whole(k, MINUTES_PER_DAY) or 0 for k, _ in WEEKDAYS}
    return None if r.errors else r.model(Availability, lambda f: f, **minutes)


def store_availability(uow: UnitOfWork, ctx: Context, account: Account, key: str,
                       a: Availability) -> None:
    """Store the weekly time, audited, and re-decide (the caller commits)."""
    records.update_availability(uow, key=key, availability=a)
    uow.accounts.audit(account_id=account.id, actor=account.email,
                       action="availability_updated", person_key=key, detail=a.model_dump())
    _refresh(uow, ctx, key)


def read_run(r: Reader) -> PlannedRun | None:
    """A planned run from the ``run_*`` fields of a form; None with ``r.errors`` set."""
    date = r.date("run_date")
    if date is None and "run_date" not in r.errors:
        r.errors["run_date"] = "Give the date of the run."
    kind = r.text("run_kind")
    if kind not in {k.value for k in RunKind}:
        r.errors["run_kind"] = "Choose easy, long, intervals or race."
    minutes = r.whole("run_minutes", Range(1, 1440, "min"))
    title = r.text("run_title") or None
    return None if r.errors else r.model(PlannedRun, _prefixed("run"), date=date, kind=kind,
                                         minutes=minutes, title=title)


def store_run(uow: UnitOfWork, ctx: Context, account: Account, key: str,
              run: PlannedRun) -> str:
    """Store a planned run, audited, and re-decide (the caller commits); what to tell."""
    records.create_planned_run(uow, key=key, run=run)
    uow.accounts.audit(account_id=account.id, actor=account.email, action="planned_run_added",
                       person_key=key, detail={"date": run.date.isoformat(),
                                               "kind": run.kind.value})
    _refresh(uow, ctx, key)
    prep = " Gait drills go before it in the plan." if run.needs_gait_prep else ""
    return f"{RUN_LABELS[run.kind]} planned for {run.date:%a %-d %b}.{prep}"


@router.post("/people/{key}/availability")
async def availability(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx
                       ) -> Response:
    check_person(uow, account, key)
    r = Reader(await read_form(request))
    a = read_availability(r)
    if a is None:
        return _page_with_errors(request, uow, ctx, account, key, "availability", r)
    store_availability(uow, ctx, account, key, a)
    uow.commit()
    flash(request, f"Weekly time saved: {sum(a.minutes())} minutes a week. The plan follows it.")
    return RedirectResponse(f"/people/{key}#week", 303)


@router.post("/people/{key}/runs")
async def add_run(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx
                  ) -> Response:
    check_person(uow, account, key)
    r = Reader(await read_form(request))
    run = read_run(r)
    if run is None:
        return _page_with_errors(request, uow, ctx, account, key, "run", r)
    said = store_run(uow, ctx, account, key, run)
    uow.commit()
    flash(request, said)
    return RedirectResponse(f"/people/{key}#week", 303)


def run_words(run: PlannedRun) -> str:
    """A planned run as the page names it: ``Long run on Sun 16 Mar, 90 min, “Hill loop”``."""
    words = f"{RUN_LABELS[run.kind]} on {run.date:%a %-d %b}"
    if run.minutes is not None:
        words += f", {run.minutes} min"
    if run.title and run.title.strip():
        words += f", “{' '.join(run.title.split())}”"
    return words


@router.post("/people/{key}/runs/remove")
async def remove_run(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx
                     ) -> Response:
    """Remove one planned run, named by its fields as the runs list shows them."""
    check_person(uow, account, key)
    said = remove_listed_run(uow, ctx, account, key, Reader(await read_form(request)))
    if said is None:
        flash(request, RUN_GONE, "warn")
        return RedirectResponse(f"/people/{key}#runs", 303)
    uow.commit()
    flash(request, said)
    return RedirectResponse(f"/people/{key}#runs", 303)


RUN_GONE = ("That run is not planned any more (removed already, perhaps in another window): "
            "nothing was changed.")


def remove_listed_run(uow: UnitOfWork, ctx: Context, account: Account, key: str,
                      r: Reader) -> str | None:
    """Remove the planned run a list's Remove button names (audited, re-decided; the caller
    commits): what to tell, or None when no such run is planned (nothing changed)."""
    date, kind = r.date("date"), r.text("kind")
    minutes = r.whole("minutes", Range(1, 1440, "min"))
    if date is None or kind not in {k.value for k in RunKind} or r.errors:
        raise InputError("run", None, "a run from the list of planned runs",
                         message="That run could not be read from the form: use the Remove "
                                 "button next to it in the list of planned runs.")
    # the title as sent (the list shows it as stored): compared as a person reads it
    title = r.values.get("title")
    found = records.list_planned_runs(uow, key=key, date=date, kind=RunKind(kind),
                                      minutes=minutes,
                                      title=title if isinstance(title, str) else None,
                                      exact=True)
    if not found:
        return None
    run = found[0]  # the oldest, if it was added twice
    records.delete_planned_run(uow, key=key, run=run)
    uow.accounts.audit(account_id=account.id, actor=account.email, action="planned_run_removed",
                       person_key=key, detail=run.model_dump(mode="json", exclude_none=True))
    now = evaluation.refresh(uow, key=key, protocol=ctx.protocol, library=ctx.library)
    drills = records.gait_prep_dropped(run, history=now.history, decision=now.decision,
                                       protocol=ctx.protocol)
    return f"Removed: {run_words(run)}." + (" Its gait drills are out of the plan."
                                             if drills else "")


# --- the assessment -----------------------------------------------------------------------

MEASURES: tuple[tuple[str, MeasureKind], ...] = (
    ("heel_raise", MeasureKind.HEEL_RAISE),
    ("balance_eyes_open", MeasureKind.BALANCE_EYES_OPEN),
    ("balance_eyes_closed", MeasureKind.BALANCE_EYES_CLOSED),
    ("y_balance_anterior", MeasureKind.Y_BALANCE_ANTERIOR),
    ("side_hop", MeasureKind.SIDE_HOP),
    ("single_leg_hop", MeasureKind.SINGLE_LEG_HOP),
)
"""Per-side tests on the form besides dorsiflexion: (form field suffix, kind)."""

DORSIFLEXION = {MeasureKind.KNEE_TO_WALL.value: MeasureKind.KNEE_TO_WALL,
                MeasureKind.LUNGE_ANGLE.value: MeasureKind.LUNGE_ANGLE}


@dataclass(frozen=True)
class Assessment:
    date: dt.date
    intake: Intake
    screening: Screening
    measurements: tuple[Measurement, ...]
    observations: tuple[FootObservation, ...]


def assessment_values(h: History, today: dt.date) -> Values:
    """The form as it starts: today's date, the intake as it is, everything else blank."""
    intake = h.intake or Intake(date=h.person.created or today)
    values: Values = {"date": today.isoformat(), "dorsiflexion_kind": "knee_to_wall",
                      "activities": [a.value for a in intake.activities],
                      "goals": "\n".join(intake.goals)}
    for side in SIDE_NAMES:
        sh: SideHistory = getattr(intake, side)
        values[f"{side}_sprains"] = str(sh.sprains)
        values[f"{side}_last_sprain"] = sh.last_sprain.isoformat() if sh.last_sprain else ""
        if sh.surgery:
            values[f"{side}_surgery"] = "on"
    age = intake.age_on(today)  # the form asks for the age today
    values |= {"age": "" if age is None else str(age),
               "sex": intake.sex.value if intake.sex else "",
               "falls_12m": "" if intake.falls_12m is None else str(intake.falls_12m),
               "fear_of_falling": ("" if intake.fear_of_falling is None
                                   else str(intake.fear_of_falling)),
               "goal_type": intake.goal_type.value if intake.goal_type else ""}
    return values


SEX_CHOICES = {"female": "Female", "male": "Male"}
GOAL_CHOICES = {"walker": "Walking", "runner": "Running", "lifter": "Lifting",
                "court_field_sport": "A court or field sport", "other": "Something else"}


def _profile(r: Reader, current: Intake, today: dt.date) -> dict[str, Any]:
    """The profile fields of the form (all optional) as Intake fields; the age asked is the
    age today, kept as the age on the intake date. Errors go into ``r.errors``."""
    age = r.whole("age", Range(AGE_MIN, AGE_MAX, "years"))
    if age is not None:
        age -= whole_years(current.date, today)
        if not AGE_MIN <= age <= AGE_MAX:
            r.errors["age"] = (f"That makes an age outside {AGE_MIN} to {AGE_MAX} on the "
                               f"intake date ({current.date.isoformat()}).")
    sex = r.text("sex") or None
    if sex is not None and sex not in SEX_CHOICES:
        r.errors["sex"] = "Choose female or male, or leave it blank."
    goal = r.text("goal_type") or None
    if goal is not None and goal not in GOAL_CHOICES:
        r.errors["goal_type"] = "Choose one of the goals listed, or leave it blank."
    return {"age": age, "sex": sex, "falls_12m": r.whole("falls_12m", Range(0, 100, "")),
            "fear_of_falling": r.whole("fear_of_falling", Range(0, 10, "")),
            "goal_type": goal}


def _prefixed(prefix: str) -> Callable[[str], str]:
    """Model field -> form field for one side's fields: ``pain_rest`` -> ``left_pain_rest``."""
    return lambda f: f"{prefix}_{f}"


def _side_history(r: Reader, side: str, current: SideHistory, today: dt.date
                  ) -> SideHistory | None:
    sprains = r.whole(f"{side}_sprains", Range(0, 100, ""))
    last = r.date(f"{side}_last_sprain", not_after=today)
    if last is not None and not sprains:
        r.errors[f"{side}_last_sprain"] = "Only with 1 or more sprains on this side."
    surgery = r.checked(f"{side}_surgery")
    if any(k.startswith(f"{side}_") and k.endswith(("sprains", "last_sprain"))
           for k in r.errors):
        return None
    return r.model(SideHistory, _prefixed(side), sprains=sprains or 0, last_sprain=last,
                   surgery=surgery, surgery_date=current.surgery_date if surgery else None)


def read_measurement(r: Reader, kind: MeasureKind, side: str, field: str,
                     pain_field: str | None = None, *, on: dt.date, rater: str | None = None,
                     **extra: Any) -> Measurement | None:
    """One side's test result from ``field`` (and its pain from ``pain_field``), taken with
    the test's usual method; None when left blank or wrong (then ``r.errors`` says why)."""
    value = r.number(field)
    pain = r.whole(pain_field, PAIN) if pain_field else None
    if value is None:
        if pain is not None and pain_field:
            r.errors[pain_field] = "Give the test result too, or leave the pain blank."
        return None
    names = {"value": field, "pain": pain_field or field, "leg_length_cm": "leg_length",
             "rater": "rater"}
    return r.model(Measurement, lambda f: names.get(f, field), date=on, side=side,
                   kind=kind, value=value, method=DEFAULT_METHOD[kind], pain=pain,
                   rater=rater, **extra)


def parse_assessment(values: Values, *, protocol: Protocol, current: Intake, today: dt.date
                     ) -> tuple[Assessment | None, Errors]:
    """Everything on the assessment form, checked as the CLI's intake, screen, measure and
    observe-foot commands check it; the errors by form field when anything is wrong."""
    r = Reader(values)
    date = r.date("date", not_after=today)
    if date is None and "date" not in r.errors:
        date = today
    on = date or today  # a bad date is reported; the rest is still checked against today

    # symptoms and the red-flag screen: every question answered
    symptoms: dict[str, Symptoms | None] = {}
    for side in SIDE_NAMES:
        rest = r.whole(f"{side}_pain_rest", PAIN)
        activity = r.whole(f"{side}_pain_activity", PAIN)
        symptoms[side] = r.model(Symptoms, _prefixed(side),
                                 pain_rest=rest or 0, pain_activity=activity or 0,
                                 swelling=r.checked(f"{side}_swelling"),
                                 giving_way=r.checked(f"{side}_giving_way"))
    answers: dict[str, bool] = {}
    for flag in protocol.red_flags:
        answer = r.text(f"rf_{flag.id}")
        if answer not in ("yes", "no"):
            r.errors[f"rf_{flag.id}"] = "Please answer yes or no."
            continue
        answers[flag.id] = answer == "yes"

    # measurements: a blank field is simply not recorded
    rater = r.text("rater") or None
    leg = r.number("leg_length")
    kind = DORSIFLEXION.get(r.text("dorsiflexion_kind") or MeasureKind.KNEE_TO_WALL.value)
    if kind is None:
        r.errors["dorsiflexion_kind"] = "Choose knee-to-wall (cm) or lunge angle (degrees)."
    measurements: list[Measurement] = []

    def add(kind: MeasureKind, side: str, field: str, pain_field: str | None = None,
            **extra: Any) -> None:
        m = read_measurement(r, kind, side, field, pain_field, on=on, rater=rater, **extra)
        if m is not None:
            measurements.append(m)

    for side in SIDE_NAMES:
        if kind is not None:
            add(kind, side, f"{side}_dorsiflexion", f"{side}_dorsiflexion_pain")
        for suffix, mk in MEASURES:
            extra: dict[str, Any] = ({"leg_length_cm": leg} if mk is MeasureKind.Y_BALANCE_ANTERIOR
                     and leg is not None else {})
            add(mk, side, f"{side}_{suffix}", **extra)
    if leg is not None and not any(r.text(f"{s}_y_balance_anterior") for s in SIDE_NAMES):
        r.errors["leg_length"] = ("Leg length is used with the Y-balance reach: give the "
                                  "reach too, or leave it blank.")

    # how each foot looks
    observations: list[FootObservation] = []
    for side in SIDE_NAMES:
        posture, arch = r.text(f"{side}_posture"), r.text(f"{side}_arch")
        if not posture and not arch:
            continue
        if not posture:
            r.errors[f"{side}_posture"] = "Choose the posture too, or leave both blank."
        if not arch:
            r.errors[f"{side}_arch"] = "Choose the arch too, or leave both blank."
        if posture and arch:
            o = r.model(FootObservation, _prefixed(side),
                        date=on, side=side, posture=posture, arch=arch,
                        notes=r.text(f"{side}_foot_notes") or None)
            if o is not None:
                observations.append(o)

    # intake: injury history per side, activities, goals
    sides = {side: _side_history(r, side, getattr(current, side), today) for side in SIDE_NAMES}
    acts, goals = r.activities_and_goals()
    profile = _profile(r, current, today)

    if r.errors or date is None or None in symptoms.values() or None in sides.values():
        return None, r.errors
    intake = r.model(Intake, lambda f: (
        f if f in profile else "activities" if f.startswith("activities") else "goals"),
                     date=current.date, goals=goals,
                     activities=acts, left=sides["left"], right=sides["right"], **profile)
    screening = r.model(Screening, lambda f: "date", date=date, left=symptoms["left"],
                        right=symptoms["right"], red_flags=answers)
    if r.errors or intake is None or screening is None:
        return None, r.errors
    return Assessment(date, intake, screening, tuple(measurements), tuple(observations)), {}


def store_assessment(uow: UnitOfWork, ctx: Context, account: Account, key: str,
                     found: Assessment) -> Decision:
    """Store a checked assessment (intake, screen, tests, feet), audited, and re-decide; the
    caller commits (or rolls back on an InputError)."""
    records.update_intake(uow, key=key, intake=found.intake)
    records.create_screening(uow, key=key, screening=found.screening, protocol=ctx.protocol)
    for m in found.measurements:
        records.create_measurement(uow, key=key, measurement=m)
    for o in found.observations:
        records.create_foot_observation(uow, key=key, observation=o)
    uow.accounts.audit(account_id=account.id, actor=account.email, action="assessment_recorded",
                       person_key=key, detail={
                           "date": found.date.isoformat(), "tests": len(found.measurements),
                           "red_flags": sorted(f for f, v in found.screening.red_flags.items()
                                               if v)})
    return _refresh(uow, ctx, key)


def _assess_page(request: Request, account: Account, h: History, ctx: Context, values: Values,
                 errors: Errors, status_code: int = 200) -> Response:
    return render(request, "person/assess.html", account=account, status_code=status_code,
                  key=h.person.id, person=h.person, values=values, errors=errors,
                  red_flags=ctx.protocol.red_flags, measures=MEASURES,
                  measure_info=MEASURE_INFO, sides=SIDE_NAMES, activity_labels=ACTIVITY_LABELS,
                  sex_choices=SEX_CHOICES, goal_choices=GOAL_CHOICES)


@router.get("/people/{key}/assess")
def assess_page(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx,
                today: PageToday) -> Response:
    check_person(uow, account, key)
    h = uow.people.get(key)
    return _assess_page(request, account, h, ctx, assessment_values(h, today), {})


@router.post("/people/{key}/assess")
async def assess(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx,
                 today: PageToday) -> Response:
    check_person(uow, account, key)
    h = uow.people.get(key)
    values = await read_form(request)
    current = h.intake or Intake(date=h.person.created or today)
    found, errors = parse_assessment(values, protocol=ctx.protocol, current=current,
                                     today=today)
    if found is None:
        return _assess_page(request, account, h, ctx, values, errors, 422)
    try:
        d = store_assessment(uow, ctx, account, key, found)
    except InputError as e:  # the form checks all this first; kept as a last guard
        uow.rollback()
        return _assess_page(request, account, h, ctx, values, {"date": error_text(e)}, 422)
    uow.commit()
    if d.status == "refer":
        questions = "; ".join(f"“{hit.question}”" for hit in d.red_flags)
        who = "You" if account.role == "self" else h.person.name
        flash(request, f"Saved. A red flag was answered yes: {questions} {who} should see a "
                       f"clinician before doing any of the exercises.", "bad")
    else:
        tests = len(found.measurements)
        whose = "" if account.role == "self" else f" for {h.person.name}"
        flash(request, f"Assessment saved{whose}: the screen, {tests} test "
                       f"result{'s' if tests != 1 else ''} and the intake. The decision below "
                       f"uses them.")
    return RedirectResponse(f"/people/{key}", 303)
