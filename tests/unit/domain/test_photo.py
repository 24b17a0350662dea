"""The knee-to-wall angle from a leg's points, the test's rules, and the deepest video frame.

Every scene is built here from a known angle in a world where x points the way the front
foot points and y points up (centimetres, roughly an adult's proportions), then drawn
into image pixels (y down) facing right or left, turned by a camera roll about any point,
scaled and moved: whatever is read back must be the angle it was built with.
"""

from __future__ import annotations

import math
import pickle
import re
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anklet.domain.errors import InputError, PhotoRejectedError
from anklet.domain.photo import (
    FOOT_TO_SHANK,
    MAX_FRAME_JUMP,
    MAX_HEEL_TILT,
    MAX_LUNGE_ANGLE,
    MIN_FOOT_TO_SHANK,
    MIN_KNEE_FLEXION,
    MIN_LUNGE_ANGLE,
    MIN_VISIBILITY,
    CheckName,
    Landmark,
    Leg,
    PhotoReading,
    Pose,
    deepest_frame,
    read_leg,
    read_pose,
    shank_angle,
)
from anklet.domain.units import Side, degrees_to_cm

Point = tuple[float, float]

SHANK = 42.0   # knee to ankle, cm (0.246 H at H = 1.7 m)
FOOT = 26.0    # heel to toe, cm (0.152 H): the side-on ratio is FOOT_TO_SHANK


def _turn(p: Point, about: Point, degrees: float) -> Point:
    """``p`` turned about ``about``; in y-down pixels a positive turn looks clockwise."""
    r = math.radians(degrees)
    x, y = p[0] - about[0], p[1] - about[1]
    return (about[0] + x * math.cos(r) - y * math.sin(r), about[1] + x * math.sin(r) + y * math.cos(r))


def _world_front(angle: float, *, lift: float = 0.0, foot: float = FOOT,
                 shank: float = SHANK) -> dict[str, Point]:
    """The front leg in the world (x forward, y up): foot flat on y = 0, the shank leaning
    ``angle`` degrees forward from vertical; ``lift`` pivots the leg about the toe, heel up."""
    heel, toe = (-6.0, 0.0), (foot - 6.0, 0.0)
    ankle = (0.0, 8.0)
    a = math.radians(angle)
    knee = (ankle[0] + shank * math.sin(a), ankle[1] + shank * math.cos(a))
    points = {"knee": knee, "ankle": ankle, "heel": heel, "toe": toe}
    if lift:  # clockwise in y-up by `lift`: the heel rises off the floor, the toe stays
        r = -math.radians(lift)
        points = {n: (toe[0] + (x - toe[0]) * math.cos(r) - (y - toe[1]) * math.sin(r),
                      toe[1] + (x - toe[0]) * math.sin(r) + (y - toe[1]) * math.cos(r))
                  for n, (x, y) in points.items()}
    return points


WORLD_BACK = {"knee": (-52.0, 48.0), "ankle": (-64.0, 9.0), "heel": (-68.0, 3.0), "toe": (-45.0, 0.0)}
"""The back leg of a lunge: its toe on the floor well behind, its heel a little up."""


class Camera:
    """World (x forward, y up) to image pixels: facing right (+1) or left (-1), scaled,
    turned by ``roll`` about ``about`` (image pixels), moved by ``shift``."""

    def __init__(self, *, facing: int = 1, roll: float = 0.0, scale: float = 5.0,
                 shift: Point = (400.0, 600.0), about: Point = (0.0, 0.0)) -> None:
        self.facing, self.roll, self.scale, self.shift, self.about = facing, roll, scale, shift, about

    def point(self, p: Point, visibility: float = 1.0) -> Landmark:
        x, y = self.shift[0] + self.scale * self.facing * p[0], self.shift[1] - self.scale * p[1]
        x, y = _turn((x, y), self.about, self.roll)
        return Landmark(x, y, visibility)

    def leg(self, points: dict[str, Point], visibility: dict[str, float] | None = None) -> Leg:
        v = visibility or {}
        return Leg(**{n: self.point(p, v.get(n, 1.0)) for n, p in points.items()})


def lunge(angle: float, *, camera: Camera | None = None, front: Side = Side.LEFT,
          **front_args: float) -> Pose:
    """A whole lunge: the ``front`` leg forward at ``angle``, the other one behind."""
    cam = camera or Camera()
    ahead, behind = cam.leg(_world_front(angle, **front_args)), cam.leg(WORLD_BACK)
    return Pose(left=ahead, right=behind) if front is Side.LEFT else Pose(left=behind, right=ahead)


def _check(reading: PhotoReading, name: CheckName) -> tuple[bool | None, str]:
    c = reading.check(name)
    return c.passed, c.message


# --- the angle ---------------------------------------------------------------------------

ANGLES = [i / 2 for i in range(121)]  # 0° to 60° every 0.5°


@pytest.mark.parametrize("facing", [1, -1], ids=["facing-right", "facing-left"])
@pytest.mark.parametrize("roll", [-10.0, 0.0, 10.0])
def test_angle_is_recovered_to_a_tenth_of_a_degree_from_0_to_60(facing: int, roll: float) -> None:
    camera = Camera(facing=facing, roll=roll, about=(123.0, -77.0))
    for angle in ANGLES:
        reading = read_pose(Side.LEFT, lunge(angle, camera=camera))
        assert abs(reading.angle - angle) < 0.1, (angle, reading.angle)
        assert abs(reading.roll - roll) < 0.1, (angle, reading.roll)
        assert reading.cm == pytest.approx(degrees_to_cm(reading.angle))
        if angle >= MIN_LUNGE_ANGLE:
            assert reading.ok, reading.problems
        else:  # read all the same, but too upright for a lunge
            assert [c.name for c in reading.problems] == [CheckName.KNEE_FORWARD]


def test_the_roll_correction_is_what_makes_the_angle_right() -> None:
    # Uncorrected, a 10° roll would add or take 10°: the reading must not.
    tilted = read_pose(Side.LEFT, lunge(30.0, camera=Camera(roll=10.0)))
    level = read_pose(Side.LEFT, lunge(30.0))
    assert tilted.angle == pytest.approx(level.angle, abs=1e-9)
    assert tilted.roll == pytest.approx(10.0)
    assert level.roll == pytest.approx(0.0)


def test_knee_ahead_is_positive_and_knee_behind_is_negative_whichever_way_the_person_faces() -> None:
    for facing in (1, -1):
        camera = Camera(facing=facing)
        assert shank_angle(camera.leg(_world_front(20.0)))[0] == pytest.approx(20.0)
        assert shank_angle(camera.leg(_world_front(-5.0)))[0] == pytest.approx(-5.0)


def test_angle_of_hand_placed_points_by_hand() -> None:
    # Facing right, the floor level: knee 30 px right of and 40 px above the ankle.
    leg = Leg(knee=Landmark(130, 260), ankle=Landmark(100, 300), heel=Landmark(90, 310),
              toe=Landmark(125, 310))
    angle, roll = shank_angle(leg)
    assert angle == pytest.approx(math.degrees(math.atan2(30, 40)))  # 36.87°
    assert roll == 0.0
    # The same seen facing left, and the camera turned 90° clockwise.
    mirrored = Leg(*(Landmark(-p.x, p.y) for p in (leg.knee, leg.ankle, leg.heel, leg.toe)))
    assert shank_angle(mirrored)[0] == pytest.approx(36.87, abs=0.01)
    turned = Leg(*(Landmark(-p.y, p.x) for p in (leg.knee, leg.ankle, leg.heel, leg.toe)))
    assert shank_angle(turned) == pytest.approx((36.87, 90.0), abs=0.01)


@settings(max_examples=300, deadline=None)
@given(angle=st.floats(0, 60), roll=st.floats(-10, 10), scale=st.floats(0.05, 50),
       dx=st.floats(-5000, 5000), dy=st.floats(-5000, 5000),
       ax=st.floats(-3000, 3000), ay=st.floats(-3000, 3000), facing=st.sampled_from([1, -1]),
       front=st.sampled_from(list(Side)))
def test_any_angle_roll_scale_shift_and_facing_gives_the_angle_back(
        angle: float, roll: float, scale: float, dx: float, dy: float, ax: float, ay: float,
        facing: int, front: Side) -> None:
    camera = Camera(facing=facing, roll=roll, scale=scale, shift=(dx, dy), about=(ax, ay))
    reading = read_pose(front, lunge(angle, camera=camera, front=front))
    assert abs(reading.angle - angle) < 0.1
    assert abs(reading.roll - roll) < 0.1
    assert reading.ok is (angle >= MIN_LUNGE_ANGLE + 0.01) or abs(angle - MIN_LUNGE_ANGLE) < 0.01
    assert all(c.name is CheckName.KNEE_FORWARD for c in reading.problems), reading.problems
    assert reading.side is front


# --- visible -----------------------------------------------------------------------------

@pytest.mark.parametrize("point", ["knee", "ankle", "heel", "toe"])
@pytest.mark.parametrize(("visibility", "passed"), [(0.49, False), (MIN_VISIBILITY, True), (0.51, True)])
def test_each_point_must_be_clearly_visible(point: str, visibility: float, passed: bool) -> None:
    leg = Camera().leg(_world_front(30.0), {point: visibility})
    reading = read_leg(Side.LEFT, leg)
    ok, message = _check(reading, CheckName.VISIBLE)
    assert ok is passed
    assert reading.ok is passed
    if not passed:
        assert f"The {point} is not clearly visible" in message
        assert "49%" in message
        assert "50%" in message


def test_several_unclear_points_are_all_named_with_how_sure_the_model_is() -> None:
    leg = Camera().leg(_world_front(30.0), {"knee": 0.31, "heel": 0.42, "toe": 0.9})
    ok, message = _check(read_leg(Side.LEFT, leg), CheckName.VISIBLE)
    assert ok is False
    assert "The knee and heel are not clearly visible" in message
    assert "31% and 42% sure" in message
    assert "we need 50%" in message


def test_a_just_unclear_point_never_shows_as_the_threshold() -> None:
    leg = Camera().leg(_world_front(30.0), {"ankle": 0.4999})
    ok, message = _check(read_leg(Side.LEFT, leg), CheckName.VISIBLE)
    assert ok is False
    assert "only 49% sure" in message


# --- side on -----------------------------------------------------------------------------

@pytest.mark.parametrize(("ratio", "passed"), [(MIN_FOOT_TO_SHANK - 0.01, False), (MIN_FOOT_TO_SHANK, True),
                                               (MIN_FOOT_TO_SHANK + 0.01, True)])
@pytest.mark.parametrize("roll", [0.0, -7.0])
def test_a_foreshortened_foot_means_the_camera_is_not_side_on(ratio: float, passed: bool,
                                                              roll: float) -> None:
    leg = Camera(roll=roll).leg(_world_front(20.0, foot=ratio * SHANK))
    reading = read_leg(Side.LEFT, leg)
    ok, message = _check(reading, CheckName.SIDE_ON)
    assert ok is passed
    assert reading.ok is passed
    assert f"{FOOT_TO_SHANK:.2f}" in message
    assert "0.55" in message
    if not passed:
        assert "only 0.54 times the shank's length" in message


def _yawed(angle: float, yaw: float) -> Leg:
    """The front leg seen by a camera turned ``yaw`` degrees from side-on (orthographic):
    everything along the walking direction shortens by cos(yaw), heights stay."""
    c = math.cos(math.radians(yaw))
    return Camera().leg({n: (x * c, y) for n, (x, y) in _world_front(angle).items()})


def test_side_on_refuses_a_camera_turned_a_third_of_the_way_round_and_accepts_a_small_turn() -> None:
    assert _check(read_leg(Side.LEFT, _yawed(30.0, 15.0)), CheckName.SIDE_ON)[0] is True
    assert _check(read_leg(Side.LEFT, _yawed(30.0, 35.0)), CheckName.SIDE_ON)[0] is False
    # An upright shank: 0.55 / 0.62 is a turn of about 27°.
    assert _check(read_leg(Side.LEFT, _yawed(0.0, 25.0)), CheckName.SIDE_ON)[0] is True
    assert _check(read_leg(Side.LEFT, _yawed(0.0, 29.0)), CheckName.SIDE_ON)[0] is False


# --- heel down ---------------------------------------------------------------------------

@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize(("lift", "passed"), [(MAX_HEEL_TILT - 0.05, True), (MAX_HEEL_TILT, True),
                                              (MAX_HEEL_TILT + 0.05, False), (12.0, False)])
def test_a_lifted_heel_is_caught_at_the_documented_tolerance(facing: int, lift: float,
                                                             passed: bool) -> None:
    camera = Camera(facing=facing, roll=6.0, about=(50.0, 900.0))
    reading = read_pose(Side.LEFT, lunge(35.0, camera=camera, lift=lift))
    ok, message = _check(reading, CheckName.HEEL_DOWN)
    assert ok is passed
    assert reading.ok is passed
    assert "4.5°" in message
    if passed:
        assert message.startswith("The heel is down")
    else:
        assert message.startswith("The heel is lifted")
        assert f"{math.ceil(lift * 10 - 1e-9) / 10:.1f}°" in message  # never shown as 4.5°


def test_the_heel_check_is_what_catches_a_lift_the_roll_correction_would_hide() -> None:
    # The foot line is the floor for the angle: a lifted heel leaves the angle to the foot
    # line unchanged, so only the heel check can tell.
    lifted = read_pose(Side.LEFT, lunge(35.0, lift=10.0))
    assert lifted.angle == pytest.approx(35.0)
    assert [c.name for c in lifted.problems] == [CheckName.HEEL_DOWN]
    assert "10.0°" in lifted.problems[0].message


def test_a_toe_above_the_floor_line_is_not_flat_either() -> None:
    reading = read_pose(Side.LEFT, lunge(35.0, lift=-8.0))
    ok, message = _check(reading, CheckName.HEEL_DOWN)
    assert ok is False
    assert "toe sits 8.0° above the floor line" in message


def test_without_a_floor_point_the_heel_is_left_to_the_eye() -> None:
    reading = read_leg(Side.LEFT, Camera().leg(_world_front(35.0, lift=15.0)))
    ok, message = _check(reading, CheckName.HEEL_DOWN)
    assert ok is None
    assert "Check by eye" in message
    assert "back foot's toe" in message
    assert reading.ok  # could not be checked is not a failure


def test_an_unclear_or_too_near_floor_point_is_not_used() -> None:
    cam = Camera()
    leg = cam.leg(_world_front(35.0, lift=15.0))
    unclear = read_leg(Side.LEFT, leg, floor=cam.point(WORLD_BACK["toe"], 0.3))
    assert _check(unclear, CheckName.HEEL_DOWN) == (None, unclear.check(CheckName.HEEL_DOWN).message)
    assert "30% sure" in unclear.check(CheckName.HEEL_DOWN).message
    near = read_leg(Side.LEFT, leg, floor=cam.point((12.0, 0.0)))  # 8 cm behind the toe
    ok, message = _check(near, CheckName.HEEL_DOWN)
    assert ok is None
    assert "0.3 foot lengths" in message
    far_enough = read_leg(Side.LEFT, leg, floor=cam.point((7.0, 0.0)))  # half a foot behind
    assert _check(far_enough, CheckName.HEEL_DOWN)[0] is False


# --- front leg ---------------------------------------------------------------------------

@pytest.mark.parametrize("facing", [1, -1])
def test_the_wrong_leg_forward_is_refused(facing: int) -> None:
    pose = lunge(35.0, camera=Camera(facing=facing, roll=-4.0), front=Side.LEFT)
    right = read_pose(Side.RIGHT, pose)
    ok, message = _check(right, CheckName.FRONT_LEG)
    assert ok is False
    assert "The other foot is not behind the right one" in message
    # the front toe is 88 cm ahead of the right heel; the right foot is 23 cm long
    assert "3.8 foot lengths ahead of the right heel" in message
    assert "knee-to-wall lunge" in message
    assert "choose the left side" in message
    assert not right.ok
    left = read_pose(Side.LEFT, pose)
    assert _check(left, CheckName.FRONT_LEG)[0] is True
    assert "1.5 foot lengths behind its heel" in left.check(CheckName.FRONT_LEG).message


def test_front_leg_other_toe_level_with_or_just_behind_the_front_heel() -> None:
    # the front heel is at x = -6: the other toe must be strictly behind it
    cam = Camera()
    leg = cam.leg(_world_front(30.0))
    level = cam.leg({**WORLD_BACK, "toe": (-6.0, 0.0)})
    ok, message = _check(read_leg(Side.LEFT, leg, other=level), CheckName.FRONT_LEG)
    assert ok is False
    assert "level with the left heel" in message
    just_behind = cam.leg({**WORLD_BACK, "toe": (-6.5, 0.0)})
    ok, message = _check(read_leg(Side.LEFT, leg, other=just_behind), CheckName.FRONT_LEG)
    assert ok is True
    assert "just behind" in message
    # feet side by side, as when standing or walking past: not a lunge
    beside = cam.leg({**WORLD_BACK, "toe": (15.0, 0.0)})
    ok, message = _check(read_leg(Side.LEFT, leg, other=beside), CheckName.FRONT_LEG)
    assert ok is False
    assert "0.8 foot lengths ahead of the left heel" in message


def test_front_leg_cannot_be_checked_without_a_clear_other_leg() -> None:
    cam = Camera()
    leg = cam.leg(_world_front(30.0))
    alone = read_leg(Side.LEFT, leg)
    assert _check(alone, CheckName.FRONT_LEG)[0] is None
    assert "the left foot is the one nearer the wall" in alone.check(CheckName.FRONT_LEG).message
    hidden = read_leg(Side.LEFT, leg, other=cam.leg(WORLD_BACK, {"toe": 0.2}))
    assert _check(hidden, CheckName.FRONT_LEG)[0] is None
    assert "20% sure" in hidden.check(CheckName.FRONT_LEG).message


def test_a_hand_placed_back_toe_checks_the_front_leg_too() -> None:
    # by hand only the back toe of the other leg is placed: it is the floor point for the
    # heel and the other toe for the front leg
    cam = Camera(facing=-1, roll=6.0)
    leg = cam.leg(_world_front(30.0))
    behind = read_leg(Side.LEFT, leg, floor=cam.point(WORLD_BACK["toe"]))
    assert _check(behind, CheckName.FRONT_LEG)[0] is True
    assert _check(behind, CheckName.HEEL_DOWN)[0] is True
    ahead = read_leg(Side.LEFT, leg, floor=cam.point((60.0, 0.0)))  # "back" toe past the front toe
    assert _check(ahead, CheckName.FRONT_LEG)[0] is False
    assert not ahead.ok
    # a whole other leg, when known, is what counts
    both = read_leg(Side.LEFT, leg, floor=cam.point((60.0, 0.0)), other=cam.leg(WORLD_BACK))
    assert _check(both, CheckName.FRONT_LEG)[0] is True


# --- the posture: a knee-to-wall lunge at all? ----------------------------------------

@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize(("angle", "passed", "words"), [
    (-0.1, False, "The front knee is not ahead of the ankle"),
    (0.0, False, "The front knee is not ahead of the ankle"),
    (0.1, False, "leans only 0.1° forward"),
    (MIN_LUNGE_ANGLE - 0.1, False, "leans only 14.9° forward"),
    (MIN_LUNGE_ANGLE, True, "The front knee is ahead of the ankle"),
    (MIN_LUNGE_ANGLE + 0.1, True, "The front knee is ahead of the ankle"),
    (MAX_LUNGE_ANGLE - 0.1, True, "The front knee is ahead of the ankle"),
    (MAX_LUNGE_ANGLE, True, "The front knee is ahead of the ankle"),
    (MAX_LUNGE_ANGLE + 0.1, False, "leans 65.1° forward, more than"),
    (90.0, False, "leans 90.0° forward, more than"),
])
def test_knee_forward_at_and_either_side_of_each_threshold(facing: int, angle: float,
                                                           passed: bool, words: str) -> None:
    reading = read_pose(Side.LEFT, lunge(angle, camera=Camera(facing=facing, roll=5.0)))
    ok, message = _check(reading, CheckName.KNEE_FORWARD)
    assert ok is passed, message
    assert words in message
    assert reading.ok is passed
    if not passed:
        assert "15° to 65°" in message or "knee-to-wall lunge" in message


def test_knee_forward_behind_the_ankle_says_it_is_not_a_lunge() -> None:
    reading = read_pose(Side.LEFT, lunge(-8.0))
    ok, message = _check(reading, CheckName.KNEE_FORWARD)
    assert ok is False
    assert message.startswith("The front knee is not ahead of the ankle")
    assert "leans 8.0° back" in message
    assert "this does not look like a knee-to-wall lunge" in message


def _with_hip(leg: Leg, cam: Camera, angle: float, bend: float, visibility: float = 1.0) -> Leg:
    """The leg with a hip 45 cm from the knee, the thigh turned ``bend`` degrees back from
    the line of the shank (0: a straight leg)."""
    knee = _world_front(angle)["knee"]
    a = math.radians(angle - bend)
    hip = cam.point((knee[0] + 45.0 * math.sin(a), knee[1] + 45.0 * math.cos(a)), visibility)
    return Leg(leg.knee, leg.ankle, leg.heel, leg.toe, hip=hip)


@pytest.mark.parametrize("facing", [1, -1])
@pytest.mark.parametrize(("bend", "passed"), [(MIN_KNEE_FLEXION - 0.1, False),
                                              (MIN_KNEE_FLEXION, True),
                                              (MIN_KNEE_FLEXION + 0.1, True), (80.0, True),
                                              (0.0, False)])
def test_knee_bent_at_and_either_side_of_the_threshold(facing: int, bend: float,
                                                       passed: bool) -> None:
    cam = Camera(facing=facing, roll=-6.0)
    leg = _with_hip(cam.leg(_world_front(30.0)), cam, 30.0, bend)
    reading = read_leg(Side.LEFT, leg, other=cam.leg(WORLD_BACK))
    ok, message = _check(reading, CheckName.KNEE_BENT)
    assert ok is passed, message
    assert reading.ok is passed
    if passed:
        assert f"bent {bend:.0f}°" in message
    else:
        assert "nearly straight" in message
        assert "at least 30°" in message
        assert "does not look like a knee-to-wall lunge" in message


def test_knee_bent_is_not_checked_without_a_clear_hip() -> None:
    cam = Camera()
    leg = cam.leg(_world_front(30.0))
    no_hip = read_leg(Side.LEFT, leg)
    assert _check(no_hip, CheckName.KNEE_BENT)[0] is None
    assert "hip is not marked" in no_hip.check(CheckName.KNEE_BENT).message
    unclear = read_leg(Side.LEFT, _with_hip(leg, cam, 30.0, 0.0, visibility=0.4))
    assert _check(unclear, CheckName.KNEE_BENT)[0] is None  # straight, but the hip is unsure
    assert "40% sure" in unclear.check(CheckName.KNEE_BENT).message
    clear = read_leg(Side.LEFT, _with_hip(leg, cam, 30.0, 0.0, visibility=MIN_VISIBILITY))
    assert _check(clear, CheckName.KNEE_BENT)[0] is False


def test_a_standing_person_is_not_a_lunge() -> None:
    # feet side by side, shins upright, knees straight: every posture check says so
    cam = Camera()
    leg = _with_hip(cam.leg(_world_front(2.0)), cam, 2.0, 3.0)
    beside = cam.leg({"knee": (3.0, 50.0), "ankle": (0.0, 8.0), "heel": (-6.0, 0.0),
                      "toe": (20.0, 0.0)})
    reading = read_leg(Side.LEFT, leg, other=beside)
    assert [c.name for c in reading.problems] == [CheckName.KNEE_FORWARD, CheckName.KNEE_BENT,
                                                  CheckName.FRONT_LEG]


# --- the reading as a whole --------------------------------------------------------------

def test_checks_not_made_do_not_fail_the_reading_but_are_reported() -> None:
    reading = read_leg(Side.RIGHT, Camera().leg(_world_front(25.0)))
    assert [c.name for c in reading.checks] == list(CheckName)
    assert [c.passed for c in reading.checks] == [True, True, True, None, None, None]
    assert reading.ok
    assert reading.problems == ()


def test_every_message_is_plain_words_with_the_numbers() -> None:
    cam = Camera()
    readings = [
        read_pose(Side.LEFT, lunge(30.0)),
        read_pose(Side.RIGHT, lunge(30.0, lift=9.0)),
        read_leg(Side.LEFT, cam.leg(_world_front(0.0, foot=15.0), {"knee": 0.2})),
        read_leg(Side.LEFT, cam.leg(_world_front(30.0)), floor=cam.point((10.0, 0.0), 0.1)),
    ]
    for reading in readings:
        for c in reading.checks:
            text = c.message
            assert text[0].isupper(), text
            assert text.endswith("."), text
            assert not re.search(r"_|None|True|False|CheckName|Landmark|\bnan\b|\binf\b", text), text
            if c.passed is not None:  # a check made says what it measured
                assert re.search(r"\d", text), text


def test_points_that_make_no_leg_are_an_input_error() -> None:
    good = Camera().leg(_world_front(30.0))
    with pytest.raises(InputError, match="shank has no length"):
        read_leg(Side.LEFT, Leg(good.knee, good.knee, good.heel, good.toe))
    with pytest.raises(InputError, match="foot has no length"):
        read_leg(Side.LEFT, Leg(good.knee, good.ankle, good.heel, good.heel))
    with pytest.raises(InputError) as e:
        read_leg(Side.LEFT, Leg(Landmark(math.nan, 3.0), good.ankle, good.heel, good.toe))
    assert e.value.field == "knee"
    with pytest.raises(InputError):
        read_leg(Side.LEFT, good, floor=Landmark(math.inf, 0.0))


def test_a_rejected_reading_makes_a_photo_rejected_error_that_names_its_problems() -> None:
    reading = read_pose(Side.RIGHT, lunge(30.0))  # the right leg is behind, its heel up
    assert not reading.ok
    error = PhotoRejectedError(reading.checks)
    assert isinstance(error, InputError)
    assert error.field == "photo"
    assert error.value == "knee_forward, heel_down, front_leg"
    assert error.accepted == ("a photo with the front knee pushed forward over the foot, as in a "
                              "knee-to-wall lunge, the heel flat on the floor and the tested leg "
                              "in front")
    assert error.checks == reading.checks
    for problem in reading.problems:
        assert problem.message in str(error)
    back = pickle.loads(pickle.dumps(error))
    assert back.checks == reading.checks
    assert back.to_dict() == error.to_dict()


def test_readings_pickle_and_compare() -> None:
    reading = read_pose(Side.LEFT, lunge(33.3, camera=Camera(roll=3.0)))
    assert pickle.loads(pickle.dumps(reading)) == reading


# --- the deepest frame of a video ---------------------------------------------------------

def _frames(angles: Sequence[float | None], front: Side = Side.LEFT) -> list[Pose | None]:
    return [None if a is None else lunge(a, camera=Camera(roll=-3.0), front=front) for a in angles]


def test_a_lunge_that_rises_then_falls_gives_its_peak() -> None:
    angles = [5.0 + 1.5 * i for i in range(20)] + [33.5 - 1.5 * i for i in range(1, 20)]
    assert deepest_frame(_frames(angles), Side.LEFT) == 19
    assert deepest_frame(_frames(angles, front=Side.RIGHT), Side.RIGHT) == 19


def test_a_one_frame_glitch_is_not_chosen() -> None:
    angles = [16.0, 20.0, 30.0, 60.0, 40.0, 45.0, 40.0, 30.0]
    assert deepest_frame(_frames(angles), Side.LEFT) == 5
    # at either end too
    assert deepest_frame(_frames([60.0, 20.0, 25.0, 30.0, 28.0]), Side.LEFT) == 3
    assert deepest_frame(_frames([20.0, 25.0, 30.0, 28.0, 60.0]), Side.LEFT) == 2


def test_a_quick_but_real_peak_is_still_chosen() -> None:
    angles = [10.0, 20.0, 30.0, 30.0 + MAX_FRAME_JUMP - 1.0, 30.0, 25.0]
    assert deepest_frame(_frames(angles), Side.LEFT) == 3


def test_frames_with_no_person_or_a_broken_rule_are_skipped() -> None:
    frames = _frames([None, 20.0, None, 30.0, None, 28.0, None])
    assert deepest_frame(frames, Side.LEFT) == 3
    lifted = lunge(50.0, lift=9.0)  # deeper, but the heel came up
    assert deepest_frame([frames[1], lifted, frames[5]], Side.LEFT) == 2
    unclear = lunge(55.0, camera=Camera(), front=Side.LEFT)
    unclear = Pose(left=Leg(unclear.left.knee._replace(visibility=0.1), unclear.left.ankle,
                            unclear.left.heel, unclear.left.toe), right=unclear.right)
    assert deepest_frame([unclear, frames[3]], Side.LEFT) == 1
    # the other leg asked for: that leg is behind in every frame
    assert deepest_frame(frames, Side.RIGHT) is None


def test_frames_whose_points_make_no_leg_are_skipped() -> None:
    good = lunge(30.0)
    broken = Pose(left=Leg(good.left.knee, good.left.knee, good.left.heel, good.left.toe),
                  right=good.right)
    assert deepest_frame([broken, good, broken], Side.LEFT) == 1


def test_no_frame_qualifies() -> None:
    assert deepest_frame([], Side.LEFT) is None
    assert deepest_frame([None, None, None], Side.LEFT) is None
    assert deepest_frame([lunge(30.0, lift=10.0), None], Side.LEFT) is None


def test_a_single_frame_is_the_deepest() -> None:
    assert deepest_frame([None, lunge(22.0), None], Side.LEFT) == 1
