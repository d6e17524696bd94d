"""Releases one printed number away from the samples still export.

Changing "(4,100)" to "(4,105)" on the line of release 001 that acquires treasury stock made
the statement of equity not roll forward from a nil ("--") opening balance; the workbook
then tried to write that nil as the printed total beside the sum (a TypeError in the writer)."""
from __future__ import annotations

import re

import openpyxl
import pytest

from iijdesk.core.export import export_workbook
from iijdesk.core.ingest import load_bytes
from iijdesk.core.reconcile import fact_ids_of
from iijdesk.core.workspace import Workspace
from tests.conftest import release

R001 = release("001")


def _variant(old: str, new: str, line: int):
    lines = R001.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    ws = Workspace()
    assert ws.add_document(load_bytes(R001.name, "\n".join(lines).encode("utf-8"))).ok
    return ws


def _lines_with(text: str) -> list[int]:
    return [i for i, ln in enumerate(R001.read_text(encoding="utf-8").split("\n"), 1) if text in ln]


@pytest.mark.parametrize("line", _lines_with("(4,100)"))
def test_every_one_number_variant_of_treasury_stock_exports(tmp_path, line):
    ws = _variant("(4,100)", "(4,105)", line)
    res = export_workbook(ws, tmp_path / "v.xlsx")
    assert (tmp_path / "v.xlsx").stat().st_size > 0


def test_a_roll_forward_from_a_nil_opening_balance_is_a_formula_with_the_nil_as_zero(tmp_path):
    line = next(n for n in _lines_with("(4,100)") if re.search(r"treasury stock\s+\(4,100\)\s+\(4,100\)",
                                                                  R001.read_text().split("\n")[n - 1]))
    ws = _variant("(4,100)", "(4,105)", line)
    rolls = [f for f in ws.findings.itertuples() if f.rule == "equity_roll_forward"]
    assert rolls, "the changed movement no longer rolls forward"
    ids = fact_ids_of(rolls[0].fact_ids)
    closing, opening = ids[0], ids[1]
    f = ws.facts
    assert f.at[closing, "line"] > f.at[opening, "line"]          # the total first, then its items
    assert f.at[opening, "printed"] == "--"
    res = export_workbook(ws, tmp_path / "v.xlsx")
    wb = openpyxl.load_workbook(res.path)
    sheet, ref = res.cells[closing]
    assert str(wb[sheet][ref].value).startswith("=SUM(")         # closing = opening + movements
    s2, check = res.check_cells[closing]
    assert wb[s2][check].value == -4_100_000                       # the printed total beside it
    assert closing in res.totals


def _synthetic(total_printed: str):
    """One table: two items and a total printed as `total_printed` (no number), and the
    sum_mismatch finding the checks would report for it (total first, then the items)."""
    import math

    import pandas as pd

    from iijdesk.core import facts as F
    from iijdesk.core import reconcile

    rows = []
    for r, (label, printed, value, total) in enumerate([("Operating", "1,200", 1_200_000, False),
                                                          ("Investing", "(200)", -200_000, False),
                                                          ("Net increase", total_printed, math.nan, True)]):
        for c, end in enumerate(("2009-03-31", "2010-03-31")):
            rows.append(dict(doc="cash.txt", line=10 + r, table="Cash flows", table_id="cash.txt#0",
                             kind="cashflow", parent="", row_label=label, row=r, level=0, is_total=total,
                             col_label=f"FY{end[:4]}", col=c, period_end=end, period_months=12,
                             measure="value", unit="JPY", scale=1000, printed=printed, value=value,
                             decimals=0))
    ws = Workspace()
    ws.facts = F.normalise(pd.DataFrame(rows))
    ids = ws.facts.index
    ws.findings = pd.DataFrame([{**{c: math.nan for c in reconcile.FINDING_COLUMNS},
                                 "id": f"sum:{c}", "rule": "cash_roll_forward", "kind": "sum_mismatch",
                                 "severity": "error", "doc": "cash.txt", "lines": "10;11;12",
                                 "fact_ids": (int(ids[4 + c]), int(ids[c]), int(ids[2 + c])),
                                 "expected": 1_000_000.0, "actual": 0.0, "message": "does not add up",
                                 "fix_fact": pd.NA, "expected_text": "1,000", "actual_text": total_printed}
                                for c in (0, 1)])
    return ws


def test_a_total_printed_as_a_nil_dash_is_zero_beside_its_sum(tmp_path):
    ws = _synthetic("--")
    res = export_workbook(ws, tmp_path / "nil.xlsx")
    wb = openpyxl.load_workbook(res.path)
    total = int(ws.facts.index[4])
    sheet, ref = res.cells[total]
    assert str(wb[sheet][ref].value).startswith("=SUM(")
    s2, check = res.check_cells[total]
    cell = wb[s2][check]
    assert cell.value == 0 and cell.number_format.endswith(';"--"')     # shows the dash as printed
    assert total in res.totals


def test_a_total_printed_as_text_is_shown_as_printed_and_not_compared(tmp_path):
    ws = _synthetic("n/a")
    res = export_workbook(ws, tmp_path / "text.xlsx")
    wb = openpyxl.load_workbook(res.path)
    total = int(ws.facts.index[4])
    sheet, ref = res.cells[total]
    assert str(wb[sheet][ref].value).startswith("=SUM(")
    assert total not in res.totals and total not in res.check_cells
    row = wb[sheet][ref].row
    assert "n/a" in [c.value for c in wb[sheet][row]]
