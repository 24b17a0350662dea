"""Questionnaires on the web: the list, the form, the answer and its result, for a client on
their own pages and a coach for their client; and the checklist's links to them.

Answers are scored by the scorer ``anklet questionnaire`` uses and stored as the same
responses; a refused form stores nothing and comes back with each problem at its question
and every answer kept. Answering re-decides the person: the stored decision reads the new
score at once.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from webtools import Web, WebClient

from anklet.domain.history import Override, QuestionnaireResponse, Screening
from anklet.domain.questionnaires import answers_scoring, load_instruments
from anklet.services import records

TODAY = dt.date.today()
COACH = "coach@example.org"
CAIT_28 = {"1": "never", "2": "never", "3": "never", "4": "never", "5": "never",
           "6": "side_hops", "7": "run_uneven", "8": "immediately", "9": "at_once"}
"""CAIT answers adding up to 28 of 30 (5+4+3+3+2+2+3+3+3)."""


def _text(page: str) -> str:
    no_tags = re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", " ", page, flags=re.S))
    return re.sub(r"\s+", " ", html.unescape(no_tags))


def _form(answers: dict[str, str]) -> dict[str, str]:
    return {f"q_{k}": v for k, v in answers.items()}


def _stored(web: Web, key: str) -> list[QuestionnaireResponse]:
    with web.ctx.uow() as uow:
        return uow.people.questionnaires(key)


def _add(web: Web, key: str, response: QuestionnaireResponse) -> None:
    with web.ctx.uow() as uow:
        uow.people.add_questionnaire(key, response)
        uow.commit()


def _screen(web: Web, key: str) -> None:
    """A clear red-flag screen today: the checklist is worked out once someone is screened."""
    p = web.ctx.protocol
    with web.ctx.uow() as uow:
        records.create_screening(uow, key=key, protocol=p, screening=Screening(
            date=TODAY, red_flags={f.id: False for f in p.red_flags}))
        uow.commit()


def _cait(total: int) -> dict[str, str]:
    return answers_scoring(load_instruments().get("cait"), "cait", total)


def test_answer_cait_as_client_stores_it_and_shows_the_score(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    page = client_of_coach.get(f"/people/{key}/questionnaires/cait?side=left")
    assert page.status_code == 200
    assert "your left ankle" in _text(page.text)
    assert 'name="q_1"' in page.text
    assert "data-q-draft" in page.text
    r = client_of_coach.form(f"/people/{key}/questionnaires/cait",
                             {"side": "left", **_form(CAIT_28)})
    assert r.status_code == 303
    assert r.headers["location"] == f"/people/{key}/questionnaires/cait/result?side=left"
    [stored] = _stored(web, key)
    assert (stored.instrument, stored.side, stored.date) == ("cait", "left", TODAY)
    assert dict(stored.answers) == CAIT_28
    result = _text(client_of_coach.get(r.headers["location"]).text)
    assert "28 out of 30" in result
    assert "each ankle needs more than 25 points. This one meets it." in result
    assert "Your first score here" in result
    assert "Answer CAIT for your right ankle" in result  # the other ankle is still missing


def test_answer_cait_again_says_the_change_and_whether_it_is_real(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    earlier = TODAY - dt.timedelta(days=20)
    _add(web, key, QuestionnaireResponse(date=earlier, instrument="cait", side="left",
                                         answers=_cait(22)))
    r = client_of_coach.form(f"/people/{key}/questionnaires/cait?side=left", _form(CAIT_28))
    assert r.status_code == 303
    result = _text(client_of_coach.get(r.headers["location"]).text)
    day = f"{earlier:%a} {earlier.day} {earlier:%b}"
    assert f"Up 6 points since {day}: a real change for the better" in result
    _add(web, key, QuestionnaireResponse(date=TODAY, instrument="cait", side="left",
                                         answers=_cait(27)))
    result = _text(client_of_coach.get(r.headers["location"]).text)
    assert "Down 1 points since" in result or "Down 1 point since" in result
    assert "so read this as about the same" in result


def test_answer_with_missing_and_unknown_answers_stores_nothing_and_keeps_the_rest(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    answers = _form(CAIT_28)
    del answers["q_4"]
    answers["q_7"] = "flying"
    r = client_of_coach.form(f"/people/{key}/questionnaires/cait?side=left", answers)
    assert r.status_code == 422
    page = r.text
    assert 'id="e-q_4"' in page
    assert 'id="e-q_7"' in page
    assert "Please choose an answer." in page
    assert "Please choose one of the answers shown." in page
    assert "2 questions need an answer" in _text(page)
    # the good answers are still chosen
    assert re.search(r'name="q_1" value="never" checked', page)
    assert _stored(web, key) == []


def test_answer_faam_and_readiness_score_each_part(web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Fran Faam")
    faam = {i.id: "none" for i in load_instruments().get("faam").items} | {
        "adl_20": "slight", "sports_8": "na"}
    r = coach.form(f"/people/{key}/questionnaires/faam", _form(faam))
    assert r.status_code == 303
    result = _text(coach.get(r.headers["location"]).text)
    assert "Daily activities (FAAM)" in result
    assert "98.8%" in result
    assert "Sport (FAAM)" in result
    assert "100%" in result
    r = coach.form(f"/people/{key}/questionnaires/confidence", {"q_confidence": "9"})
    assert r.status_code == 422  # the pain over 24 h is asked on the web
    assert _text(r.text).count("Please choose an answer.") == 1
    r = coach.form(f"/people/{key}/questionnaires/confidence",
                   {"q_confidence": "9", "q_pain_24h": "1"})
    assert r.status_code == 303
    result = _text(coach.get(r.headers["location"]).text)
    assert "9 out of 10" in result
    assert "1 out of 10" in result
    assert [q.instrument for q in _stored(web, key)] == ["faam", "confidence"]


def test_coach_answers_on_an_earlier_day_but_not_a_later_one(web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Pat Paper")
    later = (TODAY + dt.timedelta(days=1)).isoformat()
    r = coach.form(f"/people/{key}/questionnaires/cait?side=right",
                   {**_form(CAIT_28), "date": later})
    assert r.status_code == 422
    assert "answers cannot come from the future" in r.text
    day = TODAY - dt.timedelta(days=3)
    r = coach.form(f"/people/{key}/questionnaires/cait?side=right",
                   {**_form(CAIT_28), "date": day.isoformat()})
    assert r.status_code == 303
    [stored] = _stored(web, key)
    assert (stored.date, stored.side) == (day, "right")


def test_answer_redecides_the_person_so_the_checklist_reads_it(
        web: Web, coach: WebClient) -> None:
    key = web.add_client(COACH, "Cass Clear")
    _screen(web, key)
    _add(web, key, QuestionnaireResponse(date=TODAY, instrument="cait", side="right",
                                         answers=CAIT_28))
    page = coach.get(f"/people/{key}").text
    assert f'href="/people/{key}/questionnaires/cait?side=left"' in page
    assert 'data-testid="fill-cait"' in page
    r = coach.form(f"/people/{key}/questionnaires/cait?side=left", _form(CAIT_28))
    assert r.status_code == 303
    with web.ctx.uow() as uow:
        stored = uow.people.get_decision(key)
    assert stored is not None
    assert stored.as_of == TODAY
    result = _text(coach.get(r.headers["location"]).text)
    assert "CAIT ankle stability score: met" in result
    page = coach.get(f"/people/{key}").text
    assert 'data-testid="fill-cait"' not in page


def test_questionnaires_page_lists_each_with_its_latest_score(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    _screen(web, key)
    _add(web, key, QuestionnaireResponse(date=TODAY, instrument="cait", side="left",
                                         answers=CAIT_28))
    page = client_of_coach.get(f"/people/{key}/questionnaires")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Your questionnaires" in text
    assert "28 out of 30" in text
    assert f'href="/people/{key}/questionnaires/cait?side=right"' in page.text
    assert f'href="/people/{key}/questionnaires/faam"' in page.text
    assert "Answer CAIT for your right ankle" in text  # still needed for clearance


def test_unknown_questionnaire_or_side_is_refused_in_words(
        client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert client_of_coach.get(f"/people/{key}/questionnaires/lefs").status_code == 404
    r = client_of_coach.get(f"/people/{key}/questionnaires/cait?side=middle")
    assert r.status_code == 422
    assert "left or right" in _text(r.text)


def test_result_without_an_answer_sends_to_the_form(client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    r = client_of_coach.get(f"/people/{key}/questionnaires/faam/result")
    assert r.status_code == 303
    assert r.headers["location"] == f"/people/{key}/questionnaires/faam"


def test_someone_elses_client_is_not_found(web: Web, coach: WebClient,
                                           other_coach: WebClient,
                                           client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    for path in (f"/people/{key}/questionnaires", f"/people/{key}/questionnaires/cait",
                 f"/people/{key}/questionnaires/cait/result"):
        assert other_coach.get(path).status_code == 404
    r = other_coach.form(f"/people/{key}/questionnaires/cait?side=left", _form(CAIT_28))
    assert r.status_code == 404
    other_client = web.account("client", "o2@example.org", "Oz Other",
                               coach_email="other@example.org")
    r = other_client.form(f"/people/{key}/questionnaires/cait?side=left", _form(CAIT_28))
    assert r.status_code == 404
    assert _stored(web, key) == []
    assert coach.get(f"/people/{key}/questionnaires/cait").status_code == 200


def test_progress_links_to_the_questionnaires_still_needed(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    _screen(web, key)
    page = client_of_coach.get(f"/people/{key}/progress").text
    assert 'data-testid="questionnaires-due"' in page
    assert f'href="/people/{key}/questionnaires/cait?side=left"' in page
    assert f'href="/people/{key}/questionnaires/faam"' in page
    # Today asks only once clearance is the next step: a stage-1 client is not asked yet
    assert 'data-testid="questionnaires-due"' not in client_of_coach.get("/me").text


def test_today_asks_for_the_questionnaires_once_clearance_is_next(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    _screen(web, key)
    with web.ctx.uow() as uow:
        uow.people.add_override(key, Override(date=TODAY, stage=3, reason="Ready for more.",
                                              by="coach@example.org"))
        uow.commit()
    page = client_of_coach.get("/me").text
    assert 'data-testid="questionnaires-due"' in page
    assert "Answer CAIT for your left ankle" in _text(page)
