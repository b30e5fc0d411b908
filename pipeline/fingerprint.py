"""A fingerprint of the pipeline's own code and data files, for the cache key and the manifest.

Stage versions are bumped by hand, and a hand can forget: a changed rule in a stage with
an unchanged version would otherwise let the cache hand back records the new code would
not write. The fingerprint is a sha256 over every file of the `pipeline` package that ships
(modules and data files, in sorted order of their paths relative to the package, each
with its path and its bytes), so any edit, in any module, changes it.

It is computed once per process (about 40 small files; a millisecond or two), so a
no-change re-run stays fast. Compiled files (`__pycache__`, `.pyc`) and hidden files
(editor swap files) are not part of the code and are left out.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
_COMPILED_SUFFIXES = (".pyc", ".pyo")
_SKIPPED_FOLDERS = frozenset({"__pycache__"})


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The fingerprint of the running pipeline package (see the module docstring), once per process."""
    return tree_fingerprint(PACKAGE_ROOT)


def tree_fingerprint(root: Path) -> str:
    """The sha256 hex digest of the shipped files under `root`, with their relative paths.

    The same files give the same digest wherever the folder lies: only paths relative to
    `root` (with `/`) and contents enter it.
    """
    digest = hashlib.sha256()
    for relative in shipped_files(root):
        content = (root / relative).read_bytes()
        # The path and the length frame each file, so no two trees give the same byte stream.
        digest.update(f"{relative}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


def shipped_files(root: Path) -> list[str]:
    """The relative paths (with `/`) of the files under `root` that are part of the code, sorted."""
    return sorted(_walk(root, ""))


def _walk(folder: Path, prefix: str) -> Iterator[str]:
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in _SKIPPED_FOLDERS:
                    yield from _walk(Path(entry.path), f"{prefix}{entry.name}/")
            elif entry.is_file() and not entry.name.endswith(_COMPILED_SUFFIXES):
                yield f"{prefix}{entry.name}"
