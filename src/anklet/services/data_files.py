"""The protocol, the exercise library and the questionnaires, read once and then kept ready
in the user's cache.

Every command reads these files, and parsing and validating them takes longer than the rest of
a quick command (``anklet status``). So the checked result is kept in the user's cache folder
(``~/.cache/anklet`` on Linux) as a pickle, under a name made of the SHA-256 of the file's
text and of what made the objects: the domain's source files (their size and change time),
Python's and pydantic's versions. The next command reads the same file, computes the same
name and loads the ready objects, skipping the parse but never the file: a changed protocol,
a coach's own file or new code gets a different name, so it is parsed and checked anew (an
invalid file is never cached and is refused as before). A cache that cannot be read or
written (a read-only home, a broken file) is ignored: the file is then parsed as it always
was. ``ANKLET_DATA_CACHE=0`` turns the cache off.

Only what this code wrote itself is loaded, from the user's own cache folder.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from anklet.domain.datafile import read_text

if TYPE_CHECKING:
    from anklet.domain.exercises import Library
    from anklet.domain.protocol import Protocol
    from anklet.domain.questionnaires import Instruments

T = TypeVar("T")

_FINGERPRINT: str | None = None


def _fingerprint() -> str:
    """What the cached objects depend on besides the file: the code that builds them."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        import pydantic

        import anklet.domain

        parts = [sys.version, pydantic.VERSION]
        folder = Path(anklet.domain.__file__).parent
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                st = entry.stat()
                parts.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
        _FINGERPRINT = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return _FINGERPRINT


def cache_dir() -> Path | None:
    """The folder the parsed files are kept in, or None when the cache is off."""
    if os.environ.get("ANKLET_DATA_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("anklet", appauthor=False)) / "data"


def cached(kind: str, path: str | Path | None, resource: str,
           parse: Callable[[str, str], T], expected: type[T]) -> T:
    """``parse(text, name)`` of the file at ``path`` (or the shipped ``resource``), from the
    cache when this very text was parsed by this very code before."""
    text, name = read_text(path, resource)
    folder = cache_dir()
    if folder is None:
        return parse(text, name)
    digest = hashlib.sha256(f"{_fingerprint()}\n{name}\n{text}".encode()).hexdigest()
    file = folder / f"{kind}-{digest}.pickle"
    try:
        with file.open("rb") as f:
            found = pickle.load(f)
        if isinstance(found, expected):
            return found
    except Exception:  # absent, unreadable or stale: parse the file instead
        pass
    value = parse(text, name)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        part = file.with_name(f"{file.name}.{os.getpid()}.part")
        part.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(part, file)  # whole or not at all, even with commands side by side
        _tidy(folder, kind, keep=file)
    except OSError:
        pass
    return value


def _tidy(folder: Path, kind: str, *, keep: Path, most: int = 8) -> None:
    """Remove all but the ``most`` newest cached files of a kind (each change of the code or
    of a file adds one)."""
    files = sorted(folder.glob(f"{kind}-*.pickle"), key=lambda f: f.stat().st_mtime,
                   reverse=True)
    for old in files[most:]:
        if old != keep:
            old.unlink(missing_ok=True)


def load_protocol(path: str | Path | None = None) -> Protocol:
    """:func:`anklet.domain.protocol.load_protocol`, from the cache when it can."""
    from anklet.domain.protocol import Protocol, parse_protocol

    return cached("protocol", path, "protocol.yaml",
                  lambda text, name: parse_protocol(text, name=name), Protocol)


def load_library(path: str | Path | None = None) -> Library:
    """:func:`anklet.domain.exercises.load_library`, from the cache when it can."""
    from anklet.domain.exercises import Library, parse_library

    return cached("library", path, "exercises.yaml",
                  lambda text, name: parse_library(text, name=name), Library)


def load_instruments() -> Instruments:
    """The shipped questionnaires, from the cache when it can; every later
    :func:`anklet.domain.questionnaires.load_instruments` in this process returns them."""
    from anklet.domain.questionnaires import Instruments, parse_instruments, use_instruments

    instruments = cached("questionnaires", None, "questionnaires.yaml",
                         lambda text, name: parse_instruments(text, name=name), Instruments)
    use_instruments(instruments)
    return instruments
