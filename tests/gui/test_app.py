"""Start-up pieces: palettes follow the system's colour scheme; the PySide6 refcount guard."""
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

import iijdesk.gui as gui
from iijdesk.gui.app import apply_palette, dark_palette


class _Hints:
    def __init__(self, scheme):
        self.scheme = scheme

    def colorScheme(self):
        return self.scheme


class _App:
    """Just what apply_palette asks of the application."""

    def __init__(self, scheme):
        self.hints, self.palette = _Hints(scheme), None

    def styleHints(self):
        return self.hints

    def style(self):
        return QApplication.style()

    def setPalette(self, p):
        self.palette = p


def test_dark_system_gets_the_dark_palette_and_light_the_standard_one(qapp):
    dark, light = _App(Qt.ColorScheme.Dark), _App(Qt.ColorScheme.Light)
    apply_palette(dark)
    apply_palette(light)
    assert dark.palette.color(QPalette.Window).lightness() < 80
    assert dark.palette.color(QPalette.Text).lightness() > 180
    assert light.palette.color(QPalette.Window).lightness() > 180
    assert dark_palette().color(QPalette.Base) != light.palette.color(QPalette.Base)


def test_refcount_guard_only_where_the_binding_leaks():
    import sys
    if sys.version_info >= (3, 12):
        assert gui.PYSIDE_REFCOUNT_GUARD is False
    else:
        # Whether or not the guard was needed, None must not be running out of references.
        from PySide6.QtCore import QObject
        o = QObject()
        before = sys.getrefcount(None)
        for _ in range(100):
            o.setObjectName("x")
        assert gui.PYSIDE_REFCOUNT_GUARD or before - sys.getrefcount(None) < 50
