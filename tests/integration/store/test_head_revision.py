"""The cheap "is the schema up to date?" check: the newest revision, read from the migration
files, is Alembic's own head; a database at it is only read; any other is migrated."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from anklet.store import db
from anklet.store.db import alembic_config, at_head, head_revision, make_engine, migrate


def test_head_revision_equals_alembic_s_head() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_at_head_is_false_for_a_new_database_and_true_once_migrated(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        assert not at_head(engine)
        migrate(engine)
        assert at_head(engine)
    finally:
        engine.dispose()


def test_migrate_brings_a_database_one_revision_behind_to_the_head(tmp_path: Path) -> None:
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        migrate(engine)
        previous = ScriptDirectory.from_config(alembic_config()).get_revision(
            head_revision()).down_revision
        cfg = alembic_config()
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, str(previous))
        assert not at_head(engine)
        migrate(engine)
        assert at_head(engine)
        assert "people" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_head_revision_follows_a_new_migration_file(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "0001_a.py").write_text('revision: str = "0001"\n'
                                        "down_revision: str | None = None\n")
    (versions / "0002_b.py").write_text("revision = '0002'\ndown_revision = '0001'\n")
    monkeypatch.setattr(db, "MIGRATIONS_DIR", tmp_path)
    db.head_revision.cache_clear()
    try:
        assert head_revision() == "0002"
    finally:
        db.head_revision.cache_clear()  # the next caller reads the real folder again
