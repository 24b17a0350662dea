"""Alerts to a coach when a client's decision turns for the worse: a red flag, a pain flare,
a step back to an earlier stage, or the engine's suggestion to see a clinician.

:func:`queue_for_change` compares the decision stored before a write with the one stored
after it, in the same transaction, and queues an email to the person's coach (if they want
alert emails) in the outbox (:mod:`anklet.services.outbox` sends it, once). A self-coached
person has no coach to alert: their own pages say it to them. The coach's client list shows
the same things whether or not email is set up.

Each alert has a key, so the same event is never queued twice: a red flag or a flare by the
day the decision first showed it, a step back by its date, a "see a clinician" by its
reason (it is worked out only by the full decision, so it comes and goes between the quick
re-decision after a write and the full one; its reason does not).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from anklet.domain.decisions import Decision
from anklet.store.repository import StoredDecision
from anklet.store.uow import UnitOfWork

_WORDS = {
    "red_flag": "answered yes to a red-flag question",
    "pain_flare": "had a pain flare",
    "step_back": "stepped back a stage",
    "see_clinician": "may need to see a clinician",
}


@dataclass(frozen=True)
class Alert:
    kind: str
    key: str
    text: str


def _flags(summary: Mapping[str, Any] | None) -> set[str]:
    return set((summary or {}).get("flags") or ())


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def detect(key: str, before: StoredDecision | None, *, status: str, as_of: dt.date,
           summary: Mapping[str, Any], texts: Mapping[str, str]) -> list[Alert]:
    """The alerts the new decision (``status``, ``summary``; ``texts``: each flag's words)
    raises over the stored one (None: a person decided for the first time)."""
    old = _flags(before.summary if before else None)
    if before is not None and before.status == "refer":
        old.add("red_flag")
    new = _flags(summary)
    if status == "refer":
        new.add("red_flag")
    out = []
    for kind in ("red_flag", "pain_flare"):
        if kind in new and kind not in old:
            out.append(Alert(kind, f"alert:{key}:{kind}:{as_of.isoformat()}",
                             texts.get(kind, "")))
    if "see_clinician" in new and "see_clinician" not in old:
        text = texts.get("see_clinician", "")
        out.append(Alert("see_clinician", f"alert:{key}:see_clinician:{_digest(text)}", text))
    change = summary.get("last_change") or None
    was = (before.summary.get("last_change") if before else None) or None
    if isinstance(change, Mapping) and change.get("kind") == "step_back" and change != was:
        out.append(Alert("step_back", f"alert:{key}:step_back:{change.get('date')}",
                         texts.get("step_back", "")))
    return out


def texts_of(d: Decision) -> dict[str, str]:
    """Each flag's words, and the latest step back's, from a decision."""
    out: dict[str, str] = {f.kind: f.message for f in d.flags}
    backs = [c for c in d.timeline if c.kind == "step_back"]
    if backs:
        out["step_back"] = backs[-1].reason
    return out


def queue_for_change(uow: UnitOfWork, *, key: str, name: str, before: StoredDecision | None,
                     status: str, as_of: dt.date, summary: Mapping[str, Any],
                     texts: Mapping[str, str], now: dt.datetime | None = None) -> Sequence[Alert]:
    """Queue an email to the person's coach for each new alert (if the coach wants them)."""
    if before is None:
        return ()  # a first decision (a new person, an import): nothing turned for the worse
    alerts = detect(key, before, status=status, as_of=as_of, summary=summary, texts=texts)
    if not alerts:
        return ()
    coach_id = uow.accounts.coach_of(key)
    coach = uow.accounts.by_id(coach_id) if coach_id is not None else None
    if coach is None or not coach.alert_emails:
        return ()
    now = now or dt.datetime.now(dt.UTC)
    queued = []
    for a in alerts:
        if uow.accounts.queue_mail(key=a.key, account_id=coach.id, template="alert",
                                   values={"kind": a.kind, "what": _WORDS[a.kind],
                                           "detail": a.text, "person": key, "name": name,
                                           "coach": coach.name, "day": as_of.isoformat()},
                                   now=now):
            queued.append(a)
    return queued
