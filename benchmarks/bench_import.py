"""Import a 300-file zip of real activity files into a fresh SQLite database.

Prints JSON: files per second for ``anklet import``'s path (zip read in memory, hash,
parse, one savepoint and insert per file, one commit), and the ratio of that time to
fitdecode and gpxpy parsing the same 300 files alone in the same run (target < 1.5).

The 300 files are the nine good activity files of ``shared/data/activities`` repeated.
Every copy is made unique, so none is skipped as a duplicate, without changing what it
parses to: a GPX copy gets an XML comment after its root element; a FIT copy gets a
different profile version in its header (bytes 2–3), with the header and file CRCs
recomputed so the file stays valid.

Run: ``.venv/bin/python benchmarks/bench_import.py``.
"""

from __future__ import annotations

import io
import json
import platform
import struct
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import fitdecode
import gpxpy
from fitdecode.utils import compute_crc

from anklet.domain.history import History, Person
from anklet.importers import read_bytes
from anklet.services import activities
from anklet.store.db import make_engine, migrate
from anklet.store.uow import UnitOfWork

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "activities"
GOOD = ["activity-small-fenix2-run.fit", "garmin-fenix-5-run.fit", "garmin-fenix-5-walk.fit",
        "garmin-fenix-5-bike.fit", "sample-activity-indoor-trainer.fit", "Activity.fit",
        "cerknicko-jezero.gpx", "korita-zbevnica.gpx", "track-with-empty-segment.gpx"]


def unique_copy(name: str, data: bytes, n: int) -> bytes:
    """A copy of ``data`` that parses the same but hashes differently (copy number ``n``)."""
    if name.endswith(".gpx"):
        return data + f"\n<!-- copy {n} -->\n".encode()
    b = bytearray(data)
    header_size = b[0]
    b[2:4] = struct.pack("<H", 2000 + n)  # profile version: informational only
    if header_size >= 14:
        b[12:14] = struct.pack("<H", compute_crc(b, start=0, end=12))
    b[-2:] = struct.pack("<H", compute_crc(b, start=0, end=len(b) - 2))
    return bytes(b)


def build(count: int) -> tuple[bytes, list[tuple[str, bytes]]]:
    files = {name: (SHARED / name).read_bytes() for name in GOOD}
    members = []
    for i in range(count):
        name = GOOD[i % len(GOOD)]
        members.append((f"{i:03d}-{name}", unique_copy(name, files[name], i)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue(), members


def parse_alone(members: list[tuple[str, bytes]]) -> None:
    """The libraries alone: every FIT frame decoded, every GPX document parsed."""
    for name, data in members:
        if name.endswith(".fit"):
            for _ in fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE):
                pass
        else:
            gpxpy.parse(data.decode("utf-8"))


def import_zip(archive: bytes, url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        migrate(engine)
        with UnitOfWork(engine) as uow:
            uow.people.add(History(person=Person(id="bench", name="Bench")))
            uow.commit()
        with UnitOfWork(engine) as uow:
            reports = activities.create(uow, key="bench", sources=read_bytes(archive, "bench.zip"))
            uow.commit()
    finally:
        engine.dispose()
    return {s: sum(r.status == s for r in reports) for s in activities.STATUSES}


def main(count: int = 300, rounds: int = 3) -> None:
    if not (SHARED / GOOD[0]).is_file():
        sys.exit(f"the real activity files are not at {SHARED.resolve()}")
    archive, members = build(count)
    anklet_times, alone_times = [], []
    counts: dict[str, int] = {}
    for r in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            t0 = time.perf_counter()
            counts = import_zip(archive, url)
            anklet_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        parse_alone(members)
        alone_times.append(time.perf_counter() - t0)
        del r
    anklet_s, alone_s = min(anklet_times), min(alone_times)
    print(json.dumps({
        "benchmark": "import a zip of real activity files into a fresh SQLite database",
        "files": count,
        "zip_bytes": len(archive),
        "uncompressed_bytes": sum(len(d) for _, d in members),
        "result": counts,
        "anklet_import_s": round(anklet_s, 3),
        "files_per_s": round(count / anklet_s, 1),
        "libraries_alone_s": round(alone_s, 3),
        "ratio_to_libraries_alone": round(anklet_s / alone_s, 3),
        "target_ratio": 1.5,
        "rounds": rounds,
        "timing": "best of the rounds; the import includes migrating the fresh database",
        "uniqueness": "GPX: comment after the root; FIT: profile version changed, CRCs recomputed",
        "python": platform.python_version(),
        "machine": platform.machine(),
    }, indent=2))


if __name__ == "__main__":
    main()
