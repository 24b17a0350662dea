"""Decisions and plans for stored people, one at a time or all at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from anklet.domain.adherence import Adherence, index_days, week_adherence
from anklet.domain.decisions import Decision, decide, validate_references
from anklet.domain.exercises import Library
from anklet.domain.history import History
from anklet.domain.planner import WeekPlan, plan_week
from anklet.domain.protocol import Protocol
from anklet.store.uow import UnitOfWork


@dataclass(frozen=True)
class Evaluation:
    history: History
    decision: Decision
    plan: WeekPlan


def evaluate(*, history: History, protocol: Protocol, library: Library,
             as_of: dt.date | None = None, week_start: dt.date | None = None,
             source: str = "history") -> Evaluation:
    """Decision and week plan for a history that need not be stored."""
    validate_references(history, protocol, library, source=source)
    decision = decide(history, protocol=protocol, library=library, as_of=as_of)
    plan = plan_week(decision, history, week_start=week_start, protocol=protocol,
                     library=library)
    return Evaluation(history, decision, plan)


def get(uow: UnitOfWork, *, key: str, protocol: Protocol, library: Library,
        as_of: dt.date | None = None, week_start: dt.date | None = None,
        save: bool = True) -> Evaluation:
    """Evaluate a stored person and (by default) store the decision's summary."""
    history = uow.people.get(key)
    ev = evaluate(history=history, protocol=protocol, library=library, as_of=as_of,
                  week_start=week_start)
    if save:
        d = ev.decision
        uow.people.save_decision(key, as_of=d.as_of, stage=d.stage, status=d.status,
                                 clear_to_train=d.clear_to_train, summary=summary(d))
    return ev


def summary(d: Decision) -> dict[str, object]:
    """The small part of a decision kept in the database for lists and dashboards."""
    return {
        "stage_name": d.stage_name,
        "stage_since": d.stage_since.isoformat() if d.stage_since else None,
        "flags": sorted({f.kind for f in d.flags}),
        "gate_met": d.gate.met_count if d.gate else 0,
        "gate_total": len(d.gate.criteria) if d.gate else 0,
    }


def adherence(uow: UnitOfWork, *, key: str, protocol: Protocol, library: Library,
              week_start: dt.date, as_of: dt.date | None = None) -> tuple[Decision, Adherence]:
    """Adherence to the current stage's targets for the week starting ``week_start``."""
    history = uow.people.get(key)
    validate_references(history, protocol, library)
    d = decide(history, protocol=protocol, library=library,
               as_of=as_of or week_start + dt.timedelta(days=6))
    stage = protocol.stage(d.stage or 1)
    return d, week_adherence(stage, index_days(history.sessions, library),
                             history.planned_runs, week_start)


def reevaluate_all(uow: UnitOfWork, *, protocol: Protocol, library: Library,
                   as_of: dt.date | None = None, batch_size: int = 1000) -> int:
    """Re-decide everyone in batches and store each decision; returns how many."""
    as_of = as_of or dt.date.today()
    n = 0
    for batch in uow.people.iter_histories(batch_size=batch_size):
        rows = []
        for h in batch:
            d = decide(h, protocol=protocol, library=library, as_of=as_of)
            rows.append({"key": h.person.id, "as_of": as_of, "stage": d.stage,
                         "status": d.status, "clear_to_train": d.clear_to_train,
                         "summary": summary(d)})
        uow.people.save_decisions(rows)
        n += len(rows)
    return n
