"""Serving for real: the session secret (never a placeholder), /healthz and the request log."""

from __future__ import annotations

import dataclasses
import logging
import os
import stat
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi import FastAPI
from itsdangerous import TimestampSigner
from sqlalchemy import create_engine
from webtools import Web, WebClient

from anklet.domain.errors import DataFileError, InputError
from anklet.services.context import Context, open_context
from anklet.settings import Settings, get_settings
from anklet.web.app import SESSION_COOKIE, create_app
from anklet.web.ops import log_path
from anklet.web.secret import MIN_LENGTH, check_listen, is_loopback, resolve_secret

OLD_PLACEHOLDER = "development-only-secret-change-me"  # what signed sessions by default before


@pytest.fixture(autouse=True)
def _no_secret_in_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ANKLET_SECRET_KEY", raising=False)
    monkeypatch.delenv("ANKLET_ENVIRONMENT", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))


@pytest.fixture
def default_ctx(tmp_path: Path) -> Iterator[Context]:
    """A context with default settings (no secret given) on a SQLite file."""
    ctx = open_context(Settings(database_url=f"sqlite:///{tmp_path / 'anklet.db'}"))
    yield ctx
    ctx.engine.dispose()


def _resign(cookie: str, secret: str) -> str:
    """The same session contents as ``cookie``, signed with ``secret`` (a forgery)."""
    payload = cookie.rsplit(".", 2)[0]
    return TimestampSigner(secret).sign(payload.encode()).decode()


def test_a_cookie_signed_with_the_old_placeholder_is_refused_by_default_settings(
        default_ctx: Context, tmp_path: Path) -> None:
    web = Web(create_app(context=default_ctx), default_ctx)
    coach = web.account("coach", "coach@example.org", "Casey Coach")
    real = coach.cookies[SESSION_COOKIE]
    assert coach.get("/account").status_code == 200

    forged = web.browser()
    forged.cookies.set(SESSION_COOKIE, _resign(real, OLD_PLACEHOLDER))
    r = forged.get("/account")
    assert r.status_code == 303
    assert r.headers["location"].startswith("/sign-in")

    # the same contents signed with the secret kept beside the database do open it, so the
    # forgery above failed because of its signature alone
    secret = (tmp_path / "anklet.db.secret").read_text().strip()
    genuine = web.browser()
    genuine.cookies.set(SESSION_COOKIE, _resign(real, secret))
    assert genuine.get("/account").status_code == 200


def test_the_secret_file_is_created_owner_only_and_reused(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'anklet.db'}")
    first = resolve_secret(settings)
    path = tmp_path / "anklet.db.secret"
    assert first.source == "file"
    assert first.path == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first.value) >= MIN_LENGTH
    assert [p.name for p in tmp_path.iterdir()] == ["anklet.db.secret"]  # no temporary left
    again = resolve_secret(settings)
    assert again.value == first.value
    assert first.value not in repr(first)
    assert first.value not in first.describe()
    assert str(path) in first.describe()


def test_starting_many_at_once_makes_one_secret(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'anklet.db'}")
    barrier = threading.Barrier(8)

    def start() -> str:
        barrier.wait()
        return resolve_secret(settings).value

    with ThreadPoolExecutor(8) as pool:
        values = list(pool.map(lambda _: start(), range(8)))
    assert len(set(values)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["anklet.db.secret"]


def test_each_sqlite_database_gets_its_own_secret(tmp_path: Path) -> None:
    a = resolve_secret(Settings(database_url=f"sqlite:///{tmp_path / 'a.db'}"))
    b = resolve_secret(Settings(database_url=f"sqlite:///{tmp_path / 'b.db'}"))
    assert a.value != b.value


def test_sessions_survive_a_restart_with_the_file_secret(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'anklet.db'}"
    ctx = open_context(Settings(database_url=url))
    try:
        coach = Web(create_app(context=ctx), ctx).account("coach", "c@example.org", "C")
        cookie = coach.cookies[SESSION_COOKIE]
        restarted = Web(create_app(Settings(database_url=url), context=ctx), ctx).browser()
        restarted.cookies.set(SESSION_COOKIE, cookie)
        assert restarted.get("/account").status_code == 200
    finally:
        ctx.engine.dispose()


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_a_secret_file_others_can_read_is_refused(tmp_path: Path, mode: int) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'anklet.db'}")
    resolve_secret(settings)
    path = tmp_path / "anklet.db.secret"
    path.chmod(mode)
    with pytest.raises(DataFileError) as e:
        resolve_secret(settings)
    assert str(path) in str(e.value)
    assert "0600" in str(e.value)
    assert f"{mode:04o}" in str(e.value)


def test_a_secret_file_too_short_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "anklet.db.secret"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, b"x" * (MIN_LENGTH - 1))
    os.close(fd)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'anklet.db'}")
    with pytest.raises(DataFileError, match=f"{MIN_LENGTH - 1} characters.*at least "
                                            f"{MIN_LENGTH}"):
        resolve_secret(settings)
    path.write_text("x" * MIN_LENGTH)
    assert resolve_secret(settings).value == "x" * MIN_LENGTH


def test_an_explicit_secret_is_used_and_checked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'anklet.db'}"
    given = "k" * MIN_LENGTH
    secret = resolve_secret(Settings(database_url=url, secret_key=given))
    assert (secret.value, secret.source) == (given, "environment")
    assert "ANKLET_SECRET_KEY" in secret.describe()
    assert given not in secret.describe()
    assert not (tmp_path / "anklet.db.secret").exists()
    with pytest.raises(DataFileError, match=r"ANKLET_SECRET_KEY.*at least 32"):
        resolve_secret(Settings(database_url=url, secret_key="k" * (MIN_LENGTH - 1)))
    with pytest.raises(DataFileError, match="published"):
        resolve_secret(Settings(database_url=url, secret_key=OLD_PLACEHOLDER))


def test_outside_development_an_explicit_secret_is_required(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'anklet.db'}"
    with pytest.raises(DataFileError, match="ANKLET_SECRET_KEY"):
        create_app(Settings(database_url=url, environment="production"))
    assert not (tmp_path / "anklet.db.secret").exists()
    assert resolve_secret(Settings(database_url=url, environment="production",
                                   secret_key="p" * 40)).source == "environment"


def test_a_database_in_memory_gets_a_secret_for_the_run_only() -> None:
    a = resolve_secret(Settings(database_url="sqlite://"))
    b = resolve_secret(Settings(database_url="sqlite:///:memory:"))
    assert a.source == b.source == "memory"
    assert a.path is None
    assert a.value != b.value
    assert len(a.value) >= MIN_LENGTH


def test_postgresql_keeps_its_secret_in_the_user_data_folder(tmp_path: Path) -> None:
    url = "postgresql+psycopg://coach:pw@db.example:5432/anklet"
    secret = resolve_secret(Settings(database_url=url))
    assert secret.path is not None
    assert secret.path.parent == tmp_path / "data-home" / "anklet"
    assert stat.S_IMODE(secret.path.stat().st_mode) == 0o600
    assert resolve_secret(Settings(database_url=url)).value == secret.value
    other = resolve_secret(Settings(database_url=url.replace("/anklet", "/other")))
    assert other.value != secret.value


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.1.1", "localhost", "::1", "[::1]",
                                  "LOCALHOST"])
def test_listening_on_loopback_needs_no_explicit_secret(host: str) -> None:
    assert is_loopback(host)
    check_listen(host, Settings())


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org", "",
                                  "128.0.0.1"])
def test_listening_beyond_loopback_needs_an_explicit_secret(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(InputError, match="ANKLET_SECRET_KEY") as e:
        check_listen(host, Settings())
    assert e.value.field == "--host"
    check_listen(host, Settings(secret_key="s" * MIN_LENGTH))


def test_trusted_proxies_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANKLET_TRUSTED_PROXIES", " 10.0.0.1, 172.16.0.0/12 ,::1")
    assert get_settings().trusted_proxies == "10.0.0.1,172.16.0.0/12,::1"
    monkeypatch.setenv("ANKLET_TRUSTED_PROXIES", "10.0.0.1,proxy.local")
    with pytest.raises(InputError, match=r"ANKLET_TRUSTED_PROXIES.*proxy\.local"):
        get_settings()
    monkeypatch.delenv("ANKLET_TRUSTED_PROXIES")
    assert get_settings().trusted_proxies == ""


def test_healthz_answers_ok_without_sign_in(web: Web) -> None:
    r = web.browser().get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}
    assert r.headers["cache-control"] == "no-store"


def test_healthz_answers_503_when_the_database_is_unreachable(app: FastAPI, web_ctx: Context,
                                                              tmp_path: Path) -> None:
    if web_ctx.engine.url.get_backend_name() == "sqlite":
        broken = create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}")
    else:  # nothing listens on port 1
        broken = create_engine("postgresql+psycopg://nobody:pw@127.0.0.1:1/none",
                               connect_args={"connect_timeout": 5})
    app.state.ctx = dataclasses.replace(web_ctx, engine=broken)
    try:
        r = WebClient(app).get("/healthz")
    finally:
        app.state.ctx = web_ctx
        broken.dispose()
    assert r.status_code == 503
    assert r.json() == {"status": "unavailable", "database": "unavailable"}
    assert "no-such-folder" not in r.text
    assert "127.0.0.1" not in r.text


def test_the_request_log_has_method_path_status_and_time_but_no_query(
        web: Web, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="anklet.access"):
        web.browser().get("/sign-in?next=/people/sam&email=someone@example.org")
        web.browser().get("/calendar/SECRETFEEDTOKEN.ics")
    lines = [r.getMessage() for r in caplog.records if r.name == "anklet.access"]
    assert len(lines) == 2, lines
    method, path, status, ms, unit = lines[0].split()
    assert (method, path, status, unit) == ("GET", "/sign-in", "200", "ms")
    assert float(ms) >= 0
    assert "SECRETFEEDTOKEN" not in lines[1]
    assert "/calendar/(hidden).ics" in lines[1]


def test_the_request_log_writes_control_characters_escaped() -> None:
    scope = {"type": "http", "path": "/a\nb", "raw_path": b"/a\nb\x1b[31m?q=1"}
    assert log_path(scope) == "/a\\x0ab\\x1b[31m"
