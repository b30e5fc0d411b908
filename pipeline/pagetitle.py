"""The article's title: pure functions of a page's title tags and its own headings.

A page names itself several times: `<title>`, Open Graph's and Twitter's titles (often more
than one), and the headings in its body. The title tags carry the site's name ("Storm closes
the harbour - The Coastal Gazette") and are sometimes reworded for search engines; the
headline on the page is the article's own. `page_headings` reads the headings as a reader
sees them (a kicker above a headline is not part of it; the site's logo is no headline) and
`article_title` picks the title from both (`pipeline.pagemeta` calls them).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from pipeline.config import MetadataConfig

DEFAULT_CONFIG = MetadataConfig()
# What sites put between an article's title and their own name: " - ", " | ", " » ", " :: "...
TITLE_SEPARATOR = re.compile(r"\s+[-–—|›»·:•]{1,2}\s+|\s*[|›»•]\s*")
# Elements inside a heading that are not part of its words: a byline in a heading of its own, a line break.
_NOT_HEADLINE = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "br", "script", "style", "noscript", "button", "svg"})
# An address inside another (a web archive's copy of a page): the last one is the page's own.
_EMBEDDED_URL = re.compile(r"https?://", re.IGNORECASE)


@dataclass(frozen=True)
class PageHeadings:
    """A page's headings as read (`page_headings`), and the titles its head gives.

    Each heading is given as its whole text and, when it is a kicker and a headline, also
    as its headline piece (`headline_text`), the whole first.
    """

    h1: list[tuple[str, ...]] = field(default_factory=list)
    h2: list[tuple[str, ...]] = field(default_factory=list)
    h3: list[tuple[str, ...]] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)


def page_headings(tree: HtmlElement, max_headings: int) -> PageHeadings:
    """The page's `h1`, first `h2` and `h3` headings, and every title its head gives, in page order.

    A heading that is a link to the site's home page is its logo, not a headline, and is left
    out. A heading made of a kicker (a topic line in its own element, "Olympic Games") and
    the headline after it, or of the headline and a subtitle, reads as its longer piece.
    """
    found: dict[str, list[tuple[str, ...]]] = {"h1": [], "h2": [], "h3": []}
    for level, headings in found.items():
        limit = None if level == "h1" else max_headings
        for heading in itertools.islice(tree.iter(level), limit):
            if is_home_link(heading):
                continue
            whole, piece = _words(" ".join(heading.itertext())), headline_text(heading)
            if piece:
                headings.append((whole, piece) if whole != piece else (piece,))
    # Open Graph's titles first, then Twitter's, then `<title>`: the later ones more often
    # carry the site's name.
    ranked: list[tuple[int, str]] = []
    for element in tree.iter("title", "meta"):
        if element.tag == "title":
            # Only the document's own title: drawings (`<svg>`) title their shapes.
            rank, value = 2, element.text_content() if not any(a.tag == "svg" for a in element.iterancestors()) else ""
        else:
            key = (element.get("property") or element.get("name") or "").casefold()
            rank, value = {"og:title": 0, "twitter:title": 1}.get(key, 3), element.get("content") or ""
        text = " ".join(value.split())
        if rank < 3 and text:
            ranked.append((rank, text))
    titles = list(dict.fromkeys(text for _, text in sorted(ranked, key=lambda pair: pair[0])))
    return PageHeadings(h1=found["h1"], h2=found["h2"], h3=found["h3"], titles=titles)


def headline_text(heading: HtmlElement) -> str:
    """The words of a heading as a reader takes them: its longer piece when it is a kicker and a headline.

    A wrapper around the whole heading (a link, a span) is looked through. The heading's
    pieces are its own text runs and its child elements; when one at either end is an
    element of its own (a kicker before the headline, a subtitle after it), the longest
    piece of two words or more is the headline.
    """
    node = heading
    while len(node) == 1 and not (node.text or "").strip() and not (node[0].tail or "").strip():
        if node[0].tag in _NOT_HEADLINE:
            break
        node = node[0]
    pieces: list[tuple[str, bool]] = [(_words(node.text), False)]
    for child in node:
        if isinstance(child.tag, str) and child.tag not in _NOT_HEADLINE:
            pieces.append((_words(" ".join(child.itertext())), True))
        pieces.append((_words(child.tail), False))
    pieces = [(text, element) for text, element in pieces if text]
    whole = " ".join(text for text, _ in pieces)
    if len(pieces) < 2 or not (pieces[0][1] or pieces[-1][1]):
        return whole
    longest = max((text for text, _ in pieces if _has_letters(text)), key=len, default=whole)
    return longest if len(longest.split()) >= 2 else whole


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def is_home_link(heading: HtmlElement) -> bool:
    """Whether the heading is a link to a site's home page (its logo): inside one, or holding one with all its words."""
    for ancestor in heading.iterancestors("a"):
        return _home_address(ancestor.get("href"))
    words = _words(heading.text_content())
    return any(_home_address(link.get("href")) and _words(link.text_content()) == words for link in heading.iter("a"))


def _home_address(href: str | None) -> bool:
    """Whether `href` is a site's home page: "/", "https://example.org/", an archived copy of one."""
    if not href:
        return False
    starts = [match.start() for match in _EMBEDDED_URL.finditer(href)]
    address = href[starts[-1] :] if starts else href
    parts = urlsplit(address)
    return parts.path in ("", "/") and not parts.query and not parts.fragment and (bool(parts.netloc) or address == "/")


Heading = str | tuple[str, ...]


def article_title(
    title: str | None,
    headlines: Sequence[Heading],
    site_name: str | None,
    subheadlines: Sequence[Heading] = (),
    min_headline_share: float = DEFAULT_CONFIG.min_headline_share,
    min_framed_words: int = DEFAULT_CONFIG.min_framed_title_words,
    *,
    titles: Sequence[str] = (),
    minor_headlines: Sequence[Heading] = (),
    host: str | None = None,
) -> str | None:
    """The article's title, from the page's titles and its own headlines.

    `titles` are the titles the head gives (Open Graph's, Twitter's, `<title>`);
    `title` is the one trafilatura reads (a head's title, else a headline), matched
    against the headings only when the head gives none. A heading is
    its text, or its readings (`PageHeadings`: whole, then headline piece). In order:

    1. an `h1` that is one of the page's titles, or a part of one between separators
       ("Storm closes the harbour | Gazette"), or a run of such parts, none of them the
       site's name: the page names its article twice (the longest such `h1`; the titles
       are tried in turn);
    2. the page title, of at least three words, found inside a longer `h1`: the
       headline's markup adds a kicker or the site's name ("Politics | ...");
    3. an `h2` named as in 1 (blog themes put the site's name in `h1` and each post's
       title in `h2`);
    4. an `h1` found inside the page title word for word, else one that shares at least
       `min_headline_share` of its words with it;
    5. an `h3` named as in 1;
    6. an `h2` as in 4;
    7. the page title without the site's name around it: the parts that name the site
       (its `site_name`, its host) are dropped and the longest part left is the title.
       A title that does not split stands.

    A headline that is the site's name never counts.
    """
    # trafilatura's title only where the head gives none: it may be read from a headline.
    sources = list(titles) or ([title] if title else [])
    # A site name that is a page title, or the longest part of one, is the article's title
    # taken for the site's name by a reader's guess.
    if site_name and any(fold(site_name) in (fold(t), fold(_longest_part(t))) for t in sources):
        site_name = None
    site_names = _site_names(site_name, host)
    h1, h2, h3 = (
        [readings for readings in map(_readings, tier) if not _is_site(readings[0], site_names, loose=False)]
        for tier in (headlines, subheadlines, minor_headlines)
    )
    if not sources:
        return _single(headlines)
    head_title, title = sources[0], title or sources[0]
    steps: list[Callable[[], str | None]] = [
        lambda: _heading_named(sources, h1, site_names),
        lambda: _title_in_headline(head_title, [r[-1] for r in h1], site_names, min_framed_words),
        lambda: _heading_named(sources, h2, site_names),
        lambda: _headline_in_title(head_title, h1, min_headline_share),
        lambda: _heading_named(sources, h3, site_names),
        lambda: _headline_in_title(head_title, h2, min_headline_share),
    ]
    for step in steps:
        found = step()
        if found is not None:
            return found
    parts = [part.strip() for part in TITLE_SEPARATOR.split(title) if part.strip()]
    if len(parts) < 2:
        return title
    kept = [part for part in parts if not _is_site(part, site_names)]
    return max(kept or parts, key=len)


def _longest_part(title: str) -> str:
    return max((part.strip() for part in TITLE_SEPARATOR.split(title)), key=len)


def _readings(heading: Heading) -> tuple[str, ...]:
    return (heading,) if isinstance(heading, str) else heading


def _single(headlines: Sequence[Heading]) -> str | None:
    """The one headline's reading as a headline, when the page has exactly one."""
    return _readings(headlines[0])[-1] if len(headlines) == 1 else None


def _heading_named(titles: list[str], headings: list[tuple[str, ...]], site_names: list[str]) -> str | None:
    """The longest heading reading that is one of `titles`, or a run of its parts, none of them the site's name.

    The titles are tried in turn; None when no heading is named by any.
    """
    for title in titles:
        parts = [fold(part) for part in TITLE_SEPARATOR.split(title) if part.strip()]
        names: set[str] = set()
        for start in range(len(parts)):
            for end in range(start + 1, len(parts) + 1):
                if not parts[end - 1] or _is_site(parts[end - 1], site_names):
                    break
                names.add(" ".join(parts[start:end]))
        named = [reading for readings in headings for reading in readings if fold(reading) in names]
        if named:
            return max(named, key=len)
    return None


def _title_in_headline(title: str, headlines: list[str], site_names: list[str], min_words: int) -> str | None:
    """The page title when a longer headline holds it with more around it, or None.

    Headlines often carry a kicker or the site's name in their own markup ("Politics |
    Mayor elected"); the page title (Open Graph's first) then names the article alone. A
    title of fewer than `min_words` words is too common to tell.
    """
    folded = fold(title)
    if len(folded.split()) < min_words or _is_site(title, site_names):
        return None
    return title if any(_inside(folded, fold(h)) and len(fold(h)) > len(folded) for h in headlines) else None


def _headline_in_title(title: str, headlines: list[tuple[str, ...]], min_share: float) -> str | None:
    """The headline reading the page title names (rules 2 to 4 of `article_title`), or None."""
    folded_title = fold(title)
    readings = [reading for readings in headlines for reading in readings]
    inside = [h for h in readings if fold(h) and _inside(fold(h), folded_title)]
    if inside:
        return max(inside, key=len)
    title_words = set(folded_title.split())
    best, best_share = None, 0.0
    for headline in readings:
        words = fold(headline).split()
        if len(words) < 2:
            continue
        share = sum(word in title_words for word in words) / len(words)
        if share > best_share:
            best, best_share = headline, share
    return best if best_share >= min_share else None


def _site_names(site_name: str | None, host: str | None) -> list[str]:
    """The site's names, folded without spaces: its declared name, its host's name ("coastalgazette")."""
    names = [fold(site_name).replace(" ", "")] if site_name else []
    if host:
        labels = [label for label in host.casefold().split(".") if label not in ("www", "m")]
        if len(labels) >= 2:
            names.append(fold(labels[-2]).replace(" ", ""))
    return [name for name in names if len(name) >= 3]


def _is_site(text: str, site_names: list[str], loose: bool = True) -> bool:
    """Whether `text` is the site's name: one of its names, or (`loose`) up to three words that hold one ("ZEIT ONLINE").

    Headings are judged strictly: an article's headline may start with a word that is the
    host's name; a part of a page title beside the headline is the site's when it holds it.
    """
    folded = fold(text)
    joined = folded.replace(" ", "")
    if not joined:
        return False
    words = folded.split()
    runs = (
        {"".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
        if len(words) <= 3
        else set()
    )
    return any(
        joined in name or (loose and (name in runs or (name in joined and 2 * len(name) >= len(joined))))
        for name in site_names
    )


def _inside(part: str, whole: str) -> bool:
    """Whether folded `part` is in folded `whole` word for word."""
    return f" {part} " in f" {whole} "


def fold(value: str) -> str:
    """`value` as compared: case folded, its words only, one space between them."""
    return " ".join(re.findall(r"\w+", value.casefold()))
