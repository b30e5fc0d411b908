"""Limits on untrusted JSON, checked on the bytes before any parser sees them.

Python's `json` recurses once per nesting level (a line nested 1,000 deep raises
`RecursionError`, which no caller expected) and converts integers of any length (a
5,000-digit number raises `ValueError` past the interpreter's own digit limit, and a few
hundred thousand digits take seconds). A crawl's JSONL line or a sidecar comes from
anywhere, so its depth and the length of its numbers are measured first, by one regular
expression pass that skips over strings, and a value over a limit is refused with a reason
instead of being parsed.

Real documents nest a few levels (an object of metadata) and their numbers are ids,
years or coordinates, so the limits are far above them and far below what hurts.
"""

from __future__ import annotations

import re

# Nesting of arrays and objects, counted together: {"metadata": {"tags": [...]}} is 3.
MAX_JSON_DEPTH = 64
# Characters of one number token (sign, digits, fraction, exponent): a 64-bit id has 20.
MAX_JSON_NUMBER_CHARS = 100
# A string (its escapes included), an opening or closing bracket, or a number. Strings are
# matched whole (the unrolled loop does not backtrack) so brackets and digits inside them
# are not counted; an unterminated string runs to the end, so no quote is scanned twice.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)|[\[{]|[\]}]|-?[0-9][0-9.eE+\-]*', re.DOTALL)


def json_limit_problem(
    data: bytes, max_depth: int = MAX_JSON_DEPTH, max_number: int = MAX_JSON_NUMBER_CHARS
) -> str | None:
    """Why `data` must not be handed to a JSON parser, or None when it is within the limits.

    The scan does not validate JSON (the parser does that next); it only measures what
    would make parsing crash or take long.

    Args:
        data: The JSON text, as bytes (a JSONL line or a sidecar file).
        max_depth: The deepest nesting of arrays and objects allowed.
        max_number: The most characters one number may have.

    Returns:
        A reason fit for the manifest, or None.
    """
    depth = 0
    for match in _TOKENS.finditer(data):
        token = match.group()
        first = token[:1]
        if first == b'"':
            continue
        if first in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                return f"JSON nested deeper than {max_depth} levels; refused before parsing"
        elif first in (b"]", b"}"):
            depth -= 1
        elif len(token) > max_number:
            return f"JSON number of {len(token)} characters (at most {max_number}); refused before parsing"
    return None
