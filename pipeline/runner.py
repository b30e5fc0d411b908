"""Run the stages over one document at a time and turn failures into data.

`load -> strip -> dates -> entities -> places -> validate`: each document either becomes
a `Record` or a `failed` outcome that names the stage and the reason. A failure never
stops the batch; only run-level errors (`PipelineError`) do.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.config import PipelineConfig
from pipeline.errors import DocumentError, PipelineError
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

    def process(self, ref: InputRef) -> Outcome:
        """Read and process one input; never raises for a problem with the input itself.

        The whole of it runs under `limits.time_limit_seconds` (see `pipeline.limits`): an
        input that takes longer fails with the stage it was stopped in.
        """
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
            return Outcome(ref, progress.sha256, record=self.validator(doc))
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
