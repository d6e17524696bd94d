"""Every finding of the workspace, filterable by severity and release."""
from __future__ import annotations

import pandas as pd
from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal)
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from iijdesk.core.workspace import Workspace
from iijdesk.gui.formatting import format_number
from iijdesk.gui.statement_model import (SEVERITY_COLORS, SEVERITY_RANK, _decimals, fact_ids_of,
                                         severity_icon)

COLUMNS = [("severity", "Severity"), ("doc", "Release"), ("kind", "Check"), ("lines", "Lines"),
           ("message", "Finding"), ("expected", "Expected"), ("actual", "Actual")]
ALL = "All"


class FindingsModel(QAbstractTableModel):
    def __init__(self, workspace: Workspace, parent=None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self._f = workspace.findings.reset_index(drop=True)
        self._icons: dict = {}

    def refresh(self) -> None:
        self.beginResetModel()
        self._f = self.ws.findings.reset_index(drop=True)
        self.endResetModel()

    def finding(self, row: int) -> pd.Series:
        return self._f.iloc[row]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._f)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section][1]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        col = COLUMNS[index.column()][0]
        row = self._f.iloc[index.row()]
        v = row.get(col, "")
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            if col == "kind" and not str(v or ""):
                v = row.get("rule", "")
            if col in ("expected", "actual"):
                return self._amount(row, col)
            s = "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            if isinstance(v, float) and v == int(v):
                s = f"{int(v):,}"
            return s
        if role == Qt.DecorationRole and col == "severity":
            sev = str(v)
            if sev not in self._icons:
                self._icons[sev] = severity_icon(sev)
            return self._icons[sev]
        if role == Qt.BackgroundRole and col == "severity":
            return SEVERITY_COLORS.get(str(v))
        if role == Qt.UserRole:           # sort key for severity
            return SEVERITY_RANK.get(str(v), 0) if col == "severity" else v
        return None


    def _amount(self, row: pd.Series, col: str) -> str:
        """Expected / actual as the table prints them (the engine's text when it gives one)."""
        text = row.get(f"{col}_text")
        if isinstance(text, str) and text.strip():
            return text
        v = row.get(col)
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return ""
        ids = fact_ids_of(row.get("fix_fact")) or fact_ids_of(row.get("fact_ids"))
        facts = self.ws.facts
        try:
            if ids and ids[0] in facts.index:
                f = facts.loc[ids[0]]
                return format_number(float(v), int(f["scale"] or 1), _decimals(f["decimals"], f["printed"]),
                                     str(f["unit"]))
            return f"{float(v):,.0f}"
        except (TypeError, ValueError):
            return str(v)


class FindingsFilter(QSortFilterProxyModel):
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
        f = self.sourceModel().finding(source_row)
        if self.severity != ALL and str(f.get("severity", "")) != self.severity:
            return False
        if self.release != ALL and str(f.get("doc", "")) != self.release:
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
        self.proxy.setSortRole(Qt.UserRole)
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
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        hh = self.table.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.Interactive)
        hh.setStretchLastSection(False)
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
        self.refresh()

    def refresh(self) -> None:
        self.model.refresh()
        docs = sorted(self.ws.documents)
        cur = self.release_box.currentText()
        self.release_box.blockSignals(True)
        self.release_box.clear()
        self.release_box.addItems([ALL] + docs)
        self.release_box.setCurrentText(cur if cur in docs else ALL)
        self.release_box.blockSignals(False)
        self.proxy.set_filter(self.severity_box.currentText(), self.release_box.currentText())
        self._count()
        widths = [90, 200, 110, 80, 520, 110, 110]
        for c, w in enumerate(widths):
            self.table.setColumnWidth(c, w)
        self.fix_button.setEnabled(False)

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
