"""Local worker processes that cost only their own documents when they die, and die with their parent.

A worker can be killed from outside (the out-of-memory killer picks the biggest process,
which is a worker holding a huge document). `concurrent.futures` then breaks the whole pool:
every chunk in flight fails with `BrokenProcessPool`, not only the one that was running in
the dead worker. So a chunk whose pool broke is not judged at once: it is processed again,
alone, in a fresh one-process pool. A chunk that was only collateral damage comes out as it
would have; a chunk that kills its worker again ends with each of its documents `failed`,
with a reason that says what happened. Other chunks are sent to a new pool.

The other way round, a worker must not outlive the run: after `kill -9` of the main process
its workers (about 200 MB each, with the model) would otherwise live on. On Linux the
kernel kills a worker when its parent dies (`prctl(PR_SET_PDEATHSIG)`); elsewhere a thread
watches the parent and exits the worker when it is gone. Workers also ignore Ctrl-C: the
terminal sends SIGINT to the whole process group, and the main process alone decides how a
run stops (see `cli`), without a traceback from every worker.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pipeline.errors import DocumentFailure, ErrorCode
from pipeline.reader import InputRef
from pipeline.runner import Outcome

_PR_SET_PDEATHSIG = 1
# How often the fallback watcher looks for its parent (where prctl is not available).
_WATCH_SECONDS = 1.0

T = TypeVar("T")


def die_with_parent(parent_pid: int) -> None:
    """Make this (worker) process end when `parent_pid` ends, and ignore Ctrl-C.

    Call it first thing in a worker process.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not _kill_me_with_parent():
        threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="parent-watch").start()
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def _kill_me_with_parent() -> bool:
    """Ask the Linux kernel to send SIGKILL when the parent ends; False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


def new_pool(workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> ProcessPoolExecutor:
    """A pool of `workers` spawned processes (see `executors` for why spawn)."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=initializer,
        initargs=initargs,
    )


class RecoveringChunk:
    """The outcomes of one chunk sent to a pool, processed again alone if its pool broke.

    Args:
        future: The chunk's future in the shared pool.
        refs: The chunk's documents.
        alone: Processes the chunk in a fresh one-process pool and returns the raw result
            (raising `BrokenProcessPool` if that worker dies too).
        unwrap: Turns a raw result into outcomes (raising a run-level error it carries).
    """

    def __init__(
        self,
        future: Future[T],
        refs: Sequence[InputRef],
        alone: Callable[[Sequence[InputRef]], T],
        unwrap: Callable[[T], list[Outcome]],
    ) -> None:
        self._future: Future[Any] = future
        self._refs = tuple(refs)
        self._alone: Callable[[Sequence[InputRef]], Any] = alone
        self._unwrap: Callable[[Any], list[Outcome]] = unwrap
        self._outcomes: list[Outcome] | None = None

    def outcomes(self) -> list[Outcome]:
        """The chunk's outcomes, in order (computed once)."""
        if self._outcomes is None:
            try:
                value = self._future.result()
            except (BrokenProcessPool, CancelledError):  # its pool broke (or was let go, broken)
                value = self._again()
            self._outcomes = self._unwrap(value)
        return self._outcomes

    def _again(self) -> Any:
        try:
            return self._alone(self._refs)
        except BrokenProcessPool:
            reason = (
                f"the worker process died twice while processing this chunk of {len(self._refs)} documents"
                " (killed from outside, e.g. by the out-of-memory killer); each document of the chunk fails"
            )
            failure = DocumentFailure(code=ErrorCode.WORKER_DIED, stage="worker", message=reason)
            return [Outcome(ref, None, error=failure) for ref in self._refs]


def run_alone(
    initializer: Callable[..., None], initargs: tuple[Any, ...], task: Callable[[tuple[InputRef, ...]], T]
) -> Callable[[Sequence[InputRef]], T]:
    """A function that processes a chunk in a fresh one-process pool and waits for the result."""

    def alone(refs: Sequence[InputRef]) -> T:
        with new_pool(1, initializer, initargs) as pool:
            return pool.submit(task, tuple(refs)).result()

    return alone
