"""Messages: one thread per client between the client and their coach, and a coach's comments
on the client's logged sessions.

Only two accounts take part in a thread: the person's coach and the person's own client
account. A self-coached person has no coach, so no thread (their pages say so); anyone else
gets NotFoundError, exactly as for a person who does not exist.

Each message posted queues one email to the other side (:mod:`anklet.services.outbox` sends
it, keyed by the message so it goes once). The email says who wrote and links to the thread,
but never carries the message itself: mail passes through other people's servers and lands
on shared screens and lock screens, and what a client writes about their pain is health
information that stays behind the sign-in.

Unread counts come from ``message_reads`` (how far each account has read each thread): a
client counts their coach's messages, a coach their client's, and a coach's whole list is
counted in one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from anklet.domain.errors import ConflictError, InputError, NotFoundError
from anklet.domain.history import MESSAGE_MAX, History, ThreadMessage
from anklet.domain.text import TEXT_ACCEPTED, safe_echo, text_problem
from anklet.services import accounts as account_service
from anklet.store.accounts import Account
from anklet.store.messages import MessageRepository, StoredMessage
from anklet.store.uow import UnitOfWork

__all__ = ["MESSAGE_MAX", "NoThreadError", "StoredMessage", "Thread", "check_body",
           "comments_by_session", "export", "mark_read", "post", "restore", "side_of",
           "thread", "unread_for_client", "unread_for_coach"]

BODY_ACCEPTED = f"a message of 1 to {MESSAGE_MAX} characters"


class NoThreadError(ConflictError):
    """A self-coached person has no coach to write to (nor a coach, a thread to read)."""

    def __init__(self) -> None:
        super().__init__("A self-coached person has no coach, so there are no messages to "
                         "read or send. Messages are between a coach and their client.")


@dataclass(frozen=True)
class Thread:
    key: str
    side: str  # the reader's side: coach | client
    messages: list[StoredMessage]
    other_name: str | None  # the coach's name for a client, the client's for a coach
    unread_before: int  # the last message id the reader had read before this visit


def _repo(uow: UnitOfWork) -> MessageRepository:
    return MessageRepository(uow.connection)


def side_of(uow: UnitOfWork, account: Account, key: str) -> str:
    """The account's side in the person's thread: ``coach`` or ``client``.

    NotFoundError when the account may not see the person (as for nobody at all);
    NoThreadError for a self-coached person, who has no coach."""
    if not account_service.can_see(uow, account, key):
        raise NotFoundError("person", key)
    if account.role == "coach":
        return "coach"
    if account.role == "client":
        return "client"
    raise NoThreadError()


def check_body(body: str) -> str:
    """The message with one line-break style (``\\n``) and no blank edges; InputError naming
    ``body`` when it is empty, too long or holds control characters."""
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if (why := text_problem(text)) is not None:
        raise InputError("body", safe_echo(text[:80]), f"{TEXT_ACCEPTED}: {why}")
    if not text:
        raise InputError("body", "", f"{BODY_ACCEPTED} (this one is empty)")
    if len(text) > MESSAGE_MAX:
        raise InputError("body", f"{len(text)} characters", BODY_ACCEPTED)
    return text


def _recipient(uow: UnitOfWork, key: str, side: str) -> Account | None:
    if side == "coach":
        account = uow.accounts.by_person(key)
        return account if account is not None and account.role == "client" else None
    coach_id = uow.accounts.coach_of(key)
    return uow.accounts.by_id(coach_id) if coach_id is not None else None


def post(uow: UnitOfWork, account: Account, key: str, body: str, *,
         session_id: int | None = None, now: dt.datetime | None = None) -> StoredMessage:
    """Post a message in the person's thread (``session_id``: the coach's comment on that
    session, which must be the person's), mark the thread read up to it for the writer, and
    queue an email to the other side. Nothing is stored when anything refuses."""
    side = side_of(uow, account, key)
    text = check_body(body)
    repo = _repo(uow)
    if session_id is not None:
        if side != "coach":
            raise InputError("session", str(session_id),
                             "comments on sessions come from the coach; write your answer "
                             "in the messages")
        if repo.session_of(key, session_id) is None:
            raise NotFoundError("session", session_id)
    now = now or dt.datetime.now(dt.UTC)
    new_id = repo.add(key, author_id=account.id, author_role=side, author_name=account.name,
                      body=text, created_at=now, session_id=session_id)
    repo.mark_read(account.id, key, new_id)
    to = _recipient(uow, key, side)
    if to is not None:
        person = repo.person_name(key)
        uow.accounts.queue_mail(
            key=f"message:{new_id}", account_id=to.id, template="message", now=now,
            values={"person": key, "path": f"/people/{key}/messages", "to_name": to.name,
                    "from_name": account.name, "from_coach": side == "coach",
                    "comment": session_id is not None, "client": person})
    return next(m for m in repo.thread(key, limit=1))


def thread(uow: UnitOfWork, account: Account, key: str, *, limit: int | None = None) -> Thread:
    """The person's thread as this account reads it, oldest first (not marked read)."""
    side = side_of(uow, account, key)
    repo = _repo(uow)
    messages = repo.thread(key, limit=limit)
    if side == "coach":
        other = uow.accounts.by_person(key)
        other_name = other.name if other is not None and other.role == "client" else None
    else:
        coach_id = uow.accounts.coach_of(key)
        coach = uow.accounts.by_id(coach_id) if coach_id is not None else None
        other_name = coach.name if coach is not None else None
    return Thread(key, side, messages, other_name, repo.last_read(account.id, key))


def mark_read(uow: UnitOfWork, account: Account, key: str, up_to: int) -> None:
    """The account has read the person's thread up to message ``up_to``."""
    side_of(uow, account, key)
    if up_to > 0:
        _repo(uow).mark_read(account.id, key, up_to)


def unread_for_coach(uow: UnitOfWork, coach: Account) -> dict[str, int]:
    """Unread client messages per person on the coach's list (one query)."""
    if coach.role != "coach":
        return {}
    return _repo(uow).unread_for_coach(coach.id)


def unread_for_client(uow: UnitOfWork, account: Account) -> int:
    """Unread messages from the coach in a client's own thread (0 for anyone else)."""
    if account.role != "client" or not account.person_key:
        return 0
    return _repo(uow).unread(account.id, [account.person_key],
                             from_role="coach").get(account.person_key, 0)


def comments_by_session(uow: UnitOfWork, key: str) -> tuple[list[int], dict[int, list[StoredMessage]]]:
    """The person's session ids in the history's order, and the comments on each (the
    caller has checked the account may see the person)."""
    repo = _repo(uow)
    return [i for i, _ in repo.session_ids(key)], repo.comments(key)


# --- the export -------------------------------------------------------------------------


def export(uow: UnitOfWork, history: History) -> History:
    """The history with its thread (``messages``), left out when there is none."""
    stored = _repo(uow).thread(history.person.id)
    if not stored:
        return history
    return history.model_copy(update={"messages": [
        ThreadMessage(at=m.created_at, author=m.author_role,
                      name=m.author_name or "—", text=m.body, session=m.session_date)
        for m in stored]})


def restore(uow: UnitOfWork, key: str, messages: Sequence[ThreadMessage]) -> None:
    """Store an imported history's messages in the person's (new or emptied) thread; a
    comment goes with the first session of its day, if there is one."""
    repo = _repo(uow)
    first_of_day: dict[dt.date, int] = {}
    for sid, day in repo.session_ids(key):
        first_of_day.setdefault(day, sid)
    repo.add_many(key, [
        {"author_role": m.author, "author_name": m.name, "body": m.text,
         "created_at": m.at,
         "session_id": first_of_day.get(m.session) if m.session is not None else None}
        for m in sorted(messages, key=lambda m: m.at)])
