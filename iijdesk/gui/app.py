"""Start the window: `run_app(files)` is what `iijdesk [FILE...]` calls."""
from __future__ import annotations

import gc
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

APP_NAME = "iijdesk"


def dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor(30, 30, 32), QColor(45, 45, 48), QColor(225, 225, 225)
    for role, color in [
        (QPalette.Window, window), (QPalette.WindowText, text), (QPalette.Base, base),
        (QPalette.AlternateBase, QColor(38, 38, 41)), (QPalette.ToolTipBase, QColor(60, 60, 64)),
        (QPalette.ToolTipText, text), (QPalette.Text, text), (QPalette.Button, window),
        (QPalette.ButtonText, text), (QPalette.BrightText, QColor(255, 90, 90)),
        (QPalette.Highlight, QColor(42, 130, 218)), (QPalette.HighlightedText, QColor(255, 255, 255)),
        (QPalette.Link, QColor(100, 160, 255)), (QPalette.PlaceholderText, QColor(140, 140, 140)),
        (QPalette.Mid, QColor(90, 90, 95)),
    ]:
        p.setColor(role, color)
    p.setColor(QPalette.Disabled, QPalette.Text, QColor(120, 120, 120))
    p.setColor(QPalette.Disabled, QPalette.ButtonText, QColor(120, 120, 120))
    return p


def apply_palette(app: QApplication) -> None:
    """Light or dark, as the system says; follows the system when it changes."""
    hints = app.styleHints()
    dark = hasattr(hints, "colorScheme") and hints.colorScheme() == Qt.ColorScheme.Dark
    app.setPalette(dark_palette() if dark else app.style().standardPalette())


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else APP_NAME] + list(argv or []))
        app.setStyle("Fusion")
        apply_palette(app)
        hints = app.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(lambda *_: apply_palette(app))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    _set_icon(app)
    return app


def _set_icon(app: QApplication) -> None:
    """The window icon from resources/ (PyInstaller sets none on Linux); the .desktop name."""
    try:
        from PySide6.QtGui import QGuiApplication, QIcon

        from iijdesk.selftest import resource_dir
        icon = resource_dir() / "icons" / "iijdesk.png"
        if icon.exists():
            app.setWindowIcon(QIcon(str(icon)))
        QGuiApplication.setDesktopFileName("iijdesk")
    except Exception:   # an icon is never worth failing the start
        pass


def run_app(argv: list[str]) -> int:
    """Open the window; `argv` are release files or folders to import at once."""
    app = make_app()
    from iijdesk.gui.main_window import MainWindow

    try:
        from iijdesk.core.workspace_io import default_recovery_path
        recovery = default_recovery_path()
    except ImportError:
        recovery = None
    win = MainWindow(recovery_path=recovery)
    win.show()
    files = [a for a in argv if not a.startswith("-")]
    if files:
        win.import_paths(files)
    code = app.exec()
    # Tear the window down while Qt is still alive (chart items otherwise die in the
    # interpreter's final garbage collection, after their C++ side).
    win.close()
    win.deleteLater()
    app.processEvents()
    del win
    gc.collect()
    return code
