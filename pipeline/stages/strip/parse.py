"""Parsing a page with lxml: the repairs it needs first, libxml2's depth limit, and text as laid out.

libxml2 2.14 reads `<title>` (and sometimes `<noscript>`) as raw text, and silently drops
content nested deeper than 256 levels; `parse_html` repairs the first and re-reads such a
page from parser events. `element_text` reads an element as a browser lays it out, and
`shown_text` as a reader reads it (without what the page hides, nor ruby glosses).
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring, fragment_fromstring

from pipeline.records import BoilerplateKind
from pipeline.stages.strip.pieces import collapse
from pipeline.stages.strip.tags import BLOCK_TAGS, HIDDEN_STYLE, UNREAD_TAGS

_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^\[>]*\[[^\]]*\]\s*>", re.IGNORECASE)
_TITLE_OPEN = re.compile(r"<title\b[^>]*>", re.IGNORECASE)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.IGNORECASE)
_MARKUP = re.compile(r"<[A-Za-z/!]")
_PARSER = HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
_TOO_DEEP = etree.ErrorTypes.ERR_RESOURCE_LIMIT
# Ruby annotations: the reading of the characters they stand over, and fallback brackets.
_RUBY_GLOSS_TAGS = frozenset(("rt", "rp"))
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z_][\w.-]*$")
# A soft hyphen marks where a word may break across lines; no reader sees it unless the line
# breaks there, and it splits the word for any later reader of the text ("auto\xadnome").
_SOFT_HYPHEN = re.compile(r"\xad|&shy;|&#173;|&#x0*ad;", re.IGNORECASE)


def repair_markup(content: str) -> str:
    """Return the page with the two repairs every reader of it needs before lxml parses it.

    lxml reads an internal DTD subset as text ("]>"); entity declarations are never
    expanded, so it goes unread. And the text of a `<title>` never holds markup: a title
    left open would swallow the page as its text, so it is closed where the first tag
    follows it.
    """
    content = _DOCTYPE_SUBSET.sub("", content, count=1)
    opening = _TITLE_OPEN.search(content)
    if opening is not None:
        closing = _TITLE_CLOSE.search(content, opening.end())
        markup = _MARKUP.search(content, opening.end(), closing.start() if closing else len(content))
        if markup is not None:
            content = f"{content[: markup.start()]}</title>{content[markup.start() :]}"
    return content


def parse_html(content: str) -> HtmlElement | None:
    """Parse a page as HTML, forgiving what lxml's HTML parser forgives; None for a page with no elements.

    The page is repaired first (`repair_markup`).
    """
    content = _SOFT_HYPHEN.sub("", repair_markup(content))
    data = content.encode("utf-8", "surrogatepass")
    try:
        document = document_fromstring(data, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    if any(entry.type == _TOO_DEEP for entry in _PARSER.error_log):
        # libxml2 builds no tree deeper than 256 levels and drops what lies below; fed event
        # by event, it keeps no depth of its own.
        return _parse_deep(data)
    return document


def read_as_markup(element: HtmlElement) -> None:
    """Parse an element's raw text as the markup it is (libxml2 reads `<noscript>` as raw text)."""
    text = element.text
    if not text or len(element) or _MARKUP.search(text) is None:
        return
    try:
        fragment = fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        return
    element.text = None
    element.append(fragment)
    etree.strip_elements(fragment, *UNREAD_TAGS, with_tail=False)


def _parse_deep(data: bytes) -> HtmlElement | None:
    builder = _DeepTreeBuilder()
    parser = etree.HTMLParser(target=builder, encoding="utf-8", remove_comments=True, remove_pis=True)
    parser.feed(data)
    return parser.close()


class _DeepTreeBuilder:
    """Build an element tree from parser events, without libxml2's depth limit.

    Attribute names that are not XML names (`xmlns:fb` on an HTML page) are left out.
    """

    def __init__(self) -> None:
        self.builder = etree.TreeBuilder()

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        valid = {name: value for name, value in attributes.items() if _ATTRIBUTE_NAME.match(name)}
        self.builder.start(tag, valid)

    def end(self, tag: str) -> None:
        self.builder.end(tag)

    def data(self, text: str) -> None:
        self.builder.data(text)

    def close(self) -> HtmlElement | None:
        try:
            return self.builder.close()
        except etree.LxmlError:
            return None


def element_text(element: HtmlElement) -> str:
    """The text of an element as laid out: inline elements run together, blocks and breaks set apart."""
    return _laid_out(element, None)


def shown_text(element: HtmlElement) -> tuple[str, tuple[tuple[BoilerplateKind, str], ...]]:
    """The text of an element as a reader reads it, and the parts set aside inside it, each with its kind.

    A hidden part (`hidden`, `display:none`) inside a paragraph is a copy, an alternative
    rendering (a formula's source beside its image) or a form's message, never words of the
    sentence around it: set aside as `hidden`. A ruby gloss (`rt`, `rp`: the reading printed
    over Japanese or Chinese characters) is a reading aid, not words of the text: `other`.
    """
    aside: list[tuple[BoilerplateKind, str]] = []
    return _laid_out(element, aside), tuple(aside)


def is_hidden(element: HtmlElement) -> bool:
    """An element no reader sees: the `hidden` attribute or an inline style that hides it."""
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    return bool(style and HIDDEN_STYLE.search(style))


def _set_aside(node: HtmlElement) -> BoilerplateKind | None:
    """What a part inside a block is set aside as: hidden, a ruby gloss, or nothing."""
    if node.tag in _RUBY_GLOSS_TAGS:
        return "other"
    return "hidden" if is_hidden(node) else None


def _laid_out(element: HtmlElement, aside: list[tuple[BoilerplateKind, str]] | None) -> str:
    """The element's text as laid out; with `aside` given, the parts `_set_aside` names go there instead."""
    parts: list[str] = []
    walk = etree.iterwalk(element, events=("start", "end"))
    for event, node in walk:
        spaced = node.tag in BLOCK_TAGS
        if event == "start":
            kind = _set_aside(node) if aside is not None and node is not element else None
            if kind is not None and aside is not None:
                walk.skip_subtree()
                text = element_text(node)
                if text:
                    aside.append((kind, text))
                continue
            if spaced:
                parts.append(" ")
            if node.text:
                parts.append(node.text)
        else:
            if spaced:
                parts.append(" ")
            if node is not element and node.tail:
                parts.append(node.tail)
    return collapse("".join(parts))
