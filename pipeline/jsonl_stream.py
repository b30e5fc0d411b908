"""The lines of a JSONL file, read in pieces so that one huge line never sits in memory whole.

Iterating over a file object reads each line whole: a 200 MB line took 692 MB while the
input was only being listed. Here the file is read a mebibyte at a time; a line longer
than the limit is hashed as it streams past and handed on without its bytes, so listing
needs at most the limit (plus one piece) of memory, whatever the file holds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

_PIECE_BYTES = 1 << 20


@dataclass(frozen=True)
class JsonlLine:
    """One line of a JSONL file: where it is, and its bytes unless it is over the limit.

    Attributes:
        number: The line number, from 1.
        offset: The byte offset of its first byte.
        length: Its length in bytes, the newline included.
        data: Its bytes (newline included), or None when `length` is over the limit.
        sha256: The sha256 of its bytes, set only when `data` is None.
    """

    number: int
    offset: int
    length: int
    data: bytes | None
    sha256: str | None = None


def jsonl_lines(handle: BinaryIO, max_line_bytes: int) -> Iterator[JsonlLine]:
    """Yield every line of `handle` (blank ones too), keeping at most `max_line_bytes` of a line."""
    number, offset = 0, 0
    kept = bytearray()  # the current line so far, while it is within the limit
    digest: hashlib._Hash | None = None  # the current line's hash, once it is over the limit
    length = 0
    while True:
        piece = handle.read(_PIECE_BYTES)
        if not piece:
            break
        start = 0
        while start < len(piece):
            newline = piece.find(b"\n", start)
            end = len(piece) if newline < 0 else newline + 1
            part = piece[start:end]
            length += len(part)
            if digest is None and length > max_line_bytes:
                digest = hashlib.sha256(kept)
                kept.clear()
            if digest is not None:
                digest.update(part)
            else:
                kept += part
            start = end
            if newline >= 0:
                number += 1
                yield _line(number, offset, length, kept, digest)
                offset, length, digest = offset + length, 0, None
                kept = bytearray()
    if length:
        yield _line(number + 1, offset, length, kept, digest)


def _line(number: int, offset: int, length: int, kept: bytearray, digest: hashlib._Hash | None) -> JsonlLine:
    if digest is not None:
        return JsonlLine(number, offset, length, None, digest.hexdigest())
    return JsonlLine(number, offset, length, bytes(kept))
