"""Load test of the web app on SQLite and PostgreSQL: coach dashboard, session log and API
reads under 50 concurrent users, with a bulk import beside them.

Targets: issue #3 (PostgreSQL, 1 000 coaches × 50 clients × 12 weeks: the coach dashboard's
p95 under 150 ms, the session log's under 100 ms at 50 users, zero errors; each endpoint's
requests per second as a ratio to a bare FastAPI endpoint measured in the same run) and
issue #16 (SQLite, the default, holds the same 50 users with zero errors; the figure without
think time stated).

How it runs (everything on loopback, nothing timed inside the tests), for each ``--backend``:

1. The database: a SQLite file, or a throwaway PostgreSQL server (``initdb``/``pg_ctl``);
   the people are clones of a cast of histories made by following the engine's own plans
   for 12 weeks (``demo.simulate``), spread over the coaches; every decision is stored, as
   ``anklet reevaluate`` would. One API token per coach is made for the run.
2. uvicorn serves the app (``--workers``, default one per CPU) and, on another port, a bare
   FastAPI app with one endpoint returning a small JSON object, with the same settings.
3. wrk (Debian's package) drives three kinds of request at once for ``--seconds``, the
   ``--users`` connections shared out between them: the coach dashboard (``GET /coach``,
   signed in as one coach after another), the session log (a client's ``POST`` of the log
   form: a web write) and an API read (``GET /api/v1/people/KEY/decision`` with a coach's
   token):
   * **users_mixed**: each connection one user who waits a think time of 0.5–1.5 s between
     requests (about 50 requests a second offered in all); meanwhile two ``anklet import``
     commands at once import the same ``--import-files`` GPX files for one client (each
     file stored once: the other skips it) and must both exit 0;
   * **max_mixed**: the same with no think time (the figure without think time);
   * **max_alone**: each kind alone with all the connections and no think time, for its
     requests per second as a ratio to the bare endpoint's (``bare_fastapi``).
   Latency percentiles come from wrk's own histogram (``latency:percentile``). Every answer's
   status is counted (``statuses``); ``errors_by_kind`` splits the failures into 503s ("the
   database is busy"), other 5xx, 4xx and socket errors, ``errors_total`` adds them up.

Prints JSON. Run: ``.venv/bin/python benchmarks/bench_web.py [--backend sqlite|postgresql|both]
[--coaches 1000] [--clients 50] [--weeks 12] [--seconds 20] [--import-files 200] [--keep DIR]``
— with ``--keep`` the databases are built once in DIR and reused by later runs (building
50 000 people takes minutes).
"""

from __future__ import annotations

import argparse
import contextlib
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
            coach_id = uow.connection.execute(insert(t.accounts).returning(t.accounts.c.id), {
                "email": f"coach{c}@bench.anklet", "name": f"Coach {c}", "role": "coach",
                "password_hash": pw_hash, "person_id": None, "session_version": 1,
                "created_at": now}).scalar_one()
            ids = dict(uow.connection.execute(select(t.people.c.key, t.people.c.id).where(
                t.people.c.key.like(f"c{c:04d}-p%"))).all())
            uow.connection.execute(insert(t.coaching), [
                {"person_id": pid, "coach_id": coach_id} for pid in ids.values()])
            uow.connection.execute(insert(t.accounts), {
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
    local threads = {}
    local i = 0
    function setup(thread)
      thread:set("offset", math.random(#reqs))
      table.insert(threads, thread)
    end
    function init(args)
      i = tonumber(offset) or 0
      statuses = {}
      math.randomseed(os.time() + i)
    end
    function request()
      i = i + 1
      local r = reqs[(i % #reqs) + 1]
      return wrk.format(r[1], r[2], r[3], r[4])
    end
    function response(status, headers, body)
      local k = tostring(status)
      statuses[k] = (statuses[k] or 0) + 1
    end
    function delay()
      if think then return math.random(500, 1500) end
      return 0
    end
    function done(summary, latency, requests)
      local all = {}
      for _, t in ipairs(threads) do
        for k, v in pairs(t:get("statuses") or {}) do all[k] = (all[k] or 0) + v end
      end
      local parts = {}
      for k, v in pairs(all) do table.insert(parts, string.format('"%s": %d', k, v)) end
      local e = summary.errors
      io.write(string.format(
        '{"requests": %d, "duration_s": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
        '"p99_ms": %.2f, "max_ms": %.2f, "errors": {"connect": %d, "read": %d, ' ..
        '"write": %d, "timeout": %d, "status": %d}, "statuses": {%s}}\\n',
        summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
        latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
        e.connect, e.read, e.write, e.timeout, e.status, table.concat(parts, ", ")))
    end
""")

Request = tuple[str, str, dict[str, str], str | None]


def lua_str(s: str) -> str:
    return json.dumps(s)  # a JSON string is a valid Lua string for this text


class Wrk:
    """One wrk run in the background; :meth:`result` waits for it and reads its JSON."""

    def __init__(self, base: str, requests: list[Request], *, seconds: int, connections: int,
                 think: bool) -> None:
        items = []
        for method, path, headers, body in requests:
            hdrs = "{" + ", ".join(f"[{lua_str(k)}] = {lua_str(v)}"
                                   for k, v in headers.items()) + "}"
            items.append(f"{{{lua_str(method)}, {lua_str(path)}, {hdrs}, "
                         f"{lua_str(body) if body is not None else 'nil'}}}")
        script = LUA.replace("{REQUESTS}", "{" + ",\n".join(items) + "}").replace(
            "{THINK}", "true" if think else "false")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(script)
        self._script = f.name
        threads = max(1, min(2, connections))
        self._proc = subprocess.Popen(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
             "--timeout", "10s", "-s", f.name, base], stdout=subprocess.PIPE, text=True)

    def result(self) -> dict[str, Any]:
        out, _ = self._proc.communicate()
        os.unlink(self._script)
        if self._proc.returncode:
            raise RuntimeError(f"wrk exited with {self._proc.returncode}")
        r: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        r["requests_per_s"] = round(r["requests"] / r["duration_s"], 1)
        r["statuses"] = dict(sorted(r["statuses"].items()))
        bad = sum(n for code, n in r["statuses"].items() if not 200 <= int(code) < 400)
        sockets = sum(v for k, v in r["errors"].items() if k != "status")
        r["errors_by_kind"] = {
            "http_503": r["statuses"].get("503", 0),
            "http_5xx_other": sum(n for c, n in r["statuses"].items()
                                  if 500 <= int(c) < 600 and c != "503"),
            "http_4xx": sum(n for c, n in r["statuses"].items() if 400 <= int(c) < 500),
            "socket": sockets}
        r["errors_total"] = bad + sockets
        r["error_pct"] = round(100 * r["errors_total"] / max(r["requests"], 1), 2)
        del r["errors"]
        return r


def run_wrk(base: str, requests: list[Request], *, seconds: int, connections: int,
            think: bool) -> dict[str, Any]:
    return Wrk(base, requests, seconds=seconds, connections=connections,
               think=think).result()


# -- a bulk import beside the load -----------------------------------------------------------

def gpx_files(folder: Path, n: int) -> list[Path]:
    """``n`` different small GPX runs (each a distinct file, so none is a duplicate)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    start = dt.datetime(2025, 1, 1, 7, 0, tzinfo=dt.UTC)
    for k in range(n):
        t0 = start + dt.timedelta(days=k)
        points = "".join(
            f'<trkpt lat="{46.0 + 0.0001 * i:.5f}" lon="{14.5 + 0.0001 * i + 0.00001 * k:.6f}">'
            f"<time>{(t0 + dt.timedelta(seconds=10 * i)).isoformat().replace('+00:00', 'Z')}"
            "</time></trkpt>" for i in range(180))
        path = folder / f"run-{k:04d}.gpx"
        path.write_text('<?xml version="1.0"?><gpx version="1.1" creator="bench" '
                        'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type>'
                        f"<trkseg>{points}</trkseg></trk></gpx>")
        paths.append(path)
    return paths


def start_imports(url: str, key: str, files: list[Path], copies: int) -> list[subprocess.Popen[str]]:
    """``copies`` ``anklet import`` commands of the same files at once (each file is stored
    once; the others skip it)."""
    anklet = str(Path(sys.executable).parent / "anklet")
    return [subprocess.Popen([anklet, "--db", url, "import", "--person", key, "--json",
                              *map(str, files)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
            for _ in range(copies)]


def finish_imports(procs: list[subprocess.Popen[str]], t0: float) -> list[dict[str, Any]]:
    out = []
    for p in procs:
        stdout, stderr = p.communicate()
        entry: dict[str, Any] = {"exit_code": p.returncode,
                                 "seconds": round(time.perf_counter() - t0, 1)}
        try:
            data = json.loads(stdout)
            entry.update({k: data[k] for k in ("imported", "duplicate", "skipped", "refused")})
        except (json.JSONDecodeError, KeyError):
            entry["error"] = (stderr or stdout).strip().splitlines()[-1:] or ["no output"]
        out.append(entry)
    return out


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


def reset(url: str, clients: int, coaches: int, import_key: str) -> dict[str, int]:
    """Remove what earlier runs added (sessions logged today — the built histories end
    yesterday —, imported activities, bench API tokens) and re-decide those clients, so
    every run starts from the same data; then make one API token per coach."""
    engine = make_engine(url)
    protocol, library = load_protocol(), load_library()
    with UnitOfWork(engine) as uow:
        removed = getattr(uow.connection.execute(
            text("DELETE FROM sessions WHERE date >= :today"), {"today": TODAY}), "rowcount", 0)
        uow.connection.execute(text("DELETE FROM recorded_activities WHERE person_id = "
                                 "(SELECT id FROM people WHERE key = :k)"), {"k": import_key})
        uow.connection.execute(text("DELETE FROM api_tokens WHERE name = 'bench'"))
        for c in range(clients):
            evaluation.get(uow, key=f"c{c:04d}-p00", protocol=protocol, library=library)
        for c in range(coaches):
            account = uow.accounts.by_email(f"coach{c}@bench.anklet")
            assert account is not None
            TOKENS.append(account_service.create_token(uow, account=account, name="bench"))
        uow.commit()
    engine.dispose()
    return {"sessions_from_earlier_runs_removed": int(removed or 0)}


TOKENS: list[str] = []
"""One API token per coach, made by :func:`reset`."""


def settle(base: str) -> None:
    """Wait until the app has worked off what the last run left queued (wrk gives up on a
    request after 10 s, the server still answers it), so each run starts on an idle app."""
    req = urllib.request.Request(f"{base}/api/v1/people",
                                 headers={"Authorization": f"Bearer {TOKENS[0]}"})
    with contextlib.suppress(OSError):
        urllib.request.urlopen(req, timeout=120).read()


def measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    env = {"ANKLET_DATABASE_URL": url}
    n_clients = min(args.log_clients, args.coaches)
    n = min(args.users, args.coaches)
    import_key = "c0000-p01"
    TOKENS.clear()
    results: dict[str, Any] = reset(url, n_clients, n, import_key)
    with uvicorn("anklet.web.app:create_app", free_port(), args.workers, env) as base, \
            uvicorn("bare_app:app", free_port(), args.workers, {}) as bare:
        coach_sessions = [sign_in(base, f"coach{c}@bench.anklet") for c in range(n)]
        # many clients, each logging a session or two per run, as in real use (one client
        # logging dozens of sessions a minute would only grow one history)
        client_sessions = [(sign_in(base, f"client{c}@bench.anklet"), f"c{c:04d}-p00")
                           for c in range(n_clients)]
        LOG_FIELDS.update(log_form(base, client_sessions[0][0][0], client_sessions[0][1]))
        LOG_FIELDS.pop("date", None)
        endpoints: dict[str, list[Request]] = {
            "coach_dashboard": [("GET", "/coach", {"Cookie": cookie}, None)
                                for cookie, _ in coach_sessions],
            "session_log": [("POST", f"/people/{key}/log",
                             {"Cookie": cookie,
                              "Content-Type": "application/x-www-form-urlencoded"},
                             log_body(csrf, TODAY))
                            for (cookie, csrf), key in client_sessions],
            "api_read": [("GET", f"/api/v1/people/c{c:04d}-p{(1 + c % 3) % args.clients:02d}"
                                 "/decision",
                          {"Authorization": f"Bearer {TOKENS[c]}"}, None) for c in range(n)],
        }
        targets = {"coach_dashboard": 150, "session_log": 100, "api_read": None}
        # the connections shared out between the three kinds of request, run at once
        share = {"coach_dashboard": args.users // 3, "session_log": args.users // 3}
        share["api_read"] = args.users - sum(share.values())
        for mode, think in (("users", True), ("max", False)):
            imports: list[subprocess.Popen[str]] = []
            t0 = time.perf_counter()
            gpx_folder = Path(tempfile.mkdtemp(prefix="bench-gpx-"))
            if mode == "users" and args.import_files:
                files = gpx_files(gpx_folder, args.import_files)
                imports = start_imports(url, import_key, files, copies=2)
            running = {name: Wrk(base, reqs, seconds=args.seconds, connections=share[name],
                                 think=think)
                       for name, reqs in endpoints.items()}
            for name, w in running.items():
                r = w.result()
                if mode == "users":
                    r["p95_target_ms"] = targets[name]
                    r["met"] = r["errors_total"] == 0 and (
                        targets[name] is None or r["p95_ms"] < targets[name])
                results.setdefault(name, {})[f"{mode}_mixed"] = r
            settle(base)
            if imports:
                results["imports_during_users_run"] = {
                    "files": args.import_files, "commands_at_once": len(imports),
                    "results": finish_imports(imports, t0)}
            shutil.rmtree(gpx_folder, ignore_errors=True)
        bare_max = run_wrk(bare, [("GET", "/bare", {}, None)], seconds=args.seconds,
                           connections=args.users, think=False)
        results["bare_fastapi"] = {"max": bare_max}
        for name, reqs in endpoints.items():  # each alone, flat out, against the floor
            top = run_wrk(base, reqs, seconds=args.seconds, connections=args.users,
                          think=False)
            settle(base)
            top["ratio_to_bare"] = round(top["requests_per_s"] / bare_max["requests_per_s"], 3)
            results[name]["max_alone"] = top
    return results


@contextmanager
def sqlite_database(folder: Path) -> Iterator[tuple[str, bool]]:
    """A SQLite file in ``folder`` (kept there for the next run with ``--keep``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "benchweb.sqlite"
    marker = folder / "benchweb.sqlite.ready"
    fresh = not marker.exists()
    if fresh:
        path.unlink(missing_ok=True)
    yield f"sqlite:///{path}", fresh
    marker.touch()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--coaches", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--log-clients", type=int, default=200,
                        help="how many clients take turns logging sessions")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--import-files", type=int, default=200,
                        help="during the think-time run, two `anklet import` commands at once "
                             "of this many GPX files each (0: none)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="build the databases once in this folder and reuse them")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print(json.dumps({"skipped": "wrk is not installed (Debian: apt-get install wrk)"}))
        return
    result: dict[str, Any] = {
        "benchmark": "web app under load (uvicorn on loopback, wrk)",
        "command": " ".join(["benchmarks/bench_web.py", *sys.argv[1:]]),
        "cpus": os.cpu_count(), "uvicorn_workers": args.workers, "users": args.users,
        "coaches": args.coaches, "clients_per_coach": args.clients, "weeks": args.weeks,
        "clients_logging": min(args.log_clients, args.coaches),
        "seconds_per_run": args.seconds}
    folder = args.keep or Path(tempfile.mkdtemp(prefix="anklet-benchweb-", dir="/tmp"))
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    try:
        for backend in backends:
            opened = (sqlite_database(folder / "sqlite") if backend == "sqlite"
                      else throwaway.kept_server(folder, "benchweb"))
            with opened as (url, fresh):
                out: dict[str, Any] = {}
                if fresh:
                    out["data"] = populate(url, args.coaches, args.clients, args.weeks)
                else:
                    out["data"] = f"reused the database kept in {folder}"
                out.update(measure(url, args))
                result[backend] = out
            print(f"  {backend} done", file=sys.stderr)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
