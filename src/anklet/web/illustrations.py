"""A picture for every exercise, drawn by Anklet from data (``data/illustrations.yaml``).

Every picture is two panels side by side – where you start and where you end – of one
figure seen from the side, facing right, on one shared model (:data:`SIZES`): a head, a
trunk, two arms and two legs with feet and toes. The leg and arm nearer to the viewer are
drawn dark, the far ones lighter. The part that moves is drawn in orange *and* with a
thicker line (colour is never the only cue), arrows show which way it moves, and props
(a ball under the foot, a wall, a step, a band, a weight, cones) are drawn in grey and blue.

A pose is a handful of angles in degrees, each the direction of a body segment measured
from straight down, positive towards the way the figure faces: a thigh at 90 points
straight forward (sitting), a shin at -30 has the knee in front of the ankle, a foot at 90
is flat and one at 50 has the heel up. The trunk has a ``lean`` (0 upright, 90 face down,
-90 on the back). Poses inherit from the named poses of the file (``like: sit``), so a new
exercise usually needs a few lines. Loading checks every pose against what a body can do
(a knee never bends backwards, an ankle stays within its range), every named point and
every exercise id; the layout puts the lowest point on the floor (or the step), so a foot
never goes through it.

The pictures are pure functions of the shipped data: made once, kept in memory, served
with a strong ETag (see :func:`svg_for`) and embedded as ``data:`` URLs in the printed
plan, so the PDF renderer fetches nothing.
"""

from __future__ import annotations

import base64
import hashlib
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal
from xml.sax.saxutils import escape, quoteattr

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from anklet.domain.datafile import parse_yaml, strip_lines
from anklet.domain.exercises import Category, Library, load_library

__all__ = ["Picture", "data_url", "describe", "layout", "picture", "svg_for"]

Point = tuple[float, float]

# --- the figure model ----------------------------------------------------------------------

SIZES = {"trunk": 50.0, "neck": 4.0, "head": 10.0, "upper": 27.0, "fore": 25.0,
         "thigh": 42.0, "shank": 41.0, "ankle": 7.0, "heel": 6.0, "ball": 18.0, "toes": 8.0}
"""Segment lengths in drawing units (about a centimetre each for a 1.7 m person; the feet
a little larger than life, since most of the work is theirs)."""

PANEL_W, PANEL_H, FLOOR, TOP, SIDE = 200.0, 232.0, 200.0, 8.0, 8.0
"""Each panel is 200 wide; the floor line is at y=200, captions sit under it."""

INK, FAR, MOVE, PROP, PROP_FILL, BALL, BAND, BG = (
    "#1f2a37", "#7b8794", "#b83d00", "#4b5563", "#d9dee4", "#1d4ed8", "#6d28d9", "#ffffff")
"""Dark figure on white; the moving part in a dark orange (5:1 on white) and thicker."""

LIMB, LIMB_MOVE, TRUNK, FOOT = 7.0, 10.5, 12.0, 3.5
CAPTION = {"font-family": "DejaVu Sans, system-ui, sans-serif", "font-size": "15",
           "font-weight": "bold", "fill": INK, "text-anchor": "middle"}
ARROW = {"fill": "none", "stroke": MOVE, "stroke-width": "2.5", "marker-end": "url(#h)"}
"""Presentation attributes, not a <style> sheet: the PDF renderer's SVG drawing reads these
and not every CSS rule inside an SVG."""
MIN_ARROW = 26.0

PARTS = ("near_thigh", "near_shank", "near_foot", "far_thigh", "far_shank", "far_foot",
         "near_upper", "near_fore", "far_upper", "far_fore", "trunk", "head")
GROUPS = {"near_leg": ("near_thigh", "near_shank", "near_foot"),
          "far_leg": ("far_thigh", "far_shank", "far_foot"),
          "near_arm": ("near_upper", "near_fore"), "far_arm": ("far_upper", "far_fore"),
          "legs": ("near_thigh", "near_shank", "near_foot", "far_thigh", "far_shank",
                   "far_foot"),
          "arms": ("near_upper", "near_fore", "far_upper", "far_fore")}
PART_WORDS = {"thigh": "thigh", "shank": "lower leg", "foot": "foot and toes",
              "upper": "upper arm", "fore": "forearm", "trunk": "body", "head": "head",
              "leg": "leg", "arm": "arm", "legs": "legs", "arms": "arms"}

JOINTS = ("hip", "shoulder", "head", "near_knee", "near_ankle", "near_heel", "near_ball",
          "near_toe", "near_toepad", "near_arch", "near_calf", "near_shin", "near_thigh_mid", "near_elbow",
          "near_hand", "far_knee", "far_ankle", "far_heel", "far_ball", "far_toe", "far_toepad", "far_arch",
          "far_calf", "far_shin", "far_thigh_mid", "far_elbow", "far_hand")


def _d(theta: float) -> Point:
    """The unit vector of a direction: 0 straight down, 90 forward, 180 up (y grows down)."""
    r = math.radians(theta)
    return math.sin(r), math.cos(r)


def _at(p: Point, theta: float, length: float) -> Point:
    dx, dy = _d(theta)
    return p[0] + dx * length, p[1] + dy * length


def _mix(a: Point, b: Point, t: float) -> Point:
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


# --- the data ------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Angle = Annotated[float, Field(ge=-270, le=270)]


class Pose(_Model):
    """Segment directions in degrees (see the module text); the defaults stand at ease."""

    lean: Angle = 0
    near_thigh: Angle = 0
    near_shank: Angle = 0
    near_foot: Angle = 90
    near_toes: Angle | None = None
    far_thigh: Angle = 0
    far_shank: Angle = 0
    far_foot: Angle = 90
    far_toes: Angle | None = None
    near_upper: Angle = 8
    near_fore: Angle = 16
    far_upper: Angle = -8
    far_fore: Angle = -2
    head: Annotated[float, Field(ge=-60, le=60)] = 0
    near_out: Annotated[float, Field(ge=0, le=75)] = 0
    """How far the near leg turns out of the picture's plane (an ankle resting on the other
    knee): its thigh and shin are drawn foreshortened by this angle."""

    def problems(self) -> list[str]:
        """What a body cannot do in this pose, in words (empty when it is fine)."""
        out: list[str] = []
        for side in ("near", "far"):
            thigh, shank, foot = (getattr(self, f"{side}_{s}") for s in ("thigh", "shank",
                                                                          "foot"))
            if side == "near" and self.near_out > 30:
                continue  # drawn foreshortened: its angles in the picture are not the joint's
            knee = thigh - shank
            if not 0 <= knee <= 165:
                out.append(f"the {side} knee bends {knee:g}° (0 to 165 forward is possible)")
            hip = thigh + self.lean
            if not -40 <= hip <= 150:
                out.append(f"the {side} hip bends {hip:g}° (-40 to 150 is possible)")
            ankle = foot - 90 - shank
            if not -95 <= ankle <= 45:
                out.append(f"the {side} ankle is at {ankle:g}° (-95 pointed to 45 pulled up "
                           f"is possible)")
            toes = self.toes(side)
            if not -40 <= toes - foot <= 80:
                out.append(f"the {side} toes bend {toes - foot:g}° (-40 to 80 is possible)")
            elbow = getattr(self, f"{side}_fore") - getattr(self, f"{side}_upper")
            if not 0 <= elbow <= 160:
                out.append(f"the {side} elbow bends {elbow:g}° (0 to 160 is possible)")
        return out

    def toes(self, side: str) -> float:
        """The toes' direction: given, or flat on the ground under a raised heel, or in line
        with the foot."""
        given: float | None = getattr(self, f"{side}_toes")
        if given is not None:
            return given
        foot: float = getattr(self, f"{side}_foot")
        return 90.0 if 30 <= foot < 90 else foot


class Ball(_Model):
    kind: Literal["ball", "roller"] = "ball"
    at: str
    r: Annotated[float, Field(ge=3, le=12)] = 7
    dx: float = 0
    dy: float | None = None  # None: resting under the point (the limb lies on it)


class Band(_Model):
    kind: Literal["band", "towel"] = "band"
    at: str
    to: str | tuple[float, float]


class Weight(_Model):
    kind: Literal["kettlebell", "dumbbell", "barbell"]
    at: str


class Block(_Model):
    """A support drawn from under a point of the figure down to the floor: a step, a plate,
    a box, a cushion. ``x0``/``x1`` run from the point backwards and forwards."""

    at: str
    x0: float = -8
    x1: float = 8
    kind: Literal["step", "plate", "cushion", "wedge"] = "step"


class Mark(_Model):
    """Something on the floor, ``x`` from the anchor: a cone, a line, a ladder, a wall."""

    kind: Literal["cone", "line", "ladder", "wall"]
    x: float
    to: float | None = None


class Arrow(_Model):
    """From where ``at`` is at the start to where it is at the end; or, with ``dx``/``dy``,
    from where it is at the end by that much. ``both`` draws a head at each end."""

    at: str
    dx: float | None = None
    dy: float | None = None
    both: bool = False
    ox: float = 0
    oy: float = 0
    bend: Annotated[float, Field(ge=-1, le=1)] = 0.25
    panel: Literal["start", "end"] = "end"


class Zoom(_Model):
    """A magnified circle of a small part (the foot and the ball), in the panel's top
    corner on ``side``; the figure moves over to leave it room."""

    at: str
    side: Literal["left", "right"] = "right"
    m: Annotated[float, Field(ge=1.5, le=4)] = 1.9


class Ground(_Model):
    at: str
    h: Annotated[float, Field(ge=0, le=100)] = 0


class Entry(_Model):
    start: str | dict[str, Any]
    end: str | dict[str, Any] | None = None
    moves: Annotated[list[str], Field(min_length=1)]
    anchor: str = "near_ankle"
    seat: Literal["chair", "bench"] | None = None
    balls: list[Ball] = Field(default_factory=list)
    bands: list[Band] = Field(default_factory=list)
    weights: list[Weight] = Field(default_factory=list)
    blocks: list[Block] = Field(default_factory=list)
    marks: list[Mark] = Field(default_factory=list)
    arrows: list[Arrow] = Field(default_factory=list)
    ground: Ground | None = None
    labels: tuple[str, str] = ("Start", "End")
    air: tuple[float, float] = (0, 0)  # how high each panel's figure is off the ground
    zoom: Zoom | None = None
    note: str | None = None


class IllustrationError(ValueError):
    """A problem in the illustrations file, naming the exercise and what is wrong."""


@dataclass(frozen=True)
class Data:
    poses: dict[str, Pose]
    entries: dict[str, tuple[Entry, Pose, Pose]]


def _pose(value: str | dict[str, Any], named: dict[str, dict[str, Any]], where: str
          ) -> dict[str, Any]:
    if isinstance(value, str):
        if value not in named:
            raise IllustrationError(f"{where}: no pose named {value!r}; the poses are "
                                    f"{', '.join(sorted(named))}")
        return dict(named[value])
    base = value.get("like")
    out = _pose(base, named, where) if isinstance(base, str) else {}
    out.update({k: v for k, v in value.items() if k != "like"})
    return out


def _check_point(name: str, where: str) -> None:
    if name not in JOINTS:
        raise IllustrationError(f"{where}: {name!r} is not a point of the figure; use one of "
                                f"{', '.join(JOINTS)}")


def parse(text: str, library: Library, *, name: str = "illustrations.yaml") -> Data:
    """Read and check the illustrations file against the exercise library."""
    raw = strip_lines(parse_yaml(text, name=name))
    if not isinstance(raw, dict) or not isinstance(raw.get("exercises"), dict):
        raise IllustrationError(f"{name}: expected 'poses' and 'exercises' mappings")
    named: dict[str, dict[str, Any]] = {}
    for key, value in (raw.get("poses") or {}).items():
        named[key] = _pose(value, named, f"{name}: pose {key!r}")
    poses: dict[str, Pose] = {}
    for key, value in named.items():
        try:
            poses[key] = Pose.model_validate(value)
        except ValidationError as e:
            raise IllustrationError(f"{name}: pose {key!r}: {e.errors()[0]['msg']}") from e
    entries: dict[str, tuple[Entry, Pose, Pose]] = {}
    for ex_id, value in raw["exercises"].items():
        where = f"{name}: exercise {ex_id!r}"
        if ex_id not in library:
            raise IllustrationError(f"{where}: no exercise has this id")
        try:
            entry = Entry.model_validate(value)
            start = Pose.model_validate(_pose(entry.start, named, where))
            end = Pose.model_validate(_pose(entry.end if entry.end is not None
                                            else entry.start, named, where))
        except ValidationError as e:
            err = e.errors()[0]
            raise IllustrationError(f"{where}: {'.'.join(map(str, err['loc']))}: "
                                    f"{err['msg']}") from e
        for label, pose in (("start", start), ("end", end)):
            if problems := pose.problems():
                raise IllustrationError(f"{where}: in the {label} pose {'; '.join(problems)}")
        for part in entry.moves:
            if part not in PARTS and part not in GROUPS:
                raise IllustrationError(f"{where}: moves: {part!r} is not a part; use one of "
                                        f"{', '.join((*PARTS, *GROUPS))}")
        points = [entry.anchor, *(b.at for b in entry.balls), *(b.at for b in entry.bands),
                  *(b.to for b in entry.bands if isinstance(b.to, str)),
                  *(w.at for w in entry.weights), *(b.at for b in entry.blocks),
                  *(a.at for a in entry.arrows), *([entry.ground.at] if entry.ground else []),
                  *([entry.zoom.at] if entry.zoom else [])]
        for p in points:
            _check_point(p, where)
        entries[ex_id] = (entry, start, end)
    missing = [e.id for e in library.exercises if e.id not in entries]
    if missing:
        raise IllustrationError(f"{name}: no picture for {', '.join(missing)}")
    return Data(poses, entries)


@cache
def _data() -> Data:
    text = resources.files("anklet.data").joinpath("illustrations.yaml").read_text("utf-8")
    return parse(text, load_library())


# --- the geometry --------------------------------------------------------------------------


def joints(pose: Pose) -> dict[str, Point]:
    """Every named point of the figure in a pose, the hip at (0, 0)."""
    s = SIZES
    hip = (0.0, 0.0)
    trunk_dir = 180.0 - pose.lean
    shoulder = _at(hip, trunk_dir, s["trunk"])
    pts: dict[str, Point] = {"hip": hip, "shoulder": shoulder,
                             "head": _at(shoulder, trunk_dir + pose.head,
                                         s["neck"] + s["head"])}
    for side in ("near", "far"):
        thigh, shank, foot = (getattr(pose, f"{side}_{k}") for k in ("thigh", "shank", "foot"))
        short = math.cos(math.radians(pose.near_out)) if side == "near" else 1.0
        knee = _at(hip, thigh, s["thigh"] * short)
        ankle = _at(knee, shank, s["shank"] * short)
        sole = _at(ankle, foot - 90, s["ankle"])
        heel = _at(sole, foot + 180, s["heel"])
        ball = _at(sole, foot, s["ball"])
        toe = _at(ball, pose.toes(side), s["toes"])
        upper, fore = getattr(pose, f"{side}_upper"), getattr(pose, f"{side}_fore")
        arm_root = _at(shoulder, trunk_dir + 180, 3)
        elbow = _at(arm_root, upper, s["upper"])
        pts.update({f"{side}_knee": knee, f"{side}_ankle": ankle, f"{side}_heel": heel,
                    f"{side}_ball": ball, f"{side}_toe": toe,
                    f"{side}_arch": _mix(heel, ball, 0.55),
                    f"{side}_toepad": _mix(ball, toe, 0.6),
                    f"{side}_calf": _mix(knee, ankle, 0.5),
                    f"{side}_shin": _mix(knee, ankle, 0.55),
                    f"{side}_thigh_mid": _mix(hip, knee, 0.5),
                    f"{side}_elbow": elbow, f"{side}_hand": _at(elbow, fore, s["fore"])})
    return pts


@dataclass
class Shape:
    """One thing drawn: ``kind`` line/poly/circle/text/path; the points it covers."""

    kind: str
    pts: list[Point]
    attrs: dict[str, str] = field(default_factory=dict)
    r: float = 0.0
    text: str = ""
    children: list[Shape] = field(default_factory=list)


@dataclass
class Panel:
    label: str
    joints: dict[str, Point]
    balls: list[tuple[Point, float]]
    shapes: list[Shape]


@dataclass
class Picture:
    exercise_id: str
    title: str
    desc: str
    panels: list[Panel]
    width: float
    height: float


def _ball_centre(entry_ball: Ball, pts: dict[str, Point]) -> Point:
    x, y = pts[entry_ball.at]
    if entry_ball.dy is not None:
        return x + entry_ball.dx, y + entry_ball.dy
    return x + entry_ball.dx, y + entry_ball.r + LIMB / 2 - (1.5 if entry_ball.at.endswith(
        ("_ball", "_arch", "_heel", "_toe", "_toepad")) else 0)


def _lowest(pts: dict[str, Point], entry: Entry) -> float:
    ys = [y + LIMB / 2 for y in (p[1] for p in pts.values())]
    for b in entry.balls:
        c = _ball_centre(b, pts)
        ys.append(c[1] + b.r)
    return max(ys)


def _place(entry: Entry, pose: Pose, air: float = 0) -> tuple[dict[str, Point], float]:
    """The figure's points with the floor at y=0 (the lowest point on it, or the ground
    point at its height, raised by ``air`` in a jump), and the x of the anchor."""
    pts = joints(pose)
    if entry.ground is not None:
        gy = pts[entry.ground.at][1] + LIMB / 2
        dy = -entry.ground.h - gy
    else:
        dy = -_lowest(pts, entry)
    dy -= air
    ax = pts[entry.anchor][0]
    return {k: (x - ax, y + dy) for k, (x, y) in pts.items()}, 0.0


def _bounds(pts: dict[str, Point], entry: Entry) -> tuple[float, float, float]:
    xs = [p[0] for p in pts.values()]
    ys = [p[1] for p in pts.values()]
    xs += [m.x for m in entry.marks] + [m.to for m in entry.marks if m.to is not None]
    for b in entry.blocks:
        xs += [pts[b.at][0] + b.x0, pts[b.at][0] + b.x1]
    for band in entry.bands:
        if not isinstance(band.to, str):
            xs.append(band.to[0])
            ys.append(band.to[1])
    ys.append(min(ys) - SIZES["head"])
    return min(xs) - 12, max(xs) + 12, min(ys) - 4


def _expand(moves: list[str]) -> set[str]:
    out: set[str] = set()
    for m in moves:
        out.update(GROUPS.get(m, (m,)))
    return out


def _words(moves: list[str]) -> str:
    words = []
    for m in moves:
        side, _, part = m.partition("_")
        if not part:
            part, side = side, ""
        w = PART_WORDS.get(part, part)
        if side == "far":
            w = f"other {w}"
        if w not in words:
            words.append(w)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def layout(exercise_id: str) -> Picture:
    """The picture of an exercise as shapes in viewBox coordinates (KeyError if unknown)."""
    data = _data()
    entry, start, end = data.entries[exercise_id]
    ex = load_library().get(exercise_id)
    placed = [_place(entry, p, h)[0] for p, h in zip((start, end), entry.air, strict=True)]
    boxes = [_bounds(p, entry) for p in placed]
    x0 = min(b[0] for b in boxes)
    x1 = max(b[1] for b in boxes)
    top = min(b[2] for b in boxes)
    room = 2 * ZOOM_R + 4 if entry.zoom else 0.0  # the magnified circle's share
    scale = min(1.0, (PANEL_W - 2 * SIDE - room) / (x1 - x0), (FLOOR - TOP) / -top)
    moving = _expand(entry.moves)
    panels: list[Panel] = []
    for i, (pts, label) in enumerate(zip(placed, entry.labels, strict=True)):
        away = (-1 if entry.zoom.side == "right" else 1) if entry.zoom else 0
        ox = i * PANEL_W + PANEL_W / 2 + away * room / 2 - (x0 + x1) / 2 * scale

        def tr(p: Point, ox: float = ox) -> Point:
            return round(ox + p[0] * scale, 1), round(FLOOR + p[1] * scale, 1)

        screen = {k: tr(p) for k, p in pts.items()}
        other = {k: tr(p) for k, p in placed[1 - i].items()}
        balls = [(tr(_ball_centre(b, pts)), b.r * scale) for b in entry.balls]
        shapes = _props(entry, pts, screen, tr, scale, balls)
        shapes += _figure(screen, moving, scale)
        if entry.zoom:
            fx, fy = screen[entry.zoom.at]  # a little above the sole: the floor sits low
            shapes.append(_zoom(entry.zoom, (fx, fy - 2), shapes, i, entry_id=exercise_id))
        shapes += _arrows(entry, "start" if i == 0 else "end", screen, other, scale)
        shapes.append(Shape("text", [(i * PANEL_W + PANEL_W / 2, FLOOR + 22)],
                            dict(CAPTION), text=label))
        panels.append(Panel(label, screen, balls, shapes))
    what = _words(entry.moves)
    arrows = " Arrows show which way it moves." if entry.arrows else ""
    if entry.zoom:
        arrows += " A circle in each picture shows the foot larger."
    desc = (f"Two pictures of {ex.name}, seen from the side: on the left where you start, "
            f"on the right where you end. The {what} that move"
            f"{'s' if ' and ' not in what and not what.endswith('s') else ''} "
            f"{'is' if ' and ' not in what and not what.endswith('s') else 'are'} drawn "
            f"thicker, in orange.{arrows}"
            f"{' ' + entry.note if entry.note else ''}")
    desc = desc.replace("The foot and toes that moves is", "The foot and toes that move are")
    return Picture(exercise_id, ex.name, desc, panels, 2 * PANEL_W, PANEL_H)


ZOOM_R = 34.0


def _clip(a: Point, b: Point, lo: Point, hi: Point) -> tuple[Point, Point] | None:
    """The part of segment a-b inside the box lo-hi (Liang–Barsky), or None."""
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - lo[0]), (dx, hi[0] - a[0]), (-dy, a[1] - lo[1]),
                 (dy, hi[1] - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return (a[0] + t0 * dx, a[1] + t0 * dy), (a[0] + t1 * dx, a[1] + t1 * dy)


def _clip_poly(pts: list[Point], lo: Point, hi: Point) -> list[Point]:
    """The polygon cut to the box lo-hi (Sutherland–Hodgman)."""
    for axis, bound, keep_low in ((0, lo[0], False), (0, hi[0], True), (1, lo[1], False),
                                  (1, hi[1], True)):
        def inside(p: Point, axis: int = axis, bound: float = bound,
                   keep_low: bool = keep_low) -> bool:
            return p[axis] <= bound if keep_low else p[axis] >= bound

        out: list[Point] = []
        for i, cur in enumerate(pts):
            prev = pts[i - 1]
            if inside(cur) != inside(prev):
                t = (bound - prev[axis]) / (cur[axis] - prev[axis])
                out.append((prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])))
            if inside(cur):
                out.append(cur)
        pts = out
        if not pts:
            break
    return pts


def _zoom(zoom: Zoom, focus: Point, shapes: list[Shape], panel: int, *, entry_id: str
          ) -> Shape:
    """The magnified circle: the shapes near ``focus``, ``zoom.m`` times larger, cut to the
    circle (every point kept inside its square, so inside the picture)."""
    r = ZOOM_R
    cx = panel * PANEL_W + (PANEL_W - r - 6 if zoom.side == "right" else r + 6)
    centre = (cx, r + 8)
    lo, hi = (centre[0] - r, centre[1] - r), (centre[0] + r, centre[1] + r)

    def mag(p: Point) -> Point:
        return centre[0] + (p[0] - focus[0]) * zoom.m, centre[1] + (p[1] - focus[1]) * zoom.m

    inner: list[Shape] = [Shape("circle", [centre], {"fill": BG}, r=r)]
    floor = _clip(mag((focus[0] - PANEL_W, FLOOR + 1.5)), mag((focus[0] + PANEL_W, FLOOR + 1.5)),
                  lo, hi)
    if floor:
        inner.append(Shape("line", list(floor), {"stroke": PROP, "stroke-width": "4"}))
    for sh in shapes:
        if sh.kind == "line":
            part = _clip(mag(sh.pts[0]), mag(sh.pts[1]), lo, hi)
            if part:
                width = float(sh.attrs.get("stroke-width", "1")) * zoom.m
                inner.append(Shape("line", list(part), {**sh.attrs,
                                                        "stroke-width": f"{width:.1f}"}))
        elif sh.kind == "poly":
            pts = _clip_poly([mag(p) for p in sh.pts], lo, hi)
            if len(pts) >= 3:
                inner.append(Shape("poly", pts, dict(sh.attrs)))
        elif sh.kind == "circle":
            c, rr = mag(sh.pts[0]), sh.r * zoom.m
            if lo[0] <= c[0] - rr and c[0] + rr <= hi[0] and lo[1] <= c[1] - rr \
                    and c[1] + rr <= hi[1]:
                inner.append(Shape("circle", [c], dict(sh.attrs), r=rr))
            else:  # partly out: as a 20-sided polygon, cut to the box
                ring20 = [_at(c, k * 18.0, rr) for k in range(20)]
                cut = _clip_poly(ring20, lo, hi)
                if len(cut) >= 3:
                    inner.append(Shape("poly", cut, dict(sh.attrs)))
    ring = Shape("circle", [centre], {"fill": "none", "stroke": PROP, "stroke-width": "2"},
                 r=r)
    return Shape("zoom", [centre], {"id": f"z-{entry_id}-{panel}"}, r=r,
                 children=[*inner, ring])


def _line(a: Point, b: Point, colour: str, width: float) -> Shape:
    return Shape("line", [a, b], {"stroke": colour, "stroke-width": f"{width:g}"})


def _figure(p: dict[str, Point], moving: set[str], scale: float) -> list[Shape]:
    out: list[Shape] = []

    def colour(part: str, base: str) -> tuple[str, float]:
        if part in moving:
            return MOVE, LIMB_MOVE * scale
        return base, LIMB * scale

    for side, base in (("far", FAR), ("near", INK)):
        if side == "near":
            c, w = (MOVE, (TRUNK + 3) * scale) if "trunk" in moving else (INK, TRUNK * scale)
            out.append(_line(p["hip"], p["shoulder"], c, w))
            hc = MOVE if "head" in moving else INK
            out.append(Shape("circle", [p["head"]], {"fill": hc}, r=SIZES["head"] * scale))
        for a, b, part in ((f"{side}_knee", "hip", "thigh"),
                           (f"{side}_ankle", f"{side}_knee", "shank")):
            c, w = colour(f"{side}_{part}", base)
            out.append(_line(p[b], p[a], c, w))
        c, w = colour(f"{side}_foot", base)
        foot = [p[f"{side}_ankle"], p[f"{side}_heel"], p[f"{side}_ball"]]
        out.append(Shape("poly", foot, {"fill": c, "stroke": c,
                                         "stroke-width": f"{FOOT * scale * w / LIMB / scale:g}"
                                         if scale else "1"}))
        out.append(_line(p[f"{side}_ball"], p[f"{side}_toe"], c, w * 0.7))
    # arms last: the near arm in front of the body
    for side, base in (("far", FAR), ("near", INK)):
        for a, b, part in ((f"{side}_elbow", "shoulder", "upper"),
                           (f"{side}_hand", f"{side}_elbow", "fore")):
            c, w = colour(f"{side}_{part}", base)
            out.append(_line(p[b], p[a], c, w * 0.85))
    # keep the far limbs behind the trunk
    far = [s for s in out if s.attrs.get("stroke") == FAR or s.attrs.get("fill") == FAR]
    return far + [s for s in out if s not in far]


def _props(entry: Entry, pts: dict[str, Point], screen: dict[str, Point], tr: Any,
           scale: float, balls: list[tuple[Point, float]]) -> list[Shape]:
    out: list[Shape] = []
    floor_y = FLOOR
    for m in entry.marks:
        x = tr((m.x, 0.0))[0]
        if m.kind == "wall":
            out.append(Shape("poly", [(x, floor_y), (x, 30.0), (x + 8, 30.0), (x + 8, floor_y)],
                             {"fill": PROP_FILL, "stroke": PROP, "stroke-width": "1.5"}))
        elif m.kind == "cone":
            out.append(Shape("poly", [(x - 7, floor_y), (x, floor_y - 16), (x + 7, floor_y)],
                             {"fill": "#ea580c", "stroke": PROP, "stroke-width": "1"}))
        elif m.kind == "line":
            out.append(_line((x - 1, floor_y - 1), (x + 1, floor_y - 1), PROP, 5))
        elif m.kind == "ladder":
            x2 = tr((m.to if m.to is not None else m.x + 80, 0.0))[0]
            step = 30 * scale
            n = max(1, int((x2 - x) / step))
            out.append(_line((x, floor_y - 2), (x2, floor_y - 2), PROP, 2))
            for k in range(n + 1):
                xx = x + k * step
                out.append(_line((xx, floor_y - 5), (xx, floor_y), PROP, 2))
    if entry.seat:
        hx, hy = screen["hip"]
        seat_y = hy + LIMB * scale * 0.8
        back = hx - 16 * scale
        front = hx + 18 * scale
        out.append(Shape("poly", [(back, seat_y), (front, seat_y), (front, seat_y + 5),
                                  (back, seat_y + 5)], {"fill": PROP_FILL, "stroke": PROP,
                                                        "stroke-width": "1.5"}))
        out.append(_line((back + 2, seat_y + 5), (back + 2, floor_y), PROP, 2.5))
        out.append(_line((front - 2, seat_y + 5), (front - 2, floor_y), PROP, 2.5))
        if entry.seat == "chair":
            out.append(_line((back + 1, seat_y), (back - 3, seat_y - 44 * scale), PROP, 2.5))
    for b in entry.blocks:
        x, y = screen[b.at]
        y += LIMB * scale / 2
        fill = {"step": PROP_FILL, "plate": "#9ca3af", "cushion": "#bfdbfe",
                "wedge": PROP_FILL}[b.kind]
        xa, xb = x + b.x0 * scale, x + b.x1 * scale
        corners = ([(xa, floor_y), (xb, y), (xb, floor_y)] if b.kind == "wedge"
                   else [(xa, y), (xb, y), (xb, floor_y), (xa, floor_y)])
        out.append(Shape("poly", corners, {"fill": fill, "stroke": PROP,
                                           "stroke-width": "1.5"}))
    for band in entry.bands:
        a = screen[band.at]
        end: Point = screen[band.to] if isinstance(band.to, str) else tr(band.to)
        colour = BAND if band.kind == "band" else "#0f766e"
        out.append(_line(a, end, colour, 3 if band.kind == "band" else 5))
        if not isinstance(band.to, str):  # a post the band is tied to
            out.append(_line((end[0], end[1] - 4), (end[0], floor_y), PROP, 4))
    for w in entry.weights:
        x, y = screen[w.at]
        if w.kind == "kettlebell":
            out.append(Shape("circle", [(x, y + 11 * scale)], {"fill": PROP}, r=9 * scale))
            out.append(_line((x - 4 * scale, y), (x + 4 * scale, y), PROP, 3 * scale))
        elif w.kind == "dumbbell":
            out.append(_line((x - 7 * scale, y), (x + 7 * scale, y), PROP, 3 * scale))
            out.append(_line((x - 7 * scale, y - 5 * scale), (x - 7 * scale, y + 5 * scale),
                             PROP, 5 * scale))
            out.append(_line((x + 7 * scale, y - 5 * scale), (x + 7 * scale, y + 5 * scale),
                             PROP, 5 * scale))
        else:
            out.append(Shape("circle", [(x, y)], {"fill": PROP_FILL, "stroke": PROP,
                                                  "stroke-width": "3"}, r=15 * scale))
    for (c, r), ball in zip(balls, entry.balls, strict=True):
        if ball.kind == "ball":
            out.append(Shape("circle", [c], {"fill": BALL}, r=r))
        else:
            out.append(Shape("circle", [c], {"fill": PROP_FILL, "stroke": PROP,
                                              "stroke-width": "2"}, r=r))
    return out


def _arrows(entry: Entry, which: str, here: dict[str, Point], other: dict[str, Point],
            scale: float) -> list[Shape]:
    out: list[Shape] = []
    for a in entry.arrows:
        if a.panel != which:
            continue
        if a.dx is not None or a.dy is not None:
            start = here[a.at]
            end = (start[0] + (a.dx or 0) * scale, start[1] + (a.dy or 0) * scale)
        else:
            # other panel's point moved into this panel: same offset from the anchor
            dxo = here[entry.anchor][0] - other[entry.anchor][0]
            start = (other[a.at][0] + dxo, other[a.at][1])
            end = here[a.at]
            if which == "start":
                start, end = end, start
        shift = (a.ox * scale, a.oy * scale)
        start = (start[0] + shift[0], start[1] + shift[1])
        end = (end[0] + shift[0], end[1] + shift[1])
        length = math.dist(start, end)
        if length < 4:
            continue
        ux, uy = (end[0] - start[0]) / length, (end[1] - start[1]) / length
        if length < MIN_ARROW:  # a short move still gets an arrow one can see
            grow = (MIN_ARROW - length) / 2
            start = (start[0] - ux * grow, start[1] - uy * grow)
            end = (end[0] + ux * grow, end[1] + uy * grow)
            length = MIN_ARROW
        else:  # pull the ends off the limb a little
            start = (start[0] + ux * 4, start[1] + uy * 4)
            end = (end[0] - ux * 4, end[1] - uy * 4)
        # bend the shaft to one side
        mid = ((start[0] + end[0]) / 2 - uy * length * a.bend,
               (start[1] + end[1]) / 2 + ux * length * a.bend)
        out.append(Shape("path", [start, mid, end],
                         {**ARROW, **({"marker-start": "url(#t)"} if a.both else {})}))
    return out


# --- SVG -----------------------------------------------------------------------------------


def _n(v: float) -> str:
    return f"{round(v, 1):g}"


def _svg_shape(s: Shape) -> str:
    attrs = "".join(f" {k}={quoteattr(v)}" for k, v in s.attrs.items())
    if s.kind == "line":
        (x1, y1), (x2, y2) = s.pts
        return f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}"{attrs}/>'
    if s.kind == "circle":
        (x, y), = s.pts
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(s.r)}"{attrs}/>'
    if s.kind == "poly":
        pts = " ".join(f"{_n(x)},{_n(y)}" for x, y in s.pts)
        return f'<polygon points="{pts}"{attrs}/>'
    if s.kind == "path":
        (x1, y1), (cx, cy), (x2, y2) = s.pts
        return (f'<path d="M{_n(x1)} {_n(y1)} Q{_n(cx)} {_n(cy)} {_n(x2)} {_n(y2)}"'
                f'{attrs}/>')
    if s.kind == "zoom":
        (x, y), = s.pts
        clip = s.attrs["id"]
        inner = "".join(_svg_shape(c) for c in s.children[:-1])
        return (f'<clipPath id="{clip}"><circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(s.r)}"/>'
                f'</clipPath><g clip-path="url(#{clip})">{inner}</g>'
                + _svg_shape(s.children[-1]))
    (x, y), = s.pts
    return f'<text x="{_n(x)}" y="{_n(y)}"{attrs}>{escape(s.text)}</text>'




def render(pic: Picture) -> str:
    """The picture as a standalone SVG document."""
    body = []
    for i, panel in enumerate(pic.panels):
        x = i * PANEL_W
        body.append(f'<line x1="{_n(x + 6)}" y1="{_n(FLOOR + 1.5)}" x2="{_n(x + PANEL_W - 6)}"'
                    f' y2="{_n(FLOOR + 1.5)}" stroke="{PROP}" stroke-width="3"/>')
        body += [_svg_shape(s) for s in panel.shapes]
    body.append(f'<line x1="{_n(PANEL_W)}" y1="20" x2="{_n(PANEL_W)}" y2="{_n(FLOOR - 10)}" '
                f'stroke="{PROP_FILL}" stroke-width="1.5"/>')
    marker = (f'<marker id="h" viewBox="0 0 10 10" refX="7" refY="5" markerWidth="5" '
              f'markerHeight="5" orient="auto"><path d="M0 0L10 5L0 10z" fill="{MOVE}"/>'
              f'</marker><marker id="t" viewBox="0 0 10 10" refX="3" refY="5" markerWidth="5"'
              f' markerHeight="5" orient="auto"><path d="M10 0L0 5L10 10z" fill="{MOVE}"/>'
              f'</marker>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(pic.width)} '
            f'{_n(pic.height)}" role="img" aria-labelledby="t-{pic.exercise_id} '
            f'd-{pic.exercise_id}"><title id="t-{pic.exercise_id}">{escape(pic.title)}</title>'
            f'<desc id="d-{pic.exercise_id}">{escape(pic.desc)}</desc>'
            f'<defs>{marker}</defs><rect width="100%" height="100%" fill="{BG}"/>'
            f'<g stroke-linecap="round" stroke-linejoin="round">' + "".join(body) + "</g></svg>")


@dataclass(frozen=True)
class Served:
    svg: str
    etag: str
    desc: str


@cache
def svg_for(exercise_id: str) -> Served:
    """The SVG, its strong ETag and its description; KeyError for an unknown id."""
    pic = layout(exercise_id)
    svg = render(pic)
    return Served(svg, '"' + hashlib.sha256(svg.encode()).hexdigest()[:20] + '"', pic.desc)


def picture(exercise_id: str) -> Served | None:
    """The picture of an exercise, or None when there is none."""
    try:
        return svg_for(exercise_id)
    except KeyError:
        return None


def describe(exercise_id: str) -> str:
    """What the picture shows, in words (the ``alt`` of an ``<img>``)."""
    served = picture(exercise_id)
    return served.desc if served else ""


def data_url(exercise_id: str) -> str:
    """The picture as a ``data:`` URL (for the printed plan: nothing is fetched)."""
    served = picture(exercise_id)
    if served is None:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(served.svg.encode()).decode()


def is_foot_release(exercise_id: str) -> bool:
    return load_library().get(exercise_id).category is Category.FOOT_RELEASE
