"""Files and zip archives to import, read into memory one at a time.

:func:`read_paths` yields one :class:`Source` per file, and one per member of each zip
archive, in order. Nothing is ever extracted to disk: members are read into memory, so a
member named ``../../evil.fit`` is only a label. Each problem becomes a :class:`Source`
carrying a :class:`FileImportError` (or a reason it was skipped) instead of data, so one
bad file never stops the others.

Zip bombs are refused before anything is expanded, from what the archive declares (the
reader never returns more than a member declares, and checks its CRC):

- more than ``Limits.members`` files, or a declared total over ``Limits.total_bytes``:
  the whole archive is refused and nothing in it is read;
- a member declared over ``Limits.member_bytes``, or compressed more than
  ``Limits.ratio`` to 1 (for members over ``Limits.ratio_from_bytes``): that member is
  refused;
- encrypted members are refused; a zip inside a zip is skipped (import it on its own);
  folders, dot-files and macOS ``__MACOSX`` resource files are passed over silently.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from anklet.domain.errors import FileImportError
from anklet.importers.base import DEFAULT_LIMITS, Limits, MiB

__all__ = ["Source", "is_zip", "read_bytes", "read_paths", "read_zip"]

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass(frozen=True, slots=True)
class Source:
    """One file to import: its bytes, or why it cannot be read or was passed over."""

    name: str
    data: bytes | None = None
    error: FileImportError | None = None
    skipped: str | None = None
    in_archive: bool = False


def is_zip(head: bytes) -> bool:
    """Whether bytes start like a zip archive (by content, whatever the name says)."""
    return head[:4] in ZIP_MAGICS


def _mb(n: float) -> str:
    return f"{n / MiB:.1f} MB" if n < 10 * MiB else f"{n / MiB:.0f} MB"


def read_paths(paths: Iterable[Path], limits: Limits = DEFAULT_LIMITS) -> Iterator[Source]:
    """Every file named (zip archives opened member by member), in order."""
    for path in paths:
        name = str(path)
        try:
            if not path.exists():
                yield Source(name, error=FileImportError(name, "there is no such file"))
                continue
            if path.is_dir():
                yield Source(name, error=FileImportError(
                    name, "it is a folder; name the files in it, or zip them"))
                continue
            size = path.stat().st_size
            with path.open("rb") as f:
                head = f.read(4)
                f.seek(0)
                if is_zip(head):
                    if size > limits.archive_bytes:
                        yield Source(name, error=FileImportError(
                            name, f"the archive is {_mb(size)}; archives over "
                                  f"{_mb(limits.archive_bytes)} are not imported"))
                        continue
                    yield from read_zip(f, name, limits)
                    continue
                if size > limits.file_bytes:
                    yield Source(name, error=FileImportError(
                        name, f"it is {_mb(size)}; files over {_mb(limits.file_bytes)} are "
                              f"not imported"))
                    continue
                data = f.read(limits.file_bytes + 1)
        except OSError as e:
            yield Source(name, error=FileImportError(
                name, f"it cannot be read ({e.strerror or e})"))
            continue
        yield Source(name, data=data)


def read_bytes(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[Source]:
    """One file given as bytes: itself, or each member when it is a zip."""
    if is_zip(data[:4]):
        yield from read_zip(io.BytesIO(data), name, limits)
    else:
        yield Source(name, data=data)


def _passed_over(member: str) -> bool:
    parts = PurePosixPath(member.replace("\\", "/")).parts
    return not parts or "__MACOSX" in parts or parts[-1].startswith(".")


def read_zip(file: IO[bytes], name: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[Source]:
    """Each member of a zip archive, read into memory within the limits."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        yield Source(name, error=FileImportError(
            name, f"it is not a readable zip archive ({str(e) or type(e).__name__})"))
        return
    with archive:
        members = [i for i in archive.infolist()
                   if not i.is_dir() and not _passed_over(i.filename)]
        if len(members) > limits.members:
            yield Source(name, error=FileImportError(
                name, f"the archive holds {len(members)} files; at most {limits.members} are "
                      f"imported from one archive. Nothing in it was read"))
            return
        total = sum(i.file_size for i in members)
        if total > limits.total_bytes:
            yield Source(name, error=FileImportError(
                name, f"the archive expands to {_mb(total)}, more than the "
                      f"{_mb(limits.total_bytes)} allowed (a zip bomb?). Nothing in it was read"))
            return
        for info in members:
            label = f"{name}:{info.filename}"
            yield _member(archive, info, label, limits)


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str,
            limits: Limits) -> Source:
    def refuse(problem: str) -> Source:
        return Source(label, error=FileImportError(label, problem), in_archive=True)

    if info.flag_bits & 0x1:
        return refuse("it is encrypted; unzip it with its password and import the file")
    if info.file_size > limits.member_bytes:
        return refuse(f"it expands to {_mb(info.file_size)}; files over "
                      f"{_mb(limits.member_bytes)} are not imported. It was not read")
    if (info.file_size > limits.ratio_from_bytes
            and info.file_size > limits.ratio * max(info.compress_size, 1)):
        ratio = info.file_size / max(info.compress_size, 1)
        return refuse(f"it is compressed {ratio:.0f} to 1, far more than any activity file "
                      f"(a zip bomb?). It was not read")
    if info.filename.lower().endswith(".zip"):
        return Source(label, skipped="a zip inside a zip is not opened; import it on its own",
                      in_archive=True)
    try:
        with archive.open(info) as f:
            data = f.read(limits.member_bytes + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError,
            RuntimeError, ValueError) as e:
        return refuse(f"it cannot be read from the archive ({str(e) or type(e).__name__})")
    if len(data) > limits.member_bytes:  # pragma: no cover - the reader stops at file_size
        return refuse(f"it expands past {_mb(limits.member_bytes)}; not imported")
    return Source(label, data=data, in_archive=True)
