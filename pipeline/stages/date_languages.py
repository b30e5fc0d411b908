"""Dates of a page in another language: its month names, its date order, dateparser in its language.

The date stage's patterns know English month names and English words ("last June", "the
following day"). A page detected as French, German, Spanish... that dateparser knows is
read here instead, with patterns built once per language from dateparser's own locale
data (`pipeline.stages.languages.month_names`, `date_reading`), so no language has a hand list:

- a day, a month name and a year: "12 mars 2020", "3. Oktober 2021", "5 de mayo de 2019",
  "1er avril 2020", "3. Okt. 2021" (and month-day-year in languages that write it so), and
  ranges of days joined by a dash ("14.-16. Oktober 2021", "30 juin - 2 juillet 2020");
- a month name and a year: "März 2020", "octubre de 2019";
- a day and a month name without a year ("am 3. Oktober"): the year is the anchor's
  nearest one (the coming month if at most `months_ahead_without_tense` ahead, else the
  last), by distance alone, since the tense of a clause is read in English only;
- numeric dates: ISO (2021-10-03), and 3.10.2021, 3/10/2021, 3-10-2021 read in the
  language's date order (dots are day-first, as in English pages).

Words that join a day, a month and a year ("de" in Spanish and Portuguese) are the
language's short `skip` words in dateparser's data. Expressions with a month name are
parsed by dateparser in the page's language with pinned settings (a fixed relative base:
the clock is never read); the precision is the parts the expression has.

Relative expressions ("gestern", "la semaine dernière"), ranges joined by words ("du 14 au
16 octobre"), quarters and decades are not read in other languages: their words would need
a grammar per language. The date stage
keeps its own absolute dates that overlap none of these (`merged`): bare years by the signs
that are not words ("(2017)"), and English dates quoted on the page.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from dateparser.date import DateDataParser
from dateparser.languages.loader import default_loader

from pipeline.config import DatesConfig
from pipeline.records import DateMention, Precision
from pipeline.stages.date_arithmetic import Reading, Resolved, yearless
from pipeline.stages.date_spans import longest_first, paragraph_spans
from pipeline.stages.languages import date_reading, month_names

_DAY = r"(?P<d>[12]\d|3[01]|0?[1-9])"
# What follows a day number: "3." (German, Nordic...), "1º", "1er", "1st": an ordinal mark.
_DAY_MARK = r"(?:\.|[ºª°]|[^\W\d_]{1,2}(?=\s))?"
_YEAR = r"(?P<y>\d{4})"
# A skip word of at most this many letters can join the parts of a date ("de", "del").
_MAX_JOINING_LETTERS = 3
_TIME = r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DIGIT = re.compile(r"\d")

Shape = Literal["range", "day_month_year", "month_year", "day_month", "numeric"]


@dataclass(frozen=True)
class LanguagePatterns:
    """The compiled date patterns of one language, and how it orders numeric dates."""

    code: str
    date_order: str
    patterns: tuple[tuple[Shape, re.Pattern[str]], ...]
    month_of: dict[str, int]


def _alternation(names: list[str]) -> str:
    # Longest first: "märz" before "mär", so the whole name is taken.
    return "|".join(re.escape(name) for name in sorted(set(names), key=lambda n: (-len(n), n)))


def _is_abbreviation(name: str, names: tuple[str, ...]) -> bool:
    """A name is an abbreviation when it starts another name of the same month ("mär" of "märz")."""
    folded = name.casefold()
    return any(other.casefold() != folded and other.casefold().startswith(folded) for other in names)


def _joining_words(code: str) -> list[str]:
    info = default_loader.get_locale(code).info
    skip = info.get("skip", ())
    return [w for w in skip if isinstance(w, str) and w.isalpha() and len(w) <= _MAX_JOINING_LETTERS]


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.-]){pattern}(?![\w]|[-/.]\d)")


@functools.cache
def language_patterns(code: str, default_languages: tuple[str, ...]) -> LanguagePatterns | None:
    """The date patterns of language `code`, or None when the configured patterns read it.

    None also for a language dateparser does not know, or whose month names are not words
    separated by spaces (Chinese and Japanese write "3月"): those pages keep the configured reading.
    """
    reading = date_reading(code, default_languages, "MDY")
    if reading.languages == default_languages:
        return None
    # Names that are words: "3月" (Chinese, Japanese) is not a word a pattern can bound.
    months = tuple(tuple(n for n in names if re.fullmatch(r"[^\W\d_]+", n)) for names in month_names(code))
    if not all(months):
        return None
    month_of = {name.casefold(): number for number, names in enumerate(months, 1) for name in names}
    every = _alternation(list(month_of))
    # A month and a year alone: a full name, or an abbreviation with its period ("Okt. 2021").
    full = [name.casefold() for names in months for name in names if not _is_abbreviation(name, names)]
    shorts = [name.casefold() for names in months for name in names if _is_abbreviation(name, names)]
    named = (
        rf"(?:(?P<m>{_alternation(full)})|(?P<ms>{_alternation(shorts)})\.)"
        if shorts
        else rf"(?P<m>{_alternation(full)})"
    )
    joining = _joining_words(code)
    join = rf"(?:\s+(?:{'|'.join(re.escape(w) for w in joining)}))?" if joining else ""
    month = rf"(?i:(?P<m>{every}))\.?"
    patterns: list[tuple[Shape, re.Pattern[str]]] = [
        # "14.–16. Oktober 2021", "30 juin - 2 juillet 2020": a dash joins the days in any language.
        (
            "range",
            _compile(
                rf"(?P<d1>[12]\d|3[01]|0?[1-9]){_DAY_MARK}(?:\s+(?i:(?P<m1>{every}))\.?)?\s*[-–—]\s*"
                rf"{_DAY}{_DAY_MARK}{join}\s+{month}{join},?\s+{_YEAR}"
            ),
        ),
        ("day_month_year", _compile(rf"{_DAY}{_DAY_MARK}{join}\s+{month}{join},?\s+{_YEAR}")),
        ("month_year", _compile(rf"(?i:{named}){join},?\s+{_YEAR}")),
        ("day_month", _compile(rf"{_DAY}{_DAY_MARK}{join}\s+(?i:(?P<m>{_alternation(full)}))(?!\s*,?\s*\d)")),
        ("numeric", _compile(rf"(?P<iso>(?P<iy>\d{{4}})-(?P<imo>0[1-9]|1[0-2])-(?P<id>0[1-9]|[12]\d|3[01])){_TIME}")),
        ("numeric", _compile(r"(?P<n1>\d{1,2})(?P<sep>[./-])(?P<n2>\d{1,2})(?P=sep)(?P<n3>\d{4})")),
        # A two-digit year with slashes only: "1.2.20" is as often a version or a section.
        ("numeric", _compile(r"(?P<n1>\d{1,2})(?P<sep>/)(?P<n2>\d{1,2})/(?P<yy>\d\d)")),
    ]
    if reading.date_order == "MDY":
        patterns.insert(1, ("day_month_year", _compile(rf"{month}\s+{_DAY}{_DAY_MARK},?\s+{_YEAR}")))
    if reading.date_order == "YMD":
        patterns.append(
            ("numeric", _compile(r"(?P<ymd>(?P<y3>\d{4})(?P<sep>[./])(?P<m3>\d{1,2})(?P=sep)(?P<d3>\d{1,2}))\.?"))
        )
    return LanguagePatterns(code, reading.date_order, tuple(patterns), month_of)


@dataclass(frozen=True)
class _Found:
    shape: Shape
    start: int
    end: int
    match: re.Match[str]


def _candidates(text: str, patterns: LanguagePatterns) -> Iterator[_Found]:
    """Non-overlapping matches, the longest at each position; no date crosses a blank line."""
    found: list[_Found] = []
    for begin, end in paragraph_spans(text):
        if not _DIGIT.search(text, begin, end):
            continue
        for shape, regex in patterns.patterns:
            found.extend(_Found(shape, m.start(), m.end(), m) for m in regex.finditer(text, begin, end))
    return longest_first(found)


def foreign_dates(
    text: str, code: str, config: DatesConfig, document_date: str | None
) -> tuple[tuple[DateMention, ...], int] | None:
    """The dates of `text` written in language `code`, sorted by start, and how many lacked an anchor.

    None when `code` is read by the stage's own patterns (a configured language) or cannot be
    read here (a language dateparser does not know).
    """
    patterns = language_patterns(code, config.languages)
    if patterns is None:
        return None
    parser = _date_parser(code, patterns.date_order)
    mentions: list[DateMention] = []
    unresolved = 0
    for found in _candidates(text, patterns):
        if found.shape == "day_month" and document_date is None:
            unresolved += 1  # as in English: no value without an anchor, and counted
            continue
        resolved = _resolve(found, patterns, parser, config, document_date)
        if resolved is not None and config.min_year <= int(resolved.value[:4]) <= config.max_year:
            # A day and month without a year took its year from the document date.
            anchor = document_date if found.shape == "day_month" else None
            mentions.append(resolved.mention(text, found.start, found.end, anchor))
    return tuple(mentions), unresolved


def merged(own: tuple[DateMention, ...], english: list[DateMention]) -> tuple[DateMention, ...]:
    """The page's dates in its language, with the English patterns' absolute ones that overlap none.

    Where both read the same words ("22. November 2022" and its "November 2022"), the
    language's reading wins: it has the longer span or the page's date order.
    """
    ordered = sorted(
        [(m, 0) for m in own] + [(m, 1) for m in english], key=lambda item: (item[0].start, -item[0].end, item[1])
    )
    kept: list[DateMention] = []
    for mention, _ in ordered:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return tuple(kept)


def _resolve(
    found: _Found, patterns: LanguagePatterns, parser: DateDataParser, config: DatesConfig, document_date: str | None
) -> Resolved | None:
    groups = {k: v for k, v in found.match.groupdict().items() if v is not None}
    if "iso" in groups:
        return _day(int(groups["iy"]), int(groups["imo"]), int(groups["id"]))
    if "ymd" in groups:
        return _day(int(groups["y3"]), int(groups["m3"]), int(groups["d3"]))
    if "n1" in groups:
        first, second = int(groups["n1"]), int(groups["n2"])
        day_first = groups["sep"] == "." or patterns.date_order != "MDY"
        day, month = (first, second) if day_first else (second, first)
        if "yy" in groups:
            # Below the pivot in this century, else the last (`dates.two_digit_year_pivot`).
            two = int(groups["yy"])
            return _day(2000 + two if two < config.two_digit_year_pivot else 1900 + two, month, day)
        return _day(int(groups["n3"]), month, day)
    name = groups.get("m") or groups["ms"]
    if found.shape == "day_month":
        if document_date is None:
            return None
        precision_of: dict[int, Precision] = {4: "year", 7: "month"}
        anchor = DateMention(
            text=document_date,
            start=0,
            end=len(document_date),
            value=document_date,
            precision=precision_of.get(len(document_date), "day"),
        )
        month = patterns.month_of[name.casefold()]
        day = int(groups["d"])
        if day > calendar.monthrange(2000, month)[1]:
            return None
        return yearless(month, day, anchor, Reading(), None, config.months_ahead_without_tense)
    if found.shape == "range":
        begins = _parse(parser, f"{groups['d1']} {groups.get('m1') or name} {groups['y']}")
        ends = _parse(parser, f"{groups['d']} {name} {groups['y']}")
        if begins is None or ends is None or ends <= begins:
            return None
        return Resolved(begins.date().isoformat(), ends.date().isoformat(), "day")
    precision: Precision = "day" if "d" in groups else "month"
    expression = " ".join(part for part in (groups.get("d"), name, groups["y"]) if part)
    parsed = _parse(parser, expression)
    if parsed is None:
        return None
    value = parsed.date().isoformat() if precision == "day" else f"{parsed.year:04d}-{parsed.month:02d}"
    return Resolved(value, None, precision)


def _day(year: int, month: int, day: int) -> Resolved | None:
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    return Resolved(f"{year:04d}-{month:02d}-{day:02d}", None, "day")


@functools.cache
def _date_parser(code: str, date_order: str) -> DateDataParser:
    settings = {
        # Never the clock: complete expressions only, against a fixed base.
        "RELATIVE_BASE": dt.datetime(2000, 1, 1),
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": date_order,
        "PARSERS": ["absolute-time"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    return DateDataParser(languages=[code], settings=settings)


@functools.lru_cache(maxsize=65536)
def _parse(parser: DateDataParser, expression: str) -> dt.datetime | None:
    result = parser.get_date_data(expression).date_obj
    return result if isinstance(result, dt.datetime) else None
