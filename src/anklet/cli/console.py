"""The CLI's consoles: whatever they print has its control characters taken out on the way
to the terminal (see :func:`clean`), so a name holding an escape sequence cannot recolour,
retitle or rewrite the operator's terminal. Text from people is also escaped
(``rich.markup.escape``) or passed as :class:`~rich.text.Text`, so a name like
``[bold red]x[/]`` prints as written.

Kept apart from :mod:`anklet.cli.render` (which needs the domain's decisions and plans) so
that every command has its consoles without importing those.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderHook, RenderResult
from rich.highlighter import JSONHighlighter
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal may act on rather than show: C0 controls but tab and newline (ESC
starts colour, cursor and title sequences; BEL, backspace, carriage return), DEL, the C1
controls (0x9b is a one-byte CSI), and the Unicode bidirectional overrides and isolates,
which reorder how the text around them reads."""


def clean(text: str) -> str:
    """``text`` without the characters in :data:`CONTROL` (what is left of an escape
    sequence, ``[31m``, stays visible: the reader sees something odd was in the name)."""
    return CONTROL.sub("", text)


def print_json(console: Console, data: Any) -> None:
    """``data`` as indented, highlighted JSON (what ``--json`` prints). Every character of
    the data is kept: the few in :data:`CONTROL` that JSON allows raw (C1, the bidi ones)
    are written as ``\\uXXXX`` escapes, the same string to a JSON reader and nothing a
    terminal acts on, so the console's cleaning finds nothing to take out."""
    text = json.dumps(data, default=str, ensure_ascii=False, indent=2)
    text = CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    out = JSONHighlighter()(Text(text))
    out.no_wrap = True
    console.print(out, soft_wrap=True)


class _Cleaned:
    """A renderable as Rich lays it out, with :data:`CONTROL` taken out of its text. Rich's
    own control segments (cursor moves of a live display) pass; styles are applied by the
    console afterwards, so its colours stay. Control characters take no cells in Rich's
    layout, so taking them out keeps tables aligned."""

    def __init__(self, inner: ConsoleRenderable) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for seg in console.render(self.inner, options):
            if seg.control or not CONTROL.search(seg.text):
                yield seg
            else:
                yield Segment(clean(seg.text), seg.style)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.inner)


class _CleanHook(RenderHook):
    def process_renderables(self, renderables: list[ConsoleRenderable]
                            ) -> list[ConsoleRenderable]:
        return [_Cleaned(r) for r in renderables]


def console(*, stderr: bool = False) -> Console:
    """A console for the CLI that never writes a control character from the data it prints
    (see :class:`_Cleaned`); ``--json`` output goes through :func:`print_json`."""
    c = Console(stderr=stderr, emoji=False)  # ":warning:" in a name prints as written
    c.push_render_hook(_CleanHook())
    return c
