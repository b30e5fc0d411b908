"""1,000 pages as one WARC.gz vs the same pages as .html files, side by side, one process each."""
import shutil
import sys
import time
from pathlib import Path

from pipeline import api

base = Path("/tmp/crawl_bench")
inputs = {"files": base / "files", "warc.gz": base / "warcin"}
(base / "warcin").mkdir(exist_ok=True)
shutil.copy(base / "pages.warc.gz", base / "warcin" / "pages.warc.gz")
order = sys.argv[1:] or ["warc.gz", "files", "files", "warc.gz"]
for name in order:
    out = base / f"out-{name}"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    summary = api.run([inputs[name]], out, jobs=1, force=True, docs=False)
    seconds = time.perf_counter() - started
    print(f"{name:8} {summary.counts} {seconds:.1f} s  {summary.counts['ok'] / seconds:.2f} docs/s", flush=True)
