"""A short video of the lunge: the frame where the knee goes furthest, found automatically.

Frames are read with OpenCV (installed with MediaPipe by the ``[vision]`` extra). At most
:data:`MAX_FRAMES` frames, evenly spread over the video, are each searched for everybody in
them (several people: refused unless one is chosen);
:func:`anklet.domain.photo.deepest_frame` picks the deepest lunge whose reading passes the
test's checks, and that frame is read again at full size to be shown. When no frame passes,
the video is refused with what the deepest one broke.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from PIL import Image as PILImage

from anklet.domain.errors import InputError
from anklet.domain.photo import ManyPeopleError, Pose, deepest_frame, read_pose
from anklet.domain.units import Side
from anklet.vision.images import _HEIF_BRANDS, _ORIGINAL, MAX_SIDE, MIN_SIDE, Image, check_bytes
from anklet.vision.pose import Detector, Person, VisionUnavailableError, available

__all__ = ["MAX_FRAMES", "Frame", "deepest_lunge", "is_video"]

MAX_FRAMES = 60
"""Frames looked at, spread evenly over the video: 2 per second of a 30-second clip, every
frame of a 2-second one. The lunge's deepest moment is held for a second or more."""

ACCEPTED = "a short MP4, MOV, WebM or AVI video"


def is_video(data: bytes) -> bool:
    """Whether the bytes start like a video container (MP4/MOV/3GP, WebM/MKV, AVI)."""
    head = data[:16]
    if head[4:8] == b"ftyp":
        return head[8:12] not in _HEIF_BRANDS  # HEIC and AVIF photos share the MP4 box
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):  # old QuickTime files
        return True
    return head.startswith(b"\x1aE\xdf\xa3") or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")


@dataclass(frozen=True, slots=True)
class Frame:
    """The chosen frame: its number in the video, the picture, the points found in it, and
    when it comes in the video (seconds from the start; None when the video does not say)."""

    index: int
    image: Image
    pose: Pose | None
    seconds: float | None = None


def _cv2() -> Any:
    if not available():
        raise VisionUnavailableError("a video needs it to find the deepest lunge; a photo "
                                     "can be measured with points placed by hand")
    import cv2

    return cv2


@contextmanager
def _opened(data: bytes, name: str) -> Iterator[Any]:
    """An OpenCV capture of the bytes (OpenCV reads files only: a private temporary one)."""
    cv2 = _cv2()
    fd, path = tempfile.mkstemp(prefix="anklet-video-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        cap = cv2.VideoCapture(path)
        try:
            if not cap.isOpened():
                raise _unreadable(name)
            yield cap
        finally:
            cap.release()
    finally:
        os.unlink(path)


def _unreadable(name: str) -> InputError:
    return InputError(name, "unreadable video", ACCEPTED,
                      message=f"{name}: this video cannot be read (it may be damaged, cut "
                              f"short, or in a format we cannot open). Please send {ACCEPTED}, "
                              "or a photo.")


def _frames(cap: Any, step: int, limit: int) -> Iterator[tuple[int, Any]]:
    """(frame number, BGR array) for every ``step``-th frame, at most ``limit`` of them."""
    i = taken = 0
    while taken < limit and cap.grab():
        if i % step == 0:
            ok, frame = cap.retrieve()
            if ok and frame is not None:
                taken += 1
                yield i, frame
        i += 1


def _image(cv2: Any, frame: Any, name: str) -> Image:
    h, w = frame.shape[:2]
    if min(w, h) < MIN_SIDE:
        raise InputError(name, f"{w}×{h} px", f"a video at least {MIN_SIDE} px on its shorter "
                         "side", message=f"{name}: the video is only {w}×{h} pixels; the foot "
                         f"would be too small to see. Please film at least {MIN_SIDE} pixels on "
                         "the shorter side.")
    image = PILImage.fromarray(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    if max(w, h) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), PILImage.Resampling.LANCZOS)
    image.info = {_ORIGINAL: (w, h)}
    return image


def deepest_lunge(data: bytes, side: Side, *, name: str = "video",
                  max_frames: int = MAX_FRAMES, person: int | None = None) -> Frame:
    """The frame of the deepest valid lunge for ``side``.

    Every frame looked at is searched for everybody in it (:meth:`Detector.people`). When
    more than one person is seen (in at least two frames: one frame alone may be the
    model's mistake), :class:`ManyPeopleError` unless ``person`` says which (1 = the
    largest in each frame). Only frames whose reading passes every check count
    (:func:`deepest_frame`); when none does, :class:`InputError` saying why (what the
    deepest reading broke). With nobody found in any frame, the middle frame is returned
    with ``pose`` None. InputError for a video that cannot be read."""
    check_bytes(data, name=name)
    cv2 = _cv2()
    found: list[list[Person]] = []
    numbers: list[int] = []
    detector = Detector()  # a fresh look at every frame: a tracker would keep to one person
    try:
        with _opened(data, name) as cap:
            total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
            step = max(1, math.ceil(total / max_frames)) if total > 0 else 1
            for i, frame in _frames(cap, step, max_frames):
                found.append(detector.people(_image(cv2, frame, name)))
                numbers.append(i)
    finally:
        detector.close()
    if not numbers:
        raise _unreadable(name)
    counts = sorted((len(f) for f in found), reverse=True)
    seen = counts[1] if len(counts) > 1 else counts[0]
    if person is None and seen > 1:
        crowded = next(f for f in found if len(f) == seen)
        raise ManyPeopleError([p.where for p in crowded], what="video")
    if person is not None and person > max(counts):
        crowded = next(f for f in found if len(f) == max(counts))
        raise ManyPeopleError([p.where for p in crowded], what="video", chosen=person)
    n = (person or 1) - 1
    poses = [f[n].pose if len(f) > n else None for f in found]
    k = deepest_frame(poses, side)
    if k is None:
        deepest = _deepest_any(poses, side)
        if deepest is not None:
            raise _no_lunge(name, side, poses[deepest], numbers[deepest])
        k = len(poses) // 2  # nobody in any frame
    with _opened(data, name) as cap:
        for i, frame in _frames(cap, 1, numbers[k] + 1):
            if i == numbers[k]:
                return Frame(i, _image(cv2, frame, name), poses[k], _seconds(cv2, cap, i))
    raise _unreadable(name)  # the frame read the first time could not be read again


def _no_lunge(name: str, side: Side, pose: Pose | None, number: int) -> InputError:
    """No frame keeps every rule: say what the deepest one broke."""
    assert pose is not None
    reading = read_pose(side, pose)
    why = " ".join(c.message for c in reading.problems)
    return InputError(name, "no lunge", "a video of a knee-to-wall lunge, filmed side-on",
                      message=f"{name}: no moment of this video shows a knee-to-wall lunge of "
                              f"the {side} leg with every rule of the test kept, so nothing was "
                              f"measured. In the deepest moment we found (frame {number}): "
                              f"{why}")


def _seconds(cv2: Any, cap: Any, index: int) -> float | None:
    """When the frame just read comes in the video: its time stamp, or its number over the
    frame rate where the container gives no time stamps (to the millisecond)."""
    ms = cap.get(cv2.CAP_PROP_POS_MSEC)
    if isinstance(ms, float) and math.isfinite(ms) and ms > 0:
        return round(ms / 1000, 3)
    fps = cap.get(cv2.CAP_PROP_FPS)
    if isinstance(fps, float) and math.isfinite(fps) and fps > 0:
        return round(index / fps, 3)
    return None


def _deepest_any(poses: list[Pose | None], side: Side) -> int | None:
    """The frame with the deepest reading, checks aside; None when no frame reads."""
    best: tuple[float, int] | None = None
    for i, pose in enumerate(poses):
        if pose is None:
            continue
        try:
            angle = read_pose(side, pose).angle
        except InputError:
            continue
        if best is None or angle > best[0]:
            best = (angle, i)
    return None if best is None else best[1]
