"""A coach's own photos, videos and links on the exercise pages (issue #18, item 2): adding
each kind, the checks on what is sent (the real type from the bytes, the limits, the link's
form), who sees what, the file's headers and byte ranges, EXIF removed from photos,
replacing and deleting, and the audit log; on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import io
import re
from typing import Any

import pytest
from PIL import Image
from webtools import Web, WebClient

from anklet.services import media as media_service
from anklet.store import tables as t
from anklet.web.pages import exercises as exercise_pages
from mediatools import (
    LOCATION_TEXT,
    WEBM_TAG,
    jpeg_with_gps,
    mp4,
    mp4_with_location,
    png_with_alpha,
    webm,
)

EX = "ankle-circles"
PAGE = f"/exercises/{EX}"


def upload(b: WebClient, files: dict[str, tuple[str, bytes, str]] | None = None,
           to: str = "/exercises/ankle-circles/media", **fields: str) -> Any:
    return b.post(to, data={"csrf_token": b.csrf(), **fields}, files=files or {})


def media_srcs(html: str) -> list[str]:
    return re.findall(r'src="(/exercises/[^"]+/media/\d+\?v=\d+)"', html)


def rows(web: Web) -> list[tuple[object, ...]]:
    with web.ctx.uow(write=False) as uow:
        return [tuple(r) for r in uow.connection.execute(
            t.exercise_media.select().with_only_columns(
                t.exercise_media.c.id, t.exercise_media.c.kind, t.exercise_media.c.caption))]


def test_coach_adds_a_photo_stored_without_its_exif_and_served_with_care(
        web: Web, coach: WebClient, client_of_coach: WebClient) -> None:
    sent = jpeg_with_gps()
    r = upload(coach, {"file": ("my photo (1).JPG", sent, "image/jpeg")},
               caption="Knee over the second toe")
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"{PAGE}#coach-media"
    page = coach.get(PAGE).text
    assert "Your own photos, videos and links" in page
    assert "Knee over the second toe" in page
    [src] = media_srcs(page)
    got = client_of_coach.get(src)
    assert got.status_code == 200
    assert got.headers["content-type"] == "image/jpeg"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-disposition"] == 'inline; filename="my-photo-1.jpg"'
    assert got.headers["cache-control"].startswith("private")
    assert got.headers["accept-ranges"] == "bytes"
    body = got.content
    assert b"Test Camera Maker" not in body
    assert b"Exif" not in body
    with Image.open(io.BytesIO(body)) as im:
        assert im.size == (640, 480)
        assert not im.getexif()
        assert im.getexif().get_ifd(0x8825) == {}
    # the client sees it as their coach's
    seen = client_of_coach.get(PAGE).text
    assert "From your coach" in seen
    assert "Knee over the second toe" in seen
    assert "Add your own photo" not in seen


def test_a_png_keeps_its_transparency(web: Web, coach: WebClient) -> None:
    assert upload(coach, {"file": ("diagram.png", png_with_alpha(), "image/png")}
                  ).status_code == 303
    [src] = media_srcs(coach.get(PAGE).text)
    got = coach.get(src)
    assert got.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(got.content)) as im:
        assert im.mode == "RGBA"
        assert im.getpixel((0, 0))[3] == 0


def test_a_video_plays_in_ranges_without_the_place_it_was_filmed(
        web: Web, coach: WebClient, client_of_coach: WebClient) -> None:
    sent = mp4_with_location()
    assert upload(coach, {"file": ("clip.mov", sent, "video/quicktime")},
                  caption="Slow on the way down").status_code == 303
    page = client_of_coach.get(PAGE).text
    assert "<video" in page
    assert "playsinline" in page
    [src] = media_srcs(page)
    whole = client_of_coach.get(src)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "video/mp4"
    assert whole.headers["content-disposition"] == 'inline; filename="clip.mp4"'
    stored = whole.content
    assert len(stored) == len(sent)
    assert LOCATION_TEXT in sent
    assert LOCATION_TEXT not in stored  # blanked in place: offsets unchanged
    assert stored[-5000:] == sent[-5000:]
    assert b"udta" not in stored
    assert b"meta" not in stored
    assert stored.count(b"free") == 2
    part = client_of_coach.get(src, headers={"Range": "bytes=1000-1099"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 1000-1099/{len(sent)}"
    assert part.headers["content-length"] == "100"
    assert part.content == stored[1000:1100]
    first = client_of_coach.get(src, headers={"Range": "bytes=0-1"})  # Safari's first ask
    assert first.status_code == 206
    assert first.content == stored[:2]
    tail = client_of_coach.get(src, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206
    assert tail.content == stored[-10:]
    open_end = client_of_coach.get(src, headers={"Range": "bytes=5000-"})
    assert open_end.content == stored[5000:]
    past = client_of_coach.get(src, headers={"Range": f"bytes={len(sent) + 5}-"})
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{len(sent)}"
    old = client_of_coach.get(src, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert old.status_code == 200
    assert old.content == stored


def test_a_3_mb_video_is_sent_whole_and_in_ranges_in_pieces(
        web: Web, coach: WebClient, client_of_coach: WebClient) -> None:
    sent = mp4(payload_bytes=3 * 1024 * 1024)
    assert upload(coach, {"file": ("clip.mp4", sent, "video/mp4")}).status_code == 303
    [src] = media_srcs(client_of_coach.get(PAGE).text)
    with client_of_coach.stream("GET", src) as whole:
        assert whole.status_code == 200
        assert whole.headers["content-length"] == str(len(sent))
        assert whole.headers["content-type"] == "video/mp4"
        assert whole.headers["x-content-type-options"] == "nosniff"
        assert whole.headers["cache-control"] == "private, max-age=3600"
        assert whole.headers["accept-ranges"] == "bytes"
        assert "content-range" not in whole.headers
        pieces = list(whole.iter_raw())
    stored = b"".join(pieces)
    assert len(stored) == len(sent)
    assert stored[-3 * 1024 * 1024:] == sent[-3 * 1024 * 1024:]
    step = 700_001
    parts = []
    for first in range(0, len(sent), step):
        part = client_of_coach.get(src, headers={"Range": f"bytes={first}-{first + step - 1}"})
        assert part.status_code == 206
        last = min(first + step, len(sent)) - 1
        assert part.headers["content-range"] == f"bytes {first}-{last}/{len(sent)}"
        assert part.headers["content-length"] == str(last - first + 1)
        parts.append(part.content)
    assert b"".join(parts) == stored
    rest = client_of_coach.get(src, headers={"Range": "bytes=100-"})  # a player's first ask
    assert rest.headers["content-range"] == f"bytes 100-{len(sent) - 1}/{len(sent)}"
    assert rest.content == stored[100:]


def test_an_iphone_hevc_video_or_a_long_one_is_refused_with_what_to_do(
        web: Web, coach: WebClient) -> None:
    r = upload(coach, {"file": ("IMG_0042.MOV", mp4(codec=b"hvc1", brand=b"qt  "),
                                "video/quicktime")})
    assert r.status_code == 422
    text = html.unescape(r.text)
    assert "IMG_0042.MOV is HEVC (H.265) video" in text
    assert "Settings › Camera › Formats › Most Compatible" in text
    r = upload(coach, {"file": ("squat.mp4", mp4(252.0), "video/mp4")})
    assert r.status_code == 422
    assert "squat.mp4 is 4 min 12 s long; a video here may be at most 3 min" in \
        html.unescape(r.text)
    assert "up to 3 minutes and 50 MB" in r.text  # the form says so beforehand
    assert rows(web) == []


def test_a_webm_video_is_taken(web: Web, coach: WebClient) -> None:
    assert upload(coach, {"file": ("clip.webm", webm(), "video/webm")}).status_code == 303
    [src] = media_srcs(coach.get(PAGE).text)
    got = coach.get(src)
    assert got.headers["content-type"] == "video/webm"
    assert len(got.content) == len(webm())
    assert WEBM_TAG.encode() not in got.content


def test_a_link_is_shown_as_a_link_that_opens_safely(web: Web, coach: WebClient,
                                                      client_of_coach: WebClient) -> None:
    r = upload(coach, url="https://www.youtube.com/watch?v=abc123", caption="Watch the heel")
    assert r.status_code == 303
    page = client_of_coach.get(PAGE).text
    assert ('<a href="https://www.youtube.com/watch?v=abc123" target="_blank" '
            'rel="noopener noreferrer">Watch the heel</a>') in page
    assert "<iframe" not in page
    assert "youtube.com, opens in a new tab" in page


@pytest.mark.parametrize(("link", "why"), [
    ("javascript:alert(1)", "not a web address we can link to"),
    ("ftp://files.example.org/x.mp4", "not a web address we can link to"),
    ("https://", "names no site"),
    ("https://user:secret@example.org/", "without a user name or password"),
    ("https://exa mple.org/", "no spaces"),
])
def test_a_bad_link_is_refused_naming_the_field_and_value(web: Web, coach: WebClient,
                                                          link: str, why: str) -> None:
    r = upload(coach, url=link, caption="kept")
    assert r.status_code == 422
    assert why in r.text
    assert 'id="e-url"' in r.text
    assert "Nothing was added" in r.text
    assert 'value="kept"' in r.text  # the form keeps what was typed
    assert rows(web) == []


def test_a_file_of_the_wrong_type_is_refused_from_its_bytes(web: Web, coach: WebClient) -> None:
    r = upload(coach, {"file": ("holiday.jpg", b"GIF89a" + bytes(100), "image/jpeg")})
    assert r.status_code == 422
    assert "holiday.jpg is not a photo or video we can show" in r.text
    assert "JPEG, PNG or WebP" in r.text
    assert "MP4 or WebM" in r.text
    r = upload(coach, {"file": ("clip.mkv", webm(doctype=b"matroska"), "video/x-matroska")})
    assert r.status_code == 422
    assert "Matroska" in r.text
    r = upload(coach, {"file": ("broken.jpg", b"\xff\xd8\xff\xe0" + bytes(200), "image/jpeg")})
    assert r.status_code == 422
    assert "damaged" in r.text
    assert rows(web) == []


def test_a_file_over_its_limit_is_refused_before_it_is_read(web: Web, coach: WebClient,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    big = b"\xff\xd8\xff\xe0" + bytes(media_service.MAX_PHOTO_BYTES)
    r = upload(coach, {"file": ("huge.jpg", big, "image/jpeg")})
    assert r.status_code == 422
    assert "more than the 15 MB accepted for a photo" in r.text
    monkeypatch.setattr(exercise_pages, "MAX_MEDIA_BODY", 10_000)
    r = upload(coach, {"file": ("clip.mp4", mp4_with_location(20_000), "video/mp4")})
    assert r.status_code == 413
    assert "50 MB" in r.text
    assert "Nothing was stored" in r.text
    assert rows(web) == []


def test_a_caption_too_long_is_refused(web: Web, coach: WebClient) -> None:
    r = upload(coach, url="https://example.org/", caption="x" * 201)
    assert r.status_code == 422
    assert 'id="e-caption"' in r.text
    assert rows(web) == []


def test_nothing_chosen_is_refused(web: Web, coach: WebClient) -> None:
    r = upload(coach, caption="only words")
    assert r.status_code == 422
    assert "Please choose a file or give a link" in r.text


def test_a_client_cannot_add_and_sees_no_form(web: Web, coach: WebClient,
                                              client_of_coach: WebClient) -> None:
    assert "Add your own photo" not in client_of_coach.get(PAGE).text
    r = upload(client_of_coach, url="https://example.org/")
    assert r.status_code == 403
    assert rows(web) == []


def test_nobody_else_sees_a_coachs_media(web: Web, coach: WebClient, client_of_coach: WebClient,
                                         other_coach: WebClient) -> None:
    upload(coach, {"file": ("p.jpg", jpeg_with_gps(), "image/jpeg")}, caption="Casey's own")
    upload(coach, url="https://example.org/casey", caption="Casey's link")
    [src] = media_srcs(coach.get(PAGE).text)
    media_id = src.split("/")[-1].split("?")[0]
    others_client = web.account("client", "otto@example.org", "Otto Other",
                                coach_email="other@example.org")
    solo = web.account("self", "solo@example.org", "Sol Solo")
    signed_out = web.browser()
    for who in (other_coach, others_client, solo):
        page = who.get(PAGE).text
        assert "Casey's own" not in page
        assert "Casey's link" not in page
        assert who.get(src).status_code == 404
        assert who.get(f"{PAGE}/media/{media_id}/edit").status_code in (403, 404)
        for url in (f"{PAGE}/media/{media_id}", f"{PAGE}/media/{media_id}/delete"):
            r = who.post(url, data={"csrf_token": who.csrf(), "caption": "mine now"})
            assert r.status_code in (403, 404)
    r = signed_out.get(src)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/sign-in")
    # the same item under another exercise's address is not found either
    assert coach.get(src.replace(EX, "ankle-alphabet")).status_code == 404
    assert client_of_coach.get(src).status_code == 200
    assert len(rows(web)) == 2


def test_replace_caption_and_delete_with_an_audit_trail(web: Web, coach: WebClient,
                                                        client_of_coach: WebClient) -> None:
    upload(coach, {"file": ("first.jpg", jpeg_with_gps(), "image/jpeg")}, caption="First")
    [src] = media_srcs(coach.get(PAGE).text)
    media_id = src.split("/")[-1].split("?")[0]
    edit = coach.get(f"{PAGE}/media/{media_id}/edit")
    assert edit.status_code == 200
    assert 'value="First"' in edit.text
    # caption only
    r = upload(coach, to=f"{PAGE}/media/{media_id}", caption="Better words")
    assert r.status_code == 303
    assert media_srcs(coach.get(PAGE).text) == [src]  # same file, same version
    # a new file in its place: a new version, so a new address
    r = upload(coach, {"file": ("second.png", png_with_alpha(), "image/png")},
               to=f"{PAGE}/media/{media_id}", caption="Second")
    assert r.status_code == 303
    [new_src] = media_srcs(client_of_coach.get(PAGE).text)
    assert new_src != src
    assert new_src.endswith("?v=2")
    assert client_of_coach.get(new_src).headers["content-type"] == "image/png"
    # a bad replacement changes nothing
    r = upload(coach, to=f"{PAGE}/media/{media_id}", caption="x" * 300)
    assert r.status_code == 422
    assert "Nothing was changed" in r.text
    # the client cannot delete it; the coach can
    r = client_of_coach.post(f"{PAGE}/media/{media_id}/delete",
                             data={"csrf_token": client_of_coach.csrf()})
    assert r.status_code == 403
    r = coach.post(f"{PAGE}/media/{media_id}/delete", data={"csrf_token": coach.csrf()})
    assert r.status_code == 303
    assert rows(web) == []
    assert client_of_coach.get(new_src).status_code == 404
    with web.ctx.uow(write=False) as uow:
        actions = [a for (a,) in uow.connection.execute(
            t.audit_log.select().with_only_columns(t.audit_log.c.action)
            .where(t.audit_log.c.action.like("media_%")).order_by(t.audit_log.c.id))]
    assert actions == ["media_added", "media_caption", "media_replaced", "media_deleted"]


def test_self_coached_person_adds_and_sees_their_own(web: Web, self_coached: WebClient,
                                                     coach: WebClient) -> None:
    r = upload(self_coached, url="https://example.org/my-notes", caption="My notes")
    assert r.status_code == 303
    page = self_coached.get(PAGE).text
    assert "My notes" in page
    assert "Only you see these" in page
    assert "My notes" not in coach.get(PAGE).text


def test_an_unknown_exercise_takes_no_media(web: Web, coach: WebClient) -> None:
    r = coach.post("/exercises/no-such/media", data={"csrf_token": coach.csrf(),
                                                    "url": "https://example.org/"})
    assert r.status_code == 404
    assert rows(web) == []


def test_the_dose_shows_once_naming_its_stages(web: Web, coach: WebClient) -> None:
    from anklet.domain.exercises import load_library

    e = next(x for x in load_library().exercises if len(set(x.stages)) >= 2)
    page = coach.get(f"/exercises/{e.id}").text
    table = page[page.index('data-testid="doses"'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr data-stages=") == 1
    assert f"Stages {', '.join(map(str, sorted(set(e.stages))[:-1]))} and" in table


def test_today_the_week_plan_and_the_guided_session_point_to_the_coachs_media(
        web: Web, coach: WebClient, client_of_coach: WebClient) -> None:
    from test_me_pages import plan_day, ready

    key = client_of_coach.person_key
    assert key is not None
    ready(web, key)
    todays = [i.exercise.id for b in plan_day(web, key).blocks for i in b.items]
    first = todays[0]
    to = f"/exercises/{first}/media"
    assert upload(coach, {"file": ("p.jpg", jpeg_with_gps(), "image/jpeg")}, to=to,
                  caption="Look here").status_code == 303
    assert upload(coach, to=to, url="https://example.org/more").status_code == 303
    for url in ("/me", f"/people/{key}/plan"):
        page = client_of_coach.get(url).text
        marks = page.count('data-testid="media-mark"')  # the plan: each day it comes
        assert marks == 1 if url == "/me" else marks >= 1, url
        assert "From your coach: a photo and a link" in page
        assert f'href="/exercises/{first}#coach-media"' in page
        thumbs = set(re.findall(r'class="ex-media-thumb" src="([^"]+)"', page))
        assert len(thumbs) == 1
        assert client_of_coach.get(thumbs.pop()).status_code == 200
    # the coach sees the same marks on the client's week, as theirs
    assert "Your own: a photo and a link" in coach.get(f"/people/{key}/plan").text
    guided = client_of_coach.get(f"/people/{key}/guided").text
    assert guided.count('data-testid="guided-media"') == 1
    assert f'"media": {{"href": "/exercises/{first}#coach-media"' in guided


def test_an_upload_of_unknown_length_is_refused_before_it_is_read(web: Web,
                                                                  coach: WebClient) -> None:
    token = coach.csrf()
    r = coach.post("/exercises/ankle-circles/media", content=iter([b"x" * 100]),
                   headers={"content-type": "multipart/form-data; boundary=b",
                            "x-csrf-token": token})
    assert r.status_code == 411
    assert "Nothing was stored" in r.text
    assert rows(web) == []
