"""Where an analyst's sheet keeps its periods and its line-item labels.

`propose_layout(sheet)` looks at the top of a worksheet for the row whose cells name periods
("1Q09 2Q09 ...", "FY2009" over "Q1 Q2 Q3 Q4 FY", Excel dates, "Dec-09"), and at the columns
left of the first period for the one holding most labels. The result is a proposal: every
field of `SheetLayout` may be changed (the dialog, `iijdesk update --period-row/--label-column`)
and the layout re-read with `read_layout(sheet, period_row=..., label_col=...)`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from iijdesk.core.model_update.labels import ColumnPeriod, FiscalCalendar, PeriodToken, parse_label

# Rows at the top of a sheet searched for the period row.
HEADER_SCAN_ROWS = 40
# A period row names at least this many periods.
MIN_PERIOD_COLUMNS = 2
# Rows above a row of quarter-only labels ("Q1", "FY") searched for the years they belong to.
YEAR_ROW_REACH = 2
# Spacing of date columns (months) read as quarters, halves, years; other spacings are
# resolved by the numbers (quarters first).
DATE_CADENCES = (3, 6, 12)
DEFAULT_DATE_MONTHS = 3
# Spaces of indentation in a label that count as one level.
SPACES_PER_LEVEL = 2


@dataclass
class SheetLayout:
    sheet: str
    period_row: int                    # 1-based row of the period labels
    label_col: int                     # 1-based column of the line-item labels
    first_row: int                     # first row of line items
    last_row: int
    tokens: dict[int, PeriodToken] = field(default_factory=dict)   # column -> what its label says
    year_row: int | None = None        # the row naming the years of a two-row header
    date_months: int | None = None     # months a date column covers (its spacing)
    calendar: FiscalCalendar | None = None                          # set when resolved
    periods: dict[int, ColumnPeriod] = field(default_factory=dict)  # column -> period, resolved

    def describe(self) -> str:
        cols = sorted(self.tokens)
        if not cols:
            return f"{self.sheet}: no period labels"
        first, last = self.tokens[cols[0]].display, self.tokens[cols[-1]].display
        rows = f"rows {self.year_row}-{self.period_row}" if self.year_row else f"row {self.period_row}"
        span = f"{get_column_letter(cols[0])}{self.period_row}:{get_column_letter(cols[-1])}{self.period_row}"
        cal = f"; {self.calendar.describe()}" if self.calendar and any(
            t.kind != "date" for t in self.tokens.values()) else ""
        return (f"sheet '{self.sheet}': {len(cols)} periods in {rows} ({span}, {first} .. {last}), "
                f"labels in column {get_column_letter(self.label_col)}{cal}")


def _grid(sheet, max_row: int) -> list[list]:
    """Cell values of the first `max_row` rows (merged ranges carry their value into every
    cell, as the eye reads them)."""
    rows = [list(r) for r in sheet.iter_rows(min_row=1, max_row=max_row, values_only=True)]
    width = max((len(r) for r in rows), default=0)
    rows = [r + [None] * (width - len(r)) for r in rows]
    for rng in sheet.merged_cells.ranges:
        if rng.min_row > max_row:
            continue
        v = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_col - 1 < width else None
        for r in range(rng.min_row, min(rng.max_row, max_row) + 1):
            for c in range(rng.min_col, min(rng.max_col, width) + 1):
                rows[r - 1][c - 1] = v
    return rows


def _row_tokens(values: list) -> dict[int, PeriodToken]:
    out = {}
    for c, v in enumerate(values, start=1):
        tok = parse_label(v)
        if tok is not None:
            out[c] = tok
    # Plain numbers as years only when the row's numbers are all years in sequence (a row of
    # figures such as 2,007 and 2,011 is not a year row).
    nums = [c for c, v in enumerate(values, start=1) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    years = [c for c in nums if c in out]
    if years and (len(years) != len(nums) or len(years) < MIN_PERIOD_COLUMNS or
                  any(out[b].year <= out[a].year for a, b in zip(years, years[1:]))):
        for c in years:
            del out[c]
    return out


def _with_years(lower: dict[int, PeriodToken], uppers: list[dict[int, PeriodToken]]) -> dict[int, PeriodToken]:
    """Quarter-only labels given the years of the row(s) above: a group of columns runs from
    a first quarter (or the column after a year column) to the next; its year is the year
    label found above any of its columns."""
    out = {c: t for c, t in lower.items() if not t.partial}
    partial = sorted(c for c, t in lower.items() if t.partial)
    if not partial or not uppers:
        return out
    groups, cur, prev = [], [], None
    for c in partial:
        t = lower[c]
        order = (t.number if t.kind == "quarter" else (2 * t.number if t.kind == "half" else 5))
        if cur and (prev is None or order <= prev or lower[cur[-1]].kind == "year"):
            groups.append(cur)
            cur = []
        cur.append(c)
        prev = order
    if cur:
        groups.append(cur)
    for g in groups:
        year_tok = None
        for upper in uppers:
            for c in range(g[0], g[-1] + 1):
                t = upper.get(c)
                if t is not None and t.kind == "year" and t.year is not None:
                    year_tok = t
                    break
            if year_tok:
                break
        if year_tok is None:                     # a year label left of the group (merged-like)
            for upper in uppers:
                left = [c for c in upper if c < g[0] and upper[c].kind == "year" and upper[c].year]
                if left and all(lower.get(c) is None or lower[c].kind != "quarter" or c < max(left)
                                for c in range(max(left), g[0])):
                    year_tok = upper[max(left)]
                    break
        if year_tok is None:
            continue
        for c in g:
            out[c] = lower[c].with_year(year_tok.year)
    return out


def _level(cell) -> int:
    text = cell.value if isinstance(cell.value, str) else ""
    lead = len(text) - len(text.lstrip(" "))
    indent = int(getattr(cell.alignment, "indent", 0) or 0)
    return indent + lead // SPACES_PER_LEVEL


def propose_layout(sheet) -> SheetLayout | None:
    """The period row and label column of a worksheet, or None when it names no periods."""
    scan = min(sheet.max_row or 0, HEADER_SCAN_ROWS)
    if scan == 0:
        return None
    grid = _grid(sheet, scan)
    rows_tokens = [_row_tokens(r) for r in grid]
    best = None
    for i, toks in enumerate(rows_tokens):
        uppers = [rows_tokens[j] for j in range(i - 1, max(-1, i - 1 - YEAR_ROW_REACH), -1)]
        full = _with_years(toks, uppers)
        # distinct periods: a label merged over several columns names one period, not many
        n = len({(t.kind, t.number, t.year, t.day, t.months) for t in full.values()})
        if n < MIN_PERIOD_COLUMNS:
            continue
        if best is None or n > best[0]:
            year_row = None
            if any(toks[c].partial for c in full if c in toks):
                for j in range(i - 1, max(-1, i - 1 - YEAR_ROW_REACH), -1):
                    if any(t.kind == "year" and not t.partial for t in rows_tokens[j].values()):
                        year_row = j + 1
                        break
            best = (n, i + 1, full, year_row)
    if best is None:
        return None
    _, period_row, tokens, year_row = best
    return read_layout(sheet, period_row=period_row, tokens=tokens, year_row=year_row)


def read_layout(sheet, period_row: int, label_col: int | None = None,
                tokens: dict[int, PeriodToken] | None = None, year_row: int | None = None) -> SheetLayout | None:
    """The layout with the periods in `period_row` (and, optionally, the labels in
    `label_col`): the override of a proposal."""
    if tokens is None:
        grid = _grid(sheet, period_row)
        lower = _row_tokens(grid[period_row - 1]) if period_row <= len(grid) else {}
        uppers = [_row_tokens(grid[j]) for j in range(period_row - 2, max(-1, period_row - 2 - YEAR_ROW_REACH), -1)]
        tokens = _with_years(lower, uppers)
        if any(t.partial for t in lower.values()):
            for j in range(period_row - 2, max(-1, period_row - 2 - YEAR_ROW_REACH), -1):
                if any(t.kind == "year" and not t.partial for t in uppers[period_row - 2 - j].values()):
                    year_row = j + 1
                    break
    if not tokens:
        return None
    first_col = min(tokens)
    last_row = sheet.max_row or period_row
    if label_col is None:
        # the column left of the periods with the most text, the longest on a tie (labels
        # beside a column of short codes)
        counts, lengths = Counter(), Counter()
        for row in sheet.iter_rows(min_row=period_row + 1, max_row=last_row, max_col=max(1, first_col - 1)):
            for cell in row:
                v = cell.value
                if isinstance(v, str) and v.strip() and not v.startswith("=") and parse_label(v) is None:
                    counts[cell.column] += 1
                    lengths[cell.column] += len(v.strip())
        label_col = max(counts, key=lambda c: (counts[c], lengths[c], -c)) if counts else 1
    layout = SheetLayout(sheet.title, period_row, label_col, period_row + 1, last_row, dict(tokens),
                         year_row=year_row)
    layout.date_months = _date_months(tokens)
    return layout


def _date_months(tokens: dict[int, PeriodToken]) -> int | None:
    days = sorted({t.day for t in tokens.values() if t.kind == "date" and t.months is None})
    if not days:
        return None
    if len(days) < 2:
        return DEFAULT_DATE_MONTHS
    gaps = Counter((b.year - a.year) * 12 + b.month - a.month for a, b in zip(days, days[1:]))
    gap = gaps.most_common(1)[0][0]
    return gap if gap in DATE_CADENCES else DEFAULT_DATE_MONTHS


def row_label(sheet, layout: SheetLayout, row: int) -> tuple[str, int]:
    """A row's line-item label (stripped) and its indentation level."""
    cell = sheet.cell(row=row, column=layout.label_col)
    v = cell.value
    if v is None or (isinstance(v, str) and v.startswith("=")):
        return "", 0
    return " ".join(str(v).split()), _level(cell)
