"""Video files read from their container, never decoded: how long a video is, which codec
its picture is in, and the private details it carries, blanked in place.

Two containers, each walked from its headers only (no video tools ship with Anklet):

- **MP4**, and QuickTime MOV which shares its boxes: a box is a 4-byte size (1: a 64-bit
  size follows; 0: to the end) and a 4-byte type. The length is the movie header's
  (``moov/mvhd``) duration over its timescale; for a fragmented file that leaves it 0, the
  fragments' total (``mvex/mehd``), else the longest track's (``mdhd``). The codec of each
  picture track (handler ``vide``) is the type of its first sample description
  (``stsd``): ``avc1`` is H.264, ``hvc1``/``hev1`` HEVC.
- **WebM**, a Matroska file in EBML: an element is a variable-length ID and a
  variable-length size (all ones: unknown, as a live recording writes its Segment and
  Clusters). The length is ``Segment/Info/Duration`` times ``TimecodeScale`` (nanoseconds
  per tick, 1,000,000 unless given).

Scrubbing keeps every offset where it was, so the indexes (MP4 chunk offsets, WebM Cues and
SeekHead) still point right: in an MP4 the ``udta`` and ``meta`` boxes (the place, the
camera, the date a phone writes) become ``free`` boxes full of zeros and the creation and
change times of the movie, its tracks and their media are set to 0 ("not known"); in a
WebM the ``Tags`` and ``Attachments`` elements, the segment's ``Title`` and ``DateUTC`` and
each track's ``Name`` become Void elements (ID ``0xEC``) of the same size, the SeekHead's
entries for Tags and Attachments likewise, and ``MuxingApp``/``WritingApp`` (required, so
kept) are emptied with zero bytes, which EBML allows as a string's padding.

A structure that does not add up (a size past its parent's end, an ID or size no file can
have) raises :class:`ContainerError`; an MP4 without its movie box, :class:`NoMovieError`.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["ContainerError", "NoMovieError", "VideoFacts", "mp4_facts", "scrub_mp4",
           "scrub_webm", "webm_facts"]


class ContainerError(ValueError):
    """The container's boxes or elements do not add up: the file is cut short or damaged."""


class NoMovieError(ContainerError):
    """An MP4 without its movie box (``moov``), as a recording cut off before the end leaves."""


@dataclass(frozen=True, slots=True)
class VideoFacts:
    """What the container says: its kind (``mp4``, ``webm`` or ``matroska``), the length in
    seconds (None when it does not say), and the codec of each picture track (``avc1``,
    ``hvc1``, ``V_VP9`` …; none for a file with sound only)."""

    container: str
    seconds: float | None
    codecs: tuple[str, ...]


# --- MP4 ------------------------------------------------------------------------------------

_PRIVATE_BOXES = {b"udta", b"meta"}
_TIMED = {b"mvhd", b"tkhd", b"mdhd"}  # full boxes that start with creation and change times
_INSIDE = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"mvex", b"edts"}


@dataclass(frozen=True, slots=True)
class _Box:
    kind: bytes
    at: int  # where its header starts
    body: int  # where its content starts
    end: int


def _u(data: bytes | bytearray, at: int, n: int) -> int:
    return int.from_bytes(data[at:at + n], "big")


def _boxes(data: bytes | bytearray, start: int, end: int) -> list[_Box]:
    """The MP4 boxes between ``start`` and ``end``."""
    out = []
    at = start
    while at < end:
        if at + 8 > end:
            raise ContainerError(f"a box header cut short at byte {at}")
        size = _u(data, at, 4)
        kind = bytes(data[at + 4:at + 8])
        header = 8
        if size == 1:
            if at + 16 > end:
                raise ContainerError(f"a box header cut short at byte {at}")
            size, header = _u(data, at + 8, 8), 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            raise ContainerError(f"the {kind!r} box at byte {at} runs past its end")
        out.append(_Box(kind, at, at + header, at + size))
        at += size
    return out


def _inside(data: bytes | bytearray, box: _Box) -> list[_Box]:
    return _boxes(data, box.body, box.end)


def _first(boxes: list[_Box], kind: bytes) -> _Box | None:
    return next((b for b in boxes if b.kind == kind), None)


def _movie(data: bytes | bytearray) -> tuple[list[_Box], _Box]:
    top = _boxes(data, 0, len(data))
    moov = _first(top, b"moov")
    if moov is None:
        raise NoMovieError("no movie box (moov)")
    return top, moov


def _span(data: bytes | bytearray, box: _Box) -> tuple[int, int] | None:
    """(timescale, duration) of an ``mvhd`` or ``mdhd`` box; None when it does not say."""
    version = data[box.body] if box.body < box.end else -1
    if version == 1:
        need, scale, dur, unknown = 32, _u(data, box.body + 20, 4), _u(data, box.body + 24, 8), 2**64 - 1
    elif version == 0:
        need, scale, dur, unknown = 20, _u(data, box.body + 12, 4), _u(data, box.body + 16, 4), 2**32 - 1
    else:
        raise ContainerError(f"a {box.kind!r} box of unknown version")
    if box.body + need > box.end:
        raise ContainerError(f"the {box.kind!r} box is cut short")
    return None if scale == 0 or dur in (0, unknown) else (scale, dur)


def _fragments(data: bytes | bytearray, moov: list[_Box], scale: int) -> float | None:
    """The fragmented movie's whole length (``mvex/mehd``, in the movie's timescale)."""
    mvex = _first(moov, b"mvex")
    mehd = None if mvex is None else _first(_inside(data, mvex), b"mehd")
    if mehd is None or scale == 0:
        return None
    wide = data[mehd.body] == 1
    if mehd.body + (12 if wide else 8) > mehd.end:
        raise ContainerError("the mehd box is cut short")
    dur = _u(data, mehd.body + 4, 8 if wide else 4)
    return dur / scale if dur else None


def _track(data: bytes | bytearray, trak: _Box) -> tuple[str | None, float | None]:
    """(its codec when it is a picture track, else None; its own length in seconds)."""
    mdia = _first(_inside(data, trak), b"mdia")
    if mdia is None:
        return None, None
    parts = _inside(data, mdia)
    mdhd = _first(parts, b"mdhd")
    span = None if mdhd is None else _span(data, mdhd)
    seconds = None if span is None else span[1] / span[0]
    hdlr = _first(parts, b"hdlr")
    if hdlr is None or hdlr.body + 12 > hdlr.end or data[hdlr.body + 8:hdlr.body + 12] != b"vide":
        return None, seconds
    box: _Box | None = mdia
    for kind in (b"minf", b"stbl", b"stsd"):
        box = None if box is None else _first(_inside(data, box), kind)
    if box is None or box.body + 8 > box.end or _u(data, box.body + 4, 4) == 0:
        return "none", seconds  # a picture track that describes no samples
    entries = _boxes(data, box.body + 8, box.end)
    if not entries:
        raise ContainerError("a picture track's sample description is empty")
    return entries[0].kind.decode("latin-1"), seconds


def mp4_facts(data: bytes | bytearray) -> VideoFacts:
    """The length and the picture codecs of an MP4 or MOV file."""
    _, moov = _movie(data)
    inside = _inside(data, moov)
    mvhd = _first(inside, b"mvhd")
    if mvhd is None:
        raise ContainerError("no movie header (mvhd)")
    span = _span(data, mvhd)
    seconds = None if span is None else span[1] / span[0]
    if seconds is None:
        seconds = _fragments(data, inside, _u(data, mvhd.body + (20 if data[mvhd.body] == 1 else 12), 4))
    codecs = []
    longest: float | None = None
    for trak in (b for b in inside if b.kind == b"trak"):
        codec, own = _track(data, trak)
        if codec is not None:
            codecs.append(codec)
        if own is not None:
            longest = own if longest is None else max(longest, own)
    return VideoFacts("mp4", seconds if seconds is not None else longest, tuple(codecs))


def scrub_mp4(data: bytes) -> bytes:
    """The MP4 with its ``udta`` and ``meta`` boxes (at the top, in the movie and in each
    track) turned into ``free`` boxes of zeros and its creation and change times set to 0;
    every size and offset stays as it was."""
    buf = bytearray(data)
    top, _ = _movie(buf)

    def blank(box: _Box) -> None:
        buf[box.at + 4:box.at + 8] = b"free"
        buf[box.body:box.end] = bytes(box.end - box.body)

    def walk(boxes: list[_Box]) -> None:
        for box in boxes:
            if box.kind in _PRIVATE_BOXES:
                blank(box)
            elif box.kind in _TIMED:
                if box.body >= box.end or buf[box.body] not in (0, 1):
                    raise ContainerError(f"a {box.kind!r} box of unknown version")
                width = 8 if buf[box.body] == 1 else 4
                if box.body + 4 + 2 * width > box.end:
                    raise ContainerError(f"the {box.kind!r} box is cut short")
                buf[box.body + 4:box.body + 4 + 2 * width] = bytes(2 * width)
            elif box.kind in _INSIDE:
                walk(_inside(buf, box))

    walk(top)
    return bytes(buf)


# --- WebM (EBML) ----------------------------------------------------------------------------

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_EBML, _DOCTYPE, _SEGMENT = 0x1A45DFA3, 0x4282, 0x18538067
_SEEKHEAD, _SEEK, _SEEKID = 0x114D9B74, 0x4DBB, 0x53AB
_INFO, _TIMESCALE, _DURATION = 0x1549A966, 0x2AD7B1, 0x4489
_TITLE, _DATE, _MUXING, _WRITING = 0x7BA9, 0x4461, 0x4D80, 0x5741
_TRACKS, _TRACK, _TRACKTYPE, _CODEC, _NAME = 0x1654AE6B, 0xAE, 0x83, 0x86, 0x536E
_TAGS, _ATTACHMENTS, _CLUSTER, _VOID = 0x1254C367, 0x1941A469, 0x1F43B675, 0xEC
_CLUSTER_PARTS = {0xE7, 0x5854, 0xA7, 0xAB, 0xA3, 0xA0, 0xAF}
"""What a Cluster holds (Timecode, SilentTracks, Position, PrevSize, SimpleBlock,
BlockGroup, EncryptedBlock): an unknown-size Cluster ends at the first other element."""
_GONE = {_TAGS, _ATTACHMENTS}
_GONE_IN_INFO = {_TITLE, _DATE}
_EMPTIED = {_MUXING, _WRITING}


@dataclass(frozen=True, slots=True)
class _El:
    id: int
    at: int  # where its ID starts
    body: int  # where its content starts
    end: int


def _vint(data: bytes | bytearray, at: int, end: int, *, longest: int) -> tuple[int, int, bool]:
    """(value without its marker, its length in bytes, whether all its value bits are 1)."""
    if at >= end or data[at] == 0:
        raise ContainerError(f"no element header at byte {at}")
    n = 9 - data[at].bit_length()
    if n > longest or at + n > end:
        raise ContainerError(f"an element header cut short or too long at byte {at}")
    value = _u(data, at, n) & ((1 << (7 * n)) - 1)
    return value, n, value == (1 << (7 * n)) - 1


def _element(data: bytes | bytearray, at: int, end: int) -> tuple[int, int, int | None]:
    """(ID, where the content starts, its size: None when unknown)."""
    _, n, _ = _vint(data, at, end, longest=4)
    ident = _u(data, at, n)
    size, m, unknown = _vint(data, at + n, end, longest=8)
    return ident, at + n + m, None if unknown else size


def _elements(data: bytes | bytearray, start: int, end: int) -> Iterator[_El]:
    """The EBML elements between ``start`` and ``end``; an unknown size is allowed for a
    Segment (to ``end``) and a Cluster (to its first element that is not a Cluster's)."""
    at = start
    while at < end:
        ident, body, size = _element(data, at, end)
        if size is None:
            if ident == _SEGMENT:
                stop = end
            elif ident == _CLUSTER:
                stop = body
                while stop < end:
                    part, inner, n = _element(data, stop, end)
                    if part not in _CLUSTER_PARTS:
                        break
                    if n is None or inner + n > end:
                        raise ContainerError(f"a cluster's block runs past the end at byte {stop}")
                    stop = inner + n
            else:
                raise ContainerError(f"element {ident:#x} of unknown size at byte {at}")
        else:
            stop = body + size
            if stop > end:
                raise ContainerError(f"element {ident:#x} at byte {at} runs past its end")
        yield _El(ident, at, body, stop)
        at = stop


def _children(data: bytes | bytearray, el: _El) -> Iterator[_El]:
    return _elements(data, el.body, el.end)


def _segments(data: bytes | bytearray) -> tuple[str, list[_El]]:
    """The document type named in the EBML header and the file's Segments."""
    top = list(_elements(data, 0, len(data)))
    if not top or top[0].id != _EBML:
        raise ContainerError("no EBML header")
    doctype = "matroska"  # the default when the header does not say
    for el in _children(data, top[0]):
        if el.id == _DOCTYPE:
            doctype = bytes(data[el.body:el.end]).rstrip(b"\x00").decode("ascii", "replace")
    segments = [el for el in top if el.id == _SEGMENT]
    if not segments:
        raise ContainerError("no Segment")
    return doctype, segments


def _number(data: bytes | bytearray, el: _El) -> int:
    return _u(data, el.body, el.end - el.body)


def _float(data: bytes | bytearray, el: _El) -> float | None:
    raw = bytes(data[el.body:el.end])
    if len(raw) == 4:
        value: float = struct.unpack(">f", raw)[0]
    elif len(raw) == 8:
        value = struct.unpack(">d", raw)[0]
    else:
        return None
    return value if math.isfinite(value) and value > 0 else None


def webm_facts(data: bytes | bytearray) -> VideoFacts:
    """The document type (``webm`` or ``matroska``), length and picture codecs of a WebM
    (or other Matroska) file: its first Segment's Info and Tracks."""
    doctype, segments = _segments(data)
    scale, duration = 1_000_000, None
    codecs: list[str] = []
    for el in _children(data, segments[0]):
        if el.id == _INFO:
            for part in _children(data, el):
                if part.id == _TIMESCALE:
                    scale = _number(data, part)
                elif part.id == _DURATION:
                    duration = _float(data, part)
        elif el.id == _TRACKS:
            for track in (t for t in _children(data, el) if t.id == _TRACK):
                kind, codec = 0, ""
                for part in _children(data, track):
                    if part.id == _TRACKTYPE:
                        kind = _number(data, part)
                    elif part.id == _CODEC:
                        codec = bytes(data[part.body:part.end]).rstrip(b"\x00").decode(
                            "ascii", "replace")
                if kind == 1:
                    codecs.append(codec)
    seconds = None if duration is None or scale == 0 else duration * scale / 1e9
    return VideoFacts(doctype, seconds, tuple(codecs))


def void(buf: bytearray, start: int, end: int) -> None:
    """Turn the bytes from ``start`` to ``end`` (a whole element, at least 2 bytes) into one
    Void element of the same size: its ID, the shortest size field that fits, then zeros."""
    total = end - start
    for width in range(1, 9):
        payload = total - 1 - width
        if payload < 0:
            raise ContainerError(f"an element of {total} byte(s) cannot be voided")
        if payload <= (1 << (7 * width)) - 2:
            break
    buf[start] = _VOID
    buf[start + 1:start + 1 + width] = ((1 << (7 * width)) | payload).to_bytes(width, "big")
    buf[start + 1 + width:end] = bytes(payload)


def scrub_webm(data: bytes) -> bytes:
    """The WebM with its Tags, Attachments, title, recording date and track names turned
    into Void elements of the same size (and the SeekHead's entries for what went), and its
    muxing and writing application names emptied; every offset stays as it was."""
    buf = bytearray(data)
    _, segments = _segments(buf)
    gone_ids = {ident.to_bytes(4, "big") for ident in _GONE}
    for segment in segments:
        for el in list(_children(buf, segment)):
            if el.id in _GONE:
                void(buf, el.at, el.end)
            elif el.id == _INFO:
                for part in list(_children(buf, el)):
                    if part.id in _GONE_IN_INFO:
                        void(buf, part.at, part.end)
                    elif part.id in _EMPTIED:
                        buf[part.body:part.end] = bytes(part.end - part.body)
            elif el.id == _TRACKS:
                for track in [t for t in _children(buf, el) if t.id == _TRACK]:
                    for part in list(_children(buf, track)):
                        if part.id == _NAME:
                            void(buf, part.at, part.end)
            elif el.id == _SEEKHEAD:
                for seek in [s for s in _children(buf, el) if s.id == _SEEK]:
                    if any(p.id == _SEEKID and bytes(buf[p.body:p.end]) in gone_ids
                           for p in _children(buf, seek)):
                        void(buf, seek.at, seek.end)
    return bytes(buf)
