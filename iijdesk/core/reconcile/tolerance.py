"""Rounding tolerances, from each fact's precision (its scale and the decimals it prints).

A printed figure stands for every true value within half a unit of its last printed digit.
A sum of n independently rounded items can therefore miss its own rounded total by up to
(n + 1) / 2 units of the last digit; nothing larger can be explained by rounding.
"""
from __future__ import annotations

import math
import re

# Half a unit of the last printed digit: the most one rounding can move a figure.
HALF = 0.5
# Relative slack for binary floating point noise (never a business tolerance).
FLOAT_SLACK = 1e-9
# A "rounding plug": a difference no larger than one unit of the coarser last digit.
PLUG_UNITS = 1.0
# Beyond this many units the difference is not a rounding plug but a different number.
NEAR_UNITS = 1.5

_DIGITS = re.compile(r"\d[\d,]*(?:\.(\d+))?")


def decimals_of(printed: str) -> int:
    """Decimals printed in `printed` ("1,012.6%" -> 1, "(18,549,142)" -> 0)."""
    m = _DIGITS.search(printed or "")
    if not m or not m.group(1):
        return 0
    return len(m.group(1))


def unit_of(scale: float, decimals: int) -> float:
    """The value of one unit of the last printed digit, in base units."""
    return float(scale or 1) * 10.0 ** -int(decimals or 0)


def sum_tolerance(units) -> float:
    """What rounding can explain between a sum of rounded items and their rounded total.

    `units` are the last-digit units of every figure involved (items and total)."""
    units = list(units)
    return HALF * sum(units) + FLOAT_SLACK * max(units, default=0.0)


def pair_tolerance(unit_a: float, unit_b: float, magnitude: float = 0.0) -> float:
    """Two printings of one true number (e.g. JPY millions vs thousands of JPY)."""
    return HALF * (unit_a + unit_b) + FLOAT_SLACK * max(abs(magnitude), 1.0)


def ratio_tolerance(num: float, den: float, u_num: float, u_den: float, u_out: float,
                    factor: float = 100.0) -> float:
    """Tolerance of a printed ratio `factor * num / den` rounded to `u_out`.

    The printed ratio may be off by half its own last digit, plus what the rounding of
    the numerator and denominator moves the true ratio."""
    if den == 0:
        return math.inf
    prop = factor * (HALF * u_num / abs(den) + abs(num) * HALF * u_den / (den * den))
    return HALF * u_out + prop + FLOAT_SLACK


def is_plug(diff: float, unit: float) -> bool:
    """A difference of at most one unit of the last digit (a rounding plug)."""
    return abs(diff) <= PLUG_UNITS * unit * (1 + 1e-6)
