"""anklet.services.photo: measure a photo or video, read hand-placed points, store a reading.

A reading is stored (lunge_angle, method photo, the angle to 0.1°) only when every check
passed; a refused one raises PhotoRejectedError with the checks and stores nothing. On
SQLite and PostgreSQL (the ``engine`` fixture). The real photograph is grace_hopper.jpg (a
portrait: the model finds her, the reading refuses because her legs are not in it); the
hand-placed points are coordinates typed in, as a user places them — on that same photo,
which does not show a lunge, so they test the storing path, not the model.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from anklet.domain.errors import InputError, NotFoundError, PhotoRejectedError
from anklet.domain.history import History, Intake, Person
from anklet.domain.measures import MeasureKind, Method
from anklet.domain.photo import CheckName, PhotoReading
from anklet.domain.units import Side
from anklet.services import photo
from anklet.store.uow import UnitOfWork
from phototools import (
    grey_image,
    jpeg,
    needs_mediapipe,
    real_photo,
    real_photo_bytes,
    two_people,
    write_video,
)

DAY = dt.date(2026, 11, 2)
# hand-placed on the 512×600 portrait: a shank leaning forward, a flat foot, the back toe
LUNGE = {"knee": (400.0, 150.0), "ankle": (250.0, 450.0), "heel": (170.0, 500.0),
         "toe": (380.0, 515.0), "back_toe": (60.0, 505.0)}


def add_person(engine: Engine, key: str = "sam") -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(History(person=Person(id=key, name="Sam"), intake=Intake(date=DAY)))
        uow.commit()


def measurements(engine: Engine, key: str = "sam") -> list[object]:
    with UnitOfWork(engine) as uow:
        return list(uow.people.get(key).measurements)


def hand_reading(side: Side = Side.LEFT, **moved: tuple[float, float]) -> PhotoReading:
    return photo.read_points(side=side, points={**LUNGE, **moved}, size=(512, 600))


# --- hand-placed points and storing --------------------------------------------------------


def test_hand_placed_points_are_read_and_stored_as_a_photo_measurement(engine: Engine) -> None:
    add_person(engine)
    reading = hand_reading()
    assert reading.ok
    # every check made: the back toe is the floor for the heel and the other foot's toe
    # (the knee bend needs the hip, which hand placement does not mark)
    assert [c.passed for c in reading.checks] == [True, True, True, None, True, True]
    with UnitOfWork(engine) as uow:
        m = photo.create(uow, key="sam", side=Side.LEFT, day=DAY, reading=reading, pain=2)
        uow.commit()
    assert (m.kind, m.method, m.side, m.date, m.pain) == (MeasureKind.LUNGE_ANGLE, Method.PHOTO,
                                                          Side.LEFT, DAY, 2)
    assert m.value == round(reading.angle, 1)
    assert m.notes == "Measured from a photo; not checked: knee bent."
    assert measurements(engine) == [m]


def test_create_without_the_heel_checked_by_eye_stores_nothing(engine: Engine) -> None:
    add_person(engine)
    points = {name: xy for name, xy in LUNGE.items() if name != "back_toe"}
    reading = photo.read_points(side=Side.LEFT, points=points, size=(512, 600))
    assert reading.ok
    assert reading.check(CheckName.HEEL_DOWN).passed is None
    with UnitOfWork(engine) as uow, pytest.raises(photo.HeelUncheckedError) as e:
        photo.create(uow, key="sam", side=Side.LEFT, day=DAY, reading=reading,
                     heel_how="Tick the box.")
    assert e.value.field == "heel_checked"
    assert "nothing was stored" in str(e.value)
    assert str(e.value).endswith("Tick the box.")
    assert measurements(engine) == []


def test_create_with_the_heel_checked_by_eye_notes_it_and_the_unchecked_rules(
        engine: Engine) -> None:
    add_person(engine)
    points = {name: xy for name, xy in LUNGE.items() if name != "back_toe"}
    reading = photo.read_points(side=Side.LEFT, points=points, size=(512, 600))
    assert [c.passed for c in reading.checks] == [True, True, True, None, None, None]
    with UnitOfWork(engine) as uow:
        m = photo.create(uow, key="sam", side=Side.LEFT, day=DAY, reading=reading,
                         heel_checked=True)
        uow.commit()
    assert m.notes == ("Measured from a photo; not checked: knee bent, front leg. "
                       "Heel confirmed down by eye (the photo could not show it).")
    assert measurements(engine) == [m]


def test_a_refused_reading_stores_nothing(engine: Engine) -> None:
    add_person(engine)
    # the heel lifted well off the floor line (the knee far enough forward for a lunge)
    reading = hand_reading(heel=(175.0, 430.0), knee=(500.0, 200.0))
    assert reading.check(CheckName.HEEL_DOWN).passed is False
    with UnitOfWork(engine) as uow, pytest.raises(PhotoRejectedError) as e:
        photo.create(uow, key="sam", side=Side.LEFT, day=DAY, reading=reading)
    assert e.value.field == "photo"
    assert e.value.value == "heel_down"
    assert "The heel is lifted" in str(e.value)
    # ticking the heel as checked by eye does not override a heel the photo shows lifted
    with UnitOfWork(engine) as uow, pytest.raises(PhotoRejectedError):
        photo.create(uow, key="sam", side=Side.LEFT, day=DAY, reading=reading,
                     heel_checked=True)
    assert measurements(engine) == []


def test_nothing_is_stored_without_the_callers_commit(engine: Engine) -> None:
    add_person(engine)
    with UnitOfWork(engine) as uow:
        photo.create(uow, key="sam", side=Side.LEFT, day=DAY, reading=hand_reading())
    assert measurements(engine) == []


def test_a_reading_for_the_other_side_or_an_unknown_person_is_refused(engine: Engine) -> None:
    add_person(engine)
    with UnitOfWork(engine) as uow:
        with pytest.raises(InputError, match="the side the photo was read for"):
            photo.create(uow, key="sam", side=Side.RIGHT, day=DAY, reading=hand_reading())
        with pytest.raises(NotFoundError):
            photo.create(uow, key="nobody", side=Side.LEFT, day=DAY, reading=hand_reading())
    assert measurements(engine) == []


def test_a_shank_leaning_back_is_not_a_lunge_angle(engine: Engine) -> None:
    add_person(engine)
    reading = hand_reading(knee=(200.0, 150.0))  # knee behind the ankle
    assert not reading.ok
    assert reading.angle < 0
    with UnitOfWork(engine) as uow, pytest.raises(PhotoRejectedError,
                                                  match="not ahead of the ankle") as e:
        photo.create(uow, key="sam", side=Side.LEFT, day=DAY, reading=reading)
    assert e.value.value == "knee_forward"
    assert measurements(engine) == []


def test_a_shank_leaning_90_degrees_is_refused_with_the_accepted_range(engine: Engine) -> None:
    add_person(engine)
    reading = hand_reading(knee=(500.0, 455.0))  # the shank level with the floor
    assert reading.angle == pytest.approx(90.0, abs=5.0)
    with UnitOfWork(engine) as uow, pytest.raises(PhotoRejectedError, match="15° to 65°"):
        photo.create(uow, key="sam", side=Side.LEFT, day=DAY, reading=reading)
    assert measurements(engine) == []


def test_points_are_checked() -> None:
    with pytest.raises(InputError, match="heel missing"):
        photo.read_points(side=Side.LEFT, points={"knee": (1, 1), "ankle": (2, 2),
                                                  "toe": (3, 3)}, size=(512, 600))
    with pytest.raises(InputError, match="inside the 512×600 picture") as e:
        hand_reading(toe=(700.0, 515.0))
    assert e.value.field == "toe"
    with pytest.raises(InputError, match="knee, ankle, heel, toe and back-toe"):
        photo.read_points(side=Side.LEFT, points={**LUNGE, "hip": (1.0, 1.0)}, size=(512, 600))
    with pytest.raises(InputError, match="shank has no length"):
        hand_reading(knee=(250.0, 450.0))


def test_points_in_the_original_photo_are_scaled_to_the_downscaled_image() -> None:
    from PIL import Image

    big = jpeg(real_photo().resize((2048, 2400)))  # 4× the portrait: loaded at 1365×1600
    image = photo.load(data=big, filename="big.jpg")
    assert photo.original_size(image) == (2048, 2400)
    k = photo.scale_of(image)
    assert k == pytest.approx(1365 / 2048)
    points = {n: (x * 4, y * 4) for n, (x, y) in LUNGE.items()}
    reading = photo.read_points(side=Side.LEFT, points=points, size=(2048, 2400), scale=k)
    assert reading.leg.knee.x == pytest.approx(400 * 4 * k)
    assert reading.angle == pytest.approx(hand_reading().angle, abs=1e-9)
    assert isinstance(photo.annotated(image, reading), Image.Image)


# --- the model ------------------------------------------------------------------------------


@needs_mediapipe
def test_measure_finds_a_real_person_and_the_reading_refuses(engine: Engine) -> None:
    add_person(engine)
    image, reading = photo.measure(data=real_photo_bytes(), side=Side.RIGHT,
                                   filename="grace_hopper.jpg")
    assert image.size == (512, 600)
    assert reading is not None
    assert reading.check(CheckName.VISIBLE).passed is False
    with UnitOfWork(engine) as uow, pytest.raises(PhotoRejectedError) as e:
        photo.create(uow, key="sam", side=Side.RIGHT, day=DAY, reading=reading)
    assert "visible" in str(e.value.value)
    assert measurements(engine) == []


@needs_mediapipe
def test_measure_refuses_two_people_unless_one_is_chosen() -> None:
    data = jpeg(two_people())
    with pytest.raises(photo.ManyPeopleError) as e:
        photo.measure(data=data, side=Side.LEFT, filename="two.jpg")
    assert e.value.field == "person"
    assert e.value.places == ("on the left", "on the right")
    assert str(e.value).startswith("2 people are in this picture: number 1 (the largest) on "
                                   "the left and number 2 on the right. Crop it to the person "
                                   "being tested, or")
    _, first = photo.measure(data=data, side=Side.LEFT, filename="two.jpg", person=1)
    _, second = photo.measure(data=data, side=Side.LEFT, filename="two.jpg", person=2)
    assert first is not None
    assert second is not None
    assert first.leg.knee.x < 512 < second.leg.knee.x  # the left one, then the right one
    with pytest.raises(photo.ManyPeopleError, match="There is no person 3 in this picture"):
        photo.measure(data=data, side=Side.LEFT, filename="two.jpg", person=3)
    with pytest.raises(InputError, match="a number from 1"):
        photo.measure(data=data, side=Side.LEFT, filename="two.jpg", person=0)


@needs_mediapipe
def test_measure_finds_nobody_in_a_flat_grey_picture() -> None:
    image, reading = photo.measure(data=grey_image(), side=Side.LEFT, filename="grey.png")
    assert image.size == (640, 480)
    assert reading is None


@needs_mediapipe
def test_measure_refuses_what_is_not_an_image() -> None:
    with pytest.raises(InputError, match="not a photo we can read"):
        photo.measure(data=b"hello\n" * 100, side=Side.LEFT, filename="notes.txt")


# --- video ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def portrait_video() -> bytes:
    """A 2-second clip made of the real portrait (a still, filmed: 20 frames)."""
    return write_video([real_photo()] * 20)


@needs_mediapipe
def test_a_video_with_no_lunge_in_any_frame_is_refused_and_says_why(
        portrait_video: bytes) -> None:
    assert photo.is_video(portrait_video)
    with pytest.raises(InputError) as e:
        photo.measure(data=portrait_video, side=Side.LEFT, filename="clip.mp4")
    assert e.value.value == "no lunge"
    text = str(e.value)
    assert text.startswith("clip.mp4: no moment of this video shows a knee-to-wall lunge of the "
                           "left leg")
    assert "not clearly visible" in text  # what the deepest moment broke


@needs_mediapipe
def test_a_video_of_two_people_is_refused_unless_one_is_chosen() -> None:
    clip = write_video([two_people()] * 4)
    with pytest.raises(photo.ManyPeopleError, match="2 people are in this video"):
        photo.measure(data=clip, side=Side.LEFT, filename="two.mp4")
    with pytest.raises(InputError, match="no moment of this video shows a knee-to-wall lunge"):
        photo.measure(data=clip, side=Side.LEFT, filename="two.mp4", person=2)


@needs_mediapipe
def test_a_video_of_nobody_gives_no_reading() -> None:
    from PIL import Image

    clip = write_video([Image.new("RGB", (640, 480), (128, 128, 128))] * 10)  # SYNTHETIC
    image, reading = photo.measure(data=clip, side=Side.LEFT, filename="grey.mp4")
    assert image.size == (640, 480)
    assert reading is None


@needs_mediapipe
def test_a_cut_short_video_is_refused(portrait_video: bytes) -> None:
    with pytest.raises(InputError, match="this video cannot be read"):
        photo.measure(data=portrait_video[:2000], side=Side.LEFT, filename="clip.mp4")


def test_a_video_without_the_extra_says_how_to_enable_it(
        mp4_header: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from anklet.vision import pose

    monkeypatch.setitem(sys.modules, "mediapipe", None)
    pose._mediapipe.cache_clear()
    try:
        with pytest.raises(photo.VisionUnavailableError, match=r"pip install 'anklet\[vision\]'"):
            photo.measure(data=mp4_header, side=Side.LEFT, filename="c.mp4")
    finally:
        pose._mediapipe.cache_clear()


@pytest.fixture
def mp4_header() -> bytes:
    """The start of an MP4 file (SYNTHETIC header bytes: enough to be taken for a video)."""
    return b"\0\0\0\x1cftypisom\0\0\x02\0isomiso2mp41" + b"\0" * 64
