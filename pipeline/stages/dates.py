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
   A date that leaves out its year ("in October", "Feb. 2") or its week ("Friday") takes
   them from the tense of its clause and its distance to the anchor, as HeidelTime and
   SUTime do for news: "the talks resume in October", written in March, is the coming
   October; "the car was found in December", written in April, the last one.

Whether a bare four-digit number is a year, and the tense of a clause, are read from the
words around them (`pipeline.stages.date_context`); the calendar arithmetic is in
`pipeline.stages.date_arithmetic`.

This module is near 600 lines: a third of it is the pattern table, which stays next to the
code that reads each pattern's groups.
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
from pipeline.lexicon import MONTH, MONTH_NUMBERS, WEEKDAY
from pipeline.records import DateMention, Precision
from pipeline.stages.base import Stage
from pipeline.stages.date_arithmetic import (
    Reading,
    Resolved,
    calendar_week,
    offset,
    range_end,
    weekday_near,
    yearless,
)
from pipeline.stages.date_context import Tense, reads_as_count, tense_near, year_by_context
from pipeline.stages.date_languages import foreign_dates, merged
from pipeline.stages.date_spans import longest_first, paragraph_spans

_MONTHS = MONTH_NUMBERS
# Month names must be capitalized: "may" and "march" in lower case are a verb and a walk.
_MONTH = MONTH
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[5-9]\d\d|20\d\d|21\d\d)"
_DASH = r"\s*(?:-|–|—|to|through|until)\s*"
_WEEKDAY_NAME = WEEKDAY
_WEEKDAY = rf"(?:(?P<wd>{_WEEKDAY_NAME}),?\s+)?"
# "last June", "next Friday", "this coming Sunday": which occurrence, counted from the anchor.
_WHICH = r"(?P<which>[Ll]ast|[Nn]ext|[Tt]his(?:\s+(?:coming|past))?|[Cc]oming)"
# "early December", "mid-2009": part of a month or year, which keeps its precision.
_PART = r"(?P<part>[Ee]arly|[Mm]id|[Ll]ate)"
# "January this year", "June 5 last year", "March of next year".
_REL_YEAR = r"(?:,?\s+(?:of\s+)?(?P<rel>this|last|next)\s+year)?"
# The time of an ISO timestamp: 2019-04-02T09:00:00Z (the day is what a date keeps).
_TIME = r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
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
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_COUNT = r"(?:\d{1,3}|(?i:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))"
_UNIT = r"(?:day|week|month|year)s?"
# How many years "last", "this" and "next" move: also what "this fiscal year" means.
_YEAR_SHIFT = {"last": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}

Kind = Literal[
    "absolute", "range", "year_range", "month_range", "quarter", "decade", "deictic", "anaphoric", "yearless"
]
_ABSOLUTE_KINDS = frozenset({"absolute", "range", "year_range", "month_range", "quarter", "decade"})


Feature = Literal["month", "year", "digit", "weekday", "deictic", "unit", "ago", "later", "fiscal"]
# Cheap tests of what a paragraph contains; a pattern is only tried where all it needs is.
# Each is looser than the patterns that rely on it, so skipping never loses a date.
_FEATURES: dict[Feature, re.Pattern[str]] = {
    "month": re.compile(_MONTH),
    "year": re.compile(r"\d{4}"),
    "digit": re.compile(r"\d"),
    "weekday": re.compile(r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"),
    "deictic": re.compile(r"(?i:today|tonight|yesterday|tomorrow|last night)"),
    "unit": re.compile(r"day|week|month|year"),
    "ago": re.compile(r"ago"),
    "later": re.compile(r"later|earlier"),
    "fiscal": re.compile(r"fiscal|Fiscal|FY"),
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
    # between 2009 and 2010; from 2009 to 2010; 2009-2010; the 1998-99 season
    _Pattern(
        "year_range",
        _compile(
            rf"(?:(?i:between)\s+(?P<y1a>{_YEAR})\s+and\s+(?P<y2a>{_YEAR})|(?i:from)\s+(?P<y1b>{_YEAR})\s+(?:to|until|through)\s+(?P<y2b>{_YEAR})|(?P<y1c>{_YEAR})\s*[-–]\s*(?P<y2c>{_YEAR})|(?P<y1d>{_YEAR})[-–/](?P<y2d>\d\d))"
        ),
        frozenset({"year"}),
    ),
    # Q2 2019, 2019 Q2, the second quarter of 2019: the quarter's three months
    _Pattern("quarter", _compile(rf"Q(?P<q>[1-4])[\s/-]?(?P<y>{_YEAR})"), frozenset({"year"})),
    _Pattern("quarter", _compile(rf"(?P<y>{_YEAR})[\s/-]?Q(?P<q>[1-4])"), frozenset({"year"})),
    _Pattern(
        "quarter",
        _compile(rf"(?P<qw>(?i:first|second|third|fourth)|1st|2nd|3rd|4th)[\s-]quarter(?:\s+of)?,?\s+(?P<y>{_YEAR})"),
        frozenset({"year"}),
    ),
    # the 1980s, the mid-1990s: the decade's years
    _Pattern("decade", _compile(rf"(?:{_PART}[\s-])?(?P<dec>1[5-9]\d0|20\d0)'?s"), frozenset({"year"})),
    # fiscal 2019, fiscal year 2019, FY2019, FY19: a fiscal year is named by a calendar year
    _Pattern(
        "absolute",
        _compile(r"(?:[Ff]iscal(?:\s+[Yy]ear)?\s+(?P<fy>\d{4})|FY\s?'?(?P<fy2>\d{4}|\d\d))"),
        frozenset({"fiscal", "digit"}),
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
    # 2011-11-14, 2011/11/14 and 2019-04-02T09:00:00Z; 11/14/2011 and 4/2/19 (read with the
    # configured order); 14.11.2011 (dots are day-first almost everywhere)
    _Pattern(
        "absolute",
        _compile(rf"(?P<iso>(?P<y>\d{{4}})[-/](?P<mo>0[1-9]|1[0-2])[-/](?P<d>0[1-9]|[12]\d|3[01])){_TIME}"),
        frozenset({"year"}),
    ),
    _Pattern("absolute", _compile(r"(?P<n1>\d{1,2})/(?P<n2>\d{1,2})/(?P<n3>\d{4}|\d\d)(?!/\d)"), frozenset({"digit"})),
    _Pattern("absolute", _compile(r"(?P<dot1>\d{1,2})\.(?P<dot2>\d{1,2})\.(?P<n3>\d{4})"), frozenset({"year"})),
    # a year on its own, or part of one ("mid-2009"); kept only where its context says it is a year
    _Pattern(
        "absolute",
        _compile(rf"(?:(?P<part>[Ee]arly|[Mm]id|[Ll]ate|[Pp]re|[Pp]ost)-)?(?P<y>{_YEAR})"),
        frozenset({"year"}),
    ),
    # March 3-5, 30 May - 2 June (a range whose year comes from the anchor)
    _Pattern(
        "yearless",
        _compile(rf"(?P<m>{_MONTH})\s+(?P<d>{_DAY}){_DASH}(?:(?P<m2>{_MONTH})\s+)?(?P<d2>{_DAY})(?!\s*,?\s*\d)"),
        frozenset({"month", "digit"}),
    ),
    _Pattern(
        "yearless",
        _compile(
            rf"(?P<d>{_DAY})(?:\s+(?P<m>{_MONTH}))?{_DASH}(?P<d2>{_DAY})\s+(?:of\s+)?(?P<m2>{_MONTH})(?!\s*,?\s*\d)"
        ),
        frozenset({"month", "digit"}),
    ),
    # November 14, last Oct. 23, Saturday, April 25, June 5 last year (the year comes from the anchor)
    _Pattern(
        "yearless",
        _compile(rf"{_WEEKDAY}(?:{_WHICH}\s+)?(?P<m>{_MONTH})\s+(?P<d>{_DAY}){_REL_YEAR}(?!\s*,?\s*\d)"),
        frozenset({"month", "digit"}),
    ),
    _Pattern(
        "yearless",
        _compile(rf"{_WEEKDAY}(?P<d>{_DAY})\s+(?:of\s+)?(?P<m>{_MONTH}){_REL_YEAR}(?!\s*,?\s*\d)"),
        frozenset({"month", "digit"}),
    ),
    # in January; the January meeting; since March this year (a bare month needs a word that
    # makes it a date; a preposition or article is not part of the date, "last" or "early" is)
    _Pattern(
        "yearless",
        _compile(
            rf"(?P<cue>(?:(?i:in|the|an?|since|until|till|by|from|through|throughout|during|for|before|after|around)|(?:beginning|middle|end|start)\s+of)\s+)(?P<m>{_MONTH}){_REL_YEAR}(?!\s*,?\s*\d)"
        ),
        frozenset({"month"}),
    ),
    _Pattern(
        "yearless",
        _compile(rf"(?:{_WHICH}\s+)?{_PART}[\s-]+(?P<m>{_MONTH}){_REL_YEAR}(?!\s*,?\s*\d)"),
        frozenset({"month"}),
    ),
    _Pattern("yearless", _compile(rf"{_WHICH}\s+(?P<m>{_MONTH}){_REL_YEAR}(?!\s*,?\s*\d)"), frozenset({"month"})),
    _Pattern(
        "deictic",
        # "tonight" and "last night" are times of a day; the day is what a date keeps.
        _compile(r"(?P<word>[Tt]oday|[Tt]onight|[Yy]esterday|[Tt]omorrow|[Ll]ast\s+night)"),
        frozenset({"deictic"}),
    ),
    # Friday; last Friday; next Monday (the tense of the clause says which week)
    _Pattern("deictic", _compile(rf"(?:{_WHICH}\s+)?(?P<weekday>{_WEEKDAY_NAME})"), frozenset({"weekday"})),
    _Pattern(
        "deictic",
        _compile(r"(?P<which>this|last|next|current|This|Last|Next)\s+(?P<unit>month|year)"),
        frozenset({"unit"}),
    ),
    # last week, this week: the month the calendar week lies in (or the two it straddles)
    _Pattern("deictic", _compile(r"(?P<which>this|last|next|This|Last|Next)\s+(?P<week>week)"), frozenset({"unit"})),
    # this fiscal year, the current fiscal year, last fiscal year
    _Pattern(
        "deictic",
        _compile(r"(?P<which>this|current|last|previous|next|coming|This|Last|Next)\s+fiscal\s+(?P<unit>year)"),
        frozenset({"fiscal"}),
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


@dataclass(frozen=True)
class _Candidate:
    kind: Kind
    start: int
    end: int
    match: re.Match[str]


class DateExtractor(Stage):
    """Find date expressions in the article text and normalize them to ISO 8601."""

    name: ClassVar[str] = "dates"
    version: ClassVar[str] = "4"
    reads: ClassVar[frozenset[str]] = frozenset({"text", "document_date"})
    writes: ClassVar[frozenset[str]] = frozenset({"dates", "unresolved_dates"})

    def __init__(self, config: DatesConfig) -> None:
        self.config = config
        self._parser = _date_parser(config.languages, config.date_order)

    def __call__(self, doc: Document) -> Document:
        """Set `doc.dates`, sorted by start."""
        text = doc.text
        # A page in another language is read with its own month names and date order.
        foreign = foreign_dates(text, doc.language.code, self.config, doc.document_date) if doc.language else None
        found: list[DateMention] = []
        # Absolute dates first: relative ones are resolved against them.
        candidates = [c for c in _candidates(text) if not _names_something(c, text)]
        for candidate in candidates:
            if candidate.kind in _ABSOLUTE_KINDS:
                resolved = self._resolve_absolute(candidate, text)
                if resolved is not None:
                    found.append(resolved.mention(text, candidate.start, candidate.end, anchor=None))
        if foreign is not None:
            # Its English-worded relative dates are not read; absolute ones (years, ISO, quoted English) are.
            return doc.model_copy(update={"dates": merged(foreign[0], found), "unresolved_dates": foreign[1]})
        absolutes = sorted(found, key=lambda d: d.start)
        unresolved = 0
        for candidate in candidates:
            if candidate.kind not in _ABSOLUTE_KINDS:
                anchor = _anchor_of(candidate, text, absolutes, doc.document_date)
                if anchor is None:
                    unresolved += 1  # no value without an anchor: left out, and counted
                    continue
                mention = self._resolve_relative(candidate, text, anchor, anchor.text != doc.document_date)
                if mention is not None:
                    found.append(mention)
        dates = tuple(sorted(found, key=lambda d: (d.start, d.end)))
        return doc.model_copy(update={"dates": dates, "unresolved_dates": unresolved})

    # -- absolute -----------------------------------------------------------------------

    def _resolve_absolute(self, candidate: _Candidate, text: str) -> Resolved | None:
        groups = {k: v for k, v in candidate.match.groupdict().items() if v is not None}
        if candidate.kind == "year_range":
            return self._year_range(groups, text, candidate)
        if candidate.kind == "quarter":
            quarter = int(groups["q"]) if "q" in groups else _ORDINALS[groups["qw"].lower()]
            if not self._year_ok(groups["y"]):
                return None
            return Resolved(f"{groups['y']}-{3 * quarter - 2:02d}", f"{groups['y']}-{3 * quarter:02d}", "month")
        if candidate.kind == "decade":
            decade = int(groups["dec"])
            if not (self._year_ok(str(decade)) and self._year_ok(str(decade + 9))):
                return None
            return Resolved(f"{decade:04d}", f"{decade + 9:04d}", "year")
        if candidate.kind == "month_range":
            first = self._parse(f"{groups.get('m1') or groups['m1b']} {groups['y']}", "month")
            last = self._parse(f"{groups['m2']} {groups['y']}", "month")
            if first is None or last is None or last <= first:
                return None
            return Resolved(first, last, "month")
        if candidate.kind == "range":
            month_first = groups.get("m1") or groups["m2"]
            first = self._parse(f"{groups['d1']} {month_first} {groups['y']}", "day")
            last = self._parse(f"{groups['d2']} {groups.get('m2') or month_first} {groups['y']}", "day")
            if first is None or last is None or last <= first:
                return None
            return Resolved(first, last, "day")
        if "fy" in groups or "fy2" in groups:
            year = self._full_year(groups.get("fy") or groups["fy2"])
            return Resolved(f"{year:04d}", None, "year") if self._year_ok(str(year)) else None
        if "iso" in groups:
            return self._day(int(groups["y"]), int(groups["mo"]), int(groups["d"]))
        if "n1" in groups:
            return self._numeric(int(groups["n1"]), int(groups["n2"]), groups["n3"], day_first=False)
        if "dot1" in groups:
            return self._numeric(int(groups["dot1"]), int(groups["dot2"]), groups["n3"], day_first=True)
        if "m" not in groups:
            if not self._year_ok(groups["y"]):
                return None
            if "part" not in groups and not year_by_context(
                text, candidate.start, candidate.end, self.config.round_count_multiple, self._years
            ):
                return None
            return Resolved(groups["y"], None, "year")
        precision: Precision = "day" if "d" in groups else "month"
        parts = [groups.get("d", ""), groups["m"], groups["y"]]
        value = self._parse(" ".join(p for p in parts if p), precision)
        return Resolved(value, None, precision) if value is not None else None

    def _year_range(self, groups: dict[str, str], text: str, candidate: _Candidate) -> Resolved | None:
        first = groups.get("y1a") or groups.get("y1b") or groups.get("y1c") or groups["y1d"]
        if "y2d" in groups:
            # "1998-99", "1999-00": the second year is the next one that ends in those digits.
            century = int(first) - int(first) % 100
            second = century + int(groups["y2d"]) + (100 if century + int(groups["y2d"]) <= int(first) else 0)
            last = f"{second:04d}"
            plausible = year_by_context(
                text, candidate.start, candidate.end, self.config.round_count_multiple, self._years
            )
        else:
            last = groups.get("y2a") or groups.get("y2b") or groups["y2c"]
            plausible = not reads_as_count(text, candidate.start, candidate.end)
        if not (plausible and self._year_ok(first) and self._year_ok(last)) or last <= first:
            return None
        return Resolved(first, last, "year")

    def _numeric(self, first: int, second: int, year_digits: str, day_first: bool) -> Resolved | None:
        """A numeric date; when the configured order gives no valid day, the other order is tried."""
        year = self._full_year(year_digits)
        day_first = day_first or self.config.date_order == "DMY"
        readings = [(second, first), (first, second)] if day_first else [(first, second), (second, first)]
        for month, day in readings:
            resolved = self._day(year, month, day)
            if resolved is not None:
                return resolved
        return None

    def _full_year(self, digits: str) -> int:
        """A year from four digits, or from two: below the pivot in this century, else the last."""
        if len(digits) == 4:
            return int(digits)
        two = int(digits)
        return 2000 + two if two < self.config.two_digit_year_pivot else 1900 + two

    def _day(self, year: int, month: int, day: int) -> Resolved | None:
        if not (self._year_ok(str(year)) and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
            return None
        return Resolved(f"{year:04d}-{month:02d}-{day:02d}", None, "day")

    def _parse(self, expression: str, precision: Precision) -> str | None:
        """Parse an absolute expression with dateparser and cut the value to `precision`."""
        parsed = _plain_english_date(expression) if self.config.languages == ("en",) else None
        if parsed is None:
            parsed = _parse_cached(self._parser, expression)
        if parsed is None or not self._year_ok(str(parsed.year)):
            return None
        return _iso(parsed, precision)

    @property
    def _years(self) -> tuple[int, int]:
        return self.config.min_year, self.config.max_year

    def _year_ok(self, year: str) -> bool:
        return self.config.min_year <= int(year) <= self.config.max_year

    # -- relative -----------------------------------------------------------------------

    def _resolve_relative(
        self, candidate: _Candidate, text: str, anchor: DateMention, in_text: bool
    ) -> DateMention | None:
        if not self._year_ok(anchor.value[:4]):
            return None  # an anchor outside the years a text can name gives nothing in them either
        groups = {k: v.lower() for k, v in candidate.match.groupdict().items() if v is not None}
        tense: Tense | None = None
        if (candidate.kind == "yearless" or "weekday" in groups) and not {"which", "rel"} & groups.keys():
            tense = tense_near(text, candidate.start, candidate.end, self.config.tense_window_words)
        if "week" in groups:
            resolved = calendar_week(_YEAR_SHIFT[groups["which"]], anchor)
        elif candidate.kind == "yearless":
            # A story's own date sets the year of what follows it; the date of writing does not.
            window = None if in_text else self.config.months_ahead_without_tense
            month = _MONTHS[(groups.get("m") or groups["m2"]).rstrip(".")]
            reading = Reading(
                which=tuple(groups.get("which", "").split()),
                year_shift=_YEAR_SHIFT[groups["rel"]] if "rel" in groups else None,
                weekday=groups.get("wd"),
            )
            resolved = yearless(month, _day_number(groups.get("d")), anchor, reading, tense, window)
            if resolved is not None and "d2" in groups:
                last_month = _MONTHS[groups["m2"].rstrip(".")] if "m2" in groups else month
                resolved = range_end(resolved, last_month, int(_day_number(groups["d2"]) or 0))
        elif "weekday" in groups:
            resolved = weekday_near(
                groups["weekday"], groups.get("which", ""), anchor, tense, self.config.weekday_default
            )
        else:
            resolved = _shift(groups, anchor)
        if resolved is None or not self._year_ok(resolved.value[:4]):
            return None
        return resolved.mention(text, candidate.start, candidate.end, anchor=anchor.text)


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
# "the March of Dimes", "the May Department Stores": a bare month that starts a name.
_NAME_AFTER_MONTH = re.compile(r"\s+(?:of\s+(?:the\s+)?[A-Z]|[A-Z][a-z])")
# A lower-case word that is not a preposition or conjunction: what an attributive month modifies.
_NOUN_AFTER = re.compile(r"[^\S\n]+(?!(?:of|for|to|on|in|at|by|with|from|and|or|against|through)\b)[a-z]")


def _names_something(candidate: _Candidate, text: str) -> bool:
    """Tell whether a bare month ("the March", "in May") is the start of a name rather than a date."""
    groups = candidate.match.groupdict()
    if candidate.kind != "yearless" or groups.get("d") or groups.get("rel"):
        return False
    following = text[candidate.end : candidate.end + 12]
    if following.startswith((" of", "\nof")):
        return _NAME_AFTER_MONTH.match(following) is not None
    cue = (groups.get("cue") or "").strip().lower()
    # "a June agreement" is a date; "a March for jobs" is a march.
    if cue in ("a", "an") and not _NOUN_AFTER.match(following):
        return True
    # A capitalized word right after "the March" names something; after "in March" it starts a clause.
    return cue in ("the", "a", "an") and _NAME_AFTER_MONTH.match(following) is not None


def _candidates(text: str) -> Iterator[_Candidate]:
    """Yield non-overlapping candidate spans, longest first at each position."""
    matches: list[_Candidate] = []
    for start, end in paragraph_spans(text):
        # Most paragraphs have no month, year or relative word at all; the twenty patterns
        # scanned every character of them, half of this stage's time.
        present = {name for name, feature in _FEATURES.items() if feature.search(text, start, end)}
        for pattern in _PATTERNS:
            if not pattern.needs <= present:
                continue
            for match in pattern.regex.finditer(text, start, end):
                # A cue word makes the match a date but is not part of the expression.
                begin = match.end("cue") if match.groupdict().get("cue") else match.start()
                matches.append(_Candidate(pattern.kind, begin, match.end(), match))
    for candidate in longest_first(matches):
        # "every Monday", "each year": a set of times, not a date.
        if not _SET_CUE.search(text, max(0, candidate.start - 10), candidate.start):
            yield candidate


def _anchor_in_text(absolutes: list[DateMention], text: str, position: int) -> DateMention | None:
    """The nearest absolute date before `position`, preferring one that is not attributive."""
    earlier = [d for d in absolutes if d.end <= position]
    for date in reversed(earlier):
        # "the June 2010 summit" names an event, not the time the story has reached.
        if not re.search(r"\b(?:the|a|an)\s+$", text[max(0, date.start - 6) : date.start], re.IGNORECASE):
            return date
    return earlier[-1] if earlier else None


def _shift(groups: dict[str, str], anchor: DateMention) -> Resolved | None:
    """Apply a relative expression to its anchor, keeping only the precision it can have."""
    if "word" in groups:
        days = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "last night": -1}
        unit, count = "day", days[" ".join(groups["word"].split())]
    else:
        unit = groups["unit"].rstrip("s")
        which = groups.get("which", "ago")
        magnitude = _NUMBER_WORDS.get(groups.get("count", "1")) or int(groups.get("count", "1"))
        sign = -1 if which in ("last", "previous", "preceding", "prior", "before", "earlier", "ago") else 1
        count = 0 if which in ("this", "current") else sign * magnitude
    base_value = anchor.end_value if count > 0 and anchor.end_value else anchor.value
    return offset(base_value, anchor.precision, unit, count)


def _day_number(day: str | None) -> int | None:
    """The number of a day of the month as written ("3rd" is 3)."""
    return int(re.sub(r"\D", "", day)) if day else None


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


# What the English patterns hand to dateparser: "[day] month year", the month as `MONTH`
# matches it ("14 Nov. 2011", "3rd September 1998", "November 2011").
_PLAIN_DATE = re.compile(rf"(?:(?P<d>0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)? )?(?P<m>{_MONTH}) (?P<y>{_YEAR})")


def _plain_english_date(expression: str) -> dt.datetime | None:
    """The date a "[day] month year" expression names, as English-only dateparser reads it; None for others.

    For these expressions dateparser's answer is the calendar date itself, the first of the
    month without a day (`PREFER_DAY_OF_MONTH`), whatever `DATE_ORDER` (tests/test_dates_plain.py
    compares them for every month form and day); its first call costs about 0.3 s of set-up
    a process (time-zone and locale patterns), more than all the English dates of a batch.
    A day the month does not have is left to dateparser.
    """
    match = _PLAIN_DATE.fullmatch(expression)
    if match is None:
        return None
    try:
        return dt.datetime(int(match["y"]), _MONTHS[match["m"].rstrip(".").lower()], int(match["d"] or 1))
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def _parse_cached(parser: DateDataParser, expression: str) -> dt.datetime | None:
    result = parser.get_date_data(re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", expression)).date_obj
    return result if isinstance(result, dt.datetime) else None
