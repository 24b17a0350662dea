"""The exercise pictures: one for every exercise, valid SVG, inside its box, on the floor,
the moving part marked, and the ball of foot release never under the heel."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from anklet.domain.exercises import Category, load_library
from anklet.web import illustrations as il

LIB = load_library()
IDS = [e.id for e in LIB.exercises]
NS = "{http://www.w3.org/2000/svg}"


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, w, h = map(float, root.attrib["viewBox"].split())
    return x, y, w, h


def drawn_points(root: ET.Element) -> list[tuple[float, float]]:
    """Every coordinate an element of the picture draws (circles by their extremes)."""
    pts: list[tuple[float, float]] = []
    for el in root.iter():
        tag = el.tag.removeprefix(NS)
        a = el.attrib
        if tag == "line":
            pts += [(float(a["x1"]), float(a["y1"])), (float(a["x2"]), float(a["y2"]))]
        elif tag == "circle":
            cx, cy, r = float(a["cx"]), float(a["cy"]), float(a["r"])
            pts += [(cx - r, cy - r), (cx + r, cy + r)]
        elif tag == "polygon":
            pts += [tuple(map(float, p.split(","))) for p in a["points"].split()]  # type: ignore[misc]
        elif tag == "path" and "marker-end" in a:  # arrows (marker shapes live in <defs>)
            nums = list(map(float, re.findall(r"-?\d+(?:\.\d+)?", a["d"])))
            pts += list(zip(nums[::2], nums[1::2], strict=True))
        elif tag == "text":
            pts.append((float(a["x"]), float(a["y"])))
    return pts


@pytest.mark.parametrize("exercise_id", IDS)
def test_picture_renders_as_valid_svg_for_every_exercise(exercise_id: str) -> None:
    served = il.svg_for(exercise_id)
    root = ET.fromstring(served.svg)
    assert root.tag == f"{NS}svg"
    x, y, w, h = view_box(root)
    assert (x, y) == (0, 0)
    assert w > 0
    assert h > 0
    name = LIB.get(exercise_id).name
    title = root.find(f"{NS}title")
    desc = root.find(f"{NS}desc")
    assert title is not None
    assert title.text == name
    assert desc is not None
    assert desc.text
    assert name in desc.text
    assert "orange" in desc.text
    assert "thicker" in desc.text
    assert len(served.svg.encode()) < 8000  # a few KB
    assert "http" not in served.svg.replace("http://www.w3.org/2000/svg", "")  # no downloads
    # presentation attributes only: the PDF renderer ignores much of a <style> sheet in SVG
    assert root.find(f".//{NS}style") is None


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_drawn_point_lies_inside_the_view_box(exercise_id: str) -> None:
    root = ET.fromstring(il.svg_for(exercise_id).svg)
    _, _, w, h = view_box(root)
    outside = [(px, py) for px, py in drawn_points(root)
               if not (0 <= px <= w and 0 <= py <= h)]
    assert not outside


@pytest.mark.parametrize("exercise_id", IDS)
def test_figure_stays_in_its_panel_and_above_the_floor(exercise_id: str) -> None:
    pic = il.layout(exercise_id)
    assert [p.label for p in pic.panels]
    assert len(pic.panels) == 2
    for i, panel in enumerate(pic.panels):
        for name, (x, y) in panel.joints.items():
            assert i * il.PANEL_W <= x <= (i + 1) * il.PANEL_W, (name, x)
            # a joint's centre may sit half a limb's width on the floor line, never under it
            assert y <= il.FLOOR + 0.5, (panel.label, name, y)
        for (_, cy), r in panel.balls:
            assert cy + r <= il.FLOOR + 0.5


@pytest.mark.parametrize("exercise_id", IDS)
def test_moving_part_is_drawn_thicker_and_in_its_colour(exercise_id: str) -> None:
    root = ET.fromstring(il.svg_for(exercise_id).svg)
    widths: dict[str, list[float]] = {}
    for el in root.iter(f"{NS}line"):
        widths.setdefault(el.attrib.get("stroke", ""), []).append(
            float(el.attrib.get("stroke-width", "0")))
    moving = widths.get(il.MOVE, []) + [1e9 for el in root.iter(f"{NS}circle")
                                        if el.attrib.get("fill") == il.MOVE]
    assert moving, "nothing is marked as moving"
    ink = set(widths.get(il.INK, []))
    limbs = ink - {max(ink)} if len(ink) > 1 else ink  # the trunk is the widest dark line
    # colour is not the only cue: a moving limb is drawn wider than a still one
    assert max(moving) > max(limbs)


@pytest.mark.parametrize("exercise_id", [e.id for e in LIB.exercises
                                         if e.category is Category.FOOT_RELEASE])
def test_foot_release_ball_sits_under_the_forefoot_or_arch_never_the_heel(
        exercise_id: str) -> None:
    pic = il.layout(exercise_id)
    for panel in pic.panels:
        assert panel.balls, "foot release is drawn with its ball"
        heel, toe = panel.joints["near_heel"], panel.joints["near_toe"]
        ball_joint = panel.joints["near_ball"]
        axis = (toe[0] - heel[0], toe[1] - heel[1])
        length2 = axis[0] ** 2 + axis[1] ** 2
        for (cx, cy), r in panel.balls:
            t = ((cx - heel[0]) * axis[0] + (cy - heel[1]) * axis[1]) / length2
            # the heel pad is the back quarter of the foot: the ball is in front of it
            assert 0.35 <= t <= 1.0, (panel.label, t)
            assert cx > heel[0] + 0.3 * (ball_joint[0] - heel[0])
            assert cy > min(heel[1], toe[1])  # under the sole, not above the foot
            assert math.dist((cx, cy), heel) > r


def test_pictures_are_made_once_and_have_a_stable_etag() -> None:
    a, b = il.svg_for("ankle-circles"), il.svg_for("ankle-circles")
    assert a is b
    assert re.fullmatch(r'"[0-9a-f]{20}"', a.etag)
    assert il.picture("no-such-exercise") is None
    assert il.data_url("seated-arch-roll").startswith("data:image/svg+xml;base64,")


BASE = """
version: 1
poses:
  stand: {}
exercises:
"""


def every_other_entry(skip: str) -> str:
    return "".join(f"  {e.id}: {{start: stand, moves: [near_leg]}}\n" for e in LIB.exercises
                   if e.id != skip)


def test_knee_bending_backwards_is_refused_naming_the_exercise() -> None:
    text = BASE + every_other_entry("ankle-circles") + (
        "  ankle-circles: {start: stand, end: {near_thigh: 0, near_shank: 30}, "
        "moves: [near_leg]}\n")
    with pytest.raises(il.IllustrationError, match=r"'ankle-circles'.*end pose.*near knee "
                                                   r"bends -30"):
        il.parse(text, LIB)


def test_exercise_without_a_picture_is_named() -> None:
    with pytest.raises(il.IllustrationError, match="no picture for ankle-circles"):
        il.parse(BASE + every_other_entry("ankle-circles"), LIB)


def test_unknown_point_and_unknown_id_are_named() -> None:
    text = BASE + every_other_entry("ankle-circles") + (
        "  ankle-circles: {start: stand, moves: [near_leg], balls: [{at: near_elbowpit}]}\n")
    with pytest.raises(il.IllustrationError, match="'near_elbowpit' is not a point"):
        il.parse(text, LIB)
    text = BASE + every_other_entry("") + "  moon-walk: {start: stand, moves: [near_leg]}\n"
    with pytest.raises(il.IllustrationError, match="'moon-walk': no exercise has this id"):
        il.parse(text, LIB)
