"""Numbers for the grid: facts -> display strings, and what an analyst types -> a number.

Pure Python (no Qt) so it is cheap to test; the GUI never parses release text, only what the
user types into a cell.
"""
from __future__ import annotations

import math
import re

# Nil marks a release prints instead of a number; shown as printed.
NIL_MARK = "—"

SCALE_NAMES = {1: "", 1000: "thousands", 1_000_000: "mn", 1_000_000_000: "bn"}

MEASURE_NAMES = {
    "value": "",
    "yoy_pct": "YoY %",
    "share_pct": "% share",
    "change": "change",
    "target": "target",
}

# Display order of columns that share a period.
MEASURE_ORDER = {"value": 0, "target": 1, "change": 2, "yoy_pct": 3, "share_pct": 4}

_NUMBER = re.compile(
    r"""^(?P<sign>[-+\u2212\u25b3\u25b2]?)          # minus, unicode minus, Japanese triangles
        (?P<int>\d{1,3}(?:,\d{3})+|\d+)?             # 1,234,567 or 1234567
        (?P<frac>\.\d+)?$""",
    re.VERBOSE,
)


def format_number(value: float, scale: int, decimals: int | None, unit: str, printed: str = "") -> str:
    """`value` (base units) in the table's scale, thousands separated, negatives in parentheses."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        p = (printed or "").strip()
        return p if p else ""
    scale = int(scale) if scale else 1
    v = float(value) / scale
    dec = 0 if decimals is None else max(0, int(decimals))
    s = f"{abs(v):,.{dec}f}"
    if unit == "percent":
        s += "%"
    if round(v, dec) < 0 and v != 0:
        return f"({s})"
    return s


def unit_name(unit: str, scale: int = 1) -> str:
    """A unit as people write it: 'JPY_per_share' -> 'JPY per share', 'percent' -> '%',
    ('JPY', 1,000,000) -> 'JPY mn'. The one place the grid and the charts name units."""
    u = str(unit or "").strip()
    if u == "percent":
        return "%"
    sc = SCALE_NAMES.get(int(scale or 1), f"x{int(scale or 1):,}")
    return " ".join(x for x in (" ".join(u.replace("_", " ").split()), sc) if x)


def unit_caption(unit: str, scale: int, measure: str) -> str:
    """'JPY mn', 'USD thousands', 'YoY %', '% share', 'shares' ..."""
    m = MEASURE_NAMES.get(measure, measure)
    if unit == "percent":
        return m or "%"
    return " ".join(x for x in (m, unit_name(unit, scale)) if x)


def period_caption(period_end: str, months) -> str:
    """'9M to 2009-12-31', 'at 2009-12-31', or '' where no period applies."""
    if not period_end:
        return ""
    try:
        m = int(months)
    except (TypeError, ValueError):
        return period_end
    return f"at {period_end}" if m == 0 else f"{m}M to {period_end}"


class NumberEntryError(ValueError):
    """What the user typed is not a number; the message says what is accepted."""


def parse_entry(text: str) -> tuple[float, int, bool]:
    """Parse a number as analysts type it: `1,234`, `(1,234)`, `-1234`, `12.5%`, `△12`.

    Returns (number in the table's scale, decimals typed, nil) where nil means the user typed a
    dash for "no amount" (number is NaN). Raises NumberEntryError with a readable message."""
    s = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if s in ("-", "--", "—", "–", "―"):
        return float("nan"), 0, True
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1]
    if s.endswith("%"):
        s = s[:-1]
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1]
    m = _NUMBER.match(s)
    if not s or not m or not (m.group("int") or m.group("frac")):
        raise NumberEntryError(
            f"'{text}' is not a number; type it as printed, e.g. 1,234  (1,234)  -1234  12.5%")
    sign = m.group("sign")
    if sign and sign != "+":
        if neg:
            raise NumberEntryError(f"'{text}' has both parentheses and a minus sign")
        neg = True
    digits = (m.group("int") or "0").replace(",", "") + (m.group("frac") or "")
    dec = len(m.group("frac")) - 1 if m.group("frac") else 0
    v = float(digits)
    return (-v if neg else v), dec, False


def printed_form(number: float, decimals: int, unit: str) -> str:
    """How the table would print `number` (already in the table's scale)."""
    if math.isnan(number):
        return NIL_MARK
    s = f"{abs(number):,.{decimals}f}"
    if unit == "percent":
        s += "%"
    return f"({s})" if number < 0 else s
