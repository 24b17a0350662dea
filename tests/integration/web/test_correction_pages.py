"""Correcting records on the web (/people/{key}/records): the list with Edit and Delete, the
edit form filled in with the record, a confirm page before deleting (a plain form, no
JavaScript), the result in plain words; a refused edit changes nothing; a client corrects
their own sessions and check-ins but not their coach's tests; another coach gets 404."""

from __future__ import annotations

import datetime as dt
import html
import re

from webtools import Web, WebClient

from anklet.domain.history import ExerciseLog, MeasureKind, Measurement, Screening, Session, Symptoms
from anklet.domain.units import Side

TODAY = dt.date.today()
EARLIER = TODAY - dt.timedelta(days=3)


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _records(web: Web, key: str) -> dict[str, list[int]]:
    with web.ctx.uow(write=False) as uow:
        return {kind: [i for i, _ in uow.people.records(key, kind)]
                for kind in ("measurement", "session", "check_in")}


def _setup(web: Web, key: str) -> dict[str, list[int]]:
    with web.ctx.uow() as uow:
        uow.people.add_measurement(key, Measurement(date=EARLIER, side=Side.LEFT,
                                                    kind=MeasureKind.KNEE_TO_WALL, value=8.0))
        uow.people.add_session(key, Session(date=EARLIER, exercises=[
            ExerciseLog(exercise_id="ankle-circles", reps=10)], pain_during=1))
        uow.people.add_screening(key, Screening(date=EARLIER, kind="check_in",
                                                left=Symptoms(pain_rest=2)))
        uow.commit()
    return _records(web, key)


def _value(web: Web, key: str) -> float:
    with web.ctx.uow(write=False) as uow:
        [(_, m)] = uow.people.records(key, "measurement")
    assert isinstance(m, Measurement)
    return m.value


def test_coach_edits_a_measurement_and_reads_what_changed(
        web: Web, coach: WebClient, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    ids = _setup(web, key)
    page = coach.get(f"/people/{key}/records")
    assert page.status_code == 200
    text = _text(page.text)
    assert "Knee-to-wall distance" in text
    assert EARLIER.strftime("%a %-d %b %Y") in text
    url = f"/people/{key}/records/measurement/{ids['measurement'][0]}"
    assert f'href="{url}/edit"' in page.text
    form = coach.get(f"{url}/edit")
    assert form.status_code == 200
    assert 'name="value" type="text" inputmode="decimal" value="8"' in form.text
    r = coach.form(f"{url}/edit", {"date": EARLIER.isoformat(), "side": "left",
                                   "value": "8.5", "pain": "", "notes": ""})
    assert r.status_code == 303
    assert r.headers["location"] == f"/people/{key}/records"
    after = _text(coach.get(r.headers["location"]).text)
    assert "the result changed from 8 cm to 8.5 cm" in after
    assert "The plan was checked again" in after
    assert _value(web, key) == 8.5


def test_a_refused_edit_shows_the_error_on_its_field_and_changes_nothing(
        web: Web, coach: WebClient, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    ids = _setup(web, key)
    url = f"/people/{key}/records/measurement/{ids['measurement'][0]}/edit"
    r = coach.form(url, {"date": EARLIER.isoformat(), "side": "left", "value": "30"})
    assert r.status_code == 422
    assert 'id="e-value"' in r.text
    assert "0 to 25 cm" in _text(r.text)
    assert 'value="30"' in r.text  # what was typed is kept
    r = coach.form(url, {"date": "2.11.", "side": "left", "value": "8"})
    assert r.status_code == 422
    assert 'id="e-date"' in r.text
    assert _value(web, key) == 8.0


def test_delete_asks_first_and_then_removes_the_session(
        web: Web, coach: WebClient, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    ids = _setup(web, key)
    url = f"/people/{key}/records/session/{ids['session'][0]}/delete"
    ask = coach.get(url)
    assert ask.status_code == 200
    assert "no longer count toward the week" in _text(ask.text)
    assert f'action="{url}"' in ask.text
    assert _records(web, key)["session"] == ids["session"]  # asking deletes nothing
    r = coach.form(url)
    assert r.status_code == 303
    assert "was deleted" in _text(coach.get(r.headers["location"]).text)
    assert _records(web, key)["session"] == []


def test_a_client_corrects_their_own_session_but_not_their_coachs_test(
        web: Web, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    ids = _setup(web, key)
    page = client_of_coach.get(f"/people/{key}/records")
    assert page.status_code == 200
    assert "Your records" in page.text
    assert f"/records/measurement/{ids['measurement'][0]}/edit" not in page.text
    assert f"/records/session/{ids['session'][0]}/edit" in page.text
    refused = client_of_coach.get(f"/people/{key}/records/measurement/"
                                  f"{ids['measurement'][0]}/edit")
    assert refused.status_code == 403
    r = client_of_coach.form(f"/people/{key}/records/check-in/{ids['check_in'][0]}/edit", {
        "date": EARLIER.isoformat(), "left_pain_rest": "0", "left_pain_activity": "0",
        "left_swelling": "no", "left_giving_way": "no", "right_pain_rest": "0",
        "right_pain_activity": "0", "right_swelling": "no", "right_giving_way": "no"})
    assert r.status_code == 303
    assert "left ankle pain at rest changed from 2 to 0" in _text(
        client_of_coach.get(r.headers["location"]).text)


def test_another_coach_gets_404_for_the_records_and_each_record(
        web: Web, other_coach: WebClient, client_of_coach: WebClient) -> None:
    key = client_of_coach.person_key
    assert key is not None
    ids = _setup(web, key)
    url = f"/people/{key}/records/measurement/{ids['measurement'][0]}"
    assert other_coach.get(f"/people/{key}/records").status_code == 404
    assert other_coach.get(f"{url}/edit").status_code == 404
    assert other_coach.form(f"{url}/delete").status_code == 404
    assert _records(web, key) == ids
