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


def _old_cycle():
    """A reference cycle that became garbage after it reached the old generation."""
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    ref = weakref.ref(a)
    holder = [a]
    del a, b
    gc.collect(1)                 # the cycle, still held, is old now
    gc.freeze()                   # as the collector does with the old generation while busy
    del holder
    return ref


def test_old_garbage_waits_for_a_pause_in_the_work_then_goes(qapp, monkeypatch):
    """Old objects are not scanned while the work allocates (a full scan of a large
    workspace freezes the window); once allocation has paused, a full collection frees old
    cycles too."""
    monkeypatch.setattr(gc_guard, "FULL_SCAN_MAX_OBJECTS", 10 ** 9)
    collector = gc_guard.install()
    monkeypatch.setattr(collector, "old_objects", 0)    # the old generation has grown since
    ref = _old_cycle()
    junk = [[i] for i in range(gc.get_threshold()[0] * 2)]    # busy: young objects
    collector.check()
    assert ref() is not None      # not scanned while the work allocates
    del junk
    for _ in range(gc_guard.QUIET_CHECKS_FOR_FULL + 1):
        collector.check()
    assert ref() is None


def test_a_large_old_generation_is_scanned_only_when_the_window_asks(qapp, monkeypatch):
    monkeypatch.setattr(gc_guard, "FULL_SCAN_MAX_OBJECTS", 0)
    collector = gc_guard.install()
    ref = _old_cycle()
    for _ in range(gc_guard.QUIET_CHECKS_FOR_FULL + 1):
        collector.check()
    assert ref() is not None
    gc_guard.collect_all()
    assert ref() is None
