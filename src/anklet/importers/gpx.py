"""GPX tracks (GPS units, phone apps, exports), read with gpxpy.

- A track **segment is timed** when at least two of its points, and at least half of
  them, carry a time. Segments without times are left out (a GPS unit's saved copy of a
  track has its times stripped and would count the distance twice) and so are empty
  segments; each is mentioned in the result's notes.
- **Start** is the first time of the timed segments; **duration** the sum of each timed
  segment's first-to-last time (the gaps between segments are pauses); **distance** the
  2-D length of the timed segments. GPX has no laps.
- A file with points but no timed segment is refused with a clear message: without times
  neither the day nor the duration can be known.
- **Sport** from the track's ``<type>`` (run…, walk…/hik…, bik…/cycl…/ride, …swim…);
  otherwise the file names none and ``--sport`` (or "other") decides.
- **Cadence** from Garmin's TrackPointExtension ``<cad>``: per leg when the median is below
  120 (then doubled), as watches write it.

XML safety: gpxpy hands the text to ElementTree (or lxml, where installed, which would
expand entities), so any document with a DTD (``<!DOCTYPE`` or ``<!ENTITY``) is refused
before it is parsed: GPX never needs one.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

import gpxpy
import gpxpy.gpx

from anklet.domain.errors import FileImportError
from anklet.domain.history import Sport
from anklet.importers.base import ActivityDraft, Draft, Importer, ImportOptions, as_utc, number

__all__ = ["GpxImporter", "decode_xml_text", "refuse_dtd", "sport_from_text"]

_DECLARED = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def decode_xml_text(data: bytes, name: str) -> str:
    """XML bytes as text: BOM first, then the declared encoding, else UTF-8."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec)
    m = _DECLARED.match(data.lstrip()[:200])
    encoding = m.group(1).decode("ascii") if m else "utf-8"
    try:
        return data.decode(encoding)
    except LookupError:
        raise FileImportError(name, f"it declares an unknown text encoding {encoding!r}") from None
    except UnicodeDecodeError as e:
        raise FileImportError(name, f"its text is not valid {encoding} (byte {e.start})") from None


def refuse_dtd(text: str, name: str) -> None:
    """Refuse XML carrying a DTD: entities could expand without bound or read local files."""
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise FileImportError(name, "it contains a DTD (<!DOCTYPE or <!ENTITY), which activity "
                                    "files never need; refused for safety")


def sport_from_text(text: str | None) -> Sport | None:
    """A sport from a free-text type ("running", "Trail Run", "hiking", "Road Bike",
    "open_water_swimming")."""
    if not text:
        return None
    t = text.lower()
    if "run" in t or "jog" in t:
        return Sport.RUN
    if "walk" in t or "hik" in t:
        return Sport.WALK
    if "bik" in t or "cycl" in t or "ride" in t:
        return Sport.RIDE
    if "swim" in t:
        return Sport.SWIM
    return None


def _cadence(point: gpxpy.gpx.GPXTrackPoint) -> float | None:
    for ext in point.extensions:
        for el in ext.iter():
            tag = el.tag if isinstance(el.tag, str) else ""
            if tag == "cad" or tag.endswith("}cad"):
                try:
                    return number(float((el.text or "").strip()))
                except ValueError:
                    return None
    return None


class GpxImporter(Importer[gpxpy.gpx.GPX]):
    format = "gpx"
    label = "GPX"
    extensions = (".gpx",)

    def _decode(self, data: bytes, name: str) -> gpxpy.gpx.GPX:
        text = decode_xml_text(data, name)
        refuse_dtd(text, name)
        return gpxpy.parse(text)

    def _convert(self, gpx: gpxpy.gpx.GPX, name: str, options: ImportOptions) -> Draft:
        notes: list[str] = []
        timed: list[tuple[list[Any], Any]] = []  # (times, segment)
        points = with_time = empty = untimed = 0
        sport: Sport | None = None
        for track in gpx.tracks:
            sport = sport or sport_from_text(track.type)
            for seg in track.segments:
                n = len(seg.points)
                times = [t for p in seg.points if (t := as_utc(p.time)) is not None]
                points += n
                with_time += len(times)
                if n == 0:
                    empty += 1
                elif len(times) >= 2 and 2 * len(times) >= n:
                    timed.append((times, seg))
                else:
                    untimed += 1
        if not timed:
            if points == 0:
                raise FileImportError(name, "it holds no track points (a route or waypoints "
                                            "only); there is no activity to import")
            raise FileImportError(name, f"its track has no times ({with_time} of {points} "
                                        f"points carry a time), so neither the day nor the "
                                        f"duration can be known; export it again with times")
        if empty:
            notes.append(f"{empty} empty track segment(s) ignored")
        if untimed:
            notes.append(f"{untimed} track segment(s) without times left out")
        start = min(times[0] for times, _ in timed)
        duration = sum((max(times) - min(times)).total_seconds() for times, _ in timed)
        distance = sum(seg.length_2d() or 0.0 for _, seg in timed)
        cadence = [c for _, seg in timed for p in seg.points if (c := _cadence(p)) is not None]
        return ActivityDraft(sport=sport, start=start, duration_s=duration, distance_m=distance,
                             cadence=cadence, cadence_per_leg=None, notes=tuple(notes))
