"""Crawl-native inputs: WARC archives, compressed files, pages named by content, JSONL fields."""

from __future__ import annotations

import gzip
import json
import os
import zlib
from pathlib import Path
from typing import Any

import pytest
import zstandard

from pipeline import api
from pipeline.cli import main
from pipeline.config import LoadConfig, PipelineConfig
from pipeline.reader import list_inputs, read_input
from pipeline.sources import name_of, parse_warc_record, sniff

PAGE = (
    "<html><head><title>Harbour news</title></head><body><article>"
    "<p>The Eurasia Foundation met in Moscow on 14 July 2009 to plan the exchange programme"
    " with the city council and the harbour board.</p></article></body></html>"
)


def warc_record(record_type: str, uri: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    """One WARC/1.0 record written by hand (an HTTP response or request block)."""
    if record_type == "response":
        http = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    else:
        http = b"GET / HTTP/1.1\r\nHost: example.org\r\n\r\n"
        body = b""
    block = http + body
    headers = (
        "WARC/1.0\r\n"
        f"WARC-Type: {record_type}\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        "WARC-Date: 2021-03-04T05:06:07Z\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{zlib.crc32((record_type + uri).encode()):012d}>\r\n"
        f"Content-Type: application/http; msgtype={record_type}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return headers.encode() + block + b"\r\n\r\n"


def crawl_records() -> list[bytes]:
    return [
        warc_record("request", "http://example.org/a", b""),
        warc_record("response", "http://example.org/a", PAGE.encode()),
        warc_record("response", "http://example.org/logo.png", b"\x89PNG\r\n\x1a\n", "image/png"),
        warc_record("response", "http://example.org/b", PAGE.replace("Moscow", "Kyiv").encode()),
    ]


def _records(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


def _manifest(out: Path) -> dict[str, Any]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "packed"),
    [
        ("crawl.warc", lambda records: b"".join(records)),
        ("crawl.warc.gz", lambda records: b"".join(gzip.compress(r) for r in records)),  # one member per record
        ("crawl.warc.gz", lambda records: gzip.compress(b"".join(records))),  # one stream
        ("crawl.warc.zst", lambda records: zstandard.ZstdCompressor().compress(b"".join(records))),
        ("crawl", lambda records: b"".join(records)),  # no extension: the content says WARC
    ],
)
def test_every_html_response_of_a_warc_is_a_document(name: str, packed: Any, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / name).write_bytes(packed(crawl_records()))
    listing = list_inputs([raw])
    assert [(ref.id, ref.path) for ref in listing.refs] == [
        ("crawl/000002", f"{name}#2"),
        ("crawl/000004", f"{name}#4"),
    ]
    page = parse_warc_record(read_input(listing.refs[1], 1_000_000).data)
    assert page.url == "http://example.org/b" and page.fetch_date == "2021-03-04"
    assert b"Kyiv" in page.payload and page.payload.startswith(b"<html>")


def test_warc_records_become_records_with_url_and_fetch_date(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "crawl.warc.gz").write_bytes(b"".join(gzip.compress(r) for r in crawl_records()))
    summary = api.run([raw], out, jobs=1)
    assert summary.ok and summary.counts["ok"] == 2
    records = _records(out)
    assert records["crawl/000002"]["url"] == "http://example.org/a"
    assert records["crawl/000002"]["source"]["format"] == "warc"
    assert records["crawl/000002"]["source"]["path"] == "crawl.warc.gz"
    assert "Moscow" in records["crawl/000002"]["text"] and "Kyiv" in records["crawl/000004"]["text"]


def test_a_warc_without_html_responses_is_skipped(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "images.warc").write_bytes(warc_record("response", "http://e.org/x.png", b"\x89PNG", "image/png"))
    listing = list_inputs([raw])
    assert listing.refs == []
    assert [(e.path, e.status, e.message) for e in listing.entries] == [
        ("images.warc", "skipped", "WARC file without HTML response records")
    ]


@pytest.mark.parametrize("name", ["page.php", "index.shtml", "page", "page.html.gz", "page.txt.zst"])
def test_html_is_recognised_whatever_the_name(name: str, tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    data = PAGE.encode()
    if name.endswith(".gz"):
        data = gzip.compress(data)
    elif name.endswith(".zst"):
        data = zstandard.ZstdCompressor().compress(data)
    (raw / name).write_bytes(data)
    assert api.run([raw], out, jobs=1).ok
    (record,) = _records(out).values()
    assert record["id"] == name_of(name).id == name.split(".")[0]
    assert record["source"]["format"] == "html"
    assert record["title"] == "Harbour news" and "Eurasia Foundation" in record["text"]


def test_a_file_that_is_not_html_under_an_unknown_name_is_skipped(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "notes").write_text("just some notes, no markup\n", encoding="utf-8")
    listing = list_inputs([raw])
    assert listing.refs == [] and listing.entries[0].status == "skipped"
    assert "no extension" in listing.entries[0].message


def test_sniff_tells_warc_html_and_neither() -> None:
    assert sniff(b"WARC/1.1\r\nWARC-Type: warcinfo") == "warc"
    assert sniff(b"  <!DOCTYPE html><html>") == "html"
    assert sniff(b"plain words") is None


def _jsonl(lines: list[dict[str, Any]]) -> bytes:
    return ("\n".join(json.dumps(line) for line in lines) + "\n").encode()


JSONL_LINES = [
    {"content": "The harbour board met in Hamburg on 3 March 2020.", "url": "http://e.org/1", "metadata": {"k": 1}},
    {"id": "b", "raw_content": "The council met in Lyon on 4 March 2020."},
    {"id": "c", "html": "<p>The board met in Porto on 5 March 2020.</p>", "text": "ignored when html is there"},
]


@pytest.mark.parametrize("name", ["feed.jsonl", "feed.jsonl.gz", "feed.jsonl.zst"])
def test_jsonl_lines_without_id_and_with_other_text_fields(name: str, tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    data = _jsonl(JSONL_LINES)
    if name.endswith(".gz"):
        data = gzip.compress(data)
    elif name.endswith(".zst"):
        data = zstandard.ZstdCompressor().compress(data)
    (raw / name).write_bytes(data)
    assert api.run([raw], out, jobs=1).ok
    records = _records(out)
    assert sorted(records) == ["feed/b", "feed/c", "feed/line-000001"]
    assert records["feed/line-000001"]["url"] == "http://e.org/1"
    assert records["feed/line-000001"]["text"].startswith("The harbour board")
    assert records["feed/b"]["text"].startswith("The council") and records["feed/b"]["url"] is None
    assert records["feed/c"]["text"] == "The board met in Porto on 5 March 2020."
    assert records["feed/c"]["dates"][0]["value"] == "2020-03-05"


def test_text_and_id_fields_can_be_named(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "feed.jsonl").write_bytes(_jsonl([{"doc": "x1", "body": "The board met in Oslo.", "text": "not this"}]))
    code = main(["run", str(raw), "--out", str(out), "--jobs", "1", "--text-field", "body", "--id-field", "doc"])
    assert code == 0
    assert {k: v["text"] for k, v in _records(out).items()} == {"feed/x1": "The board met in Oslo."}
    config = PipelineConfig(load=LoadConfig(text_fields=("body",), id_field="doc"))
    assert _manifest(out)["config"]["load"] == config.model_dump(mode="json")["load"]


def test_an_unreadable_file_named_on_the_command_line_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)  # named on the command line, it can never be read as a page
    assert main(["run", str(fifo), "--out", str(tmp_path / "out")]) == 2
    assert "[E101]" in (err := capsys.readouterr().err) and "cannot be read" in err and "a FIFO" in err


def test_skipped_files_are_named_on_the_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.html").write_text(PAGE, encoding="utf-8")
    for number in range(7):
        (raw / f"notes{number}.md").write_text("notes\n", encoding="utf-8")
    assert main(["run", str(raw), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "skipped: notes0.md: not a supported input type (.md" in err
    assert "skipped: notes4.md" in err and "skipped: notes5.md" not in err
    assert "... and 2 more skipped (see manifest.json)" in err
    assert "8 inputs: 1 ok, 0 failed, 7 skipped" in err


def test_the_schema_names_its_dialect_identity_and_version() -> None:
    schema = api.record_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:pipeline:record:v2" and schema["schema_version"] == 2
    assert list(schema["properties"])[:8] == [
        "id",
        "source",
        "url",
        "title",
        "published",
        "author",
        "site_name",
        "language",
    ]
    assert "warc" in schema["$defs"]["Source"]["properties"]["format"]["enum"]


def test_a_compressed_page_over_the_size_limit_fails_without_being_expanded(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "bomb.html.gz").write_bytes(gzip.compress(PAGE.encode() + b" " * 5_000_000))  # 5 MB of spaces, 5 KB packed
    summary = api.run([raw], out, PipelineConfig(load=LoadConfig(max_bytes=1_000_000)), jobs=1)
    failures = [(path, str(failure)) for path, failure in summary.failures]
    assert failures == [("bomb.html.gz", "load: document is over the limit of 1000000 bytes (load.max_bytes) [E602]")]


def test_a_damaged_compressed_file_fails_with_the_reason(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "broken.jsonl.gz").write_bytes(gzip.compress(b'{"text": "x"}\n' * 100)[:40])
    listing = list_inputs([raw])
    assert listing.refs == []
    [entry] = listing.entries
    assert (entry.path, entry.status) == ("broken.jsonl.gz", "failed")
    assert entry.message.startswith("cannot read broken.jsonl.gz:")
