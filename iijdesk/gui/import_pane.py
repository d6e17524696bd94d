"""The drop zone and the list of imported releases with their status."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMenu,
                               QProgressBar, QPushButton, QStyle, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from iijdesk.core.workspace import CANCELLED, DUPLICATE, ImportResult, Workspace

ERROR_TEXT = QColor(200, 40, 40)
NOTE_TEXT = QColor(128, 128, 128)
COLS = ["Release", "Tables", "Facts", "Findings", "Status"]


class ImportPane(QWidget):
    releaseActivated = Signal(str)      # doc name
    removeRequested = Signal(str)       # doc name
    cancelRequested = Signal()          # the Cancel button under the progress bar

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
        self.progress.setFormat("%v of %m — %p%")
        self.progress_label = QLabel()          # the file being read
        self.progress_label.setMinimumWidth(1)  # a long file name never widens the pane
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop importing: the file being read and the rest are "
                                      "not imported; the releases loaded so far stay")
        self.cancel_button.clicked.connect(self._cancel_clicked)
        self.busy_bar = QWidget()
        bb = QVBoxLayout(self.busy_bar)
        bb.setContentsMargins(0, 0, 0, 0)
        bb.addWidget(self.progress_label)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        bb.addLayout(row)
        self.busy_bar.setVisible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.drop_label)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.busy_bar)
        self._items: dict[str, QTreeWidgetItem] = {}      # by file name
        self.list.setContextMenuPolicy(Qt.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)

    # -- progress ---------------------------------------------------------------------
    def set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)
            self.progress_label.setText("Importing…")
            self.cancel_button.setEnabled(True)
            self.cancel_button.setText("Cancel")

    def on_progress(self, done: int, total: int, name: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if self.cancel_button.isEnabled():
            self.progress_label.setText(f"Reading {name}…" if name else "Checking the releases…")
        self.progress_label.setToolTip(name)

    def _cancel_clicked(self) -> None:
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")
        self.progress_label.setText("Cancelling: keeping the releases loaded so far…")
        self.cancelRequested.emit()

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
            if r.status == DUPLICATE:
                continue                    # the release it repeats is listed already
            name = r.name
            if not r.ok and name in self.ws.documents:
                name = r.path or name       # a file that failed must not mark a loaded namesake
            it = self._item(name)
            it.setToolTip(0, f"{r.path}\n{r.message}" if r.message else r.path)
            if r.status == CANCELLED:
                for c in (1, 2, 3):
                    it.setText(c, "")
                it.setText(4, "cancelled")
                it.setForeground(4, QBrush(NOTE_TEXT))
                it.setData(0, Qt.UserRole, None)
                it.takeChildren()
                continue
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
        self.refresh_counts(findings_only=True)     # tables and facts come with the results

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
