"""The manifest of a run (`manifest.json`): every input's outcome, counts, versions and configuration.

Frozen models, built by `pipeline.api` and written by `pipeline.writer` as canonical JSON
(sorted keys): the same run gives the same bytes. Nothing here depends on time or place:
no timestamps, durations, absolute paths or host names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SerializerFunctionWrapHandler, model_serializer

from pipeline.errors import DocumentFailure

Status = Literal["ok", "failed", "skipped"]
STATUSES: tuple[Status, ...] = ("ok", "failed", "skipped")
# Fields an entry has only for some statuses; left out of the JSON where they do not apply.
_OPTIONAL_FIELDS = ("error", "reason", "unresolved_relative_dates", "note")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InputEntry(_Frozen):
    """One input of the run.

    Attributes:
        id: The record id; None for a file that gives none (a skipped file, a bad name).
        sha256: Of the input's bytes (a JSONL document: its line); None when unread.
        error: Why it failed (`failed` only): code, stage and message.
        reason: Why it was skipped (`skipped` only).
        unresolved_relative_dates: Relative dates its record leaves out for want of an anchor (`ok` only).
        note: Why a stage could not serve it (`ok` only: entities of a page not in a language
            the model reads, `pipeline.stages.languages`).
    """

    id: str | None
    path: str
    sha256: str | None
    status: Status
    error: DocumentFailure | None = None
    reason: str | None = None
    unresolved_relative_dates: int | None = None
    note: str | None = None

    @model_serializer(mode="wrap")
    def _without_absent_fields(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for name in _OPTIONAL_FIELDS:
            if data.get(name) is None:
                data.pop(name, None)
        return data


class TemplateLines(_Frozen):
    """How many lines the batch's text dumps share as the site's template, and their hash."""

    count: int
    sha256: str


class Manifest(_Frozen):
    """What a run read, what became of each input, and everything the records depend on."""

    pipeline_version: str
    schema_version: int
    config_hash: str
    config: dict[str, Any]
    # The hash of the pipeline's own code and data files (`pipeline.fingerprint`).
    code_fingerprint: str
    versions: dict[str, str]
    stages: dict[str, str]
    template_lines: TemplateLines
    counts: dict[str, int]
    # False when the run wrote no pretty `docs/` copies (`--no-docs`).
    docs: bool
    unresolved_relative_dates: int
    inputs: tuple[InputEntry, ...]


def sorted_entries(entries: Iterable[InputEntry]) -> tuple[InputEntry, ...]:
    """Entries in manifest order: by path, then id."""
    return tuple(sorted(entries, key=lambda e: (e.path, e.id or "")))


def status_counts(entries: Iterable[InputEntry]) -> dict[str, int]:
    """How many inputs ended in each status, and how many there were."""
    entries = list(entries)
    counts: dict[str, int] = {status: sum(e.status == status for e in entries) for status in STATUSES}
    counts["inputs"] = len(entries)
    return counts
