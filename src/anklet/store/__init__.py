"""Storage adapter: SQLAlchemy tables, repositories, the unit of work and Alembic migrations.

Open an engine with :func:`make_engine`, bring the schema up to date with
:func:`migrate`, then do each command inside one :class:`UnitOfWork`::

    engine = make_engine("sqlite:///anklet.db")
    migrate(engine)
    with UnitOfWork(engine) as uow:
        uow.people.add(history)
        uow.commit()
"""

from anklet.store.db import make_engine, migrate
from anklet.store.errors import StoreError
from anklet.store.repository import PersonRepository, PersonSummary
from anklet.store.uow import UnitOfWork

__all__ = [
    "PersonRepository",
    "PersonSummary",
    "StoreError",
    "UnitOfWork",
    "make_engine",
    "migrate",
]
