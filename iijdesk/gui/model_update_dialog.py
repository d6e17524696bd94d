"""What `Update Excel Model…` did: the audit list, what was written, and the notes.

The window runs the update off the GUI thread (iijdesk.core.model_update through a Worker)
and shows the result here. Activating a row (double-click, Enter) asks the window to open
the release line it names in the source pane. The dialog never parses or computes: every
string comes from the core's UpdateResult.
"""
from __future__ import annotations

from PySide6.QtCore import QUrl, Qt, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel,
                               QListWidget, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout)

from iijdesk.core.model_update.link import fmt_number

AUDIT_COLUMNS = ("Severity", "Cell", "Line item", "Period", "Model", "Release", "Reason")
WRITTEN_COLUMNS = ("Cell", "Period", "Line item", "Written", "Source")
DOC_ROLE = Qt.UserRole + 1
LINE_ROLE = Qt.UserRole + 2


def _num(v) -> str:
    if v is None:
        return ""
    if isinstance(v, (int, float)):
        return fmt_number(float(v))
    return str(v)


class ModelUpdateDialog(QDialog):
    sourceRequested = Signal(str, int)      # doc, line

    def __init__(self, result, parent=None) -> None:
        super().__init__(parent)
        self.result = result
        self.setWindowTitle("Excel model updated")
        self.resize(1000, 520)
        lay = QVBoxLayout(self)
        head = QLabel(f"<b>{result.output}</b> written (the model itself is unchanged).<br>"
                      + "<br>".join(l.describe() for l in result.layouts) + "<br>" + result.summary())
        head.setWordWrap(True)
        head.setTextInteractionFlags(Qt.TextSelectableByMouse)
        lay.addWidget(head)
        self.tabs = QTabWidget()
        self.audit = self._table(AUDIT_COLUMNS)
        for f in result.findings:
            self._add(self.audit, (f.severity, f"{f.sheet}!{f.cell}", f.label, f.period, _num(f.model_value),
                                   _num(f.release_value), f.message), f.doc, f.line)
        self.written = self._table(WRITTEN_COLUMNS)
        for w in result.written:
            src = w.sources[0] if w.sources else None
            self._add(self.written, (f"{w.sheet}!{w.cell}", w.period, w.label, _num(w.value),
                                     src.describe() if src else w.note), src.doc if src else "",
                      src.line if src else 0)
        self.notes = QListWidget()
        self.notes.addItems(result.notes)
        self.tabs.addTab(self.audit, f"Audit ({len(result.findings)})")
        self.tabs.addTab(self.written, f"Written ({len(result.written)})")
        self.tabs.addTab(self.notes, f"Notes ({len(result.notes)})")
        lay.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.open_button = buttons.addButton("Open the Copy", QDialogButtonBox.ActionRole)
        self.open_button.clicked.connect(self.open_copy)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _table(self, columns) -> QTableWidget:
        t = QTableWidget(0, len(columns))
        t.setHorizontalHeaderLabels(list(columns))
        t.setEditTriggers(QAbstractItemView.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectRows)
        t.setSelectionMode(QAbstractItemView.SingleSelection)
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(len(columns) - 1, QHeaderView.Stretch)
        t.itemActivated.connect(self._activated)
        return t

    def _add(self, table: QTableWidget, values, doc: str, line: int) -> None:
        r = table.rowCount()
        table.insertRow(r)
        for c, v in enumerate(values):
            item = QTableWidgetItem(str(v))
            item.setData(DOC_ROLE, doc)
            item.setData(LINE_ROLE, int(line or 0))
            if c in (4, 5) and table is getattr(self, "audit", None):
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            item.setToolTip(str(v))
            table.setItem(r, c, item)

    def _activated(self, item: QTableWidgetItem) -> None:
        doc, line = item.data(DOC_ROLE), item.data(LINE_ROLE)
        if doc and line:
            self.sourceRequested.emit(str(doc), int(line))

    def activate_row(self, table: QTableWidget, row: int) -> None:
        """What a double-click on `row` does (for keyboard users and tests)."""
        self._activated(table.item(row, 0))

    def open_copy(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.result.output))
