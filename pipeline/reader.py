"""The input edge of the pipeline: list the sources under the input roots and read them.

This module (with `writer.py`) is the only place that touches the file system. Listing is
cheap and deterministic: every input becomes an `InputRef` with its record id, and the
refs are sorted by id, so the order of the output never depends on the order in which the
operating system lists a folder. Reading happens one document at a time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pipeline.errors import DocumentError, PipelineError

INPUT_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
SIDECAR_SUFFIX = ".meta.json"
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A JSONL line id becomes part of a path under output/docs/: keep it to one safe segment.
_SAFE_LINE_ID = re.compile(r"^[^/\\\x00-\x1f]{1,200}$")


@dataclass(frozen=True)
class InputRef:
    """Where one document comes from; `line` and `offset` are set for JSONL documents."""

    id: str
    path: str
    file: Path
    line: int | None = None
    offset: int = 0
    length: int = -1


@dataclass(frozen=True)
class RawInput:
    """The bytes of one document and what the file system says about it."""

    ref: InputRef
    data: bytes
    sha256: str
    sidecar_date: str | None = None


@dataclass(frozen=True)
class ListedEntry:
    """A manifest entry decided while listing: a skipped file or an input that already failed."""

    id: str | None
    path: str
    status: str
    message: str
    sha256: str | None = None


@dataclass
class Listing:
    """The result of listing the input roots: documents to process, and entries decided already."""

    refs: list[InputRef] = field(default_factory=list)
    entries: list[ListedEntry] = field(default_factory=list)


def list_inputs(roots: Sequence[Path]) -> Listing:
    """List every input under `roots` (folders or single files), sorted by record id.

    Args:
        roots: Input folders or files. A folder's files get ids relative to that folder.

    Returns:
        The documents to process (ids unique) and the entries already decided: files of
        an unsupported type (`skipped`), unreadable JSONL files, bad JSONL lines and
        duplicate ids (`failed`).

    Raises:
        PipelineError: A root does not exist.
    """
    listing = Listing()
    for root in roots:
        if not root.exists():
            raise PipelineError("E101", f"input {str(root)!r} does not exist")
        if root.is_dir():
            files = sorted(_walk_files(root))
            base = root
        else:
            files, base = [root], root.parent
        names = {f.relative_to(base).as_posix() for f in files}
        for file in files:
            rel = file.relative_to(base).as_posix()
            _list_file(file, rel, names, listing)
    listing.refs.sort(key=lambda ref: (ref.id, ref.path, ref.line or 0))
    unique: list[InputRef] = []
    for ref in listing.refs:
        if unique and unique[-1].id == ref.id:
            first = unique[-1]
            listing.entries.append(
                ListedEntry(
                    ref.id, ref.path, "failed", f"duplicate id {ref.id!r}: {first.path} has it too", _sha256_of(ref)
                )
            )
            continue
        unique.append(ref)
    listing.refs = unique
    return listing


def read_input(ref: InputRef, max_bytes: int) -> RawInput:
    """Read the bytes of one document, and its sidecar date if it has one.

    Raises:
        DocumentError: The file cannot be read, is too large, or its sidecar is invalid.
    """
    try:
        size = ref.file.stat().st_size if ref.line is None else ref.length
        if size > max_bytes:
            raise DocumentError(f"file is {size} bytes, over the limit of {max_bytes} (load.max_bytes)")
        with ref.file.open("rb") as handle:
            handle.seek(ref.offset)
            data = handle.read(ref.length if ref.line is not None else -1)
    except OSError as error:
        raise DocumentError(f"cannot read {ref.path}: {error.strerror or error}") from error
    sidecar_date = _read_sidecar_date(ref) if ref.line is None else None
    return RawInput(ref=ref, data=data, sha256=hashlib.sha256(data).hexdigest(), sidecar_date=sidecar_date)


def _sha256_of(ref: InputRef) -> str | None:
    """The sha256 of the input's bytes, or None when they cannot be read."""
    try:
        with ref.file.open("rb") as handle:
            if ref.line is not None:
                handle.seek(ref.offset)
                return hashlib.sha256(handle.read(ref.length)).hexdigest()
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _walk_files(root: Path) -> Iterable[Path]:
    # Symbolic links to folders are not followed: a link loop must not hang the listing.
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in filenames:
            yield Path(folder) / name


def _list_file(file: Path, rel: str, names: set[str], listing: Listing) -> None:
    lower = rel.lower()
    if lower.endswith(SIDECAR_SUFFIX):
        stem = rel[: -len(SIDECAR_SUFFIX)]
        if not any(stem + suffix in names for suffix in INPUT_SUFFIXES):
            listing.entries.append(ListedEntry(None, rel, "skipped", "sidecar without an input file beside it"))
        return
    suffix = PurePosixPath(lower).suffix
    if suffix not in INPUT_SUFFIXES:
        reason = f"not a supported input type ({suffix or 'no extension'}; supported: {', '.join(INPUT_SUFFIXES)})"
        listing.entries.append(ListedEntry(None, rel, "skipped", reason))
        return
    doc_id = rel[: -len(suffix)]
    if suffix == ".jsonl":
        _list_jsonl(file, rel, doc_id, listing)
    else:
        listing.refs.append(InputRef(id=doc_id, path=rel, file=file))


def _list_jsonl(file: Path, rel: str, file_id: str, listing: Listing) -> None:
    try:
        handle = file.open("rb")
    except OSError as error:
        listing.entries.append(ListedEntry(file_id, rel, "failed", f"cannot read {rel}: {error.strerror or error}"))
        return
    with handle:
        offset = 0
        for number, line in enumerate(handle, start=1):
            start, offset = offset, offset + len(line)
            if not line.strip():
                continue
            where = f"{rel}:{number}"
            line_id, problem = _jsonl_line_id(line)
            if problem is not None:
                listing.entries.append(
                    ListedEntry(f"{file_id}:{number}", where, "failed", problem, hashlib.sha256(line).hexdigest())
                )
                continue
            listing.refs.append(
                InputRef(id=f"{file_id}/{line_id}", path=where, file=file, line=number, offset=start, length=len(line))
            )


def _jsonl_line_id(line: bytes) -> tuple[str, str | None]:
    try:
        item = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return "", f"not a JSON object: {error}"
    if not isinstance(item, dict):
        return "", "not a JSON object"
    raw_id = item.get("id")
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)
    if not isinstance(raw_id, str) or not raw_id.strip():
        return "", "missing 'id' (a non-empty string)"
    if not _SAFE_LINE_ID.match(raw_id) or raw_id in (".", ".."):
        return "", f"id {raw_id!r} cannot name a file: no '/', '\\', control characters, '.' or '..'"
    return raw_id, None


def _read_sidecar_date(ref: InputRef) -> str | None:
    suffix = PurePosixPath(ref.file.name).suffix
    sidecar = ref.file.with_name(ref.file.name[: -len(suffix)] + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return None
    try:
        meta = json.loads(sidecar.read_bytes())
    except (OSError, ValueError) as error:
        raise DocumentError(f"sidecar {sidecar.name} is not readable JSON: {error}") from error
    date = meta.get("date") if isinstance(meta, dict) else None
    if date is None:
        return None
    if not isinstance(date, str) or not _ISO_DAY.match(date):
        raise DocumentError(f'sidecar {sidecar.name}: "date" must be a string YYYY-MM-DD, not {date!r}')
    return date
