"""Shared fixtures: the seeds processed once per test session with the real model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.records import Source

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "raw"
SEED_IDS = ("000_dda8e69f9ca48918", "003_72cd0d0011ff537b")


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder produced from raw/ by the library API."""
    from pipeline import api

    out = tmp_path_factory.mktemp("seed-output")
    summary = api.run([RAW], out)
    assert summary.ok, summary.failures
    return out


@pytest.fixture(scope="session")
def seed_records(seed_run: Path) -> dict[str, dict[str, Any]]:
    """The seed records by id, as written to records.jsonl."""
    lines = (seed_run / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


def make_source(text: str = "x") -> Source:
    """A source for documents built by hand in unit tests."""
    return Source(path="t.txt", sha256="0" * 64, format="text", encoding="utf-8", bytes=len(text.encode()))


def output_tree(root: Path) -> dict[str, bytes]:
    """Every file of an output folder by relative path, without the cache (not part of the output)."""
    from pipeline.cache import CACHE_FILE

    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(CACHE_FILE)
    }


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of an output folder, as JSON."""
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def input_outcomes(out: Path) -> dict[str, tuple[str, str | None]]:
    """Each input's status and reason by path, from an output folder's manifest."""
    return {e["path"]: (e["status"], outcome_reason(e)) for e in read_manifest(out)["inputs"]}


def outcome_reason(entry: dict[str, Any]) -> str | None:
    """A failure as "stage: message" (just the message when it failed at listing), or a skip's reason."""
    if "error" not in entry:
        return entry.get("reason")
    error = entry["error"]
    return f"{error['stage']}: {error['message']}" if error["stage"] else error["message"]
