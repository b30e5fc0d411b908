"""Reading gold files: JSONL, optionally gzip-compressed, one document per line."""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from tqdm import tqdm

from pipeline.document import ContentFormat, Document
from pipeline.errors import ErrorCode, PipelineError
from pipeline.records import Block, Source

Suite = Literal["goldtext", "boilerplate", "temporal", "ner"]


def read_gold(path: Path, limit: int | None = None, progress: bool = False) -> Iterator[dict[str, Any]]:
    """Yield the documents of a gold file in file order (the first `limit` when given).

    With `progress`, a bar on standard error counts the documents scored.

    Raises:
        PipelineError: The file is missing or a line is not a JSON object (E501).
    """
    if not path.is_file():
        raise PipelineError(ErrorCode.BAD_GOLD_FILE, f"{path}: gold file not found")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        lines = tqdm(itertools.islice(handle, limit), desc=path.name, unit="doc", disable=not progress, file=sys.stderr)
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                document = json.loads(line)
            except ValueError as error:
                raise PipelineError(ErrorCode.BAD_GOLD_FILE, f"{path}:{number}: not JSON ({error})") from error
            if not isinstance(document, dict):
                raise PipelineError(ErrorCode.BAD_GOLD_FILE, f"{path}:{number}: not a JSON object")
            yield document


def detect_suite(path: Path) -> Suite:
    """Tell the suite of a gold file from the fields of its first document.

    Raises:
        PipelineError: The file is empty, unreadable or of no known suite (E501).
    """
    try:
        first = next(read_gold(path, limit=1))
    except StopIteration:
        raise PipelineError(ErrorCode.BAD_GOLD_FILE, f"{path}: gold file is empty") from None
    except (OSError, UnicodeDecodeError) as error:
        raise PipelineError(ErrorCode.BAD_GOLD_FILE, f"{path}: unreadable ({error})") from error
    if {"html", "gold_text"} <= first.keys():
        return "goldtext"
    if {"html", "keep", "drop"} <= first.keys():
        return "boilerplate"
    if "timexes" in first and "text" in first:
        return "temporal"
    if "entities" in first and "text" in first:
        return "ner"
    raise PipelineError(
        ErrorCode.BAD_GOLD_FILE,
        f"{path}: not a gold-text, boilerplate, temporal or ner gold file (fields: {sorted(first)})",
    )


def gold_document(
    doc_id: str, content: str, content_format: ContentFormat, document_date: str | None = None
) -> Document:
    """A pipeline document made from gold content, as the load stage would make it."""
    data = content.encode("utf-8")
    source = Source(
        path=doc_id,
        sha256=hashlib.sha256(data).hexdigest(),
        format=content_format,
        encoding="utf-8",
        bytes=len(data),
    )
    return Document(
        id=doc_id, source=source, content=content, content_format=content_format, document_date=document_date
    )


def as_article(doc: Document) -> Document:
    """Take the content as the article itself, one paragraph block per non-empty line.

    The date and entity suites score those stages alone: their gold offsets point into the
    gold text, so it must reach them unchanged rather than through the strip stage.
    """
    blocks: list[Block] = []
    position = 0
    for line in doc.content.split("\n"):
        stripped = line.strip()
        if stripped:
            start = position + line.index(stripped)
            blocks.append(Block(kind="paragraph", start=start, end=start + len(stripped)))
        position += len(line) + 1
    return doc.model_copy(update={"text": doc.content, "blocks": tuple(blocks)})
