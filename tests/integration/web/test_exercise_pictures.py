"""The exercise pictures on the web: /exercises/{id}/illustration.svg, and where they show
(the exercise page, Today's cards and the week plan, the printed plan and its PDF).

The pictures are part of the exercise library, which is for signed-in accounts: a coach and
a client both see them, a signed-out browser is sent to sign in. The printed plan carries
them inline, so the PDF renderer fetches nothing."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from markupsafe import escape
from test_documents import prepare
from webtools import Web, WebClient

from anklet.domain.exercises import load_library
from anklet.web import illustrations

LIB = load_library()


def test_picture_is_svg_for_a_known_exercise(coach: WebClient) -> None:
    r = coach.get("/exercises/seated-arch-roll/illustration.svg")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/svg+xml"
    assert r.text.startswith("<svg ")
    assert "<title id=\"t-seated-arch-roll\">Seated arch roll</title>" in r.text
    # made once per release: kept by the browser, checked again with its ETag
    assert r.headers["cache-control"] == "private, max-age=3600"
    assert r.headers["etag"] == illustrations.svg_for("seated-arch-roll").etag
    # the app's other headers still apply: opened on its own, the picture runs nothing
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_picture_answers_304_when_the_browser_has_it(coach: WebClient) -> None:
    etag = coach.get("/exercises/ankle-circles/illustration.svg").headers["etag"]
    r = coach.get("/exercises/ankle-circles/illustration.svg",
                  headers={"If-None-Match": etag})
    assert r.status_code == 304
    assert r.content == b""


def test_picture_answers_404_for_an_unknown_exercise(coach: WebClient) -> None:
    r = coach.get("/exercises/moon-walk/illustration.svg")
    assert r.status_code == 404
    assert "no exercise" in r.text


def test_picture_is_readable_by_a_client(client_of_coach: WebClient) -> None:
    r = client_of_coach.get("/exercises/single-leg-stance/illustration.svg")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/svg+xml"


def test_picture_needs_a_sign_in(web: Web) -> None:
    r = web.browser().get("/exercises/single-leg-stance/illustration.svg")
    assert r.status_code == 303
    assert r.headers["location"].startswith("/sign-in")
    assert "<svg" not in r.text


def test_exercise_page_shows_the_picture_with_words(coach: WebClient) -> None:
    e = LIB.get("standing-arch-press")
    r = coach.get(f"/exercises/{e.id}")
    assert r.status_code == 200
    assert f'src="/exercises/{e.id}/illustration.svg"' in r.text
    alt = re.search(r'<img src="/exercises/[^"]+" alt="([^"]+)"', r.text)
    assert alt is not None
    assert e.name in alt.group(1)
    assert "never under the heel" not in alt.group(1)
    assert str(escape(illustrations.describe(e.id))) == alt.group(1)


def test_today_and_week_plan_cards_show_the_pictures(web: Web, client_of_coach: WebClient,
                                                    ) -> None:
    key = client_of_coach.person_key
    assert key is not None
    prepare(web, key)
    for path in ("/me", f"/people/{key}/plan"):
        page = client_of_coach.get(path).text
        ids = re.findall(r'<img class="ex-pic" src="/exercises/([a-z0-9-]+)/illustration.svg"',
                         page)
        assert ids, path
        assert all(i in LIB for i in ids)
        for i in set(ids):
            assert client_of_coach.get(f"/exercises/{i}/illustration.svg").status_code == 200


def test_printed_plan_carries_the_pictures_inline(web: Web, coach: WebClient,
                                                  client_of_coach: WebClient,
                                                  tmp_path: Path) -> None:
    key = client_of_coach.person_key
    assert key is not None
    prepare(web, key)
    page = coach.get(f"/people/{key}/plan/print").text
    urls = re.findall(r'<img class="pic" src="(data:image/svg\+xml;base64,[^"]+)"', page)
    assert urls
    assert "illustration.svg" not in page  # nothing for the PDF renderer to fetch
    svg = base64.b64decode(urls[0].split(",", 1)[1]).decode()
    assert svg.startswith("<svg ")
    r = coach.get(f"/people/{key}/plan.pdf")
    assert r.status_code == 200
    assert r.content.startswith(b"%PDF")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (Debian: poppler-utils) is not installed")
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(r.content)
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "2", "-png", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    assert list(tmp_path.glob("page*.png"))

