"""Shared fixtures: a throwaway PostgreSQL server and a fresh migrated database per test.

``db_url`` runs each database test twice, on SQLite (a file in ``tmp_path``)
and on PostgreSQL (a new database in one server started for the whole test
session with ``initdb`` and ``pg_ctl``). The PostgreSQL half is marked
``postgres`` (deselect it with ``-m "not postgres"``) and is skipped, with the
reason, where no PostgreSQL binaries are installed.

``initdb`` refuses to run as root; under root (containers, CI) the server is
run as the ``postgres`` user (or ``nobody``) through ``runuser``, in a
temporary folder owned by that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from anklet.store.db import make_engine, migrate

PG_BINARIES = ("initdb", "pg_ctl")
PG_SUPERUSER = "postgres"
RUN_AS_CANDIDATES = ("postgres", "nobody")


def _pg_bin(name: str) -> str | None:
    """A PostgreSQL program on PATH, or the newest under /usr/lib/postgresql/*/bin (Debian)."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        part = Path(path).parent.parent.name
        return tuple(int(p) for p in part.split(".") if p.isdigit())

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Cluster:
    """A PostgreSQL cluster in a temporary folder, run as another user when we are root."""

    def __init__(self, initdb: str, pg_ctl: str) -> None:
        self.initdb, self.pg_ctl = initdb, pg_ctl
        # Under /tmp when there is one: short enough for a Unix socket path (107 bytes) and
        # reachable by the user the server runs as, wherever TMPDIR points.
        short = "/tmp" if os.path.isdir("/tmp") and os.access("/tmp", os.W_OK) else None
        self.base = Path(tempfile.mkdtemp(prefix="anklet-pg-", dir=short))
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            user = next((u for u in RUN_AS_CANDIDATES if _user_exists(u)), None)
            runuser = shutil.which("runuser")
            if user is None or runuser is None:
                shutil.rmtree(self.base, ignore_errors=True)
                pytest.skip("running as root, and initdb refuses root: need `runuser` and a "
                            f"user among {RUN_AS_CANDIDATES} to run PostgreSQL as")
            pw = pwd.getpwnam(user)
            os.chown(self.base, pw.pw_uid, pw.pw_gid)
            self.prefix = [runuser, "-u", user, "--"]

    def run(self, *args: str) -> None:
        result = subprocess.run([*self.prefix, *args], cwd=self.base, capture_output=True,
                                text=True, check=False)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}):\n"
                               f"{result.stdout}\n{result.stderr}\n{log}")

    def start(self) -> int:
        self.run(self.initdb, "-D", str(self.data), "-A", "trust", "-U", PG_SUPERUSER,
                 "-E", "UTF8", "--locale=C", "--no-sync")
        last: Exception | None = None
        for _ in range(3):  # another process may grab the free port before the server does
            port = _free_port()
            options = (f"-k {self.base} -p {port} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            try:
                self.run(self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-w",
                         "-t", "60", "-o", options, "start")
                return port
            except RuntimeError as e:
                last = e
        raise RuntimeError(f"PostgreSQL did not start: {last}")

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of the ``anklet`` database in a PostgreSQL server started for this test session."""
    binaries = {name: _pg_bin(name) for name in PG_BINARIES}
    missing = [name for name, path in binaries.items() if path is None]
    if missing:
        pytest.skip(f"PostgreSQL tests need {' and '.join(missing)} on PATH or under "
                    "/usr/lib/postgresql/*/bin (install the postgresql server package)")
    cluster = _Cluster(str(binaries["initdb"]), str(binaries["pg_ctl"]))
    try:
        port = cluster.start()
        server = f"postgresql+psycopg://{PG_SUPERUSER}@127.0.0.1:{port}"
        admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text("CREATE DATABASE anklet"))
        finally:
            admin.dispose()
        yield f"{server}/anklet"
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def _postgres_admin(postgres_url: str) -> Iterator[Engine]:
    """An autocommit engine on the throwaway server, for creating and dropping databases."""
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, migrated database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'anklet.db'}"
        _migrate(url)
        yield url
        return
    base: str = request.getfixturevalue("postgres_url")
    admin: Engine = request.getfixturevalue("_postgres_admin")
    name = f"test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = base.rsplit("/", 1)[0] + f"/{name}"
        _migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the fresh database of ``db_url`` (disposed after the test)."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()
