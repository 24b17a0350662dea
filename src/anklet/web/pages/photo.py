"""Measuring the knee-to-wall angle from a side photo: ``/people/{key}/photo``.

The same people may use it as the assessment form (their coach, or the self-coached person
themself; a client is refused, and a person the account may not see answers 404 exactly
like a missing one — :func:`anklet.web.pages.person.check_person`).

1. ``GET /people/{key}/photo``: choose the side and a photo (or, with the model, a short
   video).
2. ``POST /people/{key}/photo``: the photo is loaded (upright, downscaled), the pose model
   finds the points when the ``[vision]`` extra is installed, and the page shows the photo
   with the knee, ankle, heel, toe and the back foot's toe on it. Every point can be
   dragged; ``static/photo.js`` redraws the angle and the test's checks as it moves (a
   mirror of :mod:`anklet.domain.photo`). With no model, or no person found, the points are
   placed by tapping the photo in order.

   A video (MP4, MOV, WebM, AVI: :func:`anklet.services.photo.is_video`) is looked through
   by the model (:func:`anklet.vision.video.deepest_lunge`): the frame of the deepest lunge
   that keeps every rule of the test is then shown exactly as an uploaded photo is, and the
   page says which moment of the video it is; when no moment shows a knee-to-wall lunge the
   video is refused in place, saying what the deepest moment broke. Without the model a
   video is refused in place (422): choosing its frame needs the model, and points are
   placed by hand only on a still. A video with nobody in it, or one that cannot be read,
   is refused in place too.

   Several people in the picture (or the video): refused in place, the form then asking
   which one to measure (numbered from the largest) with the photo chosen again.
3. ``POST /people/{key}/photo/save``: the points, side and date. The server reads the
   angle again from the points (:func:`anklet.domain.photo.read_leg`; the browser's figure
   is never taken), stores it only when every check passes, re-decides and commits once.
   When the heel check cannot be made (no back toe), the tick box "I checked by eye that
   the heel stayed down" is required, and the stored notes say so.
   A broken rule re-renders the page with the reasons and the points as they were (422);
   nothing is stored.

The photo is never stored. It travels inside the page (a ``data:`` URL) and back with the
save form, only so a refused save can show it again; it is never written anywhere and the
pages carry ``Cache-Control: no-store``. A video's chosen frame travels the same way; the
video itself is read from a private temporary file that is deleted at once.

Upload size: a request body over :data:`anklet.vision.images.MAX_UPLOAD_BYTES` (plus a
little for the form's other fields) is refused from its ``Content-Length`` before any of it
is read (413; a body without a length, 411); the photo's own size is checked before it is
read into memory.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from anklet.domain import photo as geometry
from anklet.domain.errors import InputError, PhotoRejectedError
from anklet.domain.photo import Landmark, Leg, PhotoReading, read_leg
from anklet.domain.units import DEGREES_PER_CM, Side
from anklet.services import evaluation
from anklet.services import photo as photo_service
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.vision.pose import MAX_PEOPLE
from anklet.web.deps import Ctx, PageAccount, PageToday, Uow, check_csrf, close_form
from anklet.web.pages.person import Errors, Reader, check_person
from anklet.web.templating import flash, render

BODY_SLACK = 256 * 1024
"""Bytes a request may carry beyond the photo's own limit: the form's other fields and the
multipart framing."""
MAX_BODY = photo_service.MAX_UPLOAD_BYTES + BODY_SLACK
PAGE_IMAGE_CHARS = 900_000
"""The photo shown on the page (and sent back by the save form) is kept under this many
characters of ``data:`` URL: a form field may hold at most 1 MiB, and the URL-encoding of
``+`` and ``/`` adds about 6 %."""
JPEG_QUALITIES = (85, 75, 65, 50, 35)
POINTS = ("knee", "ankle", "heel", "toe")
BACK_TOE = "back_toe"
HIP = "hip"
"""The model's hip, carried in hidden fields for the knee-bend check (never dragged)."""
LABELS = {"knee": "knee", "ankle": "ankle", "heel": "heel", "toe": "toe",
          BACK_TOE: "back foot's toe", HIP: "hip"}
WEB_PICK = "choose the person below and the photo again"
HEEL_HOW = ("If you watched the test and the heel stayed flat on the floor, tick “I checked by "
            "eye that the heel stayed down”; or add the back toe point so the photo can show it.")
DATA_URL_PREFIXES = ("data:image/jpeg;base64,", "data:image/png;base64,")


async def limit_body(request: Request) -> None:
    """Refuse a body that is too large from its length alone, before anything reads it."""
    if request.method != "POST":
        return
    length = request.headers.get("content-length")
    if length is None:
        if request.headers.get("transfer-encoding"):
            raise HTTPException(411, "Please send the photo from the page's form (the upload "
                                     "must say how large it is). Nothing was stored.")
        return
    try:
        size = int(length)
    except ValueError:
        raise HTTPException(400, "The upload's length is not a number. Nothing was stored.") \
            from None
    if size > MAX_BODY:
        limit = photo_service.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise HTTPException(413, f"That upload is {size / (1024 * 1024):.0f} MB; photos of up to "
                                 f"{limit} MB are accepted (your phone's normal camera size is "
                                 "fine), and videos of a few seconds. Go back and choose a "
                                 "smaller file. Nothing was stored.")



router = APIRouter(dependencies=[Depends(close_form), Depends(limit_body), Depends(check_csrf)],
                   include_in_schema=False)


# --- the points -----------------------------------------------------------------------------


@dataclass
class Point:
    x: float
    y: float
    v: float = 1.0

    def landmark(self) -> Landmark:
        return Landmark(self.x, self.y, self.v)

    def as_dict(self) -> dict[str, float]:
        return {"x": self.x, "y": self.y, "v": self.v}


Points = dict[str, Point | None]


def _r2(x: float) -> float:
    """Points carry 1/100 px, as the page's hidden fields do: both sides read the same."""
    return round(x, 2)


def read(side: Side, points: Points) -> PhotoReading:
    """The reading of these points: ``read_leg`` with the back foot's toe as the floor point
    (which the front-leg check also reads as the other foot's toe)."""
    p = {n: points[n] for n in POINTS}
    if any(q is None for q in p.values()):
        raise InputError("points", ", ".join(n for n, q in p.items() if q is None),
                         "all four of knee, ankle, heel and toe")
    hip = points.get(HIP)
    leg = Leg(**{n: q.landmark() for n, q in p.items() if q is not None},
              hip=None if hip is None else hip.landmark())
    back = points.get(BACK_TOE)
    return read_leg(side, leg, floor=None if back is None else back.landmark())


def leg_problem(e: InputError) -> str:
    """Points that make no leg (the knee on the ankle, say), in words."""
    return f"These points make no leg: we need {e.accepted}. Move the points apart."


def _inside(p: Landmark, width: int, height: int) -> bool:
    return 0 <= p.x <= width and 0 <= p.y <= height


def detected_points(pose: geometry.Pose, side: Side, width: int, height: int
                    ) -> Points | None:
    """The tested leg's points (and the other foot's toe as the back toe) from the model,
    or None when any of the tested leg's four lies outside the picture."""
    leg, back = pose.leg(side), pose.leg(side.other).toe
    marks = leg.points()
    if not all(_inside(m, width, height) for m in marks.values()):
        return None
    out: Points = {n: Point(_r2(m.x), _r2(m.y), float(m.visibility)) for n, m in marks.items()}
    out[BACK_TOE] = (Point(_r2(back.x), _r2(back.y), float(back.visibility))
                     if _inside(back, width, height) else None)
    hip = leg.hip
    out[HIP] = (Point(_r2(hip.x), _r2(hip.y), float(hip.visibility))
                if hip is not None and _inside(hip, width, height) else None)
    return out


def parse_points(r: Reader, width: int, height: int) -> tuple[Points, list[str]]:
    """The posted points (1/100 px, inside the picture), and what is wrong with them."""
    problems: list[str] = []
    out: Points = {}
    for name in (*POINTS, BACK_TOE, HIP):
        label = LABELS[name]
        xs, ys, vs = (r.text(f"{name}_{k}") for k in ("x", "y", "v"))
        out[name] = None
        if not xs and not ys and name in (BACK_TOE, HIP):
            continue  # optional
        if not xs or not ys:
            problems.append(f"The {label} point is missing: place it on the photo.")
            continue
        try:
            x, y = float(xs), float(ys)
            v = float(vs) if vs else 1.0
        except ValueError:
            problems.append(f"The {label} point's position is not a number: place it again.")
            continue
        if not (math.isfinite(x) and math.isfinite(y)) or not _inside(Landmark(x, y), width,
                                                                      height):
            problems.append(f"The {label} point is outside the photo (at {xs}, {ys}; the photo "
                            f"is {width}×{height} pixels): place it on the photo.")
            continue
        if not 0 <= v <= 1:  # NaN fails too
            problems.append(f"The {label} point's certainty must be from 0 to 1 (it was {vs}).")
            continue
        out[name] = Point(_r2(x), _r2(y), v)
    return out, problems


# --- the photo on the page ------------------------------------------------------------------


def page_image(image: photo_service.Image) -> str:
    """The photo as a ``data:`` URL small enough to come back with the save form."""
    url = ""
    for quality in JPEG_QUALITIES:
        url = photo_service.to_data_url(image, quality=quality)
        if len(url) <= PAGE_IMAGE_CHARS:
            break
    return url


def image_from_data_url(text: str) -> photo_service.Image:
    """The photo the save form sent back, loaded as an upload is (InputError if it can't)."""
    prefix = next((p for p in DATA_URL_PREFIXES if text.startswith(p)), None)
    if prefix is None:
        raise InputError("photo", "missing", "the photo shown on the page")
    try:
        data = base64.b64decode(text[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise InputError("photo", "damaged", "the photo shown on the page") from None
    return photo_service.load(data=data, filename="photo")


def _constants() -> dict[str, float]:
    return {"minVisibility": geometry.MIN_VISIBILITY, "footToShank": geometry.FOOT_TO_SHANK,
            "minFootToShank": geometry.MIN_FOOT_TO_SHANK, "maxHeelTilt": geometry.MAX_HEEL_TILT,
            "minFloorSpan": geometry.MIN_FLOOR_SPAN, "degreesPerCm": DEGREES_PER_CM,
            "minLungeAngle": geometry.MIN_LUNGE_ANGLE, "maxLungeAngle": geometry.MAX_LUNGE_ANGLE,
            "minKneeFlexion": geometry.MIN_KNEE_FLEXION}


def _json_for_script(value: Any) -> Markup:
    """JSON safe inside a ``<script type="application/json">`` element."""
    text = json.dumps(value, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


# --- pages ----------------------------------------------------------------------------------


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # the photo is inside the page
    return response


def upload_page(request: Request, account: Account, uow: UnitOfWork, key: str, *,
                values: dict[str, str] | None = None, errors: Errors | None = None,
                status_code: int = 200, people: tuple[str, ...] = ()) -> Response:
    """The upload form; ``people``: where each person found stands, when several were (the
    form then asks which one to measure)."""
    h = uow.people.get(key)
    return _no_store(render(
        request, "person/photo.html", account=account, status_code=status_code, key=key,
        person=h.person, step="upload", values=values or {"side": ""}, errors=errors or {},
        people=people,
        model=photo_service.available(), max_bytes=photo_service.MAX_UPLOAD_BYTES,
        max_mb=photo_service.MAX_UPLOAD_BYTES // (1024 * 1024), enable_hint=photo_service.ENABLE_HINT))


@dataclass
class Measuring:
    """What the measuring page shows: the photo, the points, how they were found."""

    side: Side
    image_url: str
    width: int
    height: int
    points: Points
    mode: str          # "model": found by the pose model; "hand": placed by hand
    status: str        # how the points were found, in words
    tone: str          # ok, warn or info
    kept: bool = False  # the points as posted (a refused save), not fresh from the model
    frame_at: float | None = None  # from a video: when its frame comes, seconds from the start


def measure_page(request: Request, account: Account, uow: UnitOfWork, key: str, m: Measuring,
                 *, date: str, errors: Errors | None = None, problems: list[str] | None = None,
                 status_code: int = 200, heel_checked: bool = False) -> Response:
    h = uow.people.get(key)
    reading: PhotoReading | None = None
    leg_error = ""
    if all(m.points.get(n) is not None for n in POINTS):
        try:
            reading = read(m.side, m.points)
        except InputError as e:
            leg_error = leg_problem(e)
    data = {"side": m.side.value, "width": m.width, "height": m.height, "mode": m.mode,
            "kept": m.kept, "constants": _constants(),
            "points": {n: (p.as_dict() if (p := m.points.get(n)) else None)
                       for n in (*POINTS, BACK_TOE, HIP)}}
    return _no_store(render(
        request, "person/photo.html", account=account, status_code=status_code, key=key,
        person=h.person, step="measure", m=m, reading=reading, leg_error=leg_error,
        errors=errors or {}, problems=problems or [], values={"date": date},
        data_json=_json_for_script(data), labels=LABELS, point_names=(*POINTS, BACK_TOE),
        min_visibility=geometry.MIN_VISIBILITY, heel_checked=heel_checked,
        heel_unknown=reading is not None and reading.ok
        and reading.check(geometry.CheckName.HEEL_DOWN).passed is None))


@router.get("/people/{key}/photo")
def photo_form(request: Request, key: str, account: PageAccount, uow: Uow) -> Response:
    check_person(uow, account, key)
    return upload_page(request, account, uow, key)


def _side(r: Reader, errors: Errors) -> Side | None:
    raw = r.text("side")
    if raw in (Side.LEFT.value, Side.RIGHT.value):
        return Side(raw)
    errors["side"] = "Choose the leg you are measuring: left or right."
    return None


def _person(r: Reader, errors: Errors) -> int | None:
    """Which of several people to measure (1 = the largest), when the form asked."""
    raw = r.text("person")
    if not raw:
        return None
    if raw.isdigit() and 1 <= int(raw) <= MAX_PEOPLE:
        return int(raw)
    errors["person"] = f"Choose the person to measure by their number, 1 to {MAX_PEOPLE}."
    return None


HAND = " Place the points yourself: tap the knee, ankle, heel and toe in turn."
VIDEO_ACCEPTED = "a JPEG, PNG or WebP photo, or a short MP4, MOV, WebM or AVI video"


@dataclass
class Found:
    """What an upload gave: the picture to show, the points found in it (None: they are
    placed by hand), how, in words, and, for a video, when its frame comes."""

    image: photo_service.Image
    points: Points | None
    status: str
    tone: str          # ok, warn or info
    frame_at: float | None = None


def _find(data: bytes, side: Side, filename: str, person: int | None = None) -> Found:
    """Load the photo and, when the model is installed, find the points; for a video, find
    its deepest lunge (in a worker thread: the model takes a fifth of a second a picture).
    Several people: :class:`ManyPeopleError` unless ``person`` says which."""
    if photo_service.is_video(data):
        return _find_in_video(data, side, filename, person)
    image = photo_service.load(data=data, filename=filename)
    w, h = image.size
    if not photo_service.available():
        return Found(image, None, "Finding the points automatically is not installed here, so "
                     "you place them: the angle and the checks are worked out exactly the same "
                     "way." + HAND + " (To add automatic finding: pip install 'anklet[vision]'.)",
                     "info")
    from anklet.vision.pose import detector

    found = detector().people(image)
    if person is None and len(found) > 1:
        raise photo_service.ManyPeopleError([p.where for p in found], how=WEB_PICK)
    if person is not None and person > len(found) and found:
        raise photo_service.ManyPeopleError([p.where for p in found], how=WEB_PICK,
                                            chosen=person)
    pose = found[(person or 1) - 1].pose if found else None
    if pose is None:
        return Found(image, None, "No person was found in this photo." + HAND, "warn")
    points = detected_points(pose, side, w, h)
    if points is None:
        return Found(image, None, f"A person was found, but not their {side} knee, ankle, heel "
                     "and toe inside the picture: the whole lower leg and both feet need to be "
                     "in the photo." + HAND + " Or take a new photo.", "warn")
    return Found(image, points, "The points were found for you. Check each one against the "
                 "photo and drag any that is off: the angle and the checks follow.", "ok")


def moment(seconds: float | None) -> str:
    """Which frame of the video, in words."""
    return "the frame we picked" if seconds is None else f"the frame at {seconds:.1f} s"


def _keeps_the_rules(side: Side, pose: geometry.Pose) -> bool:
    """Whether the model's points pass every check (as :func:`geometry.deepest_frame` counts
    a frame: the frame it picks is one of these, the fallback never is)."""
    try:
        return geometry.read_pose(side, pose).ok
    except InputError:
        return False


def _find_in_video(data: bytes, side: Side, filename: str, person: int | None = None) -> Found:
    """The video's deepest lunge, shown as a photo is; InputError without the model, for a
    video that cannot be read, or one with nobody in it."""
    if not photo_service.available():
        raise InputError("photo", "a video", "a photo (JPEG, PNG or WebP)", message=(
            f"{filename} is a video. Picking the moment of the deepest lunge from a video needs "
            "automatic point finding, which is not installed here, and the points can be placed "
            "by hand only on a still picture. Please choose a photo of the lunge instead (JPEG, "
            "PNG or WebP). (To add automatic finding: pip install 'anklet[vision]'.)"))
    from anklet.vision.video import deepest_lunge

    try:
        frame = deepest_lunge(data, side, name=filename, person=person)
    except photo_service.ManyPeopleError as e:
        raise e.told(WEB_PICK) from None
    if frame.pose is None:
        raise InputError("photo", "no person found", VIDEO_ACCEPTED, message=(
            f"{filename}: no person was found anywhere in this video, so there is nothing to "
            "measure. Film from the side, level with the ankle, with the whole lower leg and "
            "both feet in view, or choose a photo."))
    image, at = frame.image, moment(frame.seconds)
    points = detected_points(frame.pose, side, *image.size)
    if points is None:
        return Found(image, None, f"No moment of this video keeps every rule of the test. In "
                     f"{at}, the deepest lunge we found, a person is seen, but not their {side} "
                     "knee, ankle, heel and toe inside the picture." + HAND + " Or film again "
                     "with the whole lower leg and both feet in view.", "warn", frame.seconds)
    if _keeps_the_rules(side, frame.pose):
        return Found(image, points, f"This is {at} of your video: the deepest lunge we found "
                     "with every rule of the test kept. The points were found for you: check "
                     "each one against the picture and drag any that is off; the angle and the "
                     "checks follow.", "ok", frame.seconds)
    return Found(image, points, f"No moment of this video keeps every rule of the test. This is "
                 f"{at}, the deepest lunge we found: the rules it breaks are marked. Drag any "
                 "point that is off, or film again (or use a photo).", "warn", frame.seconds)


def check_upload_size(size: int, filename: str, *, video: bool) -> None:
    """Refuse an empty or over-limit upload from its size, before it is read (a video over
    the limit hears how to make it smaller)."""
    limit = photo_service.MAX_UPLOAD_BYTES
    if video and size > limit:
        raise InputError("photo", f"{size} bytes", f"a file of at most {limit} bytes", message=(
            f"{filename}: the video is {size / (1024 * 1024):.1f} MB, more than the "
            f"{limit // (1024 * 1024)} MB accepted. A few seconds of the lunge is plenty: trim "
            "the clip (most phones can, in the gallery) or film a shorter one, or choose a "
            "photo."))
    photo_service.check_size(size, name=filename)


@router.post("/people/{key}/photo")
async def photo_upload(request: Request, key: str, account: PageAccount, uow: Uow,
                       today: PageToday) -> Response:
    check_person(uow, account, key)
    form = await request.form()
    r = Reader({k: v for k, v in form.items() if isinstance(v, str)})
    errors: Errors = {}
    side = _side(r, errors)
    person = _person(r, errors)
    upload = form.get("photo")
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors["photo"] = ("Choose a photo to upload (JPEG, PNG or WebP)"
                           + (", or a short video." if photo_service.available() else "."))
    if errors or side is None or not isinstance(upload, UploadFile):
        return upload_page(request, account, uow, key, values={"side": r.text("side")},
                           errors=errors, status_code=422)
    filename = (upload.filename or "photo")[-80:]
    try:
        head = await upload.read(16)  # a video over the limit is told so as a video
        await upload.seek(0)
        check_upload_size(upload.size or 0, filename, video=photo_service.is_video(head))
        data = await upload.read()
        found = await run_in_threadpool(_find, data, side, filename, person)
    except photo_service.ManyPeopleError as e:
        return upload_page(request, account, uow, key, values={"side": side.value},
                           errors={"photo": str(e)}, status_code=422, people=e.places)
    except InputError as e:
        return upload_page(request, account, uow, key, values={"side": side.value},
                           errors={"photo": str(e)}, status_code=422)
    image = found.image
    m = Measuring(side=side, image_url=await run_in_threadpool(page_image, image),
                  width=image.width, height=image.height,
                  points=found.points or dict.fromkeys((*POINTS, BACK_TOE)),
                  mode="model" if found.points else "hand", status=found.status, tone=found.tone,
                  frame_at=found.frame_at)
    return measure_page(request, account, uow, key, m, date=today.isoformat())


def _seconds(text: str) -> float | None:
    """The video moment the save form carries back (only words on the page: anything odd is
    dropped)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and 0 <= value < 24 * 3600 else None


@router.post("/people/{key}/photo/save")
async def photo_save(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx,
                     today: PageToday) -> Response:
    check_person(uow, account, key)
    form = await request.form()
    r = Reader({k: v for k, v in form.items() if isinstance(v, str)})
    errors: Errors = {}
    side = _side(r, errors)
    try:
        image = await run_in_threadpool(image_from_data_url, r.text("image"))
    except InputError:
        errors["photo"] = ("The photo did not come back with the form, so nothing was saved. "
                           "Please upload it again.")
        image = None
    if image is None or side is None:
        return upload_page(request, account, uow, key, values={"side": r.text("side")},
                           errors=errors, status_code=422)
    day = r.date("date", not_after=today)
    if day is None and "date" not in r.errors:
        r.errors["date"] = "Give the date the photo was taken."
    errors.update(r.errors)
    points, problems = parse_points(r, image.width, image.height)
    mode = "hand" if r.text("mode") == "hand" else "model"
    frame_at = _seconds(r.text("frame_at"))
    m = Measuring(side=side, image_url=r.text("image"), width=image.width, height=image.height,
                  points=points, mode=mode, kept=True, tone="info", frame_at=frame_at,
                  status=("Your points are as you left them: move them, or use another photo."
                          if frame_at is None else f"Your points are as you left them, on "
                          f"{moment(frame_at)} of your video: move them, or use another video "
                          "or a photo."))

    heel_checked = r.text("heel_checked") == "yes"

    def again(status_code: int = 422, extra: list[str] | None = None) -> Response:
        uow.rollback()
        return measure_page(request, account, uow, key, m, date=r.text("date"), errors=errors,
                            problems=problems + (extra or []), status_code=status_code,
                            heel_checked=heel_checked)

    if problems or errors or day is None:
        return again()
    try:
        reading = read(side, points)
    except InputError:
        return again()  # the page says what is wrong with the points
    try:
        measurement = photo_service.create(uow, key=key, side=side, day=day, reading=reading,
                                           heel_checked=heel_checked, heel_how=HEEL_HOW)
    except PhotoRejectedError:
        return again()  # the page lists the failed checks from the same points
    except InputError as e:
        return again(extra=[str(e)])
    uow.accounts.audit(account_id=account.id, actor=account.email, action="photo_measured",
                       person_key=key, detail={"date": day.isoformat(), "side": side.value,
                                               "angle": measurement.value})
    evaluation.refresh(uow, key=key, protocol=ctx.protocol, library=ctx.library)
    uow.commit()
    flash(request, f"Saved: {side} lunge angle {measurement.value:.1f}° (about "
                   f"{measurement.value / DEGREES_PER_CM:.1f} cm knee-to-wall), measured from the "
                   f"photo on {day:%-d %b %Y}. The photo itself was not kept.")
    return RedirectResponse(f"/people/{key}", 303)
