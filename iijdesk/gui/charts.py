"""Chart tabs over the timeline (pyqtgraph): revenue by business line, operating income and
margin, segment results, cash flows by section, KPI series, the user's selection, and the
series-matching decisions (proposed merges, restated and conflicting values).

`ChartsWidget(workspace)` follows the workspace's events (through the Qt bridge, so imports
on a worker thread are safe) and rebuilds the timeline once per burst of changes. The GUI
never parses: every number comes from `iijdesk.core.timeline`.
"""
from __future__ import annotations

import atexit
import itertools
import logging
import math
import re
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  (registers the exporters)
from PySide6.QtCore import QObject, QPointF, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QFrame, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QScrollArea, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from iijdesk.core.timeline import (CASH_SECTIONS, OPERATING_INCOME, TOTAL_REVENUE, Timeline, build_timeline,
                                   normalise_label, period_label)
from iijdesk.gui import gc_guard
from iijdesk.gui.bridge import WorkspaceBridge
from iijdesk.gui.formatting import unit_name
from iijdesk.gui.widgets import ElidedLabel, wrapping_label

log = logging.getLogger(__name__)

# -- named constants -------------------------------------------------------------------
REBUILD_DELAY_MS = 400           # coalesce bursts of events (typing edits) into one rebuild
HOVER_PIXELS = 14                # how near the pointer must be to a point to describe it
BAR_DAYS = 55                    # bar width on the date axis, in days
SECONDS_PER_DAY = 86400.0
LINES_IN_COLOUR = 5              # a line plot draws its biggest series in colour, named in the
                                 # legend; the rest are thin grey lines under one "others" entry
OTHERS_COLOR = "#b0b0b0"
LEGEND_MAX_CHARS = 30            # legend entries are cut here (the hover gives the whole name)
LEGEND_PAD = 6                   # px between the legend column and the plot
X_PAD_DAYS = 45                  # room left and right of the first and last period, in days,
X_PAD_SHARE = 0.05               # or this share of the periods' span if more: the first and
                                 # last period labels must fit inside the axis to be drawn
TICK_LABEL_GAP_PX = 8            # at least this much space between two period labels
LEFT_AXIS_WIDTH_PX = 80          # one width for every value axis: stacked plots line up
LEGEND_TEXT_SIZE = "8pt"
PLOT_MIN_HEIGHT_PX = 150         # a plot never shorter than this: the chart scrolls instead
MATCH_TABLE_MIN_HEIGHT = 40      # px: the series-matching tables shrink to a few rows
SINGLE_PERIOD_BAR_DAYS = 40      # a one-period line chart draws bars this wide, side by side
SUM_TOLERANCE = 0.01             # business lines must add to total revenues within 1%
YTD = (3, 6, 9, 12)
MODES = (("Quarters (3M)", (3,)), ("Year to date", YTD), ("Fiscal years (12M)", (12,)))

# Line-item patterns, in plain English accounting vocabulary (no company names).
TOTAL_LIKE = re.compile(r"^total\b|\bconsolidated\b|\belimination|\bcorporate\b|^subtotal")
# Rows that are never a revenue line, though costs + expenses + income add up to revenues.
NOT_REVENUE = re.compile(r"\bcost|\bexpense|\bincome\b|\bprofit|\bloss|\bmargin|\bebitda|\btax|"
                         r"\bsg and a\b|\bcapex\b")

PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf"]
STATUS_SYMBOL = {"derived": "o", "restated": "star", "conflict": "x", "chosen": "d"}
STATUS_TEXT = {
    "printed": "printed", "equal": "printed in several releases, equal",
    "restated": "restated by a later release (later value shown)",
    "conflict": "conflicting values in one release", "chosen": "value chosen by you",
    "derived": "derived from cumulative figures",
    "computed": "computed: operating income / total revenues",
}


def _is_currency(unit: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]{3}", str(unit)))


def _is_kpi_unit(unit: str) -> bool:
    u = str(unit)
    return not (_is_currency(u) or u in ("percent", "shares", "ADS", "") or "_per_" in u)


def _ts(end: str) -> float:
    return pd.Timestamp(end).timestamp()


def _fmt(value: float, unit: str) -> str:
    if _is_currency(unit):
        return f"{unit} {value / 1e6:,.0f} million" if abs(value) >= 1e6 else f"{unit} {value:,.0f}"
    if unit == "percent":
        return f"{value:,.1f}%"
    return f"{value:,.{0 if float(value).is_integer() else 2}f} {unit_name(unit)}"


def axis_unit(unit: str) -> str:
    """The unit a plot's axis is in: currencies in millions ("JPY mn"), the rest as named."""
    return unit_name(unit, 1_000_000) if _is_currency(unit) else unit_name(unit)


def _short(name: str, limit: int = LEGEND_MAX_CHARS) -> str:
    name = " ".join(str(name).split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


@dataclass
class PointRecord:
    plot: int            # index of the plot in the tab's layout
    x: float
    y: float             # plotted y (scaled)
    text: str
    status: str
    end: float = 0.0     # the period end (x may be offset to set bars side by side)
    series: str = ""     # the timeline's series id


# -- tabs ------------------------------------------------------------------------------
class ChartTab(QWidget):
    """One chart: a pyqtgraph layout, hover descriptions and image export."""

    title = "Chart"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.glw = pg.GraphicsLayoutWidget()
        self.glw.setBackground("w")
        self.message = wrapping_label("")      # wraps: never widens the charts
        self.message.setStyleSheet("color: #555;")
        # Several plots in a short dock would each be a sliver: below PLOT_MIN_HEIGHT_PX a
        # plot the chart scrolls instead.
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.glw)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.message)
        lay.addWidget(self.scroll, 1)
        self.plots: list[pg.PlotItem] = []
        self.records: list[PointRecord] = []
        self.hover_label = ""
        self._tip: pg.TextItem | None = None
        self.glw.scene().sigMouseMoved.connect(self._mouse_moved)

    # .. building ......................................................................
    def clear(self) -> None:
        self.glw.clear()
        self.glw.setMinimumHeight(0)
        self.plots = []
        self.records = []
        self._tip = None

    def add_plot(self, title: str, y_label: str, row: int | None = None) -> pg.PlotItem:
        row = row if row is not None else len(self.plots)
        p = self.glw.addPlot(row=row, col=0,
                             axisItems={"bottom": PeriodAxis(orientation="bottom"),
                                        "left": NumberAxis(orientation="left")})
        p.setTitle(title, color="#222", size="10pt")
        p.setLabel("left", y_label)
        p.getAxis("left").setWidth(LEFT_AXIS_WIDTH_PX)
        p.showGrid(x=True, y=True, alpha=0.25)
        # The legend has a column of its own beside the plot: inside, it covered the data.
        holder = LegendColumn()
        self.glw.addItem(holder, row=row, col=1)
        p.legend = holder.legend          # PlotItem.plot(name=...) files entries here
        if self.plots:
            p.setXLink(self.plots[0])
        self.plots.append(p)
        return p

    def finish(self) -> None:
        """After drawing: name the periods, one x range for all plots, legends fitted."""
        self.glw.setMinimumHeight(len(self.plots) * PLOT_MIN_HEIGHT_PX)
        self.label_periods()
        self.align_periods()
        for item in self.glw.ci.items:
            if isinstance(item, LegendColumn):
                item.fit()

    def label_periods(self) -> None:
        """Tick every plotted period end ("Dec-09"); thin them out when there are many."""
        xs = sorted({r.end for r in self.records})
        for p in self.plots:
            ax = p.getAxis("bottom")
            if isinstance(ax, PeriodAxis):
                ax.set_periods(xs)

    def align_periods(self) -> None:
        """Every plot of the chart spans every period any of its series has: a series that
        stops early ends inside the axis, the axis is never cut to the first plot's data."""
        xs = [r.x for r in self.records]
        if not xs:
            return
        pad = max(X_PAD_DAYS * SECONDS_PER_DAY, X_PAD_SHARE * (max(xs) - min(xs)))
        for p in self.plots:
            p.setXRange(min(xs) - pad, max(xs) + pad, padding=0)

    @property
    def n_points(self) -> int:
        return len(self.records)

    def record(self, plot: pg.PlotItem, x: float, y: float, label: str, row) -> None:
        status = str(row["status"])
        unit = str(row["unit"])
        months = int(row["period_months"])
        src = f"{row['doc']} line {int(row['line'])}"
        how = STATUS_TEXT.get(status, status)
        if status == "derived":
            how = f"derived quarter (cumulative minus previous cumulative; from {src})"
            src = ""
        text = "\n".join(t for t in (
            label, period_label(row["period_end"], months), _fmt(float(row["value"]), unit),
            how, f"source: {src}" if src else "") if t)
        self.records.append(PointRecord(self.plots.index(plot), x, y, text, status,
                                        _ts(row["period_end"]), str(row.get("series_id", ""))))

    def mark_statuses(self, plot: pg.PlotItem, xs, ys, statuses) -> None:
        """Derived, restated, conflicting and chosen points get their own visible marks."""
        for status, symbol in STATUS_SYMBOL.items():
            sel = [i for i, s in enumerate(statuses) if s == status]
            if not sel:
                continue
            color = {"derived": "#444", "restated": "#d62728", "conflict": "#d62728",
                     "chosen": "#2ca02c"}[status]
            item = pg.ScatterPlotItem(
                x=[xs[i] for i in sel], y=[ys[i] for i in sel], symbol=symbol, size=11,
                pen=pg.mkPen(color, width=1.6),
                brush=pg.mkBrush(255, 255, 255, 230) if status == "derived" else pg.mkBrush(color))
            plot.addItem(item)
            if plot.legend is not None and status not in getattr(plot, "_marked", set()):
                plot.legend.addItem(item, status)
                plot._marked = getattr(plot, "_marked", set()) | {status}

    # .. hover ........................................................................
    def hover_text_near(self, plot_index: int, x: float, y: float) -> str:
        """The description of the point nearest (x, y) in data coordinates of a plot."""
        if not self.records or plot_index >= len(self.plots):
            return ""
        vb = self.plots[plot_index].vb
        target = vb.mapViewToScene(QPointF(x, y))
        best, best_d = None, None
        for r in self.records:
            if r.plot != plot_index:
                continue
            sp = vb.mapViewToScene(QPointF(r.x, r.y))
            d = math.hypot(sp.x() - target.x(), sp.y() - target.y())
            if best_d is None or d < best_d:
                best, best_d = r, d
        if best is None or best_d > HOVER_PIXELS:
            return ""
        return best.text

    def _mouse_moved(self, pos) -> None:
        for i, p in enumerate(self.plots):
            if p.sceneBoundingRect().contains(pos):
                pt = p.vb.mapSceneToView(pos)
                text = self.hover_text_near(i, pt.x(), pt.y())
                self._show_tip(p, pt, text)
                return
        self._show_tip(None, None, "")

    def _show_tip(self, plot, pt, text: str) -> None:
        self.hover_label = text
        self.glw.setToolTip(text)
        if self._tip is not None and self._tip.scene() is not None:
            self._tip.scene().removeItem(self._tip)
        self._tip = None
        if text and plot is not None:
            (x0, x1), (y0, y1) = plot.vb.viewRange()
            # open towards the middle of the plot so the description stays inside it
            anchor = (1 if pt.x() > (x0 + x1) / 2 else 0, 0 if pt.y() > (y0 + y1) / 2 else 1)
            self._tip = pg.TextItem(text, color="#111", fill=pg.mkBrush(255, 255, 230, 235),
                                    border=pg.mkPen("#999"), anchor=anchor)
            plot.addItem(self._tip, ignoreBounds=True)
            self._tip.setPos(pt)

    # .. export ........................................................................
    def export(self, path: str | Path, width: int = 1200) -> Path:
        """Write the chart as PNG or SVG (by the file's suffix)."""
        path = Path(path)
        item = self.glw.ci
        if path.suffix.lower() == ".svg":
            try:
                pg.exporters.SVGExporter(item).export(str(path))
            except Exception:
                # pyqtgraph's SVG post-processing cannot parse some paths Qt 6 writes
                # (bar charts); Qt's own SVG generator draws the same scene.
                log.info("pyqtgraph SVG export failed; using QSvgGenerator", exc_info=True)
                self._export_svg_qt(path)
        else:
            ex = pg.exporters.ImageExporter(item)
            ex.parameters()["width"] = width
            ex.export(str(path))
        return path

    def _export_svg_qt(self, path: Path) -> None:
        from PySide6.QtCore import QRectF, QSize
        from PySide6.QtGui import QPainter
        from PySide6.QtSvg import QSvgGenerator

        rect = self.glw.ci.sceneBoundingRect()
        gen = QSvgGenerator()
        gen.setFileName(str(path))
        gen.setSize(QSize(int(rect.width()), int(rect.height())))
        gen.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        gen.setTitle(self.title)
        painter = QPainter(gen)
        try:
            self.glw.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
        finally:
            painter.end()

    # .. to implement ..................................................................
    def draw(self, tl: Timeline, months: tuple[int, ...], ctx: "ChartContext") -> None:
        raise NotImplementedError


class PeriodAxis(pg.DateAxisItem):
    """A date axis whose ticks are the period ends actually plotted (falls back to dates);
    a period too near the one before it on screen goes unlabelled ("Dec-08" and "Mar-09"
    printed over each other read as neither)."""

    MAX_TICKS = 16

    def __init__(self, *a, **kw) -> None:
        super().__init__(*a, **kw)
        self._periods: list[float] = []

    def label_pixels(self) -> float:
        font = self.style.get("tickFont") or self.font()
        return QFontMetricsF(font).horizontalAdvance("Mmm-00") + TICK_LABEL_GAP_PX

    def set_periods(self, xs: list[float]) -> None:
        self._periods = sorted(set(xs))
        self.picture = None
        self.update()

    def tickValues(self, minVal, maxVal, size):  # noqa: N802 (pyqtgraph API)
        shown = [x for x in self._periods if minVal <= x <= maxVal]
        if not shown:
            return super().tickValues(minVal, maxVal, size)
        step = max(1, math.ceil(len(shown) / self.MAX_TICKS))
        shown = shown[::step]
        if maxVal > minVal and size > 0:
            room, kept = self.label_pixels() * (maxVal - minVal) / size, []
            for x in shown:
                if not kept or x - kept[-1] >= room:
                    kept.append(x)
            shown = kept
        return [(step, shown)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        if not self._periods:
            return super().tickStrings(values, scale, spacing)
        return [pd.Timestamp(v, unit="s").strftime("%b-%y") for v in values]


class NumberAxis(pg.AxisItem):
    """A value axis with thousands separators ("12,000", not "12000" or "1.2e+04")."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        if self.logMode:
            return super().tickStrings(values, scale, spacing)
        step = abs(spacing * scale)
        places = max(0, math.ceil(-math.log10(step))) if step > 0 else 0
        return [f"{v * scale:,.{places}f}" for v in values]


class SideLegend(pg.LegendItem):
    """A legend whose entries are cut to LEGEND_MAX_CHARS."""

    def addItem(self, item, name):  # noqa: N802 (pyqtgraph API)
        super().addItem(item, _short(name))


class LegendColumn(pg.GraphicsWidget):
    """The cell beside a plot that holds its legend, as wide as the legend."""

    def __init__(self) -> None:
        super().__init__()
        self.legend = SideLegend(labelTextColor="#222", brush=pg.mkBrush(255, 255, 255, 0),
                                 pen=pg.mkPen(None), verSpacing=-6, labelTextSize=LEGEND_TEXT_SIZE)
        self.legend.setParentItem(self)
        self.legend.setPos(LEGEND_PAD, 0)
        # a legend taller than its plot is cut at the plot's bottom, not drawn over the next
        self.setFlag(self.GraphicsItemFlag.ItemClipsChildrenToShape)
        self.fit()

    def fit(self) -> None:
        width = self.legend.width() + LEGEND_PAD if self.legend.items else 0
        self.setMinimumWidth(width)
        self.setMaximumWidth(width)
        self.setPreferredWidth(width)


class ChartContext:
    """Shared look-ups over one timeline: the reporting currency, the revenue total."""

    def __init__(self, tl: Timeline) -> None:
        self.tl = tl
        info = tl.info
        vals = tl.series[(tl.series["measure"] == "value")]
        cur = vals["unit"][vals["unit"].map(_is_currency).astype(bool)]
        self.currency = cur.value_counts().index[0] if len(cur) else ""
        self.money = info[(info["unit"] == self.currency) & (info["measure"] == "value")]
        self.revenue_id = self._best(self.money, TOTAL_REVENUE)
        self.operating_id = self._best(self.money, OPERATING_INCOME)
        self._pos = tl.series.groupby("series_id", sort=False).indices
        self._info = {r["series_id"]: r for r in info.to_dict("records")}
        self._labels: dict = {}
        self._value_cache: dict = {}

    def points(self, sid: str, months=None) -> pd.DataFrame:
        pos = self._pos.get(sid)
        if pos is None:
            return self.tl.series.iloc[0:0]
        s = self.tl.series.iloc[pos]     # the timeline keeps each series sorted by period
        return s if months is None else s[s["period_months"].isin(list(months))]

    @staticmethod
    def _best(info: pd.DataFrame, rx: re.Pattern) -> str | None:
        hit = info[info["norm_labels"].map(lambda ls: any(rx.match(l) for l in ls))]
        if hit.empty:
            return None
        return str(hit.sort_values(["n_points", "series_id"], ascending=[False, True])
                   ["series_id"].iloc[0])

    def label(self, sid: str, with_parent: bool = False) -> str:
        key = (sid, with_parent)
        if key not in self._labels:
            row = self._info[sid]
            lab = str(row["label"])
            parent = str(row["parent"] or "")
            if normalise_label(lab) in ("total", "subtotal") and parent:
                lab = f"{parent} (total)"
            elif with_parent and parent and int(row.get("key_level", 0) or 0) >= 1:
                lab = f"{lab} ({parent})"
            self._labels[key] = lab
        return self._labels[key]

    def _values(self, sid: str, months) -> dict:
        key = (sid, tuple(months) if months is not None else None)
        if key not in self._value_cache:
            p = self.points(sid, months)
            self._value_cache[key] = dict(zip(zip(p["period_end"], p["period_months"]),
                                              p["value"]))
        return self._value_cache[key]

    def _n_adding_up(self, ids, total: dict, months) -> int:
        """Periods in which the series `ids` add up to the total (within SUM_TOLERANCE)."""
        sums: dict = {}
        for s in ids:
            for k, v in self._values(s, months).items():
                sums[k] = sums.get(k, 0.0) + v
        return sum(1 for k, v in sums.items()
                   if k in total and abs(v - total[k]) <= SUM_TOLERANCE * abs(total[k]))

    def _adding_up(self, ids: list[str], total: dict, months) -> list[str]:
        """The candidates that together come closest to the total: add, biggest gain first,
        the row that most reduces the gap summed over the periods; rows that would push past
        the total (cost rows or subtotals filed under revenues by a damaged hierarchy) stay
        out."""
        vals = {s: self._values(s, months) for s in ids}
        periods = [k for k in total if any(k in v for v in vals.values())]
        if not periods:
            return []
        sums = {k: 0.0 for k in periods}

        def gap(extra=None):
            return sum(abs(total[k] - sums[k] - (extra.get(k, 0.0) if extra else 0.0))
                       for k in periods)

        chosen, left, current = [], list(ids), gap()
        while left:
            g, s = min((gap(vals[s]), s) for s in left)
            if g >= current * (1 - 1e-9) - 1e-9:
                break
            chosen.append(s)
            left.remove(s)
            for k in periods:
                sums[k] += vals[s].get(k, 0.0)
            current = g
        return chosen

    def business_lines(self, months) -> list[str]:
        """The revenue lines that add up to total revenues in the most periods."""
        if not self.revenue_id:
            return []
        tl, info = self.tl, self.money
        total = self._values(self.revenue_id, months)
        rev_labels = set(info.set_index("series_id").loc[self.revenue_id, "norm_labels"])
        rev_labels |= {"revenue", "net revenue", "operating revenue"}
        best, best_score = [], (-1, 0, 0)
        for parent in sorted(rev_labels):
            kids = info[info["norm_parents"].map(lambda ps: parent in ps)
                        & (info["series_id"] != self.revenue_id)
                        & ~info["norm_labels"].map(lambda ls: any(
                            TOTAL_REVENUE.match(l) or TOTAL_LIKE.search(l) or NOT_REVENUE.search(l)
                            for l in ls))]
            if kids.empty:
                continue
            ids = self._adding_up(list(kids["series_id"]), total, months)
            if not ids:
                continue
            pts = tl.series[tl.series["series_id"].isin(ids) & tl.series["period_months"].isin(months)]
            score = (self._n_adding_up(ids, total, months),
                     pts.groupby(["period_end", "period_months"]).ngroups, len(ids))
            if score > best_score:
                best, best_score = ids, score
        if best_score[0] == 0:
            return []       # nothing adds up to total revenues: no breakdown to stack
        # keep the printed order: biggest first reads best in a stack
        tot = {s: self.points(s)["value"].abs().sum() for s in best}
        return sorted(best, key=lambda s: -tot[s])


class RevenueTab(ChartTab):
    title = "Revenue by business line"

    def draw(self, tl, months, ctx):
        self.clear()
        lines = ctx.business_lines(months)
        if not lines:
            self.message.setText("No revenue breakdown in the loaded releases.")
            return
        self.message.setText(f"Stacked revenue lines per period ({axis_unit(ctx.currency)}); "
                             "hollow circles: derived quarters, stars: restated.")
        p = self.add_plot(self.title, axis_unit(ctx.currency))
        pts = tl.series[tl.series["series_id"].isin(lines) & tl.series["period_months"].isin(months)]
        keys = sorted(set(zip(pts["period_end"], pts["period_months"])))
        base = {k: 0.0 for k in keys}
        width = BAR_DAYS * SECONDS_PER_DAY
        for i, sid in enumerate(lines):
            s = pts[pts["series_id"] == sid]
            if s.empty:
                continue
            xs, hs, y0s, tops, sts = [], [], [], [], []
            for _, r in s.iterrows():
                k = (r["period_end"], r["period_months"])
                # YTD periods ending on one date share a bar slot: offset them by length
                x = _ts(r["period_end"]) + (r["period_months"] - 3) * 4 * SECONDS_PER_DAY * (len(months) > 1)
                h = r["value"] / 1e6
                xs.append(x); hs.append(h); y0s.append(base[k]); tops.append(base[k] + h)
                sts.append(r["status"])
                self.record(p, x, base[k] + h, ctx.label(sid), r)
                base[k] += h
            color = PALETTE[i % len(PALETTE)]
            bar = pg.BarGraphItem(x=xs, height=hs, y0=y0s, width=width / max(1, len(months)),
                                  brush=pg.mkBrush(color), pen=pg.mkPen("w", width=0.5))
            p.addItem(bar)
            p.legend.addItem(bar, ctx.label(sid))
            self.mark_statuses(p, xs, tops, sts)


class OperatingTab(ChartTab):
    title = "Operating income and margin"

    def draw(self, tl, months, ctx):
        self.clear()
        if not ctx.operating_id:
            self.message.setText("No operating income in the loaded releases.")
            return
        self.message.setText("Operating income (bars) and operating margin = operating income "
                             "/ total revenues of the same period.")
        p = self.add_plot("Operating income", axis_unit(ctx.currency))
        s = ctx.points(ctx.operating_id, months)
        width = BAR_DAYS * SECONDS_PER_DAY / max(1, len(months))
        xs = [_ts(e) + (m - 3) * 4 * SECONDS_PER_DAY * (len(months) > 1)
              for e, m in zip(s["period_end"], s["period_months"])]
        ys = list(s["value"] / 1e6)
        bar = pg.BarGraphItem(x=xs, height=ys, width=width, brush=pg.mkBrush(PALETTE[0]))
        p.addItem(bar)
        p.legend.addItem(bar, ctx.label(ctx.operating_id))
        for x, y, (_, r) in zip(xs, ys, s.iterrows()):
            self.record(p, x, y, ctx.label(ctx.operating_id), r)
        self.mark_statuses(p, xs, ys, list(s["status"]))
        if ctx.revenue_id:
            rev = ctx.points(ctx.revenue_id, months).set_index(["period_end", "period_months"])
            q = self.add_plot("Operating margin", "% of revenues")
            mx, my, ms = [], [], []
            for x, (_, r) in zip(xs, s.iterrows()):
                k = (r["period_end"], r["period_months"])
                if k in rev.index and rev.loc[k, "value"]:
                    m = 100.0 * r["value"] / rev.loc[k, "value"]
                    mx.append(x); my.append(m)
                    st = "derived" if "derived" in (r["status"], rev.loc[k, "status"]) else "computed"
                    ms.append(st)
                    row = dict(r)
                    row.update(value=m, unit="percent", status=st)
                    self.record(q, x, m, "Operating margin", row)
            order = np.argsort(mx)
            q.plot([mx[i] for i in order], [my[i] for i in order], pen=pg.mkPen(PALETTE[1], width=2),
                   symbol="s", symbolSize=6, symbolBrush=PALETTE[1], name="Operating margin")
            self.mark_statuses(q, mx, my, ms)


class LinesTab(ChartTab):
    """Several series as lines, one plot per unit, all on the periods any of them has.

    A series missing a period has a gap there (never a line drawn across it, never an axis
    cut short); where a series has several period lengths ending on one date (year to date:
    3M and 9M in a third-quarter release) the longest stands for the date. The biggest
    LINES_IN_COLOUR series are coloured and named; the others are thin grey lines. A chart
    of one period is drawn as bars side by side, and says so in `note`."""

    with_parent = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.note = ""

    def draw_series(self, tl, ctx, groups: list[tuple[str, str, list[str]]], months) -> None:
        self.clear()
        self.note = ""
        series = {}
        for _, unit, ids in groups:
            for sid in ids:
                s = ctx.points(sid, months)
                if not s.empty:
                    # one point per date: the longest period ending there
                    s = s.sort_values("period_months").drop_duplicates("period_end", keep="last")
                    series[sid] = s.sort_values("period_end")
        ends = sorted({e for s in series.values() for e in s["period_end"]})
        if not ends:
            self.message.setText("Nothing to plot for the loaded releases.")
            return
        xs_all = [_ts(e) for e in ends]
        pos = {e: i for i, e in enumerate(ends)}
        single = len(ends) == 1
        for title, unit, ids in groups:
            ids = [sid for sid in ids if sid in series]
            if not ids:
                continue
            scale = 1e6 if _is_currency(unit) else 1.0
            p = self.add_plot(title, axis_unit(unit))
            # the biggest series in colour (by their largest absolute value), the rest grey
            size = {sid: float(series[sid]["value"].abs().max()) for sid in ids}
            ranked = sorted(ids, key=lambda sid: (-size[sid], ids.index(sid)))
            coloured = ranked[:LINES_IN_COLOUR]
            others = ranked[LINES_IN_COLOUR:]
            n = len(ids)
            slot = SINGLE_PERIOD_BAR_DAYS * SECONDS_PER_DAY / max(1, n)
            others_named = False
            for k, sid in enumerate(coloured + others):
                s = series[sid]
                name = ctx.label(sid, self.with_parent)
                grey = k >= len(coloured)
                color = OTHERS_COLOR if grey else PALETTE[k % len(PALETTE)]
                ys = list(s["value"] / scale)
                if single:
                    xs = [xs_all[0] + (k - (n - 1) / 2) * slot]
                    item = pg.BarGraphItem(x=xs, height=ys, width=slot * 0.9, brush=pg.mkBrush(color),
                                           pen=pg.mkPen("w", width=0.5))
                    p.addItem(item)
                else:
                    xs = [xs_all[pos[e]] for e in s["period_end"]]
                    full = np.full(len(ends), np.nan)
                    full[[pos[e] for e in s["period_end"]]] = ys
                    item = p.plot(xs_all, full, connect="finite",
                                  pen=pg.mkPen(color, width=1 if grey else 2),
                                  symbol="o", symbolSize=4 if grey else 7,
                                  symbolBrush=color, symbolPen=color)
                if not grey:
                    p.legend.addItem(item, name)
                elif not others_named:
                    p.legend.addItem(item, f"others ({len(others)})")
                    others_named = True
                for x, y, (_, r) in zip(xs, ys, s.iterrows()):
                    self.record(p, x, y, name, r)
                self.mark_statuses(p, xs, ys, list(s["status"]))
        if single:
            first = next(iter(series.values())).iloc[0]
            self.note = (f" Only one period ({period_label(ends[0], first['period_months'])}) in "
                         "the loaded releases: shown as bars; load more releases to see a trend.")

    def align_periods(self) -> None:
        if self.records and len({r.end for r in self.records}) == 1:
            # one period: the bars side by side fill the middle of the plot
            x = self.records[0].end
            half = SINGLE_PERIOD_BAR_DAYS * SECONDS_PER_DAY
            for p in self.plots:
                p.setXRange(x - half, x + half, padding=0)
        else:
            super().align_periods()


class SegmentTab(LinesTab):
    title = "Segment results"

    def draw(self, tl, months, ctx):
        info = ctx.money[ctx.money["kinds"].map(lambda k: "segment" in k)]
        prof = re.compile(r"income|profit|loss")
        is_profit = (info["norm_parents"].map(lambda ps: any(prof.search(p) for p in ps)) |
                     info["norm_labels"].map(lambda ls: any(prof.search(l) for l in ls)))
        order = lambda df: list(df.sort_values("n_points", ascending=False)["series_id"])
        groups = [("Segment revenues", ctx.currency, order(info[~is_profit])),
                  ("Segment profit or loss", ctx.currency, order(info[is_profit]))]
        note = ""

        def periods(ids, m) -> int:
            return len({e for s in ids for e in ctx.points(s, m)["period_end"]})
        # Releases often print segments only cumulatively: fall back to year-to-date
        # figures when the chosen periods leave no segment with two points, or leave a plot
        # with one period (a lone derived quarter) where year-to-date figures give a trend.
        if months != YTD and (
                not any(len(ctx.points(s, months)) >= 2 for _, _, ids in groups for s in ids)
                or any(periods(ids, months) < 2 <= periods(ids, YTD) for _, _, ids in groups if ids)):
            months, note = YTD, " Shown year to date: the releases print segments cumulatively."
        self.draw_series(tl, ctx, groups, months)
        if self.records:
            self.message.setText("Segment revenues and segment profit or loss per period."
                                 + note + self.note)


class CashFlowTab(ChartTab):
    title = "Cash flows by section"

    def draw(self, tl, months, ctx):
        self.clear()
        info = ctx.money[ctx.money["kinds"].map(lambda k: "cashflow" in k)]
        if info.empty:
            info = ctx.money
        picks = []
        for name, rx in CASH_SECTIONS:
            sid = ChartContext._best(info, rx)
            if sid:
                picks.append((name, sid))
        if not picks:
            self.message.setText("No cash flow statement in the loaded releases.")
            return
        self.message.setText("Net cash from operating, investing and financing activities; "
                             "quarters are derived from the year-to-date statements where needed.")
        p = self.add_plot(self.title, axis_unit(ctx.currency))
        n = len(picks)
        slot = BAR_DAYS * SECONDS_PER_DAY / n
        for i, (name, sid) in enumerate(picks):
            s = ctx.points(sid, months)
            if s.empty:
                continue
            off = (i - (n - 1) / 2) * slot
            xs = [_ts(e) + off + (m - 3) * 4 * SECONDS_PER_DAY * (len(months) > 1)
                  for e, m in zip(s["period_end"], s["period_months"])]
            ys = list(s["value"] / 1e6)
            bar = pg.BarGraphItem(x=xs, height=ys, width=slot * 0.9,
                                  brush=pg.mkBrush(PALETTE[i % len(PALETTE)]))
            p.addItem(bar)
            p.legend.addItem(bar, name)
            for x, y, (_, r) in zip(xs, ys, s.iterrows()):
                self.record(p, x, y, ctx.label(sid), r)
            self.mark_statuses(p, xs, ys, list(s["status"]))


class KpiTab(LinesTab):
    title = "KPIs"

    def draw(self, tl, months, ctx):
        info = tl.info[tl.info["unit"].map(_is_kpi_unit) & (tl.info["measure"] == "value")]
        groups = []
        units = info.groupby("unit")["n_points"].sum().sort_values(ascending=False)
        for unit in list(units.index)[:4]:
            ids = list(info[info["unit"] == unit].sort_values("n_points", ascending=False)["series_id"])
            groups.append((f"KPIs in {unit_name(unit)}", unit, ids))
        # instants (contracts at a date) and any period length: a KPI is what it is
        self.draw_series(tl, ctx, groups, None)
        if self.records:
            self.message.setText("Operating statistics (contracts, bandwidth ...) as printed."
                                 + self.note)


class SelectionTab(LinesTab):
    title = "Selection"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.fact_ids: list = []

    def draw(self, tl, months, ctx):
        if not self.fact_ids:
            self.clear()
            self.message.setText("Select cells in the grid and choose “Plot selection”.")
            return
        sids, mset = [], set()
        alts = tl.alternatives.set_index("fact_id")
        for fid in self.fact_ids:
            sid = tl.series_of_fact(fid)
            if sid and sid not in sids:
                sids.append(sid)
            if fid in alts.index:
                m = alts.loc[fid, "period_months"]
                mset.update(np.atleast_1d(m).tolist())
        if not sids:
            self.clear()
            self.message.setText("The selected cells hold no period figures to plot.")
            return
        units = tl.info.set_index("series_id").loc[sids, "unit"]
        groups = [(f"Selected rows ({unit_name(u)})", u, [s for s in sids if units[s] == u])
                  for u in dict.fromkeys(units)]
        self.draw_series(tl, ctx, groups, tuple(sorted(int(m) for m in mset)) or None)
        self.message.setText(f"{len(sids)} selected row(s) across all loaded releases."
                             + self.note)


class MatchingTab(QWidget):
    """Proposed merges to accept or reject, and points whose value needs a decision."""

    decided = Signal()

    def __init__(self, charts: "ChartsWidget") -> None:
        super().__init__()
        self.charts = charts
        self.merges = QTableWidget(0, 5)
        self.merges.setHorizontalHeaderLabels(["Decision", "Earlier label", "Later label",
                                               "Matches", "Evidence"])
        self.values = QTableWidget(0, 5)
        self.values.setHorizontalHeaderLabels(["Status", "Line item", "Period", "Standing value",
                                               "Other values"])
        for t, widths in ((self.merges, (80, 240, 240, 60)), (self.values, (70, 240, 100, 200))):
            for i, wdt in enumerate(widths):
                t.setColumnWidth(i, wdt)
            t.setSelectionBehavior(QAbstractItemView.SelectRows)
            t.setEditTriggers(QAbstractItemView.NoEditTriggers)
            t.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
            t.horizontalHeader().setStretchLastSection(True)
            t.setMinimumHeight(MATCH_TABLE_MIN_HEIGHT)    # a short charts dock still fits
        self.accept_btn = QPushButton("Accept merge")
        self.reject_btn = QPushButton("Reject merge")
        self.other_btn = QPushButton("Use the other value")
        self.accept_btn.clicked.connect(lambda: self._decide(True))
        self.reject_btn.clicked.connect(lambda: self._decide(False))
        self.other_btn.clicked.connect(self._use_other)
        top = QWidget(); tl_ = QVBoxLayout(top); tl_.setContentsMargins(0, 0, 0, 0)
        tl_.addWidget(wrapping_label("Line items matched across releases (proposed ones wait for you):"))
        tl_.addWidget(self.merges, 1)
        b = QHBoxLayout(); b.addWidget(self.accept_btn); b.addWidget(self.reject_btn); b.addStretch(1)
        tl_.addLayout(b)
        bottom = QWidget(); bl = QVBoxLayout(bottom); bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(wrapping_label("Figures printed differently in two places (restated or conflicting):"))
        bl.addWidget(self.values, 1)
        b2 = QHBoxLayout(); b2.addWidget(self.other_btn); b2.addStretch(1)
        bl.addLayout(b2)
        split = QSplitter(Qt.Vertical); split.addWidget(top); split.addWidget(bottom)
        lay = QVBoxLayout(self); lay.setContentsMargins(0, 0, 0, 0); lay.addWidget(split)
        self._merge_ids: list[str] = []
        self._value_rows: list[tuple] = []

    def draw(self, tl: Timeline) -> None:
        m = tl.merges[tl.merges["kind"] == "rename"].copy()
        order = {"proposed": 0, "accepted": 1, "rejected": 2, "auto": 3}
        m = m.sort_values(["decision", "n_match"], key=lambda c: c.map(order) if c.name == "decision" else -c)
        self.merges.setRowCount(len(m))
        self._merge_ids = list(m["merge_id"])
        for i, r in enumerate(m.itertuples()):
            for j, v in enumerate((r.decision, r.a_label, r.b_label, str(r.n_match), r.evidence)):
                it = QTableWidgetItem(str(v))
                it.setToolTip(str(v))
                if r.decision == "proposed":
                    it.setBackground(QColor("#fff4d6"))
                self.merges.setItem(i, j, it)
        pts = tl.series[tl.series["status"].isin(["restated", "conflict", "chosen"])]
        self.values.setRowCount(len(pts))
        self._value_rows = []
        alts = tl.alternatives[~tl.alternatives["chosen"] &
                               tl.alternatives["series_id"].isin(set(pts["series_id"]))]
        groups = alts.groupby(["series_id", "period_end", "period_months"]).indices
        for i, r in enumerate(pts.itertuples()):
            a = alts.iloc[groups.get((r.series_id, r.period_end, r.period_months), [])]
            others = "; ".join(f"{_fmt(v, r.unit)} ({d} line {l})"
                               for v, d, l in zip(a["value"], a["doc"], a["line"]))
            cells = (r.status, r.label, period_label(r.period_end, r.period_months),
                     f"{_fmt(r.value, r.unit)} ({r.doc} line {r.line})", others)
            for j, v in enumerate(cells):
                it = QTableWidgetItem(str(v)); it.setToolTip(str(v))
                self.values.setItem(i, j, it)
            self._value_rows.append((r.series_id, r.period_end, r.period_months,
                                     list(a["fact_id"])))

    def _decide(self, accept: bool) -> None:
        row = self.merges.currentRow()
        if 0 <= row < len(self._merge_ids):
            self.charts.decide_merge(self._merge_ids[row], accept)

    def _use_other(self) -> None:
        row = self.values.currentRow()
        if 0 <= row < len(self._value_rows):
            sid, pe, pm, others = self._value_rows[row]
            if others:
                self.charts.choose_value(sid, pe, pm, others[0])


# -- the widget ------------------------------------------------------------------------
def _copy_choices(choices: dict) -> dict:
    return {"merges": dict(choices.get("merges", {})), "values": dict(choices.get("values", {}))}


class _Dispatcher(QObject):
    """Carries finished timelines from the pool threads to their widget, in the GUI thread.

    One for the whole process, created in the GUI thread and never deleted: a pool thread only
    ever emits on this object, so no widget or per-job QObject can be freed under a signal that
    is still being emitted (the widget may be closed while its timeline is being built).
    Widgets are found by a small integer key; a closed widget's results are dropped."""
    done = Signal(int, int, object)          # widget key, generation, Timeline (or None)

    def __init__(self) -> None:
        super().__init__()
        self.widgets: "weakref.WeakValueDictionary[int, ChartsWidget]" = weakref.WeakValueDictionary()
        self._keys = itertools.count(1)
        self.done.connect(self._deliver)     # queued: emitted in pool threads

    def register(self, widget: "ChartsWidget") -> int:
        key = next(self._keys)
        self.widgets[key] = widget
        return key

    @Slot(int, int, object)
    def _deliver(self, key: int, generation: int, timeline) -> None:
        import shiboken6
        w = self.widgets.get(key)
        if w is not None and shiboken6.isValid(w):
            w._background_done(generation, timeline)


_DISPATCHER: _Dispatcher | None = None


def _dispatcher() -> _Dispatcher:
    global _DISPATCHER
    if _DISPATCHER is None:
        _DISPATCHER = _Dispatcher()
    return _DISPATCHER


class _TimelineJob(QRunnable):
    """Build one timeline in a pool thread. The pool owns and deletes the job when run()
    returns (autoDelete), so the GUI thread never frees it while it runs."""

    def __init__(self, dispatcher: _Dispatcher, key: int, generation: int, facts: pd.DataFrame,
                 choices: dict) -> None:
        super().__init__()
        self.dispatcher, self.key, self.generation = dispatcher, key, generation
        self.facts, self.choices = facts, choices

    def run(self) -> None:
        try:
            tl = build_timeline(self.facts, self.choices)
        except Exception:
            log.exception("timeline could not be built")
            tl = None
        self.dispatcher.done.emit(self.key, self.generation, tl)


_LIVE: "weakref.WeakSet[ChartsWidget]" = weakref.WeakSet()


@atexit.register
def _teardown_live_widgets() -> None:
    """Delete chart widgets before Python finalises: left to the garbage collector, the
    pyqtgraph items' wrappers can be freed after their C++ scene (PySide6 crashes then)."""
    for w in list(_LIVE):
        try:
            w.teardown()
        except Exception:   # at exit nothing may raise
            pass


class ChartsWidget(QWidget):
    """All chart tabs over the workspace's timeline, kept up to date with its events."""

    timelineRebuilt = Signal()

    def __init__(self, workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = workspace
        # The user's decisions live on the workspace when it keeps them (so a saved
        # workspace remembers them), else here.
        choices = getattr(workspace, "timeline_choices", None)
        if not isinstance(choices, dict):
            choices = {}
            try:
                workspace.timeline_choices = choices
            except Exception:
                pass
        self.choices: dict = choices
        self.timeline: Timeline | None = None
        self.bridge = WorkspaceBridge(workspace, self)
        self.bridge.factsChanged.connect(lambda *_: self.refresh())
        self.bridge.documentsChanged.connect(self.refresh)
        bridge = self.bridge
        self.destroyed.connect(lambda *_: bridge.detach())

        self.mode_box = QComboBox()
        for name, _ in MODES:
            self.mode_box.addItem(name)
        self.mode_box.currentIndexChanged.connect(lambda *_: self.redraw())
        self.png_btn = QPushButton("Export PNG…")
        self.svg_btn = QPushButton("Export SVG…")
        self.png_btn.clicked.connect(lambda: self._export_dialog("png"))
        self.svg_btn.clicked.connect(lambda: self._export_dialog("svg"))
        self.status = ElidedLabel("")        # cut, never widening the charts
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Periods:"))
        bar.addWidget(self.mode_box)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.png_btn)
        bar.addWidget(self.svg_btn)

        self.tabs = QTabWidget()
        # seven tabs fit a narrow window: scroll buttons, titles cut if need be
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setElideMode(Qt.ElideRight)
        self.revenue = RevenueTab()
        self.operating = OperatingTab()
        self.segments = SegmentTab()
        self.cashflow = CashFlowTab()
        self.kpis = KpiTab()
        self.selection = SelectionTab()
        self.chart_tabs: list[ChartTab] = [self.revenue, self.operating, self.segments,
                                           self.cashflow, self.kpis, self.selection]
        for t in self.chart_tabs:
            self.tabs.addTab(t, t.title)
        self.matching = MatchingTab(self)
        self.tabs.addTab(self.matching, "Series matching")
        self.tabs.currentChanged.connect(self._tab_changed)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(bar)
        lay.addWidget(self.tabs, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REBUILD_DELAY_MS)
        self._timer.timeout.connect(self._rebuild_in_background)
        self._generation = 0
        self._pending: set[int] = set()      # generations being built in the pool
        self._key = _dispatcher().register(self)
        _LIVE.add(self)
        self.refresh()

    def teardown(self) -> None:
        """Disconnect from the workspace and free every chart item now."""
        import shiboken6

        if not shiboken6.isValid(self):
            return
        self._timer.stop()
        self._generation += 1
        QThreadPool.globalInstance().waitForDone(30000)
        self.bridge.detach()
        for t in self.chart_tabs:
            t.clear()
        _LIVE.discard(self)
        shiboken6.delete(self)

    # .. public ........................................................................
    def refresh(self) -> None:
        """Schedule a rebuild (bursts of events make one rebuild)."""
        self._timer.start()

    def rebuild_now(self) -> None:
        """Build the timeline here and now, and redraw (used for the user's own actions)."""
        self._timer.stop()
        self._generation += 1
        try:
            self.timeline = build_timeline(self.ws.facts, self.choices)
        except Exception:
            log.exception("timeline could not be built")
            self.timeline = None
        self.redraw()
        self.timelineRebuilt.emit()

    def _rebuild_in_background(self) -> None:
        """Build the timeline on a worker thread from a snapshot of the facts; the newest
        request wins, the GUI thread only draws."""
        self._generation += 1
        self._pending.add(self._generation)
        gc_guard.install()        # no garbage collection in the pool thread (see gc_guard)
        QThreadPool.globalInstance().start(_TimelineJob(
            _dispatcher(), self._key, self._generation, self.ws.facts.copy(),
            _copy_choices(self.choices)))

    def _background_done(self, generation: int, timeline) -> None:
        self._pending = {g for g in self._pending if g > generation}
        if generation != self._generation:
            return          # a newer rebuild is on its way
        self.timeline = timeline
        self.redraw()
        self.timelineRebuilt.emit()

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Wait until no background rebuild is pending (tests, scripts)."""
        from PySide6.QtCore import QCoreApplication, QElapsedTimer
        t = QElapsedTimer(); t.start()
        while (self._timer.isActive() or self._pending) and t.elapsed() < timeout_ms:
            QCoreApplication.processEvents()
            QThreadPool.globalInstance().waitForDone(20)
        QCoreApplication.processEvents()
        return not (self._timer.isActive() or self._pending)

    @property
    def months(self) -> tuple[int, ...]:
        return MODES[max(0, self.mode_box.currentIndex())][1]

    def set_mode(self, index: int) -> None:
        self.mode_box.setCurrentIndex(index)

    def redraw(self) -> None:
        tl = self.timeline
        if tl is None or tl.series.empty:
            for t in self.chart_tabs:
                t.clear()
                t.message.setText("Load earnings releases to see charts.")
            self.status.setText("")
            return
        ctx = ChartContext(tl)
        for t in self.chart_tabs:
            try:
                t.draw(tl, self.months, ctx)
                t.finish()
            except Exception:
                log.exception("chart %s failed", t.title)
                t.clear()
                t.message.setText("This chart could not be drawn (see the log).")
        self.matching.draw(tl)
        n_prop = int((tl.merges["decision"] == "proposed").sum()) if len(tl.merges) else 0
        self.status.setText(f"{tl.series['series_id'].nunique()} series, "
                            f"{len(tl.series)} points; {n_prop} proposed merge(s) to review")

    def plot_rows(self, fact_ids: Iterable) -> None:
        """Plot the series behind the given facts (the grid's "plot selection")."""
        self.selection.fact_ids = list(fact_ids)
        if self.timeline is None or self._timer.isActive() or self._pending:
            self.rebuild_now()
        elif self.timeline.series.empty:
            self.redraw()
        else:
            ctx = ChartContext(self.timeline)
            self.selection.draw(self.timeline, self.months, ctx)
            self.selection.finish()
        self.tabs.setCurrentWidget(self.selection)

    def decide_merge(self, merge_id: str, accept: bool) -> None:
        self.choices.setdefault("merges", {})[merge_id] = "accepted" if accept else "rejected"
        self.rebuild_now()

    def choose_value(self, series_id: str, period_end: str, period_months, fact_id) -> None:
        if self.timeline is None:
            return
        self.timeline.choices = self.choices
        self.timeline.choose_value(series_id, period_end, period_months, fact_id)
        self.rebuild_now()

    def current_chart(self) -> ChartTab | None:
        w = self.tabs.currentWidget()
        return w if isinstance(w, ChartTab) else None

    def export(self, path: str | Path, tab: ChartTab | None = None) -> Path:
        """Export a chart tab (the current one by default) to PNG or SVG."""
        tab = tab or self.current_chart() or self.revenue
        return tab.export(path)

    # .. private .......................................................................
    def _tab_changed(self, *_):
        busy = self.current_chart() is None
        self.png_btn.setEnabled(not busy)
        self.svg_btn.setEnabled(not busy)

    def _export_dialog(self, kind: str) -> None:
        tab = self.current_chart()
        if tab is None:
            return
        name = re.sub(r"\W+", "_", tab.title.lower()).strip("_")
        path, _ = QFileDialog.getSaveFileName(self, "Export chart", f"{name}.{kind}",
                                              f"{kind.upper()} (*.{kind})")
        if path:
            if not path.lower().endswith("." + kind):
                path += "." + kind
            self.export(path, tab)

