"""Python's cyclic garbage collector runs in the GUI thread only, once the window does work in
background threads.

Left alone, the collector runs in whichever thread happens to allocate when a threshold is
passed: a worker building the timeline or importing a release. If it then frees Qt objects
that belong to the GUI (a closed dialog's widgets in a reference cycle), their C++
destructors run in the worker: the worker holds a Qt object mutex and waits for the GIL,
while the GUI thread holds the GIL and waits for that mutex. Both hang for good (seen in the
test suite: a chart rebuild and a window teardown). The cure, known from pyqtgraph's
GarbageCollector: switch automatic collection off and collect from a timer in the GUI thread,
generation by generation, when Python's own thresholds say so.

`install()` is called wherever the GUI starts a background thread; it must run in the GUI
thread (the timer lives there).
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QTimer

CHECK_INTERVAL_MS = 1000      # how often the GUI thread looks at the collector's counts


class MainThreadCollector:
    def __init__(self, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        self.threshold = gc.get_threshold()
        self.timer = QTimer()
        self.timer.timeout.connect(self.check)
        gc.disable()
        self.timer.start(interval_ms)

    def check(self) -> int:
        """Collect the generations whose counts passed Python's thresholds; returns how many
        unreachable objects were found."""
        found = 0
        g0, g1, g2 = gc.get_count()
        if g0 > self.threshold[0]:
            found += gc.collect(0)
            if g1 > self.threshold[1]:
                found += gc.collect(1)
                if g2 > self.threshold[2]:
                    found += gc.collect(2)
        return found

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()


_COLLECTOR: MainThreadCollector | None = None


def install() -> MainThreadCollector | None:
    """Collect in the GUI thread from now on (idempotent). Without a Qt application there is
    no GUI thread to collect in, and nothing changes."""
    global _COLLECTOR
    if _COLLECTOR is None and QCoreApplication.instance() is not None:
        _COLLECTOR = MainThreadCollector()
    return _COLLECTOR


def uninstall() -> None:
    """Back to automatic collection (tests, once no background thread runs any more)."""
    global _COLLECTOR
    if _COLLECTOR is not None:
        _COLLECTOR.stop()
        _COLLECTOR = None
        gc.collect()
