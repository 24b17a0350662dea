"""Anklet: assess, stage, plan and track ankle and foot mobility work.

The public API is small on purpose; everything else is internal.
"""

from anklet.domain.decisions import Decision, decide
from anklet.domain.errors import AnkletError, DataFileError, InputError, NotFoundError
from anklet.domain.history import History
from anklet.domain.planner import WeekPlan, plan_week
from anklet.domain.protocol import Protocol, load_protocol

__all__ = [
    "AnkletError",
    "DataFileError",
    "Decision",
    "History",
    "InputError",
    "NotFoundError",
    "Protocol",
    "WeekPlan",
    "decide",
    "load_protocol",
    "plan_week",
]

__version__ = "0.1.0"
