"""Stopping long work from outside: a Cancel button, or a time limit for one file or rule.

Extraction and the checks are plain Python loops that know nothing of cancelling, and a
hostile file can keep them busy for many minutes. `run_interruptible(fn, token, time_limit)`
calls `fn()` so that `token.cancel()` (from any thread) or the end of the time limit raises
`Cancelled` or `TooSlow` inside it, in the thread running it, at the next Python bytecode it
runs (CPython's asynchronous exceptions, delivered by a watchdog thread).

Both are BaseExceptions, like KeyboardInterrupt, so code that catches Exception to survive a
bad table cannot swallow them; the watchdog asks again every REPEAT_S while `fn` runs. Nothing
is raised once `run_interruptible` has returned: the request and the end of the call are
ordered by a lock, and a request not delivered yet is withdrawn. `fn` must leave no shared
state half-changed when it is interrupted: build results in local objects, publish them after.

A call busy in one long C function (a regular expression, a numpy operation) is interrupted
when that function returns.
"""
from __future__ import annotations

import ctypes
import threading
import time
from typing import Callable, TypeVar

T = TypeVar("T")

# How often the watchdog looks at the token and the clock, and how long it waits before asking
# again when the first request was swallowed.
POLL_S = 0.05
REPEAT_S = 1.0


class Interrupted(BaseException):
    """Long work was stopped from outside; `str()` says why, for the user."""


class Cancelled(Interrupted):
    """The user cancelled."""


class TooSlow(Interrupted):
    """The work went over its time limit."""


class CancelToken:
    """Shared by the code that asks to stop (a Cancel button) and the work that stops."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self, what: str = "the work") -> None:
        """Raise Cancelled if cancelling was asked for (for loops that can look themselves)."""
        if self._event.is_set():
            raise Cancelled(f"{what}: cancelled")


def _set_async_exc(thread_id: int, exc) -> int:
    return ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None)


class _Watch:
    """One run_interruptible call the watchdog looks after."""
    __slots__ = ("tid", "token", "deadline", "cancelled", "too_slow", "asked", "finished")

    def __init__(self, tid, token, deadline, cancelled, too_slow) -> None:
        self.tid, self.token, self.deadline = tid, token, deadline
        self.cancelled, self.too_slow = cancelled, too_slow
        self.asked = 0.0
        self.finished = False


# One watchdog thread for every call (a thread per call costs more than a short rule takes,
# and the checks make one call per rule per release). _lock orders its look-and-request
# against the end of a call.
_lock = threading.Lock()
_active: set[_Watch] = set()
_wake = threading.Event()
_watchdog: threading.Thread | None = None


def _watch_forever() -> None:
    while True:
        with _lock:
            idle = not _active
            if idle:
                _wake.clear()
        if idle:
            _wake.wait()
        time.sleep(POLL_S)
        with _lock:
            now = time.monotonic()
            for w in _active:
                if w.finished:
                    continue
                if w.token is not None and w.token.cancelled:
                    exc = w.cancelled
                elif w.deadline is not None and now > w.deadline:
                    exc = w.too_slow
                else:
                    continue
                if now - w.asked >= REPEAT_S:
                    _set_async_exc(w.tid, exc)
                    w.asked = now


def run_interruptible(fn: Callable[[], T], token: CancelToken | None = None,
                      time_limit: float | None = None, what: str = "the work") -> T:
    """`fn()`, stopped with Cancelled when `token` is cancelled and with TooSlow after
    `time_limit` seconds. With neither, just `fn()`."""
    global _watchdog
    if token is not None:
        token.check(what)
    if token is None and not time_limit:
        return fn()
    deadline = time.monotonic() + time_limit if time_limit else None

    class _Cancelled(Cancelled):
        def __str__(self) -> str:
            return f"{what}: cancelled"

    class _TooSlow(TooSlow):
        def __str__(self) -> str:
            return f"{what}: stopped after {time_limit:g} s (too slow)"

    w = _Watch(threading.get_ident(), token, deadline, _Cancelled, _TooSlow)
    with _lock:
        _active.add(w)
        if _watchdog is None or not _watchdog.is_alive():
            _watchdog = threading.Thread(target=_watch_forever, name="iijdesk-interrupt", daemon=True)
            _watchdog.start()
        _wake.set()
    try:
        return fn()
    finally:
        w.finished = True        # first thing (no call here to interrupt)
        with _lock:              # the watchdog is not between its look and its request
            _active.discard(w)
            _set_async_exc(w.tid, None)    # withdraw a request not delivered yet
