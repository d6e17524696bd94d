"""Property tests of the period resolver (iijdesk.core.periods): any header text or document is
read without an exception; dates, quarters, halves and ranges resolve consistently."""
from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

periods = pytest.importorskip("iijdesk.core.periods")
DocPeriods = periods.DocPeriods

FAST = settings(max_examples=300, deadline=None)
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120)
dates = st.dates(date(1990, 1, 1), date(2098, 12, 31))
MONTH = [calendar.month_name[m] for m in range(13)]
MONTH_ABBR = [calendar.month_abbr[m] for m in range(13)]

IMPOSSIBLE = ["Three months ended June 31, 2010", "As of Mar 32, 2009", "Feb 30, 2011",
              "Nine months ended Jun 0, 2010", "BALANCE, APRIL 31, 2007",
              "Results for the fiscal year ended June 0, 2009",
              "Results for the fiscal year ended February 29, 2008",
              "Results for the fiscal year ended April 31, 2010"]


@FAST
@example(IMPOSSIBLE[0])
@example("fiscal year ended February 30, 2009 (\"FY2008\")")
@given(texts)
def test_reading_any_document_never_raises(text):
    DocPeriods.read(text)


@pytest.mark.parametrize("text", IMPOSSIBLE)
def test_an_impossible_date_is_no_period_not_a_crash(text):
    dp = DocPeriods.read(text + "\nRevenue\t1,000\t2,000")
    p = dp.parse(text)
    assert p.end is None or p.end.day <= 31
    dp.find_all(text)
    dp.balance_date(text)
    for label in ("FY2009", "3Q09", "1H10", "FY2012"):     # label arithmetic on what was read
        q = dp.parse(label)
        assert q.end is None or 1 <= q.end.day <= 31


@FAST
@example("13Q10")
@example("10/13~10/15")
@example("FY0")
@given(texts)
def test_parsing_any_header_never_raises(text):
    dp = DocPeriods()
    dp.parse(text)
    dp.find_all(text)
    dp.balance_date(text)


@FAST
@given(dates, st.sampled_from([MONTH, MONTH_ABBR]), st.sampled_from([", ", " ", ","]))
def test_a_printed_date_is_its_end(d, names, sep):
    p = DocPeriods().parse(f"{names[d.month]} {d.day}{sep}{d.year}")
    assert p.end == d


@FAST
@given(dates, st.sampled_from([("Three months ended", 3), ("Six months ended", 6),
                               ("Nine months ended", 9), ("Twelve months ended", 12),
                               ("As of", 0)]))
def test_duration_words_give_the_months(d, words):
    phrase, months = words
    p = DocPeriods().parse(f"{phrase} {MONTH[d.month]} {d.day}, {d.year}")
    assert p.end == d and p.months == months


@FAST
@given(st.integers(2000, 2089), st.integers(1, 12), st.booleans())
def test_quarters_step_three_months_to_the_fiscal_year_end(fy, fy_end_month, cumulative):
    """1Q..4Q of one fiscal year end 3 months apart and 4Q ends when FYnn ends, for any fiscal
    year end month the document declares; cumulative quarters run 3, 6, 9, 12 months."""
    dp = DocPeriods(fy_end_month=fy_end_month, fy_end_day=calendar.monthrange(2001, fy_end_month)[1],
                    quarter_cumulative=cumulative)
    qs = [dp.parse(f"{q}Q{fy % 100:02d}") for q in (1, 2, 3, 4)]
    fy_end = dp.parse(f"FY{fy}").end
    assert qs[3].end == fy_end
    for a, b in zip(qs, qs[1:]):
        assert (b.end.year * 12 + b.end.month) - (a.end.year * 12 + a.end.month) == 3
        assert b.end.day == calendar.monthrange(b.end.year, b.end.month)[1]
    assert [q.months for q in qs] == ([3, 6, 9, 12] if cumulative else [3, 3, 3, 3])
    # two- and four-digit years name the same quarter
    assert dp.parse(f"3Q{fy}").end == qs[2].end


@FAST
@given(st.integers(2000, 2090), st.integers(1, 12), st.integers(0, 23))
def test_month_ranges(y, m, span):
    start = y * 12 + (m - 1)
    end = start + span
    ey, em = divmod(end, 12)
    em += 1
    p = DocPeriods().parse(f"{y % 100:02d}/{m}~{ey % 100:02d}/{em}")
    assert p.months == span + 1
    assert p.end == date(ey, em, calendar.monthrange(ey, em)[1])


@FAST
@given(dates)
def test_a_balance_at_the_start_of_a_day_one_is_the_day_before(d):
    text = f"BALANCE, {MONTH[d.month].upper()} {d.day}, {d.year}"
    got = DocPeriods().balance_date(text)
    if d.day == 1:
        assert got == date.fromordinal(d.toordinal() - 1)
    else:
        assert got == d
