"""The checks split by what they read, so their cost follows the releases they touch.

Every rule declares its scope (engine.rule(name, scope=...)): "table" and "doc" rules read
the facts of one release, "issuer" rules those of several releases of one company, "all"
rules anything. PartitionedEngine keeps one Engine per release (its table and doc rules), one
per company (its issuer rules, over that company's releases only) and one over everything
for the rest. So:
  - importing a release builds that release's checks and re-builds its company's, never
    another company's (`update`);
  - an edit re-evaluates, in the parts holding the edited fact, the checks that read it;
  - the findings are those of one Engine over everything: the same ids, messages and roots
    (tests/core/reconcile compares them), in the same order rule by rule.
Roots (engine.assign_roots) are assigned over all findings, as a cause in one part (a
release's mis-dated header) explains findings in another (its company's comparisons)."""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from iijdesk.core import issuer as issuers
from iijdesk.core.reconcile import engine as E

DOC_SCOPES = ("table", "doc")
ISSUER_SCOPE = "issuer"


def scope_of(name: str) -> str:
    return E.RULE_SCOPES.get(name, "all")


class PartitionedEngine(E.FindingsFrame):
    """Engine's interface (run, recheck, findings, errors, skipped, facts) over parts."""

    def __init__(self, facts: pd.DataFrame, documents: dict | None = None,
                 rules: Iterable[str] | None = None) -> None:
        self.facts = facts
        self.documents = documents if documents is not None else {}
        self.rule_names = list(rules) if rules is not None else list(E.RULES)
        self.rule_order = {n: k for k, n in enumerate(self.rule_names)}
        self.doc_rules = [n for n in self.rule_names if scope_of(n) in DOC_SCOPES]
        self.issuer_rules = [n for n in self.rule_names if scope_of(n) == ISSUER_SCOPE]
        self.all_rules = [n for n in self.rule_names
                          if scope_of(n) not in DOC_SCOPES and scope_of(n) != ISSUER_SCOPE]
        self.parts: dict[tuple, E.Engine] = {}     # ("doc", name) | ("issuer", key) | ("all",)
        self.issuer: dict[str, str] = {}           # doc -> its company's group key
        self._findings: pd.DataFrame | None = E.empty_findings()   # None: build when read
        self.where: dict[str, tuple] = {}          # finding id -> the part that found it
        self.errors: list[str] = []
        self.skipped: list[tuple[str, str]] = []
        self._cancel = None
        self._limit: float | None = None

    # -- building parts ------------------------------------------------------------------
    def run(self, cancel=None, rule_time_limit: float | None = None) -> pd.DataFrame:
        """Every part built and checked from scratch."""
        self.parts = {}
        self._cancel, self._limit = cancel, rule_time_limit
        return self.update(self._docs())

    def update(self, docs: Iterable[str], cancel=None, rule_time_limit: float | None = None) -> pd.DataFrame:
        """Bring the checks up to date after the releases `docs` came or went (self.facts is
        the new frame): their own parts are built again, and so are the parts of every company
        whose releases changed; the other parts keep their checks and findings."""
        if cancel is not None or rule_time_limit is not None:
            self._cancel, self._limit = cancel, rule_time_limit
        docs = set(docs)
        positions = self._positions()
        present = set(positions)
        old_issuer = self.issuer
        self.issuer = issuers.issuer_groups(list(positions), self.documents)
        changed_groups = {self.issuer[d] for d in docs if d in self.issuer} | \
                         {old_issuer[d] for d in docs if d in old_issuer}
        changed_groups |= {g for d, g in self.issuer.items() if old_issuer.get(d, g) != g}
        changed_groups |= {g for d, g in old_issuer.items() if self.issuer.get(d, g) != g}
        for key in [k for k, part in self.parts.items() if part.skipped]:
            del self.parts[key]                 # cancelled or stopped last time: build again
        for key in [k for k in self.parts if k[0] == "doc" and (k[1] not in present or k[1] in docs)]:
            del self.parts[key]
        for key in [k for k in self.parts if k[0] == "issuer" and k[1] in changed_groups]:
            del self.parts[key]
        self.parts.pop(("all",), None)
        self.skipped, self.errors = [], []
        if self.doc_rules:
            for d in positions:
                if ("doc", d) not in self.parts:
                    self._build(("doc", d), positions[d], self.doc_rules)
        if self.issuer_rules:
            groups: dict[str, list] = {}
            for d, g in self.issuer.items():
                groups.setdefault(g, []).append(d)
            for g, members in groups.items():
                if ("issuer", g) not in self.parts:
                    pos = sorted(p for d in members for p in positions[d])
                    self._build(("issuer", g), pos, self.issuer_rules)
        if self.all_rules:
            self._build(("all",), None, self.all_rules)
        for part in self.parts.values():
            self._share_frame(part)             # kept parts let go of the frame they saw
            self.errors.extend(part.errors)
        self.where = {i: key for key, part in self.parts.items() for i in part.holders}
        self._findings = None
        return self.findings

    def build_findings(self) -> pd.DataFrame:
        """The findings frame, built now if it is not built yet, and not kept (a worker
        thread calls this; see Workspace.findings_builder)."""
        return self._frame() if self._findings is None else self._findings

    def finding(self, fid: str) -> dict | None:
        """The finding with id `fid` as a dict (FINDING_COLUMNS), or None."""
        part = self.parts.get(self.where.get(fid))
        return part.finding(fid) if part is not None else None

    def _docs(self) -> list[str]:
        return list(pd.unique(self.facts["doc"])) if len(self.facts) else []

    def _positions(self) -> dict[str, list]:
        if not len(self.facts):
            return {}
        return {d: list(p) for d, p in self.facts.groupby("doc", sort=False).indices.items()}

    def _build(self, key: tuple, positions, rules: list[str]) -> None:
        sub = self.facts if positions is None else self.facts.iloc[positions]
        part = E.Engine(sub, documents=self.documents, rules=rules)
        part.run(cancel=self._cancel, rule_time_limit=self._limit)
        # Its checks read their Context from now on, and an edit reads the new value from
        # the whole frame by fact id: the slice (a copy) is let go.
        self._share_frame(part)
        self.parts[key] = part
        for rule, why in part.skipped:
            if (rule, why) not in self.skipped:
                self.skipped.append((rule, why))

    def _share_frame(self, part: E.Engine) -> None:
        part.facts = self.facts
        if part.ctx is not None:
            part.ctx.facts = self.facts

    # -- edits ---------------------------------------------------------------------------
    def recheck(self, changed: Iterable) -> pd.DataFrame:
        """Re-evaluate the checks reading the changed facts (ids = frame index labels), in
        the parts that hold them; the findings frame is rebuilt when next read."""
        self.recheck_delta(changed)
        return self.findings

    def recheck_delta(self, changed: Iterable) -> dict | None:
        """recheck, returning what changed as Engine.recheck_delta does ({finding id: its
        finding now, or None where it is gone}; None when everything was checked again)."""
        touched = []
        for fid in changed:
            if fid not in self.facts.index:
                self.run()
                return None
            d = str(self.facts.at[fid, "doc"])
            for key in (("doc", d), ("issuer", self.issuer.get(d)), ("all",)):
                part = self.parts.get(key)
                if part is None:
                    continue
                if part.ctx is None or fid not in part.ctx.pos_of:
                    self.run()                          # a fact its part never saw
                    return None
                self._share_frame(part)                 # the edited value is read from here
                touched.append((key, part, fid))
        delta: dict = {}
        for key, part, fid in touched:
            got = part.recheck_delta([fid])
            if got is None:                              # the part was built again
                self.where = {i: k for k, p in self.parts.items() for i in p.holders}
                self._findings = None
                return None
            for i, f in got.items():
                delta[i] = f
                if f is None:
                    self.where.pop(i, None)
                else:
                    self.where[i] = key
        if delta:
            self._findings = None
        return delta

    # -- findings ------------------------------------------------------------------------
    def _frame(self) -> pd.DataFrame:
        found = []
        for k, part in enumerate(self.parts.values()):
            for ci, c in enumerate(part.checks):
                for f in c.findings:
                    found.append((self.rule_order.get(c.rule, len(self.rule_order)), k, ci, f))
        found.sort(key=lambda x: x[:3])
        rows, seen = [], set()
        for *_, f in found:
            if f["id"] not in seen:
                seen.add(f["id"])
                rows.append(dict(f))
        if not rows:
            return E.empty_findings()
        E.assign_roots(rows)
        return pd.DataFrame({c: [r[c] for r in rows] for c in E.FINDING_COLUMNS})
