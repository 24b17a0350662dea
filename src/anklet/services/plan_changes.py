"""A coach's changes to one person's plan: list, make and end them.

Each change is checked against the person's stage and state before it is stored (the
domain's rules: :mod:`anklet.domain.plan_changes`), stored in the same write unit as its
audit-log entry, and the person is re-decided. Who may make them is the caller's check
(the web's and the API's access rules; the command line is the operator's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from anklet.domain.decisions import decide
from anklet.domain.errors import NotFoundError
from anklet.domain.exercises import Library
from anklet.domain.history import History, PlanChange
from anklet.domain.plan_changes import ChangeStatus, change_words
from anklet.domain.planner import check_plan_change, plan_week
from anklet.domain.protocol import Protocol
from anklet.services import evaluation
from anklet.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Listed:
    """One stored change and where it stands this week."""

    id: int
    change: PlanChange
    state: str
    """``applied``, ``paused`` (see ``reason``), ``ended`` or ``waiting`` (made for a later
    day)."""
    reason: str | None
    words: str


@dataclass(frozen=True, slots=True)
class Made:
    id: int
    change: PlanChange
    warnings: tuple[str, ...]


def _audit_detail(change: PlanChange) -> dict[str, object]:
    return change.model_dump(mode="json", exclude_none=True, exclude={"by"})


def add(uow: UnitOfWork, *, key: str, change: PlanChange, protocol: Protocol,
        library: Library, account_id: int | None, actor: str) -> Made:
    """Check and store a change made on ``change.date``; InputError (naming the field, the
    value and why) when a hard rule refuses it, and then nothing is stored."""
    history = uow.people.get(key)
    decision = decide(history, protocol=protocol, library=library, as_of=change.date,
                      with_clearance=False)
    warnings = check_plan_change(change, decision, history, protocol=protocol,
                                 library=library)
    change_id = uow.people.add_plan_change(key, change)
    uow.accounts.audit(account_id=account_id, actor=actor, action="plan_change",
                       person_key=key, detail={"id": change_id, **_audit_detail(change)})
    evaluation.refresh(uow, key=key, protocol=protocol, library=library)
    return Made(change_id, change, tuple(warnings))


def end(uow: UnitOfWork, *, key: str, change_id: int, day: dt.date, protocol: Protocol,
        library: Library, account_id: int | None, actor: str) -> PlanChange:
    """End the person's change ``change_id`` on ``day`` (the record stays in the history);
    NotFoundError when the person has no such change in force."""
    found = dict(uow.people.plan_changes(key)).get(change_id)
    if found is None or found.ended is not None:
        raise NotFoundError("plan change", str(change_id))
    uow.people.end_plan_change(key, change_id, day)
    uow.accounts.audit(account_id=account_id, actor=actor, action="plan_change_ended",
                       person_key=key, detail={"id": change_id, **_audit_detail(found),
                                               "ended": day.isoformat()})
    evaluation.refresh(uow, key=key, protocol=protocol, library=library)
    return found


def listing(uow: UnitOfWork, *, key: str, protocol: Protocol, library: Library,
            as_of: dt.date, history: History | None = None,
            week: Sequence[ChangeStatus] | None = None) -> list[Listed]:
    """The person's changes, newest first, each with where it stands on ``as_of`` (``week``:
    this week's plan's ``coach_changes`` when the caller has the plan already)."""
    rows = uow.people.plan_changes(key)
    if week is None:
        history = history or uow.people.get(key)
        week = this_week(history, protocol=protocol, library=library, as_of=as_of)
    now = week
    out = []
    for change_id, c in rows:
        words = change_words(c, library)
        status = next((s for s in now if s.change == c), None)
        if c.ended is not None and c.ended <= as_of:
            out.append(Listed(change_id, c, "ended", None, words))
        elif c.date > as_of:
            out.append(Listed(change_id, c, "waiting", None, words))
        elif status is None:
            out.append(Listed(change_id, c, "paused", "no plan is made for this person now",
                              words))
        else:
            out.append(Listed(change_id, c, "applied" if status.applied else "paused",
                              status.reason, words))
    return sorted(out, key=lambda x: (x.state == "ended", -x.change.date.toordinal(), -x.id))


def this_week(history: History, *, protocol: Protocol, library: Library,
              as_of: dt.date) -> tuple[ChangeStatus, ...]:
    """The changes in force this week as the planner applies them."""
    if not history.plan_changes:
        return ()
    d = decide(history, protocol=protocol, library=library, as_of=as_of, with_clearance=False)
    return plan_week(d, history, protocol=protocol, library=library).coach_changes


__all__ = ["Listed", "Made", "add", "end", "listing", "this_week"]
