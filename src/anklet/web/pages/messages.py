"""The messages page: a client's thread with their coach, at ``/people/{key}/messages``.

For the person's coach and the person's own client account (anyone else: 404, as for nobody).
A self-coached person has no coach: the page says so, with no form. Newest at the bottom,
the form below it; it works without JavaScript (a plain form post and a redirect back).
``?session=ID`` opens the form as the coach's comment on that session of the person's.
Opening the page marks the thread read for the reader.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from anklet.domain.errors import InputError, NotFoundError
from anklet.services import accounts as account_service
from anklet.services import messages as service
from anklet.services.context import Context
from anklet.store.accounts import Account
from anklet.store.errors import StoreError
from anklet.store.messages import MessageRepository, StoredMessage
from anklet.store.uow import UnitOfWork
from anklet.web.deps import Ctx, PageAccount, Uow, check_csrf
from anklet.web.templating import RECENT, flash, local_time, render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)

SHOWN = 200  # the newest messages a page shows


def _day(d: dt.date) -> str:
    return f"{d:%a} {d.day} {d:%b}"


def message_rows(messages: list[StoredMessage], side: str, *, last_read: int = 0
                 ) -> list[dict[str, Any]]:
    """What the template shows of each message."""
    return [{"id": m.id, "mine": m.author_role == side, "who": m.author_name,
             "coach": m.author_role == "coach", "when": local_time(m.created_at, RECENT),
             "new": m.author_role != side and m.id > last_read,
             "session": _day(m.session_date) if m.session_date else None,
             "paragraphs": m.body.split("\n")} for m in messages]


def _session_choice(uow: UnitOfWork, key: str, value: str | None) -> tuple[int, str] | None:
    """The session ``?session=`` names, if it is a session of this person's."""
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 2**31 - 1:
        raise InputError("session", value, "the id of one of this person's sessions")
    day = MessageRepository(uow.connection).session_of(key, int(value))
    if day is None:
        raise NotFoundError("session", value)
    return int(value), _day(day)


def _page(request: Request, uow: UnitOfWork, ctx: Context, account: Account, key: str, *,
          body: str = "", error: str | None = None, session: str | None = None,
          status_code: int = 200) -> Response:
    if not account_service.can_see(uow, account, key):
        raise NotFoundError("person", key)
    history_name = MessageRepository(uow.connection).person_name(key)
    own = account.role != "coach"
    back = "/me" if own else f"/people/{key}"
    if account.role == "self":
        return render(request, "messages/thread.html", account=account, key=key, own=own,
                      person_name=history_name, back=back, no_thread=True, status_code=status_code)
    thread = service.thread(uow, account, key, limit=SHOWN)
    choice = _session_choice(uow, key, session) if account.role == "coach" else None
    newest = thread.messages[-1].id if thread.messages else 0
    unread = any(m.author_role != thread.side and m.id > thread.unread_before
                 for m in thread.messages)
    if unread and status_code == 200:  # a write only when there is something new
        try:
            with ctx.writing(uow) as w:
                service.mark_read(w, account, key, newest)
        except StoreError:
            pass  # only the unread count: the database is busy, the next visit marks it
    return render(request, "messages/thread.html", account=account, key=key, own=own,
                  person_name=history_name, back=back, no_thread=False,
                  other=thread.other_name, side=thread.side,
                  rows=message_rows(thread.messages, thread.side,
                                    last_read=thread.unread_before),
                  body=body, error=error, session=choice, max_len=service.MESSAGE_MAX,
                  status_code=status_code)


@router.get("/people/{key}/messages")
def thread_page(request: Request, key: str, account: PageAccount, uow: Uow, ctx: Ctx,
                session: str | None = None) -> Response:
    return _page(request, uow, ctx, account, key, session=session)


@router.get("/me/messages")
def my_messages(account: PageAccount) -> Response:
    if account.role == "coach" or not account.person_key:
        return RedirectResponse("/coach" if account.role == "coach" else "/me", 303)
    return RedirectResponse(f"/people/{account.person_key}/messages", 303)


@router.post("/people/{key}/messages")
async def post_message(request: Request, key: str, account: PageAccount, uow: Uow,
                       ctx: Ctx) -> Response:
    form = await request.form()
    body = form.get("body")
    body = body if isinstance(body, str) else ""
    raw_session = form.get("session")
    session = raw_session if isinstance(raw_session, str) and raw_session else None
    if not account_service.can_see(uow, account, key):
        raise NotFoundError("person", key)
    try:
        choice = _session_choice(uow, key, session) if session else None
        service.post(uow, account, key, body, session_id=choice[0] if choice else None)
    except InputError as e:
        uow.rollback()
        if e.field != "body":
            raise
        why = e.accepted
        error = ("Write your message first." if not body.strip() else
                 f"That is too long: {len(body.strip())} characters, and a message holds "
                 f"up to {service.MESSAGE_MAX}." if len(body.strip()) > service.MESSAGE_MAX else
                 f"{why[:1].upper()}{why[1:]}.")
        return _page(request, uow, ctx, account, key, body=body, error=error,
                     session=session, status_code=422)
    uow.commit()
    flash(request, "Comment sent." if session else "Message sent.")
    return RedirectResponse(f"/people/{key}/messages#latest", 303)


__all__ = ["message_rows", "router"]
