"""The facts model: one row per printed number, as a pandas DataFrame.

Column contract (every module above the extractor relies on it):

doc            file name of the release
line           1-based line of the printed number in the document's text
table          the table's title as printed nearest above it
table_id       unique id of the table within a workspace ("<doc>#<n>")
kind           statement kind: income, balance, cashflow, equity, segment, breakdown, kpi,
               nongaap, targets, dividends, per_share, summary, other
parent         the nearest enclosing section / total row label ("" at top level)
row_label      the cleaned row label (SPEC.md conventions)
row            0-based row position within the table (keeps the printed order)
level          hierarchy depth (0 top level)
is_total       the row is a total / subtotal of the rows below its `parent` key
col_label      the column header joined to one line
col            0-based column position within the table
period_end     ISO date ("" where no period applies)
period_months  0 instant, 3/6/9/12 duration; <NA> where no period applies
measure        value | yoy_pct | share_pct | change | target
unit           JPY, USD, percent, shares, ADS, contracts, Gbps, JPY_per_share ...
scale          1, 1000, 1000000, 1000000000
printed        the number exactly as printed
value          base units (printed x scale, negative for parentheses); NaN for nil dashes
decimals       decimals printed (the precision of the number, for rounding tolerances)
flag           "" or "suspect"
note           evidence for a suspect flag
start, end     character span of the printed number in its line
concept        the inline-XBRL concept tagged at the number's place ("" untagged or no tags)
"""
from __future__ import annotations

import csv
import math
import os
from typing import Iterable

import pandas as pd

from iijdesk.core import csv_cells

# The columns the table reader fills (tables/emit.py builds its records in this order).
TABLE_COLUMNS = [
    "doc", "line", "table", "table_id", "kind", "parent", "row_label", "row", "level", "is_total",
    "col_label", "col", "period_end", "period_months", "measure", "unit", "scale", "printed",
    "value", "decimals", "flag", "note", "start", "end",
]
# Filled after the tables are read, from other evidence at the number's place (never changing
# a value or a period): the inline-XBRL concept (ingest/ixbrl.py).
ANNOTATION_COLUMNS = ["concept"]
FACT_COLUMNS = TABLE_COLUMNS + ANNOTATION_COLUMNS

# The columns the gold files and the scorer use, in their order (written first in CSV).
GOLD_COLUMNS = [
    "doc", "line", "table", "parent", "row_label", "col_label", "period_end", "period_months",
    "measure", "unit", "scale", "printed", "value", "flag", "note",
]

_INT_COLS = ("line", "row", "level", "col", "period_months", "decimals", "start", "end")
_STR_COLS = ("doc", "table", "table_id", "kind", "parent", "row_label", "col_label", "period_end",
             "measure", "unit", "printed", "flag", "note", "concept")

STATEMENT_KINDS = (
    "income", "balance", "cashflow", "equity", "segment", "breakdown", "kpi", "nongaap",
    "targets", "dividends", "per_share", "summary", "other",
)
MEASURES = ("value", "yoy_pct", "share_pct", "change", "target")


def empty_facts() -> pd.DataFrame:
    return normalise(pd.DataFrame({c: [] for c in FACT_COLUMNS}))


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """Give a frame every contract column with its dtype (missing ones are filled)."""
    df = df.copy()
    n = len(df)
    if n and ("table_id" not in df.columns or (df["table_id"].fillna("").astype(str) == "").all()):
        # Gold-style input: one table per (doc, table title) run, numbered in order.
        ids, last, k = [], None, {}
        for doc, title in zip(df.get("doc", [""] * n), df.get("table", [""] * n)):
            if (doc, title) != last:
                k[doc] = k.get(doc, -1) + 1
                last = (doc, title)
            ids.append(f"{doc}#{k[doc]}")
        df["table_id"] = ids
    for c in FACT_COLUMNS:
        if c not in df.columns:
            df[c] = pd.NA
    if n and (df["row"].fillna("").astype(str) == "").all():
        df["row"] = df.groupby("table_id")["line"].rank(method="dense").astype("Int64") - 1
    if n and (df["col"].fillna("").astype(str) == "").all():
        df["col"] = df.groupby(["table_id", "line"]).cumcount()
    for c in _INT_COLS:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    for c in _STR_COLS:
        col = df[c]
        if col.isna().any():
            col = col.astype("object").where(col.notna(), "")
        df[c] = col.astype(str)
    df["kind"] = df["kind"].replace("", "other")
    df["measure"] = df["measure"].replace("", "value")
    df["level"] = df["level"].fillna(0)
    if df["is_total"].dtype != bool:
        df["is_total"] = df["is_total"].map(_truthy).astype(bool)
    df["scale"] = pd.to_numeric(df["scale"], errors="coerce").fillna(1).astype("int64")
    df["value"] = pd.to_numeric(df["value"], errors="coerce").astype("float64")
    df = df[FACT_COLUMNS + [c for c in df.columns if c not in FACT_COLUMNS]]
    return df.reset_index(drop=True)


def _truthy(v) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true", "yes")
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return False
    return bool(v)


def read_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read a facts CSV (ours or the gold's) into a normalised frame (the quotes `to_csv`
    puts before formula-like text are taken off again)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for c in _STR_COLS:
        if c in df.columns:
            df[c] = csv_cells.unescape_series(df[c])
    return normalise(df)


def read_many(paths: Iterable[str | os.PathLike]) -> pd.DataFrame:
    frames = [read_csv(p) for p in paths]
    return normalise(pd.concat(frames, ignore_index=True)) if frames else empty_facts()


def to_csv(df: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write the facts with the gold columns first; value written without float noise.

    Text cells that a spreadsheet would run as a formula (a row label starting with `=`,
    `+`, `-`, `@` ...) get a leading quote (iijdesk.core.csv_cells); numbers never do."""
    out = df.copy()
    out["value"] = [_fmt_value(v) for v in out["value"]]
    for c in _STR_COLS:
        if c in out.columns:
            out[c] = csv_cells.escape_series(out[c])
    cols = GOLD_COLUMNS + [c for c in FACT_COLUMNS if c not in GOLD_COLUMNS]
    out[cols].to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)


def _fmt_value(v) -> str:
    if v is None or pd.isna(v):
        return ""
    f = float(v)
    if not math.isfinite(f):
        return repr(f)              # inf / nan (no extracted value is; an edit could be)
    if f == int(f) and abs(f) < 1e17:
        return str(int(f))
    return repr(round(f, 10))
