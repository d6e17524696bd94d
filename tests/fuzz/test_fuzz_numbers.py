"""Property tests of the number parser (iijdesk.core.tables.numbers): printed forms a release
uses round-trip to their value; nothing raises on any text; spans point at the printed text."""
from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

numbers = pytest.importorskip("iijdesk.core.tables.numbers")
parse_number, find_numbers = numbers.parse_number, numbers.find_numbers

FAST = settings(max_examples=400, deadline=None)
ints = st.integers(0, 10**15)
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)


@FAST
@example("(")
@example("1,2,3,,4")
@example("9" * 400)
@example("1e309")
@given(texts)
def test_parse_number_never_raises_and_keeps_the_printed_text(text):
    n = parse_number(text)
    if n is not None:
        assert n.printed == text.strip()
        assert n.value is None or abs(n.value) < numbers.MAX_NUMBER_VALUE   # never inf


@FAST
@given(texts, st.integers(0, 1000))
def test_find_numbers_spans_point_at_the_printed_text(text, offset):
    found = find_numbers(text, offset)
    starts = [n.start for n in found]
    assert starts == sorted(starts)
    for n in found:
        assert text[n.start - offset:n.end - offset] == n.printed
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start, "overlapping numbers"


@FAST
@given(ints)
def test_integers_with_thousands_separators(n):
    got = parse_number(f"{n:,}")
    assert got.value == n and got.decimals == 0 and not got.percent and not got.damage


@FAST
@given(ints)
def test_parentheses_and_minus_are_negative(n):
    assert parse_number(f"({n:,})").value == -n
    assert parse_number(f"-{n:,}").value == -n
    assert parse_number(f"({n:,})").paren


@FAST
@given(st.integers(0, 10**9), st.integers(1, 4))
def test_decimals_are_counted(n, d):
    s = f"{n / 10**d:,.{d}f}"
    got = parse_number(s)
    assert got.decimals == d and got.value == float(s.replace(",", ""))


@FAST
@given(st.integers(0, 10**6), st.sampled_from(["%", " %"]))
def test_percentages(n, pct):
    s = f"{n / 10:,.1f}{pct}"
    got = parse_number(s)
    assert got.percent and got.value == float(s.replace(",", "").replace("%", ""))
    neg = parse_number(f"({n / 10:,.1f}%)")
    assert neg.percent and neg.value == -float(f"{n / 10:.1f}")


@FAST
@given(st.sampled_from(sorted(numbers.NIL_TOKENS)))
def test_nil_dashes_have_no_value(tok):
    got = parse_number(tok)
    assert got is not None and got.is_nil and got.value is None


@FAST
@given(st.integers(1000, 10**12), st.data())
def test_a_damaged_comma_group_is_flagged_not_fixed(n, data):
    s = f"{n:,}"
    cut = data.draw(st.integers(1, 2))
    damaged = s[:-cut]                       # "868,179" -> "868,17": truncated in conversion
    got = parse_number(damaged)
    assert got is not None and got.printed == damaged and got.damage


@FAST
@given(st.lists(st.tuples(ints, st.sampled_from(["{:,}", "({:,})", "{:,}.5", "-{:,}"])),
                min_size=1, max_size=8),
       st.sampled_from(["\t", "   ", "        "]))
def test_a_table_row_yields_its_numbers_in_order(cells, sep):
    printed = [f.format(n) for n, f in cells]
    line = "Revenues" + sep + sep.join(printed)
    found = find_numbers(line)
    assert [x.printed for x in found] == printed
    for x, (n, f) in zip(found, cells):
        assert abs(x.value) == float(f.format(n).strip("()-").replace(",", ""))
