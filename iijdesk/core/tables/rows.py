"""Row hierarchy (parents, levels, totals) and row-carried periods (transposed and equity tables)."""
from __future__ import annotations

import re
from datetime import date

from iijdesk.core.periods import DATE_RE, DocPeriods, Period, add_months
from iijdesk.core.tables import classify
from iijdesk.core.tables.model import Table

BALANCE_ROW_RE = re.compile(r"^\s*balances?\b", re.I)
# A row labelled with nothing but a date ("March 28, 2025") in an equity roll-forward is its balance.
BARE_DATE_RE = re.compile(r"^\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},\s*(?:19|20)\d{2}\s*$", re.I)


def finish_rows(t: Table, dp: DocPeriods) -> None:
    _hierarchy(t)
    if not ((t.kind == "equity" or any(BALANCE_ROW_RE.match(r.label) for r in t.rows) and t.kind in ("equity", "other")
             or _is_roll_forward(t)) and _equity_periods(t, dp)):
        _row_periods(t, dp)
    _heading_periods(t, dp)


def _heading_periods(t: Table, dp: DocPeriods) -> None:
    """Rows under a period heading ("Three Months Ended June 30, 2024" standing alone in the
    label column) are that period's. A complete heading dates the rows of a table whose columns
    are no periods (segments, components); a heading without its year ("Six months ended June
    30") completes each dated column: the column's year, the heading's day and duration."""
    value_cols = {s: c for s, c in t.columns.items() if c.measure in ("value", "target")}
    dated = {s: c for s, c in value_cols.items() if c.from_header and c.period_end}
    for r in t.rows:
        if not r.heading or r.period is not None:
            continue
        p = dp.parse(r.heading)
        if p.end is not None and not dated:
            r.period = Period(p.end, 0 if p.months is None else p.months, r.heading)
        elif p.end is None and dated and (p.months is not None or p.month is not None):
            r.period = Period(None, p.months, r.heading)
            for s, c in dated.items():
                end = date.fromisoformat(c.period_end)
                if p.month is not None and p.day is not None:
                    try:
                        end = date(end.year, p.month, p.day)
                    except ValueError:
                        continue
                r.cell_periods[s] = Period(end, c.period_months if p.months is None else p.months)


def _hierarchy(t: Table) -> None:
    for r in t.rows:
        r.label = " ".join(r.label.split())
        r.is_total = classify.is_total(r.label)
        r.level = 1 if r.section else 0
        r.parent = classify.clean_label(r.section) if r.section else ""
    _totals_printed_first(t)


# Rows that add up to the row above them within this many half-units of the last digit per item.
SUM_TOLERANCE_HALF_UNITS = 1
MIN_CHILDREN = 2
# Rows subtracted in a segment table whatever sign they are printed with.
ELIMINATION_RE = re.compile(r"elimination|inter-?segment|\bless\b", re.I)


def _first_value(r) -> tuple[float, int] | None:
    for c in r.line.cells:
        n = c.num
        if n.value is not None and not n.percent:
            return n.value, n.decimals
    return None


def _totals_printed_first(t: Table) -> None:
    """Summary tables print a total above its items ("Total Revenues" then its lines) with no
    indentation to show it. A row followed by rows that add up to it (in its first amount, within
    rounding) is their parent and a total."""
    rows = t.rows
    i = 0
    while i < len(rows):
        head = _first_value(rows[i])
        if head is None or rows[i].parent:
            i += 1
            continue
        total, dec = head
        acc, best = 0.0, 0
        for k in range(i + 1, min(len(rows), i + 30)):
            v = _first_value(rows[k])
            if v is None or rows[k].parent:
                break
            acc += -abs(v[0]) if ELIMINATION_RE.search(rows[k].label) else v[0]
            n = k - i
            tol = SUM_TOLERANCE_HALF_UNITS * 0.5 * (n + 1) * 10 ** -dec
            if n >= MIN_CHILDREN and abs(acc - total) <= tol and total != 0:
                best = n
        if best:
            parent = classify.clean_label(rows[i].label)
            rows[i].is_total = True
            for r in rows[i + 1: i + 1 + best]:
                r.parent, r.level = parent, rows[i].level + 1
            i += best + 1
        else:
            i += 1


QUARTER_END_RE = re.compile(r"\b(1st|2nd|3rd|first|second|third|interim)\b.*\b(quarter|end)|\b([1-3])Q[- ]?end|\bquarter[- ]?end", re.I)
INTERIM_COL_RE = re.compile(r"\s*interim\s*$", re.I)     # a dividend grid's half-year column
YEAR_END_RE = re.compile(r"year[- ]?end|fiscal\s+year[- ]?end", re.I)
TOTAL_COL_RE = re.compile(r"\btotal\b|\bannual\b", re.I)
DANGLING_PERIOD_RE = re.compile(
    r"^(?:(?:three|six|nine|twelve|\d{1,2})\s+months?|(?:fiscal\s+)?year|interim\s+period|quarter)"
    r"\s+end(?:ed|ing)$", re.I)
TARGET_ROW_RE = re.compile(r"target|forecast|plan\b|estimate", re.I)
ORDINALS = {"1st": 1, "first": 1, "2nd": 2, "second": 2, "interim": 2, "3rd": 3, "third": 3}


# Column words of a dividend grid and where each stands in its fiscal year (quarter number).
GRID_TOKEN_RE = re.compile(r"\b([1-3])Q[- ]?end\b|\b(interim)\b|\b(year[- ]?end)\b|\b(total|annual|full[- ]year)\b", re.I)
GRID_QUARTER = {"q1": 1, "q2": 2, "q3": 3, "ye": 4}
GRID_ORDERS = (("q1", "q2", "q3", "ye", "total"), ("q2", "ye", "total"), ("q2", "ye"))


def _grid_token(m: re.Match) -> str:
    if m.group(1):
        return f"q{m.group(1)}"
    return "q2" if m.group(2) else ("ye" if m.group(3) else "total")


def dividend_grid(t: Table) -> dict[int, str] | None:
    """The quarter-end / year-end / total word of each value column of a dividend grid, read
    even where the conversion garbled the header row: several words merged into one cell over
    empty neighbours ("2Q-end Year-end Total" | | ) are spread over them in order, and a grid
    whose words fit a usual order (1Q, 2Q, 3Q, year-end, total) with one cell blank or carrying
    its neighbour's word too ("2Q-end 3Q-end" | | Total) is read in that order.
    None when the headers are no such grid."""
    slots = sorted(t.columns)
    toks = [[_grid_token(m) for m in GRID_TOKEN_RE.finditer(t.columns[s].header)] for s in slots]
    if sum(len(x) for x in toks) < 2:
        return None
    flat = [x for ts in toks for x in ts]
    flat = [x for i, x in enumerate(flat) if i == 0 or x != flat[i - 1]]
    n = len(slots)
    for order in GRID_ORDERS:
        if len(flat) == n and tuple(flat) == order:
            return dict(zip(slots, flat))
    for order in GRID_ORDERS:
        if len(order) == n and all(not ts or ts[-1] == order[i] for i, ts in enumerate(toks)) \
                and sum(1 for ts in toks if not ts) <= 1:
            return dict(zip(slots, order))
    return None


def _row_periods(t: Table, dp: DocPeriods) -> None:
    """A table whose columns carry no period in their own headers but whose row labels do
    (`March 31, 2009`, `Fiscal year ended March 31, 2009`, `Interim period ending September 30,
    2009`) takes each row's period; quarter-end and year-end columns of a dividend grid are the
    instants of that row's fiscal year, a Total column its twelve months."""
    header_dated = any(c.from_header for c in t.columns.values())
    if header_dated:
        return
    rows = [(r, dp.parse(r.label)) for r in t.rows]
    for i in range(len(rows) - 1):
        # "Nine months ended" / "December 31, 2009": a period label wrapped onto the next row,
        # each half carrying numbers; both rows are the joined period.
        (r, p), (r2, p2) = rows[i], rows[i + 1]
        if p.end is None and p2.end is not None and DANGLING_PERIOD_RE.match(r.label.strip()):
            joined = dp.parse(f"{r.label.strip()} {r2.label.strip()}")
            if joined.end is not None:
                rows[i], rows[i + 1] = (r, joined), (r2, joined)
    dated = [(r, p) for r, p in rows if p.end is not None]
    if not dated:
        return
    grid = dividend_grid(t)
    for r, p in dated:
        if t.kind == "balance":
            p.months = 0
        elif p.months is None:
            p.months = 12 if re.search(r"fiscal|\byear\b|\bFY", r.label, re.I) else 0
        r.period = p
        r.target = bool(TARGET_ROW_RE.search(r.label))
        r.cell_periods = {}
        if grid and p.months == 12:
            for slot, tok in grid.items():
                if tok == "total":
                    r.cell_periods[slot] = Period(p.end, 12)
                else:
                    r.cell_periods[slot] = Period(add_months(p.end, -3 * (4 - GRID_QUARTER[tok])), 0)
            continue
        for slot, col in t.columns.items():
            h = col.header
            m = QUARTER_END_RE.search(h) or INTERIM_COL_RE.match(h)
            if m and p.months == 12:
                q = 2 if m.re is INTERIM_COL_RE else \
                    ORDINALS.get((m.group(1) or "").lower(), 0) or int(m.group(3) or 0)
                if q:
                    r.cell_periods[slot] = Period(add_months(p.end, -3 * (4 - q)), 0)
                    continue
            if YEAR_END_RE.search(h) and p.months == 12:
                r.cell_periods[slot] = Period(p.end, 0)
            elif TOTAL_COL_RE.search(h) and p.months == 12:
                r.cell_periods[slot] = Period(p.end, 12)
    t.row_periods = True


# "Goodwill at December 29, 2024", "Accrued warranty as of June 30, 2025": a balance row.
AT_DATE_RE = re.compile(r"\b(?:at|as\s+of)\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},\s*"
                        r"(?:19|20)\d{2}\s*$", re.I)


def _is_roll_forward(t: Table) -> bool:
    """Balances at two dates with the movements between them, in a table whose columns are no
    periods (segments, components): each row carries its own period, as an equity statement."""
    if any(c.from_header and c.period_end for c in t.columns.values()):
        return False
    dated = [i for i, r in enumerate(t.rows) if AT_DATE_RE.search(r.label)
             or BALANCE_ROW_RE.match(r.label) and DATE_RE.search(r.label)]
    return len(dated) >= 2 and dated[-1] - dated[0] > 1     # movements stand between


def _equity_periods(t: Table, dp: DocPeriods) -> bool:
    """Balances are instants (the day before a printed first-of-month date); movements belong to
    the fiscal year that ends at the next balance."""
    balances = [(i, dp.balance_date(r.label)) for i, r in enumerate(t.rows)
                if BALANCE_ROW_RE.match(r.label) or BARE_DATE_RE.match(r.label) or AT_DATE_RE.search(r.label)]
    balances = [(i, d) for i, d in balances if d]
    if not balances:
        return False
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
    return True
