"""``local_time``: a stored moment as a ``<time>`` the browser rewrites on its own clock,
whose text (what a page without JavaScript shows) is the moment in UTC, saying so."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from anklet.web.templating import RECENT, local_time

AT = dt.datetime(2026, 12, 4, 23, 40, tzinfo=dt.UTC)


def test_a_moment_is_written_in_utc_whatever_zone_it_comes_in() -> None:
    tokyo = AT.astimezone(ZoneInfo("Asia/Tokyo"))  # 08:40 on the 5th there
    out = str(local_time(tokyo))
    assert out == ('<time datetime="2026-12-04T23:40:00Z" data-format="%a %-d %b %Y %H:%M">'
                   'Fri 4 Dec 2026 23:40 UTC</time>')


def test_a_naive_moment_is_read_as_utc() -> None:
    assert 'datetime="2026-12-04T23:40:00Z"' in str(local_time(AT.replace(tzinfo=None)))


def test_a_date_only_format_says_no_zone_and_none_is_a_dash() -> None:
    assert str(local_time(AT, "%A %-d %B")).endswith(">Friday 4 December</time>")
    assert local_time(None) == "—"


def test_recent_says_today_or_yesterday_in_utc() -> None:
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    assert f">today {now:%H:%M} UTC<" in str(local_time(now, RECENT))
    before = now - dt.timedelta(days=1)
    assert f">yesterday {before:%H:%M} UTC<" in str(local_time(before, RECENT))
    assert ">Fri 4 Dec 23:40 UTC<" in str(local_time(AT, RECENT))
