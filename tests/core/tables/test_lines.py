"""The fixed-width line lexer: which words of a line are its cells."""
from iijdesk.core.tables.lines import lex


def _cells(text):
    line = lex(1, text)
    return [(c.num.printed, c.num.value, c.num.percent) for c in line.cells], line.label


def test_a_percent_sign_pushed_away_from_its_number_still_makes_it_a_percent():
    cells, label = _cells(" Equipment Sales Gross Margin Ratio       13.4%    14.0  %    --")
    assert label == "Equipment Sales Gross Margin Ratio"
    assert cells[:2] == [("13.4%", 13.4, True), ("14.0", 14.0, True)]


def test_a_percent_sign_far_from_any_number_is_not_taken():
    cells, _ = _cells(" Share of revenues        %          12.5")
    assert cells == [("12.5", 12.5, False)]


def test_a_unit_right_after_its_number():
    cells, _ = _cells(" Backbone traffic          530.5 Gbps     480.0 Gbps")
    assert [c[1] for c in cells] == [530.5, 480.0]
