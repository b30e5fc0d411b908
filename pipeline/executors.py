"""Where documents are processed: in this process, in a pool of local processes, or on a Dask cluster.

Every executor runs the same unit of work, a chunk of documents through
`Pipeline.process_many(refs) -> [Outcome]` (see `_Chunks`), with one `Pipeline` (and so one
spaCy model) per worker process, and hands back results per document through `in_order`,
which keeps a bounded window of documents in flight and yields them in the order they
were submitted (id order). The output is therefore the same bytes whatever
executor and number of workers produced it, and memory does not grow with the corpus.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from pipeline.config import PipelineConfig
from pipeline.errors import ErrorCode, PipelineError
from pipeline.reader import InputRef
from pipeline.runner import Outcome, Pipeline
from pipeline.stages.base import NO_FACTS, BatchFacts
from pipeline.workers import RecoveringChunk, die_with_parent, new_pool, run_alone

if TYPE_CHECKING:
    from distributed import Client

EXECUTORS = ("local", "dask")
# Documents in flight per worker: enough to keep every worker busy while the main process
# writes, few enough that results waiting for their turn stay a handful.
WINDOW_PER_WORKER = 4
# Documents per unit of work: enough blocks for the model to read in large batches, few
# enough that a chunk's documents and parsed blocks stay small in memory.
CHUNK_DOCUMENTS = 16

# How long to try to reach a Dask scheduler before the run stops (ErrorCode.SCHEDULER_UNREACHABLE).
DASK_CONNECT_SECONDS = 30

T = TypeVar("T")


class PendingOutcome(Protocol):
    """A document handed to an executor; `result()` waits for its outcome."""

    def result(self) -> Outcome:
        """The outcome, once the document is processed.

        Raises:
            PipelineError: The run cannot go on (e.g. the model is not installed).
        """
        ...


class DocumentExecutor(Protocol):
    """Processes documents somewhere; a context manager that releases its workers on exit.

    `window` is how many documents a run keeps submitted and not yet written (`in_order`):
    the executor knows how much work keeps its workers busy.
    """

    workers: int

    @property
    def window(self) -> int: ...

    def submit(self, ref: InputRef) -> PendingOutcome:
        """Start processing `ref`."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None: ...


@dataclass(frozen=True)
class _RunStopped:
    """A `PipelineError` raised in a worker, as data: it has no pickle support of its own."""

    code: str
    message: str

    def reraise(self) -> PipelineError:
        return PipelineError(self.code, self.message.removeprefix(f"[{self.code}] "))


def _process_guarded(pipeline: Pipeline, refs: tuple[InputRef, ...]) -> list[Outcome] | _RunStopped:
    try:
        return pipeline.process_many(refs)
    except PipelineError as error:
        return _RunStopped(error.code, str(error))


def _unwrap_many(value: list[Outcome] | _RunStopped) -> list[Outcome]:
    if isinstance(value, _RunStopped):
        raise value.reraise()
    return value


class _ChunkResults(Protocol):
    def outcomes(self) -> list[Outcome]: ...


@dataclass(frozen=True)
class _DoneChunk:
    done: list[Outcome]

    def outcomes(self) -> list[Outcome]:
        return self.done


class _Slot:
    """One submitted document: its place in a chunk, and the chunk's results once it is sent."""

    def __init__(self, chunks: _Chunks) -> None:
        self._chunks = chunks
        self._results: _ChunkResults | None = None
        self._index = 0

    def bind(self, results: _ChunkResults, index: int) -> None:
        self._results, self._index = results, index

    def result(self) -> Outcome:
        if self._results is None:
            self._chunks.flush()  # its chunk is not full yet: send what there is
        assert self._results is not None
        return self._results.outcomes()[self._index]


class _Chunks:
    """Gathers submitted documents into chunks of `CHUNK_DOCUMENTS`, sent as one unit of work.

    A chunk lets the model read many documents' blocks in one batch (`Pipeline.process_many`);
    a chunk is sent when it is full or when the outcome of one of its documents is needed.
    """

    def __init__(self, send: Callable[[tuple[InputRef, ...]], _ChunkResults]) -> None:
        self._send = send
        self._refs: list[InputRef] = []
        self._slots: list[_Slot] = []

    def submit(self, ref: InputRef) -> PendingOutcome:
        slot = _Slot(self)
        self._refs.append(ref)
        self._slots.append(slot)
        if len(self._refs) >= CHUNK_DOCUMENTS:
            self.flush()
        return slot

    def flush(self) -> None:
        if not self._refs:
            return
        results = self._send(tuple(self._refs))
        for index, slot in enumerate(self._slots):
            slot.bind(results, index)
        self._refs, self._slots = [], []


class SerialExecutor:
    """Processes documents in this process, a chunk at a time."""

    workers = 1
    # One chunk at a time: nothing runs while this process writes.
    window = CHUNK_DOCUMENTS

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self._chunks = _Chunks(lambda refs: _DoneChunk(self.pipeline.process_many(refs)))

    def submit(self, ref: InputRef) -> PendingOutcome:
        """Queue `ref`; its chunk is processed when full or when an outcome is asked for."""
        return self._chunks.submit(ref)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        return None


# The pipeline of a pool worker process, built once by the pool's initializer.
_WORKER_PIPELINE: Pipeline | None = None


def _init_pool_worker(config: PipelineConfig, facts: BatchFacts, parent_pid: int | None = None) -> None:
    global _WORKER_PIPELINE
    if parent_pid is not None:
        die_with_parent(parent_pid)
    _WORKER_PIPELINE = Pipeline(config, facts)


def _process_in_pool_worker(refs: tuple[InputRef, ...]) -> list[Outcome] | _RunStopped:
    assert _WORKER_PIPELINE is not None, "the pool initializer builds the pipeline"
    return _process_guarded(_WORKER_PIPELINE, refs)


@dataclass(frozen=True)
class _FutureChunk:
    future: Any  # a concurrent.futures or distributed Future of list[Outcome] | _RunStopped

    def outcomes(self) -> list[Outcome]:
        value: list[Outcome] | _RunStopped = self.future.result()
        return _unwrap_many(value)


class ProcessPoolDocumentExecutor:
    """Processes documents in `workers` local processes, started on the first submit.

    Workers are started with 'spawn': a forked copy of a process that has already loaded
    spaCy (and its BLAS threads) can deadlock, and spawn behaves the same on every platform.
    Nothing is started when every document comes from the cache.
    """

    def __init__(self, config: PipelineConfig, workers: int, facts: BatchFacts) -> None:
        self.config = config
        self.workers = workers
        self.facts = facts
        self._pool: ProcessPoolExecutor | None = None
        self._chunks = _Chunks(self._send)

    @property
    def window(self) -> int:
        """A few chunks per worker, so every worker is busy while this process writes."""
        return CHUNK_DOCUMENTS * WINDOW_PER_WORKER * self.workers

    def submit(self, ref: InputRef) -> PendingOutcome:
        """Queue `ref` for a worker, in a chunk of documents."""
        return self._chunks.submit(ref)

    def _send(self, refs: tuple[InputRef, ...]) -> _ChunkResults:
        # A dead worker costs only its chunk's documents (see `pipeline.workers`).
        initargs = (self.config, self.facts, os.getpid())
        if self._pool is None:
            self._pool = new_pool(self.workers, _init_pool_worker, initargs)
        try:
            future = self._pool.submit(_process_in_pool_worker, refs)
        except BrokenProcessPool:  # a worker died: the chunks it broke are retried, new ones go to a new pool
            self._pool.shutdown(wait=False)
            self._pool = new_pool(self.workers, _init_pool_worker, initargs)
            future = self._pool.submit(_process_in_pool_worker, refs)
        alone = run_alone(_init_pool_worker, initargs, _process_in_pool_worker)
        return RecoveringChunk(future, refs, alone, _unwrap_many)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc_type is not None)
            self._pool = None


# Pipelines of a Dask worker process by configuration and batch facts: built on a worker's
# first task of a run.
_DASK_PIPELINES: dict[tuple[str, BatchFacts], Pipeline] = {}


def _process_on_dask_worker(
    config: PipelineConfig, facts: BatchFacts, refs: tuple[InputRef, ...]
) -> list[Outcome] | _RunStopped:
    key = (config.config_hash(), facts)
    pipeline = _DASK_PIPELINES.get(key)
    if pipeline is None:
        pipeline = _DASK_PIPELINES[key] = Pipeline(config, facts)
    return _process_guarded(pipeline, refs)


class DaskDocumentExecutor:
    """Processes documents as tasks on a Dask cluster (dask.distributed), one task per chunk.

    The workers must see the input paths (a shared or local file system) and have this
    package and the pinned dependencies installed; the results come back to this process,
    which alone writes the output and the cache.
    """

    def __init__(self, config: PipelineConfig, scheduler: str, facts: BatchFacts) -> None:
        self.config = config
        self.scheduler = scheduler
        self.facts = facts
        self.workers = 1
        self._client: Client | None = None
        self._chunks = _Chunks(self._send)

    @property
    def window(self) -> int:
        """A few chunks per worker thread of the cluster (known once connected)."""
        return CHUNK_DOCUMENTS * WINDOW_PER_WORKER * self.workers

    def submit(self, ref: InputRef) -> PendingOutcome:
        """Queue `ref` for the cluster, in a chunk of documents (one task per chunk)."""
        return self._chunks.submit(ref)

    def _send(self, refs: tuple[InputRef, ...]) -> _ChunkResults:
        assert self._client is not None, "use DaskDocumentExecutor as a context manager"
        return _FutureChunk(self._client.submit(_process_on_dask_worker, self.config, self.facts, refs, pure=False))

    def __enter__(self) -> Self:
        """Connect to the scheduler; `workers` becomes the cluster's thread count.

        Raises:
            PipelineError: The scheduler cannot be reached.
        """
        from distributed import Client  # imported here: it takes a second and most runs are local

        try:
            # distributed's Client is not annotated; its use here is narrow and tested.
            self._client = Client(self.scheduler, timeout=DASK_CONNECT_SECONDS)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as error:
            raise PipelineError(
                ErrorCode.SCHEDULER_UNREACHABLE, f"cannot reach the Dask scheduler at {self.scheduler}: {error}"
            ) from error
        workers = self._client.scheduler_info().get("workers", {}).values()
        self.workers = max(1, sum(int(worker.get("nthreads", 1)) for worker in workers))
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._client is not None:
            self._client.close()  # type: ignore[no-untyped-call]
            self._client = None


def make_executor(
    executor: str,
    config: PipelineConfig,
    jobs: int,
    scheduler: str | None,
    pipeline: Callable[[], Pipeline],
    facts: BatchFacts = NO_FACTS,
) -> DocumentExecutor:
    """The executor a run asked for.

    Args:
        executor: "local" (this machine) or "dask" (a dask.distributed cluster).
        config: The run's configuration, sent to every worker.
        jobs: Local worker processes; 1 processes in this process.
        scheduler: The Dask scheduler address (required for "dask").
        pipeline: Builds the in-process pipeline when `jobs` is 1.
        facts: What the stages learned from the batch (`BatchFacts`), sent to every worker.

    Raises:
        PipelineError: An unknown executor, a bad `jobs`, or "dask" without a scheduler.
    """
    if executor not in EXECUTORS:
        raise PipelineError(
            ErrorCode.BAD_RUN_OPTION, f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}"
        )
    if executor == "dask":
        if not scheduler:
            raise PipelineError(
                ErrorCode.BAD_RUN_OPTION, "the dask executor needs a scheduler address (--scheduler tcp://HOST:PORT)"
            )
        return DaskDocumentExecutor(config, scheduler, facts)
    if jobs < 1:
        raise PipelineError(ErrorCode.BAD_RUN_OPTION, f"jobs must be at least 1, not {jobs}")
    if jobs == 1:
        return SerialExecutor(pipeline())
    return ProcessPoolDocumentExecutor(config, jobs, facts)


def in_order(
    tasks: Iterable[T], submit: Callable[[T], PendingOutcome | None], window: int
) -> Iterator[tuple[T, Outcome | None]]:
    """Submit tasks and yield each with its outcome, in submission order, at most `window` in flight.

    Args:
        tasks: What to process, in output order; consumed lazily.
        submit: Starts one task, or returns None for a task that needs no processing (a
            cache hit), which is yielded with None as soon as its turn comes.
        window: How many tasks may be submitted and not yet yielded.
    """
    pending: deque[tuple[T, PendingOutcome | None]] = deque()
    for task in tasks:
        pending.append((task, submit(task)))
        while len(pending) >= window or (pending and pending[0][1] is None):
            head, handle = pending.popleft()
            yield head, None if handle is None else handle.result()
    while pending:
        head, handle = pending.popleft()
        yield head, None if handle is None else handle.result()
