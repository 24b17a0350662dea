"""Importers: watch, app and calendar files into Anklet's one model, without a database.

One module per format, each a subclass of :class:`~anklet.importers.base.Importer` with
the same fixed :meth:`~anklet.importers.base.Importer.process`:

- :mod:`.fit` — FIT activities (and workouts, as planned runs) via fitdecode;
- :mod:`.gpx` — GPX tracks via gpxpy;
- :mod:`.tcx` — TCX activities via defusedxml;
- :mod:`.ics` — calendar events that are runs, as planned runs, via icalendar;
- :mod:`.bundle` — files and zip archives read into memory within size limits.

:func:`importer_for` picks the importer by content first (the FIT header), then by the
file's extension, then by sniffing the start of the text.
"""

from __future__ import annotations

from anklet.importers.base import (
    DEFAULT_LIMITS,
    Importer,
    ImportOptions,
    Limits,
    Parsed,
    content_hash,
)
from anklet.importers.bundle import Source, read_bytes, read_paths
from anklet.importers.fit import FIT_MAGIC, FitImporter
from anklet.importers.gpx import GpxImporter
from anklet.importers.ics import IcsImporter
from anklet.importers.tcx import TcxImporter

__all__ = [
    "DEFAULT_LIMITS",
    "IMPORTERS",
    "ImportOptions",
    "Importer",
    "Limits",
    "Parsed",
    "Source",
    "content_hash",
    "importer_for",
    "read_bytes",
    "read_paths",
]

IMPORTERS: dict[str, Importer[object]] = {
    "fit": FitImporter(),  # type: ignore[dict-item]
    "gpx": GpxImporter(),  # type: ignore[dict-item]
    "tcx": TcxImporter(),  # type: ignore[dict-item]
    "ics": IcsImporter(),  # type: ignore[dict-item]
}
"""One importer per format, by format name."""

_SNIFF = ((b"BEGIN:VCALENDAR", "ics"), (b"<TrainingCenterDatabase", "tcx"), (b"<gpx", "gpx"))


def importer_for(name: str, data: bytes) -> Importer[object] | None:
    """The importer for a file, by its content and name; None if it is none of ours."""
    if data[8:12] == FIT_MAGIC:
        return IMPORTERS["fit"]
    lower = name.lower()
    for imp in IMPORTERS.values():
        if lower.endswith(imp.extensions):
            return imp
    head = data[:2048]
    for marker, fmt in _SNIFF:
        if marker in head:
            return IMPORTERS[fmt]
    return None
