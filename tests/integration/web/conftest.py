"""Web fixtures: the app on a fresh database (SQLite and PostgreSQL), and browser-like clients.

``web`` makes :class:`WebClient` objects: a TestClient that keeps its cookies (one signed-in
browser each) and adds the session's CSRF token to every form it posts, the way the pages
do. ``coach``, ``other_coach``, ``client_of_coach`` and ``self_coached`` are signed-in
clients with data to look at (the tenancy tests use all of them).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from webtools import Web, WebClient

from anklet.services.context import Context, open_context
from anklet.settings import Settings
from anklet.web.app import create_app

TEST_SECRET = "test-secret-for-the-web-tests-only-0123456789"


@pytest.fixture
def web_ctx(db_url: str) -> Iterator[Context]:
    # an explicit secret, as a served app has (the generated one is tested in test_serving)
    ctx = open_context(Settings(database_url=db_url, secret_key=TEST_SECRET),
                       migrate_schema=False)
    yield ctx
    ctx.engine.dispose()


@pytest.fixture
def app(web_ctx: Context) -> FastAPI:
    return create_app(context=web_ctx)


@pytest.fixture
def web(app: FastAPI, web_ctx: Context) -> Web:
    return Web(app, web_ctx)


@pytest.fixture
def coach(web: Web) -> WebClient:
    return web.account("coach", "coach@example.org", "Casey Coach")


@pytest.fixture
def other_coach(web: Web) -> WebClient:
    return web.account("coach", "other@example.org", "Olive Other")


@pytest.fixture
def client_of_coach(web: Web, coach: WebClient) -> WebClient:
    return web.account("client", "client@example.org", "Cleo Client",
                       coach_email="coach@example.org")


@pytest.fixture
def self_coached(web: Web) -> WebClient:
    return web.account("self", "solo@example.org", "Sol Solo")



