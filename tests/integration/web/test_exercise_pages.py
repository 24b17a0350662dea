"""The exercise library on the web: /exercises (search, filters) and /exercises/{id}."""

from __future__ import annotations

import re

from markupsafe import escape
from webtools import Web, WebClient

from anklet.domain.exercises import Category, Equipment, Plane, Region, load_library
from anklet.domain.measures import MeasureKind
from anklet.web.pages.exercises import Search, read_search, search, waits_for

LIB = load_library()


def card_ids(html: str) -> list[str]:
    return re.findall(r'data-exercise="([^"]+)"', html)


def test_library_lists_every_exercise_for_a_signed_in_coach(coach: WebClient) -> None:
    r = coach.get("/exercises")
    assert r.status_code == 200
    assert card_ids(r.text) == [e.id for e in LIB.exercises]
    assert f"{len(LIB.exercises)} exercises" in r.text


def test_library_is_readable_by_a_client(client_of_coach: WebClient) -> None:
    r = client_of_coach.get("/exercises?q=ball")
    assert r.status_code == 200
    assert card_ids(r.text)


def test_library_needs_a_sign_in(web: Web) -> None:
    r = web.browser().get("/exercises")
    assert r.status_code == 303
    assert r.headers["location"].startswith("/sign-in")


def test_search_matches_name_and_cue_words(coach: WebClient) -> None:
    ids = card_ids(coach.get("/exercises?q=TENDER+spot").text)
    assert ids
    for i in ids:
        e = LIB.get(i)
        text = " ".join([e.name, *e.how, e.why]).lower()
        assert "tender" in text
        assert "spot" in text


def test_filters_narrow_by_stage_region_plane_and_equipment(coach: WebClient) -> None:
    r = coach.get("/exercises?stage=3&region=calf&plane=sagittal&equipment=step")
    assert r.status_code == 200
    ids = card_ids(r.text)
    expected = [e.id for e in LIB.query(stage=3, region=Region.CALF, plane=Plane.SAGITTAL,
                                        equipment=Equipment.STEP)]
    assert ids == expected
    assert 'value="3" selected' in r.text


def test_search_with_no_match_says_so_and_offers_all(coach: WebClient) -> None:
    r = coach.get("/exercises?q=zzzqqq")
    assert r.status_code == 200
    assert card_ids(r.text) == []
    assert "No exercise matches" in r.text
    assert 'href="/exercises"' in r.text


def test_unknown_filter_values_are_named_with_what_is_accepted(coach: WebClient) -> None:
    r = coach.get("/exercises?stage=9&region=moon&plane=up&equipment=rocket")
    assert r.status_code == 422
    assert "Stage “9” is not one of the stages: choose 1, 2, 3 or 4." in r.text
    assert "Region “moon”" in r.text
    assert "ball of the foot" in r.text
    assert "Plane “up”" in r.text
    assert "Equipment “rocket”" in r.text
    assert card_ids(r.text) == [e.id for e in LIB.exercises]  # the bad filters are left out


def test_search_function_ands_words_and_filters() -> None:
    found = search(LIB, Search(q="calf", stage=2))
    assert found
    assert all(2 in e.stages for e in found)
    assert search(LIB, Search(q="calf zzzqqq")) == []


def test_read_search_keeps_good_values_and_reports_bad_ones() -> None:
    from anklet.domain.protocol import load_protocol

    s, errors = read_search({"q": "  calf   raise ", "stage": "2", "plane": "frontal",
                             "equipment": "nope"}, load_protocol())
    assert s == Search(q="calf raise", stage=2, plane=Plane.FRONTAL)
    assert list(errors) == ["equipment"]


def test_exercise_page_shows_purpose_steps_doses_and_variants(coach: WebClient) -> None:
    e = next(x for x in LIB.exercises if x.easier and x.harder)
    r = coach.get(f"/exercises/{e.id}")
    assert r.status_code == 200
    assert e.name in r.text
    assert escape(e.why) in r.text
    for step in e.how:
        assert escape(step) in r.text
    stages = " ".join(str(n) for n in sorted(set(e.stages)))
    assert f'data-stages="{stages}"' in r.text  # one amount for every stage: one row
    assert e.dose.describe(1.0) in r.text
    assert f'href="/exercises/{e.easier}"' in r.text
    assert f'href="/exercises/{e.harder}"' in r.text


def test_foot_release_page_carries_the_heel_warning(coach: WebClient) -> None:
    e = next(x for x in LIB.exercises if x.category is Category.FOOT_RELEASE)
    assert "Heel warning" in coach.get(f"/exercises/{e.id}").text


def test_a_balance_variant_page_says_it_waits_for_thirty_seconds_of_plain_balance(
        client_of_coach: WebClient) -> None:
    waiting = [e for e in LIB.exercises if MeasureKind.BALANCE_EYES_OPEN in e.needs]
    assert len(waiting) >= 5  # head turns, eyes closed, cushion, Y and star reach
    for e in waiting:
        r = client_of_coach.get(f"/exercises/{e.id}")
        assert r.status_code == 200
        found = re.findall(r'data-testid="waits-for">([^<]*)<', r.text)
        least = f"{e.needs[MeasureKind.BALANCE_EYES_OPEN]:g} s"
        assert found == [f"This comes once you can stand {least} on each leg, eyes open, in "
                         f"the balance test. Until then, plans leave it out."], e.id


def test_an_exercise_that_waits_for_nothing_says_nothing_of_it(coach: WebClient) -> None:
    e = LIB.get("single-leg-stance")
    assert not e.needs
    assert 'data-testid="waits-for"' not in coach.get(f"/exercises/{e.id}").text


def test_the_waiting_sentence_is_read_from_needs_for_any_test() -> None:
    e = LIB.get("single-leg-stance").model_copy(
        update={"needs": {MeasureKind.HEEL_RAISE: 20, MeasureKind.LUNGE_ANGLE: 35}})
    assert waits_for(e) == ("This comes once you can do 20 single-leg heel raises on each leg "
                            "and each shin leans 35° in the lunge-angle test.")


def test_unknown_exercise_gets_a_friendly_404(coach: WebClient) -> None:
    r = coach.get("/exercises/no-such-thing")
    assert r.status_code == 404
    assert "Exercise not found" in r.text
    assert "no-such-thing" in r.text
    assert "Traceback" not in r.text


def test_plan_page_links_exercise_names_to_their_page(web: Web, coach: WebClient,
                                                      client_of_coach: WebClient) -> None:
    from anklet.domain.history import Availability, Screening

    key = client_of_coach.person_key
    assert key is not None
    with web.ctx.uow() as uow:
        uow.people.add_screening(key, Screening(
            date=__import__("datetime").date.today(),
            red_flags={f.id: False for f in web.ctx.protocol.red_flags}))
        uow.people.set_availability(key, Availability(mon=30, tue=30, wed=30, thu=30, fri=30,
                                                      sat=30, sun=30))
        uow.commit()
    r = client_of_coach.get(f"/people/{key}/plan")
    assert r.status_code == 200
    links = re.findall(r'href="/exercises/([a-z0-9-]+)"', r.text)
    assert links
    assert all(i in LIB for i in links)
    today = client_of_coach.get("/me")
    assert re.search(r'href="/exercises/[a-z0-9-]+"', today.text)


def test_person_page_links_logged_exercises_to_their_page(web: Web, coach: WebClient,
                                                          client_of_coach: WebClient) -> None:
    import datetime as dt

    from anklet.domain.history import ExerciseLog, Session
    from anklet.services import records

    key = client_of_coach.person_key
    assert key is not None
    e = LIB.exercises[0]
    with web.ctx.uow() as uow:
        records.create_session(uow, key=key, library=web.ctx.library, session=Session(
            date=dt.date.today(), pain_during=1,
            exercises=[ExerciseLog(exercise_id=e.id, sets=1)]))
        uow.commit()
    page = coach.get(f"/people/{key}").text
    assert f'<a href="/exercises/{e.id}">{escape(e.name)}</a>' in page
