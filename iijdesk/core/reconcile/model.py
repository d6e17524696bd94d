"""What the rules see: the facts frame as plain per-fact arrays plus the tables' structure.

Everything here is derived from the facts contract (iijdesk.core.facts): hierarchy
(parent / row_label / is_total / level / row order), labels, measures, units, periods and
scale. Where the extractor leaves is_total/level/kind empty they are inferred from labels.
The `flag` and `note` columns are never read."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from iijdesk.core.reconcile.tolerance import decimals_of, unit_of

# Labels of rows that total the rows above them (when the extractor gives no is_total).
TOTAL_LABEL = re.compile(
    r"^(total\b|sum\b|consolidated\b|net cash\b|net (increase|decrease)|"
    r"net (income|loss) attributable|total$|subtotal)", re.I)
# Rows that enter their total with a minus sign although printed positive.
SUBTRACTED_LABEL = re.compile(r"^\W*(less\b|eliminations?\b|inter-?segment\b)", re.I)

_STOP = {"the", "of", "and", "in", "for", "to", "from", "on", "a", "an", "by", "with", "at",
         "as", "per", "its", "s", "inc", "co", "ltd", "unaudited", "jpy", "thousands",
         "millions", "u", "dollars", "yen"}
_SYN = {
    "revenue": "revenue", "revenues": "revenue", "sales": "sale", "costs": "cost",
    "expenses": "expense", "services": "service", "incomes": "income", "si": "systems integration",
    "sgna": "sga", "noncontrolling": "noncontrolling", "non-controlling": "noncontrolling",
    "businesses": "business", "liabilities": "liability", "assets": "asset", "investees": "investee",
    "investments": "investment", "activities": "activity", "obligations": "obligation",
}
_WORD = re.compile(r"[a-z0-9]+")


def label_tokens(label: str) -> frozenset:
    """Order-free normalised tokens of a label, for matching one item across tables."""
    s = (label or "").lower().replace("&", " and ").replace("non-controlling", "noncontrolling")
    s = s.replace("sg and a", "sga")
    out = []
    for w in _WORD.findall(s):
        w = _SYN.get(w, w)
        for part in w.split():
            if part in _STOP or part.isdigit():
                continue
            if len(part) > 4 and part.endswith("s") and not part.endswith("ss"):
                part = part[:-1]
            out.append(part)
    return frozenset(out)


def similarity(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class Row:
    table: str
    key: int                 # row order within the table
    line: int
    label: str
    parent: str
    is_total: bool
    level: int
    cells: dict = field(default_factory=dict)    # column key -> fact position


@dataclass
class Table:
    tid: str
    doc: str
    title: str
    kind: str
    rows: list = field(default_factory=list)     # Row, in printed order
    columns: dict = field(default_factory=dict)  # column key -> list of positions


class Context:
    """Per-fact arrays (by position) and the table structure, built once per run."""

    def __init__(self, facts: pd.DataFrame, documents: dict | None = None) -> None:
        self.facts = facts
        self.documents = documents or {}
        n = len(facts)
        self.n = n
        self.ids = list(facts.index)
        self.pos_of = {fid: i for i, fid in enumerate(self.ids)}
        col = lambda c, d="": (facts[c].to_numpy() if c in facts.columns else np.full(n, d, dtype=object))
        self.doc = [str(x) for x in col("doc")]
        self.line = [int(x) if not pd.isna(x) else 0 for x in col("line", 0)]
        self.table_id = [str(x) for x in col("table_id")]
        self.title = [str(x) for x in col("table")]
        self.kind = [str(x) for x in col("kind", "other")]
        self.parent = [str(x) for x in col("parent")]
        self.label = [str(x) for x in col("row_label")]
        self.col_label = [str(x) for x in col("col_label")]
        self.period_end = [str(x) for x in col("period_end")]
        self.months = [(-1 if pd.isna(x) else int(x)) for x in col("period_months", pd.NA)]
        self.measure = [str(x) or "value" for x in col("measure", "value")]
        self.unit = [str(x) for x in col("unit")]
        self.scale = [float(x) if not pd.isna(x) else 1.0 for x in col("scale", 1)]
        self.printed = [str(x) for x in col("printed")]
        self.values = np.array(pd.to_numeric(facts["value"], errors="coerce"), dtype=float) if n else np.zeros(0)
        rows = col("row", pd.NA)
        levels = col("level", pd.NA)
        totals = col("is_total", False)
        self.has_is_total = bool(n) and any(bool(x) for x in totals if not pd.isna(x))
        decs = col("decimals", pd.NA)
        self.decimals = []
        for i in range(n):
            d = decs[i]
            self.decimals.append(int(d) if not pd.isna(d) else decimals_of(self.printed[i]))
        self.unit_last = [unit_of(self.scale[i] if self.unit[i] != "percent" else 1.0, self.decimals[i])
                          for i in range(n)]
        self.row_no = [int(r) if not pd.isna(r) else -1 for r in rows]
        cols = col("col", pd.NA)
        starts = col("start", pd.NA)
        self.col = [int(c) if not pd.isna(c) else 0 for c in cols]
        self.start = [int(c) if not pd.isna(c) else -1 for c in starts]
        self.level = [int(x) if not pd.isna(x) else 0 for x in levels]
        self.is_total_given = [bool(x) if not pd.isna(x) else False for x in totals]
        self.tokens_cache: dict = {}
        self._build_tables()

    # -- helpers -----------------------------------------------------------------------
    def value(self, i: int) -> float:
        return float(self.values[i])

    def tokens(self, text: str) -> frozenset:
        t = self.tokens_cache.get(text)
        if t is None:
            t = self.tokens_cache[text] = label_tokens(text)
        return t

    def colkey(self, i: int) -> tuple:
        return (self.col_label[i], self.period_end[i], self.months[i], self.measure[i], self.unit[i])

    def is_amount(self, i: int) -> bool:
        return self.measure[i] in ("value", "target") and self.unit[i] not in ("percent",)

    def row_total(self, label: str, i: int | None = None) -> bool:
        if self.has_is_total and i is not None and self.is_total_given[i]:
            return True
        return bool(TOTAL_LABEL.search(label.strip()))

    # -- structure ---------------------------------------------------------------------
    def _build_tables(self) -> None:
        self.tables: dict[str, Table] = {}
        by_table = defaultdict(list)
        for i in range(self.n):
            by_table[self.table_id[i]].append(i)
        self.doc_tables = defaultdict(list)
        for tid, pos in by_table.items():
            i0 = pos[0]
            t = Table(tid, self.doc[i0], self.title[i0], self.kind[i0])
            rows: dict = {}
            for i in pos:
                rk = self.row_no[i] if self.row_no[i] >= 0 else self.line[i]
                r = rows.get(rk)
                if r is None:
                    r = rows[rk] = Row(tid, rk, self.line[i], self.label[i], self.parent[i],
                                       self.row_total(self.label[i], i), self.level[i])
                ck = self.colkey(i)
                if ck in r.cells:          # two numbers in one cell position: keep both apart
                    ck = ck + (len(r.cells),)
                r.cells[ck] = i
                t.columns.setdefault(ck, []).append(i)
            t.rows = [rows[k] for k in sorted(rows)]
            self.tables[tid] = t
            self.doc_tables[t.doc].append(t)
