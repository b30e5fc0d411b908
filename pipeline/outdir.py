"""The output folder belongs to the pipeline only as far as the pipeline wrote it.

A run claims its output folder before it reads or writes anything there (`claim_output`):

* it refuses a folder that is, contains or lies inside an input root (a run into its own
  input would delete inputs and read its own records as input next time);
* it takes a lock, so a second run on the same folder stops at once with a clear message
  instead of deleting the first one's temporary files;
* it refuses a folder that holds files it did not write. What the pipeline wrote is what
  the last manifest records (`docs/<id>.json` of every `ok` entry), plus the files named in
  the journal (`JOURNAL_FILE`): the docs files a run created and that no manifest lists yet
  because the run was killed before writing one. The writer adds a name to the journal
  before it creates the file, and empties the journal once the manifest lists it.

Stale-file removal (`OutputWriter`) removes only owned files, so even a folder that passed
the check never loses a file the pipeline did not write.

The lock is an advisory `flock` on the folder itself: it needs no lock file (nothing to
clean up after `kill -9`, which releases it with the process) and is held by the open
descriptor for as long as the run lasts.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pipeline.errors import (
    E_DISK_FULL,
    E_OUTPUT_FOREIGN,
    E_OUTPUT_LOCKED,
    E_OUTPUT_OVERLAPS_INPUT,
    E_OUTPUT_READ_ONLY,
    PipelineError,
)

JOURNAL_FILE = ".pipeline-journal"
# Names the pipeline writes at the top of an output folder (besides docs/ and the journal).
_OWN_TOP_FILES = frozenset({"records.jsonl", "manifest.json", JOURNAL_FILE})
_OWN_TOP_PATTERNS = re.compile(
    r"\.cache\.sqlite(?:-wal|-shm|-journal)?|\.(?:records\.jsonl|manifest\.json)\.\d+\.tmp", re.DOTALL
)
# A docs/ file's temporary (`writer.atomic_write`): ".<name>.<pid>.tmp".
_TEMPORARY = re.compile(r"\.(.+)\.\d+\.tmp", re.DOTALL)
_DOCS = "docs"
# How many foreign files a refusal names.
_NAMED = 5


@contextmanager
def claim_output(out_dir: Path, input_roots: Sequence[Path]) -> Iterator[None]:
    """Hold `out_dir` for one run: checked, locked, and its OS errors told as coded messages.

    Args:
        out_dir: The output folder (created if missing).
        input_roots: The run's input folders and files.

    Raises:
        PipelineError: The folder overlaps an input root, another run holds it, it holds
            files the pipeline did not write, or the disk is full or read-only.
    """
    _refuse_overlap(out_dir, input_roots)
    with coded_os_errors(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(out_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PipelineError(
                    E_OUTPUT_LOCKED,
                    f"another run is writing to {out_dir} (it holds the folder's lock); wait for it to end"
                    " or choose another --out",
                ) from None
            foreign = foreign_files(out_dir)
            if foreign:
                named = ", ".join(foreign[:_NAMED]) + (
                    f" and {len(foreign) - _NAMED} more" if len(foreign) > _NAMED else ""
                )
                raise PipelineError(
                    E_OUTPUT_FOREIGN,
                    f"{out_dir} holds files the pipeline did not write ({named}); it removes stale files"
                    " from its output folder, so choose an empty or new folder",
                )
            yield
        finally:
            os.close(descriptor)  # releases the lock


@contextmanager
def coded_os_errors(out_dir: Path) -> Iterator[None]:
    """Turn a full disk or a folder that cannot be written into a coded `PipelineError`."""
    try:
        yield
    except OSError as error:
        # Only errors about the output folder: a file elsewhere (e.g. the gazetteer's build
        # cache) keeps its own message.
        about_output = error.filename is None or _inside_or_at(os.fsdecode(error.filename), out_dir)
        coded = _coded(error.errno, out_dir, error.strerror or str(error)) if about_output else None
        if coded is None:
            raise
        raise coded from error
    except sqlite3.OperationalError as error:
        # SQLite reports these by message only (its error codes are not exposed before 3.11's sqlite_errorcode).
        text = str(error)
        number = errno.ENOSPC if "disk is full" in text else errno.EROFS if "readonly" in text else None
        if number is None and "unable to open" in text and not os.access(out_dir, os.W_OK):
            number = errno.EACCES
        coded = None if number is None else _coded(number, out_dir, text)
        if coded is None:
            raise
        raise coded from error


def _coded(number: int | None, out_dir: Path, detail: str) -> PipelineError | None:
    if number in (errno.ENOSPC, errno.EDQUOT):
        return PipelineError(E_DISK_FULL, f"no space left to write {out_dir} ({detail}); free some space and run again")
    if number in (errno.EROFS, errno.EACCES, errno.EPERM):
        return PipelineError(E_OUTPUT_READ_ONLY, f"cannot write to {out_dir} ({detail}); choose a writable --out")
    return None


def owned_docs(out_dir: Path) -> set[str]:
    """The docs files the pipeline wrote in `out_dir`, as paths relative to it ("docs/a/b.json").

    They are those of the last manifest's `ok` entries and those named in the journal.
    """
    owned: set[str] = set()
    try:
        manifest = json.loads((out_dir / "manifest.json").read_bytes())
        for entry in manifest.get("inputs", []):
            if isinstance(entry, dict) and entry.get("status") == "ok" and isinstance(entry.get("id"), str):
                owned.add(docs_name(entry["id"]))
    except (OSError, ValueError, AttributeError):
        pass  # no manifest (a first run) or a damaged one: then only the journal tells
    try:
        with (out_dir / JOURNAL_FILE).open("rb") as handle:
            for line in handle:
                try:
                    name = json.loads(line)
                except ValueError:
                    continue  # a line cut short by kill -9: its file was not created yet
                if isinstance(name, str):
                    owned.add(name)
    except OSError:
        pass
    return owned


def docs_name(record_id: str) -> str:
    """The path of a record's pretty copy relative to the output folder."""
    return f"{_DOCS}/{record_id}.json"


def foreign_files(out_dir: Path) -> list[str]:
    """Paths (relative to `out_dir`, sorted) of files and links there the pipeline did not write."""
    owned = owned_docs(out_dir)
    foreign: list[str] = []
    # os.walk follows no link to a folder; such a link is listed with the folders and is foreign.
    for folder, folders, files in os.walk(out_dir):
        rel_folder = os.path.relpath(folder, out_dir)
        top = rel_folder == "."
        for name in sorted(folders):
            path = os.path.join(folder, name)
            if os.path.islink(path) or (top and name != _DOCS):
                foreign.append(_printable(os.path.relpath(path, out_dir)))
        folders[:] = [
            name for name in folders if (not top or name == _DOCS) and not os.path.islink(os.path.join(folder, name))
        ]
        for name in files:
            rel = name if top else f"{rel_folder}/{name}".replace(os.sep, "/")
            if not _is_own(rel, name, top, owned) or os.path.islink(os.path.join(folder, name)):
                foreign.append(_printable(rel))
    return sorted(foreign)


def unrecorded_docs(out_dir: Path, ids: Iterable[str]) -> list[str]:
    """The files under `out_dir/docs` (relative to `out_dir`, sorted) that are the pretty copy of none of `ids`.

    Hidden files (a killed run's temporaries) are passed over.
    """
    expected = {docs_name(record_id) for record_id in ids}
    extra: list[str] = []
    for folder, _folders, files in os.walk(out_dir / _DOCS):
        rel_folder = os.path.relpath(folder, out_dir).replace(os.sep, "/")
        extra.extend(
            _printable(f"{rel_folder}/{name}")
            for name in files
            if not name.startswith(".") and f"{rel_folder}/{name}" not in expected
        )
    return sorted(extra)


def _is_own(rel: str, name: str, top: bool, owned: set[str]) -> bool:
    if top:
        return name in _OWN_TOP_FILES or _OWN_TOP_PATTERNS.fullmatch(name) is not None
    if rel in owned:
        return True
    temporary = _TEMPORARY.fullmatch(name)
    return temporary is not None and rel[: -len(name)] + temporary.group(1) in owned


def _printable(rel: str) -> str:
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


class Journal:
    """The docs files a run creates, written down before each is created (see the module doc)."""

    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / JOURNAL_FILE
        self._handle: IO[bytes] | None = None

    def add(self, name: str) -> None:
        """Note that the docs file `name` (relative to the output folder) is about to be created."""
        if self._handle is None:
            self._handle = self.path.open("ab")
        # Unbuffered to the kernel before the file exists: kill -9 cannot leave the file unnamed.
        self._handle.write(json.dumps(name, ensure_ascii=False).encode("utf-8") + b"\n")
        self._handle.flush()

    def clear(self) -> None:
        """Forget every name: the manifest just written lists what the run owns."""
        self.close()
        self.path.unlink(missing_ok=True)

    def close(self) -> None:
        """Close the journal (it stays on disk until `clear`)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _refuse_overlap(out_dir: Path, input_roots: Sequence[Path]) -> None:
    out = os.path.realpath(out_dir)
    for root in input_roots:
        real = os.path.realpath(root)
        if out == real or _inside(out, real) or _inside(real, out):
            relation = "is" if out == real else "lies inside" if _inside(out, real) else "contains"
            raise PipelineError(
                E_OUTPUT_OVERLAPS_INPUT,
                f"the output folder {out_dir} {relation} the input {root}; choose an --out outside the inputs",
            )


def _inside_or_at(path: str, folder: Path) -> bool:
    real, real_folder = os.path.realpath(path), os.path.realpath(folder)
    return real == real_folder or _inside(real, real_folder)


def _inside(path: str, folder: str) -> bool:
    return path.startswith(folder.rstrip(os.sep) + os.sep)
