"""Dates: spans, precision, ranges, anchoring, and no dates from ordinary words."""

from __future__ import annotations

import pytest
from conftest import make_source

from pipeline.config import PipelineConfig
from pipeline.document import Document
from pipeline.records import DateMention
from pipeline.stages.registry import build_stage

EXTRACTOR = build_stage("dates", PipelineConfig())


def _dates(text: str, document_date: str | None = None) -> list[DateMention]:
    doc = Document(
        id="t", source=make_source(text), content=text, content_format="text", text=text, document_date=document_date
    )
    found = list(EXTRACTOR(doc).dates)
    for date in found:
        assert text[date.start : date.end] == date.text
    return found


def _values(text: str, document_date: str | None = None) -> list[tuple[str, str, str | None, str]]:
    return [(d.text, d.value, d.end_value, d.precision) for d in _dates(text, document_date)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It began in July 2009.", [("July 2009", "2009-07", None, "month")]),
        ("Launched in May of 2011.", [("May of 2011", "2011-05", None, "month")]),
        (
            "On 14 November 2011 and on Nov. 15, 2011.",
            [("14 November 2011", "2011-11-14", None, "day"), ("Nov. 15, 2011", "2011-11-15", None, "day")],
        ),
        ("Signed on Tuesday, November 14, 2011.", [("Tuesday, November 14, 2011", "2011-11-14", None, "day")]),
        ("On the 3rd of March 2001.", [("the 3rd of March 2001", "2001-03-03", None, "day")]),
        (
            "ISO 2011-11-14, US 11/14/2011.",
            [("2011-11-14", "2011-11-14", None, "day"), ("11/14/2011", "2011-11-14", None, "day")],
        ),
        ("Held 14-15 November 2011.", [("14-15 November 2011", "2011-11-14", "2011-11-15", "day")]),
        ("From November 14-16, 2011.", [("November 14-16, 2011", "2011-11-14", "2011-11-16", "day")]),
        ("Open June-August 2011.", [("June-August 2011", "2011-06", "2011-08", "month")]),
        ("Built between 2009 and 2010.", [("between 2009 and 2010", "2009", "2010", "year")]),
        ("The 2009-2010 season.", [("2009-2010", "2009", "2010", "year")]),
        ("Summits held in 2009 and 2010.", [("2009", "2009", None, "year"), ("2010", "2010", None, "year")]),
    ],
)
def test_absolute_dates(text: str, expected: list[tuple[str, str, str | None, str]]) -> None:
    assert _values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Help Now",
        "Select a Country. Female Male. Missing within Year(s).",
        "He may march on Sunday mornings.",
        "It cost $2000 and 2000 people came; call 555-2010.",
        "The meeting lasted six days at 3 p.m. every week.",
        "Room 1999, page 2010-11 of the report.",
        "31 February 2011 is not a day.",
    ],
)
def test_no_date_from_ordinary_words(text: str) -> None:
    assert _dates(text) == []


def test_deictic_expressions_use_the_document_date() -> None:
    found = _dates("Yesterday the board met; last year it did not. Two weeks ago it rained.", "1998-02-10")
    assert [(d.text, d.value, d.precision, d.anchor) for d in found] == [
        ("Yesterday", "1998-02-09", "day", "1998-02-10"),
        ("last year", "1997", "year", "1998-02-10"),
        ("Two weeks ago", "1998-01-27", "day", "1998-02-10"),
    ]
    assert all(d.relative for d in found)


def test_anaphoric_expressions_use_the_story_date_not_attributive_ones() -> None:
    text = "In October 2010, they met to plan the June 2010 summit. The following day, a second meeting began."
    following = _dates(text, "2015-01-01")[-1]
    assert (following.text, following.anchor, following.value, following.precision) == (
        "The following day",
        "October 2010",
        "2010-10",
        "month",
    )


def test_day_offsets_from_a_day_and_a_range() -> None:
    found = _dates("It was held 14-15 November 2011; they met the day before and again the day after.")
    assert [(d.text, d.value) for d in found[1:]] == [("the day before", "2011-11-13"), ("the day after", "2011-11-16")]


def test_relative_without_anchor_is_left_out() -> None:
    assert _dates("The following day it rained; yesterday too.") == []


def test_yearless_dates_take_the_anchor_year() -> None:
    found = _dates("On March 5 the council met, and again in January.", "1998-06-01")
    assert [(d.text, d.value, d.precision, d.relative) for d in found] == [
        ("March 5", "1998-03-05", "day", True),
        ("January", "1998-01", "month", True),
    ]


def test_output_never_depends_on_the_clock() -> None:
    text = "In January, 14 November, and yesterday."
    assert _dates(text) == []  # nothing to anchor to: no value from today


def test_weekdays_count_from_the_document_date() -> None:
    # 1998-08-07 was a Friday.
    found = _dates(
        "Bombs exploded Friday; on Tuesday police came; last Friday it was calm; next Monday they leave.", "1998-08-07"
    )
    assert [(d.text, d.value) for d in found] == [
        ("Friday", "1998-08-07"),
        ("Tuesday", "1998-08-04"),
        ("last Friday", "1998-07-31"),
        ("next Monday", "1998-08-10"),
    ]


def test_weekdays_need_a_day_to_count_from() -> None:
    assert _dates("It opened in May 2011 and on Friday it closed.")[1:] == []


def test_sets_and_numbered_things_are_not_dates() -> None:
    assert _values("The office opens every Monday and each Friday; it opened on Tuesday.", "2012-06-15") == [
        ("Tuesday", "2012-06-12", None, "day")
    ]
    assert _values("See page 1999 and room 2010 of the report published in 1998.") == [("1998", "1998", None, "year")]


def test_relatives_with_no_anchor_are_left_out_and_counted() -> None:
    text = "Yesterday the talks began. The following day they ended. On 14 May 2010 a deal came; the next day, a vote."
    doc = Document(id="t", source=make_source(text), content=text, content_format="text", text=text)
    doc = EXTRACTOR(doc)
    assert [(d.text, d.value) for d in doc.dates] == [("14 May 2010", "2010-05-14"), ("the next day", "2010-05-15")]
    assert doc.unresolved_dates == 2  # "Yesterday" and "The following day": no document date, no earlier date
    dated = EXTRACTOR(doc.model_copy(update={"document_date": "2010-06-01"}))
    assert dated.unresolved_dates == 0
