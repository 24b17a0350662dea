"""The photo measurement pages (``/people/{key}/photo``): upload, the points shown, saving
hand-placed or corrected points, every kind of bad input, and who may use them.

Photos: the real photograph is matplotlib's ``grace_hopper.jpg`` (a public-domain US Navy
portrait that ships inside matplotlib, a dependency of the ``[vision]`` extra): the pose
model finds her, but her legs are not in the picture, so the page must fall back to placing
the points by hand. The bad-input cases and the hand-placed measurements use pictures made
here with Pillow; they stand in for a photo only where the points are placed by hand, never
as something the model is said to have read.

Videos: real MP4 files written with OpenCV (``phototools.write_video``). The real one films
the real portrait after a second of grey screen (the grey is SYNTHETIC): the model looks
through it, finds her only in the portrait's frames, and the page shows one of those for the
points to be placed by hand, since her legs are not in it. A grey clip (SYNTHETIC) has
nobody in it. No freely licensed video of a lunge ships in a package, so the path where a
frame keeps every rule is tested with the video reader's answer given directly (said so in
that test), never with a made-up clip called real.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image, ImageDraw
from webtools import Web, WebClient

from anklet.domain.history import History
from anklet.domain.measures import MeasureKind, Method
from anklet.domain.photo import Landmark, Leg, Pose, read_leg
from anklet.domain.units import Side
from anklet.vision import pose as pose_module
from anklet.vision.images import MAX_UPLOAD_BYTES
from anklet.web.pages import photo as photo_page
from phototools import needs_mediapipe, real_photo, write_video

TODAY = dt.date.today()
COACH = "coach@example.org"

# A lunge on a 640×480 picture, side-on, heel down, left foot in front: all checks pass.
GOOD = {"knee": (400.0, 110.0), "ankle": (300.0, 380.0), "heel": (250.0, 420.0),
        "toe": (430.0, 420.0), "back_toe": (80.0, 420.0)}


def _text(page: str) -> str:
    no_tags = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(no_tags))


def _picture(size: tuple[int, int] = (640, 480), fmt: str = "JPEG", **save: Any) -> bytes:
    """A plain picture with a dark bar for a shin (made here: no person in it)."""
    im = Image.new("RGB", size, (205, 212, 220))
    ImageDraw.Draw(im).line([(size[0] * 0.62, size[1] * 0.23), (size[0] * 0.47, size[1] * 0.8)],
                            fill=(40, 40, 40), width=18)
    buf = io.BytesIO()
    im.save(buf, fmt, **save)
    return buf.getvalue()


def _grace_hopper() -> bytes:
    cbook = pytest.importorskip("matplotlib.cbook", reason="matplotlib (the [vision] extra) "
                                                          "ships the real photograph")
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        data: bytes = f.read()
    return data


def _client(web: Web, name: str = "Pat Photo") -> str:
    return web.add_client(COACH, name)


def _history(web: Web, key: str) -> History:
    with web.ctx.uow() as uow:
        return uow.people.get(key)


def _upload(b: WebClient, key: str, data: bytes, *, side: str = "left",
            name: str = "lunge.jpg", ctype: str = "image/jpeg") -> Any:
    return b.post(f"/people/{key}/photo", data={"csrf_token": b.csrf(), "side": side},
                  files={"photo": (name, data, ctype)})


def _image_field(page: str) -> str:
    m = re.search(r'name="image" value="([^"]+)"', page)
    assert m, "no photo on the measuring page"
    return html.unescape(m.group(1))


def _save_form(image: str, points: dict[str, tuple[float, float] | None], *, side: str = "left",
               date: str | None = None, **extra: str) -> dict[str, str]:
    data = {"side": side, "mode": "hand", "image": image,
            "date": TODAY.isoformat() if date is None else date}
    for name, p in points.items():
        data[f"{name}_x"], data[f"{name}_y"] = ("", "") if p is None else (str(p[0]), str(p[1]))
    return data | extra


def _save(b: WebClient, key: str, form: dict[str, str]) -> Any:
    return b.form(f"/people/{key}/photo/save", form)


def _domain_reading(points: dict[str, tuple[float, float]], side: Side = Side.LEFT) -> Any:
    leg = Leg(**{n: Landmark(*points[n]) for n in ("knee", "ankle", "heel", "toe")})
    back = Landmark(*points["back_toe"])
    return read_leg(side, leg, floor=back, other=Leg(back, back, back, back))


@pytest.fixture
def key(web: Web, coach: WebClient) -> str:
    return _client(web)


@pytest.fixture
def measuring(coach: WebClient, key: str) -> str:
    """The photo as the measuring page carries it (a data URL), after a real upload."""
    r = _upload(coach, key, _picture())
    assert r.status_code == 200, _text(r.text)
    return _image_field(r.text)


# --- the pages ------------------------------------------------------------------------------


def test_the_person_page_links_to_the_photo_page(coach: WebClient, key: str) -> None:
    assert f'href="/people/{key}/photo"' in coach.get(f"/people/{key}").text
    r = coach.get(f"/people/{key}/photo")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    words = _text(r.text)
    assert "Ankle bend from a photo" in words
    assert "Your photo is not stored." in words
    assert f'max-bytes="{MAX_UPLOAD_BYTES}"' in r.text
    assert 'enctype="multipart/form-data"' in r.text
    assert '<script src="/static/photo.js"' in r.text


def test_a_self_coached_person_measures_themself(web: Web, self_coached: WebClient) -> None:
    key = self_coached.person_key
    assert key is not None
    r = _upload(self_coached, key, _picture())
    assert r.status_code == 200
    r = _save(self_coached, key, _save_form(_image_field(r.text), dict(GOOD)))
    assert r.status_code == 303
    assert [m.method for m in _history(web, key).measurements] == [Method.PHOTO]


def test_upload_shows_the_photo_to_place_the_points(coach: WebClient, key: str) -> None:
    r = _upload(coach, key, _picture())
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    assert 'viewBox="0 0 640 480"' in r.text
    image = _image_field(r.text)
    assert image.startswith("data:image/jpeg;base64,")
    assert len(image) <= photo_page.PAGE_IMAGE_CHARS
    words = _text(r.text)
    # no person in a plain picture: placed by hand, whether or not the model is installed
    assert "Place the points yourself" in words
    assert '"mode":"hand"' in r.text
    assert "Your photo is not stored." in words
    assert f'action="/people/{key}/photo/save"' in r.text


def test_the_real_photograph_is_read_and_falls_back_to_hand_placement(
        coach: WebClient, key: str) -> None:
    """Grace Hopper's portrait: upper body only. With the model installed it finds her but
    none of her legs' points inside the picture; without it, the page says so. Either way the
    photo is shown to place the points by hand, and nothing is stored."""
    data = _grace_hopper()
    r = _upload(coach, key, data, side="right", name="grace_hopper.jpg")
    assert r.status_code == 200
    assert 'viewBox="0 0 512 600"' in r.text
    words = _text(r.text)
    if photo_page.photo_service.available():
        assert ("A person was found, but not their right knee, ankle, heel and toe inside the "
                "picture") in words
    else:
        assert "Finding the points automatically is not installed here" in words
    assert '"mode":"hand"' in r.text


def test_points_the_model_finds_are_shown_to_be_checked(
        coach: WebClient, key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's own handling of what the model returns: points inside the picture shown
    (an unsure one marked), the other foot's toe as the back toe, and the checks read from
    them. No freely licensed full-length lunge photo ships in a package, so this one case
    gives the page a detector's answer directly; the model itself runs on the real photo
    in the test above and in tests/integration/vision."""
    import anklet.vision.pose as pose_module

    def leg(knee: tuple[float, float], v: float = 0.9) -> Leg:
        return Leg(knee=Landmark(*knee, v), ankle=Landmark(300, 380, 0.95),
                   heel=Landmark(250, 420, 0.9), toe=Landmark(430, 420, 0.92))

    pose = Pose(left=leg((400, 110), v=0.3),  # an unsure knee
                right=Leg(Landmark(100, 100), Landmark(120, 380), Landmark(60, 420),
                          Landmark(80, 420, 0.9)))

    class Found:
        def people(self, image: Any) -> list[pose_module.Person]:
            return [pose_module.Person(pose, (60.0, 100.0, 430.0, 420.0), image.width)]

    monkeypatch.setattr(photo_page.photo_service, "available", lambda: True)
    monkeypatch.setattr(pose_module, "detector", lambda: Found())
    r = _upload(coach, key, _picture())
    assert r.status_code == 200
    words = _text(r.text)
    assert "The points were found for you" in words
    assert '"mode":"model"' in r.text
    assert 'name="knee_v" value="0.3"' in r.text
    assert 'name="back_toe_x" value="80' in r.text
    assert "handle unsure" in r.text
    assert "The knee is not clearly visible (the model is only 30% sure; we need 50%)" in words
    assert re.search(r"<button[^>]*data-save[^>]*disabled", r.text)  # not until it is checked


def test_detected_points_outside_the_picture_mean_placing_by_hand() -> None:
    inside = Leg(Landmark(10, 10), Landmark(20, 50), Landmark(15, 60), Landmark(40, 60))
    outside = Leg(Landmark(10, 10), Landmark(20, 50), Landmark(15, 60), Landmark(40, 61))
    far_toe = Leg(inside.knee, inside.ankle, inside.heel, Landmark(-5, 60))
    assert photo_page.detected_points(Pose(left=outside, right=inside), Side.LEFT, 100, 60) is None
    found = photo_page.detected_points(Pose(left=inside, right=far_toe), Side.LEFT, 100, 60)
    assert found is not None
    assert found["back_toe"] is None  # the other toe is off the picture: no floor point
    assert found["knee"] == photo_page.Point(10, 10, 1.0)


# --- saving ---------------------------------------------------------------------------------


def test_hand_placed_points_are_read_again_and_stored(web: Web, coach: WebClient, key: str,
                                                      measuring: str) -> None:
    expected = _domain_reading(GOOD)
    assert expected.ok
    # the browser's figure is not taken: a posted "angle" is ignored
    r = _save(coach, key, _save_form(measuring, dict(GOOD), angle="80", cm="22"))
    assert r.status_code == 303
    assert r.headers["location"] == f"/people/{key}"
    h = _history(web, key)
    assert len(h.measurements) == 1
    m = h.measurements[0]
    assert (m.kind, m.method, m.side, m.date) == (MeasureKind.LUNGE_ANGLE, Method.PHOTO,
                                                  Side.LEFT, TODAY)
    assert m.value == round(expected.angle, 1)
    page = coach.get(f"/people/{key}")
    words = _text(page.text)
    assert f"Saved: left lunge angle {m.value:.1f}°" in words
    assert "The photo itself was not kept." in words
    assert "Lunge angle" in words
    assert "Photo measured" in words  # the log of changes
    with web.ctx.uow() as uow:
        decision = uow.people.get_decision(key)
    assert decision is not None
    assert decision.as_of == TODAY


def test_the_visibility_sent_with_a_point_is_checked(web: Web, coach: WebClient, key: str,
                                                     measuring: str) -> None:
    r = _save(coach, key, _save_form(measuring, dict(GOOD), knee_v="0.2"))
    assert r.status_code == 422
    assert "The knee is not clearly visible" in _text(r.text)
    r = _save(coach, key, _save_form(measuring, dict(GOOD), knee_v="2"))
    assert r.status_code == 422
    assert "must be from 0 to 1" in _text(r.text)
    assert _history(web, key).measurements == []


@pytest.mark.parametrize(("change", "reason"), [
    ({"heel": (250.0, 380.0)}, "The heel is lifted: the foot is tilted"),
    ({"back_toe": (560.0, 420.0)}, "The other foot is not behind the left one"),
    ({"knee": (310.0, 110.0)}, "The shin leans only 2.1° forward"),
    ({"heel": (330.0, 420.0), "toe": (420.0, 420.0)}, "The camera does not look side-on"),
])
def test_a_broken_rule_is_not_stored_and_the_points_are_kept(
        web: Web, coach: WebClient, key: str, measuring: str,
        change: dict[str, tuple[float, float]], reason: str) -> None:
    points = dict(GOOD) | change
    assert not _domain_reading(points).ok
    r = _save(coach, key, _save_form(measuring, dict(points)))
    assert r.status_code == 422
    words = _text(r.text)
    assert "Nothing was saved: the photo breaks a rule of the test." in words
    assert reason in words
    for name, (x, y) in points.items():  # every point where it was
        assert f'name="{name}_x" value="{x}"' in r.text
        assert f'name="{name}_y" value="{y}"' in r.text
    assert _image_field(r.text) == measuring  # and the photo, to move them
    assert r.headers["cache-control"] == "no-store"
    h = _history(web, key)
    assert h.measurements == []
    with web.ctx.uow() as uow:
        assert uow.accounts.audit_for(key) == [] or all(
            a.action != "photo_measured" for a in uow.accounts.audit_for(key))


def _heel_box(page: str) -> str:
    """The tick box's block ("I checked by eye..."), as the page renders it."""
    found = re.search(r"<div[^>]*data-heel-confirm[^>]*>.*?</div>", page, re.S)
    assert found, "no heel tick box on the page"
    return found.group(0)


def test_save_without_a_back_toe_needs_the_heel_ticked_as_checked_by_eye(
        web: Web, coach: WebClient, key: str, measuring: str) -> None:
    points: dict[str, tuple[float, float] | None] = {**GOOD, "back_toe": None}
    r = _save(coach, key, _save_form(measuring, points))
    assert r.status_code == 422
    words = _text(r.text)
    assert "Nothing was saved" in words
    assert ("We could not see from the picture whether the heel stayed on the floor, and a "
            "lifted heel gives a wrong angle, so nothing was stored.") in words
    assert "tick “I checked by eye that the heel stayed down”" in words
    box = _heel_box(r.text)
    assert "hidden" not in box.split(">", 1)[0]  # shown: the heel cannot be checked here
    assert re.search(r'<input type="checkbox" name="heel_checked" value="yes"[^>]* required', box)
    assert "I checked by eye that the heel stayed down" in _text(box)
    assert _history(web, key).measurements == []

    r = _save(coach, key, _save_form(measuring, points, heel_checked="yes"))
    assert r.status_code == 303
    [m] = _history(web, key).measurements
    assert m.notes is not None
    assert "Heel confirmed down by eye" in m.notes


def test_the_heel_tick_box_is_hidden_when_the_photo_shows_the_heel(
        web: Web, coach: WebClient, key: str, measuring: str) -> None:
    r = _save(coach, key, _save_form(measuring, dict(GOOD), date="soon"))  # refused: the date
    assert r.status_code == 422
    box = _heel_box(r.text)
    assert "hidden" in box.split(">", 1)[0]
    assert " required" not in box


@pytest.mark.parametrize(("change", "says"), [
    ({"knee_x": "700"}, "The knee point is outside the photo (at 700, 110.0; the photo is "
                        "640×480 pixels)"),
    ({"toe_y": "-1"}, "The toe point is outside the photo"),
    ({"ankle_x": "", "ankle_y": ""}, "The ankle point is missing"),
    ({"heel_x": "left"}, "The heel point's position is not a number"),
    ({"knee_x": "nan"}, "The knee point is outside the photo"),
    ({"back_toe_y": ""}, "The back foot's toe point is missing"),
    ({"knee_x": "300", "knee_y": "380"}, "These points make no leg"),
    ({"knee_x": "200", "knee_y": "110"}, "The front knee is not ahead of the ankle"),
])
def test_bad_points_are_refused_in_place(web: Web, coach: WebClient, key: str, measuring: str,
                                         change: dict[str, str], says: str) -> None:
    r = _save(coach, key, _save_form(measuring, dict(GOOD), **change))
    assert r.status_code == 422, _text(r.text)
    assert says in _text(r.text)
    assert "Nothing was saved" in _text(r.text)
    assert _history(web, key).measurements == []


@pytest.mark.parametrize(("date", "says"), [
    ("soon", "Use a date such as 2025-03-14"),
    ((TODAY + dt.timedelta(days=1)).isoformat(), "no later than today"),
    ("", "Give the date the photo was taken."),
])
def test_a_bad_date_is_shown_next_to_it(web: Web, coach: WebClient, key: str, measuring: str,
                                        date: str, says: str) -> None:
    r = _save(coach, key, _save_form(measuring, dict(GOOD), date=date))
    assert r.status_code == 422
    field = re.search(r'<div class="field has-error">.*?</div>', r.text, re.S)
    assert field
    assert 'name="date"' in field.group(0)
    assert says in _text(field.group(0))
    assert f'name="knee_x" value="{GOOD["knee"][0]}"' in r.text
    assert _history(web, key).measurements == []


def test_a_bad_side_or_a_missing_photo_on_saving_asks_again(web: Web, coach: WebClient,
                                                            key: str, measuring: str) -> None:
    r = _save(coach, key, _save_form(measuring, dict(GOOD), side="middle"))
    assert r.status_code == 422
    assert "Choose the leg you are measuring: left or right." in _text(r.text)
    for image in ("", "data:image/jpeg;base64,!!!", "data:text/html;base64,PGI+",
                  "data:image/jpeg;base64,aGVsbG8="):
        r = _save(coach, key, _save_form(image, dict(GOOD)))
        assert r.status_code == 422
        assert "The photo did not come back with the form" in _text(r.text)
    assert _history(web, key).measurements == []


# --- bad uploads ----------------------------------------------------------------------------


def _truncated_jpeg() -> bytes:
    data = _picture((800, 600))
    return data[: len(data) // 2]


@pytest.mark.parametrize(("make", "says"), [
    (lambda: b"just some text, not a photo", "this is not a photo we can read"),
    (lambda: b"", "the file is empty"),
    (_truncated_jpeg, "the file looks damaged or cut short"),
    (lambda: _picture((120, 90), "PNG"), "the picture is only 120×90 pixels"),
    (lambda: b"%PDF-1.4\n" + b"0" * 2000, "this is not a photo we can read"),
])
def test_a_bad_upload_is_explained_in_place(web: Web, coach: WebClient, key: str,
                                            make: Any, says: str) -> None:
    r = _upload(coach, key, make())
    assert r.status_code == 422, r.status_code
    field = re.search(r'<div class="field has-error">.*?</div>', r.text, re.S)
    assert field
    assert 'name="photo"' in field.group(0)
    assert says in _text(field.group(0))
    assert 'value="left" checked' in r.text  # the side chosen is kept
    assert "Traceback" not in r.text
    assert _history(web, key).measurements == []


def test_an_upload_needs_a_side_and_a_file(coach: WebClient, key: str) -> None:
    r = coach.form(f"/people/{key}/photo", {"side": ""})
    assert r.status_code == 422
    words = _text(r.text)
    assert "Choose the leg you are measuring: left or right." in words
    assert "Choose a photo to upload" in words


def test_exif_rotation_is_applied(coach: WebClient, key: str) -> None:
    """A phone photo stored sideways with EXIF orientation 6 (turn 90° clockwise to view)
    is shown upright: 640×480 stored, 480×640 on the page."""
    exif = Image.Exif()
    exif[0x0112] = 6
    r = _upload(coach, key, _picture((640, 480), exif=exif.tobytes()))
    assert r.status_code == 200
    assert 'viewBox="0 0 480 640"' in r.text


def test_a_photo_over_the_limit_is_refused_in_place(coach: WebClient, key: str) -> None:
    r = _upload(coach, key, b"\xff\xd8" + b"\0" * (MAX_UPLOAD_BYTES - 1))
    assert r.status_code == 422
    assert "more than the 15 MB accepted" in _text(r.text)


def test_a_body_over_the_limit_is_refused_before_it_is_read(coach: WebClient, key: str) -> None:
    r = _upload(coach, key, b"\0" * (MAX_UPLOAD_BYTES + photo_page.BODY_SLACK + 1))
    assert r.status_code == 413
    assert "photos of up to 15 MB are accepted" in _text(r.text)
    r = coach.post(f"/people/{key}/photo", content=iter([b"--x\r\n", b"0" * 100]),
                   headers={"content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 411


def test_a_big_phone_photo_is_downscaled_and_fits_the_form(coach: WebClient, key: str) -> None:
    noisy = Image.effect_noise((4000, 3000), 90).convert("RGB")  # hard to compress
    buf = io.BytesIO()
    noisy.save(buf, "JPEG", quality=95)
    assert len(buf.getvalue()) < MAX_UPLOAD_BYTES
    r = _upload(coach, key, buf.getvalue())
    assert r.status_code == 200
    assert 'viewBox="0 0 1600 1200"' in r.text
    assert len(_image_field(r.text)) <= photo_page.PAGE_IMAGE_CHARS


# --- a short video ---------------------------------------------------------------------------

MP4_HEADER = b"\0\0\0\x1cftypisom\0\0\x02\0isomiso2mp41" + b"\0" * 64
"""The start of an MP4 file (SYNTHETIC header bytes: taken for a video, never decoded)."""
LEAD_IN = 12  # frames of grey before the portrait, at 10 a second: 1.2 s


@pytest.fixture(scope="module")
def portrait_clip() -> bytes:
    """A real MP4, 2 s at 10 frames a second: 1.2 s of flat grey (SYNTHETIC), then the real
    portrait, filmed as a still, for 0.8 s."""
    pytest.importorskip("cv2", reason="OpenCV (the [vision] extra) writes the test video")
    grey = Image.new("RGB", (512, 600), (128, 128, 128))
    return write_video([grey] * LEAD_IN + [real_photo()] * 8, fps=10)


@pytest.fixture
def no_mediapipe(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The import machinery refuses mediapipe, as where the [vision] extra is not installed."""
    monkeypatch.setitem(sys.modules, "mediapipe", None)
    pose_module._mediapipe.cache_clear()
    yield
    pose_module._mediapipe.cache_clear()


def _video(b: WebClient, key: str, data: bytes, *, side: str = "right",
           name: str = "lunge.mp4") -> Any:
    return _upload(b, key, data, side=side, name=name, ctype="video/mp4")


def _photo_error(page: str) -> str:
    """The error shown next to the file input (its field marked as wrong)."""
    field = re.search(r'<div class="field has-error">.*?</div>', page, re.S)
    assert field, "no error next to the file"
    error = re.search(r'<small class="error" id="e-photo"[^>]*>(.*?)</small>', field.group(0),
                      re.S)
    assert error
    assert 'aria-invalid="true"' in field.group(0)
    return _text(error.group(1)).strip()


@needs_mediapipe
def test_the_upload_page_offers_a_video_when_the_model_is_installed(coach: WebClient,
                                                                     key: str) -> None:
    r = coach.get(f"/people/{key}/photo")
    words = _text(r.text)
    assert "Choose the photo or video" in words
    assert "A JPEG, PNG or WebP photo, or a short MP4, MOV, WebM or AVI video; up to 15 MB." in words
    accept = re.search(r'accept="([^"]+)"', r.text)
    assert accept
    assert {"image/jpeg", "video/mp4", "video/quicktime", "video/webm", ".mov"} <= set(
        accept.group(1).split(","))
    assert "A video is not stored either" in words


@needs_mediapipe
def test_a_real_video_with_no_lunge_in_it_is_refused_in_place(
        web: Web, coach: WebClient, key: str, portrait_clip: bytes) -> None:
    """The model reads every frame; nobody is in the grey ones, and in the portrait's her
    legs are not in the picture: no moment shows a knee-to-wall lunge, and the page says so
    with what the deepest moment broke, and stores nothing."""
    r = _video(coach, key, portrait_clip)
    assert r.status_code == 422
    says = _photo_error(r.text)
    assert says.startswith("lunge.mp4: no moment of this video shows a knee-to-wall lunge of "
                           "the right leg with every rule of the test kept, so nothing was "
                           "measured. In the deepest moment we found"), says
    assert "not clearly visible" in says
    assert 'value="right" checked' in r.text
    assert _history(web, key).measurements == []


@needs_mediapipe
def test_two_people_are_refused_and_the_page_asks_which_one(
        web: Web, coach: WebClient, key: str) -> None:
    from phototools import jpeg, two_people

    photo = jpeg(two_people())  # SYNTHETIC scene of the real portrait twice
    r = _upload(coach, key, photo, name="two.jpg")
    assert r.status_code == 422
    says = _photo_error(r.text)
    assert says == ("2 people are in this picture: number 1 (the largest) on the left and "
                    "number 2 on the right. Crop it to the person being tested, or choose the "
                    "person below and the photo again.")
    words = _text(r.text)
    assert "Which person is being tested?" in words
    assert "Number 1, on the left (the largest)" in words
    assert "Number 2, on the right" in words
    assert re.search(r'name="person" value="1" checked', r.text)
    # choosing number 2: she is measured (her legs are not in the picture: placed by hand)
    r = coach.post(f"/people/{key}/photo", data={"csrf_token": coach.csrf(), "side": "left",
                                                 "person": "2"},
                   files={"photo": ("two.jpg", photo, "image/jpeg")})
    assert r.status_code == 200, _text(r.text)
    assert "A person was found, but not their left knee" in _text(r.text)
    # a number that is not there, or not a number
    for bad, text in (("3", "There is no person 3 in this picture"),
                      ("x", "Choose the person to measure by their number")):
        r = coach.post(f"/people/{key}/photo", data={"csrf_token": coach.csrf(),
                                                     "side": "left", "person": bad},
                       files={"photo": ("two.jpg", photo, "image/jpeg")})
        assert r.status_code == 422
        assert text in _text(r.text)
    assert _history(web, key).measurements == []


def _video_frame(knee: tuple[float, float], heel: tuple[float, float]) -> Any:
    from anklet.vision.video import Frame

    left = Leg(knee=Landmark(*knee, 0.9), ankle=Landmark(300, 380, 0.95),
               heel=Landmark(*heel, 0.9), toe=Landmark(430, 420, 0.92))
    right = Leg(Landmark(100, 100, 0.9), Landmark(120, 380, 0.9), Landmark(60, 420, 0.9),
                Landmark(80, 420, 0.9))
    picture = Image.open(io.BytesIO(_picture())).convert("RGB")
    return Frame(index=72, image=picture, pose=Pose(left=left, right=right), seconds=2.4)


@pytest.mark.parametrize(("heel", "says", "saving"), [
    ((250.0, 420.0), "This is the frame at 2.4 s of your video: the deepest lunge we found with "
                     "every rule of the test kept. The points were found for you", True),
    ((250.0, 380.0), "No moment of this video keeps every rule of the test. This is the frame "
                     "at 2.4 s, the deepest lunge we found: the rules it breaks are marked.", False),
])
def test_the_frame_the_video_reader_picks_is_shown_with_its_points(
        web: Web, coach: WebClient, key: str, monkeypatch: pytest.MonkeyPatch,
        heel: tuple[float, float], says: str, saving: bool) -> None:
    """The page's own handling of the frame the video reader returns (its points, its
    moment, whether it keeps the rules). No real lunge video can be had, so this one test
    gives the page the reader's answer directly (a drawn picture, made-up points); the
    reader itself runs on real video files in the test above and in tests/integration/vision."""
    import anklet.vision.video as video_module

    frame = _video_frame((400, 110), heel)
    monkeypatch.setattr(photo_page.photo_service, "available", lambda: True)
    monkeypatch.setattr(video_module, "deepest_lunge",
                        lambda data, side, name, person=None: frame)
    r = _video(coach, key, MP4_HEADER, side="left")
    assert r.status_code == 200, _text(r.text)
    words = _text(r.text)
    assert says in words
    assert "The left leg, in the frame at 2.4 s of your video." in words
    assert '"mode":"model"' in r.text
    assert 'name="knee_x" value="400' in r.text
    assert 'name="back_toe_x" value="80' in r.text  # the other foot's toe
    assert 'name="frame_at" value="2.4"' in r.text
    assert bool(re.search(r"<button[^>]*data-save[^>]*disabled", r.text)) is not saving
    assert _history(web, key).measurements == []


@needs_mediapipe
def test_a_video_with_nobody_in_it_is_refused_in_place(web: Web, coach: WebClient,
                                                        key: str) -> None:
    grey = write_video([Image.new("RGB", (640, 480), (128, 128, 128))] * 10)  # SYNTHETIC
    r = _video(coach, key, grey, name="grey.mp4")
    assert r.status_code == 422
    assert _photo_error(r.text) == (
        "grey.mp4: no person was found anywhere in this video, so there is nothing to measure. "
        "Film from the side, level with the ankle, with the whole lower leg and both feet in "
        "view, or choose a photo.")
    assert 'value="right" checked' in r.text
    assert _history(web, key).measurements == []


@needs_mediapipe
def test_a_video_cut_short_is_refused_in_place(web: Web, coach: WebClient, key: str,
                                               portrait_clip: bytes) -> None:
    r = _video(coach, key, portrait_clip[:2000], name="cut.mp4")
    assert r.status_code == 422
    says = _photo_error(r.text)
    assert says.startswith("cut.mp4: this video cannot be read (it may be damaged, cut short")
    assert "Traceback" not in r.text
    assert _history(web, key).measurements == []


def test_without_the_model_a_video_asks_for_a_photo(web: Web, coach: WebClient, key: str,
                                                    no_mediapipe: None) -> None:
    assert not photo_page.photo_service.available()
    page = coach.get(f"/people/{key}/photo")
    assert "video/mp4" not in page.text  # not offered in the file picker
    assert "a video cannot be used here" in _text(page.text)
    r = _video(coach, key, MP4_HEADER, name="lunge.mov")
    assert r.status_code == 422
    assert _photo_error(r.text) == (
        "lunge.mov is a video. Picking the moment of the deepest lunge from a video needs "
        "automatic point finding, which is not installed here, and the points can be placed by "
        "hand only on a still picture. Please choose a photo of the lunge instead (JPEG, PNG or "
        "WebP). (To add automatic finding: pip install 'anklet[vision]'.)")
    assert _history(web, key).measurements == []


def test_a_video_over_the_limit_is_refused_in_place(web: Web, coach: WebClient,
                                                    key: str) -> None:
    r = _video(coach, key, MP4_HEADER + b"\0" * (MAX_UPLOAD_BYTES + 1 - len(MP4_HEADER)))
    assert r.status_code == 422
    assert _photo_error(r.text) == (
        "lunge.mp4: the video is 15.0 MB, more than the 15 MB accepted. A few seconds of the "
        "lunge is plenty: trim the clip (most phones can, in the gallery) or film a shorter "
        "one, or choose a photo.")
    assert _history(web, key).measurements == []


# --- who may use it -------------------------------------------------------------------------


def test_nobody_else_reaches_the_photo_pages(web: Web, coach: WebClient, other_coach: WebClient,
                                             client_of_coach: WebClient, key: str,
                                             measuring: str) -> None:
    signed_out = web.browser()
    own = client_of_coach.person_key
    assert own is not None
    attempts = [(other_coach, key, 404), (other_coach, own, 404),
                (client_of_coach, key, 403), (client_of_coach, own, 403)]
    missing = coach.get("/people/nobody-at-all/photo")
    for b, target, code in attempts:
        r = b.get(f"/people/{target}/photo")
        assert r.status_code == code
        assert "Pat Photo" not in r.text
        assert "Cleo Client" not in r.text
        r = _upload(b, target, _picture())
        assert r.status_code == code
        r = _save(b, target, _save_form(measuring, dict(GOOD)))
        assert r.status_code == code
        assert "Pat Photo" not in r.text
        if code == 404:  # exactly like a person who does not exist
            assert _text(r.text) == _text(missing.text).replace("nobody-at-all", target)
    r = signed_out.get(f"/people/{key}/photo")
    assert r.status_code == 303
    assert r.headers["location"].startswith("/sign-in")
    r = signed_out.post(f"/people/{key}/photo/save", data=_save_form(measuring, dict(GOOD)))
    assert r.status_code in (303, 403)
    for target in (key, own):
        assert _history(web, target).measurements == []
