"""Dates: spans, precision, ranges, anchoring, and no dates from ordinary words."""

from __future__ import annotations

import pytest
from conftest import make_source

from pipeline.config import DatesConfig, PipelineConfig
from pipeline.document import Document
from pipeline.evaluation.temporal import FoundDate, Tally
from pipeline.records import DateMention
from pipeline.stages.date_context import tense_near
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


# -- the year of a yearless date and the week of a weekday, from tense and distance ------------


@pytest.mark.parametrize(
    ("text", "document_date", "expected"),
    [
        # 2021-05-12 was a Wednesday.
        ("The committee will vote on Friday.", "2021-05-12", ("Friday", "2021-05-14")),
        ("The committee voted on Friday.", "2021-05-12", ("Friday", "2021-05-07")),
        ("The ferry is to sail on Monday.", "2021-05-12", ("Monday", "2021-05-17")),
        ("The strike is expected to end Tuesday.", "2021-05-12", ("Tuesday", "2021-05-18")),
        ("Police said Tuesday that the road had reopened.", "2021-05-12", ("Tuesday", "2021-05-11")),
        ("The museum reopens this coming Sunday.", "2021-05-12", ("this coming Sunday", "2021-05-16")),
        ("They arrived this past Thursday.", "2021-05-12", ("this past Thursday", "2021-05-06")),
        # "be" before a participle: the auxiliary carries the tense ("will be held", not "held").
        ("The final will be held Saturday in Lyon.", "2021-05-12", ("Saturday", "2021-05-15")),
    ],
)
def test_weekdays_take_their_week_from_the_tense_of_their_clause(
    text: str, document_date: str, expected: tuple[str, str]
) -> None:
    assert [(d.text, d.value) for d in _dates(text, document_date)] == [expected]


@pytest.mark.parametrize(
    ("text", "document_date", "expected"),
    [
        ("The orchard flooded in November.", "2017-04-03", ("November", "2016-11", "month")),
        ("The orchard will be replanted in November.", "2017-04-03", ("November", "2017-11", "month")),
        ("The bridge was closed on Aug. 30 for repairs.", "2017-04-03", ("Aug. 30", "2016-08-30", "day")),
        ("The new tariff takes effect next January.", "2017-04-03", ("next January", "2018-01", "month")),
        ("Rents went up last September.", "2017-04-03", ("last September", "2016-09", "month")),
        ("Rents went up last March.", "2017-04-03", ("last March", "2017-03", "month")),
        ("The ferry service stops in early December.", "2017-04-03", ("early December", "2016-12", "month")),
        ("The rebate is payable Jan. 15 to all tenants.", "2017-11-20", ("Jan. 15", "2018-01-15", "day")),
        ("The fair opens in June this year.", "2017-09-01", ("June this year", "2017-06", "month")),
        ("The lease began in July last year.", "2017-04-03", ("July last year", "2016-07", "month")),
        # A tense compares months only: an offer "extended to Nov. 20" on 2 November ends this month.
        ("The offer was extended to Nov. 20.", "2017-11-02", ("Nov. 20", "2017-11-20", "day")),
        # With no tense marker: the coming month when it is near ahead, else the last one.
        ("Rail talks resume in September.", "2017-04-03", ("September", "2017-09", "month")),
        ("Court hearings continue Jan. 9.", "2017-12-27", ("Jan. 9", "2018-01-09", "day")),
        # A weekday given with the day picks the year it fits: 2016-12-24 was a Saturday.
        ("The parade was on Saturday, Dec. 24, downtown.", "2017-04-03", ("Saturday, Dec. 24", "2016-12-24", "day")),
    ],
)
def test_yearless_dates_take_their_year_from_tense_and_distance(
    text: str, document_date: str, expected: tuple[str, str, str]
) -> None:
    assert [(d.text, d.value, d.precision) for d in _dates(text, document_date)] == [expected]


def test_yearless_dates_anchored_in_the_text_follow_the_same_rules() -> None:
    found = _dates("On 3 March 2015 the mill closed. It had been sold in October.")
    assert [(d.text, d.value, d.anchor) for d in found] == [
        ("3 March 2015", "2015-03-03", None),
        ("October", "2014-10", "3 March 2015"),
    ]


# -- when a bare four-digit number is a year --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A 2011 audit found gaps in the records.", [("2011", "2011")]),
        ("His 2006 bid for mayor failed.", [("2006", "2006")]),
        ("The council in 2013 rejected the plan.", [("2013", "2013")]),
        ("Prices should settle by mid-2024.", [("mid-2024", "2024")]),
        ("The summer of 2003 was the hottest on record.", [("2003", "2003")]),
        ("The agency's 1997 report is still cited.", [("1997", "1997")]),
        ("Sales for fiscal 2020 rose 4%.", [("fiscal 2020", "2020")]),
        ("In 1994 and 1995 the river froze.", [("1994", "1994"), ("1995", "1995")]),
    ],
)
def test_a_number_is_a_year_where_its_context_says_so(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(d.text, d.value) for d in _dates(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "The river rose to 1850 millimetres by noon.",
        "The tally climbed to 1900 by evening.",
        "Between 1200 and 1800 runners took part.",
        "Between 1900 and 2000 volunteers signed up.",
        "The hall seats 2000 people and 1850 were there.",
        "Their 2000 members voted on it.",
        "It weighs 1950 kilograms.",
    ],
)
def test_a_number_that_counts_something_is_not_a_year(text: str) -> None:
    assert _dates(text) == []


def test_an_attributive_year_before_a_plural_noun_is_a_year_unless_round() -> None:
    assert _values("The 1987 riots changed the town.") == [("1987", "1987", None, "year")]


# -- formats web pages use --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Updated 2022-06-30T14:05:00Z by staff.", [("2022-06-30T14:05:00Z", "2022-06-30", None, "day")]),
        ("Posted 2022-06-30T14:05:00+02:00.", [("2022-06-30T14:05:00+02:00", "2022-06-30", None, "day")]),
        ("Filed on 7/9/21 at the registry.", [("7/9/21", "2021-07-09", None, "day")]),
        ("Filed on 7/9/98 at the registry.", [("7/9/98", "1998-07-09", None, "day")]),
        ("Filed on 25/12/2021 at the registry.", [("25/12/2021", "2021-12-25", None, "day")]),
        ("Signed on 03.11.2020 in Bern.", [("03.11.2020", "2020-11-03", None, "day")]),
        ("Revenue in Q3 2021 fell.", [("Q3 2021", "2021-07", "2021-09", "month")]),
        ("Revenue in 2021 Q4 fell.", [("2021 Q4", "2021-10", "2021-12", "month")]),
        ("Revenue in the first quarter of 2020 fell.", [("first quarter of 2020", "2020-01", "2020-03", "month")]),
        ("Music of the 1970s is back.", [("1970s", "1970", "1979", "year")]),
        ("Rents doubled in the mid-1990s.", [("mid-1990s", "1990", "1999", "year")]),
        ("The FY2023 budget passed.", [("FY2023", "2023", None, "year")]),
        ("The FY21 budget passed.", [("FY21", "2021", None, "year")]),
        ("The 2004-05 season ended early.", [("2004-05", "2004", "2005", "year")]),
        ("The 1999-00 season ended early.", [("1999-00", "1999", "2000", "year")]),
    ],
)
def test_web_formats(text: str, expected: list[tuple[str, str, str | None, str]]) -> None:
    assert _values(text) == expected


def test_fiscal_years_relative_to_the_document_date() -> None:
    found = _dates("Costs rose this fiscal year and fell last fiscal year.", "2021-08-01")
    assert [(d.text, d.value, d.precision) for d in found] == [
        ("this fiscal year", "2021", "year"),
        ("last fiscal year", "2020", "year"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "She gave to the March of Dimes again.",
        "He shopped at the May Company store.",
        "They held a March for jobs downtown.",
        "Python 3.10.12 was released.",
        "See page 2019-20 of the report.",
    ],
)
def test_names_and_version_numbers_are_not_dates(text: str) -> None:
    assert _dates(text, "2021-08-01") == []


def test_a_month_before_of_and_a_year_or_this_year_is_still_a_date() -> None:
    found = _dates("It opened in March of this year, not the March of 2019.", "2021-08-01")
    assert [(d.text, d.value) for d in found] == [("March of this year", "2021-03"), ("March of 2019", "2019-03")]


# -- scoring ------------------------------------------------------------------------------------


def test_a_gold_date_in_the_second_half_of_a_range_is_scored_by_its_end_value() -> None:
    text = "between 1994 and 1997"
    tally = Tally()
    gold = [
        {"start": 8, "end": 12, "type": "DATE", "value": "1994"},
        {"start": 17, "end": 21, "type": "DATE", "value": "1997"},
    ]
    tally.add([FoundDate(0, len(text), "1994", "1997")], gold, gold)
    assert (tally.true_positives, tally.values_right) == (2, 2)
    wrong = Tally()
    wrong.add([FoundDate(0, len(text), "1994", "1998")], gold, gold)
    assert (wrong.true_positives, wrong.values_right) == (2, 1)


def test_calendar_weeks_give_the_month_they_lie_in() -> None:
    # 2021-05-12 was a Wednesday: last week was 3-9 May; the week after next starts 31 May.
    found = _dates("Prices fell last week and rise this week.", "2021-05-12")
    assert [(d.text, d.value, d.end_value, d.precision) for d in found] == [
        ("last week", "2021-05", None, "month"),
        ("this week", "2021-05", None, "month"),
    ]
    straddling = _dates("The vote is next week.", "2021-06-23")  # 28 June - 4 July
    assert [(d.value, d.end_value) for d in straddling] == [("2021-06", "2021-07")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Exports for October were weak.", ("October", "2021-10")),
        ("Under a June agreement, the port reopened.", ("June", "2021-06")),
        ("It was ready by the end of July.", ("July", "2021-07")),
    ],
)
def test_a_bare_month_after_a_preposition_or_article_is_a_date(text: str, expected: tuple[str, str]) -> None:
    assert [(d.text, d.value) for d in _dates(text, "2021-11-15")] == [expected]


def test_more_years_by_context() -> None:
    assert [(d.text, d.value) for d in _dates("Talks ran in both 1994 and 1995; the post-1989 order held.")] == [
        ("1994", "1994"),
        ("1995", "1995"),
        ("post-1989", "1989"),
    ]


def test_a_yearless_month_without_tense_keeps_the_year_of_the_story_date_it_follows() -> None:
    # No document date: "January" follows "In June 2010" and no verb says which January.
    found = _dates("Board minutes, June 2010\n\nA follow-up to the January round of talks.")
    assert [(d.text, d.value) for d in found] == [("June 2010", "2010-06"), ("January", "2010-01")]


@pytest.mark.parametrize(
    ("text", "expression", "tense"),
    [
        ("The ferry will sail in March.", "March", "future"),
        ("The ferry sailed in March.", "March", "past"),
        ("The ferry tied up in March.", "March", "past"),
        ("The storms that flooded roads in March cost millions.", "March", "past"),
        # A participle after "be" leaves the tense to the auxiliary, even at the window's edge
        # (here "paid" is the twelfth word back and "will" out of reach: no tense, not the past).
        ("Bonuses will be paid on an unannounced day in the weeks of the year in March.", "March", None),
        ("Bonuses will be paid on an unannounced day in March.", "March", "future"),
        # "un-" words and -ed words after an article are adjectives, not past forms.
        ("A vote is due on an unscheduled day in March.", "March", "future"),
        ("Tickets go on sale as soon as Monday.", "Monday", "future"),
        # "have to" is an obligation still to be met, not a perfect.
        ("Buyers have to pay more after the November vote.", "November", "future"),
        # The month May is not the modal "may".
        ("Rents rose between May and October.", "October", "past"),
        ("The dividend is payable in March.", "March", "future"),
        ("The museum is open in March.", "March", None),
        ("Rail talks resume in September.", "September", None),
    ],
)
def test_the_tense_of_a_clause_is_read_from_its_verb_group(text: str, expression: str, tense: str | None) -> None:
    start = text.index(expression)
    assert tense_near(text, start, start + len(expression), DatesConfig().tense_window_words) == tense


def test_tonight_and_last_night_are_days() -> None:
    found = _dates("Fire broke out last night; the council meets tonight.", "2021-05-12")
    assert [(d.text, d.value, d.precision) for d in found] == [
        ("last night", "2021-05-11", "day"),
        ("tonight", "2021-05-12", "day"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The fair runs Sept. 8-10 at the showground.", ("Sept. 8-10", "2021-09-08", "2021-09-10")),
        ("The fair ran 30 April - 2 May this spring.", ("30 April - 2 May", "2021-04-30", "2021-05-02")),
        ("The office closes from Dec. 24 to Jan. 3.", ("Dec. 24 to Jan. 3", "2021-12-24", "2022-01-03")),
    ],
)
def test_yearless_day_ranges(text: str, expected: tuple[str, str, str]) -> None:
    assert [(d.text, d.value, d.end_value) for d in _dates(text, "2021-06-15")] == [expected]
