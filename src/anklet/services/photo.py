"""The knee-to-wall angle from a side photo (or a short video), and storing it.

Three steps, used alike by the CLI and the web page:

- :func:`measure` loads the upload (a photo, or a video whose deepest lunge is picked) and
  finds the person's points with the pose model: ``(image, reading)``, the reading None when
  nobody was found. Without the ``[vision]`` extra it raises
  :class:`~anklet.vision.pose.VisionUnavailableError` (its message says how to enable it);
  check :func:`available` first to offer hand placement instead.
- :func:`load` and :func:`read_points` are the same without the model: the photo alone, and
  a reading from points placed (or corrected) by hand, in the photo's own pixels.
- :func:`create` stores a reading as a ``lunge_angle`` measurement with method ``photo`` —
  only when every check passed (a broken rule raises
  :class:`~anklet.domain.errors.PhotoRejectedError` and nothing is stored). The caller
  re-decides (``evaluation.get(..., save=True)``) and commits, as after any measurement.

The photo itself is never stored: only the angle, the side, the day and the method.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pydantic import ValidationError

from anklet.domain.errors import InputError, PhotoRejectedError
from anklet.domain.history import Measurement, problems_from
from anklet.domain.measures import MEASURE_INFO, MeasureKind, Method
from anklet.domain.photo import (
    CheckName,
    Landmark,
    Leg,
    ManyPeopleError,
    PhotoReading,
    read_leg,
    read_pose,
)
from anklet.domain.units import Side
from anklet.store.uow import UnitOfWork
from anklet.vision import images, video
from anklet.vision.images import Image
from anklet.vision.pose import ENABLE_HINT, VisionUnavailableError, available, detector

__all__ = [
    "ENABLE_HINT",
    "MAX_UPLOAD_BYTES",
    "POINTS",
    "HeelUncheckedError",
    "Image",
    "ManyPeopleError",
    "VisionUnavailableError",
    "annotated",
    "available",
    "check_size",
    "create",
    "is_video",
    "load",
    "measure",
    "original_size",
    "read_person",
    "read_points",
    "scale_of",
    "to_data_url",
    "to_jpeg",
]

MAX_UPLOAD_BYTES = images.MAX_UPLOAD_BYTES
annotated = images.annotate
check_size = images.check_size
original_size = images.original_size
to_jpeg = images.to_jpeg
to_data_url = images.to_data_url
is_video = video.is_video

POINTS = ("knee", "ankle", "heel", "toe")
"""The four points of the tested leg, in the order they are asked for."""
BACK_TOE = "back_toe"
"""The optional fifth point: the back foot's toe, on the floor (lets the heel be checked)."""


def scale_of(image: Image) -> float:
    """The loaded image's pixels per pixel of the original photo (1.0 unless downscaled)."""
    return image.width / original_size(image)[0]


def load(*, data: bytes, filename: str = "photo") -> Image:
    """The photo, upright and downscaled (no model): for placing the points by hand."""
    return images.load_image(data, name=filename)


def measure(*, data: bytes, side: Side, filename: str = "photo", person: int | None = None
            ) -> tuple[Image, PhotoReading | None]:
    """Load the photo (or the deepest-lunge frame of a video) and read the angle from the
    points the pose model finds; the reading is None when no person is found.

    With more than one person in the picture, :class:`ManyPeopleError` unless ``person``
    says which (1 = the largest box, nearest the camera). A video whose frames show no
    knee-to-wall lunge is refused (InputError saying why). InputError for a file that is
    not a readable photo or video (nothing is stored here at all);
    VisionUnavailableError without the ``[vision]`` extra."""
    if person is not None and person < 1:
        raise InputError("person", person, "a number from 1 (the largest person in the picture)")
    if video.is_video(data):
        frame = video.deepest_lunge(data, side, name=filename, person=person)
        return frame.image, None if frame.pose is None else read_pose(side, frame.pose)
    image = images.load_image(data, name=filename)
    return image, read_person(image, side, person)


def read_person(image: Image, side: Side, person: int | None = None) -> PhotoReading | None:
    """The reading of the one person in ``image`` (or of number ``person``, 1 = the largest);
    None when nobody is found; :class:`ManyPeopleError` for several and none chosen, or a
    number past those found."""
    found = detector().people(image)
    if not found:
        return None
    if person is None and len(found) > 1:
        raise ManyPeopleError([p.where for p in found])
    if person is not None and person > len(found):
        raise ManyPeopleError([p.where for p in found], chosen=person)
    return read_pose(side, found[(person or 1) - 1].pose)


def read_points(*, side: Side, points: Mapping[str, tuple[float, float]],
                size: tuple[int, int], scale: float = 1.0) -> PhotoReading:
    """A reading from hand-placed points: ``knee``, ``ankle``, ``heel``, ``toe`` and,
    optionally, ``back_toe`` (the back foot's toe, for the heel check).

    Points are in pixels of a picture of ``size`` (width, height), x right and y down;
    ``scale`` turns them into the pixels of the image the reading is drawn on (the loaded,
    downscaled photo: its width over the original's). InputError for a missing point, one
    outside the picture, or points that make no leg."""
    unknown = sorted(set(points) - {*POINTS, BACK_TOE})
    if unknown:
        raise InputError("points", ", ".join(unknown), "knee, ankle, heel, toe and back-toe")
    missing = [n for n in POINTS if n not in points]
    if missing:
        raise InputError("points", ", ".join(missing), "all four of knee, ankle, heel and toe "
                         "(back-toe is optional)", message="Place all four points: knee, ankle, "
                         f"heel and toe ({', '.join(missing)} missing).")
    w, h = size
    placed: dict[str, Landmark] = {}
    for name, (x, y) in points.items():
        if not (0 <= x <= w and 0 <= y <= h):  # NaN fails too
            raise InputError(name.replace("_", "-"), f"{x:g},{y:g}",
                             f"a point inside the {w}×{h} picture (x from 0 to {w}, y from 0 "
                             f"to {h}, y counted down from the top)")
        placed[name] = Landmark(x * scale, y * scale)
    leg = Leg(knee=placed["knee"], ankle=placed["ankle"], heel=placed["heel"], toe=placed["toe"])
    return read_leg(side, leg, floor=placed.get(BACK_TOE))


class HeelUncheckedError(InputError):
    """The heel could not be checked from the picture and nobody confirmed it by eye."""

    def __init__(self, how: str) -> None:
        super().__init__("heel_checked", False, "a confirmation that the heel stayed down",
                         message="We could not see from the picture whether the heel stayed "
                                 "on the floor, and a lifted heel gives a wrong angle, so "
                                 f"nothing was stored. {how}")


HEEL_HOW = ("Check by eye that the heel stayed flat on the floor and then confirm it, or add "
            "the back foot's toe so the heel can be checked.")


def create(uow: UnitOfWork, *, key: str, side: Side, day: dt.date, reading: PhotoReading,
           pain: int | None = None, rater: str | None = None, heel_checked: bool = False,
           heel_how: str = HEEL_HOW) -> Measurement:
    """Store the reading's angle as the side's lunge angle (method photo) on ``day``.

    PhotoRejectedError when a check failed (the reading was not ok);
    :class:`HeelUncheckedError` when the heel check could not be made and ``heel_checked``
    (someone looked and saw the heel stay down) is not given — ``heel_how`` says, in the
    caller's words, how to confirm; InputError for an angle outside the test's range.
    Nothing is stored then. The stored notes say what was not checked and that the heel
    was confirmed by eye. The caller re-decides and commits."""
    if reading.side is not side:
        raise InputError("side", side.value, f"the side the photo was read for ({reading.side})")
    if not reading.ok:
        raise PhotoRejectedError(reading.checks)
    heel_by_eye = reading.check(CheckName.HEEL_DOWN).passed is None
    if heel_by_eye and not heel_checked:
        raise HeelUncheckedError(heel_how)
    value = round(reading.angle, 1)
    rng = MEASURE_INFO[MeasureKind.LUNGE_ANGLE][1]
    if not rng.low <= value <= rng.high:
        raise InputError("angle", value, f"{rng.describe()} (the knee over or ahead of the ankle)",
                         message=f"The shank leans {abs(value):g}° "
                                 f"{'back from' if value < 0 else 'past'} upright, which the "
                                 f"knee-to-wall test cannot give ({rng.describe()}). Check the "
                                 "knee and ankle points, and that the foot points toward the wall.")
    unchecked = [_UNCHECKED[c.name] for c in reading.checks
                 if c.passed is None and c.name is not CheckName.HEEL_DOWN]
    notes = []
    if unchecked:
        notes.append("Measured from a photo; not checked: " + ", ".join(unchecked) + ".")
    if heel_by_eye:
        notes.append("Heel confirmed down by eye (the photo could not show it).")
    try:
        m = Measurement(date=day, side=side, kind=MeasureKind.LUNGE_ANGLE, value=value,
                        method=Method.PHOTO, pain=pain, rater=rater,
                        notes=" ".join(notes) or None)
    except ValidationError as e:  # the date, pain or rater given with it
        raise InputError(*problems_from(e)[0]) from None
    uow.people.add_measurement(key, m)
    return m


_UNCHECKED = {
    CheckName.VISIBLE: "points visible",
    CheckName.SIDE_ON: "camera side-on",
    CheckName.KNEE_FORWARD: "knee forward",
    CheckName.KNEE_BENT: "knee bent",
    CheckName.HEEL_DOWN: "heel down",
    CheckName.FRONT_LEG: "front leg",
}
