"""Strip boilerplate: keep what a reader of the page calls the article, and say what was dropped.

Two paths share one block classifier:

* HTML is parsed with BeautifulSoup (lxml). Page furniture is removed by structure
  (`nav`, `form`, `aside`, page-level `header`/`footer`, ARIA roles, class and id hints),
  then every remaining block (heading, paragraph, caption, list item, quote) is judged by
  link density and by the cues in `cue_kind`.
* Plain-text dumps of pages have no markup left, so blocks are the blank-line separated
  groups of lines. A group of many short, unpunctuated lines before the first or after the
  last paragraph is a menu; rows of items spaced apart are menus wherever they stand; and
  `cue_kind` catches forms, footers, share bars and copyright lines.

Kept blocks are joined with a blank line into the record's `text`; every block's offsets
point into that text.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar

from bs4 import BeautifulSoup, Comment, Tag, XMLParsedAsHTMLWarning
from bs4.element import NavigableString, PageElement

from pipeline.config import PipelineConfig, StripConfig
from pipeline.document import Document
from pipeline.records import Block, BlockKind, Boilerplate, BoilerplateKind
from pipeline.stages.base import BatchLearner, Stage
from pipeline.templates import TemplateLearner, template_key

BLOCK_SEPARATOR = "\n\n"

_COPYRIGHT = re.compile(r"^\s*(?:copyright\b|©|\(c\)\s*\d{4})|all rights reserved|©\s*\d{4}", re.IGNORECASE)
_FOOTER_PHRASES = re.compile(
    r"\b(?:privacy policy|privacy notice|terms of (?:use|service)|term of use|terms and conditions|terms & conditions|"
    r"contact us|cookie (?:policy|settings|preferences)|site ?map|accessibility statement|follow us)\b",
    re.IGNORECASE,
)
_SHARE_PHRASES = re.compile(
    r"\b(?:share (?:this|on|to)|share via|tweet this|email this|print this|share on facebook|pin it)\b|^\s*share\s*:?\s*$",
    re.IGNORECASE,
)
_FORM_PHRASES = re.compile(
    r"\b(?:search|select an?|log ?in|sign (?:in|up)|subscribe|submit|password|user ?name|"
    r"newsletter|enter your|e-?mail address|required field)\b",
    re.IGNORECASE,
)
# Sentences a site says to its readers rather than about the story: subscription and
# newsletter prompts, cookie notices, comment rules, follow-us lines, "related" teasers.
_CALL_TO_ACTION_PATTERNS: tuple[tuple[str, BoilerplateKind], ...] = (
    (
        r"\b(?:subscribe|sign up|register)\b.{0,40}\b(?:now|today|newsletters?|for free|to (?:our|get|receive))\b",
        "form",
    ),
    (
        r"\bnewsletters?\b.{0,60}\b(?:inbox|sign up|subscribe)\b|\b(?:inbox|sign up|subscribe)\b.{0,60}\bnewsletters?\b",
        "form",
    ),
    (r"\byour email address will not be published\b|\brequired fields are marked\b", "form"),
    (
        r"\balready (?:a )?(?:subscriber|member)\b|\bsubscribe to (?:continue|read|view|access)\b|"
        r"\bplease subscribe\b|\bto (?:view|read|continue reading) the (?:full|whole|rest of the) (?:story|article)\b",
        "form",
    ),
    (r"\bcookies?\b.{0,80}\b(?:enable|disable|accept|consent|preferences|this (?:web)?site)\b", "other"),
    (
        r"\bcomments? (?:are|is|will be|may be) (?:moderated|reviewed|republished|published)\b|\bleave a (?:reply|comment)\b",
        "other",
    ),
    (
        r"\b(?:follow|keep up with) (?:us|me|[A-Z][\w@]*(?: [A-Z][\w@]*)*) on "
        r"(?:twitter|facebook|instagram|linkedin|youtube)\b",
        "share",
    ),
    (r"\bdownload (?:the|our) [\w ]{0,30}\bapps?\b", "other"),
    (r"\byour inbox\b|\bpush notifications\b", "form"),
    (
        r"\b(?:purchase|buy) (?:\w+ )?through (?:\w+ )?links\b|\baffiliate (?:links?|commissions?|programs?)\b|"
        r"\badvertising disclos|\bmay (?:earn|receive) (?:an? )?(?:\w+ )?(?:commission|compensation)\b",
        "other",
    ),
    (r"^\s*(?:©|copyright\b|\(c\)\s*\d{4})", "copyright"),
    # An author's bio line under the article: "Jane Doe is a senior writer for ...".
    (
        r"^(?-i:(?:[A-Z][\w.'’-]*\s){1,4})(?:is|was) (?:a|an|the)\b[^.]{0,80}?\b"
        r"(?:writer|reporter|editor|correspondent|journalist|columnist|contributor|author)\b",
        "other",
    ),
)
_CALLS_TO_ACTION = tuple((re.compile(pattern, re.IGNORECASE), kind) for pattern, kind in _CALL_TO_ACTION_PATTERNS)
_CALL_TO_ACTION_MAX_FACTOR = 5
# Labels a page puts around an article: teaser headings, credits, bylines of reading time.
_PAGE_LABEL = re.compile(
    r"^\s*(?:advertisement|sponsored(?: content)?|related(?: (?:stories|articles|posts|content|links))?|"
    r"more (?:stories|news|from|on)\b.*|you (?:may|might) also like\b.*|recommended(?: for you)?|"
    r"explore further|read (?:more|next|also)\b.*|filed under\b.*|(?:photo(?:graph)?|image) (?:by|credit)\b.*|"
    r"credits?|comments?|\d+ comments?|view comments|\d+ min(?:ute)? read|"
    r"(?:next|previous|prev|older|newer) (?:post|article|story|page)s?\b.*|most (?:popular|read|viewed|shared)\b.*|"
    r"(?:recent|latest|top|popular|trending) (?:stories|posts|news|articles)\b.*|trending\b.*|"
    r"print(?: this)?(?: recipe| article| page)?|staff writer|sorted by\b.*)\s*:?\s*$",
    re.IGNORECASE,
)
# A field name with no value after it: "Tags:", "Release Date:", "Credit:".
_BARE_LABEL = re.compile(r"^\s*[A-Z][\w-]*(?: [\w-]+)?\s?:\s*$")
# "Read more: <another story's title>" and its kin introduce links to other pages.
_TEASER_PREFIX = re.compile(r"^\s*(?:read (?:more|next|also)|see also|also read|related|more)\s*[:|»›]", re.IGNORECASE)
# Labels that stand inside articles as well as around them: photo credits, advertisement
# slots, links to one other story.
_INLINE_LABEL = re.compile(
    r"^\s*(?:(?:photo(?:graph)?|image) (?:by|credit)|advertisement|sponsored|read (?:more|next|also)|see also|also read)\b",
    re.IGNORECASE,
)
# Share of an article's prose that must come before a line of the site's own (a share bar,
# "Related Articles") for that line to end the article; see `_page_end`.
_PAGE_END_MIN_PROSE_SHARE = 0.6
# Share of a page's prose that must come before a "Comments" line for it to start the comments.
_COMMENTS_MIN_PROSE_SHARE = 0.3
# Where a page's comment section begins: "12 Comments", "3 responses to ...", "Leave a Reply".
_COMMENTS_START = re.compile(
    r"^(?:\d+\s+(?:comments?|responses?|replies)\b|(?:leave a (?:reply|comment)|comments?)\s*:?$)", re.I
)
# Items of a menu row in a text dump are set apart by runs of spaces, tabs or bars.
_MENU_ROW_GAP = re.compile(r"\t|[^\S\n]{3,}|\s[|•·»]\s")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")
_LIST_MARKER = re.compile(r"^(?:[-*•·◦‣▪]|\d{1,3}[.)])\s+")
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
_ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_MONTH = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b")
_WHITESPACE = re.compile(r"\s+")
_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^\[>]*\[[^\]]*\]\s*>", re.IGNORECASE)
_MINOR_TITLE_WORDS = frozenset("a an and as at by for from in of on or the to with".split())
# A menu may hold a longer entry or two; most of its lines are short.
_MENU_SHORT_SHARE = 0.8
# Headlines longer than this many short lines' worth of words are rare.
_TITLE_MAX_FACTOR = 3
# Title case capitalizes nearly every word but the minor ones; allow a few exceptions.
_TITLE_CAPITALIZED_SHARE = 0.8


@dataclass(frozen=True)
class Piece:
    """One block of the page in source order: kept as `block_kind`, or dropped as `drop_kind`."""

    text: str
    block_kind: BlockKind = "paragraph"
    drop_kind: BoilerplateKind | None = None


# The text path asks about each line two or three times (scoring the article span, then
# classifying the line); the cues were two thirds of the stage's time.
@lru_cache(maxsize=4096)
def cue_kind(text: str, short_words: int) -> BoilerplateKind | None:
    """Classify a block by the words it carries: copyright, footer, share, form or other; else None.

    Only short blocks are judged by cues: a paragraph that mentions a privacy policy or a
    search is still a paragraph. Calls to action (subscription prompts, cookie notices,
    affiliate disclosures, bio lines) are sentences, so they are judged up to
    `_CALL_TO_ACTION_MAX_FACTOR` times the short-line length.
    """
    words = len(text.split())
    if words <= _CALL_TO_ACTION_MAX_FACTOR * short_words:
        for pattern, kind in _CALLS_TO_ACTION:
            if pattern.search(text):
                return kind
    if words > 3 * short_words:
        return None
    if _COPYRIGHT.search(text):
        return "copyright"
    footer_hits = len(_FOOTER_PHRASES.findall(text))
    if footer_hits >= 2 or (footer_hits == 1 and words <= short_words):
        return "footer"
    if _SHARE_PHRASES.search(text) and words <= short_words:
        return "share"
    if (_PAGE_LABEL.match(text) and words <= short_words) or (_BARE_LABEL.match(text) and words <= 2):
        return "other"
    if _TEASER_PREFIX.match(text):
        return "other"
    if _FORM_PHRASES.search(text) and words <= short_words and not _SENTENCE_END.search(text):
        return "form"
    return None


def is_menu_row(line: str) -> bool:
    """Tell whether a text line is a row of menu items set apart by wide gaps."""
    items = [item for item in _MENU_ROW_GAP.split(line.strip()) if item.strip()]
    return len(items) >= 3 and all(len(item.split()) <= 4 for item in items)


def is_short_line(line: str, short_words: int) -> bool:
    """A line of few words that does not end a sentence: a heading, a caption or a menu item."""
    return len(line.split()) <= short_words and not _SENTENCE_END.search(line)


@lru_cache(maxsize=4096)
def is_title_like(line: str, short_words: int) -> bool:
    """A longer line that still reads as a title: no closing punctuation, mostly capitalized words.

    Headlines and photo captions run to fifteen words or more; sentences end with a stop
    and are mostly lower case.
    """
    words = [w for w in re.findall(r"[A-Za-z][\w'’.-]*", line) if w.lower() not in _MINOR_TITLE_WORDS]
    if not words or len(line.split()) > _TITLE_MAX_FACTOR * short_words or _SENTENCE_END.search(line):
        return False
    capitalized = sum(w[0].isupper() for w in words)
    return bool(capitalized >= _TITLE_CAPITALIZED_SHARE * len(words))


def heading_or_caption(line: str) -> BlockKind:
    """Name a short kept line: a caption when it dates something, else a heading.

    Photo captions on news and project pages carry the event's date ("February 2011 Meeting
    in Moscow"); section headings rarely do.
    """
    return "caption" if _YEAR.search(line) and _MONTH.search(line) else "heading"


class BoilerplateStripper(Stage):
    """Remove menus, forms, footers, share bars and copyright lines; keep the article."""

    name: ClassVar[str] = "strip"
    version: ClassVar[str] = "3"
    reads: ClassVar[frozenset[str]] = frozenset({"content", "content_format", "title", "document_date"})
    writes: ClassVar[frozenset[str]] = frozenset({"title", "document_date", "text", "blocks", "boilerplate"})

    @classmethod
    def batch_learner(cls, config: PipelineConfig, documents: int) -> BatchLearner | None:
        """Template discovery: the lines the batch's text dumps share (`pipeline.templates`).

        A batch of fewer than `strip.template_min_documents` documents has no template lines.
        """
        minimum = config.strip.template_min_documents
        return TemplateLearner(minimum) if documents >= minimum else None

    def __init__(self, config: StripConfig, template_lines: frozenset[str] = frozenset()) -> None:
        """Set up the stage.

        Args:
            config: The stage's settings.
            template_lines: Lines of text dumps that repeat across many documents of the batch
                (see `pipeline.templates`): the site's template, dropped wherever they stand.
        """
        self.config = config
        self.template_lines = template_lines

    def __call__(self, doc: Document) -> Document:
        """Split `doc.content` into kept blocks and dropped boilerplate."""
        title = doc.title
        document_date = doc.document_date
        if doc.content_format == "html":
            with warnings.catch_warnings():
                # XHTML pages are still read as HTML on purpose: lxml's HTML parser forgives them.
                warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
                # lxml's HTML parser reads an internal DTD subset as text ("]>"); entity
                # declarations are never expanded, so they can go unread.
                soup = BeautifulSoup(_DOCTYPE_SUBSET.sub("", doc.content, count=1), "lxml")
            title = title or html_title(soup)
            document_date = document_date or html_document_date(soup)
            pieces = list(self._html_pieces(soup))
        else:
            pieces = list(self._text_pieces(doc.content))
        text, blocks = assemble(pieces)
        boilerplate = tuple(Boilerplate(kind=p.drop_kind, text=p.text) for p in pieces if p.drop_kind is not None)
        if title is None:
            title = next((text[b.start : b.end] for b in blocks if b.kind == "heading"), None)
        return doc.model_copy(
            update={
                "title": title,
                "document_date": document_date,
                "text": text,
                "blocks": blocks,
                "boilerplate": boilerplate,
            }
        )

    # -- plain-text dumps -------------------------------------------------------------

    def _text_pieces(self, content: str) -> Iterator[Piece]:
        groups = _line_groups(content)
        short = self.config.short_line_words
        first, last = self._article_span(groups)
        for index, lines in enumerate(groups):
            outside_article = index < first or index > last
            short_lines = sum(is_short_line(line, short) for line in lines)
            is_menu = (
                outside_article
                and len(lines) >= self.config.menu_min_lines
                and short_lines >= _MENU_SHORT_SHARE * len(lines)
            )
            pieces = self._classify_group(lines, is_menu)
            if outside_article and not (index == first - 1 and self._is_headline_group(lines)):
                pieces = (p if p.drop_kind else Piece(p.text, p.block_kind, "other") for p in pieces)
            yield from _fields_between_form_lines(list(pieces))

    def _article_span(self, groups: list[list[str]]) -> tuple[int, int]:
        """The first and last group of the article: the run of groups richest in prose.

        Each group scores its characters of prose (long sentence lines) minus the characters
        of its menu, title and label lines; the run with the highest sum is the article, as the
        body of a page is where prose outweighs menus, teasers and footers. With no long prose at all, the
        article runs from the first to the last line that reads as a sentence.
        """
        scores = [sum(self._line_score(line) for line in lines) for lines in groups]
        # Readers' comments can out-write the article; they are never part of it. A
        # "Comments" link beside the byline is not where they start: some of the article must
        # come first.
        comments = _first_marked_group(
            groups,
            scores,
            0,
            len(groups) - 1,
            _COMMENTS_MIN_PROSE_SHARE,
            lambda line: bool(_COMMENTS_START.match(line)),
        )
        if comments is not None:
            scores = scores[:comments]
        best, best_span = 0, (-1, -2)
        running, start = 0, 0
        for index, score in enumerate(scores):
            if running <= 0:
                running, start = 0, index
            running += score
            if running > best:
                best, best_span = running, (start, index)
        if best > 0:
            first, last = best_span
            # Short sentences and captions right after the last paragraph still belong to it.
            while last + 1 < len(scores) and scores[last + 1] == 0:
                last += 1
            return first, self._page_end(groups, scores, first, last)
        sentences = [i for i, lines in enumerate(groups) if any(self._is_prose(line) for line in lines)]
        return (sentences[0], sentences[-1]) if sentences else (len(groups), -1)

    def _page_end(self, groups: list[list[str]], scores: list[int], first: int, last: int) -> int:
        """Where the article ends: before the first line the site says in its own voice (a
        share bar, a newsletter prompt, "Related Articles", a copyright line) once most of
        its prose has been read; else at `last`.

        What follows such a line is the site's, however much prose it holds: author bios,
        summaries of other stories, comment rules. Labels that also stand inside articles
        (photo credits, advertisement slots, links to one other story) never end one.
        """
        short = self.config.short_line_words
        end = _first_marked_group(
            groups,
            scores,
            first,
            last,
            _PAGE_END_MIN_PROSE_SHARE,
            lambda line: cue_kind(line, short) is not None and not _INLINE_LABEL.match(line),
        )
        return last if end is None else end - 1

    def _line_score(self, line: str) -> int:
        """Long prose counts for the article, menus and labels against it; short sentences are neutral."""
        if self._is_prose(line):
            return len(line) if len(line) >= _PROSE_MIN_CHARS else 0
        if heading_or_caption(line) == "caption" and cue_kind(line, self.config.short_line_words) is None:
            return 0
        return -len(line)

    def _is_headline_group(self, lines: list[str]) -> bool:
        # The headline and its deck stand just before the first paragraph.
        return len(lines) <= _HEADLINE_MAX_LINES and all(self._is_title(line) for line in lines)

    def _is_prose(self, line: str) -> bool:
        return self._reads_as_prose(line) and not self._is_template(line)

    def _reads_as_prose(self, line: str) -> bool:
        short = self.config.short_line_words
        return not self._is_title(line) and not is_menu_row(line) and cue_kind(line, short) is None

    def _is_template(self, line: str) -> bool:
        if not self.template_lines or template_key(line) not in self.template_lines:
            return False
        # A long sentence found in many documents is a syndicated story, not the site's
        # template; a dated line is a dateline ("LONDON 1996-08-30"), which wires repeat.
        if _ISO_DAY.search(line) or (_MONTH.search(line) and _YEAR.search(line)):
            return False
        return len(line) < _PROSE_MIN_CHARS or not self._reads_as_prose(line)

    def _is_title(self, line: str) -> bool:
        short = self.config.short_line_words
        return is_short_line(line, short) or is_title_like(line, short)

    def _classify_group(self, lines: list[str], is_menu: bool) -> Iterator[Piece]:
        short = self.config.short_line_words
        paragraph: list[str] = []
        for line in lines:
            dropped = cue_kind(line, short) or ("navigation" if is_menu_row(line) else None)
            if dropped is None and self._is_template(line):
                dropped = "navigation" if is_short_line(line, short) else "other"
            if dropped is None and is_menu:
                dropped = "navigation"
            continues = bool(paragraph) and line[:1].islower()
            if dropped is None and (continues or not self._is_title(line)) and not _LIST_MARKER.match(line):
                # Hard-wrapped text: consecutive long lines form one paragraph, and so does a
                # short last line that goes on in lower case.
                paragraph.append(line)
                continue
            if paragraph:
                yield Piece(_collapse(" ".join(paragraph)), _paragraph_kind(paragraph[0]))
                paragraph = []
            if dropped is not None:
                yield Piece(_collapse(line), drop_kind=dropped)
            elif _LIST_MARKER.match(line):
                yield Piece(_collapse(line), "list_item")
            else:
                yield Piece(_collapse(line), heading_or_caption(line))
        if paragraph:
            yield Piece(_collapse(" ".join(paragraph)), _paragraph_kind(paragraph[0]))

    # -- HTML -------------------------------------------------------------------------

    def _html_pieces(self, soup: BeautifulSoup) -> Iterator[Piece]:
        for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
            node.extract()
        for tag in soup.find_all(INVISIBLE_TAGS):
            tag.decompose()
        root = soup.body or soup
        stats = _subtree_stats(root)
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
            if child.name not in _BLOCK_TAGS and not child_stats.has_block:
                frame.inline.append(child)
                continue
            yield from self._inline_piece(frame, stats)
            place = _place_of(child, frame.place, region, above)
            furniture = None if place == "above" else self._furniture_kind(child, child_stats, total_chars)
            if furniture is not None:
                text = _collapse(child.get_text(" "))
                if text:
                    yield Piece(text, drop_kind=furniture)
                continue
            block_kind = _BLOCK_KINDS.get(child.name or "")
            if block_kind is not None and not child_stats.has_nested_block:
                text = _collapse(child.get_text(" "))
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
        text = _collapse(" ".join(node.get_text(" ") for node in nodes))
        if text:
            kind = _BLOCK_KINDS.get(frame.element.name or "", "other")
            link_chars = sum(stats[id(node)].link_chars for node in nodes if isinstance(node, Tag))
            yield self._judge_text(text, kind, link_chars / len(text), outside=frame.place != "inside")

    def _judge_text(self, text: str, kind: BlockKind, link_density: float, outside: bool) -> Piece:
        dropped = cue_kind(text, self.config.short_line_words)
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
        if role in _ROLE_KINDS:
            return _ROLE_KINDS[role]
        if name in ("header", "footer") and tag.find_parent(["article", "main"]) is not None:
            return "footer" if name == "footer" else None
        if name in _FURNITURE_TAGS:
            return _FURNITURE_TAGS[name]
        hint = _class_hint(tag)
        # A hinted wrapper holding most of the page is a layout box, not furniture.
        if hint is not None and stats.chars < 0.4 * total_chars:
            return hint
        return None


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


def _subtree_stats(root: Tag) -> dict[int, _Stats]:
    """Text, link and prose counts of every element's subtree, in one pass from the leaves up."""
    tags = [root, *root.find_all(True)]
    stats = {id(tag): _Stats() for tag in tags}
    for tag in reversed(tags):  # children come after their parent in source order
        own = stats[id(tag)]
        direct_prose = 0
        for child in tag.children:
            if isinstance(child, NavigableString):
                length = len(_collapse(child))
                own.chars += length
                direct_prose += length
            elif isinstance(child, Tag):
                sub = stats[id(child)]
                own.chars += sub.chars
                own.link_chars += sub.link_chars
                own.prose += sub.prose
                own.has_block = own.has_block or sub.has_block or child.name in _BLOCK_TAGS
                own.has_nested_block = own.has_nested_block or sub.has_nested_block or child.name in _NESTED_BLOCK_SET
                own.has_article = own.has_article or sub.has_article or child.name in ("main", "article", "h1")
                if child.name not in _BLOCK_TAGS and child.name != "a":
                    direct_prose += sub.chars - sub.link_chars - sub.prose
        if tag.name == "a":
            own.link_chars = own.chars
        elif direct_prose >= _PROSE_MIN_CHARS:
            own.prose += direct_prose
        if not own.has_article and _looks_like_furniture(tag):
            # Comments and sidebars can out-write the article; they never locate it.
            own.prose = 0
    return stats


def _looks_like_furniture(tag: Tag) -> bool:
    role = str(tag.get("role") or "").lower()
    return role in _ROLE_KINDS or tag.name in _FURNITURE_TAGS or _class_hint(tag) is not None


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
        if best is None or prose == 0 or stats[id(best)].prose < share * prose or best.name in _LEAF_BLOCK_TAGS:
            break
        region = best
    return region


def _place_of(child: Tag, parent_place: str, region: Tag, above: set[int]) -> str:
    if parent_place != "above":
        return parent_place
    if child is region:
        return "inside"
    return "above" if id(child) in above else "outside"


def html_title(soup: BeautifulSoup) -> str | None:
    """Return the page title from Open Graph, `<title>` or the first `<h1>`."""
    og = soup.find("meta", attrs={"property": "og:title"})
    if isinstance(og, Tag) and og.get("content"):
        return _collapse(str(og["content"])) or None
    for tag_name in ("title", "h1"):
        tag = soup.find(tag_name)
        if isinstance(tag, Tag):
            text = _collapse(tag.get_text(" "))
            if text:
                return text
    return None


def html_document_date(soup: BeautifulSoup) -> str | None:
    """Return the publication date a page declares (meta tags, then `<time>`), as YYYY-MM-DD."""
    for meta in soup.find_all("meta"):
        key = str(meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _DATE_META_KEYS:
            match = _ISO_DAY_START.match(str(meta.get("content") or ""))
            if match:
                return match.group(1)
    for time in soup.find_all("time"):
        match = _ISO_DAY_START.match(str(time.get("datetime") or ""))
        if match:
            return match.group(1)
    return None


def assemble(pieces: list[Piece]) -> tuple[str, tuple[Block, ...]]:
    """Join the kept pieces into the article text and compute each block's offsets."""
    parts: list[str] = []
    blocks: list[Block] = []
    cursor = 0
    for piece in pieces:
        if piece.drop_kind is not None:
            continue
        if parts:
            parts.append(BLOCK_SEPARATOR)
            cursor += len(BLOCK_SEPARATOR)
        parts.append(piece.text)
        blocks.append(Block(kind=piece.block_kind, start=cursor, end=cursor + len(piece.text)))
        cursor += len(piece.text)
    return "".join(parts), tuple(blocks)


def _fields_between_form_lines(pieces: list[Piece]) -> list[Piece]:
    """Menu lines between two form lines are that form's fields ("Female Male" under "Select a Country")."""
    form_positions = [i for i, piece in enumerate(pieces) if piece.drop_kind == "form"]
    if len(form_positions) < 2:
        return pieces
    first, last = form_positions[0], form_positions[-1]
    return [
        Piece(p.text, p.block_kind, "form") if first < i < last and p.drop_kind == "navigation" else p
        for i, p in enumerate(pieces)
    ]


def _first_marked_group(
    groups: list[list[str]], scores: list[int], first: int, last: int, share: float, is_marker: Callable[[str], bool]
) -> int | None:
    """The first of `groups[first..last]` with a line `is_marker` accepts that comes after more
    than `share` of the prose (the positive `scores`) of those groups; None if there is none."""
    total_prose = sum(max(0, score) for score in scores[first : last + 1])
    prose_before = 0
    for index in range(first, last + 1):
        if prose_before > share * total_prose and any(is_marker(line) for line in groups[index]):
            return index
        prose_before += max(0, scores[index])
    return None


def _line_groups(content: str) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for line in content.split("\n"):
        if line.strip():
            groups[-1].append(line.strip())
        elif groups[-1]:
            groups.append([])
    return [group for group in groups if group]


def _paragraph_kind(first_line: str) -> BlockKind:
    # Mail-style quoting is the one quote marker a text dump keeps.
    return "quote" if first_line.startswith(">") else "paragraph"


def _collapse(text: str) -> str:
    return " ".join(text.split())  # the same as collapsing `\s+` and stripping, three times faster


def _link_chars(tag: Tag) -> int:
    links = [tag] if tag.name == "a" else tag.find_all("a")
    return sum(len(_collapse(link.get_text(" "))) for link in links)


def _contains_block(tag: Tag, ignore_inline_lists: bool = False) -> bool:
    names = _NESTED_BLOCK_TAGS if ignore_inline_lists else _BLOCK_TAGS
    return tag.find(names) is not None


def _class_hint(tag: Tag) -> BoilerplateKind | None:
    classes: object = tag.get("class") or []
    class_names = [str(name) for name in classes] if isinstance(classes, list) else [str(classes)]
    tokens = " ".join([*class_names, str(tag.get("id") or "")])
    if _CONTENT_HINT.search(tokens):
        # "entry-content no-share", "sidebar-and-content-body": the article, whatever else it says.
        return None
    for pattern, kind in _CLASS_HINTS:
        if pattern.search(tokens):
            return kind
    return None


# Elements whose content no reader sees on the page.
INVISIBLE_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "head"]
_BLOCK_KINDS: dict[str, BlockKind] = {
    **{f"h{level}": "heading" for level in range(1, 7)},
    "p": "paragraph",
    "figcaption": "caption",
    "caption": "caption",
    "li": "list_item",
    "dt": "list_item",
    "dd": "list_item",
    "blockquote": "quote",
    "pre": "other",
    "td": "other",
    "th": "other",
    "address": "other",
}
_CONTAINER_TAGS = [
    "div",
    "section",
    "article",
    "main",
    "body",
    "ul",
    "ol",
    "dl",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "figure",
    "header",
    "footer",
    "nav",
    "aside",
    "form",
    "menu",
    "center",
    "fieldset",
    "details",
    "summary",
    "hr",
    "br",
    "select",
    "button",
    "textarea",
    "label",
]
_BLOCK_TAGS = [*_BLOCK_KINDS, *_CONTAINER_TAGS]
# Inside a paragraph or list item these still split it into several blocks.
_NESTED_BLOCK_TAGS = [name for name in _BLOCK_TAGS if name not in ("br", "hr")]
_NESTED_BLOCK_SET = frozenset(_NESTED_BLOCK_TAGS)
# An article is more than one of these, however long it is.
_LEAF_BLOCK_TAGS = frozenset(name for name, kind in _BLOCK_KINDS.items() if kind != "other")
# A headline with its deck or kicker is at most this many lines.
_HEADLINE_MAX_LINES = 3
# A run of text this long outside links is prose, not a label or a menu entry.
_PROSE_MIN_CHARS = 80
_FURNITURE_TAGS: dict[str, BoilerplateKind] = {
    "nav": "navigation",
    "menu": "navigation",
    "header": "navigation",
    "footer": "footer",
    "form": "form",
    "fieldset": "form",
    "aside": "other",
    "dialog": "other",
    "select": "form",
    "button": "form",
    "textarea": "form",
    "label": "form",
}
_ROLE_KINDS: dict[str, BoilerplateKind] = {
    "navigation": "navigation",
    "menu": "navigation",
    "menubar": "navigation",
    "banner": "navigation",
    "search": "form",
    "form": "form",
    "contentinfo": "footer",
    "complementary": "other",
    "dialog": "other",
}


def _class_words(words: str) -> re.Pattern[str]:
    """Match any of `words` as a whole token of a class or id ("main-nav", "site_footer")."""
    return re.compile(rf"(?:^|[\s_-])(?:{'|'.join(words.split())})(?:$|[\s_-])", re.IGNORECASE)


_CONTENT_HINT = _class_words("content article post entry body main story text")
_CLASS_HINTS: tuple[tuple[re.Pattern[str], BoilerplateKind], ...] = (
    (_class_words("nav navbar navigation menu breadcrumbs? pagination skip-?link"), "navigation"),
    (_class_words("copyright"), "copyright"),
    (_class_words("footer site-?info colophon"), "footer"),
    (_class_words("share sharing social sharedaddy addthis"), "share"),
    (_class_words("search login signup newsletter subscribe"), "form"),
    (
        # Not "widget": page builders and blog engines wrap the article itself in widgets.
        _class_words("sidebar related recommended advert ads? sponsor cookie banner popup modal comments?"),
        "other",
    ),
)
_DATE_META_KEYS = frozenset(
    {
        "article:published_time",
        "og:published_time",
        "datepublished",
        "date",
        "pubdate",
        "publishdate",
        "publication_date",
        "dc.date",
        "dc.date.issued",
        "dcterms.date",
        "dcterms.created",
        "sailthru.date",
    }
)
_ISO_DAY_START = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
