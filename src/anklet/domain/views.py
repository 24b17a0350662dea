"""Decisions and plans as plain JSON-ready dicts (for ``--json`` and the API)."""

from __future__ import annotations

from typing import Any

from anklet.domain.adherence import Adherence
from anklet.domain.decisions import Decision
from anklet.domain.exercises import HEEL_WARNING, Category, Library
from anklet.domain.planner import PlanBlock, WeekPlan
from anklet.domain.protocol import Protocol


def adherence_dict(a: Adherence) -> dict[str, Any]:
    return {
        "start": a.start.isoformat(), "end": a.end.isoformat(), "stage": a.stage,
        "pct": round(a.pct, 1),
        "targets": [
            {"id": t.target_id, "label": t.label, "required": t.required, "done": t.done,
             "credited": t.credited, "met": t.met, "runs_needing_prep": t.runs_needing_prep,
             "runs_kept": t.runs_kept, "source": t.source}
            for t in a.targets
        ],
    }


def decision_dict(d: Decision, protocol: Protocol) -> dict[str, Any]:
    src = protocol.sources
    return {
        "person": d.person_id,
        "as_of": d.as_of.isoformat(),
        "protocol": {"id": d.protocol_id, "version": d.protocol_version},
        "status": d.status,
        "status_text": d.status_text,
        "stage": d.stage,
        "stage_name": d.stage_name,
        "stage_since": d.stage_since.isoformat() if d.stage_since else None,
        "days_in_stage": d.days_in_stage,
        "dose_level": d.dose_level,
        "variant_level": d.variant_level,
        "clear_to_train": d.clear_to_train,
        "gate": None if d.gate is None else {
            "from_stage": d.gate.from_stage,
            "to_stage": d.gate.to_stage,
            "all_met": d.gate.all_met,
            "criteria": [
                {"id": c.id, "label": c.label, "metric": c.metric, "values": c.values,
                 "value_text": c.value_text, "op": c.op, "threshold": c.threshold,
                 "unit": c.unit, "met": c.met, "assessed": c.assessed, "source": c.source,
                 "source_text": src.get(c.source, c.source), "reason": c.reason,
                 "note": c.note}
                for c in d.gate.criteria
            ],
        },
        "asymmetries": [
            {"measure": a.measure, "label": a.label, "left": a.left, "right": a.right,
             "unit": a.unit, "difference": round(a.difference, 2), "lsi": round(a.lsi, 1),
             "kind": a.kind, "threshold": a.threshold, "meaningful": a.meaningful,
             "source": a.source, "reason": a.reason}
            for a in d.asymmetries
        ],
        "flags": [{"kind": f.kind, "message": f.message} for f in d.flags],
        "red_flags": [{"id": r.id, "question": r.question, "source": r.source,
                       "date": r.date.isoformat()} for r in d.red_flags],
        "missing_screen": list(d.missing_screen),
        "reasons": list(d.reasons),
        "timeline": [{"date": c.date.isoformat(), "kind": c.kind, "from_stage": c.from_stage,
                      "to_stage": c.to_stage, "reason": c.reason} for c in d.timeline],
        "last_week": adherence_dict(d.last_week) if d.last_week else None,
    }


def _block_dict(b: PlanBlock, library: Library) -> dict[str, Any]:
    def link(eid: str | None) -> dict[str, str] | None:
        if eid is None or eid not in library:
            return None
        return {"id": eid, "name": library.get(eid).name}

    return {
        "target": b.target_id, "label": b.label, "minutes": b.minutes, "short": b.short,
        "warning": HEEL_WARNING if any(i.exercise.category is Category.FOOT_RELEASE
                                       for i in b.items) else None,
        "before_run": None if b.before_run is None else {
            "date": b.before_run.date.isoformat(), "kind": b.before_run.kind.value,
            "title": b.before_run.title},
        "exercises": [
            {"id": i.exercise.id, "name": i.exercise.name, "dose": i.dose,
             "minutes": i.minutes, "how": list(i.exercise.how),
             "cautions": list(i.exercise.cautions), "why": i.exercise.why,
             "easier": link(i.exercise.easier), "harder": link(i.exercise.harder)}
            for i in b.items
        ],
    }


def plan_dict(p: WeekPlan, library: Library) -> dict[str, Any]:
    return {
        "person": p.person_id,
        "week_start": p.week_start.isoformat(),
        "stage": p.stage,
        "stage_name": p.stage_name,
        "dose_level": p.dose_level,
        "ok": p.ok,
        "refused": p.refused,
        "habits": list(p.habits),
        "issues": [{"target": i.target_id, "rule": i.rule, "message": i.message}
                   for i in p.issues],
        "days": [
            {"date": d.date.isoformat(), "weekday": d.weekday, "available": d.available,
             "minutes": d.minutes,
             "runs": [{"kind": r.kind.value, "minutes": r.minutes, "title": r.title}
                      for r in d.runs],
             "blocks": [_block_dict(b, library) for b in d.blocks]}
            for d in p.days
        ],
    }
