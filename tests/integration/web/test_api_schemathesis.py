"""Schemathesis against the API's own OpenAPI document, in-process (no server, no network).

Every operation gets generated requests, valid and invalid by the schema, sent with a real
token of a coach who has a client; each answer must be no server error, a documented
status code and content type, and a body that matches the documented schema. Person
routes are pointed at the coach's client (a random id would only ever meet a 404), so
writes reach the store and the engine; the delete gets a fresh client each time.

One database per backend for the whole module (SQLite, and PostgreSQL unless deselected
with ``-m "not postgres"``): setting one up costs more than the requests. Bounded: a few
examples per operation, no deadline (the machine is shared).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS as REGISTERED
from schemathesis.checks import load_all_checks
from webtools import PASSWORD

from anklet.domain.history import Intake
from anklet.services import accounts as account_service
from anklet.services.context import Context, open_context
from anklet.settings import Settings
from anklet.web.api.common import PERSON_KEY
from anklet.web.app import create_app

load_all_checks()
CHECKS = REGISTERED.get_all()
"""Every check schemathesis has: no server error, documented statuses, content types,
headers and bodies, a correct ``Allow`` on 405, schema-violating requests refused
(``negative_data_rejection``: the API reads JSON strictly, so ``"5"`` is not 5 and ``true``
is not minutes) and schema-valid requests taken (``positive_data_acceptance``: the document
holds the date range, the text rule and the rules across fields)."""

EVALUATE_CHECKS = [c for c in CHECKS if c.__name__ != "positive_data_acceptance"]
"""``/evaluate`` takes a whole history document, whose rules across records (an exercise
logged must be in the library, a session after the intake, references between records...)
JSON Schema cannot all state: a generated document valid by the schema can still be refused
with the record named. The stored routes keep every check."""
assert len(EVALUATE_CHECKS) == len(CHECKS) - 1
MEDIA_CHECKS = EVALUATE_CHECKS
"""A coach's media upload is a multipart form whose file is a photo or a video by its bytes,
and which takes a file or a link (one of them): no schema states either, so a generated
request valid by the schema (random bytes, or neither field) is rightly refused (422)."""

COACH = "fuzz@example.org"


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fuzz_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            fresh_database: Any) -> Iterator[str]:
    """A fresh migrated database for this module (as ``db_url`` makes one per test)."""
    with fresh_database(request.param, tmp_path_factory.mktemp("fuzz")) as url:
        yield url


@dataclass
class Target:
    app: FastAPI
    ctx: Context
    token: str
    client_key: str

    def new_client(self) -> str:
        with self.ctx.uow() as uow:
            coach = uow.accounts.by_email(COACH)
            assert coach is not None
            key = account_service.add_client(
                uow, coach=coach, name="Del Ete",
                intake=Intake(date=dt.date.today() - dt.timedelta(days=21))).person.id
            uow.commit()
        return key


@pytest.fixture(scope="module")
def target(fuzz_db: str) -> Iterator[Target]:
    """The app on that database, and a coach with a client and an API token."""
    ctx = open_context(Settings(database_url=fuzz_db), migrate_schema=False)
    with ctx.uow() as uow:
        coach = account_service.create_account(uow, email=COACH, name="Fay Fuzz",
                                               password=PASSWORD, role="coach")
        token = account_service.create_token(uow, account=coach, name="schemathesis")
        uow.commit()
    t = Target(create_app(context=ctx), ctx, token, "")
    t.client_key = t.new_client()
    yield t
    ctx.engine.dispose()


def _schema() -> schemathesis.BaseSchema:
    """The OpenAPI document, read from an app on an empty in-memory database: the document
    does not depend on data, and the requests go to the app of ``target``."""
    ctx = open_context(Settings(database_url="sqlite://"), migrate_schema=False)
    try:
        return schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(context=ctx))
    finally:
        ctx.engine.dispose()


EVALUATE = "/api/v1/evaluate"
stored = _schema().exclude(path=EVALUATE)
stateless = _schema().include(path=EVALUATE)
# The coverage phase walks every boundary of every field: for the whole history document
# that is over a thousand requests, so /evaluate gets random documents only.
stateless.config.phases.coverage.enabled = False


def _send(case: schemathesis.Case, target: Target, checks: list[Any] = CHECKS) -> None:
    case.call_and_validate(app=target.app, checks=checks,
                           headers={"Authorization": f"Bearer {target.token}"})


@stored.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_answers_generated_requests_as_documented(case: schemathesis.Case,
                                                       target: Target) -> None:
    key = (case.path_parameters or {}).get("key")
    if isinstance(key, str) and re.fullmatch(PERSON_KEY, key) and len(key) <= 64:
        # a well-formed key: point it at someone (a key the schema refuses stays, to be refused)
        case.path_parameters["key"] = (target.new_client() if case.method == "DELETE"
                                       else target.client_key)
    _send(case, target, MEDIA_CHECKS if "/media" in case.path else CHECKS)


@pytest.mark.parametrize("fuzz_db", ["sqlite"], indirect=True)  # stores nothing
@stateless.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_evaluate_answers_generated_documents_as_documented(case: schemathesis.Case,
                                                             target: Target) -> None:
    _send(case, target, EVALUATE_CHECKS)
