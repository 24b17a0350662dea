"""How each re-test changed, on the coach's person page, the client's progress page and
``GET /api/v1/people/{key}/changes`` — and nobody else's coach or client reaches it."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webtools import Web, WebClient

from anklet.domain.history import Measurement
from anklet.domain.measures import MeasureKind, Method
from anklet.domain.units import Side
from anklet.services import accounts as account_service
from anklet.web.schemas.decisions import ChangesPublic

TODAY = dt.date.today()
FIRST = TODAY - dt.timedelta(days=30)
LAST = TODAY - dt.timedelta(days=16)
NOW = TODAY - dt.timedelta(days=2)


def _add(web: Web, key: str, *ms: Measurement) -> None:
    with web.ctx.uow() as uow:
        for m in ms:
            uow.people.add_measurement(key, m)
        uow.commit()


def _kw(day: dt.date, side: Side, value: float, **kw: Any) -> Measurement:
    fields: dict[str, Any] = {"date": day, "side": side, "kind": MeasureKind.KNEE_TO_WALL,
                              "value": value, "method": Method.TAPE, "rater": "Casey"}
    return Measurement(**(fields | kw))


@pytest.fixture
def tested(web: Web, coach: WebClient, client_of_coach: WebClient) -> str:
    """The coach's client, re-tested twice on the left and once on the right."""
    key = client_of_coach.person_key
    assert key is not None
    _add(web, key, _kw(FIRST, Side.LEFT, 7.5), _kw(LAST, Side.LEFT, 9.0),
         _kw(NOW, Side.LEFT, 9.8), _kw(FIRST, Side.RIGHT, 10.0),
         _kw(NOW, Side.RIGHT, 11.0, method=Method.PHOTO),
         Measurement(date=FIRST, side=Side.LEFT, kind=MeasureKind.LUNGE_ANGLE, value=30,
                     method=Method.INCLINOMETER))
    return key


def _api(web: Web, email: str | None) -> TestClient:
    if email is None:
        return TestClient(web.app)
    with web.ctx.uow() as uow:
        account = uow.accounts.by_email(email)
        assert account is not None
        token = account_service.create_token(uow, account=account, name="tests")
        uow.commit()
    return TestClient(web.app, headers={"Authorization": f"Bearer {token}"})


def _text(page: Any) -> str:
    """The page's words without its tags, whitespace made single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


# --- pages --------------------------------------------------------------------------------------


def test_person_page_shows_each_retests_change_in_plain_words(coach: WebClient,
                                                              tested: str) -> None:
    page = coach.get(f"/people/{tested}")
    assert page.status_code == 200
    text = _text(page)
    assert "Changes since the last test" in text
    assert "Left knee-to-wall" in text
    assert f"+0.8 cm from 9.0 cm on {LAST.day} {LAST:%b %Y}" in text
    assert "within measurement error" in text
    assert f"+2.3 cm from 7.5 cm on {FIRST.day} {FIRST:%b %Y}" in text
    assert "a real improvement" in text
    # the right side went from tape to a photo: never compared
    assert "measured a different way (tape, then photo), so not comparable" in text
    # a lunge angle is its own row, not compared with the distances
    assert "Left lunge angle" in text
    assert "first test: the next one will show the change" in text
    # the figure is small print only, in plain words with a readable reference
    assert ("A change up to 1.9 cm can be measuring error; the same person measured both "
            "(Powden 2015).") in text
    assert "MDC" not in text
    assert "Powden2015" not in text


def test_progress_page_shows_the_client_their_own_changes(client_of_coach: WebClient,
                                                          tested: str) -> None:
    page = client_of_coach.get(f"/people/{tested}/progress")
    assert page.status_code == 200
    text = _text(page)
    assert "Changes since the last test" in text
    assert "a real improvement" in text
    assert "within measurement error" in text


def test_person_page_without_tests_says_changes_come_after_a_retest(
        web: Web, coach: WebClient) -> None:
    key = web.add_client("coach@example.org", "Nina New")
    text = _text(coach.get(f"/people/{key}"))
    assert "No tests yet. After a re-test, how each one moved shows here." in text


def test_another_coach_cannot_see_the_changes_page(other_coach: WebClient, tested: str) -> None:
    for url in (f"/people/{tested}", f"/people/{tested}/progress"):
        page = other_coach.get(url)
        assert page.status_code in (403, 404), (url, page.status_code)
        assert "knee-to-wall" not in page.text
        assert "Cleo Client" not in page.text


# --- API ------------------------------------------------------------------------------------------


def test_api_changes_answers_the_coach_with_the_documented_shape(web: Web, coach: WebClient,
                                                                 tested: str) -> None:
    r = _api(web, "coach@example.org").get(f"/api/v1/people/{tested}/changes")
    assert r.status_code == 200, r.text
    data = r.json()
    ChangesPublic.model_validate(data)
    assert (data["person"], data["as_of"]) == (tested, TODAY.isoformat())
    rows = {(c["measure"], c["side"]): c for c in data["changes"]}
    left = rows[("knee_to_wall", "left")]
    assert (left["previous"]["verdict"], left["previous"]["error"]) == ("within_error", 1.9)
    assert (left["previous"]["raters"], left["previous"]["source"]) == ("same", "Powden2015")
    assert (left["baseline"]["verdict"], left["baseline"]["direction"]) == (
        "real_change", "improved")
    assert rows[("knee_to_wall", "right")]["previous"]["verdict"] == "not_comparable"
    assert rows[("lunge_angle", "left")]["previous"] is None


def test_api_changes_as_of_a_date_leaves_out_later_tests(web: Web, coach: WebClient,
                                                         tested: str) -> None:
    r = _api(web, "coach@example.org").get(f"/api/v1/people/{tested}/changes",
                                           params={"as_of": LAST.isoformat()})
    assert r.status_code == 200, r.text
    rows = {(c["measure"], c["side"]): c for c in r.json()["changes"]}
    assert rows[("knee_to_wall", "left")]["value"] == 9.0
    assert rows[("knee_to_wall", "right")]["previous"] is None


def test_api_changes_refuses_a_date_out_of_range_naming_the_field(
        web: Web, coach: WebClient, tested: str) -> None:
    r = _api(web, "coach@example.org").get(f"/api/v1/people/{tested}/changes",
                                           params={"as_of": "1800-01-01"})
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "as_of"


def test_api_changes_answers_the_client_for_themself(web: Web, tested: str) -> None:
    r = _api(web, "client@example.org").get(f"/api/v1/people/{tested}/changes")
    assert r.status_code == 200, r.text


def test_api_changes_of_someone_elses_client_answer_404_and_tell_nothing(
        web: Web, other_coach: WebClient, tested: str) -> None:
    web.account("client", "otherclient@example.org", "Otto Other",
                coach_email="other@example.org")
    for email in ("other@example.org", "otherclient@example.org"):
        r = _api(web, email).get(f"/api/v1/people/{tested}/changes")
        assert r.status_code == 404, (email, r.text)
        assert "knee" not in r.text
    r = _api(web, None).get(f"/api/v1/people/{tested}/changes")
    assert r.status_code == 401
