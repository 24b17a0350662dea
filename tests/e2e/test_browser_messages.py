"""Messages on a 390 px phone: a coach comments on a client's session and writes to them;
the client sees the unread count in the top bar and on Today, reads the thread (the count
goes), and answers; the coach sees the unread badge on the client list and reads it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from browsertools import Pages, Server, make_client, make_coach, nav, no_sideways_scroll, shot, sign_in

COACH = "msg-coach@example.org"
CLIENT = "msg-client@example.org"


def test_coach_writes_client_sees_badge_reads_and_answers(server: Server, pages: Pages) -> None:
    make_coach(server, COACH, "Mo Coach")
    key, password = make_client(server, coach_email=COACH, name="Kit Client", email=CLIENT,
                                session_on=dt.date.today() - dt.timedelta(days=1))
    assert password is not None

    coach = pages.phone()
    sign_in(coach, server, COACH)
    coach.goto(f"{server}/people/{key}")
    coach.get_by_role("link", name="Comment on the session on").first.tap()
    coach.get_by_label("Your comment on the session on").fill("Lovely work on the foot roll.")
    coach.get_by_role("button", name="Send comment").tap()
    coach.wait_for_url(f"{server}/people/{key}/messages#latest")
    coach.get_by_label("Write to Kit Client").fill("How did the ankle feel this morning?")
    no_sideways_scroll(coach)
    coach.get_by_role("button", name="Send", exact=True).tap()
    coach.get_by_text("How did the ankle feel this morning?").wait_for()  # after the post
    assert coach.get_by_text("Message sent.").is_visible()
    shot(coach, "messages-coach")

    client = pages.phone()
    sign_in(client, server, CLIENT, password)
    client.goto(f"{server}/me")
    assert nav(client, "Messages (2)").is_visible()
    note = client.get_by_test_id("messages-unread")
    assert "Your coach sent you 2 messages." in note.inner_text()
    no_sideways_scroll(client)
    shot(client, "messages-today-badge")
    note.get_by_role("link", name="Read them").tap()
    client.wait_for_url(f"{server}/people/{key}/messages")
    thread = client.get_by_role("list", name="Messages, oldest first")
    assert "About the session on" in thread.inner_text()
    assert "How did the ankle feel this morning?" in thread.inner_text()
    assert nav(client, "Messages").is_visible()  # read: no count any more
    client.get_by_label("Write to Mo Coach").fill("A little stiff, then fine.\nNo pain.")
    client.get_by_role("button", name="Send", exact=True).tap()
    client.wait_for_url(f"{server}/people/{key}/messages#latest")
    client.get_by_text("A little stiff, then fine.").wait_for()
    no_sideways_scroll(client)
    shot(client, "messages-client-thread")
    client.goto(f"{server}/people/{key}/progress")
    assert client.get_by_text("Lovely work on the foot roll.").is_visible()
    no_sideways_scroll(client)  # the comment wraps inside the sessions table

    coach.goto(f"{server}/coach")
    badge = coach.get_by_role("link", name="1 unread message from Kit Client")
    assert badge.is_visible()
    no_sideways_scroll(coach)
    shot(coach, "messages-client-list")
    badge.tap()
    coach.wait_for_url(f"{server}/people/{key}/messages")
    assert coach.get_by_text("A little stiff, then fine.").is_visible()


def test_message_time_shows_on_the_readers_clock(server: Server, pages: Pages) -> None:
    """The page says the time in UTC; the browser rewrites it in its own time zone (here
    Auckland, 13 hours ahead in December), the same way the server words it."""
    make_coach(server, "tz-coach@example.org", "Tz Coach")
    coach = pages.phone(timezone_id="Pacific/Auckland")
    sign_in(coach, server, "tz-coach@example.org")
    key, _ = make_client(server, coach_email="tz-coach@example.org", name="Tz Client",
                         email="tz-client@example.org")
    coach.goto(f"{server}/people/{key}/messages")
    coach.get_by_label("Write to Tz Client").fill("Morning or evening for you?")
    coach.get_by_role("button", name="Send", exact=True).tap()
    stamp = coach.locator("#latest time[data-local]")
    stamp.wait_for()
    at = dt.datetime.fromisoformat(stamp.get_attribute("datetime").replace("Z", "+00:00"))
    local = at.astimezone(ZoneInfo("Pacific/Auckland"))
    today = dt.datetime.now(ZoneInfo("Pacific/Auckland")).date()
    day = "today" if local.date() == today else "yesterday"  # sent a moment ago
    assert stamp.inner_text() == f"{day} {local:%H:%M}"
    assert "UTC" not in stamp.inner_text()
