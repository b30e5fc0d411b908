"""Dates: find every date expression with its exact span and an ISO value at its true precision.

Running `dateparser.search_dates` over a whole page invents dates from ordinary words,
fills missing days from today's clock and gives no offsets. This stage instead:

1. finds candidate spans with patterns over the article text (a date needs a month name,
   a four-digit year in a date-like position, a numeric day/month/year, or a relative
   phrase such as "the following day");
2. parses each absolute candidate with dateparser (English only, pinned settings, a fixed
   relative base so the clock is never read) and takes the precision from the parts the
   expression actually has: "July 2009" is `2009-07`, never a made-up day;
3. resolves relative expressions against an anchor: deictic ones ("yesterday", "last
   year") against the document date, anaphoric ones ("the following day") against the
   nearest earlier absolute date in the text (skipping attributive dates such as "the
   June 2010 summit", which name another event). With no anchor they are left out.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Literal

from dateparser.date import DateDataParser

from pipeline.config import DatesConfig
from pipeline.document import Document
from pipeline.records import DateMention, Precision
from pipeline.stages.base import Stage

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# Month names must be capitalized: "may" and "march" in lower case are a verb and a walk.
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d|21\d\d)"
_DASH = r"\s*(?:-|–|—|to|through|until)\s*"
_WEEKDAY = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_COUNT = r"(?:\d{1,3}|(?i:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))"
_UNIT = r"(?:day|week|month|year)s?"

Kind = Literal["absolute", "range", "year_range", "month_range", "deictic", "anaphoric", "yearless"]


Feature = Literal["month", "year", "digit", "weekday", "deictic", "unit", "ago", "later"]
# Cheap tests of what a paragraph contains; a pattern is only tried where all it needs is.
# Each is looser than the patterns that rely on it, so skipping never loses a date.
_FEATURES: dict[Feature, re.Pattern[str]] = {
    "month": re.compile(_MONTH),
    "year": re.compile(r"\d{4}"),
    "digit": re.compile(r"\d"),
    "weekday": re.compile(r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"),
    "deictic": re.compile(r"today|yesterday|tomorrow|Today|Yesterday|Tomorrow"),
    "unit": re.compile(r"day|week|month|year"),
    "ago": re.compile(r"ago"),
    "later": re.compile(r"later|earlier"),
}


@dataclass(frozen=True)
class _Pattern:
    kind: Kind
    regex: re.Pattern[str]
    needs: frozenset[Feature]


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){pattern}(?![\w-]|-\d)")


# Ordered by how much of a date they take: at one position the longest match wins anyway,
# the order only breaks ties.
_PATTERNS = (
    # 14-15 November 2011; 14 November - 2 December 2011; November 14-15, 2011
    _Pattern(
        "range",
        _compile(
            rf"(?P<d1>{_DAY})(?:\s+(?P<m1>{_MONTH}))?{_DASH}(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{_MONTH}),?\s+(?P<y>{_YEAR})"
        ),
        frozenset({"month", "year"}),
    ),
    _Pattern(
        "range",
        _compile(rf"(?P<m1>{_MONTH})\s+(?P<d1>{_DAY}){_DASH}(?:(?P<m2>{_MONTH})\s+)?(?P<d2>{_DAY}),?\s+(?P<y>{_YEAR})"),
        frozenset({"month", "year"}),
    ),
    # June-August 2011; between June and August 2011
    _Pattern(
        "month_range",
        _compile(
            rf"(?:between\s+(?P<m1>{_MONTH})\s+and\s+|(?:from\s+)?(?P<m1b>{_MONTH}){_DASH})(?P<m2>{_MONTH}),?\s+(?:of\s+)?(?P<y>{_YEAR})"
        ),
        frozenset({"month", "year"}),
    ),
    # between 2009 and 2010; from 2009 to 2010; 2009-2010
    _Pattern(
        "year_range",
        _compile(
            rf"(?:between\s+(?P<y1a>{_YEAR})\s+and\s+(?P<y2a>{_YEAR})|from\s+(?P<y1b>{_YEAR})\s+(?:to|until|through)\s+(?P<y2b>{_YEAR})|(?P<y1c>{_YEAR})\s*[-–]\s*(?P<y2c>{_YEAR}))"
        ),
        frozenset({"year"}),
    ),
    # Tuesday, November 14, 2011; 14 November 2011; the 14th of November 2011; November 2011; May of 2011
    _Pattern(
        "absolute",
        _compile(rf"{_WEEKDAY}(?P<m>{_MONTH})\s+(?P<d>{_DAY}),?\s+(?P<y>{_YEAR})"),
        frozenset({"month", "year"}),
    ),
    _Pattern(
        "absolute",
        _compile(rf"{_WEEKDAY}(?:the\s+)?(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{_MONTH}),?\s+(?P<y>{_YEAR})"),
        frozenset({"month", "year"}),
    ),
    _Pattern("absolute", _compile(rf"(?P<m>{_MONTH}),?\s+(?:of\s+)?(?P<y>{_YEAR})"), frozenset({"month", "year"})),
    # 2011-11-14 and 2011/11/14; 11/14/2011 and 14.11.2011 (read with the configured order)
    _Pattern(
        "absolute",
        _compile(r"(?P<iso>(?P<y>\d{4})[-/](?P<mo>0[1-9]|1[0-2])[-/](?P<d>0[1-9]|[12]\d|3[01]))"),
        frozenset({"year"}),
    ),
    _Pattern("absolute", _compile(r"(?P<numeric>\d{1,2}[/.]\d{1,2}[/.]\d{4})"), frozenset({"year"})),
    # a year on its own; kept only in a date-like position (see _plausible_year)
    _Pattern("absolute", _compile(rf"(?P<y>{_YEAR})"), frozenset({"year"})),
    # November 14 (the year comes from the anchor)
    _Pattern("yearless", _compile(rf"(?P<m>{_MONTH})\s+(?P<d>{_DAY})(?!\s*,?\s*\d)"), frozenset({"month", "digit"})),
    _Pattern(
        "yearless", _compile(rf"(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{_MONTH})(?!\s*,?\s*\d)"), frozenset({"month", "digit"})
    ),
    # in January; the January meeting; last March (a bare month needs a word that makes it a date)
    _Pattern(
        "yearless",
        _compile(
            rf"(?P<cue>(?:in|In|the|The|last|Last|next|Next|this|This|since|Since|until|by|early|late|mid)\s+)(?P<m>{_MONTH})(?!\s*,?\s*\d)"
        ),
        frozenset({"month"}),
    ),
    _Pattern(
        "deictic", _compile(r"(?P<word>today|yesterday|tomorrow|Today|Yesterday|Tomorrow)"), frozenset({"deictic"})
    ),
    # Friday; last Friday; next Monday (news counts weekdays from the day of writing)
    _Pattern(
        "deictic",
        _compile(
            r"(?:(?P<which>last|next|this|Last|Next|This)\s+)?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
        ),
        frozenset({"weekday"}),
    ),
    _Pattern(
        "deictic", _compile(r"(?P<which>this|last|next|This|Last|Next)\s+(?P<unit>month|year)"), frozenset({"unit"})
    ),
    _Pattern("deictic", _compile(rf"(?P<count>{_COUNT})\s+(?P<unit>{_UNIT})\s+ago"), frozenset({"unit", "ago"})),
    _Pattern(
        "anaphoric",
        _compile(r"(?:the|The)\s+(?P<which>following|next|previous|preceding|prior)\s+(?P<unit>day|month|year)"),
        frozenset({"unit"}),
    ),
    _Pattern(
        "anaphoric",
        _compile(r"(?:the|The)\s+(?P<unit>day|month|year)\s+(?P<which>before|after|prior|earlier|later)"),
        frozenset({"unit"}),
    ),
    _Pattern(
        "anaphoric",
        _compile(rf"(?P<count>{_COUNT})\s+(?P<unit>{_UNIT})\s+(?P<which>later|earlier)"),
        frozenset({"unit", "later"}),
    ),
)
# Words after which a bare four-digit number reads as a year.
_YEAR_CUES = frozenset(
    "in since by of during until till from between before after through to and or early late mid "
    "year years fiscal fy circa around spring summer autumn fall winter the".split()
)
# Words that may follow a year; any other lower-case word makes "2000 people" a count.
_AFTER_YEAR_OK = frozenset(
    "and or to through until when while with as after before but that which who he she it they we "
    "i was were is are had has have there from for at on in by the a an his her its their".split()
)
_PREVIOUS_WORD = re.compile(r"([A-Za-z]+)\W*$")
_NEXT_WORD = re.compile(r"^\s*([A-Za-z]+)")


@dataclass(frozen=True)
class _Candidate:
    kind: Kind
    start: int
    end: int
    match: re.Match[str]


@dataclass(frozen=True)
class _Resolved:
    value: str
    end_value: str | None
    precision: Precision


class DateExtractor(Stage):
    """Find date expressions in the article text and normalize them to ISO 8601."""

    name: ClassVar[str] = "dates"
    version: ClassVar[str] = "3"
    reads: ClassVar[frozenset[str]] = frozenset({"text", "document_date"})
    writes: ClassVar[frozenset[str]] = frozenset({"dates", "unresolved_dates"})

    def __init__(self, config: DatesConfig) -> None:
        self.config = config
        self._parser = _date_parser(config.languages, config.date_order)

    def __call__(self, doc: Document) -> Document:
        """Set `doc.dates`, sorted by start."""
        text = doc.text
        found: list[DateMention] = []
        # Absolute dates first: relative ones are resolved against them.
        candidates = list(_candidates(text))
        for candidate in candidates:
            if candidate.kind in ("absolute", "range", "year_range", "month_range"):
                resolved = self._resolve_absolute(candidate, text)
                if resolved is not None:
                    found.append(_mention(candidate, text, resolved, anchor=None))
        absolutes = sorted(found, key=lambda d: d.start)
        unresolved = 0
        for candidate in candidates:
            if candidate.kind in ("deictic", "anaphoric", "yearless"):
                anchor = _anchor_of(candidate, text, absolutes, doc.document_date)
                if anchor is None:
                    unresolved += 1  # no value without an anchor: left out, and counted
                    continue
                mention = self._resolve_relative(candidate, text, anchor)
                if mention is not None:
                    found.append(mention)
        dates = tuple(sorted(found, key=lambda d: (d.start, d.end)))
        return doc.model_copy(update={"dates": dates, "unresolved_dates": unresolved})

    # -- absolute -----------------------------------------------------------------------

    def _resolve_absolute(self, candidate: _Candidate, text: str) -> _Resolved | None:
        groups = {k: v for k, v in candidate.match.groupdict().items() if v is not None}
        if candidate.kind == "year_range":
            first = groups.get("y1a") or groups.get("y1b") or groups["y1c"]
            last = groups.get("y2a") or groups.get("y2b") or groups["y2c"]
            if not (self._year_ok(first) and self._year_ok(last)) or last <= first:
                return None
            return _Resolved(first, last, "year")
        if candidate.kind == "month_range":
            first = self._parse(f"{groups.get('m1') or groups['m1b']} {groups['y']}", "month")
            last = self._parse(f"{groups['m2']} {groups['y']}", "month")
            if first is None or last is None or last <= first:
                return None
            return _Resolved(first, last, "month")
        if candidate.kind == "range":
            month_first = groups.get("m1") or groups["m2"]
            first = self._parse(f"{groups['d1']} {month_first} {groups['y']}", "day")
            last = self._parse(f"{groups['d2']} {groups.get('m2') or month_first} {groups['y']}", "day")
            if first is None or last is None or last <= first:
                return None
            return _Resolved(first, last, "day")
        if "iso" in groups or "numeric" in groups:
            value = self._parse(groups.get("iso") or groups["numeric"], "day")
            return _Resolved(value, None, "day") if value is not None else None
        if "m" not in groups:
            if not self._year_ok(groups["y"]) or not _plausible_year(text, candidate.start, candidate.end):
                return None
            return _Resolved(groups["y"], None, "year")
        precision: Precision = "day" if "d" in groups else "month"
        parts = [groups.get("d", ""), groups["m"], groups["y"]]
        value = self._parse(" ".join(p for p in parts if p), precision)
        return _Resolved(value, None, precision) if value is not None else None

    def _parse(self, expression: str, precision: Precision) -> str | None:
        """Parse an absolute expression with dateparser and cut the value to `precision`."""
        parsed = _parse_cached(self._parser, expression)
        if parsed is None or not self._year_ok(str(parsed.year)):
            return None
        return _iso(parsed, precision)

    def _year_ok(self, year: str) -> bool:
        return self.config.min_year <= int(year) <= self.config.max_year

    # -- relative -----------------------------------------------------------------------

    def _resolve_relative(self, candidate: _Candidate, text: str, anchor: DateMention) -> DateMention | None:
        groups = {k: v for k, v in candidate.match.groupdict().items() if v is not None}
        resolved = _shift(candidate.kind, groups, anchor)
        if resolved is None or not self._year_ok(resolved.value[:4]):
            return None
        return _mention(candidate, text, resolved, anchor=anchor.text)


def _anchor_of(
    candidate: _Candidate, text: str, absolutes: list[DateMention], document_date: str | None
) -> DateMention | None:
    """What a relative expression is resolved against, or None when nothing can anchor it."""
    earlier = _anchor_in_text(absolutes, text, candidate.start)
    from_document = (
        DateMention(text=document_date, start=0, end=len(document_date), value=document_date, precision="day")
        if document_date
        else None
    )
    # Deictic words point at the moment of writing; anaphoric ones at the story's last date.
    return (from_document or earlier) if candidate.kind != "anaphoric" else (earlier or from_document)


_SET_CUE = re.compile(r"\b(?:every|each)\s+$", re.IGNORECASE)
# Words that number things: "page 1999", "room 2010", "flight 1972".
_NUMBERING_WORDS = frozenset("page pages p pp room rooms route flight model number no vol volume chapter item".split())


_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """The spans of `text` between blank lines (the article's blocks): no date crosses one."""
    start = 0
    for gap in _BLANK_LINE.finditer(text):
        yield start, gap.start()
        start = gap.end()
    yield start, len(text)


def _candidates(text: str) -> Iterator[_Candidate]:
    """Yield non-overlapping candidate spans, longest first at each position."""
    matches: list[_Candidate] = []
    for start, end in _paragraphs(text):
        # Most paragraphs have no month, year or relative word at all; the twenty patterns
        # scanned every character of them, half of this stage's time.
        present = {name for name, feature in _FEATURES.items() if feature.search(text, start, end)}
        for pattern in _PATTERNS:
            if not pattern.needs <= present:
                continue
            for match in pattern.regex.finditer(text, start, end):
                # A cue word makes the match a date but is not part of the expression.
                begin = match.end("cue") if "cue" in pattern.regex.groupindex else match.start()
                matches.append(_Candidate(pattern.kind, begin, match.end(), match))
    matches.sort(key=lambda c: (c.start, -(c.end - c.start)))
    taken_until = -1
    for candidate in matches:
        if candidate.start >= taken_until:
            taken_until = candidate.end
            # "every Monday", "each year": a set of times, not a date.
            if not _SET_CUE.search(text, max(0, candidate.start - 10), candidate.start):
                yield candidate


def _plausible_year(text: str, start: int, end: int) -> bool:
    """Tell whether a bare four-digit number at text[start:end] is a year."""
    before, after = text[max(0, start - 30) : start], text[end : end + 30]
    if before.endswith(("$", "€", "£", "#", "No. ", "no. ", "+", ".", ",")) or re.match(r"^[.,:/]\d", after):
        return False
    if re.match(r"^\s*(?:%|percent|per\b)", after):
        return False
    previous = _PREVIOUS_WORD.search(before)
    if previous and previous.group(1).lower() in _NUMBERING_WORDS:
        return False
    next_word = _NEXT_WORD.match(after)
    if next_word and next_word.group(1).islower() and next_word.group(1) not in _AFTER_YEAR_OK:
        return False
    if previous and previous.group(1).lower() in _YEAR_CUES and not re.search(r"\d\s*$", before):
        return True
    # A year standing at the end of a sentence or in brackets: "... was founded 1998." / "(2009)".
    return re.match(r"^\s*(?:[.;:)\]]|$)", after) is not None and not re.search(r"[\d,]\s*$", before)


def _anchor_in_text(absolutes: list[DateMention], text: str, position: int) -> DateMention | None:
    """The nearest absolute date before `position`, preferring one that is not attributive."""
    earlier = [d for d in absolutes if d.end <= position]
    for date in reversed(earlier):
        # "the June 2010 summit" names an event, not the time the story has reached.
        if not re.search(r"\b(?:the|a|an)\s+$", text[max(0, date.start - 6) : date.start], re.IGNORECASE):
            return date
    return earlier[-1] if earlier else None


def _shift(kind: Kind, groups: dict[str, str], anchor: DateMention) -> _Resolved | None:
    """Apply a relative expression to its anchor, keeping only the precision it can have."""
    if kind == "yearless":
        month = _MONTHS[groups["m"].rstrip(".").lower()]
        year = int(anchor.value[:4])
        if "d" in groups:
            day = int(re.sub(r"\D", "", groups["d"]))
            if day > calendar.monthrange(year, month)[1]:
                return None
            return _Resolved(f"{year:04d}-{month:02d}-{day:02d}", None, "day")
        return _Resolved(f"{year:04d}-{month:02d}", None, "month")
    if "weekday" in groups:
        return _weekday(groups["weekday"], groups.get("which", "").lower(), anchor)
    if "word" in groups:
        unit, count = "day", {"today": 0, "yesterday": -1, "tomorrow": 1}[groups["word"].lower()]
    else:
        unit = groups["unit"].lower().rstrip("s")
        which = groups.get("which", "ago").lower()
        magnitude = _NUMBER_WORDS.get(groups.get("count", "1").lower()) or int(groups.get("count", "1"))
        sign = -1 if which in ("last", "previous", "preceding", "prior", "before", "earlier", "ago") else 1
        count = 0 if which == "this" else sign * magnitude
    base_value = anchor.end_value if count > 0 and anchor.end_value else anchor.value
    return _offset(base_value, anchor.precision, unit, count)


def _weekday(name: str, which: str, anchor: DateMention) -> _Resolved | None:
    """The named weekday nearest the anchor day: on or before it, or after it for "next"."""
    if anchor.precision != "day":
        return None  # a weekday of an unknown week has no day to give
    base = dt.date.fromisoformat(anchor.value)
    target = list(calendar.day_name).index(name)
    if which == "next":
        shift = (target - base.weekday() - 1) % 7 + 1
    else:
        shift = -((base.weekday() - target) % 7) or (-7 if which == "last" else 0)
    return _Resolved((base + dt.timedelta(days=shift)).isoformat(), None, "day")


def _offset(value: str, precision: Precision, unit: str, count: int) -> _Resolved | None:
    year = int(value[:4])
    month = int(value[5:7]) if len(value) >= 7 else 1
    day = int(value[8:10]) if len(value) >= 10 else 1
    if unit == "year":
        return _Resolved(f"{year + count:04d}", None, "year")
    if unit == "month":
        if precision == "year":
            return None if count else _Resolved(f"{year:04d}", None, "year")
        index = year * 12 + (month - 1) + count
        return _Resolved(f"{index // 12:04d}-{index % 12 + 1:02d}", None, "month")
    if unit == "week":
        if precision != "day":
            return None
        shifted = dt.date(year, month, day) + dt.timedelta(weeks=count)
        return _Resolved(shifted.isoformat(), None, "day")
    if precision == "day":
        shifted = dt.date(year, month, day) + dt.timedelta(days=count)
        return _Resolved(shifted.isoformat(), None, "day")
    # A day counted from a month or a year: the true day cannot be known, only the anchor's span.
    return _Resolved(value, None, precision)


def _mention(candidate: _Candidate, text: str, resolved: _Resolved, anchor: str | None) -> DateMention:
    return DateMention(
        text=text[candidate.start : candidate.end],
        start=candidate.start,
        end=candidate.end,
        value=resolved.value,
        precision=resolved.precision,
        end_value=resolved.end_value,
        relative=anchor is not None,
        anchor=anchor,
    )


def _iso(moment: dt.datetime, precision: Precision) -> str:
    return {"year": f"{moment.year:04d}", "month": f"{moment.year:04d}-{moment.month:02d}"}.get(
        precision, moment.date().isoformat()
    )


@lru_cache(maxsize=4)
def _date_parser(languages: tuple[str, ...], date_order: str) -> DateDataParser:
    settings = {
        # Never the clock: parsing only complete expressions, against a fixed base.
        "RELATIVE_BASE": dt.datetime(2000, 1, 1),
        "PREFER_DAY_OF_MONTH": "first",
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": date_order,
        "PARSERS": ["absolute-time"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    return DateDataParser(languages=list(languages), settings=settings)


@lru_cache(maxsize=65536)
def _parse_cached(parser: DateDataParser, expression: str) -> dt.datetime | None:
    result = parser.get_date_data(re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", expression)).date_obj
    return result if isinstance(result, dt.datetime) else None
