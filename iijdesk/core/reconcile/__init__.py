"""Reconciliation: what does not add up, with the reason and the evidence.

`check(facts)` runs every rule over a facts frame (see iijdesk.core.facts) and returns a
findings frame with FINDING_COLUMNS. `Engine` keeps the result and re-runs only the rules
touching edited facts. Rules live in rules.py (one function per identity or damage
signature, registered by name); tolerances in tolerance.py; the structure the rules read
in model.py."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from iijdesk.core.reconcile.engine import FINDING_COLUMNS, RULES, Engine, empty_findings
# The rule modules register themselves with the engine's registry; the engine imports none.
from iijdesk.core.reconcile import rules as _rules, xbrl as _xbrl  # noqa: E402,F401

__all__ = ["FINDING_COLUMNS", "RULES", "Engine", "check", "empty_findings"]


def check(facts: pd.DataFrame, documents: dict | None = None) -> pd.DataFrame:
    """All findings over `facts` (several releases are checked together).

    `documents` (name -> Document), when given, lets the rules that read column headers
    and the release's stated exchange rate look at the text itself."""
    return Engine(facts, documents=documents).run()


def fact_ids_of(value) -> list[int]:
    """A findings row's fact_ids (tuple, list, "1;2;3" or one int) as a list of ints."""
    if value is None:
        return []
    if type(value) is tuple and all(type(v) is int for v in value):
        return list(value)                          # the engine's own form: nothing to convert
    if isinstance(value, (list, tuple, set, np.ndarray, pd.Series)):
        out = []
        for v in value:
            try:
                out.append(int(v))
            except (TypeError, ValueError):
                pass
        return out
    if isinstance(value, str):
        return [int(x) for x in re.split(r"[;,\s]+", value.strip("()[] ")) if x.strip().lstrip("-").isdigit()]
    try:
        if pd.isna(value):
            return []
        return [int(value)]
    except (TypeError, ValueError):
        return []
