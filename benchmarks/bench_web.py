"""Load test of the web app: coach dashboard and session log under 50 concurrent users.

Target (issue #3): with 1 000 coaches × 50 clients × 12 weeks of history in PostgreSQL,
the coach dashboard's p95 under 150 ms and the session log's p95 under 100 ms at 50
concurrent users, with zero errors; and each endpoint's requests per second as a ratio to a
bare FastAPI endpoint measured in the same run (the framework's floor on this machine).

How it runs (everything on loopback, nothing timed inside the tests):

1. A throwaway PostgreSQL server (``initdb``/``pg_ctl``); the people are clones of a cast
   of histories made by following the engine's own plans for 12 weeks (``demo.simulate``),
   spread over the coaches; every decision is stored, as ``anklet reevaluate`` would.
2. uvicorn serves the app (``--workers``, default 2) and, on another port, a bare FastAPI
   app with one endpoint returning a small JSON object, with the same settings.
3. wrk (Debian's package) drives each endpoint for ``--seconds``:
   * **users**: 50 connections, each one user who waits a think time of 0.5–1.5 s
     between requests (so about 50 requests a second are offered); each request is signed
     in as one of 50 coaches (dashboard) or 50 clients (session log), taken in turn;
   * **max**: the same 50 connections with no think time, for requests per second, and
     the same against the bare endpoint for the ratio.
   Latency percentiles come from wrk's own histogram (``latency:percentile``); errors are
   wrk's socket errors plus responses that are not 2xx/3xx.

Prints JSON. Run: ``.venv/bin/python benchmarks/bench_web.py [--coaches 1000]
[--clients 50] [--weeks 12] [--seconds 20] [--keep DIR]`` — with ``--keep`` the database
is built once in DIR and reused by later runs (building 50 000 people takes minutes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from anklet.domain.exercises import load_library
from anklet.domain.history import (
    Activity,
    Availability,
    History,
    Intake,
    Person,
    SideHistory,
)
from anklet.domain.protocol import load_protocol
from anklet.services import accounts as account_service
from anklet.services import evaluation
from anklet.services.demo import Script, _runs, simulate
from anklet.store import tables as t
from anklet.store import throwaway
from anklet.store.db import make_engine, migrate
from anklet.store.uow import UnitOfWork

TODAY = dt.date.today()
PASSWORD = "bench-password-123"
HERE = Path(__file__).resolve().parent


# -- the data ------------------------------------------------------------------------------

def cast(weeks: int) -> list[History]:
    """A few people followed for ``weeks`` weeks, each with a different course."""
    protocol, library = load_protocol(), load_library()
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    start = monday - weeks * dt.timedelta(days=7)
    scripts = [
        Script(retest_every=2, left_k2w=lambda w: 6.0 + 0.5 * w, right_k2w=lambda w: 11.0,
               heel_raise=lambda w: (18 + w, 25), skip=lambda w, d: d == 3 and w % 2 == 1),
        Script(retest_every=2, left_k2w=lambda w: 6.0 + 0.4 * w, right_k2w=lambda w: 6.5 + 0.4 * w,
               balance=lambda w: (16.0 + 2 * w, 20.0 + 2 * w)),
        Script(retest_every=2, left_k2w=lambda w: 9.0 + 0.3 * w, right_k2w=lambda w: 10.5,
               pain_during=lambda w, d: 7 if w == 8 and d in (0, 2) else 1),
        Script(retest_every=2, left_k2w=lambda w: min(12.0, 9.0 + 0.5 * w),
               right_k2w=lambda w: min(12.5, 10.0 + 0.4 * w)),
        Script(retest_every=2, skip=lambda w, d: w > 9),
        Script(retest_every=2, red_flags={"numbness_tingling"}),
    ]
    out = []
    for i, script in enumerate(scripts):
        h = History(
            person=Person(id=f"cast-{i}", name=f"Cast {i}", created=start),
            intake=Intake(date=start, goals=["Run without calf pain"],
                          activities=[Activity.RUNNING],
                          left=SideHistory(sprains=i % 3), right=SideHistory()),
            availability=Availability(mon=25, tue=20, wed=30, thu=20, fri=25, sat=45, sun=20),
            planned_runs=_runs(start, weeks + 1))
        out.append(simulate(h, weeks=weeks + 1, protocol=protocol, library=library,
                            until=TODAY, script=script))
    return out


def populate(url: str, coaches: int, clients: int, weeks: int) -> dict[str, Any]:
    engine = make_engine(url)
    migrate(engine)
    protocol, library = load_protocol(), load_library()
    histories = cast(weeks)
    pw_hash = account_service.hash_password(PASSWORD)
    now = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    for c in range(coaches):
        with UnitOfWork(engine) as uow:
            batch = []
            for j in range(clients):
                h = histories[(c * clients + j) % len(histories)]
                batch.append(h.model_copy(update={"person": Person(
                    id=f"c{c:04d}-p{j:02d}", name=f"Client {j} of coach {c}",
                    created=h.person.created)}))
            uow.people.add_many(batch)
            coach_id = uow.session.execute(insert(t.accounts).returning(t.accounts.c.id), {
                "email": f"coach{c}@bench.anklet", "name": f"Coach {c}", "role": "coach",
                "password_hash": pw_hash, "person_id": None, "session_version": 1,
                "created_at": now}).scalar_one()
            ids = dict(uow.session.execute(select(t.people.c.key, t.people.c.id).where(
                t.people.c.key.like(f"c{c:04d}-p%"))).tuples().all())
            uow.session.execute(insert(t.coaching), [
                {"person_id": pid, "coach_id": coach_id} for pid in ids.values()])
            uow.session.execute(insert(t.accounts), {
                "email": f"client{c}@bench.anklet", "name": f"Client 0 of coach {c}",
                "role": "client", "password_hash": pw_hash, "person_id": ids[f"c{c:04d}-p00"],
                "session_version": 1, "created_at": now})
            uow.commit()
        if c % 100 == 99:
            print(f"  {c + 1} coaches stored ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    insert_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    with UnitOfWork(engine) as uow:
        n = evaluation.reevaluate_all(uow, protocol=protocol, library=library, as_of=TODAY,
                                      workers=os.cpu_count() or 1)
        uow.commit()
    decide_s = time.perf_counter() - t0
    with engine.connect() as conn:
        counts = {name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
                  for name in ("people", "sessions", "measurements", "accounts")}
        # logged exercises live in their session's JSON list (migration 0005)
        counts["logged_exercises"] = conn.execute(text(
            "SELECT sum(json_array_length(exercises)) FROM sessions")).scalar_one()
    engine.dispose()
    return {"insert_s": round(insert_s, 1), "reevaluate_s": round(decide_s, 1),
            "people": n, "rows": counts}


# -- servers -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def uvicorn(target: str, port: int, workers: int, env: dict[str, str]) -> Iterator[str]:
    cmd = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port),
           "--workers", str(workers), "--log-level", "warning", "--no-access-log"]
    if target.endswith("create_app"):
        cmd.append("--factory")
    proc = subprocess.Popen(cmd, env={**os.environ, **env}, cwd=HERE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/static/favicon.svg" if "anklet" in target
                                       else base + "/bare", timeout=1)
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None:
                    raise RuntimeError(f"uvicorn {target} exited ({proc.returncode})") from None
                time.sleep(0.2)
        else:
            raise RuntimeError(f"uvicorn {target} did not start")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def sign_in(base: str, email: str) -> tuple[str, str]:
    """Sign in like a browser; returns the Cookie header and the session's CSRF token."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/sign-in").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    data = urllib.parse.urlencode({"csrf_token": token.group(1), "email": email,
                                   "password": PASSWORD}).encode()
    opener.open(base + "/sign-in", data=data).read()
    page = opener.open(base + "/account").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, f"signing in as {email} did not work"
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, token.group(1)


# -- wrk -----------------------------------------------------------------------------------

LUA = textwrap.dedent("""
    local reqs = {REQUESTS}
    local think = {THINK}
    local i = 0
    function setup(thread) thread:set("offset", math.random(#reqs)) end
    function init(args) i = tonumber(offset) or 0; math.randomseed(os.time() + i) end
    function request()
      i = i + 1
      local r = reqs[(i % #reqs) + 1]
      return wrk.format(r[1], r[2], r[3], r[4])
    end
    function delay()
      if think then return math.random(500, 1500) end
      return 0
    end
    function done(summary, latency, requests)
      local e = summary.errors
      io.write(string.format(
        '{"requests": %d, "duration_s": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
        '"p99_ms": %.2f, "max_ms": %.2f, "errors": {"connect": %d, "read": %d, ' ..
        '"write": %d, "timeout": %d, "status": %d}}\\n',
        summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
        latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
        e.connect, e.read, e.write, e.timeout, e.status))
    end
""")


def lua_str(s: str) -> str:
    return json.dumps(s)  # a JSON string is a valid Lua string for this text


def run_wrk(base: str, requests: list[tuple[str, str, dict[str, str], str | None]], *,
            seconds: int, connections: int, think: bool) -> dict[str, Any]:
    items = []
    for method, path, headers, body in requests:
        hdrs = "{" + ", ".join(f"[{lua_str(k)}] = {lua_str(v)}" for k, v in headers.items()) + "}"
        items.append(f"{{{lua_str(method)}, {lua_str(path)}, {hdrs}, "
                     f"{lua_str(body) if body is not None else 'nil'}}}")
    script = LUA.replace("{REQUESTS}", "{" + ",\n".join(items) + "}").replace(
        "{THINK}", "true" if think else "false")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s",
                              "--timeout", "10s", "-s", f.name, base], capture_output=True,
                             text=True, check=True).stdout
    finally:
        os.unlink(f.name)
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["requests_per_s"] = round(result["requests"] / result["duration_s"], 1)
    result["errors_total"] = sum(result["errors"].values())
    return result


# -- main ----------------------------------------------------------------------------------

def log_body(csrf: str, date: dt.date) -> str:
    """The session log form as the page posts it (one exercise done, effort and pain)."""
    return urllib.parse.urlencode({"csrf_token": csrf, "date": date.isoformat(),
                                   **LOG_FIELDS})


LOG_FIELDS: dict[str, str] = {}
"""Filled from the log form's own field names when the benchmark starts (see log_form)."""


def log_form(base: str, cookie: str, key: str) -> dict[str, str]:
    """The log form as a client sends it: what the page fills in from the plan (the planned
    exercises ticked), plus pain during and effort, which the client taps."""
    req = urllib.request.Request(f"{base}/people/{key}/log", headers={"Cookie": cookie})
    page = urllib.request.urlopen(req).read().decode()
    fields: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrf_token":
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio") and "checked" not in tag:
            continue
        if value and value.group(1):
            fields[name.group(1)] = value.group(1)
    fields.update(pain_during="2", rpe="4")
    return fields


def reset_logs(url: str, clients: int) -> int:
    """Remove the sessions earlier runs logged (the built histories end yesterday) and
    re-decide those clients, so every run starts from the same data."""
    engine = make_engine(url)
    protocol, library = load_protocol(), load_library()
    with UnitOfWork(engine) as uow:
        removed = uow.session.execute(
            text("DELETE FROM sessions WHERE date >= :today"), {"today": TODAY}).rowcount
        for c in range(clients):
            evaluation.get(uow, key=f"c{c:04d}-p00", protocol=protocol, library=library)
        uow.commit()
    engine.dispose()
    return int(removed or 0)


def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    env = {"ANKLET_DATABASE_URL": url}
    n_clients = min(args.log_clients, args.coaches)
    results: dict[str, Any] = {"sessions_from_earlier_runs_removed": reset_logs(url, n_clients)}
    with uvicorn("anklet.web.app:create_app", free_port(), args.workers, env) as base, \
            uvicorn("bare_app:app", free_port(), args.workers, {}) as bare:
        n = min(args.users, args.coaches)
        coach_sessions = [sign_in(base, f"coach{c}@bench.anklet") for c in range(n)]
        # many clients, each logging a session or two per run, as in real use (one client
        # logging dozens of sessions a minute would only grow one history)
        client_sessions = [(sign_in(base, f"client{c}@bench.anklet"), f"c{c:04d}-p00")
                           for c in range(n_clients)]
        LOG_FIELDS.update(log_form(base, client_sessions[0][0][0], client_sessions[0][1]))
        LOG_FIELDS.pop("date", None)
        dashboard = [("GET", "/coach", {"Cookie": cookie}, None) for cookie, _ in coach_sessions]
        log = [("POST", f"/people/{key}/log",
                {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
                log_body(csrf, TODAY))
               for (cookie, csrf), key in client_sessions]
        bare_req = [("GET", "/bare", {}, None)]
        for name, reqs, target_ms, where in (("coach_dashboard", dashboard, 150, base),
                                             ("session_log", log, 100, base)):
            users = run_wrk(where, reqs, seconds=args.seconds, connections=args.users,
                            think=True)
            users["p95_target_ms"] = target_ms
            users["met"] = users["p95_ms"] < target_ms and users["errors_total"] == 0
            results[name] = {"users": users}
        bare_max = run_wrk(bare, bare_req, seconds=args.seconds, connections=args.users,
                           think=False)
        results["bare_fastapi"] = {"max": bare_max}
        for name, reqs in (("coach_dashboard", dashboard), ("session_log", log)):
            top = run_wrk(base, reqs, seconds=args.seconds, connections=args.users, think=False)
            top["ratio_to_bare"] = round(top["requests_per_s"] / bare_max["requests_per_s"], 3)
            results[name]["max"] = top
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--coaches", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--log-clients", type=int, default=200,
                        help="how many clients take turns logging sessions")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, default=None,
                        help="build the database once in this folder and reuse it")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print(json.dumps({"skipped": "wrk is not installed (Debian: apt-get install wrk)"}))
        return
    result: dict[str, Any] = {
        "benchmark": "web app under load (uvicorn on loopback, PostgreSQL, wrk)",
        "cpus": os.cpu_count(), "uvicorn_workers": args.workers, "users": args.users,
        "coaches": args.coaches, "clients_per_coach": args.clients, "weeks": args.weeks,
        "clients_logging": min(args.log_clients, args.coaches),
        "seconds_per_run": args.seconds}
    folder = args.keep or Path(tempfile.mkdtemp(prefix="anklet-benchweb-", dir="/tmp"))
    try:
        with throwaway.kept_server(folder, "benchweb") as (url, fresh):
            if fresh:
                result["data"] = populate(url, args.coaches, args.clients, args.weeks)
            else:
                result["data"] = f"reused the database kept in {folder}"
            result.update(measure(url, args))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
