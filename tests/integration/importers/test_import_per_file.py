"""Imports commit file by file: others can write in between, a stopped import keeps what it
had done, and running it again adds only the rest. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from anklet.domain.history import History, Person
from anklet.importers import Source, read_paths
from anklet.services import activities
from anklet.services.activities import FileReport
from anklet.store import tables as t
from anklet.store.uow import UnitOfWork

FILES = ["activity-small-fenix2-run.fit", "garmin-fenix-5-run.fit", "garmin-fenix-5-walk.fit",
         "garmin-fenix-5-bike.fit", "cerknicko-jezero.gpx", "korita-zbevnica.gpx"]
BAD = "activity-unexpected-eof.fit"


def _person(engine: Engine, key: str = "sam") -> None:
    with UnitOfWork(engine) as uow:
        uow.people.add(History(person=Person(id=key, name="Sam")))
        uow.commit()


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(
            select(func.count()).select_from(t.recorded_activities)).scalar_one())


def _import(engine: Engine, sources: Iterator[Source] | list[Source],
            on_report: object = None) -> list[FileReport]:
    with UnitOfWork(engine) as uow:
        extra = {} if on_report is None else {"on_report": on_report}
        reports = activities.create(uow, key="sam", sources=sources,
                                    **extra)  # type: ignore[arg-type]
        uow.commit()
    return reports


def test_import_commits_each_file_as_it_goes(engine: Engine, shared: Path) -> None:
    _person(engine)
    stored_when_reported: list[int] = []

    def seen_from_elsewhere(report: FileReport) -> None:
        stored_when_reported.append(_count(engine))  # another connection, outside the import

    paths = [shared / FILES[0], shared / BAD, shared / FILES[1], shared / FILES[2]]
    reports = _import(engine, read_paths(paths), on_report=seen_from_elsewhere)
    assert [r.status for r in reports] == ["imported", "refused", "imported", "imported"]
    assert stored_when_reported == [1, 1, 2, 3]  # each good file was saved before the next


def test_import_stopped_halfway_keeps_what_was_done_and_a_rerun_adds_the_rest(
        engine: Engine, shared: Path) -> None:
    _person(engine)
    paths = [shared / name for name in FILES]

    def stopped_after_three() -> Iterator[Source]:
        for i, src in enumerate(read_paths(paths)):
            if i == 3:
                raise KeyboardInterrupt  # Ctrl-C in the middle of a long import
            yield src

    with pytest.raises(KeyboardInterrupt):
        _import(engine, stopped_after_three())
    assert _count(engine) == 3
    again = _import(engine, read_paths(paths))
    assert [r.status for r in again] == ["duplicate"] * 3 + ["imported"] * 3
    assert _count(engine) == len(FILES)
    assert [r.status for r in _import(engine, read_paths(paths))] == ["duplicate"] * len(FILES)
    assert _count(engine) == len(FILES)


def test_two_imports_at_once_both_finish_and_store_each_file_once(
        engine: Engine, shared: Path) -> None:
    _person(engine)
    paths = [shared / name for name in FILES]
    results: list[list[FileReport]] = []
    errors: list[BaseException] = []

    def run(order: list[Path]) -> None:
        try:
            results.append(_import(engine, read_paths(order)))
        except BaseException as e:  # any failure is the finding
            errors.append(e)

    threads = [threading.Thread(target=run, args=(paths,)),
               threading.Thread(target=run, args=(paths[::-1],))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=600)
    assert errors == []
    assert len(results) == 2
    assert all(r.status in ("imported", "duplicate") for rs in results for r in rs)
    assert sum(r.status == "imported" for rs in results for r in rs) == len(FILES)
    assert _count(engine) == len(FILES)


def test_two_import_commands_at_once_both_succeed(tmp_path: Path, shared: Path) -> None:
    db = f"sqlite:///{tmp_path / 'anklet.db'}"
    cmd = [str(Path(sys.executable).parent / "anklet"), "--db", db]
    env = {**os.environ, "HOME": str(tmp_path / "home"), "ANKLET_DATABASE_URL": db}
    subprocess.run([*cmd, "add-person", "sam", "--name", "Sam"], check=True,
                   capture_output=True, timeout=300, env=env)
    first = [str(shared / name) for name in FILES]
    procs = [subprocess.Popen([*cmd, "import", "--person", "sam", *files],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env=env)
             for files in (first, first[::-1])]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    runs = subprocess.run([*cmd, "runs", "sam", "--json"], check=True, capture_output=True,
                          text=True, timeout=300, env=env)
    assert runs.stdout.count('"content_hash"') == len(FILES)
