"""Load: encodings, format sniffing, JSONL lines and sidecar dates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.config import LoadConfig, PipelineConfig
from pipeline.errors import DocumentError
from pipeline.reader import list_inputs, read_input
from pipeline.stages.load import decode_bytes
from pipeline.stages.registry import LOAD, BuildContext

LOADER = LOAD.build(BuildContext(PipelineConfig()))


def _load_one(root: Path):  # type: ignore[no-untyped-def]
    listing = list_inputs([root])
    assert len(listing.refs) == 1, listing
    return LOADER(read_input(listing.refs[0], LoadConfig().max_bytes))


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("Café – “quoted” ünïcode".encode(), "Café – “quoted” ünïcode", "utf-8"),
        ("\ufeffWith a BOM".encode(), "With a BOM", "utf-8"),
        ("Ünïcode in UTF-16".encode("utf-16"), "Ünïcode in UTF-16", "utf-16"),
        (
            "Smart “quotes” and an em dash — in cp1252, the café’s menu.".encode("cp1252"),
            "Smart “quotes” and an em dash — in cp1252, the café’s menu.",
            "cp1252",
        ),
        (b"Windows\r\nline\rendings", "Windows\nline\nendings", "utf-8"),
        (b"NUL\x00 bytes are removed", "NUL bytes are removed", "utf-8"),
    ],
)
def test_decoding(data: bytes, text: str, encoding: str) -> None:
    assert decode_bytes(data) == (text, encoding)


def test_utf16_without_bom_is_recognized() -> None:
    assert decode_bytes("Plain text saved as UTF-16".encode("utf-16-le")) == ("Plain text saved as UTF-16", "utf-16-le")


def test_latin1_declared_in_html_is_honoured() -> None:
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>Fran\xe7ais</p></body></html>'.encode("latin-1")
    text, encoding = decode_bytes(html)
    assert "Français" in text and encoding == "iso8859-1"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n ", "only white space"),
        (b"\x1f\x8b\x08\x00rest", "gzip"),
        (b"\x00\x01\x02\x00\xff\x00" * 50, "NUL bytes"),
    ],
)
def test_refused_inputs(data: bytes, reason: str) -> None:
    with pytest.raises(DocumentError, match=reason):
        decode_bytes(data)


def test_txt_holding_html_is_html(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_text("<!DOCTYPE html><html><body><p>Hello there.</p></body></html>")
    doc = _load_one(tmp_path)
    assert (doc.id, doc.content_format, doc.source.format) == ("page", "html", "html")


def test_sidecar_date(tmp_path: Path) -> None:
    (tmp_path / "news.txt").write_text("Yesterday the council met.")
    (tmp_path / "news.meta.json").write_text(json.dumps({"date": "2012-03-04"}))
    doc = _load_one(tmp_path)
    assert doc.document_date == "2012-03-04"
    assert doc.source.bytes == len("Yesterday the council met.")


def test_bad_sidecar_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "news.txt").write_text("Text.")
    (tmp_path / "news.meta.json").write_text(json.dumps({"date": "March 4"}))
    listing = list_inputs([tmp_path])
    with pytest.raises(DocumentError, match=r'news.meta.json: "date" must be a string YYYY-MM-DD'):
        read_input(listing.refs[0], 1000)


def test_jsonl_lines(tmp_path: Path) -> None:
    lines = [
        {"id": "b", "html": "<p>Markup</p>", "date": "2001-02-03T10:00:00Z"},
        {"id": 7, "text": "Plain", "url": "https://example.org/"},
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(map(json.dumps, lines)) + "\n")
    listing = list_inputs([tmp_path])
    assert [ref.id for ref in listing.refs] == ["feed/7", "feed/b"]
    docs = [LOADER(read_input(ref, 10_000)) for ref in listing.refs]
    assert [(d.content_format, d.document_date, d.source.format) for d in docs] == [
        ("text", None, "jsonl"),
        ("html", "2001-02-03", "jsonl"),
    ]
    assert docs[0].source.path == "feed.jsonl"


def test_too_large_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("x" * 2000)
    listing = list_inputs([tmp_path])
    with pytest.raises(DocumentError, match="over the limit"):
        read_input(listing.refs[0], max_bytes=1000)
