"""A coach's own media for library exercises: list, add, replace, delete, and the file.

A coach (or a self-coached person) adds a photo, a short video or a link to an exercise
with a multipart form (``file`` or ``url``, and an optional ``caption``); the same checks as
on the exercise page apply (:mod:`anklet.services.media`: the type read from the bytes,
photos re-encoded without EXIF, 15 MB for a photo and 50 MB and 3 minutes for a video in
H.264 or WebM, its place and camera details blanked, http(s) links only)
and a refusal is 422 naming the field. A client lists and downloads their coach's items and
gets 403 for a change; anyone else's item, or an unknown exercise, is 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import File, Form, Path, Request, Response, UploadFile

from anklet.domain.errors import NotFoundError
from anklet.services import media as service
from anklet.store.media import StoredMedia
from anklet.web.api.common import make_router, send
from anklet.web.deps import ApiAccount, Ctx, ForbiddenError, Uow
from anklet.web.pages.exercises import MAX_MEDIA_BODY, serve
from anklet.web.schemas.common import FORBIDDEN, INVALID, NOT_FOUND, Responses
from anklet.web.schemas.media import MediaListPublic, MediaPublic

router = make_router("media", max_body_size=MAX_MEDIA_BODY)

ExerciseId = Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[a-z0-9][a-z0-9-]*$",
                                 description="the library exercise's id")]
MediaId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the item's id")]
FileField = Annotated[UploadFile | None, File(
    description=f"a photo (JPEG, PNG or WebP, up to {service.MAX_PHOTO_BYTES // 2**20} MB) "
                f"or a video (MP4 or MOV with H.264, or WebM; up to "
                f"{service.MAX_VIDEO_BYTES // 2**20} MB and {service.MAX_VIDEO_SECONDS // 60} "
                "minutes; HEVC is refused); "
                "or send url instead")]
UrlField = Annotated[str, Form(max_length=service.MAX_URL,
                               description="a link (https:// or http://), instead of a file")]
CaptionField = Annotated[str, Form(max_length=1000, description=(
    f"an optional line shown with it (at most {service.CAPTION_MAX} characters)"))]
CHANGE: Responses = {**NOT_FOUND, **FORBIDDEN, **INVALID}
FILE: Responses = {200: {"content": {"image/jpeg": {}, "image/png": {}, "video/mp4": {},
                                     "video/webm": {}},
                         "description": "the file (with Range: a part of it, 206)"},
                   206: {"description": "the part asked for with Range"},
                   **NOT_FOUND, **INVALID}


def _public(m: StoredMedia) -> dict[str, object]:
    return MediaPublic(
        id=m.id, exercise=m.exercise_id, kind=m.kind,
        caption=m.caption, url=m.url,
        file=None if m.kind == "link" else
        f"/api/v1/exercises/{m.exercise_id}/media/{m.id}/file",
        content_type=m.content_type, size=m.size, width=m.width, height=m.height,
        version=m.version, created_at=m.created_at, updated_at=m.updated_at,
    ).model_dump(mode="json")


def _must_manage(account: ApiAccount) -> None:
    if not service.can_manage(account):
        raise ForbiddenError("Your coach adds the photos, videos and links for your "
                             "exercises; a client account can list and open them.")


async def _upload(file: UploadFile | None, url: str, caption: str) -> service.Upload:
    data: bytes | None = None
    name = ""
    if file is not None and (file.filename or file.size):
        name = (file.filename or "file")[-120:]
        head = await file.read(16)
        await file.seek(0)
        service.check_file_size(file.size or 0, head, name[-80:])
        data = await file.read()
    return service.Upload(caption=caption, url=url, data=data, filename=name)


def _exercise(ctx: Ctx, exercise_id: str) -> str:
    if exercise_id not in ctx.library.by_id:
        raise NotFoundError("exercise", exercise_id)
    return exercise_id


@router.get("/exercises/{exercise_id}/media", response_model=MediaListPublic,
            responses={**NOT_FOUND, **INVALID})
def list_media(exercise_id: ExerciseId, account: ApiAccount, uow: Uow, ctx: Ctx) -> Response:
    """The photos, videos and links this account sees for the exercise: a coach's or a
    self-coached person's own, a client's coach's."""
    data = [_public(m) for m in service.list(uow, account=account,
                                             exercise_id=_exercise(ctx, exercise_id))]
    return send({"data": data, "count": len(data)})


@router.post("/exercises/{exercise_id}/media", status_code=201, response_model=MediaPublic,
             responses=CHANGE)
async def add_media(exercise_id: ExerciseId, account: ApiAccount, uow: Uow, ctx: Ctx,
                    file: FileField = None, url: UrlField = "", caption: CaptionField = ""
                    ) -> Response:
    """Add a photo, a short video or a link (multipart form: ``file`` or ``url``, and
    ``caption``) for this coach's clients. Photos are stored re-encoded, without EXIF."""
    _must_manage(account)
    upload = await _upload(file, url, caption)
    made = service.create(uow, account=account, library=ctx.library,
                          exercise_id=_exercise(ctx, exercise_id), upload=upload)
    uow.commit()
    return send(_public(made), 201)


@router.put("/exercises/{exercise_id}/media/{media_id}", response_model=MediaPublic,
            responses=CHANGE)
async def replace_media(exercise_id: ExerciseId, media_id: MediaId, account: ApiAccount,
                        uow: Uow, file: FileField = None, url: UrlField = "",
                        caption: CaptionField = "") -> Response:
    """Replace one of your items with a new file or link (same id, a new version), or, with
    neither, change only its caption."""
    _must_manage(account)
    upload = await _upload(file, url, caption)
    changed = service.update(uow, account=account, exercise_id=exercise_id, media_id=media_id,
                             upload=upload)
    uow.commit()
    return send(_public(changed))


@router.delete("/exercises/{exercise_id}/media/{media_id}", status_code=204,
               responses={**NOT_FOUND, **FORBIDDEN, **INVALID})
def delete_media(exercise_id: ExerciseId, media_id: MediaId, account: ApiAccount,
                 uow: Uow) -> Response:
    """Delete one of your items; your clients no longer see it."""
    _must_manage(account)
    service.delete(uow, account=account, exercise_id=exercise_id, media_id=media_id)
    uow.commit()
    return Response(status_code=204)


@router.get("/exercises/{exercise_id}/media/{media_id}/file", response_class=Response,
            responses=FILE)
def media_file(request: Request, exercise_id: ExerciseId, media_id: MediaId,
               account: ApiAccount, uow: Uow) -> Response:
    """A photo's or video's bytes, with its type; ``Range`` gives a part (206)."""
    item = service.get_or_raise(uow, account=account, exercise_id=exercise_id,
                                media_id=media_id)
    return serve(request, uow, item)
