"""anklet.vision.pose: MediaPipe Pose, offline, on a real photograph.

The real photograph is matplotlib's grace_hopper.jpg, a head-and-shoulders portrait: the
model must find her face and shoulders, and our reading must refuse because her knees and
feet are not in the picture. The flat grey picture is synthetic (nobody in it). The tests
that need MediaPipe skip, saying so, where the [vision] extra is not installed.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import ExifTags, Image

from anklet.domain.photo import CheckName, read_pose
from anklet.domain.units import Side
from anklet.vision import images, pose
from phototools import grey_image, jpeg, needs_mediapipe, real_photo, real_photo_bytes, two_people

NOSE, LEFT_SHOULDER, RIGHT_SHOULDER = 0, 11, 12


class NetworkUsedError(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every way to open a connection fails (and is recorded): the model must not need one."""
    tried: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        tried.append(args)
        raise NetworkUsedError(f"a network connection was attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    with pytest.raises(NetworkUsedError):  # the guard itself works
        socket.create_connection(("example.org", 80), timeout=1)
    tried.clear()
    return tried


@pytest.fixture(scope="module")
def detector() -> Iterator[pose.Detector]:
    d = pose.Detector()
    yield d
    d.close()


@needs_mediapipe
def test_the_model_loads_and_finds_a_real_person_with_no_network(no_network: list[Any]) -> None:
    d = pose.Detector()  # a graph of its own, started while the network is cut off
    try:
        photo = images.load_image(real_photo_bytes(), name="grace_hopper.jpg")
        import numpy as np

        result = d.infer(np.asarray(photo))
        found = d.detect(photo)
    finally:
        d.close()
    assert no_network == []  # not even tried
    marks = result.pose_landmarks.landmark
    nose, left, right = marks[NOSE], marks[LEFT_SHOULDER], marks[RIGHT_SHOULDER]
    # her face is in the upper middle of the portrait, her shoulders at its lower corners
    assert nose.visibility > 0.9
    assert 0.4 < nose.x < 0.65
    assert 0.25 < nose.y < 0.5
    assert left.visibility > 0.9
    assert right.visibility > 0.9
    assert right.x < nose.x < left.x  # she faces the camera: her left is on our right
    assert 0.6 < left.y < 0.8
    assert 0.6 < right.y < 0.8
    # the legs are guessed below the picture, with (almost) no confidence
    assert found is not None
    for leg in (found.left, found.right):
        for p in leg.points().values():
            assert p.visibility < 0.1
            assert p.y > photo.height  # below the bottom edge


@needs_mediapipe
def test_our_reading_refuses_a_photo_without_knees_and_feet(detector: pose.Detector) -> None:
    photo = images.load_image(real_photo_bytes(), name="grace_hopper.jpg")
    found = detector.detect(photo)
    assert found is not None
    for side in Side:
        reading = read_pose(side, found)
        assert not reading.ok
        visible = reading.check(CheckName.VISIBLE)
        assert visible.passed is False
        assert "not clearly visible" in visible.message


@needs_mediapipe
def test_people_finds_each_of_two_people_largest_first(detector: pose.Detector) -> None:
    found = detector.people(two_people())
    assert [p.where for p in found] == ["on the left", "on the right"]
    assert found[0].size > found[1].size
    assert found[0].box[2] <= 512 + 40 < found[1].box[0] + 40  # each in their own half
    one = detector.people(real_photo())
    assert len(one) == 1
    assert one[0].pose.left.hip is not None  # the hip comes with the legs
    assert detector.people(images.load_image(grey_image(), name="grey.png")) == []
    # still one person at a time for the plain detect()
    assert detector.detect(two_people()) is not None


def test_people_is_for_single_pictures_only() -> None:
    with pytest.raises(ValueError, match="single pictures"):
        pose.Detector(video=True).people(Image.new("RGB", (64, 64)))


@needs_mediapipe
def test_a_picture_with_nobody_in_it_gives_no_pose(detector: pose.Detector) -> None:
    flat = images.load_image(grey_image(), name="grey.png")  # SYNTHETIC: flat grey
    assert detector.detect(flat) is None


@needs_mediapipe
def test_a_sideways_stored_photo_is_seen_upright_by_the_model(detector: pose.Detector) -> None:
    import numpy as np

    upright = images.load_image(real_photo_bytes(), name="upright.jpg")
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    turned = jpeg(real_photo().transpose(Image.Transpose.ROTATE_90), exif=exif.tobytes())
    loaded = images.load_image(turned, name="turned.jpg")
    a = detector.infer(np.asarray(upright)).pose_landmarks.landmark
    b = detector.infer(np.asarray(loaded)).pose_landmarks.landmark
    for i in (NOSE, LEFT_SHOULDER, RIGHT_SHOULDER):
        assert b[i].visibility > 0.9
        assert abs(a[i].x - b[i].x) < 0.03
        assert abs(a[i].y - b[i].y) < 0.03


@needs_mediapipe
def test_the_shared_detector_is_one_per_process() -> None:
    assert pose.detector() is pose.detector()
    assert pose.available()


def test_without_mediapipe_detection_says_how_to_enable_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # the import machinery itself refuses mediapipe, as where the extra is not installed
    monkeypatch.setitem(sys.modules, "mediapipe", None)
    pose._mediapipe.cache_clear()
    try:
        assert not pose.available()
        photo = images.load_image(grey_image(), name="grey.png")
        with pytest.raises(pose.VisionUnavailableError) as e:
            pose.Detector().detect(photo)
        assert str(e.value) == pose.ENABLE_HINT
        assert "pip install 'anklet[vision]'" in str(e.value)
        assert "by hand" in str(e.value)
    finally:
        pose._mediapipe.cache_clear()
