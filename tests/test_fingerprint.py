"""The code fingerprint: an edited stage re-processes every document, with no version bumped."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from pipeline.cache import run_fingerprint
from pipeline.fingerprint import PACKAGE_ROOT, code_fingerprint, shipped_files, tree_fingerprint

ARTICLE = "The Eurasia Foundation met in Moscow in July 2009 to plan the exchange programme.\n"
OTHER = "Officials of the World Bank arrived in Columbus, Ohio to sign the agreement.\n"
_SUMMARY = re.compile(r"(\d+) inputs: (\d+) ok, .*; (\d+) reused from cache")


def _copy_package(destination: Path) -> Path:
    """A copy of the installed pipeline package under `destination`, without compiled files."""
    copy = destination / "pipeline"
    shutil.copytree(PACKAGE_ROOT, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return copy


def _run_with(code_root: Path, raw: Path, out: Path) -> tuple[int, int]:
    """Run the command line of the package under `code_root`; return (ok, reused) from its summary."""
    environment = {**os.environ, "PYTHONPATH": str(code_root)}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", str(raw), "--out", str(out), "--jobs", "1"],
        cwd=code_root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = _SUMMARY.search(done.stderr)
    assert found is not None, done.stderr
    return int(found.group(2)), int(found.group(3))


def test_an_edited_stage_is_processed_again_without_a_version_bump(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (raw / "b.txt").write_text(OTHER, encoding="utf-8")
    out = tmp_path / "out"
    edited_root, same_root = tmp_path / "edited", tmp_path / "same"
    edited = _copy_package(edited_root)
    _copy_package(same_root)
    assert _run_with(edited_root, raw, out) == (2, 0)
    before = (out / "records.jsonl").read_bytes()

    # The same code in another place: everything comes from the cache.
    assert _run_with(same_root, raw, out) == (2, 2)
    assert (out / "records.jsonl").read_bytes() == before

    # A rule of the places stage changes; its version does not.
    stage = edited / "stages" / "places.py"
    source = stage.read_text(encoding="utf-8")
    assert source.count("name=entry.name,") == 1, "the edited line moved: update this test"
    stage.write_text(source.replace("name=entry.name,", "name=entry.name.upper(),"), encoding="utf-8")

    assert _run_with(edited_root, raw, out) == (2, 0)
    after = (out / "records.jsonl").read_bytes()
    assert after != before
    names = [p["name"] for line in after.decode().splitlines() for p in json.loads(line)["places"]]
    assert "MOSCOW" in names
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["code_fingerprint"] == tree_fingerprint(edited) != tree_fingerprint(same_root / "pipeline")


def test_the_fingerprint_covers_every_shipped_file_and_nothing_compiled(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "stages" / "__pycache__").mkdir(parents=True)
    (root / "a.py").write_text("A = 1\n", encoding="utf-8")
    (root / "stages" / "b.py").write_text("B = 1\n", encoding="utf-8")
    (root / "stages" / "words.txt").write_text("one\n", encoding="utf-8")
    (root / "stages" / "__pycache__" / "b.cpython-311.pyc").write_bytes(b"\0")
    (root / ".a.py.swp").write_bytes(b"\0")
    assert shipped_files(root) == ["a.py", "stages/b.py", "stages/words.txt"]
    first = tree_fingerprint(root)
    (root / "stages" / "__pycache__" / "b.cpython-311.pyc").write_bytes(b"\1")
    assert tree_fingerprint(root) == first
    (root / "stages" / "words.txt").write_text("two\n", encoding="utf-8")
    edited = tree_fingerprint(root)
    assert edited != first
    # The same bytes under another name are other code.
    (root / "stages" / "words.txt").rename(root / "stages" / "other.txt")
    assert tree_fingerprint(root) not in (first, edited)


def test_the_run_fingerprint_changes_with_the_code() -> None:
    parts = ("0" * 64, "0.1.0", {"load": "1"}, {"python": "3.11"})
    assert run_fingerprint(*parts) == run_fingerprint(*parts, code=code_fingerprint())
    assert run_fingerprint(*parts, code="a") != run_fingerprint(*parts, code="b")
    assert code_fingerprint() is code_fingerprint()  # once per process
