"""Findings -> CSV in the scorer's columns (doc, lines, kind, severity, expected, actual, message).

Expected / actual are written as the table prints them (the `*_text` columns) when the rule
gave them, else as plain numbers; rule, id and the suggested correction follow, then `root`:
the id of the finding this one is folded under (empty for a root)."""
from __future__ import annotations

import csv
import math
import os

import pandas as pd

from iijdesk.core.csv_cells import escape

REPORT_COLUMNS = ["doc", "lines", "kind", "severity", "expected", "actual", "message", "rule", "id",
                  "fix_fact", "fix_value", "root"]


def _cell(r, name: str) -> str:
    text = r.get(f"{name}_text", "")
    if isinstance(text, str) and text:
        return text
    v = r.get(name, "")
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    if isinstance(v, float) and v == int(v) and abs(v) < 1e17:
        return str(int(v))
    return str(v)


def write_findings_csv(findings: pd.DataFrame, facts: pd.DataFrame, path: str | os.PathLike) -> None:
    """Text cells a spreadsheet would run as a formula (a message starting with a row label
    such as `=HYPERLINK(...)`) get a leading quote (iijdesk.core.csv_cells); numbers, and
    expected / actual as printed, stay as they are."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(REPORT_COLUMNS)
        for _, r in findings.iterrows():
            row = []
            for c in REPORT_COLUMNS:
                if c in ("expected", "actual", "fix_value"):
                    v = _cell(r, c) if c != "fix_value" else _cell({"fix_value": r.get(c)}, c)
                else:
                    v = r.get(c, "")
                    v = "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else v
                row.append(escape(v) if isinstance(v, str) else v)
            w.writerow(row)
