"""The drop zone and the list of imported releases with their status."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QMenu, QProgressBar, QStyle,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from iijdesk.core.workspace import ImportResult, Workspace

ERROR_TEXT = QColor(200, 40, 40)
COLS = ["Release", "Tables", "Facts", "Findings", "Status"]


class ImportPane(QWidget):
    releaseActivated = Signal(str)      # doc name
    removeRequested = Signal(str)       # doc name

    def __init__(self, workspace: Workspace, parent=None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.drop_label = QLabel("Drop release files or folders here\n(or File › Open…)")
        self.drop_label.setAlignment(Qt.AlignCenter)
        self.drop_label.setObjectName("dropZone")
        self.drop_label.setStyleSheet("#dropZone { border: 2px dashed palette(mid); border-radius: 6px;"
                                      " padding: 10px; color: palette(placeholder-text); }")
        self.list = QTreeWidget()
        self.list.setColumnCount(len(COLS))
        self.list.setHeaderLabels(COLS)
        self.list.setRootIsDecorated(False)
        self.list.setIndentation(12)
        self.list.setSelectionMode(QAbstractItemView.SingleSelection)
        self.list.setWordWrap(True)
        self.list.header().setSectionResizeMode(0, QHeaderView.Interactive)
        self.list.setColumnWidth(0, 170)
        for c in (1, 2, 3):
            self.list.header().setSectionResizeMode(c, QHeaderView.ResizeToContents)
        self.list.header().setStretchLastSection(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setFormat("%v of %m — %p%")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.drop_label)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.progress)
        self._items: dict[str, QTreeWidgetItem] = {}      # by file name
        self.list.setContextMenuPolicy(Qt.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)

    # -- progress ---------------------------------------------------------------------
    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)

    def on_progress(self, done: int, total: int, name: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if name:
            it = self._item(name)
            it.setText(4, "reading…")

    # -- results ----------------------------------------------------------------------
    def _item(self, name: str) -> QTreeWidgetItem:
        it = self._items.get(name)
        if it is None:
            it = QTreeWidgetItem([name, "", "", "", ""])
            self.list.addTopLevelItem(it)
            self._items[name] = it
        return it

    def add_results(self, results: list[ImportResult]) -> None:
        style = self.style()
        for r in results:
            it = self._item(r.name)
            it.setToolTip(0, r.path)
            if r.ok:
                it.setText(1, str(r.n_tables))
                it.setText(2, f"{r.n_facts:,}")
                it.setText(4, "loaded")
                it.setIcon(0, style.standardIcon(QStyle.SP_DialogApplyButton))
                for c in range(len(COLS)):
                    it.setForeground(c, QBrush())
                it.setData(0, Qt.UserRole, r.name)
            else:
                it.setText(1, "")
                it.setText(2, "")
                it.setText(3, "")
                it.setText(4, "failed")
                it.setToolTip(0, r.message)
                it.setIcon(0, style.standardIcon(QStyle.SP_MessageBoxCritical))
                it.setForeground(4, QBrush(ERROR_TEXT))
                it.setData(0, Qt.UserRole, None)
                # The reason, inline under the file name, across the whole row.
                reason = it.child(0) if it.childCount() else QTreeWidgetItem(it)
                reason.setText(0, r.message or "could not be imported")
                reason.setToolTip(0, r.message)
                reason.setForeground(0, QBrush(ERROR_TEXT))
                reason.setFlags(Qt.ItemIsEnabled)
                reason.setFirstColumnSpanned(True)
                it.setExpanded(True)
            if r.ok and it.childCount():
                it.takeChildren()
        self.refresh_counts()

    def refresh_counts(self, findings_only: bool = False) -> None:
        f = self.ws.findings
        counts = f["doc"].value_counts().to_dict() if len(f) and "doc" in f.columns else {}
        facts = self.ws.facts
        if not findings_only:
            tables = facts.groupby("doc")["table_id"].nunique().to_dict() if len(facts) else {}
            nfacts = facts["doc"].value_counts().to_dict() if len(facts) else {}
        for name, it in self._items.items():
            if name in self.ws.documents:
                if not findings_only:
                    it.setText(1, str(tables.get(name, 0)))
                    it.setText(2, f"{nfacts.get(name, 0):,}")
                n = counts.get(name, 0)
                it.setText(3, str(n))
                it.setForeground(3, QBrush(ERROR_TEXT) if n else QBrush())
                it.setData(0, Qt.UserRole, name)
            elif it.data(0, Qt.UserRole):           # was loaded, now removed
                it.setText(4, "removed")
                it.setData(0, Qt.UserRole, None)

    # -- queries (tests, status bar) --------------------------------------------------
    def names(self) -> list[str]:
        return [self.list.topLevelItem(i).text(0) for i in range(self.list.topLevelItemCount())]

    def status_of(self, name: str) -> str:
        it = self._items.get(name)
        return it.text(4) if it else ""

    def reason_of(self, name: str) -> str:
        """The failure reason shown under a file that could not be imported ("" if none)."""
        it = self._items.get(name)
        return it.child(0).text(0) if it is not None and it.childCount() else ""

    def select_release(self, name: str) -> None:
        it = self._items.get(name)
        if it is not None:
            self.list.setCurrentItem(it)

    def _activated(self, item: QTreeWidgetItem, col: int = 0) -> None:
        name = item.data(0, Qt.UserRole)
        if name:
            self.releaseActivated.emit(name)


    def _menu(self, pos) -> None:
        item = self.list.itemAt(pos)
        if item is None or item.parent() is not None:
            return
        name = item.text(0)
        menu = QMenu(self)
        if item.data(0, Qt.UserRole):
            menu.addAction("Remove from workspace", lambda: self.removeRequested.emit(name))
        else:
            menu.addAction("Clear from list", lambda: self.forget(name))
        menu.exec(self.list.viewport().mapToGlobal(pos))

    def reset(self, results: list[ImportResult]) -> None:
        """Show exactly these releases (a workspace was opened)."""
        self.list.clear()
        self._items.clear()
        self.add_results(results)

    def forget(self, name: str) -> None:
        it = self._items.pop(name, None)
        if it is not None:
            self.list.takeTopLevelItem(self.list.indexOfTopLevelItem(it))


def urls_to_paths(urls) -> list[str]:
    return [u.toLocalFile() for u in urls if u.isLocalFile() and os.path.exists(u.toLocalFile())]
