"""A coach's own media on a 390 px phone: the coach adds a photo (chosen from the phone's
files) and a link to an exercise from its page; the client opens the exercise and sees
both under "From your coach": the photo loads (its bytes served to them, without the
original's EXIF) and the link opens in a new tab, never embedded; nothing scrolls sideways.
A real WebM video (written by OpenCV's FFmpeg, which tags it) added by a coach plays and
seeks in the client's browser, streamed in pieces and without its tags."""

from __future__ import annotations

from pathlib import Path

import pytest
from browsertools import Pages, Server, make_client, make_coach, no_sideways_scroll, shot, sign_in

from mediatools import jpeg_with_gps

COACH = "media-coach@example.org"
CLIENT = "media-client@example.org"
EXERCISE = "ankle-circles"


def test_coach_adds_a_photo_and_a_link_the_client_sees_them(server: Server, pages: Pages,
                                                            tmp_path: Path) -> None:
    make_coach(server, COACH, "Mia Coach")
    _, password = make_client(server, coach_email=COACH, name="Kai Client", email=CLIENT)
    assert password is not None
    photo = tmp_path / "knee-over-toe.jpg"
    photo.write_bytes(jpeg_with_gps((1200, 900)))

    coach = pages.phone()
    sign_in(coach, server, COACH)
    coach.goto(f"{server}/exercises/{EXERCISE}")
    form = coach.get_by_role("heading", name="Add your own photo, video or link")
    form.scroll_into_view_if_needed()
    coach.get_by_label("A photo or video").set_input_files(str(photo))
    coach.get_by_label("Caption").fill("Knee goes over the second toe")
    coach.get_by_role("button", name="Add", exact=True).tap()
    coach.wait_for_url(f"{server}/exercises/{EXERCISE}#coach-media")
    assert coach.get_by_text("Photo added.").is_visible()
    coach.get_by_label("…or a link").fill("https://example.org/slow-ankle-circles")
    coach.get_by_label("Caption").fill("The same, slowly")
    coach.get_by_role("button", name="Add", exact=True).tap()
    coach.get_by_text("Link added.").wait_for()  # the same address: wait for the new page
    items = coach.get_by_test_id("coach-media")
    assert items.get_by_role("link", name="Replace or edit").count() == 2
    no_sideways_scroll(coach)
    shot(coach, "media-coach")

    client = pages.phone()
    sign_in(client, server, CLIENT, password)
    client.goto(f"{server}/exercises/{EXERCISE}")
    section = client.get_by_test_id("coach-media")
    section.scroll_into_view_if_needed()
    assert section.get_by_role("heading", name="From your coach").is_visible()
    img = section.get_by_role("img", name="Knee goes over the second toe")
    img.scroll_into_view_if_needed()
    client.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
    width = img.evaluate("img => img.naturalWidth")
    assert width == 1200
    shown = img.evaluate("img => img.getBoundingClientRect().width")
    assert shown <= 390
    served = client.request.get(server + str(img.get_attribute("src")))
    assert served.headers["content-type"] == "image/jpeg"
    assert b"Test Camera Maker" not in served.body()  # the EXIF stayed behind
    link = section.get_by_role("link", name="The same, slowly")
    assert link.get_attribute("href") == "https://example.org/slow-ankle-circles"
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert client.locator("iframe").count() == 0
    assert section.get_by_role("link", name="Replace or edit").count() == 0
    assert client.get_by_role("heading", name="Add your own photo, video or link").count() == 0
    no_sideways_scroll(client)
    shot(client, "media-client")


def test_the_guided_session_and_today_link_to_the_coachs_media(server: Server,
                                                               pages: Pages) -> None:
    import datetime as dt

    from anklet.services import evaluation, media

    make_coach(server, "guide-coach@example.org", "Gus Coach")
    key, password = make_client(server, coach_email="guide-coach@example.org",
                                name="Gail Client", email="guide-client@example.org")
    assert password is not None
    ctx = server.ctx
    with ctx.uow() as uow:
        ev = evaluation.get(uow, key=key, protocol=ctx.protocol, library=ctx.library,
                            save=False)
        first = next(i.exercise for d in ev.plan.days if d.date == dt.date.today()
                     for b in d.blocks for i in b.items)
        coach = uow.accounts.by_email("guide-coach@example.org")
        assert coach is not None
        media.create(uow, account=coach, library=ctx.library, exercise_id=first.id,
                     upload=media.Upload(caption="Watch this", url="https://example.org/w"))
        uow.commit()

    client = pages.phone()
    sign_in(client, server, "guide-client@example.org", password)
    client.goto(f"{server}/me")
    mark = client.get_by_test_id("media-mark").first
    assert mark.inner_text() == "From your coach: a link"
    client.goto(f"{server}/people/{key}/guided")
    client.get_by_role("button", name="Start the session").tap()
    link = client.get_by_test_id("guided-run-media").get_by_role("link")
    link.wait_for()
    assert link.inner_text() == "From your coach: a link"
    assert link.get_attribute("href") == f"/exercises/{first.id}#coach-media"
    assert link.get_attribute("target") == "_blank"
    no_sideways_scroll(client)


def test_a_coachs_video_plays_and_seeks_for_the_client_without_its_tags(
        server: Server, pages: Pages, tmp_path: Path) -> None:
    cv2 = pytest.importorskip("cv2", reason="OpenCV (the [vision] extra) writes the test video")
    np = pytest.importorskip("numpy")
    clip = tmp_path / "ankle-circles.webm"
    out = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"VP80"), 10, (320, 240))
    assert out.isOpened()
    for i in range(50):  # 5 s: a square going round, as an ankle circles
        frame = np.full((240, 320, 3), 235, np.uint8)
        x, y = 140 + int(80 * np.cos(i / 4)), 100 + int(60 * np.sin(i / 4))
        frame[y:y + 40, x:x + 40] = (40, 90, 200)
        out.write(frame)
    out.release()
    sent = clip.read_bytes()
    assert b"ENCODER" in sent  # FFmpeg's tag, which must not reach the client
    make_coach(server, "video-coach@example.org", "Vic Coach")
    _, password = make_client(server, coach_email="video-coach@example.org", name="Val Client",
                              email="video-client@example.org")
    assert password is not None

    coach = pages.phone()
    sign_in(coach, server, "video-coach@example.org")
    coach.goto(f"{server}/exercises/{EXERCISE}")
    coach.get_by_label("A photo or video").set_input_files(str(clip))
    coach.get_by_label("Caption").fill("Slow circles, both ways")
    coach.get_by_role("button", name="Add", exact=True).tap()
    coach.get_by_text("Video added.").wait_for()

    client = pages.phone()
    sign_in(client, server, "video-client@example.org", password)
    client.goto(f"{server}/exercises/{EXERCISE}")
    video = client.get_by_test_id("coach-media").locator("video")
    video.scroll_into_view_if_needed()
    handle = video.element_handle()
    client.wait_for_function("v => v.readyState >= 1 && v.duration > 0", arg=handle)
    assert abs(video.evaluate("v => v.duration") - 5.0) < 0.2
    seeked = video.evaluate("""v => new Promise(done => {
        v.addEventListener('seeked', () => done(v.currentTime), {once: true});
        v.currentTime = 4.2;
    })""")
    assert abs(seeked - 4.2) < 0.5
    client.wait_for_function("v => v.readyState >= 2 && v.videoWidth === 320", arg=handle)
    served = client.request.get(server + str(video.get_attribute("src")))
    assert served.headers["content-type"] == "video/webm"
    assert served.headers["content-length"] == str(len(sent))
    assert b"ENCODER" not in served.body()
    no_sideways_scroll(client)
