"""People and their whole history: create, get, list, delete, import, export."""

from __future__ import annotations

import builtins

from anklet.domain.decisions import validate_references
from anklet.domain.errors import ConflictError
from anklet.domain.exercises import Library
from anklet.domain.history import History, Intake, Person
from anklet.domain.protocol import Protocol
from anklet.domain.text import check_line
from anklet.store.repository import PersonSummary
from anklet.store.uow import UnitOfWork


def create(uow: UnitOfWork, *, person: Person, intake: Intake | None = None) -> History:
    """Create a person (optionally with their intake); the name must be one line of text."""
    check_line("name", person.name)
    history = History(person=person, intake=intake)
    uow.people.add(history)
    return history


def get(uow: UnitOfWork, *, key: str) -> History:
    """A person's whole history; NotFoundError if there is no such person."""
    return uow.people.get(key)


def list(uow: UnitOfWork) -> builtins.list[PersonSummary]:
    """Everyone, with their last stored decision."""
    return uow.people.list()


def delete(uow: UnitOfWork, *, key: str) -> None:
    """Delete a person and all their data."""
    uow.people.delete(key)


def import_history(uow: UnitOfWork, *, history: History, protocol: Protocol, library: Library,
                   replace: bool = False, source: str = "history") -> History:
    """Store a whole history document; ``replace`` swaps an existing person's data for it."""
    validate_references(history, protocol, library, source=source)
    if uow.people.exists(history.person.id):
        if not replace:
            raise ConflictError(
                f"A person with id {history.person.id!r} already exists. Use --replace to "
                f"overwrite their data with the file, or change person.id in the file.")
        uow.people.delete(history.person.id)
        uow.session.flush()
    uow.people.add(history)
    return history
