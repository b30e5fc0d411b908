"""Calendar arithmetic of the date stage: which year, week or month a relative expression means.

Pure functions of numbers and an anchor (the date stage reads the words and passes what
they say): the year of a month or day named without one, the week of a weekday, the
month of a calendar week, and offsets by days, weeks, months or years.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from pipeline.records import DateMention, Precision
from pipeline.stages.date_context import Tense


@dataclass(frozen=True)
class Resolved:
    """A normalized value: ISO at its precision, with the end of a range."""

    value: str
    end_value: str | None
    precision: Precision

    def mention(self, text: str, start: int, end: int, anchor: str | None) -> DateMention:
        """The mention of `text[start:end]` with this value; relative when it has an anchor."""
        return DateMention(
            text=text[start:end],
            start=start,
            end=end,
            value=self.value,
            precision=self.precision,
            end_value=self.end_value,
            relative=anchor is not None,
            anchor=anchor,
        )


@dataclass(frozen=True)
class Reading:
    """What the words of a yearless date say besides its month and day."""

    # "last", "next", "this", "this coming", "this past": which occurrence.
    which: tuple[str, ...] = ()
    # "June this year" (0), "July last year" (-1).
    year_shift: int | None = None
    # "Saturday, April 25": the weekday named with the day, lower case.
    weekday: str | None = None


def yearless(
    month: int,
    day: int | None,
    anchor: DateMention,
    reading: Reading,
    tense: Tense | None,
    window: int | None,
) -> Resolved | None:
    """A month or day without a year: the occurrence its "last"/"next", its tense or its nearness picks.

    Read as HeidelTime reads news: in a past clause the latest such month on or before the
    anchor's month, in a future one the earliest on or after it; with neither, the coming
    one if it is at most `window` months ahead, else the last one (None: the anchor's year). A weekday named with the day ("Saturday, April
    25") picks the year in which that day falls on it.
    """
    year = int(anchor.value[:4])
    last_word = reading.which[-1] if reading.which else ""
    if reading.year_shift is not None:
        year += reading.year_shift
    elif anchor.precision != "year":
        # Days are compared only when both sides have one: "in March" is neither before nor after 10 March.
        both_days = anchor.precision == "day" and day is not None
        here = (int(anchor.value[5:7]), int(anchor.value[8:10]) if both_days else 0)
        there = (month, day if day is not None and both_days else 0)
        if last_word in ("last", "past"):
            year -= there >= here
        elif last_word in ("next", "coming"):
            year += there <= here
        elif last_word:  # "this June"
            pass
        elif reading.weekday and day is not None:
            year = year_of_weekday(year, month, day, reading.weekday) or year
        # A tense compares months only, as HeidelTime does: "was extended to Nov. 20", written
        # on 2 November, is this November's 20th.
        elif tense == "past":
            year -= month > here[0]
        elif tense == "future":
            year += month < here[0]
        elif window is not None:
            ahead = (month - here[0]) % 12
            year += (month < here[0]) if ahead <= window else -(month > here[0])
    if day is None:
        return Resolved(f"{year:04d}-{month:02d}", None, "month")
    if day > calendar.monthrange(year, month)[1]:
        return None
    return Resolved(f"{year:04d}-{month:02d}-{day:02d}", None, "day")


def range_end(start: Resolved, month: int, day: int) -> Resolved | None:
    """`start` (a day) made a range ending on month/day: in its year, or the next when that comes first."""
    year = int(start.value[:4])
    if (month, day) <= (int(start.value[5:7]), int(start.value[8:10])):
        year += 1  # "Dec. 30 - Jan. 2"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return Resolved(start.value, f"{year:04d}-{month:02d}-{day:02d}", "day")


def year_of_weekday(year: int, month: int, day: int, weekday: str) -> int | None:
    """The one year next to `year` in which month/day falls on `weekday` ("Saturday, April 25")."""
    target = list(calendar.day_name).index(weekday.capitalize())
    fits = [
        y
        for y in (year, year - 1, year + 1)
        if day <= calendar.monthrange(y, month)[1] and calendar.weekday(y, month, day) == target
    ]
    return fits[0] if fits else None


def weekday_near(name: str, which: str, anchor: DateMention, tense: Tense | None, default: str) -> Resolved | None:
    """The named weekday in the week its "last"/"next" or the tense of its clause points at.

    "last Friday" is before the anchor day, "next Friday" after it; "this Friday" and a
    weekday in a future clause on or after it; in a past clause, or with no sign (news
    reports what happened), on or before it, unless `default` is "nearest".
    """
    if anchor.precision != "day":
        return None  # a weekday of an unknown week has no day to give
    base = dt.date.fromisoformat(anchor.value)
    target = list(calendar.day_name).index(name.capitalize())
    ahead = (target - base.weekday()) % 7  # days to the next one, 0 on the day itself
    words = which.split()
    if words == ["next"]:
        shift = ahead or 7
    elif words[-1:] in (["last"], ["past"]):
        shift = ahead - 7
    elif words or tense == "future":  # "this", "coming", "this coming"
        shift = ahead
    elif tense == "past" or default == "past":
        shift = ahead - 7 if ahead else 0
    else:
        shift = ahead if ahead <= 3 else ahead - 7
    return Resolved((base + dt.timedelta(days=shift)).isoformat(), None, "day")


def calendar_week(weeks: int, anchor: DateMention) -> Resolved | None:
    """The month of the Monday-to-Sunday week `weeks` from the anchor's ("last week": -1), or the two it straddles.

    A week has no value at year, month or day precision; its month is what can be known.
    """
    if anchor.precision != "day":
        return None
    base = dt.date.fromisoformat(anchor.value)
    monday = base - dt.timedelta(days=base.weekday()) + dt.timedelta(weeks=weeks)
    first, last = monday.isoformat()[:7], (monday + dt.timedelta(days=6)).isoformat()[:7]
    return Resolved(first, last if last != first else None, "month")


def offset(value: str, precision: Precision, unit: str, count: int) -> Resolved | None:
    """Move `value` by `count` units, keeping only the precision the result can have."""
    year = int(value[:4])
    month = int(value[5:7]) if len(value) >= 7 else 1
    day = int(value[8:10]) if len(value) >= 10 else 1
    if unit == "year":
        return Resolved(f"{year + count:04d}", None, "year")
    if unit == "month":
        if precision == "year":
            return None if count else Resolved(f"{year:04d}", None, "year")
        index = year * 12 + (month - 1) + count
        return Resolved(f"{index // 12:04d}-{index % 12 + 1:02d}", None, "month")
    if unit == "week":
        if precision != "day":
            return None
        shifted = dt.date(year, month, day) + dt.timedelta(weeks=count)
        return Resolved(shifted.isoformat(), None, "day")
    if precision == "day":
        shifted = dt.date(year, month, day) + dt.timedelta(days=count)
        return Resolved(shifted.isoformat(), None, "day")
    # A day counted from a month or a year: the true day cannot be known, only the anchor's span.
    return Resolved(value, None, precision)
