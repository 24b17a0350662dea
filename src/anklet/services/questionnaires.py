"""Answered questionnaires: record them, list them, each score over time, and what a score
and its change mean, in plain words (the pages and the API say it the same way)."""

from __future__ import annotations

import builtins
import datetime as dt
from dataclasses import dataclass

from anklet.domain.decisions import fmt
from anklet.domain.history import QuestionnaireResponse
from anklet.domain.protocol import Protocol
from anklet.domain.questionnaires import (
    Change,
    Instruments,
    changes,
    load_instruments,
    score_response,
    scores,
)
from anklet.domain.views import clearance_criterion
from anklet.store.uow import UnitOfWork


def create(uow: UnitOfWork, *, key: str,
           response: QuestionnaireResponse) -> builtins.list[Change]:
    """Record a response; returns its scores, each with its change since the previous one."""
    uow.people.add_questionnaire(key, response)
    every = get_scores(uow, key=key)
    mine = scores([response])
    return [next(c for c in reversed(every)
                 if c.score.scale == s.scale and c.score.side == s.side and c.score == s)
            for s in mine]


def list(uow: UnitOfWork, *, key: str) -> builtins.list[QuestionnaireResponse]:
    """The person's answered questionnaires, by date."""
    return uow.people.questionnaires(key)


def get_scores(uow: UnitOfWork, *, key: str,
               instruments: Instruments | None = None) -> builtins.list[Change]:
    """Every score of the person, by date, with its change and its MDC/MCID judgement."""
    instruments = instruments or load_instruments()
    return changes(scores(uow.people.questionnaires(key), instruments), instruments)


Answered = tuple[int, QuestionnaireResponse, builtins.list[Change]]
"""A stored response's id (for corrections), the response, and its scores with their changes."""


def answered(uow: UnitOfWork, *, key: str,
             instruments: Instruments | None = None) -> builtins.list[Answered]:
    """Every response of the person with its id, oldest first, each with its scores and
    their changes (judged over the whole history, as :func:`get_scores` does)."""
    instruments = instruments or load_instruments()
    stored = [(i, r) for i, r in uow.people.records(key, "questionnaire")
              if isinstance(r, QuestionnaireResponse)]
    every = changes(scores([r for _, r in stored], instruments), instruments)
    out: builtins.list[Answered] = []
    at = 0
    for record_id, r in stored:
        n = len(score_response(instruments.get(r.instrument), r.answers, date=r.date,
                               side=r.side))
        out.append((record_id, r, every[at:at + n]))
        at += n
    return out


# --- plain words -----------------------------------------------------------------------------


SCALE_WORDS = {"cait": "Ankle steadiness (CAIT)", "faam_adl": "Daily activities (FAAM)",
               "faam_sports": "Sport (FAAM)", "confidence": "Confidence in the ankle",
               "pain_24h": "Worst pain over the last 24 hours"}
"""Each scale's name on a page."""

OP_WORDS = {">": "more than", ">=": "at least", "<=": "at most", "<": "under"}


def day_text(day: dt.date) -> str:
    """A date as the pages write it: ``Mon 2 Nov`` (the year only when not this year's)."""
    text = f"{day:%a} {day.day} {day:%b}"
    return text if day.year == dt.date.today().year else f"{text} {day.year}"


def amount(value: float, unit: str) -> str:
    """A score as people read it: ``28 out of 30``, ``92%``, ``8 out of 10``."""
    number = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    if unit == "/10":
        return f"{number} out of 10"
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}"


@dataclass(frozen=True, slots=True)
class Meaning:
    """A score in plain words: what it is, how it moved, and what clearance asks of it."""

    name: str
    score: str
    scale_text: str
    change: str
    tone: str
    """ok (a real change for the better), bad (for the worse), or '' (none to speak of)."""
    clearance: str | None
    met: bool | None


def meaning(ch: Change, protocol: Protocol, instruments: Instruments | None = None) -> Meaning:
    """What one score and its change mean, for the person who answered."""
    instruments = instruments or load_instruments()
    s = ch.score
    _, scale = instruments.scale(s.scale)
    low, high = scale.range
    name = SCALE_WORDS.get(s.scale, s.label)
    if s.side is not None:
        name += f", {s.side.value} ankle"
    better = "higher" if scale.higher_is_better else "lower"
    scale_text = (f"From {low:g} to {high:g}{'%' if s.unit == '%' else ''}; "
                  f"{better} is better.")
    if s.value is None:
        return Meaning(name, "No score", scale_text,
                       f"Too few questions had an answer that counts to give a score "
                       f"({s.answered} of {s.items}; at least {s.needed} are needed). "
                       f"Answering again with more of them fills it.", "", None, None)
    score = (f"{s.value:.0f} out of {high:g}" if s.unit == "points" else amount(s.value, s.unit))
    change, tone = _change_words(ch, scale.mdc, scale.mcid, s.unit)
    clearance, met = _clearance_words(ch, protocol)
    return Meaning(name, score, scale_text, change, tone, clearance, met)


def _change_words(ch: Change, mdc: object, mcid: object, unit: str) -> tuple[str, str]:
    if ch.previous is None or ch.change is None or ch.previous.value is None:
        return "Your first score here: next time you answer, it shows how it moved.", ""
    since = day_text(ch.previous.date)
    size = abs(ch.change)
    if round(size, 6) == 0:
        return f"The same as on {since}.", ""
    moved = f"{'Up' if ch.change > 0 else 'Down'} {amount(size, unit)} since {since}"
    if ch.judgement == "within_error":
        figure = getattr(mdc, "value", None)
        if figure is not None:
            return (f"{moved}. Answers can shift by up to {amount(figure, unit)} from one time "
                    f"to the next on their own, so read this as about the same.", "")
        figure = getattr(mcid, "value", None)
        return (f"{moved}. A change under {amount(figure or 0, unit)} can come from how the "
                f"questions were answered on the day, so read this as about the same.", "")
    tone = "ok" if ch.direction == "better" else "bad"
    if ch.judgement == "important":
        return (f"{moved}: a real change for the {ch.direction}, big enough to notice in "
                f"everyday life.", tone)
    if ch.judgement == "beyond_error":
        return (f"{moved}: more than answers shift on their own, so a real change for the "
                f"{ch.direction}, if still a small one.", tone)
    return (f"{moved}. There is no figure for how much this varies on its own, so read a "
            f"small change with care.", "")


def _clearance_words(ch: Change, protocol: Protocol) -> tuple[str | None, bool | None]:
    c = clearance_criterion(protocol, ch.score.scale)
    if c is None or ch.score.value is None:
        return None, None
    need = f"{OP_WORDS.get(c.op, c.op)} {fmt(c.threshold, c.unit).replace('/10', ' out of 10')}"
    each = "each ankle needs" if ch.score.side is not None else "this needs"
    met = c.passes(ch.score.value)
    verdict = "This one meets it." if met else "Not there yet."
    if not c.required:
        return f"Shown for clearance but not required: {need}. {verdict}", met
    return f"To be cleared to train normally, {each} {need}. {verdict}", met
