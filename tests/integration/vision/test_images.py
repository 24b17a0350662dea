"""anklet.vision.images: loading an upload safely and drawing the measurement (Pillow only).

The real photograph is matplotlib's grace_hopper.jpg (see phototools); pictures made here
are synthetic and say so. Every bad file gets an InputError naming the file, with a plain
message — never a Pillow exception.
"""

from __future__ import annotations

import base64
import io

import pytest
from PIL import ExifTags, Image, ImageChops, ImageStat

from anklet.domain.errors import InputError
from anklet.domain.photo import Landmark, Leg, PhotoReading, read_leg
from anklet.domain.units import Side
from anklet.vision import images
from phototools import grey_image, jpeg, png, png_claiming, real_photo, real_photo_bytes

NAME = "lunge.jpg"


def refused(data: bytes, *words: str) -> InputError:
    with pytest.raises(InputError) as e:
        images.load_image(data, name=NAME)
    assert e.value.field == NAME
    text = str(e.value)
    assert text.startswith(f"{NAME}: ")
    for w in words:
        assert w in text, text
    return e.value


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


# --- good photos ----------------------------------------------------------------------------


def test_a_real_photo_loads_upright_rgb_at_its_own_size() -> None:
    im = images.load_image(real_photo_bytes(), name=NAME)
    assert (im.size, im.mode) == ((512, 600), "RGB")
    assert images.original_size(im) == (512, 600)
    assert mean_difference(im, real_photo()) < 1.0  # the same picture, not re-encoded


@pytest.mark.parametrize(("orientation", "turn"), [
    (6, Image.Transpose.ROTATE_270),  # stored lying on its side: turn 90° clockwise to show
    (8, Image.Transpose.ROTATE_90),
    (3, Image.Transpose.ROTATE_180),
])
def test_exif_orientation_is_applied(orientation: int, turn: Image.Transpose) -> None:
    upright = real_photo()
    # a camera held sideways stores the pixels turned and says so in the EXIF Orientation
    stored = upright.transpose({Image.Transpose.ROTATE_270: Image.Transpose.ROTATE_90,
                                Image.Transpose.ROTATE_90: Image.Transpose.ROTATE_270,
                                Image.Transpose.ROTATE_180: Image.Transpose.ROTATE_180}[turn])
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    data = jpeg(stored, exif=exif.tobytes())
    with Image.open(io.BytesIO(data)) as raw:
        assert raw.size == stored.size
        assert raw.getexif()[ExifTags.Base.Orientation] == orientation

    im = images.load_image(data, name=NAME)
    assert im.size == upright.size == (512, 600)
    assert images.original_size(im) == (512, 600)
    assert mean_difference(im, upright) < 4.0  # upright again (only JPEG noise left)
    assert mean_difference(stored.transpose(turn), im) < 4.0
    assert mean_difference(im.transpose(Image.Transpose.FLIP_TOP_BOTTOM), upright) > 20


def test_exif_and_its_personal_data_are_not_carried_on() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.DateTimeOriginal] = "2026:11:01 07:30:00"
    data = jpeg(real_photo(), exif=exif.tobytes())
    im = images.load_image(data, name=NAME)
    assert "exif" not in im.info
    with Image.open(io.BytesIO(images.to_jpeg(im))) as again:
        assert dict(again.getexif()) == {}
        assert "exif" not in again.info


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_huge_photo_is_downscaled(fmt: str) -> None:
    big = real_photo().resize((4096, 4800), Image.Resampling.BICUBIC)
    data = jpeg(big) if fmt == "JPEG" else png(big)
    im = images.load_image(data, name=NAME)
    assert max(im.size) == images.MAX_SIDE
    assert im.size == (1365, 1600)  # 4096:4800 kept
    assert images.original_size(im) == (4096, 4800)
    assert mean_difference(im.resize((512, 600)), real_photo()) < 6.0


def test_a_webp_photo_is_accepted() -> None:
    buf = io.BytesIO()
    real_photo().save(buf, "WEBP", quality=90)
    assert images.load_image(buf.getvalue(), name=NAME).size == (512, 600)


# --- bad files ------------------------------------------------------------------------------


def test_an_empty_file_is_refused() -> None:
    refused(b"", "empty")


def test_over_the_upload_limit_is_refused_before_decoding() -> None:
    # the real photo with padding after its end: a valid JPEG, only too many bytes
    data = real_photo_bytes() + b"\0" * images.MAX_UPLOAD_BYTES
    e = refused(data, "more than the 15 MB accepted")
    assert e.value == "15 MB"


def test_a_cut_short_photo_is_refused() -> None:
    data = real_photo_bytes()
    refused(data[: len(data) // 2], "damaged or cut short")


def test_a_cut_short_photo_is_refused_after_weasyprint_loosened_pillow() -> None:
    import weasyprint  # noqa: F401  (the web app imports it for the plan PDF)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES  # what WeasyPrint does to every Pillow user
    data = real_photo_bytes()
    refused(data[: len(data) // 2], "damaged or cut short")
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as WeasyPrint wants it


def test_a_photo_with_a_damaged_header_is_refused() -> None:
    data = bytearray(real_photo_bytes())
    dht = data.index(b"\xff\xc4")  # the first Huffman table, overwritten
    data[dht + 5:dht + 40] = b"\xff" * 35
    e = refused(bytes(data), "damaged or cut short", "header cannot be read")
    assert e.value == "damaged file"


def test_a_text_file_is_not_an_image() -> None:
    e = refused(b"knee 12 cm, ankle fine\n" * 20, "not a photo we can read", "JPEG, PNG or WebP")
    assert e.value == "not an image"


def test_a_gif_is_not_among_the_accepted_formats() -> None:
    buf = io.BytesIO()
    real_photo().save(buf, "GIF")
    refused(buf.getvalue(), "JPEG, PNG or WebP")


def test_a_heic_photo_gets_its_own_advice() -> None:
    # SYNTHETIC: only the header of a HEIC file (what an iPhone writes by default)
    refused(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 100, "HEIC", "JPEG")


def test_a_tiny_picture_is_refused() -> None:
    refused(grey_image((200, 150)), "only 200×150 pixels", "at least 256")


@pytest.mark.parametrize(("w", "h"), [(9000, 9000), (20000, 20000)])
def test_a_decompression_bomb_is_refused_from_its_header(w: int, h: int) -> None:
    # 81 million pixels (over our 60 million, under Pillow's own error) and 400 million
    # (over Pillow's): both get our message, neither is decoded
    refused(png_claiming(w, h), "too large to open", "60 million pixels")


# --- drawing ----------------------------------------------------------------------------------


def lunge_reading(side: Side = Side.LEFT, heel_y: float = 500) -> PhotoReading:
    leg = Leg(knee=Landmark(400, 150), ankle=Landmark(250, 450), heel=Landmark(170, heel_y),
              toe=Landmark(380, 515))
    return read_leg(side, leg, floor=Landmark(60, 505))


def test_annotate_draws_on_a_copy_in_green_when_the_checks_pass() -> None:
    photo = images.load_image(real_photo_bytes(), name=NAME)
    before = photo.copy()
    reading = lunge_reading()
    assert reading.ok
    drawn = images.annotate(photo, reading)
    assert mean_difference(photo, before) == 0  # the photo itself is untouched
    assert drawn.size == photo.size
    assert drawn.getpixel((400, 150)) == images.OK  # the knee's dot
    assert drawn.getpixel((325, 300)) == images.OK  # the middle of the shank line
    assert mean_difference(drawn, photo) > 0.5


def test_annotate_draws_in_red_when_a_check_fails() -> None:
    photo = images.load_image(real_photo_bytes(), name=NAME)
    reading = lunge_reading(heel_y=430)  # heel well off the floor line
    assert not reading.ok
    drawn = images.annotate(photo, reading)
    assert drawn.getpixel((400, 150)) == images.BAD


def test_jpeg_and_data_url() -> None:
    im = images.load_image(real_photo_bytes(), name=NAME)
    data = images.to_jpeg(im)
    assert data[:2] == b"\xff\xd8"
    url = images.to_data_url(im)
    assert url.startswith("data:image/jpeg;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == data
