"""Decisions and plans for stored people, one at a time or all at once."""

from __future__ import annotations

import datetime as dt
import queue
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from anklet.domain.adherence import Adherence, index_days, week_adherence, week_pct
from anklet.domain.decisions import (
    Decision,
    DecisionSummary,
    decide,
    summarize,
    validate_references,
)
from anklet.domain.exercises import Library
from anklet.domain.feasibility import allowance
from anklet.domain.history import History, check_day
from anklet.domain.planner import WeekPlan, plan_week
from anklet.domain.protocol import Protocol, Stage
from anklet.domain.runs import key_run_dates
from anklet.store.db import make_engine
from anklet.store.repository import StoredDecision, gc_paused
from anklet.store.uow import UnitOfWork

if TYPE_CHECKING:  # the process pool is imported when a batch runs in parallel
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext


@dataclass(frozen=True)
class Evaluation:
    history: History
    decision: Decision
    plan: WeekPlan


def evaluate(*, history: History, protocol: Protocol, library: Library,
             as_of: dt.date | None = None, week_start: dt.date | None = None,
             source: str = "history") -> Evaluation:
    """Decision and week plan for a history that need not be stored."""
    check_day("as_of", as_of)
    check_day("week", week_start)
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
        before = uow.people.get_decision(key)
        kept = summary(d, activity(history, d, protocol, library, d.as_of))
        uow.people.save_decision(key, as_of=d.as_of, stage=d.stage, status=d.status,
                                 clear_to_train=d.clear_to_train, summary=kept)
        _alert(uow, key, history, d, before, kept)
    return ev


def _alert(uow: UnitOfWork, key: str, history: History, d: Decision,
           before: StoredDecision | None, kept: dict[str, object]) -> None:
    """Queue the coach's alert emails for what turned for the worse (services.alerts)."""
    from anklet.services import alerts

    alerts.queue_for_change(uow, key=key, name=history.person.name, before=before,
                            status=d.status, as_of=d.as_of, summary=kept,
                            texts=alerts.texts_of(d))


def refresh(uow: UnitOfWork, *, key: str, protocol: Protocol, library: Library,
            as_of: dt.date | None = None, with_clearance: bool = False) -> Refreshed:
    """Re-decide a stored person after a change and store the decision's summary.

    For writes that answer with a redirect or a short reply: the decision is made as the
    nightly re-evaluation makes it (no week plan, no clearance checklist: the summary the
    lists keep needs neither), which is a third of the work of :func:`get` after the load.
    ``with_clearance``: the decision with its clearance checklist, as :func:`get` makes it,
    still without the week plan (``anklet status`` shows the one, not the other).
    """
    check_day("as_of", as_of)
    history = uow.people.get(key)
    validate_references(history, protocol, library)
    d = decide(history, protocol=protocol, library=library, as_of=as_of,
               with_clearance=with_clearance)
    kept = summary(d, activity(history, d, protocol, library, d.as_of))
    before = uow.people.get_decision(key)
    uow.people.save_decision(key, as_of=d.as_of, stage=d.stage, status=d.status,
                             clear_to_train=d.clear_to_train, summary=kept)
    _alert(uow, key, history, d, before, kept)
    return Refreshed(history, d, kept)


@dataclass(frozen=True)
class Refreshed:
    history: History
    decision: Decision
    summary: dict[str, object] = field(default_factory=dict)
    """What was stored for the lists (:func:`summary` with :func:`activity`)."""


def activity(history: History, d: Decision | DecisionSummary, protocol: Protocol,
             library: Library, as_of: dt.date) -> dict[str, object]:
    """What the client list shows beside a decision: the last day a session was logged and
    the share of the targets kept this week so far and last week (0–100, whole numbers;
    None before the first stage, for a week over before it began, and while nothing is
    prescribed: a red flag or a screen to finish). Each week is counted against the stage
    of its Monday, the way the decision counts last week for "missed sessions"."""
    last = max((s.date for s in history.sessions if s.date <= as_of), default=None)
    out: dict[str, object] = {"last_logged": last.isoformat() if last else None,
                              "this_week_pct": None, "last_week_pct": None}
    if d.stage is None or d.status in ("refer", "screen_needed"):
        return out
    b = d if isinstance(d, DecisionSummary) else DecisionSummary.of(d)
    this_monday = as_of - dt.timedelta(days=as_of.weekday())
    last_monday = this_monday - dt.timedelta(days=7)
    days = index_days([s for s in history.sessions if last_monday <= s.date <= as_of],
                      library)
    recorded = (key_run_dates(history.recorded_activities, protocol.runs)
                if any(last_monday <= a.date <= as_of for a in history.recorded_activities)
                else frozenset())
    minutes = history.availability.minutes()
    for name, monday in (("this_week_pct", this_monday), ("last_week_pct", last_monday)):
        number = d.stage
        ch = b.last_change
        if b.stage_since is not None and monday < b.stage_since:
            if ch is None or ch.date != b.stage_since:  # a week before the first stage
                if monday + dt.timedelta(days=6) < b.stage_since:
                    continue  # nothing was asked of them yet: no figure
            else:
                number = ch.from_stage or d.stage  # the stage before the latest change
        st = protocol.stage(number)
        out[name] = round(week_pct(st, days, history.planned_runs, monday, recorded,
                                   allowed=_allowance(st, minutes, library)))
    return out


_ALLOWED: dict[tuple[int, int, tuple[int, ...]], tuple[object, object, dict[str, int] | None]]
_ALLOWED = {}


def _allowance(st: Stage, minutes: tuple[int, ...], library: Library) -> dict[str, int] | None:
    """:func:`allowance`, remembered: most people share a stage and a weekly time, and
    working out what a week can hold was two thirds of :func:`activity` for a batch."""
    key = (id(st), id(library), minutes)
    found = _ALLOWED.get(key)
    if found is not None and found[0] is st and found[1] is library:
        return found[2]
    if len(_ALLOWED) > 4096:
        _ALLOWED.clear()
    result = allowance(st, minutes, library)
    _ALLOWED[key] = (st, library, result)
    return result


ACTIVITY_KEYS = ("last_logged", "this_week_pct", "last_week_pct")
"""The keys :func:`activity` adds to a stored summary (one without them is from before)."""


def summary(d: Decision | DecisionSummary,
            activity: dict[str, object] | None = None) -> dict[str, object]:
    """The small part of a decision kept in the database for lists and dashboards, with
    ``activity`` (:func:`activity`) where the history is at hand."""
    b = d if isinstance(d, DecisionSummary) else DecisionSummary.of(d)
    # the latest change (None if the person is still where they started): the dashboard
    # shows a recent step back
    ch = b.last_change
    return {
        "stage_name": b.stage_name,
        "stage_since": b.stage_since.isoformat() if b.stage_since else None,
        "flags": sorted(b.flags),
        "gate_met": b.gate_met,
        "gate_total": b.gate_total,  # gate_met counts these
        "last_change": None if ch is None else {
            "date": ch.date.isoformat(), "kind": ch.kind, "from_stage": ch.from_stage,
            "to_stage": ch.to_stage, "cause": ch.cause},
        **(activity or {}),
    }


def adherence(uow: UnitOfWork, *, key: str, protocol: Protocol, library: Library,
              week_start: dt.date, as_of: dt.date | None = None) -> tuple[Decision, Adherence]:
    """Adherence to the current stage's targets for the week starting ``week_start``."""
    check_day("week", week_start)
    check_day("as_of", as_of)
    history = uow.people.get(key)
    validate_references(history, protocol, library)
    d = decide(history, protocol=protocol, library=library,
               as_of=as_of or week_start + dt.timedelta(days=6))
    stage = protocol.stage(d.stage or 1)
    return d, week_adherence(stage, index_days(history.sessions, library),
                             history.planned_runs, week_start,
                             key_run_dates(history.recorded_activities, protocol.runs),
                             allowed=allowance(stage, history.availability.minutes(), library))


def _row(h: History, protocol: Protocol, library: Library, as_of: dt.date) -> dict[str, object]:
    d = summarize(h, protocol=protocol, library=library, as_of=as_of)
    return {"key": h.person.id, "as_of": as_of, "stage": d.stage, "status": d.status,
            "clear_to_train": d.clear_to_train,
            "summary": summary(d, activity(h, d, protocol, library, as_of))}


def reevaluate_all(uow: UnitOfWork, *, protocol: Protocol, library: Library,
                   as_of: dt.date | None = None, batch_size: int = 500,
                   workers: int = 1) -> int:
    """Re-decide everyone in batches and store each decision; returns how many.

    With ``workers`` > 1, batches are read and decided by that many processes (this one and
    ``workers - 1`` others, each on its own connection); the decisions are all written here,
    in this unit of work's transaction. (Batches of 500 rather than 1000: a batch's memory is
    handed back to the system when it is freed, and faulting it in again cost twice as much
    system time for bigger batches; and at the end the processes wait less for each other.)
    """
    as_of = as_of or dt.date.today()
    ranges = uow.people.id_ranges(batch_size)
    if workers > 1 and len(ranges) > 1:
        pieces = uow.people.id_ranges(max(1, batch_size // _PIECES))
        return _reevaluate_in_parallel(uow, pieces, min(workers, len(ranges)), protocol,
                                       library, as_of)
    n = 0
    for bounds in ranges:
        rows = _decide_batch(uow, bounds, protocol, library, as_of)
        uow.people.save_decisions(rows)
        n += len(rows)
    return n


def _decide_batch(uow: UnitOfWork, bounds: tuple[int, int], protocol: Protocol,
                  library: Library, as_of: dt.date) -> list[dict[str, object]]:
    """The decision rows of the people whose internal ids are in ``bounds``."""
    # The cyclic garbage collector is held off for the whole batch: loading and deciding
    # make no reference cycles, and with a thousand histories alive every collection would
    # walk all of them again. The histories are freed before it comes back on.
    with gc_paused():
        histories = uow.people.histories_between(*bounds)
        rows = [_row(h, protocol, library, as_of) for h in histories]
        del histories
    return rows


_Rows = list[dict[str, object]]

_PIECES = 5
"""In parallel, a batch is made of this many pieces, and the last batches of fewer."""


def _reevaluate_in_parallel(uow: UnitOfWork, pieces: list[tuple[int, int]], processes: int,
                            protocol: Protocol, library: Library, as_of: dt.date) -> int:
    """Decide the batches in ``processes`` processes: this one and worker processes take
    the next batch of ``pieces`` (id ranges, in order) until none is left; this one writes
    every decision.

    Starting the workers takes a while the first time (the fork server loads the engine,
    half a second), so a helper thread starts and feeds them while this process gets on with
    its first batch. It gives each worker one batch at a time and hands back finished ones:
    a worker holding more when none is left would keep this process waiting at the end.
    """
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    url = uow.engine.url.render_as_string(hide_password=False)
    todo = deque(pieces)
    taking = threading.Lock()
    finished: queue.SimpleQueue[Future[_Rows] | None] = queue.SimpleQueue()
    stop = threading.Event()
    n = 0

    def take() -> tuple[int, int] | None:
        """The next batch: whole ones first, then smaller as the end nears, down to one
        piece, so that the processes finish within a short batch of each other."""
        with taking:
            if not todo:
                return None
            first, last = todo.popleft()
            for _ in range(min(_PIECES, max(1, len(todo) // (2 * processes))) - 1):
                last = todo.popleft()[1]
            return first, last

    def save(rows: _Rows) -> None:
        nonlocal n
        uow.people.save_decisions(rows)
        n += len(rows)

    with ProcessPoolExecutor(processes - 1, mp_context=_worker_context(),
                             initializer=_worker_init,
                             initargs=(url, protocol, library, as_of)) as pool:
        def feed() -> None:
            running: set[Future[_Rows]] = set()
            try:
                while not stop.is_set():
                    while len(running) < processes - 1 and not stop.is_set():
                        if (bounds := take()) is None:
                            break
                        running.add(pool.submit(_worker_batch, bounds))
                    if not running:
                        break
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    for f in done:
                        finished.put(f)
            except BaseException as e:  # handed over, to be raised in this process's thread
                failed: Future[_Rows] = Future()
                failed.set_exception(e)
                finished.put(failed)
            finally:
                finished.put(None)

        fed = False  # the feeder is done: every worker batch is in ``finished``

        def collect(*, block: bool) -> None:
            nonlocal fed
            while not fed and (block or not finished.empty()):
                if (f := finished.get()) is None:
                    fed = True
                else:
                    save(f.result())

        feeder = threading.Thread(target=feed, name="reevaluate-feeder", daemon=True)
        feeder.start()
        # A finished batch reaches the feeder, and the next one its worker, through three
        # threads of this process, each waiting for the interpreter lock while this thread
        # decides: at the default 5 ms switch interval a worker sat idle 30-50 ms per batch.
        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(0.0005)
        try:
            while (bounds := take()) is not None:
                save(_decide_batch(uow, bounds, protocol, library, as_of))
                collect(block=False)
            collect(block=True)
        finally:
            sys.setswitchinterval(switch_interval)
            stop.set()
            feeder.join()
            pool.shutdown(cancel_futures=True)  # whatever is still queued after a failure
    return n


def _worker_context() -> BaseContext:
    import multiprocessing as mp

    # not "fork": a forked child would share (and, exiting, close) this process's database
    # connections
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    context = mp.get_context(method)
    if method == "forkserver":
        # Workers fork from one server process, started once per process. Loading this
        # module there first lets each worker start in milliseconds instead of importing
        # everything again (half a second each): "__main__", the default, is not loaded
        # there on Python 3.11.
        context.set_forkserver_preload(["__main__", __name__])
    return context


_WORKER: dict[str, Any] = {}


def _worker_init(url: str, protocol: Protocol, library: Library, as_of: dt.date) -> None:
    """Runs once in each worker process: its own engine, the rules and the date."""
    _WORKER.update(engine=make_engine(url), protocol=protocol, library=library, as_of=as_of)


def _worker_batch(bounds: tuple[int, int]) -> _Rows:
    w = _WORKER
    with UnitOfWork(w["engine"], write=False) as uow:  # reads only, beside the writer
        return _decide_batch(uow, bounds, w["protocol"], w["library"], w["as_of"])
