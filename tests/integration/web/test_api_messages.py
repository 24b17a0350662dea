"""Messages in the API: a coach and their client write and read their thread (reading marks
it read), a coach comments on a session of the person's; a client's comment, an empty or
control-character body are refused (422, naming the field), another person's session is 404,
another coach's client is 404, a self-coached person has no thread (409); the history export
carries the thread; SQLite and PostgreSQL."""

from __future__ import annotations

from test_api import A_WEEK_AGO, People, _ok, _valid, people

from anklet.domain.history import ExerciseLog, Session
from anklet.store.messages import MessageRepository
from anklet.web.schemas.messages import MessagePublic, MessagesPublic

__all__ = ["people"]  # the fixture, used by name


def _url(key: str) -> str:
    return f"/api/v1/people/{key}/messages"


def _session(people: People, key: str) -> int:
    with people.web.ctx.uow() as uow:
        uow.people.add_session(key, Session(date=A_WEEK_AGO, exercises=[
            ExerciseLog(exercise_id="seated-forefoot-roll", side="left")], pain_during=1))
        uow.commit()
        return MessageRepository(uow.connection).session_ids(key)[-1][0]


def test_post_message_coach_and_client_read_and_mark_read(people: People) -> None:
    key = people.client.key
    assert key is not None
    made = _valid(MessagePublic, _ok(people.coach.post(_url(key), json={
        "body": "  How was it?\r\nAny pain?  "}), 201))
    assert made["body"] == "How was it?\nAny pain?"
    assert made["author"] == "coach"
    assert made["mine"] is True
    first = _valid(MessagesPublic, _ok(people.client.get(_url(key))))
    assert first["unread"] == 1
    assert [(m["body"], m["mine"]) for m in first["data"]] == [("How was it?\nAny pain?", False)]
    assert _ok(people.client.get(_url(key)))["unread"] == 0  # read now
    _ok(people.client.post(_url(key), json={"body": "All good."}), 201)
    coach_view = _ok(people.coach.get(_url(key)))
    assert coach_view["count"] == 2
    assert coach_view["unread"] == 1


def test_post_message_comment_on_session_only_by_coach_and_only_theirs(people: People) -> None:
    key = people.client.key
    assert key is not None
    sid = _session(people, key)
    made = _ok(people.coach.post(_url(key), json={"body": "Well done", "session": sid}), 201)
    assert made["session"] == sid
    assert made["session_date"] == A_WEEK_AGO.isoformat()
    refused = _ok(people.client.post(_url(key), json={"body": "me too", "session": sid}), 422)
    assert refused["field"] == "session"
    other = _session(people, people.quiet_key)
    _ok(people.coach.post(_url(key), json={"body": "wrong", "session": other}), 404)
    assert _ok(people.coach.get(_url(key)))["count"] == 1


def test_post_message_refused_with_bad_body_and_for_outsiders(people: People) -> None:
    key = people.client.key
    assert key is not None
    for body in ("", "   ", "bell\u0007", "x" * 4001):
        r = people.coach.post(_url(key), json={"body": body})
        assert r.status_code == 422, body
        assert "body" in r.text
    _ok(people.other_coach.post(_url(key), json={"body": "hi"}), 404)
    _ok(people.other_coach.get(_url(key)), 404)
    _ok(people.other_client.get(_url(key)), 404)
    solo_key = people.solo.key
    assert solo_key is not None
    assert "no coach" in _ok(people.solo.get(_url(solo_key)), 409)["message"]
    _ok(people.solo.post(_url(solo_key), json={"body": "hi"}), 409)
    assert _ok(people.coach.get(_url(key)))["count"] == 0


def test_export_person_carries_the_thread(people: People) -> None:
    key = people.client.key
    assert key is not None
    _ok(people.coach.post(_url(key), json={"body": "Hello"}), 201)
    doc = _ok(people.coach.get(f"/api/v1/people/{key}/export"))
    assert [(m["author"], m["text"]) for m in doc["messages"]] == [("coach", "Hello")]
    assert "messages" not in _ok(people.coach.get(f"/api/v1/people/{people.quiet_key}/export"))
