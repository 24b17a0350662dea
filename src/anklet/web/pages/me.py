"""The client's own pages, made for a phone: today's session, logging it, progress, the week.

``/me`` is a client's (or self-coached person's) home: today's exercises from this week's
plan, or the next planned day, or, with a red flag, only the advice to see a clinician. The
log form (``/people/{key}/log``), the week plan and the progress page are shared with the
person's coach: every route that names a person goes through :func:`_person`, so someone
else's person answers 404 exactly like a missing one.

The log form never loses what was typed: a bad value re-renders the form (422) with the
error next to its field and every value kept, and nothing is stored until all of it is good.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from anklet.domain.adherence import Adherence
from anklet.domain.decisions import Decision
from anklet.domain.errors import ConflictError, InputError, NotFoundError
from anklet.domain.exercises import Exercise, Library, LoadType
from anklet.domain.history import ExerciseLog, History, Session
from anklet.domain.planner import PlanDay, PlanItem, WeekPlan
from anklet.domain.protocol import Protocol
from anklet.domain.views import adherence_dict, plan_dict
from anklet.services import accounts as account_service
from anklet.services import evaluation, messages, records
from anklet.services.context import Context
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web import charts, checkin, progress
from anklet.web.changes import change_rows
from anklet.web.deps import Ctx, PageAccount, PageToday, Uow, check_csrf, get_context
from anklet.web.pages import offline, onboarding
from anklet.web.pages.exercises import media_marks
from anklet.web.templating import flash, render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)

DAY = dt.timedelta(days=1)
MAX_ROWS = 60
"""More exercise rows than any day's plan holds: a bigger form is not from this page."""

LOGGED = "Logged. Tomorrow morning, tell us how it feels."


# --- helpers --------------------------------------------------------------------------------


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _person(uow: UnitOfWork, account: Account, key: str) -> History:
    """The person's history if this account may see them (404 otherwise, as if missing)."""
    return account_service.person_for(uow, account, key)


def _own_key(account: Account) -> str | None:
    """The account's own person (client or self-coached); None for a coach."""
    return None if account.role == "coach" else account.person_key


def _elsewhere(request: Request, account: Account) -> Response:
    """Where ``/me`` pages send an account with no person of its own: a coach to their list,
    a sign-in whose person is gone to the page that says what happened (never a loop)."""
    if account.role == "coach":
        return RedirectResponse("/coach", 303)
    return onboarding.no_person_page(request, account)


def _is_own(account: Account, key: str) -> bool:
    return account.role != "coach" and account.person_key == key


def _back(account: Account, key: str) -> str:
    """Where a person's pages lead back to: /me for themself, the person page for a coach."""
    return "/me" if _is_own(account, key) else f"/people/{key}"


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request", "").lower() == "true"


async def _form(request: Request) -> dict[str, str]:
    data = await request.form()
    return {k: v for k, v in data.items() if isinstance(v, str)}


def _parse_day(value: str | None, field: str) -> dt.date | None:
    if value is None or value.strip() == "":
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(field, value, "accepted: a date as YYYY-MM-DD") from None


def _evaluate(ctx: Context, history: History, *, as_of: dt.date | None = None,
              week_start: dt.date | None = None) -> evaluation.Evaluation:
    return evaluation.evaluate(history=history, protocol=ctx.protocol, library=ctx.library,
                               as_of=as_of, week_start=week_start)


def _day(plan: WeekPlan, date: dt.date) -> PlanDay | None:
    return next((d for d in plan.days if d.date == date), None)


def _plan_view(plan: WeekPlan, library: Library) -> dict[str, Any]:
    """The plan as :func:`plan_dict` gives it, each day with its date as a date (``when``)."""
    data = plan_dict(plan, library)
    for d in data["days"]:
        d["when"] = dt.date.fromisoformat(d["date"])
    return data


def _day_dict(plan: dict[str, Any], date: dt.date) -> dict[str, Any] | None:
    iso = date.isoformat()
    return next((d for d in plan["days"] if d["date"] == iso), None)


def _morning_due(history: History, today: dt.date) -> dt.date | None:
    """Yesterday's date, when yesterday's (last) session still lacks its next-morning pain."""
    yesterday = today - DAY
    last = [s for s in history.sessions if s.date == yesterday]
    if last and last[-1].pain_next_morning is None:
        return yesterday
    return None


def _logged_dates(history: History, start: dt.date, end: dt.date) -> set[str]:
    return {s.date.isoformat() for s in history.sessions if start <= s.date <= end}


# --- today ----------------------------------------------------------------------------------


@router.get("/me")
def today_page(request: Request, account: PageAccount, uow: Uow, ctx: Ctx,
               today: PageToday) -> Response:
    key = _own_key(account)
    if key is None or not uow.people.exists(key):
        return _elsewhere(request, account)
    history = _person(uow, account, key)
    ev = _evaluate(ctx, history, as_of=today)
    setup = onboarding.progress(uow, ctx, history, ev.decision)
    plan = _plan_view(ev.plan, ctx.library)
    day = _day_dict(plan, today)
    next_day: dict[str, Any] | None = None
    if ev.decision.can_prescribe and not (day and day["blocks"]):
        later = [d for d in plan["days"] if d["date"] > today.isoformat() and d["blocks"]]
        if not later:  # look into next week
            nxt = _evaluate(ctx, history, as_of=today, week_start=monday_of(today) + 7 * DAY)
            later = [d for d in _plan_view(nxt.plan, ctx.library)["days"] if d["blocks"]]
        next_day = later[0] if later else None
    logged_today = [s for s in history.sessions if s.date == today]
    week_end = ev.plan.week_start + 6 * DAY
    return render(request, "me/today.html", account=account, person=history.person,
                  key=key, decision=ev.decision, plan=plan, day=day, next_day=next_day,
                  today_iso=today.isoformat(), logged_today=logged_today,
                  logged=_logged_dates(history, ev.plan.week_start, week_end),
                  morning_due=_morning_due(history, today), lib=ctx.library.by_id,
                  check_in_due=checkin.due(history, today), setup_due=setup.due,
                  answers_from=checkin.latest_answers(history),
                  media=media_marks(uow, account, day, next_day))


# --- the quick symptom check-in ----------------------------------------------------------


def _check_in_page(request: Request, account: Account, *, values: dict[str, str],
                   errors: dict[str, str], status_code: int = 200) -> Response:
    return render(request, "me/check_in.html", account=account, status_code=status_code,
                  values=values, errors=errors, sides=checkin.SIDES,
                  pain_fields=checkin.PAIN_FIELDS, yes_no_fields=checkin.YES_NO_FIELDS)


@router.get("/me/check-in")
def check_in_form(request: Request, account: PageAccount) -> Response:
    if _own_key(account) is None:
        return _elsewhere(request, account)
    return _check_in_page(request, account, values={}, errors={})


@router.post("/me/check-in")
async def check_in(request: Request, account: PageAccount, uow: Uow, ctx: Ctx,
                   today: PageToday) -> Response:
    """Today's check-in for the account's own person: no person is named in the form, so
    nobody can check in for someone else here."""
    key = _own_key(account)
    if key is None:
        return _elsewhere(request, account)
    _person(uow, account, key)
    values = await _form(request)
    values.pop("csrf_token", None)
    answers = checkin.read(values)
    if answers.left is None or answers.right is None:  # nothing stored: the form again
        return _check_in_page(request, account, values=values, errors=answers.errors,
                              status_code=422)
    saved = checkin.store(uow, ctx, key=key, date=today, left=answers.left,
                          right=answers.right)
    uow.commit()
    flash(request, checkin.saved_text(saved))
    return RedirectResponse("/me", 303)


# --- morning pain ---------------------------------------------------------------------------


@router.post("/people/{key}/morning")
async def morning_pain(request: Request, key: str, account: PageAccount, uow: Uow,
                       ctx: Ctx, today: PageToday) -> Response:
    history = _person(uow, account, key)
    form = await _form(request)
    session_date = _parse_day(form.get("date"), "date")
    if session_date is None:
        earlier = [s.date for s in history.sessions if s.date < today]
        if not earlier:
            raise NotFoundError("session before", today.isoformat())
        session_date = earlier[-1]
    raw = form.get("pain", "").strip()
    pain = int(raw) if raw.isascii() and raw.isdigit() else None
    if pain is None or not 0 <= pain <= 10:
        error = "Tap a number from 0 (no pain) to 10 (worst pain)."
        if _is_htmx(request):
            return render(request, "me/_morning.html", account=account, key=key,
                          morning_due=session_date, error=error, saved=None)
        raise InputError("pain", raw, "accepted: 0 to 10")
    records.update_morning_pain(uow, key=key, date=session_date, pain=pain)
    # a sore morning can change the decision (a flare): store it for the dashboard
    evaluation.refresh(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                       as_of=today)
    uow.commit()
    if _is_htmx(request):
        return render(request, "me/_morning.html", account=account, key=key,
                      morning_due=session_date, error=None, saved=pain)
    flash(request, f"Thanks. Morning pain {pain}/10 is noted for the session of "
                   f"{session_date:%A %-d %B}.")
    return RedirectResponse(_back(account, key), 303)


# --- the session log ------------------------------------------------------------------------


NUMBER_FIELDS: dict[str, tuple[str, int, int]] = {
    # field: (label, low, high), as the history document accepts them
    "sets": ("Sets", 0, 50),
    "reps": ("Reps", 0, 500),
    "seconds": ("Seconds", 0, 7200),
    "rounds": ("Rounds", 0, 50),
}
LOAD_MAX = 500.0
LABELS = {**{k: v[0] for k, v in NUMBER_FIELDS.items()}, "load_kg": "kg"}
SIDE_CHOICES = {"both": "Both", "left": "Left", "right": "Right"}


@dataclass(frozen=True)
class LogRow:
    """One exercise line of the log form."""

    index: int
    exercise_id: str
    name: str
    plan_text: str
    fields: tuple[str, ...]
    per_side: bool
    planned: bool
    known: bool = True

    def name_of(self, field: str) -> str:
        return f"ex{self.index}_{field}"


def _fields_for(ex: Exercise) -> tuple[str, ...]:
    d = ex.dose
    if d.rounds:
        out = ["rounds"]
    else:
        out = ["sets"]
        if d.reps:
            out.append("reps")
        if d.seconds:
            out.append("seconds")
    if ex.load is LoadType.EXTERNAL or d.load:
        out.append("load_kg")
    return tuple(out)


def _row(index: int, exercise_id: str, library: Library, plan_text: str | None,
         planned: bool) -> LogRow:
    ex = library.by_id.get(exercise_id)
    if ex is None:  # only a hand-made form names an unknown id; shown so its error has a home
        return LogRow(index, exercise_id, exercise_id, "", ("sets", "reps"), False, planned,
                      known=False)
    return LogRow(index, ex.id, ex.name, plan_text or "", _fields_for(ex), ex.dose.per_side,
                  planned)


def _plan_items(plan: WeekPlan, date: dt.date) -> tuple[list[PlanItem], list[PlanItem]]:
    """The day's planned exercises, then the week's others, each once (its first time)."""
    day = _day(plan, date)
    today = [i for b in day.blocks for i in b.items] if day else []
    week = [i for d in plan.days if d is not day for b in d.blocks for i in b.items]
    seen: set[str] = set()
    out: tuple[list[PlanItem], list[PlanItem]] = ([], [])
    for items, into in ((today, out[0]), (week, out[1])):
        for i in items:
            if i.exercise.id not in seen:
                seen.add(i.exercise.id)
                into.append(i)
    return out


def _plan_texts(plan: WeekPlan | None, date: dt.date) -> dict[str, str]:
    """The plan's dose in words, by exercise id (the day's first, then the week's)."""
    if plan is None or plan.refused:
        return {}
    today, week = _plan_items(plan, date)
    return {i.exercise.id: i.dose for i in (*today, *week)}


def _plan_rows(plan: WeekPlan, date: dt.date, library: Library
               ) -> tuple[list[LogRow], dict[str, str]]:
    """Rows for the day's planned exercises (ticked, at the planned dose), then the week's other
    exercises (not ticked), with the form values that pre-fill them: the numbers the plan
    prescribes, so a coach's pinned dose (or the lighter one while a pin waits) and a day's
    lunge cap are what the form offers, as the plan says them in words."""
    today, week = _plan_items(plan, date)
    items = [(i, True) for i in today] + [(i, False) for i in week]
    rows = [_row(k, i.exercise.id, library, i.dose, planned) for k, (i, planned) in enumerate(items)]
    values: dict[str, str] = {}
    for row, (item, _) in zip(rows, items, strict=True):
        amounts = item.prescribed(plan.dose_level).as_dict()
        values[row.name_of("id")] = row.exercise_id
        if row.planned:
            values[row.name_of("done")] = "on"
        for f in row.fields:
            v = amounts.get(f)
            values[row.name_of(f)] = "" if v is None else str(v)
        values[row.name_of("side")] = "both"
    return rows, values


def _log_page(request: Request, account: Account, history: History, *, rows: list[LogRow],
              values: dict[str, str], errors: dict[str, str], plan: WeekPlan | None,
              today: dt.date, status_code: int = 200) -> Response:
    key = history.person.id
    extra = [r for r in rows if not r.planned]
    # the other exercises stay open when one of them is ticked or has an error
    extra_open = any(values.get(r.name_of("done")) or any(k.startswith(r.name_of(""))
                                                          for k in errors) for r in extra)
    return render(request, "me/log.html", account=account, status_code=status_code,
                  person=history.person, key=key, own=_is_own(account, key),
                  rows=[r for r in rows if r.planned], extra_rows=extra, extra_open=extra_open,
                  values=values, errors=errors, refused=plan.refused if plan else None,
                  back=_back(account, key), sides=SIDE_CHOICES, labels=LABELS,
                  max_date=today.isoformat(), pain_zones=_pain_zones(request))


def _pain_zones(request: Request) -> tuple[int, int]:
    """The highest pain that is safe and the highest that is acceptable during a session
    (the protocol's pain-monitoring zones): the log form's pain taps are coloured by them."""
    pm = get_context(request).protocol.pain_monitoring
    return int(pm.safe_max.value), int(pm.acceptable_max.value)


@router.get("/people/{key}/log")
def log_form(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx,
             today: PageToday, date: str | None = None) -> Response:
    history = _person(uow, account, key)
    day = _parse_day(date, "date") or today
    if day > today:
        raise InputError("date", day.isoformat(), "today or an earlier day (log what was done)")
    ev = _evaluate(ctx, history, as_of=day, week_start=monday_of(day))
    rows, values = ([], {}) if ev.plan.refused else _plan_rows(ev.plan, day, ctx.library)
    values["date"] = day.isoformat()
    return _log_page(request, account, history, rows=rows, values=values, errors={}, today=today,
                     plan=ev.plan)


def _int(values: dict[str, str], errors: dict[str, str], name: str, label: str, low: int,
         high: int, *, required: bool = False) -> int | None:
    raw = values.get(name, "").strip()
    if raw == "":
        if required:
            errors[name] = f"{label}: please choose a number from {low} to {high}."
        return None
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        errors[name] = f"{label} is a whole number from {low} to {high}; “{raw}” is not."
        return None
    return int(raw)


def _load(values: dict[str, str], errors: dict[str, str], name: str) -> float | None:
    raw = values.get(name, "").strip().replace(",", ".")
    if raw == "":
        return None
    try:
        kg = float(raw)
    except ValueError:
        kg = -1.0
    if not 0 <= kg <= LOAD_MAX:  # also catches nan
        errors[name] = f"Load is in kg, from 0 to {LOAD_MAX:g}; “{values[name]}” is not."
        return None
    return kg


def _read_rows(values: dict[str, str], library: Library, texts: dict[str, str]
               ) -> list[LogRow]:
    """The rows the form was sent with (so a re-rendered form shows exactly what was there),
    each with the plan's dose in words from ``texts`` (by exercise id)."""
    rows = []
    for i in range(MAX_ROWS):
        eid = values.get(f"ex{i}_id")
        if eid is None:
            break
        rows.append(_row(i, eid.strip(), library, texts.get(eid.strip()),
                         values.get(f"ex{i}_planned") == "1"))
    return rows


@router.post("/people/{key}/log")
async def log_session(request: Request, key: str, account: PageAccount, uow: Uow,
                      ctx: Ctx, today: PageToday) -> Response:
    as_json = offline.wants_json(request)  # the phone's offline queue sending a session
    if not account_service.can_see(uow, account, key):
        if as_json:
            return offline.refused_answer(404, f"No person {key!r} was found (or they are "
                                               f"not yours to log for).")
        raise NotFoundError("person", key)
    values = await _form(request)
    values.pop("csrf_token", None)
    errors: dict[str, str] = {}
    try:
        once = offline.once_from(request, values)  # a repeat of its key stores nothing
    except InputError as e:
        if as_json:
            return offline.refused_answer(422, str(e), {offline.KEY_FIELD: str(e)})
        raise
    rows = _read_rows(values, ctx.library, {})

    day: dt.date | None = None
    try:
        day = _parse_day(values.get("date"), "date")
    except InputError:
        errors["date"] = "Give the date as YYYY-MM-DD, e.g. " + today.isoformat() + "."
    else:
        if day is None:
            errors["date"] = "Which day was it? Give a date."
        elif day > today:
            errors["date"] = "That day has not come yet; log a session on or after the day."

    logs: list[ExerciseLog] = []
    logged_rows: list[LogRow] = []
    for row in rows:
        if not values.get(row.name_of("done")):
            continue
        nums = {f: _int(values, errors, row.name_of(f), NUMBER_FIELDS[f][0], *NUMBER_FIELDS[f][1:])
                for f in row.fields if f in NUMBER_FIELDS}
        load = _load(values, errors, row.name_of("load_kg")) if "load_kg" in row.fields else None
        side = values.get(row.name_of("side"), "both") or "both"
        if side not in SIDE_CHOICES:
            errors[row.name_of("side")] = "Side is both, left or right."
            side = "both"
        if not row.known:
            errors[row.name_of("id")] = (f"“{row.exercise_id}” is not an exercise Anklet knows; "
                                         f"untick it.")
        if not any(row.name_of(f) in errors for f in (*row.fields, "side", "id")):
            logs.append(ExerciseLog(exercise_id=row.exercise_id, side=side, load_kg=load,
                                    **nums))
            logged_rows.append(row)
    if not any(values.get(r.name_of("done")) for r in rows):
        errors["exercises"] = "Tick at least one exercise you did."
    rpe = _int(values, errors, "rpe", "Effort", 0, 10)
    pain_during = _int(values, errors, "pain_during", "Pain during", 0, 10, required=True)
    pain_before = _int(values, errors, "pain_before", "Pain before", 0, 10)
    notes = values.get("notes", "").strip() or None
    if notes is not None and len(notes) > 2000:
        errors["notes"] = f"Notes can be up to 2000 characters; these are {len(notes)}."
    gait_off = values.get("gait_off", "") == "on"
    if values.get("gait_off", "") not in ("", "on"):
        errors["gait_off"] = (f"“{values['gait_off'][:40]}” is not an answer here: tick the box "
                              f"if walking or running felt off, or leave it empty.")

    if not errors:
        assert day is not None
        assert pain_during is not None
        session = Session(date=day, exercises=logs, rpe=rpe, pain_before=pain_before,
                          pain_during=pain_during, notes=notes, gait_off=gait_off)
        try:
            logged = records.create_session(uow, key=key, session=session,
                                            library=ctx.library, once=once)
        except ConflictError as e:  # the same key sent before with another session
            if as_json:
                return offline.refused_answer(409, str(e))
            raise
        except InputError as e:  # an exercise the library does not know (a hand-made form)
            index = int(e.field.split("[")[1].split("]")[0]) if "[" in e.field else 0
            errors[logged_rows[index].name_of("id")] = str(e)
    if errors and as_json:
        return offline.refused_answer(422, "Anklet did not take this session: "
                                      + " ".join(dict.fromkeys(errors.values())), errors)
    if errors:  # nothing was stored: show the form again as it was sent, with the errors
        history = uow.people.get(key)
        plan = _evaluate(ctx, history, as_of=today).plan
        rows = _read_rows(values, ctx.library, _plan_texts(plan, day or today))
        return _log_page(request, account, history, rows=rows, values=values, errors=errors, today=today,
                         plan=plan, status_code=422)
    assert day is not None
    if logged.repeat:  # sent before (a second tap, or a phone's queue sending again)
        if as_json:
            return offline.logged_answer(logged, next_url=_back(account, key), message="")
        flash(request, "This session was already logged; it is logged once.")
        return RedirectResponse(_back(account, key), 303)
    early = records.before_first_screen(uow.people.get(key), day)
    evaluation.refresh(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                       as_of=today)
    uow.commit()
    if as_json:
        return offline.logged_answer(logged, next_url=_back(account, key),
                                     message=LOGGED if day == today
                                     else f"Logged for {day:%A %-d %B}.")
    flash(request, LOGGED if day == today else f"Logged for {day:%A %-d %B}.")
    if early is not None:
        flash(request, early, "warn")
    assert pain_during is not None
    limit = ctx.protocol.pain_monitoring.acceptable_max.value
    if pain_during > limit:
        flash(request, f"Pain {pain_during}/10 is more than the plan allows (up to {limit:g}). "
                       f"The next sessions will be eased off. If it keeps hurting, stop and get "
                       f"it checked.", "warn")
    return RedirectResponse(_back(account, key), 303)


# --- the week plan --------------------------------------------------------------------------


@router.get("/me/plan")
def my_plan(request: Request, account: PageAccount, week: str | None = None) -> Response:
    key = _own_key(account)
    if key is None:
        return _elsewhere(request, account)
    query = f"?week={week}" if week and _safe_week(week) else ""
    return RedirectResponse(f"/people/{key}/plan{query}", 303)


def _safe_week(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@router.get("/people/{key}/plan")
def plan_page(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx,
              today: PageToday, week: str | None = None) -> Response:
    history = _person(uow, account, key)
    start = monday_of(_parse_day(week, "week") or today)
    end = start + 6 * DAY
    # a past week as it was decided then; this week and later ones as things stand today
    ev = _evaluate(ctx, history, as_of=min(today, end), week_start=start)
    plan = _plan_view(ev.plan, ctx.library)
    return render(request, "me/plan.html", account=account, person=history.person, key=key,
                  own=_is_own(account, key), decision=ev.decision, plan=plan,
                  week_start=start, week_end=end, today_iso=today.isoformat(),
                  prev_week=(start - 7 * DAY).isoformat(), next_week=(start + 7 * DAY).isoformat(),
                  this_week=monday_of(today), logged=_logged_dates(history, start, end),
                  lib=ctx.library.by_id, back=_back(account, key),
                  media=media_marks(uow, account, plan))


# --- progress -------------------------------------------------------------------------------


@router.get("/me/progress")
def my_progress(request: Request, account: PageAccount) -> Response:
    key = _own_key(account)
    if key is None:
        return _elsewhere(request, account)
    return RedirectResponse(f"/people/{key}/progress", 303)


@router.get("/people/{key}/progress")
def progress_page(request: Request, key: str, account: PageAccount, uow: Uow,
                  ctx: Ctx, today: PageToday) -> Response:
    history = _person(uow, account, key)
    decision = _evaluate(ctx, history, as_of=today).decision
    _, adh = evaluation.adherence(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                                  week_start=monday_of(today), as_of=today)
    p = ctx.protocol
    tests = progress.sections(history, decision, p, today)
    k2w = tests[0]  # knee-to-wall, with lunge angles converted, always shown
    charts_ = [
        ("Knee-to-wall, each side", k2w.summary, k2w.svg, k2w),
        ("Left and right compared", asymmetry_summary(history, p, today),
         charts.asymmetry_chart(history, p, as_of=today), None),
        ("Pain during sessions and the next morning", pain_summary(history, p, today),
         charts.pain_chart(history, p, as_of=today), None),
        ("Weekly targets kept", adherence_summary(decision, adh, p),
         charts.adherence_chart(history, p, ctx.library, as_of=today), None),
    ]
    charts_ += [(s.test.title, s.summary, s.svg, s) for s in tests[1:] if s.tested]
    sessions = list(reversed(history.sessions[-10:]))
    refs: list[dict[str, Any]] = []  # each shown session's id and comments (messages)
    if account.role in ("coach", "client"):
        ids, notes = messages.comments_by_session(uow, key)
        if len(ids) == len(history.sessions):
            refs = [{"id": i, "comments": notes.get(i, [])} for i in reversed(ids[-10:])]
    return render(request, "me/progress.html", account=account, person=history.person, key=key,
                  own=_is_own(account, key), decision=decision, adherence=adherence_dict(adh),
                  week=adh,
                  sessions=sessions, session_refs=refs, lib=ctx.library.by_id,
                  back=_back(account, key),
                  charts=charts_, untested=[s.test for s in tests[1:] if not s.tested],
                  morning_due=_morning_due(history, today),
                  changes=change_rows(history, p, today))


# --- one line in plain words above each chart ----------------------------------------------


def _cm(value: float) -> str:
    return f"{charts.num(value)} cm"


def asymmetry_summary(history: History, protocol: Protocol, today: dt.date) -> str:
    pairs = charts.asymmetry_pairs(history, today)
    if not pairs:
        return "Measure both sides on the same day to compare them."
    _, left, right = pairs[-1]
    diff = abs(left - right)
    rule = next((r for r in protocol.asymmetry if r.measure == "dorsiflexion"), None)
    band = rule.threshold if rule is not None and rule.kind == "difference" else None
    if diff < 0.05:
        text = "Both sides reach the same distance"
    else:
        more, less = ("Left", "right") if left > right else ("Right", "left")
        text = f"{more} reaches {_cm(diff)} further than {less}"
    if band is not None:
        text += (f"; up to {_cm(band)} counts as even" if diff <= band
                 else f"; more than {_cm(band)} is worth working on")
    return text + "."


def pain_summary(history: History, protocol: Protocol, today: dt.date) -> str:
    done = [s for s in history.sessions if s.date <= today]
    safe = charts.num(protocol.pain_monitoring.safe_max.value)
    most = charts.num(protocol.pain_monitoring.acceptable_max.value)
    if not done:
        return f"No sessions logged yet. Pain up to {safe}/10 is safe; over {most} is too much."
    last = done[-1]
    text = f"Last session ({last.date:%-d %B}): {last.pain_during}/10 during"
    if last.pain_next_morning is not None:
        text += f", {last.pain_next_morning}/10 the next morning"
    return text + f". Up to {safe} is safe; over {most} is too much."


def adherence_summary(decision: Decision, week: Adherence, protocol: Protocol) -> str:
    aim = charts.num(protocol.settings.missed_sessions_pct.value)
    text = f"This week so far: {week.pct:.0f}% of the targets kept"
    if decision.last_week is not None:
        text = (f"Last week: {decision.last_week.pct:.0f}% of the targets kept; "
                f"this week so far: {week.pct:.0f}%")
    return text + f". The aim is {aim}% or more."
