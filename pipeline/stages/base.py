"""The protocol every stage follows, and what a stage may learn from the whole batch.

A stage (`PipelineStep`) has a name and a version (recorded in the manifest and the cache
key), says which `Document` fields it reads and writes, may load what it needs once per
process (`setup`), and has a per-document call and a batch call. The runner
(`pipeline.runner`) calls `setup` before any time limit starts, gives a chunk of documents
to a stage whose batch call is its own (`has_batch_call`), and times every call itself.

Three kinds of step share the protocol: `load` turns an input's bytes into a `Document`,
the document stages (`Stage`) turn a `Document` into its next state, and `validate` turns
the finished `Document` into a `Record`. The default order is in `pipeline.stages.registry`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from pipeline.config import PipelineConfig
from pipeline.document import Document

In = TypeVar("In")
Out = TypeVar("Out")


@dataclass(frozen=True)
class BatchFacts:
    """What stages learned from the whole batch before its first document (see `BatchLearner`).

    It is part of what every record is made from: the run hashes it into the manifest and
    the cache key.

    Attributes:
        template_lines: Lines the batch's text dumps share, the site's template (strip;
            `pipeline.stages.strip.templates`).
    """

    template_lines: frozenset[str] = frozenset()


# A batch nothing was learned from (too small, or parts of the chain run on their own).
NO_FACTS = BatchFacts()


class BatchLearner(ABC):
    """Sees every document of the batch, decoded, before any is processed; then says what it learned."""

    @abstractmethod
    def see(self, doc: Document) -> None:
        """Take in one loaded document (each document is seen once, in id order)."""

    @abstractmethod
    def learned(self, facts: BatchFacts) -> BatchFacts:
        """`facts` with what this learner found added."""


class PipelineStep(ABC, Generic[In, Out]):
    """One step of the pipeline: a pure transform of one item, with an optional batch call.

    A step never reads the clock, and only `load` touches the file system (through
    `pipeline.reader`). It raises `DocumentError` for an input it cannot process.
    """

    name: ClassVar[str]
    # Bump when the step's output changes for the same input; recorded in the manifest.
    version: ClassVar[str]
    # The `Document` fields the step reads and those it writes (documentation, and checked
    # against the registry's order by a test: nothing is read before a step writes it).
    reads: ClassVar[frozenset[str]] = frozenset()
    writes: ClassVar[frozenset[str]] = frozenset()

    def setup(self) -> None:
        """Load what the step needs (a model, a gazetteer), once per process; by default nothing.

        The runner calls it before any document's time limit starts.
        """

    @abstractmethod
    def __call__(self, doc: In) -> Out:
        """Process one item."""

    @property
    def batched(self) -> bool:
        """Whether the step has a batch call of its own (not the default loop): the runner then gives it whole chunks."""
        return type(self).process_batch is not PipelineStep.process_batch

    def process_batch(self, docs: Sequence[In]) -> list[Out]:
        """Process several items at once; by default the per-item call in a loop.

        A step overrides it where reading many items together is faster (the model reads
        the blocks of a whole chunk in large batches); it must give the same results as the
        per-item call, in order. The runner calls it under the time limit of all the items
        together and falls back to the per-item call if it fails.
        """
        return [self(doc) for doc in docs]


class Stage(PipelineStep[Document, Document]):
    """A document stage: returns `doc.model_copy(update=...)` with the fields it produces."""

    @classmethod
    def batch_learner(cls, config: PipelineConfig, documents: int) -> BatchLearner | None:
        """What the stage must learn from the whole batch of `documents` first; None (the default): nothing."""
        return None


def has_batch_call(step: PipelineStep[In, Out]) -> bool:
    """Tell whether `step` has a batch call of its own (not the default loop)."""
    return step.batched
