"""Metadata: what a page says about itself, and the language of its article, read after strip.

A page declares its metadata in its head (Open Graph and other meta tags, JSON-LD,
`<title>`) and in its markup (`<time>`, headlines, bylines); a text dump has none of that,
so its title is its first kept heading. Values the source already gave (a JSONL `date` or
`url`, a sidecar date) win over what the page says.

The page is parsed once (`pipeline.pagemeta.read_page`). The head's title and date are read
here (`html_metadata`); URL, article title, publication date, author and site name by the
pure functions of `pipeline.pagemeta` (trafilatura's metadata reader and htmldate, and the
page's own declarations, headlines, datelines and bylines); the language of the article
text by py3langid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from lxml.html import HtmlElement

from pipeline.config import MetadataConfig
from pipeline.document import Document
from pipeline.pagemeta import DEFAULT_CONFIG, ISO_DAY_START, detect_language, page_metadata, read_page, warm_up
from pipeline.stages.base import Stage
from pipeline.stages.strip.parse import element_text, repair_markup
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


@dataclass(frozen=True)
class PageMetadata:
    """What a page declares about itself; None where it declares nothing."""

    title: str | None = None
    published: str | None = None  # YYYY-MM-DD


def html_metadata(page: HtmlElement | None) -> PageMetadata:
    """Read every metadata field of a parsed page."""
    if page is None:
        return PageMetadata()
    return PageMetadata(title=html_title(page), published=html_published(page))


def html_title(page: HtmlElement) -> str | None:
    """Return the page title from Open Graph, `<title>` or the first `<h1>`."""
    for meta in page.iter("meta"):
        if meta.get("property") == "og:title":
            if meta.get("content"):
                return collapse(meta.get("content") or "") or None
            break
    for tag_name in ("title", "h1"):
        tag = next(page.iter(tag_name), None)
        if tag is not None:
            text = element_text(tag)
            if text:
                return text
    return None


def html_published(page: HtmlElement) -> str | None:
    """Return the publication date a page declares (meta tags, then `<time>`), as YYYY-MM-DD."""
    for meta in page.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key in _DATE_META_KEYS:
            match = ISO_DAY_START.match(meta.get("content") or "")
            if match:
                return match.group(1)
    for time in page.iter("time"):
        match = ISO_DAY_START.match(time.get("datetime") or "")
        if match:
            return match.group(1)
    return None


class MetadataExtractor(Stage):
    """Fill what the page says about itself: title, dates, URL, author, site name, language.

    Its settings are `MetadataConfig` (`pipeline run --set metadata.KEY=VALUE`). Values
    the source already gave win (a JSONL `date` or `url`, a sidecar date). The
    document's date, which anchors relative dates, is the source's, else the date the
    page's head or `<time>` declares, else the publication date its metadata gives
    (`pipeline.pagemeta`), else the date a crawler fetched it.
    """

    name: ClassVar[str] = "metadata"
    version: ClassVar[str] = "5"
    reads: ClassVar[frozenset[str]] = frozenset(
        {"content", "content_format", "url", "fetch_date", "title", "document_date", "text", "blocks"}
    )
    writes: ClassVar[frozenset[str]] = frozenset(
        {"url", "title", "published", "author", "site_name", "language", "document_date"}
    )

    def __init__(self, config: MetadataConfig = DEFAULT_CONFIG) -> None:
        """Build the stage with its settings (`MetadataConfig`)."""
        self.config = config

    def setup(self) -> None:
        """Load the language model before any document's time limit starts."""
        warm_up()

    def __call__(self, doc: Document) -> Document:
        """Return `doc` with its metadata fields and language set."""
        title = doc.title
        document_date = doc.document_date
        update: dict[str, Any] = {"language": detect_language(doc.text, self.config)}
        if doc.content_format == "html":
            content = repair_markup(doc.content)
            # One parse serves both readers; the head's own fields are read first, as
            # trafilatura (inside `page_metadata`) prunes the tree.
            tree = read_page(content, self.config)
            page = html_metadata(tree) if title is None or document_date is None else PageMetadata()
            declared = page_metadata(content, doc.url, doc.fetch_date, self.config, tree=tree)
            if title is None or document_date is None:
                # The page's own headline beats its head's title, which carries the site's name.
                title = title or declared.title or page.title
                document_date = document_date or page.published
            if document_date is None and declared.published is not None:
                document_date = declared.published.value
            update.update(
                url=declared.url, published=declared.published, author=declared.author, site_name=declared.site_name
            )
        if title is None:
            title = next((doc.text[b.start : b.end] for b in doc.blocks if b.kind == "heading"), None)
        update.update(title=title, document_date=document_date or doc.fetch_date)
        return doc.model_copy(update=update)
