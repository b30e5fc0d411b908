"""The English date stage reads "[day] month year" itself, with dateparser's answers."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from pipeline.lexicon import MONTHS
from pipeline.stages.dates import _date_parser, _plain_english_date

# Every way `MONTH` writes a month: "November", "Nov", "Nov.", "Sept.", "Sep" ...
_MONTH_FORMS = [
    (form, number)
    for number, (name, abbreviations) in enumerate(MONTHS, start=1)
    for form in (name, *abbreviations, *(a + "." for a in abbreviations))
]
_DAYS = [*map(str, range(1, 32)), *(f"0{day}" for day in range(1, 10))]


@pytest.mark.parametrize("order", ["MDY", "DMY", "YMD"])
@pytest.mark.parametrize("year", [1900, 2012])  # not leap, leap
def test_every_plain_date_reads_as_dateparser_reads_it(order: str, year: int) -> None:
    parser = _date_parser(("en",), order)
    for (month, number), day in itertools.product(_MONTH_FORMS, _DAYS[:: 1 if order == "MDY" else 5]):
        expression = f"{day} {month} {year}"
        ours = _plain_english_date(expression)
        theirs = parser.get_date_data(expression).date_obj
        if ours is None:  # a day the month does not have: left to dateparser, which reads none either
            assert theirs is None and not _exists(year, number, int(day)), expression
        else:
            assert ours == theirs == dt.datetime(year, number, int(day)), expression
    for month, number in _MONTH_FORMS:
        theirs = parser.get_date_data(f"{month} {year}").date_obj
        assert _plain_english_date(f"{month} {year}") == theirs == dt.datetime(year, number, 1)


def test_ordinal_days_and_other_shapes() -> None:
    assert _plain_english_date("3rd Sept. 1998") == dt.datetime(1998, 9, 3)
    assert _plain_english_date("29 Feb 2013") is None  # no such day: dateparser decides
    # Not this shape, so dateparser reads them: lower case, no year, two spaces, a weekday.
    for expression in ("14 november 2011", "14 November", "14  November 2011", "Monday 14 November 2011"):
        assert _plain_english_date(expression) is None


def _exists(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True
