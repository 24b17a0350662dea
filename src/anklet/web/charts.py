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

__all__ = ["COLOURS", "adherence_chart", "asymmetry_chart", "dorsiflexion_chart", "pain_chart"]

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


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 12,
          fill: str = INK, weight: str | None = None, cls: str | None = None,
          halo: bool = False) -> str:
    attrs = f'x="{_f(x)}" y="{_f(y)}" font-size="{size}" fill="{fill}"'
    if halo:  # a white outline keeps a label readable over lines and points
        attrs += ' stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if cls:
        attrs += f' class="{cls}"'
    return f"<text {attrs}>{escape(content)}</text>"


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


def _legend(items: Sequence[tuple[str, str]], y: float = 16) -> list[str]:
    """One row of legend entries; each item is (swatch SVG at origin, label)."""
    out = ['<g class="legend">']
    x = float(LEFT_M)
    for swatch, label in items:
        out.append(f'<g transform="translate({_f(x)},{_f(y)})">{swatch}'
                   f'{_text(14, 4, label, size=12)}</g>')
        x += 24 + 6.6 * len(label)
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


def _y_axis(fr: _Frame, values: Sequence[float], unit: str) -> list[str]:
    out = ['<g class="y-axis">']
    for v in values:
        y = fr.y(v)
        out.append(f'<line x1="{fr.x0}" y1="{_f(y)}" x2="{fr.x1}" y2="{_f(y)}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(_text(fr.x0 - 6, y + 4, shown(v), anchor="end", size=11, fill=MUTED))
    out.append(_text(4, TOP_M - 10, unit, size=11, fill=MUTED))
    out.append("</g>")
    return out


def _x_axis(fr: _Frame, first: dt.date, last: dt.date) -> list[str]:
    """Up to five date labels, evenly spread, first and last always shown."""
    span = (last - first).days
    n = min(5, span + 1)
    if n <= 1:
        picks = [first]
    else:
        picks = sorted({first + dt.timedelta(days=round(span * k / (n - 1))) for k in range(n)})
    with_year = first.year != last.year
    out = ['<g class="x-axis">',
           f'<line x1="{fr.x0}" y1="{fr.y0}" x2="{fr.x1}" y2="{fr.y0}" stroke="{MUTED}"/>']
    for d in picks:
        x = fr.px(d)
        out.append(f'<line x1="{_f(x)}" y1="{fr.y0}" x2="{_f(x)}" y2="{fr.y0 + 4}" '
                   f'stroke="{MUTED}"/>')
        out.append(_text(x, fr.y0 + 17, day_label(d, with_year and d in (first, last)),
                         anchor="middle", size=11, fill=MUTED))
    out.append("</g>")
    return out


Point = tuple[float, float]


def _label_spot(fr: _Frame, y: float, label: str, avoid: Sequence[Point],
                below_first: bool) -> tuple[float, str, float]:
    """Where a threshold's label collides least with the drawn points: (x, anchor, baseline),
    trying the right end, then the left, above the line and below it."""
    width = 6.4 * len(label) + 6
    spots = []
    for below in ((True, False) if below_first else (False, True)):
        base = y + 14 if below else y - 5
        spots += [(fr.x1 - 2, "end", base, fr.x1 - width), (fr.x0 + 4, "start", base,
                                                            fr.x0 + width)]

    def hits(spot: tuple[float, str, float, float]) -> int:
        x, _, base, other = spot
        lo, hi = min(x, other), max(x, other)
        # a point's own value label sits just above or below it: keep 16 units clear
        return sum(1 for px, py in avoid if lo - 6 <= px <= hi + 6 and abs(py - (base - 4)) < 16)

    best = min(spots, key=hits)  # min keeps the first of equals: the preferred spot
    return best[0], best[1], best[2]


def _threshold(fr: _Frame, value: float, label: str, colour: str = INK, *,
               avoid: Sequence[Point] = (), label_below: bool = False) -> list[str]:
    """A dashed horizontal line at ``value``, labelled where the points leave room."""
    y = fr.y(value)
    out = [f'<g class="threshold" data-value="{num(value)}">',
           f'<line x1="{fr.x0}" y1="{_f(y)}" x2="{fr.x1}" y2="{_f(y)}" stroke="{colour}" '
           f'stroke-width="1.5" stroke-dasharray="6 4"/>']
    if label:
        x, anchor, base = _label_spot(fr, y, label, avoid, label_below)
        out.append(_text(x, base, label, anchor=anchor, size=11, fill=colour, weight="600",
                         halo=True))
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


def dorsiflexion_thresholds(protocol: Protocol) -> list[tuple[float, str]]:
    """(cm, label) for each knee-to-wall gate criterion of the protocol, one per value."""
    seen: dict[float, str] = {}
    for stage in protocol.stages:
        for c in stage.gate:
            if c.metric == "dorsiflexion_cm" and c.threshold not in seen:
                op = _OPS.get(c.op, c.op)
                seen[c.threshold] = f"Stage {stage.number + 1} needs {op} {num(c.threshold)} cm"
    return sorted(seen.items())


def dorsiflexion_chart(history: History, protocol: Protocol, *,
                       as_of: dt.date | None = None) -> Markup:
    """Knee-to-wall distance per side over time, thresholds dashed, lunge angles converted."""
    as_of = _today(as_of)
    name = history.person.name
    title = f"Knee-to-wall distance for {name}"
    points = dorsiflexion_points(history, as_of)
    if not points:
        return _empty(title, "No measurements yet",
                      "A knee-to-wall test on both sides will show here.", kind="dorsiflexion")
    thresholds = dorsiflexion_thresholds(protocol)
    top = nice_max(max([p.cm for p in points] + [t for t, _ in thresholds] + [5.0]) * 1.12)
    first, last = points[0].date, points[-1].date
    fr = _date_frame(first, last, 0, top)
    body: list[str] = []
    converted = any(p.converted for p in points)
    legend = [(_dot(COLOURS[Side.LEFT]), "Left"), (_dot(COLOURS[Side.RIGHT]), "Right")]
    if converted:
        legend.append((_dot(MUTED, hollow=True), "From lunge angle (rough)"))
    if thresholds:
        legend.append((_dash(INK), "Target"))
    body += _legend(legend)
    body += _y_axis(fr, ticks(0, top), "cm")
    body += _x_axis(fr, first, last)
    drawn = [(fr.px(p.date), fr.y(p.cm)) for p in points]
    for value, label in thresholds:
        body += _threshold(fr, value, label, avoid=drawn)
    by_side = {s: [p for p in points if p.side is s] for s in SIDES}
    label_all = all(len(v) <= 6 for v in by_side.values())
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
                body.append(_text(x, y + 17 if below else y - 9, num(p.cm), anchor="middle",
                                  size=11, fill=colour, weight="600", cls="value", halo=True))
        body.append("</g>")
    latest = "; ".join(f"{s.value} {num(by_side[s][-1].cm)} cm on {day_label(by_side[s][-1].date, True)}"
                       for s in SIDES if by_side[s])
    words = f"{title}, {len(points)} measurement(s); latest: {latest}"
    if thresholds:
        words += "; target: " + ", ".join(f"{num(t)} cm" for t, _ in thresholds)
    if converted:
        words += ("; hollow points are lunge angles converted roughly to cm (1 cm ≈ 3.6°, "
                  "studies differ); decisions judge the angle itself")
    return _svg(words + ".", body, kind="dorsiflexion")


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
    body: list[str] = []
    legend = [(_dot(INK), "Left − right")]
    if band is not None:
        legend.append((_box(OK_BG), f"Within ±{num(band)} cm"))
    body += _legend(legend)
    if band is not None:
        yt, yb = fr.y(band), fr.y(-band)
        body.append(f'<rect class="band" x="{fr.x0}" y="{_f(yt)}" width="{fr.x1 - fr.x0}" '
                    f'height="{_f(yb - yt)}" fill="{OK_BG}" data-low="{num(-band)}" '
                    f'data-high="{num(band)}"/>')
    body += _y_axis(fr, ticks(-reach, reach), "cm")
    body += _x_axis(fr, first, last)
    body.append(f'<line x1="{fr.x0}" y1="{_f(fr.y(0))}" x2="{fr.x1}" y2="{_f(fr.y(0))}" '
                f'stroke="{MUTED}" stroke-width="1"/>')
    if band is not None:
        source = f" ({rule.source})" if rule else ""
        drawn = [(fr.px(d), fr.y(v)) for (d, _, _), v in zip(pairs, diffs, strict=True)]
        body += _threshold(fr, band, f"±{num(band)} cm{source}", MUTED, avoid=drawn)
        body += _threshold(fr, -band, "", MUTED)
    body.append(_text(fr.x0 + 6, fr.y1 + 14, "Left reaches further", size=11,
                      fill=COLOURS[Side.LEFT], weight="600", halo=True))
    body.append(_text(fr.x0 + 6, fr.y0 - 7, "Right reaches further", size=11,
                      fill=COLOURS[Side.RIGHT], weight="600", halo=True))
    body.append('<g class="series difference">')
    if len(pairs) > 1:
        coords = " ".join(f"{_f(fr.px(d))},{_f(fr.y(v))}"
                          for (d, _, _), v in zip(pairs, diffs, strict=True))
        body.append(f'<polyline points="{coords}" fill="none" stroke="{INK}" stroke-width="2"/>')
    label_all = len(pairs) <= 8
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
            body.append(_text(x, y - 9 if v >= 0 else y + 17, shown(v), anchor="middle",
                              size=11, fill=colour, weight="600", cls="value", halo=True))
    body.append("</g>")
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
    body: list[str] = []
    body += _legend([(_dot(DURING), "During"), (_dot(MORNING, hollow=True), "Next morning"),
                     (_box(OK_BG), f"Safe 0–{num(safe)}"), (_box(BAD_BG), f"Over {num(ok)}")])
    zones = [(0, safe, OK_BG, "safe"), (safe, ok, WARN_BG, "acceptable"),
             (ok, 10, BAD_BG, "too-much")]
    for lo, hi, colour, name in zones:
        if hi > lo:
            body.append(f'<rect class="zone {name}" x="{fr.x0}" y="{_f(fr.y(hi))}" '
                        f'width="{fr.x1 - fr.x0}" height="{_f(fr.y(lo) - fr.y(hi))}" '
                        f'fill="{colour}" data-low="{num(lo)}" data-high="{num(hi)}"/>')
    body += _y_axis(fr, [0, 2, 4, 6, 8, 10], "/10")
    body += _x_axis(fr, since, as_of)
    drawn = [(fr.px(s.date), fr.y(v)) for s in sessions
             for v in (s.pain_during, s.pain_next_morning) if v is not None]
    body += _threshold(fr, ok, f"Over {num(ok)}: too much", "#b3261e", avoid=drawn)
    body += _threshold(fr, safe, "", "#1d7a3e")  # the legend names the safe zone
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
    body: list[str] = []
    legend = [(_box(BAR), "Targets kept"), (_dash(INK), f"Aim: {num(line)}%")]
    if not rows[-1].complete:
        legend.insert(1, (_box(BAR_NOW), "This week so far"))
    body += _legend(legend)
    body += _y_axis(fr, [0, 25, 50, 75, 100], "%")
    slot = (fr.x1 - fr.x0) / len(rows)
    bar_w = min(34.0, slot * 0.62)
    body.append(f'<line x1="{fr.x0}" y1="{fr.y0}" x2="{fr.x1}" y2="{fr.y0}" stroke="{MUTED}"/>')
    body.append('<g class="bars">')
    step = max(1, math.ceil(len(rows) / 6))  # at most about six date labels
    for i, r in enumerate(rows):
        cx = fr.x0 + slot * (i + 0.5)
        y = fr.y(r.pct)
        colour = BAR if r.complete else BAR_NOW
        words = (f"Week of {day_label(r.start, True)} (stage {r.stage}): {num(r.pct)}% of the "
                 f"targets kept" + ("" if r.complete else " so far"))
        body.append(f'<rect class="bar{"" if r.complete else " current"}" x="{_f(cx - bar_w / 2)}" '
                    f'y="{_f(y)}" width="{_f(bar_w)}" height="{_f(fr.y0 - y)}" fill="{colour}" '
                    f'data-week="{r.start.isoformat()}" data-value="{num(r.pct)}" '
                    f'data-stage="{r.stage}"><title>{escape(words)}</title></rect>')
        body.append(_text(cx, y - 5, f"{r.pct:.0f}%", anchor="middle", size=11, weight="600",
                          cls="value"))
        if i % step == 0 or i == len(rows) - 1:
            body.append(_text(cx, fr.y0 + 14, day_label(r.start), anchor="middle", size=11,
                              fill=MUTED))
        body.append(_text(cx, fr.y0 + 26, f"S{r.stage}", anchor="middle", size=10, fill=MUTED))
    body.append("</g>")
    drawn = [(fr.x0 + slot * (i + 0.5), yy) for i, r in enumerate(rows)
             for yy in range(int(fr.y(r.pct)) - 12, int(fr.y0), 8)]
    body += _threshold(fr, line, f"Aim {num(line)}%", avoid=drawn)
    kept = sum(1 for r in rows if r.complete and r.pct >= line)
    complete = sum(1 for r in rows if r.complete)
    words = (f"{title}, week by week: {kept} of {complete} complete week(s) at or above "
             f"{num(line)}%; latest week {num(rows[-1].pct)}%"
             + ("" if rows[-1].complete else " so far") + ".")
    return _svg(words, body, kind="adherence")
