"""Excel number formats and captions by unit, scale and printed precision.

Cells hold base units (JPY, not JPY millions) so formulas across tables of different scales
agree; the format scales the display back to the table's own unit (`#,##0,,` shows millions).
Percentages are stored as fractions (4.9% -> 0.049) so an analyst can multiply with them.
"""
from __future__ import annotations

# Thousands-scaling suffix of an Excel number format, per stated scale.
SCALE_SUFFIX = {1: "", 1000: ",", 1_000_000: ",,", 1_000_000_000: ",,,"}
SCALE_WORDS = {1: "", 1000: "thousands", 1_000_000: "millions", 1_000_000_000: "billions"}
MEASURE_WORDS = {"value": "", "target": "target", "change": "change", "yoy_pct": "YoY %",
                 "share_pct": "% of total"}
MAX_DECIMALS = 6


def excel_value(value: float, unit: str) -> float:
    """The number a cell holds for a fact's value (percent as a fraction)."""
    return value / 100.0 if unit == "percent" else value


def number_format(unit: str, scale: int, decimals: int) -> str:
    """`#,##0;(#,##0)` style, scaled to the table's unit, with the printed decimals."""
    d = max(0, min(int(decimals or 0), MAX_DECIMALS))
    dec = ("." + "0" * d) if d else ""
    if unit == "percent":
        return f"0{dec}%;(0{dec}%)"
    suffix = SCALE_SUFFIX.get(int(scale or 1))
    if suffix is None:  # a scale Excel cannot express: show base units
        suffix = ""
    body = f"#,##0{dec}{suffix}"
    return f"{body};({body})"


def unit_caption(unit: str, scale: int, measure: str) -> str:
    """'JPY millions', 'USD thousands', 'YoY %', 'shares', 'JPY per share' ..."""
    m = MEASURE_WORDS.get(measure, measure)
    if unit == "percent":
        return m or "%"
    sc = SCALE_WORDS.get(int(scale or 1), f"x{int(scale or 1):,}")
    u = unit.replace("_per_", " per ").replace("_", " ")
    return " ".join(x for x in (u, sc, m) if x)
