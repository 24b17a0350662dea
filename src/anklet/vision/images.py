"""Loading an uploaded photo safely, and drawing the measurement on it (Pillow only).

:func:`load_image` is the one door for photo bytes: every way a file can be wrong (empty,
too large, not an image, cut short or damaged, far too many pixels, too small to see a
foot) becomes an :class:`~anklet.domain.errors.InputError` that names the file and says
what is accepted — never a Pillow traceback. What it returns is upright (the camera's EXIF
orientation applied), RGB, and at most :data:`MAX_SIDE` pixels on its longer side; the
EXIF data itself (time, place, camera) is dropped, so nothing of it travels further.

Limits, and why:

- :data:`MAX_UPLOAD_BYTES` (15 MiB): a full-resolution phone photo is 2–8 MB (a 48 MP
  HEIC-to-JPEG export can reach ~12 MB); a few seconds of phone video fit too.
- :data:`MAX_PIXELS` (60 million, checked from the header before decoding): above the
  largest phone sensors in common use, below Pillow's own decompression-bomb warning
  (~89 million), so a small file that would unpack to gigabytes is refused up front.
- :data:`MAX_SIDE` (1600 px): the pose model looks at the person through 256×256 inputs
  (detector 224×224), so more pixels do not make the landmarks better; 1600 px keeps the
  annotated image sharp enough to place a point by hand on a laptop screen, and a
  12 MP photo (4032×3024) costs 6× less memory and time to draw and send.
- :data:`MIN_SIDE` (256 px on the shorter side): the landmark model's own input size;
  below it, the heel and toe are a few pixels wide and no point can be placed with care.
"""

from __future__ import annotations

import base64
import contextlib
import io
import math
import threading
import warnings
from collections.abc import Iterator
from functools import lru_cache

from PIL import ExifTags, ImageDraw, ImageFile, ImageFont, ImageOps, UnidentifiedImageError
from PIL import Image as PILImage
from PIL.Image import Image

from anklet.domain.errors import InputError
from anklet.domain.photo import Landmark, PhotoReading

__all__ = [
    "MAX_PIXELS",
    "MAX_SIDE",
    "MAX_UPLOAD_BYTES",
    "MEDIA_MAX_SIDE",
    "MIN_SIDE",
    "Image",
    "annotate",
    "check_bytes",
    "check_size",
    "clean_photo",
    "load_image",
    "original_size",
    "to_data_url",
    "to_jpeg",
]

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 60_000_000
MAX_SIDE = 1600
MIN_SIDE = 256

FORMATS = ("JPEG", "PNG", "WEBP")
"""What Pillow is allowed to parse (its JPEG reader also opens the multi-picture MPO files
some phones write). Other formats are refused before any of their parsers runs."""

ACCEPTED = "a JPEG, PNG or WebP photo"
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
"""ISO-BMFF brands of HEIC/AVIF photos (an iPhone's default "High Efficiency" format)."""
_ORIGINAL = "anklet_original_size"
_ORIENTATION = ExifTags.Base.Orientation
_STRICT = threading.Lock()


@contextlib.contextmanager
def _strict_loading() -> Iterator[None]:
    """Decode with Pillow refusing a file cut short. WeasyPrint (imported by the web app for
    the plan PDF) sets Pillow's process-wide ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` on
    import, which would let half a photo load with its lower part grey."""
    with _STRICT:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def check_size(size: int, *, name: str = "photo", limit: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse an empty file or one over ``limit`` bytes before anything reads or parses it."""
    if size == 0:
        raise InputError(name, "(empty file)", f"{ACCEPTED}; the file is empty",
                         message=f"{name}: the file is empty. Please choose {ACCEPTED}.")
    if size > limit:
        raise InputError(name, f"{_mb(size)}", f"a file of at most {_mb(limit)}",
                         message=f"{name}: the file is {_mb(size)}, more than the "
                                 f"{_mb(limit)} accepted. Please send a smaller photo "
                                 "(your phone's normal camera size is fine).")


def check_bytes(data: bytes, *, name: str = "photo", limit: int = MAX_UPLOAD_BYTES) -> None:
    """:func:`check_size` for bytes already read."""
    check_size(len(data), name=name, limit=limit)


def load_image(data: bytes, *, name: str = "photo") -> Image:
    """Decode a photo upright, in RGB, at most :data:`MAX_SIDE` px; InputError if it can't be.

    ``name`` (the file name, or the form field) is what error messages call the file."""
    check_bytes(data, name=name)
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        raise InputError(name, "HEIC/AVIF photo", ACCEPTED,
                         message=f"{name}: this is a HEIC (or AVIF) photo, which we cannot open. "
                                 f"Please send it as JPEG: most phones convert it when you share "
                                 "or email the photo (on an iPhone: Settings › Camera › Formats › "
                                 "Most Compatible).")
    try:
        im = _open(data, name)
    except UnidentifiedImageError as e:
        if _signed_as_image(data):  # a JPEG/PNG/WebP start, then nothing Pillow can use
            raise _damaged(name, e) from None
        raise InputError(name, "not an image", ACCEPTED,
                         message=f"{name}: this is not a photo we can read. Please choose "
                                 f"{ACCEPTED} (a screenshot or camera picture).") from None
    except (OSError, ValueError, SyntaxError) as e:  # a header Pillow cannot make sense of
        raise _damaged(name, e) from None
    try:
        w, h = im.size
        if w * h > MAX_PIXELS:
            raise _too_many_pixels(name, (w, h))
        if min(w, h) < MIN_SIDE:
            raise InputError(name, f"{w}×{h} px", f"a photo at least {MIN_SIDE} px on its "
                             "shorter side",
                             message=f"{name}: the picture is only {w}×{h} pixels; the foot "
                                     f"would be too small to see. Please send a photo at least "
                                     f"{MIN_SIDE} pixels on its shorter side.")
        try:
            orientation = int(im.getexif().get(_ORIENTATION, 1))
        except Exception:  # a damaged EXIF block: the picture itself may be fine
            orientation = 1
        original = (h, w) if orientation in (5, 6, 7, 8) else (w, h)
        k = min(1.0, MAX_SIDE / max(w, h))
        if im.format in ("JPEG", "MPO") and k < 1:
            # decode at 1/2, 1/4 or 1/8 scale straight from the JPEG data (never below the
            # target size): a 12 MP photo loads in a fraction of the time and memory
            im.draft("RGB", (math.ceil(w * k), math.ceil(h * k)))
        with _strict_loading():
            im.load()
        upright = ImageOps.exif_transpose(im) if orientation != 1 else im
        rgb = upright.convert("RGB")
    except InputError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as e:
        raise _damaged(name, e) from None
    finally:
        im.close()
    if max(rgb.size) > MAX_SIDE:
        rgb.thumbnail((MAX_SIDE, MAX_SIDE), PILImage.Resampling.LANCZOS)
    rgb.info = {_ORIGINAL: original}  # EXIF (time, place, camera) is not carried on
    return rgb


def _signed_as_image(data: bytes) -> bool:
    """Whether the bytes begin with a JPEG, PNG or WebP signature."""
    return (data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))
            or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"))


def original_size(image: Image) -> tuple[int, int]:
    """The photo's upright size before downscaling (width, height), for points given in it."""
    size = image.info.get(_ORIGINAL)
    if isinstance(size, tuple) and len(size) == 2:
        return int(size[0]), int(size[1])
    return image.size



def _open(data: bytes, name: str) -> PILImage.Image:
    """Pillow's lazy open of ``data`` in :data:`FORMATS`, a decompression bomb refused as too
    many pixels; what else Pillow raises is the caller's to name."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            return PILImage.open(io.BytesIO(data), formats=FORMATS)
    except (PILImage.DecompressionBombWarning, PILImage.DecompressionBombError):
        raise _too_many_pixels(name, None) from None

def _too_many_pixels(name: str, size: tuple[int, int] | None) -> InputError:
    what = f"{size[0]}×{size[1]} px" if size else "too many pixels"
    return InputError(name, what, f"a photo of at most {MAX_PIXELS // 1_000_000} million pixels",
                      message=f"{name}: the picture is too large to open ({what}; at most "
                              f"{MAX_PIXELS // 1_000_000} million pixels are accepted). "
                              "Please send a normal camera photo.")


def _damaged(name: str, e: BaseException) -> InputError:
    detail = ("its header cannot be read" if isinstance(e, UnidentifiedImageError)
              else str(e).strip().rstrip(".") or type(e).__name__)
    return InputError(name, "damaged file", ACCEPTED,
                      message=f"{name}: the file looks damaged or cut short, so the picture "
                              f"cannot be read ({detail}). Please send the photo again.")


# --- drawing ----------------------------------------------------------------------------

OK = (26, 127, 55)          # green: every check passed
BAD = (198, 40, 40)         # red: a check failed (no angle is stored)
REFERENCE = (255, 255, 255)  # the floor line and the upright from it
OUTLINE = (20, 20, 20)


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The font shipped inside Pillow (nothing read from the system or the network)."""
    return ImageFont.load_default(size=size)


def _xy(p: Landmark) -> tuple[float, float]:
    return (p.x, p.y)


def annotate(image: Image, reading: PhotoReading) -> Image:
    """A copy of ``image`` with the points, the shank and floor lines, the upright the angle
    is read from, and the angle (degrees and cm) drawn; green when every check passed, red
    when one failed."""
    out = image.copy()
    draw = ImageDraw.Draw(out)
    scale = max(out.size) / 800
    width = max(2, round(3 * scale))
    radius = max(4, round(6 * scale))
    colour = OK if reading.ok else BAD
    leg = reading.leg
    knee, ankle, heel, toe = leg.knee, leg.ankle, leg.heel, leg.toe

    # the floor line through heel and toe, extended a little each way
    fx, fy = toe.x - heel.x, toe.y - heel.y
    foot = math.hypot(fx, fy) or 1.0
    ux, uy = fx / foot, fy / foot
    ext = 0.35 * foot
    draw.line([(heel.x - ux * ext, heel.y - uy * ext), (toe.x + ux * ext, toe.y + uy * ext)],
              fill=REFERENCE, width=max(1, width - 1))
    # "up": the floor line's perpendicular pointing to the top of the picture
    upx, upy = (fy / foot, -fx / foot)
    if upy > 0:
        upx, upy = -upx, -upy
    shank = math.hypot(knee.x - ankle.x, knee.y - ankle.y) or foot
    top = (ankle.x + upx * shank, ankle.y + upy * shank)
    _dashed(draw, _xy(ankle), top, REFERENCE, max(1, width - 1), dash=8 * scale)
    # the arc between the upright and the shank, at a third of the shank's length
    r = shank / 3
    a_up = math.degrees(math.atan2(upy, upx))
    a_shank = math.degrees(math.atan2(knee.y - ankle.y, knee.x - ankle.x))
    start, end = sorted((a_up, a_shank))
    if end - start > 180:
        start, end = end, start + 360
    box = [ankle.x - r, ankle.y - r, ankle.x + r, ankle.y + r]
    draw.arc(box, start, end, fill=colour, width=width)
    # the shank and the foot
    draw.line([_xy(knee), _xy(ankle)], fill=colour, width=width + 1)
    draw.line([_xy(heel), _xy(toe)], fill=colour, width=width)
    draw.line([_xy(ankle), _xy(heel)], fill=colour, width=max(1, width - 1))
    for p in (knee, ankle, heel, toe):
        draw.ellipse([p.x - radius, p.y - radius, p.x + radius, p.y + radius],
                     fill=colour, outline=REFERENCE, width=max(1, width // 2))

    size = max(14, round(min(out.size) / 26))
    label = f"{reading.angle:.1f}° ({reading.cm:.1f} cm)"
    font = _font(size)
    # beside the upright, on the side away from the shank, level with the arc's top
    knee_side = (knee.x - ankle.x) * -upy + (knee.y - ankle.y) * upx  # + : right of the upright
    gap = size * 0.5
    at = (ankle.x + upx * r * 1.1 + (-gap if knee_side >= 0 else gap),
          ankle.y + upy * r * 1.1)
    _text(draw, at, label, font, colour, out.size, anchor="rm" if knee_side >= 0 else "lm")
    banner = (f"Lunge angle {reading.angle:.1f}° (about {reading.cm:.1f} cm)" if reading.ok
              else "Not measured: " + ", ".join(c.name.value.replace("_", " ")
                                                for c in reading.problems))
    _text(draw, (size * 0.6, size * 0.6), banner, _font(size), colour, out.size, anchor="la")
    return out


def _dashed(draw: ImageDraw.ImageDraw, a: tuple[float, float], b: tuple[float, float],
            fill: tuple[int, int, int], width: int, dash: float) -> None:
    length = math.hypot(b[0] - a[0], b[1] - a[1])
    if length == 0:
        return
    n = max(1, int(length // (2 * dash)))
    for i in range(n):
        t0, t1 = (2 * i) * dash / length, min(1.0, (2 * i + 1) * dash / length)
        draw.line([(a[0] + (b[0] - a[0]) * t0, a[1] + (b[1] - a[1]) * t0),
                   (a[0] + (b[0] - a[0]) * t1, a[1] + (b[1] - a[1]) * t1)], fill=fill, width=width)


def _text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str,
          font: ImageFont.FreeTypeFont | ImageFont.ImageFont, fill: tuple[int, int, int],
          size: tuple[int, int], anchor: str = "mm") -> None:
    """Text with a light outline (readable on any photo), kept inside the picture."""
    stroke = max(1, round(getattr(font, "size", 14) / 8))
    box = draw.textbbox(xy, text, font=font, anchor=anchor, stroke_width=stroke)
    dx = -min(0.0, box[0]) - max(0.0, box[2] - size[0])
    dy = -min(0.0, box[1]) - max(0.0, box[3] - size[1])
    draw.text((xy[0] + dx, xy[1] + dy), text, font=font, fill=fill, anchor=anchor,
              stroke_width=stroke, stroke_fill=REFERENCE)


def to_jpeg(image: Image, quality: int = 88) -> bytes:
    """The image as JPEG bytes (no EXIF: nothing of the original file's metadata)."""
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def to_data_url(image: Image, quality: int = 88) -> str:
    """The image as a ``data:image/jpeg;base64,...`` URL (for a page, with nothing stored)."""
    return "data:image/jpeg;base64," + base64.b64encode(to_jpeg(image, quality)).decode("ascii")


# --- a coach's own photo -------------------------------------------------------------------

MEDIA_MAX_SIDE = 2048
"""A coach's photo for an exercise is kept at most this many pixels on its longer side:
sharp on any phone or laptop screen, a fraction of a camera original's size."""


def clean_photo(data: bytes, *, name: str = "photo", limit: int = MAX_UPLOAD_BYTES
                ) -> tuple[bytes, str, int, int]:
    """A photo for showing to others, re-encoded from its pixels alone: ``(bytes,
    content type, width, height)``.

    The kind is read from the bytes (a JPEG, PNG or WebP signature; what the upload claimed
    to be is never trusted), the picture is turned upright and made at most
    :data:`MEDIA_MAX_SIDE` px, and it is written afresh, so no EXIF (time, place, camera),
    XMP or comment of the original is kept; a PNG stays PNG (with its transparency), a
    JPEG or WebP becomes JPEG. Every way it can be wrong is an InputError naming ``name``."""
    check_bytes(data, name=name, limit=limit)
    if not _signed_as_image(data):
        raise InputError(name, "not a JPEG, PNG or WebP photo", ACCEPTED,
                         message=f"{name}: this file is not {ACCEPTED} (its first bytes say "
                                 "so, whatever its name). Please choose a photo saved as JPEG, "
                                 "PNG or WebP.")
    try:
        im = _open(data, name)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise _damaged(name, e) from None
    try:
        w, h = im.size
        if w * h > MAX_PIXELS:
            raise _too_many_pixels(name, (w, h))
        png = im.format == "PNG"
        with _strict_loading():
            im.load()
        upright = ImageOps.exif_transpose(im)
        keep_alpha = png and (upright.mode in ("RGBA", "LA", "PA")
                              or "transparency" in upright.info)
        pixels = upright.convert("RGBA" if keep_alpha else "RGB")
        icc = upright.info.get("icc_profile")  # colours, not a person's data: kept
    except InputError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as e:
        raise _damaged(name, e) from None
    finally:
        im.close()
    if max(pixels.size) > MEDIA_MAX_SIDE:
        pixels.thumbnail((MEDIA_MAX_SIDE, MEDIA_MAX_SIDE), PILImage.Resampling.LANCZOS)
    pixels.info = {}  # convert() copies the original's info (EXIF, XMP, text) along
    extra = {"icc_profile": icc} if isinstance(icc, bytes) else {}
    buf = io.BytesIO()
    if png:
        pixels.save(buf, "PNG", optimize=True, **extra)
        kind = "image/png"
    else:
        pixels.save(buf, "JPEG", quality=85, optimize=True, **extra)
        kind = "image/jpeg"
    return buf.getvalue(), kind, pixels.width, pixels.height
