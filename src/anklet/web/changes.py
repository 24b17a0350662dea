"""The "changes since the last test" rows of the person page and the progress page.

The judging is :mod:`anklet.domain.change`; this only puts it in plain words for the
pages: what the test reads now, how it moved since the last test and since the first,
and whether that is a real change or within measurement error. The figure it rests on
(the minimal detectable change, its source and whether the same person measured) goes
in a small note.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from anklet.domain.change import Comparison, MeasureChange, changes, num, signed
from anklet.domain.history import History
from anklet.domain.protocol import Protocol
from anklet.web.words import cite

RATERS_WORDS = {
    "same": "the same person measured both",
    "not_recorded": "who measured was not noted, so the same person is assumed",
    "different": "two different people measured",
    "one_recorded": "who measured was noted for one test only, so the larger margin is used",
}


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%b %Y}"


def verdict_words(c: Comparison) -> tuple[str, str]:
    """(words, tone) for a comparison: tone is a badge class (ok, bad, warn or '')."""
    if c.verdict == "real_change":
        if c.direction == "improved":
            return "a real improvement", "ok"
        return "a real step back", "bad"
    if c.verdict == "within_error":
        return "within measurement error", ""
    if c.verdict == "not_comparable":
        assert c.methods is not None
        return (f"measured a different way ({c.methods[0]}, then {c.methods[1]}), so not "
                f"comparable", "warn")
    return "no measurement-error figure for this test, so read it with care", ""


def _note(c: Comparison, unit: str) -> str | None:
    """The small print: the margin used, why that one, and its source."""
    if c.error is None:
        return None
    size = num(c.error, unit)
    said = (f"the smallest change people notice is {size}" if c.figure == "mcid"
            else f"a change up to {size} can be measuring error")
    who = f"; {RATERS_WORDS[c.raters]}" if c.raters else ""
    return f"{said[0].upper()}{said[1:]}{who} ({cite(c.source)})."


def _comparison(c: Comparison | None, unit: str) -> dict[str, Any] | None:
    if c is None:
        return None
    words, tone = verdict_words(c)
    return {"change": f"{signed(c.change, unit)}{'' if unit in ('°', '%') else ' ' + unit}",
            "from": f"{num(c.value, unit)} on {_day(c.date)}", "words": words, "tone": tone,
            "note": _note(c, unit)}


def change_row(c: MeasureChange) -> dict[str, Any]:
    """One row: the test, its latest value, and its change since the last and first test."""
    return {"name": c.name, "now": num(c.value, c.unit), "date": _day(c.date),
            "first": c.first, "tests": c.tests,
            "previous": _comparison(c.previous, c.unit),
            "baseline": _comparison(c.baseline, c.unit) if c.tests > 2 else None}


def change_rows(history: History, protocol: Protocol, as_of: dt.date) -> list[dict[str, Any]]:
    """Every test's and questionnaire's row, as of a date."""
    return [change_row(c) for c in changes(history, protocol, as_of)]
