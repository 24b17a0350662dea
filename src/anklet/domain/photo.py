"""The knee-to-wall angle from points on a side photo, and the test's rules checked.

Points are image pixels, x to the right and y DOWN (as images and MediaPipe Pose give
them). The tested leg gives four points: knee, ankle, heel and toe (MediaPipe's
"foot_index", the tip of the foot).

The angle
    The lunge test's inclinometer reads the shank (tibia) against vertical (Bennell1998,
    evidence.md). A phone is rarely held level, so "vertical" is taken from the picture
    itself: the heel→toe line of the front foot is the floor (the test keeps the heel
    down, so the foot lies flat), and up is the perpendicular to it that points to the
    top of the image. With shank = knee − ankle,
    ``angle = atan2(shank · floor, shank · up)``: positive when the knee is ahead of the
    ankle in the direction the foot points, whichever way the person faces in the
    picture. ``roll`` is the camera tilt this removes (positive: the scene appears turned
    clockwise). The angle is also given as the knee-to-wall distance it stands for
    (1 cm ≈ 3.6°, Bennell1998, :func:`anklet.domain.units.degrees_to_cm`).

The checks, and their tolerances
    ``visible`` — every one of the four points must have a visibility of at least
    :data:`MIN_VISIBILITY` = 0.5: the threshold below which MediaPipe itself does not
    draw a landmark (``_VISIBILITY_THRESHOLD = 0.5`` in
    ``mediapipe/python/solutions/drawing_utils.py``). Hand-placed points have 1.0.
    The same threshold decides whether the other leg's toe can serve the two checks
    below.

    ``side_on`` — the camera must look at the leg from the side. Turning the camera by
    a yaw ψ away from side-on shortens the foot (which points across the picture) by
    cos ψ, while the shank, mostly upright, keeps nearly its length; so the foot's length
    over the shank's length in the picture falls. Average adult proportions (Winter DA,
    *Biomechanics and Motor Control of Human Movement*, 4th ed. 2009, segment lengths as
    fractions of height H: foot 0.152 H; shank = knee height 0.285 H − ankle height
    0.039 H = 0.246 H) give :data:`FOOT_TO_SHANK` = 0.152 / 0.246 ≈ 0.62 seen side-on.
    A ratio below :data:`MIN_FOOT_TO_SHANK` = 0.55 is refused: that is an upright shank
    seen with the camera turned about 27° (0.55 / 0.62 = cos 27°), or a 30–40° lunge
    seen turned about 31–34° (the leaning shank shortens too), where the yaw already
    lowers the angle in the picture by about 4–5° (tan α' = tan α · cos ψ) — the size of
    the test's own minimal detectable change (4.6–4.7°, Powden2015). Winter's figures
    are averages; 0.55 sits 11 % under the average ratio, so a person with unusually
    short feet for their shins, photographed exactly side-on, is not refused.

    ``heel_down`` — the heel must stay on the floor (Bennell1998). A lifted heel tilts
    the foot line, and because the foot line is also our floor the angle would be wrong
    by the same tilt, so the foot line is compared with a floor line that does not
    depend on the heel: from the other foot's toe (which stays on the floor behind) to
    the tested foot's toe. The heel may sit at most :data:`MAX_HEEL_TILT` = 4.5° off that
    line: below the test's minimal detectable change (4.6°, Powden2015), so a tilt let
    through moves the angle by less than the test's own error; on an adult foot of about
    26 cm (0.152 H at H = 1.7 m, Winter 2009) it is a lift of about 2 cm
    (26 cm × sin 4.5° ≈ 2.0 cm), which is plain to see; and it is above the ≈3° a back
    foot standing a hand's width nearer to or farther from a knee-high camera 2.5 m
    away makes through perspective. A toe sitting that far *above* the floor line fails
    too (the foot is then not flat, and the angle would be wrong the other way). The
    floor point must be at least half a foot length from the toe
    (:data:`MIN_FLOOR_SPAN` × the foot's length) so the floor line is no shakier than the
    foot line itself. Without a usable floor point the check is not made (``None``) and
    the message asks to check the heel by eye or to place the back toe.

    ``front_leg`` — the test reads the front leg, and in a lunge the other foot stands
    behind it: the other foot's toe must be behind the tested foot's heel along the
    direction the tested foot points (strictly behind: a toe level with the front heel,
    or feet side by side as in walking past or standing, is not a lunge). Without the
    other leg, or with its toe not clearly visible, the check is not made (``None``).

The posture: is this a knee-to-wall lunge at all?
    A picture of someone standing or walking also has a knee, an ankle, a heel and a toe,
    and reads as some angle; these two checks refuse what is not a lunge (their numbers
    are our convention, chosen to be generous to a real test).

    ``knee_forward`` — in the test the knee is pushed forward over the foot, so the shank
    leans forward: the angle must be above 0° ("the front knee is not ahead of the ankle"
    otherwise) and inside :data:`MIN_LUNGE_ANGLE`–:data:`MAX_LUNGE_ANGLE` = 15°–65°. Adults
    reach about 35–50° (Bennell1998, evidence.md); under 15° the shank is nearly upright,
    as when standing or in mid-stride, and over 65° no heel-down lunge goes (a reading
    that high is the points or the posture, not an ankle).

    ``knee_bent`` — the front knee is bent in a lunge: with the hip known (the model
    finds it; points placed by hand have none), the thigh and shank must meet at a bend
    of at least :data:`MIN_KNEE_FLEXION` = 30° (180° less the angle hip–knee–ankle).
    Walking bends the standing knee about 15–20°, a knee-to-wall lunge well over 45°.
    Without a clear hip the check is not made (``None``).

A reading is ``ok`` when no check failed; a check that could not be made does not fail.
Nothing here raises for a broken rule: the service refuses to store a reading that is
not ok (:class:`anklet.domain.errors.PhotoRejectedError`). Points that make no leg at
all (the knee on the ankle, the heel on the toe, a coordinate that is not a number)
raise :class:`anklet.domain.errors.InputError`.

Video
    :func:`deepest_frame` picks the deepest lunge from the per-frame poses of a video.
    Frames with no person, with points that make no leg, or whose reading fails a check
    do not count. A detector sometimes throws the points of one frame far off; a frame
    whose angle is more than :data:`MAX_FRAME_JUMP` = 10° above both of its nearest
    counted neighbours is taken for such a glitch and not chosen. 10° from one frame to
    the next is 300°/s at 30 frames a second (100°/s even at 10): the test eases the knee
    to the wall slowly, and a real lunge never turns the shank that fast.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from anklet.domain.errors import InputError
from anklet.domain.measures import MEASURE_INFO, MeasureKind
from anklet.domain.units import Side, degrees_to_cm

MIN_VISIBILITY = 0.5
"""MediaPipe's own drawing threshold (drawing_utils ``_VISIBILITY_THRESHOLD``)."""
FOOT_TO_SHANK = 0.152 / 0.246
"""Foot length over shank length for average adult proportions (Winter 2009): ≈ 0.62."""
MIN_FOOT_TO_SHANK = 0.55
"""Below this the foot is too foreshortened: the camera is not side-on (about 27° of yaw)."""
MAX_HEEL_TILT = 4.5
"""Degrees the foot line may sit off the floor line (under the test's MDC of 4.6°, Powden2015)."""
MIN_FLOOR_SPAN = 0.5
"""The floor point must be at least this many foot lengths from the tested toe."""
MAX_FRAME_JUMP = 10.0
"""Degrees a video frame may rise above both neighbours before it is taken for a glitch."""
MIN_LUNGE_ANGLE = 15.0
"""The least shank lean, degrees from vertical, that looks like a knee-to-wall lunge (convention)."""
MAX_LUNGE_ANGLE = MEASURE_INFO[MeasureKind.LUNGE_ANGLE][1].high
"""The most shank lean, degrees from vertical, a heel-down lunge can give: the lunge angle's
accepted range (one figure for typed and photo readings; convention)."""
MIN_KNEE_FLEXION = 30.0
"""The least bend of the front knee, degrees from straight, in a lunge (convention)."""

_EPS = 1e-9
"""Comparisons with a tolerance allow this much for rounding in the arithmetic: a value
exactly at a tolerance, however the picture is turned or scaled, counts as at it."""


class ManyPeopleError(InputError):
    """More than one person is in the picture (or the video) and none was chosen, or the
    one chosen is not there. ``places`` says where each stands, numbered from 1 = the
    largest (the nearest the camera)."""

    def __init__(self, places: Sequence[str], *, what: str = "picture",
                 how: str = "say which one to measure (1 is the largest, nearest the camera)",
                 chosen: int | None = None) -> None:
        self.places = tuple(places)
        self.what = what
        self.chosen = chosen
        n = len(self.places)
        listed = _and([f"number {i}{' (the largest)' if i == 1 and n > 1 else ''} {w}"
                       for i, w in enumerate(self.places, 1)])
        found = f"only one person, {self.places[0]}" if n == 1 else f"{n}: {listed}"
        head = (f"There is no person {chosen} in this {what}: we found {found}"
                if chosen is not None else f"{n} people are in this {what}: {listed}")
        super().__init__("person", n if chosen is None else chosen, f"a number from 1 to {n}",
                         message=f"{head}. Crop it to the person being tested, or {how}.")

    def told(self, how: str) -> ManyPeopleError:
        """The same refusal, saying in the caller's words how to pick a person."""
        return ManyPeopleError(self.places, what=self.what, how=how, chosen=self.chosen)


class Landmark(NamedTuple):
    """A point in image pixels (x right, y down) and how sure the model is of it."""

    x: float
    y: float
    visibility: float = 1.0


@dataclass(frozen=True, slots=True)
class Leg:
    """The four points of one leg, and the hip when known (for the knee-bend check)."""

    knee: Landmark
    ankle: Landmark
    heel: Landmark
    toe: Landmark
    hip: Landmark | None = None

    def points(self) -> dict[str, Landmark]:
        return {"knee": self.knee, "ankle": self.ankle, "heel": self.heel, "toe": self.toe}


@dataclass(frozen=True, slots=True)
class Pose:
    """Both legs, by the person's own left and right (as MediaPipe labels them)."""

    left: Leg
    right: Leg

    def leg(self, side: Side) -> Leg:
        return self.left if side is Side.LEFT else self.right


class CheckName(StrEnum):
    VISIBLE = "visible"
    SIDE_ON = "side_on"
    KNEE_FORWARD = "knee_forward"
    KNEE_BENT = "knee_bent"
    HEEL_DOWN = "heel_down"
    FRONT_LEG = "front_leg"


@dataclass(frozen=True, slots=True)
class PhotoCheck:
    """One rule of the test: passed, failed, or ``None`` when these points cannot tell."""

    name: CheckName
    passed: bool | None
    message: str


@dataclass(frozen=True, slots=True)
class PhotoReading:
    """The angle read from a leg's points, and the test's rules checked on them."""

    side: Side
    leg: Leg
    angle: float
    cm: float
    roll: float
    checks: tuple[PhotoCheck, ...]

    @property
    def ok(self) -> bool:
        """True when no check failed (a check that could not be made does not fail)."""
        return all(c.passed is not False for c in self.checks)

    @property
    def problems(self) -> tuple[PhotoCheck, ...]:
        """The checks that failed."""
        return tuple(c for c in self.checks if c.passed is False)

    def check(self, name: CheckName) -> PhotoCheck:
        """The check of that name."""
        return next(c for c in self.checks if c.name is name)


# --- vectors --------------------------------------------------------------------------

def _sub(a: Landmark, b: Landmark) -> tuple[float, float]:
    return (a.x - b.x, a.y - b.y)


def _dot(u: tuple[float, float], v: tuple[float, float]) -> float:
    return u[0] * v[0] + u[1] * v[1]


def _unit(v: tuple[float, float]) -> tuple[float, float]:
    n = math.hypot(*v)
    return (v[0] / n, v[1] / n)


def _up_of(floor: tuple[float, float]) -> tuple[float, float]:
    """The unit perpendicular to a unit floor direction that points to the top of the image."""
    fx, fy = floor
    up = (fy, -fx)  # y grows downwards: this one points up when the floor points right
    return up if up[1] < 0 or (up[1] == 0 and up[0] >= 0) else (-fy, fx)


def _finite(name: str, p: Landmark) -> None:
    """InputError unless the point's coordinates and visibility are numbers."""
    if not (math.isfinite(p.x) and math.isfinite(p.y) and math.isfinite(p.visibility)):
        raise InputError(name, (p.x, p.y), "a point with a number for x and for y")


def _leg_checked(leg: Leg) -> None:
    for name, p in leg.points().items():
        _finite(name, p)
    if math.hypot(*_sub(leg.knee, leg.ankle)) < 1e-9:
        raise InputError("knee", (leg.knee.x, leg.knee.y),
                         "a knee point away from the ankle point (the shank has no length)")
    if math.hypot(*_sub(leg.toe, leg.heel)) < 1e-9:
        raise InputError("toe", (leg.toe.x, leg.toe.y),
                         "a toe point away from the heel point (the foot has no length)")


def shank_angle(leg: Leg) -> tuple[float, float]:
    """(angle, roll): the shank's inclination from vertical, with the foot line (heel→toe)
    taken as the floor, and the camera roll that correction removed. Positive angle = knee
    ahead of the ankle in the direction the foot points. Both in degrees."""
    _leg_checked(leg)
    floor = _unit(_sub(leg.toe, leg.heel))
    up = _up_of(floor)
    shank = _sub(leg.knee, leg.ankle)
    angle = math.degrees(math.atan2(_dot(shank, floor), _dot(shank, up)))
    roll = math.degrees(math.atan2(up[0], -up[1]))
    return angle, roll


# --- checks ----------------------------------------------------------------------------

def _down(x: float, digits: int) -> str:
    """``x`` rounded down to ``digits`` decimals (a value under a minimum never shows as it)."""
    f = 10 ** digits
    return f"{math.floor(x * f + 1e-12) / f:.{digits}f}"


def _up(x: float, digits: int) -> str:
    """``x`` rounded up (a value over a maximum never shows as equal to it)."""
    f = 10 ** digits
    return f"{math.ceil(x * f - 1e-12) / f:.{digits}f}"


def _pct(v: float) -> str:
    return f"{math.floor(v * 100 + 1e-12)}%"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _visible(leg: Leg) -> PhotoCheck:
    points = leg.points()
    unclear = [(n, p.visibility) for n, p in points.items() if not p.visibility >= MIN_VISIBILITY]
    need = _pct(MIN_VISIBILITY)
    if not unclear:
        least = min(p.visibility for p in points.values())
        return PhotoCheck(CheckName.VISIBLE, True,
                          f"The knee, ankle, heel and toe are all clearly visible (the least clear "
                          f"is {_pct(least)} sure; we need {need}).")
    names = _and([n for n, _ in unclear])
    sure = _and([_pct(v) for _, v in unclear])
    verb = "is" if len(unclear) == 1 else "are"
    return PhotoCheck(CheckName.VISIBLE, False,
                      f"The {names} {verb} not clearly visible (the model is only {sure} sure; "
                      f"we need {need}). Make sure the whole lower leg and foot are in the "
                      f"picture and nothing covers them, or place the points by hand.")


def _side_on(leg: Leg) -> PhotoCheck:
    foot = math.hypot(*_sub(leg.toe, leg.heel))
    shank = math.hypot(*_sub(leg.knee, leg.ankle))
    ratio = foot / shank
    usual = f"{FOOT_TO_SHANK:.2f}"
    least = f"{MIN_FOOT_TO_SHANK:.2f}"
    if ratio >= MIN_FOOT_TO_SHANK - _EPS:
        return PhotoCheck(CheckName.SIDE_ON, True,
                          f"The camera looks side-on: the foot is {ratio:.2f} times the "
                          f"shank's length in the picture (side-on it is about {usual}; we need "
                          f"at least {least}).")
    return PhotoCheck(CheckName.SIDE_ON, False,
                      f"The camera does not look side-on: the foot is only {_down(ratio, 2)} "
                      f"times the shank's length in the picture, where side-on it is about "
                      f"{usual} (we need at least {least}). Take the photo from straight to the "
                      f"side, level with the ankle.")


def _heel_down(leg: Leg, floor: Landmark | None) -> PhotoCheck:
    ask = ("Check by eye that the heel stays flat on the floor, or place the back foot's "
           "toe so it can be checked.")
    if floor is None:
        return PhotoCheck(CheckName.HEEL_DOWN, None,
                          f"We could not check that the heel stays down: there is no point on "
                          f"the floor away from this foot. {ask}")
    _finite("floor", floor)
    if floor.visibility < MIN_VISIBILITY:
        return PhotoCheck(CheckName.HEEL_DOWN, None,
                          f"We could not check that the heel stays down: the other foot's toe "
                          f"is not clear enough to mark the floor (the model is only "
                          f"{_pct(floor.visibility)} sure; we need {_pct(MIN_VISIBILITY)}). {ask}")
    foot = _sub(leg.toe, leg.heel)
    length = math.hypot(*foot)
    line = _sub(leg.toe, floor)
    span = math.hypot(*line)
    if span < MIN_FLOOR_SPAN * length - _EPS:
        return PhotoCheck(CheckName.HEEL_DOWN, None,
                          f"We could not check that the heel stays down: the floor point is only "
                          f"{span / length:.1f} foot lengths from the toe (we need at least "
                          f"{MIN_FLOOR_SPAN:.1f}). {ask}")
    ground = _unit(line)
    if _dot(ground, foot) < 0:
        ground = (-ground[0], -ground[1])
    up = _up_of(ground)
    tilt = math.degrees(math.atan2(-_dot(foot, up), _dot(foot, ground)))  # + : heel above
    limit = f"{MAX_HEEL_TILT:.1f}°"
    if abs(tilt) <= MAX_HEEL_TILT + _EPS:
        return PhotoCheck(CheckName.HEEL_DOWN, True,
                          f"The heel is down: the foot sits {abs(tilt):.1f}° off the floor line "
                          f"(we allow up to {limit}).")
    if tilt > 0:
        return PhotoCheck(CheckName.HEEL_DOWN, False,
                          f"The heel is lifted: the foot is tilted {_up(tilt, 1)}° off the floor "
                          f"line, and it must stay flat (we allow up to {limit}). Move the foot "
                          f"a little nearer the wall and keep the heel pressed down.")
    return PhotoCheck(CheckName.HEEL_DOWN, False,
                      f"The foot is not flat: the toe sits {_up(-tilt, 1)}° above the floor "
                      f"line (we allow up to {limit}). Check the heel and toe points sit where "
                      f"the foot touches the floor.")


def _front_leg(side: Side, leg: Leg, toe: Landmark | None) -> PhotoCheck:
    if toe is None:
        return PhotoCheck(CheckName.FRONT_LEG, None,
                          f"We could not check that the other foot is behind the {side} one: only "
                          f"the {side} leg's points are known. Make sure the {side} foot is the one "
                          f"nearer the wall.")
    _finite("other toe", toe)
    if toe.visibility < MIN_VISIBILITY:
        return PhotoCheck(CheckName.FRONT_LEG, None,
                          f"We could not check that the other foot is behind the {side} one: the "
                          f"other foot's toe is not clear enough (the model is only "
                          f"{_pct(toe.visibility)} sure; we need {_pct(MIN_VISIBILITY)}). Make sure "
                          f"the {side} foot is the one nearer the wall.")
    foot = _sub(leg.toe, leg.heel)
    length = math.hypot(*foot)
    behind = _dot(_sub(leg.heel, toe), _unit(foot)) / length  # in foot lengths
    if behind > _EPS:
        how = "just" if behind < 0.05 else f"{behind:.1f} foot lengths"
        return PhotoCheck(CheckName.FRONT_LEG, True,
                          f"The {side} leg is in front: the other foot's toe is {how} behind its "
                          f"heel.")
    where = "level with" if behind >= -0.05 else f"{-behind:.1f} foot lengths ahead of"
    return PhotoCheck(CheckName.FRONT_LEG, False,
                      f"The other foot is not behind the {side} one: its toe is {where} the "
                      f"{side} heel, so this does not look like a knee-to-wall lunge. Step the "
                      f"other foot back, with the {side} foot forward near the wall, or choose the "
                      f"{side.other} side if that is the front leg.")


def _knee_forward(angle: float) -> PhotoCheck:
    accepted = f"{MIN_LUNGE_ANGLE:g}° to {MAX_LUNGE_ANGLE:g}°"
    if angle <= _EPS:
        return PhotoCheck(CheckName.KNEE_FORWARD, False,
                          f"The front knee is not ahead of the ankle (the shin leans "
                          f"{abs(angle):.1f}° {'back' if angle < 0 else 'neither way'}): this does "
                          f"not look like a knee-to-wall lunge. In the test the knee goes forward "
                          f"over the toes toward the wall.")
    if angle < MIN_LUNGE_ANGLE - _EPS:
        return PhotoCheck(CheckName.KNEE_FORWARD, False,
                          f"The shin leans only {_down(angle, 1)}° forward: that is standing or "
                          f"walking, not a knee-to-wall lunge (a lunge reads {accepted}). Bend the "
                          f"front knee toward the wall as far as it goes with the heel down.")
    if angle > MAX_LUNGE_ANGLE + _EPS:
        return PhotoCheck(CheckName.KNEE_FORWARD, False,
                          f"The shin leans {_up(angle, 1)}° forward, more than a knee-to-wall lunge "
                          f"can with the heel down (we accept {accepted}). Check the knee and "
                          f"ankle points.")
    return PhotoCheck(CheckName.KNEE_FORWARD, True,
                      f"The front knee is ahead of the ankle: the shin leans {angle:.1f}° "
                      f"forward (a lunge reads {accepted}).")


def _knee_bent(leg: Leg) -> PhotoCheck:
    hip = leg.hip
    need = f"{MIN_KNEE_FLEXION:g}°"
    if hip is None:
        return PhotoCheck(CheckName.KNEE_BENT, None,
                          "We could not check that the front knee is bent: the hip is not marked. "
                          "In the test the front knee bends toward the wall.")
    _finite("hip", hip)
    if hip.visibility < MIN_VISIBILITY:
        return PhotoCheck(CheckName.KNEE_BENT, None,
                          f"We could not check that the front knee is bent: the hip is not clear "
                          f"enough (the model is only {_pct(hip.visibility)} sure; we need "
                          f"{_pct(MIN_VISIBILITY)}).")
    thigh = _sub(hip, leg.knee)
    shank = _sub(leg.ankle, leg.knee)
    if math.hypot(*thigh) < 1e-9:
        raise InputError("hip", (hip.x, hip.y), "a hip point away from the knee point")
    inside = math.degrees(math.acos(max(-1.0, min(1.0, _dot(_unit(thigh), _unit(shank))))))
    bend = 180.0 - inside
    if bend >= MIN_KNEE_FLEXION - _EPS:
        return PhotoCheck(CheckName.KNEE_BENT, True,
                          f"The front knee is bent {bend:.0f}° (a lunge bends it at least {need}).")
    return PhotoCheck(CheckName.KNEE_BENT, False,
                      f"The front knee is nearly straight (bent only {_down(bend, 1)}°; a lunge "
                      f"bends it at least {need}): this does not look like a knee-to-wall lunge.")


def read_leg(side: Side, leg: Leg, *, floor: Landmark | None = None,
             other: Leg | None = None) -> PhotoReading:
    """Hand-placed or corrected points. floor: a second point on the floor (the back
    foot's toe) for the heel check; other: the back leg when known. The front-leg check
    reads the other leg's toe, or else the floor point (hand placement marks the back toe).

    Raises :class:`InputError` only for points that make no leg (see the module notes)."""
    angle, roll = shank_angle(leg)
    checks = (_visible(leg), _side_on(leg), _knee_forward(angle), _knee_bent(leg),
              _heel_down(leg, floor),
              _front_leg(side, leg, other.toe if other is not None else floor))
    return PhotoReading(side=side, leg=leg, angle=angle, cm=degrees_to_cm(angle), roll=roll,
                        checks=checks)


def read_pose(side: Side, pose: Pose) -> PhotoReading:
    """Detector output: the tested leg is pose.leg(side), the other leg gives floor=its toe."""
    other = pose.leg(side.other)
    return read_leg(side, pose.leg(side), floor=other.toe, other=other)


def deepest_frame(frames: Sequence[Pose | None], side: Side) -> int | None:
    """Index of the deepest valid lunge in a video's landmark sequence (None frames = no
    person found; frames whose reading fails a check do not count; robust to a one-frame
    landmark glitch), or None when no frame qualifies."""
    counted: list[tuple[int, float]] = []
    for i, pose in enumerate(frames):
        if pose is None:
            continue
        try:
            reading = read_pose(side, pose)
        except InputError:
            continue
        if reading.ok:
            counted.append((i, reading.angle))
    best: tuple[float, int] | None = None
    for k, (i, angle) in enumerate(counted):
        near = [counted[j][1] for j in (k - 1, k + 1) if 0 <= j < len(counted)]
        if near and angle > max(near) + MAX_FRAME_JUMP:
            continue  # a one-frame glitch
        if best is None or angle > best[0]:
            best = (angle, i)
    return None if best is None else best[1]
