"""A per-document time limit, so that one pathological input cannot stall a batch.

The limit uses the interval timer of the process (`signal.setitimer(ITIMER_REAL)`): when
it expires, the `SIGALRM` handler raises `TimeLimitExceeded` in the main thread, wherever
the document's processing is. Python runs signal handlers between bytecodes, so the limit
is observed as soon as control returns to Python: one long call inside a C extension (a
single regular-expression match, one lxml parse) finishes first, and a blocking read of
a file is interrupted at once.

Signals only reach the main thread. In any other thread (a Dask worker runs its tasks in
threads) a watcher thread raises the same exception in the limited thread through
CPython's `PyThreadState_SetAsyncExc`, which is observed at the same points as a signal
handler (between bytecodes): the limit holds under every executor, and the output of a Dask
run is the same as a local one. Where neither is possible (no `setitimer` in the main thread
of a platform without it) the work runs without a limit and `TimeLimit.enforced` says so.
"""

from __future__ import annotations

import ctypes
import platform
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

# Library code sometimes catches `Exception` broadly; if the first alarm is swallowed that
# way, the timer fires again at this interval until the exception gets out.
_REPEAT_SECONDS = 0.5


class TimeLimitExceeded(BaseException):
    """Processing one document took longer than its time limit.

    It derives from `BaseException`, like `KeyboardInterrupt`, so that the broad
    `except Exception` blocks of libraries do not swallow it; the runner catches it by name.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:g} s (time limit)")
        self.seconds = seconds


@dataclass(frozen=True)
class TimeLimit:
    """What `time_limit` put in place: `enforced` is False where no timer could be set."""

    seconds: float
    enforced: bool


def can_enforce() -> bool:
    """Tell whether a time limit can be enforced here (a signal in the main thread, else a watcher thread)."""
    return _can_signal() or _can_raise_in_thread()


def _can_signal() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _can_raise_in_thread() -> bool:
    return platform.python_implementation() == "CPython" and threading.current_thread() is not threading.main_thread()


@contextmanager
def time_limit(seconds: float) -> Iterator[TimeLimit]:
    """Raise `TimeLimitExceeded` in the block once `seconds` of wall-clock time have passed.

    The previous `SIGALRM` handler and timer are restored on exit, so limits do not leak
    into the code that follows (or into a caller's own alarm).

    Args:
        seconds: The limit, greater than 0.

    Yields:
        Whether the limit is enforced; when it cannot be (see `can_enforce`), the block
        runs without one.

    Raises:
        TimeLimitExceeded: The block ran out of time.
    """
    if seconds <= 0:
        raise ValueError(f"a time limit must be positive, not {seconds}")
    if not _can_signal():
        if _can_raise_in_thread():
            with _thread_time_limit(seconds) as limit:
                yield limit
        else:
            yield TimeLimit(seconds, enforced=False)
        return

    armed = [True]

    def expire(signum: int, frame: FrameType | None) -> None:
        # Once the block is over, a late alarm must not raise in the code after it.
        if armed[0]:
            raise TimeLimitExceeded(seconds)

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, expire)
    previous_delay, _previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT_SECONDS)
    try:
        yield TimeLimit(seconds, enforced=True)
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay > 0:
            # An outer alarm keeps its own deadline.
            signal.setitimer(signal.ITIMER_REAL, max(previous_delay - (time.monotonic() - started), 0.001))


@contextmanager
def _thread_time_limit(seconds: float) -> Iterator[TimeLimit]:
    """`time_limit` for a thread other than the main one: a watcher raises in it when time is up."""

    class Expired(TimeLimitExceeded):
        # SetAsyncExc raises a class, instantiated without arguments.
        def __init__(self) -> None:
            super().__init__(seconds)

    target = threading.get_ident()
    lock = threading.Lock()
    armed = [True]
    over = threading.Event()

    def watch() -> None:
        delay = seconds
        while not over.wait(delay):
            with lock:
                if not armed[0]:
                    return
                _raise_in_thread(target, Expired)
            delay = _REPEAT_SECONDS  # again, in case the first was swallowed

    watcher = threading.Thread(target=watch, daemon=True, name="time-limit")
    watcher.start()
    try:
        yield TimeLimit(seconds, enforced=True)
    finally:
        # Disarm even if the exception arrives while disarming: nothing may raise after the block.
        while True:
            try:
                with lock:
                    armed[0] = False
                    _raise_in_thread(target, None)  # drop an exception set but not raised yet
                over.set()
                break
            except TimeLimitExceeded:
                continue


def _raise_in_thread(thread_id: int, exception: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )
