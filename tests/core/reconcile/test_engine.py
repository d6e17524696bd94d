"""The engine: findings contract, stable ids, and re-checking only what an edit touches."""
from __future__ import annotations

import pandas as pd

from iijdesk.core import facts as F
from iijdesk.core.reconcile import FINDING_COLUMNS, RULES, Engine, check, empty_findings
from iijdesk.core.reconcile.report import write_findings_csv
from tests.core.reconcile.conftest import at


def test_contract_and_empty_input():
    assert list(empty_findings().columns) == FINDING_COLUMNS
    out = check(F.empty_facts())
    assert out.empty and list(out.columns) == FINDING_COLUMNS


def test_every_rule_is_registered_with_a_docstring():
    assert len(RULES) >= 15
    for name, fn in RULES.items():
        assert fn.__doc__ and len(fn.__doc__.split()) > 8, name


def test_ids_are_stable_across_runs(gold_facts, documents, gold_findings):
    again = Engine(gold_facts, documents=documents).run()
    assert set(again["id"]) == set(gold_findings["id"])


def test_recheck_after_an_edit_reruns_only_what_reads_the_fact(gold_facts, documents):
    facts = gold_facts.copy()
    eng = Engine(facts, documents=documents)
    eng.run()
    sel = facts[facts["doc"].str.startswith("000") & (facts["line"] == 341) & (facts["unit"] == "USD")]
    fid = sel.index[0]
    assert not at(eng.findings, "000", 341, "usd_mismatch").empty
    touched = eng.by_fact[eng.ctx.pos_of[fid]]
    assert 0 < len(touched) < 10
    evaluated = []
    for i in touched:
        c = eng.checks[i]
        orig = c.evaluate
        c.evaluate = (lambda ctx, orig=orig, i=i: evaluated.append(i) or orig(ctx))
    others = len(eng.findings)
    facts.loc[fid, "value"] = 7_340_000.0        # the analyst's correction: 7,340
    facts.loc[fid, "printed"] = "7,340"
    out = eng.recheck([fid])
    assert sorted(evaluated) == sorted(touched)
    assert at(out, "000", 341, "usd_mismatch").empty
    assert len(out) == others - 1


def test_a_fix_clears_a_truncation(gold_facts, documents):
    facts = gold_facts.copy()
    eng = Engine(facts, documents=documents)
    eng.run()
    f = at(eng.findings, "000", 389, "ocr_damage", "damaged_number").iloc[0]
    fid = f["fix_fact"]
    facts.loc[fid, "value"] = 868_179_000.0
    facts.loc[fid, "printed"] = "868,179"
    out = eng.recheck([fid])
    assert at(out, "000", 389, rule="damaged_number").empty


def test_findings_csv(tmp_path, gold_facts, gold_findings):
    p = tmp_path / "f.csv"
    write_findings_csv(gold_findings, gold_facts, p)
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    for c in ("doc", "lines", "kind", "severity", "expected", "actual", "message"):
        assert c in df.columns
    row = df[(df["doc"].str.startswith("000")) & (df["lines"] == "341")].iloc[0]
    assert row["expected"] == "7,340" and row["actual"] == "7,341"
