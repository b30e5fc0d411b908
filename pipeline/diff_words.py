"""Where two texts differ, word by word, and how text is shown on one line that cannot harm.

The texts of two records are aligned line by line (difflib), so an edit in one paragraph
leaves the offsets of every other paragraph mappable; each stretch between identical lines
is narrowed to the characters that differ and widened to whole words, ready for a
word-by-word comparison in a report.

Scraped text, ids and names reach terminals and reports: `escape_controls` turns control
characters and bidirectional overrides into visible escapes wherever they are shown.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Iterator, Sequence

from pydantic import BaseModel, ConfigDict

# Characters of text shown on each side of a mention or a text change: enough to recognise
# the sentence, short enough that a terminal line stays readable.
CONTEXT_WIDTH = 30
# A changed stretch longer than this keeps its two ends (a rewritten page is not shown whole).
MAX_HUNK_CHARS = 1200


class TextModel(BaseModel):
    """Base of this module's models: immutable, unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class TextHunk(TextModel):
    """One stretch where the texts differ, widened to whole words, with a little text either side.

    The texts are raw (a renderer escapes them): `removed` stood at `old_start` in OLD,
    `inserted` stands at `new_start` in NEW, between `before` and `after` (the same on both
    sides). A stretch longer than `MAX_HUNK_CHARS` keeps its two ends around an ellipsis.
    """

    old_start: int
    new_start: int
    before: str
    removed: str
    inserted: str
    after: str


class TextChange(TextModel):
    """How the text changed: its lengths, and every stretch that differs, in text order."""

    old_length: int
    new_length: int
    hunks: tuple[TextHunk, ...]


def compare_text(old: str, new: str, alignment: TextAlignment | None = None, width: int = CONTEXT_WIDTH) -> TextChange:
    """The stretches where two texts differ: lines that differ, narrowed to the words that do."""
    hunks = []
    for old_from, old_to, new_from, new_to in narrowed_stretches(alignment or TextAlignment(old, new)):
        hunks.append(
            TextHunk(
                old_start=old_from,
                new_start=new_from,
                before=_clip_start(new[max(0, new_from - width) : new_from], new_from > width),
                removed=_clip_middle(old[old_from:old_to]),
                inserted=_clip_middle(new[new_from:new_to]),
                after=_clip_end(new[new_to : new_to + width], new_to + width < len(new)),
            )
        )
    return TextChange(old_length=len(old), new_length=len(new), hunks=tuple(hunks))


def narrowed_stretches(alignment: TextAlignment) -> Iterator[tuple[int, int, int, int]]:
    """(old start, old end, new start, new end) of every differing stretch, in text order.

    The stretches between identical lines, narrowed by their common start and end, then
    widened to whole words: what actually differs, ready for a word-by-word comparison.
    """
    old, new = alignment.old, alignment.new
    for old_start, old_end, new_start, new_end in alignment.changed_stretches():
        prefix, suffix = _common_ends(old[old_start:old_end], new[new_start:new_end])
        yield _whole_words(old, new, old_start + prefix, old_end - suffix, new_start + prefix, new_end - suffix)


def _whole_words(
    old: str, new: str, old_from: int, old_to: int, new_from: int, new_to: int
) -> tuple[int, int, int, int]:
    """A differing stretch widened on both sides to whole words, so "open|ed" reads "opened".

    The characters passed over are common to both texts (the stretch was narrowed by its
    common ends, and identical lines surround it), so both sides widen alike. A stretch
    that starts or ends at a non-word character on both sides ("-" for "+") is left as is.
    """

    def word_at(text: str, index: int) -> bool:
        return 0 <= index < len(text) and text[index].isalnum()

    def inside_is_word(old_index: int, new_index: int) -> bool:
        # The character just inside the stretch, on whichever side is not empty.
        return (old_from < old_to and word_at(old, old_index)) or (new_from < new_to and word_at(new, new_index))

    while word_at(old, old_from - 1) and inside_is_word(old_from, new_from):
        old_from, new_from = old_from - 1, new_from - 1
    while word_at(old, old_to) and inside_is_word(old_to - 1, new_to - 1):
        old_to, new_to = old_to + 1, new_to + 1
    return old_from, old_to, new_from, new_to


def _clip_middle(text: str) -> str:
    if len(text) <= MAX_HUNK_CHARS:
        return text
    half = MAX_HUNK_CHARS // 2
    return f"{text[:half]}…{text[-half:]}"


def _clip_start(text: str, clipped: bool) -> str:
    return f"…{text}" if clipped else text


def _clip_end(text: str, clipped: bool) -> str:
    return f"{text}…" if clipped else text


class TextAlignment:
    """Which character offsets of OLD text are the same characters in NEW text.

    The texts are aligned line by line (difflib), so an edit in one paragraph leaves the
    offsets of every other paragraph mappable; offsets inside changed lines map to nothing.
    """

    def __init__(self, old: str, new: str) -> None:
        self.old = old
        self.new = new
        # (old start, new start, length) of every stretch of identical lines, in text order.
        self.blocks: list[tuple[int, int, int]] = []
        if old == new:
            self.blocks.append((0, 0, len(old)))
            return
        old_lines = old.splitlines(keepends=True)
        new_lines = new.splitlines(keepends=True)
        old_offsets = _line_offsets(old_lines)
        new_offsets = _line_offsets(new_lines)
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for old_line, new_line, count in matcher.get_matching_blocks():
            if count:
                length = old_offsets[old_line + count] - old_offsets[old_line]
                self.blocks.append((old_offsets[old_line], new_offsets[new_line], length))

    def to_new(self, offset: int) -> int | None:
        """The NEW offset of the character at `offset` in OLD, or None if its line changed."""
        index = bisect.bisect_right(self.blocks, (offset, len(self.new) + 1, 0)) - 1
        if index < 0:
            return None
        old_start, new_start, length = self.blocks[index]
        return new_start + offset - old_start if offset < old_start + length else None

    def changed_stretches(self) -> list[tuple[int, int, int, int]]:
        """(old start, old end, new start, new end) of every stretch between identical lines."""
        stretches = []
        old_position = new_position = 0
        for old_start, new_start, length in [*self.blocks, (len(self.old), len(self.new), 0)]:
            if old_start > old_position or new_start > new_position:
                stretches.append((old_position, old_start, new_position, new_start))
            old_position, new_position = old_start + length, new_start + length
        return stretches


def _line_offsets(lines: Sequence[str]) -> list[int]:
    """The offset where each line starts, and the text's length at the end."""
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets


def _common_ends(old: str, new: str) -> tuple[int, int]:
    """Lengths of the common start and of the common end, which never overlap."""
    shortest = min(len(old), len(new))
    prefix = _longest(shortest, lambda n: old[:n] == new[:n])
    suffix = _longest(shortest - prefix, lambda n: old[len(old) - n :] == new[len(new) - n :])
    return prefix, suffix


def _longest(most: int, holds: Callable[[int], bool]) -> int:
    """The largest n <= `most` for which `holds(n)`, for a property that holds up to some n.

    A binary search over slice comparisons: a paragraph of a thousand characters costs ten
    comparisons made in C instead of a thousand steps of a Python loop.
    """
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if holds(middle):
            low = middle
        else:
            high = middle - 1
    return low


def context(text: str, start: int, end: int, width: int = CONTEXT_WIDTH) -> str:
    """`text[start:end]` in brackets with up to `width` characters either side, on one line.

    Line breaks show as `↵`; tabs, other control characters and bidirectional overrides are
    written as escapes (`\\t`, `\\x1b`, `\\u202e`) so that the context stays on one line and
    scraped text cannot drive the terminal or reorder what is shown.
    """
    inside = text[start:end]
    if len(inside) > 4 * width:
        # A long change shows its two ends, enough to find it in the text.
        inside = f"{inside[: 2 * width]}…{inside[-2 * width :]}"
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    lead = "…" if start > width else ""
    trail = "…" if end + width < len(text) else ""
    shown = (escape_controls(part, line_break=LINE_BREAK_MARK) for part in (before, inside, after))
    return lead + "{}[{}]{}".format(*shown) + trail


# How a line break inside a one-line context is shown.
LINE_BREAK_MARK = "↵"

# Format characters that reorder the text around them (Trojan Source, CVE-2021-42574): an id
# or a name holding U+202E would show its end first. Other format characters (zero-width
# joiners in emoji and Indic scripts) are text and stay.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def escape_controls(text: str, line_break: str = "\\n", tab: str = "\\t") -> str:
    """Control characters and bidirectional controls as visible escapes.

    A newline becomes `line_break` and a tab `tab` (`\\n` and `\\t` unless told), ESC
    `\\x1b`, U+202E `\\u202e`: what is left can neither drive a terminal nor reorder the
    characters around it.
    """
    if text.isprintable():
        return text

    def escaped(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\n":
            return line_break
        if char == "\t":
            return tab
        if char == "\r":
            return "\\r"
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return _CONTROLS.sub(escaped, text)


# Every control character (Unicode categories Cc, Zl and Zp) and the bidirectional controls.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + "".join(sorted(BIDI_CONTROLS)) + "]")
