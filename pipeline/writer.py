"""The output edge of the pipeline: canonical JSON, written atomically.

`records.jsonl` is streamed to a temporary file while documents are processed (in id
order) and renamed into place at the end, like every other file here: an interrupted run
never leaves a truncated record or manifest. `docs/` files of ids that are no longer
produced are removed, so the output always describes exactly one run. A file whose
content would not change is not rewritten, so a re-run that changes nothing touches nothing.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import pydantic_core

from pipeline.errors import ErrorCode, PipelineError
from pipeline.manifest import Manifest
from pipeline.outdir import Journal, docs_name, owned_docs
from pipeline.records import Record

RECORDS_FILE = "records.jsonl"
DOCS_DIR = "docs"
MANIFEST_FILE = "manifest.json"


def record_line(record: Record) -> str:
    """The record as one compact JSON line (keys in schema order), without the newline."""
    # pydantic's serializer wrote the same text as json.dumps(..., ensure_ascii=False) for every
    # bench record, in a tenth of the time (json pretty-prints in pure Python). It differs only
    # for floats under 1e-4, which it writes without an exponent; records hold no such values.
    return record.model_dump_json()


def record_pretty(record: Record) -> str:
    """The record pretty-printed for reading and for `git diff`: 2-space indent, schema order."""
    return record.model_dump_json(indent=2) + "\n"


def pretty_from_line(line: str) -> str:
    """The pretty form of a record line; the same text `record_pretty` gives for its record.

    JSON keeps key order and round-trips floats exactly, and both go through the same
    serializer, so no model is needed (cached records).
    """
    return pydantic_core.to_json(json.loads(line), indent=2).decode("utf-8") + "\n"


def canonical_json(value: Any) -> str:
    """Sorted keys, 2-space indent, UTF-8 kept as is, and a trailing newline."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def atomic_write(path: Path, content: str, durable: bool = True) -> None:
    """Write `content` to `path` through a temporary file and a rename.

    Args:
        path: The file to write.
        content: Its new text.
        durable: Flush the file to disk before the rename. The rename alone is atomic for
            the process (kill -9 leaves the old or the new file, never a part); the flush
            also covers a power loss, at a few milliseconds per file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(content)
        if durable:
            handle.flush()
            os.fsync(handle.fileno())
    os.replace(temporary, path)


def write_if_changed(path: Path, content: str, durable: bool = True) -> bool:
    """Write `content` to `path` atomically unless the file holds exactly that already.

    Unchanged files keep their modification time, so tools that watch `output/` (and a
    no-change re-run) see nothing happen. Returns True when the file was written.
    """
    encoded = content.encode("utf-8")
    try:
        if path.stat().st_size == len(encoded) and path.read_bytes() == encoded:
            return False
    except OSError:
        pass  # missing or unreadable: write it
    atomic_write(path, content, durable)
    return True


def _sha256_of_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def doc_path(out_dir: Path, record_id: str) -> Path:
    """Where the pretty record of `record_id` goes; never outside `out_dir/docs`.

    Raises:
        PipelineError: The id would name a file outside the docs folder.
    """
    return _DocsFolder(out_dir / DOCS_DIR).path_of(record_id)


class _DocsFolder:
    """Paths of pretty records under one docs folder, checked to stay inside it.

    Resolving every file's path was a third of a no-change re-run (bench corpus), so each
    subfolder is resolved once and a file's path is its folder's plus the id's last part,
    which ends in ".json" and so can be neither ".." nor a link that `os.replace` follows.
    """

    def __init__(self, docs: Path) -> None:
        self.root = docs.resolve()
        self._folders: dict[str, Path] = {}

    def path_of(self, record_id: str) -> Path:
        """The pretty record's path.

        Raises:
            PipelineError: The id would name a file outside the docs folder.
        """
        folder, _, name = record_id.rpartition("/")
        parent = self._folders.get(folder)
        if parent is None:
            parent = (self.root / folder).resolve() if folder else self.root
            if parent != self.root and self.root not in parent.parents:
                raise PipelineError(
                    ErrorCode.OUTSIDE_OUTPUT, f"record id {record_id!r} would write outside {self.root}"
                )
            self._folders[folder] = parent
        if not name:
            raise PipelineError(ErrorCode.OUTSIDE_OUTPUT, f"record id {record_id!r} names no file in {self.root}")
        return parent / f"{name}.json"


class OutputWriter:
    """Writes the records of one run into an output folder."""

    def __init__(self, out_dir: Path, docs: bool = True) -> None:
        """Args:
        out_dir: The output folder.
        docs: Write the pretty `docs/<id>.json` copies (`pipeline run --no-docs` does not;
            then the copies of earlier runs are removed, as they no longer match this run).
        """
        self.out_dir = out_dir
        self.docs = docs
        self._docs = _DocsFolder(out_dir / DOCS_DIR)
        self.written: set[str] = set()  # the paths of this run's docs/ files
        self._records: IO[str] | None = None
        self._records_tmp = out_dir / f".{RECORDS_FILE}.{os.getpid()}.tmp"
        # The docs files earlier runs wrote (`pipeline.outdir`): the only ones stale removal may touch.
        self._owned: set[str] = set()
        self._journal = Journal(out_dir)

    def __enter__(self) -> Self:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._owned = owned_docs(self.out_dir)
        self._remove_stale_temporaries()
        self._records = self._records_tmp.open("w", encoding="utf-8", newline="\n")
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            if self._records is not None and not self._records.closed:
                try:
                    self._records.close()
                except OSError:
                    # After a failed write (a full disk) closing fails too: the first error is the one to tell.
                    if exc_type is None:
                        raise
        finally:
            self._journal.close()
            if exc_type is not None:
                self._records_tmp.unlink(missing_ok=True)

    def add(self, record: Record) -> None:
        """Append `record` (records must come in id order) and write its pretty copy."""
        self.add_line(record.id, record_line(record))

    def add_line(self, record_id: str, line: str, pretty_sha256: str | None = None) -> str:
        """Append a record given as its line (see `record_line`), in id order, and write its pretty copy.

        The pretty copy is only rewritten when its content changes.

        Args:
            record_id: The record's id.
            line: The record as one JSON line.
            pretty_sha256: The sha256 of the pretty copy, when known (from the cache): a file
                that already has it is left alone without rendering the copy again.

        Returns:
            The sha256 of the pretty copy ('' when no copy is written and none was known).
        """
        assert self._records is not None, "use OutputWriter as a context manager"
        target = self._docs.path_of(record_id)
        if not self.docs:
            self._records.write(line + "\n")
            return pretty_sha256 or ""
        self.written.add(str(target))
        name = docs_name(record_id)
        if name not in self._owned:
            self._journal.add(name)  # before the file exists, so a killed run still owns it
            self._owned.add(name)
        self._records.write(line + "\n")
        if pretty_sha256 is not None and _sha256_of_file(target) == pretty_sha256:
            return pretty_sha256
        pretty = pretty_from_line(line)
        # Not flushed one by one (that cost a tenth of a run, measured by `make bench`):
        # the rename keeps each file whole, records.jsonl and the manifest are flushed, and
        # a docs/ file lost to a power cut is one that `pipeline validate` reports and the
        # next run rewrites, since it differs from its record.
        write_if_changed(target, pretty, durable=False)
        return hashlib.sha256(pretty.encode("utf-8")).hexdigest()

    def finish(self, manifest: Manifest) -> None:
        """Put `records.jsonl` and `manifest.json` in place and remove stale docs."""
        assert self._records is not None, "use OutputWriter as a context manager"
        self._records.flush()
        os.fsync(self._records.fileno())
        self._records.close()
        records = self.out_dir / RECORDS_FILE
        if records.is_file() and filecmp.cmp(self._records_tmp, records, shallow=False):
            self._records_tmp.unlink()  # unchanged: leave the file (and its time stamp) alone
        else:
            os.replace(self._records_tmp, records)
        self._remove_stale_docs()
        write_if_changed(self.out_dir / MANIFEST_FILE, canonical_json(manifest.model_dump(mode="json")))
        self._journal.clear()
        self._remove_leftover_temporaries()

    def _remove_leftover_temporaries(self) -> None:
        # A run killed with -9 leaves its temporary files behind (under its own process id).
        for name in (RECORDS_FILE, MANIFEST_FILE):
            for leftover in self.out_dir.glob(f".{name}.*.tmp"):
                leftover.unlink(missing_ok=True)

    def _remove_stale_temporaries(self) -> None:
        # A run killed mid-way (kill -9) leaves its hidden temporary files behind; docs/ ones
        # go with the stale docs at the end of the run, these at its start.
        for name in (RECORDS_FILE, MANIFEST_FILE):
            for path in self.out_dir.glob(f".{name}.*.tmp"):
                path.unlink(missing_ok=True)

    def _is_owned(self, rel: str) -> bool:
        rel = rel.replace(os.sep, "/")
        folder, _, name = rel.rpartition("/")
        if rel in self._owned:
            return True
        # A temporary ".<name>.<pid>.tmp" of an owned file, left by a killed run.
        parts = name.split(".")
        return (
            len(parts) >= 4
            and parts[0] == ""
            and parts[-1] == "tmp"
            and parts[-2].isdigit()
            and (f"{folder}/{'.'.join(parts[1:-2])}" in self._owned)
        )

    def _remove_stale_docs(self) -> None:
        docs = self._docs.root
        if not docs.is_dir():
            return
        # os.walk follows no links to folders, so every path it gives is resolved already.
        for folder, _subfolders, filenames in os.walk(docs, topdown=False):
            for name in filenames:
                path = os.path.join(folder, name)
                # Only files an earlier run wrote (or their temporaries) go; anything else stays.
                if path not in self.written and self._is_owned(os.path.relpath(path, docs.parent)):
                    os.unlink(path)
            if folder != str(docs) and not os.listdir(folder):
                os.rmdir(folder)
