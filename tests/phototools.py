"""Photos for the photo-measurement tests, and markers for what they need.

The one real photograph is matplotlib's ``grace_hopper.jpg`` (``mpl-data/sample_data``), a
public-domain US Navy portrait of Rear Admiral Grace Hopper that ships inside matplotlib (a
dependency of MediaPipe, so it is there whenever the ``[vision]`` extra is). It shows her
head and shoulders: the model finds her face and shoulders, and her knees and feet are not in
the picture. Every other picture made here is plainly synthetic and named so (a flat grey
image, a tiny image, a header claiming a huge size); none is passed off as a real photo.
"""

from __future__ import annotations

import importlib.util
import io
import os
import struct
import tempfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

needs_mediapipe = pytest.mark.skipif(
    importlib.util.find_spec("mediapipe") is None,
    reason="MediaPipe is not installed (the optional [vision] extra: "
           "pip install -e '.[dev,vision]', which `make test` does)")


def real_photo_path() -> Path:
    """Path of the real photograph (skips the test where matplotlib is not installed)."""
    if importlib.util.find_spec("matplotlib") is None:
        pytest.skip("matplotlib (installed with the [vision] extra) ships the real test photo "
                    "grace_hopper.jpg; it is not installed")
    from matplotlib import cbook

    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    return Path(str(path))


def real_photo_bytes() -> bytes:
    return real_photo_path().read_bytes()


def real_photo() -> Image.Image:
    with Image.open(real_photo_path()) as im:
        return im.convert("RGB")


def jpeg(image: Image.Image, **save: Any) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=92, **save)
    return buf.getvalue()


def png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def two_people() -> Image.Image:
    """SYNTHETIC scene of two REAL people: the real portrait twice on a grey ground, the one
    on the left at full size and a copy two thirds as large on the right (as a person
    farther from the camera looks)."""
    face = real_photo()
    small = face.resize((face.width * 2 // 3, face.height * 2 // 3))
    scene = Image.new("RGB", (face.width + 40 + small.width, face.height), (128, 128, 128))
    scene.paste(face, (0, 0))
    scene.paste(small, (face.width + 40, face.height - small.height))
    return scene


def grey_image(size: tuple[int, int] = (640, 480)) -> bytes:
    """SYNTHETIC: a flat mid-grey picture (nobody in it)."""
    return png(Image.new("RGB", size, (128, 128, 128)))


def png_claiming(width: int, height: int) -> bytes:
    """SYNTHETIC: a small valid PNG whose header claims ``width``×``height`` pixels (a
    decompression bomb's trick): refused from the header, before any decoding."""
    data = bytearray(png(Image.new("L", (8, 8), 0)))
    # IHDR: 8-byte signature, 4-byte length, b"IHDR", 13 bytes of data, 4-byte CRC
    start = 8 + 4
    assert data[start:start + 4] == b"IHDR"
    body = bytearray(data[start + 4:start + 17])
    body[0:8] = struct.pack(">II", width, height)
    data[start + 4:start + 17] = body
    data[start + 17:start + 21] = struct.pack(">I", zlib.crc32(bytes(data[start:start + 17])))
    return bytes(data)


def write_video(frames: list[object], fps: int = 10) -> bytes:
    """An MP4 clip (OpenCV's mp4v) of these RGB pictures, ``fps`` a second: a real video file
    of whatever the pictures are (needs OpenCV, installed with the [vision] extra)."""
    import cv2
    import numpy as np

    fd, path = tempfile.mkstemp(suffix=".mp4")
    os.close(fd)
    try:
        first = np.asarray(frames[0])
        h, w = first.shape[:2]
        out = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
        assert out.isOpened()
        for f in frames:
            out.write(cv2.cvtColor(np.asarray(f), cv2.COLOR_RGB2BGR))
        out.release()
        return Path(path).read_bytes()
    finally:
        os.unlink(path)
