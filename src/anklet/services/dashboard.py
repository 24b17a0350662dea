"""The coach's dashboard: every client at a glance, the ones who need attention first.

It reads the decisions already stored for the coach's people (one query, no histories); only
a person whose stored decision is missing or older than ``today`` is re-decided, and that
decision is saved, so the list is never stale. The caller commits when
:attr:`Dashboard.refreshed` is not zero.

Attention comes from the decision's flags (``anklet.domain.decisions.FlagKind``), most
urgent first: a red flag, a pain flare or step back, a screen still to do, missed sessions,
a re-test due, ready to advance. Someone clear to train or simply working through the stages
needs nothing from the coach today.
"""

from __future__ import annotations

import builtins
import datetime as dt
from dataclasses import dataclass
from typing import Any

from anklet.domain.decisions import STATUS_TEXT
from anklet.domain.errors import AnkletError
from anklet.domain.exercises import Library
from anklet.domain.protocol import Protocol
from anklet.services import evaluation
from anklet.store.accounts import Account, CoachedPerson
from anklet.store.uow import UnitOfWork

CALM = 9
"""Priority of a person who needs nothing from the coach."""


@dataclass(frozen=True, slots=True)
class Badge:
    kind: str
    label: str
    tone: str  # bad | warn | info | ok (the stylesheet's badge colours)
    priority: int
    title: str


_BADGES: dict[str, tuple[str, str, int, str]] = {
    # flag kind: (label, tone, priority, what it means)
    "red_flag": ("Red flag", "bad", 0, "A red-flag question was answered yes: see a clinician "
                                       "before any exercise."),
    "pain_flare": ("Pain flare", "bad", 1, "Pain went above the acceptable level in a session."),
    "rising_pain": ("Rising pain", "bad", 1, "Session pain has risen week after week."),
    "range_loss": ("Range loss", "warn", 1, "Knee-to-wall fell by more than its measurement "
                                            "error."),
    "not_settled": ("Pain not settled", "warn", 1, "Pain the next morning was higher than "
                                                   "before the session."),
    "screen_needed": ("Screen needed", "warn", 2, "No complete red-flag screen yet: run the "
                                                  "assessment."),
    "missed_sessions": ("Missed sessions", "warn", 3, "Last week's targets were not kept."),
    "maintenance_slipping": ("Maintenance slipping", "warn", 3, "Last week's maintenance "
                                                               "routine was not kept."),
    "retest_due": ("Re-test due", "info", 4, "A test needed for the next stage is too old or "
                                             "was never done."),
    "ready_to_advance": ("Ready to advance", "ok", 5, "Every criterion for the next stage is "
                                                      "met."),
    "clear_to_train": ("Clear to train", "ok", CALM, "Every clearance criterion is met."),
    "override": ("Stage set by coach", "info", CALM, "The stage was set by hand, with a "
                                                     "written reason."),
}
_STEP_BACK_DAYS = 7
"""How long a step back stays on the dashboard (the protocol's flare window is the same)."""


@dataclass(frozen=True, slots=True)
class ClientRow:
    key: str
    name: str
    stage: int | None
    stage_name: str | None
    status: str | None
    status_text: str
    badges: tuple[Badge, ...]
    gate_met: int
    gate_total: int
    has_account: bool
    as_of: dt.date | None

    @property
    def priority(self) -> int:
        return min((b.priority for b in self.badges), default=CALM)

    @property
    def needs_attention(self) -> bool:
        return self.priority < CALM


@dataclass(frozen=True, slots=True)
class Dashboard:
    rows: tuple[ClientRow, ...]
    refreshed: int
    """How many decisions were re-made and saved (the caller commits if any)."""

    @property
    def attention(self) -> int:
        return sum(r.needs_attention for r in self.rows)


def badges(status: str | None, summary: dict[str, Any] | None,
           today: dt.date | None = None) -> tuple[Badge, ...]:
    """The attention badges of a stored decision, most urgent first."""
    summary = summary or {}
    kinds = set(summary.get("flags") or ())
    if status == "refer":
        kinds.add("red_flag")
    out = [Badge(k, *_BADGES[k]) for k in kinds if k in _BADGES]
    change = summary.get("last_change")
    if (isinstance(change, dict) and change.get("kind") == "step_back"
            and today is not None and _recent(change.get("date"), today)):
        out.append(Badge("step_back", f"Stepped back to stage {change.get('to_stage')}", "bad",
                         1, "The last change was a step back to an easier stage."))
    return tuple(sorted(out, key=lambda b: (b.priority, b.label)))


def _recent(date: object, today: dt.date) -> bool:
    try:
        d = dt.date.fromisoformat(str(date))
    except ValueError:
        return False
    return 0 <= (today - d).days < _STEP_BACK_DAYS


def _row(p: CoachedPerson, today: dt.date) -> ClientRow:
    s = p.summary or {}
    return ClientRow(
        key=p.key, name=p.name, stage=p.stage,
        stage_name=s.get("stage_name") if isinstance(s.get("stage_name"), str) else None,
        status=p.status,
        status_text=STATUS_TEXT.get(p.status or "", "Not assessed yet"),
        badges=badges(p.status, s, today),
        gate_met=int(s.get("gate_met") or 0), gate_total=int(s.get("gate_total") or 0),
        has_account=p.has_account, as_of=p.as_of)


def _failed(p: CoachedPerson, e: AnkletError) -> ClientRow:
    return ClientRow(key=p.key, name=p.name, stage=p.stage, stage_name=None, status=None,
                     status_text="Could not be evaluated",
                     badges=(Badge("error", "Check the record", "bad", 1, str(e)),),
                     gate_met=0, gate_total=0, has_account=p.has_account, as_of=p.as_of)


def stale(p: CoachedPerson, today: dt.date) -> bool:
    """The stored decision is missing or was made for an earlier day."""
    return p.as_of is None or p.summary is None or p.as_of < today


def get(uow: UnitOfWork, *, coach: Account, protocol: Protocol, library: Library,
        today: dt.date | None = None) -> Dashboard:
    """The coach's clients with their badges, those needing attention first, then by name."""
    today = today or dt.date.today()
    rows: builtins.list[ClientRow] = []
    refreshed = 0
    for p in uow.accounts.coached(coach.id):
        if not stale(p, today):
            rows.append(_row(p, today))
            continue
        try:
            with uow.savepoint():
                ev = evaluation.refresh(uow, key=p.key, protocol=protocol, library=library,
                                        as_of=today)
        except AnkletError as e:  # a record the engine refuses: show it, keep the list
            rows.append(_failed(p, e))
            continue
        d = ev.decision
        refreshed += 1
        rows.append(_row(CoachedPerson(p.key, p.name, d.stage, d.status, d.clear_to_train,
                                       d.as_of, evaluation.summary(d), p.has_account), today))
    rows.sort(key=lambda r: (r.priority, r.name.casefold(), r.key))
    return Dashboard(tuple(rows), refreshed)
