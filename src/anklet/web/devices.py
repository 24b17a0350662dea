"""The known-device cookie: which accounts have signed in on this browser before.

A successful sign-in sets a long-lived cookie, signed with the app's secret key, that holds a
random device id and the ids of the (at most ``MAX_ACCOUNTS``) accounts signed in on it. A
sign-in from a known device is slowed only by that device's own failures, never by failures
elsewhere (see :mod:`anklet.services.accounts`): an attacker cannot keep the owner out. The
cookie opens nothing by itself; the password is always asked for. A cookie that was tampered
with, or signed with another key, is simply not believed.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeSerializer

from anklet.services.accounts import Device

COOKIE = "anklet_device"
DAYS = 400  # about the longest a browser keeps a cookie (Chrome caps expiry at 400 days)
MAX_ACCOUNTS = 5


def _serializer(request: Request) -> URLSafeSerializer | None:
    """Signs with the session cookie's secret (``app.state.secret``, see anklet.web.secret)."""
    secret = getattr(request.app.state, "secret", None)
    key = getattr(secret, "value", "") or getattr(request.app.state.settings, "secret_key", "")
    return URLSafeSerializer(key, salt="anklet.known-device") if key else None


def known_device(request: Request) -> Device | None:
    """This browser's device, if its cookie is present and genuine."""
    raw = request.cookies.get(COOKIE)
    serializer = _serializer(request)
    if not raw or serializer is None or len(raw) > 1000:
        return None
    try:
        data: Any = serializer.loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    device_id, accounts = data.get("d"), data.get("a")
    if not isinstance(device_id, str) or not isinstance(accounts, list) or not all(
            isinstance(a, int) for a in accounts):
        return None
    return Device(device_id[:40], tuple(accounts[-MAX_ACCOUNTS:]))


def remember_device(request: Request, response: Response, device: Device | None,
                    account_id: int) -> None:
    """After a good sign-in: add the account to this browser's device cookie (made if new)."""
    serializer = _serializer(request)
    if serializer is None:
        return
    device_id = device.id if device else secrets.token_urlsafe(16)
    accounts = [a for a in (device.accounts if device else ()) if a != account_id]
    accounts = [*accounts, account_id][-MAX_ACCOUNTS:]
    response.set_cookie(COOKIE, serializer.dumps({"d": device_id, "a": accounts}),
                        max_age=DAYS * 86400, path="/", httponly=True, samesite="lax",
                        secure=bool(getattr(request.app.state.settings, "secure_cookies",
                                            False)))
