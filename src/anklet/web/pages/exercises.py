"""The exercise library on the web: ``/exercises`` (search and filters) and one page per
exercise at ``/exercises/{id}``.

The library is the same one the planner and ``anklet exercises`` use
(``data/exercises.yaml``). It is not health data, so any signed-in account may read it; it
still needs a sign-in like every other page. The search form is a plain GET form: it works
without script, and a search is a link that can be shared or bookmarked.

Search words are matched against an exercise's name and its how-to steps (the cue words a
coach says), and its purpose: every word must appear somewhere. Filters narrow by stage,
region, plane of motion and equipment. A filter value the library does not have is answered
with the page again (422), the problem named next to the form, never an error page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from anklet.domain.errors import NotFoundError
from anklet.domain.exercises import (
    HEEL_WARNING,
    Category,
    Equipment,
    Exercise,
    Library,
    Plane,
    Region,
)
from anklet.domain.protocol import Protocol
from anklet.web import illustrations
from anklet.web.deps import Ctx, PageAccount, check_csrf
from anklet.web.templating import render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)

E = TypeVar("E", bound=StrEnum)

MAX_QUERY = 100
"""Longer search text is not from a person typing in the box."""

CATEGORY_WORDS: dict[Category, str] = {
    Category.FOOT_RELEASE: "Foot release",
    Category.FOOT_AWARENESS: "Feeling the foot",
    Category.FOOT_HABIT: "Everyday foot habits",
    Category.SHIN_CALF_RELEASE: "Shin and calf release",
    Category.ANKLE_MOBILITY: "Ankle range",
    Category.BALANCE: "Balance",
    Category.LOADED_DORSIFLEXION: "Ankle range under load",
    Category.AGILITY: "Quick feet",
    Category.THREE_PLANE: "Moving in every direction",
    Category.GAIT: "Walking and running form",
    Category.CALF_STRENGTH: "Calf strength",
    Category.ANKLE_STRENGTH: "Ankle strength",
    Category.LANDING: "Landing",
}

REGION_WORDS: dict[Region, str] = {
    Region.TOES: "Toes", Region.FOREFOOT: "Ball of the foot", Region.ARCH: "Arch",
    Region.WHOLE_FOOT: "Whole foot", Region.SHIN: "Shin", Region.CALF: "Calf",
    Region.ANKLE: "Ankle", Region.LOWER_LEG: "Lower leg", Region.WHOLE_BODY: "Whole body",
}

PLANE_WORDS: dict[Plane, str] = {
    Plane.SAGITTAL: "Forward and back",
    Plane.FRONTAL: "Side to side",
    Plane.TRANSVERSE: "Turning",
}

EQUIPMENT_WORDS: dict[Equipment, str] = {
    Equipment.NONE: "Nothing", Equipment.BALL: "A small ball",
    Equipment.FOAM_ROLLER: "Foam roller", Equipment.BAND: "Elastic band",
    Equipment.WALL: "A wall", Equipment.STEP: "A step", Equipment.SLANT_BOARD: "Slant board",
    Equipment.PLATE: "Weight plate", Equipment.DUMBBELL: "Dumbbell",
    Equipment.KETTLEBELL: "Kettlebell", Equipment.BARBELL: "Barbell",
    Equipment.SANDBAG: "Sandbag", Equipment.LADDER: "Agility ladder", Equipment.CONES: "Cones",
    Equipment.TOWEL: "Towel", Equipment.STICK: "A stick", Equipment.BENCH: "Bench",
    Equipment.CUSHION: "Cushion",
}


@dataclass(frozen=True, slots=True)
class Search:
    """What the library page was asked for; every field optional."""

    q: str = ""
    stage: int | None = None
    region: Region | None = None
    plane: Plane | None = None
    equipment: Equipment | None = None

    @property
    def any(self) -> bool:
        return bool(self.q or self.stage or self.region or self.plane or self.equipment)


def read_search(params: dict[str, str], protocol: Protocol) -> tuple[Search, dict[str, str]]:
    """The search from the query string, and a message per field that could not be used
    (that filter is then left out, so the page still shows something)."""
    errors: dict[str, str] = {}
    q = " ".join(params.get("q", "").split())
    if len(q) > MAX_QUERY:
        errors["q"] = (f"The search text is {len(q)} characters long; up to {MAX_QUERY} "
                       f"are taken.")
        q = q[:MAX_QUERY]
    stage: int | None = None
    raw = params.get("stage", "").strip()
    numbers = [s.number for s in protocol.stages]
    if raw:
        if raw.isascii() and raw.isdigit() and int(raw) in numbers:
            stage = int(raw)
        else:
            errors["stage"] = (f"Stage “{raw[:20]}” is not one of the stages: choose "
                               f"{', '.join(map(str, numbers[:-1]))} or {numbers[-1]}.")

    def choice(field: str, words: Mapping[E, str]) -> E | None:
        value = params.get(field, "").strip()
        if not value:
            return None
        for member in words:
            if member.value == value:
                return member
        errors[field] = (f"{field.capitalize()} “{value[:30]}” is not in the list: choose "
                         f"one of {', '.join(w.lower() for w in words.values())}.")
        return None

    return Search(q, stage, choice("region", REGION_WORDS), choice("plane", PLANE_WORDS),
                  choice("equipment", EQUIPMENT_WORDS)), errors


def _haystack(e: Exercise) -> str:
    return " ".join([e.name, *e.how, e.why, CATEGORY_WORDS[e.category],
                     REGION_WORDS[e.region]]).casefold()


def search(library: Library, s: Search) -> list[Exercise]:
    """The exercises matching every filter and every word of the search text."""
    found = library.query(stage=s.stage, region=s.region, plane=s.plane,
                          equipment=s.equipment)
    words = s.q.casefold().split()
    if words:
        found = [e for e in found if all(w in _haystack(e) for w in words)]
    return found


def stage_names(protocol: Protocol) -> dict[int, str]:
    return {s.number: s.name for s in protocol.stages}


def dose_by_stage(e: Exercise, protocol: Protocol) -> list[dict[str, Any]]:
    """For each stage using the exercise: the amount at the start of the stage and the most
    it builds up to (the dose rises week by week within a stage and starts again at the next
    one), in words."""
    d = protocol.dosing
    start, top = d.start_level.value, d.max_level.value
    names = stage_names(protocol)
    rows = []
    for n in sorted(set(e.stages)):
        first, most = e.dose.describe(start), e.dose.describe(top)
        rows.append({"stage": n, "name": names.get(n, ""), "start": first,
                     "most": most if most != first else None})
    return rows


def card(e: Exercise) -> dict[str, Any]:
    """What a result card shows."""
    return {"id": e.id, "name": e.name, "why": e.why, "minutes": e.minutes,
            "stages": sorted(set(e.stages)), "category": CATEGORY_WORDS[e.category],
            "region": REGION_WORDS[e.region],
            "equipment": [EQUIPMENT_WORDS[q] for q in e.equipment if q is not Equipment.NONE]}


@router.get("/exercises")
def library_page(request: Request, account: PageAccount, ctx: Ctx) -> Response:
    params = dict(request.query_params.items())
    wanted, errors = read_search(params, ctx.protocol)
    found = search(ctx.library, wanted)
    return render(request, "exercises/library.html", account=account,
                  status_code=422 if errors else 200, s=wanted, errors=errors,
                  cards=[card(e) for e in found], total=len(ctx.library.exercises),
                  stages=stage_names(ctx.protocol), regions=REGION_WORDS, planes=PLANE_WORDS,
                  equipment=EQUIPMENT_WORDS)


PICTURE_CACHE = "private, max-age=3600"
"""The pictures change only with a new release: a browser keeps one for an hour and then
asks again with its ETag (a 304, no body). ``private``: the route needs a sign-in, so no
shared cache keeps it. (Pages and the API are ``no-store``; see ``web/security.py``.)"""


@router.get("/exercises/{exercise_id}/illustration.svg")
def exercise_picture(request: Request, exercise_id: str, account: PageAccount) -> Response:
    """The exercise's picture (start and end positions) as SVG; 404 for an unknown id."""
    served = illustrations.picture(exercise_id)
    if served is None:
        return Response("No picture: there is no exercise with this id.\n", status_code=404,
                        media_type="text/plain")
    headers = {"ETag": served.etag, "Cache-Control": PICTURE_CACHE}
    if served.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(served.svg, media_type="image/svg+xml", headers=headers)


@router.get("/exercises/{exercise_id}")
def exercise_page(request: Request, exercise_id: str, account: PageAccount,
                  ctx: Ctx) -> Response:
    lib = ctx.library
    e = lib.by_id.get(exercise_id)
    if e is None:
        return render(request, "exercises/missing.html", account=account, status_code=404,
                      asked=exercise_id[:80])
    try:
        easier = lib.get(e.easier) if e.easier else None
        harder = lib.get(e.harder) if e.harder else None
        before = lib.get(e.prerequisite) if e.prerequisite else None
    except NotFoundError:  # pragma: no cover - the library checks its links when loaded
        easier = harder = before = None
    return render(request, "exercises/exercise.html", account=account, e=e,
                  category=CATEGORY_WORDS[e.category], region=REGION_WORDS[e.region],
                  planes=[PLANE_WORDS[p] for p in e.planes],
                  equipment=[EQUIPMENT_WORDS[q] for q in e.equipment],
                  doses=dose_by_stage(e, ctx.protocol), easier=easier, harder=harder,
                  before=before, picture=illustrations.describe(e.id),
                  heel_warning=HEEL_WARNING
                  if e.category is Category.FOOT_RELEASE else None,
                  same_kind=[x for x in lib.exercises
                             if x.category is e.category and x.id != e.id][:6])
