"""Progress for every test on the web, and the report for a physio or doctor (PDF, CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from webtools import Web, WebClient

from anklet.domain.history import Measurement, QuestionnaireResponse, Screening
from anklet.domain.measures import MeasureKind
from anklet.domain.units import Side
from anklet.services import records

TODAY = dt.date.today()
TESTED = TODAY - dt.timedelta(days=3)
EARLIER = TODAY - dt.timedelta(days=17)
NAME = "Cleo Client"


def give_tests(web: Web, key: str) -> None:
    """A screen, then two rounds of knee-to-wall, heel raises, balance and side hops, a
    sport questionnaire and a readiness check."""
    values = {MeasureKind.KNEE_TO_WALL: ((7.5, 10.0), (8.5, 10.5)),
              MeasureKind.HEEL_RAISE: ((15, 22), (18, 23)),
              MeasureKind.BALANCE_EYES_OPEN: ((12, 30), (20, 30)),
              MeasureKind.SIDE_HOP: ((14, 11), (13, 10.5))}
    with web.ctx.uow() as uow:
        records.create_screening(uow, key=key, protocol=web.ctx.protocol, screening=Screening(
            date=EARLIER, red_flags={f.id: False for f in web.ctx.protocol.red_flags}))
        for kind, rounds in values.items():
            for when, (left, right) in zip((EARLIER, TESTED), rounds, strict=True):
                for side, v in ((Side.LEFT, left), (Side.RIGHT, right)):
                    records.create_measurement(uow, key=key, measurement=Measurement(
                        date=when, side=side, kind=kind, value=v))
        uow.people.add_questionnaire(key, QuestionnaireResponse(
            date=TESTED, instrument="confidence", answers={"confidence": "7", "pain_24h": "2"}))
        uow.commit()


@pytest.fixture
def cleo(web: Web, client_of_coach: WebClient) -> WebClient:
    assert client_of_coach.person_key
    give_tests(web, client_of_coach.person_key)
    return client_of_coach


def test_progress_charts_every_test_taken_with_its_numbers(cleo: WebClient) -> None:
    key = cleo.person_key
    r = cleo.get(f"/people/{key}/progress")
    assert r.status_code == 200
    page = html.unescape(r.text)
    shown = re.findall(r'data-test="([^"]+)"', page)
    assert shown == ["knee_to_wall", "heel_raise", "balance_eyes_open", "side_hop",
                     "confidence", "pain_24h"]
    for kind in ("heel-raise", "balance-eyes-open", "side-hop", "confidence"):
        assert f'class="chart-{kind}"' in page
    assert "Left 18 reps, right 23 reps" in page
    assert "Needed for stage" in page or "Later, for stage" in page
    assert "Stage 4 needs" not in page
    # the numbers behind each chart, as a table
    assert page.count('<details class="readings">') == 6
    assert f"{TESTED:%a %-d %b %Y}" in page
    # the rest, with how to do them
    untested = page[page.index('data-testid="untested"'):]
    assert "Reaching forward on one leg" in untested
    assert "Hops in place on one leg" in untested
    assert f'href="/people/{key}/progress.pdf"' in page
    assert f'href="/people/{key}/progress.csv"' in page


def test_progress_csv_has_one_row_per_result_with_its_threshold(cleo: WebClient) -> None:
    key = cleo.person_key
    r = cleo.get(f"/people/{key}/progress.csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == (
        f'attachment; filename="anklet-progress-{key}-{TODAY.isoformat()}.csv"')
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert list(rows[0]) == ["date", "test", "side", "value", "unit", "threshold",
                             "needed_for"]
    assert len(rows) == 4 * 2 * 2 + 2  # four tests, two rounds, two sides; two readiness scales
    k2w = [x for x in rows if x["test"] == "Knee-to-wall"]
    assert [(x["date"], x["side"], x["value"], x["unit"]) for x in k2w] == [
        (EARLIER.isoformat(), "left", "7.5", "cm"), (EARLIER.isoformat(), "right", "10", "cm"),
        (TESTED.isoformat(), "left", "8.5", "cm"), (TESTED.isoformat(), "right", "10.5", "cm")]
    assert {x["threshold"] for x in k2w} == {"≥ 10 cm"}
    assert {x["needed_for"] for x in k2w} == {"Later, for stage 4"}
    confidence = next(x for x in rows if x["test"] == "Confidence in the ankle")
    assert (confidence["value"], confidence["unit"], confidence["side"]) == ("7", "/10", "")
    assert confidence["threshold"] == "≥ 8/10"


def test_progress_csv_of_someone_untested_has_only_the_header(
        web: Web, coach: WebClient) -> None:
    key = web.add_client("coach@example.org", "Nora New")
    r = coach.get(f"/people/{key}/progress.csv")
    assert r.status_code == 200
    assert r.text.strip() == "date,test,side,value,unit,threshold,needed_for"


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian: poppler-utils) is not installed")
    path = tmp_path / "progress.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, timeout=60)
    return " ".join(unicodedata.normalize("NFKC", out.stdout.decode()).split())


def test_progress_pdf_names_the_person_their_tests_and_every_result(
        coach: WebClient, cleo: WebClient, tmp_path: Path) -> None:
    key = cleo.person_key
    for who in (coach, cleo):
        r = who.get(f"/people/{key}/progress.pdf")
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/pdf"
        assert r.content.startswith(b"%PDF")
    text = _pdf_text(r.content, tmp_path)
    assert f"Progress report for {NAME}" in text
    for title in ("Knee-to-wall", "Heel raises on one leg", "Standing on one leg, eyes open",
                  "Side hops", "Confidence in the ankle", "Every result", "Not tested yet"):
        assert title in text
    assert "Left 8.5 cm, right 10.5 cm" in text
    assert f"{TESTED:%-d %b %Y}" in text


def test_progress_report_of_another_coachs_client_is_not_found(
        cleo: WebClient, other_coach: WebClient) -> None:
    for suffix in ("pdf", "csv"):
        r = other_coach.get(f"/people/{cleo.person_key}/progress.{suffix}")
        assert r.status_code == 404
        assert NAME not in r.text
