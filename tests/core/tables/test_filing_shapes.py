"""Header and cell shapes of US filings and press releases, each in a small hand-made page.

Every page here is written for the test (no company's figures): the shapes are the ones filing
agents print, the numbers are arbitrary. Each test names the shape it covers.
"""
from __future__ import annotations

from iijdesk.core.extract import extract_document
from iijdesk.core.ingest import load_bytes

COVER = ("<p>QUARTERLY REPORT PURSUANT TO SECTION 13 OR 15(d) For the quarterly period ended "
         "June 30, 2025</p><p>Refer to our Annual Report on Form 10-K for the year ended "
         "December 31, 2024. The year ended December 31, 2024 is our last fiscal year.</p>"
         "<p>Item 1. Financial Statements</p>")


def _cell(c) -> str:
    if isinstance(c, tuple):
        text, span = c
        return f'<td colspan="{span}">{text}</td>'
    return f"<td>{c}</td>"


def table(*rows) -> str:
    return "<table>" + "".join("<tr>" + "".join(_cell(c) for c in r) + "</tr>" for r in rows) + "</table>"


def facts(*parts: str, name: str = "f.html"):
    page = "<html><body>" + COVER + "".join(parts) + "</body></html>"
    return extract_document(load_bytes(name, page.encode()))


def got(df) -> set[tuple]:
    return {(r.printed, r.period_end, int(r.period_months), r.unit) for r in df.itertuples()
            if r.period_end and r.period_months == r.period_months}


def test_the_sentence_introducing_a_table_dates_its_measure_columns():
    df = facts(
        "<p>Note 7 - Debt</p>",
        "<p>The following is a summary of our debt as of June 30, 2025 (in millions):</p>",
        table(["", ("Net Carrying Value", 2), "Unpaid Principal Balance", "Contractual Interest Rates",
                "Contractual Maturity Date"],
              ["", "Current", "Long-Term", "", "", ""],
              ["Term loan", "12", "345", "357", "4.70-5.75%", "March 2027-January 2031"],
              ["Notes", "6", "78", "84", "2.11%", "April 2029"],
              ["Total debt", "$18", "$423", "$441", "", ""]))
    g = got(df)
    for printed in ("12", "345", "357", "$441"):
        assert (printed, "2025-06-30", 0, "USD") in g
    assert set(df.loc[df["printed"] == "345", "scale"]) == {1_000_000}
    # a range in one cell stays in its column: both ends are rates, none lands under the dates
    rates = df[df["unit"] == "percent"]
    assert {"4.70", "5.75"} <= {p.rstrip("%").lstrip("-") for p in rates["printed"]}
    assert set(rates["col_label"]) == {"Contractual Interest Rates"}


def test_a_notes_scale_sentence_scales_its_later_tables_and_a_heading_splits_tables():
    rows = [[f"Item {i}", str(100 + i), str(200 + i)] for i in range(70)]
    df = facts(
        "<p>Note 4 - Investments</p>",
        "<p>Our investments consisted of the following (in millions):</p>",
        table(["", "June 30, 2025", "December 31, 2024"], *rows),
        "<p>Debt Securities</p>",
        "<p>Our debt securities were as follows:</p>",
        table(["", "", ("Gross Unrealized", 2), "Fair Value"],
              ["", "Cost", "Gains", "Losses", ""],
              ["June 30, 2025"],
              ["Trading securities", "$48", "$1", "—", "$49"],
              ["Available-for-sale securities", "1,988", "21", "(86)", "1,923"],
              ["December 31, 2024"],
              ["Trading securities", "$45", "$1", "$(1)", "$45"]))
    g = got(df)
    assert ("1,988", "2025-06-30", 0, "USD") in g and ("$45", "2024-12-31", 0, "USD") in g
    assert set(df.loc[df["printed"].isin(["1,988", "(86)", "$45"]), "scale"]) == {1_000_000}
    # the first table keeps its own periods
    assert ("169", "2025-06-30", 0, "USD") in g and ("269", "2024-12-31", 0, "USD") in g


def test_a_duration_row_inside_a_segment_table_dates_the_rows_below():
    df = facts(table(
        ["", ("Fiscal Second Quarter Ended", 4)],
        ["(Dollars in Millions)", ("June 29, 2025", 2), ("June 30, 2024", 2)],
        ["", "Segment A", "Segment B", "Segment A", "Segment B"],
        ["Sales to customers", "$1,520", "854", "1,449", "795"],
        ["Cost of products sold", "397", "363", "360", "324"],
        ["", ("Fiscal Six Months Ended", 4)],
        ["Sales to customers", "$2,907", "1,656", "2,805", "1,577"],
        ["Cost of products sold", "799", "696", "697", "636"]))
    g = got(df)
    assert ("$1,520", "2025-06-29", 3, "USD") in g and ("795", "2024-06-30", 3, "USD") in g
    assert ("$2,907", "2025-06-29", 6, "USD") in g and ("636", "2024-06-30", 6, "USD") in g
    assert set(df["scale"]) == {1_000_000}


def test_us_quarter_labels_take_the_fiscal_year_the_filing_names():
    df = facts("<p>The following table summarizes the restructuring expenses:</p>", table(
        ["(Pre-tax Dollars in Millions)", "Q2 2025", "Q2 2024", "Q2 YTD 2025", "Q2 YTD 2024"],
        ["Program one", "$29", "—", "29", "—"],
        ["Program two", "50", "52", "105", "79"],
        ["Total", "$79", "52", "134", "79"]))
    g = got(df)
    assert ("50", "2025-06-30", 3, "USD") in g and ("52", "2024-06-30", 3, "USD") in g
    assert ("105", "2025-06-30", 6, "USD") in g and ("79", "2024-06-30", 6, "USD") in g


def test_a_unit_row_under_the_header_scales_the_table():
    df = facts(table(
        ["Gross to Net Reconciliation", "June 30, 2025", "December 31, 2024"],
        ["(Dollars in Millions)"],
        ["Total Gross Assets", "$1,494", "2,194"],
        ["Offset", "(1,471)", "(2,172)"],
        ["Total Net Asset", "23", "22"]))
    assert set(df["scale"]) == {1_000_000}
    assert ("(1,471)", "2025-06-30", 0, "USD") in got(df)


def test_share_roll_forward_balances_on_days_without_a_year():
    df = facts(table(
        ["", ("Three Months Ended June 30, 2025", 3), ("Three Months Ended June 30, 2024", 3)],
        ["Share Activity (millions of shares)", "Issued", "Held in Treasury", "Outstanding",
         "Issued", "Held in Treasury", "Outstanding"],
        ["Balance as of March 31", "8,019", "(3,709)", "4,310", "8,019", "(4,076)", "3,943"],
        ["Share repurchases", "—", "(47)", "(47)", "—", "(45)", "(45)"],
        ["Balance as of June 30", "8,019", "(3,756)", "4,263", "8,019", "(4,121)", "3,898"]))
    g = got(df)
    assert ("4,310", "2025-03-31", 0, "shares") in g and ("3,943", "2024-03-31", 0, "shares") in g
    assert ("4,263", "2025-06-30", 0, "shares") in g
    assert ("(47)", "2025-06-30", 3, "shares") in g
    assert set(df["scale"]) == {1_000_000}


def test_dilutive_effect_between_basic_and_diluted_shares_is_a_share_count():
    df = facts("<p>(in millions, except per share data)</p>", table(
        ["", ("Three Months Ended June 30,", 2)],
        ["", "2025", "2024"],
        ["Net income", "$3,810", "$2,411"],
        ["Basic net income per share", "$0.89", "$0.56"],
        ["Average shares outstanding — basic", "4,304", "4,309"],
        ["Effect of dilutive securities", "11", "10"],
        ["Average shares outstanding — diluted", "4,315", "4,319"]))
    eff = df[df["row_label"] == "Effect of dilutive securities"]
    assert set(eff["unit"]) == {"shares"} and set(eff["value"]) == {11e6, 10e6}
    assert set(df.loc[df["row_label"] == "Net income", "unit"]) == {"USD"}


def test_beginning_and_ending_balance_rows_are_instants():
    df = facts("<p>Changes in contingent consideration were as follows (in millions):</p>", table(
        ["", ("Six Months Ended", 2)],
        ["", "June 30, 2025", "June 30, 2024"],
        ["Beginning Balance", "$1,217", "1,092"],
        ["Changes in fair value", "(60)", "44"],
        ["Ending Balance", "$1,157", "1,136"]))
    g = got(df)
    assert ("$1,217", "2024-12-31", 0, "USD") in g and ("1,092", "2023-12-31", 0, "USD") in g
    assert ("$1,157", "2025-06-30", 0, "USD") in g
    assert ("(60)", "2025-06-30", 6, "USD") in g


def test_face_amounts_and_par_values_in_labels_are_label_numbers():
    df = facts("<p>(in millions)</p>", table(
        ["", "June 30, 2025", "December 31, 2024"],
        ["1.150% Notes due 2028 (750MM Euro 1.1704)", "881", "843"],
        ["Common stock; $0.001 par value; 6,000 shares authorized", "3", "3"]))
    lab = df[df["col_label"] == "(number in row label)"]
    face = lab[lab["printed"] == "750MM"]
    assert set(face["unit"]) == {"EUR"} and set(face["value"]) == {750e6}
    assert ("6,000", "shares") in {(r.printed, r.unit) for r in lab.itertuples()}
    assert not (df["printed"] == "2028").any()        # a year in a label is no fact


def test_letterhead_phone_numbers_and_zip_codes_are_not_facts():
    df = facts(
        table(["", "The Example Company, Inc."], ["", "P.O. Box 1480 Kearney, NE 68848-1480"],
              ["", "phone: 308-236-8491"], ["Contact:", "(308) 236-8491"]),
        table(["", ("Thirteen Weeks Ended", 2)],
              ["", "November 2, 2024", "October 28, 2023"],
              ["SALES, Net of returns", "$293,557", "$303,475"]),
        name="pr.html")
    assert set(df["printed"]) == {"$293,557", "$303,475"}
    assert ("$293,557", "2024-11-02", 3, "USD") in got(df)


def test_a_statement_continued_over_a_page_break_keeps_its_columns():
    head = [["", ("Three Months Ended June 30,", 2)], ["", "2025", "2024"]]
    df = facts(
        "<p>(in millions)</p>",
        table(*head, ["Revenues", "$100", "$90"], ["Cost of revenues", "60", "55"]),
        "<p>12</p><hr/><p>Table of Contents</p>",
        table(*head, ["Operating expenses", "20", "18"], ["Net income", "$20", "$17"]))
    g = got(df)
    assert ("20", "2025-06-30", 3, "USD") in g and ("$17", "2024-06-30", 3, "USD") in g
    assert not (df["printed"] == "12").any()          # the page number is furniture
