"""Run the stages over one document at a time and turn failures into data.

`load -> strip -> dates -> entities -> places -> validate`: each document either becomes
a `Record` or a `failed` outcome that names the stage and the reason. A failure never
stops the batch; only run-level errors (`PipelineError`) do.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from pipeline.config import PipelineConfig
from pipeline.errors import DocumentError, PipelineError
from pipeline.gazetteer import load_gazetteer
from pipeline.limits import TimeLimitExceeded, time_limit
from pipeline.reader import InputRef, read_input
from pipeline.records import Record
from pipeline.stages.base import Stage
from pipeline.stages.dates import DateExtractor
from pipeline.stages.entities import EntityRecognizer
from pipeline.stages.load import DocumentLoader
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
        self._recognizer = EntityRecognizer(config.entities)
        self.stages: tuple[Stage, ...] = (
            BoilerplateStripper(config.strip, template_lines),
            DateExtractor(config.dates),
            self._recognizer,
            PlaceResolver(merge_qualifiers=config.places.merge_state_qualifiers),
        )
        self.validator = RecordValidator()
        self._warm = False

    def warm_up(self) -> None:
        """Load the spaCy model and build the gazetteer, once.

        `process` calls it before a document's time limit starts, so that the first document
        of each worker does not pay seconds of set-up against its limit.

        Raises:
            PipelineError: The model is not installed (E201).
        """
        if not self._warm:
            self._recognizer.nlp  # noqa: B018 -- the property loads the model
            load_gazetteer()
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
        self.loader = cast(DocumentLoader, _TimedStage(self.loader, totals))
        self.stages = tuple(cast(Stage, _TimedStage(stage, totals)) for stage in self.stages)
        self.validator = cast(RecordValidator, _TimedStage(self.validator, totals))
        return totals

    def process(self, ref: InputRef) -> Outcome:
        """Read and process one input; never raises for a problem with the input itself.

        The whole of it runs under `limits.time_limit_seconds` (see `pipeline.limits`): an
        input that takes longer fails with the stage it was stopped in.
        """
        self.warm_up()
        progress = _Progress()
        try:
            with time_limit(self.config.limits.time_limit_seconds):
                return self._process(ref, progress)
        except TimeLimitExceeded as error:
            return Outcome(ref, progress.sha256, error=f"{progress.stage}: {error}")

    def _process(self, ref: InputRef, progress: _Progress) -> Outcome:
        try:
            raw = read_input(ref, self.config.load.max_bytes)
            progress.sha256 = raw.sha256
            doc = self.loader(raw)
            for stage in self.stages:
                progress.stage = stage.name
                doc = stage(doc)
            progress.stage = self.validator.name
            return Outcome(ref, progress.sha256, record=self.validator(doc), unresolved_dates=doc.unresolved_dates)
        except DocumentError as error:
            return Outcome(ref, progress.sha256, error=f"{progress.stage}: {error}")
        except PipelineError:
            raise
        except Exception as error:  # one bad document must not end the batch
            return Outcome(ref, progress.sha256, error=f"{progress.stage}: unexpected {type(error).__name__}: {error}")


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
