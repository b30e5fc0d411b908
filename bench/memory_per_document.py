"""Peak memory of one pathological document, each in a fresh `pipeline run` (issue 17, finding 4).

Two inputs are generated (deterministically) in a temporary folder:

* a 900 KB single paragraph of prose (no line break): the model once read it as one text (2.9 GB);
* a 530 KB HTML page whose one paragraph is dense with organization and place names (1.8 GB).

Each is run alone with `--jobs 1`; the peak resident set size of that process (its
`rusage`, from `os.wait4`) and its wall time are printed. Long blocks are read in pieces
(`pipeline.segments`), so the model's share is bounded by `batch_size` x `MAX_MODEL_CHARS`.

Usage: .venv/bin/python bench/memory_per_document.py
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_WORDS = "the a report said officials would meet again after talks on trade and security in the region during".split()
_ORGS = ("World Bank", "United Nations", "Microsoft", "Apple Inc.", "the European Union", "NATO", "Eurasia Foundation")
_PLACES = ("Paris", "Berlin", "Moscow", "Kyiv", "Tokyo", "London", "New York", "Almaty", "Tbilisi", "Cairo", "Ohio")


def paragraph(size: int) -> str:
    """Sentences of common words, `size` characters in all, without a line break."""
    rng = random.Random(7)
    sentences: list[str] = []
    total = 0
    while total < size:
        sentence = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
        sentences.append(sentence)
        total += len(sentence) + 1
    return " ".join(sentences) + "\n"


def entity_page(size: int) -> str:
    """An HTML page whose one paragraph names organizations and places in every sentence."""
    rng = random.Random(7)
    sentences: list[str] = []
    total = 0
    while total < size:
        sentence = (
            f"{rng.choice(_ORGS)} and {rng.choice(_ORGS)} met {rng.choice(_PLACES)}, {rng.choice(_PLACES)}"
            f" and {rng.choice(_PLACES)} officials."
        )
        sentences.append(sentence)
        total += len(sentence) + 1
    return "<html><body><article><p>" + " ".join(sentences) + "</p></article></body></html>\n"


def peak_of_run(raw: Path, out: Path) -> tuple[float, float, int]:
    """Run the pipeline on `raw` in a fresh process: its peak RSS in MB, wall seconds and exit code."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "run", str(raw), "--out", str(out), "--jobs", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    return usage.ru_maxrss / 1024, seconds, os.waitstatus_to_exitcode(status)


def main() -> None:
    """Generate both inputs, run each alone, print one line per input."""
    with tempfile.TemporaryDirectory(prefix="pipeline-memory-") as folder:
        base = Path(folder)
        cases = {
            "paragraph-900KB.txt": paragraph(900_000),
            "entities-530KB.html": entity_page(530_000),
        }
        print(f"{'input':<22} {'bytes':>9} {'peak RSS':>10} {'wall':>8}  exit")
        for name, content in cases.items():
            raw = base / name.split(".")[0]
            raw.mkdir()
            (raw / name).write_text(content, encoding="utf-8")
            peak, seconds, code = peak_of_run(raw, base / f"out-{name}")
            print(f"{name:<22} {len(content.encode()):>9} {peak:>7.0f} MB {seconds:>6.1f} s  {code}")


if __name__ == "__main__":
    main()
