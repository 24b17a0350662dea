"""Re-evaluate 10 000 stored people in one batch, on SQLite and on PostgreSQL.

Target (issue #2): over 2 000 people per second. The people are clones of
the demo cast (histories made by following the engine's own plans: 1 to 10
weeks of sessions and weekly re-tests). Prints JSON; PostgreSQL runs on a
throwaway server from the machine's binaries (reported as skipped if none).
After the bulk insert PostgreSQL is vacuumed and analysed (untimed), as a
database at rest would be: otherwise its autovacuum picks the fresh tables up
during the timed runs, at random, on the same cores. ``workers`` counts the
processes that decide, this one included; the same batch is first timed in one process
(``one_process_*``: what one core does, load, decide and store, per person).

Run: ``.venv/bin/python benchmarks/bench_batch.py [--people N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from anklet.domain.exercises import load_library
from anklet.domain.history import History, Person
from anklet.domain.protocol import load_protocol
from anklet.services import evaluation
from anklet.services.demo import people
from anklet.store import throwaway
from anklet.store.db import make_engine, migrate
from anklet.store.uow import UnitOfWork

TODAY = dt.date(2026, 11, 24)


def population(n: int) -> list[History]:
    protocol, library = load_protocol(), load_library()
    cast = people(TODAY, protocol, library)
    out = []
    for i in range(n):
        h = cast[i % len(cast)]
        out.append(h.model_copy(update={"person": Person(id=f"p{i:05d}", name=f"Person {i}",
                                                          created=h.person.created)}))
    return out


def run(url: str, histories: list[History], workers: int) -> dict[str, Any]:
    protocol, library = load_protocol(), load_library()
    engine = make_engine(url)
    migrate(engine)
    t0 = time.perf_counter()
    with UnitOfWork(engine) as uow:
        uow.people.add_many(histories)
        uow.commit()
    insert_s = time.perf_counter() - t0
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    # load only, to split the figure
    t0 = time.perf_counter()
    with UnitOfWork(engine) as uow:
        loaded = sum(len(b) for b in uow.people.iter_histories(batch_size=1000))
    load_s = time.perf_counter() - t0
    # the real thing: load, decide, store every decision, one transaction; first in one
    # process (what one core does), then in ``workers`` (the figure the target is for)
    timings = {}
    for procs in dict.fromkeys((1, workers)):
        t0 = time.perf_counter()
        with UnitOfWork(engine) as uow:
            n = evaluation.reevaluate_all(uow, protocol=protocol, library=library,
                                          as_of=TODAY, workers=procs)
            uow.commit()
        timings[procs] = time.perf_counter() - t0
    total_s = timings[workers]
    engine.dispose()
    assert n == loaded == len(histories)
    return {
        "people": n,
        "sessions": sum(len(h.sessions) for h in histories),
        "measurements": sum(len(h.measurements) for h in histories),
        "insert_s": round(insert_s, 2),
        "load_only_s": round(load_s, 2),
        "one_process_s": round(timings[1], 2),
        "one_process_people_per_s": round(n / timings[1]),
        "ms_per_person_one_process": round(timings[1] / n * 1000, 3),
        "reevaluate_s": round(total_s, 2),
        "workers": workers,
        "people_per_s": round(n / total_s),
        "target_people_per_s": 2000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    histories = population(args.people)
    result: dict[str, Any] = {"benchmark": "re-evaluate stored people in one batch",
                              "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        result["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.db'}", histories, args.workers)
    try:
        with throwaway.server("bench") as url:
            result["postgresql"] = run(url, histories, args.workers)
    except throwaway.UnavailableError as e:
        result["postgresql"] = {"skipped": str(e)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
