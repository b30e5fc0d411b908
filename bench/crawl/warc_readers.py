"""FastWARC vs warcio: every response record's target URI, date and payload (two rounds each)."""

import time

from fastwarc.warc import ArchiveIterator as FastIterator
from fastwarc.warc import WarcRecordType
from warcio.archiveiterator import ArchiveIterator as WarcioIterator


def fast(path: str) -> tuple[int, int]:
    count = size = 0
    with open(path, "rb") as handle:
        for record in FastIterator(handle, record_types=WarcRecordType.response, parse_http=True):
            record.headers.get("WARC-Target-URI")
            _ = record.record_date, record.stream_pos
            size += len(record.reader.read())
            count += 1
    return count, size


def warcio(path: str) -> tuple[int, int]:
    count = size = 0
    with open(path, "rb") as handle:
        records = WarcioIterator(handle)
        for record in records:
            if record.rec_type != "response":
                continue
            record.rec_headers.get_header("WARC-Target-URI")
            record.rec_headers.get_header("WARC-Date")
            size += len(record.content_stream().read())
            records.get_record_offset()
            count += 1
    return count, size


for path in ("/tmp/crawl_bench/pages.warc", "/tmp/crawl_bench/pages.warc.gz"):
    for name, read in (("fastwarc", fast), ("warcio", warcio)) * 2:
        started = time.perf_counter()
        result = read(path)
        print(f"{path.rsplit('/', 1)[1]:15} {name:8} {result} {time.perf_counter() - started:.3f}s")
