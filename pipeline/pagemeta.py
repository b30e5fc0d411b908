"""Page metadata and language: pure functions of a page's HTML and its article text.

- `page_metadata(html, url)`: the page's canonical URL, title, publication date, author
  and site name, read from its metadata (meta tags, JSON-LD, `<time>`, bylines, the URL)
  by trafilatura's `extract_metadata`, which dates pages with htmldate (both maintained
  libraries), and the rules a reader of the page would apply, each in a module of its
  own: the headline on the page, not the search engine's title, is the title
  (`pipeline.pagetitle`); the date shown under the headline (`pipeline.pagedate`), else
  the publication time the page declares, in the page's own time zone, is the date; a
  byline in the page names the author when the metadata declares no person
  (`pipeline.pageauthor`). `bench/pagemeta_eval.py` measures them on trafilatura's
  evaluation set.
- `detect_language(text)`: the ISO 639-1 code of the article text and the detector's
  probability for it (py3langid's model, offline: it ships inside the package; unpacked once
  per machine and read by `pipeline.language_model`, with py3langid's answers).

The metadata stage (`pipeline.stages.metadata`) calls both: it fills `url`, `title`,
`published`, `author`, `site_name` and `language`, and gives relative dates an anchor when
the document has none.

Nothing here reads the clock: htmldate's upper bound for a plausible date (by default
today) is fixed (`MetadataConfig.latest_date`), or the fetch date when there is one, so the same page
gives the same date on any day.
"""

from __future__ import annotations

import datetime
import itertools
import logging
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml.etree import ParserError
from lxml.html import HtmlElement

from pipeline.config import MetadataConfig
from pipeline.language_model import classify, load_language_model
from pipeline.pageauthor import declared_authors, page_author, page_byline
from pipeline.pagedate import shown_dates
from pipeline.pagetitle import article_title, page_headings
from pipeline.records import Language, PublishedDate

# The settings of a run that sets none (`pipeline.config`).
DEFAULT_CONFIG = MetadataConfig()
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8")
_OVERLONG_TAG = re.compile(r"<([A-Za-z][\w:-]*)[^>]{10000,}(?:>|\Z)")
_LETTER = re.compile(r"[^\W\d_]")
# The day an ISO date or timestamp starts with (also the metadata stage's, for the head's dates).
ISO_DAY_START = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")
# A UTC time on the hour at 21:00, 22:00 or 23:00: midnight of the next day one to three hours
# east of Greenwich (Europe, Africa, the Middle East), as sites store a publication day.
_MIDNIGHT_EAST = re.compile(r"T2[123]:00(?::00(?:\.0+)?)?\s*(?:Z|[+-]00:?00)$")
# A time given in UTC: "T23:11:59Z", "T23:11:59.000+00:00", "T23:11:59+0000".
_UTC_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]00:?00)$")
# An ISO time with its offset from UTC: "2021-03-02T10:00:00+01:00", "...T10:00+0530".
_OFFSET_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?([+-])(\d{2}):?(\d{2})\b")
# The meta keys that name the publication itself (not the page's last change).
_PUBLISHED_KEYS = frozenset({"article:published_time", "og:article:published_time", "datepublished"})
_JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{10,40})"')
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


def read_page(html: str, config: MetadataConfig = DEFAULT_CONFIG) -> HtmlElement | None:
    """The page parsed for its metadata, or None when it holds no markup lxml can read.

    Metadata sits in short tags near the top of a page: only the first
    `config.max_metadata_chars` characters are read, and tags of thousands of characters
    (thousands of attributes, megabytes of one value) lose their attributes, which only
    make parsing slow (seconds).
    """
    html = _OVERLONG_TAG.sub(r"<\1>", html[: config.max_metadata_chars])
    try:
        # The page is decoded already: lxml must not decode it again by its declared charset.
        return lxml.html.fromstring(html.encode("utf-8", "surrogatepass"), parser=_UTF8_PARSER)
    except (ParserError, ValueError):
        return None


def page_metadata(
    html: str,
    url: str | None = None,
    fetch_date: str | None = None,
    config: MetadataConfig = DEFAULT_CONFIG,
    tree: HtmlElement | None = None,
) -> PageMetadata:
    """Read the page's own metadata.

    Args:
        html: The page's markup.
        url: The page's URL when known (JSONL `url`, WARC target URI): helps dating
            (dates in URLs) and stands when the page names no canonical URL.
        fetch_date: When the page was fetched (YYYY-MM-DD): no publication date after it
            is believed.
        config: The metadata settings (`latest_date`, `max_metadata_chars`, ...).
        tree: The page as `read_page` parsed it, when the caller has it already (the
            page is then parsed once). trafilatura prunes it: read it before.

    Returns:
        The fields found; each is None when the page does not give it.
    """
    tree = tree if tree is not None else read_page(html, config)
    if tree is None:
        return PageMetadata(url=url)
    # Only the first few h2 and h3: further down they title sections, teasers and comments.
    headings = page_headings(tree, config.max_subheadings)
    latest = fetch_date if fetch_date is not None else config.latest_date
    # Read before trafilatura, which prunes the tree it is given.
    declared = declared_publication_date(tree, config.earliest_date, latest)
    shown = shown_dates(tree, config.earliest_date, latest, config.max_dateline_chars, config.dateline_reach_chars)
    byline = page_byline(tree, config.max_byline_chars)
    authors = declared_authors(tree)
    date_config = {"original_date": True, "extensive_search": True, "max_date": latest}
    # Imported here: trafilatura takes a third of a second to import, which a run of text
    # dumps never needs.
    from trafilatura.metadata import extract_metadata

    found = extract_metadata(tree, default_url=url, date_config=date_config)
    read = found.date if isinstance(found.date, str) and _ISO_DAY.match(found.date) else None
    # The page's own UTC offset only matters for a time declared in UTC (a search of the whole page).
    offset = page_utc_offset(html) if declared is not None and _UTC_TIME.search(declared) else None
    declared_day = _publication_day(declared, offset, read, config.max_utc_offset_hours)
    site_name = _clean(found.sitename)
    page_url = url or _clean(found.url)
    title = article_title(
        _clean(found.title),
        headings.h1,
        site_name,
        headings.h2,
        config.min_headline_share,
        config.min_framed_title_words,
        titles=headings.titles,
        minor_headlines=headings.h3,
        host=urlsplit(page_url).hostname if page_url else None,
    )
    # The date the page shows under its headline is the one its reader takes for the article's.
    date = shown.day(title) or declared_day
    return PageMetadata(
        url=page_url,
        title=title,
        published=PublishedDate(value=date, precision="day") if date else None,
        author=page_author(_clean(found.author), byline, authors, site_name, page_url),
        site_name=site_name,
    )


def _publication_day(stamp: str | None, page_offset: int | None, read: str | None, max_offset_hours: int) -> str | None:
    """The publication day from the time the page declares and the day htmldate read (visible dates, the URL).

    The declared day as written wins, but for a time given in UTC: Greenwich's day is not
    always the writer's. The page's own offset (`page_offset`, in minutes) turns it into
    the writer's day. Without one, a UTC time on the hour at 21:00 to 23:00 is a day
    stored as midnight one to three hours east of Greenwich (the next day), and otherwise
    a day htmldate read next to it stands where the writer's zone (at most
    `max_offset_hours` from UTC) can have moved the day there.
    """
    if stamp is None:
        return read
    day = stamp[:10]
    utc = _UTC_TIME.search(stamp)
    if utc is None:
        return day
    moment = datetime.datetime.fromisoformat(f"{day}T{utc.group(1)}:{utc.group(2)}")
    if page_offset is None and _MIDNIGHT_EAST.search(stamp):
        # A day without its time, stored as midnight where it was written, east of Greenwich.
        return (moment + datetime.timedelta(hours=3)).date().isoformat()
    if page_offset is not None:
        return (moment + datetime.timedelta(minutes=page_offset)).date().isoformat()
    earliest = (moment - datetime.timedelta(hours=max_offset_hours)).date().isoformat()
    latest = (moment + datetime.timedelta(hours=max_offset_hours)).date().isoformat()
    return read if read is not None and earliest <= read <= latest else day


def page_utc_offset(html: str) -> int | None:
    """The UTC offset (minutes) the page writes its times in, or None if it writes none but UTC's.

    The most frequent non-zero offset of the page's ISO times ("2021-03-02T10:00:00+01:00"):
    a site writes its times in its own zone, and a time in UTC beside them is a conversion.
    """
    offsets = Counter(
        (-1 if sign == "-" else 1) * (int(hours) * 60 + int(minutes))
        for sign, hours, minutes in _OFFSET_TIME.findall(html)
        if int(hours) or int(minutes)
    )
    return offsets.most_common(1)[0][0] if offsets else None


def declared_publication_date(tree: HtmlElement, earliest: str, latest: str) -> str | None:
    """The time the page declares it was published, as written there ("2022-02-03T23:30:00+01:00"), or None.

    Only the fields that name the publication itself count: `article:published_time` and
    `datePublished` (meta tags, microdata, JSON-LD). Their day is taken as written, not
    converted: "2022-02-03T23:30:00+01:00" was published on the 3rd where it was
    written. A date outside [`earliest`, `latest`] is a placeholder and is not believed.
    """
    candidates: list[str] = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").casefold()
        if key in _PUBLISHED_KEYS:
            candidates.append(meta.get("content") or "")
    for element in tree.xpath("//*[@itemprop='datePublished']"):
        candidates.append(element.get("datetime") or element.get("content") or "")
    for script in tree.xpath("//script[@type='application/ld+json']"):
        candidates.extend(_JSON_LD_PUBLISHED.findall(script.text or ""))
    for candidate in candidates:
        match = ISO_DAY_START.match(candidate)
        if match and earliest <= match.group(1) <= latest:
            return candidate.strip()
    return None


def _fold(value: str) -> str:
    return " ".join(re.findall(r"\w+", value.casefold()))


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def warm_up() -> None:
    """Load the language model now, not inside the first document's time limit."""
    load_language_model()


def detect_language(text: str, config: MetadataConfig = DEFAULT_CONFIG) -> Language | None:
    """The language of `text` with the detector's probability, or None when it cannot tell.

    Only the first `config.language_sample_chars` characters are read. A text with fewer
    than `config.min_language_letters` letters, or an answer below
    `config.min_language_confidence`, gives None.
    """
    sample = text[: config.language_sample_chars]
    # Counting stops at the threshold: a text has its first twenty letters long before its last.
    letters = sum(1 for _ in itertools.islice(_LETTER.finditer(sample), config.min_language_letters))
    if letters < config.min_language_letters:
        return None
    code, probability = classify(load_language_model(), sample)
    confidence = round(probability, 4)
    if confidence < config.min_language_confidence or not re.match(r"^[a-z]{2}$", code):
        return None
    return Language(code=code, confidence=confidence)
