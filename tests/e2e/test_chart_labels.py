"""Chart labels never overlap, as the browser draws them, at phone and desktop width.

The demo people (weeks of history at every stage) are looked at, and one more client with
crowded values on purpose (#15): knee-to-wall 9.9 and 10.2 cm next to a 10 cm
target, heel raises around the 21-rep line, balance a breath from 23.5 s, a sport score of
75 % under an 80 % aim, confidence 7 of an aim of 8, and weeks of sessions for the pain and
adherence charts. Every pair of text elements in every chart is compared by its drawn box
(``getBoundingClientRect``); every text must also lie inside its chart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from browsertools import PASSWORD, Pages, Server, make_client, make_coach, shot, sign_in

from anklet.domain.history import Measurement, Override, QuestionnaireResponse
from anklet.domain.measures import MeasureKind
from anklet.domain.units import Side
from anklet.services import demo as demo_service
from anklet.services import evaluation, records
from anklet.services import people as people_service

COACH = "labels.coach@example.org"
TODAY = dt.date.today()
DAY = dt.timedelta(days=1)

OVERLAPS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('.chart svg')) {
    const frame = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
    const boxes = texts.map(t => [t.textContent, t.getBoundingClientRect()]);
    for (const [a, A] of boxes) {
      if (A.left < frame.left - 0.5 || A.right > frame.right + 0.5 ||
          A.top < frame.top - 0.5 || A.bottom > frame.bottom + 0.5)
        out.push(`${svg.getAttribute('class')}: "${a}" outside the chart`);
    }
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, A] = boxes[i], [b, B] = boxes[j];
      if (A.left < B.right - 0.5 && B.left < A.right - 0.5 &&
          A.top < B.bottom - 0.5 && B.top < A.bottom - 0.5)
        out.push(`${svg.getAttribute('class')}: "${a}" overlaps "${b}"`);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def crowded(server: Server) -> list[str]:
    make_coach(server, COACH, "Label Coach")
    key, _ = make_client(server, coach_email=COACH, name="Crowded Client",
                         knee_to_wall=(9.9, 10.2), session_on=TODAY - DAY)
    ctx = server.ctx
    values = {MeasureKind.KNEE_TO_WALL: [(9.6, 10.1), (9.8, 10.0), (10.0, 10.3)],
              MeasureKind.HEEL_RAISE: [(20, 21), (21, 22), (20, 22)],
              MeasureKind.BALANCE_EYES_OPEN: [(23, 24), (23.5, 23.6), (24, 23.4)],
              MeasureKind.SIDE_HOP: [(12.1, 12.4), (12.0, 12.2), (11.9, 12.3)]}
    with ctx.uow() as uow:
        uow.people.add_override(key, Override(date=TODAY - 30 * DAY, stage=3, by=COACH,
                                              reason="Testing the charts."))
        for kind, rounds in values.items():
            for i, (left, right) in enumerate(rounds):
                when = TODAY - (20 - 7 * i) * DAY
                for side, v in ((Side.LEFT, left), (Side.RIGHT, right)):
                    records.create_measurement(uow, key=key, measurement=Measurement(
                        date=when, side=side, kind=kind, value=v))
        faam = {**{f"adl_{i}": "slight" for i in range(1, 22)},
                **{f"sports_{i}": "slight" for i in range(1, 9)}}
        for i in range(3):
            when = TODAY - (16 - 7 * i) * DAY
            uow.people.add_questionnaire(key, QuestionnaireResponse(
                date=when, instrument="faam", answers=faam))
            uow.people.add_questionnaire(key, QuestionnaireResponse(
                date=when, instrument="confidence",
                answers={"confidence": str(7 + i % 2), "pain_24h": "2"}))
        evaluation.get(uow, key=key, protocol=ctx.protocol, library=ctx.library, save=True)
        demo_service.create(uow, protocol=ctx.protocol, library=ctx.library, today=TODAY)
        evaluation.reevaluate_all(uow, protocol=ctx.protocol, library=ctx.library)
        coach = uow.accounts.by_email(COACH)
        assert coach is not None
        demo = [p.key for p in people_service.list(uow) if p.key.startswith("demo-")]
        for d in demo:
            uow.accounts.set_coach(d, coach.id)
        uow.commit()
    return [key, *demo]


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_no_two_chart_labels_overlap_on_the_progress_page(server: Server, pages: Pages,
                                                          crowded: list[str],
                                                          width: str) -> None:
    page: Any = pages.phone() if width == "phone" else pages.desktop()
    sign_in(page, server, COACH, PASSWORD)
    assert len(crowded) >= 6
    found: dict[str, list[str]] = {}
    for key in crowded:
        page.goto(f"{server}/people/{key}/progress")
        if key == crowded[0]:
            charts = page.locator(".chart svg")
            assert charts.count() >= 9  # knee-to-wall, compared, pain, weeks and five more
            assert page.locator(".chart svg .threshold-label").count() >= 5
            shot(page, f"progress-crowded-{width}")
        if problems := page.evaluate(OVERLAPS):
            found[key] = problems
    assert found == {}
