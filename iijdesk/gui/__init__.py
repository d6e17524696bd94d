"""The PySide6 window. It presents and edits the core's Workspace; it never parses releases.

PySide6 6.12.0 on Python < 3.12 drops a reference to None (and True/False) on every call of a
Qt function that returns void/bool, so any long session ends in "Fatal Python error:
none_dealloc". Where that bug is present we give those three singletons a huge reference
count (what Python 3.12 does by making them immortal). Prefer PySide6 != 6.12.0.
"""
from __future__ import annotations

import sys

_RESERVE = 1 << 40      # references added to None/True/False where the binding leaks them


def _guard_singleton_refcounts() -> bool:
    if sys.version_info >= (3, 12):
        return False                        # immortal there
    try:
        from PySide6.QtCore import QObject
    except ImportError:
        return False
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(64):
        probe.setObjectName("probe")        # returns void
    if before - sys.getrefcount(None) < 32:
        return False
    import ctypes
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _RESERVE
    return True


PYSIDE_REFCOUNT_GUARD = _guard_singleton_refcounts()
