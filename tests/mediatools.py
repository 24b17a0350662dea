"""Files for the coach-media tests, all made here and plainly synthetic: a JPEG carrying
EXIF with a GPS position (made with Pillow), a PNG with transparency, and MP4 and WebM
files written box by box and element by element by a tiny writer, with the headers a phone
or a recorder writes (length, codec, place, title, tags) and no real frames (the server
checks the container and never decodes a video); :func:`ebml_tree` reads a WebM back on
its own, to check that a file still adds up."""

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


def _full(kind: bytes, version: int, payload: bytes) -> bytes:
    return _box(kind, bytes([version, 0, 0, 0]) + payload)


FILMED_AT = 3_800_000_000
"""A creation time (seconds since 1904, as MP4 counts them: in 2024) written into the test
MP4's movie, track and media headers."""


def _times(version: int, scale: int, duration: int) -> bytes:
    """creation, change, timescale, duration: the start of mvhd and mdhd."""
    if version == 1:
        return struct.pack(">QQIQ", FILMED_AT, FILMED_AT, scale, duration)
    return struct.pack(">IIII", FILMED_AT, FILMED_AT, scale, duration)


def mp4(seconds: float = 10.0, codec: bytes = b"avc1", *, payload_bytes: int = 5000,
        timescale: int = 600, version: int = 0, brand: bytes = b"isom",
        duration: int | None = None, sound_only: bool = False,
        fragmented_seconds: float | None = None) -> bytes:
    """An MP4 (a MOV with ``brand=b"qt  "``) whose boxes are those a phone writes, with no
    real frames: ``ftyp``; ``moov`` with ``mvhd`` (the length: ``seconds``, or the raw
    ``duration`` in ``timescale`` units), a track whose ``hdlr`` says picture (sound with
    ``sound_only``) and whose ``stsd`` names ``codec``, a ``meta`` box in the track (the
    camera) and a ``udta`` box holding a place (``\u00a9xyz``); then ``mdat`` with counting
    bytes (so a range can be checked). ``fragmented_seconds``: the movie header says 0 and
    ``mvex/mehd`` gives the length, as in a fragmented file."""
    ticks = round(seconds * timescale) if duration is None else duration
    movie_ticks = 0 if fragmented_seconds is not None else ticks
    mvhd = _full(b"mvhd", version, _times(version, timescale, movie_ticks)
                 + struct.pack(">IH10x", 0x00010000, 0x0100) + bytes(36 + 24)
                 + struct.pack(">I", 2))
    wide = 8 if version == 1 else 4
    tkhd = _full(b"tkhd", version, (FILMED_AT.to_bytes(wide, "big") * 2)
                 + struct.pack(">I4x", 1) + ticks.to_bytes(wide, "big") + bytes(52)
                 + struct.pack(">II", 640 << 16, 360 << 16))
    mdhd = _full(b"mdhd", version, _times(version, timescale, ticks) + struct.pack(">HH", 0x55c4, 0))
    handler = b"soun" if sound_only else b"vide"
    hdlr = _full(b"hdlr", 0, bytes(4) + handler + bytes(12) + b"Core Media Video\x00")
    config = b"avcC" if codec in (b"avc1", b"avc3") else b"hvcC" if codec in (b"hvc1", b"hev1") \
        else b"conf"
    entry = _box(codec, bytes(6) + struct.pack(">H", 1) + bytes(16) + struct.pack(">HH", 640, 360)
                 + struct.pack(">II", 0x00480000, 0x00480000) + bytes(4) + struct.pack(">H", 1)
                 + bytes(32) + struct.pack(">Hh", 0x18, -1) + _box(config, bytes(23)))
    stsd = _full(b"stsd", 0, struct.pack(">I", 1) + entry)
    stbl = _box(b"stbl", stsd + _full(b"stts", 0, bytes(4)) + _full(b"stsc", 0, bytes(4))
                + _full(b"stsz", 0, bytes(8)) + _full(b"stco", 0, bytes(4)))
    minf = _box(b"minf", _full(b"vmhd", 0, bytes(8)) + stbl)
    mdia = _box(b"mdia", mdhd + hdlr + minf)
    xyz = _box(b"\xa9xyz", struct.pack(">HH", len(LOCATION_TEXT), 0x15c7) + LOCATION_TEXT)
    trak = _box(b"trak", tkhd + mdia + _box(b"meta", b"\x00" * 4 + b"camera"))
    mvex = b"" if fragmented_seconds is None else _box(b"mvex", _full(
        b"mehd", 0, struct.pack(">I", round(fragmented_seconds * timescale))))
    moov = _box(b"moov", mvhd + trak + mvex + _box(b"udta", xyz))
    ftyp = _box(b"ftyp", brand + struct.pack(">I", 512) + brand + b"iso2avc1mp41")
    mdat = _box(b"mdat", bytes(i % 251 for i in range(payload_bytes)))
    return ftyp + moov + mdat


def mp4_with_location(payload_bytes: int = 5000) -> bytes:
    """A ten-second H.264 MP4 with the place it was filmed (:func:`mp4`)."""
    return mp4(payload_bytes=payload_bytes)


def ebml(ident: int, payload: bytes, *, size_width: int = 0) -> bytes:
    """One EBML element: its ID, its size (in ``size_width`` bytes, else the fewest), its
    content."""
    width = size_width or next(w for w in range(1, 9) if len(payload) < (1 << (7 * w)) - 1)
    head = ident.to_bytes((ident.bit_length() + 7) // 8, "big")
    return head + ((1 << (7 * width)) | len(payload)).to_bytes(width, "big") + payload


def _uint(ident: int, value: int) -> bytes:
    return ebml(ident, value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


UNKNOWN = b"\x01\xff\xff\xff\xff\xff\xff\xff"
"""An EBML size of unknown length, as a live recording writes for its Segment and Clusters."""
WEBM_TITLE = "Ankle circles at Jo Bloggs' flat"
WEBM_TAG = "Recorded by Jo Bloggs, 12 Acacia Avenue"
WEBM_APP = "Jo's Pixel 7 recorder"


def webm(payload_bytes: int = 2000, *, seconds: float | None = 10.0,
         timescale: int = 1_000_000, doctype: bytes = b"webm", codec: bytes = b"V_VP9",
         track_type: int = 1, live: bool = False, double: bool = True) -> bytes:
    """A WebM file whose elements are those a recorder writes, with no real frames: the
    EBML header naming ``doctype``; a Segment with a SeekHead (pointing at Info, Tracks and
    Tags), Info (TimecodeScale; Duration unless ``seconds`` is None, as 8 bytes or 4 with
    ``double=False``; a Title, the date, MuxingApp and WritingApp), Tracks (one track of
    ``track_type``, 1 a picture, in ``codec``, with a name), a Cluster of one SimpleBlock
    holding ``payload_bytes`` counting bytes, and Tags holding :data:`WEBM_TAG`. ``live``:
    the Segment and the Cluster have unknown sizes and the Tags come after the Cluster."""
    header = ebml(0x1A45DFA3, _uint(0x4286, 1) + _uint(0x42F7, 1) + _uint(0x42F2, 4)
                  + _uint(0x42F3, 8) + ebml(0x4282, doctype) + _uint(0x4287, 4)
                  + _uint(0x4285, 2))
    info_parts = _uint(0x2AD7B1, timescale)
    if seconds is not None:
        ticks = seconds * 1e9 / timescale
        info_parts += ebml(0x4489, struct.pack(">d", ticks) if double else struct.pack(">f", ticks))
    info_parts += (ebml(0x7BA9, WEBM_TITLE.encode()) + ebml(0x4461, struct.pack(">q", 7 * 10**17))
                   + ebml(0x4D80, WEBM_APP.encode()) + ebml(0x5741, WEBM_APP.encode()))
    info = ebml(0x1549A966, info_parts)
    entry = (_uint(0xD7, 1) + _uint(0x73C5, 1) + _uint(0x83, track_type) + ebml(0x86, codec)
             + ebml(0x536E, b"Jo's camera") + ebml(0xE0, _uint(0xB0, 640) + _uint(0xBA, 360)))
    tracks = ebml(0x1654AE6B, ebml(0xAE, entry))
    block = b"\x81\x00\x00\x80" + bytes(i % 13 for i in range(payload_bytes))
    cluster_parts = _uint(0xE7, 0) + ebml(0xA3, block)
    cluster = (b"\x1f\x43\xb6\x75" + UNKNOWN + cluster_parts if live
               else ebml(0x1F43B675, cluster_parts))
    simple = ebml(0x67C8, ebml(0x45A3, b"COMMENT") + ebml(0x4487, WEBM_TAG.encode()))
    tags = ebml(0x1254C367, ebml(0x7373, ebml(0x63C0, b"") + simple))

    def seek(ident: bytes, at: int) -> bytes:
        return ebml(0x4DBB, ebml(0x53AB, ident) + ebml(0x53AC, at.to_bytes(4, "big")))

    seek_size = len(ebml(0x114D9B74, seek(b"1234", 0) * 3))
    body_order = [info, tracks, cluster, tags] if live else [info, tracks, tags, cluster]
    where, at = {}, seek_size
    for part in body_order:
        where[id(part)] = at
        at += len(part)
    seekhead = ebml(0x114D9B74, seek(b"\x15\x49\xa9\x66", where[id(info)])
                    + seek(b"\x16\x54\xae\x6b", where[id(tracks)])
                    + seek(b"\x12\x54\xc3\x67", where[id(tags)]))
    assert len(seekhead) == seek_size
    body = seekhead + b"".join(body_order)
    segment = (b"\x18\x53\x80\x67" + UNKNOWN + body if live
               else ebml(0x18538067, body, size_width=8))
    return header + segment


def ebml_tree(data: bytes, start: int = 0, end: int | None = None,
              depth: int = 0) -> list[tuple[int, int, int, list[object]]]:
    """The file's EBML elements as (ID, start, end, children), read independently of the
    app's code; the masters among them (Segment, SeekHead, Seek, Info, Tracks, TrackEntry,
    Tags, Tag, Cluster) are read down to their children. Raises AssertionError when an
    element does not fit its parent exactly."""
    masters = {0x18538067, 0x114D9B74, 0x4DBB, 0x1549A966, 0x1654AE6B, 0xAE, 0x1254C367,
               0x7373, 0x1F43B675, 0x1A45DFA3}
    stop = len(data) if end is None else end
    out: list[tuple[int, int, int, list[object]]] = []
    at = start
    while at < stop:
        n = 9 - data[at].bit_length()
        ident = int.from_bytes(data[at:at + n], "big")
        m = 9 - data[at + n].bit_length()
        raw = int.from_bytes(data[at + n:at + n + m], "big") & ((1 << (7 * m)) - 1)
        body = at + n + m
        if raw == (1 << (7 * m)) - 1:  # unknown: a Segment to the end, a Cluster to its blocks
            size = stop - body if ident == 0x18538067 else len(_cluster_parts(data, body, stop))
        else:
            size = raw
        assert body + size <= stop, f"element {ident:#x} at {at} runs past its parent"
        kids: list[object] = list(ebml_tree(data, body, body + size, depth + 1)) \
            if ident in masters else []
        out.append((ident, at, body + size, kids))
        at = body + size
    assert at == stop
    return out


def _cluster_parts(data: bytes, body: int, stop: int) -> bytes:
    at = body
    while at < stop and data[at] in (0xE7, 0xA3, 0xA0):
        n = 9 - data[at + 1].bit_length()
        at += 1 + n + (int.from_bytes(data[at + 1:at + 1 + n], "big") & ((1 << (7 * n)) - 1))
    return data[body:at]
