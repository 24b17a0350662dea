"""Change over time: real change or within measurement error, and the protocol's figures.

Each rule is tried just below, at and just above its figure, with the figures of the
shipped protocol (Powden2015's 1.9 cm / 1.6 cm, 4.7° / 4.6°, ±6 heel raises, CAIT's
MCID 3, FAAM's MDC 5.7 and 12.3).
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

import pytest

from anklet.domain.change import (
    MeasureChange,
    changes,
    changes_dict,
    line,
    measure_changes,
    questionnaire_changes,
    raters_of,
)
from anklet.domain.errors import DataFileError
from anklet.domain.history import History, Measurement
from anklet.domain.measures import MeasureKind, Method
from anklet.domain.protocol import load_protocol, parse_protocol
from anklet.domain.units import Side
from factories import CAIT_ANSWERS, day, measurement, minimal_history, questionnaire

KW = MeasureKind.KNEE_TO_WALL
LUNGE = MeasureKind.LUNGE_ANGLE
SHIPPED = resources.files("anklet.data").joinpath("protocol.yaml").read_text(encoding="utf-8")
LATER = day(100)


def test_history(*ms: Measurement, **kw: Any) -> History:
    return minimal_history(measurements=list(ms), **kw)


test_history.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def without_change_section(text: str) -> str:
    """The protocol text as it was before the ``change`` section (and its comment)."""
    start = text.index("\n# Change over time:")
    lines = text[start + 1:].split("\n")
    i = lines.index("change:") + 1
    while i < len(lines) and (lines[i].startswith(" ") or not lines[i]):
        i += 1
    return text[:start + 1] + "\n".join(lines[i:])


def only(items: list[MeasureChange]) -> MeasureChange:
    assert len(items) == 1, items
    return items[0]


def retest(first: float, then: float, kind: MeasureKind = KW, *, raters: tuple[str | None,
           str | None] = ("physio B", "physio B"), methods: tuple[Method | None,
           Method | None] = (Method.TAPE, Method.TAPE)) -> MeasureChange:
    """The change between two tests of one kind on the left, 14 days apart."""
    h = test_history(measurement(0, kind, value=first, rater=raters[0], method=methods[0]),
                     measurement(14, kind, value=then, rater=raters[1], method=methods[1]))
    return only(measure_changes(h, load_protocol(), LATER))


# --- knee-to-wall: same rater 1.9 cm, between raters 1.6 cm (Powden2015) ----------------------


@pytest.mark.parametrize(("then", "verdict"), [
    (9.8, "within_error"), (9.9, "within_error"), (10.0, "real_change")],
    ids=["just-below", "at", "just-above"])
def test_compare_knee_to_wall_same_rater_is_real_only_above_1_9_cm(then: float,
                                                                    verdict: str) -> None:
    c = retest(8.0, then)
    assert c.previous is not None
    assert (c.previous.verdict, c.previous.error, c.previous.raters) == (verdict, 1.9, "same")
    assert c.previous.source == "Powden2015"
    assert c.previous.direction == "improved"


@pytest.mark.parametrize(("then", "verdict"), [
    (9.5, "within_error"), (9.6, "within_error"), (9.7, "real_change")],
    ids=["just-below", "at", "just-above"])
def test_compare_knee_to_wall_different_raters_is_real_only_above_1_6_cm(
        then: float, verdict: str) -> None:
    c = retest(8.0, then, raters=("Ann", "Bo"))
    assert c.previous is not None
    assert (c.previous.verdict, c.previous.error, c.previous.raters) == (
        verdict, 1.6, "different")


def test_compare_knee_to_wall_worse_beyond_the_error_is_a_real_change_for_the_worse() -> None:
    c = retest(10.0, 8.0)
    assert c.previous is not None
    assert (c.previous.verdict, c.previous.direction) == ("real_change", "worse")
    assert c.previous.verdict_text == "real change (worse)"


def test_raters_of_compares_names_ignoring_case_and_spaces() -> None:
    assert raters_of(" Physio B", "physio b ") == "same"
    assert raters_of("Ann", "Bo") == "different"
    assert raters_of(None, "") == "not_recorded"
    assert raters_of("Ann", None) == "one_recorded"


@pytest.mark.parametrize(("then", "verdict"), [
    (9.9, "within_error"), (10.0, "real_change")], ids=["at-1.9", "just-above"])
def test_compare_no_rater_recorded_reads_as_same_rater(then: float, verdict: str) -> None:
    c = retest(8.0, then, raters=(None, None))
    assert c.previous is not None
    assert (c.previous.verdict, c.previous.error, c.previous.raters) == (
        verdict, 1.9, "not_recorded")


def test_compare_one_rater_recorded_uses_the_larger_figure() -> None:
    # between raters would be 1.6 cm; not knowing, 1.7 cm is not called real
    c = retest(8.0, 9.7, raters=(None, "Ann"))
    assert c.previous is not None
    assert (c.previous.verdict, c.previous.error, c.previous.raters) == (
        "within_error", 1.9, "one_recorded")


# --- lunge angle: 4.7° same rater, 4.6° between (Powden2015) -----------------------------------


@pytest.mark.parametrize(("then", "raters", "verdict", "error"), [
    (34.6, ("A", "A"), "within_error", 4.7), (34.7, ("A", "A"), "within_error", 4.7),
    (34.8, ("A", "A"), "real_change", 4.7),
    (34.5, ("A", "B"), "within_error", 4.6), (34.6, ("A", "B"), "within_error", 4.6),
    (34.7, ("A", "B"), "real_change", 4.6)],
    ids=["same-below", "same-at", "same-above", "between-below", "between-at",
         "between-above"])
def test_compare_lunge_angle_uses_the_degree_figures(then: float, raters: tuple[str, str],
                                                     verdict: str, error: float) -> None:
    c = retest(30.0, then, LUNGE, raters=raters,
               methods=(Method.INCLINOMETER, Method.INCLINOMETER))
    assert c.previous is not None
    assert (c.unit, c.previous.verdict, c.previous.error) == ("°", verdict, error)


def test_changes_keep_centimetres_and_degrees_apart() -> None:
    h = test_history(measurement(0, KW, value=8.0), measurement(7, LUNGE, value=30.0),
                     measurement(14, KW, value=12.0), measurement(21, LUNGE, value=31.0))
    kw, lunge = measure_changes(h, load_protocol(), LATER)
    assert (kw.measure, kw.unit, kw.value) == ("knee_to_wall", "cm", 12.0)
    assert kw.previous is not None
    assert kw.previous.value == 8.0
    assert kw.previous.verdict == "real_change"
    assert (lunge.measure, lunge.unit, lunge.value) == ("lunge_angle", "°", 31.0)
    assert lunge.previous is not None
    assert lunge.previous.value == 30.0
    assert (lunge.previous.verdict, lunge.previous.error) == ("within_error", 4.7)


def test_changes_first_lunge_angle_after_distances_is_a_first_test() -> None:
    h = test_history(measurement(0, KW, value=8.0), measurement(7, KW, value=9.0),
                     measurement(14, LUNGE, value=40.0))
    kw, lunge = measure_changes(h, load_protocol(), LATER)
    assert kw.previous is not None
    assert lunge.first
    assert lunge.baseline is None


# --- methods -------------------------------------------------------------------------------------


def test_compare_different_methods_is_not_comparable_however_large() -> None:
    c = retest(30.0, 45.0, LUNGE, methods=(Method.APP, Method.INCLINOMETER))
    assert c.previous is not None
    assert c.previous.verdict == "not_comparable"
    assert c.previous.verdict_text == "different method: not comparable"
    assert c.previous.methods == ("app", "inclinometer")
    assert not c.previous.real
    assert "different method: not comparable (app then inclinometer)" in line(c)


def test_compare_photo_then_inclinometer_is_not_comparable() -> None:
    c = retest(30.0, 30.5, LUNGE, methods=(Method.PHOTO, Method.INCLINOMETER))
    assert c.previous is not None
    assert c.previous.verdict == "not_comparable"


def test_compare_an_unrecorded_method_counts_as_the_usual_one() -> None:
    c = retest(8.0, 10.0, methods=(None, Method.TAPE))
    assert c.previous is not None
    assert c.previous.verdict == "real_change"
    assert c.method == "tape"


# --- other measures --------------------------------------------------------------------------------


@pytest.mark.parametrize(("then", "verdict", "direction"), [
    (26, "within_error", "improved"), (27, "real_change", "improved"),
    (14, "within_error", "worse"), (13, "real_change", "worse")],
    ids=["up-at-6", "up-above", "down-at-6", "down-above"])
def test_compare_heel_raises_uses_the_six_repetition_limits(then: float, verdict: str,
                                                            direction: str) -> None:
    c = retest(20, then, MeasureKind.HEEL_RAISE, methods=(Method.COUNT, Method.COUNT))
    assert c.previous is not None
    assert (c.previous.verdict, c.previous.direction) == (verdict, direction)
    assert (c.previous.error, c.previous.source) == (6, "HebertLosier2017")


@pytest.mark.parametrize(("then", "verdict", "direction"), [
    (11.1, "within_error", "improved"), (11.0, "within_error", "improved"),
    (10.9, "real_change", "improved"), (13.1, "real_change", "worse")],
    ids=["faster-below", "faster-at", "faster-above", "slower-above"])
def test_compare_side_hop_lower_time_is_better(then: float, verdict: str,
                                               direction: str) -> None:
    c = retest(12.0, then, MeasureKind.SIDE_HOP, methods=(Method.STOPWATCH, Method.STOPWATCH))
    assert c.previous is not None
    assert (c.previous.verdict, c.previous.direction) == (verdict, direction)
    assert (c.previous.error, c.previous.source) == (1.0, "convention")


@pytest.mark.parametrize(("kind", "error", "source"), [
    (MeasureKind.BALANCE_EYES_OPEN, 5, "convention"),
    (MeasureKind.BALANCE_EYES_CLOSED, 3, "convention"),
    (MeasureKind.Y_BALANCE_ANTERIOR, 5.5, "Shaffer2013")])
def test_compare_uses_each_tests_own_figure(kind: MeasureKind, error: float,
                                            source: str) -> None:
    c = retest(20.0, 20.0 + error, kind)
    assert c.previous is not None
    assert (c.previous.verdict, c.previous.error, c.previous.source) == (
        "within_error", error, source)
    assert retest(20.0, 20.1 + error, kind).previous.verdict == "real_change"  # type: ignore[union-attr]


# --- first test, baseline, dates -----------------------------------------------------------------


def test_changes_first_test_has_no_change() -> None:
    c = only(measure_changes(test_history(measurement(0, value=9.0)), load_protocol(), LATER))
    assert (c.first, c.previous, c.baseline, c.tests) == (True, None, None, 1)
    assert line(c) == "Left knee-to-wall 9.0 cm (2025-03-03): first test, nothing to compare yet"


def test_changes_compare_with_the_previous_and_the_first_test() -> None:
    h = test_history(measurement(0, value=7.5), measurement(14, value=9.0),
                     measurement(28, value=9.8))
    c = only(measure_changes(h, load_protocol(), LATER))
    assert c.previous is not None
    assert c.baseline is not None
    assert (c.previous.date, c.previous.value, c.previous.verdict) == (
        day(14), 9.0, "within_error")
    assert (c.baseline.date, c.baseline.value, c.baseline.change, c.baseline.verdict) == (
        day(0), 7.5, 2.3, "real_change")
    assert line(c) == (
        "Left knee-to-wall 9.0 → 9.8 cm (+0.8): within measurement error (1.9 cm, same rater, "
        "Powden2015); since baseline 7.5 cm (2025-03-03): +2.3 cm, real change (improved)")


def test_changes_leave_out_tests_after_the_date() -> None:
    h = test_history(measurement(0, value=7.5), measurement(14, value=9.0),
                     measurement(28, value=12.0))
    c = only(measure_changes(h, load_protocol(), day(20)))
    assert (c.value, c.tests) == (9.0, 2)


def test_changes_each_side_separately_left_first() -> None:
    h = test_history(measurement(0, side=Side.RIGHT, value=10.0),
                     measurement(0, side=Side.LEFT, value=8.0),
                     measurement(14, side=Side.RIGHT, value=10.5))
    left, right = measure_changes(h, load_protocol(), LATER)
    assert (left.side, left.first) == (Side.LEFT, True)
    assert right.side is Side.RIGHT
    assert right.previous is not None
    assert right.previous.change == 0.5


def test_changes_without_a_change_section_never_call_a_change_real() -> None:
    p = parse_protocol(without_change_section(SHIPPED), name="old.yaml")
    assert p.change == []
    h = test_history(measurement(0, value=5.0), measurement(14, value=15.0))
    c = only(measure_changes(h, p, LATER))
    assert c.previous is not None
    assert (c.previous.verdict, c.previous.error) == ("no_figure", None)
    assert "no measurement-error figure known" in line(c)


# --- questionnaires ---------------------------------------------------------------------------------


def cait(n: int, item1: str, side: Side = Side.LEFT) -> Any:
    """A CAIT with item 1 changed: never 26, sport 25, run_uneven 24, run_level 23,
    walk_uneven 22, walk_level 21 points."""
    return questionnaire(n, "cait", side=side, answers=CAIT_ANSWERS | {"1": item1})


@pytest.mark.parametrize(("then", "verdict"), [
    ("run_level", "within_error"), ("sport", "real_change"), ("never", "real_change")],
    ids=["2-points", "3-points-at-mcid", "4-points"])
def test_questionnaire_changes_cait_is_real_from_its_mcid_of_3(then: str,
                                                               verdict: str) -> None:
    h = minimal_history(questionnaires=[cait(0, "walk_level"), cait(14, then)])
    c = only(questionnaire_changes(h, load_protocol(), LATER))
    assert (c.measure, c.side, c.unit) == ("cait", Side.LEFT, "points")
    assert c.previous is not None
    assert (c.previous.verdict, c.previous.figure, c.previous.error) == (verdict, "mcid", 3)
    assert c.previous.source == "Secondary"
    assert c.previous.raters is None


def test_questionnaire_changes_cait_per_ankle() -> None:
    h = minimal_history(questionnaires=[cait(0, "sport", Side.RIGHT), cait(0, "walk_level"),
                                        cait(14, "walk_level", Side.RIGHT)])
    left, right = questionnaire_changes(h, load_protocol(), LATER)
    assert (left.side, left.first) == (Side.LEFT, True)
    assert right.side is Side.RIGHT
    assert right.previous is not None
    assert (right.previous.change, right.previous.direction, right.previous.verdict) == (
        -4, "worse", "real_change")
    assert "CAIT ankle stability (right) 25 → 21 points (−4): real change (worse)" in line(right)


def faam(n: int, **answers: str) -> Any:
    base = questionnaire(n, "faam")
    return questionnaire(n, "faam", answers=dict(base.answers) | answers)


def test_questionnaire_changes_faam_daily_activities_mdc_5_7() -> None:
    # 76 of 80 answered points (95 %) -> 80 of 80 (100 %): +5, within 5.7
    h = minimal_history(questionnaires=[faam(0), faam(14, adl_20="none")])
    adl, sports = questionnaire_changes(h, load_protocol(), LATER)
    assert adl.measure == "faam_adl"
    assert adl.previous is not None
    assert (adl.previous.change, adl.previous.verdict, adl.previous.error) == (
        5, "within_error", 5.7)
    # 75 of 80 (93.75 %) -> 100 %: +6.25, real
    h = minimal_history(questionnaires=[faam(0, adl_1="slight"), faam(14, adl_20="none")])
    adl = questionnaire_changes(h, load_protocol(), LATER)[0]
    assert adl.previous is not None
    assert (adl.previous.change, adl.previous.verdict) == (6.25, "real_change")
    assert sports.measure == "faam_sports"
    assert sports.previous is not None
    assert (sports.previous.verdict, sports.previous.error) == ("within_error", 12.3)


def test_questionnaire_changes_leave_out_the_readiness_check() -> None:
    h = minimal_history(questionnaires=[questionnaire(0, "confidence"),
                                        questionnaire(14, "confidence")])
    assert questionnaire_changes(h, load_protocol(), LATER) == []


def test_changes_dict_is_json_with_a_line_for_each() -> None:
    h = test_history(measurement(0, value=8.0), measurement(14, value=10.0),
                     questionnaires=[cait(0, "walk_level")])
    data = json.loads(json.dumps(changes_dict(changes(h, load_protocol(), LATER))))
    assert [d["measure"] for d in data] == ["knee_to_wall", "cait"]
    assert data[0]["previous"]["verdict"] == "real_change"
    assert data[0]["previous"]["date"] == day(0).isoformat()
    assert data[0]["text"].startswith("Left knee-to-wall 8.0 → 10.0 cm (+2.0): real change")
    assert data[1]["previous"] is None


# --- the protocol's change section --------------------------------------------------------------


def test_protocol_change_figures_match_the_evidence() -> None:
    p = load_protocol()
    figures = {r.measure: (r.figure, r.same_rater.value, r.same_rater.source,
                           None if r.between_raters is None else r.between_raters.value)
               for r in p.change}
    assert figures == {
        "knee_to_wall": ("mdc", 1.9, "Powden2015", 1.6),
        "lunge_angle": ("mdc", 4.7, "Powden2015", 4.6),
        "heel_raise": ("mdc", 6, "HebertLosier2017", None),
        "balance_eyes_open": ("mdc", 5, "convention", None),
        "balance_eyes_closed": ("mdc", 3, "convention", None),
        "y_balance_anterior": ("mdc", 5.5, "Shaffer2013", None),
        "side_hop": ("mdc", 1.0, "convention", None),
        "cait": ("mcid", 3, "Secondary", None),
        "faam_adl": ("mdc", 5.7, "Martin2005", None),
        "faam_sports": ("mdc", 12.3, "Martin2005", None),
    }
    for r in p.change:
        if r.same_rater.source == "convention":
            assert r.same_rater.note
            assert "No published figure" in r.same_rater.note


@pytest.mark.parametrize(("old", "new", "words"), [
    ("- {measure: knee_to_wall,", "- {measure: knee_to_walls,",
     ["unknown measure", "knee_to_walls"]),
    ("- {measure: heel_raise,\n     same_rater", "- {measure: knee_to_wall,\n     same_rater",
     ["knee_to_wall", "twice"]),
    ("same_rater: {value: 5.5, source: Shaffer2013", "same_rater: {value: 0, source: Shaffer2013",
     ["same_rater", "above 0"]),
    ("between_raters: {value: 4.6, source: Powden2015", "between_raters: {value: 4.6, source: Powden",
     ["unknown source", "Powden"]),
    ("- {measure: cait, figure: mcid,", "- {measure: cait, figure: mid,", ["figure", "mid"]),
], ids=["unknown-measure", "twice", "zero", "unknown-source", "unknown-figure"])
def test_parse_protocol_names_the_line_of_a_bad_change_rule(old: str, new: str,
                                                           words: list[str]) -> None:
    assert SHIPPED.count(old) == 1, old
    text = SHIPPED.replace(old, new)
    with pytest.raises(DataFileError) as info:
        parse_protocol(text, name="coach.yaml")
    err = info.value
    assert err.line == text[:text.rindex(new)].count("\n") + 1, err  # the later one
    for w in words:
        assert w in err.problem, (w, err.problem)


def test_changes_on_a_date_before_any_test_are_empty() -> None:
    h = test_history(measurement(10, value=8.0))
    assert changes(h, load_protocol(), day(5)) == []
    assert dt.date(2025, 3, 3) == day(0)
