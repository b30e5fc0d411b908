"""The incremental cache: a re-run redoes only what changed, and the output is the same as a fresh run."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import RAW, output_tree

from pipeline import api, runner, survey
from pipeline.cache import CACHE_FILE, CachedRecord, ResultCache
from pipeline.cli import main
from pipeline.config import PipelineConfig, PlacesConfig
from pipeline.reader import InputRef, RawInput, read_input
from pipeline.runner import Pipeline
from pipeline.writer import pretty_from_line, record_line, record_pretty

ARTICLE = "The Eurasia Foundation met in Moscow in July 2009 to plan the exchange programme.\n"
RELATIVE = "Officials of the World Bank arrived in Columbus, Ohio yesterday to sign the agreement.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (raw / "b.txt").write_text(RELATIVE, encoding="utf-8")
    lines = [{"id": "1", "text": ARTICLE}, {"id": "2", "text": RELATIVE, "date": "2011-11-14"}]
    (raw / "feed.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return raw


def _run(raw: Path, out: Path, **options: Any) -> api.RunSummary:
    return api.run([raw], out, jobs=1, **options)


def _fresh(raw: Path, tmp_path: Path, name: str = "fresh", **options: Any) -> dict[str, bytes]:
    fresh = tmp_path / name
    _run(raw, fresh, **options)
    return output_tree(fresh)


def _no_processing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Pipeline, ref: object) -> None:
        raise AssertionError(f"{ref} was processed, not taken from the cache")

    monkeypatch.setattr(Pipeline, "process", refuse)


def test_a_no_change_rerun_processes_nothing_and_rewrites_nothing(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = _run(corpus, out)
    assert (first.reused, first.counts["ok"]) == (0, 4)
    before = output_tree(out)
    times = {p: p.stat().st_mtime_ns for p in out.rglob("*.json*")}
    _no_processing(monkeypatch)
    again = _run(corpus, out)
    assert (again.reused, again.counts["ok"]) == (4, 4)
    assert output_tree(out) == before
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.json*")} == times


def test_a_changed_input_alone_is_processed_again(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out)
    (corpus / "a.txt").write_text(ARTICLE.replace("July 2009", "August 2010"), encoding="utf-8")
    summary = _run(corpus, out)
    assert summary.reused == 3
    record = json.loads((out / "docs" / "a.json").read_text(encoding="utf-8"))
    assert [d["value"] for d in record["dates"]] == ["2010-08"]
    assert output_tree(out) == _fresh(corpus, tmp_path)


def test_a_changed_jsonl_line_alone_is_processed_again(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out)
    lines = [{"id": "1", "text": ARTICLE}, {"id": "2", "text": RELATIVE, "date": "2011-11-20"}]
    (corpus / "feed.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    summary = _run(corpus, out)
    assert summary.reused == 3
    record = json.loads((out / "docs" / "feed" / "2.json").read_text(encoding="utf-8"))
    assert [d["value"] for d in record["dates"]] == ["2011-11-19"]
    assert output_tree(out) == _fresh(corpus, tmp_path)


def test_a_changed_sidecar_invalidates_its_document(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out)
    assert json.loads((out / "docs" / "b.json").read_text(encoding="utf-8"))["dates"] == []  # no anchor
    (corpus / "b.meta.json").write_text('{"date": "2012-03-09"}', encoding="utf-8")
    assert _run(corpus, out).reused == 3
    (corpus / "b.meta.json").write_text('{"date": "2012-03-10"}', encoding="utf-8")
    assert _run(corpus, out).reused == 3
    record = json.loads((out / "docs" / "b.json").read_text(encoding="utf-8"))
    assert [d["value"] for d in record["dates"]] == ["2012-03-09"]
    assert output_tree(out) == _fresh(corpus, tmp_path)


def test_a_changed_configuration_invalidates_everything(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out)
    config = PipelineConfig(places=PlacesConfig(merge_state_qualifiers=True))
    summary = _run(corpus, out, config=config)
    assert summary.reused == 0
    assert output_tree(out) == _fresh(corpus, tmp_path, config=config)
    assert _run(corpus, out, config=config).reused == 4


def test_force_processes_everything_and_gives_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out)
    before = output_tree(out)
    assert _run(corpus, out, force=True).reused == 0
    assert output_tree(out) == before
    assert main(["run", str(corpus), "--out", str(out), "--jobs", "1", "--force"]) == 0
    assert output_tree(out) == before


def test_removed_inputs_leave_the_output_and_the_cache(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out)
    (corpus / "b.txt").unlink()
    (corpus / "feed.jsonl").write_text(json.dumps({"id": "1", "text": ARTICLE}) + "\n", encoding="utf-8")
    summary = _run(corpus, out)
    assert (summary.reused, summary.counts["inputs"]) == (2, 2)
    assert sorted(output_tree(out)) == ["docs/a.json", "docs/feed/1.json", "manifest.json", "records.jsonl"]
    ids = [json.loads(line)["id"] for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert ids == ["a", "feed/1"]
    with ResultCache(out / CACHE_FILE) as cache:
        assert len(cache) == 2
    assert output_tree(out) == _fresh(corpus, tmp_path)


def test_failures_are_retried_not_cached(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (corpus / "empty.txt").write_bytes(b"")
    first = _run(corpus, out)
    assert first.counts["failed"] == 1
    again = _run(corpus, out)
    assert (again.reused, again.counts["failed"]) == (4, 1)
    (corpus / "empty.txt").write_text(ARTICLE, encoding="utf-8")
    fixed = _run(corpus, out)
    assert (fixed.reused, fixed.counts["ok"], fixed.counts["failed"]) == (4, 5, 0)


def test_an_unreadable_cache_is_replaced(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / CACHE_FILE).write_bytes(b"not a database, just some bytes that are long enough to look like a header")
    summary = _run(corpus, out)
    assert (summary.ok, summary.reused) == (True, 0)
    assert _run(corpus, out).reused == 4


def test_each_stored_record_is_committed_at_once(tmp_path: Path) -> None:
    # What a kill -9 cannot take away: another connection sees the row while the cache is still open.
    path = tmp_path / CACHE_FILE
    with ResultCache(path) as cache:
        cache.put("a", "key-1", CachedRecord('{"id":"a"}', unresolved_dates=2))
        assert sqlite3.connect(path).execute("SELECT id, key, line, unresolved_dates FROM records").fetchall() == [
            ("a", "key-1", '{"id":"a"}', 2)
        ]
        assert cache.get("a", "key-1") == CachedRecord('{"id":"a"}', unresolved_dates=2)
        assert cache.get("a", "key-2") is None


def test_a_cache_of_an_older_format_is_emptied(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE records (id TEXT PRIMARY KEY, key TEXT NOT NULL, line TEXT NOT NULL)")
    old.execute("INSERT INTO records VALUES ('a', 'key-1', '{}')")
    old.commit()
    old.close()
    with ResultCache(path) as cache:
        assert len(cache) == 0
        cache.put("a", "key-1", CachedRecord("{}"))
        assert cache.get("a", "key-1") == CachedRecord("{}")


def test_the_pretty_form_of_a_line_is_the_pretty_form_of_its_record(seed_run: Path) -> None:
    from pipeline.records import Record

    for line in (seed_run / "records.jsonl").read_text(encoding="utf-8").splitlines():
        record = Record.model_validate_json(line)
        assert record_line(record) == line
        assert pretty_from_line(line) == record_pretty(record)


def test_the_seed_output_is_the_same_from_the_cache(seed_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(RAW, out)
    summary = _run(RAW, out)
    assert summary.reused == 2
    assert output_tree(out) == output_tree(seed_run)


def test_a_run_after_a_killed_run_reuses_its_records_and_clears_its_leftovers(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out)
    # What kill -9 during the next run leaves: a partial records file under another process id.
    (out / "records.jsonl").unlink()
    (out / ".records.jsonl.99999.tmp").write_text('{"id": "a"', encoding="utf-8")
    summary = _run(corpus, out)
    assert summary.reused == 4
    assert output_tree(out) == _fresh(corpus, tmp_path)
    assert not list(out.glob(".*.tmp"))


def test_unresolved_relative_dates_are_counted_from_the_cache_too(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out)
    cold = (out / "manifest.json").read_bytes()
    manifest = json.loads(cold)
    unresolved = {e["id"]: e["unresolved_relative_dates"] for e in manifest["inputs"]}
    assert unresolved["b"] > 0 and unresolved["feed/2"] == 0  # the same text, with a document date
    assert manifest["unresolved_relative_dates"] == sum(unresolved.values())
    assert _run(corpus, out).reused == 4
    assert (out / "manifest.json").read_bytes() == cold


def _site_pages(raw: Path, count: int, footer: str = "A Site By Somebody Ltd") -> None:
    raw.mkdir(exist_ok=True)
    for n in range(count):
        text = f"Home   Shop   Contact\n{footer}\n\nStory {n}\n\n{ARTICLE.strip()} It was meeting {n}.\n"
        (raw / f"page{n}.txt").write_text(text, encoding="utf-8")


def test_lines_a_batch_repeats_are_dropped_and_their_change_redoes_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    _site_pages(raw, 5)
    reads: list[str] = []

    def counted_read(ref: InputRef, max_bytes: int) -> RawInput:
        reads.append(ref.id)
        return read_input(ref, max_bytes)

    monkeypatch.setattr(survey, "read_input", counted_read)
    monkeypatch.setattr(runner, "read_input", counted_read)
    _run(raw, out)
    # A cold run reads each page once in the survey (its key, and its lines for the template)
    # and once more to process it.
    assert sorted(reads) == sorted([f"page{n}" for n in range(5)] * 2)
    reads.clear()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["template_lines"]["count"] == 2
    record = json.loads((out / "docs" / "page0.json").read_text(encoding="utf-8"))
    assert {"kind": "navigation", "text": "A Site By Somebody Ltd"} in record["boilerplate"]
    assert "Somebody" not in record["text"]
    assert _run(raw, out).reused == 5
    # An unchanged batch: one read of each page for its key; the template lines come from the cache.
    assert sorted(reads) == [f"page{n}" for n in range(5)]
    _site_pages(raw, 5, footer="A Site By Somebody Else")  # the template changes: every page is redone
    assert _run(raw, out).reused == 0
    assert output_tree(out) == _fresh(raw, tmp_path)


def test_an_edited_or_lost_pretty_copy_is_restored_from_the_cache(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run(corpus, out)
    clean = output_tree(out)
    (out / "docs" / "a.json").write_text('{"edited": true}\n', encoding="utf-8")
    (out / "docs" / "b.json").unlink()
    assert _run(corpus, out).reused == 4
    assert output_tree(out) == clean
