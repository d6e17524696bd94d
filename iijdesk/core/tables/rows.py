"""Row hierarchy (parents, levels, totals) and row-carried periods (transposed and equity tables)."""
from __future__ import annotations

import re
from datetime import date

from iijdesk.core.periods import DocPeriods, Period
from iijdesk.core.tables import classify
from iijdesk.core.tables.model import Table

BALANCE_ROW_RE = re.compile(r"^\s*balances?\b", re.I)


def finish_rows(t: Table, dp: DocPeriods) -> None:
    _hierarchy(t)
    if t.kind == "equity" or any(BALANCE_ROW_RE.match(r.label) for r in t.rows) and t.kind in ("equity", "other"):
        _equity_periods(t, dp)
        return
    _row_periods(t, dp)


def _hierarchy(t: Table) -> None:
    parent = ""
    for r in t.rows:
        r.label = " ".join(r.label.split())
        r.is_total = classify.is_total(r.label)
        indent = r.line.indent if not r.line.tabbed else 0
        r.level = 1 if r.section else 0
        r.parent = classify.clean_label(r.section) if r.section else ""


def _row_periods(t: Table, dp: DocPeriods) -> None:
    """A table whose columns carry no period but whose row labels do (`March 31, 2009`,
    `Fiscal year ended March 31, 2009`, `Full FY2009`) takes each row's period."""
    cols_dated = any(c.period_end and not c.period.guessed for c in t.columns.values())
    rows = [(r, dp.parse(r.label)) for r in t.rows]
    dated = [(r, p) for r, p in rows if p.end is not None]
    if not dated or (cols_dated and len(dated) < len(rows)):
        return
    if cols_dated:
        return
    for r, p in dated:
        if p.months is None:
            p.months = 12 if re.search(r"fiscal|year|FY", r.label, re.I) else 0
        r.period = p
    t.row_periods = True


def _equity_periods(t: Table, dp: DocPeriods) -> None:
    """Balances are instants (the day before a printed first-of-month date); movements belong to
    the fiscal year that ends at the next balance."""
    balances = [(i, dp.balance_date(r.label)) for i, r in enumerate(t.rows) if BALANCE_ROW_RE.match(r.label)]
    balances = [(i, d) for i, d in balances if d]
    if not balances:
        return
    for i, r in enumerate(t.rows):
        bd = next((d for j, d in balances if j == i), None)
        if bd:
            r.period = Period(bd, 0)
            continue
        nxt = next((d for j, d in balances if j > i), None)
        prev = next((d for j, d in reversed(balances) if j < i), None)
        if nxt:
            months = 12
            if prev:
                months = (nxt.year * 12 + nxt.month) - (prev.year * 12 + prev.month)
            r.period = Period(nxt, months or 12)
    t.row_periods = True
