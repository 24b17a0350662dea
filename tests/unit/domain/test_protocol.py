"""The shipped protocol and the loader that validates a protocol file.

Each bad file is the shipped YAML with one small textual change; the test finds the line of
the changed text and expects the error to name exactly that line.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from anklet.domain.errors import DataFileError
from anklet.domain.protocol import METRICS, Number, Protocol, load_protocol, parse_protocol

SHIPPED = resources.files("anklet.data").joinpath("protocol.yaml").read_text(encoding="utf-8")
NAME = "coach-protocol.yaml"


def line_of(text: str, needle: str) -> int:
    """The 1-based line on which ``needle`` starts in ``text`` (it must occur once)."""
    assert text.count(needle) == 1, needle
    return text[:text.index(needle)].count("\n") + 1


def changed(old: str, new: str) -> str:
    """The shipped text with the single occurrence of ``old`` replaced by ``new``."""
    assert SHIPPED.count(old) == 1, old
    return SHIPPED.replace(old, new)


def parse_error(text: str) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        parse_protocol(text, name=NAME)
    assert info.value.file == NAME
    return info.value


# --- the shipped protocol --------------------------------------------------------------------------


def test_load_protocol_returns_shipped_protocol_with_four_ordered_stages() -> None:
    p = load_protocol()
    assert p.id == "anklet-default"
    assert p.version >= 1
    assert [s.number for s in p.stages] == [1, 2, 3, 4]
    assert all(s.gate for s in p.stages[:3])
    assert p.clearance_gate == p.stage(3).gate
    assert p.red_flags


def test_load_protocol_returns_the_cached_protocol_when_called_twice() -> None:
    assert load_protocol() is load_protocol()


def test_parse_protocol_accepts_the_shipped_text() -> None:
    assert parse_protocol(SHIPPED, name=NAME) == load_protocol()


def _numbers(p: Protocol) -> list[tuple[str, Number]]:
    out: list[tuple[str, Number]] = []
    for section in ("settings", "pain_monitoring", "range_loss", "dosing", "placement"):
        for key, num in getattr(p, section) or ():
            if num is not None:
                out.append((f"{section}.{key}", num))
    out += [(f"stages[{s.number}].min_days", s.min_days) for s in p.stages]
    return out


def test_protocol_every_setting_number_has_a_known_source() -> None:
    p = load_protocol()
    numbers = _numbers(p)
    # settings 7 (with the guided session's rest between sets), pain monitoring 5, range
    # loss 3, dosing 5, placement 3, stages 4
    assert len(numbers) == 7 + 5 + 3 + 5 + 3 + 4
    for where, num in numbers:
        assert num.source in p.sources, where


def test_protocol_settings_hold_how_long_self_reports_count_and_when_to_refer() -> None:
    s = load_protocol().settings
    assert (s.self_report_days.value, s.self_report_days.source) == (14, "convention")
    assert (s.referral_after_days.value, s.referral_after_days.source) == (90, "convention")
    # CAIT 25 or less suggests an unstable ankle (Wright2014)
    assert (s.referral_cait_max.value, s.referral_cait_max.source) == (25, "Wright2014")
    assert s.self_report_days.value < s.retest_days.value


def test_protocol_settings_give_a_guided_session_a_short_rest_between_sets() -> None:
    rest = load_protocol().settings.rest_between_sets_s
    assert (rest.value, rest.source) == (30, "convention")


def test_protocol_placement_starts_an_injury_free_person_at_the_ankle_or_the_build() -> None:
    pl = load_protocol().placement
    assert pl is not None
    assert pl.injury_free_days.value == 365
    assert pl.clean_start_stage.value == 2
    assert pl.tested_start_stage is not None
    assert pl.tested_start_stage.value == 3


def test_protocol_every_gate_threshold_has_a_known_source() -> None:
    p = load_protocol()
    for s in p.stages:
        for c in s.gate:
            assert c.source in p.sources, (s.number, c.id)
            assert c.metric in METRICS, (s.number, c.id)


def test_protocol_every_asymmetry_target_and_red_flag_has_a_known_source() -> None:
    p = load_protocol()
    assert p.asymmetry
    for a in p.asymmetry:
        assert a.source in p.sources, a.measure
    for s in p.stages:
        for t in s.targets:
            assert t.source in p.sources, (s.number, t.id)
    for f in p.red_flags:
        assert f.source in p.sources, f.id


def test_protocol_thresholds_match_the_evidence() -> None:
    # The figures in /work/shared/evidence.md, with the source each comes from.
    p = load_protocol()
    gate = {(s.number, c.id): c for s in p.stages for c in s.gate}
    expected = {
        (1, "foot_release_days"): (">=", 5),
        (1, "rest_pain"): ("<=", 2),
        # the gate into hopping and cutting (stage 2 → 3)
        (2, "ankle_mobility_days"): (">=", 3),
        (2, "test_pain"): ("<=", 2),
        (2, "test_pain_angle"): ("<=", 2),
        (2, "activity_pain"): ("<=", 2),      # the safe zone, not Silbernagel's 5 (Achilles)
        (2, "swelling"): ("<=", 0),
        (2, "giving_way"): ("<=", 0),
        (2, "since_sprain"): (">=", 42),
        (2, "range_symmetry"): ("<=", 1.5),
        (2, "range_symmetry_angle"): ("<=", 5.4),
        (2, "balance_open"): (">", 23.5),
        (2, "hop_test"): (">=", 10),
        (2, "hop_pain"): ("<=", 2),
        # clearance (stage 3 → 4)
        (3, "dorsiflexion"): (">=", 10.0),
        (3, "lunge_angle"): (">=", 36.5),
        (3, "dorsiflexion_asymmetry"): ("<=", 1.5),
        (3, "lunge_angle_asymmetry"): ("<=", 5.4),
        (3, "heel_raise_lsi"): (">=", 90),
        (3, "heel_raise_reps"): (">=", 21),     # women's median; men 24 (by_sex)
        (3, "balance_open"): (">", 23.5),
        (3, "balance_open_older"): (">=", 5),
        (3, "y_balance_difference"): ("<=", 4.0),
        (3, "side_hop_lsi"): (">=", 90),
        (3, "session_pain"): ("<=", 2),
        (3, "morning_after"): ("<=", 0),
        (3, "giving_way"): ("<=", 0),
        (3, "adherence"): (">=", 80),
        (3, "pain_24h"): ("<=", 2),
        (3, "cait"): (">", 25),           # CAIT ≤ 25 is unstable (Wright2014): 26 or more clears
        (3, "faam_adl"): (">=", 90),      # below 90 % unstable (IAC2014)
        (3, "faam_sports"): (">=", 80),   # below 80 % unstable (IAC2014)
        (3, "confidence"): (">=", 8),
        (3, "agility"): (">=", 2),
        (3, "full_session"): (">=", 1),
    }
    assert {k: (c.op, c.threshold) for k, c in gate.items()} == expected
    assert gate[(3, "cait")].source == "Wright2014"
    # IAC2014's figures select research participants; as clearance values they are convention
    for faam in ("faam_adl", "faam_sports"):
        assert gate[(3, faam)].source == "convention"
        assert "derived from IAC2014" in (gate[(3, faam)].note or "")
    assert gate[(3, "confidence")].source == "convention"
    # 10 cm is the coaches' figure; Backman2011 measured an angle, judged in degrees
    assert gate[(3, "dorsiflexion")].source == "convention"
    assert (gate[(3, "lunge_angle")].source, gate[(3, "lunge_angle")].unit) == ("Backman2011", "°")
    assert gate[(3, "dorsiflexion")].group == gate[(3, "lunge_angle")].group == "range"
    assert gate[(3, "dorsiflexion_asymmetry")].source == "Chisholm2012"
    assert gate[(2, "range_symmetry")].source == "Chisholm2012"
    assert gate[(2, "range_symmetry")].group == gate[(2, "range_symmetry_angle")].group
    assert gate[(3, "heel_raise_reps")].source == "HebertLosier2017"
    assert gate[(3, "heel_raise_reps")].by_sex == {"female": 21, "male": 24}
    assert gate[(3, "balance_open_older")].source == "Vellas1997"
    assert gate[(3, "y_balance_difference")].source == "Smith2015"
    # an eyes-open version of CainLinens2015's time-in-balance cut-off is a convention
    for stage in (2, 3):
        assert gate[(stage, "balance_open")].source == "convention"
        assert "CainLinens2015" in (gate[(stage, "balance_open")].note or "")
    assert p.range_loss.mdc_cm.value == 1.9
    assert p.range_loss.mdc_cm.source == "Powden2015"
    assert (p.range_loss.mdc_deg.value, p.range_loss.mdc_deg.source) == (4.7, "Powden2015")
    assert (p.pain_monitoring.safe_max.value, p.pain_monitoring.acceptable_max.value) == (2, 5)
    assert p.pain_monitoring.acceptable_max.source == "Silbernagel2007"


# --- errors with the file and the line ------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "words"), [
    pytest.param("metric: pain_rest,", "metric: pain_at_rest,",
                 ["unknown metric", "pain_at_rest"], id="unknown-metric"),
    pytest.param("source: Backman2011, note:", "source: Backman2012, note:",
                 ["unknown source", "Backman2012"], id="unknown-source-in-gate"),
    pytest.param("retest_days: {value: 28, source: convention",
                 "retest_days: {value: 28, source: conventoin",
                 ["unknown source", "conventoin"], id="unknown-source-in-settings"),
    pytest.param("mdc_cm: {value: 1.9, source: Powden2015", "mdc_cm: {value: 1.9, source: Powden15",
                 ["unknown source", "Powden15"], id="unknown-source-in-range-loss"),
    pytest.param("{measure: dorsiflexion, label: Knee-to-wall, kind: difference, threshold: 1.5, "
                 "unit: cm, source: Chisholm2012,",
                 "{measure: dorsiflexion, label: Knee-to-wall, kind: difference, threshold: 1.5, "
                 "unit: cm, source: Chisolm2012,",
                 ["unknown source", "Chisolm2012"], id="unknown-source-in-asymmetry"),
    pytest.param("categories: [foot_awareness], per_week: 3",
                 "categories: [foot_awarenes], per_week: 3",
                 ["foot_awarenes"], id="unknown-category-in-target"),
    pytest.param("params: {category: foot_release, days: 7, or_every_available_day: true}",
                 "params: {category: foot_relief, days: 7, or_every_available_day: true}",
                 ["unknown category", "foot_relief"], id="unknown-category-in-params"),
    pytest.param('metric: pain_rest, op: "<=", threshold: 2',
                 'metric: pain_rest, op: "<=", threshold: 11',
                 ["impossible", "11", "0 to 10"], id="pain-11"),
    pytest.param('metric: heel_raise_lsi, op: ">=", threshold: 90',
                 'metric: heel_raise_lsi, op: ">=", threshold: 120',
                 ["impossible", "120", "0 to 100"], id="gate-lsi-120"),
    pytest.param("{measure: heel_raise, label: Heel raises, kind: lsi, threshold: 90,",
                 "{measure: heel_raise, label: Heel raises, kind: lsi, threshold: 120,",
                 ["LSI", "120"], id="asymmetry-lsi-120"),
    pytest.param("measurement_error: {value: 5.5, source: Shaffer2013",
                 "measurement_error: {value: 5.5, source: Shaffer13",
                 ["unknown source", "Shaffer13"], id="unknown-source-of-measurement-error"),
    pytest.param("measurement_error: {value: 5.5, source: Shaffer2013",
                 "measurement_error: {value: 0, source: Shaffer2013",
                 ["measurement_error", "above 0"], id="measurement-error-zero"),
    pytest.param("{id: cait, domain: athlete_perception,", "{id: cait, domain: athlete_perceptoin,",
                 ["unknown domain", "athlete_perceptoin", "sport_performance"],
                 id="unknown-domain"),
    pytest.param("{id: cait, domain: athlete_perception,", "{id: cait,",
                 ["'cait' needs a domain", "athlete_perception"], id="clearance-criterion-no-domain"),
    pytest.param('metric: cait_score, op: ">", threshold: 25',
                 'metric: cait_score, op: ">", threshold: 31',
                 ["impossible", "31", "0 to 30"], id="cait-31"),
    pytest.param('metric: faam_sports, op: ">=", threshold: 80',
                 'metric: faam_sports, op: ">", threshold: 100',
                 ["can never be met", "> 100"], id="faam-never-met"),
    pytest.param("params: {days: 14, min_rounds: 3, max_pain: 2}",
                 "params: {days: 14, min_rounds: 0, max_pain: 2}",
                 ["min_rounds", "0", "1 to 50"], id="min-rounds-0"),
    pytest.param("params: {days: 14, min_rounds: 3, max_pain: 2}",
                 "params: {days: 14, min_rounds: 3, max_pain: 11}",
                 ["max_pain", "11", "0 to 10"], id="max-pain-11"),
    pytest.param("metric: cait_score,", "metric: cait_score, params: {rounds: 2},",
                 ["takes no parameter", "rounds"], id="param-not-taken-by-score-metric"),
    pytest.param('metric: dorsiflexion_cm, op: ">=", threshold: 10.0',
                 'metric: dorsiflexion_cm, op: ">", threshold: 25',
                 ["can never be met", "> 25"], id="never-met-above-25-cm"),
    pytest.param("safe_max: {value: 2,", "safe_max: {value: 11,",
                 ["safe_max", "impossible"], id="safe-max-11"),
    pytest.param("safe_max: {value: 2,", "safe_max: {value: 6,",
                 ["safe_max", "acceptable_max"], id="safe-above-acceptable"),
    pytest.param('unit: days, source: convention, note: "A sprained',
                 'units: days, source: convention, note: "A sprained',
                 ["units", "unknown field"], id="typo-in-flow-entry"),
    pytest.param("unit: days, source: ACSM}", "unit: days, source: ACSM, extra: 1}",
                 ["extra", "unknown field"], id="unknown-field"),
    pytest.param("params: {category: ankle_mobility, days: 7, or_every_available_day: true}",
                 "params: {category: ankle_mobility, days: 29, or_every_available_day: true}",
                 ["days", "29"], id="days-out-of-range"),
    pytest.param("flare_factor: {value: 0.8,", "flare_factor: {value: 1.2,",
                 ["flare_factor"], id="flare-factor-above-1"),
    pytest.param("retest_days: {value: 28,", "retest_days: {value: 28, value: 29,",
                 ["duplicate key", "value"], id="duplicate-key-in-flow-mapping"),
])
def test_parse_protocol_names_line_of_bad_entry(old: str, new: str, words: list[str]) -> None:
    text = changed(old, new)
    err = parse_error(text)
    assert err.line == line_of(text, new.strip("\n").split("\n")[0]), err
    for w in words:
        assert w in err.problem, (w, err.problem)
    assert f"{NAME}, line {err.line}" in str(err)
    assert err.to_dict()["line"] == err.line


def test_parse_protocol_names_line_of_invalid_yaml() -> None:
    text = changed("version: 2\n", "version: 2: 2\n")
    err = parse_error(text)
    assert err.line == line_of(text, "version: 2: 2")
    assert "not valid YAML" in err.problem


def test_parse_protocol_names_line_of_second_duplicate_key() -> None:
    text = changed("version: 2\n", "version: 2\nversion: 3\n")
    err = parse_error(text)
    assert err.line == line_of(text, "version: 3")
    assert "duplicate key 'version'" in err.problem


def test_parse_protocol_names_line_of_stage_out_of_order() -> None:
    text = changed("  - number: 2\n", "  - number: 3\n")
    err = parse_error(text)
    assert err.line == text[:text.index("  - number: 3\n")].count("\n") + 1
    assert "stage 3 is out of order; expected 2" in err.problem


def test_parse_protocol_rejects_a_document_that_is_not_a_mapping() -> None:
    err = parse_error("- just\n- a list\n")
    assert "mapping" in err.problem


@pytest.mark.parametrize(("old", "new"), [
    pytest.param("asymmetry:\n", "asymetry:\n", id="top-level"),
    pytest.param("    habits:\n      - {text: \"Runners", "    habbits:\n      - {text: \"Runners",
                 id="optional-stage-key"),
    pytest.param("    why: The foot is", "    whyy: The foot is", id="required-stage-key"),
])
def test_parse_protocol_names_line_of_misspelt_block_key(old: str, new: str) -> None:
    text = changed(old, new)
    err = parse_error(text)
    typo = new.split(":")[0].strip()
    assert typo in err.problem
    assert err.line == line_of(text, new.split("\n")[0])


# --- loading a coach's file ----------------------------------------------------------------------


def test_load_protocol_reads_a_coach_file(tmp_path: Path) -> None:
    path = tmp_path / "coach.yaml"
    path.write_text(changed("retest_days: {value: 28,", "retest_days: {value: 21,"),
                    encoding="utf-8")
    p = load_protocol(path)
    assert p.settings.retest_days.value == 21
    assert load_protocol().settings.retest_days.value == 28  # the shipped one is untouched


def test_load_protocol_names_the_file_of_a_bad_coach_file(tmp_path: Path) -> None:
    path = tmp_path / "coach.yaml"
    text = changed("metric: pain_rest,", "metric: pain_at_rest,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_protocol(path)
    assert info.value.file == str(path)
    assert info.value.line == line_of(text, "metric: pain_at_rest,")


def test_load_protocol_missing_file_raises_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(DataFileError) as info:
        load_protocol(path)
    assert info.value.file == str(path)
    assert info.value.line is None
    assert str(path) in str(info.value)
    assert "not found" in info.value.problem


# --- the clearance checklist by PAASS domain --------------------------------------------------


def test_protocol_every_clearance_criterion_belongs_to_a_domain_and_every_paass_domain_is_used(
        ) -> None:
    p = load_protocol()
    domains = {d.id: d for d in p.clearance_domains.domains}
    assert p.clearance_domains.source == "Smith2021"
    assert [d.id for d in p.clearance_domains.domains if d.paass] == [
        "pain", "ankle_impairments", "athlete_perception", "sensorimotor_control",
        "sport_performance"]
    first_of_group: dict[str, str] = {}
    for c in p.clearance_gate:
        assert c.domain in domains, c.id
        assert c.required, c.id
        if c.group is None or first_of_group.setdefault(c.group, c.id) == c.id:
            # what counts while nothing is tested says how to fill it; a later member of a
            # group counts only once its own test is on record
            assert c.how, c.id
    for d in domains.values():
        assert any(c.domain == d.id for c in p.clearance_gate), d.id


def test_protocol_grouped_criteria_are_alternatives_in_one_domain() -> None:
    p = load_protocol()
    groups: dict[str, list[str]] = {}
    for c in p.clearance_gate:
        if c.group is not None:
            groups.setdefault(c.group, []).append(c.id)
    # the knee-to-wall distance and the lunge angle measure the same range, in cm and degrees
    assert groups == {"range": ["dorsiflexion", "lunge_angle"],
                      "range_symmetry": ["dorsiflexion_asymmetry", "lunge_angle_asymmetry"]}
    by_id = {c.id: c for c in p.clearance_gate}
    for members in groups.values():
        assert len({by_id[i].domain for i in members}) == 1, members
        assert len({by_id[i].unit for i in members}) == len(members), members


@pytest.mark.parametrize(("profile", "age", "absent", "present"), [
    pytest.param("court_field_sport", 30, {"balance_open_older"},
                 {"faam_sports", "side_hop_lsi", "agility", "balance_open",
                  "y_balance_difference"}, id="athlete"),
    pytest.param("unknown", 70, {"balance_open_older"},
                 {"faam_sports", "side_hop_lsi", "agility", "balance_open",
                  "y_balance_difference"}, id="no-goal-gets-the-athlete-criteria"),
    pytest.param("walker", 59, {"faam_sports", "side_hop_lsi", "agility",
                                "balance_open_older"},
                 {"balance_open", "y_balance_difference"}, id="walker-59"),
    pytest.param("walker", 60, {"faam_sports", "side_hop_lsi", "agility", "balance_open",
                                "y_balance_difference"},
                 {"balance_open_older"}, id="walker-60"),
    pytest.param("other", 61, {"faam_sports", "side_hop_lsi", "agility", "balance_open",
                               "y_balance_difference"},
                 {"balance_open_older"}, id="other-61"),
    pytest.param("runner", 75, {"balance_open_older"},
                 {"faam_sports", "side_hop_lsi", "agility", "balance_open"}, id="runner-75"),
    pytest.param("walker", None, {"faam_sports", "side_hop_lsi", "agility",
                                  "balance_open_older"},
                 {"balance_open", "y_balance_difference"}, id="walker-age-unknown"),
])
def test_protocol_clearance_criteria_apply_by_goal_and_age(
        profile: str, age: int | None, absent: set[str], present: set[str]) -> None:
    applies = {c.id for c in load_protocol().clearance_gate if c.applies(profile, age)}
    assert not applies & absent
    assert present <= applies
    # what everybody needs, whatever their goal and age
    assert {"session_pain", "dorsiflexion", "heel_raise_reps", "cait", "faam_adl",
            "giving_way", "full_session", "adherence"} <= applies


def test_protocol_lists_the_sources_of_the_self_report_criteria() -> None:
    p = load_protocol()
    for key in ("Wright2014", "Hiller2006", "Martin2005", "IAC2014", "Smith2021",
                "Delahunt2018", "Powden2015", "Shaffer2013"):
        assert key in p.sources, key


def test_protocol_asymmetry_rules_carry_only_left_right_measurement_errors() -> None:
    p = load_protocol()
    errors = {a.measure: a.measurement_error for a in p.asymmetry}
    assert set(errors) == {"dorsiflexion", "lunge_angle", "heel_raise", "balance_eyes_open",
                           "balance_eyes_closed", "y_balance_anterior", "side_hop"}
    # only figures measured for the left-right difference itself; HebertLosier2017's +-6
    # heel raises are same-leg between-day limits, so heel raises carry none
    assert {m for m, err in errors.items() if err is not None} == {"dorsiflexion",
                                                                    "y_balance_anterior"}
    for measure, err in errors.items():
        assert err is None or err.source in p.sources, measure
    assert (errors["dorsiflexion"].value, errors["dorsiflexion"].source) == (1.5, "Chisholm2012")  # type: ignore[union-attr]
    # MDC95 = SEM × 1.96 × √2 with the SEM of 2.0 cm (mean of 3 reaches)
    assert errors["y_balance_anterior"].value == pytest.approx(2.0 * 1.96 * 2 ** 0.5, abs=0.05)  # type: ignore[union-attr]
    assert errors["y_balance_anterior"].source == "Shaffer2013"  # type: ignore[union-attr]
    lunge = next(a for a in p.asymmetry if a.measure == "lunge_angle")
    assert (lunge.kind, lunge.threshold, lunge.unit, lunge.source) == (
        "difference", 5.4, "°", "convention")


def test_parse_protocol_names_a_paass_domain_without_a_criterion() -> None:
    old = "domain: sensorimotor_control,"
    assert SHIPPED.count(old) == 3  # two balance criteria (by age) and the Y-balance
    text = SHIPPED.replace(old, "domain: programme,")
    err = parse_error(text)
    assert "PAASS domain 'sensorimotor_control' has no clearance criterion" in err.problem
    assert err.line == line_of(text, "- {id: sensorimotor_control,")


def test_parse_protocol_names_a_duplicate_domain() -> None:
    text = changed("    - {id: programme, label: Programme,",
                   "    - {id: pain, label: Pain again, covers: x}\n"
                   "    - {id: programme, label: Programme,")
    err = parse_error(text)
    assert "domain id 'pain' appears twice" in err.problem
    assert err.line == line_of(text, "- {id: pain, label: Pain again")


def test_parse_protocol_reads_required_false() -> None:
    text = changed("{id: confidence, domain: athlete_perception,",
                   "{id: confidence, domain: athlete_perception, required: false,")
    p = parse_protocol(text, name=NAME)
    assert not next(c for c in p.clearance_gate if c.id == "confidence").required
    assert all(c.required for c in p.clearance_gate if c.id != "confidence")


@pytest.mark.parametrize(("old", "new", "words"), [
    ("self_report_days: {value: 14,", "self_report_days: {value: 0,",
     "self_report_days must be at least 1 day"),
    ("referral_cait_max: {value: 25,", "referral_cait_max: {value: 31,",
     "referral_cait_max must be 0 to 30"),
    ("gait_off_days: {value: 7,", "gait_off_days: {value: 29,", "gait_off_days 29 must be from 0"),
])
def test_parse_protocol_names_a_bad_new_setting(old: str, new: str, words: str) -> None:
    with pytest.raises(DataFileError) as info:
        parse_protocol(changed(old, new), name="coach.yaml")
    assert words in str(info.value)
