"""Page metadata and language: pure functions of a page's HTML and its article text.

- `page_metadata(html, url)`: the page's canonical URL, title, publication date, author
  and site name, read from its metadata (meta tags, JSON-LD, `<time>`, bylines, the URL)
  by trafilatura's `extract_metadata`, which dates pages with htmldate. Both are
  maintained libraries; on the `meta` gold of trafilatura's evaluation set the project's
  own reader matched far fewer dates (see README, "Page metadata and language").
- `detect_language(text)`: the ISO 639-1 code of the article text and the detector's
  probability for it (py3langid, offline: its model ships inside the package).

`PageMetaExtractor` wires both into the pipeline as a stage after strip (until the
metadata stage takes them over): it fills `url`, `published`, `author`, `site_name` and
`language`, and gives relative dates an anchor when the document has none: the page's
own publication date, else the date a crawler fetched it.

Nothing here reads the clock: htmldate's upper bound for a plausible date (by default
today) is fixed (`LATEST_DATE`), or the fetch date when there is one, so the same page
gives the same date on any day.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import lxml.html
from lxml.etree import ParserError
from trafilatura.metadata import extract_metadata

from pipeline.document import Document
from pipeline.records import Language, PublishedDate
from pipeline.stages.base import Stage

# The latest publication date believed when nothing bounds it better (a fetch date does):
# fixed, so that the output never depends on the day it is computed.
LATEST_DATE = "2099-12-31"
# Below this probability the detector's answer is a guess: no language is recorded.
MIN_LANGUAGE_CONFIDENCE = 0.5
# Enough article text to tell a language; longer texts cost time and change nothing.
LANGUAGE_SAMPLE_CHARS = 5000
# Letters a language can be told from; a text of fewer is numbers, names or a menu.
MIN_LANGUAGE_LETTERS = 20
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# What sites put between an article's title and their own name: " - ", " | ", " » ", " :: "...
_TITLE_SEPARATOR = re.compile(r"\s+[-–—|›»·:]{1,2}\s+|\s*[|›»]\s*")
_UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8")
# How much of a page is read for its metadata (the median page is about 114 KB of HTML).
MAX_METADATA_CHARS = 2_000_000
_OVERLONG_TAG = re.compile(r"<([A-Za-z][\w:-]*)[^>]{10000,}(?:>|\Z)")
# A headline that shares at least this share of its words with the page title is its reworded form.
_MIN_HEADLINE_SHARE = 0.5
_LETTER = re.compile(r"[^\W\d_]")

# trafilatura and htmldate log every page they cannot date or parse; the record says enough.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class PageMetadata:
    """What a page says about itself."""

    url: str | None = None
    title: str | None = None
    published: PublishedDate | None = None
    author: str | None = None
    site_name: str | None = None


def page_metadata(html: str, url: str | None = None, fetch_date: str | None = None) -> PageMetadata:
    """Read the page's own metadata.

    Args:
        html: The page's markup.
        url: The page's URL when known (JSONL `url`, WARC target URI): helps dating
            (dates in URLs) and stands when the page names no canonical URL.
        fetch_date: When the page was fetched (YYYY-MM-DD): no publication date after it
            is believed.

    Returns:
        The fields found; each is None when the page does not give it.
    """
    # Metadata sits in short tags near the top of a page; tags of thousands of characters
    # (thousands of attributes, megabytes of one value) only make parsing slow (seconds).
    html = _OVERLONG_TAG.sub(r"<\1>", html[:MAX_METADATA_CHARS])
    try:
        # The page is decoded already: lxml must not decode it again by its declared charset.
        tree = lxml.html.fromstring(html.encode("utf-8"), parser=_UTF8_PARSER)
    except (ParserError, ValueError):
        return PageMetadata(url=url)
    headlines = [h for h in (_clean(h1.text_content()) for h1 in tree.iter("h1")) if h]
    # Only the first few h2: further down they title sections, teasers and comments.
    subheadlines = [h for h in (_clean(h2.text_content()) for h2 in itertools.islice(tree.iter("h2"), 5)) if h]
    latest = fetch_date if fetch_date is not None else LATEST_DATE
    date_config = {"original_date": True, "extensive_search": True, "max_date": latest}
    found = extract_metadata(tree, default_url=url, date_config=date_config)
    date = found.date if isinstance(found.date, str) and _ISO_DAY.match(found.date) else None
    site_name = _clean(found.sitename)
    return PageMetadata(
        url=url or _clean(found.url),
        title=article_title(_clean(found.title), headlines, site_name, subheadlines),
        published=PublishedDate(value=date, precision="day") if date else None,
        author=_clean(found.author),
        site_name=site_name,
    )


def article_title(
    title: str | None, headlines: list[str], site_name: str | None, subheadlines: Sequence[str] = ()
) -> str | None:
    """The article's title, from the page title and the page's own headlines.

    The page title (`<title>`, Open Graph) carries the site's name ("Storm closes the harbour
    - The Coastal Gazette") and is often reworded for search engines; the headline on the
    page is the article's own. So, in order:

    1. a headline (`h1`) found inside the page title, unless it is only the title's first
       or last part with a longer part beside it (then it is the site's name);
    2. a headline that shares at least half its words with the page title;
    3. the same with the `h2` headlines, when no `h1` qualifies (blog themes put the
       site's name in `h1` and each post's title in `h2`);
    4. the page title without the site's name around it: the part that is not the site's
       name, the longest one when several are left. A title that does not split stands.

    A headline that is the site's name never counts.
    """
    if title is None:
        return headlines[0] if len(headlines) == 1 else None
    site = _fold(site_name) if site_name else ""
    for candidates in (headlines, subheadlines):
        found = _headline_in_title(title, [h for h in candidates if _fold(h) and _fold(h) != site])
        if found is not None:
            return found
    parts = [part.strip() for part in _TITLE_SEPARATOR.split(title) if part.strip()]
    if len(parts) < 2:
        return title
    kept = [part for part in parts if _fold(part) != site and not (site and _fold(part) in site)]
    return max(kept or parts, key=len)


def _headline_in_title(title: str, headlines: list[str]) -> str | None:
    """The headline the page title names (rules 1 and 2 of `article_title`), or None."""
    folded_title = _fold(title)
    parts = [_fold(part) for part in _TITLE_SEPARATOR.split(title) if part.strip()]
    longest = max((len(part) for part in parts), default=0)
    # A headline that is only the title's first or last part, beside a longer one, is the site's name.
    headlines = [
        h for h in headlines if not (len(parts) > 1 and _fold(h) in (parts[0], parts[-1]) and len(_fold(h)) < longest)
    ]
    inside = [h for h in headlines if _fold(h) in folded_title]
    if inside:
        return max(inside, key=len)
    title_words = set(folded_title.split())
    best, best_share = None, 0.0
    for headline in headlines:
        words = _fold(headline).split()
        if len(words) < 2:
            continue
        share = sum(word in title_words for word in words) / len(words)
        if share > best_share:
            best, best_share = headline, share
    return best if best_share >= _MIN_HEADLINE_SHARE else None


def _fold(value: str) -> str:
    return " ".join(re.findall(r"\w+", value.casefold()))


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


@functools.cache
def _identifier() -> Any:
    """py3langid's identifier with probabilities normalised, loaded once per process."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def warm_up() -> None:
    """Load the language model now (seconds), not inside the first document's time limit."""
    _identifier()


def detect_language(text: str) -> Language | None:
    """The language of `text` with the detector's probability, or None when it cannot tell.

    Only the first `LANGUAGE_SAMPLE_CHARS` characters are read. A text with fewer than
    `MIN_LANGUAGE_LETTERS` letters, or an answer below `MIN_LANGUAGE_CONFIDENCE`, gives None.
    """
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if len(_LETTER.findall(sample)) < MIN_LANGUAGE_LETTERS:
        return None
    code, probability = _identifier().classify(sample)
    confidence = round(float(probability), 4)
    if confidence < MIN_LANGUAGE_CONFIDENCE or not re.match(r"^[a-z]{2}$", code):
        return None
    return Language(code=code, confidence=confidence)


class PageMetaExtractor(Stage):
    """Page metadata and language, as a stage after strip (see the module docstring)."""

    name: ClassVar[str] = "pagemeta"
    version: ClassVar[str] = "1"
    reads: ClassVar[frozenset[str]] = frozenset(
        {"content", "content_format", "url", "fetch_date", "text", "document_date"}
    )
    writes: ClassVar[frozenset[str]] = frozenset(
        {"url", "published", "author", "site_name", "language", "document_date"}
    )

    def setup(self) -> None:
        """Load the language model before any document's time limit starts."""
        warm_up()

    def __call__(self, doc: Document) -> Document:
        """Fill url, published, author, site_name and language; anchor relative dates."""
        meta = page_metadata(doc.content, doc.url, doc.fetch_date) if doc.content_format == "html" else None
        update: dict[str, Any] = {"language": detect_language(doc.text)}
        if meta is not None:
            update.update(url=meta.url, published=meta.published, author=meta.author, site_name=meta.site_name)
        published = update.get("published")
        if doc.document_date is None:
            update["document_date"] = published.value if published is not None else doc.fetch_date
        return doc.model_copy(update=update)
