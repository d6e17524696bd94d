"""Checking releases together: the issue's two cross-release cases, on extracted facts."""
from __future__ import annotations

from iijdesk.core.extract import extract_files
from iijdesk.core.reconcile import Engine
from tests.conftest import release


def _check(*prefixes, documents=None):
    paths = [release(p) for p in prefixes]
    facts = extract_files(paths)
    docs = {k: v for k, v in (documents or {}).items() if any(k.startswith(p) for p in prefixes)}
    return Engine(facts, documents=docs).run()


def test_002_with_004_finds_the_misdated_balance_sheet_column(documents):
    found = _check("002", "004", documents=documents)
    f = found[(found["doc"].str.startswith("004")) & (found["kind"] == "label_error")
              & (found["rule"].isin(["cross_release", "header_date"]))]
    assert len(f) >= 1
    msg = f.iloc[0]["message"]
    assert "2010-03-31" in msg and "2009" in msg
    lines = {int(x) for s in f["lines"] for x in s.split(";")}
    assert {321, 334} <= lines       # cash and total assets rows of slide II-9


def test_004_alone_cannot_tell(documents):
    found = _check("004", documents=documents)
    assert found[(found["rule"] == "cross_release") & (found["kind"] == "label_error")].empty


def test_000_with_001_compares_the_balance_sheet_at_march_31_2009(documents):
    found = _check("000", "001", documents=documents)
    notes = found[(found["rule"] == "cross_release") & (found["kind"] == "cross_release")]
    bs = notes[notes["message"].str.contains("2009-03-31") & notes["message"].str.contains("Balance Sheet", case=False)]
    assert len(bs) >= 1
    assert (bs["severity"] == "info").all()
    assert bs["message"].str.contains("agree").all()
    # both print cash 10,187,724 at March 31, 2009: no restatement of it
    rest = found[(found["kind"] == "restatement") & found["message"].str.contains("Cash and cash equivalents")]
    assert rest.empty
