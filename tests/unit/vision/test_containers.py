"""Reading video containers from their bytes (anklet.vision.containers): an MP4's length
from its movie header (both versions, a fragmented file's total, a length it does not
give) and its picture codec; a WebM's length from Info's Duration and TimecodeScale, live
recordings of unknown size; blanking the private details in place, every offset kept;
damaged files refused; and real files written by OpenCV's FFmpeg, read back by it after
scrubbing."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from anklet.vision import containers as c
from mediatools import (
    FILMED_AT,
    LOCATION_TEXT,
    WEBM_APP,
    WEBM_TAG,
    WEBM_TITLE,
    ebml,
    ebml_tree,
    mp4,
    webm,
)

TAGS, VOID, SEGMENT, SEEKHEAD, SEEK = 0x1254C367, 0xEC, 0x18538067, 0x114D9B74, 0x4DBB


@pytest.mark.parametrize("version", [0, 1])
def test_an_mp4_says_its_length_and_codec(version: int) -> None:
    assert c.mp4_facts(mp4(252.0, version=version)) == c.VideoFacts("mp4", 252.0, ("avc1",))
    assert c.mp4_facts(mp4(3.5, b"hvc1", timescale=90_000, version=version)).codecs == ("hvc1",)


def test_an_mp4_length_from_its_fragments_or_its_track() -> None:
    assert c.mp4_facts(mp4(fragmented_seconds=42.0)).seconds == 42.0
    unknown = mp4(duration=0xFFFFFFFF)  # "not known" in the movie and the track alike
    assert c.mp4_facts(unknown).seconds is None
    assert c.mp4_facts(mp4(duration=0)).seconds is None


def test_a_mov_and_sound_only() -> None:
    assert c.mp4_facts(mp4(brand=b"qt  ")).codecs == ("avc1",)
    assert c.mp4_facts(mp4(sound_only=True)).codecs == ()


def test_scrubbing_an_mp4_blanks_the_place_the_camera_and_the_times() -> None:
    sent = mp4(version=0)
    clean = c.scrub_mp4(sent)
    assert len(clean) == len(sent)
    assert LOCATION_TEXT not in clean
    assert b"camera" not in clean
    assert b"udta" not in clean
    assert b"meta" not in clean
    assert FILMED_AT.to_bytes(4, "big") in sent
    assert FILMED_AT.to_bytes(4, "big") not in clean
    assert c.mp4_facts(clean) == c.mp4_facts(sent)
    assert clean[-5000:] == sent[-5000:]  # the pictures' bytes, where the offsets say
    assert FILMED_AT.to_bytes(8, "big") not in c.scrub_mp4(mp4(version=1))


@pytest.mark.parametrize("data", [
    mp4()[:700],  # cut inside the movie box
    b"\x00\x00\x00\x18ftypisom" + bytes(12) + b"\x00\x00\x00\x02mdat",  # a box smaller than its header
    mp4().replace(b"mvhd\x00", b"mvhd\x07"),  # a movie header of no known version
])
def test_a_damaged_mp4_is_refused(data: bytes) -> None:
    with pytest.raises(c.ContainerError):
        c.mp4_facts(data)
    with pytest.raises(c.ContainerError):
        c.scrub_mp4(data)


def test_an_mp4_without_its_movie_box() -> None:
    with pytest.raises(c.NoMovieError):
        c.mp4_facts(mp4()[:32] + struct.pack(">I", 16) + b"mdat" + bytes(8))


@pytest.mark.parametrize(("double", "scale", "seconds"), [
    (True, 1_000_000, 179.4), (False, 1_000_000, 252.0), (True, 100_000, 61.25)])
def test_a_webm_says_its_length(double: bool, scale: int, seconds: float) -> None:
    facts = c.webm_facts(webm(seconds=seconds, timescale=scale, double=double))
    assert facts.container == "webm"
    assert facts.codecs == ("V_VP9",)
    assert facts.seconds == pytest.approx(seconds, abs=1e-4)


def test_a_webm_without_a_duration_or_a_picture_or_that_is_matroska() -> None:
    assert c.webm_facts(webm(seconds=None)).seconds is None
    assert c.webm_facts(webm(track_type=2, codec=b"A_OPUS")).codecs == ()
    assert c.webm_facts(webm(doctype=b"matroska")).container == "matroska"
    assert c.webm_facts(webm(live=True)).seconds == 10.0


def _ids(tree: list[tuple[int, int, int, list[object]]]) -> list[int]:
    return [ident for ident, _, _, _ in tree]


@pytest.mark.parametrize("live", [False, True])
def test_scrubbing_a_webm_voids_tags_title_date_and_names_in_place(live: bool) -> None:
    sent = webm(live=live)
    clean = c.scrub_webm(sent)
    assert len(clean) == len(sent)
    for private in (WEBM_TAG, WEBM_TITLE, WEBM_APP, "Jo's camera"):
        assert private.encode() in sent
        assert private.encode() not in clean, private
    before, after = ebml_tree(sent), ebml_tree(clean)  # both add up, read on their own
    segment = next(kids for ident, _, _, kids in after if ident == SEGMENT)
    was = next(kids for ident, _, _, kids in before if ident == SEGMENT)
    assert TAGS in _ids(was)
    assert TAGS not in _ids(segment)
    # the Void takes the Tags' place exactly: the elements after it start where they did
    assert [(s, e) for _, s, e, _ in segment] == [(s, e) for _, s, e, _ in was]
    seekhead = next(kids for ident, _, _, kids in segment if ident == SEEKHEAD)
    assert _ids(seekhead).count(SEEK) == 2  # Info and Tracks; the entry for Tags is void
    assert c.webm_facts(clean) == c.webm_facts(sent)


@pytest.mark.parametrize("size", [2, 3, 10, 127, 128, 129, 130, 16_385, 16_386, 70_000])
def test_a_void_has_exactly_the_size_it_replaces(size: int) -> None:
    buf = bytearray(b"\xaa" * (size + 4))
    c.void(buf, 2, 2 + size)
    [(ident, start, end, _)] = ebml_tree(bytes(buf[2:2 + size]))
    assert (ident, start, end) == (VOID, 0, size)
    assert buf[:2] == b"\xaa\xaa"
    assert buf[-2:] == b"\xaa\xaa"


@pytest.mark.parametrize("data", [
    webm()[:300],  # cut in the middle of the segment
    webm().replace(b"\x1a\x45\xdf\xa3", b"\x1a\x45\xdf\xa3\x00", 1),  # a size no file has
    ebml(0x4282, b"webm"),  # no EBML header
])
def test_a_damaged_webm_is_refused(data: bytes) -> None:
    with pytest.raises(c.ContainerError):
        c.webm_facts(data)
    with pytest.raises(c.ContainerError):
        c.scrub_webm(data)


def test_real_files_from_ffmpeg_are_read_and_still_play_after_scrubbing(tmp_path: Path) -> None:
    cv2 = pytest.importorskip("cv2", reason="OpenCV (the [vision] extra) writes the test videos")
    np = pytest.importorskip("numpy")

    def write(name: str, fourcc: str) -> bytes:
        path = tmp_path / name
        out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), 10, (64, 48))
        assert out.isOpened()
        for i in range(25):
            out.write(np.full((48, 64, 3), i * 10, np.uint8))
        out.release()
        return path.read_bytes()

    def frames(name: str, data: bytes) -> int:
        path = tmp_path / name
        path.write_bytes(data)
        cap = cv2.VideoCapture(str(path))
        n = 0
        while cap.read()[0]:
            n += 1
        cap.release()
        return n

    sent = write("ffmpeg.webm", "VP80")
    assert c.webm_facts(sent) == c.VideoFacts("webm", 2.5, ("V_VP8",))
    assert b"ENCODER" in sent  # FFmpeg writes a Tags element naming itself
    clean = c.scrub_webm(sent)
    assert b"ENCODER" not in clean
    ebml_tree(clean)
    assert frames("clean.webm", clean) == 25

    sent = write("ffmpeg.mp4", "mp4v")
    assert c.mp4_facts(sent) == c.VideoFacts("mp4", 2.5, ("mp4v",))
    assert frames("clean.mp4", c.scrub_mp4(sent)) == 25
