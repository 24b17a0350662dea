"""The SVG charts: read back with an XML parser and checked against the data drawn."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from anklet.domain.exercises import load_library
from anklet.domain.history import (
    ExerciseLog,
    History,
    Intake,
    Measurement,
    Person,
    Screening,
    Session,
    SideHistory,
)
from anklet.domain.measures import MeasureKind
from anklet.domain.protocol import load_protocol
from anklet.domain.units import DEGREES_PER_CM, Side
from anklet.web import charts

PROTOCOL = load_protocol()
LIBRARY = load_library()
NS = {"s": "http://www.w3.org/2000/svg"}
START = dt.date(2026, 9, 7)  # a Monday
AS_OF = dt.date(2026, 11, 25)


def d(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def k2w(n: int, side: Side, value: float, **kw: object) -> Measurement:
    return Measurement(date=d(n), side=side, kind=MeasureKind.KNEE_TO_WALL, value=value, **kw)  # type: ignore[arg-type]


def lunge(n: int, side: Side, degrees: float) -> Measurement:
    return Measurement(date=d(n), side=side, kind=MeasureKind.LUNGE_ANGLE, value=degrees)


def history(name: str = "Ada Ankle", **kw: object) -> History:
    """Ada sprained her left ankle 120 days before the intake: she starts with the feet
    (stage 1), as the adherence charts below expect."""
    intake = Intake(date=START, left=SideHistory(sprains=1,
                                                 last_sprain=START - dt.timedelta(days=120)))
    return History(person=Person(id="ada", name=name), intake=intake,
                   screenings=[Screening(date=START)], **kw)  # type: ignore[arg-type]


def parse(svg: object) -> ET.Element:
    root = ET.fromstring(str(svg))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def points(root: ET.Element, cls: str) -> list[ET.Element]:
    return [c for c in root.iterfind(".//s:circle", NS)
            if cls in (c.get("class") or "").split()]


def all_text(root: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in root.iter()
                    if t.tag.endswith(("text", "title")))


def threshold_y(root: ET.Element, value: str) -> float:
    group = next(g for g in root.iterfind(".//s:g", NS)
                 if g.get("class") == "threshold" and g.get("data-value") == value)
    line = group.find("s:line", NS)
    assert line is not None
    assert line.get("y1") == line.get("y2")
    assert line.get("stroke-dasharray")
    return float(line.get("y1", "nan"))


MEASURED = history(measurements=[
    k2w(0, Side.LEFT, 6.0), k2w(0, Side.RIGHT, 11.0),
    k2w(14, Side.LEFT, 7.5), k2w(14, Side.RIGHT, 11.0),
    lunge(28, Side.LEFT, 36.0),  # 10 cm
    k2w(42, Side.LEFT, 9.0), k2w(42, Side.RIGHT, 10.5),
    Measurement(date=d(42), side=Side.LEFT, kind=MeasureKind.HEEL_RAISE, value=20),
])


# -- every chart ----------------------------------------------------------------------------


def every_chart(h: History) -> list[object]:
    return [charts.dorsiflexion_chart(h, PROTOCOL, as_of=AS_OF),
            charts.asymmetry_chart(h, PROTOCOL, as_of=AS_OF),
            charts.pain_chart(h, PROTOCOL, as_of=AS_OF),
            charts.adherence_chart(h, PROTOCOL, LIBRARY, as_of=AS_OF)]


@pytest.mark.parametrize("h", [history(), MEASURED], ids=["empty", "measured"])
def test_every_chart_is_an_accessible_svg_with_a_viewbox(h: History) -> None:
    for svg in every_chart(h):
        root = parse(svg)
        assert root.get("viewBox") == f"0 0 {charts.W} {charts.H}"
        assert root.get("role") == "img"
        label = root.get("aria-label") or ""
        assert "Ada Ankle" in label
        title = root.find("s:title", NS)
        assert title is not None
        assert title.text == label


def test_empty_history_shows_a_friendly_empty_state_in_each_chart() -> None:
    texts = [all_text(parse(svg)) for svg in every_chart(history())]
    assert "No measurements yet" in texts[0]
    assert "No measurements yet" in texts[1]
    assert "No sessions logged yet" in texts[2]
    assert "No sessions logged yet" in texts[3]
    for svg in every_chart(history()):
        root = parse(svg)
        assert not points(root, "point")
        assert root.find(".//s:polyline", NS) is None


def test_text_from_the_history_is_escaped() -> None:
    evil = '<script>alert("x")</script>'
    h = history(name=evil, measurements=[k2w(0, Side.LEFT, 8.0, notes=evil),
                                         k2w(0, Side.RIGHT, 9.0)],
                sessions=[Session(date=d(70), exercises=[ExerciseLog(exercise_id="toe-yoga")],
                                  pain_during=1, notes=evil)])
    for svg in every_chart(h):
        root = parse(svg)  # still well-formed XML
        assert root.find(".//s:script", NS) is None
        assert "<script>" not in str(svg)
        assert evil in (root.get("aria-label") or "")  # kept as text, not markup
    tips = [t.text for t in parse(every_chart(h)[0]).iterfind(".//s:circle/s:title", NS)]
    assert any(evil in (t or "") for t in tips)


# -- dorsiflexion ---------------------------------------------------------------------------


def test_dorsiflexion_draws_one_point_per_measurement_per_side() -> None:
    root = parse(charts.dorsiflexion_chart(MEASURED, PROTOCOL, as_of=AS_OF))
    left, right = points(root, "left"), points(root, "right")
    assert len(left) == 4  # three knee-to-wall and one lunge angle; heel raises are not drawn
    assert len(right) == 3
    assert [p.get("data-date") for p in left] == [d(n).isoformat() for n in (0, 14, 28, 42)]
    assert {p.get("fill") for p in right} == {charts.COLOURS[Side.RIGHT]}


def test_dorsiflexion_point_height_follows_its_value() -> None:
    root = parse(charts.dorsiflexion_chart(MEASURED, PROTOCOL, as_of=AS_OF))
    pts = points(root, "point")
    by_value = sorted(pts, key=lambda p: float(p.get("data-value", "nan")))
    ys = [float(p.get("cy", "nan")) for p in by_value]
    assert ys == sorted(ys, reverse=True)  # higher value, higher on the page (smaller y)
    assert ys[0] > ys[-1]
    xs = [float(p.get("cx", "nan")) for p in points(root, "left")]
    assert xs == sorted(xs)
    assert len(set(xs)) == len(xs)


def test_dorsiflexion_threshold_line_sits_at_the_protocols_threshold() -> None:
    root = parse(charts.dorsiflexion_chart(MEASURED, PROTOCOL, as_of=AS_OF))
    threshold = next(c.threshold for s in PROTOCOL.stages for c in s.gate
                     if c.metric == "dorsiflexion_cm")
    y = threshold_y(root, charts.num(threshold))
    # the converted lunge angle is exactly at the threshold (36° / 3.6 = 10 cm)
    lunge_pt = points(root, "converted")
    assert len(lunge_pt) == 1
    assert float(lunge_pt[0].get("cy", "nan")) == pytest.approx(y, abs=0.1)
    above = [p for p in points(root, "point") if float(p.get("data-value", "0")) > threshold]
    below = [p for p in points(root, "point") if float(p.get("data-value", "0")) < threshold]
    assert above
    assert below
    assert all(float(p.get("cy", "nan")) < y for p in above)
    assert all(float(p.get("cy", "nan")) > y for p in below)
    assert f"{charts.num(threshold)} cm" in all_text(root)


def test_dorsiflexion_threshold_comes_from_the_protocol_not_the_code() -> None:
    stages = list(PROTOCOL.stages)
    gate = [c.model_copy(update={"threshold": 12.5}) if c.metric == "dorsiflexion_cm" else c
            for c in stages[2].gate]
    stages[2] = stages[2].model_copy(update={"gate": gate})
    adjusted = PROTOCOL.model_copy(update={"stages": stages})
    root = parse(charts.dorsiflexion_chart(MEASURED, adjusted, as_of=AS_OF))
    groups = [g.get("data-value") for g in root.iterfind(".//s:g", NS)
              if g.get("class") == "threshold"]
    assert groups == ["12.5"]


def test_lunge_angle_points_are_converted_with_the_engines_relation_and_marked() -> None:
    root = parse(charts.dorsiflexion_chart(MEASURED, PROTOCOL, as_of=AS_OF))
    (pt,) = points(root, "converted")
    assert pt.get("data-side") == "left"
    assert float(pt.get("data-value", "nan")) == pytest.approx(36.0 / DEGREES_PER_CM, abs=0.05)
    assert pt.get("fill") == "#fff"  # hollow
    tip = pt.find("s:title", NS)
    assert tip is not None
    assert "lunge angle 36°" in (tip.text or "")
    assert "From lunge angle" in all_text(root)
    assert "lunge angles converted" in (root.get("aria-label") or "")
    # a chart with no lunge angle has no such legend entry
    plain = parse(charts.dorsiflexion_chart(history(measurements=[k2w(0, Side.LEFT, 8.0)]),
                                            PROTOCOL, as_of=AS_OF))
    assert "From lunge angle" not in all_text(plain)
    assert not points(plain, "converted")


def test_dorsiflexion_leaves_out_measurements_after_as_of() -> None:
    root = parse(charts.dorsiflexion_chart(MEASURED, PROTOCOL, as_of=d(20)))
    assert len(points(root, "left")) == 2
    assert len(points(root, "right")) == 2


# -- asymmetry ------------------------------------------------------------------------------


def test_asymmetry_pairs_only_same_day_measurements() -> None:
    root = parse(charts.asymmetry_chart(MEASURED, PROTOCOL, as_of=AS_OF))
    pts = points(root, "point")
    assert [p.get("data-date") for p in pts] == [d(n).isoformat() for n in (0, 14, 42)]
    assert [float(p.get("data-value", "nan")) for p in pts] == [-5.0, -3.5, -1.5]


def test_asymmetry_band_is_the_protocols_rule_and_points_outside_it_are_marked() -> None:
    rule = next(r for r in PROTOCOL.asymmetry if r.measure == "dorsiflexion")
    root = parse(charts.asymmetry_chart(MEASURED, PROTOCOL, as_of=AS_OF))
    band = next(r for r in root.iterfind(".//s:rect", NS) if r.get("class") == "band")
    assert float(band.get("data-high", "nan")) == rule.threshold
    assert float(band.get("data-low", "nan")) == -rule.threshold
    top, bottom = threshold_y(root, charts.num(rule.threshold)), threshold_y(
        root, charts.num(-rule.threshold))
    assert float(band.get("y", "nan")) == pytest.approx(top, abs=0.1)
    assert float(band.get("y", "0")) + float(band.get("height", "0")) == pytest.approx(bottom,
                                                                                       abs=0.1)
    pts = points(root, "point")
    outside = [p.get("data-value") for p in pts if "outside" in (p.get("class") or "")]
    assert outside == ["-5", "-3.5"]  # -1.5 is on the edge: not beyond it
    zero = [float(p.get("cy", "nan")) for p in pts]
    assert all(y > (top + bottom) / 2 for y in zero)  # right reaches further: below zero


# -- pain -----------------------------------------------------------------------------------


def pain_history() -> History:
    ex = [ExerciseLog(exercise_id="toe-yoga")]
    return history(sessions=[
        Session(date=AS_OF - dt.timedelta(days=60), exercises=ex, pain_during=9),  # too old
        Session(date=AS_OF - dt.timedelta(days=20), exercises=ex, pain_during=1,
                pain_next_morning=0),
        Session(date=AS_OF - dt.timedelta(days=10), exercises=ex, pain_during=6),
        Session(date=AS_OF - dt.timedelta(days=3), exercises=ex, pain_during=3,
                pain_next_morning=4),
    ])


def test_pain_chart_draws_each_session_in_the_window_with_next_morning_when_known() -> None:
    root = parse(charts.pain_chart(pain_history(), PROTOCOL, as_of=AS_OF, weeks=8))
    during, morning = points(root, "during"), points(root, "morning")
    assert [p.get("data-value") for p in during] == ["1", "6", "3"]
    assert [p.get("data-value") for p in morning] == ["0", "4"]
    ys = {p.get("data-value"): float(p.get("cy", "nan")) for p in during}
    assert ys["6"] < ys["3"] < ys["1"]


def test_pain_chart_limits_come_from_pain_monitoring() -> None:
    pm = PROTOCOL.pain_monitoring
    root = parse(charts.pain_chart(pain_history(), PROTOCOL, as_of=AS_OF))
    y_ok = threshold_y(root, charts.num(pm.acceptable_max.value))
    y_safe = threshold_y(root, charts.num(pm.safe_max.value))
    (six,) = [p for p in points(root, "during") if p.get("data-value") == "6"]
    (one,) = [p for p in points(root, "during") if p.get("data-value") == "1"]
    assert float(six.get("cy", "nan")) < y_ok < y_safe < float(one.get("cy", "nan"))
    zones = {r.get("class"): r for r in root.iterfind(".//s:rect", NS)
             if (r.get("class") or "").startswith("zone")}
    assert float(zones["zone safe"].get("data-high", "nan")) == pm.safe_max.value


def test_pain_chart_window_is_the_last_weeks() -> None:
    root = parse(charts.pain_chart(pain_history(), PROTOCOL, as_of=AS_OF, weeks=1))
    assert [p.get("data-value") for p in points(root, "during")] == ["3"]
    root = parse(charts.pain_chart(pain_history(), PROTOCOL, as_of=AS_OF - dt.timedelta(days=40),
                                   weeks=1))
    assert "No sessions logged yet" in all_text(root)


# -- adherence ------------------------------------------------------------------------------


def test_adherence_chart_has_a_bar_per_week_with_the_weeks_percentage() -> None:
    # stage 1 targets: foot release every day, foot awareness three days a week
    release = [ExerciseLog(exercise_id="seated-forefoot-roll")]
    both = [*release, ExerciseLog(exercise_id="toe-yoga")]
    sessions = ([Session(date=d(n), exercises=release) for n in range(7)]        # week 1
                + [Session(date=d(7 + n), exercises=both) for n in (0, 2, 4)])   # week 2
    h = history(sessions=sessions)
    root = parse(charts.adherence_chart(h, PROTOCOL, LIBRARY, as_of=d(13), weeks=8))
    bars = [r for r in root.iterfind(".//s:rect", NS) if "bar" in (r.get("class") or "").split()]
    assert [b.get("data-week") for b in bars] == [d(0).isoformat(), d(7).isoformat()]
    # week 1, stage 1: release 7/7, awareness 0/3 → 50 %. Seven release days meet the gate,
    # so week 2 is stage 2: release 3/7, shin and calf 0/3, ankle 0/3, balance 0/2,
    # awareness 2/2 → (3/7 + 1) / 5 = 28.6 %
    assert [b.get("data-value") for b in bars] == ["50", "28.6"]
    assert [b.get("data-stage") for b in bars] == ["1", "2"]
    heights = [float(b.get("height", "nan")) for b in bars]
    assert heights[0] > heights[1]
    y_line = threshold_y(root, charts.num(PROTOCOL.settings.missed_sessions_pct.value))
    assert all(float(b.get("y", "nan")) > y_line for b in bars)  # both under the 80 % aim


def test_adherence_current_week_is_marked_so_far() -> None:
    h = history(sessions=[Session(date=d(1), exercises=[ExerciseLog(exercise_id="toe-yoga")])])
    root = parse(charts.adherence_chart(h, PROTOCOL, LIBRARY, as_of=d(3)))
    bars = [r for r in root.iterfind(".//s:rect", NS) if "bar" in (r.get("class") or "").split()]
    assert len(bars) == 1
    assert "current" in (bars[0].get("class") or "")
    assert "so far" in all_text(root)


def test_adherence_week_uses_the_stage_of_that_week() -> None:
    from anklet.domain.history import Override

    awareness = [ExerciseLog(exercise_id="toe-yoga")]  # never meets the stage 1 gate alone
    h = history(sessions=[Session(date=d(n), exercises=awareness) for n in range(21)],
                overrides=[Override(date=d(14), stage=2, reason="Moves well already.",
                                    by="coach")])
    root = parse(charts.adherence_chart(h, PROTOCOL, LIBRARY, as_of=d(20)))
    bars = [r for r in root.iterfind(".//s:rect", NS) if "bar" in (r.get("class") or "").split()]
    assert [b.get("data-stage") for b in bars] == ["1", "1", "2"]


def test_adherence_weeks_argument_limits_the_bars() -> None:
    release = [ExerciseLog(exercise_id="seated-forefoot-roll")]
    h = history(sessions=[Session(date=d(n), exercises=release) for n in range(0, 70, 2)])
    root = parse(charts.adherence_chart(h, PROTOCOL, LIBRARY, as_of=d(69), weeks=4))
    bars = [r for r in root.iterfind(".//s:rect", NS) if "bar" in (r.get("class") or "").split()]
    assert len(bars) == 4
    assert bars[-1].get("data-week") == d(63).isoformat()
