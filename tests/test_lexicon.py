"""The shared lexicon: one definition of months, weekdays, locative words and postal codes."""

from __future__ import annotations

import re

from pipeline.lexicon import LOCATIVE_WORD, MONTH, MONTH_NAME, MONTH_NUMBERS, MONTH_PREFIX, US_POSTAL_CODE, WEEKDAY


def test_months_are_read_in_full_and_abbreviated_capitalized_only() -> None:
    month = re.compile(rf"\b{MONTH}(?!\w)")
    assert [m.group() for m in month.finditer("Sept. 4, Dec 5, May 6 and March; may march on")] == [
        "Sept.",
        "Dec",
        "May",
        "March",
    ]
    assert MONTH_NUMBERS["sept"] == MONTH_NUMBERS["september"] == 9
    assert sorted(set(MONTH_NUMBERS.values())) == list(range(1, 13))
    assert re.fullmatch(MONTH_NAME, "November") and not re.fullmatch(MONTH_NAME, "Nov")
    assert re.fullmatch(rf"{MONTH_PREFIX}[a-z]*", "Augusts") and not re.fullmatch(MONTH_PREFIX, "Sept")


def test_weekdays_locative_words_and_postal_codes() -> None:
    assert re.fullmatch(WEEKDAY, "Thursday") and not re.fullmatch(WEEKDAY, "thursday")
    locative = re.compile(rf"\b(?:{LOCATIVE_WORD})$")
    assert all(locative.search(word) for word in ("in", "In", "visiting", "Throughout", "near"))
    assert not locative.search("inside")
    code = re.compile(US_POSTAL_CODE)
    assert [bool(code.fullmatch(c)) for c in ("OH", "N.Y.", "D.C.", "Ohio", "OHIO")] == [True, True, True, False, False]
