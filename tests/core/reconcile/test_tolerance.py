"""Rounding is understood, not guessed: the tolerance at its edge, on small tables built with
the facts contract (a sum of n rounded items may miss its total by (n+1)/2 last-digit units)."""
from __future__ import annotations

import pandas as pd
import pytest

from iijdesk.core import facts as F
from iijdesk.core.reconcile import check
from iijdesk.core.reconcile.tolerance import decimals_of, ratio_tolerance, sum_tolerance, unit_of


def _table(rows: list[tuple[str, list[str]]], scale: int = 1_000_000, unit: str = "JPY") -> pd.DataFrame:
    """One table; each row is (label, printed cells for three periods)."""
    recs = []
    for r, (label, cells) in enumerate(rows):
        for c, printed in enumerate(cells):
            neg = printed.startswith("(")
            v = float(printed.strip("()").replace(",", "")) * scale * (-1 if neg else 1)
            recs.append(dict(doc="t.txt", line=10 + r, table="Results", row_label=label,
                             col_label=f"FY{2008 + c} JPY millions", period_end=f"{2008 + c}-03-31",
                             period_months=12, measure="value", unit=unit, scale=scale,
                             printed=printed, value=v))
    return F.normalise(pd.DataFrame(recs))


def _sums(findings):
    return findings[findings["kind"] == "sum_mismatch"]


def test_helpers():
    assert decimals_of("1,012.6%") == 1 and decimals_of("(18,549,142)") == 0
    assert unit_of(1_000_000, 0) == 1_000_000 and unit_of(1, 1) == pytest.approx(0.1)
    # three items and their total: (3 + 1) / 2 units
    assert sum_tolerance([1, 1, 1, 1]) == pytest.approx(2.0)
    assert ratio_tolerance(50, 100, 0.5, 0.5, 0.1) > 0.05


@pytest.mark.parametrize("total, fires", [("601", False), ("602", False), ("603", True), ("598", False), ("597", True)])
def test_sum_of_three_rounded_items_at_the_edge(total, fires):
    # items 100 + 200 + 300 = 600; rounding explains (3 + 1) / 2 = 2 units of JPY 1 million
    t = _table([("Service A", ["100", "110", "100"]),
                ("Service B", ["200", "220", "200"]),
                ("Service C", ["300", "330", "300"]),
                ("Total revenues", ["600", "660", total])])
    found = _sums(check(t))
    assert (not found.empty) is fires
    if fires:
        assert "10;11;12;13" == found.iloc[0]["lines"]


def test_the_same_miss_in_thousands_is_a_defect_in_millions_it_is_rounding():
    rows = [("A", ["1", "1", "1"]), ("B", ["1", "1", "1"]), ("Total", ["2", "2", "3"])]
    # 1 + 1 = 2 printed 3: one unit more than the two items, within (2+1)/2 = 1.5 units
    assert _sums(check(_table(rows))).empty
    rows = [("A", ["1,000", "1,000", "1,000"]), ("B", ["1,000", "1,000", "1,000"]),
            ("Total", ["2,000", "2,000", "2,700"])]
    found = _sums(check(_table(rows, scale=1000)))
    assert len(found) == 1 and found.iloc[0]["severity"] == "error"


def _usd_table(jpy: str, usd: str) -> pd.DataFrame:
    recs = []
    for label, j, u in [("Item", jpy, usd)] + [(f"Row {k}", f"{100_000 * k:,}", f"{1_000 * k:,}") for k in range(1, 7)]:
        line = 10 + len(recs) // 2
        for unit, printed in (("JPY", j), ("USD", u)):
            recs.append(dict(doc="u.txt", line=line, table="Balance sheet", row_label=label,
                             col_label=f"Thousands of {unit}", period_end="2010-03-31", period_months=0,
                             measure="value", unit=unit, scale=1000, printed=printed,
                             value=float(printed.replace(",", "")) * 1000))
    return F.normalise(pd.DataFrame(recs))


@pytest.mark.parametrize("jpy, usd, fires", [
    ("1,000", "10", False),      # exactly 10.00
    ("1,050", "10", False),      # 10.50: half a unit, plus the JPY rounding 0.5 / 100
    ("1,050", "11", False),
    ("1,051", "10", True),       # 10.51 does not round to 10
    ("1,049", "11", True),
])
def test_usd_translation_at_the_edge(jpy, usd, fires):
    # the rows below fix the inferred rate at JPY 100 per USD
    found = check(_usd_table(jpy, usd))
    found = found[found["kind"] == "usd_mismatch"]
    assert (not found.empty) is fires
