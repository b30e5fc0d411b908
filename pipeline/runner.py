"""Run the stages over one document at a time and turn failures into data.

`load -> strip -> dates -> entities -> places -> validate`: each document either becomes
a `Record` or a `failed` outcome that names the stage and the reason. A failure never
stops the batch; only run-level errors (`PipelineError`) do.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from pipeline import pagemeta
from pipeline.config import PipelineConfig
from pipeline.document import Document
from pipeline.errors import DocumentError, PipelineError
from pipeline.languages import LanguageGate, serves
from pipeline.limits import TimeLimitExceeded, time_limit
from pipeline.reader import InputRef, read_input
from pipeline.records import Record
from pipeline.stages.base import Stage
from pipeline.stages.dates import DateExtractor
from pipeline.stages.entities import EntityRecognizer
from pipeline.stages.load import DocumentLoader
from pipeline.stages.metadata import MetadataExtractor
from pipeline.stages.place_names import PlaceNames
from pipeline.stages.places import PlaceResolver
from pipeline.stages.strip import BoilerplateStripper
from pipeline.stages.validate import RecordValidator


@dataclass(frozen=True)
class Outcome:
    """What became of one input: a record, or the reason it failed."""

    ref: InputRef
    sha256: str | None
    record: Record | None = None
    error: str | None = None
    # Relative dates left out of the record for want of an anchor (see `Document`).
    unresolved_dates: int = 0


class Pipeline:
    """The stages of a run, built once from the configuration and applied per document."""

    def __init__(self, config: PipelineConfig, template_lines: frozenset[str] = frozenset()) -> None:
        """Build the stages.

        Args:
            config: The run's configuration.
            template_lines: Lines the batch's text dumps share (`pipeline.templates`), for strip.
        """
        self.config = config
        self.loader = DocumentLoader(config.load)
        # One gazetteer for the process, shared by the two stages that ask it.
        self._place_names = PlaceNames(config.places)
        self._recognizer = EntityRecognizer(config.entities, place_names=self._place_names)
        languages = config.entities.languages
        self.stages: tuple[Stage, ...] = (
            BoilerplateStripper(config.strip, template_lines),
            MetadataExtractor(),
            DateExtractor(config.dates),
            LanguageGate(self._recognizer, languages),
            LanguageGate(PlaceResolver(config.places, self._place_names), languages),
        )
        self.validator = RecordValidator()
        self._warm = False
        self._stage_totals: dict[str, float] | None = None

    def warm_up(self) -> None:
        """Load the spaCy model and build the gazetteer, once.

        `process` calls it before a document's time limit starts, so that the first document
        of each worker does not pay seconds of set-up against its limit.

        Raises:
            PipelineError: The model is not installed (E201).
        """
        if not self._warm:
            self._recognizer.nlp  # noqa: B018 -- the property loads the model
            self._place_names.set_up()
            pagemeta.warm_up()
            self._warm = True

    @property
    def stage_versions(self) -> dict[str, str]:
        """Name and version of every stage, in order, for the manifest."""
        versions = {self.loader.name: self.loader.version}
        versions.update((stage.name, stage.version) for stage in self.stages)
        versions[self.validator.name] = self.validator.version
        return versions

    def time_stages(self) -> dict[str, float]:
        """Measure the seconds spent in each stage from now on, for benchmarks.

        The stages are wrapped, not changed: outcomes are the same, and the totals never go
        into the output.

        Returns:
            Seconds per stage name (load, strip, ..., validate), growing as documents are processed.
        """
        totals: dict[str, float] = {}
        self._stage_totals = totals
        self.loader = cast(DocumentLoader, _TimedStage(self.loader, totals))
        self.stages = tuple(cast(Stage, _TimedStage(stage, totals)) for stage in self.stages)
        self.validator = cast(RecordValidator, _TimedStage(self.validator, totals))
        return totals

    def process(self, ref: InputRef) -> Outcome:
        """Read and process one input; never raises for a problem with the input itself.

        It runs under `limits.time_limit_seconds` (see `pipeline.limits` and `process_many`):
        an input that takes longer fails with the stage it was stopped in.
        """
        return self.process_many([ref])[0]

    def process_many(self, refs: Sequence[InputRef]) -> list[Outcome]:
        """Process several inputs, in order; the model reads all their article blocks in one batch.

        Each document runs under its own time limit up to the entity stage and again from
        there on; the shared model pass runs under the limit of all of them together. If that
        pass fails or is stopped, each document has the model read its own blocks instead,
        within its own limit, so a bad document is still told from the good ones.
        """
        self.warm_up()
        first = len(self.stages) - 2  # entities and places come after the model pass
        started = [self._limited(ref, _Progress(), self.stages[:first], None) for ref in refs]
        ready = [doc for _, _, doc in started if doc is not None]
        if len(ready) > 1:
            self._read_ahead(ready)
        outcomes: list[Outcome] = []
        for ref, (outcome, progress, doc) in zip(refs, started, strict=True):
            if doc is None:
                assert outcome is not None
                outcomes.append(outcome)
                continue
            finished, _, _ = self._limited(ref, progress, self.stages[first:], doc)
            assert finished is not None
            outcomes.append(finished)
        return outcomes

    def _read_ahead(self, docs: list[Document]) -> None:
        started = time.perf_counter()
        try:
            with time_limit(self.config.limits.time_limit_seconds * len(docs)):
                languages = self.config.entities.languages
                self._recognizer.read_ahead(
                    [doc for doc in docs if serves(languages, doc.language.code if doc.language else None)]
                )
        except PipelineError:
            raise
        except (TimeLimitExceeded, Exception):
            pass  # each document then has its own blocks read, within its own limit
        finally:
            if self._stage_totals is not None:
                self._stage_totals["entities"] += time.perf_counter() - started

    def _limited(
        self, ref: InputRef, progress: _Progress, stages: Sequence[Stage], doc: Document | None
    ) -> tuple[Outcome | None, _Progress, Document | None]:
        """Run `stages` (from loading when `doc` is None, to validation when they are the last).

        Returns:
            The outcome once the document is finished or failed; else the document so far.
        """
        try:
            with time_limit(self.config.limits.time_limit_seconds):
                return self._run(ref, progress, stages, doc)
        except TimeLimitExceeded as error:
            return Outcome(ref, progress.sha256, error=f"{progress.stage}: {error}"), progress, None

    def _run(
        self, ref: InputRef, progress: _Progress, stages: Sequence[Stage], doc: Document | None
    ) -> tuple[Outcome | None, _Progress, Document | None]:
        try:
            if doc is None:
                raw = read_input(ref, self.config.load.max_bytes)
                progress.sha256 = raw.sha256
                doc = self.loader(raw)
            for stage in stages:
                progress.stage = stage.name
                doc = stage(doc)
            if stages and stages[-1] is not self.stages[-1]:
                return None, progress, doc
            progress.stage = self.validator.name
            record = self.validator(doc)
            return Outcome(ref, progress.sha256, record=record, unresolved_dates=doc.unresolved_dates), progress, None
        except DocumentError as error:
            return Outcome(ref, progress.sha256, error=f"{progress.stage}: {error}"), progress, None
        except PipelineError:
            raise
        except Exception as error:  # one bad document must not end the batch
            message = f"{progress.stage}: unexpected {type(error).__name__}: {error}"
            return Outcome(ref, progress.sha256, error=message), progress, None


@dataclass
class _Progress:
    """How far one document got: what a failure (a time limit included) is reported with."""

    stage: str = "load"
    sha256: str | None = None


class _TimedStage:
    """A stage (or the loader or validator) that adds the time of each call to a total by name."""

    def __init__(self, stage: Stage | DocumentLoader | RecordValidator, totals: dict[str, float]) -> None:
        self.stage: Callable[[Any], Any] = stage
        self.name = stage.name
        self.version = stage.version
        self.totals = totals
        totals.setdefault(self.name, 0.0)

    def __call__(self, value: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.stage(value)
        finally:
            self.totals[self.name] += time.perf_counter() - started
