"""Why two outputs differ: their manifests compared, before any record is.

A manifest says what a run was made from: the pipeline, schema, stage and package versions,
the effective configuration, the batch's template lines and every input with its sha256 and
outcome. Comparing two of them tells a reviewer the cause ("strip.region_share 0.7 -> 0.8",
"spacy 3.8.7 -> 3.8.8", "3 inputs added") before the effects (the records).

Manifests are read as plain JSON objects, so a key this module does not know (a newer
manifest) is still compared, and a missing or unreadable manifest is reported, not fatal: the
records can still be compared without it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, JsonValue

from pipeline.writer import MANIFEST_FILE

SettingChangeKind = Literal["added", "removed", "changed"]
InputChangeKind = Literal["added", "removed", "content", "status"]

# Keys that say what a run was made from, in the order a reviewer reads them; other keys of a
# newer manifest follow them, and keys that only record the outcome are left out.
CAUSE_ORDER = (
    "pipeline_version",
    "schema_version",
    "code_fingerprint",
    "stages",
    "versions",
    "template_lines",
    "config",
    "config_hash",
)
OUTCOME_KEYS = frozenset({"inputs", "counts", "unresolved_relative_dates"})
# A value of another key longer than this (a list of written files, say) is summarised, not shown.
LONG_VALUE_CHARS = 200


class ManifestModel(BaseModel):
    """Base of this module's models: immutable, unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SettingChange(ManifestModel):
    """One manifest key (dotted, e.g. `config.strip.region_share`) with its old and new value.

    `old` is None for an added key and `new` for a removed one; `change` tells these apart
    from a key whose value is null.
    """

    key: str
    change: SettingChangeKind
    old: JsonValue = None
    new: JsonValue = None


class InputChange(ManifestModel):
    """An input listed on one side only, or whose content (sha256) or outcome (status) changed."""

    id: str | None
    path: str
    change: InputChangeKind
    old_status: str | None = None
    new_status: str | None = None
    # The error or skip reason on the NEW side (OLD's for a removed input), when there is one.
    reason: str | None = None


class InputCounts(ManifestModel):
    """Inputs per kind of change."""

    added: int = 0
    removed: int = 0
    content: int = 0
    status: int = 0

    def summary(self) -> str:
        """One line for every report: "2 added, 0 removed, 1 with new content, 0 with a new status"."""
        return (
            f"{self.added} added, {self.removed} removed, {self.content} with new content,"
            f" {self.status} with a new status"
        )


class ManifestDiff(ManifestModel):
    """The two manifests compared: what the runs were made from, then their inputs.

    `problems` says which manifest was missing or unreadable (nothing else is compared then).
    """

    problems: tuple[str, ...] = ()
    settings: tuple[SettingChange, ...] = ()
    input_counts: InputCounts = InputCounts()
    inputs: tuple[InputChange, ...] = ()

    @property
    def differs(self) -> bool:
        """True when a setting or an input differs."""
        return bool(self.settings or self.inputs)


def compare_manifests(old_dir: Path, new_dir: Path) -> ManifestDiff:
    """Compare `manifest.json` of two output folders (see the module docstring)."""
    old, old_problem = read_manifest(old_dir)
    new, new_problem = read_manifest(new_dir)
    problems = tuple(problem for problem in (old_problem, new_problem) if problem is not None)
    if old is None or new is None:
        return ManifestDiff(problems=problems)
    inputs = tuple(compare_inputs(_entries(old), _entries(new)))
    counts = {kind: 0 for kind in ("added", "removed", "content", "status")}
    for change in inputs:
        counts[change.change] += 1
    return ManifestDiff(settings=compare_settings(old, new), input_counts=InputCounts(**counts), inputs=inputs)


def input_reasons(manifest: ManifestDiff) -> dict[str, str]:
    """Why a document was added or removed, by id, as the manifests tell it.

    "input removed" / "input added", or the outcome that changed ("ok -> failed: [E301] ...").
    """
    reasons: dict[str, str] = {}
    for change in manifest.inputs:
        if change.id is None or change.change == "content":
            continue
        if change.change == "status":
            reason = f"{change.old_status} -> {change.new_status}"
        else:
            status = change.new_status if change.change == "added" else change.old_status
            reason = f"input {change.change}" + (f" ({status})" if status not in (None, "ok") else "")
        reasons[change.id] = reason + (f": {change.reason}" if change.reason else "")
    return reasons


def read_manifest(out_dir: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The manifest of an output folder as a JSON object, or None and why it could not be read."""
    path = out_dir / MANIFEST_FILE
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, f"{path}: missing"
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return None, f"{path}: unreadable ({error})"
    if not isinstance(manifest, dict):
        return None, f"{path}: not a JSON object"
    return manifest, None


def compare_settings(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[SettingChange, ...]:
    """Every key outside the outcome that differs, flattened to dotted keys, causes first."""
    old_flat = dict(_flatten({k: v for k, v in old.items() if k not in OUTCOME_KEYS}))
    new_flat = dict(_flatten({k: v for k, v in new.items() if k not in OUTCOME_KEYS}))
    changes = []
    for key in sorted(old_flat.keys() | new_flat.keys(), key=_cause_rank):
        if key not in new_flat:
            changes.append(SettingChange(key=key, change="removed", old=_shown(key, old_flat[key])))
        elif key not in old_flat:
            changes.append(SettingChange(key=key, change="added", new=_shown(key, new_flat[key])))
        elif old_flat[key] != new_flat[key]:
            changes.append(
                SettingChange(key=key, change="changed", old=_shown(key, old_flat[key]), new=_shown(key, new_flat[key]))
            )
    return tuple(changes)


def compare_inputs(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> Iterator[InputChange]:
    """Inputs matched by (id, path): on one side only, or with a new sha256 or status; in path order."""
    old_by_key = {_input_key(entry): entry for entry in old}
    new_by_key = {_input_key(entry): entry for entry in new}
    for key in sorted(old_by_key.keys() | new_by_key.keys(), key=lambda k: (k[1], k[0] or "")):
        before, after = old_by_key.get(key), new_by_key.get(key)
        record_id, path = key
        if before is None:
            assert after is not None
            yield InputChange(id=record_id, path=path, change="added", new_status=_status(after), reason=_reason(after))
        elif after is None:
            yield InputChange(
                id=record_id, path=path, change="removed", old_status=_status(before), reason=_reason(before)
            )
        elif _status(before) != _status(after):
            yield InputChange(
                id=record_id,
                path=path,
                change="status",
                old_status=_status(before),
                new_status=_status(after),
                reason=_reason(after) or _reason(before),
            )
        elif before.get("sha256") != after.get("sha256"):
            yield InputChange(
                id=record_id, path=path, change="content", old_status=_status(before), new_status=_status(after)
            )


def _entries(manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    inputs = manifest.get("inputs")
    if not isinstance(inputs, list):
        return []
    return [entry for entry in inputs if isinstance(entry, dict)]


def _input_key(entry: Mapping[str, Any]) -> tuple[str | None, str]:
    record_id = entry.get("id")
    return (record_id if isinstance(record_id, str) else None, str(entry.get("path", "")))


def _status(entry: Mapping[str, Any]) -> str | None:
    status = entry.get("status")
    return status if isinstance(status, str) else None


def _reason(entry: Mapping[str, Any]) -> str | None:
    for key in ("error", "reason"):
        value = entry.get(key)
        if isinstance(value, str):
            return value
    return None


def _flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Nested objects as (dotted key, leaf) pairs; lists are leaves, compared whole."""
    if isinstance(value, dict) and (value or not prefix):
        for key in value:
            yield from _flatten(value[key], f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, value


def _cause_rank(key: str) -> tuple[int, str]:
    top = key.split(".", 1)[0]
    return (CAUSE_ORDER.index(top) if top in CAUSE_ORDER else len(CAUSE_ORDER), key)


def _shown(key: str, value: Any) -> JsonValue:
    """The value as it goes into the diff; a long value of an unknown key is summarised."""
    if key.split(".", 1)[0] in CAUSE_ORDER:
        shown: JsonValue = value
        return shown
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) <= LONG_VALUE_CHARS:
        kept: JsonValue = value
        return kept
    size = f"{len(value)} items" if isinstance(value, list | dict) else f"{len(text)} characters"
    return f"({size}, not shown)"
