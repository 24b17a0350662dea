"""A cohort of synthetic people walked through weeks of the real engine (not part of the product).

Used by ``benchmarks/bench_cohort.py`` (prints JSON) and ``tests/unit/domain/test_cohort.py``
(a small seeded cohort that asserts the three targets). Everything is in memory: a
:class:`~anklet.domain.history.History` per person, :func:`~anklet.domain.decisions.decide`
and :func:`~anklet.domain.planner.plan_week` called directly, no database.

The people
    Profiles: runner, lifter, court or field sport, walker aged 60 or more. Injury states:
    none; a sprain 3 weeks, 3 months or a year before the start; past surgery (on one side,
    chosen at random). Availability: 2–7 days a week, 10–60 minutes a day. Behaviour: follows
    the plan exactly, or skips each planned day at random with probability 0.2 ("80 %") or
    0.5 ("50 %"). Flare pattern: none; ``occasional`` (each session has a 3 % chance of pain
    6/10 with pain still 3/10 the next morning); ``flare_week`` (two sessions at 7/10 in one
    week between weeks 4 and 10, then swelling at the next check-in half the time);
    ``unsettled`` (each session has a 5 % chance of next-morning pain 2/10 above the
    pain before it). Runners plan an easy run or two a week, a long run at the weekend, half
    of them intervals midweek, and 30 % a race (in place of a long run) in weeks 8–15.

The walk, one day at a time
    On its day: a check-in (every 7 or 14 days, per person) with the readiness check
    (confidence and pain over 24 h); a re-test (every 14, 21 or 28 days, per person) with
    knee-to-wall, heel raises, balance eyes open, Y-balance anterior reach, side hop and, if
    the engine has it, the single-leg hop, plus CAIT for each ankle and FAAM. Then the
    engine decides as of the day and the week is planned (again on each Monday, after each
    check-in or re-test, and whenever the stage or dose changes, as the app plans afresh
    whenever the person looks). The day's planned exercises are logged as one session at
    the planned dose (``dose.scaled(level)``), unless the behaviour skips the day. Pain
    before is 0; pain during is 0–2 (2 in the first three weeks after a recent sprain) or
    what the flare pattern says; next-morning pain is logged with the session.

    :func:`decide` replays the whole history, so deciding every day costs the square of the
    weeks. By default (``daily=False``) the walk decides only on the days that can change
    the decision the plan is made from: Mondays (stage advances and dose steps happen on
    weekly checkpoints), the first day, days with a check-in or a re-test, and the day
    after a session that was too painful or had not settled (the engine's step-back and
    dose-cut events). ``daily=True`` decides every day, for checking that the two agree.
    Either way the engine also decides as of the evening of the last day (after its
    session), and of the last day of every stint longer than four weeks: the gate the stuck
    metric reads.

The response model (simple on purpose; each day "done" means logged that day)
    - Knee-to-wall (cm) per side: +0.15 per day with ankle mobility covering all four
      motions or loaded dorsiflexion, else +0.05 per day with shin/calf release; capped at
      the person's potential (11–14 cm; 9.5–12.5 for walkers 60+), the same for both sides,
      so the stiffer side catches up. Measured with Gaussian noise, sd 0.5 cm. Test pain:
      3/10 on the injured side in the first 3 weeks after a recent sprain, else 0–1.
    - Heel raises (reps to fatigue): each week with a loaded-dorsiflexion or calf day, +2
      on the weaker side and +1 on the stronger, capped at the stronger side's start + 8.
      Noise sd 1 rep.
    - Balance eyes open (s): +1 per balance day, capped at 45 s (30 s for walkers 60+).
      Noise sd 2 s.
    - Y-balance anterior reach (cm): +0.3 on the shorter side and +0.1 on the other per
      balance day, +0.2 on the shorter side per three-plane day, capped at the longer side's
      start + 3. Noise sd 1 cm.
    - Side hop (s, lower is better): −0.15 on the slower side and −0.05 on the other per
      agility day, not below 6 s. Noise sd 0.3 s.
    - Single-leg hop (hops of 10): +0.5 per agility day, +0.3 per calf-strength day and +0.1
      per balance day (a stronger, steadier calf hops more), at most 10; pain 3/10 in the
      first 3 weeks after a recent sprain, else 0.
    - CAIT per ankle: +1 a week with 2 or more balance days, at most 30. FAAM daily
      activities /84 and sports /32: +1 a week with any session. Confidence 0–10: +0.5 a
      week without a troubled session, −1.5 after one. Pain over 24 h: 4/10 in a flare week,
      else 0–1.
    - Symptoms at check-ins: a sprain 3 weeks before the start has swelling for 21–42 more
      days and, half the time, giving way for 28 days; a sprain 3 months or a year before
      gives way (30 % / 25 % of people) until 8 / 10 balance days are done. Pain in activity
      3/10 early after a recent sprain, 2/10 after surgery, else 1/10.

The metrics (from what happened: the decisions each day, the plans and their issues)
    Whether a week "can hold" a gate is read from its plan: for each frequency criterion of
    the stage's gate (``category_days``, ``adherence_pct``, ``agility_sessions``,
    ``full_sessions``), the days the plan places the counted category (ankle mobility only
    on days covering all four motions; agility at 3+ rounds), or for adherence the score the
    plan itself would get if followed exactly. A stint (an unbroken run of days in one stage)
    cannot hold its gate when any of its plans cannot. Weeks the engine may thin out for
    safety are not judged (a race that week or the week before, a sprain within
    ``recent_sprain_days``, swelling or giving way at the latest check-in): they say nothing
    about what the person's time can hold.

    - ``stuck_rate``: among exact followers with a stint in stage 1–3 that can hold its
      gate, the share with such a stint of more than 28 days whose last decision had only
      frequency criteria unmet.
    - ``infeasible_said_plainly``: among people with a stint that cannot hold its gate, the
      share told so with a fix in every such stint: a plan issue on a gate-counted target
      (one a frequency criterion counts, or marked ``priority: gate``) whose message says
      "add" and "minute" or "day". ``None`` when nobody was infeasible. Also reported:
      everyone whose plan raised an issue on a gate-counted target, and how many of them
      were always given a fix.
    - ``unsafe_exposures``: planned items, counted on the day they were planned for, that are
      agility, landing or plyometric while a sprain is within ``recent_sprain_days`` or the
      latest check-in reports swelling or giving way; level 3+ plyometric items, or items
      of moderate or high ``impact`` (a hop, jump or landing; before exercises had an
      ``impact``, any agility or landing item), for walkers aged 60+; three-plane,
      agility, landing or loaded-dorsiflexion items on the day of a long, interval or race
      run or the day before. Level 3+ low-impact agility (steps and shuffles, which the
      protocol gives people 60+ on purpose) for walkers 60+ is counted apart, not as unsafe
      (``walker_60_low_impact_level_3plus``).
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import random
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from anklet.domain.adherence import DayLog, week_pct
from anklet.domain.decisions import Decision, decide
from anklet.domain.exercises import Category, Exercise, Library, LoadType, Motion, load_library
from anklet.domain.history import (
    Activity,
    Availability,
    ExerciseLog,
    History,
    Intake,
    Measurement,
    Person,
    PlannedRun,
    QuestionnaireResponse,
    RunKind,
    Screening,
    Session,
    SideHistory,
    Symptoms,
)
from anklet.domain.measures import MEASURE_INFO, MeasureKind
from anklet.domain.planner import PlanDay, WeekPlan, plan_week
from anklet.domain.protocol import Protocol, Stage, load_protocol
from anklet.domain.questionnaires import answers_scoring, load_instruments
from anklet.domain.units import Side

DAY = dt.timedelta(days=1)
START = dt.date(2027, 1, 4)  # a Monday; each person starts 0–6 days after it
PROFILES = ("runner", "lifter", "court_field_sport", "walker_60")
INJURIES = ("none", "sprain_3w", "sprain_3m", "sprain_1y", "surgery")
BEHAVIOURS = ("exact", "80", "50")
FLARES = ("none", "occasional", "flare_week", "unsettled")
SKIP_P = {"exact": 0.0, "80": 0.2, "50": 0.5}
SPRAIN_DAYS = {"sprain_3w": 21, "sprain_3m": 90, "sprain_1y": 365}
FREQUENCY_METRICS = frozenset({"category_days", "adherence_pct", "agility_sessions",
                               "full_sessions"})
STUCK_DAYS = 28
LOW_IMPACT_OLDER = "walker_60_low_impact_level_3plus"
"""Shown, not counted as unsafe: level 3+ agility without a jump for walkers 60+."""

_CAT = {c.value: c for c in Category}
AGILITY_LIKE = frozenset(_CAT[n] for n in ("agility", "landing") if n in _CAT)
HARD_RUN = frozenset(_CAT[n] for n in ("three_plane", "agility", "landing", "loaded_dorsiflexion")
                     if n in _CAT)
SPORT_LIKE = frozenset({Category.AGILITY, Category.THREE_PLANE})
SINGLE_LEG_HOP: MeasureKind | None = next(
    (k for k in MeasureKind if k.value == "single_leg_hop"), None)
INTAKE_FIELDS = frozenset(Intake.model_fields)
SCREENING_HAS_KIND = "kind" in Screening.model_fields
WEEK_PCT_FREE_DAYS = "free_days" in inspect.signature(week_pct).parameters


# --- the people ---------------------------------------------------------------------------


@dataclass
class SimPerson:
    """One synthetic person: who they are and how they behave."""

    id: str
    start: dt.date
    profile: str
    injury: str
    injured_side: Side
    behaviour: str
    flare: str
    age: int
    sex: str
    minutes: tuple[int, ...]
    checkin_every: int
    retest_every: int
    runs: list[PlannedRun]
    flare_week: int | None
    seed: int


def make_people(n: int, seed: int, *, weeks: int = 16) -> list[SimPerson]:
    """``n`` people drawn from ``seed``: each profile, injury state and behaviour in turn (so
    a small cohort still covers every combination evenly), the rest at random."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        profile = PROFILES[i % len(PROFILES)]
        injury = INJURIES[(i // len(PROFILES)) % len(INJURIES)]
        behaviour = BEHAVIOURS[(i // (len(PROFILES) * len(INJURIES))) % len(BEHAVIOURS)]
        flare = rng.choice(FLARES)
        start = START + rng.randrange(7) * DAY
        n_days = rng.randint(2, 7)
        per_day = rng.choice((10, 15, 20, 25, 30, 40, 45, 60))
        days = set(rng.sample(range(7), n_days))
        minutes = tuple(max(10, min(60, per_day + rng.choice((-5, 0, 0, 5)))) if d in days
                        else 0 for d in range(7))
        age = rng.randint(60, 82) if profile == "walker_60" else rng.randint(18, 55)
        runs = _runs(rng, start, weeks) if profile == "runner" else []
        out.append(SimPerson(
            id=f"c{seed}-{i:05d}", start=start, profile=profile, injury=injury,
            injured_side=rng.choice((Side.LEFT, Side.RIGHT)), behaviour=behaviour, flare=flare,
            age=age, sex=rng.choice(("female", "male")), minutes=minutes,
            checkin_every=rng.choice((7, 14)), retest_every=rng.choice((14, 21, 28)), runs=runs,
            flare_week=rng.randint(4, 10) if flare == "flare_week" else None,
            seed=rng.randrange(2**31)))
    return out


def _runs(rng: random.Random, start: dt.date, weeks: int) -> list[PlannedRun]:
    monday = start - start.weekday() * DAY
    easy_days = rng.sample((0, 1, 3, 4), rng.randint(1, 2))
    long_day = rng.choice((5, 6))
    interval_day = rng.choice((1, 2, 3)) if rng.random() < 0.5 else None
    race_week = rng.randint(8, 15) if rng.random() < 0.3 else None
    out = []
    for w in range(weeks + 1):
        base = monday + 7 * w * DAY
        for d in easy_days:
            if d != interval_day:
                out.append(PlannedRun(date=base + d * DAY, kind=RunKind.EASY,
                                      minutes=rng.choice((30, 40, 45))))
        if interval_day is not None:
            out.append(PlannedRun(date=base + interval_day * DAY, kind=RunKind.INTERVAL,
                                  minutes=45, title="Intervals"))
        if w == race_week:
            out.append(PlannedRun(date=base + long_day * DAY, kind=RunKind.RACE,
                                  minutes=rng.choice((60, 100, 150)), title="Race"))
        else:
            out.append(PlannedRun(date=base + long_day * DAY, kind=RunKind.LONG,
                                  minutes=rng.choice((75, 90, 110))))
    return [r for r in out if r.date >= start]


ACTIVITIES = {"runner": [Activity.RUNNING], "lifter": [Activity.LIFTING],
              "court_field_sport": [Activity.COURT_FIELD_SPORT],
              "walker_60": [Activity.DAILY_LIFE]}
GOAL_TYPE = {"runner": "runner", "lifter": "lifter", "court_field_sport": "court_field_sport",
             "walker_60": "walker"}
GOALS = {"runner": "Run a half marathon", "lifter": "Squat deeper",
         "court_field_sport": "Back to five-a-side", "walker_60": "Walk the hills again"}


def _intake(p: SimPerson, start: dt.date) -> Intake:
    injured = SideHistory()
    if p.injury in SPRAIN_DAYS:
        injured = SideHistory(sprains=1, last_sprain=start - SPRAIN_DAYS[p.injury] * DAY)
    elif p.injury == "surgery":
        injured = SideHistory(sprains=2, last_sprain=start - 700 * DAY, surgery=True,
                              surgery_date=start - 300 * DAY)
    data: dict[str, Any] = {
        "date": start, "goals": [GOALS[p.profile]], "activities": ACTIVITIES[p.profile],
        "left": injured if p.injured_side is Side.LEFT else SideHistory(),
        "right": injured if p.injured_side is Side.RIGHT else SideHistory()}
    walker = p.profile == "walker_60"
    extra = {"age": p.age, "sex": p.sex, "falls_12m": p.seed % 3 if walker else 0,
             "fear_of_falling": p.seed % 7 if walker else 0, "goal_type": GOAL_TYPE[p.profile]}
    data.update({k: v for k, v in extra.items() if k in INTAKE_FIELDS})
    return Intake.model_validate(data)


# --- the body: the response model ------------------------------------------------------------


@dataclass
class Body:
    """True values per side (index 0 left, 1 right) and the questionnaire state."""

    k2w: list[float]
    k2w_cap: float
    heel: list[float]
    heel_cap: float
    balance: list[float]
    balance_cap: float
    reach: list[float]
    reach_cap: float
    leg: float
    hop_time: list[float]
    hops10: list[float]
    cait: list[float]
    faam_adl: float
    faam_sports: float
    confidence: float
    balance_days: int = 0
    week_balance: int = 0
    week_loaded: bool = False
    week_sessions: int = 0
    week_troubled: bool = False
    swelling_until: int = -1
    giving_way_until: int = -1
    giving_way_balance_days: int | None = None
    flare_swelling: bool = False


def _body(p: SimPerson, rng: random.Random) -> Body:
    walker = p.profile == "walker_60"
    inj = 0 if p.injured_side is Side.LEFT else 1
    injured = p.injury != "none"

    def pair(good: float, bad: float) -> list[float]:
        out = [good, good]
        out[inj] = bad
        return out

    cap = rng.uniform(9.5, 12.5) if walker else rng.uniform(11, 14)
    good_k2w = cap - rng.uniform(1, 4)
    bad_k2w = good_k2w - (rng.uniform(1, 4) if injured else rng.uniform(0, 1.5))
    heel_good = rng.uniform(8, 18) if walker else rng.uniform(18, 30)
    heel_bad = heel_good * (1 - rng.uniform(0.1, 0.3)) if injured else heel_good
    bal_good = rng.uniform(5, 20) if walker else rng.uniform(12, 35)
    leg = rng.uniform(80, 95)
    reach_good = leg * rng.uniform(0.6, 0.7)
    reach_bad = reach_good - (rng.uniform(2, 7) if injured else rng.uniform(0, 2))
    hop_good = rng.uniform(8, 14)
    cait_bad = {"none": rng.uniform(26, 30), "sprain_3w": rng.uniform(10, 18),
                "sprain_3m": rng.uniform(14, 22), "sprain_1y": rng.uniform(16, 24),
                "surgery": rng.uniform(18, 25)}[p.injury]
    b = Body(
        k2w=pair(good_k2w, bad_k2w), k2w_cap=cap,
        heel=pair(heel_good, heel_bad), heel_cap=heel_good + 8,
        balance=pair(bal_good, max(2.0, bal_good - (rng.uniform(0, 8) if injured else 0))),
        balance_cap=30.0 if walker else 45.0,
        reach=pair(reach_good, reach_bad), reach_cap=reach_good + 3, leg=leg,
        hop_time=pair(hop_good, hop_good + (rng.uniform(0.5, 3) if injured else 0)),
        hops10=pair(10.0, rng.uniform(4, 10) if p.injury in SPRAIN_DAYS else 10.0),
        cait=pair(rng.uniform(26, 30), cait_bad),
        faam_adl=rng.uniform(66, 84), faam_sports=rng.uniform(16, 32),
        confidence=rng.uniform(4, 8))
    if p.injury == "sprain_3w":
        b.swelling_until = rng.randint(21, 42)
        b.giving_way_until = 28 if rng.random() < 0.5 else -1
    elif p.injury == "sprain_3m" and rng.random() < 0.3:
        b.giving_way_balance_days = 8
    elif p.injury == "sprain_1y" and rng.random() < 0.25:
        b.giving_way_balance_days = 10
    return b


def _train(b: Body, cats: set[Category], full_ankle: bool) -> None:
    """One logged day of training."""
    if full_ankle or Category.LOADED_DORSIFLEXION in cats:
        gain = 0.15
    elif Category.SHIN_CALF_RELEASE in cats:
        gain = 0.05
    else:
        gain = 0.0
    b.k2w = [min(b.k2w_cap, v + gain) for v in b.k2w]
    if Category.BALANCE in cats:
        b.balance = [min(b.balance_cap, v + 1) for v in b.balance]
        short = 0 if b.reach[0] < b.reach[1] else 1
        b.reach[short] = min(b.reach_cap, b.reach[short] + 0.3)
        b.reach[1 - short] = min(b.reach_cap, b.reach[1 - short] + 0.1)
        b.balance_days += 1
        b.week_balance += 1
    if Category.THREE_PLANE in cats:
        short = 0 if b.reach[0] < b.reach[1] else 1
        b.reach[short] = min(b.reach_cap, b.reach[short] + 0.2)
    if cats & AGILITY_LIKE:
        slow = 0 if b.hop_time[0] > b.hop_time[1] else 1
        b.hop_time[slow] = max(6.0, b.hop_time[slow] - 0.15)
        b.hop_time[1 - slow] = max(6.0, b.hop_time[1 - slow] - 0.05)
        b.hops10 = [min(10.0, v + 0.5) for v in b.hops10]
    calf = _CAT.get("calf_strength")
    if calf is not None and calf in cats:
        b.hops10 = [min(10.0, v + 0.3) for v in b.hops10]
    if Category.BALANCE in cats:
        b.hops10 = [min(10.0, v + 0.1) for v in b.hops10]
    if Category.LOADED_DORSIFLEXION in cats or (calf is not None and calf in cats):
        b.week_loaded = True
    b.week_sessions += 1


def _week_end(b: Body) -> None:
    if b.week_loaded:
        weak = 0 if b.heel[0] < b.heel[1] else 1
        b.heel[weak] = min(b.heel_cap, b.heel[weak] + 2)
        b.heel[1 - weak] = min(b.heel_cap, b.heel[1 - weak] + 1)
    if b.week_balance >= 2:
        b.cait = [min(30.0, v + 1) for v in b.cait]
    if b.week_sessions:
        b.faam_adl = min(84.0, b.faam_adl + 1)
        b.faam_sports = min(32.0, b.faam_sports + 1)
    b.confidence = max(0.0, min(10.0, b.confidence + (-1.5 if b.week_troubled else 0.5)))
    b.week_balance, b.week_loaded, b.week_sessions, b.week_troubled = 0, False, 0, False


# --- records --------------------------------------------------------------------------------

_ANSWERS: dict[tuple[str, int], dict[str, str]] = {}


def _scored(scale: str, total: int = 0) -> dict[str, str]:
    """Answers adding up to ``total`` for CAIT, or to ``"adl/sports"`` raw points for FAAM."""
    key = (scale, total)
    if key not in _ANSWERS:
        ins = load_instruments()
        if scale == "cait":
            _ANSWERS[key] = answers_scoring(ins.get("cait"), "cait", total)
        else:
            adl_s, sports_s = scale.split("/")
            _ANSWERS[key] = answers_scoring(ins.get("faam"), "faam_sports", int(sports_s),
                                            base=answers_scoring(ins.get("faam"), "faam_adl",
                                                                 int(adl_s)))
    return _ANSWERS[key]


def _clamp(kind: MeasureKind, value: float) -> float:
    rng = MEASURE_INFO[kind][1]
    return min(rng.high, max(rng.low, value))


def _tests(p: SimPerson, b: Body, day: int, date: dt.date, rng: random.Random
           ) -> tuple[list[Measurement], list[QuestionnaireResponse]]:
    recent = p.injury == "sprain_3w" and day < 21
    ms = []
    for i, side in enumerate((Side.LEFT, Side.RIGHT)):
        hurt = recent and side is p.injured_side
        ms += [
            Measurement(date=date, side=side, kind=MeasureKind.KNEE_TO_WALL,
                        value=round(_clamp(MeasureKind.KNEE_TO_WALL,
                                           b.k2w[i] + rng.gauss(0, 0.5)), 1),
                        pain=3 if hurt else rng.choice((0, 0, 1))),
            Measurement(date=date, side=side, kind=MeasureKind.HEEL_RAISE,
                        value=round(_clamp(MeasureKind.HEEL_RAISE, b.heel[i] + rng.gauss(0, 1)))),
            Measurement(date=date, side=side, kind=MeasureKind.BALANCE_EYES_OPEN,
                        value=round(_clamp(MeasureKind.BALANCE_EYES_OPEN,
                                           b.balance[i] + rng.gauss(0, 2)), 1)),
            Measurement(date=date, side=side, kind=MeasureKind.Y_BALANCE_ANTERIOR,
                        value=round(_clamp(MeasureKind.Y_BALANCE_ANTERIOR,
                                           b.reach[i] + rng.gauss(0, 1)), 1),
                        leg_length_cm=round(b.leg, 1)),
            Measurement(date=date, side=side, kind=MeasureKind.SIDE_HOP,
                        value=round(_clamp(MeasureKind.SIDE_HOP,
                                           b.hop_time[i] + rng.gauss(0, 0.3)), 1)),
        ]
        if SINGLE_LEG_HOP is not None:
            ms.append(Measurement(date=date, side=side, kind=SINGLE_LEG_HOP,
                                  value=_clamp(SINGLE_LEG_HOP, math.floor(b.hops10[i])),
                                  pain=3 if hurt else 0))
    qs = [QuestionnaireResponse(date=date, instrument="cait", side=side,
                                answers=_scored("cait", round(b.cait[i])))
          for i, side in enumerate((Side.LEFT, Side.RIGHT))]
    qs.append(QuestionnaireResponse(date=date, instrument="faam", answers=_scored(
        f"{round(b.faam_adl)}/{round(b.faam_sports)}")))
    return ms, qs


def _checkin(p: SimPerson, b: Body, day: int, date: dt.date, protocol: Protocol,
             rng: random.Random, *, full: bool, screens_only: bool = False) -> Screening:
    inj = p.injured_side
    giving_way = (day < b.giving_way_until if b.giving_way_until >= 0
                  else b.giving_way_balance_days is not None
                  and b.balance_days < b.giving_way_balance_days)
    swelling = day < b.swelling_until or b.flare_swelling
    b.flare_swelling = False
    activity = (3 if p.injury == "sprain_3w" and day < 21
                else 2 if (p.injury == "sprain_3w" and day < 42) or p.injury == "surgery" else 1)
    bad = Symptoms(pain_rest=1 if p.injury == "sprain_3w" and day < 14 else 0,
                   pain_activity=activity, swelling=swelling, giving_way=giving_way)
    good = Symptoms(pain_rest=0, pain_activity=rng.choice((0, 0, 1)))
    sides = {"left": bad if inj is Side.LEFT else good, "right": bad if inj is Side.RIGHT else good}
    if full or screens_only or not SCREENING_HAS_KIND:
        data: dict[str, Any] = {"date": date, **sides,
                                "red_flags": {f.id: False for f in protocol.red_flags}}
        if SCREENING_HAS_KIND:
            data["kind"] = "screen"
        return Screening.model_validate(data)
    return Screening.model_validate({"date": date, **sides, "kind": "check_in",
                                     "red_flags": {}})


# --- the walk -------------------------------------------------------------------------------


@dataclass
class Exposure:
    rule: str
    person: str
    date: str
    exercise: str
    why: str


@dataclass
class Stint:
    stage: int
    first: dt.date
    last: dt.date
    unmet: tuple[str, ...] = ()
    unmet_metrics: tuple[str, ...] = ()
    cannot_hold: set[str] = field(default_factory=set)
    issues: list[str] = field(default_factory=list)
    fix_named: bool = False
    refused_days: int = 0
    """Days of the stint whose plan was refused (a screen needed, a referral)."""

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass
class Result:
    person: SimPerson
    start: dt.date
    stints: list[Stint]
    reached: dict[int, float]
    exposures: list[Exposure]
    days: int
    decisions: int
    plans: int
    final_stage: int | None
    sessions: int
    history: History


def _exercise_log(ex: Exercise, level: float) -> ExerciseLog:
    d = ex.dose.scaled(level)
    return ExerciseLog(exercise_id=ex.id, sets=d["sets"], reps=d["reps"], seconds=d["seconds"],
                       rounds=d["rounds"])


def _day_log(day: PlanDay) -> DayLog:
    cats: set[Category] = set()
    motions: set[Motion] = set()
    for b in day.blocks:
        for it in b.items:
            cats.add(it.exercise.category)
            if it.exercise.category is Category.ANKLE_MOBILITY:
                motions.update(it.exercise.motions)
    return DayLog(frozenset(cats), frozenset(motions))


def _gate_targets(stage: Stage) -> set[str]:
    """Targets whose days a frequency criterion of the stage's gate counts."""
    out = {t.id for t in stage.targets if getattr(t, "priority", None) == "gate"}
    for c in stage.gate:
        if c.metric == "adherence_pct":
            out.update(t.id for t in stage.targets)
        elif c.metric == "category_days":
            out.update(t.id for t in stage.targets
                       if _CAT.get(str(c.params.get("category"))) in t.categories)
        elif c.metric == "agility_sessions":
            out.update(t.id for t in stage.targets if Category.AGILITY in t.categories)
        elif c.metric == "full_sessions":
            out.update(t.id for t in stage.targets if SPORT_LIKE & set(t.categories))
    return out


def plan_cannot_hold(plan: WeekPlan, stage: Stage, profile: str = "unknown",
                     age: int | None = None) -> set[str]:
    """Gate frequency criteria (those that apply to a person of this profile and age) that
    following this week's plan exactly would not meet."""
    logs = {d.date: _day_log(d) for d in plan.days if d.blocks}
    free_days = sum(1 for d in plan.days if d.available > 0)
    out: set[str] = set()
    for c in stage.gate:
        if c.metric not in FREQUENCY_METRICS or not getattr(c, "required", True):
            continue
        applies = getattr(c, "applies", None)
        if applies is not None and not applies(profile, age):
            continue
        days = int(c.params.get("days", 7 if c.metric == "category_days" else 14))
        weeks = days / 7
        if c.metric == "category_days":
            cat = _CAT[str(c.params["category"])]
            n = sum(1 for log in logs.values() if cat in log.categories
                    and (cat is not Category.ANKLE_MOBILITY or log.motions >= frozenset(Motion)))
            value = n * weeks
            if c.params.get("or_every_available_day") and free_days < c.threshold and n >= free_days:
                continue
        elif c.metric == "agility_sessions":
            need = int(c.params.get("min_rounds", 3))
            n = sum(1 for d in plan.days if any(
                it.exercise.category is Category.AGILITY
                and (it.exercise.dose.scaled(max(1.0, plan.dose_level))["rounds"] or 0) >= need
                for b in d.blocks for it in b.items))
            value = n * weeks
        elif c.metric == "full_sessions":
            n = sum(1 for log in logs.values() if SPORT_LIKE & log.categories)
            value = n * weeks
        else:  # adherence_pct: what the plan itself would score
            runs = [r for d in plan.days for r in d.runs]
            value = (week_pct(stage, logs, runs, plan.week_start, free_days=free_days)
                     if WEEK_PCT_FREE_DAYS else week_pct(stage, logs, runs, plan.week_start))
        if not c.passes(value):
            out.add(c.id)
    return out


def _names_fix(message: str) -> bool:
    low = message.lower()
    return re.search(r"\badd\b", low) is not None and ("minute" in low or "day" in low)


def walk(p: SimPerson, *, weeks: int = 16, protocol: Protocol, library: Library,
         daily: bool = False, screens_only: bool = False) -> Result:
    """Walk one person through ``weeks`` weeks of the engine (see the module docstring).
    ``screens_only``: every check-in is a full red-flag screen (all answered no), for an
    engine that reads the latest screening for red flags."""
    rng = random.Random(p.seed)
    start = p.start
    body = _body(p, rng)
    ms, qs = _tests(p, body, 0, start, rng)
    qs.append(QuestionnaireResponse(date=start, instrument="confidence", answers={
        "confidence": str(round(body.confidence)), "pain_24h": "0"}))
    h = History(person=Person(id=p.id, name=f"Person {p.id}", created=start),
                intake=_intake(p, start),
                screenings=[_checkin(p, body, 0, start, protocol, rng, full=True)],
                measurements=ms, questionnaires=qs,
                availability=Availability(**dict(zip(("mon", "tue", "wed", "thu", "fri", "sat",
                                                      "sun"), p.minutes, strict=True))),
                planned_runs=p.runs)
    recent_days = int(protocol.settings.recent_sprain_days.value)
    last_sprain = h.intake.side(p.injured_side).last_sprain if h.intake else None
    key_run_days = {r.date for r in p.runs if r.needs_gait_prep}
    races = [r.date for r in p.runs if r.kind is RunKind.RACE]
    n_days = weeks * 7
    sessions: list[Session] = []
    screenings = list(h.screenings)
    measurements = list(h.measurements)
    questionnaires = list(h.questionnaires)
    decision: Decision | None = None
    plan: WeekPlan | None = None
    plan_key: tuple[Any, ...] | None = None
    stints: list[Stint] = []
    exposures: list[Exposure] = []
    n_decisions = n_plans = 0
    redecide = True
    latest_symptoms = screenings[0]
    new_data = start  # the last day with a check-in or a re-test: the plan is made again
    for day in range(n_days):
        date = start + day * DAY
        changed = False
        if day and day % p.checkin_every == 0:
            sc = _checkin(p, body, day, date, protocol, rng, full=False,
                          screens_only=screens_only)
            screenings.append(sc)
            latest_symptoms = sc
            flare_now = p.flare_week is not None and (day // 7) == p.flare_week
            questionnaires.append(QuestionnaireResponse(date=date, instrument="confidence",
                                                        answers={
                "confidence": str(round(body.confidence)),
                "pain_24h": str(4 if flare_now else rng.choice((0, 0, 1)))}))
            changed = True
        if day and day % p.retest_every == 0:
            ms, qs = _tests(p, body, day, date, rng)
            measurements += ms
            questionnaires += qs
            changed = True
        if changed:
            h = h.model_copy(update={"screenings": screenings, "measurements": measurements,
                                     "questionnaires": questionnaires})
        if daily or redecide or changed or date.weekday() == 0:
            h = h.model_copy(update={"sessions": sessions})
            decision = decide(h, protocol=protocol, library=library, as_of=date)
            n_decisions += 1
            redecide = False
        assert decision is not None
        if (stints and decision.stage != stints[-1].stage and stints[-1].days > STUCK_DAYS
                and day):
            # a long stint ended: its gate as of the evening of its last day (the morning's
            # decisions do not count that day's session yet)
            n_decisions += _evening_gate(stints[-1], h, protocol, library, date - DAY)
        if changed:
            new_data = date
        key = (date - date.weekday() * DAY, decision.stage, decision.can_prescribe,
               decision.dose_level, new_data)
        if plan is None or key != plan_key:
            plan = plan_week(decision, h, week_start=key[0], protocol=protocol, library=library)
            plan_key = key
            n_plans += 1
            if plan.refused is None and decision.stage is not None and decision.stage < 4:
                st = protocol.stage(decision.stage)
                if not stints or stints[-1].stage != decision.stage:
                    stints.append(Stint(decision.stage, date, date))
                stint = stints[-1]
                if not _held_back_on_purpose(key[0], races, last_sprain, recent_days,
                                             latest_symptoms):
                    stint.cannot_hold |= plan_cannot_hold(plan, st, GOAL_TYPE[p.profile], p.age)
                gate_t = _gate_targets(st)
                for issue in plan.issues:
                    if issue.target_id in gate_t:
                        stint.issues.append(issue.message)
                        stint.fix_named = stint.fix_named or _names_fix(issue.message)
        # the stage as seen today
        if decision.stage is not None:
            if not stints or stints[-1].stage != decision.stage:
                stints.append(Stint(decision.stage, date, date))
            s = stints[-1]
            s.last = date
            _set_unmet(s, decision)
        if plan.refused is not None and stints:
            stints[-1].refused_days += 1
        pday = plan.days[date.weekday()]
        _exposures(p, pday, date, last_sprain, recent_days, latest_symptoms, key_run_days,
                   exposures)
        # the day's session
        if pday.blocks and rng.random() >= SKIP_P[p.behaviour]:
            pain, morning = _pain(p, day, rng)
            logs = [_exercise_log(it.exercise, plan.dose_level)
                    for b in pday.blocks for it in b.items]
            sessions.append(Session(date=date, exercises=logs, rpe=4, pain_before=0,
                                    pain_during=pain, pain_next_morning=morning))
            log = _day_log(pday)
            _train(body, set(log.categories), log.motions >= frozenset(Motion))
            if pain > protocol.pain_monitoring.acceptable_max.value or morning > 0:
                body.week_troubled = True
                redecide = True  # the engine cuts the dose or steps back on such a day
                if p.flare == "flare_week" and rng.random() < 0.5:
                    body.flare_swelling = True
        if date.weekday() == 6:
            _week_end(body)
    # the last evening, after the last session: the timeline and the open stint's gate
    h = h.model_copy(update={"sessions": sessions})
    last = start + (n_days - 1) * DAY
    decision = decide(h, protocol=protocol, library=library, as_of=last)
    n_decisions += 1
    if stints and decision.stage == stints[-1].stage:
        _set_unmet(stints[-1], decision)
    elif stints and stints[-1].days > STUCK_DAYS:
        n_decisions += _evening_gate(stints[-1], h, protocol, library, last - DAY)
    reached: dict[int, float] = {}
    for ch in decision.timeline:
        if ch.kind == "advance" and ch.to_stage not in reached:
            reached[ch.to_stage] = (ch.date - start).days / 7
    return Result(p, start, [s for s in stints if s.stage < 4], reached, exposures, n_days,
                  n_decisions, n_plans, decision.stage, len(sessions), h)


def _evening_gate(stint: Stint, h: History, protocol: Protocol, library: Library,
                  day: dt.date) -> int:
    """Set the stint's unmet criteria from the latest evening, from ``day`` back, on which
    the engine still had the person in the stint's stage (a step back is dated on the day
    of the session that caused it, so that evening already reads the stage below). Returns
    the number of decisions made."""
    n = 0
    while day >= stint.first and n < 7:
        evening = decide(h, protocol=protocol, library=library, as_of=day)
        n += 1
        if evening.stage == stint.stage:
            _set_unmet(stint, evening)
            break
        day -= DAY
    return n


def _held_back_on_purpose(monday: dt.date, races: list[dt.date], last_sprain: dt.date | None,
                          recent_days: int, symptoms: Screening) -> bool:
    """Whether the week's plan may leave work out for safety rather than for lack of time: a
    race in the week or the week before, a sprain within ``recent_sprain_days``, swelling or
    giving way at the latest check-in. Such weeks say nothing about what the availability
    can hold."""
    sunday = monday + 6 * DAY
    if any(monday - 7 * DAY <= r <= sunday for r in races):
        return True
    if last_sprain is not None and (monday - last_sprain).days <= recent_days:
        return True
    return any(s.swelling or s.giving_way for s in (symptoms.left, symptoms.right))


def _set_unmet(stint: Stint, decision: Decision) -> None:
    if decision.gate is not None:
        unmet = [c for c in decision.gate.criteria if c.required and not c.met]
        stint.unmet = tuple(c.id for c in unmet)
        stint.unmet_metrics = tuple(c.metric for c in unmet)


def _pain(p: SimPerson, day: int, rng: random.Random) -> tuple[int, int]:
    if p.flare == "flare_week" and p.flare_week is not None and day // 7 == p.flare_week \
            and day % 7 in (1, 3):
        return 7, 3
    if p.flare == "occasional" and rng.random() < 0.03:
        return 6, 3
    if p.flare == "unsettled" and rng.random() < 0.05:
        return 1, 2
    if p.injury == "sprain_3w" and day < 21:
        return 2, 0
    return rng.choice((0, 0, 1, 1, 2)), 0


def _exposures(p: SimPerson, pday: PlanDay, date: dt.date, last_sprain: dt.date | None,
               recent_days: int, symptoms: Screening, key_run_days: set[dt.date],
               out: list[Exposure]) -> None:
    items = [it.exercise for b in pday.blocks for it in b.items]
    if not items:
        return
    sprain_recent = last_sprain is not None and 0 <= (date - last_sprain).days <= recent_days
    sym = [symptoms.left, symptoms.right]
    swollen = any(s.swelling or s.giving_way for s in sym)
    key_run = date in key_run_days or date + DAY in key_run_days
    for ex in items:
        impact = ex.category in AGILITY_LIKE or ex.load is LoadType.PLYOMETRIC
        if impact and (sprain_recent or swollen):
            why = (f"sprain on {last_sprain} within {recent_days} days" if sprain_recent
                   else f"swelling or giving way at the check-in of {symptoms.date}")
            out.append(Exposure("recent_sprain_or_symptoms", p.id, date.isoformat(), ex.id, why))
        if ex.level >= 3 and p.profile == "walker_60" and p.age >= 60:
            level = getattr(ex, "impact", None)
            if ex.load is LoadType.PLYOMETRIC or (
                    str(level) in ("moderate", "high") if level is not None else impact):
                out.append(Exposure("walker_60_impact", p.id, date.isoformat(), ex.id,
                                    f"level {ex.level}, {level or 'agility'} impact at age "
                                    f"{p.age}"))
            elif impact:  # low-impact agility (steps, shuffles): allowed, but shown
                out.append(Exposure(LOW_IMPACT_OLDER, p.id, date.isoformat(), ex.id,
                                    f"level {ex.level}, low impact at age {p.age}"))
        if key_run and ex.category in HARD_RUN:
            when = "the day of" if date in key_run_days else "the day before"
            out.append(Exposure("hard_run_day", p.id, date.isoformat(), ex.id,
                                f"{ex.category.value} on {when} a key run"))


# --- the cohort -----------------------------------------------------------------------------


def _quantile(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[max(0, math.ceil(q * len(s)) - 1)]


def summarise(results: list[Result], seconds: float, *, seed: int, weeks: int,
              cpu_seconds: float | None = None, examples: int = 5) -> dict[str, Any]:
    """The cohort's figures (see the module docstring)."""
    stuck_people: list[dict[str, Any]] = []
    holdable_people = 0
    infeasible = told = issue_people = issue_fix = 0
    infeasible_examples: list[dict[str, Any]] = []
    for r in results:
        p = r.person
        if any(s.issues for s in r.stints):
            issue_people += 1
            issue_fix += all(s.fix_named for s in r.stints if s.issues)
        bad = [s for s in r.stints if s.cannot_hold]
        if bad:
            infeasible += 1
            ok = all(s.fix_named for s in bad)
            told += ok
            if not ok and len(infeasible_examples) < examples:
                s = next(s for s in bad if not s.fix_named)
                infeasible_examples.append({
                    "person": p.id, "stage": s.stage, "minutes": list(p.minutes),
                    "cannot_hold": sorted(s.cannot_hold),
                    "issues": sorted(set(s.issues))[:3]})
        if p.behaviour != "exact":
            continue
        good = [s for s in r.stints if not s.cannot_hold]
        if not good:
            continue
        holdable_people += 1
        stuck = [s for s in good if s.days > STUCK_DAYS and s.unmet_metrics
                 and set(s.unmet_metrics) <= FREQUENCY_METRICS]
        if stuck:
            s = stuck[0]
            stuck_people.append({"person": p.id, "profile": p.profile, "stage": s.stage,
                                 "days": s.days, "unmet": list(s.unmet),
                                 "days_nothing_prescribed": s.refused_days,
                                 "minutes": list(p.minutes)})
    by_rule = Counter(e.rule for e in (x for r in results for x in r.exposures)
                      if e.rule != LOW_IMPACT_OLDER)
    ex_by_rule: dict[str, list[dict[str, str]]] = {}
    for r in results:
        for e in r.exposures:
            lst = ex_by_rule.setdefault(e.rule, [])
            if len(lst) < examples:
                lst.append({"person": e.person, "date": e.date, "exercise": e.exercise,
                            "why": e.why})

    def weeks_to(group: str) -> dict[str, dict[str, dict[str, float | int | None]]]:
        out: dict[str, dict[str, dict[str, float | int | None]]] = {}
        keys = sorted({getattr(r.person, group) for r in results})
        for k in keys:
            rs = [r for r in results if getattr(r.person, group) == k]
            out[k] = {}
            for stage in (2, 3, 4):
                ws = [r.reached[stage] for r in rs if stage in r.reached]
                out[k][str(stage)] = {
                    "people": len(rs),
                    "reached_share": round(len(ws) / len(rs), 3),
                    "median_weeks": round(statistics.median(ws), 1) if ws else None,
                    "p90_weeks": round(_quantile(ws, 0.9), 1) if ws else None}
        return out

    days = sum(r.days for r in results)
    return {
        "benchmark": "cohort simulation: people walked day by day through the real engine",
        "people": len(results), "seed": seed, "weeks": weeks,
        "targets": {"stuck_rate": 0, "infeasible_said_plainly": 1.0, "unsafe_exposures": 0},
        "stuck_rate": round(len(stuck_people) / holdable_people, 4) if holdable_people else None,
        "stuck_people": len(stuck_people),
        "exact_followers_who_can_hold": holdable_people,
        "stuck_examples": stuck_people[:examples],
        "infeasible_said_plainly": round(told / infeasible, 4) if infeasible else None,
        "infeasible_people": infeasible,
        "infeasible_told_with_fix": told,
        "infeasible_examples": infeasible_examples,
        "gate_target_issue_people": issue_people,
        "gate_target_issue_with_fix": issue_fix,
        "unsafe_exposures": sum(by_rule.values()),
        "unsafe_by_rule": dict(sorted(by_rule.items())),
        "unsafe_people": len({e.person for r in results for e in r.exposures
                              if e.rule != LOW_IMPACT_OLDER}),
        LOW_IMPACT_OLDER: sum(e.rule == LOW_IMPACT_OLDER for r in results for e in r.exposures),
        "unsafe_examples": ex_by_rule,
        "weeks_to_stage_by_profile": weeks_to("profile"),
        "weeks_to_stage_by_behaviour": weeks_to("behaviour"),
        "final_stage": dict(sorted(Counter(str(r.final_stage) for r in results).items())),
        "days_simulated": days,
        "sessions_logged": sum(r.sessions for r in results),
        "decisions": sum(r.decisions for r in results),
        "plans": sum(r.plans for r in results),
        "seconds": round(seconds, 2),
        "cpu_seconds": None if cpu_seconds is None else round(cpu_seconds, 2),
        "people_per_second": round(len(results) / seconds, 2) if seconds else None,
        "days_per_second": round(days / seconds, 1) if seconds else None,
    }


def run_cohort(n: int, seed: int, *, weeks: int = 16, daily: bool = False,
               screens_only: bool = False, protocol: Protocol | None = None,
               library: Library | None = None) -> tuple[list[Result], dict[str, Any]]:
    """Make ``n`` people from ``seed``, walk each ``weeks`` weeks; the results and figures."""
    protocol = protocol or load_protocol()
    library = library or load_library()
    people = make_people(n, seed, weeks=weeks)
    t0, c0 = time.perf_counter(), time.process_time()
    results = [walk(p, weeks=weeks, protocol=protocol, library=library, daily=daily,
                    screens_only=screens_only) for p in people]
    return results, summarise(results, time.perf_counter() - t0, seed=seed, weeks=weeks,
                              cpu_seconds=time.process_time() - c0)
