"""Garbage is collected in the GUI thread only, while workers run Python code (gc_guard)."""
from __future__ import annotations

import gc
import threading
import weakref

from iijdesk.gui import gc_guard
from iijdesk.gui.workers import Worker


class _Node:
    pass


def test_a_cycle_is_collected_in_the_gui_thread_while_a_worker_allocates(qtbot):
    collected_in = []

    def garbage_cycle():
        a, b = _Node(), _Node()
        a.other, b.other = b, a
        weakref.finalize(a, lambda: collected_in.append(threading.current_thread().name))

    def allocate(progress):
        # enough new containers to pass the collector's first threshold hundreds of times,
        # kept alive (returned) so the count stays over it until the GUI thread collects
        return [[i] for i in range(300_000)]

    worker = Worker()
    garbage_cycle()
    with qtbot.waitSignal(worker.done, timeout=30000) as done:
        assert worker.start(allocate)
    assert not gc.isenabled()                       # switched off once a worker started
    qtbot.waitUntil(lambda: bool(collected_in), timeout=5000)
    assert collected_in == [threading.main_thread().name]
    assert len(done.args[0]) == 300_000


def test_the_collector_follows_pythons_thresholds(qapp):
    collector = gc_guard.install()
    assert collector is not None and not gc.isenabled()
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    ref = weakref.ref(a)
    del a, b
    junk = [[i] for i in range(gc.get_threshold()[0] * 2)]    # gen 0 over its threshold
    assert collector.check() >= 2 and ref() is None
    del junk
