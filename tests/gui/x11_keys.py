"""Run under a real X server (xcb): the window's shortcuts and whether both redo keys redo.

Offscreen Qt uses the Windows key scheme (Redo = Ctrl+Y first), so a key bound twice on
X11 (where the platform's Redo is Ctrl+Shift+Z) only shows under xcb. Prints JSON."""
import json
import sys

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QUndoCommand
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication


class Count(QUndoCommand):
    n = 0

    def redo(self):
        Count.n += 1

    def undo(self):
        Count.n -= 1


def main() -> None:
    app = QApplication([])
    from iijdesk.gui.main_window import MainWindow
    w = MainWindow(settings=QSettings(sys.argv[1], QSettings.IniFormat))
    w.quiet = True
    w.show()
    w.activateWindow()
    QTest.qWaitForWindowActive(w, 5000)
    out = {"platform": QApplication.platformName(), "active": w.isActiveWindow(), "keys": {}}
    for act in w.findChildren(QAction):
        for k in act.shortcuts():
            out["keys"].setdefault(k.toString(), []).append(act.text())
    w.undo_stack.push(Count("count"))
    out["redone"] = {}
    for name, key, mods in (("Ctrl+Shift+Z", Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier),
                            ("Ctrl+Y", Qt.Key_Y, Qt.ControlModifier)):
        w.undo_stack.undo()
        before = Count.n
        QTest.keyClick(w.view, key, mods)
        app.processEvents()
        out["redone"][name] = Count.n == before + 1
    print(json.dumps(out))
    w.close()


if __name__ == "__main__":
    main()
