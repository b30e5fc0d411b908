"""Load: turn the bytes of one input into a `Document`.

Decides the encoding (byte-order mark, strict UTF-8, the page's declared charset, UTF-8
mixed with cp1252, then charset-normalizer's guess) and the format (from the content as much as the extension: a
`.txt` holding HTML is HTML). Binary and empty inputs are refused with a message that
says what they are. Control characters, bidirectional overrides and zero-width spaces are
removed from the text. The bytes were read by `pipeline.reader`; nothing here touches disk.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import ClassVar

import charset_normalizer

from pipeline import sources
from pipeline.config import LoadConfig
from pipeline.document import ContentFormat, Document
from pipeline.errors import DocumentError, ErrorCode
from pipeline.jsonlimits import json_limit_problem
from pipeline.reader import RawInput, known_date_problem
from pipeline.records import Source
from pipeline.stages.base import PipelineStep

_MAGIC_NUMBERS = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "ELF executable"),
    (b"\x00asm", "WebAssembly module"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Text has almost no NUL bytes; a file where they are common is binary whatever its name
# (unless it is UTF-16 without a byte-order mark, which is recognized separately).
_MAX_NUL_SHARE = 0.1
# In UTF-16 text of a Latin script most characters have a NUL high byte, always on one side.
_UTF16_MIN_NUL_PAIRS = 0.3
# charset-normalizer's "chaos" above this means its guess is noise; fall back to cp1252.
_MAX_CHAOS = 0.3
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HTML_SIGNS = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<(?:p|div|title|meta|article|table|span|h[1-6])[\s>]",
    re.IGNORECASE,
)
# Control characters other than tab and newline carry nothing for a reader and break JSON viewers.
# Bidirectional embeddings, overrides and isolates (U+202A-E, U+2066-9) can make text display in
# another order than it is stored ("Trojan Source"); zero-width spaces and stray byte-order marks
# split words. Joiners (U+200C, U+200D) and single direction marks stay: some scripts need them.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")
# Bytes that are not UTF-8 inside a file that otherwise is: pasted from a cp1252 page, most likely.
_MIXED_FALLBACK = "cp1252"
# A well-formed multi-byte UTF-8 character (lead byte and continuation bytes).
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# The name of the codec error handler below, registered when the module is imported.
_FALLBACK_ERRORS = "pipeline-single-byte-fallback"
_ISO_DAY_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:$|[T ])")


class DocumentLoader(PipelineStep[RawInput, Document]):
    """Decode one input into a `Document` (the first stage; its input is bytes, not a document)."""

    name: ClassVar[str] = "load"
    version: ClassVar[str] = "2"
    writes: ClassVar[frozenset[str]] = frozenset(
        {"id", "source", "content", "content_format", "document_date", "url", "fetch_date", "metadata"}
    )

    def __init__(self, config: LoadConfig) -> None:
        self.config = config

    def __call__(self, raw: RawInput) -> Document:
        """Decode `raw` and decide its format.

        Raises:
            DocumentError: The input is empty, binary, or a JSONL line without usable text.
        """
        ref = raw.ref
        if ref.line is not None:
            return self._load_jsonl_line(raw)
        if ref.record is not None:
            return self._load_warc_record(raw)
        content, encoding = decode_bytes(raw.data)
        declared_html = sources.name_of(ref.path).kind == "html"
        content_format: ContentFormat = "html" if declared_html or looks_like_html(content) else "text"
        source = Source(path=ref.path, sha256=raw.sha256, format=content_format, encoding=encoding, bytes=len(raw.data))
        return Document(
            id=ref.id,
            source=source,
            content=content,
            content_format=content_format,
            document_date=raw.sidecar_date,
        )

    def _load_jsonl_line(self, raw: RawInput) -> Document:
        # Listing checked the line, but the file may have changed since.
        too_big = json_limit_problem(raw.data)
        if too_big is not None:
            raise DocumentError(too_big, ErrorCode.INPUT_TOO_LARGE)
        try:
            item = json.loads(raw.data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise DocumentError(f"not a JSON line: {error}", ErrorCode.BAD_JSONL_DOCUMENT) from error
        if not isinstance(item, dict):
            raise DocumentError("not a JSON object", ErrorCode.BAD_JSONL_DOCUMENT)
        field = next((f for f in self.config.text_fields if isinstance(item.get(f), str) and item[f].strip()), None)
        if field is None:
            # The two usual fields first, so the message reads the same whatever the precedence.
            shown = sorted(self.config.text_fields, key=lambda f: (f != "text", f != "html"))
            names = " or ".join(repr(f) for f in shown)
            raise DocumentError(f"a JSONL document needs a non-empty string {names}", ErrorCode.BAD_JSONL_DOCUMENT)
        content = item[field]
        content_format: ContentFormat = "html" if field == "html" or looks_like_html(content) else "text"
        url, metadata = item.get("url"), item.get("metadata")
        if url is not None and not isinstance(url, str):
            raise DocumentError(f"'url' must be a string, not {type(url).__name__}", ErrorCode.BAD_JSONL_DOCUMENT)
        if metadata is not None and not isinstance(metadata, dict):
            raise DocumentError(
                f"'metadata' must be an object, not {type(metadata).__name__}", ErrorCode.BAD_JSONL_DOCUMENT
            )
        document_date = None
        if item.get("date") is not None:
            match = _ISO_DAY_PREFIX.match(str(item["date"]))
            if match is None:
                raise DocumentError(
                    f"'date' must be an ISO date YYYY-MM-DD, not {item['date']!r}", ErrorCode.BAD_JSONL_DOCUMENT
                )
            document_date = match.group(1)
            problem = known_date_problem(document_date)
            if problem is not None:
                raise DocumentError(f"'date' {problem}", ErrorCode.BAD_JSONL_DOCUMENT)
        source = Source(
            path=raw.ref.path.rsplit(":", 1)[0],
            sha256=raw.sha256,
            format="jsonl",
            encoding="utf-8",
            bytes=len(raw.data),
        )
        return Document(
            id=raw.ref.id,
            source=source,
            content=clean_text(content),
            content_format=content_format,
            document_date=document_date,
            url=url.strip() or None if url is not None else None,
            metadata=metadata,
        )

    def _load_warc_record(self, raw: RawInput) -> Document:
        """A WARC response record: its HTML payload, target URI and fetch date."""
        try:
            page = sources.parse_warc_record(raw.data)
        except (ValueError, OSError) as error:
            raise DocumentError(f"not a readable WARC response record: {error}") from error
        content, encoding = _decode_with_charset(page.payload, page.charset)
        source = Source(
            path=raw.ref.path.rsplit("#", 1)[0],
            sha256=raw.sha256,
            format="warc",
            encoding=encoding,
            bytes=len(raw.data),
        )
        return Document(
            id=raw.ref.id,
            source=source,
            content=content,
            content_format="html",
            url=page.url,
            fetch_date=page.fetch_date,
        )


def _decode_with_charset(payload: bytes, charset: str | None) -> tuple[str, str]:
    """Decode an HTTP payload: by the charset its headers declare when it reads as that, else by content."""
    codec = _codec_name(charset) if charset else None
    if codec is not None and payload.strip():
        try:
            return clean_text(payload.decode(codec)), codec
        except UnicodeDecodeError:
            pass
    return decode_bytes(payload)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode the bytes of a text or HTML file.

    Returns:
        The text (newlines normalized to `\\n`, control characters removed) and the name of
        the encoding it was read with.

    Raises:
        DocumentError: The bytes are empty, or binary content rather than text.
    """
    if not data.strip():
        raise DocumentError(
            "empty file: no text to extract" if not data else "file holds only white space", ErrorCode.NOT_TEXT
        )
    for magic, kind in _MAGIC_NUMBERS:
        if data.startswith(magic):
            raise DocumentError(f"binary content ({kind}), not text or HTML", ErrorCode.NOT_TEXT)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return clean_text(data.decode(encoding)), encoding.replace("-sig", "")
            except UnicodeDecodeError as error:
                raise DocumentError(
                    f"starts with a {encoding} byte-order mark but is not {encoding}: {error}"
                ) from error
    nul_share = data.count(0) / len(data)
    if nul_share > _MAX_NUL_SHARE:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise DocumentError(f"binary content ({nul_share:.0%} NUL bytes), not text or HTML", ErrorCode.NOT_TEXT)
    try:
        return clean_text(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _DECLARED_CHARSET.search(data[:4096])
    declared_codec = _codec_name(declared.group(1).decode("ascii", "replace")) if declared else None
    if declared_codec is not None:
        try:
            return clean_text(data.decode(declared_codec)), declared_codec
        except UnicodeDecodeError:
            pass
    mixed = _utf8_with_fallback(data)
    if mixed is not None:
        return clean_text(mixed), f"utf-8+{_MIXED_FALLBACK}"
    try:
        as_cp1252: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        as_cp1252 = None
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.chaos <= _MAX_CHAOS:
        encoding = _codec_name(best.encoding) or "cp1252"
        guessed = data.decode(encoding, errors="replace")
        # Short Western text often reads the same in several code pages: name the web's usual one.
        if guessed != as_cp1252:
            return clean_text(guessed), encoding
    if as_cp1252 is not None:
        return clean_text(as_cp1252), "cp1252"
    # latin-1 maps every byte, so this never fails: nothing of the input is lost.
    return clean_text(data.decode("latin-1")), "latin-1"


def _utf8_with_fallback(data: bytes) -> str | None:
    """Decode a file that is UTF-8 in places and cp1252 in others (lines pasted from two pages).

    Returns:
        The text, each byte that is not part of a UTF-8 sequence read as cp1252 (latin-1
        where cp1252 leaves it undefined); None when the file has no multi-byte UTF-8
        character at all, so is not UTF-8 anywhere.
    """
    if _UTF8_MULTIBYTE.search(data) is None:
        return None
    return data.decode("utf-8", errors=_FALLBACK_ERRORS)


def _single_byte_fallback(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read the offending bytes one by one as cp1252, else latin-1."""
    assert isinstance(error, UnicodeDecodeError)
    chunk = error.object[error.start : error.end]
    replaced = "".join(_cp1252_or_latin1(byte) for byte in chunk)
    return replaced, error.end


def _cp1252_or_latin1(byte: int) -> str:
    try:
        return bytes([byte]).decode(_MIXED_FALLBACK)
    except UnicodeDecodeError:
        return bytes([byte]).decode("latin-1")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Decode UTF-16 text that lacks a byte-order mark, recognized by NULs on one side of each pair."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    pairs = len(data) / 2
    if even == 0 and odd > _UTF16_MIN_NUL_PAIRS * pairs:
        encoding = "utf-16-le"
    elif odd == 0 and even > _UTF16_MIN_NUL_PAIRS * pairs:
        encoding = "utf-16-be"
    else:
        return None
    try:
        return clean_text(data.decode(encoding)), encoding
    except UnicodeDecodeError:
        return None


def looks_like_html(content: str) -> bool:
    """Tell whether text content is HTML markup, from its first few kilobytes."""
    return _HTML_SIGNS.search(content[:4096]) is not None


def clean_text(content: str) -> str:
    """Normalize newlines to `\\n` and drop control characters (NUL included)."""
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARACTERS.sub("", content)


def _codec_name(label: str) -> str | None:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


codecs.register_error(_FALLBACK_ERRORS, _single_byte_fallback)
