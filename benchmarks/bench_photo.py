"""Photo measurement end to end, against MediaPipe's own inference on the same images.

Prints JSON: milliseconds per photo for the whole path a photo takes — decode the uploaded
bytes (checks, EXIF rotation, downscaling), run the pose model, read the angle and the
test's checks, draw the annotated picture and encode it as JPEG — and, in the same run on
the same decoded pixels, the milliseconds MediaPipe's ``Pose.process`` alone takes. Their
ratio is our overhead around the model. Target: under 300 ms per photo (median and p95).

The photographs: the one real photograph of a person available offline here,
matplotlib's grace_hopper.jpg (a public-domain portrait, 512×600), at its own size, and
the same photograph re-encoded at two phone-like sizes (1200×1406, and 3024×3543 ≈ a 12 MP
phone photo). The larger two are upscaled, so their pixels are interpolated, but the
work is the real work: a 12 MP JPEG is decoded (at reduced scale), downscaled to 1600 px
and drawn on like any phone photo. Each size runs REPEATS times after a warm-up; the
graph's start (first photo in a process) is reported on its own.

Run: ``.venv/bin/python benchmarks/bench_photo.py`` (needs the [vision] extra).
"""

from __future__ import annotations

import io
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import cbook
from PIL import Image

from anklet.domain.photo import read_pose
from anklet.domain.units import Side
from anklet.vision import images, pose

REPEATS = 30
TARGET_MS = 300.0
SIZES = [None, (1200, 1406), (3024, 3543)]


def photographs() -> list[tuple[str, bytes]]:
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    original = Path(str(path)).read_bytes()
    out = [("grace_hopper.jpg 512x600 (as shipped)", original)]
    with Image.open(io.BytesIO(original)) as im:
        rgb = im.convert("RGB")
    for size in SIZES[1:]:
        assert size is not None
        buf = io.BytesIO()
        rgb.resize(size, Image.Resampling.BICUBIC).save(buf, "JPEG", quality=90)
        out.append((f"grace_hopper.jpg re-encoded at {size[0]}x{size[1]} (upscaled)",
                    buf.getvalue()))
    return out


def ms(f: Callable[[], Any]) -> tuple[Any, float]:
    t = time.perf_counter()
    value = f()
    return value, (time.perf_counter() - t) * 1000


def summary(values: list[float]) -> dict[str, float]:
    s = sorted(values)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return {"median": round(statistics.median(s), 1), "p95": round(p95, 1),
            "min": round(s[0], 1), "max": round(s[-1], 1)}


def one_photo(detector: pose.Detector, data: bytes) -> dict[str, float]:
    """The whole path once, timed by stage (what the CLI and the web page do)."""
    image, load = ms(lambda: images.load_image(data, name="photo.jpg"))
    found, detect = ms(lambda: detector.detect(image))
    assert found is not None, "the model found nobody in the portrait"
    reading, read = ms(lambda: read_pose(Side.LEFT, found))
    _, draw = ms(lambda: images.to_jpeg(images.annotate(image, reading)))
    return {"load": load, "detect": detect, "read": read, "annotate": draw,
            "total": load + detect + read + draw}


def main() -> None:
    photos = photographs()
    detector = pose.Detector()
    start_ms = one_photo(detector, photos[0][1])["total"]  # graph start + first photo
    results = []
    all_total: list[float] = []
    all_infer: list[float] = []
    for label, data in photos:
        pixels = np.asarray(images.load_image(data, name="photo.jpg"))
        one_photo(detector, data)  # warm-up for this size
        stages: dict[str, list[float]] = {"load": [], "detect": [], "read": [], "annotate": [],
                                          "total": []}
        infer: list[float] = []
        for _ in range(REPEATS):
            for k, v in one_photo(detector, data).items():
                stages[k].append(v)
            _, t = ms(lambda px=pixels: detector.infer(px))  # MediaPipe alone, same pixels
            infer.append(t)
        all_total += stages["total"]
        all_infer += infer
        results.append({
            "photo": label,
            "bytes": len(data),
            "analysed_size": [int(pixels.shape[1]), int(pixels.shape[0])],
            "end_to_end_ms": summary(stages["total"]),
            "mediapipe_inference_ms": summary(infer),
            "overhead_ratio": round(statistics.median(stages["total"]) / statistics.median(infer),
                                    2),
            "stage_median_ms": {k: round(statistics.median(v), 2) for k, v in stages.items()
                                if k != "total"},
        })
    detector.close()
    total, inference = summary(all_total), summary(all_infer)
    print(json.dumps({
        "benchmark": "photo measurement: load, detect, read, annotate (JPEG), per photo",
        "repeats_per_photo": REPEATS,
        "first_photo_with_model_start_ms": round(start_ms, 1),
        "photos": results,
        "all_photos": {
            "end_to_end_ms": total,
            "mediapipe_inference_ms": inference,
            "overhead_ratio": round(total["median"] / inference["median"], 2),
        },
        "target_ms": TARGET_MS,
        "target_met": total["p95"] < TARGET_MS,
        "machine": {"python": sys.version.split()[0], "platform": platform.platform(),
                    "cpus": os.cpu_count()},
    }, indent=2))


if __name__ == "__main__":
    main()
