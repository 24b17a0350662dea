"""Zip archives: members read in memory within limits; bombs refused before expanding."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from anklet.importers import Limits, read_bytes, read_paths
from anklet.importers.bundle import Source

MiB = 1024 * 1024


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_read_zip_yields_each_member_in_memory_with_its_label(shared: Path) -> None:
    run = (shared / "garmin-fenix-5-run.fit").read_bytes()
    data = _zip({"a/run.fit": run, "notes.txt": b"hello", "sub/": b""})
    got = list(read_bytes(data, "week.zip"))
    assert [(s.name, s.data, s.in_archive) for s in got] == [
        ("week.zip:a/run.fit", run, True), ("week.zip:notes.txt", b"hello", True)]


def test_read_zip_passes_over_macos_resource_files_and_dot_files() -> None:
    data = _zip({"__MACOSX/._run.fit": b"x", ".DS_Store": b"x", "run.gpx": b"<gpx/>"})
    assert [s.name for s in read_bytes(data, "a.zip")] == ["a.zip:run.gpx"]


def test_read_zip_refuses_a_bomb_member_without_expanding_it(tmp_path: Path) -> None:
    # 200 MB of zeros compresses to about 200 kB: written in chunks, never held in memory
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z, \
            z.open("big.fit", "w", force_zip64=True) as f:
        chunk = bytes(MiB)
        for _ in range(200):
            f.write(chunk)
    assert path.stat().st_size < 2 * MiB
    [src] = list(read_paths([path]))
    assert src.data is None
    assert src.error is not None
    # refused from what the archive declares (over the 64 MB per-member limit)
    assert "expands to 200 MB" in src.error.problem
    assert "not read" in src.error.problem


def test_read_zip_refuses_a_member_compressed_far_more_than_any_activity_file() -> None:
    data = _zip({"zeros.gpx": bytes(2 * MiB)})
    [src] = list(read_bytes(data, "z.zip"))
    assert src.error is not None
    assert "compressed" in src.error.problem
    assert "zip bomb" in src.error.problem


def test_read_zip_refuses_the_whole_archive_over_the_total_limit() -> None:
    data = _zip({f"f{i}.gpx": bytes(1000) for i in range(5)})
    got = list(read_bytes(data, "many.zip", Limits(total_bytes=4000)))
    assert len(got) == 1
    assert got[0].error is not None
    assert "Nothing in it was read" in got[0].error.problem


def test_read_zip_refuses_an_archive_with_too_many_files() -> None:
    data = _zip({f"f{i}.gpx": b"x" for i in range(4)})
    [src] = list(read_bytes(data, "many.zip", Limits(members=3)))
    assert src.error is not None
    assert "holds 4 files" in src.error.problem


def test_read_zip_checks_each_member_against_the_member_limit() -> None:
    data = _zip({"ok.gpx": b"a" * 100, "big.gpx": b"b" * 101}, zipfile.ZIP_STORED)
    got = list(read_bytes(data, "z.zip", Limits(member_bytes=100)))
    assert got[0].data == b"a" * 100
    assert got[1].error is not None
    assert "expands to" in got[1].error.problem


def test_read_zip_opens_a_zip_inside_a_zip() -> None:
    # a zip inside a zip used to be skipped; Garmin's export is one (see test_exports.py)
    inner = _zip({"run.gpx": b"<gpx/>"})
    [src] = list(read_bytes(_zip({"inner.zip": inner}), "outer.zip"))
    assert (src.name, src.data) == ("outer.zip:inner.zip:run.gpx", b"<gpx/>")


def test_read_zip_names_a_damaged_archive() -> None:
    data = _zip({"run.gpx": b"<gpx>" * 100})
    [src] = list(read_bytes(data[:60], "cut.zip"))
    assert src.error is not None
    assert "not a readable zip archive" in src.error.problem


def test_read_zip_reports_a_member_whose_data_is_damaged() -> None:
    data = bytearray(_zip({"run.gpx": b"<gpx>" + b"0123456789" * 50 + b"</gpx>"},
                          zipfile.ZIP_STORED))
    data[data.index(b"0123456789") + 5] ^= 0xFF  # the CRC no longer matches
    [src] = list(read_bytes(bytes(data), "crc.zip"))
    assert src.error is not None
    assert "cannot be read from the archive" in src.error.problem


def test_read_paths_names_missing_files_and_folders(tmp_path: Path) -> None:
    got = list(read_paths([tmp_path / "nope.fit", tmp_path]))
    assert [s.error.problem if s.error else None for s in got] == [
        "there is no such file", "it is a folder; name the files in it, or zip them"]


def test_read_paths_refuses_a_file_over_the_limit_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.gpx"
    big.write_bytes(b"x" * 101)
    [src] = list(read_paths([big], Limits(file_bytes=100)))
    assert src.error is not None
    assert "not imported" in src.error.problem


def test_read_zip_member_with_a_path_outside_is_only_a_label(tmp_path: Path) -> None:
    data = _zip({"../../evil.fit": b"x" * 20})
    got: list[Source] = list(read_bytes(data, "evil.zip"))
    assert [s.name for s in got] == ["evil.zip:../../evil.fit"]
    assert got[0].data == b"x" * 20
    # nothing is ever written by a member's name: no evil.fit anywhere near
    assert not (Path.cwd() / "evil.fit").exists()
    assert not list(tmp_path.parent.parent.rglob("evil.fit"))


@pytest.mark.parametrize("name", ["x.zip", "x.ZIP"])
def test_read_paths_opens_zips_by_content(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(_zip({"a.gpx": b"<gpx/>"}))
    assert [s.name for s in read_paths([path])] == [f"{path}:a.gpx"]
