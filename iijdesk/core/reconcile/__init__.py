"""Reconciliation: what does not add up, with the reason and the evidence.

`check(facts)` runs every rule over a facts frame (see iijdesk.core.facts) and returns a
findings frame with FINDING_COLUMNS. `Engine` keeps the result and re-runs only the rules
touching edited facts."""
from __future__ import annotations

from typing import Iterable

import pandas as pd

FINDING_COLUMNS = [
    "id",          # stable id: rule + the facts involved
    "rule",        # the rule's registered name
    "kind",        # gold vocabulary: sum_mismatch, cross_table, yoy_mismatch, share_mismatch,
                   # usd_mismatch, ocr_damage, label_error, cross_release, ...
    "severity",    # error | warning | info
    "doc",         # the release the finding is reported against
    "lines",       # ";"-separated 1-based lines involved (in `doc`)
    "fact_ids",    # tuple of fact ids (index labels of the facts frame) involved
    "expected", "actual", "difference",
    "message",     # one sentence an analyst would accept
    "fix_fact",    # fact id the suggested correction applies to (or <NA>)
    "fix_value",   # the suggested value in base units (or NaN)
]


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in FINDING_COLUMNS})


def check(facts: pd.DataFrame) -> pd.DataFrame:
    return Engine(facts).run()


class Engine:
    def __init__(self, facts: pd.DataFrame) -> None:
        self.facts = facts
        self.findings = empty_findings()

    def run(self) -> pd.DataFrame:
        self.findings = empty_findings()
        return self.findings

    def recheck(self, changed: Iterable[int]) -> pd.DataFrame:
        return self.run()
