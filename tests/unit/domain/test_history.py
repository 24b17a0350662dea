"""Parsing the history document: every problem named with its field, value and what is
accepted; invalid JSON named by line and column; the published JSON Schema."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from anklet.domain.errors import HistoryError, InputError
from anklet.domain.history import (
    Activity,
    GoalType,
    History,
    check_day,
    history_json_schema,
    load_history_text,
    parse_history,
)
from factories import full_history, intake, minimal_history

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "schema" / "history.schema.json"


def document() -> dict[str, Any]:
    """A full exported history document (every field of every part set)."""
    return copy.deepcopy(full_history().to_dict())


def problems(doc: Any) -> list[tuple[str, object, str]]:
    with pytest.raises(HistoryError) as info:
        parse_history(doc, source="ada.json")
    assert info.value.source == "ada.json"
    assert isinstance(info.value, InputError)
    return info.value.problems


def only_problem(doc: Any) -> tuple[str, object, str]:
    found = problems(doc)
    assert len(found) == 1, found
    return found[0]


# --- a valid document ------------------------------------------------------------------------------


def test_parse_history_round_trips_an_exported_document() -> None:
    h = full_history()
    assert parse_history(json.loads(h.to_json())) == h
    assert load_history_text(h.to_json()) == h


def test_parse_history_accepts_a_person_alone() -> None:
    h = parse_history({"person": {"id": "bo", "name": "Person bo"}})
    assert h == minimal_history("bo")
    assert h.format == "anklet-history"
    assert h.version == 1


def test_parse_history_sorts_dated_lists_by_date() -> None:
    doc = document()
    doc["sessions"].reverse()
    doc["measurements"].reverse()
    h = parse_history(doc)
    assert [s.date for s in h.sessions] == sorted(s.date for s in h.sessions)
    assert [m.date for m in h.measurements] == sorted(m.date for m in h.measurements)


# --- unknown fields -------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "typo", "field"), [
    ((), "persn", "persn"),
    (("measurements", 0), "valeu", "measurements[0].valeu"),
    (("intake", "left"), "sprian", "intake.left.sprian"),
    (("sessions", 1), "pain_durring", "sessions[1].pain_durring"),
    (("sessions", 0, "exercises", 2), "weight", "sessions[0].exercises[2].weight"),
])
def test_parse_history_names_unknown_field(path: tuple[str | int, ...], typo: str,
                                           field: str) -> None:
    doc = document()
    node: Any = doc
    for part in path:
        node = node[part]
    node[typo] = 3
    f, value, accepted = only_problem(doc)
    assert f == field
    assert value == 3
    assert "unknown field" in accepted


def test_parse_history_lists_every_problem_not_just_the_first() -> None:
    doc = document()
    doc["persn"] = 1
    doc["sessions"][0]["pain_during"] = 11
    doc["measurements"][1]["notes"] = "x" * 1001
    fields = [f for f, _, _ in problems(doc)]
    assert set(fields) == {"persn", "sessions[0].pain_during", "measurements[1].notes"}


def test_parse_history_names_a_missing_required_field() -> None:
    doc = document()
    del doc["person"]["name"]
    f, _, accepted = only_problem(doc)
    assert f == "person.name"
    assert accepted == "this field is required"


# --- out-of-range values ------------------------------------------------------------------------


@pytest.mark.parametrize(("pain", "ok"), [(-1, False), (0, True), (10, True), (11, False)])
def test_parse_history_accepts_pain_only_from_0_to_10(pain: int, ok: bool) -> None:
    doc = document()
    doc["sessions"][0]["pain_during"] = pain
    if ok:
        assert parse_history(doc).sessions[0].pain_during == pain
        return
    f, value, accepted = only_problem(doc)
    assert f == "sessions[0].pain_during"
    assert value == pain
    assert ("10" if pain > 10 else "0") in accepted


@pytest.mark.parametrize("field", ["pain_rest", "pain_activity"])
def test_parse_history_rejects_screening_pain_11(field: str) -> None:
    doc = document()
    doc["screenings"][0]["left"][field] = 11
    f, value, accepted = only_problem(doc)
    assert f == f"screenings[0].left.{field}"
    assert value == 11
    assert "less than or equal to 10" in accepted


@pytest.mark.parametrize(("value", "ok"), [(0.0, True), (25.0, True), (25.1, False), (30, False),
                                           (-0.5, False)])
def test_parse_history_accepts_knee_to_wall_only_from_0_to_25_cm(value: float, ok: bool) -> None:
    doc = document()
    assert doc["measurements"][0]["kind"] == "knee_to_wall"
    doc["measurements"][0]["value"] = value
    if ok:
        assert parse_history(doc).measurements[0].value == value
        return
    f, shown, accepted = only_problem(doc)
    assert f.startswith("measurements[0]")
    assert f"{value:g}" in accepted or shown == value
    assert "Knee-to-wall" in accepted
    assert "0 to 25 cm" in accepted


def test_parse_history_rejects_leg_length_on_a_non_y_balance_test() -> None:
    doc = document()
    assert doc["measurements"][0]["kind"] == "knee_to_wall"
    doc["measurements"][0]["leg_length_cm"] = 88
    f, _, accepted = only_problem(doc)
    assert f.startswith("measurements[0]")
    assert "leg_length_cm" in accepted
    assert "y_balance_anterior" in accepted


@pytest.mark.parametrize(("leg", "ok"), [(39.9, False), (40, True), (130, True), (130.5, False)])
def test_parse_history_accepts_leg_length_only_in_range(leg: float, ok: bool) -> None:
    doc = document()
    i = next(i for i, m in enumerate(doc["measurements"]) if m["kind"] == "y_balance_anterior")
    doc["measurements"][i]["leg_length_cm"] = leg
    if ok:
        assert parse_history(doc).measurements[i].leg_length_cm == leg
        return
    f, _, accepted = only_problem(doc)
    assert f.startswith(f"measurements[{i}]")
    assert f"{leg:g}" in accepted
    assert "40 to 130 cm" in accepted


@pytest.mark.parametrize(("key", "bad"), [("value", 30), ("leg_length_cm", 88)])
def test_parse_history_names_the_exact_measurement_field(key: str, bad: float) -> None:
    doc = document()
    doc["measurements"][0][key] = bad
    f, value, _ = only_problem(doc)
    assert f == f"measurements[0].{key}"
    assert value == bad


def test_parse_history_rejects_last_sprain_without_sprains() -> None:
    doc = document()
    doc["intake"]["right"] = {"sprains": 0, "last_sprain": "2024-01-01"}
    f, _, accepted = only_problem(doc)
    assert f == "intake.right"
    assert "sprains is 0" in accepted


def test_parse_history_rejects_an_unknown_measurement_kind() -> None:
    doc = document()
    doc["measurements"][0]["kind"] = "knee_to_floor"
    f, value, accepted = only_problem(doc)
    assert f == "measurements[0].kind"
    assert value == "knee_to_floor"
    assert "knee_to_wall" in accepted


def test_parse_history_error_to_dict_lists_problems() -> None:
    doc = document()
    doc["sessions"][0]["pain_during"] = 11
    with pytest.raises(HistoryError) as info:
        parse_history(doc, source="ada.json")
    data = info.value.to_dict()
    assert data["error"] == "HistoryError"
    assert data["problems"] == [{"field": "sessions[0].pain_during", "value": 11,
                                 "accepted": "Input should be less than or equal to 10"}]
    assert "ada.json" in data["message"]


# --- not JSON, not an object ------------------------------------------------------------------------


def test_load_history_text_names_line_and_column_of_invalid_json() -> None:
    text = '{\n  "person": {\n    "id": "a",\n  }\n}\n'
    with pytest.raises(HistoryError) as info:
        load_history_text(text, source="bad.json")
    [(where, value, accepted)] = info.value.problems
    assert where == "line 4, column 3"
    assert value is None
    assert accepted.startswith("valid JSON")
    assert info.value.source == "bad.json"


def test_load_history_text_names_position_of_truncated_json() -> None:
    text = full_history().to_json()
    cut = text[: len(text) // 2]
    with pytest.raises(HistoryError) as info:
        load_history_text(cut)
    where = info.value.problems[0][0]
    assert where.startswith(f"line {cut.count(chr(10)) + 1}, column ")


@pytest.mark.parametrize("doc", [[1, 2], "text", 3, None])
def test_parse_history_rejects_a_document_that_is_not_an_object(doc: Any) -> None:
    f, value, accepted = only_problem(doc)
    assert f == "document"
    assert value == type(doc).__name__
    assert accepted == "a JSON object"


# --- the JSON Schema -------------------------------------------------------------------------------


def validator() -> jsonschema.Draft202012Validator:
    schema = history_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_history_json_schema_is_a_2020_12_schema_with_an_id() -> None:
    schema = history_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("https://")
    assert schema["additionalProperties"] is False


def test_history_json_schema_validates_a_full_exported_document() -> None:
    v = validator()
    assert list(v.iter_errors(json.loads(full_history().to_json()))) == []
    assert list(v.iter_errors(minimal_history().to_dict())) == []


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d["sessions"][0].__setitem__("pain_during", 11), ["sessions", 0, "pain_during"]),
    (lambda d: d.__setitem__("persn", 1), []),
    (lambda d: d["measurements"][0].__setitem__("side", "middle"), ["measurements", 0, "side"]),
    (lambda d: d["person"].__delitem__("id"), ["person"]),
    (lambda d: d.__setitem__("version", 2), ["version"]),
], ids=["pain-11", "unknown-field", "bad-enum", "missing-id", "wrong-version"])
def test_history_json_schema_rejects_a_bad_document(change: Any, where: list[Any]) -> None:
    doc = document()
    change(doc)
    errors = list(validator().iter_errors(doc))
    assert [list(e.absolute_path) for e in errors] == [where]
    with pytest.raises(HistoryError):
        parse_history(doc)  # the model agrees


def test_history_json_schema_file_matches_the_model() -> None:
    if not SCHEMA_FILE.exists():
        pytest.skip(f"{SCHEMA_FILE.relative_to(SCHEMA_FILE.parents[1])} is not committed yet; "
                    "generate it with `anklet schema`")
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == history_json_schema()


def test_history_model_forbids_unknown_fields_everywhere() -> None:
    # Every object in the schema is closed, so the schema and the model agree on typos.
    schema = history_json_schema()
    for name, definition in schema["$defs"].items():
        if definition.get("type") == "object":
            assert definition.get("additionalProperties") is False, name
    assert History.model_config.get("extra") == "forbid"


@pytest.mark.parametrize(("value", "ok"), [
    ("1899-12-31", False), ("1900-01-01", True), ("2199-12-31", True), ("2200-01-01", False),
    ("0001-01-01", False), ("9999-12-31", False), (0, False), (1732492800, False),
])
def test_dates_are_days_from_1900_to_2199_and_never_numbers(value: object, ok: bool) -> None:
    doc = {"person": {"id": "a", "name": "A"},
           "sessions": [{"date": value, "exercises": [{"exercise_id": "x"}]}]}
    if ok:
        assert parse_history(doc).sessions[0].date.isoformat() == value
        return
    with pytest.raises(HistoryError) as exc:
        parse_history(doc)
    [(field, given, accepted)] = exc.value.problems
    assert field == "sessions[0].date"
    assert given == value
    assert "1900" in accepted or "number" in accepted


@pytest.mark.parametrize("day", [dt.date(1899, 12, 31), dt.date(2200, 1, 1), dt.date(9999, 12, 31)])
def test_check_day_names_the_field_and_the_range(day: dt.date) -> None:
    with pytest.raises(InputError) as exc:
        check_day("as_of", day)
    assert exc.value.field == "as_of"
    assert exc.value.accepted == "accepted: a date from 1900-01-01 to 2199-12-31"
    check_day("as_of", dt.date(2026, 11, 25))


# --- intake profile, check-ins, single-leg hop ------------------------------------------------


@pytest.mark.parametrize(("field", "low", "high"), [
    ("age", 5, 110), ("falls_12m", 0, 100), ("fear_of_falling", 0, 10)])
def test_parse_history_accepts_intake_numbers_only_in_range(field: str, low: int,
                                                            high: int) -> None:
    for value, ok in [(low - 1, False), (low, True), (high, True), (high + 1, False)]:
        doc = document()
        doc["intake"][field] = value
        if ok:
            assert getattr(parse_history(doc).intake, field) == value
            continue
        f, given, accepted = only_problem(doc)
        assert f == f"intake.{field}"
        assert given == value
        assert str(low if value < low else high) in accepted


@pytest.mark.parametrize(("field", "bad"), [("sex", "other"), ("goal_type", "swimmer")])
def test_parse_history_names_an_unknown_sex_or_goal_type(field: str, bad: str) -> None:
    doc = document()
    doc["intake"][field] = bad
    f, given, accepted = only_problem(doc)
    assert f == f"intake.{field}"
    assert given == bad
    assert ("female" if field == "sex" else "court_field_sport") in accepted


def test_parse_history_loads_an_intake_without_the_profile_fields() -> None:
    doc = document()
    for field in ("age", "sex", "falls_12m", "fear_of_falling", "goal_type"):
        del doc["intake"][field]
    intake = parse_history(doc).intake
    assert intake is not None
    assert (intake.age, intake.sex, intake.falls_12m, intake.fear_of_falling,
            intake.goal_type) == (None, None, None, None, None)


def test_parse_history_round_trips_the_profile_and_a_check_in() -> None:
    h = full_history()
    doc = json.loads(h.to_json())
    assert doc["intake"]["age"] == 34
    assert doc["intake"]["sex"] == "female"
    assert doc["intake"]["goal_type"] == "runner"
    assert [s["kind"] for s in doc["screenings"]] == ["screen", "screen", "check_in", "screen"]
    assert any(m["kind"] == "single_leg_hop" for m in doc["measurements"])
    assert parse_history(doc) == h


@pytest.mark.parametrize(("day", "age"), [
    (dt.date(2025, 3, 3), 34), (dt.date(2026, 3, 2), 34), (dt.date(2026, 3, 3), 35),
    (dt.date(2035, 3, 3), 44), (dt.date(2025, 3, 2), 34), (dt.date(2024, 3, 3), 33)])
def test_age_on_adds_whole_years_since_the_intake(day: dt.date, age: int) -> None:
    assert intake(date=dt.date(2025, 3, 3), age=34).age_on(day) == age


def test_age_on_a_leap_day_intake_counts_the_year_on_march_1() -> None:
    i = intake(date=dt.date(2024, 2, 29), age=40)
    assert i.age_on(dt.date(2025, 2, 28)) == 40
    assert i.age_on(dt.date(2025, 3, 1)) == 41


def test_age_on_without_an_age_is_none() -> None:
    assert intake(age=None).age_on(dt.date(2030, 1, 1)) is None


@pytest.mark.parametrize(("activities", "profile"), [
    ([Activity.DAILY_LIFE, Activity.COURT_FIELD_SPORT, Activity.RUNNING],
     GoalType.COURT_FIELD_SPORT),
    ([Activity.LIFTING, Activity.RUNNING], GoalType.RUNNER),
    ([Activity.DAILY_LIFE, Activity.LIFTING], GoalType.LIFTER),
    ([Activity.DAILY_LIFE], GoalType.WALKER),
    ([], None),
])
def test_profile_without_a_goal_type_comes_from_the_activities(
        activities: list[Activity], profile: GoalType | None) -> None:
    assert intake(goal_type=None, activities=activities).profile is profile


def test_profile_is_the_goal_type_when_given() -> None:
    i = intake(goal_type=GoalType.OTHER, activities=[Activity.RUNNING])
    assert i.profile is GoalType.OTHER


def test_parse_history_screening_kind_defaults_to_screen() -> None:
    h = parse_history({"person": {"id": "a", "name": "A"},
                       "screenings": [{"date": "2025-03-03", "red_flags": {"fever": False}}]})
    assert h.screenings[0].kind == "screen"


def test_parse_history_rejects_a_check_in_with_red_flag_answers() -> None:
    doc = document()
    doc["screenings"][0]["kind"] = "check_in"
    f, _, accepted = only_problem(doc)
    assert f == "screenings[0].red_flags"
    assert "check_in" in accepted
    assert "red_flags" in accepted


def test_parse_history_rejects_an_unknown_screening_kind() -> None:
    doc = document()
    doc["screenings"][0]["kind"] = "quick"
    f, given, accepted = only_problem(doc)
    assert f == "screenings[0].kind"
    assert given == "quick"
    assert "check_in" in accepted


@pytest.mark.parametrize(("value", "ok"), [(-1, False), (0, True), (10, True), (10.5, False)])
def test_parse_history_accepts_single_leg_hops_only_from_0_to_10(value: float, ok: bool) -> None:
    doc = document()
    i = next(i for i, m in enumerate(doc["measurements"]) if m["kind"] == "single_leg_hop")
    doc["measurements"][i]["value"] = value
    if ok:
        assert parse_history(doc).measurements[i].value == value
        return
    f, _, accepted = only_problem(doc)
    assert f == f"measurements[{i}].value"
    assert "Single-leg hop" in accepted
    assert "0 to 10 hops" in accepted
