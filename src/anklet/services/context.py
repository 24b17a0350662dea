"""What every command needs: the database engine, the protocol and the exercise library."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from anklet.domain.exercises import Library, load_library
from anklet.domain.protocol import Protocol, load_protocol
from anklet.settings import Settings
from anklet.store.db import make_engine, migrate
from anklet.store.uow import UnitOfWork


@dataclass(frozen=True)
class Context:
    settings: Settings
    engine: Engine
    protocol: Protocol
    library: Library

    def uow(self) -> UnitOfWork:
        """A new unit of work (one transaction) on this context's database."""
        return UnitOfWork(self.engine)


def open_context(settings: Settings, *, migrate_schema: bool = True) -> Context:
    """Load the protocol and library (validated) and open the database, creating the schema."""
    protocol = load_protocol(settings.protocol_file)
    library = load_library(settings.exercises_file)
    engine = make_engine(settings.database_url)
    if migrate_schema:
        migrate(engine)
    return Context(settings, engine, protocol, library)
