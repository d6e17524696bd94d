"""Each rule fires on a real defect of the sample releases and stays quiet on a clean table."""
from __future__ import annotations

import math

from iijdesk.core.reconcile import Engine
from tests.core.reconcile.conftest import at


def test_usd_translation_fires_on_a_rounding_miss_and_not_on_a_clean_row(gold_findings):
    # 000 nine-month income statement: JPY 683,253 thousand / 93.08 = 7,340.49, printed 7,341
    f = at(gold_findings, "000", 341, "usd_mismatch")
    assert len(f) == 1
    assert f.iloc[0]["expected_text"] == "7,340" and f.iloc[0]["actual_text"] == "7,341"
    assert "93.08" in f.iloc[0]["message"]
    # the balance sheet's accounts receivable row translates within rounding
    assert at(gold_findings, "000", 271, "usd_mismatch").empty


def test_damaged_number_truncated_cell_with_evidence(gold_findings):
    # "868,17": the nine-month cash flow lost the last digit of net income
    f = at(gold_findings, "000", 389, "ocr_damage", "damaged_number")
    assert len(f) == 1
    row = f.iloc[0]
    assert "truncated" in row["message"]
    # USD 9,327 x 93.08 = 868,157 (thousand) is offered as the likely value
    assert abs(row["fix_value"] - 9327 * 93.08 * 1000) < 1000
    # the clean income statement's net income row is not damaged
    assert at(gold_findings, "000", 359, rule="damaged_number").empty


def test_damaged_number_lost_parenthesis(gold_findings):
    f = at(gold_findings, "000", 395, "ocr_damage", "damaged_number")
    assert len(f) == 1 and "parenthesis" in f.iloc[0]["message"]


def test_share_of_total(gold_findings):
    # total cost 41,254,994 / 50,789,003 = 81.23% printed 81.3
    f = at(gold_findings, "000", 342, "share_mismatch")
    assert len(f) == 1 and f.iloc[0]["expected_text"] == "81.2"
    # sales and marketing 3,506,005 / 50,789,003 = 6.90% printed 6.9: clean
    assert at(gold_findings, "000", 343, "share_mismatch").empty


def test_cross_table_summary_against_statement(gold_findings):
    # segment summary 2,326 (JPY millions) vs segment information 2,326,526 thousand
    f = at(gold_findings, "000", 63, "cross_table")
    assert len(f) == 1 and "479" in f.iloc[0]["lines"].split(";")
    assert f.iloc[0]["expected_text"] == "2,327"
    # total revenues 50,789 vs 50,789,003 thousand agree
    assert at(gold_findings, "000", 38, "cross_table").empty


def test_cross_table_one_digit_misread(gold_findings):
    # cash-flow net income 3,123,480 vs the income statement's 3,123,486 (same scale)
    f = at(gold_findings, "003", 419, "cross_table")
    assert len(f) >= 1


def test_items_vs_total_fires_in_one_column_only(gold_findings):
    # three-month investing cash flow 3Q11: items add to (1,132,452), total prints (1,157,099)
    f = at(gold_findings, "003", 686, "sum_mismatch")
    assert len(f) == 1 and "1,132,452" in f.iloc[0]["message"]
    # the same statement's financing section adds up
    assert at(gold_findings, "003", 695, "sum_mismatch").empty


def test_phantom_row_found_by_leaving_it_out(gold_findings):
    # "Systems integration:" section header carries numbers that fit no total
    f = at(gold_findings, "000", 330, "ocr_damage", "items_vs_total")
    assert len(f) == 1 and "phantom" in f.iloc[0]["message"]
    # the real SI items and their total are not phantoms
    assert at(gold_findings, "000", 333, rule="items_vs_total").empty


def test_missing_cell(gold_findings):
    f = at(gold_findings, "000", 104, "ocr_damage", "missing_cell")
    assert len(f) == 1
    assert at(gold_findings, "000", 105, rule="missing_cell").empty


def test_duplicated_sibling_label(gold_findings):
    f = at(gold_findings, "000", 327, "label_error", "label_damage")
    assert len(f) == 1 and "Connectivity (corporate use)" in f.iloc[0]["message"]


def test_numbers_on_a_wrapped_label_line(gold_findings):
    f = at(gold_findings, "003", 582, "ocr_damage", "wrapped_label_numbers")
    assert len(f) == 1 and "repeat" in f.iloc[0]["message"]
    assert at(gold_findings, "003", 583, rule="wrapped_label_numbers").empty


def test_header_text_needs_the_document(gold_facts, gold_findings):
    # "As of December 31, 2009 As of December 31, 2009" / "As of March 31, 2"
    assert not at(gold_findings, "000", 266, rule="header_text").empty
    # "Nine Months December 31": the column header lost its year
    assert not at(gold_findings, "000", 322, rule="header_text").empty
    without = Engine(gold_facts).run()
    assert (without["rule"] == "header_text").sum() == 0


def test_column_without_period(gold_findings):
    f = gold_findings[gold_findings["rule"] == "column_without_period"]
    assert any("56" in s.split(";") or "57" in s.split(";") for s in f["lines"])


def test_header_date_against_resolved_period(gold_findings):
    # 004 slide II-9: column headed March 31, 2009 carries the March 31, 2010 balances
    f = at(gold_findings, "004", 321, "label_error", "header_date")
    assert len(f) == 1 and "2010-03-31" in f.iloc[0]["message"]


def test_percent_header_holding_amounts(gold_findings):
    assert not at(gold_findings, "004", 60, "label_error").empty


def test_yoy_recomputed_fires_after_an_edit_and_not_before(gold_facts, documents):
    facts = gold_facts.copy()
    # 000 Operating Results Summary, total revenues YoY (4.9%): 48,313 / 50,789 - 1 = -4.88%
    sel = facts[(facts["doc"].str.startswith("000")) & (facts["line"] == 38) & (facts["measure"] == "yoy_pct")]
    fid = sel.index[0]
    eng = Engine(facts, documents=documents)
    before = eng.run()
    assert at(before, "000", 38, "yoy_mismatch").empty
    facts.loc[fid, "value"] = -6.0
    after = eng.recheck([fid])
    f = at(after, "000", 38, "yoy_mismatch")
    assert len(f) == 1 and f.iloc[0]["expected_text"] == "-4.9%"


def test_direction_label(gold_findings):
    f = at(gold_findings, "003", 694, "label_error", "direction_label")
    assert len(f) == 1


def test_every_finding_is_complete(gold_findings):
    assert gold_findings["id"].is_unique
    for _, r in gold_findings.iterrows():
        assert r["message"] and r["lines"] and r["severity"] in ("error", "warning", "info")
        assert r["kind"] in {"sum_mismatch", "cross_table", "yoy_mismatch", "share_mismatch",
                             "usd_mismatch", "ocr_damage", "label_error", "cross_release", "restatement"}
        if not (isinstance(r["fix_value"], float) and math.isnan(r["fix_value"])):
            assert r["fix_fact"] is not None


def _edit(facts, doc, line, **match):
    sel = facts[facts["doc"].str.startswith(doc) & (facts["line"] == line)]
    for k, v in match.items():
        sel = sel[sel[k] == v]
    return sel.index[0]


def _fires_after_edit(gold_facts, documents, doc, line, rule, delta, **match):
    """The rule is quiet on the real table and fires once one of its figures is changed."""
    facts = gold_facts.copy()
    eng = Engine(facts, documents=documents)
    before = eng.run()
    assert at(before, doc, line, rule=rule).empty
    fid = _edit(facts, doc, line, **match)
    facts.loc[fid, "value"] = facts.loc[fid, "value"] + delta
    after = eng.recheck([fid])
    return at(after, doc, line, rule=rule)


def test_cash_roll_forward(gold_facts, documents):
    # 001 annual cash flow: beginning 11,470,980 + net decrease (1,283,256) = ending 10,187,724
    f = _fires_after_edit(gold_facts, documents, "001", 1188, "cash_roll_forward", 5_000_000.0,
                          unit="JPY", period_end="2009-03-31")
    assert len(f) >= 1 and f.iloc[0]["kind"] == "sum_mismatch"


def test_balance_sheet_identity(gold_facts, documents):
    # 001 balance sheet: total liabilities 27,058,280 + minority 73,735 + equity 25,169,184 = 52,301,199
    f = _fires_after_edit(gold_facts, documents, "001", 655, "balance_sheet_identity", 10_000_000.0,
                          unit="JPY", period_end="2009-03-31")
    assert len(f) >= 1


def test_equity_roll_forward(gold_facts, documents):
    # 001 equity: accumulated deficit (19,555,489) + 1,419,304 - 412,956 = (18,549,141)
    f = _fires_after_edit(gold_facts, documents, "001", 894, "equity_roll_forward", 50_000_000.0)
    assert len(f) >= 1


def test_derived_periods_agree_across_the_releases(gold_facts, documents):
    # nine months - six months = the quarter, for items found in three tables of the releases
    eng = Engine(gold_facts, documents=documents)
    eng.run()
    triples = [c for c in eng.checks if c.rule == "derived_period"]
    assert len(triples) >= 20
    assert sum(1 for c in triples if not c.findings) >= 0.9 * len(triples)
    # an edit to a quarter breaks its triple
    c = next(c for c in triples if not c.findings)
    a, b, q = c.positions
    facts = gold_facts.copy()
    eng2 = Engine(facts, documents=documents)
    eng2.run()
    fid = eng2.ctx.ids[q]
    facts.loc[fid, "value"] = facts.loc[fid, "value"] * 1.5 + 1e9
    out = eng2.recheck([fid])
    assert (out["rule"] == "derived_period").sum() > (eng.findings["rule"] == "derived_period").sum()


def test_header_text_quiet_on_clean_wrapped_headers(gold_findings):
    # 001 prints its fixed-width headers wrapped over several lines ("March 31," / "2008"):
    # nothing there is garbled
    f = gold_findings[gold_findings["doc"].str.startswith("001") & (gold_findings["rule"] == "header_text")]
    assert f.empty


def test_glued_numbers_in_the_release_text(gold_findings):
    # 000 line 737: the TSE results table flattened into one line, "(4.9)2,007"
    assert not at(gold_findings, "000", 737, "ocr_damage", "glued_numbers_in_text").empty
    # 003 line 589: the three-month CAPEX table collapsed, "2,2082,2082,549"
    assert not at(gold_findings, "003", 589, "ocr_damage", "glued_numbers_in_text").empty


def test_margin_ratio(gold_facts, documents):
    # 001 SI: (33,647 - 25,543) / 33,647 = 24.08%, printed 24.1%; a changed cost breaks it
    facts = gold_facts.copy()
    eng = Engine(facts, documents=documents)
    assert at(eng.run(), "001", 341, rule="margin_ratio").empty
    fid = _edit(facts, "001", 339, period_end="2009-03-31", measure="value")
    facts.loc[fid, "value"] += 1_000_000_000.0
    out = eng.recheck([fid])
    assert len(at(out, "001", 341, "share_mismatch", "margin_ratio")) == 1


def test_per_share(gold_facts, documents):
    # 000: 1,133,293 thousand / 202,544 shares = JPY 5,595.29 per share
    facts = gold_facts.copy()
    eng = Engine(facts, documents=documents)
    before = eng.run()
    assert at(before, "000", 371, rule="per_share").empty
    fid = _edit(facts, "000", 371, period_end="2009-12-31", unit="JPY_per_share")
    facts.loc[fid, "value"] = 5_600.0
    out = eng.recheck([fid])
    f = at(out, "000", 371, rule="per_share")
    assert len(f) == 1 and f.iloc[0]["expected_text"] == "5,595.29"


def test_column_headings_merged_into_one_cell(gold_findings):
    # 003 line 814: "2Q-end Year-end Total" printed in one cell over three value columns
    f = at(gold_findings, "003", 814, rule="header_text")
    assert not f.empty and (f["kind"] == "ocr_damage").all()
    assert "merged into one cell over 3 columns" in f["message"].iloc[0]
    # 003 line 765: "2Q-end 3Q-end" is a neighbour's heading leaked in (another finding), and
    # clean dividend grids elsewhere say nothing of merged headings
    merged = gold_findings[gold_findings["message"].str.contains("merged into one cell", regex=False)]
    assert set(zip(merged["doc"].str[:3], merged["lines"])) == {("003", "814")}


def test_a_summary_sum_against_the_precise_figures_of_its_parts(extracted_findings):
    # 000 line 581: adjusted EBITDA 3Q08 prints 2,194 (JPY millions) and its table adds up
    # (2,194 - 1,355 = 839), but operating income 838,900 + depreciation 1,354,538 (JPY
    # thousands, lines 632 and 674) make 2,193,438: EBITDA should round to 2,193.
    f = extracted_findings[extracted_findings["rule"] == "precise_parts"]
    f = f[f["doc"].str.startswith("000")]
    assert len(f) == 1
    row = f.iloc[0]
    assert row["doc"].startswith("000") and row["kind"] == "cross_table"
    assert {"581", "632", "674"} <= set(row["lines"].split(";"))
    assert row["expected_text"] == "2,193" and row["actual_text"] == "2,194"
    # the 3Q09 column of the same table (2,132 = 841 + 1,291, precise parts agree) says nothing
    assert "2009-12-31" not in row["message"]


def test_precise_parts_follows_an_edit(extracted_facts, documents):
    # Typing the EBITDA its precise parts give clears the finding (the table then no longer
    # adds up as printed, which items_vs_total reports instead).
    e = Engine(extracted_facts.copy(), documents)
    f = e.run()
    hit = f[(f["rule"] == "precise_parts") & f["doc"].str.startswith("000")].iloc[0]
    fid = hit["fact_ids"][0]
    e.facts.loc[fid, "value"] = 2_193e6
    e.facts.loc[fid, "printed"] = "2,193"
    after = e.recheck([fid])
    assert hit["id"] not in set(after["id"])
