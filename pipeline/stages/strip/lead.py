"""The article's lead beside its frame: an intro or standfirst set outside the body's own box.

The frame (`html._main_region`) is the smallest element that holds most of the page's prose,
so a lead paragraph set beside the box of the body falls outside it. Before the frame, in
its nearest ancestors (`close_ancestors`), a paragraph of running sentences is a `Lead`:
dropped unless it leads up to the frame (`keep_lead`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lxml.html import HtmlElement

from pipeline.records import BlockKind
from pipeline.stages.strip.pieces import Piece

# Blocks that make an article's lead: paragraphs, and a standfirst set as a heading (not captions).
LEAD_KINDS: frozenset[BlockKind] = frozenset(("paragraph", "heading", "table", "other"))


@dataclass(frozen=True)
class Lead(Piece):
    """A paragraph of running sentences before the article's frame, dropped unless it leads up to it."""


def close_ancestors(
    region_prose: int, ancestors: Iterable[HtmlElement], prose_of: Callable[[HtmlElement], int | None], share: float
) -> set[HtmlElement]:
    """The frame's ancestors, nearest first, for as long as the frame holds `share` of their prose.

    `prose_of` gives an element's prose, or None above the page's body. In these ancestors a
    lead before the frame is still the article's; further up, a box beside it is another
    part of the page.
    """
    close: set[HtmlElement] = set()
    for ancestor in ancestors:
        prose = prose_of(ancestor)
        if prose is None or region_prose < share * prose:
            break
        close.add(ancestor)
    return close


def keep_lead(pieces: list[Piece], start: int) -> list[Piece]:
    """Keep the lead: the `Lead` paragraphs that lead up to the frame's first piece (`start`).

    Walking back from the frame, every `Lead` is kept, and what stands between (a date, a
    byline, a photo and its caption) passed over, up to the page's kept headline: a lead
    follows its headline, and what stands above it (a cookie notice, an author's bio) is no
    part of the article.
    """
    index = start - 1
    while index >= 0:
        piece = pieces[index]
        if isinstance(piece, Lead):
            pieces[index] = Piece(piece.text, piece.block_kind)
        elif piece.drop_kind is None and piece.block_kind == "heading":
            break
        index -= 1
    return pieces
