"""Charts as server-side SVG: no script, no network, no plotting library.

Each function returns :class:`markupsafe.Markup` holding one ``<svg>`` (with ``viewBox``,
``role="img"``, an ``aria-label`` and a ``<title>`` saying in words what it shows), ready to
drop into a template inside ``<div class="chart">`` (``static/anklet.css`` makes it fill the
width). Every chart handles empty data with a friendly "nothing yet" picture. All text from
a history (names, notes) is escaped.

The four charts and their signatures::

    dorsiflexion_chart(history, protocol, *, as_of=None) -> Markup
    asymmetry_chart(history, protocol, *, as_of=None) -> Markup
    pain_chart(history, protocol, *, as_of=None, weeks=8) -> Markup
    adherence_chart(history, protocol, library, *, as_of=None, weeks=8) -> Markup

``as_of`` (default: today) is the last day shown; anything dated after it is left out.

* **dorsiflexion_chart** — knee-to-wall distance (cm) per side over time. Lunge-angle
  measurements are converted to centimetres with the engine's own relation
  (:func:`anklet.domain.measures.dorsiflexion_cm`, Bennell1998: 1 cm ≈ 3.6°) and drawn as
  hollow points marked "from lunge angle (rough)": the relation is a slope, not a ratio, and
  other studies imply 2.5–2.9° per cm, so the chart says so and no decision uses it (gates
  judge an angle in degrees). Every ``dorsiflexion_cm`` gate criterion in the
  protocol is drawn as a dashed line at its threshold.
* **asymmetry_chart** — left minus right knee-to-wall distance (cm) for each day both sides
  were measured, with the band of the protocol's ``dorsiflexion`` asymmetry rule (±
  threshold) shaded: a point outside it is a difference worth acting on.
* **pain_chart** — pain during each logged session and next-morning pain (0–10) over the
  last ``weeks`` weeks, on the pain-monitoring zones of the protocol (safe up to
  ``safe_max``, acceptable up to ``acceptable_max``, too much above).
* **adherence_chart** — the share of the week's targets kept, week by week, for the stage
  the person was in that week (decided at the week's end, as
  :func:`anklet.services.evaluation.adherence` does), against the protocol's
  ``missed_sessions_pct`` line. The current week is drawn lighter and labelled "so far".

Points carry ``data-*`` attributes (side, date, value) and classes (``point left``,
``converted``, ``threshold``) so tests and scripts can read the picture back.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from anklet.domain.adherence import index_days, week_adherence
from anklet.domain.decisions import start_date, summarize
from anklet.domain.exercises import Library
from anklet.domain.feasibility import allowance
from anklet.domain.history import History
from anklet.domain.measures import DORSIFLEXION_KINDS, MeasureKind, dorsiflexion_cm
from anklet.domain.protocol import Protocol
from anklet.domain.runs import key_run_dates
from anklet.domain.units import DEGREES_PER_CM, SIDES, Side

__all__ = ["COLOURS", "Reading", "Target", "adherence_chart", "asymmetry_chart",
           "dorsiflexion_chart", "pain_chart", "series_chart"]

COLOURS = {Side.LEFT: "#2b6cb0", Side.RIGHT: "#c05621"}
"""Left and right, as in ``static/anklet.css`` (``--left``, ``--right``)."""

INK, MUTED, GRID = "#1d2321", "#5d6864", "#dde3e0"
DURING, MORNING = "#6b46c1", "#2c7a7b"
OK_BG, WARN_BG, BAD_BG = "#e6f4ea", "#fff4e0", "#fde8e6"
BAR, BAR_NOW = "#1f6f5c", "#9cc7bb"

W, H = 440, 270
"""The viewBox: at 390 px wide on a phone the 12-unit text reads at about 11 px."""
LEFT_M, RIGHT_M, TOP_M, BOTTOM_M = 44, 18, 46, 30
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"


# --- small drawing helpers ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scale:
    """A linear map from data values (``lo``..``hi``) to drawing units (``a``..``b``)."""

    lo: float
    hi: float
    a: float
    b: float

    def __call__(self, value: float) -> float:
        if self.hi == self.lo:
            return (self.a + self.b) / 2
        return self.a + (value - self.lo) / (self.hi - self.lo) * (self.b - self.a)


def nice_step(span: float, count: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^k) giving about ``count`` ticks over ``span``."""
    if span <= 0:
        return 1.0
    raw = span / count
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power  # pragma: no cover - the loop always returns


def ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    step = nice_step(hi - lo, count)
    first = math.ceil(lo / step - 1e-9) * step
    out = []
    v = first
    while v <= hi + 1e-9:
        out.append(round(v, 6))
        v += step
    return out


def nice_max(value: float, count: int = 5) -> float:
    """The smallest round number at or above ``value`` on the tick grid."""
    step = nice_step(value, count)
    return math.ceil(value / step - 1e-9) * step


def num(value: float) -> str:
    """A number as people write it: 10, 9.5, 2.8 (one decimal at most)."""
    r = round(value, 1) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{r:.0f}" if r == int(r) else f"{r:.1f}"


def shown(value: float) -> str:
    """:func:`num` with a typographic minus, for the text of a chart."""
    return num(value).replace("-", "−")


def _f(x: float) -> str:
    return f"{x:.1f}"


def day_label(d: dt.date, with_year: bool = False) -> str:
    return f"{d.day} {d:%b}" + (f" {d.year}" if with_year else "")


HALO = ' stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
"""A label's white outline, drawn under its letters (``paint-order``)."""


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 12,
          fill: str = INK, weight: str | None = None, cls: str | None = None,
          halo: bool = False) -> str:
    attrs = f'x="{_f(x)}" y="{_f(y)}" font-size="{size}" fill="{fill}"'
    if halo:  # a white outline keeps a label readable over lines and points
        attrs += HALO
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if cls:
        attrs += f' class="{cls}"'
    return f"<text {attrs}>{escape(content)}</text>"


# --- label layout: no two texts ever overlap ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in drawing units (x0 < x1, y0 < y1, y grows downwards)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def hits(self, other: Box, gap: float = 1.0) -> bool:
        """Whether the two overlap, or come closer than ``gap``."""
        return (self.x0 < other.x1 + gap and other.x0 < self.x1 + gap
                and self.y0 < other.y1 + gap and other.y0 < self.y1 + gap)

    def inside(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        return self.x0 >= x0 and self.y0 >= y0 and self.x1 <= x1 and self.y1 <= y1


def text_width(content: str, size: float, bold: bool = False) -> float:
    """A generous estimate of the drawn width of ``content``: per-character widths of DejaVu
    Sans, the widest of the fonts a browser picks for the chart's font list (Liberation,
    Roboto and Segoe UI are all narrower), so a label that fits here fits on screen."""
    em = 0.0
    for ch in content:
        if ch == " ":
            em += 0.33
        elif ch in "il.,:;'|!·":
            em += 0.34
        elif ch in "mwMW%—–":
            em += 1.0
        elif ch.isupper() or ch in "≥≤±−+<>=":
            em += 0.78
        elif ch.isdigit():
            em += 0.64
        else:
            em += 0.62
    return em * size * (1.1 if bold else 1.0)


def text_box(x: float, y: float, content: str, size: float, anchor: str = "start",
             bold: bool = False) -> Box:
    """The box a ``<text>`` at baseline (x, y) covers: ascent 0.93 em, descent 0.24 em
    (DejaVu Sans), the width from :func:`text_width`."""
    w = text_width(content, size, bold)
    x0 = x - w if anchor == "end" else x - w / 2 if anchor == "middle" else x
    return Box(x0, y - 0.93 * size, x0 + w, y + 0.24 * size)


Spot = tuple[float, float, str]
"""Where a label may go: its (x, baseline y, text-anchor)."""


class Layout:
    """The texts of one chart, placed so that no two overlap.

    Fixed texts (axes, legend) are drawn where they are asked for and registered first;
    marks (points, bars) are registered as things a label should not cover. A movable label
    (a threshold's name, a point's value) then takes the first of its candidate spots that
    is inside the picture and clear of every text already placed, preferring spots clear of
    the marks too. A label with no clear spot is left out: its value is in the chart's
    title, the point's tooltip and the table under the chart, never drawn over another."""

    def __init__(self) -> None:
        self.texts: list[Box] = []
        self.marks: list[Box] = []

    def fixed(self, x: float, y: float, content: str, *, anchor: str = "start",
              size: int = 12, weight: str | None = None, **kw: object) -> str:
        self.texts.append(text_box(x, y, content, size, anchor, weight is not None))
        return _text(x, y, content, anchor=anchor, size=size, weight=weight, **kw)  # type: ignore[arg-type]

    def mark(self, box: Box) -> None:
        self.marks.append(box)

    def dot(self, x: float, y: float, r: float = 5.0) -> None:
        self.marks.append(Box(x - r, y - r, x + r, y + r))

    def free(self, box: Box, *, over_marks: bool = False) -> bool:
        if not box.inside(0, 0, W, H):
            return False
        if any(box.hits(t) for t in self.texts):
            return False
        return over_marks or not any(box.hits(m, 0) for m in self.marks)

    def place(self, content: str, spots: Sequence[Spot], *, size: int = 11,
              weight: str | None = "600", **kw: object) -> str:
        """The ``<text>`` at the first clear spot, or "" when none is clear."""
        bold = weight is not None
        for over_marks in (False, True):
            for x, y, anchor in spots:
                box = text_box(x, y, content, size, anchor, bold)
                if self.free(box, over_marks=over_marks):
                    self.texts.append(box)
                    return _text(x, y, content, anchor=anchor, size=size, weight=weight,
                                 **kw)  # type: ignore[arg-type]
        return ""

    def value_label(self, x: float, y: float, content: str, *, fill: str,
                    below_first: bool = False, cls: str = "value") -> str:
        """A point's value: above it, below it, then to its right or left."""
        above, below = (x, y - 9, "middle"), (x, y + 17, "middle")
        spots = [below, above] if below_first else [above, below]
        spots += [(x + 9, y + 4, "start"), (x - 9, y + 4, "end")]
        return self.place(content, spots, fill=fill, cls=cls, halo=True)


def _svg(label: str, body: Iterable[str], *, kind: str) -> Markup:
    """The outer ``<svg>`` element with its accessible name."""
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
            f'aria-label="{escape(label)}" class="chart-{kind}" font-family="{FONT}" '
            f'preserveAspectRatio="xMidYMid meet">')
    return Markup(head + f"<title>{escape(label)}</title>" + "".join(body) + "</svg>")


def _empty(label: str, headline: str, hint: str, *, kind: str) -> Markup:
    """A chart frame with a friendly message in place of data."""
    body = [
        f'<rect x="{LEFT_M}" y="{TOP_M}" width="{W - LEFT_M - RIGHT_M}" '
        f'height="{H - TOP_M - BOTTOM_M}" rx="8" fill="#f6f7f5" stroke="{GRID}"/>',
        _text(W / 2, H / 2 + 2, headline, anchor="middle", size=15, weight="600",
              cls="empty"),
        _text(W / 2, H / 2 + 24, hint, anchor="middle", size=12, fill=MUTED),
    ]
    return _svg(f"{label}: {headline}", body, kind=kind)


LEGEND_ROWS = (16.0, 33.0)
"""Baselines of the legend's rows, above the plot (TOP_M)."""


def _legend(items: Sequence[tuple[str, str]], lay: Layout | None = None) -> list[str]:
    """The legend entries, each (swatch SVG at origin, label), in rows above the plot: an
    entry that would run past the right edge starts the next row (two rows at most; an
    entry beyond them is left out, the chart's title names everything)."""
    lay = lay or Layout()
    out = ['<g class="legend">']
    row, x = 0, float(LEFT_M)
    for swatch, label in items:
        width = 14 + text_width(label, 12) + 14
        if x + width - 14 > W - 4 and x > LEFT_M:
            row, x = row + 1, float(LEFT_M)
        if row >= len(LEGEND_ROWS):
            break
        y = LEGEND_ROWS[row]
        lay.texts.append(text_box(x + 14, y + 4, label, 12))
        lay.mark(Box(x - 4, y - 7, x + 12, y + 7))
        out.append(f'<g transform="translate({_f(x)},{_f(y)})">{swatch}'
                   f'{_text(14, 4, label, size=12)}</g>')
        x += width
    out.append("</g>")
    return out


def _dot(colour: str, hollow: bool = False) -> str:
    fill = "#fff" if hollow else colour
    return f'<circle cx="4" cy="0" r="4.5" fill="{fill}" stroke="{colour}" stroke-width="2"/>'


def _dash(colour: str) -> str:
    return f'<line x1="-4" y1="0" x2="12" y2="0" stroke="{colour}" stroke-width="2" ' \
           f'stroke-dasharray="5 3"/>'


def _box(colour: str) -> str:
    return f'<rect x="-2" y="-6" width="12" height="12" rx="2" fill="{colour}"/>'


@dataclass(frozen=True, slots=True)
class _Frame:
    """The plotting area, with its date scale (x) and value scale (y)."""

    x: Scale
    y: Scale

    @property
    def x0(self) -> float:
        return LEFT_M

    @property
    def x1(self) -> float:
        return W - RIGHT_M

    @property
    def y0(self) -> float:
        return H - BOTTOM_M

    @property
    def y1(self) -> float:
        return TOP_M

    def px(self, d: dt.date) -> float:
        return self.x(d.toordinal())


def _date_frame(first: dt.date, last: dt.date, lo: float, hi: float) -> _Frame:
    if first == last:  # one day: centre it in a week's width
        first, last = first - dt.timedelta(days=3), last + dt.timedelta(days=3)
    pad = max(1.0, (last.toordinal() - first.toordinal()) * 0.04)
    x = Scale(first.toordinal() - pad, last.toordinal() + pad, LEFT_M + 6, W - RIGHT_M - 6)
    return _Frame(x, Scale(lo, hi, H - BOTTOM_M, TOP_M))


def _y_axis(fr: _Frame, values: Sequence[float], unit: str,
            lay: Layout | None = None) -> list[str]:
    lay = lay or Layout()
    out = ['<g class="y-axis">']
    for v in values:
        y = fr.y(v)
        out.append(f'<line x1="{fr.x0}" y1="{_f(y)}" x2="{fr.x1}" y2="{_f(y)}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(lay.fixed(fr.x0 - 6, y + 4, shown(v), anchor="end", size=11, fill=MUTED))
    out.append(lay.fixed(4, TOP_M - 10, unit, size=11, fill=MUTED))
    out.append("</g>")
    return out


def _x_axis(fr: _Frame, first: dt.date, last: dt.date,
            lay: Layout | None = None) -> list[str]:
    """Up to five date labels, evenly spread, first and last always shown (one that would
    touch its neighbour is left out)."""
    lay = lay or Layout()
    span = (last - first).days
    n = min(5, span + 1)
    if n <= 1:
        picks = [first]
    else:
        picks = sorted({first + dt.timedelta(days=round(span * k / (n - 1))) for k in range(n)})
    with_year = first.year != last.year
    out = ['<g class="x-axis">',
           f'<line x1="{fr.x0}" y1="{fr.y0}" x2="{fr.x1}" y2="{fr.y0}" stroke="{MUTED}"/>']
    # the ends first, so a crowded middle gives way
    order = [*picks[:1], *picks[-1:], *picks[1:-1]] if len(picks) > 1 else picks
    for d in order:
        x = fr.px(d)
        out.append(f'<line x1="{_f(x)}" y1="{fr.y0}" x2="{_f(x)}" y2="{fr.y0 + 4}" '
                   f'stroke="{MUTED}"/>')
        label = day_label(d, with_year and d in (first, last))
        out.append(lay.place(label, [(x, fr.y0 + 17, "middle"), (max(x, fr.x0), fr.y0 + 17,
                                                                  "start"),
                                     (min(x, fr.x1), fr.y0 + 17, "end")],
                             weight=None, fill=MUTED))
    out.append("</g>")
    return out


Point = tuple[float, float]


def _threshold(fr: _Frame, value: float, label: str, colour: str = INK, *,
               avoid: Sequence[Point] = (), label_below: bool = False,
               lay: Layout | None = None) -> list[str]:
    """A dashed horizontal line at ``value``, labelled where the texts and points leave room:
    the right end, then the left, above the line or below it."""
    lay = lay or Layout()
    for px, py in avoid:
        lay.dot(px, py)
    y = fr.y(value)
    out = [f'<g class="threshold" data-value="{num(value)}">',
           f'<line x1="{fr.x0}" y1="{_f(y)}" x2="{fr.x1}" y2="{_f(y)}" stroke="{colour}" '
           f'stroke-width="1.5" stroke-dasharray="6 4"/>']
    if label:
        above = [(fr.x1 - 2, y - 5, "end"), (fr.x0 + 4, y - 5, "start")]
        below = [(fr.x1 - 2, y + 14, "end"), (fr.x0 + 4, y + 14, "start")]
        spots = below + above if label_below else above + below
        mid = (fr.x0 + fr.x1) / 2
        spots += [(mid, y - 5, "middle"), (mid, y + 14, "middle")]
        out.append(lay.place(label, spots, fill=colour, cls="threshold-label", halo=True))
    out.append("</g>")
    return out


def _today(as_of: dt.date | None) -> dt.date:
    return as_of or dt.date.today()


# --- dorsiflexion ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DorsiPoint:
    date: dt.date
    side: Side
    cm: float
    converted: bool
    """True for a lunge angle converted to cm."""
    raw: float
    note: str | None


def dorsiflexion_points(history: History, as_of: dt.date) -> list[DorsiPoint]:
    """Every knee-to-wall or lunge-angle measurement up to ``as_of``, in cm, by date."""
    return [DorsiPoint(m.date, m.side, dorsiflexion_cm(m.kind, m.value),
                       m.kind is MeasureKind.LUNGE_ANGLE, m.value, m.notes)
            for m in history.measurements
            if m.kind in DORSIFLEXION_KINDS and m.date <= as_of]


_OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


@dataclass(frozen=True, slots=True)
class Target:
    """A line drawn across a chart: a value the person is working toward.

    ``label`` is written by the line (where there is room), e.g. "Needed for stage 3:
    ≥ 10 cm"; ``legend`` names the line's swatch; ``words`` says it in the chart's title."""

    value: float
    label: str
    legend: str = "Target"
    words: str = ""


def dorsiflexion_thresholds(protocol: Protocol) -> list[tuple[float, str]]:
    """(cm, label) for each knee-to-wall gate criterion of the protocol, one per value."""
    seen: dict[float, str] = {}
    for stage in protocol.stages:
        for c in stage.gate:
            if c.metric == "dorsiflexion_cm" and c.threshold not in seen:
                op = _OPS.get(c.op, c.op)
                seen[c.threshold] = f"Target {op} {num(c.threshold)} cm"
    return sorted(seen.items())


def dorsiflexion_chart(history: History, protocol: Protocol, *,
                       as_of: dt.date | None = None,
                       targets: Sequence[Target] | None = None) -> Markup:
    """Knee-to-wall distance per side over time, lunge angles converted, and the targets
    dashed: ``targets`` (the person's own, see :mod:`anklet.web.progress`), or without
    them every knee-to-wall threshold of the protocol."""
    as_of = _today(as_of)
    name = history.person.name
    title = f"Knee-to-wall distance for {name}"
    points = dorsiflexion_points(history, as_of)
    if not points:
        return _empty(title, "No measurements yet",
                      "A knee-to-wall test on both sides will show here.", kind="dorsiflexion")
    if targets is None:
        targets = [Target(v, label) for v, label in dorsiflexion_thresholds(protocol)]
    thresholds = [(t.value, t.label) for t in targets]
    top = nice_max(max([p.cm for p in points] + [t for t, _ in thresholds] + [5.0]) * 1.12)
    first, last = points[0].date, points[-1].date
    fr = _date_frame(first, last, 0, top)
    lay = Layout()
    body: list[str] = []
    converted = any(p.converted for p in points)
    legend = [(_dot(COLOURS[Side.LEFT]), "Left"), (_dot(COLOURS[Side.RIGHT]), "Right")]
    if converted:
        legend.append((_dot(MUTED, hollow=True), "From lunge angle (rough)"))
    if targets:
        legend.append((_dash(INK), targets[0].legend))
    body += _legend(legend, lay)
    body += _y_axis(fr, ticks(0, top), "cm", lay)
    drawn = [(fr.px(p.date), fr.y(p.cm)) for p in points]
    for x, y in drawn:
        lay.dot(x, y)
    body += _x_axis(fr, first, last, lay)
    for value, label in thresholds:
        body += _threshold(fr, value, label, lay=lay)
    by_side = {s: [p for p in points if p.side is s] for s in SIDES}
    label_all = all(len(v) <= 6 for v in by_side.values())
    labels: list[str] = []
    for side in SIDES:
        pts = by_side[side]
        if not pts:
            continue
        colour = COLOURS[side]
        other = {p.date: p.cm for p in by_side[side.other]}
        body.append(f'<g class="series {side.value}">')
        if len(pts) > 1:
            coords = " ".join(f"{_f(fr.px(p.date))},{_f(fr.y(p.cm))}" for p in pts)
            body.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                        f'stroke-width="2.5" stroke-linejoin="round"/>')
        for i, p in enumerate(pts):
            x, y = fr.px(p.date), fr.y(p.cm)
            cls = f"point {side.value}" + (" converted" if p.converted else "")
            tip = f"{side.value.capitalize()}, {day_label(p.date, True)}: {num(p.cm)} cm"
            if p.converted:
                tip += (f" (lunge angle {num(p.raw)}° ÷ {num(DEGREES_PER_CM)}, a rough "
                        f"conversion; decisions judge the angle itself)")
            if p.note:
                tip += f". {p.note}"
            body.append(
                f'<circle class="{cls}" cx="{_f(x)}" cy="{_f(y)}" r="5" '
                f'fill="{"#fff" if p.converted else colour}" stroke="{colour}" '
                f'stroke-width="2.5" data-side="{side.value}" data-date="{p.date.isoformat()}" '
                f'data-value="{num(p.cm)}"><title>{escape(tip)}</title></circle>')
            if label_all or i == len(pts) - 1:
                below = other.get(p.date, -1.0) > p.cm
                labels.append(lay.value_label(x, y, num(p.cm), fill=colour,
                                              below_first=below))
        body.append("</g>")
    body += labels
    latest = "; ".join(f"{s.value} {num(by_side[s][-1].cm)} cm on {day_label(by_side[s][-1].date, True)}"
                       for s in SIDES if by_side[s])
    words = f"{title}, {len(points)} measurement(s); latest: {latest}"
    if targets:
        words += "; " + ", ".join(t.words or t.label for t in targets)
    if converted:
        words += ("; hollow points are lunge angles converted roughly to cm (1 cm ≈ 3.6°, "
                  "studies differ); decisions judge the angle itself")
    return _svg(words + ".", body, kind="dorsiflexion")


# --- any test or score over time ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reading:
    """One value to draw: a test on one side, or a questionnaire score."""

    date: dt.date
    series: str
    """"left" or "right" for a test with sides, else the name of the line (e.g. "Score")."""
    value: float
    note: str | None = None


SERIES_COLOURS = [INK, DURING, MORNING]
"""Colours for lines that are not a side, in order."""


def series_chart(title: str, readings: Sequence[Reading], *, kind: str, unit: str,
                 targets: Sequence[Target] = (), empty: str = "Not tested yet",
                 hint: str = "", lo: float = 0.0, hi: float | None = None) -> Markup:
    """Values over time, one line per series (sides in their colours), each target dashed
    and labelled where there is room, no label over another. ``unit`` is written after each
    value ("reps", "s", "cm", "%", "/10", "points"); ``hi`` fixes the top of the scale (a
    score's maximum), otherwise it is fitted to the values and targets."""
    if not readings:
        return _empty(title, empty, hint, kind=kind)
    values = [r.value for r in readings] + [t.value for t in targets]
    top = hi if hi is not None else nice_max(max([*values, 1.0]) * 1.15)
    bottom = min(lo, min(values))
    first, last = min(r.date for r in readings), max(r.date for r in readings)
    fr = _date_frame(first, last, bottom, top)
    lay = Layout()
    names = list(dict.fromkeys(r.series for r in readings))
    sides = [n for n in ("left", "right") if n in names]
    others = [n for n in names if n not in sides]
    colour = {**{s.value: COLOURS[s] for s in SIDES},
              **{n: SERIES_COLOURS[i % len(SERIES_COLOURS)] for i, n in enumerate(others)}}
    legend = [(_dot(colour[n]), n.capitalize() if n in sides else n) for n in sides + others]
    for i, t in enumerate(targets):
        legend.append((_dash(TARGET_COLOURS[i % len(TARGET_COLOURS)]), t.legend))
    body: list[str] = []
    body += _legend(legend, lay)
    body += _y_axis(fr, ticks(bottom, top), unit, lay)
    for r in readings:
        lay.dot(fr.px(r.date), fr.y(r.value))
    body += _x_axis(fr, first, last, lay)
    for i, t in enumerate(targets):
        body += _threshold(fr, t.value, t.label, TARGET_COLOURS[i % len(TARGET_COLOURS)],
                           lay=lay)
    by_series = {n: [r for r in readings if r.series == n] for n in sides + others}
    label_all = all(len(v) <= 6 for v in by_series.values())
    suffix = unit if unit in ("%", "/10", "°") else f" {unit}"
    labels: list[str] = []
    for n, pts in by_series.items():
        c = colour[n]
        slug = n if n in sides else "series-" + "".join(ch if ch.isalnum() else "-"
                                                        for ch in n.lower())
        body.append(f'<g class="series {slug}">')
        if len(pts) > 1:
            coords = " ".join(f"{_f(fr.px(r.date))},{_f(fr.y(r.value))}" for r in pts)
            body.append(f'<polyline points="{coords}" fill="none" stroke="{c}" '
                        f'stroke-width="2.5" stroke-linejoin="round"/>')
        for i, r in enumerate(pts):
            x, y = fr.px(r.date), fr.y(r.value)
            who = n.capitalize() if n in sides else n
            tip = f"{who}, {day_label(r.date, True)}: {num(r.value)}{suffix}"
            if r.note:
                tip += f". {r.note}"
            body.append(f'<circle class="point {slug}" cx="{_f(x)}" cy="{_f(y)}" r="5" '
                        f'fill="{c}" stroke="{c}" stroke-width="2" data-side="{escape(n)}" '
                        f'data-date="{r.date.isoformat()}" data-value="{num(r.value)}">'
                        f'<title>{escape(tip)}</title></circle>')
            if label_all or i == len(pts) - 1:
                others_here = [o.value for o in readings
                               if o.date == r.date and o.series != n]
                below = any(v > r.value for v in others_here)
                labels.append(lay.value_label(x, y, num(r.value), fill=c, below_first=below))
        body.append("</g>")
    body += labels
    latest = "; ".join(
        f"{(n.capitalize() if n in sides else n)} {num(pts[-1].value)}{suffix} on "
        f"{day_label(pts[-1].date, True)}" for n, pts in by_series.items())
    words = f"{title}, {len(readings)} result(s); latest: {latest}"
    if targets:
        words += "; " + "; ".join(t.words or t.label for t in targets)
    return _svg(words + ".", body, kind=kind)


TARGET_COLOURS = [INK, "#8a4b00"]
"""The first target line in ink, a second in dark amber (both over 4.5:1 on white)."""


# --- asymmetry ------------------------------------------------------------------------------


def asymmetry_pairs(history: History, as_of: dt.date) -> list[tuple[dt.date, float, float]]:
    """(date, left cm, right cm) for each day both sides were measured (the day's last)."""
    day: dict[dt.date, dict[Side, float]] = {}
    for p in dorsiflexion_points(history, as_of):
        day.setdefault(p.date, {})[p.side] = p.cm
    return [(d, v[Side.LEFT], v[Side.RIGHT]) for d, v in sorted(day.items())
            if Side.LEFT in v and Side.RIGHT in v]


def asymmetry_chart(history: History, protocol: Protocol, *,
                    as_of: dt.date | None = None) -> Markup:
    """Left minus right knee-to-wall distance over time, in the protocol's asymmetry band."""
    as_of = _today(as_of)
    title = f"Left–right knee-to-wall difference for {history.person.name}"
    pairs = asymmetry_pairs(history, as_of)
    if not pairs:
        return _empty(title, "No measurements yet",
                      "Measure both sides on the same day to compare them.", kind="asymmetry")
    rule = next((r for r in protocol.asymmetry if r.measure == "dorsiflexion"), None)
    band = rule.threshold if rule and rule.kind == "difference" else None
    diffs = [lv - rv for _, lv, rv in pairs]
    reach = nice_max(max([abs(d) for d in diffs] + [band or 0.0, 1.0]) * 1.25)
    first, last = pairs[0][0], pairs[-1][0]
    fr = _date_frame(first, last, -reach, reach)
    lay = Layout()
    body: list[str] = []
    legend = [(_dot(INK), "Left − right")]
    if band is not None:
        legend.append((_box(OK_BG), f"Within ±{num(band)} cm"))
    body += _legend(legend, lay)
    if band is not None:
        yt, yb = fr.y(band), fr.y(-band)
        body.append(f'<rect class="band" x="{fr.x0}" y="{_f(yt)}" width="{fr.x1 - fr.x0}" '
                    f'height="{_f(yb - yt)}" fill="{OK_BG}" data-low="{num(-band)}" '
                    f'data-high="{num(band)}"/>')
    body += _y_axis(fr, ticks(-reach, reach), "cm", lay)
    for (d, _, _), v in zip(pairs, diffs, strict=True):
        lay.dot(fr.px(d), fr.y(v))
    body += _x_axis(fr, first, last, lay)
    body.append(f'<line x1="{fr.x0}" y1="{_f(fr.y(0))}" x2="{fr.x1}" y2="{_f(fr.y(0))}" '
                f'stroke="{MUTED}" stroke-width="1"/>')
    body.append(lay.fixed(fr.x0 + 6, fr.y1 + 14, "Left reaches further", size=11,
                          fill=COLOURS[Side.LEFT], weight="600", halo=True))
    body.append(lay.fixed(fr.x0 + 6, fr.y0 - 7, "Right reaches further", size=11,
                          fill=COLOURS[Side.RIGHT], weight="600", halo=True))
    if band is not None:
        body += _threshold(fr, band, f"±{num(band)} cm", MUTED, lay=lay)
        body += _threshold(fr, -band, "", MUTED, lay=lay)
    body.append('<g class="series difference">')
    if len(pairs) > 1:
        coords = " ".join(f"{_f(fr.px(d))},{_f(fr.y(v))}"
                          for (d, _, _), v in zip(pairs, diffs, strict=True))
        body.append(f'<polyline points="{coords}" fill="none" stroke="{INK}" stroke-width="2"/>')
    label_all = len(pairs) <= 8
    labels: list[str] = []
    for i, ((d, lv, rv), v) in enumerate(zip(pairs, diffs, strict=True)):
        x, y = fr.px(d), fr.y(v)
        outside = band is not None and round(abs(v), 6) > band
        colour = "#b3261e" if outside else INK
        tip = (f"{day_label(d, True)}: left {num(lv)} cm, right {num(rv)} cm, difference "
               f"{num(abs(v))} cm" + (" — beyond the band" if outside else ""))
        body.append(f'<circle class="point{" outside" if outside else ""}" cx="{_f(x)}" '
                    f'cy="{_f(y)}" r="5" fill="{colour}" data-date="{d.isoformat()}" '
                    f'data-value="{num(v)}"><title>{escape(tip)}</title></circle>')
        if label_all or i == len(pairs) - 1:
            labels.append(lay.value_label(x, y, shown(v), fill=colour, below_first=v < 0))
    body.append("</g>")
    body += labels
    latest = diffs[-1]
    side_more = "left" if latest > 0 else "right"
    words = (f"{title}: {len(pairs)} day(s) with both sides measured; latest "
             f"{num(abs(latest))} cm" + (f" (the {side_more} side reaches further)"
                                          if latest else ""))
    if band is not None:
        words += f"; a difference within ±{num(band)} cm is not counted as an asymmetry"
    return _svg(words + ".", body, kind="asymmetry")


# --- pain -----------------------------------------------------------------------------------


def pain_chart(history: History, protocol: Protocol, *, as_of: dt.date | None = None,
               weeks: int = 8) -> Markup:
    """Pain during each session and next morning (0–10) over the last ``weeks`` weeks."""
    as_of = _today(as_of)
    since = as_of - dt.timedelta(days=7 * weeks - 1)
    title = f"Pain during sessions and next morning for {history.person.name}"
    sessions = [s for s in history.sessions if since <= s.date <= as_of]
    if not sessions:
        return _empty(title, "No sessions logged yet",
                      f"Log a session with its pain to see the last {weeks} weeks here.",
                      kind="pain")
    safe = protocol.pain_monitoring.safe_max.value
    ok = protocol.pain_monitoring.acceptable_max.value
    fr = _date_frame(since, as_of, 0, 10)
    lay = Layout()
    body: list[str] = []
    body += _legend([(_dot(DURING), "During"), (_dot(MORNING, hollow=True), "Next morning"),
                     (_box(OK_BG), f"Safe 0–{num(safe)}"), (_box(BAD_BG), f"Over {num(ok)}")],
                    lay)
    zones = [(0, safe, OK_BG, "safe"), (safe, ok, WARN_BG, "acceptable"),
             (ok, 10, BAD_BG, "too-much")]
    for lo, hi, colour, name in zones:
        if hi > lo:
            body.append(f'<rect class="zone {name}" x="{fr.x0}" y="{_f(fr.y(hi))}" '
                        f'width="{fr.x1 - fr.x0}" height="{_f(fr.y(lo) - fr.y(hi))}" '
                        f'fill="{colour}" data-low="{num(lo)}" data-high="{num(hi)}"/>')
    body += _y_axis(fr, [0, 2, 4, 6, 8, 10], "/10", lay)
    body += _x_axis(fr, since, as_of, lay)
    drawn = [(fr.px(s.date), fr.y(v)) for s in sessions
             for v in (s.pain_during, s.pain_next_morning) if v is not None]
    body += _threshold(fr, ok, f"Over {num(ok)}: too much", "#b3261e", avoid=drawn, lay=lay)
    body += _threshold(fr, safe, "", "#1d7a3e", lay=lay)  # the legend names the safe zone
    series = {"during": [(s, s.pain_during) for s in sessions],
              "morning": [(s, s.pain_next_morning) for s in sessions
                          if s.pain_next_morning is not None]}
    for label, colour, hollow in (("during", DURING, False), ("morning", MORNING, True)):
        pts = [(s, v) for s, v in series[label] if v is not None]
        body.append(f'<g class="series {label}">')
        if len(pts) > 1:
            coords = " ".join(f"{_f(fr.px(s.date))},{_f(fr.y(v))}" for s, v in pts)
            body.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                        f'stroke-width="1.5" stroke-opacity="0.7"/>')
        for s, v in pts:
            x, y = fr.px(s.date), fr.y(v)
            what = "during the session" if label == "during" else "next morning"
            tip = f"{day_label(s.date, True)}: pain {v}/10 {what}"
            if s.notes:
                tip += f". {s.notes}"
            body.append(f'<circle class="point {label}" cx="{_f(x + (2 if hollow else -2))}" '
                        f'cy="{_f(y)}" r="4.5" fill="{"#fff" if hollow else colour}" '
                        f'stroke="{colour}" stroke-width="2" data-date="{s.date.isoformat()}" '
                        f'data-value="{v}"><title>{escape(tip)}</title></circle>')
        body.append("</g>")
    worst = max(s.pain_during for s in sessions)
    mornings = [s.pain_next_morning for s in sessions if s.pain_next_morning is not None]
    words = (f"{title}: {len(sessions)} session(s) in the last {weeks} weeks; highest pain "
             f"during {worst}/10")
    if mornings:
        words += f", highest next morning {max(mornings)}/10"
    words += f". Up to {num(safe)} is safe, over {num(ok)} is too much."
    return _svg(words, body, kind="pain")


# --- adherence ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeekKept:
    start: dt.date
    stage: int
    pct: float
    complete: bool


def weekly_adherence(history: History, protocol: Protocol, library: Library, *,
                     as_of: dt.date, weeks: int) -> list[WeekKept]:
    """The share of targets kept in each of the last ``weeks`` weeks (Monday to Sunday),
    from the person's first week on; each week against the stage decided at its end (or at
    ``as_of`` for the current week)."""
    begin = start_date(history)
    if begin is None or begin > as_of:
        return []
    this_monday = as_of - dt.timedelta(days=as_of.weekday())
    first_monday = begin - dt.timedelta(days=begin.weekday())
    mondays = [this_monday - dt.timedelta(days=7 * k) for k in reversed(range(weeks))]
    mondays = [m for m in mondays if m >= first_monday]
    days = index_days(history.sessions, library)
    recorded = (key_run_dates(history.recorded_activities, protocol.runs)
                if history.recorded_activities else frozenset())
    out = []
    for monday in mondays:
        end = min(monday + dt.timedelta(days=6), as_of)
        d = summarize(history, protocol=protocol, library=library, as_of=end)
        stage = protocol.stage(d.stage or 1)
        a = week_adherence(stage, days, history.planned_runs, monday, recorded,
                           allowed=allowance(stage, history.availability.minutes(), library))
        out.append(WeekKept(monday, stage.number, a.pct, end == monday + dt.timedelta(days=6)))
    return out


def adherence_chart(history: History, protocol: Protocol, library: Library, *,
                    as_of: dt.date | None = None, weeks: int = 8) -> Markup:
    """Weekly share of the stage's targets kept, against the missed-sessions line."""
    as_of = _today(as_of)
    title = f"Weekly targets kept by {history.person.name}"
    rows = (weekly_adherence(history, protocol, library, as_of=as_of, weeks=weeks)
            if history.sessions else [])
    if not rows:
        return _empty(title, "No sessions logged yet",
                      "Each week's share of the plan kept will show here.", kind="adherence")
    line = protocol.settings.missed_sessions_pct.value
    fr = _Frame(Scale(0, len(rows), LEFT_M + 4, W - RIGHT_M), Scale(0, 100, H - BOTTOM_M, TOP_M))
    lay = Layout()
    body: list[str] = []
    legend = [(_box(BAR), "Targets kept"), (_dash(INK), f"Aim: {num(line)}%")]
    if not rows[-1].complete:
        legend.insert(1, (_box(BAR_NOW), "This week so far"))
    body += _legend(legend, lay)
    body += _y_axis(fr, [0, 25, 50, 75, 100], "%", lay)
    slot = (fr.x1 - fr.x0) / len(rows)
    bar_w = min(34.0, slot * 0.62)
    body.append(f'<line x1="{fr.x0}" y1="{fr.y0}" x2="{fr.x1}" y2="{fr.y0}" stroke="{MUTED}"/>')
    body.append('<g class="bars">')
    step = max(1, math.ceil(len(rows) / 6))  # at most about six date labels
    tops: list[tuple[float, float, WeekKept]] = []
    for i, r in enumerate(rows):
        cx = fr.x0 + slot * (i + 0.5)
        y = fr.y(r.pct)
        tops.append((cx, y, r))
        colour = BAR if r.complete else BAR_NOW
        words = (f"Week of {day_label(r.start, True)} (stage {r.stage}): {num(r.pct)}% of the "
                 f"targets kept" + ("" if r.complete else " so far"))
        body.append(f'<rect class="bar{"" if r.complete else " current"}" x="{_f(cx - bar_w / 2)}" '
                    f'y="{_f(y)}" width="{_f(bar_w)}" height="{_f(fr.y0 - y)}" fill="{colour}" '
                    f'data-week="{r.start.isoformat()}" data-value="{num(r.pct)}" '
                    f'data-stage="{r.stage}"><title>{escape(words)}</title></rect>')
        lay.mark(Box(cx - bar_w / 2, y, cx + bar_w / 2, fr.y0))
        if i % step == 0 or i == len(rows) - 1:
            body.append(lay.place(day_label(r.start), [(cx, fr.y0 + 14, "middle")],
                                  weight=None, fill=MUTED))
        if i == 0 or rows[i - 1].stage != r.stage:  # the stage, where it starts or changes
            body.append(lay.place(f"Stage {r.stage}", [(cx, fr.y0 + 27, "middle"),
                                                       (cx - bar_w / 2, fr.y0 + 27, "start")],
                                  size=10, weight=None, fill=MUTED, cls="stage"))
    body.append("</g>")
    body += _threshold(fr, line, f"Aim {num(line)}%", lay=lay)
    body.append('<g class="bar-values">')
    for cx, y, r in tops:
        text = f"{r.pct:.0f}%"
        inside = "#fff" if r.complete else INK
        body.append(lay.place(text, [(cx, y - 5, "middle")], fill=INK, cls="value")
                    or lay.place(text, [(cx, y + 14, "middle")], fill=inside, cls="value")
                    if fr.y0 - y > 18 else lay.place(text, [(cx, y - 5, "middle")], fill=INK,
                                                     cls="value"))
    body.append("</g>")
    kept = sum(1 for r in rows if r.complete and r.pct >= line)
    complete = sum(1 for r in rows if r.complete)
    words = (f"{title}, week by week: {kept} of {complete} complete week(s) at or above "
             f"{num(line)}%; latest week {num(rows[-1].pct)}%"
             + ("" if rows[-1].complete else " so far") + ".")
    return _svg(words, body, kind="adherence")
