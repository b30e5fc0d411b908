"""Build WARC files from benchmark pages (wceb_dev), plus the same pages as .html files."""
import gzip
import io
import json
import sys
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
out = Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/crawl_bench")
out.mkdir(exist_ok=True)
pages = []
with gzip.open("../shared/benchmarks/boilerplate/wceb_dev.jsonl.gz", "rt") as fh:
    for line in fh:
        item = json.loads(line)
        pages.append((item["url"] or f"http://example.org/{len(pages)}", item["html"]))
        if len(pages) >= N:
            break
files = out / "files"
files.mkdir(exist_ok=True)
for gz, name in ((True, "pages.warc.gz"), (False, "pages.warc")):
    with open(out / name, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for i, (url, html) in enumerate(pages):
            body = html.encode("utf-8")
            req = writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            rec = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                            warc_headers_dict={"WARC-Date": f"2021-03-{1 + i % 28:02d}T10:00:00Z"})
            writer.write_record(rec)
            writer.write_record(req)
for i, (_url, html) in enumerate(pages):
    (files / f"{i + 1:06d}.html").write_text(html, encoding="utf-8")
print(len(pages), "pages")
