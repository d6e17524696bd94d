"""Numbers as the grid shows them and as analysts type them."""
import math

import pytest
from hypothesis import given, strategies as st

from iijdesk.gui.formatting import (NumberEntryError, format_number, parse_entry, period_caption,
                                    printed_form, unit_caption, unit_name)


@pytest.mark.parametrize("text, number, dec", [
    ("1,234", 1234, 0), ("(1,234)", -1234, 0), ("-1234", -1234, 0), ("1234", 1234, 0),
    (" 12.5% ", 12.5, 1), ("(4.9%)", -4.9, 1), ("(4.9)%", -4.9, 1), ("−7", -7, 0), ("△12", -12, 0),
    ("+3", 3, 0), ("0.45", 0.45, 2), ("1,234,567.8", 1234567.8, 1),
])
def test_typed_numbers(text, number, dec):
    v, d, nil = parse_entry(text)
    assert (v, d, nil) == (pytest.approx(number), dec, False)


@pytest.mark.parametrize("text", ["", "abc", "12x4", "1,23", "1,2345", "(-5)", "1.2.3", "(", "%"])
def test_rejected_entries_say_what_is_accepted(text):
    with pytest.raises(NumberEntryError, match="not a number|both parentheses"):
        parse_entry(text)


def test_a_dash_means_no_amount():
    v, _, nil = parse_entry("—")
    assert nil and math.isnan(v)


def test_format_by_scale_with_negatives_in_parentheses():
    assert format_number(-1_234_000, 1000, 0, "JPY") == "(1,234)"
    assert format_number(48_313_000_000, 1_000_000, 0, "JPY") == "48,313"
    assert format_number(-4.9, 1, 1, "percent") == "(4.9%)"
    assert format_number(410_300_000, 1_000_000, 1, "USD") == "410.3"
    assert format_number(float("nan"), 1000, 0, "JPY", "—") == "—"
    assert format_number(-0.0001, 1, 0, "JPY") == "0"


def test_captions():
    assert period_caption("2009-12-31", 9) == "9M to 2009-12-31"
    assert period_caption("2009-12-31", 0) == "at 2009-12-31"
    assert period_caption("", None) == ""
    assert unit_caption("JPY", 1_000_000, "value") == "JPY mn"
    assert unit_caption("USD", 1000, "value") == "USD thousands"
    assert unit_caption("percent", 1, "yoy_pct") == "YoY %"
    assert unit_caption("JPY_per_share", 1, "value") == "JPY per share"


def test_unit_names_as_people_write_them():
    assert unit_name("JPY_per_share") == "JPY per share"
    assert unit_name("USD_per_ADS") == "USD per ADS"
    assert unit_name("JPY", 1_000_000) == "JPY mn"
    assert unit_name("percent") == "%"
    assert unit_name("contracts") == "contracts"
    assert unit_name("") == ""


@given(st.integers(min_value=-10**12, max_value=10**12), st.integers(min_value=0, max_value=3))
def test_what_the_grid_prints_reads_back(n, dec):
    number = n / 10**dec
    for unit in ("JPY", "percent"):
        v, d, _ = parse_entry(printed_form(number, dec, unit))
        assert d == dec and v == pytest.approx(number)
