"""Answered questionnaires: record them, list them, and each score over time."""

from __future__ import annotations

import builtins

from anklet.domain.history import QuestionnaireResponse
from anklet.domain.questionnaires import Change, Instruments, changes, load_instruments, scores
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
