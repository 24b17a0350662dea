"""The coach's client list: every client at a glance, the ones who need attention first.

It reads the decisions already stored for the coach's people (one query, no histories); only
a person whose stored decision is missing, older than ``today`` or from before the list
showed activity (:data:`anklet.services.evaluation.ACTIVITY_KEYS`) is re-decided, and that
decision is saved, so the list is never stale. The caller commits when
:attr:`Dashboard.refreshed` is not zero. Search, filters, sorting and pages work on those
rows in memory: 500 clients are one query and a few milliseconds of sorting.

Attention comes from the decision's flags (``anklet.domain.decisions.FlagKind``), most
urgent first: a red flag, a pain flare or step back, a screen still to do, missed sessions,
a re-test due, ready to advance. Each says why in plain words. Someone clear to train or
simply working through the stages needs nothing from the coach today.

Each client has exactly one status (:data:`STATUSES`). The engine can be "clear to train"
and flag "maintenance slipping" at once; the list then shows **Maintenance slipping**, with
"still clear to train" as a note: clearance, once earned, is not taken away by missed
routines (only pain, giving way or a red flag pause it), so "clear" tells the coach nothing
to do, while the slip is the thing to act on before it costs range or strength.
"""

from __future__ import annotations

import builtins
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from anklet.domain.errors import AnkletError
from anklet.domain.exercises import Library
from anklet.domain.protocol import Protocol
from anklet.services import evaluation
from anklet.store.accounts import Account, CoachedPerson
from anklet.store.uow import UnitOfWork

CALM = 9
"""Priority of a person who needs nothing from the coach."""

PAGE_SIZE = 50
"""Clients per page of the list."""


@dataclass(frozen=True, slots=True)
class Badge:
    kind: str
    label: str
    tone: str  # bad | warn | info | ok (the stylesheet's badge colours)
    priority: int
    title: str
    """Why, in plain words (shown under the badge, not only on hover)."""


_BADGES: dict[str, tuple[str, str, int, str]] = {
    # flag kind: (label, tone, priority, why)
    "red_flag": ("Red flag", "bad", 0, "Answered yes to a red-flag question: they should see "
                                       "a clinician before any exercise."),
    "pain_flare": ("Pain flare", "bad", 1, "Pain in a recent session went above the safe "
                                           "level."),
    "rising_pain": ("Rising pain", "bad", 1, "Pain during sessions has gone up week after "
                                             "week."),
    "range_loss": ("Range loss", "warn", 1, "Knee-to-wall got worse by more than the "
                                            "measuring error."),
    "not_settled": ("Pain not settled", "warn", 1, "Pain the morning after a session was "
                                                   "worse than before it."),
    "screen_needed": ("Screen needed", "warn", 2, "The red-flag screen is not done yet: "
                                                  "start with the assessment."),
    "missed_sessions": ("Missed sessions", "warn", 3, "Last week's targets were not kept."),
    "maintenance_slipping": ("Maintenance slipping", "warn", 3, "Last week's maintenance "
                                                               "routine was not kept."),
    "retest_due": ("Re-test due", "info", 4, "A test needed for the next stage is out of date "
                                             "or not done yet."),
    "ready_to_advance": ("Ready to advance", "ok", 5, "Every criterion for the next stage is "
                                                      "met: they move up on Monday."),
}
_STEP_BACK_DAYS = 7
"""How long a step back stays on the dashboard (the protocol's flare window is the same)."""

STATUSES: dict[str, str] = {
    # one status per client, in the order "sort by status" lists them
    "refer": "See a clinician first",
    "screen_needed": "Red-flag screen needed",
    "error": "Could not be evaluated",
    "slipping": "Maintenance slipping",
    "maintain_check": "Maintaining — re-check needed",
    "working": "Working through the stages",
    "clear": "Clear to train",
    "not_assessed": "Not assessed yet",
}

FLAGS: dict[str, tuple[str, frozenset[str]]] = {
    # filter value: (what the filter reads, the badge kinds it shows)
    "attention": ("Anything that needs attention", frozenset()),
    "red_flag": ("Red flag", frozenset({"red_flag"})),
    "pain": ("Pain or a step back", frozenset({"pain_flare", "rising_pain", "not_settled",
                                               "step_back", "range_loss"})),
    "screen_needed": ("Screen needed", frozenset({"screen_needed"})),
    "missed": ("Missed sessions", frozenset({"missed_sessions", "maintenance_slipping"})),
    "retest_due": ("Re-test due", frozenset({"retest_due"})),
    "ready_to_advance": ("Ready to advance", frozenset({"ready_to_advance"})),
    "no_sign_in": ("No sign-in yet", frozenset()),
}

SORTS: dict[str, str] = {
    "attention": "Attention first",
    "name": "Name",
    "status": "Status",
    "last_logged": "Longest since last logged",
    "adherence": "Lowest adherence last week",
}

STAGES: dict[str, str] = {"1": "Stage 1", "2": "Stage 2", "3": "Stage 3", "4": "Stage 4",
                          "none": "Not started"}


@dataclass(frozen=True, slots=True)
class ClientRow:
    key: str
    name: str
    stage: int | None
    stage_name: str | None
    status: str | None
    """The engine's status (``refer``, ``clear``...; None before any decision)."""
    status_text: str
    badges: tuple[Badge, ...]
    gate_met: int
    gate_total: int
    has_account: bool
    as_of: dt.date | None
    status_key: str = "not_assessed"
    """The one status the list shows (a key of :data:`STATUSES`)."""
    status_note: str | None = None
    last_logged: dt.date | None = None
    this_week_pct: int | None = None
    last_week_pct: int | None = None

    @property
    def priority(self) -> int:
        return min((b.priority for b in self.badges), default=CALM)

    @property
    def needs_attention(self) -> bool:
        return self.priority < CALM

    def days_since_logged(self, today: dt.date) -> int | None:
        return None if self.last_logged is None else (today - self.last_logged).days

    def last_logged_text(self, today: dt.date) -> str:
        days = self.days_since_logged(today)
        if days is None:
            return "Nothing logged yet"
        if days <= 0:
            return "Logged today"
        if days == 1:
            return "Logged yesterday"
        return f"Logged {days} days ago"


@dataclass(frozen=True, slots=True)
class Query:
    """What the coach asked of the list (``?q=&status=&stage=&flag=&sort=&page=``)."""

    q: str = ""
    status: str = ""
    stage: str = ""
    flag: str = ""
    sort: str = "attention"
    page: int = 1

    def link(self, **changes: Any) -> str:
        """This list's address with ``changes`` (a filter or sort change goes back to page
        1); only what differs from the defaults is written."""
        if "page" not in changes:
            changes["page"] = 1
        q = replace(self, **changes)
        params = {k: v for k, v in (("q", q.q), ("status", q.status), ("stage", q.stage),
                                    ("flag", q.flag), ("sort", q.sort), ("page", q.page))
                  if v and (k, v) not in (("sort", "attention"), ("page", 1))}
        return "/coach" + (f"?{urlencode(params)}" if params else "")

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.status or self.stage or self.flag)


_QUERY_MAX = 120


def read_query(params: Mapping[str, str]) -> tuple[Query, dict[str, str]]:
    """The query from the address, and an error per field that could not be used (that
    field is then left out, so the list still shows)."""
    errors: dict[str, str] = {}

    def pick(name: str, choices: Mapping[str, object], default: str = "") -> str:
        value = (params.get(name) or "").strip()
        if not value or value in choices:
            return value or default
        errors[name] = (f"{name} “{value[:40]}” is not one of the choices: "
                        f"{', '.join(choices)}.")
        return default

    q = (params.get("q") or "").strip()
    if len(q) > _QUERY_MAX:
        errors["q"] = f"The search is {len(q)} characters long; at most {_QUERY_MAX} are read."
        q = q[:_QUERY_MAX]
    if any(ord(c) < 32 for c in q):
        errors["q"] = "The search has control characters; type a name or part of one."
        q = "".join(c for c in q if ord(c) >= 32)
    page_text = (params.get("page") or "1").strip()
    page = int(page_text) if page_text.isdigit() and len(page_text) < 7 else 0
    if page < 1:
        errors["page"] = f"page “{page_text[:20]}” is not a page number: use 1, 2, 3…"
        page = 1
    return Query(q=q, status=pick("status", STATUSES), stage=pick("stage", STAGES),
                 flag=pick("flag", FLAGS), sort=pick("sort", SORTS, "attention"),
                 page=page), errors


@dataclass(frozen=True, slots=True)
class Dashboard:
    rows: tuple[ClientRow, ...]
    """The rows of this page, in the order asked for."""
    refreshed: int
    """How many decisions were re-made and saved (the caller commits if any)."""
    total: int = 0
    """All of the coach's clients."""
    attention: int = 0
    """How many of all the clients need attention."""
    matched: int = 0
    """How many clients the search and filters keep (over every page)."""
    query: Query = field(default_factory=Query)
    pages: int = 1

    @property
    def first(self) -> int:
        """The number of this page's first row (1-based; 0 when the page is empty)."""
        return (self.query.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def _day(d: object) -> str:
    try:
        day = dt.date.fromisoformat(str(d))
    except ValueError:
        return ""
    return f"{day:%a} {day.day} {day:%b}"


def badges(status: str | None, summary: dict[str, Any] | None,
           today: dt.date | None = None) -> tuple[Badge, ...]:
    """The attention badges of a stored decision, most urgent first, each with why."""
    summary = summary or {}
    kinds = set(summary.get("flags") or ())
    if status == "refer":
        kinds.add("red_flag")
    out = [_why(_STATIC[k], summary) for k in kinds if k in _STATIC]
    change = summary.get("last_change")
    if (isinstance(change, dict) and change.get("kind") == "step_back"
            and today is not None and _recent(change.get("date"), today)):
        to = change.get("to_stage")
        out.append(Badge("step_back", f"Stepped back to stage {to}", "bad", 1,
                         f"Moved back to the easier stage {to} on {_day(change.get('date'))} "
                         f"after pain or lost range."))
    if len(out) > 1:
        out.sort(key=lambda b: (b.priority, b.label))
    return tuple(out)


_STATIC = {k: Badge(k, *v) for k, v in _BADGES.items()}
"""The badges whose reason has no number in it, made once (a list of 500 reuses them)."""


def _why(b: Badge, summary: dict[str, Any]) -> Badge:
    """The badge with its reason, and the numbers the stored summary has."""
    pct = summary.get("last_week_pct")
    if b.kind in ("missed_sessions", "maintenance_slipping") and isinstance(pct, int):
        what = "maintenance routine" if b.kind == "maintenance_slipping" else "targets"
        return replace(b, title=f"Kept {pct} % of last week's {what}.")
    total = summary.get("gate_total")
    if b.kind == "ready_to_advance" and isinstance(total, int) and total:
        return replace(b, title=f"Meets all {total} criteria for the next stage: they move "
                                f"up on Monday.")
    return b


def _recent(date: object, today: dt.date) -> bool:
    try:
        d = dt.date.fromisoformat(str(date))
    except ValueError:
        return False
    return 0 <= (today - d).days < _STEP_BACK_DAYS


def _status(status: str | None, flags: set[str]) -> tuple[str, str | None]:
    """The one status the list shows, and a note when a second one matters (see the
    module's docstring)."""
    if status is None:
        return "not_assessed", None
    if status == "clear" and "maintenance_slipping" in flags:
        return "slipping", "Still clear to train: missed routines do not take that away."
    if status in STATUSES:
        return status, None
    return "working", None


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _pct(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _row(p: CoachedPerson, today: dt.date) -> ClientRow:
    s = p.summary or {}
    key, note = _status(p.status, set(s.get("flags") or ()))
    return ClientRow(
        key=p.key, name=p.name, stage=p.stage,
        stage_name=s.get("stage_name") if isinstance(s.get("stage_name"), str) else None,
        status=p.status, status_text=STATUSES[key],
        badges=badges(p.status, s, today),
        gate_met=int(s.get("gate_met") or 0), gate_total=int(s.get("gate_total") or 0),
        has_account=p.has_account, as_of=p.as_of, status_key=key, status_note=note,
        last_logged=_date(s.get("last_logged")), this_week_pct=_pct(s.get("this_week_pct")),
        last_week_pct=_pct(s.get("last_week_pct")))


def _failed(p: CoachedPerson, e: AnkletError) -> ClientRow:
    return ClientRow(key=p.key, name=p.name, stage=p.stage, stage_name=None, status=None,
                     status_text=STATUSES["error"],
                     badges=(Badge("error", "Check the record", "bad", 1, str(e)),),
                     gate_met=0, gate_total=0, has_account=p.has_account, as_of=p.as_of,
                     status_key="error")


def stale(p: CoachedPerson, today: dt.date) -> bool:
    """The stored decision is missing, was made for an earlier day, or is from before the
    list showed activity."""
    return (p.as_of is None or p.summary is None or p.as_of < today
            or any(k not in p.summary for k in evaluation.ACTIVITY_KEYS))


def _matches(r: ClientRow, q: Query) -> bool:
    if q.q and q.q.casefold() not in r.name.casefold():
        return False
    if q.status and r.status_key != q.status:
        return False
    if q.stage and (str(r.stage) if r.stage else "none") != q.stage:
        return False
    if q.flag == "attention":
        return r.needs_attention
    if q.flag == "no_sign_in":
        return not r.has_account
    if q.flag:
        return any(b.kind in FLAGS[q.flag][1] for b in r.badges)
    return True


_STATUS_ORDER = {k: i for i, k in enumerate(STATUSES)}


def _sort_key(sort: str, today: dt.date) -> Any:
    def name(r: ClientRow) -> tuple[str, str]:
        return r.name.casefold(), r.key

    if sort == "name":
        return name
    if sort == "status":
        return lambda r: (_STATUS_ORDER[r.status_key], r.priority, *name(r))
    if sort == "last_logged":  # never logged first, then the longest ago
        return lambda r: (r.last_logged is not None, r.last_logged or today, *name(r))
    if sort == "adherence":  # the lowest first; no figure (not started) last
        return lambda r: (r.last_week_pct is None, r.last_week_pct or 0,
                          r.this_week_pct or 0, *name(r))
    return lambda r: (r.priority, *name(r))


def get(uow: UnitOfWork, *, coach: Account, protocol: Protocol, library: Library,
        today: dt.date | None = None, query: Query | None = None) -> Dashboard:
    """One page of the coach's clients with their badges, as ``query`` asks (by default
    those needing attention first, then by name, the first page)."""
    today = today or dt.date.today()
    query = query or Query()
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
                                       d.as_of, ev.summary, p.has_account), today))
    kept = sorted((r for r in rows if _matches(r, query)), key=_sort_key(query.sort, today))
    pages = max(1, math.ceil(len(kept) / PAGE_SIZE))
    if query.page > pages:
        query = replace(query, page=pages)
    start = (query.page - 1) * PAGE_SIZE
    return Dashboard(tuple(kept[start:start + PAGE_SIZE]), refreshed, total=len(rows),
                     attention=sum(r.needs_attention for r in rows), matched=len(kept),
                     query=query, pages=pages)


__all__ = ["CALM", "FLAGS", "PAGE_SIZE", "SORTS", "STAGES", "STATUSES", "Badge", "ClientRow",
           "Dashboard", "Query", "badges", "get", "read_query", "stale"]
