"""``summarize`` leaves out work a summary does not show; it must never change the summary.

Every case compares it with the summary of the whole decision, with and without the
clearance checklist, on the demo cast (which walks people through every stage, flares,
red flags, clearance and maintenance) and a cleared person whose clearance is paused, day by
day, and on random changes of them.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anklet.domain.decisions import DecisionSummary, decide, start_date, summarize
from anklet.domain.exercises import load_library
from anklet.domain.history import History, Override
from anklet.domain.protocol import load_protocol
from anklet.services.demo import people
from factories import full_history, minimal_history, with_library_ids

TODAY = dt.date(2026, 11, 24)
P, L = load_protocol(), load_library()
CAST = people(TODAY, P, L)


def _paused(h: History) -> History:
    """``h``, cleared to train, with one session at 4/10 two weeks into maintenance: above
    the safe level, so clearance is paused ("maintain_check") until the checklist passes
    again. The demo's cleared person stays clear (out-of-date tests are reminders), so this
    walk is the one that reaches a paused clearance."""
    d = decide(h, protocol=P, library=L, as_of=TODAY)
    assert (d.stage, d.status) == (4, "clear")
    assert d.stage_since is not None
    when = d.stage_since + dt.timedelta(days=14)
    assert any(s.date == when for s in h.sessions)
    return h.model_copy(update={
        "person": h.person.model_copy(update={"id": f"{h.person.id}-paused"}),
        "sessions": [s.model_copy(update={"pain_during": 4}) if s.date == when else s
                     for s in h.sessions]})


WALKS = [*CAST, _paused(next(h for h in CAST if h.person.id == "demo-cleared"))]
"""The demo cast and one cleared person whose clearance is paused."""


def _same(h: History, as_of: dt.date) -> DecisionSummary:
    got = summarize(h, protocol=P, library=L, as_of=as_of)
    for with_clearance in (False, True):
        d = decide(h, protocol=P, library=L, as_of=as_of, with_clearance=with_clearance)
        assert got == DecisionSummary.of(d), (h.person.id, as_of, with_clearance)
    return got


@pytest.mark.parametrize("h", WALKS, ids=lambda h: h.person.id)
def test_the_summary_is_the_decisions_on_every_day_of_the_demo(h: History) -> None:
    start = start_date(h)
    assert start is not None
    seen = set()
    for k in range(-3, (TODAY - start).days + 15):
        got = _same(h, start + dt.timedelta(days=k))
        seen.add((got.stage, got.status, got.last_change and got.last_change.kind))
    assert len(seen) > 1  # the walk went somewhere


def test_the_demo_walks_cover_what_a_summary_holds() -> None:
    """Every status and stage, each kind of change and most kinds of flag turn up above."""
    found = [summarize(h, protocol=P, library=L, as_of=start + dt.timedelta(days=k))
             for h in WALKS for start in (start_date(h),) if start is not None
             for k in range(-3, (TODAY - start).days + 15)]
    assert {s.status for s in found} == {"refer", "screen_needed", "working", "clear",
                                         "maintain_check"}
    assert {s.stage for s in found} == {None, 1, 2, 3, 4}
    assert {s.last_change.kind for s in found if s.last_change} >= {
        "advance", "step_back", "reduce_dose"}
    assert set().union(*(s.flags for s in found)) >= {
        "red_flag", "screen_needed", "pain_flare", "hold", "missed_sessions",
        "maintenance_slipping", "ready_to_advance", "clear_to_train"}


@pytest.mark.parametrize("h", [with_library_ids(full_history("ada")), minimal_history("bo")],
                         ids=["full", "minimal"])
def test_the_summary_is_the_decisions_for_the_factory_histories(h: History) -> None:
    for k in range(-1, 40, 3):
        _same(h, dt.date(2026, 1, 5) + dt.timedelta(days=k))


def test_the_summary_of_an_advance_leaves_its_checklist_out() -> None:
    d = next(d for h in CAST
             for d in (decide(h, protocol=P, library=L, as_of=TODAY),)
             if d.timeline[-1].kind == "advance")
    s = DecisionSummary.of(d)
    assert s.last_change is not None
    assert s.last_change.criteria == ()
    assert d.timeline[-1].criteria  # the decision keeps its checklist


def _perturbed(h: History, rng: random.Random) -> History:
    """``h`` with some sessions dropped, some made painful or unsettled, some tests dropped
    and perhaps a coach's override: other paths through the same rules."""
    sessions = []
    for s in h.sessions:
        r = rng.random()
        if r < 0.1:
            continue
        if r < 0.2:
            s = s.model_copy(update={"pain_during": rng.randrange(3, 9)})
        elif r < 0.3:
            s = s.model_copy(update={"pain_next_morning": rng.randrange(2, 8)})
        sessions.append(s)
    measurements = [m for m in h.measurements if rng.random() > 0.15]
    overrides = list(h.overrides)
    start = start_date(h)
    if start is not None and rng.random() < 0.3:
        overrides.append(Override(date=start + dt.timedelta(days=rng.randrange(70)),
                                  stage=rng.randrange(1, 5), reason="Seen in clinic.", by="c"))
    return h.model_copy(update={"sessions": sessions, "measurements": measurements,
                                "overrides": sorted(overrides, key=lambda o: o.date)})


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_summary_is_the_decisions_for_changed_histories(seed: int) -> None:
    rng = random.Random(seed)
    h = _perturbed(rng.choice(CAST), rng)
    start = start_date(h)
    assert start is not None
    for _ in range(3):
        _same(h, start + dt.timedelta(days=rng.randrange(-2, (TODAY - start).days + 10)))
