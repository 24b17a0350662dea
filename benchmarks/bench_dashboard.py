"""The coach's client list with 500 clients: how long the page and its service take, and how
many SQL statements they send, for the default list, a search, a filter and each sort.

Target (issue #15 item 8): the list stays fast for 500 clients — a bounded number of queries
(no query per client), the page well under the 150 ms the dashboard is held to at 50
clients per coach in ``bench_web.py``.

How it runs: a SQLite file (and PostgreSQL on a throwaway server from the machine's binaries,
reported as skipped if none) gets one coach and ``--clients`` people, clones of the demo
cast (histories made by following the engine's own plans), every decision stored as the
nightly ``anklet reevaluate`` stores it (timed: ``reevaluate_s``, which now also works out
each client's last logged day and targets kept this week and last). Then, for each query,
``--repeat`` times: ``service_ms`` is :func:`anklet.services.dashboard.get` alone (one unit
of work), ``page_ms`` a whole ``GET /coach?…`` through the app (signed in, Starlette's test
client, no network), ``queries`` the SQL statements of one service call. Nothing here is a
test: no figure is asserted.

Prints JSON. Run: ``.venv/bin/python benchmarks/bench_dashboard.py [--clients 500]
[--repeat 15] [--backend sqlite|postgresql|both]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from anklet.domain.exercises import load_library
from anklet.domain.history import History, Person
from anklet.domain.protocol import load_protocol
from anklet.services import accounts as account_service
from anklet.services import dashboard, evaluation
from anklet.services.context import open_context
from anklet.services.demo import people
from anklet.settings import Settings
from anklet.store import throwaway
from anklet.store.db import make_engine, migrate
from anklet.store.uow import UnitOfWork
from anklet.web.app import create_app

TODAY = dt.date.today()
COACH = "bench@coach.example"
PASSWORD = "a long bench password"
QUERIES: dict[str, dict[str, str]] = {
    "default": {},
    "search": {"q": "person 4"},
    "filter_status": {"status": "working"},
    "filter_flag": {"flag": "attention"},
    "sort_name_page_5": {"sort": "name", "page": "5"},
    "sort_last_logged": {"sort": "last_logged"},
    "sort_adherence": {"sort": "adherence"},
}


def population(n: int) -> list[History]:
    protocol, library = load_protocol(), load_library()
    cast = people(TODAY, protocol, library)
    return [cast[i % len(cast)].model_copy(update={"person": Person(
        id=f"p{i:05d}", name=f"Person {i}", created=cast[i % len(cast)].person.created)})
        for i in range(n)]


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median": round(statistics.median(ordered) * 1000, 2),
            "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 2),
            "max": round(ordered[-1] * 1000, 2)}


def _timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    fn()  # warm: caches, the first connection
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def run(url: str, n: int, repeat: int) -> dict[str, Any]:
    protocol, library = load_protocol(), load_library()
    engine = make_engine(url)
    migrate(engine)
    histories = population(n)
    with UnitOfWork(engine) as uow:
        coach = account_service.sign_up(uow, email=COACH, name="Bench Coach",
                                        password=PASSWORD, role="coach")
        uow.people.add_many(histories)
        for h in histories:
            uow.accounts.set_coach(h.person.id, coach.id)
        uow.commit()
    t0 = time.perf_counter()
    with UnitOfWork(engine) as uow:
        evaluation.reevaluate_all(uow, protocol=protocol, library=library, as_of=TODAY)
        uow.commit()
    reevaluate_s = time.perf_counter() - t0

    ctx = open_context(Settings(database_url=url))
    client = TestClient(create_app(context=ctx), follow_redirects=False)
    page = client.get("/sign-in").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    signed = client.post("/sign-in", data={"csrf_token": token.group(1), "email": COACH,
                                           "password": PASSWORD})
    assert signed.status_code == 303, signed.text[:300]

    statements: list[str] = []

    def count(*_: Any) -> None:
        statements.append("")

    out: dict[str, Any] = {"clients": n, "reevaluate_s": round(reevaluate_s, 3), "queries": {}}
    for name, params in QUERIES.items():
        query, errors = dashboard.read_query(params)
        assert not errors, errors

        def service(query: dashboard.Query = query) -> dashboard.Dashboard:
            with UnitOfWork(ctx.engine) as uow:
                account = uow.accounts.by_email(COACH)
                assert account is not None
                board = dashboard.get(uow, coach=account, protocol=protocol,
                                      library=library, today=TODAY, query=query)
                assert board.refreshed == 0, "every decision was stored for today"
                return board

        statements.clear()
        event.listen(ctx.engine, "before_cursor_execute", count)
        board = service()
        event.remove(ctx.engine, "before_cursor_execute", count)
        sql = len(statements)

        def get_page(params: dict[str, str] = params) -> None:
            r = client.get("/coach", params=params)
            assert r.status_code == 200, r.status_code

        out["queries"][name] = {
            "rows_shown": len(board.rows), "matched": board.matched,
            "sql_statements": sql,
            "service_ms": _ms(_timed(service, repeat)),
            "page_ms": _ms(_timed(get_page, repeat)),
        }
    ctx.engine.dispose()
    engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = ap.parse_args()
    result: dict[str, Any] = {"date": TODAY.isoformat()}
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            result["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.clients,
                                   args.repeat)
    if args.backend in ("postgresql", "both"):
        try:
            with throwaway.server("bench") as url:
                result["postgresql"] = run(url, args.clients, args.repeat)
        except throwaway.UnavailableError as e:
            result["postgresql"] = {"skipped": str(e)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
