"""Where the real activity files are, and parsing one the way ``anklet import`` does.

The real files live in ``<repo>/../shared/data/activities``.

The files were recorded by real devices and apps (see the README beside them); tests
that need them are skipped, with the reason, where the folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from anklet.domain.errors import FileImportError
from anklet.importers import ImportOptions, Parsed, importer_for

REPO = Path(__file__).resolve().parents[3]
SHARED = (REPO / ".." / "shared" / "data" / "activities").resolve()
DATA = REPO / "tests" / "data"


def shared_or_skip() -> Path:
    """The folder of real activity files (skips the test where it is absent)."""
    if not (SHARED / "activity-small-fenix2-run.fit").is_file():
        pytest.skip(f"the real activity files are not at {SHARED}")
    return SHARED


def parse(path: Path, options: ImportOptions | None = None) -> Parsed:
    """Parse one file the way `anklet import` does (importer chosen by content and name)."""
    data = path.read_bytes()
    importer = importer_for(path.name, data)
    if importer is None:
        raise FileImportError(path.name, "no importer for it")
    return importer.process(data, name=path.name, options=options)
