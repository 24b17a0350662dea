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


def export(uow: UnitOfWork, *, key: str) -> History:
    """A person's whole history as exported: with their messages with their coach
    (``messages``, left out when there are none; the decisions never read them)."""
    from anklet.services import messages  # the accounts service, only when needed

    return messages.export(uow, uow.people.get(key))


def list(uow: UnitOfWork) -> builtins.list[PersonSummary]:
    """Everyone, with their last stored decision."""
    return uow.people.list()


def delete(uow: UnitOfWork, *, key: str) -> None:
    """Delete a person and all their data, with the sign-in that opens them (a client's or
    a self-coached person's): an account left with no person could only loop between pages
    it may not see. The web page and ``anklet delete`` both come here."""
    uow.people.get(key)  # NotFoundError names a missing person before anything changes
    account = uow.accounts.by_person(key)
    if account is not None:
        uow.accounts.delete(account.id)
    uow.people.delete(key)


def import_history(uow: UnitOfWork, *, history: History, protocol: Protocol, library: Library,
                   replace: bool = False, source: str = "history") -> History:
    """Store a whole history document; ``replace`` swaps an existing person's data for it."""
    from anklet.services import messages  # the accounts service, only when needed

    validate_references(history, protocol, library, source=source)
    if uow.people.exists(history.person.id):
        if not replace:
            raise ConflictError(
                f"A person with id {history.person.id!r} already exists. Use --replace to "
                f"overwrite their data with the file, or change person.id in the file.")
        replace_data(uow, history)
        return history
    uow.people.add(history)
    if history.messages:
        messages.restore(uow, history.person.id, history.messages)
    return history


def replace_data(uow: UnitOfWork, history: History) -> None:
    """Swap a stored person's data for ``history`` (same id), keeping their sign-in and
    their coach: those rows hang on the stored person and would otherwise go with it (a
    client left signed in to nobody, a coach who no longer sees them)."""
    from anklet.services import messages  # the accounts service, only when needed

    key = history.person.id
    account = uow.accounts.by_person(key)
    coach = uow.accounts.coach_of(key)
    # the thread with the coach: the file's when it has one, else the one stored (a file
    # written before messages were exported must not wipe the conversation)
    thread = (history.messages if history.messages is not None
              else messages.export(uow, uow.people.get(key)).messages)
    uow.people.delete(key)
    uow.people.add(history)
    if thread:
        messages.restore(uow, key, thread)
    if account is not None:
        uow.accounts.link_person(account.id, key)
    if coach is not None:
        uow.accounts.set_coach(key, coach)
