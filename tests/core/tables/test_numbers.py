"""Number forms as releases print them."""
import pytest

from iijdesk.core.tables.numbers import find_numbers, parse_number


@pytest.mark.parametrize("text,value", [
    ("(1,234)", -1234), ("1,234", 1234), ("4.9%", 4.9), ("(4.9%)", -4.9), ("1,012.6%", 1012.6),
    ("(0.16)", -0.16), ("530.5 Gbps", 530.5), ("JPY12,837", 12837), ("JPY 14,812", 14812),
    ("+70", 70), ("-1234", -1234), ("down 0.1 %", -0.1), ("up 8.4%", 8.4), ("5,595.29", 5595.29),
])
def test_number_forms(text, value):
    n = parse_number(text)
    assert n is not None and n.value == pytest.approx(value)


@pytest.mark.parametrize("text", ["-", "--", "—", "–", "_"])
def test_nil_dashes(text):
    n = parse_number(text)
    assert n is not None and n.is_nil and n.value is None


def test_damaged_number_is_kept_as_printed_and_marked():
    n = parse_number("868,17")
    assert n.printed == "868,17" and n.value == 86817 and n.damage
    cut = parse_number("(20,640")
    assert cut.value == -20640 and "parenthesis" in cut.damage


def test_merged_cells_are_split_into_their_numbers():
    nums = find_numbers("48,313 (4.9)2,007 43.6")
    assert [n.value for n in nums] == [48313, -4.9, 2007, 43.6]


def test_codes_and_dates_are_not_numbers():
    assert find_numbers("FY2008 3Q09 1H10") == []
    assert find_numbers("(10/04~10/6)") == []
    assert find_numbers("2010.8.13") == []


def test_percent_aside_in_parentheses_is_not_negative():
    nums = find_numbers("2,771 (17.5%)")
    assert nums[1].value == 17.5


def test_percent_in_parentheses_is_negative_also_glued_into_a_merged_cell():
    assert parse_number("(5.5%)").value == -5.5
    assert parse_number("(5.5%)").percent
    # two cells run together by the conversion: the second is a negative % change
    nums = find_numbers("16,550(5.5%)")
    assert [(n.value, n.percent) for n in nums] == [(16550.0, False), (-5.5, True)]


def test_japanese_minus_signs():
    assert parse_number("△4.9%").value == -4.9
    assert parse_number("▲1,234").value == -1234


def test_japanese_unit_words_give_the_scale():
    from iijdesk.core.tables.resolve import scale_of
    assert scale_of("（単位：千円）") == 1000
    assert scale_of("（単位：百万円）") == 1_000_000
