"""The date a page shows its reader: pure functions of a parsed page.

Besides the publication time a page declares in its metadata (`pipeline.pagemeta`), a page
shows a date in its text: in the line under the headline ("Von Jane Roe | 12.01.2022"),
or after a label ("Veröffentlicht am 14.08.2019", "Published on May 3, 2020"). That is the
date a reader takes for the article's; `shown_dates` reads them. Dates are read by htmldate's
parser of date expressions (numeric and with month names in the languages it knows).
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from pipeline.pagetitle import fold, headline_text, is_home_link

# A date as pages write one: "14.08.2019", "2019-08-14", "14. August 2019", "14 août 2019", "Aug 14, 2019".
_DATE = re.compile(
    r"\b(\d{1,2}\.\s?\d{1,2}\.\s?(?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}|\d{1,2}\.?\s+[^\W\d_]{3,10}\.?\s+(?:19|20)\d{2}"
    r"|[^\W\d_]{3,10}\.?\s+\d{1,2},\s+(?:19|20)\d{2})\b"
)
# The spaces in a numeric date written "4. 2. 2022".
_SPACED_NUMERIC = re.compile(r"(?<=\d\.)\s+(?=\d)")
# Words that label a publication date, in the languages of the web's news pages.
_PUBLISHED_WORDS = (
    r"ver[öo]ffentlicht|erschienen|erstellt|publiziert|published|posted|written|publié|publicado|pubblicato"
)
# A label of its own: "Veröffentlicht am:", "Published on".
_PUBLISHED_LABEL = re.compile(rf"(?:{_PUBLISHED_WORDS})(?:\s+(?:am|on|le|el|il))?\s*:?\s*$", re.IGNORECASE)
# A word of such a label anywhere in a line: the lines worth reading for one.
_PUBLISHED_WORD = re.compile(_PUBLISHED_WORDS, re.IGNORECASE)
# Words that say a date is the last change, not the publication.
_UPDATED = re.compile(
    r"aktualisiert|updated|geändert|änderung|modified|last edited|mis à jour|actualizado|aggiornato", re.IGNORECASE
)
# Where a page lists its other articles, each with its own date.
_ASIDE = frozenset({"li", "aside", "nav", "footer"})
_UNREAD = frozenset({"script", "style", "noscript", "template"})
_SKIPPED = frozenset({"script", "style", "noscript", "a", "button", "select", "option"})


@dataclass(frozen=True)
class ShownDates:
    """The dates a page shows: under its `h1` headlines (by their folded words), and after a label."""

    under: dict[str, str] = field(default_factory=dict)
    first: str | None = None
    labelled: str | None = None

    def day(self, title: str | None) -> str | None:
        """The day shown under the `h1` that is the title, else under the first `h1`, else after a label.

        Lower headings do not count: they title the sections and teasers that carry
        dates of their own, and blogs put their date above the post's title.
        """
        found = self.under.get(fold(title)) if title else None
        if found is None and self.first is not None:
            found = self.under.get(self.first)
        return found or self.labelled


def shown_dates(tree: HtmlElement, earliest: str, latest: str, max_chars: int, reach: int) -> ShownDates:
    """The publication days the page shows its reader (YYYY-MM-DD).

    Under a headline (an `h1` that is not the site's logo): the first date standing in
    a short element of its own (at most `max_chars` characters) within `reach`
    characters of text after it, the first one after a publication label there if any:
    the line under a headline gives the article's date; where none stands there, the
    date in the short element just above it (a dateline). After a label: a date after a
    publication label in a short element ("Erschienen am: 13.10.2021"), outside the
    lists, asides and footers where a page shows its other articles, on a page that
    shows no date under a headline. A date marked as an update, or outside [`earliest`,
    `latest`], is not believed.
    """
    bounds = (earliest, latest)
    under: dict[str, str] = {}
    first: str | None = None
    for heading in tree.iter("h1"):
        if is_home_link(heading):
            continue
        readings = {fold(" ".join(heading.itertext())), fold(headline_text(heading))} - {""}
        if not readings or all(reading in under for reading in readings):
            continue
        first = first or fold(" ".join(heading.itertext()))
        day = _date_under_headline(heading, bounds, max_chars, reach)
        for reading in readings:
            if day is not None:
                under.setdefault(reading, day)
    # The labels are looked for only on pages that show no date under a headline (the search costs).
    labelled = _labelled_date(tree, bounds, max_chars) if not under else None
    return ShownDates(under=under, first=first, labelled=labelled)


def _labelled_date(tree: HtmlElement, bounds: tuple[str, str], max_chars: int) -> str | None:
    search = _PUBLISHED_WORD.search
    for element in tree.iter():
        # A line is an element's first text or the text after it ("<br>Erschienen am: 02.11.2023");
        # a comment's own text is no line.
        own = element.text if isinstance(element.tag, str) and element.tag not in _UNREAD else None
        for line, holder in ((own, element), (element.tail, element.getparent())):
            if not line or search(line) is None or holder is None:
                continue
            if any(ancestor.tag in _ASIDE for ancestor in (holder, *holder.iterancestors())):
                continue
            # The line, else the element that holds it with its date
            # ("<span>Veröffentlicht am</span> <time>14.08.2019</time>").
            for text in (line, short_text(holder, max_chars), short_text(holder.getparent(), max_chars)):
                day = _labelled_day(" ".join((text or "").split())[:max_chars], bounds)
                if day is not None:
                    return day
    return None


def _labelled_day(text: str, bounds: tuple[str, str]) -> str | None:
    """The first date in `text` after a publication label, or None."""
    for match in _DATE.finditer(text):
        if _PUBLISHED_LABEL.search(text[max(0, match.start() - 40) : match.start()]):
            day = _day(match.group(1), bounds)
            if day is not None:
                return day
    return None


def _date_under_headline(headline: HtmlElement, bounds: tuple[str, str], max_chars: int, reach: int) -> str | None:
    read = 0
    first: str | None = None
    for element in _following(headline):
        if not isinstance(element.tag, str):
            continue
        read += len((element.text or "").strip()) + len((element.tail or "").strip())
        if read > reach:
            break
        if element.tag in _SKIPPED:
            continue
        text = short_text(element, max_chars)
        if text is None or _UPDATED.search(text):
            continue
        labelled = _labelled_day(text, bounds)
        if labelled is not None:
            return labelled
        match = _DATE.search(text) if first is None else None
        first = _day(match.group(1), bounds) if match else first
    return first or _date_above_headline(headline, bounds, max_chars)


def _date_above_headline(headline: HtmlElement, bounds: tuple[str, str], max_chars: int) -> str | None:
    """The date in the short element just before the headline (a dateline above it), or None."""
    before = next((e for e in headline.itersiblings(preceding=True) if isinstance(e.tag, str)), None)
    text = short_text(before, max_chars) if before is not None and before.tag not in _SKIPPED else None
    if text is None or _UPDATED.search(text):
        return None
    match = _DATE.search(text)
    return _day(match.group(1), bounds) if match else None


def _following(element: HtmlElement) -> Iterator[HtmlElement]:
    """The elements after `element` in the page, in page order (not those inside it)."""
    for node in itertools.chain([element], element.iterancestors()):
        for sibling in node.itersiblings():
            yield sibling
            yield from sibling.iterdescendants()


def short_text(element: HtmlElement | None, max_chars: int) -> str | None:
    """The element's words, or None when they run longer than `max_chars` (read no further than that)."""
    if element is None:
        return None
    pieces: list[str] = []
    length = 0
    for piece in element.itertext():
        length += len(piece)
        if length > 4 * max_chars:  # markup's whitespace counts here, not in the words
            return None
        pieces.append(piece)
    text = " ".join(" ".join(pieces).split())
    return text if len(text) <= max_chars else None


def _day(expression: str, bounds: tuple[str, str]) -> str | None:
    """The day a date expression names, within `bounds`, or None."""
    from htmldate.extractors import try_date_expr

    earliest, latest = (datetime.datetime.fromisoformat(bound) for bound in bounds)
    # "4. 2. 2022" is "4.2.2022" spaced out, which the parser does not read.
    expression = _SPACED_NUMERIC.sub("", expression)
    day = try_date_expr(expression, "%Y-%m-%d", False, earliest, latest)
    return day if isinstance(day, str) else None
