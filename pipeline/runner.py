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


class Pipeline:
    """The stages of a run, built once from the configuration and applied per document."""

    def __init__(self, config: PipelineConfig) -> None:
        self.config = config
        self.loader = DocumentLoader(config.load)
        self.stages: tuple[Stage, ...] = (
            BoilerplateStripper(config.strip),
            DateExtractor(config.dates),
            EntityRecognizer(config.entities),
            PlaceResolver(merge_qualifiers=config.places.merge_state_qualifiers),
        )
        self.validator = RecordValidator()

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
        """Read and process one input; never raises for a problem with the input itself."""
        stage_name = "load"
        sha256: str | None = None
        try:
            raw = read_input(ref, self.config.load.max_bytes)
            sha256 = raw.sha256
            doc = self.loader(raw)
            for stage in self.stages:
                stage_name = stage.name
                doc = stage(doc)
            stage_name = self.validator.name
            return Outcome(ref, sha256, record=self.validator(doc))
        except DocumentError as error:
            return Outcome(ref, sha256, error=f"{stage_name}: {error}")
        except PipelineError:
            raise
        except Exception as error:  # one bad document must not end the batch
            return Outcome(ref, sha256, error=f"{stage_name}: unexpected {type(error).__name__}: {error}")


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
