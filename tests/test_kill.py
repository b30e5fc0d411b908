"""kill -9 during a run leaves no truncated record or manifest, and the next run completes the work."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import output_tree

from pipeline import api
from pipeline.cache import CACHE_FILE
from pipeline.outdir import JOURNAL_FILE
from pipeline.records import Record
from pipeline.writer import record_pretty

# Hidden temporary files of the writer: ".NAME.PID.tmp".
_TEMPORARY = re.compile(r"^\.[^/]+\.\d+\.tmp$")
DOCUMENTS = 150
PARAGRAPHS = (
    "The Eurasia Foundation met in Moscow on 14 July 2009 to plan an exchange programme with Kyiv.",
    "Officials of the World Bank (WB) said on Friday that the grant would reach Almaty by March 2010.",
    "A delegation from the University of Oxford visited Tbilisi, Georgia, the following week.",
)


def _corpus(raw: Path) -> None:
    raw.mkdir()
    for number in range(DOCUMENTS):
        paragraphs = [f"Report {number}", *(PARAGRAPHS[(number + i) % 3] for i in range(6))]
        (raw / f"doc-{number:03d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")


def _tree(out: Path) -> dict[str, bytes]:
    return output_tree(out)


def _run_and_kill(raw: Path, out: Path, docs_before_kill: int) -> None:
    """Start `pipeline run` and SIGKILL it once `docs_before_kill` pretty records exist."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", str(raw), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300  # a safety net for a hung child, not a timing assertion
        while process.poll() is None and time.monotonic() < deadline:
            if len(list((out / "docs").glob("*.json"))) >= docs_before_kill:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        if process.poll() is None and time.monotonic() >= deadline:
            process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed: make the corpus larger"


def _assert_nothing_truncated(out: Path) -> None:
    records = out / "records.jsonl"
    if records.exists():
        for line in records.read_text(encoding="utf-8").splitlines():
            Record.model_validate_json(line)
    manifest = out / "manifest.json"
    if manifest.exists():
        assert "inputs" in json.loads(manifest.read_text(encoding="utf-8"))
    for path in out.rglob("*"):
        if path.is_dir():
            continue
        if path.name.startswith(CACHE_FILE):
            continue  # SQLite's own files: its transactions survive a kill
        if path.name.startswith("."):
            # An unfinished write, hidden from readers, or the names of the docs files the run created.
            assert _TEMPORARY.match(path.name) or path.name == JOURNAL_FILE, path
            continue
        if path.parent.name == "docs":
            text = path.read_text(encoding="utf-8")
            assert text == record_pretty(Record.model_validate_json(text)), path  # complete, not cut short
        else:
            assert path.name in ("records.jsonl", "manifest.json"), path


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_killed_runs_leave_valid_files_and_the_next_run_completes(tmp_path: Path) -> None:
    raw, out, clean = tmp_path / "raw", tmp_path / "out", tmp_path / "clean"
    _corpus(raw)
    _run_and_kill(raw, out, docs_before_kill=1)  # killed early: no records.jsonl or manifest yet
    assert not (out / "manifest.json").exists()
    _assert_nothing_truncated(out)
    _run_and_kill(raw, out, docs_before_kill=DOCUMENTS // 2)  # killed again, over the first one's leftovers
    _assert_nothing_truncated(out)
    assert any(_TEMPORARY.match(p.name) for p in out.iterdir()), "expected the killed runs' temporary files"

    summary = api.run([raw], out)
    assert summary.ok and summary.counts["ok"] == DOCUMENTS
    assert summary.reused > 0  # what the killed runs finished is not done again
    assert api.validate_output(out) == []
    leftovers = [p for p in out.rglob("*") if p.name.startswith(".") and not p.name.startswith(CACHE_FILE)]
    assert not leftovers  # leftovers of the killed runs are gone
    api.run([raw], clean)
    assert _tree(out) == _tree(clean)
