"""Chart tabs over the five sample releases: the right points, live updates after an edit,
hover descriptions, PNG/SVG export, plot selection and merge decisions.

The releases are imported with `Workspace().add_files`, the extractor's output replaced by the
hand-verified gold facts of the same releases, so the counts below are those of correct input;
the timeline over the extractor's own facts is tested in tests/core/test_timeline.py."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from iijdesk.core import workspace as W
from iijdesk.core.timeline import normalise_label
from tests.conftest import RELEASES
from tests.gui.conftest import _gold_extract

pytest.importorskip("pyqtgraph")

from iijdesk.gui.charts import ChartContext, ChartsWidget  # noqa: E402

# Quarters whose business-line revenues are printed as three-month figures.
PRINTED_QUARTERS = {"2008-12-31", "2009-12-31", "2009-09-30", "2010-09-30", "2011-12-31",
                    "2012-12-31"}


@pytest.fixture
def ws(monkeypatch):
    # Gold facts stand in for the extractor here: these tests pin what the charts draw from
    # correct input (the extractor's own output is checked by tests/core/test_timeline.py).
    monkeypatch.setattr(W, "extract_document", _gold_extract)
    w = W.Workspace()
    res = w.add_files(RELEASES)
    assert all(r.ok for r in res)
    return w


@pytest.fixture
def charts(qtbot, ws):
    c = ChartsWidget(ws)
    qtbot.addWidget(c)
    c.resize(1100, 700)
    c.show()
    assert c.wait_idle() and c.timeline is not None
    return c


def test_revenue_tab_stacks_business_lines_to_total_revenues(charts):
    tl, tab = charts.timeline, charts.revenue
    ctx = ChartContext(tl)
    lines = ctx.business_lines((3,))
    labels = {normalise_label(ctx.label(s)) for s in lines}
    assert {"network service", "system integration si", "equipment sale",
            "atm operation business"} <= labels
    # one bar segment per business line and quarter
    expected = sum(len(ctx.points(s, (3,))) for s in lines)
    assert tab.n_points == expected
    assert expected >= 4 * len(PRINTED_QUARTERS)
    # the top of each stack is the printed total revenues of that quarter (JPY millions)
    tops = {}
    for r in tab.records:
        tops[r.x] = max(tops.get(r.x, -np.inf), r.y)
    total = ctx.points(ctx.revenue_id, (3,))
    by_x = {pd.Timestamp(e).timestamp(): v / 1e6 for e, v in zip(total["period_end"], total["value"])}
    quarters = {pd.Timestamp(e).timestamp() for e in PRINTED_QUARTERS}
    assert quarters <= set(tops)
    for x in quarters:
        assert abs(tops[x] - by_x[x]) <= 3, (x, tops[x], by_x[x])   # rounding of 4 lines


def test_each_tab_draws_its_points(charts):
    tl = charts.timeline
    ctx = ChartContext(tl)
    # operating income: one bar per quarter with an operating income, one margin point per
    # quarter that also has total revenues
    oi = ctx.points(ctx.operating_id, (3,))
    rev = ctx.points(ctx.revenue_id, (3,))
    both = set(oi["period_end"]) & set(rev["period_end"])
    assert charts.operating.n_points == len(oi) + len(both)
    assert len(oi) >= 10
    # cash flows: the three sections, every quarter printed or derived from YTD statements
    cf = charts.cashflow
    heads = " ".join({r.text.split("\n")[0].lower() for r in cf.records})
    assert all(w in heads for w in ("operating", "investing", "financing"))
    assert cf.n_points >= 3 * 6
    # KPIs: contracts and bandwidth series as printed
    texts = [r.text for r in charts.kpis.records]
    assert any(" contracts" in t for t in texts) and any(" Gbps" in t for t in texts)
    assert charts.kpis.n_points >= 40
    # segments: revenues and profit per segment
    assert charts.segments.n_points >= 8
    assert len(charts.segments.plots) == 2


def test_derived_and_restated_points_are_marked_and_described(charts):
    tab = charts.operating
    derived = [r for r in tab.records if r.status == "derived"]
    assert derived, "a fourth quarter derived from FY - 9M should be drawn"
    r = derived[0]
    text = tab.hover_text_near(r.plot, r.x, r.y)
    assert "derived quarter" in text and "JPY" in text
    printed = [r for r in tab.records if r.status == "printed"][0]
    text = tab.hover_text_near(printed.plot, printed.x, printed.y)
    assert "source:" in text and ".txt line" in text
    # a marker item exists for the derived points (hollow circle) in the plot's legend
    legend_names = [lab.text for _, lab in tab.plots[0].legend.items]
    assert "derived" in legend_names


def test_chart_follows_an_edit(qtbot, charts, ws):
    tab = charts.revenue
    # "Network Services" 2Q10, JPY 11,382 million (002, the three-month summary)
    nsq = ws.facts[(ws.facts["doc"].str.startswith("002"))
                   & (ws.facts["row_label"] == "Network Services")
                   & (ws.facts["period_end"] == "2010-09-30")
                   & (ws.facts["period_months"] == 3)]
    fid = nsq.index[0]
    before = [r for r in tab.records if "Network Services" in r.text and "3M Sep-2010" in r.text]
    assert len(before) == 1
    n_before = tab.n_points
    old = ws.facts.loc[fid, "value"]
    ws.apply_edit(fid, old + 1_000_000_000)
    qtbot.waitUntil(lambda: any("Network Services" in r.text and "3M Sep-2010" in r.text
                                and "12,382" in r.text for r in tab.records), timeout=20000)
    assert tab.n_points == n_before
    after = [r for r in tab.records if "Network Services" in r.text and "3M Sep-2010" in r.text]
    assert after[0].y > before[0].y


def test_export_png_and_svg(charts, tmp_path):
    png = charts.export(tmp_path / "revenue.png", charts.revenue)
    svg = charts.export(tmp_path / "cash.svg", charts.cashflow)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and len(text) > 5000


def test_plot_selection(charts, ws):
    # the income statement's "Total revenues" row of 000 (line 336, nine-month columns)
    ids = list(ws.facts[ws.facts["doc"].str.startswith("000") & (ws.facts["line"] == 336)
                        & (ws.facts["unit"] == "JPY")].index)
    charts.plot_rows(ids)
    assert charts.tabs.currentWidget() is charts.selection
    tl = charts.timeline
    ctx = ChartContext(tl)
    sid = tl.series_of_fact(ids[0])
    assert charts.selection.n_points == len(ctx.points(sid, (9,)))
    assert charts.selection.n_points >= 4     # 9M Dec-2008/2009 (000), Dec-2011/2012 (003)


def test_rejecting_the_rename_splits_the_revenue_line(charts):
    tl = charts.timeline
    m = tl.merges[(tl.merges["kind"] == "rename") &
                  tl.merges["b_label"].str.startswith("Network Services")]
    assert len(m) == 1 and m["decision"].iloc[0] == "auto"
    before = charts.revenue.n_points
    charts.decide_merge(m["merge_id"].iloc[0], accept=False)
    assert charts.choices["merges"][m["merge_id"].iloc[0]] == "rejected"
    labels = {r.text.split("\n")[0] for r in charts.revenue.records}
    assert "Connectivity and Outsourcing Services" in labels
    assert charts.revenue.n_points == before
    # the choice is kept on the workspace so a saved workspace remembers it
    assert charts.ws.timeline_choices is charts.choices


def test_hover_follows_the_mouse(qtbot, charts):
    from PySide6.QtCore import QPointF
    from PySide6.QtTest import QTest

    charts.tabs.setCurrentWidget(charts.revenue)
    tab = charts.revenue
    qtbot.waitExposed(tab.glw)
    r = tab.records[0]
    vb = tab.plots[r.plot].vb
    scene_pt = vb.mapViewToScene(QPointF(r.x, r.y))
    view_pt = tab.glw.mapFromScene(scene_pt)
    QTest.mouseMove(tab.glw.viewport(), view_pt)
    qtbot.waitUntil(lambda: tab.hover_label != "", timeout=5000)
    assert tab.hover_label == r.text
    assert "source:" in tab.hover_label


def test_choosing_the_other_value(charts):
    m = charts.matching
    tl = charts.timeline
    n = int(tl.series["status"].isin(["restated", "conflict", "chosen"]).sum())
    assert m.values.rowCount() == n and n > 0
    sid, pe, pm, others = m._value_rows[0]
    m.values.selectRow(0)
    m.other_btn.click()
    pt = charts.timeline.points(sid)
    pt = pt[(pt["period_end"] == pe) & (pt["period_months"] == pm)].iloc[0]
    assert pt["status"] == "chosen" and pt["fact_id"] == others[0]
    key = next(iter(charts.choices["values"]))
    assert key.startswith(sid)


def test_empty_workspace_and_removing_releases(qtbot, ws):
    c = ChartsWidget(W.Workspace())
    qtbot.addWidget(c)
    assert c.wait_idle()
    assert all(t.n_points == 0 for t in c.chart_tabs)
    assert "Load earnings releases" in c.revenue.message.text()
    c.plot_rows([])                       # nothing selected, nothing loaded: no error
    # charts over a loaded workspace empty out when its releases are removed
    full = ChartsWidget(ws)
    qtbot.addWidget(full)
    assert full.wait_idle() and full.revenue.n_points > 0
    for name in list(ws.documents):
        ws.remove_document(name, recheck=False)
    assert full.wait_idle()
    assert all(t.n_points == 0 for t in full.chart_tabs)
