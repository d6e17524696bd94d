"""Every finding of the workspace, filterable by severity and release."""
from __future__ import annotations

import pandas as pd
from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal)
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from iijdesk.core.workspace import Workspace
from iijdesk.gui.workers import Worker
from iijdesk.gui.formatting import format_number
from iijdesk.gui.statement_model import (SEVERITY_COLORS, SEVERITY_RANK, _decimals, fact_ids_of,
                                         severity_icon)

COLUMNS = [("severity", "Severity"), ("doc", "Release"), ("kind", "Check"), ("lines", "Lines"),
           ("message", "Finding"), ("expected", "Expected"), ("actual", "Actual")]
ALL = "All"
FOLD_MARK = "    \u21b3 "      # a finding explained by the root finding above it
MESSAGE_COLUMN = 4
COLUMN_WIDTHS = [90, 200, 110, 80, 520, 110, 110]


# More findings than this are read and laid out in a worker thread (about 25 us each: a
# workspace of a thousand releases holds ~50,000, over a second of work), while the panel
# keeps showing the rows it has.
ASYNC_MIN_FINDINGS = 5000


class FindingsModel(QAbstractTableModel):
    """The findings frame as rows of ready-made strings (built once per change, not per paint)."""
    rebuilt = Signal()            # the rows are those of the workspace's findings now

    def __init__(self, workspace: Workspace, parent=None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self._f = workspace.findings.reset_index(drop=True)
        self._rows: list[tuple] = []
        self._sev: list[str] = []
        self._docs: list[str] = []
        self._ids: list[str] = []
        self._icons: dict = {}
        self._sort: tuple[int, bool] = (0, True)        # worst first
        self._order: list[int] = []
        self._worker = Worker(self)
        self._worker.done.connect(self._laid_out)
        self._again = False
        self._closing = False           # wait() was called: lay nothing out any more
        self._build()

    def refresh(self) -> None:
        """Read the findings again; `rebuilt` says when the rows are there (at once, or from
        the worker when there are many)."""
        if self._closing:
            return
        if self.ws.findings_count() < ASYNC_MIN_FINDINGS:
            self._refresh_here()
            return
        if self._worker.busy():
            self._again = True                      # once this one is done
            return
        build, facts, sort = self.ws.findings_builder(), self.ws.facts, self._sort
        self._worker.start(lambda progress: _laid_out_in_worker(build, facts, sort))

    def _laid_out(self, result, error: str) -> None:
        if error or result is None:                 # never leave the panel stale
            self._again = False
            self._refresh_here()
            return
        version, frame, layout = result
        if self._closing:
            return
        if self._again or version != self.ws.findings_version:
            self._again = False                     # changed meanwhile: once more
            self.refresh()
            return
        self.ws.adopt_findings(version, frame)
        self._reset(frame, layout)

    def _refresh_here(self) -> None:
        """refresh in this thread."""
        f = self.ws.findings.reset_index(drop=True)
        self._reset(f, _layout(f, self.ws.facts, self._sort))

    def _reset(self, frame: pd.DataFrame, layout: tuple) -> None:
        self.beginResetModel()
        self._f = frame.reset_index(drop=True)
        self._install(layout)
        self.endResetModel()
        self.rebuilt.emit()

    def _build(self) -> None:
        self._install(_layout(self._f, self.ws.facts, self._sort))

    def _install(self, layout: tuple) -> None:
        self._order, self._rows, self._sev, self._docs, self._ids = layout

    def busy(self) -> bool:
        return self._worker.busy()

    def wait(self) -> None:
        """Until no worker lays out rows (the window waits here before it closes)."""
        self._again, self._closing = False, True
        self._worker.wait()



    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        """Sorted here, in one Python sort, rather than by the proxy comparing cell by cell."""
        self.beginResetModel()
        self._sort = (column, order == Qt.DescendingOrder)
        self._build()
        self.endResetModel()

    def finding(self, row: int) -> pd.Series:
        return self._f.iloc[self._order[row]]

    def severity(self, row: int) -> str:
        return self._sev[row]

    def finding_id(self, row: int) -> str:
        return self._ids[row]

    def doc(self, row: int) -> str:
        return self._docs[row]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return self._rows[r][c]
        if c == 0:
            sev = self._sev[r]
            if role == Qt.DecorationRole:
                if sev not in self._icons:
                    self._icons[sev] = severity_icon(sev)
                return self._icons[sev]
            if role == Qt.BackgroundRole:
                return SEVERITY_COLORS.get(sev)
            if role == Qt.UserRole:           # sort key: worst first when descending
                return SEVERITY_RANK.get(sev, 0)
        if role == Qt.UserRole:
            v = self._rows[r][c]
            if c == 3:
                head = v.split(";")[0]
                return int(head) if head.isdigit() else 0
            return v
        return None

def _laid_out_in_worker(build, facts: pd.DataFrame, sort: tuple[int, bool]):
    version, frame = build()
    return version, frame, _layout(frame.reset_index(drop=True), facts, sort)


def _layout(f: pd.DataFrame, facts: pd.DataFrame, sort: tuple[int, bool]) -> tuple:
    """(order, rows, severities, releases, ids) of the findings frame `f`, rows as the panel
    shows them: roots first with what they explain folded under them, sorted by `sort`."""
    n = len(f)

    def col(name):
        return f[name].tolist() if name in f.columns else [""] * n
    kinds = [k if isinstance(k, str) and k else r for k, r in zip(col("kind"), col("rule"))]
    sev = [str(x) for x in col("severity")]
    docs = [str(x) for x in col("doc")]
    lines = [str(x) for x in col("lines")]
    msgs = [str(x) for x in col("message")]
    lead = [(fact_ids_of(x) or fact_ids_of(y) or [None])[0] for x, y in zip(col("fix_fact"), col("fact_ids"))]
    exp = [_amount(v, t, fid, facts) for v, t, fid in zip(col("expected"), col("expected_text"), lead)]
    act = [_amount(v, t, fid, facts) for v, t, fid in zip(col("actual"), col("actual_text"), lead)]
    ids = [str(x) for x in col("id")]
    roots = ["" if not isinstance(x, str) else x for x in col("root")]
    index = {fid: i for i, fid in enumerate(ids)}
    folded = {i: index[r] for i, r in enumerate(roots) if r and r in index and index[r] != i}
    under: dict = {}
    for i, r in folded.items():
        under.setdefault(r, []).append(i)
    for r, deps in under.items():     # a root says what it explains; dependents are indented
        msgs[r] = f"{msgs[r]}  [explains {len(deps)} more, below]"
    for i in folded:
        msgs[i] = f"{FOLD_MARK}{msgs[i]}"
    rows = list(zip(sev, docs, kinds, lines, msgs, exp, act))
    order = [i for i in range(n) if i not in folded]
    by, desc = sort
    if by >= 0:
        order.sort(key=lambda i: _sort_key(rows[i], by), reverse=desc)
    order = [k for i in order for k in [i] + sorted(under.get(i, ()))]   # dependents under their root
    return (order, [rows[i] for i in order], [sev[i] for i in order], [docs[i] for i in order],
            [ids[i] for i in order])


def _amount(v, text, fid, facts: pd.DataFrame) -> str:
    """Expected / actual as the table prints them (the engine's text when it gives one)."""
    if isinstance(text, str) and text.strip():
        return text
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    try:
        if fid is not None and fid in facts.index:
            p = facts.at[fid, "printed"]
            return format_number(float(v), int(facts.at[fid, "scale"] or 1),
                                 _decimals(facts.at[fid, "decimals"], p), str(facts.at[fid, "unit"]))
        return f"{float(v):,.0f}"
    except (TypeError, ValueError):
        return str(v)


def _sort_key(row: tuple, col: int):
    v = row[col]
    if col == 0:
        return SEVERITY_RANK.get(v, 0)
    if col == 3:
        head = v.split(";")[0]
        return (0, int(head), v) if head.isdigit() else (1, 0, v)
    return v.casefold() if isinstance(v, str) else v


class FindingsFilter(QSortFilterProxyModel):
    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.severity = ALL
        self.release = ALL

    def set_filter(self, severity: str, release: str) -> None:
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self.severity, self.release = severity, release
            self.endFilterChange()
        else:
            self.severity, self.release = severity, release
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        m = self.sourceModel()
        if self.severity != ALL and m.severity(source_row) != self.severity:
            return False
        if self.release != ALL and m.doc(source_row) != self.release:
            return False
        return True


class FindingsPanel(QWidget):
    findingActivated = Signal(object)       # the finding (pd.Series)
    applyFixRequested = Signal(object)      # the finding whose correction to apply

    def __init__(self, workspace: Workspace, parent=None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.model = FindingsModel(workspace, self)
        self.proxy = FindingsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.severity_box = QComboBox()
        self.severity_box.addItems([ALL, "error", "warning", "info"])
        self.release_box = QComboBox()
        self.release_box.addItem(ALL)
        self.count = QLabel()
        self.fix_button = QPushButton("Apply fix")
        self.fix_button.setToolTip("Apply the suggested correction of the selected finding (undoable)")
        self.fix_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(QLabel("Severity"))
        top.addWidget(self.severity_box)
        top.addWidget(QLabel("Release"))
        top.addWidget(self.release_box, 1)
        top.addWidget(self.count)
        top.addStretch(1)
        top.addWidget(self.fix_button)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.Interactive)
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(MESSAGE_COLUMN, QHeaderView.Stretch)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(top)
        lay.addWidget(self.table)
        self.severity_box.currentTextChanged.connect(self._filter)
        self.release_box.currentTextChanged.connect(self._filter)
        self.table.activated.connect(self._activated)
        self.table.clicked.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(self._current)
        self.fix_button.clicked.connect(self._fix)
        self._sized = False
        self._keep = ""                  # the finding selected when a refresh was asked for
        self.model.rebuilt.connect(self._rebuilt)
        self.refresh()

    def refresh(self) -> None:
        """Re-read the findings; the selected finding stays selected while it still exists.
        With many findings the rows come from a worker (model.busy()) and the list follows."""
        self._keep = self.current_finding_id() or getattr(self, "_keep", "")
        self.model.refresh()

    def _rebuilt(self) -> None:
        current, self._keep = self._keep, ""
        docs = sorted(self.ws.documents)
        cur = self.release_box.currentText()
        self.release_box.blockSignals(True)
        self.release_box.clear()
        self.release_box.addItems([ALL] + docs)
        self.release_box.setCurrentText(cur if cur in docs else ALL)
        self.release_box.blockSignals(False)
        self.proxy.set_filter(self.severity_box.currentText(), self.release_box.currentText())
        self._count()
        if not self._sized:
            for c, w in enumerate(COLUMN_WIDTHS):
                self.table.setColumnWidth(c, w)
            self._sized = True
        self.fix_button.setEnabled(False)
        if current:
            self._reselect(current)

    def current_finding_id(self) -> str:
        ix = self.table.currentIndex()
        if not ix.isValid():
            return ""
        return self.model.finding_id(self.proxy.mapToSource(ix).row())

    def _reselect(self, finding_id: str) -> None:
        for r in range(self.proxy.rowCount()):
            if self.model.finding_id(self.proxy.mapToSource(self.proxy.index(r, 0)).row()) == finding_id:
                self.table.selectionModel().blockSignals(True)
                self.table.setCurrentIndex(self.proxy.index(r, 0))
                self.table.selectRow(r)
                self.table.selectionModel().blockSignals(False)
                self._current(self.proxy.index(r, 0), None)
                return

    def _filter(self, *_):
        self.proxy.set_filter(self.severity_box.currentText(), self.release_box.currentText())
        self._count()

    def _count(self) -> None:
        n, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(f"{n} of {total} findings" if n != total else f"{total} findings")

    def finding_at(self, proxy_row: int) -> pd.Series:
        return self.model.finding(self.proxy.mapToSource(self.proxy.index(proxy_row, 0)).row())

    def visible_count(self) -> int:
        return self.proxy.rowCount()

    def activate_row(self, proxy_row: int) -> None:
        ix = self.proxy.index(proxy_row, 0)
        self.table.setCurrentIndex(ix)
        self._activated(ix)

    def _current(self, cur, prev) -> None:
        if not cur.isValid():
            self.fix_button.setEnabled(False)
            return
        f = self.finding_at(cur.row())
        self.fix_button.setEnabled(bool(fact_ids_of(f.get("fix_fact"))) and pd.notna(f.get("fix_value")))

    def _activated(self, ix) -> None:
        if ix.isValid():
            self.findingActivated.emit(self.finding_at(ix.row()))

    def _fix(self) -> None:
        ix = self.table.currentIndex()
        if ix.isValid():
            self.applyFixRequested.emit(self.finding_at(ix.row()))
