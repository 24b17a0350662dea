"""A coach's own media for library exercises: a photo, a short video or a link, with an
optional caption, shown to the coach's clients with the exercise (issue #18, item 2).

Who sees what: every item belongs to the account that added it, a coach or a self-coached
person. A coach sees and manages their own; their clients see them (read only); a
self-coached person adds and sees their own. Anyone else asking for an item (another
coach, another coach's client, an item of a different exercise) gets NotFoundError, as for
an item that does not exist. A client cannot add, replace or delete (:class:`ClientOnlyReadsError`).

What is accepted, checked from the bytes and never from the name or the declared type:

- a photo: JPEG, PNG or WebP, at most :data:`MAX_PHOTO_BYTES` (the photo uploads' own
  limit); re-encoded from its pixels (:func:`anklet.vision.images.clean_photo`), so EXIF
  (time, place, camera) and other metadata are gone before it is stored;
- a video: MP4 (an iPhone's MOV too) with H.264 pictures, or WebM, at most
  :data:`MAX_VIDEO_BYTES` and :data:`MAX_VIDEO_SECONDS` long (read from the container: a
  file that does not say how long it is is refused). HEVC, which iPhones film in by
  default and many browsers cannot play, is refused with how to send H.264 instead. A
  video is not re-encoded (no video tools ship with Anklet); its private details are blanked
  in place, every offset kept (:mod:`anklet.vision.containers`): in an MP4 the ``udta`` and
  ``meta`` boxes (the place, the camera) become zero-filled ``free`` boxes and the creation
  times are cleared; in a WebM the Tags, Attachments, title, date and track names become
  Void elements of the same size;
- a link: ``http`` or ``https`` with a host, no user name or password in it, at most
  :data:`MAX_URL` characters. Links are shown as links, never embedded.

A file is sent back :data:`CHUNK` at a time, each piece read from the database as it goes
(:func:`stream`), so serving a video never holds the whole of it in memory.

At most :data:`MAX_PER_EXERCISE` items per exercise and owner. Adding, replacing and
deleting are written to the audit log (the account, the exercise, the item and its kind).
Nothing is stored when anything refuses (the caller commits once).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from anklet.domain.errors import InputError, NotFoundError
from anklet.domain.exercises import Library
from anklet.domain.text import TEXT_ACCEPTED, safe_echo, text_problem
from anklet.store.accounts import Account
from anklet.store.media import MediaRepository, NewMedia, StoredMedia
from anklet.store.uow import UnitOfWork
from anklet.vision import containers, images

__all__ = ["ACCEPTED", "CAPTION_MAX", "CHUNK", "MAX_PER_EXERCISE", "MAX_PHOTO_BYTES", "MAX_URL",
           "MAX_VIDEO_BYTES", "MAX_VIDEO_SECONDS", "VIDEO_ACCEPTED", "ClientOnlyReadsError",
           "StoredMedia", "Upload", "can_manage", "check_video", "create", "delete",
           "get_or_raise", "kind_of", "list", "marks", "owner_for", "read", "stream", "update"]

MAX_PHOTO_BYTES = images.MAX_UPLOAD_BYTES
"""15 MiB, as for the knee-to-wall photos: any phone camera's full-size photo fits."""
MAX_VIDEO_BYTES = 50 * 1024 * 1024
"""50 MiB: about a minute of 1080p phone video, or several minutes at 720p — plenty to show
one exercise, and small enough to keep in the database and send to a phone."""
MAX_VIDEO_SECONDS = 180
"""3 minutes: enough to show an exercise from two sides, slowly, with a word on each step;
a longer clip is usually the whole session, which clients will not watch on a phone."""
MAX_URL = 2000
CAPTION_MAX = 200
MAX_PER_EXERCISE = 6
CHUNK = 256 * 1024
"""Bytes read from the database and sent at a time when a file is served: a request holds
no more of a video than this in memory."""
"""More would crowd the exercise page; a coach replaces one instead."""

VIDEO_ACCEPTED = (f"a video of at most {MAX_VIDEO_SECONDS // 60} minutes and "
                  f"{MAX_VIDEO_BYTES // (1024 * 1024)} MB: MP4 or MOV with H.264 video, or WebM")
ACCEPTED = (f"a photo (JPEG, PNG or WebP, up to {MAX_PHOTO_BYTES // (1024 * 1024)} MB), "
            f"a short video (MP4 or WebM, up to {MAX_VIDEO_BYTES // (1024 * 1024)} MB and "
            f"{MAX_VIDEO_SECONDS // 60} minutes; an MP4 in H.264) "
            "or a link starting with https:// or http://")
URL_ACCEPTED = (f"a web address starting with https:// or http://, with a site name, "
                f"at most {MAX_URL} characters")
CAPTION_ACCEPTED = f"one line of at most {CAPTION_MAX} characters (or nothing)"

_HEIF = {b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
               b"M4V ", b"M4VP", b"mmp4", b"dash", b"qt  ", b"3gp4", b"3gp5", b"3gp6"}
_H264 = {"avc1", "avc3"}
_HEVC = {"hvc1", "hev1", "dvh1", "dvhe"}
_CODEC_NAMES = {"avc1": "H.264", "avc3": "H.264", "hvc1": "HEVC (H.265)",
                "hev1": "HEVC (H.265)", "dvh1": "Dolby Vision (HEVC)",
                "dvhe": "Dolby Vision (HEVC)", "av01": "AV1", "vp09": "VP9", "vp08": "VP8",
                "mp4v": "MPEG-4 Part 2", "s263": "H.263", "jpeg": "Motion JPEG",
                "mjpa": "Motion JPEG", "mjp2": "Motion JPEG 2000", "apch": "ProRes",
                "apcn": "ProRes", "apcs": "ProRes", "apco": "ProRes", "ap4h": "ProRes",
                "ap4x": "ProRes", "encv": "encrypted"}


class ClientOnlyReadsError(InputError):
    """A client reads their coach's media; adding, replacing and deleting is the coach's."""

    def __init__(self) -> None:
        super().__init__("role", "client", "a coach's or self-coached account",
                         message="Your coach adds the photos, videos and links for your "
                                 "exercises; you can open them on each exercise's page.")


@dataclass(frozen=True)
class Upload:
    """What was sent: a file (its bytes and name), a link, a caption; each may be empty."""

    caption: str = ""
    url: str = ""
    data: bytes | None = None
    filename: str = ""


def owner_for(uow: UnitOfWork, account: Account) -> int | None:
    """Whose media this account sees: a coach's or a self-coached person's own, a client's
    coach's (None for a client without a coach)."""
    if account.role in ("coach", "self"):
        return account.id
    if account.role == "client" and account.person_key:
        return uow.accounts.coach_of(account.person_key)
    return None


def can_manage(account: Account) -> bool:
    """Coaches and self-coached people add, replace and delete their own media."""
    return account.role in ("coach", "self")


def _repo(uow: UnitOfWork) -> MediaRepository:
    return MediaRepository(uow.connection)


def list(uow: UnitOfWork, *, account: Account, exercise_id: str) -> builtins.list[StoredMedia]:
    """The media this account sees for one exercise, oldest first."""
    owner = owner_for(uow, account)
    return [] if owner is None else _repo(uow).list(owner, exercise_id)


def marks(uow: UnitOfWork, *, account: Account, exercise_ids: Iterable[str]
          ) -> dict[str, builtins.list[StoredMedia]]:
    """The media this account sees for each of these exercises (one query; exercises with
    none are left out): what Today, the week plan and the guided session mark."""
    owner = owner_for(uow, account)
    return {} if owner is None else _repo(uow).by_exercise(owner, exercise_ids)


def get_or_raise(uow: UnitOfWork, *, account: Account, exercise_id: str, media_id: int
                 ) -> StoredMedia:
    """One item this account may see; NotFoundError otherwise (also when it belongs to
    another exercise)."""
    item = _repo(uow).get(media_id)
    if item is None or item.exercise_id != exercise_id or item.owner_id != owner_for(uow, account):
        raise NotFoundError("exercise media", media_id)
    return item


def read(uow: UnitOfWork, item: StoredMedia, start: int = 0, length: int | None = None) -> bytes:
    """The item's bytes (a part of them: ``start``, ``length``), after :func:`get_or_raise`."""
    return _repo(uow).read(item.id, start, length, version=item.version)


def stream(uow: UnitOfWork, item: StoredMedia, start: int = 0, length: int | None = None,
           *, chunk: int = CHUNK) -> Iterator[bytes]:
    """The item's bytes from ``start`` (``length`` of them, else to the end), read from the
    database :data:`CHUNK` at a time as they are sent, after :func:`get_or_raise`. It stops
    early when the item is replaced or deleted meanwhile, rather than mix two versions."""
    repo = _repo(uow)
    at = max(0, start)
    stop = item.size if length is None else min(item.size, at + length)
    while at < stop:
        piece = repo.read(item.id, at, min(chunk, stop - at), version=item.version)
        if not piece:
            return
        yield piece
        at += len(piece)


# --- checking what was sent ------------------------------------------------------------------


def check_caption(caption: str) -> str:
    text = " ".join(caption.split())
    if (why := text_problem(caption)) is not None:
        raise InputError("caption", safe_echo(caption[:80]), f"{TEXT_ACCEPTED}: {why}")
    if len(text) > CAPTION_MAX:
        raise InputError("caption", f"{len(text)} characters", CAPTION_ACCEPTED)
    return text


def check_url(url: str) -> str:
    """The link as given (its edges trimmed); InputError naming ``url`` otherwise."""
    text = url.strip()
    shown = safe_echo(text[:120])
    if len(text) > MAX_URL:
        raise InputError("url", f"{len(text)} characters", URL_ACCEPTED)
    if text_problem(text) is not None or any(c.isspace() for c in text):
        raise InputError("url", shown, URL_ACCEPTED + " (no spaces or control characters)")
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        raise InputError("url", shown, URL_ACCEPTED) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError("url", shown, URL_ACCEPTED, message=(
            f"url: “{shown}” is not a web address we can link to; please give "
            f"{URL_ACCEPTED} (for example https://www.youtube.com/watch?v=…)."))
    if not host or "." not in host.strip("."):
        raise InputError("url", shown, URL_ACCEPTED + " (this one names no site)")
    if parts.username is not None or parts.password is not None:
        raise InputError("url", shown, URL_ACCEPTED + ", without a user name or password "
                         "before the site name")
    return text


def kind_of(head: bytes) -> str | None:
    """``photo``, ``video`` or None, from a file's first bytes (at least 16 wanted)."""
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (
            head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "photo"
    if head[4:8] == b"ftyp" and head[8:12] not in _HEIF:
        return "video"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video"
    return None


def limit_for(kind: str | None) -> int:
    return MAX_VIDEO_BYTES if kind == "video" else MAX_PHOTO_BYTES


def _mb(n: int) -> str:
    mb = n / (1024 * 1024)
    if n % (1024 * 1024) == 0:
        return f"{mb:.0f} MB"
    return f"{mb:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def check_file_size(size: int, head: bytes, name: str) -> None:
    """Refuse an empty file, or one over its kind's limit, from its size and first bytes
    (before the whole of it is read)."""
    kind = kind_of(head)
    limit = limit_for(kind)
    if size == 0:
        raise InputError("file", f"{name} (empty)", ACCEPTED,
                         message=f"file: {name} is empty. Please choose {ACCEPTED}.")
    if size > limit:
        what = "video" if kind == "video" else "photo" if kind == "photo" else "file"
        raise InputError("file", f"{name}: {_mb(size)}", f"a {what} of at most {_mb(limit)}",
                         message=f"file: {name} is {_mb(size)}, more than the {_mb(limit)} "
                                 f"accepted for a {what}. "
                                 + ("Trim the clip to the exercise itself (most phones can, in "
                                    "the gallery) or film it at a lower resolution."
                                    if kind == "video" else
                                    "A normal camera photo or screenshot is fine."))


def _length_words(seconds: float) -> str:
    """A length as a person says it: ``45 s``, ``3 min``, ``4 min 12 s``."""
    whole = round(seconds)
    minutes, rest = divmod(whole, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def _codec_words(codec: str) -> str:
    return _CODEC_NAMES.get(codec, f"“{safe_echo(codec[:20])}”")


def _damaged_video(name: str) -> InputError:
    return InputError("file", f"{name}: damaged video", ACCEPTED,
                      message=f"file: {name} looks cut short or damaged, so it would not play. "
                              "Please send the video again.")


def _check_codecs(facts: containers.VideoFacts, name: str) -> None:
    """An MP4 or MOV must show its picture in H.264; a WebM must have a picture."""
    if not facts.codecs or all(c == "none" for c in facts.codecs):
        raise InputError("file", f"{name}: no picture", VIDEO_ACCEPTED,
                         message=f"file: {name} has no picture in it (only sound, or nothing "
                                 f"at all). Please send {VIDEO_ACCEPTED}.")
    if facts.container != "mp4":
        return
    if any(c in _HEVC for c in facts.codecs):
        raise InputError("file", f"{name}: HEVC (H.265) video", VIDEO_ACCEPTED,
                         message=f"file: {name} is HEVC (H.265) video, the “High Efficiency” "
                                 "format iPhones film in. Many browsers cannot play it (Chrome "
                                 "and Firefox often show nothing), so your clients might not "
                                 "see it. Please send it as H.264: on an iPhone, choose "
                                 "Settings › Camera › Formats › Most Compatible before filming; "
                                 "or convert this clip to MP4 (H.264) with any video converter.")
    other = next((c for c in facts.codecs if c not in _H264 and c != "none"), None)
    if other is not None:
        words = _codec_words(other)
        raise InputError("file", f"{name}: {words} video", VIDEO_ACCEPTED,
                         message=f"file: {name} holds {words} video, which not every phone "
                                 "and browser plays. Please send it as MP4 with H.264 video "
                                 "(any video converter makes one) or as WebM.")


def _check_length(facts: containers.VideoFacts, name: str) -> None:
    """A video must say how long it is, and be at most :data:`MAX_VIDEO_SECONDS` (to the
    second, as its length is shown)."""
    if facts.seconds is None:
        raise InputError("file", f"{name}: length unknown", VIDEO_ACCEPTED,
                         message=f"file: {name} does not say how long it is, so it is not a "
                                 "video we can check. Please save it again from your phone's "
                                 "gallery or a video app as MP4 (H.264) or WebM, and send that.")
    if round(facts.seconds) > MAX_VIDEO_SECONDS:
        words, most = _length_words(facts.seconds), _length_words(MAX_VIDEO_SECONDS)
        raise InputError("file", f"{name}: {words}", f"a video of at most {most}",
                         message=f"file: {name} is {words} long; a video here may be at most "
                                 f"{most}, enough to show an exercise. Trim it to the exercise "
                                 "itself (most phones can, in the gallery: Edit, then drag the "
                                 "ends) and send it again.")


def check_video(data: bytes, name: str = "video") -> tuple[str, bytes]:
    """The content type of an MP4/MOV or WebM video and its bytes with the private details
    blanked (:mod:`anklet.vision.containers`), after checking its picture's codec and its
    length; InputError naming ``file`` otherwise."""
    try:
        if data.startswith(containers.EBML_MAGIC):
            facts = containers.webm_facts(data)
            if facts.container != "webm":
                raise InputError("file", f"{name}: Matroska, not WebM", ACCEPTED,
                                 message=f"file: {name} is a Matroska (MKV) video; please send "
                                         "it as MP4 or WebM, which every phone browser plays.")
            content_type, clean = "video/webm", containers.scrub_webm
        else:
            facts = containers.mp4_facts(data)
            content_type, clean = "video/mp4", containers.scrub_mp4
        _check_codecs(facts, name)
        _check_length(facts, name)
        return content_type, clean(data)
    except containers.NoMovieError:
        raise InputError("file", f"{name}: no movie header", ACCEPTED,
                         message=f"file: {name} has no playable movie in it (its index is "
                                 "missing, as when a recording was cut off). Please send the "
                                 "video again.") from None
    except containers.ContainerError:
        raise _damaged_video(name) from None


def _content(upload: Upload) -> NewMedia | None:
    """The checked content of an upload (None: neither a file nor a link was sent)."""
    caption = check_caption(upload.caption)
    has_file = upload.data is not None and (upload.filename or upload.data)
    url = upload.url.strip()
    if has_file and url:
        raise InputError("url", safe_echo(url[:120]), "a file or a link, not both",
                         message="Please send either a file or a link, not both: the link "
                                 "was not stored.")
    if url:
        return NewMedia(kind="link", caption=caption, url=check_url(url))
    if not has_file or upload.data is None:
        return None
    name = safe_echo((upload.filename or "file")[-80:])
    data = upload.data
    check_file_size(len(data), data[:16], name)
    kind = kind_of(data[:16])
    if kind == "photo":
        clean, ctype, w, h = images.clean_photo(data, name=name, limit=MAX_PHOTO_BYTES)
        return NewMedia(kind="photo", caption=caption, content_type=ctype,
                        filename=_safe_filename(upload.filename, ctype), data=clean,
                        width=w, height=h)
    if kind == "video":
        ctype, clean = check_video(data, name)
        return NewMedia(kind="video", caption=caption, content_type=ctype,
                        filename=_safe_filename(upload.filename, ctype), data=clean)
    if data[4:8] == b"ftyp":  # HEIC/AVIF
        raise InputError("file", f"{name}: HEIC/AVIF photo", ACCEPTED,
                         message=f"file: {name} is a HEIC (or AVIF) photo, which not every "
                                 "browser shows. Please send it as JPEG (on an iPhone: Settings "
                                 "› Camera › Formats › Most Compatible, or share it by email).")
    raise InputError("file", f"{name}: not a photo or video we take", ACCEPTED,
                     message=f"file: {name} is not a photo or video we can show (its first "
                             f"bytes say so, whatever its name). Please choose {ACCEPTED}.")


_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "video/mp4": ".mp4",
               "video/webm": ".webm"}


def _safe_filename(given: str, content_type: str) -> str:
    """A plain ASCII name for ``Content-Disposition``: letters, digits, ``-`` and ``_``
    of the uploaded name's stem, and the extension of what is actually stored."""
    stem = given.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    clean = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in stem)
    clean = "-".join(p for p in clean.split("-") if p)[:60] or "exercise"
    return clean + _EXTENSIONS[content_type]


# --- changes -------------------------------------------------------------------------------


def _must_manage(account: Account) -> None:
    if not can_manage(account):
        raise ClientOnlyReadsError()


def _audit(uow: UnitOfWork, account: Account, action: str, item_id: int, exercise_id: str,
           kind: str) -> None:
    uow.accounts.audit(account_id=account.id, actor=account.email, action=action,
                       detail={"exercise": exercise_id, "media": item_id, "kind": kind})


def create(uow: UnitOfWork, *, account: Account, library: Library, exercise_id: str,
           upload: Upload, now: dt.datetime | None = None) -> StoredMedia:
    """Add a photo, video or link to one of the library's exercises, for this account's
    clients (or, self-coached, for themself)."""
    _must_manage(account)
    if exercise_id not in library.by_id:
        raise NotFoundError("exercise", exercise_id)
    repo = _repo(uow)
    if repo.count(account.id, exercise_id) >= MAX_PER_EXERCISE:
        raise InputError("file", f"{MAX_PER_EXERCISE} already", f"at most {MAX_PER_EXERCISE} "
                         "photos, videos and links per exercise",
                         message=f"This exercise has {MAX_PER_EXERCISE} of your photos, videos "
                                 "and links already, the most it takes. Replace or delete one "
                                 "first.")
    new = _content(upload)
    if new is None:
        raise InputError("file", "(nothing chosen)", ACCEPTED,
                         message=f"Please choose a file or give a link: {ACCEPTED}.")
    made = repo.add(account.id, exercise_id, new, now=now or dt.datetime.now(dt.UTC))
    _audit(uow, account, "media_added", made, exercise_id, new.kind)
    item = repo.get(made)
    assert item is not None
    return item


def update(uow: UnitOfWork, *, account: Account, exercise_id: str, media_id: int,
           upload: Upload, now: dt.datetime | None = None) -> StoredMedia:
    """Replace one of the account's own items with a new file or link (same id), or change
    only its caption when neither is sent."""
    _must_manage(account)
    item = get_or_raise(uow, account=account, exercise_id=exercise_id, media_id=media_id)
    repo = _repo(uow)
    now = now or dt.datetime.now(dt.UTC)
    new = _content(upload)
    if new is None:
        repo.set_caption(item.id, check_caption(upload.caption), now=now)
        _audit(uow, account, "media_caption", item.id, exercise_id, item.kind)
    else:
        repo.replace(item.id, new, now=now)
        _audit(uow, account, "media_replaced", item.id, exercise_id, new.kind)
    changed = repo.get(item.id)
    assert changed is not None
    return changed


def delete(uow: UnitOfWork, *, account: Account, exercise_id: str, media_id: int) -> None:
    """Delete one of the account's own items."""
    _must_manage(account)
    item = get_or_raise(uow, account=account, exercise_id=exercise_id, media_id=media_id)
    _repo(uow).delete(item.id)
    _audit(uow, account, "media_deleted", item.id, exercise_id, item.kind)
