"""The registry: which stages a run has, in which order, and how each is built from the configuration.

`load -> strip -> metadata -> dates -> entities -> places -> validate`. The runner, `pipeline eval` and
the tests all build their stages here, so the order lives in one place. To add a document
stage, add one line to `DOCUMENT_STAGES` at its place in the order; its builder gets a
`BuildContext`: the run's configuration, what the stages learned from the batch
(`BatchFacts`), and the objects stages share (one gazetteer for entities and places).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from pipeline.config import PipelineConfig
from pipeline.document import Document
from pipeline.reader import RawInput
from pipeline.records import Record
from pipeline.stages.base import NO_FACTS, BatchFacts, PipelineStep, Stage
from pipeline.stages.dates import DateExtractor
from pipeline.stages.entities import EntityRecognizer
from pipeline.stages.languages import LanguageGate
from pipeline.stages.load import DocumentLoader
from pipeline.stages.metadata import MetadataExtractor
from pipeline.stages.place_names import PlaceNames
from pipeline.stages.places import PlaceResolver
from pipeline.stages.strip import BoilerplateStripper
from pipeline.stages.validate import RecordValidator

Step = TypeVar("Step", bound=PipelineStep[Any, Any])


@dataclass(frozen=True)
class BuildContext:
    """What the stages of one chain are built from, and the objects they share."""

    config: PipelineConfig
    facts: BatchFacts = NO_FACTS

    @cached_property
    def place_names(self) -> PlaceNames:
        """One gazetteer and its name tests, shared by the entity and places stages."""
        return PlaceNames(self.config.places)

    def language_gate(self, stage: Stage) -> Stage:
        """`stage`, run only on documents in the languages the entity model reads."""
        return LanguageGate(stage, self.config.entities.languages)


@dataclass(frozen=True)
class StageSpec(Generic[Step]):
    """A stage of the registry: its class (name, version, hooks) and how to build it for a run."""

    kind: type[Step]
    build: Callable[[BuildContext], Step]

    @property
    def name(self) -> str:
        """The stage's name, as in the manifest."""
        return self.kind.name


LOAD: StageSpec[PipelineStep[RawInput, Document]] = StageSpec(DocumentLoader, lambda c: DocumentLoader(c.config.load))
DOCUMENT_STAGES: tuple[StageSpec[Stage], ...] = (
    StageSpec(BoilerplateStripper, lambda c: BoilerplateStripper(c.config.strip, c.facts.template_lines)),
    StageSpec(MetadataExtractor, lambda c: MetadataExtractor(c.config.metadata)),
    StageSpec(DateExtractor, lambda c: DateExtractor(c.config.dates)),
    # The entity stages read the languages of their model only (`pipeline.stages.languages`).
    StageSpec(
        EntityRecognizer, lambda c: c.language_gate(EntityRecognizer(c.config.entities, place_names=c.place_names))
    ),
    StageSpec(PlaceResolver, lambda c: c.language_gate(PlaceResolver(c.config.places, c.place_names))),
)
VALIDATE: StageSpec[PipelineStep[Document, Record]] = StageSpec(RecordValidator, lambda c: RecordValidator())


@dataclass(frozen=True)
class StageChain:
    """The stages of a run, built: load, the document stages in order, and validate."""

    load: PipelineStep[RawInput, Document]
    stages: tuple[Stage, ...]
    validate: PipelineStep[Document, Record]

    def all(self) -> tuple[PipelineStep[Any, Any], ...]:
        """Every stage in order, load and validate included."""
        return (self.load, *self.stages, self.validate)


def stage_names() -> tuple[str, ...]:
    """The names of every stage, in the default order."""
    return (LOAD.name, *(spec.name for spec in DOCUMENT_STAGES), VALIDATE.name)


def stage_versions() -> dict[str, str]:
    """Name and version of every stage, in order, for the manifest and the cache key."""
    kinds: Sequence[type[PipelineStep[Any, Any]]] = (LOAD.kind, *(s.kind for s in DOCUMENT_STAGES), VALIDATE.kind)
    return {kind.name: kind.version for kind in kinds}


def build_chain(config: PipelineConfig, facts: BatchFacts = NO_FACTS) -> StageChain:
    """Build every stage of a run (set-up is left to the runner: `PipelineStep.setup`)."""
    context = BuildContext(config, facts)
    return StageChain(
        load=LOAD.build(context),
        stages=tuple(spec.build(context) for spec in DOCUMENT_STAGES),
        validate=VALIDATE.build(context),
    )


def build_stages(
    config: PipelineConfig,
    facts: BatchFacts = NO_FACTS,
    *,
    start: str | None = None,
    upto: str | None = None,
) -> tuple[Stage, ...]:
    """Build the document stages from `start` through `upto` (default: all of them), in order.

    `pipeline eval` and the tests use it to run part of the chain on documents built by hand.

    Raises:
        KeyError: `start` or `upto` names no document stage, or `upto` comes before `start`.
    """
    names = [spec.name for spec in DOCUMENT_STAGES]
    first = names.index(start) if start is not None and start in names else 0 if start is None else -1
    last = names.index(upto) if upto is not None and upto in names else len(names) - 1 if upto is None else -1
    if first < 0 or last < first:
        raise KeyError(f"no document stages from {start!r} to {upto!r}; the order is {' -> '.join(names)}")
    context = BuildContext(config, facts)
    return tuple(spec.build(context) for spec in DOCUMENT_STAGES[first : last + 1])


def run_stages(stages: Sequence[Stage], doc: Document) -> Document:
    """`doc` after each of `stages` in turn, one document at a time (no time limit, no batch call)."""
    for stage in stages:
        doc = stage(doc)
    return doc


def build_stage(name: str, config: PipelineConfig, facts: BatchFacts = NO_FACTS) -> Stage:
    """Build the one document stage called `name`.

    Raises:
        KeyError: No document stage has that name.
    """
    (stage,) = build_stages(config, facts, start=name, upto=name)
    return stage
