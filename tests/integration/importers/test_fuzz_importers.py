"""Fuzz: mutated real files either import or fail with FileImportError — nothing else.

Bytes of the real FIT and GPX files (and our TCX and ICS samples) are flipped, cut off or
have bytes inserted; whatever the importer makes of them, the only exception allowed out
is the documented :class:`~anklet.domain.errors.FileImportError`.
"""

from __future__ import annotations

from pathlib import Path

from activity_files import DATA, shared_or_skip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anklet.domain.errors import FileImportError
from anklet.importers import Parsed, importer_for

SMALL = ["garmin-fenix-5-run.fit", "garmin-fenix-5-walk.fit", "Activity.fit",
         "WorkoutRepeatSteps.fit", "MonitoringFile.fit", "track-with-empty-segment.gpx"]


def _files() -> dict[str, bytes]:
    shared = shared_or_skip()
    files = {name: (shared / name).read_bytes() for name in SMALL}
    for path in (DATA / "intervals-3x1200.tcx", DATA / "runs.ics"):
        files[path.name] = path.read_bytes()
    return files


@st.composite
def mutated(draw: st.DrawFn, files: dict[str, bytes]) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(files)))
    data = bytearray(files[name])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "truncate", "insert", "set"]))
        i = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del data[i:]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=16))
        elif data:
            data[i] = draw(st.integers(0, 255))
    return name, bytes(data)


def _import(name: str, data: bytes) -> Parsed | FileImportError | None:
    importer = importer_for(name, data)
    if importer is None:
        return None
    try:
        return importer.process(data, name=name)
    except FileImportError as e:  # the one error allowed out
        return e


def test_fuzz_mutated_files_import_or_fail_with_the_import_error(tmp_path: Path) -> None:
    files = _files()

    @settings(max_examples=100, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(files))
    def check(case: tuple[str, bytes]) -> None:
        result = _import(*case)
        if isinstance(result, FileImportError):
            assert result.file == case[0]
            assert result.problem
        elif result is not None and result.activity is not None:
            assert result.activity.duration_s > 0

    check()
