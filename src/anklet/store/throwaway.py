"""A throwaway PostgreSQL server for tests and benchmarks, from the machine's binaries.

``initdb`` refuses to run as root; under root (containers, CI) the server runs
as the ``postgres`` user (or ``nobody``) through ``runuser``, in a temporary
folder owned by that user. Nothing here is used by the product at run time.
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
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text


class UnavailableError(Exception):
    """PostgreSQL cannot be started here; the message says why."""


PG_BINARIES = ("initdb", "pg_ctl")
PG_SUPERUSER = "postgres"
RUN_AS_CANDIDATES = ("postgres", "nobody")


def pg_bin(name: str) -> str | None:
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


class Cluster:
    """A PostgreSQL cluster in a temporary folder, run as another user when we are root."""

    def __init__(self, initdb: str, pg_ctl: str, base: Path | None = None) -> None:
        self.initdb, self.pg_ctl = initdb, pg_ctl
        # Under /tmp when there is one: short enough for a Unix socket path (107 bytes) and
        # reachable by the user the server runs as, wherever TMPDIR points.
        short = "/tmp" if os.path.isdir("/tmp") and os.access("/tmp", os.W_OK) else None
        if base is not None:
            base.mkdir(parents=True, exist_ok=True)
            self.base = base
        else:
            self.base = Path(tempfile.mkdtemp(prefix="anklet-pg-", dir=short))
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            user = next((u for u in RUN_AS_CANDIDATES if user_exists(u)), None)
            runuser = shutil.which("runuser")
            if user is None or runuser is None:
                shutil.rmtree(self.base, ignore_errors=True)
                raise UnavailableError("running as root, and initdb refuses root: need `runuser` and "
                                  f"a user among {RUN_AS_CANDIDATES} to run PostgreSQL as")
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
        if not (self.data / "PG_VERSION").exists():
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

    def stop(self, *, remove: bool = True) -> None:
        with contextlib.suppress(RuntimeError):
            self.run(self.pg_ctl, "-D", str(self.data), "-m", "fast" if not remove else
                     "immediate", "-w", "stop")
        if remove:
            shutil.rmtree(self.base, ignore_errors=True)


def user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True



@contextlib.contextmanager
def kept_server(folder: Path, database: str = "anklet") -> Iterator[tuple[str, bool]]:
    """Like :func:`server`, but the cluster lives in ``folder`` and is kept for the next run.

    Yields the URL and whether the database is new (empty). For benchmarks whose data takes
    long to build.
    """
    binaries = {name: pg_bin(name) for name in PG_BINARIES}
    missing = [name for name, path in binaries.items() if path is None]
    if missing:
        raise UnavailableError(f"PostgreSQL needs {' and '.join(missing)} on PATH")
    cluster = Cluster(str(binaries["initdb"]), str(binaries["pg_ctl"]), base=folder.resolve())
    marker = folder / f"{database}.ready"
    try:
        port = cluster.start()
        base = f"postgresql+psycopg://{PG_SUPERUSER}@127.0.0.1:{port}"
        fresh = not marker.exists()
        if fresh:
            admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
            try:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
                    conn.execute(text(f'CREATE DATABASE "{database}"'))
            finally:
                admin.dispose()
        yield f"{base}/{database}", fresh
        marker.touch()
    finally:
        cluster.stop(remove=False)


@contextlib.contextmanager
def server(database: str = "anklet") -> Iterator[str]:
    """Start a throwaway server, create ``database``, yield its URL; stop and remove on exit."""
    binaries = {name: pg_bin(name) for name in PG_BINARIES}
    missing = [name for name, path in binaries.items() if path is None]
    if missing:
        raise UnavailableError(f"PostgreSQL needs {' and '.join(missing)} on PATH or under "
                          "/usr/lib/postgresql/*/bin (install the postgresql server package)")
    cluster = Cluster(str(binaries["initdb"]), str(binaries["pg_ctl"]))
    try:
        port = cluster.start()
        base = f"postgresql+psycopg://{PG_SUPERUSER}@127.0.0.1:{port}"
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{database}"'))
        finally:
            admin.dispose()
        yield f"{base}/{database}"
    finally:
        cluster.stop()
