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


# -- readability: legends, periods, one-period charts, many lines, units, numbers --------
from iijdesk.gui import charts as C  # noqa: E402


def _each_tab(qtbot, charts):
    """Every chart tab with plots, shown (laid out) in turn."""
    for tab in charts.chart_tabs:
        charts.tabs.setCurrentWidget(tab)
        qtbot.waitExposed(tab.glw)
        from PySide6.QtWidgets import QApplication
        QApplication.processEvents()
        if tab.plots:
            yield tab


def _curves(plot):
    return [i for i in plot.listDataItems() if isinstance(i, C.pg.PlotDataItem)]


def test_legends_sit_beside_their_plots_never_over_the_data(qtbot, charts):
    charts.plot_rows(_per_share_ids(charts.ws))
    seen = 0
    for tab in _each_tab(qtbot, charts):
        for p in tab.plots:
            if not p.legend.items:
                continue
            legend = p.legend.mapRectToScene(p.legend.boundingRect())
            data = p.vb.sceneBoundingRect()
            assert legend.width() > 20 and not legend.intersects(data), (tab.title, legend, data)
            seen += 1
    assert seen >= 8
    # stacked plots line up: one left edge for every plot of a tab
    for tab in _each_tab(qtbot, charts):
        lefts = {round(p.vb.sceneBoundingRect().left()) for p in tab.plots}
        assert len(lefts) == 1, (tab.title, lefts)


def test_all_plots_of_a_chart_share_its_periods_and_a_missing_period_is_a_gap(qtbot, charts):
    gaps = 0
    for tab in _each_tab(qtbot, charts):
        xs = [r.x for r in tab.records]
        ranges = {tuple(round(v) for v in p.vb.viewRange()[0]) for p in tab.plots}
        assert len(ranges) == 1, (tab.title, ranges)          # one x range for the chart
        lo, hi = next(iter(ranges))
        assert lo < min(xs) and max(xs) < hi, tab.title        # no series cut off
        if not isinstance(tab, C.LinesTab):
            continue
        ends = sorted({r.end for r in tab.records})
        for i, p in enumerate(tab.plots):
            # one point per series and date (a 3M and a 9M figure ending together: the 9M)
            pts = [(r.series, r.end) for r in tab.records if r.plot == i]
            assert len(pts) == len(set(pts)), tab.title
            for c in _curves(p):
                x, y = c.getData()
                if x is None:
                    continue
                assert list(x) == ends, tab.title             # every series on every period
                finite = np.flatnonzero(np.isfinite(y))
                if len(finite) and np.isnan(y[finite[0]:finite[-1] + 1]).any():
                    gaps += 1
                    assert c.opts["connect"] == "finite"       # drawn as a gap, not bridged
    assert gaps >= 1


def test_a_segment_chart_of_one_period_is_bars_with_a_note(qtbot, monkeypatch):
    # release 001 alone prints its segments for one fiscal year only
    monkeypatch.setattr(W, "extract_document", _gold_extract)
    w = W.Workspace()
    assert all(r.ok for r in w.add_files([p for p in RELEASES if p.name.startswith("001")]))
    c = ChartsWidget(w)
    qtbot.addWidget(c)
    c.resize(1000, 600)
    c.show()
    assert c.wait_idle()
    tab = c.segments
    assert tab.n_points >= 2 and len({r.end for r in tab.records}) == 1
    assert "Only one period (12M Mar-2009)" in tab.message.text()
    for p in tab.plots:
        assert not _curves(p)                                  # no one-point lines
        bars = [i for i in p.items if isinstance(i, C.pg.BarGraphItem)]
        assert bars
        lo, hi = p.vb.viewRange()[0]
        inside = [r.x for r in tab.records if r.plot == tab.plots.index(p)]
        assert all(lo < x < hi for x in inside)
        # the bars sit side by side around the period, not on top of each other
        assert len({round(x) for x in inside}) == len(inside)


def test_a_kpi_plot_colours_its_biggest_series_and_greys_the_others(qtbot, charts):
    tab = charts.kpis
    statuses = set(C.STATUS_SYMBOL)
    crowded = 0
    for p in tab.plots:
        names = [lab.text for _, lab in p.legend.items if lab.text not in statuses]
        others = [n for n in names if n.startswith("others (")]
        named = [n for n in names if n not in others]
        assert len(named) <= C.LINES_IN_COLOUR
        series = {r.series for r in tab.records if r.plot == tab.plots.index(p)}
        if len(series) > C.LINES_IN_COLOUR:
            crowded += 1
            assert others == [f"others ({len(series) - C.LINES_IN_COLOUR})"]
            # the named ones are the biggest
            top, name = {}, {}
            for r in tab.records:
                if r.plot == tab.plots.index(p):
                    top[r.series] = max(top.get(r.series, 0.0), abs(r.y))
                    name[r.series] = r.text.split("\n")[0]
            biggest = sorted(top, key=lambda s: -top[s])[:C.LINES_IN_COLOUR]
            assert sorted(C._short(name[s]) for s in biggest) == sorted(named)
            grey = [c for c in _curves(p) if c.opts["pen"].color().name() == C.OTHERS_COLOR]
            assert len(grey) == len(series) - C.LINES_IN_COLOUR
    assert crowded >= 1
    assert tab.n_points >= 40                                  # the grey ones are still there


def _per_share_ids(ws):
    f = ws.facts
    ids = list(f.index[(f["unit"] == "JPY_per_share") & (f["measure"] == "value")])
    assert ids
    row = f.loc[ids[0]]
    return list(f.index[(f["doc"] == row["doc"]) & (f["line"] == row["line"])
                        & (f["unit"] == "JPY_per_share")])


def test_units_are_named_as_people_write_them(charts, ws):
    charts.plot_rows(_per_share_ids(ws))
    tab = charts.selection
    assert tab.n_points >= 1
    p = tab.plots[0]
    assert p.titleLabel.text == "Selected rows (JPY per share)"
    assert p.getAxis("left").labelText == "JPY per share"
    assert all("_per_" not in r.text and "JPY per share" in r.text for r in tab.records)
    assert charts.revenue.plots[0].getAxis("left").labelText == "JPY mn"
    assert "(JPY mn)" in charts.revenue.message.text()
    assert all(not t.startswith("KPIs in") or "_" not in t
               for t in (p.titleLabel.text for p in charts.kpis.plots))


def test_value_axes_separate_thousands_and_period_labels_never_overlap(qtbot, charts):
    checked = 0
    for tab in _each_tab(qtbot, charts):
        for p in tab.plots:
            ax = p.getAxis("left")
            lo, hi = p.vb.viewRange()[1]
            levels = ax.tickValues(lo, hi, p.vb.height())
            for spacing, values in levels:
                strings = ax.tickStrings(values, 1, spacing)
                for v, s in zip(values, strings):
                    if abs(v) >= 1000:
                        assert "," in s, (tab.title, v, s)
                        checked += 1
                    assert float(s.replace(",", "")) == pytest.approx(v, abs=spacing)
            bottom = p.getAxis("bottom")
            x0, x1 = p.vb.viewRange()[0]
            width = p.vb.width()
            ticks = bottom.tickValues(x0, x1, width)[0][1]
            px = [(x - x0) / (x1 - x0) * width for x in ticks]
            assert all(b - a >= bottom.label_pixels() - 1 for a, b in zip(px, px[1:])), tab.title
    assert checked >= 5
    assert charts.minimumSizeHint().width() <= 1024
