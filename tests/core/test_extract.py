"""Extraction on the real releases, one test per layout, and against the hand-verified gold."""
import csv
import math
from collections import defaultdict

import pytest

from tests.conftest import GOLD, RELEASES, release
from iijdesk.core.document import Document
from iijdesk.core.extract import extract_document, extract_files
from iijdesk.core.ingest import load


@pytest.fixture(scope="module")
def facts():
    return extract_files(RELEASES)


def one(df, doc_prefix, line, **kw):
    rows = df[(df["doc"].str.startswith(doc_prefix)) & (df["line"] == line)]
    for k, v in kw.items():
        rows = rows[rows[k] == v]
    assert len(rows) >= 1, f"no fact on {doc_prefix}:{line} with {kw}"
    return rows.iloc[0]


def test_tab_separated_statement_with_usd_and_percent_columns(facts):
    # balance sheet: JPY | % | USD | JPY | %, header years damaged in conversion
    r = one(facts, "000", 276, unit="USD")
    assert (r["period_end"], r["period_months"], r["scale"], r["value"]) == ("2009-12-31", 0, 1000, 232834000)
    r = one(facts, "000", 276, measure="share_pct", period_end="2009-03-31")
    assert r["value"] == 46.6
    r = one(facts, "000", 270, unit="JPY", period_end="2009-03-31")
    assert r["value"] == 10187724000 and r["kind"] == "balance"


def test_tab_separated_damaged_number_is_suspect_not_fixed(facts):
    r = one(facts, "000", 389, period_end="2009-12-31", unit="JPY")
    assert r["printed"] == "868,17" and r["flag"] == "suspect" and r["value"] == 86817000


def test_fixed_width_wrapped_labels_and_columns(facts):
    # "Connectivity and / Outsourcing Services  35,076  31,303  12.1%"
    r = one(facts, "001", 126, period_end="2009-03-31", measure="value")
    assert r["value"] == 35076e6 and r["period_months"] == 12
    assert r["row_label"] == "Connectivity and Outsourcing Services"
    r = one(facts, "001", 126, measure="yoy_pct")
    assert r["value"] == 12.1
    # nil dashes are facts without a value
    nil = facts[(facts["doc"].str.startswith("001")) & (facts["line"] == 132) & (facts["printed"] == "--")]
    assert len(nil) >= 1 and nil["value"].isna().all()


def test_fixed_width_statement_of_income(facts):
    r = one(facts, "001", 749, unit="USD")
    assert (r["value"], r["period_end"], r["period_months"]) == (703285000, "2009-03-31", 12)
    r = one(facts, "001", 749, measure="share_pct", period_end="2008-03-31")
    assert r["value"] == 100.0


def test_equity_statement_rows_carry_their_own_periods(facts):
    opening = one(facts, "001", 870, unit="shares")
    assert (opening["period_end"], opening["period_months"], opening["value"]) == ("2007-03-31", 0, 204300)
    movement = one(facts, "001", 872)
    assert (movement["period_end"], movement["period_months"]) == ("2008-03-31", 12)


def test_markdown_like_footnote_markers_are_removed_from_labels(facts):
    r = one(facts, "002", 58, period_end="2010-09-30", measure="value")
    assert r["row_label"] == "Network Services" and r["value"] == 20686e6 and r["period_months"] == 6


def test_slide_table_unit_line_and_quarter_series(facts):
    r = one(facts, "004", 298, period_end="2010-03-31")
    assert (r["value"], r["period_months"], r["unit"]) == (98e6, 3, "JPY")
    t = one(facts, "004", 408, measure="target", period_end="2011-03-31")
    assert t["scale"] == 1_000_000_000


def test_both_meanings_of_3q(facts):
    nine = one(facts, "003", 35, period_end="2012-12-31", measure="value")
    assert nine["period_months"] == 9
    three = one(facts, "000", 502, period_end="2009-12-31", measure="value")
    assert three["period_months"] == 3


def test_units_kpis_per_share_and_counts(facts):
    assert one(facts, "000", 84, period_end="2009-12-31", measure="value")["unit"] == "contracts"
    g = one(facts, "000", 96, period_end="2009-12-31", measure="value")
    assert (g["unit"], g["value"]) == ("Gbps", 647.2)
    ps = one(facts, "000", 371, period_end="2009-12-31", unit="JPY_per_share")
    assert ps["value"] == 5595.29
    assert one(facts, "000", 371, unit="USD_per_share")["value"] == 60.11
    assert one(facts, "000", 367, period_end="2009-12-31")["unit"] == "shares"


def test_a_header_dated_a_year_off_is_corrected_and_flagged(facts):
    r = one(facts, "001", 252, measure="value", value=48802.0)
    assert r["period_end"] == "2009-03-31" and r["flag"] == "suspect" and "header reads" in r["note"]


def test_facts_know_their_table_kind_hierarchy_and_source_span(facts):
    r = one(facts, "000", 326, unit="JPY", period_end="2008-12-31")
    assert r["kind"] == "income"
    line = release("000").read_text(encoding="utf-8").split("\n")[325]
    assert line[r["start"]: r["end"]] == r["printed"]


def _gold():
    rows = []
    for p in sorted(GOLD.glob("*.facts.csv")):
        with open(p, newline="", encoding="utf-8") as f:
            rows += [g for g in csv.DictReader(f) if g["value"] and not g["col_label"].startswith("(number in row")]
    return rows


def test_recall_against_the_gold_does_not_regress(facts):
    have = defaultdict(list)
    for r in facts.itertuples():
        if not math.isnan(r.value):
            have[(r.doc, r.line, r.period_end, r.period_months, r.unit, r.measure)].append(r.value)
    gold = _gold()
    found = sum(any(abs(v - float(g["value"])) <= 1e-9 * max(1, abs(v)) for v in
                    have.get((g["doc"], int(g["line"]), g["period_end"], int(g["period_months"]),
                              g["unit"], g["measure"]), [])) for g in gold)
    assert found / len(gold) >= 0.99


def test_another_company_in_the_same_layout():
    text = """Acme Widgets Corp. announces results for the fiscal year ended December 31, 2011 ("FY2011").

                       Operating Results Summary
 --------------------------------------------------------------------
                                        FY2011    FY2010       YoY %
                                                              change
 --------------------------------------------------------------------
                                         USD       USD
                                       millions  millions
 Net Sales                                1,250     1,100      13.6%
 --------------------------------------------------------------------
 Operating Profit                           210       180      16.7%
 --------------------------------------------------------------------
"""
    df = extract_document(Document.from_text("acme.txt", text))
    r = df[(df["line"] == 10) & (df["measure"] == "value")].set_index("period_end")
    assert r.loc["2011-12-31", "value"] == 1250e6 and r.loc["2010-12-31", "value"] == 1100e6
    assert set(df["period_months"].dropna()) == {12}


def test_a_weighted_average_dated_at_a_fiscal_year_end_covers_that_year():
    text = """Acme Widgets Corp. announces results for the fiscal year ended December 31, 2011.

 Number of Shares Outstanding (Shares of Common Stock)
     1) The number of shares outstanding:
         As of December 31, 2011:  52,000 shares
         As of December 31, 2010:  50,000 shares
     2) The weighted average number of shares outstanding:
         As of December 31, 2011:  51,200 shares
         As of December 31, 2010:  49,800 shares
"""
    df = extract_document(Document.from_text("acme.txt", text))
    months = {int(v): int(m) for v, m in zip(df["value"], df["period_months"])}
    assert months[52000] == 0 and months[50000] == 0          # balances at the date
    assert months[51200] == 12 and months[49800] == 12        # averages over the fiscal year


def test_a_single_spaced_unit_line_is_split_over_its_columns():
    """"Shares U.S. Dollars U.S. Dollars U.S. Dollars": one unit per column, not all on the last."""
    text = """Acme Widgets Corp. announces results for the fiscal year ended March 31, 2011.

 Consolidated Statements of Shareholders' Equity

                     Shares
                    of Common            Additional
                      Stock    Common     Paid-in     Accumulated
                   Outstanding  Stock     Capital       Deficit
                    ----------------------------------------------
                              Thousands    Thousands    Thousands
                     Shares U.S. Dollars U.S. Dollars U.S. Dollars
                    ----------------------------------------------
 BALANCE,
  APRIL 1, 2010     100,000      150,000     250,000     (120,000)
 Net Income                                                10,000
 BALANCE,
  MARCH 31, 2011    100,000      150,000     250,000     (110,000)
"""
    df = extract_document(Document.from_text("acme.txt", text))
    first = df[df["line"] == 14].sort_values("col")
    assert list(first["unit"]) == ["shares", "USD", "USD", "USD"]
    assert list(first["value"]) == [100_000, 150_000_000, 250_000_000, -120_000_000]


def test_a_target_row_of_a_ratio_column_is_a_target():
    text = """Acme Widgets Corp. announces results for the fiscal year ended March 31, 2011.

 Dividends
 ---------------------------------------------------------------------
                  Dividends       Payout Ratio      Dividends to
                   (Total)       (consolidated)      Net Assets
 ---------------------------------------------------------------------
                 JPY millions         %                 %
 Fiscal year
  ended March
  31, 2011           409            28.9               1.6
 ---------------------------------------------------------------------
 Fiscal year
  ending March
  31, 2012
  (Target)                          23.8
 ---------------------------------------------------------------------
"""
    df = extract_document(Document.from_text("acme.txt", text))
    payout = df.set_index("value")
    assert payout.loc[28.9, "measure"] == "value" and payout.loc[28.9, "unit"] == "percent"
    assert payout.loc[23.8, "measure"] == "target" and payout.loc[23.8, "period_end"] == "2012-03-31"


def test_a_period_label_wrapped_over_two_rows_dates_both():
    text = ("Acme Widgets Corp. announces results for the nine months ended December 31, 2011.\n\n"
            "(1) Consolidated Results of Operations\n\n"
            "\tBasic Net Income per Share\tDiluted Net Income per Share\n"
            "\tJPY\tJPY\n"
            "Nine months ended\t1,234.50\t1,230.10\n"
            "December 31, 2011\t1,234.56\t1,230.12\n"
            "Nine months ended\t1,100.00\t1,099.00\n"
            "December 31, 2010\t1,100.25\t1,099.50\n")
    df = extract_document(Document.from_text("acme.txt", text))
    got = {(int(r.line), r.period_end, int(r.period_months)) for r in df.itertuples()}
    assert got == {(7, "2011-12-31", 9), (8, "2011-12-31", 9), (9, "2010-12-31", 9), (10, "2010-12-31", 9)}


def test_dividend_grids_read_through_garbled_headers():
    text = ("Acme Widgets Corp. announces results for the fiscal year ended March 31, 2012.\n\n"
            "2. Dividends\n\n"
            "\tDividend per Share\t\t\t\t\t\n"
            "\t1Q-end\t2Q-end\t2Q-end 3Q-end\t\tTotal\t\n"     # 3Q-end holds its neighbour's word,
            "\tJPY\tJPY\tJPY\tJPY\tJPY\t\n"                      # year-end lost its heading
            "Fiscal Year Ended March 31, 2012\t5.00\t6.00\t7.00\t8.00\t26.00\t\n\n"
            "(4) Others\n\n"
            "\tDividend per Share\t\t\t\n"
            "\t2Q-end Year-end Total\t\t\t\n"                      # three headings in one cell
            "\tJPY\tJPY\tJPY\t\n"
            "Fiscal Year Ended March 31, 2012\t7.50\t8.75\t16.25\t\n")
    df = extract_document(Document.from_text("acme.txt", text))
    got = {float(v): (e, int(m)) for v, e, m in zip(df["value"], df["period_end"], df["period_months"])}
    assert got[5.0] == ("2011-06-30", 0) and got[6.0] == ("2011-09-30", 0)
    assert got[7.0] == ("2011-12-31", 0) and got[8.0] == ("2012-03-31", 0) and got[26.0] == ("2012-03-31", 12)
    assert got[7.5] == ("2011-09-30", 0) and got[8.75] == ("2012-03-31", 0) and got[16.25] == ("2012-03-31", 12)


def test_a_file_that_is_not_a_release_yields_no_facts():
    prose = Document.from_text("letter.txt", "Dear shareholder,\n\nThank you for your support in 2011.\n")
    assert len(extract_document(prose)) == 0


def test_a_share_column_that_holds_amounts_is_rescaled_from_the_release_and_flagged(facts):
    # a slide headed "% of Revenues" under "Unit: JPY million" prints revenue as 15.8: the release
    # itself prints the same revenue as JPY 15,813 million, so these are billions
    r = one(facts, "004", 60, measure="value", period_end="2010-06-30")
    assert r["scale"] == 1_000_000_000 and r["value"] == 15.8e9
    assert r["flag"] == "suspect" and "billions" in r["note"]


def test_a_table_flattened_onto_one_line_is_read_and_flagged(facts):
    # "... Nine months ended 48,313 (4.9)2,007 43.6 ... December 31, 2009 Nine months ended 50,789 ..."
    rows = facts[(facts["doc"].str.startswith("000")) & (facts["line"] == 737)]
    by = {(r.period_end, r.measure, r.value) for r in rows.itertuples()}
    assert ("2009-12-31", "value", 48313e6) in by and ("2008-12-31", "value", 354e6) in by
    assert ("2008-12-31", "yoy_pct", -91.3) in by
    assert (rows["flag"] == "suspect").all()
    # "CAPEX3Q113Q12JPY millions...2,2082,2082,549": glued cells split, columns from the codes
    capex = facts[(facts["doc"].str.startswith("003")) & (facts["line"] == 589)]
    assert {("2011-12-31", 2208e6), ("2012-12-31", 2549e6)} <= {(r.period_end, r.value) for r in capex.itertuples()}
    assert set(capex["period_months"]) == {3}
