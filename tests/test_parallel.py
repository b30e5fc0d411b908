"""--jobs: worker processes give the same bytes as one process; results come back in order, a bounded window."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import output_tree

from pipeline import api
from pipeline.cli import main
from pipeline.config import EntitiesConfig, PipelineConfig
from pipeline.errors import DocumentFailure, ErrorCode, PipelineError
from pipeline.executors import in_order
from pipeline.reader import InputRef
from pipeline.runner import Outcome

ARTICLE = "The Eurasia Foundation met in Moscow in July 2009 to plan the exchange programme.\n"


def small_corpus(raw: Path) -> Path:
    """Seven inputs of every kind, one failing, with a sidecar date and a JSONL file."""
    (raw / "news").mkdir(parents=True)
    for number, city in enumerate(["Paris", "Columbus, Ohio", "Berlin"]):
        text = f"Delegates of the World Bank met in {city} on {number + 3} May 2011.\n\nThey met again yesterday.\n"
        (raw / "news" / f"{number}.txt").write_text(text, encoding="utf-8")
    (raw / "news" / "1.meta.json").write_text('{"date": "2011-05-20"}', encoding="utf-8")
    (raw / "page.html").write_text(f"<html><nav>Home | About</nav><p>{ARTICLE}</p></html>", encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")
    lines = [{"id": "x", "text": ARTICLE}, {"id": "y", "text": ARTICLE.replace("Moscow", "Kyiv")}]
    (raw / "feed.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return raw


def test_two_workers_give_the_same_bytes_as_one_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = small_corpus(tmp_path / "raw")
    one = api.run([raw], tmp_path / "one", jobs=1)
    assert one.counts == {"ok": 6, "failed": 1, "skipped": 0, "inputs": 7}
    assert main(["run", str(raw), "--out", str(tmp_path / "two"), "--jobs", "2"]) == 1
    assert "failed: empty.txt: load: empty file: no text to extract [E603]" in capsys.readouterr().err
    assert output_tree(tmp_path / "two") == output_tree(tmp_path / "one")


def test_a_run_level_error_in_a_worker_stops_the_run(tmp_path: Path) -> None:
    raw = small_corpus(tmp_path / "raw")
    config = PipelineConfig(entities=EntitiesConfig(model="no_such_model_package"))
    with pytest.raises(PipelineError, match=r"\[E201\] spaCy model 'no_such_model_package' is not installed"):
        api.run([raw], tmp_path / "out", config, jobs=2)
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_jobs_must_be_positive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = small_corpus(tmp_path / "raw")
    assert main(["run", str(raw), "--out", str(tmp_path / "out"), "--jobs", "0"]) == 2
    assert "[E102] jobs must be at least 1" in capsys.readouterr().err


class _Slow:
    """A pending outcome that is ready only after `ready_after` calls of the clock."""

    def __init__(self, ref: InputRef, log: list[str]) -> None:
        self.ref = ref
        self.log = log

    def result(self) -> Outcome:
        self.log.append(f"wait {self.ref.id}")
        return Outcome(self.ref, None, error="done")


def test_in_order_keeps_submission_order_and_a_bounded_window() -> None:
    refs = [InputRef(id=f"{n:02d}", path=f"{n:02d}.txt", file=Path(f"{n:02d}.txt")) for n in range(10)]
    log: list[str] = []
    in_flight = 0
    most_in_flight = 0

    def submit(ref: InputRef) -> _Slow | None:
        nonlocal in_flight, most_in_flight
        log.append(f"submit {ref.id}")
        if int(ref.id) % 3 == 0:
            return None  # a cache hit: nothing to wait for
        in_flight += 1
        most_in_flight = max(most_in_flight, in_flight)
        return _Slow(ref, log)

    seen = []
    for ref, outcome in in_order(refs, submit, window=3):
        if outcome is not None:
            in_flight -= 1
        seen.append((ref.id, outcome is None))
    assert seen == [(r.id, int(r.id) % 3 == 0) for r in refs]
    assert most_in_flight <= 3
    # Work is submitted ahead of the first wait, not all at once.
    assert log.index("wait 01") < log.index("submit 06")
    assert log.index("submit 03") < log.index("wait 01")


def test_the_runner_reports_each_stage_in_the_summary_never_in_the_output(tmp_path: Path) -> None:
    raw = small_corpus(tmp_path / "raw")
    summary = api.run([raw], tmp_path / "out", jobs=1)
    assert list(summary.stages) == ["load", "strip", "metadata", "dates", "entities", "places", "validate"]
    assert all(seconds > 0 for seconds in summary.stage_seconds.values())
    # Seven inputs are loaded; the empty one fails there, and six go on to the end.
    assert [(s.documents, s.failed) for s in summary.stages.values()] == [(7, 1)] + [(6, 0)] * 6
    empty = DocumentFailure(code=ErrorCode.NOT_TEXT, stage="load", message="empty file: no text to extract")
    assert summary.failures == [("empty.txt", empty)]
    manifest = (tmp_path / "out" / "manifest.json").read_text(encoding="utf-8")
    assert '"seconds"' not in manifest and '"documents"' not in manifest
    again = api.run([raw], tmp_path / "out", jobs=1)  # from the cache: no stage ran
    assert again.reused == 6 and [s.documents for s in again.stages.values()] == [1, 0, 0, 0, 0, 0, 0]


def test_a_chunk_gives_the_outcomes_of_its_documents_one_by_one(tmp_path: Path) -> None:
    from pipeline.reader import list_inputs
    from pipeline.runner import Pipeline

    refs = list_inputs([small_corpus(tmp_path / "raw")]).refs
    pipeline = Pipeline(PipelineConfig())
    together = pipeline.process_many(refs)
    assert [o.ref for o in together] == list(refs)
    assert together == [pipeline.process(ref) for ref in refs]
    assert sum(o.record is not None for o in together) == 6  # and the empty file fails, alone


def test_a_chunk_whose_model_pass_fails_falls_back_to_each_document(tmp_path: Path) -> None:
    from pipeline.reader import list_inputs
    from pipeline.runner import Pipeline

    refs = list_inputs([small_corpus(tmp_path / "raw")]).refs
    expected = Pipeline(PipelineConfig()).process_many(refs)
    pipeline = Pipeline(PipelineConfig())
    [entities] = [stage for stage in pipeline.chain.stages if stage.name == "entities"]
    calls = []

    def broken(docs: object) -> None:
        calls.append(docs)
        raise ValueError("the batch is too long for the model")

    entities.process_batch = broken  # type: ignore[method-assign,assignment]
    assert pipeline.process_many(refs) == expected
    assert len(calls) == 1  # one try with the whole chunk, then each document on its own
