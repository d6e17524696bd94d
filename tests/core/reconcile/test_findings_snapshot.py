"""The findings on the sample releases and the real filings, compared with a snapshot.

Work on the engine's inside (how checks are partitioned, indexed, re-run) must not change
one finding: this test holds every finding's id, root, rule, kind, severity, lines, numbers
and message. When a rule is changed on purpose, regenerate the snapshot and read its diff:

    IIJDESK_UPDATE_SNAPSHOT=1 python -m pytest tests/core/reconcile/test_findings_snapshot.py
"""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from iijdesk.core import reconcile
from iijdesk.core.reconcile.partition import PartitionedEngine
from iijdesk.core.workspace import Workspace
from tests.conftest import DATA, RELEASES

SNAPSHOT = DATA / "findings_snapshot.csv"
REAL_FILES = sorted((DATA / "real").glob("*.html"))
COLUMNS = ["id", "root", "rule", "kind", "severity", "doc", "lines", "expected", "actual",
           "message", "fix_value", "expected_text", "actual_text"]


def _table(findings: pd.DataFrame) -> pd.DataFrame:
    t = findings[COLUMNS].copy()
    for c in ("expected", "actual", "fix_value"):
        t[c] = t[c].map(lambda v: "" if pd.isna(v) else f"{float(v):.6g}")
    t = t.astype(str)
    return t.sort_values("id").reset_index(drop=True)


@pytest.fixture(scope="module")
def workspace():
    ws = Workspace()
    ws.rule_time_limit = None          # a slow machine must not skip a rule here
    results = ws.add_files([*RELEASES, *REAL_FILES])
    assert all(r.ok for r in results), [r.message for r in results if not r.ok]
    return ws


def test_findings_match_the_snapshot(workspace):
    now = _table(workspace.findings)
    if os.environ.get("IIJDESK_UPDATE_SNAPSHOT"):
        now.to_csv(SNAPSHOT, index=False)
    before = pd.read_csv(SNAPSHOT, dtype=str, keep_default_na=False)
    gone = sorted(set(before["id"]) - set(now["id"]))
    came = sorted(set(now["id"]) - set(before["id"]))
    assert not gone and not came, f"findings gone: {gone[:10]}; findings new: {came[:10]}"
    diff = now.compare(before)
    assert diff.empty, diff.head(20).to_string()


def test_partitioned_checks_equal_one_engine_over_everything(workspace):
    ws = workspace
    one = reconcile.Engine(ws.facts, documents=ws.documents).run()
    parts = PartitionedEngine(ws.facts, documents=ws.documents).run()
    assert len(one) == len(parts)
    pd.testing.assert_frame_equal(_table(one), _table(parts))


def test_incremental_update_equals_a_fresh_run(workspace):
    """Checks built release by release (as an import does) end where one run over all ends;
    taking a release away again removes its findings and nothing else."""
    ws = workspace
    facts = ws.facts
    docs = list(pd.unique(facts["doc"]))
    eng = PartitionedEngine(facts.iloc[0:0], documents=ws.documents)
    eng.run()
    for k in range(len(docs)):
        eng.facts = facts[facts["doc"].isin(docs[:k + 1])]
        eng.update([docs[k]])
    pd.testing.assert_frame_equal(_table(eng.findings), _table(ws.findings))
    last = docs[-1]
    eng.facts = facts[facts["doc"] != last]
    after = eng.update([last])
    fresh = PartitionedEngine(eng.facts, documents=ws.documents).run()
    pd.testing.assert_frame_equal(_table(after), _table(fresh))
    assert last not in set(after["doc"])


def test_every_rule_reads_only_its_scope(workspace):
    """A rule declared "doc" finds, run over one release alone, what it finds for that
    release over everything: its checks read nothing of another release."""
    ws = workspace
    facts = ws.facts
    doc_rules = [n for n, s in reconcile.engine.RULE_SCOPES.items() if s == "doc"]
    whole = reconcile.Engine(facts, documents=ws.documents, rules=doc_rules).run()
    for d in pd.unique(facts["doc"]):
        alone = reconcile.Engine(facts[facts["doc"] == d], documents=ws.documents,
                                 rules=doc_rules).run()
        mine = whole[whole["doc"] == d]
        assert set(alone["id"]) == set(mine["id"]), d
