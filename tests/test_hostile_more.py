"""Hostile inputs and faults beyond `test_hostile.py` (issue 17): one test per finding.

Each test names its finding (F1 ... F10). Inputs are made in `tmp_path`; the committed ones
are in `tests/hostile/`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pytest
from conftest import input_outcomes

from pipeline import api
from pipeline.cli import main
from pipeline.config import LimitsConfig, PipelineConfig
from pipeline.errors import DocumentError, PipelineError
from pipeline.manifest import Manifest
from pipeline.reader import list_inputs, read_input
from pipeline.records import Block
from pipeline.runner import Pipeline
from pipeline.segments import model_pieces
from pipeline.writer import OutputWriter

GOOD = "The Eurasia Foundation met in Moscow in July 2009 to plan the exchange programme.\n"
HOSTILE = Path(__file__).resolve().parent / "hostile"


# F3: one small input must not stop the batch -------------------------------------------


def test_f3_deep_json_and_huge_numbers_fail_alone_and_the_batch_goes_on(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text(GOOD, encoding="utf-8")
    deep = '{"id": "deep", "text": "x", "metadata": ' + "[" * 1000 + "]" * 1000 + "}"
    digits = '{"id": "digits", "text": "x", "n": ' + "7" * 5000 + "}"
    feed = json.dumps({"id": "fine", "text": GOOD}) + "\n" + deep + "\n" + digits + "\n"
    (raw / "feed.jsonl").write_text(feed, encoding="utf-8")
    (raw / "dated.txt").write_text(GOOD, encoding="utf-8")
    (raw / "dated.meta.json").write_text('{"date": ' + "[" * 1000 + "]" * 1000 + "}", encoding="utf-8")
    summary = api.run([raw], tmp_path / "out", jobs=1)
    outcomes = input_outcomes(tmp_path / "out")
    assert outcomes["good.txt"] == ("ok", None) and outcomes["feed.jsonl:1"] == ("ok", None)
    assert outcomes["feed.jsonl:2"][0] == "failed" and "nested deeper than 64 levels" in str(
        outcomes["feed.jsonl:2"][1]
    )
    assert outcomes["feed.jsonl:3"][0] == "failed" and "number of 5000 characters" in str(outcomes["feed.jsonl:3"][1])
    assert outcomes["dated.txt"][0] == "failed" and "dated.meta.json: JSON nested deeper" in str(
        outcomes["dated.txt"][1]
    )
    assert summary.counts == {"ok": 2, "failed": 3, "skipped": 0, "inputs": 5}


def test_f3_a_huge_jsonl_line_is_listed_without_holding_it(tmp_path: Path) -> None:
    line = json.dumps({"id": "big", "text": "word " * 2_000_000}) + "\n"  # 10 MB
    (tmp_path / "feed.jsonl").write_text(json.dumps({"id": "small", "text": GOOD}) + "\n" + line, encoding="utf-8")
    tracemalloc.start()
    try:
        listing = list_inputs([tmp_path], max_line_bytes=1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [ref.id for ref in listing.refs] == ["feed/small"]
    [entry] = listing.entries
    assert entry.path == "feed.jsonl:2" and entry.status == "failed"
    assert entry.message == f"line is {len(line)} bytes, over the limit of 1000000; not parsed"
    assert peak < 4_000_000, peak  # a line's worth of the limit and a piece, not the 10 MB line


# F10: dates a calendar does not have; validate on bytes that are not UTF-8 -------------


@pytest.mark.parametrize("day", ["9999-12-31", "2020-02-30"])
def test_f10_impossible_sidecar_and_jsonl_dates_fail_with_aoutcome_reason(tmp_path: Path, day: str) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(GOOD + "Two days later they left.\n", encoding="utf-8")
    (raw / "a.meta.json").write_text(json.dumps({"date": day}), encoding="utf-8")
    (raw / "feed.jsonl").write_text(json.dumps({"id": "b", "text": GOOD, "date": day}) + "\n", encoding="utf-8")
    (raw / "good.txt").write_text(GOOD, encoding="utf-8")
    summary = api.run([raw], tmp_path / "out", jobs=1)
    assert summary.counts["ok"] == 1
    reasons = {path: str(failure) for path, failure in summary.failures}
    assert set(reasons) == {"a.txt", "feed.jsonl:1"}
    for reason in reasons.values():
        assert "unexpected" not in reason and f"'{day}' is" in reason, reason


def test_f10_validate_reports_records_that_are_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(GOOD, encoding="utf-8")
    api.run([raw], tmp_path / "out", jobs=1)
    records = tmp_path / "out" / "records.jsonl"
    records.write_bytes(records.read_bytes() + b'{"id": "b\xff\xfe"}\n')
    problems = api.validate_output(tmp_path / "out")
    assert any(p.startswith("records.jsonl:2: not UTF-8") for p in problems), problems
    assert main(["validate", str(tmp_path / "out")]) == 1
    assert "records.jsonl:2: not UTF-8" in capsys.readouterr().out


# F6: a link (or another file) swapped in after listing is not read ---------------------


def test_f6_a_link_swapped_in_after_listing_is_refused(tmp_path: Path) -> None:
    raw, secret = tmp_path / "raw", tmp_path / "secret.txt"
    raw.mkdir()
    secret.write_text("The secret plans of the Acme Corporation in Berlin.\n", encoding="utf-8")
    (raw / "a.txt").write_text(GOOD, encoding="utf-8")
    (raw / "b.txt").write_text(GOOD, encoding="utf-8")
    (raw / "b.meta.json").write_text('{"date": "2011-05-20"}', encoding="utf-8")
    listing = list_inputs([raw])
    (raw / "a.txt").unlink()
    (raw / "a.txt").symlink_to(secret)
    (raw / "b.meta.json").unlink()
    (raw / "b.meta.json").symlink_to(secret)
    pipeline = Pipeline(PipelineConfig())
    first, second = (pipeline.process(ref) for ref in listing.refs)
    assert first.record is None and second.record is None
    assert first.error is not None and first.error.stage == "load"
    assert first.error.message == "a.txt is a symbolic link that was not there when inputs were listed; refused"
    assert second.error is not None and "b.meta.json is a symbolic link" in second.error.message


def test_f6_a_file_replaced_after_listing_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    [ref] = list_inputs([tmp_path]).refs
    (tmp_path / "other.txt").write_text("Something else entirely.\n", encoding="utf-8")
    os.replace(tmp_path / "other.txt", tmp_path / "a.txt")
    with pytest.raises(DocumentError, match=r"a\.txt was replaced by another file after inputs were listed"):
        read_input(ref, max_bytes=1000)


def test_f6_links_inside_the_input_folder_are_still_read(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "alias.txt").symlink_to(tmp_path / "real.txt")
    refs = list_inputs([tmp_path]).refs
    assert [ref.id for ref in refs] == ["alias", "real"]
    assert read_input(refs[0], 1000).data == GOOD.encode("utf-8")


# F7: names and text reach the terminal escaped ------------------------------------------

_ESCAPES = ("\x1b", "\r", "\u202e", "\x9b")


def test_f7_run_and_validate_print_control_characters_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "clear\x1b[2J\x1b[H.txt").write_bytes(b"")  # fails: its name goes into a "failed:" line
    (raw / "fake\r3 inputs: 3 ok.txt").write_bytes(b"")
    (raw / "\u202etxt.exe\x9b.txt").write_text(GOOD, encoding="utf-8")
    assert main(["run", str(raw), "--out", str(out), "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert not any(code in err for code in _ESCAPES), repr(err)
    assert "failed: clear\\x1b[2J\\x1b[H.txt: load: empty file" in err
    assert "failed: fake\\x0d3 inputs: 3 ok.txt: load: empty file" in err
    (out / "docs" / "\u202etxt.exe\x9b.json").unlink()
    assert main(["validate", str(out)]) == 1
    captured = capsys.readouterr()
    assert not any(code in captured.out + captured.err for code in _ESCAPES), repr(captured)
    assert "docs/\\u202etxt.exe\\x9b.json: missing" in captured.out


# F1: the output folder is the pipeline's only as far as it wrote it ----------------------


def _one_input(raw: Path) -> Path:
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "a.txt").write_text(GOOD, encoding="utf-8")
    return raw


def test_f1_an_output_folder_holding_other_files_is_refused_and_left_alone(tmp_path: Path) -> None:
    raw, out = _one_input(tmp_path / "raw"), tmp_path / "out"
    (out / "docs" / "api").mkdir(parents=True)
    (out / "docs" / "api" / "guide.md").write_text("# Our API guide\n", encoding="utf-8")
    with pytest.raises(PipelineError, match=r"\[E303\] .* did not write \(docs/api/guide\.md\)"):
        api.run([raw], out, jobs=1)
    assert (out / "docs" / "api" / "guide.md").read_text(encoding="utf-8") == "# Our API guide\n"
    assert sorted(p.name for p in out.rglob("*")) == ["api", "docs", "guide.md"]


@pytest.mark.parametrize("where", ["same", "inside", "around"])
def test_f1_an_output_folder_overlapping_an_input_is_refused(tmp_path: Path, where: str) -> None:
    raw = _one_input(tmp_path / "raw")
    (raw / "docs").mkdir()
    (raw / "docs" / "b.txt").write_text(GOOD, encoding="utf-8")
    before = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    out = {"same": raw, "inside": raw / "output", "around": tmp_path}[where]
    with pytest.raises(PipelineError, match=r"\[E302\] the output folder .* the input"):
        api.run([raw], out, jobs=1)
    assert {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()} == before
    assert not (raw / "output").exists()


def test_f1_stale_removal_takes_only_what_earlier_runs_wrote(tmp_path: Path) -> None:
    raw, out = _one_input(tmp_path / "raw"), tmp_path / "out"
    (raw / "b.txt").write_text(GOOD, encoding="utf-8")
    api.run([raw], out, jobs=1)
    (raw / "b.txt").unlink()
    # A file dropped in after the check (here: before the writer starts) is not the pipeline's.
    (out / "docs" / "notes.txt").write_text("mine\n", encoding="utf-8")
    records = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    with OutputWriter(out) as writer:
        writer.add_line("a", records[0])
        writer.finish(Manifest.model_validate_json((out / "manifest.json").read_text(encoding="utf-8")))
    assert sorted(p.name for p in (out / "docs").iterdir()) == ["a.json", "notes.txt"]


def test_f1_a_run_killed_before_its_manifest_still_owns_the_files_it_wrote(tmp_path: Path) -> None:
    raw, out = _one_input(tmp_path / "raw"), tmp_path / "out"
    api.run([raw], out, jobs=1)
    (raw / "b.txt").write_text(GOOD, encoding="utf-8")
    line = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()[0].replace('"id":"a"', '"id":"b"', 1)
    writer = OutputWriter(out).__enter__()
    writer.add_line("b", line)  # then the process dies: no manifest names docs/b.json
    assert (out / "docs" / "b.json").is_file()
    summary = api.run([raw], out, jobs=1)
    assert summary.counts["ok"] == 2 and api.validate_output(out) == []


# F2: one run at a time per output folder -------------------------------------------------


def test_f2_a_second_run_on_a_held_output_folder_stops_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw, out = _one_input(tmp_path / "raw"), tmp_path / "out"
    out.mkdir()
    # What a run in another process holds while it works: an exclusive lock on the folder.
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(out)], stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        assert main(["run", str(raw), "--out", str(out), "--jobs", "1"]) == 2
        assert "[E304] another run is writing to" in capsys.readouterr().err
        assert sorted(p.name for p in out.iterdir()) == []
    finally:
        holder.communicate("")
    assert api.run([raw], out, jobs=1).ok


_HOLD_LOCK = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


def test_f2_validate_reports_docs_files_no_record_names(tmp_path: Path) -> None:
    raw, out = _one_input(tmp_path / "raw"), tmp_path / "out"
    api.run([raw], out, jobs=1)
    (out / "docs" / "stray.json").write_text("{}\n", encoding="utf-8")
    assert api.validate_output(out) == ["docs/stray.json: no record in records.jsonl has this id"]


# F8: a damaged cache is rebuilt, an edited row is not trusted, disk faults are coded --------


def _corpus(raw: Path, documents: int) -> Path:
    raw.mkdir(parents=True, exist_ok=True)
    for number in range(documents):
        text = GOOD.replace("July 2009", f"July {1990 + number}") + f"Report number {number} of the series.\n"
        (raw / f"doc-{number:03d}.txt").write_text(text * 8, encoding="utf-8")
    return raw


@pytest.mark.parametrize("force", [False, True])
def test_f8_a_cache_damaged_mid_file_is_rebuilt(tmp_path: Path, force: bool) -> None:
    raw, out = _corpus(tmp_path / "raw", 40), tmp_path / "out"
    api.run([raw], out, jobs=1)
    clean = (out / "records.jsonl").read_bytes()
    cache = out / ".cache.sqlite"
    data = bytearray(cache.read_bytes())
    assert len(data) > 5 * 4096, len(data)
    data[2 * 4096 : 4 * 4096] = b"\xa5" * (2 * 4096)  # two b-tree pages of garbage, header intact
    cache.write_bytes(bytes(data))
    summary = api.run([raw], out, jobs=1, force=force)
    assert summary.ok and summary.reused == 0
    assert (out / "records.jsonl").read_bytes() == clean
    assert api.run([raw], out, jobs=1).reused == 40  # rebuilt, and used again


@pytest.mark.parametrize("edit", [("Moscow", "Moskva"), ('"sha256":"', '"sha256":"0')], ids=["text", "source-sha256"])
def test_f8_an_edited_cache_row_is_not_copied_into_the_output(tmp_path: Path, edit: tuple[str, str]) -> None:
    import sqlite3

    raw, out = _one_input(tmp_path / "raw"), tmp_path / "out"
    api.run([raw], out, jobs=1)
    clean = (out / "records.jsonl").read_bytes()
    with sqlite3.connect(out / ".cache.sqlite") as db:
        [(line,)] = db.execute("SELECT line FROM records").fetchall()
        edited = line.replace(*edit, 1)
        if edit[0].startswith('"sha256'):  # another input's bytes, in a well-formed digest
            start = edited.index('"sha256":"') + 10
            edited = edited[:start] + "f" * 64 + edited[start + 65 :]
        assert edited != line
        db.execute("UPDATE records SET line = ?", (edited,))
    db.close()
    summary = api.run([raw], out, jobs=1)
    assert summary.reused == 0
    assert (out / "records.jsonl").read_bytes() == clean


def _can_mount_tmpfs(where: Path) -> bool:
    if not IS_ROOT or shutil.which("mount") is None:
        return False
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(where)], capture_output=True)
    return mounted.returncode == 0


IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def test_f8_a_full_disk_is_a_coded_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    small = tmp_path / "small"
    if not _can_mount_tmpfs(small):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        raw = _corpus(tmp_path / "raw", 60)
        assert main(["run", str(raw), "--out", str(small / "out"), "--jobs", "1"]) == 2
        err = capsys.readouterr().err
        assert "[E305] no space left to write" in err and "Traceback" not in err, err
    finally:
        subprocess.run(["umount", str(small)], check=True)


def test_f8_a_read_only_output_folder_is_a_coded_message(tmp_path: Path) -> None:
    base = Path(tempfile.mkdtemp(prefix="pipeline-ro-"))  # outside pytest's private (0700) folder
    try:
        raw, out = _one_input(base / "raw"), base / "out"
        out.mkdir()
        for path in (base, raw, raw / "a.txt", out):
            path.chmod(0o755 if path.is_dir() else 0o644)
        command = [sys.executable, "-m", "pipeline", "run", str(raw), "--out", str(out), "--jobs", "1"]
        if IS_ROOT:
            if shutil.which("setpriv") is None:
                pytest.skip("needs setpriv to drop root")
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        else:
            out.chmod(0o555)
        done = subprocess.run(command, capture_output=True, text=True, cwd=base, timeout=120)
        assert done.returncode == 2, done.stderr
        assert "[E306] cannot write to" in done.stderr and "Traceback" not in done.stderr, done.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)


# F4: memory per document is bounded ------------------------------------------------------

_PEAK_OF_ONE_PARAGRAPH = """
import json, random, resource, sys
from pathlib import Path
from pipeline.config import PipelineConfig
from pipeline.reader import list_inputs
from pipeline.runner import Pipeline
from pipeline.segments import model_pieces

folder = Path(sys.argv[1])
pipeline = Pipeline(PipelineConfig())
warm = pipeline.process(list_inputs([folder / "warm"]).refs[0])
assert warm.record is not None
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
outcome = pipeline.process(list_inputs([folder / "big"]).refs[0])
assert outcome.record is not None, outcome.error
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grew_kb": after - before, "organizations": len(outcome.record.organizations)}))
"""


def test_f4_one_long_paragraph_costs_bounded_memory(tmp_path: Path) -> None:
    # 200 KB of prose without a paragraph break: the model used to read it as one text.
    words = "the report said officials would meet again after talks on trade in the region".split()
    rng = random.Random(7)
    sentences = []
    while sum(map(len, sentences)) < 200_000:
        body = " ".join(rng.choice(words) for _ in range(rng.randint(8, 20)))
        sentences.append(f"{body.capitalize()} with the World Bank in Paris.")
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "wall.txt").write_text(" ".join(sentences) + "\n", encoding="utf-8")
    (tmp_path / "warm").mkdir()
    (tmp_path / "warm" / "small.txt").write_text(GOOD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_OF_ONE_PARAGRAPH, str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout)
    assert measured["organizations"] >= 1
    # Before pieces, this paragraph alone took about 600 MB more; the model's share is now a
    # batch of pieces (`pipeline.segments`), whatever the paragraph's length.
    assert measured["grew_kb"] < 250_000, measured


def test_f4_long_blocks_are_cut_into_pieces_at_sentence_ends() -> None:
    text = "Short heading\n" + " ".join(f"Sentence number {n} is here." for n in range(400)) + "\n"
    blocks = [Block(kind="heading", start=0, end=13), Block(kind="paragraph", start=14, end=len(text) - 1)]
    pieces = list(model_pieces(text, blocks, limit=500))
    assert pieces[0] == blocks[0]
    assert all(piece.end - piece.start <= 500 and piece.kind == "paragraph" for piece in pieces[1:])
    assert [(a.end, b.start) for a, b in itertools.pairwise(pieces[1:])] == [(a.end, a.end) for a in pieces[1:-1]]
    assert pieces[1].start == 14 and pieces[-1].end == len(text) - 1
    assert all(text[piece.end - 2 : piece.end] == ". " for piece in pieces[1:-1])
    # No sentence end, no space: cut at the limit all the same.
    assert [(p.start, p.end) for p in model_pieces("x" * 1200, [Block(kind="other", start=0, end=1200)], 500)] == [
        (0, 500),
        (500, 1000),
        (1000, 1200),
    ]


# F5: a dead worker costs only its chunk's documents; workers die with their parent -------

# Loaded by every Python process of the run (PYTHONPATH), workers included: the worker that
# gets a chunk holding a marked document kills itself as the out-of-memory killer would, or
# (HANG_ON) sleeps, so that the test can kill the main process under it.
_SITECUSTOMIZE = """
import os, signal, time
if os.environ.get("KILL_ON") or os.environ.get("HANG_ON"):
    import pipeline.runner as runner
    original = runner.Pipeline.process_many

    def process_many(self, refs):
        ids = [ref.id for ref in refs]
        once = os.environ.get("KILL_ONCE_FILE", "")
        if once and any(os.environ["KILL_ONCE_ON"] in i for i in ids) and os.path.exists(once):
            os.unlink(once)
            os.kill(os.getpid(), signal.SIGKILL)
        if os.environ.get("KILL_ON") and any(os.environ["KILL_ON"] in i for i in ids):
            os.kill(os.getpid(), signal.SIGKILL)
        if os.environ.get("HANG_ON") and any(os.environ["HANG_ON"] in i for i in ids):
            print(os.getpid(), flush=True)
            time.sleep(600)
        return original(self, refs)

    runner.Pipeline.process_many = process_many
"""


def _fault_env(tmp_path: Path, **faults: str) -> dict[str, str]:
    (tmp_path / "faults").mkdir(exist_ok=True)
    (tmp_path / "faults" / "sitecustomize.py").write_text(_SITECUSTOMIZE, encoding="utf-8")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "faults"), *sys.path]), **faults}


def test_f5_a_killed_worker_costs_only_its_chunk(tmp_path: Path) -> None:
    raw, out = _corpus(tmp_path / "raw", 20), tmp_path / "out"  # two chunks: 16 documents and 4
    once = tmp_path / "kill-once"
    once.write_text("", encoding="utf-8")
    env = _fault_env(tmp_path, KILL_ON="doc-018", KILL_ONCE_ON="doc-003", KILL_ONCE_FILE=str(once))
    command = [sys.executable, "-m", "pipeline", "run", str(raw), "--out", str(out), "--jobs", "2"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and not once.exists()
    outcomes = input_outcomes(out)
    failed = sorted(path for path, (status, _) in outcomes.items() if status == "failed")
    assert failed == [f"doc-{n:03d}.txt" for n in range(16, 20)]  # the chunk that kills its worker every time
    assert "worker: the worker process died twice" in str(outcomes["doc-016.txt"][1])
    # The chunk whose worker died once was processed again, in a fresh worker, to the same records.
    api.run([raw], tmp_path / "reference", jobs=1)
    reference = (tmp_path / "reference" / "records.jsonl").read_text(encoding="utf-8").splitlines()
    assert (out / "records.jsonl").read_text(encoding="utf-8").splitlines() == reference[:16]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_f5_workers_die_with_their_parent(tmp_path: Path) -> None:
    raw, out = _corpus(tmp_path / "raw", 2), tmp_path / "out"
    env = _fault_env(tmp_path, HANG_ON="doc-00")
    command = [sys.executable, "-m", "pipeline", "run", str(raw), "--out", str(out), "--jobs", "2"]
    main_process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    workers: set[int] = set()
    try:
        assert main_process.stdout is not None
        hanging = int(main_process.stdout.readline())  # a worker is inside a chunk
        workers = _children(main_process.pid)
        assert hanging in workers
        main_process.kill()
        main_process.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
            time.sleep(0.05)
        alive = [pid for pid in workers if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)]
        assert alive == []
    finally:
        main_process.kill()
        for pid in workers:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


# F9: the time limit holds under --executor dask -------------------------------------------


def test_f9_the_time_limit_holds_under_dask_as_it_does_locally(tmp_path: Path) -> None:
    from distributed import LocalCluster

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "b-good.txt").write_text(GOOD, encoding="utf-8")
    # Distinct blocks (a repeated block is read once): seconds of model work, over a 1 s limit.
    blocks = (GOOD.replace("programme", f"programme number {n}") for n in range(6000))
    (raw / "a-many-blocks.txt").write_text("\n".join(blocks), encoding="utf-8")
    config = PipelineConfig(limits=LimitsConfig(time_limit_seconds=1))
    local = api.run([raw], tmp_path / "local", config, jobs=1)
    # In this process (its worker runs tasks in a thread, as every Dask worker does).
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        remote = api.run([raw], tmp_path / "dask", config, executor="dask", scheduler=cluster.scheduler_address)
    assert local.counts == remote.counts == {"ok": 1, "failed": 1, "skipped": 0, "inputs": 2}
    [(path, reason)] = remote.failures
    assert path == "a-many-blocks.txt" and reason.message == "stopped after 1 s (time limit)"
    assert (tmp_path / "dask" / "records.jsonl").read_bytes() == (tmp_path / "local" / "records.jsonl").read_bytes()


# Ctrl-C: exit 130, no traceback, a folder the next run completes ----------------------


def test_ctrl_c_exits_130_without_a_traceback_and_the_next_run_completes(tmp_path: Path) -> None:
    raw, out = _corpus(tmp_path / "raw", 64), tmp_path / "out"
    # Two workers: the terminal sends SIGINT to them too, and they must stay quiet.
    command = [sys.executable, "-m", "pipeline", "run", str(raw), "--out", str(out), "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120  # a safety net for a hung child, not a timing assertion
    while process.poll() is None and time.monotonic() < deadline and len(list(out.glob("docs/*.json"))) < 3:
        time.sleep(0.005)
    process.send_signal(signal.SIGINT)
    process.send_signal(signal.SIGINT)  # impatient: a second Ctrl-C must not break the clean-up
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err and "pipeline: interrupted" in err, err
    assert not list(out.glob(".*.tmp")) and not (out / "records.jsonl").exists()
    api.run([raw], out, jobs=1)
    api.run([raw], tmp_path / "clean", jobs=1)
    assert (out / "records.jsonl").read_bytes() == (tmp_path / "clean" / "records.jsonl").read_bytes()
    assert api.validate_output(out) == []
