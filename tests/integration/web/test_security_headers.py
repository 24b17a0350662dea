"""Security headers on every answer (web/security.py), no caching of private answers, no
inline script in any page, and error pages that do not show the server's paths.

Pages, the API, static files, error pages and 404s all carry the Content-Security-Policy
(scripts only from files served here), nosniff, the frame and referrer rules and the
permissions policy; HSTS only when cookies are marked secure (HTTPS). Pages and the API say
``no-store``; static files are revalidated (``no-cache``). A database or set-up failure
answers without the database's path or URL (the server's log has it).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from webtools import Web, WebClient

from anklet.domain.errors import DataFileError
from anklet.services.context import Context
from anklet.store.errors import StoreError
from anklet.web.app import create_app
from anklet.web.templating import TEMPLATES_DIR

SAME_ON_EVERY_ANSWER = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


def _directives(csp: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in csp.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def _assert_secured(r: object, cache: str = "no-store") -> dict[str, list[str]]:
    headers = r.headers  # type: ignore[attr-defined]
    for name, value in SAME_ON_EVERY_ANSWER.items():
        assert headers.get(name) == value, (name, r)
    assert "camera=()" in headers["permissions-policy"]
    assert "geolocation=()" in headers["permissions-policy"]
    assert headers["cache-control"] == cache
    assert "strict-transport-security" not in headers  # plain HTTP: no HSTS
    csp = _directives(headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no nonce
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in csp["style-src"]
    return csp


def test_a_page_carries_the_security_headers_and_no_store(web: Web) -> None:
    r = web.browser().get("/sign-in")
    assert r.status_code == 200
    _assert_secured(r)


def test_an_api_answer_carries_the_security_headers_and_no_store(web: Web,
                                                                 coach: WebClient) -> None:
    r = web.browser().get("/api/v1/openapi.json")
    assert r.status_code == 200
    _assert_secured(r)
    r = web.browser().get("/api/v1/people")
    assert r.status_code == 401
    _assert_secured(r)


def test_a_static_file_is_revalidated_rather_than_not_kept(web: Web) -> None:
    r = web.browser().get("/static/anklet.css")
    assert r.status_code == 200
    _assert_secured(r, cache="no-cache")
    assert r.headers["etag"]  # what the browser revalidates with
    again = web.browser().get("/static/anklet.css", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


def test_error_pages_and_404s_carry_the_security_headers(web: Web, coach: WebClient) -> None:
    _assert_secured(web.browser().get("/no-such-page"))
    _assert_secured(coach.get("/people/nobody-here"))  # the app's own 404 page
    _assert_secured(web.browser().get("/api/v1/no-such-thing"))
    _assert_secured(web.browser().get("/static/no-such-file.css"), cache="no-cache")
    r = coach.post("/api/v1/evaluate", content=b"{", headers={"Content-Type": "application/json"})
    assert r.status_code >= 400
    _assert_secured(r)


def test_a_route_that_sets_its_own_cache_control_keeps_it(coach: WebClient, web: Web) -> None:
    key = web.add_client("coach@example.org", "Pat Print")
    r = coach.get(f"/people/{key}/plan/print")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "private, no-store"


def test_hsts_only_when_cookies_are_marked_secure(web_ctx: Context) -> None:
    from fastapi.testclient import TestClient

    secure = create_app(web_ctx.settings.model_copy(update={"secure_cookies": True}),
                        context=web_ctx)
    r = TestClient(secure, base_url="https://testserver").get("/sign-in")
    assert r.headers["strict-transport-security"] == "max-age=31536000"
    r = TestClient(secure, base_url="https://testserver").get("/static/anklet.css")
    assert r.headers["strict-transport-security"] == "max-age=31536000"


def test_the_print_page_style_carries_this_answers_nonce(coach: WebClient, web: Web) -> None:
    key = web.add_client("coach@example.org", "Nora Nonce")
    first, second = (coach.get(f"/people/{key}/plan/print") for _ in range(2))
    nonces = []
    for r in (first, second):
        csp = _assert_secured(r, cache="private, no-store")
        nonce = next(v for v in csp["style-src"] if v.startswith("'nonce-"))[7:-1]
        assert f'<style nonce="{nonce}">' in r.text
        nonces.append(nonce)
    assert nonces[0] != nonces[1]  # a fresh one every time


# --- no inline script anywhere ------------------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
                           re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)


def _inline_code(html: str) -> list[str]:
    return [m.group() for p in (INLINE_SCRIPT, EVENT_ATTRIBUTE, STYLE_ATTRIBUTE)
            for m in p.finditer(html)]


def test_no_template_has_an_inline_script_an_event_attribute_or_a_style_attribute() -> None:
    found = {str(t.relative_to(TEMPLATES_DIR)): _inline_code(t.read_text())
             for t in TEMPLATES_DIR.rglob("*.html")}
    assert {k: v for k, v in found.items() if v} == {}
    assert len(found) > 20


def test_the_main_pages_of_a_coach_and_a_client_have_no_inline_code(
        coach: WebClient, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    pages = {coach: ["/coach", f"/people/{key}", f"/people/{key}/assess", f"/people/{key}/photo",
                     f"/people/{key}/calendar", f"/people/{key}/plan/print", "/account"],
             client_of_coach: ["/me", "/me/plan", "/me/progress", "/me/check-in",
                               f"/people/{key}/log", "/account"]}
    for browser, urls in pages.items():
        for url in urls:
            r = browser.get(url, follow_redirects=True)  # /me/plan asks for the screen first
            assert r.status_code == 200, url
            assert _inline_code(r.text) == [], url
            _assert_secured(r, cache=r.headers["cache-control"])


def test_htmx_is_told_to_add_no_style_and_evaluate_nothing(coach: WebClient) -> None:
    page = coach.get("/coach").text
    assert ("<meta name=\"htmx-config\" content='{\"includeIndicatorStyles\": false, "
            "\"allowEval\": false}'>") in page
    css = coach.get("/static/anklet.css").text
    assert ".htmx-indicator { opacity: 0; }" in css  # what htmx's own <style> did


def test_the_api_docs_page_starts_swagger_from_a_file(web: Web) -> None:
    r = web.browser().get("/api/docs")
    assert r.status_code == 200
    _assert_secured(r)
    assert _inline_code(r.text) == []
    assert '<script src="/static/swagger-init.js"></script>' in r.text


# --- error pages without the server's paths -----------------------------------------------

SECRET_PATH = "/srv/private/anklet/anklet.db"


def _failing_routes(app: FastAPI) -> None:
    def store() -> None:
        raise StoreError(f"The database at sqlite:///{SECRET_PATH} cannot be used: disk I/O")

    def data_file() -> None:
        raise DataFileError(f"{SECRET_PATH}.protocol.yaml", 12, "not a number")

    for prefix in ("/test-failing", "/api/v1/test-failing"):
        app.add_api_route(f"{prefix}/store", store)
        app.add_api_route(f"{prefix}/data-file", data_file)


@pytest.mark.parametrize(("what", "code", "title"), [
    ("store", 503, "The database is not available"), ("data-file", 500, "Set-up problem")])
def test_a_server_side_failure_answers_without_the_path_and_logs_it(
        app: FastAPI, web: Web, caplog: pytest.LogCaptureFixture, what: str, code: int,
        title: str) -> None:
    _failing_routes(app)
    caplog.set_level(logging.ERROR, logger="anklet.web")
    page = web.browser().get(f"/test-failing/{what}")
    assert page.status_code == code
    assert title in page.text
    assert "the person who runs this server" in page.text
    assert "anklet.db" not in page.text
    assert "/srv" not in page.text
    _assert_secured(page)
    api = web.browser().get(f"/api/v1/test-failing/{what}")
    assert api.status_code == code
    assert "/srv" not in api.text
    assert set(api.json()) == {"error", "message"}
    assert "the person who runs this server" in api.json()["message"]
    logged = [r.getMessage() for r in caplog.records if r.name == "anklet.web"]
    assert len(logged) == 2
    assert all(SECRET_PATH in m for m in logged)  # the operator still learns where


@pytest.mark.parametrize("broken", ["a folder", "not a database"])
def test_a_database_that_cannot_be_opened_answers_503_without_its_path(
        web_ctx: Context, web: Web, caplog: pytest.LogCaptureFixture, db_url: str,
        broken: str) -> None:
    if not db_url.startswith("sqlite:///"):
        pytest.skip("breaks a SQLite file")
    coach = web.account("coach", "coach@example.org", "Casey Coach")
    path = Path(db_url.removeprefix("sqlite:///"))
    web_ctx.engine.dispose()
    for f in path.parent.glob(path.name + "*"):  # the file, its -wal and -shm
        f.unlink()
    if broken == "a folder":
        path.mkdir()  # where the file was, a folder: SQLite cannot open it
    else:  # overwritten with something else: SQLite's "file is not a database"
        path.write_bytes(b"these bytes are not a SQLite database " * 200)
    caplog.set_level(logging.ERROR, logger="anklet.web")
    for url in ("/coach", "/api/v1/people"):
        r = coach.get(url, headers={"Authorization": "Bearer ank_a-token-the-store-must-look-up"})
        assert r.status_code == 503, (url, r.text)
        assert str(path) not in r.text
        assert path.name not in r.text
        _assert_secured(r)
    assert any(str(path) in r.getMessage() for r in caplog.records)


def test_an_unexpected_exception_answers_the_error_page_with_the_headers_and_logs_it(
        app: FastAPI, web: Web, coach: WebClient, caplog: pytest.LogCaptureFixture) -> None:
    """A bug in a route (an exception no handler knows) answers like every other error:
    the friendly page or the API's JSON, with the security headers, never a traceback; the
    traceback goes to the server's log."""
    def broken() -> None:
        raise ZeroDivisionError(f"a bug near {SECRET_PATH}")

    for prefix in ("/test-failing", "/api/v1/test-failing"):
        app.add_api_route(f"{prefix}/bug", broken)
    caplog.set_level(logging.ERROR, logger="anklet.web")
    page = coach.get("/test-failing/bug")
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in page.text
    assert "not anything you did" in page.text
    assert 'href="/coach"' in page.text  # the signed-in navigation, as on any page
    for secret in ("ZeroDivisionError", "Traceback", "/srv"):
        assert secret not in page.text
    _assert_secured(page)
    api = web.browser().get("/api/v1/test-failing/bug")
    assert api.status_code == 500
    assert api.json() == {"error": "ServerError", "message": api.json()["message"]}
    assert "/srv" not in api.text
    _assert_secured(api)
    logged = [r for r in caplog.records if r.name == "anklet.web" and r.exc_info]
    assert len(logged) == 2
    assert all(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in logged)
