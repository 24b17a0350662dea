"""MediaPipe Pose: the knee, ankle, heel and toe of both legs, from one picture.

MediaPipe is an optional extra (``pip install 'anklet[vision]'``): :func:`available` says
whether it can be used, and asking for detection without it raises
:class:`VisionUnavailableError` with :data:`ENABLE_HINT`, never an ImportError.

Only the models inside the ``mediapipe==0.10.14`` wheel are used: ``model_complexity=1``
(``pose_landmark_full.tflite`` with ``pose_detection.tflite``). Complexity 2 would fetch
the heavy model from the internet on first use, so it is never asked for; nothing here
reaches the network.

Several people
    MediaPipe's Pose (this "legacy solution" API) follows one person only: each picture
    gives the landmarks of one body, or none. The newer Pose Landmarker task can report
    several (its ``num_poses``), but it needs a ``.task`` model bundle that the wheel does
    not ship and would have to be downloaded. So :meth:`Detector.people` finds the others
    the plain way: it covers the person just found with flat grey (their landmarks' box,
    widened by :data:`MASK_MARGIN`) and looks again, up to :data:`MAX_PEOPLE` times, until
    nobody more is found. Each :class:`Person` has the box of their landmarks, and the list
    comes largest box first (the nearest person, usually the one being tested).

One :class:`Detector` holds one MediaPipe graph and may be shared (the web app keeps one
per process, :func:`detector`); calls are serialised by a lock, as a graph is not safe to
run from two threads at once.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from anklet.domain.errors import AnkletError
from anklet.domain.photo import Landmark, Leg, Pose
from anklet.vision.images import Image

__all__ = ["ENABLE_HINT", "MAX_PEOPLE", "Detector", "Person", "VisionUnavailableError",
           "available", "detector"]

ENABLE_HINT = ("Finding the knee, ankle, heel and toe in a photo needs the optional vision "
               "extra: run  pip install 'anklet[vision]'  (it adds MediaPipe). Without it you "
               "can still measure: place the four points by hand (the photo page, or "
               "`anklet measure-photo ... --points`).")

MODEL_COMPLEXITY = 1
"""The full landmark model shipped in the wheel; 2 (heavy) downloads at run time: never."""

# MediaPipe Pose landmark numbers (mediapipe.solutions.pose.PoseLandmark)
MIN_WARMUP = 64  # side of the blank picture the graph is started with

_LEGS = {"left": (25, 27, 29, 31), "right": (26, 28, 30, 32)}  # knee, ankle, heel, foot index
_HIPS = {"left": 23, "right": 24}

MAX_PEOPLE = 4
"""At most this many people are looked for in one picture (each one more costs a pass)."""
MASK_MARGIN = 0.15
"""A person found is covered out to this fraction of their box's size beyond it on every
side, so that a hand or a foot the landmarks miss is not taken for somebody else."""


@dataclass(frozen=True, slots=True)
class Person:
    """One person found: their legs' points, the box around all their landmarks inside the
    picture (left, top, right, bottom, in pixels) and the picture's width."""

    pose: Pose
    box: tuple[float, float, float, float]
    width: int

    @property
    def size(self) -> float:
        """The box's area in pixels: the larger, the nearer the camera."""
        x0, y0, x1, y1 = self.box
        return (x1 - x0) * (y1 - y0)

    @property
    def where(self) -> str:
        """Where the person stands in the picture, in words (from the box's centre)."""
        centre = (self.box[0] + self.box[2]) / 2 / max(self.width, 1)
        return "on the left" if centre < 1 / 3 else "on the right" if centre > 2 / 3 \
            else "in the middle"


class VisionUnavailableError(AnkletError):
    """Detection was asked for, but MediaPipe (the ``[vision]`` extra) is not installed."""

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail
        super().__init__(ENABLE_HINT if detail is None else f"{ENABLE_HINT} ({detail})")


@cache
def _mediapipe() -> ModuleType | str:
    """The imported ``mediapipe`` module, or why it cannot be imported."""
    try:
        return importlib.import_module("mediapipe")
    except Exception as e:  # absent, or present but broken (a numpy 2 next to it, say)
        return f"{type(e).__name__}: {e}"


def available() -> bool:
    """Whether MediaPipe can be used here (imports it once, ~1 s, then remembers)."""
    return not isinstance(_mediapipe(), str)


def _require() -> ModuleType:
    mp = _mediapipe()
    if isinstance(mp, str):
        raise VisionUnavailableError(None if mp.startswith("ModuleNotFoundError") else mp)
    return mp


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Hide what MediaPipe's C++ side writes to stderr while its graph starts (TensorFlow
    Lite and glog notices, written to file descriptor 2 directly, not through Python)."""
    sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to hide
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


class Detector:
    """One MediaPipe Pose graph, started on first use and reused.

    ``video=True`` tracks the person from frame to frame (MediaPipe's
    ``static_image_mode=False``): for the frames of one video, in order; a fresh detector per
    video. Otherwise every picture is looked at on its own."""

    def __init__(self, *, video: bool = False) -> None:
        self.video = video
        self._pose: Any = None
        self._lock = threading.Lock()
        self._settled = False  # the landmark model has run once (its start-up notices are out)

    def _graph(self) -> Any:
        if self._pose is None:
            mp = _require()
            import numpy as np

            with _quiet_stderr():
                pose = mp.solutions.pose.Pose(static_image_mode=not self.video,
                                              model_complexity=MODEL_COMPLEXITY,
                                              smooth_landmarks=self.video,
                                              enable_segmentation=False)
                # the models are loaded on the first picture: do it here, with the notices
                # hidden, so the first real photo is as fast as the rest
                pose.process(np.full((MIN_WARMUP, MIN_WARMUP, 3), 127, dtype=np.uint8))
                if self.video:
                    pose.reset()
            self._pose = pose
        return self._pose

    def infer(self, rgb: Any) -> Any:
        """MediaPipe's own step alone: ``process`` on an RGB ``uint8`` array (H×W×3).
        Returns MediaPipe's result (``.pose_landmarks`` is None when nobody was found)."""
        with self._lock, warnings.catch_warnings():
            # protobuf 4 warns inside MediaPipe's own result conversion; not ours to fix
            warnings.filterwarnings("ignore", message=r"SymbolDatabase\.GetPrototype",
                                    category=UserWarning)
            graph = self._graph()
            if self._settled:
                return graph.process(rgb)
            with _quiet_stderr():  # the first person found loads the rest of the graph
                result = graph.process(rgb)
            self._settled = result.pose_landmarks is not None
            return result

    def detect(self, image: Image) -> Pose | None:
        """Both legs' points in ``image``'s pixels, or None when no person is found."""
        import numpy as np

        rgb = np.asarray(image if image.mode == "RGB" else image.convert("RGB"))
        return to_pose(self.infer(rgb), image.width, image.height)

    def people(self, image: Image, *, limit: int = MAX_PEOPLE) -> list[Person]:
        """Everybody found in ``image`` (up to ``limit``), largest box first: each one found
        is covered with grey and the picture looked at again (see the module notes). Only
        for a detector of single pictures (``video=False``): a tracking one would follow
        the first person instead of looking afresh."""
        if self.video:
            raise ValueError("people() needs a detector of single pictures (video=False)")
        import numpy as np

        rgb = np.array(image if image.mode == "RGB" else image.convert("RGB"))  # a copy
        h, w = rgb.shape[:2]
        found: list[Person] = []
        while len(found) < limit:
            result = self.infer(rgb)
            pose = to_pose(result, w, h)
            if pose is None:
                break
            marks = result.pose_landmarks.landmark
            xs = [m.x * w for m in marks]
            ys = [m.y * h for m in marks]
            box = (max(0.0, min(xs)), max(0.0, min(ys)), min(float(w), max(xs)),
                   min(float(h), max(ys)))
            if box[2] - box[0] < 1 or box[3] - box[1] < 1 or any(
                    _inside(box, p.box) for p in found):
                break  # nothing left inside the picture, or the same person again
            found.append(Person(pose, box, w))
            mx, my = (box[2] - box[0]) * MASK_MARGIN, (box[3] - box[1]) * MASK_MARGIN
            rgb[int(max(0, box[1] - my)):int(min(h, box[3] + my)) + 1,
                int(max(0, box[0] - mx)):int(min(w, box[2] + mx)) + 1] = 127
        return sorted(found, key=lambda p: p.size, reverse=True)

    def timed(self, image: Image) -> tuple[Pose | None, float]:
        """:meth:`detect`, with the milliseconds MediaPipe's own ``process`` took."""
        import numpy as np

        rgb = np.asarray(image if image.mode == "RGB" else image.convert("RGB"))
        t = time.perf_counter()
        result = self.infer(rgb)
        ms = (time.perf_counter() - t) * 1000
        return to_pose(result, image.width, image.height), ms

    def close(self) -> None:
        with self._lock:
            if self._pose is not None:
                self._pose.close()
                self._pose = None
                self._settled = False


def to_pose(result: Any, width: int, height: int) -> Pose | None:
    """MediaPipe's normalised landmarks as pixel points (x right, y down), or None."""
    found = getattr(result, "pose_landmarks", None)
    if found is None:
        return None
    marks = found.landmark

    def point(i: int) -> Landmark:
        return Landmark(marks[i].x * width, marks[i].y * height, float(marks[i].visibility))

    def leg(side: str) -> Leg:
        knee, ankle, heel, toe = (point(i) for i in _LEGS[side])
        return Leg(knee=knee, ankle=ankle, heel=heel, toe=toe, hip=point(_HIPS[side]))

    return Pose(left=leg("left"), right=leg("right"))


def _inside(box: tuple[float, float, float, float],
            other: tuple[float, float, float, float]) -> bool:
    """Whether ``box``'s centre lies inside ``other`` (the same person found twice)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return other[0] <= cx <= other[2] and other[1] <= cy <= other[3]


_shared: Detector | None = None
_shared_lock = threading.Lock()


def detector() -> Detector:
    """The process-wide detector for single photos (started on first use, then kept)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Detector()
        return _shared
