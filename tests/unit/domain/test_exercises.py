"""The shipped exercise library and the loader that validates it."""

from __future__ import annotations

from pathlib import Path

import pytest

from anklet.domain.errors import DataFileError
from anklet.domain.exercises import (
    Category,
    Equipment,
    Exercise,
    Impact,
    LoadType,
    Motion,
    Plane,
    Region,
    load_library,
    parse_library,
)

MINIMUM_PER_CATEGORY = {
    Category.FOOT_RELEASE: 6,
    Category.FOOT_AWARENESS: 6,
    Category.FOOT_HABIT: 2,
    Category.SHIN_CALF_RELEASE: 5,
    Category.ANKLE_MOBILITY: 10,
    Category.BALANCE: 5,
    Category.LOADED_DORSIFLEXION: 7,
    Category.AGILITY: 8,
    Category.THREE_PLANE: 10,
    Category.GAIT: 7,
}

STAGES_PER_CATEGORY = {
    Category.FOOT_RELEASE: {1, 2, 3, 4},
    Category.FOOT_AWARENESS: {1, 2, 3, 4},
    Category.FOOT_HABIT: {1, 2, 3, 4},
    Category.SHIN_CALF_RELEASE: {2, 3, 4},
    Category.ANKLE_MOBILITY: {2, 3, 4},
    Category.BALANCE: {2, 3, 4},
    Category.LOADED_DORSIFLEXION: {3, 4},
    Category.AGILITY: {3, 4},
    Category.THREE_PLANE: {3, 4},
    Category.GAIT: {3, 4},
}


def _shipped() -> tuple[Exercise, ...]:
    return load_library().exercises


def _in(category: Category) -> list[Exercise]:
    return [e for e in _shipped() if e.category is category]


# ── The shipped library ──────────────────────────────────────────────────────


def test_load_library_returns_at_least_60_exercises() -> None:
    lib = load_library()
    assert lib.version == 1
    assert len(lib.exercises) >= 60
    assert lib.source.endswith("exercises.yaml")


def test_load_library_returns_the_cached_library_when_called_twice() -> None:
    assert load_library() is load_library()


@pytest.mark.parametrize(("category", "minimum"), MINIMUM_PER_CATEGORY.items())
def test_library_holds_minimum_when_counting_category(category: Category, minimum: int) -> None:
    assert len(_in(category)) >= minimum


@pytest.mark.parametrize(("category", "allowed"), STAGES_PER_CATEGORY.items())
def test_library_places_category_only_in_its_stages(category: Category, allowed: set[int]) -> None:
    for e in _in(category):
        assert set(e.stages) <= allowed, e.id


def test_foot_release_entries_warn_never_to_roll_on_heel() -> None:
    for e in _in(Category.FOOT_RELEASE):
        assert any("heel" in c.lower() and "never" in c.lower() for c in e.cautions), e.id


def test_foot_release_entries_do_not_list_ankle_motions() -> None:
    # Rolling the sole does not change ankle range; the data must not claim it does.
    for e in _in(Category.FOOT_RELEASE):
        assert e.motions == [], e.id


@pytest.mark.parametrize("motion", list(Motion))
def test_ankle_mobility_offers_assisted_and_unassisted_when_filtering_motion(
    motion: Motion,
) -> None:
    loads = {e.load for e in load_library().query(category=Category.ANKLE_MOBILITY, motion=motion)}
    assert LoadType.ASSISTED in loads
    assert loads - {LoadType.ASSISTED}


def test_ankle_mobility_covers_all_motions_in_one_exercise() -> None:
    assert any(set(e.motions) == set(Motion) for e in _in(Category.ANKLE_MOBILITY))


def test_loaded_dorsiflexion_entries_include_dorsiflexion() -> None:
    for e in _in(Category.LOADED_DORSIFLEXION):
        assert Motion.DORSIFLEXION in e.motions, e.id


def test_agility_entries_dose_three_to_five_rounds_and_say_ease_in() -> None:
    for e in _in(Category.AGILITY):
        assert e.dose.rounds is not None, e.id
        assert 3 <= e.dose.rounds <= 5, e.id
        assert any("ease in" in c.lower() or "thrash" in c.lower() for c in e.cautions), e.id


def test_three_plane_covers_every_plane_and_four_carries() -> None:
    entries = _in(Category.THREE_PLANE)
    assert {p for e in entries for p in e.planes} == set(Plane)
    assert sum("carry" in e.id for e in entries) >= 4


def test_shin_calf_release_rolls_calves_three_times_sixty_seconds() -> None:
    calves = [e for e in _in(Category.SHIN_CALF_RELEASE) if e.region is Region.CALF]
    assert calves
    for e in calves:
        assert (e.dose.sets, e.dose.seconds, e.dose.per_side) == (3, 60, True), e.id


def test_library_entries_have_short_how_and_few_cautions() -> None:
    for e in _shipped():
        assert 2 <= len(e.how) <= 5, e.id
        assert 1 <= len(e.cautions) <= 3, e.id


def test_library_links_point_back_when_following_easier_and_harder() -> None:
    lib = load_library()
    linked = 0
    for e in lib.exercises:
        if e.harder is not None:
            assert lib.get(e.harder).easier == e.id
            linked += 1
        if e.easier is not None:
            assert lib.get(e.easier).harder == e.id
            assert lib.get(e.easier).level <= e.level
    assert linked >= 30


# ── Queries ──────────────────────────────────────────────────────────────────


def test_query_returns_only_stage_entries_when_filtering_stage() -> None:
    found = load_library().query(stage=1)
    assert found
    assert all(1 in e.stages for e in found)
    assert {e.category for e in found} == {
        Category.FOOT_RELEASE, Category.FOOT_AWARENESS, Category.FOOT_HABIT,
    }


def test_query_returns_only_category_entries_when_filtering_category() -> None:
    found = load_library().query(category=Category.BALANCE)
    assert found
    assert all(e.category is Category.BALANCE for e in found)
    assert len(found) == len(_in(Category.BALANCE))


def test_query_returns_only_region_entries_when_filtering_region() -> None:
    found = load_library().query(region=Region.SHIN)
    assert found
    assert all(e.region is Region.SHIN for e in found)


def test_query_returns_only_plane_entries_when_filtering_plane() -> None:
    found = load_library().query(plane=Plane.TRANSVERSE)
    assert found
    assert all(Plane.TRANSVERSE in e.planes for e in found)
    assert "transverse-lunge" in {e.id for e in found}


def test_query_returns_only_equipment_entries_when_filtering_equipment() -> None:
    found = load_library().query(equipment=Equipment.BALL)
    assert found
    assert all(Equipment.BALL in e.equipment for e in found)


def test_query_applies_every_filter_when_combining_filters() -> None:
    found = load_library().query(stage=3, category=Category.THREE_PLANE, plane=Plane.FRONTAL,
                                 equipment=Equipment.KETTLEBELL)
    assert found
    for e in found:
        assert 3 in e.stages
        assert e.category is Category.THREE_PLANE
        assert Plane.FRONTAL in e.planes
        assert Equipment.KETTLEBELL in e.equipment


def test_query_returns_nothing_when_no_entry_matches() -> None:
    assert load_library().query(stage=1, category=Category.AGILITY) == []


def test_get_returns_the_entry_when_id_exists() -> None:
    assert load_library().get("knee-to-wall-rocks").category is Category.ANKLE_MOBILITY
    assert "knee-to-wall-rocks" in load_library()


# ── The loader fails loudly, naming the file and the line ───────────────────

_BASE = {
    "name": "Test exercise",
    "stages": "[1]",
    "category": "foot_awareness",
    "region": "toes",
    "planes": "[sagittal]",
    "load": "none",
    "equipment": "[none]",
    "dose": "{reps: 10}",
    "minutes": "3",
    "level": "1",
    "how": "[Press the toes down., Relax.]",
    "cautions": "[Keep it gentle.]",
    "why": "Wakes up the toes for this test.",
}


def _entry(ident: str, **fields: str | None) -> str:
    """One YAML list entry; a field given as None is left out."""
    values = {**_BASE, **fields}
    lines = [f"  - id: {ident}"]
    lines += [f"    {key}: {value}" for key, value in values.items() if value is not None]
    return "\n".join(lines)


def _library(*entries: str) -> str:
    return "\n".join(["version: 1", "exercises:", *entries]) + "\n"


def _lines(text: str, needle: str) -> list[int]:
    """The 1-based numbers of the lines of ``text`` that read ``needle`` (stripped)."""
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == needle]


def _line(text: str, needle: str) -> int:
    """The 1-based number of the only line of ``text`` that reads ``needle`` (stripped)."""
    (found,) = _lines(text, needle)
    return found


def _fails(text: str, name: str = "coach.yaml") -> DataFileError:
    with pytest.raises(DataFileError) as info:
        parse_library(text, name=name)
    err = info.value
    assert err.file == name
    assert name in str(err)
    if err.line is not None:
        assert f"line {err.line}" in str(err)
    return err


def test_parse_library_accepts_a_valid_linked_pair() -> None:
    text = _library(_entry("a", harder="b"), _entry("b", easier="a", level="2"))
    lib = parse_library(text, name="coach.yaml")
    assert [e.id for e in lib.exercises] == ["a", "b"]
    assert lib.source == "coach.yaml"


def test_parse_library_names_line_when_link_id_is_unknown() -> None:
    text = _library(_entry("a"), _entry("b", harder="nowhere"))
    err = _fails(text)
    assert err.line == _line(text, "- id: b")
    assert "nowhere" in err.problem


def test_parse_library_defaults_new_fields_when_left_out() -> None:
    (ex,) = parse_library(_library(_entry("a")), name="coach.yaml").exercises
    assert (ex.impact, ex.heavy, ex.prerequisite) == (Impact.NONE, False, None)


def test_parse_library_reads_impact_heavy_and_prerequisite_when_given() -> None:
    text = _library(_entry("a"), _entry("b", impact="moderate", heavy="true", prerequisite="a"))
    b = parse_library(text, name="coach.yaml").get("b")
    assert (b.impact, b.heavy, b.prerequisite) == (Impact.MODERATE, True, "a")


def test_parse_library_names_line_when_impact_is_unknown() -> None:
    text = _library(_entry("a"), _entry("b", impact="huge"))
    err = _fails(text)
    assert err.line == _line(text, "- id: b")
    assert "impact" in err.problem
    assert "huge" in err.problem
    assert "'high'" in err.problem


def test_parse_library_names_line_when_prerequisite_id_is_unknown() -> None:
    text = _library(_entry("a"), _entry("b", prerequisite="nowhere"))
    err = _fails(text)
    assert err.line == _line(text, "- id: b")
    assert err.problem == "exercise 'b': prerequisite points to unknown id 'nowhere'"


def test_parse_library_names_line_when_prerequisite_points_to_itself() -> None:
    text = _library(_entry("a"), _entry("b", prerequisite="b"))
    err = _fails(text)
    assert err.line == _line(text, "- id: b")
    assert "prerequisite points to itself" in err.problem


def test_parse_library_names_line_when_field_is_missing() -> None:
    text = _library(_entry("a"), _entry("b", why=None))
    err = _fails(text)
    assert err.line == _line(text, "- id: b")
    assert err.problem == "exercise 'b': why: missing – this field is required"


def test_parse_library_names_line_when_enum_value_is_wrong() -> None:
    text = _library(_entry("a"), _entry("b", category="foot_massage"))
    err = _fails(text)
    assert err.line == _line(text, "- id: b")
    assert "category" in err.problem
    assert "foot_massage" in err.problem


def test_parse_library_names_line_when_field_is_unknown() -> None:
    text = _library(_entry("a"), _entry("b", colour="red"))
    err = _fails(text)
    assert err.line == _line(text, "- id: b")
    assert "colour" in err.problem


def test_parse_library_names_second_line_when_id_appears_twice() -> None:
    text = _library(_entry("a"), _entry("b"), _entry("a"))
    first, second = _lines(text, "- id: a")
    err = _fails(text)
    assert err.line == second
    assert "appears twice" in err.problem
    assert f"first at line {first}" in err.problem


def test_parse_library_names_line_when_harder_link_is_not_mutual() -> None:
    text = _library(_entry("a"), _entry("b", harder="c"), _entry("c"))
    err = _fails(text)
    assert err.line == _line(text, "- id: b")
    assert "'c'" in err.problem


def test_parse_library_names_line_when_easier_link_is_not_mutual() -> None:
    text = _library(_entry("a"), _entry("b", easier="a"))
    err = _fails(text)
    assert err.line == _line(text, "- id: b")


def test_parse_library_names_line_when_link_points_to_itself() -> None:
    text = _library(_entry("a", harder="a", easier="a"))
    err = _fails(text)
    assert err.line == _line(text, "- id: a")
    assert "itself" in err.problem


def test_parse_library_names_line_when_yaml_is_invalid() -> None:
    text = _library(_entry("a"), _entry("b", name="Toe press: broken"))
    err = _fails(text)
    assert err.line == _line(text, "name: Toe press: broken")
    assert "not valid YAML" in err.problem


def test_parse_library_names_line_when_key_is_duplicated() -> None:
    text = _library(_entry("a"), _entry("b") + "\n    level: 2")
    err = _fails(text)
    assert err.line == _lines(text, "level: 2")[-1]
    assert err.line == _line(text, "- id: b") + len(_BASE) + 1
    assert "duplicate key 'level'" in err.problem


def test_parse_library_fails_when_exercises_list_is_missing() -> None:
    err = _fails("version: 1\nexercise: []\n")
    assert err.line == 1


@pytest.mark.parametrize("version", ["0", "-1", "true", "'1'"])
def test_parse_library_fails_when_version_is_not_a_positive_integer(version: str) -> None:
    err = _fails(f"version: {version}\nexercises: []\n")
    assert err.line == 1
    assert "version" in err.problem


def test_load_library_names_file_and_line_when_file_entry_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "my-exercises.yaml"
    text = _library(_entry("a"), _entry("b"), _entry("c", planes="[diagonal]"))
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_library(path)
    err = info.value
    assert err.file == str(path)
    assert err.line == _line(text, "- id: c")
    assert f"{path}, line {err.line}" in str(err)


def test_load_library_names_file_when_file_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(DataFileError) as info:
        load_library(path)
    assert info.value.file == str(path)
    assert "not found" in info.value.problem
