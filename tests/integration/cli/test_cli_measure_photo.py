"""``anklet measure-photo``: the knee-to-wall angle from a side photo, checked and stored.

The storing path is driven with ``--points`` (the user's hand placement, the same as the
photo page's manual mode): coordinates typed in, on the real portrait grace_hopper.jpg,
which does not show a lunge — so these runs test reading, checking, storing and
re-deciding, not the model. The model runs on the same real photo, finds her, and is
refused because her knees and feet are not in the picture. Refused runs store nothing
(counted before and after); the annotated photo is written in both cases.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cliasserts import json_error, ok, refused
from PIL import Image

from anklet.store.db import make_engine
from anklet.store.uow import UnitOfWork
from anklet.vision import pose
from phototools import grey_image, jpeg, needs_mediapipe, real_photo_bytes, two_people

Cli = Callable[..., Any]  # conftest.Result: .code, .out, .err, .json(), .text

TODAY = dt.date.today()
START = TODAY - dt.timedelta(days=30)
WHEN = TODAY - dt.timedelta(days=2)
LUNGE = "knee=400,150 ankle=250,450 heel=170,500 toe=380,515 back-toe=60,505"
LIFTED = "knee=500,200 ankle=250,450 heel=175,430 toe=380,515 back-toe=60,505"
NO_BACK_TOE = "knee=400,150 ankle=250,450 heel=170,500 toe=380,515"
EXIT_INPUT, EXIT_NOT_FOUND = 2, 4


@pytest.fixture
def photo_file(tmp_path: Path) -> Path:
    path = tmp_path / "photos" / "lunge.jpg"
    path.parent.mkdir()
    path.write_bytes(real_photo_bytes())
    return path


@pytest.fixture
def sam(cli: Cli) -> str:
    ok(cli("add-person", "sam", "--name", "Sam", "--date", START.isoformat()))
    ok(cli("screen", "sam", "--none", "--date", START.isoformat()))
    return "sam"


def stored(cli: Cli, person: str = "sam") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(cli("export", person)).json()["measurements"]
    return found


def decided_at(cli_url: str, person: str = "sam") -> dt.datetime:
    """When the person's stored decision was made (the screen in ``sam`` made the first)."""
    engine = make_engine(cli_url)
    try:
        with UnitOfWork(engine) as uow:
            d = uow.people.get_decision(person)
    finally:
        engine.dispose()
    assert d is not None
    return d.evaluated_at


def people_row(cli: Cli, person: str = "sam") -> dict[str, Any]:
    row: dict[str, Any] = next(p for p in ok(cli("people", "--json")).json() if p["id"] == person)
    return row


@pytest.fixture
def no_mediapipe(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The import machinery refuses mediapipe, as where the [vision] extra is not installed."""
    monkeypatch.setitem(sys.modules, "mediapipe", None)
    pose._mediapipe.cache_clear()
    yield
    pose._mediapipe.cache_clear()


# --- stored -------------------------------------------------------------------------------


def test_hand_placed_points_are_measured_stored_and_decided_again(
        cli: Cli, cli_url: str, sam: str, photo_file: Path) -> None:
    before = decided_at(cli_url)
    r = ok(cli("measure-photo", sam, "--side", "left", photo_file, "--points", LUNGE,
               "--date", WHEN.isoformat()))
    text = r.text
    assert "Left lunge angle: 22.5° (about 6.2 cm knee-to-wall" in text
    assert "✓ The front knee is ahead of the ankle" in text
    assert "✓ The knee, ankle, heel and toe are all clearly visible" in text
    assert "✓ The camera looks side-on" in text
    assert "✓ The heel is down" in text
    assert "✓ The left leg is in front" in text
    assert f"Points (photo pixels): {LUNGE}." in text  # ready to be corrected and given again
    annotated = photo_file.with_name("lunge-measured.jpg")
    assert f"Wrote the photo with the points drawn: {annotated}" in text
    assert f"Stored for sam on {WHEN}: left lunge angle 22.5° (method: photo)." in text
    # no pain recorded with the photo test, so capability is not assumed: still the feet
    assert "sam now: stage 1 (Foot)" in text

    assert stored(cli) == [{"date": WHEN.isoformat(), "side": "left", "kind": "lunge_angle",
                            "value": 22.5, "method": "photo",
                            "notes": "Measured from a photo; not checked: knee bent."}]
    row = people_row(cli)  # the decision was made again and saved
    assert (row["stage"], row["status"]) == (1, "working")
    assert decided_at(cli_url) > before
    with Image.open(annotated) as im:
        assert (im.format, im.size) == ("JPEG", (512, 600))


def test_json_output_has_the_reading_the_measurement_and_the_decision(
        cli: Cli, sam: str, photo_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "drawn.jpg"
    data = ok(cli("measure-photo", sam, "--side", "right", photo_file, "--points",
                  LUNGE.replace(" ", ";"), "--out", out, "--pain", "3", "--json")).json()
    assert data["reading"]["angle"] == 22.5
    assert data["reading"]["cm"] == 6.2
    assert data["reading"]["ok"] is True
    assert [c["name"] for c in data["reading"]["checks"]] == [
        "visible", "side_on", "knee_forward", "knee_bent", "heel_down", "front_leg"]
    assert [c["passed"] for c in data["reading"]["checks"]] == [True, True, True, None, True,
                                                                True]
    assert data["reading"]["points"]["knee"] == [400.0, 150.0, 1.0]
    assert data["reading"]["points"]["back_toe"] == [60.0, 505.0, 1.0]
    assert data["stored"]["method"] == "photo"
    assert data["stored"]["side"] == "right"
    assert data["stored"]["pain"] == 3
    assert data["decision"]["person"] == "sam"
    assert data["decision"]["stage"] == 1
    assert data["annotated"] == str(out)
    assert out.exists()
    assert not photo_file.with_name("lunge-measured.jpg").exists()
    assert len(stored(cli)) == 1


def test_hand_placed_points_work_without_the_vision_extra(
        cli: Cli, sam: str, photo_file: Path, no_mediapipe: Any) -> None:
    assert not pose.available()
    ok(cli("measure-photo", sam, "--side", "left", photo_file, "--points", LUNGE))
    assert len(stored(cli)) == 1


# --- refused: nothing stored ------------------------------------------------------------------


def test_a_broken_rule_is_shown_and_nothing_is_stored(cli: Cli, cli_url: str, sam: str,
                                                       photo_file: Path) -> None:
    before = decided_at(cli_url)
    r = refused(cli("measure-photo", sam, "--side", "left", photo_file, "--points", LIFTED),
                EXIT_INPUT, "Left lunge angle: not measured", "✗ The heel is lifted",
                "Not stored")
    assert "Stored for" not in r.text
    assert photo_file.with_name("lunge-measured.jpg").exists()  # to see what was wrong
    assert stored(cli) == []
    assert decided_at(cli_url) == before  # not decided again either


def test_a_broken_rule_in_json(cli: Cli, sam: str, photo_file: Path) -> None:
    data = json_error(cli("measure-photo", sam, "--side", "left", photo_file, "--points",
                          LIFTED, "--json"), EXIT_INPUT, "PhotoRejectedError")
    assert data["field"] == "photo"
    assert data["value"] == "heel_down"
    assert data["stored"] is None
    assert data["reading"]["ok"] is False
    assert stored(cli) == []


def test_a_heel_nobody_could_check_is_not_stored_without_heel_checked(
        cli: Cli, cli_url: str, sam: str, photo_file: Path) -> None:
    before, decided = stored(cli), decided_at(cli_url)
    r = refused(cli("measure-photo", sam, "--side", "left", photo_file, "--points",
                    NO_BACK_TOE), EXIT_INPUT, "Left lunge angle: 22.5°",
                "? We could not check that the heel stays down", "Not stored:",
                "run again with --heel-checked")
    assert "Stored for" not in r.text
    assert stored(cli) == before == []
    assert decided_at(cli_url) == decided
    data = json_error(cli("measure-photo", sam, "--side", "left", photo_file, "--points",
                          NO_BACK_TOE, "--json"), EXIT_INPUT, "HeelUncheckedError")
    assert data["field"] == "heel_checked"
    assert data["stored"] is None
    assert stored(cli) == []


def test_a_heel_confirmed_by_eye_is_stored_with_a_note(cli: Cli, sam: str,
                                                       photo_file: Path) -> None:
    r = ok(cli("measure-photo", sam, "--side", "left", photo_file, "--points", NO_BACK_TOE,
               "--heel-checked", "--date", WHEN.isoformat()))
    assert f"Stored for sam on {WHEN}: left lunge angle 22.5°" in r.text
    [m] = stored(cli)
    assert m["value"] == 22.5
    assert "Heel confirmed down by eye" in m["notes"]
    assert "not checked: knee bent, front leg." in m["notes"]


def test_heel_checked_does_not_override_a_heel_the_photo_shows_lifted(
        cli: Cli, sam: str, photo_file: Path) -> None:
    refused(cli("measure-photo", sam, "--side", "left", photo_file, "--points", LIFTED,
                "--heel-checked"), EXIT_INPUT, "✗ The heel is lifted", "Not stored")
    assert stored(cli) == []


def test_a_shin_that_does_not_lean_forward_is_not_a_lunge(cli: Cli, sam: str,
                                                          photo_file: Path) -> None:
    upright = "knee=310,150 ankle=250,450 heel=170,500 toe=380,515 back-toe=60,505"
    refused(cli("measure-photo", sam, "--side", "left", photo_file, "--points", upright),
            EXIT_INPUT, "✗ The shin leans only", "15° to 65°", "Not stored")
    behind = "knee=200,150 ankle=250,450 heel=170,500 toe=380,515 back-toe=60,505"
    refused(cli("measure-photo", sam, "--side", "left", photo_file, "--points", behind),
            EXIT_INPUT, "✗ The front knee is not ahead of the ankle", "knee-to-wall lunge")
    assert stored(cli) == []


@needs_mediapipe
def test_two_people_are_refused_with_how_to_pick_one(cli: Cli, cli_url: str, sam: str,
                                                     tmp_path: Path) -> None:
    two = tmp_path / "two.jpg"
    two.write_bytes(jpeg(two_people()))  # SYNTHETIC scene of the real portrait twice
    before, decided = stored(cli), decided_at(cli_url)
    r = refused(cli("measure-photo", sam, "--side", "left", two), EXIT_INPUT,
                "2 people are in this picture", "number 1 (the largest) on the left",
                "number 2 on the right", "Crop it to the person being tested",
                "--person N")
    assert "Stored for" not in r.text
    data = json_error(cli("measure-photo", sam, "--side", "left", two, "--json"), EXIT_INPUT,
                      "ManyPeopleError")
    assert (data["field"], data["value"]) == ("person", 2)
    # person 2 is found and measured: her legs are not in the picture, so it is refused too
    refused(cli("measure-photo", sam, "--side", "left", two, "--person", "2"), EXIT_INPUT,
            "not clearly visible", "Not stored")
    refused(cli("measure-photo", sam, "--side", "left", two, "--person", "3"), EXIT_INPUT,
            "There is no person 3 in this picture")
    assert stored(cli) == before == []
    assert decided_at(cli_url) == decided


def test_person_is_not_taken_with_points(cli: Cli, sam: str, photo_file: Path) -> None:
    refused(cli("measure-photo", sam, "--side", "left", photo_file, "--points", LUNGE,
                "--person", "2"), EXIT_INPUT, "--person")
    assert stored(cli) == []


@needs_mediapipe
def test_the_model_finds_a_real_person_and_the_test_rules_refuse_it(
        cli: Cli, sam: str, photo_file: Path) -> None:
    before = stored(cli)
    refused(cli("measure-photo", sam, "--side", "left", photo_file), EXIT_INPUT,
            "not measured", "✗ The knee, ankle, heel and toe are not clearly visible",
            "Not stored")
    assert stored(cli) == before == []
    data = json_error(cli("measure-photo", sam, "--side", "left", photo_file, "--json"),
                      EXIT_INPUT, "PhotoRejectedError")
    assert "visible" in data["value"]
    assert data["reading"]["points"]["knee"][1] > 600  # guessed below the picture's edge
    assert stored(cli) == []


@needs_mediapipe
def test_a_picture_with_nobody_in_it(cli: Cli, sam: str, tmp_path: Path) -> None:
    grey = tmp_path / "grey.png"
    grey.write_bytes(grey_image())  # SYNTHETIC: a flat grey picture
    refused(cli("measure-photo", sam, "--side", "left", grey), EXIT_INPUT,
            "grey.png: no person was found in this picture", "--points")
    assert stored(cli) == []


def test_without_the_extra_it_says_how_to_enable_it(
        cli: Cli, sam: str, photo_file: Path, no_mediapipe: Any) -> None:
    r = cli("measure-photo", sam, "--side", "left", photo_file)
    assert r.code != 0
    assert "pip install 'anklet[vision]'" in r.text
    assert "by hand" in r.text
    data = json_error(cli("measure-photo", sam, "--side", "left", photo_file, "--json"),
                      r.code, "VisionUnavailableError")
    assert "pip install 'anklet[vision]'" in data["message"]
    assert stored(cli) == []


@pytest.mark.parametrize(("content", "words"), [
    (b"", "the file is empty"),
    (b"knee fine, ankle stiff\n" * 40, "not a photo we can read"),
])
def test_bad_files_are_refused(cli: Cli, sam: str, tmp_path: Path, content: bytes,
                               words: str) -> None:
    bad = tmp_path / "lunge.jpg"
    bad.write_bytes(content)
    refused(cli("measure-photo", sam, "--side", "left", bad, "--points", LUNGE), EXIT_INPUT,
            words)
    assert stored(cli) == []


def test_a_cut_short_photo(cli: Cli, sam: str, photo_file: Path) -> None:
    photo_file.write_bytes(real_photo_bytes()[:20000])
    refused(cli("measure-photo", sam, "--side", "left", photo_file, "--points", LUNGE),
            EXIT_INPUT, "lunge.jpg: the file looks damaged or cut short")
    assert stored(cli) == []


def test_a_missing_photo(cli: Cli, sam: str, tmp_path: Path) -> None:
    refused(cli("measure-photo", sam, "--side", "left", tmp_path / "nope.jpg"), EXIT_INPUT,
            "PHOTO", "nope.jpg", "an existing photo")
    data = json_error(cli("measure-photo", sam, "--side", "left", tmp_path / "nope.jpg",
                          "--json"), EXIT_INPUT, "InputError")
    assert data["field"] == "PHOTO"


def test_a_bad_side(cli: Cli, sam: str, photo_file: Path) -> None:
    refused(cli("measure-photo", sam, "--side", "middle", photo_file), 2, "middle")
    data = json_error(cli("measure-photo", sam, "--side", "middle", photo_file, "--json"), 2,
                      "UsageError")
    assert "left" in data["message"]
    assert "right" in data["message"]


def test_an_unknown_person_is_refused_before_the_model_runs(cli: Cli, photo_file: Path) -> None:
    refused(cli("measure-photo", "nobody", "--side", "left", photo_file, "--points", LUNGE),
            EXIT_NOT_FOUND, "nobody")
    assert not photo_file.with_name("lunge-measured.jpg").exists()


@pytest.mark.parametrize(("points", "words"), [
    ("knee=330,150 ankle=250,450 heel=170,500", "(toe missing)"),
    ("knee=330,150 ankle=250,450 heel=170,500 toe=900,515", "inside the 512×600 picture"),
    ("knee=330,150 ankle=250 heel=170,500 toe=380,515", "NAME=X,Y"),
    ("knee=330,150 knee=1,1 ankle=250,450 heel=170,500 toe=380,515", "each point once"),
    ("knee=330,150 ankle=250,450 heel=170,500 toe=380,515 hip=1,1", "back-toe"),
])
def test_bad_points_are_refused(cli: Cli, sam: str, photo_file: Path, points: str,
                                words: str) -> None:
    refused(cli("measure-photo", sam, "--side", "left", photo_file, "--points", points),
            EXIT_INPUT, words)
    assert stored(cli) == []


def test_an_output_that_cannot_be_written(cli: Cli, sam: str, photo_file: Path,
                                          tmp_path: Path) -> None:
    refused(cli("measure-photo", sam, "--side", "left", photo_file, "--points", LUNGE,
                "--out", tmp_path / "no-such-folder" / "x.jpg"), EXIT_INPUT, "out", "--out")
    assert stored(cli) == []


def test_a_bad_date_or_pain(cli: Cli, sam: str, photo_file: Path) -> None:
    refused(cli("measure-photo", sam, "--side", "left", photo_file, "--points", LUNGE,
                "--date", "2026-13-01"), EXIT_INPUT, "date", "YYYY-MM-DD")
    refused(cli("measure-photo", sam, "--side", "left", photo_file, "--points", LUNGE,
                "--pain", "11"), EXIT_INPUT, "pain", "0 to 10")
    assert stored(cli) == []
