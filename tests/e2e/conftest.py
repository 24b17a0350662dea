"""Browser tests: the real app under uvicorn, driven by Playwright in Debian's Chromium.

The server runs in a thread of the test process on a free loopback port, on a fresh SQLite
file (each test module gets its own). No browser is downloaded: Playwright launches
``/usr/bin/chromium`` (Debian's package); the tests are skipped, with the reason, where it
is missing. Screenshots of the key pages are saved under ``tests/e2e/artifacts/`` (ignored
by git) — look at them after a run.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from anklet.services.context import open_context
from anklet.settings import Settings
from anklet.web.app import create_app

CHROMIUM = os.environ.get("ANKLET_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
PHONE = {"width": 390, "height": 844}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a fresh SQLite database, served by uvicorn; yields its base URL."""
    import uvicorn

    db = tmp_path_factory.mktemp("e2e") / "anklet.db"
    ctx = open_context(Settings(database_url=f"sqlite:///{db}"))
    port = _free_port()
    config = uvicorn.Config(create_app(context=ctx), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    else:
        raise RuntimeError("uvicorn did not start")
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    ctx.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def shot(page: object, name: str) -> Path:
    """Save a full-page screenshot as a test artifact and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
