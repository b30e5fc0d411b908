"""Input formats beyond plain files: compressed files, WARC archives, pages named by content.

`pipeline.reader` owns the file system (what may be opened, and how); this module only
reads the bytes and streams it is handed. It decides:

- the name-level facts of a file: its record id, its compression (`.gz`, `.zst`) and the
  format its name promises (`.txt`, `.html`, `.jsonl`, `.warc`), or none (`.php`, `.shtml`,
  no extension), in which case the content decides (`sniff`);
- how a compressed file is decompressed, never past a byte limit (a small `.gz` can
  expand without end);
- which records of a WARC file are documents (every `response` whose payload is HTML),
  and where each lies in the file, so that one record is read without the others;
- what a WARC record holds: the page's bytes, its target URI and its fetch date.

WARC files are read with FastWARC (resiliparse): on a WARC of 1,000 benchmark pages it
iterated response records 2-3x faster than warcio (see the README).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO, Literal, cast

import zstandard
from fastwarc.warc import ArchiveIterator, WarcRecordType

from pipeline.jsonl_stream import jsonl_lines
from pipeline.jsonlimits import json_limit_problem

Compression = Literal["gzip", "zstd"]
SourceKind = Literal["text", "html", "jsonl", "warc"]

COMPRESSION_SUFFIXES: dict[str, Compression] = {".gz": "gzip", ".zst": "zstd"}
NAMED_KINDS: dict[str, SourceKind] = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".warc": "warc",
}
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Enough of a file to tell a WARC or an HTML page from anything else.
SNIFF_BYTES = 4096
_HTML_SIGNS = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:p|div|title|meta|article|table|span|h[1-6])[\s>]",
    re.IGNORECASE,
)
# Media types of a WARC response payload that are pages; anything else (images, scripts,
# feeds) is not a document. A response without a type is judged by its content.
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_READ_CHUNK = 1 << 20


@dataclass(frozen=True)
class SourceName:
    """What a file's name says about it.

    Attributes:
        id: The record id: the path without its compression and format suffixes.
        kind: The format the name promises, or None when the content must decide.
        compression: How the whole file is compressed, by its last suffix.
        suffix: The format suffix the id was cut from ('' when none), for messages.
    """

    id: str
    kind: SourceKind | None
    compression: Compression | None
    suffix: str


@dataclass(frozen=True)
class WarcEntry:
    """One document of a WARC file: where its record lies, and its number among all records.

    `offset` and `length` count bytes of the file itself when every record can be read on
    its own (an uncompressed WARC, or one gzip member per record as crawlers write them);
    otherwise they count bytes of the decompressed stream.
    """

    number: int
    offset: int
    length: int


@dataclass(frozen=True)
class WarcPage:
    """The document a WARC response record holds."""

    url: str | None
    fetch_date: str | None  # YYYY-MM-DD, from WARC-Date (the crawler's clock, not ours)
    payload: bytes
    charset: str | None


def name_of(rel: str) -> SourceName:
    """Read the id, format and compression off a relative path (`a/b.warc.gz` -> `a/b`, warc, gzip)."""
    stem, compression = rel, None
    suffix = PurePosixPath(rel.lower()).suffix
    if suffix in COMPRESSION_SUFFIXES:
        compression = COMPRESSION_SUFFIXES[suffix]
        stem = rel[: -len(suffix)]
        suffix = PurePosixPath(stem.lower()).suffix
    kind = NAMED_KINDS.get(suffix)
    # A name like "page.php" or "index.shtml" still names the page: its id drops the suffix.
    doc_id = stem[: -len(suffix)] if suffix and len(suffix) < len(PurePosixPath(stem).name) else stem
    return SourceName(id=doc_id, kind=kind, compression=compression, suffix=suffix)


def compression_by_magic(head: bytes) -> Compression | None:
    """The compression a file's first bytes show, whatever its name."""
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


def sniff(head: bytes) -> SourceKind | None:
    """The format of content whose name does not tell it: a WARC, an HTML page, or neither."""
    stripped = head.lstrip()
    if stripped.startswith(b"WARC/"):
        return "warc"
    if _HTML_SIGNS.search(head) is not None:
        return "html"
    return None


def open_decompressed(handle: BinaryIO, compression: Compression | None) -> BinaryIO:
    """A stream of the decompressed content of `handle` (the handle itself when not compressed)."""
    if compression == "gzip":
        return cast(BinaryIO, gzip.GzipFile(fileobj=handle, mode="rb"))
    if compression == "zstd":
        reader = zstandard.ZstdDecompressor().stream_reader(handle, read_across_frames=True)
        return cast(BinaryIO, io.BufferedReader(reader))
    return handle


def read_limited(stream: BinaryIO, limit: int) -> bytes:
    """Read `stream` to its end, or to one byte past `limit` (the caller then refuses it).

    Raises:
        OSError, EOFError, zlib.error, zstandard.ZstdError: The compressed data is damaged.
    """
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = stream.read(min(_READ_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def decompress(data: bytes, compression: Compression | None, limit: int) -> bytes:
    """Decompress `data` (all of its gzip members or zstd frames), stopping one byte past `limit`."""
    return read_limited(open_decompressed(io.BytesIO(data), compression), limit)


DECOMPRESSION_ERRORS = (OSError, EOFError, zlib.error, zstandard.ZstdError)


def warc_entries(stream: BinaryIO, size: int) -> Iterator[tuple[WarcEntry, bool]]:
    """Every record of a WARC stream as (entry, whether it is a document), in file order.

    The length of a record is the distance to the next one (the last one ends at `size`),
    so the records are yielded one step behind the iteration. `stream` is read as it is:
    decompress it first unless its records can be read one by one (see `WarcEntry`).

    Raises:
        OSError: The stream is not a readable WARC.
    """
    pending: tuple[int, int, bool] | None = None
    for number, record in enumerate(ArchiveIterator(stream, parse_http=True, stream_detect=True), start=1):
        position = record.stream_pos
        if pending is not None:
            yield WarcEntry(pending[0], pending[1], position - pending[1]), pending[2]
        pending = (number, position, _is_html_response(record.record_type, record.http_content_type))
    if pending is not None:
        yield WarcEntry(pending[0], pending[1], size - pending[1]), pending[2]


def _is_html_response(record_type: WarcRecordType, content_type: str | None) -> bool:
    if record_type != WarcRecordType.response:
        return False
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    return media_type in _HTML_TYPES or not media_type


def members_are_records(handle: BinaryIO, entries: list[WarcEntry]) -> bool:
    """Tell whether each record of a gzip-compressed WARC starts a gzip member of its own.

    Crawlers write one member per record, so a record can be read without the rest of the
    file; a WARC compressed as one stream has no such boundaries, and its offsets (as the
    archive reader reports them) do not point at records.
    """
    offsets = [entry.offset for entry in entries]
    if len(set(offsets)) != len(offsets):
        return False
    for offset in offsets:
        handle.seek(offset)
        if handle.read(len(GZIP_MAGIC)) != GZIP_MAGIC:
            return False
    return True


def parse_warc_record(data: bytes) -> WarcPage:
    """Read the page a WARC response record holds (HTTP transfer and content encodings undone).

    Raises:
        ValueError: `data` is not one WARC response record with an HTTP payload.
    """
    for record in ArchiveIterator(
        io.BytesIO(data), record_types=WarcRecordType.response, parse_http=True, auto_decode="all"
    ):
        payload = record.reader.read()
        date = record.headers.get("WARC-Date")
        return WarcPage(
            url=record.headers.get("WARC-Target-URI"),
            fetch_date=date[:10] if date and re.match(r"^\d{4}-\d{2}-\d{2}", date) else None,
            payload=payload,
            charset=record.http_charset,
        )
    raise ValueError("not a WARC response record")


# A compressed container (a `.jsonl.gz`, or a WARC compressed as one stream) is read whole
# into memory to reach one of its documents; past this size it is refused instead.
MAX_ARCHIVE_BYTES = 1 << 30
# A JSONL line id becomes part of a path under output/docs/: keep it to one safe segment.
_SAFE_LINE_ID = re.compile(r"^[^/\\\x00-\x1f]{1,200}$")


@dataclass(frozen=True)
class Member:
    """One document inside a container file (a JSONL line or a WARC record), found at listing.

    Attributes:
        key: What follows the file id in the record id: the line's id, or the record number.
        where: What follows the file path in the manifest: ':LINE' or '#RECORD'.
        offset: Where the document's bytes start (see `WarcEntry` for what the count means).
        length: How many bytes it has.
        line: The JSONL line number.
        record: The WARC record number.
        problem: Why the line cannot be a document (then it is a failed entry).
        sha256: The sha256 of a failed line's bytes.
    """

    key: str
    where: str
    offset: int
    length: int
    line: int | None = None
    record: int | None = None
    problem: str | None = None
    sha256: str | None = None


def jsonl_line_key(item: object, number: int, id_field: str) -> tuple[str, str | None]:
    """The id of a parsed JSONL line, and why it cannot be a document (None when it can).

    A line without an id gets one from its line number (`line-000012`), which stays the
    same as long as the lines before it do.
    """
    if not isinstance(item, dict):
        return "", "not a JSON object"
    raw_id = item.get(id_field)
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)
    if raw_id is None or (isinstance(raw_id, str) and not raw_id.strip()):
        return f"line-{number:06d}", None
    if not isinstance(raw_id, str):
        return "", f"{id_field!r} must be a string or an integer, not {type(raw_id).__name__}"
    if not _SAFE_LINE_ID.match(raw_id) or raw_id in (".", ".."):
        return "", f"id {raw_id!r} cannot name a file: no '/', '\\', control characters, '.' or '..'"
    return raw_id, None


def jsonl_line_id(data: bytes, number: int, id_field: str) -> tuple[str, str | None]:
    """The id of a JSONL line given as bytes, and why it cannot be a document (None when it can).

    A line past the JSON limits (`pipeline.jsonlimits`) is refused unparsed.
    """
    too_big = json_limit_problem(data)
    if too_big is not None:
        return "", too_big
    try:
        item = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        return "", f"not a JSON object: {error}"
    return jsonl_line_key(item, number, id_field)


def jsonl_members(stream: BinaryIO, id_field: str, max_line_bytes: int) -> Iterator[Member]:
    """The documents of a (decompressed) JSONL stream, one per non-blank line, read in pieces."""
    for line in jsonl_lines(stream, max_line_bytes):
        where = f":{line.number}"
        if line.data is None:
            too_long = f"line is {line.length} bytes, over the limit of {max_line_bytes}; not parsed"
            yield Member("", where, line.offset, line.length, line.number, problem=too_long, sha256=line.sha256)
            continue
        if not line.data.strip():
            continue
        key, problem = jsonl_line_id(line.data, line.number, id_field)
        sha256 = hashlib.sha256(line.data).hexdigest() if problem is not None else None
        yield Member(key, where, line.offset, line.length, line=line.number, problem=problem, sha256=sha256)


def warc_members(handle: BinaryIO, compression: Compression | None, size: int) -> tuple[list[Member], bool, int]:
    """The documents of a WARC file, whether each can be read on its own, and its record count.

    Returns:
        The members (HTML responses), True when their offsets point into the file itself
        (plain WARC, or one gzip member per record), False when they count bytes of the
        decompressed stream, and the number of records of every type.

    Raises:
        OSError and the other `DECOMPRESSION_ERRORS`: the file is not a readable WARC.
        ValueError: The decompressed stream is over `MAX_ARCHIVE_BYTES`.
    """
    if compression in (None, "gzip"):
        entries = list(warc_entries(handle, size))
        if compression is None or members_are_records(handle, [entry for entry, _ in entries]):
            return _documents(entries), True, len(entries)
        handle.seek(0)
    content = read_limited(open_decompressed(handle, compression), MAX_ARCHIVE_BYTES)
    if len(content) > MAX_ARCHIVE_BYTES:
        raise ValueError(f"decompresses to over {MAX_ARCHIVE_BYTES} bytes; split it or compress record by record")
    entries = list(warc_entries(io.BytesIO(content), len(content)))
    return _documents(entries), False, len(entries)


def _documents(entries: list[tuple[WarcEntry, bool]]) -> list[Member]:
    return [
        Member(f"{entry.number:06d}", f"#{entry.number}", entry.offset, entry.length, record=entry.number)
        for entry, is_document in entries
        if is_document
    ]


class DecompressedFiles:
    """The decompressed content of the last container read, so its documents cost one pass.

    Documents of one file come one after the other (refs are sorted by id, which starts
    with the file's id), so one entry is enough; `identity` (device, inode, size, mtime)
    tells a changed file from the one kept.
    """

    def __init__(self) -> None:
        self._identity: tuple[object, ...] | None = None
        self._content = b""

    def content(self, handle: BinaryIO, compression: Compression, identity: tuple[object, ...]) -> bytes:
        """The whole decompressed content of `handle`.

        Raises:
            ValueError: It is over `MAX_ARCHIVE_BYTES`.
        """
        if identity != self._identity:
            self._identity, self._content = None, b""
            content = read_limited(open_decompressed(handle, compression), MAX_ARCHIVE_BYTES)
            if len(content) > MAX_ARCHIVE_BYTES:
                raise ValueError(f"decompresses to over {MAX_ARCHIVE_BYTES} bytes; split the file")
            self._identity, self._content = identity, content
        return self._content
