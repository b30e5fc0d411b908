"""The HTML path: remove page furniture by structure, then judge every remaining block.

The page is parsed with lxml directly (`parse.py`; BeautifulSoup's tree cost about ten times lxml's on
real pages). Invisible elements go first, and hidden copies (`hidden`, `aria-hidden`,
`display:none`) are dropped as `hidden`. Furniture is removed by structure (`nav`, `form`,
`aside`, page-level `header`/`footer`, ARIA roles, class and id hints); the article's
frame is the smallest element that holds most of the page's prose, with the lead set beside
it (`lead.py`); every block (heading, paragraph, caption, list item, quote) is then judged by
link density and cues, and the article ends inside its frame where the site starts to speak
(`ending.py`).

The module runs past 500 lines: the walk, the one-pass subtree statistics and the element
rules that read them (credit lines, date lines, teaser boxes) all share the private `_Stats`
and `_Frame` records; splitting them would make those records public for one reader.

Text is read as a browser lays it out: inline elements run together ("<b>W</b>hile" is one
word) and blocks and line breaks set words apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lxml import etree
from lxml.html import HtmlElement

from pipeline.config import StripConfig
from pipeline.records import BlockKind, BoilerplateKind
from pipeline.stages.strip.cues import PICTURE_CREDIT, PUNCTUATION, SENTENCE_ENDS, Cues
from pipeline.stages.strip.declared import Declared
from pipeline.stages.strip.ending import end_at_site_voice
from pipeline.stages.strip.lead import LEAD_KINDS, Lead, close_ancestors, keep_lead
from pipeline.stages.strip.parse import element_text, read_as_markup, shown_text
from pipeline.stages.strip.pieces import Piece, collapse
from pipeline.stages.strip.tags import (
    ARTICLE_TAGS,
    BLOCK_KINDS,
    BLOCK_TAGS,
    CAPTION_HINT,
    CONTENT_HINT,
    CREDIT_HINT,
    FURNITURE_TAGS,
    HIDDEN_STYLE,
    LEAF_BLOCK_TAGS,
    NESTED_BLOCK_TAGS,
    ROLE_KINDS,
    TEASER_HINT,
    UNREAD_TAGS,
    class_hint,
)


def _children(element: HtmlElement) -> Iterator[HtmlElement | str]:
    """An element's content in order: its text, then each child followed by the child's tail."""
    if element.text:
        yield element.text
    for child in element:
        yield child
        if child.tail:
            yield child.tail


@dataclass
class _Frame:
    """One element being visited: its remaining content and the inline nodes not yet judged."""

    element: HtmlElement
    children: Iterator[HtmlElement | str]
    place: str
    # What its blocks are dropped as outside the article's frame: the kind of the nearest
    # enclosing element that names one (a large "comments" box is not furniture as a whole).
    drop_as: BoilerplateKind = "other"
    # Inside a picture's caption: its blocks are captions, whatever their tags.
    caption: bool = False
    inline: list[HtmlElement | str] = field(default_factory=list)


@dataclass
class _ArticleFrame:
    """Where the article is: the region that holds most of the prose, and what leads up to it.

    What stands before the region inside the page's own `<article>` element (the headline,
    the lead, a recipe's ingredients) belongs to the article, though it holds less prose than
    the body; what follows the body there (bios, tags, "more on this") does not.
    """

    region: HtmlElement
    above: set[HtmlElement]
    # The region's ancestors up to its `article`: before the region, their content is the lead.
    lead: set[HtmlElement]
    # The region's nearest ancestors, in which the region still holds most of the prose: before
    # the region, their running sentences may be the article's lead (`lead.close_ancestors`).
    close: set[HtmlElement]
    stats: dict[HtmlElement, _Stats]
    passed: bool = False

    @classmethod
    def around(cls, region: HtmlElement, stats: dict[HtmlElement, _Stats], lead_share: float) -> _ArticleFrame:
        """The frame of a region: its ancestors, those up to the nearest `article` that is no furniture,
        and those it holds `lead_share` of the prose of."""
        above = list(region.iterancestors())
        article = next((i for i, a in enumerate(above) if a.tag == "article" and stats[a].kind is None), None)
        lead = set(above[: article + 1]) if article is not None else set()
        close = close_ancestors(
            stats[region].prose, above, lambda a: stats[a].prose if a in stats else None, lead_share
        )
        return cls(region, set(above), lead, close, stats)

    def place_of(self, child: HtmlElement, parent: _Frame) -> str:
        """Where `child` of `parent` (visited in source order) lies: inside, above, lead or outside."""
        if parent.place != "above":
            return parent.place
        if child is self.region:
            self.passed = True
            return "inside"
        if child in self.above:
            return "above"
        if self.passed:
            return "outside"
        if parent.element in self.lead:
            return "inside"
        # A box that adds no prose to the page's count (a sidebar, a widget) holds no lead.
        return "lead" if parent.element in self.close and self.stats[child].prose else "outside"


@dataclass
class _Stats:
    """What the walk needs to know about an element's whole subtree, computed once per page."""

    chars: int = 0
    link_chars: int = 0
    # Characters of prose (punctuated sentences outside links) in the subtree: where the article is.
    prose: int = 0
    # The text outside links directly in the element and its inline children has punctuation.
    punctuated: bool = False
    has_block: bool = False
    has_nested_block: bool = False
    # Holds `main`, `h1` or an `article` that is no furniture: part of the article's frame.
    has_article: bool = False
    # Holds `main` or `h1`: the page's own article, not a widget's list of `article` teasers.
    has_headline: bool = False
    # What the element is by its own structure (tag, role, class, hiding), after the share rule.
    kind: BoilerplateKind | None = None
    # What its hiding, role, name or class say it is, whatever its share of the page.
    named_kind: BoilerplateKind | None = None
    # A credit line (`tags.CREDIT_HINT`): dropped wherever it stands, even inside a paragraph.
    credit: bool = False
    # Characters inside `time` elements: a block that is little more than one is a date line.
    time_chars: int = 0
    # A picture's caption (`figcaption`). Class names ("wp-caption-text") also name boxes that
    # hold a post's lead, and some gold texts keep those.
    caption: bool = False
    # A teaser box (`HtmlPath._is_teaser_box`) holding no other.
    teaser_box: bool = False


# Kinds that hold no part of the article even around an `article` element: a comment is often
# marked up as an `article`, and a hidden copy of the story is still a copy.
_NEVER_THE_ARTICLE: frozenset[BoilerplateKind] = frozenset(("comments", "hidden"))
# Furniture that may wrap a whole page: a WebForms page sits in one `form`; a page revealed by
# script starts hidden. Holding most of the page's text, they are layout, not furniture.
_PAGE_WRAPPERS = frozenset(("form", "fieldset"))
_HEADLINE_TAGS = frozenset(("main", "h1"))
# Blocks of running text whose links may be citations (not list items: a list of linked
# sentences is a list of teasers more often than not).
_CITING_KINDS: frozenset[BlockKind] = frozenset(("paragraph", "table", "other"))
_LIST_TAGS = frozenset(("ul", "ol"))
# The headings of a teaser card; an `h1` is the page's own headline, never a card's.
_CARD_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


class HtmlPath:
    """Split a parsed page into kept and dropped pieces."""

    def __init__(self, config: StripConfig, cues: Cues) -> None:
        """Bind the settings and the cues."""
        self.config = config
        self.cues = cues

    def pieces(self, document: HtmlElement | None) -> Iterator[Piece]:
        """The page's blocks in source order, each kept or dropped with a kind.

        Elements no reader sees (scripts, styles, the head) are removed from `document` first.
        """
        if document is None:
            return
        # Read before the head and scripts go: the last resort of a page that keeps no text.
        declared = Declared.of(document)
        etree.strip_elements(document, *UNREAD_TAGS, with_tail=False)
        for noscript in document.iter("noscript"):
            read_as_markup(noscript)
        body = document.find("body")
        if body is not None:
            # lxml leaves what follows a stray `</body>` beside the body; a reader still sees it.
            for sibling in list(body.itersiblings()):
                body.append(sibling)
        root = body if body is not None else document
        stats = self._subtree_stats(root, teaser_boxes=True)
        if self._teasers_outweigh_the_page(stats):
            stats = self._subtree_stats(root, teaser_boxes=False)
        region = _main_region(root, stats, self.config.region_share)
        self._keep_story_credits(region, stats)
        frame = _ArticleFrame.around(region, stats, self.config.lead_min_share)
        pieces: list[Piece] = []
        start = None
        for piece in self._walk(root, stats, frame):
            if start is None and frame.passed:
                start = len(pieces)
            pieces.append(piece)
        pieces = keep_lead(pieces, len(pieces) if start is None else start)
        pieces = self._trim_tail(end_at_site_voice(self._drop_lead_captions(pieces), self.cues, self.config))
        yield from self._fall_back(pieces, declared)
        # lxml frees an element's proxy by walking up to the nearest ancestor that still has
        # one: freed parents first, a page nested 100,000 deep took a minute; children first, nothing.
        while stats:
            stats.popitem()

    def _keep_story_credits(self, region: HtmlElement, stats: dict[HtmlElement, _Stats]) -> None:
        """Keep the credit lines of a frame that holds little else: there they are the text itself.

        A photo blog or a slide show may be all captions marked up as credits; a credit is
        dropped only where it is a small part of the frame (`credit_max_share`).
        """
        credits = [element for element in region.iter(etree.Element) if stats[element].credit]
        chosen = set(credits)
        outermost = (credit for credit in credits if not any(a in chosen for a in credit.iterancestors()))
        if sum(stats[credit].chars for credit in outermost) < self.config.credit_max_share * stats[region].chars:
            return
        for credit in credits:
            own = stats[credit]
            own.credit = False
            own.kind = own.named_kind = None

    def _walk(self, root: HtmlElement, stats: dict[HtmlElement, _Stats], frame_of: _ArticleFrame) -> Iterator[Piece]:
        """Visit the page in source order without recursion (pages nest deeper than Python's stack).

        Every element is inside the article's frame, above it (one of its ancestors) or outside
        it; outside the frame nothing is kept but the page's headline.
        """
        region = frame_of.region
        place = "inside" if root is region else "above"
        stack: list[_Frame] = [_Frame(root, _children(root), place)]
        while stack:
            frame = stack[-1]
            child = next(frame.children, None)
            if child is None:
                stack.pop()
                yield from self._inline_piece(frame, stats)
                continue
            if isinstance(child, str):
                frame.inline.append(child)
                continue
            child_stats = stats[child]
            if (
                child.tag not in BLOCK_TAGS
                and not child_stats.has_block
                and child_stats.kind != "hidden"
                and not child_stats.credit
            ):
                frame.inline.append(child)
                continue
            yield from self._inline_piece(frame, stats)
            place = frame_of.place_of(child, frame)
            furniture = None if place == "above" else _furniture_kind(child, child_stats)
            if furniture is not None:
                text = element_text(child)
                if text:
                    yield Piece(text, drop_kind=furniture)
                continue
            block_kind = BLOCK_KINDS.get(child.tag)
            caption = frame.caption or child_stats.caption
            if caption and block_kind is not None:
                block_kind = "caption"
            drop_as = child_stats.named_kind or frame.drop_as
            if block_kind is not None and not child_stats.has_nested_block:
                text, aside = shown_text(child)
                if text:
                    link_density = child_stats.link_chars / max(1, child_stats.chars)
                    if self._is_date_line(text, child_stats.time_chars):
                        yield Piece(text, block_kind, "other")
                        continue
                    # The page's headline often sits outside the article's frame; other
                    # headings there title teasers and sidebars.
                    outside = place in ("outside", "lead") and child.tag != "h1"
                    yield self._judge_text(text, block_kind, link_density, drop_as if outside else None, place)
                yield from _aside_pieces(aside)
            else:
                stack.append(_Frame(child, _children(child), place, drop_as, caption))

    def _drop_lead_captions(self, pieces: list[Piece]) -> list[Piece]:
        """Drop the captions kept before the article's first sentence (a kept line with a sentence end that is no title): the lead picture's legend.

        A caption among the paragraphs may carry the story on (a how-to's steps, a photo
        essay); the lead picture's stands above the story, beside the headline.
        """
        first = next(
            (
                i
                for i, piece in enumerate(pieces)
                if piece.drop_kind is None
                and piece.block_kind != "caption"
                and SENTENCE_ENDS.search(piece.text) is not None
                and not self.cues.is_title(piece.text)
            ),
            len(pieces),
        )
        return [
            Piece(piece.text, piece.block_kind, "other")
            if i < first and piece.drop_kind is None and piece.block_kind == "caption"
            else piece
            for i, piece in enumerate(pieces)
        ]

    def _trim_tail(self, pieces: list[Piece]) -> list[Piece]:
        """Drop the short unpunctuated lines kept after the article's last sentence.

        A heading with no text under it titles nothing of the article (a teaser list, a
        form); a name, a date or a label after the last paragraph is a byline or a credit.
        """
        last = max(
            (i for i, p in enumerate(pieces) if p.drop_kind is None and not self.cues.is_title(p.text)),
            default=None,
        )
        if last is None:
            return pieces
        return [
            Piece(p.text, p.block_kind, "other")
            if i > last and p.drop_kind is None and p.block_kind != "list_item" and self.cues.is_title(p.text)
            else p
            for i, p in enumerate(pieces)
        ]

    def _fall_back(self, pieces: list[Piece], declared: Declared) -> list[Piece]:
        """The pieces, with a last resort when the article's frame kept no sentence.

        A frame that holds no sentence (a comment list's neighbour, a box of links) was the
        wrong one, or the page draws its article by script from data. The best guess is then
        the article the page declares in its structured data (`articleBody`); else the fuller
        of the page's own running sentences outside the frame and its meta description.
        Blocks dropped by their cues, links or structure stay dropped.
        """
        if any(p.drop_kind is None and self.cues.reads_as_sentences(p.text) for p in pieces):
            return pieces
        paragraphs, is_body = declared.article()
        restored = [
            Piece(p.text, p.block_kind) if p.drop_kind == "other" and self.cues.reads_as_sentences(p.text) else p
            for p in pieces
        ]
        restored_chars = sum(len(p.text) for p in restored if p.drop_kind is None)
        if paragraphs and (is_body or sum(map(len, paragraphs)) > restored_chars):
            return pieces + [Piece(paragraph) for paragraph in paragraphs]
        return restored

    def _inline_piece(self, frame: _Frame, stats: dict[HtmlElement, _Stats]) -> Iterator[Piece]:
        nodes, frame.inline = frame.inline, []
        parts: list[str] = []
        aside: list[tuple[BoilerplateKind, str]] = []
        for node in nodes:
            if isinstance(node, str):
                parts.append(node)
            else:
                shown, set_aside = shown_text(node)
                parts.append(shown)
                aside.extend(set_aside)
        text = collapse("".join(parts))
        if text:
            kind: BlockKind = "caption" if frame.caption else BLOCK_KINDS.get(frame.element.tag, "other")
            link_chars = sum(stats[node].link_chars for node in nodes if not isinstance(node, str))
            time_chars = sum(stats[node].time_chars for node in nodes if not isinstance(node, str))
            if self._is_date_line(text, time_chars):
                yield Piece(text, kind, "other")
                return
            outside = frame.drop_as if frame.place != "inside" else None
            yield self._judge_text(text, kind, link_chars / len(text), outside, frame.place)
        yield from _aside_pieces(aside)

    def _is_date_line(self, text: str, time_chars: int) -> bool:
        """A short block that is mostly a `time` element ("Updated: 12 May 2020, 14:03"): a date line, no text."""
        return 0 < len(text) <= self.config.date_line_max_chars and time_chars >= self.config.date_line_min_share * len(
            text
        )

    def _judge_text(
        self, text: str, kind: BlockKind, link_density: float, outside: BoilerplateKind | None, place: str
    ) -> Piece:
        """Judge one block by its cues and link density; `outside` is its kind when it lies outside the frame.

        In the lead before the frame (`lead.close_ancestors`), a paragraph of running sentences
        may be the article's (`lead.keep_lead`).
        """
        dropped = self.cues.kind(text)
        if dropped is None and link_density > self.config.max_link_density and not self._cites(text, kind, place):
            dropped = "navigation"
        if dropped is None and outside is not None:
            if place == "lead" and kind in LEAD_KINDS and self.cues.reads_as_sentences(text):
                return Lead(text, kind, outside)
            dropped = outside
        return Piece(text, kind, dropped)

    def _teasers_outweigh_the_page(self, stats: dict[HtmlElement, _Stats]) -> bool:
        """Whether the page's teaser boxes hold more text than its prose outside them.

        Cards for other stories stand beside a story; a page that is all cards (a list of job
        offers, a news index) has no other text, and its cards are what it says.
        """
        boxes = sum(own.chars for own in stats.values() if own.teaser_box)
        root = next(iter(stats))
        return boxes > stats[root].prose

    def _cites(self, text: str, kind: BlockKind, place: str) -> bool:
        """A block whose links are part of what it says, not a menu: a heading, or running sentences in the frame.

        Inside the article's frame a paragraph of sentences that links its sources ("replaced
        Jane Doe, who ...") is prose however much of it is linked; a menu entry or a teaser
        title is no sentence.
        """
        if kind == "heading":
            return True
        return place == "inside" and kind in _CITING_KINDS and self.cues.reads_as_sentences(text)

    def _subtree_stats(self, root: HtmlElement, teaser_boxes: bool) -> dict[HtmlElement, _Stats]:
        """Text, link and prose counts and the furniture kind of every element, from the leaves up.

        Two passes: the first counts text, so that the second can tell an element that
        holds most of the page (`furniture_max_share`) from furniture. Teaser boxes
        (`_is_teaser_box`) are marked if `teaser_boxes`.
        """
        tags = list(root.iter(etree.Element))
        stats = {tag: _Stats() for tag in tags}
        for tag in reversed(tags):  # children come after their parent in source order
            own = stats[tag]
            punctuated = bool(tag.text and PUNCTUATION.search(tag.text))
            own.chars = len(collapse(tag.text)) if tag.text else 0
            for child in tag:
                sub = stats[child]
                own.chars += sub.chars
                own.link_chars += sub.link_chars
                own.time_chars += sub.time_chars
                own.has_block = own.has_block or sub.has_block or child.tag in BLOCK_TAGS
                own.has_nested_block = (
                    own.has_nested_block or sub.has_nested_block or child.tag in NESTED_BLOCK_TAGS or sub.credit
                )
                if child.tag not in BLOCK_TAGS and child.tag != "a" and sub.punctuated:
                    punctuated = True
                if child.tail:
                    own.chars += len(collapse(child.tail))
                    punctuated = punctuated or PUNCTUATION.search(child.tail) is not None
            if tag.tag == "a":
                own.link_chars = own.chars
            if tag.tag == "time":
                own.time_chars = own.chars
            own.punctuated = punctuated
            # A box named for credits that holds a paragraph's worth of text is more than a credit.
            if own.chars <= self.config.credit_max_chars and (tag.get("class") or tag.get("id")):
                own.credit = CREDIT_HINT.search(f"{tag.get('class') or ''} {tag.get('id') or ''}") is not None
            own.caption = tag.tag == "figcaption"
            if not own.credit and self.config.drop_credited_captions and own.chars <= self.config.credit_max_chars:
                own.credit = _is_caption(tag) and _credits_picture(tag)
        page_chars = max(1, stats[root].chars)
        # A script without spaces says as much in fewer characters (`Cues.prose_length`); most
        # pages have none of it, and there a run's length in characters is its prose length.
        unspaced = self.cues.has_unspaced(etree.tostring(root, method="text", encoding=str))
        for tag in reversed(tags):
            own = stats[tag]
            own.named_kind, source = _named_kind(tag)
            if own.credit and own.named_kind is None:
                own.named_kind, source = "other", "credit"
            elif teaser_boxes and own.named_kind is None and own.link_chars and self._is_teaser_box(tag, own):
                own.named_kind, source = "related", "class"
                own.teaser_box = not any(stats[box].teaser_box for box in tag.iterdescendants())
            # Hinted boxes, page-wide forms and hidden wrappers that hold most of the page are
            # its layout, not furniture; ARIA roles and furniture tags are taken at their word.
            # Reader comments are furniture however much of the page they fill.
            wraps_page = (
                own.chars >= self.config.furniture_max_share * page_chars
                and own.named_kind != "comments"
                and (source in ("class", "hidden") or tag.tag in _PAGE_WRAPPERS)
            )
            layout = self._lays_out_article(tag, own, source, stats)
            own.kind = None if wraps_page or layout else own.named_kind
            self._mark_teasers(tag, stats)
            direct_prose = len(collapse(tag.text)) if tag.text else 0
            for child in tag:
                sub = stats[child]
                own.prose += sub.prose
                # A comment marked up as an `article` is no article, nor is a hidden copy; a
                # malformed menu that swallowed the page still holds it.
                if (child.tag in ARTICLE_TAGS and sub.kind is None) or (
                    sub.has_article and sub.kind not in _NEVER_THE_ARTICLE
                ):
                    own.has_article = True
                if (child.tag in _HEADLINE_TAGS and sub.kind is None) or (
                    sub.has_headline and sub.kind not in _NEVER_THE_ARTICLE
                ):
                    own.has_headline = True
                if child.tag not in BLOCK_TAGS and child.tag != "a":
                    direct_prose += sub.chars - sub.link_chars - sub.prose
                if child.tail:
                    direct_prose += len(collapse(child.tail))
            if tag.tag == "a":
                own.prose = 0  # a teaser card wrapped in a link is a link, whatever it holds
            elif own.punctuated:
                own.prose += self._prose_run(tag, direct_prose, unspaced)
            # Comments and sidebars can out-write the article; they never locate it, whatever
            # their size, even with `article` teasers inside; only a page's headline or `main`
            # inside one says it wraps the article. A page wrapper (a page-wide form, a hidden
            # page) locates it too, as does the article's own layout box (`_lays_out_article`).
            if (
                own.named_kind is not None
                and not layout
                and (own.named_kind in _NEVER_THE_ARTICLE or not own.has_headline)
                and (own.kind is not None or source == "class")
            ):
                own.prose = 0
        return stats

    def _is_teaser_box(self, tag: HtmlElement, own: _Stats) -> bool:
        """A small box named a teaser that links elsewhere: a card for another story.

        Some sites name their article's lead or body a "teaser" too; those are longer than a
        card (`teaser_box_max_chars`) and link nowhere, or their names say they are content.
        """
        if not own.link_chars or own.chars > self.config.teaser_box_max_chars:
            return False
        names = f"{tag.get('class') or ''} {tag.get('id') or ''}"
        return TEASER_HINT.search(names) is not None and CONTENT_HINT.search(names) is None

    def _prose_run(self, tag: HtmlElement, chars: int, unspaced: bool) -> int:
        """The prose length of the `chars` characters directly in `tag` and its inline children; 0 if too short.

        On a page with text in a script without spaces, it is counted by `Cues.prose_length`.
        """
        if unspaced and chars * self.config.unspaced_char_weight >= self.config.prose_min_chars:
            direct = [tag.text or ""]
            for child in tag:
                if child.tag not in BLOCK_TAGS and child.tag != "a":
                    direct.extend(child.itertext())
                direct.append(child.tail or "")
            length = round(self.cues.prose_length(collapse("".join(direct))))
        else:
            length = chars
        return length if length >= self.config.prose_min_chars else 0

    def _lays_out_article(self, tag: HtmlElement, own: _Stats, source: str, stats: dict[HtmlElement, _Stats]) -> bool:
        """A class-hinted box that holds most of its `article`'s text is the article's layout.

        Class names are weak evidence: a "sidebar-layout" or "aside-wrapper" row that holds
        `furniture_max_share` of the story around it lays the story out; it is no sidebar.
        """
        if own.named_kind is None or own.named_kind == "comments" or source != "class":
            return False
        article = next(tag.iterancestors("article"), None)
        return article is not None and own.chars >= self.config.furniture_max_share * stats[article].chars

    def _mark_teasers(self, parent: HtmlElement, stats: dict[HtmlElement, _Stats]) -> None:
        """Mark the teasers among `parent`'s `article` children: a run of them is a list of other stories.

        A page tells one story; several `article` elements side by side, each with no more
        than a summary's prose (`teaser_max_prose_chars`), are teasers ("More news"). Longer
        ones are items of the page itself (a listicle's entries, a forum's posts), and one
        that holds most of their prose is the story. List items that each hold a heading and
        a link are teaser cards as well (a news stream marked up as a list).
        """
        articles = [child for child in parent if child.tag == "article" and stats[child].kind is None]
        if parent.tag in _LIST_TAGS and not articles:
            # A list whose items each carry a heading and a link is the same list of cards.
            articles = [child for child in parent if child.tag == "li" and _is_teaser_card(child, stats)]
        if len(articles) < self.config.teaser_list_min_articles:
            return
        total = sum(stats[article].prose for article in articles)
        for article in articles:
            sub = stats[article]
            if (
                sub.prose <= self.config.story_min_prose_share * total
                and sub.prose < self.config.teaser_max_prose_chars
            ):
                sub.kind = sub.named_kind = "related"
                sub.prose = 0
                sub.has_article = False


def _aside_pieces(parts: Iterable[tuple[BoilerplateKind, str]]) -> Iterator[Piece]:
    """The parts a block sets aside (`parse.shown_text`), dropped with their kinds."""
    return (Piece(text, drop_kind=kind) for kind, text in parts)


def _is_teaser_card(item: HtmlElement, stats: dict[HtmlElement, _Stats]) -> bool:
    """A list item that titles another page: it holds a heading and a link, and is no furniture."""
    if stats[item].kind is not None or not stats[item].link_chars:
        return False
    return next(item.iter(*_CARD_HEADINGS), None) is not None


def _named_kind(tag: HtmlElement) -> tuple[BoilerplateKind | None, str]:
    """What an element's hiding, ARIA role, name or class say it is, and which of them said it."""
    if tag.get("hidden") is not None or (tag.get("aria-hidden") or "").lower() == "true":
        return "hidden", "hidden"
    style = tag.get("style")
    if style and HIDDEN_STYLE.search(style):
        return "hidden", "hidden"
    role = (tag.get("role") or "").lower()
    if role in ROLE_KINDS:
        return ROLE_KINDS[role], "role"
    if tag.tag in FURNITURE_TAGS:
        return FURNITURE_TAGS[tag.tag], "tag"
    return class_hint(f"{tag.get('class') or ''} {tag.get('id') or ''}"), "class"


def _furniture_kind(tag: HtmlElement, stats: _Stats) -> BoilerplateKind | None:
    """Decide from structure alone whether an element is page furniture, and of what kind."""
    kind = stats.kind
    if kind is None:
        return None
    if stats.has_article and kind not in _NEVER_THE_ARTICLE:
        # The element wraps the article itself; judge its parts instead.
        return None
    in_article = tag.tag in ("header", "footer") and next(tag.iterancestors("article", "main"), None) is not None
    if in_article and (tag.get("role") or "").lower() not in ROLE_KINDS:
        return "footer" if tag.tag == "footer" else None
    return kind


def _holds_blocks(element: HtmlElement, stats: _Stats) -> bool:
    """An element that lays out blocks of text: a container, not one block nor a run of inline text.

    An article is more than one paragraph, and a run of inline text is read as part of the block
    around it, so neither is the article's frame.
    """
    return (element.tag in BLOCK_TAGS or stats.has_block) and element.tag not in LEAF_BLOCK_TAGS


def _main_region(root: HtmlElement, stats: dict[HtmlElement, _Stats], share: float) -> HtmlElement:
    """The smallest element that still holds `share` of the page's prose: the article's frame."""
    region = root
    while True:
        prose = stats[region].prose
        best = max(region, key=lambda child: stats[child].prose, default=None)
        if best is None or prose == 0 or stats[best].prose < share * prose or not _holds_blocks(best, stats[best]):
            break
        region = best
    return region


def _is_caption(element: HtmlElement) -> bool:
    """Whether an element is a picture's caption: a `figcaption`, or a box whose class or id names a caption."""
    if element.tag == "figcaption":
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return CAPTION_HINT.search(names) is not None


def _credits_picture(caption: HtmlElement) -> bool:
    """Whether a caption names its picture's source (`cues.PICTURE_CREDIT`): then it is the picture's legend."""
    return PICTURE_CREDIT.search(element_text(caption)) is not None
