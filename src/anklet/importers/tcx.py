"""TCX (Garmin Training Center) files, read with defusedxml's ElementTree.

- The first ``Activity`` is imported (a note says so when there are more).
- **Sport** from its ``Sport`` attribute: Running → run, Biking → ride, Swimming (which
  some apps write) → swim; "Other" names none, so ``--sport`` (or "other") decides.
- **Start** from the activity's ``Id`` (else the first lap's ``StartTime``); **duration**
  and **distance** are the sums of the laps' ``TotalTimeSeconds`` and ``DistanceMeters``;
  one lap per ``Lap``.
- **Cadence** from the trackpoints' ``RunCadence`` extension (Garmin's per-leg count), or,
  when a running file has none, from ``Cadence``; per leg when the median is below 120
  (then doubled).

XML safety: defusedxml refuses DTDs, entity expansion and external references.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET

from anklet.domain.errors import FileImportError
from anklet.domain.history import Lap, Sport
from anklet.importers.base import ActivityDraft, Draft, Importer, ImportOptions, as_utc, number

__all__ = ["TcxImporter"]

_SPORTS = {"running": Sport.RUN, "biking": Sport.RIDE,
           "swimming": Sport.SWIM}  # not in the TCX schema, but some apps write it


def _local(el: Element) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _children(el: Element, name: str) -> Iterator[Element]:
    return (c for c in el if _local(c) == name)


def _child(el: Element, name: str) -> Element | None:
    return next(_children(el, name), None)


def _text(el: Element, name: str) -> str | None:
    c = _child(el, name)
    return c.text.strip() if c is not None and c.text else None


def _float(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return number(float(text))
    except ValueError:
        return None


def _time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        return as_utc(dt.datetime.fromisoformat(text))
    except ValueError:
        return None


class TcxImporter(Importer[Element]):
    format = "tcx"
    label = "TCX"
    extensions = (".tcx",)

    def _decode(self, data: bytes, name: str) -> Element:
        root: Element = SafeET.fromstring(data, forbid_dtd=True)
        return root

    def _convert(self, root: Element, name: str, options: ImportOptions) -> Draft:
        if _local(root) != "TrainingCenterDatabase":
            raise FileImportError(name, "it is XML but not a TCX file (no TrainingCenterDatabase)")
        container = _child(root, "Activities")
        activities = list(_children(container, "Activity")) if container is not None else []
        if not activities:
            raise FileImportError(name, "it holds no activity (a course or workout TCX?)")
        notes = []
        if len(activities) > 1:
            notes.append(f"only the first of its {len(activities)} activities was imported")
        act = activities[0]
        sport = _SPORTS.get((act.get("Sport") or "").strip().lower())
        laps: list[Lap] = []
        lap_starts: list[dt.datetime] = []
        run_cadence: list[float] = []
        plain_cadence: list[float] = []
        for lap in _children(act, "Lap"):
            seconds = _float(_text(lap, "TotalTimeSeconds"))
            if seconds is None or seconds < 0:
                raise FileImportError(name, "a lap has no valid TotalTimeSeconds")
            meters = _float(_text(lap, "DistanceMeters"))
            laps.append(Lap(duration_s=round(seconds, 3),
                            distance_m=None if meters is None or meters < 0 else round(meters, 2)))
            if (t := _time(lap.get("StartTime"))) is not None:
                lap_starts.append(t)
            for track in _children(lap, "Track"):
                for point in _children(track, "Trackpoint"):
                    if (c := _float(_text(point, "Cadence"))) is not None:
                        plain_cadence.append(c)
                    for el in point.iter():
                        if _local(el) == "RunCadence" and (c := _float(el.text)) is not None:
                            run_cadence.append(c)
        if not laps:
            raise FileImportError(name, "its activity has no laps, so no duration")
        start = _time(_text(act, "Id")) or (min(lap_starts) if lap_starts else None)
        if start is None:
            raise FileImportError(name, "it has no start time (no Id and no lap StartTime)")
        distances = [lap.distance_m for lap in laps if lap.distance_m is not None]
        return ActivityDraft(
            sport=sport, start=start, duration_s=sum(lap.duration_s for lap in laps),
            distance_m=sum(distances) if distances else None, laps=laps,
            cadence=run_cadence or (plain_cadence if sport is Sport.RUN else []),
            cadence_per_leg=None, notes=tuple(notes))
