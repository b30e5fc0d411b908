"""Run the registry's stages over a chunk of documents and turn failures into data.

`load -> strip -> dates -> entities -> places -> validate` (`pipeline.stages.registry`):
each document either becomes a `Record` or a `failed` outcome that names the stage, the
error code and the reason. A failure never stops the batch; only run-level errors
(`PipelineError`) do.

Stages run in order over the chunk. A stage with a batch call of its own (the entity
stage: the model reads the blocks of every document of the chunk together) gets the
chunk's documents at once; the others get one document at a time. Time limits:

* each document has its own limit (`limits.time_limit_seconds`) for the stages before a
  batch call, and again for those after it;
* a batch call has the limit of all its documents together; if it fails or runs out of
  time, each document goes through that stage on its own, within its own limit (the one
  of the stages after it), so a bad document is still told from the good ones.

The runner times every call itself and hands the seconds back with each outcome, whatever
executor runs it; they go to the log and the bench, never into the output.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from pipeline.config import PipelineConfig
from pipeline.document import Document
from pipeline.errors import DocumentError, DocumentFailure, ErrorCode, PipelineError
from pipeline.limits import TimeLimitExceeded, time_limit
from pipeline.reader import InputRef, RawInput, read_input
from pipeline.records import Record
from pipeline.stages.base import NO_FACTS, BatchFacts, PipelineStep, Stage, has_batch_call
from pipeline.stages.registry import build_chain

In = TypeVar("In")
Out = TypeVar("Out")


@dataclass(frozen=True)
class Outcome:
    """What became of one input: a record, or the reason it failed.

    Attributes:
        unresolved_dates: Relative dates left out of the record for want of an anchor (see `Document`).
        stage_seconds: Seconds spent in each stage the document went through, in order; a
            batch call's time is shared equally among its documents. For the log only.
    """

    ref: InputRef
    sha256: str | None
    record: Record | None = None
    error: DocumentFailure | None = None
    unresolved_dates: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict, compare=False)


class Pipeline:
    """The stages of a run, built once from the registry and applied to chunks of documents."""

    def __init__(self, config: PipelineConfig, facts: BatchFacts = NO_FACTS) -> None:
        """Build the stages.

        Args:
            config: The run's configuration.
            facts: What the stages learned from the whole batch (strip's template lines).
        """
        self.config = config
        self.chain = build_chain(config, facts)
        self._ready = False

    def setup(self) -> None:
        """Set up every stage (the model, the gazetteer), once per pipeline.

        `process_many` calls it before any time limit starts, so that the first document of
        each worker does not pay seconds of set-up against its limit.

        Raises:
            PipelineError: The set-up is broken, e.g. the model is not installed (E201).
        """
        if not self._ready:
            for step in self.chain.all():
                step.setup()
            self._ready = True

    def process(self, ref: InputRef) -> Outcome:
        """Read and process one input; never raises for a problem with the input itself."""
        return self.process_many([ref])[0]

    def process_many(self, refs: Sequence[InputRef]) -> list[Outcome]:
        """Process several inputs through every stage, in order (see the module's docstring)."""
        self.setup()
        states = [_State(ref) for ref in refs]
        pending: list[Stage] = []  # stages the next per-document pass runs
        for stage in self.chain.stages:
            if has_batch_call(stage):
                self._each(states, pending, finish=False)
                pending = []
                if self._batch(stage, [s for s in states if s.going]):
                    continue
            pending.append(stage)
        self._each(states, pending, finish=True)
        return [state.finished() for state in states]

    def _each(self, states: Sequence[_State], stages: Sequence[Stage], finish: bool) -> None:
        """Run `stages` on every document still going, each within its own time limit.

        A document not loaded yet is read and loaded first; with `finish` it is validated at the end.
        """
        for state in states:
            if not state.going:
                continue
            try:
                with time_limit(self.config.limits.time_limit_seconds):
                    self._run(state, stages, finish)
            except TimeLimitExceeded as error:
                state.fail(ErrorCode.TIME_LIMIT, str(error))

    def _run(self, state: _State, stages: Sequence[Stage], finish: bool) -> None:
        try:
            if state.doc is None:
                state.doc = self._timed(state, self.chain.load, state.read(self.config.load.max_bytes))
            for stage in stages:
                state.doc = self._timed(state, stage, state.doc)
            if finish:
                state.record = self._timed(state, self.chain.validate, state.doc)
        except DocumentError as error:
            state.fail(error.code, str(error))
        except PipelineError:
            raise
        except Exception as error:  # one bad document must not end the batch
            state.fail(ErrorCode.UNEXPECTED, f"unexpected {type(error).__name__}: {error}")

    @staticmethod
    def _timed(state: _State, step: PipelineStep[In, Out], value: In) -> Out:
        state.stage = step.name
        started = time.perf_counter()
        try:
            return step(value)
        finally:
            state.add_seconds(step.name, time.perf_counter() - started)

    def _batch(self, stage: Stage, states: Sequence[_State]) -> bool:
        """Give `stage` the documents of `states` at once; False if it failed (nothing changed then).

        One document goes through the stage on its own, with the stages after it.
        """
        if len(states) < 2:
            return False
        started = time.perf_counter()
        try:
            with time_limit(self.config.limits.time_limit_seconds * len(states)):
                docs = stage.process_batch([state.loaded() for state in states])
        except PipelineError:
            raise
        except (TimeLimitExceeded, Exception):
            return False  # each document then goes through the stage on its own, within its own limit
        finally:
            share = (time.perf_counter() - started) / len(states)
            for state in states:
                state.add_seconds(stage.name, share)
        for state, doc in zip(states, docs, strict=True):
            state.doc, state.stage = doc, stage.name
        return True


@dataclass
class _State:
    """One document of a chunk on its way: how far it got, and its outcome once it is finished or failed."""

    ref: InputRef
    stage: str = "load"
    sha256: str | None = None
    doc: Document | None = None
    record: Record | None = None
    error: DocumentFailure | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def going(self) -> bool:
        """Neither finished nor failed yet."""
        return self.record is None and self.error is None

    def read(self, max_bytes: int) -> RawInput:
        """The input's bytes (`pipeline.reader`), read as part of the load stage."""
        raw = read_input(self.ref, max_bytes)
        self.sha256 = raw.sha256
        return raw

    def loaded(self) -> Document:
        assert self.doc is not None, "a batch call only gets loaded documents"
        return self.doc

    def add_seconds(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def fail(self, code: ErrorCode, message: str) -> None:
        self.error = DocumentFailure(code=code, stage=self.stage, message=message)
        self.doc = None

    def finished(self) -> Outcome:
        assert not self.going, "every document is finished or failed at the end of a chunk"
        unresolved = self.doc.unresolved_dates if self.record is not None and self.doc is not None else 0
        return Outcome(self.ref, self.sha256, self.record, self.error, unresolved, dict(self.seconds))
