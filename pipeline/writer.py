"""The output edge of the pipeline: canonical JSON, written atomically.

`records.jsonl` is streamed to a temporary file while documents are processed (in id
order) and renamed into place at the end, like every other file here: an interrupted run
never leaves a truncated record or manifest. `docs/` files of ids that are no longer
produced are removed, so the output always describes exactly one run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from pipeline.errors import PipelineError
from pipeline.records import Record

RECORDS_FILE = "records.jsonl"
DOCS_DIR = "docs"
MANIFEST_FILE = "manifest.json"


def record_line(record: Record) -> str:
    """The record as one compact JSON line (keys in schema order), without the newline."""
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


def record_pretty(record: Record) -> str:
    """The record pretty-printed for reading and for `git diff`: 2-space indent, schema order."""
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def canonical_json(value: Any) -> str:
    """Sorted keys, 2-space indent, UTF-8 kept as is, and a trailing newline."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def atomic_write(path: Path, content: str) -> None:
    """Write `content` to `path` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with temporary.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def doc_path(out_dir: Path, record_id: str) -> Path:
    """Where the pretty record of `record_id` goes; never outside `out_dir/docs`.

    Raises:
        PipelineError: The id would name a file outside the docs folder.
    """
    docs = (out_dir / DOCS_DIR).resolve()
    target = (docs / f"{record_id}.json").resolve()
    if docs not in target.parents:
        raise PipelineError("E301", f"record id {record_id!r} would write outside {docs}")
    return target


class OutputWriter:
    """Writes the records of one run into an output folder."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.written: set[Path] = set()
        self._records: IO[str] | None = None
        self._records_tmp = out_dir / f".{RECORDS_FILE}.{os.getpid()}.tmp"

    def __enter__(self) -> Self:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._remove_stale_temporaries()
        self._records = self._records_tmp.open("w", encoding="utf-8", newline="\n")
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._records is not None and not self._records.closed:
            self._records.close()
        if exc_type is not None:
            self._records_tmp.unlink(missing_ok=True)

    def add(self, record: Record) -> None:
        """Append `record` (records must come in id order) and write its pretty copy."""
        assert self._records is not None, "use OutputWriter as a context manager"
        target = doc_path(self.out_dir, record.id)
        atomic_write(target, record_pretty(record))
        self.written.add(target)
        self._records.write(record_line(record) + "\n")

    def finish(self, manifest: dict[str, Any]) -> None:
        """Put `records.jsonl` and `manifest.json` in place and remove stale docs."""
        assert self._records is not None, "use OutputWriter as a context manager"
        self._records.flush()
        os.fsync(self._records.fileno())
        self._records.close()
        os.replace(self._records_tmp, self.out_dir / RECORDS_FILE)
        self._remove_stale_docs()
        atomic_write(self.out_dir / MANIFEST_FILE, canonical_json(manifest))

    def _remove_stale_temporaries(self) -> None:
        # A run killed mid-way (kill -9) leaves its hidden temporary files behind; docs/ ones
        # go with the stale docs at the end of the run, these at its start.
        for name in (RECORDS_FILE, MANIFEST_FILE):
            for path in self.out_dir.glob(f".{name}.*.tmp"):
                path.unlink(missing_ok=True)

    def _remove_stale_docs(self) -> None:
        docs = self.out_dir / DOCS_DIR
        if not docs.is_dir():
            return
        for folder, _subfolders, filenames in os.walk(docs, topdown=False):
            for name in filenames:
                path = Path(folder) / name
                if path.resolve() not in self.written:
                    path.unlink()
            if Path(folder) != docs and not os.listdir(folder):
                os.rmdir(folder)
