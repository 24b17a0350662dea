"""What text a person may type: no NUL, no lone surrogates, no control characters.

A NUL cannot be stored by PostgreSQL, a lone surrogate cannot be written as UTF-8, and a
line break or an escape character in a name breaks a calendar feed or a terminal. So a
*line* (a name, a title, a token's name) is printable characters only, and a *text* (notes)
may also hold line breaks and tabs. The web API, the pages and the CLI all check new text
here; what was stored before is cleaned where it is written out (the calendar feed).
"""

from __future__ import annotations

import re

from anklet.domain.errors import InputError

__all__ = ["LINE_ACCEPTED", "LINE_PATTERN", "TEXT_ACCEPTED", "TEXT_PATTERN", "check_line", "line_problem",
           "safe_echo", "text_problem"]

LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$"
"""A single line: no control characters (C0, DEL, C1) and no line or paragraph separator."""
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
"""Multi-line text: as a line, but tabs and line breaks are kept."""

_LINE_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_TEXT_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

LINE_ACCEPTED = "text on one line, without control characters"
TEXT_ACCEPTED = "text without control characters (line breaks and tabs are fine)"


def _problem(value: str, bad: re.Pattern[str]) -> str | None:
    found = bad.search(value)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "a NUL character (\\x00) is not accepted"
    if "\ud800" <= char <= "\udfff":
        return f"a lone surrogate (\\u{ord(char):04x}) is not text"
    if char in "\n\r\u2028\u2029":
        return "a line break is not accepted here"
    return f"a control character (\\x{ord(char):02x}) is not accepted"


def line_problem(value: str) -> str | None:
    """Why ``value`` is not a single line of text, or None when it is one."""
    return _problem(value, _LINE_BAD)


def text_problem(value: str) -> str | None:
    """Why ``value`` is not acceptable multi-line text, or None when it is."""
    return _problem(value, _TEXT_BAD)


def safe_echo(value: str) -> str:
    """``value`` with every character :func:`text_problem` refuses shown as an escape, so an
    error message can name the value without carrying it."""
    return _TEXT_BAD.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def check_line(field: str, value: str, accepted: str = LINE_ACCEPTED) -> str:
    """``value`` if it is a single line of text; otherwise InputError naming ``field``."""
    problem = line_problem(value)
    if problem is not None:
        raise InputError(field, safe_echo(value), f"{accepted} ({problem})")
    return value
