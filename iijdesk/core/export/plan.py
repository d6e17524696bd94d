"""What goes where in the workbook, decided before any cell is written (pure pandas/Python).

facts -> sheets (one per statement kind; split per release where the layout differs)
      -> blocks (tables sharing one row layout, merged so their periods sit side by side)
      -> rows (the table's printed order and hierarchy) x columns (periods in time order)
and, per table, which rows are sums of which other rows (`sum_groups`), confirmed by the
printed numbers themselves so a formula is only written where the release really adds up.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import pandas as pd

try:  # the reconciliation's own rounding rules, so the workbook flags what the checks flag
    from iijdesk.core.reconcile.tolerance import decimals_of, sum_tolerance, unit_of
except ImportError:  # pragma: no cover - kept so export works on its own
    _DEC = re.compile(r"\d[\d,]*(?:\.(\d+))?")

    def decimals_of(printed: str) -> int:
        m = _DEC.search(printed or "")
        return len(m.group(1)) if m and m.group(1) else 0

    def unit_of(scale: float, decimals: int) -> float:
        return float(scale or 1) * 10.0 ** -int(decimals or 0)

    def sum_tolerance(units) -> float:
        units = list(units)
        return 0.5 * sum(units) + 1e-9 * max(units, default=0.0)

# Statement kinds in the order their sheets appear.
KIND_ORDER = ("income", "balance", "cashflow", "equity", "summary", "segment", "breakdown",
              "kpi", "nongaap", "per_share", "dividends", "targets", "other")
KIND_TITLES = {"income": "Income", "balance": "Balance sheet", "cashflow": "Cash flows",
               "equity": "Equity", "summary": "Summary", "segment": "Segments",
               "breakdown": "Breakdowns", "kpi": "KPIs", "nongaap": "Non-GAAP",
               "per_share": "Per share", "dividends": "Dividends", "targets": "Targets",
               "other": "Other"}
# Column order among columns sharing a period.
MEASURE_ORDER = {"value": 0, "target": 1, "change": 2, "yoy_pct": 3, "share_pct": 4}
# Measures and units whose rows can be a sum of other rows (percentages and ratios cannot).
ADDITIVE_MEASURES = ("value", "target", "change")
NON_ADDITIVE_UNITS = ("percent",)
# A sum structure must hold in at least this share of the columns where it can be tested.
MIN_MATCH_SHARE = 0.5
# A structure the extractor states (parent keys) is still written as a formula when it misses
# in every column by no more than this share of the total: a misprint, not a different identity.
NEAR_MISS_SHARE = 0.02
# Words that mark a row as a total when the extractor did not set is_total.
_TOTAL_WORDS = re.compile(r"^\s*(total|sub-?total|net\b|grand total)", re.I)
# Rows that enter their total with a minus sign although printed positive.
try:
    from iijdesk.core.reconcile.model import SUBTRACTED_LABEL as SUBTRACTED
except ImportError:  # pragma: no cover
    SUBTRACTED = re.compile(r"^\W*(less\b|eliminations?\b|inter-?segment\b)", re.I)
SHEET_NAME_MAX = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def norm_label(s: str) -> str:
    return " ".join(re.sub(r"[^\w%]+", " ", str(s)).split()).casefold()


@dataclass
class Column:
    """One printed column of one table, placed in a block."""
    table_id: str
    doc: str
    key: tuple                 # identity within its table
    col_label: str
    period_end: str
    period_months: object      # int or None
    measure: str
    unit: str
    scale: int
    first_col: int             # printed position, for ordering
    decimals: int = 0          # most decimals printed in the column
    check: bool = False        # gets an adjacent "printed" column (holds a sum)

    @property
    def additive(self) -> bool:
        return self.measure in ADDITIVE_MEASURES and self.unit not in NON_ADDITIVE_UNITS


@dataclass
class Block:
    """Tables of one kind with one row layout, merged: rows once, every table's columns."""
    title: str
    table_ids: list[str]
    docs: list[str]
    labels: list[str]
    levels: list[int]                        # indent: the release's hierarchy depth
    row_periods: bool                        # periods vary by row (equity statements)
    columns: list[Column] = field(default_factory=list)
    cells: dict = field(default_factory=dict)      # (row_i, col_i) -> fact id
    sums: dict = field(default_factory=dict)       # (row_i, col_i) -> [(row_i, col_i, sign)]
    tolerance: dict = field(default_factory=dict)  # (row_i, col_i) -> rounding tolerance
    row_period_text: list[str] = field(default_factory=list)
    totals: set = field(default_factory=set)       # row_i that are totals (bold)
    outline: list[int] = field(default_factory=list)  # outline level: depth under the sums


@dataclass
class SheetPlan:
    name: str
    kind: str
    docs: list[str]
    blocks: list[Block]


# ----------------------------------------------------------------------------------------------
def plan_sheets(facts: pd.DataFrame, doc_order: list[str] | None = None,
                reserved: set[str] | None = None, recs: dict | None = None,
                findings: pd.DataFrame | None = None) -> list[SheetPlan]:
    """Decide every statement sheet, block, row and column for `facts`."""
    if not len(facts):
        return []
    f = facts
    docs = doc_order or list(dict.fromkeys(f["doc"]))
    doc_rank = {d: i for i, d in enumerate(docs)}
    recs = recs if recs is not None else records(f)
    tables = _tables(recs)
    structure = structure_from_findings(findings, recs)             # table_id -> _Table, in document order
    by_kind: dict[str, list[_Table]] = {}
    for t in tables.values():
        by_kind.setdefault(t.kind, []).append(t)
    sheets: list[SheetPlan] = []
    used: set[str] = set(reserved or ())
    kinds = sorted(by_kind, key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER), k))
    for kind in kinds:
        ts = sorted(by_kind[kind], key=lambda t: (doc_rank.get(t.doc, 1 << 30), t.order))
        # Each release's layout of this kind: the set of row layouts of its tables.
        per_doc: dict[str, list[_Table]] = {}
        for t in ts:
            per_doc.setdefault(t.doc, []).append(t)
        groups: dict[frozenset, list[str]] = {}
        for d, dts in per_doc.items():
            groups.setdefault(frozenset(t.signature for t in dts), []).append(d)
        for gdocs in groups.values():
            gts = [t for d in gdocs for t in per_doc[d]]
            blocks: dict[tuple, list[_Table]] = {}
            for t in gts:
                blocks.setdefault(t.signature, []).append(t)
            title = KIND_TITLES.get(kind, kind.replace("_", " ").capitalize())
            name = title if len(groups) == 1 else f"{title} {_short_doc(gdocs[0])}" + (
                f" +{len(gdocs) - 1}" if len(gdocs) > 1 else "")
            sheets.append(SheetPlan(_unique_sheet_name(name, used), kind, list(gdocs),
                                    [_block(bts, doc_rank, structure) for bts in blocks.values()]))
    return sheets


def _short_doc(doc: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", doc)
    return stem[:14]


def _unique_sheet_name(name: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'") or "Sheet"
    base = base[:SHEET_NAME_MAX]
    out, n = base, 2
    while out.casefold() in used:
        suffix = f" ({n})"
        out = base[:SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    used.add(out.casefold())
    return out



# ----------------------------------------------------------------------------------------------
@dataclass
class _Table:
    table_id: str
    doc: str
    title: str
    kind: str
    order: int
    recs: list                      # the table's facts (Fact records), printed order
    rows: list[int]                 # printed row numbers in order
    labels: list[str]
    parents: list[str]
    levels: list[int]
    is_total: list[bool]
    signature: tuple
    row_periods: bool


def records(f: pd.DataFrame) -> dict:
    """fact id -> Fact record (a namedtuple of the contract columns), for fast access."""
    cols = [c for c in f.columns if c.isidentifier() and not c.startswith("_")]
    fact = _fact_type(tuple(cols))
    data = [_plain_list(f[c]) for c in cols]
    return {fid: fact._make(row) for fid, row in zip(f.index.tolist(), zip(*data))}


def _plain_list(s: pd.Series) -> list:
    """A column as Python values, missing ones as None (numbers as NaN stay NaN)."""
    if s.dtype == object or str(s.dtype) in ("str", "string"):
        return s.tolist()
    if str(s.dtype) in ("Int64", "boolean"):
        return [None if v is pd.NA else v for v in s.astype(object).tolist()]
    return s.tolist()


_FACT_TYPES: dict = {}


def _fact_type(cols: tuple):
    from collections import namedtuple

    t = _FACT_TYPES.get(cols)
    if t is None:
        t = _FACT_TYPES[cols] = namedtuple("Fact", cols, rename=True)
    return t


def _int_or(v, default: int) -> int:
    return default if v is None or v is pd.NA or (isinstance(v, float) and v != v) else int(v)


def _tables(recs: dict) -> dict[str, _Table]:
    by_table: dict[str, list] = {}
    for fid, r in recs.items():
        by_table.setdefault(r.table_id, []).append((fid, r))
    out: dict[str, _Table] = {}
    big = 1 << 30
    for order, (tid, items) in enumerate(by_table.items()):
        items.sort(key=lambda x: (_int_or(x[1].row, big), _int_or(x[1].col, big),
                                  _int_or(x[1].line, big), _int_or(x[1].start, big)))
        rows, labels, parents, levels, is_total = [], [], [], [], []
        idx: dict[int, int] = {}
        kinds: dict[str, int] = {}
        periods_by_label: dict[str, set] = {}
        for fid, r in items:
            rr = _int_or(r.row, -1)
            if rr not in idx:
                idx[rr] = len(rows)
                rows.append(rr)
                labels.append(str(r.row_label))
                parents.append(str(r.parent))
                levels.append(_int_or(r.level, 0))
                is_total.append(bool(r.is_total))
            elif r.is_total:
                is_total[idx[rr]] = True
            k = r.kind or "other"
            kinds[k] = kinds.get(k, 0) + 1
            if r.period_end:
                periods_by_label.setdefault((r.col_label, _int_or(r.col, -1)), set()).add(
                    (r.period_end, _months(r.period_months)))
        kind = max(kinds, key=lambda k: (kinds[k], k != "other")) if kinds else "other"
        # Periods that change down a column (an equity statement: balances and movements as
        # rows, components as columns) make the columns components, not periods.
        # (Instants beside one duration are opening/closing balances, not a new period.)
        varying = sum(1 for v in periods_by_label.values() if _distinct_periods(v) > 1)
        row_periods = bool(periods_by_label) and varying > len(periods_by_label) / 2
        r0 = items[0][1]
        out[tid] = _Table(tid, str(r0.doc), str(r0.table), kind, order, items, rows, labels,
                          parents, levels, is_total, tuple(norm_label(x) for x in labels), row_periods)
    return out


def _distinct_periods(periods: set) -> int:
    """Durations in a column, or its instants where it has no duration."""
    durations = {p for p in periods if (p[1] or 0) > 0}
    return len(durations) if durations else len(periods)


def _col_key(r, row_periods: bool) -> tuple:
    if row_periods:
        return (r.col_label, r.measure, r.unit, int(r.scale))
    return (r.period_end, _months(r.period_months), r.measure, r.unit, int(r.scale), r.col_label)


def _months(v):
    return None if v is None or v is pd.NA or v != v else int(v)


def _block(tables: list[_Table], doc_rank: dict, structure: dict | None = None) -> Block:
    t0 = tables[0]
    row_periods = any(t.row_periods for t in tables)
    docs = list(dict.fromkeys(t.doc for t in tables))
    b = Block(title=t0.title, table_ids=[t.table_id for t in tables], docs=docs,
              labels=list(t0.labels), levels=[0] * len(t0.labels), row_periods=row_periods,
              row_period_text=[""] * len(t0.labels))
    derived_levels = None
    for t in tables:
        cols, cells = _table_columns(t, row_periods)
        base = len(b.columns)
        b.columns.extend(cols)
        for (ri, ci), fid in cells.items():
            b.cells[(ri, base + ci)] = fid
        # The sums the checks report as not adding up (so the workbook flags exactly what
        # the findings say), then every other sum the table's numbers confirm, where it adds up.
        groups, tol = groups_from_structure(t, cols, cells, structure or {})
        own, _own_tol = sum_groups(t, cols, cells)
        recs_t = dict(t.recs)
        for k, grp in own.items():
            if k in groups:
                continue
            ok, tl = _fits(recs_t, cells, k[0], k[1], grp)
            if ok:
                groups[k], tol[k] = grp, tl
        for (ri, ci), items in groups.items():
            b.sums[(ri, base + ci)] = [(i, base + c, sg) for i, c, sg in items]
            b.tolerance[(ri, base + ci)] = tol[(ri, ci)]
            b.columns[base + ci].check = True
            b.totals.add(ri)
        if derived_levels is None:
            derived_levels = _levels(t, groups)
            b.outline = _sum_depth(t, groups)
        # A row's own period where it differs from its column's (every row of an equity
        # statement; a cash flow statement's opening and closing balances).
        own: dict[int, list[str]] = {}
        for (ri, ci), fid in sorted(cells.items(), key=lambda x: (x[0][0], cols[x[0][1]].first_col)):
            r = recs_t[fid]
            col = cols[ci]
            if r.period_end and (row_periods or (r.period_end, _months(r.period_months))
                                 != (col.period_end, col.period_months)):
                cap = period_caption(r.period_end, r.period_months)
                if cap not in own.setdefault(ri, []):
                    own[ri].append(cap)
        for ri, caps in own.items():
            if not b.row_period_text[ri]:
                b.row_period_text[ri] = " | ".join(caps)
    b.levels = derived_levels or b.levels
    for ri, tot in enumerate(t0.is_total):
        if tot or _TOTAL_WORDS.match(t0.labels[ri]):
            b.totals.add(ri)
    # Periods in time order (the block's tables side by side); printed order where none applies.
    if not row_periods:
        order = sorted(range(len(b.columns)), key=lambda i: _col_sort(b.columns[i], doc_rank))
        if order != list(range(len(b.columns))):
            remap = {old: new for new, old in enumerate(order)}
            b.columns = [b.columns[i] for i in order]
            b.cells = {(r, remap[c]): v for (r, c), v in b.cells.items()}
            b.sums = {(r, remap[c]): [(i, remap[ic], sg) for i, ic, sg in v] for (r, c), v in b.sums.items()}
            b.tolerance = {(r, remap[c]): v for (r, c), v in b.tolerance.items()}
    return b


def _col_sort(c: Column, doc_rank: dict) -> tuple:
    no_period = not c.period_end
    return (no_period, c.period_end, -1 if c.period_months is None else c.period_months,
            MEASURE_ORDER.get(c.measure, 9), doc_rank.get(c.doc, 1 << 30), c.first_col)


def _table_columns(t: _Table, row_periods: bool) -> tuple[list[Column], dict]:
    """The table's columns and its cells {(row index in table, column index): fact id}.

    A column is a printed column (position and header) where the extractor gives positions,
    else one period/measure/unit; its period is the one most of its numbers carry (a cash
    flow's opening balance row keeps its own, shown beside its label)."""
    row_index = {r: i for i, r in enumerate(t.rows)}
    by_position = all(_int_or(r.col, -1) >= 0 for _fid, r in t.recs)
    cols: dict[tuple, int] = {}
    out: list[Column] = []
    cells: dict = {}
    seen: dict[tuple, int] = {}
    periods: list[dict] = []
    for fid, r in t.recs:
        ri = row_index[_int_or(r.row, -1)]
        if by_position:
            key = (_int_or(r.col, -1), r.col_label, r.measure, r.unit, int(r.scale))
        else:
            key = _col_key(r, row_periods)
        n = seen.get((ri, key), 0)       # a second number under the same header in one row
        seen[(ri, key)] = n + 1
        key = key + (n,)
        if key not in cols:
            cols[key] = len(out)
            out.append(Column(t.table_id, t.doc, key, r.col_label, r.period_end,
                              _months(r.period_months), r.measure, r.unit, int(r.scale),
                              _int_or(r.col, len(out))))
            periods.append({})
        ci = cols[key]
        cells[(ri, ci)] = fid
        p = (r.period_end, _months(r.period_months))
        periods[ci][p] = periods[ci].get(p, 0) + 1
        d = _decimals(r.decimals, r.printed)
        if d > out[ci].decimals:
            out[ci].decimals = d
    for c, counts in zip(out, periods):
        # the most common period; among equals a duration (the statement's own period)
        (c.period_end, c.period_months) = max(
            counts, key=lambda p: (counts[p], bool(p[0]), (p[1] or 0) > 0, p[0]))
    return out, cells


def _decimals(d, printed: str) -> int:
    if d is not None and d is not pd.NA and d == d:
        return int(d)
    return decimals_of(str(printed))


def period_caption(period_end: str, months) -> str:
    if not period_end:
        return ""
    m = _months(months)
    if m is None:
        return period_end
    return f"at {period_end}" if m == 0 else f"{m}M to {period_end}"


# ----------------------------------------------------------------------------------------------
def sum_groups(t: _Table, cols: list[Column], cells: dict, strict: bool = False,
               skip: set | None = None) -> tuple[dict, dict]:
    """Which rows of table `t` are sums of which rows, per column.

    Candidates, tried in turn for each row in printed order:
      1. its children by parent key (rows whose `parent` is this row's label, next to it);
      2. for a total row: the open rows (not yet summed) sharing its parent key;
      3. for a total row: the last k open rows, any k (a total closes the run above it).
    Rows labelled as subtracted ("Less ...", "Elimination") may enter negated. A candidate is
    taken when it adds up, within rounding, in at least MIN_MATCH_SHARE of the columns where it
    can be tested (or, for a stated structure, misses only by a misprint). `strict` tries only
    the stated structure (1) and takes it only where it adds up in every column; rows in `skip`
    are left alone. Returns ({(row_i, col_i): [(item row_i, col_i, sign)]},
    {(row_i, col_i): tolerance}) for additive columns where the total is printed."""
    n = len(t.rows)
    if n < 2:
        return {}, {}
    add_cols = [ci for ci, c in enumerate(cols) if c.additive]
    if not add_cols:
        return {}, {}
    skip = skip or set()
    val = {}
    unit = {}
    recs = dict(t.recs)
    for (ri, ci), fid in cells.items():
        r = recs[fid]
        v = r.value
        val[(ri, ci)] = None if v is None or v != v else float(v)
        unit[(ri, ci)] = unit_of(r.scale, _decimals(r.decimals, r.printed))
    labels = [norm_label(x) for x in t.labels]
    parents = [norm_label(x) for x in t.parents]
    minus = [bool(SUBTRACTED.search(x)) for x in t.labels]
    totalish = [t.is_total[i] or bool(_TOTAL_WORDS.match(t.labels[i])) for i in range(n)]

    consumed: set[int] = set()
    open_rows: list[int] = []
    item_of: dict[int, int] = {}
    chosen: dict[int, tuple[list[int], bool]] = {}

    def fits(r: int, ci: int, items: list[int]) -> tuple[bool, bool, float] | None:
        tv = val.get((r, ci))
        if tv is None:
            return None
        present = [(i, val[(i, ci)]) for i in items if val.get((i, ci)) is not None]
        if not present:
            return None
        units = [unit[(r, ci)]] + [unit[(i, ci)] for i in items if (i, ci) in unit]
        tol = sum_tolerance(units)
        plain = sum(v for _i, v in present)
        signed = sum(-v if minus[i] else v for i, v in present)
        d_plain, d_signed = abs(plain - tv), abs(signed - tv)
        return d_plain <= tol, d_signed <= tol, min(d_plain, d_signed) / max(abs(tv), 1e-12)

    def score(r: int, items: list[int]) -> tuple[int, int, float, bool]:
        matches = tested = signed_hits = plain_hits = 0
        worst = 0.0
        for ci in add_cols:
            f = fits(r, ci, items)
            if f is None:
                continue
            tested += 1
            if f[0] or f[1]:
                matches += 1
                plain_hits += f[0]
                signed_hits += f[1] and not f[0]
            else:
                worst = max(worst, f[2])
        return matches, tested, worst, signed_hits > plain_hits

    def ok(matches, tested, worst, stated) -> bool:
        if tested == 0:
            return False
        if strict:
            return matches == tested
        if matches and matches >= MIN_MATCH_SHARE * tested:
            return True
        return stated and worst <= NEAR_MISS_SHARE

    for r in range(n):
        cands: list[tuple[list[int], bool]] = []
        if r not in skip and labels[r]:
            kids = _children(r, labels, parents, consumed)
            if len(kids) >= 1:
                cands.append((kids, True))
        if totalish[r] and not strict and r not in skip:
            if parents[r]:
                sib = [i for i in open_rows if parents[i] == parents[r]]
                if len(sib) >= 2:
                    cands.append((sib, True))
            for k in range(2, len(open_rows) + 1):
                cands.append((open_rows[-k:], False))
        best = None
        for items, stated in cands:
            if not items or r in items or any(_ancestor(r, i, item_of) for i in items):
                continue
            m, tst, worst, signed = score(r, items)
            if ok(m, tst, worst, stated):
                if stated:
                    best = (items, m, signed)
                    break
                if best is None or m > best[1]:
                    best = (items, m, signed)
        if best is not None:
            items = best[0]
            chosen[r] = (items, best[2])
            for i in items:
                item_of[i] = r
                consumed.add(i)
            open_rows = [i for i in open_rows if i not in items]
        if r not in consumed:
            open_rows.append(r)

    groups, tol = {}, {}
    for r, (items, signed) in chosen.items():
        for ci in add_cols:
            if (r, ci) not in cells or val.get((r, ci)) is None:
                continue
            present = [i for i in items if (i, ci) in cells]
            if not present:
                continue
            groups[(r, ci)] = [(i, ci, -1 if (signed and minus[i]) else 1) for i in present]
            tol[(r, ci)] = sum_tolerance([unit[(r, ci)]] + [unit[(i, ci)] for i in present])
    return groups, tol


def _children(r: int, labels, parents, consumed) -> list[int]:
    """Rows whose parent key is row r's label, adjacent to r (after it, else before it);
    rows nested under one of those children are skipped over."""
    me = labels[r]
    n = len(labels)
    kids: list[int] = []
    keep = {me}
    i = r + 1
    while i < n:
        if parents[i] == me and labels[i] != me:
            kids.append(i)
            keep.add(labels[i])
        elif parents[i] in keep and parents[i] != me and kids:
            pass                                     # a grandchild: skipped
        else:
            break
        i += 1
    if kids:
        return [k for k in kids if k not in consumed]
    i = r - 1
    while i >= 0 and parents[i] == me and labels[i] != me:
        if i not in consumed:
            kids.insert(0, i)
        i -= 1
    return kids


def _ancestor(r: int, i: int, item_of: dict) -> bool:
    """Whether row i already (transitively) contains row r."""
    seen = set()
    x = r
    while x in item_of and x not in seen:
        seen.add(x)
        x = item_of[x]
        if x == i:
            return True
    return False


def _levels(t: _Table, groups: dict) -> list[int]:
    """Hierarchy depth per row: the extractor's `level` where it set one, else from the sums."""
    if any(t.levels):
        return list(t.levels)
    return _sum_depth(t, groups)


def _sum_depth(t: _Table, groups: dict) -> list[int]:
    """How many totals each row is nested in (items of items of a total: 2)."""
    parent_of: dict[int, int] = {}
    for (r, _ci), items in groups.items():
        for i, _c, _s in items:
            if i != r:
                parent_of.setdefault(i, r)
    out = []
    for r in range(len(t.rows)):
        d, x, seen = 0, r, set()
        while x in parent_of and x not in seen:
            seen.add(x)
            x = parent_of[x]
            d += 1
        out.append(min(d, 7))
    return out



# ----------------------------------------------------------------------------------------------
def structure_from_findings(findings: pd.DataFrame | None, recs: dict) -> dict:
    """total fact id -> [(item fact id, sign)] for every sum the reconciliation reports as not
    adding up (sum_mismatch findings list the total first, then its items).

    The signs are those that reproduce the finding's `expected` sum (rows such as "Less ..."
    or "Elimination" enter negated), so the workbook's formula is the sum the checks made."""
    out: dict = {}
    if findings is None or not len(findings) or "kind" not in findings.columns:
        return out
    from iijdesk.core.reconcile import fact_ids_of

    for f in findings[findings["kind"] == "sum_mismatch"].itertuples(index=False):
        ids = fact_ids_of(getattr(f, "fact_ids", None))
        if len(ids) < 2 or any(i not in recs for i in ids):
            continue
        total, items = ids[0], ids[1:]
        t = recs[total]
        if any((recs[i].table_id, recs[i].col_label, recs[i].unit) != (t.table_id, t.col_label, t.unit)
               for i in items):
            continue                     # not one column of one table: not a formula
        vals = [_val0(recs[i].value) for i in items]
        minus = [bool(SUBTRACTED.search(str(recs[i].row_label))) for i in items]
        expected = getattr(f, "expected", math.nan)
        signed = sum(-v if m else v for v, m in zip(vals, minus))
        use_signed = any(minus) and not (isinstance(expected, float) and math.isnan(expected)) and \
            abs(signed - float(expected)) < abs(sum(vals) - float(expected))
        out[total] = [(i, -1 if (use_signed and m) else 1) for i, m in zip(items, minus)]
    return out


def _val0(v) -> float:
    return 0.0 if v is None or v is pd.NA or v != v else float(v)


def groups_from_structure(t: _Table, cols: list[Column], cells: dict, structure: dict):
    """Sums of table t the reconciliation reported, per column, and the same rows' sums in
    the table's other columns where they add up."""
    where = {fid: rc for rc, fid in cells.items()}
    recs = dict(t.recs)
    groups, tol = {}, {}
    rows_of: dict[int, list] = {}
    for (ri, ci), fid in cells.items():
        items = structure.get(fid)
        if not items or any(i not in where for i, _s in items):
            continue
        grp = [(where[i][0], where[i][1], s) for i, s in items]
        groups[(ri, ci)] = grp
        tol[(ri, ci)] = _tolerance(recs, fid, [i for i, _s in items])
        rows_of.setdefault(ri, [(i, s) for i, _c, s in grp])
    for ri, rows in rows_of.items():
        for ci, col in enumerate(cols):
            if (ri, ci) in groups or (ri, ci) not in cells or not col.additive:
                continue
            if any((i, ci) not in cells for i, _s in rows):
                continue
            grp = [(i, ci, s) for i, s in rows]
            ok, tl = _fits(recs, cells, ri, ci, grp)
            if ok:
                groups[(ri, ci)], tol[(ri, ci)] = grp, tl
    return groups, tol


def _tolerance(recs: dict, total, items) -> float:
    units = [unit_of(recs[x].scale, _decimals(recs[x].decimals, recs[x].printed))
             for x in [total, *items]]
    return sum_tolerance(units)


def _fits(recs: dict, cells: dict, ri: int, ci: int, grp) -> tuple[bool, float]:
    tv = recs[cells[(ri, ci)]].value
    if tv is None or tv != tv:
        return False, 0.0
    s = sum(sg * _val0(recs[cells[(i, c)]].value) for i, c, sg in grp)
    tl = _tolerance(recs, cells[(ri, ci)], [cells[(i, c)] for i, c, _s in grp])
    return abs(s - float(tv)) <= tl, tl
