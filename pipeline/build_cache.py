"""The build cache: what set-up builds from installed packages, kept on disk between runs.

Set-up work that depends only on installed files (the gazetteer's indexes, the language
model unpacked) is done once per machine and read back by every later process. It lives in
`$PIPELINE_CACHE_DIR` (default: `$XDG_CACHE_HOME/pipeline`, else `~/.cache/pipeline`; an
empty value turns it off). It is never part of the output: a file is named by a hash of what
it was built from, carries the sha256 of its payload, and one that is missing, torn or
damaged is built again. A folder that cannot be written only costs the next run time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

CACHE_DIR_VARIABLE = "PIPELINE_CACHE_DIR"


def cache_dir() -> Path | None:
    """The build cache's folder, or None when it is turned off or no home folder can be found."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured == "":
        return None
    try:
        return Path(configured) if configured else _user_cache_dir() / "pipeline"
    except RuntimeError:  # no home directory to find
        return None


def read_checked(path: Path) -> bytes:
    """The payload of a cache file, after its leading sha256 (a torn file must never be read).

    Raises:
        OSError: The file cannot be read.
        ValueError: The payload does not match its digest.
    """
    content = path.read_bytes()
    digest, payload = content[:32], content[32:]
    if hashlib.sha256(payload).digest() != digest:
        raise ValueError(f"{path.name}: the content does not match its digest")
    return payload


def read_checked_view(path: Path) -> memoryview:
    """`read_checked` without copying the payload: large arrays are read in place.

    Raises:
        OSError: The file cannot be read.
        ValueError: The payload does not match its digest.
    """
    content = memoryview(path.read_bytes())
    digest, payload = content[:32], content[32:]
    if hashlib.sha256(payload).digest() != digest:
        raise ValueError(f"{path.name}: the content does not match its digest")
    return payload


def store(path: Path, payload: bytes) -> None:
    """Write a cache file atomically, its payload after its sha256."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(hashlib.sha256(payload).digest() + payload)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _user_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
