"""Decisions and plans as plain JSON-ready dicts (for ``--json`` and the API)."""

from __future__ import annotations

from typing import Any

from anklet.domain.adherence import Adherence
from anklet.domain.decisions import CriterionResult, Decision, GateResult, checklist
from anklet.domain.exercises import HEEL_WARNING, Category, Library
from anklet.domain.planner import PlanBlock, WeekPlan
from anklet.domain.protocol import Criterion, Protocol
from anklet.domain.questionnaires import Change, Instrument, Score, Wording


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


def criterion_dict(c: CriterionResult, protocol: Protocol) -> dict[str, Any]:
    return {"id": c.id, "label": c.label, "metric": c.metric, "values": c.values,
            "value_text": c.value_text, "op": c.op, "threshold": c.threshold,
            "unit": c.unit, "met": c.met, "assessed": c.assessed, "source": c.source,
            "source_text": protocol.sources.get(c.source, c.source), "reason": c.reason,
            "note": c.note, "domain": c.domain, "required": c.required, "how": c.how,
            "where": c.where, "stale": c.stale, "group": c.group, "served_by": c.served_by}


def checklist_dict(gate: GateResult, protocol: Protocol) -> dict[str, Any]:
    """The clearance checklist grouped by PAASS domain (Smith2021), every domain present."""
    return {
        "all_met": gate.all_met,
        "met": gate.met_count,
        "required": gate.required_count,
        "source": protocol.clearance_domains.source,
        "domains": [
            {"id": g.id, "label": g.label, "covers": g.covers, "paass": g.paass,
             "status": g.status, "status_text": g.status_text, "to_fill": list(g.to_fill),
             "criteria": [criterion_dict(c, protocol) for c in g.criteria]}
            for g in checklist(gate, protocol)
        ],
    }


def decision_dict(d: Decision, protocol: Protocol) -> dict[str, Any]:
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
            "criteria": [criterion_dict(c, protocol) for c in d.gate.criteria],
        },
        "clearance": None if d.clearance is None else checklist_dict(d.clearance, protocol),
        "asymmetries": [
            {"measure": a.measure, "label": a.label, "left": a.left, "right": a.right,
             "unit": a.unit, "difference": round(a.difference, 2), "lsi": round(a.lsi, 1),
             "kind": a.kind, "threshold": a.threshold, "meaningful": a.meaningful,
             "measurement_error": a.measurement_error, "error_source": a.error_source,
             "within_error": a.within_error, "source": a.source, "reason": a.reason}
            for a in d.asymmetries
        ],
        "flags": [{"kind": f.kind, "message": f.message} for f in d.flags],
        "red_flags": [{"id": r.id, "question": r.question, "source": r.source,
                       "date": r.date.isoformat()} for r in d.red_flags],
        "missing_screen": list(d.missing_screen),
        "reasons": list(d.reasons),
        "timeline": [{"date": c.date.isoformat(), "kind": c.kind, "from_stage": c.from_stage,
                      "to_stage": c.to_stage, "cause": c.cause, "reason": c.reason}
                     for c in d.timeline],
        "last_week": adherence_dict(d.last_week) if d.last_week else None,
        "override": None if d.override is None else d.override.model_dump(mode="json"),
    }


def _block_dict(b: PlanBlock, library: Library) -> dict[str, Any]:
    def link(eid: str | None) -> dict[str, str] | None:
        if eid is None or eid not in library:
            return None
        return {"id": eid, "name": library.get(eid).name}

    return {
        "target": b.target_id, "label": b.label, "minutes": b.minutes, "short": b.short,
        "note": b.note, "extra_side": b.extra_side,
        "warning": HEEL_WARNING if any(i.exercise.category is Category.FOOT_RELEASE
                                       for i in b.items) else None,
        "before_run": None if b.before_run is None else {
            "date": b.before_run.date.isoformat(), "kind": b.before_run.kind.value,
            "title": b.before_run.title},
        "exercises": [
            {"id": i.exercise.id, "name": i.exercise.name, "dose": i.dose,
             "minutes": i.minutes, "how": list(i.exercise.how),
             "cautions": list(i.exercise.cautions), "why": i.exercise.why,
             "easier": link(i.exercise.easier), "harder": link(i.exercise.harder),
             "coach": i.coach}
            for i in b.items
        ],
    }


FREE_TIME_MISSING = ("No free time is set for any day of the week, so there is nothing to "
                     "plan yet. Give the minutes you can spare on the days that suit you, "
                     "and the plan fills them.")


def plan_missing(p: WeekPlan) -> list[dict[str, str]]:
    """What the person must still give before this week can hold any exercise: their weekly
    time when a plan could be made (no red flag, a stage) but no day has free minutes. An
    empty week then means "tell us your time", never a week of rest."""
    if p.refused is None and p.stage is not None and not any(d.available > 0 for d in p.days):
        return [{"what": "weekly_time", "message": FREE_TIME_MISSING}]
    return []


def plan_dict(p: WeekPlan, library: Library) -> dict[str, Any]:
    return {
        "person": p.person_id,
        "week_start": p.week_start.isoformat(),
        "stage": p.stage,
        "stage_name": p.stage_name,
        "dose_level": p.dose_level,
        "ok": p.ok,
        "refused": p.refused,
        "missing": plan_missing(p),
        "habits": list(p.habits),
        "notes": list(p.notes),
        "dose_factor": p.dose_factor,
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
        "coach_changes": [
            {"kind": s.change.kind.value, "exercise": s.change.exercise,
             "replacement": s.change.replacement, "since": s.change.date.isoformat(),
             "applied": s.applied, "reason": s.reason, "words": s.words,
             "note": s.change.note}
            for s in p.coach_changes
        ],
    }


# --- questionnaires ---------------------------------------------------------------------------


def instrument_dict(ins: Instrument, wording: Wording) -> dict[str, Any]:
    """An instrument's items and options, with the item texts ``wording`` shows."""
    return {
        "id": ins.id, "name": ins.name, "short": ins.short, "about": ins.about,
        "source": ins.source, "per_side": ins.per_side, "wording": wording.description,
        "items": [
            {"id": i.id, "text": wording.text(i), "text_source": wording.origin(i),
             "label": i.label, "required": i.required,
             "options": [{"id": o.id, "label": o.label, "score": o.score}
                         for o in i.options or ()]}
            for i in ins.items
        ],
        "scales": [
            {"id": sc.id, "label": sc.label, "method": sc.method,
             "items": sc.items or [i.id for i in ins.items], "min_answered": sc.min_answered,
             "range": list(sc.range), "unit": sc.unit, "source": sc.source,
             "higher_is_better": sc.higher_is_better,
             "mdc": None if sc.mdc is None else sc.mdc.model_dump(exclude_none=True),
             "mcid": None if sc.mcid is None else sc.mcid.model_dump(exclude_none=True),
             "note": sc.note}
            for sc in ins.scales
        ],
    }


SCALE_METRICS = {"cait": "cait_score", "faam_adl": "faam_adl", "faam_sports": "faam_sports",
                 "confidence": "confidence", "pain_24h": "pain_24h"}
"""Questionnaire scale -> the gate metric that reads it."""


def clearance_criterion(protocol: Protocol, scale: str) -> Criterion | None:
    """The clearance criterion that reads ``scale``, if the protocol has one."""
    metric = SCALE_METRICS.get(scale)
    return next((c for c in protocol.clearance_gate if c.metric == metric), None)


def score_dict(s: Score) -> dict[str, Any]:
    return {"date": s.date.isoformat(), "instrument": s.instrument, "scale": s.scale,
            "label": s.label, "side": s.side.value if s.side else None,
            "value": None if s.value is None else round(s.value, 2), "scorable": s.scorable,
            "answered": s.answered, "needed": s.needed, "items": s.items, "unit": s.unit,
            "value_text": s.value_text}


def change_dict(ch: Change, protocol: Protocol) -> dict[str, Any]:
    """A score with its change since the previous one, the judgement against MDC/MCID and,
    where the clearance checklist reads the scale, its threshold and whether it is met."""
    data = score_dict(ch.score)
    data.update({
        "previous": None if ch.previous is None else score_dict(ch.previous),
        "change": None if ch.change is None else round(ch.change, 2),
        "judgement": ch.judgement, "direction": ch.direction, "change_text": ch.text,
    })
    c = clearance_criterion(protocol, ch.score.scale)
    data["clearance"] = None if c is None else {
        "criterion": c.id, "op": c.op, "threshold": c.threshold, "source": c.source,
        "required": c.required,
        "met": None if ch.score.value is None else c.passes(ch.score.value)}
    return data
