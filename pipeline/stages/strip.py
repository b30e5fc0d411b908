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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from bs4 import BeautifulSoup, Comment, Tag, XMLParsedAsHTMLWarning
from bs4.element import NavigableString

from pipeline.config import StripConfig
from pipeline.document import Document
from pipeline.errors import DocumentError
from pipeline.records import Block, BlockKind, Boilerplate, BoilerplateKind
from pipeline.stages.base import Stage

BLOCK_SEPARATOR = "\n\n"

_COPYRIGHT = re.compile(r"^\s*(?:copyright\b|©|\(c\)\s*\d{4})|all rights reserved|©\s*\d{4}", re.IGNORECASE)
_FOOTER_PHRASES = re.compile(
    r"\b(?:privacy policy|privacy notice|terms of (?:use|service)|term of use|terms and conditions|terms & conditions|"
    r"contact us|cookie (?:policy|settings|preferences)|site ?map|accessibility statement|follow us)\b",
    re.IGNORECASE,
)
_SHARE_PHRASES = re.compile(
    r"\b(?:share (?:this|on)|share via|tweet this|email this|print this|share on facebook|pin it)\b|^\s*share\s*:?\s*$",
    re.IGNORECASE,
)
_FORM_PHRASES = re.compile(
    r"\b(?:search|select an?|log ?in|sign (?:in|up)|subscribe|submit|password|user ?name|"
    r"newsletter|enter your|e-?mail address|required field)\b",
    re.IGNORECASE,
)
# Items of a menu row in a text dump are set apart by runs of spaces, tabs or bars.
_MENU_ROW_GAP = re.compile(r"\t|[^\S\n]{3,}|\s[|•·»]\s")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")
_LIST_MARKER = re.compile(r"^(?:[-*•·◦‣▪]|\d{1,3}[.)])\s+")
_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
_MONTH = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)\b")
_WHITESPACE = re.compile(r"\s+")
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


def cue_kind(text: str, short_words: int) -> BoilerplateKind | None:
    """Classify a block by the words it carries: copyright, footer, share or form; else None.

    Only short blocks are judged by cues: a paragraph that mentions a privacy policy or a
    search is still a paragraph.
    """
    words = len(text.split())
    if words > 3 * short_words:
        return None
    if _COPYRIGHT.search(text):
        return "copyright"
    footer_hits = len(_FOOTER_PHRASES.findall(text))
    if footer_hits >= 2 or (footer_hits == 1 and words <= short_words):
        return "footer"
    if _SHARE_PHRASES.search(text) and words <= short_words:
        return "share"
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
    version: ClassVar[str] = "1"

    def __init__(self, config: StripConfig) -> None:
        self.config = config

    def __call__(self, doc: Document) -> Document:
        """Split `doc.content` into kept blocks and dropped boilerplate."""
        title = doc.title
        document_date = doc.document_date
        if doc.content_format == "html":
            with warnings.catch_warnings():
                # XHTML pages are still read as HTML on purpose: lxml's HTML parser forgives them.
                warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
                soup = BeautifulSoup(doc.content, "lxml")
            title = title or html_title(soup)
            document_date = document_date or html_document_date(soup)
            try:
                pieces = list(self._html_pieces(soup))
            except RecursionError as error:
                # The walk recurses once per element level; thousands of levels are not a page.
                raise DocumentError("HTML is nested too deeply to read as a page") from error
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
        paragraph_indexes = [i for i, lines in enumerate(groups) if any(self._is_prose(line) for line in lines)]
        first_paragraph = paragraph_indexes[0] if paragraph_indexes else len(groups)
        last_paragraph = paragraph_indexes[-1] if paragraph_indexes else -1
        for index, lines in enumerate(groups):
            outside_article = index < first_paragraph or index > last_paragraph
            short_lines = sum(is_short_line(line, short) for line in lines)
            is_menu = (
                outside_article
                and len(lines) >= self.config.menu_min_lines
                and short_lines >= _MENU_SHORT_SHARE * len(lines)
            )
            yield from _fields_between_form_lines(list(self._classify_group(lines, is_menu)))

    def _is_prose(self, line: str) -> bool:
        short = self.config.short_line_words
        return not self._is_title(line) and not is_menu_row(line) and cue_kind(line, short) is None

    def _is_title(self, line: str) -> bool:
        short = self.config.short_line_words
        return is_short_line(line, short) or is_title_like(line, short)

    def _classify_group(self, lines: list[str], is_menu: bool) -> Iterator[Piece]:
        short = self.config.short_line_words
        paragraph: list[str] = []
        for line in lines:
            dropped = cue_kind(line, short) or ("navigation" if is_menu_row(line) else None)
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
        for tag in soup.find_all(_INVISIBLE_TAGS):
            tag.decompose()
        root = soup.body or soup
        total_chars = max(1, len(_collapse(root.get_text(" "))))
        yield from self._walk(root, total_chars)

    def _walk(self, element: Tag, total_chars: int) -> Iterator[Piece]:
        inline: list[Tag | NavigableString] = []
        for child in element.children:
            if isinstance(child, NavigableString):
                inline.append(child)
                continue
            if not isinstance(child, Tag):
                continue
            if child.name not in _BLOCK_TAGS and not _contains_block(child):
                inline.append(child)
                continue
            yield from self._inline_piece(inline, element)
            inline = []
            furniture = self._furniture_kind(child, total_chars)
            if furniture is not None:
                text = _collapse(child.get_text(" "))
                if text:
                    yield Piece(text, drop_kind=furniture)
                continue
            block_kind = _BLOCK_KINDS.get(child.name or "")
            if block_kind is not None and not _contains_block(child, ignore_inline_lists=True):
                yield from self._judge_block(child, block_kind)
            else:
                yield from self._walk(child, total_chars)
        yield from self._inline_piece(inline, element)

    def _inline_piece(self, nodes: list[Tag | NavigableString], parent: Tag) -> Iterator[Piece]:
        text = _collapse(" ".join(node.get_text(" ") for node in nodes))
        if text:
            kind = _BLOCK_KINDS.get(parent.name or "", "other")
            link_chars = sum(_link_chars(node) for node in nodes if isinstance(node, Tag))
            yield from self._judge_text(text, kind, link_density=link_chars / len(text))

    def _judge_block(self, tag: Tag, kind: BlockKind) -> Iterator[Piece]:
        text = _collapse(tag.get_text(" "))
        if text:
            yield from self._judge_text(text, kind, link_density=_link_chars(tag) / len(text))

    def _judge_text(self, text: str, kind: BlockKind, link_density: float) -> Iterator[Piece]:
        dropped = cue_kind(text, self.config.short_line_words)
        if dropped is None and link_density > self.config.max_link_density and kind != "heading":
            dropped = "navigation"
        yield Piece(text, kind, dropped)

    def _furniture_kind(self, tag: Tag, total_chars: int) -> BoilerplateKind | None:
        """Decide from structure alone whether an element is page furniture."""
        name = tag.name or ""
        if tag.find(["main", "article"]) is not None or tag.find("h1") is not None:
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
        if hint is not None and len(_collapse(tag.get_text(" "))) < 0.4 * total_chars:
            return hint
        return None


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
    return _WHITESPACE.sub(" ", text).strip()


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
    for pattern, kind in _CLASS_HINTS:
        if pattern.search(tokens):
            return kind
    return None


_INVISIBLE_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "head"]
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


_CLASS_HINTS: tuple[tuple[re.Pattern[str], BoilerplateKind], ...] = (
    (_class_words("nav navbar navigation menu breadcrumbs? pagination skip-?link"), "navigation"),
    (_class_words("copyright"), "copyright"),
    (_class_words("footer site-?info colophon"), "footer"),
    (_class_words("share sharing social sharedaddy addthis"), "share"),
    (_class_words("search login signup newsletter subscribe"), "form"),
    (
        _class_words("sidebar widget related recommended advert ads? sponsor cookie banner popup modal comments?"),
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
