"""The timeline over the five sample releases: total revenues for every period stated,
derived quarters against printed three-month figures, the renamed revenue line as one
series, OCR-damaged labels folded, "Net income" kept apart from "Net income attributable".

Input: `Workspace().add_files` of the five releases (the extractor's facts), and the
hand-verified gold facts of the same releases (tests/data/gold) as a second source."""
from __future__ import annotations

import functools

import pandas as pd
import pytest

from iijdesk.core import facts as F
from iijdesk.core.timeline import build_timeline, normalise_label, period_label
from tests.conftest import GOLD, RELEASES

# Total revenues, JPY, as printed (the most precise printing of each period), with where.
TOTAL_REVENUES = {
    ("2008-03-31", 3): (18_485_890_000, "001", 1456),   # Three Months Ended March 31, 2008
    ("2008-03-31", 12): (66_835_300_000, "001", 749),   # Fiscal Year Ended March 31, 2008
    ("2008-12-31", 3): (17_535_160_000, "000", 621),
    ("2008-12-31", 9): (50_789_000_000, "000", 336),
    ("2009-03-31", 3): (18_941_730_000, "001", 1456),
    ("2009-03-31", 12): (69_730_730_000, "001", 749),
    ("2009-06-30", 3): (15_800_000_000, "004", 60),     # slide, JPY billion (1Q09)
    ("2009-09-30", 3): (16_440_510_000, "002", 649),
    ("2009-09-30", 6): (32_275_020_000, "002", 375),
    ("2009-12-31", 3): (16_037_760_000, "000", 621),
    ("2009-12-31", 9): (48_312_780_000, "000", 336),
    ("2010-03-31", 12): (68_000_000_000, "004", 408),   # "FY09 Actual", JPY billion
    ("2010-06-30", 3): (15_800_000_000, "004", 60),     # slide, JPY billion (1Q10)
    ("2010-09-30", 3): (18_458_820_000, "002", 649),
    ("2010-09-30", 6): (34_272_080_000, "002", 375),
    ("2011-12-31", 3): (23_545_080_000, "003", 610),
    ("2011-12-31", 9): (70_751_590_000, "003", 359),
    ("2012-12-31", 3): (25_581_090_000, "003", 610),
    ("2012-12-31", 9): (76_690_090_000, "003", 359),
}


@functools.lru_cache(maxsize=None)
def _facts(source: str) -> pd.DataFrame:
    if source == "gold":
        return F.read_many(sorted(GOLD.glob("*.facts.csv")))
    from iijdesk.core.workspace import Workspace

    ws = Workspace()
    ws.add_files(RELEASES)
    return ws.facts


@pytest.fixture(scope="module", params=["gold", "extracted"])
def source(request):
    facts = _facts(request.param)
    if request.param == "extracted":
        tr = facts[facts["row_label"].map(normalise_label) == "total revenue"]
        if len(tr) < 20:
            pytest.skip("the extractor does not yet produce the income statements")
    return request.param


@pytest.fixture(scope="module")
def timeline(source):
    return build_timeline(_facts(source))


def _fact_id(facts, doc_prefix, line, label=None, col=0):
    hit = facts[facts["doc"].str.startswith(doc_prefix) & (facts["line"] == line)]
    if label is not None:
        hit = hit[hit["row_label"].map(normalise_label) == normalise_label(label)]
    return hit.index[col]


def _near(a, b, rel=2e-4):
    return abs(a - b) <= rel * abs(b)


def test_total_revenues_for_every_period_any_release_states(timeline):
    s = timeline.series_for("Total revenues", unit="JPY")
    printed = s[~s["derived"]]
    got = {(r.period_end, r.period_months): r for r in printed.itertuples()}
    for period, (value, doc, line) in TOTAL_REVENUES.items():
        assert period in got, f"no total revenues for {period_label(*period)}"
        r = got[period]
        assert _near(r.value, value), (period, r.value, value)
        assert r.doc.startswith(doc)
    # nothing but stated periods among the printed points
    assert set(got) == set(TOTAL_REVENUES)


def test_derived_quarters_checked_against_printed_three_month_figures(timeline):
    sid = timeline.find_series("Total revenues", unit="JPY")
    checks = timeline.checks[timeline.checks["series_id"] == sid].set_index("period_end")
    # 9M Dec-2009 (000 line 336) - 6M Sep-2009 (002 line 375) = 3M Dec-2009 (000 line 621)
    c = checks.loc["2009-12-31"]
    assert c["formula"] == "9M-6M" and c["ok"]
    assert _near(c["derived_value"], 48_312_780_000 - 32_275_020_000)
    assert _near(c["printed_value"], 16_037_760_000)
    # 12M Mar-2009 (001 line 749) - 9M Dec-2008 (000 line 336) = 4Q printed (001 line 1456)
    c = checks.loc["2009-03-31"]
    assert c["formula"] == "12M-9M" and c["ok"]
    assert _near(c["derived_value"], 69_730_730_000 - 50_789_000_000)
    # 6M Sep-2009 - 1Q09 (JPY billion slide): agrees within the slide's rounding
    c = checks.loc["2009-09-30"]
    assert c["formula"] == "6M-3M" and c["ok"]
    # Every check of the statements' totals agrees.
    assert checks["ok"].all()
    # Where no three-month figure is printed, the quarter is derived and marked so:
    # FY2009 (004 line 408, JPY 68.0 billion) - 9M Dec-2009 (000 line 336).
    pts = timeline.points(sid, months=[3]).set_index("period_end")
    q4 = pts.loc["2010-03-31"]
    assert bool(q4["derived"]) and q4["status"] == "derived"
    assert _near(q4["value"], 68_000_000_000 - 48_312_780_000)
    # printed quarters stay printed
    assert not bool(pts.loc["2009-12-31", "derived"])


def test_renamed_revenue_line_forms_one_series(source, timeline):
    facts = _facts(source)
    # "Connectivity and Outsourcing Services" (000, summary line 39; 001 line 126) became
    # "Network Services" (002 line 58; 003 line 36).
    old = timeline.series_of_fact(_fact_id(facts, "000", 39))
    new = timeline.series_of_fact(_fact_id(facts, "002", 58))
    assert old == new
    assert timeline.series_of_fact(_fact_id(facts, "003", 36)) == new
    pts = timeline.points(new)
    periods = set(zip(pts["period_end"], pts["period_months"]))
    assert {("2009-12-31", 9), ("2009-09-30", 6), ("2012-12-31", 9)} <= periods
    # the statements' subtotal rows ("Total" under each name) are one series too
    st_old = timeline.series_of_fact(_fact_id(facts, "000", 329))
    st_new = timeline.series_of_fact(_fact_id(facts, "002", 368))
    assert st_old == st_new
    # and the evidence says why: 9M of the old name - 6M of the new name = printed 3M
    m = timeline.merges[(timeline.merges["kind"] == "rename") &
                        (timeline.merges["b"] == new)]
    assert len(m) and m["decision"].iloc[0] == "auto"
    assert "9,297" in m["evidence"].iloc[0]
    # the cost line was renamed with it and stays apart from revenue
    cost = timeline.series_of_fact(_fact_id(facts, "002", 377))
    assert cost != st_new


def test_ocr_damaged_labels_fold_and_net_income_stays_apart(source, timeline):
    facts = _facts(source)
    # "Net Income Attributable to IJ" (004 line 66) is the IIJ line (002 line 70)
    ij = timeline.series_of_fact(_fact_id(facts, "004", 66, col=0))
    iij = timeline.series_of_fact(_fact_id(facts, "002", 70, col=0))
    assert ij == iij
    # "NET INCOME" before ASC 810 (001 line 791) is not "NET INCOME ATTRIBUTABLE TO ..." (002)
    ni = facts[facts["doc"].str.startswith("001") &
               (facts["row_label"].str.upper() == "NET INCOME") & (facts["unit"] == "JPY")]
    nia = facts[facts["doc"].str.startswith("002") &
                facts["row_label"].str.upper().str.startswith("NET INCOME ATTRIBUTABLE TO INTERNET")
                & (facts["unit"] == "JPY")]
    assert len(ni) and len(nia)
    assert timeline.series_of_fact(ni.index[0]) != timeline.series_of_fact(nia.index[0])


def test_same_fact_in_two_releases_equal_restated_and_chosen(source):
    facts = _facts(source).copy()
    tl = build_timeline(facts)
    # Cash and cash equivalents at March 31, 2009 stand in 000 (prior year-end) and in 001.
    sid = tl.find_series("Cash and cash equivalents", unit="JPY")
    pt = tl.points(sid, months=[0]).set_index("period_end").loc["2009-03-31"]
    assert pt["status"] == "equal" and pt["n_values"] >= 2
    # A later release that prints a different figure restates it: the later one stands.
    later = facts[facts["doc"].str.startswith("001") & (facts["period_end"] == "2009-03-31")
                  & (facts["row_label"].map(normalise_label) == "cash and cash equivalent")
                  & (facts["unit"] == "JPY")].index
    assert len(later)
    facts.loc[later, "value"] = facts.loc[later, "value"] + 5_000_000
    tl2 = build_timeline(facts)
    pt2 = tl2.points(sid, months=[0]).set_index("period_end").loc["2009-03-31"]
    assert pt2["status"] == "restated"
    assert pt2["fact_id"] in set(later)
    alts = tl2.alternatives[(tl2.alternatives["series_id"] == sid) &
                            (tl2.alternatives["period_end"] == "2009-03-31") &
                            (tl2.alternatives["period_months"] == 0)]
    assert alts["doc"].str[:3].nunique() == 2 and alts["chosen"].sum() == 1
    # The user decides the earlier figure stands; the choice survives a rebuild and a save.
    earlier = alts[alts["doc"].str.startswith("000")]["fact_id"].iloc[0]
    tl2.choose_value(sid, "2009-03-31", 0, earlier)
    tl3 = build_timeline(facts, tl2.to_dict())
    pt3 = tl3.points(sid, months=[0]).set_index("period_end").loc["2009-03-31"]
    assert pt3["status"] == "chosen" and pt3["fact_id"] == earlier


def test_rejected_merge_keeps_series_apart(source, timeline):
    facts = _facts(source)
    new = timeline.series_of_fact(_fact_id(facts, "002", 58))
    mid = timeline.merges[(timeline.merges["kind"] == "rename") &
                          (timeline.merges["b"] == new)]["merge_id"].iloc[0]
    timeline2 = build_timeline(facts, {"merges": {mid: "rejected"}})
    a = timeline2.series_of_fact(_fact_id(facts, "000", 39))
    b = timeline2.series_of_fact(_fact_id(facts, "002", 58))
    assert a != b
    assert timeline2.merges.set_index("merge_id").loc[mid, "decision"] == "rejected"


def test_label_normalisation():
    assert normalise_label("Services²") == normalise_label("services")
    assert normalise_label("Other—net") == normalise_label("Other--net") == "other net"
    assert normalise_label("Total revenues (3):") == "total revenue"
    assert normalise_label("Equity in net income (loss)") == "equity in net income loss"


def test_empty_facts():
    tl = build_timeline(F.empty_facts())
    assert tl.series.empty and tl.series_for("Total revenues").empty


def test_month_end_back_agrees_with_pandas_month_end():
    import datetime
    import random

    import pandas as pd

    from iijdesk.core.timeline import _month_end_back
    rnd = random.Random(7)
    for _ in range(2000):
        d = (datetime.date(2000, 1, 1) + datetime.timedelta(days=rnd.randint(0, 12000))).isoformat()
        m = rnd.randint(0, 15)
        assert _month_end_back(d, m) == (pd.Timestamp(d) - pd.offsets.MonthEnd(m)).strftime("%Y-%m-%d")
