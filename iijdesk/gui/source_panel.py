"""The release's original text with line numbers; the selected fact's line and number marked."""
from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPainter, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from iijdesk.core.workspace import Workspace
from iijdesk.gui.widgets import ElidedLabel

TAB_STOP_CHARS = 8
LINE_MARK = QColor(255, 215, 0, 70)
SPAN_MARK = QColor(255, 140, 0, 150)


class _Gutter(QWidget):
    def __init__(self, editor: "SourceText") -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event) -> None:
        self.editor.paint_gutter(event)


class SourceText(QPlainTextEdit):
    lineClicked = Signal(int)       # 1-based line the user put the cursor on

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * TAB_STOP_CHARS)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self._gutter = _Gutter(self)
        self._programmatic = False
        self.blockCountChanged.connect(self._update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self.cursorPositionChanged.connect(self._cursor_moved)
        self._update_gutter_width()

    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 10 + self.fontMetrics().horizontalAdvance("9") * digits

    def _update_gutter_width(self, *_):
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _update_gutter(self, rect, dy) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        cr = self.contentsRect()
        self._gutter.setGeometry(QRect(cr.left(), cr.top(), self.gutter_width(), cr.height()))

    def paint_gutter(self, event) -> None:
        p = QPainter(self._gutter)
        pal = self.palette()
        p.fillRect(event.rect(), pal.alternateBase())
        p.setPen(pal.placeholderText().color())
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        h = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible():
                p.drawText(0, top, self._gutter.width() - 4, h, Qt.AlignRight, str(block.blockNumber() + 1))
            top += round(self.blockBoundingRect(block).height())
            block = block.next()

    def _cursor_moved(self) -> None:
        if not self._programmatic:
            self.lineClicked.emit(self.textCursor().blockNumber() + 1)

    def mark(self, line: int, start: int | None = None, end: int | None = None) -> None:
        """Scroll to 1-based `line`, mark it, and mark the printed number's span in it."""
        block = self.document().findBlockByNumber(line - 1)
        if not block.isValid():
            return
        sels = []
        whole = QTextEdit.ExtraSelection()
        whole.format.setBackground(LINE_MARK)
        whole.format.setProperty(QTextFormat.FullWidthSelection, True)
        whole.cursor = QTextCursor(block)
        sels.append(whole)
        if start is not None and end is not None and 0 <= start < end <= block.length():
            span = QTextEdit.ExtraSelection()
            span.format.setBackground(SPAN_MARK)
            span.format.setFontWeight(QFont.Bold)
            c = QTextCursor(block)
            c.setPosition(block.position() + start)
            c.setPosition(block.position() + end, QTextCursor.KeepAnchor)
            span.cursor = c
            sels.append(span)
        self.setExtraSelections(sels)
        self._programmatic = True
        try:
            c = QTextCursor(block)
            if end is not None and 0 < end <= block.length():
                # Scroll sideways as far as the printed number, then back to show its line start
                # when the number fits in view.
                c.setPosition(block.position() + end)
                self.setTextCursor(c)
                self.centerCursor()
                if start is not None:
                    c.setPosition(block.position() + start)
                    self.setTextCursor(c)
                    self.ensureCursorVisible()
            else:
                self.setTextCursor(c)
                self.centerCursor()
        finally:
            self._programmatic = False

    def marked_line(self) -> int:
        sels = self.extraSelections()
        return sels[0].cursor.blockNumber() + 1 if sels else 0


class SourcePanel(QWidget):
    lineActivated = Signal(str, int)        # doc name, 1-based line

    def __init__(self, workspace: Workspace, parent=None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.doc = ""
        # cut to the panel's width: a long row label must not widen the panel
        self.title = ElidedLabel("Select a cell to see where it was printed")
        self.text = SourceText()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.title)
        lay.addWidget(self.text)
        self.text.lineClicked.connect(self._clicked)

    def show_document(self, name: str) -> None:
        if name == self.doc:
            return
        doc = self.ws.documents.get(name)
        self.doc = name if doc is not None else ""
        self.text._programmatic = True
        try:
            self.text.setPlainText(doc.text if doc is not None else "")
        finally:
            self.text._programmatic = False
        self.title.setText(name)

    def show_fact(self, fact_id: int) -> None:
        facts = self.ws.facts
        if fact_id not in facts.index:
            return
        row = facts.loc[fact_id]
        self.show_document(str(row["doc"]))
        line = int(row["line"])
        self.text.mark(line, _int_or_none(row["start"]), _int_or_none(row["end"]))
        self.title.setText(f"{row['doc']} — line {line}: {row['row_label']} · printed “{row['printed']}”")

    def refresh(self) -> None:
        if self.doc and self.doc not in self.ws.documents:
            self.doc = "__gone__"
            self.show_document("")

    def marked_line(self) -> int:
        return self.text.marked_line()

    def current_line_text(self) -> str:
        n = self.text.marked_line()
        doc = self.ws.documents.get(self.doc)
        return doc.line(n) if doc is not None and n else ""

    def _clicked(self, line: int) -> None:
        if self.doc:
            self.lineActivated.emit(self.doc, line)


def _int_or_none(v):
    try:
        return None if v is None or pd.isna(v) else int(v)
    except (TypeError, ValueError):
        return None
