"""``anklet questionnaire cait|faam|confidence|items``, ``anklet scores`` and the clearance
checklist of ``anklet status``, driven in-process like every other command.

Each command: the answers are really stored (read back with ``export``), ``--json`` parses,
and bad input names the item, the value and the options accepted, stores nothing and
exits non-zero without a traceback.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from cliasserts import ok, refused

Cli = Any  # conftest.Result: .code, .out, .err, .json(), .text

TODAY = dt.date.today()
EXIT_INPUT, EXIT_DATAFILE, EXIT_NOT_FOUND = 2, 3, 4

ADL = [f"adl_{i}" for i in range(1, 22)]
SPORTS = [f"sports_{i}" for i in range(1, 9)]

# 4 + 3 + 2 + 2 + 1 + 2 + 3 + 1 + 2 = 20 points
CAIT_20 = ["1=4", "2=3", "3=2", "4=2", "5=1", "6=2", "7=3", "8=1", "9=2"]
# 5 + 4 + 3 + 3 + 2 + 3 + 4 + 3 + 3 = 30 points (items 8 and 9: "never rolled", the top score)
CAIT_30 = ["1=5", "2=4", "3=3", "4=3", "5=2", "6=3", "7=4", "8=never_rolled", "9=never_rolled"]




def answers(*specs: str) -> list[str]:
    out: list[str] = []
    for s in specs:
        out += ["--answer", s]
    return out


def person(cli: Cli, key: str = "sam") -> None:
    ok(cli("add-person", key, "--name", f"Person {key}"))
    ok(cli("screen", key, "--none"))


def stored(cli: Cli, key: str = "sam") -> list[dict[str, Any]]:
    qs: list[dict[str, Any]] = ok(cli("export", key)).json().get("questionnaires", [])
    return qs


@pytest.fixture(autouse=True)
def _not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands that could ask questions see no terminal unless a test gives one."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


# --- CAIT ----------------------------------------------------------------------------------------


def test_cait_records_the_answers_and_scores_them(cli: Cli) -> None:
    person(cli)
    r = ok(cli("questionnaire", "cait", "sam", "--side", "left", *answers(*CAIT_20),
               "--date", "2026-01-05", "--json")).json()
    assert r["instrument"] == "cait"
    assert r["side"] == "left"
    assert r["answers"] == {"1": "sport", "2": "sport_sometimes", "3": "run_sometimes",
                            "4": "fast", "5": "ball", "6": "side_hops", "7": "run_uneven",
                            "8": "sometimes", "9": "under_a_day"}
    [score] = r["scores"]
    assert (score["scale"], score["side"], score["value"]) == ("cait", "left", 20)
    assert score["judgement"] == "first"
    assert score["clearance"] == {"criterion": "cait", "op": ">", "threshold": 25.0,
                                  "source": "Wright2014", "required": True, "met": False}
    assert stored(cli) == [{"date": "2026-01-05", "instrument": "cait", "side": "left",
                            "answers": r["answers"]}]


def test_cait_second_answer_shows_the_change_and_its_meaning(cli: Cli) -> None:
    person(cli)
    ok(cli("questionnaire", "cait", "sam", "--side", "left", *answers(*CAIT_20),
           "--date", "2026-01-05"))
    r = ok(cli("questionnaire", "cait", "sam", "--side", "left", *answers(*CAIT_30),
               "--date", "2026-02-02"))
    assert "CAIT (left): 30 points" in r.text
    assert "clearance needs > 25 (Wright2014): met" in r.text
    assert "+10 points since 2026-01-05" in r.text
    assert "important change for the better" in r.text
    # a change smaller than the 3-point MCID is read as measurement error
    small = [*CAIT_30[:-1], "9=under_a_day"]  # 29 points
    r = ok(cli("questionnaire", "cait", "sam", "--side", "left", *answers(*small),
               "--date", "2026-02-09", "--json")).json()
    assert r["scores"][0]["change"] == -1
    assert r["scores"][0]["judgement"] == "within_error"
    assert "within measurement error" in r["scores"][0]["change_text"]


def test_cait_names_bad_and_unanswered_items_and_stores_nothing(cli: Cli) -> None:
    person(cli)
    r = refused(cli("questionnaire", "cait", "sam", "--side", "right",
                    *answers("1=9", "2=4", "3=3", "4=3", "5=2", "6=3", "7=4", "8=3")),
                EXIT_INPUT, "item 1: '9' is not accepted", "never (5)", "walk_level (0)",
                "item 8: '3' is not accepted", "immediately and of never_rolled",
                "item 9: an answer (unanswered", "over_two_days (0)")
    assert r.err.startswith("Error:")
    data = cli("questionnaire", "cait", "sam", "--side", "right", *answers("1=9"), "--json")
    assert data.code == EXIT_INPUT
    err = data.json()
    assert err["error"] == "AnswerError"
    assert err["problems"][0] == {"item": "1", "value": "9", "accepted": (
        "one of: never (5), sport (4), run_uneven (3), run_level (2), walk_uneven (1), "
        "walk_level (0)")}
    assert [p["item"] for p in err["problems"][1:]] == [str(n) for n in range(2, 10)]
    assert all(p["value"] is None for p in err["problems"][1:])
    assert stored(cli) == []


def test_cait_refuses_an_unknown_item_and_a_missing_side(cli: Cli) -> None:
    person(cli)
    refused(cli("questionnaire", "cait", "sam", "--side", "left", *answers(*CAIT_30, "10=1")),
            EXIT_INPUT, "item 10", "an item of CAIT: 1, 2, 3")
    r = cli("questionnaire", "cait", "sam", *answers(*CAIT_30), "--json")
    assert r.code == EXIT_INPUT
    assert r.json()["error"] == "UsageError"
    assert "--side" in r.json()["message"]
    refused(cli("questionnaire", "cait", "sam", "--side", "middle", *answers(*CAIT_30)),
            EXIT_INPUT, "middle")
    assert stored(cli) == []


def test_cait_of_an_unknown_person_stores_nothing(cli: Cli) -> None:
    person(cli)
    refused(cli("questionnaire", "cait", "nobody", "--side", "left", *answers(*CAIT_30)),
            EXIT_NOT_FOUND, "'nobody'")
    refused(cli("questionnaire", "cait", "sam", "--side", "left", *answers(*CAIT_30),
                "--date", "2026-02-30"), EXIT_INPUT, "date", "YYYY-MM-DD")
    assert stored(cli) == []


def test_cait_asks_the_missing_items_on_a_terminal(cli: Cli,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    person(cli)
    # items 1–7 given; 8 is asked twice (an unknown answer first), then 9
    monkeypatch.setattr(sys, "stdin", _Terminal("maybe\nnever_rolled\n2\n"))
    r = ok(cli("questionnaire", "cait", "sam", "--side", "left", *answers(*CAIT_30[:7])))
    assert "item texts: own labels" in r.text
    assert "Catching a roll of the ankle as it starts" in r.text  # item 8's own label
    assert "one of: immediately (3)" in r.text  # the bad answer was explained, then asked again
    assert "CAIT (left): 29 points" in r.text  # 5 + 4 + 3 + 3 + 2 + 3 + 4 + 3 + 2
    assert stored(cli)[0]["answers"]["9"] == "under_a_day"


def test_cait_asks_with_the_wording_of_a_coach_file(cli: Cli, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    person(cli)
    wording = tmp_path / "cait-wording.yaml"
    wording.write_text("9: The coach's own text for item nine\n", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", _Terminal("at_once\n"))
    r = ok(cli("questionnaire", "cait", "sam", "--side", "right", *answers(*CAIT_30[:8]),
               "--wording", wording))
    assert f"item texts: wording from {wording}" in r.text
    assert "The coach's own text for item nine" in r.text


# --- FAAM ----------------------------------------------------------------------------------------


def faam_specs(value: str = "4", skip: tuple[str, ...] = ()) -> list[str]:
    return answers(*(f"{i}={value}" for i in [*ADL, *SPORTS] if i not in skip))


def test_faam_scores_both_subscales_leaving_out_not_applicable(cli: Cli) -> None:
    person(cli)
    specs = faam_specs(skip=("adl_3", "adl_5", "sports_1", "sports_2"))
    specs += ["--answer", "adl_5=2", "--answer", "sports_2=slight"]
    r = ok(cli("questionnaire", "faam", "sam", *specs, "--na", "adl_3", "--na", "sports_1",
               "--json")).json()
    adl, sports = r["scores"]
    # ADL: 20 answered, 19 × 4 + 2 = 78; 78 ÷ 80 × 100 = 97.5 %
    assert (adl["scale"], adl["value"], adl["answered"]) == ("faam_adl", 97.5, 20)
    # Sports: 7 answered, 6 × 4 + 3 = 27; 27 ÷ 28 × 100 = 96.43 %
    assert (sports["scale"], sports["value"], sports["answered"]) == ("faam_sports", 96.43, 7)
    assert adl["clearance"]["met"] is True
    answers_stored = stored(cli)[0]["answers"]
    assert (answers_stored["adl_3"], answers_stored["sports_1"]) == ("na", "na")
    assert list(answers_stored) == [*ADL, *SPORTS]


def test_faam_subscale_below_its_validity_rule_is_reported_not_scorable(cli: Cli) -> None:
    person(cli)
    na = ["--na", "adl_1", "--na", "adl_2", "--na", "adl_3"]
    r = ok(cli("questionnaire", "faam", "sam", *faam_specs(skip=("adl_1", "adl_2", "adl_3")),
               *na))
    assert "FAAM ADL: not scorable (18 of 21 items answered; 19 needed)" in r.text
    assert "FAAM Sports: 100%" in r.text
    data = ok(cli("scores", "sam", "--json")).json()
    adl = next(s for s in data if s["scale"] == "faam_adl")
    assert (adl["value"], adl["scorable"], adl["answered"], adl["needed"]) == (None, False,
                                                                                18, 19)
    assert adl["clearance"]["met"] is None
    assert len(stored(cli)) == 1  # stored: the answers are kept, the subscale is not scored


def test_faam_names_unanswered_items_and_stores_nothing(cli: Cli) -> None:
    person(cli)
    refused(cli("questionnaire", "faam", "sam", *faam_specs(skip=("sports_8",))),
            EXIT_INPUT, "item sports_8: an answer (unanswered",
            "na (left out: not because of my foot or ankle")
    refused(cli("questionnaire", "faam", "sam", *faam_specs(skip=("adl_4",)),
                "--answer", "adl_4=5"), EXIT_INPUT, "item adl_4: '5' is not accepted",
            "none (4)", "unable (0)")
    refused(cli("questionnaire", "faam", "sam", *faam_specs(), "--na", "adl_99"),
            EXIT_INPUT, "item adl_99")
    assert stored(cli) == []


def test_faam_all_not_applicable_is_stored_but_not_scorable(cli: Cli) -> None:
    person(cli)
    na: list[str] = []
    for i in [*ADL, *SPORTS]:
        na += ["--na", i]
    r = ok(cli("questionnaire", "faam", "sam", *na, "--json")).json()
    assert [(s["value"], s["answered"]) for s in r["scores"]] == [(None, 0), (None, 0)]


# --- readiness check -----------------------------------------------------------------------------


def test_confidence_records_the_rating_and_pain(cli: Cli) -> None:
    person(cli)
    r = ok(cli("questionnaire", "confidence", "sam", "8", "--pain-24h", "1", "--json")).json()
    assert [(s["scale"], s["value"], s["clearance"]["met"]) for s in r["scores"]] == [
        ("confidence", 8, True), ("pain_24h", 1, True)]
    r = ok(cli("questionnaire", "confidence", "sam", "7"))
    assert "Confidence: 7/10" in r.text
    assert "clearance needs ≥ 8 (convention): not met" in r.text
    assert "Pain over the last 24 h" not in r.text  # not asked this time
    assert [q["answers"] for q in stored(cli)] == [{"confidence": "8", "pain_24h": "1"},
                                                   {"confidence": "7"}]


@pytest.mark.parametrize("args", [("11",), ("eight",), ("8", "--pain-24h", "-1")])
def test_confidence_refuses_a_rating_outside_0_to_10(cli: Cli, args: tuple[str, ...]) -> None:
    person(cli)
    refused(cli("questionnaire", "confidence", "sam", *args), EXIT_INPUT, "is not accepted",
            "a whole number from 0")
    assert stored(cli) == []


# --- items and wording ------------------------------------------------------------------------------


def test_items_lists_own_labels_options_and_scores(cli: Cli) -> None:
    data = ok(cli("questionnaire", "items", "cait", "--json", db=False)).json()
    assert data["wording"] == "own labels"
    assert [i["id"] for i in data["items"]] == [str(n) for n in range(1, 10)]
    assert all(i["text_source"] == "own labels" for i in data["items"])
    item8 = data["items"][7]
    assert [(o["id"], o["score"]) for o in item8["options"]] == [
        ("immediately", 3), ("often", 2), ("sometimes", 1), ("never", 0), ("never_rolled", 3)]
    assert data["scales"][0]["mcid"]["value"] == 3
    text = ok(cli("questionnaire", "items", "faam", db=False)).text
    assert "Item texts: own labels" in text
    assert "Rising onto tiptoe" in text
    assert "MDC 5.7 (Martin2005)" in text


def test_items_shows_wording_from_a_coach_file(cli: Cli, tmp_path: Path) -> None:
    wording = tmp_path / "faam.json"
    wording.write_text(json.dumps({"adl_1": "Official text one"}), encoding="utf-8")
    data = ok(cli("questionnaire", "items", "faam", "--wording", wording, "--json",
                  db=False)).json()
    assert data["wording"] == f"wording from {wording}"
    assert data["items"][0]["text"] == "Official text one"
    assert data["items"][0]["text_source"] == f"wording from {wording}"
    assert data["items"][1]["text_source"] == "own labels"
    r = ok(cli("questionnaire", "items", "faam", "--wording", wording, db=False))
    assert f"Item texts: wording from {wording}" in r.text


def test_items_names_an_unknown_id_in_a_wording_file(cli: Cli, tmp_path: Path) -> None:
    wording = tmp_path / "cait.yaml"
    wording.write_text("1: one\n2: two\n12: twelve\n", encoding="utf-8")
    refused(cli("questionnaire", "items", "cait", "--wording", wording, db=False),
            EXIT_DATAFILE, f"{wording}, line 3", "unknown item id '12'")
    r = cli("questionnaire", "items", "cait", "--wording", wording, "--json", db=False)
    assert r.code == EXIT_DATAFILE
    assert r.json()["line"] == 3
    refused(cli("questionnaire", "items", "cait", "--wording", tmp_path / "none.yaml",
                db=False), EXIT_DATAFILE, "file not found")


def test_items_of_an_unknown_instrument(cli: Cli) -> None:
    refused(cli("questionnaire", "items", "lefs", db=False), EXIT_INPUT, "'lefs'",
            "one of: cait, faam, confidence")


# --- scores over time ---------------------------------------------------------------------------


def test_scores_show_each_score_over_time_with_its_judgement(cli: Cli) -> None:
    person(cli)
    assert "No questionnaires answered yet" in ok(cli("scores", "sam")).text
    assert ok(cli("scores", "sam", "--json")).json() == []
    for date, value in (("2026-01-05", "2"), ("2026-01-12", "1"), ("2026-01-19", "3")):
        ok(cli("questionnaire", "faam", "sam", *faam_specs(skip=("adl_1", "sports_1")),
               "--answer", f"adl_1={value}", "--answer", f"sports_1={value}",
               "--date", date))
    data = ok(cli("scores", "sam", "--json")).json()
    adl = [s for s in data if s["scale"] == "faam_adl"]
    # 82/84 = 97.62 %, 81/84 = 96.43 %, 83/84 = 98.81 %: each step 1.19 points, under the MDC
    assert [s["value"] for s in adl] == [97.62, 96.43, 98.81]
    assert [s["judgement"] for s in adl] == ["first", "within_error", "within_error"]
    assert adl[1]["change"] == -1.19
    assert adl[2]["previous"]["date"] == "2026-01-12"
    sports = [s for s in data if s["scale"] == "faam_sports"]
    # 30/32 = 93.75 %, 29/32 = 90.63 %, 31/32 = 96.88 %
    assert [s["value"] for s in sports] == [93.75, 90.62, 96.88]
    text = ok(cli("scores", "sam")).text
    assert ("2026-01-12 FAAM ADL: 96.4% clearance needs ≥ 90 (convention): met −1.2% since "
            "2026-01-05: within measurement error (MDC 5.7%, Martin2005)") in text
    assert "2026-01-19 FAAM Sports: 96.9%" in text
    refused(cli("scores", "nobody"), EXIT_NOT_FOUND, "'nobody'")


# --- the clearance checklist in status ------------------------------------------------------------


def test_status_says_an_old_test_is_out_of_date_and_asks_for_a_re_test(cli: Cli) -> None:
    # Tested 29 days ago (the protocol's re-test interval is 28): the result no longer
    # counts, and the checklist says when it was done rather than "not assessed yet".
    old = (dt.date.today() - dt.timedelta(days=29)).isoformat()
    ok(cli("add-person", "sam", "--name", "Sam", "--date", old))
    ok(cli("screen", "sam", "--none", "--date", old))
    ok(cli("measure", "sam", "knee-to-wall", "--left", "6.5", "--right", "11", "--date", old))
    text = ok(cli("status", "sam")).text
    assert ("? Knee-to-wall distance: out of date (both sides last tested "
            f"{old}, more than 28 days ago) — needs ≥ 10 cm (convention)") in text
    assert "re-test with: knee-to-wall test on both sides (anklet measure sam knee-to-wall" in text
    assert "Ankle impairments (range of motion; strength, endurance, power): not assessed" in text
    assert "? Heel raises, weaker side as % of stronger: not assessed yet" in text  # never done
    data = ok(cli("status", "sam", "--json")).json()
    domains = {d["id"]: d for d in data["clearance"]["domains"]}
    k2w = next(c for c in domains["ankle_impairments"]["criteria"] if c["id"] == "dorsiflexion")
    assert (k2w["assessed"], k2w["stale"], k2w["value_text"]) == (False, True, "out of date")
    assert k2w["where"] == f"both sides last tested {old}, more than 28 days ago"
    assert f"last tested {old}" in k2w["reason"]
    heel = next(c for c in domains["ankle_impairments"]["criteria"]
                if c["id"] == "heel_raise_lsi")
    assert (heel["stale"], heel["value_text"]) == (False, "not assessed")
    # a re-test today counts again
    ok(cli("measure", "sam", "knee-to-wall", "--left", "10.5", "--right", "11"))
    data = ok(cli("status", "sam", "--json")).json()
    domains = {d["id"]: d for d in data["clearance"]["domains"]}
    k2w = next(c for c in domains["ankle_impairments"]["criteria"] if c["id"] == "dorsiflexion")
    assert (k2w["assessed"], k2w["stale"], k2w["met"]) == (True, False, True)


def test_status_groups_the_clearance_checklist_by_paass_domain(cli: Cli) -> None:
    person(cli)
    data = ok(cli("status", "sam", "--json")).json()
    clearance = data["clearance"]
    assert clearance["source"] == "Smith2021"
    domains = {d["id"]: d for d in clearance["domains"]}
    assert list(domains) == ["pain", "ankle_impairments", "athlete_perception",
                             "sensorimotor_control", "sport_performance", "programme"]
    assert domains["sensorimotor_control"]["status"] == "not_assessed"
    assert domains["sensorimotor_control"]["status_text"] == "not assessed yet"
    assert any("balance" in t for t in domains["sensorimotor_control"]["to_fill"])
    cait = next(c for c in domains["athlete_perception"]["criteria"] if c["id"] == "cait")
    assert (cait["assessed"], cait["source"], cait["op"], cait["threshold"]) == (
        False, "Wright2014", ">", 25.0)
    assert "anklet questionnaire cait" in cait["how"]
    text = ok(cli("status", "sam")).text
    assert "Clearance checklist (clear to train normally) — by PAASS domain (Smith2021)" in text
    for label in ("Pain (during sport and over the last 24 h)", "Ankle impairments",
                  "Athlete perception", "Sport and functional performance"):
        assert label in text
    assert ("Sensorimotor control (proprioception, dynamic balance): not assessed yet"
            in text)
    assert ("? CAIT ankle stability score: not assessed yet — needs > 25 points (Wright2014)"
            in text)
    assert "fill it with: CAIT for each ankle (anklet questionnaire cait sam" in text
    # answering the CAIT fills its row
    ok(cli("questionnaire", "cait", "sam", "--side", "left", *answers(*CAIT_20)))
    ok(cli("questionnaire", "cait", "sam", "--side", "right", *answers(*CAIT_30)))
    data = ok(cli("status", "sam", "--json")).json()
    domains = {d["id"]: d for d in data["clearance"]["domains"]}
    cait = next(c for c in domains["athlete_perception"]["criteria"] if c["id"] == "cait")
    assert (cait["assessed"], cait["met"], cait["values"]) == (True, False,
                                                             {"left": 20.0, "right": 30.0})
    assert domains["athlete_perception"]["status"] == "unmet"


def test_evaluate_reads_questionnaires_from_the_history_document(cli: Cli,
                                                                 tmp_path: Path) -> None:
    doc = {"format": "anklet-history", "version": 1, "person": {"id": "x", "name": "X"},
           "intake": {"date": "2026-01-05"},
           "screenings": [{"date": "2026-01-05", "red_flags": {}}],
           "questionnaires": [{"date": "2026-01-06", "instrument": "cait", "side": "left",
                               "answers": dict(zip((str(n) for n in range(1, 10)),
                                                   ("never", "never", "never", "never", "never",
                                                    "never", "never", "never_rolled",
                                                    "never_rolled"), strict=True))}]}
    f = tmp_path / "x.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    ev = ok(cli("evaluate", f, "--as-of", "2026-01-07", "--json", db=False)).json()
    domains = {d["id"]: d for d in ev["decision"]["clearance"]["domains"]}
    cait = next(c for c in domains["athlete_perception"]["criteria"] if c["id"] == "cait")
    assert cait["values"] == {"left": 30.0, "right": None}
    # a bad answer in the document is named with its place
    doc["questionnaires"][0]["answers"]["5"] = "wobbly"  # type: ignore[index]
    f.write_text(json.dumps(doc), encoding="utf-8")
    refused(cli("evaluate", f, db=False), EXIT_INPUT, "questionnaires[0]",
            "item 5: 'wobbly' is not accepted")


def test_round_trip_keeps_the_answers(cli: Cli, tmp_path: Path) -> None:
    person(cli)
    ok(cli("questionnaire", "cait", "sam", "--side", "left", *answers(*CAIT_20),
           "--date", "2026-01-05"))
    ok(cli("questionnaire", "faam", "sam", *faam_specs(skip=("adl_2",)), "--na", "adl_2",
           "--date", "2026-01-05"))
    ok(cli("questionnaire", "confidence", "sam", "9", "--pain-24h", "0", "--date",
           "2026-01-06"))
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    ok(cli("export", "sam", "-o", first))
    ok(cli("delete", "sam", "--yes"))
    ok(cli("import-history", first))
    ok(cli("export", "sam", "-o", second))
    assert second.read_bytes() == first.read_bytes()
    doc = json.loads(second.read_text(encoding="utf-8"))
    assert [q["instrument"] for q in doc["questionnaires"]] == ["cait", "faam", "confidence"]
    scores = ok(cli("scores", "sam", "--json")).json()
    assert [s["value"] for s in scores] == [20, 100.0, 100.0, 9, 0]
