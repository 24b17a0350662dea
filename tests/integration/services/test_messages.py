"""Messages between a coach and their client: who may read and write, unread counts (a
coach's whole list in one query), comments on sessions (only the person's own), the email
to the other side (a link, never the message) through a real SMTP server on loopback, and
the export and import of the thread; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import event

from anklet.domain.errors import InputError, NotFoundError
from anklet.domain.history import ExerciseLog, History, Intake, Session
from anklet.services import accounts as account_service
from anklet.services import messages, outbox, people
from anklet.services.context import Context
from anklet.store.accounts import Account
from anklet.store.messages import MessageRepository
from mailtools import Mailbox

PASSWORD = "correct horse battery"
TODAY = dt.date.today()


class World:
    """Coach Casey with client Cleo (signed up) and Dan (no sign-in); coach Olive with
    client Otto; Sol coaches herself."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        with ctx.uow() as uow:
            self.casey = account_service.create_account(
                uow, email="casey@example.org", name="Casey Coach", password=PASSWORD,
                role="coach")
            self.cleo_key = account_service.add_client(
                uow, coach=self.casey, name="Cleo Client",
                intake=Intake(date=TODAY - dt.timedelta(days=21))).person.id
            self.cleo = account_service.create_account(
                uow, email="cleo@example.org", name="Cleo Client", password=PASSWORD,
                role="client", person_key=self.cleo_key)
            self.dan_key = account_service.add_client(
                uow, coach=self.casey, name="Dan Doe",
                intake=Intake(date=TODAY - dt.timedelta(days=21))).person.id
            self.olive = account_service.create_account(
                uow, email="olive@example.org", name="Olive Other", password=PASSWORD,
                role="coach")
            self.otto_key = account_service.add_client(
                uow, coach=self.olive, name="Otto Other",
                intake=Intake(date=TODAY - dt.timedelta(days=21))).person.id
            self.sol = account_service.sign_up(uow, email="sol@example.org", name="Sol Solo",
                                               password=PASSWORD, role="self")
            uow.commit()

    def post(self, who: Account, key: str, body: str, **kw: object) -> messages.StoredMessage:
        with self.ctx.uow() as uow:
            made = messages.post(uow, who, key, body, **kw)  # type: ignore[arg-type]
            uow.commit()
        return made

    def session(self, key: str, day: dt.date) -> int:
        with self.ctx.uow() as uow:
            uow.people.add_session(key, Session(
                date=day, exercises=[ExerciseLog(exercise_id="seated-forefoot-roll",
                                                 side="left")], pain_during=1))
            uow.commit()
            return MessageRepository(uow.connection).session_ids(key)[-1][0]


@pytest.fixture
def world(ctx: Context) -> World:
    return World(ctx)


def test_post_message_coach_and_client_read_each_other_and_counts_go_down(
        world: World, ctx: Context) -> None:
    world.post(world.casey, world.cleo_key, "  How did it go?\r\nAny pain?  ")
    world.post(world.casey, world.cleo_key, "And the hops?")
    with ctx.uow(write=False) as uow:
        assert messages.unread_for_client(uow, world.cleo) == 2
        assert messages.unread_for_coach(uow, world.casey) == {}  # his own are read
        thread = messages.thread(uow, world.cleo, world.cleo_key)
    assert [m.body for m in thread.messages] == ["How did it go?\nAny pain?", "And the hops?"]
    assert thread.side == "client"
    assert thread.other_name == "Casey Coach"
    with ctx.uow() as uow:
        messages.mark_read(uow, world.cleo, world.cleo_key, thread.messages[-1].id)
        uow.commit()
    reply = world.post(world.cleo, world.cleo_key, "Fine, no pain.")
    assert reply.author_role == "client"
    with ctx.uow(write=False) as uow:
        assert messages.unread_for_client(uow, world.cleo) == 0
        assert messages.unread_for_coach(uow, world.casey) == {world.cleo_key: 1}


def test_unread_for_coach_counts_whole_list_in_one_query(world: World, ctx: Context) -> None:
    world.post(world.cleo, world.cleo_key, "one")
    world.post(world.cleo, world.cleo_key, "two")
    with ctx.uow() as uow:  # Dan has no sign-in: say a message came with an import
        MessageRepository(uow.connection).add(
            world.dan_key, author_id=None, author_role="client", author_name="Dan Doe",
            body="imported", created_at=dt.datetime.now(dt.UTC))
        uow.commit()
    world.post(world.olive, world.otto_key, "not Casey's")
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    with ctx.uow(write=False) as uow:
        event.listen(ctx.engine, "before_cursor_execute", count)
        try:
            unread = messages.unread_for_coach(uow, world.casey)
        finally:
            event.remove(ctx.engine, "before_cursor_execute", count)
    assert unread == {world.cleo_key: 2, world.dan_key: 1}
    assert len([s for s in statements if "messages" in s]) == 1


def test_post_message_refused_for_anyone_but_coach_and_client(world: World, ctx: Context) -> None:
    for who, key in ((world.olive, world.cleo_key), (world.cleo, world.dan_key),
                     (world.sol, world.cleo_key)):
        with ctx.uow() as uow, pytest.raises(NotFoundError):
            messages.post(uow, who, key, "hello")
        with ctx.uow(write=False) as uow, pytest.raises(NotFoundError):
            messages.thread(uow, who, key)
    assert world.sol.person_key is not None
    with ctx.uow() as uow, pytest.raises(messages.NoThreadError, match="no coach"):
        messages.post(uow, world.sol, world.sol.person_key, "hello me")


@pytest.mark.parametrize(("body", "why"), [
    ("", "empty"), (" \r\n\t ", "empty"), ("x" * 4001, "1 to 4000 characters"),
    ("bell\x07", "control character"), ("nul\x00", "NUL")])
def test_post_message_refused_with_bad_body(world: World, ctx: Context, body: str,
                                            why: str) -> None:
    with ctx.uow() as uow, pytest.raises(InputError, match=why) as info:
        messages.post(uow, world.casey, world.cleo_key, body)
    assert info.value.field == "body"
    with ctx.uow(write=False) as uow:
        assert MessageRepository(uow.connection).thread(world.cleo_key) == []
        assert uow.accounts.queued_mail() == []


def test_comment_on_session_only_the_persons_own_and_only_by_the_coach(
        world: World, ctx: Context) -> None:
    sid = world.session(world.cleo_key, TODAY)
    other = world.session(world.dan_key, TODAY)
    made = world.post(world.casey, world.cleo_key, "Good session.", session_id=sid)
    assert made.session_id == sid
    assert made.session_date == TODAY
    with ctx.uow() as uow, pytest.raises(NotFoundError):
        messages.post(uow, world.casey, world.cleo_key, "wrong person", session_id=other)
    with ctx.uow() as uow, pytest.raises(InputError, match="from the coach"):
        messages.post(uow, world.cleo, world.cleo_key, "me too", session_id=sid)
    with ctx.uow(write=False) as uow:
        ids, notes = messages.comments_by_session(uow, world.cleo_key)
    assert ids == [sid]
    assert [m.body for m in notes[sid]] == ["Good session."]


def test_post_message_emails_the_other_side_a_link_without_the_message(
        world: World, ctx: Context, mailbox: Mailbox) -> None:
    world.post(world.casey, world.cleo_key, "Your private pain details")
    world.post(world.cleo, world.cleo_key, "My knee hurts at night")
    world.post(world.casey, world.dan_key, "Dan has no sign-in: nobody to email")
    with ctx.uow(write=False) as uow:
        keys = [row[0] for row in uow.accounts.queued_mail()]
    assert len(keys) == 2
    assert all(k.startswith("message:") for k in keys)
    assert outbox.deliver(ctx) == outbox.Delivery(sent=2)
    to_cleo, to_casey = mailbox.wait(2)
    assert to_cleo["To"] == "cleo@example.org"
    assert to_cleo["Subject"] == "A message from your coach, Casey Coach"
    assert to_casey["To"] == "casey@example.org"
    assert to_casey["Subject"] == "A message from Cleo Client"
    for m in (to_cleo, to_casey):
        text = Mailbox.text(m)
        assert f"https://anklet.example.org/people/{world.cleo_key}/messages" in text
        assert "pain details" not in text
        assert "knee hurts" not in text
    assert outbox.deliver(ctx) == outbox.Delivery()  # each sent once


def test_export_and_import_history_keep_the_thread(world: World, ctx: Context) -> None:
    sid = world.session(world.cleo_key, TODAY - dt.timedelta(days=1))
    world.post(world.casey, world.cleo_key, "Nice one.", session_id=sid)
    world.post(world.cleo, world.cleo_key, "Thanks!\nSee you.")
    with ctx.uow(write=False) as uow:
        doc = json.loads(people.export(uow, key=world.cleo_key).to_json())
        plain = json.loads(people.export(uow, key=world.dan_key).to_json())
    assert "messages" not in plain  # none: left out
    assert [(m["author"], m["name"], m["text"], m.get("session")) for m in doc["messages"]] == [
        ("coach", "Casey Coach", "Nice one.", (TODAY - dt.timedelta(days=1)).isoformat()),
        ("client", "Cleo Client", "Thanks!\nSee you.", None)]
    history = History.model_validate({**doc, "person": {**doc["person"], "id": "cleo-copy"}})
    with ctx.uow() as uow:
        people.import_history(uow, history=history, protocol=ctx.protocol,
                              library=ctx.library)
        uow.commit()
    with ctx.uow(write=False) as uow:
        again = json.loads(people.export(uow, key="cleo-copy").to_json())
        ids, notes = messages.comments_by_session(uow, "cleo-copy")
    assert again["messages"] == doc["messages"]
    assert [m.body for m in notes[ids[0]]] == ["Nice one."]
    # replacing from a file written before messages were exported keeps the thread
    older = History.model_validate({k: v for k, v in doc.items() if k != "messages"})
    with ctx.uow() as uow:
        people.import_history(uow, history=older, protocol=ctx.protocol, library=ctx.library,
                              replace=True)
        uow.commit()
    with ctx.uow(write=False) as uow:
        kept = json.loads(people.export(uow, key=world.cleo_key).to_json())
    assert kept["messages"] == doc["messages"]


def test_delete_person_deletes_their_messages(world: World, ctx: Context) -> None:
    world.post(world.casey, world.cleo_key, "Bye")
    with ctx.uow() as uow:
        people.delete(uow, key=world.cleo_key)
        uow.commit()
    with ctx.uow(write=False) as uow:
        from sqlalchemy import func, select

        from anklet.store import tables as t

        assert uow.connection.execute(select(func.count()).select_from(t.messages)).scalar() == 0
        assert uow.connection.execute(
            select(func.count()).select_from(t.message_reads)).scalar() == 0


def test_thread_knows_what_was_read_when_answers_came_in_between(
        world: World, ctx: Context) -> None:
    first = world.post(world.casey, world.cleo_key, "Unread by Cleo")
    with ctx.uow() as uow:  # a message of hers that came another way (an import)
        MessageRepository(uow.connection).add(
            world.cleo_key, author_id=None, author_role="client", author_name="Cleo Client",
            body="imported", created_at=dt.datetime.now(dt.UTC))
        uow.commit()
    with ctx.uow(write=False) as uow:
        thread = messages.thread(uow, world.cleo, world.cleo_key)
        assert thread.unread_before == 0
        assert messages.unread_for_client(uow, world.cleo) == 1
    with ctx.uow() as uow:
        messages.mark_read(uow, world.cleo, world.cleo_key, first.id)
        messages.mark_read(uow, world.cleo, world.cleo_key, first.id - 1)  # never back
        uow.commit()
    with ctx.uow(write=False) as uow:
        assert messages.thread(uow, world.cleo, world.cleo_key).unread_before == first.id
        assert messages.unread_for_client(uow, world.cleo) == 0
