"""Small widgets that keep the window's layout still: text that never widens its panel.

A plain QLabel asks for the width of its whole text, so a long row label or file name shown in
a dock makes the dock (and the window) wider the moment it is shown. These ask for a small
width and cut or wrap the text to the room they are given; the whole text is in the tooltip.
"""
from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QComboBox, QLabel, QSizePolicy

MIN_TEXT_WIDTH = 40           # px: what a label or combo box asks for at the least
POPUP_MAX_WIDTH = 900         # px: a combo's list may be wider than the box, up to this
POPUP_MARGIN = 40             # px: scroll bar and frame of the list


class ElidedLabel(QLabel):
    """One line of plain text, cut with "…" to the width the layout gives it."""

    def __init__(self, text: str = "", parent=None, mode=Qt.ElideRight) -> None:
        super().__init__(parent)
        self._full = ""
        self._mode = mode
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.setTextFormat(Qt.PlainText)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt API)
        self._full = str(text or "")
        self.setToolTip(self._full)
        self._elide()

    def text(self) -> str:
        """The whole text, not the cut one on screen."""
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(MIN_TEXT_WIDTH, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(MIN_TEXT_WIDTH, super().sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = max(0, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self._full, self._mode, room) if room else ""
        if super().text() != shown:
            super().setText(shown)


def wrapping_label(text: str = "") -> QLabel:
    """A label that wraps its text to the width it gets and never asks for more."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setMinimumWidth(1)
    label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
    return label


def narrow_combo(min_chars: int) -> QComboBox:
    """A combo box as wide as `min_chars` characters at the least, wider if there is room; its
    list opens wide enough to read the items (see `fit_popup`)."""
    box = QComboBox()
    box.setMinimumContentsLength(min_chars)
    box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    box.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
    box.view().setTextElideMode(Qt.ElideRight)
    box.currentTextChanged.connect(box.setToolTip)
    return box


def fit_popup(box: QComboBox) -> None:
    """Let the box's list be as wide as its longest item (within POPUP_MAX_WIDTH)."""
    view = box.view()
    widest = view.sizeHintForColumn(0) + POPUP_MARGIN
    view.setMinimumWidth(min(POPUP_MAX_WIDTH, widest))


class ClampedLabel(QLabel):
    """A bold lead ("error") and a message, wrapped to the label's width and cut with "…"
    where it would run past the label's height: never a half line, never a wider panel.
    The whole message is in the tooltip."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._lead, self._message = "", ""
        self.setWordWrap(True)
        self.setTextFormat(Qt.RichText)
        self.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.setMinimumWidth(1)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Ignored)

    def set_parts(self, lead: str, message: str) -> None:
        if (lead, message) == (self._lead, self._message):
            return
        self._lead, self._message = str(lead or ""), str(message or "")
        self.setToolTip(self.plain_text())
        self._fit()

    def plain_text(self) -> str:
        return ": ".join(x for x in (self._lead, self._message) if x)

    def text(self) -> str:
        """The whole text (lead and message), not the cut one on screen."""
        return self.plain_text()

    def shown_text(self) -> str:
        return super().text()

    def _html(self, message: str) -> str:
        lead = f"<b>{html.escape(self._lead)}</b>" if self._lead else ""
        return ": ".join(x for x in (lead, html.escape(message)) if x)

    def _fits(self, markup: str, width: int, height: int) -> bool:
        doc = QTextDocument()
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(0)
        doc.setHtml(markup)
        doc.setTextWidth(width)
        return doc.size().height() <= height

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if not self._lead and not self._message:
            super().setText("")
            return
        r = self.contentsRect()
        width, height = r.width(), r.height()
        markup = self._html(self._message)
        if width <= 0 or height <= 0 or self._fits(markup, width, height):
            super().setText(markup)
            return
        words = self._message.split(" ")
        lo, hi = 0, len(words)             # the most words that fit, with "…" after them
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._fits(self._html(" ".join(words[:mid]) + " …"), width, height):
                lo = mid
            else:
                hi = mid - 1
        super().setText(self._html(" ".join(words[:lo]) + " …"))
