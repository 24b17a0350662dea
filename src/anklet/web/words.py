"""Plain words for the pages: the engine's sentences as people read them.

The decision engine writes its reasons for every reader (the CLI, the API, the pages): dates
as ``2026-11-23``, sources as ``[Silbernagel2007]``. A page shows dates as "Mon 23 Nov"
and a source as a reference people can read ("Silbernagel 2007") — on a coach's page only:
a client's page leaves it out. The amount of each exercise is said against the starting
amount ("40 % more than at the start"), never as a factor.

Registered as Jinja filters in :mod:`anklet.web.templating`: ``plain`` (``text|plain`` on a
client's page, ``text|plain(coach=True)`` on a coach's) and ``amount``.
"""

from __future__ import annotations

import datetime as dt
import re

from anklet.domain.units import amount

__all__ = ["amount", "cite", "day", "parts", "plain"]

_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ISO = re.compile(rf"\b(?:{_WEEKDAY} )?(\d{{4}})-(\d{{2}})-(\d{{2}})\b")
_SOURCE = re.compile(r"\s*\[([A-Za-z][A-Za-z-]*\d{4}[a-z]?|convention)\]")


def day(d: dt.date, today: dt.date | None = None) -> str:
    """"Mon 23 Nov" (with the year when it is not this year's)."""
    today = today or dt.date.today()
    text = f"{d:%a} {d.day} {d:%b}"
    return text if d.year == today.year else f"{text} {d.year}"


def cite(key: str | None) -> str:
    """A source key as people read a citation: "Silbernagel2007" → "Silbernagel 2007";
    "convention" (a number Anklet chose) → "Anklet's choice"."""
    if not key:
        return ""
    if key == "convention":
        return "Anklet's choice"
    return re.sub(r"(?<=[A-Za-z])(?=\d{4}[a-z]?$)", " ", key)


def plain(text: object, coach: bool = False, today: dt.date | None = None) -> str:
    """``text`` with its ISO dates as "Mon 23 Nov" (a weekday written before one is kept
    once) and its bracketed source keys as "(Silbernagel 2007)" for a coach, left out for a
    client."""
    if text is None:
        return ""

    def date(m: re.Match[str]) -> str:
        try:
            d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return m.group(0)
        return day(d, today)

    def source(m: re.Match[str]) -> str:
        return f" ({cite(m.group(1))})" if coach else ""

    return _SOURCE.sub(source, _ISO.sub(date, str(text)))


_LONG = 200
"""A reason longer than this (characters) is shown as its headline with the details folded."""


def parts(text: str) -> tuple[str, list[str]]:
    """A long reason as a headline and its items, for a page to fold: "Last change Mon 30
    Nov: Every criterion for stage 3 was met: A; B; C." → ("Last change Mon 30 Nov: Every
    criterion for stage 3 was met", ["A", "B", "C"]). The list starts after "… was met: "
    (the engine's words for a passed checklist), else after the first colon. A short
    reason, or one without a list, comes back whole with no items."""
    if len(text) <= _LONG:
        return text, []
    m = _MET.match(text)
    head, rest = (m.group(1), m.group(2)) if m else (text.partition(": ")[0],
                                                     text.partition(": ")[2])
    items = [i.strip() for i in _split(rest.rstrip(".")) if i.strip()]
    if not rest or len(items) < 2:
        return text, []
    return head, items


_MET = re.compile(r"^(.*? was met): (.*)$", re.S)


def _split(text: str) -> list[str]:
    """``text`` split at each "; " outside brackets."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth = max(0, depth - 1)
        elif c == ";" and depth == 0 and text[i + 1:i + 2] == " ":
            out.append(text[start:i])
            start = i + 2
    out.append(text[start:])
    return out
