"""The workbook plan on small hand-made tables: sheets per kind and layout, periods in time
order, and which rows are sums (confirmed by the numbers, subtracted rows negated)."""
from __future__ import annotations

import pandas as pd

from iijdesk.core import facts as F
from iijdesk.core.export.plan import plan_sheets, records


def _table(doc, title, kind, rows, periods, start_line=10, scale=1_000_000):
    """rows: [(label, parent, is_total, [values per period])]; periods: [(end, months)]."""
    out = []
    for r, (label, parent, tot, vals) in enumerate(rows):
        for c, ((end, months), v) in enumerate(zip(periods, vals)):
            out.append(dict(doc=doc, line=start_line + r, table=title, table_id=f"{doc}#{title}",
                            kind=kind, parent=parent, row_label=label, row=r, level=0,
                            is_total=tot, col_label=f"{months}M {end}", col=c, period_end=end,
                            period_months=months, measure="value", unit="JPY", scale=scale,
                            printed=f"{v:,}", value=v * scale, decimals=0))
    return out


P2 = [("2010-03-31", 12), ("2009-03-31", 12)]          # printed newest first


def _plan(*tables):
    f = F.normalise(pd.DataFrame([x for t in tables for x in t]))
    return f, plan_sheets(f, recs=records(f))


def test_same_layout_merges_releases_and_orders_periods_in_time():
    rows = [("Sales", "", False, [10, 8]), ("Other", "", False, [5, 4]), ("Total", "", True, [15, 12])]
    f, sheets = _plan(_table("a.txt", "Income", "income", rows, P2),
                      _table("b.txt", "Income", "income", rows, [("2011-03-31", 12), ("2010-03-31", 12)]))
    assert [s.name for s in sheets] == ["Income"]
    (b,) = sheets[0].blocks
    assert [(c.period_end, c.doc) for c in b.columns] == [
        ("2009-03-31", "a.txt"), ("2010-03-31", "a.txt"), ("2010-03-31", "b.txt"), ("2011-03-31", "b.txt")]
    assert b.docs == ["a.txt", "b.txt"]


def test_different_layouts_get_a_sheet_per_release():
    a = _table("a.txt", "Income", "income", [("Sales", "", False, [1, 1]), ("Total", "", True, [1, 1])], P2)
    b = _table("b.txt", "Income", "income", [("Revenue", "", False, [1, 1]), ("Total", "", True, [1, 1])], P2)
    _f, sheets = _plan(a, b)
    assert len(sheets) == 2 and all(s.name.startswith("Income ") for s in sheets)
    assert len({s.name for s in sheets}) == 2 and all(len(s.name) <= 31 for s in sheets)


def test_totals_below_items_and_subtotals_are_found_and_confirmed():
    rows = [("Cash", "CURRENT", False, [3, 2]), ("Receivables", "CURRENT", False, [4, 4]),
            ("Total current assets", "CURRENT", True, [7, 6]),
            ("Property", "ASSETS", False, [10, 9]), ("TOTAL", "ASSETS", True, [17, 15]),
            ("Operating margin", "", False, [7, 6])]            # equals a sum by chance: not a total
    _f, sheets = _plan(_table("a.txt", "Balance", "balance", rows, P2))
    b = sheets[0].blocks[0]
    assert b.sums[(2, 0)] == [(0, 0, 1), (1, 0, 1)]
    assert sorted(i for i, _c, _s in b.sums[(4, 0)]) == [2, 3]   # the subtotal stands for its items
    assert (5, 0) not in b.sums
    assert b.outline[:5] == [2, 2, 1, 1, 0]


def test_header_above_its_items_and_subtracted_rows():
    rows = [("Net revenues", "", False, [48, 50]), ("Network", "Net revenues", False, [40, 41]),
            ("ATM", "Net revenues", False, [10, 11]), ("Elimination", "Net revenues", False, [2, 2])]
    _f, sheets = _plan(_table("a.txt", "Segments", "segment", rows, P2))
    b = sheets[0].blocks[0]
    assert b.sums[(0, 0)] == [(1, 0, 1), (2, 0, 1), (3, 0, -1)]


def test_a_sum_that_does_not_hold_is_written_only_when_the_checks_report_it():
    rows = [("A", "", False, [1, 1]), ("B", "", False, [2, 2]), ("Total", "", True, [3, 9])]
    t = _table("a.txt", "T", "income", rows, P2)
    f = F.normalise(pd.DataFrame(t))
    recs = records(f)
    (b,) = plan_sheets(f, recs=recs)[0].blocks
    col_of = {c.period_end: i for i, c in enumerate(b.columns)}
    good, bad = col_of["2010-03-31"], col_of["2009-03-31"]
    assert (2, good) in b.sums and (2, bad) not in b.sums
    ids = {(r.row, r.period_end): fid for fid, r in recs.items()}
    findings = pd.DataFrame([dict(kind="sum_mismatch", rule="items_vs_total",
                                  fact_ids=(ids[(2, "2009-03-31")], ids[(0, "2009-03-31")],
                                            ids[(1, "2009-03-31")]), expected=3e6, actual=9e6)])
    (b,) = plan_sheets(f, recs=recs, findings=findings)[0].blocks
    assert b.sums[(2, bad)] == [(0, bad, 1), (1, bad, 1)]
