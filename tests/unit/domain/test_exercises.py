"""The shipped exercise library and the loader that validates it."""

from __future__ import annotations

import re
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
from anklet.domain.history import Activity
from anklet.domain.protocol import load_protocol

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
    Category.CALF_STRENGTH: 5,
    Category.ANKLE_STRENGTH: 4,
    Category.LANDING: 4,
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
    # gentle walking drills from stage 1: a gait check for anyone whose gait feels off
    Category.GAIT: {1, 2, 3, 4},
    Category.CALF_STRENGTH: {2, 3, 4},
    Category.ANKLE_STRENGTH: {2, 3, 4},
    Category.LANDING: {3, 4},
}


def _shipped() -> tuple[Exercise, ...]:
    return load_library().exercises


def _in(category: Category) -> list[Exercise]:
    return [e for e in _shipped() if e.category is category]


# ── The shipped library ──────────────────────────────────────────────────────


def test_load_library_returns_at_least_110_exercises() -> None:
    lib = load_library()
    assert lib.version == 1
    assert len(lib.exercises) >= 110
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


# ── Impact, heavy loads and prerequisites ───────────────────────────────────


def test_library_keeps_high_impact_above_level_two() -> None:
    for e in _shipped():
        if e.impact is Impact.HIGH:
            assert e.level >= 3, e.id


def test_plyometric_entries_land_with_at_least_moderate_impact() -> None:
    for e in _shipped():
        if e.load is LoadType.PLYOMETRIC:
            assert e.impact in {Impact.MODERATE, Impact.HIGH}, e.id


def test_library_marks_bounds_high_and_hops_in_place_moderate() -> None:
    lib = load_library()
    assert lib.get("bounding").impact is Impact.HIGH
    assert lib.get("skater-bounds").impact is Impact.HIGH
    assert lib.get("pogo-hops").impact is Impact.MODERATE
    assert lib.get("cone-shuffle").impact is Impact.LOW
    assert lib.get("ankle-circles").impact is Impact.NONE


def _chain(start: str) -> list[str]:
    """Ids from ``start`` following ``harder`` links to the end."""
    lib, ids = load_library(), [start]
    while (nxt := lib.get(ids[-1]).harder) is not None:
        ids.append(nxt)
    return ids


def test_landing_progression_runs_from_two_feet_to_a_turning_single_leg_landing() -> None:
    (start,) = [e.id for e in _in(Category.LANDING) if e.easier is None]
    chain = _chain(start)
    assert {e.id for e in _in(Category.LANDING)} == set(chain)
    hops = chain[chain.index("double-leg-hop-stick"):]
    assert hops == ["double-leg-hop-stick", "hop-stick-forward", "hop-stick-sideways",
                    "hop-stick-turning"]
    assert all(load_library().get(i).impact is Impact.MODERATE for i in hops)


def test_bounds_require_the_last_landing_step_when_listing_prerequisite() -> None:
    lib = load_library()
    last = _chain("snap-down-stick")[-1]
    assert lib.get("bounding").prerequisite == last
    assert lib.get("skater-bounds").prerequisite == last


def test_prerequisites_are_available_no_later_and_no_harder_than_their_exercise() -> None:
    lib = load_library()
    found = 0
    for e in lib.exercises:
        if e.prerequisite is None:
            continue
        before = lib.get(e.prerequisite)
        assert min(before.stages) <= min(e.stages), e.id
        assert before.level <= e.level, e.id
        found += 1
    assert found >= 2


def test_heel_raise_progression_runs_from_double_leg_to_weighted() -> None:
    chain = _chain("double-leg-heel-raise")
    assert chain == ["double-leg-heel-raise", "single-leg-heel-raise", "bent-knee-heel-raise",
                     "step-single-leg-heel-raise", "weighted-single-leg-heel-raise"]
    assert {e.id for e in _in(Category.CALF_STRENGTH)} >= set(chain)


@pytest.mark.parametrize("motion", [Motion.EVERSION, Motion.INVERSION])
def test_ankle_strength_offers_two_or_more_banded_levels_when_filtering_motion(
    motion: Motion,
) -> None:
    found = load_library().query(category=Category.ANKLE_STRENGTH, motion=motion)
    assert len({e.level for e in found}) >= 2
    assert all(Equipment.BAND in e.equipment for e in found)


def test_heavy_entries_carry_an_external_load_with_a_rule() -> None:
    heavy = [e for e in _shipped() if e.heavy]
    assert {"farmer-carry", "toe-elevated-rdl-barbell"} <= {e.id for e in heavy}
    for e in heavy:
        assert e.load is LoadType.EXTERNAL, e.id
        assert e.dose.load, e.id


_VAGUE_LOAD = re.compile(r"\b(heavy|heavier|moderate|light|lighter)\b", re.I)


def test_dose_loads_say_how_to_choose_the_weight_without_vague_words() -> None:
    for e in _shipped():
        if e.load is LoadType.EXTERNAL:
            assert e.dose.load, e.id
        if e.dose.load:
            assert not _VAGUE_LOAD.search(e.dose.load), (e.id, e.dose.load)


_CAPACITY_REPS = re.compile(r"could [a-z ]*?(\d+) times")
_CAPACITY_SECONDS = re.compile(r"could [a-z ]*?for (\d+) s\b")


def test_dose_loads_leave_reps_in_reserve_at_the_highest_dose_level() -> None:
    # "a weight you could lift 14 times" must stay more than the reps a plan asks for, even
    # at the top dose level; a carry may reach its stated time, never pass it.
    top = load_protocol().dosing.max_level.value
    checked = 0
    for e in _shipped():
        scaled = e.dose.scaled(top)
        for m in _CAPACITY_REPS.finditer(e.dose.load or ""):
            if e.dose.reps:
                assert int(m.group(1)) > (scaled["reps"] or 0), e.id
                checked += 1
        for m in _CAPACITY_SECONDS.finditer(e.dose.load or ""):
            assert int(m.group(1)) >= (scaled["seconds"] or 0), e.id
            checked += 1
    assert checked >= 15

def test_heel_raised_squats_are_not_loaded_dorsiflexion() -> None:
    lib = load_library()
    for ident in ("heels-elevated-goblet-squat", "slant-board-squat"):
        e = lib.get(ident)
        assert e.category is Category.THREE_PLANE
        assert "heel" in e.why.lower()
    for e in _in(Category.LOADED_DORSIFLEXION):
        assert "heels-elevated" not in e.id
        assert Equipment.SLANT_BOARD not in e.equipment


# ── What the planner relies on ───────────────────────────────────────────────


def _used_by_protocol() -> list[tuple[int, Category]]:
    return sorted({(s.number, c) for s in load_protocol().stages for t in s.targets
                   for c in t.categories})


@pytest.mark.parametrize(("stage", "category"), _used_by_protocol())
def test_library_holds_exercises_for_every_category_the_protocol_uses_at_that_stage(
    stage: int, category: Category,
) -> None:
    assert load_library().query(stage=stage, category=category)


@pytest.mark.parametrize(("stage", "category"), [
    (2, Category.CALF_STRENGTH), (3, Category.CALF_STRENGTH), (4, Category.CALF_STRENGTH),
    (2, Category.ANKLE_STRENGTH), (3, Category.ANKLE_STRENGTH), (4, Category.ANKLE_STRENGTH),
    (3, Category.LANDING), (4, Category.LANDING),
])
def test_library_holds_new_categories_from_their_first_stage(stage: int,
                                                             category: Category) -> None:
    assert load_library().query(stage=stage, category=category)


@pytest.mark.parametrize(("stage", "category"), [
    (2, Category.ANKLE_MOBILITY), (3, Category.LOADED_DORSIFLEXION),
    (2, Category.CALF_STRENGTH), (3, Category.LANDING), (3, Category.AGILITY),
])
def test_library_offers_levels_one_to_three_when_a_stage_starts_a_category(
    stage: int, category: Category,
) -> None:
    levels = {e.level for e in load_library().query(stage=stage, category=category)}
    assert {1, 2, 3} <= levels


def test_one_short_ankle_block_covers_all_four_motions() -> None:
    circles = load_library().get("ankle-circles")
    assert set(circles.motions) == set(Motion)
    assert circles.minutes <= 3
    assert circles.level == 1
    assert 2 in circles.stages


def test_agility_offers_low_impact_entries_for_a_first_week() -> None:
    low = [e for e in _in(Category.AGILITY) if e.impact is Impact.LOW and e.level <= 2]
    assert len(low) >= 4


def test_walking_gait_drills_for_daily_life_land_gently() -> None:
    walks = [e for e in _in(Category.GAIT) if Activity.DAILY_LIFE in e.suits]
    assert len(walks) >= 4
    for e in walks:
        assert e.impact in {Impact.NONE, Impact.LOW}, e.id


def test_foot_habits_give_barefoot_walking_to_everyone_and_strike_drills_to_runners() -> None:
    lib = load_library()
    assert set(lib.get("barefoot-home-walking").suits) == set(Activity)
    for e in _in(Category.FOOT_HABIT):
        if any("runner" in line.lower() for line in e.how) or "strike" in e.id:
            assert e.suits == [Activity.RUNNING], e.id


# ── Dose and how-to agree ────────────────────────────────────────────────────

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20,
          "thirty": 30}
_NUM = r"(\d+|" + "|".join(_WORDS) + r")"
_COUNT = re.compile(_NUM + r"\s+(?:reps|times|circles)\b")
_EACH_WAY = re.compile(_NUM + r"\s+(?:circles\s+)?(?:each|one)\s+way\b")
_SETS = re.compile(_NUM + r"\s+(?:one-minute\s+)?(?:rounds|passes|spots|sets)\b(?!\s+per)")
_SECONDS = re.compile(_NUM + r"(?:\s+to\s+" + _NUM + r")?\s+seconds\b")
_MINUTES = re.compile(_NUM + r"\s+minutes?\b")
_HOLD = re.compile(r"hold(?:\s+for)?(?:\s+about)?\s+" + _NUM + r"(?:\s+to\s+" + _NUM
                   + r")?\s+seconds")


def _num(token: str) -> int:
    return int(token) if token.isdigit() else _WORDS[token]


def _how(e: Exercise) -> str:
    return " ".join(e.how).lower()


def _dose_disagreements(e: Exercise) -> list[str]:
    """Counts and times in ``how`` that contradict the dose (a number in a load rule such as
    'one you could press 10 times' is not a count)."""
    text, d, found = _how(e), e.dose, []
    for m in _COUNT.finditer(text):
        if "could" in text[max(0, m.start() - 25):m.start()]:
            continue
        if _num(m.group(1)) != (d.reps if d.reps else d.sets):
            found.append(m.group(0))
    for m in _EACH_WAY.finditer(text):
        if 2 * _num(m.group(1)) != d.reps:
            found.append(m.group(0))
    for m in _SETS.finditer(text):
        if _num(m.group(1)) != (d.rounds or d.sets):
            found.append(m.group(0))
    if d.seconds:
        for m in _SECONDS.finditer(text):
            low = _num(m.group(1))
            high = _num(m.group(2)) if m.group(2) else low
            if high > 10 and not low <= d.seconds <= high:
                found.append(m.group(0))
        for m in _MINUTES.finditer(text):
            if 60 * _num(m.group(1)) not in {d.seconds, d.sets * d.seconds}:
                found.append(m.group(0))
    return found


def _needs_seconds(e: Exercise) -> int:
    """The least time the dose takes, both sides, from its timed work or its held reps."""
    d, sides = e.dose, 2 if e.dose.per_side else 1
    if d.seconds:
        return d.sets * d.seconds * sides
    holds = [_num(m.group(2) or m.group(1)) for m in _HOLD.finditer(_how(e))]
    if d.reps and holds:
        return d.sets * d.reps * (max(holds) + 1) * sides
    return 0


def test_how_repeats_no_count_or_time_that_contradicts_the_dose() -> None:
    wrong = {e.id: found for e in _shipped() if (found := _dose_disagreements(e))}
    assert wrong == {}


def test_minutes_leave_room_for_the_whole_dose() -> None:
    short = {e.id: (e.minutes, _needs_seconds(e)) for e in _shipped()
             if _needs_seconds(e) > 60 * e.minutes}
    assert short == {}


@pytest.mark.parametrize(("how", "dose"), [
    ("[Do ten circles one way and ten the other.]", "{reps: 10}"),
    ("[Hold for 20 seconds.]", "{sets: 3, seconds: 30}"),
    ("[Move the foot 8 times.]", "{reps: 10}"),
    ("[Do three rounds, then swap.]", "{sets: 2, seconds: 60}"),
    ("[Walk for ten minutes.]", "{seconds: 300}"),
])
def test_dose_check_flags_how_that_disagrees_with_dose(how: str, dose: str) -> None:
    (e,) = parse_library(_library(_entry("a", how=how, dose=dose)), name="t.yaml").exercises
    assert _dose_disagreements(e)


@pytest.mark.parametrize(("how", "dose"), [
    ("[Do 10 circles – five one way and five the other.]", "{reps: 10}"),
    ("[Hold for 20 to 30 seconds.]", "{sets: 3, seconds: 30}"),
    ("[Hold for five seconds and relax.]", "{reps: 10}"),
    ("[Do three one-minute rounds, then swap.]", "{sets: 3, seconds: 60}"),
    ("[Press one you could press 10 times.]", "{sets: 2, seconds: 30}"),
])
def test_dose_check_accepts_how_that_agrees_with_dose(how: str, dose: str) -> None:
    (e,) = parse_library(_library(_entry("a", how=how, dose=dose)), name="t.yaml").exercises
    assert _dose_disagreements(e) == []


def test_minutes_check_counts_holds_on_both_sides() -> None:
    text = _library(_entry("a", how="[Hold for five seconds., Relax.]",
                           dose="{sets: 2, reps: 10}", minutes="3"))
    (e,) = parse_library(text, name="t.yaml").exercises
    assert _needs_seconds(e) == 2 * 10 * 6 * 2


# ── Queries ──────────────────────────────────────────────────────────────────


def test_query_returns_only_stage_entries_when_filtering_stage() -> None:
    found = load_library().query(stage=1)
    assert found
    assert all(1 in e.stages for e in found)
    assert {e.category for e in found} == {
        Category.FOOT_RELEASE, Category.FOOT_AWARENESS, Category.FOOT_HABIT, Category.GAIT,
    }
    # the gait work of stage 1 is gentle walking only
    assert all(e.impact.value == "none" for e in found if e.category is Category.GAIT)


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
