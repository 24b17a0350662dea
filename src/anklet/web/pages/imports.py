"""Adding files from the web: watch files, exports and calendars, with a report per file.

``/people/{key}/imports`` takes what ``anklet import`` takes — FIT, GPX and TCX activity
files, FIT workouts and ICS calendars, each maybe gzipped (``.gz``), and zip archives of
them (a Strava bulk export, a Garmin export with zips inside) — through the same service
(:func:`anklet.services.activities.create`), and shows the same report: each file imported,
a duplicate, skipped or refused, with why in plain words. A refused file stores nothing;
the others are kept.

Who: the person themself (a client or self-coached person) and their coach; anyone else
gets 404, as for a missing person. Limits, named in the error when broken: at most
:data:`MAX_FILES` files in one upload and :data:`MAX_UPLOAD_BYTES` in all; a body over that
is refused from its ``Content-Length`` before any of it is read (413), and every file is
then held to the importer's own limits (:class:`anklet.importers.base.Limits`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from anklet.domain.errors import FileImportError
from anklet.importers import DEFAULT_LIMITS, ImportOptions, Source, read_bytes
from anklet.importers.bundle import is_zip, read_zip
from anklet.services import accounts as account_service
from anklet.services import activities, evaluation
from anklet.services.context import Context
from anklet.store.accounts import Account
from anklet.store.uow import UnitOfWork
from anklet.web.deps import Ctx, PageAccount, Uow, check_csrf, close_form
from anklet.web.templating import render

MiB = 1024 * 1024
MAX_FILES = 50
"""Files chosen in one upload (a zip counts as one, whatever it holds)."""
MAX_UPLOAD_BYTES = 256 * MiB
"""All files of one upload together: a year of runs as a Strava or Garmin export fits; a
bigger export can be sent in parts (files already stored are reported as duplicates)."""
BODY_SLACK = 256 * 1024
"""The form's other fields and the multipart framing."""
ACCEPT = ".fit,.gpx,.tcx,.ics,.gz,.zip"


def _mb(n: int) -> str:
    return f"{n / MiB:.0f} MB"


async def limit_body(request: Request) -> None:
    """Refuse an upload that is too large from its length alone, before anything reads it."""
    if request.method != "POST":
        return
    length = request.headers.get("content-length", "")
    if not length.isdigit():
        if request.headers.get("transfer-encoding"):
            raise HTTPException(411, "Please send the files from the page's form (the upload "
                                     "must say how large it is). Nothing was stored.")
        return
    if int(length) > MAX_UPLOAD_BYTES + BODY_SLACK:
        raise HTTPException(413, f"That upload is {_mb(int(length))}; up to "
                                 f"{_mb(MAX_UPLOAD_BYTES)} can be sent at once. Go back and "
                                 f"send fewer files, or a big export in parts. Nothing was "
                                 f"stored.")



router = APIRouter(dependencies=[Depends(close_form), Depends(limit_body), Depends(check_csrf)],
                   include_in_schema=False)


_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def page_words(text: str) -> str:
    """The importer's report line as a page says it: its dates as "Sat 15 Aug 2015" (the
    command line's report keeps YYYY-MM-DD)."""
    def day(m: re.Match[str]) -> str:
        try:
            return f"{dt.date(int(m[1]), int(m[2]), int(m[3])):%a %-d %b %Y}"
        except ValueError:
            return m[0]
    return _ISO_DAY.sub(day, text)


def _page(request: Request, account: Account, key: str, name: str, *,
          reports: list[activities.FileReport] | None = None, error: str | None = None,
          status_code: int = 200) -> Response:
    own = account.role != "coach"
    counts = ({s: sum(r.status == s for r in reports) for s in activities.STATUSES}
              if reports is not None else None)
    return render(request, "onboarding/imports.html", account=account, key=key, who=name,
                  own=own, back="/me" if own else f"/people/{key}", reports=reports,
                  counts=counts, error=error, status_code=status_code, accept=ACCEPT,
                  max_files=MAX_FILES, max_mb=MAX_UPLOAD_BYTES // MiB, words=page_words,
                  file_mb=DEFAULT_LIMITS.file_bytes // MiB)


@router.get("/me/imports")
def my_imports(account: PageAccount) -> Response:
    if account.role == "coach" or account.person_key is None:
        return RedirectResponse("/me" if account.role != "coach" else "/coach", 303)
    return RedirectResponse(f"/people/{account.person_key}/imports", 303)


@router.get("/people/{key}/imports")
def imports_page(request: Request, key: str, account: PageAccount, uow: Uow) -> Response:
    h = account_service.person_for(uow, account, key)
    return _page(request, account, key, h.person.name)


def _sources(upload: UploadFile) -> Iterator[Source]:
    """One uploaded file as the importer's sources: its members when a zip (read from the
    temporary file, never whole), else itself (unpacked when gzip), within the limits."""
    name = upload.filename or "file"
    f = upload.file
    f.seek(0)
    head = f.read(4)
    f.seek(0)
    if is_zip(head):
        yield from read_zip(f, name, DEFAULT_LIMITS)
        return
    size = upload.size
    limit = DEFAULT_LIMITS.file_bytes
    if size is not None and size > limit:
        yield Source(name, error=FileImportError(
            name, f"it is {_mb(size)}; files over {_mb(limit)} are not imported"))
        return
    yield from read_bytes(f.read(limit + 1), name, DEFAULT_LIMITS)


def _import(uow: UnitOfWork, ctx: Context, key: str,
            uploads: list[UploadFile]) -> list[activities.FileReport]:
    """Every file through the importer (each file stored whole or not at all), then the
    person decided again: new runs change the week's plan."""
    def sources() -> Iterator[Source]:
        for upload in uploads:
            yield from _sources(upload)

    reports = activities.create(uow, key=key, sources=sources(), options=ImportOptions())
    if any(r.status == "imported" for r in reports):
        evaluation.refresh(uow, key=key, protocol=ctx.protocol, library=ctx.library)
        uow.commit()
    return reports


@router.post("/people/{key}/imports")
async def import_files(request: Request, key: str, account: PageAccount, uow: Uow,
                       ctx: Ctx) -> Response:
    h = account_service.person_for(uow, account, key)
    form = await request.form()  # read once, by the CSRF check (at most 1000 parts)
    uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile) and u.filename]
    error = None
    if not uploads:
        error = ("Choose at least one file to add: FIT, GPX, TCX or ICS, a .gz of one, or a "
                 "zip of them.")
    elif len(uploads) > MAX_FILES:
        error = (f"That is {len(uploads)} files; up to {MAX_FILES} can be sent at once (a zip "
                 f"counts as one). Nothing was stored: choose fewer, or zip them.")
    if error is not None:
        return _page(request, account, key, h.person.name, error=error, status_code=422)
    reports = await run_in_threadpool(_import, uow, ctx, key, uploads)
    return _page(request, account, key, h.person.name, reports=reports)
