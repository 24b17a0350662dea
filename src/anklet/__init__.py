"""Anklet: assess, stage, plan and track ankle and foot mobility work.

The public API is small on purpose; everything else is internal. Its names are imported
when first used (``anklet.decide``), so importing a part of the package (the command line,
one domain module) does not build every model of the decision engine first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from anklet.domain.decisions import Decision, decide
    from anklet.domain.errors import AnkletError, DataFileError, InputError, NotFoundError
    from anklet.domain.history import History
    from anklet.domain.planner import WeekPlan, plan_week
    from anklet.domain.protocol import Protocol, load_protocol

_WHERE = {
    "Decision": "anklet.domain.decisions", "decide": "anklet.domain.decisions",
    "AnkletError": "anklet.domain.errors", "DataFileError": "anklet.domain.errors",
    "InputError": "anklet.domain.errors", "NotFoundError": "anklet.domain.errors",
    "History": "anklet.domain.history",
    "WeekPlan": "anklet.domain.planner", "plan_week": "anklet.domain.planner",
    "Protocol": "anklet.domain.protocol", "load_protocol": "anklet.domain.protocol",
}

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


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'anklet' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value  # looked up once
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
