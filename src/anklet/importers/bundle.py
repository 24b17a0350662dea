"""Files, zip archives and gzip files to import, read into memory one at a time.

:func:`read_paths` yields one :class:`Source` per file, and one per member of each zip
archive, in order. Nothing is ever extracted by name: members are read into memory, so a
member named ``../../evil.fit`` is only a label. Each problem becomes a :class:`Source`
carrying a :class:`FileImportError` (or a reason it was skipped) instead of data, so one
bad file never stops the others.

Exports as people have them:

- **gzip files** (``run.fit.gz``, ``ride.gpx.gz``), on their own or in an archive, are
  unpacked in memory; the format is judged by the name without ``.gz``;
- **Strava bulk exports**: an ``activities.csv`` in an archive names the activity files
  beside it (its "Filename" column); each listed file gets the "Activity Name" as its
  title and the "Activity Type" as its sport where the file names none
  (:attr:`Source.title`, :attr:`Source.sport`). Files the list does not name are
  imported all the same; the list itself is not reported;
- **Garmin exports**: a zip inside a zip (``UploadedFiles_0-_Part1.zip``) is opened in
  turn, up to ``Limits.zip_depth`` archives deep.

Zip bombs are refused before anything is expanded, from what each archive declares (the
reader never returns more than a member declares, and checks its CRC). One budget covers
an archive and every archive inside it:

- more than ``Limits.members`` files in all, or a declared total over
  ``Limits.total_bytes`` in all: the archive (the outer one, or a nested one when the
  budget runs out there) is refused and nothing in it is read;
- a file declared over ``Limits.member_bytes``, or compressed more than ``Limits.ratio``
  to 1 (for files over ``Limits.ratio_from_bytes``): that file is refused; gzip files are
  held to the same sizes and ratio as they unpack, and what they add counts against the
  budget;
- a zip nested deeper than ``Limits.zip_depth``: refused; encrypted members: refused;
  folders, dot-files and macOS ``__MACOSX`` resource files are passed over silently.
"""

from __future__ import annotations

import csv
import gzip
import io
import posixpath
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import IO

from anklet.domain.errors import FileImportError
from anklet.domain.history import Sport
from anklet.importers.base import DEFAULT_LIMITS, Limits, MiB

__all__ = ["Found", "Source", "is_gzip", "is_zip", "read_bytes", "read_paths", "read_zip",
           "strava_sport"]

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 * MiB

Found = Callable[[int], None]
"""Told how many more files are to come each time an archive is opened (its files, less
the archive itself), so a progress bar knows the total as it grows."""


@dataclass(frozen=True, slots=True)
class Source:
    """One file to import: its bytes, or why it cannot be read or was passed over."""

    name: str
    data: bytes | None = None
    error: FileImportError | None = None
    skipped: str | None = None
    in_archive: bool = False
    title: str | None = None
    """The activity's name from the export's list of activities (Strava's
    ``activities.csv``), to store instead of the file's name."""
    sport: Sport | None = None
    """The sport the export's list gives, for a file that names none."""
    sport_word: str | None = None
    """The list's own word for the sport ("swim"), to name one stored as "other"."""
    gzipped: bool = False
    """The data was unpacked from gzip (``run.fit.gz``)."""

    @property
    def plain_name(self) -> str:
        """The name to judge the format by: without the ``.gz`` the data came out of."""
        if self.gzipped and self.name.lower().endswith(".gz"):
            return self.name[:-3]
        return self.name


@dataclass(slots=True)
class _Budget:
    """What is left to unpack from one archive and all the archives inside it."""

    bytes_left: int
    files_left: int


def is_zip(head: bytes) -> bool:
    """Whether bytes start like a zip archive (by content, whatever the name says)."""
    return head[:4] in ZIP_MAGICS


def is_gzip(head: bytes) -> bool:
    """Whether bytes start like gzip (by content, whatever the name says)."""
    return head[:2] == GZIP_MAGIC


def _mb(n: float) -> str:
    return f"{n / MiB:.1f} MB" if n < 10 * MiB else f"{n / MiB:.0f} MB"


def read_paths(paths: Iterable[Path], limits: Limits = DEFAULT_LIMITS,
               found: Found | None = None) -> Iterator[Source]:
    """Every file named (zip archives opened member by member, gzip files unpacked), in
    order. ``found`` hears of the files each archive adds."""
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
                    yield from read_zip(f, name, limits, found)
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
        src = Source(name, data=data)
        yield _gunzipped(src, limits, None) if is_gzip(data) else src


def read_bytes(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS,
               found: Found | None = None) -> Iterator[Source]:
    """One file given as bytes: itself (unpacked if gzip), or each member when a zip."""
    if is_zip(data[:4]):
        yield from read_zip(io.BytesIO(data), name, limits, found)
    elif is_gzip(data):
        yield _gunzipped(Source(name, data=data), limits, None)
    else:
        yield Source(name, data=data)


def _passed_over(member: str) -> bool:
    parts = PurePosixPath(member.replace("\\", "/")).parts
    return not parts or "__MACOSX" in parts or parts[-1].startswith(".")


def _is_list(member: str) -> bool:
    return posixpath.basename(member.replace("\\", "/")).lower() == "activities.csv"


def read_zip(file: IO[bytes], name: str, limits: Limits = DEFAULT_LIMITS,
             found: Found | None = None) -> Iterator[Source]:
    """Each file in a zip archive (and in the archives inside it), read into memory within
    the limits."""
    yield from _read_zip(file, name, limits, found,
                         _Budget(limits.total_bytes, limits.members), depth=1)


def _read_zip(file: IO[bytes], name: str, limits: Limits, found: Found | None,
              budget: _Budget, depth: int) -> Iterator[Source]:
    nested = depth > 1

    def refuse_all(problem: str) -> Source:
        return Source(name, error=FileImportError(name, problem), in_archive=nested)

    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        yield refuse_all(f"it is not a readable zip archive ({str(e) or type(e).__name__})")
        return
    with archive:
        members = [i for i in archive.infolist()
                   if not i.is_dir() and not _passed_over(i.filename)]
        if len(members) > budget.files_left:
            yield refuse_all(
                f"the archive holds {len(members)} files; at most {limits.members} are "
                f"imported from one archive" + (", counting the archives around it"
                                                if nested else "") + ". Nothing in it was read")
            return
        total = sum(i.file_size for i in members)
        if total > budget.bytes_left:
            yield refuse_all(
                f"the archive expands to {_mb(total)}"
                + (f", more than the {_mb(budget.bytes_left)} left of the "
                   f"{_mb(limits.total_bytes)} allowed for the archives around it together"
                   if nested else f", more than the {_mb(limits.total_bytes)} allowed")
                + " (a zip bomb?). Nothing in it was read")
            return
        budget.files_left -= len(members)
        budget.bytes_left -= total
        lists = [i for i in members if _is_list(i.filename)]
        members = [i for i in members if not _is_list(i.filename)]
        listed: dict[str, _Listed] = {}
        problems: list[Source] = []
        for info in lists:
            got, problem = _read_list(archive, info, f"{name}:{info.filename}", limits)
            listed.update(got)
            if problem is not None:
                problems.append(problem)
        if found is not None:
            found(len(members) + len(problems) - 1)
        yield from problems
        for info in members:
            label = f"{name}:{info.filename}"
            if info.filename.lower().endswith(".zip"):
                yield from _nested(archive, info, label, limits, found, budget, depth)
                continue
            src = _member(archive, info, label, limits)
            if src.data is not None and is_gzip(src.data):
                src = _gunzipped(src, limits, budget)
            entry = listed.get(_key(info.filename))
            if entry is not None:
                src = replace(src, title=entry.title, sport=entry.sport,
                              sport_word=entry.sport_word)
            yield src


def _key(member: str) -> str:
    return posixpath.normpath(member.replace("\\", "/")).lower()


def _refused(label: str, problem: str) -> Source:
    return Source(label, error=FileImportError(label, problem), in_archive=True)


def _over_ratio(size: int, packed: int, limits: Limits) -> bool:
    return size > limits.ratio_from_bytes and size > limits.ratio * max(packed, 1)


def _checked(info: zipfile.ZipInfo, label: str, limits: Limits,
             most: int) -> Source | None:
    """Why a member is refused from what the archive declares, or None."""
    if info.flag_bits & 0x1:
        return _refused(label, "it is encrypted; unzip it with its password and import the "
                               "file")
    if info.file_size > most:
        return _refused(label, f"it expands to {_mb(info.file_size)}; files over "
                               f"{_mb(most)} are not imported. It was not read")
    if _over_ratio(info.file_size, info.compress_size, limits):
        ratio = info.file_size / max(info.compress_size, 1)
        return _refused(label, f"it is compressed {ratio:.0f} to 1, far more than any "
                               f"activity file (a zip bomb?). It was not read")
    return None


_READ_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError,
                RuntimeError, ValueError)


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str,
            limits: Limits) -> Source:
    refused = _checked(info, label, limits, limits.member_bytes)
    if refused is not None:
        return refused
    try:
        with archive.open(info) as f:
            data = f.read(limits.member_bytes + 1)
    except _READ_ERRORS as e:
        return _refused(label, f"it cannot be read from the archive "
                               f"({str(e) or type(e).__name__})")
    if len(data) > limits.member_bytes:  # pragma: no cover - the reader stops at file_size
        return _refused(label, f"it expands past {_mb(limits.member_bytes)}; not imported")
    return Source(label, data=data, in_archive=True)


def _nested(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, limits: Limits,
            found: Found | None, budget: _Budget, depth: int) -> Iterator[Source]:
    """A zip inside a zip: copied out of its archive (in memory, or a nameless temporary
    file when large) and opened in turn, within what is left of the budget."""
    if depth >= limits.zip_depth:
        yield _refused(label, f"it is a zip inside {depth} zips; archives are opened at most "
                              f"{limits.zip_depth} deep (a zip bomb?). It was not read")
        return
    # its declared size is already in the budget, which bounds it
    refused = _checked(info, label, limits, limits.total_bytes)
    if refused is not None:
        yield refused
        return
    with tempfile.SpooledTemporaryFile(max_size=limits.member_bytes) as copy:
        try:
            with archive.open(info) as f:
                while chunk := f.read(_CHUNK):
                    copy.write(chunk)
        except _READ_ERRORS as e:
            yield _refused(label, f"it cannot be read from the archive "
                                  f"({str(e) or type(e).__name__})")
            return
        copy.seek(0)
        yield from _read_zip(copy, label, limits, found, budget, depth + 1)


def _gunzipped(src: Source, limits: Limits, budget: _Budget | None) -> Source:
    """A gzip file unpacked in memory, held to the size and ratio limits as it unpacks
    (never more than one chunk past them); in an archive it also spends the budget."""
    assert src.data is not None
    packed = src.data
    most = limits.member_bytes if src.in_archive else limits.file_bytes
    out = bytearray()

    def refuse(problem: str) -> Source:
        return Source(src.name, error=FileImportError(src.name, problem),
                      in_archive=src.in_archive, gzipped=True)

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(packed)) as g:
            while chunk := g.read(_CHUNK):
                out += chunk
                if len(out) > most:
                    return refuse(f"it unpacks to more than {_mb(most)}; files over "
                                  f"{_mb(most)} are not imported")
                if _over_ratio(len(out), len(packed), limits):
                    return refuse(f"it is compressed more than {limits.ratio:.0f} to 1, far "
                                  f"more than any activity file (a gzip bomb?). It was not "
                                  f"imported")
                if budget is not None and len(out) - len(packed) > budget.bytes_left:
                    return refuse(f"the archive's files unpack to more than the "
                                  f"{_mb(limits.total_bytes)} allowed together; this one "
                                  f"was not imported")
    except (OSError, EOFError, zlib.error) as e:
        return refuse(f"it is not a readable gzip file ({str(e) or type(e).__name__})")
    if budget is not None:
        budget.bytes_left -= max(len(out) - len(packed), 0)
    return replace(src, data=bytes(out), gzipped=True)


# --- the list of activities of a Strava bulk export -------------------------------------

_STRAVA = {
    Sport.RUN: ("run", "trailrun", "virtualrun"),
    Sport.WALK: ("walk", "hike"),
    Sport.SWIM: ("swim",),
    Sport.RIDE: ("ride", "virtualride", "ebikeride", "mountainbikeride", "gravelride",
                 "emountainbikeride", "velomobile", "handcycle"),
}
_STRAVA_SPORTS = {kind: sport for sport, kinds in _STRAVA.items() for kind in kinds}
_COLUMNS = ("Filename", "Activity Name", "Activity Type")


@dataclass(frozen=True, slots=True)
class _Listed:
    title: str | None
    sport: Sport | None
    sport_word: str | None


def strava_sport(kind: str) -> Sport | None:
    """The sport for a Strava activity type ("Run", "Trail Run", "Virtual Ride", "Hike"):
    None when blank; a type that is none of ours (yoga, rowing) is "other", so that no
    ``--sport`` turns it into a run."""
    key = "".join(c for c in kind.lower() if c.isalpha())
    if not key:
        return None
    if key in _STRAVA_SPORTS:
        return _STRAVA_SPORTS[key]
    try:
        return Sport(key)  # sports the model knows by name ("swim", where it has one)
    except ValueError:
        return Sport.OTHER


def _clean_title(text: str) -> str | None:
    title = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return title[:200] or None


def _read_list(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str,
               limits: Limits) -> tuple[dict[str, _Listed], Source | None]:
    """The files a Strava ``activities.csv`` names, by their place in the archive, with
    their titles and sports; and a skipped :class:`Source` if the list cannot be used."""
    def unusable(why: str) -> tuple[dict[str, _Listed], Source]:
        return {}, Source(label, skipped=f"{why}; the files beside it are imported without "
                                         f"its names and types", in_archive=True)

    src = _member(archive, info, label, limits)
    if src.data is None:
        return unusable(f"this list of activities cannot be read "
                        f"({src.error.problem if src.error else 'no data'})")
    folder = posixpath.dirname(info.filename.replace("\\", "/"))
    listed: dict[str, _Listed] = {}
    try:
        rows = csv.reader(io.StringIO(src.data.decode("utf-8-sig", errors="replace")))
        header = [h.strip() for h in next(rows, [])]
        if not all(c in header for c in _COLUMNS):
            return unusable("this list of activities does not have the columns a Strava "
                            "export's has (" + ", ".join(_COLUMNS) + ")")
        at = [header.index(c) for c in _COLUMNS]
        for row in rows:
            if len(row) <= max(at):
                continue
            file, title, kind = (row[i].strip() for i in at)
            if file:
                word = _clean_title(kind)
                listed[_key(posixpath.join(folder, file))] = _Listed(
                    _clean_title(title), strava_sport(kind), word and word.lower()[:40])
    except csv.Error as e:
        return unusable(f"this list of activities is not readable CSV ({e})")
    return listed, None
