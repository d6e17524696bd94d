"""The checks on real, audited filings (tests/data/real, copies of ../shared/real): consistent documents raise almost no
alarms, yet a figure changed in one is still found; one wrong header is one root finding."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

from iijdesk.core.extract import extract_files
from iijdesk.core.ingest import load
from iijdesk.core.reconcile import Engine
from iijdesk.core.reconcile.engine import assign_roots
from tests.conftest import release

REAL = Path(os.environ.get("IIJDESK_REAL", Path(__file__).resolve().parents[2] / "data" / "real"))   # copies of ../shared/real
REAL_FILES = sorted(REAL.glob("*.html")) if REAL.is_dir() else []
# The bar: error/warning findings per 1,000 numbers on a consistent filing.
MAX_ALARMS_PER_1000 = 2.0

needs_real = pytest.mark.skipif(not REAL_FILES, reason="the real filings (tests/data/real) are not here")


def _check(paths):
    facts = extract_files(paths)
    docs = {d.name: d for d in (load(p) for p in paths)}
    return facts, Engine(facts, documents=docs).run()


def _alarms(findings: pd.DataFrame) -> pd.DataFrame:
    return findings[findings["severity"].isin(["error", "warning"])]


@pytest.fixture(scope="module")
def real_checked():
    return _check(REAL_FILES)


@needs_real
def test_consistent_filings_raise_at_most_two_alarms_per_thousand_numbers(real_checked):
    facts, found = real_checked
    alarms = _alarms(found)
    for doc, n in facts.groupby("doc").size().items():
        k = int((alarms["doc"] == doc).sum())
        assert 1000.0 * k / n <= MAX_ALARMS_PER_1000, (doc, k, n, alarms[alarms["doc"] == doc]["message"].tolist())


@needs_real
def test_page_numbers_footnote_marks_and_cover_text_are_no_damage(real_checked):
    _, found = real_checked
    alarms = _alarms(found)
    # page numbers between paragraphs, "2027(1)" footnote marks, "Act of 1934" on the cover
    assert not (alarms["rule"].isin(["label_damage", "glued_numbers_in_text", "header_text"])).any()


def _altered(tmp_path: Path, name: str, find: str, occurrence: int, new: str) -> Path:
    src = (REAL / name).read_text(encoding="utf-8")
    at = [m.start() for m in re.finditer(re.escape(find), src)][occurrence]
    out = tmp_path / name.replace(".html", "_altered.html")
    out.write_text(src[:at] + new + src[at + len(find):], encoding="utf-8")
    return out


@needs_real
@pytest.mark.parametrize("new, rule", [("1,616", "cross_table"), ("1,640", "items_vs_total")])
def test_a_figure_changed_in_a_filing_is_found(tmp_path, new, rule):
    # Tesla's cash-flow statement starts from the six months' net income 1,610 (its third
    # printing, after the income and comprehensive income statements): a misprinted last
    # digit disagrees with the other statements, a larger change breaks the operating total.
    path = _altered(tmp_path, "tsla_10q_2025q2.html", "1,610", 2, new)
    _, found = _check([path])
    hit = _alarms(found)
    hit = hit[hit["rule"] == rule]
    assert len(hit) == 1 and "309" in hit.iloc[0]["lines"].split(";")
    assert hit.iloc[0]["root"] == ""


def test_a_misdated_balance_sheet_column_is_one_root_finding_with_its_period_corrected(tmp_path):
    # 002's balance sheet: the header "As of September 30, 2010" printed a year off; the
    # subtitle above it says "(As of March 31, 2010 and September 30, 2010)".
    original = release("002")
    lines = original.read_text(encoding="utf-8").split("\n")
    k = next(i for i, t in enumerate(lines) if "As of March 31, 2010" in t and "As of September 30, 2010" in t)
    lines[k] = lines[k].replace("As of September 30, 2010", "As of September 30, 2009")
    path = tmp_path / original.name.replace(".txt", "_misdated.txt")
    path.write_text("\n".join(lines), encoding="utf-8")
    _, before = _check([original])
    facts, after = _check([path])
    new = after[~after["message"].isin(set(before["message"]))]
    roots = new[new["root"] == ""]
    assert len(roots) == 1
    root = roots.iloc[0]
    assert root["rule"] == "header_date" and root["expected_text"] == "2010-09-30"
    assert "September 30, 2010" in root["message"]        # the evidence: the subtitle
    # the period is corrected: every cell the finding names is read at the proven date
    cells = facts.loc[list(root["fact_ids"])]
    column = cells[cells["table_id"] == cells["table_id"].iloc[0]]
    assert len(column) >= 10 and (column["period_end"] == "2010-09-30").all()
    # nothing new is left unfolded beside it
    assert (new["root"].isin(["", root["id"]])).all()


def test_relations_reading_a_damaged_cell_fold_under_its_finding():
    base = {"kind": "", "severity": "error", "fix_fact": pd.NA, "fact_ids": ()}
    rows = [
        {**base, "id": "damaged_number:a", "rule": "damaged_number", "kind": "ocr_damage", "fact_ids": (7,),
         "fix_fact": 7},
        {**base, "id": "items_vs_total:b", "rule": "items_vs_total", "fact_ids": (9, 7, 8)},
        {**base, "id": "cross_table:c", "rule": "cross_table", "fact_ids": (7, 20), "fix_fact": 7},
        {**base, "id": "items_vs_total:d", "rule": "items_vs_total", "fact_ids": (30, 31)},
        {**base, "id": "header_date:e", "rule": "header_date", "kind": "label_error", "fact_ids": (30, 40)},
        {**base, "id": "cross_table:f", "rule": "cross_table", "fact_ids": (40, 50), "fix_fact": 40},
    ]
    assign_roots(rows)
    root = {r["id"]: r["root"] for r in rows}
    assert root["damaged_number:a"] == ""
    assert root["items_vs_total:b"] == "damaged_number:a"
    assert root["cross_table:c"] == "damaged_number:a"
    # a sum down a column holds whatever the column is dated: not explained by its header
    assert root["items_vs_total:d"] == ""
    assert root["cross_table:f"] == "header_date:e" and root["header_date:e"] == ""
