"""Findings -> CSV in the scorer's columns."""
from __future__ import annotations

import csv
import os

import pandas as pd

REPORT_COLUMNS = ["doc", "lines", "kind", "severity", "expected", "actual", "message", "rule", "id"]


def write_findings_csv(findings: pd.DataFrame, facts: pd.DataFrame, path: str | os.PathLike) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(REPORT_COLUMNS)
        for _, r in findings.iterrows():
            w.writerow([r.get(c, "") for c in REPORT_COLUMNS])
