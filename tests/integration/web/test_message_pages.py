"""Messages on the web: a coach and their client write to each other on the thread page,
unread counts show on the client list, Today and the top bar, a coach comments on a logged
session and both see it under the session; anyone else gets 404, a self-coached person reads
that there is no coach to write to; bad input is refused with the reason and stores nothing."""

from __future__ import annotations

import datetime as dt
import html
import re
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import update
from webtools import Web, WebClient

from anklet.domain.history import ExerciseLog, Session
from anklet.store import tables as t
from anklet.store.messages import MessageRepository

TODAY = dt.date.today()


def _text(page: str) -> str:
    no_tags = re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", " ", page, flags=re.S))
    return re.sub(r"\s+", " ", html.unescape(no_tags))


def _thread(web: Web, key: str) -> list[str]:
    with web.ctx.uow(write=False) as uow:
        return [m.body for m in MessageRepository(uow.connection).thread(key)]


def _log_session(web: Web, key: str, day: dt.date) -> int:
    with web.ctx.uow() as uow:
        uow.people.add_session(key, Session(
            date=day, exercises=[ExerciseLog(exercise_id="seated-forefoot-roll", side="left")],
            pain_during=2))
        uow.commit()
        return MessageRepository(uow.connection).session_ids(key)[-1][0]


def test_post_message_coach_and_client_read_each_other(
        web: Web, coach: WebClient, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    r = coach.form(f"/people/{key}/messages", {"body": "How did the hops feel?\r\nAny pain?"})
    assert r.status_code == 303, r.text
    assert _thread(web, key) == ["How did the hops feel?\nAny pain?"]
    today = client_of_coach.get("/me")
    assert "Messages (1)" in _text(today.text)
    page = client_of_coach.get(f"/people/{key}/messages")
    assert page.status_code == 200
    text = _text(page.text)
    assert "How did the hops feel?" in text
    assert "Casey Coach" in text
    assert "New" in text
    assert "Messages (1)" not in _text(client_of_coach.get("/me").text)  # read now
    r = client_of_coach.form(f"/people/{key}/messages", {"body": "Fine, no pain."})
    assert r.status_code == 303
    listing = _text(coach.get("/coach").text)
    assert "1 unread" in listing
    coach.get(f"/people/{key}/messages")
    assert "1 unread" not in _text(coach.get("/coach").text)


def test_post_message_refused_when_empty_too_long_or_with_control_characters(
        web: Web, coach: WebClient, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    for body, words in (("   ", "Write your message first"),
                        ("x" * 4001, "4001 characters"),
                        ("bell\x07", "control character")):
        r = coach.form(f"/people/{key}/messages", {"body": body})
        assert r.status_code == 422, body
        assert words in _text(r.text)
    assert _thread(web, key) == []


def test_thread_page_hidden_from_other_coach_and_absent_for_self_coached(
        web: Web, other_coach: WebClient, client_of_coach: WebClient,
        self_coached: WebClient) -> None:
    key = client_of_coach.person_key
    assert other_coach.get(f"/people/{key}/messages").status_code == 404
    assert other_coach.form(f"/people/{key}/messages", {"body": "hi"}).status_code == 404
    assert self_coached.get(f"/people/{key}/messages").status_code == 404
    own = self_coached.get(f"/people/{self_coached.person_key}/messages")
    assert own.status_code == 200
    assert "no coach to write to" in _text(own.text)
    assert self_coached.form(f"/people/{self_coached.person_key}/messages",
                             {"body": "hi"}).status_code == 409
    assert _thread(web, key) == []


def test_comment_on_session_shown_under_it_for_coach_and_client(
        web: Web, coach: WebClient, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    sid = _log_session(web, key, TODAY - dt.timedelta(days=1))
    person = coach.get(f"/people/{key}")
    assert f'href="/people/{key}/messages">Messages</a>' in person.text  # the thread itself
    assert f"/people/{key}/messages?session={sid}" in person.text
    form = coach.get(f"/people/{key}/messages?session={sid}")
    assert "Your comment on the session on" in _text(form.text)
    r = coach.form(f"/people/{key}/messages", {"body": "Nice work, keep the pain low.",
                                               "session": str(sid)})
    assert r.status_code == 303
    assert "Nice work, keep the pain low." in _text(coach.get(f"/people/{key}").text)
    progress = client_of_coach.get(f"/people/{key}/progress")
    assert "Nice work, keep the pain low." in _text(progress.text)
    # a client does not comment on sessions; another person's session is not found
    assert client_of_coach.form(f"/people/{key}/messages",
                                {"body": "x", "session": str(sid)}).status_code == 422
    other = web.add_client("coach@example.org", "Otto Other")
    other_sid = _log_session(web, other, TODAY)
    assert coach.form(f"/people/{key}/messages",
                      {"body": "wrong one", "session": str(other_sid)}).status_code == 404
    assert _thread(web, key) == ["Nice work, keep the pain low."]


def test_my_messages_leads_a_client_to_their_own_thread(
        coach: WebClient, client_of_coach: WebClient) -> None:
    r = client_of_coach.get("/me/messages")
    assert r.status_code == 303
    assert r.headers["location"] == f"/people/{client_of_coach.person_key}/messages"
    assert coach.get("/me/messages").headers["location"] == "/coach"


@pytest.fixture
def server_in_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server's own clock set nine hours ahead of UTC, so a time shown in the server's
    zone would be wrong for nearly every reader."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_message_time_is_for_the_readers_clock_not_the_servers(
        web: Web, coach: WebClient, client_of_coach: WebClient, server_in_tokyo: None) -> None:
    key = client_of_coach.person_key
    assert coach.form(f"/people/{key}/messages", {"body": "Late one"}).status_code == 303
    at = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) - dt.timedelta(days=3)
    at = at.replace(hour=23, minute=40)
    with web.ctx.engine.begin() as conn:
        conn.execute(update(t.messages).values(created_at=at))
    page = client_of_coach.get(f"/people/{key}/messages").text
    # in UTC, saying so (the Tokyo server would have said 08:40 the next day) ...
    assert f"{at:%a} {at.day} {at:%b} 23:40 UTC" in _text(page)
    # ... in an element the browser rewrites on the reader's clock
    assert f'<time datetime="{at:%Y-%m-%dT%H:%M:%S}Z" data-format="recent">' in page
