"""Correcting records on the web: a person's records with Edit and Delete for each, a form
filled in with the record as it is, and a page that asks before deleting (a plain form: it
works without JavaScript).

Who may do what: anyone who may see the person reads the list; a client corrects their own
check-ins, sessions and questionnaires, and sees their measurements, screens and foot
observations without the buttons (those are their coach's to correct, as they are to record).
Another person's record id answers 404, as a missing one. Every correction goes through
:mod:`anklet.services.corrections` (validated as a new record, audited, the plan checked
again); a refused one re-shows the form with the error next to its field and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from anklet.domain.errors import InputError, NotFoundError
from anklet.domain.history import Measurement, QuestionnaireResponse, Screening, Session
from anklet.domain.measures import MEASURE_INFO, ArchShape, FootPosture, MeasureKind
from anklet.domain.protocol import Protocol
from anklet.services import accounts as account_service
from anklet.services import corrections
from anklet.store.accounts import Account
from anklet.store.repository import Record
from anklet.store.uow import UnitOfWork
from anklet.web.deps import Ctx, ForbiddenError, PageAccount, Uow, check_csrf
from anklet.web.templating import flash, render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)

URL_KINDS = {"measurement": "measurement", "screen": "screen", "check-in": "check_in",
             "foot": "foot_observation", "questionnaire": "questionnaire",
             "session": "session"}
"""The kinds of record as the addresses name them → the service's names."""
_URL_OF = {v: k for k, v in URL_KINDS.items()}

ASSESSED = frozenset({"measurement", "screen", "foot_observation"})
"""Kinds a client does not correct (their coach records and corrects them)."""

SECTIONS = (("measurement", "Tests"), ("screen", "Red-flag screens"),
            ("check_in", "Check-ins"), ("foot_observation", "Foot observations"),
            ("questionnaire", "Questionnaires"), ("session", "Sessions"))

SIDES = (("left", "Left"), ("right", "Right"))
YES_NO = (("no", "No"), ("yes", "Yes"))
SYMPTOM_FIELDS = (("pain_rest", "Pain at rest", "pain"),
                  ("pain_activity", "Pain when active", "pain"),
                  ("swelling", "Swollen", "yesno"), ("giving_way", "Gave way", "yesno"))


@dataclass(frozen=True)
class Field:
    """One field of an edit form."""

    name: str
    label: str
    widget: str  # date, number, pain, select, yesno, text, textarea
    options: tuple[tuple[str, str], ...] = ()
    optional: bool = False
    hint: str | None = None


def _fields(kind: str, record: Record, protocol: Protocol) -> list[Field]:
    date = Field("date", "Date", "date")
    if isinstance(record, Measurement):
        rng = MEASURE_INFO[record.kind][1]
        out = [date, Field("side", "Side", "select", SIDES),
               Field("value", f"Result ({rng.unit})", "number",
                     hint=f"from {rng.low:g} to {rng.high:g} {rng.unit}"),
               Field("pain", "Pain during the test", "pain", optional=True)]
        if record.kind is MeasureKind.Y_BALANCE_ANTERIOR:
            out.append(Field("leg_length_cm", "Leg length (cm)", "number", optional=True))
        return [*out, Field("notes", "Notes", "textarea", optional=True)]
    if isinstance(record, Screening):
        out = [date]
        for side, side_label in SIDES:
            out += [Field(f"{side}_{name}", f"{side_label} ankle: {label.lower()}", widget)
                    for name, label, widget in SYMPTOM_FIELDS]
        if kind == "screen":
            out += [Field(f"flag_{f.id}", f.question, "yesno") for f in protocol.red_flags]
        return out
    if isinstance(record, QuestionnaireResponse):
        return [date] + ([Field("side", "Which ankle", "select", SIDES)] if record.side else [])
    if isinstance(record, Session):
        return [date,
                Field("rpe", "Effort (0 = rest, 10 = hardest)", "pain", optional=True),
                Field("pain_before", "Pain before", "pain", optional=True),
                Field("pain_during", "Pain during", "pain"),
                Field("pain_next_morning", "Pain the next morning", "pain", optional=True),
                Field("gait_off", "Walking or running felt off that day", "yesno"),
                Field("notes", "Notes", "textarea", optional=True)]
    return [date, Field("side", "Side", "select", SIDES),
            Field("posture", "Posture", "select",
                  tuple((p.value, p.value.capitalize()) for p in FootPosture)),
            Field("arch", "Arch", "select",
                  tuple((a.value, a.value.capitalize()) for a in ArchShape)),
            Field("notes", "Notes", "textarea", optional=True)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def _values(record: Record) -> dict[str, str]:
    """The record as the form shows it: one text per field."""
    data = {k: getattr(record, k) for k in type(record).model_fields}
    out: dict[str, str] = {}
    for k, v in data.items():
        if k in ("left", "right"):
            out |= {f"{k}_{name}": _text(getattr(v, name)) for name, _, _ in SYMPTOM_FIELDS}
        elif k == "red_flags":
            out |= {f"flag_{f}": _text(present) for f, present in v.items()}
        else:
            out[k] = _text(v)
    return out


def _read(fields: list[Field], form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The changes a posted form asks for, and an error per field that cannot be read."""
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in fields:
        raw = form.get(f.name, "").strip()
        value: Any = None
        if not raw:
            if not f.optional:
                errors[f.name] = "Please fill this in."
                continue
        elif f.widget == "date":
            try:
                value = dt.date.fromisoformat(raw)
            except ValueError:
                errors[f.name] = "Give the date as YYYY-MM-DD, e.g. 2026-11-02."
                continue
        elif f.widget == "number":
            try:
                value = float(raw)
            except ValueError:
                errors[f.name] = "Give a number, e.g. 8.5."
                continue
        elif f.widget == "pain":
            if raw not in {str(n) for n in range(11)}:
                errors[f.name] = "Choose a number from 0 to 10."
                continue
            value = int(raw)
        elif f.widget in ("select", "yesno"):
            options = f.options or YES_NO
            if raw not in {v for v, _ in options}:
                errors[f.name] = "Choose one of the answers offered."
                continue
            value = (raw == "yes") if f.widget == "yesno" else raw
        else:
            value = raw
        head, _, rest = f.name.partition("_")
        if head in ("left", "right") and rest in {n for n, _, _ in SYMPTOM_FIELDS}:
            changes.setdefault(head, {})[rest] = value
        elif head == "flag":
            changes.setdefault("red_flags", {})[rest] = value
        else:
            changes[f.name] = value
    return changes, errors


def _form_field(error_field: str) -> str:
    """The form field an error of the service names ("left.pain_rest" → "left_pain_rest")."""
    return error_field.replace(".", "_").replace("red_flags_", "flag_")


# --- access ---------------------------------------------------------------------------------


def _kind(kind: str) -> str:
    found = URL_KINDS.get(kind)
    if found is None:
        raise NotFoundError("kind of record", kind)
    return found


def _may_correct(account: Account, kind: str) -> bool:
    return account.role != "client" or kind not in ASSESSED


def _check(uow: UnitOfWork, account: Account, key: str, kind: str | None = None) -> None:
    """Tenancy first (404 if not theirs), then the role for the kind (403)."""
    if not account_service.can_see(uow, account, key):
        raise NotFoundError("person", key)
    if kind is not None and not _may_correct(account, kind):
        raise ForbiddenError("Tests, screens and foot observations are corrected by your "
                             "coach: ask them to change it.")


def _own(account: Account, key: str) -> bool:
    return account.person_key == key


def _back(account: Account, key: str) -> tuple[str, str]:
    if account.role == "client":
        return f"/people/{key}/progress", "Your progress"
    return f"/people/{key}", "Back to the person page"


def _list_url(key: str) -> str:
    return f"/people/{key}/records"


# --- pages ----------------------------------------------------------------------------------


@router.get("/people/{key}/records")
def records_page(request: Request, key: str, account: PageAccount, uow: Uow) -> Response:
    _check(uow, account, key)
    history = uow.people.get(key)
    rows = corrections.list_records(uow, key=key)
    sections = []
    for kind, heading in SECTIONS:
        items = [{"id": i, "date": r.date, "title": corrections.title(k, r),
                  "summary": corrections.summary(r), "url": f"/people/{key}/records/"
                  f"{_URL_OF[k]}/{i}"}
                 for k, i, r in rows if k == kind]
        items.reverse()  # newest first
        sections.append({"kind": kind, "heading": heading, "records": items,
                         "editable": _may_correct(account, kind)})
    if account.role == "client":  # what they can correct first
        sections.sort(key=lambda s: not s["editable"])
    back, back_text = _back(account, key)
    return render(request, "corrections/records.html", account=account,
                  person=history.person, own=_own(account, key), sections=sections,
                  back=back, back_text=back_text)


def _edit_page(request: Request, account: Account, key: str, kind: str, record_id: int,
               record: Record, fields: list[Field], values: dict[str, str],
               errors: dict[str, str], status: int = 200, problem: str | None = None
               ) -> Response:
    return render(request, "corrections/edit.html", account=account, status_code=status,
                  what=corrections.describe(kind, record), fields=fields, values=values,
                  errors=errors, problem=problem, yes_no=YES_NO,
                  action=f"/people/{key}/records/{_URL_OF[kind]}/{record_id}/edit",
                  back=_list_url(key), kind=kind)


@router.get("/people/{key}/records/{kind}/{record_id}/edit")
def edit_page(request: Request, key: str, kind: str, record_id: int, account: PageAccount,
              uow: Uow, ctx: Ctx) -> Response:
    k = _kind(kind)
    _check(uow, account, key, k)
    record = uow.people.record(key, k, record_id)
    return _edit_page(request, account, key, k, record_id, record,
                      _fields(k, record, ctx.protocol), _values(record), {})


@router.post("/people/{key}/records/{kind}/{record_id}/edit")
async def edit_record(request: Request, key: str, kind: str, record_id: int,
                      account: PageAccount, uow: Uow, ctx: Ctx) -> Response:
    k = _kind(kind)
    _check(uow, account, key, k)
    record = uow.people.record(key, k, record_id)
    fields = _fields(k, record, ctx.protocol)
    form = {name: value for name, value in (await request.form()).items()
            if isinstance(value, str)}
    changes, errors = _read(fields, form)
    values = {f.name: form.get(f.name, "") for f in fields}
    if errors:
        return _edit_page(request, account, key, k, record_id, record, fields, values,
                          errors, 422)
    try:
        done = corrections.edit(uow, key=key, kind=k, record_id=record_id, changes=changes,
                                protocol=ctx.protocol, library=ctx.library,
                                actor=account.email, account_id=account.id)
    except InputError as e:
        uow.rollback()
        name = _form_field(e.field)
        if name in values:
            errors[name] = e.accepted[:1].upper() + e.accepted[1:]
            return _edit_page(request, account, key, k, record_id, record, fields, values,
                              errors, 422)
        return _edit_page(request, account, key, k, record_id, record, fields, values,
                          {}, 422, problem=str(e))
    uow.commit()
    flash(request, done.message)
    return RedirectResponse(_list_url(key), 303)


@router.get("/people/{key}/records/{kind}/{record_id}/delete")
def delete_page(request: Request, key: str, kind: str, record_id: int, account: PageAccount,
                uow: Uow) -> Response:
    k = _kind(kind)
    _check(uow, account, key, k)
    record = uow.people.record(key, k, record_id)
    return render(request, "corrections/delete.html", account=account,
                  what=corrections.describe(k, record), summary=corrections.summary(record),
                  action=f"/people/{key}/records/{_URL_OF[k]}/{record_id}/delete",
                  back=_list_url(key), session=k == "session")


@router.post("/people/{key}/records/{kind}/{record_id}/delete")
def delete_record(request: Request, key: str, kind: str, record_id: int,
                  account: PageAccount, uow: Uow, ctx: Ctx) -> Response:
    k = _kind(kind)
    _check(uow, account, key, k)
    done = corrections.delete(uow, key=key, kind=k, record_id=record_id,
                              protocol=ctx.protocol, library=ctx.library,
                              actor=account.email, account_id=account.id)
    uow.commit()
    flash(request, done.message)
    return RedirectResponse(_list_url(key), 303)
