"""Anklet on a phone without a connection (issue #18, item 4): the service worker, the
offline queue's questions to the server, and sending a session exactly once.

* ``/sw.js`` — the service worker (``static/sw.js`` with its version and the list of static
  files filled in). Served from the root, so its scope covers every page; ``no-cache``, so
  the browser checks it on each visit and a new deploy (another version: a hash of the
  static files) replaces the old caches.
* ``/offline/state`` — for the offline queue (``static/outbox.js``), before it sends what
  was saved on the phone: who is signed in here (an opaque tag of the account, never the
  email) and this session's CSRF token; ``signed_in: false`` when nobody is (the queue then
  waits and says "sign in to send").
* A session sent with an ``Idempotency-Key`` header or an ``idempotency_key`` form field is
  stored once: :func:`once_from` reads the key and makes the fingerprint of what was sent;
  the log form's route (:func:`anklet.web.pages.me.log_session`) hands both to
  :func:`anklet.services.records.create_session`. A queue asks for JSON
  (``Accept: application/json``) and gets it: 201 logged, 200 already logged, 422 with
  the reasons, 409 for the same key with another session, 404 for a person not theirs.

The manifest is a static file (``static/manifest.webmanifest``), linked from every page.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

import anklet
from anklet.domain.errors import InputError
from anklet.domain.text import safe_echo
from anklet.services.records import Logged, Once
from anklet.store.session_keys import KEY_MAX
from anklet.web.deps import MaybeAccount, csrf_token
from anklet.web.templating import STATIC_DIR, account_tag

__all__ = ["KEY_FIELD", "once_from", "router", "wants_json"]

router = APIRouter(include_in_schema=False)

KEY_HEADER = "Idempotency-Key"
KEY_FIELD = "idempotency_key"
_KEY = re.compile(rf"[A-Za-z0-9_-]{{8,{KEY_MAX}}}")
KEY_ACCEPTED = f"8 to {KEY_MAX} letters, digits, '-' or '_' (a UUID, say)"

_PRECACHE_SKIP = {"sw.js", "htmx-LICENSE.txt", "swagger-init.js"}


@functools.cache
def _worker() -> tuple[str, str]:
    """The worker's source with its version and precache list, and the version (a hash of
    the package version and every static file: a deploy that changes one changes it)."""
    files = sorted(p for p in STATIC_DIR.iterdir()
                   if p.is_file() and p.name not in _PRECACHE_SKIP)
    digest = hashlib.sha256(anklet.__version__.encode())
    for p in [*files, STATIC_DIR / "sw.js"]:
        digest.update(p.name.encode())
        digest.update(p.read_bytes())
    version = f"{anklet.__version__}-{digest.hexdigest()[:12]}"
    source = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    source = source.replace('"__VERSION__"', json.dumps(version)).replace(
        '["__PRECACHE__"]', json.dumps([f"/static/{p.name}" for p in files]))
    return source, version


@router.get("/sw.js")
def service_worker() -> Response:
    source, _ = _worker()
    return Response(source, media_type="text/javascript",
                    headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})


@router.get("/offline/state")
def offline_state(request: Request, account: MaybeAccount) -> Response:
    """Who is signed in on this browser (a tag) and the CSRF token to send with."""
    if account is None or account.must_change_password:  # an answer, not an error: 200
        return JSONResponse({"signed_in": False,
                             "message": "Sign in to send what is saved on this phone."})
    return JSONResponse({"signed_in": True, "account": account_tag(request, account),
                         "csrf": csrf_token(request)})


def wants_json(request: Request) -> bool:
    """The offline queue asks for JSON; a form posted by the page itself gets pages."""
    return "application/json" in request.headers.get("accept", "")


def once_from(request: Request, values: dict[str, str]) -> Once | None:
    """The idempotency key the session came with (header or form field; taken out of
    ``values``) and the fingerprint of the rest of the form; None without a key.
    InputError, naming the field, for a key that is not one (only a hand-made form or
    client sends one: the pages make UUIDs)."""
    field = values.pop(KEY_FIELD, "").strip()
    header = request.headers.get(KEY_HEADER, "").strip()
    key = header or field
    if not key:
        return None
    if header and field and header != field:
        raise InputError(KEY_FIELD, field, "the same key as the header", message=(
            f"The {KEY_HEADER} header and the {KEY_FIELD} field differ "
            f"(“{safe_echo(header[:70])}”, “{safe_echo(field[:70])}”): send one key."))
    if not _KEY.fullmatch(key):
        raise InputError(KEY_FIELD, key, KEY_ACCEPTED, message=(
            f"{KEY_HEADER} “{safe_echo(key[:70])}” is not a key: use {KEY_ACCEPTED}."))
    body = json.dumps(sorted(values.items()), ensure_ascii=True)
    return Once(key, hashlib.sha256(body.encode()).hexdigest())


def logged_answer(logged: Logged, *, next_url: str, message: str) -> Response:
    """What the queue is told when the session is stored (201) or was already (200)."""
    data: dict[str, Any] = {
        "status": "repeat" if logged.repeat else "logged", "id": logged.session_id,
        "date": logged.date.isoformat() if logged.date else None, "next": next_url,
        "message": ("This session had already reached Anklet; it is logged once."
                    if logged.repeat else message)}
    return JSONResponse(data, 200 if logged.repeat else 201)


def refused_answer(status: int, message: str, errors: dict[str, str] | None = None
                   ) -> Response:
    """What the queue is told when the server does not take the session (nothing stored)."""
    return JSONResponse({"status": "refused", "message": message, "errors": errors or {}},
                        status)
