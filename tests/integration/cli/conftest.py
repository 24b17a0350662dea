"""Fixtures for driving the real ``anklet`` command in-process.

``cli(*args)`` calls :func:`anklet.cli.app.main` with ``--db`` pointing at a fresh
SQLite file of the test, catches the ``SystemExit`` every run ends with, and returns
the exit code with what was written to stdout and stderr. No test ever reaches the
user's real data folder: the environment points every setting at ``tmp_path``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import anklet.cli.app as cli_app
import anklet.cli.common as cli_common
from anklet.services.context import Context


@dataclass(frozen=True)
class Result:
    """One finished run of the command."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """Stdout parsed as JSON (for ``--json`` runs and ``export``)."""
        return json.loads(self.out)

    @property
    def text(self) -> str:
        """Stdout and stderr with all runs of whitespace made one space (Rich wraps lines)."""
        return " ".join((self.out + "\n" + self.err).split())


Cli = Callable[..., Result]


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every setting and the data folder at the test's own folder."""
    monkeypatch.setenv("ANKLET_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.delenv("ANKLET_PROTOCOL_FILE", raising=False)
    monkeypatch.delenv("ANKLET_EXERCISES_FILE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))


@pytest.fixture(autouse=True)
def _dispose_engines(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each run opens its own engine (a real process would exit); close them after the test."""
    opened: list[Context] = []
    real = cli_common.open_context

    def recording(*args: Any, **kwargs: Any) -> Context:
        c = real(*args, **kwargs)
        opened.append(c)
        return c

    monkeypatch.setattr(cli_common, "open_context", recording)
    yield
    for c in opened:
        c.engine.dispose()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "a.db"


@pytest.fixture
def cli_url(db_path: Path) -> str:
    """The database every ``cli`` call of a test uses (override to run on PostgreSQL)."""
    return f"sqlite:///{db_path}"


def run_main(capsys: pytest.CaptureFixture[str], argv: list[str]) -> Result:
    """Run ``anklet argv`` in-process and return its exit code and output."""
    capsys.readouterr()  # forget what earlier runs printed
    with pytest.raises(SystemExit) as exc:
        cli_app.main(argv)
    out, err = capsys.readouterr()
    code = exc.value.code
    result = Result(code if isinstance(code, int) else (0 if code is None else 1), out, err)
    assert "Traceback" not in result.out
    assert "Traceback" not in result.err
    return result


@pytest.fixture
def cli_for(capsys: pytest.CaptureFixture[str]) -> Callable[[str], Cli]:
    """``cli_for(url)`` is a ``cli`` on another database (PostgreSQL, say)."""

    def make(url: str) -> Cli:
        def run(*args: object, db: bool = True) -> Result:
            argv = (["--db", url] if db else []) + [str(a) for a in args]
            return run_main(capsys, argv)

        return run

    return make


@pytest.fixture
def cli(cli_for: Callable[[str], Cli], cli_url: str) -> Cli:
    """``cli("people", "--json")`` runs ``anklet --db URL people --json``;
    ``cli(..., db=False)`` leaves ``--db`` out (the environment decides)."""
    return cli_for(cli_url)
