"""Metadata: what a page says about itself (title, publication date), read after strip.

A page declares its metadata in its head (Open Graph and other meta tags, `<title>`) and in
its markup (`<time>`, the first `<h1>`); a text dump has none of that, so its title is its
first kept heading. Values the source already gave (a JSONL `date`, a sidecar date) win
over what the page says.

Each field is read by one function of the parsed page into `PageMetadata`; author, site
name and language are meant to join it the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from bs4 import BeautifulSoup, Tag

from pipeline.document import Document
from pipeline.stages.base import Stage
from pipeline.stages.strip.html import parse_html
from pipeline.stages.strip.pieces import collapse

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


@dataclass(frozen=True)
class PageMetadata:
    """What a page declares about itself; None where it declares nothing."""

    title: str | None = None
    published: str | None = None  # YYYY-MM-DD


def html_metadata(soup: BeautifulSoup) -> PageMetadata:
    """Read every metadata field of a parsed page."""
    return PageMetadata(title=html_title(soup), published=html_published(soup))


def html_title(soup: BeautifulSoup) -> str | None:
    """Return the page title from Open Graph, `<title>` or the first `<h1>`."""
    og = soup.find("meta", attrs={"property": "og:title"})
    if isinstance(og, Tag) and og.get("content"):
        return collapse(str(og["content"])) or None
    for tag_name in ("title", "h1"):
        tag = soup.find(tag_name)
        if isinstance(tag, Tag):
            text = collapse(tag.get_text(" "))
            if text:
                return text
    return None


def html_published(soup: BeautifulSoup) -> str | None:
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


class MetadataExtractor(Stage):
    """Fill the document's title and publication date from the page, then from its kept headings."""

    name: ClassVar[str] = "metadata"
    version: ClassVar[str] = "1"

    def __call__(self, doc: Document) -> Document:
        """Set `title` and `document_date` where the source left them empty."""
        title = doc.title
        document_date = doc.document_date
        if doc.content_format == "html" and (title is None or document_date is None):
            page = html_metadata(parse_html(doc.content))
            title = title or page.title
            document_date = document_date or page.published
        if title is None:
            title = next((doc.text[b.start : b.end] for b in doc.blocks if b.kind == "heading"), None)
        return doc.model_copy(update={"title": title, "document_date": document_date})
