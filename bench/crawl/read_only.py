"""Listing + reading + loading only (no stages), WARC.gz vs files, alternating, 3 rounds each."""
import time
from pathlib import Path

from pipeline.config import LoadConfig
from pipeline.reader import list_inputs, read_input
from pipeline.stages.load import DocumentLoader

loader = DocumentLoader(LoadConfig())
def run(root):
    t = time.perf_counter()
    listing = list_inputs([root])
    n = 0
    for ref in listing.refs:
        doc = loader(read_input(ref, 50_000_000))
        n += len(doc.content)
    return len(listing.refs), n, time.perf_counter() - t
for _ in range(3):
    for name, root in (("warc.gz", Path("/tmp/crawl_bench/warcin")), ("files", Path("/tmp/crawl_bench/files"))):
        docs, chars, s = run(root)
        print(f"{name:8} {docs} docs {chars} chars {s:.2f} s", flush=True)
