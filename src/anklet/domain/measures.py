"""Measurement kinds, their units and accepted ranges.

Each measurement is per side, dated, with the method that produced it.
Dorsiflexion is recorded either as a knee-to-wall distance (cm) or a lunge
angle (degrees); the kind keeps which one was measured, and
:func:`dorsiflexion_cm` converts either to centimetres (Bennell1998).
"""

from __future__ import annotations

from enum import StrEnum

from anklet.domain.units import Range, degrees_to_cm


class MeasureKind(StrEnum):
    KNEE_TO_WALL = "knee_to_wall"          # cm, big toe to wall, higher is better
    LUNGE_ANGLE = "lunge_angle"            # degrees of tibia from vertical, higher is better
    HEEL_RAISE = "heel_raise"              # single-leg heel raises to fatigue, reps
    BALANCE_EYES_OPEN = "balance_eyes_open"      # single-leg stance, seconds
    BALANCE_EYES_CLOSED = "balance_eyes_closed"  # single-leg stance, seconds
    Y_BALANCE_ANTERIOR = "y_balance_anterior"    # anterior reach, cm
    SIDE_HOP = "side_hop"                  # seconds for the side hop test, lower is better
    SINGLE_LEG_HOP = "single_leg_hop"      # hops completed of up to 10 in place on one leg


class Method(StrEnum):
    TAPE = "tape"
    INCLINOMETER = "inclinometer"
    APP = "app"
    PHOTO = "photo"
    COUNT = "count"
    STOPWATCH = "stopwatch"


MEASURE_INFO: dict[MeasureKind, tuple[str, Range, bool]] = {
    # kind: (label, accepted range, higher_is_better)
    MeasureKind.KNEE_TO_WALL: ("Knee-to-wall distance", Range(0, 25, "cm"), True),
    # a shin leaning more than 65° in a knee-to-wall lunge is not a real reading
    MeasureKind.LUNGE_ANGLE: ("Lunge angle", Range(0, 65, "°"), True),
    MeasureKind.HEEL_RAISE: ("Single-leg heel raises", Range(0, 200, "reps"), True),
    MeasureKind.BALANCE_EYES_OPEN: ("Single-leg balance, eyes open", Range(0, 300, "s"), True),
    MeasureKind.BALANCE_EYES_CLOSED: ("Single-leg balance, eyes closed", Range(0, 300, "s"), True),
    MeasureKind.Y_BALANCE_ANTERIOR: ("Y-balance anterior reach", Range(0, 150, "cm"), True),
    MeasureKind.SIDE_HOP: ("Side hop test", Range(1, 120, "s"), False),
    # up to 10 hops in place on one leg; the pain during it goes in the measurement's pain
    MeasureKind.SINGLE_LEG_HOP: ("Single-leg hop test", Range(0, 10, "hops"), True),
}

_REACHED: dict[MeasureKind, str] = {
    MeasureKind.KNEE_TO_WALL: "your knee touches the wall with the foot {v} from it, on each "
                              "side, in the knee-to-wall test",
    MeasureKind.LUNGE_ANGLE: "each shin leans {v} in the lunge-angle test",
    MeasureKind.HEEL_RAISE: "you can do {n} single-leg heel raises on each leg",
    MeasureKind.BALANCE_EYES_OPEN: "you can stand {v} on each leg, eyes open, in the balance test",
    MeasureKind.BALANCE_EYES_CLOSED: "you can stand {v} on each leg, eyes closed, in the "
                                     "balance test",
    MeasureKind.Y_BALANCE_ANTERIOR: "each leg reaches {v} forward in the Y-balance test",
    MeasureKind.SIDE_HOP: "you can finish the side hop test in {v} or less on each leg",
    MeasureKind.SINGLE_LEG_HOP: "you can do {n} hops in place on each leg in the hop test",
}


def reached_words(kind: MeasureKind, value: float) -> str:
    """A test result reached on both sides, in plain words ("you can stand 30 s on each leg,
    eyes open, in the balance test"): what an exercise's ``needs`` waits for."""
    unit = MEASURE_INFO[kind][1].unit
    amount = f"{value:g}{unit}" if unit == "°" else f"{value:g} {unit}"
    return _REACHED[kind].format(v=amount, n=f"{value:g}")


LEG_LENGTH = Range(40, 130, "cm")
"""Leg length for normalising Y-balance reach (ASIS to medial malleolus)."""

DEFAULT_METHOD: dict[MeasureKind, Method] = {
    MeasureKind.KNEE_TO_WALL: Method.TAPE,
    MeasureKind.LUNGE_ANGLE: Method.INCLINOMETER,
    MeasureKind.HEEL_RAISE: Method.COUNT,
    MeasureKind.BALANCE_EYES_OPEN: Method.STOPWATCH,
    MeasureKind.BALANCE_EYES_CLOSED: Method.STOPWATCH,
    MeasureKind.Y_BALANCE_ANTERIOR: Method.TAPE,
    MeasureKind.SIDE_HOP: Method.STOPWATCH,
    MeasureKind.SINGLE_LEG_HOP: Method.COUNT,
}

DORSIFLEXION_KINDS = frozenset({MeasureKind.KNEE_TO_WALL, MeasureKind.LUNGE_ANGLE})


def dorsiflexion_cm(kind: MeasureKind, value: float) -> float:
    """The knee-to-wall equivalent in cm of a dorsiflexion measurement."""
    if kind is MeasureKind.KNEE_TO_WALL:
        return value
    if kind is MeasureKind.LUNGE_ANGLE:
        return degrees_to_cm(value)
    raise ValueError(f"{kind} is not a dorsiflexion measurement")


class FootPosture(StrEnum):
    PRONATED = "pronated"
    NEUTRAL = "neutral"
    SUPINATED = "supinated"


class ArchShape(StrEnum):
    COLLAPSED = "collapsed"
    TYPICAL = "typical"
    HIGH = "high"
