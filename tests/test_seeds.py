"""What the foundation promises on the two seed pages, checked on real output."""

from __future__ import annotations

from typing import Any

import pytest

ICMEC_PAGE = "000_dda8e69f9ca48918"
AIR_PAGE = "003_72cd0d0011ff537b"


@pytest.fixture(scope="module")
def icmec(seed_records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return seed_records[ICMEC_PAGE]


@pytest.fixture(scope="module")
def air(seed_records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return seed_records[AIR_PAGE]


def _boilerplate_text(record: dict[str, Any]) -> str:
    return "\n".join(item["text"] for item in record["boilerplate"])


@pytest.mark.parametrize(
    "line",
    ["Home About ICMEC", "Select a Country", "Female Male", "Missing within Year(s)", "Help Now", "Quick Search"],
)
def test_navigation_lines_are_boilerplate_not_text(icmec: dict[str, Any], line: str) -> None:
    assert line in _boilerplate_text(icmec)
    assert line not in icmec["text"]


@pytest.mark.parametrize("line", ["Contact Us Privacy Policy", "Copyright © 2015 International Centre"])
def test_footer_lines_are_boilerplate_not_text(icmec: dict[str, Any], line: str) -> None:
    assert line in _boilerplate_text(icmec)
    assert line not in icmec["text"]


def test_boilerplate_kinds(icmec: dict[str, Any]) -> None:
    kinds = {item["text"]: item["kind"] for item in icmec["boilerplate"]}
    assert kinds["Home About ICMEC Supporters Global Partners Search News Media"] == "navigation"
    assert kinds["Select a Country"] == "form"
    assert kinds["Contact Us Privacy Policy Term of Use Follow ICMEC"] == "footer"
    assert next(k for t, k in kinds.items() if t.startswith("Copyright")) == "copyright"


def test_captions_and_headings_stay_in_text(icmec: dict[str, Any]) -> None:
    text = icmec["text"]
    blocks = {text[b["start"] : b["end"]]: b["kind"] for b in icmec["blocks"]}
    assert blocks["February 2011 Meeting in Moscow"] == "caption"
    caption = "BPC Child Protection Sub-group Meeting and Child Welfare Forum in Baikal, Russia August 2011"
    assert blocks[caption] == "caption"
    assert blocks["U.S.-Russia Bilateral Presidential Commission"] == "heading"
    assert blocks["U.S.-Russia Civil Society Partnership Program"] == "heading"
    assert icmec["title"] == "U.S.-Russia Bilateral Presidential Commission"


def test_article_page_loses_nothing(air: dict[str, Any]) -> None:
    assert air["boilerplate"] == []
    assert air["text"].startswith("Transforming Child Protection Systems in Russia and the U.S.")
    assert air["text"].endswith("and Kidsave Russia.")
    assert [b["kind"] for b in air["blocks"]] == ["heading"] + ["paragraph"] * 5


def _date(record: dict[str, Any], text: str) -> dict[str, Any]:
    return next(d for d in record["dates"] if d["text"] == text)


def test_month_precision_is_kept(icmec: dict[str, Any]) -> None:
    july = _date(icmec, "July 2009")
    assert (july["value"], july["precision"], july["end_value"], july["relative"]) == ("2009-07", "month", None, False)
    assert _date(icmec, "May of 2011")["value"] == "2011-05"


@pytest.mark.parametrize(
    ("expression", "first", "last"),
    [("14-15 November 2011", "2011-11-14", "2011-11-15"), ("13-15 June 2012", "2012-06-13", "2012-06-15")],
)
def test_day_ranges(icmec: dict[str, Any], expression: str, first: str, last: str) -> None:
    date = _date(icmec, expression)
    assert (date["value"], date["end_value"], date["precision"]) == (first, last, "day")


def test_relative_dates_are_anchored_in_the_text(icmec: dict[str, Any]) -> None:
    following = _date(icmec, "The following day")
    assert following["relative"] and following["anchor"] == "October 2010"
    # The anchor has no day, so the result keeps month precision instead of inventing one.
    assert (following["value"], following["precision"]) == ("2010-10", "month")
    prior = _date(icmec, "the day prior")
    assert (prior["value"], prior["precision"], prior["anchor"]) == ("2011-11-13", "day", "14-15 November 2011")


def test_no_date_from_ordinary_words(seed_records: dict[str, dict[str, Any]]) -> None:
    for record in seed_records.values():
        for date in record["dates"]:
            assert any(ch.isdigit() for ch in date["text"]) or date["relative"], date
            assert "Help" not in date["text"]
    # The second seed has no date expression at all.
    assert seed_records[AIR_PAGE]["dates"] == []


def _organization(record: dict[str, Any], name: str) -> dict[str, Any]:
    return next(o for o in record["organizations"] if o["name"] == name)


@pytest.mark.parametrize(
    ("name", "acronym"),
    [
        ("Office of Juvenile Justice and Delinquency Prevention", "OJJDP"),
        ("National Foundation for the Prevention of Cruelty to Children", "NFPCC"),
    ],
)
def test_acronyms_are_named_by_their_long_forms(icmec: dict[str, Any], name: str, acronym: str) -> None:
    organization = _organization(icmec, name)
    assert organization["acronym"] == acronym
    assert acronym in organization["aliases"]
    mention_texts = {m["text"] for m in organization["mentions"]}
    assert {name, acronym} <= mention_texts


def test_nfpcc_mentions_are_one_entity(icmec: dict[str, Any]) -> None:
    holders = [o for o in icmec["organizations"] if any(m["text"] == "NFPCC" for m in o["mentions"])]
    assert len(holders) == 1
    assert len([m for m in holders[0]["mentions"] if m["text"] == "NFPCC"]) == 2


def test_icmec_mentions_are_grouped(icmec: dict[str, Any]) -> None:
    holders = [o for o in icmec["organizations"] if any(m["text"] == "ICMEC" for m in o["mentions"])]
    assert len(holders) == 1
    occurrences = icmec["text"].count("ICMEC")
    assert len([m for m in holders[0]["mentions"] if m["text"] == "ICMEC"]) == occurrences >= 6


def _place(record: dict[str, Any], mention: str) -> dict[str, Any]:
    return next(p for p in record["places"] if any(m["text"] == mention for m in p["mentions"]))


@pytest.mark.parametrize(
    ("page", "mention"),
    [(ICMEC_PAGE, "Moscow"), (AIR_PAGE, "Moscow"), (AIR_PAGE, "Perm"), (AIR_PAGE, "St. Petersburg")],
)
def test_russian_places(seed_records: dict[str, dict[str, Any]], page: str, mention: str) -> None:
    place = _place(seed_records[page], mention)
    assert place["country_code"] == "RU"
    assert place["kind"] == "city"
    assert place["latitude"] is not None and place["geonameid"] is not None


@pytest.mark.parametrize(
    ("mention", "geonameid", "state"),
    [
        ("Washington", 4140963, "D.C."),
        ("Columbus", 4509177, "OH"),
        ("New York", 5128581, "NY"),
        ("Los Angeles", 5368361, "CA"),
    ],
)
def test_american_places(air: dict[str, Any], mention: str, geonameid: int, state: str) -> None:
    place = _place(air, mention)
    assert (place["country_code"], place["geonameid"], place["kind"]) == ("US", geonameid, "city")
    # The state after the city picked the right Columbus, and is a place of its own.
    qualifier = _place(air, state)
    assert (qualifier["kind"], qualifier["country_code"]) == ("region", "US")


def test_washington_dc_on_the_text_dump(icmec: dict[str, Any]) -> None:
    place = _place(icmec, "Washington D.C.")
    assert (place["country_code"], place["geonameid"]) == ("US", 4140963)
    assert [m["text"] for m in place["mentions"]] == ["Washington D.C.", "Washington", "Washington", "Washington"]
