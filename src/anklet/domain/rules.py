"""The decision's rules, one small named function each, like a linter's checks.

The replay in :mod:`anklet.domain.decisions` walks a person's history checkpoint by
checkpoint and asks every rule in :data:`CHECKPOINT_RULES` what it finds there: a step back
to the stage before, a dose cut, or nothing. At the decision's date it asks the rules in
:data:`STANDING_RULES` for what they flag (a clearance paused, a clinician suggested).
Each rule reads its numbers from the protocol file and says why in words and numbers. A new
rule is one function here, one entry in its table, and one test.

Rules (id: what it finds):

- ``pain_flare``: session pain above the acceptable level; two within the flare window step
  back a stage, one cuts the dose (Silbernagel2007's pain-monitoring model).
- ``not_settled``: pain the next morning higher than before the session: cut the dose.
- ``rising_pain``: weekly average session pain rising week over week and above the safe
  level: step back (cut the dose in stage 1).
- ``range_loss``: a knee-to-wall distance or lunge angle that fell by more than the test's
  same-rater measurement error within the look-back window (Powden2015): step back from
  stage 3 or 4, cut the dose before.
- ``clearance_pause``: after clearance, only pain above the clearance threshold, the ankle
  giving way, or a red flag pause "clear to train" (tests going out of date only remind).
- ``see_clinician``: swelling or giving way three months or more after a sprain with an
  unstable-ankle CAI score suggests an assessment by a clinician (not a red-flag stop).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from anklet.domain.units import SIDES

if TYPE_CHECKING:
    from anklet.domain.decisions import View
    from anklet.domain.protocol import Protocol

DAY = dt.timedelta(days=1)
Action = Literal["step_back", "reduce_dose"]


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found at a checkpoint: the action, the rule's id and why."""

    action: Action
    cause: str
    text: str


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """One checkpoint of the replay: its date, the one before, the stage, whether it
    starts a week."""

    date: dt.date
    prev: dt.date
    stage: int
    week_start: bool


CheckpointRule = Callable[["View", "Protocol", Checkpoint], "Finding | None"]


def pain_flare(view: View, protocol: Protocol, cp: Checkpoint) -> Finding | None:
    """Session pain above the acceptable level: two in the window step back, one cuts."""
    pm = protocol.pain_monitoring
    acceptable, window = pm.acceptable_max.value, int(pm.flare_window_days.value)
    new = [s for s in view.troubled_in(cp.prev + DAY, cp.date) if s.pain_during > acceptable]
    if not new:
        return None
    s = new[-1]
    recent = [x for x in view.sessions_in(cp.date - dt.timedelta(days=window - 1), cp.date)
              if x.pain_during > acceptable]
    if len(recent) >= pm.step_back_flares.value and cp.stage > 1:
        return Finding("step_back", "pain_flare", (
            f"Pain went above {acceptable:g}/10 in {len(recent)} sessions within {window} "
            f"days (latest {s.pain_during}/10 on {s.date.isoformat()})."))
    return Finding("reduce_dose", "pain_flare", (
        f"Pain reached {s.pain_during}/10 during the session on {s.date.isoformat()} "
        f"(above {acceptable:g}/10)."))


def not_settled(view: View, protocol: Protocol, cp: Checkpoint) -> Finding | None:
    """Pain the next morning higher than before the session: cut the dose."""
    acceptable = protocol.pain_monitoring.acceptable_max.value
    new = [s for s in view.troubled_in(cp.prev + DAY, cp.date) if s.pain_during <= acceptable]
    if not new:
        return None
    s = new[-1]
    return Finding("reduce_dose", "not_settled", (
        f"Pain the morning after {s.date.isoformat()} was {s.pain_next_morning}/10, higher "
        f"than before the session ({view.baseline_pain(s)}/10)."))


def rising_pain(view: View, protocol: Protocol, cp: Checkpoint) -> Finding | None:
    """Average session pain rising week over week, now above the safe level."""
    if not cp.week_start:
        return None
    pm = protocol.pain_monitoring
    n, safe = int(pm.rising_weeks.value), pm.safe_max.value
    means: list[float] = []
    for w in range(n, -1, -1):  # the calendar weeks that ended the day before, oldest first
        ss = view.sessions_in(cp.date - dt.timedelta(days=7 * (w + 1)),
                              cp.date - dt.timedelta(days=7 * w + 1))
        if ss:
            means.append(sum(x.pain_during for x in ss) / len(ss))
    if not (len(means) == n + 1 and all(a < b for a, b in itertools.pairwise(means))
            and means[-1] > safe):
        return None
    text = ("Average session pain rose week over week ("
            + " → ".join(f"{m:.1f}" for m in means) + f"/10), now above {safe:g}/10.")
    return Finding("step_back" if cp.stage > 1 else "reduce_dose", "rising_pain", text)


_RANGE_TESTS = (("dorsiflexion", "knee-to-wall", "cm", "mdc_cm"),
                ("lunge_angle", "lunge angle", "°", "mdc_deg"))


def range_loss(view: View, protocol: Protocol, cp: Checkpoint) -> Finding | None:
    """A range test on this date fell by more than its measurement error (in its own unit)."""
    rl = protocol.range_loss
    lo = cp.date - dt.timedelta(days=int(rl.lookback_days.value))
    for key, name, unit, mdc_key in _RANGE_TESTS:
        mdc = getattr(rl, mdc_key).value
        for side in SIDES:
            item = view.latest(key, side, cp.date, current=False)
            if item is None or item[0] != cp.date:
                continue
            earlier = [v for d, v, _ in view.series[(key, side)] if lo <= d < cp.date]
            if earlier and round(max(earlier) - item[1], 6) > mdc:
                sep = "" if unit == "°" else " "
                why = (f"{side.value.capitalize()} {name} fell from {max(earlier):.1f}{sep}{unit}"
                       f" to {item[1]:.1f}{sep}{unit} on {cp.date.isoformat()}, more than the "
                       f"{mdc:g}{sep}{unit} measurement error.")
                return Finding("step_back" if cp.stage >= 3 else "reduce_dose",
                               "range_loss", why)
    return None


CHECKPOINT_RULES: tuple[tuple[str, CheckpointRule], ...] = (
    ("rising_pain", rising_pain),
    ("pain_flare", pain_flare),
    ("not_settled", not_settled),
    ("range_loss", range_loss),
)
"""Every checkpoint rule by id, in order of precedence: the first step back found wins,
and the first dose cut."""


def checkpoint_findings(view: View, protocol: Protocol,
                        cp: Checkpoint) -> tuple[Finding | None, Finding | None]:
    """The step back and the dose cut found at ``cp`` (each the first in rule order)."""
    step_back: Finding | None = None
    reduce: Finding | None = None
    for _, rule in CHECKPOINT_RULES:
        f = rule(view, protocol, cp)
        if f is None:
            continue
        if f.action == "step_back":
            step_back = step_back or f
        else:
            reduce = reduce or f
    return step_back, reduce


# --- standing rules: read at the decision's date -----------------------------------------


def clearance_pause(view: View, protocol: Protocol, since: dt.date,
                    as_of: dt.date) -> tuple[dt.date, str] | None:
    """Why "clear to train" given on ``since`` is paused by ``as_of``, if it is: a session
    with pain above the safe level, a symptom answer with pain in activity above it or the
    ankle giving way, with the date it happened (the latest such). Tests going out of date do
    not pause it (they become reminders)."""
    safe = protocol.pain_monitoring.safe_max.value
    found: list[tuple[dt.date, str]] = []
    for s in reversed(view.sessions_in(since, as_of)):
        if s.pain_during > safe:
            found.append((s.date, f"pain reached {s.pain_during}/10 in the session on "
                                  f"{s.date.isoformat()} (clearance allows up to {safe:g}/10)"))
            break
    for r in reversed(view.reports_in(since, as_of)):
        texts = [f"the {side.value} ankle gave way (answered {r.date.isoformat()})"
                 if r.side(side).giving_way else
                 f"{side.value} ankle pain in activity {r.side(side).pain_activity}/10 (answered "
                 f"{r.date.isoformat()}; clearance allows up to {safe:g}/10)"
                 for side in SIDES
                 if r.side(side).giving_way or r.side(side).pain_activity > safe]
        if texts:
            found.append((r.date, texts[0]))
            break
    return max(found, key=lambda f: f[0]) if found else None


def see_clinician(view: View, protocol: Protocol, as_of: dt.date) -> str | None:
    """Swelling or giving way long after a sprain, with a CAI score of an unstable ankle."""
    st = protocol.settings
    after, cait_max = int(st.referral_after_days.value), st.referral_cait_max.value
    intake = view.h.intake
    sc = view.screening(as_of)
    if intake is None or sc is None or (as_of - sc.date).days >= view.self_report_days:
        return None
    for side in SIDES:
        last = intake.side(side).last_sprain
        sym = sc.side(side)
        if last is None or (as_of - last).days < after or not (sym.swelling or sym.giving_way):
            continue
        cait = view.latest_score("cait", side, as_of, view.retest)
        if cait is None or cait.value is None or cait.value > cait_max:
            continue
        what = "swelling and giving way" if sym.swelling and sym.giving_way else (
            "swelling" if sym.swelling else "giving way")
        return (f"The {side.value} ankle still has {what} {(as_of - last).days} days after the "
                f"sprain of {last.isoformat()}, and its CAI score is {cait.value:g} (25 or "
                f"less suggests an unstable ankle). Please see a clinician for an assessment; "
                f"you can keep training within the plan meanwhile.")
    return None


__all__ = ["CHECKPOINT_RULES", "Checkpoint", "Finding", "checkpoint_findings",
           "clearance_pause", "not_settled", "pain_flare", "range_loss", "rising_pain",
           "see_clinician"]
