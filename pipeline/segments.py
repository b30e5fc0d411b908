"""Pieces of text small enough for the model: memory per document stays bounded whatever its blocks.

spaCy's memory grows with the length of each text it reads (and with how many it reads at
once): a 900 KB paragraph took 2.9 GB, the same text in paragraphs 0.19 GB. A block longer
than `MAX_MODEL_CHARS` is therefore read in pieces, each ending at a sentence end where
there is one (else at a space, else at the limit), so the model never holds more than
`batch_size` x `MAX_MODEL_CHARS` characters at a time. Pieces are offsets into the
document's text, like blocks, and are the same for the same text (no clock, no state).

Paragraphs of real articles are far shorter (the seeds' longest block is under 1,000
characters), so pieces change nothing for them; only a block that is a wall of text is cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pipeline.records import Block

# The most characters the model reads as one text; a long paragraph is 1,000-2,000.
MAX_MODEL_CHARS = 2_000
# A sentence end: terminal punctuation, closing quotes or brackets, then white space.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")


def model_pieces(text: str, blocks: Iterable[Block], limit: int = MAX_MODEL_CHARS) -> Iterator[Block]:
    """Yield `blocks`, each one longer than `limit` as consecutive pieces of at most `limit` characters.

    Args:
        text: The document's text, which the blocks' offsets index.
        blocks: Blocks with `end > start`.
        limit: The longest piece, in characters (code points).
    """
    for block in blocks:
        start = block.start
        while block.end - start > limit:
            cut = _cut(text, start, start + limit)
            yield Block(kind=block.kind, start=start, end=cut)
            start = cut
        yield Block(kind=block.kind, start=start, end=block.end) if start != block.start else block


def _cut(text: str, start: int, end: int) -> int:
    """Where to end a piece that starts at `start` and may not pass `end`: after the last sentence
    end in its second half, else after its last white space there, else at `end`."""
    floor = start + (end - start) // 2
    for boundary in (_SENTENCE_END, _SPACE):
        ends = [match.end() for match in boundary.finditer(text, floor, end)]
        if ends:
            return ends[-1]
    return end
