"""Security headers on every answer the web app gives: pages, the API, static files, errors.

:class:`SecurityHeaders` is a small pure-ASGI middleware, the outermost one of the app (so
the API's early 413 and the error pages get the headers too). What it sets, and why:

* ``Content-Security-Policy``: everything from this server only. Scripts come only from
  files under ``/static`` (no inline script, no ``eval``: the pages carry none, and htmx's
  ``allowEval`` is off through its ``<meta name="htmx-config">``). Styles come from files
  under ``/static`` too; the one inline ``<style>`` block (the printable plan, which the PDF
  renderer reads without fetching anything) carries the answer's nonce. No page uses a
  ``style=`` attribute, so ``'unsafe-inline'`` is not needed for styles either (scripts may
  still set ``element.style``, which CSP allows). Images may be ``data:`` URLs: the photo
  page shows the uploaded picture that way, since the photo is never stored. Nothing may
  frame a page (``frame-ancestors 'none'``), plugins are off, forms post only here. The web
  app manifest and the service worker (``/sw.js``) come from here too (``manifest-src``,
  ``worker-src``).
* ``X-Frame-Options: DENY`` for browsers that predate ``frame-ancestors``;
  ``X-Content-Type-Options: nosniff``; ``Referrer-Policy: same-origin`` (a link to another
  site never carries a person's id in the address); ``Permissions-Policy`` turning off the
  browser features no page uses (the photo page takes a file from the file picker, which
  may open the camera app: that needs no ``camera`` permission);
  ``Cross-Origin-Opener-Policy: same-origin``.
* ``Strict-Transport-Security`` only when ``ANKLET_SECURE_COOKIES`` is on (the app is then
  served over HTTPS; over plain HTTP on a laptop it would be wrong).
* ``Cache-Control``: every page and API answer carries a person's health data or a secret
  (a new API token, a calendar address, a one-time password), so none is kept by the
  browser or a proxy: ``no-store``. Static files are ``no-cache``: kept, but checked again
  (ETag / Last-Modified, usually a 304) so an upgrade's CSS and JavaScript are seen at once.
  A route that sets its own ``Cache-Control`` keeps it.

The nonce is made per request and handed to the templates as ``request.state.csp_nonce``.
"""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["NONCE_KEY", "SecurityHeaders", "content_security_policy"]

NONCE_KEY = "csp_nonce"
"""Where the request's nonce is kept in ``scope["state"]`` (``request.state.csp_nonce``)."""

STATIC_PREFIX = "/static/"

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
    "magnetometer", "microphone", "midi", "payment", "usb", "serial", "hid",
    "publickey-credentials-get", "screen-wake-lock", "xr-spatial-tracking"))

HSTS = "max-age=31536000"
"""A year; no ``includeSubDomains``: other sites under the same domain are not ours to bind."""


def content_security_policy(nonce: str) -> str:
    """The policy of every answer; ``nonce`` admits the inline ``<style>`` that carries it."""
    return "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        f"style-src 'self' 'nonce-{nonce}'",
        "img-src 'self' data:",
        "manifest-src 'self'",  # the web app manifest (installable on a phone)
        "worker-src 'self'",  # the service worker, /sw.js (works offline)
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


class SecurityHeaders:
    """Adds the headers above to every HTTP answer (a header the answer already has is kept)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    def headers(self, path: str, nonce: str) -> dict[str, str]:
        h = {
            "Content-Security-Policy": content_security_policy(nonce),
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin",
            "Permissions-Policy": PERMISSIONS_POLICY,
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cache-Control": "no-cache" if path.startswith(STATIC_PREFIX) else "no-store",
        }
        if self.hsts:
            h["Strict-Transport-Security"] = HSTS
        return h

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})[NONCE_KEY] = nonce
        extra = self.headers(scope["path"], nonce)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
