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

A coach's own media (issue #18, item 2; :mod:`anklet.services.media`): on an exercise's page
a coach (or a self-coached person) adds a photo, a short video or a link with a caption, and
replaces or deletes their own; their clients see them there, marked "From your coach".
The file itself is served at ``/exercises/{id}/media/{media_id}`` to those who may see it
(anyone else: 404, as for nothing), with its real type, ``nosniff``, ``inline`` with a plain
file name, private caching and byte ranges (206), so a video plays and seeks on an iPhone.
An upload's body is refused from its ``Content-Length`` when it is over the video limit,
before any of it is read (413).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from anklet.domain.errors import InputError, NotFoundError
from anklet.domain.exercises import (
    HEEL_WARNING,
    Category,
    Equipment,
    Exercise,
    Library,
    Plane,
    Region,
)
from anklet.domain.measures import reached_words
from anklet.domain.protocol import Protocol
from anklet.services import media as media_service
from anklet.store.accounts import Account
from anklet.store.media import StoredMedia
from anklet.store.uow import UnitOfWork
from anklet.web import illustrations
from anklet.web.deps import Ctx, ForbiddenError, PageAccount, Uow, check_csrf, close_form
from anklet.web.templating import flash, render

BODY_SLACK = 256 * 1024
"""Bytes an upload may carry beyond the video limit: the caption, the link and the framing."""
MAX_MEDIA_BODY = media_service.MAX_VIDEO_BYTES + BODY_SLACK


async def limit_body(request: Request) -> None:
    """Refuse an upload too large for any kind of media from its length alone, before
    anything reads it (413); the file's own limit (photo or video) is checked next."""
    if request.method != "POST":
        return
    length = request.headers.get("content-length", "")
    if not length and request.headers.get("transfer-encoding"):
        raise HTTPException(411, "Please send the file from the page's form (the upload must "
                                 "say how large it is). Nothing was stored.")
    if length.isdigit() and int(length) > MAX_MEDIA_BODY:
        raise HTTPException(413, (
            f"That upload is {int(length) / (1024 * 1024):.0f} MB; a video of up to "
            f"{media_service.MAX_VIDEO_BYTES // (1024 * 1024)} MB or a photo of up to "
            f"{media_service.MAX_PHOTO_BYTES // (1024 * 1024)} MB is accepted. Go back and "
            "choose a shorter clip. Nothing was stored."))



router = APIRouter(dependencies=[Depends(close_form), Depends(limit_body), Depends(check_csrf)],
                   include_in_schema=False)

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
    """The amounts of the exercise, each once, with the stages it is used in: the amount at
    the start of a stage and the most it builds up to (the dose rises week by week within a
    stage and starts again at the next one), in words. Stages with the same amounts share
    one row."""
    d = protocol.dosing
    start, top = d.start_level.value, d.max_level.value
    names = stage_names(protocol)
    rows: list[dict[str, Any]] = []
    for n in sorted(set(e.stages)):
        first, most = e.dose.describe(start), e.dose.describe(top)
        most_or_none = most if most != first else None
        same = next((r for r in rows if r["start"] == first and r["most"] == most_or_none), None)
        stage = {"number": n, "name": names.get(n, "")}
        if same is not None:
            same["stages"].append(stage)
        else:
            rows.append({"stages": [stage], "start": first, "most": most_or_none})
    for r in rows:
        numbers = [str(st["number"]) for st in r["stages"]]
        r["label"] = ("Stage " + numbers[0] if len(numbers) == 1 else
                      "Stages " + ", ".join(numbers[:-1]) + " and " + numbers[-1])
        r["names"] = [st["name"] for st in r["stages"] if st["name"]]
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


def media_view(item: StoredMedia) -> dict[str, Any]:
    """What a page shows of one item: its kind, caption, and where it is."""
    size_mb = f"{item.size / (1024 * 1024):.1f} MB" if item.size else ""
    return {"id": item.id, "kind": item.kind, "caption": item.caption, "url": item.url,
            "src": None if item.kind == "link" else
            f"/exercises/{item.exercise_id}/media/{item.id}?v={item.version}",
            "content_type": item.content_type, "width": item.width, "height": item.height,
            "size": size_mb, "host": _host(item.url) if item.url else "",
            "edit": f"/exercises/{item.exercise_id}/media/{item.id}/edit"}


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "").removeprefix("www.")


_KIND_WORDS = {"photo": ("a photo", "photos"), "video": ("a video", "videos"),
               "link": ("a link", "links")}


def _what(items: list[StoredMedia]) -> str:
    """``a photo and 2 links``: what an exercise has, in words."""
    parts = []
    for kind, (one, many) in _KIND_WORDS.items():
        n = sum(1 for m in items if m.kind == kind)
        if n:
            parts.append(one if n == 1 else f"{n} {many}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def media_marks(uow: UnitOfWork, account: Account, *plans: dict[str, Any] | None
                ) -> dict[str, dict[str, Any]]:
    """For each exercise of these plan days or weeks (as :func:`plan_dict` gives them) that
    has media this account sees: what Today and the week plan show (one query), i.e. whose
    they are, what there is in words, the first photo to show small, and the link to them."""
    ids: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("exercises"), list):
                ids.update(str(e["id"]) for e in node["exercises"] if isinstance(e, dict))
            for value in node.values():
                if isinstance(value, list | dict):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for plan in plans:
        walk(plan)
    found = media_service.marks(uow, account=account, exercise_ids=ids)
    whose = "Your own" if media_service.can_manage(account) else "From your coach"
    out: dict[str, dict[str, Any]] = {}
    for exercise_id, items in found.items():
        photo = next((m for m in items if m.kind == "photo"), None)
        out[exercise_id] = {
            "whose": whose, "what": _what(items), "href": f"/exercises/{exercise_id}#coach-media",
            "thumb": None if photo is None else media_view(photo)["src"],
            "thumb_alt": (photo.caption if photo is not None and photo.caption else
                          "A photo from your coach" if whose == "From your coach" else
                          "Your photo")}
    return out


def limits() -> dict[str, Any]:
    """The numbers the form states."""
    return {"photo_mb": media_service.MAX_PHOTO_BYTES // (1024 * 1024),
            "video_mb": media_service.MAX_VIDEO_BYTES // (1024 * 1024),
            "video_minutes": media_service.MAX_VIDEO_SECONDS // 60,
            "caption_max": media_service.CAPTION_MAX, "per_exercise": media_service.MAX_PER_EXERCISE,
            "max_bytes": media_service.MAX_VIDEO_BYTES}


def waits_for(e: Exercise) -> str | None:
    """When a plan brings in an exercise that waits for a test result (its ``needs``), as
    one plain sentence; None when it waits for none. The planner leaves it out until then
    and says the same (``planner._why_not``)."""
    if not e.needs:
        return None
    parts = [reached_words(kind, least) for kind, least in e.needs.items()]
    return "This comes once " + " and ".join(parts) + "."


def exercise_view(request: Request, account: Account, uow: UnitOfWork, ctx: Ctx, e: Exercise,
                  *, status_code: int = 200, errors: dict[str, str] | None = None,
                  values: dict[str, str] | None = None) -> Response:
    lib = ctx.library
    try:
        easier = lib.get(e.easier) if e.easier else None
        harder = lib.get(e.harder) if e.harder else None
        before = lib.get(e.prerequisite) if e.prerequisite else None
    except NotFoundError:  # pragma: no cover - the library checks its links when loaded
        easier = harder = before = None
    items = [media_view(m) for m in media_service.list(uow, account=account, exercise_id=e.id)]
    return render(request, "exercises/exercise.html", account=account, e=e,
                  status_code=status_code,
                  category=CATEGORY_WORDS[e.category], region=REGION_WORDS[e.region],
                  planes=[PLANE_WORDS[p] for p in e.planes],
                  equipment=[EQUIPMENT_WORDS[q] for q in e.equipment],
                  doses=dose_by_stage(e, ctx.protocol), easier=easier, harder=harder,
                  before=before, waits_for=waits_for(e),
                  picture=illustrations.describe(e.id),
                  heel_warning=HEEL_WARNING
                  if e.category is Category.FOOT_RELEASE else None,
                  same_kind=[x for x in lib.exercises
                             if x.category is e.category and x.id != e.id][:6],
                  media=items, manage=media_service.can_manage(account),
                  limits=limits(), errors=errors or {}, values=values or {})


@router.get("/exercises/{exercise_id}")
def exercise_page(request: Request, exercise_id: str, account: PageAccount, uow: Uow,
                  ctx: Ctx) -> Response:
    e = ctx.library.by_id.get(exercise_id)
    if e is None:
        return render(request, "exercises/missing.html", account=account, status_code=404,
                      asked=exercise_id[:80])
    return exercise_view(request, account, uow, ctx, e)


# --- a coach's own media -----------------------------------------------------------------------


def _media_id(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise NotFoundError("exercise media", text[:20])
    return int(text)


def _exercise(ctx: Ctx, exercise_id: str) -> Exercise:
    e = ctx.library.by_id.get(exercise_id)
    if e is None:
        raise NotFoundError("exercise", exercise_id[:80])
    return e


def _must_manage(account: Account) -> None:
    if not media_service.can_manage(account):
        raise ForbiddenError("Your coach adds the photos, videos and links for your exercises; "
                             "you can open them on each exercise's page.")


async def _upload(request: Request) -> tuple[media_service.Upload, dict[str, str]]:
    """What the form sent (the file read only after its size and first bytes passed), and
    its text fields to show again."""
    form = await request.form()
    values = {k: v for k in ("caption", "url") if isinstance(v := form.get(k, ""), str)}
    upload = form.get("file")
    data: bytes | None = None
    filename = ""
    if isinstance(upload, UploadFile) and upload.filename:
        filename = upload.filename[-120:]
        head = await upload.read(16)
        await upload.seek(0)
        media_service.check_file_size(upload.size or 0, head, filename[-80:])
        data = await upload.read()
    return media_service.Upload(caption=values.get("caption", ""), url=values.get("url", ""),
                                data=data, filename=filename), values


def _field(e: InputError) -> str:
    return e.field if e.field in ("caption", "url", "file") else "file"


@router.post("/exercises/{exercise_id}/media")
async def add_media(request: Request, exercise_id: str, account: PageAccount, uow: Uow,
                    ctx: Ctx) -> Response:
    _must_manage(account)
    e = _exercise(ctx, exercise_id)
    values: dict[str, str] = {}
    try:
        upload, values = await _upload(request)
        item = await run_in_threadpool(lambda: media_service.create(
            uow, account=account, library=ctx.library, exercise_id=e.id, upload=upload))
    except InputError as err:
        return exercise_view(request, account, uow, ctx, e, status_code=422,
                             errors={_field(err): str(err)}, values=values)
    uow.commit()
    flash(request, {"photo": "Photo added.", "video": "Video added.",
                    "link": "Link added."}[item.kind] + " Your clients see it with this exercise.")
    return RedirectResponse(f"/exercises/{e.id}#coach-media", 303)


def _edit_page(request: Request, account: Account, e: Exercise, item: StoredMedia, *,
               status_code: int = 200, errors: dict[str, str] | None = None,
               values: dict[str, str] | None = None) -> Response:
    return render(request, "exercises/media_edit.html", account=account, e=e,
                  status_code=status_code, m=media_view(item), limits=limits(),
                  errors=errors or {}, values=values or {"caption": item.caption})


@router.get("/exercises/{exercise_id}/media/{media_id}/edit")
def edit_media_form(request: Request, exercise_id: str, media_id: str, account: PageAccount,
                    uow: Uow, ctx: Ctx) -> Response:
    _must_manage(account)
    e = _exercise(ctx, exercise_id)
    item = media_service.get_or_raise(uow, account=account, exercise_id=e.id,
                                      media_id=_media_id(media_id))
    return _edit_page(request, account, e, item)


@router.post("/exercises/{exercise_id}/media/{media_id}")
async def replace_media(request: Request, exercise_id: str, media_id: str, account: PageAccount,
                        uow: Uow, ctx: Ctx) -> Response:
    _must_manage(account)
    e = _exercise(ctx, exercise_id)
    item = media_service.get_or_raise(uow, account=account, exercise_id=e.id,
                                      media_id=_media_id(media_id))
    values: dict[str, str] = {}
    try:
        upload, values = await _upload(request)
        changed = await run_in_threadpool(lambda: media_service.update(
            uow, account=account, exercise_id=e.id, media_id=item.id, upload=upload))
    except InputError as err:
        return _edit_page(request, account, e, item, status_code=422,
                          errors={_field(err): str(err)}, values=values)
    uow.commit()
    flash(request, "Replaced." if changed.version != item.version else "Caption saved.")
    return RedirectResponse(f"/exercises/{e.id}#coach-media", 303)


@router.post("/exercises/{exercise_id}/media/{media_id}/delete")
def delete_media(request: Request, exercise_id: str, media_id: str, account: PageAccount,
                 uow: Uow, ctx: Ctx) -> Response:
    _must_manage(account)
    e = _exercise(ctx, exercise_id)
    media_service.delete(uow, account=account, exercise_id=e.id, media_id=_media_id(media_id))
    uow.commit()
    flash(request, "Deleted: your clients no longer see it.")
    return RedirectResponse(f"/exercises/{e.id}#coach-media", 303)


MEDIA_CACHE = "private, max-age=3600"
"""Health-app data, behind a sign-in: only the person's own browser keeps a copy, for an
hour (the address carries the item's version, so a replaced one is fetched afresh)."""
RANGE_CHUNK = 4 * 1024 * 1024
"""The most bytes one ranged answer carries: a player asking for ``bytes=0-`` gets the first
4 MiB and asks on (as browsers do). Whole or ranged, a file is streamed in pieces."""
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def byte_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """The (first, last) byte asked for by one ``Range`` header, at most
    :data:`RANGE_CHUNK` long; None to send the whole file (no header, several ranges, or one
    we do not read), ``"unsatisfiable"`` for a range past the end."""
    if not header:
        return None
    m = _RANGE.fullmatch(header.strip())
    if m is None:
        return None
    first, last = m.group(1), m.group(2)
    if not first and not last:
        return None
    if not first:  # the last n bytes
        n = int(last)
        if n == 0:
            return "unsatisfiable"
        start, end = max(0, size - n), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
        if start >= size:
            return "unsatisfiable"
        if end < start:
            return None
    return start, min(end, start + RANGE_CHUNK - 1)


def serve(request: Request, uow: UnitOfWork, item: StoredMedia) -> Response:
    """The item's file, whole or the range asked for, with headers a phone's player and a
    careful browser want, sent :data:`~anklet.services.media.CHUNK` at a time."""
    if item.kind == "link" or item.content_type is None:
        raise NotFoundError("exercise media file", item.id)
    etag = f'"m{item.id}v{item.version}"'
    headers = {"ETag": etag, "Cache-Control": MEDIA_CACHE, "Accept-Ranges": "bytes",
               "X-Content-Type-Options": "nosniff",
               "Content-Disposition": f'inline; filename="{item.filename or "exercise"}"'}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    wanted = byte_range(request.headers.get("range"), item.size)
    if_range = request.headers.get("if-range")
    if if_range is not None and if_range != etag:
        wanted = None  # the range was for another version: the whole new one
    if wanted == "unsatisfiable":
        return Response(status_code=416, headers={**headers,
                                                  "Content-Range": f"bytes */{item.size}"})
    start, end = wanted if isinstance(wanted, tuple) else (0, item.size - 1)
    if isinstance(wanted, tuple):
        headers["Content-Range"] = f"bytes {start}-{end}/{item.size}"
    # Read from the database piece by piece as it is sent (the unit of work stays open
    # until the answer is sent); the access check above came before the first byte.
    return StreamingResponse(media_service.stream(uow, item, start, end - start + 1),
                             status_code=206 if isinstance(wanted, tuple) else 200,
                             media_type=item.content_type,
                             headers={**headers, "Content-Length": str(end - start + 1)})


@router.get("/exercises/{exercise_id}/media/{media_id}")
def media_file(request: Request, exercise_id: str, media_id: str, account: PageAccount,
               uow: Uow, ctx: Ctx) -> Response:
    """A photo or video of a coach's, to the coach and their clients (anyone else: 404)."""
    e = _exercise(ctx, exercise_id)
    item = media_service.get_or_raise(uow, account=account, exercise_id=e.id,
                                      media_id=_media_id(media_id))
    return serve(request, uow, item)
