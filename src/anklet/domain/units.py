"""Sides, units and the ranges a value may take.

The knee-to-wall distance (cm) and the lunge angle (degrees) measure the
same thing; Bennell1998 relates them as 1 cm ≈ 3.6°. Everything that
compares dorsiflexion converts to centimetres with :func:`degrees_to_cm`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from anklet.domain.errors import InputError

DEGREES_PER_CM = 3.6
"""Bennell1998: one centimetre of knee-to-wall distance is about 3.6° of lunge angle."""


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> Side:
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


SIDES: tuple[Side, Side] = (Side.LEFT, Side.RIGHT)


def degrees_to_cm(degrees: float) -> float:
    """Lunge angle (°) to the equivalent knee-to-wall distance (cm)."""
    return degrees / DEGREES_PER_CM


@dataclass(frozen=True, slots=True)
class Range:
    """An accepted closed range of values, with its unit."""

    low: float
    high: float
    unit: str

    def describe(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"accepted: {_fmt(self.low)} to {_fmt(self.high)}{unit}"

    def check(self, field: str, value: float) -> float:
        """Return ``value`` if within the range, else raise :class:`InputError`."""
        if value != value or not (self.low <= value <= self.high):  # NaN fails too
            raise InputError(field, value, self.describe())
        return value


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


PAIN = Range(0, 10, "")
"""Numeric pain rating, 0 = none, 10 = worst imaginable."""
RPE = Range(0, 10, "")
"""Rating of perceived exertion on the 0–10 scale."""
MINUTES_PER_DAY = Range(0, 240, "min")
"""Minutes a person can give on a day; four hours is more than any plan asks."""


def amount(level: float | None) -> str:
    """How much of each exercise, in words, against the starting amount (``level`` 1.0 = the
    start): "40 % more than at the start", never a factor such as "×1.40"."""
    if level is None or level != level:  # NaN: not worked out
        return "the starting amount"
    pct = round((level - 1.0) * 100)
    if pct == 0:
        return "the starting amount"
    if pct > 0:
        return f"{pct} % more than at the start"
    return f"{-pct} % less than at the start"
