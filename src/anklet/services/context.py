"""What every command needs: the database engine, the protocol and the exercise library."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from anklet.domain.exercises import Library
from anklet.domain.protocol import Protocol
from anklet.services.data_files import load_instruments, load_library, load_protocol
from anklet.settings import Settings
from anklet.store.db import make_engine, migrate
from anklet.store.uow import UnitOfWork


@dataclass(frozen=True)
class Context:
    settings: Settings
    engine: Engine
    protocol: Protocol
    library: Library

    def uow(self, *, write: bool = True) -> UnitOfWork:
        """A new unit of work (one transaction) on this context's database; ``write=False``
        for one that only reads (it never waits for writers, and must not write)."""
        return UnitOfWork(self.engine, write=write)

    @contextmanager
    def writing(self, uow: UnitOfWork) -> Iterator[UnitOfWork]:
        """Somewhere to write from inside ``uow``, committed when the block ends well: ``uow``
        itself when it writes, else a short write unit of work of its own (a page that only
        reads but now and then stores a decision it re-made, say). Never one inside another
        writing one: that would wait for its own lock."""
        if uow.writes:
            yield uow
            uow.commit()
            return
        with self.uow() as own:
            yield own
            own.commit()


def open_context(settings: Settings, *, migrate_schema: bool = True) -> Context:
    """Load the protocol and library (validated, or as validated before: see
    :mod:`anklet.services.data_files`) and open the database, creating the schema."""
    protocol = load_protocol(settings.protocol_file)
    library = load_library(settings.exercises_file)
    load_instruments()  # the decisions score questionnaires with them
    engine = make_engine(settings.database_url)
    if migrate_schema:
        migrate(engine)
    return Context(settings, engine, protocol, library)
