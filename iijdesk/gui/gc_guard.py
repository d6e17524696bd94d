"""Python's cyclic garbage collector runs in the GUI thread only, once the window does work in
background threads.

Left alone, the collector runs in whichever thread happens to allocate when a threshold is
passed: a worker building the timeline or importing a release. If it then frees Qt objects
that belong to the GUI (a closed dialog's widgets in a reference cycle), their C++
destructors run in the worker: the worker holds a Qt object mutex and waits for the GIL,
while the GUI thread holds the GIL and waits for that mutex. Both hang for good (seen in the
test suite: a chart rebuild and a window teardown). The cure, known from pyqtgraph's
GarbageCollector: switch automatic collection off and collect from a timer in the GUI thread,
generation by generation, when Python's own thresholds say so. The old generation of a large
workspace is too big to scan while the user works: it is frozen (gc.freeze) and scanned when
the work pauses, or when the window asks (see the constants below).

`install()` is called wherever the GUI starts a background thread; it must run in the GUI
thread (the timer lives there).
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QTimer

# How often the GUI thread looks at the collector's counts: often, so each young collection
# has little to look at (one second of a busy import is a long pause for the window).
CHECK_INTERVAL_MS = 100
# The old generation is scanned again only once it has grown by this factor since the last
# full collection (CPython's own rule, which collecting by thresholds alone would not keep):
# until then its objects wait in the permanent generation (gc.freeze), unscanned. A workspace
# of a thousand releases holds millions of objects; scanning them all every few seconds froze
# the window for hundreds of milliseconds each time.
FULL_COLLECTION_GROWTH = 1.25
# The middle generation is collected after this many young collections (Python: 10): what
# survives a second of a busy import takes ~0.1 s to scan; a third of it, a third of that.
MIDDLE_EVERY = 3
# ... and only once allocation has been quiet this many checks in a row (no young generation
# over its threshold): a full scan of a large workspace takes long, so it waits for a pause
# in the work (an import running keeps allocating), never in the middle of it.
QUIET_CHECKS_FOR_FULL = 5
# ... and only while a full scan is short: past this many old objects (a scan takes about
# 0.1 s per million) the old generation is scanned only when the window asks (collect_all,
# where the user waits anyway: a release removed). What waits meanwhile
# is garbage in reference cycles only; everything else is freed as soon as it is dropped.
FULL_SCAN_MAX_OBJECTS = 1_000_000


class MainThreadCollector:
    def __init__(self, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        self.threshold = gc.get_threshold()
        self.old_objects = 0          # objects that survived the last full collection
        self.quiet = 0                # checks in a row that found nothing young to collect
        self.promoted = 0             # objects that survived a young collection since the last full one
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
            self.quiet = 0
            young = gc.collect(0)
            found += young
            self.promoted += max(0, g0 - young)     # at most this many grew older
            if g1 >= min(self.threshold[1], MIDDLE_EVERY):
                found += gc.collect(1)
                if g2 > self.threshold[2]:
                    gc.freeze()             # the old generation waits, unscanned
        else:
            self.quiet += 1
        if self.quiet == QUIET_CHECKS_FOR_FULL:      # once per pause
            # an upper estimate: counting the old objects (gc.get_freeze_count) walks them all
            old = self.old_objects + self.promoted
            if FULL_COLLECTION_GROWTH * self.old_objects < old <= FULL_SCAN_MAX_OBJECTS:
                found += self.collect_all()
        return found

    def collect_all(self) -> int:
        """A full collection, every generation and the objects waiting frozen."""
        gc.unfreeze()
        found = gc.collect()
        gc.freeze()
        self.old_objects, self.promoted = gc.get_freeze_count(), 0
        return found

    def stop(self) -> None:
        self.timer.stop()
        gc.unfreeze()
        gc.enable()


_COLLECTOR: MainThreadCollector | None = None


def install() -> MainThreadCollector | None:
    """Collect in the GUI thread from now on (idempotent). Without a Qt application there is
    no GUI thread to collect in, and nothing changes."""
    global _COLLECTOR
    if _COLLECTOR is None and QCoreApplication.instance() is not None:
        _COLLECTOR = MainThreadCollector()
    return _COLLECTOR


def collect_all() -> int:
    """A full collection now, in the GUI thread (after work that leaves much garbage)."""
    return _COLLECTOR.collect_all() if _COLLECTOR is not None else gc.collect()


def uninstall() -> None:
    """Back to automatic collection (tests, once no background thread runs any more)."""
    global _COLLECTOR
    if _COLLECTOR is not None:
        _COLLECTOR.stop()
        _COLLECTOR = None
        gc.collect()
