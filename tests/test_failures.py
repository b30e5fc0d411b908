"""A batch with bad inputs: every input is accounted for, the good ones still get records."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from pipeline import api
from pipeline.cli import main
from pipeline.config import EntitiesConfig, PipelineConfig
from pipeline.errors import PipelineError

GOOD = "The Eurasia Foundation met in Moscow in July 2009 to plan the exchange programme.\n"


@pytest.fixture
def mixed_inputs(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "good.txt").write_text(GOOD, encoding="utf-8")
    (raw / "sub" / "page.html").write_text(f"<html><body><p>{GOOD}</p></body></html>", encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (raw / "archive.html").write_bytes(gzip.compress(b"<p>hello</p>"))
    (raw / "notes.md").write_text("# not an input\n", encoding="utf-8")
    lines = [
        {"id": "one", "text": GOOD, "date": "2009-07-20"},
        {"id": "../escape", "text": GOOD},
        {"content": GOOD},  # no id: numbered by its line; "content" is a text field too
        {"id": "two", "text": ""},
    ]
    (raw / "batch.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n{broken\n", encoding="utf-8")
    (raw / "good.html").write_text(f"<p>{GOOD}</p>", encoding="utf-8")  # same id as good.txt
    return raw


def _manifest(out: Path) -> dict[str, Any]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def test_every_input_ends_ok_failed_or_skipped(mixed_inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = api.run([mixed_inputs], out)
    entries = {entry["path"]: entry for entry in _manifest(out)["inputs"]}
    assert {path: entry["status"] for path, entry in entries.items()} == {
        "archive.html": "failed",
        "batch.jsonl:1": "ok",
        "batch.jsonl:2": "failed",
        "batch.jsonl:3": "ok",
        "batch.jsonl:4": "failed",
        "batch.jsonl:5": "failed",
        "empty.txt": "failed",
        "good.html": "ok",
        "good.txt": "failed",
        "image.txt": "failed",
        "notes.md": "skipped",
        "sub/page.html": "ok",
    }
    # Each failure has its code in the catalogue, the stage it failed in (none: refused at
    # listing), and a message a user can act on.
    assert {path: (e["error"]["code"], e["error"]["stage"]) for path, e in entries.items() if "error" in e} == {
        "archive.html": ("E603", "load"),
        "batch.jsonl:2": ("E606", None),
        "batch.jsonl:4": ("E604", "load"),
        "batch.jsonl:5": ("E606", None),
        "empty.txt": ("E603", "load"),
        "good.txt": ("E606", None),
        "image.txt": ("E603", "load"),
    }
    assert "binary content (gzip archive)" in entries["archive.html"]["error"]["message"]
    assert "binary content (PNG image)" in entries["image.txt"]["error"]["message"]
    assert "empty file" in entries["empty.txt"]["error"]["message"]
    assert "duplicate id 'good': good.html has it too" in entries["good.txt"]["error"]["message"]
    assert "cannot name a file" in entries["batch.jsonl:2"]["error"]["message"]
    assert entries["batch.jsonl:3"]["id"] == "batch/line-000003"
    assert "non-empty string 'text' or 'html'" in entries["batch.jsonl:4"]["error"]["message"]
    assert "not a JSON object" in entries["batch.jsonl:5"]["error"]["message"]
    assert "not a supported input type (.md" in entries["notes.md"]["reason"]
    assert entries["notes.md"]["id"] is None and "error" not in entries["notes.md"]
    assert not summary.ok
    assert summary.counts == {"ok": 4, "failed": 7, "skipped": 1, "inputs": 12}
    records = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["batch/line-000003", "batch/one", "good", "sub/page"]
    assert all(r["dates"][0]["value"] == "2009-07" for r in records)
    assert records[1]["source"]["format"] == "jsonl" and records[2]["source"]["format"] == "html"
    assert records[3]["source"]["format"] == "html"
    assert not list(out.rglob("*.tmp"))


def test_cli_exit_code_is_non_zero_when_a_document_fails(
    mixed_inputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(mixed_inputs), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "failed: image.txt: load: binary content (PNG image), not text or HTML [E603]" in err
    assert "12 inputs: 4 ok, 7 failed, 1 skipped" in err


def test_missing_input_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    assert "[E101]" in capsys.readouterr().err


def test_deeply_nested_html_is_read_without_recursion(tmp_path: Path) -> None:
    # 100,000 levels: far past Python's recursion limit; the walk keeps its own stack.
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "deep.html").write_text("<div>" * 100_000 + f"<p>{GOOD}</p>" + "</div>" * 100_000, encoding="utf-8")
    summary = api.run([raw], tmp_path / "out")
    assert summary.ok
    record = json.loads((tmp_path / "out" / "docs" / "deep.json").read_text(encoding="utf-8"))
    assert record["text"] == " ".join(GOOD.split())


def test_every_repeated_name_is_marked_on_a_long_page(tmp_path: Path) -> None:
    # 1,200 mentions of one name: every occurrence is marked (this once took minutes, see _DisjointSpans).
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "long.txt").write_text((GOOD * 3 + "\n\n") * 400, encoding="utf-8")
    summary = api.run([raw], tmp_path / "out")
    assert summary.ok
    record = json.loads((tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8"))
    foundation = next(o for o in record["organizations"] if o["name"] == "Eurasia Foundation")
    assert len(foundation["mentions"]) == 1200


def test_a_missing_model_stops_the_run_with_a_coded_error(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "fine.txt").write_text(GOOD, encoding="utf-8")
    config = PipelineConfig(entities=EntitiesConfig(model="no_such_model_package"))
    with pytest.raises(PipelineError, match=r"\[E201\] spaCy model 'no_such_model_package' is not installed"):
        api.run([raw], tmp_path / "out", config)
    assert not (tmp_path / "out" / "manifest.json").exists()
