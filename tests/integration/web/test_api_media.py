"""A coach's own media in the API: add a photo, a video and a link (multipart), list,
download in ranges, replace, delete; a client lists and downloads their coach's and gets
403 for a change; another coach, their client and a self-coached person get 404; bad input
is 422 naming the field; the OpenAPI document has the routes; SQLite and PostgreSQL."""

from __future__ import annotations

import io

from PIL import Image
from test_api import People, _ok, _problem, _valid, people

from anklet.web.schemas.media import MediaListPublic, MediaPublic
from mediatools import jpeg_with_gps, mp4, mp4_with_location, webm

__all__ = ["people"]  # the fixture, used by name

URL = "/api/v1/exercises/ankle-circles/media"


def test_coach_adds_lists_downloads_replaces_and_deletes(people: People) -> None:
    photo = _valid(MediaPublic, _ok(people.coach.post(URL, files={
        "file": ("p.jpg", jpeg_with_gps(), "image/jpeg")}, data={"caption": "Heel down"}), 201))
    assert photo["kind"] == "photo"
    assert photo["content_type"] == "image/jpeg"
    assert (photo["width"], photo["height"]) == (640, 480)
    link = _valid(MediaPublic, _ok(people.coach.post(URL, data={
        "url": "https://example.org/how", "caption": "More"}), 201))
    assert link["url"] == "https://example.org/how"
    assert link["file"] is None
    video = _valid(MediaPublic, _ok(people.coach.post(URL, files={
        "file": ("v.mp4", mp4_with_location(), "video/mp4")}), 201))
    listed = _valid(MediaListPublic, _ok(people.client.get(URL)))
    assert [m["id"] for m in listed["data"]] == [photo["id"], link["id"], video["id"]]
    got = people.client.get(photo["file"])
    assert got.status_code == 200
    assert got.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(got.content)) as im:
        assert not im.getexif()
    part = people.client.get(video["file"], headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert len(part.content) == 10
    # a client may not change them
    assert people.client.post(URL, data={"url": "https://example.org/"}).status_code == 403
    assert people.client.delete(f"{URL}/{link['id']}").status_code == 403
    # replace the link by a caption only, then by a photo
    changed = _ok(people.coach.put(f"{URL}/{link['id']}", data={"caption": "Read this"}))
    assert (changed["caption"], changed["version"]) == ("Read this", 1)
    changed = _ok(people.coach.put(f"{URL}/{link['id']}", files={
        "file": ("new.jpg", jpeg_with_gps((300, 300)), "image/jpeg")}))
    assert (changed["kind"], changed["version"]) == ("photo", 2)
    assert people.coach.delete(f"{URL}/{photo['id']}").status_code == 204
    assert len(_ok(people.client.get(URL))["data"]) == 2


def test_nobody_else_reaches_them(people: People) -> None:
    made = _ok(people.coach.post(URL, files={
        "file": ("p.jpg", jpeg_with_gps(), "image/jpeg")}), 201)
    for who in (people.other_coach, people.other_client, people.solo):
        assert _ok(who.get(URL))["data"] == []
        assert who.get(made["file"]).status_code == 404
        assert who.put(f"{URL}/{made['id']}", data={"caption": "x"}).status_code in (403, 404)
        assert who.delete(f"{URL}/{made['id']}").status_code in (403, 404)
    assert people.nobody.get(URL).status_code == 401
    assert len(_ok(people.coach.get(URL))["data"]) == 1


def test_bad_input_names_the_field(people: People) -> None:
    p = _problem(people.coach.post(URL, data={"url": "javascript:alert(1)"}), "url")
    assert p["value"] == "javascript:alert(1)"
    p = _problem(people.coach.post(URL, files={"file": ("x.jpg", b"not a photo at all",
                                                        "image/jpeg")}), "file")
    assert "x.jpg" in p["value"]
    p = _problem(people.coach.post(URL, files={"file": ("IMG_1.MOV", mp4(codec=b"hvc1"),
                                                        "video/quicktime")}), "file")
    assert p["value"] == "IMG_1.MOV: HEVC (H.265) video"
    assert "H.264" in p["accepted"]
    p = _problem(people.coach.post(URL, files={"file": ("long.webm", webm(seconds=200.0),
                                                        "video/webm")}), "file")
    assert (p["value"], p["accepted"]) == ("long.webm: 3 min 20 s", "a video of at most 3 min")
    assert people.coach.post("/api/v1/exercises/no-such/media",
                             data={"url": "https://example.org/"}).status_code == 404
    assert _ok(people.coach.get(URL))["data"] == []


def test_the_routes_are_documented(people: People) -> None:
    paths = _ok(people.nobody.get("/api/v1/openapi.json"))["paths"]
    assert set(paths[URL.replace("ankle-circles", "{exercise_id}")]) == {"get", "post"}
    item = "/api/v1/exercises/{exercise_id}/media/{media_id}"
    assert set(paths[item]) == {"put", "delete"}
    assert "get" in paths[item + "/file"]
