"""Questionnaires on the web: CAIT for each ankle, FAAM and the readiness check, answered by
the client on their phone or by their coach in clinic.

* ``GET /people/{key}/questionnaires`` — each questionnaire with its latest score and what
  the clearance checklist asks of it, and a button to answer it;
* ``GET /people/{key}/questionnaires/{instrument}`` (``?side=left|right`` for CAIT) — the
  form: one long page of big answer rows with a progress bar that stays in view, so a
  thumb can answer all of it and still look back over it before sending; ``questionnaire.js``
  keeps the answers in the browser as they are tapped (a reload or a lost connection loses
  nothing) and moves on to the next question;
* ``POST`` to the same address — checked whole on the server (every question answered with
  one of its answers); a refused form comes back (422) with each problem at its question and
  every answer kept, and nothing is stored; a good one is scored by the same scorer as
  ``anklet questionnaire``, the person is re-decided and the browser goes to
* ``GET /people/{key}/questionnaires/{instrument}/result`` — the score in plain words, the
  change since last time and whether it is more than answers vary by on their own, and what
  it means for clearance, with a link to whatever is still missing.

Every route goes through :func:`anklet.services.accounts.person_for`: a coach reaches their
clients, a client and a self-coached person themself; anyone else's person is 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from anklet.domain.decisions import CriterionResult, Decision
from anklet.domain.errors import InputError, NotFoundError
from anklet.domain.history import QuestionnaireResponse
from anklet.domain.questionnaires import Instrument, Item, load_instruments
from anklet.domain.units import SIDES, Side
from anklet.services import accounts as account_service
from anklet.services import evaluation
from anklet.services import questionnaires as service
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web.deps import Ctx, PageAccount, PageToday, Uow, check_csrf
from anklet.web.templating import render, templates

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)

TITLES = {"cait": "Ankle steadiness", "faam": "Foot and ankle ability",
          "confidence": "Ready to train?"}
"""Each questionnaire's name on a page (its short name follows in small print)."""
ABOUT = {
    "cait": "Nine questions about how steady one ankle feels in daily life and in sport "
            "(the Cumberland Ankle Instability Tool, CAIT). About 2 minutes.",
    "faam": "How hard 29 everyday and sport activities are because of your foot or ankle "
            "(the Foot and Ankle Ability Measure, FAAM). About 5 minutes.",
    "confidence": "Two quick 0–10 ratings asked before being cleared to train normally: "
                  "how confident you are in the ankle, and its worst pain over the last "
                  "24 hours.",
}
GROUPS = {"adl": "Everyday activities", "sports": "Sport"}
METRIC_INSTRUMENT = {"cait_score": "cait", "faam_adl": "faam", "faam_sports": "faam",
                     "confidence": "confidence", "pain_24h": "confidence"}
"""Clearance metric → the questionnaire that fills it."""
WEB_REQUIRED = frozenset({"pain_24h"})
"""Optional in a stored answer (the CLI may leave it out) but asked on the web: the pain
criterion of the clearance checklist reads it."""


def _field(item: Item) -> str:
    return f"q_{item.id}"


def form_url(key: str, instrument: str, side: str | None = None) -> str:
    return f"/people/{key}/questionnaires/{instrument}" + (f"?side={side}" if side else "")


# --- links from the checklist --------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    url: str
    text: str


def _get(c: Mapping[str, Any] | CriterionResult, name: str) -> Any:
    return c.get(name) if isinstance(c, Mapping) else getattr(c, name, None)


def _pick_side(c: Mapping[str, Any] | CriterionResult) -> str:
    """The ankle to answer first: one with no score, else one that falls short, else left."""
    values: Mapping[str, float | None] = _get(c, "values") or {}
    missing = [s.value for s in SIDES if values.get(s.value) is None]
    if missing:
        return missing[0]
    op, threshold = _get(c, "op"), _get(c, "threshold")
    short = [s.value for s in SIDES if not _passes(op, values[s.value], threshold)]
    return short[0] if short else Side.LEFT.value


def _passes(op: str, value: float | None, threshold: float) -> bool:
    if value is None:
        return False
    return {">": value > threshold, ">=": value >= threshold, "<": value < threshold,
            "<=": value <= threshold}.get(op, False)


def questionnaire_link(c: Mapping[str, Any] | CriterionResult, key: str | None,
                       *, own: bool = False) -> Link | None:
    """Where a checklist criterion is filled, when a questionnaire fills it (None else)."""
    instrument = METRIC_INSTRUMENT.get(_get(c, "metric") or "")
    if instrument is None or not key:
        return None
    whose = "your" if own else "the"
    if instrument == "cait":
        side = _pick_side(c)
        return Link(form_url(key, "cait", side), f"Answer CAIT for {whose} {side} ankle")
    if instrument == "faam":
        return Link(form_url(key, "faam"), "Answer FAAM")
    return Link(form_url(key, "confidence"), "Answer the readiness check")


templates.env.globals["questionnaire_link"] = questionnaire_link
"""The checklist (``person/_criteria.html``) links each questionnaire criterion here."""


def due(decision: Decision, key: str) -> list[Link]:
    """The questionnaires the clearance checklist still waits for (not answered, out of
    date, or answered short of its need), one link each, for the person's own pages."""
    out: list[Link] = []
    clearance = decision.clearance
    for c in clearance.criteria if clearance is not None else ():
        if c.met or not c.required or c.not_applicable:
            continue
        link = questionnaire_link(c, key, own=True)
        if link is not None and link.url not in {x.url for x in out}:
            out.append(link)
    return out


@dataclass(frozen=True)
class Due:
    links: list[Link]


def questionnaires_due(decision: Decision, key: str, *, soon: bool = False) -> Due | None:
    """For the person's own pages: what :func:`due` lists; with ``soon``, only once the
    clearance checklist is the next step (stage 3 on), so stage 1 is not asked for it yet.
    None when nothing should be shown (a red flag, or not soon)."""
    if decision.status == "refer" or (soon and (decision.stage or 0) < 3):
        return None
    return Due(due(decision, key))


templates.env.globals["questionnaires_due"] = questionnaires_due
"""Today and Progress include ``questionnaires/_due.html``, which asks this."""


# --- reading the path and the form ---------------------------------------------------------


def _instrument(name: str) -> Instrument:
    instruments = load_instruments()
    if name not in instruments.ids:
        raise NotFoundError("questionnaire", name)
    return instruments.get(name)


def _side(ins: Instrument, value: str | None) -> Side | None:
    if not ins.per_side:
        return None
    if value in (None, ""):
        return Side.LEFT
    try:
        return Side(value)
    except ValueError:
        raise InputError("side", value, "accepted: left or right") from None


def _person(uow: UnitOfWork, account: Account, key: str) -> Any:
    return account_service.person_for(uow, account, key)


def _own(account: Account, key: str) -> bool:
    return account.role != "coach" and account.person_key == key


def _back(account: Account, key: str) -> str:
    return "/me" if account.role == "client" and _own(account, key) else f"/people/{key}"


def _items(ins: Instrument) -> list[dict[str, Any]]:
    """The questions as the form shows them, in groups (FAAM: everyday, then sport)."""
    rows = []
    for n, item in enumerate(ins.items, 1):
        prefix = item.id.split("_")[0]
        rows.append({"id": item.id, "n": n, "field": _field(item), "text": item.label,
                     "scale": item.scale, "group": GROUPS.get(prefix),
                     "options": [{"id": o.id, "label": o.label} for o in item.options or ()]})
    return rows


def _form_page(request: Request, account: Account, key: str, name: str, ins: Instrument,
               side: Side | None, *, values: Mapping[str, str], errors: Mapping[str, str],
               today: dt.date, status_code: int = 200) -> Response:
    own = _own(account, key)
    items = _items(ins)
    answered = sum(1 for i in items if values.get(i["field"]))
    return render(request, "questionnaires/form.html", account=account, key=key,
                  person=name, own=own, ins=ins, title=TITLES[ins.id], about=ABOUT[ins.id],
                  side=side.value if side else None, items=items, values=values,
                  errors=errors, answered=answered, status_code=status_code,
                  can_date=account.role != "client", back=_back(account, key),
                  draft_key=f"anklet-q:{key}:{ins.id}:{side.value if side else ''}",
                  today_iso=today.isoformat())


def _read(ins: Instrument, values: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The answers (item id → option id) and a plain-words error per question."""
    answers: dict[str, str] = {}
    errors: dict[str, str] = {}
    for item in ins.items:
        given = values.get(_field(item), "").strip()
        if not given:
            if item.required or item.id in WEB_REQUIRED:
                errors[_field(item)] = "Please choose an answer."
        elif item.option(given) is None:
            errors[_field(item)] = "Please choose one of the answers shown."
        else:
            answers[item.id] = given
    return answers, errors


def _read_date(values: Mapping[str, str], errors: dict[str, str], allowed: bool,
               today: dt.date) -> dt.date:
    raw = values.get("date", "").strip()
    if not allowed or not raw:
        return today
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        errors["date"] = f"Use a date such as {today.isoformat()} (you entered {raw!r})."
        return today
    if day > today:
        errors["date"] = "Use today or an earlier day: answers cannot come from the future."
    elif day.year < 1900:
        errors["date"] = "Use a date from 1900 on."
    return day


# --- pages ---------------------------------------------------------------------------------


@router.get("/people/{key}/questionnaires")
def questionnaires_page(request: Request, key: str, account: PageAccount, uow: Uow,
                        ctx: Ctx) -> Response:
    """Each questionnaire with its latest score and what clearance needs of it."""
    history = _person(uow, account, key)
    instruments = load_instruments()
    latest: dict[tuple[str, str | None], Any] = {}
    for _, response, got in service.answered(uow, key=key, instruments=instruments):
        side = response.side.value if response.side else None
        latest[(response.instrument, side)] = {
            "date": response.date,
            "scores": [service.meaning(ch, ctx.protocol, instruments) for ch in got]}
    ev = evaluation.evaluate(history=history, protocol=ctx.protocol, library=ctx.library)
    cards = []
    for ins_id, side in (("cait", "left"), ("cait", "right"), ("faam", None),
                         ("confidence", None)):
        title = TITLES[ins_id] + (f" — {side} ankle" if side else "")
        cards.append({"id": ins_id, "side": side, "title": title, "about": ABOUT[ins_id],
                      "short": instruments.get(ins_id).short, "url": form_url(key, ins_id, side),
                      "latest": latest.get((ins_id, side))})
    return render(request, "questionnaires/index.html", account=account, key=key,
                  person=history.person.name, own=_own(account, key), cards=cards,
                  due=due(ev.decision, key), back=_back(account, key))


@router.get("/people/{key}/questionnaires/{instrument}")
def questionnaire_form(request: Request, key: str, instrument: str, account: PageAccount,
                       uow: Uow, today: PageToday, side: str | None = None) -> Response:
    history = _person(uow, account, key)
    ins = _instrument(instrument)
    return _form_page(request, account, key, history.person.name, ins, _side(ins, side),
                      values={}, errors={}, today=today)


@router.post("/people/{key}/questionnaires/{instrument}")
async def answer(request: Request, key: str, instrument: str, account: PageAccount, uow: Uow,
                 ctx: Ctx, today: PageToday) -> Response:
    history = _person(uow, account, key)
    ins = _instrument(instrument)
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    side = _side(ins, values.get("side") or request.query_params.get("side"))
    answers, errors = _read(ins, values)
    day = _read_date(values, errors, allowed=account.role != "client", today=today)
    if errors:  # nothing stored: the form again, every answer kept
        return _form_page(request, account, key, history.person.name, ins, side,
                          values=values, errors=errors, today=today, status_code=422)
    response = QuestionnaireResponse(date=day, instrument=ins.id, side=side, answers=answers)
    service.create(uow, key=key, response=response)
    evaluation.refresh(uow, key=key, protocol=ctx.protocol, library=ctx.library)
    uow.commit()
    url = f"/people/{key}/questionnaires/{ins.id}/result"
    return RedirectResponse(url + (f"?side={side.value}" if side else ""), 303)


def _criteria_rows(decision: Decision, ins: Instrument, key: str, own: bool
                   ) -> list[dict[str, Any]]:
    """The clearance criteria this questionnaire fills, as they stand now."""
    rows = []
    clearance = decision.clearance
    for c in clearance.criteria if clearance is not None else ():
        if METRIC_INSTRUMENT.get(c.metric) != ins.id or c.not_applicable:
            continue
        link = None if c.met else questionnaire_link(c, key, own=own)
        rows.append({"label": c.label, "met": c.met, "assessed": c.assessed,
                     "required": c.required, "value_text": c.value_text, "link": link})
    return rows


@router.get("/people/{key}/questionnaires/{instrument}/result")
def result(request: Request, key: str, instrument: str, account: PageAccount, uow: Uow,
           ctx: Ctx, side: str | None = None) -> Response:
    history = _person(uow, account, key)
    ins = _instrument(instrument)
    chosen = _side(ins, side)
    instruments = load_instruments()
    found = [(r, got) for _, r, got in service.answered(uow, key=key, instruments=instruments)
             if r.instrument == ins.id and r.side == chosen]
    if not found:
        return RedirectResponse(form_url(key, ins.id, chosen.value if chosen else None), 303)
    response, got = found[-1]
    other = None
    if chosen is not None and not any(r.instrument == ins.id and r.side == chosen.other
                                      for _, r, _ in service.answered(uow, key=key)):
        whose = "your" if _own(account, key) else "the"
        other = Link(form_url(key, ins.id, chosen.other.value),
                     f"Answer CAIT for {whose} {chosen.other.value} ankle too")
    ev = evaluation.evaluate(history=history, protocol=ctx.protocol, library=ctx.library)
    own = _own(account, key)
    return render(request, "questionnaires/result.html", account=account, key=key,
                  person=history.person.name, own=own, ins=ins, title=TITLES[ins.id],
                  side=chosen.value if chosen else None, answered_on=response.date,
                  scores=[service.meaning(ch, ctx.protocol, instruments) for ch in got],
                  criteria=_criteria_rows(ev.decision, ins, key, own), other=other,
                  back=_back(account, key),
                  draft_key=f"anklet-q:{key}:{ins.id}:{chosen.value if chosen else ''}")
