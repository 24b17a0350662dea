"""MediaPipe Pose: the knee, ankle, heel and toe of both legs, from one picture.

MediaPipe is an optional extra (``pip install 'anklet[vision]'``): :func:`available` says
whether it can be used, and asking for detection without it raises
:class:`VisionUnavailableError` with :data:`ENABLE_HINT`, never an ImportError.

Only the models inside the ``mediapipe==0.10.14`` wheel are used: ``model_complexity=1``
(``pose_landmark_full.tflite`` with ``pose_detection.tflite``). Complexity 2 would fetch
the heavy model from the internet on first use, so it is never asked for; nothing here
reaches the network.

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
from functools import cache
from types import ModuleType
from typing import Any

from anklet.domain.errors import AnkletError
from anklet.domain.photo import Landmark, Leg, Pose
from anklet.vision.images import Image

__all__ = ["ENABLE_HINT", "Detector", "VisionUnavailableError", "available", "detector"]

ENABLE_HINT = ("Finding the knee, ankle, heel and toe in a photo needs the optional vision "
               "extra: run  pip install 'anklet[vision]'  (it adds MediaPipe). Without it you "
               "can still measure: place the four points by hand (the photo page, or "
               "`anklet measure-photo ... --points`).")

MODEL_COMPLEXITY = 1
"""The full landmark model shipped in the wheel; 2 (heavy) downloads at run time: never."""

# MediaPipe Pose landmark numbers (mediapipe.solutions.pose.PoseLandmark)
MIN_WARMUP = 64  # side of the blank picture the graph is started with

_LEGS = {"left": (25, 27, 29, 31), "right": (26, 28, 30, 32)}  # knee, ankle, heel, foot index


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

    def leg(side: str) -> Leg:
        knee, ankle, heel, toe = (Landmark(marks[i].x * width, marks[i].y * height,
                                           float(marks[i].visibility)) for i in _LEGS[side])
        return Leg(knee=knee, ankle=ankle, heel=heel, toe=toe)

    return Pose(left=leg("left"), right=leg("right"))


_shared: Detector | None = None
_shared_lock = threading.Lock()


def detector() -> Detector:
    """The process-wide detector for single photos (started on first use, then kept)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Detector()
        return _shared
