"""Reconciliation: what does not add up, with the reason and the evidence.

`check(facts)` runs every rule over a facts frame (see iijdesk.core.facts) and returns a
findings frame with FINDING_COLUMNS. `Engine` keeps the result and re-runs only the rules
touching edited facts. Rules live in rules.py (one function per identity or damage
signature, registered by name); tolerances in tolerance.py; the structure the rules read
in model.py."""
from __future__ import annotations

import pandas as pd

from iijdesk.core.reconcile.engine import FINDING_COLUMNS, RULES, Engine, empty_findings

__all__ = ["FINDING_COLUMNS", "RULES", "Engine", "check", "empty_findings"]


def check(facts: pd.DataFrame, documents: dict | None = None) -> pd.DataFrame:
    """All findings over `facts` (several releases are checked together).

    `documents` (name -> Document), when given, lets the rules that read column headers
    and the release's stated exchange rate look at the text itself."""
    return Engine(facts, documents=documents).run()
