"""The HTML path: remove page furniture by structure, then judge every remaining block.

The page is parsed with BeautifulSoup (lxml). Furniture is removed by structure (`nav`,
`form`, `aside`, page-level `header`/`footer`, ARIA roles, class and id hints); the
article's frame is the smallest element that holds most of the page's prose; every block
(heading, paragraph, caption, list item, quote) is then judged by link density and cues.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, Tag, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, PageElement

from pipeline.config import StripConfig
from pipeline.records import BlockKind, BoilerplateKind
from pipeline.stages.strip.cues import Cues
from pipeline.stages.strip.pieces import Piece, collapse
from pipeline.stages.strip.tags import (
    ARTICLE_TAGS,
    BLOCK_KINDS,
    BLOCK_TAGS,
    FURNITURE_TAGS,
    INVISIBLE_TAGS,
    LEAF_BLOCK_TAGS,
    NESTED_BLOCK_TAGS,
    ROLE_KINDS,
    class_hint,
)

_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^\[>]*\[[^\]]*\]\s*>", re.IGNORECASE)


def parse_html(content: str) -> BeautifulSoup:
    """Parse a page as HTML, forgiving what lxml's HTML parser forgives."""
    with warnings.catch_warnings():
        # XHTML pages are still read as HTML on purpose: lxml's HTML parser forgives them.
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        # lxml's HTML parser reads an internal DTD subset as text ("]>"); entity
        # declarations are never expanded, so they can go unread.
        return BeautifulSoup(_DOCTYPE_SUBSET.sub("", content, count=1), "lxml")


@dataclass
class _Frame:
    """One element being visited: its remaining children and the inline nodes not yet judged."""

    element: Tag
    children: Iterator[PageElement]
    place: str
    inline: list[Tag | NavigableString] = field(default_factory=list)


@dataclass
class _Stats:
    """What the walk needs to know about an element's whole subtree, computed once per page."""

    chars: int = 0
    link_chars: int = 0
    # Characters of prose (sentences outside links) in the subtree: where the article is.
    prose: int = 0
    has_block: bool = False
    has_nested_block: bool = False
    # Holds `main`, `article` or `h1`: part of the article's frame, never furniture itself.
    has_article: bool = False


class HtmlPath:
    """Split a parsed page into kept and dropped pieces."""

    def __init__(self, config: StripConfig, cues: Cues) -> None:
        """Bind the settings and the cues."""
        self.config = config
        self.cues = cues

    def pieces(self, soup: BeautifulSoup) -> Iterator[Piece]:
        """The page's blocks in source order, each kept or dropped with a kind.

        Comments and invisible elements are removed from `soup` first.
        """
        for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
            node.extract()
        for tag in soup.find_all(INVISIBLE_TAGS):
            tag.decompose()
        root = soup.body or soup
        stats = self._subtree_stats(root)
        region = _main_region(root, stats, self.config.region_share)
        above = {id(tag) for tag in region.parents}
        yield from self._walk(root, stats, region, above)

    def _walk(self, root: Tag, stats: dict[int, _Stats], region: Tag, above: set[int]) -> Iterator[Piece]:
        """Visit the page in source order without recursion (pages nest deeper than Python's stack).

        Every element is inside the main region, above it (one of its ancestors) or outside
        it; outside the region nothing is kept but the page's headline.
        """
        total_chars = max(1, stats[id(root)].chars)
        place = "inside" if root is region else "above"
        stack: list[_Frame] = [_Frame(root, iter(root.children), place)]
        while stack:
            frame = stack[-1]
            child = next(frame.children, None)
            if child is None:
                stack.pop()
                yield from self._inline_piece(frame, stats)
                continue
            if isinstance(child, NavigableString):
                frame.inline.append(child)
                continue
            if not isinstance(child, Tag):
                continue
            child_stats = stats[id(child)]
            if child.name not in BLOCK_TAGS and not child_stats.has_block:
                frame.inline.append(child)
                continue
            yield from self._inline_piece(frame, stats)
            place = _place_of(child, frame.place, region, above)
            furniture = None if place == "above" else self._furniture_kind(child, child_stats, total_chars)
            if furniture is not None:
                text = collapse(child.get_text(" "))
                if text:
                    yield Piece(text, drop_kind=furniture)
                continue
            block_kind = BLOCK_KINDS.get(child.name or "")
            if block_kind is not None and not child_stats.has_nested_block:
                text = collapse(child.get_text(" "))
                if text:
                    link_density = child_stats.link_chars / max(1, child_stats.chars)
                    # The page's headline often sits outside the article's frame; other
                    # headings there title teasers and sidebars.
                    outside = place == "outside" and child.name != "h1"
                    yield self._judge_text(text, block_kind, link_density, outside)
            else:
                stack.append(_Frame(child, iter(child.children), place))

    def _inline_piece(self, frame: _Frame, stats: dict[int, _Stats]) -> Iterator[Piece]:
        nodes, frame.inline = frame.inline, []
        text = collapse(" ".join(node.get_text(" ") for node in nodes))
        if text:
            kind = BLOCK_KINDS.get(frame.element.name or "", "other")
            link_chars = sum(stats[id(node)].link_chars for node in nodes if isinstance(node, Tag))
            yield self._judge_text(text, kind, link_chars / len(text), outside=frame.place != "inside")

    def _judge_text(self, text: str, kind: BlockKind, link_density: float, outside: bool) -> Piece:
        dropped = self.cues.kind(text)
        if dropped is None and link_density > self.config.max_link_density and kind != "heading":
            dropped = "navigation"
        if dropped is None and outside:
            dropped = "other"
        return Piece(text, kind, dropped)

    def _furniture_kind(self, tag: Tag, stats: _Stats, total_chars: int) -> BoilerplateKind | None:
        """Decide from structure alone whether an element is page furniture."""
        name = tag.name or ""
        if stats.has_article:
            # The element wraps the article itself; judge its parts instead.
            return None
        role = str(tag.get("role") or "").lower()
        if role in ROLE_KINDS:
            return ROLE_KINDS[role]
        if name in ("header", "footer") and tag.find_parent(["article", "main"]) is not None:
            return "footer" if name == "footer" else None
        if name in FURNITURE_TAGS:
            return FURNITURE_TAGS[name]
        hint = _class_hint(tag)
        # A hinted wrapper holding most of the page is a layout box, not furniture.
        if hint is not None and stats.chars < self.config.hinted_box_max_share * total_chars:
            return hint
        return None

    def _subtree_stats(self, root: Tag) -> dict[int, _Stats]:
        """Text, link and prose counts of every element's subtree, in one pass from the leaves up."""
        tags = [root, *root.find_all(True)]
        stats = {id(tag): _Stats() for tag in tags}
        for tag in reversed(tags):  # children come after their parent in source order
            own = stats[id(tag)]
            direct_prose = 0
            for child in tag.children:
                if isinstance(child, NavigableString):
                    length = len(collapse(child))
                    own.chars += length
                    direct_prose += length
                elif isinstance(child, Tag):
                    sub = stats[id(child)]
                    own.chars += sub.chars
                    own.link_chars += sub.link_chars
                    own.prose += sub.prose
                    own.has_block = own.has_block or sub.has_block or child.name in BLOCK_TAGS
                    own.has_nested_block = (
                        own.has_nested_block or sub.has_nested_block or child.name in NESTED_BLOCK_TAGS
                    )
                    own.has_article = own.has_article or sub.has_article or child.name in ARTICLE_TAGS
                    if child.name not in BLOCK_TAGS and child.name != "a":
                        direct_prose += sub.chars - sub.link_chars - sub.prose
            if tag.name == "a":
                own.link_chars = own.chars
            elif direct_prose >= self.config.prose_min_chars:
                own.prose += direct_prose
            if not own.has_article and _looks_like_furniture(tag):
                # Comments and sidebars can out-write the article; they never locate it.
                own.prose = 0
        return stats


def _looks_like_furniture(tag: Tag) -> bool:
    role = str(tag.get("role") or "").lower()
    return role in ROLE_KINDS or tag.name in FURNITURE_TAGS or _class_hint(tag) is not None


def _class_hint(tag: Tag) -> BoilerplateKind | None:
    classes: object = tag.get("class") or []
    class_names = [str(name) for name in classes] if isinstance(classes, list) else [str(classes)]
    return class_hint(" ".join([*class_names, str(tag.get("id") or "")]))


def _main_region(root: Tag, stats: dict[int, _Stats], share: float) -> Tag:
    """The smallest element that still holds `share` of the page's prose: the article's frame."""
    region = root
    while True:
        prose = stats[id(region)].prose
        best = max(
            (child for child in region.children if isinstance(child, Tag)),
            key=lambda child: stats[id(child)].prose,
            default=None,
        )
        if best is None or prose == 0 or stats[id(best)].prose < share * prose or best.name in LEAF_BLOCK_TAGS:
            break
        region = best
    return region


def _place_of(child: Tag, parent_place: str, region: Tag, above: set[int]) -> str:
    if parent_place != "above":
        return parent_place
    if child is region:
        return "inside"
    return "above" if id(child) in above else "outside"
