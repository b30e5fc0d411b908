"""Where date expressions stand in a text, shared by both date readers (`dates`, `date_languages`).

A date never crosses a blank line (the article's blocks are joined by one), and where
several patterns match at one position the longest match is the expression; what it covers
is taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Protocol, TypeVar

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")


class _Span(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


SpanT = TypeVar("SpanT", bound=_Span)


def paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    """The spans of `text` between blank lines (the article's blocks): no date crosses one."""
    start = 0
    for gap in _BLANK_LINE.finditer(text):
        yield start, gap.start()
        start = gap.end()
    yield start, len(text)


def longest_first(matches: Iterable[SpanT]) -> Iterator[SpanT]:
    """The matches that do not overlap, the longest at each position, in text order."""
    taken_until = -1
    for match in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if match.start >= taken_until:
            taken_until = match.end
            yield match
