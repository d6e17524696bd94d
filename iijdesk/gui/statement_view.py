"""The statement grid: a QTableView whose frozen label column is the vertical header."""
from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, QRegularExpression, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLineEdit, QMenu, QStyledItemDelegate,
                               QTableView)

from iijdesk.gui.statement_model import StatementModel

log = logging.getLogger(__name__)

# What a cell editor lets through while typing; parse_entry has the last word. The pattern is
# PCRE2's (QRegularExpression): non-ASCII characters are written \x{....}, never \u....,
# which PCRE2 rejects (an invalid validator refuses every keystroke). The signs are those
# parse_entry accepts: minus, Unicode minus, the Japanese triangles; nil dashes likewise.
ENTRY_PATTERN = (r"^\s*\(?\s*[-+\x{2212}\x{25b3}\x{25b2}]?[\d,]*\.?\d*\s*%?\s*\)?\s*$"
                 r"|^\s*[-\x{2014}\x{2013}\x{2015}]{1,2}\s*$")


def entry_validator(parent=None) -> QRegularExpressionValidator | None:
    """The cell editor's validator; None (parse_entry alone checks) if the pattern were one
    PCRE2 cannot compile: an invalid validator would refuse every keystroke."""
    rx = QRegularExpression(ENTRY_PATTERN)
    if not rx.isValid():
        log.error("ENTRY_PATTERN: %s at %d", rx.errorString(), rx.patternErrorOffset())
        return None
    return QRegularExpressionValidator(rx, parent)


LABEL_MAX_WIDTH = 380      # the frozen label column; longer labels are elided (full text in the tooltip)
LABEL_MAX_SHARE = 0.45     # ... and never more than this share of the grid's width, so a narrow
LABEL_MIN_WIDTH = 120      # window still shows the figures beside the labels


class NumberDelegate(QStyledItemDelegate):
    def createEditor(self, parent, option, index):
        ed = QLineEdit(parent)
        ed.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        validator = entry_validator(ed)
        if validator is not None:
            ed.setValidator(validator)
        return ed


class LabelHeader(QHeaderView):
    """The row-label column (the vertical header). Its width is measured once per table: Qt
    otherwise re-measures every label on each cell update, hundreds of headerData calls an edit."""

    def __init__(self, parent=None) -> None:
        super().__init__(Qt.Vertical, parent)
        self._hint = None

    def remeasure(self) -> None:
        self._hint = None
        self._hint = super().sizeHint()

    def sizeHint(self):
        return self._hint if self._hint is not None else super().sizeHint()


class StatementView(QTableView):
    currentFactChanged = Signal(int)        # fact id under the cursor (-1: none)
    applyFixRequested = Signal(int)         # fact id whose suggested correction to apply

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setItemDelegate(NumberDelegate(self))
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectItems)
        self.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                             | QAbstractItemView.AnyKeyPressed)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(True)
        self.setVerticalHeader(LabelHeader(self))
        vh = self.verticalHeader()
        vh.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        vh.setSectionResizeMode(QHeaderView.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        vh.setMaximumWidth(self.label_width_limit())
        vh.setTextElideMode(Qt.ElideRight)
        hh = self.horizontalHeader()
        hh.setDefaultAlignment(Qt.AlignCenter)
        hh.setSectionResizeMode(QHeaderView.Interactive)
        hh.setMinimumSectionSize(70)
        self.setContextMenuPolicy(Qt.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.copy_action = QAction("&Copy as table", self)
        self.copy_action.setShortcut(QKeySequence.Copy)
        self.copy_action.setShortcutContext(Qt.WidgetWithChildrenShortcut)
        self.copy_action.triggered.connect(self.copy_selection)
        self.addAction(self.copy_action)

    def label_width_limit(self) -> int:
        """How wide the label column may be in a grid this wide."""
        return max(LABEL_MIN_WIDTH, min(LABEL_MAX_WIDTH, int(self.width() * LABEL_MAX_SHARE)))

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        limit = self.label_width_limit()
        if self.verticalHeader().maximumWidth() != limit:
            self.verticalHeader().setMaximumWidth(limit)
        super().resizeEvent(event)

    def setModel(self, model: StatementModel) -> None:
        super().setModel(model)
        model.modelReset.connect(self._fit)
        self.selectionModel().currentChanged.connect(self._current)
        self._fit()

    def statement_model(self) -> StatementModel:
        return self.model()

    def _fit(self) -> None:
        m = self.model()
        if m is None:
            return
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.verticalHeader().remeasure()
        fm = self.fontMetrics()
        hh = self.horizontalHeader()
        for c in range(m.columnCount()):
            head = m.headerData(c, Qt.Horizontal) or ""
            width = max([fm.horizontalAdvance(x) for x in str(head).split("\n")] + [0]) + 24
            rows = min(m.rowCount(), 200)   # enough to size the column; never all of a huge table
            for r in range(rows):
                width = max(width, fm.horizontalAdvance(m.cell_text(r, c)) + 40)
            hh.resizeSection(c, min(width, 260))

    def _current(self, cur: QModelIndex, prev: QModelIndex) -> None:
        m = self.model()
        self.currentFactChanged.emit(m.fact_id(cur) if m is not None else -1)

    def current_fact(self) -> int:
        return self.model().fact_id(self.currentIndex()) if self.model() is not None else -1

    def selected_fact_ids(self) -> list[int]:
        """The facts behind the selected cells (label-only rows and empty cells give none)."""
        m = self.model()
        if m is None:
            return []
        ids = (m.fact_id(i) for i in self.selectionModel().selectedIndexes())
        return sorted({i for i in ids if i >= 0})

    def selection_tsv(self) -> str:
        return self.model().tsv(self.selectionModel().selectedIndexes())

    def copy_selection(self) -> None:
        text = self.selection_tsv()
        if text:
            QGuiApplication.clipboard().setText(text)

    def _menu(self, pos) -> None:
        index = self.indexAt(pos)
        m: StatementModel = self.model()
        menu = QMenu(self)
        menu.addAction(self.copy_action)
        fid = m.fact_id(index) if m is not None else -1
        if fid >= 0:
            f = m.findings_for(fid)
            if len(f) and "fix_value" in f.columns and f["fix_value"].notna().any():
                act = menu.addAction("Apply suggested correction")
                act.triggered.connect(lambda: self.applyFixRequested.emit(fid))
            edit = menu.addAction("Edit value")
            edit.triggered.connect(lambda: self.edit(index))
        menu.exec(self.viewport().mapToGlobal(pos))
