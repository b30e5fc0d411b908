"""Hostile inputs: nothing crashes, nothing is lost, nothing escapes (issue 8).

The committed corpus `tests/hostile/` holds the small cases; big and file-system cases
(50 MB of text, 100,000 levels of nesting, huge attributes, link loops, a FIFO, unreadable
and badly named files) are made here in `tmp_path`.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import input_outcomes, read_manifest

from pipeline import api
from pipeline.config import LimitsConfig, PipelineConfig
from pipeline.errors import DocumentError, PipelineError
from pipeline.limits import TimeLimitExceeded, can_enforce, time_limit
from pipeline.reader import MAX_ID_NAME_BYTES, InputRef, list_inputs, read_input
from pipeline.runner import Pipeline

HOSTILE = Path(__file__).resolve().parent / "hostile"
GOOD = "The Eurasia Foundation met in Moscow in July 2009 to plan the exchange programme.\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

# Every committed input: its status, and a piece of its reason (None for `ok`).
EXPECTED_CORPUS: dict[str, tuple[str, str | None]] = {
    "README.md": ("skipped", "not a supported input type (.md"),
    "a-few-nuls.txt": ("ok", None),
    "bad-sidecar.txt": ("failed", 'load: sidecar bad-sidecar.meta.json: "date" must be a string YYYY-MM-DD'),
    "bidi-zero-width.txt": ("ok", None),
    "deep-sidecar.txt": ("failed", "load: sidecar deep-sidecar.meta.json: JSON nested deeper than 64 levels"),
    "deep.jsonl:1": ("failed", "JSON nested deeper than 64 levels; refused before parsing"),
    "deep.jsonl:2": ("failed", "JSON number of 5000 characters (at most 100); refused before parsing"),
    "cp1252.txt": ("ok", None),
    "dup.html": ("ok", None),
    "dup.txt": ("failed", "duplicate id 'dup': dup.html has it too"),
    "empty.txt": ("failed", "load: empty file: no text to extract"),
    "entity-bomb.html": ("ok", None),
    "far-future.txt": ("failed", "load: sidecar far-future.meta.json: \"date\" '9999-12-31' is outside the years"),
    "feb-30.txt": ("failed", "load: sidecar feb-30.meta.json: \"date\" '2020-02-30' is not a day of the calendar"),
    "feed.jsonl:1": ("ok", None),
    "feed.jsonl:2": ("failed", "id '../escape' cannot name a file"),
    "feed.jsonl:3": ("failed", "id '/etc/passwd' cannot name a file"),
    "feed.jsonl:4": ("failed", "id 'a/b' cannot name a file"),
    "feed.jsonl:5": ("failed", "id 'a\\\\b' cannot name a file"),
    "feed.jsonl:6": ("failed", "id '..' cannot name a file"),
    "feed.jsonl:7": ("failed", "id 'nul\\x00' cannot name a file"),
    "feed.jsonl:8": ("ok", None),
    "feed.jsonl:9": ("failed", "load: a JSONL document needs a non-empty string 'text' or 'html'"),
    "feed.jsonl:10": ("failed", "load: a JSONL document needs a non-empty string 'text' or 'html'"),
    "feed.jsonl:11": ("failed", "load: 'date' must be an ISO date YYYY-MM-DD, not inf"),
    "feed.jsonl:12": ("failed", "not a JSON object"),
    "feed.jsonl:13": ("ok", None),
    "feed.jsonl:14": ("failed", "not a JSON object: Expecting value"),
    "feed/x.txt": ("failed", "duplicate id 'feed/x': feed.jsonl:1 has it too"),
    "gzip-named.html": ("failed", "load: binary content (gzip archive), not text or HTML"),
    "latin-1.txt": ("ok", None),
    "many-entities.html": ("ok", None),
    "mixed-encodings.txt": ("ok", None),
    "name with spaces ü é.txt": ("ok", None),
    "nul-bytes.txt": ("failed", "load: binary content (96% NUL bytes), not text or HTML"),
    "png-named.txt": ("failed", "load: binary content (PNG image), not text or HTML"),
    "script-only.html": ("ok", None),
    "unclosed-tags.html": ("ok", None),
    "utf-16.txt": ("ok", None),
    "whitespace.txt": ("failed", "load: file holds only white space"),
}


def _records(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


def _assert_outcomes(actual: dict[str, tuple[str, str | None]], expected: dict[str, tuple[str, str | None]]) -> None:
    assert sorted(actual) == sorted(expected)
    for path, (status, reason) in expected.items():
        got_status, got_reason = actual[path]
        assert got_status == status, (path, actual[path])
        if reason is None:
            assert got_reason is None, (path, got_reason)
        else:
            assert got_reason is not None and reason in got_reason, (path, got_reason)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile-out")
    summary = api.run([HOSTILE], out)
    assert not summary.ok  # the corpus is meant to fail in places
    return out


def test_every_committed_input_ends_with_a_readable_outcome(corpus_run: Path) -> None:
    _assert_outcomes(input_outcomes(corpus_run), EXPECTED_CORPUS)
    assert api.validate_output(corpus_run) == []
    assert not list(corpus_run.rglob("*.tmp"))


def test_nothing_in_the_corpus_is_lost(corpus_run: Path) -> None:
    # Every file is in the manifest (a JSONL file once per line); only the sidecar rides with its input.
    files = {p.relative_to(HOSTILE).as_posix() for p in HOSTILE.rglob("*") if p.is_file()}
    listed = {entry["path"].split(":")[0] for entry in read_manifest(corpus_run)["inputs"]}
    sidecars = {f"{name}.meta.json" for name in ("bad-sidecar", "deep-sidecar", "far-future", "feb-30")}
    assert files - listed == sidecars
    lines = (HOSTILE / "feed.jsonl").read_bytes().splitlines()
    assert sum(e["path"].startswith("feed.jsonl:") for e in read_manifest(corpus_run)["inputs"]) == len(lines)


def test_encodings_are_read_as_written(corpus_run: Path) -> None:
    records = _records(corpus_run)
    mixed = records["mixed-encodings"]
    assert "the café in Zürich" in mixed["text"] and "“smart quotes” — and résumé" in mixed["text"]
    assert mixed["source"]["encoding"] == "utf-8+cp1252"
    assert "réuni à Genève" in records["latin-1"]["text"]
    assert "the café’s menu was €12" in records["cp1252"]["text"]
    assert records["utf-16"]["source"]["encoding"] == "utf-16"
    assert "Moscow" in records["a-few-nuls"]["text"] and "\x00" not in records["a-few-nuls"]["text"]
    assert records["name with spaces ü é"]["source"]["path"] == "name with spaces ü é.txt"
    assert (corpus_run / "docs" / "name with spaces ü é.json").is_file()


def test_direction_overrides_and_zero_width_spaces_are_removed(corpus_run: Path) -> None:
    text = _records(corpus_run)["bidi-zero-width"]["text"]
    assert not re.search("[\u200b\u202a-\u202e\u2066-\u2069\ufeff]", text)
    assert "The Eurasia Foundation met" in text and "😀" in text


def test_entity_declarations_are_not_expanded(corpus_run: Path) -> None:
    record = _records(corpus_run)["entity-bomb"]
    assert "lollol" not in record["text"] and len(record["text"]) < 500
    assert "Eurasia Foundation" in [o["name"] for o in record["organizations"]]


def test_a_page_without_text_gives_an_empty_record(corpus_run: Path) -> None:
    record = _records(corpus_run)["script-only"]
    assert (record["text"], record["blocks"]) == ("", [])


# -- generated inputs: big files, links, special files, names --------------------------------


def _write_repeated(path: Path, size: int) -> None:
    """Write `size` bytes of plausible prose, paragraph after paragraph, without holding it in memory."""
    paragraph = (GOOD * 6 + "\n").encode()
    with path.open("wb") as handle:
        for _ in range(size // len(paragraph)):
            handle.write(paragraph)
        handle.write(paragraph[: size % len(paragraph)])


def _generated_inputs(raw: Path, outside: Path) -> dict[str, tuple[str, str | None]]:
    """Make the generated hostile inputs and return what each must become."""
    raw.mkdir()
    (raw / "good.txt").write_text(GOOD, encoding="utf-8")
    expected: dict[str, tuple[str, str | None]] = {"good.txt": ("ok", None)}

    _write_repeated(raw / "fifty-mb.txt", 50 * 1024 * 1024)
    expected["fifty-mb.txt"] = ("failed", "load: file is 52428800 bytes, over the limit of 50000000 (load.max_bytes)")
    _write_repeated(raw / "at-the-size-limit.txt", 50_000_000)  # read, then stopped by the time limit
    expected["at-the-size-limit.txt"] = ("failed", "stopped after 10 s (time limit)")

    depth = 100_000
    (raw / "deep.html").write_text("<div>" * depth + "<p>Deep.</p>" + "</div>" * depth, encoding="utf-8")
    expected["deep.html"] = ("ok", None)  # the walk keeps its own stack: about 2 s here
    attributes = " ".join(f'data-a{i}="{i}"' for i in range(20_000))
    huge = f'<html><body><p title="{"x" * 5_000_000}" {attributes}>{GOOD}</p></body></html>'
    (raw / "huge-attributes.html").write_text(huge, encoding="utf-8")
    expected["huge-attributes.html"] = ("ok", None)

    (raw / "loop-a.txt").symlink_to("loop-b.txt")
    (raw / "loop-b.txt").symlink_to("loop-a.txt")
    expected["loop-a.txt"] = ("failed", "load: cannot read loop-a.txt: Too many levels of symbolic links")
    expected["loop-b.txt"] = ("failed", "load: cannot read loop-b.txt: Too many levels of symbolic links")
    (raw / "folder-loop").symlink_to(".")
    expected["folder-loop"] = ("skipped", "symbolic link to a folder; links to folders are not followed")
    (outside / "secret.txt").write_text("A file outside the input folder, from 2001.\n", encoding="utf-8")
    (raw / "leaves.txt").symlink_to(outside / "secret.txt")
    expected["leaves.txt"] = ("failed", "symbolic link to a file outside the input folder; refused")
    (raw / "leaves-relative.txt").symlink_to(Path("..") / outside.name / "secret.txt")
    expected["leaves-relative.txt"] = ("failed", "symbolic link to a file outside the input folder; refused")
    (raw / "leaves.md").symlink_to(outside / "secret.txt")  # never read, so only skipped as usual
    expected["leaves.md"] = ("skipped", "not a supported input type (.md")
    (raw / "outside-folder").symlink_to(outside, target_is_directory=True)
    expected["outside-folder"] = ("skipped", "links to folders are not followed")
    (raw / "inside.txt").symlink_to("good.txt")  # a link that stays inside is an ordinary input
    expected["inside.txt"] = ("ok", None)
    (raw / "dangling.txt").symlink_to("nowhere.txt")
    expected["dangling.txt"] = ("failed", "load: cannot read dangling.txt: No such file or directory")

    os.mkfifo(raw / "fifo.txt")  # opening it for reading would block forever
    expected["fifo.txt"] = ("failed", "load: fifo.txt is a FIFO, not a regular file")
    os.mkfifo(raw / "fifo.jsonl")
    expected["fifo.jsonl"] = ("failed", "fifo.jsonl is a FIFO, not a regular file")
    (raw / "folder.txt").mkdir()  # a folder named like a file is walked, not read
    (raw / "folder.txt" / "inner.txt").write_text(GOOD, encoding="utf-8")
    expected["folder.txt/inner.txt"] = ("ok", None)
    if not IS_ROOT:  # root reads files and folders whatever their mode
        (raw / "unreadable.txt").write_text(GOOD, encoding="utf-8")
        (raw / "unreadable.txt").chmod(0)
        expected["unreadable.txt"] = ("failed", "load: cannot read unreadable.txt: Permission denied")
        (raw / "locked").mkdir()
        (raw / "locked" / "inside.txt").write_text(GOOD, encoding="utf-8")
        (raw / "locked").chmod(0)
        expected["locked"] = ("failed", "cannot list folder locked: Permission denied")

    (raw / os.fsdecode(b"caf\xe9.txt")).write_bytes(GOOD.encode())
    expected["caf\\xe9.txt"] = ("failed", "file name is not valid UTF-8; rename the file")
    long_name = "é" * 120 + ".txt"  # 240 bytes: a valid name here, too long for docs/<id>.json and its temporary
    (raw / long_name).write_text(GOOD, encoding="utf-8")
    expected[long_name] = ("failed", f"last part is 240 bytes, at most {MAX_ID_NAME_BYTES} fit")
    (raw / "a").mkdir()
    (raw / "a" / "b.txt").write_text(GOOD, encoding="utf-8")
    (raw / "a" / "b.json").mkdir()
    (raw / "a" / "b.json" / "c.txt").write_text(GOOD, encoding="utf-8")
    expected["a/b.txt"] = ("ok", None)
    expected["a/b.json/c.txt"] = ("failed", "would need docs/a/b.json/ as a folder, but it is the file of id 'a/b'")
    return expected


_CHILD = textwrap.dedent(
    """
    import json, resource, sys
    from pathlib import Path
    from pipeline import api
    from pipeline.config import LimitsConfig, PipelineConfig
    from pipeline.gazetteer import load_gazetteer
    from pipeline.nlp import load_ner_model
    config = PipelineConfig(limits=LimitsConfig(time_limit_seconds=10))
    # Loaded before the run, so that the first good document's time limit does not pay for it.
    load_ner_model(config.entities.model)
    load_gazetteer()
    summary = api.run([Path(sys.argv[1])], Path(sys.argv[2]), config)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"counts": summary.counts, "peak_mib": peak_kib / 1024}))
    """
)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs and symbolic links need a POSIX file system")
def test_generated_hostile_inputs_complete_with_bounded_memory(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    raw, out = tmp_path / "raw", tmp_path / "out"
    expected = _generated_inputs(raw, outside)
    try:
        # A subprocess of its own, so that its peak memory is this batch's alone.
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(raw), str(out)], capture_output=True, text=True, timeout=600, check=False
        )
    finally:
        for locked in (raw / "unreadable.txt", raw / "locked"):
            if locked.exists():
                locked.chmod(0o700)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    # Generous: the model, the gazetteer and one 50 MB document in memory take about 0.4 GB.
    assert result["peak_mib"] < 1536, result
    _assert_outcomes(input_outcomes(out), expected)
    assert api.validate_output(out) == []
    assert sorted(_records(out)) == ["a/b", "deep", "folder.txt/inner", "good", "huge-attributes", "inside"]
    assert "2001" not in (out / "records.jsonl").read_text(encoding="utf-8")  # nothing read from outside
    assert all(path.resolve().is_relative_to(out.resolve()) for path in out.rglob("*"))


def test_a_link_planted_in_the_output_cannot_redirect_a_write(tmp_path: Path) -> None:
    raw, outside, out = tmp_path / "raw", tmp_path / "outside", tmp_path / "out"
    (raw / "sub").mkdir(parents=True)
    (raw / "sub" / "a.txt").write_text(GOOD, encoding="utf-8")
    outside.mkdir()
    (out / "docs").mkdir(parents=True)
    (out / "docs" / "sub").symlink_to(outside, target_is_directory=True)
    # A link is no file the pipeline wrote: the folder is refused before anything is written.
    with pytest.raises(PipelineError, match=r"\[E303\] .* holds files the pipeline did not write \(docs/sub\)"):
        api.run([raw], out)
    assert list(outside.iterdir()) == []
    assert not list(out.glob(".*.tmp"))


def test_a_file_that_grew_after_listing_is_judged_by_its_size_now(tmp_path: Path) -> None:
    (tmp_path / "grows.txt").write_text("short\n", encoding="utf-8")
    ref = list_inputs([tmp_path]).refs[0]
    (tmp_path / "grows.txt").write_text("x" * 5000, encoding="utf-8")
    with pytest.raises(DocumentError, match="file is 5000 bytes, over the limit of 1000"):
        read_input(ref, max_bytes=1000)


@pytest.mark.skipif(not Path("/proc/self/smaps").is_file(), reason="needs Linux /proc")
def test_a_file_whose_size_is_unknown_is_read_only_up_to_the_limit() -> None:
    # Files in /proc claim 0 bytes; reading stops one byte past the limit all the same.
    ref = InputRef(id="smaps", path="smaps.txt", file=Path("/proc/self/smaps"))
    with pytest.raises(DocumentError, match="file is over the limit of 1000 bytes"):
        read_input(ref, max_bytes=1000)


def test_long_jsonl_ids_are_refused_before_they_reach_the_file_system(tmp_path: Path) -> None:
    lines = [{"id": "ü" * 150, "text": GOOD}, {"id": "ü" * 100, "text": GOOD}]
    (tmp_path / "feed.jsonl").write_text("\n".join(map(json.dumps, lines)) + "\n", encoding="utf-8")
    listing = list_inputs([tmp_path])
    assert [ref.id for ref in listing.refs] == ["feed/" + "ü" * 100]
    assert [(e.path, e.status) for e in listing.entries] == [("feed.jsonl:1", "failed")]
    assert "last part is 300 bytes" in listing.entries[0].message


def test_a_sidecar_outside_the_input_folder_is_not_read(tmp_path: Path) -> None:
    raw, outside = tmp_path / "raw", tmp_path / "outside"
    raw.mkdir()
    outside.mkdir()
    (outside / "meta.json").write_text(json.dumps({"date": "2001-02-03"}), encoding="utf-8")
    (raw / "news.txt").write_text("Yesterday the council met.\n", encoding="utf-8")
    (raw / "news.meta.json").symlink_to(outside / "meta.json")
    listing = list_inputs([raw])
    assert listing.refs[0].sidecar is None
    assert read_input(listing.refs[0], 1000).sidecar_date is None
    assert [(e.path, e.status) for e in listing.entries] == [("news.meta.json", "failed")]


# -- the time limit --------------------------------------------------------------------------


def test_a_document_over_the_time_limit_fails_and_the_batch_goes_on(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text(GOOD, encoding="utf-8")
    api.run([raw], tmp_path / "warm")  # load the model and gazetteer outside the limited run
    _write_repeated(raw / "big.txt", 10_000_000)
    config = PipelineConfig(limits=LimitsConfig(time_limit_seconds=1))
    summary = api.run([raw], tmp_path / "out", config)
    assert summary.counts == {"ok": 1, "failed": 1, "skipped": 0, "inputs": 2}
    [(path, failure)] = summary.failures
    assert path == "big.txt" and failure.code == "E607"
    assert failure.stage in ("load", "strip", "dates", "entities", "places", "validate")
    assert failure.message == "stopped after 1 s (time limit)"
    assert read_manifest(tmp_path / "out")["config"]["limits"] == {"time_limit_seconds": 1.0}


def test_a_document_stopped_inside_a_stage_leaves_the_stages_usable(tmp_path: Path) -> None:
    # Stopped in the middle of spaCy's batch (on this machine: "entities"), the next documents
    # must come out exactly as they do in a run without a limit.
    small, raw = tmp_path / "small", tmp_path / "raw"
    for folder in (small, raw):
        folder.mkdir()
        (folder / "b-good.txt").write_text(GOOD, encoding="utf-8")
        (folder / "c-good.html").write_text(f"<p>{GOOD}</p>", encoding="utf-8")
    # Distinct blocks (the model reads a repeated block once), enough that the shared model
    # pass outlasts its limit (1 s for each of the three documents) on a fast machine too.
    blocks = (GOOD.replace("programme", f"programme number {n}") for n in range(8000))
    (raw / "a-many-blocks.txt").write_text("\n".join(blocks), encoding="utf-8")
    api.run([small], tmp_path / "reference")
    summary = api.run([raw], tmp_path / "out", PipelineConfig(limits=LimitsConfig(time_limit_seconds=1)))
    [(path, failure)] = summary.failures
    assert path == "a-many-blocks.txt" and failure.message == "stopped after 1 s (time limit)"
    assert _records(tmp_path / "out") == _records(tmp_path / "reference")


def test_the_time_limit_holds_where_signals_cannot_reach(tmp_path: Path) -> None:
    # In a worker thread (a Dask worker's) no timer can be set; a watcher thread raises instead.
    # Distinct blocks, so that the document takes far longer than its limit even on a fast,
    # idle machine, and the watcher is sure to fire first however the threads are scheduled.
    blocks = (GOOD.replace("programme", f"programme number {n}") for n in range(400))
    (tmp_path / "long.txt").write_text("\n".join(blocks), encoding="utf-8")
    ref = list_inputs([tmp_path]).refs[0]
    pipeline = Pipeline(PipelineConfig(limits=LimitsConfig(time_limit_seconds=0.01)))
    pipeline.setup()
    outcomes = []
    worker = threading.Thread(target=lambda: outcomes.extend(pipeline.process(ref) for _ in range(2)))
    worker.start()
    worker.join()
    for outcome in outcomes:
        assert outcome.record is None and outcome.error is not None
        assert outcome.error.message == "stopped after 0.01 s (time limit)"


@pytest.mark.skipif(not can_enforce(), reason="needs setitimer in the main thread")
def test_the_time_limit_stops_a_busy_block_and_then_leaves_no_trace() -> None:
    previous = signal.getsignal(signal.SIGALRM)
    with pytest.raises(TimeLimitExceeded, match=r"^stopped after 0.05 s \(time limit\)$"), time_limit(0.05) as limit:
        assert limit.enforced
        while True:
            pass
    assert signal.getsignal(signal.SIGALRM) is previous
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    with time_limit(60):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.skipif(not can_enforce(), reason="needs setitimer in the main thread")
def test_the_time_limit_gets_past_code_that_swallows_exceptions() -> None:
    with pytest.raises(TimeLimitExceeded), time_limit(0.05):
        while True:
            with contextlib.suppress(Exception):  # what a careless library does; the limit is a BaseException
                sum(range(1000))


@pytest.mark.skipif(not can_enforce(), reason="needs setitimer in the main thread")
def test_an_inner_time_limit_keeps_the_outer_one() -> None:
    with time_limit(30):
        with time_limit(10):
            pass
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 30
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


# -- no network ------------------------------------------------------------------------------


@pytest.fixture
def loopback_server() -> Iterator[tuple[int, list[str]]]:
    """A tiny HTTP server on loopback that records every request it gets."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY ext "FETCHED">')

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], requests
    finally:
        server.shutdown()
        server.server_close()


def test_the_parser_fetches_nothing(
    loopback_server: tuple[int, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port, requests = loopback_server
    url = f"http://127.0.0.1:{port}"
    page = f"""<?xml version="1.0"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "{url}/doctype.dtd" [
  <!ENTITY ext SYSTEM "{url}/entity.txt">
  <!ENTITY % param SYSTEM "{url}/param.dtd"> %param;
]>
<html xmlns:xi="http://www.w3.org/2001/XInclude"><head>
<base href="{url}/base/">
<link rel="stylesheet" href="{url}/style.css"><link rel="preload" href="{url}/preload">
<meta http-equiv="refresh" content="0; url={url}/refresh">
<script src="{url}/script.js"></script><style>@import url("{url}/import.css");</style>
</head><body>
<p>&ext; {GOOD}</p>
<img src="{url}/image.png" srcset="{url}/x2.png 2x"><iframe src="{url}/frame"></iframe>
<object data="{url}/object"></object><xi:include href="{url}/include.xml"/>
<a href="{url}/link">A link to the Eurasia Foundation.</a>
</body></html>
"""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "external.html").write_text(page, encoding="utf-8")
    (raw / "as-text.txt").write_text(page, encoding="utf-8")  # sniffed as HTML too
    (raw / "feed.jsonl").write_text(json.dumps({"id": "page", "html": page}) + "\n", encoding="utf-8")
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def watched_connect(self: socket.socket, address: object) -> None:
        attempts.append(address)
        real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", watched_connect)
    with urllib.request.urlopen(f"{url}/probe") as response:  # the server answers and the watch sees it
        response.read()
    assert requests == ["/probe"] and len(attempts) == 1
    requests.clear()
    attempts.clear()
    summary = api.run([raw], tmp_path / "out")
    assert summary.ok, summary.failures
    assert requests == [] and attempts == []
    for record in _records(tmp_path / "out").values():
        assert "FETCHED" not in record["text"]
        assert "Eurasia Foundation met in Moscow" in record["text"]
