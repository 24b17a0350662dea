"""Measuring the ankle bend from a side photo, in the browser: upload, place the points by
tapping, drag one with the mouse and watch the angle follow, save, find it on the person page;
the same on a phone; and the browser's geometry (static/photo.js) against the Python domain's
on the same points, so the two cannot drift apart.

The picture uploaded is a drawing made here with Pillow (a leg in a lunge, in lines): it stands
in for a photo only where the points are placed by hand. The real photograph (matplotlib's
Grace Hopper portrait) is uploaded too, to see the page say plainly that her legs are not in it.
"""

from __future__ import annotations

import io
import math
import random
import re
from pathlib import Path
from typing import Any

import pytest
from browsertools import PASSWORD, Pages, Server, make_client, make_coach, no_sideways_scroll, shot
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from anklet.domain.errors import InputError
from anklet.domain.measures import MeasureKind, Method
from anklet.domain.photo import Landmark, Leg, read_leg
from anklet.domain.units import Side
from anklet.vision.images import MAX_UPLOAD_BYTES

COACH = ("Casey Camera", "casey@photo.example")
SIZE = (900, 700)
# where the drawing's joints are (image pixels): a left-leg lunge facing right, heel down
JOINTS = {"knee": (560, 200), "ankle": (430, 540), "heel": (380, 590), "toe": (620, 590),
          "back_toe": (130, 590)}
NAMES = ("knee", "ankle", "heel", "toe", "back_toe")


def _drawing() -> bytes:
    """A lunge drawn in lines: wall, floor, the front leg and the back foot."""
    im = Image.new("RGB", SIZE, (236, 232, 224))
    d = ImageDraw.Draw(im)
    d.rectangle([760, 0, 900, 600], fill=(208, 200, 188))  # the wall
    d.rectangle([0, 596, 900, 700], fill=(150, 130, 110))  # the floor
    j = JOINTS
    d.line([(300, 120), j["knee"]], fill=(60, 80, 120), width=46)  # thigh
    d.line([j["knee"], j["ankle"]], fill=(60, 80, 120), width=40)  # shin
    d.polygon([j["heel"], (j["ankle"][0] - 20, j["ankle"][1] - 10), (470, 540), j["toe"]],
              fill=(40, 40, 40))  # shoe
    d.line([(300, 120), (200, 420), (170, 560)], fill=(60, 80, 120), width=40)  # back leg
    d.polygon([(150, 590), (170, 550), (200, 560), j["back_toe"]], fill=(40, 40, 40))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _sign_in(page: Any, server: str) -> None:
    page.goto(server + "/sign-in")
    page.get_by_label("Email").fill(COACH[1])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server + "/coach")


@pytest.fixture(scope="module")
def coach(server: Server) -> str:
    make_coach(server, COACH[1], COACH[0])
    return COACH[1]


def _to_screen(page: Any, x: float, y: float) -> tuple[float, float]:
    """Image pixels to the page's viewport coordinates (what the mouse and taps use)."""
    q = page.evaluate("""([x, y]) => {
        const svg = document.querySelector("svg.photo-svg");
        const p = svg.createSVGPoint(); p.x = x; p.y = y;
        const s = p.matrixTransform(svg.getScreenCTM());
        return [s.x, s.y];
    }""", [x, y])
    return float(q[0]), float(q[1])


def _placed(page: Any) -> dict[str, tuple[float, float] | None]:
    """The points as the save form will send them."""
    out: dict[str, tuple[float, float] | None] = {}
    for n in NAMES:
        x = page.locator(f"input[name={n}_x]").input_value()
        y = page.locator(f"input[name={n}_y]").input_value()
        out[n] = (float(x), float(y)) if x and y else None
    return out


def _python(points: dict[str, tuple[float, float] | None], side: Side = Side.LEFT) -> Any:
    leg = Leg(**{n: Landmark(*p) for n in NAMES[:4] if (p := points[n]) is not None})
    back = points["back_toe"]
    if back is None:
        return read_leg(side, leg)
    toe = Landmark(*back)
    return read_leg(side, leg, floor=toe, other=Leg(toe, toe, toe, toe))


def _file_input(page: Any) -> Any:
    """The file field: "Photo", or "Photo or video" where the model can look through one."""
    return page.get_by_label(re.compile(r"^Photo( or video)?$"))


def _upload(page: Any, server: str, key: str, data: bytes, *, side: str = "Left",
            name: str = "lunge.jpg") -> None:
    page.goto(f"{server}/people/{key}/photo")
    page.get_by_role("radio", name=side, exact=True).check()
    _file_input(page).set_input_files(
        {"name": name, "mimeType": "image/jpeg", "buffer": data})
    with page.expect_response(f"{server}/people/{key}/photo"):
        page.locator("form.photo-upload button").click()
    expect(page.locator("svg.photo-svg")).to_be_visible()


def _tap_points(page: Any, points: dict[str, tuple[float, float]], *, touch: bool = False
                ) -> None:
    page.locator("svg.photo-svg").scroll_into_view_if_needed()
    prompt = page.locator("[data-prompt]")
    if not prompt.is_visible():
        page.get_by_role("button", name="Place the points again").click()
    for i, n in enumerate(NAMES):
        expect(prompt).to_contain_text(f"Point {i + 1} of")
        x, y = _to_screen(page, *points[n])
        if touch:
            page.touchscreen.tap(x, y)
        else:
            page.mouse.click(x, y)
    expect(prompt).to_be_hidden()


def _angle_text(page: Any) -> str:
    return str(page.locator("[data-angle]").inner_text())


def test_a_coach_measures_from_a_photo_and_drags_a_point(server: Server, pages: Pages,
                                                         coach: str, tmp_path: Path) -> None:
    key, _ = make_client(server, coach_email=coach, name="Robin Photo")
    page = pages.desktop()
    _sign_in(page, server)
    page.goto(f"{server}/people/{key}")
    page.get_by_role("link", name="Ankle bend from a photo").click()
    page.wait_for_url(f"{server}/people/{key}/photo")
    assert page.get_by_text("Your photo is not stored.").is_visible()
    shot(page, "photo-upload-desktop")

    # a file over the limit is refused in place, before anything is sent. It is handed over
    # as a file on disk (sparse: no 15 MB written), which Playwright gives the local browser
    # by its path; as a 15 MB buffer it was copied through the driver, which took over 10 s
    # on a busy machine
    huge = tmp_path / "huge.jpg"
    with huge.open("wb") as f:
        f.truncate(MAX_UPLOAD_BYTES + 1)
    page.get_by_role("radio", name="Left", exact=True).check()
    _file_input(page).set_input_files(huge)
    expect(page.locator("#e-photo")).to_have_text(
        "This file is 15.0 MB; photos up to 15 MB are accepted. Your phone's normal camera size "
        "is fine.")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.locator("form.photo-upload button").click()
    # the form's submit handler held it back: it puts the focus on the file field (no fixed
    # wait: a busy machine may take any time, and this is what the handler does when it stops)
    expect(_file_input(page)).to_be_focused()
    assert posts == []
    assert page.url == f"{server}/people/{key}/photo"

    _upload(page, server, key, _drawing())
    # a drawing has no person in it: the page says so and asks for the points by hand
    assert page.get_by_text("Place the points yourself").is_visible()
    expect(page.locator("[data-prompt]")).to_contain_text("Point 1 of 4")
    expect(page.locator("[data-save]")).to_be_disabled()
    _tap_points(page, {n: (float(x), float(y)) for n, (x, y) in JOINTS.items()})

    first = _python(_placed(page))  # type: ignore[arg-type]
    assert first.ok, [c.message for c in first.problems]
    expect(page.locator("[data-angle]")).to_have_text(f"{first.angle:.1f}°")
    expect(page.locator("[data-cm]")).to_have_text(f"about {first.cm:.1f} cm knee-to-wall")
    for c in first.checks:
        expect(page.locator(f"[data-check={c.name}]")).to_have_text(
            ("✓" if c.passed else "✗" if c.passed is False else "?") + c.message)
    expect(page.locator("[data-save]")).to_be_enabled()
    shot(page, "photo-measure-desktop")

    # drag the knee further forward with the mouse: the angle follows as it moves
    kx, ky = _to_screen(page, *JOINTS["knee"])
    tx, ty = _to_screen(page, 620, 215)
    page.mouse.move(kx, ky)
    page.mouse.down()
    page.mouse.move((kx + tx) / 2, (ky + ty) / 2, steps=4)
    halfway = _angle_text(page)
    page.mouse.move(tx, ty, steps=4)
    page.mouse.up()
    after = _python(_placed(page))  # type: ignore[arg-type]
    assert after.angle > first.angle + 5
    expect(page.locator("[data-angle]")).to_have_text(f"{after.angle:.1f}°")
    assert halfway not in (f"{first.angle:.1f}°", f"{after.angle:.1f}°")  # live, mid-drag
    knee = _placed(page)["knee"]
    assert knee is not None
    assert math.hypot(knee[0] - 620, knee[1] - 215) < 2

    # the keyboard moves a focused point too
    page.locator("g.handle[data-point=knee]").focus()
    page.keyboard.press("Shift+ArrowLeft")
    moved = _placed(page)["knee"]
    assert moved is not None
    assert moved[0] < knee[0] - 5
    assert moved[1] == knee[1]
    expect(page.locator("[data-angle]")).to_have_text(
        f"{_python(_placed(page)).angle:.1f}°")  # type: ignore[arg-type]

    # a lifted heel breaks a rule: saving is held back, with the reason
    hx, hy = _to_screen(page, *JOINTS["heel"])
    page.mouse.move(hx, hy)
    page.mouse.down()
    page.mouse.move(hx, hy - 60, steps=3)
    page.mouse.up()
    expect(page.locator("[data-check=heel_down]")).to_contain_text("The heel is lifted")
    expect(page.locator("[data-save]")).to_be_disabled()
    expect(page.locator("[data-save-why]")).to_contain_text("A rule of the test is broken")
    shot(page, "photo-heel-lifted-desktop")

    # sent anyway (the button bypassed), the server reads the points itself and refuses
    lifted = _placed(page)
    with page.expect_response(f"{server}/people/{key}/photo/save") as answer:
        page.evaluate("document.querySelector('form.photo-save').submit()")
    assert answer.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text(
        "Nothing was saved: the photo breaks a rule of the test.")
    expect(page.get_by_role("alert")).to_contain_text("The heel is lifted")
    expect(page.locator("[data-prompt]")).to_be_hidden()  # the points as they were, not re-asked
    assert _placed(page) == lifted
    expect(page.locator("[data-check=heel_down]")).to_contain_text("The heel is lifted")
    shot(page, "photo-refused-desktop")
    hx, hy = _to_screen(page, *JOINTS["heel"])
    page.mouse.move(hx, hy - 60)
    page.mouse.down()
    page.mouse.move(hx, hy, steps=3)
    page.mouse.up()
    expect(page.locator("[data-save]")).to_be_enabled()

    sent = _placed(page)
    expected = _python(sent)  # type: ignore[arg-type]
    assert expected.ok
    page.get_by_role("button", name="Save the angle").click()
    page.wait_for_url(f"{server}/people/{key}")
    assert page.get_by_text(f"Saved: left lunge angle {expected.angle:.1f}°").is_visible()
    assert "Lunge angle" in page.locator("#history").inner_text()
    with server.ctx.uow() as uow:
        stored = [m for m in uow.people.get(key).measurements if m.method is Method.PHOTO]
    assert len(stored) == 1
    assert stored[0].kind is MeasureKind.LUNGE_ANGLE
    assert stored[0].value == round(expected.angle, 1)
    shot(page, "photo-saved-person-page")


def test_without_the_back_toe_saving_waits_for_the_heel_tick_box(server: Server, pages: Pages,
                                                                 coach: str) -> None:
    key, _ = make_client(server, coach_email=coach, name="Hollis Heel")
    page = pages.desktop()
    _sign_in(page, server)
    _upload(page, server, key, _drawing())
    page.locator("svg.photo-svg").scroll_into_view_if_needed()
    prompt = page.locator("[data-prompt]")
    for i, n in enumerate(NAMES[:4]):
        expect(prompt).to_contain_text(f"Point {i + 1} of")
        page.mouse.click(*_to_screen(page, *JOINTS[n]))
    expect(prompt).to_contain_text("Point 5 of")
    page.get_by_role("button", name="Skip it").click()
    expect(prompt).to_be_hidden()
    expect(page.locator("[data-check=heel_down]")).to_contain_text(
        "We could not check that the heel stays down")
    box = page.get_by_label("I checked by eye that the heel stayed down")
    expect(box).to_be_visible()
    expect(box).not_to_be_checked()
    expect(page.locator("[data-save]")).to_be_disabled()
    expect(page.locator("[data-save-why]")).to_contain_text("Tick the box above")
    shot(page, "photo-heel-tick-box-desktop")
    box.check()
    expect(page.locator("[data-save]")).to_be_enabled()
    expect(page.locator("[data-save-why]")).to_be_hidden()
    page.get_by_role("button", name="Save the angle").click()
    page.wait_for_url(f"{server}/people/{key}")
    with server.ctx.uow() as uow:
        stored = [m for m in uow.people.get(key).measurements if m.method is Method.PHOTO]
    assert len(stored) == 1
    assert stored[0].notes is not None
    assert "Heel confirmed down by eye" in stored[0].notes


def test_measuring_on_a_phone(server: Server, pages: Pages, coach: str) -> None:
    key, _ = make_client(server, coach_email=coach, name="Pip Phone")
    page = pages.phone()
    _sign_in(page, server)
    page.goto(f"{server}/people/{key}/photo")
    no_sideways_scroll(page)
    shot(page, "photo-upload-phone")
    _upload(page, server, key, _drawing())
    no_sideways_scroll(page)
    _tap_points(page, {n: (float(x), float(y)) for n, (x, y) in JOINTS.items()}, touch=True)
    first = _python(_placed(page))  # type: ignore[arg-type]
    expect(page.locator("[data-angle]")).to_have_text(f"{first.angle:.1f}°")

    # drag the knee with a finger (real touch events, as a phone sends them)
    cdp = page.context.new_cdp_session(page)
    scrolled = page.evaluate("window.scrollY")
    kx, ky = _to_screen(page, *JOINTS["knee"])
    tx, ty = _to_screen(page, 600, 150)  # up: a swipe that would scroll the page down
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": kx, "y": ky}]})
    for i in range(1, 6):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
            {"x": kx + (tx - kx) * i / 5, "y": ky + (ty - ky) * i / 5}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    reading = _python(_placed(page))  # type: ignore[arg-type]
    assert reading.angle > first.angle + 2
    expect(page.locator("[data-angle]")).to_have_text(f"{reading.angle:.1f}°")
    assert page.evaluate("window.scrollY") == scrolled  # the page did not scroll under the finger
    no_sideways_scroll(page)
    shot(page, "photo-measure-phone")
    page.get_by_role("button", name="Save the angle").tap()
    page.wait_for_url(f"{server}/people/{key}")
    assert page.get_by_text(f"Saved: left lunge angle {reading.angle:.1f}°").is_visible()


def test_the_real_photograph_says_the_legs_are_not_in_it(server: Server, pages: Pages,
                                                          coach: str) -> None:
    cbook = pytest.importorskip("matplotlib.cbook")
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        data = f.read()
    key, _ = make_client(server, coach_email=coach, name="Grace Example")
    page = pages.phone()
    _sign_in(page, server)
    _upload(page, server, key, data, side="Right", name="grace_hopper.jpg")
    status = page.locator(".photo-status")
    try:
        import anklet.vision.pose as pose

        found = pose.available()
    except ImportError:  # pragma: no cover - the vision package is part of the core
        found = False
    if found:
        expect(status).to_contain_text("A person was found, but not their right knee")
    else:
        expect(status).to_contain_text("Finding the points automatically is not installed")
    expect(page.locator("[data-prompt]")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, "photo-real-photograph-phone")


def test_a_video_chosen_in_the_browser_reaches_the_server(server: Server, pages: Pages,
                                                          coach: str) -> None:
    """A real MP4 of the real portrait (filmed as a still, 2 s): chosen in the file field and
    sent, the server looks through it with the model and refuses it in place, since no
    moment shows a lunge (her legs are not in it); without the model it says a video cannot
    be used here and asks for a photo. Nothing is stored either way (the
    measurements are as the client was made with)."""
    pytest.importorskip("cv2", reason="OpenCV (the [vision] extra) writes the test video")
    from phototools import real_photo, write_video

    clip = write_video([real_photo()] * 20, fps=10)
    key, _ = make_client(server, coach_email=coach, name="Vera Video")
    with server.ctx.uow() as uow:
        before = uow.people.get(key).measurements  # the assessment make_client records
    page = pages.desktop()
    _sign_in(page, server)
    page.goto(f"{server}/people/{key}/photo")
    page.get_by_role("radio", name="Right", exact=True).check()
    _file_input(page).set_input_files({"name": "lunge.mp4", "mimeType": "video/mp4",
                                       "buffer": clip})
    expect(page.locator("#e-photo")).to_be_hidden()  # a video is not refused by the browser
    import anklet.vision.pose as pose

    with page.expect_response(f"{server}/people/{key}/photo") as answer:
        page.locator("form.photo-upload button").click()
    if pose.available():
        assert answer.value.status == 422  # no moment of it shows a lunge: refused in place
        expect(page.locator("#e-photo")).to_contain_text(
            "lunge.mp4: no moment of this video shows a knee-to-wall lunge of the right leg")
        expect(page.locator("#e-photo")).to_contain_text("not clearly visible")
        shot(page, "photo-video-no-lunge-desktop")
    else:
        assert answer.value.status == 422
        expect(page.locator("#e-photo")).to_contain_text("lunge.mp4 is a video.")
        shot(page, "photo-video-without-model-desktop")
    with server.ctx.uow() as uow:
        assert uow.people.get(key).measurements == before


# --- the browser's geometry against the domain's --------------------------------------------


def _cases() -> list[dict[str, Any]]:
    """Points across the range a lunge gives, turned by camera roll, facing either way, and
    the edges: each check's tolerance, unsure points, no back toe, points that make no leg."""
    rng = random.Random(6)
    cases: list[dict[str, Any]] = []

    def lunge(angle: float, roll: float, facing: int, *, heel_lift: float = 0.0,
              foot: float = 160.0, shank: float = 260.0, back: float | None = -1.6,
              vis: tuple[float, ...] = (1, 1, 1, 1, 1), side: str = "left",
              bend: float | None = None, hip_vis: float = 1.0) -> dict[str, Any]:
        r, a = math.radians(roll), math.radians(angle)
        ax, ay = 400.0, 500.0

        def turn(dx: float, dy: float) -> tuple[float, float]:
            return (ax + dx * math.cos(r) - dy * math.sin(r),
                    ay + dx * math.sin(r) + dy * math.cos(r))

        lift = math.radians(heel_lift)
        heel = (-0.25 * foot * facing, 40.0)
        toe_x = heel[0] + foot * facing * math.cos(lift)
        toe_y = heel[1] + foot * math.sin(lift)
        points = {"knee": turn(shank * math.sin(a) * facing, -shank * math.cos(a)),
                  "ankle": turn(0, 0), "heel": turn(*heel), "toe": turn(toe_x, toe_y)}
        points["back_toe"] = None if back is None else turn(toe_x + back * foot * facing, toe_y)
        hip = None
        if bend is not None:  # the thigh turned `bend` degrees back from the line of the shank
            b = math.radians(angle - bend)
            kx, ky = shank * math.sin(a) * facing, -shank * math.cos(a)
            hip = [*turn(kx + 300 * math.sin(b) * facing, ky - 300 * math.cos(b)), hip_vis]
        return {"side": side, "points": points, "vis": dict(zip(NAMES, vis, strict=True)),
                "hip": hip}

    for angle in range(0, 61, 4):
        for roll in (-10.0, -3.3, 0.0, 7.5, 10.0):
            cases.append(lunge(angle + rng.random(), roll, rng.choice((1, -1))))
    for lift in (0.0, 4.4, 4.5, 4.6, 9.0, -6.0):  # around the heel tolerance, and a toe up
        cases.append(lunge(30, 3.0, 1, heel_lift=lift))
    for ratio in (0.5, 0.549, 0.55, 0.551, 0.7):  # around the side-on tolerance
        cases.append(lunge(25, -2.0, -1, foot=260 * ratio))
    for back in (None, -0.3, -0.5, 0.03, -0.03, 0.4, 1.0):  # no floor point, short, in front
        cases.append(lunge(35, 0.0, 1, back=back))
    for vis in ((0.2, 1, 1, 1, 1), (0.5, 0.49, 0.3, 1, 1), (1, 1, 1, 1, 0.1),
                (0.999, 0.61, 0.5, 0.77, 0.5)):
        cases.append(lunge(20, 5.0, 1, vis=vis))
    cases.append(lunge(-12, 0.0, 1))  # the knee behind the ankle
    for angle in (-0.1, 0.0, 0.1, 14.9, 15.0, 15.1, 64.9, 65.0, 65.1, 90.0):  # the lunge range
        cases.append(lunge(angle, 4.0, rng.choice((1, -1))))
    for bend in (0.0, 29.9, 30.0, 30.1, 75.0):  # around the knee bend, with the hip known
        cases.append(lunge(30, -5.0, rng.choice((1, -1)), bend=bend))
    cases.append(lunge(30, 0.0, 1, bend=5.0, hip_vis=0.4))  # an unsure hip
    cases.append(lunge(30, 0.0, 1, side="right"))
    for _ in range(40):  # anything at all
        cases.append({"side": rng.choice(("left", "right")),
                      "points": {n: (rng.uniform(0, 900), rng.uniform(0, 700)) for n in NAMES},
                      "vis": {n: rng.choice((1.0, rng.random())) for n in NAMES},
                      "hip": rng.choice((None, [rng.uniform(0, 900), rng.uniform(0, 700),
                                                rng.random()]))})
    same = lunge(30, 0.0, 1)  # the knee on the ankle, the toe on the heel
    cases.append({**same, "points": {**same["points"], "knee": same["points"]["ankle"]}})
    cases.append({**same, "points": {**same["points"], "toe": same["points"]["heel"]}})
    return cases


def _domain(case: dict[str, Any]) -> dict[str, Any]:
    p, v = case["points"], case["vis"]
    side = Side(case["side"])
    try:
        hip = None if case["hip"] is None else Landmark(*case["hip"])
        leg = Leg(**{n: Landmark(*p[n], v[n]) for n in NAMES[:4]}, hip=hip)
        back = None if p["back_toe"] is None else Landmark(*p["back_toe"], v["back_toe"])
        reading = (read_leg(side, leg) if back is None
                   else read_leg(side, leg, floor=back, other=Leg(back, back, back, back)))
    except InputError:
        return {"error": True}
    return {"angle": reading.angle, "roll": reading.roll, "cm": reading.cm, "ok": reading.ok,
            "checks": [[str(c.name), c.passed, c.message] for c in reading.checks]}


BROWSER = """([cases, constants]) => cases.map((c) => {
    const pt = (n) => c.points[n] ? {x: c.points[n][0], y: c.points[n][1], v: c.vis[n]} : null;
    const leg = {knee: pt("knee"), ankle: pt("ankle"), heel: pt("heel"), toe: pt("toe")};
    const hip = c.hip ? {x: c.hip[0], y: c.hip[1], v: c.hip[2]} : null;
    const r = window.AnkletPhoto.readLeg(c.side, leg, pt("back_toe"), constants, hip);
    if (r.error) return {error: true};
    return {angle: r.angle, roll: r.roll, cm: r.cm, ok: r.ok,
            checks: r.checks.map((k) => [k.name, k.passed, k.message])};
})"""


def test_the_browser_reads_points_exactly_as_the_domain_does(server: Server, pages: Pages,
                                                             coach: str) -> None:
    key, _ = make_client(server, coach_email=coach, name="Drift Check")
    page = pages.desktop()
    _sign_in(page, server)
    _upload(page, server, key, _drawing())
    cases = _cases()
    # the constants the page itself hands photo.js (from the Python module)
    constants = page.evaluate("JSON.parse(document.getElementById('photo-data').textContent)"
                              ".constants")
    got = page.evaluate(BROWSER, [cases, constants])
    assert len(got) == len(cases) > 100
    checked = {"ok": 0, "failed": 0, "unknown": 0}
    for case, js in zip(cases, got, strict=True):
        py = _domain(case)
        where = f"{case['side']} {case['points']} {case['vis']}"
        if "error" in py:
            assert js == {"error": True}, where
            continue
        assert "error" not in js, where
        assert abs(js["angle"] - py["angle"]) < 1e-6, where  # the brief asks 0.1°; far closer
        assert abs(js["roll"] - py["roll"]) < 1e-6, where
        assert abs(js["cm"] - py["cm"]) < 1e-6, where
        assert js["ok"] == py["ok"], where
        assert js["checks"] == py["checks"], where  # the same verdicts in the same words
        for _, passed, _ in py["checks"]:
            checked["ok" if passed else "failed" if passed is False else "unknown"] += 1
    assert all(n > 10 for n in checked.values()), checked  # every kind of verdict was compared
    assert re.fullmatch(r"[\d.]+°", _angle_text(page)) is None  # nothing placed yet: a dash
