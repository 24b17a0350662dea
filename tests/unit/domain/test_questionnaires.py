"""Scoring of the self-report instruments, checked against sums worked out by hand.

Every example writes its arithmetic next to it. Answers are item id → option id; the
option scores are those of the shipped ``questionnaires.yaml`` (CAIT: Hiller2006, FAAM:
Martin2005), which the first tests pin down.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from anklet.domain.errors import AnswerError, DataFileError, HistoryError, NotFoundError
from anklet.domain.history import QuestionnaireResponse, parse_history
from anklet.domain.questionnaires import (
    OWN_LABELS,
    Score,
    answers_scoring,
    changes,
    judge,
    load_instruments,
    load_wording,
    parse_answers,
    parse_instruments,
    parse_wording,
    score_response,
)
from anklet.domain.units import Side

INS = load_instruments()
CAIT = INS.get("cait")
FAAM = INS.get("faam")
READY = INS.get("confidence")
D0 = dt.date(2026, 1, 5)
SHIPPED = resources.files("anklet.data").joinpath("questionnaires.yaml").read_text(
    encoding="utf-8")

ADL = [f"adl_{i}" for i in range(1, 22)]
SPORTS = [f"sports_{i}" for i in range(1, 9)]
CAIT_TOP = {"1": "never", "2": "never", "3": "never", "4": "never", "5": "never",
            "6": "never", "7": "never", "8": "immediately", "9": "at_once"}


def scores_of(ins: Any, answers: dict[str, str], side: Side | None = None) -> dict[str, Score]:
    return {s.scale: s for s in score_response(ins, answers, date=D0, side=side)}


def faam_answers(adl: dict[str, str], sports: dict[str, str] | None = None) -> dict[str, str]:
    """Every FAAM item: the given ones, all others 'none' (no difficulty, 4)."""
    out = dict.fromkeys([*ADL, *SPORTS], "none")
    return out | adl | (sports or {})


# --- the instruments as shipped ---------------------------------------------------------------


def test_cait_has_nine_items_whose_top_scores_add_up_to_30() -> None:
    assert [i.id for i in CAIT.items] == [str(n) for n in range(1, 10)]
    # published item maxima: 5 + 4 + 3 + 3 + 2 + 3 + 4 + 3 + 3 = 30
    assert [i.max_score for i in CAIT.items] == [5, 4, 3, 3, 2, 3, 4, 3, 3]
    assert CAIT.per_side
    assert CAIT.scale("cait").range == (0, 30)


def test_cait_never_rolled_scores_the_top_score_on_items_8_and_9() -> None:
    for item_id in ("8", "9"):
        item = CAIT.item(item_id)
        assert item is not None
        never_rolled = item.option("never_rolled")
        assert never_rolled is not None
        assert never_rolled.score == item.max_score == 3


def test_faam_has_21_adl_and_8_sports_items_scored_4_to_0_with_not_applicable() -> None:
    assert FAAM.scale("faam_adl").items == ADL
    assert FAAM.scale("faam_sports").items == SPORTS
    for item in FAAM.items:
        assert [(o.id, o.score) for o in item.options or ()] == [
            ("none", 4), ("slight", 3), ("moderate", 2), ("extreme", 1), ("unable", 0),
            ("na", None)]
    assert (FAAM.scale("faam_adl").min_answered, FAAM.scale("faam_sports").min_answered) == (19, 7)


def test_faam_mdc_and_mcid_are_the_published_figures() -> None:
    adl, sports = FAAM.scale("faam_adl"), FAAM.scale("faam_sports")
    assert (adl.mdc.value, adl.mcid.value) == (5.7, 8)  # type: ignore[union-attr]
    assert (sports.mdc.value, sports.mcid.value) == (12.3, 9)  # type: ignore[union-attr]
    assert CAIT.scale("cait").mcid.value == 3  # type: ignore[union-attr]
    assert CAIT.scale("cait").mdc is None


def test_item_labels_are_short() -> None:
    for ins in INS.instruments:
        for item in ins.items:
            assert len(item.label) <= 60, item.label


def test_unknown_instrument_is_not_found() -> None:
    with pytest.raises(NotFoundError):
        INS.get("lefs")


# --- CAIT scoring ----------------------------------------------------------------------------


def test_cait_all_top_answers_score_30() -> None:
    s = scores_of(CAIT, CAIT_TOP, Side.LEFT)["cait"]
    assert s.value == 30  # 5 + 4 + 3 + 3 + 2 + 3 + 4 + 3 + 3
    assert s.side is Side.LEFT
    assert (s.answered, s.needed, s.items) == (9, 9, 9)


def test_cait_mixed_answers_score_by_hand() -> None:
    answers = {"1": "sport", "2": "sport_sometimes", "3": "run_sometimes", "4": "fast",
               "5": "ball", "6": "side_hops", "7": "run_uneven", "8": "sometimes",
               "9": "under_a_day"}
    # 4 + 3 + 2 + 2 + 1 + 2 + 3 + 1 + 2 = 20
    assert scores_of(CAIT, answers)["cait"].value == 20


def test_cait_lowest_answers_score_0() -> None:
    answers = {"1": "walk_level", "2": "daily_often", "3": "walking", "4": "always",
               "5": "flat", "6": "jump", "7": "walk_flat", "8": "never", "9": "over_two_days"}
    assert scores_of(CAIT, answers)["cait"].value == 0


def test_cait_never_rolled_counts_as_top_score() -> None:
    answers = CAIT_TOP | {"8": "never_rolled", "9": "never_rolled", "1": "run_level"}
    # 2 + 4 + 3 + 3 + 2 + 3 + 4 + 3 (never rolled) + 3 (never rolled) = 27
    assert scores_of(CAIT, answers)["cait"].value == 27


@pytest.mark.parametrize("total", range(31))
def test_answers_scoring_adds_up_to_every_cait_total(total: int) -> None:
    assert scores_of(CAIT, answers_scoring(CAIT, "cait", total))["cait"].value == total


# --- FAAM scoring ----------------------------------------------------------------------------


def test_faam_all_no_difficulty_scores_100_percent() -> None:
    s = scores_of(FAAM, faam_answers({}))
    assert s["faam_adl"].value == 100.0  # 84 ÷ (21 × 4) × 100
    assert s["faam_sports"].value == 100.0  # 32 ÷ (8 × 4) × 100


def test_faam_adl_not_applicable_items_are_left_out_of_the_denominator() -> None:
    s = scores_of(FAAM, faam_answers({"adl_3": "na", "adl_7": "na", "adl_1": "slight"}))["faam_adl"]
    # 19 answered: 18 × 4 + 3 = 75; 75 ÷ (19 × 4) × 100 = 98.68 %
    assert s.answered == 19
    assert s.value == pytest.approx(75 / 76 * 100)


def test_faam_adl_exactly_90_percent() -> None:
    adl = {**dict.fromkeys(ADL[:8], "slight"), "adl_21": "na"}
    s = scores_of(FAAM, faam_answers(adl))["faam_adl"]
    # 20 answered: 12 × 4 + 8 × 3 = 72; 72 ÷ (20 × 4) × 100 = 90 %
    assert s.answered == 20
    assert s.value == 90.0


def test_faam_adl_just_below_90_percent() -> None:
    s = scores_of(FAAM, faam_answers(dict.fromkeys(ADL[:9], "slight")))["faam_adl"]
    # 21 answered: 12 × 4 + 9 × 3 = 75; 75 ÷ 84 × 100 = 89.29 %
    assert s.value == pytest.approx(89.2857, abs=1e-4)


def test_faam_adl_scorable_with_19_of_21_answered() -> None:
    s = scores_of(FAAM, faam_answers(dict.fromkeys(ADL[:2], "na")))["faam_adl"]
    assert (s.answered, s.needed, s.items) == (19, 19, 21)
    assert s.scorable
    assert s.value == 100.0  # 76 ÷ (19 × 4) × 100


def test_faam_adl_not_scorable_with_18_of_21_answered() -> None:
    s = scores_of(FAAM, faam_answers(dict.fromkeys(ADL[:3], "na")))["faam_adl"]
    assert (s.answered, s.needed) == (18, 19)
    assert not s.scorable
    assert s.value is None
    assert s.value_text == "not scorable (18 of 21 items answered; 19 needed)"


def test_faam_sports_scorable_with_7_of_8_answered() -> None:
    sports = {"sports_1": "na", "sports_2": "moderate", "sports_3": "moderate",
              "sports_4": "slight"}
    s = scores_of(FAAM, faam_answers({}, sports))["faam_sports"]
    # 7 answered: 2 + 2 + 3 + 4 + 4 + 4 + 4 = 23; 23 ÷ (7 × 4) × 100 = 82.14 %
    assert (s.answered, s.needed) == (7, 7)
    assert s.value == pytest.approx(23 / 28 * 100)


def test_faam_sports_not_scorable_with_6_of_8_answered() -> None:
    s = scores_of(FAAM, faam_answers({}, {"sports_1": "na", "sports_8": "na"}))["faam_sports"]
    assert (s.answered, s.needed, s.items) == (6, 7, 8)
    assert s.value is None
    assert "6 of 8 items answered; 7 needed" in s.value_text


@pytest.mark.parametrize(("slight", "expected"), [
    (6, 81.25),   # 2 × 4 + 6 × 3 = 26; 26 ÷ 32 × 100
    (7, 78.125),  # 1 × 4 + 7 × 3 = 25; 25 ÷ 32 × 100
])
def test_faam_sports_either_side_of_80_percent(slight: int, expected: float) -> None:
    s = scores_of(FAAM, faam_answers({}, dict.fromkeys(SPORTS[:slight], "slight")))
    assert s["faam_sports"].value == expected


def test_faam_all_not_applicable_is_not_scorable() -> None:
    s = scores_of(FAAM, dict.fromkeys([*ADL, *SPORTS], "na"))
    assert s["faam_adl"].value is None
    assert s["faam_sports"].value is None
    assert (s["faam_adl"].answered, s["faam_sports"].answered) == (0, 0)


def test_readiness_scores_each_rating_and_skips_pain_when_not_asked() -> None:
    s = scores_of(READY, {"confidence": "8", "pain_24h": "3"})
    assert (s["confidence"].value, s["pain_24h"].value) == (8, 3)
    s = scores_of(READY, {"confidence": "8"})
    assert set(s) == {"confidence"}


# --- typed answers ------------------------------------------------------------------------------


def test_parse_answers_takes_scores_and_option_ids() -> None:
    specs = ["1=4", "2=3", "3=never", "4=0", "5=ball", "6=2", "7=4", "8=never_rolled", "9=1"]
    answers = parse_answers(CAIT, specs)
    assert answers == {"1": "sport", "2": "sport_sometimes", "3": "never", "4": "always",
                       "5": "ball", "6": "side_hops", "7": "never", "8": "never_rolled",
                       "9": "one_two_days"}
    # 4 + 3 + 3 + 0 + 1 + 2 + 4 + 3 + 1 = 21
    assert scores_of(CAIT, answers)["cait"].value == 21


def test_parse_answers_names_every_problem_at_once() -> None:
    with pytest.raises(AnswerError) as info:
        parse_answers(CAIT, ["1=5", "2=7", "10=1", "3=sideways"])
    problems = {f: (v, a) for f, v, a in info.value.problems}
    assert problems["item 2"][0] == "7"
    assert "never (4)" in problems["item 2"][1]
    assert "daily_often (0)" in problems["item 2"][1]
    assert problems["item 10"][0] == "10=1"
    assert problems["item 3"][0] == "sideways"
    assert "item 1" not in problems
    # the unanswered items are named with the bad answers, in item order, unknown ones last
    assert [f for f, _, _ in info.value.problems] == [
        "item 2", "item 3", *(f"item {n}" for n in range(4, 10)), "item 10"]
    assert problems["item 4"][0] is None
    assert info.value.field == "item 2"
    assert info.value.exit_code == 2


def test_parse_answers_names_unanswered_items_with_their_options() -> None:
    with pytest.raises(AnswerError) as info:
        parse_answers(CAIT, ["1=5", "2=4", "3=3", "4=3", "5=2", "6=3", "7=4"])
    assert [(f, v) for f, v, _ in info.value.problems] == [("item 8", None), ("item 9", None)]
    assert "never_rolled (3)" in info.value.problems[0][2]
    assert "unanswered" in str(info.value)
    data = info.value.to_dict()
    assert data["error"] == "AnswerError"
    assert data["instrument"] == "CAIT"
    assert data["problems"][0] == {"item": "8", "value": None,
                                   "accepted": info.value.problems[0][2]}


def test_parse_answers_refuses_an_ambiguous_score() -> None:
    # items 8 and 9: 3 is the score of both the first option and "never rolled"
    with pytest.raises(AnswerError) as info:
        parse_answers(CAIT, ["8=3"], complete=False)
    _, value, accepted = info.value.problems[0]
    assert value == "3"
    assert "immediately" in accepted
    assert "never_rolled" in accepted


def test_parse_answers_marks_not_applicable_only_where_the_item_allows_it() -> None:
    answers = parse_answers(FAAM, [f"{i}=4" for i in [*ADL[1:], *SPORTS]], na=["adl_1"])
    assert answers["adl_1"] == "na"
    assert list(answers) == [*ADL, *SPORTS]  # item order
    with pytest.raises(AnswerError) as info:
        parse_answers(CAIT, ["1=na"], complete=False)
    assert "no 'does not apply' option" in info.value.problems[0][2]


def test_parse_answers_refuses_two_different_answers_to_one_item() -> None:
    with pytest.raises(AnswerError) as info:
        parse_answers(FAAM, ["adl_1=4", "adl_1=2"], complete=False)
    assert "given twice" in info.value.problems[0][2]


def test_parse_answers_refuses_a_pair_without_equals() -> None:
    with pytest.raises(AnswerError) as info:
        parse_answers(CAIT, ["1"], complete=False)
    assert info.value.problems[0][:2] == ("answer", "1")


def test_parse_answers_readiness_scale_out_of_range() -> None:
    with pytest.raises(AnswerError) as info:
        parse_answers(READY, ["confidence=11"])
    assert info.value.problems[0][0] == "item confidence"
    assert "0 (not at all confident) to 10" in info.value.problems[0][2]


# --- changes over time ---------------------------------------------------------------------------


@pytest.mark.parametrize(("delta", "kind"), [
    (5.6, "within_error"), (5.7, "within_error"),   # MDC 5.7
    (5.8, "beyond_error"), (7.9, "beyond_error"),   # real, below the MCID of 8
    (8.0, "important"), (8.1, "important"),
    (-5.7, "within_error"), (-8.0, "important"),
])
def test_judge_faam_adl_against_mdc_and_mcid(delta: float, kind: str) -> None:
    got, direction, text = judge(FAAM.scale("faam_adl"), delta)
    assert got == kind
    assert direction == ("better" if delta > 0 else "worse")
    if kind == "within_error":
        assert "within measurement error" in text
        assert "5.7%" in text
    if kind == "important":
        assert "MCID (8%" in text


@pytest.mark.parametrize(("delta", "kind"), [
    (9.0, "within_error"),      # at the MCID of 9 but still within the MDC of 12.3
    (12.3, "within_error"), (12.4, "important"),
])
def test_judge_faam_sports_mdc_above_mcid(delta: float, kind: str) -> None:
    assert judge(FAAM.scale("faam_sports"), delta)[0] == kind


@pytest.mark.parametrize(("delta", "kind"), [
    (2, "within_error"), (3, "important"), (4, "important"), (-3, "important"),
    (0, "within_error"),
])
def test_judge_cait_against_its_mcid_of_3(delta: int, kind: str) -> None:
    got, direction, text = judge(CAIT.scale("cait"), delta)
    assert got == kind
    if delta == 0:
        assert direction == "same"
    if kind == "within_error":
        assert "within measurement error" in text
        assert "no MDC is known" in text


def test_judge_pain_lower_is_better_against_its_convention_margin_of_2() -> None:
    kind, direction, text = judge(READY.scale("pain_24h"), -2)
    assert (kind, direction) == ("important", "better")
    assert "convention" in text
    kind, direction, text = judge(READY.scale("pain_24h"), 1)
    assert (kind, direction) == ("within_error", "worse")
    assert "within measurement error" in text


def test_judge_without_any_figure_says_so() -> None:
    scale = READY.scale("confidence").model_copy(update={"mcid": None})
    kind, _, text = judge(scale, 3)
    assert kind == "no_figure"
    assert "no measurement-error figure" in text


def test_changes_compare_with_the_previous_scorable_score() -> None:
    def faam_on(days: int, adl: dict[str, str]) -> Score:
        s = score_response(FAAM, faam_answers(adl), date=D0 + dt.timedelta(days=days))
        return s[0]

    first = faam_on(0, dict.fromkeys(ADL[:10], "moderate"))   # 11 × 4 + 10 × 2 = 64 → 76.19 %
    broken = faam_on(7, dict.fromkeys(ADL[:5], "na"))          # 16 answered: not scorable
    second = faam_on(14, dict.fromkeys(ADL[:4], "moderate"))  # 17 × 4 + 4 × 2 = 76 → 90.48 %
    out = changes([first, broken, second])
    assert [c.judgement for c in out] == ["first", "not_scorable", "important"]
    assert out[1].change is None
    assert "16 of 21" in out[1].text
    assert out[2].previous == first
    assert out[2].change == pytest.approx((76 - 64) / 84 * 100)  # +14.29 points
    assert out[2].direction == "better"
    assert out[2].text.startswith("+14.3% since 2026-01-05")


# --- wording ---------------------------------------------------------------------------------


def test_own_labels_are_shown_without_a_wording_file() -> None:
    item = CAIT.items[0]
    assert OWN_LABELS.text(item) == item.label
    assert OWN_LABELS.description == "own labels"


def test_parse_wording_yaml_maps_item_ids_to_text() -> None:
    w = parse_wording('1: "Text one"\n"9": Text nine\n', name="coach.yaml", instrument=CAIT)
    assert w.text(CAIT.items[0]) == "Text one"
    assert w.text(CAIT.items[8]) == "Text nine"
    assert w.text(CAIT.items[1]) == CAIT.items[1].label
    assert w.origin(CAIT.items[0]) == "wording from coach.yaml"
    assert w.origin(CAIT.items[1]) == "own labels"
    assert w.description == "wording from coach.yaml"


def test_parse_wording_names_an_unknown_id_with_its_line() -> None:
    text = "adl_1: a\nadl_2: b\nadl_22: c\n"
    with pytest.raises(DataFileError) as info:
        parse_wording(text, name="faam.yaml", instrument=FAAM)
    assert info.value.line == 3
    assert "adl_22" in info.value.problem
    assert "faam.yaml, line 3" in str(info.value)


def test_parse_wording_json_names_an_unknown_key() -> None:
    with pytest.raises(DataFileError) as info:
        parse_wording('{"adl_1": "a", "sport_1": "b"}', name="faam.json", instrument=FAAM)
    assert "key 'sport_1'" in info.value.problem
    assert info.value.file == "faam.json"


def test_parse_wording_refuses_empty_text_and_a_list() -> None:
    with pytest.raises(DataFileError, match="non-empty string"):
        parse_wording("adl_1: ''\n", name="f.yaml", instrument=FAAM)
    with pytest.raises(DataFileError, match="mapping of item id"):
        parse_wording("- adl_1\n", name="f.yaml", instrument=FAAM)
    with pytest.raises(DataFileError, match="not valid JSON"):
        parse_wording("{", name="f.json", instrument=FAAM)


def test_load_wording_reads_a_file_and_names_a_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "cait.yaml"
    path.write_text("5: On one leg\n", encoding="utf-8")
    assert load_wording(path, CAIT).texts == {"5": "On one leg"}
    with pytest.raises(DataFileError, match="file not found"):
        load_wording(tmp_path / "missing.yaml", CAIT)


# --- the instruments file is validated -----------------------------------------------------


def _bad(old: str, new: str) -> DataFileError:
    assert SHIPPED.count(old) == 1, old
    text = SHIPPED.replace(old, new)
    with pytest.raises(DataFileError) as info:
        parse_instruments(text, name="q.yaml")
    line = text[:text.index(new)].count("\n") + 1
    assert info.value.line == line, info.value
    return info.value


def test_instruments_file_rejects_a_score_that_breaks_the_published_range() -> None:
    # item 1's top score 5 → 6: the CAIT would add up to 0–31, not the declared 0–30
    old = "{id: never, label: never, score: 5}"
    assert SHIPPED.count(old) == 1
    text = SHIPPED.replace(old, "{id: never, label: never, score: 6}")
    with pytest.raises(DataFileError) as info:
        parse_instruments(text, name="q.yaml")
    assert "adds up to 0–31" in info.value.problem
    assert info.value.line == text[:text.index("range: [0, 30]")].count("\n") + 1


def test_instruments_file_rejects_an_unknown_source() -> None:
    err = _bad("mdc: {value: 5.7, source: Martin2005}", "mdc: {value: 5.7, source: Martin05}")
    assert "Martin05" in err.problem


def test_instruments_file_rejects_a_scale_naming_an_unknown_item() -> None:
    err = _bad("items: [sports_1, sports_2,", "items: [sports_0, sports_2,")
    assert "sports_0" in err.problem


def test_instruments_file_rejects_a_misspelt_key() -> None:
    err = _bad("min_answered: 19", "min_answerd: 19")
    assert "min_answerd" in err.problem


# --- answers in the history document ------------------------------------------------------


def test_history_response_keeps_answers_in_item_order() -> None:
    r = QuestionnaireResponse(date=D0, instrument="cait", side=Side.RIGHT,
                              answers=dict(reversed(CAIT_TOP.items())))
    assert list(r.answers) == list(CAIT_TOP)


def test_history_response_needs_a_side_for_cait_and_none_for_faam() -> None:
    doc: dict[str, Any] = {"person": {"id": "ann", "name": "Ann"}, "questionnaires": [
        {"date": "2026-01-05", "instrument": "cait", "answers": CAIT_TOP},
        {"date": "2026-01-05", "instrument": "faam", "side": "left",
         "answers": faam_answers({})},
        {"date": "2026-01-05", "instrument": "faam", "answers": {"adl_1": "maybe"}},
    ]}
    with pytest.raises(HistoryError) as info:
        parse_history(doc, source="ann.json")
    text = str(info.value)
    assert "questionnaires[0]" in text
    assert "give side" in text
    assert "questionnaires[1]" in text
    assert "leave side out" in text
    assert "'maybe' is not accepted" in text
    assert "item adl_2: an answer (unanswered" in text
