"""Runs the registered rules; re-runs only the rule instances that touch an edited fact.

A rule (see rules.py) looks at the structure once and returns *checks*: the facts one
identity involves plus a function that evaluates it against the current values. The
engine indexes every check by the facts it reads, so after an edit only those checks are
evaluated again."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from typing import Callable, Iterable

import pandas as pd

from iijdesk.core.reconcile.model import Context

FINDING_COLUMNS = [
    "id",          # stable id: rule + the facts involved (doc, line, column)
    "root",        # id of the finding that explains this one (a wrong header or cell), "" for roots
    "rule",        # the rule's registered name
    "kind",        # gold vocabulary: sum_mismatch, cross_table, yoy_mismatch, share_mismatch,
                   # usd_mismatch, ocr_damage, label_error, cross_release, restatement ...
    "severity",    # error | warning | info
    "doc",         # the release the finding is reported against
    "lines",       # ";"-separated 1-based lines involved (in `doc`)
    "fact_ids",    # tuple of fact ids (index labels of the facts frame) involved
    "expected", "actual", "difference",   # numbers in base units (NaN where not numeric)
    "message",     # one sentence an analyst would accept
    "fix_fact",    # fact id the suggested correction applies to (or <NA>)
    "fix_value",   # the suggested value in base units (or NaN)
    "expected_text", "actual_text",       # the same, as the table prints them
]


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame({c: [] for c in FINDING_COLUMNS})


@dataclass
class Check:
    """One instance of a rule: the facts it reads and how to evaluate it."""
    rule: str
    positions: tuple
    evaluate: Callable[[Context], list]
    findings: list = field(default_factory=list)


RuleFn = Callable[[Context], Iterable[Check]]
RULES: dict[str, RuleFn] = {}
# What facts a rule's checks read, so the checks can run by part (reconcile/partition.py):
#   "doc"    the facts of one release (its tables, its text);
#   "issuer" the facts of the releases of one company (cross-release comparisons);
#   "all"    anything (run over every fact loaded).
SCOPES = ("doc", "issuer", "all")
RULE_SCOPES: dict[str, str] = {}


def rule(name: str, scope: str = "all"):
    """Register a rule function under `name` (one identity or damage signature per rule),
    with the scope of the facts its checks read (SCOPES)."""
    if scope not in SCOPES:
        raise ValueError(f"rule {name}: scope {scope!r} is not one of {SCOPES}")

    def deco(fn: RuleFn) -> RuleFn:
        RULES[name] = fn
        RULE_SCOPES[name] = scope
        fn.rule_name = name
        return fn
    return deco


def make_finding(ctx: Context, rule_name: str, kind: str, severity: str, positions, message: str,
                 expected=math.nan, actual=math.nan, expected_text: str = "", actual_text: str = "",
                 fix: int | None = None, fix_value=math.nan, doc: str | None = None,
                 extra_lines: Iterable[int] = ()) -> dict:
    """A finding dict; lines are those of `positions` that stand in `doc`."""
    positions = [p for p in positions if p is not None]
    doc = doc or (ctx.doc[positions[0]] if positions else "")
    lines = sorted({ctx.line[p] for p in positions if ctx.doc[p] == doc} | set(extra_lines))
    key = "|".join(sorted(f"{ctx.doc[p]}:{ctx.line[p]}:{ctx.col_label[p]}:{ctx.period_end[p]}:"
                          f"{ctx.unit[p]}:{ctx.measure[p]}" for p in positions))
    if not positions:
        key = f"{doc}:{';'.join(map(str, lines))}:{message}"
    fid = rule_name + ":" + hashlib.sha1(f"{kind}|{key}".encode()).hexdigest()[:12]
    diff = (actual - expected) if not (isinstance(actual, float) and math.isnan(actual)) else math.nan
    return {
        "id": fid, "rule": rule_name, "kind": kind, "severity": severity, "doc": doc,
        "lines": ";".join(str(x) for x in lines),
        "fact_ids": tuple(ctx.ids[p] for p in positions),
        "expected": float(expected) if expected is not None else math.nan,
        "actual": float(actual) if actual is not None else math.nan,
        "difference": float(diff) if diff is not None else math.nan,
        "message": message,
        "fix_fact": ctx.ids[fix] if fix is not None else pd.NA,
        "fix_value": float(fix_value) if fix_value is not None else math.nan,
        "expected_text": expected_text, "actual_text": actual_text,
    }


class FindingsFrame:
    """`findings`, the frame (FINDING_COLUMNS) that `_frame()` builds, built when read after
    a change (`_findings = None`): an edit re-evaluates a few checks, the frame holds all."""
    _findings: pd.DataFrame | None

    @property
    def findings(self) -> pd.DataFrame:
        if self._findings is None:
            self._findings = self._frame()
        return self._findings

    @findings.setter
    def findings(self, frame: pd.DataFrame) -> None:
        self._findings = frame

    def _frame(self) -> pd.DataFrame:
        raise NotImplementedError


class Engine(FindingsFrame):
    def __init__(self, facts: pd.DataFrame, documents: dict | None = None,
                 rules: Iterable[str] | None = None) -> None:
        self.facts = facts
        self.documents = documents or {}
        self.rule_names = list(rules) if rules is not None else list(RULES)
        self._findings: pd.DataFrame | None = empty_findings()   # None: build when read
        self.holders: dict[str, list[int]] = {}   # finding id -> the checks that found it
        self.ctx: Context | None = None
        self.checks: list[Check] = []
        self.by_fact: dict[int, list[int]] = {}
        self.errors: list[str] = []
        self.skipped: list[tuple[str, str]] = []     # (rule, why) not run in the last run()

    def run(self, cancel=None, rule_time_limit: float | None = None) -> pd.DataFrame:
        """Build every rule's checks over the facts, evaluate them all.

        `cancel` (an iijdesk.core.interrupt.CancelToken) stops the run: the rules not run yet
        are skipped. A rule that takes longer than `rule_time_limit` seconds is stopped and
        skipped, the others run. Either way `skipped` names what did not run and why, and the
        findings are those of the rest."""
        from iijdesk.core.interrupt import Cancelled, Interrupted, TooSlow, run_interruptible

        self.ctx = ctx = Context(self.facts, self.documents)
        self.checks, self.by_fact, self.errors = [], {}, []
        self.skipped = []
        for i, name in enumerate(self.rule_names):
            try:
                made = run_interruptible(lambda: list(RULES[name](ctx)), cancel, rule_time_limit,
                                         what=f"the {name} check")
            except Cancelled:
                self.skipped.extend((n, "cancelled") for n in self.rule_names[i:])
                break
            except TooSlow:
                self.skipped.append((name, f"stopped after {rule_time_limit:g} s"))
                # a rule stopped halfway may have left its look-ups half built: the rules
                # after it (and the evaluation) start from a fresh view of the facts
                ctx = self.ctx = Context(self.facts, self.documents)
                continue
            except Exception as e:   # one broken rule must not hide the others' findings
                self.errors.append(f"{name}: {type(e).__name__}: {e}")
                continue
            for c in made:
                idx = len(self.checks)
                self.checks.append(c)
                for p in set(c.positions):
                    self.by_fact.setdefault(p, []).append(idx)
        if not (cancel is not None and cancel.cancelled):
            try:
                run_interruptible(self._evaluate_all, cancel, rule_time_limit, what="the checks")
            except Interrupted as e:   # the checks evaluated so far keep their findings
                self.skipped.append(("evaluation", "cancelled" if isinstance(e, Cancelled)
                                     else f"stopped after {rule_time_limit:g} s"))
        self.holders = {}
        for k, c in enumerate(self.checks):
            for f in c.findings:
                self.holders.setdefault(f["id"], []).append(k)
        self._findings = None
        return self.findings

    def finding(self, fid: str) -> dict | None:
        """The finding with id `fid` as a dict (FINDING_COLUMNS), or None."""
        for k in self.holders.get(fid, ()):
            for f in self.checks[k].findings:
                if f["id"] == fid:
                    return f
        return None

    def _evaluate_all(self) -> None:
        for c in self.checks:
            self._evaluate(c)

    def recheck(self, changed: Iterable) -> pd.DataFrame:
        """Re-evaluate only the checks reading the changed facts (ids = frame index labels)."""
        self.recheck_delta(changed)
        return self.findings

    def recheck_delta(self, changed: Iterable) -> dict | None:
        """recheck, returning what changed: {finding id: its finding now (a dict), or None
        where it is gone}, {} when nothing did; None when everything was checked again (a
        fact the last run never saw). The frame is rebuilt when next read."""
        if self.ctx is None:
            self.run()
            return None
        ctx = self.ctx
        touched: set[int] = set()
        for fid in changed:
            p = ctx.pos_of.get(fid)
            if p is None:
                self.run()          # a fact the last run never saw: start over
                return None
            v = self.facts.at[fid, "value"]
            ctx.values[p] = float(v) if v is not None and not pd.isna(v) else math.nan
            if "printed" in self.facts.columns:
                ctx.printed[p] = str(self.facts.at[fid, "printed"])
            touched.update(self.by_fact.get(p, ()))
        delta: dict = {}
        for idx in touched:
            c = self.checks[idx]
            before = {f["id"]: f for f in c.findings}
            self._evaluate(c)
            after = {f["id"]: f for f in c.findings}
            for i in before.keys() - after.keys():
                held = self.holders.get(i, [])
                if idx in held:
                    held.remove(idx)
                if not held:
                    self.holders.pop(i, None)
            for i in after.keys() - before.keys():
                self.holders.setdefault(i, []).append(idx)
            for i in before.keys() | after.keys():
                if not _same_finding(before.get(i), after.get(i)):
                    delta[i] = None
        for i in delta:
            delta[i] = self.finding(i)
        if delta:                  # the frame is rebuilt only when a finding came, went or changed
            self._findings = None
        return delta

    def _evaluate(self, c: Check) -> None:
        try:
            c.findings = list(c.evaluate(self.ctx) or [])
        except Exception as e:
            c.findings = []
            self.errors.append(f"{c.rule}: {type(e).__name__}: {e}")

    def _frame(self) -> pd.DataFrame:
        rows, seen = [], set()
        for c in self.checks:
            for f in c.findings:
                if f["id"] in seen:
                    continue
                seen.add(f["id"])
                rows.append(f)
        if not rows:
            return empty_findings()
        assign_roots(rows)
        return pd.DataFrame({c: [r[c] for r in rows] for c in FINDING_COLUMNS})


def _same_finding(a: dict | None, b: dict | None) -> bool:
    """The same finding, its root aside (roots are assigned over the whole frame)."""
    if a is None or b is None:
        return a is b
    for k in FINDING_COLUMNS:
        x, y = a.get(k), b.get(k)
        if k == "root" or x is y:
            continue
        if x is pd.NA or y is pd.NA:
            return False
        if x != y and not (x != x and y != y):          # NaN equals NaN here
            return False
    return True


# Findings that name a cause rather than a failed relation: a header proven wrong (all the
# cells under it are its facts) and a damaged or lost cell. Their level orders them: a
# finding is folded under a root of a lower level only.
HEADER_CAUSES = frozenset({"header_date", "stale_column_date", "percent_header_amounts", "percent_of_base",
                           "column_without_period"})
CELL_CAUSES = frozenset({"damaged_number", "missing_cell", "wrapped_label_numbers", "label_damage"})
HEADER_LEVEL, CELL_LEVEL, FIX_LEVEL, RELATION_LEVEL = 0, 1, 2, 3
# What a wrong header explains: the comparisons that match figures by their period (a sum
# down a column or a translation along a row holds whatever the column is dated).
PERIOD_RULES = frozenset({"cross_table", "cross_release", "derived_period", "yoy_recomputed",
                          "change_column", "precise_parts"})


def _level(r: dict) -> int:
    if r["rule"] in HEADER_CAUSES or (r["rule"] == "cross_release" and r["kind"] == "label_error"):
        return HEADER_LEVEL
    if r["rule"] in CELL_CAUSES:
        return CELL_LEVEL
    fix = r.get("fix_fact")
    if fix is not None and fix is not pd.NA and not (isinstance(fix, float) and math.isnan(fix)):
        return FIX_LEVEL
    return RELATION_LEVEL


def assign_roots(rows: list[dict]) -> None:
    """Fold each finding under the one that explains it (sets `root`): a failed relation or
    comparison that reads a cell of a header proven wrong, a damaged cell, or a cell another
    finding corrects, is a consequence of that finding. A header explains before a cell, a
    cell before a correction; a root is never itself folded (info notes take no part)."""
    causes: dict = {}         # fact id -> (level, finding index) of the strongest cause naming it
    levels = []
    for k, r in enumerate(rows):
        r["root"] = ""
        lv = _level(r) if r.get("severity") != "info" else RELATION_LEVEL
        levels.append(lv)
        if lv == RELATION_LEVEL:
            continue
        named = [r["fix_fact"]] if lv == FIX_LEVEL else list(r.get("fact_ids") or ())
        for fid in named:
            if fid not in causes or causes[fid][0] > lv:
                causes[fid] = (lv, k)
    if not causes:
        return
    for k, r in enumerate(rows):
        if r.get("severity") == "info" or levels[k] == HEADER_LEVEL:
            continue
        best = None
        for fid in r.get("fact_ids") or ():
            c = causes.get(fid)
            if c is None or c[1] == k or c[0] >= levels[k]:
                continue
            if c[0] == HEADER_LEVEL and r["rule"] not in PERIOD_RULES:
                continue
            if best is None or c < best:
                best = c
        if best is not None:
            rows[k]["root"] = rows[best[1]]["id"]
    # a root is never folded: where a cause was itself folded, its dependents go to its root
    root_of = {r["id"]: r["root"] for r in rows}
    for r in rows:
        seen = set()
        while r["root"] and root_of.get(r["root"]) and r["root"] not in seen:
            seen.add(r["root"])
            r["root"] = root_of[r["root"]]
