"""Browser tests: the real app under uvicorn, driven by Playwright in Debian's Chromium.

The server runs in a thread of the test process on a free loopback port, on a fresh SQLite
file (each test module gets its own). No browser is downloaded: Playwright launches
``/usr/bin/chromium`` (Debian's package); the tests are skipped, with the reason, where it
is missing. Screenshots of the key pages are saved under ``tests/e2e/artifacts/`` (ignored
by git) — look at them after a run; a failing test leaves ``FAILED-<test>-<n>.png`` of every
page it had open.

Fixtures:

* ``server`` — the base URL (a ``str``) with ``.ctx``, the app's own context, so a test can
  set up what it needs through the services (:func:`make_coach`, :func:`make_client`) when
  the way there is not what it tests.
* ``browser`` — Chromium.
* ``pages`` — opens pages in fresh browser contexts (one signed-in browser each):
  ``pages.desktop()`` and ``pages.phone()`` (390×844, touch, mobile). Every page waits at
  most 90 s for anything (generous: the suite must pass on a busy machine; no test uses a
  short fixed timeout). When the test ends, every request any of its pages made must have
  gone to the server (nothing fetched from the network), no script may have thrown, no
  stylesheet, script or image may have failed to load, and nothing may have broken the
  Content-Security-Policy (web/security.py).
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsertools import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    Pages,
    Server,
    free_port,
    shot,
)

from anklet.services.context import open_context
from anklet.settings import Settings
from anklet.web.app import create_app


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on a fresh SQLite database, served by uvicorn; yields its base URL."""
    import uvicorn

    db = tmp_path_factory.mktemp("e2e") / "anklet.db"
    ctx = open_context(Settings(database_url=f"sqlite:///{db}"))
    port = free_port()
    config = uvicorn.Config(create_app(context=ctx), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + TIMEOUT_MS / 1000  # a busy machine starts it slowly
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    base = Server(f"http://127.0.0.1:{port}")
    base.ctx = ctx
    yield base
    srv.should_exit = True
    thread.join(10)
    ctx.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="session", autouse=True)
def _no_stale_failures() -> None:
    """Pictures of failures from an earlier run would mislead: they go first."""
    for old in ARTIFACTS.glob("FAILED-*.png"):
        old.unlink()


@pytest.fixture
def pages(browser: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Pages]:
    p = Pages(browser, str(server))
    yield p
    try:
        if request.node.stash.get(_FAILED, False):
            name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)
            for i, page in enumerate(p.open_pages()):
                with contextlib.suppress(Exception):  # a picture of a broken page is a bonus
                    shot(page, f"FAILED-{name}-{i}")
        else:
            p.check()
    finally:
        p.close()
