"""A cached record is checked before it is reused: the cache is a convenience, never a source of truth.

The cache file lives in the output folder, where anything can happen to it: a disk error,
a half-copied backup, a hand edit. A row under the right key is reused only if its line is
still a valid record (schema and offsets, as the validate stage checks them) of the same
id and the same input bytes, and its counts are sane; otherwise the document is processed
again, as if the row were not there.
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from pipeline.cache import CachedRecord
from pipeline.records import Record

_SHA256 = re.compile(r"[0-9a-f]{64}")


def is_sound(cached: CachedRecord, record_id: str, sha256: str) -> bool:
    """Tell whether `cached` is a record of `record_id` made from the input bytes with `sha256`."""
    if cached.unresolved_dates < 0:
        return False
    if cached.pretty_sha256 is not None and not _SHA256.fullmatch(cached.pretty_sha256):
        return False
    try:
        record = Record.model_validate_json(cached.line)
    except (ValidationError, ValueError):
        return False
    # The line is written into records.jsonl as it is: it must be the one line it claims to be.
    return record.id == record_id and record.source.sha256 == sha256 and "\n" not in cached.line
