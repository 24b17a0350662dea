"""Files for the coach-media tests, all made here and plainly synthetic: a JPEG carrying
EXIF with a GPS position (made with Pillow), a PNG with transparency, and the smallest MP4
and WebM files whose boxes and headers are right (no real frames: the server checks the
container and never decodes a video)."""

from __future__ import annotations

import io
import struct

from PIL import Image

LATITUDE = (51.0, 30.0, 12.34)
"""A made-up place (degrees, minutes, seconds) written into the test photo's GPS data."""
LOCATION_TEXT = b"+51.5012-000.1419/"
"""The place an Android phone writes into an MP4 (``\u00a9xyz``), as ISO 6709 text."""


def jpeg_with_gps(size: tuple[int, int] = (640, 480)) -> bytes:
    """A JPEG whose EXIF has a camera maker and a GPS position (and orientation 1)."""
    im = Image.new("RGB", size, (40, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Test Camera Maker"  # Make
    gps = {1: "N", 2: LATITUDE, 3: "W", 4: (0.0, 8.0, 30.0)}
    exif.get_ifd(0x8825).update(gps)  # GPSInfo
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes(), quality=90)
    data = buf.getvalue()
    assert b"Test Camera Maker" in data
    with Image.open(io.BytesIO(data)) as check:
        assert check.getexif().get_ifd(0x8825)[1] == "N"  # the position is really there
    return data


def png_with_alpha(size: tuple[int, int] = (300, 200)) -> bytes:
    im = Image.new("RGBA", size, (200, 30, 30, 0))
    im.paste((200, 30, 30, 255), (50, 50, 150, 150))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4_with_location(payload_bytes: int = 5000) -> bytes:
    """ftyp, a movie header with a ``udta`` box holding a place (``\u00a9xyz``) and a track
    with its own ``meta`` box, then ``mdat`` with counting bytes (so a range can be checked)."""
    xyz = _box(b"\xa9xyz", struct.pack(">HH", len(LOCATION_TEXT), 0x15c7) + LOCATION_TEXT)
    mvhd = _box(b"mvhd", bytes(100))
    trak = _box(b"trak", _box(b"tkhd", bytes(84)) + _box(b"meta", b"\x00" * 4 + b"camera"))
    moov = _box(b"moov", mvhd + trak + _box(b"udta", xyz))
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    mdat = _box(b"mdat", bytes(i % 251 for i in range(payload_bytes)))
    return ftyp + moov + mdat


def webm(payload_bytes: int = 2000) -> bytes:
    """An EBML header naming the ``webm`` doc type, then filler bytes."""
    doctype = b"\x42\x82\x84webm"
    header = b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(doctype)]) + doctype
    return header + bytes(i % 13 for i in range(payload_bytes))
