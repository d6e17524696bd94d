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


def run_interruptible(fn: Callable[[], T], token: CancelToken | None = None,
                      time_limit: float | None = None, what: str = "the work") -> T:
    """`fn()`, stopped with Cancelled when `token` is cancelled and with TooSlow after
    `time_limit` seconds. With neither, just `fn()`."""
    if token is not None:
        token.check(what)
    if token is None and not time_limit:
        return fn()
    tid = threading.get_ident()
    lock = threading.Lock()
    finished = [False]           # set first thing in `finally` (no call there to interrupt)
    deadline = time.monotonic() + time_limit if time_limit else None

    class _Cancelled(Cancelled):
        def __str__(self) -> str:
            return f"{what}: cancelled"

    class _TooSlow(TooSlow):
        def __str__(self) -> str:
            return f"{what}: stopped after {time_limit:g} s (too slow)"

    def watch() -> None:
        asked = 0.0
        while True:
            time.sleep(POLL_S)
            with lock:
                if finished[0]:
                    return
                if token is not None and token.cancelled:
                    exc = _Cancelled
                elif deadline is not None and time.monotonic() > deadline:
                    exc = _TooSlow
                else:
                    continue
                now = time.monotonic()
                if now - asked >= REPEAT_S:
                    _set_async_exc(tid, exc)
                    asked = now

    try:
        threading.Thread(target=watch, name="iijdesk-interrupt", daemon=True).start()
        return fn()
    finally:
        finished[0] = True
        with lock:               # the watchdog is not between its look and its request
            _set_async_exc(tid, None)      # withdraw a request not delivered yet
