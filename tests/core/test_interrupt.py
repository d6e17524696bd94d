"""Long work stopped from outside: by a token (Cancel) or a time limit, and never afterwards."""
import threading
import time

import pytest

from iijdesk.core.interrupt import CancelToken, Cancelled, Interrupted, TooSlow, run_interruptible


def busy(seconds=30.0, swallow=False):
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        try:
            n += sum(range(100))
        except Exception:          # code that survives bad input must not survive a cancel
            if swallow:
                continue
    return n


def test_a_time_limit_stops_a_busy_loop():
    t = time.monotonic()
    with pytest.raises(TooSlow, match="stopped after 0.3 s"):
        run_interruptible(busy, time_limit=0.3, what="big.txt")
    assert time.monotonic() - t < 3


def test_cancel_from_another_thread_stops_it_even_through_except_exception():
    token = CancelToken()
    threading.Timer(0.2, token.cancel).start()
    t = time.monotonic()
    with pytest.raises(Cancelled, match="big.txt: cancelled"):
        run_interruptible(lambda: busy(swallow=True), token=token, what="big.txt")
    assert time.monotonic() - t < 3
    with pytest.raises(Cancelled):          # a cancelled token stops the next call at once
        run_interruptible(lambda: 1, token=token)


def test_work_that_finishes_in_time_returns_and_nothing_is_raised_afterwards():
    for _ in range(200):                    # ends right around the limit, many times
        try:
            run_interruptible(lambda: busy(0.001), time_limit=0.001)
        except Interrupted:
            pass
        busy(0.0005)                        # no request left over lands here
    assert run_interruptible(lambda: 42, token=CancelToken(), time_limit=5) == 42
    time.sleep(0.2)
    busy(0.1)


def test_no_token_and_no_limit_is_a_plain_call():
    assert run_interruptible(lambda: "x") == "x"
