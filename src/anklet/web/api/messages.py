"""Messages: a person's thread with their coach, read and written.

Only the person's coach and the person's own client account take part (anyone else: 404, as
for nobody). A self-coached person has no coach, so no thread: 409, saying so. Reading the
thread marks it read for this account. Posting queues an email to the other side saying
that they wrote (never the message itself). A coach may comment on one of the person's
sessions (``session``); a client's ``session`` answers 422, another person's session 404.
"""

from __future__ import annotations

from fastapi import Response

from anklet.services import messages as service
from anklet.store.errors import StoreError
from anklet.store.messages import StoredMessage
from anklet.web.api.common import Key, make_router, send, visible
from anklet.web.deps import ApiAccount, Ctx, Uow
from anklet.web.schemas.common import INVALID, NOT_FOUND, ErrorPublic, Responses
from anklet.web.schemas.messages import MessageCreate, MessagePublic, MessagesPublic

router = make_router("messages")

NO_THREAD: Responses = {409: {"model": ErrorPublic, "description": (
    "The person is self-coached: there is no coach, so no messages.")}}
SHOWN = 500


def _public(m: StoredMessage, side: str) -> dict[str, object]:
    return MessagePublic(id=m.id, at=m.created_at, author=m.author_role,
                         name=m.author_name, mine=m.author_role == side, body=m.body,
                         session=m.session_id, session_date=m.session_date
                         ).model_dump(mode="json")


@router.get("/people/{key}/messages", response_model=MessagesPublic,
            responses={**NOT_FOUND, **INVALID, **NO_THREAD})
def list_messages(key: Key, account: ApiAccount, uow: Uow, ctx: Ctx) -> Response:
    """The person's thread with their coach, oldest first (the newest 500), and how many
    were unread; reading marks them read for this account."""
    visible(uow, account, key)
    thread = service.thread(uow, account, key, limit=SHOWN)
    unread = sum(1 for m in thread.messages
                 if m.author_role != thread.side and m.id > thread.unread_before)
    if unread:  # a write only when there is something new
        try:
            with ctx.writing(uow) as w:
                service.mark_read(w, account, key, thread.messages[-1].id)
        except StoreError:
            pass  # only the unread count: the database is busy, the next read marks it
    data = [_public(m, thread.side) for m in thread.messages]
    return send({"data": data, "count": len(data), "unread": unread})


@router.post("/people/{key}/messages", status_code=201, response_model=MessagePublic,
             responses={**NOT_FOUND, **INVALID, **NO_THREAD})
def post_message(key: Key, body: MessageCreate, account: ApiAccount, uow: Uow) -> Response:
    """Write to the person's thread (a client to their coach, a coach to their client), or,
    as the coach, comment on one of the person's sessions. The other side gets an email
    saying so, with a link (never the message)."""
    visible(uow, account, key)
    side = service.side_of(uow, account, key)
    made = service.post(uow, account, key, body.body, session_id=body.session)
    uow.commit()
    return send(_public(made, side), 201)
