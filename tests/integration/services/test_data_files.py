"""The protocol, library and questionnaires kept parsed in the user's cache: the same objects
as a fresh parse, parsed anew when the file changes, never kept when invalid, and a broken or
unwritable cache costs nothing but the parse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import anklet.domain.questionnaires as questionnaires
from anklet.domain.errors import DataFileError
from anklet.domain.exercises import load_library as parse_shipped_library
from anklet.domain.protocol import load_protocol as parse_shipped_protocol
from anklet.services import data_files


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("ANKLET_DATA_CACHE", raising=False)
    return tmp_path / "cache"


def _cached(kind: str) -> list[Path]:
    folder = data_files.cache_dir()
    assert folder is not None
    return sorted(folder.glob(f"{kind}-*.pickle"))


def test_load_shipped_files_twice_gives_what_a_fresh_parse_gives() -> None:
    first = data_files.load_protocol(), data_files.load_library()
    assert len(_cached("protocol")) == 1
    assert len(_cached("library")) == 1
    again = data_files.load_protocol(), data_files.load_library()
    assert again[0] is not first[0]  # read back from the cache, not the same object
    assert again == first
    assert again == (parse_shipped_protocol(), parse_shipped_library())


def test_load_instruments_makes_them_the_domain_s_default() -> None:
    ins = data_files.load_instruments()
    assert questionnaires.load_instruments() is ins
    again = data_files.load_instruments()
    assert again == ins
    assert questionnaires.load_instruments() is again
    assert len(_cached("questionnaires")) == 1


def test_load_changed_file_parses_it_anew(tmp_path: Path) -> None:
    shipped = Path(questionnaires.__file__).parent.parent / "data" / "protocol.yaml"
    own = tmp_path / "protocol.yaml"
    text = shipped.read_text(encoding="utf-8")
    own.write_text(text, encoding="utf-8")
    before = data_files.load_protocol(own)
    own.write_text(text + "\n# a coach's note\n", encoding="utf-8")
    after = data_files.load_protocol(own)
    assert after == before
    assert len(_cached("protocol")) == 2  # a new text: a new entry, the old one left


def test_load_invalid_file_is_refused_and_never_cached(tmp_path: Path) -> None:
    bad = tmp_path / "protocol.yaml"
    bad.write_text("stages: [\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(DataFileError, match="not valid YAML"):
            data_files.load_protocol(bad)
    assert _cached("protocol") == []


def test_load_with_a_broken_cache_file_parses_and_mends_it() -> None:
    good = data_files.load_library()
    (entry,) = _cached("library")
    entry.write_bytes(b"not a pickle")
    assert data_files.load_library() == good
    assert data_files.load_library() == good
    assert entry.read_bytes() != b"not a pickle"


def test_load_with_an_unwritable_cache_folder_still_loads(cache_home: Path) -> None:
    cache_home.parent.mkdir(parents=True, exist_ok=True)
    cache_home.write_text("a file where the folder should be", encoding="utf-8")
    assert data_files.load_protocol() == parse_shipped_protocol()


def test_load_with_the_cache_off_writes_nothing(monkeypatch: pytest.MonkeyPatch,
                                               cache_home: Path) -> None:
    monkeypatch.setenv("ANKLET_DATA_CACHE", "0")
    assert data_files.cache_dir() is None
    assert data_files.load_library() == parse_shipped_library()
    assert not cache_home.exists()


def test_tidy_keeps_the_newest_entries_only(tmp_path: Path) -> None:
    folder = tmp_path / "entries"
    folder.mkdir()
    files = []
    for i in range(12):
        f = folder / f"library-{i:02d}.pickle"
        f.write_bytes(b"x")
        os.utime(f, (1_000_000 + i, 1_000_000 + i))
        files.append(f)
    data_files._tidy(folder, "library", keep=files[-1], most=8)
    assert sorted(folder.iterdir()) == files[4:]
