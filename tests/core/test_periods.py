"""Period resolution from the release's own definitions."""
from datetime import date

from tests.conftest import release
from iijdesk.core.periods import DocPeriods


def read(prefix):
    return DocPeriods.read(release(prefix).read_text(encoding="utf-8"))


def test_fiscal_year_and_fy_numbering_are_read_from_the_release():
    dp = read("001")   # "fiscal year ended March 31, 2009 ("FY2008")"
    assert (dp.fy_end_month, dp.fy_end_day, dp.fy_offset) == (3, 31, 1)
    p = dp.parse("FY2008")
    assert (p.end, p.months) == (date(2009, 3, 31), 12)


def test_3q_is_nine_months_where_the_release_defines_it_so():
    dp = read("003")   # (from April 1 to December 31, 2012, "3Q12")
    p = dp.parse("3Q12")
    assert (p.end, p.months) == (date(2012, 12, 31), 9)
    # the comparative label in the same release has the same meaning
    assert dp.parse("3Q11").months == 9
    # a section headed "(3 months)" makes the same labels discrete quarters
    assert dp.parse("3Q12", cumulative=False).months == 3


def test_3q_is_three_months_where_the_release_does_not_say_otherwise():
    dp = read("000")
    p = dp.parse("3Q09")
    assert (p.end, p.months) == (date(2009, 12, 31), 3)


def test_month_ranges_quarters_halves_and_instants():
    dp = read("004")
    assert dp.parse("1Q10 (10/04~10/6)").end == date(2010, 6, 30)
    p = dp.parse("FY10 Previous Target (10/4~11/3)")
    assert (p.end, p.months) == (date(2011, 3, 31), 12)
    assert dp.parse("1H10").months == 6
    p = dp.parse("As of March 31, 2009")
    assert (p.end, p.months) == (date(2009, 3, 31), 0)
    p = dp.parse("Nine months ended Dec 31, 2009")
    assert (p.end, p.months) == (date(2009, 12, 31), 9)


def test_another_fiscal_year_end_is_not_assumed():
    text = ('Acme Corp announced results for the fiscal year ended December 31, 2011 ("FY2011").\n'
            'Quarterly results for 3Q11 follow.')
    dp = DocPeriods.read(text)
    assert (dp.fy_end_month, dp.fy_offset) == (12, 0)
    assert dp.parse("FY2011").end == date(2011, 12, 31)
    assert dp.parse("3Q11").end == date(2011, 9, 30)


def test_balance_rows_are_dated_the_day_before():
    dp = read("001")
    assert dp.balance_date("BALANCE, APRIL 1, 2007") == date(2007, 3, 31)


def test_comparison_definitions_name_the_columns_of_headerless_charts():
    from iijdesk.core.document import Document
    from iijdesk.core.extract import extract_document
    text = ("Acme Widgets Corp. 1Q FY2011 results (fiscal year ending March 31, 2012)\n\n"
            "YoY = 1Q11 compared to 1Q10\n QoQ = 1Q11 compared to 4Q10\n\n"
            "Headcount costs\n\n"
            "1,200 (15.0%)\t1,300 (14.0%)\t1,250 (16.0%)\n")
    dp = DocPeriods.read(text)
    assert [(p.end.isoformat(), p.months) for p in dp.compared] == [
        ("2010-06-30", 3), ("2011-03-31", 3), ("2011-06-30", 3)]
    df = extract_document(Document.from_text("acme_deck.txt", text))
    amounts = df[df["unit"] != "percent"].sort_values("col")
    assert list(amounts["period_end"]) == ["2010-06-30", "2011-03-31", "2011-06-30"]
    assert set(amounts["period_months"]) == {3}
